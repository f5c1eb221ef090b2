/* SPDX-License-Identifier: ISC */
/* sipd/resolve.c against a private dnsmasq on loopback (RFC 3263 §4 cases). */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <event.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "resolve.h"
#include "unit.h"

#define DNSMASQ		"/usr/sbin/dnsmasq"
#define MAXKEEP		8
#define NMANY		100
#define NWEIGHT		200
#define NBIG		20

struct result {
	int			done;
	int			error;
	int			transport;
	int			sync;
	size_t			naddrs;
	struct sockaddr_storage	addrs[MAXKEEP];
};

static struct event_base	*base;
static int			 in_start;
static int			 outstanding;
static pid_t			 reaper = -1;
static int			 reaper_fd = -1;

static void
test_cb(void *arg, int error, int transport,
    const struct sockaddr_storage *addrs, size_t n)
{
	struct result	*r = arg;
	size_t		 i;

	r->done++;
	r->error = error;
	r->transport = transport;
	r->sync = in_start;
	r->naddrs = n;
	for (i = 0; i < n && i < MAXKEEP; i++)
		r->addrs[i] = addrs[i];
	if (--outstanding == 0)
		event_base_loopbreak(base);
}

static struct resolve_req *
start(const char *host, uint16_t port, int transport, struct result *r)
{
	struct resolve_req	*req;

	memset(r, 0, sizeof(*r));
	outstanding++;
	in_start = 1;
	req = resolve_start(host, port, transport, test_cb, r);
	in_start = 0;
	return (req);
}

static void
loop_timeout(evutil_socket_t fd, short what, void *arg)
{
	event_base_loopbreak(base);
}

/* Run the loop until every lookup answered, or for ms at most. */
static int
run(int ms)
{
	struct event	*ev;
	struct timeval	 tv = { ms / 1000, (ms % 1000) * 1000 };

	if ((ev = evtimer_new(base, loop_timeout, NULL)) == NULL)
		fatalx("evtimer_new");
	evtimer_add(ev, &tv);
	if (outstanding > 0)
		event_base_dispatch(base);
	event_free(ev);
	return (outstanding == 0);
}

/* Run the loop for ms whatever happens. */
static void
spin(int ms)
{
	int	saved = outstanding;

	outstanding = 1 << 20;
	run(ms);
	outstanding = saved;
}

static int
addr_is(const struct sockaddr_storage *ss, const char *ip, uint16_t port)
{
	const struct sockaddr_in	*sin = (const struct sockaddr_in *)ss;
	const struct sockaddr_in6	*sin6 = (const struct sockaddr_in6 *)ss;
	unsigned char			 in[16];

	if (inet_pton(AF_INET, ip, in) == 1)
		return (ss->ss_family == AF_INET &&
		    ntohs(sin->sin_port) == port &&
		    memcmp(&sin->sin_addr, in, 4) == 0);
	if (inet_pton(AF_INET6, ip, in) == 1)
		return (ss->ss_family == AF_INET6 &&
		    ntohs(sin6->sin6_port) == port &&
		    memcmp(&sin6->sin6_addr, in, 16) == 0);
	return (0);
}

static int
ok1(const struct result *r, const char *ip, uint16_t port)
{
	return (r->done == 1 && r->sync == 0 && r->error == 0 &&
	    r->naddrs == 1 && addr_is(&r->addrs[0], ip, port));
}

static uint16_t
free_port(int type, int *keep)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof(sin);
	int			s;

	if ((s = socket(AF_INET, type, 0)) == -1)
		fatal("socket");
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(s, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    getsockname(s, (struct sockaddr *)&sin, &len) == -1)
		fatal("bind");
	if (keep != NULL)
		*keep = s;
	else
		close(s);
	return (ntohs(sin.sin_port));
}

