/* SPDX-License-Identifier: ISC */
/* libFuzzer harness: NAPTR answers as sipd's resolver reads them. */

#include <sys/types.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "naptr.h"
#include "resolve.h"

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	log_init(0, 0);
	return (0);
}

/*
 * The first byte picks the transports we may use, the rest is the DNS
 * reply.  Whatever it holds, a record followed is for one of those, with
 * a host name to look up, and no more than asked for.
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct naptr_pick	picks[NAPTR_MAXPICKS];
	int			set, n, i;

	if (size < 1 || size > 65536)
		return (0);
	set = (data[0] & 7) << 4;
	n = naptr_parse(data + 1, (int)size - 1, set, picks, NAPTR_MAXPICKS);
	if (n > NAPTR_MAXPICKS)
		abort();
	for (i = 0; i < n; i++)
		if ((set & RESOLVE_SET(picks[i].transport)) == 0 ||
		    picks[i].srv[0] == '\0' ||
		    !resolve_valid_name(picks[i].srv))
			abort();
	return (0);
}
