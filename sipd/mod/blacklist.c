/* SPDX-License-Identifier: ISC */
/* plugin_blacklist: senders whose REGISTERs keep failing are dropped. */

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/tree.h>
#include <netinet/in.h>

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "addr.h"
#include "log.h"
#include "mod.h"
#include "mono.h"
#include "regtable.h"
#include "siphash.h"
#include "sipd.h"
#include "uri.h"

/*
 * One record per sender: source address and From (user@host, as the
 * classic keys them).  The table is capped: when it is full the record
 * seen longest ago that is not blocking is dropped for the new one, and
 * when every record blocks, the new sender is not tracked.
 */
#define BL_MAX		4096
#define BL_FROMMAX	256		/* of a From, the bytes that count */
#define BL_SWEEP	60		/* seconds between expiry runs */
#define BL_IDLE		86400		/* a record that blocks nothing */
#define BL_WARN_MAX	10		/* bad saved lines logged one by one */

struct bl_cfg {
	int	 simulate;
	int	 duration;		/* seconds; 0: a block never ends */
	int	 hitcount;
	int	 window;		/* register_window, seconds */
	int	 set_duration, set_hitcount, set_window;
};

struct bl_rec {
	RB_ENTRY(bl_rec)	 entry;
	TAILQ_ENTRY(bl_rec)	 age;		/* on bl_open or bl_blocking */
	char			 ip[INET6_ADDRSTRLEN];
	char			*from;
	unsigned int		 fails;
	time_t			 seen;		/* monotonic: the last hit */
	uint64_t		 txn;		/* a REGISTER with credentials: */
	time_t			 txn_at;	/* Call-ID and CSeq, when; 0 none */
	int			 blocking;	/* on bl_blocking */
};
RB_HEAD(bl_tree, bl_rec);
TAILQ_HEAD(bl_list, bl_rec);

static int	bl_cmp(struct bl_rec *, struct bl_rec *);
RB_PROTOTYPE(bl_tree, bl_rec, entry, bl_cmp)

static struct bl_tree		bl_recs = RB_INITIALIZER(&bl_recs);
static struct bl_list		bl_open = TAILQ_HEAD_INITIALIZER(bl_open);
static struct bl_list		bl_blocking =
				    TAILQ_HEAD_INITIALIZER(bl_blocking);
static size_t			bl_n;
static time_t			bl_swept;
static struct siphash_key	bl_key;

static int
bl_cmp(struct bl_rec *a, struct bl_rec *b)
{
	int	r;

	if ((r = strcmp(a->ip, b->ip)) != 0)
		return (r);
	return (strcmp(a->from, b->from));
}

RB_GENERATE(bl_tree, bl_rec, entry, bl_cmp)

static int
bl_num(int *dst, int *set, const char *val, char *err, size_t errlen)
{
	*set = 1;
	return (mod_int(dst, val, 0, INT_MAX, err, errlen));
}

/* The classic's SQLite file and PRAGMA: there is no database here. */
static int
bl_ignored(void *cfgp, const char *val, char *err, size_t errlen)
{
	return (0);
}

static int
bl_simulate(void *cfgp, const char *val, char *err, size_t errlen)
{
	return (mod_bool(&((struct bl_cfg *)cfgp)->simulate, val, err,
	    errlen));
}

static int
bl_duration(void *cfgp, const char *val, char *err, size_t errlen)
{
	struct bl_cfg	*cfg = cfgp;

	return (bl_num(&cfg->duration, &cfg->set_duration, val, err, errlen));
}

static int
bl_hitcount(void *cfgp, const char *val, char *err, size_t errlen)
{
	struct bl_cfg	*cfg = cfgp;

	return (bl_num(&cfg->hitcount, &cfg->set_hitcount, val, err, errlen));
}

static int
bl_window(void *cfgp, const char *val, char *err, size_t errlen)
{
	struct bl_cfg	*cfg = cfgp;

	return (bl_num(&cfg->window, &cfg->set_window, val, err, errlen));
}

/* The classic's defaults for what the config leaves out. */
static int
bl_check(void *cfgp, char *err, size_t errlen)
{
	struct bl_cfg	*cfg = cfgp;

	if (!cfg->set_duration)
		cfg->duration = 3600;
	if (!cfg->set_hitcount)
		cfg->hitcount = 10;
	if (!cfg->set_window)
		cfg->window = 30;
	return (0);
}

static void
bl_remove(struct bl_rec *r)
{
	RB_REMOVE(bl_tree, &bl_recs, r);
	TAILQ_REMOVE(r->blocking ? &bl_blocking : &bl_open, r, age);
	bl_n--;
	free(r->from);
	free(r);
}

