/* SPDX-License-Identifier: ISC */
/* Values we hand out and must get back intact: sealed, hex-encoded. */

#ifndef SIPROXD_OPAQUE_H
#define SIPROXD_OPAQUE_H

#include <stddef.h>
#include <stdint.h>

#define OPAQUE_SECRET	32	/* bytes of the sealing keys */

void	 opaque_init(void);
void	 opaque_secret(uint8_t *);
void	 opaque_adopt(const uint8_t *);
uint64_t opaque_hash(const void *, size_t);
uint64_t opaque_mac(const void *, size_t);
int	 opaque_mac_ok(const void *, size_t, const char *);
char	*opaque_seal(const char *, size_t);
char	*opaque_open(const char *, size_t, size_t *);

#endif /* SIPROXD_OPAQUE_H */
