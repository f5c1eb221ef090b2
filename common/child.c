/* SPDX-License-Identifier: ISC */
/* What sipd and rtpd share: start-up from the parent, config, shutdown. */

#include <sys/types.h>

#include <event.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "child.h"
#include "conf.h"
#include "log.h"
#include "proc.h"

#define CONF_TEXT_MAX	(4 * 1024 * 1024)

struct child_state	*child;

static void
child_config_text(struct msg *m)
{
	char	*p;

	if (child->conflen + m->hdr.len > CONF_TEXT_MAX)
		fatalx("config from the parent is too large");
	if ((p = realloc(child->conftext, child->conflen + m->hdr.len)) ==
	    NULL)
		fatal("%s", __func__);
	memcpy(p + child->conflen, m->data, m->hdr.len);
	child->conftext = p;
	child->conflen += m->hdr.len;
}

/* The parent parsed this text itself: if we cannot, something is wrong. */
static void
child_config_end(void)
{
	struct siproxd_conf	*nc;

	nc = conf_new();
	if (conf_parse_buf(nc, "(from parent)", child->conftext,
	    child->conflen, 1) == -1)
		fatalx("config from the parent does not parse");
	free(child->conftext);
	child->conftext = NULL;
	child->conflen = 0;
	if (child->conf != NULL)
		conf_free(child->conf);
	child->conf = nc;
	if (child->ops->config != NULL)
		child->ops->config();
}

static void
child_ifaddr(struct msg *m)
{
	struct msg_ifaddr	 ifa;
	struct ifaddrs_role	*r;
	int			 i;

	memcpy(&ifa, m->data, sizeof(ifa));
	if (ifa.role >= ROLE_MAX || ifa.naddr > 2)
		fatalx("bad ifaddr from the parent");
	r = &child->ifr[ifa.role];
	memset(r, 0, sizeof(*r));
	for (i = 0; i < ifa.naddr; i++)
		if (msg_addr_to_sa(&ifa.addr[i], &r->addr[i]) == -1)
			fatalx("bad address from the parent");
	r->naddr = ifa.naddr;
}

static void
child_start(void)
{
	if (child->started || child->conf == NULL)
		fatalx("unexpected start from the parent");
	if (child->ops->start != NULL)
		child->ops->start();
	privdrop_child(child->conf, child->ops->proc);
	child->started = 1;
	log_debug("running");
	if (child->ops->running != NULL)
		child->ops->running();
}

static void
child_dispatch_parent(struct msgchan *c, struct msg *m, void *arg)
{
	struct msg_verbose	v;

	if (m == NULL) {
		log_debug("parent gone: exiting");
		child_exit(0);
	}
	switch (m->hdr.type) {
	case MSG_CONFIG_TEXT:
		child_config_text(m);
		break;
	case MSG_CONFIG_END:
		child_config_end();
		break;
	case MSG_IFADDR:
		child_ifaddr(m);
		break;
	case MSG_VERBOSE:
		memcpy(&v, m->data, sizeof(v));
		log_setverbose(v.verbose);
		break;
	case MSG_START:
		child_start();
		break;
	case MSG_SHUTDOWN:
		if (child->ops->shutdown != NULL)
			child->ops->shutdown();
		else
			child_exit(0);
		break;
	default:
		if (child->ops->parent_msg == NULL)
			fatalx("unexpected %s from the parent",
			    msg_typename(m->hdr.type));
		child->ops->parent_msg(m);
	}
}

static void
child_dispatch_sibling(struct msgchan *c, struct msg *m, void *arg)
{
	if (m == NULL) {
		/* The parent will notice the sibling's death and stop us. */
		log_debug("%s gone", c->peer);
		event_del(c->rev);
		return;
	}
	if (child->ops->sibling_msg == NULL)
		fatalx("unexpected %s from %s", msg_typename(m->hdr.type),
		    c->peer);
	child->ops->sibling_msg(m);
}

/* Leave, after handing the parent what is still queued for it. */
void
child_exit(int code)
{
	int	fl;

	if (child != NULL && child->parent.fd != -1) {
		fl = fcntl(child->parent.fd, F_GETFL);
		fcntl(child->parent.fd, F_SETFL, fl & ~O_NONBLOCK);
		while (!TAILQ_EMPTY(&child->parent.outq) &&
		    msg_flush(&child->parent) == 0)
			;
	}
	exit(code);
}

/* libevent's own complaints: fds 0-2 are /dev/null, so through our log. */
static void
child_event_log(int severity, const char *msg)
{
	if (severity >= EVENT_LOG_WARN)
		log_warnx("libevent: %s", msg);
}

void
child_main(const struct child_ops *ops, int foreground)
{
	const char	*name = proc_name(ops->proc);

	proc_title(name);
	if (fcntl(5, F_SETFD, FD_CLOEXEC) == -1)
		exit(1);
	log_init_fd(5);
	log_procinit(name);
	event_set_log_callback(child_event_log);
	signal(SIGPIPE, SIG_IGN);
	/* The parent handles these; a terminal's ^C must not hit us first. */
	signal(SIGINT, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	if ((child = calloc(1, sizeof(*child))) == NULL)
		fatal("%s", __func__);
	child->ops = ops;
	if ((child->base = event_base_new()) == NULL)
		fatalx("event_base_new");
	if (fcntl(3, F_SETFD, FD_CLOEXEC) == -1 ||
	    fcntl(4, F_SETFD, FD_CLOEXEC) == -1)
		fatal("fcntl");
	msgchan_init(&child->parent, 3, "parent", child_dispatch_parent, NULL);
	msgchan_init(&child->sibling, 4, ops->proc == PROC_SIPD ? "rtpd" :
	    "sipd", child_dispatch_sibling, NULL);
	msgchan_attach(&child->parent, child->base);
	msgchan_attach(&child->sibling, child->base);
	if (ops->pace == NULL)
		event_base_dispatch(child->base);
	else
		while (event_base_loop(child->base, EVLOOP_ONCE) == 0)
			ops->pace();
	fatalx("event loop ended");
}
