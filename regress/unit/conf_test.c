/* SPDX-License-Identifier: ISC */
/* Unit tests for the siproxd.conf reader: keys, errors, lists, ACLs, print. */

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "log.h"
#include "unit.h"

static char	errs[16384];	/* what the last parse logged */

/* Parse text as file "t.conf"; stderr (the log) goes to errs. */
static int
parse(struct siproxd_conf *c, const char *text, int quiet)
{
	ssize_t	n;
	int	rv;

	fflush(stderr);
	if (ftruncate(STDERR_FILENO, 0) == -1 ||
	    lseek(STDERR_FILENO, 0, SEEK_SET) == -1)
		abort();
	rv = conf_parse_buf(c, "t.conf", text, strlen(text), quiet);
	fflush(stderr);
	n = pread(STDERR_FILENO, errs, sizeof(errs) - 1, 0);
	errs[n > 0 ? n : 0] = '\0';
	return (rv);
}

/* A fresh config parsed from text; the caller frees it. */
static struct siproxd_conf *
conf(const char *text, int *rv)
{
	struct siproxd_conf	*c = conf_new();

	*rv = parse(c, text, 0);
	return (c);
}

/* Exactly one error line, "t.conf:LINE: MSG". */
static int
err_is(const char *want)
{
	char	line[2048];

	snprintf(line, sizeof(line), "siproxd: t.conf:%s\n", want);
	return (strcmp(errs, line) == 0);
}

static int
acl_has(const struct conf_acl_list *l, const char *addr)
{
	struct sockaddr_in	sin;
	struct sockaddr_in6	sin6;

	memset(&sin, 0, sizeof(sin));
	memset(&sin6, 0, sizeof(sin6));
	if (inet_pton(AF_INET, addr, &sin.sin_addr) == 1) {
		sin.sin_family = AF_INET;
		return (conf_acl_match(l, (struct sockaddr *)&sin));
	}
	if (inet_pton(AF_INET6, addr, &sin6.sin6_addr) != 1)
		abort();
	sin6.sin6_family = AF_INET6;
	return (conf_acl_match(l, (struct sockaddr *)&sin6));
}

static void
test_defaults(void)
{
	struct siproxd_conf	*c = conf_new();

	CHECK(c->sip_listen_port == 5060, "default sip_listen_port 5060");
	CHECK(c->rtp_port_low == 7070 && c->rtp_port_high == 7089,
	    "default rtp ports 7070..7089");
	CHECK(c->rtp_timeout == 300, "default rtp_timeout 300");
	CHECK(c->rtp_proxy_enable == 1, "default rtp_proxy_enable 1");
	CHECK(c->rtp_dscp == 46 && c->sip_dscp == 0, "default dscp 46/0");
	CHECK(c->default_expires == 600, "default default_expires 600");
	CHECK(c->autosave_registrations == 300,
	    "default autosave_registrations 300");
	CHECK(c->tcp_timeout == 600 && c->tcp_connect_timeout == 500 &&
	    c->tcp_keepalive == 20, "default tcp timeouts 600/500/20");
	CHECK(c->silence_log == 1 && c->daemonize == 0 && c->use_rport == 0,
	    "default silence_log 1, daemonize 0, use_rport 0");
	CHECK(strcmp(c->user, "nobody") == 0, "default user nobody");
	CHECK(c->chrootjail[0] == '\0' && c->registration_file[0] == '\0' &&
	    c->pid_file[0] == '\0' && c->ua_string[0] == '\0',
	    "default chrootjail, registration_file, pid_file, ua_string empty");
	CHECK(c->debug_level == 0 && c->debug_port == 0 && c->log_calls == 0,
	    "default debug_level, debug_port, log_calls 0");
	CHECK(TAILQ_EMPTY(&c->hosts_allow_reg) &&
	    TAILQ_EMPTY(&c->outbound_domains) && TAILQ_EMPTY(&c->ignored),
	    "default lists empty");
	conf_free(c);
}

