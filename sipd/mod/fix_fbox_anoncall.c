/* SPDX-License-Identifier: ISC */
/* plugin_fix_fbox_anoncall: a Fritzbox's Contact gets its registered user back. */

#include <sys/types.h>
#include <sys/socket.h>

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf.h"
#include "log.h"
#include "mod.h"
#include "regtable.h"
#include "sipd.h"

/* What the walk over the registrations looks for, and what it found. */
struct fbox_find {
	const osip_uri_t	*contact;
	const char		*uniq;
	int			 same;		/* a binding with its user */
	char			*user;		/* one with its uniq= */
};

static const char *
fbox_uniq(const osip_uri_t *u)
{
	osip_uri_param_t	*p = NULL;

	osip_uri_param_get_byname((osip_list_t *)&u->url_params, "uniq", &p);
	return (p != NULL ? p->gvalue : NULL);
}

static void
fbox_match(struct reg_binding *b, void *arg)
{
	struct fbox_find	*f = arg;
	osip_uri_t		*u;
	const char		*uniq;

	if (f->same || osip_uri_init(&u) != 0)
		return;
	if (osip_uri_parse(u, b->contact) == 0 && u->host != NULL &&
	    strcasecmp(u->host, f->contact->host) == 0) {
		if (u->username != NULL && f->contact->username != NULL &&
		    strcasecmp(u->username, f->contact->username) == 0)
			f->same = 1;
		else if (u->username != NULL && f->user == NULL &&
		    (uniq = fbox_uniq(u)) != NULL &&
		    strcasecmp(uniq, f->uniq) == 0 &&
		    (f->user = strdup(u->username)) == NULL)
			fatal("%s", __func__);
	}
	osip_uri_free(u);
}

/*
 * A Fritzbox that takes an anonymous call answers with "anonymous" as its
 * Contact's user, and the caller's ACK and BYE then reach no phone.  The
 * uniq= parameter it keeps tells which registration it is.
 */
static enum mod_verdict
fbox_run(void *cfgp, struct mod_msg *mm)
{
	struct conf_acl_list	*nets = cfgp;
	struct fbox_find	 f;
	osip_contact_t		*c;

	if (mm->side != ROLE_INBOUND ||
	    !conf_acl_match(nets,
	    (const struct sockaddr *)&mm->from->src) ||
	    (c = osip_list_get(&mm->m->contacts, 0)) == NULL ||
	    c->url == NULL || c->url->host == NULL)
		return (MOD_GO);
	memset(&f, 0, sizeof(f));
	f.contact = c->url;
	if ((f.uniq = fbox_uniq(c->url)) == NULL)
		return (MOD_GO);
	reg_foreach(fbox_match, &f);
	if (!f.same && f.user != NULL) {
		log_debug("fix_fbox_anoncall: contact user %s -> %s",
		    mod_str(c->url->username), mod_str(f.user));
		osip_free(c->url->username);
		c->url->username = osip_strdup(f.user);
	}
	free(f.user);
	return (MOD_GO);
}

static const struct mod_key fbox_keys[] = {
	{ "networks",	mod_networks },
	{ NULL,		NULL }
};

const struct mod_def mod_fix_fbox_anoncall = {
	.name =		"fix_fbox_anoncall",
	.hooks =	MOD_BIT(MOD_PRE),
	.cfgsize =	sizeof(struct conf_acl_list),
	.keys =		fbox_keys,
	.cfgfree =	mod_networks_free,
	.run =		fbox_run,
};
