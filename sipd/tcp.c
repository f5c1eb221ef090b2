/* SPDX-License-Identifier: ISC */
/*
 * SIP over TCP (RFC 3261 §18.3) and over TLS on TCP (§26.2): connections,
 * framing, write queues.  TLS is a layer of the same connection: what it
 * decrypts goes through the same framer as plain TCP.
 */

#include <sys/types.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/tree.h>
#include <netinet/in.h>

#include <errno.h>
#include <event.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <time.h>
#include <tls.h>
#include <unistd.h>

#include "addr.h"
#include "child.h"
#include "conf.h"
#include "log.h"
#include "mono.h"
#include "reply.h"
#include "sipd.h"
#include "sipframe.h"
#include "sipmsg.h"
#include "tcp.h"
#include "tcpconn.h"
#include "tlsctx.h"

#define TCP_RCHUNK	16384		/* read at most this much at once */
#define TCP_ACCEPTS	32		/* accepts per listener wake-up */
RB_HEAD(tcp_ids, tcp_conn);
RB_HEAD(tcp_peers, tcp_conn);

static struct tcp_ids	 tcp_ids = RB_INITIALIZER(&tcp_ids);
static struct tcp_peers	 tcp_peers = RB_INITIALIZER(&tcp_peers);
static uint64_t		 tcp_lastid;
static size_t		 tcp_nconn;
static size_t		 tcp_maxconn = TCP_MAXCONN;
static struct event	*tcp_pause_ev;
static const char	*tcp_next_tlsname;


static int	tcp_id_cmp(struct tcp_conn *, struct tcp_conn *);
static int	tcp_peer_cmp(struct tcp_conn *, struct tcp_conn *);

RB_PROTOTYPE(tcp_ids, tcp_conn, by_id, tcp_id_cmp)
RB_PROTOTYPE(tcp_peers, tcp_conn, by_peer, tcp_peer_cmp)
RB_GENERATE(tcp_ids, tcp_conn, by_id, tcp_id_cmp)
RB_GENERATE(tcp_peers, tcp_conn, by_peer, tcp_peer_cmp)

/*
 * Find the next thing at the start of a stream buffer: a whole message
 * (*used is its length), a keep-alive (RFC 5626 §4.4.1; *used bytes), or
 * nothing yet (*used: the length needed, if known, else 0).  CRLFs
 * before a message are skipped one by one (RFC 3261 §7.5).  *why says
 * what is wrong with TCP_FRAME_ERR.
 */
int
tcp_frame(const char *buf, size_t len, size_t *used, const char **why)
{
	struct sipframe	f;
	int		r;

	*used = 0;
	*why = NULL;
	if (len >= 2 && buf[0] == '\r' && buf[1] == '\n') {
		if (len >= 4 && buf[2] == '\r' && buf[3] == '\n') {
			*used = 4;
			return (TCP_FRAME_PING);
		}
		/* Maybe the first half of a ping. */
		if (len == 2 || (len == 3 && buf[2] == '\r'))
			return (TCP_FRAME_MORE);
		*used = 2;
		return (TCP_FRAME_CRLF);
	}
	if (len == 0 || (len == 1 && buf[0] == '\r'))
		return (TCP_FRAME_MORE);
	r = sipframe_scan(buf, len, TCP_MAXHDR, &f, why);
	if (f.bodyoff == 0) {
		*why = NULL;
		if (len < TCP_MAXHDR)
			return (TCP_FRAME_MORE);
		*why = "header block too long";
		return (TCP_FRAME_ERR);
	}
	if (r == -1)
		return (TCP_FRAME_ERR);
	if (f.cl == -1) {
		*why = "no content-length";
		return (TCP_FRAME_ERR);
	}
	if (f.cl > TCP_MAXBODY) {
		*why = "content-length too large";
		return (TCP_FRAME_ERR);
	}
	*used = f.bodyoff + f.cl;
	return (len < *used ? TCP_FRAME_MORE : TCP_FRAME_MSG);
}

