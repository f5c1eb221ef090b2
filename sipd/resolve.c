/* SPDX-License-Identifier: ISC */
/* Non-blocking server location for sipd: RFC 3263 §4 on c-ares. */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/queue.h>
#include <sys/tree.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <arpa/nameser.h>

#include <ares.h>
#include <event.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "log.h"
#include "mono.h"
#include "naptr.h"
#include "resolve.h"

#define RESOLVE_PORT		5060
#define RESOLVE_TLS_PORT	5061	/* RFC 3263 §4.2: sips: */
#define RESOLVE_TIMEOUT_MS	2000	/* first try; c-ares doubles it */
#define RESOLVE_TRIES		2
#define RESOLVE_MAXNAME		253
#define RESOLVE_MAXTARGETS	8	/* SRV targets kept per lookup */
#define RESOLVE_MAXADDRS	16	/* per target and family */
#define RESOLVE_CACHE_TTL	60	/* seconds, upper bound */
#define RESOLVE_CACHE_MAX	128

#define DNS_HDRLEN		12
#define DNS_QFIXLEN		4
#define DNS_RRFIXLEN		10
#define DNS_SEC_ANSWER		1
#define DNS_SEC_ADDITIONAL	3

#define RESOLVE_SETS	(RESOLVE_SET(RESOLVE_UDP) | RESOLVE_SET(RESOLVE_TCP) | \
			 RESOLVE_SET(RESOLVE_TLS))

struct addrlist {
	struct sockaddr_storage	*sa;
	size_t			 n;
};

/* One SRV target (or the host itself), with its addresses by family. */
struct target {
	struct resolve_req	*req;
	char			*name;
	uint16_t		 port;
	uint16_t		 prio;
	uint16_t		 weight;
	struct addrlist		 v4;
	struct addrlist		 v6;
};

struct resolve_req {
	TAILQ_ENTRY(resolve_req) entry;
	char			*host;
	uint16_t		 port;
	int			 want;		/* as resolve_start got it */
	int			 set;		/* RESOLVE_SET bits */
	int			 transport;	/* of the lookup in hand */
	int			 srvset;	/* SRV names yet to try */
	int			 dotted;	/* one said "not here" */
	struct naptr_pick	*picks;		/* NAPTR records to follow */
	size_t			 npicks;
	size_t			 ipick;
	resolve_cb		 cb;
	void			*arg;
	struct event		*ev;		/* delivers the answer */
	int			 pending;	/* c-ares queries in flight */
	int			 cancelled;
	int			 error;
	uint32_t		 ttl;
	struct target		*targets;
	size_t			 ntargets;
	struct addrlist		 result;
};

struct cache_entry {
	RB_ENTRY(cache_entry)	 node;
	TAILQ_ENTRY(cache_entry) age;
	char			*host;
	uint16_t		 port;
	int			 want;
	int			 transport;	/* what the lookup chose */
	time_t			 expires;
	struct target		*targets;
	size_t			 ntargets;
};

struct resolve_sock {
	TAILQ_ENTRY(resolve_sock) entry;
	ares_socket_t		 fd;
	struct event		*ev;
};

struct dns_rr {
	int			 section;
	const char		*name;
	uint16_t		 type;
	uint16_t		 class;
	uint32_t		 ttl;
	const unsigned char	*rdata;
	uint16_t		 rdlen;
};

RB_HEAD(resolve_cache_tree, cache_entry);
RB_PROTOTYPE(resolve_cache_tree, cache_entry, node, cache_cmp)

static struct event_base	*resolve_base;
static ares_channel		 resolve_channel;
static struct event		*resolve_timer;
static int			 resolve_stopping;
static TAILQ_HEAD(, resolve_req) resolve_reqs =
    TAILQ_HEAD_INITIALIZER(resolve_reqs);
static TAILQ_HEAD(, resolve_sock) resolve_socks =
    TAILQ_HEAD_INITIALIZER(resolve_socks);
static struct resolve_cache_tree resolve_cache =
    RB_INITIALIZER(&resolve_cache);
static TAILQ_HEAD(, cache_entry) resolve_cache_age =
    TAILQ_HEAD_INITIALIZER(resolve_cache_age);
static size_t			 resolve_ncache;

static void	resolve_query_addr(struct resolve_req *, struct target *);
static uint16_t	resolve_port(int);
static void	resolve_unref(struct resolve_req *);
static void	resolve_next(struct resolve_req *);