static void
dns_exec(uint16_t port)
{
	char	 portarg[32];
	int	 fd, debug = getenv("RESOLVE_TEST_DEBUG") != NULL;
	char	*argv[64 + 2 * NBIG] = {
		DNSMASQ, "--keep-in-foreground", "--conf-file=/dev/null",
		portarg, "--listen-address=127.0.0.1", "--bind-interfaces",
		"--no-resolv", "--no-hosts", "--pid-file", "--log-facility=-",
		"--local=/sip.test/",
		"--host-record=a.sip.test,10.0.1.1,fd00::1:1",
		"--host-record=v6only.sip.test,fd00::6",
		"--host-record=t1.sip.test,10.0.2.1",
		"--host-record=t2.sip.test,10.0.2.2,fd00::2:2",
		"--host-record=t3.sip.test,10.0.2.3",
		"--host-record=wa.sip.test,10.0.3.1",
		"--host-record=wb.sip.test,10.0.3.2",
		"--host-record=plain.sip.test,10.0.4.1",
		"--host-record=cached.sip.test,10.0.5.1,30",
		"--srv-host=_sip._udp.srv.sip.test,t1.sip.test,5061,20,10",
		"--srv-host=_sip._udp.srv.sip.test,t2.sip.test,5062,10,10",
		"--srv-host=_sip._tcp.srv.sip.test,t3.sip.test,5063,1,0",
		"--srv-host=_sips._tcp.srv.sip.test,t1.sip.test,5064,1,0",
		"--srv-host=_sip._udp.w.sip.test,wa.sip.test,5071,10,90",
		"--srv-host=_sip._udp.w.sip.test,wb.sip.test,5072,10,10",
		"--srv-host=_sip._udp.half.sip.test,gone.sip.test,5081,10,0",
		"--srv-host=_sip._udp.half.sip.test,t1.sip.test,5082,20,0",
		"--srv-host=_sip._udp.dot.sip.test",
		/* RFC 3263 §4.1: NAPTR, then the SRV it names */
		"--naptr-record=naptr.sip.test,10,10,s,SIPS+D2T,,"
		    "_sips._tcp.naptr.sip.test",
		"--naptr-record=naptr.sip.test,20,10,S,SIP+D2U,,"
		    "_sip._udp.naptr.sip.test",
		"--srv-host=_sips._tcp.naptr.sip.test,t1.sip.test,5091,1,0",
		"--srv-host=_sip._udp.naptr.sip.test,t2.sip.test,5092,1,0",
		"--naptr-record=ord.sip.test,20,5,s,SIP+D2U,,"
		    "_sip._udp.o1.sip.test",
		"--naptr-record=ord.sip.test,10,50,s,SIP+D2U,,"
		    "_sip._udp.o2.sip.test",
		"--naptr-record=ord.sip.test,10,20,s,sip+d2t,,"
		    "_sip._tcp.o3.sip.test",
		"--srv-host=_sip._udp.o1.sip.test,t1.sip.test,5094,1,0",
		"--srv-host=_sip._udp.o2.sip.test,t2.sip.test,5095,1,0",
		"--srv-host=_sip._tcp.o3.sip.test,t3.sip.test,5096,1,0",
		"--naptr-record=unk.sip.test,1,1,s,SIP+D2S,,"
		    "_sip._sctp.unk.sip.test",
		"--naptr-record=unk.sip.test,2,1,u,SIP+D2U,!^.*$!sip:x@t1!",
		"--naptr-record=unk.sip.test,3,1,s,SIP+D2U,!^.*$!x!,"
		    "_sip._udp.unk.sip.test",
		"--naptr-record=unk.sip.test,4,1,,SIP+D2U,,"
		    "_sip._udp.unk.sip.test",
		"--naptr-record=unk.sip.test,5,1,s,E2U+sip,,"
		    "_sip._udp.unk.sip.test",
		"--naptr-record=unk.sip.test,6,1,s,SIP+D2U,,.",
		"--naptr-record=unk.sip.test,9,1,s,SIP+D2T,,"
		    "_sip._tcp.unk.sip.test",
		"--srv-host=_sip._udp.unk.sip.test,t2.sip.test,5090,1,0",
		"--srv-host=_sip._tcp.unk.sip.test,t1.sip.test,5097,1,0",
		"--host-record=unk.sip.test,10.0.4.2",
		"--naptr-record=dead.sip.test,1,1,s,SIPS+D2T,,"
		    "_sips._tcp.gone.sip.test",
		"--naptr-record=dead.sip.test,2,1,s,SIP+D2U,,"
		    "_sip._udp.dead.sip.test",
		"--srv-host=_sip._udp.dead.sip.test,t2.sip.test,5098,1,0",
		"--srv-host=_sip._tcp.tcponly.sip.test,t3.sip.test,5099,1,0",
		debug ? "--log-queries" : "--no-negcache",
		NULL
	};
	char	 big[2 * NBIG][128];
	int	 i, n;

	snprintf(portarg, sizeof(portarg), "--port=%u", port);
	/* enough SRV records to overflow 512 bytes: c-ares retries on TCP */
	for (n = 0; argv[n] != NULL; n++)
		;
	for (i = 1; i <= NBIG; i++) {
		snprintf(big[2 * i - 2], sizeof(big[0]),
		    "--host-record=big%d.sip.test,10.0.6.%d", i, i);
		snprintf(big[2 * i - 1], sizeof(big[0]),
		    "--srv-host=_sip._udp.big.sip.test,big%d.sip.test,%d,%d,0",
		    i, 5100 + i, i);
		argv[n++] = big[2 * i - 2];
		argv[n++] = big[2 * i - 1];
	}
	argv[n] = NULL;
	if (!debug && (fd = open("/dev/null", O_WRONLY)) != -1) {
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
	}
	execv(DNSMASQ, argv);
	_exit(127);
}