/* Seen now: to the young end of its list, which says if it blocks. */
static void
bl_touch(struct bl_rec *r, time_t now, unsigned int hitcount)
{
	TAILQ_REMOVE(r->blocking ? &bl_blocking : &bl_open, r, age);
	r->seen = now;
	r->blocking = r->fails > hitcount;
	TAILQ_INSERT_TAIL(r->blocking ? &bl_blocking : &bl_open, r, age);
}

/* Has the record nothing left to say at now? */
static int
bl_stale(const struct bl_rec *r, time_t now, int duration, int window)
{
	if (duration > 0 && now - r->seen >= duration)
		return (1);
	if (r->fails == 0)
		return (r->txn_at == 0 || now - r->txn_at > window);
	return (!r->blocking && now - r->seen >= BL_IDLE);
}

static struct bl_rec *
bl_find(const char *ip, const char *from)
{
	struct bl_rec	key;
	char		buf[BL_FROMMAX + 1];

	strlcpy(key.ip, ip, sizeof(key.ip));
	strlcpy(buf, from, sizeof(buf));
	key.from = buf;
	return (RB_FIND(bl_tree, &bl_recs, &key));
}

/* A new record, or NULL when the table is full of blocking ones. */
static struct bl_rec *
bl_new(const char *ip, const char *from, time_t now)
{
	static struct log_limit	 full;
	struct bl_rec		*r;

	if (bl_n >= BL_MAX) {
		if ((r = TAILQ_FIRST(&bl_open)) == NULL) {
			log_limited(&full, LOG_WARNING, "blacklist: %d senders "
			    "blocked, the table is full: %s not tracked",
			    BL_MAX, ip);
			return (NULL);
		}
		bl_remove(r);
	}
	if ((r = calloc(1, sizeof(*r))) == NULL ||
	    (r->from = strndup(from, BL_FROMMAX)) == NULL)
		fatal("%s", __func__);
	strlcpy(r->ip, ip, sizeof(r->ip));
	r->seen = now;
	RB_INSERT(bl_tree, &bl_recs, r);
	TAILQ_INSERT_TAIL(&bl_open, r, age);
	bl_n++;
	return (r);
}

/* The record of (ip, From), NULL if none; one that ran out is gone. */
static struct bl_rec *
bl_lookup(const struct bl_cfg *cfg, const char *ip, const char *from,
    time_t now)
{
	struct bl_rec	*r;

	if ((r = bl_find(ip, from)) != NULL &&
	    bl_stale(r, now, cfg->duration, cfg->window)) {
		bl_remove(r);
		regsave_dirty();
		r = NULL;
	}
	return (r);
}

/* A REGISTER transaction, as its responses name it (RFC 3261 §17.2.3). */
static uint64_t
bl_txn(const osip_message_t *m)
{
	char	buf[512];

	if (bl_key.k0 == 0 && bl_key.k1 == 0)
		arc4random_buf(&bl_key, sizeof(bl_key));
	snprintf(buf, sizeof(buf), "%s %s", m->call_id->number,
	    m->cseq->number != NULL ? m->cseq->number : "");
	return (siphash24(&bl_key, buf, strlen(buf)));
}

static int
bl_has_auth(const osip_message_t *m)
{
	return (osip_list_size(&m->authorizations) > 0 ||
	    osip_list_size(&m->proxy_authorizations) > 0);
}

/* A sender and its From: 0, or -1 if the message names no From. */
static int
bl_who(const osip_message_t *m, const struct sockaddr *sa, char *ip,
    size_t iplen, char **from)
{
	if (m->from == NULL || m->call_id == NULL ||
	    m->call_id->number == NULL || m->cseq == NULL ||
	    (*from = uri_aor(m->from->url)) == NULL)
		return (-1);
	addr_ntop(sa, ip, iplen);
	return (0);
}

/*
 * A request: dropped when its sender blocks; a REGISTER with credentials
 * is remembered, so that its answer can count (the first one, without
 * credentials, is challenged by every registrar and counts for nothing).
 */
static enum mod_verdict
bl_request(struct bl_cfg *cfg, struct mod_msg *mm, time_t now)
{
	static struct log_limit	 lim;
	struct bl_rec		*r;
	char			 ip[INET6_ADDRSTRLEN], *from;
	uint64_t		 txn;
	int			 reg = MSG_IS_REGISTER(mm->m);

	if (bl_who(mm->m, (const struct sockaddr *)&mm->from->src, ip,
	    sizeof(ip), &from) == -1)
		return (MOD_GO);
	r = bl_lookup(cfg, ip, from, now);
	if (r == NULL && reg && bl_has_auth(mm->m))
		r = bl_new(ip, from, now);
	if (r != NULL) {
		bl_touch(r, now, cfg->hitcount);
		if (r->fails > 0)
			regsave_dirty();
	}
	if (r != NULL && reg) {
		txn = bl_txn(mm->m);
		/* a retransmission keeps its answered transaction */
		if (!bl_has_auth(mm->m))
			r->txn_at = 0;
		else if (r->txn != txn || r->txn_at != 0) {
			r->txn = txn;
			r->txn_at = now;
		}
	}
	if (r != NULL && r->fails > (unsigned int)cfg->hitcount) {
		log_limited(&lim, LOG_INFO, "blacklist: %s from %s [%s], %u "
		    "failed registrations: %s", mod_str(mm->m->sip_method), ip,
		    mod_str(from), r->fails, cfg->simulate ?
		    "would be dropped (simulate)" : "dropped");
		free(from);
		return (cfg->simulate ? MOD_GO : MOD_DROP);
	}
	free(from);
	return (MOD_GO);
}

