/* SPDX-License-Identifier: ISC */
/* sipd's libtls contexts: loaded from memory, swapped on reload. */

#ifndef SIPROXD_TLSCTX_H
#define SIPROXD_TLSCTX_H

#include <stddef.h>
#include <tls.h>

/*
 * tlsctx_init before the chroot.  tlsctx_data takes a chunk of one file
 * (MSG_TLS_CERT, _KEY, _CA, MSG_HA_CA); tlsctx_end builds new contexts
 * from them and wipes them, or turns TLS off if none came.  tlsctx_accept and
 * tlsctx_connect give a context for one connection, whose bytes go
 * through the two callbacks (libtls does no I/O yet), or NULL with *why.
 */
void		 tlsctx_init(void);
void		 tlsctx_data(int, void *, size_t);
void		 tlsctx_end(void);
int		 tlsctx_on(void);
struct tls	*tlsctx_accept(tls_read_cb, tls_write_cb, void *, const char **);
struct tls	*tlsctx_connect(int, const char *, tls_read_cb, tls_write_cb,
		    void *, const char **);
struct tls	*tlsctx_redis(const char *, tls_read_cb, tls_write_cb, void *,
		    const char **);

#endif /* SIPROXD_TLSCTX_H */
