/* SPDX-License-Identifier: ISC */
/* Benchmark tool: both ends of many two-way RTP calls, and their sink. */

/*
 * rtpblast -f calls -l laddr -L lrelay -w waddr -W wrelay [-N netns]
 *	    [-r pps] [-d ms] [-o pps:ms] [-j ms] [-g ms] [-m ms] [-z bytes]
 *
 * Each line of the calls file is "lport lrelayport wport wrelayport": the
 * LAN end of a call binds laddr:lport and sends to lrelay:lrelayport, the
 * WAN end binds waddr:wport and sends to wrelay:wrelayport; what the relay
 * forwards arrives at the other end.  With -N the WAN ends' sockets are
 * made in that network namespace (a path as in /var/run/netns), so one
 * process holds both ends and sees each packet's fate.
 *
 * Every end sends at pps packets a second (RTP version 2, RFC 3550 5.1,
 * PT 0, 20 ms of PCMU), the ends evenly out of phase.  The payload opens
 * with the CLOCK_MONOTONIC send time in ns, the call's index, the phase
 * and the direction, so the sink counts loss, reordering and one-way delay;
 * then a number drawn for the run: a packet of an earlier run that a relay
 * behind its load still forwards counts as stale, not as this run's.
 * With -o the run opens with an overload phase (pps for ms) and the
 * counters cover only packets of the phase after it; "recovered" then
 * counts the calls that carried such packets both ways within 2 s of the
 * overload's end.  Packets sent in the first -j ms are not counted (ARP,
 * symmetric-RTP learning); all_sent and all_recv count everything.  With
 * -m a packet more than ms late counts as lost (and as late): a phone's
 * jitter buffer would have given up on it.  A packet's arrival is the
 * kernel's receive time (SO_TIMESTAMPNS), not when this process got to
 * read it: with thousands of ends on one core the reading falls behind
 * first, and a phone would have had the packet in time.  For the same
 * reason everything that arrived is read before the next round of sends,
 * and every end once more at the end: when the core is short the sending
 * slips (send_lag_max_us says by how much: the generator's limit), never
 * the count.
 * The run ends -g ms after the last send; it never lasts more than the
 * sum of its phases and 30 s.  One line of key=value goes to stdout.
 */

#include <sys/types.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/timerfd.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "benchutil.h"

#define RTP_HDRLEN	12
#define STAMPLEN	20	/* send time, call index, direction, run */
#define PAYLOAD_DEF	160
#define PAYLOAD_MAX	1400
#define BATCH		64
#define CATCHUP		(4 * BATCH)
#define RECOVER_NS	2000000000ULL
#define SLACK_MS	30000
#define NS_S		1000000000ULL
#define NS_MS		1000000ULL
#define HIST_FINE	20000	/* 1 us buckets up to 20 ms */
#define HIST_COARSE	10000	/* then 1 ms buckets up to 10 s */
#define DIR_MAGIC	0x62000000U

enum { LAN, WAN };

struct end {
	int		 fd;
	int		 dir;		/* LAN or WAN: who sends from here */
	uint32_t	 call;
	struct sockaddr_in to;
	uint64_t	 phase;		/* offset in the period, ns */
	uint64_t	 sent;		/* packets sent in the current phase */
	uint64_t	 nsent;		/* counted sends */
	uint16_t	 seq;
	int		 havemax;
	uint16_t	 maxseq;
	uint64_t	 window;	/* the 64 seqs below maxseq seen */
	uint64_t	 nrecv;		/* counted receives */
	uint64_t	 allsent;	/* also in the warm-up */
	uint64_t	 allrecv;
	uint64_t	 recovered;	/* first post-overload arrival */
};

struct phase {
	uint64_t	 start;		/* ns */
	uint64_t	 len;		/* ns */
	uint32_t	 pps;
};

static struct end	*ends;
static size_t		 nends;
static uint64_t		 hist_fine[HIST_FINE];
static uint64_t		 hist_coarse[HIST_COARSE + 1];
static uint64_t		 delay_max, ndelay;
static uint64_t		 reordered, dups, bad, foreign, stale, send_err;
static uint64_t		 skipped;
static uint32_t		 run_id;
static uint64_t		 late, late_ns, lag_max;
static uint64_t		 count_from, recover_from;
static size_t		 plen = PAYLOAD_DEF;
static volatile sig_atomic_t quit;

