/* SPDX-License-Identifier: ISC */
/* A SIP connection over TCP or TLS: what tcp.c and tcptls.c share. */

#ifndef SIPROXD_TCPCONN_H
#define SIPROXD_TCPCONN_H

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/tree.h>

#include <stdint.h>

#include "buf.h"

struct event;
struct tls;

/* Bytes on their way out. */
struct tcp_out {
	TAILQ_ENTRY(tcp_out)	 entry;
	size_t			 len;
	size_t			 off;
	int			 msg;		/* not a keep-alive */
	char			 data[];
};
TAILQ_HEAD(tcp_outq, tcp_out);

struct tcp_conn {
	RB_ENTRY(tcp_conn)	 by_id;
	RB_ENTRY(tcp_conn)	 by_peer;
	uint64_t		 id;
	int			 fd;
	int			 role;
	int			 ours;		/* we connected */
	int			 transport;	/* TRANSPORT_TCP, TRANSPORT_TLS */
	struct tls		*tls;
	int			 handshake;	/* TLS: not yet done */
	int			 want_out;	/* TLS: waits for POLLOUT */
	char			*tlsname;	/* TLS: the name to verify */
	char			*tin;		/* TLS: ciphertext read ... */
	size_t			 tinoff;
	size_t			 tinlen;	/* ... that libtls has not taken */
	int			 tdrained;	/* TLS: the socket had no more */
	char			*tout;		/* TLS: ciphertext to write */
	size_t			 toutlen;
	int			 connecting;
	int			 sockwait;	/* its socket is due from the parent */
	int			 busy;		/* inside sip_input_msg() */
	int			 closing;	/* free once no longer busy */
	int			 partial;	/* part of a message is in */
	int			 pinged;	/* a CRLFCRLF awaits its CRLF */
	struct sockaddr_storage	 peer;
	struct event		*rev;
	struct event		*wev;
	struct event		*tev;
	struct buf		 rbuf;		/* read, not yet a message */
	size_t			 need;		/* no frame before this much */
	struct tcp_outq		 wq;
	size_t			 wqlen;		/* bytes */
	size_t			 wqn;		/* messages */
	uint64_t		 start;		/* ms, when the connect began */
	uint64_t		 last;		/* ms, last sign of life */
	uint64_t		 lastsent;	/* ms, last bytes queued */
	int			 gotmsg;	/* a whole message came in */
};

/* tcp.c */
void	 tcp_close(struct tcp_conn *, int, const char *, ...)
	    __attribute__((__format__ (printf, 3, 4)));
void	 tcp_arm(struct tcp_conn *);
int	 tcp_sent(struct tcp_conn *, struct tcp_out *, size_t);
size_t	 tcp_room(struct tcp_conn *);
int	 tcp_got(struct tcp_conn *, size_t);

/*
 * tcptls.c: TLS on a connection.  tcptls_start once the TCP connection is
 * up; tcptls_io when the socket is ready or messages wait (EV_READ: read
 * too); tcptls_flush writes the queue into records and tcptls_done sends
 * them (-1: the connection is gone); tcptls_push sends what is buffered;
 * tcptls_fail closes after a failed handshake, with a log line.
 */
void	 tcptls_start(struct tcp_conn *);
void	 tcptls_io(struct tcp_conn *, short);
int	 tcptls_flush(struct tcp_conn *);
int	 tcptls_done(struct tcp_conn *);
int	 tcptls_push(struct tcp_conn *);
void	 tcptls_fail(struct tcp_conn *, const char *);

#endif /* SIPROXD_TCPCONN_H */
