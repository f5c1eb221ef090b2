/* SPDX-License-Identifier: ISC */
/* siproxd: command line, config check, and the start of the parent. */

#include <sys/types.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <paths.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "conf.h"
#include "log.h"
#include "mod.h"
#include "parent.h"
#include "proc.h"

#ifndef SIPROXD_CONF
#define SIPROXD_CONF	"/etc/siproxd.conf"
#endif
#ifndef SIPROXD_RUNDIR
#define SIPROXD_RUNDIR	"/var/run"
#endif

void	sipd_main(int, int);
void	rtpd_main(int, int);

/* Copies: the process title is written over argv later. */
static char *
xstrdup(const char *s)
{
	char	*p;

	if ((p = strdup(s)) == NULL)
		fatal("strdup");
	return (p);
}

/* Where the classic looked when no -c was given, after our own default. */
static const char *const conf_search[] = {
	SIPROXD_CONF,
	"/etc/siproxd.conf",
	"/etc/siproxd/siproxd.conf",
	"/usr/etc/siproxd.conf",
	"/usr/local/etc/siproxd.conf",
	"/usr/local/etc/siproxd/siproxd.conf",
};

static const struct option long_opts[] = {
	{ "config",	required_argument,	NULL,	'c' },
	{ "debug",	required_argument,	NULL,	'D' },
	{ "help",	no_argument,		NULL,	'h' },
	{ "pid-file",	required_argument,	NULL,	'p' },
	{ NULL,		0,			NULL,	0 }
};

static void
usage_print(FILE *fp)
{
	extern char	*__progname;

	fprintf(fp, "usage: %s [-dhnv] [-d pattern] [-c | -f file] "
	    "[-p pidfile] [-s socket]\n"
	    "       long options: --config file, --debug pattern, --help, "
	    "--pid-file file\n", __progname);
}

static __attribute__((__noreturn__)) void
usage(void)
{
	usage_print(stderr);
	exit(1);
}

/* A relative path from the command line, before daemon(3) goes to "/". */
static char *
abs_path(const char *path)
{
	char	cwd[CONF_PATHLEN], *p;

	if (path[0] == '/')
		return (xstrdup(path));
	if (getcwd(cwd, sizeof(cwd)) == NULL)
		fatal("getcwd");
	if (asprintf(&p, "%s/%s", cwd, path) == -1)
		fatal("asprintf");
	return (p);
}

/* The first classic location that exists, else our own default. */
static const char *
conf_find(void)
{
	size_t	i;

	for (i = 0; i < sizeof(conf_search) / sizeof(conf_search[0]); i++)
		if (access(conf_search[i], F_OK) == 0)
			return (conf_search[i]);
	return (conf_search[0]);
}

/*
 * A classic debug pattern, as -d PATTERN or --debug PATTERN: decimal,
 * 0x hex, or -1 for every class.  -1 when s is none of these.
 */
static int
debug_pattern(const char *s, uint32_t *pat)
{
	unsigned long long	 u;
	const char		*errstr;
	char			*end;
	long long		 n;

	if (s == NULL || s[0] == '\0')
		return (-1);
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		errno = 0;
		u = strtoull(s + 2, &end, 16);
		if (s[2] == '\0' || *end != '\0' || errno != 0 ||
		    u > UINT32_MAX)
			return (-1);
		*pat = (uint32_t)u;
		return (0);
	}
	n = strtonum(s, INT32_MIN, UINT32_MAX, &errstr);
	if (errstr != NULL)
		return (-1);
	*pat = (uint32_t)n;
	return (0);
}

/* The classic silence_log levels, as our verbosity. */
static int
verbose_from_silence(int silence)
{
	static const int	map[] = { 2, 0, -1, -1, -2 };

	if (silence < 0 || silence > 4)
		return (0);
	return (map[silence]);
}

static void
child_exec(const char *name, int foreground, int verbose)
{
	int	proc;

	if (strcmp(name, "sipd") == 0)
		proc = PROC_SIPD;
	else if (strcmp(name, "rtpd") == 0)
		proc = PROC_RTPD;
	else
		errx(1, "unknown process %s", name);
	if (fcntl(3, F_GETFD) == -1 || fcntl(4, F_GETFD) == -1 ||
	    fcntl(5, F_GETFD) == -1)
		errx(1, "-P is for the daemon's own children");
	if (proc == PROC_SIPD)
		sipd_main(foreground, verbose);
	rtpd_main(foreground, verbose);
}

/*
 * Detach.  Where no syslog daemon listens (a container, a minimal host)
 * the lines would vanish: then stderr stays open and takes them.
 */
