/* SPDX-License-Identifier: ISC */
/* Linux: load the RTP fast path, attach it at tc ingress, keep its maps. */

#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "fastpath.h"
#include "fastpath.skel.h"
#include "log.h"
#include "parent.h"

/*
 * Our filter's handle and priority on every interface: a restart after
 * the parent was killed (SIGKILL leaves tc filters behind) replaces the
 * stale one instead of adding a second.
 */
#define FP_TC_HANDLE	0x51d
#define FP_TC_PRIO	0x51d
#define FP_HOOKS	(ROLE_MAX + 1)		/* both sides and lo */

struct fp_hook {
	int		 ifindex;
	int		 created;	/* the clsact qdisc is ours */
	char		 name[IF_NAMESIZE];
};

static struct fastpath_bpf	*skel;
static struct fp_hook		 hooks[FP_HOOKS];
static int			 nhooks;
static int			 role_ifindex[ROLE_MAX];
static int			 fp_off;	/* an interface went away */
static pid_t			 owner;

/* libbpf talks a lot (the verifier's log): only with -d, as debug. */
static int fp_libbpf_log(enum libbpf_print_level, const char *, va_list)
    __attribute__((__format__(__printf__, 2, 0)));

static int
fp_libbpf_log(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char	buf[1024];
	size_t	n;

	if (level == LIBBPF_DEBUG)
		return (0);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	if ((n = strlen(buf)) > 0 && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	log_debug("%s", buf);
	return (0);
}

/*
 * The program reads an Ethernet header and bpf_redirect_neigh() writes
 * one: an interface without (ppp, tun, wireguard) stays in user space.
 */
static const char *
fp_if_ok(const char *name, int *ifindex)
{
	struct ifreq	ifr;
	int		s, type;

	if ((*ifindex = if_nametoindex(name)) == 0)
		return ("no such interface yet");
	memset(&ifr, 0, sizeof(ifr));
	if (strlcpy(ifr.ifr_name, name, sizeof(ifr.ifr_name)) >=
	    sizeof(ifr.ifr_name))
		return ("interface name too long");
	if ((s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return (strerror(errno));
	if (ioctl(s, SIOCGIFHWADDR, &ifr) == -1) {
		close(s);
		return (strerror(errno));
	}
	close(s);
	type = ifr.ifr_hwaddr.sa_family;
	if (type != ARPHRD_ETHER && type != ARPHRD_LOOPBACK)
		return ("not an Ethernet interface");
	return (NULL);
}

static const char *
fp_attach(const char *name, int ifindex)
{
	struct fp_hook	*h;
	int		 i, r;

	for (i = 0; i < nhooks; i++)
		if (hooks[i].ifindex == ifindex)
			return (NULL);
	h = &hooks[nhooks];
	memset(h, 0, sizeof(*h));
	h->ifindex = ifindex;
	strlcpy(h->name, name, sizeof(h->name));
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex,
	    .attach_point = BPF_TC_INGRESS);
	LIBBPF_OPTS(bpf_tc_opts, opts, .handle = FP_TC_HANDLE,
	    .priority = FP_TC_PRIO, .flags = BPF_TC_F_REPLACE,
	    .prog_fd = bpf_program__fd(skel->progs.siproxd_fastpath));
	if ((r = bpf_tc_hook_create(&hook)) == 0)
		h->created = 1;
	else if (r != -EEXIST)
		return (strerror(-r));
	nhooks++;
	if ((r = bpf_tc_attach(&hook, &opts)) != 0)
		return (strerror(-r));
	return (NULL);
}

static void
fp_detach(struct fp_hook *h)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = h->ifindex,
	    .attach_point = BPF_TC_INGRESS);
	LIBBPF_OPTS(bpf_tc_opts, opts, .handle = FP_TC_HANDLE,
	    .priority = FP_TC_PRIO);
	int	r;

	if ((r = bpf_tc_detach(&hook, &opts)) != 0 && r != -ENOENT)
		log_warnx("rtp fast path: detach from %s: %s", h->name,
		    strerror(-r));
	if (h->created) {
		/* the qdisc we made goes with it: nothing of ours is left */
		hook.attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS;
		if ((r = bpf_tc_hook_destroy(&hook)) != 0 && r != -ENOENT)
			log_warnx("rtp fast path: clsact on %s: %s", h->name,
			    strerror(-r));
	}
}

/* Whatever way the parent leaves (fatal() too), the kernel forgets us. */
static void
fp_atexit(void)
{
	if (getpid() == owner)
		fastpath_stop();
}

static const char *
fp_load(const struct siproxd_conf *conf)
{
	const char	*name[ROLE_MAX], *why;
	int		 role, r, lo;

	name[ROLE_INBOUND] = conf->if_inbound;
	name[ROLE_OUTBOUND] = conf->if_outbound;
	for (role = 0; role < ROLE_MAX; role++)
		if ((why = fp_if_ok(name[role], &role_ifindex[role])) != NULL)
			return (why);
	libbpf_set_print(fp_libbpf_log);
	if ((skel = fastpath_bpf__open()) == NULL)
		return (strerror(errno));
	if ((r = fastpath_bpf__load(skel)) != 0)
		return (r == -EPERM ? "not permitted (it needs root: CAP_BPF, CAP_NET_ADMIN)" :
		    strerror(-r));
	owner = getpid();
	atexit(fp_atexit);
	for (role = 0; role < ROLE_MAX; role++)
		if ((why = fp_attach(name[role], role_ifindex[role])) != NULL)
			return (why);
	/* A UA on this host (a PBX, a softphone) reaches us through lo. */
	if ((lo = if_nametoindex("lo")) != 0 &&
	    (why = fp_attach("lo", lo)) != NULL)
		return (why);
	return (NULL);
}

