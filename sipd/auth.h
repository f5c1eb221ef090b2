/* SPDX-License-Identifier: ISC */
/* Digest authentication of local phones (RFC 7616, RFC 3261 §22.3). */

#ifndef SIPROXD_AUTH_H
#define SIPROXD_AUTH_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <md5.h>
#include <sha2.h>

#include <osipparser2/osip_parser.h>

#define AUTH_MD5		0x01
#define AUTH_SHA256		0x02

#define AUTH_NONCE_LIFE		300	/* seconds a nonce is good for */
#define AUTH_NONCE_MAX		4096	/* nonces in use tracked at once */

/* MD5 (RFC 1321) or SHA-256 (FIPS 180-4), by libmd (libc on OpenBSD). */
#define AUTH_HASH_MAX		SHA256_DIGEST_LENGTH
struct auth_hash {
	int		 alg;
	union {
		MD5_CTX	 md5;
		SHA2_CTX sha256;
	}		 u;
};
void	 auth_hash_init(struct auth_hash *, int);
void	 auth_hash_update(struct auth_hash *, const void *, size_t);
size_t	 auth_hash_final(struct auth_hash *, uint8_t *);

/* One parsed Digest credentials header; values unquoted, NUL-free. */
struct auth_cred {
	char	 username[256];
	char	 realm[256];
	char	 nonce[128];
	char	 uri[1024];
	char	 response[128];
	char	 algorithm[32];
	char	 cnonce[256];
	char	 nc[16];
	char	 qop[32];
	char	 opaque[256];
	int	 alg;			/* AUTH_MD5 or AUTH_SHA256, 0 if unknown */
};

/*
 * The request-digest of RFC 7616 §3.4.1 (RFC 2069 form without qop) in
 * lowercase hex, for method and password; -1 if out is too small.
 */
int	 auth_response(const struct auth_cred *, const char *, const char *,
	    char *, size_t);

void	 auth_init(void);
/* Authentication is on when the realm is set (without passwords, all fail). */
int	 auth_enabled(const char *);
/* Algorithms offered in challenges: AUTH_MD5 | AUTH_SHA256 by default. */
void	 auth_offer(int);

/*
 * Check a request against our realm: 0 when authenticated (*user then
 * points at a static copy of the digest username), else the status code to
 * answer: 400 (malformed credentials), 403 (no password configured) or
 * 407; a user not in the password file gets what a wrong password gets.  For 407 *challenge is a malloc'd
 * list of Proxy-Authenticate header values, one a line ("\n" between,
 * none at the end), and else NULL.  *why is a short static string for
 * the log line.
 */
int	 auth_check(const osip_message_t *, const char *, const char *,
	    const char **, char **, const char **);
/*
 * Did the last auth_check fail on a wrong password or an unknown user,
 * that is, on a guess?  For the per-source limit on guesses.
 */
int	 auth_was_guess(void);
/* Add the challenge values to a response as Proxy-Authenticate headers. */
int	 auth_add_challenge(osip_message_t *, const char *);
/* Remove the Proxy-Authorization headers for our realm before forwarding. */
void	 auth_strip(osip_message_t *, const char *);

/* For the tests: the clock in CLOCK_MONOTONIC seconds; NULL resets it. */
void	 auth_set_clock(time_t (*)(void));
/* For the tests: forget the nonce counts seen, as after a restart. */
void	 auth_forget_nonces(void);

#endif /* SIPROXD_AUTH_H */
