/* SPDX-License-Identifier: ISC */
/* Prompt news of interface addresses and of CARP on the BSDs: route(4). */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/queue.h>

#include <net/if.h>
#include <net/if_types.h>
#include <net/route.h>

#include <event.h>
#include <ifaddrs.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "parent.h"

/*
 * Interfaces are re-resolved every few seconds anyway (parent_watch_ifs);
 * the routing socket's news of an address (RTM_NEWADDR, RTM_DELADDR) or
 * an interface (RTM_IFINFO, RTM_IFANNOUNCE) runs the same check at once,
 * so a standby serves within a second of its virtual address.
 *
 * A CARP address stays configured on the backup too, so its addresses
 * say nothing of the role.  OpenBSD's carp(4) interface says it in its
 * link state (RTM_IFINFO): up when master, down when backup, invalid
 * in init.  A carp interface that holds if_inbound or if_outbound
 * becoming master makes sipd read what the partner wrote, as SIGHUP
 * does.  FreeBSD's carp is a vhid on an ordinary interface and tells
 * only devd(8) of its state changes; siproxd(8) says what to do there.
 */

struct carpif {
	TAILQ_ENTRY(carpif)	 entry;
	unsigned int		 index;
	int			 master;
};
static TAILQ_HEAD(, carpif)	 carpifs = TAILQ_HEAD_INITIALIZER(carpifs);

/* Up is >= LINK_STATE_UP on both BSDs; unknown (0) is not master. */
static int
ifwatch_master(int type, int state)
{
	return (type == IFT_CARP && state >= LINK_STATE_UP);
}

/* The carp interface holds what siproxd serves on: by name or address. */
static int
ifwatch_ours(struct parent *p, const char *name)
{
	struct ifaddrs	*ifap, *ifa;
	int		 role, i, ours = 0;

	if (strcmp(name, p->conf->if_inbound) == 0 ||
	    strcmp(name, p->conf->if_outbound) == 0)
		return (1);
	if (getifaddrs(&ifap) == -1) {
		log_warn("getifaddrs");
		return (0);
	}
	for (ifa = ifap; ifa != NULL; ifa = ifa->ifa_next) {
		if (ifa->ifa_addr == NULL || strcmp(ifa->ifa_name, name) != 0)
			continue;
		for (role = 0; role < ROLE_MAX; role++)
			for (i = 0; i < p->ifr[role].naddr; i++)
				if (addr_eq_host(ifa->ifa_addr,
				    (struct sockaddr *)&p->ifr[role].addr[i]))
					ours = 1;
	}
	freeifaddrs(ifap);
	return (ours);
}

static struct carpif *
ifwatch_carpif(unsigned int index)
{
	struct carpif	*c;

	TAILQ_FOREACH(c, &carpifs, entry)
		if (c->index == index)
			return (c);
	if ((c = calloc(1, sizeof(*c))) == NULL)
		fatal("%s", __func__);
	c->index = index;
	TAILQ_INSERT_TAIL(&carpifs, c, entry);
	return (c);
}

/* A carp interface's state: only backup (or init) to master acts. */
static void
ifwatch_carp(struct parent *p, unsigned int index, int master)
{
	struct carpif	*c;
	char		 name[IF_NAMESIZE];

	c = ifwatch_carpif(index);
	if (c->master == master)
		return;
	c->master = master;
	if (!master || if_indextoname(index, name) == NULL ||
	    !ifwatch_ours(p, name))
		return;
	log_info("%s became master: loading the partner's state", name);
	parent_takeover(p);
}

static void
ifwatch_gone(unsigned int index)
{
	struct carpif	*c;

	TAILQ_FOREACH(c, &carpifs, entry)
		if (c->index == index) {
			TAILQ_REMOVE(&carpifs, c, entry);
			free(c);
			return;
		}
}

/*
 * The role each carp interface has now: at start (p NULL) that is no
 * change; after the kernel dropped some news (RTM_DESYNC) a change found
 * acts as its message would have.
 */