/*
 * Load and attach the program and make its maps; the stream map's fd for
 * rtpd, or -1 with one log line saying why media stays in user space.
 */
int
fastpath_start(struct parent *p)
{
	const char	*why;
	int		 fd, i;

	if (!p->conf->rtp_fastpath) {
		log_info("rtp fast path off: rtp_fastpath = 0");
		return (-1);
	}
	if ((why = fp_load(p->conf)) != NULL) {
		log_warnx("rtp fast path off: %s", why);
		fastpath_stop();
		return (-1);
	}
	if ((fd = fcntl(bpf_map__fd(skel->maps.streams), F_DUPFD_CLOEXEC,
	    0)) == -1)
		fatal("fcntl");
	for (i = 0; i < nhooks; i++)
		log_info("rtp fast path: attached to %s ingress",
		    hooks[i].name);
	return (fd);
}

static void
fp_addr(struct fp_addr *a, const struct sockaddr *sa)
{
	memset(a, 0, sizeof(*a));
	a->family = fp_sockaddr(sa, a->addr, &a->port);
}

/* A socket bound for rtpd on side role: the program may send from it. */
void
fastpath_allow(const struct sockaddr *sa, int role, int dscp)
{
	struct fp_addr	a;
	struct fp_out	o;

	if (skel == NULL || fp_off || role < 0 || role >= ROLE_MAX)
		return;
	fp_addr(&a, sa);
	memset(&o, 0, sizeof(o));
	o.ifindex = role_ifindex[role];
	o.tos = dscp << 2;
	if (bpf_map_update_elem(bpf_map__fd(skel->maps.allowed), &a, &o,
	    BPF_ANY) == -1)
		log_warn("rtp fast path: %s", log_sa(sa));
}

/* rtpd closed it: nothing may leave from there any more. */
void
fastpath_forget(const struct sockaddr *sa)
{
	struct fp_addr	a;

	if (skel == NULL)
		return;
	fp_addr(&a, sa);
	if (bpf_map_delete_elem(bpf_map__fd(skel->maps.allowed), &a) == -1 &&
	    errno != ENOENT)
		log_warn("rtp fast path: forget %s", log_sa(sa));
}

/* Our sockets that left by interface from leave by to from now on. */
static void
fp_retarget(int from, int to)
{
	struct fp_addr	 a, next;
	struct fp_out	 o;
	int		 fd, r;

	fd = bpf_map__fd(skel->maps.allowed);
	for (r = bpf_map_get_next_key(fd, NULL, &next); r == 0;
	    r = bpf_map_get_next_key(fd, &a, &next)) {
		a = next;
		if (bpf_map_lookup_elem(fd, &a, &o) == -1 ||
		    (int)o.ifindex != from)
			continue;
		o.ifindex = to;
		if (bpf_map_update_elem(fd, &a, &o, BPF_EXIST) == -1)
			log_warn("rtp fast path: retarget");
	}
}

/*
 * The hook on the interface that was called name goes (its qdisc went
 * with the interface, unless it was only renamed); the program is
 * attached to the one called name now.
 */
static const char *
fp_rehook(const char *name, int from, int *to)
{
	const char	*why;
	char		 buf[IF_NAMESIZE];
	int		 i;

	for (i = 0; i < nhooks; i++)
		if (hooks[i].ifindex == from)
			break;
	if (i < nhooks) {
		if (if_indextoname(from, buf) != NULL)
			fp_detach(&hooks[i]);
		hooks[i] = hooks[--nhooks];
	}
	if ((why = fp_if_ok(name, to)) != NULL)
		return (why);
	return (fp_attach(name, *to));
}

/*
 * An interface re-created under the same name has a new index: the
 * program would send to one that is gone.  Attach to the new one and
 * send by it; if that fails, forget every socket, so that nothing more
 * is sent in the kernel and rtpd relays it all until the next start.
 */
void
fastpath_watch(const struct siproxd_conf *conf)
{
	const char	*name[ROLE_MAX] = { conf->if_inbound, conf->if_outbound };
	const char	*why;
	struct fp_addr	 a, next;
	int		 fd, role, idx, was;

	if (skel == NULL || fp_off)
		return;
	for (role = 0; role < ROLE_MAX; role++) {
		idx = if_nametoindex(name[role]);
		if (idx == 0 || idx == role_ifindex[role])
			continue;
		was = role_ifindex[role];
		if ((why = fp_rehook(name[role], was, &idx)) == NULL) {
			role_ifindex[role] = idx;
			fp_retarget(was, idx);
			log_info("rtp fast path: %s is a new interface (index "
			    "%d, was %d): attached to it", name[role], idx,
			    was);
			continue;
		}
		log_warnx("rtp fast path off: %s is a new interface (index "
		    "%d, was %d): %s; restart to use it again", name[role],
		    idx, was, why);
		fp_off = 1;
		fd = bpf_map__fd(skel->maps.allowed);
		while (bpf_map_get_next_key(fd, NULL, &next) == 0) {
			a = next;
			if (bpf_map_delete_elem(fd, &a) == -1)
				break;
		}
		return;
	}
}

/* Detach from every interface, close the program and the maps. */
void
fastpath_stop(void)
{
	int	i;

	for (i = 0; i < nhooks; i++)
		fp_detach(&hooks[i]);
	nhooks = 0;
	if (skel != NULL)
		fastpath_bpf__destroy(skel);
	skel = NULL;
}
