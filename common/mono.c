/* SPDX-License-Identifier: ISC */
/* The monotonic clock, for timers and ages (never the wall clock). */

#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "mono.h"

static struct timespec
mono_ts(void)
{
	struct timespec	ts;

	/* It fails only for a bad clock id or address: a bug, not an event. */
	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1)
		abort();
	return (ts);
}

time_t
mono_now(void)
{
	return (mono_ts().tv_sec);
}

uint64_t
mono_ms(void)
{
	struct timespec	ts = mono_ts();

	return ((uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

int64_t
mono_us(void)
{
	struct timespec	ts = mono_ts();

	return ((int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000);
}

uint64_t
mono_ns(void)
{
	struct timespec	ts = mono_ts();

	return ((uint64_t)ts.tv_sec * 1000000000 + (uint64_t)ts.tv_nsec);
}
