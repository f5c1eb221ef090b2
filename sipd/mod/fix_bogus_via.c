/* SPDX-License-Identifier: ISC */
/* plugin_fix_bogus_via: a WAN sender's private top Via becomes its source. */

#include <sys/types.h>
#include <sys/socket.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "conf.h"
#include "mod.h"
#include "sipd.h"

/*
 * A request from the WAN whose top Via names an address in the networks
 * (a provider's box behind its own NAT): answers would go there, so the
 * Via is made to say where the request really came from.
 */
static enum mod_verdict
fbv_run(void *cfgp, struct mod_msg *mm)
{
	struct conf_acl_list	*nets = cfgp;
	struct sockaddr_storage	 ss;
	osip_via_t		*v;
	char			 ip[64], port[8];

	if (!MSG_IS_REQUEST(mm->m) || mm->side != ROLE_OUTBOUND ||
	    osip_message_get_via(mm->m, 0, &v) < 0 || v == NULL ||
	    v->host == NULL || addr_parse(v->host, &ss) == -1 ||
	    !conf_acl_match(nets, (struct sockaddr *)&ss))
		return (MOD_GO);
	addr_ntop((const struct sockaddr *)&mm->from->src, ip, sizeof(ip));
	snprintf(port, sizeof(port), "%u",
	    addr_port((const struct sockaddr *)&mm->from->src));
	osip_free(v->host);
	v->host = osip_strdup(ip);
	osip_free(v->port);
	v->port = osip_strdup(port);
	return (MOD_GO);
}

static const struct mod_key fbv_keys[] = {
	{ "networks",	mod_networks },
	{ NULL,		NULL }
};

const struct mod_def mod_fix_bogus_via = {
	.name =		"fix_bogus_via",
	.hooks =	MOD_BIT(MOD_PRE),
	.cfgsize =	sizeof(struct conf_acl_list),
	.keys =		fbv_keys,
	.cfgfree =	mod_networks_free,
	.run =		fbv_run,
};