static void
test_types(void)
{
	struct siproxd_conf	*c;
	int			 rv;

	c = conf("if_inbound = eth0\nif_outbound=ppp0\n"
	    "  user\t=  siproxd  \n", &rv);
	CHECK(rv == 0 && strcmp(c->if_inbound, "eth0") == 0 &&
	    strcmp(c->if_outbound, "ppp0") == 0 &&
	    strcmp(c->user, "siproxd") == 0 && errs[0] == '\0',
	    "strings, with and without spaces around =");
	conf_free(c);

	c = conf("ua_string = Siproxd UA 1.0\n"
	    "plugin_siptrunk_name = SIP Trunk\n", &rv);
	CHECK(rv == 0 && strcmp(c->ua_string, "Siproxd UA 1.0") == 0,
	    "a string value may hold spaces (classic since 0.8.1)");
	conf_free(c);

	c = conf("sip_listen_port = 5061\nrtp_timeout = 120\n"
	    "daemonize = 1\nsilence_log = 4\nuse_rport = 3\n"
	    "rtp_input_dejitter = 1500000\n", &rv);
	CHECK(rv == 0 && c->sip_listen_port == 5061 && c->rtp_timeout == 120 &&
	    c->daemonize == 1 && c->silence_log == 4 && c->use_rport == 3 &&
	    c->rtp_input_dejitter == 1500000, "numbers");
	conf_free(c);

	c = conf("debug_level = 0x00000A04\n", &rv);
	CHECK(rv == 0 && c->debug_level == 0xa04, "debug_level in hex");
	conf_free(c);
	c = conf("debug_level = 2564\n", &rv);
	CHECK(rv == 0 && c->debug_level == 0xa04, "debug_level in decimal");
	conf_free(c);
	c = conf("debug_level = -1\n", &rv);
	CHECK(rv == 0 && c->debug_level == 0xffffffff,
	    "debug_level -1 enables every class");
	conf_free(c);
	c = conf("debug_level = 0x1ffffffff\n", &rv);
	CHECK(rv == -1 && err_is("1: debug_level: 0x1ffffffff is out of range "
	    "(0x0..0xffffffff)"), "debug_level above 32 bits");
	conf_free(c);
	c = conf("debug_level = 0xfg\n", &rv);
	CHECK(rv == -1 && err_is("1: debug_level: \"0xfg\" is not a number"),
	    "debug_level bad hex");
	conf_free(c);

	c = conf("registration_file =\n", &rv);
	CHECK(rv == 0 && c->registration_file[0] == '\0',
	    "an empty value clears a string whose default is empty");
	conf_free(c);
}

static void
test_comments(void)
{
	struct siproxd_conf	*c;
	int			 rv;

	c = conf("# comment\n\n   \t\n  # indented comment\r\n"
	    "rtp_timeout = 60 # seconds\n"
	    "proxy_auth_passwd = se#cret\t# trailing\n"
	    "ua_string = #not a value\n"
	    "pid_file = /run/siproxd.pid\r\n", &rv);
	CHECK(rv == 0 && c->rtp_timeout == 60,
	    "a number with a trailing comment");
	CHECK(strcmp(c->proxy_auth_passwd, "se#cret") == 0,
	    "'#' not after white space is part of the value");
	CHECK(c->ua_string[0] == '\0', "'#' opening the value is a comment");
	CHECK(strcmp(c->pid_file, "/run/siproxd.pid") == 0,
	    "CRLF line ends");
	conf_free(c);

	c = conf("ua_string = abc\r\t\nuser = a\rb\n", &rv);
	CHECK(rv == 0 && strcmp(c->ua_string, "abc") == 0 &&
	    strcmp(c->user, "a\rb") == 0,
	    "a stray CR at the end of a value is white space");
	conf_free(c);
}

