/* SPDX-License-Identifier: ISC */
/* Framing, checking, sending and receiving of inter-process messages. */

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <errno.h>
#include <event.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "msg.h"

#define FD_NO		0
#define FD_YES		1
#define FD_MAYBE	2

#define MSGCHAN_BATCH	256	/* messages read before other events' turn */

struct msg_rule {
	const char	*name;
	uint32_t	 min;
	uint32_t	 max;
	int		 fd;
};

#define FIXED(n, t, f)	{ n, sizeof(t), sizeof(t), f }
#define EMPTY(n)	{ n, 0, 0, FD_NO }
#define BLOB(n)		{ n, 1, MSG_MAXDATA, FD_NO }

static const struct msg_rule msg_rules[MSG_TYPE_MAX] = {
	[MSG_NONE] =		{ "none", 1, 0, FD_NO },	/* never valid */
	[MSG_CONFIG_TEXT] =	BLOB("config-text"),
	[MSG_CONFIG_END] =	EMPTY("config-end"),
	[MSG_IFADDR] =		FIXED("ifaddr", struct msg_ifaddr, FD_NO),
	[MSG_SIP_SOCKET] =	FIXED("sip-socket", struct msg_sip_socket,
				    FD_YES),
	[MSG_SIP_SOCKETS_FLUSH] = EMPTY("sip-sockets-flush"),
	[MSG_START] =		EMPTY("start"),
	[MSG_RTP_SOCKET_REQ] =	FIXED("rtp-socket-req",
				    struct msg_rtp_socket_req, FD_NO),
	[MSG_RTP_SOCKET] =	FIXED("rtp-socket", struct msg_rtp_socket,
				    FD_MAYBE),
	[MSG_RTP_SOCKET_RELEASE] = FIXED("rtp-socket-release",
				    struct msg_rtp_socket_req, FD_NO),
	[MSG_TCP_SOCKET_REQ] =	FIXED("tcp-socket-req",
				    struct msg_tcp_socket_req, FD_NO),
	[MSG_TCP_SOCKET] =	FIXED("tcp-socket", struct msg_tcp_socket,
				    FD_MAYBE),
	[MSG_TCP_SOCKET_RELEASE] = EMPTY("tcp-socket-release"),
	[MSG_REG_DATA] =	BLOB("reg-data"),
	[MSG_REG_COMMIT] =	EMPTY("reg-commit"),
	[MSG_REG_SAVED] =	FIXED("reg-saved", struct msg_result, FD_NO),
	[MSG_REG_STATE_DATA] =	BLOB("reg-state-data"),
	[MSG_REG_STATE_END] =	EMPTY("reg-state-end"),
	[MSG_RELAY_OPEN] =	FIXED("relay-open", struct msg_relay_open, FD_NO),
	[MSG_RELAY_OPENED] =	FIXED("relay-opened", struct msg_relay_opened,
				    FD_NO),
	[MSG_RELAY_CLOSE] =	FIXED("relay-close", struct msg_relay_close,
				    FD_NO),
	[MSG_RELAY_STATS] =	FIXED("relay-stats", struct msg_relay_stats,
				    FD_NO),
	[MSG_RELAY_STATS_REQ] =	EMPTY("relay-stats-req"),
	[MSG_PWFILE_DATA] =	BLOB("pwfile-data"),
	[MSG_PWFILE_END] =	EMPTY("pwfile-end"),
	[MSG_CTL_REQ] =		FIXED("ctl-req", struct msg_ctl, FD_NO),
	[MSG_CTL_DATA] =	BLOB("ctl-data"),
	[MSG_CTL_END] =		FIXED("ctl-end", struct msg_result, FD_NO),
	[MSG_VERBOSE] =		FIXED("verbose", struct msg_verbose, FD_NO),
	[MSG_SHUTDOWN] =	EMPTY("shutdown"),
	[MSG_LOG] =		{ "log", sizeof(struct msg_log) + 1,
				    sizeof(struct msg_log) + MSG_LOGMAX, FD_NO },
	[MSG_STATS_DUMP] =	EMPTY("stats-dump"),
	[MSG_TLS_CERT] =	BLOB("tls-cert"),
	[MSG_TLS_KEY] =		BLOB("tls-key"),
	[MSG_TLS_CA] =		BLOB("tls-ca"),
	[MSG_TLS_END] =		EMPTY("tls-end"),
	[MSG_HA_AUTH] =		{ "ha-auth", 1, MSG_HA_AUTHMAX, FD_NO },
	[MSG_HA_SOCKET_REQ] =	EMPTY("ha-socket-req"),
	[MSG_HA_SOCKET] =	FIXED("ha-socket", struct msg_result, FD_MAYBE),
	[MSG_FASTPATH_MAP] =	FIXED("fastpath-map", struct msg_fastpath_map,
				    FD_YES),
	[MSG_RELAY_STATE] =	FIXED("relay-state", struct msg_relay_state,
				    FD_NO),
	[MSG_RELAY_RESTORE] =	FIXED("relay-restore", struct msg_relay_state,
				    FD_NO),
	[MSG_HA_CA] =		BLOB("ha-ca"),
};

