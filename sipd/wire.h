/* SPDX-License-Identifier: ISC */
/* SIP messages onto the wire: serialised, then out by UDP, TCP or TLS. */

#ifndef SIPROXD_WIRE_H
#define SIPROXD_WIRE_H

#include <sys/types.h>
#include <sys/socket.h>

#include <stddef.h>
#include <stdint.h>

#include <osipparser2/osip_parser.h>

/* Serialise after changes: libosip2 keeps the text it parsed otherwise. */
int	 wire_format(osip_message_t *, char **, size_t *);
/* Send a finished message: transport, side, destination, TCP connection. */
int	 wire_send(int, int, const struct sockaddr *, uint64_t, const char *,
	    size_t);
/* For the fuzz harness: where sent messages go; NULL: the network. */
typedef int (*wire_output_fn)(int, int, const struct sockaddr *, uint64_t,
	    const char *, size_t);
void	 wire_set_output(wire_output_fn);

#endif /* SIPROXD_WIRE_H */
