/* SPDX-License-Identifier: ISC */
/* libFuzzer harness: sipd from received datagrams to the messages it sends. */

/*
 * sipd as sipd_main() leaves it after start-up, with its sockets replaced
 * by buffers: what it sends goes to fuzz_output() (wire_set_output), this
 * file plays rtpd and the parent on the two socketpairs, and names resolve
 * from a fixed table (ares_search below) so no query leaves the process.
 *
 * An input is up to MAXMSGS messages separated by SEP.  Each starts with a
 * control byte:
 *	bits 0-2  where it came from (fuzz_srcs)
 *	bit  3    over a TCP connection instead of a UDP socket; over TLS
 *		  when the config has TLS on (confs[2]): what TLS decrypts
 *		  reaches sipd as this, through the same framer
 *	bits 4-5  how rtpd answers the RELAY_OPENs it causes (RTPD_*);
 *		  RTPD_FUZZ takes the 6 bytes after the control byte
 *	bits 6-7  the config in force (confs)
 * In the message, @VIA@ and @RR@ stand for the Vias and Record-Routes of
 * the last request sipd sent, @CID@ for the last Call-ID it sent,
 * @CONTACT@ for the last Contact it sent to the WAN, and @AUTH@ for valid
 * credentials of phone1 for the request line before it: so the answers a
 * peer would give (200 to a REGISTER, 180/200 to an INVITE) get past the
 * Via branch, sealed Call-ID and nonce that sipd keys with its secrets.
 * After the last message the table is listed as for "siproxctl phones",
 * then the bindings, REGISTERs and INVITEs in flight, waiting messages and
 * the nonce counts seen are dropped: each input starts from the same state,
 * and mallocs match frees unless one leaked (libFuzzer's leak check).
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <arpa/nameser.h>

#include <ares.h>
#include <errno.h>
#include <event.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <osipparser2/osip_parser.h>

#include "addr.h"
#include "auth.h"
#include "child.h"
#include "conf.h"
#include "log.h"
#include "mod.h"
#include "msg.h"
#include "proc.h"
#include "pwfile.h"
#include "regtable.h"
#include "registrar.h"
#include "resolve.h"
#include "rewrite.h"
#include "sipd.h"
#include "transport.h"
#include "wire.h"

#define SEP		"\n###\n"
#define SEPLEN		(sizeof(SEP) - 1)
#define MAXMSGS		16
#define MAXPASS		64		/* event loop passes per message */
#define MARK_MAX	4096
#define NCONF		4

#define RTPD_OK		0		/* ports, as rtpd gives them */
#define RTPD_FULL	1		/* ENOSPC: the port range is used up */
#define RTPD_SILENT	2		/* no answer while the input lasts */
#define RTPD_FUZZ	3		/* id, stream, ports from the input */

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* regress/e2e/lib.sh write_conf, and what the tests add to it. */
#define CONF_E2E \
	"if_inbound = in0\n" \
	"if_outbound = out0\n" \
	"sip_listen_port = 5060\n" \
	"user = nobody\n" \
	"chrootjail = /var/empty\n" \
	"registration_file = /var/empty/registrations\n" \
	"autosave_registrations = 1\n" \
	"pid_file = /var/empty/siproxd.pid\n" \
	"rtp_port_low = 7070\n" \
	"rtp_port_high = 7089\n" \
	"rtp_timeout = 30\n" \
	"silence_log = 0\n"

static const char *const confs[NCONF] = {
	CONF_E2E,
	CONF_E2E
	"proxy_auth_realm = siproxd.test\n"
	"proxy_auth_pwfile = /var/empty/passwd\n",
	CONF_E2E
	"host_outbound = 198.51.100.1\n"
	"use_rport = 3\n"
	"ua_string = siproxd-fuzz\n"
	"mask_host = phone.lan\n"
	"masked_host = sip.test\n"
	"outbound_proxy_host = proxy.sip.test\n"
	"outbound_proxy_port = 5080\n"
	"tls_cert_file = /var/empty/cert.pem\n"
	"tls_key_file = /var/empty/key.pem\n"
	"hosts_allow_reg = 10.0.0.0/24, fd00:1::/64\n"
	"hosts_deny_sip = 10.0.0.66/32\n",
	CONF_E2E
	"rtp_proxy_enable = 0\n"
	"default_expires = 60\n"
	"outbound_domain_name = corp.test\n"
	"outbound_domain_host = 203.0.113.5\n"
	"outbound_domain_port = 5090\n"
	"outbound_domain_name = example.com\n"
	"outbound_domain_host = example.net\n",
};

