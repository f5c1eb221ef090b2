/* SPDX-License-Identifier: ISC */
/* libFuzzer harness: sipframe_scan() and sipframe_body() on any bytes. */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sipframe.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct sipframe	 f;
	const char	*why;
	char		*buf;
	size_t		 off, n, max = len > 0 ? data[0] * 64 + 1 : 1;
	int		 r;

	/* An exact-size copy, so a read past len is caught. */
	if ((buf = malloc(len ? len : 1)) == NULL)
		abort();
	memcpy(buf, data, len);
	r = sipframe_scan(buf, len, max, &f, &why);
	if ((r == -1) != (why != NULL) || f.start > len || f.hdrend > len ||
	    f.hdrend < f.start || (f.bodyoff != 0 && (f.bodyoff <= f.hdrend ||
	    f.bodyoff > len || f.bodyoff - f.start > max)) || f.cl < -1 ||
	    f.cl > SIPFRAME_MAXCL)
		abort();
	if (sipframe_body(buf, len, &off, &n, &why) == 0 &&
	    (off > len || n > len - off))
		abort();
	free(buf);
	return (0);
}
