/* SPDX-License-Identifier: ISC */
/* hosts_allow_reg, hosts_allow_sip, hosts_deny_sip: the classic semantics. */

#ifndef SIPROXD_ACL_H
#define SIPROXD_ACL_H

#include <osipparser2/osip_parser.h>

struct sip_origin;

int	 acl_permit(const struct sip_origin *, const osip_message_t *);

#endif /* SIPROXD_ACL_H */
