/* SPDX-License-Identifier: ISC */
/* The monotonic clock, for timers and ages (never the wall clock). */

#ifndef SIPROXD_MONO_H
#define SIPROXD_MONO_H

#include <stdint.h>
#include <time.h>

time_t		mono_now(void);		/* seconds */
uint64_t	mono_ms(void);
int64_t		mono_us(void);
uint64_t	mono_ns(void);

#endif /* SIPROXD_MONO_H */
