/* SPDX-License-Identifier: ISC */
/* sipd's side of the media relay: asking rtpd for ports, writing them to SDP. */

#include <sys/types.h>
#include <sys/socket.h>

#include "child.h"
#include "conf.h"
#include "log.h"
#include "sdp.h"
#include "sipd.h"

void
relay_dispatch(struct msg *m)
{
	fatalx("unexpected %s from rtpd", msg_typename(m->hdr.type));
}

/*
 * Fill in the relay's ports for the SDP of x.  0: go on now; 1: x waits
 * for rtpd's answer; -1: refuse.  Until rtpd relays media the ports stay
 * as the endpoint wrote them and only the addresses are ours.
 */
int
relay_sdp(struct sipx *x, struct sdp *sdp, struct sdp_subst *sub)
{
	return (0);
}