/*
 * dnsmasq runs under a reaper that kills it as soon as our end of a pipe
 * closes, so it goes away however this test ends (even on a crash).
 */
static void
dns_start(uint16_t port)
{
	pid_t	pid;
	int	p[2];
	char	c;

	fflush(stdout);
	if (pipe(p) == -1)
		fatal("pipe");
	if ((reaper = fork()) == -1)
		fatal("fork");
	if (reaper == 0) {
		close(p[1]);
		if ((pid = fork()) == -1)
			_exit(1);
		if (pid == 0) {
			close(p[0]);
			dns_exec(port);
		}
		while (read(p[0], &c, 1) == -1 && errno == EINTR)
			;
		kill(pid, SIGTERM);
		waitpid(pid, NULL, 0);
		_exit(0);
	}
	close(p[0]);
	reaper_fd = p[1];
}

static void
dns_stop(void)
{
	if (reaper_fd == -1)
		return;
	close(reaper_fd);
	reaper_fd = -1;
	waitpid(reaper, NULL, 0);
	reaper = -1;
}

static int
dns_ready(uint16_t port)
{
	struct sockaddr_in	sin;
	int			i, s, r;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	for (i = 0; i < 100; i++) {
		if ((s = socket(AF_INET, SOCK_STREAM, 0)) == -1)
			fatal("socket");
		r = connect(s, (struct sockaddr *)&sin, sizeof(sin));
		close(s);
		if (r == 0)
			return (1);
		usleep(50000);
	}
	return (0);
}

static void
test_literals(void)
{
	struct result	r[7];

	start("192.0.2.3", 0, RESOLVE_TLS, &r[6]);
	start("192.0.2.1", 0, RESOLVE_UDP, &r[0]);
	start("192.0.2.2", 5080, RESOLVE_TCP, &r[1]);
	start("[2001:db8::1]", 5090, RESOLVE_UDP, &r[2]);
	start("2001:db8::2", 0, RESOLVE_UDP, &r[3]);
	start("[192.0.2.1]", 0, RESOLVE_UDP, &r[4]);
	start("[2001:db8::1", 0, RESOLVE_UDP, &r[5]);
	CHECK(r[0].done == 0, "literal: no callback from inside resolve_start");
	run(2000);
	CHECK(ok1(&r[0], "192.0.2.1", 5060), "literal: IPv4, default port");
	CHECK(ok1(&r[1], "192.0.2.2", 5080), "literal: IPv4 with port");
	CHECK(ok1(&r[6], "192.0.2.3", 5061), "literal: TLS, default port 5061");
	CHECK(ok1(&r[2], "2001:db8::1", 5090), "literal: [IPv6] with port");
	CHECK(ok1(&r[3], "2001:db8::2", 5060), "literal: bare IPv6");
	CHECK(r[4].done == 1 && r[4].error == RESOLVE_EBADNAME,
	    "literal: [IPv4] refused");
	CHECK(r[5].done == 1 && r[5].error == RESOLVE_EBADNAME,
	    "literal: unterminated [IPv6 refused");
}

static void
test_badnames(void)
{
	struct result	r[7];
	char		longname[300], srvlong[256];
	int		i;

	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	start("", 0, RESOLVE_UDP, &r[0]);
	start("a..sip.test", 0, RESOLVE_UDP, &r[1]);
	start("a b.sip.test", 5060, RESOLVE_UDP, &r[2]);
	start(longname, 0, RESOLVE_UDP, &r[3]);
	start(".", 0, RESOLVE_UDP, &r[4]);
	start("x\n.sip.test", 0, RESOLVE_UDP, &r[5]);
	/* a valid 251-byte name, too long once "_sip._udp." goes in front */
	memset(srvlong, 'b', sizeof(srvlong));
	for (i = 63; i < 250; i += 64)
		srvlong[i] = '.';
	srvlong[251] = '\0';
	start(srvlong, 0, RESOLVE_UDP, &r[6]);
	run(2000);
	CHECK(r[6].done == 1 && r[6].error != 0 && r[6].sync == 0,
	    "bad names: SRV name over 253 bytes refused (%s)",
	    resolve_strerror(r[6].error));
	CHECK(r[0].done == 1 && r[0].error == RESOLVE_EBADNAME &&
	    r[1].done == 1 && r[1].error == RESOLVE_EBADNAME &&
	    r[2].done == 1 && r[2].error == RESOLVE_EBADNAME &&
	    r[3].done == 1 && r[3].error == RESOLVE_EBADNAME &&
	    r[4].done == 1 && r[4].error == RESOLVE_EBADNAME &&
	    r[5].done == 1 && r[5].error == RESOLVE_EBADNAME &&
	    r[0].sync == 0, "bad names: refused through the callback");
}