static int
cache_cmp(struct cache_entry *a, struct cache_entry *b)
{
	if (a->port != b->port)
		return (a->port < b->port ? -1 : 1);
	if (a->want != b->want)
		return (a->want < b->want ? -1 : 1);
	return (strcasecmp(a->host, b->host));
}

RB_GENERATE(resolve_cache_tree, cache_entry, node, cache_cmp)

static void
addrlist_add(struct addrlist *l, const struct sockaddr_storage *ss)
{
	struct sockaddr_storage	*p;

	if ((p = reallocarray(l->sa, l->n + 1, sizeof(*p))) == NULL)
		fatal(NULL);
	l->sa = p;
	l->sa[l->n++] = *ss;
}

static void
addrlist_free(struct addrlist *l)
{
	free(l->sa);
	l->sa = NULL;
	l->n = 0;
}

static void
resolve_sa(struct sockaddr_storage *ss, int af, const void *in, uint16_t port)
{
	struct sockaddr_in	*sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (af == AF_INET) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		memcpy(&sin->sin_addr, in, sizeof(sin->sin_addr));
	} else {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		memcpy(&sin6->sin6_addr, in, sizeof(sin6->sin6_addr));
	}
}

static void
targets_free(struct target *t, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(t[i].name);
		addrlist_free(&t[i].v4);
		addrlist_free(&t[i].v6);
	}
	free(t);
}

/* Priority first; within one, zero weights go first (RFC 2782). */
static int
target_cmp(const void *va, const void *vb)
{
	const struct target	*a = va, *b = vb;

	if (a->prio != b->prio)
		return (a->prio < b->prio ? -1 : 1);
	return ((a->weight != 0) - (b->weight != 0));
}

/* RFC 2782 weighted selection inside one priority. */
static void
targets_order_group(struct target *t, size_t n)
{
	struct target	tmp;
	uint32_t	sum, run, r;
	size_t		i, k;

	for (i = 0; i + 1 < n; i++) {
		sum = 0;
		for (k = i; k < n; k++)
			sum += t[k].weight;
		r = arc4random_uniform(sum + 1);
		run = 0;
		for (k = i; k < n - 1; k++) {
			run += t[k].weight;
			if (run >= r)
				break;
		}
		/* keep the rest in order so zero weights stay in front */
		tmp = t[k];
		memmove(&t[i + 1], &t[i], (k - i) * sizeof(*t));
		t[i] = tmp;
	}
}

static void
targets_order(struct target *t, size_t n)
{
	size_t	i, j;

	qsort(t, n, sizeof(*t), target_cmp);
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && t[j].prio == t[i].prio; j++)
			;
		targets_order_group(&t[i], j - i);
	}
}

static void
targets_flatten(struct addrlist *out, const struct target *t, size_t n)
{
	size_t	i, k;

	for (i = 0; i < n; i++) {
		for (k = 0; k < t[i].v4.n; k++)
			addrlist_add(out, &t[i].v4.sa[k]);
		for (k = 0; k < t[i].v6.n; k++)
			addrlist_add(out, &t[i].v6.sa[k]);
	}
}

static void
cache_remove(struct cache_entry *e)
{
	RB_REMOVE(resolve_cache_tree, &resolve_cache, e);
	TAILQ_REMOVE(&resolve_cache_age, e, age);
	resolve_ncache--;
	targets_free(e->targets, e->ntargets);
	free(e->host);
	free(e);
}

static struct cache_entry *
cache_find_key(const char *host, uint16_t port, int want)
{
	struct cache_entry	key;

	memset(&key, 0, sizeof(key));
	key.host = (char *)host;	/* only compared */
	key.port = port;
	key.want = want;
	return (RB_FIND(resolve_cache_tree, &resolve_cache, &key));
}

static struct cache_entry *
cache_find(const struct resolve_req *req)
{
	return (cache_find_key(req->host, req->port, req->want));
}

static int
cache_lookup(struct resolve_req *req)
{
	struct cache_entry	*e;

	if ((e = cache_find(req)) == NULL)
		return (0);
	if (e->expires <= mono_now()) {
		cache_remove(e);
		return (0);
	}
	/* reshuffle on every hit so equal-priority targets share load */
	targets_order(e->targets, e->ntargets);
	req->transport = e->transport;
	targets_flatten(&req->result, e->targets, e->ntargets);
	return (1);
}

