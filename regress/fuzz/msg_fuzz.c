/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer harness: the decoder of inter-process messages (common/msg.c),
 * and the escaping of a child's log line before the parent writes it.
 */

#include <sys/types.h>

#include <stdint.h>
#include <string.h>

#include "log.h"
#include "msg.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Whatever the child wrote, the parent writes one line of printable ASCII. */
static void
log_line(const struct msg *m)
{
	char	buf[LOG_ESCAPED_MAX];
	size_t	i;

	log_escape(buf, (const char *)m->data + sizeof(struct msg_log),
	    m->hdr.len - sizeof(struct msg_log));
	for (i = 0; buf[i] != '\0'; i++)
		if (buf[i] < 0x20 || buf[i] > 0x7e || i >= LOG_ESCAPED_MAX)
			__builtin_trap();
}

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
	if (msg_decode(copy, len - 1, data[0] & 1 ? 7 : -1, &m, &why) == -1)
		return (0);
	if (m.hdr.len != len - 1 - sizeof(struct msg_hdr) ||
	    m.data != copy + sizeof(struct msg_hdr))
		__builtin_trap();
	if (m.hdr.type == MSG_LOG)
		log_line(&m);
	return (0);
}
