/* SPDX-License-Identifier: ISC */
/* REGISTER: bindings that count only after the registrar's 2xx. */

#ifndef SIPROXD_REGISTRAR_H
#define SIPROXD_REGISTRAR_H

#include <osipparser2/osip_parser.h>

struct sip_origin;

void	 registrar_init(void);
void	 registrar_clear(void);
void	 registrar_local(const struct sip_origin *, osip_message_t *);
void	 registrar_request(const struct sip_origin *, osip_message_t *);
void	 registrar_response(osip_message_t *);
int	 registrar_expires(const osip_message_t *, const osip_contact_t *);

#endif /* SIPROXD_REGISTRAR_H */