static __attribute__((__noreturn__)) void
usage(void)
{
	fprintf(stderr, "usage: rtpblast -f calls -l laddr -L lrelay "
	    "-w waddr -W wrelay [-N netns]\n"
	    "\t[-r pps] [-d ms] [-o pps:ms] [-j ms] [-g ms] [-m ms] "
	    "[-z bytes]\n");
	exit(2);
}

static void
onsignal(int sig)
{
	(void)sig;
	quit = 1;
}

static uint64_t
clock_ns(clockid_t c)
{
	struct timespec	ts;

	clock_gettime(c, &ts);
	return ((uint64_t)ts.tv_sec * NS_S + (uint64_t)ts.tv_nsec);
}

static uint64_t
now_ns(void)
{
	return (clock_ns(CLOCK_MONOTONIC));
}

/* The kernel's receive time of a message (realtime), on our clock. */
static uint64_t
arrival(struct msghdr *mh, uint64_t now, int64_t real_off)
{
	struct cmsghdr	*c;
	struct timespec	 ts;

	for (c = CMSG_FIRSTHDR(mh); c != NULL; c = CMSG_NXTHDR(mh, c))
		if (c->cmsg_level == SOL_SOCKET &&
		    c->cmsg_type == SCM_TIMESTAMPNS) {
			memcpy(&ts, CMSG_DATA(c), sizeof(ts));
			return ((uint64_t)ts.tv_sec * NS_S +
			    (uint64_t)ts.tv_nsec - real_off);
		}
	return (now);
}

static void
put32(unsigned char *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = (v >> 16) & 0xff;
	p[2] = (v >> 8) & 0xff;
	p[3] = v & 0xff;
}

static uint32_t
get32(const unsigned char *p)
{
	return ((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3]);
}

/* Read the calls file: four ports a call. */
static uint32_t *
read_calls(const char *path, size_t *ncalls)
{
	FILE		*f;
	uint32_t	*ports = NULL;
	unsigned int	 p[4];
	size_t		 n = 0, cap = 0;
	int		 k;

	if ((f = fopen(path, "r")) == NULL)
		err(1, "%s", path);
	while (fscanf(f, "%u %u %u %u", &p[0], &p[1], &p[2], &p[3]) == 4) {
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			if ((ports = reallocarray(ports, cap, 4 *
			    sizeof(*ports))) == NULL)
				err(1, NULL);
		}
		for (k = 0; k < 4; k++) {
			if (p[k] == 0 || p[k] > 65535)
				errx(1, "%s: bad port %u", path, p[k]);
			ports[4 * n + k] = p[k];
		}
		n++;
	}
	fclose(f);
	if (n == 0)
		errx(1, "%s: no calls", path);
	*ncalls = n;
	return (ports);
}

/* Every call gets its LAN end and its WAN end, the latter maybe in netns. */
static void
setup_ends(const char *path, struct in_addr la, struct in_addr lr,
    struct in_addr wa, struct in_addr wr, const char *netns)
{
	uint32_t	*ports;
	size_t		 i, n;
	int		 nsfd, on = 1;

	ports = read_calls(path, &n);
	nends = 2 * n;
	if ((ends = calloc(nends, sizeof(*ends))) == NULL)
		err(1, NULL);
	for (i = 0; i < n; i++) {
		ends[2 * i].dir = LAN;
		ends[2 * i].fd = udp_bound(la, ports[4 * i], 1 << 20);
		ends[2 * i].to.sin_addr = lr;
		ends[2 * i].to.sin_port = htons(ports[4 * i + 1]);
	}
	if (netns != NULL) {
		if ((nsfd = open(netns, O_RDONLY)) == -1)
			err(1, "%s", netns);
		if (setns(nsfd, CLONE_NEWNET) == -1)
			err(1, "setns %s", netns);
		close(nsfd);
	}
	for (i = 0; i < n; i++) {
		ends[2 * i + 1].dir = WAN;
		ends[2 * i + 1].fd = udp_bound(wa, ports[4 * i + 2], 1 << 20);
		ends[2 * i + 1].to.sin_addr = wr;
		ends[2 * i + 1].to.sin_port = htons(ports[4 * i + 3]);
	}
	for (i = 0; i < nends; i++) {
		if (setsockopt(ends[i].fd, SOL_SOCKET, SO_TIMESTAMPNS, &on,
		    sizeof(on)) == -1)
			err(1, "SO_TIMESTAMPNS");
		ends[i].call = i / 2;
		ends[i].to.sin_family = AF_INET;
		ends[i].seq = (uint16_t)(i * 7919);
		/* Spread every end's sends evenly over one period. */
		ends[i].phase = (uint64_t)i * NS_S / nends;
	}
	free(ports);
}

