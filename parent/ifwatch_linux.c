/* SPDX-License-Identifier: ISC */
/* Prompt news of interface addresses on Linux: rtnetlink(7). */

#include <sys/types.h>
#include <sys/socket.h>

#include <event.h>
#include <string.h>
#include <unistd.h>

#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "log.h"
#include "parent.h"

/*
 * Interfaces are re-resolved every few seconds anyway (parent_watch_ifs);
 * a standby that takes the virtual addresses over (VRRP, CARP) should
 * serve within a second, so on Linux the kernel's address notifications
 * (rtnetlink RTM_NEWADDR and RTM_DELADDR) run the same check at once.
 * The BSDs read their routing socket (ifwatch_bsd.c).
 */
static void
ifwatch_read(int fd, short ev, void *arg)
{
	struct parent	*p = arg;
	char		 buf[8192];
	ssize_t		 n;
	int		 changed = 0;

	/* Only that something changed matters: drain, then look once. */
	while ((n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0)
		changed = 1;
	parent_ifs_news(p, changed, n, "netlink");
}

void
ifwatch_init(struct parent *p)
{
	struct sockaddr_nl	 snl;
	struct event		*ev;
	int			 s;

	if ((s = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    NETLINK_ROUTE)) == -1) {
		log_warn("netlink: checking addresses every few seconds only");
		return;
	}
	memset(&snl, 0, sizeof(snl));
	snl.nl_family = AF_NETLINK;
	snl.nl_groups = RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR | RTMGRP_LINK;
	if (bind(s, (struct sockaddr *)&snl, sizeof(snl)) == -1) {
		log_warn("netlink: checking addresses every few seconds only");
		close(s);
		return;
	}
	ev = event_new(p->base, s, EV_READ | EV_PERSIST, ifwatch_read, p);
	if (ev == NULL || event_add(ev, NULL) == -1)
		fatalx("event_add");
}
