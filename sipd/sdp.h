/* SPDX-License-Identifier: ISC */
/* SDP (RFC 4566) bodies: a line-based reader and an address/port rewriter. */

#ifndef SIPROXD_SDP_H
#define SIPROXD_SDP_H

#include <sys/types.h>
#include <sys/socket.h>

#include <stddef.h>
#include <stdint.h>

#define SDP_LINE_MAX	4096		/* longest line we accept, sans EOL */

enum sdp_dir {
	SDP_SENDRECV,
	SDP_SENDONLY,
	SDP_RECVONLY,
	SDP_INACTIVE
};

struct sdp_media {
	char			 media[32];	/* "audio", "video", ... */
	uint16_t		 port;		/* from m=; 0: stream refused */
	uint16_t		 nports;	/* m=audio 49170/2 -> 2, else 1 */
	char			 proto[32];	/* RTP/AVP, ... */
	struct sockaddr_storage	 addr;		/* effective c= (media, else
						   session); ss_family 0 if
						   none; port = RTP port */
	int			 hold;		/* c= is 0.0.0.0 / :: */
	int			 mcast;		/* c= is a multicast address */
	enum sdp_dir		 dir;		/* media a=, else session a=,
						   else sendrecv */
	uint16_t		 rtcp_port;	/* a=rtcp: (RFC 3605), 0 if
						   absent */
	struct sockaddr_storage	 rtcp_addr;	/* a=rtcp: address, family 0
						   if none; port = rtcp_port */
	int			 rtcp_mux;	/* a=rtcp-mux (RFC 5761) */
};

struct sdp {
	struct sdp_media	*media;		/* nmedia entries */
	size_t			 nmedia;
	struct sockaddr_storage	 session_addr;	/* session c=, family 0 if
						   none */
	struct sockaddr_storage	 origin_addr;	/* o= address, family 0 if
						   not an IP */
};

struct sdp_subst {
	const struct sockaddr	*addr;		/* address to write (family
						   picks IN IP4/IP6); NULL:
						   keep addresses */
	const uint16_t		*rtp_port;	/* nmedia entries: new m=
						   port; NULL: keep */
	const uint16_t		*rtcp_port;	/* nmedia entries: new a=rtcp
						   port; NULL: rtp + 1 */
};

/* 0, or -1: malformed (and *sdp cleared); sdp_clear() frees a parse. */
int	sdp_parse(struct sdp *, const char *, size_t);
void	sdp_clear(struct sdp *);
/*
 * 0 and a malloc'd, NUL-terminated copy with addresses and ports
 * substituted, or -1: malformed, or a body whose m= count differs from
 * the parse given.
 */
int	sdp_rewrite(const char *, size_t, const struct sdp *,
	    const struct sdp_subst *, char **, size_t *);

#endif /* SIPROXD_SDP_H */
