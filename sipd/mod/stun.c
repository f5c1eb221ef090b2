/* SPDX-License-Identifier: ISC */
/* plugin_stun: our public address from a STUN server (RFC 5389), as host_outbound. */

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "addr.h"
#include "child.h"
#include "conf.h"
#include "log.h"
#include "mono.h"
#include "mod.h"
#include "resolve.h"
#include "sipd.h"
#include "wire.h"

#define STUN_HDR	20
#define STUN_COOKIE	0x2112a442U	/* RFC 5389 §6 */
#define STUN_BIND_REQ	0x0001
#define STUN_BIND_OK	0x0101
#define STUN_MAPPED	0x0001		/* RFC 5389 §15.1 */
#define STUN_XMAPPED	0x0020		/* §15.2 */
#define STUN_XMAPPED_OLD 0x8020		/* the drafts' number, classic servers */
#define STUN_RETRY	10		/* seconds without an answer */

struct stun_cfg {
	char	*server;
	int	 port;
	int	 period;
};

/* One transaction at a time, across reloads. */
static struct {
	uint8_t			 tid[12];
	int			 pending;
	time_t			 next;
	struct resolve_req	*rr;
	char			 addr[64];	/* learned; "" until then */
} stun;

static int
stun_server(void *cfgp, const char *val, char *err, size_t errlen)
{
	struct stun_cfg	*cfg = cfgp;

	free(cfg->server);
	if ((cfg->server = strdup(val)) == NULL)
		fatal("%s", __func__);
	return (0);
}

static int
stun_port(void *cfgp, const char *val, char *err, size_t errlen)
{
	return (mod_int(&((struct stun_cfg *)cfgp)->port, val, 1, 65535, err,
	    errlen));
}

static int
stun_period(void *cfgp, const char *val, char *err, size_t errlen)
{
	/* 0, which the pfSense GUI lets through, is the default */
	return (mod_int(&((struct stun_cfg *)cfgp)->period, val, 0, 86400,
	    err, errlen));
}

static int
stun_check(void *cfgp, char *err, size_t errlen)
{
	struct stun_cfg	*cfg = cfgp;

	if (cfg->server == NULL || cfg->server[0] == '\0') {
		snprintf(err, errlen, "needs plugin_stun_server");
		return (1);
	}
	if (cfg->port == 0)
		cfg->port = 3478;
	if (cfg->period == 0)
		cfg->period = 300;
	return (0);
}

static void
stun_free(void *cfgp)
{
	struct stun_cfg	*cfg = cfgp;

	free(cfg->server);
}

/* A Binding request (RFC 5389 §6), no attributes, from our WAN port. */
static void
stun_resolved(void *arg, int error, int transport,
    const struct sockaddr_storage *addrs, size_t n)
{
	uint8_t	req[STUN_HDR];
	uint32_t cookie = htonl(STUN_COOKIE);
	size_t	i;

	stun.rr = NULL;
	if (error != RESOLVE_OK) {
		log_info("stun: %s", resolve_strerror(error));
		return;
	}
	for (i = 0; i < n; i++)
		if (sipd_sock_find(ROLE_OUTBOUND, TRANSPORT_UDP,
		    addrs[i].ss_family) != NULL)
			break;
	if (i == n)
		return;
	memset(req, 0, sizeof(req));
	req[1] = STUN_BIND_REQ;
	memcpy(req + 4, &cookie, 4);
	memcpy(req + 8, stun.tid, sizeof(stun.tid));
	wire_send(TRANSPORT_UDP, ROLE_OUTBOUND,
	    (const struct sockaddr *)&addrs[i], 0, (const char *)req,
	    sizeof(req));
}

static void
stun_send(const struct stun_cfg *cfg, time_t now)
{
	if (!stun.pending)
		arc4random_buf(stun.tid, sizeof(stun.tid));
	stun.pending = 1;
	stun.next = now + STUN_RETRY;
	if (stun.rr == NULL)
		stun.rr = resolve_start(cfg->server, cfg->port, RESOLVE_UDP,
		    stun_resolved, NULL);
}

