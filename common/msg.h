/* SPDX-License-Identifier: ISC */
/* The messages between siproxd's processes: one header, typed payloads. */

#ifndef SIPROXD_MSG_H
#define SIPROXD_MSG_H

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>

#include <stdint.h>

/*
 * Every socketpair between our processes is SOCK_SEQPACKET: one message is
 * one packet, so framing cannot slip, and an fd travels with the packet it
 * belongs to.  The payload size of each type is checked before anything
 * reads it; a message that fails that check came from a process that is
 * not behaving, and the receiver stops.
 */
enum msg_type {
	MSG_NONE = 0,
	MSG_CONFIG_TEXT,	/* parent -> child: a chunk of the canonical config */
	MSG_CONFIG_END,		/* parent -> child: config complete, apply it */
	MSG_IFADDR,		/* parent -> child: an interface role's addresses */
	MSG_SIP_SOCKET,		/* parent -> sipd (+fd): a bound SIP socket */
	MSG_SIP_SOCKETS_FLUSH,	/* parent -> sipd: forget every SIP socket */
	MSG_START,		/* parent -> child: all sent; lock down and run */
	MSG_RTP_SOCKET_REQ,	/* rtpd -> parent: bind this RTP/RTCP port */
	MSG_RTP_SOCKET,		/* parent -> rtpd (+fd unless error) */
	MSG_RTP_SOCKET_RELEASE,	/* rtpd -> parent: closed a socket it was given */
	MSG_TCP_SOCKET_REQ,	/* sipd -> parent: a TCP socket to connect from */
	MSG_TCP_SOCKET,		/* parent -> sipd (+fd unless error) */
	MSG_TCP_SOCKET_RELEASE,	/* sipd -> parent: closed a socket it was given */
	MSG_REG_DATA,		/* parent <-> sipd: a chunk of the registration file */
	MSG_REG_COMMIT,		/* sipd -> parent: write it; parent -> sipd: loaded */
	MSG_REG_SAVED,		/* parent -> sipd: result of the write */
	MSG_REG_STATE_DATA,	/* parent <-> sipd: a chunk of our own file */
	MSG_REG_STATE_END,	/* parent <-> sipd: our own file is complete */
	MSG_RELAY_OPEN,		/* sipd -> rtpd */
	MSG_RELAY_OPENED,	/* rtpd -> sipd */
	MSG_RELAY_CLOSE,	/* sipd -> rtpd */
	MSG_RELAY_STATS,	/* rtpd -> sipd: a stream's counters */
	MSG_PWFILE_DATA,	/* parent -> sipd: a chunk of proxy_auth_pwfile */
	MSG_PWFILE_END,		/* parent -> sipd: the file is complete */
	MSG_CTL_REQ,		/* siproxctl -> parent -> child: a query */
	MSG_CTL_DATA,		/* child -> parent -> siproxctl: answer lines */
	MSG_CTL_END,		/* child -> parent -> siproxctl: answer done */
	MSG_VERBOSE,		/* parent -> child: new log verbosity */
	MSG_SHUTDOWN,		/* parent -> child: flush state and exit */
	MSG_LOG,		/* child -> parent: a log line, on its own channel */
	/* new types go last: siproxctl's numbers stay those of older builds */
	MSG_STATS_DUMP,		/* parent -> sipd: SIGUSR1 (plugin_stats) */
	MSG_RELAY_STATS_REQ,	/* sipd -> rtpd: every stream's counters, now */
	MSG_TLS_CERT,		/* parent -> sipd: a chunk of tls_cert_file */
	MSG_TLS_KEY,		/* parent -> sipd: a chunk of tls_key_file */
	MSG_TLS_CA,		/* parent -> sipd: a chunk of the CA bundle */
	MSG_TLS_END,		/* parent -> sipd: all three sent: use them */
	MSG_HA_AUTH,		/* parent -> sipd: the Redis password */
	MSG_HA_SOCKET_REQ,	/* sipd -> parent: a connection to ha_redis */
	MSG_HA_SOCKET,		/* parent -> sipd (+fd unless error) */
	MSG_FASTPATH_MAP,	/* parent -> rtpd (+fd): the kernel's stream map */
	MSG_RELAY_STATE,	/* rtpd -> sipd: a stream, for the partner */
	MSG_RELAY_RESTORE,	/* sipd -> rtpd: a stream the partner held */
	MSG_HA_CA,		/* parent -> sipd: a chunk of Redis's CA bundle */
	MSG_TYPE_MAX
};

#define MSG_F_FD	0x0001		/* an fd travels with this message */

struct msg_hdr {
	uint16_t	type;
	uint16_t	flags;
	uint32_t	len;		/* payload bytes after the header */
	uint32_t	id;		/* request id, echoed in the answer */
	uint32_t	reserved;	/* zero */
};

#define MSG_MAXDATA	16384		/* largest payload of any type */

