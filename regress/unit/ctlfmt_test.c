/* SPDX-License-Identifier: ISC */
/* Unit tests: siproxctl's table and JSON output from canned answers. */

#include <sys/types.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctlfmt.h"
#include "unit.h"

/* Feed the answer in chunks of step bytes (0: all at once), format it. */
static char *
fmt(const char *ans, size_t len, size_t step, int json)
{
	struct ctl_answer	 a;
	FILE			*fp;
	char			*out = NULL;
	size_t			 outlen, off, n;

	ctl_answer_init(&a);
	for (off = 0; off < len; off += n) {
		n = step == 0 || len - off < step ? len - off : step;
		if (ctl_answer_add(&a, ans + off, n) == -1)
			goto fail;
	}
	ctl_answer_parse(&a);
	if ((fp = open_memstream(&out, &outlen)) == NULL)
		goto fail;
	if ((json ? ctl_print_json(fp, &a) : ctl_print_table(fp, &a)) == -1) {
		fclose(fp);
		free(out);
		goto fail;
	}
	fclose(fp);
	ctl_answer_free(&a);
	return (out);
 fail:
	ctl_answer_free(&a);
	return (NULL);
}

/* Safe for a terminal and a JSON parser: UTF-8, no control byte but \n. */
static int
clean(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i = 0, n, len = strlen(s);

	while (i < len) {
		if (p[i] == '\n' || (p[i] >= 0x20 && p[i] < 0x7f))
			n = 1;
		else if (p[i] < 0x80 || (n = ctl_utf8_len(p + i, len - i)) == 0)
			return (0);
		i += n;
	}
	return (1);
}

static int
same(const char *ans, size_t len, size_t step, int json, const char *want)
{
	char	*got;
	int	 ok;

	got = fmt(ans, len, step, json);
	ok = got != NULL && strcmp(got, want) == 0;
	if (!ok)
		printf("# got:\n%s# want:\n%s", got ? got : "(null)\n", want);
	free(got);
	return (ok);
}

#define T(ans, json, want)	same(ans, sizeof(ans) - 1, 0, json, want)

static const char phones[] =
    "aor\tcontact\tmasq_contact\texpires\ttransport\tstate\tuser_agent\n"
    "phone1@sip.test\tsip:phone1@10.0.0.2:5061\t"
    "sip:u1@203.0.113.1:5060\t300\tudp\tregistered\tsipp\n"
    "p2@sip.test\tsip:p2@10.0.0.2:5062\tsip:u2@203.0.113.1:5060\t5\t"
    "udp\tregistered\tJ\\303\\274rgen\\040phone\n";

static const char phones_table[] =
    "AOR              CONTACT                   MASQ_CONTACT             "
    "EXPIRES  TRANSPORT  STATE       USER_AGENT\n"
    "phone1@sip.test  sip:phone1@10.0.0.2:5061  sip:u1@203.0.113.1:5060  "
    "300      udp        registered  sipp\n"
    "p2@sip.test      sip:p2@10.0.0.2:5062      sip:u2@203.0.113.1:5060  "
    "5        udp        registered  J\303\274rgen phone\n";

static const char phones_json[] =
    "[\n"
    "{\"aor\": \"phone1@sip.test\", \"contact\": \"sip:phone1@10.0.0.2:5061\","
    " \"masq_contact\": \"sip:u1@203.0.113.1:5060\", \"expires\": \"300\","
    " \"transport\": \"udp\", \"state\": \"registered\","
    " \"user_agent\": \"sipp\"},\n"
    "{\"aor\": \"p2@sip.test\", \"contact\": \"sip:p2@10.0.0.2:5062\","
    " \"masq_contact\": \"sip:u2@203.0.113.1:5060\", \"expires\": \"5\","
    " \"transport\": \"udp\", \"state\": \"registered\","
    " \"user_agent\": \"J\303\274rgen phone\"}\n"
    "]\n";

static void
test_split(void)
{
	size_t	step;
	int	ok = 1;

	CHECK(T(phones, 0, phones_table), "phones: aligned table, UTF-8 "
	    "counted as one column a character");
	CHECK(T(phones, 1, phones_json), "phones: JSON array of objects");
	for (step = 1; step < sizeof(phones); step++)
		ok &= same(phones, sizeof(phones) - 1, step, 0, phones_table) &&
		    same(phones, sizeof(phones) - 1, step, 1, phones_json);
	CHECK(ok, "chunks split anywhere (every size from 1 byte) give the "
	    "same output");
}

