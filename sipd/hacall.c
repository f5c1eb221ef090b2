/* SPDX-License-Identifier: ISC */
/* The calls the failover partner may take over: their records in Redis. */

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/tree.h>

#include <event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "addr.h"
#include "child.h"
#include "conf.h"
#include "hacall.h"
#include "hastore.h"
#include "log.h"
#include "mono.h"
#include "opaque.h"
#include "siphash.h"

/*
 * rtpd tells us of each answered stream when it changes (msg.h,
 * MSG_RELAY_STATE); we keep the last word of each and write the call's
 * record, at most every HACALL_DELAY, with a TTL a little past the
 * stream's timeout: rtpd says it again while media flows, so only a dead
 * call's record goes.  The Call-ID is kept from the INVITE on: rtpd knows
 * the call only by our hash of it, which the partner's differs from.
 */
#define HACALL_MAX	65536		/* calls tracked at once */
#define HACALL_NOTED	70		/* s a call may wait for an answer */
#define HACALL_DELAY	50000		/* us: changes gathered per write */
#define HACALL_HDR	"siproxd-call 1 node="

struct hacall {
	RB_ENTRY(hacall)	 entry;
	TAILQ_ENTRY(hacall)	 dirty_entry;
	uint64_t		 call;
	time_t			 born;
	int			 dirty;
	unsigned int		 have;		/* bit n: stream n */
	struct msg_relay_state	 st[HACALL_STREAMS];
	char			 cid[];
};

RB_HEAD(hacall_tree, hacall);
TAILQ_HEAD(hacall_q, hacall);

static int	hacall_cmp(struct hacall *, struct hacall *);
RB_PROTOTYPE(hacall_tree, hacall, entry, hacall_cmp)
RB_GENERATE(hacall_tree, hacall, entry, hacall_cmp)

static struct hacall_tree	 calls = RB_INITIALIZER(&calls);
static struct hacall_q		 dirty = TAILQ_HEAD_INITIALIZER(dirty);
static size_t			 ncalls;
static struct event		*flush_ev;

static int
hacall_cmp(struct hacall *a, struct hacall *b)
{
	return (a->call < b->call ? -1 : a->call > b->call);
}

static struct hacall *
hacall_find(uint64_t call)
{
	struct hacall	key;

	key.call = call;
	return (RB_FIND(hacall_tree, &calls, &key));
}

/* The key: the prefix, then a hash both boxes compute alike. */
static void
hacall_key(const char *cid, char *key, size_t len)
{
	static const struct siphash_key	k = { 0, 0 };

	snprintf(key, len, "%scall:%016llx", child->conf->ha_prefix,
	    (unsigned long long)siphash24(&k, cid, strlen(cid)));
}

static void
put_addr(FILE *f, const struct msg_addr *a)
{
	struct sockaddr_storage	ss;
	char			buf[64];

	if (a->family == 0 || msg_addr_to_sa(a, &ss) == -1)
		fputs(" -", f);
	else
		fprintf(f, " %s/%u", addr_ntop((struct sockaddr *)&ss, buf,
		    sizeof(buf)), a->port);
}

/* The record's text (hacall.h), malloc'd. */
char *
hacall_format(const struct hacall_rec *r, size_t *lenp)
{
	const struct msg_relay_leg	*l;
	FILE				*f;
	char				*buf;
	size_t				 i, k;

	if ((f = open_memstream(&buf, lenp)) == NULL)
		fatal("%s", __func__);
	fprintf(f, "%s%s\n%s\n", HACALL_HDR, r->node, r->cid);
	for (i = 0; i < r->nst; i++) {
		fprintf(f, "%u", r->st[i].stream);
		for (k = 0; k < ROLE_MAX; k++) {
			l = &r->st[i].leg[k];
			fprintf(f, " %u %u %x", l->port, l->family, l->flags);
			put_addr(f, &l->dst[0]);
			put_addr(f, &l->dst[1]);
			put_addr(f, &l->sig);
		}
		fputc('\n', f);
	}
	if (fclose(f) == EOF)
		fatal("%s", __func__);
	return (buf);
}