/* Roles of an interface. */
#define ROLE_INBOUND	0
#define ROLE_OUTBOUND	1
#define ROLE_MAX	2

#define TRANSPORT_UDP	0
#define TRANSPORT_TCP	1
#define TRANSPORT_TLS	2	/* TCP with TLS on top (RFC 3261 §26.2) */

/* An address and port, family-neutral, fixed size. */
struct msg_addr {
	uint8_t		family;		/* AF_INET, AF_INET6 as 4 / 6 */
	uint8_t		pad;
	uint16_t	port;		/* host byte order */
	uint8_t		addr[16];
};

#define MSG_AF_INET	4
#define MSG_AF_INET6	6

struct msg_ifaddr {
	uint8_t		role;
	uint8_t		naddr;		/* 0..2: IPv4 first, then IPv6 */
	uint16_t	pad;
	struct msg_addr	addr[2];
};

struct msg_sip_socket {
	uint8_t		role;
	uint8_t		transport;
	uint16_t	pad;
	struct msg_addr	addr;
};

struct msg_rtp_socket_req {
	uint8_t		role;
	uint8_t		family;		/* MSG_AF_INET or MSG_AF_INET6 */
	uint16_t	port;
};

struct msg_rtp_socket {
	uint8_t		role;
	uint8_t		family;
	uint16_t	port;
	int32_t		error;		/* errno, 0 with an fd */
};

/*
 * A TCP socket bound to the address of one side (port chosen by the
 * kernel), for a connection sipd opens to a peer on that side.
 */
struct msg_tcp_socket_req {
	uint8_t		role;
	uint8_t		family;		/* MSG_AF_INET or MSG_AF_INET6 */
	uint16_t	pad;
};

struct msg_tcp_socket {
	uint8_t		role;
	uint8_t		family;
	uint16_t	pad;
	int32_t		error;		/* errno, 0 with an fd */
};

/* A media stream of a call: (call, stream) is the key in rtpd. */

/*
 * Streams a call may have: the SDP of one made-up answer could otherwise
 * take the whole port range.  sipd refuses later m= lines (port 0, RFC
 * 3264 §6), the others work.
 */
#define RELAY_STREAMS_MAX	8

#define RELAY_F_HOLD	0x01	/* c= 0.0.0.0: the sender does not listen */
#define RELAY_F_ANSWER	0x02	/* SDP of a 2xx: the call is answered */
#define RELAY_F_OFFER	0x04	/* an offer: may open a new stream; without
				   it only a stream an offer opened is used */

struct msg_relay_open {
	uint64_t	call;		/* hash of the Call-ID, LAN form */
	uint16_t	stream;		/* m= line index */
	uint8_t		from_role;	/* the side the SDP came from */
	uint8_t		flags;
	struct msg_addr	peer;		/* c=/m= of that side; port = RTP */
	struct msg_addr	sig;		/* the SIP hop that sent the SDP */
	uint16_t	rtcp_port;	/* a=rtcp, 0: RTP + 1 */
	uint8_t		to_family;	/* MSG_AF_* of the side it goes to */
	uint8_t		pad;
};

struct msg_relay_opened {
	uint64_t	call;
	uint16_t	stream;
	uint16_t	rtp_port;	/* ours, on the side the SDP goes to */
	uint16_t	rtcp_port;
	uint16_t	pad;
	int32_t		error;		/* 0 or errno */
	uint32_t	pad2;
};

#define RELAY_F_UNANSWERED 0x01	/* close only if no 2xx was seen */

struct msg_relay_close {
	uint64_t	call;
	uint8_t		flags;
	uint8_t		pad[7];
};

/* Why rtpd sends a stream's counters. */
#define RELAY_W_LIVE	0	/* asked by MSG_RELAY_STATS_REQ */
#define RELAY_W_CLOSED	1	/* sipd closed it: the call ended */
#define RELAY_W_EXPIRED	2	/* no media for rtp_timeout */
#define RELAY_W_MAX	3

/* What one side's endpoint sent, as rtpd relayed it. */
struct msg_relay_count {
	uint64_t	packets;	/* accepted from the endpoint */
	uint64_t	bytes;
	uint64_t	lost;		/* RTP sequence numbers never seen */
	uint32_t	ssrcs;		/* SSRC changes after the first */
	uint32_t	pad;
};

struct msg_relay_stats {
	uint64_t		call;
	uint16_t		stream;
	uint8_t			why;		/* RELAY_W_* */
	uint8_t			pad[5];
	struct msg_relay_count	leg[ROLE_MAX];
	uint64_t		dropped;	/* from anyone else */
};

/*
 * A stream as rtpd holds it, written to Redis (ha_redis) so that the
 * failover partner can take it over on the same ports, its endpoints
 * still locked: rtpd sends it when it changes, sipd sends it back to the
 * partner's rtpd to restore it.
 */
