/* SPDX-License-Identifier: ISC */
/* TLS (libtls) under a bufferevent: for a client of ours that is not SIP. */

#ifndef SIPROXD_TLSBEV_H
#define SIPROXD_TLSBEV_H

struct bufferevent;

/*
 * tlsbev_client puts a TLS client, its peer's certificate checked
 * against the Redis CA (tlsctx_redis) and host, between a socket
 * bufferevent and its user: what the user writes and reads stays
 * plaintext, the socket carries the records.  It takes raw (freed with
 * the new one); NULL with *why if TLS cannot be set up.  The new
 * bufferevent reports BEV_EVENT_ERROR when the handshake or a record
 * fails; tlsbev_error then says why (NULL: not a TLS failure).
 */
struct bufferevent	*tlsbev_client(struct bufferevent *, const char *,
			    const char **);
const char		*tlsbev_error(struct bufferevent *);

#endif /* SIPROXD_TLSBEV_H */
