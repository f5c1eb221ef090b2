/* SPDX-License-Identifier: ISC */
/*
 * TLS (libtls) under a bufferevent, as a filter: the records go through
 * the socket bufferevent below, the user reads and writes plaintext
 * above.  SIP's connections have their own layer (tcptls.c), tied to
 * their framer and write queue; this one serves a plain byte stream
 * (Redis, ha_redis_tls).
 */

#include <sys/types.h>
#include <sys/queue.h>

#include <event.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <stdlib.h>
#include <string.h>
#include <tls.h>

#include "log.h"
#include "tlsbev.h"
#include "tlsctx.h"

#define TLSBEV_CHUNK	16384		/* plaintext per tls_read/tls_write */
#define TLSBEV_SPINS	64		/* calls that take nothing, at most */

struct tlsbev {
	TAILQ_ENTRY(tlsbev)	 entry;
	struct tls		*tls;
	struct bufferevent	*bev;		/* the filter: plaintext */
	struct bufferevent	*raw;		/* the socket: records */
	int			 up;		/* the handshake is done */
	char			 why[160];	/* what failed */
};

static TAILQ_HEAD(, tlsbev) tlsbevs = TAILQ_HEAD_INITIALIZER(tlsbevs);

/* libtls reads the records the socket brought in. */
static ssize_t
tlsbev_rcb(struct tls *t, void *buf, size_t len, void *arg)
{
	struct tlsbev	*b = arg;
	int		 n;

	n = evbuffer_remove(bufferevent_get_input(b->raw), buf, len);
	return (n > 0 ? n : TLS_WANT_POLLIN);
}

/* libtls's records go out on the socket, however many. */
static ssize_t
tlsbev_wcb(struct tls *t, const void *buf, size_t len, void *arg)
{
	struct tlsbev	*b = arg;

	if (evbuffer_add(bufferevent_get_output(b->raw), buf, len) == -1)
		return (-1);
	return (len);
}

/*
 * libevent drops a filter's BEV_ERROR on the reading side: the user
 * hears of it from here, after this turn (it may free the bufferevent).
 */
static enum bufferevent_filter_result
tlsbev_error_event(struct tlsbev *b)
{
	bufferevent_trigger_event(b->bev, BEV_EVENT_ERROR,
	    BEV_TRIG_DEFER_CALLBACKS);
	return (BEV_ERROR);
}

static enum bufferevent_filter_result
tlsbev_fail(struct tlsbev *b)
{
	const char	*e = tls_error(b->tls);

	(void)strlcpy(b->why, e != NULL ? e : "tls failed", sizeof(b->why));
	return (tlsbev_error_event(b));
}

/* 1: the handshake is done; 0: it waits for the peer; -1: it failed. */
static int
tlsbev_shake(struct tlsbev *b)
{
	int	r;

	if (b->up)
		return (1);
	r = tls_handshake(b->tls);
	if (r == TLS_WANT_POLLIN || r == TLS_WANT_POLLOUT)
		return (0);
	if (r == -1)
		return (-1);
	b->up = 1;
	log_debug("tls redis: %s, %s", tls_conn_version(b->tls),
	    tls_conn_cipher(b->tls));
	return (1);
}

/*
 * Records in, plaintext up.  libtls may stop at a record that is no
 * data (a TLS 1.3 session ticket) with more behind it: on while the
 * socket's bytes last, or nothing would ask again until more came.
 */
static enum bufferevent_filter_result
tlsbev_in(struct evbuffer *src, struct evbuffer *dst, ev_ssize_t lim,
    enum bufferevent_flush_mode mode, void *arg)
{
	struct tlsbev	*b = arg;
	char		 buf[TLSBEV_CHUNK];
	ssize_t		 n;
	int		 r, was, spins = 0;

	if (b->why[0] != '\0')
		return (BEV_ERROR);
	was = b->up;
	while ((r = tlsbev_shake(b)) == 0 && evbuffer_get_length(src) > 0 &&
	    ++spins < TLSBEV_SPINS)
		;
	if (r == -1)
		return (tlsbev_fail(b));
	if (r == 0)
		return (BEV_NEED_MORE);
	/* What the user wrote meanwhile goes now, not at its next write. */
	if (!was)
		(void)bufferevent_flush(b->bev, EV_WRITE, BEV_NORMAL);
	while (spins < TLSBEV_SPINS) {
		n = tls_read(b->tls, buf, sizeof(buf));
		if (n == -1)
			return (tlsbev_fail(b));
		if (n > 0) {
			if (evbuffer_add(dst, buf, n) == -1)
				fatalx("%s: evbuffer_add", __func__);
			continue;
		}
		if (n == 0 || evbuffer_get_length(src) == 0)
			return (BEV_OK);
		spins++;
	}
	(void)strlcpy(b->why, "tls: records not taken", sizeof(b->why));
	return (tlsbev_error_event(b));
}

/*
 * Plaintext down, records out.  What cannot go yet (the handshake runs)
 * stays in src: BEV_NEED_MORE, or libevent would call again at once.
 */
static enum bufferevent_filter_result
tlsbev_out(struct evbuffer *src, struct evbuffer *dst, ev_ssize_t lim,
    enum bufferevent_flush_mode mode, void *arg)
{
	struct tlsbev	*b = arg;
	unsigned char	*p;
	size_t		 len;
	ssize_t		 n;
	int		 r;

	if (b->why[0] != '\0')
		return (BEV_ERROR);
	if ((r = tlsbev_shake(b)) == -1)
		return (tlsbev_fail(b));
	while (r == 1 && (len = evbuffer_get_length(src)) > 0) {
		if (len > TLSBEV_CHUNK)
			len = TLSBEV_CHUNK;
		if ((p = evbuffer_pullup(src, len)) == NULL)
			fatalx("%s: evbuffer_pullup", __func__);
		n = tls_write(b->tls, p, len);
		if (n == TLS_WANT_POLLIN || n == TLS_WANT_POLLOUT)
			break;
		if (n == -1)
			return (tlsbev_fail(b));
		evbuffer_drain(src, n);
	}
	return (evbuffer_get_length(src) > 0 ? BEV_NEED_MORE : BEV_OK);
}

static void
tlsbev_free(void *arg)
{
	struct tlsbev	*b = arg;

	TAILQ_REMOVE(&tlsbevs, b, entry);
	tls_free(b->tls);
	free(b);
}

struct bufferevent *
tlsbev_client(struct bufferevent *raw, const char *host, const char **why)
{
	struct tlsbev	*b;

	if ((b = calloc(1, sizeof(*b))) == NULL)
		fatal("%s", __func__);
	b->raw = raw;
	if ((b->tls = tlsctx_redis(host, tlsbev_rcb, tlsbev_wcb, b,
	    why)) == NULL) {
		free(b);
		bufferevent_free(raw);
		return (NULL);
	}
	if ((b->bev = bufferevent_filter_new(raw, tlsbev_in, tlsbev_out,
	    BEV_OPT_CLOSE_ON_FREE, tlsbev_free, b)) == NULL)
		fatalx("bufferevent_filter_new");
	TAILQ_INSERT_TAIL(&tlsbevs, b, entry);
	return (b->bev);
}

const char *
tlsbev_error(struct bufferevent *bev)
{
	struct tlsbev	*b;

	TAILQ_FOREACH(b, &tlsbevs, entry)
		if (b->bev == bev)
			return (b->why[0] != '\0' ? b->why : NULL);
	return (NULL);
}
