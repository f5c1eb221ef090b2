/* SPDX-License-Identifier: ISC */
/* SipHash-2-4 (Aumasson and Bernstein, 2012), written from the paper. */

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "siphash.h"

#define ROTL(x, b)	(((x) << (b)) | ((x) >> (64 - (b))))

#define SIPROUND(v0, v1, v2, v3) do {					\
	v0 += v1; v1 = ROTL(v1, 13); v1 ^= v0; v0 = ROTL(v0, 32);	\
	v2 += v3; v3 = ROTL(v3, 16); v3 ^= v2;				\
	v0 += v3; v3 = ROTL(v3, 21); v3 ^= v0;				\
	v2 += v1; v1 = ROTL(v1, 17); v1 ^= v2; v2 = ROTL(v2, 32);	\
} while (0)

static uint64_t
le64(const uint8_t *p)
{
	uint64_t	v = 0;
	int		i;

	for (i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return (v);
}

uint64_t
siphash24(const struct siphash_key *key, const void *data, size_t len)
{
	const uint8_t	*p = data;
	uint64_t	 v0 = 0x736f6d6570736575ULL ^ key->k0;
	uint64_t	 v1 = 0x646f72616e646f6dULL ^ key->k1;
	uint64_t	 v2 = 0x6c7967656e657261ULL ^ key->k0;
	uint64_t	 v3 = 0x7465646279746573ULL ^ key->k1;
	uint64_t	 m, b = (uint64_t)len << 56;
	uint8_t		 last[8];
	size_t		 i;

	for (i = 0; i + 8 <= len; i += 8) {
		m = le64(p + i);
		v3 ^= m;
		SIPROUND(v0, v1, v2, v3);
		SIPROUND(v0, v1, v2, v3);
		v0 ^= m;
	}
	memset(last, 0, sizeof(last));
	memcpy(last, p + i, len - i);
	b |= le64(last);
	v3 ^= b;
	SIPROUND(v0, v1, v2, v3);
	SIPROUND(v0, v1, v2, v3);
	v0 ^= b;
	v2 ^= 0xff;
	for (i = 0; i < 4; i++)
		SIPROUND(v0, v1, v2, v3);
	return (v0 ^ v1 ^ v2 ^ v3);
}
