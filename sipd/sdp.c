/* SPDX-License-Identifier: ISC */
/* SDP (RFC 4566) reader and rewriter that keeps every untouched byte. */

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "buf.h"
#include "log.h"
#include "sdp.h"

#define SDP_MAXTOK	8		/* more than any line we read needs */

struct sdp_tok {
	const char	*p;
	size_t		 len;
};

struct sdp_line {
	const char	*p;		/* the type character */
	size_t		 len;		/* without the line ending */
	size_t		 eollen;	/* 0 (last line), 1 (LF), 2 (CRLF) */
	size_t		 lineno;
};

/* One byte range of a line to be replaced by a string. */
struct sdp_repl {
	const char	*p;
	size_t		 len;
	const char	*s;
};

struct sdp_scan {
	struct sdp		*sdp;
	size_t			 mcap;		/* entries allocated */
	size_t			 mlimit;	/* m= lines the caller expects */
	const struct sdp_subst	*sub;		/* NULL: parse only */
	struct buf		*out;		/* NULL: parse only */
	char			 addrstr[INET6_ADDRSTRLEN];
	const char		*addrtype;	/* "IP4" or "IP6" */
	char			 mport[8];	/* new m= port */
	char			 rport[8];	/* new a=rtcp port */
	int			 norigin;
	enum sdp_dir		 sess_dir;
	int			 sess_hold;
	int			 sess_mcast;
	int			 nc;		/* c= lines in this section */
	int			 c_mcast;	/* the first one is multicast */
	int			 nrtcp;		/* a=rtcp lines in this section */
	int			 drop;		/* leave this line out */
};

static int
sdp_bad(const struct sdp_line *l, const char *why)
{
	log_debug("sdp: line %zu: %s: \"%s\"", l->lineno, why,
	    log_wire(l->p, l->len));
	return (-1);
}

/*
 * The next line from *off.  RFC 4566 §5 ends lines with CRLF and lets a
 * reader take a bare LF; a CR anywhere else is refused, so that nobody
 * downstream can read line breaks we did not see.
 */
static int
sdp_nextline(const char *buf, size_t len, size_t *off, struct sdp_line *l)
{
	const char	*p = buf + *off, *nl;
	size_t		 rest = len - *off, n;

	if (rest == 0)
		return (0);
	l->p = p;
	l->lineno++;
	if ((nl = memchr(p, '\n', rest)) != NULL) {
		n = nl - p;
		l->eollen = 1;
		if (n > 0 && p[n - 1] == '\r') {
			n--;
			l->eollen = 2;
		}
	} else {
		n = rest;
		l->eollen = 0;
	}
	l->len = n;
	if (n > SDP_LINE_MAX)
		return (sdp_bad(l, "line too long"));
	if (memchr(p, '\r', n) != NULL)
		return (sdp_bad(l, "stray CR"));
	*off += n + l->eollen;
	return (1);
}

/* Split at runs of SP/HTAB; returns the number of tokens, even past max. */
static size_t
sdp_split(const char *p, size_t len, struct sdp_tok *t, size_t max)
{
	size_t	i = 0, s, n = 0;

	while (i < len) {
		while (i < len && (p[i] == ' ' || p[i] == '\t'))
			i++;
		if (i == len)
			break;
		s = i;
		while (i < len && p[i] != ' ' && p[i] != '\t')
			i++;
		if (n < max) {
			t[n].p = p + s;
			t[n].len = i - s;
		}
		n++;
	}
	return (n);
}

static int
sdp_tokeq(const struct sdp_tok *t, const char *s)
{
	return (strlen(s) == t->len && memcmp(t->p, s, t->len) == 0);
}

static int
sdp_digits(const char *p, size_t len)
{
	size_t	i;

	if (len == 0)
		return (0);
	for (i = 0; i < len; i++)
		if (p[i] < '0' || p[i] > '9')
			return (0);
	return (1);
}

/* A decimal number in [min, 65535]. */
static int
sdp_num(const char *p, size_t len, long long min, uint16_t *v)
{
	char		 buf[6];
	const char	*errstr;
	long long	 n;

	if (!sdp_digits(p, len) || len >= sizeof(buf))
		return (-1);
	memcpy(buf, p, len);
	buf[len] = '\0';
	n = strtonum(buf, min, UINT16_MAX, &errstr);
	if (errstr != NULL)
		return (-1);
	*v = n;
	return (0);
}

