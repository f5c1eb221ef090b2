/* SPDX-License-Identifier: ISC */
/* The proxy: direction, next hop and forwarding of requests and responses. */

#include <sys/types.h>
#include <sys/socket.h>

#include <event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>

#include "acl.h"
#include "addr.h"
#include "auth.h"
#include "backroute.h"
#include "child.h"
#include "conf.h"
#include "log.h"
#include "mono.h"
#include "mod.h"
#include "opaque.h"
#include "regtable.h"
#include "registrar.h"
#include "reply.h"
#include "resolve.h"
#include "rewrite.h"
#include "side.h"
#include "sipd.h"
#include "sipframe.h"
#include "sipmsg.h"
#include "srclimit.h"
#include "transport.h"
#include "uri.h"

static struct event	*tick_ev;

/* Once a second, what has waited too long goes (invite.c, sipx.c). */
static void
proxy_tick(int fd, short ev, void *arg)
{
	time_t	now = mono_now();

	invite_expire_due(now);
	sipx_expire_due(now);
}

void
proxy_init(void)
{
	struct timeval	tick = { 1, 0 };

	sipmsg_init();
	opaque_init();
	auth_init();
	if (resolve_init(child->base, NULL) == -1)
		fatalx("cannot set up the resolver");
	registrar_init();
	tick_ev = event_new(child->base, -1, EV_PERSIST, proxy_tick, NULL);
	if (tick_ev == NULL || event_add(tick_ev, &tick) == -1)
		fatalx("%s: event_add", __func__);
	mod_running();
}

void
proxy_shutdown(void)
{
	if (tick_ev != NULL)
		event_free(tick_ev);
	tick_ev = NULL;
}

void
proxy_config(void)
{
	if (side_one_interface())
		log_info("one interface for both sides: the LAN is %s",
		    side_inside_rule());
}

/*
 * proxy_auth_realm: a LAN phone's REGISTER is forwarded only with valid
 * credentials (the classic siproxd's rule); ours come off before it goes.
 * 0: go on; else the request was answered and is gone.
 */
static int
proxy_auth(const struct sip_origin *o, osip_message_t *m)
{
	const struct siproxd_conf	*c = child->conf;
	const struct sockaddr		*sa = (const struct sockaddr *)&o->src;
	const char			*user, *why = NULL;
	char				*challenge = NULL;
	time_t				 now = mono_now();
	int				 code;

	if (!auth_enabled(c->proxy_auth_realm))
		return (0);
	if (srclimit_blocked(sa, now)) {
		log_debug("%s: REGISTER from %s: 403 too many guesses",
		    proxy_cid(m), log_sa(sa));
		reply_send(o, NULL, 0, m, 403, NULL);
		osip_message_free(m);
		return (-1);
	}
	code = auth_check(m, c->proxy_auth_realm, c->proxy_auth_passwd,
	    &user, &challenge, &why);
	if (code == 0) {
		auth_strip(m, c->proxy_auth_realm);
		return (0);
	}
	log_info("%s: REGISTER from %s: %d %s", proxy_cid(m), log_sa(sa), code,
	    why != NULL ? why : "");
	if (auth_was_guess() && srclimit_guessed(sa, now))
		log_warnx("%s: %d failed authentications within %d s: "
		    "refused for %d s", log_sa(sa), GUARD_FAILS, GUARD_WINDOW,
		    GUARD_BLOCK);
	if (code == 407 && challenge != NULL)
		reply_challenge(o, m, challenge);
	else
		reply_send(o, NULL, 0, m, code, NULL);
	free(challenge);
	osip_message_free(m);
	return (-1);
}

void
sip_input(struct sip_sock *ss, const struct sockaddr_storage *from,
    const char *buf, size_t len)
{
	struct sip_origin	o;

	memset(&o, 0, sizeof(o));
	o.role = ss->role;
	o.transport = TRANSPORT_UDP;
	o.src = *from;
	o.sock = ss;
	lopeer_seen(ss, from);
	sip_input_msg(&o, buf, len);
}

/* A short call id for log lines: the Call-ID, escaped and capped. */
const char *
proxy_cid(const osip_message_t *m)
{
	static char	buf[24];
	const char	*s;

	if (m->call_id == NULL || (s = m->call_id->number) == NULL)
		return ("-");
	strlcpy(buf, log_wire(s, strlen(s) > 12 ? 12 : strlen(s)),
	    sizeof(buf));
	return (buf);
}

/* Max-Forwards (RFC 3261 §16.3 step 3): -1 if absent. */
static int
proxy_maxfwd(osip_message_t *m)
{
	osip_header_t	*h;
	const char	*errstr;
	int		 v;

	if (osip_message_get_max_forwards(m, 0, &h) < 0 || h == NULL ||
	    h->hvalue == NULL)
		return (-1);
	v = strtonum(h->hvalue, 0, 255, &errstr);
	return (errstr != NULL ? -1 : v);
}

