/* SPDX-License-Identifier: ISC */
/* libFuzzer harness: Redis replies to sipd's commands, and the records. */

#include <sys/types.h>

#include <event.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "child.h"
#include "conf.h"
#include "hastore.h"
#include "log.h"
#include "regtable.h"

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct child_state	cs;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	log_init(0, 0);
	child = &cs;
	if ((cs.base = event_base_new()) == NULL)
		abort();
	cs.conf = conf_new();
	strlcpy(cs.conf->ha_redis, "/redis.sock", sizeof(cs.conf->ha_redis));
	reg_init();
	return (0);
}

/*
 * The first byte picks the command the reply answers (and whether it is
 * the load's last fetch); the rest comes as Redis would send it, in two
 * pieces split where the second byte says, so that a reply cut across
 * reads is parsed too.  Whatever it holds, a binding that is taken must
 * be one the table can save.
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*why;
	char		*buf;
	size_t		 len, cut;

	if (size < 2)
		return (0);
	ha_fuzz_begin(data[0] % 5, (data[0] >> 4) & 1);
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
	return (0);
}
