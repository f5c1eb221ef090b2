/* SPDX-License-Identifier: ISC */
/* sipmsg: the RFC 4475 / RFC 5118 torture messages, framing and answers. */

#include <sys/types.h>
#include <sys/stat.h>

#include <dirent.h>
#include <err.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <osipparser2/osip_parser.h>

#include "reply.h"
#include "sipmsg.h"
#include "unit.h"

#define ACCEPTED (-1)	/* parsed and passed to the proxy logic */
#define DROPPED	0	/* dropped silently */

struct expect {
	const char	*file;
	int		 outcome;	/* ACCEPTED, DROPPED or a code */
	const char	*note;		/* where we differ from index.md */
};

/* rfc4475/index.md, column "RFC / NAT proxy". */
static const struct expect rfc4475[] = {
	{ "wsinv.dat", ACCEPTED, NULL },
	{ "intmeth.dat", DROPPED, "valid, but libosip2 rejects it and the To "
	    "we would echo holds a raw NUL: drop is the fallback" },
	{ "esc01.dat", ACCEPTED, NULL },
	{ "escnull.dat", ACCEPTED, NULL },
	{ "esc02.dat", ACCEPTED, NULL },
	{ "lwsdisp.dat", ACCEPTED, NULL },
	{ "longreq.dat", ACCEPTED, NULL },
	{ "dblreq.dat", ACCEPTED, NULL },
	{ "semiuri.dat", ACCEPTED, NULL },
	{ "transports.dat", ACCEPTED, NULL },
	{ "mpart01.dat", ACCEPTED, NULL },
	{ "unreason.dat", ACCEPTED, NULL },
	{ "noreason.dat", ACCEPTED, NULL },
	{ "badinv01.dat", 400, NULL },
	{ "clerr.dat", 400, NULL },
	{ "ncl.dat", 400, NULL },
	{ "scalar02.dat", 400, NULL },
	{ "scalarlg.dat", DROPPED, NULL },
	{ "quotbal.dat", 400, NULL },
	{ "ltgtruri.dat", 400, NULL },
	{ "lwsruri.dat", 400, NULL },
	{ "lwsstart.dat", 400, NULL },
	{ "trws.dat", 400, NULL },
	{ "escruri.dat", 400, NULL },
	{ "baddate.dat", ACCEPTED, NULL },
	{ "regbadct.dat", 400, NULL },
	{ "badaspec.dat", 400, NULL },
	{ "baddn.dat", 400, NULL },
	{ "badvers.dat", 505, NULL },
	{ "mismatch01.dat", 400, NULL },
	{ "mismatch02.dat", 400, "a proxy forwards unknown methods, so the "
	    "mismatch is a 400 (the RFC allows it)" },
	{ "bigcode.dat", DROPPED, NULL },
	{ "badbranch.dat", ACCEPTED, NULL },
	{ "insuf.dat", DROPPED, "no To/From/Call-ID: a 400 could not carry "
	    "them (RFC 3261 §8.2.6), so it is unanswerable" },
	{ "unkscm.dat", 416, NULL },
	{ "novelsc.dat", 416, NULL },
	{ "unksm2.dat", ACCEPTED, NULL },
	{ "bext01.dat", 420, NULL },
	{ "invut.dat", ACCEPTED, NULL },
	{ "regaut01.dat", ACCEPTED, NULL },
	{ "multi01.dat", 400, NULL },
	{ "mcl01.dat", 400, NULL },
	{ "bcast.dat", DROPPED, NULL },
	{ "zeromf.dat", ACCEPTED, "483 is the proxy logic's" },
	{ "cparam01.dat", ACCEPTED, NULL },
	{ "cparam02.dat", ACCEPTED, NULL },
	{ "regescrt.dat", ACCEPTED, NULL },
	{ "sdp01.dat", ACCEPTED, NULL },
	{ "inv2543.dat", ACCEPTED, NULL },
	{ "test.dat", DROPPED, "no expectation: no SIP version, no Via" },
};

