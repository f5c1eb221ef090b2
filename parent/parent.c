/* SPDX-License-Identifier: ISC */
/* The parent's loop: start the children, serve them, watch signals. */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <errno.h>
#include <event.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "conf.h"
#include "fastpath.h"
#include "log.h"
#include "parent.h"
#include "proc.h"

#define STOP_GRACE_MS	1500	/* a stopping child gets this long */
#define IFWATCH_SECONDS	5	/* how often interface addresses are checked */
/*
 * The most a child may leave unread on its channel: far above anything
 * we send at once (the config, the registration file), far below what
 * would hurt the host.  A child past it is stuck or hostile.
 */
#define CHILD_QUEUE_MAX	(16 * 1024 * 1024)

struct parent		*parent;

static void	parent_dispatch_sipd(struct msgchan *, struct msg *, void *);
static void	parent_dispatch_rtpd(struct msgchan *, struct msg *, void *);
static void	parent_dispatch_log(struct msgchan *, struct msg *, void *);

/*
 * The child's own session, so that no terminal is its controlling tty;
 * nothing on fds 0-2; its channels at 3 (parent), 4 (sibling), 5 (log).
 * The fds are first copied above 5, so that no dup2 overwrites another;
 * the copies, like the originals, close at exec.
 */
static void
parent_child_fds(int chan, int sibling, int logfd)
{
	int	fds[3] = { chan, sibling, logfd };
	int	i, null;

	if (setsid() == -1)
		fatal("setsid");
	for (i = 0; i < 3; i++)
		if ((fds[i] = fcntl(fds[i], F_DUPFD_CLOEXEC, 6)) == -1)
			fatal("fcntl F_DUPFD_CLOEXEC");
	if ((null = open("/dev/null", O_RDWR)) == -1)
		fatal("/dev/null");
	for (i = 0; i < 3; i++)
		if (dup2(null, i) == -1 || dup2(fds[i], 3 + i) == -1)
			fatal("dup2");
}

static pid_t
parent_fork(struct parent *p, int proc, int chan, int sibling, int logfd)
{
	char	*argv[6];
	int	 argc = 0;
	pid_t	 pid;

	argv[argc++] = "siproxd";
	argv[argc++] = "-P";
	argv[argc++] = (char *)proc_name(proc);
	if (p->foreground)
		argv[argc++] = "-d";
	argv[argc] = NULL;

	switch (pid = fork()) {
	case -1:
		fatal("fork");
	case 0:
		break;
	default:
		return (pid);
	}
	parent_child_fds(chan, sibling, logfd);
	execv(p->self, argv);
	fatal("execv %s", p->self);
}

/*
 * A child's channels.  A child that sends garbage is compromised: it is
 * not trusted to stop us with a fatal error, the daemon stops in order
 * instead; one that stops reading does not grow our memory either.
 */
static void
parent_child_init(struct parent *p, int proc, int chan, int logfd,
    msg_dispatch d)
{
	struct child	*c = &p->child[proc];

	c->proc = proc;
	c->alive = 1;
	msgchan_init(&c->chan, chan, proc_name(proc), d, p);
	c->chan.untrusted = 1;
	c->chan.outmax = CHILD_QUEUE_MAX;
	msgchan_attach(&c->chan, p->base);
	msgchan_init(&c->logchan, logfd, proc_name(proc), parent_dispatch_log,
	    c);
	c->logchan.untrusted = 1;
	msgchan_attach(&c->logchan, p->base);
}

static void
parent_start_children(struct parent *p)
{
	int	ps[2], pr[2], sr[2], ls[2], lr[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ps) == -1 ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pr) == -1 ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sr) == -1 ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ls) == -1 ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, lr) == -1)
		fatal("socketpair");
	p->child[PROC_SIPD].pid = parent_fork(p, PROC_SIPD, ps[1], sr[0],
	    ls[1]);
	p->child[PROC_RTPD].pid = parent_fork(p, PROC_RTPD, pr[1], sr[1],
	    lr[1]);
	close(ps[1]);
	close(pr[1]);
	close(sr[0]);
	close(sr[1]);
	close(ls[1]);
	close(lr[1]);
	parent_child_init(p, PROC_SIPD, ps[0], ls[0], parent_dispatch_sipd);
	parent_child_init(p, PROC_RTPD, pr[0], lr[0], parent_dispatch_rtpd);
}

