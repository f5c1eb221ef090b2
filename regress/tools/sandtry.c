/* SPDX-License-Identifier: ISC */
/* Test tool: a running process's seccomp filter, read back and tried. */

/*
 * sandtry PID list		every system call the filter lets through,
 *				one a line (with the first argument where
 *				only some values pass), then those it fails
 *				with an errno
 * sandtry PID tiocsti		ioctl(/dev/tty, TIOCSTI, "x"), on our own
 *				terminal (run it under script(1))
 * sandtry PID kill TARGET	kill(TARGET, 0)
 * sandtry PID socket-unix	socket(AF_UNIX, SOCK_DGRAM, 0)
 *
 * The filter is copied from PID with PTRACE_SECCOMP_GET_FILTER (root),
 * so what is tried is the filter of the real daemon, not a rebuild.  The
 * single calls run in a fork that has installed that filter; they print
 * "allowed", "refused ERRNO-NAME" or "killed" (by SIGSYS).  "list" runs
 * the filter in a small classic BPF interpreter, one call at a time.
 */

#include <sys/types.h>

#include <err.h>

#ifdef __linux__
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef PTRACE_SECCOMP_GET_FILTER
#define PTRACE_SECCOMP_GET_FILTER	0x420c
#endif

static struct sock_fprog	prog;

static void
getfilter(pid_t pid)
{
	long	n;
	int	st;

	if (ptrace(PTRACE_SEIZE, pid, 0, 0) == -1)
		err(1, "ptrace seize %ld", (long)pid);
	if (ptrace(PTRACE_INTERRUPT, pid, 0, 0) == -1)
		err(1, "ptrace interrupt");
	if (waitpid(pid, &st, __WALL) == -1)
		err(1, "waitpid");
	if ((n = ptrace(PTRACE_SECCOMP_GET_FILTER, pid, 0, NULL)) <= 0)
		err(1, "no seccomp filter in %ld", (long)pid);
	if ((prog.filter = calloc(n, sizeof(*prog.filter))) == NULL)
		err(1, "calloc");
	prog.len = n;
	if (ptrace(PTRACE_SECCOMP_GET_FILTER, pid, 0, prog.filter) != n)
		err(1, "ptrace get filter");
	if (ptrace(PTRACE_DETACH, pid, 0, 0) == -1)
		err(1, "ptrace detach");
}

/* Classic BPF as seccomp uses it: A, X, M[16], loads from seccomp_data. */
static uint32_t
bpf_run(const struct seccomp_data *d)
{
	const struct sock_filter	*f;
	uint32_t			 a = 0, x = 0, m[16], k, v;
	size_t				 pc;

	memset(m, 0, sizeof(m));
	for (pc = 0; pc < prog.len; pc++) {
		f = &prog.filter[pc];
		k = f->k;
		v = BPF_SRC(f->code) == BPF_X ? x : k;
		switch (BPF_CLASS(f->code)) {
		case BPF_LD:
			if (BPF_MODE(f->code) == BPF_ABS) {
				if (k + 4 > sizeof(*d))
					errx(1, "load outside the data");
				memcpy(&a, (const char *)d + k, 4);
			} else if (BPF_MODE(f->code) == BPF_IMM)
				a = k;
			else if (BPF_MODE(f->code) == BPF_MEM)
				a = m[k & 15];
			else
				errx(1, "unknown load %#x", f->code);
			break;
		case BPF_LDX:
			x = BPF_MODE(f->code) == BPF_MEM ? m[k & 15] : k;
			break;
		case BPF_ST:
			m[k & 15] = a;
			break;
		case BPF_STX:
			m[k & 15] = x;
			break;
		case BPF_ALU:
			switch (BPF_OP(f->code)) {
			case BPF_AND:	a &= v; break;
			case BPF_OR:	a |= v; break;
			case BPF_ADD:	a += v; break;
			case BPF_SUB:	a -= v; break;
			case BPF_LSH:	a <<= v; break;
			case BPF_RSH:	a >>= v; break;
			case BPF_NEG:	a = -a; break;
			default:	errx(1, "unknown alu %#x", f->code);
			}
			break;
		case BPF_JMP:
			if (BPF_OP(f->code) == BPF_JA) {
				pc += k;
				break;
			}
			switch (BPF_OP(f->code)) {
			case BPF_JEQ:	v = a == v; break;
			case BPF_JGT:	v = a > v; break;
			case BPF_JGE:	v = a >= v; break;
			case BPF_JSET:	v = (a & v) != 0; break;
			default:	errx(1, "unknown jump %#x", f->code);
			}
			pc += v ? f->jt : f->jf;
			break;
		case BPF_RET:
			return (BPF_RVAL(f->code) == BPF_A ? a : k);
		case BPF_MISC:
			if (BPF_MISCOP(f->code) == BPF_TAX)
				x = a;
			else
				a = x;
			break;
		}
	}
	errx(1, "filter ran off its end");
}

