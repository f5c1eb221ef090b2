/* SPDX-License-Identifier: ISC */
/* Reads the classic siproxd.conf (key = value lines) into a siproxd_conf. */

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "addr.h"
#include "conf.h"
#include "log.h"

/* conf_set_hook: sipd's modules, in siproxd; none in a unit test. */
static const struct conf_hook	*hook;

#define CONF_LINE_MAX	4096		/* longer lines are an error */
#define SIP_PORT	5060
#define SIP_TLS_PORT	5061		/* RFC 3261 §19.1.2, sips: */

enum conf_type {
	CT_STR,			/* char[size] */
	CT_INT,			/* int, min..max */
	CT_U16,			/* uint16_t, min..max */
	CT_DEBUG,		/* uint32_t: decimal, 0x hex or negative */
	CT_ACL,			/* struct conf_acl_list, each line appends */
	CT_DOM_NAME,		/* outbound_domain_*: paired by order */
	CT_DOM_HOST,
	CT_DOM_PORT,
	CT_MASK,		/* mask_host / masked_host: paired by order */
	CT_MASKED,
	CT_IGNORED		/* classic key this version does not act on */
};

#define CF_EMPTY	0x01	/* an empty value clears the string */
#define CF_ZERO		0x02	/* 0 (classic: accepted) keeps the default */
#define CF_CLAMP	0x04	/* above max (classic: accepted) means max */
#define CF_SHOWSET	0x08	/* printed only when not 0: an extension */

struct conf_key {
	const char	*name;
	enum conf_type	 type;
	size_t		 off;
	size_t		 size;
	long long	 min;
	long long	 max;
	int		 flags;
};

#define FIELD(f)	offsetof(struct siproxd_conf, f), \
			sizeof(((struct siproxd_conf *)NULL)->f)
#define K_STR(n, f, fl)		{ n, CT_STR, FIELD(f), 0, 0, fl }
#define K_INT(n, f, lo, hi)	{ n, CT_INT, FIELD(f), lo, hi, 0 }
#define K_INTF(n, f, lo, hi, fl) { n, CT_INT, FIELD(f), lo, hi, fl }
#define K_U16(n, f, lo, hi)	{ n, CT_U16, FIELD(f), lo, hi, 0 }
#define K_LIST(n, t, f)		{ n, t, FIELD(f), 0, 0, 0 }
#define K_OTHER(n, t)		{ n, t, 0, 0, 0, 0, 0 }

/*
 * Every key, in the order conf_print() writes them: this order is
 * documented in siproxd.conf(5) and the golden tests depend on it.
 */
static const struct conf_key conf_keys[] = {
	K_STR("if_inbound", if_inbound, CF_EMPTY),
	K_STR("if_outbound", if_outbound, CF_EMPTY),
	K_STR("host_outbound", host_outbound, CF_EMPTY),
	K_LIST("hosts_allow_reg", CT_ACL, hosts_allow_reg),
	K_LIST("hosts_allow_sip", CT_ACL, hosts_allow_sip),
	K_LIST("hosts_deny_sip", CT_ACL, hosts_deny_sip),
	K_U16("sip_listen_port", sip_listen_port, 1, 65535),
	K_INT("daemonize", daemonize, 0, 1),
	K_INT("silence_log", silence_log, 0, 4),
	K_INT("log_calls", log_calls, 0, 1),
	{ "debug_level", CT_DEBUG, FIELD(debug_level), 0, 0, 0 },
	K_INT("debug_port", debug_port, 0, 65535),
	K_STR("user", user, 0),
	K_STR("chrootjail", chrootjail, CF_EMPTY),
	K_STR("registration_file", registration_file, CF_EMPTY),
	K_INT("autosave_registrations", autosave_registrations, 0, 86400),
	K_STR("pid_file", pid_file, CF_EMPTY),
	K_INT("rtp_proxy_enable", rtp_proxy_enable, 0, 1),
	K_U16("rtp_port_low", rtp_port_low, 1, 65535),
	K_U16("rtp_port_high", rtp_port_high, 1, 65535),
	K_INTF("rtp_timeout", rtp_timeout, 1, 86400, CF_ZERO | CF_CLAMP),
	K_INT("rtp_dscp", rtp_dscp, 0, 63),
	K_INT("sip_dscp", sip_dscp, 0, 63),
	K_INTF("rtp_input_dejitter", rtp_input_dejitter, 0, 1500000, CF_CLAMP),
	K_INTF("rtp_output_dejitter", rtp_output_dejitter, 0, 1500000,
	    CF_CLAMP),
	K_INT("rtp_fastpath", rtp_fastpath, 0, 1),
	K_INTF("tcp_timeout", tcp_timeout, 1, 86400, CF_ZERO | CF_CLAMP),
	K_INTF("tcp_connect_timeout", tcp_connect_timeout, 1, 60000,
	    CF_ZERO | CF_CLAMP),
	K_INTF("tcp_keepalive", tcp_keepalive, 0, 86400, CF_CLAMP),
	K_U16("sip_tls_port", sip_tls_port, 1, 65535),
	K_STR("tls_cert_file", tls_cert_file, CF_EMPTY),
	K_STR("tls_key_file", tls_key_file, CF_EMPTY),
	K_STR("tls_ca_file", tls_ca_file, CF_EMPTY),
	K_INT("tls_verify", tls_verify, 0, 1),
	K_INTF("default_expires", default_expires, 1, 86400,
	    CF_ZERO | CF_CLAMP),
	K_INT("use_rport", use_rport, 0, 3),
	K_STR("ua_string", ua_string, CF_EMPTY),
	K_STR("proxy_auth_realm", proxy_auth_realm, CF_EMPTY),
	K_STR("proxy_auth_passwd", proxy_auth_passwd, CF_EMPTY),
	K_STR("proxy_auth_pwfile", proxy_auth_pwfile, CF_EMPTY),
	K_LIST("mask_host", CT_MASK, mask_hosts),
	K_LIST("masked_host", CT_MASKED, mask_hosts),
	K_STR("outbound_proxy_host", outbound_proxy_host, CF_EMPTY),
	K_U16("outbound_proxy_port", outbound_proxy_port, 0, 65535),
	K_STR("outbound_proxy_transport", outbound_proxy_transport, CF_EMPTY),
	K_LIST("outbound_domain_name", CT_DOM_NAME, outbound_domains),
	K_LIST("outbound_domain_host", CT_DOM_HOST, outbound_domains),
	{ "outbound_domain_port", CT_DOM_PORT, FIELD(outbound_domains),
	    1, 65535, 0 },
	K_STR("ha_redis", ha_redis, CF_EMPTY),
	K_STR("ha_redis_password_file", ha_redis_password_file, CF_EMPTY),
	K_INTF("ha_redis_tls", ha_redis_tls, 0, 1, CF_SHOWSET),
	K_STR("ha_redis_ca_file", ha_redis_ca_file, CF_EMPTY),
	K_STR("ha_node", ha_node, CF_EMPTY),
	K_STR("ha_prefix", ha_prefix, 0),
	/* classic keys with no field; any key containing "plugin_" too */
	K_OTHER("plugindir", CT_IGNORED),
	K_OTHER("load_plugin", CT_IGNORED),
	K_OTHER("obscure_loops", CT_IGNORED),
	K_OTHER("thread_stack_size", CT_IGNORED),
};

