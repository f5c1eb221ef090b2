/* SPDX-License-Identifier: ISC */
/* The parent's privileged work: bind SIP listeners and vetted RTP ports. */

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "log.h"
#include "parent.h"
#include "proc.h"

static const char *const role_names[ROLE_MAX] = { "inbound", "outbound" };
const char priv_no_addr[] = "no address of that family on the interface";

/*
 * Resolve both interfaces; -1 with a log line if either is not set.  An
 * interface that does not exist yet or has no address (a PPPoE link at
 * boot) is logged and left without addresses: parent_watch_ifs() binds
 * that side when its address appears, as the classic started anyway.
 */
int
priv_resolve_ifs(const struct siproxd_conf *conf, struct ifaddrs_role *ifr)
{
	const char	*name[ROLE_MAX];
	int		 role, n, bad = 0;

	name[ROLE_INBOUND] = conf->if_inbound;
	name[ROLE_OUTBOUND] = conf->if_outbound;
	for (role = 0; role < ROLE_MAX; role++) {
		if (name[role][0] == '\0') {
			log_warnx("if_%s is not set", role_names[role]);
			bad = 1;
			continue;
		}
		if ((n = if_resolve(name[role], &ifr[role])) == -1)
			log_warnx("if_%s: no interface %s yet: waiting for it",
			    role_names[role], name[role]);
		else if (n == 0)
			log_warnx("if_%s: interface %s has no address yet: "
			    "waiting for one", role_names[role], name[role]);
	}
	return (bad ? -1 : 0);
}

/* A socket bound to sa; a stream one listens unless it is for connect(). */
static int
priv_socket(const struct sockaddr *sa, int type, int dscp, int passive)
{
	int	s, on = 1;

	if ((s = socket(sa->sa_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1)
		return (-1);
	if (type == SOCK_STREAM &&
	    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) == -1)
		goto fail;
	if (sa->sa_family == AF_INET6 &&
	    setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on)) == -1)
		goto fail;
	if (sock_set_dscp(s, sa->sa_family, dscp) == -1)
		log_warn("cannot set DSCP on %s", log_sa(sa));
	if (bind(s, sa, addr_len(sa)) == -1)
		goto fail;
	if (type == SOCK_STREAM && passive && listen(s, 128) == -1)
		goto fail;
	return (s);
fail:
	close(s);
	return (-1);
}

static int
priv_bound(struct parent *p, const struct sockaddr *sa, int transport)
{
	struct listener	*l;

	TAILQ_FOREACH(l, &p->listeners, entry)
		if (l->transport == transport &&
		    addr_eq((struct sockaddr *)&l->addr, sa))
			return (1);
	return (0);
}

static const char *
priv_tname(int transport)
{
	return (transport == TRANSPORT_TLS ? "tls" :
	    transport == TRANSPORT_TCP ? "tcp" : "udp");
}

static void
priv_listen_one(struct parent *p, int role, const struct sockaddr_storage *a,
    int transport, int optional)
{
	struct msg_sip_socket	 m;
	struct listener		*l;
	struct sockaddr_storage	 ss = *a;
	int			 s;

	addr_setport((struct sockaddr *)&ss, transport == TRANSPORT_TLS ?
	    p->conf->sip_tls_port : p->conf->sip_listen_port);
	/* if_inbound and if_outbound on one address: one socket serves. */
	if (priv_bound(p, (struct sockaddr *)&ss, transport))
		return;
	if ((s = priv_socket((struct sockaddr *)&ss, transport == TRANSPORT_UDP ?
	    SOCK_DGRAM : SOCK_STREAM, p->conf->sip_dscp, 1)) == -1) {
		/*
		 * EADDRNOTAVAIL: the address went between the look and the
		 * bind (a virtual address the partner took back); bound
		 * when it is there again (parent_check_ifs).
		 */
		if (optional || errno == EADDRNOTAVAIL) {
			log_warn("cannot listen on %s %s",
			    priv_tname(transport), log_sa((struct sockaddr *)&ss));
			if (!optional)
				p->if_gone[role] = 1;
			return;
		}
		fatal("cannot listen on %s %s", priv_tname(transport),
		    log_sa((struct sockaddr *)&ss));
	}
	if ((l = calloc(1, sizeof(*l))) == NULL)
		fatal("%s", __func__);
	l->role = role;
	l->transport = transport;
	l->addr = ss;
	TAILQ_INSERT_TAIL(&p->listeners, l, entry);
	memset(&m, 0, sizeof(m));
	m.role = role;
	m.transport = transport;
	msg_addr_from_sa(&m.addr, (struct sockaddr *)&ss);
	log_info("listening on %s %s (%s)", priv_tname(transport),
	    log_sa((struct sockaddr *)&ss), role_names[role]);
	msg_send(&p->child[PROC_SIPD].chan, MSG_SIP_SOCKET, 0, s, &m,
	    sizeof(m));
}

