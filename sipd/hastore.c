/* SPDX-License-Identifier: ISC */
/* The failover pair's shared state: every binding kept in Redis too. */

#include <sys/types.h>
#include <sys/queue.h>

#include <ctype.h>
#include <errno.h>
#include <event.h>
#include <event2/bufferevent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <hiredis/hiredis.h>

#include "addr.h"
#include "child.h"
#include "conf.h"
#include "hacall.h"
#include "hastore.h"
#include "hex.h"
#include "log.h"
#include "mono.h"
#include "opaque.h"
#include "regtable.h"
#include "siphash.h"
#include "sipd.h"
#include "tlsbev.h"

/*
 * Redis is reached through a socket the parent connects for us (it may be
 * a Unix socket outside the chroot).  hiredis frames the commands and
 * parses the replies; what the reader builds is ours, so every string and
 * array is checked against a limit before a byte is kept: a reply is bad
 * input like any packet.  Nothing here waits: a command is queued on the
 * bufferevent and its reply handled when it comes, in order.
 */
#define HA_STRMAX	8192		/* a key or a record */
#define HA_ARRMAX	4096		/* elements of one reply */
#define HA_INMAX	(1024 * 1024)	/* an unfinished reply, at most */
#define HA_OUTMAX	(8 * 1024 * 1024) /* unsent: Redis is too slow */
#define HA_HANG		5		/* seconds to wait for a reply */
#define HA_PING		3		/* seconds between PINGs when idle */
#define HA_DELMAX	10000		/* removals kept while Redis is away */
#define HA_SCAN_COUNT	"200"

enum ha_state { HA_OFF, HA_ASKED, HA_CONNECTING, HA_UP };

struct ha_wait {
	TAILQ_ENTRY(ha_wait)	 entry;
	int			 cmd;		/* HA_C_* */
	int			 kind;		/* HA_K_*: what a load fetches */
	int			 last;		/* the load's last MGET */
	time_t			 sent;
};
TAILQ_HEAD(ha_wait_list, ha_wait);

struct ha_del {
	TAILQ_ENTRY(ha_del)	 entry;
	char			 key[];
};
TAILQ_HEAD(ha_del_list, ha_del);

TAILQ_HEAD(ha_queue, reg_binding);

static struct {
	enum ha_state		 state;
	struct bufferevent	*bev;
	redisReader		*rd;
	struct ha_wait_list	 wait;
	struct ha_queue		 queue;		/* bindings to write */
	struct ha_del_list	 dels;		/* removals while away */
	size_t			 ndels;
	struct event		*tick;
	time_t			 since;		/* of the state */
	time_t			 pinged;
	int			 loading;
	int			 kind;		/* of the load's scan */
	int			 again;		/* load once more when done */
	int			 resync;	/* write all once loaded */
	int			 down_logged;
	int			 toofull;	/* output past HA_OUTMAX */
	int			 said_up;	/* "connected" was logged */
	char			*password;
	size_t			 pwlen;
	char			 where[CONF_PATHLEN];
	unsigned long long	 stat_sets, stat_dels, stat_bytes;
	unsigned long long	 stat_loaded, stat_calls, stat_bad;
} ha = {
	.wait = TAILQ_HEAD_INITIALIZER(ha.wait),
	.queue = TAILQ_HEAD_INITIALIZER(ha.queue),
	.dels = TAILQ_HEAD_INITIALIZER(ha.dels),
};

static void	ha_down(const char *);
static void	ha_load(const char *);

int
ha_on(void)
{
	return (child != NULL && child->conf != NULL &&
	    child->conf->ha_redis[0] != '\0');
}

/* The reply objects: only what fits the limits is built. */
static struct ha_reply *
ha_reply_new(const redisReadTask *t, int type)
{
	struct ha_reply	*r, *parent;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		fatal("%s", __func__);
	r->type = type;
	if (t->parent != NULL) {
		parent = t->parent->obj;
		if (t->idx < 0 || (size_t)t->idx >= parent->elements)
			fatalx("%s: hiredis gave an element out of range",
			    __func__);
		parent->element[t->idx] = r;
	}
	return (r);
}

