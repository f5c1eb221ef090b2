/* SPDX-License-Identifier: ISC */
/* sipd's libtls contexts, built from the files the parent hands over. */

#include <sys/types.h>

#include <stdlib.h>
#include <string.h>
#include <tls.h>

#include "child.h"
#include "conf.h"
#include "log.h"
#include "msg.h"
#include "tlsctx.h"

#define TLSCTX_MAXFILE	(4 * 1024 * 1024)	/* as the parent reads */

struct tlsctx_buf {
	uint8_t	*p;
	size_t	 len;
};

/* MSG_TLS_CERT, MSG_TLS_KEY, MSG_TLS_CA, MSG_HA_CA, as they arrive. */
static struct tlsctx_buf	 tlsctx_in[4];
static struct tls		*tlsctx_srv;	/* accepts: ours, both sides */
static struct tls_config	*tlsctx_cfg_wan; /* connects: verified */
static struct tls_config	*tlsctx_cfg_lan; /* connects to a phone */
static struct tls_config	*tlsctx_cfg_redis; /* connects to ha_redis */

static void	tlsctx_end_redis(void);

/* Before the chroot: OpenSSL reads what it needs now. */
void
tlsctx_init(void)
{
	if (tls_init() == -1)
		fatalx("tls_init");
}

/* A chunk, copied; the channel's buffer it arrived in is wiped. */
void
tlsctx_data(int type, void *p, size_t len)
{
	struct tlsctx_buf	*b;
	uint8_t			*n;

	b = &tlsctx_in[type == MSG_TLS_CERT ? 0 : type == MSG_TLS_KEY ? 1 :
	    type == MSG_TLS_CA ? 2 : 3];
	if (b->len + len > TLSCTX_MAXFILE)
		fatalx("tls file from the parent too large");
	if ((n = malloc(b->len + len)) == NULL)
		fatal("%s", __func__);
	if (b->p != NULL) {
		memcpy(n, b->p, b->len);
		freezero(b->p, b->len);
	}
	memcpy(n + b->len, p, len);
	explicit_bzero(p, len);
	b->p = n;
	b->len += len;
}

static void
tlsctx_clear_in(void)
{
	size_t	i;

	for (i = 0; i < 4; i++) {
		freezero(tlsctx_in[i].p, tlsctx_in[i].len);
		tlsctx_in[i].p = NULL;
		tlsctx_in[i].len = 0;
	}
}

/* The server's config: our certificate and key. */
static struct tls_config *
tlsctx_config(void)
{
	struct tls_config	*cfg;

	if ((cfg = tls_config_new()) == NULL)
		fatal("tls_config_new");
	if (tls_config_set_keypair_mem(cfg, tlsctx_in[0].p, tlsctx_in[0].len,
	    tlsctx_in[1].p, tlsctx_in[1].len) == -1) {
		log_warnx("tls_cert_file, tls_key_file: %s",
		    tls_config_error(cfg));
		tls_config_free(cfg);
		return (NULL);
	}
	return (cfg);
}

static struct tls_config *
tlsctx_client(int verify, const struct tlsctx_buf *ca, const char *key)
{
	struct tls_config	*cfg;

	/* No client certificate: providers identify us by digest. */
	if ((cfg = tls_config_new()) == NULL)
		fatal("tls_config_new");
	if (verify && tls_config_set_ca_mem(cfg, ca->p, ca->len) == -1) {
		log_warnx("%s: %s", key, tls_config_error(cfg));
		tls_config_free(cfg);
		return (NULL);
	}
	if (!verify) {
		tls_config_insecure_noverifycert(cfg);
		tls_config_insecure_noverifyname(cfg);
	}
	return (cfg);
}

static struct tls *
tlsctx_server(void)
{
	struct tls_config	*cfg;
	struct tls		*srv;

	if ((cfg = tlsctx_config()) == NULL)
		return (NULL);
	if ((srv = tls_server()) == NULL)
		fatal("tls_server");
	if (tls_configure(srv, cfg) == -1) {
		log_warnx("tls: %s", tls_error(srv));
		tls_free(srv);
		srv = NULL;
	}
	/* The SSL_CTX holds the key now; the config's copy goes. */
	tls_config_clear_keys(cfg);
	tls_config_free(cfg);
	return (srv);
}

static void
tlsctx_free(struct tls **srv, struct tls_config **wan,
    struct tls_config **lan)
{
	tls_free(*srv);
	tls_config_free(*wan);
	tls_config_free(*lan);
	*srv = NULL;
	*wan = *lan = NULL;
}