static int
tcp_id_cmp(struct tcp_conn *a, struct tcp_conn *b)
{
	return (a->id < b->id ? -1 : a->id > b->id);
}

/* Peers in order of family, address, port, role, id. */
static int
tcp_peer_cmp(struct tcp_conn *a, struct tcp_conn *b)
{
	const struct sockaddr_in	*a4, *b4;
	const struct sockaddr_in6	*a6, *b6;
	int				 r;

	if (a->peer.ss_family != b->peer.ss_family)
		return (a->peer.ss_family < b->peer.ss_family ? -1 : 1);
	if (a->peer.ss_family == AF_INET) {
		a4 = (const struct sockaddr_in *)&a->peer;
		b4 = (const struct sockaddr_in *)&b->peer;
		r = memcmp(&a4->sin_addr, &b4->sin_addr, sizeof(a4->sin_addr));
	} else {
		a6 = (const struct sockaddr_in6 *)&a->peer;
		b6 = (const struct sockaddr_in6 *)&b->peer;
		r = memcmp(&a6->sin6_addr, &b6->sin6_addr,
		    sizeof(a6->sin6_addr));
	}
	if (r != 0)
		return (r);
	if (addr_port((const struct sockaddr *)&a->peer) !=
	    addr_port((const struct sockaddr *)&b->peer))
		return (addr_port((const struct sockaddr *)&a->peer) <
		    addr_port((const struct sockaddr *)&b->peer) ? -1 : 1);
	if (a->role != b->role)
		return (a->role < b->role ? -1 : 1);
	return (tcp_id_cmp(a, b));
}

size_t
tcp_count(void)
{
	return (tcp_nconn);
}

static struct tcp_conn *
tcp_find_id(uint64_t id)
{
	struct tcp_conn	key;

	key.id = id;
	return (RB_FIND(tcp_ids, &tcp_ids, &key));
}

/*
 * A TLS connection we opened carries requests only for the name its
 * certificate was checked against (RFC 5923 §5.2); one the peer opened,
 * a phone's, serves it both ways.
 */
static int
tcp_tls_reusable(const struct tcp_conn *c, const char *name)
{
	if (!c->ours)
		return (1);
	if (c->tlsname == NULL || name == NULL)
		return (c->tlsname == name);
	return (strcasecmp(c->tlsname, name) == 0);
}

/*
 * An open connection to dst on side role with that transport; the oldest
 * if there are more (RFC 5923: a TLS connection serves both ways).
 */
static struct tcp_conn *
tcp_find_peer(int role, int transport, const struct sockaddr *dst)
{
	struct tcp_conn	 key, *c;

	memset(&key, 0, sizeof(key));
	memcpy(&key.peer, dst, addr_len(dst));
	key.role = role;
	key.id = 0;
	for (c = RB_NFIND(tcp_peers, &tcp_peers, &key); c != NULL;
	    c = RB_NEXT(tcp_peers, &tcp_peers, c)) {
		if (c->role != role || !addr_eq((struct sockaddr *)&c->peer,
		    dst))
			return (NULL);
		if (c->transport == transport && (transport != TRANSPORT_TLS ||
		    tcp_tls_reusable(c, tcp_next_tlsname)))
			return (c);
	}
	return (NULL);
}

/* How many connections we have with the host of sa, up to max. */
static size_t
tcp_host_count(const struct sockaddr *sa, size_t max)
{
	struct tcp_conn	 key, *c;
	size_t		 n = 0;

	memset(&key, 0, sizeof(key));
	memcpy(&key.peer, sa, addr_len(sa));
	addr_setport((struct sockaddr *)&key.peer, 0);
	for (c = RB_NFIND(tcp_peers, &tcp_peers, &key); c != NULL && n < max;
	    c = RB_NEXT(tcp_peers, &tcp_peers, c)) {
		if (!addr_eq_host((struct sockaddr *)&c->peer, sa))
			break;
		n++;
	}
	return (n);
}

