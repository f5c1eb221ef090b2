/* SPDX-License-Identifier: ISC */
/* The TLS certificate, key and CA files, read for sipd at start and reload. */

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "log.h"
#include "parent.h"
#include "proc.h"

#define TLSFILE_MAX	(4 * 1024 * 1024)	/* a CA bundle is ~200 kB */

/* Where Debian, Alpine and Fedora's compat link keep the system store. */
#define TLS_SYSTEM_CA	"/etc/ssl/certs/ca-certificates.crt"

struct tlsfile {
	const char	*key;		/* the config key, for log lines */
	const char	*path;
	uint16_t	 type;		/* MSG_TLS_* */
	char		*buf;
	size_t		 len;
};

/* The whole file into f->buf; -1 with a log line. */
static int
tlsfile_read(struct tlsfile *f)
{
	struct stat	 st;
	ssize_t		 n;
	int		 fd;

	if ((fd = open(f->path, O_RDONLY | O_CLOEXEC)) == -1) {
		log_warn("%s %s", f->key, f->path);
		return (-1);
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size > TLSFILE_MAX || st.st_size == 0) {
		log_warnx("%s %s: not a file of 1 byte to %d MB", f->key,
		    f->path, TLSFILE_MAX / 1024 / 1024);
		close(fd);
		return (-1);
	}
	if ((f->buf = malloc(st.st_size)) == NULL)
		fatal("%s", __func__);
	while (f->len < (size_t)st.st_size) {
		n = read(fd, f->buf + f->len, st.st_size - f->len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			log_warnx("%s %s: %s", f->key, f->path, n == 0 ?
			    "shorter than it was" : strerror(errno));
			close(fd);
			return (-1);
		}
		f->len += n;
	}
	close(fd);
	return (0);
}

static void
tlsfiles_clear(struct tlsfile *f, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		freezero(f[i].buf, f[i].len);
}

/*
 * sipd cannot open these in its chroot, and must not be able to: read
 * here, sent whole, wiped from our memory.  Only when every file reads
 * does sipd hear of them, so a reload with a missing file keeps the
 * running certificate.  Without TLS, an empty set turns it off.  -1 if a
 * file did not read.
 */
int
tlsfiles_send(struct parent *p)
{
	const struct siproxd_conf	*c = p->conf;
	struct msgchan			*ch = &p->child[PROC_SIPD].chan;
	struct tlsfile			 f[4];
	size_t				 i, n = 0, off, len;

	memset(f, 0, sizeof(f));
	if (CONF_TLS_ON(c)) {
		f[n].key = "tls_cert_file";
		f[n].path = c->tls_cert_file;
		f[n++].type = MSG_TLS_CERT;
		f[n].key = "tls_key_file";
		f[n].path = c->tls_key_file;
		f[n++].type = MSG_TLS_KEY;
		f[n].key = "tls_ca_file";
		f[n].path = c->tls_ca_file[0] != '\0' ? c->tls_ca_file :
		    TLS_SYSTEM_CA;
		f[n++].type = MSG_TLS_CA;
	}
	/* Redis over TLS: its own CA if given, else the providers'. */
	if (c->ha_redis[0] != '\0' && c->ha_redis_tls) {
		f[n].key = c->ha_redis_ca_file[0] != '\0' ?
		    "ha_redis_ca_file" : "tls_ca_file";
		f[n].path = c->ha_redis_ca_file[0] != '\0' ?
		    c->ha_redis_ca_file : c->tls_ca_file[0] != '\0' ?
		    c->tls_ca_file : TLS_SYSTEM_CA;
		f[n++].type = MSG_HA_CA;
	}
	for (i = 0; i < n; i++)
		if (tlsfile_read(&f[i]) == -1) {
			tlsfiles_clear(f, n);
			return (-1);
		}
	for (i = 0; i < n; i++)
		for (off = 0; off < f[i].len; off += len) {
			len = f[i].len - off > MSG_MAXDATA ? MSG_MAXDATA :
			    f[i].len - off;
			msg_send(ch, f[i].type, 0, -1, f[i].buf + off, len);
		}
	msg_send(ch, MSG_TLS_END, 0, -1, NULL, 0);
	tlsfiles_clear(f, n);
	return (0);
}
