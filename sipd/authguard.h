/* SPDX-License-Identifier: ISC */
/* A limit on password guesses from one source address. */

#ifndef SIPROXD_AUTHGUARD_H
#define SIPROXD_AUTHGUARD_H

#include <sys/types.h>
#include <sys/socket.h>

#include <time.h>

#define GUARD_FAILS	10	/* guesses within GUARD_WINDOW ... */
#define GUARD_WINDOW	60	/* ... seconds ... */
#define GUARD_BLOCK	60	/* ... refuse the source this long */
#define GUARD_MAX	4096	/* sources tracked at once */

/* Is the source refused (403 without a look at its credentials)? */
int	 authguard_blocked(const struct sockaddr *, time_t);
/* The source guessed wrong; 1 if that starts its time out (log it). */
int	 authguard_failed(const struct sockaddr *, time_t);
/* For the tests: forget every source. */
void	 authguard_clear(void);

#endif /* SIPROXD_AUTHGUARD_H */