/*
 * rtpd relays media: it gets the settings it reads and nothing else (no
 * passwords, no registrar or ACL settings), the defaults for the rest.
 */
static struct siproxd_conf *
parent_rtpd_conf(const struct siproxd_conf *conf)
{
	struct siproxd_conf	*rc = conf_new();

	memcpy(rc->user, conf->user, sizeof(rc->user));
	memcpy(rc->chrootjail, conf->chrootjail, sizeof(rc->chrootjail));
	rc->silence_log = conf->silence_log;
	rc->log_calls = conf->log_calls;
	rc->debug_level = conf->debug_level;
	rc->rtp_proxy_enable = conf->rtp_proxy_enable;
	rc->rtp_port_low = conf->rtp_port_low;
	rc->rtp_port_high = conf->rtp_port_high;
	rc->rtp_timeout = conf->rtp_timeout;
	rc->rtp_dscp = conf->rtp_dscp;
	rc->rtp_input_dejitter = conf->rtp_input_dejitter;
	rc->rtp_output_dejitter = conf->rtp_output_dejitter;
	/* only whether there is one: rtpd's streams then go to sipd too */
	memcpy(rc->ha_redis, conf->ha_redis, sizeof(rc->ha_redis));
	return (rc);
}

static void
parent_send_config(struct parent *p, struct child *c)
{
	struct msg_ifaddr	 m;
	struct msg_verbose	 v;
	struct siproxd_conf	*rc;
	char			*text;
	size_t			 len;
	int			 role, i;

	if (c->proc == PROC_RTPD) {
		rc = parent_rtpd_conf(p->conf);
		text = conf_text(rc, &len);
		conf_free(rc);
	} else
		text = conf_text(p->conf, &len);
	if (text == NULL)
		fatal("conf_text");
	msg_send_blob(&c->chan, MSG_CONFIG_TEXT, MSG_CONFIG_END, text, len);
	freezero(text, len);
	for (role = 0; role < ROLE_MAX; role++) {
		memset(&m, 0, sizeof(m));
		m.role = role;
		m.naddr = p->ifr[role].naddr;
		for (i = 0; i < p->ifr[role].naddr; i++)
			msg_addr_from_sa(&m.addr[i],
			    (struct sockaddr *)&p->ifr[role].addr[i]);
		msg_send(&c->chan, MSG_IFADDR, 0, -1, &m, sizeof(m));
	}
	v.verbose = debug_verbose(p->conf, c->proc, p->loglevel);
	msg_send(&c->chan, MSG_VERBOSE, 0, -1, &v, sizeof(v));
	if (c->proc == PROC_SIPD) {
		pwfile_send(p);
		ha_auth_send(p);
	}
}

/*
 * The kernel fast path, if it loads: rtpd gets the stream map and may
 * only read and write its entries (its seccomp filter), never load or
 * attach anything; we keep the program, the attachments and the map of
 * what may be sent, and take them down when we stop.
 */
static void
parent_fastpath(struct parent *p)
{
	struct msg_fastpath_map	m;
	int			fd;

	if ((fd = fastpath_start(p)) == -1)
		return;
	memset(&m, 0, sizeof(m));
	m.key_size = sizeof(struct fp_key);
	m.value_size = sizeof(struct fp_val);
	msg_send(&p->child[PROC_RTPD].chan, MSG_FASTPATH_MAP, 0, fd, &m,
	    sizeof(m));
}

/* Through statefile.c: pfSense's pid file lies in the daemon user's jail. */
static void
parent_write_pidfile(struct parent *p)
{
	char	buf[32];
	int	n;

	if (p->pidfile == NULL || p->pidfile[0] == '\0')
		return;
	n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (sf_put(p->pidfile, p->conf->user, 0644, buf, n) == -1)
		log_warn("pid file %s", p->pidfile);
}