#define RELAY_L_DST	0x01	/* dst[] holds the endpoint */
#define RELAY_L_RTP	0x02	/* RTP's source learned and locked */
#define RELAY_L_RTCP	0x04	/* RTCP's likewise */
#define RELAY_L_HOLD	0x08	/* on hold: nothing goes there */
#define RELAY_L_ALL	0x0f

struct msg_relay_leg {
	struct msg_addr	dst[2];		/* the endpoint: RTP, RTCP */
	struct msg_addr	sig;		/* the SIP hop its SDP came from */
	uint16_t	port;		/* our RTP port on this side */
	uint8_t		family;		/* MSG_AF_* of our sockets */
	uint8_t		flags;		/* RELAY_L_* */
};

#define RELAY_S_GONE	0x01	/* closed: the call ended */
#define RELAY_S_LOST	0x02	/* no longer held here (expired, not
				   restored): the record stays */

struct msg_relay_state {
	uint64_t		call;
	uint16_t		stream;
	uint8_t			flags;		/* RELAY_S_* */
	uint8_t			pad[5];
	struct msg_relay_leg	leg[ROLE_MAX];
};

/*
 * The fast path's stream map (common/fastpath.h): rtpd checks that its
 * entries are the size the parent's program was built with.
 */
struct msg_fastpath_map {
	uint32_t	key_size;
	uint32_t	value_size;
};

/*
 * The control socket (siproxctl).  An answer is text: lines of fields
 * separated by tabs, the first line naming the fields; every field is
 * vis(3)-encoded (VIS_SAFE|VIS_TAB|VIS_NL|VIS_OCTAL), so no field holds a
 * tab or a newline.  CTL_END carries a msg_result: 0, or an errno.
 */
#define CTL_PHONES	1	/* sipd: the registration table */
#define CTL_CALLS	2	/* rtpd: relayed streams and their counters */
#define CTL_STATS	3	/* each process: name, value pairs */
#define CTL_RELOAD	4	/* parent: as SIGHUP */
#define CTL_LOG		5	/* parent: arg 1 verbose (debug), 0 brief */

struct msg_ctl {
	uint32_t	what;		/* CTL_* */
	int32_t		arg;
};

struct msg_result {
	int32_t		error;		/* 0 or errno */
};

/* The Redis password: the bytes of the file's first line. */
#define MSG_HA_AUTHMAX	512

struct msg_verbose {
	int32_t		verbose;
};

/* A child's log line: the priority, then the text (no NUL, no newline). */
#define MSG_LOGMAX	1024

struct msg_log {
	int32_t		pri;		/* LOG_EMERG .. LOG_DEBUG */
};

/* A received message: valid until the next msg_recv on the channel. */
struct msg {
	struct msg_hdr	 hdr;
	const uint8_t	*data;
	int		 fd;		/* -1 unless MSG_F_FD */
};

struct msgbuf {
	TAILQ_ENTRY(msgbuf)	 entry;
	struct msg_hdr		 hdr;
	int			 fd;
	size_t			 len;
	uint8_t			 data[];
};

struct event;
struct event_base;
struct msgchan;
typedef void (*msg_dispatch)(struct msgchan *, struct msg *, void *);

struct msgchan {
	int			 fd;
	const char		*peer;		/* for log lines */
	struct event		*rev;
	struct event		*wev;
	TAILQ_HEAD(, msgbuf)	 outq;
	msg_dispatch		 dispatch;
	void			*arg;
	int			 untrusted;	/* bad input closes, not fatal */
	size_t			 outlen;	/* bytes in outq */
	size_t			 outmax;	/* 0, or the most outq may hold */
	int			 full;		/* outmax was passed: peer lost */
	uint8_t			 rbuf[sizeof(struct msg_hdr) + MSG_MAXDATA + 1];
};

const char	*msg_typename(uint16_t);
const char	*msg_check(const struct msg_hdr *, size_t, int);
int		 msg_decode(const uint8_t *, size_t, int, struct msg *,
		    const char **);
void		 msgchan_init(struct msgchan *, int, const char *,
		    msg_dispatch, void *);
void		 msgchan_attach(struct msgchan *, struct event_base *);
void		 msgchan_clear(struct msgchan *);
void		 msg_send(struct msgchan *, uint16_t, uint32_t, int,
		    const void *, size_t);
int		 msg_flush(struct msgchan *);
int		 msg_write(int, uint16_t, const void *, size_t);
int		 msg_recv(struct msgchan *, struct msg *);
void		 msg_send_blob(struct msgchan *, uint16_t, uint16_t,
		    const char *, size_t);
void		 msg_send_answer(struct msgchan *, uint32_t, const char *,
		    size_t, int);

void		 msg_addr_from_sa(struct msg_addr *, const struct sockaddr *);
int		 msg_addr_to_sa(const struct msg_addr *,
		    struct sockaddr_storage *);

#endif /* SIPROXD_MSG_H */