static const char	pwfile[] = "phone1 secret\nphone2 hunter2\n";

static const struct fuzz_src {
	int		 role;
	const char	*ip;
	uint16_t	 port;
} fuzz_srcs[8] = {
	{ ROLE_INBOUND, "10.0.0.2", 5061 },	/* the e2e LAN phones */
	{ ROLE_INBOUND, "10.0.0.2", 5062 },
	{ ROLE_INBOUND, "fd00:1::2", 5061 },
	{ ROLE_INBOUND, "127.0.0.1", 5063 },	/* a redirect to loopback */
	{ ROLE_OUTBOUND, "203.0.113.2", 5060 },	/* the registrar */
	{ ROLE_OUTBOUND, "203.0.113.2", 5070 },	/* uas.test, callers */
	{ ROLE_OUTBOUND, "2001:db8:1::2", 5060 },
	{ ROLE_OUTBOUND, "10.0.0.2", 5061 },	/* the LAN, on the WAN side */
};

/* The names the tests use (regress/e2e/lib.sh dns_up), and a few more. */
static const struct dns_fake {
	const char	*name;
	int		 type;
	const char	*data;		/* an address, or the SRV target */
	uint16_t	 prio;
	uint16_t	 weight;
	uint16_t	 port;
} dns_fake[] = {
	{ "sip.test", T_A, "203.0.113.2", 0, 0, 0 },
	{ "reg.sip.test", T_A, "203.0.113.2", 0, 0, 0 },
	{ "reg.sip.test", T_AAAA, "2001:db8:1::2", 0, 0, 0 },
	{ "uas.test", T_A, "203.0.113.2", 0, 0, 0 },
	{ "_sip._udp.sip.test", T_SRV, "reg.sip.test", 0, 10, 5060 },
	{ "_sip._tcp.sip.test", T_SRV, "reg.sip.test", 0, 10, 5060 },
	{ "_sip._udp.uas.test", T_SRV, "uas.test", 0, 10, 5070 },
	{ "proxy.sip.test", T_A, "203.0.113.3", 0, 0, 0 },
	{ "example.com", T_A, "192.0.2.10", 0, 0, 0 },
	{ "example.com", T_AAAA, "2001:db8::10", 0, 0, 0 },
	{ "example.org", T_A, "192.0.2.20", 0, 0, 0 },
	{ "_sip._udp.example.net", T_SRV, "a.example.net", 10, 60, 5060 },
	{ "_sip._udp.example.net", T_SRV, "b.example.net", 10, 40, 5062 },
	{ "_sip._udp.example.net", T_SRV, "c.example.net", 20, 0, 5064 },
	{ "_sip._udp.example.net", T_SRV, ".", 30, 0, 5066 },
	{ "a.example.net", T_A, "198.51.100.10", 0, 0, 0 },
	{ "b.example.net", T_A, "198.51.100.11", 0, 0, 0 },
	{ "b.example.net", T_AAAA, "2001:db8:3::11", 0, 0, 0 },
	{ "c.example.net", T_AAAA, "2001:db8:3::12", 0, 0, 0 },
	{ "loop.test", T_A, "127.0.0.1", 0, 0, 0 },
	{ "bcast.test", T_A, "255.255.255.255", 0, 0, 0 },
	{ "v6.test", T_AAAA, "2001:db8:4::1", 0, 0, 0 },
	{ "_sip._udp.none.test", T_SRV, ".", 0, 0, 0 },
};

struct buf {
	char	*p;
	size_t	 len;
	size_t	 size;
};

static void
buf_add(struct buf *b, const char *p, size_t len)
{
	char	*n;

	if (b->len + len + 1 > b->size) {
		b->size = b->len + len + 1 + 256;
		if ((n = realloc(b->p, b->size)) == NULL)
			abort();
		b->p = n;
	}
	memcpy(b->p + b->len, p, len);
	b->len += len;
	b->p[b->len] = '\0';
}

