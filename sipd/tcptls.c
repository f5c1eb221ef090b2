/* SPDX-License-Identifier: ISC */
/*
 * TLS on a SIP connection (RFC 3261 §26.2, RFC 5923), through libtls: the
 * handshake, the records in and out through our own buffers, and what a
 * failure does.  tcp.c keeps the connections; what TLS decrypts goes
 * through its framer like plain TCP.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/tree.h>
#include <netinet/in.h>

#include <errno.h>
#include <event.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <tls.h>
#include <unistd.h>

#include "addr.h"
#include "child.h"
#include "log.h"
#include "mono.h"
#include "sipd.h"
#include "tcp.h"
#include "tcpconn.h"
#include "tlsctx.h"

#define TLS_READS	16		/* tls_reads per wake-up */
#define TLS_LOGPEERS	256		/* peers whose last failure we recall */
#define TLS_INBUF	32768		/* ciphertext read at once */
#define TLS_OUTMAX	65536		/* ciphertext waiting to be written */

/* When a peer's TLS failure was last logged: one line a second each. */
struct tcptls_logpeer {
	RB_ENTRY(tcptls_logpeer)	 entry;
	TAILQ_ENTRY(tcptls_logpeer) age;
	struct addr_key		 key;
	struct log_limit	 lim;
};
RB_HEAD(tcptls_logpeers, tcptls_logpeer);
static int	tls_logpeer_cmp(struct tcptls_logpeer *, struct tcptls_logpeer *);
RB_PROTOTYPE(tcptls_logpeers, tcptls_logpeer, entry, tls_logpeer_cmp)
RB_GENERATE(tcptls_logpeers, tcptls_logpeer, entry, tls_logpeer_cmp)
static struct tcptls_logpeers	tcptls_logpeers = RB_INITIALIZER(&tcptls_logpeers);
static TAILQ_HEAD(, tcptls_logpeer) tcptls_logage =
    TAILQ_HEAD_INITIALIZER(tcptls_logage);
static size_t			tcptls_nlogpeers;

static int
tls_logpeer_cmp(struct tcptls_logpeer *a, struct tcptls_logpeer *b)
{
	return (addr_key_cmp(&a->key, &b->key));
}

/* The log limit of a peer's host; the least recently used makes room. */
static struct log_limit *
tcptls_logpeer(const struct sockaddr *sa)
{
	struct tcptls_logpeer	key, *p;

	addr_key(sa, &key.key);
	if ((p = RB_FIND(tcptls_logpeers, &tcptls_logpeers, &key)) != NULL) {
		TAILQ_REMOVE(&tcptls_logage, p, age);
		TAILQ_INSERT_TAIL(&tcptls_logage, p, age);
		return (&p->lim);
	}
	if (tcptls_nlogpeers >= TLS_LOGPEERS) {
		p = TAILQ_FIRST(&tcptls_logage);
		TAILQ_REMOVE(&tcptls_logage, p, age);
		RB_REMOVE(tcptls_logpeers, &tcptls_logpeers, p);
		memset(p, 0, sizeof(*p));
	} else if ((p = calloc(1, sizeof(*p))) == NULL)
		fatal("%s", __func__);
	else
		tcptls_nlogpeers++;
	p->key = key.key;
	RB_INSERT(tcptls_logpeers, &tcptls_logpeers, p);
	TAILQ_INSERT_TAIL(&tcptls_logage, p, age);
	return (&p->lim);
}

/*
 * TLS: libtls reads its records through this from a buffer we fill with
 * one read(2) of many records, not with one or two calls a record.
 */
static ssize_t
tcptls_rcb(struct tls *t, void *buf, size_t len, void *arg)
{
	struct tcp_conn	*c = arg;
	ssize_t		 n;

	if (c->tinlen == 0) {
		/*
		 * A short read emptied the socket: the event loop (level-
		 * triggered) says when more comes, without a read(2) that
		 * would only find nothing.
		 */
		if (c->tdrained)
			return (TLS_WANT_POLLIN);
		if (c->tin == NULL && (c->tin = malloc(TLS_INBUF)) == NULL)
			fatal("%s", __func__);
		if ((n = read(c->fd, c->tin, TLS_INBUF)) == -1)
			return (errno == EAGAIN || errno == EWOULDBLOCK ||
			    errno == EINTR ? TLS_WANT_POLLIN : -1);
		c->tdrained = n < TLS_INBUF;
		c->tinoff = 0;
		c->tinlen = n;
		if (n == 0)
			return (0);
	}
	n = len < c->tinlen ? len : c->tinlen;
	memcpy(buf, c->tin + c->tinoff, n);
	c->tinoff += n;
	c->tinlen -= n;
	return (n);
}

/* TLS: what is buffered onto the socket, as far as it takes it; -1: error. */
int
tcptls_push(struct tcp_conn *c)
{
	ssize_t	n;

	if (c->toutlen == 0)
		return (0);
	if ((n = send(c->fd, c->tout, c->toutlen, MSG_NOSIGNAL)) == -1)
		return (errno == EAGAIN || errno == EWOULDBLOCK ||
		    errno == EINTR ? 0 : -1);
	memmove(c->tout, c->tout + n, c->toutlen - n);
	c->toutlen -= n;
	return (0);
}

/*
 * TLS: the records libtls writes are gathered, and go out together when
 * the messages of one wake-up are all written (tcptls_done).
 */
