/* SPDX-License-Identifier: ISC */
/* Unit tests for the registration table and its saved form. */

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "log.h"
#include "regtable.h"
#include "unit.h"

#define WALL	1700000000	/* wall clock at "now" */
#define MONO	1000		/* CLOCK_MONOTONIC at "now" */

static struct sockaddr_storage	v4, v6;

static void
addrs_init(void)
{
	struct sockaddr_in	*sin = (struct sockaddr_in *)&v4;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)&v6;

	sin->sin_family = AF_INET;
	sin->sin_port = htons(5062);
	inet_pton(AF_INET, "10.0.0.2", &sin->sin_addr);
	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons(5070);
	inet_pton(AF_INET6, "fd00::2", &sin6->sin6_addr);
}

static struct reg_binding *
add(const char *aor, const char *contact, time_t expires, int pending)
{
	return (reg_add(aor, contact, (struct sockaddr *)&v4, REG_UDP,
	    "test-ua", expires, pending));
}

static int
same_addr(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return (0);
	if (a->ss_family == AF_INET)
		return (memcmp(a, b, sizeof(struct sockaddr_in)) == 0);
	return (memcmp(a, b, sizeof(struct sockaddr_in6)) == 0);
}

static int
nactive(const char *aor)
{
	struct reg_binding	*b;
	int			 n = 0;

	for (b = reg_first_aor(aor); b != NULL; b = reg_next_aor(b))
		n++;
	return (n);
}

static void
test_add_lookup(void)
{
	struct reg_binding	*b, *b2;

	reg_init();
	b = add("alice@example.com", "sip:alice@10.0.0.2:5062", MONO + 60, 0);
	CHECK(b != NULL && reg_count() == 1, "add one binding");
	CHECK(reg_lookup("alice@example.com", "sip:alice@10.0.0.2:5062") == b,
	    "lookup by aor and contact");
	CHECK(reg_lookup("alice@example.com", "sip:alice@10.0.0.3") == NULL,
	    "lookup of another contact fails");
	CHECK(b != NULL && strcmp(b->masq_user, "alice") == 0 &&
	    reg_lookup_masq("alice") == b, "masq_user is the user part");
	CHECK(b != NULL && b->expires == MONO + 60 && !b->pending &&
	    b->transport == REG_UDP && same_addr(&b->src, &v4) &&
	    strcmp(b->user_agent, "test-ua") == 0, "fields as given");
	b2 = reg_add("alice@example.com", "sip:alice@10.0.0.2:5062",
	    (struct sockaddr *)&v6, REG_TCP, NULL, MONO + 120, 0);
	CHECK(b2 == b && reg_count() == 1, "same aor and contact updates");
	CHECK(b2 != NULL && b2->expires == MONO + 120 &&
	    b2->transport == REG_TCP && same_addr(&b2->src, &v6) &&
	    b2->user_agent == NULL, "update sets every field");
	CHECK(reg_add("", "sip:a@b", (struct sockaddr *)&v4, REG_UDP, NULL,
	    MONO, 0) == NULL, "empty aor refused");
	CHECK(reg_add("a@b", "", (struct sockaddr *)&v4, REG_UDP, NULL,
	    MONO, 0) == NULL, "empty contact refused");
	CHECK(reg_add("a@b", "sip:a@b", (struct sockaddr *)&v4, 7, NULL,
	    MONO, 0) == NULL, "unknown transport refused");
	v4.ss_family = AF_UNIX;
	CHECK(add("a@b", "sip:a@b", MONO, 0) == NULL,
	    "unknown address family refused");
	v4.ss_family = AF_INET;
	reg_clear();
	CHECK(reg_count() == 0 && reg_lookup_masq("alice") == NULL,
	    "clear empties both indexes");
}

