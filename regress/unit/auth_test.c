/* SPDX-License-Identifier: ISC */
/* auth: hashes, RFC digests, challenge and response, replay, pwfile. */

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include <osipparser2/osip_parser.h>

#include "addr.h"
#include "auth.h"
#include "log.h"
#include "osipquiet.h"
#include "pwfile.h"
#include "srclimit.h"
#include "unit.h"

#define REALM	"lan.example"
#define URI	"sip:example.com"

static time_t	fake_now = 1000;
/* What mkmsg writes and answer signs; a test changes one at a time. */
static const char *msg_ruri = URI;
static const char *msg_to = "sip:alice@example.com";
static const char *msg_contact = "sip:alice@10.0.0.2";
static const char *digest_uri = URI;

static time_t
fake_clock(void)
{
	return (fake_now);
}

static const char *
hash_hex(int alg, const char *s, size_t len, size_t step)
{
	static char		 hex[2 * AUTH_HASH_MAX + 1];
	struct auth_hash	 c;
	uint8_t			 d[AUTH_HASH_MAX];
	size_t			 i, n, k;

	auth_hash_init(&c, alg);
	for (i = 0; i < len; i += k) {
		k = step == 0 || len - i < step ? len - i : step;
		auth_hash_update(&c, s + i, k);
	}
	n = auth_hash_final(&c, d);
	for (i = 0; i < n; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
	return (hex);
}

static void
test_hashes(void)
{
	static const struct {
		int		 alg;
		const char	*in, *out;
	} v[] = {
		/* RFC 1321 §A.5 */
		{ AUTH_MD5, "", "d41d8cd98f00b204e9800998ecf8427e" },
		{ AUTH_MD5, "a", "0cc175b9c0f1b6a831c399e269772661" },
		{ AUTH_MD5, "abc", "900150983cd24fb0d6963f7d28e17f72" },
		{ AUTH_MD5, "message digest",
		    "f96b697d7cb7938d525a2f31aaf161d0" },
		{ AUTH_MD5, "abcdefghijklmnopqrstuvwxyz",
		    "c3fcd3d76192e4007dfb496cca67e13b" },
		{ AUTH_MD5, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		    "0123456789", "d174ab98d277d9f5a5611c2c9f419d9f" },
		{ AUTH_MD5, "1234567890123456789012345678901234567890"
		    "1234567890123456789012345678901234567890",
		    "57edf4a22be3c955ac49da2e2107b67a" },
		/* FIPS 180-4 examples (NIST CSRC) */
		{ AUTH_SHA256, "", "e3b0c44298fc1c149afbf4c8996fb924"
		    "27ae41e4649b934ca495991b7852b855" },
		{ AUTH_SHA256, "abc", "ba7816bf8f01cfea414140de5dae2223"
		    "b00361a396177a9cb410ff61f20015ad" },
		{ AUTH_SHA256, "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmno"
		    "mnopnopq", "248d6a61d20638b8e5c026930c3e6039"
		    "a33ce45964ff2167f6ecedd419db06c1" },
		{ AUTH_SHA256, "abcdefghbcdefghicdefghijdefghijkefghijklfghijklm"
		    "ghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrst"
		    "nopqrstu", "cf5b16a778af8380036ce59e7b049237"
		    "0b249b11e8f07a51afac45037afee9d1" },
	};
	char	*mil;
	size_t	 i, len;
	int	 ok;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		len = strlen(v[i].in);
		CHECK(strcmp(hash_hex(v[i].alg, v[i].in, len, 0),
		    v[i].out) == 0, "%s(\"%.20s\")",
		    v[i].alg == AUTH_MD5 ? "md5" : "sha256", v[i].in);
		CHECK(strcmp(hash_hex(v[i].alg, v[i].in, len, 1),
		    v[i].out) == 0, "%s(\"%.20s\") a byte at a time",
		    v[i].alg == AUTH_MD5 ? "md5" : "sha256", v[i].in);
	}
	if ((mil = malloc(1000000)) == NULL)
		abort();
	memset(mil, 'a', 1000000);
	CHECK(strcmp(hash_hex(AUTH_MD5, mil, 1000000, 4093),
	    "7707d6ae4e027c70eea2a935c2296f21") == 0, "md5(a million a)");
	CHECK(strcmp(hash_hex(AUTH_SHA256, mil, 1000000, 4093),
	    "cdc76e5c9914fb9281a1c7e284d73e67"
	    "f1809a48a497200e046d39ccc7112cd0") == 0, "sha256(a million a)");
	/* Padding edges: split updates agree with one-shot ones. */
	ok = 1;
	for (len = 50; len < 140; len++) {
		char	one[65];

		strlcpy(one, hash_hex(AUTH_SHA256, mil, len, 0), sizeof(one));
		ok &= strcmp(one, hash_hex(AUTH_SHA256, mil, len, 7)) == 0;
		strlcpy(one, hash_hex(AUTH_MD5, mil, len, 0), sizeof(one));
		ok &= strcmp(one, hash_hex(AUTH_MD5, mil, len, 13)) == 0;
	}
	CHECK(ok, "split updates agree across block and padding edges");
	free(mil);
}

