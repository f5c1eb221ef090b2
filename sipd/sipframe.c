/* SPDX-License-Identifier: ISC */
/* Where a SIP message's headers end and its body lies: one scan for sipd. */

#include <sys/types.h>

#include <string.h>
#include <strings.h>

#include "sipframe.h"

static int
is_wsp(char c)
{
	return (c == ' ' || c == '\t');
}

/*
 * The line at p ends before *eol (its CR, if any); *next follows its LF.
 * A last line without LF ends at end.  0: no line left.
 */
static int
next_line(const char *p, const char *end, const char **eol,
    const char **next)
{
	const char	*lf;

	if (p >= end)
		return (0);
	if ((lf = memchr(p, '\n', end - p)) == NULL) {
		*eol = *next = end;
		return (1);
	}
	*next = lf + 1;
	*eol = lf > p && lf[-1] == '\r' ? lf - 1 : lf;
	return (1);
}

/* A header name, then optional whitespace and the colon: the value. */
static const char *
hdr_value(const char *p, const char *end, const char *name, char compact)
{
	const char	*q = p;
	size_t		 n = strlen(name);

	while (q < end && *q != ':' && !is_wsp(*q))
		q++;
	if (!((size_t)(q - p) == n && strncasecmp(p, name, n) == 0) &&
	    !(q - p == 1 && (*p | 0x20) == compact))
		return (NULL);
	while (q < end && is_wsp(*q))
		q++;
	return (q);
}

/* The value of a Content-Length line: digits between optional blanks. */
static int
cl_value(const char *v, const char *eol, long long *cl, const char **why)
{
	long long	n;

	if (v == eol || *v != ':') {
		*why = "malformed content-length";
		return (-1);
	}
	for (v++; v < eol && is_wsp(*v); v++)
		;
	if (v < eol && *v == '-') {
		*why = "negative content-length";
		return (-1);
	}
	if (v == eol || *v < '0' || *v > '9') {
		*why = "content-length not a number";
		return (-1);
	}
	for (n = 0; v < eol && *v >= '0' && *v <= '9'; v++)
		if ((n = n * 10 + (*v - '0')) > SIPFRAME_MAXCL) {
			*why = "content-length too large";
			return (-1);
		}
	while (v < eol && is_wsp(*v))
		v++;
	if (v != eol) {
		*why = "content-length not a number";
		return (-1);
	}
	*cl = n;
	return (0);
}

/* The header lines, start-line excluded: the empty line, Content-Length. */
static int
scan_headers(const char *buf, const char *p, const char *end,
    struct sipframe *f, const char **why)
{
	const char	*eol, *next, *v;
	int		 prevcl = 0, err = 0;

	for (; next_line(p, end, &eol, &next); p = next) {
		if (eol == p) {
			f->hdrend = p - buf;
			f->bodyoff = next - buf;
			return (err);
		}
		if (is_wsp(*p)) {
			if (prevcl && !err) {
				*why = "folded content-length";
				err = -1;
			}
			continue;
		}
		prevcl = 0;
		if (err || (v = hdr_value(p, eol, "content-length", 'l')) ==
		    NULL)
			continue;
		prevcl = 1;
		if (f->cl != -1) {
			*why = "repeated content-length";
			err = -1;
		} else if (cl_value(v, eol, &f->cl, why) == -1)
			err = -1;
	}
	f->hdrend = p - buf;
	return (err);
}

int
sipframe_scan(const char *buf, size_t len, size_t max, struct sipframe *f,
    const char **why)
{
	const char	*end, *eol, *next;
	size_t		 i;

	memset(f, 0, sizeof(*f));
	f->cl = -1;
	*why = NULL;
	for (i = 0; i < len && (buf[i] == '\r' || buf[i] == '\n'); i++)
		;
	f->start = f->hdrend = i;
	end = buf + (len - i > max ? i + max : len);
	if (!next_line(buf + i, end, &eol, &next)) {
		f->hdrend = end - buf;
		return (0);
	}
	return (scan_headers(buf, next, end, f, why));
}

int
sipframe_body(const char *buf, size_t len, size_t *off, size_t *bodylen,
    const char **why)
{
	struct sipframe	f;

	if (sipframe_scan(buf, len, len, &f, why) == -1)
		return (-1);
	*off = f.bodyoff != 0 ? f.bodyoff : len;
	*bodylen = len - *off;
	if (f.cl == -1)
		return (0);
	if ((size_t)f.cl > *bodylen) {
		*why = "content-length beyond the datagram";
		return (-1);
	}
	*bodylen = f.cl;
	return (0);
}
