/* SPDX-License-Identifier: ISC */
/* libFuzzer harness: a call's record as Redis gives it back (hacall.c). */

#include <sys/types.h>

#include <event.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "child.h"
#include "conf.h"
#include "hacall.h"
#include "log.h"

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct child_state	cs;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	log_init(0, 0);
	child = &cs;
	cs.conf = conf_new();
	cs.conf->rtp_port_low = 7000;
	cs.conf->rtp_port_high = 7999;
	return (0);
}

/*
 * Whatever the bytes, a record that parses is one we would have written:
 * formatted again it reads back the same, field for field.
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hacall_rec	 a, b;
	const char		*why;
	char			*txt;
	size_t			 len;

	if (hacall_parse((const char *)data, size, &a, &why) == -1) {
		if (why == NULL)
			abort();
		return (0);
	}
	txt = hacall_format(&a, &len);
	if (hacall_parse(txt, len, &b, &why) == -1 ||
	    memcmp(&a, &b, sizeof(a)) != 0)
		abort();
	free(txt);
	return (0);
}