static void
test_port(void)
{
	struct result	r[3];

	start("a.sip.test", 5070, RESOLVE_UDP, &r[0]);
	start("v6only.sip.test", 5075, RESOLVE_UDP, &r[1]);
	start("cached.sip.test", 5060, RESOLVE_UDP, &r[2]);
	CHECK(run(5000), "port given: answered");
	CHECK(r[0].done == 1 && r[0].error == 0 && r[0].naddrs == 2 &&
	    addr_is(&r[0].addrs[0], "10.0.1.1", 5070) &&
	    addr_is(&r[0].addrs[1], "fd00::1:1", 5070),
	    "port given: A then AAAA with that port");
	CHECK(ok1(&r[1], "fd00::6", 5075), "port given: AAAA only");
	CHECK(ok1(&r[2], "10.0.5.1", 5060), "port given: record with a TTL");
}

static void
test_srv(void)
{
	struct result	r[6];
	int		i, good = 0;

	start("srv.sip.test", 0, RESOLVE_TLS, &r[5]);
	start("srv.sip.test", 0, RESOLVE_UDP, &r[0]);
	start("srv.sip.test", 0, RESOLVE_TCP, &r[1]);
	start("half.sip.test", 0, RESOLVE_UDP, &r[2]);
	start("SRV.Sip.Test.", 0, RESOLVE_UDP, &r[3]);
	start("big.sip.test", 0, RESOLVE_UDP, &r[4]);
	CHECK(run(5000), "srv: answered");
	CHECK(r[0].done == 1 && r[0].error == 0 && r[0].naddrs == 3 &&
	    addr_is(&r[0].addrs[0], "10.0.2.2", 5062) &&
	    addr_is(&r[0].addrs[1], "fd00::2:2", 5062) &&
	    addr_is(&r[0].addrs[2], "10.0.2.1", 5061),
	    "srv udp: priority 10 target before priority 20, ports from SRV");
	CHECK(ok1(&r[1], "10.0.2.3", 5063), "srv tcp: _sip._tcp target");
	CHECK(ok1(&r[5], "10.0.2.1", 5064), "srv tls: _sips._tcp target");
	CHECK(ok1(&r[2], "10.0.2.1", 5082),
	    "srv: target without address skipped, next one kept");
	CHECK(r[3].done == 1 && r[3].error == 0 && r[3].naddrs == 3 &&
	    addr_is(&r[3].addrs[0], "10.0.2.2", 5062),
	    "srv: mixed case and trailing dot");
	for (i = 0; i < MAXKEEP; i++) {
		char	ip[32];

		snprintf(ip, sizeof(ip), "10.0.6.%d", i + 1);
		good += addr_is(&r[4].addrs[i], ip, 5101 + i);
	}
	CHECK(r[4].done == 1 && r[4].error == 0 && r[4].naddrs == 8 &&
	    good == MAXKEEP, "srv: %d records over TCP, first 8 kept in order",
	    NBIG);
}

static void
test_weight(void)
{
	struct result	*r;
	int		 i, heavy = 0, light = 0, bad = 0;

	if ((r = calloc(NWEIGHT, sizeof(*r))) == NULL)
		fatal(NULL);
	for (i = 0; i < NWEIGHT; i++)
		start("w.sip.test", 0, RESOLVE_UDP, &r[i]);
	CHECK(run(10000), "srv weight: %d lookups answered", NWEIGHT);
	for (i = 0; i < NWEIGHT; i++) {
		if (r[i].done != 1 || r[i].error != 0 || r[i].naddrs != 2)
			bad++;
		else if (addr_is(&r[i].addrs[0], "10.0.3.1", 5071) &&
		    addr_is(&r[i].addrs[1], "10.0.3.2", 5072))
			heavy++;
		else if (addr_is(&r[i].addrs[0], "10.0.3.2", 5072) &&
		    addr_is(&r[i].addrs[1], "10.0.3.1", 5071))
			light++;
		else
			bad++;
	}
	free(r);
	/* weights 90:10; mean 180 heavy-first, sd about 4 */
	CHECK(bad == 0 && heavy >= 150 && light >= 1,
	    "srv weight: 90/10 split, %d heavy first, %d light first, %d bad",
	    heavy, light, bad);
}