static void
set_cred(struct auth_cred *c, int alg, const char *user, const char *realm,
    const char *nonce, const char *uri, const char *nc, const char *cnonce,
    const char *qop)
{
	memset(c, 0, sizeof(*c));
	c->alg = alg;
	strlcpy(c->username, user, sizeof(c->username));
	strlcpy(c->realm, realm, sizeof(c->realm));
	strlcpy(c->nonce, nonce, sizeof(c->nonce));
	strlcpy(c->uri, uri, sizeof(c->uri));
	strlcpy(c->nc, nc, sizeof(c->nc));
	strlcpy(c->cnonce, cnonce, sizeof(c->cnonce));
	strlcpy(c->qop, qop, sizeof(c->qop));
}

static void
test_rfc_digests(void)
{
	struct auth_cred	c;
	char			out[65];

	/* RFC 2617 §3.5 */
	set_cred(&c, AUTH_MD5, "Mufasa", "testrealm@host.com",
	    "dcd98b7102dd2f0e8b11d0f600bfb0c093", "/dir/index.html",
	    "00000001", "0a4f113b", "auth");
	CHECK(auth_response(&c, "Circle Of Life", "GET", out,
	    sizeof(out)) == 0 &&
	    strcmp(out, "6629fae49393a05397450978507c4ef1") == 0,
	    "RFC 2617 §3.5 response");
	/* RFC 7616 §3.9.1, MD5 then SHA-256 */
	set_cred(&c, AUTH_MD5, "Mufasa", "http-auth@example.org",
	    "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", "/dir/index.html",
	    "00000001", "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", "auth");
	CHECK(auth_response(&c, "Circle of Life", "GET", out,
	    sizeof(out)) == 0 &&
	    strcmp(out, "8ca523f5e9506fed4657c9700eebdbec") == 0,
	    "RFC 7616 §3.9.1 MD5 response");
	c.alg = AUTH_SHA256;
	CHECK(auth_response(&c, "Circle of Life", "GET", out,
	    sizeof(out)) == 0 &&
	    strcmp(out, "753927fa0e85d155564e2e272a28d180"
	    "2ca10daf4496794697cf8db5856cb6c1") == 0,
	    "RFC 7616 §3.9.1 SHA-256 response");
	CHECK(auth_response(&c, "x", "GET", out, 64) == -1,
	    "response refused for a short buffer");
	/* RFC 2069 form (no qop), cross-checked with Python's hashlib. */
	set_cred(&c, AUTH_MD5, "Mufasa", "testrealm@host.com",
	    "dcd98b7102dd2f0e8b11d0f600bfb0c093", "/dir/index.html", "", "",
	    "");
	CHECK(auth_response(&c, "CircleOfLife", "GET", out, sizeof(out)) == 0 &&
	    strcmp(out, "1949323746fe6a43ef61f9606e7febea") == 0,
	    "RFC 2069 style response");
}

static osip_message_t *
mkmsg(const char *tag, const char *pa1, const char *pa2)
{
	osip_message_t	*m;
	char		 buf[16384], h1[8192] = "", h2[8192] = "";
	int		 n;

	if (pa1 != NULL)
		snprintf(h1, sizeof(h1), "Proxy-Authorization: %s\r\n", pa1);
	if (pa2 != NULL)
		snprintf(h2, sizeof(h2), "Proxy-Authorization: %s\r\n", pa2);
	n = snprintf(buf, sizeof(buf),
	    "REGISTER %s SIP/2.0\r\n"
	    "Via: SIP/2.0/UDP 10.0.0.2:5060;branch=z9hG4bK-%s\r\n"
	    "From: <sip:alice@example.com>;tag=1\r\n"
	    "To: <%s>\r\n"
	    "Call-ID: %s@10.0.0.2\r\n"
	    "CSeq: 1 REGISTER\r\n"
	    "Contact: <%s>\r\n"
	    "%s%s"
	    "Content-Length: 0\r\n\r\n", msg_ruri, tag, msg_to, tag,
	    msg_contact, h1, h2);
	if (n < 0 || (size_t)n >= sizeof(buf) || osip_message_init(&m) != 0)
		abort();
	if (osip_message_parse(m, buf, n) != 0) {
		osip_message_free(m);
		return (NULL);
	}
	return (m);
}

