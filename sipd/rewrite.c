/* SPDX-License-Identifier: ISC */
/* Rewriting on the way through: Via, Record-Route, Contact, Call-ID, SDP. */

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "addr.h"
#include "backroute.h"
#include "buf.h"
#include "child.h"
#include "conf.h"
#include "log.h"
#include "opaque.h"
#include "privacy.h"
#include "regtable.h"
#include "rewrite.h"
#include "sdp.h"
#include "side.h"
#include "sipd.h"
#include "transport.h"
#include "uri.h"

void	bad_sdp(struct sipx *);

/*
 * Our branch (RFC 3261 §16.6 step 8; §8.1.1.7 magic cookie, then our mark):
 * the side the request came from, the side it left by, 'h' when the Vias
 * below ours are sealed into the branch or 'p' when they stay in the
 * message, the loop hash; then a dot and the tail.  The tail is the sealed
 * text, or a MAC of it: either way a MAC keyed for this run covers the
 * head and every Via below ours, so that a response is routed only by
 * what we wrote ourselves.
 */
#define BRANCH_PREFIX	"z9hG4bKsxd"
#define BRANCH_PLEN	(sizeof(BRANCH_PREFIX) - 1)
#define BRANCH_HEAD	(3 + 16)	/* sides, form, loop hash */

void
rewrite_via_param(osip_via_t *v, const char *name, const char *value)
{
	osip_generic_param_t	*p = NULL;

	osip_via_param_get_byname(v, (char *)name, &p);
	if (p != NULL) {
		osip_free(p->gvalue);
		p->gvalue = osip_strdup(value);
	} else
		osip_via_param_add(v, osip_strdup(name), osip_strdup(value));
}

static void
hash_add(struct buf *b, const char *s)
{
	if (s == NULL)
		s = "";
	buf_add(b, s, strlen(s) + 1);
}

/*
 * RFC 3261 §16.6 step 8: what makes a request this request, for loop
 * detection.  The Request-URI as received is in it, so a request that
 * spirals back with a new target is no loop, and one that returns
 * unchanged is.
 */
uint64_t
rewrite_loop_hash(osip_message_t *m)
{
	osip_generic_param_t	*tag;
	struct buf		 b = { NULL, 0, 0 };
	char			*s;
	uint64_t		 h;

	s = uri_str(m->req_uri);
	hash_add(&b, s);
	osip_free(s);
	hash_add(&b, m->call_id->number);
	hash_add(&b, m->call_id->host);
	tag = NULL;
	osip_from_get_tag(m->from, &tag);
	hash_add(&b, tag != NULL ? tag->gvalue : NULL);
	/* No To tag: an ACK to a non-2xx must get its INVITE's branch. */
	hash_add(&b, m->cseq->number);
	h = opaque_hash(b.p, b.len);
	buf_free(&b);
	return (h);
}

static const char *
via_branch(osip_via_t *v)
{
	osip_generic_param_t	*p = NULL;

	osip_via_param_get_byname(v, "branch", &p);
	return (p != NULL ? p->gvalue : NULL);
}

/* RFC 3261 §16.3 step 4: our Via with the branch we would compute again. */
int
rewrite_loop_check(osip_message_t *m, uint64_t lh)
{
	osip_via_t	*v;
	const char	*b;
	char		 hex[17];
	int		 i;

	snprintf(hex, sizeof(hex), "%016llx", (unsigned long long)lh);
	for (i = 0; (v = osip_list_get(&m->vias, i)) != NULL; i++) {
		if (!side_host_is_ours(v->host, v->port) ||
		    (b = via_branch(v)) == NULL ||
		    strncmp(b, BRANCH_PREFIX, BRANCH_PLEN) != 0 ||
		    strlen(b) < BRANCH_PLEN + BRANCH_HEAD)
			continue;
		if (strncmp(b + BRANCH_PLEN + 3, hex, 16) == 0)
			return (1);
	}
	return (0);
}

/*
 * The Vias from the first'th on, one per line after the head of our
 * branch: the text its MAC covers.
 */
