/* SPDX-License-Identifier: ISC */
/* Answers we make ourselves (RFC 3261 §8.2.6), from parsed or raw requests. */

#include <sys/types.h>
#include <sys/socket.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <osipparser2/osip_parser.h>

#include "auth.h"
#include "lex.h"
#include "log.h"
#include "opaque.h"
#include "reply.h"
#include "sipd.h"
#include "sipmsg.h"
#include "wire.h"

#define CSEQ_ECHO	32		/* longest CSeq number we echo */

static void	 make_tag(char *, size_t);
static int	 has_tag(const osip_list_t *);
static int	 add_line(struct buf *, const char *, int, char *);
static int	 resp_from_msg(struct buf *, const osip_message_t *, int);
static int	 quoted_ok(const char *, size_t);
static int	 display_ok(const char *, size_t);
static int	 uri_ok(const char *, size_t);
static int	 raw_params(struct buf *, const char *, size_t, int *);
static int	 raw_via_elem(struct buf *, const char *, size_t, int *);
static int	 raw_via(struct buf *, const char *, size_t, int *);
static int	 raw_nameaddr(struct buf *, const char *,
		    const struct lex_hdr *, int);
static int	 raw_callid(struct buf *, const struct lex_hdr *);
static int	 raw_cseq(struct buf *, const struct lex_hdr *);
static int	 resp_from_raw(struct buf *, const char *, size_t, int);
static int	 parses_back(const struct buf *, int);
static int	 tag_list_ok(const char *);

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
reply_our_tag(const char *tag)
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
add_line(struct buf *wb, const char *name, int rc, char *s)
{
	if (rc == OSIP_NOMEM)
		fatalx("%s: out of memory", __func__);
	if (rc != 0 || s == NULL || strpbrk(s, "\r\n") != NULL) {
		osip_free(s);
		return (-1);
	}
	buf_str(wb, name);
	buf_str(wb, ": ");
	buf_str(wb, s);
	buf_str(wb, "\r\n");
	osip_free(s);
	return (0);
}

static int
resp_from_msg(struct buf *wb, const osip_message_t *req, int code)
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
		if (!lex_is_tokenc((unsigned char)p[i]) &&
		    !lex_is_wsp((unsigned char)p[i]))
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
	return (lex_uri_scheme(p, n, &slen) == 0);
}

/*
 * *(";" name ["=" value]) with empty parameters dropped (RFC 4475
 * §3.1.2.1), LWS removed; value is a token, host or quoted-string.
 */