#define NKEYS	(sizeof(conf_keys) / sizeof(conf_keys[0]))

struct conf_parse {
	struct siproxd_conf	*conf;
	const char		*name;
	size_t			 lineno;
	int			 quiet;
	int			 errors;
	size_t			 line_low;	/* where rtp_port_low was set */
	size_t			 line_high;
	size_t			 line_cert;	/* where tls_cert_file was set */
	size_t			 line_key;
	size_t			 line_tlsport;
	size_t			 line_hatls;	/* where ha_redis_tls was set */
	size_t			*dom_line;	/* line of each domain name */
	size_t			 ndom;
	size_t			 dom_first;	/* domains there before us */
	size_t			*mask_line;
	size_t			 nmask;
	size_t			 mask_first;
};

static const struct conf_key *conf_lookup(const char *);
static void	 conf_err(struct conf_parse *, size_t, const char *, ...)
		    __attribute__((__format__ (printf, 3, 4)));
static void	 conf_line(struct conf_parse *, const char *, size_t);
static void	 conf_value(struct conf_parse *, const struct conf_key *,
		    const char *, const char *);
static int	 conf_number(struct conf_parse *, const struct conf_key *,
		    const char *, long long *);
static void	 conf_int(struct conf_parse *, const struct conf_key *,
		    const char *, int *);
static void	 conf_warn(struct conf_parse *, const char *, ...)
		    __attribute__((__format__ (printf, 2, 3)));
static void	 conf_debug(struct conf_parse *, const struct conf_key *,
		    const char *);
static void	 conf_acl_list(struct conf_parse *, const struct conf_key *,
		    const char *);
static int	 conf_acl_host(struct conf_parse *, const struct conf_key *,
		    struct conf_acl_list *, const char *);
static int	 conf_mask_plen(const char *, int);
static void	 conf_domain(struct conf_parse *, const struct conf_key *,
		    const char *);
static void	 conf_mask(struct conf_parse *, const struct conf_key *,
		    const char *);
static void	 conf_ignored(struct conf_parse *, const char *,
		    const char *);
static void	 conf_ha(struct conf_parse *, const struct conf_key *,
		    char *);
static void	 conf_finish(struct conf_parse *);
static void	 conf_finish_tls(struct conf_parse *);
static size_t	*conf_addline(size_t *, size_t *, size_t);
static int	 conf_prefix_match(const uint8_t *, const uint8_t *, int);
static void	 conf_print_acl(FILE *, const char *,
		    const struct conf_acl_list *);

struct siproxd_conf *
conf_new(void)
{
	struct siproxd_conf	*conf;

	if ((conf = calloc(1, sizeof(*conf))) == NULL)
		fatal("conf_new");
	TAILQ_INIT(&conf->hosts_allow_reg);
	TAILQ_INIT(&conf->hosts_allow_sip);
	TAILQ_INIT(&conf->hosts_deny_sip);
	TAILQ_INIT(&conf->outbound_domains);
	TAILQ_INIT(&conf->mask_hosts);
	TAILQ_INIT(&conf->ignored);

	/* Where the classic default is 0 or unset, pick one that works. */
	conf->sip_listen_port = SIP_PORT;
	conf->sip_tls_port = SIP_TLS_PORT;
	conf->tls_verify = 1;
	conf->silence_log = 1;
	(void)strlcpy(conf->user, "nobody", sizeof(conf->user));
	conf->autosave_registrations = 300;
	conf->rtp_proxy_enable = 1;
	conf->rtp_port_low = 7070;
	conf->rtp_port_high = 7089;
	conf->rtp_timeout = 300;
	conf->rtp_dscp = 46;		/* EF, RFC 3246 */
	conf->rtp_fastpath = 1;		/* where the kernel has it */
	conf->tcp_timeout = 600;
	conf->tcp_connect_timeout = 500;
	conf->tcp_keepalive = 20;
	conf->default_expires = 600;
	(void)strlcpy(conf->ha_prefix, "siproxd:", sizeof(conf->ha_prefix));
	return (conf);
}

