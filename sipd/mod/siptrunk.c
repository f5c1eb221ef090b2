/* SPDX-License-Identifier: ISC */
/* plugin_siptrunk: calls for a block of numbers go to one registered account. */

#include <sys/types.h>

#include <stdio.h>
#include <syslog.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "mod.h"
#include "regtable.h"
#include "sipd.h"
#include "uri.h"

/* name, account, numbers_regex: the classic's threes, as mod_rx keeps them */


/* A SIP URI, the address of record the trunk's phone registers. */
static int
st_account(void *cfg, const char *val, char *err, size_t errlen)
{
	osip_uri_t	*u;
	char		*aor = NULL;
	int		 rc = -1;

	if (osip_uri_init(&u) == 0 && osip_uri_parse(u, val) == 0 &&
	    (aor = uri_aor(u)) != NULL) {
		rc = mod_rx_replace(cfg, aor, err, errlen);
		free(aor);
	} else
		snprintf(err, errlen, "\"%s\" is not a SIP URI",
		    log_wire(val, strlen(val)));
	osip_uri_free(u);
	return (rc);
}



/*
 * A request from the WAN for no phone we know: if its Request-URI's or
 * To's user is in a trunk's block, the trunk's registered phone gets it
 * (the To header keeps the number dialled).
 */
static enum mod_verdict
st_run(void *cfgp, struct mod_msg *mm)
{
	struct mod_rx		*rx = cfgp;
	const osip_message_t	*m = mm->m;
	struct reg_binding	*b;
	size_t			 i;
	static struct log_limit	 unreg;

	for (i = 0; i < rx->pat.n; i++)
		if (mod_rx_match(rx, i, m->req_uri->username) ||
		    mod_rx_match(rx, i, m->to->url->username))
			break;
	if (i == rx->pat.n)
		return (MOD_GO);
	if ((b = reg_first_aor(rx->rep.v[i])) == NULL) {
		log_limited(&unreg, LOG_INFO, "siptrunk: %s is not "
		    "registered for trunk \"%s\"", mod_str(rx->rep.v[i]),
		    mod_str(rx->desc.v[i]));
		return (MOD_GO);
	}
	log_debug("siptrunk: trunk \"%s\" takes it", mod_str(rx->desc.v[i]));
	mm->phone = b;
	return (MOD_GO);
}

static const struct mod_key st_keys[] = {
	{ "name",		mod_rx_desc },
	{ "account",		st_account },
	{ "numbers_regex",	mod_rx_pattern },
	{ NULL,			NULL }
};

const struct mod_def mod_siptrunk = {
	.name =		"siptrunk",
	.hooks =	MOD_BIT(MOD_UNKNOWN),
	.cfgsize =	sizeof(struct mod_rx),
	.keys =		st_keys,
	.check =	mod_rx_check,
	.cfgfree =	mod_rx_free,
	.run =		st_run,
};