static void
test_errors(void)
{
	struct siproxd_conf	*c;
	int			 rv;

	c = conf("if_inbound = eth0\n\nfoo_bar = 1\n", &rv);
	CHECK(rv == -1 && err_is("3: unknown key \"foo_bar\""),
	    "unknown key, with its line");
	conf_free(c);
	c = conf("rtp timeout = 1\n", &rv);
	CHECK(rv == -1 && err_is("1: unknown key \"rtp timeout\""),
	    "a key with a space is unknown");
	conf_free(c);
	c = conf("# x\nif_inbound eth0\n", &rv);
	CHECK(rv == -1 && err_is("2: missing \"=\" after \"if_inbound eth0\""),
	    "missing =");
	conf_free(c);
	c = conf(" = eth0\n", &rv);
	CHECK(rv == -1 && err_is("1: missing key before \"=\""),
	    "missing key");
	conf_free(c);
	c = conf("sip_listen_port =   # nothing\n", &rv);
	CHECK(rv == -1 && err_is("1: key \"sip_listen_port\" needs a value"),
	    "empty value for a number");
	conf_free(c);
	c = conf("user =\n", &rv);
	CHECK(rv == -1 && err_is("1: key \"user\" needs a value"),
	    "empty user");
	conf_free(c);
	c = conf("rtp_timeout = 12x\n", &rv);
	CHECK(rv == -1 && err_is("1: rtp_timeout: \"12x\" is not a number"),
	    "not a number");
	conf_free(c);
	c = conf("rtp_timeout = 0x10\nrtp_dscp = 0x2E\n", &rv);
	CHECK(rv == 0 && c->rtp_timeout == 16 && c->rtp_dscp == 46 &&
	    errs[0] == '\0', "hex for every number, as the classic's scanf");
	conf_free(c);
	c = conf("rtp_timeout = 0x\n", &rv);
	CHECK(rv == -1 && err_is("1: rtp_timeout: \"0x\" is not a number"),
	    "0x alone is no number");
	conf_free(c);
	c = conf("rtp_dscp = 0x40\n", &rv);
	CHECK(rv == -1 && err_is("1: rtp_dscp: 0x40 is out of range (0..63)"),
	    "hex out of range");
	conf_free(c);
	c = conf("sip_listen_port = 65536\n", &rv);
	CHECK(rv == -1 && err_is("1: sip_listen_port: 65536 is out of range "
	    "(1..65535)"), "port out of range");
	conf_free(c);
	c = conf("rtp_dscp = 64\n", &rv);
	CHECK(rv == -1 && err_is("1: rtp_dscp: 64 is out of range (0..63)"),
	    "dscp out of range");
	conf_free(c);
	c = conf("rtp_timeout = 0\n", &rv);
	CHECK(rv == 0 && c->rtp_timeout == 300 &&
	    err_is("1: rtp_timeout = 0 is not usable: using 300"),
	    "zero rtp_timeout (classic accepts it): default, warning");
	conf_free(c);
	c = conf("default_expires = 0\ntcp_timeout = 0\n"
	    "tcp_connect_timeout = 0\n", &rv);
	CHECK(rv == 0 && c->default_expires == 600 && c->tcp_timeout == 600 &&
	    c->tcp_connect_timeout == 500 && strstr(errs, "t.conf:1: "
	    "default_expires = 0") != NULL && strstr(errs, "t.conf:2: "
	    "tcp_timeout = 0") != NULL && strstr(errs, "t.conf:3: "
	    "tcp_connect_timeout = 0") != NULL,
	    "zero default_expires, tcp timeouts: defaults, one warning each");
	conf_free(c);
	c = conf("tcp_keepalive = 7200\n", &rv);
	CHECK(rv == 0 && c->tcp_keepalive == 7200 && errs[0] == '\0',
	    "tcp_keepalive 7200 (pfSense) as it is");
	conf_free(c);
	c = conf("rtp_input_dejitter = 2000000\n", &rv);
	CHECK(rv == 0 && c->rtp_input_dejitter == 1500000 &&
	    err_is("1: rtp_input_dejitter = 2000000 is above 1500000: "
	    "using 1500000"), "dejitter above the cap: the cap, warning");
	conf_free(c);
	c = conf_new();
	rv = parse(c, "rtp_timeout = 0\n", 1);
	CHECK(rv == 0 && errs[0] == '\0', "no warning when quiet");
	conf_free(c);
	c = conf("hosts_allow_reg = localhost/32, 10.0.0.0/8\n", &rv);
	CHECK(rv == 0 && acl_has(&c->hosts_allow_reg, "127.0.0.1") &&
	    acl_has(&c->hosts_allow_reg, "10.1.2.3") &&
	    !acl_has(&c->hosts_allow_reg, "127.0.0.2") &&
	    strstr(errs, "t.conf:1: hosts_allow_reg: host localhost "
	    "resolved") != NULL, "a host name in an access list is resolved");
	conf_free(c);
	/* Only names from /etc/hosts here: a unit test sends no query. */
	c = conf_new();
	rv = parse(c, "hosts_allow_sip = localhost\n", 1);
	CHECK(rv == 0 && !TAILQ_EMPTY(&c->hosts_allow_sip) &&
	    !acl_has(&c->hosts_allow_sip, "127.0.0.1") &&
	    !acl_has(&c->hosts_allow_sip, "0.0.0.1"),
	    "a quiet parse (a child's, a fuzzer's) looks nothing up: the "
	    "name matches no one, and the list does not allow all");
	conf_free(c);
	c = conf("daemonize = 99999999999999999999999\n", &rv);
	CHECK(rv == -1 && err_is("1: daemonize: 99999999999999999999999 is out "
	    "of range (0..1)"), "huge number");
	conf_free(c);
	c = conf("rtp_port_high = 8000\n\nrtp_port_low = 9000\n", &rv);
	CHECK(rv == -1 && err_is("3: rtp_port_low 9000 is above rtp_port_high "
	    "8000"), "inverted rtp range, at the later key");
	conf_free(c);
	c = conf("rtp_port_low = 9000\n", &rv);
	CHECK(rv == -1 && err_is("1: rtp_port_low 9000 is above rtp_port_high "
	    "7089"), "rtp_port_low above the default high");
	conf_free(c);
	c = conf("rtp_port_low = 7071\nrtp_port_high = 7072\n", &rv);
	CHECK(rv == -1 && err_is("2: rtp port range 7071..7072 holds no "
	    "even/odd port pair"), "odd range with no pair");
	conf_free(c);
	c = conf("rtp_port_low = 7071\nrtp_port_high = 7073\n", &rv);
	CHECK(rv == 0, "odd low with room for one pair is fine");
	conf_free(c);
	c = conf("rtp_port_low = 65535\nrtp_port_high = 65535\n", &rv);
	CHECK(rv == -1, "rtp range at the top holds no pair");
	conf_free(c);
	c = conf("hosts_allow_reg = 10.0.0.0/33\n", &rv);
	CHECK(rv == -1 && err_is("1: hosts_allow_reg: bad address prefix "
	    "\"10.0.0.0/33\""), "prefix length too long");
	conf_free(c);
	c = conf("hosts_deny_sip = 10.0.0.0/8,10.1.2/8,::1/129\n", &rv);
	CHECK(rv == -1 && strstr(errs, "\"10.1.2/8\"") != NULL &&
	    strstr(errs, "\"::1/129\"") != NULL &&
	    TAILQ_FIRST(&c->hosts_deny_sip) != NULL,
	    "each bad entry of a list reported, good ones kept");
	conf_free(c);
	c = conf("hosts_allow_sip = 10.0.0.0/255.0.255.0\n", &rv);
	CHECK(rv == -1, "non-contiguous netmask");
	conf_free(c);
	c = conf("hosts_allow_sip = 10.0.0.0/\n", &rv);
	CHECK(rv == -1, "empty prefix length");
	conf_free(c);

	c = conf("a = 1\nrtp_dscp = 99\nb\nsip_dscp = 1\n", &rv);
	CHECK(rv == -1 && strcmp(errs,
	    "siproxd: t.conf:1: unknown key \"a\"\n"
	    "siproxd: t.conf:2: rtp_dscp: 99 is out of range (0..63)\n"
	    "siproxd: t.conf:3: missing \"=\" after \"b\"\n") == 0 &&
	    c->sip_dscp == 1, "every error of the file reported");
	conf_free(c);
	c = conf_new();
	rv = conf_parse_buf(c, "t.conf", "x = 1\0\nuser = a\n", 15, 0);
	CHECK(rv == -1 && strcmp(c->user, "a") == 0, "NUL byte in a line");
	conf_free(c);
}