/* rfc5118/index.md, column "NAT proxy", on the wire form. */
static const struct expect rfc5118[] = {
	{ "ipv6-good", ACCEPTED, NULL },
	{ "ipv6-bad", 400, NULL },
	{ "port-ambiguous", ACCEPTED, NULL },
	{ "port-unambiguous", ACCEPTED, NULL },
	{ "via-received-param-with-delim", ACCEPTED, NULL },
	{ "via-received-param-no-delim", ACCEPTED, NULL },
	{ "ipv6-in-sdp", ACCEPTED, NULL },
	{ "mult-ip-in-header", ACCEPTED, NULL },
	{ "mult-ip-in-sdp", ACCEPTED, NULL },
	{ "ipv4-mapped-ipv6", ACCEPTED, NULL },
	{ "ipv6-bug-abnf-3-colons", ACCEPTED, NULL },
	{ "ipv6-correct-abnf-2-colons", ACCEPTED, NULL },
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static char *
readfile(const char *dir, const char *name, size_t *len)
{
	char		 path[1024];
	struct stat	 st;
	char		*buf;
	ssize_t		 n;
	int		 fd;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    sizeof(path))
		errx(1, "path too long");
	if ((fd = open(path, O_RDONLY)) == -1)
		return (NULL);
	if (fstat(fd, &st) == -1)
		err(1, "%s", path);
	if ((buf = malloc(st.st_size + 1)) == NULL)
		err(1, NULL);
	if ((n = read(fd, buf, st.st_size)) != st.st_size)
		errx(1, "%s: short read", path);
	close(fd);
	*len = n;
	return (buf);
}

/*
 * rfc5118/index.md: LF -> CRLF, terminate the header section, set
 * Content-Length to the body size; nothing else.
 */
static char *
wireform(const char *in, size_t inlen, size_t *len)
{
	char		*out, *hdr, *body, *p, *cl;
	size_t		 i, hlen = 0, blen = 0;
	const char	*sep;

	if ((hdr = malloc(2 * inlen + 64)) == NULL ||
	    (body = malloc(2 * inlen + 1)) == NULL ||
	    (out = malloc(4 * inlen + 128)) == NULL)
		err(1, NULL);
	for (sep = in; sep + 1 < in + inlen; sep++)
		if (sep[0] == '\n' && sep[1] == '\n')
			break;
	if (sep + 1 >= in + inlen)
		sep = NULL;
	for (i = 0; i < (sep ? (size_t)(sep - in) + 1 : inlen); i++) {
		if (in[i] == '\n')
			hdr[hlen++] = '\r';
		hdr[hlen++] = in[i];
	}
	if (hlen > 0 && hdr[hlen - 1] != '\n') {
		hdr[hlen++] = '\r';
		hdr[hlen++] = '\n';
	}
	hdr[hlen] = '\0';
	for (i = sep ? (size_t)(sep - in) + 2 : inlen; i < inlen; i++) {
		if (in[i] == '\n')
			body[blen++] = '\r';
		body[blen++] = in[i];
	}
	*len = 0;
	for (p = hdr; *p != '\0'; p = strchr(p, '\n') + 1) {
		if (strncasecmp(p, "Content-Length:", 15) == 0) {
			cl = out + *len;
			*len += sprintf(cl, "Content-Length: %zu\r\n", blen);
		} else {
			memcpy(out + *len, p, strchr(p, '\n') + 1 - p);
			*len += strchr(p, '\n') + 1 - p;
		}
	}
	memcpy(out + *len, "\r\n", 2);
	*len += 2;
	memcpy(out + *len, body, blen);
	*len += blen;
	free(hdr);
	free(body);
	return (out);
}

/* Our answer must be a response osip reads back, with what §8.2.6 wants. */
static int
answer_ok(const char *buf, size_t len, const osip_message_t *req, int code,
    const char *unsupported, char **outp)
{
	osip_message_t		*r;
	osip_generic_param_t	*tag = NULL;
	osip_header_t		*h = NULL;
	char			*out, *p;
	size_t			 outlen;
	int			 ok;

	if (reply_build(buf, len, req, code, unsupported, &out,
	    &outlen) == -1)
		return (0);
	if (osip_message_init(&r) != 0)
		errx(1, "osip_message_init");
	ok = osip_message_parse(r, out, outlen) == 0 &&
	    r->status_code == code && r->from != NULL && r->to != NULL &&
	    r->call_id != NULL && r->cseq != NULL &&
	    osip_list_size(&r->vias) > 0 && strlen(out) == outlen &&
	    outlen > 4 && memcmp(out + outlen - 4, "\r\n\r\n", 4) == 0 &&
	    strstr(out, "Content-Length: 0\r\n") != NULL;
	if (ok && code > 100)
		ok = osip_to_get_tag(r->to, &tag) == 0 && tag != NULL &&
		    tag->gvalue != NULL;
	if (ok && unsupported != NULL)
		ok = osip_message_header_get_byname(r, "unsupported", 0,
		    &h) >= 0 && h != NULL && (p = strstr(out,
		    "\r\nUnsupported: ")) != NULL &&
		    strncmp(p + 15, unsupported, strlen(unsupported)) == 0 &&
		    strncmp(p + 15 + strlen(unsupported), "\r\n", 2) == 0;
	osip_message_free(r);
	if (outp != NULL)
		*outp = out;
	else
		free(out);
	return (ok);
}

