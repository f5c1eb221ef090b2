/* SPDX-License-Identifier: ISC */
/* How much one source address has in flight, bounded. */

#ifndef SIPROXD_SRCLIMIT_H
#define SIPROXD_SRCLIMIT_H

#include <sys/types.h>
#include <sys/socket.h>

#define SRC_MAXPENDING	64	/* of one source waiting on DNS (sipx.c) */

/*
 * Count one more for the source of sa (an IPv6 /64 counts as one,
 * addr_key): 0, or -1 when it has max already (nothing is counted).
 */
int	 srclimit_take(const struct sockaddr *, unsigned int);
/* One fewer for that source. */
void	 srclimit_give(const struct sockaddr *);
/* Sources with something in flight, for the tests. */
size_t	 srclimit_sources(void);

#endif /* SIPROXD_SRCLIMIT_H */