static struct {
	struct siproxd_conf	*conf[NCONF];
	struct sockaddr_storage	 src[8];
	int			 rtpd_fd;	/* our ends of the socketpairs */
	int			 parent_fd;
	int			 mode;		/* RTPD_* */
	uint8_t			 fuzz[6];	/* RTPD_FUZZ's answer */
	uint16_t		 port;		/* the next relay port */
	uint32_t		*ids;		/* RELAY_OPENs of this input */
	size_t			 nids;
	size_t			 maxids;
	size_t			 nout;		/* messages sipd sent */
	struct buf		 ctl;		/* an answer to siproxctl */
	int			 ctl_done;
	unsigned int		 nc;
	char			 via[MARK_MAX];
	char			 rr[MARK_MAX];
	char			 cid[MARK_MAX];
	char			 contact[MARK_MAX];
	char			 nonce[128];
} fz;

/* A stand-in for c-ares's: the answer from dns_fake, at once. */

static int
dns_put_name(unsigned char *buf, size_t *off, size_t size, const char *name)
{
	const char	*p = name;
	size_t		 n;

	while (*p != '\0') {
		n = strcspn(p, ".");
		if (n == 0 || n > 63 || *off + n + 1 >= size)
			return (-1);
		buf[(*off)++] = n;
		memcpy(buf + *off, p, n);
		*off += n;
		p += n;
		if (*p == '.')
			p++;
	}
	if (*off >= size)
		return (-1);
	buf[(*off)++] = 0;
	return (0);
}

static void
dns_put16(unsigned char *buf, size_t *off, uint16_t v)
{
	buf[(*off)++] = v >> 8;
	buf[(*off)++] = v & 0xff;
}

/* One record of d: its name as a pointer to the question, or spelt out. */
static int
dns_put_rr(unsigned char *buf, size_t *off, size_t size,
    const struct dns_fake *d, int named)
{
	unsigned char	addr[16];
	size_t		rdlen;

	if (named) {
		if (dns_put_name(buf, off, size, d->name) == -1)
			return (-1);
	} else
		dns_put16(buf, off, 0xc000 | 12);
	if (*off + 10 + 16 + 6 + strlen(d->data) + 2 > size)
		return (-1);
	dns_put16(buf, off, d->type);
	dns_put16(buf, off, C_IN);
	dns_put16(buf, off, 0);
	dns_put16(buf, off, 30);		/* TTL */
	if (d->type == T_SRV) {
		rdlen = *off;
		*off += 2;
		dns_put16(buf, off, d->prio);
		dns_put16(buf, off, d->weight);
		dns_put16(buf, off, d->port);
		if (dns_put_name(buf, off, size, strcmp(d->data, ".") == 0 ?
		    "" : d->data) == -1)
			return (-1);
		buf[rdlen] = (*off - rdlen - 2) >> 8;
		buf[rdlen + 1] = (*off - rdlen - 2) & 0xff;
		return (0);
	}
	rdlen = d->type == T_A ? 4 : 16;
	if (inet_pton(d->type == T_A ? AF_INET : AF_INET6, d->data,
	    addr) != 1)
		abort();
	dns_put16(buf, off, rdlen);
	memcpy(buf + *off, addr, rdlen);
	*off += rdlen;
	return (0);
}

/* RFC 2782 additional data: the first target's addresses come along. */
static size_t
dns_additional(unsigned char *buf, size_t *off, size_t size,
    const char *target)
{
	size_t	i, n = 0;

	for (i = 0; i < sizeof(dns_fake) / sizeof(dns_fake[0]); i++)
		if (dns_fake[i].type != T_SRV &&
		    strcasecmp(dns_fake[i].name, target) == 0 &&
		    dns_put_rr(buf, off, size, &dns_fake[i], 1) == 0)
			n++;
	return (n);
}

