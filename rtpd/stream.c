/* SPDX-License-Identifier: ISC */
/* The media relay: streams, their sockets, symmetric RTP, timeouts. */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <netinet/in.h>

#include <errno.h>
#include <event.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "child.h"
#include "conf.h"
#include "ctl.h"
#include "log.h"
#include "mono.h"
#include "rtpd.h"

#define RTP_MAXPKT	8192
#define RTP_BATCH	32	/* packets per system call */
#define RTP_ROUNDS	2	/* system calls per socket per wake-up */
#define RTP_PACE_NS	200000	/* rest after a turn that relayed media */
#define RTP_PACE_PPS	15000	/* ... when a rest gathers 3 packets or more */

RB_HEAD(rstream_tree, rstream);
static int	rstream_cmp(struct rstream *, struct rstream *);
RB_PROTOTYPE(rstream_tree, rstream, entry, rstream_cmp)

/* The sockets asked of the parent and not yet received, by request id. */
RB_HEAD(rsock_tree, rsock);
static int	rsock_cmp(struct rsock *, struct rsock *);
RB_PROTOTYPE(rsock_tree, rsock, wait_entry, rsock_cmp)

static struct rstream_tree	 streams = RB_INITIALIZER(&streams);
static struct rsock_tree	 waiting = RB_INITIALIZER(&waiting);
static size_t			 nstreams;
static unsigned long long	 done_packets, done_dropped;	/* closed ones */

/* Even ports of the range, per side: 1 when in use. */
static uint8_t			*ports_used[ROLE_MAX];
static size_t			 nports;
static size_t			 port_next[ROLE_MAX];
static uint16_t			 port_base;
static uint32_t			 req_ids;
static struct event		*tick_ev;

/*
 * One recvmmsg() takes what a socket holds, one sendmmsg() passes it on:
 * at 50 packets a second a stream has one packet per wake-up, and the
 * batch saves the read that would only have said EAGAIN; at high rates
 * it saves a system call per packet on each side.
 */
static uint8_t			 pkt[RTP_BATCH][RTP_MAXPKT];
static struct sockaddr_storage	 pkt_src[RTP_BATCH];
static struct iovec		 rx_iov[RTP_BATCH], tx_iov[RTP_BATCH];
static struct mmsghdr		 rx[RTP_BATCH], tx[RTP_BATCH];
static unsigned int		 turn_packets;
static int			 learned_now;	/* a leg locked in this read */
static unsigned long		 tick_packets;	/* relayed since the tick */
static int			 pacing;

static void	stream_read(int, short, void *);
static void	state_lost(uint64_t, uint16_t);
static void	rs_free(struct rstream *);

static int
rstream_cmp(struct rstream *a, struct rstream *b)
{
	if (a->call != b->call)
		return (a->call < b->call ? -1 : 1);
	return ((int)a->index - (int)b->index);
}

RB_GENERATE(rstream_tree, rstream, entry, rstream_cmp)

static int
rsock_cmp(struct rsock *a, struct rsock *b)
{
	if (a->req != b->req)
		return (a->req < b->req ? -1 : 1);
	return (0);
}

RB_GENERATE(rsock_tree, rsock, wait_entry, rsock_cmp)

size_t
stream_count(void)
{
	return (nstreams);
}

/* The port table follows the configured range (start and reload). */
void
stream_config(void)
{
	const struct siproxd_conf	*c = child->conf;
	struct rstream			*st;
	size_t				 n;
	int				 r;

	RB_FOREACH(st, rstream_tree, &streams)
		offload_sync(st);	/* dejitter may have changed */
	port_base = c->rtp_port_low + (c->rtp_port_low & 1);
	n = c->rtp_port_high >= port_base + 1 ?
	    (c->rtp_port_high - port_base - 1) / 2 + 1 : 0;
	if (n == nports)
		return;
	if (nstreams > 0) {
		log_warnx("rtp port range changes at the next start: "
		    "calls are running");
		return;
	}
	for (r = 0; r < ROLE_MAX; r++) {
		free(ports_used[r]);
		if ((ports_used[r] = calloc(n + 1, 1)) == NULL)
			fatal("%s", __func__);
		port_next[r] = 0;
	}
	nports = n;
}