static void
tcp_free(struct tcp_conn *c)
{
	struct tcp_out	*o;

	if (c->tls != NULL) {
		/* close_notify, if the socket takes it now. */
		if (tls_close(c->tls) == 0)
			(void)tcptls_push(c);
		tls_free(c->tls);
	}
	free(c->tlsname);
	free(c->tin);
	free(c->tout);
	if (c->fd != -1) {
		event_free(c->rev);
		event_free(c->wev);
		close(c->fd);
		if (c->ours)
			msg_send(&child->parent, MSG_TCP_SOCKET_RELEASE, 0, -1,
			    NULL, 0);
	}
	event_free(c->tev);
	while ((o = TAILQ_FIRST(&c->wq)) != NULL) {
		TAILQ_REMOVE(&c->wq, o, entry);
		free(o);
	}
	buf_free(&c->rbuf);
	free(c);
}

/*
 * A connection of ours that never came up (connect or TLS handshake
 * failed): each request queued on it gets its 503 (RFC 3261 §16.7 step
 * 4, §16.9), through the proxy as if the peer had sent it, so that it
 * goes back the way the request came.  Nothing went in clear instead.
 */
static void
tcp_fail_queued(struct tcp_conn *c)
{
	struct sip_origin	 o;
	struct tcp_out		*q;
	char			*out;
	size_t			 len;

	memset(&o, 0, sizeof(o));
	o.role = c->role;
	o.transport = c->transport;
	o.src = c->peer;
	TAILQ_FOREACH(q, &c->wq, entry) {
		if (!q->msg || q->len < 8 || memcmp(q->data, "SIP/2.0 ", 8) ==
		    0 || memcmp(q->data, "ACK ", 4) == 0)
			continue;
		if (reply_build(q->data, q->len, NULL, 503, NULL, &out,
		    &len) == -1)
			continue;
		sip_input_msg(&o, out, len);
		free(out);
	}
}

/*
 * Out of the table at once, so nothing sends on it any more; freed when
 * sip_input_msg() has returned, if the close came from inside it.  A
 * close that loses messages or that the peer caused by misbehaving is
 * logged (loud); an ordinary one only in debug.
 */
void
tcp_close(struct tcp_conn *c, int loud, const char *fmt, ...)
{
	const char	*tn = c->transport == TRANSPORT_TLS ? "tls" : "tcp";
	char		 why[256];
	va_list		 ap;

	if (c->closing)
		return;
	c->closing = 1;
	RB_REMOVE(tcp_ids, &tcp_ids, c);
	RB_REMOVE(tcp_peers, &tcp_peers, c);
	tcp_nconn--;
	va_start(ap, fmt);
	(void)vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (c->wqn > 0 && c->ours && (c->connecting || c->handshake)) {
		log_info("%s %s: %s: closed, %zu queued message%s answered "
		    "503", tn, log_sa((struct sockaddr *)&c->peer), why, c->wqn,
		    c->wqn == 1 ? "" : "s");
		if (!c->busy)
			tcp_fail_queued(c);
	} else if (c->wqn > 0)
		log_info("%s %s: %s: closed, %zu queued message%s dropped",
		    tn, log_sa((struct sockaddr *)&c->peer), why, c->wqn,
		    c->wqn == 1 ? "" : "s");
	else if (loud)
		log_info("%s %s: %s: closed", tn,
		    log_sa((struct sockaddr *)&c->peer), why);
	else
		log_debug("%s %s: %s: closed", tn,
		    log_sa((struct sockaddr *)&c->peer), why);
	if (!c->busy)
		tcp_free(c);
}

static void	tcp_read(int, short, void *);
static void	tcp_write(int, short, void *);
static void	tcp_timer(int, short, void *);

static void
tcp_setfd(struct tcp_conn *c, int fd)
{
	c->fd = fd;
	c->rev = event_new(child->base, fd, EV_READ | EV_PERSIST, tcp_read, c);
	c->wev = event_new(child->base, fd, EV_WRITE | EV_PERSIST, tcp_write,
	    c);
	if (c->rev == NULL || c->wev == NULL)
		fatalx("%s: event_new", __func__);
}

