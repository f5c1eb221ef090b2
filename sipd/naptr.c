/* SPDX-License-Identifier: ISC */
/* NAPTR answers for SIP server location (RFC 3263 §4.1, RFC 3403). */

#include <sys/types.h>

#include <ares.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "naptr.h"
#include "resolve.h"

#define NAPTR_SCAN	64	/* records looked at per answer */

struct naptr_rec {
	uint16_t	order;
	uint16_t	pref;
	size_t		seq;
	int		transport;
	const char	*srv;
};

/* RFC 3263 §4.1: the services a SIP client may follow, by transport. */
static int
naptr_service(const unsigned char *s)
{
	if (strcasecmp((const char *)s, "SIP+D2U") == 0)
		return (RESOLVE_UDP);
	if (strcasecmp((const char *)s, "SIP+D2T") == 0)
		return (RESOLVE_TCP);
	if (strcasecmp((const char *)s, "SIPS+D2T") == 0)
		return (RESOLVE_TLS);
	return (-1);
}

/*
 * A record that leads to an SRV lookup (RFC 3403 §4: flag "s"; RFC 3263
 * §4.1: an empty regexp and the SRV name as the replacement), for a
 * transport we may use: its transport, else -1.
 */
static int
naptr_usable(const struct ares_naptr_reply *r, int set)
{
	int	t;

	if (r->flags == NULL || strcasecmp((const char *)r->flags, "s") != 0)
		return (-1);
	if (r->regexp != NULL && r->regexp[0] != '\0')
		return (-1);
	if (r->service == NULL || (t = naptr_service(r->service)) == -1 ||
	    (set & RESOLVE_SET(t)) == 0)
		return (-1);
	if (r->replacement == NULL || strlen(r->replacement) > NAPTR_MAXNAME ||
	    strcmp(r->replacement, ".") == 0 ||
	    !resolve_valid_name(r->replacement))
		return (-1);
	return (t);
}

static int
naptr_cmp(const void *va, const void *vb)
{
	const struct naptr_rec	*a = va, *b = vb;

	if (a->order != b->order)
		return (a->order < b->order ? -1 : 1);
	if (a->pref != b->pref)
		return (a->pref < b->pref ? -1 : 1);
	return (a->seq < b->seq ? -1 : a->seq > b->seq);
}

int
naptr_parse(const unsigned char *abuf, int alen, int set,
    struct naptr_pick *picks, size_t max)
{
	struct ares_naptr_reply	*list, *r;
	struct naptr_rec	 rec[NAPTR_SCAN];
	size_t			 n = 0, seen = 0, i;
	int			 t;

	if (ares_parse_naptr_reply(abuf, alen, &list) != ARES_SUCCESS)
		return (-1);
	for (r = list; r != NULL && seen < NAPTR_SCAN; r = r->next, seen++) {
		if ((t = naptr_usable(r, set)) == -1)
			continue;
		rec[n].order = r->order;
		rec[n].pref = r->preference;
		rec[n].seq = n;
		rec[n].transport = t;
		rec[n].srv = r->replacement;
		n++;
	}
	qsort(rec, n, sizeof(rec[0]), naptr_cmp);
	for (i = 0; i < n && i < max; i++) {
		picks[i].transport = rec[i].transport;
		if (strlcpy(picks[i].srv, rec[i].srv, sizeof(picks[i].srv)) >=
		    sizeof(picks[i].srv))
			fatalx("%s: name too long", __func__);
	}
	ares_free_data(list);
	return ((int)i);
}