/* An even port and the odd one above it, free on this side; 0 if none. */
static uint16_t
port_alloc(int role)
{
	size_t	i, j;

	for (j = 0; j < nports; j++) {
		i = (port_next[role] + j) % nports;
		if (!ports_used[role][i]) {
			ports_used[role][i] = 1;
			port_next[role] = (i + 1) % nports;
			return (port_base + 2 * i);
		}
	}
	return (0);
}

static void
port_free(int role, uint16_t port)
{
	size_t	i;

	if (port < port_base)
		return;
	i = (port - port_base) / 2;
	if (i < nports)
		ports_used[role][i] = 0;
}

/* The partner's port on this side, if it is in our range and free. */
static int
port_take(int role, uint16_t port)
{
	size_t	i;

	if (port < port_base || (port - port_base) % 2 != 0)
		return (-1);
	i = (port - port_base) / 2;
	if (i >= nports || ports_used[role][i])
		return (-1);
	ports_used[role][i] = 1;
	return (0);
}

static void
sock_request(struct rleg *l, int k)
{
	struct msg_rtp_socket_req	req;

	memset(&req, 0, sizeof(req));
	req.role = l->role;
	req.family = l->family == AF_INET6 ? MSG_AF_INET6 : MSG_AF_INET;
	req.port = l->port + k;
	if (++req_ids == 0)
		req_ids = 1;	/* 0: awaits nothing */
	l->s[k].req = req_ids;
	if (RB_INSERT(rsock_tree, &waiting, &l->s[k]) != NULL)
		fatalx("%s: request id %u in use", __func__, req_ids);
	msg_send(&child->parent, MSG_RTP_SOCKET_REQ, l->s[k].req, -1, &req,
	    sizeof(req));
	l->st->want++;
}

/* Give a socket back: close it and tell the parent, which counts them. */
static void
sock_release(const struct rleg *l, int k, int fd)
{
	struct msg_rtp_socket_req	req;

	close(fd);
	memset(&req, 0, sizeof(req));
	req.role = l->role;
	req.family = l->family == AF_INET6 ? MSG_AF_INET6 : MSG_AF_INET;
	req.port = l->port + k;
	msg_send(&child->parent, MSG_RTP_SOCKET_RELEASE, 0, -1, &req,
	    sizeof(req));
}

static void
leg_close(struct rleg *l)
{
	int	k;

	for (k = RTP; k <= RTCP; k++) {
		if (l->s[k].ev != NULL)
			event_free(l->s[k].ev);
		l->s[k].ev = NULL;
		if (l->s[k].fd != -1) {
			dejitter_forget(l->s[k].fd);
			sock_release(l, k, l->s[k].fd);
		} else if (l->s[k].req != 0) {
			RB_REMOVE(rsock_tree, &waiting, &l->s[k]);
			l->st->want--;	/* or an answer waits for it */
		}
		l->s[k].fd = -1;
		l->s[k].req = 0;
	}
	if (l->port != 0)
		port_free(l->role, l->port);
	l->port = 0;
}

/* Our sockets on a side; -1 if the range is used up. */
static int
leg_open(struct rleg *l, int family)
{
	if (l->port != 0 && l->family == family)
		return (0);
	leg_close(l);
	l->family = family;
	if ((l->port = port_alloc(l->role)) == 0)
		return (-1);
	sock_request(l, RTP);
	sock_request(l, RTCP);
	return (0);
}

static void
reply_port(uint64_t call, uint16_t index, uint32_t id, uint16_t port,
    int error)
{
	struct msg_relay_opened	r;

	memset(&r, 0, sizeof(r));
	r.call = call;
	r.stream = index;
	r.error = error;
	if (!error) {
		r.rtp_port = port;
		r.rtcp_port = port + 1;
	}
	msg_send(&child->sibling, MSG_RELAY_OPENED, id, -1, &r, sizeof(r));
}

static void
reply(struct rstream *st, uint32_t id, int role, int error)
{
	reply_port(st->call, st->index, id, st->leg[role].port, error);
}

static struct rstream *
rs_find(uint64_t call, uint16_t index)
{
	struct rstream	key;

	key.call = call;
	key.index = index;
	return (RB_FIND(rstream_tree, &streams, &key));
}