static struct tcp_conn *
tcp_new(int fd, int role, int transport, const struct sockaddr *peer,
    int ours)
{
	struct tcp_conn	*c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		fatal("%s", __func__);
	c->fd = fd;
	c->role = role;
	c->transport = transport;
	c->handshake = transport == TRANSPORT_TLS;
	c->ours = ours;
	c->id = ++tcp_lastid;
	memcpy(&c->peer, peer, addr_len(peer));
	TAILQ_INIT(&c->wq);
	c->start = c->last = c->lastsent = mono_ms();
	if ((c->tev = evtimer_new(child->base, tcp_timer, c)) == NULL)
		fatalx("%s: evtimer_new", __func__);
	if (fd != -1)
		tcp_setfd(c, fd);
	RB_INSERT(tcp_ids, &tcp_ids, c);
	RB_INSERT(tcp_peers, &tcp_peers, c);
	tcp_nconn++;
	return (c);
}

/* The next thing due: connect timeout, idle close or a keep-alive. */
void
tcp_arm(struct tcp_conn *c)
{
	const struct siproxd_conf	*cf = child->conf;
	struct timeval			 tv;
	uint64_t			 due, now = mono_ms();

	if (c->connecting)
		due = c->start + cf->tcp_connect_timeout;
	else if (c->handshake)
		due = c->start + TLS_HANDSHAKE * 1000;
	else {
		due = c->last + (uint64_t)cf->tcp_timeout * 1000;
		if (c->ours && cf->tcp_keepalive > 0 &&
		    c->lastsent + (uint64_t)cf->tcp_keepalive * 1000 < due)
			due = c->lastsent + (uint64_t)cf->tcp_keepalive * 1000;
		if (!c->ours && !c->gotmsg &&
		    c->start + TCP_FIRSTMSG * 1000 < due)
			due = c->start + TCP_FIRSTMSG * 1000;
	}
	due = due > now ? due - now : 0;
	tv.tv_sec = due / 1000;
	tv.tv_usec = (due % 1000) * 1000;
	if (evtimer_add(c->tev, &tv) == -1)
		fatalx("%s: evtimer_add", __func__);
}

/* n bytes of the queue's head went out: 1 if that was all of it. */
int
tcp_sent(struct tcp_conn *c, struct tcp_out *o, size_t n)
{
	o->off += n;
	c->wqlen -= n;
	if (o->off < o->len)
		return (0);
	TAILQ_REMOVE(&c->wq, o, entry);
	c->wqn -= o->msg;
	free(o);
	return (1);
}

/* Write what the queue holds until the socket would block; -1: closed. */
static int
tcp_flush(struct tcp_conn *c)
{
	struct tcp_out	*o;
	ssize_t		 n;

	if (c->tls != NULL) {
		if (c->handshake)
			return (0);
		c->want_out = 0;
		return (tcptls_flush(c) == -1 ? -1 : tcptls_done(c));
	}
	while ((o = TAILQ_FIRST(&c->wq)) != NULL) {
		n = send(c->fd, o->data + o->off, o->len - o->off,
		    MSG_NOSIGNAL);
		if (n == -1) {
			if (errno == EAGAIN || errno == EWOULDBLOCK ||
			    errno == EINTR)
				break;
			tcp_close(c, 1, "write: %s", strerror(errno));
			return (-1);
		}
		if (!tcp_sent(c, o, n))
			break;
	}
	if (TAILQ_EMPTY(&c->wq))
		event_del(c->wev);
	else if (event_add(c->wev, NULL) == -1)
		fatalx("%s: event_add", __func__);
	return (0);
}