/* "ADDRESS/PORT" or "-". */
static int
get_addr(const char *s, struct msg_addr *a)
{
	struct sockaddr_storage	 ss;
	const char		*slash, *errstr;
	char			 ip[64];
	int			 port;

	memset(a, 0, sizeof(*a));
	if (strcmp(s, "-") == 0)
		return (0);
	if ((slash = strrchr(s, '/')) == NULL ||
	    (size_t)(slash - s) >= sizeof(ip))
		return (-1);
	memcpy(ip, s, slash - s);
	ip[slash - s] = '\0';
	port = strtonum(slash + 1, 1, 65535, &errstr);
	if (errstr != NULL || strchr(ip, '[') != NULL ||
	    addr_parse(ip, &ss) == -1)
		return (-1);
	addr_setport((struct sockaddr *)&ss, port);
	msg_addr_from_sa(a, (struct sockaddr *)&ss);
	return (0);
}

/* One leg: six words; our port must be an RTP port of our range. */
static const char *
get_leg(char **w, struct msg_relay_leg *l)
{
	const struct siproxd_conf	*c = child->conf;
	struct sockaddr_storage		 ss;
	const char			*errstr;
	char				*end;
	unsigned long			 fl;
	int				 k;

	l->port = strtonum(w[0], 0, 65535, &errstr);
	if (errstr != NULL || (l->port != 0 && (l->port < c->rtp_port_low ||
	    l->port >= c->rtp_port_high || l->port % 2 != 0)))
		return ("a port outside rtp_port_low..rtp_port_high");
	if (strcmp(w[1], "4") != 0 && strcmp(w[1], "6") != 0)
		return ("a family not 4 or 6");
	l->family = w[1][0] == '4' ? MSG_AF_INET : MSG_AF_INET6;
	fl = strtoul(w[2], &end, 16);
	if (*w[2] == '\0' || *end != '\0' || fl > RELAY_L_ALL)
		return ("bad leg flags");
	l->flags = fl;
	if (get_addr(w[3], &l->dst[0]) == -1 ||
	    get_addr(w[4], &l->dst[1]) == -1 || get_addr(w[5], &l->sig) == -1)
		return ("a malformed address");
	if (!(l->flags & RELAY_L_DST))
		return (l->dst[0].family == 0 && l->dst[1].family == 0 ?
		    NULL : "an endpoint without its flag");
	for (k = 0; k < 2; k++) {
		if (l->dst[k].family != l->family ||
		    msg_addr_to_sa(&l->dst[k], &ss) == -1 ||
		    !addr_is_unicast((struct sockaddr *)&ss))
			return ("an endpoint not a unicast address of the leg");
	}
	return (NULL);
}

/* A stream's line: its index, then two legs. */
static const char *
get_stream(char *line, struct msg_relay_state *st, unsigned int *seen)
{
	char		*w[1 + 6 * ROLE_MAX], *p;
	const char	*errstr, *why;
	size_t		 n = 0;
	int		 r;

	while ((p = strsep(&line, " ")) != NULL) {
		if (n == sizeof(w) / sizeof(w[0]))
			return ("a stream line too long");
		w[n++] = p;
	}
	if (n != sizeof(w) / sizeof(w[0]))
		return ("a stream line too short");
	memset(st, 0, sizeof(*st));
	st->stream = strtonum(w[0], 0, HACALL_STREAMS - 1, &errstr);
	if (errstr != NULL)
		return ("a stream number out of range");
	if (*seen & (1U << st->stream))
		return ("a stream twice");
	*seen |= 1U << st->stream;
	for (r = 0; r < ROLE_MAX; r++)
		if ((why = get_leg(w + 1 + 6 * r, &st->leg[r])) != NULL)
			return (why);
	if (st->leg[0].port == 0 && st->leg[1].port == 0)
		return ("a stream without ports");
	return (NULL);
}