static void
build(unsigned char *p, struct end *e, uint64_t now, int phase)
{
	uint64_t	ts = e->sent * 160;

	p[0] = 0x80;
	p[1] = 0;
	p[2] = e->seq >> 8;
	p[3] = e->seq & 0xff;
	put32(p + 4, (uint32_t)ts);
	put32(p + 8, 0x5e000000U | (uint32_t)(e - ends));
	put32(p + RTP_HDRLEN, (uint32_t)(now >> 32));
	put32(p + RTP_HDRLEN + 4, (uint32_t)now);
	put32(p + RTP_HDRLEN + 8, e->call);
	put32(p + RTP_HDRLEN + 12, DIR_MAGIC | (uint32_t)phase << 8 |
	    (uint32_t)e->dir);
	put32(p + RTP_HDRLEN + 16, run_id);
}

/* Up to one batch from end e in phase 0 or 1, stamped now. */
static size_t
send_batch(struct end *e, size_t want, int phase)
{
	static unsigned char	 buf[BATCH][RTP_HDRLEN + PAYLOAD_MAX];
	struct mmsghdr		 mm[BATCH];
	struct iovec		 iov[BATCH];
	uint64_t		 now = now_ns();
	size_t			 k;
	int			 r;

	if (want > BATCH)
		want = BATCH;
	memset(mm, 0, sizeof(mm));
	for (k = 0; k < want; k++) {
		build(buf[k], e, now, phase);
		e->seq++;
		e->sent++;
		iov[k].iov_base = buf[k];
		iov[k].iov_len = RTP_HDRLEN + plen;
		mm[k].msg_hdr.msg_iov = &iov[k];
		mm[k].msg_hdr.msg_iovlen = 1;
		mm[k].msg_hdr.msg_name = &e->to;
		mm[k].msg_hdr.msg_namelen = sizeof(e->to);
	}
	if ((r = sendmmsg(e->fd, mm, want, 0)) < 0)
		r = 0;
	send_err += want - r;
	e->allsent += r;
	if (phase == 1 && now >= count_from)
		e->nsent += r;
	return (want);
}

/* Send what falls due up to now in phase ph for every end. */
static void
send_pass(const struct phase *ph, int phase, uint64_t now)
{
	struct end	*e;
	uint64_t	 el, due, period, off;
	size_t		 i, want;

	if (now < ph->start || ph->pps == 0)
		return;
	period = NS_S / ph->pps;
	el = now - ph->start;
	if (el > ph->len)
		el = ph->len;
	for (i = 0; i < nends; i++) {
		e = &ends[i];
		off = e->phase * period / NS_S;
		due = el < off ? 0 : (el - off) / period + 1;
		if (due <= e->sent)
			continue;
		/* How late the oldest packet due goes out. */
		if (phase == 1 && now >= count_from &&
		    el - off - e->sent * period > lag_max)
			lag_max = el - off - e->sent * period;
		/* A sender late by more than CATCHUP skips, and says so. */
		if (due - e->sent > CATCHUP) {
			skipped += due - e->sent - CATCHUP;
			e->sent = due - CATCHUP;
		}
		for (want = due - e->sent; want > 0; )
			want -= send_batch(e, want, phase);
	}
}

static void
delay_add(uint64_t d)
{
	uint64_t	us = d / 1000;

	if (us < HIST_FINE)
		hist_fine[us]++;
	else if (us / 1000 < HIST_COARSE)
		hist_coarse[us / 1000]++;
	else
		hist_coarse[HIST_COARSE]++;
	if (us > delay_max)
		delay_max = us;
	ndelay++;
}

