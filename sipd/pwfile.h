/* SPDX-License-Identifier: ISC */
/* The password file (proxy_auth_pwfile) as the parent sends it: its users. */

#ifndef SIPROXD_PWFILE_H
#define SIPROXD_PWFILE_H

#include <stddef.h>

/* A chunk of the file from the parent; at the end, it replaces the old. */
void		 pwfile_data(const void *, size_t);
void		 pwfile_end(void);
/* The contents: "user password" lines; -1 if any line was bad. */
int		 pwfile_load(const char *, size_t);
void		 pwfile_clear(void);
/* Was a file loaded?  Without one, proxy_auth_passwd is everyone's. */
int		 pwfile_loaded(void);
const char	*pwfile_lookup(const char *);

#endif /* SIPROXD_PWFILE_H */