static const char *
what(int outcome)
{
	static char	buf[32];

	if (outcome == ACCEPTED)
		return ("accepted");
	if (outcome == DROPPED)
		return ("dropped");
	(void)snprintf(buf, sizeof(buf), "answered %d", outcome);
	return (buf);
}

static void
torture(const char *dir, const char *set, const struct expect *tab,
    size_t ntab, int wire)
{
	char		 path[1024];
	struct dirent	*de;
	DIR		*d;
	osip_message_t	*m;
	const char	*why;
	char		*buf, *raw, *unsup;
	size_t		 i, len;
	int		 rc, code, outcome;

	(void)snprintf(path, sizeof(path), "%s/%s", dir, set);
	for (i = 0; i < ntab; i++) {
		if ((raw = readfile(path, tab[i].file, &len)) == NULL) {
			CHECK(0, "%s/%s: cannot read", set, tab[i].file);
			continue;
		}
		buf = wire ? wireform(raw, len, &len) : raw;
		rc = sipmsg_parse(buf, len, &m, &code, &unsup, &why);
		outcome = rc == 0 ? ACCEPTED : code;
		CHECK(outcome == tab[i].outcome && (rc == 0) == (m != NULL),
		    "%s/%s: %s (%s)%s%s", set, tab[i].file, what(outcome),
		    why ? why : "ok", tab[i].note ? "; " : "",
		    tab[i].note ? tab[i].note : "");
		if (rc == -1 && code > 0)
			CHECK(answer_ok(buf, len, NULL, code, unsup, NULL),
			    "%s/%s: %d response parses back", set, tab[i].file,
			    code);
		if (rc == 0)
			osip_message_free(m);
		free(unsup);
		if (wire)
			free(buf);
		free(raw);
	}

	/* Every file of the corpus has its line in the table. */
	if ((d = opendir(path)) == NULL) {
		CHECK(0, "%s: cannot open", path);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || strcmp(de->d_name, "index.md") == 0)
			continue;
		for (i = 0; i < ntab; i++)
			if (strcmp(de->d_name, tab[i].file) == 0)
				break;
		if (i == ntab)
			CHECK(0, "%s/%s: not in the table", set, de->d_name);
	}
	closedir(d);
}

/* Details of some accepted torture messages. */
static void
torture_details(const char *dir)
{
	char			 path[1024];
	osip_message_t		*m;
	osip_body_t		*b;
	const char		*why;
	char			*buf, *unsup, *out;
	size_t			 len;
	int			 code;

	(void)snprintf(path, sizeof(path), "%s/rfc4475", dir);

	if ((buf = readfile(path, "dblreq.dat", &len)) != NULL) {
		CHECK(sipmsg_parse(buf, len, &m, &code, &unsup, &why) == 0 &&
		    strcmp(m->sip_method, "REGISTER") == 0 &&
		    osip_list_size(&m->bodies) == 0 &&
		    strcmp(m->content_length->value, "0") == 0,
		    "dblreq: the REGISTER alone, trailing INVITE ignored");
		if (m != NULL)
			osip_message_free(m);
		free(buf);
	}
	if ((buf = readfile(path, "inv2543.dat", &len)) != NULL) {
		CHECK(sipmsg_parse(buf, len, &m, &code, &unsup, &why) == 0 &&
		    (b = osip_list_get(&m->bodies, 0)) != NULL &&
		    b->length == len - (size_t)(strstr(buf, "\r\n\r\n") + 4 -
		    buf), "inv2543: no Content-Length, body = rest of it");
		if (m != NULL)
			osip_message_free(m);
		free(buf);
	}
	if ((buf = readfile(path, "mpart01.dat", &len)) != NULL) {
		CHECK(sipmsg_parse(buf, len, &m, &code, &unsup, &why) == 0 &&
		    strcmp(m->content_length->value, "553") == 0 &&
		    osip_list_size(&m->bodies) == 2,
		    "mpart01: framed by Content-Length, two parts");
		if (m != NULL)
			osip_message_free(m);
		free(buf);
	}
	if ((buf = readfile(path, "esc02.dat", &len)) != NULL) {
		CHECK(sipmsg_parse(buf, len, &m, &code, &unsup, &why) == 0 &&
		    strcmp(m->sip_method, "RE%47IST%45R") == 0,
		    "esc02: the method is not REGISTER");
		if (m != NULL)
			osip_message_free(m);
		free(buf);
	}
	if ((buf = readfile(path, "zeromf.dat", &len)) != NULL) {
		out = NULL;
		CHECK(sipmsg_parse(buf, len, &m, &code, &unsup, &why) == 0 &&
		    answer_ok(buf, len, m, 483, NULL, &out),
		    "zeromf: accepted, 483 built from the parsed request");
		CHECK(out != NULL && strstr(out,
		    "Via: SIP/2.0/UDP host1.example.com;"
		    "branch=z9hG4bKkdjuw2349i\r\n") != NULL,
		    "zeromf: 483 copies the Via");
		free(out);
		if (m != NULL)
			osip_message_free(m);
		free(buf);
	}
	if ((buf = readfile(path, "bext01.dat", &len)) != NULL) {
		out = NULL;
		CHECK(sipmsg_parse(buf, len, &m, &code, &unsup, &why) == -1 &&
		    code == 420 && unsup != NULL && strcmp(unsup,
		    "noProxiesSupportThis, norDoAnyProxiesSupportThis") == 0 &&
		    answer_ok(buf, len, NULL, code, unsup, &out),
		    "bext01: 420 lists the Proxy-Require tags only");
		free(out);
		free(unsup);
		free(buf);
	}
	if ((buf = readfile(path, "badinv01.dat", &len)) != NULL) {
		out = NULL;
		CHECK(sipmsg_parse(buf, len, &m, &code, &unsup, &why) == -1 &&
		    code == 400 && answer_ok(buf, len, NULL, 400, NULL, &out) &&
		    strstr(out, "\r\nVia: SIP/2.0/UDP 192.0.2.15\r\n") &&
		    strstr(out, "\r\nTo: <sip:j.user@example.com>;tag=") !=
		    NULL, "badinv01: 400 with the Via's empty params removed");
		free(out);
		free(buf);
	}
	if ((buf = readfile(path, "quotbal.dat", &len)) != NULL) {
		out = NULL;
		CHECK(sipmsg_parse(buf, len, &m, &code, &unsup, &why) == -1 &&
		    code == 400 && answer_ok(buf, len, NULL, 400, NULL, &out) &&
		    strstr(out, "\r\nTo: <sip:j.user@example.com>;tag=") !=
		    NULL, "quotbal: 400 without the broken display name");
		free(out);
		free(buf);
	}
}

