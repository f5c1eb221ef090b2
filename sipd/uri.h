/* SPDX-License-Identifier: ISC */
/* SIP URIs as text: the whole URI, or its user@host for the registrations. */

#ifndef SIPROXD_URI_H
#define SIPROXD_URI_H

#include <osipparser2/osip_parser.h>

/* "user@host" of a URI, malloc'd; NULL without a host. */
char	*uri_aor(const osip_uri_t *);
/* A URI as text, malloc'd; NULL if it cannot be written. */
char	*uri_str(const osip_uri_t *);

#endif /* SIPROXD_URI_H */