static void
parent_exit(struct parent *p)
{
	struct msg	m;
	int		i;

	for (i = PROC_SIPD; i <= PROC_RTPD; i++)
		if (p->child[i].alive)
			kill(p->child[i].pid, SIGKILL);
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	/* A child's last words (why it died) may still wait for us. */
	for (i = PROC_SIPD; i <= PROC_RTPD; i++)
		while (p->child[i].logchan.fd != -1 &&
		    msg_recv(&p->child[i].logchan, &m) == 1)
			parent_dispatch_log(&p->child[i].logchan, &m,
			    &p->child[i]);
	fastpath_stop();
	if (p->pidfile != NULL && p->pidfile[0] != '\0')
		sf_unlink(p->pidfile, p->conf->user);
	control_cleanup(p);
	log_info("terminated");
	exit(p->exitcode);
}

static void
parent_stop_timeout(int fd, short ev, void *arg)
{
	struct parent	*p = arg;
	int		 i;

	for (i = PROC_SIPD; i <= PROC_RTPD; i++)
		if (p->child[i].alive)
			log_warnx("%s (pid %ld) did not stop in time: killed",
			    proc_name(i), (long)p->child[i].pid);
	parent_exit(p);
}

/*
 * Stop the daemon: ask the children that still run to save their state and
 * exit, give them a moment, then leave.  Called for SIGTERM, for a child
 * that died and for a child that misbehaved.
 */
void
parent_stop(int code)
{
	struct parent	*p = parent;
	struct timeval	 tv = { STOP_GRACE_MS / 1000,
			    (STOP_GRACE_MS % 1000) * 1000 };
	int		 i;

	if (code > p->exitcode)
		p->exitcode = code;
	if (p->stopping)
		return;
	p->stopping = 1;
	for (i = PROC_SIPD; i <= PROC_RTPD; i++)
		if (p->child[i].alive)
			msg_send(&p->child[i].chan, MSG_SHUTDOWN, 0, -1, NULL, 0);
	p->stopev = evtimer_new(p->base, parent_stop_timeout, p);
	if (p->stopev == NULL || evtimer_add(p->stopev, &tv) == -1)
		parent_exit(p);
}

static void
parent_reap(struct parent *p)
{
	pid_t	pid;
	int	status, i, alive = 0;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (i = PROC_SIPD; i <= PROC_RTPD; i++) {
			if (!p->child[i].alive || p->child[i].pid != pid)
				continue;
			p->child[i].alive = 0;
			if (p->stopping && WIFEXITED(status) &&
			    WEXITSTATUS(status) == 0)
				continue;
			if (WIFSIGNALED(status))
				log_warnx("%s (pid %ld) killed by signal %d: "
				    "stopping", proc_name(i), (long)pid,
				    WTERMSIG(status));
			else
				log_warnx("%s (pid %ld) exited with status %d: "
				    "stopping", proc_name(i), (long)pid,
				    WEXITSTATUS(status));
			parent_stop(1);
		}
	}
	for (i = PROC_SIPD; i <= PROC_RTPD; i++)
		alive += p->child[i].alive;
	if (p->stopping && alive == 0)
		parent_exit(p);
}

static int
parent_listen_changed(struct parent *p, const struct siproxd_conf *nc,
    const struct ifaddrs_role *nifr)
{
	int	role, i;

	if (nc->sip_listen_port != p->conf->sip_listen_port ||
	    nc->sip_dscp != p->conf->sip_dscp ||
	    CONF_TLS_ON(nc) != CONF_TLS_ON(p->conf) ||
	    nc->sip_tls_port != p->conf->sip_tls_port)
		return (1);
	for (role = 0; role < ROLE_MAX; role++) {
		if (nifr[role].naddr != p->ifr[role].naddr)
			return (1);
		for (i = 0; i < nifr[role].naddr; i++)
			if (!addr_eq_host((struct sockaddr *)&nifr[role].addr[i],
			    (struct sockaddr *)&p->ifr[role].addr[i]))
				return (1);
	}
	return (0);
}