static char *
via_stack(osip_message_t *m, int first, const char *head)
{
	osip_via_t	*v;
	char		*s, *all;
	size_t		 len, n;
	int		 i;

	if (asprintf(&all, "%s\n", head) == -1)
		fatal("%s", __func__);
	len = strlen(all);
	for (i = first; (v = osip_list_get(&m->vias, i)) != NULL; i++) {
		if (osip_via_to_str(v, &s) != 0)
			return (NULL);
		n = strlen(s);
		if ((all = realloc(all, len + n + 2)) == NULL)
			fatal("%s", __func__);
		memcpy(all + len, s, n);
		len += n;
		all[len++] = '\n';
		all[len] = '\0';
		osip_free(s);
	}
	all[len - 1] = '\0';
	return (all);
}

static void
via_clear(osip_message_t *m)
{
	osip_via_t	*v;

	while ((v = osip_list_get(&m->vias, 0)) != NULL) {
		osip_list_remove(&m->vias, 0);
		osip_via_free(v);
	}
}

static char *
bracket(const char *host, char *buf, size_t len)
{
	if (strchr(host, ':') != NULL)
		snprintf(buf, len, "[%s]", host);
	else
		strlcpy(buf, host, len);
	return (buf);
}

/*
 * Our Via on top (RFC 3261 §16.6 step 8).  Towards the WAN the LAN's own
 * Vias are sealed into our branch and removed, so no private address
 * leaves; the response brings them back (rewrite_pop_via).
 */
static int
via_push(struct sipx *x, int from, uint64_t lh)
{
	osip_message_t	*m = x->msg;
	osip_via_t	*v;
	char		 host[256], bh[260], head[BRANCH_HEAD + 1];
	char		*stack, *tail, *str;
	int		 hide, r;

	if (osip_list_size(&m->vias) < 1)
		return (-1);
	hide = x->role_out == ROLE_OUTBOUND && from == ROLE_INBOUND;
	snprintf(head, sizeof(head), "%d%d%c%016llx", from, x->role_out,
	    hide ? 'h' : 'p', (unsigned long long)lh);
	stack = via_stack(m, 0, head);
	if (hide)
		tail = opaque_seal(stack, strlen(stack));
	else if (asprintf(&tail, "%016llx", (unsigned long long)
	    opaque_mac(stack, strlen(stack))) == -1)
		tail = NULL;
	free(stack);
	if (tail == NULL)
		return (-1);
	side_host(x->role_out, x->dst.ss_family, host, sizeof(host));
	r = asprintf(&str, "SIP/2.0/%s %s:%u;branch=%s%s.%s%s",
	    transport_name(x->transport), bracket(host, bh, sizeof(bh)),
	    side_port(x->transport), BRANCH_PREFIX, head, tail,
	    child->conf->use_rport &
	    (x->role_out == ROLE_OUTBOUND ? 2 : 1) ? ";rport" : "");
	free(tail);
	if (r == -1)
		fatal("%s", __func__);
	if (hide)
		via_clear(m);
	if (osip_via_init(&v) != 0 || osip_via_parse(v, str) != 0) {
		osip_via_free(v);
		free(str);
		return (-1);
	}
	free(str);
	osip_list_add(&m->vias, v, 0);
	return (0);
}

/* Our Via is on top: put back the ones sealed into it, if they verify. */
static int
via_unseal(osip_message_t *m, const char *head, const char *sealed)
{
	osip_via_t	*v;
	char		*plain, *line, *next;
	size_t		 len;

	if ((plain = opaque_open(sealed, strlen(sealed), &len)) == NULL)
		return (-1);
	if (strncmp(plain, head, BRANCH_HEAD) != 0 ||
	    plain[BRANCH_HEAD] != '\n') {
		free(plain);
		return (-1);
	}
	via_clear(m);
	for (line = plain + BRANCH_HEAD + 1; line != NULL; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (osip_via_init(&v) != 0 || osip_via_parse(v, line) != 0) {
			osip_via_free(v);
			free(plain);
			return (-1);
		}
		osip_list_add(&m->vias, v, -1);
	}
	free(plain);
	return (0);
}

/* Our Via is on top: take it off if its MAC covers the ones below. */
static int
via_verify(osip_message_t *m, const char *head, const char *mac)
{
	osip_via_t	*v;
	char		*stack;
	int		 ok;

	stack = via_stack(m, 1, head);
	ok = opaque_mac_ok(stack, strlen(stack), mac);
	free(stack);
	if (!ok)
		return (-1);
	v = osip_list_get(&m->vias, 0);
	osip_list_remove(&m->vias, 0);
	osip_via_free(v);
	return (0);
}

