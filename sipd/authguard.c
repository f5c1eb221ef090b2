/* SPDX-License-Identifier: ISC */
/* A limit on password guesses from one source address. */

/*
 * A nonce is cheap to get, so a limit per nonce would not slow a guesser
 * down: the count is per source (an IPv6 /64, see addr_key).  After
 * GUARD_FAILS wrong passwords or unknown users within GUARD_WINDOW
 * seconds the source gets 403 for GUARD_BLOCK seconds, whatever it sends.
 * The table is bounded; when full, the source seen longest ago goes.
 */

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/tree.h>

#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "authguard.h"
#include "log.h"

struct guard {
	RB_ENTRY(guard)		 entry;
	TAILQ_ENTRY(guard)	 lru;		/* least recently failed first */
	struct addr_key		 key;
	time_t			 first;		/* first guess in the window */
	time_t			 until;		/* refused until then */
	unsigned int		 fails;
};

RB_HEAD(guards, guard);
TAILQ_HEAD(guard_lru, guard);

static int	guard_cmp(struct guard *, struct guard *);
RB_PROTOTYPE(guards, guard, entry, guard_cmp)

static struct guards	 guards = RB_INITIALIZER(&guards);
static struct guard_lru	 lru = TAILQ_HEAD_INITIALIZER(lru);
static size_t		 nguards;

RB_GENERATE(guards, guard, entry, guard_cmp)

static int
guard_cmp(struct guard *a, struct guard *b)
{
	return (addr_key_cmp(&a->key, &b->key));
}

static struct guard *
guard_find(const struct sockaddr *sa)
{
	struct guard	key;

	addr_key(sa, &key.key);
	return (RB_FIND(guards, &guards, &key));
}

static void
guard_free(struct guard *g)
{
	RB_REMOVE(guards, &guards, g);
	TAILQ_REMOVE(&lru, g, lru);
	free(g);
	nguards--;
}

int
authguard_blocked(const struct sockaddr *sa, time_t now)
{
	struct guard	*g;

	return ((g = guard_find(sa)) != NULL && now < g->until);
}

int
authguard_failed(const struct sockaddr *sa, time_t now)
{
	struct guard	*g;

	if ((g = guard_find(sa)) == NULL) {
		if (nguards >= GUARD_MAX)
			guard_free(TAILQ_FIRST(&lru));
		if ((g = calloc(1, sizeof(*g))) == NULL)
			fatal("%s", __func__);
		addr_key(sa, &g->key);
		RB_INSERT(guards, &guards, g);
		nguards++;
	} else
		TAILQ_REMOVE(&lru, g, lru);
	TAILQ_INSERT_TAIL(&lru, g, lru);
	if (now < g->until)
		return (0);
	if (g->fails == 0 || now - g->first >= GUARD_WINDOW) {
		g->first = now;
		g->fails = 0;
	}
	if (++g->fails < GUARD_FAILS)
		return (0);
	g->until = now + GUARD_BLOCK;
	g->fails = 0;
	return (1);
}

void
authguard_clear(void)
{
	struct guard	*g;

	while ((g = TAILQ_FIRST(&lru)) != NULL)
		guard_free(g);
}