/* Free every element of a TAILQ whose elements are one malloc each. */
#define CONF_LIST_FREE(head, var) do {				\
	while (((var) = TAILQ_FIRST(head)) != NULL) {			\
		TAILQ_REMOVE((head), (var), entry);			\
		free(var);						\
	}								\
} while (0)

void
conf_set_hook(const struct conf_hook *h)
{
	hook = h;
}

void
conf_free(struct siproxd_conf *conf)
{
	struct conf_acl		*a;
	struct conf_domain	*d;
	struct conf_str		*s;

	if (conf == NULL)
		return;
	CONF_LIST_FREE(&conf->hosts_allow_reg, a);
	CONF_LIST_FREE(&conf->hosts_allow_sip, a);
	CONF_LIST_FREE(&conf->hosts_deny_sip, a);
	CONF_LIST_FREE(&conf->outbound_domains, d);
	CONF_LIST_FREE(&conf->mask_hosts, s);
	CONF_LIST_FREE(&conf->ignored, s);
	if (hook != NULL)
		hook->free(conf->mods);
	/* the struct holds proxy_auth_passwd */
	freezero(conf, sizeof(*conf));
}

static void
conf_err(struct conf_parse *p, size_t line, const char *fmt, ...)
{
	char	buf[1024];
	va_list	ap;

	va_start(ap, fmt);
	(void)vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	log_warnx("%s:%zu: %s", p->name, line, buf);
	p->errors++;
}

static void
conf_init_parse(struct conf_parse *p, struct siproxd_conf *conf,
    const char *name, int quiet)
{
	const struct conf_domain	*d;
	const struct conf_str		*m;

	memset(p, 0, sizeof(*p));
	p->conf = conf;
	p->name = name;
	p->quiet = quiet;
	TAILQ_FOREACH(d, &conf->outbound_domains, entry)
		p->dom_first++;
	TAILQ_FOREACH(m, &conf->mask_hosts, entry)
		p->mask_first++;
}

static void
conf_done_parse(struct conf_parse *p)
{
	free(p->dom_line);
	free(p->mask_line);
}

int
conf_parse_buf(struct siproxd_conf *conf, const char *name, const char *buf,
    size_t len, int quiet)
{
	struct conf_parse	 p;
	const char		*nl;
	size_t			 n;

	conf_init_parse(&p, conf, name, quiet);
	while (len > 0) {
		if ((nl = memchr(buf, '\n', len)) != NULL)
			n = nl - buf;
		else
			n = len;
		conf_line(&p, buf, n);
		if (nl == NULL)
			break;
		buf += n + 1;
		len -= n + 1;
	}
	conf_finish(&p);
	conf_done_parse(&p);
	return (p.errors ? -1 : 0);
}

int
conf_parse_file(struct siproxd_conf *conf, const char *path)
{
	struct conf_parse	 p;
	FILE			*fp;
	char			*line = NULL;
	size_t			 linesize = 0;
	ssize_t			 n;

	if ((fp = fopen(path, "r")) == NULL) {
		log_warn("%s", path);
		return (-1);
	}
	conf_init_parse(&p, conf, path, 0);
	while ((n = getline(&line, &linesize, fp)) != -1) {
		if (n > 0 && line[n - 1] == '\n')
			n--;
		conf_line(&p, line, n);
	}
	if (ferror(fp)) {
		log_warn("%s", path);
		p.errors++;
	}
	free(line);
	fclose(fp);
	conf_finish(&p);
	conf_done_parse(&p);
	return (p.errors ? -1 : 0);
}

static const struct conf_key *
conf_lookup(const char *key)
{
	size_t	i;

	for (i = 0; i < NKEYS; i++)
		if (strcmp(conf_keys[i].name, key) == 0)
			return (&conf_keys[i]);
	return (NULL);
}

/* CR too: a stray one must not end a value, or print would not round-trip */
static int
conf_isspace(char c)
{
	return (c == ' ' || c == '\t' || c == '\r');
}

/*
 * One line, without its newline.  "key = value", where a '#' that opens
 * the value or follows white space starts a comment.  Values may hold
 * spaces, as in the classic since 0.8.1.
 */
static void
conf_line(struct conf_parse *p, const char *raw, size_t len)
{
	char	 buf[CONF_LINE_MAX + 1];
	char	*key, *val, *eq, *end;
	size_t	 i;
	const struct conf_key *k;

	p->lineno++;
	if (len > CONF_LINE_MAX) {
		conf_err(p, p->lineno, "line longer than %d bytes",
		    CONF_LINE_MAX);
		return;
	}
	if (memchr(raw, '\0', len) != NULL) {
		conf_err(p, p->lineno, "NUL byte in line");
		return;
	}
	memcpy(buf, raw, len);
	buf[len] = '\0';

	for (key = buf; conf_isspace(*key); key++)
		;
	if (*key == '\0' || *key == '#')
		return;
	if ((eq = strchr(key, '=')) == NULL) {
		conf_err(p, p->lineno, "missing \"=\" after \"%s\"",
		    log_wire(key, strlen(key)));
		return;
	}
	for (end = eq; end > key && conf_isspace(end[-1]); end--)
		;
	*end = '\0';
	if (*key == '\0') {
		conf_err(p, p->lineno, "missing key before \"=\"");
		return;
	}

	for (val = eq + 1; conf_isspace(*val); val++)
		;
	if (*val == '#')
		*val = '\0';
	for (i = 1; val[0] != '\0' && val[i] != '\0'; i++)
		if (val[i] == '#' && conf_isspace(val[i - 1])) {
			val[i] = '\0';
			break;
		}
	for (end = val + strlen(val); end > val && conf_isspace(end[-1]); end--)
		;
	*end = '\0';

	if ((k = conf_lookup(key)) != NULL)
		conf_value(p, k, key, val);
	else if (strstr(key, "plugin_") != NULL &&
	    strcspn(key, " \t\r") == strlen(key))
		conf_ignored(p, key, val);	/* the classic skips these */
	else
		conf_err(p, p->lineno, "unknown key \"%s\"",
		    log_wire(key, strlen(key)));
}

