/* SPDX-License-Identifier: ISC */
/* Receiving a SIP datagram: framing, parsing, the checks libosip2 misses. */

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <osipparser2/osip_parser.h>

#include "log.h"
#include "opaque.h"
#include "sipframe.h"
#include "sipmsg.h"

#define CSEQ_MAX	2147483647LL	/* RFC 3261 §8.1.1.5: below 2^31 */
#define CSEQ_ECHO	32		/* longest CSeq number we echo */

struct wbuf {
	char	*p;
	size_t	 len;
	size_t	 size;
};

/* A datagram as lines: the start line, then the unfolded headers. */
struct lex {
	const char	*start;		/* start line, in the datagram */
	size_t		 startlen;
	struct wbuf	 hdrs;		/* "name: value\r\n" each */
	struct sipframe	 f;		/* where the headers end */
	int		 frame_err;	/* Content-Length is bad: why */
	const char	*frame_why;
};

struct hdr {
	const char	*name;
	size_t		 namelen;
	const char	*val;
	size_t		 vallen;
};

static void	 wb_add(struct wbuf *, const void *, size_t);
static void	 wb_str(struct wbuf *, const char *);
static void	 wb_free(struct wbuf *);
static int	 is_digit(int);
static int	 is_alpha(int);
static int	 is_wsp(int);
static int	 is_tokenc(int);
static int	 is_token(const char *, size_t);
static int	 is_clean(const char *, size_t);
static void	 trim(const char **, size_t *);
static size_t	 find_unquoted(const char *, size_t, char);
static int	 number(const char *, size_t, long long, long long *);
static size_t	 line_end(const char *, size_t, size_t, size_t *);
static void	 add_segment(struct wbuf *, const char *, size_t);
static int	 add_header(struct wbuf *, const char *, size_t);
static int	 lex(const char *, size_t, int, struct lex *, const char **);
static int	 hdr_next(const struct wbuf *, size_t *, struct hdr *);
static int	 hdr_is(const struct hdr *, const char *, int);
static int	 hdr_count(const struct lex *, const char *, int);
static int	 is_response(const char *, size_t);
static int	 uri_scheme(const char *, size_t, size_t *);
static int	 hostport_ok(const char *, size_t);
static int	 uri_host_ok(const char *, size_t);
static int	 check_reqline(const struct lex *, struct wbuf *, int *,
		    const char **);
static int	 check_statusline(const struct lex *, struct wbuf *,
		    const char **);
static size_t	 count_ci(const char *, size_t, const char *);
static size_t	 eol_any(const char *, size_t, size_t);
static size_t	 next_line(const char *, size_t, size_t);
static int	 mime_ctype_repeated(const char *, size_t);
static int	 frame(const struct lex *, const char *, size_t, size_t *,
		    size_t *, const char **);
static int	 check_counts(const struct lex *, const char **);
static int	 via_values(const struct lex *);
static int	 check_headers(const osip_message_t *, const char **);
static int	 from_roundtrip(const osip_from_t *, int);
static int	 via_roundtrip(const osip_via_t *);
static int	 check_roundtrip(const osip_message_t *, const char **);
static int	 check_request(const struct lex *, const osip_message_t *,
		    const char **);
static int	 bad_dest(const char *);
static int	 check_response(const osip_message_t *, const char **);
static int	 proxy_require(const struct lex *, char **, const char **);
static int	 check_parsed(const struct lex *, const osip_message_t *, int,
		    int *, char **, const char **);
static void	 osip_log(const char *, int, osip_trace_level_t,
		    const char *, va_list)
		    __attribute__((__format__ (printf, 4, 0)));
static int	 answerable(const char *, size_t, int, const char *);
static void	 make_tag(char *, size_t);
static int	 has_tag(const osip_list_t *);
static int	 add_line(struct wbuf *, const char *, int, char *);
static int	 resp_from_msg(struct wbuf *, const osip_message_t *, int);
static int	 quoted_ok(const char *, size_t);
static int	 display_ok(const char *, size_t);
static int	 uri_ok(const char *, size_t);
static int	 raw_params(struct wbuf *, const char *, size_t, int *);
static int	 raw_via_elem(struct wbuf *, const char *, size_t, int *);
static int	 raw_via(struct wbuf *, const char *, size_t, int *);
static int	 raw_nameaddr(struct wbuf *, const char *, const struct hdr *,
		    int);
static int	 raw_callid(struct wbuf *, const struct hdr *);
static int	 raw_cseq(struct wbuf *, const struct hdr *);
static int	 resp_from_raw(struct wbuf *, const char *, size_t, int);
static int	 parses_back(const struct wbuf *, int);
static int	 tag_list_ok(const char *);

static void
wb_add(struct wbuf *wb, const void *p, size_t n)
{
	size_t	 nsize;
	char	*np;

	if (n > SIZE_MAX / 4 - wb->len)
		fatalx("%s: overflow", __func__);
	if (wb->len + n + 1 > wb->size) {
		nsize = wb->size ? wb->size : 256;
		while (nsize < wb->len + n + 1)
			nsize *= 2;
		if ((np = realloc(wb->p, nsize)) == NULL)
			fatal("%s", __func__);
		wb->p = np;
		wb->size = nsize;
	}
	if (n > 0)
		memcpy(wb->p + wb->len, p, n);
	wb->len += n;
	wb->p[wb->len] = '\0';
}

static void
wb_str(struct wbuf *wb, const char *s)
{
	wb_add(wb, s, strlen(s));
}

static void
wb_free(struct wbuf *wb)
{
	free(wb->p);
	wb->p = NULL;
	wb->len = wb->size = 0;
}

static int
is_digit(int c)
{
	return (c >= '0' && c <= '9');
}

static int
is_alpha(int c)
{
	return ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
}

static int
is_wsp(int c)
{
	return (c == ' ' || c == '\t');
}

/* RFC 3261 §25.1 token characters. */
static int
is_tokenc(int c)
{
	return (c != '\0' && (is_alpha(c) || is_digit(c) ||
	    strchr("-.!%*_+`'~", c) != NULL));
}

