/* SPDX-License-Identifier: ISC */
/* sipd's shared state and the entry points between its modules. */

#ifndef SIPROXD_SIPD_H
#define SIPROXD_SIPD_H

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>

#include "msg.h"

#define SIP_MAXMSG	65535

/* A SIP socket the parent gave us: a UDP socket or a TCP listener. */
struct sip_sock {
	TAILQ_ENTRY(sip_sock)	 entry;
	int			 fd;
	int			 role;
	int			 transport;
	struct sockaddr_storage	 addr;
	struct event		*ev;
};
TAILQ_HEAD(sip_sock_list, sip_sock);

struct sipd_state {
	struct sip_sock_list	 socks;
	char			 rbuf[SIP_MAXMSG + 1];
};

extern struct sipd_state	 sipd;

/* sipd.c */
struct sip_sock	*sipd_sock_find(int, int, int);

/* proxy.c */
void	 proxy_init(void);
void	 proxy_config(void);
void	 sip_input(struct sip_sock *, const struct sockaddr_storage *,
	    const char *, size_t);

/* tcp.c */
void	 tcp_accept(int, short, void *);

/* regstore.c */
time_t	 mono_now(void);
void	 regstore_data(const void *, size_t);
void	 regstore_loaded(void);
void	 regstore_saved(struct msg *);
void	 regstore_start(void);
void	 regstore_shutdown(void);
void	 regstore_dirty(void);

/* relay.c */
void	 relay_dispatch(struct msg *);

#endif /* SIPROXD_SIPD_H */
