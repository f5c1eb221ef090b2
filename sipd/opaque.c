/* SPDX-License-Identifier: ISC */
/* Values we hand out and must get back intact: sealed, hex-encoded. */

/*
 * What a LAN phone put into Via and Call-ID must not reach the WAN, yet the
 * answers must find their way back.  We seal such text into our own values:
 * a SipHash MAC of the plain text, then the text XORed with a keystream
 * derived from the MAC.  The same input always seals the same way, so a
 * retransmission or a CANCEL gets the same branch; a forged value fails
 * the MAC and is dropped.
 */

#include <sys/types.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hex.h"
#include "log.h"
#include "opaque.h"
#include "siphash.h"

#define OPAQUE_MAX	8192

static struct siphash_key	mac_key, stream_key, hash_key;

void
opaque_init(void)
{
	arc4random_buf(&mac_key, sizeof(mac_key));
	arc4random_buf(&stream_key, sizeof(stream_key));
	arc4random_buf(&hash_key, sizeof(hash_key));
}

uint64_t
opaque_hash(const void *p, size_t len)
{
	return (siphash24(&hash_key, p, len));
}

/* A MAC under the key of the sealed values: only this run can make it. */
uint64_t
opaque_mac(const void *p, size_t len)
{
	return (siphash24(&mac_key, p, len));
}

static void
opaque_xor(uint64_t mac, uint8_t *p, size_t len)
{
	uint64_t	blk[2], ks = 0;
	size_t		i;

	for (i = 0; i < len; i++) {
		if (i % 8 == 0) {
			blk[0] = mac;
			blk[1] = i / 8;
			ks = siphash24(&stream_key, blk, sizeof(blk));
		}
		p[i] ^= (ks >> (8 * (i % 8))) & 0xff;
	}
}

/* 16 hex digits of MAC, then the sealed bytes in hex; malloc'd. */
char *
opaque_seal(const char *plain, size_t len)
{
	uint8_t		*tmp;
	char		*out;
	uint64_t	 mac;

	if (len > OPAQUE_MAX)
		return (NULL);
	if ((tmp = malloc(len + 1)) == NULL ||
	    (out = malloc(16 + 2 * len + 1)) == NULL)
		fatal("%s", __func__);
	memcpy(tmp, plain, len);
	mac = siphash24(&mac_key, tmp, len);
	opaque_xor(mac, tmp, len);
	snprintf(out, 17, "%016llx", (unsigned long long)mac);
	hex_encode(tmp, len, out + 16);
	free(tmp);
	return (out);
}

/* The plain text (NUL-terminated, *lenp bytes), or NULL if forged. */
char *
opaque_open(const char *s, size_t slen, size_t *lenp)
{
	uint8_t		*p;
	uint64_t	 mac = 0;
	size_t		 i, len;

	if (slen < 16 || (slen - 16) % 2 != 0 || slen > 16 + 2 * OPAQUE_MAX)
		return (NULL);
	/* We write lowercase digits: anything else was not made here. */
	for (i = 0; i < slen; i++)
		if (hex_digit(s[i]) == -1 || (s[i] >= 'A' && s[i] <= 'F'))
			return (NULL);
	for (i = 0; i < 16; i++)
		mac = (mac << 4) | hex_digit(s[i]);
	len = (slen - 16) / 2;
	if ((p = malloc(len + 1)) == NULL)
		fatal("%s", __func__);
	(void)hex_decode(s + 16, len, p);
	opaque_xor(mac, p, len);
	if (siphash24(&mac_key, p, len) != mac) {
		free(p);
		return (NULL);
	}
	p[len] = '\0';
	*lenp = len;
	return ((char *)p);
}
