/* SPDX-License-Identifier: ISC */
/* The two sides, LAN and WAN: our address on each, and which side a host is. */

#include <sys/types.h>
#include <sys/socket.h>

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "addr.h"
#include "child.h"
#include "conf.h"
#include "side.h"
#include "sipd.h"

/* Our address of the given family on a side (the primary one if none). */
int
side_addr(int role, int family, struct sockaddr_storage *ss)
{
	const struct ifaddrs_role	*r = &child->ifr[role];
	int				 i;

	/* Behind another NAT the public address names our media too. */
	if (role == ROLE_OUTBOUND && child->conf->host_outbound[0] != '\0' &&
	    addr_parse(child->conf->host_outbound, ss) == 0)
		return (0);
	if (r->naddr == 0)
		return (-1);
	for (i = 0; i < r->naddr; i++)
		if (r->addr[i].ss_family == family) {
			*ss = r->addr[i];
			return (0);
		}
	*ss = r->addr[0];
	return (0);
}

/*
 * The host we call ourselves on a side: host_outbound on the WAN side when
 * siproxd sits behind another NAT, else the interface's address (IPv6
 * without brackets).
 */
const char *
side_host(int role, int family, char *buf, size_t len)
{
	struct sockaddr_storage	ss;

	if (role == ROLE_OUTBOUND && child->conf->host_outbound[0] != '\0') {
		strlcpy(buf, child->conf->host_outbound, len);
		return (buf);
	}
	if (side_addr(role, family, &ss) == -1) {
		strlcpy(buf, "invalid", len);
		return (buf);
	}
	/* Bare: a Via or URI adds the brackets an IPv6 address needs. */
	return (addr_ntop((struct sockaddr *)&ss, buf, len));
}

/* The side whose address host is (the WAN's for host_outbound), or -1. */
int
side_of_host(const char *host)
{
	struct sockaddr_storage	 ss;
	int			 role, i;

	if (host == NULL)
		return (-1);
	if (child->conf->host_outbound[0] != '\0' &&
	    strcasecmp(host, child->conf->host_outbound) == 0)
		return (ROLE_OUTBOUND);
	if (addr_parse(host, &ss) == -1)
		return (-1);
	for (role = 0; role < ROLE_MAX; role++)
		for (i = 0; i < child->ifr[role].naddr; i++)
			if (addr_eq_host((struct sockaddr *)&ss,
			    (struct sockaddr *)&child->ifr[role].addr[i]))
				return (role);
	return (-1);
}

/* The port we listen on for a transport. */
uint16_t
side_port(int transport)
{
	return (transport == TRANSPORT_TLS ? child->conf->sip_tls_port :
	    child->conf->sip_listen_port);
}

/* Is p one of our SIP ports? */
static int
port_is_ours(int p)
{
	return (p == child->conf->sip_listen_port ||
	    (CONF_TLS_ON(child->conf) && p == child->conf->sip_tls_port));
}

/*
 * Is host[:port] one of our own SIP addresses?  Without a port, 5060
 * for sip: and 5061 for sips: (RFC 3261 §19.1.2).
 */
int
side_host_is_ours(const char *host, const char *port)
{
	const char	*errstr;
	int		 p;

	if (host == NULL)
		return (0);
	if (port != NULL && port[0] != '\0') {
		p = strtonum(port, 1, 65535, &errstr);
		if (errstr != NULL || !port_is_ours(p))
			return (0);
	} else if (!port_is_ours(5060) && !port_is_ours(5061))
		return (0);
	return (side_of_host(host) != -1);
}

int
side_uri_is_ours(const osip_uri_t *u)
{
	return (u != NULL && side_host_is_ours(u->host, u->port));
}

/*
 * if_inbound = if_outbound: a proxy inside the LAN, behind another NAT
 * router.  One socket serves both sides, so it cannot tell them apart.
 */
int
side_one_interface(void)
{
	const struct siproxd_conf	*c = child->conf;

	return (c->if_inbound[0] != '\0' &&
	    strcmp(c->if_inbound, c->if_outbound) == 0);
}

/*
 * With one interface the sender says the side: the hosts allowed to
 * register or talk are the LAN, or without such lists the private ranges.
 * Anyone else is the Internet, and may not call out through us.
 */
static int
side_inside(const struct sockaddr *sa)
{
	const struct siproxd_conf	*c = child->conf;

	if (TAILQ_EMPTY(&c->hosts_allow_reg) && TAILQ_EMPTY(&c->hosts_allow_sip))
		return (addr_is_private(sa));
	return (conf_acl_match(&c->hosts_allow_reg, sa) ||
	    conf_acl_match(&c->hosts_allow_sip, sa));
}

/* What defines the LAN in one-interface mode, for the log at start. */
const char *
side_inside_rule(void)
{
	const struct siproxd_conf	*c = child->conf;

	if (TAILQ_EMPTY(&c->hosts_allow_reg) && TAILQ_EMPTY(&c->hosts_allow_sip))
		return ("private address ranges");
	return ("hosts_allow_reg and hosts_allow_sip");
}

/*
 * The side a message came from.  Loopback counts as the LAN, as in the
 * classic siproxd: firewalls redirect the LAN's port 5060 to 127.0.0.1.
 */
int
side_of(const struct sip_origin *o)
{
	const struct sockaddr	*sa = (const struct sockaddr *)&o->src;

	if (addr_is_loopback(sa))
		return (ROLE_INBOUND);
	if (side_one_interface())
		return (side_inside(sa) ? ROLE_INBOUND : ROLE_OUTBOUND);
	return (o->role);
}
