/* SPDX-License-Identifier: ISC */
/* The calls the failover partner may take over: their records in Redis. */

#ifndef SIPROXD_HACALL_H
#define SIPROXD_HACALL_H

#include <stddef.h>
#include <stdint.h>

#include "msg.h"

#define HACALL_STREAMS	RELAY_STREAMS_MAX
#define HACALL_CIDMAX	256	/* a Call-ID we keep a record for */
#define HACALL_NODEMAX	64
#define HACALL_RECMAX	4096

/*
 * A call's record, as written to and read from Redis:
 *
 *	siproxd-call 1 node=NAME
 *	CALL-ID
 *	STREAM LEG LEG			(one line per stream, 1..8)
 *
 * where each LEG (the LAN's, then the WAN's) is "PORT FAMILY FLAGS RTP
 * RTCP SIG": our port there, 4 or 6, RELAY_L_* in hex, and the
 * endpoint's RTP and RTCP and the SIP hop that sent its SDP, each
 * "ADDRESS/PORT" or "-".  The call field of st[] is left 0.
 */
struct hacall_rec {
	char			node[HACALL_NODEMAX + 1];
	char			cid[HACALL_CIDMAX + 1];
	size_t			nst;
	struct msg_relay_state	st[HACALL_STREAMS];
};

int	 hacall_parse(const char *, size_t, struct hacall_rec *,
	    const char **);
char	*hacall_format(const struct hacall_rec *, size_t *);

void	 hacall_note(uint64_t, const char *);
void	 hacall_state(const struct msg *);
int	 hacall_merge(const char *, size_t, const char **);
void	 hacall_resync(void);
void	 hacall_tick(time_t);
size_t	 hacall_count(void);
void	 hacall_clear(void);

#endif /* SIPROXD_HACALL_H */
