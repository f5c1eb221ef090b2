/* SPDX-License-Identifier: ISC */
/* plugin_prefix: an outgoing call is sent back (302) with a dial prefix. */

#include <sys/types.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "log.h"
#include "mod.h"
#include "side.h"
#include "sipd.h"

struct prefix_cfg {
	char	*akey;
};

static int
prefix_akey(void *cfgp, const char *val, char *err, size_t errlen)
{
	struct prefix_cfg	*cfg = cfgp;

	free(cfg->akey);
	if ((cfg->akey = strdup(val)) == NULL)
		fatal("%s", __func__);
	return (0);
}

static void
prefix_free(void *cfgp)
{
	struct prefix_cfg	*cfg = cfgp;

	free(cfg->akey);
}

static enum mod_verdict
prefix_run(void *cfgp, struct mod_msg *mm)
{
	struct prefix_cfg	*cfg = cfgp;
	osip_message_t		*m = mm->m;
	char			*user;

	if (cfg->akey == NULL || cfg->akey[0] == '\0' || !MSG_IS_INVITE(m) ||
	    mm->side != ROLE_INBOUND || side_uri_is_ours(m->req_uri) ||
	    m->req_uri->username == NULL || m->to->url->username == NULL ||
	    mod_marked(m->req_uri, "prefix") ||
	    mod_marked(m->to->url, "prefix"))
		return (MOD_GO);
	if (asprintf(&user, "%s%s", cfg->akey, m->to->url->username) == -1)
		fatal("%s", __func__);
	log_info("prefix: redirecting %s -> %s", mod_str(m->to->url->username),
	    mod_str(user));
	if (mod_redirect_user(mm->from, m, user, "prefix") == -1) {
		free(user);
		return (MOD_GO);
	}
	free(user);
	return (MOD_DONE);
}

static const struct mod_key prefix_keys[] = {
	{ "akey",	prefix_akey },
	{ NULL,		NULL }
};

const struct mod_def mod_prefix = {
	.name =		"prefix",
	.hooks =	MOD_BIT(MOD_TARGET),
	.cfgsize =	sizeof(struct prefix_cfg),
	.keys =		prefix_keys,
	.cfgfree =	prefix_free,
	.run =		prefix_run,
};