static void
daemonize(void)
{
	int	tosyslog, null;

	if (!(tosyslog = log_syslog_reachable()))
		log_warnx("no syslog at %s: logging to stderr", _PATH_LOG);
	if (daemon(0, 1) == -1)
		fatal("daemon");
	if ((null = open("/dev/null", O_RDWR)) == -1 ||
	    dup2(null, STDIN_FILENO) == -1 || dup2(null, STDOUT_FILENO) == -1 ||
	    (tosyslog && dup2(null, STDERR_FILENO) == -1))
		fatal("/dev/null");
	if (null > STDERR_FILENO)
		close(null);
	if (tosyslog)
		log_init(0, LOG_DAEMON);
}

/*
 * SIPROXD_SECCOMP_LOG turns the children's filters into log-only: a
 * debugging aid, never for a daemon someone relies on.  It needs -d, and
 * it says so where the admin looks.
 */
static void
seccomp_log_check(int debug)
{
	if (getenv("SIPROXD_SECCOMP_LOG") == NULL)
		return;
	if (!debug) {
		log_warnx("SIPROXD_SECCOMP_LOG ignored: it needs -d");
		if (unsetenv("SIPROXD_SECCOMP_LOG") == -1)
			fatal("unsetenv");
		return;
	}
	log_warnx("WARNING: SIPROXD_SECCOMP_LOG is set: the seccomp filters "
	    "of sipd and rtpd only log forbidden calls, they do not stop "
	    "them");
}

int
main(int argc, char *argv[])
{
	struct parent	 p;
	const char	*child = NULL;
	int		 ch, checkonly = 0;

	memset(&p, 0, sizeof(p));
	p.ctlsock = SIPROXD_RUNDIR "/siproxd.sock";
	proc_title_init(argc, argv);
	log_init(1, LOG_DAEMON);
	mod_register();

	while ((ch = getopt_long(argc, argv, "c:d::f:hnp:P:s:v", long_opts,
	    NULL)) != -1) {
		switch (ch) {
		case 'c':	/* the classic siproxd's spelling of -f */
		case 'f':
			p.conffile = xstrdup(optarg);
			break;
		case 'd':
			/*
			 * Ours: -d alone stays in the foreground.  The
			 * classic's -d PATTERN (a number) sets debug_level.
			 */
			if (optarg == NULL && optind < argc &&
			    debug_pattern(argv[optind], &p.debug_pattern) == 0) {
				optind++;
				p.debug_set = 1;
			} else if (optarg != NULL) {
				if (debug_pattern(optarg, &p.debug_pattern) == -1)
					usage();
				p.debug_set = 1;
			} else
				p.foreground = 1;
			break;
		case 'D':
			if (debug_pattern(optarg, &p.debug_pattern) == -1)
				usage();
			p.debug_set = 1;
			break;
		case 'h':
			usage_print(stdout);
			exit(0);
		case 'n':
			checkonly = 1;
			break;
		case 'p':
			p.pidfile = abs_path(optarg);
			break;
		case 'P':
			child = optarg;
			break;
		case 's':
			p.ctlsock = xstrdup(optarg);
			break;
		case 'v':
			p.verbose++;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	if (child != NULL)
		child_exec(child, p.foreground, p.verbose);

	if (p.conffile == NULL)
		p.conffile = conf_find();
	p.conf = conf_new();
	if (conf_parse_file(p.conf, p.conffile) == -1)
		exit(1);
	if (p.debug_set)
		p.conf->debug_level = p.debug_pattern;
	if (checkonly) {
		if (p.verbose)
			conf_print(stdout, p.conf);
		else
			fprintf(stderr, "configuration OK\n");
		exit(0);
	}
	if (parent_conf_paths(p.conf) == -1)
		exit(1);
	/* A copy: a reload replaces the config it came from. */
	if (p.pidfile == NULL && (p.pidfile = strdup(p.conf->pid_file)) == NULL)
		fatal("strdup");
	if (p.verbose == 0)
		p.verbose = verbose_from_silence(p.conf->silence_log);
	p.loglevel = p.verbose;
	log_setverbose(debug_verbose(p.conf, PROC_PARENT, p.loglevel));
	if (priv_resolve_ifs(p.conf, p.ifr) == -1)
		exit(1);
	p.self = proc_self_path(argv[0]);
	if (geteuid() != 0)
		log_warnx("not started as root: no chroot, no change of user, "
		    "and only ports from 1024 up");

	seccomp_log_check(p.foreground);
	if (!p.foreground && p.conf->daemonize)
		daemonize();
	else if (!p.foreground)
		p.foreground = 1;
	parent_main(&p);
	return (0);
}
