/* SPDX-License-Identifier: ISC */
/* Digest authentication of local phones (RFC 7616, RFC 3261 §22.3). */

/*
 * Nonces are stateless: the issue time and 8 random bytes, signed with
 * HMAC-SHA-256 under a key that lives as long as the process.  State is
 * kept only for nonces that have authenticated a request, to refuse a
 * nonce count seen before (RFC 7616 §3.4, nc); that table is bounded
 * and only a phone that knows a password can add to it.  A request that
 * repeats the last nonce count with the same Call-ID, CSeq, branch and
 * response is a retransmission (RFC 3261 §17.1.2) and passes again.
 */

#include <sys/types.h>
#include <sys/tree.h>

#include <ctype.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <osipparser2/osip_parser.h>

#include "auth.h"
#include "hex.h"
#include "log.h"
#include "mono.h"
#include "pwfile.h"

#define NONCE_ID	16		/* issue time (8, big-endian), random */
#define NONCE_MAC	16		/* HMAC-SHA-256, truncated */
#define NONCE_HEX	(2 * (NONCE_ID + NONCE_MAC))
#define FP_LEN		16		/* request fingerprint */

struct auth_nonce {
	RB_ENTRY(auth_nonce)	 entry;		/* by id: oldest first */
	uint8_t			 id[NONCE_ID];
	time_t			 born;
	uint32_t		 nc;
	uint8_t			 fp[FP_LEN];
};

RB_HEAD(auth_nonces, auth_nonce);

static int	nonce_cmp(struct auth_nonce *, struct auth_nonce *);
RB_PROTOTYPE(auth_nonces, auth_nonce, entry, nonce_cmp)


static struct auth_nonces	nonces = RB_INITIALIZER(&nonces);
static size_t			nnonces;
static uint8_t			nonce_key[32];
static int			key_ready;
static int			last_guess;	/* see auth_was_guess */
static int			offer = AUTH_MD5 | AUTH_SHA256;
static time_t			(*auth_now)(void) = mono_now;
static char			auth_username[sizeof(((struct auth_cred *)0)->
				    username)];

RB_GENERATE(auth_nonces, auth_nonce, entry, nonce_cmp)

static int
nonce_cmp(struct auth_nonce *a, struct auth_nonce *b)
{
	return (memcmp(a->id, b->id, NONCE_ID));
}

void
auth_set_clock(time_t (*fn)(void))
{
	auth_now = fn != NULL ? fn : mono_now;
}

void
auth_hash_init(struct auth_hash *c, int alg)
{
	memset(c, 0, sizeof(*c));
	c->alg = alg == AUTH_SHA256 ? AUTH_SHA256 : AUTH_MD5;
	if (c->alg == AUTH_SHA256)
		SHA256Init(&c->u.sha256);
	else
		MD5Init(&c->u.md5);
}

void
auth_hash_update(struct auth_hash *c, const void *data, size_t len)
{
	if (c->alg == AUTH_SHA256)
		SHA256Update(&c->u.sha256, data, len);
	else
		MD5Update(&c->u.md5, data, len);
}

/* The digest into out (AUTH_HASH_MAX bytes will do); returns its length. */
size_t
auth_hash_final(struct auth_hash *c, uint8_t *out)
{
	size_t	n;

	if (c->alg == AUTH_SHA256) {
		SHA256Final(out, &c->u.sha256);
		n = SHA256_DIGEST_LENGTH;
	} else {
		MD5Final(out, &c->u.md5);
		n = MD5_DIGEST_LENGTH;
	}
	explicit_bzero(c, sizeof(*c));
	return (n);
}

/* Compare secrets in constant time: libbsd has no timingsafe_bcmp(). */
static int
ct_differ(const void *a, const void *b, size_t len)
{
	const volatile uint8_t	*p = a, *q = b;
	uint8_t			 d = 0;
	size_t			 i;

	for (i = 0; i < len; i++)
		d |= p[i] ^ q[i];
	return (d != 0);
}

/* H(s1 ":" s2 ":" ... sN) in lowercase hex; the list ends with NULL. */
static void
hash_join(int alg, char *hex, ...)
{
	struct auth_hash	 c;
	uint8_t			 d[AUTH_HASH_MAX];
	const char		*s;
	va_list			 ap;
	int			 first = 1;

	auth_hash_init(&c, alg);
	va_start(ap, hex);
	while ((s = va_arg(ap, const char *)) != NULL) {
		if (!first)
			auth_hash_update(&c, ":", 1);
		auth_hash_update(&c, s, strlen(s));
		first = 0;
	}
	va_end(ap);
	hex_encode(d, auth_hash_final(&c, d), hex);
	explicit_bzero(d, sizeof(d));
}