static void *
ha_mk_string(const redisReadTask *t, char *s, size_t len)
{
	struct ha_reply	*r;

	if (len > HA_STRMAX)
		return (NULL);
	r = ha_reply_new(t, t->type);
	if ((r->str = malloc(len + 1)) == NULL)
		fatal("%s", __func__);
	memcpy(r->str, s, len);
	r->str[len] = '\0';
	r->len = len;
	return (r);
}

static void *
ha_mk_array(const redisReadTask *t, int n)
{
	struct ha_reply	*r;

	if (n < 0 || n > HA_ARRMAX)
		return (NULL);
	r = ha_reply_new(t, REDIS_REPLY_ARRAY);
	if (n > 0 && (r->element = calloc(n, sizeof(*r->element))) == NULL)
		fatal("%s", __func__);
	r->elements = n;
	return (r);
}

static void *
ha_mk_integer(const redisReadTask *t, long long v)
{
	struct ha_reply	*r;

	r = ha_reply_new(t, REDIS_REPLY_INTEGER);
	r->integer = v;
	return (r);
}

static void *
ha_mk_nil(const redisReadTask *t)
{
	return (ha_reply_new(t, REDIS_REPLY_NIL));
}

void
ha_reply_free(void *p)
{
	struct ha_reply	*r = p;
	size_t		 i;

	if (r == NULL)
		return;
	for (i = 0; i < r->elements; i++)
		ha_reply_free(r->element[i]);
	free(r->element);
	free(r->str);
	free(r);
}

static redisReplyObjectFunctions ha_fns = {
	ha_mk_string, ha_mk_array, ha_mk_integer, ha_mk_nil, ha_reply_free
};

/* A binding's key: the prefix, then a hash of AOR and contact. */
static void
ha_key(const struct reg_binding *b, char *key, size_t len)
{
	static const struct siphash_key	 k = { 0, 0 };
	char				*s;
	int				 n;

	if ((n = asprintf(&s, "%s\n%s", b->aor, b->contact)) == -1)
		fatal("%s", __func__);
	snprintf(key, len, "%sreg:%016llx", child->conf->ha_prefix,
	    (unsigned long long)siphash24(&k, s, n));
	free(s);
}

static void
ha_send(int cmd, int last, int argc, const char **argv, const size_t *lens)
{
	struct ha_wait	*w;
	char		*buf;
	int		 n;

	if ((n = redisFormatCommandArgv(&buf, argc, argv, lens)) < 0)
		fatalx("%s: redisFormatCommandArgv", __func__);
	ha.stat_bytes += n;
	if (ha.bev != NULL && bufferevent_write(ha.bev, buf, n) == -1)
		fatalx("%s: bufferevent_write", __func__);
	redisFreeCommand(buf);
	if ((w = calloc(1, sizeof(*w))) == NULL)
		fatal("%s", __func__);
	w->cmd = cmd;
	w->kind = ha.kind;
	w->last = last;
	w->sent = mono_now();
	TAILQ_INSERT_TAIL(&ha.wait, w, entry);
	/* Dropped at the next tick: we may be inside the reader now. */
	if (ha.bev != NULL && evbuffer_get_length(bufferevent_get_output(
	    ha.bev)) > HA_OUTMAX)
		ha.toofull = 1;
}

/* SET key val EX ttl, if Redis is there; else all is written when back. */
void
ha_write(const char *key, const char *val, size_t vlen, long long ttl)
{
	char		 t[24];
	const char	*argv[5] = { "SET", key, val, "EX", t };
	size_t		 lens[5];

	if (ha.state != HA_UP) {
		ha.resync = 1;
		return;
	}
	snprintf(t, sizeof(t), "%lld", ttl);
	lens[0] = 3;
	lens[1] = strlen(key);
	lens[2] = vlen;
	lens[3] = 2;
	lens[4] = strlen(t);
	ha_send(HA_C_WRITE, 0, 5, argv, lens);
	ha.stat_sets++;
}

static void
ha_set(const struct reg_binding *b, time_t now)
{
	char		 key[CONF_STRLEN + 32], tag[CONF_STRLEN + 8];
	char		*val;
	size_t		 vlen;

	ha_key(b, key, sizeof(key));
	snprintf(tag, sizeof(tag), "node=%s", child->conf->ha_node[0] != '\0' ?
	    child->conf->ha_node : "-");
	reg_record(b, tag, now, time(NULL), &val, &vlen);
	ha_write(key, val, vlen, b->expires - now);
	free(val);
}