static void
test_fallback(void)
{
	struct result	r[5];

	start("plain.sip.test", 0, RESOLVE_TLS, &r[4]);
	start("plain.sip.test", 0, RESOLVE_UDP, &r[0]);
	start("nope.sip.test", 0, RESOLVE_UDP, &r[1]);
	start("nope.sip.test", 5060, RESOLVE_TCP, &r[2]);
	start("dot.sip.test", 0, RESOLVE_UDP, &r[3]);
	CHECK(run(5000), "fallback: answered");
	CHECK(ok1(&r[0], "10.0.4.1", 5060), "no SRV: A record with 5060");
	CHECK(ok1(&r[4], "10.0.4.1", 5061), "no SRV over TLS: A record with 5061");
	CHECK(r[1].done == 1 && r[1].error == RESOLVE_ENOTFOUND &&
	    r[1].naddrs == 0, "NXDOMAIN without port: not found");
	CHECK(r[2].done == 1 && r[2].error == RESOLVE_ENOTFOUND,
	    "NXDOMAIN with port: not found");
	CHECK(r[3].done == 1 && r[3].error == RESOLVE_ENOTFOUND,
	    "SRV target \".\": service not offered");
}

#define ALL	(RESOLVE_PICK | RESOLVE_SET(RESOLVE_UDP) | \
		 RESOLVE_SET(RESOLVE_TCP) | RESOLVE_SET(RESOLVE_TLS))
#define NOTLS	(RESOLVE_PICK | RESOLVE_SET(RESOLVE_UDP) | \
		 RESOLVE_SET(RESOLVE_TCP))
#define SIPS	(RESOLVE_PICK | RESOLVE_SET(RESOLVE_TLS))

static int
okt(const struct result *r, int transport, const char *ip, uint16_t port)
{
	return (r->done == 1 && r->error == 0 && r->transport == transport &&
	    r->naddrs >= 1 && addr_is(&r->addrs[0], ip, port));
}

/* RFC 3263 §4.1: NAPTR chooses the transport and the SRV name. */
static void
test_naptr(void)
{
	struct result	r[8];

	start("naptr.sip.test", 0, ALL, &r[0]);
	start("naptr.sip.test", 0, NOTLS, &r[1]);
	start("naptr.sip.test", 0, SIPS, &r[2]);
	start("ord.sip.test", 0, ALL, &r[3]);
	start("unk.sip.test", 0, ALL, &r[4]);
	start("unk.sip.test", 0, SIPS, &r[5]);
	start("dead.sip.test", 0, ALL, &r[6]);
	start("naptr.sip.test", 0, RESOLVE_UDP, &r[7]);
	CHECK(run(5000), "naptr: answered");
	CHECK(okt(&r[0], RESOLVE_TLS, "10.0.2.1", 5091),
	    "naptr: SIPS+D2T first, TLS to its SRV target (%d)",
	    r[0].transport);
	CHECK(okt(&r[1], RESOLVE_UDP, "10.0.2.2", 5092),
	    "naptr: without TLS, SIP+D2U next in order");
	CHECK(okt(&r[2], RESOLVE_TLS, "10.0.2.1", 5091),
	    "naptr: sips: takes SIPS+D2T");
	CHECK(okt(&r[3], RESOLVE_TCP, "10.0.2.3", 5096),
	    "naptr: lowest order, then lowest preference (%d)",
	    r[3].transport);
	CHECK(okt(&r[4], RESOLVE_TCP, "10.0.2.1", 5097),
	    "naptr: unknown service, flag, regexp, \".\" skipped (%d)",
	    r[4].transport);
	CHECK(okt(&r[5], RESOLVE_TLS, "10.0.4.2", 5061),
	    "naptr: sips: follows no SIP+D2x record: host on 5061 (%d)",
	    r[5].transport);
	CHECK(okt(&r[6], RESOLVE_UDP, "10.0.2.2", 5098),
	    "naptr: a record whose SRV name has none: the next one");
	CHECK(okt(&r[7], RESOLVE_UDP, "10.0.2.2", 5092),
	    "naptr: a transport named: no NAPTR, its SRV");

	/* from the cache: the same transport comes back */
	start("naptr.sip.test", 0, ALL, &r[0]);
	start("naptr.sip.test", 0, NOTLS, &r[1]);
	CHECK(run(5000) && r[0].sync == 0 &&
	    okt(&r[0], RESOLVE_TLS, "10.0.2.1", 5091) &&
	    okt(&r[1], RESOLVE_UDP, "10.0.2.2", 5092),
	    "naptr: cached with its transport");
}

