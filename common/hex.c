/* SPDX-License-Identifier: ISC */
/* Hexadecimal: bytes to lowercase digits and back. */

#include <stddef.h>
#include <stdint.h>

#include "hex.h"

void
hex_encode(const void *p, size_t len, char *out)
{
	static const char	 digits[] = "0123456789abcdef";
	const uint8_t		*b = p;
	size_t			 i;

	for (i = 0; i < len; i++) {
		out[2 * i] = digits[b[i] >> 4];
		out[2 * i + 1] = digits[b[i] & 0xf];
	}
	out[2 * len] = '\0';
}

int
hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return (c - '0');
	if (c >= 'a' && c <= 'f')
		return (c - 'a' + 10);
	if (c >= 'A' && c <= 'F')
		return (c - 'A' + 10);
	return (-1);
}

int
hex_decode(const char *s, size_t len, void *out)
{
	uint8_t	*b = out;
	size_t	 i;
	int	 hi, lo;

	for (i = 0; i < len; i++) {
		if ((hi = hex_digit(s[2 * i])) == -1 ||
		    (lo = hex_digit(s[2 * i + 1])) == -1)
			return (-1);
		b[i] = hi << 4 | lo;
	}
	return (0);
}
