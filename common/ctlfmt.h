/* SPDX-License-Identifier: ISC */
/* siproxctl's answers: tab-separated vis(3) lines as a table or as JSON. */

#ifndef SIPROXD_CTLFMT_H
#define SIPROXD_CTLFMT_H

#include <sys/types.h>
#include <sys/queue.h>

#include <stdio.h>

#include "buf.h"

#define CTL_ANSWER_MAX	(64 * 1024 * 1024)	/* bytes of one answer */

/* One field, decoded: may hold any byte, NUL included. */
struct ctl_field {
	char	*val;		/* NUL-terminated for convenience */
	size_t	 len;
	char	*show;		/* for the table: val, or val vis-encoded */
	size_t	 width;		/* of show, in characters */
};

struct ctl_row {
	TAILQ_ENTRY(ctl_row)	 entry;
	struct ctl_field	*fields;	/* as many as the header has */
};

struct ctl_answer {
	struct buf		 data;		/* every DATA chunk, in order */
	size_t			 nfields;	/* of the header; 0: no header */
	struct ctl_row		*header;
	TAILQ_HEAD(, ctl_row)	 rows;
	size_t			 nrows;
};

void	ctl_answer_init(struct ctl_answer *);
int	ctl_answer_add(struct ctl_answer *, const void *, size_t);
void	ctl_answer_parse(struct ctl_answer *);
void	ctl_answer_free(struct ctl_answer *);
int	ctl_print_table(FILE *, const struct ctl_answer *);
int	ctl_print_json(FILE *, const struct ctl_answer *);
size_t	ctl_utf8_len(const unsigned char *, size_t);

#endif /* SIPROXD_CTLFMT_H */
