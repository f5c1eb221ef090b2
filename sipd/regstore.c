/* SPDX-License-Identifier: ISC */
/* Registrations on disk: load at start, save on a timer and at stop. */

#include <sys/types.h>

#include <event.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "child.h"
#include "conf.h"
#include "log.h"
#include "reg.h"
#include "sipd.h"

#define REGSTORE_MAX	(256 * 1024 * 1024)

static char		*load_buf;
static size_t		 load_len;
static struct event	*save_ev;
static int		 dirty;
static int		 saving;
static int		 stopping;
/* The file that holds the table as it is when nothing is dirty. */
static char		 synced[CONF_PATHLEN];
static char		 pending[CONF_PATHLEN];	/* the save under way */

time_t
mono_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec);
}

void
regstore_data(const void *p, size_t len)
{
	char	*n;

	if (load_len + len > REGSTORE_MAX)
		fatalx("registration file too large");
	if ((n = realloc(load_buf, load_len + len)) == NULL)
		fatal("%s", __func__);
	memcpy(n + load_len, p, len);
	load_buf = n;
	load_len += len;
}

void
regstore_loaded(void)
{
	int	n;

	n = reg_deserialize(load_buf != NULL ? load_buf : "", load_len,
	    mono_now(), time(NULL));
	if (n > 0)
		log_info("restored %d registrations", n);
	strlcpy(synced, child->conf->registration_file, sizeof(synced));
	free(load_buf);
	load_buf = NULL;
	load_len = 0;
}

static void
regstore_save(void)
{
	char	*buf;
	size_t	 len;

	if (reg_serialize(&buf, &len, mono_now(), time(NULL)) == -1) {
		log_warnx("cannot serialise registrations");
		return;
	}
	msg_send_blob(&child->parent, MSG_REG_DATA, MSG_REG_COMMIT, buf, len);
	free(buf);
	strlcpy(pending, child->conf->registration_file, sizeof(pending));
	saving = 1;
	dirty = 0;
}

void
regstore_saved(struct msg *m)
{
	struct msg_result	r;

	memcpy(&r, m->data, sizeof(r));
	saving = 0;
	if (r.error != 0)
		dirty = 1;	/* try again at the next tick */
	else
		strlcpy(synced, pending, sizeof(synced));
	if (stopping)
		child_exit(0);
}

void
regstore_dirty(void)
{
	dirty = 1;
}

/*
 * Something to write: a change since the last save, or a new
 * registration_file (SIGHUP) that does not hold the table yet.  A save
 * of an unchanged table would still rewrite the file: the expiry times
 * in it are wall-clock times computed from the monotonic clock, and may
 * come out a second apart.
 */
static int
regstore_due(void)
{
	return (!saving && child->conf->registration_file[0] != '\0' &&
	    (dirty || strcmp(synced, child->conf->registration_file) != 0));
}

static void
regstore_tick(int fd, short ev, void *arg)
{
	if (regstore_due())
		regstore_save();
}

void
regstore_start(void)
{
	struct timeval	tv;

	if (child->conf->autosave_registrations <= 0)
		return;
	tv.tv_sec = child->conf->autosave_registrations;
	tv.tv_usec = 0;
	save_ev = event_new(child->base, -1, EV_PERSIST, regstore_tick, NULL);
	if (save_ev == NULL || event_add(save_ev, &tv) == -1)
		fatalx("event_add");
}

/* At stop: save what changed and leave when the parent says it is written. */
void
regstore_shutdown(void)
{
	stopping = 1;
	if (child->conf->registration_file[0] == '\0' || !child->started)
		child_exit(0);
	if (saving)
		return;		/* regstore_saved() exits */
	if (!regstore_due())
		child_exit(0);
	regstore_save();
}