/*
 * Take our Via off a response: the side the request came from (and in
 * *left, if not NULL, the side it left by), or -1 if the top Via is not
 * one we wrote, the message then half undone.
 */
int
rewrite_pop_via(osip_message_t *m, int *left)
{
	osip_via_t	*v;
	const char	*b;
	char		 head[BRANCH_HEAD + 1], *tail;
	int		 from, to, r;

	if ((v = osip_list_get(&m->vias, 0)) == NULL ||
	    !side_host_is_ours(v->host, v->port) ||
	    (b = via_branch(v)) == NULL ||
	    strncmp(b, BRANCH_PREFIX, BRANCH_PLEN) != 0 ||
	    strlen(b) < BRANCH_PLEN + BRANCH_HEAD + 1 ||
	    b[BRANCH_PLEN + BRANCH_HEAD] != '.')
		return (-1);
	strlcpy(head, b + BRANCH_PLEN, sizeof(head));
	from = head[0] - '0';
	to = head[1] - '0';
	if (from < 0 || from >= ROLE_MAX || to < 0 || to >= ROLE_MAX)
		return (-1);
	if ((tail = strdup(b + BRANCH_PLEN + BRANCH_HEAD + 1)) == NULL)
		fatal("%s", __func__);
	if (head[2] == 'h')
		r = via_unseal(m, head, tail);
	else if (head[2] == 'p')
		r = via_verify(m, head, tail);
	else
		r = -1;
	free(tail);
	if (r == -1)
		return (-1);
	if (left != NULL)
		*left = to;
	return (from);
}

void
uri_set(char **field, const char *value)
{
	osip_free(*field);
	*field = value != NULL ? osip_strdup(value) : NULL;
}

static void
uri_param_del(osip_uri_t *u, const char *name)
{
	osip_uri_param_t	*p = NULL;
	int			 i;

	for (i = 0; (p = osip_list_get(&u->url_params, i)) != NULL; i++)
		if (p->gname != NULL && strcasecmp(p->gname, name) == 0) {
			osip_list_remove(&u->url_params, i);
			osip_uri_param_free(p);
			break;
		}
}

static void
uri_set_transport(osip_uri_t *u, int transport)
{
	uri_param_del(u, "transport");
	if (transport != TRANSPORT_UDP)
		osip_uri_uparam_add(u, osip_strdup("transport"),
		    osip_strdup(transport == TRANSPORT_TLS ? "tls" : "tcp"));
}

/* Point a URI at us on a side; the user part is how we find the phone. */
static void
uri_masq(osip_uri_t *u, const char *user, int role, int family,
    int transport)
{
	char	host[256], port[8];

	side_host(role, family, host, sizeof(host));
	snprintf(port, sizeof(port), "%u", side_port(transport));
	if (user != NULL)
		uri_set(&u->username, user);
	uri_set(&u->host, host);
	uri_set(&u->port, port);
	uri_set_transport(u, transport);
}

static int
uri_is_sip(const osip_uri_t *u)
{
	return (u != NULL && u->host != NULL && u->scheme != NULL &&
	    (strcasecmp(u->scheme, "sip") == 0 ||
	    strcasecmp(u->scheme, "sips") == 0));
}

/* A LAN phone's Contacts, as the WAN must see them (RFC 3261 §10.2.1). */
static void
contacts_masq(struct sipx *x, const osip_from_t *aorhdr)
{
	osip_contact_t		*c;
	struct reg_binding	*b;
	char			*aor, *cs;
	int			 i;

	aor = aorhdr != NULL ? uri_aor(aorhdr->url) : NULL;
	for (i = 0; (c = osip_list_get(&x->msg->contacts, i)) != NULL; i++) {
		if (!uri_is_sip(c->url))
			continue;
		b = NULL;
		if ((cs = uri_str(c->url)) != NULL && aor != NULL)
			b = reg_lookup(aor, cs);
		uri_masq(c->url, b != NULL ? b->masq_user : NULL, x->role_out,
		    x->dst.ss_family, x->transport);
		if (b == NULL && cs != NULL)
			backroute_seal(c->url, cs, &x->from);
		osip_free(cs);
	}
	free(aor);
}

