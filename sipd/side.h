/* SPDX-License-Identifier: ISC */
/* The two sides, LAN and WAN: our address on each, and which side a host is. */

#ifndef SIPROXD_SIDE_H
#define SIPROXD_SIDE_H

#include <sys/types.h>
#include <sys/socket.h>

#include <stddef.h>
#include <stdint.h>

#include <osipparser2/osip_parser.h>

struct sip_origin;

/* Our address of a family on a side (the side's first if none); -1: none. */
int		 side_addr(int, int, struct sockaddr_storage *);
/* The host we call ourselves on a side, into buf: host_outbound or ours. */
const char	*side_host(int, int, char *, size_t);
/* The port we listen on for a transport. */
uint16_t	 side_port(int);
/* The side whose address host is (the WAN's for host_outbound), or -1. */
int		 side_of_host(const char *);
/* Is host[:port] (or a URI's) one of our own SIP addresses? */
int		 side_host_is_ours(const char *, const char *);
int		 side_uri_is_ours(const osip_uri_t *);
/* if_inbound = if_outbound: one socket serves both sides. */
int		 side_one_interface(void);
const char	*side_inside_rule(void);
/* The side a message came from (loopback is the LAN). */
int		 side_of(const struct sip_origin *);

#endif /* SIPROXD_SIDE_H */