static void
conf_value(struct conf_parse *p, const struct conf_key *k, const char *key,
    const char *val)
{
	char		*dst = (char *)p->conf + k->off;
	long long	 n;

	if (k->type == CT_IGNORED) {
		conf_ignored(p, key, val);
		return;
	}
	if (*val == '\0' && !(k->type == CT_STR && (k->flags & CF_EMPTY))) {
		conf_err(p, p->lineno, "key \"%s\" needs a value", k->name);
		return;
	}

	switch (k->type) {
	case CT_STR:
		if (strlcpy(dst, val, k->size) >= k->size) {
			conf_err(p, p->lineno, "%s: value longer than %zu "
			    "bytes", k->name, k->size - 1);
			dst[0] = '\0';
		}
		if (strcmp(k->name, "outbound_proxy_transport") == 0 &&
		    *val != '\0' && strcasecmp(val, "udp") != 0 &&
		    strcasecmp(val, "tcp") != 0 && strcasecmp(val, "tls") != 0)
			conf_err(p, p->lineno, "outbound_proxy_transport: "
			    "\"%s\" is not udp, tcp or tls", log_wire(val,
			    strlen(val)));
		if (strcmp(k->name, "tls_cert_file") == 0)
			p->line_cert = p->lineno;
		else if (strcmp(k->name, "tls_key_file") == 0)
			p->line_key = p->lineno;
		if (strncmp(k->name, "ha_", 3) == 0 && dst[0] != '\0')
			conf_ha(p, k, dst);
		break;
	case CT_INT:
		conf_int(p, k, val, (int *)(void *)dst);
		if (strcmp(k->name, "tls_verify") == 0 &&
		    p->conf->tls_verify == 0)
			conf_warn(p, "tls_verify = 0: provider certificates "
			    "are not checked");
		else if (strcmp(k->name, "ha_redis_tls") == 0)
			p->line_hatls = p->lineno;
		break;
	case CT_U16:
		if (conf_number(p, k, val, &n) == 0) {
			*(uint16_t *)(void *)dst = (uint16_t)n;
			if (strcmp(k->name, "rtp_port_low") == 0)
				p->line_low = p->lineno;
			else if (strcmp(k->name, "rtp_port_high") == 0)
				p->line_high = p->lineno;
			else if (strcmp(k->name, "sip_tls_port") == 0)
				p->line_tlsport = p->lineno;
		}
		break;
	case CT_DEBUG:
		conf_debug(p, k, val);
		break;
	case CT_ACL:
		conf_acl_list(p, k, val);
		break;
	case CT_DOM_NAME:
	case CT_DOM_HOST:
	case CT_DOM_PORT:
		conf_domain(p, k, val);
		break;
	case CT_MASK:
	case CT_MASKED:
		conf_mask(p, k, val);
		break;
	case CT_IGNORED:
		break;
	}
}

/* strtonum(3), and 0x hex as well: the classic reads numbers with %i. */
static long long
conf_strtonum(const char *val, long long min, long long max,
    const char **errstr)
{
	unsigned long long	 u;
	const char		*h;

	if (val[0] != '0' || (val[1] != 'x' && val[1] != 'X'))
		return (strtonum(val, min, max, errstr));
	for (h = val + 2; isxdigit((unsigned char)*h); h++)
		;
	*errstr = "invalid";
	if (h == val + 2 || *h != '\0' || h - (val + 2) > 16)
		return (0);
	u = strtoull(val + 2, NULL, 16);
	*errstr = "out of range";
	if (u > LLONG_MAX || (long long)u < min || (long long)u > max)
		return (0);
	*errstr = NULL;
	return ((long long)u);
}

static int
conf_number(struct conf_parse *p, const struct conf_key *k, const char *val,
    long long *n)
{
	const char	*errstr;

	*n = conf_strtonum(val, k->min, k->max, &errstr);
	if (errstr == NULL)
		return (0);
	/* libbsd's strtonum() leaves errno alone: go by the message */
	if (strcmp(errstr, "invalid") == 0)
		conf_err(p, p->lineno, "%s: \"%s\" is not a number",
		    k->name, log_wire(val, strlen(val)));
	else
		conf_err(p, p->lineno, "%s: %s is out of range (%lld..%lld)",
		    k->name, log_wire(val, strlen(val)), k->min, k->max);
	return (-1);
}

/* A warning that -n shows and the daemon logs; the value is still used. */
static void
conf_warn(struct conf_parse *p, const char *fmt, ...)
{
	char	buf[1024];
	va_list	ap;

	if (p->quiet)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	log_warnx("%s:%zu: %s", p->name, p->lineno, buf);
}

/*
 * A value the classic takes but that would not work here (a timeout of
 * 0, a delay above what rtpd can hold) starts the daemon with the default
 * or the nearest value, and says so.
 */
