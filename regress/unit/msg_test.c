/* SPDX-License-Identifier: ISC */
/* Unit tests: inter-process framing, size checks, fd passing. */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <event.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "msg.h"
#include "unit.h"

static int	pair[2];

static void
nodispatch(struct msgchan *c, struct msg *m, void *arg)
{
}

static int
decode(const void *p, size_t n, int fd)
{
	struct msg	 m;
	const char	*why;

	return (msg_decode(p, n, fd, &m, &why));
}

/* Does fn, run in a child, die with exit status 1 (our fatalx)? */
static int
dies(void (*fn)(void))
{
	pid_t	pid;
	int	st;

	if ((pid = fork()) == 0) {
		fn();
		_exit(0);
	}
	waitpid(pid, &st, 0);
	return (WIFEXITED(st) && WEXITSTATUS(st) == 1);
}

static int	gone_called;

static void
gone_dispatch(struct msgchan *c, struct msg *m, void *arg)
{
	if (m == NULL)
		gone_called++;
}

/*
 * A peer that reads nothing: the queue stops at outmax, the rest is
 * dropped, and the owner hears "gone" once, from the event loop.
 */
static void
test_outq_cap(void)
{
	struct event_base	*base = event_base_new();
	struct msgchan		 c;
	struct msg_verbose	 v = { 0 };
	int			 sp[2], i;

	socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sp);
	msgchan_init(&c, sp[0], "sleeper", gone_dispatch, NULL);
	c.outmax = 64 * 1024;
	msgchan_attach(&c, base);
	for (i = 0; i < 100000; i++)
		msg_send(&c, MSG_VERBOSE, 0, -1, &v, sizeof(v));
	CHECK(c.full && c.outlen <= c.outmax && c.outlen > 0,
	    "a peer that reads nothing: the queue stops at its cap (%zu)",
	    c.outlen);
	CHECK(gone_called == 0, "and the owner is not called from msg_send");
	event_base_loop(base, EVLOOP_NONBLOCK);
	CHECK(gone_called == 1, "but from the event loop, once");
	msgchan_clear(&c);
	CHECK(c.outlen == 0, "clearing the channel empties the count");
	close(sp[1]);
	event_base_free(base);
}

/* A log line on a blocking socket: framed, checked, read back. */
static void
test_log_write(void)
{
	struct {
		struct msg_log	l;
		char		t[4];
	}		 lm = { { 6 }, "abcd" };
	struct msgchan	 c;
	struct msg	 m;
	int		 sp[2];

	socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sp);
	CHECK(msg_write(sp[0], MSG_LOG, &lm, sizeof(lm)) == 0,
	    "msg_write sends a log line");
	msgchan_init(&c, sp[1], "child", nodispatch, NULL);
	CHECK(msg_recv(&c, &m) == 1 && m.hdr.type == MSG_LOG &&
	    m.hdr.len == sizeof(lm) && memcmp(m.data + 4, "abcd", 4) == 0,
	    "and it arrives as one message");
	CHECK(msg_write(sp[0], MSG_LOG, &lm, sizeof(lm.l)) == -1,
	    "a log message without text is refused before it is sent");
	CHECK(msg_write(sp[0], MSG_SHUTDOWN, NULL, 0) == 0,
	    "msg_write sends an empty message too");
	close(sp[0]);
	close(sp[1]);
}

static void
recv_one(void)
{
	struct msgchan	c;
	struct msg	m;

	msgchan_init(&c, pair[1], "peer", nodispatch, NULL);
	msg_recv(&c, &m);
}

static void
oversized(void)
{
	static uint8_t	 big[sizeof(struct msg_hdr) + MSG_MAXDATA + 100];
	struct msg_hdr	*h = (struct msg_hdr *)big;

	h->type = MSG_CONFIG_TEXT;
	h->len = sizeof(big) - sizeof(*h);
	send(pair[0], big, sizeof(big), 0);
	recv_one();
}

static void
wrongsize(void)
{
	struct {
		struct msg_hdr		h;
		struct msg_result	r;
		uint8_t			extra;
	} p;

	memset(&p, 0, sizeof(p));
	p.h.type = MSG_REG_SAVED;
	p.h.len = sizeof(p.r) + 1;
	send(pair[0], &p, sizeof(p.h) + sizeof(p.r) + 1, 0);
	recv_one();
}

static void
halfheader(void)
{
	struct msg_hdr	h;

	memset(&h, 0, sizeof(h));
	send(pair[0], &h, sizeof(h) / 2, 0);
	recv_one();
}