static int
parent_jail_path(char *path, size_t size, const char *dir)
{
	char	buf[CONF_PATHLEN];
	int	n;

	if (path[0] == '\0' || path[0] == '/')
		return (0);
	n = snprintf(buf, sizeof(buf), "%s%s%s", dir,
	    dir[strlen(dir) - 1] == '/' ? "" : "/", path);
	if (n < 0 || (size_t)n >= sizeof(buf) || (size_t)n >= size) {
		log_warnx("%s/%s: path too long", dir, path);
		return (-1);
	}
	strlcpy(path, buf, size);
	return (0);
}

/*
 * As the classic: a relative registration_file or pid_file lies inside
 * chrootjail (pfSense writes "siproxd_registrations" and the Registered
 * Phones page reads /var/siproxd/siproxd_registrations); without a jail,
 * in the directory siproxd was started from.
 */
int
parent_conf_paths(struct siproxd_conf *c)
{
	char	cwd[CONF_PATHLEN];
	const char *dir = c->chrootjail;

	if (dir[0] == '\0') {
		if (getcwd(cwd, sizeof(cwd)) == NULL) {
			log_warn("getcwd");
			return (-1);
		}
		dir = cwd;
	}
	if (parent_jail_path(c->registration_file,
	    sizeof(c->registration_file), dir) == -1 ||
	    parent_jail_path(c->pid_file, sizeof(c->pid_file), dir) == -1)
		return (-1);
	return (0);
}

/* SIGHUP: a config that does not parse leaves the running one in place. */
void
parent_reload(struct parent *p)
{
	struct siproxd_conf	*nc;
	struct ifaddrs_role	 nifr[ROLE_MAX];
	int			 i, relisten;

	log_info("reloading %s", p->conffile);
	nc = conf_new();
	if (conf_parse_file(nc, p->conffile) == -1 ||
	    parent_conf_paths(nc) == -1 ||
	    priv_resolve_ifs(nc, nifr) == -1) {
		log_warnx("reload failed: keeping the running configuration");
		conf_free(nc);
		return;
	}
	if (p->debug_set)
		nc->debug_level = p->debug_pattern;	/* -d wins, as at start */
	if (strcmp(nc->user, p->conf->user) != 0 ||
	    strcmp(nc->chrootjail, p->conf->chrootjail) != 0)
		log_warnx("user and chrootjail take effect at the next start");
	relisten = parent_listen_changed(p, nc, nifr);
	conf_free(p->conf);
	p->conf = nc;
	log_setverbose(debug_verbose(nc, PROC_PARENT, p->loglevel));
	debug_port(p);
	memcpy(p->ifr, nifr, sizeof(p->ifr));
	for (i = PROC_SIPD; i <= PROC_RTPD; i++)
		parent_send_config(p, &p->child[i]);
	/* An ACME client's new certificate: new connections use it. */
	if (tlsfiles_send(p) == -1)
		log_warnx("reload: keeping the running TLS certificate");
	if (relisten) {
		/* sipd closes the old sockets first, then we bind anew. */
		p->relisten = 1;
		msg_send(&p->child[PROC_SIPD].chan, MSG_SIP_SOCKETS_FLUSH, 0,
		    -1, NULL, 0);
	}
}

/*
 * After the kernel's news of addresses was drained (ifwatch_linux.c,
 * ifwatch_bsd.c): n and errno are the last read's.  ENOBUFS: some news
 * was lost; looking again covers it.
 */
void
parent_ifs_news(struct parent *p, int changed, ssize_t n, const char *what)
{
	if (n == -1 && errno != EAGAIN && errno != EWOULDBLOCK &&
	    errno != EINTR && errno != ENOBUFS)
		log_warn("%s", what);
	if (changed || (n == -1 && errno == ENOBUFS))
		parent_check_ifs(p);
}

/*
 * This box just became CARP master on an address it already held
 * (ifwatch_bsd.c): sipd reads what the partner wrote, by the path a
 * SIGHUP takes (the same config again: hastore.c ha_config), without
 * reading the config file anew.
 */
void
parent_takeover(struct parent *p)
{
	if (p->stopping || p->conf->ha_redis[0] == '\0')
		return;
	parent_send_config(p, &p->child[PROC_SIPD]);
}

/*
 * An interface whose address changes (a ppp0 that redials, DHCP): bind
 * anew and tell the children, without dropping anything else.
 */
