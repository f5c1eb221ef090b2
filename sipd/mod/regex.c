/* SPDX-License-Identifier: ISC */
/* plugin_regex: an outgoing call's To URI rewritten by rules, sent back 302. */

#include <sys/types.h>

#include <stdio.h>
#include <syslog.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "log.h"
#include "mod.h"
#include "side.h"
#include "sipd.h"






/* The first rule that matches the To URI (as text) makes the new target. */
static enum mod_verdict
rx_run(void *cfgp, struct mod_msg *mm)
{
	struct mod_rx	*rx = cfgp;
	osip_message_t	*m = mm->m;
	osip_uri_t	*u = NULL;
	char		*to = NULL, *nto = NULL;
	size_t		 i;
	int		 rc = 0;
	static struct log_limit	 badrule;

	if (!MSG_IS_INVITE(m) || mm->side != ROLE_INBOUND ||
	    side_uri_is_ours(m->req_uri) || m->req_uri->username == NULL ||
	    mod_marked(m->req_uri, "regex") ||
	    mod_marked(m->to->url, "regex") ||
	    osip_uri_to_str(m->to->url, &to) != 0)
		return (MOD_GO);
	for (i = 0; i < rx->pat.n; i++)
		if ((rc = mod_rx_sub(rx, i, to, 0, &nto)) != 0)
			break;
	if (rc <= 0 || osip_uri_init(&u) != 0 || osip_uri_parse(u, nto) != 0) {
		if (rc != 0)
			log_limited(&badrule, LOG_INFO, "regex: rule \"%s\" "
			    "made a bad URI of %s", mod_str(rx->desc.v[i]),
			    mod_str(to));
		goto go;
	}
	osip_uri_uparam_add(u, osip_strdup(MOD_REDIRECTED),
	    osip_strdup("regex"));
	log_info("regex: rule \"%s\": redirecting %s -> %s",
	    mod_str(rx->desc.v[i]), mod_str(to), mod_str(nto));
	if (mod_redirect(mm->from, m, u) == 0) {
		osip_uri_free(u);
		osip_free(to);
		free(nto);
		return (MOD_DONE);
	}
go:
	osip_uri_free(u);
	osip_free(to);
	free(nto);
	return (MOD_GO);
}

static const struct mod_key rx_keys[] = {
	{ "desc",	mod_rx_desc },
	{ "pattern",	mod_rx_pattern },
	{ "replace",	mod_rx_replace },
	{ NULL,		NULL }
};

const struct mod_def mod_regex = {
	.name =		"regex",
	.hooks =	MOD_BIT(MOD_TARGET),
	.cfgsize =	sizeof(struct mod_rx),
	.keys =		rx_keys,
	.check =	mod_rx_check,
	.cfgfree =	mod_rx_free,
	.run =		rx_run,
};
