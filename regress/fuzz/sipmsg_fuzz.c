/* SPDX-License-Identifier: ISC */
/* libFuzzer harness: sipmsg_parse() on a datagram, and the answer it wants. */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <osipparser2/osip_parser.h>

#include "reply.h"
#include "sipmsg.h"

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Whatever we send must be a response we could read ourselves. */
static void
check_answer(const char *out, size_t outlen, int code)
{
	osip_message_t	*r;

	if (osip_message_init(&r) != 0)
		abort();
	if (osip_message_parse(r, out, outlen) != 0 || r->status_code != code ||
	    strlen(out) != outlen)
		abort();
	osip_message_free(r);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	sipmsg_init();
	return (0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*buf = (const char *)data, *why;
	osip_message_t	*m;
	char		*unsup, *out, *s;
	size_t		 outlen, slen;
	int		 code;

	if (sipmsg_parse(buf, size, &m, &code, &unsup, &why) == 0) {
		if (m == NULL || why != NULL || code != 0 || unsup != NULL)
			abort();
		/* What the proxy logic will do with it. */
		if (osip_message_to_str(m, &s, &slen) == 0)
			osip_free(s);
		if (m->status_code == 0) {
			if (reply_build(buf, size, m, 483, NULL, &out,
			    &outlen) == 0) {
				check_answer(out, outlen, 483);
				free(out);
			}
			/* The raw path too, on what it rarely sees. */
			if (reply_build(buf, size, NULL, 400, NULL, &out,
			    &outlen) == 0) {
				check_answer(out, outlen, 400);
				free(out);
			}
		}
		osip_message_free(m);
		return (0);
	}
	if (m != NULL || why == NULL || (code == 420) != (unsup != NULL))
		abort();
	switch (code) {
	case 0:
		break;
	case 400:
	case 416:
	case 420:
	case 505:
		/* sipmsg_parse() said it is answerable. */
		if (reply_build(buf, size, NULL, code, unsup, &out,
		    &outlen) != 0)
			abort();
		check_answer(out, outlen, code);
		free(out);
		break;
	default:
		abort();
	}
	free(unsup);
	return (0);
}