static void
test_pending(void)
{
	struct reg_binding	*b;

	reg_init();
	b = add("bob@example.com", "sip:bob@10.0.0.4", MONO + 32, 1);
	CHECK(b != NULL && b->pending, "new binding is pending");
	CHECK(reg_first_aor("bob@example.com") == NULL,
	    "pending binding does not count for the aor");
	CHECK(reg_lookup_masq("bob") == b, "pending binding found by masq");
	b = add("bob@example.com", "sip:bob@10.0.0.4", MONO + 3600, 0);
	CHECK(b != NULL && !b->pending && b->expires == MONO + 3600,
	    "2xx makes it active with the registrar's expiry");
	CHECK(reg_first_aor("bob@example.com") == b, "active binding counts");
	b = reg_add("bob@example.com", "sip:bob@10.0.0.4",
	    (struct sockaddr *)&v6, REG_TCP, "other-ua", MONO + 32, 1);
	CHECK(b != NULL && !b->pending && b->expires == MONO + 3600,
	    "refresh keeps an active binding active and its expiry");
	CHECK(b != NULL && same_addr(&b->src, &v4) &&
	    b->transport == REG_UDP && strcmp(b->user_agent, "test-ua") == 0,
	    "and its source, transport and user agent until the 2xx");
	reg_set_source(b, (struct sockaddr *)&v6, REG_TCP, "other-ua");
	CHECK(same_addr(&b->src, &v6) && b->transport == REG_TCP &&
	    strcmp(b->user_agent, "other-ua") == 0,
	    "the 2xx sets them");
	reg_clear();
}

static void
test_contacts(void)
{
	struct reg_binding	*b;

	reg_init();
	add("carol@example.com", "sip:carol@10.0.0.5", MONO + 60, 0);
	add("carol@example.com", "sip:carol@10.0.0.6", MONO + 60, 0);
	add("carol@example.com", "sip:carol@10.0.0.7", MONO + 60, 1);
	add("carol@example.co", "sip:carol@10.0.0.8", MONO + 60, 0);
	add("carol@example.comm", "sip:carol@10.0.0.9", MONO + 60, 0);
	add("carol@example.com0", "sip:x@10.0.0.9", MONO + 60, 0);
	CHECK(reg_count() == 6, "six bindings");
	CHECK(nactive("carol@example.com") == 2,
	    "two active contacts of one aor, pending one left out");
	b = reg_first_aor("carol@example.com");
	CHECK(b != NULL && strcmp(b->contact, "sip:carol@10.0.0.5") == 0 &&
	    (b = reg_next_aor(b)) != NULL &&
	    strcmp(b->contact, "sip:carol@10.0.0.6") == 0 &&
	    reg_next_aor(b) == NULL, "walk in contact order");
	CHECK(nactive("carol@example.co") == 1 && nactive("nobody@x") == 0,
	    "neighbouring aors are apart");
	reg_clear();
}

static void
test_masq(void)
{
	struct reg_binding	*a, *b, *c;
	int			 i, uniq = 1;
	char			 contact[64];

	reg_init();
	a = add("100@one.example", "sip:100@10.0.0.2:5060", MONO + 60, 0);
	b = add("100@two.example", "<sip:100:secret@10.0.0.3>", MONO + 60, 0);
	CHECK(a != NULL && b != NULL && strcmp(a->masq_user, "100") == 0 &&
	    strcmp(b->masq_user, "100-2") == 0,
	    "same user part made unique with a suffix");
	CHECK(reg_lookup_masq("100") == a && reg_lookup_masq("100-2") == b,
	    "each found by its masq_user");
	c = add("x@example", "sip:10.0.0.9;transport=tcp", MONO, 0);
	CHECK(c != NULL && strcmp(c->masq_user, "user") == 0,
	    "contact without user part gets a generic one");
	c = add("y@example", "sip:a%00b@10.0.0.9", MONO, 0);
	CHECK(c != NULL && strcmp(c->masq_user, "a%00b") == 0,
	    "escaped null kept as text (RFC 4475 escnull)");
	c = add("z@example", "sip:a\"b@10.0.0.9", MONO, 0);
	CHECK(c != NULL && strcmp(c->masq_user, "user-2") == 0,
	    "user part with a bad character replaced");
	reg_remove(a);
	c = add("100@three.example", "sip:100@10.0.0.4", MONO, 0);
	CHECK(c != NULL && strcmp(c->masq_user, "100") == 0,
	    "a freed masq_user is used again");
	for (i = 0; i < 100; i++) {
		snprintf(contact, sizeof(contact), "sip:dup@10.1.0.%d", i);
		if ((a = add("dup@example", contact, MONO, 0)) == NULL ||
		    reg_lookup_masq(a->masq_user) != a)
			uniq = 0;
	}
	CHECK(uniq && reg_count() == 105,
	    "100 bindings of one user part, masq_user unique");
	reg_clear();
}