int
main(void)
{
	struct msgchan		 a, b;
	struct msg		 m;
	struct msg_rtp_socket	 rs, rs2;
	struct msg_sip_socket	 ss;
	struct msg_hdr		 h;
	struct msg_addr		 ma;
	struct sockaddr_storage	 st;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)&st;
	struct sockaddr_in	 sin;
	char			 blob[40000], got[40000], rbyte;
	size_t			 gotlen = 0;
	int			 p[2], chunks = 0, r;

	log_init(1, 0);
	log_setverbose(-2);
	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, pair) == -1)
		return (1);
	msgchan_init(&a, pair[0], "a", nodispatch, NULL);
	msgchan_init(&b, pair[1], "b", nodispatch, NULL);

	/* Round trip of a fixed-size message. */
	memset(&rs, 0, sizeof(rs));
	rs.role = ROLE_OUTBOUND;
	rs.family = MSG_AF_INET;
	rs.port = 7070;
	rs.error = 98;
	msg_send(&a, MSG_RTP_SOCKET, 42, -1, &rs, sizeof(rs));
	r = msg_recv(&b, &m);
	CHECK(r == 1 && m.hdr.type == MSG_RTP_SOCKET && m.hdr.id == 42 &&
	    m.hdr.len == sizeof(rs) && m.fd == -1, "fixed message round trip");
	memcpy(&rs2, m.data, sizeof(rs2));
	CHECK(memcmp(&rs, &rs2, sizeof(rs)) == 0, "payload arrives intact");
	CHECK(msg_recv(&b, &m) == -1, "nothing more waiting");

	/* An fd travels with its message. */
	if (pipe(p) == -1)
		return (1);
	memset(&ss, 0, sizeof(ss));
	msg_send(&a, MSG_SIP_SOCKET, 0, p[1], &ss, sizeof(ss));
	r = msg_recv(&b, &m);
	CHECK(r == 1 && m.fd >= 0, "fd received with SIP_SOCKET");
	CHECK(r == 1 && write(m.fd, "x", 1) == 1 && read(p[0], &rbyte, 1) == 1 &&
	    rbyte == 'x', "received fd is the pipe that was sent");
	if (r == 1)
		close(m.fd);
	close(p[0]);

	/* A blob is cut into chunks and ends with its end marker. */
	memset(blob, 'c', sizeof(blob));
	blob[0] = 'A';
	blob[sizeof(blob) - 1] = 'Z';
	msg_send_blob(&a, MSG_REG_DATA, MSG_REG_COMMIT, blob, sizeof(blob));
	while ((r = msg_recv(&b, &m)) == 1 && m.hdr.type == MSG_REG_DATA) {
		memcpy(got + gotlen, m.data, m.hdr.len);
		gotlen += m.hdr.len;
		chunks++;
	}
	CHECK(r == 1 && m.hdr.type == MSG_REG_COMMIT, "blob ends with commit");
	CHECK(chunks == 3 && gotlen == sizeof(blob) &&
	    memcmp(got, blob, sizeof(blob)) == 0, "40000-byte blob in 3 chunks");

	/* msg_decode refuses what does not fit the type. */
	memset(&h, 0, sizeof(h));
	h.type = MSG_SHUTDOWN;
	CHECK(decode(&h, sizeof(h), -1) == 0, "empty SHUTDOWN accepted");
	CHECK(decode(&h, sizeof(h) - 1, -1) == -1, "short header refused");
	h.len = 4;
	CHECK(decode(&h, sizeof(h), -1) == -1, "length field mismatch refused");
	h.len = 0;
	h.type = MSG_TYPE_MAX;
	CHECK(decode(&h, sizeof(h), -1) == -1, "unknown type refused");
	h.type = MSG_NONE;
	CHECK(decode(&h, sizeof(h), -1) == -1, "type 0 refused");
	h.type = MSG_SHUTDOWN;
	h.reserved = 1;
	CHECK(decode(&h, sizeof(h), -1) == -1, "reserved bits refused");
	h.reserved = 0;
	h.flags = MSG_F_FD;
	CHECK(decode(&h, sizeof(h), 5) == -1, "fd on SHUTDOWN refused");
	h.flags = 0;
	h.type = MSG_SIP_SOCKET;
	h.len = 0;
	CHECK(decode(&h, sizeof(h), -1) == -1, "empty SIP_SOCKET refused");
	{
		struct {
			struct msg_hdr		h;
			struct msg_sip_socket	s;
		} pk;
		memset(&pk, 0, sizeof(pk));
		pk.h.type = MSG_SIP_SOCKET;
		pk.h.len = sizeof(pk.s);
		CHECK(decode(&pk, sizeof(pk), -1) == -1,
		    "SIP_SOCKET without an fd refused");
		pk.h.flags = MSG_F_FD;
		CHECK(decode(&pk, sizeof(pk), 7) == 0,
		    "SIP_SOCKET with an fd accepted");
	}
	h.type = MSG_CONFIG_TEXT;
	h.len = 0;
	h.flags = 0;
	CHECK(decode(&h, sizeof(h), -1) == -1, "empty config chunk refused");

	/* msg_recv stops the process on a bad packet from a peer. */
	CHECK(dies(oversized), "oversized packet is fatal");
	CHECK(dies(wrongsize), "payload one byte too long is fatal");
	CHECK(dies(halfheader), "half a header is fatal");

	/* EOF. */
	close(pair[0]);
	CHECK(msg_recv(&b, &m) == 0, "EOF when the peer closes");

	/* Addresses round trip. */
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(5060);
	inet_pton(AF_INET, "203.0.113.1", &sin.sin_addr);
	msg_addr_from_sa(&ma, (struct sockaddr *)&sin);
	CHECK(msg_addr_to_sa(&ma, &st) == 0 &&
	    memcmp(&st, &sin, sizeof(sin)) == 0, "IPv4 address round trip");
	memset(&st, 0, sizeof(st));
	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons(7070);
	inet_pton(AF_INET6, "2001:db8::1", &sin6->sin6_addr);
	msg_addr_from_sa(&ma, (struct sockaddr *)&st);
	memset(&st, 0xff, sizeof(st));
	CHECK(msg_addr_to_sa(&ma, &st) == 0 && sin6->sin6_family == AF_INET6 &&
	    ntohs(sin6->sin6_port) == 7070, "IPv6 address round trip");
	ma.family = 9;
	CHECK(msg_addr_to_sa(&ma, &st) == -1, "unknown family refused");
	test_outq_cap();
	test_log_write();
	UNIT_DONE();
}
