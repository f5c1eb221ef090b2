/* SPDX-License-Identifier: ISC */
/* rtpd: the media relay process. */

#include <sys/types.h>

#include <stdlib.h>

#include "child.h"
#include "log.h"
#include "proc.h"
#include "rtpd.h"

void	rtpd_main(int, int);

static void
rtpd_start(void)
{
	proc_raise_nofile();
	stream_init();
}

static void
rtpd_config(void)
{
	if (child->started)
		stream_config();
}

static void
rtpd_dispatch_parent(struct msg *m)
{
	switch (m->hdr.type) {
	case MSG_RTP_SOCKET:
		stream_socket(m);
		break;
	case MSG_CTL_REQ:
		stream_ctl(m);
		break;
	case MSG_FASTPATH_MAP:
		offload_init(m);
		break;
	default:
		fatalx("unexpected %s from the parent",
		    msg_typename(m->hdr.type));
	}
}

static void
rtpd_dispatch_sipd(struct msg *m)
{
	switch (m->hdr.type) {
	case MSG_RELAY_OPEN:
		stream_open(m);
		break;
	case MSG_RELAY_CLOSE:
		stream_close(m);
		break;
	case MSG_RELAY_STATS_REQ:
		stream_stats();
		break;
	case MSG_RELAY_RESTORE:
		stream_restore(m);
		break;
	default:
		fatalx("unexpected %s from sipd", msg_typename(m->hdr.type));
	}
}

static void
rtpd_shutdown(void)
{
	stream_shutdown();
	child_exit(0);
}

static const struct child_ops rtpd_ops = {
	.proc =		PROC_RTPD,
	.parent_msg =	rtpd_dispatch_parent,
	.sibling_msg =	rtpd_dispatch_sipd,
	.config =	rtpd_config,
	.start =	rtpd_start,
	.shutdown =	rtpd_shutdown,
	.pace =		stream_pace,
};

void
rtpd_main(int foreground, int verbose)
{
	log_setverbose(verbose);
	child_main(&rtpd_ops, foreground);
}