static void
test_long(void)
{
	struct siproxd_conf	*c;
	char			*text;
	int			 rv;

	text = malloc(20000);
	if (text == NULL)
		abort();
	memset(text, 'x', 20000);
	text[0] = '#';
	memcpy(text + 4096, "\nuser = ok\n", 12);
	c = conf(text, &rv);
	CHECK(rv == 0 && strcmp(c->user, "ok") == 0,
	    "a line of 4096 bytes is read");
	conf_free(c);

	memcpy(text + 4096, "y\nuser = ok\n", 13);
	c = conf(text, &rv);
	CHECK(rv == -1 && err_is("1: line longer than 4096 bytes") &&
	    strcmp(c->user, "ok") == 0,
	    "an overlong line is an error, the next line is still read");
	conf_free(c);

	memset(text, 'x', 300);
	memcpy(text, "user = ", 7);
	text[300] = '\0';
	c = conf(text, &rv);
	CHECK(rv == -1 && err_is("1: user: value longer than 255 bytes"),
	    "a string value too long for its field");
	conf_free(c);
	free(text);
}

static void
test_lists(void)
{
	struct siproxd_conf	*c;
	struct conf_acl		*a;
	int			 rv, n = 0;

	c = conf("hosts_allow_reg = 192.168.1.8/24,10.0.0.0/8\n"
	    "hosts_allow_reg = 172.16.0.1 , 2001:db8::/32,\n", &rv);
	TAILQ_FOREACH(a, &c->hosts_allow_reg, entry)
		n++;
	CHECK(rv == 0 && n == 4, "a repeated list key appends (4 entries)");
	a = TAILQ_FIRST(&c->hosts_allow_reg);
	CHECK(a->af == AF_INET && a->plen == 24 && a->addr[3] == 0,
	    "host bits of a prefix are cleared");
	a = TAILQ_NEXT(TAILQ_NEXT(a, entry), entry);
	CHECK(a->plen == 32, "a bare address is a host");
	conf_free(c);

	c = conf("outbound_domain_name = a.example\n"
	    "outbound_domain_name = b.example\n"
	    "outbound_domain_host = proxy.a.example\n"
	    "outbound_domain_port = 5070\n"
	    "outbound_domain_host = proxy.b.example\n", &rv);
	{
		struct conf_domain *d1 = TAILQ_FIRST(&c->outbound_domains);
		struct conf_domain *d2 = TAILQ_NEXT(d1, entry);

		CHECK(rv == 0 && strcmp(d1->host, "proxy.a.example") == 0 &&
		    d1->port == 5070 && strcmp(d2->host, "proxy.b.example") ==
		    0 && d2->port == 0, "domains paired by order");
	}
	conf_free(c);

	c = conf("outbound_domain_name = a\noutbound_domain_host = h\n"
	    "outbound_domain_host = h2\n", &rv);
	CHECK(rv == -1 && err_is("3: outbound_domain_host \"h2\" has no "
	    "outbound_domain_name before it"), "host with no name");
	conf_free(c);
	c = conf("outbound_domain_port = 5060\n", &rv);
	CHECK(rv == -1 && err_is("1: outbound_domain_port 5060 has no "
	    "outbound_domain_name before it"), "port with no name");
	conf_free(c);
	c = conf("outbound_domain_name = a\noutbound_domain_name = b\n"
	    "outbound_domain_host = h\n", &rv);
	CHECK(rv == -1 && err_is("2: outbound_domain_name \"b\" has no "
	    "outbound_domain_host"), "name with no host, at the name");
	conf_free(c);

	c = conf("mask_host = 10.0.1.1\nmask_host = 10.0.1.2\n"
	    "masked_host = a.example\nmasked_host = b.example\n", &rv);
	CHECK(rv == 0 && strcmp(TAILQ_FIRST(&c->mask_hosts)->s2,
	    "a.example") == 0 && strcmp(TAILQ_LAST(&c->mask_hosts,
	    conf_str_list)->s2, "b.example") == 0, "mask pairs by order");
	conf_free(c);
	c = conf("masked_host = x\n", &rv);
	CHECK(rv == -1 && err_is("1: masked_host \"x\" has no mask_host "
	    "before it"), "masked_host with no mask_host");
	conf_free(c);
	c = conf("mask_host = 10.0.1.1\n", &rv);
	CHECK(rv == -1 && err_is("1: mask_host \"10.0.1.1\" has no "
	    "masked_host"), "mask_host with no masked_host");
	conf_free(c);
}

