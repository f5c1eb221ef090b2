/* SPDX-License-Identifier: ISC */
/* libFuzzer harness: the modules' config lines, every module loaded. */

#include <sys/types.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "log.h"
#include "mod.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Loaded first, so that every plugin_* line of the input is judged. */
static const char	preamble[] =
    "load_plugin = plugin_logcall.la\n"
    "load_plugin = plugin_defaulttarget.la\n"
    "plugin_defaulttarget_target = sip:op@192.0.2.1\n"
    "load_plugin = plugin_fix_bogus_via.la\n"
    "load_plugin = plugin_fix_DTAG.la\n"
    "load_plugin = plugin_fix_fbox_anoncall.la\n"
    "load_plugin = plugin_stripheader.la\n"
    "load_plugin = plugin_codecfilter.la\n"
    "load_plugin = plugin_shortdial.la\n"
    "load_plugin = plugin_prefix.la\n"
    "load_plugin = plugin_regex.la\n"
    "load_plugin = plugin_regex_body.la\n"
    "load_plugin = plugin_siptrunk.la\n"
    "load_plugin = plugin_stun.la\n"
    "plugin_stun_server = 192.0.2.1\n"
    "load_plugin = plugin_stats.la\n"
    "load_plugin = plugin_blacklist.la\n"
    "load_plugin = plugin_demo.la\n";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static int		 init;
	struct siproxd_conf	*c;
	char			*buf;

	if (!init) {
		log_init(1, 0);
		log_setverbose(-2);
		mod_register();
		init = 1;
	}
	if ((buf = malloc(sizeof(preamble) + len)) == NULL)
		return (0);
	memcpy(buf, preamble, sizeof(preamble) - 1);
	memcpy(buf + sizeof(preamble) - 1, data, len);
	c = conf_new();
	if (conf_parse_buf(c, "fuzz", buf, sizeof(preamble) - 1 + len, 1) ==
	    0 && c->mods == NULL)
		__builtin_trap();
	conf_free(c);
	free(buf);
	return (0);
}