static void
conf_int(struct conf_parse *p, const struct conf_key *k, const char *val,
    int *dst)
{
	struct conf_key	 wk = *k;
	long long	 n;

	if (k->flags & CF_ZERO)
		wk.min = 0;
	if (k->flags & CF_CLAMP)
		wk.max = INT_MAX;
	if (conf_number(p, &wk, val, &n) == -1)
		return;
	if (n == 0 && k->min > 0) {
		conf_warn(p, "%s = 0 is not usable: using %d", k->name, *dst);
		return;
	}
	if (n > k->max) {
		conf_warn(p, "%s = %lld is above %lld: using %lld", k->name,
		    n, k->max, k->max);
		n = k->max;
	}
	*dst = (int)n;
}

/* As the classic: 0x hex or decimal, and -1 enables every class. */
static void
conf_debug(struct conf_parse *p, const struct conf_key *k, const char *val)
{
	struct conf_key		 dk = *k;
	unsigned long long	 u;
	long long		 n;
	const char		*h;
	uint32_t		*dst;

	dst = (uint32_t *)(void *)((char *)p->conf + k->off);
	if (val[0] == '0' && (val[1] == 'x' || val[1] == 'X')) {
		for (h = val + 2; isxdigit((unsigned char)*h); h++)
			;
		if (h == val + 2 || *h != '\0') {
			conf_err(p, p->lineno, "%s: \"%s\" is not a number",
			    k->name, log_wire(val, strlen(val)));
			return;
		}
		errno = 0;
		u = strtoull(val + 2, NULL, 16);
		if (errno == ERANGE || u > UINT32_MAX) {
			conf_err(p, p->lineno, "%s: %s is out of range "
			    "(0x0..0xffffffff)", k->name,
			    log_wire(val, strlen(val)));
			return;
		}
		*dst = (uint32_t)u;
		return;
	}
	dk.min = INT32_MIN;
	dk.max = UINT32_MAX;
	if (conf_number(p, &dk, val, &n) == 0)
		*dst = (uint32_t)n;
}

static void
conf_acl_list(struct conf_parse *p, const struct conf_key *k,
    const char *val)
{
	struct conf_acl_list	*list;
	struct conf_acl		*a;
	char			 tok[CONF_LINE_MAX + 1];
	const char		*s, *e = val;
	size_t			 len;

	list = (struct conf_acl_list *)(void *)((char *)p->conf + k->off);
	for (s = val; *s != '\0'; s = (*e == ',') ? e + 1 : e) {
		e = s + strcspn(s, ",");
		while (s < e && conf_isspace(*s))
			s++;
		len = e - s;
		while (len > 0 && conf_isspace(s[len - 1]))
			len--;
		if (len == 0)
			continue;	/* "a,,b" and a trailing comma */
		memcpy(tok, s, len);
		tok[len] = '\0';
		if ((a = calloc(1, sizeof(*a))) == NULL)
			fatal("conf_acl_list");
		if (conf_acl_parse(tok, a) == -1) {
			free(a);
			if (conf_acl_host(p, k, list, tok) == -1)
				conf_err(p, p->lineno, "%s: bad address "
				    "prefix \"%s\"", k->name, log_wire(tok, len));
			continue;
		}
		TAILQ_INSERT_TAIL(list, a, entry);
	}
}

static int
conf_hostname(const char *s, size_t len)
{
	size_t	i;
	int	alpha = 0;

	if (len == 0 || len > 253 || !isalnum((unsigned char)s[0]))
		return (0);
	for (i = 0; i < len; i++) {
		if (isalpha((unsigned char)s[i]))
			alpha = 1;
		else if (!isdigit((unsigned char)s[i]) && s[i] != '-' &&
		    s[i] != '.')
			return (0);
	}
	return (alpha);	/* "10.1.2" is a bad prefix, not a name */
}

/*
 * The classic takes host names in the access lists: resolved here, at
 * start and at each reload, to every address the name has.  A name that
 * does not resolve matches nothing, as in the classic.  -1 if tok is no
 * host name at all.
 */
static int
conf_acl_host(struct conf_parse *p, const struct conf_key *k,
    struct conf_acl_list *list, const char *tok)
{
	struct addrinfo	 hints, *res, *ai;
	struct conf_acl	*a;
	char		 name[256], buf[INET6_ADDRSTRLEN + 24];
	const char	*slash;
	size_t		 len;
	int		 n = 0, e;

	slash = strchr(tok, '/');
	len = slash ? (size_t)(slash - tok) : strlen(tok);
	if (!conf_hostname(tok, len) || len >= sizeof(name))
		return (-1);
	memcpy(name, tok, len);
	name[len] = '\0';
	/*
	 * Quiet parses are the children's (the parent's text holds
	 * addresses only) and the fuzzers': no lookups there.
	 */
	if (p->quiet)
		goto nomatch;
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_DGRAM;
	if ((e = getaddrinfo(name, NULL, &hints, &res)) != 0) {
		conf_warn(p, "%s: host %s: %s: it matches nothing", k->name,
		    name, gai_strerror(e));
 nomatch:
		/* Not an empty list, which would allow everyone. */
		if ((a = calloc(1, sizeof(*a))) == NULL)
			fatal("conf_acl_host");
		a->af = AF_INET;
		a->plen = 32;			/* 0.0.0.0: no sender */
		TAILQ_INSERT_TAIL(list, a, entry);
		return (0);
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if (getnameinfo(ai->ai_addr, ai->ai_addrlen, buf, INET6_ADDRSTRLEN,
		    NULL, 0, NI_NUMERICHOST) != 0)
			continue;
		if (slash != NULL)
			(void)strlcat(buf, slash, sizeof(buf));
		if ((a = calloc(1, sizeof(*a))) == NULL)
			fatal("conf_acl_host");
		if (conf_acl_parse(buf, a) == -1) {
			free(a);	/* a mask that fits the other family */
			continue;
		}
		TAILQ_INSERT_TAIL(list, a, entry);
		n++;
	}
	freeaddrinfo(res);
	if (n == 0 && slash != NULL)
		return (-1);
	conf_warn(p, "%s: host %s resolved now to %d address%s (again at "
	    "each reload)", k->name, name, n, n == 1 ? "" : "es");
	return (0);
}

