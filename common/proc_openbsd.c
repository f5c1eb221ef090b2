/* SPDX-License-Identifier: ISC */
/* OpenBSD: its own path, pledge(2) and unveil(2). Not built on Linux. */

#include <sys/types.h>
#include <sys/resource.h>

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "proc.h"

/* OpenBSD has no /proc: the daemon must be started by absolute path. */
char *
proc_self_path(const char *argv0)
{
	char	*p;

	if (argv0[0] != '/')
		fatalx("need an absolute path to re-execute myself");
	if ((p = strdup(argv0)) == NULL)
		fatal("strdup");
	return (p);
}

/* pledge(2) is one-way: nothing to set. */
void
proc_no_new_privs(void)
{
}

void
proc_sandbox(int proc)
{
	const char	*promises;

	if (unveil("/", "") == -1 || unveil(NULL, NULL) == -1)
		fatal("unveil");
	promises = proc == PROC_SIPD ? "stdio inet dns recvfd" :
	    "stdio recvfd";
	if (pledge(promises, NULL) == -1)
		fatal("pledge");
}
