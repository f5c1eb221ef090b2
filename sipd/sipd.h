/* SPDX-License-Identifier: ISC */
/* sipd's shared state and the entry points between its modules. */

#ifndef SIPROXD_SIPD_H
#define SIPROXD_SIPD_H

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>

#include <osipparser2/osip_parser.h>

#include "msg.h"

#define SIP_MAXMSG	65535

/* A SIP socket the parent gave us: a UDP socket or a TCP listener. */
struct sip_sock {
	TAILQ_ENTRY(sip_sock)	 entry;
	int			 fd;
	int			 role;
	int			 transport;
	struct sockaddr_storage	 addr;
	int			 loopback;	/* 127.0.0.1 or ::1 */
	struct event		*ev;
};
TAILQ_HEAD(sip_sock_list, sip_sock);

struct sipd_state {
	struct sip_sock_list	 socks;
	unsigned long long	 stat_in;	/* messages received */
	unsigned long long	 stat_out;	/* messages sent */
	unsigned long long	 stat_refused;	/* answered with an error */
	char			 rbuf[SIP_MAXMSG + 1];
};

extern struct sipd_state	 sipd;

/* Where a message came from: the answer to it goes back the same way. */
struct sip_origin {
	int			 role;
	int			 transport;
	struct sockaddr_storage	 src;
	struct sip_sock		*sock;		/* UDP: the socket it came on */
	uint64_t		 conn;		/* TCP: the connection's id */
	const char		*body;		/* as received; only while */
	size_t			 bodylen;	/* sip_input_msg runs */
	size_t			 len;		/* the message as received */
};

/*
 * A message on its way out: its next hop is being resolved (RFC 3263);
 * once the address is known, the rewrite for the outgoing side runs and
 * the message leaves.
 */
struct sipx {
	TAILQ_ENTRY(sipx)	 entry;
	osip_message_t		*msg;
	struct sip_origin	 from;
	int			 role_out;
	int			 transport;
	char			*host;
	uint16_t		 port;
	struct resolve_req	*rr;
	int			 counted;	/* against its source (srclimit) */
	struct sockaddr_storage	 dst;
	int			 waiting;	/* answers due from rtpd */
	int			 offer;		/* its SDP may open streams */
	uint32_t		 id;
	time_t			 born;		/* monotonic seconds */
	uint64_t		 loophash;	/* RFC 3261 §16.6 step 8 */
	uint64_t		 callkey;	/* the call, for rtpd */
	struct sdp		*sdp;		/* parsed, awaiting ports */
	uint16_t		*rtp_ports;
	uint16_t		*rtcp_ports;
	char			*rawbody;	/* a body we forward untouched */
	size_t			 rawlen;
};
TAILQ_HEAD(sipx_list, sipx);

/* sipd.c */
struct sip_sock	*sipd_sock_find(int, int, int);

/* sipctl.c */
void	 sipd_ctl(struct msg *);

/* proxy.c */
void	 proxy_init(void);
void	 proxy_shutdown(void);
void	 proxy_config(void);
void	 sip_input(struct sip_sock *, const struct sockaddr_storage *,
	    const char *, size_t);
void	 sip_input_msg(const struct sip_origin *, const char *, size_t);
int	 proxy_prepare(struct sipx *);
const char *proxy_cid(const osip_message_t *);

/* sipx.c */
void	 sipx_start(osip_message_t *, const struct sip_origin *, int, int,
	    const char *, uint16_t, uint64_t);
void	 sipx_send(struct sipx *);
void	 sipx_free(struct sipx *);
struct sipx *sipx_find(uint32_t);
void	 sipx_reply(struct sipx *, int);
void	 sipx_expire_due(time_t);
size_t	 sipx_held(void);

/* lopeer.c */
void	 lopeer_seen(struct sip_sock *, const struct sockaddr_storage *);
struct sip_sock *lopeer_sock(const struct sockaddr *);
void	 lopeer_flush(void);

/* tcp.c */
void	 tcp_accept(int, short, void *);
void	 tcp_socket(struct msg *);
int	 tcp_send(int, int, const struct sockaddr *, uint64_t, const char *,
	    size_t);
void	 tcp_tls_name(const char *);

/* regsave.c */
void	 regsave_data(int, const void *, size_t);
void	 regsave_loaded(void);
void	 regsave_saved(struct msg *);
void	 regsave_start(void);
void	 regsave_shutdown(void);
void	 regsave_dirty(void);

/* relay.c */
struct sdp;
struct sdp_subst;
void	 relay_dispatch(struct msg *);
void	 relay_stats_request(void);
uint64_t relay_callkey(const osip_message_t *);
void	 relay_close(uint64_t, int);
int	 relay_request(struct sipx *, int);

/* invite.c */
void	 invite_shutdown(void);
void	 invite_sent(uint64_t, int);
int	 invite_bare(uint64_t);
void	 invite_answered(uint64_t, int);
size_t	 invite_count(void);
void	 invite_expire_due(time_t);

#endif /* SIPROXD_SIPD_H */