static int
word_ok(const char *s, size_t max)
{
	size_t	n = strlen(s);

	if (n == 0 || n > max)
		return (0);
	for (; *s != '\0'; s++)
		if (*s <= ' ' || *s > '~')
			return (0);
	return (1);
}

/* A record from Redis: bad input, checked whole before a field is used. */
int
hacall_parse(const char *rec, size_t len, struct hacall_rec *r,
    const char **why)
{
	char		*buf, *p, *line;
	unsigned int	 seen = 0;

	*why = NULL;
	memset(r, 0, sizeof(*r));
	if (len > HACALL_RECMAX || memchr(rec, '\0', len) != NULL) {
		*why = "too long, or a NUL in it";
		return (-1);
	}
	if ((buf = malloc(len + 1)) == NULL)
		fatal("%s", __func__);
	memcpy(buf, rec, len);
	buf[len] = '\0';
	p = buf;
	line = strsep(&p, "\n");
	if (strncmp(line, HACALL_HDR, strlen(HACALL_HDR)) != 0 ||
	    !word_ok(line + strlen(HACALL_HDR), HACALL_NODEMAX))
		*why = "not a call record";
	else
		strlcpy(r->node, line + strlen(HACALL_HDR), sizeof(r->node));
	if (*why == NULL && ((line = strsep(&p, "\n")) == NULL ||
	    !word_ok(line, HACALL_CIDMAX)))
		*why = "a bad Call-ID";
	else if (*why == NULL)
		strlcpy(r->cid, line, sizeof(r->cid));
	while (*why == NULL && (line = strsep(&p, "\n")) != NULL &&
	    *line != '\0') {
		if (r->nst == HACALL_STREAMS)
			*why = "too many streams";
		else
			*why = get_stream(line, &r->st[r->nst++], &seen);
	}
	if (*why == NULL && (r->nst == 0 || (p != NULL && *p != '\0')))
		*why = r->nst == 0 ? "no stream" : "text after the end";
	free(buf);
	return (*why == NULL ? 0 : -1);
}

static void
hacall_free(struct hacall *c)
{
	if (c->dirty)
		TAILQ_REMOVE(&dirty, c, dirty_entry);
	RB_REMOVE(hacall_tree, &calls, c);
	ncalls--;
	free(c);
}

void
hacall_clear(void)
{
	struct hacall	*c, *next;

	RB_FOREACH_SAFE(c, hacall_tree, &calls, next)
		hacall_free(c);
}

static int
hacall_on(void)
{
	return (child->conf->ha_redis[0] != '\0' &&
	    child->conf->rtp_proxy_enable);
}

/* An INVITE's streams are asked for: the Call-ID, until rtpd speaks. */
void
hacall_note(uint64_t call, const char *cid)
{
	static struct log_limit	 lim;
	struct hacall		*c;
	size_t			 n = strlen(cid);

	if (!hacall_on() || hacall_find(call) != NULL || !word_ok(cid,
	    HACALL_CIDMAX))
		return;
	if (ncalls >= HACALL_MAX) {
		log_limited(&lim, LOG_WARNING, "redis: %d calls kept: a new "
		    "one will not survive a switch", HACALL_MAX);
		return;
	}
	if ((c = calloc(1, sizeof(*c) + n + 1)) == NULL)
		fatal("%s", __func__);
	c->call = call;
	c->born = mono_now();
	memcpy(c->cid, cid, n + 1);
	RB_INSERT(hacall_tree, &calls, c);
	ncalls++;
}

static void
hacall_write(struct hacall *c)
{
	struct hacall_rec	 r;
	char			 key[CONF_STRLEN + 32], *val;
	size_t			 len, i;
	int			 t = child->conf->rtp_timeout;

	memset(&r, 0, sizeof(r));
	strlcpy(r.node, child->conf->ha_node[0] != '\0' ?
	    child->conf->ha_node : "-", sizeof(r.node));
	strlcpy(r.cid, c->cid, sizeof(r.cid));
	for (i = 0; i < HACALL_STREAMS; i++)
		if (c->have & (1U << i))
			r.st[r.nst++] = c->st[i];
	hacall_key(c->cid, key, sizeof(key));
	val = hacall_format(&r, &len);
	/* rtpd says it again every rtp_timeout / 3 + 1 while media flows */
	ha_write(key, val, len, t + t / 3 + 6);
	free(val);
}