/* Where the top Via says the request came from (RFC 3261 §18.2.1, RFC 3581). */
static void
proxy_mark_via(osip_message_t *m, const struct sip_origin *o)
{
	osip_via_t		*v;
	osip_generic_param_t	*rport = NULL;
	char			 ip[64], port[8];

	if (osip_message_get_via(m, 0, &v) < 0 || v == NULL)
		return;
	addr_ntop((const struct sockaddr *)&o->src, ip, sizeof(ip));
	osip_via_param_get_byname(v, "rport", &rport);
	/*
	 * RFC 3261 §18.2.2: the response goes back on the request's
	 * connection; received and rport name its far end.
	 */
	if (rport == NULL && o->transport != TRANSPORT_UDP) {
		osip_via_param_add(v, osip_strdup("rport"), NULL);
		osip_via_param_get_byname(v, "rport", &rport);
	}
	if (rport != NULL) {
		snprintf(port, sizeof(port), "%u",
		    addr_port((const struct sockaddr *)&o->src));
		osip_free(rport->gvalue);
		rport->gvalue = osip_strdup(port);
	}
	if (rport != NULL || v->host == NULL || strcmp(v->host, ip) != 0)
		rewrite_via_param(v, "received", ip);
}

static void
proxy_pop_routes(osip_message_t *m)
{
	osip_route_t	*r;

	/* Loose routing (RFC 3261 §16.4): our own entries come off the top. */
	while (osip_list_size(&m->routes) > 0) {
		r = osip_list_get(&m->routes, 0);
		if (r == NULL || !side_uri_is_ours(r->url))
			break;
		osip_list_remove(&m->routes, 0);
		osip_route_free(r);
	}
}

/* Is this request for the proxy itself, not for anyone behind it? */
static int
proxy_for_us(const osip_message_t *m)
{
	return (side_uri_is_ours(m->req_uri) &&
	    m->req_uri->username == NULL && osip_list_size(&m->routes) == 0);
}

static void
proxy_uri_target(const osip_uri_t *u, char *host, size_t hlen,
    uint16_t *port, int *transport)
{
	osip_uri_param_t	*tp = NULL;
	const char		*errstr;
	int			 sips;

	strlcpy(host, u->host, hlen);
	*port = u->port != NULL ? strtonum(u->port, 1, 65535, &errstr) : 0;
	osip_uri_param_get_byname((osip_list_t *)&u->url_params, "transport",
	    &tp);
	sips = u->scheme != NULL && strcasecmp(u->scheme, "sips") == 0;
	/* None named: the DNS says which (RFC 3263 §4.1). */
	if (tp == NULL || tp->gvalue == NULL)
		*transport = sips ? TRANSPORT_PICK_SIPS : TRANSPORT_PICK;
	else if ((*transport = transport_parse(tp->gvalue)) != -1 && sips)
		/* RFC 3261 §26.2.2: sips: is TLS on every hop. */
		*transport = TRANSPORT_TLS;
}

/*
 * The next hop of a request leaving for the WAN: a Route, else the
 * outbound proxy of the domain, else the global one, else the
 * Request-URI (RFC 3261 §16.5, §16.6 step 6).  -1 when there is none: a
 * Request-URI without a host (tel:, RFC 3966) needs a proxy that knows
 * where numbers go.
 */
static int
proxy_wan_target(osip_message_t *m, char *host, size_t hlen, uint16_t *port,
    int *transport)
{
	struct conf_domain	*d;
	osip_route_t		*r;
	const char		*dom = m->req_uri->host;

	if ((r = osip_list_get(&m->routes, 0)) != NULL && r->url != NULL &&
	    r->url->host != NULL) {
		proxy_uri_target(r->url, host, hlen, port, transport);
		return (0);
	}
	*transport = TRANSPORT_PICK;
	if (dom != NULL) {
		proxy_uri_target(m->req_uri, host, hlen, port, transport);
		TAILQ_FOREACH(d, &child->conf->outbound_domains, entry)
			if (strcasecmp(d->name, dom) == 0) {
				strlcpy(host, d->host, hlen);
				*port = d->port;
				return (0);
			}
	}
	if (child->conf->outbound_proxy_host[0] != '\0') {
		strlcpy(host, child->conf->outbound_proxy_host, hlen);
		*port = child->conf->outbound_proxy_port;
		if (child->conf->outbound_proxy_transport[0] != '\0')
			*transport = transport_parse(
			    child->conf->outbound_proxy_transport);
	} else if (dom == NULL)
		return (-1);
	return (0);
}

