/* SPDX-License-Identifier: ISC */
/* SIP over TCP (RFC 3261 §18.3). */

#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <unistd.h>

#include "log.h"
#include "sipd.h"

/* Not yet: a connection is accepted and closed with a log line. */
void
tcp_accept(int fd, short ev, void *arg)
{
	struct sockaddr_storage	ss;
	socklen_t		len = sizeof(ss);
	int			s;

	if ((s = accept(fd, (struct sockaddr *)&ss, &len)) == -1) {
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			log_warn("accept");
		return;
	}
	log_info("%s: SIP over TCP is not supported yet: closed",
	    log_sa((struct sockaddr *)&ss));
	close(s);
}

int
tcp_send(int role, const struct sockaddr *dst, uint64_t conn, const char *buf,
    size_t len)
{
	log_info("%s: SIP over TCP is not supported yet: not sent",
	    log_sa(dst));
	return (-1);
}
