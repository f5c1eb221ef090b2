/* SPDX-License-Identifier: ISC */
/* Answers we make ourselves (RFC 3261 §8.2.6), from parsed or raw requests. */

#ifndef SIPROXD_REPLY_H
#define SIPROXD_REPLY_H

#include <stddef.h>

#include <osipparser2/osip_parser.h>

/*
 * Build the response (code, standard reason phrase) to a request we
 * received, per RFC 3261 §8.2.6: its Via(s), From, To (with a To tag added
 * if it has none and code > 100), Call-ID and CSeq, an Unsupported header
 * if unsupported is not NULL (for 420), Content-Length 0.
 *
 * With req != NULL the headers come from the parsed request; with
 * req == NULL they are taken from the raw datagram (buf, len), which is how
 * a request rejected by sipmsg_parse() is answered: then the header lines
 * are copied only when present and sane.  Either way the result must parse
 * back with libosip2.
 * Returns 0 and a malloc'd, NUL-terminated *out of *outlen bytes, or -1
 * when no response can be built (the request is then dropped).
 */
int	reply_build(const char *, size_t, const osip_message_t *, int,
	    const char *, char **, size_t *);

/* 1 if a To tag is one reply_build() made in this process. */
int	reply_our_tag(const char *);

struct sip_origin;

/* Answer a request we will not forward, back the way it came. */
void	reply_send(const struct sip_origin *, const char *, size_t,
	    const osip_message_t *, int, const char *);
/* Answer with 407 and our challenges, one Proxy-Authenticate a line. */
void	reply_challenge(const struct sip_origin *, osip_message_t *,
	    const char *);

#endif /* SIPROXD_REPLY_H */
