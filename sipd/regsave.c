/* SPDX-License-Identifier: ISC */
/* sipd's side of the registration files: the table (regtable.c) loaded at */
/* start, saved on a timer and at stop; the parent does the disk work. */

#include <sys/types.h>

#include <event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "child.h"
#include "conf.h"
#include "hastore.h"
#include "log.h"
#include "mod.h"
#include "mono.h"
#include "regtable.h"
#include "side.h"
#include "siphash.h"
#include "sipd.h"

#define REGSTORE_MAX	(256 * 1024 * 1024)

/* The files as the parent read them: [0] the classic, [1] our own. */
static char		*load_buf[2];
static size_t		 load_len[2];
static int		 load_due;	/* parse once the sandbox is on */
static struct event	*save_ev;
static int		 dirty;
static int		 saving;
static int		 stopping;
/* The file that holds the table as it is when nothing is dirty. */
static char		 synced[CONF_PATHLEN];
static char		 pending[CONF_PATHLEN];	/* the save under way */

void
regsave_data(int which, const void *p, size_t len)
{
	char	*n;

	if (load_len[which] + len > REGSTORE_MAX)
		fatalx("registration file too large");
	if ((n = realloc(load_buf[which], load_len[which] + len)) == NULL)
		fatal("%s", __func__);
	memcpy(n + load_len[which], p, len);
	load_buf[which] = n;
	load_len[which] += len;
}

/* Our file says which classic file it goes with: a hash of its bytes. */
static void
regsave_tag(const char *buf, size_t len, char *tag, size_t taglen)
{
	static const struct siphash_key	 key = { 0, 0 };

	snprintf(tag, taglen, "classic=%016llx",
	    (unsigned long long)siphash24(&key, buf != NULL ? buf : "", len));
}

/*
 * Our file holds the registrations, then sections of other state, each
 * after a line of its name: where the first begins, or len.
 */
static size_t
regsave_split(const char *buf, size_t len)
{
	static const char	 mark[] = "\n" BL_SECTION "\n";
	const char		*p;

	if (buf == NULL || (p = memmem(buf, len, mark, sizeof(mark) - 1)) ==
	    NULL)
		return (len);
	return (p - buf + 1);
}

/*
 * plugin_blacklist's records, from our file whichever file the
 * registrations come from: they do not depend on each other.
 */
static void
regsave_sections(time_t mono, time_t wall)
{
	size_t	off = regsave_split(load_buf[1], load_len[1]);

	if (off == load_len[1])
		return;
	off += sizeof(BL_SECTION);
	blacklist_restore(load_buf[1] + off, load_len[1] - off, mono, wall);
}

/*
 * Which file to believe: ours when it goes with the classic file beside
 * it (a crash between the two renames, or the classic daemon run in the
 * meantime, leaves them apart: then the classic one); a classic file
 * alone (an upgrade) in the classic format; a file of an earlier version
 * of this daemon, in our format under the classic name, as it is.
 */
static int
regsave_parse(void)
{
	const char	*cb = load_buf[0] != NULL ? load_buf[0] : "";
	char		 want[64], have[64];
	time_t		 mono = mono_now(), wall = time(NULL);
	size_t		 ours = regsave_split(load_buf[1], load_len[1]);

	regsave_sections(mono, wall);
	if (reg_is_ours(cb, load_len[0]))
		return (reg_deserialize(cb, regsave_split(cb, load_len[0]),
		    mono, wall));
	regsave_tag(cb, load_len[0], want, sizeof(want));
	if (load_len[1] > 0 && reg_file_tag(load_buf[1], load_len[1], have,
	    sizeof(have)) == 0 && strcmp(have, want) == 0)
		return (reg_deserialize(load_buf[1], ours, mono, wall));
	if (load_len[1] > 0)
		log_warnx("%s.state does not go with %s: reading the classic "
		    "file", child->conf->registration_file,
		    child->conf->registration_file);
	if (load_len[0] == 0)
		return (0);
	return (reg_classic_deserialize(cb, load_len[0], mono, wall));
}