void
ares_search(ares_channel channel, const char *name, int dnsclass, int type,
    ares_callback cb, void *arg)
{
	unsigned char	 buf[2048];
	const char	*target = NULL;
	char		 q[512];
	size_t		 off = 12, i, len, an = 0, ar = 0;
	int		 known = 0;

	len = strlen(name);
	if (len > 0 && name[len - 1] == '.')
		len--;
	if (len >= sizeof(q)) {
		cb(arg, ARES_EBADNAME, 0, NULL, 0);
		return;
	}
	memcpy(q, name, len);
	q[len] = '\0';
	memset(buf, 0, off);
	buf[0] = 0x12;
	buf[2] = 0x81;				/* response, RD */
	buf[3] = 0x80;				/* RA, no error */
	buf[5] = 1;
	if (dns_put_name(buf, &off, sizeof(buf), q) == -1) {
		cb(arg, ARES_EBADNAME, 0, NULL, 0);
		return;
	}
	dns_put16(buf, &off, type);
	dns_put16(buf, &off, dnsclass);
	for (i = 0; i < sizeof(dns_fake) / sizeof(dns_fake[0]); i++) {
		if (strcasecmp(dns_fake[i].name, q) != 0)
			continue;
		known = 1;
		if (dns_fake[i].type != type ||
		    dns_put_rr(buf, &off, sizeof(buf), &dns_fake[i], 0) == -1)
			continue;
		if (target == NULL && type == T_SRV)
			target = dns_fake[i].data;
		an++;
	}
	if (an == 0) {
		cb(arg, known ? ARES_ENODATA : ARES_ENOTFOUND, 0, NULL, 0);
		return;
	}
	if (target != NULL)
		ar = dns_additional(buf, &off, sizeof(buf), target);
	buf[7] = an;
	buf[11] = ar;
	cb(arg, ARES_SUCCESS, 0, buf, off);
}

/* What sipd sent: the values the markers stand for. */

static void
mark_set(char *dst, char *s)
{
	if (s == NULL || strlcpy(dst, s, MARK_MAX) >= MARK_MAX)
		dst[0] = '\0';
	osip_free(s);
}

static void
mark_append(char *dst, char *s)
{
	size_t	len = strlen(dst);

	if (len > 0 && strlcat(dst, ", ", MARK_MAX) >= MARK_MAX)
		len = MARK_MAX;
	if (len >= MARK_MAX || strlcat(dst, s, MARK_MAX) >= MARK_MAX)
		dst[0] = '\0';
	osip_free(s);
}

static void
marks_note(osip_message_t *m, int role)
{
	osip_via_t			*v;
	osip_record_route_t		*rr;
	osip_contact_t			*c;
	osip_proxy_authenticate_t	*pa;
	char				*s;
	int				 i;

	if (MSG_IS_REQUEST(m)) {
		fz.via[0] = fz.rr[0] = '\0';
		for (i = 0; (v = osip_list_get(&m->vias, i)) != NULL; i++)
			if (osip_via_to_str(v, &s) == 0)
				mark_append(fz.via, s);
		for (i = 0; (rr = osip_list_get(&m->record_routes, i)) !=
		    NULL; i++)
			if (osip_record_route_to_str(rr, &s) == 0)
				mark_append(fz.rr, s);
	}
	if (m->call_id != NULL && osip_call_id_to_str(m->call_id, &s) == 0)
		mark_set(fz.cid, s);
	if (role == ROLE_OUTBOUND &&
	    (c = osip_list_get(&m->contacts, 0)) != NULL && c->url != NULL &&
	    osip_uri_to_str(c->url, &s) == 0)
		mark_set(fz.contact, s);
	if (m->status_code == 407 &&
	    (pa = osip_list_get(&m->proxy_authenticates, 0)) != NULL &&
	    pa->nonce != NULL && strlen(pa->nonce) >= 2 &&
	    strlen(pa->nonce) - 2 < sizeof(fz.nonce)) {
		memcpy(fz.nonce, pa->nonce + 1, strlen(pa->nonce) - 2);
		fz.nonce[strlen(pa->nonce) - 2] = '\0';
	}
}

