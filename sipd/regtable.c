/* SPDX-License-Identifier: ISC */
/* The registration table in memory: the bindings of local phones (reg_*). */
/* registrar.c fills it, regsave.c and hastore.c keep it. */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/tree.h>
#include <netinet/in.h>

#include <ctype.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <vis.h>

#include "addr.h"
#include "log.h"
#include "mono.h"
#include "regtable.h"

/*
 * The saved form: a header line, then one binding a line, fields split by
 * one space, each string vis(3)-encoded so that it holds no space, newline
 * or byte outside printable ASCII:
 *	aor contact masq_user udp|tcp address port wall-expiry [user-agent]
 */
#define REG_HEADER	"siproxd-registrations 1"	/* [ tag] newline */
#ifndef VIS_NOLOCALE
#define VIS_NOLOCALE	0		/* OpenBSD's vis(3) ignores the locale */
#endif
#define REG_VIS		(VIS_OCTAL | VIS_WHITE | VIS_NOLOCALE)
#define REG_NFIELDS	8
#define REG_WARN_MAX	10		/* malformed lines logged one by one */
/* RFC 3261 §20.19: Expires is at most 2**32-1 seconds. */
#define REG_MAX_LIFETIME ((time_t)UINT32_MAX)

RB_HEAD(reg_tree, reg_binding);
RB_HEAD(reg_masq_tree, reg_binding);

static int	reg_cmp(struct reg_binding *, struct reg_binding *);
static int	reg_masq_cmp(struct reg_binding *, struct reg_binding *);
RB_PROTOTYPE(reg_tree, reg_binding, entry, reg_cmp)
RB_PROTOTYPE(reg_masq_tree, reg_binding, masq_entry, reg_masq_cmp)

static struct reg_tree		reg_bindings = RB_INITIALIZER(&reg_bindings);
static void			(*reg_watch)(struct reg_binding *, int);
static struct reg_masq_tree	reg_masq = RB_INITIALIZER(&reg_masq);
static size_t			reg_nbindings;

static int
reg_cmp(struct reg_binding *a, struct reg_binding *b)
{
	int	r;

	if ((r = strcmp(a->aor, b->aor)) != 0)
		return (r);
	return (strcmp(a->contact, b->contact));
}

static int
reg_masq_cmp(struct reg_binding *a, struct reg_binding *b)
{
	return (strcmp(a->masq_user, b->masq_user));
}

RB_GENERATE(reg_tree, reg_binding, entry, reg_cmp)
RB_GENERATE(reg_masq_tree, reg_binding, masq_entry, reg_masq_cmp)

static char *
xstrdup(const char *s)
{
	char	*p;

	if ((p = strdup(s)) == NULL)
		fatal("%s", __func__);
	return (p);
}

void
reg_init(void)
{
	reg_clear();
}

/* cb(b, 0): b's source changed (its expiry may change next); (b, 1): b goes. */
void
reg_set_watch(void (*cb)(struct reg_binding *, int))
{
	reg_watch = cb;
}

/* Every binding, pending ones too; cb must not change the table. */
void
reg_foreach(void (*cb)(struct reg_binding *, void *), void *arg)
{
	struct reg_binding	*b;

	RB_FOREACH(b, reg_tree, &reg_bindings)
		cb(b, arg);
}

size_t
reg_count(void)
{
	return (reg_nbindings);
}

struct reg_binding *
reg_lookup(const char *aor, const char *contact)
{
	struct reg_binding	key;

	key.aor = (char *)aor;
	key.contact = (char *)contact;
	return (RB_FIND(reg_tree, &reg_bindings, &key));
}

struct reg_binding *
reg_lookup_masq(const char *masq_user)
{
	struct reg_binding	key;

	key.masq_user = (char *)masq_user;
	return (RB_FIND(reg_masq_tree, &reg_masq, &key));
}

/* From b on, the first active binding of the same AOR. */
static struct reg_binding *
reg_active_from(struct reg_binding *b, const char *aor)
{
	for (; b != NULL; b = RB_NEXT(reg_tree, &reg_bindings, b)) {
		if (strcmp(b->aor, aor) != 0)
			return (NULL);
		if (!b->pending)
			return (b);
	}
	return (NULL);
}

struct reg_binding *
reg_first_aor(const char *aor)
{
	struct reg_binding	key;

	key.aor = (char *)aor;
	key.contact = "";
	return (reg_active_from(RB_NFIND(reg_tree, &reg_bindings, &key), aor));
}

struct reg_binding *
reg_next_aor(struct reg_binding *b)
{
	return (reg_active_from(RB_NEXT(reg_tree, &reg_bindings, b), b->aor));
}

