/* SPDX-License-Identifier: ISC */
/* Limits per source address: messages in flight, and password guesses. */

/*
 * Both count per source, an IPv6 /64 as one since a host may pick any
 * address in its /64 (addr_key), in one kind of table.
 *
 * In flight: a message waits in sipd while its next hop resolves (RFC
 * 3263) or rtpd opens its relay.  A source that sends requests for names
 * that never resolve would otherwise hold any number of them, and as many
 * DNS lookups.  An entry lives while its count is above zero, so that
 * table holds only sources with something in flight.
 *
 * Guesses: a nonce is cheap to get, so a limit per nonce would not slow a
 * guesser down.  After GUARD_FAILS wrong passwords or unknown users within
 * GUARD_WINDOW seconds the source gets 403 for GUARD_BLOCK seconds,
 * whatever it sends.  That table is bounded; when full, the source seen
 * longest ago goes.
 */

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/tree.h>

#include <stdlib.h>

#include "addr.h"
#include "log.h"
#include "srclimit.h"

struct src {
	RB_ENTRY(src)		 entry;
	TAILQ_ENTRY(src)	 lru;		/* least recently touched first */
	struct addr_key		 key;
	unsigned int		 n;		/* in flight, or guesses */
	time_t			 first;		/* the first guess in the window */
	time_t			 until;		/* refused until then */
};

RB_HEAD(src_tree, src);
TAILQ_HEAD(src_lru, src);

struct src_table {
	struct src_tree		 tree;
	struct src_lru		 lru;
	size_t			 count;
	size_t			 max;		/* 0: as many as come */
};

static int	src_cmp(struct src *, struct src *);
RB_PROTOTYPE(src_tree, src, entry, src_cmp)

static struct src_table	inflight = { RB_INITIALIZER(&inflight.tree),
			    TAILQ_HEAD_INITIALIZER(inflight.lru), 0, 0 };
static struct src_table	guesses = { RB_INITIALIZER(&guesses.tree),
			    TAILQ_HEAD_INITIALIZER(guesses.lru), 0, GUARD_MAX };

RB_GENERATE(src_tree, src, entry, src_cmp)

static int
src_cmp(struct src *a, struct src *b)
{
	return (addr_key_cmp(&a->key, &b->key));
}

static struct src *
src_find(struct src_table *t, const struct sockaddr *sa)
{
	struct src	key;

	addr_key(sa, &key.key);
	return (RB_FIND(src_tree, &t->tree, &key));
}

static void
src_free(struct src_table *t, struct src *s)
{
	RB_REMOVE(src_tree, &t->tree, s);
	TAILQ_REMOVE(&t->lru, s, lru);
	free(s);
	t->count--;
}

/* The entry of sa, made if need be; the most recently touched now. */
static struct src *
src_get(struct src_table *t, const struct sockaddr *sa)
{
	struct src	*s;

	if ((s = src_find(t, sa)) != NULL) {
		TAILQ_REMOVE(&t->lru, s, lru);
		TAILQ_INSERT_TAIL(&t->lru, s, lru);
		return (s);
	}
	if (t->max > 0 && t->count >= t->max)
		src_free(t, TAILQ_FIRST(&t->lru));
	if ((s = calloc(1, sizeof(*s))) == NULL)
		fatal("%s", __func__);
	addr_key(sa, &s->key);
	RB_INSERT(src_tree, &t->tree, s);
	TAILQ_INSERT_TAIL(&t->lru, s, lru);
	t->count++;
	return (s);
}

int
srclimit_take(const struct sockaddr *sa, unsigned int max)
{
	struct src	*s;

	if ((s = src_find(&inflight, sa)) == NULL ? max == 0 : s->n >= max)
		return (-1);
	src_get(&inflight, sa)->n++;
	return (0);
}

void
srclimit_give(const struct sockaddr *sa)
{
	struct src	*s;

	if ((s = src_find(&inflight, sa)) == NULL)
		fatalx("%s: a source that has nothing in flight", __func__);
	if (--s->n == 0)
		src_free(&inflight, s);
}

size_t
srclimit_sources(void)
{
	return (inflight.count);
}

int
srclimit_blocked(const struct sockaddr *sa, time_t now)
{
	struct src	*s;

	return ((s = src_find(&guesses, sa)) != NULL && now < s->until);
}

int
srclimit_guessed(const struct sockaddr *sa, time_t now)
{
	struct src	*s = src_get(&guesses, sa);

	if (now < s->until)
		return (0);
	if (s->n == 0 || now - s->first >= GUARD_WINDOW) {
		s->first = now;
		s->n = 0;
	}
	if (++s->n < GUARD_FAILS)
		return (0);
	s->until = now + GUARD_BLOCK;
	s->n = 0;
	return (1);
}

void
srclimit_forget_guesses(void)
{
	struct src	*s;

	while ((s = TAILQ_FIRST(&guesses.lru)) != NULL)
		src_free(&guesses, s);
}
