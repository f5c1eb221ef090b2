/* SPDX-License-Identifier: ISC */
/* Rules of POSIX regular expressions and their replacements, as the classic. */

#include <sys/types.h>

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "mod.h"

#define RX_NSUB		10		/* \0 .. \9 */
#define RX_MAXOUT	(64 * 1024)	/* a result longer is refused */

/*
 * desc, pattern and replace lines go in threes, by order; a pattern is
 * compiled as it is read (REG_EXTENDED | REG_ICASE, as the classic), so
 * a bad one is reported at its line.
 */
int
mod_rx_desc(void *cfg, const char *val, char *err, size_t errlen)
{
	struct mod_rx	*rx = cfg;

	mod_strs_add(&rx->desc, val);
	return (0);
}

int
mod_rx_pattern(void *cfg, const char *val, char *err, size_t errlen)
{
	struct mod_rx	*rx = cfg;
	regex_t		*re;
	int		 rc;

	if ((re = reallocarray(rx->re, rx->pat.n + 1, sizeof(*re))) == NULL)
		fatal("%s", __func__);
	rx->re = re;
	if ((rc = regcomp(&re[rx->pat.n], val, REG_EXTENDED | REG_ICASE)) !=
	    0) {
		regerror(rc, &re[rx->pat.n], err, errlen);
		regfree(&re[rx->pat.n]);
		return (-1);
	}
	mod_strs_add(&rx->pat, val);
	return (0);
}

int
mod_rx_replace(void *cfg, const char *val, char *err, size_t errlen)
{
	struct mod_rx	*rx = cfg;

	mod_strs_add(&rx->rep, val);
	return (0);
}

int
mod_rx_check(void *cfg, char *err, size_t errlen)
{
	const struct mod_rx	*rx = cfg;

	if (rx->pat.n != rx->rep.n || rx->pat.n != rx->desc.n) {
		snprintf(err, errlen, "its three keys go in threes, and there "
		    "are %zu, %zu and %zu lines", rx->desc.n, rx->pat.n,
		    rx->rep.n);
		return (-1);
	}
	return (0);
}

/* Does pattern i match s (NULL never does)? */
int
mod_rx_match(const struct mod_rx *rx, size_t i, const char *s)
{
	const regex_t	*re = (const regex_t *)rx->re + i;

	return (s != NULL && regexec(re, s, 0, NULL, 0) == 0);
}

void
mod_rx_free(void *cfg)
{
	struct mod_rx	*rx = cfg;
	regex_t		*re = rx->re;
	size_t		 i;

	for (i = 0; i < rx->pat.n; i++)
		regfree(&re[i]);
	free(re);
	mod_strs_free(&rx->desc);
	mod_strs_free(&rx->pat);
	mod_strs_free(&rx->rep);
}

/* The replacement for one match: \1 .. \9 are what the groups matched. */
static void
rx_expand(struct mod_buf *b, const char *rep, const char *p,
    const regmatch_t *pm)
{
	const char	*r;
	int		 d;

	for (r = rep; *r != '\0'; r++) {
		if (r[0] == '\\' && r[1] >= '1' && r[1] <= '9') {
			d = r[1] - '0';
			if (pm[d].rm_so != -1)
				mod_put(b, p + pm[d].rm_so,
				    pm[d].rm_eo - pm[d].rm_so);
			r++;
		} else
			mod_put(b, r, 1);
	}
}

/*
 * Rule i applied to in: every match replaced when all is set or the
 * pattern has no group, else the first only (the classic's rule).  The
 * number of matches replaced, and *out (malloc'd) when above 0; -1 when
 * the result would be too long.
 */
int
mod_rx_sub(const struct mod_rx *rx, size_t i, const char *in, int all,
    char **out)
{
	const regex_t	*re = (const regex_t *)rx->re + i;
	struct mod_buf	 b = { NULL, 0, 0 };
	regmatch_t	 pm[RX_NSUB];
	const char	*p = in;
	int		 n = 0, eflags = 0;

	if (re->re_nsub > 0)
		all = 0;
	while (*p != '\0' || n == 0) {
		if (regexec(re, p, RX_NSUB, pm, eflags) != 0)
			break;
		mod_put(&b, p, pm[0].rm_so);
		rx_expand(&b, rx->rep.v[i], p, pm);
		n++;
		if (b.len > RX_MAXOUT) {
			free(b.s);
			return (-1);
		}
		/* an empty match moves on by one character */
		if (pm[0].rm_eo == pm[0].rm_so && p[pm[0].rm_eo] != '\0')
			mod_put(&b, p + pm[0].rm_eo, 1);
		p += pm[0].rm_eo + (pm[0].rm_eo == pm[0].rm_so &&
		    p[pm[0].rm_eo] != '\0');
		eflags = REG_NOTBOL;
		if (!all || (*p == '\0' && pm[0].rm_eo == pm[0].rm_so))
			break;
	}
	if (n == 0)
		return (0);
	mod_put(&b, p, strlen(p));
	*out = b.s;
	return (n);
}
