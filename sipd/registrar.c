/* SPDX-License-Identifier: ISC */
/* REGISTER on its way through: a binding enters the table (regtable.c) only */
/* after the registrar's 2xx. */

#include <sys/types.h>
#include <sys/socket.h>

#include <event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "child.h"
#include "conf.h"
#include "log.h"
#include "mono.h"
#include "regtable.h"
#include "privacy.h"
#include "registrar.h"
#include "reply.h"
#include "side.h"
#include "sipd.h"
#include "sipmsg.h"
#include "uri.h"
#include "wire.h"

#define REGTX_LIFE	64	/* seconds: 64*T1, RFC 3261 §17.1.2.2 */
#define EXPIRES_MAX	(366 * 86400)

/* A REGISTER sent upstream, until its final response. */
struct regtx {
	TAILQ_ENTRY(regtx)	 entry;
	char			*callid;
	char			*cseq;
	char			*aor;
	struct sockaddr_storage	 src;		/* the phone, as it sent it */
	int			 transport;
	char			*ua;
	int			 wildcard;
	size_t			 n;
	char			**contact;
	int			*expires;
	time_t			 born;
};
static TAILQ_HEAD(, regtx)	regtxs = TAILQ_HEAD_INITIALIZER(regtxs);
static struct event		*tick_ev;

static void
regtx_free(struct regtx *t)
{
	size_t	i;

	TAILQ_REMOVE(&regtxs, t, entry);
	for (i = 0; i < t->n; i++)
		free(t->contact[i]);
	free(t->contact);
	free(t->expires);
	free(t->callid);
	free(t->cseq);
	free(t->aor);
	free(t->ua);
	free(t);
}

static char *
callid_str(const osip_message_t *m)
{
	char	*s;

	if (osip_call_id_to_str(m->call_id, &s) != 0)
		return (NULL);
	return (s);
}

static struct regtx *
regtx_find(const osip_message_t *m)
{
	struct regtx	*t;
	char		*cid;

	if ((cid = callid_str(m)) == NULL)
		return (NULL);
	TAILQ_FOREACH(t, &regtxs, entry)
		if (strcmp(t->callid, cid) == 0 &&
		    strcmp(t->cseq, m->cseq->number) == 0)
			break;
	osip_free(cid);
	return (t);
}

/* A refusal, or no final answer: the bindings never confirmed go. */
static void
regtx_fail(struct regtx *t)
{
	struct reg_binding	*b;
	size_t			 i;

	for (i = 0; i < t->n; i++)
		if ((b = reg_lookup(t->aor, t->contact[i])) != NULL &&
		    b->pending)
			reg_remove(b);
	regtx_free(t);
}

static void
expired(struct reg_binding *b, void *arg)
{
	log_info("registration of %s expired", log_wire(b->aor,
	    strlen(b->aor)));
}

static void
registrar_tick(int fd, short ev, void *arg)
{
	struct regtx	*t, *next;
	time_t		 now = mono_now();

	if (reg_expire(now, expired, NULL) > 0)
		regsave_dirty();
	TAILQ_FOREACH_SAFE(t, &regtxs, entry, next)
		if (now - t->born > REGTX_LIFE)
			regtx_fail(t);
}

void
registrar_init(void)
{
	struct timeval	tv = { 1, 0 };

	tick_ev = event_new(child->base, -1, EV_PERSIST, registrar_tick, NULL);
	if (tick_ev == NULL || event_add(tick_ev, &tv) == -1)
		fatalx("event_add");
}

/* Forget every REGISTER in flight; its unconfirmed bindings go too. */
void
registrar_clear(void)
{
	struct regtx	*t;

	while ((t = TAILQ_FIRST(&regtxs)) != NULL)
		regtx_fail(t);
}

/* RFC 3261 §10.2.1.1: the contact's expires, else Expires, else default. */
int
registrar_expires(const osip_message_t *m, const osip_contact_t *c)
{
	osip_generic_param_t	*p = NULL;
	osip_header_t		*h = NULL;
	const char		*errstr, *v = NULL;
	long long		 e;

	if (c != NULL)
		osip_contact_param_get_byname((osip_contact_t *)c, "expires",
		    &p);
	if (p != NULL && p->gvalue != NULL)
		v = p->gvalue;
	else if (osip_message_get_expires(m, 0, &h) >= 0 && h != NULL)
		v = h->hvalue;
	if (v == NULL)
		return (child->conf->default_expires);
	/* RFC 3261 §20.19: a value too large to hold is the largest we allow. */
	e = strtonum(v, 0, 0xffffffffLL, &errstr);
	if (errstr != NULL)
		return (strspn(v, "0123456789") == strlen(v) && *v != '\0' ?
		    EXPIRES_MAX : child->conf->default_expires);
	return (e > EXPIRES_MAX ? EXPIRES_MAX : (int)e);
}