static void
ha_del_send(const char *key)
{
	const char	*argv[2] = { "DEL", key };
	size_t		 lens[2] = { 3, strlen(key) };

	ha_send(HA_C_WRITE, 0, 2, argv, lens);
	ha.stat_dels++;
}

static void
ha_set_each(struct reg_binding *b, void *arg)
{
	time_t	now = *(time_t *)arg;

	if (!b->pending && b->expires > now)
		ha_set(b, now);
}

/* After a load: what we hold goes to Redis, and what went while away. */
static void
ha_resync(void)
{
	struct ha_del	*d;
	time_t		 now = mono_now();

	while ((d = TAILQ_FIRST(&ha.dels)) != NULL) {
		TAILQ_REMOVE(&ha.dels, d, entry);
		ha_del_send(d->key);
		free(d);
	}
	ha.ndels = 0;
	if (ha.resync) {
		reg_foreach(ha_set_each, &now);
		hacall_resync();
	}
	ha.resync = 0;
}

/* regtable.c tells us of each change; it is written at regsave_dirty(). */
static void
ha_watch(struct reg_binding *b, int gone)
{
	char		 key[CONF_STRLEN + 32];

	if (!ha_on())
		return;
	if (b->ha_queued) {
		TAILQ_REMOVE(&ha.queue, b, ha_entry);
		b->ha_queued = 0;
	}
	if (!gone) {
		TAILQ_INSERT_TAIL(&ha.queue, b, ha_entry);
		b->ha_queued = 1;
		return;
	}
	/*
	 * Only an unregistration is removed: a binding that expires here
	 * may have been refreshed through the partner, and the key's TTL
	 * removes it in Redis at the same time anyway.
	 */
	if (b->pending || b->expires <= mono_now())
		return;
	ha_key(b, key, sizeof(key));
	ha_remove(key);
}

/* DEL key now, or once Redis is back. */
void
ha_remove(const char *key)
{
	struct ha_del	*d;

	if (ha.state == HA_UP) {
		ha_del_send(key);
		return;
	}
	if (ha.ndels >= HA_DELMAX)
		return;
	if ((d = malloc(sizeof(*d) + strlen(key) + 1)) == NULL)
		fatal("%s", __func__);
	memcpy(d->key, key, strlen(key) + 1);
	TAILQ_INSERT_TAIL(&ha.dels, d, entry);
	ha.ndels++;
}

void
ha_flush(void)
{
	struct reg_binding	*b;
	time_t			 now = mono_now();

	while ((b = TAILQ_FIRST(&ha.queue)) != NULL) {
		TAILQ_REMOVE(&ha.queue, b, ha_entry);
		b->ha_queued = 0;
		if (b->pending || b->expires <= now)
			continue;
		if (ha.state == HA_UP)
			ha_set(b, now);
		else
			ha.resync = 1;
	}
}

/* A record from Redis, merged into the table (reg_merge checks it all). */
static void
ha_record(const struct ha_reply *r, int kind)
{
	const char	*why;
	int		 n;

	if (r->type == REDIS_REPLY_NIL)
		return;		/* expired between SCAN and MGET */
	if (r->type != REDIS_REPLY_STRING) {
		ha.stat_bad++;
		return;
	}
	if (kind == HA_K_CALL)
		n = hacall_merge(r->str, r->len, &why);
	else
		n = reg_merge(r->str, r->len, mono_now(), time(NULL), &why);
	if (n == 1 && kind == HA_K_CALL)
		ha.stat_calls++;
	else if (n == 1)
		ha.stat_loaded++;
	else if (n == -1 && ha.stat_bad++ < 10)
		log_warnx("redis: a %s record: %s", kind == HA_K_CALL ?
		    "call" : "registration", why);
}

/* A scan of one kind is through: the calls' next, then we are done. */
static void
ha_scan_done(int kind)
{
	if (kind == HA_K_REG) {
		ha.kind = HA_K_CALL;
		ha_load("0");
	} else
		ha_loaded();
}

