/* SPDX-License-Identifier: ISC */
/* sipd's side of the media relay: asking rtpd for ports, writing them to SDP. */

#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "addr.h"
#include "child.h"
#include "conf.h"
#include "hacall.h"
#include "hastore.h"
#include "log.h"
#include "mod.h"
#include "opaque.h"
#include "rewrite.h"
#include "sdp.h"
#include "sipd.h"

/* The key rtpd files a call's streams under: its Call-ID as the LAN sees it. */
uint64_t
relay_callkey(const osip_message_t *m)
{
	char		*s;
	uint64_t	 h;

	if (osip_call_id_to_str(m->call_id, &s) != 0)
		return (0);
	h = opaque_hash(s, strlen(s));
	osip_free(s);
	return (h);
}

void
relay_close(uint64_t call, int flags)
{
	struct msg_relay_close	c;

	if (!child->conf->rtp_proxy_enable)
		return;
	memset(&c, 0, sizeof(c));
	c.call = call;
	c.flags = flags;
	msg_send(&child->sibling, MSG_RELAY_CLOSE, 0, -1, &c, sizeof(c));
}

/* plugin_stats: rtpd sends every stream's counters. */
void
relay_stats_request(void)
{
	if (child->conf->rtp_proxy_enable)
		msg_send(&child->sibling, MSG_RELAY_STATS_REQ, 0, -1, NULL, 0);
}

/* Is there anything to relay for this stream? */
static int
relayable(const struct sdp_media *md)
{
	return (md->port != 0 && !md->mcast && md->addr.ss_family != 0);
}

static void
refuse(struct sipx *x, size_t i)
{
	static struct log_limit	lim;

	log_limited(&lim, LOG_INFO, "%s: m= line %zu past the %d streams of "
	    "a call: refused", proxy_cid(x->msg), i + 1, RELAY_STREAMS_MAX);
	x->rtp_ports[i] = x->rtcp_ports[i] = 0;
}

/*
 * Ask rtpd for a relay for every stream of x's SDP; the number of answers
 * x now waits for (0: nothing to relay).
 */
int
relay_request(struct sipx *x, int from)
{
	struct msg_relay_open	 o;
	struct sdp_media	*md;
	char			*cid;
	size_t			 i;
	int			 n = 0;

	if (ha_on() && osip_call_id_to_str(x->msg->call_id, &cid) == 0) {
		hacall_note(x->callkey, cid);
		osip_free(cid);
	}

	for (i = 0; i < x->sdp->nmedia; i++) {
		md = &x->sdp->media[i];
		if (!relayable(md))
			continue;
		if (i >= RELAY_STREAMS_MAX) {
			refuse(x, i);
			continue;
		}
		memset(&o, 0, sizeof(o));
		o.call = x->callkey;
		o.stream = i;
		o.from_role = from;
		o.flags = md->hold ? RELAY_F_HOLD : 0;
		if (MSG_IS_RESPONSE(x->msg) && MSG_IS_STATUS_2XX(x->msg))
			o.flags |= RELAY_F_ANSWER;
		if (x->offer)
			o.flags |= RELAY_F_OFFER;
		msg_addr_from_sa(&o.peer, (struct sockaddr *)&md->addr);
		msg_addr_from_sa(&o.sig, (struct sockaddr *)&x->from.src);
		o.rtcp_port = md->rtcp_port;
		o.to_family = x->dst.ss_family == AF_INET6 ? MSG_AF_INET6 :
		    MSG_AF_INET;
		msg_send(&child->sibling, MSG_RELAY_OPEN, x->id, -1, &o,
		    sizeof(o));
		n++;
	}
	return (n);
}

static void
relay_failed(struct sipx *x, int error)
{
	log_warnx("%s: no media relay: %s", proxy_cid(x->msg),
	    strerror(error));
	sipx_reply(x, error == ENOSPC ? 503 : 500);
	relay_close(x->callkey, RELAY_F_UNANSWERED);
	sipx_free(x);
}

static void
relay_opened(struct msg *m)
{
	struct msg_relay_opened	 r;
	struct sipx		*x;

	memcpy(&r, m->data, sizeof(r));
	/* The message may have gone (failed) while rtpd worked: fine. */
	if ((x = sipx_find(m->hdr.id)) == NULL || x->waiting == 0 ||
	    x->sdp == NULL || r.stream >= x->sdp->nmedia)
		return;
	/*
	 * rtpd answers a newer copy of the message instead (a retransmission
	 * that came while the ports were being bound): this one goes.
	 */
	if (r.error == EALREADY) {
		log_debug("%s: superseded while waiting for rtpd",
		    proxy_cid(x->msg));
		sipx_free(x);
		return;
	}
	/* An answer for a stream no offer opened: that stream is refused. */
	if (r.error == ENOENT)
		r.rtp_port = r.rtcp_port = 0;
	else if (r.error != 0) {
		relay_failed(x, r.error);
		return;
	}
	x->rtp_ports[r.stream] = r.rtp_port;
	x->rtcp_ports[r.stream] = r.rtcp_port;
	if (--x->waiting > 0)
		return;
	if (rewrite_sdp_finish(x) == -1) {
		sipx_free(x);
		return;
	}
	if (MSG_IS_INVITE(x->msg))
		invite_sent(x->callkey, 0);
	sipx_send(x);
}

void
relay_dispatch(struct msg *m)
{
	struct msg_relay_stats	s;

	switch (m->hdr.type) {
	case MSG_RELAY_OPENED:
		relay_opened(m);
		break;
	case MSG_RELAY_STATS:
		memcpy(&s, m->data, sizeof(s));
		if (s.why >= RELAY_W_MAX)
			fatalx("relay-stats from rtpd: bad reason %u", s.why);
		stats_stream(&s);
		break;
	case MSG_RELAY_STATE:
		hacall_state(m);
		break;
	default:
		fatalx("unexpected %s from rtpd", msg_typename(m->hdr.type));
	}
}
