/* SPDX-License-Identifier: ISC */
/* The module table, their config lines, and the hooks sipd calls. */

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>

#include <event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vis.h>

#include "child.h"
#include "conf.h"
#include "log.h"
#include "mod.h"
#include "reply.h"
#include "rewrite.h"
#include "side.h"
#include "sipd.h"
#include "sipmsg.h"
#include "wire.h"

/*
 * Every plugin the classic siproxd ships, by its load_plugin name.  A
 * name without a module here is accepted with a warning: its config is
 * read and judged by nobody.
 */
static const struct mod_entry {
	const char		*name;
	const struct mod_def	*def;
} mod_table[] = {
	{ "blacklist",		&mod_blacklist },
	{ "codecfilter",	&mod_codecfilter },
	{ "defaulttarget",	&mod_defaulttarget },
	{ "demo",		&mod_demo },
	{ "fix_DTAG",		&mod_fix_DTAG },
	{ "fix_bogus_via",	&mod_fix_bogus_via },
	{ "fix_fbox_anoncall",	&mod_fix_fbox_anoncall },
	{ "logcall",		&mod_logcall },
	{ "prefix",		&mod_prefix },
	{ "regex",		&mod_regex },
	{ "regex_body",		&mod_regex_body },
	{ "shortdial",		&mod_shortdial },
	{ "siptrunk",		&mod_siptrunk },
	{ "stats",		&mod_stats },
	{ "stripheader",	&mod_stripheader },
	{ "stun",		&mod_stun },
};
#define NMODS	(sizeof(mod_table) / sizeof(mod_table[0]))

struct mod_parse {
	struct mod_set	*set;
	const char	*file;
	int		 quiet;
	int		 errors;
};

static struct event	*mod_tick;

/*
 * load_plugin, plugindir and the plugin keys: lines the modules judge.
 * A key with plugin_ inside (the classic's example has
 * "//plugin_blacklist_mode") is skipped by the classic without a word.
 */
static int
mod_conf_key(const char *key)
{
	return (strcmp(key, "load_plugin") == 0 ||
	    strcmp(key, "plugindir") == 0 || strstr(key, "plugin_") != NULL);
}

static void
mod_err(struct mod_parse *p, size_t line, const char *msg)
{
	log_warnx("%s:%zu: %s", p->file, line, msg);
	p->errors++;
}

/* "plugin_X.la" (or .so, as some installs wrote it) -> its table entry. */
static const struct mod_entry *
mod_lookup(const char *val)
{
	size_t	i, n;

	if (strncmp(val, "plugin_", 7) != 0)
		return (NULL);
	val += 7;
	n = strlen(val);
	if (n > 3 && (strcmp(val + n - 3, ".la") == 0 ||
	    strcmp(val + n - 3, ".so") == 0))
		n -= 3;
	for (i = 0; i < NMODS; i++)
		if (strlen(mod_table[i].name) == n &&
		    strncmp(mod_table[i].name, val, n) == 0)
			return (&mod_table[i]);
	return (NULL);
}

static struct mod_inst *
mod_find(const struct mod_set *set, const struct mod_def *def)
{
	struct mod_inst	*i;

	TAILQ_FOREACH(i, &set->mods, entry)
		if (i->def == def)
			return (i);
	return (NULL);
}

static void
mod_add(struct mod_set *set, const struct mod_def *def, size_t line)
{
	struct mod_inst	*i;

	if ((i = calloc(1, sizeof(*i))) == NULL ||
	    (i->cfg = calloc(1, def->cfgsize ? def->cfgsize : 1)) == NULL)
		fatal("%s", __func__);
	i->def = def;
	i->line = line;
	TAILQ_INSERT_TAIL(&set->mods, i, entry);
	set->hooks |= def->hooks;
}

