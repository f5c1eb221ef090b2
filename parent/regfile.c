/* SPDX-License-Identifier: ISC */
/* The parent's side of the registration files: read and written on disk */
/* for sipd, which cannot reach them from its chroot. */

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "log.h"
#include "parent.h"
#include "proc.h"

#define REGFILE_MAX	(256 * 1024 * 1024)	/* sanity cap on what sipd sends */

/*
 * registration_file with ".state" after it: our own full form of the
 * table, beside the classic file that pfSense's page and the classic
 * siproxd read.
 */
static const char *
regfile_path(const struct siproxd_conf *conf, int which, char *buf,
    size_t len)
{
	int	n;

	if (which == REGF_CLASSIC)
		return (conf->registration_file);
	n = snprintf(buf, len, "%s.state", conf->registration_file);
	return (n < 0 || (size_t)n >= len ? NULL : buf);
}

/* One file's bytes to sipd, then end; the contents are sipd's business. */
static void
regfile_send(struct parent *p, int which, uint16_t type, uint16_t end)
{
	struct msgchan	*c = &p->child[PROC_SIPD].chan;
	char		 buf[MSG_MAXDATA], pbuf[CONF_PATHLEN + 8];
	const char	*path;
	ssize_t		 n = 0;
	size_t		 total = 0;
	int		 fd;

	if ((path = regfile_path(p->conf, which, pbuf, sizeof(pbuf))) ==
	    NULL) {
		msg_send(c, end, 0, -1, NULL, 0);
		return;
	}
	if ((fd = sf_open_read(path, p->conf->user)) == -1) {
		if (errno != ENOENT)
			log_warn("%s", path);
		msg_send(c, end, 0, -1, NULL, 0);
		return;
	}
	while (total < REGFILE_MAX && (n = read(fd, buf, sizeof(buf))) > 0) {
		msg_send(c, type, 0, -1, buf, n);
		total += n;
	}
	if (n == -1)
		log_warn("%s", path);
	close(fd);
	log_debug("read %zu bytes of %s", total, path);
	msg_send(c, end, 0, -1, NULL, 0);
}

/*
 * Hand both saved files to sipd, which parses them inside its sandbox:
 * we only move bytes.
 */
void
regfile_load(struct parent *p)
{
	if (p->conf->registration_file[0] == '\0') {
		msg_send(&p->child[PROC_SIPD].chan, MSG_REG_STATE_END, 0, -1,
		    NULL, 0);
		msg_send(&p->child[PROC_SIPD].chan, MSG_REG_COMMIT, 0, -1,
		    NULL, 0);
		return;
	}
	regfile_send(p, REGF_STATE, MSG_REG_STATE_DATA, MSG_REG_STATE_END);
	regfile_send(p, REGF_CLASSIC, MSG_REG_DATA, MSG_REG_COMMIT);
}

/* A chunk of a new registration file from sipd. */
void
regfile_data(struct parent *p, struct msg *m, int which)
{
	struct regw	*w = &p->regw[which];
	char		 pbuf[CONF_PATHLEN + 8];
	const char	*path;

	if (p->conf->registration_file[0] == '\0' || w->err)
		return;
	if (!w->open) {
		if ((path = regfile_path(p->conf, which, pbuf,
		    sizeof(pbuf))) == NULL) {
			w->err = ENAMETOOLONG;
			return;
		}
		if (sf_begin(&w->f, path, p->conf->user, 0600) == -1) {
			w->err = errno;
			return;
		}
		w->open = 1;
	}
	w->len += m->hdr.len;
	if (w->len > REGFILE_MAX)
		w->err = EFBIG;
	else if (sf_write(&w->f, m->data, m->hdr.len) == -1)
		w->err = errno;
}

/* The file is complete: durable, then in place, or the old one stays. */
static int
regfile_finish(struct parent *p, int which)
{
	struct regw	*w = &p->regw[which];
	struct msg	 empty;
	char		 pbuf[CONF_PATHLEN + 8];
	int		 err;

	if (!w->open && !w->err) {	/* an empty file: still written */
		memset(&empty, 0, sizeof(empty));
		empty.data = NULL;
		regfile_data(p, &empty, which);
	}
	if (w->open && !w->err && sf_commit(&w->f) == -1)
		w->err = errno;
	else if (w->open && w->err)
		sf_abort(&w->f);
	if (w->err)
		log_warnx("cannot save registrations to %s: %s",
		    regfile_path(p->conf, which, pbuf, sizeof(pbuf)),
		    strerror(w->err));
	err = w->err;
	memset(w, 0, sizeof(*w));
	return (err);
}

/* Our own file comes first: it names the classic one it goes with. */
void
regfile_state_end(struct parent *p)
{
	if (p->conf->registration_file[0] != '\0')
		p->regw[REGF_STATE].err = regfile_finish(p, REGF_STATE);
	p->regw[REGF_STATE].open = 0;
}

/* The classic file is complete; sipd hears how both went. */
void
regfile_commit(struct parent *p)
{
	struct msg_result	res;

	memset(&res, 0, sizeof(res));
	if (p->conf->registration_file[0] != '\0') {
		/* Our file failed: the old pair stays as it was. */
		if ((res.error = p->regw[REGF_STATE].err) != 0 &&
		    !p->regw[REGF_CLASSIC].err)
			p->regw[REGF_CLASSIC].err = ECANCELED;
		memset(&p->regw[REGF_STATE], 0, sizeof(p->regw[REGF_STATE]));
		if ((p->regw[REGF_CLASSIC].err = regfile_finish(p,
		    REGF_CLASSIC)) != 0 && res.error == 0)
			res.error = p->regw[REGF_CLASSIC].err;
		memset(&p->regw[REGF_CLASSIC], 0,
		    sizeof(p->regw[REGF_CLASSIC]));
	}
	msg_send(&p->child[PROC_SIPD].chan, MSG_REG_SAVED, 0, -1, &res,
	    sizeof(res));
}