static void	msgchan_cb(int, short, void *);

const char *
msg_typename(uint16_t type)
{
	if (type >= MSG_TYPE_MAX || msg_rules[type].name == NULL)
		return ("unknown");
	return (msg_rules[type].name);
}

/* NULL if the header and payload size fit the type, else why not. */
const char *
msg_check(const struct msg_hdr *hdr, size_t datalen, int hasfd)
{
	const struct msg_rule	*r;

	if (hdr->type == MSG_NONE || hdr->type >= MSG_TYPE_MAX ||
	    msg_rules[hdr->type].name == NULL)
		return ("unknown type");
	r = &msg_rules[hdr->type];
	if (hdr->reserved != 0 || (hdr->flags & ~MSG_F_FD) != 0)
		return ("reserved bits set");
	if (hdr->len != datalen)
		return ("length field does not match the packet");
	if (datalen < r->min || datalen > r->max)
		return ("wrong payload size for the type");
	if (((hdr->flags & MSG_F_FD) != 0) != (hasfd != 0))
		return ("fd flag does not match the packet");
	if (hasfd && r->fd == FD_NO)
		return ("fd on a type that carries none");
	if (!hasfd && r->fd == FD_YES)
		return ("no fd on a type that needs one");
	return (NULL);
}

/* Decode one received packet into *m; 0, or -1 with *why set. */
int
msg_decode(const uint8_t *buf, size_t n, int fd, struct msg *m,
    const char **why)
{
	if (n < sizeof(m->hdr)) {
		*why = "short packet";
		return (-1);
	}
	memcpy(&m->hdr, buf, sizeof(m->hdr));
	if ((*why = msg_check(&m->hdr, n - sizeof(m->hdr), fd != -1)) != NULL)
		return (-1);
	m->data = buf + sizeof(m->hdr);
	m->fd = fd;
	return (0);
}

void
msgchan_init(struct msgchan *c, int fd, const char *peer, msg_dispatch d,
    void *arg)
{
	memset(c, 0, sizeof(*c));
	c->fd = fd;
	c->peer = peer;
	c->dispatch = d;
	c->arg = arg;
	TAILQ_INIT(&c->outq);
}

void
msgchan_attach(struct msgchan *c, struct event_base *base)
{
	c->rev = event_new(base, c->fd, EV_READ | EV_PERSIST, msgchan_cb, c);
	c->wev = event_new(base, c->fd, EV_WRITE, msgchan_cb, c);
	if (c->rev == NULL || c->wev == NULL)
		fatalx("event_new");
	if (event_add(c->rev, NULL) == -1)
		fatalx("event_add");
}

void
msgchan_clear(struct msgchan *c)
{
	struct msgbuf	*mb;

	while ((mb = TAILQ_FIRST(&c->outq)) != NULL) {
		TAILQ_REMOVE(&c->outq, mb, entry);
		if (mb->fd != -1)
			close(mb->fd);
		freezero(mb, sizeof(*mb) + mb->len);
	}
	c->outlen = 0;
	if (c->rev != NULL)
		event_free(c->rev);
	if (c->wev != NULL)
		event_free(c->wev);
	c->rev = c->wev = NULL;
	if (c->fd != -1)
		close(c->fd);
	c->fd = -1;
}

/*
 * A peer that lets more than outmax bytes pile up for it is not reading:
 * drop what we meant to send and, from the event loop, tell the owner as
 * if the peer had gone.  Our memory stays bounded whatever the peer does.
 */
static int
msg_overflow(struct msgchan *c, size_t len, int fd)
{
	if (c->outmax == 0 || (!c->full && c->outlen + len <= c->outmax))
		return (0);
	if (fd != -1)
		close(fd);
	if (!c->full) {
		c->full = 1;
		log_warnx("%s does not read: over %zu bytes queued for it",
		    c->peer, c->outmax);
		if (c->wev != NULL)
			event_active(c->wev, EV_WRITE, 0);
	}
	return (1);
}

