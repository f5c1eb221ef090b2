/* SPDX-License-Identifier: ISC */
/*
 * Logging to syslog, or to stderr in the foreground.  The children log
 * through the parent: they hold no terminal and no syslog socket.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <paths.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>
#include <vis.h>

#include "log.h"
#include "mono.h"
#include "msg.h"

static int		 log_to_stderr;
static int		 log_fd = -1;	/* a child's channel to the parent */
static int		 verbose;
static const char	*log_procname = "siproxd";
static void		(*log_tap)(const char *, const char *);

/*
 * Log to stderr when debug is set, else to syslog with the given facility.
 * LOG_NDELAY opens the socket now, before any chroot hides /dev/log.
 */
void
log_init(int debug, int facility)
{
	extern char	*__progname;

	log_to_stderr = debug;
	if (!debug)
		openlog(__progname, LOG_PID | LOG_NDELAY, facility);
	tzset();
}

/*
 * A child: every line goes to the parent over fd, one message each, and
 * the parent writes it where its own lines go.  A blocking send, so that
 * fatal()'s last word gets out before the exit.
 */
void
log_init_fd(int fd)
{
	log_to_stderr = 0;
	log_fd = fd;
	tzset();
}

/* Whether a syslog daemon listens on _PATH_LOG (datagram or stream). */
int
log_syslog_reachable(void)
{
	struct sockaddr_un	sun;
	int			s, ok, type;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	(void)strlcpy(sun.sun_path, _PATH_LOG, sizeof(sun.sun_path));
	for (type = SOCK_DGRAM; ; type = SOCK_STREAM) {
		if ((s = socket(AF_UNIX, type | SOCK_CLOEXEC, 0)) == -1)
			return (0);
		ok = connect(s, (struct sockaddr *)&sun, sizeof(sun)) == 0;
		close(s);
		if (ok || errno != EPROTOTYPE || type == SOCK_STREAM)
			return (ok);
	}
}

void
log_procinit(const char *procname)
{
	if (procname != NULL)
		log_procname = procname;
}

void
log_setverbose(int v)
{
	verbose = v;
}

int
log_getverbose(void)
{
	return (verbose);
}

void
logit(int pri, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vlog(pri, fmt, ap);
	va_end(ap);
}

/* Another reader of every line the parent writes (debug_port). */
void
log_set_tap(void (*fn)(const char *, const char *))
{
	log_tap = fn;
}

static void
log_emit(int pri, const char *name, const char *line)
{
	void	(*tap)(const char *, const char *) = log_tap;

	if (tap != NULL) {
		log_tap = NULL;		/* a tap that logs does not loop */
		tap(name, line);
		log_tap = tap;
	}
	if (log_to_stderr) {
		fprintf(stderr, "%s: %s\n", name, line);
		fflush(stderr);
	} else
		syslog(pri, "%s: %s", name, line);
}

static void
log_send(int pri, const char *line)
{
	struct {
		struct msg_log	l;
		char		text[MSG_LOGMAX];
	}	m;
	size_t	n;

	m.l.pri = pri;
	if ((n = strlen(line)) > sizeof(m.text))
		n = sizeof(m.text);
	memcpy(m.text, line, n);
	if (n == 0)
		m.text[n++] = ' ';	/* a message holds at least a byte */
	(void)msg_write(log_fd, MSG_LOG, &m, sizeof(m.l) + n);
}

void
vlog(int pri, const char *fmt, va_list ap)
{
	char	buf[MSG_LOGMAX];
	int	saved_errno = errno;

	/* silence_log = 4: nothing but the reason we die. */
	if (verbose <= -2 && pri != LOG_CRIT)
		return;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	if (log_fd != -1)
		log_send(pri, buf);
	else
		log_emit(pri, log_procname, buf);
	errno = saved_errno;
}

/*
 * A line a child sent: its priority was checked by the caller, its text
 * may hold anything, so it is escaped (no forged lines, no terminal
 * codes); a backslash stays one, so lines read as the child wrote them.
 */
void
log_child(int pri, const char *name, const char *text, size_t len)
{
	char	buf[LOG_ESCAPED_MAX];

	log_escape(buf, text, len);
	log_emit(pri, name, buf);
}

_Static_assert(LOG_ESCAPED_MAX == 4 * MSG_LOGMAX + 1, "LOG_ESCAPED_MAX");

