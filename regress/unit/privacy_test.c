/* SPDX-License-Identifier: ISC */
/* privacy: finding a LAN address in a Call-ID or header text. */

#include <sys/types.h>

#include <stdio.h>

#include "log.h"
#include "privacy.h"
#include "unit.h"

int
main(void)
{
	static const struct {
		const char	*s;
		int		 want;
	} v[] = {
		{ "10.0.0.2-1-9084", 1 },
		{ "1-9084@10.0.0.2", 1 },
		{ "abc10.0.0.2xyz", 1 },
		{ "ab10.0.0.2", 1 },
		{ "call-192.168.1.20:5060", 1 },
		{ "x-fd00:1::2-y", 1 },
		{ "[fe80::1]", 1 },
		{ "172.16.9.9", 1 },
		{ "100.64.0.1", 1 },
		{ "127.0.0.1", 1 },
		{ "1-9084@203.0.113.2", 0 },
		{ "a84b4c76e66710", 0 },
		{ "deadbeef", 0 },
		{ "2001:db8::1", 0 },
		{ "10.0.0", 0 },
		{ "8.8.8.8", 0 },
		{ "", 0 },
	};
	size_t	i;

	log_init(1, 0);
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		CHECK(privacy_text_private(v[i].s) == v[i].want,
		    "\"%s\": %s", v[i].s, v[i].want ? "a LAN address" :
		    "none");
	UNIT_DONE();
}