/* Queue a message; the fd, if any, is ours from now on and closed once sent. */
void
msg_send(struct msgchan *c, uint16_t type, uint32_t id, int fd,
    const void *data, size_t len)
{
	struct msgbuf	*mb;
	const char	*why;

	if (msg_overflow(c, sizeof(*mb) + len, fd))
		return;
	if ((mb = malloc(sizeof(*mb) + len)) == NULL)
		fatal("%s", __func__);
	memset(&mb->hdr, 0, sizeof(mb->hdr));
	mb->hdr.type = type;
	mb->hdr.flags = fd != -1 ? MSG_F_FD : 0;
	mb->hdr.len = len;
	mb->hdr.id = id;
	if ((why = msg_check(&mb->hdr, len, fd != -1)) != NULL)
		fatalx("sending %s to %s: %s", msg_typename(type), c->peer, why);
	mb->fd = fd;
	mb->len = len;
	if (len > 0)
		memcpy(mb->data, data, len);
	TAILQ_INSERT_TAIL(&c->outq, mb, entry);
	c->outlen += sizeof(*mb) + len;
	if (msg_flush(c) == -1)
		log_debug("%s: peer gone", c->peer);
}

/* Send what can be sent now: 0, or -1 once the peer has gone. */
int
msg_flush(struct msgchan *c)
{
	struct msgbuf	*mb;
	struct msghdr	 mh;
	struct iovec	 iov[2];
	union {
		struct cmsghdr	hdr;
		char		buf[CMSG_SPACE(sizeof(int))];
	}		 cm;

	while ((mb = TAILQ_FIRST(&c->outq)) != NULL) {
		memset(&mh, 0, sizeof(mh));
		iov[0].iov_base = &mb->hdr;
		iov[0].iov_len = sizeof(mb->hdr);
		iov[1].iov_base = mb->data;
		iov[1].iov_len = mb->len;
		mh.msg_iov = iov;
		mh.msg_iovlen = 2;
		if (mb->fd != -1) {
			memset(&cm, 0, sizeof(cm));
			mh.msg_control = cm.buf;
			mh.msg_controllen = sizeof(cm.buf);
			cm.hdr.cmsg_len = CMSG_LEN(sizeof(int));
			cm.hdr.cmsg_level = SOL_SOCKET;
			cm.hdr.cmsg_type = SCM_RIGHTS;
			memcpy(CMSG_DATA(&cm.hdr), &mb->fd, sizeof(int));
		}
		if (sendmsg(c->fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL) == -1) {
			if (errno == EAGAIN || errno == EWOULDBLOCK ||
			    errno == ENOBUFS) {
				if (c->wev != NULL)
					event_add(c->wev, NULL);
				return (0);
			}
			if (errno == EPIPE || errno == ECONNRESET)
				return (-1);
			fatal("sendmsg to %s", c->peer);
		}
		c->outlen -= sizeof(*mb) + mb->len;
		TAILQ_REMOVE(&c->outq, mb, entry);
		if (mb->fd != -1)
			close(mb->fd);
		/* Some carry secrets: the TLS key, the password file. */
		freezero(mb, sizeof(*mb) + mb->len);
	}
	return (0);
}

/*
 * One message straight onto a blocking socket, outside any queue: for a
 * child's log lines, which must get out even from fatal().  0 or -1.
 */
int
msg_write(int fd, uint16_t type, const void *data, size_t len)
{
	struct msg_hdr	 hdr;
	struct msghdr	 mh;
	struct iovec	 iov[2];

	memset(&hdr, 0, sizeof(hdr));
	hdr.type = type;
	hdr.len = len;
	if (msg_check(&hdr, len, 0) != NULL) {
		errno = EINVAL;
		return (-1);
	}
	memset(&mh, 0, sizeof(mh));
	iov[0].iov_base = &hdr;
	iov[0].iov_len = sizeof(hdr);
	iov[1].iov_base = (void *)data;
	iov[1].iov_len = len;
	mh.msg_iov = iov;
	mh.msg_iovlen = 2;
	return (sendmsg(fd, &mh, MSG_NOSIGNAL) == -1 ? -1 : 0);
}

static int
msg_take_fd(struct msghdr *mh)
{
	struct cmsghdr	*cmsg;
	int		 fd = -1, extra, bad = 0;
	size_t		 i, n;

	for (cmsg = CMSG_FIRSTHDR(mh); cmsg != NULL;
	    cmsg = CMSG_NXTHDR(mh, cmsg)) {
		if (cmsg->cmsg_level != SOL_SOCKET ||
		    cmsg->cmsg_type != SCM_RIGHTS) {
			bad = 1;
			continue;
		}
		n = (cmsg->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < n; i++) {
			memcpy(&extra, CMSG_DATA(cmsg) + i * sizeof(int),
			    sizeof(int));
			if (fd == -1 && !bad)
				fd = extra;
			else {
				close(extra);
				bad = 1;
			}
		}
	}
	if (bad) {
		if (fd != -1)
			close(fd);
		return (-2);
	}
	return (fd);
}

/*
 * Receive one message: 1 with *m filled, 0 at EOF, -1 when nothing is
 * waiting.  A malformed message is fatal: our peers are our own processes.
 */
