/* SPDX-License-Identifier: ISC */
/* plugin_prefix: an outgoing call is sent back (302) with a dial prefix. */

#include <sys/types.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "log.h"
#include "mod.h"
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

/* The mark the 302 carried: the phone's new INVITE must go through. */
static int
prefix_marked(const osip_uri_t *u)
{
	osip_uri_param_t	*p = NULL;

	if (u == NULL)
		return (0);
	osip_uri_param_get_byname((osip_list_t *)&u->url_params,
	    MOD_REDIRECTED, &p);
	return (p != NULL && p->gvalue != NULL &&
	    strcmp(p->gvalue, "prefix") == 0);
}

static enum mod_verdict
prefix_run(void *cfgp, struct mod_msg *mm)
{
	struct prefix_cfg	*cfg = cfgp;
	osip_message_t		*m = mm->m;
	char			*user;

	if (cfg->akey == NULL || cfg->akey[0] == '\0' || !MSG_IS_INVITE(m) ||
	    mm->side != ROLE_INBOUND || uri_is_ours(m->req_uri) ||
	    m->req_uri->username == NULL || m->to->url->username == NULL ||
	    prefix_marked(m->req_uri) || prefix_marked(m->to->url))
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
