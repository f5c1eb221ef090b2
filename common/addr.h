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

int		 if_resolve(const char *, struct ifaddrs_role *);
int		 addr_parse(const char *, struct sockaddr_storage *);
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
int		 sock_set_dscp(int, int, int);

#endif /* SIPROXD_ADDR_H */
