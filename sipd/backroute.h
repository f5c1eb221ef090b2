/* SPDX-License-Identifier: ISC */
/* The way back to a LAN phone that placed a call without registering. */

#ifndef SIPROXD_BACKROUTE_H
#define SIPROXD_BACKROUTE_H

#include <sys/types.h>
#include <sys/socket.h>

#include <osipparser2/osip_parser.h>

struct sip_origin;

/*
 * Add to u, the Contact a LAN phone sent from o as we show it to the WAN,
 * a sealed parameter with the phone's own Contact, its address and its
 * transport (opaque.c: only this run can make one).
 */
void	 backroute_seal(osip_uri_t *, const char *, const struct sip_origin *);

/*
 * For a Request-URI of ours with that parameter, intact: the phone's
 * Contact (malloc'd, in *contact), address and transport; 0.  -1 when u
 * carries none, or a forged one.
 */
int	 backroute_open(const osip_uri_t *, char **, struct sockaddr_storage *,
	    int *);

#endif /* SIPROXD_BACKROUTE_H */
