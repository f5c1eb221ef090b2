/* SPDX-License-Identifier: ISC */
/* No LAN address leaves on the WAN side: sealed going out, restored coming back. */

/*
 * Beyond Via, Contact and SDP (rewrite.c), a LAN address rides in the
 * identity headers of phones that are not registered or know only their
 * address: From and To with a private IP literal host, P-Asserted-
 * Identity and P-Preferred-Identity (RFC 3325), Referred-By (RFC 3892),
 * Reply-To, Remote-Party-ID, and a Call-ID made of an address.  Such a
 * URI leaves naming us, the LAN host and port sealed in a URI parameter
 * that a peer ignores (RFC 3261 §19.1.1) and returns unchanged in the
 * dialog; a Call-ID leaves sealed whole.  The seal is deterministic, so
 * every message of a dialog carries the same value and both sides still
 * match it (RFC 3261 §12).
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "addr.h"
#include "log.h"
#include "opaque.h"
#include "privacy.h"
#include "rewrite.h"
#include "side.h"
#include "sipd.h"

#define PRIV_PARAM	"sxd"
#define CALLID_MARK	"sxdc"
#define HDR_MAX		4096

static const char *const id_headers[] = {
	"P-Asserted-Identity", "P-Preferred-Identity", "Referred-By",
	"Reply-To", "Remote-Party-ID",
};

static int
priv_literal(const char *p, size_t len)
{
	struct sockaddr_storage	ss;
	char			buf[64];

	if (len == 0 || len >= sizeof(buf))
		return (0);
	memcpy(buf, p, len);
	buf[len] = '\0';
	return (addr_parse(buf, &ss) == 0 &&
	    addr_is_private((struct sockaddr *)&ss));
}

static int
is_addrchar(int c)
{
	return (isxdigit(c) || c == '.' || c == ':');
}

/* Does text name a private IP address anywhere (IPv4 dotted, IPv6)? */
int
privacy_text_private(const char *s)
{
	const char	*p, *q, *a, *b;

	for (p = s; *p != '\0'; p = q) {
		for (q = p; is_addrchar((unsigned char)*q); q++)
			;
		if (q == p) {
			q++;
			continue;
		}
		if (priv_literal(p, q - p))
			return (1);
		/* An IPv4 address right after hex letters ("ab10.0.0.2"). */
		for (a = p; a < q; a = b + 1) {
			for (b = a; b < q && (isdigit((unsigned char)*b) ||
			    *b == '.'); b++)
				;
			if (b > a && priv_literal(a, b - a))
				return (1);
		}
	}
	return (0);
}

static int
keep_host(const struct privacy_ctx *c, const char *host)
{
	size_t	i;

	for (i = 0; i < PRIVACY_KEEP; i++)
		if (c->keep[i] != NULL && strcasecmp(c->keep[i], host) == 0)
			return (1);
	return (0);
}

/* A URI naming a LAN host now names us, the host sealed beside. */
static int
uri_hide(osip_uri_t *u, const struct privacy_ctx *c)
{
	char	plain[320], host[256], *sealed;
	int	n;

	if (u == NULL || u->host == NULL || !host_is_private(u->host) ||
	    keep_host(c, u->host))
		return (0);
	n = snprintf(plain, sizeof(plain), "%s %s", u->host,
	    u->port != NULL ? u->port : "");
	if (n < 0 || (size_t)n >= sizeof(plain) ||
	    (sealed = opaque_seal(plain, n)) == NULL)
		return (-1);
	side_host(ROLE_OUTBOUND, c->family, host, sizeof(host));
	uri_set(&u->host, host);
	uri_set(&u->port, NULL);
	osip_uri_uparam_add(u, osip_strdup(PRIV_PARAM), osip_strdup(sealed));
	free(sealed);
	return (1);
}

/* The LAN host back in a URI that carries our sealed parameter. */
static int
uri_reveal(osip_uri_t *u)
{
	osip_uri_param_t	*p;
	char			*plain, *sp;
	size_t			 len;
	int			 i;

	if (u == NULL)
		return (0);
	for (i = 0; (p = osip_list_get(&u->url_params, i)) != NULL; i++)
		if (p->gname != NULL && strcasecmp(p->gname, PRIV_PARAM) == 0)
			break;
	if (p == NULL || p->gvalue == NULL || (plain = opaque_open(p->gvalue,
	    strlen(p->gvalue), &len)) == NULL)
		return (0);
	if ((sp = strchr(plain, ' ')) == NULL) {
		free(plain);
		return (0);
	}
	*sp++ = '\0';
	uri_set(&u->host, plain);
	uri_set(&u->port, *sp != '\0' ? sp : NULL);
	osip_list_remove(&u->url_params, i);
	osip_uri_param_free(p);
	free(plain);
	return (1);
}

static int
uri_map(osip_uri_t *u, const struct privacy_ctx *c)
{
	return (c != NULL ? uri_hide(u, c) : uri_reveal(u));
}

