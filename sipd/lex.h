/* SPDX-License-Identifier: ISC */
/* A SIP datagram as raw lines, and the RFC 3261 §25.1 character classes. */

/*
 * What the checks (sipmsg.c) and the answers (reply.c) both read before,
 * or instead of, libosip2: the start line and the unfolded header lines
 * of a datagram, kept as they came.
 */

#ifndef SIPROXD_LEX_H
#define SIPROXD_LEX_H

#include <stddef.h>

#include "buf.h"
#include "sipframe.h"

/* A datagram as lines: the start line, then the unfolded headers. */
struct lex {
	const char	*start;		/* start line, in the datagram */
	size_t		 startlen;
	struct buf	 hdrs;		/* "name: value\r\n" each */
	struct sipframe	 f;		/* where the headers end */
	int		 frame_err;	/* Content-Length is bad: why */
	const char	*frame_why;
};

struct lex_hdr {
	const char	*name;
	size_t		 namelen;
	const char	*val;
	size_t		 vallen;
};

int	 lex_is_digit(int);
int	 lex_is_wsp(int);
int	 lex_is_tokenc(int);
int	 lex_is_token(const char *, size_t);
void	 lex_trim(const char **, size_t *);
size_t	 lex_find_unquoted(const char *, size_t, char);
int	 lex_number(const char *, size_t, long long, long long *);
int	 lex_datagram(const char *, size_t, int, struct lex *,
	    const char **);
int	 lex_hdr_next(const struct buf *, size_t *, struct lex_hdr *);
int	 lex_hdr_is(const struct lex_hdr *, const char *, int);
int	 lex_hdr_count(const struct lex *, const char *, int);
int	 lex_is_response(const char *, size_t);
int	 lex_uri_scheme(const char *, size_t, size_t *);
int	 lex_hostport_ok(const char *, size_t);
int	 lex_uri_host_ok(const char *, size_t);

#endif /* SIPROXD_LEX_H */