static struct rstream *
rs_get(uint64_t call, uint16_t index)
{
	struct rstream	*st;
	int		 r, k;

	if ((st = rs_find(call, index)) != NULL)
		return (st);
	if ((st = calloc(1, sizeof(*st))) == NULL)
		fatal("%s", __func__);
	st->call = call;
	st->index = index;
	st->last = mono_now();
	for (r = 0; r < ROLE_MAX; r++) {
		st->leg[r].st = st;
		st->leg[r].role = r;
		for (k = RTP; k <= RTCP; k++) {
			st->leg[r].s[k].leg = &st->leg[r];
			st->leg[r].s[k].k = k;
			st->leg[r].s[k].fd = -1;
		}
	}
	RB_INSERT(rstream_tree, &streams, st);
	nstreams++;
	return (st);
}

static uint64_t
seen_lost(const struct rtp_seen *r)
{
	uint64_t	want;

	if (!r->have)
		return (r->lost);
	want = r->cycles + r->max - r->base + 1;
	return (r->lost + (want > r->got ? want - r->got : 0));
}

/* An RTP packet accepted on a leg: its SSRC and sequence number. */
static void
seen_rtp(struct rtp_seen *r, const uint8_t *p, size_t len)
{
	uint32_t	ssrc;
	uint16_t	seq, d;

	if (len < 12 || (p[0] >> 6) != 2)
		return;
	seq = (uint16_t)(p[2] << 8 | p[3]);
	ssrc = (uint32_t)p[8] << 24 | p[9] << 16 | p[10] << 8 | p[11];
	if (!r->have || ssrc != r->ssrc) {
		if (r->have) {
			r->lost = seen_lost(r);
			r->changes++;
		}
		r->ssrc = ssrc;
		r->base = r->max = seq;
		r->cycles = 0;
		r->got = 1;
		r->have = 1;
		return;
	}
	r->got++;
	d = seq - r->max;
	/* ahead by less than half the space: newer; else late or repeated */
	if (d != 0 && d < 0x8000) {
		if (seq < r->max)
			r->cycles += 65536;
		r->max = seq;
	}
}

static void
count_leg(struct msg_relay_count *c, const struct rleg *l)
{
	c->packets = l->packets;
	c->bytes = l->bytes;
	c->lost = seen_lost(&l->seen);
	c->ssrcs = l->seen.changes;
}

/* A stream's counters to sipd (plugin_stats logs them). */
static void
send_stats(const struct rstream *st, int why)
{
	struct msg_relay_stats	s;
	int			r;

	memset(&s, 0, sizeof(s));
	s.call = st->call;
	s.stream = st->index;
	s.why = why;
	for (r = 0; r < ROLE_MAX; r++) {
		count_leg(&s.leg[r], &st->leg[r]);
		s.dropped += st->leg[r].dropped;
	}
	msg_send(&child->sibling, MSG_RELAY_STATS, 0, -1, &s, sizeof(s));
}

void
stream_stats(void)
{
	struct rstream	*st;

	RB_FOREACH(st, rstream_tree, &streams) {
		offload_read(st);
		send_stats(st, RELAY_W_LIVE);
	}
}

static void
rs_free(struct rstream *st)
{
	int	r;

	offload_clear(st);
	for (r = 0; r < ROLE_MAX; r++) {
		done_packets += st->leg[r].packets;
		done_dropped += st->leg[r].dropped;
		leg_close(&st->leg[r]);
	}
	RB_REMOVE(rstream_tree, &streams, st);
	nstreams--;
	free(st);
}

/* What the SDP of one side says about its endpoint. */
static void
leg_set_peer(struct rleg *l, const struct msg_relay_open *o)
{
	struct sockaddr_storage	ss, rtcp;

	if (msg_addr_to_sa(&o->peer, &ss) == -1 ||
	    msg_addr_to_sa(&o->sig, &l->sig) == -1)
		fatalx("bad address from sipd");
	l->hold = (o->flags & RELAY_F_HOLD) != 0;
	if (l->hold)
		return;		/* keep what we know; nothing goes there now */
	rtcp = ss;
	addr_setport((struct sockaddr *)&rtcp, o->rtcp_port != 0 ?
	    o->rtcp_port : addr_port((struct sockaddr *)&ss) + 1);
	/* New address or port (re-INVITE): learn this side again. */
	if (!l->have_dst || !addr_eq((struct sockaddr *)&l->dst[RTP],
	    (struct sockaddr *)&ss)) {
		l->learned[RTP] = l->learned[RTCP] = 0;
		l->dst[RTP] = ss;
		l->dst[RTCP] = rtcp;
	}
	l->have_dst = 1;
}