static void
hacall_flush(int fd, short ev, void *arg)
{
	struct hacall	*c;

	while ((c = TAILQ_FIRST(&dirty)) != NULL) {
		TAILQ_REMOVE(&dirty, c, dirty_entry);
		c->dirty = 0;
		hacall_write(c);
	}
}

static void
hacall_dirty(struct hacall *c)
{
	struct timeval	tv = { 0, HACALL_DELAY };

	if (c->dirty)
		return;
	c->dirty = 1;
	TAILQ_INSERT_TAIL(&dirty, c, dirty_entry);
	if (flush_ev == NULL && (flush_ev = evtimer_new(child->base,
	    hacall_flush, NULL)) == NULL)
		fatalx("evtimer_new");
	if (!evtimer_pending(flush_ev, NULL) && evtimer_add(flush_ev,
	    &tv) == -1)
		fatalx("evtimer_add");
}

/* MSG_RELAY_STATE: a stream of a call changed, ended, or is not ours. */
void
hacall_state(const struct msg *m)
{
	struct msg_relay_state	 s;
	struct hacall		*c;
	char			 key[CONF_STRLEN + 32];

	memcpy(&s, m->data, sizeof(s));
	if (!hacall_on() || s.stream >= HACALL_STREAMS ||
	    (c = hacall_find(s.call)) == NULL)
		return;
	if (!(s.flags & (RELAY_S_GONE | RELAY_S_LOST))) {
		s.call = 0;
		c->st[s.stream] = s;
		c->have |= 1U << s.stream;
		hacall_dirty(c);
		return;
	}
	c->have &= ~(1U << s.stream);
	if (c->have != 0) {
		if (s.flags & RELAY_S_GONE)
			hacall_dirty(c);
		return;
	}
	/* An expired stream's record goes with its TTL: the partner may
	 * hold the call now. */
	if (s.flags & RELAY_S_GONE) {
		hacall_key(c->cid, key, sizeof(key));
		ha_remove(key);
	}
	hacall_free(c);
}

/*
 * A record the load found.  Its streams go to rtpd, which takes those it
 * does not hold on their ports; the first word from it makes the call
 * ours, written with our name.  1 if taken, 0 if held already, -1 bad.
 */
int
hacall_merge(const char *rec, size_t len, const char **why)
{
	struct hacall_rec	 r;
	struct hacall		*c;
	uint64_t		 call;
	size_t			 i, n = 0;

	if (hacall_parse(rec, len, &r, why) == -1)
		return (-1);
	if (!hacall_on())
		return (0);
	call = opaque_hash(r.cid, strlen(r.cid));
	hacall_note(call, r.cid);
	if ((c = hacall_find(call)) == NULL)
		return (0);
	for (i = 0; i < r.nst; i++) {
		if (c->have & (1U << r.st[i].stream))
			continue;
		r.st[i].call = call;
		msg_send(&child->sibling, MSG_RELAY_RESTORE, 0, -1, &r.st[i],
		    sizeof(r.st[i]));
		n++;
	}
	return (n > 0);
}

/* Redis is back: every call we hold is written again. */
void
hacall_resync(void)
{
	struct hacall	*c;

	RB_FOREACH(c, hacall_tree, &calls)
		if (c->have != 0)
			hacall_dirty(c);
}

/* Once a second: forget the calls no 2xx answered. */
void
hacall_tick(time_t now)
{
	struct hacall	*c, *next;

	RB_FOREACH_SAFE(c, hacall_tree, &calls, next)
		if (c->have == 0 && now - c->born > HACALL_NOTED)
			hacall_free(c);
}

size_t
hacall_count(void)
{
	return (ncalls);
}
