/* SPDX-License-Identifier: ISC */
/* siproxd: command line, config check, and the start of the parent. */

#include <sys/types.h>

#include <err.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "conf.h"
#include "log.h"
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

static __attribute__((__noreturn__)) void
usage(void)
{
	extern char	*__progname;

	fprintf(stderr, "usage: %s [-dnv] [-f file] [-p pidfile] [-s socket]\n",
	    __progname);
	exit(1);
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
	if (fcntl(3, F_GETFD) == -1 || fcntl(4, F_GETFD) == -1)
		errx(1, "-P is for the daemon's own children");
	if (proc == PROC_SIPD)
		sipd_main(foreground, verbose);
	rtpd_main(foreground, verbose);
}

int
main(int argc, char *argv[])
{
	struct parent	 p;
	const char	*child = NULL;
	int		 ch, checkonly = 0;

	memset(&p, 0, sizeof(p));
	p.conffile = SIPROXD_CONF;
	p.ctlsock = SIPROXD_RUNDIR "/siproxd.sock";
	proc_title_init(argc, argv);
	log_init(1, LOG_DAEMON);

	while ((ch = getopt(argc, argv, "c:df:np:P:s:v")) != -1) {
		switch (ch) {
		case 'c':	/* the classic siproxd's spelling of -f */
		case 'f':
			p.conffile = xstrdup(optarg);
			break;
		case 'd':
			p.foreground = 1;
			break;
		case 'n':
			checkonly = 1;
			break;
		case 'p':
			p.pidfile = xstrdup(optarg);
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

	p.conf = conf_new();
	if (conf_parse_file(p.conf, p.conffile) == -1)
		exit(1);
	if (checkonly) {
		if (p.verbose)
			conf_print(stdout, p.conf);
		else
			fprintf(stderr, "configuration OK\n");
		exit(0);
	}
	/* A copy: a reload replaces the config it came from. */
	if (p.pidfile == NULL && (p.pidfile = strdup(p.conf->pid_file)) == NULL)
		fatal("strdup");
	if (p.verbose == 0)
		p.verbose = verbose_from_silence(p.conf->silence_log);
	log_setverbose(p.verbose);
	if (priv_resolve_ifs(p.conf, p.ifr) == -1)
		exit(1);
	p.self = proc_self_path(argv[0]);
	if (geteuid() != 0)
		log_warnx("not started as root: no chroot, no change of user, "
		    "and only ports from 1024 up");

	if (!p.foreground && p.conf->daemonize) {
		if (daemon(0, 0) == -1)
			fatal("daemon");
		log_init(0, LOG_DAEMON);
	} else if (!p.foreground)
		p.foreground = 1;
	parent_main(&p);
	return (0);
}