/*
 * Our Record-Routes name us on both sides (RFC 5658), but no LAN address
 * may reach the WAN: there the LAN's entry shows our WAN address and this
 * mark, and on the way back to the LAN it names us there again.
 */
#define RR_LAN_MARK	"sxlan"

static void
rr_side(struct sipx *x)
{
	osip_record_route_t	*rr;
	osip_uri_param_t	*p;
	char			 host[256];
	int			 i, role;

	for (i = 0; (rr = osip_list_get(&x->msg->record_routes, i)) != NULL;
	    i++) {
		if (!uri_is_sip(rr->url) || !side_uri_is_ours(rr->url))
			continue;
		p = NULL;
		osip_uri_param_get_byname(&rr->url->url_params, RR_LAN_MARK, &p);
		role = p != NULL ? ROLE_INBOUND : side_of_host(rr->url->host);
		if (role != ROLE_INBOUND || (p == NULL) == (x->role_out ==
		    ROLE_INBOUND))
			continue;
		side_host(x->role_out, x->dst.ss_family, host, sizeof(host));
		uri_set(&rr->url->host, host);
		if (p == NULL) {
			osip_uri_uparam_add(rr->url, osip_strdup(RR_LAN_MARK),
			    NULL);
			continue;
		}
		uri_param_del(rr->url, RR_LAN_MARK);
	}
}

/* One Record-Route of ours on top: our address on side role, transport. */
static int
rr_add(osip_message_t *m, int role, int family, int transport)
{
	osip_record_route_t	*rr;
	char			 host[256], bh[260], *s;
	int			 r;

	side_host(role, family, host, sizeof(host));
	if (asprintf(&s, "<sip:%s:%u;lr%s>", bracket(host, bh, sizeof(bh)),
	    side_port(transport),
	    transport == TRANSPORT_TLS ? ";transport=tls" :
	    transport == TRANSPORT_TCP ? ";transport=tcp" : "") == -1)
		fatal("%s", __func__);
	r = osip_record_route_init(&rr) == 0 &&
	    osip_record_route_parse(rr, s) == 0;
	free(s);
	if (!r) {
		osip_record_route_free(rr);
		return (-1);
	}
	osip_list_add(&m->record_routes, rr, 0);
	return (0);
}

/*
 * RFC 5658 §4: a request that crosses from one side or transport to
 * another records both: on top the entry for the side it leaves by, which
 * the next hop reaches, below it the one for the side it came from, which
 * the previous hop reaches.  Each UA's first route is then ours on its
 * own side and transport.
 */
static int
rr_push(struct sipx *x, int from)
{
	int	fam = x->from.src.ss_family;

	if ((from != x->role_out || x->from.transport != x->transport) &&
	    rr_add(x->msg, from, fam == AF_INET6 ? AF_INET6 : AF_INET,
	    x->from.transport) == -1)
		return (-1);
	if (rr_add(x->msg, x->role_out, x->dst.ss_family, x->transport) == -1)
		return (-1);
	rr_side(x);
	return (0);
}

int
host_is_private(const char *host)
{
	struct sockaddr_storage	ss;

	return (host != NULL && addr_parse(host, &ss) == 0 &&
	    addr_is_private((struct sockaddr *)&ss));
}

/* mask_host / masked_host (the classic siproxd's name for a UA's domain). */
static void
mask_uri(osip_uri_t *u, int to_wan)
{
	struct conf_str	*cs;

	if (u == NULL || u->host == NULL)
		return;
	TAILQ_FOREACH(cs, &child->conf->mask_hosts, entry) {
		if (to_wan && strcasecmp(u->host, cs->s) == 0) {
			uri_set(&u->host, cs->s2);
			return;
		}
		if (!to_wan && strcasecmp(u->host, cs->s2) == 0) {
			uri_set(&u->host, cs->s);
			return;
		}
	}
}

void
rewrite_mask(osip_message_t *m, int to_wan)
{
	if (MSG_IS_REQUEST(m))
		mask_uri(m->req_uri, to_wan);
	mask_uri(m->to->url, to_wan);
	mask_uri(m->from->url, to_wan);
}

