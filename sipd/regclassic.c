/* SPDX-License-Identifier: ISC */
/* The classic siproxd's registration file format, the one pfSense's page */
/* reads: the table written in it and read back. */

#include <sys/types.h>
#include <sys/socket.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "addr.h"
#include "log.h"
#include "mono.h"
#include "regtable.h"

/*
 * For each active binding a line "***:1:<expiry, Unix time>", then three
 * URIs, four lines each (scheme, user, host, port; a part the URI lacks is
 * an empty line): the phone's own Contact, the masqueraded one we give the
 * provider, and the registered address of record.  The classic also wrote
 * "***:0:0" for each free slot of its table; a reader skips those, and we
 * write none.  pfSense's "Registered Phones" page reads exactly this.
 */
#define RC_FIELD	256		/* the longest part we write or take */
#define RC_NPARTS	12
#define RC_WARN_MAX	10

struct rc_uri {
	char	scheme[RC_FIELD];
	char	user[RC_FIELD];
	char	host[RC_FIELD];
	char	port[RC_FIELD];
};

struct rc_save {
	FILE		*f;
	time_t		 mono;
	time_t		 wall;
	const char	*masq_host;
	const char	*masq_port;
	int		 n;
};

/* Printable ASCII without spaces: what a line of the file may hold. */
static int
rc_clean(const char *s, size_t n)
{
	size_t	i;

	if (n >= RC_FIELD)
		return (0);
	for (i = 0; i < n; i++)
		if (s[i] <= ' ' || s[i] > '~')
			return (0);
	return (1);
}

static void
rc_part(char *dst, const char *s, size_t n)
{
	dst[0] = '\0';
	if (rc_clean(s, n)) {
		memcpy(dst, s, n);
		dst[n] = '\0';
	}
}

/* "<sip:user:pw@host:port;params>" into its parts; IPv6 without []. */
static void
rc_split(const char *uri, struct rc_uri *u)
{
	const char	*p = uri, *end, *at, *h, *c;
	size_t		 n;

	memset(u, 0, sizeof(*u));
	if (*p == '<')
		p++;
	n = strcspn(p, ":");
	if (p[n] != ':')
		return;
	rc_part(u->scheme, p, n);
	p += n + 1;
	/* The user part may hold ';' and '?' (RFC 3261 §25.1): '@' ends it. */
	end = p + strcspn(p, ">");
	at = NULL;
	for (c = p; c < end; c++)
		if (*c == '@')
			at = c;
	if (at != NULL) {
		n = strcspn(p, ":@");
		rc_part(u->user, p, (size_t)(at - p) < n ? (size_t)(at - p) : n);
		p = at + 1;
	}
	end = p + strcspn(p, ";?>");
	if (*p == '[') {
		h = p + 1;
		if ((c = memchr(h, ']', end - h)) == NULL)
			return;
		rc_part(u->host, h, c - h);
		p = c + 1;
	} else {
		n = strcspn(p, ":;?>");
		rc_part(u->host, p, n);
		p += n;
	}
	if (*p == ':' && p + 1 < end)
		rc_part(u->port, p + 1, end - (p + 1));
}

static void
rc_put(FILE *f, const struct rc_uri *u)
{
	fprintf(f, "%s\n%s\n%s\n%s\n", u->scheme, u->user, u->host, u->port);
}

static void
rc_save_one(struct reg_binding *b, void *arg)
{
	struct rc_save	*s = arg;
	struct rc_uri	 u;
	const char	*at;

	if (b->pending || b->expires <= s->mono)
		return;
	fprintf(s->f, "***:1:%lld\n", (long long)(s->wall +
	    (b->expires - s->mono)));
	rc_split(b->contact, &u);
	rc_put(s->f, &u);
	strlcpy(u.scheme, "sip", sizeof(u.scheme));
	rc_part(u.user, b->masq_user, strlen(b->masq_user));
	rc_part(u.host, s->masq_host, strlen(s->masq_host));
	rc_part(u.port, s->masq_port, strlen(s->masq_port));
	rc_put(s->f, &u);
	memset(&u, 0, sizeof(u));
	strlcpy(u.scheme, "sip", sizeof(u.scheme));
	if ((at = strrchr(b->aor, '@')) != NULL) {
		rc_part(u.user, b->aor, at - b->aor);
		rc_part(u.host, at + 1, strlen(at + 1));
	} else
		rc_part(u.host, b->aor, strlen(b->aor));
	rc_put(s->f, &u);
	s->n++;
}

/*
 * The table in the classic format, in *buf (the caller frees it); the
 * masqueraded URI names masq_host:masq_port.  Returns the number of
 * bindings written.
 */
int
reg_classic_serialize(char **buf, size_t *len, time_t mono_now,
    time_t wall_now, const char *masq_host, const char *masq_port)
{
	struct rc_save	s;

	memset(&s, 0, sizeof(s));
	if ((s.f = open_memstream(buf, len)) == NULL)
		fatal("%s", __func__);
	s.mono = mono_now;
	s.wall = wall_now;
	s.masq_host = masq_host;
	s.masq_port = masq_port;
	reg_foreach(rc_save_one, &s);
	if (ferror(s.f) || fclose(s.f) == EOF)
		fatal("%s", __func__);
	return (s.n);
}

