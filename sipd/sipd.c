/* SPDX-License-Identifier: ISC */
/* sipd: the SIP process: its sockets, timers and state on disk. */

#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <stdint.h>
#include <event.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "child.h"
#include "conf.h"
#include "hastore.h"
#include "log.h"
#include "mod.h"
#include "proc.h"
#include "pwfile.h"
#include "regtable.h"
#include "sipd.h"
#include "tcp.h"
#include "tlsctx.h"

void	sipd_main(int, int);

struct sipd_state	 sipd;

static void
sipd_udp_read(int fd, short ev, void *arg)
{
	struct sip_sock		*ss = arg;
	struct sockaddr_storage	 from;
	socklen_t		 fromlen;
	ssize_t			 n;
	int			 i;

	/* Drain a bounded batch, so one busy socket cannot starve others. */
	for (i = 0; i < 64; i++) {
		fromlen = sizeof(from);
		n = recvfrom(fd, sipd.rbuf, sizeof(sipd.rbuf), 0,
		    (struct sockaddr *)&from, &fromlen);
		if (n == -1) {
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR)
				log_warn("recvfrom on %s",
				    log_sa((struct sockaddr *)&ss->addr));
			return;
		}
		sip_input(ss, &from, sipd.rbuf, n);
	}
}

static void
sipd_sock_free(struct sip_sock *ss)
{
	TAILQ_REMOVE(&sipd.socks, ss, entry);
	if (ss->ev != NULL)
		event_free(ss->ev);
	close(ss->fd);
	free(ss);
}

static void
sipd_sock_add(struct msg *m)
{
	struct msg_sip_socket	 ms;
	struct sip_sock		*ss;

	memcpy(&ms, m->data, sizeof(ms));
	if (ms.role >= ROLE_MAX || ms.transport > TRANSPORT_TLS)
		fatalx("bad sip socket from the parent");
	if ((ss = calloc(1, sizeof(*ss))) == NULL)
		fatal("%s", __func__);
	ss->fd = m->fd;
	ss->role = ms.role;
	ss->transport = ms.transport;
	if (msg_addr_to_sa(&ms.addr, &ss->addr) == -1)
		fatalx("bad sip socket address from the parent");
	ss->loopback = addr_is_loopback((struct sockaddr *)&ss->addr);
	TAILQ_INSERT_TAIL(&sipd.socks, ss, entry);
	if (ss->transport == TRANSPORT_UDP)
		ss->ev = event_new(child->base, ss->fd, EV_READ | EV_PERSIST,
		    sipd_udp_read, ss);
	else
		ss->ev = event_new(child->base, ss->fd, EV_READ | EV_PERSIST,
		    tcp_accept, ss);
	if (ss->ev == NULL)
		fatalx("event_new");
	if (child->started && event_add(ss->ev, NULL) == -1)
		fatalx("event_add");
	if (child->started)
		ha_takeover();
}

static void
sipd_socks_flush(void)
{
	struct sip_sock	*ss;

	lopeer_flush();
	while ((ss = TAILQ_FIRST(&sipd.socks)) != NULL)
		sipd_sock_free(ss);
	/* Tell the parent the addresses are free to bind again. */
	msg_send(&child->parent, MSG_SIP_SOCKETS_FLUSH, 0, -1, NULL, 0);
}

/* The socket a message to dst leaves by: role, transport, family. */
struct sip_sock *
sipd_sock_find(int role, int transport, int family)
{
	struct sip_sock	*ss;

	/* The interface's own socket before the loopback one. */
	TAILQ_FOREACH(ss, &sipd.socks, entry)
		if (ss->role == role && ss->transport == transport &&
		    ss->addr.ss_family == family && !ss->loopback)
			return (ss);
	TAILQ_FOREACH(ss, &sipd.socks, entry)
		if (ss->role == role && ss->transport == transport &&
		    ss->addr.ss_family == family)
			return (ss);
	/* if_inbound and if_outbound may share one address and socket. */
	TAILQ_FOREACH(ss, &sipd.socks, entry)
		if (ss->transport == transport && ss->addr.ss_family == family)
			return (ss);
	return (NULL);
}

static void
sipd_dispatch_parent(struct msg *m)
{
	switch (m->hdr.type) {
	case MSG_SIP_SOCKET:
		sipd_sock_add(m);
		break;
	case MSG_SIP_SOCKETS_FLUSH:
		sipd_socks_flush();
		break;
	case MSG_TCP_SOCKET:
		tcp_socket(m);
		break;
	case MSG_REG_DATA:
		regsave_data(0, m->data, m->hdr.len);
		break;
	case MSG_REG_STATE_DATA:
		regsave_data(1, m->data, m->hdr.len);
		break;
	case MSG_REG_STATE_END:
		break;
	case MSG_REG_COMMIT:
		regsave_loaded();
		break;
	case MSG_REG_SAVED:
		regsave_saved(m);
		break;
	case MSG_CTL_REQ:
		sipd_ctl(m);
		break;
	case MSG_PWFILE_DATA:
		pwfile_data(m->data, m->hdr.len);
		break;
	case MSG_PWFILE_END:
		pwfile_end();
		break;
	case MSG_STATS_DUMP:
		stats_signal();
		break;
	case MSG_TLS_CERT:
	case MSG_TLS_KEY:
	case MSG_TLS_CA:
	case MSG_HA_CA:
		/* The channel's own buffer: wiped once copied. */
		tlsctx_data(m->hdr.type, (void *)(uintptr_t)m->data,
		    m->hdr.len);
		break;
	case MSG_TLS_END:
		tlsctx_end();
		break;
	case MSG_HA_AUTH:
		ha_password(m->data, m->hdr.len);
		break;
	case MSG_HA_SOCKET:
		ha_socket(m);
		break;
	default:
		fatalx("unexpected %s from the parent",
		    msg_typename(m->hdr.type));
	}
}

static void
sipd_dispatch_rtpd(struct msg *m)
{
	relay_dispatch(m);
}

static void
sipd_start(void)
{
	/* As rtpd: the fds the hard limit allows; TCP gets half (tcp_init). */
	proc_raise_nofile();
	tcp_init();
	proxy_init();
}

static void
sipd_running(void)
{
	struct sip_sock	*ss;

	TAILQ_FOREACH(ss, &sipd.socks, entry)
		if (event_add(ss->ev, NULL) == -1)
			fatalx("event_add");
	regsave_start();
	ha_start();
}

static void
sipd_config(void)
{
	proxy_config();
	ha_config();
}

static void
sipd_shutdown(void)
{
	tcp_shutdown();
	regsave_shutdown();
	invite_shutdown();
	proxy_shutdown();
}

static const struct child_ops sipd_ops = {
	.proc =		PROC_SIPD,
	.parent_msg =	sipd_dispatch_parent,
	.sibling_msg =	sipd_dispatch_rtpd,
	.config =	sipd_config,
	.start =	sipd_start,
	.running =	sipd_running,
	.shutdown =	sipd_shutdown,
};

void
sipd_main(int foreground, int verbose)
{
	log_setverbose(verbose);
	TAILQ_INIT(&sipd.socks);
	reg_init();	/* before the parent hands over the saved table */
	tlsctx_init();	/* before the certificates, before the chroot */
	child_main(&sipd_ops, foreground);
}
