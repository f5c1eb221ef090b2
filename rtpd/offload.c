/* SPDX-License-Identifier: ISC */
/* Locked legs handed to the kernel's fast path, and their counters read back. */

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <errno.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "child.h"
#include "log.h"
#include "rtpd.h"

static int	fast_fd = -1;

/* The parent's stream map: its entries must be the ones we write. */
void
offload_init(struct msg *m)
{
	struct msg_fastpath_map	f;

	memcpy(&f, m->data, sizeof(f));
	if (f.key_size != sizeof(struct fp_key) ||
	    f.value_size != sizeof(struct fp_val))
		fatalx("fast path map of another build from the parent");
	if (fast_fd != -1)
		fatalx("a second fast path map from the parent");
	fast_fd = m->fd;
	log_debug("rtp fast path: locked legs go to the kernel");
}

int
offload_on(const struct rstream *st)
{
	int	r, k;

	for (r = 0; r < ROLE_MAX; r++)
		for (k = RTP; k <= RTCP; k++)
			if (st->leg[r].fast[k].on)
				return (1);
	return (0);
}

/* Our socket on side role: the address the parent bound it to. */
static int
local_addr(int role, int family, uint16_t port, struct sockaddr_storage *ss)
{
	const struct ifaddrs_role	*ifr = &child->ifr[role];
	int				 i;

	for (i = 0; i < ifr->naddr; i++)
		if (ifr->addr[i].ss_family == family) {
			*ss = ifr->addr[i];
			addr_setport((struct sockaddr *)ss, port);
			return (0);
		}
	return (-1);
}

static void
fp_sa(const struct sockaddr_storage *ss, uint8_t *addr, uint16_t *port)
{
	fp_sockaddr((const struct sockaddr *)ss, addr, port);
}

/*
 * Leg l's packets of kind k may go through the kernel once both legs are
 * locked to their peers (stream.c: learn_ok) and nothing in user space
 * has to touch them: the other side listens (no hold) and no dejitter
 * delay applies.  Then: from l's peer to our socket on l's side becomes
 * from our socket on the other side to the other leg's peer.
 */
static int
offload_want(const struct rstream *st, int r, int k, struct fp_key *key,
    struct fp_val *val)
{
	const struct rleg	*l = &st->leg[r], *o = &st->leg[ROLE_MAX - 1 - r];
	struct sockaddr_storage	 ours, theirs;

	if (fast_fd == -1 || !l->learned[k] || !o->learned[k] || o->hold ||
	    !o->have_dst || l->s[k].fd == -1 || o->s[k].fd == -1 ||
	    l->family != o->family || dejitter_delay(l) > 0 ||
	    l->dst[k].ss_family != l->family ||
	    o->dst[k].ss_family != o->family)
		return (0);
	if (local_addr(l->role, l->family, l->port + k, &ours) == -1 ||
	    local_addr(o->role, o->family, o->port + k, &theirs) == -1)
		return (0);
	memset(key, 0, sizeof(*key));
	key->family = l->family == AF_INET ? FP_AF_INET : FP_AF_INET6;
	fp_sa(&l->dst[k], key->saddr, &key->sport);
	fp_sa(&ours, key->daddr, &key->dport);
	memset(val, 0, sizeof(*val));
	val->flags = k == RTP ? FP_F_RTP : 0;
	fp_sa(&theirs, val->saddr, &val->sport);
	fp_sa(&o->dst[k], val->daddr, &val->dport);
	return (1);
}

/* The socket's other entry: anyone but the locked peer is dropped. */
static void
drop_key(const struct fp_key *key, struct fp_key *drop)
{
	*drop = *key;
	memset(drop->saddr, 0, sizeof(drop->saddr));
	drop->sport = 0;
}

static void
seen_to(struct fp_val *v, const struct rtp_seen *s)
{
	v->ssrc = s->ssrc;
	v->base = s->base;
	v->max = s->max;
	v->cycles = s->cycles;
	v->got = s->got;
	v->lost = s->lost;
	v->changes = s->changes;
	v->have = s->have;
}

static void
seen_from(struct rtp_seen *s, const struct fp_val *v)
{
	s->ssrc = v->ssrc;
	s->base = v->base;
	s->max = v->max;
	s->cycles = v->cycles;
	s->got = v->got;
	s->lost = v->lost;
	s->changes = v->changes;
	s->have = v->have != 0;
}