/* No NAPTR: the SRV names for UDP, then TCP, then the host (§4.1, §4.2). */
static void
test_naptr_fallback(void)
{
	struct result	r[8];

	start("srv.sip.test", 0, ALL, &r[0]);
	start("tcponly.sip.test", 0, ALL, &r[1]);
	start("plain.sip.test", 0, ALL, &r[2]);
	start("plain.sip.test", 0, SIPS, &r[3]);
	start("srv.sip.test", 0, SIPS, &r[4]);
	start("a.sip.test", 5070, ALL, &r[5]);
	start("192.0.2.1", 0, SIPS, &r[6]);
	start("nope.sip.test", 0, ALL, &r[7]);
	CHECK(run(5000), "naptr fallback: answered");
	CHECK(okt(&r[0], RESOLVE_UDP, "10.0.2.2", 5062),
	    "no naptr: _sip._udp first");
	CHECK(okt(&r[1], RESOLVE_TCP, "10.0.2.3", 5099),
	    "no naptr: _sip._tcp when there is no _sip._udp (%d)",
	    r[1].transport);
	CHECK(okt(&r[2], RESOLVE_UDP, "10.0.4.1", 5060),
	    "no naptr, no SRV: the host over UDP on 5060");
	CHECK(okt(&r[3], RESOLVE_TLS, "10.0.4.1", 5061),
	    "no naptr, no SRV, sips: the host over TLS on 5061");
	CHECK(okt(&r[4], RESOLVE_TLS, "10.0.2.1", 5064),
	    "no naptr, sips: _sips._tcp only");
	CHECK(okt(&r[5], RESOLVE_UDP, "10.0.1.1", 5070),
	    "a port given: no NAPTR, UDP");
	CHECK(okt(&r[6], RESOLVE_TLS, "192.0.2.1", 5061),
	    "an address, sips: TLS on 5061");
	CHECK(r[7].done == 1 && r[7].error == RESOLVE_ENOTFOUND,
	    "no such name: not found");
}

static void
test_cancel(void)
{
	struct result	r[4];

	resolve_cancel(start("srv.sip.test", 0, RESOLVE_UDP, &r[0]));
	resolve_cancel(start("192.0.2.9", 0, RESOLVE_UDP, &r[1]));
	resolve_cancel(start("bad..name", 0, RESOLVE_UDP, &r[2]));
	outstanding -= 3;
	resolve_cancel(NULL);
	start("plain.sip.test", 0, RESOLVE_UDP, &r[3]);
	run(5000);
	spin(300);
	CHECK(r[0].done == 0 && r[1].done == 0 && r[2].done == 0 &&
	    r[3].done == 1, "cancel: no callback after resolve_cancel");
}

static void
test_many(void)
{
	static const char	*names[] = { "a.sip.test", "srv.sip.test",
	    "plain.sip.test", "192.0.2.7", "nope.sip.test" };
	struct result		*r;
	int			 i, good = 0;

	if ((r = calloc(NMANY, sizeof(*r))) == NULL)
		fatal(NULL);
	for (i = 0; i < NMANY; i++)
		start(names[i % 5], i % 5 == 0 ? 5070 : 0,
		    i % 2 ? RESOLVE_UDP : RESOLVE_TCP, &r[i]);
	CHECK(run(10000), "concurrent: %d lookups answered", NMANY);
	for (i = 0; i < NMANY; i++) {
		switch (i % 5) {
		case 0:
			good += r[i].done == 1 && r[i].naddrs == 2 &&
			    addr_is(&r[i].addrs[0], "10.0.1.1", 5070);
			break;
		case 1:
			good += r[i].done == 1 && (i % 2 ?
			    r[i].naddrs == 3 &&
			    addr_is(&r[i].addrs[0], "10.0.2.2", 5062) :
			    ok1(&r[i], "10.0.2.3", 5063));
			break;
		case 2:
			good += ok1(&r[i], "10.0.4.1", 5060);
			break;
		case 3:
			good += ok1(&r[i], "192.0.2.7", 5060);
			break;
		default:
			good += r[i].done == 1 &&
			    r[i].error == RESOLVE_ENOTFOUND;
			break;
		}
	}
	free(r);
	CHECK(good == NMANY, "concurrent: %d of %d correct", good, NMANY);
}

/* With dnsmasq gone, only what the cache holds still resolves. */
static void
test_cache(void)
{
	struct result	r[2];

	/* What sipd does not count against a source's bound (sipx.c). */
	CHECK(resolve_known("cached.sip.test", 5060, RESOLVE_UDP),
	    "known: a cached answer");
	CHECK(!resolve_known("cached.sip.test", 5060, RESOLVE_TCP),
	    "known: not for another transport");
	CHECK(!resolve_known("a.sip.test", 5070, RESOLVE_UDP),
	    "known: not a TTL 0 answer");
	CHECK(!resolve_known("never.sip.test", 0, RESOLVE_UDP),
	    "known: not a name never asked");
	CHECK(resolve_known("192.0.2.1", 0, RESOLVE_UDP) &&
	    resolve_known("[2001:db8::1]", 5090, RESOLVE_UDP),
	    "known: IP literals");
	CHECK(resolve_known("bad..name", 0, RESOLVE_UDP),
	    "known: a name that cannot be one (refused at once)");
	start("cached.sip.test", 5060, RESOLVE_UDP, &r[0]);
	start("a.sip.test", 5070, RESOLVE_UDP, &r[1]);
	CHECK(run(20000), "cache: answered with the server gone");
	CHECK(ok1(&r[0], "10.0.5.1", 5060), "cache: TTL 30 record served");
	CHECK(r[1].done == 1 && r[1].error != 0,
	    "cache: TTL 0 record not kept (%s)", resolve_strerror(r[1].error));
}