/* RFC 3261 §25.1: user = 1*( unreserved / escaped / user-unreserved ). */
static int
user_valid(const char *s, size_t n)
{
	size_t	i;

	if (n == 0)
		return (0);
	for (i = 0; i < n; i++) {
		if (s[i] == '%') {
			if (n - i < 3 || !isxdigit((unsigned char)s[i + 1]) ||
			    !isxdigit((unsigned char)s[i + 2]))
				return (0);
			i += 2;
		} else if (!isascii((unsigned char)s[i]) ||
		    (!isalnum((unsigned char)s[i]) && (s[i] == '\0' ||
		    strchr("-_.!~*'()&=+$,;?/", s[i]) == NULL)))
			return (0);
	}
	return (1);
}

/* The phone's own user part, if its Contact has a usable one. */
static char *
masq_base(const char *contact)
{
	const char	*p = contact;
	size_t		 n;
	char		*s;

	if (*p == '<')
		p++;
	if (strncasecmp(p, "sip:", 4) == 0)
		p += 4;
	else if (strncasecmp(p, "sips:", 5) == 0)
		p += 5;
	else
		return (xstrdup("user"));
	n = strcspn(p, ":@");
	if (p[n] == '\0' || strchr(p + n, '@') == NULL || !user_valid(p, n))
		return (xstrdup("user"));
	if ((s = strndup(p, n)) == NULL)
		fatal("%s", __func__);
	return (s);
}

static char *
masq_pick(const char *contact)
{
	char		*base, *name;
	uint32_t	 n;

	base = masq_base(contact);
	if (reg_lookup_masq(base) == NULL)
		return (base);
	/*
	 * Counting reads well in a Contact; past a few, random suffixes keep
	 * many bindings of one user part from costing quadratic time.
	 */
	for (n = 2;; n++) {
		if (asprintf(&name, "%s-%u", base, n <= 16 ? n : arc4random())
		    == -1)
			fatal("%s", __func__);
		if (reg_lookup_masq(name) == NULL)
			break;
		free(name);
	}
	free(base);
	return (name);
}

static void
binding_free(struct reg_binding *b)
{
	if (b == NULL)
		return;
	free(b->aor);
	free(b->contact);
	free(b->masq_user);
	free(b->user_agent);
	free(b);
}

static void
binding_insert(struct reg_binding *b)
{
	if (RB_INSERT(reg_tree, &reg_bindings, b) != NULL ||
	    RB_INSERT(reg_masq_tree, &reg_masq, b) != NULL)
		fatalx("%s: duplicate binding", __func__);
	reg_nbindings++;
}

/* A binding's transport as the state file and siproxctl write it. */
const char *
reg_tname(int transport)
{
	return (transport == REG_TLS ? "tls" : transport == REG_TCP ? "tcp" :
	    "udp");
}

/* Where the phone's REGISTER came from, once the registrar said 2xx. */
void
reg_set_source(struct reg_binding *b, const struct sockaddr *src,
    int transport, const char *ua)
{
	memset(&b->src, 0, sizeof(b->src));
	memcpy(&b->src, src, addr_len(src));
	b->transport = transport;
	free(b->user_agent);
	b->user_agent = NULL;
	if (ua != NULL && *ua != '\0')
		b->user_agent = xstrdup(ua);
	if (reg_watch != NULL)
		reg_watch(b, 0);
}

/*
 * Adds a binding, or updates the one of the same AOR and contact.  A
 * refresh of an active binding (pending set) leaves it as it is, active,
 * until the registrar answers: only a 2xx moves its expiry and, through
 * reg_set_source, its source (RFC 3261 §10.3: a REGISTER that is
 * challenged or refused changes no binding).
 */
struct reg_binding *
reg_add(const char *aor, const char *contact, const struct sockaddr *src,
    int transport, const char *ua, time_t expires, int pending)
{
	struct reg_binding	*b;

	if (*aor == '\0' || *contact == '\0' ||
	    (src->sa_family != AF_INET && src->sa_family != AF_INET6) ||
	    (transport != REG_UDP && transport != REG_TCP &&
	    transport != REG_TLS))
		return (NULL);
	if ((b = reg_lookup(aor, contact)) == NULL) {
		if ((b = calloc(1, sizeof(*b))) == NULL)
			fatal("%s", __func__);
		b->aor = xstrdup(aor);
		b->contact = xstrdup(contact);
		b->masq_user = masq_pick(contact);
		b->pending = 1;
		binding_insert(b);
	}
	if (pending && !b->pending)
		return (b);
	reg_set_source(b, src, transport, ua);
	b->expires = expires;
	b->pending = pending;
	return (b);
}

