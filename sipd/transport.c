/* SPDX-License-Identifier: ISC */
/* SIP transports (UDP, TCP, TLS): their names in Via headers and URIs. */

#include <strings.h>

#include "sipd.h"
#include "transport.h"

const char *
transport_name(int t)
{
	return (t == TRANSPORT_TLS ? "TLS" : t == TRANSPORT_TCP ? "TCP" :
	    "UDP");
}

/* A Via or URI transport; -1 for one we do not speak. */
int
transport_parse(const char *s)
{
	if (s == NULL || strcasecmp(s, "udp") == 0)
		return (TRANSPORT_UDP);
	if (strcasecmp(s, "tcp") == 0)
		return (TRANSPORT_TCP);
	if (strcasecmp(s, "tls") == 0)
		return (TRANSPORT_TLS);
	return (-1);
}