static const char opt_head[] =
    "OPTIONS sip:user@example.com SIP/2.0\r\n"
    "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK776asdhds\r\n"
    "Max-Forwards: 70\r\n"
    "To: <sip:user@example.com>\r\n"
    "From: <sip:caller@example.net>;tag=1928301774\r\n"
    "Call-ID: a84b4c76e66710@pc33.example.net\r\n"
    "CSeq: 63104 OPTIONS\r\n";

/* One case: opt_head + extra headers + "\r\n" + body. */
static void
one(const char *extra, const char *body, int want, const char *name)
{
	char		 buf[4096];
	osip_message_t	*m;
	const char	*why;
	char		*unsup;
	int		 n, rc, code;

	n = snprintf(buf, sizeof(buf), "%s%s\r\n%s", opt_head, extra, body);
	if (n < 0 || (size_t)n >= sizeof(buf))
		errx(1, "case too long");
	rc = sipmsg_parse(buf, n, &m, &code, &unsup, &why);
	CHECK((rc == 0 ? ACCEPTED : code) == want, "%s: %s (%s)", name,
	    what(rc == 0 ? ACCEPTED : code), why ? why : "ok");
	if (rc == -1 && code > 0)
		CHECK(answer_ok(buf, n, NULL, code, unsup, NULL),
		    "%s: %d response parses back", name, code);
	if (rc == 0)
		osip_message_free(m);
	free(unsup);
}

/* A whole datagram, given as a string. */
static void
dgram(const char *buf, int want, const char *name)
{
	osip_message_t	*m;
	const char	*why;
	char		*unsup;
	int		 rc, code;

	rc = sipmsg_parse(buf, strlen(buf), &m, &code, &unsup, &why);
	CHECK((rc == 0 ? ACCEPTED : code) == want, "%s: %s (%s)", name,
	    what(rc == 0 ? ACCEPTED : code), why ? why : "ok");
	if (rc == -1 && code > 0)
		CHECK(answer_ok(buf, strlen(buf), NULL, code, unsup, NULL),
		    "%s: %d response parses back", name, code);
	if (rc == 0)
		osip_message_free(m);
	free(unsup);
}

