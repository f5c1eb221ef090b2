/* SPDX-License-Identifier: ISC */
/* Test tool: send, receive and check RTP streams for the relay tests. */

/*
 * rtptool send   -l addr:port -r addr:port [-n count] [-i ms] [-s ssrc]
 *		  [-z bytes]
 * rtptool recv   -l addr:port [-n count] [-t ms] [-s ssrc]
 * rtptool duplex -l addr:port -r addr:port [-n count] [-i ms] [-t ms]
 *		  [-s ssrc] [-S peer_ssrc] [-w ms] [-z bytes] [-g file]
 * rtptool inject -l addr:port -r addr:port [-n count] [-i ms] [-z bytes]
 *
 * Packets are RTP version 2 (RFC 3550 section 5.1): PT 0, no marker,
 * padding, extension or CSRC; seq counts from 1, the timestamp by 160 from
 * ts_base(ssrc).  The payload opens with the sender's CLOCK_MONOTONIC time
 * in ns (8 bytes, big endian); the rest is the pattern of pattern_fill(),
 * which depends on (ssrc, seq, payload length), so a packet that was
 * changed, cut short or padded on the way does not verify.
 *
 * duplex -g: once bound, wait until file exists before the clocks of -w and
 * -t start: the test makes it when both ends are bound, so neither end's
 * first packet finds the other's port closed however slow the machine.
 *
 * The receiver reports, with its counts, the longest wait between two
 * packets it took (gap_ms): the audio a failover cost.
 *
 * The receiver follows one SSRC: the one given, or else that of the first
 * packet that verifies (never our own in duplex).  Packets of any other
 * SSRC are counted as foreign, neither received nor bad.  The only address
 * ever sent to is the one given with -r.
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mono.h"

#define RTP_HDRLEN	12
#define STAMPLEN	8		/* send time, first in the payload */
#define PAYLOAD_DEF	160
#define PAYLOAD_MAX	(65507 - RTP_HDRLEN)	/* IPv4 UDP maximum */
#define TS_STEP		160		/* 20 ms of PCMU, RFC 3551 4.5 */
#define INJECT_SSRC	0xbadbad00U
#define COUNT_DEF	50
#define COUNT_MAX	10000000
#define INTERVAL_DEF	20
#define INTERVAL_MAX	60000
#define TIMEOUT_DEF	5000
#define TIMEOUT_MAX	3600000
#define EXT_MAX		(1 << 26)	/* highest extended seq we track */
#define DRAIN_MAX	64		/* datagrams read per wakeup */
#define ADDRSTRLEN	128
#define NS_MS		1000000ULL
#define GO_MAX		30000		/* ms an end waits for -g */

enum mode {
	M_SEND,
	M_RECV,
	M_DUPLEX,
	M_INJECT
};

struct opts {
	enum mode		 mode;
	struct sockaddr_storage	 local;
	struct sockaddr_storage	 remote;
	socklen_t		 locallen;
	socklen_t		 remotelen;
	uint32_t		 count;
	uint32_t		 interval;	/* ms */
	uint32_t		 timeout;	/* ms */
	uint32_t		 wait;		/* ms before the first send */
	const char		*go;		/* -g: start once it exists */
	uint32_t		 ssrc;
	uint32_t		 peer;
	int			 has_ssrc;
	int			 has_peer;
	size_t			 plen;
};

struct sender {
	const struct sockaddr	*to;
	socklen_t		 tolen;
	uint32_t		 ssrc;
	uint32_t		 count;
	uint32_t		 idx;		/* packets sent or failed */
	uint32_t		 sent;
	uint32_t		 errors;
	uint64_t		 start;
	uint64_t		 interval;	/* ns */
	uint64_t		 retry;		/* not before, after EAGAIN */
	uint64_t		 stall;		/* blocked: give up then */
	uint64_t		 stall_ns;
	size_t			 plen;
	unsigned char		*pkt;
};

