/* SPDX-License-Identifier: ISC */
/* Test tool: write into a running process's channel, as if from inside it. */

/*
 * chanpoke PID FD rtpreq ROLE PORT	send a forged RTP socket request
 * chanpoke PID FD garbage		send a packet no type allows
 * chanpoke PID FD short		send half a header
 * chanpoke PID FD tos		print the socket's IP_TOS (DSCP << 2)
 * chanpoke PID FD flood N ROLE PORT	N RTP socket requests, as fast as
 *				the peer takes them (until it hangs up)
 * chanpoke PID FD flush		send a sipd's "sockets flushed"
 *
 * The fd is taken from the process with pidfd_getfd(2) (Linux 5.6, root),
 * so the daemon under test is the real one, not a build with test hooks.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <netinet/in.h>

#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "msg.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open	434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd	438
#endif

static int
grab(pid_t pid, int fd)
{
	int	pfd, s;

	if ((pfd = syscall(SYS_pidfd_open, pid, 0)) == -1)
		err(1, "pidfd_open %ld", (long)pid);
	if ((s = syscall(SYS_pidfd_getfd, pfd, fd, 0)) == -1)
		err(1, "pidfd_getfd %d", fd);
	close(pfd);
	return (s);
}

int
main(int argc, char *argv[])
{
	struct {
		struct msg_hdr			hdr;
		struct msg_rtp_socket_req	req;
	}		pkt;
	size_t		len = sizeof(pkt);
	long		n;
	int		s;

	if (argc < 4)
		errx(2, "usage: chanpoke pid fd "
		    "rtpreq|garbage|short|tos|flood|flush ...");
	s = grab(atoi(argv[1]), atoi(argv[2]));
	memset(&pkt, 0, sizeof(pkt));
	pkt.hdr.type = MSG_RTP_SOCKET_REQ;
	pkt.hdr.len = sizeof(pkt.req);
	if (strcmp(argv[3], "rtpreq") == 0 && argc == 6) {
		pkt.req.role = atoi(argv[4]);
		pkt.req.family = MSG_AF_INET;
		pkt.req.port = atoi(argv[5]);
	} else if (strcmp(argv[3], "garbage") == 0) {
		memset(&pkt, 0xa5, sizeof(pkt));
	} else if (strcmp(argv[3], "tos") == 0) {
		int		tos;
		socklen_t	tl = sizeof(tos);

		if (getsockopt(s, IPPROTO_IP, IP_TOS, &tos, &tl) == -1)
			err(1, "getsockopt IP_TOS");
		printf("%d\n", tos);
		return (0);
	} else if (strcmp(argv[3], "short") == 0) {
		len = sizeof(pkt.hdr) / 2;
	} else if (strcmp(argv[3], "flood") == 0 && argc == 7) {
		pkt.req.role = atoi(argv[5]);
		pkt.req.family = MSG_AF_INET;
		pkt.req.port = atoi(argv[6]);
		for (n = atol(argv[4]); n > 0; n--)
			if (send(s, &pkt, len, MSG_NOSIGNAL) == -1)
				break;
		printf("%ld requests not sent\n", n);
		return (0);
	} else if (strcmp(argv[3], "flush") == 0) {
		pkt.hdr.type = MSG_SIP_SOCKETS_FLUSH;
		pkt.hdr.len = 0;
		len = sizeof(pkt.hdr);
	} else
		errx(2, "unknown action %s", argv[3]);
	if (send(s, &pkt, len, 0) == -1)
		err(1, "send");
	return (0);
}
