/* SPDX-License-Identifier: ISC */
/* The password file (proxy_auth_pwfile) as the parent sends it: its users. */

#include <sys/types.h>
#include <sys/tree.h>

#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "pwfile.h"

#define PW_LINE_MAX	1024
#define PW_FIELD_MAX	255
#define PWFILE_MAX	(16 * 1024 * 1024)

struct pw_user {
	RB_ENTRY(pw_user)	 entry;
	char			*name;
	char			*pass;
};

RB_HEAD(pw_users, pw_user);
static int	user_cmp(struct pw_user *, struct pw_user *);
RB_PROTOTYPE(pw_users, pw_user, entry, user_cmp)

static struct pw_users	users = RB_INITIALIZER(&users);
static int		users_loaded;
static char		*pw_buf;
static size_t		 pw_len;

RB_GENERATE(pw_users, pw_user, entry, user_cmp)

static int
user_cmp(struct pw_user *a, struct pw_user *b)
{
	return (strcmp(a->name, b->name));
}

static void
users_free(void)
{
	struct pw_user	*u;

	while ((u = RB_MIN(pw_users, &users)) != NULL) {
		RB_REMOVE(pw_users, &users, u);
		freezero(u->name, strlen(u->name) + 1);
		freezero(u->pass, strlen(u->pass) + 1);
		free(u);
	}
}

void
pwfile_clear(void)
{
	users_free();
	users_loaded = 0;
}

static int
pw_space(char c)
{
	return (c == ' ' || c == '\t');
}

/* One line, NUL-free and without its newline: a comment, blank, or entry. */
static const char *
pw_line(const char *s, size_t len)
{
	struct pw_user	*u;
	const char	*end = s + len, *name, *pass;
	size_t		 nlen, plen;

	while (s < end && pw_space(*s))
		s++;
	if (s == end || *s == '#')
		return (NULL);
	for (name = s; s < end && !pw_space(*s); s++)
		;
	nlen = s - name;
	while (s < end && pw_space(*s))
		s++;
	for (pass = s; s < end && !pw_space(*s); s++)
		;
	plen = s - pass;
	while (s < end && pw_space(*s))
		s++;
	if (plen == 0)
		return ("no password");
	if (s < end && *s != '#')
		return ("text after the password");
	if (nlen > PW_FIELD_MAX || plen > PW_FIELD_MAX)
		return ("user or password too long");
	if ((u = calloc(1, sizeof(*u))) == NULL ||
	    (u->name = strndup(name, nlen)) == NULL ||
	    (u->pass = strndup(pass, plen)) == NULL)
		fatal("%s", __func__);
	if (RB_INSERT(pw_users, &users, u) != NULL) {
		freezero(u->pass, plen + 1);
		free(u->name);
		free(u);
		return ("duplicate user");
	}
	return (NULL);
}

/*
 * The classic siproxd's proxy_auth_pwfile: "user password" a line, split
 * by blanks, "#" comments.  Bad lines are logged by number only (they may
 * hold a password) and skipped; the good ones still load.
 */
int
pwfile_load(const char *buf, size_t len)
{
	const char	*p = buf, *end = buf + len, *nl, *why;
	size_t		 lineno = 0, llen;
	int		 rc = 0;

	pwfile_clear();
	users_loaded = 1;
	while (p < end) {
		lineno++;
		if ((nl = memchr(p, '\n', end - p)) == NULL)
			nl = end;
		llen = nl - p;
		if (llen > 0 && p[llen - 1] == '\r')
			llen--;
		if (llen > PW_LINE_MAX)
			why = "line too long";
		else if (memchr(p, '\0', llen) != NULL)
			why = "NUL byte";
		else
			why = pw_line(p, llen);
		if (why != NULL) {
			log_warnx("password file line %zu: %s", lineno, why);
			rc = -1;
		}
		p = nl < end ? nl + 1 : end;
	}
	return (rc);
}

int
pwfile_loaded(void)
{
	return (users_loaded);
}

/* The user's password; NULL if the file has no such user. */
const char *
pwfile_lookup(const char *name)
{
	struct pw_user	 key, *u;

	key.name = (char *)name;
	if ((u = RB_FIND(pw_users, &users, &key)) == NULL)
		return (NULL);
	return (u->pass);
}

void
pwfile_data(const void *p, size_t len)
{
	char	*n;

	if (pw_len + len > PWFILE_MAX)
		fatalx("password file from the parent too large");
	if ((n = malloc(pw_len + len)) == NULL)
		fatal("%s", __func__);
	if (pw_buf != NULL) {
		memcpy(n, pw_buf, pw_len);
		freezero(pw_buf, pw_len);
	}
	memcpy(n + pw_len, p, len);
	pw_buf = n;
	pw_len += len;
}

/* A new password file (start, reload) replaces the old one whole. */
void
pwfile_end(void)
{
	pwfile_clear();
	if (pw_len > 0 && pwfile_load(pw_buf, pw_len) == -1)
		log_warnx("proxy_auth_pwfile: bad lines skipped");
	freezero(pw_buf, pw_len);
	pw_buf = NULL;
	pw_len = 0;
}