static void
test_ignored(void)
{
	struct siproxd_conf	*c;
	struct conf_str		*s;
	int			 rv;

	c = conf("plugindir=/usr/lib/siproxd/\n"
	    "load_plugin=plugin_logcall.la\n"
	    "load_plugin=plugin_stun.la\n"
	    "plugin_stun_server = stun.example.org\n", &rv);
	CHECK(rv == 0 && strcmp(errs,
	    "siproxd: t.conf:1: key \"plugindir\" is accepted but not "
	    "supported by this version\n"
	    "siproxd: t.conf:2: key \"load_plugin\" is accepted but not "
	    "supported by this version\n"
	    "siproxd: t.conf:4: key \"plugin_stun_server\" is accepted but "
	    "not supported by this version\n") == 0,
	    "one warning per ignored key, and not an error");
	s = TAILQ_FIRST(&c->ignored);
	CHECK(strcmp(s->s, "plugindir = /usr/lib/siproxd/") == 0 &&
	    strcmp(TAILQ_LAST(&c->ignored, conf_str_list)->s,
	    "plugin_stun_server = stun.example.org") == 0,
	    "ignored keys kept as \"key = value\"");
	conf_free(c);

	c = conf_new();
	rv = parse(c, "load_plugin = x.la\nplugin_foo_bar = 1\n", 1);
	CHECK(rv == 0 && errs[0] == '\0' && TAILQ_FIRST(&c->ignored) != NULL,
	    "quiet parse: no warning");
	conf_free(c);

	c = conf("//plugin_blacklist_mode = 0\nobscure_loops = 1\n"
	    "thread_stack_size = 512\n", &rv);
	CHECK(rv == 0, "other classic keys, and any key containing plugin_");
	conf_free(c);
}