static uint64_t
delay_pct(double q)
{
	uint64_t	want, c = 0;
	size_t		i;

	if (ndelay == 0)
		return (0);
	want = (uint64_t)(q * (double)ndelay);
	if (want >= ndelay)
		want = ndelay - 1;
	for (i = 0; i < HIST_FINE; i++)
		if ((c += hist_fine[i]) > want)
			return (i);
	for (i = 0; i <= HIST_COARSE; i++)
		if ((c += hist_coarse[i]) > want)
			return (i * 1000);
	return (delay_max);
}

/* A packet that arrived at end e: check it and count it. */
static void
got(struct end *e, const unsigned char *p, size_t len, uint64_t now)
{
	uint64_t	stamp;
	uint32_t	call, dir, phase;
	uint16_t	seq, d;

	if (len < RTP_HDRLEN + STAMPLEN || p[0] != 0x80) {
		bad++;
		return;
	}
	call = get32(p + RTP_HDRLEN + 8);
	dir = get32(p + RTP_HDRLEN + 12);
	phase = (dir >> 8) & 0xff;
	dir &= ~0xff00U;
	if (call != e->call || dir != (DIR_MAGIC | (uint32_t)!e->dir) ||
	    phase > 1) {
		foreign++;
		return;
	}
	if (get32(p + RTP_HDRLEN + 16) != run_id) {
		stale++;
		return;
	}
	stamp = (uint64_t)get32(p + RTP_HDRLEN) << 32 |
	    get32(p + RTP_HDRLEN + 4);
	/* Two clocks apart by a hair: not a stamp from the future. */
	if (stamp > now + NS_MS) {
		bad++;
		return;
	}
	if (stamp > now)
		now = stamp;
	if (phase == 1 && e->recovered == 0)
		e->recovered = now;
	seq = (uint16_t)(p[2] << 8 | p[3]);
	if (!e->havemax) {
		e->havemax = 1;
		e->maxseq = seq;
		e->window = 1;
	} else if ((d = (uint16_t)(seq - e->maxseq)) != 0 && d < 0x8000) {
		e->window = d >= 64 ? 1 : (e->window << d) | 1;
		e->maxseq = seq;
	} else {
		d = (uint16_t)(e->maxseq - seq);
		if (d == 0 || (d < 64 && (e->window >> d) & 1)) {
			dups++;
			return;
		}
		if (d < 64)
			e->window |= 1ULL << d;
		reordered++;
	}
	e->allrecv++;
	if (phase != 1 || stamp < count_from)
		return;
	delay_add(now - stamp);
	/* Later than any jitter buffer waits: lost to the listener. */
	if (late_ns != 0 && now - stamp > late_ns) {
		late++;
		return;
	}
	e->nrecv++;
}

static void
drain(struct end *e, uint64_t now, int64_t real_off)
{
	static unsigned char	 buf[BATCH][2048];
	static unsigned char	 cbuf[BATCH][CMSG_SPACE(sizeof(struct timespec))];
	struct mmsghdr		 mm[BATCH];
	struct iovec		 iov[BATCH];
	int			 k, n;

	for (;;) {
		memset(mm, 0, sizeof(mm));
		for (k = 0; k < BATCH; k++) {
			iov[k].iov_base = buf[k];
			iov[k].iov_len = sizeof(buf[k]);
			mm[k].msg_hdr.msg_iov = &iov[k];
			mm[k].msg_hdr.msg_iovlen = 1;
			mm[k].msg_hdr.msg_control = cbuf[k];
			mm[k].msg_hdr.msg_controllen = sizeof(cbuf[k]);
		}
		if ((n = recvmmsg(e->fd, mm, BATCH, 0, NULL)) <= 0)
			return;
		for (k = 0; k < n; k++)
			got(e, buf[k], mm[k].msg_len,
			    arrival(&mm[k].msg_hdr, now, real_off));
		if (n < BATCH)
			return;
	}
}