/*
 * Both files are here.  They are parsed only once the sandbox is on
 * (sipd_running()): a file in a directory the daemon user can write may
 * hold anything.
 */
void
regsave_loaded(void)
{
	int	n, i;

	if (!child->started) {
		load_due = 1;
		return;
	}
	load_due = 0;
	n = regsave_parse();
	if (n > 0)
		log_info("restored %d registrations", n);
	strlcpy(synced, child->conf->registration_file, sizeof(synced));
	for (i = 0; i < 2; i++) {
		free(load_buf[i]);
		load_buf[i] = NULL;
		load_len[i] = 0;
	}
}

/* The sections after the registrations (regsave_split()). */
static void
regsave_append(char **buf, size_t *len, time_t mono, time_t wall)
{
	char	*s, *n;
	size_t	 slen;

	if ((s = blacklist_save(&slen, mono, wall)) == NULL)
		return;
	if ((n = realloc(*buf, *len + slen + 1)) == NULL)
		fatal("%s", __func__);
	memcpy(n + *len, s, slen + 1);
	*buf = n;
	*len += slen;
	free(s);
}

/* Our own file first, naming the classic one, then the classic one. */
static void
regsave_save(void)
{
	char	*buf, *cbuf, host[256], port[8], tag[64];
	size_t	 len, clen;
	time_t	 mono = mono_now(), wall = time(NULL);

	side_host(ROLE_OUTBOUND, AF_INET, host, sizeof(host));
	snprintf(port, sizeof(port), "%u", child->conf->sip_listen_port);
	reg_classic_serialize(&cbuf, &clen, mono, wall, host, port);
	regsave_tag(cbuf, clen, tag, sizeof(tag));
	reg_serialize_tag(&buf, &len, mono, wall, tag);
	regsave_append(&buf, &len, mono, wall);
	msg_send_blob(&child->parent, MSG_REG_STATE_DATA, MSG_REG_STATE_END,
	    buf, len);
	msg_send_blob(&child->parent, MSG_REG_DATA, MSG_REG_COMMIT, cbuf, clen);
	free(buf);
	free(cbuf);
	strlcpy(pending, child->conf->registration_file, sizeof(pending));
	saving = 1;
	dirty = 0;
}

void
regsave_saved(struct msg *m)
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
regsave_dirty(void)
{
	dirty = 1;
	ha_flush();
}

/*
 * Something to write: a change since the last save, or a new
 * registration_file (SIGHUP) that does not hold the table yet.  A save
 * of an unchanged table would still rewrite the file: the expiry times
 * in it are wall-clock times computed from the monotonic clock, and may
 * come out a second apart.
 */
static int
regsave_due(void)
{
	return (!saving && child->conf->registration_file[0] != '\0' &&
	    (dirty || strcmp(synced, child->conf->registration_file) != 0));
}

static void
regsave_tick(int fd, short ev, void *arg)
{
	if (regsave_due())
		regsave_save();
}

void
regsave_start(void)
{
	struct timeval	tv;

	if (load_due)
		regsave_loaded();

	if (child->conf->autosave_registrations <= 0)
		return;
	tv.tv_sec = child->conf->autosave_registrations;
	tv.tv_usec = 0;
	save_ev = event_new(child->base, -1, EV_PERSIST, regsave_tick, NULL);
	if (save_ev == NULL || event_add(save_ev, &tv) == -1)
		fatalx("event_add");
}

/* At stop: save what changed and leave when the parent says it is written. */
void
regsave_shutdown(void)
{
	stopping = 1;
	if (child->conf->registration_file[0] == '\0' || !child->started)
		child_exit(0);
	if (saving)
		return;		/* regsave_saved() exits */
	if (!regsave_due())
		child_exit(0);
	regsave_save();
}