/* Every message sipd sends comes here: it must be one sipd could read. */
static int
fuzz_output(int transport, int role, const struct sockaddr *dst,
    uint64_t conn, const char *buf, size_t len)
{
	osip_message_t	*m;
	osip_via_t	*v;

	if (dst == NULL || (dst->sa_family != AF_INET &&
	    dst->sa_family != AF_INET6) || role < 0 || role >= ROLE_MAX ||
	    (transport != TRANSPORT_UDP && transport != TRANSPORT_TCP &&
	    transport != TRANSPORT_TLS))
		abort();
	if (osip_message_init(&m) != 0 || osip_message_parse(m, buf, len) != 0)
		abort();
	/* A request leaves with our Via, which names how it leaves. */
	if (MSG_IS_REQUEST(m) && ((v = osip_list_get(&m->vias, 0)) == NULL ||
	    v->protocol == NULL ||
	    strcasecmp(v->protocol, transport_name(transport)) != 0))
		abort();
	marks_note(m, role);
	osip_message_free(m);
	fz.nout++;
	return (0);
}

/* rtpd and the parent, on the other ends of sipd's socketpairs. */

static void
peer_send(int fd, uint16_t type, uint32_t id, const void *p, size_t len)
{
	uint8_t		buf[sizeof(struct msg_hdr) + 128];
	struct msg_hdr	h;

	if (len > sizeof(buf) - sizeof(h))
		abort();
	memset(&h, 0, sizeof(h));
	h.type = type;
	h.len = len;
	h.id = id;
	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), p, len);
	if (send(fd, buf, sizeof(h) + len, MSG_DONTWAIT) == -1)
		abort();
}

static void
ids_add(uint32_t id)
{
	uint32_t	*p;

	if (fz.nids == fz.maxids) {
		if ((p = reallocarray(fz.ids, fz.maxids + 64,
		    sizeof(*p))) == NULL)
			abort();
		fz.ids = p;
		fz.maxids += 64;
	}
	fz.ids[fz.nids++] = id;
}

/* As rtpd's stream_open(), which dies of what sipd must never send. */
static void
rtpd_open(const struct msg *m)
{
	struct msg_relay_open		o;
	struct msg_relay_opened		r;
	struct msg_relay_stats		e;
	struct sockaddr_storage		ss;
	uint32_t			id = m->hdr.id;

	memcpy(&o, m->data, sizeof(o));
	if (o.from_role >= ROLE_MAX || (o.to_family != MSG_AF_INET &&
	    o.to_family != MSG_AF_INET6) || msg_addr_to_sa(&o.peer, &ss) == -1)
		abort();
	ids_add(id);
	memset(&r, 0, sizeof(r));
	r.call = o.call;
	r.stream = o.stream;
	switch (fz.mode) {
	case RTPD_OK:
		r.rtp_port = fz.port;
		r.rtcp_port = fz.port + 1;
		fz.port = fz.port >= 7088 ? 7070 : fz.port + 2;
		break;
	case RTPD_FULL:
		r.error = ENOSPC;
		break;
	case RTPD_SILENT:
		return;
	case RTPD_FUZZ:
		id += (int8_t)fz.fuzz[0];
		r.stream ^= fz.fuzz[1] & 0x7f;
		r.rtp_port = fz.fuzz[2] << 8 | fz.fuzz[3];
		r.rtcp_port = fz.fuzz[4] << 8 | fz.fuzz[5];
		if (fz.fuzz[1] & 0x80)
			r.error = fz.fuzz[0] & 1 ? ENOSPC : EIO;
		memset(&e, 0, sizeof(e));
		e.call = o.call;
		e.stream = o.stream;
		e.why = fz.fuzz[4] % RELAY_W_MAX;
		e.leg[0].packets = r.rtp_port;
		e.leg[1].lost = r.rtcp_port;
		peer_send(fz.rtpd_fd, MSG_RELAY_STATS, 0, &e, sizeof(e));
		break;
	}
	peer_send(fz.rtpd_fd, MSG_RELAY_OPENED, id, &r, sizeof(r));
}

