/* SPDX-License-Identifier: ISC */
/* libFuzzer harness: tcp_frame() on a stream, whole and fed in pieces. */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tcp.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct ev {
	int	kind;
	size_t	off;
	size_t	len;
};

/* tcp_frame() on an exact-size copy, so a read past len is caught. */
static int
frame(const char *buf, size_t len, size_t *used)
{
	const char	*why;
	char		*copy;
	int		 r;

	if ((copy = malloc(len ? len : 1)) == NULL)
		abort();
	memcpy(copy, buf, len);
	r = tcp_frame(copy, len, used, &why);
	free(copy);
	if ((r == TCP_FRAME_ERR) != (why != NULL))
		abort();
	switch (r) {
	case TCP_FRAME_ERR:
		break;
	case TCP_FRAME_MORE:
		if (*used != 0 && (*used <= len ||
		    *used > TCP_MAXHDR + TCP_MAXBODY))
			abort();
		break;
	case TCP_FRAME_MSG:
		if (*used == 0 || *used > len ||
		    *used > TCP_MAXHDR + TCP_MAXBODY)
			abort();
		break;
	case TCP_FRAME_PING:
		if (*used != 4)
			abort();
		break;
	case TCP_FRAME_CRLF:
		if (*used != 2)
			abort();
		break;
	default:
		abort();
	}
	return (r);
}

/*
 * What a connection sees if the stream comes in pieces of chunk bytes:
 * the frames, in order, up to the first error.
 */
static size_t
feed(const char *buf, size_t len, size_t chunk, struct ev *evs)
{
	size_t	have = 0, off = 0, used, n = 0;
	int	r;

	while (have < len) {
		have = len - have < chunk ? len : have + chunk;
		for (;;) {
			r = frame(buf + off, have - off, &used);
			if (r == TCP_FRAME_MORE)
				break;
			evs[n].kind = r;
			evs[n].off = off;
			evs[n++].len = used;
			if (r == TCP_FRAME_ERR)
				return (n);
			off += used;
			if (off == have)
				break;
		}
	}
	return (n);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ev	*whole, *pieces;
	size_t		 i, n, m, chunk;

	if (size < 1)
		return (0);
	/* The first byte picks the piece size. */
	chunk = data[0] % 64 + 1;
	data++;
	size--;
	/* At most one frame per byte, plus the error. */
	whole = calloc(size + 1, sizeof(*whole));
	pieces = calloc(size + 1, sizeof(*pieces));
	if (whole == NULL || pieces == NULL)
		abort();
	n = feed((const char *)data, size, size ? size : 1, whole);
	m = feed((const char *)data, size, chunk, pieces);
	/* Cutting the stream elsewhere must not change what comes out. */
	if (n != m)
		abort();
	for (i = 0; i < n; i++)
		if (whole[i].kind != pieces[i].kind ||
		    whole[i].off != pieces[i].off ||
		    whole[i].len != pieces[i].len)
			abort();
	free(whole);
	free(pieces);
	return (0);
}
