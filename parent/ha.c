/* SPDX-License-Identifier: ISC */
/* The failover pair: the Redis password and connections, made for sipd. */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "conf.h"
#include "log.h"
#include "mono.h"
#include "parent.h"
#include "proc.h"

/* sipd retries once a second; faster than this is not sipd behaving. */
#define HA_CONNECT_PER_MINUTE	120

/*
 * ha_redis_password_file: its first line, without the newline.  Sent at
 * start and at each reload, as the proxy_auth_pwfile is: sipd cannot open
 * a file outside its chroot.
 */
void
ha_auth_send(struct parent *p)
{
	char	buf[MSG_HA_AUTHMAX + 1];
	ssize_t	n;
	size_t	len;
	int	fd;

	if (p->conf->ha_redis[0] == '\0' ||
	    p->conf->ha_redis_password_file[0] == '\0')
		return;
	if ((fd = open(p->conf->ha_redis_password_file,
	    O_RDONLY | O_CLOEXEC)) == -1) {
		log_warn("ha_redis_password_file %s",
		    p->conf->ha_redis_password_file);
		return;
	}
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n == -1)
		log_warn("ha_redis_password_file %s",
		    p->conf->ha_redis_password_file);
	else {
		len = strcspn(buf, "\r\n");
		if ((size_t)n < len)
			len = n;
		if (len == 0 || len > MSG_HA_AUTHMAX || memchr(buf, '\0',
		    len) != NULL)
			log_warnx("ha_redis_password_file %s: want one line "
			    "of 1 to %d bytes", p->conf->ha_redis_password_file,
			    MSG_HA_AUTHMAX);
		else
			msg_send(&p->child[PROC_SIPD].chan, MSG_HA_AUTH, 0, -1,
			    buf, len);
	}
	explicit_bzero(buf, sizeof(buf));
}

/* A non-blocking connect to ha_redis; sipd sees it complete or fail. */
static int
ha_connect(const char *where)
{
	struct sockaddr_storage	 ss;
	struct sockaddr_un	*sun = (struct sockaddr_un *)&ss;
	socklen_t		 len;
	int			 s;

	memset(&ss, 0, sizeof(ss));
	if (where[0] == '/') {
		sun->sun_family = AF_UNIX;
		if (strlcpy(sun->sun_path, where, sizeof(sun->sun_path)) >=
		    sizeof(sun->sun_path)) {
			errno = ENAMETOOLONG;
			return (-1);
		}
		len = sizeof(*sun);
	} else if (addr_parse_port(where, 6379, &ss) == -1) {
		errno = EINVAL;
		return (-1);
	} else
		len = addr_len((struct sockaddr *)&ss);
	if ((s = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0)) == -1)
		return (-1);
	if (connect(s, (struct sockaddr *)&ss, len) == -1 &&
	    errno != EINPROGRESS && errno != EAGAIN) {
		close(s);
		return (-1);
	}
	return (s);
}

/*
 * sipd asks for a connection to Redis: the parent makes it to the
 * configured place only, so a child that asks cannot reach anything else
 * (and needs no AF_UNIX socket or path inside its chroot).
 */
void
priv_ha_socket(struct parent *p, struct msg *m)
{
	struct msg_result	 res;
	time_t			 now = mono_now();
	int			 s = -1;

	if (now - p->ha_minute >= 60) {
		p->ha_minute = now;
		p->ha_asked = 0;
	}
	if (++p->ha_asked > HA_CONNECT_PER_MINUTE) {
		log_warnx("refused sipd's request for a redis connection: "
		    "too many: stopping");
		parent_stop(1);
		return;
	}
	memset(&res, 0, sizeof(res));
	/* A reload may have taken ha_redis away while sipd asked. */
	if (p->conf->ha_redis[0] == '\0')
		res.error = ENOTCONN;
	else if ((s = ha_connect(p->conf->ha_redis)) == -1)
		res.error = errno;
	msg_send(&p->child[PROC_SIPD].chan, MSG_HA_SOCKET, m->hdr.id, s,
	    &res, sizeof(res));
}