/* One name-addr of a list, mapped and appended to *out. */
static int
hdr_elem(const char *s, size_t len, const struct privacy_ctx *c,
    char **out, int *changed)
{
	osip_from_t	*f;
	char		*one = NULL, *str, *n;
	int		 r;

	if ((one = strndup(s, len)) == NULL)
		fatal("%s", __func__);
	if (osip_from_init(&f) != 0 || osip_from_parse(f, one) != 0 ||
	    (r = uri_map(f->url, c)) == -1 || osip_from_to_str(f, &str) != 0) {
		osip_from_free(f);
		free(one);
		return (-1);
	}
	*changed |= r;
	if (asprintf(&n, "%s%s%s", *out != NULL ? *out : "",
	    *out != NULL ? ", " : "", str) == -1)
		fatal("%s", __func__);
	free(*out);
	*out = n;
	osip_free(str);
	osip_from_free(f);
	free(one);
	return (0);
}

/*
 * A header value that is a comma list of name-addrs (RFC 3325 allows
 * two identities), each mapped; NULL if one does not parse, and *changed
 * when a URI was.
 */
static char *
hdr_map(const char *v, const struct privacy_ctx *c, int *changed)
{
	const char	*p, *start = v;
	char		*out = NULL;
	int		 quote = 0, angle = 0;

	for (p = v;; p++) {
		if (*p == '"' && (p == v || p[-1] != '\\'))
			quote = !quote;
		else if (!quote && *p == '<')
			angle = 1;
		else if (!quote && *p == '>')
			angle = 0;
		if (*p != '\0' && (quote || angle || *p != ','))
			continue;
		while (start < p && isspace((unsigned char)*start))
			start++;
		if (p > start && hdr_elem(start, p - start, c, &out,
		    changed) == -1) {
			free(out);
			return (NULL);
		}
		if (*p == '\0')
			break;
		start = p + 1;
	}
	return (out);
}

static int
is_id_header(const char *name)
{
	size_t	i;

	for (i = 0; i < sizeof(id_headers) / sizeof(id_headers[0]); i++)
		if (name != NULL && strcasecmp(name, id_headers[i]) == 0)
			return (1);
	return (0);
}

/*
 * The identity headers mapped.  Going out, one that names a LAN address
 * but cannot be read is removed rather than let through.
 */
static void
hdrs_map(osip_message_t *m, const struct privacy_ctx *c)
{
	osip_header_t	*h;
	char		*n;
	int		 i = 0, changed;

	while ((h = osip_list_get(&m->headers, i)) != NULL) {
		if (!is_id_header(h->hname) || h->hvalue == NULL) {
			i++;
			continue;
		}
		changed = 0;
		n = strlen(h->hvalue) <= HDR_MAX ?
		    hdr_map(h->hvalue, c, &changed) : NULL;
		if (n == NULL && c != NULL &&
		    privacy_text_private(h->hvalue)) {
			osip_list_remove(&m->headers, i);
			osip_header_free(h);
			continue;
		}
		if (n != NULL && changed) {
			osip_free(h->hvalue);
			h->hvalue = osip_strdup(n);
		}
		free(n);
		i++;
	}
}

/* A Call-ID that names a LAN address leaves sealed whole. */
static void
callid_hide(osip_message_t *m, int family)
{
	osip_call_id_t	*c = m->call_id;
	char		*whole, *sealed, host[256];

	if (c == NULL || c->number == NULL ||
	    (!privacy_text_private(c->number) &&
	    (c->host == NULL || !privacy_text_private(c->host))))
		return;
	if (asprintf(&whole, "%s%s%s", c->number, c->host != NULL ? "@" : "",
	    c->host != NULL ? c->host : "") == -1)
		fatal("%s", __func__);
	sealed = opaque_seal(whole, strlen(whole));
	free(whole);
	if (sealed == NULL)
		return;
	osip_free(c->number);
	if (asprintf(&c->number, CALLID_MARK "%s", sealed) == -1)
		fatal("%s", __func__);
	free(sealed);
	if (c->host != NULL) {
		side_host(ROLE_OUTBOUND, family, host, sizeof(host));
		uri_set(&c->host, host);
	}
}

void
privacy_callid_reveal(osip_message_t *m)
{
	osip_call_id_t	*c = m->call_id;
	char		*plain, *at;
	size_t		 len;

	if (c == NULL || c->number == NULL ||
	    strncmp(c->number, CALLID_MARK, strlen(CALLID_MARK)) != 0 ||
	    (plain = opaque_open(c->number + strlen(CALLID_MARK),
	    strlen(c->number) - strlen(CALLID_MARK), &len)) == NULL)
		return;
	if ((at = strchr(plain, '@')) != NULL)
		*at++ = '\0';
	uri_set(&c->number, plain);
	uri_set(&c->host, at);
	free(plain);
}

void
privacy_hide(osip_message_t *m, const struct privacy_ctx *c)
{
	if (m->from != NULL && uri_hide(m->from->url, c) == -1)
		log_debug("%s: From not hidden", proxy_cid(m));
	if (m->to != NULL && uri_hide(m->to->url, c) == -1)
		log_debug("%s: To not hidden", proxy_cid(m));
	hdrs_map(m, c);
}

void
privacy_callid_hide(osip_message_t *m, int family)
{
	callid_hide(m, family);
}

void
privacy_reveal(osip_message_t *m)
{
	if (m->from != NULL)
		uri_reveal(m->from->url);
	if (m->to != NULL)
		uri_reveal(m->to->url);
	hdrs_map(m, NULL);
	privacy_callid_reveal(m);
}