/* The header line: 1 active (*expiry set), 0 a free slot, -1 malformed. */
static int
rc_header(const char *line, long long *expiry)
{
	const char	*errstr;
	char		 buf[64];
	char		*p, *q;

	if (strlcpy(buf, line, sizeof(buf)) >= sizeof(buf) || buf[0] != '*')
		return (-1);
	p = buf + strspn(buf, "*");
	if (*p++ != ':' || (q = strchr(p, ':')) == NULL)
		return (-1);
	*q++ = '\0';
	q[strcspn(q, ":")] = '\0';	/* what a newer writer adds after */
	if (strcmp(p, "0") == 0)
		return (0);
	if (strcmp(p, "1") != 0)
		return (-1);
	*expiry = strtonum(q, 0, LLONG_MAX, &errstr);
	return (errstr == NULL ? 1 : -1);
}

/* One active entry: parts[] are its twelve lines; 1 loaded, 0, -1. */
static int
rc_load_entry(char **parts, long long wall, time_t mono_now, time_t wall_now,
    const char **why)
{
	struct sockaddr_storage	 src;
	char			 aor[2 * RC_FIELD], contact[4 * RC_FIELD];
	const char		*errstr;
	long long		 port = 5060;
	int			 i, n;

	*why = "bad line in entry";
	for (i = 0; i < RC_NPARTS; i++)
		if (!rc_clean(parts[i], strlen(parts[i])))
			return (-1);
	/* What goes into a URI must read back as the same parts. */
	if (strcspn(parts[0], ":@<>;?") != strlen(parts[0]) ||
	    strcspn(parts[1], ":@<>") != strlen(parts[1]) ||
	    strcspn(parts[9], "@<>") != strlen(parts[9]) ||
	    strcspn(parts[10], "@<>") != strlen(parts[10]))
		return (-1);
	if (wall <= wall_now)
		return (0);
	*why = "not an address: the phone's host";
	if (addr_parse(parts[2], &src) == -1)
		return (-1);
	*why = "bad port";
	if (parts[3][0] != '\0' &&
	    (port = strtonum(parts[3], 1, 65535, &errstr), errstr != NULL))
		return (-1);
	addr_setport((struct sockaddr *)&src, port);
	*why = "no registered user or host";
	if (parts[9][0] == '\0' || parts[10][0] == '\0')
		return (-1);
	snprintf(aor, sizeof(aor), "%s@%s", parts[9], parts[10]);
	n = snprintf(contact, sizeof(contact), "%s:%s%s%s%s%s%s%s",
	    parts[0][0] != '\0' ? parts[0] : "sip", parts[1],
	    parts[1][0] != '\0' ? "@" : "", src.ss_family == AF_INET6 ? "[" :
	    "", parts[2], src.ss_family == AF_INET6 ? "]" : "",
	    parts[3][0] != '\0' ? ":" : "", parts[3]);
	*why = "too long";
	if (n < 0 || (size_t)n >= sizeof(contact))
		return (-1);
	if (wall - wall_now > (long long)UINT32_MAX)
		return (-1);
	*why = "duplicate binding";
	if (reg_lookup(aor, contact) != NULL)
		return (-1);
	return (reg_add(aor, contact, (struct sockaddr *)&src, REG_UDP, NULL,
	    mono_now + (wall - wall_now), 0) != NULL ? 1 : -1);
}

/* The next line of buf[*off..len), NUL-terminated in a copy; NULL at end. */
static char *
rc_line(const char *buf, size_t len, size_t *off)
{
	const char	*p = buf + *off, *nl;
	char		*s;
	size_t		 n;

	if (*off >= len)
		return (NULL);
	if ((nl = memchr(p, '\n', len - *off)) == NULL)
		return (NULL);		/* cut short: not a whole line */
	n = nl - p;
	if (n > 0 && p[n - 1] == '\r')
		n--;
	if ((s = strndup(p, n)) == NULL)
		fatal("%s", __func__);
	if (strlen(s) != n) {		/* a NUL byte in the line */
		free(s);
		s = strdup("\x01");
	}
	*off = nl - buf + 1;
	return (s);
}

/*
 * Loads a classic registration file (one left by the classic siproxd, on
 * an upgrade) into the table.  Returns the number loaded.
 */
int
reg_classic_deserialize(const char *buf, size_t len, time_t mono_now,
    time_t wall_now)
{
	char		*line, *parts[RC_NPARTS];
	const char	*why;
	long long	 wall;
	size_t		 off = 0, bad = 0, old = 0;
	int		 loaded = 0, h, i, r;

	while ((line = rc_line(buf, len, &off)) != NULL) {
		h = rc_header(line, &wall);
		free(line);
		if (h == 0)
			continue;
		if (h == -1) {
			if (++bad <= RC_WARN_MAX)
				log_warnx("classic registrations: malformed "
				    "line at byte %zu", off);
			continue;
		}
		for (i = 0; i < RC_NPARTS; i++)
			if ((parts[i] = rc_line(buf, len, &off)) == NULL)
				break;
		r = i < RC_NPARTS ? -1 : rc_load_entry(parts, wall, mono_now,
		    wall_now, &why);
		if (i < RC_NPARTS)
			why = "cut short";
		while (i > 0)
			free(parts[--i]);
		if (r == 1)
			loaded++;
		else if (r == 0)
			old++;
		else if (++bad <= RC_WARN_MAX)
			log_warnx("classic registrations: entry before byte "
			    "%zu: %s", off, why);
	}
	log_info("classic registrations: %d loaded, %zu malformed, %zu expired",
	    loaded, bad, old);
	return (loaded);
}