/* Read what sipd sent its peers, and answer; 1 if there was any. */
static int
peer_serve(int fd)
{
	uint8_t			 buf[sizeof(struct msg_hdr) + MSG_MAXDATA + 1];
	struct msg		 m;
	struct msg_result	 res;
	const char		*why;
	ssize_t			 n;
	int			 busy = 0;

	while ((n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
		busy = 1;
		if (msg_decode(buf, n, -1, &m, &why) == -1)
			abort();
		switch (m.hdr.type) {
		case MSG_RELAY_OPEN:
			rtpd_open(&m);
			break;
		case MSG_REG_COMMIT:
			memset(&res, 0, sizeof(res));
			peer_send(fd, MSG_REG_SAVED, 0, &res, sizeof(res));
			break;
		case MSG_CTL_DATA:
			buf_add(&fz.ctl, (const char *)m.data, m.hdr.len);
			break;
		case MSG_CTL_END:
			fz.ctl_done = 1;
			break;
		case MSG_RELAY_CLOSE:
		case MSG_RELAY_STATS_REQ:
		case MSG_REG_DATA:
		case MSG_REG_STATE_DATA:
		case MSG_REG_STATE_END:
			break;
		default:
			abort();
		}
	}
	if (n == -1 && errno != EAGAIN && errno != EWOULDBLOCK)
		abort();
	return (busy);
}

static void
fuzz_from_rtpd(struct msgchan *c, struct msg *m, void *arg)
{
	if (m == NULL)
		abort();
	relay_dispatch(m);
}

static void
fuzz_from_parent(struct msgchan *c, struct msg *m, void *arg)
{
	if (m == NULL || m->hdr.type != MSG_REG_SAVED)
		abort();
	regsave_saved(m);
}

/*
 * Run sipd's event loop until nothing moves: a lookup answers on the pass
 * after it started, rtpd's answers on the pass after we wrote them.
 */
static void
settle(void)
{
	size_t	nout;
	int	i, busy;

	for (i = 0; i < MAXPASS; i++) {
		nout = fz.nout;
		event_base_loop(child->base, EVLOOP_NONBLOCK);
		busy = peer_serve(fz.rtpd_fd);
		busy |= peer_serve(fz.parent_fd);
		if (i > 0 && !busy && nout == fz.nout)
			break;
	}
}

/* Markers, expanded. */

/* Proxy-Authorization of phone1 for the request line at the start of req. */
static void
auth_value(const char *req, size_t len, char *dst, size_t size)
{
	struct auth_cred	 c;
	char			 method[32], resp[2 * AUTH_HASH_MAX + 1];
	const char		*sp, *sp2;

	dst[0] = '\0';
	if ((sp = memchr(req, ' ', len)) == NULL ||
	    (size_t)(sp - req) >= sizeof(method) ||
	    (sp2 = memchr(sp + 1, ' ', len - (sp + 1 - req))) == NULL ||
	    (size_t)(sp2 - sp - 1) >= sizeof(c.uri))
		return;
	memset(&c, 0, sizeof(c));
	memcpy(method, req, sp - req);
	method[sp - req] = '\0';
	memcpy(c.uri, sp + 1, sp2 - sp - 1);
	strlcpy(c.username, "phone1", sizeof(c.username));
	strlcpy(c.realm, "siproxd.test", sizeof(c.realm));
	strlcpy(c.nonce, fz.nonce, sizeof(c.nonce));
	strlcpy(c.cnonce, "0a4f113b", sizeof(c.cnonce));
	snprintf(c.nc, sizeof(c.nc), "%08x", ++fz.nc);
	strlcpy(c.qop, "auth", sizeof(c.qop));
	c.alg = AUTH_MD5;
	if (auth_response(&c, "secret", method, resp, sizeof(resp)) == -1)
		return;
	snprintf(dst, size, "Digest username=\"%s\", realm=\"%s\", "
	    "nonce=\"%s\", uri=\"%s\", response=\"%s\", algorithm=MD5, "
	    "cnonce=\"%s\", nc=%s, qop=auth", c.username, c.realm, c.nonce,
	    c.uri, resp, c.cnonce, c.nc);
}

static const char *
mark_value(const char *p, size_t len, const struct buf *so_far,
    size_t *marklen)
{
	static char	 authbuf[MARK_MAX];
	static const struct {
		const char	*name;
		const char	*value;
	} marks[] = {
		{ "@VIA@", fz.via },
		{ "@RR@", fz.rr },
		{ "@CID@", fz.cid },
		{ "@CONTACT@", fz.contact },
		{ "@AUTH@", authbuf },
	};
	size_t	i, n;

	for (i = 0; i < sizeof(marks) / sizeof(marks[0]); i++) {
		n = strlen(marks[i].name);
		if (len < n || memcmp(p, marks[i].name, n) != 0)
			continue;
		*marklen = n;
		if (marks[i].value == authbuf)
			auth_value(so_far->p != NULL ? so_far->p : "",
			    so_far->len, authbuf, sizeof(authbuf));
		return (marks[i].value);
	}
	return (NULL);
}

static char *
expand(const char *in, size_t len, size_t *outlen)
{
	struct buf	 b = { NULL, 0, 0 };
	const char	*p = in, *end = in + len, *at, *v;
	size_t		 n;

	buf_add(&b, "", 0);
	while ((at = memchr(p, '@', end - p)) != NULL) {
		buf_add(&b, p, at - p);
		if ((v = mark_value(at, end - at, &b, &n)) != NULL) {
			buf_add(&b, v, strlen(v));
			p = at + n;
		} else {
			buf_add(&b, at, 1);
			p = at + 1;
		}
	}
	buf_add(&b, p, end - p);
	/* No datagram is larger than sipd's receive buffer. */
	*outlen = b.len > SIP_MAXMSG ? SIP_MAXMSG : b.len;
	return (b.p);
}

/* One message into sipd, as received on a socket or a TCP connection. */
static void
fuzz_message(uint8_t ctl, const uint8_t *data, size_t len, int n)
{
	const struct sockaddr_storage	*src = &fz.src[ctl & 7];
	struct sip_origin		 o;
	char				*buf;
	size_t				 blen;
	int				 role = fuzz_srcs[ctl & 7].role;

	child->conf = fz.conf[ctl >> 6];
	fz.mode = (ctl >> 4) & 3;
	if (fz.mode == RTPD_FUZZ) {
		if (len < sizeof(fz.fuzz))
			return;
		memcpy(fz.fuzz, data, sizeof(fz.fuzz));
		data += sizeof(fz.fuzz);
		len -= sizeof(fz.fuzz);
	}
	/* An exact-size copy, so that a read past the end is caught. */
	buf = expand((const char *)data, len, &blen);
	if ((buf = realloc(buf, blen > 0 ? blen : 1)) == NULL)
		abort();
	if (ctl & 8) {
		memset(&o, 0, sizeof(o));
		o.role = role;
		o.transport = CONF_TLS_ON(child->conf) ? TRANSPORT_TLS :
		    TRANSPORT_TCP;
		o.src = *src;
		o.conn = n + 1;
		sip_input_msg(&o, buf, blen);
	} else
		sip_input(sipd_sock_find(role, TRANSPORT_UDP, src->ss_family),
		    src, buf, blen);
	free(buf);
	settle();
}

/* siproxctl phones: the table as the input left it, through sipd_ctl(). */
static void
fuzz_phones(void)
{
	struct msg_ctl	 q;
	struct msg	 m;
	const char	*p, *end, *nl;
	size_t		 lines = 0, tabs, n;

	memset(&q, 0, sizeof(q));
	q.what = CTL_PHONES;
	memset(&m, 0, sizeof(m));
	m.hdr.type = MSG_CTL_REQ;
	m.hdr.len = sizeof(q);
	m.data = (const uint8_t *)&q;
	m.fd = -1;
	fz.ctl.len = 0;
	fz.ctl_done = 0;
	/* The answer is made at once; the loop may expire bindings after. */
	n = reg_count();
	sipd_ctl(&m);
	settle();
	if (!fz.ctl_done || fz.ctl.len == 0)
		abort();
	/* A line a binding, eight fields each: none holds a tab or newline. */
	for (p = fz.ctl.p, end = p + fz.ctl.len; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', end - p)) == NULL)
			abort();
		for (tabs = 0; p < nl; p++)
			tabs += *p == '\t';
		if (tabs != 7)
			abort();
		lines++;
	}
	if (lines != n + 1)
		abort();
}

/* Nothing of one input may reach the next. */
static void
fuzz_reset(void)
{
	struct sipx	*x;
	size_t		 i;

	if (reg_count() > 0)
		fuzz_phones();
	for (i = 0; i < fz.nids; i++)
		if ((x = sipx_find(fz.ids[i])) != NULL)
			sipx_free(x);
	fz.nids = 0;
	registrar_clear();
	reg_clear();
	auth_forget_nonces();
	invite_shutdown();
	child->conf = fz.conf[0];
	fz.via[0] = fz.rr[0] = fz.cid[0] = fz.contact[0] = fz.nonce[0] = '\0';
}

static void
sock_add(int role, int transport, const char *ip)
{
	struct sip_sock	*ss;

	if ((ss = calloc(1, sizeof(*ss))) == NULL)
		abort();
	ss->fd = -1;		/* never used: wire_set_output() */
	ss->role = role;
	ss->transport = transport;
	if (addr_parse(ip, &ss->addr) == -1)
		abort();
	addr_setport((struct sockaddr *)&ss->addr, transport == TRANSPORT_TLS ?
	    5061 : 5060);
	TAILQ_INSERT_TAIL(&sipd.socks, ss, entry);
}

/* The addresses and sockets the parent would pass: lib.sh's topology. */
static void
fuzz_addrs(void)
{
	static const char	*ifs[ROLE_MAX][2] = {
		{ "10.0.0.1", "fd00:1::1" },
		{ "203.0.113.1", "2001:db8:1::1" },
	};
	int			 r, i;
	size_t			 s;

	TAILQ_INIT(&sipd.socks);
	for (r = 0; r < ROLE_MAX; r++) {
		for (i = 0; i < 2; i++) {
			if (addr_parse(ifs[r][i], &child->ifr[r].addr[i]) == -1)
				abort();
			sock_add(r, TRANSPORT_UDP, ifs[r][i]);
			sock_add(r, TRANSPORT_TCP, ifs[r][i]);
			sock_add(r, TRANSPORT_TLS, ifs[r][i]);
		}
		child->ifr[r].naddr = 2;
	}
	for (s = 0; s < sizeof(fuzz_srcs) / sizeof(fuzz_srcs[0]); s++) {
		if (addr_parse(fuzz_srcs[s].ip, &fz.src[s]) == -1)
			abort();
		addr_setport((struct sockaddr *)&fz.src[s], fuzz_srcs[s].port);
	}
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static struct child_state	 cs;
	static const struct child_ops	 ops = { .proc = PROC_SIPD };
	int				 rtpd[2], parent[2], i;

	log_init(1, 0);
	mod_register();
	log_setverbose(-2);
	child = &cs;
	cs.ops = &ops;
	if ((cs.base = event_base_new()) == NULL ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, rtpd) == -1 ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, parent) ==
	    -1)
		abort();
	msgchan_init(&cs.parent, parent[0], "parent", fuzz_from_parent, NULL);
	msgchan_init(&cs.sibling, rtpd[0], "rtpd", fuzz_from_rtpd, NULL);
	msgchan_attach(&cs.parent, cs.base);
	msgchan_attach(&cs.sibling, cs.base);
	fz.parent_fd = parent[1];
	fz.rtpd_fd = rtpd[1];
	for (i = 0; i < NCONF; i++) {
		fz.conf[i] = conf_new();
		if (conf_parse_buf(fz.conf[i], "sipd_fuzz", confs[i],
		    strlen(confs[i]), 0) == -1)
			abort();
	}
	cs.conf = fz.conf[0];
	fuzz_addrs();
	fz.port = 7070;

	/* sipd_main(), then the parent's config, MSG_START, running. */
	reg_init();
	proxy_init();
	/*
	 * Belt and braces: a lookup that got past ares_search above would
	 * go to a closed port on loopback, never off this machine.
	 */
	resolve_shutdown();
	if (resolve_init(cs.base, "127.0.0.1:1") == -1)
		abort();
	proxy_config();
	pwfile_data(pwfile, sizeof(pwfile) - 1);
	pwfile_end();
	wire_set_output(fuzz_output);
	cs.started = 1;
	regsave_start();
	return (0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t	*p = data, *end = data + size, *next;
	int		 n;

	for (n = 0; p < end && n < MAXMSGS; n++) {
		next = memmem(p, end - p, SEP, SEPLEN);
		if (next == NULL)
			next = end;
		if (next > p)
			fuzz_message(p[0], p + 1, next - p - 1, n);
		p = next == end ? end : next + SEPLEN;
	}
	fuzz_reset();
	return (0);
}
