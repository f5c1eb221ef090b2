/* SPDX-License-Identifier: ISC */
/* libFuzzer harness: Redis replies to sipd's commands, and the records. */

#include <sys/types.h>
#include <sys/socket.h>

#include <event.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "child.h"
#include "conf.h"
#include "hacall.h"
#include "hastore.h"
#include "log.h"
#include "regtable.h"

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct child_state	cs;
static int			rtpd_end = -1;	/* what sipd sends rtpd */

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	int	sv[2];

	log_init(0, 0);
	child = &cs;
	if ((cs.base = event_base_new()) == NULL)
		abort();
	cs.conf = conf_new();
	strlcpy(cs.conf->ha_redis, "/redis.sock", sizeof(cs.conf->ha_redis));
	cs.conf->rtp_port_low = 7000;
	cs.conf->rtp_port_high = 7999;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) == -1)
		abort();
	msgchan_init(&cs.sibling, sv[0], "rtpd", NULL, NULL);
	rtpd_end = sv[1];
	reg_init();
	return (0);
}

/*
 * The first byte picks the command the reply answers (and whether it is
 * the load's last fetch, and of registrations or calls); the rest comes as Redis would send it, in two
 * pieces split where the second byte says, so that a reply cut across
 * reads is parsed too.  Whatever it holds, a binding that is taken must
 * be one the table can save.
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char	 rbuf[1024];
	const char	*why;
	char		*buf;
	size_t		 len, cut;

	if (size < 2)
		return (0);
	ha_fuzz_begin((data[0] & 0x0f) % HA_C_MAX, (data[0] >> 5) & 1, (data[0] >> 4) & 1);
	cut = data[1] % (size - 1);
	why = ha_input((const char *)data + 2, cut);
	if (why == NULL)
		why = ha_input((const char *)data + 2 + cut, size - 2 - cut);
	(void)why;
	ha_fuzz_end();
	if (reg_serialize(&buf, &len, 0, 1700000000) != (int)reg_count())
		abort();
	free(buf);
	reg_clear();
	hacall_clear();
	while (recv(rtpd_end, rbuf, sizeof(rbuf), MSG_DONTWAIT) > 0)
		;
	return (0);
}