/*
 * Read everything that arrived before sending again: a loop that reads one
 * batch of ends a round falls behind for good once the core is short (the
 * sends of a round grow, the reads do not), and what stays in a socket
 * counts as lost.  Waits up to wait_ms for the first event.
 */
static void
receive(int ep, int tfd, int wait_ms)
{
	struct epoll_event	 evs[BATCH];
	uint64_t		 now, exp;
	int64_t			 real_off;
	int			 k, n;

	do {
		if ((n = epoll_wait(ep, evs, BATCH, wait_ms)) == -1) {
			if (errno == EINTR)
				return;
			err(1, "epoll_wait");
		}
		wait_ms = 0;
		now = now_ns();
		real_off = (int64_t)(clock_ns(CLOCK_REALTIME) - now);
		for (k = 0; k < n; k++) {
			if (evs[k].data.u64 != UINT64_MAX)
				drain(&ends[evs[k].data.u64], now, real_off);
			else if (read(tfd, &exp, sizeof(exp)) == -1 &&
			    errno != EAGAIN)
				err(1, "timerfd");
		}
	} while (n == BATCH && !quit);
}

static int
tick_timer(uint64_t ns)
{
	struct itimerspec	its;
	int			fd;

	if ((fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK)) == -1)
		err(1, "timerfd_create");
	memset(&its, 0, sizeof(its));
	its.it_interval.tv_sec = ns / NS_S;
	its.it_interval.tv_nsec = ns % NS_S;
	its.it_value = its.it_interval;
	if (timerfd_settime(fd, 0, &its, NULL) == -1)
		err(1, "timerfd_settime");
	return (fd);
}

static void
report(uint32_t pps, const struct phase *ph)
{
	uint64_t	sent = 0, recv = 0, rec = 0, dead = 0, lost;
	uint64_t	allsent = 0, allrecv = 0;
	size_t		i;

	for (i = 0; i < nends; i++) {
		sent += ends[i].nsent;
		recv += ends[i].nrecv;
		allsent += ends[i].allsent;
		allrecv += ends[i].allrecv;
	}
	for (i = 0; i + 1 < nends; i += 2) {
		if (ends[i].nrecv == 0 || ends[i + 1].nrecv == 0)
			dead++;
		if (ends[i].recovered != 0 && ends[i + 1].recovered != 0 &&
		    ends[i].recovered <= recover_from + RECOVER_NS &&
		    ends[i + 1].recovered <= recover_from + RECOVER_NS)
			rec++;
	}
	lost = sent > recv ? sent - recv : 0;
	printf("rtpblast calls=%zu pps=%u sent=%llu recv=%llu lost=%llu "
	    "loss_pct=%.4f late=%llu reordered=%llu dup=%llu bad=%llu "
	    "foreign=%llu stale=%llu "
	    "send_err=%llu skipped=%llu dead=%llu delay_p50_us=%llu "
	    "delay_p99_us=%llu "
	    "delay_max_us=%llu all_sent=%llu all_recv=%llu "
	    "send_lag_max_us=%llu",
	    nends / 2, pps, (unsigned long long)sent,
	    (unsigned long long)recv, (unsigned long long)lost,
	    sent ? 100.0 * (double)lost / (double)sent : 0.0,
	    (unsigned long long)late,
	    (unsigned long long)reordered, (unsigned long long)dups,
	    (unsigned long long)bad, (unsigned long long)foreign,
	    (unsigned long long)stale,
	    (unsigned long long)send_err, (unsigned long long)skipped,
	    (unsigned long long)dead,
	    (unsigned long long)delay_pct(0.50),
	    (unsigned long long)delay_pct(0.99),
	    (unsigned long long)delay_max, (unsigned long long)allsent,
	    (unsigned long long)allrecv, (unsigned long long)(lag_max / 1000));
	if (ph[0].len > 0)
		printf(" overload_pps=%u recovered=%llu", ph[0].pps,
		    (unsigned long long)rec);
	printf("\n");
}

