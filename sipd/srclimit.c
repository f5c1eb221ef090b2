/* SPDX-License-Identifier: ISC */
/* How much one source address has in flight, bounded. */

/*
 * A message waits in sipd while its next hop resolves (RFC 3263) or rtpd
 * opens its relay.  A source that sends requests for names that never
 * resolve would otherwise hold any number of them, and as many DNS
 * lookups; the count per source (an IPv6 /64 as one, since a host may
 * pick any address in its /64) keeps that bounded.  An entry lives while
 * its count is above zero, so the table holds only sources with
 * something in flight.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/tree.h>

#include <stdlib.h>

#include "addr.h"
#include "log.h"
#include "srclimit.h"

struct src {
	RB_ENTRY(src)		 entry;
	struct addr_key		 key;
	unsigned int		 n;
};

RB_HEAD(srcs, src);

static int	src_cmp(struct src *, struct src *);
RB_PROTOTYPE(srcs, src, entry, src_cmp)

static struct srcs	srcs = RB_INITIALIZER(&srcs);
static size_t		nsrcs;

RB_GENERATE(srcs, src, entry, src_cmp)

static int
src_cmp(struct src *a, struct src *b)
{
	return (addr_key_cmp(&a->key, &b->key));
}

static struct src *
src_find(const struct sockaddr *sa)
{
	struct src	key;

	addr_key(sa, &key.key);
	return (RB_FIND(srcs, &srcs, &key));
}

int
srclimit_take(const struct sockaddr *sa, unsigned int max)
{
	struct src	*s;

	if ((s = src_find(sa)) == NULL) {
		if (max == 0)
			return (-1);
		if ((s = calloc(1, sizeof(*s))) == NULL)
			fatal("%s", __func__);
		addr_key(sa, &s->key);
		RB_INSERT(srcs, &srcs, s);
		nsrcs++;
	} else if (s->n >= max)
		return (-1);
	s->n++;
	return (0);
}

void
srclimit_give(const struct sockaddr *sa)
{
	struct src	*s;

	if ((s = src_find(sa)) == NULL)
		fatalx("%s: a source that has nothing in flight", __func__);
	if (--s->n > 0)
		return;
	RB_REMOVE(srcs, &srcs, s);
	free(s);
	nsrcs--;
}

size_t
srclimit_sources(void)
{
	return (nsrcs);
}