struct res {
	int		 code;
	int		 stale;
	int		 lines;
	char		 user[64];
	char		 nonce[128];
	const char	*why;
};

static struct res
run(const char *passwd, const char *tag, const char *pa1, const char *pa2)
{
	osip_message_t	*m = mkmsg(tag, pa1, pa2);
	struct res	 r;
	const char	*user, *p, *q;
	char		*ch;

	memset(&r, 0, sizeof(r));
	if (m == NULL) {
		r.code = -1;
		r.why = "libosip2 refused the message";
		return (r);
	}
	r.code = auth_check(m, REALM, passwd, &user, &ch, &r.why);
	if (r.code == 0 && user != NULL)
		strlcpy(r.user, user, sizeof(r.user));
	if (ch != NULL) {
		r.stale = strstr(ch, "stale=true") != NULL;
		r.lines = 1;
		for (p = ch; (p = strchr(p, '\n')) != NULL; p++)
			r.lines++;
		if ((p = strstr(ch, "nonce=\"")) != NULL) {
			p += 7;
			if ((q = strchr(p, '"')) != NULL &&
			    (size_t)(q - p) < sizeof(r.nonce))
				memcpy(r.nonce, p, q - p);
		}
		free(ch);
	}
	osip_message_free(m);
	return (r);
}

/* A Proxy-Authorization value computed here, as a phone would. */
static const char *
answer(int alg, const char *user, const char *pass, const char *nonce,
    int qop, uint32_t nc)
{
	static char		hdr[2048];
	struct auth_cred	c;
	char			resp[65], ncs[9];

	snprintf(ncs, sizeof(ncs), "%08x", nc);
	set_cred(&c, alg, user, REALM, nonce, digest_uri, qop ? ncs : "",
	    qop ? "0a4f113b" : "", qop ? "auth" : "");
	if (auth_response(&c, pass, "REGISTER", resp, sizeof(resp)) == -1)
		abort();
	if (qop)
		snprintf(hdr, sizeof(hdr), "Digest username=\"%s\", "
		    "realm=\"" REALM "\", nonce=\"%s\", uri=\"%s\", "
		    "response=\"%s\", algorithm=%s, qop=auth, nc=%s, "
		    "cnonce=\"0a4f113b\"", user, nonce, digest_uri, resp,
		    alg == AUTH_MD5 ? "MD5" : "SHA-256", ncs);
	else
		snprintf(hdr, sizeof(hdr), "Digest username=\"%s\", "
		    "realm=\"" REALM "\", nonce=\"%s\", uri=\"%s\", "
		    "response=\"%s\"%s", user, nonce, digest_uri, resp,
		    alg == AUTH_MD5 ? "" : ", algorithm=SHA-256");
	return (hdr);
}

static const char pwfile[] =
    "# siproxd passwords\n"
    "\n"
    "   \t\n"
    "alice  wonderland\n"
    "\tbob\tbuilder   # a comment\n"
    "carol s3cr#t\r\n"
    "  # indented comment\n"
    "dave";				/* no password: a bad line */

static void
test_pwfile(void)
{
	char	 big[3000], buf[4000];
	size_t	 n;

	CHECK(pwfile_load(pwfile, sizeof(pwfile) - 1) == -1,
	    "pwfile: a line without password is reported");
	CHECK(pwfile_load(pwfile, sizeof(pwfile) - 6) == 0,
	    "pwfile: comments, blank lines, CRLF, tabs load clean");
	memset(big, 'x', sizeof(big));
	big[sizeof(big) - 1] = '\0';
	n = snprintf(buf, sizeof(buf), "erin e\n%s y\nfrank f\n", big);
	CHECK(pwfile_load(buf, n) == -1, "pwfile: a 3000-byte line is bad");
	snprintf(buf, sizeof(buf), "erin e\nfrank f g\nerin again\n");
	CHECK(pwfile_load(buf, strlen(buf)) == -1,
	    "pwfile: trailing field and duplicate user are bad");
	CHECK(pwfile_load("erin e\nx\0y z\nfrank f\n", 21) == -1,
	    "pwfile: a NUL byte is bad");
	CHECK(pwfile_load("", 0) == 0, "pwfile: empty file loads");
}

