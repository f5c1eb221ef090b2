/* SPDX-License-Identifier: ISC */
/* plugin_shortdial: a short number (*01) is sent back (302) as the long one. */

#include <sys/types.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "log.h"
#include "mod.h"
#include "sipd.h"

struct sd_cfg {
	char		*akey;
	struct mod_strs	 entries;
};

static int
sd_akey(void *cfgp, const char *val, char *err, size_t errlen)
{
	struct sd_cfg	*cfg = cfgp;

	if (val[0] == '\0') {
		snprintf(err, errlen, "empty");
		return (-1);
	}
	free(cfg->akey);
	if ((cfg->akey = strdup(val)) == NULL)
		fatal("%s", __func__);
	return (0);
}

/* Entry n is the number *n dials; an empty one dials nothing. */
static int
sd_entry(void *cfgp, const char *val, char *err, size_t errlen)
{
	struct sd_cfg	*cfg = cfgp;

	mod_strs_add(&cfg->entries, val);
	return (0);
}

static void
sd_free(void *cfgp)
{
	struct sd_cfg	*cfg = cfgp;

	free(cfg->akey);
	mod_strs_free(&cfg->entries);
}

/*
 * As the classic: the dialled user is as long as the key and starts
 * with its first character; the digits after that character pick the
 * entry, from 1.
 */
static const char *
sd_lookup(const struct sd_cfg *cfg, const char *user)
{
	const char	*errstr;
	long long	 n;

	if (cfg->akey == NULL || strlen(user) != strlen(cfg->akey) ||
	    user[0] != cfg->akey[0] ||
	    strspn(user + 1, "0123456789") != strlen(user + 1))
		return (NULL);
	n = strtonum(user + 1, 1, (long long)cfg->entries.n, &errstr);
	if (errstr != NULL || cfg->entries.v[n - 1][0] == '\0')
		return (NULL);
	return (cfg->entries.v[n - 1]);
}

static enum mod_verdict
sd_run(void *cfgp, struct mod_msg *mm)
{
	struct sd_cfg	*cfg = cfgp;
	osip_message_t	*m = mm->m;
	const char	*to;

	if (!MSG_IS_INVITE(m) || mm->side != ROLE_INBOUND ||
	    m->req_uri->username == NULL ||
	    (to = sd_lookup(cfg, m->req_uri->username)) == NULL)
		return (MOD_GO);
	log_info("shortdial: redirecting %s -> %s",
	    mod_str(m->req_uri->username), mod_str(to));
	if (mod_redirect_user(mm->from, m, to, NULL) == -1)
		return (MOD_GO);
	return (MOD_DONE);
}

static const struct mod_key sd_keys[] = {
	{ "akey",	sd_akey },
	{ "entry",	sd_entry },
	{ NULL,		NULL }
};

const struct mod_def mod_shortdial = {
	.name =		"shortdial",
	.hooks =	MOD_BIT(MOD_TARGET),
	.cfgsize =	sizeof(struct sd_cfg),
	.keys =		sd_keys,
	.cfgfree =	sd_free,
	.run =		sd_run,
};