static void
test_remove_aor(void)
{
	reg_init();
	add("dave@example.com", "sip:dave@10.0.0.2", MONO + 60, 0);
	add("dave@example.com", "sip:dave@10.0.0.3", MONO + 60, 1);
	add("erin@example.com", "sip:erin@10.0.0.4", MONO + 60, 0);
	reg_remove_aor("dave@example.com");
	CHECK(reg_count() == 1 && reg_lookup("dave@example.com",
	    "sip:dave@10.0.0.3") == NULL && reg_lookup_masq("dave") == NULL &&
	    reg_lookup_masq("dave-2") == NULL,
	    "remove_aor drops active and pending bindings");
	CHECK(reg_first_aor("erin@example.com") != NULL,
	    "other aors untouched");
	reg_remove_aor("nobody@example.com");
	CHECK(reg_count() == 1, "remove_aor of an unknown aor");
	reg_clear();
}

static void
expire_cb(struct reg_binding *b, void *arg)
{
	int	*seen = arg;

	if (strcmp(b->contact, "sip:f1@h") == 0)
		seen[0]++;
	else if (strcmp(b->contact, "sip:f2@h") == 0)
		seen[1]++;
	else
		seen[2]++;
}

static void
test_expire(void)
{
	int	seen[3] = { 0, 0, 0 };

	reg_init();
	add("f@example", "sip:f1@h", 100, 0);
	add("f@example", "sip:f2@h", 200, 1);
	add("f@example", "sip:f3@h", 300, 0);
	CHECK(reg_expire(99, expire_cb, seen) == 0 && reg_count() == 3,
	    "nothing expires early");
	CHECK(reg_expire(200, expire_cb, seen) == 2 && reg_count() == 1,
	    "two expire at their time, pending one included");
	CHECK(seen[0] == 1 && seen[1] == 1 && seen[2] == 0,
	    "callback saw exactly the expired bindings");
	CHECK(reg_expire(1000, NULL, NULL) == 1 && reg_count() == 0,
	    "expire without a callback");
	reg_clear();
}

static void
test_many(void)
{
	char	aor[64], contact[64], masq[32];
	int	i, ok = 1;

	reg_init();
	for (i = 0; i < 10000; i++) {
		snprintf(aor, sizeof(aor), "u%d@example.com", i);
		snprintf(contact, sizeof(contact), "sip:u%d@10.0.%d.%d",
		    i, i / 250, i % 250);
		if (add(aor, contact, MONO + i, 0) == NULL)
			ok = 0;
	}
	CHECK(ok && reg_count() == 10000, "10000 bindings added");
	for (i = 0; i < 10000; i++) {
		snprintf(aor, sizeof(aor), "u%d@example.com", i);
		snprintf(contact, sizeof(contact), "sip:u%d@10.0.%d.%d",
		    i, i / 250, i % 250);
		snprintf(masq, sizeof(masq), "u%d", i);
		if (reg_lookup(aor, contact) == NULL ||
		    reg_lookup_masq(masq) != reg_lookup(aor, contact))
			ok = 0;
	}
	CHECK(ok, "10000 bindings found");
	for (i = 0; i < 10000; i += 2) {
		snprintf(aor, sizeof(aor), "u%d@example.com", i);
		snprintf(contact, sizeof(contact), "sip:u%d@10.0.%d.%d",
		    i, i / 250, i % 250);
		reg_remove(reg_lookup(aor, contact));
	}
	CHECK(reg_count() == 5000 && reg_lookup_masq("u4") == NULL &&
	    reg_lookup_masq("u5") != NULL, "5000 removed one by one");
	CHECK(reg_expire(MONO + 10000, NULL, NULL) == 5000 &&
	    reg_count() == 0, "5000 expired at once");
	reg_clear();
}

static const char *weird_aor = "we ird\n@exa\\mple.com";
static const char *weird_contact = "<sip:%00ab%00@10.0.0.2;x=\"a b\"\t\r>";
static const char *weird_ua = "Fon \xc3\xbc\xe2\x82\xac \x01\x7f\xff\\ \"v1\"";

static void
table_fill(void)
{
	reg_add(weird_aor, weird_contact, (struct sockaddr *)&v6, REG_TCP,
	    weird_ua, MONO + 3600, 0);
	reg_add("plain@example.com", "sip:plain@10.0.0.2",
	    (struct sockaddr *)&v4, REG_UDP, NULL, MONO + 60, 0);
	reg_add("plain@example.com", "sip:plain@10.0.0.3",
	    (struct sockaddr *)&v4, REG_UDP, "-", MONO + 90, 0);
	reg_add("pending@example.com", "sip:pending@10.0.0.2",
	    (struct sockaddr *)&v4, REG_UDP, NULL, MONO + 32, 1);
}