static int
ha_cursor_valid(const struct ha_reply *r)
{
	size_t	i;

	if (r->type != REDIS_REPLY_STRING || r->len == 0 || r->len > 20)
		return (0);
	for (i = 0; i < r->len; i++)
		if (!isdigit((unsigned char)r->str[i]))
			return (0);
	return (1);
}

/* SCAN's [cursor, [keys]]: fetch the keys, then scan on. */
static const char *
ha_scanned(const struct ha_reply *r)
{
	const struct ha_reply	*keys;
	const char		**argv;
	size_t			*lens, i, n = 1, plen;
	int			 last;

	if (r->type != REDIS_REPLY_ARRAY || r->elements != 2 ||
	    !ha_cursor_valid(r->element[0]) ||
	    r->element[1]->type != REDIS_REPLY_ARRAY)
		return ("SCAN: not [cursor, [keys]]");
	keys = r->element[1];
	last = strcmp(r->element[0]->str, "0") == 0;
	if ((argv = calloc(keys->elements + 1, sizeof(*argv))) == NULL ||
	    (lens = calloc(keys->elements + 1, sizeof(*lens))) == NULL)
		fatal("%s", __func__);
	argv[0] = "MGET";
	lens[0] = 4;
	plen = strlen(child->conf->ha_prefix);
	for (i = 0; i < keys->elements; i++) {
		if (keys->element[i]->type != REDIS_REPLY_STRING) {
			free(argv);
			free(lens);
			return ("SCAN: a key is not a string");
		}
		/* SCAN's MATCH is a filter we do not rely on. */
		if (keys->element[i]->len < plen + 4 ||
		    memcmp(keys->element[i]->str, child->conf->ha_prefix,
		    plen) != 0)
			continue;
		argv[n] = keys->element[i]->str;
		lens[n++] = keys->element[i]->len;
	}
	if (n > 1)
		ha_send(HA_C_MGET, last, n, argv, lens);
	free(argv);
	free(lens);
	if (!last)
		ha_load(r->element[0]->str);
	else if (n == 1)
		ha_scan_done(ha.kind);
	return (NULL);
}

static const char *
ha_fetched(const struct ha_reply *r, int kind, int last)
{
	size_t	i;

	if (r->type != REDIS_REPLY_ARRAY)
		return ("MGET: not an array");
	for (i = 0; i < r->elements; i++)
		ha_record(r->element[i], kind);
	if (last)
		ha_scan_done(kind);
	return (NULL);
}

/* Said only once a load went through: AUTH and all. */
void
ha_loaded(void)
{
	if (ha.down_logged)
		log_info("redis %s: back: resynchronising", ha.where);
	else if (!ha.said_up)
		log_info("redis %s: connected", ha.where);
	ha.down_logged = 0;
	ha.said_up = 1;
	ha.loading = 0;
	if (ha.stat_loaded > 0)
		log_info("redis: %llu registrations taken from the partner",
		    ha.stat_loaded);
	if (ha.stat_calls > 0)
		log_info("redis: %llu calls taken from the partner",
		    ha.stat_calls);
	ha.stat_loaded = ha.stat_calls = 0;
	ha_resync();
	if (ha.again) {
		ha.again = 0;
		ha_takeover();
	}
}

/* The pair's sealing keys: the first box's to reach Redis. */
static const char *
ha_sealed(const struct ha_reply *r)
{
	uint8_t	 sec[OPAQUE_SECRET];
	size_t	 i;

	if (r->type == REDIS_REPLY_NIL)
		return (NULL);		/* removed since our SET: next time */
	if (r->type != REDIS_REPLY_STRING || r->len != 2 * OPAQUE_SECRET)
		return ("the sealing keys: not a string of their size");
	for (i = 0; i < r->len; i++)
		if (r->str[i] >= 'A' && r->str[i] <= 'F')
			return ("the sealing keys: not lowercase hex");
	if (hex_decode(r->str, OPAQUE_SECRET, sec) == -1)
		return ("the sealing keys: not lowercase hex");
	opaque_adopt(sec);
	explicit_bzero(sec, sizeof(sec));
	return (NULL);
}