static void
mod_load(struct mod_parse *p, const char *val, size_t line)
{
	const struct mod_entry	*e;
	char			 msg[512];

	if ((e = mod_lookup(val)) == NULL) {
		snprintf(msg, sizeof(msg), "load_plugin: no module \"%s\"",
		    log_wire(val, strlen(val)));
		mod_err(p, line, msg);
		return;
	}
	if (e->def == NULL) {
		if (!p->quiet)
			log_warnx("%s:%zu: load_plugin: %s is not built into "
			    "this version: ignored", p->file, line, val);
		return;
	}
	if (mod_find(p->set, e->def) != NULL) {
		if (!p->quiet)
			log_warnx("%s:%zu: load_plugin: %s loaded twice: the "
			    "second ignored", p->file, line, val);
		return;
	}
	mod_add(p->set, e->def, line);
}

/* The module a plugin_<module>_<key> belongs to, and that key. */
static const struct mod_key *
mod_key_lookup(const char *key, const struct mod_def **defp, int *known)
{
	const struct mod_key	*k;
	size_t			 i, n;

	*known = 0;
	for (i = 0; i < NMODS; i++) {
		n = strlen(mod_table[i].name);
		if (strncmp(key + 7, mod_table[i].name, n) != 0 ||
		    key[7 + n] != '_')
			continue;
		*known = 1;
		if ((*defp = mod_table[i].def) == NULL)
			continue;
		for (k = (*defp)->keys; k != NULL && k->name != NULL; k++)
			if (strcmp(key + 8 + n, k->name) == 0)
				return (k);
	}
	return (NULL);
}

static void
mod_key(struct mod_parse *p, const char *key, const char *val, size_t line)
{
	const struct mod_def	*def = NULL;
	const struct mod_key	*k;
	struct mod_inst		*i;
	char			 err[256], msg[512];
	int			 known;

	if ((k = mod_key_lookup(key, &def, &known)) == NULL) {
		if (!p->quiet && (!known || def != NULL))
			log_warnx("%s:%zu: key \"%s\" belongs to no module: "
			    "ignored", p->file, line,
			    log_wire(key, strlen(key)));
		return;
	}
	/* The classic reads a plugin's keys only when it is loaded. */
	if ((i = mod_find(p->set, def)) == NULL)
		return;
	err[0] = '\0';
	if (k->set(i->cfg, val, err, sizeof(err)) == -1) {
		snprintf(msg, sizeof(msg), "%s: %s", key, err);
		mod_err(p, line, msg);
		i->bad = 1;
	}
}

/* "key = value" as conf.c keeps it: split in place of a copy. */
static void
mod_line(struct mod_parse *p, const struct conf_str *s, int pass)
{
	char	 buf[CONF_STRLEN], *val;

	strlcpy(buf, s->s, sizeof(buf));
	if ((val = strchr(buf, ' ')) == NULL)
		return;
	*val++ = '\0';
	val++;				/* the '=' */
	if (*val == ' ')
		val++;
	if (pass == 0 && strcmp(buf, "load_plugin") == 0)
		mod_load(p, val, s->line);
	else if (pass == 1 && strncmp(buf, "plugin_", 7) == 0)
		mod_key(p, buf, val, s->line);
}

static void
mod_inst_free(struct mod_inst *i)
{
	if (i->def->cfgfree != NULL)
		i->def->cfgfree(i->cfg);
	free(i->cfg);
	free(i);
}

/*
 * Builds conf->mods from the load_plugin and plugin_* lines, in the
 * order read; file:line for each error.  The number of errors.
 */