/* "addr", "addr/len" or "a.b.c.d/m.m.m.m"; host bits are cleared. */
int
conf_acl_parse(const char *s, struct conf_acl *a)
{
	static const uint8_t v4mapped[12] = {
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
	};
	char		 addr[INET6_ADDRSTRLEN + 1];
	const char	*slash;
	size_t		 len;
	int		 i, bits;

	slash = strchr(s, '/');
	len = slash ? (size_t)(slash - s) : strlen(s);
	if (len == 0 || len >= sizeof(addr))
		return (-1);
	memcpy(addr, s, len);
	addr[len] = '\0';
	if (inet_pton(AF_INET, addr, a->addr) == 1) {
		a->af = AF_INET;
		bits = 32;
	} else if (inet_pton(AF_INET6, addr, a->addr) == 1) {
		a->af = AF_INET6;
		bits = 128;
	} else
		return (-1);
	if (slash == NULL)
		a->plen = bits;
	else if ((a->plen = conf_mask_plen(slash + 1, a->af)) == -1)
		return (-1);

	/* ::ffff:a.b.c.d/n with n >= 96 is the IPv4 prefix it names */
	if (a->af == AF_INET6 && a->plen >= 96 &&
	    memcmp(a->addr, v4mapped, sizeof(v4mapped)) == 0) {
		memmove(a->addr, a->addr + 12, 4);
		memset(a->addr + 4, 0, 12);
		a->af = AF_INET;
		a->plen -= 96;
		bits = 32;
	}
	for (i = a->plen; i < bits; i++)
		a->addr[i / 8] &= ~(0x80 >> (i % 8));
	return (0);
}

/* A prefix length, or for IPv4 a contiguous dotted netmask. */
static int
conf_mask_plen(const char *m, int af)
{
	struct in_addr	 mask;
	uint32_t	 v;
	const char	*errstr;
	int		 plen;

	if (af == AF_INET && strchr(m, '.') != NULL) {
		if (inet_pton(AF_INET, m, &mask) != 1)
			return (-1);
		v = ntohl(mask.s_addr);
		for (plen = 0; plen < 32 && (v & (0x80000000U >> plen)); plen++)
			;
		if (plen < 32 && (v << plen) != 0)
			return (-1);	/* not contiguous */
		return (plen);
	}
	if (!isdigit((unsigned char)m[0]))
		return (-1);
	plen = (int)strtonum(m, 0, af == AF_INET ? 32 : 128, &errstr);
	if (errstr != NULL)
		return (-1);
	return (plen);
}

static size_t *
conf_addline(size_t *lines, size_t *n, size_t line)
{
	size_t	*nl;

	if ((nl = reallocarray(lines, *n + 1, sizeof(*nl))) == NULL)
		fatal("conf_addline");
	nl[(*n)++] = line;
	return (nl);
}

/* The Nth host and the Nth port belong to the Nth name, as classic. */
static void
conf_domain(struct conf_parse *p, const struct conf_key *k, const char *val)
{
	struct conf_domain_list	*list = &p->conf->outbound_domains;
	struct conf_domain	*d;
	long long		 n;

	if (k->type != CT_DOM_PORT && strlen(val) >= sizeof(d->name)) {
		conf_err(p, p->lineno, "%s: value longer than %zu bytes",
		    k->name, sizeof(d->name) - 1);
		return;
	}
	switch (k->type) {
	case CT_DOM_NAME:
		if ((d = calloc(1, sizeof(*d))) == NULL)
			fatal("conf_domain");
		(void)strlcpy(d->name, val, sizeof(d->name));
		TAILQ_INSERT_TAIL(list, d, entry);
		p->dom_line = conf_addline(p->dom_line, &p->ndom, p->lineno);
		return;
	case CT_DOM_HOST:
		TAILQ_FOREACH(d, list, entry)
			if (d->host[0] == '\0')
				break;
		if (d == NULL) {
			conf_err(p, p->lineno, "outbound_domain_host \"%s\" "
			    "has no outbound_domain_name before it",
			    log_wire(val, strlen(val)));
			return;
		}
		(void)strlcpy(d->host, val, sizeof(d->host));
		return;
	default:
		break;
	}
	TAILQ_FOREACH(d, list, entry)
		if (d->port == 0)
			break;
	if (d == NULL) {
		conf_err(p, p->lineno, "outbound_domain_port %s has no "
		    "outbound_domain_name before it",
		    log_wire(val, strlen(val)));
		return;
	}
	if (conf_number(p, k, val, &n) == 0)
		d->port = (uint16_t)n;
}

