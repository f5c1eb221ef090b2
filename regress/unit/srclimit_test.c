/* SPDX-License-Identifier: ISC */
/* srclimit: messages in flight per source, an IPv6 /64 as one source. */

#include <sys/types.h>
#include <sys/socket.h>

#include <stdio.h>

#include "addr.h"
#include "log.h"
#include "srclimit.h"
#include "unit.h"

static struct sockaddr_storage	ss;

static const struct sockaddr *
sa(const char *s)
{
	if (addr_parse(s, &ss) == -1)
		fatalx("addr_parse %s", s);
	return ((struct sockaddr *)&ss);
}

int
main(void)
{
	int	i, ok = 1;

	log_init(1, 0);
	for (i = 0; i < 3; i++)
		ok &= srclimit_take(sa("10.0.0.5"), 3) == 0;
	CHECK(ok, "three in flight from 10.0.0.5 with a limit of 3");
	CHECK(srclimit_take(sa("10.0.0.5"), 3) == -1, "a fourth is refused");
	CHECK(srclimit_take(sa("10.0.0.6"), 3) == 0, "another address is "
	    "not");
	srclimit_give(sa("10.0.0.5"));
	CHECK(srclimit_take(sa("10.0.0.5"), 3) == 0, "one done: one more");
	CHECK(srclimit_take(sa("::ffff:10.0.0.5"), 3) == -1,
	    "an IPv4-mapped address is the IPv4 host");
	ok = 1;
	for (i = 0; i < 3; i++)
		ok &= srclimit_take(sa(i == 0 ? "fd00:1::1:1" : i == 1 ?
		    "fd00:1::ffff:2" : "fd00:1:0:0:8000::9"), 3) == 0;
	CHECK(ok && srclimit_take(sa("fd00:1::77"), 3) == -1,
	    "four addresses of one /64: one source");
	CHECK(srclimit_take(sa("fd00:1:0:1::1"), 3) == 0,
	    "the next /64 is another");
	CHECK(srclimit_sources() == 4, "four sources in flight (%zu)",
	    srclimit_sources());
	for (i = 0; i < 3; i++) {
		srclimit_give(sa("10.0.0.5"));
		srclimit_give(sa("fd00:1::1"));
	}
	srclimit_give(sa("10.0.0.6"));
	srclimit_give(sa("fd00:1:0:1::2"));
	CHECK(srclimit_sources() == 0, "all given back: the table is empty");
	UNIT_DONE();
}