static int
mod_conf(struct siproxd_conf *conf, const char *file, int quiet)
{
	struct mod_parse	 p;
	struct conf_str		*s;
	struct mod_inst		*i, *next;
	char			 err[256], msg[512];
	int			 pass, rc;

	memset(&p, 0, sizeof(p));
	if ((p.set = calloc(1, sizeof(*p.set))) == NULL)
		fatal("%s", __func__);
	TAILQ_INIT(&p.set->mods);
	p.file = file;
	p.quiet = quiet;
	for (pass = 0; pass < 2; pass++)
		TAILQ_FOREACH(s, &conf->ignored, entry)
			mod_line(&p, s, pass);
	/* log_calls: the same lines as logcall writes, without loading it */
	if (conf->log_calls && mod_find(p.set, &mod_logcall) == NULL)
		mod_add(p.set, &mod_logcall, 0);
	TAILQ_FOREACH_SAFE(i, &p.set->mods, entry, next) {
		err[0] = '\0';
		if (i->bad || i->def->check == NULL ||
		    (rc = i->def->check(i->cfg, err, sizeof(err))) == 0)
			continue;
		if (rc == -1) {
			snprintf(msg, sizeof(msg), "plugin_%s: %s",
			    i->def->name, err);
			mod_err(&p, i->line, msg);
			continue;
		}
		/*
		 * A module given too little to work (the pfSense GUI writes
		 * load_plugin=plugin_defaulttarget.la with an empty target)
		 * is left out, as the classic leaves out a plugin whose
		 * init fails, and the daemon starts.
		 */
		if (!p.quiet)
			log_warnx("%s:%zu: plugin_%s: %s: the module is off",
			    file, i->line, i->def->name, err);
		TAILQ_REMOVE(&p.set->mods, i, entry);
		mod_inst_free(i);
	}
	if (TAILQ_EMPTY(&p.set->mods)) {
		mod_set_free(p.set);
		p.set = NULL;
	}
	conf->mods = p.set;
	return (p.errors);
}

void
mod_set_free(struct mod_set *set)
{
	struct mod_inst	*i;

	if (set == NULL)
		return;
	while ((i = TAILQ_FIRST(&set->mods)) != NULL) {
		TAILQ_REMOVE(&set->mods, i, entry);
		mod_inst_free(i);
	}
	free(set);
}

static const struct conf_hook mod_hook = {
	mod_conf_key, mod_conf, mod_set_free
};

/* From now on the modules judge their own lines in every config read. */
void
mod_register(void)
{
	conf_set_hook(&mod_hook);
}

int
mod_bool(int *dst, const char *val, char *err, size_t errlen)
{
	const char	*errstr;
	int		 v;

	v = strtonum(val, 0, 1, &errstr);
	if (errstr != NULL) {
		snprintf(err, errlen, "\"%s\" is not 0 or 1",
		    log_wire(val, strlen(val)));
		return (-1);
	}
	*dst = v;
	return (0);
}

int
mod_int(int *dst, const char *val, long long lo, long long hi, char *err,
    size_t errlen)
{
	const char	*errstr;
	long long	 n;

	n = strtonum(val, lo, hi, &errstr);
	if (errstr != NULL) {
		snprintf(err, errlen, "\"%s\" is not a number in %lld..%lld",
		    log_wire(val, strlen(val)), lo, hi);
		return (-1);
	}
	*dst = (int)n;
	return (0);
}

void
mod_strs_add(struct mod_strs *l, const char *s)
{
	char	**v;

	if ((v = reallocarray(l->v, l->n + 1, sizeof(*v))) == NULL ||
	    (v[l->n] = strdup(s)) == NULL)
		fatal("%s", __func__);
	l->v = v;
	l->n++;
}