static void
ua_set(osip_message_t *m)
{
	osip_header_t	*h;

	if (child->conf->ua_string[0] == '\0')
		return;
	if (osip_message_get_user_agent(m, 0, &h) >= 0 && h != NULL)
		uri_set(&h->hvalue, child->conf->ua_string);
	else
		osip_message_set_user_agent(m, child->conf->ua_string);
}

int
body_is_sdp(const osip_message_t *m)
{
	const osip_content_type_t	*ct = m->content_type;

	return (ct != NULL && ct->type != NULL && ct->subtype != NULL &&
	    strcasecmp(ct->type, "application") == 0 &&
	    strcasecmp(ct->subtype, "sdp") == 0);
}

void
rewrite_set_body(osip_message_t *m, const char *buf, size_t len)
{
	char	cl[16];

	osip_list_special_free(&m->bodies, (void (*)(void *))osip_body_free);
	osip_message_set_body(m, buf, len);
	snprintf(cl, sizeof(cl), "%zu", len);
	osip_content_length_free(m->content_length);
	m->content_length = NULL;
	osip_message_set_content_length(m, cl);
}

/*
 * Write our address, and the relay's ports once rtpd gave them, into the
 * SDP (RFC 4566 c=, o=, m=, a=rtcp).  -1: the body is not SDP after all.
 */
int
rewrite_sdp_finish(struct sipx *x)
{
	osip_body_t		*body;
	struct sdp_subst	 sub;
	struct sockaddr_storage	 ss;
	char			*out;
	size_t			 outlen;

	body = osip_list_get(&x->msg->bodies, 0);
	side_addr(x->role_out, x->dst.ss_family, &ss);
	memset(&sub, 0, sizeof(sub));
	sub.addr = (struct sockaddr *)&ss;
	sub.rtp_port = x->rtp_ports;
	sub.rtcp_port = x->rtcp_ports;
	if (body == NULL || sdp_rewrite(body->body, body->length, x->sdp,
	    &sub, &out, &outlen) == -1) {
		bad_sdp(x);
		return (-1);
	}
	rewrite_set_body(x->msg, out, outlen);
	free(out);
	free(x->rawbody);
	x->rawbody = NULL;
	return (0);
}

/*
 * SDP on its way from one side to the other: media goes through rtpd, so
 * its ports are asked for first (x then waits) unless the relay is off,
 * when the body is left as the endpoint wrote it.
 */
static int
sdp_masq(struct sipx *x, int from)
{
	osip_body_t	*body;
	size_t		 i, n;

	if (from == x->role_out || !child->conf->rtp_proxy_enable)
		return (0);
	if (!body_is_sdp(x->msg) ||
	    (body = osip_list_get(&x->msg->bodies, 0)) == NULL ||
	    body->body == NULL || body->length == 0) {
		if (MSG_IS_INVITE(x->msg))
			invite_sent(x->callkey, 1);
		return (0);
	}
	if ((x->sdp = calloc(1, sizeof(*x->sdp))) == NULL)
		fatal("%s", __func__);
	if (sdp_parse(x->sdp, body->body, body->length) == -1) {
		bad_sdp(x);
		return (-1);
	}
	n = x->sdp->nmedia;
	x->rtp_ports = calloc(n + 1, sizeof(uint16_t));
	x->rtcp_ports = calloc(n + 1, sizeof(uint16_t));
	if (x->rtp_ports == NULL || x->rtcp_ports == NULL)
		fatal("%s", __func__);
	/* A stream we do not relay (port 0, multicast) keeps its ports. */
	for (i = 0; i < n; i++) {
		x->rtp_ports[i] = x->sdp->media[i].port;
		x->rtcp_ports[i] = x->sdp->media[i].rtcp_port;
	}
	if ((x->waiting = relay_request(x, from)) > 0)
		return (0);
	return (rewrite_sdp_finish(x));
}

static int
max_forwards(osip_message_t *m)
{
	osip_header_t	*h;
	const char	*errstr;
	char		 buf[16];
	int		 v;

	if (osip_message_get_max_forwards(m, 0, &h) < 0 || h == NULL) {
		osip_message_set_max_forwards(m, "70");
		return (0);
	}
	v = strtonum(h->hvalue, 1, 255, &errstr);
	if (errstr != NULL)
		return (-1);
	snprintf(buf, sizeof(buf), "%d", v - 1);
	uri_set(&h->hvalue, buf);
	return (0);
}

