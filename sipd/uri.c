/* SPDX-License-Identifier: ISC */
/* SIP URIs as text: the whole URI, or its user@host for the registrations. */

#include <stdio.h>
#include <stdlib.h>

#include <osipparser2/osip_parser.h>

#include "log.h"
#include "uri.h"

/* "user@host" of a URI, for the registration table; malloc'd. */
char *
uri_aor(const osip_uri_t *u)
{
	char	*s;

	if (u == NULL || u->host == NULL)
		return (NULL);
	if (asprintf(&s, "%s%s%s", u->username != NULL ? u->username : "",
	    u->username != NULL ? "@" : "", u->host) == -1)
		fatal("%s", __func__);
	return (s);
}

/* A URI as text, malloc'd with our allocator (osip's is the same). */
char *
uri_str(const osip_uri_t *u)
{
	char	*s;

	if (u == NULL || osip_uri_to_str(u, &s) != 0)
		return (NULL);
	return (s);
}