static uint32_t
verdict(int nr, uint64_t arg0)
{
	struct seccomp_data	d;

	memset(&d, 0, sizeof(d));
	d.nr = nr;
	d.arch = AUDIT_ARCH_X86_64;
	d.args[0] = arg0;
	return (bpf_run(&d));
}

/*
 * bpf(2) by its command: rtpd may make only the map operations (its
 * filter checks arg0), and any other command is listed by number.
 */
static void
list_bpf(void)
{
	static const char *const names[] = { "BPF_MAP_CREATE",
	    "BPF_MAP_LOOKUP_ELEM", "BPF_MAP_UPDATE_ELEM",
	    "BPF_MAP_DELETE_ELEM", "BPF_MAP_GET_NEXT_KEY", "BPF_PROG_LOAD" };
	uint64_t	cmd;

	for (cmd = 0; cmd < 64; cmd++) {
		if ((verdict(SYS_bpf, cmd) & SECCOMP_RET_ACTION_FULL) !=
		    SECCOMP_RET_ALLOW)
			continue;
		if (cmd < sizeof(names) / sizeof(names[0]))
			printf("bpf(%s)\n", names[cmd]);
		else
			printf("bpf(%llu)\n", (unsigned long long)cmd);
	}
}

/* Each call by number; arg0 tried with 0 and with the values that matter. */
static void
list(pid_t pid)
{
	const uint64_t	 probe[] = { 0, AF_INET, AF_INET6, AF_UNIX, pid };
	char		*name;
	uint32_t	 r;
	size_t		 i;
	int		 nr, some, all;

	if (seccomp_arch_native() != SCMP_ARCH_X86_64)
		errx(1, "list knows only x86_64");
	for (nr = 0; nr < 512; nr++) {
		if ((name = seccomp_syscall_resolve_num_arch(
		    SCMP_ARCH_NATIVE, nr)) == NULL)
			continue;
		if (nr == SYS_bpf) {
			list_bpf();
			free(name);
			continue;
		}
		some = 0;
		all = 1;
		for (i = 0; i < sizeof(probe) / sizeof(probe[0]); i++) {
			r = verdict(nr, probe[i]);
			if ((r & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_ALLOW)
				some = 1;
			else
				all = 0;
		}
		r = verdict(nr, 0);
		if (all)
			printf("%s\n", name);
		else if (some) {
			for (i = 0; i < sizeof(probe) / sizeof(probe[0]); i++)
				if ((verdict(nr, probe[i]) &
				    SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_ALLOW)
					printf("%s(%s)\n", name, probe[i] ==
					    (uint64_t)pid ? "self" :
					    probe[i] == AF_INET ? "AF_INET" :
					    probe[i] == AF_INET6 ? "AF_INET6" :
					    "?");
		} else if ((r & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_ERRNO)
			printf("%s: fails with %s\n", name,
			    strerror(r & SECCOMP_RET_DATA));
		free(name);
	}
}

static void
try(const char *what, char **argv)
{
	pid_t	child;
	int	st, tty = -1;
	long	r;

	if (strcmp(what, "tiocsti") == 0 &&
	    (tty = open("/dev/tty", O_RDWR)) == -1)
		err(2, "/dev/tty");
	if ((child = fork()) == -1)
		err(1, "fork");
	if (child == 0) {
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1 ||
		    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) ==
		    -1)
			_exit(255);
		if (tty != -1)
			r = syscall(SYS_ioctl, tty, TIOCSTI, "x");
		else if (strcmp(what, "kill") == 0)
			r = syscall(SYS_kill, atoi(argv[0]), 0);
		else
			r = syscall(SYS_socket, AF_UNIX, SOCK_DGRAM, 0);
		_exit(r == -1 ? errno : 0);
	}
	if (waitpid(child, &st, 0) == -1)
		err(1, "waitpid");
	if (WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS)
		printf("killed\n");
	else if (WIFEXITED(st) && WEXITSTATUS(st) == 255)
		errx(1, "cannot install the filter");
	else if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		printf("allowed\n");
	else if (WIFEXITED(st))
		printf("refused %s\n", strerrorname_np(WEXITSTATUS(st)));
	else
		errx(1, "the try ended with status %#x", st);
}

int
main(int argc, char *argv[])
{
	if (argc < 3)
		errx(2, "usage: sandtry pid list|tiocsti|kill pid|socket-unix");
	getfilter(atoi(argv[1]));
	if (strcmp(argv[2], "list") == 0)
		list(atoi(argv[1]));
	else if (strcmp(argv[2], "tiocsti") == 0 ||
	    strcmp(argv[2], "socket-unix") == 0 ||
	    (strcmp(argv[2], "kill") == 0 && argc == 4))
		try(argv[2], argv + 3);
	else
		errx(2, "unknown action %s", argv[2]);
	return (0);
}
#else
int
main(void)
{
	errx(2, "sandtry reads Linux seccomp filters only");
}
#endif