/* One reply, for the command at the head of the queue. */
static const char *
ha_reply(const struct ha_reply *r, const struct ha_wait *w)
{
	if (r->type == REDIS_REPLY_ERROR)
		return (w->cmd == HA_C_AUTH ? "AUTH refused" :
		    "an error reply");
	switch (w->cmd) {
	case HA_C_AUTH:
	case HA_C_PING:
		if (r->type != REDIS_REPLY_STATUS)
			return ("not a status reply");
		return (NULL);
	case HA_C_WRITE:
		if (r->type != REDIS_REPLY_STATUS &&
		    r->type != REDIS_REPLY_INTEGER)
			return ("not a status or integer reply");
		return (NULL);
	case HA_C_SETNX:
		if (r->type != REDIS_REPLY_STATUS &&
		    r->type != REDIS_REPLY_NIL)
			return ("not a status or nil reply");
		return (NULL);
	case HA_C_SEAL:
		return (ha_sealed(r));
	case HA_C_SCAN:
		return (ha_scanned(r));
	case HA_C_MGET:
		return (ha_fetched(r, w->kind, w->last));
	}
	return ("unknown command");
}

/* Bytes off the socket: 0, or why the connection must go. */
const char *
ha_input(const char *buf, size_t len)
{
	struct ha_wait	*w;
	void		*r;
	const char	*why = NULL;

	if (ha.rd->len - ha.rd->pos + len > HA_INMAX)
		return ("a reply too long");
	if (redisReaderFeed(ha.rd, buf, len) != REDIS_OK)
		return ("unreadable reply");
	while (why == NULL) {
		if (redisReaderGetReply(ha.rd, &r) != REDIS_OK)
			return ("malformed or oversized reply");
		if (r == NULL)
			break;
		if ((w = TAILQ_FIRST(&ha.wait)) == NULL)
			why = "a reply to nothing we asked";
		else {
			TAILQ_REMOVE(&ha.wait, w, entry);
			why = ha_reply(r, w);
			free(w);
		}
		ha_reply_free(r);
	}
	return (why);
}

static void
ha_read(struct bufferevent *bev, void *arg)
{
	struct evbuffer	*in = bufferevent_get_input(bev);
	char		 buf[16384];
	const char	*why;
	int		 n;

	while (ha.bev == bev && (n = evbuffer_remove(in, buf,
	    sizeof(buf))) > 0)
		if ((why = ha_input(buf, n)) != NULL) {
			ha_down(why);
			return;
		}
}

static void
ha_clear(void)
{
	struct ha_wait	*w;

	if (ha.bev != NULL)
		bufferevent_free(ha.bev);
	ha.bev = NULL;
	if (ha.rd != NULL)
		redisReaderFree(ha.rd);
	ha.rd = NULL;
	while ((w = TAILQ_FIRST(&ha.wait)) != NULL) {
		TAILQ_REMOVE(&ha.wait, w, entry);
		free(w);
	}
	ha.loading = 0;
	ha.again = 0;
	ha.toofull = 0;
}

/* Redis is away: serve from memory, say so once, write all when back. */
static void
ha_down(const char *why)
{
	if (!ha.down_logged)
		log_warnx("redis %s: %s: serving from memory until it is back",
		    ha.where, why);
	ha.down_logged = 1;
	ha_clear();
	ha.state = HA_OFF;
	ha.since = mono_now();
	ha.resync = 1;
}

static void
ha_auth(void)
{
	const char	*argv[2] = { "AUTH", ha.password };
	size_t		 lens[2] = { 4, ha.pwlen };

	ha_send(HA_C_AUTH, 0, 2, argv, lens);
}

/* A load: every binding under our prefix, merged into the table. */
static void
ha_load(const char *cursor)
{
	char		 match[CONF_STRLEN + 8];
	const char	*argv[6];
	size_t		 lens[6];
	int		 i;

	snprintf(match, sizeof(match), "%s%s:*", child->conf->ha_prefix,
	    ha.kind == HA_K_CALL ? "call" : "reg");
	argv[0] = "SCAN";
	argv[1] = cursor;
	argv[2] = "MATCH";
	argv[3] = match;
	argv[4] = "COUNT";
	argv[5] = HA_SCAN_COUNT;
	for (i = 0; i < 6; i++)
		lens[i] = strlen(argv[i]);
	ha.loading = 1;
	ha_send(HA_C_SCAN, 0, 6, argv, lens);
}