static void
test_acl(void)
{
	struct siproxd_conf	*c;
	int			 rv;

	c = conf("hosts_allow_reg = 192.168.1.0/24,10.0.0.1\n"
	    "hosts_allow_sip = 172.16.0.0/255.240.0.0\n"
	    "hosts_deny_sip = 2001:db8::/33,::ffff:198.51.100.0/120\n", &rv);
	CHECK(rv == 0, "(ACL config parses)");
	CHECK(acl_has(&c->hosts_allow_reg, "192.168.1.200"), "v4 in prefix");
	CHECK(!acl_has(&c->hosts_allow_reg, "192.168.2.1"),
	    "v4 outside prefix");
	CHECK(acl_has(&c->hosts_allow_reg, "10.0.0.1") &&
	    !acl_has(&c->hosts_allow_reg, "10.0.0.2"), "v4 host entry");
	CHECK(acl_has(&c->hosts_allow_reg, "::ffff:192.168.1.7"),
	    "v4-mapped v6 address matches a v4 prefix");
	CHECK(acl_has(&c->hosts_allow_sip, "172.31.255.255") &&
	    !acl_has(&c->hosts_allow_sip, "172.32.0.0"), "dotted netmask");
	CHECK(acl_has(&c->hosts_deny_sip, "2001:db8:7fff::1") &&
	    !acl_has(&c->hosts_deny_sip, "2001:db8:8000::1"),
	    "v6 prefix not on a byte boundary");
	CHECK(acl_has(&c->hosts_deny_sip, "198.51.100.9"),
	    "a v4-mapped v6 prefix is taken as v4");
	CHECK(!acl_has(&c->hosts_allow_reg, "2001:db8::1"),
	    "v6 address does not match v4 prefixes");
	conf_free(c);

	c = conf("hosts_allow_reg = 0.0.0.0/0\n", &rv);
	CHECK(acl_has(&c->hosts_allow_reg, "203.0.113.5") &&
	    !acl_has(&c->hosts_allow_reg, "2001:db8::5"), "/0 matches all v4");
	CHECK(!acl_has(&c->hosts_allow_sip, "203.0.113.5"),
	    "empty list matches nothing");
	conf_free(c);
}

