/* SPDX-License-Identifier: ISC */
/* struct sipx, a SIP message in transit (x: transfer): its next hop */
/* resolved, the outgoing side's rewrite, then wire.c sends it. */

#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "addr.h"
#include "child.h"
#include "conf.h"
#include "log.h"
#include "mod.h"
#include "mono.h"
#include "privacy.h"
#include "reply.h"
#include "resolve.h"
#include "rewrite.h"
#include "sdp.h"
#include "sipd.h"
#include "sipmsg.h"
#include "srclimit.h"
#include "tlsctx.h"
#include "transport.h"
#include "wire.h"

#if RESOLVE_UDP != TRANSPORT_UDP || RESOLVE_TCP != TRANSPORT_TCP || \
    RESOLVE_TLS != TRANSPORT_TLS
#error "resolve.h and msg.h must number the transports alike"
#endif

/*
 * What sipd holds at once, whatever it waits for: a DNS answer (each
 * source may have SRC_MAXPENDING of those, but many sources add up) or
 * rtpd's ports, which no source count may bound (a PBX behind one address
 * starts hundreds of calls at once: burst.sh has 200).  rtpd answers in
 * well under a millisecond, so sipp's 500 calls a second hold a handful;
 * 4096 leaves twenty times the largest burst we know of.  An ordinary
 * INVITE with SDP is a kilobyte or two as received and a few parsed: some
 * 20 MB at most.  The bytes as received bound the large ones (up to 64 kB
 * each) to the same order.  Over either bound a request gets 503.
 */
#define SIPX_MAX	4096
#define SIPX_BYTES	(8 * 1024 * 1024)
/*
 * Nothing waits longer than Timer B (64*T1, RFC 3261 §17.1.1.2): by then
 * the sender has given up, and an answer rtpd lost must not hold a
 * message for ever.
 */
#define SIPX_TTL	32

static struct sipx_list	sipxs = TAILQ_HEAD_INITIALIZER(sipxs);
static uint32_t		sipx_ids;
static size_t		sipx_count, sipx_bytes;

static void	sipx_resolved(void *, int, int,
		    const struct sockaddr_storage *, size_t);
static void	sipx_fail(struct sipx *, int, const char *);

/*
 * Answer a request we were about to forward: if it was rewritten already,
 * our Via comes off (the sealed ones come back) and the Call-ID shows as
 * the sender wrote it.
 */
void
sipx_reply(struct sipx *x, int code)
{
	if (!MSG_IS_REQUEST(x->msg) || MSG_IS_ACK(x->msg))
		return;
	rewrite_pop_via(x->msg, NULL);
	privacy_reveal(x->msg);
	reply_send(&x->from, NULL, 0, x->msg, code, NULL);
}

void
sipx_free(struct sipx *x)
{
	TAILQ_REMOVE(&sipxs, x, entry);
	sipx_count--;
	sipx_bytes -= x->from.len;
	if (x->counted)
		srclimit_give((struct sockaddr *)&x->from.src);
	if (x->rr != NULL)
		resolve_cancel(x->rr);
	osip_message_free(x->msg);
	if (x->sdp != NULL) {
		sdp_clear(x->sdp);
		free(x->sdp);
	}
	free(x->rtp_ports);
	free(x->rtcp_ports);
	free(x->rawbody);
	free(x->host);
	free(x);
}

struct sipx *
sipx_find(uint32_t id)
{
	struct sipx	*x;

	TAILQ_FOREACH(x, &sipxs, entry)
		if (x->id == id)
			return (x);
	return (NULL);
}

/* Can a message leave on side role by transport t? */
static int
sipx_can(int role, int t)
{
	if (t == TRANSPORT_TLS && !tlsctx_on())
		return (0);
	return (sipd_sock_find(role, t, AF_INET) != NULL ||
	    sipd_sock_find(role, t, AF_INET6) != NULL);
}

/*
 * What to ask the resolver for: the transport named, or those we can
 * send on for the DNS to choose from (RFC 3263 §4.1): for sips: TLS
 * alone.  -1: none of them.
 */
static int
sipx_want(int role, int transport)
{
	int	set = 0, t;

	if (transport != TRANSPORT_PICK && transport != TRANSPORT_PICK_SIPS)
		return (transport);
	for (t = TRANSPORT_UDP; t <= TRANSPORT_TLS; t++)
		if ((t == TRANSPORT_TLS || transport == TRANSPORT_PICK) &&
		    sipx_can(role, t))
			set |= RESOLVE_SET(t);
	return (set != 0 ? RESOLVE_PICK | set : -1);
}

size_t
sipx_held(void)
{
	return (sipx_count);
}

