/* SPDX-License-Identifier: ISC */
/* libFuzzer harness: load a registration file (sipd/reg.c) and save it. */

#include <sys/types.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "reg.h"

#define WALL	1700000000
#define MONO	1000

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

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
	return (0);
}