static int
ha_on(void)
{
	return (child->conf->ha_redis[0] != '\0');
}

static void
state_leg(struct msg_relay_leg *ml, const struct rleg *l)
{
	int	k;

	ml->port = l->port;
	ml->family = l->family == AF_INET6 ? MSG_AF_INET6 : MSG_AF_INET;
	if (l->have_dst) {
		ml->flags |= RELAY_L_DST;
		for (k = RTP; k <= RTCP; k++)
			msg_addr_from_sa(&ml->dst[k],
			    (const struct sockaddr *)&l->dst[k]);
	}
	msg_addr_from_sa(&ml->sig, (const struct sockaddr *)&l->sig);
	if (l->learned[RTP])
		ml->flags |= RELAY_L_RTP;
	if (l->learned[RTCP])
		ml->flags |= RELAY_L_RTCP;
	if (l->hold)
		ml->flags |= RELAY_L_HOLD;
}

/*
 * With ha_redis, sipd writes an answered stream for the partner: when
 * its sockets are there, when a leg locks, now and then while media
 * flows (the record's TTL is rtp_timeout), and when it goes.
 */
static void
state_send(struct rstream *st, int flags)
{
	struct msg_relay_state	s;
	int			r;

	if (!ha_on() || !st->answered || st->want > 0)
		return;
	memset(&s, 0, sizeof(s));
	s.call = st->call;
	s.stream = st->index;
	s.flags = flags;
	for (r = 0; r < ROLE_MAX; r++)
		state_leg(&s.leg[r], &st->leg[r]);
	st->told = mono_now();
	msg_send(&child->sibling, MSG_RELAY_STATE, 0, -1, &s, sizeof(s));
}

/*
 * The range is full: one line a second at most, or an SDP with hundreds
 * of m= lines (or a flood of INVITEs) writes hundreds of them.
 */
static void
exhausted(uint64_t call, unsigned int stream)
{
	static struct log_limit	lim;

	log_limited(&lim, LOG_ERR, "%016llx/%u: rtp port range exhausted",
	    (unsigned long long)call, stream);
}

void
stream_open(struct msg *m)
{
	struct msg_relay_open	 o;
	struct rstream		*st;
	int			 to, family;

	memcpy(&o, m->data, sizeof(o));
	if (o.from_role >= ROLE_MAX || (o.to_family != MSG_AF_INET &&
	    o.to_family != MSG_AF_INET6))
		fatalx("bad relay-open from sipd");
	to = ROLE_MAX - 1 - o.from_role;
	family = o.to_family == MSG_AF_INET ? AF_INET : AF_INET6;
	/* RFC 3264 §6: an answer has the offer's streams, none more. */
	if (!(o.flags & RELAY_F_OFFER) && rs_find(o.call, o.stream) == NULL) {
		reply_port(o.call, o.stream, m->hdr.id, 0, ENOENT);
		return;
	}
	st = rs_get(o.call, o.stream);
	/*
	 * An offer or answer renews the stream: rtp_timeout counts from
	 * it too, or a stream silent for a while (on hold, refreshed by
	 * re-INVITEs) could expire just after the answer named its ports.
	 */
	st->last = mono_now();
	leg_set_peer(&st->leg[o.from_role], &o);
	if (o.flags & RELAY_F_ANSWER)
		st->answered = 1;
	if (leg_open(&st->leg[to], family) == -1) {
		exhausted(o.call, o.stream);
		reply(st, m->hdr.id, to, ENOSPC);
		rs_free(st);
		return;
	}
	offload_sync(st);
	if (st->want == 0) {
		reply(st, m->hdr.id, to, 0);
		state_send(st, 0);
		return;
	}
	/*
	 * One answer waits per stream: a newer request (a retransmission
	 * while the parent binds) takes it over, and sipd hears that the
	 * older one will have none, or it would wait for it for ever.
	 */
	if (st->reply)
		reply(st, st->reply_id, st->reply_role, EALREADY);
	st->reply = 1;
	st->reply_id = m->hdr.id;
	st->reply_role = to;
}

/* The socket that waits for parent request id, out of the waiting ones. */
static struct rsock *
sock_find(uint32_t id)
{
	struct rsock	key, *s;

	key.req = id;
	if ((s = RB_FIND(rsock_tree, &waiting, &key)) != NULL) {
		RB_REMOVE(rsock_tree, &waiting, s);
		s->req = 0;
	}
	return (s);
}