/*
 * The address in a (XOR-)MAPPED-ADDRESS attribute (RFC 5389 §15.1, §15.2);
 * the XOR is with the cookie, and for IPv6 the transaction id after it.
 */
static int
stun_attr_addr(const uint8_t *hdr, const uint8_t *a, size_t len, int xor,
    char *buf, size_t blen)
{
	uint8_t	ip[16];
	size_t	i, n;
	int	af;

	if (len < 8 || (a[1] != 1 && a[1] != 2))
		return (-1);
	af = a[1] == 1 ? AF_INET : AF_INET6;
	n = af == AF_INET ? 4 : 16;
	if (len < 4 + n)
		return (-1);
	for (i = 0; i < n; i++)
		ip[i] = a[4 + i] ^ (xor ? hdr[4 + i] : 0);
	return (inet_ntop(af, ip, buf, blen) == NULL ? -1 : 0);
}

/* Our answer: the XOR form preferred, as servers may rewrite the plain one. */
static int
stun_answer(const uint8_t *p, size_t len, char *buf, size_t blen)
{
	size_t		 i, alen;
	unsigned int	 type;
	int		 got = 0;

	if (len < STUN_HDR || ((p[0] << 8) | p[1]) != STUN_BIND_OK ||
	    ((size_t)((p[2] << 8) | p[3])) + STUN_HDR > len ||
	    memcmp(p + 8, stun.tid, sizeof(stun.tid)) != 0 || !stun.pending)
		return (-1);
	len = STUN_HDR + ((p[2] << 8) | p[3]);
	for (i = STUN_HDR; i + 4 <= len; i += 4 + ((alen + 3) & ~3U)) {
		type = (p[i] << 8) | p[i + 1];
		alen = (p[i + 2] << 8) | p[i + 3];
		if (i + 4 + alen > len)
			break;
		if ((type == STUN_XMAPPED || type == STUN_XMAPPED_OLD) &&
		    stun_attr_addr(p, p + i + 4, alen, 1, buf, blen) == 0)
			return (0);
		if (type == STUN_MAPPED && !got)
			got = stun_attr_addr(p, p + i + 4, alen, 0, buf,
			    blen) == 0;
	}
	return (got ? 0 : -1);
}

/* The learned address stays host_outbound, whatever a reload brought. */
static void
stun_apply(void)
{
	char	*ho = child->conf->host_outbound;

	if (stun.addr[0] != '\0' && strcmp(ho, stun.addr) != 0)
		strlcpy(ho, stun.addr, sizeof(child->conf->host_outbound));
}

static enum mod_verdict
stun_run(void *cfgp, struct mod_msg *mm)
{
	struct stun_cfg	*cfg = cfgp;
	time_t		 now = mono_now();
	char		 addr[64];

	if (mm->hook == MOD_TIMER) {
		if (now >= stun.next)
			stun_send(cfg, now);
		stun_apply();
		return (MOD_GO);
	}
	if (mm->side != ROLE_OUTBOUND || mm->from->transport != TRANSPORT_UDP ||
	    mm->rawlen < STUN_HDR || (mm->raw[0] & 0xc0) != 0 ||
	    stun_answer((const uint8_t *)mm->raw, mm->rawlen, addr,
	    sizeof(addr)) == -1)
		return (MOD_GO);
	if (strcmp(addr, stun.addr) != 0)
		log_info("stun: public address %s (was %s)", addr,
		    stun.addr[0] != '\0' ? stun.addr : "unknown");
	strlcpy(stun.addr, addr, sizeof(stun.addr));
	stun.pending = 0;
	stun.next = now + cfg->period;
	stun_apply();
	return (MOD_DROP);
}

static const struct mod_key stun_keys[] = {
	{ "server",	stun_server },
	{ "port",	stun_port },
	{ "period",	stun_period },
	{ NULL,		NULL }
};

const struct mod_def mod_stun = {
	.name =		"stun",
	.hooks =	MOD_BIT(MOD_TIMER) | MOD_BIT(MOD_RAW),
	.cfgsize =	sizeof(struct stun_cfg),
	.keys =		stun_keys,
	.check =	stun_check,
	.cfgfree =	stun_free,
	.run =		stun_run,
};