static void
test_stats(void)
{
	static const char	ans[] =
	    "process\tname\tvalue\nsipd\tregistrations\t2\nsipd\tx\t1\n"
	    "process\tname\tvalue\nrtpd\tstreams\t10\n";
	static const char	split[] =
	    "process\tname\tvalue\nsipd\ta\t1\nproc";

	CHECK(T(ans, 0, "PROCESS  NAME           VALUE\n"
	    "sipd     registrations  2\nsipd     x              1\n"
	    "rtpd     streams        10\n"),
	    "stats: rtpd's header line is skipped");
	CHECK(T(ans, 1, "[\n"
	    "{\"process\": \"sipd\", \"name\": \"registrations\", "
	    "\"value\": \"2\"},\n"
	    "{\"process\": \"sipd\", \"name\": \"x\", \"value\": \"1\"},\n"
	    "{\"process\": \"rtpd\", \"name\": \"streams\", \"value\": \"10\"}\n"
	    "]\n"), "stats: JSON has no header row");
	CHECK(same(split, sizeof(split) - 1, 3, 1, "[\n"
	    "{\"process\": \"sipd\", \"name\": \"a\", \"value\": \"1\"},\n"
	    "{\"process\": \"proc\", \"name\": \"\", \"value\": \"\"}\n]\n"),
	    "a last line without newline is a line; a header prefix is not "
	    "the header");
}

static void
test_empty(void)
{
	CHECK(T("", 0, ""), "empty answer: no table");
	CHECK(T("", 1, "[]\n"), "empty answer: []");
	CHECK(T("\n\n", 1, "[]\n"), "only empty lines: []");
	CHECK(T("a\tbb\n", 0, "A  BB\n"), "header only: the header");
	CHECK(T("a\tbb\n", 1, "[]\n"), "header only: []");
	CHECK(T("a\tb\n\n1\t2\n\n", 0, "A  B\n1  2\n"), "empty lines skipped");
}

static void
test_vis(void)
{
	static const char	 bad[] = "k\nab\\\001\n";
	char			*got;

	CHECK(T("k\tv\nx\\040y\ta\\\\b\n", 0, "K    V\nx y  a\\b\n"),
	    "vis: space and backslash decoded in the table");
	CHECK(T("k\tv\nx\\040y\ta\\\\b\n", 1,
	    "[\n{\"k\": \"x y\", \"v\": \"a\\\\b\"}\n]\n"),
	    "vis: backslash JSON-escaped");
	CHECK(T("k\tv\na\\011b\t\\012\n", 0, "K       V\na\\011b  \\012\n"),
	    "vis: a tab or newline inside a field stays encoded in the table");
	CHECK(T("k\tv\na\\011b\t\\012\n", 1,
	    "[\n{\"k\": \"a\\tb\", \"v\": \"\\n\"}\n]\n"),
	    "vis: tab and newline as JSON escapes");
	CHECK(T("k\nA\rB\\007\n", 0, "K\nA\\015B\\007\n"),
	    "raw CR (VIS_SAFE lets it through) and BEL encoded in the table");
	CHECK(T("k\nA\rB\\007\\010\\014\\177\n", 1,
	    "[\n{\"k\": \"A\\rB\\u0007\\u0008\\u000c\\u007f\"}\n]\n"),
	    "control characters as JSON escapes");
	CHECK(T("k\na\\000b\n", 1, "[\n{\"k\": \"a\\u0000b\"}\n]\n"),
	    "an encoded NUL byte survives into JSON");
	CHECK(T("k\na\\000b\n", 0, "K\na\\000b\n"),
	    "an encoded NUL byte stays encoded in the table");
	CHECK(T("k\tv\nab\\\tz\n", 0, "K    V\nab\\  z\n"),
	    "a bad escape (trailing backslash) is shown as it came");
	/* OpenBSD's vis(3) writes a backslash as \\, NetBSD's (libbsd) as \134. */
	got = fmt(bad, sizeof(bad) - 1, 0, 0);
	CHECK(got != NULL && (strcmp(got, "K\nab\\\\\\001\n") == 0 ||
	    strcmp(got, "K\nab\\134\\001\n") == 0),
	    "a bad escape with a control byte is encoded whole");
	free(got);
	CHECK(T("k\tv\nab\\\tz\n", 1,
	    "[\n{\"k\": \"ab\\\\\", \"v\": \"z\"}\n]\n"),
	    "a bad escape is passed as it came in JSON");
	CHECK(T("k\tv\n\\M-a\t\"q\"\n", 1,
	    "[\n{\"k\": \"\\u00e1\", \"v\": \"\\\"q\\\"\"}\n]\n"),
	    "meta escape decoded; quotes escaped");
}