static void
framing(void)
{
	char		 buf[512];
	osip_message_t	*m;
	osip_body_t	*b;
	const char	*why;
	char		*unsup;
	int		 n, code;

	one("Content-Length: -1\r\n", "", 400, "CL negative");
	one("Content-Length: abc\r\n", "", 400, "CL not a number");
	one("Content-Length:\r\n", "", 400, "CL empty");
	one("Content-Length: 0\r\nl: 0\r\n", "", 400, "CL twice, same value");
	one("Content-Length: 5, 6\r\nContent-Type: text/plain\r\n", "hello!",
	    400, "CL with two values");
	one("Content-Length: 99\r\nContent-Type: text/plain\r\n", "hello",
	    400, "CL beyond the datagram");
	one("Content-Length: 99999999999999999999999\r\n"
	    "Content-Type: text/plain\r\n", "hello", 400, "CL huge");
	one("Content-Length: 0005\r\nContent-Type: text/plain\r\n", "hello",
	    ACCEPTED, "CL with leading zeros");
	one("Content-Length: 5\r\n", "hello", 400, "body without Content-Type");
	one("", "\r\n", ACCEPTED, "no CL, only a CRLF after the headers");
	one("Content-Length: 0\r\n", "garbage after the message", ACCEPTED,
	    "CL 0, trailing octets ignored");

	n = snprintf(buf, sizeof(buf), "%sContent-Type: text/plain\r\n"
	    "Content-Length: 5\r\n\r\nhello world", opt_head);
	CHECK(sipmsg_parse(buf, n, &m, &code, &unsup, &why) == 0 &&
	    (b = osip_list_get(&m->bodies, 0)) != NULL && b->length == 5 &&
	    memcmp(b->body, "hello", 5) == 0,
	    "CL shorter than the datagram: body cut at CL");
	if (m != NULL)
		osip_message_free(m);
	n = snprintf(buf, sizeof(buf), "%sContent-Type: text/plain\r\n"
	    "\r\nhel", opt_head);
	memcpy(buf + n, "\0lo world", 9);
	n += 9;
	CHECK(sipmsg_parse(buf, n, &m, &code, &unsup, &why) == 0 &&
	    (b = osip_list_get(&m->bodies, 0)) != NULL && b->length == 12 &&
	    memcmp(b->body, "hel\0lo world", 12) == 0 &&
	    strcmp(m->content_length->value, "12") == 0,
	    "no CL: body = rest of datagram, NUL kept");
	if (m != NULL)
		osip_message_free(m);
}

static void
keepalive(void)
{
	osip_message_t	*m;
	const char	*why;
	char		*unsup, *big, *out;
	int		 code;
	size_t		 n, outlen;

	CHECK(sipmsg_parse("\r\n", 2, &m, &code, &unsup, &why) == -1 &&
	    code == 0 && strcmp(why, "keepalive") == 0 && m == NULL,
	    "CRLF keep-alive dropped as keepalive");
	CHECK(sipmsg_parse("\r\n\r\n", 4, &m, &code, &unsup, &why) == -1 &&
	    code == 0 && strcmp(why, "keepalive") == 0,
	    "CRLFCRLF keep-alive dropped as keepalive");
	CHECK(sipmsg_parse("", 0, &m, &code, &unsup, &why) == -1 &&
	    code == 0, "empty datagram dropped");
	CHECK(sipmsg_parse("\0\1\0\0", 4, &m, &code, &unsup, &why) == -1 &&
	    code == 0, "binary (STUN-like) datagram dropped");

	n = 70000;
	if ((big = malloc(n)) == NULL)
		err(1, NULL);
	memset(big, 'a', n);
	memcpy(big, opt_head, sizeof(opt_head) - 1);
	memcpy(big + sizeof(opt_head) - 1, "Content-Type: text/plain\r\n\r\n",
	    28);
	CHECK(sipmsg_parse(big, SIPMSG_MAXLEN, &m, &code, &unsup, &why) == 0,
	    "65535-byte datagram accepted");
	if (m != NULL)
		osip_message_free(m);
	CHECK(sipmsg_parse(big, n, &m, &code, &unsup, &why) == -1 &&
	    code == 0, "70000-byte datagram dropped (%s)", why);
	CHECK(reply_build(big, n, NULL, 400, NULL, &out, &outlen) == -1,
	    "no raw answer to a 70000-byte datagram");
	free(big);
}