void
parent_check_ifs(struct parent *p)
{
	struct ifaddrs_role	 nifr[ROLE_MAX];
	const char		*name[ROLE_MAX];
	int			 role, i, back = 0;

	if (p->stopping)
		return;
	if (p->relisten) {
		p->ifs_again = 1;	/* once sipd has let go of the old */
		return;
	}
	name[ROLE_INBOUND] = p->conf->if_inbound;
	name[ROLE_OUTBOUND] = p->conf->if_outbound;
	for (role = 0; role < ROLE_MAX; role++) {
		if (if_resolve(name[role], &nifr[role]) <= 0) {
			nifr[role] = p->ifr[role];  /* down for now: keep it */
			p->if_gone[role] = 1;
			continue;
		}
		/*
		 * Back after it was gone (a virtual address the partner held
		 * meanwhile): bound anew, and sipd reads what the partner
		 * wrote (hastore.c).
		 */
		if (p->if_gone[role])
			back = 1;
		p->if_gone[role] = 0;
	}
	if (!back && !parent_listen_changed(p, p->conf, nifr))
		return;
	for (role = 0; role < ROLE_MAX; role++)
		if (nifr[role].naddr > 0 && !addr_eq_host(
		    (struct sockaddr *)&nifr[role].addr[0],
		    (struct sockaddr *)&p->ifr[role].addr[0]))
			log_info("%s now has address %s", name[role],
			    log_sa((struct sockaddr *)&nifr[role].addr[0]));
	memcpy(p->ifr, nifr, sizeof(p->ifr));
	for (i = PROC_SIPD; i <= PROC_RTPD; i++)
		parent_send_config(p, &p->child[i]);
	p->relisten = 1;
	msg_send(&p->child[PROC_SIPD].chan, MSG_SIP_SOCKETS_FLUSH, 0, -1,
	    NULL, 0);
}

static void
parent_watch_ifs(int fd, short ev, void *arg)
{
	struct parent	*p = arg;

	if (!p->stopping)
		pwfile_watch(p);
	fastpath_watch(p->conf);
	parent_check_ifs(p);
}

static void
parent_sig(int sig, short ev, void *arg)
{
	struct parent	*p = arg;

	switch (sig) {
	case SIGTERM:
	case SIGINT:
		log_info("received signal %d: stopping", sig);
		parent_stop(0);
		break;
	case SIGHUP:
		if (!p->stopping)
			parent_reload(p);
		break;
	case SIGCHLD:
		parent_reap(p);
		break;
	case SIGUSR1:
		/* the classic's plugin_stats trigger */
		if (!p->stopping)
			msg_send(&p->child[PROC_SIPD].chan, MSG_STATS_DUMP, 0,
			    -1, NULL, 0);
		break;
	}
}

static int
parent_child_eof(struct parent *p, struct msgchan *c, struct msg *m)
{
	if (m != NULL)
		return (0);
	if (!p->stopping)
		log_warnx("%s %s: stopping", c->peer, c->full ?
		    "stopped reading its channel" : "closed its channel");
	parent_stop(p->stopping ? 0 : 1);
	return (1);
}

/* A child's log line, written where ours go, under the child's name. */
static void
parent_dispatch_log(struct msgchan *c, struct msg *m, void *arg)
{
	struct child	*ch = arg;
	struct msg_log	 l;

	if (parent_child_eof(parent, c, m))
		return;
	if (m->hdr.type != MSG_LOG) {
		log_warnx("unexpected %s on %s's log channel: stopping",
		    msg_typename(m->hdr.type), c->peer);
		parent_stop(1);
		return;
	}
	memcpy(&l, m->data, sizeof(l));
	if (l.pri < LOG_EMERG || l.pri > LOG_DEBUG) {
		log_warnx("%s sent a log line of priority %d: stopping",
		    c->peer, l.pri);
		parent_stop(1);
		return;
	}
	log_child(l.pri, proc_name(ch->proc), (const char *)m->data +
	    sizeof(l), m->hdr.len - sizeof(l));
}

