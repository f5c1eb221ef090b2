/* SPDX-License-Identifier: ISC */
/* FreeBSD: its own path, no_new_privs and Capsicum. Not built on Linux. */

#include <sys/types.h>
#include <sys/capsicum.h>
#include <sys/procctl.h>
#include <sys/resource.h>
#include <sys/sysctl.h>

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "proc.h"

char *
proc_self_path(const char *argv0)
{
	int	mib[4] = { CTL_KERN, KERN_PROC, KERN_PROC_PATHNAME, -1 };
	char	buf[PATH_MAX];
	size_t	len = sizeof(buf);
	char	*p;

	if (sysctl(mib, 4, buf, &len, NULL, 0) == -1)
		fatal("sysctl kern.proc.pathname");
	if ((p = strdup(buf)) == NULL)
		fatal("strdup");
	return (p);
}

void
proc_no_new_privs(void)
{
	int	arg = PROC_NO_NEW_PRIVS_ENABLE;

	if (procctl(P_PID, getpid(), PROC_NO_NEW_PRIVS_CTL, &arg) == -1)
		fatal("procctl PROC_NO_NEW_PRIVS_CTL");
}

/*
 * Capability mode forbids connect(2) and new sockets by address, which
 * sipd needs for TCP and DNS: only rtpd enters it.
 */
void
proc_sandbox(int proc)
{
	if (proc == PROC_RTPD && cap_enter() == -1)
		fatal("cap_enter");
}