/*
 * What sipd seals into messages (Call-IDs, Via branches, the way back to
 * a phone: opaque.c) must open on the partner after a switch: the pair
 * seals with the keys the first of them put into Redis.
 */
static void
ha_seal(void)
{
	uint8_t		 sec[OPAQUE_SECRET];
	char		 key[CONF_STRLEN + 8], hex[2 * OPAQUE_SECRET + 1];
	const char	*argv[4] = { "SET", key, hex, "NX" };
	size_t		 lens[4];

	snprintf(key, sizeof(key), "%sseal", child->conf->ha_prefix);
	opaque_secret(sec);
	hex_encode(sec, sizeof(sec), hex);
	explicit_bzero(sec, sizeof(sec));
	lens[0] = 3;
	lens[1] = strlen(key);
	lens[2] = strlen(hex);
	lens[3] = 2;
	ha_send(HA_C_SETNX, 0, 4, argv, lens);
	explicit_bzero(hex, sizeof(hex));
	argv[0] = "GET";
	lens[0] = 3;
	ha_send(HA_C_SEAL, 0, 2, argv, lens);
}

static void
ha_up(void)
{
	ha.state = HA_UP;
	ha.since = ha.pinged = mono_now();
	if ((ha.rd = redisReaderCreateWithFunctions(&ha_fns)) == NULL)
		fatal("%s", __func__);
	if (ha.password != NULL)
		ha_auth();
	ha_seal();
	ha.kind = HA_K_REG;
	ha_load("0");
}

static void
ha_event(struct bufferevent *bev, short what, void *arg)
{
	if (what & BEV_EVENT_CONNECTED) {
		ha_up();
		return;
	}
	if (what & BEV_EVENT_EOF)
		ha_down("closed the connection");
	else if ((what & BEV_EVENT_ERROR) && tlsbev_error(bev) != NULL)
		ha_down(tlsbev_error(bev));
	else if (what & BEV_EVENT_ERROR)
		ha_down(evutil_socket_error_to_string(
		    EVUTIL_SOCKET_ERROR()));
}

/*
 * ha_redis_tls: TLS under the same bufferevent, the certificate checked
 * against the address ha_redis names (an IP address SAN).
 */
static int
ha_tls(void)
{
	struct sockaddr_storage	 ss;
	char			 host[64];
	const char		*why;

	if (addr_parse_port(child->conf->ha_redis, 6379, &ss) == -1) {
		ha_down("not an address for tls");
		return (-1);
	}
	addr_ntop((struct sockaddr *)&ss, host, sizeof(host));
	if ((ha.bev = tlsbev_client(ha.bev, host, &why)) == NULL) {
		ha_down(why);
		return (-1);
	}
	bufferevent_setcb(ha.bev, ha_read, NULL, ha_event, NULL);
	if (bufferevent_enable(ha.bev, EV_READ | EV_WRITE) == -1) {
		ha_down("cannot wait for the connection");
		return (-1);
	}
	return (0);
}

/* The parent's connection, on its way up. */
void
ha_socket(struct msg *m)
{
	struct msg_result	res;

	memcpy(&res, m->data, sizeof(res));
	if (ha.state != HA_ASKED || !ha_on()) {
		if (m->fd != -1)
			close(m->fd);
		return;
	}
	if (res.error != 0 || m->fd == -1) {
		ha_down(strerror(res.error != 0 ? res.error : EBADF));
		return;
	}
	ha.bev = bufferevent_socket_new(child->base, m->fd,
	    BEV_OPT_CLOSE_ON_FREE);
	if (ha.bev == NULL)
		fatalx("bufferevent_socket_new");
	bufferevent_setcb(ha.bev, ha_read, NULL, ha_event, NULL);
	ha.state = HA_CONNECTING;
	ha.since = mono_now();
	/* No address: the fd is already connecting; tell us when it is up. */
	if (bufferevent_socket_connect(ha.bev, NULL, 0) == -1 ||
	    bufferevent_enable(ha.bev, EV_READ | EV_WRITE) == -1)
		ha_down("cannot wait for the connection");
	else if (child->conf->ha_redis_tls)
		(void)ha_tls();
}

static void
ha_connect(void)
{
	ha.state = HA_ASKED;
	ha.since = mono_now();
	msg_send(&child->parent, MSG_HA_SOCKET_REQ, 0, -1, NULL, 0);
}

