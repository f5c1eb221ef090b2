/* SPDX-License-Identifier: ISC */
/* NAPTR answers for SIP server location (RFC 3263 §4.1, RFC 3403). */

#ifndef SIPROXD_NAPTR_H
#define SIPROXD_NAPTR_H

#include <stddef.h>
#include <stdint.h>

#define NAPTR_MAXPICKS	8	/* records followed per answer */
#define NAPTR_MAXNAME	253

/* A record to follow: the SRV name it replaces the domain with. */
struct naptr_pick {
	int	transport;		/* RESOLVE_UDP, _TCP or _TLS */
	char	srv[NAPTR_MAXNAME + 2];
};

/*
 * The records of a NAPTR answer (abuf, alen) worth following for a
 * transport in set (RESOLVE_SET bits), at most max of them, in the order
 * to try them: order, then preference, then as they came.  A record
 * counts only with flag "s", no regexp, a replacement that is a host
 * name, and a service of SIP+D2U, SIP+D2T or SIPS+D2T.  Returns how many
 * went into picks, or -1 if the reply does not parse.
 */
int	naptr_parse(const unsigned char *, int, int, struct naptr_pick *,
	    size_t);

#endif /* SIPROXD_NAPTR_H */
