/* SPDX-License-Identifier: ISC */
/* Logging to syslog, or to stderr in the foreground; children via the parent. */

#ifndef SIPROXD_LOG_H
#define SIPROXD_LOG_H

#include <sys/types.h>
#include <sys/socket.h>

#include <stdarg.h>
#include <time.h>

void	 log_init(int, int);
void	 log_init_fd(int);
int	 log_syslog_reachable(void);
void	 log_procinit(const char *);
void	 log_child(int, const char *, const char *, size_t);
#define LOG_ESCAPED_MAX	(4 * 1024 + 1)	/* 4 * MSG_LOGMAX + 1 */
void	 log_escape(char [LOG_ESCAPED_MAX], const char *, size_t);
void	 log_setverbose(int);
void	 log_set_tap(void (*)(const char *, const char *));
int	 log_getverbose(void);
void	 log_warn(const char *, ...)
	    __attribute__((__format__ (printf, 1, 2)));
void	 log_warnx(const char *, ...)
	    __attribute__((__format__ (printf, 1, 2)));
void	 log_info(const char *, ...)
	    __attribute__((__format__ (printf, 1, 2)));
void	 log_debug(const char *, ...)
	    __attribute__((__format__ (printf, 1, 2)));
void	 logit(int, const char *, ...)
	    __attribute__((__format__ (printf, 2, 3)));
void	 vlog(int, const char *, va_list)
	    __attribute__((__format__ (printf, 2, 0)));
__attribute__((__noreturn__)) void fatal(const char *, ...)
	    __attribute__((__format__ (printf, 1, 2)));
__attribute__((__noreturn__)) void fatalx(const char *, ...)
	    __attribute__((__format__ (printf, 1, 2)));
/*
 * A line (LOG_INFO or LOG_ERR) about what the network sent: at most one a
 * second per limiter, with a count of those left out since the last.
 */
struct log_limit {
	time_t		last;
	unsigned int	more;
};
void	 log_limited(struct log_limit *, int, const char *, ...)
	    __attribute__((__format__ (printf, 3, 4)));
const char	*log_sa(const struct sockaddr *);

/*
 * Bytes off the wire, escaped and capped for a log line, written into the
 * caller's buf of LOG_WIRE_SIZE bytes.  log_wire() gives each call its
 * own buffer in the caller's block, so that one log line may hold several.
 */
#define LOG_WIRE_MAX	200
#define LOG_WIRE_SIZE	(4 * LOG_WIRE_MAX + 1)
const char	*log_wire_buf(char *, const char *, size_t);
#define log_wire(p, len)	log_wire_buf((char [LOG_WIRE_SIZE]){ 0 }, \
				    (p), (len))

#endif /* SIPROXD_LOG_H */