/* UDP, TCP, and TLS when it is on: every SIP listener on one address. */
static void
priv_listen_addr(struct parent *p, int role, const struct sockaddr_storage *a,
    int optional)
{
	priv_listen_one(p, role, a, TRANSPORT_UDP, optional);
	priv_listen_one(p, role, a, TRANSPORT_TCP, optional);
	if (CONF_TLS_ON(p->conf))
		priv_listen_one(p, role, a, TRANSPORT_TLS, optional);
}

/*
 * Bind UDP, TCP and TLS on every address of both interfaces, then on the
 * loopback addresses as the inbound side; never a wildcard.  Firewalls
 * (pfSense's rdr, an nftables dnat) send the phones' port 5060 to
 * 127.0.0.1: sipd answers from that socket so that the firewall's state
 * turns our address back into the one the phone wrote.  A host without
 * IPv6 has no ::1, and that is no reason not to start.
 */
void
priv_listen(struct parent *p)
{
	struct sockaddr_storage	lo[2];
	int			role, i;

	for (role = 0; role < ROLE_MAX; role++)
		for (i = 0; i < p->ifr[role].naddr; i++)
			priv_listen_addr(p, role, &p->ifr[role].addr[i], 0);
	if (addr_parse("127.0.0.1", &lo[0]) == -1 ||
	    addr_parse("::1", &lo[1]) == -1)
		fatalx("loopback addresses");
	for (i = 0; i < 2; i++)
		priv_listen_addr(p, ROLE_INBOUND, &lo[i], 1);
}

void
priv_unlisten(struct parent *p)
{
	struct listener	*l;

	while ((l = TAILQ_FIRST(&p->listeners)) != NULL) {
		TAILQ_REMOVE(&p->listeners, l, entry);
		free(l);
	}
}

/* The address of side role in a message's family: 0, or -1 if none. */
static int
priv_ifaddr(const struct ifaddrs_role *ifr, unsigned int role,
    unsigned int family, struct sockaddr_storage *ss)
{
	int	i, af;

	if (role >= ROLE_MAX ||
	    (family != MSG_AF_INET && family != MSG_AF_INET6))
		return (-1);
	af = family == MSG_AF_INET ? AF_INET : AF_INET6;
	for (i = 0; i < ifr[role].naddr; i++)
		if (ifr[role].addr[i].ss_family == af) {
			*ss = ifr[role].addr[i];
			return (0);
		}
	return (-1);
}

/*
 * NULL if rtpd may have this socket, else why not.  rtpd only ever asks
 * for a port of the configured range on an interface we know, and never
 * holds more than the range can give: anything else means it is not ours
 * any more.
 */
const char *
priv_rtp_vet(const struct siproxd_conf *conf, const struct ifaddrs_role *ifr,
    unsigned int held, const struct msg_rtp_socket_req *req)
{
	struct sockaddr_storage	ss;
	unsigned int		limit;

	if (req->role >= ROLE_MAX)
		return ("unknown interface role");
	if (req->family != MSG_AF_INET && req->family != MSG_AF_INET6)
		return ("unknown address family");
	if (priv_ifaddr(ifr, req->role, req->family, &ss) == -1)
		return (priv_no_addr);
	if (req->port < conf->rtp_port_low || req->port > conf->rtp_port_high)
		return ("port outside rtp_port_low..rtp_port_high");
	limit = (conf->rtp_port_high - conf->rtp_port_low + 1U) * ROLE_MAX * 2;
	if (held >= limit)
		return ("more sockets than the port range holds");
	return (NULL);
}