/* RFC 7616 §3.4.1; RFC 2617 §3.2.2.1 when the phone sent no qop. */
int
auth_response(const struct auth_cred *c, const char *pass, const char *method,
    char *out, size_t outlen)
{
	char	ha1[2 * AUTH_HASH_MAX + 1], ha2[2 * AUTH_HASH_MAX + 1];
	int	alg = c->alg == AUTH_SHA256 ? AUTH_SHA256 : AUTH_MD5;

	if (outlen < (alg == AUTH_SHA256 ? 65 : 33))
		return (-1);
	hash_join(alg, ha1, c->username, c->realm, pass, (char *)NULL);
	hash_join(alg, ha2, method, c->uri, (char *)NULL);
	if (c->qop[0] != '\0')
		hash_join(alg, out, ha1, c->nonce, c->nc, c->cnonce, c->qop,
		    ha2, (char *)NULL);
	else
		hash_join(alg, out, ha1, c->nonce, ha2, (char *)NULL);
	explicit_bzero(ha1, sizeof(ha1));
	return (0);
}

/* A password nobody knows, for a user that does not exist. */
static const char *
unknown_pass(void)
{
	static char	pass[33];
	uint8_t		raw[16];

	if (pass[0] == '\0') {
		arc4random_buf(raw, sizeof(raw));
		hex_encode(raw, sizeof(raw), pass);
	}
	return (pass);
}

static const char *
pw_lookup(const char *name, const char *passwd)
{
	if (!pwfile_loaded())
		return (passwd != NULL && passwd[0] != '\0' ? passwd : NULL);
	return (pwfile_lookup(name));
}

int
auth_enabled(const char *realm)
{
	return (realm != NULL && realm[0] != '\0');
}

void
auth_offer(int algs)
{
	offer = algs & (AUTH_MD5 | AUTH_SHA256);
	if (offer == 0)
		offer = AUTH_MD5;
}

/* Nonces. */

void
auth_init(void)
{
	arc4random_buf(nonce_key, sizeof(nonce_key));
	key_ready = 1;
}

/* HMAC-SHA-256 (RFC 2104) of id and realm, truncated to NONCE_MAC. */
static void
nonce_mac(const uint8_t *id, const char *realm, uint8_t *mac)
{
	struct auth_hash	c;
	uint8_t			pad[64], inner[AUTH_HASH_MAX];
	size_t			i;

	if (!key_ready)
		auth_init();
	memset(pad, 0x36, sizeof(pad));
	for (i = 0; i < sizeof(nonce_key); i++)
		pad[i] ^= nonce_key[i];
	auth_hash_init(&c, AUTH_SHA256);
	auth_hash_update(&c, pad, sizeof(pad));
	auth_hash_update(&c, id, NONCE_ID);
	auth_hash_update(&c, realm, strlen(realm));
	auth_hash_final(&c, inner);
	memset(pad, 0x5c, sizeof(pad));
	for (i = 0; i < sizeof(nonce_key); i++)
		pad[i] ^= nonce_key[i];
	auth_hash_init(&c, AUTH_SHA256);
	auth_hash_update(&c, pad, sizeof(pad));
	auth_hash_update(&c, inner, sizeof(inner));
	auth_hash_final(&c, inner);
	memcpy(mac, inner, NONCE_MAC);
	explicit_bzero(pad, sizeof(pad));
	explicit_bzero(inner, sizeof(inner));
}

static void
nonce_make(const char *realm, time_t now, char *hex)
{
	uint8_t		raw[NONCE_ID + NONCE_MAC];
	uint64_t	t = now;
	int		i;

	for (i = 0; i < 8; i++)
		raw[i] = (t >> (56 - 8 * i)) & 0xff;
	arc4random_buf(raw + 8, NONCE_ID - 8);
	nonce_mac(raw, realm, raw + NONCE_ID);
	hex_encode(raw, sizeof(raw), hex);
}