/* The phone a request from the WAN is for, or NULL. */
static struct reg_binding *
proxy_find_phone(const osip_uri_t *u)
{
	struct reg_binding	*b = NULL;
	char			*aor;

	if (u == NULL || u->host == NULL)
		return (NULL);
	if (side_uri_is_ours(u) && u->username != NULL)
		b = reg_lookup_masq(u->username);
	if (b == NULL && (aor = uri_aor(u)) != NULL) {
		b = reg_first_aor(aor);
		free(aor);
	}
	if (b != NULL && b->pending)
		return (NULL);
	return (b);
}

/* Send a request to a phone on the LAN: its Contact, where it is. */
static int
proxy_to_phone(osip_message_t *m, const struct sip_origin *o,
    const char *contact, const struct sockaddr_storage *src, int transport,
    uint64_t lh)
{
	osip_uri_t	*u;
	char		 host[64];

	if (osip_uri_init(&u) != 0 || osip_uri_parse(u, contact) != 0) {
		osip_uri_free(u);
		return (-1);
	}
	osip_uri_free(m->req_uri);
	m->req_uri = u;
	addr_ntop((const struct sockaddr *)src, host, sizeof(host));
	sipx_start(m, o, ROLE_INBOUND, transport, host,
	    addr_port((const struct sockaddr *)src), lh);
	return (0);
}

/*
 * A registered phone, or one whose Contact we sealed (backroute.c): 0 if
 * on its way, -1 if a module took it, else the code to refuse it with.
 */
static int
proxy_phone(osip_message_t *m, const struct sip_origin *o, uint64_t lh)
{
	struct reg_binding	*b;
	struct sockaddr_storage	 src;
	char			*contact;
	int			 transport, r;

	if (backroute_open(m->req_uri, &contact, &src, &transport) == 0) {
		r = proxy_to_phone(m, o, contact, &src, transport, lh);
		free(contact);
		return (r == -1 ? 500 : 0);
	}
	if ((b = proxy_find_phone(m->req_uri)) == NULL) {
		if (mod_unknown(o, m, &b))
			return (-1);
		if (b == NULL)
			return (404);
	}
	if (proxy_to_phone(m, o, b->contact, &b->src, b->transport, lh) == -1)
		return (500);
	return (0);
}

static int
proxy_our_answer(const osip_message_t *m)
{
	osip_generic_param_t	*tag = NULL;

	osip_to_get_tag(m->to, &tag);
	return (tag != NULL && reply_our_tag(tag->gvalue));
}

static void
proxy_refuse(const struct sip_origin *o, osip_message_t *m, int code,
    const char *why)
{
	log_info("%s: %s from %s: %d %s", proxy_cid(m), m->sip_method,
	    log_sa((const struct sockaddr *)&o->src), code, why);
	if (!MSG_IS_ACK(m))
		reply_send(o, NULL, 0, m, code, NULL);
	osip_message_free(m);
}

static void
proxy_request(const struct sip_origin *o, osip_message_t *m)
{
	char			 host[256];
	uint64_t		 lh;
	uint16_t		 port;
	int			 side = side_of(o), mf, transport, code;

	mf = proxy_maxfwd(m);
	if (mf == 0) {
		if (MSG_IS_OPTIONS(m) && proxy_for_us(m))
			return (proxy_refuse(o, m, 200, "options to us"));
		return (proxy_refuse(o, m, 483, "max-forwards exhausted"));
	}
	if (MSG_IS_ACK(m) && proxy_our_answer(m)) {
		log_debug("%s: ACK to our own answer absorbed", proxy_cid(m));
		osip_message_free(m);
		return;
	}
	lh = rewrite_loop_hash(m);
	if (rewrite_loop_check(m, lh))
		return (proxy_refuse(o, m, 482, "loop detected"));
	if (mod_msg(MOD_TARGET, o, m))
		return;
	proxy_mark_via(m, o);
	proxy_pop_routes(m);
	if (MSG_IS_REGISTER(m)) {
		if (side != ROLE_INBOUND)
			return (proxy_refuse(o, m, 403, "register from wan"));
		/* The digest uri names the Request-URI as the phone sent it. */
		if (proxy_auth(o, m) == -1)
			return;
	}
	/* mask_host: a phone that names us as its domain means masked_host. */
	if (side == ROLE_INBOUND)
		rewrite_mask(m, 1);
	if (MSG_IS_REGISTER(m)) {
		if (side_uri_is_ours(m->req_uri)) {
			registrar_local(o, m);
			return;
		}
		registrar_request(o, m);
	} else if (proxy_for_us(m)) {
		if (MSG_IS_OPTIONS(m))
			return (proxy_refuse(o, m, 200, "options to us"));
		return (proxy_refuse(o, m, 404, "request for the proxy"));
	}
	if (side == ROLE_OUTBOUND || side_uri_is_ours(m->req_uri)) {
		if ((code = proxy_phone(m, o, lh)) > 0)
			return (proxy_refuse(o, m, code, code == 404 ?
			    "no such phone" : "bad contact"));
		return;
	}
	if (proxy_wan_target(m, host, sizeof(host), &port, &transport) == -1)
		return (proxy_refuse(o, m, 416, "no host in the request-uri"));
	if (transport == -1)
		return (proxy_refuse(o, m, 416, "unsupported transport"));
	sipx_start(m, o, ROLE_OUTBOUND, transport, host, port, lh);
}

