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

#include "lex.h"
#include "log.h"
#include "opaque.h"
#include "reply.h"
#include "sipframe.h"
#include "sipmsg.h"

#define CSEQ_MAX	2147483647LL	/* RFC 3261 §8.1.1.5: below 2^31 */

static int	 check_reqline(const struct lex *, struct buf *, int *,
		    const char **);
static int	 check_statusline(const struct lex *, struct buf *,
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

/*
 * RFC 3261 §7.1 Request-Line: exactly one SP each side of the URI, no
 * trailing space (RFC 4475 §3.1.2.8-10).  Writes the canonical line.
 */
static int
check_reqline(const struct lex *lx, struct buf *sl, int *code,
    const char **why)
{
	const char	*p = lx->start, *end = p + lx->startlen;
	const char	*sp1, *sp2, *uri, *ver;
	size_t		 i, urilen, verlen, slen;

	*code = 400;
	*why = "bad request line";
	if ((sp1 = memchr(p, ' ', end - p)) == NULL ||
	    !lex_is_token(p, sp1 - p))
		return (-1);
	uri = sp1 + 1;
	if ((sp2 = memchr(uri, ' ', end - uri)) == NULL || sp2 == uri)
		return (-1);
	urilen = sp2 - uri;
	ver = sp2 + 1;
	verlen = end - ver;
	if (verlen < 7 || strncasecmp(ver, "SIP/", 4) != 0)
		return (-1);
	for (i = 4; i < verlen && lex_is_digit((unsigned char)ver[i]); i++)
		;
	if (i == 4 || i == verlen || ver[i] != '.' || i + 1 == verlen)
		return (-1);
	for (i++; i < verlen; i++)
		if (!lex_is_digit((unsigned char)ver[i]))
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
	if (lex_uri_scheme(uri, urilen, &slen) == -1)
		return (-1);
	if ((slen == 3 && strncasecmp(uri, "sip", 3) == 0) ||
	    (slen == 4 && strncasecmp(uri, "sips", 4) == 0)) {
		if (!lex_uri_host_ok(uri + slen + 1, urilen - slen - 1)) {
			*why = "bad host in request-uri";
			return (-1);
		}
	} else if (slen != 3 || strncasecmp(uri, "tel", 3) != 0) {
		*code = 416;
		*why = "unsupported request-uri scheme";
		return (-1);
	}
	buf_add(sl, p, sp2 - p);
	buf_str(sl, " SIP/2.0");
	return (0);
}

/* RFC 3261 §7.2 Status-Line; codes outside 100..699 (RFC 4475 §3.1.2.19). */
static int
check_statusline(const struct lex *lx, struct buf *sl, const char **why)
{
	const char	*p = lx->start;
	size_t		 n = lx->startlen;
	long long	 st;

	*why = "bad status line";
	if (n < 12 || strncasecmp(p, "SIP/2.0 ", 8) != 0 || p[11] != ' ' ||
	    lex_number(p + 8, 3, 999, &st) != 0)
		return (-1);
	if (st < 100 || st > 699) {
		*why = "status code out of range";
		return (-1);
	}
	buf_str(sl, "SIP/2.0");
	buf_add(sl, p + 7, n - 7);
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
	struct lex_hdr	 h;
	size_t		 off = 0, i;
	int		 ctype = 0, multipart = 0;

	if (lx->frame_err == -1 || sipframe_body(buf, len, bodyoff, bodylen,
	    why) == -1) {
		if (lx->frame_err == -1)
			*why = lx->frame_why;
		return (-1);
	}
	while (lex_hdr_next(&lx->hdrs, &off, &h))
		if (lex_hdr_is(&h, "content-type", 'c')) {
			ctype = 1;
			multipart |= count_ci(h.val, h.vallen, "multipart") > 0;
		}
	if (lx->f.cl == -1) {
		for (i = *bodyoff; i < len; i++)
			if (!lex_is_wsp(buf[i]) && buf[i] != '\r' &&
			    buf[i] != '\n')
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
	struct lex_hdr	h;
	size_t		off = 0, i;
	int		n = 0;

	while (lex_hdr_next(&lx->hdrs, &off, &h)) {
		if (!lex_hdr_is(&h, "via", 'v'))
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
	if (lex_hdr_count(lx, "via", 'v') == 0)
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
	if (lex_hdr_count(lx, "from", 'f') != 1)
		return (-1);
	*why = "missing or repeated to";
	if (lex_hdr_count(lx, "to", 't') != 1)
		return (-1);
	*why = "missing or repeated call-id";
	if (lex_hdr_count(lx, "call-id", 'i') != 1)
		return (-1);
	*why = "missing or repeated cseq";
	if (lex_hdr_count(lx, "cseq", 0) != 1)
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
	    lex_number(m->cseq->number, strlen(m->cseq->number), CSEQ_MAX,
	    &n) != 0 || !lex_is_token(m->cseq->method, strlen(m->cseq->method)))
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
	struct lex_hdr	h;
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
	if (lex_hdr_count(lx, "max-forwards", 0) > 1) {
		*why = "repeated max-forwards";
		return (-1);
	}
	while (lex_hdr_next(&lx->hdrs, &off, &h)) {
		if (lex_hdr_is(&h, "max-forwards", 0) &&
		    lex_number(h.val, h.vallen, 255, &mf) != 0) {
			*why = "bad max-forwards";
			return (-1);
		}
		/* RFC 3261 §20.10: URI headers need <>; RFC 4475 §3.1.2.13 */
		if ((lex_hdr_is(&h, "contact", 'm') ||
		    lex_hdr_is(&h, "from", 'f') || lex_hdr_is(&h, "to", 't')) &&
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
	struct buf	 tags = { NULL, 0, 0 };
	struct lex_hdr	 h;
	const char	*p, *t;
	size_t		 off = 0, n, i, tn;

	while (lex_hdr_next(&lx->hdrs, &off, &h)) {
		if (!lex_hdr_is(&h, "proxy-require", 0))
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
			lex_trim(&t, &tn);
			if (tn == 0)
				continue;
			if (!lex_is_token(t, tn)) {
				buf_free(&tags);
				*why = "bad proxy-require";
				return (-1);
			}
			if (tags.len > 0)
				buf_str(&tags, ", ");
			buf_add(&tags, t, tn);
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

	if (reply_build(buf, len, NULL, code, unsupported, &out,
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
	struct buf	 wire = { NULL, 0, 0 };
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
	if (!lex_is_tokenc((unsigned char)buf[i])) {
		*why = "not a sip message";
		return (-1);
	}
	isreq = !lex_is_response(buf + i, len - i);
	*code = 400;
	if (lex_datagram(buf, len, 1, &lx, why) == -1)
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
	buf_add(&wire, "\r\n", 2);
	buf_add(&wire, lx.hdrs.p, lx.hdrs.len);
	buf_add(&wire, "\r\n", 2);
	buf_add(&wire, buf + bodyoff, bodylen);

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

	buf_free(&wire);
	buf_free(&lx.hdrs);
	*msgp = m;
	*code = 0;
	*why = NULL;
	return (0);

 fail:
	if (m != NULL)
		osip_message_free(m);
	buf_free(&wire);
	buf_free(&lx.hdrs);
	if (!isreq || !answerable(buf, len, *code, *unsupported))
		*code = 0;
	if (*code != 420) {
		free(*unsupported);
		*unsupported = NULL;
	}
	return (-1);
}
