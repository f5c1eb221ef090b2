/* SPDX-License-Identifier: ISC */
/* Systems without eBPF: media is relayed in user space only. */

#include <sys/types.h>
#include <sys/socket.h>

#include "log.h"
#include "parent.h"

int
fastpath_start(struct parent *p)
{
	if (p->conf->rtp_fastpath)
		log_info("rtp fast path off: this system has no eBPF");
	return (-1);
}

void
fastpath_allow(const struct sockaddr *sa, int role, int dscp)
{
}

void
fastpath_forget(const struct sockaddr *sa)
{
}

void
fastpath_watch(const struct siproxd_conf *conf)
{
}

void
fastpath_stop(void)
{
}
