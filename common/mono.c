/* SPDX-License-Identifier: ISC */
/* The monotonic clock, for timers and ages (never the wall clock). */

#include <stdint.h>
#include <time.h>

#include "log.h"
#include "mono.h"

static struct timespec
mono_ts(void)
{
	struct timespec	ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1)
		fatal("clock_gettime");
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
