/* SPDX-License-Identifier: ISC */
/* What differs between operating systems: titles, privileges, sandbox. */

#ifndef SIPROXD_PROC_H
#define SIPROXD_PROC_H

#define PROC_PARENT	0
#define PROC_SIPD	1
#define PROC_RTPD	2

struct siproxd_conf;

/*
 * One file per OS: proc_linux.c, proc_openbsd.c, proc_freebsd.c; what
 * both BSDs do alike is in proc_bsd.c.
 */
void		 proc_title_init(int, char **);
void		 proc_title(const char *);
char		*proc_self_path(const char *);
void		 proc_drop_caps(void);
void		 proc_no_new_privs(void);
void		 proc_sandbox(int);

/* proc.c */
const char	*proc_name(int);
void		 proc_raise_nofile(void);

/* privdrop.c */
void		 privdrop_child(const struct siproxd_conf *, int);
const char	*privdrop_check_chroot(const char *);

#endif /* SIPROXD_PROC_H */
