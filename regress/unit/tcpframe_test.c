/* SPDX-License-Identifier: ISC */
/* tcpframe: SIP messages cut out of a TCP stream by Content-Length. */

#include <sys/types.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tcp.h"
#include "unit.h"

#define OPT(cl)								\
	"OPTIONS sip:10.0.0.1 SIP/2.0\r\n"				\
	"Via: SIP/2.0/TCP 10.0.0.2:5061;branch=z9hG4bK1\r\n"		\
	"From: <sip:a@x>;tag=1\r\nTo: <sip:10.0.0.1>\r\n"		\
	"Call-ID: c1\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\n" cl

static const char msg1[] = OPT("Content-Length: 0\r\n\r\n");
static const char msg2[] = OPT("Content-Type: text/plain\r\n"
    "l: 5\r\n\r\n") "hello";

static const char *
kind(int r)
{
	switch (r) {
	case TCP_FRAME_ERR:
		return ("error");
	case TCP_FRAME_MORE:
		return ("more");
	case TCP_FRAME_MSG:
		return ("message");
	case TCP_FRAME_PING:
		return ("ping");
	case TCP_FRAME_CRLF:
		return ("crlf");
	}
	return ("?");
}

/* One call: the kind and *used it must give. */
static void
frame1(const char *what, const char *buf, size_t len, int want,
    size_t wantused)
{
	const char	*why;
	size_t		 used;
	int		 r;

	r = tcp_frame(buf, len, &used, &why);
	CHECK(r == want && used == wantused && (r == TCP_FRAME_ERR) ==
	    (why != NULL), "%s: %s (%zu)%s%s", what, kind(r), used,
	    why != NULL ? ": " : "", why != NULL ? why : "");
}

/*
 * What a connection does: the stream arrives in two pieces cut at split;
 * every whole message is appended to out.  The number of messages and
 * pings, or -1 on a framing error.
 */
static int
reassemble(const char *stream, size_t len, size_t split, char *out,
    size_t *outlen, int *pings)
{
	char		*buf;
	const char	*why;
	size_t		 have = 0, off = 0, used, step;
	int		 n = 0, r;

	*outlen = 0;
	*pings = 0;
	if ((buf = malloc(len + 1)) == NULL)
		abort();
	for (step = 0; step < 2; step++) {
		memcpy(buf + have, stream + have, step == 0 ? split :
		    len - split);
		have = step == 0 ? split : len;
		for (;;) {
			r = tcp_frame(buf + off, have - off, &used, &why);
			if (r == TCP_FRAME_MORE)
				break;
			if (r == TCP_FRAME_ERR) {
				free(buf);
				return (-1);
			}
			if (r == TCP_FRAME_MSG) {
				memcpy(out + *outlen, buf + off, used);
				*outlen += used;
				n++;
			} else if (r == TCP_FRAME_PING)
				(*pings)++;
			off += used;
		}
	}
	free(buf);
	return (n);
}

static void
basics(void)
{
	char	buf[1024];
	size_t	n;

	frame1("one message", msg1, sizeof(msg1) - 1, TCP_FRAME_MSG,
	    sizeof(msg1) - 1);
	frame1("one message with a body, compact l:", msg2, sizeof(msg2) - 1,
	    TCP_FRAME_MSG, sizeof(msg2) - 1);
	n = snprintf(buf, sizeof(buf), "%s%s", msg1, msg2);
	frame1("two in one buffer: the first", buf, n, TCP_FRAME_MSG,
	    sizeof(msg1) - 1);
	frame1("two in one buffer: the second", buf + sizeof(msg1) - 1,
	    n - (sizeof(msg1) - 1), TCP_FRAME_MSG, sizeof(msg2) - 1);
	frame1("header block not yet complete", msg1, 40, TCP_FRAME_MORE, 0);
	frame1("body not yet complete: the length it needs", msg2,
	    sizeof(msg2) - 3, TCP_FRAME_MORE, sizeof(msg2) - 1);
	frame1("empty buffer", "", 0, TCP_FRAME_MORE, 0);
}

/* Every cut of a stream of two messages and keep-alives gives the same. */
static void
splits(void)
{
	char	 stream[2048], out[2048], want[2048];
	size_t	 len, wlen, olen, i;
	int	 bad = 0, n, pings;

	len = snprintf(stream, sizeof(stream), "\r\n\r\n%s\r\n%s\r\n\r\n",
	    msg2, msg1);
	wlen = snprintf(want, sizeof(want), "%s%s", msg2, msg1);
	for (i = 0; i <= len; i++) {
		n = reassemble(stream, len, i, out, &olen, &pings);
		if (n != 2 || pings != 2 || olen != wlen ||
		    memcmp(out, want, wlen) != 0) {
			bad++;
			printf("# split at %zu: %d messages, %d pings\n", i, n,
			    pings);
		}
	}
	CHECK(bad == 0, "a stream split at each of its %zu positions: "
	    "2 messages and 2 pings every time", len + 1);
}