/* Queue bytes, and write them now if we can; -1: the connection closed. */
static int
tcp_queue(struct tcp_conn *c, const char *buf, size_t len, int msg)
{
	struct tcp_out	*o;

	if (len > TCP_MAXQUEUE - c->wqlen) {
		tcp_close(c, 1, "write queue over %d bytes", TCP_MAXQUEUE);
		return (-1);
	}
	if ((o = malloc(sizeof(*o) + len)) == NULL)
		fatal("%s", __func__);
	memcpy(o->data, buf, len);
	o->len = len;
	o->off = 0;
	o->msg = msg;
	TAILQ_INSERT_TAIL(&c->wq, o, entry);
	c->wqlen += len;
	c->wqn += msg;
	c->lastsent = mono_ms();
	if (msg)
		c->last = c->lastsent;
	if (c->connecting || c->handshake)
		return (0);
	/* TLS: the messages of this wake-up go out together, once. */
	if (c->tls != NULL) {
		event_active(c->wev, EV_WRITE, 1);
		return (0);
	}
	return (tcp_flush(c));
}

static void
tcp_connected(struct tcp_conn *c)
{
	int		err;
	socklen_t	len = sizeof(err);

	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
		err = errno;
	if (err == EINPROGRESS)
		return;
	if (err != 0) {
		tcp_close(c, 1, "connect: %s", strerror(err));
		return;
	}
	log_debug("tcp %s: connected", log_sa((struct sockaddr *)&c->peer));
	c->connecting = 0;
	c->start = c->last = c->lastsent = mono_ms();
	if (event_add(c->rev, NULL) == -1)
		fatalx("%s: event_add", __func__);
	tcp_arm(c);
	if (c->transport == TRANSPORT_TLS)
		tcptls_start(c);
	else
		tcp_flush(c);
}

static void
tcp_write(int fd, short ev, void *arg)
{
	struct tcp_conn	*c = arg;

	if (c->connecting)
		tcp_connected(c);
	else if (c->tls != NULL)
		tcptls_io(c, EV_WRITE);
	else
		tcp_flush(c);
}

static void
tcp_timer(int fd, short ev, void *arg)
{
	const struct siproxd_conf	*cf = child->conf;
	struct tcp_conn			*c = arg;
	uint64_t			 now = mono_ms();

	if (c->connecting) {
		tcp_close(c, 1, "connect timed out after %d ms",
		    cf->tcp_connect_timeout);
		return;
	}
	if (c->handshake) {
		tcptls_fail(c, "handshake timed out");
		return;
	}
	/* A peer that holds a descriptor must use it soon. */
	if (!c->ours && !c->gotmsg && now >= c->start + TCP_FIRSTMSG * 1000) {
		tcp_close(c, 0, "no message within %d s", TCP_FIRSTMSG);
		return;
	}
	if (now >= c->last + (uint64_t)cf->tcp_timeout * 1000) {
		if (c->partial)
			tcp_close(c, 1, "stalled inside a message for %d s",
			    cf->tcp_timeout);
		else
			tcp_close(c, 0, "idle for %d s", cf->tcp_timeout);
		return;
	}
	/* RFC 5626 §4.4.1: the side that opened the flow keeps it alive. */
	if (c->ours && cf->tcp_keepalive > 0 &&
	    now >= c->lastsent + (uint64_t)cf->tcp_keepalive * 1000) {
		c->pinged = 1;
		if (tcp_queue(c, "\r\n\r\n", 4, 0) == -1)
			return;
	}
	tcp_arm(c);
}

static void
tcp_deliver(struct tcp_conn *c, const char *buf, size_t len)
{
	struct sip_origin	o;

	memset(&o, 0, sizeof(o));
	o.role = c->role;
	o.transport = c->transport;
	o.src = c->peer;
	o.conn = c->id;
	sip_input_msg(&o, buf, len);
}

/* Only the start of a keep-alive is left (tcp_frame() needs at most 3). */
static int
tcp_crlf_only(const struct tcp_conn *c)
{
	size_t	i;

	for (i = 0; i < c->rbuf.len; i++)
		if (c->rbuf.p[i] != '\r' && c->rbuf.p[i] != '\n')
			return (0);
	return (1);
}