static void
checks(void)
{
	one("", "", ACCEPTED, "plain OPTIONS");
	dgram("OPTIONS sip:user@example.com SIP/3.0\r\n"
	    "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1\r\n"
	    "To: <sip:user@example.com>\r\nFrom: <sip:a@example.net>;tag=1\r\n"
	    "Call-ID: v1\r\nCSeq: 1 OPTIONS\r\n\r\n", 505, "SIP/3.0 -> 505");
	dgram("OPTIONS sip:user@example.com sip/2.0\r\n"
	    "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1\r\n"
	    "To: <sip:user@example.com>\r\nFrom: <sip:a@example.net>;tag=1\r\n"
	    "Call-ID: v2\r\nCSeq: 1 OPTIONS\r\n\r\n", ACCEPTED,
	    "version is case-insensitive");
	dgram("OPTIONS mailto:user@example.com SIP/2.0\r\n"
	    "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1\r\n"
	    "To: <sip:user@example.com>\r\nFrom: <sip:a@example.net>;tag=1\r\n"
	    "Call-ID: s1\r\nCSeq: 1 OPTIONS\r\n\r\n", 416, "mailto: -> 416");
	dgram("OPTIONS tel:+15551234 SIP/2.0\r\n"
	    "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1\r\n"
	    "To: <tel:+15551234>\r\nFrom: <sip:a@example.net>;tag=1\r\n"
	    "Call-ID: s2\r\nCSeq: 1 OPTIONS\r\n\r\n", ACCEPTED,
	    "tel: accepted");
	dgram("OPTIONS SIPS:user@example.com SIP/2.0\r\n"
	    "Via: SIP/2.0/TLS 192.0.2.1;branch=z9hG4bK1\r\n"
	    "To: <sips:user@example.com>\r\nFrom: <sip:a@example.net>;tag=1\r\n"
	    "Call-ID: s3\r\nCSeq: 1 OPTIONS\r\n\r\n", ACCEPTED,
	    "SIPS: accepted");
	dgram("OPTIONS sip:user@example.com:0 SIP/2.0\r\n"
	    "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1\r\n"
	    "To: <sip:user@example.com>\r\nFrom: <sip:a@example.net>;tag=1\r\n"
	    "Call-ID: s4\r\nCSeq: 1 OPTIONS\r\n\r\n", 400, "R-URI port 0");

	one("Max-Forwards: 256\r\n", "", 400, "Max-Forwards 256");
	one("Max-Forwards: 0\r\nMax-Forwards: 1\r\n", "", 400,
	    "Max-Forwards twice");
	dgram("OPTIONS sip:user@example.com SIP/2.0\r\n"
	    "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1\r\n"
	    "Max-Forwards: ten\r\n"
	    "To: <sip:user@example.com>\r\nFrom: <sip:a@example.net>;tag=1\r\n"
	    "Call-ID: m1\r\nCSeq: 1 OPTIONS\r\n\r\n", 400, "Max-Forwards ten");
	dgram("OPTIONS sip:user@example.com SIP/2.0\r\n"
	    "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1\r\n"
	    "Max-Forwards: 0\r\n"
	    "To: <sip:user@example.com>\r\nFrom: <sip:a@example.net>;tag=1\r\n"
	    "Call-ID: m2\r\nCSeq: 1 OPTIONS\r\n\r\n", ACCEPTED,
	    "Max-Forwards 0 left to the proxy");

	one("Proxy-Require: foo\r\n", "", 420, "Proxy-Require foo -> 420");
	one("Proxy-Require: ,\r\n", "", ACCEPTED, "Proxy-Require without tags");
	one("Proxy-Require: a b\r\n", "", 400, "Proxy-Require not a token");
	dgram("CANCEL sip:user@example.com SIP/2.0\r\n"
	    "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1\r\n"
	    "Proxy-Require: foo\r\n"
	    "To: <sip:user@example.com>\r\nFrom: <sip:a@example.net>;tag=1\r\n"
	    "Call-ID: p1\r\nCSeq: 1 CANCEL\r\n\r\n", ACCEPTED,
	    "Proxy-Require ignored in CANCEL");

	dgram("INVITE sip:user@example.com SIP/2.0\r\n"
	    "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1\r\n"
	    "To: <sip:user@example.com>\r\nFrom: <sip:a@example.net>;tag=1\r\n"
	    "Call-ID: c1\r\nCSeq: 2147483647 INVITE\r\n\r\n", ACCEPTED,
	    "CSeq 2^31-1");
	dgram("INVITE sip:user@example.com SIP/2.0\r\n"
	    "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1\r\n"
	    "To: <sip:user@example.com>\r\nFrom: <sip:a@example.net>;tag=1\r\n"
	    "Call-ID: c2\r\nCSeq: 2147483648 INVITE\r\n\r\n", 400, "CSeq 2^31");
	dgram("INVITE sip:user@example.com SIP/2.0\r\n"
	    "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1\r\n"
	    "To: <sip:user@example.com>\r\nFrom: <sip:a@example.net>;tag=1\r\n"
	    "Call-ID: c3\r\nCSeq: -1 INVITE\r\n\r\n", 400, "CSeq -1");
	dgram("INVITE sip:user@example.com SIP/2.0\r\n"
	    "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1\r\n"
	    "To: <sip:user@example.com>\r\nFrom: <sip:a@example.net>;tag=1\r\n"
	    "Call-ID: c4\r\nCSeq: 1 invite\r\n\r\n", 400,
	    "CSeq method is case-sensitive");
	dgram("INVITE sip:user@example.com SIP/2.0\r\n"
	    "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1\r\n"
	    "To: <sip:user@example.com>\r\n"
	    "Call-ID: c5\r\nCSeq: 1 INVITE\r\n\r\n", DROPPED,
	    "no From: unanswerable");
	dgram("INVITE sip:user@example.com SIP/2.0\r\n"
	    "To: <sip:user@example.com>\r\nFrom: <sip:a@example.net>;tag=1\r\n"
	    "Call-ID: c6\r\nCSeq: 1 INVITE\r\n\r\n", DROPPED,
	    "no Via: unanswerable");
	dgram("INVITE sip:user@example.com SIP/2.0\r\n"
	    "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1\r\n"
	    "To: <sip:user@example.com>\r\nFrom: <sip:a@example.net>;tag=1\r\n"
	    "Call-ID: c7\r\nCall-ID: c8\r\nCSeq: 1 INVITE\r\n\r\n", 400,
	    "two Call-IDs");
	dgram("ACK sip:user@example.com SIP/2.0\r\n"
	    "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1\r\n"
	    "To: <sip:user@example.com>\r\nFrom: <sip:a@example.net>;tag=1\r\n"
	    "Call-ID: c9\r\nCSeq: 1 INVITE\r\n\r\n", DROPPED,
	    "a bad ACK is never answered");
	dgram("OPTIONS sip:user@example.com SIP/2.0\n"
	    "Via: SIP/2.0/UDP 192.0.2.1\n ;branch=z9hG4bK1\n"
	    "To: <sip:user@example.com>\nFrom: <sip:a@example.net>;tag=1\n"
	    "Call-ID: f1\nCSeq: 1\n\tOPTIONS\n\n", ACCEPTED,
	    "bare LF and folded lines");
	dgram("OPTIONS sip:user@example.com SIP/2.0\r\n"
	    "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1\r\n"
	    "Subject: bell\a here\r\n"
	    "To: <sip:user@example.com>\r\nFrom: <sip:a@example.net>;tag=1\r\n"
	    "Call-ID: n1\r\nCSeq: 1 OPTIONS\r\n\r\n", 400,
	    "control character in a header");
	dgram("OPTIONS sip:user@example.com SIP/2.0\r\n"
	    " Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1\r\n"
	    "To: <sip:user@example.com>\r\nFrom: <sip:a@example.net>;tag=1\r\n"
	    "Call-ID: n2\r\nCSeq: 1 OPTIONS\r\n\r\n", DROPPED,
	    "continuation before the first header, so no Via");

	/* Fuzzing finds: libosip2 reads it, but not once it wrote it. */
	dgram("OPTIONS sip:user@example.com SIP/2.0\r\n"
	    "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1\r\n"
	    "To: <sip:user@example.com>\r\n"
	    "From: <sip:caller@example.net: >;tag=1\r\n"
	    "Call-ID: rt1\r\nCSeq: 1 OPTIONS\r\n\r\n", DROPPED,
	    "From that libosip2 cannot write back");
	/* Fuzzing finds: libosip2 cannot write a parameter with no value. */
	one("Content-Type: application/sdp;x\r\nContent-Length: 3\r\n", "v=0",
	    400, "Content-Type parameter without a value");
	one("Content-Type: application/sdp;x=\r\nContent-Length: 3\r\n", "v=0",
	    400, "Content-Type parameter with an empty value");
	one("Content-Type: application/sdp;x=1\r\nContent-Length: 3\r\n",
	    "v=0", ACCEPTED, "Content-Type parameter with a value");
	one("Contact: <sip:a@192.0.2.1Contact: <sip:a@192.0.2.1:5061>\r\n", "",
	    400, "Contact URI with a space and a < in its host");
	one("Contact: <sip:a@[2001:db8::1]:5061>\r\n", "", ACCEPTED,
	    "Contact URI with an IPv6 reference");
	/* Fuzzing finds: libosip2 leaks a MIME part's first Content-Type. */
	one("Content-Type: multipart/mixed;boundary=b\r\n", "--b\r\n"
	    "Content-Type: text/plain\r\nContent-Type: text/html\r\n\r\n"
	    "hello\r\n--b--\r\n", 400, "MIME part with two Content-Types");
	one("Content-Type: multipart/mixed;boundary=b\r\n", "--b\r\n"
	    "Content-Type: text/plain\r\n\r\nhello\r\n--b\r\n"
	    "Content-Type: text/plain\r\n\r\nworld\r\n--b--\r\n", ACCEPTED,
	    "two MIME parts, one Content-Type each");

	dgram("SIP/2.0 200 OK\r\n"
	    "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1\r\n"
	    "To: <sip:user@example.com>;tag=2\r\n"
	    "From: <sip:a@example.net>;tag=1\r\n"
	    "Call-ID: r1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n",
	    ACCEPTED, "200 OK");
	dgram("SIP/2.0 099 Low\r\n"
	    "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1\r\n"
	    "To: <sip:user@example.com>;tag=2\r\n"
	    "From: <sip:a@example.net>;tag=1\r\n"
	    "Call-ID: r2\r\nCSeq: 1 OPTIONS\r\n\r\n", DROPPED, "status 099");
	dgram("SIP/2.0 700 High\r\n"
	    "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1\r\n"
	    "To: <sip:user@example.com>;tag=2\r\n"
	    "From: <sip:a@example.net>;tag=1\r\n"
	    "Call-ID: r3\r\nCSeq: 1 OPTIONS\r\n\r\n", DROPPED, "status 700");
	dgram("SIP/2.0 200 OK\r\n"
	    "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1\r\n"
	    "From: <sip:a@example.net>;tag=1\r\n"
	    "Call-ID: r4\r\nCSeq: 1 OPTIONS\r\n\r\n", DROPPED,
	    "response without To");
	dgram("SIP/2.0 200 OK\r\n"
	    "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1\r\n"
	    "Via: SIP/2.0/UDP 10.0.0.2;received=224.0.0.1\r\n"
	    "To: <sip:user@example.com>;tag=2\r\n"
	    "From: <sip:a@example.net>;tag=1\r\n"
	    "Call-ID: r5\r\nCSeq: 1 OPTIONS\r\n\r\n", DROPPED,
	    "response with a multicast received=");
}

