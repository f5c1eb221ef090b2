/* SPDX-License-Identifier: ISC */
/* plugin_logcall and log_calls: a log line at call start, answer and end. */

#include <sys/types.h>
#include <sys/socket.h>

#include <string.h>

#include "addr.h"
#include "log.h"
#include "mod.h"
#include "privacy.h"
#include "sipd.h"

static int
logcall_has_totag(const osip_message_t *m)
{
	osip_generic_param_t	*tag = NULL;

	osip_to_get_tag(m->to, &tag);
	return (tag != NULL);
}

/* What this message means for the call, or NULL: nothing to log. */
static const char *
logcall_event(const osip_message_t *m)
{
	if (MSG_IS_REQUEST(m)) {
		if (MSG_IS_INVITE(m) && !logcall_has_totag(m))
			return ("start");
		if (MSG_IS_BYE(m))
			return ("end (BYE)");
		if (MSG_IS_CANCEL(m))
			return ("end (CANCEL)");
		return (NULL);
	}
	if (m->cseq == NULL || m->cseq->method == NULL ||
	    strcmp(m->cseq->method, "INVITE") != 0)
		return (NULL);
	if (m->status_code >= 200 && m->status_code < 300)
		return ("answer");
	if (m->status_code >= 300)
		return ("refused");
	return (NULL);
}

static const char *
logcall_uri(const osip_uri_t *u, char *buf, size_t len)
{
	if (u == NULL)
		return ("-");
	snprintf(buf, len, "%s@%s", u->username != NULL ? u->username : "",
	    u->host != NULL ? u->host : "");
	return (mod_str(buf));
}

/*
 * Caller, callee, Call-ID, direction: the direction is the call's, so an
 * answer from the WAN is to an outgoing call.
 */
enum mod_verdict
logcall_run(void *cfg, struct mod_msg *mm)
{
	osip_message_t		*m = mm->m;
	const char		*ev;
	char			 a[600], b[600];
	int			 out;

	if ((ev = logcall_event(m)) == NULL)
		return (MOD_GO);
	/* the Call-ID and URIs as the caller wrote them, not as we sealed them */
	if (mm->side == ROLE_OUTBOUND)
		privacy_reveal(mm->m);
	out = MSG_IS_REQUEST(m) ? mm->side == ROLE_INBOUND :
	    mm->side == ROLE_OUTBOUND;
	if (MSG_IS_REQUEST(m))
		log_info("call %s, %s: %s -> %s, call-id %s, from %s", ev,
		    out ? "outgoing" : "incoming",
		    logcall_uri(m->from->url, a, sizeof(a)),
		    logcall_uri(m->to->url, b, sizeof(b)),
		    mod_str(m->call_id->number),
		    log_sa((const struct sockaddr *)&mm->from->src));
	else
		log_info("call %s %d, %s: %s -> %s, call-id %s, from %s", ev,
		    m->status_code, out ? "outgoing" : "incoming",
		    logcall_uri(m->from->url, a, sizeof(a)),
		    logcall_uri(m->to->url, b, sizeof(b)),
		    mod_str(m->call_id->number),
		    log_sa((const struct sockaddr *)&mm->from->src));
	return (MOD_GO);
}

const struct mod_def mod_logcall = {
	.name =		"logcall",
	.hooks =	MOD_BIT(MOD_PRE),
	.run =		logcall_run,
};
