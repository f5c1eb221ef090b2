/* SPDX-License-Identifier: ISC */
/* The built-in modules that stand in for the classic siproxd's plugins. */

#ifndef SIPROXD_MOD_H
#define SIPROXD_MOD_H

#include <sys/types.h>
#include <sys/queue.h>

#include <stddef.h>
#include <time.h>

#include <osipparser2/osip_parser.h>

struct siproxd_conf;
struct conf_acl_list;
struct sip_origin;
struct sipx;
struct reg_binding;
struct msg_relay_stats;

/*
 * Where sipd calls the modules, in the order a message meets them; the
 * classic's plugin stages of the same names (plugins.h there).
 */
enum mod_hook {
	MOD_TIMER,	/* once a second; no message */
	MOD_RAW,	/* a datagram or framed message, not yet parsed */
	MOD_VALIDATE,	/* parsed, passed the access lists */
	MOD_TARGET,	/* a request that passed the loop checks, a response */
	MOD_PRE,	/* next hop known, before our rewriting */
	MOD_UNKNOWN,	/* a request from the WAN for no phone we know */
	MOD_POST,	/* rewritten, about to be sent */
	MOD_NHOOK
};
#define MOD_BIT(h)	(1U << (h))

/* What a module says of a message. */
enum mod_verdict {
	MOD_GO,		/* go on */
	MOD_DROP,	/* drop it silently */
	MOD_DONE	/* the module answered it: drop it */
};

/*
 * What a module sees: the message and where it came from, never a
 * socket.  At MOD_PRE and MOD_POST x is the message on its way out (its
 * msg is m); at MOD_RAW only raw/rawlen are set; at MOD_TIMER nothing.
 */
struct mod_msg {
	enum mod_hook		 hook;
	const struct sip_origin	*from;
	int			 side;		/* ROLE_* it came from */
	osip_message_t		*m;
	struct sipx		*x;
	const char		*raw;
	size_t			 rawlen;
	struct reg_binding	*phone;		/* MOD_UNKNOWN: a module may
						   name the phone it goes to */
};

/*
 * One key, "plugin_<module>_<name>".  set() gets the value as read and
 * returns 0, or -1 with a message (no file:line: the caller adds it).
 */
struct mod_key {
	const char	*name;
	int		(*set)(void *, const char *, char *, size_t);
};

struct mod_def {
	const char		*name;		/* plugin_<name>.la */
	unsigned int		 hooks;		/* MOD_BIT()s */
	size_t			 cfgsize;	/* its config, calloc'd */
	const struct mod_key	*keys;		/* NULL-terminated */
	/*
	 * After all keys: 0; -1 and a message if a value is bad (an
	 * error); 1 and a message if a key it cannot work without is
	 * missing (the module is left out with a warning).
	 */
	int			(*check)(void *, char *, size_t);
	void			(*cfgfree)(void *);
	enum mod_verdict	(*run)(void *, struct mod_msg *);
};

/* One loaded module: load_plugin order is the order they run in. */
struct mod_inst {
	TAILQ_ENTRY(mod_inst)	 entry;
	const struct mod_def	*def;
	void			*cfg;
	size_t			 line;		/* its load_plugin line */
	int			 bad;		/* a key of it was refused */
};
TAILQ_HEAD(mod_list, mod_inst);

struct mod_set {
	struct mod_list		 mods;
	unsigned int		 hooks;		/* the union of theirs */
};

/* mod.c: config; mod_register before the first conf_parse_* (conf_hook) */
void	 mod_register(void);
void	 mod_set_free(struct mod_set *);

/* mod.c: values, for the modules' key setters */
struct mod_strs {
	char		**v;
	size_t		  n;
};
int	 mod_bool(int *, const char *, char *, size_t);
int	 mod_int(int *, const char *, long long, long long, char *, size_t);
void	 mod_strs_add(struct mod_strs *, const char *);
void	 mod_strs_free(struct mod_strs *);
/* a growable, NUL-terminated string */
struct mod_buf {
	char		 *s;
	size_t		  len, cap;
};
void	 mod_put(struct mod_buf *, const char *, size_t);