static void
conf_mask(struct conf_parse *p, const struct conf_key *k, const char *val)
{
	struct conf_str_list	*list = &p->conf->mask_hosts;
	struct conf_str		*s;

	if (strlen(val) >= sizeof(s->s)) {
		conf_err(p, p->lineno, "%s: value longer than %zu bytes",
		    k->name, sizeof(s->s) - 1);
		return;
	}
	if (k->type == CT_MASK) {
		if ((s = calloc(1, sizeof(*s))) == NULL)
			fatal("conf_mask");
		(void)strlcpy(s->s, val, sizeof(s->s));
		TAILQ_INSERT_TAIL(list, s, entry);
		p->mask_line = conf_addline(p->mask_line, &p->nmask,
		    p->lineno);
		return;
	}
	TAILQ_FOREACH(s, list, entry)
		if (s->s2[0] == '\0')
			break;
	if (s == NULL) {
		conf_err(p, p->lineno, "masked_host \"%s\" has no mask_host "
		    "before it", log_wire(val, strlen(val)));
		return;
	}
	(void)strlcpy(s->s2, val, sizeof(s->s2));
}

/* Kept for conf_print(), so the children see it; one warning a key. */
static void
conf_ignored(struct conf_parse *p, const char *key, const char *val)
{
	struct conf_str	*s;
	size_t		 klen = strlen(key);
	int		 seen = 0, n;

	TAILQ_FOREACH(s, &p->conf->ignored, entry)
		if (strncmp(s->s, key, klen) == 0 && s->s[klen] == ' ') {
			seen = 1;
			break;
		}
	if ((s = calloc(1, sizeof(*s))) == NULL)
		fatal("conf_ignored");
	if (*val == '\0')
		n = snprintf(s->s, sizeof(s->s), "%s =", key);
	else
		n = snprintf(s->s, sizeof(s->s), "%s = %s", key, val);
	if (n < 0 || (size_t)n >= sizeof(s->s)) {
		conf_err(p, p->lineno, "key \"%s\": line longer than %zu bytes",
		    log_wire(key, klen), sizeof(s->s) - 1);
		free(s);
		return;
	}
	s->line = p->lineno;
	TAILQ_INSERT_TAIL(&p->conf->ignored, s, entry);
	/* the modules judge their own lines (conf_finish) */
	if (hook != NULL && hook->owns(key))
		return;
	if (!seen && !p->quiet)
		log_warnx("%s:%zu: key \"%s\" is accepted but not supported "
		    "by this version", p->name, p->lineno, log_wire(key, klen));
}

/* Checks across keys: each reports the line of the later key. */
/* TLS is on with a certificate and its key; one without the other is off. */
static void
conf_finish_tls(struct conf_parse *p)
{
	struct siproxd_conf	*conf = p->conf;

	if ((conf->tls_cert_file[0] == '\0') != (conf->tls_key_file[0] ==
	    '\0'))
		conf_err(p, p->line_cert != 0 ? p->line_cert : p->line_key,
		    "tls_cert_file and tls_key_file go together: %s is not "
		    "set", conf->tls_cert_file[0] == '\0' ? "tls_cert_file" :
		    "tls_key_file");
	if (CONF_TLS_ON(conf) && conf->sip_tls_port == conf->sip_listen_port)
		conf_err(p, p->line_tlsport != 0 ? p->line_tlsport :
		    p->lineno, "sip_tls_port %u is sip_listen_port: TLS needs "
		    "a port of its own", conf->sip_tls_port);
	/* TLS is for Redis across a network, not on a Unix socket. */
	if (conf->ha_redis_tls && conf->ha_redis[0] == '/')
		conf_err(p, p->line_hatls, "ha_redis_tls: ha_redis is a Unix "
		    "socket");
}

/* Only what a Redis key or a log line takes as it is. */
static int
conf_ha_word(const char *s, const char *extra)
{
	if (*s == '\0' || strlen(s) > 64)
		return (0);
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && strchr(extra, *s) == NULL)
			return (0);
	return (1);
}

/* The failover keys (siproxd.conf(5), an extension of this version). */
static void
conf_ha(struct conf_parse *p, const struct conf_key *k, char *v)
{
	struct sockaddr_storage	 ss;
	struct sockaddr_un	 sun;
	const char		*bad = NULL;

	if (strcmp(k->name, "ha_redis") == 0 && *v == '/') {
		if (strlen(v) >= sizeof(sun.sun_path))
			bad = "socket path too long";
	} else if (strcmp(k->name, "ha_redis") == 0 && *v != '\0') {
		if (addr_parse_port(v, 6379, &ss) == -1)
			bad = "want a numeric address[:port] or an absolute path";
	} else if (strcmp(k->name, "ha_node") == 0 && *v != '\0') {
		if (!conf_ha_word(v, "._-"))
			bad = "up to 64 letters, digits, '.', '_' or '-'";
	} else if (strcmp(k->name, "ha_prefix") == 0) {
		if (!conf_ha_word(v, "._:-"))
			bad = "up to 64 letters, digits, '.', '_', ':' or '-'";
	}
	if (bad == NULL)
		return;
	conf_err(p, p->lineno, "%s: %s", k->name, bad);
	v[0] = '\0';
}

