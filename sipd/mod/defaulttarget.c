/* SPDX-License-Identifier: ISC */
/* plugin_defaulttarget: a call for no phone we know is sent on with 302. */

#include <sys/types.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "mod.h"

struct dt_cfg {
	osip_contact_t	*target;
	int		 log;
};

/* A Contact as the classic takes it: a URI, or a name-addr. */
static int
dt_target(void *cfgp, const char *val, char *err, size_t errlen)
{
	struct dt_cfg	*cfg = cfgp;
	osip_contact_t	*c;
	char		*dup;

	if ((dup = strdup(val)) == NULL)
		fatal("%s", __func__);
	if (osip_contact_init(&c) != 0 || osip_contact_parse(c, dup) != 0 ||
	    c->url == NULL || c->url->host == NULL ||
	    c->url->host[0] == '\0') {
		snprintf(err, errlen, "\"%s\" is not a SIP URI",
		    log_wire(val, strlen(val)));
		osip_contact_free(c);
		free(dup);
		return (-1);
	}
	free(dup);
	osip_contact_free(cfg->target);
	cfg->target = c;
	return (0);
}

static int
dt_log(void *cfgp, const char *val, char *err, size_t errlen)
{
	struct dt_cfg	*cfg = cfgp;

	return (mod_bool(&cfg->log, val, err, errlen));
}

static int
dt_check(void *cfgp, char *err, size_t errlen)
{
	struct dt_cfg	*cfg = cfgp;

	if (cfg->target == NULL) {
		snprintf(err, errlen, "needs plugin_defaulttarget_target");
		return (1);
	}
	return (0);
}

static void
dt_free(void *cfgp)
{
	struct dt_cfg	*cfg = cfgp;

	osip_contact_free(cfg->target);
}

static enum mod_verdict
dt_run(void *cfgp, struct mod_msg *mm)
{
	struct dt_cfg	*cfg = cfgp;
	osip_message_t	*m = mm->m;
	char		*t = NULL;

	if (!MSG_IS_INVITE(m))
		return (MOD_GO);
	if (cfg->log) {
		osip_uri_to_str(cfg->target->url, &t);
		log_info("unknown target %s@%s (from %s@%s): redirected to %s",
		    mod_str(m->to->url->username), mod_str(m->to->url->host),
		    mod_str(m->from->url->username),
		    mod_str(m->from->url->host), t != NULL ? t : "-");
		osip_free(t);
	}
	if (mod_redirect(mm->from, m, cfg->target->url) == -1)
		return (MOD_GO);
	return (MOD_DONE);
}

static const struct mod_key dt_keys[] = {
	{ "target",	dt_target },
	{ "log",	dt_log },
	{ NULL,		NULL }
};

const struct mod_def mod_defaulttarget = {
	.name =		"defaulttarget",
	.hooks =	MOD_BIT(MOD_UNKNOWN),
	.cfgsize =	sizeof(struct dt_cfg),
	.keys =		dt_keys,
	.check =	dt_check,
	.cfgfree =	dt_free,
	.run =		dt_run,
};