static void
ha_ping(void)
{
	const char	*argv[1] = { "PING" };
	size_t		 lens[1] = { 4 };

	ha.pinged = mono_now();
	ha_send(HA_C_PING, 0, 1, argv, lens);
}

/* Once a second: connect again, notice a Redis that stopped answering. */
static void
ha_tick(int fd, short ev, void *arg)
{
	struct ha_wait	*w;
	time_t		 now = mono_now();

	if (!ha_on())
		return;
	hacall_tick(now);
	switch (ha.state) {
	case HA_OFF:
		ha_connect();
		break;
	case HA_ASKED:
		break;
	case HA_CONNECTING:
		if (now - ha.since > HA_HANG)
			ha_down("connection timed out");
		break;
	case HA_UP:
		if (ha.toofull)
			ha_down("too slow to take our writes");
		else if ((w = TAILQ_FIRST(&ha.wait)) != NULL &&
		    now - w->sent > HA_HANG)
			ha_down("no answer");
		else if (w == NULL && now - ha.pinged >= HA_PING)
			ha_ping();
		break;
	}
}

/* MSG_HA_AUTH: the password file's line, kept for each connection. */
void
ha_password(const void *p, size_t len)
{
	freezero(ha.password, ha.pwlen);
	if ((ha.password = malloc(len + 1)) == NULL)
		fatal("%s", __func__);
	memcpy(ha.password, p, len);
	ha.password[len] = '\0';
	ha.pwlen = len;
}

/*
 * A new config: a new ha_redis means a new connection; the same one, a
 * new look at what the partner wrote (SIGHUP when CARP makes this box
 * master: siproxd(8)).
 */
void
ha_config(void)
{
	if (strcmp(ha.where, child->conf->ha_redis) == 0) {
		ha_takeover();
		return;
	}
	if (ha.state != HA_OFF && ha.where[0] != '\0')
		ha_clear();
	ha.state = HA_OFF;
	strlcpy(ha.where, child->conf->ha_redis, sizeof(ha.where));
	ha.down_logged = ha.said_up = 0;
	if (child->started && ha_on())
		ha_connect();
}

void
ha_start(void)
{
	struct timeval	tv = { 1, 0 };

	reg_set_watch(ha_watch);
	ha.tick = event_new(child->base, -1, EV_PERSIST, ha_tick, NULL);
	if (ha.tick == NULL || event_add(ha.tick, &tv) == -1)
		fatalx("event_add");
	if (ha_on())
		ha_connect();
}

/*
 * The SIP sockets were bound anew: this box may just have taken the
 * virtual addresses over.  What the partner registered is loaded now.
 */
void
ha_takeover(void)
{
	if (ha.state != HA_UP)
		return;
	if (ha.loading) {
		/* the other side's address may come while we load */
		ha.again = 1;
		return;
	}
	ha.kind = HA_K_REG;
	ha_load("0");
}

void
ha_stats(void (*cb)(const char *, unsigned long long, void *), void *arg)
{
	if (!ha_on())
		return;
	cb("redis_up", ha.state == HA_UP, arg);
	cb("redis_sets", ha.stat_sets, arg);
	cb("redis_dels", ha.stat_dels, arg);
	cb("redis_bytes_out", ha.stat_bytes, arg);
	cb("redis_bad_records", ha.stat_bad, arg);
	cb("redis_calls", hacall_count(), arg);
}

/* For the fuzz harness: a connection waiting for the reply to cmd. */
void
ha_fuzz_begin(int cmd, int kind, int last)
{
	struct ha_wait	*w;

	ha_clear();
	if ((ha.rd = redisReaderCreateWithFunctions(&ha_fns)) == NULL)
		fatal("%s", __func__);
	ha.state = HA_UP;
	ha.resync = 1;
	if ((w = calloc(1, sizeof(*w))) == NULL)
		fatal("%s", __func__);
	w->cmd = cmd;
	w->kind = ha.kind = kind;
	w->last = last;
	TAILQ_INSERT_TAIL(&ha.wait, w, entry);
}

void
ha_fuzz_end(void)
{
	ha_clear();
	ha.state = HA_OFF;
	ha.resync = 0;
}