static int
same_binding(const struct reg_binding *a, const struct reg_binding *b,
    time_t shift)
{
	if (a == NULL || b == NULL)
		return (0);
	if ((a->user_agent == NULL) != (b->user_agent == NULL) ||
	    (a->user_agent != NULL && strcmp(a->user_agent, b->user_agent)))
		return (0);
	return (strcmp(a->aor, b->aor) == 0 &&
	    strcmp(a->contact, b->contact) == 0 &&
	    strcmp(a->masq_user, b->masq_user) == 0 &&
	    same_addr(&a->src, &b->src) && a->transport == b->transport &&
	    a->expires + shift == b->expires && a->pending == b->pending);
}

static int
printable(const char *buf, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++)
		if (buf[i] != '\n' && (buf[i] < ' ' || buf[i] > '~'))
			return (0);
	return (1);
}

static void
test_roundtrip(void)
{
	struct reg_binding	 saved[3], *b;
	const char		*contacts[3] = { weird_contact,
				    "sip:plain@10.0.0.2", "sip:plain@10.0.0.3" };
	const char		*aors[3] = { weird_aor, "plain@example.com",
				    "plain@example.com" };
	char			*buf;
	size_t			 len;
	int			 i, ok = 1;

	reg_init();
	table_fill();
	for (i = 0; i < 3; i++) {
		b = reg_lookup(aors[i], contacts[i]);
		saved[i] = *b;
		saved[i].aor = strdup(b->aor);
		saved[i].contact = strdup(b->contact);
		saved[i].masq_user = strdup(b->masq_user);
		saved[i].user_agent = b->user_agent ? strdup(b->user_agent) :
		    NULL;
	}
	CHECK(reg_serialize(&buf, &len, MONO, WALL) == 3,
	    "serialize writes the three active bindings");
	CHECK(printable(buf, len) && len > 0 && buf[len - 1] == '\n',
	    "saved form is printable ASCII lines");
	CHECK(strchr(buf, '\t') == NULL && strstr(buf, "%00ab%00") != NULL,
	    "tabs escaped, %%00 kept as text");
	reg_clear();
	/* Restarted 10 s later: monotonic clock starts anew at 50. */
	CHECK(reg_deserialize(buf, len, 50, WALL + 10) == 3 &&
	    reg_count() == 3, "deserialize loads three");
	for (i = 0; i < 3; i++)
		if (!same_binding(&saved[i], reg_lookup(aors[i], contacts[i]),
		    50 - MONO - 10))
			ok = 0;
	CHECK(ok, "round trip equal field by field, expiry moved");
	CHECK(reg_lookup_masq(saved[0].masq_user) != NULL,
	    "masq_user index rebuilt");
	CHECK(reg_lookup("pending@example.com", "sip:pending@10.0.0.2") ==
	    NULL, "pending binding not saved");
	CHECK(reg_deserialize(buf, len, 50, WALL + 10) == 0 &&
	    reg_count() == 3, "loading the same bindings again adds none");
	reg_clear();
	CHECK(reg_deserialize(buf, len, 50, WALL + 61) == 2,
	    "binding expired while down is skipped");
	CHECK(reg_deserialize(buf, len, 50, WALL + 7200) == 0,
	    "all expired: none loaded");
	free(buf);
	for (i = 0; i < 3; i++) {
		free(saved[i].aor);
		free(saved[i].contact);
		free(saved[i].masq_user);
		free(saved[i].user_agent);
	}
	reg_clear();
}

static int
load(const char *s)
{
	return (reg_deserialize(s, strlen(s), MONO, WALL));
}