/* 0 and the nonce's id and issue time if we made it for this realm. */
static int
nonce_open(const char *hex, const char *realm, uint8_t *id, time_t *born)
{
	uint8_t		raw[NONCE_ID + NONCE_MAC], mac[NONCE_MAC];
	uint64_t	t = 0;
	size_t		i;

	if (strlen(hex) != NONCE_HEX)
		return (-1);
	if (hex_decode(hex, sizeof(raw), raw) == -1)
		return (-1);
	nonce_mac(raw, realm, mac);
	if (ct_differ(mac, raw + NONCE_ID, NONCE_MAC) != 0)
		return (-1);
	for (i = 0; i < 8; i++)
		t = t << 8 | raw[i];
	if (t > INT64_MAX)
		return (-1);
	memcpy(id, raw, NONCE_ID);
	*born = (time_t)t;
	return (0);
}

static void
nonce_expire(time_t now)
{
	struct auth_nonce	*n;

	while ((n = RB_MIN(auth_nonces, &nonces)) != NULL &&
	    (n->born > now || now - n->born >= AUTH_NONCE_LIFE)) {
		RB_REMOVE(auth_nonces, &nonces, n);
		free(n);
		nnonces--;
	}
}

/* Every nonce in use forgotten: they are good again from nc 1. */
void
auth_forget_nonces(void)
{
	struct auth_nonce	*n;

	while ((n = RB_MIN(auth_nonces, &nonces)) != NULL) {
		RB_REMOVE(auth_nonces, &nonces, n);
		free(n);
	}
	nnonces = 0;
}

/* RFC 7616 §3.4: nc must grow; without qop a nonce is good once. */
static const char *
nonce_use(const uint8_t *id, time_t born, uint32_t nc, const uint8_t *fp)
{
	struct auth_nonce	key, *n;

	memcpy(key.id, id, NONCE_ID);
	if ((n = RB_FIND(auth_nonces, &nonces, &key)) != NULL) {
		if (nc > n->nc) {
			n->nc = nc;
			memcpy(n->fp, fp, FP_LEN);
			return (NULL);
		}
		if (nc == n->nc && ct_differ(fp, n->fp, FP_LEN) == 0)
			return (NULL);
		return ("nonce count replayed");
	}
	if (nnonces >= AUTH_NONCE_MAX)
		return ("too many nonces in use");
	if ((n = calloc(1, sizeof(*n))) == NULL)
		fatal("%s", __func__);
	memcpy(n->id, id, NONCE_ID);
	n->born = born;
	n->nc = nc;
	memcpy(n->fp, fp, FP_LEN);
	RB_INSERT(auth_nonces, &nonces, n);
	nnonces++;
	return (NULL);
}

/*
 * Proxy-Authorization as libosip2 parsed it (RFC 7616 §3.4): each field is
 * kept as it came, a quoted-string with its quotes or a bare token.
 */
#define CRED_FIELD(f, o) { offsetof(osip_authorization_t, o), \
	offsetof(struct auth_cred, f), sizeof(((struct auth_cred *)0)->f) }
static const struct {
	size_t		 from;
	size_t		 off;
	size_t		 size;
} cred_fields[] = {
	CRED_FIELD(username, username),
	CRED_FIELD(realm, realm),
	CRED_FIELD(nonce, nonce),
	CRED_FIELD(uri, uri),
	CRED_FIELD(response, response),
	CRED_FIELD(algorithm, algorithm),
	CRED_FIELD(cnonce, cnonce),
	CRED_FIELD(nc, nonce_count),
	CRED_FIELD(qop, message_qop),
	CRED_FIELD(opaque, opaque),
};

static int
is_ctl(unsigned char c)
{
	return ((c < 0x20 && c != '\t') || c == 0x7f);
}

/* A quoted-string at *pp, unescaped into dst; *pp moves past it. */
static const char *
qstring(const char **pp, const char *end, char *dst, size_t size)
{
	const char	*p = *pp + 1;
	size_t		 n = 0;
	unsigned char	 c;

	for (;;) {
		if (p == end)
			return ("unterminated quote");
		if ((c = *p++) == '"')
			break;
		if (c == '\\') {
			if (p == end)
				return ("unterminated quote");
			c = *p++;
		}
		if (is_ctl(c))
			return ("control character");
		if (n + 1 >= size)
			return ("value too long");
		dst[n++] = c;
	}
	dst[n] = '\0';
	*pp = p;
	return (NULL);
}

/*
 * A value: a quoted-string, or for phones that leave quotes off even
 * where the grammar wants them, a run of visible characters.
 */
