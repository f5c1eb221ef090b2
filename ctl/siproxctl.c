/* SPDX-License-Identifier: ISC */
/* siproxctl: ask a running siproxd over its control socket. */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>

#include <err.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "ctlfmt.h"
#include "log.h"
#include "msg.h"

#ifndef SIPROXD_RUNDIR
#define SIPROXD_RUNDIR	"/var/run"
#endif
#define CTL_SOCKET	SIPROXD_RUNDIR "/siproxd.sock"
#define CTL_TIMEOUT	5		/* seconds without a word from siproxd */

struct ctl_cmd {
	const char	*word;
	const char	*arg;		/* NULL: the command takes none */
	uint32_t	 what;
	int32_t		 value;
	int		 answers;	/* prints a table */
};

static const struct ctl_cmd ctl_cmds[] = {
	{ "show",	"phones",	CTL_PHONES,	0, 1 },
	{ "show",	"registrations", CTL_PHONES,	0, 1 },
	{ "show",	"calls",	CTL_CALLS,	0, 1 },
	{ "show",	"stats",	CTL_STATS,	0, 1 },
	{ "reload",	NULL,		CTL_RELOAD,	0, 0 },
	{ "log",	"verbose",	CTL_LOG,	1, 0 },
	{ "log",	"brief",	CTL_LOG,	0, 0 },
};

static void
nodispatch(struct msgchan *c, struct msg *m, void *arg)
{
}

static __attribute__((__noreturn__)) void
usage(void)
{
	extern char	*__progname;

	fprintf(stderr, "usage: %s [-j] [-s socket] show "
	    "phones|calls|stats\n"
	    "       %s [-s socket] reload\n"
	    "       %s [-s socket] log verbose|brief\n",
	    __progname, __progname, __progname);
	exit(2);
}

static const struct ctl_cmd *
ctl_lookup(int argc, char **argv)
{
	size_t	i;

	for (i = 0; i < sizeof(ctl_cmds) / sizeof(ctl_cmds[0]); i++) {
		if (strcmp(argv[0], ctl_cmds[i].word) != 0)
			continue;
		if (ctl_cmds[i].arg == NULL && argc == 1)
			return (&ctl_cmds[i]);
		if (ctl_cmds[i].arg != NULL && argc == 2 &&
		    strcmp(argv[1], ctl_cmds[i].arg) == 0)
			return (&ctl_cmds[i]);
	}
	return (NULL);
}

static int
ctl_connect(const char *path)
{
	struct sockaddr_un	sun;
	struct timeval		tv = { CTL_TIMEOUT, 0 };
	int			s;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlcpy(sun.sun_path, path, sizeof(sun.sun_path)) >=
	    sizeof(sun.sun_path))
		errx(1, "%s: socket path too long", path);
	if ((s = socket(AF_UNIX, SOCK_SEQPACKET, 0)) == -1)
		err(1, "socket");
	/* A daemon that accepts nothing must not hold us in connect(). */
	if (setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) == -1)
		err(1, "setsockopt");
	if (connect(s, (struct sockaddr *)&sun, sizeof(sun)) == -1)
		err(1, "connect %s", path);
	return (s);
}

/* Wait for events on the channel; the daemon gets CTL_TIMEOUT seconds. */
static void
ctl_wait(struct msgchan *c, short events)
{
	struct pollfd	pfd;
	int		n;

	pfd.fd = c->fd;
	pfd.events = events;
	while ((n = poll(&pfd, 1, CTL_TIMEOUT * 1000)) == -1)
		if (errno != EINTR)
			err(1, "poll");
	if (n == 0)
		errx(1, "no answer from siproxd in %d seconds", CTL_TIMEOUT);
}

static void
ctl_request(struct msgchan *c, const struct ctl_cmd *cmd)
{
	struct msg_ctl	q;

	memset(&q, 0, sizeof(q));
	q.what = cmd->what;
	q.arg = cmd->value;
	msg_send(c, MSG_CTL_REQ, 0, -1, &q, sizeof(q));
	while (!TAILQ_EMPTY(&c->outq)) {
		ctl_wait(c, POLLOUT);
		if (msg_flush(c) == -1)
			errx(1, "siproxd closed the connection");
	}
}

/* Collect DATA until END: END's error, 0 or an errno. */
static int
ctl_collect(struct msgchan *c, struct ctl_answer *a)
{
	struct msg		m;
	struct msg_result	r;
	int			n;

	for (;;) {
		ctl_wait(c, POLLIN);
		if ((n = msg_recv(c, &m)) == -1)
			continue;
		if (n == 0)
			errx(1, "siproxd closed the connection");
		switch (m.hdr.type) {
		case MSG_CTL_DATA:
			if (ctl_answer_add(a, m.data, m.hdr.len) == -1)
				errx(1, "answer larger than %d bytes",
				    CTL_ANSWER_MAX);
			break;
		case MSG_CTL_END:
			memcpy(&r, m.data, sizeof(r));
			return (r.error);
		default:
			errx(1, "unexpected %s message from siproxd",
			    msg_typename(m.hdr.type));
		}
	}
}

static void
ctl_output(const struct ctl_answer *a, int json)
{
	if ((json ? ctl_print_json(stdout, a) : ctl_print_table(stdout, a)) ==
	    -1 || fflush(stdout) == EOF)
		err(1, "stdout");
}

int
main(int argc, char *argv[])
{
	const struct ctl_cmd	*cmd;
	const char		*path = CTL_SOCKET;
	struct msgchan		 chan;
	struct ctl_answer	 answer;
	int			 ch, json = 0, error;

	log_init(1, LOG_DAEMON);
	log_procinit("siproxctl");
	while ((ch = getopt(argc, argv, "js:")) != -1) {
		switch (ch) {
		case 'j':
			json = 1;
			break;
		case 's':
			path = optarg;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1 || (cmd = ctl_lookup(argc, argv)) == NULL)
		usage();

	msgchan_init(&chan, ctl_connect(path), "siproxd", nodispatch, NULL);
	ctl_request(&chan, cmd);
	ctl_answer_init(&answer);
	if ((error = ctl_collect(&chan, &answer)) != 0)
		errx(1, "%s%s%s: %s", cmd->word, cmd->arg ? " " : "",
		    cmd->arg ? cmd->arg : "", error > 0 ? strerror(error) :
		    "unknown error");
	if (cmd->answers) {
		ctl_answer_parse(&answer);
		ctl_output(&answer, json);
	}
	ctl_answer_free(&answer);
	msgchan_clear(&chan);
	return (0);
}
