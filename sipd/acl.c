/* SPDX-License-Identifier: ISC */
/* hosts_allow_reg, hosts_allow_sip, hosts_deny_sip: the classic semantics. */

#include <sys/types.h>
#include <sys/socket.h>

#include <string.h>

#include "acl.h"
#include "child.h"
#include "conf.h"
#include "log.h"
#include "side.h"
#include "sipd.h"

/*
 * The deny list wins; a REGISTER needs hosts_allow_reg; anything else needs
 * hosts_allow_sip or hosts_allow_reg (allowed to register is allowed to
 * talk).  An empty list filters nothing.  With one interface for both
 * sides the allow lists say which side a sender is on instead (side_of):
 * the provider is outside them and must still reach us.
 */
int
acl_permit(const struct sip_origin *o, const osip_message_t *m)
{
	const struct siproxd_conf	*c = child->conf;
	const struct sockaddr		*sa = (const struct sockaddr *)&o->src;
	int				 reg, sip;

	if (!TAILQ_EMPTY(&c->hosts_deny_sip) &&
	    conf_acl_match(&c->hosts_deny_sip, sa)) {
		log_info("%s: denied by hosts_deny_sip", log_sa(sa));
		return (0);
	}
	reg = TAILQ_EMPTY(&c->hosts_allow_reg) ||
	    conf_acl_match(&c->hosts_allow_reg, sa);
	sip = TAILQ_EMPTY(&c->hosts_allow_sip) ||
	    conf_acl_match(&c->hosts_allow_sip, sa) ||
	    (!TAILQ_EMPTY(&c->hosts_allow_reg) &&
	    conf_acl_match(&c->hosts_allow_reg, sa));
	if (MSG_IS_REQUEST(m) && MSG_IS_REGISTER(m) && !reg) {
		log_info("%s: REGISTER not in hosts_allow_reg", log_sa(sa));
		return (0);
	}
	if (!sip && !side_one_interface()) {
		log_info("%s: not in hosts_allow_sip", log_sa(sa));
		return (0);
	}
	return (1);
}
