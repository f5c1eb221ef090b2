/* SPDX-License-Identifier: ISC */
/* A growing byte buffer, NUL-terminated past its length. */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "log.h"

void
buf_add(struct buf *b, const void *p, size_t n)
{
	size_t	 nsize;
	char	*np;

	if (n > SIZE_MAX / 4 - b->len)
		fatalx("%s: overflow", __func__);
	if (b->len + n + 1 > b->size) {
		nsize = b->size ? b->size : 256;
		while (nsize < b->len + n + 1)
			nsize *= 2;
		if ((np = realloc(b->p, nsize)) == NULL)
			fatal("%s", __func__);
		b->p = np;
		b->size = nsize;
	}
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
