/* SPDX-License-Identifier: ISC */
/* SIP over TCP: the stream framer and the limits of the connection table. */

#ifndef SIPROXD_TCP_H
#define SIPROXD_TCP_H

#include <stddef.h>

#define TCP_MAXHDR	16384		/* start-line and headers */
#define TCP_MAXBODY	65536		/* largest Content-Length */
#define TCP_MAXPERHOST	32		/* connections from one address */
#define TCP_MAXCONN	4096		/* connections in all (tcp_init) */
#define TCP_FIRSTMSG	5		/* s for a peer's first message */
#define TCP_MAXQUEUE	(1024 * 1024)	/* bytes waiting to be written */
#define TLS_HANDSHAKE	5		/* s for a TLS handshake */

/* What tcp_frame() found at the start of a buffer. */
#define TCP_FRAME_ERR	(-1)	/* not SIP framing: close the connection */
#define TCP_FRAME_MORE	0	/* incomplete: read more */
#define TCP_FRAME_MSG	1	/* a whole message */
#define TCP_FRAME_PING	2	/* CRLFCRLF keep-alive: answer CRLF */
#define TCP_FRAME_CRLF	3	/* a lone CRLF: a pong, or before a message */

int	 tcp_frame(const char *, size_t, size_t *, const char **);
void	 tcp_init(void);
void	 tcp_shutdown(void);
size_t	 tcp_count(void);

#endif /* SIPROXD_TCP_H */