/* Too many held: a request gets 503, anything else is dropped. */
static void
sipx_refuse(osip_message_t *m, const struct sip_origin *from)
{
	if (MSG_IS_REQUEST(m) && !MSG_IS_ACK(m))
		reply_send(from, NULL, 0, m, 503, NULL);
	osip_message_free(m);
}

static int
sipx_full(const struct sip_origin *from)
{
	static struct log_limit	full;

	if (sipx_count < SIPX_MAX && sipx_bytes + from->len <= SIPX_BYTES)
		return (0);
	log_limited(&full, LOG_WARNING, "%zu messages (%zu bytes) wait to be "
	    "forwarded: refused, the last from %s", sipx_count, sipx_bytes,
	    log_sa((const struct sockaddr *)&from->src));
	return (1);
}

/*
 * Take the message (ours from now on) towards host:port on side role_out.
 * Only a message whose next hop needs a DNS query counts against its
 * source's bound: one that goes to an address, or to a name in the cache,
 * waits for nothing but sipd's and rtpd's next turn, and a PBX behind one
 * address may send hundreds at once.  All of them count against sipd's.
 */
void
sipx_start(osip_message_t *m, const struct sip_origin *from, int role_out,
    int transport, const char *host, uint16_t port, uint64_t loophash)
{
	static struct log_limit	 busy;
	struct sipx		*x;
	int			 counted, want;

	if (sipx_full(from)) {
		sipx_refuse(m, from);
		return;
	}
	want = sipx_want(role_out, transport);
	counted = want != -1 && !resolve_known(host, port, want);
	if (counted && srclimit_take((const struct sockaddr *)&from->src,
	    SRC_MAXPENDING) == -1) {
		log_limited(&busy, LOG_INFO, "%s: %d messages in flight from "
		    "there already: %s", log_sa((const struct sockaddr *)
		    &from->src), SRC_MAXPENDING, MSG_IS_REQUEST(m) ?
		    "503" : "dropped");
		sipx_refuse(m, from);
		return;
	}
	if ((x = calloc(1, sizeof(*x))) == NULL ||
	    (x->host = strdup(host)) == NULL)
		fatal("%s", __func__);
	x->msg = m;
	x->counted = counted;
	x->from = *from;
	x->role_out = role_out;
	x->transport = transport;
	x->port = port;
	x->id = ++sipx_ids;
	x->loophash = loophash;
	x->born = mono_now();
	if (from->body != NULL && from->bodylen > 0) {
		if ((x->rawbody = malloc(from->bodylen)) == NULL)
			fatal("%s", __func__);
		memcpy(x->rawbody, from->body, from->bodylen);
		x->rawlen = from->bodylen;
	}
	x->from.body = NULL;
	x->from.bodylen = 0;
	TAILQ_INSERT_TAIL(&sipxs, x, entry);
	sipx_count++;
	sipx_bytes += x->from.len;
	/*
	 * A sips: URI with TLS off (a reload took the certificate away): a
	 * scheme we cannot serve now (RFC 3261 §16.3 step 2), never one to
	 * downgrade (§26.2.2).
	 */
	if (want == -1) {
		sipx_fail(x, 416, "sips: without tls");
		return;
	}
	x->rr = resolve_start(host, port, want, sipx_resolved, x);
}

static void
sipx_fail(struct sipx *x, int code, const char *why)
{
	log_info("%s: cannot forward %s to %s: %s",
	    x->msg->call_id != NULL && x->msg->call_id->number != NULL ?
	    log_wire(x->msg->call_id->number,
	    strlen(x->msg->call_id->number)) : "-",
	    MSG_IS_REQUEST(x->msg) ? x->msg->sip_method : "response",
	    log_wire(x->host, strlen(x->host)), why);
	sipx_reply(x, code);
	sipx_free(x);
}

static void
sipx_resolved(void *arg, int error, int transport,
    const struct sockaddr_storage *addrs, size_t n)
{
	struct sipx	*x = arg;
	size_t		 i;

	x->rr = NULL;
	if (error != RESOLVE_OK) {
		sipx_fail(x, 503, resolve_strerror(error));
		return;
	}
	x->transport = transport;
	/* The first address we have a socket of that family for. */
	for (i = 0; i < n; i++)
		if (sipd_sock_find(x->role_out, x->transport,
		    addrs[i].ss_family) != NULL)
			break;
	if (i == n) {
		sipx_fail(x, 503, "no socket of the address's family");
		return;
	}
	/*
	 * Never to broadcast, multicast or nowhere (RFC 4475 §3.3.10), nor
	 * to the firewall's own loopback from a Route a LAN host wrote.
	 */
	if (!addr_is_unicast((const struct sockaddr *)&addrs[i]) ||
	    (x->role_out == ROLE_OUTBOUND &&
	    addr_is_loopback((const struct sockaddr *)&addrs[i]))) {
		log_info("%s: not an address to send to",
		    log_sa((const struct sockaddr *)&addrs[i]));
		sipx_fail(x, 403, "not an address to send to");
		return;
	}
	x->dst = addrs[i];
	if (proxy_prepare(x) == -1) {
		sipx_free(x);
		return;
	}
	if (!x->waiting)
		sipx_send(x);
}

