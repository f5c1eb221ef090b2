/* SPDX-License-Identifier: ISC */
/* Addresses and interfaces: family-neutral helpers. */

#ifndef SIPROXD_ADDR_H
#define SIPROXD_ADDR_H

#include <sys/types.h>
#include <sys/socket.h>

#include <stdint.h>

/* The addresses of one interface role: at most one IPv4 and one IPv6. */
struct ifaddrs_role {
	int			 naddr;
	struct sockaddr_storage	 addr[2];	/* IPv4 first */
};

/*
 * Whom a limit counts: an IPv4 host, or an IPv6 /64, since one host on
 * IPv6 usually holds a whole /64 to pick source addresses from.
 */
struct addr_key {
	uint8_t		 family;
	uint8_t		 b[8];
};

int		 if_resolve(const char *, struct ifaddrs_role *);
int		 addr_parse(const char *, struct sockaddr_storage *);
int		 addr_parse_port(const char *, uint16_t,
		    struct sockaddr_storage *);
socklen_t	 addr_len(const struct sockaddr *);
uint16_t	 addr_port(const struct sockaddr *);
void		 addr_setport(struct sockaddr *, uint16_t);
int		 addr_eq(const struct sockaddr *, const struct sockaddr *);
int		 addr_eq_host(const struct sockaddr *,
		    const struct sockaddr *);
int		 addr_is_loopback(const struct sockaddr *);
int		 addr_is_unicast(const struct sockaddr *);
int		 addr_is_private(const struct sockaddr *);
const char	*addr_ntop(const struct sockaddr *, char *, size_t);
void		 addr_key(const struct sockaddr *, struct addr_key *);
int		 addr_key_cmp(const struct addr_key *, const struct addr_key *);
int		 sock_set_dscp(int, int, int);

#endif /* SIPROXD_ADDR_H */
