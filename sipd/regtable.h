/* SPDX-License-Identifier: ISC */
/* The registration table: bindings of local phones, and its saved form. */

#ifndef SIPROXD_REGTABLE_H
#define SIPROXD_REGTABLE_H

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/queue.h>
#include <sys/tree.h>

#include <stddef.h>
#include <stdio.h>
#include <time.h>

#define REG_UDP		0
#define REG_TCP		1
#define REG_TLS		2		/* the values of TRANSPORT_* */

/*
 * One Contact of one AOR.  Strings are kept as the text that came off the
 * wire: URI escapes such as %00 are never decoded (RFC 4475 §3.1.1.4).
 */
struct reg_binding {
	RB_ENTRY(reg_binding)	 entry;		/* by aor, then contact */
	RB_ENTRY(reg_binding)	 masq_entry;	/* by masq_user */
	char			*aor;		/* "user@domain", canonical */
	char			*contact;	/* the phone's Contact URI */
	char			*masq_user;	/* our Contact's user part,
						   unique in the table */
	struct sockaddr_storage	 src;		/* where its REGISTER came from */
	int			 transport;	/* REG_UDP, REG_TCP, REG_TLS */
	char			*user_agent;	/* NULL if none */
	time_t			 expires;	/* CLOCK_MONOTONIC seconds */
	int			 pending;	/* sent upstream, no 2xx yet */
	TAILQ_ENTRY(reg_binding) ha_entry;	/* hastore.c: to write */
	int			 ha_queued;
};

void	 reg_init(void);
void	 reg_set_watch(void (*)(struct reg_binding *, int));
void	 reg_clear(void);
size_t	 reg_count(void);
void	 reg_foreach(void (*)(struct reg_binding *, void *), void *);

/* Both return pending bindings too: the caller checks b->pending. */
struct reg_binding *reg_lookup(const char *, const char *);
struct reg_binding *reg_lookup_masq(const char *);

/* Active (not pending) bindings of one AOR, in contact order. */
struct reg_binding *reg_first_aor(const char *);
struct reg_binding *reg_next_aor(struct reg_binding *);

struct reg_binding *reg_add(const char *, const char *,
	    const struct sockaddr *, int, const char *, time_t, int);
void	 reg_set_source(struct reg_binding *, const struct sockaddr *, int,
	    const char *);
void	 reg_remove(struct reg_binding *);
const char *reg_tname(int);
void	 reg_remove_aor(const char *);
int	 reg_expire(time_t, void (*)(struct reg_binding *, void *), void *);

int	 reg_serialize(char **, size_t *, time_t, time_t);
int	 reg_serialize_tag(char **, size_t *, time_t, time_t, const char *);
int	 reg_deserialize(const char *, size_t, time_t, time_t);
int	 reg_is_ours(const char *, size_t);
void	 reg_record(const struct reg_binding *, const char *, time_t, time_t,
	    char **, size_t *);
int	 reg_merge(const char *, size_t, time_t, time_t, const char **);
int	 reg_file_tag(const char *, size_t, char *, size_t);
/* A string field of the saved form, vis(3)-encoded; back, or NULL if bad. */
void	 reg_field_put(FILE *, const char *, const char *);
char	*reg_field_get(const char *);

/* regclassic.c: the classic siproxd's file, which pfSense's page reads */
int	 reg_classic_serialize(char **, size_t *, time_t, time_t,
	    const char *, const char *);
int	 reg_classic_deserialize(const char *, size_t, time_t, time_t);

#endif /* SIPROXD_REGTABLE_H */
