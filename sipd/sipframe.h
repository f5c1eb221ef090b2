/* SPDX-License-Identifier: ISC */
/* Where a SIP message's headers end and its body lies: one scan for sipd. */

#ifndef SIPROXD_SIPFRAME_H
#define SIPROXD_SIPFRAME_H

#include <stddef.h>

/* Largest Content-Length sipframe_scan() reads as a number. */
#define SIPFRAME_MAXCL	(1024 * 1024)

/*
 * The parts of a message at the start of a buffer.  Lines end in LF or
 * CRLF (RFC 3261 §7); CRLFs before the start-line are skipped (§7.5).
 */
struct sipframe {
	size_t		 start;		/* the start-line */
	size_t		 hdrend;	/* where the empty line starts */
	size_t		 bodyoff;	/* after the empty line; 0: none yet */
	long long	 cl;		/* Content-Length; -1 if absent */
};

/*
 * Scan buf up to len (the header block up to max bytes) for the empty
 * line that ends the headers and for Content-Length (§18.3, §20.14: once,
 * a plain number, not folded, compact form "l").  The offsets are filled
 * in even on failure; without an empty line hdrend is the end of the
 * scan and bodyoff 0.  0, or -1 with *why saying what is wrong with
 * Content-Length.
 */
int	sipframe_scan(const char *, size_t, size_t, struct sipframe *,
	    const char **);

/*
 * The body of a whole message in buf (a datagram, or a message cut out
 * of a stream): at *off, *bodylen bytes, Content-Length's worth or the
 * rest of buf.  -1 (with *why) if Content-Length is bad or larger than
 * what buf holds.
 */
int	sipframe_body(const char *, size_t, size_t *, size_t *,
	    const char **);

#endif /* SIPROXD_SIPFRAME_H */
