/* SPDX-License-Identifier: ISC */
/* libFuzzer harness: parse and rewrite SDP bodies (sipd/sdp.c). */

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "sdp.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* A rewrite must succeed on what parsed and must itself parse again. */
static void
fuzz_rewrite(const char *buf, size_t len, const struct sdp *sdp,
    const struct sockaddr *sa, const uint16_t *rtp, const uint16_t *rtcp)
{
	struct sdp_subst sub;
	struct sdp	 again;
	char		*out;
	size_t		 outlen;

	sub.addr = sa;
	sub.rtp_port = rtp;
	sub.rtcp_port = rtcp;
	if (sdp_rewrite(buf, len, sdp, &sub, &out, &outlen) == -1) {
		/* Only an RTP port of 65535 leaves no room for rtp + 1. */
		if (rtp == NULL || rtcp != NULL)
			abort();
		return;
	}
	if (sdp_parse(&again, out, outlen) == -1 ||
	    again.nmedia != sdp->nmedia)
		abort();
	if (sa == NULL && rtp == NULL && (outlen != len ||
	    memcmp(out, buf, len) != 0))
		abort();
	sdp_clear(&again);
	free(out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sockaddr_in	 sin;
	struct sockaddr_in6	 sin6;
	struct sdp		 sdp;
	const char		*buf = (const char *)data;
	uint16_t		*rtp, *rtcp;
	size_t			 i;

	if (sdp_parse(&sdp, buf, size) == -1)
		return (0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(0xcb007101);	/* 203.0.113.1 */
	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	inet_pton(AF_INET6, "2001:db8::1", &sin6.sin6_addr);
	if ((rtp = calloc(sdp.nmedia + 1, sizeof(*rtp))) == NULL ||
	    (rtcp = calloc(sdp.nmedia + 1, sizeof(*rtcp))) == NULL)
		abort();
	for (i = 0; i < sdp.nmedia; i++) {
		rtp[i] = (i % 7 == 6) ? 65535 : 20000 + 2 * i;
		rtcp[i] = 40001 + 2 * i;
	}
	fuzz_rewrite(buf, size, &sdp, NULL, NULL, NULL);
	fuzz_rewrite(buf, size, &sdp, (struct sockaddr *)&sin, rtp, NULL);
	fuzz_rewrite(buf, size, &sdp, (struct sockaddr *)&sin6, rtp, rtcp);
	fuzz_rewrite(buf, size, &sdp, (struct sockaddr *)&sin6, NULL, NULL);
	free(rtp);
	free(rtcp);
	sdp_clear(&sdp);
	return (0);
}