static void
conf_finish(struct conf_parse *p)
{
	struct siproxd_conf	*conf = p->conf;
	struct conf_domain	*d;
	struct conf_str		*s;
	size_t			 i, line;
	unsigned int		 even;

	line = p->line_low > p->line_high ? p->line_low : p->line_high;
	if (line != 0) {
		even = (conf->rtp_port_low + 1U) & ~1U;
		if (conf->rtp_port_low > conf->rtp_port_high)
			conf_err(p, line, "rtp_port_low %u is above "
			    "rtp_port_high %u", conf->rtp_port_low,
			    conf->rtp_port_high);
		else if (even + 1 > conf->rtp_port_high)
			conf_err(p, line, "rtp port range %u..%u holds no "
			    "even/odd port pair", conf->rtp_port_low,
			    conf->rtp_port_high);
	}

	conf_finish_tls(p);
	i = 0;
	TAILQ_FOREACH(d, &conf->outbound_domains, entry) {
		if (i >= p->dom_first && d->host[0] == '\0')
			conf_err(p, p->dom_line[i - p->dom_first],
			    "outbound_domain_name \"%s\" has no "
			    "outbound_domain_host", log_wire(d->name,
			    strlen(d->name)));
		i++;
	}
	i = 0;
	TAILQ_FOREACH(s, &conf->mask_hosts, entry) {
		if (i >= p->mask_first && s->s2[0] == '\0')
			conf_err(p, p->mask_line[i - p->mask_first],
			    "mask_host \"%s\" has no masked_host",
			    log_wire(s->s, strlen(s->s)));
		i++;
	}
	if (hook != NULL) {
		hook->free(conf->mods);
		conf->mods = NULL;
		p->errors += hook->finish(conf, p->name, p->quiet);
	}
}

static void
conf_print_acl(FILE *fp, const char *key, const struct conf_acl_list *list)
{
	const struct conf_acl	*a;
	char			 buf[INET6_ADDRSTRLEN];

	TAILQ_FOREACH(a, list, entry) {
		if (inet_ntop(a->af, a->addr, buf, sizeof(buf)) == NULL)
			(void)strlcpy(buf, "?", sizeof(buf));
		fprintf(fp, "%s = %s/%d\n", key, buf, a->plen);
	}
}

/*
 * The effective configuration in canonical form: every typed key in
 * table order, empty strings left out, lists one entry a line, then the
 * accepted-but-ignored lines.  conf_parse_buf() reads it back unchanged.
 */
int
conf_print(FILE *fp, const struct siproxd_conf *conf)
{
	const struct conf_key		*k;
	const struct conf_domain	*d;
	const struct conf_str		*s;
	const char			*src;
	size_t				 i;

	for (i = 0; i < NKEYS; i++) {
		k = &conf_keys[i];
		src = (const char *)conf + k->off;
		switch (k->type) {
		case CT_STR:
			if (src[0] != '\0')
				fprintf(fp, "%s = %s\n", k->name, src);
			break;
		case CT_INT:
			if ((k->flags & CF_SHOWSET) &&
			    *(const int *)(const void *)src == 0)
				break;
			fprintf(fp, "%s = %d\n", k->name,
			    *(const int *)(const void *)src);
			break;
		case CT_U16:
			fprintf(fp, "%s = %u\n", k->name,
			    *(const uint16_t *)(const void *)src);
			break;
		case CT_DEBUG:
			fprintf(fp, "%s = 0x%08x\n", k->name,
			    *(const uint32_t *)(const void *)src);
			break;
		case CT_ACL:
			conf_print_acl(fp, k->name,
			    (const struct conf_acl_list *)(const void *)src);
			break;
		case CT_DOM_NAME:
			TAILQ_FOREACH(d, &conf->outbound_domains, entry)
				fprintf(fp, "outbound_domain_name = %s\n"
				    "outbound_domain_host = %s\n"
				    "outbound_domain_port = %u\n", d->name,
				    d->host, d->port ? d->port : SIP_PORT);
			break;
		case CT_MASK:
			TAILQ_FOREACH(s, &conf->mask_hosts, entry)
				fprintf(fp, "mask_host = %s\n"
				    "masked_host = %s\n", s->s, s->s2);
			break;
		default:
			break;
		}
	}
	TAILQ_FOREACH(s, &conf->ignored, entry)
		fprintf(fp, "%s\n", s->s);
	return (ferror(fp) ? -1 : 0);
}

char *
conf_text(const struct siproxd_conf *conf, size_t *lenp)
{
	FILE	*fp;
	char	*buf = NULL;
	size_t	 len = 0;

	if ((fp = open_memstream(&buf, &len)) == NULL)
		fatal("conf_text");
	if (conf_print(fp, conf) == -1)
		fatal("conf_text");
	if (fclose(fp) == EOF)
		fatal("conf_text");
	if (lenp != NULL)
		*lenp = len;
	return (buf);
}

static int
conf_prefix_match(const uint8_t *net, const uint8_t *addr, int plen)
{
	int	full = plen / 8, rest = plen % 8;
	uint8_t	mask;

	if (memcmp(net, addr, full) != 0)
		return (0);
	if (rest == 0)
		return (1);
	mask = (uint8_t)(0xff << (8 - rest));
	return ((net[full] & mask) == (addr[full] & mask));
}

/* An IPv4-mapped IPv6 address is matched against the IPv4 prefixes. */
int
conf_acl_match(const struct conf_acl_list *list, const struct sockaddr *sa)
{
	const struct sockaddr_in	*sin;
	const struct sockaddr_in6	*sin6;
	const struct conf_acl		*a;
	uint8_t				 addr[16];
	int				 af;

	if (list == NULL || sa == NULL)
		return (0);
	switch (sa->sa_family) {
	case AF_INET:
		sin = (const struct sockaddr_in *)(const void *)sa;
		memcpy(addr, &sin->sin_addr, 4);
		af = AF_INET;
		break;
	case AF_INET6:
		sin6 = (const struct sockaddr_in6 *)(const void *)sa;
		if (IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr)) {
			memcpy(addr, &sin6->sin6_addr.s6_addr[12], 4);
			af = AF_INET;
		} else {
			memcpy(addr, &sin6->sin6_addr, 16);
			af = AF_INET6;
		}
		break;
	default:
		return (0);
	}
	TAILQ_FOREACH(a, list, entry)
		if (a->af == af && conf_prefix_match(a->addr, addr, a->plen))
			return (1);
	return (0);
}
