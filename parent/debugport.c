/* SPDX-License-Identifier: ISC */
/* debug_level and debug_port: the classic's debug classes and its TCP log. */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/queue.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "log.h"
#include "parent.h"
#include "proc.h"

/*
 * The classic siproxd's debug classes (its DBCLASS_* bits), mapped onto
 * the process whose lines cover them: a process logs its debugging lines
 * when debug_level has any of its bits.
 */
#define DBC_BABBLE	0x00000001
#define DBC_NET		0x00000002
#define DBC_SIP		0x00000004
#define DBC_REG		0x00000008
#define DBC_NOSPEC	0x00000010
#define DBC_PROXY	0x00000020
#define DBC_DNS		0x00000040
#define DBC_NETTRAF	0x00000080
#define DBC_CONFIG	0x00000100
#define DBC_RTP		0x00000200
#define DBC_ACCESS	0x00000400
#define DBC_AUTH	0x00000800
#define DBC_PLUGIN	0x00001000
#define DBC_RTPBABL	0x00002000

static const uint32_t debug_classes[] = {
	[PROC_PARENT] =	DBC_NET | DBC_NOSPEC | DBC_CONFIG,
	[PROC_SIPD] =	DBC_BABBLE | DBC_SIP | DBC_REG | DBC_NOSPEC |
			DBC_PROXY | DBC_DNS | DBC_NETTRAF | DBC_ACCESS |
			DBC_AUTH | DBC_PLUGIN,
	[PROC_RTPD] =	DBC_RTP | DBC_RTPBABL,
};

#define DEBUGPORT_CLIENTS	4
#define DEBUGPORT_QUEUE		(256 * 1024)	/* a slow reader misses lines */

struct dbgclient {
	TAILQ_ENTRY(dbgclient)	 entry;
	struct bufferevent	*bev;
	int			 dropped;
};
static TAILQ_HEAD(, dbgclient)	clients = TAILQ_HEAD_INITIALIZER(clients);
static int			nclients;
static struct event		*listen_ev;
static int			listen_fd = -1;
static int			listen_port;

/* The level for proc: the base one, or debugging if debug_level says. */
int
debug_verbose(const struct siproxd_conf *conf, int proc, int base)
{
	if ((conf->debug_level & debug_classes[proc]) != 0 && base < 2)
		return (2);
	return (base);
}

/* The parent's own level and each child's, after a change of either. */
void
debug_apply(struct parent *p)
{
	struct msg_verbose	v;
	int			i;

	log_setverbose(debug_verbose(p->conf, PROC_PARENT, p->loglevel));
	for (i = PROC_SIPD; i <= PROC_RTPD; i++) {
		v.verbose = debug_verbose(p->conf, i, p->loglevel);
		msg_send(&p->child[i].chan, MSG_VERBOSE, 0, -1, &v, sizeof(v));
	}
}

static void
dbg_free(struct dbgclient *c)
{
	TAILQ_REMOVE(&clients, c, entry);
	bufferevent_free(c->bev);
	free(c);
	nclients--;
}

/* Read-only: whatever a client sends is thrown away. */
static void
dbg_read(struct bufferevent *bev, void *arg)
{
	struct evbuffer	*in = bufferevent_get_input(bev);

	evbuffer_drain(in, evbuffer_get_length(in));
}

static void
dbg_event(struct bufferevent *bev, short what, void *arg)
{
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR))
		dbg_free(arg);
}

/* Every line the daemon logs, to each client that keeps up. */
static void
dbg_tap(const char *name, const char *line)
{
	struct dbgclient	*c;
	struct evbuffer		*out;

	TAILQ_FOREACH(c, &clients, entry) {
		out = bufferevent_get_output(c->bev);
		if (evbuffer_get_length(out) > DEBUGPORT_QUEUE) {
			c->dropped++;
			continue;
		}
		if (c->dropped > 0)
			evbuffer_add_printf(out, "siproxd: %d lines dropped: "
			    "read faster\n", c->dropped);
		c->dropped = 0;
		evbuffer_add_printf(out, "%s: %s\n", name, line);
	}
}

static void
dbg_accept(int fd, short ev, void *arg)
{
	struct parent		*p = arg;
	struct dbgclient	*c;
	int			 s;

	if ((s = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) ==
	    -1)
		return;
	if (nclients >= DEBUGPORT_CLIENTS) {
		close(s);
		return;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL)
		fatal("%s", __func__);
	if ((c->bev = bufferevent_socket_new(p->base, s,
	    BEV_OPT_CLOSE_ON_FREE)) == NULL)
		fatalx("bufferevent_socket_new");
	bufferevent_setcb(c->bev, dbg_read, NULL, dbg_event, c);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	TAILQ_INSERT_TAIL(&clients, c, entry);
	nclients++;
	evbuffer_add_printf(bufferevent_get_output(c->bev),
	    "siproxd: debug output, debug_level 0x%08x\n",
	    p->conf->debug_level);
}

static void
dbg_close(void)
{
	struct dbgclient	*c;

	while ((c = TAILQ_FIRST(&clients)) != NULL)
		dbg_free(c);
	if (listen_ev != NULL)
		event_free(listen_ev);
	listen_ev = NULL;
	if (listen_fd != -1)
		close(listen_fd);
	listen_fd = -1;
	listen_port = 0;
	log_set_tap(NULL);
}

/*
 * debug_port: the classic streamed its debug output to one TCP client on
 * that port.  Here it is the loopback address only, never an interface
 * (the output names phones and their addresses), at most a few readers,
 * and the daemon never reads from them.  At start and at each reload.
 */
void
debug_port(struct parent *p)
{
	struct sockaddr_in	sin;
	int			s, on = 1;

	if (p->conf->debug_port == listen_port)
		return;
	dbg_close();
	if (p->conf->debug_port == 0)
		return;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(p->conf->debug_port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1 ||
	    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) == -1 ||
	    bind(s, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(s, 4) == -1) {
		log_warn("debug_port %d", p->conf->debug_port);
		if (s != -1)
			close(s);
		return;
	}
	listen_ev = event_new(p->base, s, EV_READ | EV_PERSIST, dbg_accept, p);
	if (listen_ev == NULL || event_add(listen_ev, NULL) == -1)
		fatalx("event_add");
	listen_fd = s;
	listen_port = p->conf->debug_port;
	log_set_tap(dbg_tap);
	log_info("debug output on tcp 127.0.0.1:%d", listen_port);
}
