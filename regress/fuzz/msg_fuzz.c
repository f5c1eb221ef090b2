/* SPDX-License-Identifier: ISC */
/* libFuzzer harness: the decoder of inter-process messages (common/msg.c). */

#include <sys/types.h>

#include <stdint.h>
#include <string.h>

#include "msg.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* The first byte says whether an fd came with the packet. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct msg	 m;
	const char	*why;
	uint8_t		 copy[sizeof(struct msg_hdr) + MSG_MAXDATA + 1];

	if (len < 1 || len - 1 > sizeof(copy))
		return (0);
	memcpy(copy, data + 1, len - 1);
	if (msg_decode(copy, len - 1, data[0] & 1 ? 7 : -1, &m, &why) == 0 &&
	    (m.hdr.len != len - 1 - sizeof(struct msg_hdr) ||
	    m.data != copy + sizeof(struct msg_hdr)))
		__builtin_trap();
	return (0);
}