static void
test_roundtrip(void)
{
	struct res	 r, ch;
	char		 nonce[128], bad[128];
	const char	*a;

	pwfile_load(pwfile, sizeof(pwfile) - 6);
	ch = run(NULL, "t1", NULL, NULL);
	CHECK(ch.code == 407 && ch.lines == 2 && !ch.stale &&
	    strlen(ch.nonce) == 64, "no credentials: 407, two challenges "
	    "(%s)", ch.why);
	strlcpy(nonce, ch.nonce, sizeof(nonce));

	r = run(NULL, "t2", answer(AUTH_MD5, "alice", "wonderland", nonce,
	    1, 1), NULL);
	CHECK(r.code == 0 && strcmp(r.user, "alice") == 0,
	    "MD5 qop=auth nc=1 accepted (%s)", r.why);
	r = run(NULL, "t2", answer(AUTH_MD5, "alice", "wonderland", nonce,
	    1, 1), NULL);
	CHECK(r.code == 0, "the same request again is a retransmission (%s)",
	    r.why);
	r = run(NULL, "t3", answer(AUTH_MD5, "alice", "wonderland", nonce,
	    1, 1), NULL);
	CHECK(r.code == 407 && r.stale, "nc=1 in a new request: replay, 407 "
	    "stale (%s)", r.why);
	r = run(NULL, "t4", answer(AUTH_MD5, "alice", "wonderland", nonce,
	    1, 2), NULL);
	CHECK(r.code == 0, "nc=2 accepted (%s)", r.why);
	r = run(NULL, "t5", answer(AUTH_MD5, "alice", "wonderland", nonce,
	    1, 1), NULL);
	CHECK(r.code == 407 && r.stale, "nc going back refused (%s)", r.why);
	auth_forget_nonces();
	r = run(NULL, "t5", answer(AUTH_MD5, "alice", "wonderland", nonce,
	    1, 1), NULL);
	CHECK(r.code == 0, "nonces forgotten: nc=1 good again (%s)", r.why);
	r = run(NULL, "t5b", answer(AUTH_MD5, "alice", "wonderland", nonce,
	    1, 1), NULL);
	CHECK(r.code == 407 && r.stale, "... and counted again (%s)", r.why);

	r = run(NULL, "t6", answer(AUTH_SHA256, "bob", "builder", nonce,
	    1, 7), NULL);
	CHECK(r.code == 0 && strcmp(r.user, "bob") == 0,
	    "SHA-256 qop=auth accepted (%s)", r.why);

	ch = run(NULL, "t7", NULL, NULL);
	strlcpy(nonce, ch.nonce, sizeof(nonce));
	a = answer(AUTH_MD5, "carol", "s3cr#t", nonce, 0, 0);
	r = run(NULL, "t8", a, NULL);
	CHECK(r.code == 0, "MD5 without qop (RFC 2069) accepted (%s)", r.why);
	r = run(NULL, "t8", a, NULL);
	CHECK(r.code == 0, "RFC 2069: retransmission accepted (%s)", r.why);
	r = run(NULL, "t9", a, NULL);
	CHECK(r.code == 407 && r.stale, "RFC 2069: nonce used twice refused "
	    "(%s)", r.why);
	r = run(NULL, "t9", answer(AUTH_SHA256, "carol", "s3cr#t", nonce,
	    0, 0), NULL);
	CHECK(r.code == 400, "SHA-256 without qop: 400 (%s)", r.why);

	r = run(NULL, "t10", answer(AUTH_MD5, "alice", "wrong", nonce, 1, 1),
	    NULL);
	CHECK(r.code == 407 && !r.stale && r.nonce[0] != '\0',
	    "wrong password: 407, not stale (%s)", r.why);
	CHECK(auth_was_guess(), "a wrong password counts as a guess");
	r = run(NULL, "t11", answer(AUTH_MD5, "mallory", "x", nonce, 1, 1),
	    NULL);
	CHECK(r.code == 407 && !r.stale && r.nonce[0] != '\0' &&
	    auth_was_guess(), "unknown user: 407 as for a wrong password, a "
	    "guess (%s)", r.why);
	r = run("wonderland", "t12", answer(AUTH_MD5, "mallory", "wonderland",
	    nonce, 1, 1), NULL);
	CHECK(r.code == 407 && !r.stale, "pwfile wins over proxy_auth_passwd "
	    "(%s)", r.why);

	/* Forged nonces. */
	strlcpy(bad, nonce, sizeof(bad));
	bad[60] = bad[60] == '0' ? '1' : '0';
	r = run(NULL, "t13", answer(AUTH_MD5, "alice", "wonderland", bad, 1, 1),
	    NULL);
	CHECK(r.code == 407 && !r.stale, "forged nonce MAC: 407 (%s)", r.why);
	strlcpy(bad, nonce, sizeof(bad));
	bad[3] = bad[3] == '0' ? '1' : '0';
	r = run(NULL, "t14", answer(AUTH_MD5, "alice", "wonderland", bad, 1, 1),
	    NULL);
	CHECK(r.code == 407 && !r.stale, "nonce with a changed time: 407 (%s)",
	    r.why);
	r = run(NULL, "t15", answer(AUTH_MD5, "alice", "wonderland",
	    "dcd98b7102dd2f0e8b11d0f600bfb0c093", 1, 1), NULL);
	CHECK(r.code == 407 && !r.stale, "someone else's nonce: 407 (%s)",
	    r.why);
	bad[0] = '\0';
	strlcat(bad, nonce, sizeof(bad));
	bad[10] = 'A';
	r = run(NULL, "t16", answer(AUTH_MD5, "alice", "wonderland", bad, 1, 1),
	    NULL);
	CHECK(r.code == 407, "nonce with uppercase hex: 407 (%s)", r.why);

	/* Stale: the clock moves on. */
	ch = run(NULL, "t17", NULL, NULL);
	strlcpy(nonce, ch.nonce, sizeof(nonce));
	fake_now += AUTH_NONCE_LIFE - 1;
	r = run(NULL, "t18", answer(AUTH_MD5, "alice", "wonderland", nonce,
	    1, 1), NULL);
	CHECK(r.code == 0, "nonce good just before its lifetime ends (%s)",
	    r.why);
	fake_now += 1;
	r = run(NULL, "t19", answer(AUTH_MD5, "alice", "wonderland", nonce,
	    1, 2), NULL);
	CHECK(r.code == 407 && r.stale && strcmp(r.nonce, nonce) != 0,
	    "stale nonce: 407 stale=true with a new nonce (%s)", r.why);
	r = run(NULL, "t20", answer(AUTH_MD5, "alice", "nope", nonce, 1, 2),
	    NULL);
	CHECK(r.code == 407 && !r.stale, "stale nonce, wrong password: not "
	    "stale (%s)", r.why);

	/* One password for everyone. */
	pwfile_clear();
	ch = run("open sesame", "t21", NULL, NULL);
	strlcpy(nonce, ch.nonce, sizeof(nonce));
	r = run("open sesame", "t22", answer(AUTH_SHA256, "anyone",
	    "open sesame", nonce, 1, 1), NULL);
	CHECK(r.code == 0 && strcmp(r.user, "anyone") == 0,
	    "proxy_auth_passwd: any user (%s)", r.why);
	r = run("", "t23", answer(AUTH_SHA256, "anyone", "", nonce, 1, 2),
	    NULL);
	CHECK(r.code == 403, "no password configured: 403 (%s)", r.why);

	/* Uppercase hex in the response is still the response. */
	a = answer(AUTH_MD5, "anyone", "open sesame", nonce, 1, 3);
	{
		char	up[2048], *p;

		strlcpy(up, a, sizeof(up));
		if ((p = strstr(up, "response=\"")) != NULL)
			for (p += 10; *p != '"'; p++)
				if (*p >= 'a' && *p <= 'f')
					*p -= 'a' - 'A';
		r = run("open sesame", "t24", up, NULL);
		CHECK(r.code == 0, "uppercase response hex accepted (%s)",
		    r.why);
	}
	r = run("open sesame", "t25", "Digest username=\"u\", realm=\"other\", "
	    "nonce=\"1\", uri=\"" URI "\", response=\"1\"", NULL);
	CHECK(r.code == 407 && !r.stale, "credentials for another realm: "
	    "407 (%s)", r.why);
	a = answer(AUTH_MD5, "anyone", "open sesame", nonce, 1, 4);
	r = run("open sesame", "t26", "Digest username=\"u\", realm=\"other\", "
	    "nonce=\"1\", uri=\"" URI "\", response=\"1\"", a);
	CHECK(r.code == 0, "ours found after another realm's (%s)", r.why);
	auth_offer(AUTH_MD5);
	ch = run("open sesame", "t27", NULL, NULL);
	CHECK(ch.lines == 1, "auth_offer(AUTH_MD5): one challenge");
	auth_offer(AUTH_MD5 | AUTH_SHA256);
}

