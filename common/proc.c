/* SPDX-License-Identifier: ISC */
/* What every OS shares about our processes: their names, their fd limit. */

#include <sys/types.h>
#include <sys/resource.h>

#include "log.h"
#include "proc.h"

static const char *const proc_names[] = { "parent", "sipd", "rtpd" };

const char *
proc_name(int proc)
{
	if (proc < 0 || proc > PROC_RTPD)
		return ("?");
	return (proc_names[proc]);
}

/* rtpd holds two sockets per relayed stream: take all the fds we may. */
void
proc_raise_nofile(void)
{
	struct rlimit	rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1 || rl.rlim_cur == rl.rlim_max)
		return;
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
		log_warn("setrlimit RLIMIT_NOFILE");
}
