/* SPDX-License-Identifier: ISC */
/* Addresses as the fast path's maps hold them (common/fastpath.h). */

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <string.h>

#include "fastpath.h"

/* The family, address and port of sa, in the maps' form: FP_AF_*. */
uint8_t
fp_sockaddr(const struct sockaddr *sa, uint8_t *addr, uint16_t *port)
{
	const struct sockaddr_in	*sin = (const struct sockaddr_in *)sa;
	const struct sockaddr_in6	*sin6 = (const struct sockaddr_in6 *)sa;

	memset(addr, 0, 16);
	if (sa->sa_family == AF_INET) {
		memcpy(addr, &sin->sin_addr, 4);
		*port = sin->sin_port;
		return (FP_AF_INET);
	}
	memcpy(addr, &sin6->sin6_addr, 16);
	*port = sin6->sin6_port;
	return (FP_AF_INET6);
}
