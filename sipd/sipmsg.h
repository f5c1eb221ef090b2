/* SPDX-License-Identifier: ISC */
/* The gate between a SIP datagram and the proxy: frame, parse, check. */

#ifndef SIPROXD_SIPMSG_H
#define SIPROXD_SIPMSG_H

#include <stddef.h>

#include <osipparser2/osip_parser.h>

/* Larger datagrams are dropped unread. */
#define SIPMSG_MAXLEN	65535
/* More Vias than Max-Forwards lets a request collect: dropped. */
#define SIPMSG_MAXVIA	255

/*
 * Once at start: libosip2's parser tables (parser_init()), and its trace
 * output, which goes to stdout by default, turned off.
 */
void	sipmsg_init(void);

/*
 * Frame (Content-Length, RFC 3261 §18.3 and §20.14), parse and check one
 * SIP message from a UDP datagram; buf need not be NUL-terminated.
 *
 * On success returns 0 and *msgp, which the caller frees with
 * osip_message_free(); *why is NULL.  The message then has: a request line
 * with scheme sip, sips or tel and version SIP/2.0, or a status line with
 * code 100..699; at least one Via, each with a host; exactly one From and To
 * (each with a URI), Call-ID and CSeq (number < 2^31, method equal to the
 * request's); Max-Forwards absent or 0..255 (0 is left to the caller, who
 * answers 483 or serves an OPTIONS itself); a body of exactly Content-Length
 * bytes (trailing octets of the datagram are dropped).
 *
 * On failure returns -1 and *msgp is NULL.  *code is the status code to
 * answer (400, 416, 420, 505), or 0 when the message must be dropped
 * silently: every bad response, keep-alives, and requests that cannot be
 * answered because their Via/From/To/Call-ID/CSeq are unusable.  For 420,
 * *unsupported is a malloc'd list of the Proxy-Require option tags, to be
 * passed to reply_build() and then freed; else it is NULL.  *why is a
 * short static string for the log line ("keepalive" for a CRLF keep-alive,
 * RFC 5626 §4.4.1).
 */
int	sipmsg_parse(const char *, size_t, osip_message_t **, int *, char **,
	    const char **);

#endif /* SIPROXD_SIPMSG_H */
