/* SPDX-License-Identifier: ISC */
/* libFuzzer harness: Proxy-Authorization through libosip2 and auth_check. */

#include <sys/types.h>

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <osipparser2/osip_parser.h>

#include "auth.h"
#include "log.h"
#include "pwfile.h"
#include "../unit/osipquiet.h"

#define REALM		"lan.example"
#define NONCE_MARK	"@N@"		/* replaced by a nonce we issued */

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char	 pwfile[] = "alice wonderland\nbob builder\n";
static char		 nonce[128];

static osip_message_t *
mkmsg(const char *pa, size_t palen)
{
	static const char	 head[] = "REGISTER sip:example.com SIP/2.0\r\n"
	    "Via: SIP/2.0/UDP 10.0.0.2:5060;branch=z9hG4bK-1\r\n"
	    "From: <sip:alice@example.com>;tag=1\r\n"
	    "To: <sip:alice@example.com>\r\n"
	    "Call-ID: 1@10.0.0.2\r\n"
	    "CSeq: 1 REGISTER\r\n"
	    "Proxy-Authorization: ";
	static const char	 tail[] = "\r\nContent-Length: 0\r\n\r\n";
	osip_message_t		*m;
	char			*buf;
	size_t			 len;

	len = sizeof(head) - 1 + palen + sizeof(tail) - 1;
	if ((buf = malloc(len)) == NULL || osip_message_init(&m) != 0)
		abort();
	memcpy(buf, head, sizeof(head) - 1);
	memcpy(buf + sizeof(head) - 1, pa, palen);
	memcpy(buf + sizeof(head) - 1 + palen, tail, sizeof(tail) - 1);
	if (osip_message_parse(m, buf, len) != 0) {
		osip_message_free(m);
		m = NULL;
	}
	free(buf);
	return (m);
}

/* The input with NONCE_MARK replaced, so the fuzzer gets past the MAC. */
static char *
with_nonce(const char *in, size_t len, size_t *outlen)
{
	const char	*p = in, *end = in + len, *hit;
	char		*out;
	size_t		 n = 0, mlen = strlen(NONCE_MARK), nlen = strlen(nonce);

	if ((out = malloc(len * (nlen / mlen + 1) + 1)) == NULL)
		abort();
	while ((hit = memmem(p, end - p, NONCE_MARK, mlen)) != NULL) {
		memcpy(out + n, p, hit - p);
		n += hit - p;
		memcpy(out + n, nonce, nlen);
		n += nlen;
		p = hit + mlen;
	}
	memcpy(out + n, p, end - p);
	n += end - p;
	out[n] = '\0';
	*outlen = n;
	return (out);
}

static void
fuzz_check(const char *pa, size_t len)
{
	osip_message_t				*m, *resp;
	osip_proxy_authorization_t		*a;
	const char				*user, *why;
	char					*ch;
	int					 rc, i;

	if ((m = mkmsg(pa, len)) == NULL)
		return;
	rc = auth_check(m, REALM, NULL, &user, &ch, &why);
	if (why == NULL || (rc == 407) != (ch != NULL) ||
	    (rc == 0) != (user != NULL))
		abort();
	if (rc != 0 && rc != 400 && rc != 403 && rc != 407)
		abort();
	if (ch != NULL) {
		if (osip_message_init(&resp) != 0 ||
		    auth_add_challenge(resp, ch) != 0)
			abort();
		osip_message_free(resp);
		free(ch);
	}
	auth_strip(m, REALM);
	for (i = 0; (a = osip_list_get(&m->proxy_authorizations, i)) != NULL;
	    i++)
		if (a->realm != NULL && strcmp(a->realm, "\"" REALM "\"") == 0)
			abort();
	osip_message_free(m);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	osip_message_t	*m;
	const char	*user, *why, *p, *q;
	char		*ch;

	(void)argc;
	(void)argv;
	log_init(1, 0);
	log_setverbose(-2);
	parser_init();
	osip_trace_initialize_func(TRACE_LEVEL0, osip_quiet);
	auth_init();
	if (pwfile_load(pwfile, sizeof(pwfile) - 1) != 0 ||
	    (m = mkmsg("x", 1)) == NULL ||
	    auth_check(m, REALM, NULL, &user, &ch, &why) != 407 ||
	    (p = strstr(ch, "nonce=\"")) == NULL ||
	    (q = strchr(p + 7, '"')) == NULL ||
	    (size_t)(q - p - 7) >= sizeof(nonce))
		abort();
	memcpy(nonce, p + 7, q - p - 7);
	free(ch);
	osip_message_free(m);
	return (0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char		*in = (const char *)data;
	char			*pa;
	size_t			 palen;

	pa = with_nonce(in, size, &palen);
	fuzz_check(pa, palen);
	free(pa);

	/* The same bytes as a password file, then back to ours. */
	(void)pwfile_load(in, size);
	if (pwfile_load(pwfile, sizeof(pwfile) - 1) != 0)
		abort();
	return (0);
}
