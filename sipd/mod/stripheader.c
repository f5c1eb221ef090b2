/* SPDX-License-Identifier: ISC */
/* plugin_stripheader: named headers, or one value of them, come off. */

#include <sys/types.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "mod.h"

struct sh_rule {
	char	*name;
	char	*value;		/* NULL: the whole header */
};

struct sh_cfg {
	struct sh_rule	*rules;
	size_t		 n;
};

/* "Name" or "Name:value", as the classic. */
static int
sh_remove(void *cfgp, const char *val, char *err, size_t errlen)
{
	struct sh_cfg	*cfg = cfgp;
	struct sh_rule	*r;
	const char	*colon;
	size_t		 nlen;

	colon = strchr(val, ':');
	nlen = colon != NULL ? (size_t)(colon - val) : strlen(val);
	if (nlen == 0 || strcspn(val, " \t") < nlen ||
	    (colon != NULL && colon[1] == '\0')) {
		snprintf(err, errlen, "\"%s\" is not a header name or "
		    "name:value", log_wire(val, strlen(val)));
		return (-1);
	}
	if ((r = reallocarray(cfg->rules, cfg->n + 1, sizeof(*r))) == NULL)
		fatal("%s", __func__);
	cfg->rules = r;
	r = &cfg->rules[cfg->n++];
	if ((r->name = strndup(val, nlen)) == NULL ||
	    (colon != NULL && (r->value = strdup(colon + 1)) == NULL))
		fatal("%s", __func__);
	if (colon == NULL)
		r->value = NULL;
	return (0);
}

static void
sh_free(void *cfgp)
{
	struct sh_cfg	*cfg = cfgp;
	size_t		 i;

	for (i = 0; i < cfg->n; i++) {
		free(cfg->rules[i].name);
		free(cfg->rules[i].value);
	}
	free(cfg->rules);
}

/*
 * Does this value go?  The whole value, or one element of a comma list
 * ("Supported: 100rel, timer" loses only 100rel).  1: the header goes,
 * 0: it stays (perhaps shortened).
 */
static int
sh_value(const struct sh_rule *r, char **hvalp)
{
	char	*hval = *hvalp, *out, *dup, *tok, *rest;
	size_t	 len = 0, cap;
	int	 kept = 0;

	if (r->value == NULL || hval == NULL)
		return (r->value == NULL);
	if (strcasecmp(hval, r->value) == 0)
		return (1);
	if (strchr(hval, ',') == NULL)
		return (0);
	cap = strlen(hval) + 1;
	if ((out = osip_malloc(cap)) == NULL || (dup = strdup(hval)) == NULL)
		fatal("%s", __func__);
	out[0] = '\0';
	rest = dup;
	while ((tok = strsep(&rest, ",")) != NULL) {
		tok += strspn(tok, " \t");
		len = strlen(tok);
		while (len > 0 && (tok[len - 1] == ' ' || tok[len - 1] == '\t'))
			tok[--len] = '\0';
		if (strcasecmp(tok, r->value) == 0)
			continue;
		if (kept++)
			strlcat(out, ", ", cap);
		strlcat(out, tok, cap);
	}
	free(dup);
	osip_free(hval);
	*hvalp = out;
	return (kept == 0);
}

/* Allow has a list of its own in libosip2; every other one is generic. */
static void
sh_allow(osip_message_t *m, const struct sh_rule *r)
{
	osip_allow_t	*a;
	int		 pos = 0;

	while ((a = osip_list_get(&m->allows, pos)) != NULL) {
		if (sh_value(r, &a->value)) {
			osip_list_remove(&m->allows, pos);
			osip_allow_free(a);
		} else
			pos++;
	}
}

static void
sh_generic(osip_message_t *m, const struct sh_rule *r)
{
	osip_header_t	*h;
	int		 pos = 0;

	while ((h = osip_list_get(&m->headers, pos)) != NULL) {
		if (h->hname != NULL && strcasecmp(h->hname, r->name) == 0 &&
		    sh_value(r, &h->hvalue)) {
			osip_list_remove(&m->headers, pos);
			osip_header_free(h);
		} else
			pos++;
	}
}

static enum mod_verdict
sh_run(void *cfgp, struct mod_msg *mm)
{
	struct sh_cfg	*cfg = cfgp;
	size_t		 i;

	for (i = 0; i < cfg->n; i++) {
		if (strcasecmp(cfg->rules[i].name, "allow") == 0)
			sh_allow(mm->m, &cfg->rules[i]);
		else
			sh_generic(mm->m, &cfg->rules[i]);
	}
	return (MOD_GO);
}

static const struct mod_key sh_keys[] = {
	{ "remove",	sh_remove },
	{ NULL,		NULL }
};

const struct mod_def mod_stripheader = {
	.name =		"stripheader",
	.hooks =	MOD_BIT(MOD_PRE),
	.cfgsize =	sizeof(struct sh_cfg),
	.keys =		sh_keys,
	.cfgfree =	sh_free,
	.run =		sh_run,
};