void
priv_rtp_socket(struct parent *p, struct msg *m)
{
	struct msg_rtp_socket_req	 req;
	struct msg_rtp_socket		 res;
	struct sockaddr_storage		 ss;
	const char			*why;
	int				 s;

	memcpy(&req, m->data, sizeof(req));
	why = priv_rtp_vet(p->conf, p->ifr, p->rtp_held, &req);
	if (why == priv_no_addr) {
		/* An address that went away (a link that redials): no bind. */
		memset(&res, 0, sizeof(res));
		res.role = req.role;
		res.family = req.family;
		res.port = req.port;
		res.error = EADDRNOTAVAIL;
		msg_send(&p->child[PROC_RTPD].chan, MSG_RTP_SOCKET, m->hdr.id,
		    -1, &res, sizeof(res));
		return;
	}
	if (why != NULL) {
		log_warnx("refused rtpd's request for %s port %u: %s: "
		    "stopping", req.role < ROLE_MAX ? role_names[req.role] :
		    "?", req.port, why);
		parent_stop(1);
		return;
	}
	priv_ifaddr(p->ifr, req.role, req.family, &ss);
	addr_setport((struct sockaddr *)&ss, req.port);
	memset(&res, 0, sizeof(res));
	res.role = req.role;
	res.family = req.family;
	res.port = req.port;
	if ((s = priv_socket((struct sockaddr *)&ss, SOCK_DGRAM,
	    p->conf->rtp_dscp, 1)) == -1)
		res.error = errno;
	else {
		p->rtp_held++;
		fastpath_allow((struct sockaddr *)&ss, req.role,
		    p->conf->rtp_dscp);
	}
	msg_send(&p->child[PROC_RTPD].chan, MSG_RTP_SOCKET, m->hdr.id, s,
	    &res, sizeof(res));
}

/*
 * rtpd closed a socket: one fewer it holds, and the fast path may no
 * longer send from that address and port.
 */
void
priv_rtp_release(struct parent *p, struct msg *m)
{
	struct msg_rtp_socket_req	 req;
	struct sockaddr_storage		 ss;

	if (p->rtp_held == 0) {
		log_warnx("rtpd released more sockets than it holds: "
		    "stopping");
		parent_stop(1);
		return;
	}
	p->rtp_held--;
	memcpy(&req, m->data, sizeof(req));
	if (priv_ifaddr(p->ifr, req.role, req.family, &ss) == 0) {
		addr_setport((struct sockaddr *)&ss, req.port);
		fastpath_forget((struct sockaddr *)&ss);
	}
}

/*
 * sipd connects to TCP peers from our address on their side (RFC 3261
 * §18.1.1: our Via and Record-Route name it), never from one the
 * routing table picks.  It asks for a side and family only; the port is
 * the kernel's.  More than PRIV_TCP_MAX at once means sipd is not ours.
 */
void
priv_tcp_socket(struct parent *p, struct msg *m)
{
	struct msg_tcp_socket_req	 req;
	struct msg_tcp_socket		 res;
	struct sockaddr_storage		 ss;
	int				 s = -1;

	memcpy(&req, m->data, sizeof(req));
	if (req.role >= ROLE_MAX || (req.family != MSG_AF_INET &&
	    req.family != MSG_AF_INET6) || p->tcp_held >= PRIV_TCP_MAX) {
		log_warnx("refused sipd's request for a tcp socket: %s: "
		    "stopping", p->tcp_held >= PRIV_TCP_MAX ? "too many" :
		    "no such side or family");
		parent_stop(1);
		return;
	}
	memset(&res, 0, sizeof(res));
	res.role = req.role;
	res.family = req.family;
	if (priv_ifaddr(p->ifr, req.role, req.family, &ss) == -1)
		res.error = EADDRNOTAVAIL;
	else if ((s = priv_socket((struct sockaddr *)&ss, SOCK_STREAM,
	    p->conf->sip_dscp, 0)) == -1)
		res.error = errno;
	else
		p->tcp_held++;
	msg_send(&p->child[PROC_SIPD].chan, MSG_TCP_SOCKET, m->hdr.id, s,
	    &res, sizeof(res));
}