/* regsub.c: plugin_regex and plugin_regex_body's rules */
struct mod_rx {
	struct mod_strs	  desc;
	struct mod_strs	  pat;
	struct mod_strs	  rep;
	void		 *re;		/* regex_t, one per pattern */
};
/* desc, pattern, replace, check, free: a struct mod_rx as a module's cfg */
int	 mod_rx_desc(void *, const char *, char *, size_t);
int	 mod_rx_pattern(void *, const char *, char *, size_t);
int	 mod_rx_replace(void *, const char *, char *, size_t);
int	 mod_rx_match(const struct mod_rx *, size_t, const char *);
int	 mod_rx_check(void *, char *, size_t);
void	 mod_rx_free(void *);
int	 mod_rx_sub(const struct mod_rx *, size_t, const char *, int,
	    char **);
/* a plugin_X_networks key and its free: a struct conf_acl_list as cfg */
int	 mod_networks(void *, const char *, char *, size_t);
void	 mod_networks_free(void *);

/* mod.c: sipd's hooks; each returns 0 to go on, 1 when the message was
   consumed (and freed) by a module */
void	 mod_running(void);
int	 mod_raw(const struct sip_origin *, const char *, size_t);
int	 mod_msg(enum mod_hook, const struct sip_origin *, osip_message_t *);
int	 mod_out(enum mod_hook, struct sipx *);
int	 mod_unknown(const struct sip_origin *, osip_message_t *,
	    struct reg_binding **);

/* mod.c: helpers for modules */
#define MOD_REDIRECTED	"redirected"	/* the classic's mark on a 302 */
int	 mod_redirect(const struct sip_origin *, const osip_message_t *,
	    const osip_uri_t *);
int	 mod_redirect_user(const struct sip_origin *,
	    const osip_message_t *, const char *, const char *);
int	 mod_marked(const osip_uri_t *, const char *);
void	 mod_set_body(struct mod_msg *, const char *, size_t);
const char *mod_str(const char *);
void	*mod_loaded(const struct mod_def *);

/* the modules, one file each */
extern const struct mod_def	mod_blacklist;
extern const struct mod_def	mod_codecfilter;
extern const struct mod_def	mod_defaulttarget;
extern const struct mod_def	mod_demo;
extern const struct mod_def	mod_fix_DTAG;
extern const struct mod_def	mod_fix_bogus_via;
extern const struct mod_def	mod_fix_fbox_anoncall;
extern const struct mod_def	mod_logcall;
extern const struct mod_def	mod_prefix;
extern const struct mod_def	mod_regex;
extern const struct mod_def	mod_regex_body;
extern const struct mod_def	mod_shortdial;
extern const struct mod_def	mod_siptrunk;
extern const struct mod_def	mod_stats;
extern const struct mod_def	mod_stripheader;
extern const struct mod_def	mod_stun;

/* stats.c: SIGUSR1, and rtpd's counters of a stream */
void	 stats_signal(void);
void	 stats_stream(const struct msg_relay_stats *);

/* blacklist.c: its records, a section of sipd's state file (regsave.c) */
#define BL_SECTION	"[blacklist]"
int	 blacklist_serialize(char **, size_t *, time_t, time_t);
int	 blacklist_deserialize(const char *, size_t, time_t, time_t, int);
void	 blacklist_clear(void);
size_t	 blacklist_count(void);
char	*blacklist_save(size_t *, time_t, time_t);
void	 blacklist_restore(const char *, size_t, time_t, time_t);

/* logcall.c: also what log_calls = 1 turns on */
enum mod_verdict logcall_run(void *, struct mod_msg *);

#endif /* SIPROXD_MOD_H */
