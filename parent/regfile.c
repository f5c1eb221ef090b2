/* SPDX-License-Identifier: ISC */
/* The registration file, written for sipd: new file, fsync, rename. */

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

static int
regfile_tmpname(const struct siproxd_conf *conf, char *buf, size_t len)
{
	int	n;

	n = snprintf(buf, len, "%s.new", conf->registration_file);
	return (n < 0 || (size_t)n >= len ? -1 : 0);
}

/* 1 if the password file is not what was last sent to sipd. */
static int
pwfile_changed(struct parent *p)
{
	struct stat	st;

	if (stat(p->conf->proxy_auth_pwfile, &st) == -1)
		memset(&st, 0, sizeof(st));
	if (st.st_ino == p->pw_ino && st.st_size == p->pw_size &&
	    st.st_mtim.tv_sec == p->pw_mtime.tv_sec &&
	    st.st_mtim.tv_nsec == p->pw_mtime.tv_nsec)
		return (0);
	p->pw_ino = st.st_ino;
	p->pw_size = st.st_size;
	p->pw_mtime = st.st_mtim;
	return (1);
}

/*
 * The password file for sipd, which cannot open it in its chroot; read
 * at start and on every reload, and wiped from our memory once sent.
 */
void
pwfile_send(struct parent *p)
{
	struct msgchan	*c = &p->child[PROC_SIPD].chan;
	char		 buf[MSG_MAXDATA];
	ssize_t		 n;
	int		 fd;

	if (p->conf->proxy_auth_pwfile[0] != '\0') {
		(void)pwfile_changed(p);
		if ((fd = open(p->conf->proxy_auth_pwfile,
		    O_RDONLY | O_CLOEXEC)) == -1)
			log_warn("proxy_auth_pwfile %s",
			    p->conf->proxy_auth_pwfile);
		else {
			while ((n = read(fd, buf, sizeof(buf))) > 0)
				msg_send(c, MSG_PWFILE_DATA, 0, -1, buf, n);
			if (n == -1)
				log_warn("proxy_auth_pwfile %s",
				    p->conf->proxy_auth_pwfile);
			close(fd);
			explicit_bzero(buf, sizeof(buf));
		}
	}
	msg_send(c, MSG_PWFILE_END, 0, -1, NULL, 0);
}

/*
 * The classic read the password file at each check, so a change took
 * effect without a signal; pfSense rewrites it and signals a pid file
 * that the classic never wrote.  Called every few seconds: a file that
 * changed is sent to sipd again.
 */
void
pwfile_watch(struct parent *p)
{
	if (p->conf->proxy_auth_pwfile[0] == '\0' || !pwfile_changed(p))
		return;
	log_info("proxy_auth_pwfile %s changed: reading it again",
	    p->conf->proxy_auth_pwfile);
	pwfile_send(p);
}

/* Hand the saved registrations to sipd; the contents are sipd's business. */
void
regfile_load(struct parent *p)
{
	struct msgchan	*c = &p->child[PROC_SIPD].chan;
	char		 buf[MSG_MAXDATA];
	ssize_t		 n;
	size_t		 total = 0;
	int		 fd;

	if (p->conf->registration_file[0] == '\0') {
		msg_send(c, MSG_REG_COMMIT, 0, -1, NULL, 0);
		return;
	}
	if ((fd = open(p->conf->registration_file, O_RDONLY | O_CLOEXEC)) ==
	    -1) {
		if (errno != ENOENT)
			log_warn("%s", p->conf->registration_file);
		msg_send(c, MSG_REG_COMMIT, 0, -1, NULL, 0);
		return;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0 && total < REGFILE_MAX) {
		msg_send(c, MSG_REG_DATA, 0, -1, buf, n);
		total += n;
	}
	if (n == -1)
		log_warn("%s", p->conf->registration_file);
	close(fd);
	log_debug("loaded %zu bytes of registrations", total);
	msg_send(c, MSG_REG_COMMIT, 0, -1, NULL, 0);
}

static int
regfile_open(struct parent *p)
{
	char	tmp[CONF_PATHLEN + 8];

	if (regfile_tmpname(p->conf, tmp, sizeof(tmp)) == -1) {
		errno = ENAMETOOLONG;
		return (-1);
	}
	return (open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
}

/* A chunk of a new registration file from sipd. */
void
regfile_data(struct parent *p, struct msg *m)
{
	const uint8_t	*d = m->data;
	size_t		 left = m->hdr.len;
	ssize_t		 n;

	if (p->conf->registration_file[0] == '\0' || p->regerr)
		return;
	if (p->regfd == -1 && (p->regfd = regfile_open(p)) == -1) {
		p->regerr = errno;
		return;
	}
	p->reglen += left;
	if (p->reglen > REGFILE_MAX) {
		p->regerr = EFBIG;
		return;
	}
	while (left > 0) {
		if ((n = write(p->regfd, d, left)) == -1) {
			if (errno == EINTR)
				continue;
			p->regerr = errno;
			return;
		}
		d += n;
		left -= n;
	}
}

/*
 * The new file is complete: make it durable, then put it in place.  On any
 * error the old file stays as it was and sipd hears why.
 */
void
regfile_commit(struct parent *p)
{
	struct msg_result	res;
	char			tmp[CONF_PATHLEN + 8];

	memset(&res, 0, sizeof(res));
	if (p->conf->registration_file[0] == '\0')
		goto done;
	if (p->regfd == -1 && !p->regerr && (p->regfd = regfile_open(p)) == -1)
		p->regerr = errno;
	if (p->regfd != -1) {
		if (!p->regerr && fsync(p->regfd) == -1)
			p->regerr = errno;
		if (close(p->regfd) == -1 && !p->regerr)
			p->regerr = errno;
	}
	if (regfile_tmpname(p->conf, tmp, sizeof(tmp)) == -1)
		p->regerr = ENAMETOOLONG;
	else if (!p->regerr && rename(tmp, p->conf->registration_file) == -1)
		p->regerr = errno;
	if (p->regerr) {
		log_warnx("cannot save registrations to %s: %s",
		    p->conf->registration_file, strerror(p->regerr));
		unlink(tmp);
	}
	res.error = p->regerr;
done:
	p->regfd = -1;
	p->regerr = 0;
	p->reglen = 0;
	msg_send(&p->child[PROC_SIPD].chan, MSG_REG_SAVED, 0, -1, &res,
	    sizeof(res));
}