/* An answer to a REGISTER we remember, on its way back to the phone. */
static void
bl_response(struct bl_cfg *cfg, struct mod_msg *mm, time_t now)
{
	struct bl_rec	*r;
	osip_message_t	*m = mm->m;
	char		 ip[INET6_ADDRSTRLEN], *from;
	int		 code = m->status_code;

	if (mm->x == NULL || m->cseq == NULL || m->cseq->method == NULL ||
	    strcmp(m->cseq->method, "REGISTER") != 0 || code < 200 ||
	    bl_who(m, (const struct sockaddr *)&mm->x->dst, ip, sizeof(ip),
	    &from) == -1)
		return;
	r = bl_lookup(cfg, ip, from, now);
	if (r == NULL || r->txn_at == 0 || now - r->txn_at > cfg->window ||
	    r->txn != bl_txn(m)) {
		free(from);
		return;
	}
	r->txn_at = 0;
	if (code >= 400 && code < 500 && r->fails < UINT_MAX)
		r->fails++;
	else if (code >= 200 && code < 300)
		r->fails = 0;
	bl_touch(r, now, cfg->hitcount);
	regsave_dirty();
	if (r->fails == (unsigned int)cfg->hitcount + 1)
		log_warnx("blacklist: %s [%s]: %u failed registrations: %s",
		    ip, mod_str(from), r->fails, cfg->simulate ?
		    "would be blocked (simulate)" : "blocked");
	free(from);
}

/* Once a minute, the records whose time is up go. */
static void
bl_sweep(const struct bl_cfg *cfg, time_t now)
{
	struct bl_rec	*r, *next;
	int		 gone = 0;

	if (now - bl_swept < BL_SWEEP)
		return;
	bl_swept = now;
	RB_FOREACH_SAFE(r, bl_tree, &bl_recs, next) {
		if (!bl_stale(r, now, cfg->duration, cfg->window))
			continue;
		if (r->blocking)
			log_info("blacklist: %s [%s] expired", r->ip,
			    mod_str(r->from));
		gone += r->fails > 0;
		bl_remove(r);
	}
	if (gone > 0)
		regsave_dirty();
}

static enum mod_verdict
bl_run(void *cfgp, struct mod_msg *mm)
{
	struct bl_cfg	*cfg = cfgp;
	time_t		 now = mono_now();

	switch (mm->hook) {
	case MOD_TIMER:
		bl_sweep(cfg, now);
		return (MOD_GO);
	case MOD_VALIDATE:
		if (MSG_IS_REQUEST(mm->m))
			return (bl_request(cfg, mm, now));
		return (MOD_GO);
	case MOD_POST:
		if (MSG_IS_RESPONSE(mm->m) && mm->side == ROLE_OUTBOUND)
			bl_response(cfg, mm, now);
		return (MOD_GO);
	default:
		return (MOD_GO);
	}
}

/*
 * The saved form, a section of sipd's state file after the
 * registrations: a line "[blacklist]" (one field: no binding line looks
 * like it), then one record a line:
 *	address failures wall-clock-last-hit from
 * the From encoded as the registrations' strings are.  Only
 * records that count failures are kept.
 */
int
blacklist_serialize(char **buf, size_t *len, time_t mono, time_t wall)
{
	struct bl_rec	*r;
	FILE		*f;
	int		 n = 0;

	if ((f = open_memstream(buf, len)) == NULL)
		fatal("%s", __func__);
	fprintf(f, "%s\n", BL_SECTION);
	RB_FOREACH(r, bl_tree, &bl_recs) {
		if (r->fails == 0)
			continue;
		fprintf(f, "%s %u %lld", r->ip, r->fails,
		    (long long)(wall - (mono - r->seen)));
		reg_field_put(f, " ", r->from);
		fputc('\n', f);
		n++;
	}
	if (ferror(f) || fclose(f) == EOF)
		fatal("%s", __func__);
	return (n);
}