static void
sdp_sa_init(struct sockaddr_storage *ss, int af)
{
	memset(ss, 0, sizeof(*ss));
	ss->ss_family = af;
#ifdef SIN6_LEN
	ss->ss_len = af == AF_INET ? sizeof(struct sockaddr_in) :
	    sizeof(struct sockaddr_in6);
#endif
}

static void
sdp_sa_setport(struct sockaddr_storage *ss, uint16_t port)
{
	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = htons(port);
	else if (ss->ss_family == AF_INET6)
		((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
}

static int
sdp_sa_unspec(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return (((const struct sockaddr_in *)ss)->sin_addr.s_addr ==
		    htonl(INADDR_ANY));
	return (IN6_IS_ADDR_UNSPECIFIED(
	    &((const struct sockaddr_in6 *)ss)->sin6_addr));
}

static int
sdp_sa_mcast(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return (IN_MULTICAST(ntohl(
		    ((const struct sockaddr_in *)ss)->sin_addr.s_addr)));
	return (IN6_IS_ADDR_MULTICAST(
	    &((const struct sockaddr_in6 *)ss)->sin6_addr));
}

/* RFC 4566 §5.7: "/ttl[/count]" after an IP4 group, "/count" after IP6. */
static int
sdp_mcast_suffix(const char *p, size_t len, int af)
{
	const char	*s;
	int		 parts = 0;
	uint16_t	 v;

	while (len > 0) {
		if (*p != '/' || ++parts > (af == AF_INET ? 2 : 1))
			return (-1);
		p++;
		len--;
		s = memchr(p, '/', len);
		if (sdp_num(p, s ? (size_t)(s - p) : len, 0, &v) == -1)
			return (-1);
		len -= s ? (size_t)(s - p) : len;
		p = s;
	}
	return (0);
}

/*
 * An "IN IP4|IP6 address" triple.  Only literals: media must go to an
 * address we can relay, so a host name is an error here (RFC 5118 §4.6:
 * IPv6 appears without brackets).
 */
static int
sdp_addr(const struct sdp_tok *t, int suffix, struct sockaddr_storage *ss)
{
	char		 buf[INET6_ADDRSTRLEN];
	const char	*slash;
	size_t		 n;
	int		 af;
	void		*dst;

	if (!sdp_tokeq(&t[0], "IN"))
		return (-1);
	if (sdp_tokeq(&t[1], "IP4"))
		af = AF_INET;
	else if (sdp_tokeq(&t[1], "IP6"))
		af = AF_INET6;
	else
		return (-1);
	slash = memchr(t[2].p, '/', t[2].len);
	n = slash ? (size_t)(slash - t[2].p) : t[2].len;
	if (n == 0 || n >= sizeof(buf))
		return (-1);
	memcpy(buf, t[2].p, n);
	buf[n] = '\0';
	sdp_sa_init(ss, af);
	if (af == AF_INET)
		dst = &((struct sockaddr_in *)ss)->sin_addr;
	else
		dst = &((struct sockaddr_in6 *)ss)->sin6_addr;
	if (inet_pton(af, buf, dst) != 1)
		return (-1);
	if (slash != NULL && (!suffix || !sdp_sa_mcast(ss) ||
	    sdp_mcast_suffix(slash, t[2].len - n, af) == -1))
		return (-1);
	return (0);
}

/* Unicast only: a hold address or a multicast group is never ours. */
static int
sdp_rewritable(const struct sdp_scan *sc, const struct sockaddr_storage *ss)
{
	return (sc->sub != NULL && sc->sub->addr != NULL &&
	    ss->ss_family != 0 && !sdp_sa_unspec(ss) && !sdp_sa_mcast(ss));
}

static void
sdp_repl_addr(struct sdp_scan *sc, const struct sdp_tok *t,
    struct sdp_repl *r, size_t *nr)
{
	r[*nr].p = t[1].p;
	r[*nr].len = t[1].len;
	r[*nr].s = sc->addrtype;
	(*nr)++;
	r[*nr].p = t[2].p;
	r[*nr].len = t[2].len;
	r[*nr].s = sc->addrstr;
	(*nr)++;
}

/* An o= host that is no IP literal must at least look like a name. */
static int
sdp_hostname(const struct sdp_tok *t)
{
	size_t	i;
	int	name = 0;

	for (i = 0; i < t->len; i++) {
		if ((t->p[i] >= 'a' && t->p[i] <= 'z') ||
		    (t->p[i] >= 'A' && t->p[i] <= 'Z') ||
		    t->p[i] == '-' || t->p[i] == '_')
			name = 1;
		else if ((t->p[i] < '0' || t->p[i] > '9') && t->p[i] != '.')
			return (0);
	}
	return (name);
}

/* RFC 4566 §5.2: o=user sess-id sess-version nettype addrtype address */
static int
sdp_origin(struct sdp_scan *sc, const struct sdp_line *l,
    struct sdp_repl *r, size_t *nr)
{
	struct sdp_tok		 t[SDP_MAXTOK];
	struct sockaddr_storage	 ss;

	if (sc->norigin++ > 0)
		return (sdp_bad(l, "second o="));
	if (sdp_split(l->p + 2, l->len - 2, t, SDP_MAXTOK) != 6)
		return (sdp_bad(l, "o= needs six fields"));
	if (sdp_addr(&t[3], 0, &ss) == -1) {
		if (!sdp_tokeq(&t[3], "IN") || (!sdp_tokeq(&t[4], "IP4") &&
		    !sdp_tokeq(&t[4], "IP6")) || !sdp_hostname(&t[5]))
			return (sdp_bad(l, "bad o= address"));
		return (0);
	}
	sc->sdp->origin_addr = ss;
	if (sdp_rewritable(sc, &ss))
		sdp_repl_addr(sc, &t[3], r, nr);
	return (0);
}

/* RFC 4566 §5.7; several c= only for the layers of a multicast session. */
static int
sdp_conn(struct sdp_scan *sc, const struct sdp_line *l,
    struct sdp_repl *r, size_t *nr)
{
	struct sdp_tok		 t[SDP_MAXTOK];
	struct sockaddr_storage	 ss;
	struct sdp_media	*m;
	int			 mcast;

	if (sdp_split(l->p + 2, l->len - 2, t, SDP_MAXTOK) != 3)
		return (sdp_bad(l, "c= needs three fields"));
	if (sdp_addr(t, 1, &ss) == -1)
		return (sdp_bad(l, "bad c= address"));
	mcast = sdp_sa_mcast(&ss);
	if (sc->nc++ > 0) {
		if (sc->sdp->nmedia == 0 || !sc->c_mcast || !mcast)
			return (sdp_bad(l, "second c="));
	} else if (sc->sdp->nmedia == 0) {
		sc->c_mcast = mcast;
		sc->sdp->session_addr = ss;
		sc->sess_hold = sdp_sa_unspec(&ss);
		sc->sess_mcast = mcast;
	} else {
		sc->c_mcast = mcast;
		m = &sc->sdp->media[sc->sdp->nmedia - 1];
		m->addr = ss;
		sdp_sa_setport(&m->addr, m->port);
		m->hold = sdp_sa_unspec(&ss);
		m->mcast = mcast;
	}
	if (sdp_rewritable(sc, &ss))
		sdp_repl_addr(sc, t, r, nr);
	return (0);
}

static struct sdp_media *
sdp_media_add(struct sdp_scan *sc)
{
	struct sdp		*s = sc->sdp;
	struct sdp_media	*m;
	size_t			 ncap;

	if (s->nmedia == sc->mcap) {
		ncap = sc->mcap ? sc->mcap * 2 : 4;
		m = reallocarray(s->media, ncap, sizeof(*m));
		if (m == NULL)
			fatal("sdp: reallocarray");
		s->media = m;
		sc->mcap = ncap;
	}
	m = &s->media[s->nmedia++];
	memset(m, 0, sizeof(*m));
	return (m);
}

static int
sdp_tokcpy(char *dst, size_t dstlen, const struct sdp_tok *t)
{
	if (t->len >= dstlen)
		return (-1);
	memcpy(dst, t->p, t->len);
	dst[t->len] = '\0';
	return (0);
}

/* RFC 4566 §5.14: m=media port[/count] proto fmt ... */
static int
sdp_mline(struct sdp_scan *sc, const struct sdp_line *l,
    struct sdp_repl *r, size_t *nr)
{
	struct sdp_tok		 t[SDP_MAXTOK];
	struct sdp_media	*m;
	const char		*slash;
	size_t			 plen, i;
	int			 n;

	if (sdp_split(l->p + 2, l->len - 2, t, SDP_MAXTOK) < 3)
		return (sdp_bad(l, "m= needs three fields"));
	if (sc->sdp->nmedia >= sc->mlimit)
		return (sdp_bad(l, "more m= lines than parsed"));
	i = sc->sdp->nmedia;
	m = sdp_media_add(sc);
	if (sdp_tokcpy(m->media, sizeof(m->media), &t[0]) == -1 ||
	    sdp_tokcpy(m->proto, sizeof(m->proto), &t[2]) == -1)
		return (sdp_bad(l, "m= field too long"));
	slash = memchr(t[1].p, '/', t[1].len);
	plen = slash ? (size_t)(slash - t[1].p) : t[1].len;
	if (sdp_num(t[1].p, plen, 0, &m->port) == -1)
		return (sdp_bad(l, "bad m= port"));
	m->nports = 1;
	if (slash != NULL && sdp_num(slash + 1, t[1].len - plen - 1, 1,
	    &m->nports) == -1)
		return (sdp_bad(l, "bad m= port count"));
	m->addr = sc->sdp->session_addr;
	sdp_sa_setport(&m->addr, m->port);
	m->hold = sc->sess_hold;
	m->mcast = sc->sess_mcast;
	m->dir = sc->sess_dir;
	sc->nc = sc->nrtcp = 0;
	if (sc->sub == NULL || sc->sub->rtp_port == NULL || m->port == 0)
		return (0);
	n = snprintf(sc->mport, sizeof(sc->mport), "%u", sc->sub->rtp_port[i]);
	if (n < 0 || (size_t)n >= sizeof(sc->mport))
		return (-1);
	r[*nr].p = t[1].p;
	r[*nr].len = plen;
	r[*nr].s = sc->mport;
	(*nr)++;
	return (0);
}

/*
 * The new a=rtcp port: the caller's, else next to the new RTP port
 * (RFC 3550 §11), else the old one.  0: keep.
 */
static int
sdp_rtcp_newport(const struct sdp_scan *sc, size_t i, uint16_t *port)
{
	const struct sdp_media	*m = &sc->sdp->media[i];
	uint16_t		 rtp;

	*port = 0;
	if (sc->sub == NULL || m->port == 0)
		return (0);
	if (sc->sub->rtcp_port != NULL) {
		*port = sc->sub->rtcp_port[i];
		return (0);
	}
	if (sc->sub->rtp_port == NULL || (rtp = sc->sub->rtp_port[i]) == 0)
		return (0);
	if (rtp == UINT16_MAX)
		return (-1);
	*port = rtp + 1;
	return (0);
}

/* RFC 3605 §2.1: a=rtcp:port [nettype addrtype connection-address] */
static int
sdp_rtcp(struct sdp_scan *sc, const struct sdp_line *l, const char *v,
    struct sdp_repl *r, size_t *nr)
{
	struct sdp_tok		 t[SDP_MAXTOK];
	struct sdp_media	*m = &sc->sdp->media[sc->sdp->nmedia - 1];
	size_t			 nt;
	uint16_t		 port;
	int			 n;

	if (sc->nrtcp++ > 0)
		return (sdp_bad(l, "second a=rtcp"));
	nt = sdp_split(v, l->p + l->len - v, t, SDP_MAXTOK);
	if (nt != 1 && nt != 4)
		return (sdp_bad(l, "a=rtcp needs one or four fields"));
	if (sdp_num(t[0].p, t[0].len, 1, &m->rtcp_port) == -1)
		return (sdp_bad(l, "bad a=rtcp port"));
	if (nt == 4) {
		if (sdp_addr(&t[1], 1, &m->rtcp_addr) == -1)
			return (sdp_bad(l, "bad a=rtcp address"));
		sdp_sa_setport(&m->rtcp_addr, m->rtcp_port);
	}
	if (sdp_rtcp_newport(sc, sc->sdp->nmedia - 1, &port) == -1)
		return (sdp_bad(l, "no room for the RTCP port"));
	if (port != 0) {
		n = snprintf(sc->rport, sizeof(sc->rport), "%u", port);
		if (n < 0 || (size_t)n >= sizeof(sc->rport))
			return (-1);
		r[*nr].p = t[0].p;
		r[*nr].len = t[0].len;
		r[*nr].s = sc->rport;
		(*nr)++;
	}
	if (nt == 4 && sdp_rewritable(sc, &m->rtcp_addr))
		sdp_repl_addr(sc, &t[1], r, nr);
	return (0);
}

static int
sdp_dir_name(const char *p, size_t len, enum sdp_dir *dir)
{
	static const struct {
		const char	*name;
		enum sdp_dir	 dir;
	} dirs[] = {
		{ "sendrecv",	SDP_SENDRECV },
		{ "sendonly",	SDP_SENDONLY },
		{ "recvonly",	SDP_RECVONLY },
		{ "inactive",	SDP_INACTIVE },
	};
	size_t	i;

	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		if (strlen(dirs[i].name) == len &&
		    memcmp(dirs[i].name, p, len) == 0) {
			*dir = dirs[i].dir;
			return (1);
		}
	}
	return (0);
}

/* A token that is a private IP literal (a host name is not). */
static int
sdp_tok_private(const struct sdp_tok *t)
{
	struct sockaddr_storage	ss;
	char			buf[INET6_ADDRSTRLEN];

	if (t->len == 0 || t->len >= sizeof(buf))
		return (0);
	memcpy(buf, t->p, t->len);
	buf[t->len] = '\0';
	return (addr_parse(buf, &ss) == 0 &&
	    addr_is_private((struct sockaddr *)&ss));
}

/*
 * RFC 8839 §5.1 a=candidate (address in the fifth field, "raddr"
 * naming another) and §5.2 a=remote-candidates (every second field from
 * the second): one that names a private address is dropped when the
 * body is rewritten, since the relay is the path and the address must
 * not leave the LAN.
 */
static int
sdp_ice_private(const char *name, size_t nlen, const char *v, size_t vlen)
{
	struct sdp_tok	t[64];
	size_t		i, n;

	n = sdp_split(v, vlen, t, 64);
	if (n > 64)
		n = 64;
	if (nlen == 9 && memcmp(name, "candidate", 9) == 0) {
		if (n > 4 && sdp_tok_private(&t[4]))
			return (1);
		for (i = 5; i + 1 < n; i++)
			if (sdp_tokeq(&t[i], "raddr") &&
			    sdp_tok_private(&t[i + 1]))
				return (1);
	} else if (nlen == 17 && memcmp(name, "remote-candidates", 17) == 0) {
		for (i = 1; i < n; i += 3)
			if (sdp_tok_private(&t[i]))
				return (1);
	}
	return (0);
}

/* RFC 4566 §5.13, with RFC 3605 and RFC 5761 §5.1.1 at media level. */
static int
sdp_attr(struct sdp_scan *sc, const struct sdp_line *l,
    struct sdp_repl *r, size_t *nr)
{
	const char		*name = l->p + 2, *end = l->p + l->len;
	const char		*colon;
	struct sdp_media	*m = NULL;
	enum sdp_dir		 dir;
	size_t			 nlen;

	if (sc->sdp->nmedia > 0)
		m = &sc->sdp->media[sc->sdp->nmedia - 1];
	colon = memchr(name, ':', end - name);
	nlen = (colon ? colon : end) - name;
	while (colon == NULL && nlen > 0 &&
	    (name[nlen - 1] == ' ' || name[nlen - 1] == '\t'))
		nlen--;
	if (colon == NULL && sdp_dir_name(name, nlen, &dir)) {
		if (m != NULL)
			m->dir = dir;
		else
			sc->sess_dir = dir;
	} else if (m != NULL && colon == NULL && nlen == 8 &&
	    memcmp(name, "rtcp-mux", 8) == 0)
		m->rtcp_mux = 1;
	else if (m != NULL && colon != NULL && nlen == 4 &&
	    memcmp(name, "rtcp", 4) == 0)
		return (sdp_rtcp(sc, l, colon + 1, r, nr));
	else if (colon != NULL && sc->sub != NULL && sc->sub->addr != NULL)
		sc->drop = sdp_ice_private(name, nlen, colon + 1,
		    end - colon - 1);
	return (0);
}

static void
sdp_emit(struct buf *out, const struct sdp_line *l,
    const struct sdp_repl *r, size_t nr)
{
	const char	*p = l->p;
	size_t		 i;

	for (i = 0; i < nr; i++) {
		buf_add(out, p, r[i].p - p);
		buf_add(out, r[i].s, strlen(r[i].s));
		p = r[i].p + r[i].len;
	}
	buf_add(out, p, l->p + l->len + l->eollen - p);
}

static int
sdp_line(struct sdp_scan *sc, const struct sdp_line *l)
{
	struct sdp_repl	 r[4];
	size_t		 nr = 0;
	int		 rv = 0;

	if (l->lineno == 1) {
		if (l->len != 3 || memcmp(l->p, "v=0", 3) != 0)
			return (sdp_bad(l, "not v=0"));
	} else if (l->len == 0) {
		;	/* tolerated, e.g. a blank line at the end */
	} else if (l->len < 2 || l->p[1] != '=' || l->p[0] < 'a' ||
	    l->p[0] > 'z')
		return (sdp_bad(l, "not type=value"));
	else if (l->p[0] == 'v')
		return (sdp_bad(l, "second v="));
	else if (l->p[0] == 'o')
		rv = sdp_origin(sc, l, r, &nr);
	else if (l->p[0] == 'c')
		rv = sdp_conn(sc, l, r, &nr);
	else if (l->p[0] == 'm')
		rv = sdp_mline(sc, l, r, &nr);
	else if (l->p[0] == 'a')
		rv = sdp_attr(sc, l, r, &nr);
	if (rv == 0 && sc->out != NULL && !sc->drop)
		sdp_emit(sc->out, l, r, nr);
	sc->drop = 0;
	return (rv);
}

static int
sdp_scan(struct sdp_scan *sc, const char *buf, size_t len)
{
	struct sdp_line	 l;
	size_t		 off = 0;
	int		 rv;

	memset(sc->sdp, 0, sizeof(*sc->sdp));
	memset(&l, 0, sizeof(l));
	if (buf == NULL || len == 0)
		return (-1);
	if (memchr(buf, '\0', len) != NULL) {
		log_debug("sdp: NUL byte in body");
		return (-1);
	}
	while ((rv = sdp_nextline(buf, len, &off, &l)) == 1)
		if (sdp_line(sc, &l) == -1)
			return (-1);
	return (rv);
}

int
sdp_parse(struct sdp *sdp, const char *buf, size_t len)
{
	struct sdp_scan	 sc;

	memset(&sc, 0, sizeof(sc));
	sc.sdp = sdp;
	sc.mlimit = SIZE_MAX;
	sc.sess_dir = SDP_SENDRECV;
	if (sdp_scan(&sc, buf, len) == -1) {
		sdp_clear(sdp);
		return (-1);
	}
	return (0);
}

void
sdp_clear(struct sdp *sdp)
{
	free(sdp->media);
	memset(sdp, 0, sizeof(*sdp));
}

static int
sdp_subst_addr(struct sdp_scan *sc, const struct sockaddr *sa)
{
	const void	*a;

	if (sa == NULL)
		return (0);
	if (sa->sa_family == AF_INET) {
		a = &((const struct sockaddr_in *)sa)->sin_addr;
		sc->addrtype = "IP4";
	} else if (sa->sa_family == AF_INET6) {
		a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
		sc->addrtype = "IP6";
	} else
		return (-1);
	if (inet_ntop(sa->sa_family, a, sc->addrstr,
	    sizeof(sc->addrstr)) == NULL)
		return (-1);
	return (0);
}

/*
 * Parse the body again while copying it, so that what we rewrite is
 * exactly what we read; the caller's parse only fixes the m= count that
 * the port arrays were sized for.
 */
int
sdp_rewrite(const char *buf, size_t len, const struct sdp *sdp,
    const struct sdp_subst *sub, char **outp, size_t *outlenp)
{
	struct sdp_scan	 sc;
	struct sdp	 tmp;
	struct buf	 out;

	*outp = NULL;
	*outlenp = 0;
	memset(&sc, 0, sizeof(sc));
	memset(&tmp, 0, sizeof(tmp));
	memset(&out, 0, sizeof(out));
	sc.sdp = &tmp;
	sc.mlimit = sdp->nmedia;
	sc.sub = sub;
	sc.out = &out;
	sc.sess_dir = SDP_SENDRECV;
	if (sub == NULL || sdp_subst_addr(&sc, sub->addr) == -1 ||
	    sdp_scan(&sc, buf, len) == -1)
		goto fail;
	if (tmp.nmedia != sdp->nmedia) {
		log_debug("sdp: %zu m= lines, %zu expected", tmp.nmedia,
		    sdp->nmedia);
		goto fail;
	}
	sdp_clear(&tmp);
	*outp = out.p;
	*outlenp = out.len;
	return (0);

fail:
	sdp_clear(&tmp);
	free(out.p);
	return (-1);
}