static const char *
pvalue(const char **pp, const char *end, char *dst, size_t size)
{
	const char	*p = *pp;
	size_t		 n = 0;
	unsigned char	 c;

	if (p < end && *p == '"')
		return (qstring(pp, end, dst, size));
	while (p < end && (c = *p) > ' ' && c != 0x7f && c != ',' &&
	    c != '"') {
		if (n + 1 >= size)
			return ("value too long");
		dst[n++] = c;
		p++;
	}
	if (n == 0)
		return ("empty value");
	dst[n] = '\0';
	*pp = p;
	return (NULL);
}

/* The checks. */

/* An osip field as it came (quoted or not), unquoted; -1 if it won't. */
static int
field_value(const char *s, char *dst, size_t size)
{
	const char	*p = s, *end = s + strlen(s);

	if (pvalue(&p, end, dst, size) != NULL || p != end)
		return (-1);
	return (0);
}

static int
is_ours(const osip_proxy_authorization_t *a, const char *realm)
{
	char	r[sizeof(((struct auth_cred *)0)->realm)];

	return (a->realm != NULL && field_value(a->realm, r, sizeof(r)) == 0 &&
	    strcmp(r, realm) == 0);
}

/* Our fields from libosip2's, each unquoted exactly once; -1 if bad. */
static int
cred_fill(const osip_proxy_authorization_t *a, struct auth_cred *c,
    const char **why)
{
	const char	*v;
	size_t		 i;

	memset(c, 0, sizeof(*c));
	if (a->auth_type == NULL || strcasecmp(a->auth_type, "Digest") != 0) {
		*why = "not digest credentials";
		return (-1);
	}
	for (i = 0; i < sizeof(cred_fields) / sizeof(cred_fields[0]); i++) {
		v = *(char *const *)((const char *)a + cred_fields[i].from);
		if (v != NULL && field_value(v, (char *)c + cred_fields[i].off,
		    cred_fields[i].size) == -1) {
			explicit_bzero(c, sizeof(*c));
			*why = "bad or overlong value";
			return (-1);
		}
	}
	if (c->algorithm[0] == '\0' || strcasecmp(c->algorithm, "MD5") == 0)
		c->alg = AUTH_MD5;
	else if (strcasecmp(c->algorithm, "SHA-256") == 0)
		c->alg = AUTH_SHA256;
	return (0);
}

/* The first credentials for our realm: 0, or 407 if none, 400 if bad. */
static int
cred_find(const osip_message_t *m, const char *realm, struct auth_cred *c,
    const char **why)
{
	osip_proxy_authorization_t	*a;
	int				 i;

	for (i = 0; (a = osip_list_get(&m->proxy_authorizations, i)) != NULL;
	    i++) {
		if (!is_ours(a, realm))
			continue;
		return (cred_fill(a, c, why) == -1 ? 400 : 0);
	}
	*why = "no credentials";
	return (407);
}

static int
is_hex(const char *s, size_t len)
{
	size_t	i;

	if (strlen(s) != len)
		return (0);
	for (i = 0; i < len; i++)
		if (hex_digit(s[i]) == -1)
			return (0);
	return (1);
}

/* RFC 7616 §3.4: what must be there, and in what form. */
static int
cred_check(const struct auth_cred *c, uint32_t *nc, const char **why)
{
	size_t		 i;

	*nc = 0;
	if (c->username[0] == '\0' || c->nonce[0] == '\0' ||
	    c->uri[0] == '\0' || c->response[0] == '\0') {
		*why = "missing field";
		return (400);
	}
	if (c->alg == 0) {
		*why = "unknown algorithm";
		return (407);
	}
	if (c->qop[0] == '\0') {
		/* RFC 2069 form: only for MD5, which is where it came from. */
		if (c->alg != AUTH_MD5) {
			*why = "no qop";
			return (400);
		}
	} else if (strcasecmp(c->qop, "auth") != 0) {
		*why = "unsupported qop";
		return (400);
	} else if (c->cnonce[0] == '\0' || !is_hex(c->nc, 8)) {
		*why = "bad cnonce or nc";
		return (400);
	} else {
		for (i = 0; i < 8; i++)
			*nc = *nc << 4 | hex_digit(c->nc[i]);
	}
	if (!is_hex(c->response, c->alg == AUTH_SHA256 ? 64 : 32)) {
		*why = "bad response";
		return (400);
	}
	return (0);
}

static void
fp_add(struct auth_hash *h, const char *s)
{
	if (s != NULL)
		auth_hash_update(h, s, strlen(s) + 1);
	else
		auth_hash_update(h, "\n", 1);
}