struct receiver {
	int			 locked;	/* ssrc given or learnt */
	uint32_t		 ssrc;
	int			 has_own;
	uint32_t		 own;		/* duplex: ours, foreign */
	uint32_t		 count;
	uint64_t		 timeout;	/* ns */
	uint64_t		 deadline;
	uint64_t		 received;
	uint64_t		 dup;
	uint64_t		 bad;
	uint64_t		 reordered;
	uint64_t		 foreign;
	int64_t			 maxext;	/* 0 until the first packet */
	unsigned char		*seen;		/* one bit per extended seq */
	size_t			 seenlen;
	uint64_t		*delay;		/* ns, one per packet */
	size_t			 ndelay;
	size_t			 delaycap;
	struct sockaddr_storage	 from;
	socklen_t		 fromlen;
	int			 moved;
	uint64_t		 last_ns;	/* arrival of the last one taken */
	uint64_t		 gap_ns;	/* longest wait between two */
};

static volatile sig_atomic_t	quit;

static __attribute__((__noreturn__)) void
usage(void)
{
	fprintf(stderr,
	    "usage: rtptool send -l addr:port -r addr:port [-n count] "
	    "[-i ms] [-s ssrc] [-z bytes]\n"
	    "       rtptool recv -l addr:port [-n count] [-t ms] [-s ssrc]\n"
	    "       rtptool duplex -l addr:port -r addr:port [-n count] "
	    "[-i ms] [-t ms]\n"
	    "              [-s ssrc] [-S peer_ssrc] [-w ms] [-z bytes] "
	    "[-g file]\n"
	    "       rtptool inject -l addr:port -r addr:port [-n count] "
	    "[-i ms] [-z bytes]\n"
	    "       IPv6 as [addr]:port\n");
	exit(2);
}

static void
onsignal(int sig)
{
	(void)sig;
	quit = 1;
}

