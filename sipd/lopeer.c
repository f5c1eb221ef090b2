/* SPDX-License-Identifier: ISC */
/* Phones that reach us through a firewall redirect to the loopback address. */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/queue.h>
#include <sys/tree.h>

#include <event.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "log.h"
#include "sipd.h"

/*
 * A phone whose packets a firewall redirected to 127.0.0.1 (pfSense's rdr,
 * an nftables dnat) must hear us from that socket: only then does the
 * firewall's state write the address the phone sent to back as the
 * source.  So everything for such a phone leaves by the loopback socket
 * its last message came in on.  The table is bounded: the oldest peer
 * goes when it is full, and that phone is then reached from the
 * interface's own socket, as any other.
 */
#define LOPEER_MAX	4096

struct lopeer {
	RB_ENTRY(lopeer)	 entry;
	TAILQ_ENTRY(lopeer)	 lru;
	struct sockaddr_storage	 addr;
	struct sip_sock		*ss;
};

RB_HEAD(lopeer_tree, lopeer);
static int	lopeer_cmp(struct lopeer *, struct lopeer *);
RB_PROTOTYPE(lopeer_tree, lopeer, entry, lopeer_cmp)

static struct lopeer_tree		peers = RB_INITIALIZER(&peers);
static TAILQ_HEAD(, lopeer)		lru = TAILQ_HEAD_INITIALIZER(lru);
static size_t				npeers;

static int
lopeer_cmp(struct lopeer *a, struct lopeer *b)
{
	const struct sockaddr	*sa = (struct sockaddr *)&a->addr;
	const struct sockaddr	*sb = (struct sockaddr *)&b->addr;

	if (sa->sa_family != sb->sa_family)
		return (sa->sa_family < sb->sa_family ? -1 : 1);
	return (memcmp(&a->addr, &b->addr, addr_len(sa)));
}

RB_GENERATE(lopeer_tree, lopeer, entry, lopeer_cmp)

static void
lopeer_free(struct lopeer *lp)
{
	RB_REMOVE(lopeer_tree, &peers, lp);
	TAILQ_REMOVE(&lru, lp, lru);
	free(lp);
	npeers--;
}

static struct lopeer *
lopeer_find(const struct sockaddr *sa)
{
	struct lopeer	key;

	if (addr_len(sa) == 0 || addr_len(sa) > sizeof(key.addr))
		return (NULL);
	memset(&key.addr, 0, sizeof(key.addr));
	memcpy(&key.addr, sa, addr_len(sa));
	return (RB_FIND(lopeer_tree, &peers, &key));
}

/* A message came in on ss from src: remember a redirected phone. */
void
lopeer_seen(struct sip_sock *ss, const struct sockaddr_storage *src)
{
	struct lopeer	*lp;

	if (!ss->loopback || addr_is_loopback((const struct sockaddr *)src))
		return;
	if ((lp = lopeer_find((const struct sockaddr *)src)) != NULL) {
		lp->ss = ss;
		TAILQ_REMOVE(&lru, lp, lru);
		TAILQ_INSERT_TAIL(&lru, lp, lru);
		return;
	}
	if (npeers >= LOPEER_MAX)
		lopeer_free(TAILQ_FIRST(&lru));
	if ((lp = calloc(1, sizeof(*lp))) == NULL)
		fatal("%s", __func__);
	memcpy(&lp->addr, src, addr_len((const struct sockaddr *)src));
	lp->ss = ss;
	RB_INSERT(lopeer_tree, &peers, lp);
	TAILQ_INSERT_TAIL(&lru, lp, lru);
	npeers++;
	log_debug("%s reaches us through a redirect to %s",
	    log_sa((const struct sockaddr *)src), log_sa((struct sockaddr *)
	    &ss->addr));
}

/* The loopback socket that dst last wrote to, or NULL. */
struct sip_sock *
lopeer_sock(const struct sockaddr *dst)
{
	struct lopeer	*lp;

	if ((lp = lopeer_find(dst)) == NULL)
		return (NULL);
	return (lp->ss);
}

/* The sockets are gone (a relisten): forget them all. */
void
lopeer_flush(void)
{
	struct lopeer	*lp;

	while ((lp = TAILQ_FIRST(&lru)) != NULL)
		lopeer_free(lp);
}