static void
test_utf8(void)
{
	CHECK(T("k\n\\342\\202\\254\\360\\237\\230\\200\n", 1,
	    "[\n{\"k\": \"\342\202\254\360\237\230\200\"}\n]\n"),
	    "valid 3- and 4-byte UTF-8 passes into JSON");
	CHECK(T("k\tv\n\\342\\202\\254\\360\\237\\230\\200\tx\n", 0,
	    "K   V\n\342\202\254\360\237\230\200  x\n"),
	    "valid UTF-8 shown in the table, one column a character");
	CHECK(T("k\n\\377a\\300\\200\n", 1,
	    "[\n{\"k\": \"\\u00ffa\\u00c0\\u0080\"}\n]\n"),
	    "invalid and overlong bytes escaped one by one in JSON");
	CHECK(T("k\n\\377a\n", 0, "K\n\\377a\n"),
	    "invalid bytes stay encoded in the table");
	CHECK(T("k\n\\355\\240\\200\n", 1,
	    "[\n{\"k\": \"\\u00ed\\u00a0\\u0080\"}\n]\n"),
	    "a UTF-16 surrogate is not UTF-8");
	CHECK(T("k\n\\342\\202\n", 1, "[\n{\"k\": \"\\u00e2\\u0082\"}\n]\n"),
	    "a truncated sequence is escaped");
	CHECK(T("k\n\\302\\205\n", 1, "[\n{\"k\": \"\302\205\"}\n]\n"),
	    "a C1 control is valid UTF-8 for JSON");
	CHECK(T("k\n\\302\\205\n", 0, "K\n\\302\\205\n"),
	    "but stays encoded in the table");
	CHECK(ctl_utf8_len((const unsigned char *)"\364\217\277\277", 4) == 4 &&
	    ctl_utf8_len((const unsigned char *)"\364\220\200\200", 4) == 0 &&
	    ctl_utf8_len((const unsigned char *)"\340\237\277", 3) == 0 &&
	    ctl_utf8_len((const unsigned char *)"\301\277", 2) == 0 &&
	    ctl_utf8_len((const unsigned char *)"\370\210\200\200\200", 5) == 0,
	    "utf8: U+10FFFF ok; above it, overlong and 5-byte forms not");
}

static void
test_shape(void)
{
	struct ctl_answer	a;
	char			c = 'x';

	CHECK(T("a\tb\tc\n1\n1\t2\t3\t4\n", 0, "A  B  C\n1\n1  2  3\n"),
	    "short rows padded, long rows cut, no trailing blanks");
	CHECK(T("a\tb\tc\n1\n", 1,
	    "[\n{\"a\": \"1\", \"b\": \"\", \"c\": \"\"}\n]\n"),
	    "a short row has every key in JSON");
	CHECK(T("a\tb\tc\n\t\tz\n", 0, "A  B  C\n      z\n"),
	    "empty cells keep later columns aligned");
	CHECK(T("a\tb\n\x1b[2J\tq\n", 0, "A        B\n\\033[2J  q\n"),
	    "a terminal escape sequence is not passed to the terminal");
	ctl_answer_init(&a);
	CHECK(ctl_answer_add(&a, &c, 1) == 0 &&
	    ctl_answer_add(&a, &c, CTL_ANSWER_MAX) == -1,
	    "an answer larger than CTL_ANSWER_MAX is refused");
	ctl_answer_free(&a);
}

/* Random bytes, tabs, newlines and backslashes: clean output, no crash. */
static void
test_garbage(void)
{
	static const char	 alpha[] = "\t\n\\0127Mx^-\200\303\377\001";
	char			 ans[200], *t, *j;
	uint32_t		 seed = 1;
	int			 i, k, ok = 1;

	for (i = 0; i < 2000; i++) {
		for (k = 0; k < (int)sizeof(ans); k++) {
			seed = seed * 1103515245 + 12345;
			ans[k] = (seed >> 16) % 3 == 0 ? (char)(seed >> 8) :
			    alpha[(seed >> 16) % (sizeof(alpha) - 1)];
		}
		t = fmt(ans, sizeof(ans), 7, 0);
		j = fmt(ans, sizeof(ans), 0, 1);
		ok &= t != NULL && j != NULL && clean(t) && clean(j);
		free(t);
		free(j);
	}
	CHECK(ok, "2000 random answers: table and JSON hold no control "
	    "bytes and only UTF-8");
}

int
main(void)
{
	test_split();
	test_stats();
	test_empty();
	test_vis();
	test_utf8();
	test_shape();
	test_garbage();
	UNIT_DONE();
}
