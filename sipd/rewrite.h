/* SPDX-License-Identifier: ISC */
/* Header and body rewriting on the way through. */

#ifndef SIPROXD_REWRITE_H
#define SIPROXD_REWRITE_H

#include <osipparser2/osip_parser.h>

struct sipx;

void	 rewrite_via_param(osip_via_t *, const char *, const char *);
uint64_t rewrite_loop_hash(osip_message_t *);
int	 rewrite_loop_check(osip_message_t *, uint64_t);
int	 body_is_sdp(const osip_message_t *);
void	 rewrite_set_body(osip_message_t *, const char *, size_t);
void	 uri_set(char **, const char *);
int	 host_is_private(const char *);
void	 rewrite_mask(osip_message_t *, int);
int	 rewrite_pop_via(osip_message_t *, int *);
int	 rewrite_request(struct sipx *, int);
int	 rewrite_response(struct sipx *, int);
int	 rewrite_sdp_finish(struct sipx *);

#endif /* SIPROXD_REWRITE_H */