int
main(int argc, char *argv[])
{
	struct epoll_event	 ev;
	struct phase		 ph[2];
	struct rlimit		 rl;
	struct in_addr		 la = { 0 }, lr = { 0 }, wa = { 0 }, wr = { 0 };
	const char		*calls = NULL, *netns = NULL;
	char			*colon;
	uint64_t		 tick, now, end, hard, warm = 500;
	int64_t			 real_off;
	uint32_t		 pps = 50, dur = 5000, grace = 500, opps = 0;
	uint32_t		 oms = 0;
	size_t			 i;
	int			 ch, ep, tfd, have = 0, cur = 0;

	while ((ch = getopt(argc, argv, "d:f:g:j:l:L:m:N:o:r:w:W:z:")) != -1) {
		switch (ch) {
		case 'd':
			dur = num(optarg, 1, 3600000, "duration");
			break;
		case 'f':
			calls = optarg;
			break;
		case 'g':
			grace = num(optarg, 0, 10000, "grace");
			break;
		case 'j':
			warm = num(optarg, 0, 60000, "warm-up");
			break;
		case 'l':
			la = ipv4(optarg);
			have |= 1;
			break;
		case 'L':
			lr = ipv4(optarg);
			have |= 2;
			break;
		case 'm':
			late_ns = num(optarg, 1, 60000, "late") * NS_MS;
			break;
		case 'N':
			netns = optarg;
			break;
		case 'o':
			if ((colon = strchr(optarg, ':')) == NULL)
				usage();
			*colon++ = '\0';
			opps = num(optarg, 1, 1000000, "overload pps");
			oms = num(colon, 1, 600000, "overload ms");
			break;
		case 'r':
			pps = num(optarg, 1, 1000000, "pps");
			break;
		case 'w':
			wa = ipv4(optarg);
			have |= 4;
			break;
		case 'W':
			wr = ipv4(optarg);
			have |= 8;
			break;
		case 'z':
			plen = num(optarg, STAMPLEN, PAYLOAD_MAX, "payload");
			break;
		default:
			usage();
		}
	}
	if (calls == NULL || have != 15 || optind != argc)
		usage();
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	run_id = arc4random();
	setup_ends(calls, la, lr, wa, wr, netns);
	signal(SIGINT, onsignal);
	signal(SIGTERM, onsignal);

	if ((ep = epoll_create1(0)) == -1)
		err(1, "epoll_create1");
	for (i = 0; i < nends; i++) {
		ev.events = EPOLLIN;
		ev.data.u64 = i;
		if (epoll_ctl(ep, EPOLL_CTL_ADD, ends[i].fd, &ev) == -1)
			err(1, "epoll_ctl");
	}
	/* Ticks a quarter period apart, 0.2 to 1 ms. */
	tick = NS_S / (pps > opps ? pps : opps) / 4;
	if (tick < 200000)
		tick = 200000;
	if (tick > NS_MS)
		tick = NS_MS;
	tfd = tick_timer(tick);
	ev.events = EPOLLIN;
	ev.data.u64 = UINT64_MAX;
	if (epoll_ctl(ep, EPOLL_CTL_ADD, tfd, &ev) == -1)
		err(1, "epoll_ctl");

	now = now_ns();
	ph[0].start = now;
	ph[0].len = (uint64_t)oms * NS_MS;
	ph[0].pps = opps;
	ph[1].start = now + ph[0].len;
	ph[1].len = (uint64_t)dur * NS_MS;
	ph[1].pps = pps;
	recover_from = ph[1].start;
	count_from = ph[1].start + (oms ? 0 : warm * NS_MS);
	end = ph[1].start + ph[1].len + (uint64_t)grace * NS_MS;
	hard = end + SLACK_MS * NS_MS;
	while (!quit && (now = now_ns()) < end && now < hard) {
		receive(ep, tfd, 10);
		now = now_ns();
		if (now < ph[1].start) {
			send_pass(&ph[0], 0, now);
			continue;
		}
		if (cur == 0) {
			cur = 1;
			for (i = 0; i < nends; i++)
				ends[i].sent = 0;
		}
		send_pass(&ph[1], 1, now);
	}
	/* What arrived in time but was not read yet (epoll missed nothing,
	 * but the last round may not have come to it). */
	now = now_ns();
	real_off = (int64_t)(clock_ns(CLOCK_REALTIME) - now);
	for (i = 0; i < nends; i++)
		drain(&ends[i], now, real_off);
	report(pps, ph);
	return (0);
}
