/* SPDX-License-Identifier: ISC */
/* The unit tests' reporting: one line a case, "ok - ..." or "FAIL - ...". */

#ifndef SIPROXD_UNIT_H
#define SIPROXD_UNIT_H

#include <stdio.h>

static int	unit_passed, unit_failed;

#define CHECK(cond, ...) do {						\
	if (cond) {							\
		unit_passed++;						\
		printf("ok - ");					\
	} else {							\
		unit_failed++;						\
		printf("FAIL - %s:%d: ", __FILE__, __LINE__);		\
	}								\
	printf(__VA_ARGS__);						\
	printf("\n");							\
	fflush(stdout);							\
} while (0)

#define UNIT_DONE() do {						\
	printf("# %s: %d passed, %d failed\n", __FILE__,		\
	    unit_passed, unit_failed);					\
	return (unit_failed ? 1 : 0);					\
} while (0)

#endif /* SIPROXD_UNIT_H */