void
stream_socket(struct msg *m)
{
	struct msg_rtp_socket	 r;
	struct rsock		*s;
	struct rleg		*l;
	struct rstream		*st;

	memcpy(&r, m->data, sizeof(r));
	if ((s = sock_find(m->hdr.id)) == NULL) {
		/* Its stream ended while we waited: give it back. */
		if (m->fd != -1) {
			struct rleg	tmp;

			memset(&tmp, 0, sizeof(tmp));
			tmp.role = r.role;
			tmp.family = r.family == MSG_AF_INET6 ? AF_INET6 :
			    AF_INET;
			sock_release(&tmp, 0, m->fd);
		}
		return;
	}
	l = s->leg;
	st = l->st;
	st->want--;
	if (m->fd == -1) {
		log_warnx("rtp port %u: %s", r.port, strerror(r.error));
		if (st->reply)
			reply(st, st->reply_id, st->reply_role, r.error);
		st->reply = 0;
		if (st->restored)
			state_lost(st->call, st->index);
		rs_free(st);
		return;
	}
	s->fd = m->fd;
	s->ev = event_new(child->base, s->fd, EV_READ | EV_PERSIST,
	    stream_read, s);
	if (s->ev == NULL || event_add(s->ev, NULL) == -1)
		fatalx("event_add");
	offload_sync(st);
	if (st->want == 0 && st->reply) {
		st->reply = 0;
		reply(st, st->reply_id, st->reply_role, 0);
	}
	state_send(st, 0);
}

void
stream_close(struct msg *m)
{
	struct msg_relay_close	 c;
	struct rstream		 key, *st, *next;

	memcpy(&c, m->data, sizeof(c));
	key.call = c.call;
	key.index = 0;
	for (st = RB_NFIND(rstream_tree, &streams, &key);
	    st != NULL && st->call == c.call; st = next) {
		next = RB_NEXT(rstream_tree, &streams, st);
		if ((c.flags & RELAY_F_UNANSWERED) && st->answered)
			continue;
		log_debug("%016llx/%u: closed, %llu/%llu packets relayed",
		    (unsigned long long)st->call, st->index,
		    (unsigned long long)st->leg[0].packets,
		    (unsigned long long)st->leg[1].packets);
		offload_read(st);
		send_stats(st, RELAY_W_CLOSED);
		state_send(st, RELAY_S_GONE);
		if (!st->reply)
			rs_free(st);
		else {
			reply(st, st->reply_id, st->reply_role, ECANCELED);
			rs_free(st);
		}
	}
}

/* A stream we could not take from the partner: sipd forgets it. */
static void
state_lost(uint64_t call, uint16_t index)
{
	struct msg_relay_state	s;

	memset(&s, 0, sizeof(s));
	s.call = call;
	s.stream = index;
	s.flags = RELAY_S_LOST;
	msg_send(&child->sibling, MSG_RELAY_STATE, 0, -1, &s, sizeof(s));
}

static void
leg_restore(struct rleg *l, const struct msg_relay_leg *ml)
{
	int	k;

	l->family = ml->family == MSG_AF_INET6 ? AF_INET6 : AF_INET;
	l->port = ml->port;
	if (ml->sig.family != 0 && msg_addr_to_sa(&ml->sig, &l->sig) == -1)
		fatalx("bad relay-restore from sipd");
	l->hold = (ml->flags & RELAY_L_HOLD) != 0;
	if (ml->flags & RELAY_L_DST) {
		for (k = RTP; k <= RTCP; k++)
			if (msg_addr_to_sa(&ml->dst[k], &l->dst[k]) == -1)
				fatalx("bad relay-restore from sipd");
		l->have_dst = 1;
		l->learned[RTP] = (ml->flags & RELAY_L_RTP) != 0;
		l->learned[RTCP] = (ml->flags & RELAY_L_RTCP) != 0;
	}
	if (l->port != 0) {
		sock_request(l, RTP);
		sock_request(l, RTCP);
	}
}

/*
 * The partner's stream (ha_redis): on the ports it had, its endpoints
 * locked as they were, so media goes on at once both ways.  One we hold
 * already is ours and newer.
 */
