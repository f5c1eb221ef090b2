/* SPDX-License-Identifier: ISC */
/* plugin_fix_DTAG: our Via, its host rewritten by a provider, made ours again. */

#include <sys/types.h>
#include <sys/socket.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "child.h"
#include "conf.h"
#include "log.h"
#include "mod.h"
#include "side.h"
#include "sipd.h"

/*
 * Some provider edges (Deutsche Telekom's, hence the name) answer with
 * their own address in place of ours in the top Via.  A response from the
 * WAN whose sender and top Via are both in the networks gets our address
 * back; the branch, which is ours and sealed, still has to verify.
 */
static enum mod_verdict
dtag_run(void *cfgp, struct mod_msg *mm)
{
	struct conf_acl_list	*nets = cfgp;
	struct sockaddr_storage	 ss;
	osip_via_t		*v;
	char			 host[256], port[8];

	if (MSG_IS_REQUEST(mm->m) || mm->side != ROLE_OUTBOUND ||
	    !conf_acl_match(nets,
	    (const struct sockaddr *)&mm->from->src) ||
	    osip_message_get_via(mm->m, 0, &v) < 0 || v == NULL ||
	    v->host == NULL || addr_parse(v->host, &ss) == -1 ||
	    !conf_acl_match(nets, (struct sockaddr *)&ss))
		return (MOD_GO);
	side_host(ROLE_OUTBOUND, mm->from->src.ss_family, host, sizeof(host));
	log_debug("fix_DTAG: top via %s made %s again", mod_str(v->host),
	    mod_str(host));
	snprintf(port, sizeof(port), "%u", child->conf->sip_listen_port);
	osip_free(v->host);
	v->host = osip_strdup(host);
	osip_free(v->port);
	v->port = osip_strdup(port);
	return (MOD_GO);
}

static const struct mod_key dtag_keys[] = {
	{ "networks",	mod_networks },
	{ NULL,		NULL }
};

const struct mod_def mod_fix_DTAG = {
	.name =		"fix_DTAG",
	.hooks =	MOD_BIT(MOD_TARGET),
	.cfgsize =	sizeof(struct conf_acl_list),
	.keys =		dtag_keys,
	.cfgfree =	mod_networks_free,
	.run =		dtag_run,
};
