/* SPDX-License-Identifier: ISC */
/* Unit tests: addresses, interface resolution, the parent's RTP vetting. */

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <string.h>

#include "addr.h"
#include "conf.h"
#include "log.h"
#include "msg.h"
#include "parent.h"
#include "unit.h"

int
main(void)
{
	struct ifaddrs_role		 r, ifr[ROLE_MAX];
	struct sockaddr_storage		 a, b;
	struct msg_rtp_socket_req	 req;
	struct siproxd_conf		*conf;
	char				 buf[64];

	log_init(1, 0);
	CHECK(addr_parse("10.1.2.3", &a) == 0 && a.ss_family == AF_INET,
	    "IPv4 literal parses");
	CHECK(addr_parse("[2001:db8::1]", &a) == 0 && a.ss_family == AF_INET6,
	    "bracketed IPv6 literal parses");
	CHECK(addr_parse("2001:db8::1", &a) == 0 && a.ss_family == AF_INET6,
	    "bare IPv6 literal parses");
	CHECK(addr_parse("eth0", &a) == -1, "a name is not an address");
	CHECK(addr_parse("[2001:db8::1", &a) == -1, "unbalanced bracket refused");
	CHECK(addr_parse("10.1.2.3.4", &a) == -1, "five octets refused");

	CHECK(if_resolve("lo", &r) >= 1 && r.addr[0].ss_family == AF_INET &&
	    strcmp(addr_ntop((struct sockaddr *)&r.addr[0], buf, sizeof(buf)),
	    "127.0.0.1") == 0, "lo resolves to 127.0.0.1 first");
	CHECK(if_resolve("192.0.2.7", &r) == 1 &&
	    strcmp(addr_ntop((struct sockaddr *)&r.addr[0], buf, sizeof(buf)),
	    "192.0.2.7") == 0, "an address stands for itself");
	CHECK(if_resolve("nosuchif0", &r) == -1, "unknown interface is -1");

	addr_parse("10.0.0.1", &a);
	addr_parse("10.0.0.1", &b);
	addr_setport((struct sockaddr *)&a, 5060);
	addr_setport((struct sockaddr *)&b, 5061);
	CHECK(addr_eq_host((struct sockaddr *)&a, (struct sockaddr *)&b) &&
	    !addr_eq((struct sockaddr *)&a, (struct sockaddr *)&b),
	    "host equality ignores the port, full equality does not");
	CHECK(addr_port((struct sockaddr *)&a) == 5060, "port read back");
	addr_parse("127.3.4.5", &a);
	CHECK(addr_is_loopback((struct sockaddr *)&a), "127/8 is loopback");
	addr_parse("::1", &a);
	CHECK(addr_is_loopback((struct sockaddr *)&a), "::1 is loopback");
	addr_parse("10.0.0.1", &a);
	CHECK(!addr_is_loopback((struct sockaddr *)&a), "10.0.0.1 is not");

	/* The parent's check of rtpd's socket requests. */
	conf = conf_new();
	conf->rtp_port_low = 7070;
	conf->rtp_port_high = 7079;
	memset(ifr, 0, sizeof(ifr));
	if_resolve("10.0.0.1", &ifr[ROLE_INBOUND]);
	if_resolve("203.0.113.1", &ifr[ROLE_OUTBOUND]);
	memset(&req, 0, sizeof(req));
	req.role = ROLE_OUTBOUND;
	req.family = MSG_AF_INET;
	req.port = 7070;
	CHECK(priv_rtp_vet(conf, ifr, 0, &req) == NULL, "port 7070 allowed");
	req.port = 7079;
	CHECK(priv_rtp_vet(conf, ifr, 0, &req) == NULL, "top of range allowed");
	req.port = 7080;
	CHECK(priv_rtp_vet(conf, ifr, 0, &req) != NULL, "7080 refused");
	req.port = 5060;
	CHECK(priv_rtp_vet(conf, ifr, 0, &req) != NULL, "5060 refused");
	req.port = 7072;
	req.role = 7;
	CHECK(priv_rtp_vet(conf, ifr, 0, &req) != NULL, "unknown role refused");
	req.role = ROLE_INBOUND;
	req.family = MSG_AF_INET6;
	CHECK(priv_rtp_vet(conf, ifr, 0, &req) != NULL,
	    "family the interface lacks refused");
	req.family = MSG_AF_INET;
	CHECK(priv_rtp_vet(conf, ifr, 39, &req) == NULL, "39 held: allowed");
	CHECK(priv_rtp_vet(conf, ifr, 40, &req) != NULL,
	    "more than the range holds refused");
	conf_free(conf);
	UNIT_DONE();
}