static void
test_garbage(void)
{
	static const char *bad[] = {
		"a@b sip:a@b a udp 10.0.0.2 5060",
		"a@b sip:a@b a udp 10.0.0.2 5060 1700000100 ua extra",
		"a@b sip:a@b a sctp 10.0.0.2 5060 1700000100",
		"a@b sip:a@b a udp 10.0.0.256 5060 1700000100",
		"a@b sip:a@b a udp 10.0.0.2 0 1700000100",
		"a@b sip:a@b a udp 10.0.0.2 65536 1700000100",
		"a@b sip:a@b a udp 10.0.0.2 5060 17000001x",
		"a@b sip:a@b a udp 10.0.0.2 5060 -5",
		"a@b sip:a@b a udp 10.0.0.2 5060 99999999999",
		"a@b sip:a\\000b a udp 10.0.0.2 5060 1700000100",
		"a@b sip:a@b a\\ udp 10.0.0.2 5060 1700000100",
		"a@b sip:a@b a\\9 udp 10.0.0.2 5060 1700000100",
		"a@b sip:a@b a<b udp 10.0.0.2 5060 1700000100",
		"a@b sip:a@b %0 udp 10.0.0.2 5060 1700000100",
		"a@b  a udp 10.0.0.2 5060 1700000100",
		"a@b sip:a@b a udp 10.0.0.2 5060 1700000100 ",
		"a@b sip:a@b a udp 10.0.0.2 5060 1700000100\r",
		"a@b\tsip:a@b a udp 10.0.0.2 5060 1700000100",
		"a@b sip:a@b a udp 10.0.0.2 5060 1700000100 \xc3\xbc",
		"a@b sip:a@b a udp ::1%eth0 5060 1700000100",
		"",
		" ",
		"\\",
	};
	static const char nul[] = "siproxd-registrations 1\nx y\0z\n"
	    "a@b sip:a@b a udp 10.0.0.2 5060 1700000100\n";
	char	 line[256];
	size_t	 i, n = 0;
	int	 r;

	reg_init();
	CHECK(load("siproxd-registrations 1\n"
	    "a@b sip:a@b a udp 10.0.0.2 5060 1700000100\n") == 1,
	    "well-formed line loads");
	reg_clear();
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(line, sizeof(line), "siproxd-registrations 1\n%s\n",
		    bad[i]);
		if ((r = load(line)) != 0 || reg_count() != 0)
			printf("# line \"%s\" gave %d\n", bad[i], r);
		else
			n++;
		reg_clear();
	}
	CHECK(n == sizeof(bad) / sizeof(bad[0]), "%zu malformed lines skipped",
	    n);
	CHECK(reg_deserialize(nul, sizeof(nul) - 1, MONO, WALL) == 1,
	    "line with a NUL byte skipped, next one loaded");
	reg_clear();
	CHECK(load("siproxd-registrations 1\n"
	    "a@b sip:a@b a udp 10.0.0.2 5060 1700000100\n"
	    "garbage\n"
	    "a@b sip:a@c a udp 10.0.0.2 5060 1700000100\n"
	    "b@b sip:b@b b tcp [fd00::1] 5060 1700000100 Fon\\040v1\n"
	    "a@b sip:a@b z udp 10.0.0.2 5060 1700000100\n") == 2,
	    "garbage, duplicate contact and duplicate masq skipped, 2 loaded");
	reg_clear();
	CHECK(load("1.2.3.4 alice 3600\n") == -1,
	    "a file of another format is refused");
	CHECK(load("siproxd-registrations 2\n") == -1,
	    "a later format version is refused");
	CHECK(reg_deserialize("", 0, MONO, WALL) == 0, "empty file loads none");
	reg_clear();
}

/* Each prefix of a saved table, as a file cut short would hold. */
static void
test_truncated(void)
{
	char	*buf, *copy;
	size_t	 len, cut, i;
	int	 ok = 1, r, lines, fd, devnull;

	reg_init();
	table_fill();
	reg_serialize(&buf, &len, MONO, WALL);
	reg_clear();
	/* Two warnings per prefix would bury the other cases' output. */
	fflush(stderr);
	if ((fd = dup(STDERR_FILENO)) == -1 ||
	    (devnull = open("/dev/null", O_WRONLY)) == -1 ||
	    dup2(devnull, STDERR_FILENO) == -1)
		abort();
	close(devnull);
	for (cut = 0; cut <= len; cut++) {
		/* An exact-size copy, so ASan sees any read past the end. */
		if ((copy = malloc(cut + 1)) == NULL)
			abort();
		memcpy(copy, buf, cut);
		r = reg_deserialize(copy, cut, MONO, WALL);
		free(copy);
		for (i = 0, lines = 0; i < cut; i++)
			if (buf[i] == '\n')
				lines++;
		/* No header line yet: not a registration file. */
		if (cut == 0 ? r != 0 : lines == 0 ? r != -1 : r != lines - 1)
			ok = 0;
		reg_clear();
	}
	if (dup2(fd, STDERR_FILENO) == -1)
		abort();
	close(fd);
	CHECK(ok, "every prefix of %zu bytes loads only its whole lines", len);
	free(buf);
}

