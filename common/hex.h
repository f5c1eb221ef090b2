/* SPDX-License-Identifier: ISC */
/* Hexadecimal: bytes to lowercase digits and back. */

#ifndef SIPROXD_HEX_H
#define SIPROXD_HEX_H

#include <stddef.h>

/* len bytes as 2 * len lowercase digits and a NUL into out. */
void	hex_encode(const void *, size_t, char *);
/* A digit's value, either case; -1 if it is none. */
int	hex_digit(char);
/* len bytes out of 2 * len digits; -1 if one is not a digit. */
int	hex_decode(const char *, size_t, void *);

#endif /* SIPROXD_HEX_H */