static void
put16(unsigned char *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static void
put32(unsigned char *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

static void
put64(unsigned char *p, uint64_t v)
{
	put32(p, v >> 32);
	put32(p + 4, v & 0xffffffff);
}

static uint16_t
get16(const unsigned char *p)
{
	return ((uint16_t)(p[0] << 8 | p[1]));
}

static uint32_t
get32(const unsigned char *p)
{
	return ((uint32_t)get16(p) << 16 | get16(p + 2));
}

static uint64_t
get64(const unsigned char *p)
{
	return ((uint64_t)get32(p) << 32 | get32(p + 4));
}

/* RFC 3550 section 5.1 wants a random first timestamp; the SSRC is one. */
static uint32_t
ts_base(uint32_t ssrc)
{
	return (ssrc * 0x85ebca6bU ^ 0xc2b2ae35U);
}

static uint32_t
pattern_seed(uint32_t ssrc, uint16_t seq, size_t plen)
{
	uint32_t	x;

	x = ssrc * 0x9e3779b1U ^
	    ((uint32_t)seq << 16 | (uint32_t)(plen & 0xffff));
	return (x == 0 ? 1 : x);
}

/* One xorshift32 step per byte, its top byte is the payload byte. */
static uint8_t
pattern_next(uint32_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return (*x >> 24);
}

static void
pattern_fill(unsigned char *p, size_t len, uint32_t seed)
{
	size_t	i;

	for (i = 0; i < len; i++)
		p[i] = pattern_next(&seed);
}

static int
pattern_check(const unsigned char *p, size_t len, uint32_t seed)
{
	size_t	i;

	for (i = 0; i < len; i++)
		if (p[i] != pattern_next(&seed))
			return (-1);
	return (0);
}

static void
rtp_build(unsigned char *p, size_t plen, uint32_t ssrc, uint32_t n,
    uint64_t now)
{
	uint16_t	seq = (uint16_t)(n + 1);

	p[0] = 0x80;		/* V=2, P=0, X=0, CC=0 */
	p[1] = 0;		/* M=0, PT=0 (PCMU) */
	put16(p + 2, seq);
	put32(p + 4, ts_base(ssrc) + TS_STEP * n);
	put32(p + 8, ssrc);
	put64(p + RTP_HDRLEN, now);
	pattern_fill(p + RTP_HDRLEN + STAMPLEN, plen - STAMPLEN,
	    pattern_seed(ssrc, seq, plen));
}

/* Is this exactly what a sender of ssrc sends as packet number ext? */
static int
rtp_verify(const unsigned char *p, size_t len, uint32_t ssrc, int64_t ext)
{
	size_t		plen;
	uint32_t	n;

	if (len < RTP_HDRLEN + STAMPLEN || p[0] != 0x80 || p[1] != 0)
		return (-1);
	if (ext < 1 || ext > EXT_MAX)
		return (-1);
	n = (uint32_t)(ext - 1);
	if (get32(p + 4) != ts_base(ssrc) + TS_STEP * n)
		return (-1);
	plen = len - RTP_HDRLEN;
	return (pattern_check(p + RTP_HDRLEN + STAMPLEN, plen - STAMPLEN,
	    pattern_seed(ssrc, get16(p + 2), plen)));
}

/* Extend seq to the value nearest the highest so far (RFC 3550 A.1). */
static int64_t
ext_seq(int64_t maxext, uint16_t seq)
{
	int16_t	delta;

	if (maxext == 0)
		return (seq);
	delta = (int16_t)(uint16_t)(seq - (uint16_t)maxext);
	return (maxext + delta);
}

static int
parse_num(const char *s, int base, unsigned long long min,
    unsigned long long max, unsigned long long *res)
{
	char			*end;
	unsigned long long	 v;

	if (*s < '0' || *s > '9')
		return (-1);
	errno = 0;
	v = strtoull(s, &end, base);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return (-1);
	*res = v;
	return (0);
}

static uint32_t
opt_num(const char *s, int base, unsigned long long min,
    unsigned long long max, const char *what)
{
	unsigned long long	v;

	if (parse_num(s, base, min, max, &v) == -1) {
		warnx("%s: %s must be %llu to %llu", s, what, min, max);
		usage();
	}
	return ((uint32_t)v);
}

/* addr:port or [addr]:port, numeric only. */
static int
parse_addr(const char *arg, struct sockaddr_storage *ss, socklen_t *sslen)
{
	char			 host[ADDRSTRLEN], serv[8];
	const char		*port, *end;
	struct addrinfo		 hints, *res;
	unsigned long long	 p;
	size_t			 hlen;
	int			 family;

	if (arg[0] == '[') {
		if ((end = strchr(arg, ']')) == NULL || end[1] != ':')
			return (-1);
		arg++;
		hlen = end - arg;
		port = end + 2;
		family = AF_INET6;
	} else {
		if ((port = strchr(arg, ':')) == NULL ||
		    strchr(port + 1, ':') != NULL)
			return (-1);
		hlen = port - arg;
		port++;
		family = AF_INET;
	}
	if (hlen == 0 || hlen >= sizeof(host))
		return (-1);
	memcpy(host, arg, hlen);
	host[hlen] = '\0';
	if (parse_num(port, 10, 0, 65535, &p) == -1)
		return (-1);
	(void)snprintf(serv, sizeof(serv), "%llu", p);

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = family;
	hints.ai_socktype = SOCK_DGRAM;
	hints.ai_protocol = IPPROTO_UDP;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
	if (getaddrinfo(host, serv, &hints, &res) != 0)
		return (-1);
	if (res->ai_addrlen > sizeof(*ss)) {
		freeaddrinfo(res);
		return (-1);
	}
	memset(ss, 0, sizeof(*ss));
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*sslen = res->ai_addrlen;
	freeaddrinfo(res);
	return (0);
}

static const char *
addr_str(const struct sockaddr *sa, socklen_t salen, char *buf, size_t len)
{
	char	host[ADDRSTRLEN], serv[8];
	int	n;

	if (getnameinfo(sa, salen, host, sizeof(host), serv, sizeof(serv),
	    NI_NUMERICHOST | NI_NUMERICSERV) != 0)
		return ("?");
	if (sa->sa_family == AF_INET6)
		n = snprintf(buf, len, "[%s]:%s", host, serv);
	else
		n = snprintf(buf, len, "%s:%s", host, serv);
	if (n < 0 || (size_t)n >= len)
		return ("?");
	return (buf);
}

/* Anything but a unicast address with a port would send elsewhere. */
static int
remote_ok(const struct sockaddr_storage *ss)
{
	const struct sockaddr_in	*sin;
	const struct sockaddr_in6	*sin6;

	if (ss->ss_family == AF_INET) {
		sin = (const struct sockaddr_in *)ss;
		return (sin->sin_port != 0 &&
		    sin->sin_addr.s_addr != htonl(INADDR_ANY) &&
		    sin->sin_addr.s_addr != htonl(INADDR_BROADCAST));
	}
	sin6 = (const struct sockaddr_in6 *)ss;
	return (sin6->sin6_port != 0 &&
	    !IN6_IS_ADDR_UNSPECIFIED(&sin6->sin6_addr));
}

static int
open_socket(const struct sockaddr_storage *ss, socklen_t sslen)
{
	char	buf[ADDRSTRLEN];
	int	s, on = 1, rcvbuf = 1 << 20, fl;

	if ((s = socket(ss->ss_family, SOCK_DGRAM, IPPROTO_UDP)) == -1)
		err(1, "socket");
	if (ss->ss_family == AF_INET6 && setsockopt(s, IPPROTO_IPV6,
	    IPV6_V6ONLY, &on, sizeof(on)) == -1)
		err(1, "IPV6_V6ONLY");
	/* Best effort: room for a burst from a sender without interval. */
	(void)setsockopt(s, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (bind(s, (const struct sockaddr *)ss, sslen) == -1)
		err(1, "bind %s", addr_str((const struct sockaddr *)ss, sslen,
		    buf, sizeof(buf)));
	if ((fl = fcntl(s, F_GETFL)) == -1 ||
	    fcntl(s, F_SETFL, fl | O_NONBLOCK) == -1)
		err(1, "fcntl");
	return (s);
}

/* -g: wait (at most GO_MAX ms) until the file path exists. */
static void
wait_go(const char *path)
{
	uint64_t	end = mono_ns() + (uint64_t)GO_MAX * NS_MS;

	while (access(path, F_OK) == -1) {
		if (errno != ENOENT)
			err(1, "%s", path);
		if (mono_ns() >= end)
			errx(1, "%s: not there after %d ms", path, GO_MAX);
		if (poll(NULL, 0, 10) == -1 && errno != EINTR)
			err(1, "poll");
		if (quit)
			exit(1);
	}
}

static uint64_t
snd_due(const struct sender *sd)
{
	uint64_t	due;

	due = sd->start + (uint64_t)sd->idx * sd->interval;
	return (due > sd->retry ? due : sd->retry);
}

static void
snd_one(int s, struct sender *sd, uint64_t now)
{
	rtp_build(sd->pkt, sd->plen, sd->ssrc, sd->idx, now);
	if (sendto(s, sd->pkt, RTP_HDRLEN + sd->plen, 0, sd->to,
	    sd->tolen) != -1) {
		sd->sent++;
	} else if (errno == EINTR) {
		return;
	} else if (errno == EAGAIN || errno == EWOULDBLOCK ||
	    errno == ENOBUFS) {
		if (sd->stall == 0)
			sd->stall = now + sd->stall_ns;
		if (now < sd->stall) {
			sd->retry = now + NS_MS;
			return;
		}
		warnx("sending blocked, %u packets not sent",
		    sd->count - sd->idx);
		sd->errors += sd->count - sd->idx;
		sd->idx = sd->count;
		return;
	} else {
		if (sd->errors == 0)
			warn("sendto");
		sd->errors++;
	}
	sd->stall = 0;
	sd->idx++;
}

/* Returns 1 if ext was seen before, else marks it. */
static int
seen_mark(struct receiver *rv, int64_t ext)
{
	unsigned char	*p;
	size_t		 byte = (size_t)ext / 8, nlen;
	unsigned char	 bit = (unsigned char)(1 << (ext % 8));

	if (byte >= rv->seenlen) {
		nlen = rv->seenlen ? rv->seenlen : 1024;
		while (nlen <= byte)
			nlen *= 2;
		if ((p = realloc(rv->seen, nlen)) == NULL)
			err(1, NULL);
		memset(p + rv->seenlen, 0, nlen - rv->seenlen);
		rv->seen = p;
		rv->seenlen = nlen;
	}
	if (rv->seen[byte] & bit)
		return (1);
	rv->seen[byte] |= bit;
	return (0);
}

static void
rcv_delay(struct receiver *rv, uint64_t sent, uint64_t now)
{
	uint64_t	*p;
	size_t		 ncap;

	if (rv->ndelay == rv->delaycap) {
		ncap = rv->delaycap ? rv->delaycap * 2 : 256;
		if ((p = reallocarray(rv->delay, ncap, sizeof(*p))) == NULL)
			err(1, NULL);
		rv->delay = p;
		rv->delaycap = ncap;
	}
	/* Another host's clock may be ahead: no negative delays. */
	rv->delay[rv->ndelay++] = now > sent ? now - sent : 0;
}

static void
rcv_from(struct receiver *rv, const struct sockaddr_storage *from,
    socklen_t fromlen)
{
	char	a[ADDRSTRLEN], b[ADDRSTRLEN];

	if (rv->fromlen == 0) {
		memcpy(&rv->from, from, fromlen);
		rv->fromlen = fromlen;
		return;
	}
	if (rv->moved || (fromlen == rv->fromlen &&
	    memcmp(&rv->from, from, fromlen) == 0))
		return;
	rv->moved = 1;
	warnx("source moved from %s to %s",
	    addr_str((struct sockaddr *)&rv->from, rv->fromlen, a, sizeof(a)),
	    addr_str((const struct sockaddr *)from, fromlen, b, sizeof(b)));
}

static int
rcv_foreign(const struct receiver *rv, uint32_t ssrc)
{
	if (rv->locked)
		return (ssrc != rv->ssrc);
	return (rv->has_own && ssrc == rv->own);
}

static void
rcv_packet(struct receiver *rv, const unsigned char *p, size_t len,
    const struct sockaddr_storage *from, socklen_t fromlen, uint64_t now)
{
	uint32_t	ssrc;
	int64_t		ext;

	if (len < RTP_HDRLEN || p[0] >> 6 != 2) {
		rv->bad++;
		return;
	}
	ssrc = get32(p + 8);
	if (rcv_foreign(rv, ssrc)) {
		rv->foreign++;
		return;
	}
	ext = ext_seq(rv->maxext, get16(p + 2));
	if (rtp_verify(p, len, ssrc, ext) == -1) {
		rv->bad++;
		return;
	}
	rv->locked = 1;
	rv->ssrc = ssrc;
	if (seen_mark(rv, ext)) {
		rv->dup++;
		return;
	}
	rv->received++;
	if (ext < rv->maxext)
		rv->reordered++;
	else
		rv->maxext = ext;
	rcv_delay(rv, get64(p + RTP_HDRLEN), now);
	if (rv->last_ns != 0 && now - rv->last_ns > rv->gap_ns)
		rv->gap_ns = now - rv->last_ns;
	rv->last_ns = now;
	rcv_from(rv, from, fromlen);
	rv->deadline = now + rv->timeout;
}

static void
rcv_drain(int s, struct receiver *rv)
{
	static unsigned char	buf[65536];
	struct sockaddr_storage	from;
	socklen_t		fromlen;
	ssize_t			n;
	int			i;

	for (i = 0; i < DRAIN_MAX && rv->received < rv->count; i++) {
		fromlen = sizeof(from);
		n = recvfrom(s, buf, sizeof(buf), 0, (struct sockaddr *)&from,
		    &fromlen);
		if (n == -1) {
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR)
				warn("recvfrom");
			return;
		}
		if (fromlen > sizeof(from))
			fromlen = sizeof(from);
		rcv_packet(rv, buf, n, &from, fromlen, mono_ns());
	}
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t	x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x < y ? -1 : x > y);
}

/* Nearest-rank percentile, in microseconds. */
static unsigned long long
rcv_pct(const struct receiver *rv, unsigned int pct)
{
	size_t	rank;

	if (rv->ndelay == 0)
		return (0);
	rank = (rv->ndelay * pct + 99) / 100;
	return (rv->delay[rank - 1] / 1000);
}

static int
rcv_report(struct receiver *rv)
{
	char	buf[ADDRSTRLEN];

	if (rv->ndelay > 0)
		qsort(rv->delay, rv->ndelay, sizeof(*rv->delay), cmp_u64);
	printf("received=%llu lost=%llu dup=%llu bad=%llu reordered=%llu "
	    "foreign=%llu from=%s delay_p50_us=%llu delay_p99_us=%llu "
	    "gap_ms=%llu\n",
	    (unsigned long long)rv->received,
	    (unsigned long long)(rv->maxext - (int64_t)rv->received),
	    (unsigned long long)rv->dup, (unsigned long long)rv->bad,
	    (unsigned long long)rv->reordered,
	    (unsigned long long)rv->foreign,
	    rv->fromlen == 0 ? "none" : addr_str((struct sockaddr *)&rv->from,
	    rv->fromlen, buf, sizeof(buf)),
	    rcv_pct(rv, 50), rcv_pct(rv, 99),
	    (unsigned long long)(rv->gap_ns / NS_MS));
	return (rv->received == rv->count && rv->bad == 0 ? 0 : 1);
}

static int
poll_ms(uint64_t now, uint64_t wake)
{
	uint64_t	ms;

	if (wake <= now)
		return (0);
	ms = (wake - now + NS_MS - 1) / NS_MS;
	return (ms > 1000 ? 1000 : (int)ms);
}

/* Clears a pending socket error nobody reads, lest poll(2) spin on it. */
static void
drop_error(int s)
{
	socklen_t	len;
	int		e;

	len = sizeof(e);
	(void)getsockopt(s, SOL_SOCKET, SO_ERROR, &e, &len);
}

/* Send and receive on s until both sides are done or a signal. */
static void
run(int s, struct sender *sd, struct receiver *rv)
{
	struct pollfd	pfd;
	uint64_t	now, wake;
	int		sending, receiving;

	for (;;) {
		now = mono_ns();
		sending = sd != NULL && sd->idx < sd->count;
		if (sending && now >= snd_due(sd)) {
			snd_one(s, sd, now);
			sending = sd->idx < sd->count;
		}
		receiving = rv != NULL && rv->received < rv->count &&
		    now < rv->deadline;
		if (quit || (!sending && !receiving))
			return;
		wake = UINT64_MAX;
		if (sending)
			wake = snd_due(sd);
		if (receiving && rv->deadline < wake)
			wake = rv->deadline;
		pfd.fd = s;
		pfd.events = receiving ? POLLIN : 0;
		pfd.revents = 0;
		if (poll(&pfd, 1, poll_ms(now, wake)) == -1) {
			if (errno == EINTR)
				continue;
			err(1, "poll");
		}
		if (receiving && (pfd.revents & (POLLIN | POLLERR)))
			rcv_drain(s, rv);
		else if (pfd.revents & POLLERR)
			drop_error(s);
	}
}

static uint32_t
random_ssrc(void)
{
	uint32_t	ssrc;

	do {
		if (getentropy(&ssrc, sizeof(ssrc)) == -1)
			err(1, "getentropy");
	} while (ssrc == INJECT_SSRC);
	return (ssrc);
}

static const char *
mode_opts(const char *name, enum mode *mode)
{
	if (strcmp(name, "send") == 0) {
		*mode = M_SEND;
		return ("l:r:n:i:s:z:");
	}
	if (strcmp(name, "recv") == 0) {
		*mode = M_RECV;
		return ("l:n:t:s:");
	}
	if (strcmp(name, "duplex") == 0) {
		*mode = M_DUPLEX;
		return ("g:l:r:n:i:t:s:S:w:z:");
	}
	if (strcmp(name, "inject") == 0) {
		*mode = M_INJECT;
		return ("l:r:n:i:z:");
	}
	warnx("%s: unknown mode", name);
	usage();
}

static void
parse_opts(int argc, char *argv[], struct opts *o)
{
	const char	*optstr;
	int		 ch;

	memset(o, 0, sizeof(*o));
	o->count = COUNT_DEF;
	o->interval = INTERVAL_DEF;
	o->timeout = TIMEOUT_DEF;
	o->plen = PAYLOAD_DEF;
	if (argc < 2)
		usage();
	optstr = mode_opts(argv[1], &o->mode);
	/* getopt(3) on the words after the mode, naming us in its errors. */
	argv[1] = argv[0];
	argc--;
	argv++;
	while ((ch = getopt(argc, argv, optstr)) != -1) {
		switch (ch) {
		case 'l':
			if (parse_addr(optarg, &o->local, &o->locallen) == -1) {
				warnx("%s: bad local address", optarg);
				usage();
			}
			break;
		case 'r':
			if (parse_addr(optarg, &o->remote, &o->remotelen) ==
			    -1 || !remote_ok(&o->remote)) {
				warnx("%s: bad remote address", optarg);
				usage();
			}
			break;
		case 'n':
			o->count = opt_num(optarg, 10, 1, COUNT_MAX, "count");
			break;
		case 'i':
			o->interval = opt_num(optarg, 10, 0, INTERVAL_MAX,
			    "interval");
			break;
		case 't':
			o->timeout = opt_num(optarg, 10, 1, TIMEOUT_MAX,
			    "timeout");
			break;
		case 's':
			o->ssrc = opt_num(optarg, 0, 0, UINT32_MAX, "ssrc");
			o->has_ssrc = 1;
			break;
		case 'w':
			o->wait = opt_num(optarg, 10, 0, TIMEOUT_MAX, "wait");
			break;
		case 'g':
			o->go = optarg;
			break;
		case 'S':
			o->peer = opt_num(optarg, 0, 0, UINT32_MAX, "ssrc");
			o->has_peer = 1;
			break;
		case 'z':
			o->plen = opt_num(optarg, 10, STAMPLEN, PAYLOAD_MAX,
			    "payload size");
			break;
		default:
			usage();
		}
	}
	if (optind != argc) {
		warnx("%s: unexpected argument", argv[optind]);
		usage();
	}
	if (o->locallen == 0 || (o->mode != M_RECV && o->remotelen == 0)) {
		warnx("missing -l or -r");
		usage();
	}
	if (o->remotelen != 0 && o->remote.ss_family != o->local.ss_family) {
		warnx("local and remote address families differ");
		usage();
	}
}

static void
snd_init(struct sender *sd, const struct opts *o)
{
	memset(sd, 0, sizeof(*sd));
	sd->to = (const struct sockaddr *)&o->remote;
	sd->tolen = o->remotelen;
	if (o->mode == M_INJECT)
		sd->ssrc = INJECT_SSRC;
	else
		sd->ssrc = o->has_ssrc ? o->ssrc : random_ssrc();
	sd->count = o->count;
	sd->interval = (uint64_t)o->interval * NS_MS;
	sd->stall_ns = (uint64_t)o->timeout * NS_MS;
	sd->plen = o->plen;
	if ((sd->pkt = malloc(RTP_HDRLEN + sd->plen)) == NULL)
		err(1, NULL);
	/* -w: let the far end bind before our first packet leaves. */
	sd->start = mono_ns() + (uint64_t)o->wait * NS_MS;
}

static void
rcv_init(struct receiver *rv, const struct opts *o, const struct sender *sd)
{
	memset(rv, 0, sizeof(*rv));
	if (sd != NULL) {
		rv->has_own = 1;
		rv->own = sd->ssrc;
		rv->locked = o->has_peer;
		rv->ssrc = o->peer;
	} else {
		rv->locked = o->has_ssrc;
		rv->ssrc = o->ssrc;
	}
	rv->count = o->count;
	rv->timeout = (uint64_t)o->timeout * NS_MS;
	rv->deadline = mono_ns() + rv->timeout;
}

int
main(int argc, char *argv[])
{
	struct opts		 o;
	struct sender		 sd;
	struct receiver		 rv;
	struct sigaction	 sa;
	int			 s, rc = 0;

	parse_opts(argc, argv, &o);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = onsignal;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL) == -1 ||
	    sigaction(SIGTERM, &sa, NULL) == -1)
		err(1, "sigaction");

	s = open_socket(&o.local, o.locallen);
	if (o.go != NULL)
		wait_go(o.go);
	if (o.mode != M_RECV)
		snd_init(&sd, &o);
	if (o.mode == M_RECV || o.mode == M_DUPLEX)
		rcv_init(&rv, &o, o.mode == M_DUPLEX ? &sd : NULL);

	run(s, o.mode == M_RECV ? NULL : &sd,
	    o.mode == M_RECV || o.mode == M_DUPLEX ? &rv : NULL);

	if (o.mode == M_SEND || o.mode == M_INJECT)
		printf("sent=%u errors=%u ssrc=0x%08x\n", sd.sent, sd.errors,
		    sd.ssrc);
	else
		rc = rcv_report(&rv);
	if (o.mode != M_RECV && sd.sent != sd.count) {
		if (o.mode == M_DUPLEX)
			warnx("sent %u of %u packets", sd.sent, sd.count);
		rc = 1;
	}
	if (fflush(stdout) == EOF)
		err(1, "stdout");
	close(s);
	if (o.mode != M_RECV)
		free(sd.pkt);
	if (o.mode == M_RECV || o.mode == M_DUPLEX) {
		free(rv.seen);
		free(rv.delay);
	}
	return (rc);
}
