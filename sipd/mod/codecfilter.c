/* SPDX-License-Identifier: ISC */
/* plugin_codecfilter: blacklisted codecs come out of SDP offers and answers. */

#include <sys/types.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "mod.h"
#include "rewrite.h"

#define CF_NPT	128		/* RTP payload types (RFC 3550 §5.1) */

struct cf_cfg {
	struct mod_strs	 black;
};

/* One media section's verdicts, by payload type. */
struct cf_media {
	int		 rtp;		/* its formats are payload types */
	unsigned char	 drop[CF_NPT];
};

/* RFC 3551 §6: static payload types, named when no rtpmap names them. */
static const char *cf_static[CF_NPT] = {
	[0] = "PCMU/8000", [3] = "GSM/8000", [4] = "G723/8000",
	[5] = "DVI4/8000", [6] = "DVI4/16000", [7] = "LPC/8000",
	[8] = "PCMA/8000", [9] = "G722/8000", [10] = "L16/44100",
	[11] = "L16/44100", [12] = "QCELP/8000", [13] = "CN/8000",
	[14] = "MPA/90000", [15] = "G728/8000", [16] = "DVI4/11025",
	[17] = "DVI4/22050", [18] = "G729/8000", [25] = "CelB/90000",
	[26] = "JPEG/90000", [28] = "nv/90000", [31] = "H261/90000",
	[32] = "MPV/90000", [33] = "MP2T/90000", [34] = "H263/90000",
};

static int
cf_blacklist(void *cfgp, const char *val, char *err, size_t errlen)
{
	struct cf_cfg	*cfg = cfgp;

	mod_strs_add(&cfg->black, val);
	return (0);
}

static void
cf_free(void *cfgp)
{
	struct cf_cfg	*cfg = cfgp;

	mod_strs_free(&cfg->black);
}

/* As the classic: a case-insensitive substring of the codec's name. */
static int
cf_listed(const struct cf_cfg *cfg, const char *name, size_t len)
{
	char	buf[128];
	size_t	i;

	if (len >= sizeof(buf))
		len = sizeof(buf) - 1;
	memcpy(buf, name, len);
	buf[len] = '\0';
	for (i = 0; i < cfg->black.n; i++)
		if (strcasestr(buf, cfg->black.v[i]) != NULL)
			return (1);
	return (0);
}

/* A payload type written in n bytes at p, or -1. */
static int
cf_num(const char *p, size_t n)
{
	int	pt = 0;

	if (n == 0 || n > 3)
		return (-1);
	for (; n > 0; p++, n--) {
		if (!isdigit((unsigned char)*p))
			return (-1);
		pt = pt * 10 + (*p - '0');
	}
	return (pt < CF_NPT ? pt : -1);
}

/* "a=rtpmap:PT ..." and the like: PT, or -1. */
static int
cf_attr_pt(const char *l, size_t len, const char *attr)
{
	size_t	n = strlen(attr), d;

	if (len <= n || strncmp(l, attr, n) != 0)
		return (-1);
	for (d = n; d < len && isdigit((unsigned char)l[d]); d++)
		;
	return (cf_num(l + n, d - n));
}

/*
 * The formats of "m=<media> <port> <proto> <fmt> ...": where they start;
 * *rtp when the proto is an RTP profile, whose formats are payload types.
 */
static const char *
cf_fmts(const char *l, size_t len, int *rtp)
{
	const char	*p = l, *e = l + len, *proto = NULL;
	int		 w;

	for (w = 0; w < 3; w++) {
		while (p < e && *p != ' ')
			p++;
		while (p < e && *p == ' ')
			p++;
		if (w == 1)
			proto = p;
	}
	*rtp = proto != NULL && p > proto && memmem(proto, p - proto, "RTP",
	    3) != NULL;
	return (p);
}

static void
cf_judge_m(const struct cf_cfg *cfg, struct cf_media *md, const char *l,
    size_t len)
{
	const char	*p, *f, *e = l + len;
	int		 pt;

	memset(md, 0, sizeof(*md));
	for (p = cf_fmts(l, len, &md->rtp); md->rtp && p < e; p = f) {
		for (f = p; f < e && *f != ' '; f++)
			;
		if ((pt = cf_num(p, f - p)) != -1 && cf_static[pt] != NULL)
			md->drop[pt] = cf_listed(cfg, cf_static[pt],
			    strlen(cf_static[pt]));
		while (f < e && *f == ' ')
			f++;
	}
}

/* An rtpmap names the codec of a dynamic type, or renames a static one. */
static void
cf_judge(const struct cf_cfg *cfg, struct cf_media *md, const char *l,
    size_t len)
{
	const char	*p;
	int		 pt;

	if ((pt = cf_attr_pt(l, len, "a=rtpmap:")) != -1 &&
	    (p = memchr(l, ' ', len)) != NULL)
		md->drop[pt] = cf_listed(cfg, p + 1, l + len - p - 1);
}