void
reg_remove(struct reg_binding *b)
{
	if (reg_watch != NULL)
		reg_watch(b, 1);
	RB_REMOVE(reg_tree, &reg_bindings, b);
	RB_REMOVE(reg_masq_tree, &reg_masq, b);
	reg_nbindings--;
	binding_free(b);
}

/* Contact: * with Expires: 0 (RFC 3261 §10.2.2), pending ones too. */
void
reg_remove_aor(const char *aor)
{
	struct reg_binding	key, *b, *next;

	key.aor = (char *)aor;
	key.contact = "";
	b = RB_NFIND(reg_tree, &reg_bindings, &key);
	for (; b != NULL && strcmp(b->aor, aor) == 0; b = next) {
		next = RB_NEXT(reg_tree, &reg_bindings, b);
		reg_remove(b);
	}
}

/*
 * Drops every binding whose time is up; the callback sees each just before
 * it goes and must not change the table.  Returns how many went.
 */
int
reg_expire(time_t now, void (*cb)(struct reg_binding *, void *), void *arg)
{
	struct reg_binding	*b, *next;
	int			 n = 0;

	RB_FOREACH_SAFE(b, reg_tree, &reg_bindings, next) {
		if (b->expires > now)
			continue;
		if (cb != NULL)
			cb(b, arg);
		reg_remove(b);
		n++;
	}
	return (n);
}

void
reg_clear(void)
{
	struct reg_binding	*b, *next;

	RB_FOREACH_SAFE(b, reg_tree, &reg_bindings, next)
		reg_remove(b);
}

void
reg_field_put(FILE *f, const char *sep, const char *s)
{
	char	*v;

	if (stravis(&v, s, REG_VIS) == -1)
		fatal("%s", __func__);
	fprintf(f, "%s%s", sep, v);
	free(v);
}

static void
put_binding(FILE *f, const struct reg_binding *b, time_t wall)
{
	const struct sockaddr	*sa = (const struct sockaddr *)&b->src;
	char			 host[INET6_ADDRSTRLEN];

	reg_field_put(f, "", b->aor);
	reg_field_put(f, " ", b->contact);
	reg_field_put(f, " ", b->masq_user);
	fprintf(f, " %s %s %u %lld", reg_tname(b->transport),
	    addr_ntop(sa, host, sizeof(host)), addr_port(sa), (long long)wall);
	if (b->user_agent != NULL)
		reg_field_put(f, " ", b->user_agent);
	fputc('\n', f);
}

/*
 * The saved form of every active binding, in *buf (the caller frees it);
 * expiry is written as wall-clock time so it survives a reboot.  Returns
 * the number of bindings written.
 */
int
reg_serialize(char **buf, size_t *len, time_t mono_now, time_t wall_now)
{
	return (reg_serialize_tag(buf, len, mono_now, wall_now, NULL));
}

/* As reg_serialize(), with a word after the header (reg_file_tag()). */
int
reg_serialize_tag(char **buf, size_t *len, time_t mono_now, time_t wall_now,
    const char *tag)
{
	struct reg_binding	*b;
	FILE			*f;
	int			 n = 0;

	if ((f = open_memstream(buf, len)) == NULL)
		fatal("%s", __func__);
	fprintf(f, "%s%s%s\n", REG_HEADER, tag != NULL ? " " : "",
	    tag != NULL ? tag : "");
	RB_FOREACH(b, reg_tree, &reg_bindings) {
		if (b->pending || b->expires <= mono_now)
			continue;
		put_binding(f, b, wall_now + (b->expires - mono_now));
		n++;
	}
	if (ferror(f) || fclose(f) == EOF)
		fatal("%s", __func__);
	return (n);
}

/*
 * One active binding as a saved table of one line, header and tag
 * included: the record the failover partner reads (hastore.c).
 */
void
reg_record(const struct reg_binding *b, const char *tag, time_t mono_now,
    time_t wall_now, char **buf, size_t *len)
{
	FILE	*f;

	if ((f = open_memstream(buf, len)) == NULL)
		fatal("%s", __func__);
	fprintf(f, "%s %s\n", REG_HEADER, tag);
	put_binding(f, b, wall_now + (b->expires - mono_now));
	if (ferror(f) || fclose(f) == EOF)
		fatal("%s", __func__);
}

/*
 * A string field of the saved form; NULL unless it is exactly what
 * reg_field_put() writes for a non-empty string without NUL bytes (unvis(3)
 * lets odd escapes such as "\9" through).
 */