/*
 * A hostile server: broken replies must end in an error or a sane
 * answer, never in a crash, a leak or a read out of bounds (ASan build).
 */
static void
evil_put16(unsigned char *p, unsigned int v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static int
evil_has(const unsigned char *q, size_t qlen, const char *s)
{
	size_t	i, n = strlen(s);

	for (i = 0; i + n <= qlen; i++)
		if (memcmp(q + i, s, n) == 0)
			return (1);
	return (0);
}

/* An SRV record for the question name (pointer 0xc00c) to t.evil.test. */
static size_t
evil_srv(unsigned char *p, uint16_t port)
{
	static const unsigned char	rr[] = { 0xc0, 0x0c, 0, 33, 0, 1,
	    0, 0, 0, 0, 0, 19, 0, 10, 0, 0, 0, 0,
	    1, 't', 4, 'e', 'v', 'i', 'l', 4, 't', 'e', 's', 't', 0 };

	memcpy(p, rr, sizeof(rr));
	evil_put16(p + 16, port);
	return (sizeof(rr));
}

static size_t
evil_answer(const unsigned char *q, size_t qlen, size_t qend,
    unsigned char *a)
{
	static const unsigned char	addl_bad[] = { 0xc0, 43, 0, 1, 0, 1,
	    0, 0, 0, 0, 0, 3, 10, 9, 9 };
	static const unsigned char	a_rr[] = { 0xc0, 0x0c, 0, 1, 0, 1,
	    0, 0, 0, 0, 0, 4, 10, 9, 9, 9 };
	static const unsigned char	loop_rr[] = { 0xc0, 0, 0, 33, 0, 1,
	    0, 0, 0, 0, 0, 6, 0, 0, 0, 0, 0x13, 0xc4 };
	static const unsigned char	badname_rr[] = { 0xc0, 0x0c, 0, 33,
	    0, 1, 0, 0, 0, 0, 0, 11, 0, 1, 0, 1, 0x13, 0xc4,
	    3, 'a', 1, 'b', 0 };
	unsigned int	qtype = q[qend - 4] << 8 | q[qend - 3];
	size_t		n = qend;

	memcpy(a, q, qend);
	a[2] = 0x85;
	a[3] = 0x80;
	memset(a + 6, 0, 6);
	if (qtype == 1 && evil_has(q, qlen, "\1t\4evil")) {
		a[7] = 1;
		memcpy(a + n, a_rr, sizeof(a_rr));
		return (n + sizeof(a_rr));
	}
	if (qtype != 33)
		return (n);
	a[7] = 1;
	if (evil_has(q, qlen, "\5short"))
		return (5);
	if (evil_has(q, qlen, "\5trunc"))
		return (n);
	if (evil_has(q, qlen, "\5rdlen")) {
		n += evil_srv(a + n, 5097);
		evil_put16(a + n - 21, 200);
		return (n - 8);
	}
	if (evil_has(q, qlen, "\4loop")) {
		memcpy(a + n, loop_rr, sizeof(loop_rr));
		a[n + 1] = n;
		return (n + sizeof(loop_rr));
	}
	if (evil_has(q, qlen, "\7badname")) {
		memcpy(a + n, badname_rr, sizeof(badname_rr));
		return (n + sizeof(badname_rr));
	}
	if (evil_has(q, qlen, "\4addl")) {
		n += evil_srv(a + n, 5099);
		a[11] = 1;
		memcpy(a + n, addl_bad, sizeof(addl_bad));
		a[n + 1] = qend + 18;
		return (n + sizeof(addl_bad));
	}
	if (evil_has(q, qlen, "\4huge")) {
		n += evil_srv(a + n, 5098);
		a[10] = a[11] = 0xff;
		return (n);
	}
	a[7] = 0;
	return (n);
}

static void
evil_read(evutil_socket_t fd, short what, void *arg)
{
	struct sockaddr_storage	ss;
	socklen_t		sslen = sizeof(ss);
	unsigned char		q[512], a[1024];
	ssize_t			len;
	size_t			i, n;

	if ((len = recvfrom(fd, q, sizeof(q), 0, (struct sockaddr *)&ss,
	    &sslen)) < 12 + 5)
		return;
	for (i = 12; i < (size_t)len && q[i] != 0; i += q[i] + 1)
		;
	if (i + 5 > (size_t)len)
		return;
	n = evil_answer(q, len, i + 5, a);
	sendto(fd, a, n, 0, (struct sockaddr *)&ss, sslen);
}

static void
test_evil(void)
{
	static const char	*names[] = { "short.evil.test",
	    "trunc.evil.test", "rdlen.evil.test", "loop.evil.test",
	    "badname.evil.test", "addl.evil.test", "huge.evil.test" };
	struct result		 r[7];
	struct event		*ev;
	char			 servers[64];
	int			 s, i;
	uint16_t		 port;

	port = free_port(SOCK_DGRAM, &s);
	if ((ev = event_new(base, s, EV_READ | EV_PERSIST, evil_read,
	    NULL)) == NULL)
		fatalx("event_new");
	event_add(ev, NULL);
	snprintf(servers, sizeof(servers), "127.0.0.1:%u", port);
	CHECK(resolve_init(base, servers) == 0, "evil: resolve_init");
	for (i = 0; i < 7; i++)
		start(names[i], 0, RESOLVE_UDP, &r[i]);
	CHECK(run(15000), "evil: every lookup answered");
	CHECK(r[0].done == 1 && r[0].error == RESOLVE_ETIMEOUT,
	    "evil: runt reply ignored, then timeout (%s)",
	    resolve_strerror(r[0].error));
	for (i = 1; i < 4; i++)
		CHECK(r[i].done == 1 && r[i].error == RESOLVE_EFAIL,
		    "evil: %s refused (%s)", names[i],
		    resolve_strerror(r[i].error));
	CHECK(r[4].done == 1 && r[4].error == RESOLVE_ENOTFOUND,
	    "evil: SRV target with a control byte dropped (%s)",
	    resolve_strerror(r[4].error));
	CHECK(ok1(&r[5], "10.9.9.9", 5099),
	    "evil: bad additional record skipped, target looked up");
	CHECK(r[6].done == 1, "evil: huge record counts survived (%s)",
	    resolve_strerror(r[6].error));
	resolve_shutdown();
	event_free(ev);
	close(s);
}

static void
test_silent(void)
{
	struct result	 r[4];
	struct timespec	 t0, t1;
	char		 servers[64];
	double		 secs;
	int		 s;
	uint16_t	 port;

	port = free_port(SOCK_DGRAM, &s);
	snprintf(servers, sizeof(servers), "127.0.0.1:%u", port);
	CHECK(resolve_init(base, servers) == 0, "silent: resolve_init");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	start("a.sip.test", 5060, RESOLVE_UDP, &r[0]);
	start("srv.sip.test", 0, RESOLVE_TCP, &r[1]);
	resolve_cancel(start("plain.sip.test", 0, RESOLVE_UDP, &r[2]));
	outstanding--;
	CHECK(run(15000), "silent server: answered");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	CHECK(r[0].done == 1 && r[0].error == RESOLVE_ETIMEOUT &&
	    r[1].done == 1 && r[1].error == RESOLVE_ETIMEOUT &&
	    r[2].done == 0 && secs > 1.5 && secs < 10,
	    "silent server: timed out after %.1f s", secs);

	/* shut down with a lookup in flight: no callback, no leak */
	start("a.sip.test", 5060, RESOLVE_UDP, &r[3]);
	spin(100);
	resolve_shutdown();
	outstanding--;
	CHECK(r[3].done == 0, "shutdown: pending lookup dropped silently");
	close(s);
}

int
main(void)
{
	char		servers[64];
	uint16_t	port;

	if (access(DNSMASQ, X_OK) == -1) {
		printf("SKIPPED: no dnsmasq\n");
		return (0);
	}
	log_init(1, LOG_DAEMON);
	log_setverbose(getenv("RESOLVE_TEST_DEBUG") != NULL);
	signal(SIGPIPE, SIG_IGN);
	if ((base = event_base_new()) == NULL)
		fatalx("event_base_new");

	port = free_port(SOCK_STREAM, NULL);
	dns_start(port);
	if (!dns_ready(port)) {
		CHECK(0, "dnsmasq started on port %u", port);
		dns_stop();
		UNIT_DONE();
	}
	snprintf(servers, sizeof(servers), "127.0.0.1:%u", port);
	CHECK(resolve_init(base, servers) == 0, "resolve_init");
	CHECK(resolve_init(base, servers) == -1, "resolve_init twice refused");

	test_literals();
	test_badnames();
	test_port();
	test_srv();
	test_weight();
	test_fallback();
	test_naptr();
	test_naptr_fallback();
	test_cancel();
	test_many();
	dns_stop();
	test_cache();
	resolve_shutdown();
	test_silent();
	test_evil();

	event_base_free(base);
	libevent_global_shutdown();
	UNIT_DONE();
}