static void
test_print(void)
{
	static const char *text =
	    "if_inbound = eth0\nif_outbound = ppp0\n"
	    "host_outbound = sip.example.org\n"
	    "hosts_allow_reg = 192.168.1.8/24\n"
	    "hosts_allow_reg = fd00::/8,10.0.0.1\n"
	    "debug_level = 0x00000a00\n"
	    "ua_string = Some UA\n"
	    "proxy_auth_passwd = p#w\n"
	    "mask_host = 10.0.1.1\nmasked_host = pub.example.org\n"
	    "outbound_domain_name = a.example\n"
	    "outbound_domain_name = b.example\n"
	    "outbound_domain_host = pa\noutbound_domain_host = pb\n"
	    "outbound_domain_port = 5070\n"
	    "load_plugin = plugin_regex.la\n"
	    "plugin_regex_desc = Test Regex 1\n"
	    "plugin_regex_pattern = ^(sips?:)00\n"
	    "plugin_regex_replace = \\1+\n"
	    "plugin_empty =\n";
	struct siproxd_conf	*c, *c2;
	char			*t1, *t2, *t3;
	size_t			 l1, l2;
	FILE			*fp;
	int			 rv;

	c = conf(text, &rv);
	CHECK(rv == 0, "(print test config parses)");
	t1 = conf_text(c, &l1);
	CHECK(strlen(t1) == l1 && strstr(t1, "if_inbound = eth0\n") == t1,
	    "conf_text starts with if_inbound");
	CHECK(strstr(t1, "debug_level = 0x00000a00\n") != NULL &&
	    strstr(t1, "sip_listen_port = 5060\n") != NULL &&
	    strstr(t1, "pid_file") == NULL,
	    "numbers printed, debug_level in hex, empty strings left out");
	CHECK(strstr(t1, "hosts_allow_reg = 192.168.1.0/24\n"
	    "hosts_allow_reg = fd00::/8\nhosts_allow_reg = 10.0.0.1/32\n")
	    != NULL, "lists one entry a line, canonical prefixes");
	CHECK(strstr(t1, "outbound_domain_name = a.example\n"
	    "outbound_domain_host = pa\noutbound_domain_port = 5070\n"
	    "outbound_domain_name = b.example\n"
	    "outbound_domain_host = pb\noutbound_domain_port = 5060\n")
	    != NULL, "domains printed as complete triples");
	CHECK(strstr(t1, "\nload_plugin = plugin_regex.la\n"
	    "plugin_regex_desc = Test Regex 1\n") != NULL &&
	    strstr(t1, "\nplugin_empty =\n") != NULL,
	    "ignored keys printed last, in order");

	c2 = conf_new();
	rv = parse(c2, t1, 1);
	t2 = conf_text(c2, &l2);
	CHECK(rv == 0 && errs[0] == '\0' && l1 == l2 && strcmp(t1, t2) == 0,
	    "print -> parse -> print is a fixed point");

	fp = tmpfile();
	conf_print(fp, c2);
	rewind(fp);
	t3 = calloc(1, l2 + 2);
	CHECK(t3 != NULL && fread(t3, 1, l2 + 1, fp) == l2 &&
	    strcmp(t3, t2) == 0, "conf_print and conf_text agree");
	fclose(fp);
	free(t1);
	free(t2);
	free(t3);
	conf_free(c);
	conf_free(c2);

	c = conf_new();
	t1 = conf_text(c, NULL);
	c2 = conf_new();
	rv = parse(c2, t1, 0);
	t2 = conf_text(c2, NULL);
	CHECK(rv == 0 && strcmp(t1, t2) == 0, "defaults are a fixed point");
	free(t1);
	free(t2);
	conf_free(c);
	conf_free(c2);
}