void
stream_restore(struct msg *m)
{
	static struct log_limit	 lim;
	struct msg_relay_state	 s;
	struct rstream		*st;
	int			 r, took[ROLE_MAX] = { 0, 0 };

	memcpy(&s, m->data, sizeof(s));
	if (rs_find(s.call, s.stream) != NULL)
		return;
	for (r = 0; r < ROLE_MAX; r++) {
		if (s.leg[r].family != MSG_AF_INET &&
		    s.leg[r].family != MSG_AF_INET6)
			fatalx("bad relay-restore from sipd");
		if (s.leg[r].port != 0 && port_take(r, s.leg[r].port) == -1)
			break;
		took[r] = s.leg[r].port != 0;
	}
	if (r < ROLE_MAX) {
		log_limited(&lim, LOG_WARNING, "%016llx/%u: the partner's "
		    "port %u is in use or outside the range: not taken over",
		    (unsigned long long)s.call, s.stream, s.leg[r].port);
		for (r = 0; r < ROLE_MAX; r++)
			if (took[r])
				port_free(r, s.leg[r].port);
		state_lost(s.call, s.stream);
		return;
	}
	st = rs_get(s.call, s.stream);
	st->answered = st->restored = 1;
	for (r = 0; r < ROLE_MAX; r++)
		leg_restore(&st->leg[r], &s.leg[r]);
	log_info("%016llx/%u: taken over from the partner, ports %u/%u",
	    (unsigned long long)s.call, s.stream,
	    s.leg[ROLE_INBOUND].port, s.leg[ROLE_OUTBOUND].port);
}

/*
 * Symmetric RTP: the first packet from the right host teaches us the
 * endpoint's real port (it may sit behind a NAT of its own), and the leg
 * stays locked to that address and port until new SDP comes.  The right
 * host is the one the SDP names when that address is public.  A private
 * or unroutable one says nothing we can check (the endpoint sits behind
 * a NAT we cannot see past): then only the host its SIP came from may
 * teach us, or, if that spoke another family, the SDP's own.  Anyone else
 * is dropped and counted.
 */
static int
learn_ok(const struct rleg *l, int k, const struct sockaddr *src)
{
	const struct sockaddr	*want = (const struct sockaddr *)&l->dst[k];
	const struct sockaddr	*sig = (const struct sockaddr *)&l->sig;

	if (!l->have_dst)
		return (0);
	if (!addr_is_private(want) && addr_is_unicast(want))
		return (addr_eq_host(want, src));
	if (sig->sa_family == want->sa_family)
		return (addr_eq_host(sig, src));
	return (addr_eq_host(want, src));
}

/* Whatever tx[] holds leaves by fd; what the kernel refuses is lost. */
static void
tx_flush(int fd, unsigned int n)
{
	unsigned int	done = 0;
	int		r;

	while (done < n) {
		r = sendmmsg(fd, tx + done, n - done, 0);
		if (r <= 0) {
			if (r == -1 && errno == EINTR)
				continue;
			done++;		/* as sendto(): that packet is gone */
		} else
			done += r;
	}
}

/* Accept a packet from src on leg l, or count it as dropped. */
static int
rx_accept(struct rleg *l, int k, const struct sockaddr_storage *src,
    const struct mmsghdr *mh)
{
	const struct msghdr	*h = &mh->msg_hdr;

	if (h->msg_flags & MSG_TRUNC) {
		l->dropped++;
		return (0);
	}
	if (!l->learned[k]) {
		if (!learn_ok(l, k, (const struct sockaddr *)src)) {
			l->dropped++;
			return (0);
		}
		l->dst[k] = *src;
		l->learned[k] = 1;
		learned_now = 1;
	} else if (!addr_eq((const struct sockaddr *)&l->dst[k],
	    (const struct sockaddr *)src)) {
		l->dropped++;
		return (0);
	}
	l->packets++;
	l->bytes += mh->msg_len;
	if (k == RTP)
		seen_rtp(&l->seen, h->msg_iov->iov_base, mh->msg_len);
	return (1);
}

