/* SPDX-License-Identifier: ISC */
/* libFuzzer harness: plugin_blacklist's section of sipd's state file. */

#include <sys/types.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "mod.h"

#define WALL		1700000000
#define MONO		100000
#define DURATION	3600

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/*
 * Whatever loads must save, load back to the same count and save again
 * byte for byte the same; the table never grows past its cap.
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*buf, *again;
	size_t	 len, alen, skip = sizeof(BL_SECTION);
	int	 n;

	log_setverbose(-1);
	n = blacklist_deserialize((const char *)data, size, MONO, WALL,
	    DURATION);
	if (n < 0 || (size_t)n != blacklist_count() || n > 4096)
		abort();
	if (blacklist_serialize(&buf, &len, MONO, WALL) != n ||
	    len < skip || memcmp(buf, BL_SECTION "\n", skip) != 0)
		abort();
	blacklist_clear();
	if (blacklist_deserialize(buf + skip, len - skip, MONO, WALL,
	    DURATION) != n)
		abort();
	blacklist_serialize(&again, &alen, MONO, WALL);
	if (alen != len || memcmp(again, buf, len) != 0)
		abort();
	free(buf);
	free(again);
	blacklist_clear();
	return (0);
}
