/* SPDX-License-Identifier: ISC */
/* Building answers for siproxctl: tab-separated, vis-encoded fields. */

#include <sys/types.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vis.h>

#include "ctl.h"
#include "log.h"
#include "msg.h"

void
ctl_begin(struct ctlbuf *cb)
{
	cb->buf = NULL;
	cb->len = 0;
	if ((cb->f = open_memstream(&cb->buf, &cb->len)) == NULL)
		fatal("open_memstream");
}

/* One field; text from the wire cannot break the line or the columns. */
void
ctl_field(struct ctlbuf *cb, const char *s, int last)
{
	char	*v;
	size_t	 n;

	if (s == NULL)
		s = "-";
	n = strlen(s);
	if ((v = reallocarray(NULL, n + 1, 4)) == NULL)
		fatal("%s", __func__);
	strvisx(v, s, n, VIS_SAFE | VIS_TAB | VIS_NL | VIS_OCTAL);
	fprintf(cb->f, "%s%c", v, last ? '\n' : '\t');
	free(v);
}

void
ctl_fieldf(struct ctlbuf *cb, int last, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) == -1)
		fatal("%s", __func__);
	va_end(ap);
	ctl_field(cb, s, last);
	free(s);
}

/* A counter: one "process name value" line. */
void
ctl_stat(struct ctlbuf *cb, const char *proc, const char *name,
    unsigned long long v)
{
	ctl_field(cb, proc, 0);
	ctl_field(cb, name, 0);
	ctl_fieldf(cb, 1, "%llu", v);
}

void
ctl_send(struct ctlbuf *cb, struct msgchan *c, uint32_t id)
{
	if (fclose(cb->f) != 0)
		fatal("fclose");
	msg_send_answer(c, id, cb->buf, cb->len, 0);
	free(cb->buf);
}