/*
 * The m= line without the dropped formats.  With none left the stream is
 * refused: port 0 and its first format (RFC 3264 §6).
 */
static void
cf_mline(struct mod_buf *b, const struct cf_media *md, const char *l,
    size_t len)
{
	const char	*fmts, *p, *f, *e = l + len, *sp, *sp2;
	size_t		 start = b->len;
	int		 pt, rtp, kept = 0;

	fmts = cf_fmts(l, len, &rtp);
	mod_put(b, l, fmts - l);
	for (p = fmts; p < e; p = f) {
		for (f = p; f < e && *f != ' '; f++)
			;
		pt = cf_num(p, f - p);
		if (pt == -1 || !md->drop[pt]) {
			if (kept++)
				mod_put(b, " ", 1);
			mod_put(b, p, f - p);
		}
		while (f < e && *f == ' ')
			f++;
	}
	if (kept > 0 || fmts == e || (sp = memchr(l, ' ', len)) == NULL ||
	    (sp2 = memchr(sp + 1, ' ', e - sp - 1)) == NULL)
		return;
	b->len = start;
	mod_put(b, l, sp - l);
	mod_put(b, " 0", 2);
	mod_put(b, sp2, fmts - sp2);
	for (f = fmts; f < e && *f != ' '; f++)
		;
	mod_put(b, fmts, f - fmts);
}

/* Lines whose payload type went with its m= format go too. */
static int
cf_attr_dropped(const struct cf_media *md, const char *l, size_t len)
{
	static const char	*attrs[] = { "a=rtpmap:", "a=fmtp:",
				    "a=rtcp-fb:" };
	size_t			 i;
	int			 pt;

	for (i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++)
		if ((pt = cf_attr_pt(l, len, attrs[i])) != -1)
			return (md->drop[pt]);
	return (0);
}

/* The next line of [p, e): its length without the EOL, and with it. */
static size_t
cf_line(const char *p, const char *e, size_t *full)
{
	const char	*nl = memchr(p, '\n', e - p);
	size_t		 len;

	if (nl == NULL) {
		*full = e - p;
		return (*full);
	}
	*full = nl - p + 1;
	len = nl - p;
	if (len > 0 && p[len - 1] == '\r')
		len--;
	return (len);
}

/* Two passes: judge each media section, then write it without the drops. */
static int
cf_filter(const struct cf_cfg *cfg, const char *body, size_t blen,
    struct mod_buf *out)
{
	struct cf_media	*md = NULL, *cur = NULL, *n;
	const char	*p, *e = body + blen;
	size_t		 len, full, nmd = 0, i = 0;
	int		 any = 0;

	for (p = body; p < e; p += full) {
		len = cf_line(p, e, &full);
		if (len > 2 && strncmp(p, "m=", 2) == 0) {
			if ((n = reallocarray(md, nmd + 1, sizeof(*md))) ==
			    NULL)
				fatal("%s", __func__);
			md = n;
			cur = &md[nmd++];
			cf_judge_m(cfg, cur, p, len);
		} else if (cur != NULL && cur->rtp)
			cf_judge(cfg, cur, p, len);
	}
	for (i = 0; i < nmd; i++)
		for (len = 0; len < CF_NPT; len++)
			any |= md[i].rtp && md[i].drop[len];
	cur = NULL;
	for (p = body, i = 0; any && p < e; p += full) {
		len = cf_line(p, e, &full);
		if (len > 2 && strncmp(p, "m=", 2) == 0) {
			cur = &md[i++];
			if (cur->rtp) {
				cf_mline(out, cur, p, len);
				mod_put(out, p + len, full - len);
				continue;
			}
		} else if (cur != NULL && cur->rtp &&
		    cf_attr_dropped(cur, p, len))
			continue;
		mod_put(out, p, full);
	}
	free(md);
	return (any);
}

static enum mod_verdict
cf_run(void *cfgp, struct mod_msg *mm)
{
	struct cf_cfg	*cfg = cfgp;
	struct mod_buf	 out = { NULL, 0, 0 };
	osip_body_t	*body;

	if (cfg->black.n == 0 || !body_is_sdp(mm->m) ||
	    (body = osip_list_get(&mm->m->bodies, 0)) == NULL ||
	    body->body == NULL || body->length == 0)
		return (MOD_GO);
	if (cf_filter(cfg, body->body, body->length, &out))
		mod_set_body(mm, out.s, out.len);
	free(out.s);
	return (MOD_GO);
}

static const struct mod_key cf_keys[] = {
	{ "blacklist",	cf_blacklist },
	{ NULL,		NULL }
};

const struct mod_def mod_codecfilter = {
	.name =		"codecfilter",
	.hooks =	MOD_BIT(MOD_PRE),
	.cfgsize =	sizeof(struct cf_cfg),
	.keys =		cf_keys,
	.cfgfree =	cf_free,
	.run =		cf_run,
};
