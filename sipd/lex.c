/* SPDX-License-Identifier: ISC */
/* A SIP datagram as raw lines, and the RFC 3261 §25.1 character classes. */

#include <sys/types.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "lex.h"

static int	 is_alpha(int);
static int	 is_clean(const char *, size_t);
static size_t	 line_end(const char *, size_t, size_t, size_t *);
static void	 add_segment(struct buf *, const char *, size_t);
static int	 add_header(struct buf *, const char *, size_t);

int
lex_is_digit(int c)
{
	return (c >= '0' && c <= '9');
}

static int
is_alpha(int c)
{
	return ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
}

int
lex_is_wsp(int c)
{
	return (c == ' ' || c == '\t');
}

/* RFC 3261 §25.1 token characters. */
int
lex_is_tokenc(int c)
{
	return (c != '\0' && (is_alpha(c) || lex_is_digit(c) ||
	    strchr("-.!%*_+`'~", c) != NULL));
}

int
lex_is_token(const char *p, size_t n)
{
	size_t	i;

	if (n == 0)
		return (0);
	for (i = 0; i < n; i++)
		if (!lex_is_tokenc((unsigned char)p[i]))
			return (0);
	return (1);
}

/* No control characters but HTAB: no NUL, no bare CR, no DEL. */
static int
is_clean(const char *p, size_t n)
{
	size_t		i;
	unsigned char	c;

	for (i = 0; i < n; i++) {
		c = p[i];
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return (0);
	}
	return (1);
}

void
lex_trim(const char **p, size_t *n)
{
	while (*n > 0 && lex_is_wsp((*p)[0])) {
		(*p)++;
		(*n)--;
	}
	while (*n > 0 && lex_is_wsp((*p)[*n - 1]))
		(*n)--;
}

/*
 * The offset of the first c outside quoted strings, n if there is none,
 * SIZE_MAX if a quoted string is left open.
 */
size_t
lex_find_unquoted(const char *p, size_t n, char c)
{
	size_t	i;
	int	q = 0;

	for (i = 0; i < n; i++) {
		if (q && p[i] == '\\')
			i++;
		else if (p[i] == '"')
			q = !q;
		else if (!q && p[i] == c)
			return (i);
	}
	return (q ? SIZE_MAX : n);
}

/* Digits only, no sign or space: -1 if not a number, -2 if above max. */
int
lex_number(const char *p, size_t n, long long max, long long *v)
{
	char		 tmp[24];
	const char	*errstr;
	size_t		 i;

	if (n == 0)
		return (-1);
	for (i = 0; i < n; i++)
		if (!lex_is_digit((unsigned char)p[i]))
			return (-1);
	while (n > 1 && p[0] == '0') {
		p++;
		n--;
	}
	if (n >= sizeof(tmp))
		return (-2);
	memcpy(tmp, p, n);
	tmp[n] = '\0';
	*v = strtonum(tmp, 0, max, &errstr);
	if (errstr != NULL)
		return (-2);
	return (0);
}

/* The end of the line at i, before its CRLF or LF; *next: the next line. */
static size_t
line_end(const char *buf, size_t len, size_t i, size_t *next)
{
	const char	*lf;
	size_t		 e;

	if ((lf = memchr(buf + i, '\n', len - i)) == NULL) {
		*next = len;
		return (len);
	}
	e = lf - buf;
	*next = e + 1;
	if (e > i && buf[e - 1] == '\r')
		e--;
	return (e);
}

static void
add_segment(struct buf *wb, const char *p, size_t n)
{
	lex_trim(&p, &n);
	if (n == 0)
		return;
	buf_add(wb, " ", 1);
	buf_add(wb, p, n);
}

static int
add_header(struct buf *wb, const char *p, size_t n)
{
	const char	*colon;
	size_t		 namelen;

	if ((colon = memchr(p, ':', n)) == NULL)
		return (-1);
	namelen = colon - p;
	while (namelen > 0 && lex_is_wsp(p[namelen - 1]))
		namelen--;
	if (!lex_is_token(p, namelen))
		return (-1);
	buf_add(wb, p, namelen);
	buf_add(wb, ":", 1);
	add_segment(wb, colon + 1, n - (colon + 1 - p));
	return (0);
}

/*
 * Split a datagram into its start line and headers, unfolding continuation
 * lines (RFC 3261 §7.3.1) so that osip and our checks see the same lines.
 * Strict: a bad line is an error.  Lenient: bad lines are skipped, to
 * salvage what an answer needs.  Without an empty line the header section
 * ends with the datagram.
 */