/* Hand every whole message in the buffer on; -1: c is gone. */
static int
tcp_input(struct tcp_conn *c)
{
	const char	*why;
	size_t		 off = 0, used = 0, left;
	int		 r = TCP_FRAME_MORE;

	c->busy = 1;
	while (!c->closing && off < c->rbuf.len) {
		r = tcp_frame(c->rbuf.p + off, c->rbuf.len - off, &used, &why);
		if (r == TCP_FRAME_MORE)
			break;
		if (r == TCP_FRAME_ERR) {
			left = c->rbuf.len - off;
			tcp_close(c, 1, "%s in \"%s\"", why,
			    log_wire(c->rbuf.p + off, left < 64 ? left : 64));
			break;
		}
		if (r == TCP_FRAME_MSG) {
			c->last = mono_ms();
			c->gotmsg = 1;
			tcp_deliver(c, c->rbuf.p + off, used);
		} else if (r == TCP_FRAME_PING) {
			c->last = mono_ms();
			tcp_queue(c, "\r\n", 2, 0);
		} else
			c->pinged = 0;
		off += used;
	}
	c->busy = 0;
	if (c->closing) {
		tcp_free(c);
		return (-1);
	}
	c->need = r == TCP_FRAME_MORE ? used : 0;
	/* The pong to our ping: nothing follows it that would tell. */
	if (c->rbuf.len - off == 2 && c->pinged && c->rbuf.p[off] == '\r' &&
	    c->rbuf.p[off + 1] == '\n') {
		c->pinged = 0;
		off += 2;
	}
	buf_drop(&c->rbuf, off);
	/* A message's first byte starts its clock (slowloris). */
	if (c->rbuf.len > 0 && !c->partial && !tcp_crlf_only(c))
		c->last = mono_ms();
	c->partial = c->rbuf.len > 0 && !tcp_crlf_only(c);
	return (0);
}

/* n bytes more in the buffer (0: end of stream); -1: c is gone. */
int
tcp_got(struct tcp_conn *c, size_t n)
{
	if (n == 0) {
		tcp_close(c, c->partial, c->partial ? "eof inside a message" :
		    "closed by the peer");
		return (-1);
	}
	buf_commit(&c->rbuf, n);
	if (c->rbuf.len < c->need)
		return (0);
	if (tcp_input(c) == -1)
		return (-1);
	/* An idle connection keeps no buffer. */
	if (c->rbuf.len == 0 && c->rbuf.size > TCP_RCHUNK / 2)
		buf_free(&c->rbuf);
	return (0);
}

/*
 * Room to read into, at most TCP_RCHUNK; 0: closed, the buffer full.  It
 * grows by a quarter chunk at least, up to the largest message.
 */
size_t
tcp_room(struct tcp_conn *c)
{
	size_t	max = TCP_MAXHDR + TCP_MAXBODY, room;

	if (c->rbuf.len >= max) {
		tcp_close(c, 1, "read buffer full");
		return (0);
	}
	buf_reserve(&c->rbuf, TCP_RCHUNK / 4);
	room = c->rbuf.size - c->rbuf.len - 1;
	if (room > max - c->rbuf.len)
		room = max - c->rbuf.len;
	return (room < TCP_RCHUNK ? room : TCP_RCHUNK);
}

static void
tcp_read(int fd, short ev, void *arg)
{
	struct tcp_conn	*c = arg;
	size_t		 room;
	ssize_t		 n;

	if (c->tls != NULL) {
		tcptls_io(c, EV_READ);
		return;
	}
	if ((room = tcp_room(c)) == 0)
		return;
	if ((n = read(fd, c->rbuf.p + c->rbuf.len, room)) == -1) {
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			tcp_close(c, 0, "read: %s", strerror(errno));
		return;
	}
	(void)tcp_got(c, n);
}

/* Accept again after a pause (tcp_pause). */
static void
tcp_pause_end(int fd, short ev, void *arg)
{
	struct sip_sock	*ss;

	TAILQ_FOREACH(ss, &sipd.socks, entry)
		if (ss->transport != TRANSPORT_UDP && ss->ev != NULL &&
		    event_add(ss->ev, NULL) == -1)
			fatalx("%s: event_add", __func__);
}

