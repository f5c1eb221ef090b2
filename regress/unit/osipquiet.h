/* SPDX-License-Identifier: ISC */
/* libosip2's trace, silenced for tests that feed it bad messages. */

#ifndef SIPROXD_OSIPQUIET_H
#define SIPROXD_OSIPQUIET_H

#include <stdarg.h>

#include <osipparser2/osip_port.h>

static void
osip_quiet(const char *file, int line, osip_trace_level_t level,
    const char *fmt, va_list ap)
{
	(void)file;
	(void)line;
	(void)level;
	(void)fmt;
	(void)ap;
}

#endif /* SIPROXD_OSIPQUIET_H */