static int
dialog_forming(const osip_message_t *m)
{
	osip_generic_param_t	*tag = NULL;

	osip_to_get_tag(m->to, &tag);
	return (tag == NULL && (MSG_IS_INVITE(m) || MSG_IS_SUBSCRIBE(m) ||
	    MSG_IS_REFER(m) || MSG_IS_NOTIFY(m)));
}

void
bad_sdp(struct sipx *x)
{
	log_info("%s: %s with a malformed SDP body: refused", proxy_cid(x->msg),
	    MSG_IS_REQUEST(x->msg) ? x->msg->sip_method : "response");
	sipx_reply(x, 488);
}

/* From the WAN: our masks and sealed Call-IDs come off first. */
static void
rewrite_in(struct sipx *x, int from)
{
	if (from == ROLE_OUTBOUND) {
		rewrite_mask(x->msg, 0);
		privacy_reveal(x->msg);
	}
	x->callkey = relay_callkey(x->msg);
}

/*
 * Towards the WAN: a LAN phone's Contacts, masks, User-Agent, then the
 * LAN addresses in identity headers, except the next hop's own (a
 * provider whose domain is a private address, behind another NAT).
 */
static void
rewrite_out(struct sipx *x, const osip_from_t *aorhdr)
{
	struct privacy_ctx	 pc;
	char			 dst[64];

	contacts_masq(x, aorhdr);
	rewrite_mask(x->msg, 1);
	ua_set(x->msg);
	memset(&pc, 0, sizeof(pc));
	pc.family = x->dst.ss_family;
	pc.keep[0] = x->host;
	if (x->dst.ss_family != 0)
		pc.keep[1] = addr_ntop((struct sockaddr *)&x->dst, dst,
		    sizeof(dst));
	if (MSG_IS_REQUEST(x->msg) && x->msg->req_uri != NULL)
		pc.keep[2] = x->msg->req_uri->host;
	privacy_hide(x->msg, &pc);
}

/* The body last: it may wait for rtpd.  The Call-ID is sealed after it. */
static int
rewrite_body(struct sipx *x, int from, int to_wan)
{
	if (sdp_masq(x, from) == -1)
		return (-1);
	if (to_wan)
		privacy_callid_hide(x->msg, x->dst.ss_family);
	return (0);
}

/* A request, once its next hop is known (RFC 3261 §16.6). */
int
rewrite_request(struct sipx *x, int from)
{
	osip_message_t	*m = x->msg;
	int		 to_wan = x->role_out == ROLE_OUTBOUND &&
			    from == ROLE_INBOUND;

	rewrite_in(x, from);
	/* RFC 3264 §4: an ACK's SDP answers the offer of a 2xx. */
	x->offer = !MSG_IS_ACK(m);
	if (max_forwards(m) == -1)
		return (-1);
	if (to_wan)
		rewrite_out(x, MSG_IS_REGISTER(m) ? m->to : m->from);
	if (dialog_forming(m) && rr_push(x, from) == -1)
		return (-1);
	if (via_push(x, from, x->loophash) == -1)
		return (-1);
	if (MSG_IS_BYE(m) || MSG_IS_CANCEL(m))
		relay_close(x->callkey, 0);
	return (rewrite_body(x, from, to_wan));
}

/* A response, once its next hop is known. */
int
rewrite_response(struct sipx *x, int from)
{
	osip_message_t	*m = x->msg;
	int		 to_wan = x->role_out == ROLE_OUTBOUND &&
			    from == ROLE_INBOUND;

	rewrite_in(x, from);
	rr_side(x);
	if (to_wan)
		rewrite_out(x, m->to);
	/* A failed INVITE frees its media, unless a 2xx came first (forks). */
	if (m->cseq->method != NULL && strcmp(m->cseq->method, "INVITE") == 0) {
		x->offer = invite_bare(x->callkey);
		invite_answered(x->callkey, m->status_code);
		if (m->status_code >= 300)
			relay_close(x->callkey, RELAY_F_UNANSWERED);
	}
	return (rewrite_body(x, from, to_wan));
}
