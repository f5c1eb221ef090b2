/* SPDX-License-Identifier: ISC */
/* Linux: libbsd process titles, libcap, no_new_privs and a seccomp filter. */

#include <sys/types.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/capability.h>

#include <linux/bpf.h>

#include "log.h"
#include "proc.h"

/*
 * Process titles: the title is written over our own argv strings and the
 * rest of their space zeroed, so ps and pgrep -f see exactly
 * "siproxd: NAME".  (libbsd's setproctitle left stray bytes of the
 * original arguments after the title.)  The environment is not touched,
 * so a title longer than the arguments is cut short.
 */
static char	*title_area;
static size_t	 title_len;

void
proc_title_init(int argc, char **argv)
{
	int	i;

	if (argc < 1 || argv[0] == NULL)
		return;
	title_area = argv[0];
	for (i = 0; i < argc && argv[i] != NULL; i++)
		if (argv[i] == title_area + title_len || i == 0)
			title_len = argv[i] + strlen(argv[i]) + 1 - title_area;
}

void
proc_title(const char *title)
{
	if (title_area == NULL || title_len < 2)
		return;
	memset(title_area, 0, title_len);
	snprintf(title_area, title_len, "siproxd: %s", title);
}

/* Our own binary, to re-execute it as a child. */
char *
proc_self_path(const char *argv0)
{
	char	buf[PATH_MAX];
	ssize_t	n;
	char	*p;

	if ((n = readlink("/proc/self/exe", buf, sizeof(buf) - 1)) > 0) {
		buf[n] = '\0';
		if ((p = strdup(buf)) == NULL)
			fatal("strdup");
		return (p);
	}
	if (strchr(argv0, '/') == NULL)
		fatalx("cannot find my own binary: run me with a path");
	if ((p = realpath(argv0, NULL)) == NULL)
		fatal("realpath %s", argv0);
	return (p);
}

void
proc_drop_caps(void)
{
	cap_t	caps;

	if (prctl(PR_SET_KEEPCAPS, 0) == -1)
		fatal("prctl PR_SET_KEEPCAPS");
	if ((caps = cap_init()) == NULL)
		fatal("cap_init");
	if (cap_set_proc(caps) == -1)
		fatal("cap_set_proc");
	cap_free(caps);
}

void
proc_no_new_privs(void)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		fatal("prctl PR_SET_NO_NEW_PRIVS");
}

/*
 * What both children need after start-up, and why; nothing else.  Both
 * also get kill and tgkill to themselves and ioctl failing (sc_self),
 * sipd socket() for AF_INET and AF_INET6 (proc_sandbox).
 */
static const int sc_common[] = {
	SCMP_SYS(read),		/* libevent, c-ares: reads on held fds */
	SCMP_SYS(write),	/* the same, writing */
	SCMP_SYS(close),	/* sockets done with (relays, TCP, DNS) */
	SCMP_SYS(recvmsg),	/* channels: messages and passed fds */
	SCMP_SYS(sendmsg),	/* channels, log lines to the parent */
	SCMP_SYS(sendto),	/* SIP datagrams, RTP, DNS queries */
	SCMP_SYS(recvmmsg),	/* rtpd: a socket's waiting packets at once */
	SCMP_SYS(sendmmsg),	/* rtpd: the same, sending */
	SCMP_SYS(fcntl),	/* O_NONBLOCK, FD_CLOEXEC on new sockets */
	SCMP_SYS(epoll_wait),	/* the event loop */
	SCMP_SYS(epoll_pwait),	/* the event loop where libc uses it */
	SCMP_SYS(epoll_ctl),	/* the event loop: add and drop fds */
	SCMP_SYS(clock_gettime), /* timers (CLOCK_MONOTONIC), no vDSO */
	SCMP_SYS(gettimeofday),	/* libosip2, libevent, c-ares, no vDSO */
	SCMP_SYS(time),		/* expiry times in the tables, no vDSO */
	SCMP_SYS(nanosleep),	/* rtpd's 0.2 ms rest when busy */
	SCMP_SYS(clock_nanosleep), /* the same, as glibc makes it */
	SCMP_SYS(brk),		/* malloc */
	SCMP_SYS(mmap),		/* malloc of large blocks */
	SCMP_SYS(munmap),	/* free of large blocks */
	SCMP_SYS(mremap),	/* realloc of large blocks */
	SCMP_SYS(madvise),	/* malloc trimming; libbsd's arc4random */
	SCMP_SYS(mprotect),	/* malloc growing a heap */
	SCMP_SYS(futex),	/* glibc's locks (malloc, stdio, abort) */
	SCMP_SYS(getrandom),	/* arc4random: nonces, tags, branches */
	SCMP_SYS(fstat),	/* stdio sizing a stream's buffer */
	SCMP_SYS(newfstatat),	/* the same, as glibc 2.33+ makes it */
	SCMP_SYS(getpid),	/* libevent, and kill() to ourselves */
	SCMP_SYS(gettid),	/* abort() and raise() find the thread */
	SCMP_SYS(getuid),	/* libevent's issetugid() before getenv */
	SCMP_SYS(geteuid),	/* the same */
	SCMP_SYS(uname),	/* gethostname() in c-ares and libevent */
	SCMP_SYS(rt_sigaction),	/* signal(), and abort() resetting SIGABRT */
	SCMP_SYS(rt_sigprocmask), /* abort() and raise() */
	SCMP_SYS(rt_sigreturn),	/* return from a signal handler */
	SCMP_SYS(restart_syscall), /* a call resumed after a stop */
	SCMP_SYS(exit),		/* the way out */
	SCMP_SYS(exit_group),	/* the way out */
};