static int
raw_params(struct buf *wb, const char *p, size_t n, int *tag)
{
	const char	*par, *eq, *v;
	size_t		 i, pn, nn, vn;

	lex_trim(&p, &n);
	while (n > 0) {
		if (p[0] != ';')
			return (-1);
		p++;
		n--;
		if ((i = lex_find_unquoted(p, n, ';')) == SIZE_MAX)
			return (-1);
		par = p;
		pn = i;
		p += i;
		n -= i;
		lex_trim(&par, &pn);
		if (pn == 0)
			continue;
		eq = memchr(par, '=', pn);
		nn = eq != NULL ? (size_t)(eq - par) : pn;
		while (nn > 0 && lex_is_wsp((unsigned char)par[nn - 1]))
			nn--;
		if (!lex_is_token(par, nn))
			return (-1);
		buf_add(wb, ";", 1);
		buf_add(wb, par, nn);
		if (eq == NULL)
			continue;
		v = eq + 1;
		vn = pn - (v - par);
		lex_trim(&v, &vn);
		if (vn == 0)
			return (-1);
		if (!quoted_ok(v, vn))
			for (i = 0; i < vn; i++)
				if (!lex_is_tokenc((unsigned char)v[i]) &&
				    strchr("[]:", v[i]) == NULL)
					return (-1);
		buf_add(wb, "=", 1);
		buf_add(wb, v, vn);
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
raw_via_elem(struct buf *wb, const char *p, size_t n, int *nvia)
{
	struct buf	 tmp = { NULL, 0, 0 };
	size_t		 i, j, hs;
	int		 part, tag = 0, rc = -1;

	lex_trim(&p, &n);
	for (i = 0; i < n && (p[i] == ';' || lex_is_wsp(p[i])); i++)
		;
	if (i == n)
		return (0);
	buf_str(&tmp, "Via: ");
	for (i = 0, part = 0;; part++) {
		for (j = i; j < n && lex_is_tokenc((unsigned char)p[j]); j++)
			;
		if (j == i)
			goto done;
		buf_add(&tmp, p + i, j - i);
		for (i = j; i < n && lex_is_wsp(p[i]); i++)
			;
		if (part == 2)
			break;
		if (i == n || p[i] != '/')
			goto done;
		buf_add(&tmp, "/", 1);
		for (i++; i < n && lex_is_wsp(p[i]); i++)
			;
	}
	if (i == j)
		goto done;
	buf_add(&tmp, " ", 1);
	hs = tmp.len;
	if (i < n && p[i] == '[') {
		for (j = i; j < n && p[j] != ']'; j++)
			;
		if (j < n)
			j++;
	} else
		for (j = i; j < n && p[j] != ';' && p[j] != ':' &&
		    !lex_is_wsp(p[j]); j++)
			;
	buf_add(&tmp, p + i, j - i);
	for (i = j; i < n && lex_is_wsp(p[i]); i++)
		;
	if (i < n && p[i] == ':') {
		for (i++; i < n && lex_is_wsp(p[i]); i++)
			;
		for (j = i; j < n && lex_is_digit((unsigned char)p[j]); j++)
			;
		buf_add(&tmp, ":", 1);
		buf_add(&tmp, p + i, j - i);
		i = j;
	}
	if (!lex_hostport_ok(tmp.p + hs, tmp.len - hs) ||
	    raw_params(&tmp, p + i, n - i, &tag) == -1)
		goto done;
	buf_add(&tmp, "\r\n", 2);
	buf_add(wb, tmp.p, tmp.len);
	(*nvia)++;
	rc = 0;
 done:
	buf_free(&tmp);
	return (rc);
}

static int
raw_via(struct buf *wb, const char *p, size_t n, int *nvia)
{
	size_t	i;

	for (;;) {
		if ((i = lex_find_unquoted(p, n, ',')) == SIZE_MAX)
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
raw_nameaddr(struct buf *wb, const char *name, const struct lex_hdr *h,
    int addtag)
{
	struct buf	 params = { NULL, 0, 0 };
	const char	*p = h->val, *disp = NULL, *uri, *gt, *rest, *q;
	size_t		 n = h->vallen, lt, displen = 0, urilen, restlen;
	char		 tag[32];
	int		 hastag = 0, rc = -1;

	lex_trim(&p, &n);
	if ((lt = lex_find_unquoted(p, n, '<')) == SIZE_MAX) {
		if ((q = memchr(p, '<', n)) == NULL)
			return (-1);
		lt = q - p;
	} else if (lt < n) {
		disp = p;
		displen = lt;
		lex_trim(&disp, &displen);
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
	lex_trim(&uri, &urilen);
	if (!uri_ok(uri, urilen) ||
	    raw_params(&params, rest, restlen, &hastag) == -1)
		goto done;
	buf_str(wb, name);
	buf_str(wb, ": ");
	if (displen > 0) {
		buf_add(wb, disp, displen);
		buf_add(wb, " ", 1);
	}
	buf_add(wb, "<", 1);
	buf_add(wb, uri, urilen);
	buf_add(wb, ">", 1);
	if (params.len > 0)
		buf_add(wb, params.p, params.len);
	if (addtag && !hastag) {
		make_tag(tag, sizeof(tag));
		buf_str(wb, ";tag=");
		buf_str(wb, tag);
	}
	buf_str(wb, "\r\n");
	rc = 0;
 done:
	buf_free(&params);
	return (rc);
}

static int
raw_callid(struct buf *wb, const struct lex_hdr *h)
{
	const char	*p = h->val;
	size_t		 n = h->vallen, i;

	lex_trim(&p, &n);
	if (n == 0)
		return (-1);
	for (i = 0; i < n; i++)
		if ((unsigned char)p[i] <= 0x20 || (unsigned char)p[i] >= 0x7f)
			return (-1);
	buf_str(wb, "Call-ID: ");
	buf_add(wb, p, n);
	buf_str(wb, "\r\n");
	return (0);
}

/*
 * Number LWS Method.  The number is echoed as it came, even when it is out
 * of range or no number at all: that may be why we answer 400.
 */
static int
raw_cseq(struct buf *wb, const struct lex_hdr *h)
{
	const char	*p = h->val;
	size_t		 n = h->vallen, i, j;

	lex_trim(&p, &n);
	for (i = 0; i < n && (unsigned char)p[i] > 0x20 &&
	    (unsigned char)p[i] < 0x7f; i++)
		;
	if (i == 0 || i > CSEQ_ECHO)
		return (-1);
	for (j = i; j < n && lex_is_wsp(p[j]); j++)
		;
	if (j == i || !lex_is_token(p + j, n - j))
		return (-1);
	buf_str(wb, "CSeq: ");
	buf_add(wb, p, i);
	buf_add(wb, " ", 1);
	buf_add(wb, p + j, n - j);
	buf_str(wb, "\r\n");
	return (0);
}

static int
resp_from_raw(struct buf *wb, const char *buf, size_t len, int code)
{
	struct lex	 lx;
	struct lex_hdr	 h, from = { 0 }, to = { 0 }, callid = { 0 };
	struct lex_hdr	 cseq = { 0 };
	const char	*why;
	size_t		 off = 0;
	int		 nvia = 0, hf = 0, ht = 0, hi = 0, hc = 0, rc = -1;

	memset(&lx, 0, sizeof(lx));
	if (len > SIPMSG_MAXLEN || lex_datagram(buf, len, 0, &lx, &why) == -1)
		goto done;
	/* Never answer a response or an ACK (RFC 3261 §17.2.3). */
	if (lex_is_response(lx.start, lx.startlen) || (lx.startlen >= 4 &&
	    memcmp(lx.start, "ACK ", 4) == 0))
		goto done;
	while (lex_hdr_next(&lx.hdrs, &off, &h)) {
		if (lex_hdr_is(&h, "via", 'v')) {
			if (raw_via(wb, h.val, h.vallen, &nvia) == -1)
				goto done;
		} else if (lex_hdr_is(&h, "from", 'f') && !hf++)
			from = h;
		else if (lex_hdr_is(&h, "to", 't') && !ht++)
			to = h;
		else if (lex_hdr_is(&h, "call-id", 'i') && !hi++)
			callid = h;
		else if (lex_hdr_is(&h, "cseq", 0) && !hc++)
			cseq = h;
	}
	if (nvia == 0 || !hf || !ht || !hi || !hc ||
	    raw_nameaddr(wb, "From", &from, 0) == -1 ||
	    raw_nameaddr(wb, "To", &to, code > 100) == -1 ||
	    raw_callid(wb, &callid) == -1 || raw_cseq(wb, &cseq) == -1)
		goto done;
	rc = 0;
 done:
	buf_free(&lx.hdrs);
	return (rc);
}

/* Never send what we could not read ourselves. */
static int
parses_back(const struct buf *wb, int code)
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
		if (!lex_is_tokenc((unsigned char)s[i]) && s[i] != ',' &&
		    s[i] != ' ')
			return (0);
	return (i > 0);
}

int
reply_build(const char *buf, size_t len, const osip_message_t *req,
    int code, const char *unsupported, char **out, size_t *outlen)
{
	struct buf	 wb = { NULL, 0, 0 };
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
	buf_str(&wb, "SIP/2.0 ");
	buf_str(&wb, num);
	buf_str(&wb, " ");
	buf_str(&wb, reason);
	buf_str(&wb, "\r\n");
	if (req != NULL)
		rc = resp_from_msg(&wb, req, code);
	else
		rc = resp_from_raw(&wb, buf, len, code);
	if (rc == -1)
		goto fail;
	if (unsupported != NULL) {
		buf_str(&wb, "Unsupported: ");
		buf_str(&wb, unsupported);
		buf_str(&wb, "\r\n");
	}
	buf_str(&wb, "Content-Length: 0\r\n\r\n");
	if (!parses_back(&wb, code))
		goto fail;
	*out = wb.p;
	*outlen = wb.len;
	return (0);
 fail:
	buf_free(&wb);
	return (-1);
}

/* Answer a request we will not forward, back the way it came. */
void
reply_send(const struct sip_origin *o, const char *raw, size_t rawlen,
    const osip_message_t *req, int code, const char *unsupported)
{
	char	*out;
	size_t	 len;

	if (code >= 300)
		sipd.stat_refused++;
	if (reply_build(raw, rawlen, req, code, unsupported, &out,
	    &len) == -1) {
		log_debug("cannot build a %d answer for %s", code,
		    log_sa((struct sockaddr *)&o->src));
		return;
	}
	wire_send(o->transport, o->role, (struct sockaddr *)&o->src,
	    o->conn, out, len);
	free(out);
}

/* Answer a REGISTER with 407 and our challenges (RFC 3261 §22.3). */
void
reply_challenge(const struct sip_origin *o, osip_message_t *m,
    const char *challenge)
{
	osip_message_t	*r;
	char		*out;
	size_t		 len;

	if (reply_build(NULL, 0, m, 407, NULL, &out, &len) == -1)
		return;
	if (osip_message_init(&r) == 0 && osip_message_parse(r, out, len) == 0 &&
	    auth_add_challenge(r, challenge) == 0) {
		free(out);
		out = NULL;
		if (wire_format(r, &out, &len) == 0)
			wire_send(o->transport, o->role,
			    (const struct sockaddr *)&o->src, o->conn, out, len);
	}
	osip_message_free(r);
	free(out);
}
