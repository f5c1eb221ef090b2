/* SPDX-License-Identifier: ISC */
/* A growing byte buffer, NUL-terminated past its length. */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "log.h"

/* Room for n more bytes past len, and the NUL after them. */
void
buf_reserve(struct buf *b, size_t n)
{
	size_t	 nsize;
	char	*np;

	if (n > SIZE_MAX / 4 - b->len)
		fatalx("%s: overflow", __func__);
	if (b->len + n + 1 <= b->size)
		return;
	nsize = b->size ? b->size : 256;
	while (nsize < b->len + n + 1)
		nsize *= 2;
	if ((np = realloc(b->p, nsize)) == NULL)
		fatal("%s", __func__);
	b->p = np;
	b->size = nsize;
}

/* n bytes were written past len, inside what buf_reserve made room for. */
void
buf_commit(struct buf *b, size_t n)
{
	if (n >= b->size - b->len)
		fatalx("%s: past the end", __func__);
	b->len += n;
	b->p[b->len] = '\0';
}

/* The first n bytes are done with. */
void
buf_drop(struct buf *b, size_t n)
{
	if (n > b->len)
		fatalx("%s: past the end", __func__);
	if (n == 0)
		return;
	memmove(b->p, b->p + n, b->len - n);
	b->len -= n;
	b->p[b->len] = '\0';
}

void
buf_add(struct buf *b, const void *p, size_t n)
{
	buf_reserve(b, n);
	if (n > 0)
		memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void
buf_str(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void
buf_free(struct buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->size = 0;
}