static void
ifwatch_carp_scan(struct parent *p)
{
	struct ifaddrs		*ifap, *ifa;
	const struct if_data	*ifd;
	unsigned int		 index;
	int			 master;

	if (getifaddrs(&ifap) == -1) {
		log_warn("getifaddrs");
		return;
	}
	for (ifa = ifap; ifa != NULL; ifa = ifa->ifa_next) {
		if (ifa->ifa_addr == NULL || ifa->ifa_addr->sa_family !=
		    AF_LINK || (ifd = ifa->ifa_data) == NULL ||
		    ifd->ifi_type != IFT_CARP ||
		    (index = if_nametoindex(ifa->ifa_name)) == 0)
			continue;
		master = ifwatch_master(ifd->ifi_type, ifd->ifi_link_state);
		if (p == NULL)
			ifwatch_carpif(index)->master = master;
		else
			ifwatch_carp(p, index, master);
	}
	freeifaddrs(ifap);
}

static void
ifwatch_ifinfo(struct parent *p, const void *buf, size_t len)
{
	struct if_msghdr	ifm;

	if (len < sizeof(ifm))
		return;
	memcpy(&ifm, buf, sizeof(ifm));
	if (ifm.ifm_data.ifi_type == IFT_CARP)
		ifwatch_carp(p, ifm.ifm_index, ifwatch_master(
		    ifm.ifm_data.ifi_type, ifm.ifm_data.ifi_link_state));
}

static void
ifwatch_announce(const void *buf, size_t len)
{
	struct if_announcemsghdr	ifan;

	if (len < sizeof(ifan))
		return;
	memcpy(&ifan, buf, sizeof(ifan));
	if (ifan.ifan_what == IFAN_DEPARTURE)
		ifwatch_gone(ifan.ifan_index);
}

/*
 * One message as read: the kernel's, but its lengths are checked before
 * any field past them is read.  Returns 1 if the addresses may have
 * changed.
 */
static int
ifwatch_msg(struct parent *p, const void *buf, size_t len)
{
	struct rt_msghdr	rtm;

	memset(&rtm, 0, sizeof(rtm));
	if (len < offsetof(struct rt_msghdr, rtm_type) + sizeof(rtm.rtm_type))
		return (0);
	memcpy(&rtm, buf, len < sizeof(rtm) ? len : sizeof(rtm));
	if (rtm.rtm_version != RTM_VERSION || rtm.rtm_msglen > len)
		return (0);
	len = rtm.rtm_msglen;
	switch (rtm.rtm_type) {
	case RTM_NEWADDR:
	case RTM_DELADDR:
		return (len >= sizeof(struct ifa_msghdr));
	case RTM_IFINFO:
		ifwatch_ifinfo(p, buf, len);
		return (len >= sizeof(struct if_msghdr));
	case RTM_IFANNOUNCE:
		ifwatch_announce(buf, len);
		return (len >= sizeof(struct if_announcemsghdr));
#ifdef RTM_DESYNC
	case RTM_DESYNC:
		/* the kernel dropped some: look at everything again */
		ifwatch_carp_scan(p);
		return (1);
#endif
	}
	return (0);
}

static void
ifwatch_read(int fd, short ev, void *arg)
{
	struct parent	*p = arg;
	union {
		struct rt_msghdr	rtm;	/* aligned for any header */
		char			buf[8192];
	}		 u;
	ssize_t		 n;
	int		 changed = 0;

	/* One message per read; drain, then look once. */
	while ((n = recv(fd, u.buf, sizeof(u.buf), 0)) > 0)
		changed |= ifwatch_msg(p, u.buf, n);
	parent_ifs_news(p, changed, n, "routing socket");
}

void
ifwatch_init(struct parent *p)
{
	struct event	*ev;
	int		 s;
#ifdef ROUTE_MSGFILTER
	unsigned int	 filter = ROUTE_FILTER(RTM_NEWADDR) |
			    ROUTE_FILTER(RTM_DELADDR) | ROUTE_FILTER(RTM_IFINFO) |
			    ROUTE_FILTER(RTM_IFANNOUNCE) | ROUTE_FILTER(RTM_DESYNC);
#endif

	if ((s = socket(AF_ROUTE, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    AF_UNSPEC)) == -1) {
		log_warn("routing socket: checking addresses every few "
		    "seconds only");
		return;
	}
#ifdef ROUTE_MSGFILTER
	/* Route changes are many on a router; only these matter here. */
	if (setsockopt(s, AF_ROUTE, ROUTE_MSGFILTER, &filter,
	    sizeof(filter)) == -1)
		log_warn("routing socket: ROUTE_MSGFILTER");
#endif
	ifwatch_carp_scan(NULL);
	ev = event_new(p->base, s, EV_READ | EV_PERSIST, ifwatch_read, p);
	if (ev == NULL || event_add(ev, NULL) == -1)
		fatalx("event_add");
}
