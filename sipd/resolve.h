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

/*
 * What resolve_start may use: one transport as above (its SRV records,
 * else the host), or RESOLVE_PICK with the set of those the caller can
 * send on, for a URI that names none (RFC 3263 §4.1): NAPTR records
 * choose, else the SRV records of each in turn (UDP, then TCP), else the
 * host over the first of the set.  A set of TLS alone is a sips: URI:
 * only SIPS+D2T and _sips._tcp count.  With a port or an IP address the
 * first of the set is taken at once.
 */
#define RESOLVE_SET(t)		(0x10 << (t))
#define RESOLVE_PICK		0x100

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
 * never from inside resolve_start.  On success the transport is the one
 * the addresses are for, and addrs holds every address to try, in order
 * (targets in RFC 2782 order, IPv4 before IPv6 within a target, each with
 * its port set); it is only valid during the call.  The request handle is
 * gone once the callback runs: do not cancel it then.
 */
typedef void (*resolve_cb)(void *, int, int, const struct sockaddr_storage *,
    size_t);

/*
 * resolve_init reads the resolver configuration (call it before chroot);
 * servers is NULL for resolv.conf, or "ip:port,..." with no search list.
 * resolve_start never returns NULL: every failure reaches the callback.
 * resolve_cancel means the callback will not run; NULL is ignored.
 * resolve_shutdown drops pending requests without calling them back.
 * resolve_valid_name: is it a host name (RFC 1035 §2.3.1, and '_')?
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
int			 resolve_valid_name(const char *);

#endif /* SIPROXD_RESOLVE_H */