static void
stream_read(int fd, short ev, void *arg)
{
	struct rsock		*s = arg;
	struct rleg		*l = s->leg, *o;
	struct rstream		*st = l->st;
	const struct sockaddr	*to;
	unsigned int		 i, ntx, got = 0;
	int			 n, round, delay, k = s->k;

	o = &st->leg[ROLE_MAX - 1 - l->role];
	delay = dejitter_delay(l);
	learned_now = 0;
	for (round = 0; round < RTP_ROUNDS; round++) {
		for (i = 0; i < RTP_BATCH; i++) {
			rx[i].msg_hdr.msg_namelen = sizeof(pkt_src[i]);
			rx[i].msg_hdr.msg_flags = 0;
		}
		n = recvmmsg(fd, rx, RTP_BATCH, MSG_DONTWAIT, NULL);
		if (n <= 0)
			break;
		got += n;
		to = (const struct sockaddr *)&o->dst[k];
		ntx = 0;
		for (i = 0; i < (unsigned int)n; i++) {
			if (!rx_accept(l, k, &pkt_src[i], &rx[i]))
				continue;
			if (o->s[k].fd == -1 || !o->have_dst || o->hold)
				continue;
			if (delay > 0) {
				dejitter_send(o->s[k].fd, pkt[i], rx[i].msg_len,
				    &o->dst[k], delay);
				continue;
			}
			tx_iov[ntx].iov_base = pkt[i];
			tx_iov[ntx].iov_len = rx[i].msg_len;
			tx[ntx].msg_hdr.msg_name = (void *)to;
			tx[ntx].msg_hdr.msg_namelen = addr_len(to);
			ntx++;
		}
		if (ntx > 0)
			tx_flush(o->s[k].fd, ntx);
		if (n < RTP_BATCH)
			break;
	}
	if (got > 0)
		st->last = mono_now();
	if (learned_now) {
		offload_sync(st);
		state_send(st, 0);
	}
	turn_packets += got;
	tick_packets += got;
}

/*
 * A turn of the event loop that relayed a little media rests RTP_PACE_NS
 * before the next: what arrives meanwhile is taken in one wake-up instead
 * of one each.  With many streams at 50 packets a second this divides the
 * wake-ups, the largest cost per packet after the kernel's own.  A packet
 * waits at most that long more (0.2 ms, a hundredth of a G.711 frame),
 * the first one after a quiet spell not at all.  Below RTP_PACE_PPS (in
 * the last second) a rest would mostly end with one packet or none, a
 * wake-up of its own: no rest then.  A turn that relayed a batch's worth
 * or more had its wake-up shared already: no rest either, it would only
 * let the sockets' queues grow.
 */
void
stream_pace(void)
{
	struct timespec	ts = { 0, RTP_PACE_NS };
	unsigned int	n = turn_packets;

	turn_packets = 0;
	if (pacing && n > 0 && n < RTP_BATCH)
		nanosleep(&ts, NULL);
}

static void
expire(struct rstream *st)
{
	log_info("%016llx/%u: no media for %d s: expired",
	    (unsigned long long)st->call, st->index,
	    child->conf->rtp_timeout);
	offload_read(st);
	send_stats(st, RELAY_W_EXPIRED);
	state_send(st, RELAY_S_LOST);
	rs_free(st);
}

/*
 * The record's TTL is a little past rtp_timeout: said again while media
 * flows, it stays.  Flows now, in the last STATE_FLOWING seconds: a box
 * the addresses left keeps its streams until they time out, and must not
 * write again a call its partner now carries (and may have ended).  The
 * kernel's share of the media counts (offload.c).
 */
#define STATE_FLOWING	2

static void
state_refresh(struct rstream *st, time_t now, time_t refresh)
{
	if (!ha_on() || !st->answered || now - st->told < refresh)
		return;
	if (offload_on(st))
		offload_read(st);
	if (now - st->last <= STATE_FLOWING)
		state_send(st, 0);
}

static void
stream_tick(int fd, short ev, void *arg)
{
	struct rstream	*st, *next;
	time_t		 now = mono_now();
	time_t		 refresh = child->conf->rtp_timeout / 3 + 1;

	pacing = tick_packets >= RTP_PACE_PPS;
	tick_packets = 0;
	RB_FOREACH_SAFE(st, rstream_tree, &streams, next) {
		state_refresh(st, now, refresh);
		if (st->reply || now - st->last < child->conf->rtp_timeout)
			continue;
		/* the kernel may have relayed what we did not see */
		if (offload_on(st))
			offload_read(st);
		if (now - st->last >= child->conf->rtp_timeout)
			expire(st);
	}
}