/* One saved line: 1 loaded, 0 expired, -1 malformed (*why says how). */
static int
bl_load_line(char *line, time_t mono, time_t wall, int duration,
    const char **why)
{
	struct sockaddr_storage	 ss;
	struct bl_rec		*r;
	char			*f[4], *from, ip[INET6_ADDRSTRLEN];
	const char		*e1, *e2;
	long long		 fails, seen;
	int			 n = 0;

	*why = "wrong number of fields";
	while (n < 4 && (f[n] = strsep(&line, " ")) != NULL)
		n++;
	if (n != 4 || line != NULL)
		return (-1);
	*why = "bad field";
	fails = strtonum(f[1], 1, UINT_MAX, &e1);
	seen = strtonum(f[2], 1, LLONG_MAX, &e2);
	if (e1 != NULL || e2 != NULL || addr_parse(f[0], &ss) == -1 ||
	    strchr(f[0], '[') != NULL)
		return (-1);
	addr_ntop((struct sockaddr *)&ss, ip, sizeof(ip));
	if (seen > wall)
		seen = wall;	/* the clock went back: a hit now */
	if (duration > 0 && wall - seen >= duration)
		return (0);
	if ((from = reg_field_get(f[3])) == NULL)
		return (-1);
	if (strlen(from) > BL_FROMMAX) {
		free(from);
		return (-1);
	}
	*why = "duplicate record";
	if (bl_find(ip, from) != NULL ||
	    (r = bl_new(ip, from, mono - (wall - seen))) == NULL) {
		free(from);
		return (-1);
	}
	free(from);
	r->fails = fails;
	return (1);
}

/*
 * The section's lines (after its "[blacklist]" line): bad input, as
 * anyone who can write the file's directory wrote it.  Records run out
 * after duration seconds (0: never).  The number loaded; they are
 * sorted into their lists by bl_touch() once hitcount is known.
 */
int
blacklist_deserialize(const char *buf, size_t len, time_t mono, time_t wall,
    int duration)
{
	const char	*p, *end = buf + len, *nl, *why;
	char		*line;
	size_t		 lineno = 0, bad = 0, before = bl_n, i;
	int		 r;

	for (p = buf; p < end; p = nl + 1) {
		lineno++;
		if ((nl = memchr(p, '\n', end - p)) == NULL)
			nl = end;
		why = "byte outside printable ASCII";
		r = -1;
		for (i = 0; i < (size_t)(nl - p); i++)
			if (p[i] < ' ' || p[i] > '~')
				break;
		if (i == (size_t)(nl - p)) {
			if ((line = strndup(p, nl - p)) == NULL)
				fatal("%s", __func__);
			r = bl_load_line(line, mono, wall, duration, &why);
			free(line);
		}
		if (r == -1 && ++bad <= BL_WARN_MAX)
			log_warnx("blacklist: saved line %zu: %s", lineno, why);
	}
	/* a full table makes room: what is there now, not what was read */
	return (bl_n > before ? (int)(bl_n - before) : 0);
}

void
blacklist_clear(void)
{
	struct bl_rec	*r;

	while ((r = RB_ROOT(&bl_recs)) != NULL)
		bl_remove(r);
}

size_t
blacklist_count(void)
{
	return (bl_n);
}

/* regsave.c: the saved section, NULL when the module is not loaded. */
char *
blacklist_save(size_t *len, time_t mono, time_t wall)
{
	char	*buf;

	if (mod_loaded(&mod_blacklist) == NULL)
		return (NULL);
	blacklist_serialize(&buf, len, mono, wall);
	return (buf);
}

void
blacklist_restore(const char *buf, size_t len, time_t mono, time_t wall)
{
	struct bl_cfg	*cfg;
	struct bl_rec	*r, *next;
	int		 n;

	if ((cfg = mod_loaded(&mod_blacklist)) == NULL)
		return;
	blacklist_clear();
	n = blacklist_deserialize(buf, len, mono, wall, cfg->duration);
	RB_FOREACH_SAFE(r, bl_tree, &bl_recs, next)
		bl_touch(r, r->seen, cfg->hitcount);
	if (n > 0)
		log_info("blacklist: %d records restored", n);
}

static const struct mod_key bl_keys[] = {
	{ "dbpath",		bl_ignored },
	{ "db_sync_mode",	bl_ignored },
	{ "simulate",		bl_simulate },
	{ "duration",		bl_duration },
	{ "hitcount",		bl_hitcount },
	{ "register_window",	bl_window },
	{ NULL,			NULL }
};

const struct mod_def mod_blacklist = {
	.name =		"blacklist",
	.hooks =	MOD_BIT(MOD_TIMER) | MOD_BIT(MOD_VALIDATE) |
			MOD_BIT(MOD_POST),
	.cfgsize =	sizeof(struct bl_cfg),
	.keys =		bl_keys,
	.check =	bl_check,
	.run =		bl_run,
};
