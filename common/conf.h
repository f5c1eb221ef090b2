/* SPDX-License-Identifier: ISC */
/* The parsed siproxd.conf: the classic key = value format, typed. */

#ifndef SIPROXD_CONF_H
#define SIPROXD_CONF_H

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>

#include <stdint.h>
#include <stdio.h>

#define CONF_STRLEN	256		/* longest string value we keep */
#define CONF_PATHLEN	1024

/* An address prefix from hosts_allow_reg, hosts_allow_sip, hosts_deny_sip. */
struct conf_acl {
	TAILQ_ENTRY(conf_acl)	 entry;
	int			 af;		/* AF_INET or AF_INET6 */
	uint8_t			 addr[16];	/* network byte order */
	int			 plen;		/* prefix length */
};
TAILQ_HEAD(conf_acl_list, conf_acl);

/* outbound_domain_name / _host / _port, paired in the order given. */
struct conf_domain {
	TAILQ_ENTRY(conf_domain) entry;
	char			 name[CONF_STRLEN];
	char			 host[CONF_STRLEN];
	uint16_t		 port;		/* 0: not given, use 5060 */
};
TAILQ_HEAD(conf_domain_list, conf_domain);

/* mask_host / masked_host pairs, and any other list of plain strings. */
struct conf_str {
	TAILQ_ENTRY(conf_str)	 entry;
	char			 s[CONF_STRLEN];
	char			 s2[CONF_STRLEN];	/* masked_host of a pair */
	size_t			 line;		/* where it was read */
};
TAILQ_HEAD(conf_str_list, conf_str);

struct mod_set;

struct siproxd_conf {
	char			 if_inbound[CONF_STRLEN];
	char			 if_outbound[CONF_STRLEN];
	char			 host_outbound[CONF_STRLEN];
	uint16_t		 sip_listen_port;
	uint16_t		 sip_tls_port;
	char			 tls_cert_file[CONF_PATHLEN];
	char			 tls_key_file[CONF_PATHLEN];
	char			 tls_ca_file[CONF_PATHLEN];	/* "": the system's */
	int			 tls_verify;

	int			 daemonize;
	int			 silence_log;		/* 0..4 */
	int			 log_calls;
	uint32_t		 debug_level;
	int			 debug_port;		/* 0: off */

	char			 user[CONF_STRLEN];
	char			 chrootjail[CONF_PATHLEN];
	char			 registration_file[CONF_PATHLEN];
	int			 autosave_registrations; /* seconds, 0: off */
	char			 pid_file[CONF_PATHLEN];

	int			 rtp_proxy_enable;
	uint16_t		 rtp_port_low;
	uint16_t		 rtp_port_high;
	int			 rtp_timeout;		/* seconds */
	int			 rtp_dscp;		/* 0..63 */
	int			 sip_dscp;		/* 0..63 */
	int			 rtp_input_dejitter;	/* microseconds */
	int			 rtp_output_dejitter;	/* microseconds */
	int			 rtp_fastpath;		/* eBPF relay, Linux */

	int			 tcp_timeout;		/* seconds */
	int			 tcp_connect_timeout;	/* milliseconds */
	int			 tcp_keepalive;		/* seconds, 0: off */

	int			 default_expires;	/* seconds */
	int			 use_rport;		/* RFC 3581, 0..3 */
	char			 ua_string[CONF_STRLEN];

	char			 proxy_auth_realm[CONF_STRLEN];
	char			 proxy_auth_passwd[CONF_STRLEN];
	char			 proxy_auth_pwfile[CONF_PATHLEN];

	char			 outbound_proxy_host[CONF_STRLEN];
	uint16_t		 outbound_proxy_port;	/* 0: use 5060 */
	char			 outbound_proxy_transport[8]; /* "": as asked */

	/* the failover pair's shared state (extensions) */
	char			 ha_redis[CONF_PATHLEN];	/* host:port or
							   a socket path */
	char			 ha_redis_password_file[CONF_PATHLEN];
	int			 ha_redis_tls;
	char			 ha_redis_ca_file[CONF_PATHLEN];	/* "": tls_ca_file */
	char			 ha_node[CONF_STRLEN];
	char			 ha_prefix[CONF_STRLEN];

	struct conf_acl_list	 hosts_allow_reg;
	struct conf_acl_list	 hosts_allow_sip;
	struct conf_acl_list	 hosts_deny_sip;
	struct conf_domain_list	 outbound_domains;
	struct conf_str_list	 mask_hosts;		/* s: mask, s2: masked */
	struct conf_str_list	 ignored;		/* accepted, not acted on:
							   "key = value" as read */
	struct mod_set		*mods;			/* the built-in modules
							   (sipd/mod), parsed
							   from load_plugin and
							   plugin_* lines */
};

#define CONF_TLS_ON(c)	((c)->tls_cert_file[0] != '\0')

struct siproxd_conf	*conf_new(void);
void			 conf_free(struct siproxd_conf *);
/*
 * Keys judged above this layer (sipd's modules: load_plugin, plugin_*):
 * owns says a key is theirs, so it gets no warning; finish builds
 * conf->mods from the kept lines at the end of a parse and returns the
 * number of errors; free frees it.  Set once, before the first parse;
 * without it the lines are plain ignored keys (unit tests, siproxctl).
 */
struct conf_hook {
	int	(*owns)(const char *);
	int	(*finish)(struct siproxd_conf *, const char *, int);
	void	(*free)(struct mod_set *);
};
void			 conf_set_hook(const struct conf_hook *);
int			 conf_parse_file(struct siproxd_conf *, const char *);
int			 conf_parse_buf(struct siproxd_conf *, const char *,
			    const char *, size_t, int);
int			 conf_print(FILE *, const struct siproxd_conf *);
char			*conf_text(const struct siproxd_conf *, size_t *);
int			 conf_acl_parse(const char *, struct conf_acl *);
int			 conf_acl_match(const struct conf_acl_list *,
			    const struct sockaddr *);

#endif /* SIPROXD_CONF_H */