/*
 * A captured credential sent again as a "retransmission" with another
 * binding or target, and a digest uri that is not the Request-URI.
 */
static void
test_replay_target(void)
{
	struct res	 r, ch;
	char		 nonce[128];
	const char	*a;

	pwfile_load(pwfile, sizeof(pwfile) - 6);
	ch = run(NULL, "r1", NULL, NULL);
	strlcpy(nonce, ch.nonce, sizeof(nonce));
	a = answer(AUTH_MD5, "alice", "wonderland", nonce, 1, 1);
	r = run(NULL, "r2", a, NULL);
	CHECK(r.code == 0, "replay set-up: accepted (%s)", r.why);
	CHECK(!auth_was_guess(), "a good password is no guess");
	msg_contact = "sip:alice@192.0.2.66";
	r = run(NULL, "r2", a, NULL);
	CHECK(r.code == 407, "same request, another Contact: refused (%s)",
	    r.why);
	msg_contact = "sip:alice@10.0.0.2";
	msg_to = "sip:bob@example.com";
	r = run(NULL, "r2", a, NULL);
	CHECK(r.code == 407, "same request, another To: refused (%s)", r.why);
	msg_to = "sip:alice@example.com";
	msg_ruri = "sip:example.net";
	r = run(NULL, "r2", a, NULL);
	CHECK(r.code == 407 && !auth_was_guess(), "same request, another "
	    "Request-URI: refused, no guess (%s)", r.why);
	msg_ruri = URI;
	r = run(NULL, "r2", a, NULL);
	CHECK(r.code == 0, "the real retransmission still passes (%s)", r.why);

	ch = run(NULL, "r3", NULL, NULL);
	strlcpy(nonce, ch.nonce, sizeof(nonce));
	digest_uri = "sip:example.net";
	r = run(NULL, "r4", answer(AUTH_MD5, "alice", "wonderland", nonce,
	    1, 1), NULL);
	digest_uri = URI;
	CHECK(r.code == 407, "digest uri not the Request-URI: 407 (%s)",
	    r.why);
	digest_uri = "sip:EXAMPLE.com";
	r = run(NULL, "r5", answer(AUTH_MD5, "alice", "wonderland", nonce,
	    1, 2), NULL);
	digest_uri = URI;
	CHECK(r.code == 0, "digest uri with the host in capitals: the same "
	    "(%s)", r.why);
}

