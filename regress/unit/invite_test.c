/* SPDX-License-Identifier: ISC */
/* Unit tests for the INVITEs that wait for an answer (Timers B and C). */

#include <sys/types.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "log.h"
#include "mono.h"
#include "msg.h"
#include "sipd.h"
#include "unit.h"

/* What invite.c calls, played here: the clock and the close to rtpd. */
static time_t	now = 1000;
static uint64_t	closed[16];
static int	closed_flags[16];
static size_t	nclosed;

time_t
mono_now(void)
{
	return (now);
}

void
relay_close(uint64_t call, int flags)
{
	if (nclosed < 16) {
		closed[nclosed] = call;
		closed_flags[nclosed] = flags;
	}
	nclosed++;
}

/* Time passes a second at a time, as the daemon's tick sees it. */
static void
advance(int secs)
{
	while (secs-- > 0)
		invite_expire_due(++now);
}

int
main(void)
{
	log_init(1, LOG_DAEMON);
	log_setverbose(0);

	/* No answer at all: closed after Timer B, not before. */
	invite_sent(1, 0);
	CHECK(invite_count() == 1, "an INVITE waits");
	advance(31);
	CHECK(nclosed == 0, "no close 31 s after it");
	advance(1);
	CHECK(nclosed == 1 && closed[0] == 1 &&
	    closed_flags[0] == RELAY_F_UNANSWERED,
	    "after 32 s its unanswered media is closed");
	CHECK(invite_count() == 0, "and it waits no more");

	/* A final answer ends the wait. */
	nclosed = 0;
	invite_sent(2, 0);
	advance(5);
	invite_answered(2, 200);
	advance(200);
	CHECK(nclosed == 0 && invite_count() == 0, "a 2xx ends the wait");
	invite_sent(3, 0);
	invite_answered(3, 486);
	CHECK(invite_count() == 0, "so does an error");

	/* Provisional answers: Timer C, restarted by each but 100. */
	invite_sent(4, 0);
	advance(10);
	invite_answered(4, 100);
	advance(40);
	CHECK(nclosed == 0, "100 Trying stops Timer B");
	invite_answered(4, 180);
	advance(100);
	invite_answered(4, 100);
	advance(80);
	CHECK(nclosed == 0, "a 180 restarts Timer C; a 100 does not stop it");
	advance(1);
	CHECK(nclosed == 1 && closed[0] == 4,
	    "181 s after the last 180 the media is closed");

	/* A retransmission or a new offer starts the wait again. */
	nclosed = 0;
	invite_sent(5, 0);
	advance(20);
	invite_sent(5, 0);
	advance(20);
	CHECK(nclosed == 0 && invite_count() == 1,
	    "the same call sent again waits anew, once");
	advance(12);
	CHECK(nclosed == 1, "and gives up 32 s after the last send");

	/* Order: the first to be due goes first, whatever the keys. */
	nclosed = 0;
	invite_sent(9, 0);
	advance(1);
	invite_sent(7, 0);
	advance(1);
	invite_sent(8, 0);
	advance(32);
	CHECK(nclosed == 3 && closed[0] == 9 && closed[1] == 7 &&
	    closed[2] == 8, "each goes when its own time is up");

	/* A bare INVITE: its answers carry the offer, until the final one. */
	invite_sent(20, 1);
	invite_sent(21, 0);
	CHECK(invite_bare(20) && !invite_bare(21) && !invite_bare(22),
	    "only the INVITE sent without an offer is bare");
	invite_answered(20, 183);
	CHECK(invite_bare(20), "still bare after a provisional answer");
	invite_answered(20, 200);
	invite_answered(21, 200);
	CHECK(!invite_bare(20) && invite_count() == 0,
	    "the final answer ends it");

	/* An answer for a call nobody waits for changes nothing. */
	invite_answered(42, 180);
	CHECK(invite_count() == 0, "a stray answer is ignored");

	/* What is left at the stop is freed (the sanitizer build checks). */
	invite_sent(10, 0);
	invite_sent(11, 0);
	invite_shutdown();
	CHECK(invite_count() == 0, "the stop frees every entry");
	UNIT_DONE();
}