char *
reg_field_get(const char *s)
{
	char	*d, *e = NULL;
	int	 n;

	if ((d = malloc(strlen(s) + 1)) == NULL)
		fatal("%s", __func__);
	if ((n = strunvis(d, s)) <= 0 || (size_t)n != strlen(d))
		goto fail;
	if (stravis(&e, d, REG_VIS) == -1)
		fatal("%s", __func__);
	if (strcmp(e, s) != 0)
		goto fail;
	free(e);
	return (d);
 fail:
	free(e);
	free(d);
	return (NULL);
}

/* Splits at each space; the number of fields, or -1 if more than max. */
static int
split(char *line, char **f, int max)
{
	char	*p;
	int	 n = 0;

	while ((p = strsep(&line, " ")) != NULL) {
		if (n == max)
			return (-1);
		f[n++] = p;
	}
	return (n);
}

static const char *
get_addr(struct reg_binding *b, const char *host, const char *port)
{
	const char	*errstr;
	long long	 p;

	p = strtonum(port, 1, UINT16_MAX, &errstr);
	if (errstr != NULL || addr_parse(host, &b->src) == -1)
		return ("bad address");
	addr_setport((struct sockaddr *)&b->src, p);
	return (NULL);
}

static const char *
parse_binding(struct reg_binding *b, char **f, int nf)
{
	if (nf != REG_NFIELDS - 1 && nf != REG_NFIELDS)
		return ("wrong number of fields");
	if ((b->aor = reg_field_get(f[0])) == NULL ||
	    (b->contact = reg_field_get(f[1])) == NULL ||
	    (b->masq_user = reg_field_get(f[2])) == NULL ||
	    (nf == REG_NFIELDS && (b->user_agent = reg_field_get(f[7])) == NULL))
		return ("bad string field");
	if (!user_valid(b->masq_user, strlen(b->masq_user)))
		return ("bad masqueraded user");
	if (strcmp(f[3], "udp") == 0)
		b->transport = REG_UDP;
	else if (strcmp(f[3], "tcp") == 0)
		b->transport = REG_TCP;
	else if (strcmp(f[3], "tls") == 0)
		b->transport = REG_TLS;
	else
		return ("bad transport");
	return (get_addr(b, f[4], f[5]));
}

/* 1 if the binding still runs, 0 if it has expired, -1 if malformed. */
static int
get_expiry(struct reg_binding *b, const char *s, time_t mono_now,
    time_t wall_now)
{
	const char	*errstr;
	long long	 wall;

	wall = strtonum(s, 1, LLONG_MAX, &errstr);
	if (errstr != NULL)
		return (-1);
	if (wall <= wall_now)
		return (0);
	if (wall - wall_now > REG_MAX_LIFETIME)
		return (-1);
	b->expires = mono_now + (wall - wall_now);
	return (1);
}

/*
 * One line of the saved form in *bp (the caller inserts or frees it):
 * 1, 0 if it has expired, -1 if malformed (*why says how).
 */
static int
load_parse(const char *p, size_t n, time_t mono_now, time_t wall_now,
    const char **why, struct reg_binding **bp)
{
	struct reg_binding	*b;
	char			*line, *f[REG_NFIELDS];
	size_t			 i;
	int			 r = -1;

	*bp = NULL;
	*why = "byte outside printable ASCII";
	for (i = 0; i < n; i++)
		if (p[i] < ' ' || p[i] > '~')
			return (-1);
	if ((line = strndup(p, n)) == NULL ||
	    (b = calloc(1, sizeof(*b))) == NULL)
		fatal("%s", __func__);
	if ((*why = parse_binding(b, f, split(line, f, REG_NFIELDS))) != NULL)
		goto fail;
	*why = "bad expiry";
	if ((r = get_expiry(b, f[6], mono_now, wall_now)) != 1)
		goto fail;
	free(line);
	*bp = b;
	return (1);
 fail:
	binding_free(b);
	free(line);
	return (r);
}

/* As get_expiry(); *why says what is wrong with a malformed line. */
static int
load_line(const char *p, size_t n, time_t mono_now, time_t wall_now,
    const char **why)
{
	struct reg_binding	*b;
	int			 r;

	if ((r = load_parse(p, n, mono_now, wall_now, why, &b)) != 1)
		return (r);
	if (reg_lookup(b->aor, b->contact) != NULL ||
	    reg_lookup_masq(b->masq_user) != NULL) {
		*why = "duplicate binding";
		binding_free(b);
		return (-1);
	}
	binding_insert(b);
	return (1);
}