/* Out of descriptors: the listeners rest for a second rather than spin. */
static void
tcp_pause(void)
{
	struct timeval	 tv = { 1, 0 };
	struct sip_sock	*ss;

	TAILQ_FOREACH(ss, &sipd.socks, entry)
		if (ss->transport != TRANSPORT_UDP && ss->ev != NULL)
			event_del(ss->ev);
	if (tcp_pause_ev == NULL && (tcp_pause_ev = evtimer_new(child->base,
	    tcp_pause_end, NULL)) == NULL)
		fatalx("%s: evtimer_new", __func__);
	if (evtimer_add(tcp_pause_ev, &tv) == -1)
		fatalx("%s: evtimer_add", __func__);
}

/* May one more connection with peer be open? */
static int
tcp_admit(const struct sockaddr *peer, const char *what)
{
	static struct log_limit	 full, host;

	if (tcp_nconn >= tcp_maxconn) {
		log_limited(&full, LOG_INFO, "tcp %s: %zu connections open "
		    "already: %s", log_sa(peer), tcp_maxconn, what);
		return (0);
	}
	if (tcp_host_count(peer, TCP_MAXPERHOST) >= TCP_MAXPERHOST) {
		log_limited(&host, LOG_INFO, "tcp %s: %d connections with that "
		    "address already: %s", log_sa(peer), TCP_MAXPERHOST, what);
		return (0);
	}
	return (1);
}

/* The libevent callback of a TCP listener; arg is its struct sip_sock. */
void
tcp_accept(int fd, short ev, void *arg)
{
	struct sip_sock		*ss = arg;
	struct sockaddr_storage	 peer;
	struct tcp_conn		*c;
	socklen_t		 len;
	int			 i, s;

	for (i = 0; i < TCP_ACCEPTS; i++) {
		len = sizeof(peer);
		if ((s = accept4(fd, (struct sockaddr *)&peer, &len,
		    SOCK_NONBLOCK | SOCK_CLOEXEC)) == -1) {
			if (errno == EMFILE || errno == ENFILE ||
			    errno == ENOBUFS || errno == ENOMEM) {
				log_warn("accept on %s",
				    log_sa((struct sockaddr *)&ss->addr));
				tcp_pause();
			} else if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR && errno != ECONNABORTED)
				log_warn("accept on %s",
				    log_sa((struct sockaddr *)&ss->addr));
			return;
		}
		if ((peer.ss_family != AF_INET &&
		    peer.ss_family != AF_INET6) ||
		    !tcp_admit((struct sockaddr *)&peer, "refused")) {
			close(s);
			continue;
		}
		c = tcp_new(s, ss->role, ss->transport,
		    (struct sockaddr *)&peer, 0);
		if (event_add(c->rev, NULL) == -1)
			fatalx("%s: event_add", __func__);
		tcp_arm(c);
		log_debug("%s %s: accepted", ss->transport == TRANSPORT_TLS ?
		    "tls" : "tcp", log_sa((struct sockaddr *)&peer));
		if (c->transport == TRANSPORT_TLS)
			tcptls_start(c);
	}
}

/*
 * A new connection to dst; the caller's messages wait until it is up.
 * Its socket comes from the parent, bound to our address on dst's side
 * (tcp_socket() connects it); tcp_connect_timeout covers the wait.
 */
static struct tcp_conn *
tcp_connect(int role, int transport, const struct sockaddr *dst)
{
	struct msg_tcp_socket_req	 req;
	struct tcp_conn			*c;

	if (!tcp_admit(dst, "not connecting"))
		return (NULL);
	if (transport == TRANSPORT_TLS && !tlsctx_on()) {
		log_warnx("tls %s: no certificate loaded: not connecting",
		    log_sa(dst));
		return (NULL);
	}
	c = tcp_new(-1, role, transport, dst, 1);
	if (transport == TRANSPORT_TLS && tcp_next_tlsname != NULL &&
	    (c->tlsname = strdup(tcp_next_tlsname)) == NULL)
		fatal("%s", __func__);
	c->connecting = c->sockwait = 1;
	tcp_arm(c);
	memset(&req, 0, sizeof(req));
	req.role = role;
	req.family = dst->sa_family == AF_INET6 ? MSG_AF_INET6 : MSG_AF_INET;
	msg_send(&child->parent, MSG_TCP_SOCKET_REQ, (uint32_t)c->id, -1, &req,
	    sizeof(req));
	log_debug("tcp %s: connecting", log_sa(dst));
	return (c);
}