static void
test_guard(void)
{
	struct sockaddr_storage	 a, b, a6, b6;
	const struct sockaddr	*sa = (struct sockaddr *)&a;
	time_t			 t = 5000;
	int			 i, started = 0;

	addr_parse("10.0.0.3", &a);
	addr_parse("10.0.0.2", &b);
	addr_parse("2001:db8:5:6::1", &a6);
	addr_parse("2001:db8:5:6:ffff::2", &b6);
	srclimit_forget_guesses();
	for (i = 0; i < GUARD_FAILS - 1; i++)
		started |= srclimit_guessed(sa, t + i);
	CHECK(!started && !srclimit_blocked(sa, t + i), "guard: %d guesses "
	    "pass", GUARD_FAILS - 1);
	CHECK(srclimit_guessed(sa, t + i) && srclimit_blocked(sa, t + i),
	    "guard: guess %d starts the time out", GUARD_FAILS);
	CHECK(!srclimit_blocked((struct sockaddr *)&b, t + i),
	    "guard: another source is not refused");
	CHECK(srclimit_blocked(sa, t + i + GUARD_BLOCK - 1) &&
	    !srclimit_blocked(sa, t + i + GUARD_BLOCK), "guard: the time out "
	    "ends after %d s", GUARD_BLOCK);
	srclimit_forget_guesses();
	for (i = 0; i < 3 * GUARD_FAILS; i++)
		started |= srclimit_guessed(sa, t + i * (GUARD_WINDOW / 4));
	CHECK(!started, "guard: slow guesses, a few per window, pass");
	for (i = 0; i < GUARD_FAILS; i++)
		started |= srclimit_guessed((struct sockaddr *)(i % 2 ? &a6 :
		    &b6), t);
	CHECK(started && srclimit_blocked((struct sockaddr *)&a6, t),
	    "guard: an IPv6 /64 counts as one source");
	for (i = 0; i < 2 * GUARD_MAX; i++) {
		((struct sockaddr_in *)&b)->sin_addr.s_addr = htonl(0x0b000000 +
		    i);
		srclimit_guessed((struct sockaddr *)&b, t);
	}
	CHECK(!srclimit_blocked((struct sockaddr *)&a6, t + 1),
	    "guard: a full table forgets the oldest source");
	srclimit_forget_guesses();
}