int
msg_recv(struct msgchan *c, struct msg *m)
{
	struct msghdr	 mh;
	struct iovec	 iov;
	const char	*why;
	ssize_t		 n;
	int		 fd;
	union {
		struct cmsghdr	hdr;
		char		buf[CMSG_SPACE(sizeof(int) * 4)];
	}		 cm;

	memset(&mh, 0, sizeof(mh));
	iov.iov_base = c->rbuf;
	iov.iov_len = sizeof(c->rbuf);
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cm.buf;
	mh.msg_controllen = sizeof(cm.buf);
	if ((n = recvmsg(c->fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC)) == -1) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return (-1);
		if (errno == ECONNRESET)
			return (0);
		fatal("recvmsg from %s", c->peer);
	}
	if (n == 0)
		return (0);
	fd = msg_take_fd(&mh);
	why = NULL;
	if (fd == -2 || (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) != 0)
		why = "truncated or stray control data";
	else if (msg_decode(c->rbuf, n, fd, m, &why) == 0)
		return (1);
	if (fd >= 0)
		close(fd);
	/* A control client is only a client; our own processes are not. */
	if (c->untrusted) {
		log_warnx("bad message from %s: %s: closed", c->peer, why);
		return (0);
	}
	fatalx("bad message from %s: %s (%zd bytes)", c->peer, why, n);
}

static void
msgchan_cb(int fd, short ev, void *arg)
{
	struct msgchan	*c = arg;
	struct msg	 m;
	int		 r, n;

	if (c->full) {
		if (c->rev != NULL)
			event_del(c->rev);
		c->dispatch(c, NULL, c->arg);
		return;
	}
	if (ev & EV_WRITE) {
		if (msg_flush(c) == -1)
			c->dispatch(c, NULL, c->arg);
		return;
	}
	/*
	 * A batch, then back to the loop (the read event stays ready): a
	 * peer that writes as fast as we read cannot keep us here forever.
	 */
	for (n = 0; n < MSGCHAN_BATCH && c->fd != -1 && !c->full; n++) {
		if ((r = msg_recv(c, &m)) == -1)
			return;
		if (r == 0) {
			c->dispatch(c, NULL, c->arg);
			return;
		}
		c->dispatch(c, &m, c->arg);
	}
}

/* Send a blob as chunks of type t, then an empty message of type end. */
void
msg_send_blob(struct msgchan *c, uint16_t t, uint16_t end, const char *p,
    size_t len)
{
	size_t	n;

	while (len > 0) {
		n = len > MSG_MAXDATA ? MSG_MAXDATA : len;
		msg_send(c, t, 0, -1, p, n);
		p += n;
		len -= n;
	}
	msg_send(c, end, 0, -1, NULL, 0);
}

/* A control answer: the text in chunks under request id, then its end. */
void
msg_send_answer(struct msgchan *c, uint32_t id, const char *p, size_t len,
    int error)
{
	struct msg_result	r;
	size_t			n;

	while (len > 0) {
		n = len > MSG_MAXDATA ? MSG_MAXDATA : len;
		msg_send(c, MSG_CTL_DATA, id, -1, p, n);
		p += n;
		len -= n;
	}
	memset(&r, 0, sizeof(r));
	r.error = error;
	msg_send(c, MSG_CTL_END, id, -1, &r, sizeof(r));
}

void
msg_addr_from_sa(struct msg_addr *ma, const struct sockaddr *sa)
{
	const struct sockaddr_in	*sin;
	const struct sockaddr_in6	*sin6;

	memset(ma, 0, sizeof(*ma));
	switch (sa->sa_family) {
	case AF_INET:
		sin = (const struct sockaddr_in *)sa;
		ma->family = MSG_AF_INET;
		ma->port = ntohs(sin->sin_port);
		memcpy(ma->addr, &sin->sin_addr, 4);
		break;
	case AF_INET6:
		sin6 = (const struct sockaddr_in6 *)sa;
		ma->family = MSG_AF_INET6;
		ma->port = ntohs(sin6->sin6_port);
		memcpy(ma->addr, &sin6->sin6_addr, 16);
		break;
	}
}

/* 0, or -1 for a family we do not know (a bad message: the caller stops). */
int
msg_addr_to_sa(const struct msg_addr *ma, struct sockaddr_storage *ss)
{
	struct sockaddr_in	*sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	switch (ma->family) {
	case MSG_AF_INET:
		sin->sin_family = AF_INET;
		sin->sin_port = htons(ma->port);
		memcpy(&sin->sin_addr, ma->addr, 4);
		return (0);
	case MSG_AF_INET6:
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(ma->port);
		memcpy(&sin6->sin6_addr, ma->addr, 16);
		return (0);
	}
	return (-1);
}
