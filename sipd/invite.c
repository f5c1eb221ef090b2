/* SPDX-License-Identifier: ISC */
/* INVITEs that hold relay ports while they wait for a final answer. */

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/tree.h>

#include <stdlib.h>
#include <time.h>

#include "conf.h"
#include "log.h"
#include "mono.h"
#include "msg.h"
#include "sipd.h"

/*
 * rtpd keeps an offer's ports until the call ends, or until rtp_timeout
 * (300 s by default) passes without media.  An INVITE nobody answers would
 * hold them that long, and a flood of them would hold the whole range.  A
 * stateful proxy gives up on such a branch (RFC 3261 §17.1.1.2, §16.8):
 * with no answer at all after Timer B (64*T1, 32 s) the caller's own
 * transaction has failed; with provisional answers but no final one, after
 * Timer C (more than 3 minutes, restarted by each provisional answer other
 * than 100).  Then the media of streams no 2xx answered goes back.
 */
#define INVITE_TIMER_B	32
#define INVITE_TIMER_C	181
#define INVITE_MAX	65536		/* calls tracked at once */

struct invite {
	RB_ENTRY(invite)	 entry;
	TAILQ_ENTRY(invite)	 q;
	uint64_t		 call;
	time_t			 due;
	int			 proceeding;
	int			 bare;		/* no offer: the answer has it */
};

RB_HEAD(invite_tree, invite);
TAILQ_HEAD(invite_q, invite);

static int	invite_cmp(struct invite *, struct invite *);
RB_PROTOTYPE(invite_tree, invite, entry, invite_cmp)
RB_GENERATE(invite_tree, invite, entry, invite_cmp)

static struct invite_tree	 invites = RB_INITIALIZER(&invites);
/* Each queue in order of due: its entries all wait the same time. */
static struct invite_q		 q_trying = TAILQ_HEAD_INITIALIZER(q_trying);
static struct invite_q		 q_proceeding =
				    TAILQ_HEAD_INITIALIZER(q_proceeding);
static size_t			 ninvites;
static int			 full_logged;

static int
invite_cmp(struct invite *a, struct invite *b)
{
	return (a->call < b->call ? -1 : a->call > b->call);
}

static struct invite *
invite_find(uint64_t call)
{
	struct invite	key;

	key.call = call;
	return (RB_FIND(invite_tree, &invites, &key));
}

static void
invite_free(struct invite *iv)
{
	RB_REMOVE(invite_tree, &invites, iv);
	TAILQ_REMOVE(iv->proceeding ? &q_proceeding : &q_trying, iv, q);
	ninvites--;
	free(iv);
}

static void
invite_queue(struct invite *iv, int proceeding, time_t now)
{
	iv->proceeding = proceeding;
	iv->due = now + (proceeding ? INVITE_TIMER_C : INVITE_TIMER_B);
	TAILQ_INSERT_TAIL(proceeding ? &q_proceeding : &q_trying, iv, q);
}

/*
 * An INVITE is on its way to the next hop: one whose media rtpd relays,
 * or a bare one (no SDP), whose answers bring the offer (RFC 3261
 * §13.2.1).
 */
void
invite_sent(uint64_t call, int bare)
{
	struct invite	*iv;

	if ((iv = invite_find(call)) != NULL) {
		/* A retransmission or a new offer: the wait starts again. */
		TAILQ_REMOVE(iv->proceeding ? &q_proceeding : &q_trying, iv,
		    q);
		iv->bare = bare;
		invite_queue(iv, 0, mono_now());
		return;
	}
	if (ninvites >= INVITE_MAX) {
		if (!full_logged)
			log_warnx("%d INVITEs wait for an answer: more are "
			    "left to rtp_timeout", INVITE_MAX);
		full_logged = 1;
		return;
	}
	if ((iv = calloc(1, sizeof(*iv))) == NULL)
		fatal("%s", __func__);
	iv->call = call;
	iv->bare = bare;
	RB_INSERT(invite_tree, &invites, iv);
	invite_queue(iv, 0, mono_now());
	ninvites++;
}

/* A response to an INVITE of the call passes, with this status code. */
void
invite_answered(uint64_t call, int code)
{
	struct invite	*iv;

	if ((iv = invite_find(call)) == NULL)
		return;
	if (code >= 200) {
		invite_free(iv);
		return;
	}
	/* 100 Trying stops Timer B; it does not restart Timer C. */
	if (code == 100 && iv->proceeding)
		return;
	TAILQ_REMOVE(iv->proceeding ? &q_proceeding : &q_trying, iv, q);
	invite_queue(iv, 1, mono_now());
}

/* Does an answer to the call's INVITE carry an offer, not an answer? */
int
invite_bare(uint64_t call)
{
	struct invite	*iv;

	return ((iv = invite_find(call)) != NULL && iv->bare);
}

size_t
invite_count(void)
{
	return (ninvites);
}

static void
invite_expire(struct invite_q *q, time_t now)
{
	struct invite	*iv;

	while ((iv = TAILQ_FIRST(q)) != NULL && iv->due <= now) {
		log_info("%016llx: no %sanswer to the INVITE in %d s: its "
		    "media ports go back", (unsigned long long)iv->call,
		    iv->proceeding ? "final " : "", iv->proceeding ?
		    INVITE_TIMER_C : INVITE_TIMER_B);
		relay_close(iv->call, RELAY_F_UNANSWERED);
		invite_free(iv);
	}
	if (ninvites < INVITE_MAX / 2)
		full_logged = 0;
}

/* Give up on what has waited too long by now (monotonic seconds). */
void
invite_expire_due(time_t now)
{
	invite_expire(&q_trying, now);
	invite_expire(&q_proceeding, now);
}

void
invite_shutdown(void)
{
	struct invite	*iv;

	while ((iv = RB_MIN(invite_tree, &invites)) != NULL)
		invite_free(iv);
}
