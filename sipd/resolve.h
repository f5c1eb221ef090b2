/* SPDX-License-Identifier: ISC */
/* Non-blocking server location for sipd (RFC 3263 §4) on c-ares. */

#ifndef SIPROXD_RESOLVE_H
#define SIPROXD_RESOLVE_H

#include <sys/types.h>
#include <sys/socket.h>

#include <stddef.h>
#include <stdint.h>

#define RESOLVE_UDP		0
#define RESOLVE_TCP		1
#define RESOLVE_TLS		2	/* _sips._tcp, port 5061 */

/* The error passed to the callback; 0 means at least one address. */
#define RESOLVE_OK		0
#define RESOLVE_ENOTFOUND	1	/* no such name, or no address */
#define RESOLVE_ETIMEOUT	2	/* no server answered */
#define RESOLVE_EFAIL		3	/* server failure, refused, bad reply */
#define RESOLVE_EBADNAME	4	/* not a host name or IP literal */

struct event_base;
struct resolve_req;

/*
 * Called once per request (unless cancelled), from the event loop and
 * never from inside resolve_start.  On success addrs holds every address
 * to try, in order (targets in RFC 2782 order, IPv4 before IPv6 within a
 * target, each with its port set); it is only valid during the call.  The
 * request handle is gone once the callback runs: do not cancel it then.
 */
typedef void (*resolve_cb)(void *, int, const struct sockaddr_storage *,
    size_t);

/*
 * resolve_init reads the resolver configuration (call it before chroot);
 * servers is NULL for resolv.conf, or "ip:port,..." with no search list.
 * resolve_start never returns NULL: every failure reaches the callback.
 * resolve_cancel means the callback will not run; NULL is ignored.
 * resolve_shutdown drops pending requests without calling them back.
 */
int			 resolve_init(struct event_base *, const char *);
struct resolve_req	*resolve_start(const char *, uint16_t, int,
			    resolve_cb, void *);
void			 resolve_cancel(struct resolve_req *);
/*
 * 1 when resolve_start would answer without asking the network: an IP
 * literal, a name that cannot be one, or an answer still in the cache.
 */
int			 resolve_known(const char *, uint16_t, int);
void			 resolve_shutdown(void);
const char		*resolve_strerror(int);

#endif /* SIPROXD_RESOLVE_H */