/* A response: our Via off the top, then back to the next Via. */
static void
proxy_response(const struct sip_origin *o, osip_message_t *m)
{
	osip_via_t		*v;
	osip_generic_param_t	*p = NULL;
	char			 host[256];
	const char		*errstr;
	uint16_t		 port = 0;
	int			 role, left, transport;
	static struct log_limit	 forged;

	if (mod_msg(MOD_TARGET, o, m))
		return;
	/*
	 * RFC 3261 §16.7: a response goes where our Via says.  Only a Via we
	 * wrote, coming back from the side the request left by, says so.
	 */
	if ((role = rewrite_pop_via(m, &left)) == -1 || left != side_of(o)) {
		log_limited(&forged, LOG_INFO, "%s: response from %s without "
		    "a via of ours for that side: dropped", proxy_cid(m),
		    log_sa((const struct sockaddr *)&o->src));
		osip_message_free(m);
		return;
	}
	if (osip_message_get_via(m, 0, &v) < 0 || v == NULL ||
	    v->host == NULL) {
		osip_message_free(m);
		return;
	}
	/* RFC 3261 §18.2.2 and RFC 3581 §4: received and rport first. */
	osip_via_param_get_byname(v, "received", &p);
	strlcpy(host, p != NULL && p->gvalue != NULL ? p->gvalue : v->host,
	    sizeof(host));
	p = NULL;
	osip_via_param_get_byname(v, "rport", &p);
	if (p != NULL && p->gvalue != NULL)
		port = strtonum(p->gvalue, 1, 65535, &errstr);
	if (port == 0 && v->port != NULL)
		port = strtonum(v->port, 1, 65535, &errstr);
	if ((transport = transport_parse(v->protocol)) == -1) {
		osip_message_free(m);
		return;
	}
	if (m->cseq != NULL && m->cseq->method != NULL &&
	    strcmp(m->cseq->method, "REGISTER") == 0)
		registrar_response(m);
	sipx_start(m, o, role, transport, host, port != 0 ? port : 5060, 0);
}

/*
 * The body as it came, so that one we do not rewrite leaves byte for byte:
 * libosip2 rebuilds multipart bodies (RFC 4475 §3.1.1.11).
 */
static void
proxy_rawbody(struct sip_origin *o, const osip_message_t *m, const char *buf,
    size_t len)
{
	const char	*why;
	size_t		 off, blen;

	o->body = NULL;
	o->bodylen = 0;
	if (osip_list_size(&m->bodies) > 0 &&
	    sipframe_body(buf, len, &off, &blen, &why) == 0) {
		o->body = buf + off;
		o->bodylen = blen;
	}
}

void
sip_input_msg(const struct sip_origin *from, const char *buf, size_t len)
{
	struct sip_origin	 oo = *from, *o = &oo;
	osip_message_t		*m;
	const char		*why;
	char			*unsup = NULL;
	int			 code;

	sipd.stat_in++;
	o->len = len;
	if (mod_raw(o, buf, len))
		return;
	if (sipmsg_parse(buf, len, &m, &code, &unsup, &why) == -1) {
		if (why != NULL && strcmp(why, "keepalive") == 0)
			return;
		log_info("bad message from %s: %s%s",
		    log_sa((const struct sockaddr *)&o->src), why,
		    code ? "" : ": dropped");
		if (code != 0)
			reply_send(o, buf, len, NULL, code, unsup);
		free(unsup);
		return;
	}
	if (!acl_permit(o, m)) {
		osip_message_free(m);
		return;
	}
	if (mod_msg(MOD_VALIDATE, o, m))
		return;
	proxy_rawbody(o, m, buf, len);
	if (MSG_IS_REQUEST(m))
		proxy_request(o, m);
	else
		proxy_response(o, m);
}

/* The message's next hop is known: rewrite it for the side it goes to. */
int
proxy_prepare(struct sipx *x)
{
	int	from = side_of(&x->from);

	if (mod_out(MOD_PRE, x))
		return (-1);
	if (MSG_IS_REQUEST(x->msg))
		return (rewrite_request(x, from));
	return (rewrite_response(x, from));
}