/* What the kernel counted for leg l since we last looked, into l. */
static void
fast_fold(struct rleg *l, int k)
{
	struct rfast	*f = &l->fast[k];
	struct fp_key	 drop;
	struct fp_val	 v;
	time_t		 t;

	if (!f->on || fast_fd == -1)
		return;
	if (fastmap_lookup(fast_fd, &f->key, &v) == 0) {
		l->packets += v.packets - f->packets;
		l->bytes += v.bytes - f->bytes;
		f->packets = v.packets;
		f->bytes = v.bytes;
		if (k == RTP)
			seen_from(&l->seen, &v);
		t = (time_t)(v.last_ns / 1000000000);
		if (v.last_ns != 0 && t > l->st->last)
			l->st->last = t;
	}
	drop_key(&f->key, &drop);
	if (fastmap_lookup(fast_fd, &drop, &v) == 0) {
		l->dropped += v.packets - f->dropped;
		f->dropped = v.packets;
	}
}

static void
fast_remove(struct rleg *l, int k)
{
	struct rfast	*f = &l->fast[k];
	struct fp_key	 drop;

	if (!f->on)
		return;
	fast_fold(l, k);
	drop_key(&f->key, &drop);
	if (fast_fd != -1 &&
	    ((fastmap_delete(fast_fd, &drop) == -1 && errno != ENOENT) ||
	    (fastmap_delete(fast_fd, &f->key) == -1 && errno != ENOENT)))
		fatal("rtp fast path: delete");
	memset(f, 0, sizeof(*f));
}

/*
 * An entry the kernel refuses (a full map, a kernel that lets only root
 * write maps) leaves the leg in user space; refused for want of rights,
 * the fast path is off for good, with one line saying so.
 */
static void
fast_refused(void)
{
	static struct log_limit	lim;

	if (errno == EPERM || errno == EACCES) {
		log_warn("rtp fast path off: the kernel refused an entry");
		close(fast_fd);
		fast_fd = -1;
		return;
	}
	log_limited(&lim, LOG_WARNING, "rtp fast path: entry refused: %s",
	    strerror(errno));
}

static void
fast_install(struct rleg *l, int k, const struct fp_key *key,
    const struct fp_val *want)
{
	struct rfast	*f = &l->fast[k];
	struct fp_key	 drop;
	struct fp_val	 v = *want;

	if (k == RTP)
		seen_to(&v, &l->seen);
	if (fastmap_update(fast_fd, key, &v) == -1) {
		fast_refused();
		return;
	}
	drop_key(key, &drop);
	memset(&v, 0, sizeof(v));
	v.flags = FP_F_DROP;
	if (fastmap_update(fast_fd, &drop, &v) == -1) {
		fastmap_delete(fast_fd, key);
		fast_refused();
		return;
	}
	memset(f, 0, sizeof(*f));
	f->on = 1;
	f->key = *key;
	f->val = *want;
}

static int
fast_same(const struct rfast *f, const struct fp_key *key,
    const struct fp_val *want)
{
	return (memcmp(&f->key, key, sizeof(*key)) == 0 &&
	    f->val.flags == want->flags && f->val.sport == want->sport &&
	    f->val.dport == want->dport &&
	    memcmp(f->val.saddr, want->saddr, sizeof(want->saddr)) == 0 &&
	    memcmp(f->val.daddr, want->daddr, sizeof(want->daddr)) == 0);
}

/*
 * After anything that changes what a stream's legs may do (a peer
 * learned, new SDP, hold, a socket come or gone, a reload): the kernel's
 * entries made to match, at once.
 */
void
offload_sync(struct rstream *st)
{
	struct fp_key	key;
	struct fp_val	want;
	struct rleg	*l;
	int		r, k, ok;

	for (r = 0; r < ROLE_MAX; r++)
		for (k = RTP; k <= RTCP; k++) {
			l = &st->leg[r];
			ok = offload_want(st, r, k, &key, &want);
			if (l->fast[k].on && ok &&
			    fast_same(&l->fast[k], &key, &want))
				continue;
			fast_remove(l, k);
			if (ok && fast_fd != -1)
				fast_install(l, k, &key, &want);
		}
}

/* The kernel's counters into the legs' (siproxctl, stats, timeouts). */
void
offload_read(struct rstream *st)
{
	int	r, k;

	for (r = 0; r < ROLE_MAX; r++)
		for (k = RTP; k <= RTCP; k++)
			fast_fold(&st->leg[r], k);
}

/* The stream ends: its entries go, their counts stay with it. */
void
offload_clear(struct rstream *st)
{
	int	r, k;

	for (r = 0; r < ROLE_MAX; r++)
		for (k = RTP; k <= RTCP; k++)
			fast_remove(&st->leg[r], k);
}