static void
keepalives(void)
{
	char	buf[1024];
	size_t	n;

	frame1("CRLFCRLF is a ping", "\r\n\r\n", 4, TCP_FRAME_PING, 4);
	frame1("a lone CRLF may be half a ping", "\r\n", 2, TCP_FRAME_MORE,
	    0);
	frame1("CRLF CR may be a ping", "\r\n\r", 3, TCP_FRAME_MORE, 0);
	frame1("a pong before a message", "\r\nOPTIONS", 9, TCP_FRAME_CRLF,
	    2);
	frame1("a ping followed by a message", "\r\n\r\nOPTIONS", 11,
	    TCP_FRAME_PING, 4);
	frame1("a lone CR waits", "\r", 1, TCP_FRAME_MORE, 0);
	n = snprintf(buf, sizeof(buf), "\r\n%s", msg1);
	frame1("one leading CRLF is skipped", buf, n, TCP_FRAME_CRLF, 2);
	frame1("then the message", buf + 2, n - 2, TCP_FRAME_MSG, n - 2);
}

static void
lengths(void)
{
	static const struct {
		const char	*what;
		const char	*cl;
		int		 want;
		size_t		 body;	/* MSG: body bytes that follow */
	} t[] = {
		{ "Content-Length, case-insensitive",
		    "cONTENT-lENGTH: 3\r\n\r\nabc", TCP_FRAME_MSG, 3 },
		{ "compact L, upper case", "L: 3\r\n\r\nabc", TCP_FRAME_MSG,
		    3 },
		{ "whitespace before the colon",
		    "Content-Length \t: 3\r\n\r\nabc", TCP_FRAME_MSG, 3 },
		{ "whitespace after the value", "l:3 \t\r\n\r\nabc",
		    TCP_FRAME_MSG, 3 },
		{ "leading zeros", "l: 0003\r\n\r\nabc", TCP_FRAME_MSG, 3 },
		{ "largest body allowed", "l: 65536\r\n\r\n", TCP_FRAME_MORE,
		    65536 },
		{ "no Content-Length", "X: 1\r\n\r\n", TCP_FRAME_ERR, 0 },
		{ "Content-Length-Foo is not it", "Content-Length-Foo: 1\r\n"
		    "\r\n", TCP_FRAME_ERR, 0 },
		{ "lx is not l", "lx: 1\r\n\r\n", TCP_FRAME_ERR, 0 },
		{ "negative", "Content-Length: -1\r\n\r\n", TCP_FRAME_ERR,
		    0 },
		{ "plus sign", "Content-Length: +1\r\n\r\n", TCP_FRAME_ERR, 0 },
		{ "over 64 KB", "Content-Length: 65537\r\n\r\n", TCP_FRAME_ERR,
		    0 },
		{ "huge", "Content-Length: 184467440737095516170\r\n\r\n",
		    TCP_FRAME_ERR, 0 },
		{ "empty", "Content-Length:\r\n\r\n", TCP_FRAME_ERR, 0 },
		{ "not a number", "Content-Length: abc\r\n\r\n", TCP_FRAME_ERR,
		    0 },
		{ "two numbers", "Content-Length: 1 2\r\n\r\n", TCP_FRAME_ERR,
		    0 },
		{ "no colon", "Content-Length 1\r\n\r\n", TCP_FRAME_ERR, 0 },
		{ "duplicate, same value", "l: 0\r\nContent-Length: 0\r\n\r\n",
		    TCP_FRAME_ERR, 0 },
		{ "duplicate, other value", "Content-Length: 0\r\n"
		    "Content-Length: 3\r\n\r\nabc", TCP_FRAME_ERR, 0 },
		{ "folded value", "Content-Length:\r\n 3\r\n\r\nabc",
		    TCP_FRAME_ERR, 0 },
		{ "a folded other header is fine", "Subject: a\r\n b\r\n"
		    "l: 0\r\n\r\n", TCP_FRAME_MSG, 0 },
	};
	char	buf[1024];
	size_t	i, n, hdr, used;
	const char *why;
	int	r;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		n = snprintf(buf, sizeof(buf), "OPTIONS sip:x SIP/2.0\r\n%s",
		    t[i].cl);
		r = tcp_frame(buf, n, &used, &why);
		hdr = strstr(buf, "\r\n\r\n") + 4 - buf;
		CHECK(r == t[i].want && (r == TCP_FRAME_ERR || used == hdr +
		    t[i].body), "%s: %s%s%s", t[i].what, kind(r),
		    why != NULL ? ": " : "", why != NULL ? why : "");
	}
	n = snprintf(buf, sizeof(buf), "OPTIONS sip:x SIP/2.0\nl: 2\n\nab");
	frame1("bare LF line ends", buf, n, TCP_FRAME_MSG, n);
	n = snprintf(buf, sizeof(buf), "l: 2\r\nOPTIONS\r\n\r\nab");
	frame1("a start-line is no header", buf, n, TCP_FRAME_ERR, 0);
}