int
lex_datagram(const char *buf, size_t len, int strict, struct lex *lx,
    const char **why)
{
	size_t	 i, e, next, cur = 0;
	int	 inhdr = 0;

	memset(lx, 0, sizeof(*lx));
	lx->frame_err = sipframe_scan(buf, len, len, &lx->f, &lx->frame_why);
	if ((i = lx->f.start) == len) {
		*why = "empty message";
		return (-1);
	}
	len = lx->f.hdrend;
	e = line_end(buf, len, i, &next);
	lx->start = buf + i;
	lx->startlen = e - i;
	if (strict && !is_clean(lx->start, lx->startlen)) {
		*why = "control character in start line";
		return (-1);
	}
	for (i = next; i < len; i = next) {
		e = line_end(buf, len, i, &next);
		if (lex_is_wsp(buf[i])) {
			if (inhdr && is_clean(buf + i, e - i)) {
				add_segment(&lx->hdrs, buf + i, e - i);
				continue;
			}
			if (strict) {
				*why = inhdr ? "control character in header" :
				    "continuation line without header";
				return (-1);
			}
			if (inhdr) {
				lx->hdrs.len = cur;
				lx->hdrs.p[cur] = '\0';
			}
			inhdr = 0;
			continue;
		}
		if (inhdr)
			buf_add(&lx->hdrs, "\r\n", 2);
		inhdr = 0;
		if (!is_clean(buf + i, e - i)) {
			if (strict) {
				*why = "control character in header";
				return (-1);
			}
			continue;
		}
		cur = lx->hdrs.len;
		inhdr = add_header(&lx->hdrs, buf + i, e - i) == 0;
		if (!inhdr && strict) {
			*why = "bad header line";
			return (-1);
		}
	}
	if (inhdr)
		buf_add(&lx->hdrs, "\r\n", 2);
	return (0);
}

/* Iterate over the headers lex_datagram() wrote. */
int
lex_hdr_next(const struct buf *wb, size_t *off, struct lex_hdr *h)
{
	const char	*p, *end, *eol, *colon;

	if (*off >= wb->len)
		return (0);
	p = wb->p + *off;
	end = wb->p + wb->len;
	if ((eol = memchr(p, '\r', end - p)) == NULL ||
	    (colon = memchr(p, ':', eol - p)) == NULL)
		fatalx("%s: corrupt header buffer", __func__);
	h->name = p;
	h->namelen = colon - p;
	h->val = colon + 1;
	if (h->val < eol && *h->val == ' ')
		h->val++;
	h->vallen = eol - h->val;
	*off = eol + 2 - wb->p;
	return (1);
}

/* Header names are case-insensitive; some have a compact form (§7.3.3). */
int
lex_hdr_is(const struct lex_hdr *h, const char *name, int compact)
{
	size_t	n = strlen(name);

	if (h->namelen == n && strncasecmp(h->name, name, n) == 0)
		return (1);
	return (compact != 0 && h->namelen == 1 &&
	    (h->name[0] | 0x20) == compact);
}

int
lex_hdr_count(const struct lex *lx, const char *name, int compact)
{
	struct lex_hdr	h;
	size_t		off = 0;
	int		n = 0;

	while (lex_hdr_next(&lx->hdrs, &off, &h))
		if (lex_hdr_is(&h, name, compact))
			n++;
	return (n);
}

/* A status line starts with the version; no method contains a '/'. */
int
lex_is_response(const char *p, size_t n)
{
	return (n >= 4 && strncasecmp(p, "SIP/", 4) == 0);
}

/* RFC 3986 §3.1 scheme, followed by ':' and something. */
int
lex_uri_scheme(const char *p, size_t n, size_t *slen)
{
	size_t	i;

	if (n == 0 || !is_alpha((unsigned char)p[0]))
		return (-1);
	for (i = 1; i < n && p[i] != ':'; i++)
		if (!is_alpha((unsigned char)p[i]) &&
		    !lex_is_digit((unsigned char)p[i]) &&
		    strchr("+-.", p[i]) == NULL)
			return (-1);
	if (i + 1 >= n)
		return (-1);
	*slen = i;
	return (0);
}

/* RFC 3261 §25.1 hostport; IPv6 references only by their characters. */
int
lex_hostport_ok(const char *p, size_t n)
{
	size_t		i = 0;
	long long	port;

	if (n > 0 && p[0] == '[') {
		for (i = 1; i < n && p[i] != ']'; i++)
			if (!lex_is_digit((unsigned char)p[i]) &&
			    strchr("abcdefABCDEF:.", p[i]) == NULL)
				return (0);
		if (i == n || i == 1)
			return (0);
		i++;
	} else {
		for (; i < n && p[i] != ':'; i++)
			if (!is_alpha((unsigned char)p[i]) &&
			    !lex_is_digit((unsigned char)p[i]) &&
			    strchr("-._", p[i]) == NULL)
				return (0);
		if (i == 0)
			return (0);
	}
	if (i == n)
		return (1);
	if (p[i] != ':')
		return (0);
	return (lex_number(p + i + 1, n - i - 1, 65535, &port) == 0 &&
	    port > 0);
}

/*
 * The host of a sip: or sips: URI (after the scheme's colon) follows the
 * last '@' and ends at the parameters or headers.  osip reads
 * sip:2001:db8::10 as host "2001:db8:" port 10 (RFC 5118 §4.2), so look
 * at the text.
 */
int
lex_uri_host_ok(const char *p, size_t n)
{
	const char	*h = p, *e;
	size_t		 i;

	for (i = 0; i < n; i++)
		if (p[i] == '@')
			h = p + i + 1;
	for (e = h; e < p + n && *e != ';' && *e != '?'; e++)
		;
	return (lex_hostport_ok(h, e - h));
}
