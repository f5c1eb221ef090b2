/* SPDX-License-Identifier: ISC */
/* rtpd: the relay table and its sockets. */

#ifndef SIPROXD_RTPD_H
#define SIPROXD_RTPD_H

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/tree.h>

#include <stdint.h>

#include "fastpath.h"
#include "msg.h"

#define RTP	0
#define RTCP	1

struct rleg;

/*
 * RTP sequence numbers of one sender (RFC 3550 A.1, without the probation
 * and restart rules): what never came is lost, a new SSRC starts again.
 */
struct rtp_seen {
	uint32_t		 ssrc;
	uint16_t		 base;		/* first sequence number */
	uint16_t		 max;		/* highest seen */
	uint64_t		 cycles;	/* wraps of max, times 65536 */
	uint64_t		 got;		/* packets of this SSRC */
	uint64_t		 lost;		/* of SSRCs before it */
	uint32_t		 changes;	/* SSRCs after the first */
	int			 have;
};

/* One of our sockets: RTP or RTCP of one leg. */
struct rsock {
	RB_ENTRY(rsock)		 wait_entry;	/* while it awaits the parent */
	struct rleg		*leg;
	int			 k;		/* RTP or RTCP */
	int			 fd;		/* -1 until the parent sends it */
	uint32_t		 req;		/* the parent request it awaits */
	struct event		*ev;
};

/*
 * A leg's entries in the kernel fast path for RTP or RTCP (offload.c):
 * the packets its locked peer sends to our socket there, and the drop of
 * anyone else's; what their counters held when last added to the leg's.
 */
struct rfast {
	int			 on;
	struct fp_key		 key;
	struct fp_val		 val;		/* the rewrite as installed */
	uint64_t		 packets;
	uint64_t		 bytes;
	uint64_t		 dropped;
};

/* One side of a stream: our sockets there and the endpoint they serve. */
struct rleg {
	struct rstream		*st;
	int			 role;
	int			 family;
	uint16_t		 port;		/* our RTP port, 0: none yet */
	struct rsock		 s[2];
	struct sockaddr_storage	 dst[2];	/* the endpoint: SDP, then learned */
	struct sockaddr_storage	 sig;		/* where its SDP came from */
	int			 have_dst;
	int			 learned[2];
	int			 hold;
	uint64_t		 packets;	/* accepted from the endpoint */
	uint64_t		 dropped;	/* from anyone else */
	uint64_t		 bytes;		/* of the packets accepted */
	struct rtp_seen		 seen;
	struct rfast		 fast[2];	/* RTP, RTCP */
};

struct rstream {
	RB_ENTRY(rstream)	 entry;
	uint64_t		 call;
	uint16_t		 index;
	struct rleg		 leg[ROLE_MAX];
	time_t			 last;		/* last packet (monotonic s) */
	int			 answered;
	int			 restored;	/* from the partner's record */
	time_t			 told;		/* state last sent to sipd */
	int			 want;		/* sockets still to come */
	int			 reply;		/* a sipd request waits */
	uint32_t		 reply_id;
	int			 reply_role;
};

void	 stream_init(void);
void	 stream_config(void);
void	 stream_open(struct msg *);
void	 stream_close(struct msg *);
void	 stream_socket(struct msg *);
void	 stream_shutdown(void);
size_t	 stream_count(void);
void	 stream_ctl(struct msg *);
void	 stream_stats(void);
void	 stream_pace(void);
void	 stream_restore(struct msg *);

/* offload.c: locked legs in the kernel's fast path */
void	 offload_init(struct msg *);
void	 offload_sync(struct rstream *);
void	 offload_read(struct rstream *);
void	 offload_clear(struct rstream *);
int	 offload_on(const struct rstream *);

/* fastmap_linux.c; fastmap_none.c where there is no eBPF */
int	 fastmap_update(int, const void *, const void *);
int	 fastmap_lookup(int, const void *, void *);
int	 fastmap_delete(int, const void *);

/* dejitter.c */
int	 dejitter_delay(const struct rleg *);
void	 dejitter_send(int, const void *, size_t,
	    const struct sockaddr_storage *, int);
void	 dejitter_forget(int);

#endif /* SIPROXD_RTPD_H */
