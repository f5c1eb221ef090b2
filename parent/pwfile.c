/* SPDX-License-Identifier: ISC */
/* The password file (proxy_auth_pwfile): read for sipd, again when it changes. */

#include <sys/types.h>
#include <sys/stat.h>

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "log.h"
#include "parent.h"
#include "proc.h"

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
