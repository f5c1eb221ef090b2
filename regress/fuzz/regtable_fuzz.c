/* SPDX-License-Identifier: ISC */
/* libFuzzer harness: load a registration file, ours or the classic's. */

#include <sys/types.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "regtable.h"

#define WALL	1700000000
#define MONO	1000

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Saved, cleared and loaded back: the same count, and the saved form. */
static char *
classic_again(const char *buf, size_t len, size_t *alen, int n)
{
	char	*again;

	reg_clear();
	if (reg_classic_deserialize(buf, len, MONO, WALL) != n)
		abort();
	if (reg_classic_serialize(&again, alen, MONO, WALL, "203.0.113.1",
	    "5060") != n)
		abort();
	return (again);
}

/*
 * The classic format: what loads saves and loads back.  The masqueraded
 * user names depend on the order bindings come in, so the saved form is
 * only stable from the second save on, once it is in the table's order.
 */
static void
classic(const uint8_t *data, size_t size)
{
	char	*buf, *b2, *b3;
	size_t	 len, l2, l3;
	int	 n;

	n = reg_classic_deserialize((const char *)data, size, MONO, WALL);
	if (n < 0 || (size_t)n != reg_count())
		abort();
	if (reg_classic_serialize(&buf, &len, MONO, WALL, "203.0.113.1",
	    "5060") != n)
		abort();
	b2 = classic_again(buf, len, &l2, n);
	b3 = classic_again(b2, l2, &l3, n);
	if (l2 != l3 || memcmp(b2, b3, l2) != 0)
		abort();
	free(buf);
	free(b2);
	free(b3);
	reg_clear();
}

/*
 * Whatever loads must save, load back to the same count, and save again
 * byte for byte the same: the saved form is canonical.
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*buf, *again;
	size_t	 len, alen;
	int	 n;

	log_setverbose(-1);
	n = reg_deserialize((const char *)data, size, MONO, WALL);
	if (n != -1 && (size_t)n != reg_count())
		abort();
	if (reg_serialize(&buf, &len, MONO, WALL) != (int)reg_count())
		abort();
	reg_clear();
	if (reg_deserialize(buf, len, MONO, WALL) != (n == -1 ? 0 : n))
		abort();
	reg_serialize(&again, &alen, MONO, WALL);
	if (alen != len || memcmp(again, buf, len) != 0)
		abort();
	free(buf);
	free(again);
	reg_clear();
	classic(data, size);
	return (0);
}
