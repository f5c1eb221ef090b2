/* SPDX-License-Identifier: ISC */
/*
 * plugin_stats: each media stream's counters (rtpd's, per side: packets,
 * bytes, RTP packets lost, SSRC changes; packets from strangers dropped)
 * are logged when its call ends, and every stream's on SIGUSR1 and every
 * plugin_stats_to_syslog (or _to_file) seconds.
 */

#include <sys/types.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "child.h"
#include "conf.h"
#include "log.h"
#include "mono.h"
#include "mod.h"
#include "regtable.h"
#include "sipd.h"

struct stats_cfg {
	int	 to_syslog;	/* 0 off, -1 SIGUSR1 only, n: every n s */
	int	 to_file;	/* as to_syslog: sipd writes no file */
	char	*filename;
};

static time_t	stats_last;

static int
stats_period(int *v, const char *val, char *err, size_t errlen)
{
	const char	*e;

	*v = strtonum(val, -1, INT_MAX, &e);
	if (e != NULL) {
		snprintf(err, errlen, "\"%s\" is not -1, 0 or a number of "
		    "seconds", log_wire(val, strlen(val)));
		return (-1);
	}
	return (0);
}

static int
stats_to_syslog(void *cfgp, const char *val, char *err, size_t errlen)
{
	return (stats_period(&((struct stats_cfg *)cfgp)->to_syslog, val,
	    err, errlen));
}

static int
stats_to_file(void *cfgp, const char *val, char *err, size_t errlen)
{
	return (stats_period(&((struct stats_cfg *)cfgp)->to_file, val,
	    err, errlen));
}

/* Kept so the classic's line is read; nothing is written there. */
static int
stats_filename(void *cfgp, const char *val, char *err, size_t errlen)
{
	struct stats_cfg	*cfg = cfgp;

	free(cfg->filename);
	if ((cfg->filename = strdup(val)) == NULL)
		fatal("%s", __func__);
	return (0);
}

static void
stats_free(void *cfgp)
{
	free(((struct stats_cfg *)cfgp)->filename);
}

/* Every stream's counters: rtpd answers with one message each. */
static void
stats_dump(const char *why)
{
	log_info("stats (%s): %zu phones registered", why, reg_count());
	relay_stats_request();
	stats_last = mono_now();
}

/* The shorter of the two periods that are set. */
static int
stats_every(const struct stats_cfg *cfg)
{
	int	a = cfg->to_syslog > 0 ? cfg->to_syslog : 0;
	int	b = cfg->to_file > 0 ? cfg->to_file : 0;

	if (a == 0 || (b != 0 && b < a))
		return (b);
	return (a);
}

static enum mod_verdict
stats_run(void *cfgp, struct mod_msg *mm)
{
	int	every = stats_every(cfgp);

	if (stats_last == 0)
		stats_last = mono_now();
	else if (every > 0 && mono_now() - stats_last >= every)
		stats_dump("timer");
	return (MOD_GO);
}

void
stats_signal(void)
{
	if (mod_loaded(&mod_stats) == NULL) {
		log_info("SIGUSR1: plugin_stats is not loaded");
		return;
	}
	stats_dump("SIGUSR1");
}

static void
stats_leg(char *buf, size_t len, const char *side,
    const struct msg_relay_count *c)
{
	snprintf(buf, len, "%s %llu packets %llu bytes %llu lost "
	    "%u ssrc changes", side, (unsigned long long)c->packets,
	    (unsigned long long)c->bytes, (unsigned long long)c->lost,
	    c->ssrcs);
}

/* rtpd's counters of one stream: logged if plugin_stats is loaded. */
void
stats_stream(const struct msg_relay_stats *s)
{
	static const char	*why[RELAY_W_MAX] = {
		"now", "call ended", "expired"
	};
	char			 lan[160], wan[160];

	if (mod_loaded(&mod_stats) == NULL)
		return;
	stats_leg(lan, sizeof(lan), "lan", &s->leg[ROLE_INBOUND]);
	stats_leg(wan, sizeof(wan), "wan", &s->leg[ROLE_OUTBOUND]);
	log_info("stats: call %016llx stream %u (%s): %s, %s, %llu dropped",
	    (unsigned long long)s->call, s->stream, why[s->why], lan, wan,
	    (unsigned long long)s->dropped);
}

static const struct mod_key stats_keys[] = {
	{ "to_syslog",	stats_to_syslog },
	{ "to_file",	stats_to_file },
	{ "filename",	stats_filename },
	{ NULL,		NULL }
};

const struct mod_def mod_stats = {
	.name =		"stats",
	.hooks =	MOD_BIT(MOD_TIMER),
	.cfgsize =	sizeof(struct stats_cfg),
	.keys =		stats_keys,
	.cfgfree =	stats_free,
	.run =		stats_run,
};
