/* SPDX-License-Identifier: ISC */
/* Files root writes where others may write: no link can send it elsewhere. */

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "parent.h"

/*
 * The pid file and the registration files live in directories such as
 * pfSense's /var/siproxd, which belongs to the daemon user: anything
 * running as that user (a compromised sipd is chrooted elsewhere, but the
 * user may run other things) could plant a symbolic or hard link there.
 * So each file is reached through a descriptor of its directory with
 * *at() calls and O_NOFOLLOW; a new file is always a fresh temporary one
 * (O_EXCL) renamed over the old name, so a hard link planted at the name
 * is replaced, never written through; and in a directory that is not
 * root's alone, all of it is done with the daemon user's ids, so a link
 * can only lead where that user could write or read anyway.
 */

static int
sf_dir(const char *path, char *base, size_t baselen)
{
	char	d[CONF_PATHLEN], b[CONF_PATHLEN];
	int	fd;

	if (strlcpy(d, path, sizeof(d)) >= sizeof(d) ||
	    strlcpy(b, path, sizeof(b)) >= sizeof(b) ||
	    strlcpy(base, basename(b), baselen) >= baselen) {
		errno = ENAMETOOLONG;
		return (-1);
	}
	if ((fd = open(dirname(d), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return (-1);
	return (fd);
}

/* As the daemon user if the directory is not root's alone; 1 if so. */
static int
sf_enter(int dirfd, const char *user)
{
	struct passwd	*pw;
	struct stat	 st;

	if (geteuid() != 0)
		return (0);
	if (fstat(dirfd, &st) == -1)
		return (-1);
	if (st.st_uid == 0 && !(st.st_mode & (S_IWGRP | S_IWOTH)))
		return (0);
	if ((pw = getpwnam(user)) == NULL || pw->pw_uid == 0) {
		errno = EPERM;
		return (-1);
	}
	if (setegid(pw->pw_gid) == -1)
		return (-1);
	if (seteuid(pw->pw_uid) == -1) {
		(void)setegid(0);
		return (-1);
	}
	return (1);
}

static void
sf_leave(int lowered)
{
	int	saved = errno;

	if (lowered != 1)
		return;
	if (seteuid(0) == -1 || setegid(0) == -1)
		fatal("cannot take back root after writing a file");
	errno = saved;
}

void
sf_init(struct sfile *f)
{
	memset(f, 0, sizeof(*f));
	f->dirfd = -1;
	f->fd = -1;
}

/* A fresh temporary file beside path; -1 with errno. */
int
sf_begin(struct sfile *f, const char *path, const char *user, mode_t mode)
{
	int	lowered, n;

	sf_init(f);
	if ((f->dirfd = sf_dir(path, f->base, sizeof(f->base))) == -1)
		return (-1);
	n = snprintf(f->tmp, sizeof(f->tmp), ".%s.new", f->base);
	if (n < 0 || (size_t)n >= sizeof(f->tmp)) {
		errno = ENAMETOOLONG;
		goto fail;
	}
	f->user = user;
	if ((lowered = sf_enter(f->dirfd, user)) == -1)
		goto fail;
	/* One left by a crash, or planted: the link goes, not its target. */
	if (unlinkat(f->dirfd, f->tmp, 0) == -1 && errno != ENOENT) {
		sf_leave(lowered);
		goto fail;
	}
	f->fd = openat(f->dirfd, f->tmp, O_WRONLY | O_CREAT | O_EXCL |
	    O_NOFOLLOW | O_CLOEXEC, mode);
	sf_leave(lowered);
	if (f->fd == -1)
		goto fail;
	return (0);
fail:
	f->err = errno;
	sf_abort(f);
	errno = f->err;
	return (-1);
}

int
sf_write(struct sfile *f, const void *p, size_t len)
{
	const char	*d = p;
	ssize_t		 n;

	while (len > 0) {
		if ((n = write(f->fd, d, len)) == -1) {
			if (errno == EINTR)
				continue;
			return (-1);
		}
		d += n;
		len -= n;
	}
	return (0);
}

/* Durable, then in place of the old file: either old or new, never half. */
int
sf_commit(struct sfile *f)
{
	int	lowered, r = -1;

	if (fsync(f->fd) == -1 || close(f->fd) == -1) {
		f->fd = -1;
		goto done;
	}
	f->fd = -1;
	if ((lowered = sf_enter(f->dirfd, f->user)) == -1)
		goto done;
	r = renameat(f->dirfd, f->tmp, f->dirfd, f->base);
	sf_leave(lowered);
done:
	if (r == -1) {
		f->err = errno;
		sf_abort(f);
		errno = f->err;
		return (-1);
	}
	close(f->dirfd);
	f->dirfd = -1;
	return (0);
}

void
sf_abort(struct sfile *f)
{
	int	lowered, saved = errno;

	if (f->fd != -1)
		close(f->fd);
	f->fd = -1;
	if (f->dirfd != -1 && f->tmp[0] != '\0' &&
	    (lowered = sf_enter(f->dirfd, f->user)) != -1) {
		(void)unlinkat(f->dirfd, f->tmp, 0);
		sf_leave(lowered);
	}
	if (f->dirfd != -1)
		close(f->dirfd);
	f->dirfd = -1;
	errno = saved;
}

/* A whole file written as sf_begin() .. sf_commit() do; -1 with errno. */
int
sf_put(const char *path, const char *user, mode_t mode, const void *p,
    size_t len)
{
	struct sfile	f;

	if (sf_begin(&f, path, user, mode) == -1)
		return (-1);
	if (sf_write(&f, p, len) == -1) {
		f.err = errno;
		sf_abort(&f);
		errno = f.err;
		return (-1);
	}
	return (sf_commit(&f));
}

/* A regular file to read, never through a link; -1 with errno. */
int
sf_open_read(const char *path, const char *user)
{
	struct stat	st;
	char		base[CONF_PATHLEN];
	int		dirfd, fd, lowered;

	if ((dirfd = sf_dir(path, base, sizeof(base))) == -1)
		return (-1);
	if ((lowered = sf_enter(dirfd, user)) == -1) {
		close(dirfd);
		return (-1);
	}
	fd = openat(dirfd, base, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC);
	sf_leave(lowered);
	close(dirfd);
	if (fd == -1)
		return (-1);
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		close(fd);
		errno = EINVAL;
		return (-1);
	}
	return (fd);
}

/* Remove the name, whatever it is; a link goes, not its target. */
void
sf_unlink(const char *path, const char *user)
{
	char	base[CONF_PATHLEN];
	int	dirfd, lowered;

	if ((dirfd = sf_dir(path, base, sizeof(base))) == -1)
		return;
	if ((lowered = sf_enter(dirfd, user)) != -1) {
		(void)unlinkat(dirfd, base, 0);
		sf_leave(lowered);
	}
	close(dirfd);
}
