/* SPDX-License-Identifier: ISC */
/* The control socket: siproxctl's queries, passed to the child that knows. */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <event.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "log.h"
#include "parent.h"
#include "proc.h"

#define CTL_CLIENTS	16	/* at once; siproxctl asks one thing and goes */
#define CTL_QUEUE_MAX	(16 * 1024 * 1024)	/* unread answer: closed */

struct ctlconn {
	TAILQ_ENTRY(ctlconn)	 entry;
	uint32_t		 id;
	uint32_t		 what;
	int			 busy;		/* a child is answering */
	struct msgchan		 chan;
};

static TAILQ_HEAD(, ctlconn)	 ctlconns = TAILQ_HEAD_INITIALIZER(ctlconns);
static int			 nctl;
static uint32_t			 ctl_ids;
static struct event		*ctl_ev;

static void	control_dispatch(struct msgchan *, struct msg *, void *);

static struct ctlconn *
control_find(uint32_t id)
{
	struct ctlconn	*cc;

	TAILQ_FOREACH(cc, &ctlconns, entry)
		if (cc->id == id)
			return (cc);
	return (NULL);
}

static void
control_free(int fd, short ev, void *arg)
{
	free(arg);
}

/*
 * Closed now, freed from the event loop: the channel's read callback that
 * called us still looks at it (its fd, now -1) before it returns.
 */
static void
control_close(struct ctlconn *cc)
{
	TAILQ_REMOVE(&ctlconns, cc, entry);
	msgchan_clear(&cc->chan);
	nctl--;
	if (event_base_once(parent->base, -1, EV_TIMEOUT, control_free, cc,
	    NULL) == -1)
		fatalx("event_base_once");
}

static void
control_accept(int fd, short ev, void *arg)
{
	struct parent	*p = arg;
	struct ctlconn	*cc;
	int		 s;

	if ((s = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) ==
	    -1) {
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			log_warn("control accept");
		return;
	}
	if (nctl >= CTL_CLIENTS) {
		log_warnx("control: too many clients");
		close(s);
		return;
	}
	if ((cc = calloc(1, sizeof(*cc))) == NULL)
		fatal("%s", __func__);
	cc->id = ++ctl_ids;
	msgchan_init(&cc->chan, s, "siproxctl", control_dispatch, p);
	cc->chan.untrusted = 1;
	cc->chan.outmax = CTL_QUEUE_MAX;
	msgchan_attach(&cc->chan, p->base);
	TAILQ_INSERT_TAIL(&ctlconns, cc, entry);
	nctl++;
}

/* The socket, root's alone: siproxctl can reload and read every phone. */
void
control_init(struct parent *p, const char *path)
{
	struct sockaddr_un	sun;
	mode_t			old;
	int			s;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlcpy(sun.sun_path, path, sizeof(sun.sun_path)) >=
	    sizeof(sun.sun_path))
		fatalx("control socket path too long: %s", path);
	if ((s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1)
		fatal("control socket");
	unlink(path);
	old = umask(0177);
	if (bind(s, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		log_warn("control socket %s: siproxctl will not work", path);
		umask(old);
		close(s);
		return;
	}
	umask(old);
	if (chmod(path, 0600) == -1 || listen(s, 8) == -1)
		fatal("control socket %s", path);
	ctl_ev = event_new(p->base, s, EV_READ | EV_PERSIST, control_accept, p);
	if (ctl_ev == NULL || event_add(ctl_ev, NULL) == -1)
		fatalx("event_add");
	p->ctlpath = path;
}

static void
control_ask(struct parent *p, struct ctlconn *cc, int proc)
{
	struct msg_ctl	q;

	memset(&q, 0, sizeof(q));
	q.what = cc->what;
	cc->busy = 1;
	msg_send(&p->child[proc].chan, MSG_CTL_REQ, cc->id, -1, &q, sizeof(q));
}

static void
control_log(struct parent *p, int verbose)
{
	p->loglevel = verbose ? 2 : p->verbose;
	debug_apply(p);
	log_info("log level %s", verbose ? "verbose" : "brief");
}

static void
control_dispatch(struct msgchan *c, struct msg *m, void *arg)
{
	struct parent	*p = arg;
	struct ctlconn	*cc = (struct ctlconn *)((char *)c -
			    offsetof(struct ctlconn, chan));
	struct msg_ctl	 q;

	if (m == NULL || m->hdr.type != MSG_CTL_REQ || cc->busy ||
	    p->stopping) {
		control_close(cc);
		return;
	}
	memcpy(&q, m->data, sizeof(q));
	cc->what = q.what;
	switch (q.what) {
	case CTL_PHONES:
	case CTL_STATS:
		control_ask(p, cc, PROC_SIPD);
		break;
	case CTL_CALLS:
		control_ask(p, cc, PROC_RTPD);
		break;
	case CTL_RELOAD:
		parent_reload(p);
		msg_send_answer(&cc->chan, 0, NULL, 0, 0);
		break;
	case CTL_LOG:
		control_log(p, q.arg != 0);
		msg_send_answer(&cc->chan, 0, NULL, 0, 0);
		break;
	default:
		msg_send_answer(&cc->chan, 0, NULL, 0, EINVAL);
	}
}

/*
 * A child's answer for client id: passed on as it is.  For stats the
 * answer of sipd is followed by rtpd's before the client hears the end.
 */
void
control_answer(struct parent *p, int proc, struct msg *m)
{
	struct ctlconn		*cc;
	struct msg_result	 r;

	if ((cc = control_find(m->hdr.id)) == NULL)
		return;		/* the client left */
	if (m->hdr.type == MSG_CTL_DATA) {
		msg_send(&cc->chan, MSG_CTL_DATA, 0, -1, m->data, m->hdr.len);
		return;
	}
	memcpy(&r, m->data, sizeof(r));
	if (cc->what == CTL_STATS && proc == PROC_SIPD && r.error == 0) {
		control_ask(p, cc, PROC_RTPD);
		return;
	}
	cc->busy = 0;
	msg_send(&cc->chan, MSG_CTL_END, 0, -1, &r, sizeof(r));
}

void
control_cleanup(struct parent *p)
{
	if (p->ctlpath != NULL)
		unlink(p->ctlpath);
}
