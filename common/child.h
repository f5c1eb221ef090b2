/* SPDX-License-Identifier: ISC */
/* What sipd and rtpd share: start-up from the parent, config, shutdown. */

#ifndef SIPROXD_CHILD_H
#define SIPROXD_CHILD_H

#include "addr.h"
#include "msg.h"

struct event_base;

struct child_ops {
	int	 proc;
	/* a message the common code does not handle; NULL m: never */
	void	(*parent_msg)(struct msg *);
	void	(*sibling_msg)(struct msg *);
	void	(*config)(void);	/* a new config (start and reload) */
	void	(*start)(void);		/* before the privilege drop */
	void	(*running)(void);	/* after it */
	void	(*shutdown)(void);	/* flush state; exit when done */
	void	(*pace)(void);		/* after each turn of the loop */
};

struct child_state {
	const struct child_ops	*ops;
	struct event_base	*base;
	struct msgchan		 parent;
	struct msgchan		 sibling;
	struct siproxd_conf	*conf;
	struct ifaddrs_role	 ifr[ROLE_MAX];
	char			*conftext;
	size_t			 conflen;
	int			 started;
};

extern struct child_state	*child;

__attribute__((__noreturn__)) void child_main(const struct child_ops *, int);
__attribute__((__noreturn__)) void child_exit(int);

#endif /* SIPROXD_CHILD_H */