static void
test_table_full(void)
{
	struct res	 ch, r;
	int		 i, ok = 1;

	fake_now += 10 * AUTH_NONCE_LIFE;
	pwfile_clear();
	for (i = 0; i < AUTH_NONCE_MAX && ok; i++) {
		ch = run("pw", "full", NULL, NULL);
		r = run("pw", "full", answer(AUTH_MD5, "u", "pw", ch.nonce,
		    1, 1), NULL);
		ok = r.code == 0;
	}
	CHECK(ok, "%d nonces in use", AUTH_NONCE_MAX);
	ch = run("pw", "full", NULL, NULL);
	r = run("pw", "full", answer(AUTH_MD5, "u", "pw", ch.nonce, 1, 1),
	    NULL);
	CHECK(r.code == 407 && r.stale, "table full: a new nonce gets a fresh "
	    "challenge (%s)", r.why);
	fake_now += AUTH_NONCE_LIFE;
	ch = run("pw", "full", NULL, NULL);
	r = run("pw", "full", answer(AUTH_MD5, "u", "pw", ch.nonce, 1, 1),
	    NULL);
	CHECK(r.code == 0, "expired entries make room (%s)", r.why);
}

static void
test_garbage(void)
{
	static const char	*bad[] = {
		"",
		"Digest",
		"Digest ",
		"Basic dXNlcjpwdw==",
		"Digest username",
		"Digest username=",
		"Digest username=\"alice",
		"Digest username=\"al\"ice\", realm=\"" REALM "\"",
		"Digest username=\"a\" realm=\"" REALM "\"",
		"Digest username=\"a\", username=\"b\", realm=\"" REALM "\"",
		"Digest =x, realm=\"" REALM "\"",
		"Digest realm=\"" REALM "\", username=\"a\\",
		"Digest realm=\"" REALM "\", username=\"a\tb\rc\"",
		"Digestusername=\"a\"",
		"Digest realm=\"" REALM "\";username=\"a\"",
	};
	struct res		 r;
	char			*big;
	size_t			 i;

	/* libosip2 parses the header; what it keeps must never pass. */
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		r = run("pw", "g0", bad[i], NULL);
		CHECK(r.code == 400 || r.code == 407 || r.code == -1,
		    "check refuses garbage %zu -> %d (%s)", i, r.code, r.why);
	}
	if ((big = malloc(10240 + 64)) == NULL)
		abort();
	strlcpy(big, "Digest realm=\"" REALM "\", username=\"", 10240 + 64);
	i = strlen(big);
	memset(big + i, 'x', 10240);
	big[i + 10240] = '\0';
	strlcat(big, "\"", 10240 + 64);
	r = run("pw", "g1", big, NULL);
	CHECK(r.code == 400 || r.code == 407, "check: 10 KB value -> %d (%s)",
	    r.code, r.why);
	big[2000] = '"';
	big[2001] = '\0';
	r = run("pw", "g2", big, NULL);
	CHECK(r.code == 400, "check: 2000-byte username -> %d (%s)",
	    r.code, r.why);
	free(big);

	r = run("pw", "g4", "Digest username=\"a\", realm=\"" REALM "\"",
	    NULL);
	CHECK(r.code == 400, "check: missing nonce, uri, response -> 400 (%s)",
	    r.why);
	r = run("pw", "g5", "Digest username=\"a\", realm=\"" REALM "\", "
	    "nonce=\"n\", uri=\"" URI "\", response=\"00\", algorithm=MD5-sess",
	    NULL);
	CHECK(r.code == 407, "check: unknown algorithm -> 407 (%s)", r.why);
	r = run("pw", "g6", "Digest username=\"a\", realm=\"" REALM "\", "
	    "nonce=\"n\", uri=\"" URI "\", response=\"00\", qop=auth-int, "
	    "nc=00000001, cnonce=\"c\"", NULL);
	CHECK(r.code == 400, "check: qop=auth-int -> 400 (%s)", r.why);
	r = run("pw", "g7", "Digest username=\"a\", realm=\"" REALM "\", "
	    "nonce=\"n\", uri=\"" URI "\", response=\"00\", qop=auth, "
	    "nc=1, cnonce=\"c\"", NULL);
	CHECK(r.code == 400, "check: nc not 8 hex digits -> 400 (%s)", r.why);
	r = run("pw", "g8", "Digest username=\"a\", realm=\"" REALM "\", "
	    "nonce=\"n\", uri=\"" URI "\", response=\"0123\"", NULL);
	CHECK(r.code == 400, "check: short response -> 400 (%s)", r.why);
	r = run("pw", "g9", "Digest username=\"a\", realm=\"" REALM "\", "
	    "nonce=\"n\", uri=\"" URI "\", "
	    "response=\"0123456789abcdef0123456789abcdef\"", NULL);
	CHECK(r.code == 407 && !r.stale, "check: nonce not ours -> 407 (%s)",
	    r.why);
}

