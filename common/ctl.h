/* SPDX-License-Identifier: ISC */
/* Building answers for siproxctl: tab-separated, vis-encoded fields. */

#ifndef SIPROXD_CTL_H
#define SIPROXD_CTL_H

#include <stdint.h>
#include <stdio.h>

struct msgchan;

struct ctlbuf {
	FILE	*f;
	char	*buf;
	size_t	 len;
};

void	ctl_begin(struct ctlbuf *);
void	ctl_field(struct ctlbuf *, const char *, int);
void	ctl_fieldf(struct ctlbuf *, int, const char *, ...)
	    __attribute__((__format__ (printf, 3, 4)));
void	ctl_stat(struct ctlbuf *, const char *, const char *,
	    unsigned long long);
void	ctl_send(struct ctlbuf *, struct msgchan *, uint32_t);

#endif /* SIPROXD_CTL_H */