/* A header as text into the fingerprint (rc: its to_str's result). */
static void
fp_add_str(struct auth_hash *h, int rc, char *s)
{
	fp_add(h, rc == 0 ? s : NULL);
	if (rc == 0)
		osip_free(s);
}

/*
 * Call-ID, CSeq, top branch, response, and what the request does:
 * Request-URI, To and every Contact.  A retransmission repeats them all;
 * a captured credential sent again with another target or binding does
 * not (RFC 3261 §17.1.2).
 */
static void
request_fp(const osip_message_t *m, const struct auth_cred *c, uint8_t *fp)
{
	struct auth_hash	 h;
	osip_via_t		*v;
	osip_contact_t		*ct;
	osip_generic_param_t	*b = NULL;
	uint8_t			 d[AUTH_HASH_MAX];
	char			*s = NULL;
	int			 i, rc;

	auth_hash_init(&h, AUTH_SHA256);
	fp_add(&h, m->call_id != NULL ? m->call_id->number : NULL);
	fp_add(&h, m->call_id != NULL ? m->call_id->host : NULL);
	fp_add(&h, m->cseq != NULL ? m->cseq->number : NULL);
	fp_add(&h, m->cseq != NULL ? m->cseq->method : NULL);
	if ((v = osip_list_get(&m->vias, 0)) != NULL)
		osip_via_param_get_byname(v, "branch", &b);
	fp_add(&h, b != NULL ? b->gvalue : NULL);
	fp_add(&h, c->response);
	rc = m->req_uri != NULL ? osip_uri_to_str(m->req_uri, &s) : -1;
	fp_add_str(&h, rc, s);
	rc = m->to != NULL ? osip_to_to_str(m->to, &s) : -1;
	fp_add_str(&h, rc, s);
	for (i = 0; (ct = osip_list_get(&m->contacts, i)) != NULL; i++) {
		rc = osip_contact_to_str(ct, &s);
		fp_add_str(&h, rc, s);
	}
	auth_hash_final(&h, d);
	memcpy(fp, d, FP_LEN);
}

/*
 * RFC 3261 §22.4, RFC 7616 §3.4: the digest uri names the Request-URI,
 * or the response would authenticate some other request.  Both are
 * compared as libosip2 writes them, hosts without regard to case
 * (RFC 3261 §19.1.4).
 */
static int
uri_matches(const osip_message_t *m, const char *duri)
{
	osip_uri_t	*u;
	char		*a = NULL, *b = NULL;
	int		 same;

	if (m->req_uri == NULL || osip_uri_init(&u) != 0)
		return (0);
	same = osip_uri_parse(u, duri) == 0 && osip_uri_to_str(u, &a) == 0 &&
	    osip_uri_to_str(m->req_uri, &b) == 0 && strcasecmp(a, b) == 0;
	osip_uri_free(u);
	osip_free(a);
	osip_free(b);
	return (same);
}

static void
quote(char *dst, size_t size, const char *s)
{
	size_t	n = 0;

	for (; *s != '\0' && n + 3 < size; s++) {
		if (*s == '"' || *s == '\\')
			dst[n++] = '\\';
		dst[n++] = *s;
	}
	dst[n] = '\0';
}

/*
 * One challenge per algorithm.  MD5 comes first although RFC 7616 §3.7
 * wants the preferred one first: phones that read only the first
 * challenge (sipp among them) know only MD5, and one that knows SHA-256
 * picks it from the second.
 */
static char *
challenge_make(const char *realm, int stale, time_t now)
{
	char		 nonce[NONCE_HEX + 1], *out, *qrealm;
	size_t		 size, qsize, len = 0;
	int		 i, n;
	static const struct {
		int		 alg;
		const char	*name;
	} algs[] = { { AUTH_MD5, "MD5" }, { AUTH_SHA256, "SHA-256" } };

	qsize = 2 * strlen(realm) + 3;
	size = 2 * (qsize + NONCE_HEX + 128);
	if ((qrealm = malloc(qsize)) == NULL || (out = malloc(size)) == NULL)
		fatal("%s", __func__);
	quote(qrealm, qsize, realm);
	nonce_make(realm, now, nonce);
	out[0] = '\0';
	for (i = 0; i < 2; i++) {
		if ((offer & algs[i].alg) == 0)
			continue;
		n = snprintf(out + len, size - len, "%sDigest realm=\"%s\", "
		    "nonce=\"%s\", algorithm=%s, qop=\"auth\"%s",
		    len > 0 ? "\n" : "", qrealm, nonce, algs[i].name,
		    stale ? ", stale=true" : "");
		if (n < 0 || (size_t)n >= size - len)
			fatalx("%s: truncated", __func__);
		len += n;
	}
	free(qrealm);
	return (out);
}