/* At most MSG_LOGMAX bytes of text into buf, as printable ASCII. */
void
log_escape(char buf[LOG_ESCAPED_MAX], const char *text, size_t len)
{
	if (len > MSG_LOGMAX)
		len = MSG_LOGMAX;
	strvisx(buf, text, len, VIS_OCTAL | VIS_TAB | VIS_NL | VIS_CSTYLE |
	    VIS_NOSLASH);
}

static void __attribute__((__format__ (printf, 3, 0)))
vlog_errno(int pri, int err, const char *emsg, va_list ap)
{
	char	buf[1024];

	if (emsg == NULL) {
		logit(pri, "%s", strerror(err));
		return;
	}
	vsnprintf(buf, sizeof(buf), emsg, ap);
	logit(pri, "%s: %s", buf, strerror(err));
}

void
log_warn(const char *emsg, ...)
{
	va_list	ap;
	int	saved_errno = errno;

	va_start(ap, emsg);
	vlog_errno(LOG_ERR, saved_errno, emsg, ap);
	va_end(ap);
	errno = saved_errno;
}

void
log_warnx(const char *emsg, ...)
{
	va_list	ap;

	va_start(ap, emsg);
	vlog(LOG_ERR, emsg, ap);
	va_end(ap);
}

void
log_info(const char *emsg, ...)
{
	va_list	ap;

	if (verbose < 0)
		return;
	va_start(ap, emsg);
	vlog(LOG_INFO, emsg, ap);
	va_end(ap);
}

void
log_debug(const char *emsg, ...)
{
	va_list	ap;

	if (verbose > 1) {
		va_start(ap, emsg);
		vlog(LOG_DEBUG, emsg, ap);
		va_end(ap);
	}
}

void
log_limited(struct log_limit *l, int pri, const char *emsg, ...)
{
	time_t		now;
	va_list		ap;
	char		buf[1024];

	if (pri == LOG_INFO && verbose < 0)
		return;
	now = mono_now();
	if (l->last != 0 && now == l->last) {
		l->more++;
		return;
	}
	va_start(ap, emsg);
	vsnprintf(buf, sizeof(buf), emsg, ap);
	va_end(ap);
	if (l->more > 0)
		logit(pri, "%s (%u more since the last such line)", buf,
		    l->more);
	else
		logit(pri, "%s", buf);
	l->last = now;
	l->more = 0;
}

static __attribute__((__noreturn__, __format__ (printf, 2, 0))) void
vfatalc(int err, const char *emsg, va_list ap)
{
	char	buf[1024];

	vsnprintf(buf, sizeof(buf), emsg, ap);
	if (err != 0)
		logit(LOG_CRIT, "fatal: %s: %s", buf, strerror(err));
	else
		logit(LOG_CRIT, "fatal: %s", buf);
	exit(1);
}

void
fatal(const char *emsg, ...)
{
	va_list	ap;

	va_start(ap, emsg);
	vfatalc(errno, emsg, ap);
}

void
fatalx(const char *emsg, ...)
{
	va_list	ap;

	va_start(ap, emsg);
	vfatalc(0, emsg, ap);
}

/* An address for a log line; a static buffer, so one per call. */
const char *
log_sa(const struct sockaddr *sa)
{
	static char	 buf[INET6_ADDRSTRLEN + 16];
	char		 host[INET6_ADDRSTRLEN];
	const void	*a;
	uint16_t	 port;

	switch (sa->sa_family) {
	case AF_INET:
		a = &((const struct sockaddr_in *)sa)->sin_addr;
		port = ntohs(((const struct sockaddr_in *)sa)->sin_port);
		break;
	case AF_INET6:
		a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
		port = ntohs(((const struct sockaddr_in6 *)sa)->sin6_port);
		break;
	default:
		return ("(unknown family)");
	}
	if (inet_ntop(sa->sa_family, a, host, sizeof(host)) == NULL)
		return ("(bad address)");
	if (sa->sa_family == AF_INET6)
		snprintf(buf, sizeof(buf), "[%s]:%u", host, port);
	else
		snprintf(buf, sizeof(buf), "%s:%u", host, port);
	return (buf);
}

/*
 * Bytes that came off the wire, made safe for a log line: escaped with
 * vis(3) and capped, so a peer cannot forge log lines or flood the log.
 */
const char *
log_wire_buf(char *buf, const char *p, size_t len)
{
	if (len > LOG_WIRE_MAX)
		len = LOG_WIRE_MAX;
	strvisx(buf, p, len, VIS_SAFE | VIS_NL | VIS_CSTYLE);
	return (buf);
}