/*
 * Serialise with the body as it arrived: libosip2 writes a message without
 * bodies with "Content-Length: 0" and the empty line last; that line
 * becomes the body's length, then the bytes follow (RFC 3261 §20.14).
 */
static int
sipx_to_buf(struct sipx *x, char **buf, size_t *len)
{
	static const char	 zero[] = "Content-Length: 0\r\n\r\n";
	char			*hdr, *all;
	size_t			 hlen, zlen = sizeof(zero) - 1, n;
	int			 cl;

	if (x->rawbody == NULL)
		return (wire_format(x->msg, buf, len));
	osip_list_special_free(&x->msg->bodies,
	    (void (*)(void *))osip_body_free);
	osip_content_length_free(x->msg->content_length);
	x->msg->content_length = NULL;
	if (wire_format(x->msg, &hdr, &hlen) == -1)
		return (-1);
	if (hlen < zlen || memcmp(hdr + hlen - zlen, zero, zlen) != 0) {
		osip_free(hdr);
		return (-1);
	}
	hlen -= zlen;
	n = hlen + 64 + x->rawlen;
	if ((all = malloc(n)) == NULL)
		fatal("%s", __func__);
	memcpy(all, hdr, hlen);
	osip_free(hdr);
	cl = snprintf(all + hlen, n - hlen, "Content-Length: %zu\r\n\r\n",
	    x->rawlen);
	if (cl < 0 || (size_t)cl >= n - hlen)
		fatalx("%s: snprintf", __func__);
	memcpy(all + hlen + cl, x->rawbody, x->rawlen);
	all[hlen + cl + x->rawlen] = '\0';
	*buf = all;
	*len = hlen + cl + x->rawlen;
	return (0);
}

/* The largest UDP payload: 65535 less the IP and UDP headers. */
static size_t
udp_max(const struct sockaddr_storage *ss)
{
	return (ss->ss_family == AF_INET6 ? 65535 - 8 : 65535 - 20 - 8);
}

void
sipx_send(struct sipx *x)
{
	char	*buf;
	size_t	 len;
	int	 r;

	if (mod_out(MOD_POST, x)) {
		sipx_free(x);
		return;
	}
	if (sipx_to_buf(x, &buf, &len) == -1) {
		log_warnx("cannot serialise a message to %s",
		    log_sa((struct sockaddr *)&x->dst));
		sipx_free(x);
		return;
	}
	/*
	 * Grown past what one datagram holds: the sender learns it (RFC
	 * 3261 §21.5.14) rather than waiting for an answer that never comes.
	 */
	if (x->transport == TRANSPORT_UDP && len > udp_max(&x->dst)) {
		osip_free(buf);
		if (MSG_IS_INVITE(x->msg))
			relay_close(x->callkey, RELAY_F_UNANSWERED);
		sipx_fail(x, 513, "too large for a datagram");
		return;
	}
	/* A new TLS connection checks the name we were given (RFC 5922). */
	if (x->transport == TRANSPORT_TLS)
		tcp_tls_name(x->host);
	r = wire_send(x->transport, x->role_out, (struct sockaddr *)&x->dst,
	    0, buf, len);
	tcp_tls_name(NULL);
	osip_free(buf);
	/* No connection to be had (TLS off, too many): RFC 3261 §16.9. */
	if (r == -1) {
		sipx_fail(x, 503, "cannot send");
		return;
	}
	sipx_free(x);
}

/*
 * The list is in the order the messages came, so the oldest are first.
 * One rtpd lost the answer for may have asked for ports: those of the
 * call's unanswered streams go back.
 */
void
sipx_expire_due(time_t now)
{
	static struct log_limit	 lim;
	struct sipx		*x;

	while ((x = TAILQ_FIRST(&sipxs)) != NULL &&
	    now - x->born >= SIPX_TTL) {
		log_limited(&lim, LOG_WARNING, "%s: %s not forwarded in %d s "
		    "(waiting for %s): dropped", proxy_cid(x->msg),
		    MSG_IS_REQUEST(x->msg) ? x->msg->sip_method : "response",
		    SIPX_TTL, x->waiting ? "rtpd" : "dns");
		if (x->waiting)
			relay_close(x->callkey, RELAY_F_UNANSWERED);
		sipx_free(x);
	}
}
