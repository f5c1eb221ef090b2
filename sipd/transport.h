/* SPDX-License-Identifier: ISC */
/* SIP transports (UDP, TCP, TLS): their names in Via headers and URIs. */

#ifndef SIPROXD_TRANSPORT_H
#define SIPROXD_TRANSPORT_H

/*
 * For sipx_start: a URI that names no transport, sip: or sips:, whose
 * transport the lookup chooses (RFC 3263 §4.1).
 */
#define TRANSPORT_PICK		3
#define TRANSPORT_PICK_SIPS	4

/* "UDP", "TCP" or "TLS", as a Via writes it. */
const char	*transport_name(int);
/* A Via or URI transport (NULL: UDP); -1 for one we do not speak. */
int		 transport_parse(const char *);

#endif /* SIPROXD_TRANSPORT_H */
