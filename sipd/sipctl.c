/* SPDX-License-Identifier: ISC */
/* sipd's answers to siproxctl: the registered phones, counters. */

#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "child.h"
#include "conf.h"
#include "ctl.h"
#include "hastore.h"
#include "log.h"
#include "mono.h"
#include "regtable.h"
#include "side.h"
#include "sipd.h"

static void
phone_line(struct reg_binding *b, void *arg)
{
	struct ctlbuf	*cb = arg;
	char		 host[256];
	time_t		 now = mono_now();

	side_host(ROLE_OUTBOUND, b->src.ss_family, host, sizeof(host));
	ctl_field(cb, b->aor, 0);
	ctl_field(cb, b->contact, 0);
	ctl_fieldf(cb, 0, strchr(host, ':') != NULL ? "sip:%s@[%s]:%u" :
	    "sip:%s@%s:%u", b->masq_user, host, child->conf->sip_listen_port);
	ctl_fieldf(cb, 0, "%lld", (long long)(b->expires > now ?
	    b->expires - now : 0));
	ctl_field(cb, reg_tname(b->transport), 0);
	ctl_field(cb, log_sa((const struct sockaddr *)&b->src), 0);
	ctl_field(cb, b->pending ? "pending" : "active", 0);
	ctl_field(cb, b->user_agent, 1);
}

static void
ha_stat(const char *name, unsigned long long v, void *arg)
{
	ctl_stat(arg, "sipd", name, v);
}

void
sipd_ctl(struct msg *m)
{
	struct msg_ctl	q;
	struct ctlbuf	cb;

	memcpy(&q, m->data, sizeof(q));
	ctl_begin(&cb);
	switch (q.what) {
	case CTL_PHONES:
		fputs("aor\tcontact\tmasq_contact\texpires\ttransport\tsource\t"
		    "state\tuser_agent\n", cb.f);
		reg_foreach(phone_line, &cb);
		break;
	case CTL_STATS:
		fputs("process\tname\tvalue\n", cb.f);
		ctl_stat(&cb, "sipd", "registrations", reg_count());
		ctl_stat(&cb, "sipd", "messages_in", sipd.stat_in);
		ctl_stat(&cb, "sipd", "messages_out", sipd.stat_out);
		ctl_stat(&cb, "sipd", "messages_refused",
		    sipd.stat_refused);
		ctl_stat(&cb, "sipd", "invites_unanswered", invite_count());
		ctl_stat(&cb, "sipd", "messages_held", sipx_held());
		ha_stats(ha_stat, &cb);
		break;
	default:
		fclose(cb.f);
		free(cb.buf);
		msg_send_answer(&child->parent, m->hdr.id, NULL, 0, EINVAL);
		return;
	}
	ctl_send(&cb, &child->parent, m->hdr.id);
}