/*
 * libosip2 keeps a quoted-string with its quotes and escapes: they go
 * exactly once, so the digest is over the value the phone meant.
 */
static const char *
answer_cnonce(const char *nonce, const char *plain, const char *wire,
    const char *scheme)
{
	static char		hdr[2048];
	struct auth_cred	c;
	char			resp[65];

	set_cred(&c, AUTH_MD5, "alice", REALM, nonce, digest_uri, "00000001",
	    plain, "auth");
	if (auth_response(&c, "wonderland", "REGISTER", resp,
	    sizeof(resp)) == -1)
		abort();
	snprintf(hdr, sizeof(hdr), "%s username=\"alice\", "
	    "realm=\"" REALM "\", nonce=\"%s\", uri=\"%s\", "
	    "response=\"%s\", qop=auth, nc=00000001, cnonce=%s",
	    scheme, nonce, digest_uri, resp, wire);
	return (hdr);
}

static void
test_quoting(void)
{
	struct res	 r, ch;
	char		 nonce[128];

	pwfile_load(pwfile, sizeof(pwfile) - 6);
	ch = run(NULL, "q0", NULL, NULL);
	strlcpy(nonce, ch.nonce, sizeof(nonce));
	r = run(NULL, "q1", answer_cnonce(nonce, "c\"d\\e",
	    "\"c\\\"d\\\\e\"", "Digest"), NULL);
	CHECK(r.code == 0, "quoted-string: escapes undone (%s)", r.why);
	auth_forget_nonces();
	r = run(NULL, "q2", answer_cnonce(nonce, "\"x\"", "\"\\\"x\\\"\"",
	    "Digest"), NULL);
	CHECK(r.code == 0, "quoted-string: quotes inside kept, the outer "
	    "pair gone, once (%s)", r.why);
	auth_forget_nonces();
	r = run(NULL, "q3", answer_cnonce(nonce, "\"cd\"", "\"cd\"",
	    "Digest"), NULL);
	CHECK(r.code == 407, "quoted-string: a digest over the quotes "
	    "fails -> %d (%s)", r.code, r.why);
	auth_forget_nonces();
	r = run(NULL, "q4", answer_cnonce(nonce, "cd", "\"cd\"", "digest"),
	    NULL);
	CHECK(r.code == 0, "the scheme in lowercase, qop and nc bare tokens "
	    "(%s)", r.why);
}

static void
test_strip(void)
{
	osip_message_t	*m, *resp;
	char		*s, *ch;
	const char	*user, *why;
	size_t		 len;

	m = mkmsg("s1", "Digest username=\"a\", realm=\"upstream\", "
	    "nonce=\"1\", uri=\"" URI "\", response=\"2\"",
	    "Digest username=\"a\", realm=\"" REALM "\", nonce=\"1\", "
	    "uri=\"" URI "\", response=\"2\"");
	auth_strip(m, REALM);
	CHECK(osip_list_size(&m->proxy_authorizations) == 1,
	    "strip: one header left");
	if (osip_message_to_str(m, &s, &len) == 0) {
		CHECK(strstr(s, "upstream") != NULL &&
		    strstr(s, REALM) == NULL, "strip: only ours removed");
		osip_free(s);
	}
	auth_strip(m, REALM);
	CHECK(osip_list_size(&m->proxy_authorizations) == 1,
	    "strip: nothing else removed on a second pass");
	osip_message_free(m);

	/* The challenge goes into a response as headers libosip2 reads. */
	m = mkmsg("s2", NULL, NULL);
	if (auth_check(m, "a \"quoted\" realm", "pw", &user, &ch, &why) !=
	    407 || ch == NULL)
		abort();
	osip_message_init(&resp);
	CHECK(auth_add_challenge(resp, ch) == 0 &&
	    osip_list_size(&resp->proxy_authenticates) == 2,
	    "challenge: two Proxy-Authenticate headers");
	CHECK(strstr(ch, "realm=\"a \\\"quoted\\\" realm\"") != NULL,
	    "challenge: realm quoted");
	free(ch);
	osip_message_free(resp);
	osip_message_free(m);
}

int
main(void)
{
	log_init(1, LOG_DAEMON);
	log_setverbose(-1);
	parser_init();
	osip_trace_initialize_func(TRACE_LEVEL0, osip_quiet);
	auth_init();
	auth_set_clock(fake_clock);
	test_hashes();
	test_rfc_digests();
	test_pwfile();
	test_roundtrip();
	test_replay_target();
	test_guard();
	test_garbage();
	test_quoting();
	test_strip();
	test_table_full();
	pwfile_clear();
	UNIT_DONE();
}
