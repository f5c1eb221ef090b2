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

/*
 * The sealing keys: ours, drawn at start, until the failover pair agrees
 * on one pair's keys through Redis (hastore.c); what we sealed before
 * that still opens.  The hash key stays our own: rtpd files calls under
 * it, and a call must keep its key for its life.
 */
struct opaque_keys {
	struct siphash_key	mac;
	struct siphash_key	stream;
};

static struct opaque_keys	seal[2];	/* [0] seals, both open */
static int			nseal;
static struct siphash_key	hash_key;

void
opaque_init(void)
{
	arc4random_buf(&seal[0], sizeof(seal[0]));
	nseal = 1;
	arc4random_buf(&hash_key, sizeof(hash_key));
}

/* The sealing keys, OPAQUE_SECRET bytes, for the partner. */
void
opaque_secret(uint8_t *out)
{
	memcpy(out, &seal[0], OPAQUE_SECRET);
}

/* The pair's sealing keys, from Redis: they seal from now on. */
void
opaque_adopt(const uint8_t *in)
{
	if (memcmp(in, &seal[0], OPAQUE_SECRET) == 0)
		return;
	seal[1] = seal[0];
	memcpy(&seal[0], in, OPAQUE_SECRET);
	nseal = 2;
}

uint64_t
opaque_hash(const void *p, size_t len)
{
	return (siphash24(&hash_key, p, len));
}

/* A MAC under the key of the sealed values: only we (and the partner). */
uint64_t
opaque_mac(const void *p, size_t len)
{
	return (siphash24(&seal[0].mac, p, len));
}

/* n of our lowercase hex digits: anything else was not made here. */
static int
mac_digits(const char *s, size_t n, uint64_t *mac)
{
	size_t	i;

	*mac = 0;
	for (i = 0; i < n; i++) {
		if (hex_digit(s[i]) == -1 || (s[i] >= 'A' && s[i] <= 'F'))
			return (-1);
		if (i < 16)
			*mac = (*mac << 4) | hex_digit(s[i]);
	}
	return (0);
}

/* Is hex what opaque_mac gave for p, now or before the pair's keys? */
int
opaque_mac_ok(const void *p, size_t len, const char *hex)
{
	uint64_t	mac;
	int		i;

	if (strlen(hex) != 16 || mac_digits(hex, 16, &mac) == -1)
		return (0);
	for (i = 0; i < nseal; i++)
		if (siphash24(&seal[i].mac, p, len) == mac)
			return (1);
	return (0);
}

static void
opaque_xor(const struct siphash_key *stream_key, uint64_t mac, uint8_t *p,
    size_t len)
{
	uint64_t	blk[2], ks = 0;
	size_t		i;

	for (i = 0; i < len; i++) {
		if (i % 8 == 0) {
			blk[0] = mac;
			blk[1] = i / 8;
			ks = siphash24(stream_key, blk, sizeof(blk));
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
	mac = siphash24(&seal[0].mac, tmp, len);
	opaque_xor(&seal[0].stream, mac, tmp, len);
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
	uint64_t	 mac;
	size_t		 len;
	int		 k;

	if (slen < 16 || (slen - 16) % 2 != 0 || slen > 16 + 2 * OPAQUE_MAX ||
	    mac_digits(s, slen, &mac) == -1)
		return (NULL);
	len = (slen - 16) / 2;
	if ((p = malloc(len + 1)) == NULL)
		fatal("%s", __func__);
	for (k = 0; k < nseal; k++) {
		(void)hex_decode(s + 16, len, p);
		opaque_xor(&seal[k].stream, mac, p, len);
		if (siphash24(&seal[k].mac, p, len) == mac)
			break;
	}
	if (k == nseal) {
		free(p);
		return (NULL);
	}
	p[len] = '\0';
	*lenp = len;
	return ((char *)p);
}
