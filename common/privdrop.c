/* SPDX-License-Identifier: ISC */
/* A child's way down from root: chroot, drop ids and capabilities, sandbox. */

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "log.h"
#include "proc.h"

#ifndef SIPROXD_EMPTYDIR
#define SIPROXD_EMPTYDIR	"/var/empty"
#endif

/*
 * NULL if dir is fit to be a chroot: a directory nobody but root can
 * change; else the reason.  A jail its own prisoner could write to would
 * let it plant files for the next start.
 */
const char *
privdrop_check_chroot(const char *dir)
{
	struct stat	st;

	if (stat(dir, &st) == -1)
		return (strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return ("not a directory");
	if (st.st_mode & (S_IWGRP | S_IWOTH))
		return ("writable by group or others");
	return (NULL);
}

static void
privdrop_chroot(const char *dir)
{
	const char	*why;

	if (mkdir(dir, 0755) == -1 && errno != EEXIST)
		fatal("mkdir %s", dir);
	if ((why = privdrop_check_chroot(dir)) != NULL)
		fatalx("chroot %s: %s", dir, why);
	if (chroot(dir) == -1)
		fatal("chroot %s", dir);
	if (chdir("/") == -1)
		fatal("chdir /");
}

/*
 * As root: chroot to chrootjail (or an empty directory), take the user's
 * ids, lose every capability.  As anyone else there is nothing to give up
 * but the sandbox still applies.  Either way no_new_privs and the sandbox
 * come last, so nothing this process does later can regain privilege.
 */
void
privdrop_child(const struct siproxd_conf *conf, int proc)
{
	struct passwd	*pw;
	const char	*jail;

	jail = conf->chrootjail[0] != '\0' ? conf->chrootjail :
	    SIPROXD_EMPTYDIR;
	if (geteuid() == 0) {
		if ((pw = getpwnam(conf->user)) == NULL)
			fatalx("unknown user %s", conf->user);
		if (pw->pw_uid == 0)
			fatalx("user %s is root: refusing to run %s as root",
			    conf->user, proc_name(proc));
		privdrop_chroot(jail);
		if (setgroups(1, &pw->pw_gid) == -1 ||
		    setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) == -1 ||
		    setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) == -1)
			fatal("cannot drop privileges to %s", conf->user);
	} else
		log_warnx("not started as root: %s keeps uid %u and "
		    "is not chrooted", proc_name(proc), (unsigned)geteuid());
	proc_drop_caps();
	proc_no_new_privs();
	proc_sandbox(proc);
}