/* Positive answers only; the targets move from the request to the cache. */
static void
cache_store(struct resolve_req *req)
{
	struct cache_entry	*e;
	time_t			 now;
	size_t			 i;

	if (req->ttl == 0 || req->ntargets == 0)
		return;
	now = mono_now();
	if ((e = cache_find(req)) != NULL)
		cache_remove(e);
	while ((e = TAILQ_FIRST(&resolve_cache_age)) != NULL &&
	    (e->expires <= now || resolve_ncache >= RESOLVE_CACHE_MAX))
		cache_remove(e);
	if ((e = calloc(1, sizeof(*e))) == NULL)
		fatal(NULL);
	if ((e->host = strdup(req->host)) == NULL)
		fatal(NULL);
	e->port = req->port;
	e->want = req->want;
	e->transport = req->transport;
	e->expires = now + req->ttl;
	e->targets = req->targets;
	e->ntargets = req->ntargets;
	for (i = 0; i < e->ntargets; i++)
		e->targets[i].req = NULL;
	req->targets = NULL;
	req->ntargets = 0;
	RB_INSERT(resolve_cache_tree, &resolve_cache, e);
	TAILQ_INSERT_TAIL(&resolve_cache_age, e, age);
	resolve_ncache++;
}

static void
resolve_timer_update(void)
{
	struct timeval	tv, *tvp;

	if (resolve_channel == NULL)
		return;
	if ((tvp = ares_timeout(resolve_channel, NULL, &tv)) == NULL)
		evtimer_del(resolve_timer);
	else if (evtimer_add(resolve_timer, tvp) == -1)
		fatalx("%s: evtimer_add", __func__);
}

static void
resolve_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	ares_process_fd(resolve_channel, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
	resolve_timer_update();
}

static void
resolve_sock_cb(evutil_socket_t fd, short what, void *arg)
{
	ares_process_fd(resolve_channel,
	    (what & EV_READ) ? fd : ARES_SOCKET_BAD,
	    (what & EV_WRITE) ? fd : ARES_SOCKET_BAD);
	resolve_timer_update();
}

/* c-ares tells us which of its sockets to watch, and for what. */
static void
resolve_sock_state(void *data, ares_socket_t fd, int readable, int writable)
{
	struct resolve_sock	*s;
	short			 what = EV_PERSIST;

	TAILQ_FOREACH(s, &resolve_socks, entry)
		if (s->fd == fd)
			break;
	if (s != NULL && s->ev != NULL) {
		event_free(s->ev);
		s->ev = NULL;
	}
	if (!readable && !writable) {
		if (s != NULL) {
			TAILQ_REMOVE(&resolve_socks, s, entry);
			free(s);
		}
		return;
	}
	if (s == NULL) {
		if ((s = calloc(1, sizeof(*s))) == NULL)
			fatal(NULL);
		s->fd = fd;
		TAILQ_INSERT_TAIL(&resolve_socks, s, entry);
	}
	if (readable)
		what |= EV_READ;
	if (writable)
		what |= EV_WRITE;
	if ((s->ev = event_new(resolve_base, fd, what, resolve_sock_cb,
	    NULL)) == NULL)
		fatalx("%s: event_new", __func__);
	if (event_add(s->ev, NULL) == -1)
		fatalx("%s: event_add", __func__);
}

int
resolve_init(struct event_base *base, const char *servers)
{
	struct ares_options	opts;
	int			optmask, r;

	if (resolve_channel != NULL) {
		log_warnx("%s: already initialised", __func__);
		return (-1);
	}
	if ((r = ares_library_init(ARES_LIB_INIT_ALL)) != ARES_SUCCESS) {
		log_warnx("resolver: %s", ares_strerror(r));
		return (-1);
	}
	memset(&opts, 0, sizeof(opts));
	opts.sock_state_cb = resolve_sock_state;
	opts.timeout = RESOLVE_TIMEOUT_MS;
	opts.tries = RESOLVE_TRIES;
	optmask = ARES_OPT_SOCK_STATE_CB | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES;
	/* explicit servers (the tests): no search list from this host */
	if (servers != NULL)
		optmask |= ARES_OPT_DOMAINS;
	if ((r = ares_init_options(&resolve_channel, &opts, optmask)) !=
	    ARES_SUCCESS) {
		log_warnx("resolver: %s", ares_strerror(r));
		goto fail;
	}
	if (servers != NULL && (r = ares_set_servers_ports_csv(resolve_channel,
	    servers)) != ARES_SUCCESS) {
		log_warnx("resolver: servers \"%s\": %s", servers,
		    ares_strerror(r));
		ares_destroy(resolve_channel);
		goto fail;
	}
	resolve_base = base;
	if ((resolve_timer = evtimer_new(base, resolve_timer_cb, NULL)) ==
	    NULL)
		fatalx("%s: evtimer_new", __func__);
	return (0);
 fail:
	resolve_channel = NULL;
	ares_library_cleanup();
	return (-1);
}