/* sipd also opens DNS sockets (c-ares) and TCP connections. */
static const int sc_sipd[] = {
	SCMP_SYS(connect),	/* TCP out; c-ares connects its UDP */
	SCMP_SYS(accept4),	/* TCP in */
	SCMP_SYS(accept),	/* TCP in, older libc */
	SCMP_SYS(recvfrom),	/* SIP datagrams, DNS answers */
	SCMP_SYS(writev),	/* c-ares: DNS over TCP; Redis commands */
	SCMP_SYS(readv),	/* Redis replies (a bufferevent) */
	SCMP_SYS(getsockopt),	/* SO_ERROR of a TCP connect */
	SCMP_SYS(setsockopt),	/* DSCP of a new TCP connection */
	SCMP_SYS(getsockname),	/* c-ares: the source of its UDP socket */
};

static void
sc_allow(scmp_filter_ctx ctx, const int *list, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (list[i] >= 0 &&
		    seccomp_rule_add(ctx, SCMP_ACT_ALLOW, list[i], 0) < 0)
			fatalx("seccomp_rule_add %d", list[i]);
}

/* Allow call only when its first argument is arg0. */
static void
sc_allow_arg0(scmp_filter_ctx ctx, int call, scmp_datum_t arg0)
{
	struct scmp_arg_cmp	cmp;

	memset(&cmp, 0, sizeof(cmp));
	cmp.arg = 0;
	cmp.op = SCMP_CMP_EQ;
	cmp.datum_a = arg0;
	if (seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, call, 1, &cmp) < 0)
		fatalx("seccomp_rule_add %d", call);
}

/*
 * Signals only to ourselves (abort() and raise() in a library, so that a
 * crash reads as one): never to the parent, the sibling or anyone else.
 * No ioctl: the code needs none, and with no terminal there is none to
 * take; it fails as on a file that is no tty, so that an isatty() in a
 * library is answered and TIOCSTI goes nowhere.
 */
static void
sc_self(scmp_filter_ctx ctx)
{
	sc_allow_arg0(ctx, SCMP_SYS(kill), getpid());
	sc_allow_arg0(ctx, SCMP_SYS(tgkill), getpid());
	if (seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOTTY), SCMP_SYS(ioctl),
	    0) < 0)
		fatalx("seccomp_rule_add ioctl");
}

/*
 * A deny-by-default allow-list.  SIPROXD_SECCOMP_LOG in the environment
 * logs instead of killing, to find a missing syscall while developing;
 * the parent passes it on only with -d (siproxd.c).
 */
void
proc_sandbox(int proc)
{
	scmp_filter_ctx	 ctx;
	uint32_t	 def = SCMP_ACT_KILL_PROCESS;
	int		 r;

	if (getenv("SIPROXD_SECCOMP_LOG") != NULL) {
		log_warnx("WARNING: SIPROXD_SECCOMP_LOG: this filter only "
		    "logs, it does not protect");
		def = SCMP_ACT_LOG;
	}
	if ((ctx = seccomp_init(def)) == NULL)
		fatalx("seccomp_init");
	sc_allow(ctx, sc_common, sizeof(sc_common) / sizeof(sc_common[0]));
	sc_self(ctx);
	if (proc == PROC_RTPD) {
		/*
		 * The fast path's stream map, by the fd the parent passed:
		 * read, write and remove entries; no other bpf() command (no
		 * program, no map, no attaching).  The program checks what
		 * an entry may do (parent/fastpath.bpf.c).
		 */
		sc_allow_arg0(ctx, SCMP_SYS(bpf), BPF_MAP_LOOKUP_ELEM);
		sc_allow_arg0(ctx, SCMP_SYS(bpf), BPF_MAP_UPDATE_ELEM);
		sc_allow_arg0(ctx, SCMP_SYS(bpf), BPF_MAP_DELETE_ELEM);
	}
	if (proc == PROC_SIPD) {
		sc_allow(ctx, sc_sipd, sizeof(sc_sipd) / sizeof(sc_sipd[0]));
		/* New sockets only for the Internet families. */
		sc_allow_arg0(ctx, SCMP_SYS(socket), AF_INET);
		sc_allow_arg0(ctx, SCMP_SYS(socket), AF_INET6);
	}
	if ((r = seccomp_load(ctx)) < 0)
		fatalx("seccomp_load: %s", strerror(-r));
	seccomp_release(ctx);
}
