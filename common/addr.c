/* SPDX-License-Identifier: ISC */
/* Addresses and interfaces: family-neutral helpers. */

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <arpa/inet.h>

#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "log.h"

/* A numeric address, IPv6 with or without brackets; 0 or -1. */
int
addr_parse(const char *s, struct sockaddr_storage *ss)
{
	struct sockaddr_in	*sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)ss;
	char			 buf[INET6_ADDRSTRLEN + 2];
	size_t			 len;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, s, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		return (0);
	}
	len = strlen(s);
	if (len >= 2 && s[0] == '[' && s[len - 1] == ']') {
		if (len - 2 >= sizeof(buf))
			return (-1);
		memcpy(buf, s + 1, len - 2);
		buf[len - 2] = '\0';
		s = buf;
	}
	if (inet_pton(AF_INET6, s, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		return (0);
	}
	return (-1);
}

/*
 * "addr", "addr:port", "[v6addr]" or "[v6addr]:port"; a bare IPv6 address
 * has no port.  Numeric only: the parent must not wait on DNS.
 */
int
addr_parse_port(const char *s, uint16_t defport, struct sockaddr_storage *ss)
{
	char		 buf[INET6_ADDRSTRLEN + 2];
	const char	*colon, *errstr;
	long long	 port = defport;
	size_t		 n;

	colon = strrchr(s, ':');
	if (colon != NULL && (s[0] == '[' ? colon[-1] == ']' :
	    strchr(s, ':') == colon)) {
		port = strtonum(colon + 1, 1, UINT16_MAX, &errstr);
		if (errstr != NULL)
			return (-1);
		n = colon - s;
	} else
		n = strlen(s);
	if (n >= sizeof(buf))
		return (-1);
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (addr_parse(buf, ss) == -1)
		return (-1);
	addr_setport((struct sockaddr *)ss, port);
	return (0);
}

static int
if_usable6(const struct sockaddr_in6 *sin6)
{
	/* Link-local needs a scope nobody writes into SIP: not ours to use. */
	return (!IN6_IS_ADDR_LINKLOCAL(&sin6->sin6_addr));
}

/*
 * The addresses of an interface given by name, or the address itself when
 * the config names one.  Returns the number found (0: none yet, e.g. ppp0
 * down), or -1 if there is no such interface.
 */
int
if_resolve(const char *name, struct ifaddrs_role *r)
{
	struct ifaddrs		*ifap, *ifa;
	struct sockaddr_storage	 ss;
	int			 found = 0, have4 = 0, have6 = 0;

	memset(r, 0, sizeof(*r));
	if (addr_parse(name, &ss) == 0) {
		r->addr[r->naddr++] = ss;
		return (1);
	}
	if (getifaddrs(&ifap) == -1)
		fatal("getifaddrs");
	for (ifa = ifap; ifa != NULL; ifa = ifa->ifa_next) {
		if (strcmp(ifa->ifa_name, name) != 0)
			continue;
		found = 1;
		if (ifa->ifa_addr == NULL || !(ifa->ifa_flags & IFF_UP))
			continue;
		if (ifa->ifa_addr->sa_family == AF_INET && !have4) {
			memcpy(&ss, ifa->ifa_addr, sizeof(struct sockaddr_in));
			have4 = 1;
		} else if (ifa->ifa_addr->sa_family == AF_INET6 && !have6 &&
		    if_usable6((struct sockaddr_in6 *)ifa->ifa_addr)) {
			memset(&ss, 0, sizeof(ss));
			memcpy(&ss, ifa->ifa_addr, sizeof(struct sockaddr_in6));
			have6 = 1;
		} else
			continue;
		/* IPv4 always first, so the primary address is stable. */
		if (ss.ss_family == AF_INET && r->naddr == 1) {
			r->addr[1] = r->addr[0];
			r->addr[0] = ss;
		} else
			r->addr[r->naddr] = ss;
		r->naddr++;
	}
	freeifaddrs(ifap);
	if (!found)
		return (-1);
	return (r->naddr);
}

socklen_t
addr_len(const struct sockaddr *sa)
{
	return (sa->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6) :
	    sizeof(struct sockaddr_in));
}

uint16_t
addr_port(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET6)
		return (ntohs(((const struct sockaddr_in6 *)sa)->sin6_port));
	return (ntohs(((const struct sockaddr_in *)sa)->sin_port));
}

void
addr_setport(struct sockaddr *sa, uint16_t port)
{
	if (sa->sa_family == AF_INET6)
		((struct sockaddr_in6 *)sa)->sin6_port = htons(port);
	else
		((struct sockaddr_in *)sa)->sin_port = htons(port);
}

