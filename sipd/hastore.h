/* SPDX-License-Identifier: ISC */
/* The failover pair's shared state in Redis (ha_redis): sipd's side. */

#ifndef SIPROXD_HASTORE_H
#define SIPROXD_HASTORE_H

#include <stddef.h>

struct msg;

/* What a command's reply must be (the replies come back in order). */
#define HA_C_AUTH	0
#define HA_C_WRITE	1	/* SET or DEL */
#define HA_C_SCAN	2
#define HA_C_MGET	3
#define HA_C_PING	4
#define HA_C_SETNX	5	/* our sealing keys, unless there are some */
#define HA_C_SEAL	6	/* GET the pair's sealing keys */
#define HA_C_MAX	7

/* What a load fetches: the registrations, then the calls. */
#define HA_K_REG	0
#define HA_K_CALL	1

/* A reply as we keep it: built only within the size limits. */
struct ha_reply {
	int			 type;		/* REDIS_REPLY_* */
	long long		 integer;
	char			*str;		/* NUL-terminated copy */
	size_t			 len;
	size_t			 elements;
	struct ha_reply		**element;
};

int	 ha_on(void);
void	 ha_write(const char *, const char *, size_t, long long);
void	 ha_remove(const char *);
void	 ha_config(void);
void	 ha_start(void);
void	 ha_password(const void *, size_t);
void	 ha_socket(struct msg *);
void	 ha_flush(void);
void	 ha_takeover(void);
void	 ha_loaded(void);
void	 ha_stats(void (*)(const char *, unsigned long long, void *), void *);

/* Bytes from Redis; NULL, or why the connection must be dropped. */
const char *ha_input(const char *, size_t);
void	 ha_reply_free(void *);
void	 ha_fuzz_begin(int, int, int);
void	 ha_fuzz_end(void);

#endif /* SIPROXD_HASTORE_H */