/* The classic file: what pfSense's page reads, and what an upgrade loads. */
static void
test_classic(void)
{
	static const char want[] =
	    "***:1:1700000300\nsip\nalice\n10.0.0.2\n5062\n"
	    "sip\nalice\n203.0.113.1\n5060\nsip\nalice\nsip.test\n\n"
	    "***:1:1700000100\nsip\nbob\nfd00::2\n5070\n"
	    "sip\nbob\n203.0.113.1\n5060\nsip\nbob\nsip.test\n\n";
	/* As the classic daemon leaves it: free slots, a name, one expired. */
	static const char old[] =
	    "***:0:0\n"
	    "***:1:1700000600\nsip\ncarol\n10.0.0.3\n5060\n"
	    "sip\ncarol\n203.0.113.1\n\nsip\ncarol\nsip.test\n\n"
	    "***:0:0\n"
	    "***:1:1700000600\nsip\ndave\nphone.lan\n\n"
	    "sip\ndave\n203.0.113.1\n\nsip\ndave\nsip.test\n\n"
	    "***:1:1600000000\nsip\neve\n10.0.0.4\n\n"
	    "sip\neve\n203.0.113.1\n\nsip\neve\nsip.test\n\n"
	    "***:1:1700000600\nsip\n\n10.0.0.5\n5070\n"
	    "sip\n\n203.0.113.1\n\nsip\nfrank\nsip.test\n\n"
	    "***:0:0\n";
	struct reg_binding	*b;
	struct sockaddr_in	*sin;
	char			*buf;
	size_t			 len;

	reg_init();
	reg_add("alice@sip.test", "<sip:alice@10.0.0.2:5062;transport=udp>",
	    (struct sockaddr *)&v4, REG_UDP, "ua", MONO + 300, 0);
	reg_add("bob@sip.test", "sip:bob:pw@[fd00::2]:5070",
	    (struct sockaddr *)&v6, REG_TCP, NULL, MONO + 100, 0);
	reg_add("pending@sip.test", "sip:p@10.0.0.2", (struct sockaddr *)&v4,
	    REG_UDP, NULL, MONO + 100, 1);
	CHECK(reg_classic_serialize(&buf, &len, MONO, WALL, "203.0.113.1",
	    "5060") == 2, "classic: two active bindings written");
	CHECK(len == sizeof(want) - 1 && memcmp(buf, want, len) == 0,
	    "classic: \"***:1:expiry\" and three URIs of four lines each");
	reg_clear();
	CHECK(reg_classic_deserialize(buf, len, 50, WALL + 10) == 2,
	    "classic: our own classic file loads back");
	b = reg_lookup("alice@sip.test", "sip:alice@10.0.0.2:5062");
	CHECK(b != NULL && b->expires == 50 + 290 && b->transport == REG_UDP &&
	    same_addr(&b->src, &v4), "classic: alice back with her address "
	    "and the time she had left");
	CHECK(reg_lookup("bob@sip.test", "sip:bob@[fd00::2]:5070") != NULL,
	    "classic: an IPv6 contact comes back");
	free(buf);
	reg_clear();
	CHECK(reg_classic_deserialize(old, sizeof(old) - 1, MONO, WALL) == 2,
	    "classic: a file of the old daemon: two loaded, a host name, "
	    "an expired entry and free slots skipped");
	b = reg_lookup("carol@sip.test", "sip:carol@10.0.0.3:5060");
	sin = b != NULL ? (struct sockaddr_in *)&b->src : NULL;
	CHECK(sin != NULL && ntohs(sin->sin_port) == 5060 &&
	    b->expires == MONO + 600, "classic: carol loaded, 600 s left");
	CHECK(reg_lookup("frank@sip.test", "sip:10.0.0.5:5070") != NULL,
	    "classic: a contact without a user loads");
	reg_clear();
	CHECK(reg_classic_deserialize("***:1:1700000600\nsip\n", 20, MONO,
	    WALL) == 0 && reg_classic_deserialize("\n\n***:x\n", 8, MONO,
	    WALL) == 0 && reg_classic_deserialize("***:1:9\0\n", 9, MONO,
	    WALL) == 0 && reg_count() == 0,
	    "classic: cut short or garbage loads nothing");
	reg_clear();
}

int
main(void)
{
	log_init(1, LOG_DAEMON);
	log_setverbose(-1);
	addrs_init();
	test_add_lookup();
	test_pending();
	test_contacts();
	test_masq();
	test_remove_aor();
	test_expire();
	test_many();
	test_roundtrip();
	test_classic();
	test_garbage();
	test_truncated();
	reg_clear();
	UNIT_DONE();
}
