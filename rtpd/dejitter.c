/* SPDX-License-Identifier: ISC */
/* rtp_input_dejitter / rtp_output_dejitter: a fixed delay, by timer. */

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>

#include <event.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "addr.h"
#include "child.h"
#include "conf.h"
#include "log.h"
#include "mono.h"
#include "rtpd.h"

#define DJ_MAXPKT	2048

/*
 * With one fixed delay per direction, packets fall due in the order they
 * came, so one FIFO per delay value and one timer serve; buffers are
 * recycled, so the steady state allocates nothing.
 */
struct djpkt {
	TAILQ_ENTRY(djpkt)	 entry;
	int64_t			 due;		/* microseconds, monotonic */
	int			 fd;
	struct sockaddr_storage	 dst;
	size_t			 len;
	uint8_t			 buf[DJ_MAXPKT];
};
TAILQ_HEAD(djq, djpkt);

static struct djq	 queue[2] = { TAILQ_HEAD_INITIALIZER(queue[0]),
			    TAILQ_HEAD_INITIALIZER(queue[1]) };
static struct djq	 spare = TAILQ_HEAD_INITIALIZER(spare);
static int		 qdelay[2] = { -1, -1 };
static struct event	*dj_ev;

/* The delay of what leg l receives (microseconds). */
int
dejitter_delay(const struct rleg *l)
{
	return (l->role == ROLE_OUTBOUND ? child->conf->rtp_input_dejitter :
	    child->conf->rtp_output_dejitter);
}

static void
dj_arm(void)
{
	struct timeval	tv;
	int64_t		due = INT64_MAX, d;
	int		q;

	for (q = 0; q < 2; q++)
		if (!TAILQ_EMPTY(&queue[q]) && TAILQ_FIRST(&queue[q])->due < due)
			due = TAILQ_FIRST(&queue[q])->due;
	if (due == INT64_MAX)
		return;
	d = due - mono_us();
	if (d < 0)
		d = 0;
	tv.tv_sec = d / 1000000;
	tv.tv_usec = d % 1000000;
	evtimer_add(dj_ev, &tv);
}

static void
dj_fire(int fd, short ev, void *arg)
{
	struct djpkt	*p;
	int64_t		 now = mono_us();
	int		 q;

	for (q = 0; q < 2; q++)
		while ((p = TAILQ_FIRST(&queue[q])) != NULL && p->due <= now) {
			TAILQ_REMOVE(&queue[q], p, entry);
			sendto(p->fd, p->buf, p->len, 0,
			    (struct sockaddr *)&p->dst,
			    addr_len((struct sockaddr *)&p->dst));
			TAILQ_INSERT_HEAD(&spare, p, entry);
		}
	dj_arm();
}

static int
dj_queue(int delay)
{
	int	q;

	for (q = 0; q < 2; q++)
		if (qdelay[q] == delay)
			return (q);
	for (q = 0; q < 2; q++)
		if (TAILQ_EMPTY(&queue[q])) {
			qdelay[q] = delay;
			return (q);
		}
	return (-1);
}

void
dejitter_send(int fd, const void *buf, size_t len,
    const struct sockaddr_storage *dst, int delay)
{
	struct djpkt	*p;
	int		 q;

	if (delay <= 0 || len > DJ_MAXPKT || (q = dj_queue(delay)) == -1) {
		sendto(fd, buf, len, 0, (const struct sockaddr *)dst,
		    addr_len((const struct sockaddr *)dst));
		return;
	}
	if (dj_ev == NULL && (dj_ev = evtimer_new(child->base, dj_fire,
	    NULL)) == NULL)
		fatalx("evtimer_new");
	if ((p = TAILQ_FIRST(&spare)) != NULL)
		TAILQ_REMOVE(&spare, p, entry);
	else if ((p = malloc(sizeof(*p))) == NULL)
		fatal("%s", __func__);
	p->due = mono_us() + delay;
	p->fd = fd;
	p->dst = *dst;
	p->len = len;
	memcpy(p->buf, buf, len);
	TAILQ_INSERT_TAIL(&queue[q], p, entry);
	if (!evtimer_pending(dj_ev, NULL))
		dj_arm();
}

/* A socket is closing: what waits to leave by it goes nowhere. */
void
dejitter_forget(int fd)
{
	struct djpkt	*p, *next;
	int		 q;

	for (q = 0; q < 2; q++)
		TAILQ_FOREACH_SAFE(p, &queue[q], entry, next)
			if (p->fd == fd) {
				TAILQ_REMOVE(&queue[q], p, entry);
				TAILQ_INSERT_HEAD(&spare, p, entry);
			}
}
