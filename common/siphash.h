/* SPDX-License-Identifier: ISC */
/* SipHash-2-4: a keyed hash for tags, branches and opaque values. */

#ifndef SIPROXD_SIPHASH_H
#define SIPROXD_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

struct siphash_key {
	uint64_t	k0;
	uint64_t	k1;
};

uint64_t	siphash24(const struct siphash_key *, const void *, size_t);

#endif /* SIPROXD_SIPHASH_H */