static int
resolve_error(int status)
{
	switch (status) {
	case ARES_SUCCESS:
		return (RESOLVE_OK);
	case ARES_ENODATA:
	case ARES_ENOTFOUND:
		return (RESOLVE_ENOTFOUND);
	case ARES_ETIMEOUT:
		return (RESOLVE_ETIMEOUT);
	case ARES_EBADNAME:
		return (RESOLVE_EBADNAME);
	default:
		return (RESOLVE_EFAIL);
	}
}

/* Of several failed queries, report the most telling one. */
static void
resolve_note_error(struct resolve_req *req, int status)
{
	int	error = resolve_error(status);

	if (error > req->error)
		req->error = error;
}

static void
resolve_note_ttl(struct resolve_req *req, uint32_t ttl)
{
	/* RFC 2181 §8: a TTL with the top bit set counts as zero */
	if (ttl > INT32_MAX)
		ttl = 0;
	if (ttl < req->ttl)
		req->ttl = ttl;
}

/* 1: an IP literal, 0: a name, -1: a broken [IPv6] reference. */
static int
resolve_literal(const char *host, uint16_t port, struct sockaddr_storage *ss)
{
	char		buf[INET6_ADDRSTRLEN];
	unsigned char	in[sizeof(struct in6_addr)];
	size_t		len = strlen(host);

	if (host[0] == '[') {
		if (len < 3 || host[len - 1] != ']' || len - 2 >= sizeof(buf))
			return (-1);
		memcpy(buf, host + 1, len - 2);
		buf[len - 2] = '\0';
		if (inet_pton(AF_INET6, buf, in) != 1)
			return (-1);
		resolve_sa(ss, AF_INET6, in, port);
		return (1);
	}
	if (inet_pton(AF_INET, host, in) == 1) {
		resolve_sa(ss, AF_INET, in, port);
		return (1);
	}
	if (inet_pton(AF_INET6, host, in) == 1) {
		resolve_sa(ss, AF_INET6, in, port);
		return (1);
	}
	return (0);
}

