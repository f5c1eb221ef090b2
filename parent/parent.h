/* SPDX-License-Identifier: ISC */
/* The privileged parent: sockets, children, signals, the registration file. */

#ifndef SIPROXD_PARENT_H
#define SIPROXD_PARENT_H

#include <sys/types.h>
#include <sys/queue.h>

#include <time.h>

#include "addr.h"
#include "conf.h"
#include "msg.h"

struct child {
	int			 proc;
	pid_t			 pid;
	int			 alive;
	struct msgchan		 chan;
	struct msgchan		 logchan;	/* its log lines */
};

/* A SIP listener the parent bound and handed to sipd. */
struct listener {
	TAILQ_ENTRY(listener)	 entry;
	int			 role;
	int			 transport;
	struct sockaddr_storage	 addr;
};
TAILQ_HEAD(listener_list, listener);

/* A file written through its directory (statefile.c). */
struct sfile {
	int			 dirfd;
	int			 fd;
	int			 err;
	const char		*user;		/* whose ids, if not root's dir */
	char			 base[CONF_PATHLEN];
	char			 tmp[CONF_PATHLEN];
};

/* One of the registration files, as sipd sends it in chunks. */
#define REGF_CLASSIC	0		/* registration_file */
#define REGF_STATE	1		/* registration_file.state: ours */
struct regw {
	struct sfile		 f;
	int			 open;
	int			 err;
	size_t			 len;
};

struct parent {
	struct siproxd_conf	*conf;
	const char		*conffile;
	const char		*pidfile;
	char			*self;
	int			 foreground;
	int			 verbose;	/* from -v or silence_log */
	int			 loglevel;	/* now: siproxctl log changes it */
	uint32_t		 debug_pattern;	/* -d PATTERN, --debug */
	int			 debug_set;
	struct event_base	*base;
	struct child		 child[3];	/* PROC_SIPD, PROC_RTPD */
	struct ifaddrs_role	 ifr[ROLE_MAX];
	struct listener_list	 listeners;
	int			 relisten;	/* waiting for sipd's flush */
	int			 ifs_again;	/* addresses changed meanwhile */
	int			 if_gone[ROLE_MAX];	/* no address last look */
	unsigned int		 rtp_held;	/* sockets rtpd holds */
	unsigned int		 tcp_held;	/* TCP sockets sipd holds */
	struct regw		 regw[2];	/* REGF_CLASSIC, REGF_STATE */
	int			 stopping;
	int			 exitcode;
	ino_t			 pw_ino;	/* the password file last sent */
	off_t			 pw_size;
	struct timespec		 pw_mtime;
	const char		*ctlpath;	/* bound control socket */
	const char		*ctlsock;	/* -s, or the default */
	struct event		*stopev;
	time_t			 ha_minute;	/* sipd's redis connections */
	unsigned int		 ha_asked;	/* asked for in that minute */
};

extern struct parent	*parent;

void	 parent_main(struct parent *);
void	 parent_stop(int);

void	 parent_reload(struct parent *);
void	 parent_check_ifs(struct parent *);
void	 parent_takeover(struct parent *);
void	 parent_ifs_news(struct parent *, int, ssize_t, const char *);

/* ifwatch_linux.c, ifwatch_bsd.c */
void	 ifwatch_init(struct parent *);
int	 parent_conf_paths(struct siproxd_conf *);

/* control.c */
void	 control_init(struct parent *, const char *);
void	 control_answer(struct parent *, int, struct msg *);
void	 control_cleanup(struct parent *);

/* fastpath_linux.c; fastpath_none.c where there is no eBPF */
int	 fastpath_start(struct parent *);
void	 fastpath_allow(const struct sockaddr *, int, int);
void	 fastpath_forget(const struct sockaddr *);
void	 fastpath_watch(const struct siproxd_conf *);
void	 fastpath_stop(void);

/* debugport.c */
int	 debug_verbose(const struct siproxd_conf *, int, int);
void	 debug_apply(struct parent *);
void	 debug_port(struct parent *);

/* priv.c */
extern const char priv_no_addr[];
int	 priv_resolve_ifs(const struct siproxd_conf *, struct ifaddrs_role *);
void	 priv_listen(struct parent *);
void	 priv_unlisten(struct parent *);
const char *priv_rtp_vet(const struct siproxd_conf *,
	    const struct ifaddrs_role *, unsigned int,
	    const struct msg_rtp_socket_req *);
void	 priv_rtp_socket(struct parent *, struct msg *);
void	 priv_rtp_release(struct parent *, struct msg *);
/* The most outgoing TCP sockets sipd holds at once. */
#define PRIV_TCP_MAX	4096
void	 priv_tcp_socket(struct parent *, struct msg *);

/* tlsfiles.c */
int	 tlsfiles_send(struct parent *);

/* statefile.c */
void	 sf_init(struct sfile *);
int	 sf_begin(struct sfile *, const char *, const char *, mode_t);
int	 sf_write(struct sfile *, const void *, size_t);
int	 sf_commit(struct sfile *);
void	 sf_abort(struct sfile *);
int	 sf_put(const char *, const char *, mode_t, const void *, size_t);
int	 sf_open_read(const char *, const char *);
void	 sf_unlink(const char *, const char *);

/* pwfile.c */
void	 pwfile_send(struct parent *);
void	 pwfile_watch(struct parent *);

/* ha.c */
void	 ha_auth_send(struct parent *);
void	 priv_ha_socket(struct parent *, struct msg *);

/* regfile.c */
void	 regfile_load(struct parent *);
void	 regfile_state_end(struct parent *);
void	 regfile_data(struct parent *, struct msg *, int);
void	 regfile_commit(struct parent *);

#endif /* SIPROXD_PARENT_H */
