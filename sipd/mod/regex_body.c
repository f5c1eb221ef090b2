/* SPDX-License-Identifier: ISC */
/* plugin_regex_body: message bodies rewritten by rules, in both directions. */

#include <sys/types.h>

#include <stdio.h>
#include <syslog.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "mod.h"






/*
 * Every rule in turn, each on what the one before left, every match
 * replaced.  Before our own rewriting: an SDP body is then read as the
 * rules left it.
 */
static enum mod_verdict
rb_run(void *cfgp, struct mod_msg *mm)
{
	struct mod_rx	*rx = cfgp;
	osip_body_t	*body;
	char		*cur, *next;
	size_t		 i;
	int		 rc, changed = 0;
	static struct log_limit	 toolong;

	if ((body = osip_list_get(&mm->m->bodies, 0)) == NULL ||
	    body->body == NULL || body->length == 0 ||
	    memchr(body->body, '\0', body->length) != NULL)
		return (MOD_GO);
	if ((cur = strndup(body->body, body->length)) == NULL)
		fatal("%s", __func__);
	for (i = 0; i < rx->pat.n; i++) {
		if ((rc = mod_rx_sub(rx, i, cur, 1, &next)) == -1) {
			log_limited(&toolong, LOG_INFO, "regex_body: rule "
			    "\"%s\": result too long", mod_str(rx->desc.v[i]));
			break;
		}
		if (rc == 0)
			continue;
		log_debug("regex_body: rule \"%s\" matched",
		    mod_str(rx->desc.v[i]));
		free(cur);
		cur = next;
		changed = 1;
	}
	if (changed)
		mod_set_body(mm, cur, strlen(cur));
	free(cur);
	return (MOD_GO);
}

static const struct mod_key rb_keys[] = {
	{ "desc",	mod_rx_desc },
	{ "pattern",	mod_rx_pattern },
	{ "replace",	mod_rx_replace },
	{ NULL,		NULL }
};

const struct mod_def mod_regex_body = {
	.name =		"regex_body",
	.hooks =	MOD_BIT(MOD_PRE),
	.cfgsize =	sizeof(struct mod_rx),
	.keys =		rb_keys,
	.check =	mod_rx_check,
	.cfgfree =	mod_rx_free,
	.run =		rb_run,
};