static void
answers(void)
{
	osip_message_t	*m;
	const char	*why;
	char		*unsup, *out;
	size_t		 outlen;
	int		 code;
	static const char req[] =
	    "INVITE sip:user@example.com SIP/2.0\r\n"
	    "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1\r\n"
	    "Via: SIP/2.0/UDP 192.0.2.2;branch=z9hG4bK2\r\n"
	    "To: <sip:user@example.com>;tag=abc\r\n"
	    "From: \"A\" <sip:a@example.net>;tag=1\r\n"
	    "Call-ID: x1\r\nCSeq: 7 INVITE\r\n\r\n";

	if (sipmsg_parse(req, sizeof(req) - 1, &m, &code, &unsup, &why) ==
	    -1) {
		CHECK(0, "answers: request rejected (%s)", why);
		return;
	}
	out = NULL;
	CHECK(answer_ok(req, sizeof(req) - 1, m, 486, NULL, &out) &&
	    strstr(out, "\r\nTo: <sip:user@example.com>;tag=abc\r\n") != NULL &&
	    strstr(out, "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1\r\n"
	    "Via: SIP/2.0/UDP 192.0.2.2;branch=z9hG4bK2\r\n") != NULL,
	    "486 from a parsed request keeps the To tag and both Vias");
	free(out);
	out = NULL;
	CHECK(answer_ok(req, sizeof(req) - 1, NULL, 486, NULL, &out) &&
	    strstr(out, "\r\nTo: <sip:user@example.com>;tag=abc\r\n") != NULL &&
	    strstr(out, "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1\r\n"
	    "Via: SIP/2.0/UDP 192.0.2.2;branch=z9hG4bK2\r\n") != NULL,
	    "486 from raw bytes keeps the To tag and both Vias");
	free(out);
	CHECK(reply_build(req, sizeof(req) - 1, m, 100, NULL, &out,
	    &outlen) == 0 && strstr(out, "SIP/2.0 100 Trying\r\n") == out,
	    "100 Trying built");
	free(out);
	CHECK(reply_build(req, sizeof(req) - 1, m, 99, NULL, &out,
	    &outlen) == -1, "code 99 refused");
	CHECK(reply_build(req, sizeof(req) - 1, m, 420, "a\r\nX: y", &out,
	    &outlen) == -1, "Unsupported with CRLF refused");
	osip_message_free(m);
}

int
main(int argc, char *argv[])
{
	const char	*dir = argc > 1 ? argv[1] : "regress/torture";

	sipmsg_init();
	torture(dir, "rfc4475", rfc4475, NELEM(rfc4475), 0);
	torture(dir, "rfc5118", rfc5118, NELEM(rfc5118), 1);
	torture_details(dir);
	framing();
	keepalive();
	checks();
	answers();
	UNIT_DONE();
}
