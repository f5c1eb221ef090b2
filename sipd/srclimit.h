/* SPDX-License-Identifier: ISC */
/* Limits per source address: messages in flight, and password guesses. */

#ifndef SIPROXD_SRCLIMIT_H
#define SIPROXD_SRCLIMIT_H

#include <sys/types.h>
#include <sys/socket.h>

#include <time.h>

#define SRC_MAXPENDING	64	/* of one source waiting on DNS (sipx.c) */

#define GUARD_FAILS	10	/* guesses within GUARD_WINDOW ... */
#define GUARD_WINDOW	60	/* ... seconds ... */
#define GUARD_BLOCK	60	/* ... refuse the source this long */
#define GUARD_MAX	4096	/* sources tracked at once */

/*
 * Count one more for the source of sa (an IPv6 /64 counts as one,
 * addr_key): 0, or -1 when it has max already (nothing is counted).
 */
int	 srclimit_take(const struct sockaddr *, unsigned int);
/* One fewer for that source. */
void	 srclimit_give(const struct sockaddr *);
/* Sources with something in flight, for the tests. */
size_t	 srclimit_sources(void);

/* Is the source refused (403 without a look at its credentials)? */
int	 srclimit_blocked(const struct sockaddr *, time_t);
/* The source guessed wrong; 1 if that starts its time out (log it). */
int	 srclimit_guessed(const struct sockaddr *, time_t);
/* For the tests: forget every guess. */
void	 srclimit_forget_guesses(void);

#endif /* SIPROXD_SRCLIMIT_H */