/* RFC 1035 §2.3.1 names, plus '_' which is seen in the wild. */
int
resolve_valid_name(const char *name)
{
	size_t		label = 0, len;
	const char	*p;

	len = strlen(name);
	if (len == 0 || len > RESOLVE_MAXNAME + 1 ||
	    (len == RESOLVE_MAXNAME + 1 && name[len - 1] != '.'))
		return (0);
	for (p = name; *p != '\0'; p++) {
		if (*p == '.') {
			/* no empty label; a trailing dot is fine */
			if (label == 0)
				return (0);
			label = 0;
		} else if ((*p >= 'a' && *p <= 'z') ||
		    (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    *p == '-' || *p == '_') {
			if (++label > 63)
				return (0);
		} else
			return (0);
	}
	return (1);
}

/* Walk every record of a reply; -1 if it is malformed. */
static int
dns_walk(const unsigned char *abuf, int alen,
    void (*fn)(void *, const struct dns_rr *), void *arg)
{
	const unsigned char	*p, *end;
	struct dns_rr		 rr;
	char			*name;
	long			 enclen;
	unsigned int		 count[4], sec, i;

	if (abuf == NULL || alen < DNS_HDRLEN)
		return (-1);
	end = abuf + alen;
	for (sec = 0; sec < 4; sec++)
		count[sec] = abuf[4 + 2 * sec] << 8 | abuf[5 + 2 * sec];
	p = abuf + DNS_HDRLEN;
	for (sec = 0; sec < 4; sec++) {
		for (i = 0; i < count[sec]; i++) {
			if (p >= end || ares_expand_name(p, abuf, alen, &name,
			    &enclen) != ARES_SUCCESS)
				return (-1);
			if (enclen <= 0 || enclen > end - p)
				goto bad;
			p += enclen;
			if (sec == 0) {
				ares_free_string(name);
				if (end - p < DNS_QFIXLEN)
					return (-1);
				p += DNS_QFIXLEN;
				continue;
			}
			if (end - p < DNS_RRFIXLEN)
				goto bad;
			rr.section = sec;
			rr.name = name;
			rr.type = p[0] << 8 | p[1];
			rr.class = p[2] << 8 | p[3];
			rr.ttl = (uint32_t)p[4] << 24 | (uint32_t)p[5] << 16 |
			    (uint32_t)p[6] << 8 | p[7];
			rr.rdlen = p[8] << 8 | p[9];
			p += DNS_RRFIXLEN;
			if (end - p < rr.rdlen)
				goto bad;
			rr.rdata = p;
			fn(arg, &rr);
			ares_free_string(name);
			p += rr.rdlen;
		}
	}
	return (0);
 bad:
	ares_free_string(name);
	return (-1);
}

/* An answer holds while its records do: NAPTR, CNAME, SRV. */
static void
resolve_answer_ttl(void *arg, const struct dns_rr *rr)
{
	struct resolve_req	*req = arg;

	if (rr->section == DNS_SEC_ANSWER)
		resolve_note_ttl(req, rr->ttl);
}

/* RFC 2782 "Additional data": addresses of a target sent with the SRV. */
static void
resolve_srv_additional(void *arg, const struct dns_rr *rr)
{
	struct target		*t = arg;
	struct sockaddr_storage	 ss;

	if (rr->section != DNS_SEC_ADDITIONAL || rr->class != C_IN ||
	    strcasecmp(rr->name, t->name) != 0)
		return;
	if (rr->type == T_A && rr->rdlen == sizeof(struct in_addr) &&
	    t->v4.n < RESOLVE_MAXADDRS) {
		resolve_sa(&ss, AF_INET, rr->rdata, t->port);
		addrlist_add(&t->v4, &ss);
	} else if (rr->type == T_AAAA &&
	    rr->rdlen == sizeof(struct in6_addr) &&
	    t->v6.n < RESOLVE_MAXADDRS) {
		resolve_sa(&ss, AF_INET6, rr->rdata, t->port);
		addrlist_add(&t->v6, &ss);
	} else
		return;
	resolve_note_ttl(t->req, rr->ttl);
}

/* RFC 3263 §4.2: without SRV records, the host itself on the default port. */
static void
resolve_host_target(struct resolve_req *req, uint16_t port)
{
	struct target	*t;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		fatal(NULL);
	if ((t->name = strdup(req->host)) == NULL)
		fatal(NULL);
	t->req = req;
	t->port = port;
	req->targets = t;
	req->ntargets = 1;
	resolve_query_addr(req, t);
}

static void
resolve_srv_reply(struct resolve_req *req, unsigned char *abuf, int alen)
{
	struct ares_srv_reply	*srv, *s;
	struct target		*t;
	size_t			 n = 0, i;
	int			 r;

	if ((r = ares_parse_srv_reply(abuf, alen, &srv)) != ARES_SUCCESS) {
		if (r == ARES_ENODATA)
			resolve_next(req);
		else
			resolve_note_error(req, ARES_EBADRESP);
		return;
	}
	/* RFC 2782: a target of "." means the service is not offered */
	for (s = srv; s != NULL; s = s->next)
		if (resolve_valid_name(s->host) && strcmp(s->host, ".") != 0)
			n++;
	if (n == 0) {
		ares_free_data(srv);
		req->dotted = 1;
		resolve_next(req);
		return;
	}
	if ((req->targets = calloc(n, sizeof(*t))) == NULL)
		fatal(NULL);
	for (s = srv, i = 0; s != NULL; s = s->next) {
		if (!resolve_valid_name(s->host) || strcmp(s->host, ".") == 0)
			continue;
		t = &req->targets[i++];
		if ((t->name = strdup(s->host)) == NULL)
			fatal(NULL);
		t->req = req;
		t->port = s->port;
		t->prio = s->priority;
		t->weight = s->weight;
	}
	ares_free_data(srv);
	targets_order(req->targets, n);
	for (i = RESOLVE_MAXTARGETS; i < n; i++)
		free(req->targets[i].name);
	req->ntargets = n < RESOLVE_MAXTARGETS ? n : RESOLVE_MAXTARGETS;
	(void)dns_walk(abuf, alen, resolve_answer_ttl, req);
	for (i = 0; i < req->ntargets; i++) {
		t = &req->targets[i];
		(void)dns_walk(abuf, alen, resolve_srv_additional, t);
		if (t->v4.n == 0 && t->v6.n == 0)
			resolve_query_addr(req, t);
	}
}

static void
resolve_srv_cb(void *arg, int status, int timeouts, unsigned char *abuf,
    int alen)
{
	struct resolve_req	*req = arg;

	if (!req->cancelled && !resolve_stopping) {
		if (status == ARES_SUCCESS)
			resolve_srv_reply(req, abuf, alen);
		else if (status == ARES_ENOTFOUND || status == ARES_ENODATA)
			resolve_next(req);
		else
			resolve_note_error(req, status);
	}
	resolve_unref(req);
}

static void
resolve_addr_reply(struct target *t, int af, unsigned char *abuf, int alen)
{
	struct ares_addrttl	a4[RESOLVE_MAXADDRS];
	struct ares_addr6ttl	a6[RESOLVE_MAXADDRS];
	struct sockaddr_storage	ss;
	int			n = RESOLVE_MAXADDRS, i, r;

	if (af == AF_INET)
		r = ares_parse_a_reply(abuf, alen, NULL, a4, &n);
	else
		r = ares_parse_aaaa_reply(abuf, alen, NULL, a6, &n);
	if (r != ARES_SUCCESS) {
		resolve_note_error(t->req, r);
		return;
	}
	for (i = 0; i < n && i < RESOLVE_MAXADDRS; i++) {
		if (af == AF_INET) {
			resolve_sa(&ss, af, &a4[i].ipaddr, t->port);
			addrlist_add(&t->v4, &ss);
			resolve_note_ttl(t->req, a4[i].ttl < 0 ? 0 : a4[i].ttl);
		} else {
			resolve_sa(&ss, af, &a6[i].ip6addr, t->port);
			addrlist_add(&t->v6, &ss);
			resolve_note_ttl(t->req, a6[i].ttl < 0 ? 0 : a6[i].ttl);
		}
	}
}

static void
resolve_addr_done(struct target *t, int af, int status, unsigned char *abuf,
    int alen)
{
	struct resolve_req	*req = t->req;

	if (!req->cancelled && !resolve_stopping) {
		if (status == ARES_SUCCESS)
			resolve_addr_reply(t, af, abuf, alen);
		else
			resolve_note_error(req, status);
	}
	resolve_unref(req);
}

static void
resolve_a_cb(void *arg, int status, int timeouts, unsigned char *abuf,
    int alen)
{
	resolve_addr_done(arg, AF_INET, status, abuf, alen);
}

static void
resolve_aaaa_cb(void *arg, int status, int timeouts, unsigned char *abuf,
    int alen)
{
	resolve_addr_done(arg, AF_INET6, status, abuf, alen);
}

static void
resolve_query_addr(struct resolve_req *req, struct target *t)
{
	req->pending++;
	ares_search(resolve_channel, t->name, C_IN, T_A, resolve_a_cb, t);
	req->pending++;
	ares_search(resolve_channel, t->name, C_IN, T_AAAA, resolve_aaaa_cb,
	    t);
}

/* The port of a host without one and without SRV records (RFC 3263 §4.2). */
static uint16_t
resolve_port(int transport)
{
	return (transport == RESOLVE_TLS ? RESOLVE_TLS_PORT : RESOLVE_PORT);
}

/* The first transport of a set: UDP for sip:, TLS for sips: (§4.1). */
static int
resolve_first(int set)
{
	if (set & RESOLVE_SET(RESOLVE_UDP))
		return (RESOLVE_UDP);
	if (set & RESOLVE_SET(RESOLVE_TCP))
		return (RESOLVE_TCP);
	return (RESOLVE_TLS);
}

static void
resolve_query_srv(struct resolve_req *req, const char *name)
{
	req->pending++;
	ares_search(resolve_channel, name, C_IN, T_SRV, resolve_srv_cb, req);
}

/* The SRV name of the domain for the next transport of req->srvset. */
static void
resolve_query_domain_srv(struct resolve_req *req)
{
	char	name[RESOLVE_MAXNAME + 16];
	int	r;

	req->transport = resolve_first(req->srvset);
	req->srvset &= ~RESOLVE_SET(req->transport);
	r = snprintf(name, sizeof(name), "%s.%s",
	    req->transport == RESOLVE_TLS ? "_sips._tcp" :
	    req->transport == RESOLVE_TCP ? "_sip._tcp" : "_sip._udp",
	    req->host);
	if (r < 0 || (size_t)r >= sizeof(name)) {
		req->error = RESOLVE_EBADNAME;
		return;
	}
	resolve_query_srv(req, name);
}

/*
 * The last SRV name gave nothing: the next NAPTR record's (RFC 3263
 * §4.1), else the domain's SRV name for the next transport, else the
 * host itself over the first (§4.2), unless an SRV said "not here".
 */
static void
resolve_next(struct resolve_req *req)
{
	struct naptr_pick	*p;

	if (req->ipick < req->npicks) {
		p = &req->picks[req->ipick++];
		req->transport = p->transport;
		resolve_query_srv(req, p->srv);
	} else if (req->srvset != 0)
		resolve_query_domain_srv(req);
	else if (req->dotted)
		req->error = RESOLVE_ENOTFOUND;
	else {
		req->transport = resolve_first(req->set);
		resolve_host_target(req, resolve_port(req->transport));
	}
}

/*
 * RFC 3263 §4.1: the NAPTR records name the SRV lookups to make, best
 * first; none we can use (or none at all, or a reply that does not
 * parse) and the domain's SRV names are tried instead.
 */
static void
resolve_naptr_picks(struct resolve_req *req, const unsigned char *abuf,
    int alen)
{
	struct naptr_pick	picks[NAPTR_MAXPICKS];
	int			n;

	if ((n = naptr_parse(abuf, alen, req->set, picks,
	    NAPTR_MAXPICKS)) <= 0)
		return;
	if ((req->picks = reallocarray(NULL, n, sizeof(*picks))) == NULL)
		fatal(NULL);
	memcpy(req->picks, picks, n * sizeof(*picks));
	req->npicks = n;
	(void)dns_walk(abuf, alen, resolve_answer_ttl, req);
}

static void
resolve_naptr_cb(void *arg, int status, int timeouts, unsigned char *abuf,
    int alen)
{
	struct resolve_req	*req = arg;

	if (!req->cancelled && !resolve_stopping) {
		if (status == ARES_ETIMEOUT)
			resolve_note_error(req, status);
		else {
			if (status == ARES_SUCCESS)
				resolve_naptr_picks(req, abuf, alen);
			resolve_next(req);
		}
	}
	resolve_unref(req);
}

static void
resolve_destroy(struct resolve_req *req)
{
	event_free(req->ev);
	targets_free(req->targets, req->ntargets);
	addrlist_free(&req->result);
	free(req->picks);
	free(req->host);
	free(req);
}

static void
resolve_free(struct resolve_req *req)
{
	TAILQ_REMOVE(&resolve_reqs, req, entry);
	resolve_destroy(req);
}

static void
resolve_deliver(evutil_socket_t fd, short what, void *arg)
{
	struct resolve_req	*req = arg;

	/* off the list first: the callback may start or shut down */
	TAILQ_REMOVE(&resolve_reqs, req, entry);
	if (req->error == RESOLVE_OK)
		req->cb(req->arg, RESOLVE_OK, req->transport, req->result.sa,
		    req->result.n);
	else
		req->cb(req->arg, req->error, req->transport, NULL, 0);
	resolve_destroy(req);
}

/* The answer always goes out from the event loop, never re-entrantly. */
static void
resolve_schedule(struct resolve_req *req)
{
	struct timeval	tv = { 0, 0 };

	if (evtimer_add(req->ev, &tv) == -1)
		fatalx("%s: evtimer_add", __func__);
}

static void
resolve_complete(struct resolve_req *req)
{
	targets_flatten(&req->result, req->targets, req->ntargets);
	if (req->result.n > 0) {
		req->error = RESOLVE_OK;
		cache_store(req);
	} else {
		if (req->error == RESOLVE_OK)
			req->error = RESOLVE_ENOTFOUND;
		log_debug("resolve %s: %s", log_wire(req->host,
		    strlen(req->host)), resolve_strerror(req->error));
	}
	resolve_schedule(req);
}

static void
resolve_unref(struct resolve_req *req)
{
	if (--req->pending > 0)
		return;
	if (req->cancelled || resolve_stopping)
		resolve_free(req);
	else
		resolve_complete(req);
}

struct resolve_req *
resolve_start(const char *host, uint16_t port, int want, resolve_cb cb,
    void *arg)
{
	struct resolve_req	*req;
	struct sockaddr_storage	 ss;
	int			 r, set;

	if (resolve_channel == NULL)
		fatalx("%s: not initialised", __func__);
	if (want == RESOLVE_UDP || want == RESOLVE_TCP || want == RESOLVE_TLS)
		set = RESOLVE_SET(want);
	else if ((want & RESOLVE_PICK) && (set = want & RESOLVE_SETS) != 0 &&
	    (want & ~(RESOLVE_PICK | RESOLVE_SETS)) == 0)
		;
	else
		fatalx("%s: bad transport %d", __func__, want);
	if ((req = calloc(1, sizeof(*req))) == NULL)
		fatal(NULL);
	if ((req->host = strdup(host)) == NULL)
		fatal(NULL);
	req->port = port;
	req->want = want;
	req->set = set;
	req->transport = resolve_first(set);
	/* RFC 3263 §4.1: a sip: URI tries UDP, then TCP; a sips: one TLS */
	req->srvset = set & (RESOLVE_SET(RESOLVE_UDP) |
	    RESOLVE_SET(RESOLVE_TCP));
	if (req->srvset == 0)
		req->srvset = set;
	req->cb = cb;
	req->arg = arg;
	req->ttl = RESOLVE_CACHE_TTL;
	if ((req->ev = evtimer_new(resolve_base, resolve_deliver, req)) ==
	    NULL)
		fatalx("%s: evtimer_new", __func__);
	TAILQ_INSERT_TAIL(&resolve_reqs, req, entry);

	r = resolve_literal(host, port != 0 ? port :
	    resolve_port(req->transport), &ss);
	if (r == 1)
		addrlist_add(&req->result, &ss);
	else if (r == -1 || !resolve_valid_name(host))
		req->error = RESOLVE_EBADNAME;
	if (r != 0 || req->error != RESOLVE_OK || cache_lookup(req)) {
		resolve_schedule(req);
		return (req);
	}

	/* hold a reference so that no early answer completes us */
	req->pending = 1;
	if (port != 0)
		resolve_host_target(req, port);
	else if (want & RESOLVE_PICK) {
		req->pending++;
		ares_search(resolve_channel, host, C_IN, T_NAPTR,
		    resolve_naptr_cb, req);
	} else
		resolve_next(req);
	resolve_unref(req);
	resolve_timer_update();
	return (req);
}

int
resolve_known(const char *host, uint16_t port, int want)
{
	struct sockaddr_storage	 ss;
	struct cache_entry	*e;

	if (resolve_literal(host, 1, &ss) != 0 || !resolve_valid_name(host))
		return (1);
	return ((e = cache_find_key(host, port, want)) != NULL &&
	    e->expires > mono_now());
}

void
resolve_cancel(struct resolve_req *req)
{
	if (req == NULL)
		return;
	if (req->pending > 0)
		req->cancelled = 1;
	else
		resolve_free(req);
}

void
resolve_shutdown(void)
{
	struct resolve_req	*req;
	struct resolve_sock	*s;
	struct cache_entry	*e;

	if (resolve_channel == NULL)
		return;
	/* the queries still out end with ARES_EDESTRUCTION and free theirs */
	resolve_stopping = 1;
	ares_destroy(resolve_channel);
	resolve_channel = NULL;
	while ((req = TAILQ_FIRST(&resolve_reqs)) != NULL)
		resolve_free(req);
	while ((s = TAILQ_FIRST(&resolve_socks)) != NULL) {
		if (s->ev != NULL)
			event_free(s->ev);
		TAILQ_REMOVE(&resolve_socks, s, entry);
		free(s);
	}
	while ((e = TAILQ_FIRST(&resolve_cache_age)) != NULL)
		cache_remove(e);
	event_free(resolve_timer);
	resolve_timer = NULL;
	resolve_base = NULL;
	resolve_stopping = 0;
	ares_library_cleanup();
}

const char *
resolve_strerror(int error)
{
	switch (error) {
	case RESOLVE_OK:
		return ("no error");
	case RESOLVE_ENOTFOUND:
		return ("no such host");
	case RESOLVE_ETIMEOUT:
		return ("timed out");
	case RESOLVE_EFAIL:
		return ("server failure");
	case RESOLVE_EBADNAME:
		return ("bad host name");
	default:
		return ("unknown error");
	}
}