static void
parent_dispatch_sipd(struct msgchan *c, struct msg *m, void *arg)
{
	struct parent	*p = arg;

	if (parent_child_eof(p, c, m))
		return;
	switch (m->hdr.type) {
	case MSG_REG_DATA:
		regfile_data(p, m, REGF_CLASSIC);
		break;
	case MSG_REG_STATE_DATA:
		regfile_data(p, m, REGF_STATE);
		break;
	case MSG_REG_STATE_END:
		regfile_state_end(p);
		break;
	case MSG_REG_COMMIT:
		regfile_commit(p);
		break;
	case MSG_CTL_DATA:
	case MSG_CTL_END:
		control_answer(p, PROC_SIPD, m);
		break;
	case MSG_TCP_SOCKET_REQ:
		if (!p->stopping)
			priv_tcp_socket(p, m);
		break;
	case MSG_HA_SOCKET_REQ:
		if (!p->stopping)
			priv_ha_socket(p, m);
		break;
	case MSG_TCP_SOCKET_RELEASE:
		if (p->tcp_held == 0) {
			log_warnx("sipd released more sockets than it holds: "
			    "stopping");
			parent_stop(1);
		} else
			p->tcp_held--;
		break;
	case MSG_SIP_SOCKETS_FLUSH:
		if (!p->relisten) {
			log_warnx("sipd flushed its sockets unasked: "
			    "stopping");
			parent_stop(1);
			break;
		}
		p->relisten = 0;
		priv_unlisten(p);
		priv_listen(p);
		if (p->ifs_again) {
			p->ifs_again = 0;
			parent_check_ifs(p);
		}
		break;
	default:
		log_warnx("unexpected %s from sipd: stopping",
		    msg_typename(m->hdr.type));
		parent_stop(1);
	}
}

static void
parent_dispatch_rtpd(struct msgchan *c, struct msg *m, void *arg)
{
	struct parent	*p = arg;

	if (parent_child_eof(p, c, m))
		return;
	switch (m->hdr.type) {
	case MSG_RTP_SOCKET_REQ:
		if (!p->stopping)
			priv_rtp_socket(p, m);
		break;
	case MSG_CTL_DATA:
	case MSG_CTL_END:
		control_answer(p, PROC_RTPD, m);
		break;
	case MSG_RTP_SOCKET_RELEASE:
		priv_rtp_release(p, m);
		break;
	default:
		log_warnx("unexpected %s from rtpd: stopping",
		    msg_typename(m->hdr.type));
		parent_stop(1);
	}
}

void
parent_main(struct parent *p)
{
	static const int	 sigs[] = { SIGTERM, SIGINT, SIGHUP, SIGCHLD,
	    SIGUSR1 };
	struct timeval		 watch = { IFWATCH_SECONDS, 0 };
	struct event		*ev;
	size_t			 i;

	parent = p;
	TAILQ_INIT(&p->listeners);
	signal(SIGPIPE, SIG_IGN);
	if ((p->base = event_base_new()) == NULL)
		fatalx("event_base_new");
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		ev = evsignal_new(p->base, sigs[i], parent_sig, p);
		if (ev == NULL || evsignal_add(ev, NULL) == -1)
			fatalx("evsignal_add");
	}
	parent_start_children(p);
	proc_title("parent");
	ev = event_new(p->base, -1, EV_PERSIST, parent_watch_ifs, p);
	if (ev == NULL || event_add(ev, &watch) == -1)
		fatalx("event_add");
	ifwatch_init(p);
	for (i = PROC_SIPD; i <= PROC_RTPD; i++)
		parent_send_config(p, &p->child[i]);
	if (tlsfiles_send(p) == -1)
		fatalx("cannot read the TLS files: not starting");
	parent_fastpath(p);
	priv_listen(p);
	regfile_load(p);
	msg_send(&p->child[PROC_SIPD].chan, MSG_START, 0, -1, NULL, 0);
	msg_send(&p->child[PROC_RTPD].chan, MSG_START, 0, -1, NULL, 0);
	parent_write_pidfile(p);
	control_init(p, p->ctlsock);
	debug_port(p);
	log_info("started: sipd pid %ld, rtpd pid %ld",
	    (long)p->child[PROC_SIPD].pid, (long)p->child[PROC_RTPD].pid);
	event_base_dispatch(p->base);
	fatalx("event loop ended");
}