/* Everything but the challenge: the status and why. */
static int
auth_verify(const osip_message_t *m, const char *realm, const char *passwd,
    time_t now, int *stale, const char **why)
{
	struct auth_cred	 c;
	const char		*pass;
	char			 want[2 * AUTH_HASH_MAX + 1];
	char			 got[2 * AUTH_HASH_MAX + 1];
	uint8_t			 id[NONCE_ID], fp[FP_LEN];
	time_t			 born;
	uint32_t		 nc;
	size_t			 i;
	int			 rc;

	if (m->sip_method == NULL) {
		*why = "not a request";
		return (400);
	}
	if (!pwfile_loaded() && (passwd == NULL || passwd[0] == '\0')) {
		*why = "no password configured";
		return (403);
	}
	if ((rc = cred_find(m, realm, &c, why)) != 0 ||
	    (rc = cred_check(&c, &nc, why)) != 0)
		goto done;
	rc = 407;
	if (nonce_open(c.nonce, realm, id, &born) == -1) {
		*why = "not our nonce";
		goto done;
	}
	if (!uri_matches(m, c.uri)) {
		*why = "digest uri is not the request-uri";
		goto done;
	}
	/*
	 * An unknown user is answered as a wrong password, after the same
	 * work, so that the answer does not tell which users exist.
	 */
	if ((pass = pw_lookup(c.username, passwd)) == NULL)
		pass = unknown_pass();
	if (auth_response(&c, pass, m->sip_method, want, sizeof(want)) == -1)
		fatalx("%s: digest does not fit", __func__);
	for (i = 0; c.response[i] != '\0'; i++)
		got[i] = tolower((unsigned char)c.response[i]);
	got[i] = '\0';
	if (strlen(want) != i || ct_differ(want, got, i) != 0 ||
	    pass == unknown_pass()) {
		*why = pass == unknown_pass() ? "unknown user" :
		    "wrong password";
		last_guess = 1;
		goto done;
	}
	/* The password was right: a new nonce is all the phone needs. */
	*stale = 1;
	if (born > now || now - born >= AUTH_NONCE_LIFE) {
		*why = "stale nonce";
		goto done;
	}
	request_fp(m, &c, fp);
	if ((*why = nonce_use(id, born, nc, fp)) != NULL)
		goto done;
	*stale = 0;
	strlcpy(auth_username, c.username, sizeof(auth_username));
	*why = "authenticated";
	rc = 0;
 done:
	explicit_bzero(&c, sizeof(c));
	explicit_bzero(want, sizeof(want));
	return (rc);
}

int
auth_check(const osip_message_t *m, const char *realm, const char *passwd,
    const char **user, char **challenge, const char **why)
{
	time_t	now = auth_now();
	int	rc, stale = 0;

	*user = NULL;
	*challenge = NULL;
	last_guess = 0;
	if (!auth_enabled(realm)) {
		*why = "authentication off";
		return (0);
	}
	nonce_expire(now);
	rc = auth_verify(m, realm, passwd, now, &stale, why);
	if (rc == 0)
		*user = auth_username;
	else if (rc == 407)
		*challenge = challenge_make(realm, stale, now);
	return (rc);
}

int
auth_was_guess(void)
{
	return (last_guess);
}

int
auth_add_challenge(osip_message_t *resp, const char *challenge)
{
	const char	*p = challenge, *nl;
	char		*line;
	int		 rc;

	while (*p != '\0') {
		if ((nl = strchr(p, '\n')) == NULL)
			nl = p + strlen(p);
		if ((line = strndup(p, nl - p)) == NULL)
			fatal("%s", __func__);
		rc = osip_message_set_proxy_authenticate(resp, line);
		free(line);
		if (rc != 0)
			return (-1);
		p = *nl == '\n' ? nl + 1 : nl;
	}
	return (0);
}

void
auth_strip(osip_message_t *m, const char *realm)
{
	osip_proxy_authorization_t	*a;
	int				 i = 0;

	if (!auth_enabled(realm))
		return;
	while ((a = osip_list_get(&m->proxy_authorizations, i)) != NULL) {
		if (is_ours(a, realm)) {
			osip_list_remove(&m->proxy_authorizations, i);
			osip_proxy_authorization_free(a);
			m->message_property = 2;
		} else
			i++;
	}
}
