/* SPDX-License-Identifier: ISC */
/* rtpd: the media relay process. */

#include <sys/types.h>

#include <stdlib.h>

#include "child.h"
#include "log.h"
#include "proc.h"

void	rtpd_main(int, int);

static void
rtpd_start(void)
{
	proc_raise_nofile();
}

static const struct child_ops rtpd_ops = {
	.proc =		PROC_RTPD,
	.start =	rtpd_start,
};

void
rtpd_main(int foreground, int verbose)
{
	log_setverbose(verbose);
	child_main(&rtpd_ops, foreground);
}