/* The parent's answer to tcp_connect(): a bound socket, or an error. */
void
tcp_socket(struct msg *m)
{
	struct msg_tcp_socket	 res;
	struct tcp_conn		*c;

	memcpy(&res, m->data, sizeof(res));
	c = tcp_find_id(m->hdr.id);
	if (c == NULL || !c->sockwait) {
		/* Closed meanwhile (timed out, shut down). */
		if (m->fd != -1) {
			close(m->fd);
			msg_send(&child->parent, MSG_TCP_SOCKET_RELEASE, 0, -1,
			    NULL, 0);
		}
		return;
	}
	c->sockwait = 0;
	if (m->fd == -1) {
		tcp_close(c, 1, "no socket to connect from: %s",
		    strerror(res.error));
		return;
	}
	tcp_setfd(c, m->fd);
	if (connect(c->fd, (struct sockaddr *)&c->peer,
	    addr_len((struct sockaddr *)&c->peer)) == -1 &&
	    errno != EINPROGRESS && errno != EINTR) {
		tcp_close(c, 1, "connect: %s", strerror(errno));
		return;
	}
	if (event_add(c->wev, NULL) == -1)
		fatalx("%s: event_add", __func__);
}

/*
 * Send a message over TCP: on connection conn if it is still open, else
 * on one with dst on that side (RFC 3261 §18.2.2: responses and later
 * requests reuse it), else on a new one.  0: sent or queued.
 */
/*
 * The name a TLS connection opened by the next tcp_send() checks the
 * peer's certificate against (RFC 5922 §4); NULL: its address.
 */
void
tcp_tls_name(const char *name)
{
	tcp_next_tlsname = name;
}

int
tcp_send(int role, int transport, const struct sockaddr *dst, uint64_t conn,
    const char *buf, size_t len)
{
	struct tcp_conn	*c = NULL;

	if (conn != 0)
		c = tcp_find_id(conn);
	if (c == NULL) {
		if (dst == NULL || (dst->sa_family != AF_INET &&
		    dst->sa_family != AF_INET6) || addr_port(dst) == 0) {
			log_warnx("tcp: no address to send to");
			return (-1);
		}
		if ((c = tcp_find_peer(role, transport, dst)) == NULL &&
		    (c = tcp_connect(role, transport, dst)) == NULL)
			return (-1);
	}
	return (tcp_queue(c, buf, len, 1));
}

/*
 * At start, before the sandbox: at most half the descriptors we may hold
 * go to TCP, so that however many connections the outside opens, DNS
 * (c-ares opens a socket per query), the UDP and the channels to the
 * other processes always find one.
 */
void
tcp_init(void)
{
	struct rlimit	rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		fatal("getrlimit");
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur / 2 < TCP_MAXCONN)
		tcp_maxconn = rl.rlim_cur / 2;
	log_info("tcp: at most %zu connections, %llu descriptors", tcp_maxconn,
	    (unsigned long long)rl.rlim_cur);
}

/* Every connection closes; what is queued gets one last try. */
void
tcp_shutdown(void)
{
	struct tcp_conn	*c;

	while ((c = RB_ROOT(&tcp_ids)) != NULL)
		if (c->connecting || tcp_flush(c) == 0)
			tcp_close(c, 0, "shutting down");
	if (tcp_pause_ev != NULL) {
		event_free(tcp_pause_ev);
		tcp_pause_ev = NULL;
	}
}
