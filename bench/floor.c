/* SPDX-License-Identifier: ISC */
/* Benchmark floor: the least a UDP relay can do per packet (epoll, no logic). */

/*
 * floor -a laddr -b waddr -p port -n pairs -A lpeer -P lpeerport
 *	 -B wpeer -Q wpeerport [-t seconds]
 *
 * Pair i binds laddr:port+i and waddr:port+i (it relays RTP only, so it
 * needs no odd ports for RTCP).  What arrives on the LAN
 * socket leaves by the WAN socket to wpeer:wpeerport+2i, and the other way
 * to lpeer:lpeerport+2i: one recvfrom and one sendto a packet, as a real
 * relay needs at least, and nothing else.  It exits after -t seconds
 * (default 600) or on SIGTERM.
 */

#include <sys/types.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <err.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "benchutil.h"

#define MAXPKT		8192
#define BATCH		64
#define NEVENTS		256

struct side {
	int			fd;
	int			out;	/* the socket it leaves by */
	struct sockaddr_in	to;
};

static volatile sig_atomic_t	quit;

static __attribute__((__noreturn__)) void
usage(void)
{
	fprintf(stderr, "usage: floor -a laddr -b waddr -p port -n pairs "
	    "-A lpeer -P lpeerport\n\t-B wpeer -Q wpeerport [-t seconds]\n");
	exit(2);
}

static void
onsignal(int sig)
{
	(void)sig;
	quit = 1;
}

static void
relay(const struct side *s)
{
	static unsigned char	pkt[MAXPKT];
	struct sockaddr_in	src;
	socklen_t		slen;
	ssize_t			n;
	int			i;

	for (i = 0; i < BATCH; i++) {
		slen = sizeof(src);
		n = recvfrom(s->fd, pkt, sizeof(pkt), 0,
		    (struct sockaddr *)&src, &slen);
		if (n == -1)
			return;
		sendto(s->out, pkt, n, 0, (const struct sockaddr *)&s->to,
		    sizeof(s->to));
	}
}

int
main(int argc, char *argv[])
{
	struct epoll_event	 ev, evs[NEVENTS];
	struct rlimit		 rl;
	struct in_addr		 la = { 0 }, wa = { 0 }, lp = { 0 }, wp = { 0 };
	struct side		*sides;
	uint32_t		 port = 0, pairs = 0, lport = 0, wport = 0;
	uint32_t		 secs = 600, i;
	int			 ch, ep, n, k, have = 0;

	while ((ch = getopt(argc, argv, "a:A:b:B:n:p:P:Q:t:")) != -1) {
		switch (ch) {
		case 'a':
			la = ipv4(optarg);
			have |= 1;
			break;
		case 'A':
			lp = ipv4(optarg);
			have |= 2;
			break;
		case 'b':
			wa = ipv4(optarg);
			have |= 4;
			break;
		case 'B':
			wp = ipv4(optarg);
			have |= 8;
			break;
		case 'n':
			pairs = num(optarg, 1, 30000, "pairs");
			break;
		case 'p':
			port = num(optarg, 1, 65535, "port");
			break;
		case 'P':
			lport = num(optarg, 1, 65535, "port");
			break;
		case 'Q':
			wport = num(optarg, 1, 65535, "port");
			break;
		case 't':
			secs = num(optarg, 1, 86400, "seconds");
			break;
		default:
			usage();
		}
	}
	if (have != 15 || pairs == 0 || port == 0 || lport == 0 ||
	    wport == 0 || optind != argc)
		usage();
	if (port + pairs > 65536 || lport + 2 * pairs > 65536 ||
	    wport + 2 * pairs > 65536)
		errx(2, "port range too small for %u pairs", pairs);
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if ((sides = calloc(pairs, 2 * sizeof(*sides))) == NULL)
		err(1, NULL);
	if ((ep = epoll_create1(0)) == -1)
		err(1, "epoll_create1");
	for (i = 0; i < pairs; i++) {
		struct side	*l = &sides[2 * i], *w = &sides[2 * i + 1];

		l->fd = udp_bound(la, port + i, 0);
		w->fd = udp_bound(wa, port + i, 0);
		l->out = w->fd;
		w->out = l->fd;
		l->to.sin_family = w->to.sin_family = AF_INET;
		l->to.sin_addr = wp;
		l->to.sin_port = htons(wport + 2 * i);
		w->to.sin_addr = lp;
		w->to.sin_port = htons(lport + 2 * i);
		ev.events = EPOLLIN;
		ev.data.ptr = l;
		if (epoll_ctl(ep, EPOLL_CTL_ADD, l->fd, &ev) == -1)
			err(1, "epoll_ctl");
		ev.data.ptr = w;
		if (epoll_ctl(ep, EPOLL_CTL_ADD, w->fd, &ev) == -1)
			err(1, "epoll_ctl");
	}
	signal(SIGTERM, onsignal);
	signal(SIGINT, onsignal);
	signal(SIGALRM, onsignal);
	alarm(secs);
	while (!quit) {
		if ((n = epoll_wait(ep, evs, NEVENTS, -1)) == -1) {
			if (errno == EINTR)
				continue;
			err(1, "epoll_wait");
		}
		for (k = 0; k < n; k++)
			relay(evs[k].data.ptr);
	}
	for (i = 0; i < 2 * pairs; i++)
		close(sides[i].fd);
	free(sides);
	close(ep);
	return (0);
}
