/* SPDX-License-Identifier: ISC */
/* The way back to a LAN phone that placed a call without registering. */

#include <sys/types.h>
#include <sys/socket.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "addr.h"
#include "backroute.h"
#include "child.h"
#include "log.h"
#include "opaque.h"
#include "side.h"
#include "sipd.h"

/*
 * RFC 3261 §12.1.2: the far end sends its in-dialog requests to the
 * Contact we showed it, parameters and all.  With no registration to
 * name the phone, the Contact itself carries the way back.
 */
#define BACKROUTE_PARAM	"sxp"

void
backroute_seal(osip_uri_t *u, const char *contact, const struct sip_origin *o)
{
	char	 ip[64], *plain, *sealed;
	int	 n;

	addr_ntop((const struct sockaddr *)&o->src, ip, sizeof(ip));
	if ((n = asprintf(&plain, "%c %s %u %s",
	    o->transport == TRANSPORT_TLS ? 'S' : o->transport ==
	    TRANSPORT_TCP ? 'T' : 'U', ip,
	    addr_port((const struct sockaddr *)&o->src), contact)) == -1)
		fatal("%s", __func__);
	sealed = opaque_seal(plain, n);
	free(plain);
	if (sealed == NULL)
		return;
	osip_uri_uparam_add(u, osip_strdup(BACKROUTE_PARAM),
	    osip_strdup(sealed));
	free(sealed);
}

/* "S|T|U ip port contact" back into its parts. */
static int
backroute_parse(char *plain, char **contact, struct sockaddr_storage *dst,
    int *transport)
{
	char		*ip, *port, *uri, *p = plain;
	const char	*errstr;
	int		 pn;

	if ((p = strchr(p, ' ')) == NULL || p - plain != 1)
		return (-1);
	ip = p + 1;
	if ((port = strchr(ip, ' ')) == NULL)
		return (-1);
	*port++ = '\0';
	if ((uri = strchr(port, ' ')) == NULL)
		return (-1);
	*uri++ = '\0';
	pn = strtonum(port, 1, 65535, &errstr);
	if (errstr != NULL || addr_parse(ip, dst) == -1)
		return (-1);
	addr_setport((struct sockaddr *)dst, pn);
	*transport = plain[0] == 'S' ? TRANSPORT_TLS : plain[0] == 'T' ?
	    TRANSPORT_TCP : TRANSPORT_UDP;
	if ((*contact = strdup(uri)) == NULL)
		fatal("%s", __func__);
	return (0);
}

int
backroute_open(const osip_uri_t *u, char **contact,
    struct sockaddr_storage *dst, int *transport)
{
	osip_uri_param_t	*p = NULL;
	char			*plain;
	size_t			 len;
	int			 r;

	if (u == NULL || !side_uri_is_ours(u))
		return (-1);
	osip_uri_param_get_byname((osip_list_t *)&u->url_params,
	    BACKROUTE_PARAM, &p);
	if (p == NULL || p->gvalue == NULL || (plain = opaque_open(p->gvalue,
	    strlen(p->gvalue), &len)) == NULL)
		return (-1);
	r = strlen(plain) == len ? backroute_parse(plain, contact, dst,
	    transport) : -1;
	free(plain);
	return (r);
}