static int
is_wildcard(const osip_contact_t *c)
{
	return (c->url == NULL && c->displayname != NULL &&
	    strcmp(c->displayname, "*") == 0);
}

static int
contact_sip(const osip_contact_t *c)
{
	return (c->url != NULL && c->url->host != NULL &&
	    c->url->scheme != NULL && (strcasecmp(c->url->scheme, "sip") == 0 ||
	    strcasecmp(c->url->scheme, "sips") == 0));
}

static const char *
user_agent(const osip_message_t *m)
{
	osip_header_t	*h = NULL;

	if (osip_message_get_user_agent(m, 0, &h) >= 0 && h != NULL)
		return (h->hvalue);
	return (NULL);
}

static void
regtx_add_contact(struct regtx *t, const char *cs, int exp)
{
	t->contact = reallocarray(t->contact, t->n + 1, sizeof(char *));
	t->expires = reallocarray(t->expires, t->n + 1, sizeof(int));
	if (t->contact == NULL || t->expires == NULL ||
	    (t->contact[t->n] = strdup(cs)) == NULL)
		fatal("%s", __func__);
	t->expires[t->n++] = exp;
}

/*
 * A REGISTER from a LAN phone on its way to the registrar.  New bindings
 * wait, pending, for the 2xx; a refresh leaves the live binding alone.
 */
void
registrar_request(const struct sip_origin *o, osip_message_t *m)
{
	struct regtx	*t;
	osip_contact_t	*c;
	char		*cs, *cid;
	int		 i, exp, tr;

	if ((cid = callid_str(m)) == NULL)
		return;
	if ((t = regtx_find(m)) != NULL)	/* a retransmission */
		regtx_free(t);
	if ((t = calloc(1, sizeof(*t))) == NULL ||
	    (t->cseq = strdup(m->cseq->number)) == NULL ||
	    (t->callid = strdup(cid)) == NULL)
		fatal("%s", __func__);
	osip_free(cid);
	t->aor = uri_aor(m->to->url);
	t->born = mono_now();
	tr = o->transport;
	t->src = o->src;
	t->transport = tr;
	if (user_agent(m) != NULL && (t->ua = strdup(user_agent(m))) == NULL)
		fatal("%s", __func__);
	TAILQ_INSERT_TAIL(&regtxs, t, entry);
	for (i = 0; (c = osip_list_get(&m->contacts, i)) != NULL; i++) {
		if (is_wildcard(c)) {
			t->wildcard = 1;
			continue;
		}
		if (!contact_sip(c) || t->aor == NULL ||
		    (cs = uri_str(c->url)) == NULL)
			continue;
		exp = registrar_expires(m, c);
		if (reg_add(t->aor, cs, (const struct sockaddr *)&o->src, tr,
		    user_agent(m), mono_now() + exp, 1) != NULL)
			regtx_add_contact(t, cs, exp);
		osip_free(cs);
	}
}

/* What the registrar granted a binding: -1 if its Contact is not listed. */
static int
granted(osip_message_t *m, const struct reg_binding *b)
{
	osip_contact_t	*c;
	int		 i;

	for (i = 0; (c = osip_list_get(&m->contacts, i)) != NULL; i++)
		if (contact_sip(c) && side_uri_is_ours(c->url) &&
		    c->url->username != NULL &&
		    strcmp(c->url->username, b->masq_user) == 0)
			return (registrar_expires(m, c));
	return (-1);
}

/* The phone sees its own Contacts in the answer, not our masquerade. */
static void
contacts_restore(osip_message_t *m)
{
	struct reg_binding	*b;
	osip_contact_t		*c;
	osip_uri_t		*u;
	int			 i;

	for (i = 0; (c = osip_list_get(&m->contacts, i)) != NULL; i++) {
		if (!contact_sip(c) || !side_uri_is_ours(c->url) ||
		    c->url->username == NULL ||
		    (b = reg_lookup_masq(c->url->username)) == NULL)
			continue;
		if (osip_uri_init(&u) != 0 || osip_uri_parse(u, b->contact) != 0) {
			osip_uri_free(u);
			continue;
		}
		osip_uri_free(c->url);
		c->url = u;
	}
}

