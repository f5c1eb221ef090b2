/* SPDX-License-Identifier: ISC */
/* Values we hand out and must get back intact: sealed, hex-encoded. */

#ifndef SIPROXD_OPAQUE_H
#define SIPROXD_OPAQUE_H

#include <stddef.h>
#include <stdint.h>

void	 opaque_init(void);
uint64_t opaque_hash(const void *, size_t);
uint64_t opaque_mac(const void *, size_t);
char	*opaque_seal(const char *, size_t);
char	*opaque_open(const char *, size_t, size_t *);

#endif /* SIPROXD_OPAQUE_H */