static void
test_file(void)
{
	struct siproxd_conf	*c;
	char			 path[] = "/tmp/conf_test.XXXXXX";
	FILE			*fp;
	int			 fd, rv;

	c = conf_new();
	fflush(stderr);
	if (ftruncate(STDERR_FILENO, 0) == -1 ||
	    lseek(STDERR_FILENO, 0, SEEK_SET) == -1)
		abort();
	rv = conf_parse_file(c, "/nonexistent/siproxd.conf");
	fflush(stderr);
	memset(errs, 0, sizeof(errs));
	if (pread(STDERR_FILENO, errs, sizeof(errs) - 1, 0) == -1)
		abort();
	CHECK(rv == -1 && strcmp(errs, "siproxd: /nonexistent/siproxd.conf: "
	    "No such file or directory\n") == 0, "missing file: path: error");
	conf_free(c);

	if ((fd = mkstemp(path)) == -1 || (fp = fdopen(fd, "w")) == NULL)
		abort();
	fputs("rtp_timeout = 30\nbogus = 1\nuser = x", fp);
	fclose(fp);
	c = conf_new();
	fflush(stderr);
	if (ftruncate(STDERR_FILENO, 0) == -1 ||
	    lseek(STDERR_FILENO, 0, SEEK_SET) == -1)
		abort();
	rv = conf_parse_file(c, path);
	fflush(stderr);
	memset(errs, 0, sizeof(errs));
	if (pread(STDERR_FILENO, errs, sizeof(errs) - 1, 0) == -1)
		abort();
	CHECK(rv == -1 && strstr(errs, ":2: unknown key \"bogus\"\n") != NULL &&
	    c->rtp_timeout == 30 && strcmp(c->user, "x") == 0,
	    "conf_parse_file: errors at file:line, last line with no newline");
	conf_free(c);
	unlink(path);
}

int
main(void)
{
	FILE	*log;

	/* log.c writes to stderr in the foreground: capture it */
	if ((log = tmpfile()) == NULL ||
	    dup2(fileno(log), STDERR_FILENO) == -1)
		return (2);
	log_init(1, 0);

	test_defaults();
	test_types();
	test_comments();
	test_errors();
	test_long();
	test_lists();
	test_ignored();
	test_acl();
	test_print();
	test_file();
	UNIT_DONE();
}
