/* SPDX-License-Identifier: ISC */
/* plugin_demo: the classic's example plugin; loads, reads its key, acts not. */

#include <sys/types.h>

#include "mod.h"

static int
demo_string(void *cfg, const char *val, char *err, size_t errlen)
{
	return (0);
}

static const struct mod_key demo_keys[] = {
	{ "string",	demo_string },
	{ NULL,		NULL }
};

const struct mod_def mod_demo = {
	.name =		"demo",
	.keys =		demo_keys,
};
