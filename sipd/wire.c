/* SPDX-License-Identifier: ISC */
/* SIP messages onto the wire: serialised, then out by UDP, TCP or TLS. */

#include <sys/types.h>
#include <sys/socket.h>

#include <stdlib.h>

#include <osipparser2/osip_parser.h>

#include "addr.h"
#include "log.h"
#include "sipd.h"
#include "wire.h"

static int	wire_send_net(int, int, const struct sockaddr *, uint64_t,
		    const char *, size_t);

static wire_output_fn	wire_output = wire_send_net;

/* Serialise after changes: libosip2 keeps the text it parsed otherwise. */
int
wire_format(osip_message_t *m, char **buf, size_t *len)
{
	osip_message_force_update(m);
	return (osip_message_to_str(m, buf, len) == 0 ? 0 : -1);
}

/* A finished message onto the wire: UDP here, TCP through the table. */
static int
wire_send_net(int transport, int role, const struct sockaddr *dst,
    uint64_t conn, const char *buf, size_t len)
{
	struct sip_sock	*ss;

	if (transport != TRANSPORT_UDP)
		return (tcp_send(role, transport, dst, conn, buf, len));
	if ((role != ROLE_INBOUND || (ss = lopeer_sock(dst)) == NULL) &&
	    (ss = sipd_sock_find(role, TRANSPORT_UDP, dst->sa_family)) ==
	    NULL) {
		log_warnx("no %s socket to reach %s",
		    role == ROLE_INBOUND ? "inbound" : "outbound", log_sa(dst));
		return (-1);
	}
	if (sendto(ss->fd, buf, len, 0, dst, addr_len(dst)) == -1) {
		log_warn("sendto %s", log_sa(dst));
		return (-1);
	}
	return (0);
}

void
wire_set_output(wire_output_fn fn)
{
	wire_output = fn != NULL ? fn : wire_send_net;
}

/* Send a finished message. */
int
wire_send(int transport, int role, const struct sockaddr *dst,
    uint64_t conn, const char *buf, size_t len)
{
	sipd.stat_out++;
	return (wire_output(transport, role, dst, conn, buf, len));
}