/* Ours takes what n has, which lives longer; n goes. */
static void
merge_into(struct reg_binding *ours, struct reg_binding *n)
{
	char	*t;

	if (strcmp(ours->masq_user, n->masq_user) != 0 &&
	    reg_lookup_masq(n->masq_user) == NULL) {
		RB_REMOVE(reg_masq_tree, &reg_masq, ours);
		t = ours->masq_user;
		ours->masq_user = n->masq_user;
		n->masq_user = t;
		RB_INSERT(reg_masq_tree, &reg_masq, ours);
	}
	ours->src = n->src;
	ours->transport = n->transport;
	t = ours->user_agent;
	ours->user_agent = n->user_agent;
	n->user_agent = t;
	ours->expires = n->expires;
	ours->pending = 0;
	binding_free(n);
}

/*
 * A record from the failover partner (reg_record's form): added, or it
 * updates our binding of the same AOR and contact if it lives longer.
 * 1 if taken, 0 if ours is as new or it has expired, -1 if malformed.
 */
int
reg_merge(const char *buf, size_t len, time_t mono_now, time_t wall_now,
    const char **why)
{
	struct reg_binding	*b, *ours;
	const char		*nl, *p;
	int			 r;

	*why = "not a record";
	if (!reg_is_ours(buf, len) || (nl = memchr(buf, '\n', len)) == NULL ||
	    buf[len - 1] != '\n')
		return (-1);
	p = nl + 1;
	if (p == buf + len || memchr(p, '\n', buf + len - p) != buf + len - 1)
		return (-1);
	if ((r = load_parse(p, buf + len - 1 - p, mono_now, wall_now, why,
	    &b)) != 1)
		return (r);
	if ((ours = reg_lookup(b->aor, b->contact)) == NULL) {
		if (reg_lookup_masq(b->masq_user) != NULL) {
			*why = "masqueraded user taken";
			binding_free(b);
			return (-1);
		}
		binding_insert(b);
		return (1);
	}
	if (!ours->pending && ours->expires >= b->expires) {
		binding_free(b);
		return (0);
	}
	merge_into(ours, b);
	return (1);
}

/* Our own saved form, rather than the classic's? */
int
reg_is_ours(const char *buf, size_t len)
{
	size_t	n = sizeof(REG_HEADER) - 1;

	return (len > n && memcmp(buf, REG_HEADER, n) == 0 &&
	    (buf[n] == '\n' || buf[n] == ' '));
}

/* The word after the header, in tag; -1 if there is none. */
int
reg_file_tag(const char *buf, size_t len, char *tag, size_t taglen)
{
	const char	*p, *nl;
	size_t		 n = sizeof(REG_HEADER) - 1;

	if (!reg_is_ours(buf, len) || buf[n] != ' ' ||
	    (nl = memchr(buf, '\n', len)) == NULL)
		return (-1);
	p = buf + n + 1;
	if ((size_t)(nl - p) >= taglen)
		return (-1);
	memcpy(tag, p, nl - p);
	tag[nl - p] = '\0';
	return (0);
}

/*
 * Loads a saved table into this one; a line that is malformed, truncated
 * (no newline: the file was cut short) or expired is skipped.  Returns the
 * number of bindings loaded, or -1 if buf is not a registration file.
 */
int
reg_deserialize(const char *buf, size_t len, time_t mono_now, time_t wall_now)
{
	const char	*p, *end, *nl, *why;
	size_t		 lineno = 1, bad = 0, old = 0;
	int		 loaded = 0, r;

	if (len == 0)
		return (0);
	if (!reg_is_ours(buf, len) ||
	    (nl = memchr(buf, '\n', len)) == NULL) {
		log_warnx("registrations: not a registration file");
		return (-1);
	}
	end = buf + len;
	for (p = nl + 1; p < end; p = nl + 1) {
		lineno++;
		if ((nl = memchr(p, '\n', end - p)) == NULL) {
			r = -1;
			why = "truncated";
			nl = end - 1;
		} else
			r = load_line(p, nl - p, mono_now, wall_now, &why);
		if (r == 1)
			loaded++;
		else if (r == 0 && ++old)
			log_debug("registrations: line %zu: expired", lineno);
		else if (++bad <= REG_WARN_MAX)
			log_warnx("registrations: line %zu: %s", lineno, why);
	}
	if (bad > 0)
		log_warnx("registrations: %d loaded, %zu malformed, %zu expired",
		    loaded, bad, old);
	else
		log_info("registrations: %d loaded, %zu expired", loaded, old);
	return (loaded);
}