void
mod_strs_free(struct mod_strs *l)
{
	size_t	i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

void
mod_put(struct mod_buf *b, const char *s, size_t len)
{
	char	*n;

	if (b->len + len + 1 > b->cap) {
		b->cap = (b->len + len + 1) * 2;
		if ((n = realloc(b->s, b->cap)) == NULL)
			fatal("%s", __func__);
		b->s = n;
	}
	memcpy(b->s + b->len, s, len);
	b->len += len;
	b->s[b->len] = '\0';
}

/*
 * A list of networks as the classic writes them ("10.0.0.0/8,
 * 192.168.0.0/255.255.0.0"); each line adds to the list.  The list may be
 * a calloc'd head not yet initialised.
 */
int
mod_networks(void *cfg, const char *val, char *err, size_t errlen)
{
	struct conf_acl_list	*list = cfg;
	struct conf_acl		*a;
	char			*dup, *tok, *rest;
	int			 rc = 0;

	if (list->tqh_last == NULL)
		TAILQ_INIT(list);
	if ((dup = strdup(val)) == NULL)
		fatal("%s", __func__);
	rest = dup;
	while ((tok = strsep(&rest, ", \t")) != NULL) {
		if (*tok == '\0')
			continue;
		if ((a = calloc(1, sizeof(*a))) == NULL)
			fatal("%s", __func__);
		if (conf_acl_parse(tok, a) == -1) {
			snprintf(err, errlen, "\"%s\" is not a network",
			    log_wire(tok, strlen(tok)));
			free(a);
			rc = -1;
			break;
		}
		TAILQ_INSERT_TAIL(list, a, entry);
	}
	free(dup);
	return (rc);
}

void
mod_networks_free(void *cfg)
{
	struct conf_acl_list	*list = cfg;
	struct conf_acl		*a;

	if (list->tqh_last == NULL)
		return;
	while ((a = TAILQ_FIRST(list)) != NULL) {
		TAILQ_REMOVE(list, a, entry);
		free(a);
	}
}

static struct mod_set *
mod_active(enum mod_hook h)
{
	struct mod_set	*set;

	if (child == NULL || child->conf == NULL ||
	    (set = child->conf->mods) == NULL || !(set->hooks & MOD_BIT(h)))
		return (NULL);
	return (set);
}

/* Each module that wants the hook, in load order, until one stops it. */
static enum mod_verdict
mod_run(struct mod_msg *mm)
{
	struct mod_set		*set;
	struct mod_inst		*i;
	enum mod_verdict	 v;

	if ((set = mod_active(mm->hook)) == NULL)
		return (MOD_GO);
	TAILQ_FOREACH(i, &set->mods, entry) {
		if (!(i->def->hooks & MOD_BIT(mm->hook)))
			continue;
		/* a phone named: the request has its target */
		if (mm->phone != NULL)
			break;
		if ((v = i->def->run(i->cfg, mm)) != MOD_GO) {
			log_debug("module %s: message %s", i->def->name,
			    v == MOD_DONE ? "answered" : "dropped");
			return (v);
		}
	}
	return (MOD_GO);
}

/* A module's config if it is loaded (and running), else NULL. */
void *
mod_loaded(const struct mod_def *def)
{
	struct mod_inst	*i;

	if (child == NULL || child->conf == NULL || child->conf->mods == NULL ||
	    (i = mod_find(child->conf->mods, def)) == NULL)
		return (NULL);
	return (i->cfg);
}

static void
mod_timer(int fd, short ev, void *arg)
{
	struct mod_msg	mm;

	memset(&mm, 0, sizeof(mm));
	mm.hook = MOD_TIMER;
	(void)mod_run(&mm);
}

void
mod_running(void)
{
	struct timeval	tv = { 1, 0 };

	if (mod_tick != NULL)
		return;
	if ((mod_tick = event_new(child->base, -1, EV_PERSIST, mod_timer,
	    NULL)) == NULL || event_add(mod_tick, &tv) == -1)
		fatalx("%s: event", __func__);
}

int
mod_raw(const struct sip_origin *o, const char *buf, size_t len)
{
	struct mod_msg	mm;

	if (mod_active(MOD_RAW) == NULL)
		return (0);
	memset(&mm, 0, sizeof(mm));
	mm.hook = MOD_RAW;
	mm.from = o;
	mm.side = side_of(o);
	mm.raw = buf;
	mm.rawlen = len;
	return (mod_run(&mm) != MOD_GO);
}

int
mod_msg(enum mod_hook h, const struct sip_origin *o, osip_message_t *m)
{
	struct mod_msg	mm;

	if (mod_active(h) == NULL)
		return (0);
	memset(&mm, 0, sizeof(mm));
	mm.hook = h;
	mm.from = o;
	mm.side = side_of(o);
	mm.m = m;
	if (mod_run(&mm) == MOD_GO)
		return (0);
	osip_message_free(m);
	return (1);
}

/*
 * A request from the WAN for no phone we know: 1 when a module answered
 * it (and it is freed), else 0 and in *bp the phone a module named, or
 * NULL.
 */
int
mod_unknown(const struct sip_origin *o, osip_message_t *m,
    struct reg_binding **bp)
{
	struct mod_msg	mm;

	*bp = NULL;
	if (mod_active(MOD_UNKNOWN) == NULL)
		return (0);
	memset(&mm, 0, sizeof(mm));
	mm.hook = MOD_UNKNOWN;
	mm.from = o;
	mm.side = side_of(o);
	mm.m = m;
	if (mod_run(&mm) != MOD_GO) {
		osip_message_free(m);
		return (1);
	}
	*bp = mm.phone;
	return (0);
}

/* The caller frees x when this returns 1. */
int
mod_out(enum mod_hook h, struct sipx *x)
{
	struct mod_msg	mm;

	if (mod_active(h) == NULL)
		return (0);
	memset(&mm, 0, sizeof(mm));
	mm.hook = h;
	mm.from = &x->from;
	mm.side = side_of(&x->from);
	mm.m = x->msg;
	mm.x = x;
	return (mod_run(&mm) != MOD_GO);
}

/* 302 Moved Temporarily to the sender, with one Contact (RFC 3261 §21.3.3). */
int
mod_redirect(const struct sip_origin *o, const osip_message_t *req,
    const osip_uri_t *target)
{
	osip_message_t	*r = NULL;
	osip_contact_t	*c = NULL;
	char		*out = NULL;
	size_t		 len;
	int		 rc = -1;

	if (reply_build(NULL, 0, req, 302, NULL, &out, &len) == -1)
		return (-1);
	if (osip_message_init(&r) != 0 || osip_message_parse(r, out, len) != 0)
		goto fail;
	free(out);
	out = NULL;
	if (osip_contact_init(&c) != 0 || osip_uri_clone(target, &c->url) != 0)
		goto fail;
	osip_list_add(&r->contacts, c, 0);
	c = NULL;
	if (wire_format(r, &out, &len) == -1)
		goto fail;
	sipd.stat_refused++;
	wire_send(o->transport, o->role, (const struct sockaddr *)&o->src,
	    o->conn, out, len);
	rc = 0;
fail:
	osip_contact_free(c);
	osip_message_free(r);
	free(out);
	return (rc);
}

/*
 * 302 to the To URI with another user part (prefix, shortdial), and a
 * URI parameter that marks it as ours when param is not NULL.
 */
int
mod_redirect_user(const struct sip_origin *o, const osip_message_t *req,
    const char *user, const char *param)
{
	osip_uri_t	*u = NULL;
	int		 rc;

	if (req->to == NULL || req->to->url == NULL ||
	    osip_uri_clone(req->to->url, &u) != 0)
		return (-1);
	osip_free(u->username);
	u->username = osip_strdup(user);
	if (param != NULL)
		osip_uri_uparam_add(u, osip_strdup(MOD_REDIRECTED),
		    osip_strdup(param));
	rc = mod_redirect(o, req, u);
	osip_uri_free(u);
	return (rc);
}

/* Does the URI carry the mark of a 302 of ours (redirected=val)? */
int
mod_marked(const osip_uri_t *u, const char *val)
{
	osip_uri_param_t	*p = NULL;

	if (u == NULL)
		return (0);
	osip_uri_param_get_byname((osip_list_t *)&u->url_params,
	    MOD_REDIRECTED, &p);
	return (p != NULL && p->gvalue != NULL && strcmp(p->gvalue, val) == 0);
}

/* A new body: the one that arrived is no longer what leaves. */
void
mod_set_body(struct mod_msg *mm, const char *buf, size_t len)
{
	rewrite_set_body(mm->m, buf, len);
	if (mm->x != NULL) {
		free(mm->x->rawbody);
		mm->x->rawbody = NULL;
		mm->x->rawlen = 0;
	}
}

/*
 * Wire text for a log line, escaped and capped; four buffers in turn, so
 * one line can hold four.
 */
const char *
mod_str(const char *s)
{
	static char	buf[4][4 * 64 + 1];
	static int	n;
	size_t		len;

	if (s == NULL)
		return ("-");
	n = (n + 1) % 4;
	len = strlen(s);
	strvisx(buf[n], s, len > 64 ? 64 : len, VIS_SAFE | VIS_NL | VIS_CSTYLE);
	return (buf[n]);
}
