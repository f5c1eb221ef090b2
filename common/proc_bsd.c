/* SPDX-License-Identifier: ISC */
/* OpenBSD and FreeBSD alike: setproctitle(3), and no Linux capabilities. */

#include <sys/types.h>

#include <stdlib.h>
#include <unistd.h>

#include "proc.h"

void
proc_title_init(int argc, char **argv)
{
}

void
proc_title(const char *title)
{
	setproctitle("%s", title);
}

/* No capabilities to drop: the uid change took everything. */
void
proc_drop_caps(void)
{
}