/*
 * All files are in (start, SIGHUP): new contexts for new connections;
 * those open keep the session they have (a context in use is reference
 * counted by libtls and OpenSSL).  Files that do not load leave the
 * running contexts in place.
 */
void
tlsctx_end(void)
{
	struct tls		*srv = NULL;
	struct tls_config	*wan = NULL, *lan = NULL;

	tlsctx_end_redis();
	if (tlsctx_in[0].len == 0) {
		if (tlsctx_srv != NULL)
			log_info("tls: off");
		tlsctx_free(&tlsctx_srv, &tlsctx_cfg_wan, &tlsctx_cfg_lan);
		tlsctx_clear_in();
		return;
	}
	if ((srv = tlsctx_server()) == NULL ||
	    (wan = tlsctx_client(child->conf->tls_verify, &tlsctx_in[2],
	    "tls_ca_file")) == NULL ||
	    (lan = tlsctx_client(0, &tlsctx_in[2], NULL)) == NULL) {
		log_warnx("tls: keeping the certificate in use");
		tlsctx_free(&srv, &wan, &lan);
		tlsctx_clear_in();
		return;
	}
	tlsctx_clear_in();
	tlsctx_free(&tlsctx_srv, &tlsctx_cfg_wan, &tlsctx_cfg_lan);
	tlsctx_srv = srv;
	tlsctx_cfg_wan = wan;
	tlsctx_cfg_lan = lan;
	log_info("tls: certificate loaded%s", child->conf->tls_verify ? "" :
	    "; provider certificates are not checked (tls_verify = 0)");
}

/*
 * Redis over TLS (ha_redis_tls): always verified, against its own CA
 * bundle; a bundle that does not load keeps the one in use.
 */
static void
tlsctx_end_redis(void)
{
	struct tls_config	*cfg;

	if (tlsctx_in[3].len == 0) {
		tls_config_free(tlsctx_cfg_redis);
		tlsctx_cfg_redis = NULL;
		return;
	}
	if ((cfg = tlsctx_client(1, &tlsctx_in[3], "ha_redis_ca_file")) ==
	    NULL) {
		log_warnx("tls: keeping the redis CA in use");
		return;
	}
	tls_config_free(tlsctx_cfg_redis);
	tlsctx_cfg_redis = cfg;
}

/*
 * A client context for the connection to Redis, whose certificate must
 * name host; NULL with *why.
 */
struct tls *
tlsctx_redis(const char *host, tls_read_cb rcb, tls_write_cb wcb, void *arg,
    const char **why)
{
	struct tls	*c;

	if (tlsctx_cfg_redis == NULL) {
		*why = "no CA for redis loaded";
		return (NULL);
	}
	if ((c = tls_client()) == NULL)
		fatal("tls_client");
	if (tls_configure(c, tlsctx_cfg_redis) == -1 ||
	    tls_connect_cbs(c, rcb, wcb, arg, host) == -1) {
		*why = "cannot set up tls";
		log_warnx("tls: redis: %s", tls_error(c));
		tls_free(c);
		return (NULL);
	}
	return (c);
}

int
tlsctx_on(void)
{
	return (tlsctx_srv != NULL);
}

/* A server context for an accepted connection; NULL with *why. */
struct tls *
tlsctx_accept(tls_read_cb rcb, tls_write_cb wcb, void *arg, const char **why)
{
	struct tls	*c;

	if (tlsctx_srv == NULL) {
		*why = "no certificate loaded";
		return (NULL);
	}
	if (tls_accept_cbs(tlsctx_srv, &c, rcb, wcb, arg) == -1) {
		*why = tls_error(tlsctx_srv);
		return (NULL);
	}
	return (c);
}

/*
 * A client context on a connected socket.  Towards the provider the
 * certificate is checked against the CA file and name (RFC 5922 §7.2);
 * a phone on the LAN has no certificate to check.
 */
struct tls *
tlsctx_connect(int role, const char *name, tls_read_cb rcb, tls_write_cb wcb,
    void *arg, const char **why)
{
	struct tls	*c;

	*why = NULL;
	if (tlsctx_srv == NULL) {
		*why = "no certificate loaded";
		return (NULL);
	}
	if ((c = tls_client()) == NULL)
		fatal("tls_client");
	if (tls_configure(c, role == ROLE_OUTBOUND ? tlsctx_cfg_wan :
	    tlsctx_cfg_lan) == -1 ||
	    tls_connect_cbs(c, rcb, wcb, arg, name) == -1) {
		*why = tls_error(c);
		log_warnx("tls: %s", *why != NULL ? *why : "connect failed");
		*why = "cannot set up tls";
		tls_free(c);
		return (NULL);
	}
	return (c);
}
