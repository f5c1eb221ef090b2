/* SPDX-License-Identifier: ISC */
/* A growing byte buffer, NUL-terminated past its length. */

#ifndef SIPROXD_BUF_H
#define SIPROXD_BUF_H

#include <stddef.h>

/* All zero is empty; p stays NULL until the first byte comes. */
struct buf {
	char	*p;
	size_t	 len;
	size_t	 size;
};

void	buf_add(struct buf *, const void *, size_t);
/* To write in place: reserve, write at p + len, commit what was written. */
void	buf_reserve(struct buf *, size_t);
void	buf_commit(struct buf *, size_t);
void	buf_drop(struct buf *, size_t);
void	buf_str(struct buf *, const char *);
void	buf_free(struct buf *);

#endif /* SIPROXD_BUF_H */