static int
is_token(const char *p, size_t n)
{
	size_t	i;

	if (n == 0)
		return (0);
	for (i = 0; i < n; i++)
		if (!is_tokenc((unsigned char)p[i]))
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

static void
trim(const char **p, size_t *n)
{
	while (*n > 0 && is_wsp((*p)[0])) {
		(*p)++;
		(*n)--;
	}
	while (*n > 0 && is_wsp((*p)[*n - 1]))
		(*n)--;
}

/*
 * The offset of the first c outside quoted strings, n if there is none,
 * SIZE_MAX if a quoted string is left open.
 */
static size_t
find_unquoted(const char *p, size_t n, char c)
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
static int
number(const char *p, size_t n, long long max, long long *v)
{
	char		 tmp[24];
	const char	*errstr;
	size_t		 i;

	if (n == 0)
		return (-1);
	for (i = 0; i < n; i++)
		if (!is_digit((unsigned char)p[i]))
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
add_segment(struct wbuf *wb, const char *p, size_t n)
{
	trim(&p, &n);
	if (n == 0)
		return;
	wb_add(wb, " ", 1);
	wb_add(wb, p, n);
}

static int
add_header(struct wbuf *wb, const char *p, size_t n)
{
	const char	*colon;
	size_t		 namelen;

	if ((colon = memchr(p, ':', n)) == NULL)
		return (-1);
	namelen = colon - p;
	while (namelen > 0 && is_wsp(p[namelen - 1]))
		namelen--;
	if (!is_token(p, namelen))
		return (-1);
	wb_add(wb, p, namelen);
	wb_add(wb, ":", 1);
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
static int
lex(const char *buf, size_t len, int strict, struct lex *lx, const char **why)
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
		if (is_wsp(buf[i])) {
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
			wb_add(&lx->hdrs, "\r\n", 2);
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
		wb_add(&lx->hdrs, "\r\n", 2);
	return (0);
}

/* Iterate over the headers lex() wrote. */
static int
hdr_next(const struct wbuf *wb, size_t *off, struct hdr *h)
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
static int
hdr_is(const struct hdr *h, const char *name, int compact)
{
	size_t	n = strlen(name);

	if (h->namelen == n && strncasecmp(h->name, name, n) == 0)
		return (1);
	return (compact != 0 && h->namelen == 1 &&
	    (h->name[0] | 0x20) == compact);
}

static int
hdr_count(const struct lex *lx, const char *name, int compact)
{
	struct hdr	h;
	size_t		off = 0;
	int		n = 0;

	while (hdr_next(&lx->hdrs, &off, &h))
		if (hdr_is(&h, name, compact))
			n++;
	return (n);
}

/* A status line starts with the version; no method contains a '/'. */
static int
is_response(const char *p, size_t n)
{
	return (n >= 4 && strncasecmp(p, "SIP/", 4) == 0);
}

/* RFC 3986 §3.1 scheme, followed by ':' and something. */
static int
uri_scheme(const char *p, size_t n, size_t *slen)
{
	size_t	i;

	if (n == 0 || !is_alpha((unsigned char)p[0]))
		return (-1);
	for (i = 1; i < n && p[i] != ':'; i++)
		if (!is_alpha((unsigned char)p[i]) &&
		    !is_digit((unsigned char)p[i]) &&
		    strchr("+-.", p[i]) == NULL)
			return (-1);
	if (i + 1 >= n)
		return (-1);
	*slen = i;
	return (0);
}

/* RFC 3261 §25.1 hostport; IPv6 references only by their characters. */
static int
hostport_ok(const char *p, size_t n)
{
	size_t		i = 0;
	long long	port;

	if (n > 0 && p[0] == '[') {
		for (i = 1; i < n && p[i] != ']'; i++)
			if (!is_digit((unsigned char)p[i]) &&
			    strchr("abcdefABCDEF:.", p[i]) == NULL)
				return (0);
		if (i == n || i == 1)
			return (0);
		i++;
	} else {
		for (; i < n && p[i] != ':'; i++)
			if (!is_alpha((unsigned char)p[i]) &&
			    !is_digit((unsigned char)p[i]) &&
			    strchr("-._", p[i]) == NULL)
				return (0);
		if (i == 0)
			return (0);
	}
	if (i == n)
		return (1);
	if (p[i] != ':')
		return (0);
	return (number(p + i + 1, n - i - 1, 65535, &port) == 0 && port > 0);
}

/*
 * The host of a sip: or sips: URI (after the scheme's colon) follows the
 * last '@' and ends at the parameters or headers.  osip reads
 * sip:2001:db8::10 as host "2001:db8:" port 10 (RFC 5118 §4.2), so look
 * at the text.
 */
static int
uri_host_ok(const char *p, size_t n)
{
	const char	*h = p, *e;
	size_t		 i;

	for (i = 0; i < n; i++)
		if (p[i] == '@')
			h = p + i + 1;
	for (e = h; e < p + n && *e != ';' && *e != '?'; e++)
		;
	return (hostport_ok(h, e - h));
}

/*
 * RFC 3261 §7.1 Request-Line: exactly one SP each side of the URI, no
 * trailing space (RFC 4475 §3.1.2.8-10).  Writes the canonical line.
 */
static int
check_reqline(const struct lex *lx, struct wbuf *sl, int *code,
    const char **why)
{
	const char	*p = lx->start, *end = p + lx->startlen;
	const char	*sp1, *sp2, *uri, *ver;
	size_t		 i, urilen, verlen, slen;

	*code = 400;
	*why = "bad request line";
	if ((sp1 = memchr(p, ' ', end - p)) == NULL || !is_token(p, sp1 - p))
		return (-1);
	uri = sp1 + 1;
	if ((sp2 = memchr(uri, ' ', end - uri)) == NULL || sp2 == uri)
		return (-1);
	urilen = sp2 - uri;
	ver = sp2 + 1;
	verlen = end - ver;
	if (verlen < 7 || strncasecmp(ver, "SIP/", 4) != 0)
		return (-1);
	for (i = 4; i < verlen && is_digit((unsigned char)ver[i]); i++)
		;
	if (i == 4 || i == verlen || ver[i] != '.' || i + 1 == verlen)
		return (-1);
	for (i++; i < verlen; i++)
		if (!is_digit((unsigned char)ver[i]))
			return (-1);
	if (verlen != 7 || memcmp(ver + 4, "2.0", 3) != 0) {
		*code = 505;
		*why = "unsupported sip version";
		return (-1);
	}
	*why = "bad request-uri";
	for (i = 0; i < urilen; i++)
		if ((unsigned char)uri[i] <= 0x20 ||
		    (unsigned char)uri[i] >= 0x7f)
			return (-1);
	if (uri_scheme(uri, urilen, &slen) == -1)
		return (-1);
	if ((slen == 3 && strncasecmp(uri, "sip", 3) == 0) ||
	    (slen == 4 && strncasecmp(uri, "sips", 4) == 0)) {
		if (!uri_host_ok(uri + slen + 1, urilen - slen - 1)) {
			*why = "bad host in request-uri";
			return (-1);
		}
	} else if (slen != 3 || strncasecmp(uri, "tel", 3) != 0) {
		*code = 416;
		*why = "unsupported request-uri scheme";
		return (-1);
	}
	wb_add(sl, p, sp2 - p);
	wb_str(sl, " SIP/2.0");
	return (0);
}

/* RFC 3261 §7.2 Status-Line; codes outside 100..699 (RFC 4475 §3.1.2.19). */
static int
check_statusline(const struct lex *lx, struct wbuf *sl, const char **why)
{
	const char	*p = lx->start;
	size_t		 n = lx->startlen;
	long long	 st;

	*why = "bad status line";
	if (n < 12 || strncasecmp(p, "SIP/2.0 ", 8) != 0 || p[11] != ' ' ||
	    number(p + 8, 3, 999, &st) != 0)
		return (-1);
	if (st < 100 || st > 699) {
		*why = "status code out of range";
		return (-1);
	}
	wb_str(sl, "SIP/2.0");
	wb_add(sl, p + 7, n - 7);
	return (0);
}

static size_t
count_ci(const char *p, size_t n, const char *needle)
{
	size_t	i, k = strlen(needle), c = 0;

	for (i = 0; i + k <= n; i++)
		if (strncasecmp(p + i, needle, k) == 0)
			c++;
	return (c);
}

/* Lines as osip's MIME parser sees them: ending in CR, LF or CRLF. */
static size_t
eol_any(const char *p, size_t n, size_t i)
{
	while (i < n && p[i] != '\r' && p[i] != '\n')
		i++;
	return (i);
}

static size_t
next_line(const char *p, size_t n, size_t e)
{
	if (e + 1 < n && p[e] == '\r' && p[e + 1] == '\n')
		return (e + 2);
	return (e < n ? e + 1 : n);
}

/*
 * libosip2 5.3.0 leaks the Content-Type of a MIME part that has a second
 * one: osip_body_set_contenttype() overwrites it, and the name is matched
 * as a prefix.  A peer could repeat that in every datagram, so in a
 * multipart body "content-type" may appear once from each line starting
 * with "--" to the next empty line.
 */
static int
mime_ctype_repeated(const char *p, size_t n)
{
	size_t	i = 0, e, c;
	int	first;

	while (i < n) {
		if (n - i < 2 || p[i] != '-' || p[i + 1] != '-') {
			i = next_line(p, n, eol_any(p, n, i));
			continue;
		}
		for (c = 0, first = 1; i < n; first = 0) {
			e = eol_any(p, n, i);
			if (e == i && !first)
				break;
			if ((c += count_ci(p + i, e - i, "content-type")) > 1)
				return (1);
			i = next_line(p, n, e);
		}
	}
	return (0);
}

/*
 * RFC 3261 §18.3 and §20.14: one Content-Length, a number no larger than
 * what the datagram holds; octets after it are ignored.  Without it, the
 * body is the rest of the datagram.  A body needs a Content-Type (§20.15).
 */
static int
frame(const struct lex *lx, const char *buf, size_t len, size_t *bodyoff,
    size_t *bodylen, const char **why)
{
	struct hdr	 h;
	size_t		 off = 0, i;
	int		 ctype = 0, multipart = 0;

	if (lx->frame_err == -1 || sipframe_body(buf, len, bodyoff, bodylen,
	    why) == -1) {
		if (lx->frame_err == -1)
			*why = lx->frame_why;
		return (-1);
	}
	while (hdr_next(&lx->hdrs, &off, &h))
		if (hdr_is(&h, "content-type", 'c')) {
			ctype = 1;
			multipart |= count_ci(h.val, h.vallen, "multipart") > 0;
		}
	if (lx->f.cl == -1) {
		for (i = *bodyoff; i < len; i++)
			if (!is_wsp(buf[i]) && buf[i] != '\r' && buf[i] != '\n')
				break;
		if (i == len && !ctype)
			*bodylen = 0;
	}
	if (*bodylen > 0 && !ctype) {
		*why = "body without content-type";
		return (-1);
	}
	if (multipart && mime_ctype_repeated(buf + *bodyoff, *bodylen)) {
		*why = "mime part with two content-types";
		return (-1);
	}
	return (0);
}

/* Via values: the header fields and the comma-separated values in them. */
static int
via_values(const struct lex *lx)
{
	struct hdr	h;
	size_t		off = 0, i;
	int		n = 0;

	while (hdr_next(&lx->hdrs, &off, &h)) {
		if (!hdr_is(&h, "via", 'v'))
			continue;
		n++;
		for (i = 0; i < h.vallen; i++)
			n += h.val[i] == ',';
	}
	return (n);
}

/* One each of From, To, Call-ID, CSeq and a Via (RFC 3261 §8.1.1, §20). */
static int
check_counts(const struct lex *lx, const char **why)
{
	*why = "no via";
	if (hdr_count(lx, "via", 'v') == 0)
		return (-1);
	/*
	 * No request passes more proxies than Max-Forwards allows (255), and
	 * libosip2 spends quadratic time on long header lists: a flood of
	 * Vias is dropped before it is parsed.
	 */
	*why = "more Via headers than any path has";
	if (via_values(lx) > SIPMSG_MAXVIA)
		return (-2);
	*why = "missing or repeated from";
	if (hdr_count(lx, "from", 'f') != 1)
		return (-1);
	*why = "missing or repeated to";
	if (hdr_count(lx, "to", 't') != 1)
		return (-1);
	*why = "missing or repeated call-id";
	if (hdr_count(lx, "call-id", 'i') != 1)
		return (-1);
	*why = "missing or repeated cseq";
	if (hdr_count(lx, "cseq", 0) != 1)
		return (-1);
	*why = NULL;
	return (0);
}

/* What osip made of them: it may drop an empty header silently. */
static int
check_headers(const osip_message_t *m, const char **why)
{
	osip_list_iterator_t	 it;
	const osip_via_t	*via;
	long long		 n;

	*why = "bad via";
	if (osip_list_size(&m->vias) < 1)
		return (-1);
	for (via = osip_list_get_first(&m->vias, &it); via != NULL;
	    via = osip_list_get_next(&it))
		if (via->host == NULL || via->host[0] == '\0')
			return (-1);
	*why = "bad from or to";
	if (m->from == NULL || m->from->url == NULL || m->to == NULL ||
	    m->to->url == NULL)
		return (-1);
	*why = "bad call-id";
	if (m->call_id == NULL || m->call_id->number == NULL)
		return (-1);
	*why = "bad cseq";
	if (m->cseq == NULL || m->cseq->number == NULL ||
	    m->cseq->method == NULL ||
	    number(m->cseq->number, strlen(m->cseq->number), CSEQ_MAX,
	    &n) != 0 || !is_token(m->cseq->method, strlen(m->cseq->method)))
		return (-1);
	*why = NULL;
	return (0);
}

/*
 * libosip2 accepts some header values that it cannot read back once it has
 * written them (found by fuzzing: From <sip:a@b: >;x y: z).  The proxy
 * rewrites and forwards these headers, so each must survive that.
 */
static int
from_roundtrip(const osip_from_t *f, int contact)
{
	osip_from_t	*g;
	char		*s = NULL;
	int		 rc;

	rc = contact ? osip_contact_to_str(f, &s) : osip_from_to_str(f, &s);
	if (rc == OSIP_NOMEM)
		fatalx("%s: out of memory", __func__);
	if (rc != 0 || s == NULL) {
		osip_free(s);
		return (0);
	}
	if (osip_from_init(&g) != 0)
		fatalx("%s: osip_from_init", __func__);
	rc = contact ? osip_contact_parse(g, s) : osip_from_parse(g, s);
	osip_from_free(g);
	osip_free(s);
	if (rc == OSIP_NOMEM)
		fatalx("%s: out of memory", __func__);
	return (rc == 0);
}

static int
via_roundtrip(const osip_via_t *v)
{
	osip_via_t	*w;
	char		*s = NULL;
	int		 rc;

	if ((rc = osip_via_to_str(v, &s)) == OSIP_NOMEM)
		fatalx("%s: out of memory", __func__);
	if (rc != 0 || s == NULL) {
		osip_free(s);
		return (0);
	}
	if (osip_via_init(&w) != 0)
		fatalx("%s: osip_via_init", __func__);
	rc = osip_via_parse(w, s);
	osip_via_free(w);
	osip_free(s);
	if (rc == OSIP_NOMEM)
		fatalx("%s: out of memory", __func__);
	return (rc == 0);
}

/*
 * libosip2 reads a Content-Type parameter without a value (a/b;c) but
 * cannot write it: the message then leaves with "Content-Type: " and no
 * line end, glued to the next header (found by fuzzing sipd whole).
 */
static int
ctype_writable(const osip_content_type_t *ct)
{
	char	*s = NULL;
	int	 rc, ok;

	if (ct == NULL)
		return (1);
	if ((rc = osip_content_type_to_str(ct, &s)) == OSIP_NOMEM)
		fatalx("%s: out of memory", __func__);
	ok = rc == 0 && s != NULL;
	osip_free(s);
	return (ok);
}

/*
 * A Contact's URI is where later requests go (RFC 3261 §8.1.1.8): it must
 * fit a request line.  libosip2 reads <sip:a@10.0.0x: <sip:a@10.0.0.2:5061>
 * as host "10.0.0x: <sip:a@10.0.0.2", which it writes back in brackets
 * (found by fuzzing sipd whole: a phone registered so was sent requests
 * that no one can read).
 */
static int
uri_writable(const osip_uri_t *u)
{
	const unsigned char	*p;
	char			*s = NULL;
	int			 rc, ok = 0;

	if (u == NULL)
		return (1);
	if ((rc = osip_uri_to_str(u, &s)) == OSIP_NOMEM)
		fatalx("%s: out of memory", __func__);
	if (rc == 0 && s != NULL) {
		for (p = (const unsigned char *)s; *p > ' ' && *p < 0x7f &&
		    strchr("<>\"", *p) == NULL; p++)
			;
		ok = *p == '\0';
	}
	osip_free(s);
	return (ok);
}

static int
check_roundtrip(const osip_message_t *m, const char **why)
{
	osip_list_iterator_t	 it;
	const osip_via_t	*via;
	const osip_from_t	*f;

	*why = "header libosip2 cannot write back";
	for (via = osip_list_get_first(&m->vias, &it); via != NULL;
	    via = osip_list_get_next(&it))
		if (!via_roundtrip(via))
			return (-1);
	if (!from_roundtrip(m->from, 0) || !from_roundtrip(m->to, 0))
		return (-1);
	for (f = osip_list_get_first(&m->contacts, &it); f != NULL;
	    f = osip_list_get_next(&it))
		if (!from_roundtrip(f, 1) || !uri_writable(f->url))
			return (-1);
	for (f = osip_list_get_first(&m->routes, &it); f != NULL;
	    f = osip_list_get_next(&it))
		if (!from_roundtrip(f, 0))
			return (-1);
	for (f = osip_list_get_first(&m->record_routes, &it); f != NULL;
	    f = osip_list_get_next(&it))
		if (!from_roundtrip(f, 0))
			return (-1);
	if (!ctype_writable(m->content_type))
		return (-1);
	*why = NULL;
	return (0);
}

static int
check_request(const struct lex *lx, const osip_message_t *m, const char **why)
{
	struct hdr	h;
	size_t		off = 0;
	long long	mf;

	if (m->sip_method == NULL || m->req_uri == NULL ||
	    m->req_uri->scheme == NULL) {
		*why = "bad request line";
		return (-1);
	}
	if (strcmp(m->sip_method, m->cseq->method) != 0) {
		*why = "cseq method differs from request method";
		return (-1);
	}
	/* RFC 4475 §3.1.2.11: never turn escaped headers into real ones. */
	if (osip_list_size(&m->req_uri->url_headers) > 0) {
		*why = "headers in request-uri";
		return (-1);
	}
	if (hdr_count(lx, "max-forwards", 0) > 1) {
		*why = "repeated max-forwards";
		return (-1);
	}
	while (hdr_next(&lx->hdrs, &off, &h)) {
		if (hdr_is(&h, "max-forwards", 0) &&
		    number(h.val, h.vallen, 255, &mf) != 0) {
			*why = "bad max-forwards";
			return (-1);
		}
		/* RFC 3261 §20.10: URI headers need <>; RFC 4475 §3.1.2.13 */
		if ((hdr_is(&h, "contact", 'm') || hdr_is(&h, "from", 'f') ||
		    hdr_is(&h, "to", 't')) &&
		    memchr(h.val, '?', h.vallen) != NULL &&
		    memchr(h.val, '<', h.vallen) == NULL) {
			*why = "uri with headers outside <>";
			return (-1);
		}
	}
	return (0);
}

/* Never a destination: broadcast, multicast, unspecified (§3.3.10). */
static int
bad_dest(const char *host)
{
	struct in_addr	 a4;
	struct in6_addr	 a6;
	uint32_t	 a;

	if (host == NULL)
		return (0);
	if (inet_pton(AF_INET, host, &a4) == 1) {
		a = ntohl(a4.s_addr);
		return (a == INADDR_ANY || a == INADDR_BROADCAST ||
		    IN_MULTICAST(a));
	}
	if (inet_pton(AF_INET6, host, &a6) == 1)
		return (IN6_IS_ADDR_UNSPECIFIED(&a6) ||
		    IN6_IS_ADDR_MULTICAST(&a6));
	return (0);
}

static int
check_response(const osip_message_t *m, const char **why)
{
	osip_list_iterator_t		 it, pit;
	const osip_via_t		*via;
	const osip_generic_param_t	*gp;

	for (via = osip_list_get_first(&m->vias, &it); via != NULL;
	    via = osip_list_get_next(&it)) {
		if (bad_dest(via->host)) {
			*why = "via names a broadcast or multicast address";
			return (-1);
		}
		for (gp = osip_list_get_first(&via->via_params, &pit);
		    gp != NULL; gp = osip_list_get_next(&pit))
			if (gp->gname != NULL &&
			    strcasecmp(gp->gname, "received") == 0 &&
			    bad_dest(gp->gvalue)) {
				*why = "via names a broadcast or multicast "
				    "address";
				return (-1);
			}
	}
	return (0);
}

/*
 * RFC 3261 §16.3 step 5: we support no option tag, so any Proxy-Require
 * is answered with 420 listing them; returns 1 then.
 */
static int
proxy_require(const struct lex *lx, char **unsupported, const char **why)
{
	struct wbuf	 tags = { NULL, 0, 0 };
	struct hdr	 h;
	const char	*p, *t;
	size_t		 off = 0, n, i, tn;

	while (hdr_next(&lx->hdrs, &off, &h)) {
		if (!hdr_is(&h, "proxy-require", 0))
			continue;
		for (p = h.val, n = h.vallen; n > 0; p += i, n -= i) {
			if (*p == ',') {
				p++;
				n--;
			}
			for (i = 0; i < n && p[i] != ','; i++)
				;
			t = p;
			tn = i;
			trim(&t, &tn);
			if (tn == 0)
				continue;
			if (!is_token(t, tn)) {
				wb_free(&tags);
				*why = "bad proxy-require";
				return (-1);
			}
			if (tags.len > 0)
				wb_str(&tags, ", ");
			wb_add(&tags, t, tn);
		}
	}
	if (tags.len == 0)
		return (0);
	*unsupported = tags.p;
	*why = "unsupported proxy-require";
	return (1);
}

/* The checks on what osip parsed; may set *code to 420. */
static int
check_parsed(const struct lex *lx, const osip_message_t *m, int isreq,
    int *code, char **unsupported, const char **why)
{
	int	rc;

	if (check_headers(m, why) == -1 || check_roundtrip(m, why) == -1)
		return (-1);
	if (!isreq)
		return (check_response(m, why));
	if (check_request(lx, m, why) == -1)
		return (-1);
	/* RFC 3261 §8.2.2.3: Proxy-Require is ignored in ACK and CANCEL. */
	if (strcmp(m->sip_method, "ACK") == 0 ||
	    strcmp(m->sip_method, "CANCEL") == 0)
		return (0);
	if ((rc = proxy_require(lx, unsupported, why)) == 1)
		*code = 420;
	return (rc == 0 ? 0 : -1);
}

static void
osip_log(const char *file, int line, osip_trace_level_t level,
    const char *fmt, va_list ap)
{
	char	buf[256];

	(void)vsnprintf(buf, sizeof(buf), fmt, ap);
	log_debug("osip %s:%d: level %d: %s", file ? file : "?", line,
	    (int)level, log_wire(buf, strlen(buf)));
}

void
sipmsg_init(void)
{
	if (parser_init() != 0)
		fatalx("%s: parser_init", __func__);
	/* osip traces to stdout unless given a function; errors only. */
	osip_trace_initialize_func(log_getverbose() > 1 ? OSIP_WARNING :
	    TRACE_LEVEL0, osip_log);
}

static int
answerable(const char *buf, size_t len, int code, const char *unsupported)
{
	char	*out;
	size_t	 outlen;

	if (sipmsg_response(buf, len, NULL, code, unsupported, &out,
	    &outlen) == -1)
		return (0);
	free(out);
	return (1);
}

int
sipmsg_parse(const char *buf, size_t len, osip_message_t **msgp, int *code,
    char **unsupported, const char **why)
{
	struct lex	 lx;
	struct wbuf	 wire = { NULL, 0, 0 };
	osip_message_t	*m = NULL;
	size_t		 i, bodyoff, bodylen;
	int		 isreq, rc;

	*msgp = NULL;
	*code = 0;
	*unsupported = NULL;
	*why = NULL;
	memset(&lx, 0, sizeof(lx));
	if (len > SIPMSG_MAXLEN) {
		*why = "message too large";
		return (-1);
	}
	for (i = 0; i < len && (buf[i] == '\r' || buf[i] == '\n'); i++)
		;
	if (len == 0 || i == len) {
		/* RFC 5626 §4.4.1 CRLF keep-alive: nothing to answer. */
		*why = len == 0 ? "empty datagram" : "keepalive";
		return (-1);
	}
	if (!is_tokenc((unsigned char)buf[i])) {
		*why = "not a sip message";
		return (-1);
	}
	isreq = !is_response(buf + i, len - i);
	*code = 400;
	if (lex(buf, len, 1, &lx, why) == -1)
		goto fail;
	if (isreq)
		rc = check_reqline(&lx, &wire, code, why);
	else
		rc = check_statusline(&lx, &wire, why);
	if (rc == -1)
		goto fail;
	if (frame(&lx, buf, len, &bodyoff, &bodylen, why) == -1)
		goto fail;
	if ((rc = check_counts(&lx, why)) == -2)
		*code = 0;	/* answering would copy every Via back */
	if (rc < 0)
		goto fail;
	wb_add(&wire, "\r\n", 2);
	wb_add(&wire, lx.hdrs.p, lx.hdrs.len);
	wb_add(&wire, "\r\n", 2);
	wb_add(&wire, buf + bodyoff, bodylen);

	if (osip_message_init(&m) != 0)
		fatalx("%s: osip_message_init", __func__);
	if ((rc = osip_message_parse(m, wire.p, wire.len)) == OSIP_NOMEM)
		fatalx("%s: osip_message_parse: out of memory", __func__);
	if (rc != 0) {
		*why = "unparseable";
		goto fail;
	}
	if (check_parsed(&lx, m, isreq, code, unsupported, why) == -1)
		goto fail;

	wb_free(&wire);
	wb_free(&lx.hdrs);
	*msgp = m;
	*code = 0;
	*why = NULL;
	return (0);

 fail:
	if (m != NULL)
		osip_message_free(m);
	wb_free(&wire);
	wb_free(&lx.hdrs);
	if (!isreq || !answerable(buf, len, *code, *unsupported))
		*code = 0;
	if (*code != 420) {
		free(*unsupported);
		*unsupported = NULL;
	}
	return (-1);
}

/*
 * Our To tag on answers we make ourselves carries a MAC, so that the ACK
 * to such an answer (RFC 3261 §17.1.1.3) is known as ours and absorbed
 * rather than forwarded to a UA that never saw the INVITE fail.
 */
static void
make_tag(char *tag, size_t size)
{
	uint32_t	r = arc4random();

	(void)snprintf(tag, size, "sxd%08x%08x", r,
	    (uint32_t)opaque_hash(&r, sizeof(r)));
}

int
sipmsg_our_tag(const char *tag)
{
	char		 hex[9];
	uint32_t	 r, mac;

	if (tag == NULL || strlen(tag) != 19 || strncmp(tag, "sxd", 3) != 0 ||
	    strspn(tag + 3, "0123456789abcdef") != 16)
		return (0);
	memcpy(hex, tag + 3, 8);
	hex[8] = '\0';
	r = strtoul(hex, NULL, 16);
	mac = strtoul(tag + 11, NULL, 16);
	return (mac == (uint32_t)opaque_hash(&r, sizeof(r)));
}

static int
has_tag(const osip_list_t *params)
{
	osip_list_iterator_t		 it;
	const osip_generic_param_t	*gp;

	for (gp = osip_list_get_first(params, &it); gp != NULL;
	    gp = osip_list_get_next(&it))
		if (gp->gname != NULL && strcasecmp(gp->gname, "tag") == 0 &&
		    gp->gvalue != NULL && gp->gvalue[0] != '\0')
			return (1);
	return (0);
}

/* A header line from an osip *_to_str() result, which it frees. */
static int
add_line(struct wbuf *wb, const char *name, int rc, char *s)
{
	if (rc == OSIP_NOMEM)
		fatalx("%s: out of memory", __func__);
	if (rc != 0 || s == NULL || strpbrk(s, "\r\n") != NULL) {
		osip_free(s);
		return (-1);
	}
	wb_str(wb, name);
	wb_str(wb, ": ");
	wb_str(wb, s);
	wb_str(wb, "\r\n");
	osip_free(s);
	return (0);
}

static int
resp_from_msg(struct wbuf *wb, const osip_message_t *req, int code)
{
	osip_list_iterator_t	 it;
	const osip_via_t	*via;
	osip_to_t		*to;
	char			*s, tag[32];
	int			 rc;

	if (req->status_code != 0 || req->sip_method == NULL ||
	    strcmp(req->sip_method, "ACK") == 0 || req->from == NULL ||
	    req->to == NULL || req->call_id == NULL || req->cseq == NULL ||
	    osip_list_size(&req->vias) < 1)
		return (-1);
	for (via = osip_list_get_first(&req->vias, &it); via != NULL;
	    via = osip_list_get_next(&it)) {
		s = NULL;
		rc = osip_via_to_str(via, &s);
		if (add_line(wb, "Via", rc, s) == -1)
			return (-1);
	}
	s = NULL;
	rc = osip_from_to_str(req->from, &s);
	if (add_line(wb, "From", rc, s) == -1)
		return (-1);
	s = NULL;
	if (code > 100 && !has_tag(&req->to->gen_params)) {
		if (osip_to_clone(req->to, &to) != 0)
			return (-1);
		make_tag(tag, sizeof(tag));
		if (osip_to_set_tag(to, osip_strdup(tag)) != 0)
			fatalx("%s: out of memory", __func__);
		rc = osip_to_to_str(to, &s);
		osip_to_free(to);
	} else
		rc = osip_to_to_str(req->to, &s);
	if (add_line(wb, "To", rc, s) == -1)
		return (-1);
	s = NULL;
	rc = osip_call_id_to_str(req->call_id, &s);
	if (add_line(wb, "Call-ID", rc, s) == -1)
		return (-1);
	s = NULL;
	rc = osip_cseq_to_str(req->cseq, &s);
	return (add_line(wb, "CSeq", rc, s));
}

/* A whole RFC 3261 §25.1 quoted-string, and nothing after it. */
static int
quoted_ok(const char *p, size_t n)
{
	size_t	i;

	if (n < 2 || p[0] != '"')
		return (0);
	for (i = 1; i < n - 1; i++) {
		if (p[i] == '\\')
			i++;
		else if (p[i] == '"')
			return (0);
	}
	return (i == n - 1 && p[n - 1] == '"');
}

/* display-name = *(token LWS) / quoted-string */
static int
display_ok(const char *p, size_t n)
{
	size_t	i;

	if (quoted_ok(p, n))
		return (1);
	for (i = 0; i < n; i++)
		if (!is_tokenc((unsigned char)p[i]) &&
		    !is_wsp((unsigned char)p[i]))
			return (0);
	return (n > 0);
}

static int
uri_ok(const char *p, size_t n)
{
	size_t	i, slen;

	for (i = 0; i < n; i++)
		if ((unsigned char)p[i] <= 0x20 ||
		    (unsigned char)p[i] >= 0x7f || strchr("<>\"", p[i]) != NULL)
			return (0);
	return (uri_scheme(p, n, &slen) == 0);
}

/*
 * *(";" name ["=" value]) with empty parameters dropped (RFC 4475
 * §3.1.2.1), LWS removed; value is a token, host or quoted-string.
 */
static int
raw_params(struct wbuf *wb, const char *p, size_t n, int *tag)
{
	const char	*par, *eq, *v;
	size_t		 i, pn, nn, vn;

	trim(&p, &n);
	while (n > 0) {
		if (p[0] != ';')
			return (-1);
		p++;
		n--;
		if ((i = find_unquoted(p, n, ';')) == SIZE_MAX)
			return (-1);
		par = p;
		pn = i;
		p += i;
		n -= i;
		trim(&par, &pn);
		if (pn == 0)
			continue;
		eq = memchr(par, '=', pn);
		nn = eq != NULL ? (size_t)(eq - par) : pn;
		while (nn > 0 && is_wsp((unsigned char)par[nn - 1]))
			nn--;
		if (!is_token(par, nn))
			return (-1);
		wb_add(wb, ";", 1);
		wb_add(wb, par, nn);
		if (eq == NULL)
			continue;
		v = eq + 1;
		vn = pn - (v - par);
		trim(&v, &vn);
		if (vn == 0)
			return (-1);
		if (!quoted_ok(v, vn))
			for (i = 0; i < vn; i++)
				if (!is_tokenc((unsigned char)v[i]) &&
				    strchr("[]:", v[i]) == NULL)
					return (-1);
		wb_add(wb, "=", 1);
		wb_add(wb, v, vn);
		if (nn == 3 && strncasecmp(par, "tag", 3) == 0)
			*tag = 1;
	}
	return (0);
}

/*
 * One via-parm (RFC 3261 §20.42): sent-protocol LWS sent-by *params,
 * written back without the LWS inside.  Elements that are only ';' are
 * skipped (§3.1.2.1 has "192.0.2.15;;,;,,").
 */
static int
raw_via_elem(struct wbuf *wb, const char *p, size_t n, int *nvia)
{
	struct wbuf	 tmp = { NULL, 0, 0 };
	size_t		 i, j, hs;
	int		 part, tag = 0, rc = -1;

	trim(&p, &n);
	for (i = 0; i < n && (p[i] == ';' || is_wsp(p[i])); i++)
		;
	if (i == n)
		return (0);
	wb_str(&tmp, "Via: ");
	for (i = 0, part = 0;; part++) {
		for (j = i; j < n && is_tokenc((unsigned char)p[j]); j++)
			;
		if (j == i)
			goto done;
		wb_add(&tmp, p + i, j - i);
		for (i = j; i < n && is_wsp(p[i]); i++)
			;
		if (part == 2)
			break;
		if (i == n || p[i] != '/')
			goto done;
		wb_add(&tmp, "/", 1);
		for (i++; i < n && is_wsp(p[i]); i++)
			;
	}
	if (i == j)
		goto done;
	wb_add(&tmp, " ", 1);
	hs = tmp.len;
	if (i < n && p[i] == '[') {
		for (j = i; j < n && p[j] != ']'; j++)
			;
		if (j < n)
			j++;
	} else
		for (j = i; j < n && p[j] != ';' && p[j] != ':' &&
		    !is_wsp(p[j]); j++)
			;
	wb_add(&tmp, p + i, j - i);
	for (i = j; i < n && is_wsp(p[i]); i++)
		;
	if (i < n && p[i] == ':') {
		for (i++; i < n && is_wsp(p[i]); i++)
			;
		for (j = i; j < n && is_digit((unsigned char)p[j]); j++)
			;
		wb_add(&tmp, ":", 1);
		wb_add(&tmp, p + i, j - i);
		i = j;
	}
	if (!hostport_ok(tmp.p + hs, tmp.len - hs) ||
	    raw_params(&tmp, p + i, n - i, &tag) == -1)
		goto done;
	wb_add(&tmp, "\r\n", 2);
	wb_add(wb, tmp.p, tmp.len);
	(*nvia)++;
	rc = 0;
 done:
	wb_free(&tmp);
	return (rc);
}

static int
raw_via(struct wbuf *wb, const char *p, size_t n, int *nvia)
{
	size_t	i;

	for (;;) {
		if ((i = find_unquoted(p, n, ',')) == SIZE_MAX)
			return (-1);
		if (raw_via_elem(wb, p, i, nvia) == -1)
			return (-1);
		if (i == n)
			return (0);
		p += i + 1;
		n -= i + 1;
	}
}

/*
 * From or To as name-addr (RFC 3261 §20.10).  A display name that does not
 * parse is left out (§3.1.2.6 and §3.1.2.15 are answered with 400): the
 * client matches the response on Via and CSeq (§17.1.3), not on it.
 */
static int
raw_nameaddr(struct wbuf *wb, const char *name, const struct hdr *h,
    int addtag)
{
	struct wbuf	 params = { NULL, 0, 0 };
	const char	*p = h->val, *disp = NULL, *uri, *gt, *rest, *q;
	size_t		 n = h->vallen, lt, displen = 0, urilen, restlen;
	char		 tag[32];
	int		 hastag = 0, rc = -1;

	trim(&p, &n);
	if ((lt = find_unquoted(p, n, '<')) == SIZE_MAX) {
		if ((q = memchr(p, '<', n)) == NULL)
			return (-1);
		lt = q - p;
	} else if (lt < n) {
		disp = p;
		displen = lt;
		trim(&disp, &displen);
		if (!display_ok(disp, displen))
			displen = 0;
	}
	if (lt < n) {
		if ((gt = memchr(p + lt, '>', n - lt)) == NULL)
			return (-1);
		uri = p + lt + 1;
		urilen = gt - uri;
		rest = gt + 1;
		restlen = n - (rest - p);
	} else {
		/* addr-spec: what follows ';' are header parameters */
		q = memchr(p, ';', n);
		uri = p;
		urilen = q != NULL ? (size_t)(q - p) : n;
		rest = p + urilen;
		restlen = n - urilen;
	}
	trim(&uri, &urilen);
	if (!uri_ok(uri, urilen) ||
	    raw_params(&params, rest, restlen, &hastag) == -1)
		goto done;
	wb_str(wb, name);
	wb_str(wb, ": ");
	if (displen > 0) {
		wb_add(wb, disp, displen);
		wb_add(wb, " ", 1);
	}
	wb_add(wb, "<", 1);
	wb_add(wb, uri, urilen);
	wb_add(wb, ">", 1);
	if (params.len > 0)
		wb_add(wb, params.p, params.len);
	if (addtag && !hastag) {
		make_tag(tag, sizeof(tag));
		wb_str(wb, ";tag=");
		wb_str(wb, tag);
	}
	wb_str(wb, "\r\n");
	rc = 0;
 done:
	wb_free(&params);
	return (rc);
}

static int
raw_callid(struct wbuf *wb, const struct hdr *h)
{
	const char	*p = h->val;
	size_t		 n = h->vallen, i;

	trim(&p, &n);
	if (n == 0)
		return (-1);
	for (i = 0; i < n; i++)
		if ((unsigned char)p[i] <= 0x20 || (unsigned char)p[i] >= 0x7f)
			return (-1);
	wb_str(wb, "Call-ID: ");
	wb_add(wb, p, n);
	wb_str(wb, "\r\n");
	return (0);
}

/*
 * Number LWS Method.  The number is echoed as it came, even when it is out
 * of range or no number at all: that may be why we answer 400.
 */
static int
raw_cseq(struct wbuf *wb, const struct hdr *h)
{
	const char	*p = h->val;
	size_t		 n = h->vallen, i, j;

	trim(&p, &n);
	for (i = 0; i < n && (unsigned char)p[i] > 0x20 &&
	    (unsigned char)p[i] < 0x7f; i++)
		;
	if (i == 0 || i > CSEQ_ECHO)
		return (-1);
	for (j = i; j < n && is_wsp(p[j]); j++)
		;
	if (j == i || !is_token(p + j, n - j))
		return (-1);
	wb_str(wb, "CSeq: ");
	wb_add(wb, p, i);
	wb_add(wb, " ", 1);
	wb_add(wb, p + j, n - j);
	wb_str(wb, "\r\n");
	return (0);
}

static int
resp_from_raw(struct wbuf *wb, const char *buf, size_t len, int code)
{
	struct lex	 lx;
	struct hdr	 h, from = { 0 }, to = { 0 }, callid = { 0 };
	struct hdr	 cseq = { 0 };
	const char	*why;
	size_t		 off = 0;
	int		 nvia = 0, hf = 0, ht = 0, hi = 0, hc = 0, rc = -1;

	memset(&lx, 0, sizeof(lx));
	if (len > SIPMSG_MAXLEN || lex(buf, len, 0, &lx, &why) == -1)
		goto done;
	/* Never answer a response or an ACK (RFC 3261 §17.2.3). */
	if (is_response(lx.start, lx.startlen) || (lx.startlen >= 4 &&
	    memcmp(lx.start, "ACK ", 4) == 0))
		goto done;
	while (hdr_next(&lx.hdrs, &off, &h)) {
		if (hdr_is(&h, "via", 'v')) {
			if (raw_via(wb, h.val, h.vallen, &nvia) == -1)
				goto done;
		} else if (hdr_is(&h, "from", 'f') && !hf++)
			from = h;
		else if (hdr_is(&h, "to", 't') && !ht++)
			to = h;
		else if (hdr_is(&h, "call-id", 'i') && !hi++)
			callid = h;
		else if (hdr_is(&h, "cseq", 0) && !hc++)
			cseq = h;
	}
	if (nvia == 0 || !hf || !ht || !hi || !hc ||
	    raw_nameaddr(wb, "From", &from, 0) == -1 ||
	    raw_nameaddr(wb, "To", &to, code > 100) == -1 ||
	    raw_callid(wb, &callid) == -1 || raw_cseq(wb, &cseq) == -1)
		goto done;
	rc = 0;
 done:
	wb_free(&lx.hdrs);
	return (rc);
}

/* Never send what we could not read ourselves. */
static int
parses_back(const struct wbuf *wb, int code)
{
	osip_message_t	*m;
	int		 rc, ok;

	if (osip_message_init(&m) != 0)
		fatalx("%s: osip_message_init", __func__);
	if ((rc = osip_message_parse(m, wb->p, wb->len)) == OSIP_NOMEM)
		fatalx("%s: osip_message_parse: out of memory", __func__);
	ok = rc == 0 && m->status_code == code && m->from != NULL &&
	    m->to != NULL && m->call_id != NULL && m->cseq != NULL &&
	    osip_list_size(&m->vias) > 0;
	osip_message_free(m);
	return (ok);
}

static int
tag_list_ok(const char *s)
{
	size_t	i;

	for (i = 0; s[i] != '\0'; i++)
		if (!is_tokenc((unsigned char)s[i]) && s[i] != ',' &&
		    s[i] != ' ')
			return (0);
	return (i > 0);
}

int
sipmsg_response(const char *buf, size_t len, const osip_message_t *req,
    int code, const char *unsupported, char **out, size_t *outlen)
{
	struct wbuf	 wb = { NULL, 0, 0 };
	const char	*reason;
	char		 num[8];
	int		 rc;

	*out = NULL;
	*outlen = 0;
	if (code < 100 || code > 699 ||
	    (unsupported != NULL && !tag_list_ok(unsupported)))
		return (-1);
	if ((reason = osip_message_get_reason(code)) == NULL)
		reason = "Unknown";
	(void)snprintf(num, sizeof(num), "%d", code);
	wb_str(&wb, "SIP/2.0 ");
	wb_str(&wb, num);
	wb_str(&wb, " ");
	wb_str(&wb, reason);
	wb_str(&wb, "\r\n");
	if (req != NULL)
		rc = resp_from_msg(&wb, req, code);
	else
		rc = resp_from_raw(&wb, buf, len, code);
	if (rc == -1)
		goto fail;
	if (unsupported != NULL) {
		wb_str(&wb, "Unsupported: ");
		wb_str(&wb, unsupported);
		wb_str(&wb, "\r\n");
	}
	wb_str(&wb, "Content-Length: 0\r\n\r\n");
	if (!parses_back(&wb, code))
		goto fail;
	*out = wb.p;
	*outlen = wb.len;
	return (0);
 fail:
	wb_free(&wb);
	return (-1);
}
