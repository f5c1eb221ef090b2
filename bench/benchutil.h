/* SPDX-License-Identifier: ISC */
/* What the bench's C tools share: argument parsing and bound UDP sockets. */

#ifndef SIPROXD_BENCHUTIL_H
#define SIPROXD_BENCHUTIL_H

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <err.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static inline uint32_t
num(const char *s, uint32_t min, uint32_t max, const char *what)
{
	const char	*e = NULL;
	long long	 v;

	v = strtonum(s, min, max, &e);
	if (e != NULL)
		errx(2, "%s %s: %s", what, s, e);
	return ((uint32_t)v);
}

static inline struct in_addr
ipv4(const char *s)
{
	struct in_addr	a;

	if (inet_pton(AF_INET, s, &a) != 1)
		errx(2, "%s: not an IPv4 address", s);
	return (a);
}

/* A non-blocking UDP socket bound to a:port; buffers of bufsz if not 0. */
static inline int
udp_bound(struct in_addr a, uint32_t port, int bufsz)
{
	struct sockaddr_in	sin;
	int			fd;

	if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0)) == -1)
		err(1, "socket");
	if (bufsz > 0) {
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bufsz, sizeof(bufsz));
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &bufsz, sizeof(bufsz));
	}
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr = a;
	sin.sin_port = htons(port);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		err(1, "bind %s:%u", inet_ntoa(a), port);
	return (fd);
}

#endif /* SIPROXD_BENCHUTIL_H */