static void
sizes(void)
{
	char	*buf;
	size_t	 n, body = 10;
	static const char head[] = "INVITE sip:x SIP/2.0\r\nl: 10\r\n";

	if ((buf = malloc(TCP_MAXHDR * 2 + 64)) == NULL)
		abort();
	memset(buf, 'a', TCP_MAXHDR * 2 + 64);
	memcpy(buf, head, sizeof(head) - 1);
	/* A header line "aaa...a" up to the end of the block. */
	n = TCP_MAXHDR - 4;
	memcpy(buf + n, "\r\n\r\n", 4);
	memset(buf + n + 4, 0, body);
	memcpy(buf + n + 4 + 3, "\r\n\r\n", 4);
	frame1("a header block of exactly the limit, body with NULs and "
	    "CRLFCRLF", buf, n + 4 + body, TCP_FRAME_MSG, n + 4 + body);
	memset(buf + n, 'a', 4);
	frame1("no end of headers yet, under the limit", buf, TCP_MAXHDR - 1,
	    TCP_FRAME_MORE, 0);
	frame1("no end of headers within the limit", buf, TCP_MAXHDR,
	    TCP_FRAME_ERR, 0);
	n = TCP_MAXHDR - 3;
	memcpy(buf + n, "\r\n\r\n", 4);
	frame1("a header block one byte over", buf, n + 4 + body,
	    TCP_FRAME_ERR, 0);
	free(buf);
}

static char *
readfile(const char *dir, const char *name, size_t *len)
{
	char	 path[1024];
	FILE	*f;
	char	*buf;

	(void)snprintf(path, sizeof(path), "%s/rfc4475/%s", dir, name);
	if ((f = fopen(path, "rb")) == NULL)
		return (NULL);
	if ((buf = malloc(65536)) == NULL)
		abort();
	*len = fread(buf, 1, 65536, f);
	fclose(f);
	return (buf);
}

/* RFC 4475 §3.1.2.7, 3.1.2.8, 3.1.2.10 over a stream. */
static void
torture(const char *dir)
{
	static const struct {
		const char	*file;
		int		 want;
		const char	*what;
	} t[] = {
		{ "clerr.dat", TCP_FRAME_MORE, "waits for 9999 bytes (then "
		    "the stall timeout closes it)" },
		{ "ncl.dat", TCP_FRAME_ERR, "negative Content-Length" },
		{ "mcl01.dat", TCP_FRAME_ERR, "two Content-Lengths" },
		{ "dblreq.dat", TCP_FRAME_MSG, "the REGISTER first" },
		{ "inv2543.dat", TCP_FRAME_ERR, "no Content-Length" },
	};
	const char	*why;
	char		*buf;
	size_t		 i, len, used;
	int		 r;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if ((buf = readfile(dir, t[i].file, &len)) == NULL) {
			CHECK(0, "rfc4475/%s: cannot read", t[i].file);
			continue;
		}
		r = tcp_frame(buf, len, &used, &why);
		CHECK(r == t[i].want, "rfc4475/%s over TCP: %s: %s%s%s",
		    t[i].file, t[i].what, kind(r), why != NULL ? ": " : "",
		    why != NULL ? why : "");
		if (strcmp(t[i].file, "clerr.dat") == 0)
			CHECK(r == TCP_FRAME_MORE && used > 9999 && used > len,
			    "rfc4475/clerr.dat: needs %zu bytes, has %zu", used,
			    len);
		if (strcmp(t[i].file, "dblreq.dat") == 0)
			CHECK(r == TCP_FRAME_MSG && used < len &&
			    tcp_frame(buf + used, len - used, &used, &why) ==
			    TCP_FRAME_CRLF, "rfc4475/dblreq.dat: the INVITE "
			    "follows it");
		free(buf);
	}
}

int
main(int argc, char *argv[])
{
	basics();
	splits();
	keepalives();
	lengths();
	sizes();
	torture(argc > 1 ? argv[1] : "regress/torture");
	UNIT_DONE();
}