/* Same host, port ignored. */
int
addr_eq_host(const struct sockaddr *a, const struct sockaddr *b)
{
	if (a->sa_family != b->sa_family)
		return (0);
	if (a->sa_family == AF_INET)
		return (((const struct sockaddr_in *)a)->sin_addr.s_addr ==
		    ((const struct sockaddr_in *)b)->sin_addr.s_addr);
	if (a->sa_family == AF_INET6)
		return (memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
		    &((const struct sockaddr_in6 *)b)->sin6_addr, 16) == 0);
	return (0);
}

int
addr_eq(const struct sockaddr *a, const struct sockaddr *b)
{
	return (addr_eq_host(a, b) && addr_port(a) == addr_port(b));
}

/* An IPv4-mapped IPv6 source counts as the IPv4 host it is. */
void
addr_key(const struct sockaddr *sa, struct addr_key *k)
{
	const struct sockaddr_in6	*sin6;

	memset(k, 0, sizeof(*k));
	k->family = sa->sa_family;
	if (sa->sa_family == AF_INET) {
		memcpy(k->b, &((const struct sockaddr_in *)sa)->sin_addr, 4);
		return;
	}
	if (sa->sa_family != AF_INET6)
		return;
	sin6 = (const struct sockaddr_in6 *)sa;
	if (IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr)) {
		k->family = AF_INET;
		memcpy(k->b, &sin6->sin6_addr.s6_addr[12], 4);
	} else
		memcpy(k->b, &sin6->sin6_addr, 8);
}

int
addr_key_cmp(const struct addr_key *a, const struct addr_key *b)
{
	return (memcmp(a, b, sizeof(*a)));
}

int
addr_is_loopback(const struct sockaddr *sa)
{
	const struct sockaddr_in6	*sin6;

	if (sa->sa_family == AF_INET)
		return ((ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr)
		    >> 24) == 127);
	if (sa->sa_family == AF_INET6) {
		sin6 = (const struct sockaddr_in6 *)sa;
		return (IN6_IS_ADDR_LOOPBACK(&sin6->sin6_addr));
	}
	return (0);
}

/* Not unspecified, broadcast or multicast: somewhere we may send to. */
int
addr_is_unicast(const struct sockaddr *sa)
{
	const struct sockaddr_in6	*sin6;
	uint32_t			 a;

	if (sa->sa_family == AF_INET) {
		a = ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr);
		return (a != 0 && a != 0xffffffff && (a >> 28) != 0xe);
	}
	if (sa->sa_family == AF_INET6) {
		sin6 = (const struct sockaddr_in6 *)sa;
		return (!IN6_IS_ADDR_UNSPECIFIED(&sin6->sin6_addr) &&
		    !IN6_IS_ADDR_MULTICAST(&sin6->sin6_addr));
	}
	return (0);
}

/* Private (RFC 1918, RFC 6598, RFC 4193, loopback, link-local). */
int
addr_is_private(const struct sockaddr *sa)
{
	const uint8_t	*a;

	if (sa->sa_family == AF_INET) {
		a = (const uint8_t *)&((const struct sockaddr_in *)sa)->sin_addr;
		return (a[0] == 10 || a[0] == 127 ||
		    (a[0] == 172 && (a[1] & 0xf0) == 16) ||
		    (a[0] == 192 && a[1] == 168) ||
		    (a[0] == 169 && a[1] == 254) ||
		    (a[0] == 100 && (a[1] & 0xc0) == 64));
	}
	if (sa->sa_family != AF_INET6)
		return (0);
	a = (const uint8_t *)&((const struct sockaddr_in6 *)sa)->sin6_addr;
	return ((a[0] & 0xfe) == 0xfc || (a[0] == 0xfe && (a[1] & 0xc0) ==
	    0x80) || IN6_IS_ADDR_LOOPBACK((const struct in6_addr *)a));
}

/* The host part as text (IPv6 without brackets). */
const char *
addr_ntop(const struct sockaddr *sa, char *buf, size_t len)
{
	const void	*a;

	if (sa->sa_family == AF_INET6)
		a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
	else
		a = &((const struct sockaddr_in *)sa)->sin_addr;
	if (inet_ntop(sa->sa_family, a, buf, len) == NULL)
		strlcpy(buf, "?", len);
	return (buf);
}

/* DSCP (RFC 2474) into the TOS / traffic class byte. */
int
sock_set_dscp(int s, int family, int dscp)
{
	int	tos = dscp << 2;

	if (dscp == 0)
		return (0);
	if (family == AF_INET6)
		return (setsockopt(s, IPPROTO_IPV6, IPV6_TCLASS, &tos,
		    sizeof(tos)));
	return (setsockopt(s, IPPROTO_IP, IP_TOS, &tos, sizeof(tos)));
}
