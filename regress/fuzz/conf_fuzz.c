/* SPDX-License-Identifier: ISC */
/* libFuzzer harness: the config reader, and print -> parse as a fixed point. */

#include <sys/types.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "log.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static int		 init;
	struct siproxd_conf	*a, *b;
	char			*t1, *t2;
	size_t			 l1, l2;

	if (!init) {
		log_init(1, 0);
		log_setverbose(-2);
		init = 1;
	}
	a = conf_new();
	if (conf_parse_buf(a, "fuzz", (const char *)data, len, 1) == 0) {
		t1 = conf_text(a, &l1);
		b = conf_new();
		if (conf_parse_buf(b, "again", t1, l1, 1) != 0)
			__builtin_trap();
		t2 = conf_text(b, &l2);
		if (l1 != l2 || memcmp(t1, t2, l1) != 0)
			__builtin_trap();
		free(t1);
		free(t2);
		conf_free(b);
	}
	conf_free(a);
	return (0);
}