void
stream_init(void)
{
	struct timeval	tv = { 1, 0 };
	size_t		i;

	for (i = 0; i < RTP_BATCH; i++) {
		rx_iov[i].iov_base = pkt[i];
		rx_iov[i].iov_len = sizeof(pkt[i]);
		rx[i].msg_hdr.msg_iov = &rx_iov[i];
		rx[i].msg_hdr.msg_iovlen = 1;
		rx[i].msg_hdr.msg_name = &pkt_src[i];
		tx[i].msg_hdr.msg_iov = &tx_iov[i];
		tx[i].msg_hdr.msg_iovlen = 1;
	}
	stream_config();
	tick_ev = event_new(child->base, -1, EV_PERSIST, stream_tick, NULL);
	if (tick_ev == NULL || event_add(tick_ev, &tv) == -1)
		fatalx("event_add");
}

void
stream_shutdown(void)
{
	struct rstream	*st, *next;

	RB_FOREACH_SAFE(st, rstream_tree, &streams, next)
		rs_free(st);
}

static void
peer_field(struct ctlbuf *cb, const struct rleg *l, int last)
{
	if (!l->have_dst)
		ctl_field(cb, "-", last);
	else
		ctl_field(cb, log_sa((const struct sockaddr *)&l->dst[RTP]),
		    last);
}

static void
call_line(struct ctlbuf *cb, const struct rstream *st, time_t now)
{
	const struct rleg	*lan = &st->leg[ROLE_INBOUND];
	const struct rleg	*wan = &st->leg[ROLE_OUTBOUND];

	ctl_fieldf(cb, 0, "%016llx", (unsigned long long)st->call);
	ctl_fieldf(cb, 0, "%u", st->index);
	ctl_fieldf(cb, 0, "%u", lan->port);
	ctl_fieldf(cb, 0, "%u", wan->port);
	peer_field(cb, lan, 0);
	peer_field(cb, wan, 0);
	ctl_fieldf(cb, 0, "%llu", (unsigned long long)lan->packets);
	ctl_fieldf(cb, 0, "%llu", (unsigned long long)wan->packets);
	ctl_fieldf(cb, 0, "%llu", (unsigned long long)lan->bytes);
	ctl_fieldf(cb, 0, "%llu", (unsigned long long)wan->bytes);
	ctl_fieldf(cb, 0, "%llu", (unsigned long long)seen_lost(&lan->seen));
	ctl_fieldf(cb, 0, "%llu", (unsigned long long)seen_lost(&wan->seen));
	ctl_fieldf(cb, 0, "%u", lan->seen.changes + wan->seen.changes);
	ctl_fieldf(cb, 0, "%llu",
	    (unsigned long long)(lan->dropped + wan->dropped));
	ctl_fieldf(cb, 1, "%lld", (long long)(now - st->last));
}

/* siproxctl: the streams (age: seconds since the last packet), counters. */
void
stream_ctl(struct msg *m)
{
	struct msg_ctl		 q;
	struct ctlbuf		 cb;
	struct rstream		*st;
	unsigned long long	 pk = done_packets, dr = done_dropped;
	time_t			 now = mono_now();
	int			 r;

	memcpy(&q, m->data, sizeof(q));
	if (q.what != CTL_CALLS && q.what != CTL_STATS) {
		msg_send_answer(&child->parent, m->hdr.id, NULL, 0, EINVAL);
		return;
	}
	RB_FOREACH(st, rstream_tree, &streams)
		offload_read(st);
	ctl_begin(&cb);
	if (q.what == CTL_CALLS) {
		fputs("call\tstream\tlan_port\twan_port\tlan_peer\twan_peer\t"
		    "lan_packets\twan_packets\tlan_bytes\twan_bytes\t"
		    "lan_lost\twan_lost\tssrc_changes\tdropped\tage\n", cb.f);
		RB_FOREACH(st, rstream_tree, &streams)
			call_line(&cb, st, now);
	} else {
		RB_FOREACH(st, rstream_tree, &streams)
			for (r = 0; r < ROLE_MAX; r++) {
				pk += st->leg[r].packets;
				dr += st->leg[r].dropped;
			}
		fputs("process\tname\tvalue\n", cb.f);
		ctl_stat(&cb, "rtpd", "streams", nstreams);
		ctl_stat(&cb, "rtpd", "packets", pk);
		ctl_stat(&cb, "rtpd", "dropped", dr);
	}
	ctl_send(&cb, &child->parent, m->hdr.id);
}