static void
regtx_apply(struct regtx *t, osip_message_t *m)
{
	struct reg_binding	*b;
	size_t			 i;
	int			 g, listed = osip_list_size(&m->contacts) > 0;
	int			*give;

	if ((give = calloc(t->n + 1, sizeof(int))) == NULL)
		fatal("%s", __func__);
	for (i = 0; i < t->n; i++) {
		give[i] = -1;
		if ((b = reg_lookup(t->aor, t->contact[i])) == NULL)
			continue;
		/* RFC 3261 §10.3 step 8: the 2xx lists what the registrar
		 * keeps; one that lists nothing at all we take at its word. */
		if ((g = granted(m, b)) == -1)
			g = listed ? 0 : t->expires[i];
		give[i] = g;
	}
	contacts_restore(m);
	for (i = 0; i < t->n; i++) {
		if (give[i] == -1 ||
		    (b = reg_lookup(t->aor, t->contact[i])) == NULL)
			continue;
		if (give[i] == 0) {
			log_info("%s unregistered", log_wire(t->aor,
			    strlen(t->aor)));
			reg_remove(b);
		} else {
			if (b->pending)
				log_info("%s registered for %d s",
				    log_wire(t->aor, strlen(t->aor)), give[i]);
			reg_set_source(b, (struct sockaddr *)&t->src,
			    t->transport, t->ua);
			b->pending = 0;
			b->expires = mono_now() + give[i];
		}
	}
	if (t->wildcard)
		reg_remove_aor(t->aor);
	free(give);
	regsave_dirty();
}

/* A response to a REGISTER we forwarded, on its way back to the phone. */
void
registrar_response(osip_message_t *m)
{
	struct regtx		*t;

	privacy_reveal(m);
	if (m->status_code < 200)
		return;
	if ((t = regtx_find(m)) == NULL || t->aor == NULL) {
		contacts_restore(m);
		return;
	}
	if (m->status_code >= 300) {
		contacts_restore(m);
		regtx_fail(t);
		return;
	}
	regtx_apply(t, m);
	regtx_free(t);
}

static void
local_reply(const struct sip_origin *o, osip_message_t *m, const char *aor)
{
	struct reg_binding	*b;
	osip_message_t		*r;
	char			*out, *s;
	size_t			 len;
	time_t			 now = mono_now();

	if (reply_build(NULL, 0, m, 200, NULL, &out, &len) == -1)
		return;
	if (osip_message_init(&r) != 0 || osip_message_parse(r, out, len) != 0) {
		osip_message_free(r);
		free(out);
		return;
	}
	free(out);
	for (b = reg_first_aor(aor); b != NULL; b = reg_next_aor(b)) {
		if (asprintf(&s, "<%s>;expires=%lld", b->contact,
		    (long long)(b->expires - now)) == -1)
			fatal("%s", __func__);
		osip_message_set_contact(r, s);
		free(s);
	}
	if (wire_format(r, &out, &len) == 0) {
		wire_send(o->transport, o->role,
		    (const struct sockaddr *)&o->src, o->conn, out, len);
		osip_free(out);
	}
	osip_message_free(r);
}

/*
 * A REGISTER addressed to siproxd itself: with no registrar for the domain
 * we keep the binding ourselves, as the classic siproxd does.
 */
void
registrar_local(const struct sip_origin *o, osip_message_t *m)
{
	struct reg_binding	*b;
	osip_contact_t		*c;
	char			*aor, *cs;
	int			 i, exp, tr;

	if ((aor = uri_aor(m->to->url)) == NULL) {
		reply_send(o, NULL, 0, m, 400, NULL);
		osip_message_free(m);
		return;
	}
	tr = o->transport;
	for (i = 0; (c = osip_list_get(&m->contacts, i)) != NULL; i++) {
		if (is_wildcard(c)) {
			if (registrar_expires(m, NULL) == 0)
				reg_remove_aor(aor);
			continue;
		}
		if (!contact_sip(c) || (cs = uri_str(c->url)) == NULL)
			continue;
		exp = registrar_expires(m, c);
		if (exp == 0) {
			if ((b = reg_lookup(aor, cs)) != NULL)
				reg_remove(b);
		} else
			reg_add(aor, cs, (const struct sockaddr *)&o->src, tr,
			    user_agent(m), mono_now() + exp, 0);
		osip_free(cs);
	}
	regsave_dirty();
	local_reply(o, m, aor);
	free(aor);
	osip_message_free(m);
}