static ssize_t
tcptls_wcb(struct tls *t, const void *buf, size_t len, void *arg)
{
	struct tcp_conn	*c = arg;
	char		*p;

	if (c->toutlen + len > TLS_OUTMAX && tcptls_push(c) == -1)
		return (-1);
	if (c->toutlen > 0 && c->toutlen + len > TLS_OUTMAX)
		return (TLS_WANT_POLLOUT);
	if ((p = realloc(c->tout, c->toutlen + len)) == NULL)
		fatal("%s", __func__);
	c->tout = p;
	memcpy(c->tout + c->toutlen, buf, len);
	c->toutlen += len;
	return (len);
}

/*
 * TLS, after every turn: the records out, POLLOUT waited for while some
 * are left, the buffers of an idle connection freed.  -1: c is gone.
 */
int
tcptls_done(struct tcp_conn *c)
{
	if (tcptls_push(c) == -1) {
		tcp_close(c, 1, "write: %s", strerror(errno));
		return (-1);
	}
	if (!c->want_out && c->toutlen == 0)
		event_del(c->wev);
	else if (event_add(c->wev, NULL) == -1)
		fatalx("%s: event_add", __func__);
	if (c->toutlen == 0) {
		free(c->tout);
		c->tout = NULL;
	}
	if (c->tinlen == 0) {
		free(c->tin);
		c->tin = NULL;
	} else
		event_active(c->rev, EV_READ, 1);
	return (0);
}

/* TLS: what the queue holds through tls_write(); -1: closed. */
int
tcptls_flush(struct tcp_conn *c)
{
	struct tcp_out	*o;
	ssize_t		 n;

	while ((o = TAILQ_FIRST(&c->wq)) != NULL) {
		n = tls_write(c->tls, o->data + o->off, o->len - o->off);
		if (n == TLS_WANT_POLLOUT || n == TLS_WANT_POLLIN) {
			c->want_out = n == TLS_WANT_POLLOUT;
			break;
		}
		if (n == -1) {
			tcp_close(c, 1, "tls write: %s", tls_error(c->tls));
			return (-1);
		}
		(void)tcp_sent(c, o, n);
	}
	return (0);
}

/*
 * A failed handshake: one line a second per peer says who and why (a
 * provider whose certificate does not verify, a phone that does not
 * trust ours, a scanner).
 */
void
tcptls_fail(struct tcp_conn *c, const char *why)
{
	log_limited(tcptls_logpeer((struct sockaddr *)&c->peer), c->ours ?
	    LOG_WARNING : LOG_INFO, "tls %s%s%s: handshake failed: %s",
	    log_sa((struct sockaddr *)&c->peer), c->tlsname != NULL ? " " : "",
	    c->tlsname != NULL ? log_wire(c->tlsname, strlen(c->tlsname)) : "",
	    why != NULL ? why : "unknown error");
	tcp_close(c, 0, "tls handshake failed");
}

/* The TCP connection is up: TLS over it (no I/O until the handshake). */
void
tcptls_start(struct tcp_conn *c)
{
	const char	*why;

	c->tls = c->ours ? tlsctx_connect(c->role, c->tlsname, tcptls_rcb,
	    tcptls_wcb, c, &why) : tlsctx_accept(tcptls_rcb, tcptls_wcb, c,
	    &why);
	if (c->tls == NULL) {
		tcptls_fail(c, why);
		return;
	}
	tcptls_io(c, EV_READ);
}

/* 1: the handshake is done; 0: it waits for the socket; -1: c is gone. */
static int
tcptls_step(struct tcp_conn *c)
{
	int	r;

	if (!c->handshake)
		return (1);
	r = tls_handshake(c->tls);
	c->want_out = r == TLS_WANT_POLLOUT;
	if (r == TLS_WANT_POLLIN || r == TLS_WANT_POLLOUT)
		return (0);
	if (r == -1) {
		tcptls_fail(c, tls_error(c->tls));
		return (-1);
	}
	c->handshake = 0;
	log_debug("tls %s: %s, %s", log_sa((struct sockaddr *)&c->peer),
	    tls_conn_version(c->tls), tls_conn_cipher(c->tls));
	c->last = c->lastsent = mono_ms();
	tcp_arm(c);
	return (1);
}

/*
 * Read what TLS has for us.  libtls may hold decrypted bytes the socket
 * no longer signals, so a read that stops early wakes itself again.
 */
static int
tcptls_readall(struct tcp_conn *c)
{
	size_t	room;
	ssize_t	n;
	int	i;

	for (i = 0; i < TLS_READS; i++) {
		if ((room = tcp_room(c)) == 0)
			return (-1);
		n = tls_read(c->tls, c->rbuf.p + c->rbuf.len, room);
		if (n == TLS_WANT_POLLIN)
			return (0);
		if (n == TLS_WANT_POLLOUT) {
			c->want_out = 1;
			return (0);
		}
		if (n == -1) {
			/* Most often a close without close_notify. */
			tcp_close(c, c->partial, "tls read: %s",
			    tls_error(c->tls));
			return (-1);
		}
		if (tcp_got(c, n) == -1)
			return (-1);
	}
	event_active(c->rev, EV_READ, 1);
	return (0);
}

/*
 * TLS: the socket is ready, or messages wait: on with the handshake, the
 * reads (ev has EV_READ), the writes.
 */
void
tcptls_io(struct tcp_conn *c, short ev)
{
	int	r;

	c->tdrained = 0;
	if ((r = tcptls_step(c)) == -1)
		return;
	if (r == 1) {
		c->want_out = 0;
		if ((ev & EV_READ) && tcptls_readall(c) == -1)
			return;
		if (tcptls_flush(c) == -1)
			return;
	}
	(void)tcptls_done(c);
}
