/* SPDX-License-Identifier: ISC */
/* sipframe: the end of the headers and the body, for every reader in sipd. */

#include <stdio.h>
#include <string.h>

#include "log.h"
#include "sipframe.h"
#include "unit.h"

#define HEAD	"MESSAGE sip:a@example.com SIP/2.0\r\nVia: SIP/2.0/UDP h\r\n"

/* body(): the body sipframe_body() finds, or "-" if it refuses. */
static const char *
body(const char *buf, char *out, size_t size)
{
	const char	*why;
	size_t		 off, n;

	if (sipframe_body(buf, strlen(buf), &off, &n, &why) == -1)
		return ("-");
	snprintf(out, size, "%.*s", (int)n, buf + off);
	return (out);
}

static void
bodies(void)
{
	static const struct {
		const char	*what, *msg, *want;
	} t[] = {
		{ "Content-Length frames the body",
		    HEAD "Content-Length: 5\r\n\r\nhello world", "hello" },
		{ "after CRLFs (RFC 3261 7.5), not the start-line",
		    "\r\n\r\n" HEAD "l: 5\r\n\r\nhello", "hello" },
		{ "after a lone LF", "\n" HEAD "l: 2\r\n\r\nhi", "hi" },
		{ "bare LF line ends", "OPTIONS sip:x SIP/2.0\nl: 3\n\nabcd",
		    "abc" },
		{ "no Content-Length: the rest", HEAD "\r\nrest\r\n",
		    "rest\r\n" },
		{ "no empty line: no body", HEAD "l: 0", "" },
		{ "longer than the buffer", HEAD "l: 9\r\n\r\nshort", "-" },
		{ "twice", HEAD "l: 1\r\nContent-Length: 1\r\n\r\nx", "-" },
		{ "folded", HEAD "Content-Length:\r\n 1\r\n\r\nx", "-" },
		{ "negative", HEAD "Content-Length: -1\r\n\r\nx", "-" },
		{ "CRLFCRLF in the body is body", HEAD
		    "l: 6\r\n\r\n\r\n\r\nab", "\r\n\r\nab" },
	};
	char	out[256];
	size_t	i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		CHECK(strcmp(body(t[i].msg, out, sizeof(out)), t[i].want) == 0,
		    "%s: got \"%s\"", t[i].what, body(t[i].msg, out,
		    sizeof(out)));
}

static void
offsets(void)
{
	static const char	 m[] = "\r\n" HEAD "l: 1\r\n\r\nx";
	struct sipframe		 f;
	const char		*why;

	CHECK(sipframe_scan(m, sizeof(m) - 1, sizeof(m), &f, &why) == 0 &&
	    f.start == 2 && f.cl == 1 && f.bodyoff == sizeof(m) - 2 &&
	    f.hdrend == f.bodyoff - 2, "offsets of a whole message");
	CHECK(sipframe_scan(m, 20, 20, &f, &why) == 0 && f.bodyoff == 0,
	    "no end of headers in a partial message");
	CHECK(sipframe_scan(m, sizeof(m) - 1, 30, &f, &why) == 0 &&
	    f.bodyoff == 0, "the header block is looked for in max bytes");
}

/* Two escaped strings in one log line each keep their own buffer. */
static void
wire(void)
{
	char	line[64];

	snprintf(line, sizeof(line), "%s to %s", log_wire("call-1", 6),
	    log_wire("host\n", 5));
	CHECK(strcmp(line, "call-1 to host\\n") == 0, "log_wire twice in one "
	    "line: \"%s\"", line);
}

int
main(void)
{
	bodies();
	offsets();
	wire();
	UNIT_DONE();
}
