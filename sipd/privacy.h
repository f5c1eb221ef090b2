/* SPDX-License-Identifier: ISC */
/* No LAN address leaves on the WAN side: sealed going out, restored coming back. */

#ifndef SIPROXD_PRIVACY_H
#define SIPROXD_PRIVACY_H

#include <osipparser2/osip_parser.h>

#define PRIVACY_KEEP	3

/* How a message going to the WAN is hidden. */
struct privacy_ctx {
	int		 family;		/* of our address to name */
	const char	*keep[PRIVACY_KEEP];	/* hosts that stay: the next
						   hop's own, NULL-padded */
};

/* Towards the WAN: From, To and the identity headers. */
void	 privacy_hide(osip_message_t *, const struct privacy_ctx *);
/* Towards the WAN, last: the Call-ID (the relay is keyed by the real one). */
void	 privacy_callid_hide(osip_message_t *, int);
/* From the WAN: everything hidden above, back as it was. */
void	 privacy_reveal(osip_message_t *);
void	 privacy_callid_reveal(osip_message_t *);
/* Does the text hold a private IP address (for the Call-ID)? */
int	 privacy_text_private(const char *);

#endif /* SIPROXD_PRIVACY_H */
