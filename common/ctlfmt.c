/* SPDX-License-Identifier: ISC */
/* siproxctl's answers: tab-separated vis(3) lines as a table or as JSON. */

#include <sys/types.h>
#include <sys/queue.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vis.h>

#include "ctlfmt.h"
#include "log.h"

#ifndef VIS_NOLOCALE
#define VIS_NOLOCALE	0		/* OpenBSD's vis(3) ignores the locale */
#endif
/* Unlike the daemon's VIS_SAFE, this also encodes CR, BS and BEL. */
#define CTL_SHOW_VIS	(VIS_OCTAL | VIS_TAB | VIS_NL | VIS_NOLOCALE)
#define CTL_COLSEP	2		/* spaces between table columns */

void
ctl_answer_init(struct ctl_answer *a)
{
	memset(a, 0, sizeof(*a));
	TAILQ_INIT(&a->rows);
}

/* Append a DATA chunk: chunks may split lines anywhere. */
int
ctl_answer_add(struct ctl_answer *a, const void *p, size_t len)
{
	if (len > CTL_ANSWER_MAX - a->data.len)
		return (-1);
	buf_add(&a->data, p, len);
	return (0);
}

/*
 * The length of the valid UTF-8 sequence at p (RFC 3629 §4: no overlong
 * forms, no surrogates, nothing above U+10FFFF), or 0.
 */
size_t
ctl_utf8_len(const unsigned char *p, size_t n)
{
	unsigned char	lo = 0x80, hi = 0xbf;
	size_t		len, i;

	if (n == 0)
		return (0);
	if (p[0] < 0x80)
		return (1);
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		len = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		len = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		len = 4;
	else
		return (0);
	if (p[0] == 0xe0)
		lo = 0xa0;
	else if (p[0] == 0xed)
		hi = 0x9f;
	else if (p[0] == 0xf0)
		lo = 0x90;
	else if (p[0] == 0xf4)
		hi = 0x8f;
	if (n < len || p[1] < lo || p[1] > hi)
		return (0);
	for (i = 2; i < len; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return (0);
	return (len);
}

/* Printable ASCII and UTF-8 past the C1 controls: safe on a terminal. */
static int
displayable(const char *s, size_t len, size_t *width)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i = 0, n;

	*width = 0;
	while (i < len) {
		if (p[i] >= 0x20 && p[i] < 0x7f)
			n = 1;
		else if (p[i] < 0x80 ||
		    (n = ctl_utf8_len(p + i, len - i)) == 0 ||
		    (p[i] == 0xc2 && p[i + 1] < 0xa0))
			return (0);
		i += n;
		(*width)++;
	}
	return (1);
}

/* unvis(3) over len bytes, NULs included; -1 on a bad escape. */
static int
unvis_buf(char *dst, size_t *dlen, const char *src, size_t len)
{
	size_t	i = 0, n = 0;
	int	state = 0, r;
	char	c;

	while (i < len) {
		r = unvis(&c, (unsigned char)src[i], &state, 0);
		if (r == UNVIS_SYNBAD || r < 0)
			return (-1);
		if (r == UNVIS_VALID || r == UNVIS_VALIDPUSH) {
			if (n >= len)
				return (-1);
			dst[n++] = c;
		}
		if (r != UNVIS_VALIDPUSH)
			i++;
	}
	r = unvis(&c, '\0', &state, UNVIS_END);
	if (r == UNVIS_VALID && n < len)
		dst[n++] = c;
	else if (r != UNVIS_NOCHAR)
		return (-1);
	*dlen = n;
	return (0);
}

/* Decode a field; one with a bad escape is taken as it came. */
static void
field_decode(struct ctl_field *f, const char *p, size_t len)
{
	if ((f->val = malloc(len + 1)) == NULL)
		fatal("%s", __func__);
	if (unvis_buf(f->val, &f->len, p, len) == -1) {
		memcpy(f->val, p, len);
		f->len = len;
	}
	f->val[f->len] = '\0';
	if (displayable(f->val, f->len, &f->width)) {
		f->show = f->val;
		return;
	}
	if ((f->show = reallocarray(NULL, f->len + 1, 4)) == NULL)
		fatal("%s", __func__);
	strvisx(f->show, f->val, f->len, CTL_SHOW_VIS);
	f->width = strlen(f->show);
}

static size_t
count_fields(const char *p, size_t len)
{
	const char	*end = p + len;
	size_t		 n = 1;

	while ((p = memchr(p, '\t', end - p)) != NULL) {
		n++;
		p++;
	}
	return (n);
}

/* One line into nfields fields: missing ones empty, extra ones ignored. */
static struct ctl_row *
row_new(size_t nfields, const char *p, size_t len)
{
	struct ctl_row	*r;
	const char	*tab;
	size_t		 i, n;

	if ((r = calloc(1, sizeof(*r))) == NULL ||
	    (r->fields = calloc(nfields, sizeof(*r->fields))) == NULL)
		fatal("%s", __func__);
	for (i = 0; i < nfields; i++) {
		tab = len > 0 ? memchr(p, '\t', len) : NULL;
		n = tab != NULL ? (size_t)(tab - p) : len;
		field_decode(&r->fields[i], p, n);
		if (tab == NULL) {
			p += len;
			len = 0;
		} else {
			p = tab + 1;
			len -= n + 1;
		}
	}
	return (r);
}

static void
row_free(struct ctl_row *r, size_t nfields)
{
	size_t	i;

	if (r == NULL)
		return;
	for (i = 0; i < nfields; i++) {
		if (r->fields[i].show != r->fields[i].val)
			free(r->fields[i].show);
		free(r->fields[i].val);
	}
	free(r->fields);
	free(r);
}

/*
 * Split what came into lines and fields.  The first line names the
 * fields; a later line identical to it (the next process's header in a
 * stats answer) and empty lines are skipped.
 */
void
ctl_answer_parse(struct ctl_answer *a)
{
	struct ctl_row	*r;
	const char	*nl, *hdr = NULL;
	size_t		 off = 0, n, hdrlen = 0;

	while (off < a->data.len) {
		nl = memchr(a->data.p + off, '\n', a->data.len - off);
		n = nl != NULL ? (size_t)(nl - (a->data.p + off)) :
		    a->data.len - off;
		if (n > 0 && hdr == NULL) {
			hdr = a->data.p + off;
			hdrlen = n;
			a->nfields = count_fields(hdr, hdrlen);
			a->header = row_new(a->nfields, hdr, hdrlen);
		} else if (n > 0 &&
		    (n != hdrlen || memcmp(a->data.p + off, hdr, n) != 0)) {
			r = row_new(a->nfields, a->data.p + off, n);
			TAILQ_INSERT_TAIL(&a->rows, r, entry);
			a->nrows++;
		}
		off += n + 1;
	}
}

void
ctl_answer_free(struct ctl_answer *a)
{
	struct ctl_row	*r;

	while ((r = TAILQ_FIRST(&a->rows)) != NULL) {
		TAILQ_REMOVE(&a->rows, r, entry);
		row_free(r, a->nfields);
	}
	row_free(a->header, a->nfields);
	buf_free(&a->data);
	ctl_answer_init(a);
}

static void
print_cell(FILE *fp, const char *s, int upper)
{
	for (; *s != '\0'; s++)
		putc(upper && *s >= 'a' && *s <= 'z' ? *s - 'a' + 'A' : *s,
		    fp);
}

/* Padding is written only before a non-empty cell: no trailing blanks. */
static void
print_row(FILE *fp, const struct ctl_row *r, const size_t *w, size_t n,
    int upper)
{
	const struct ctl_field	*f;
	size_t			 i, pad = 0;

	for (i = 0; i < n; i++) {
		f = &r->fields[i];
		if (f->width > 0) {
			for (; pad > 0; pad--)
				putc(' ', fp);
			print_cell(fp, f->show, upper);
		}
		pad += w[i] - f->width + CTL_COLSEP;
	}
	putc('\n', fp);
}

/* Aligned columns under an upper-case header; nothing for no answer. */
int
ctl_print_table(FILE *fp, const struct ctl_answer *a)
{
	const struct ctl_row	*r;
	size_t			*w, i;

	if (a->header == NULL)
		return (ferror(fp) ? -1 : 0);
	if ((w = reallocarray(NULL, a->nfields, sizeof(*w))) == NULL)
		fatal("%s", __func__);
	for (i = 0; i < a->nfields; i++)
		w[i] = a->header->fields[i].width;
	TAILQ_FOREACH(r, &a->rows, entry)
		for (i = 0; i < a->nfields; i++)
			if (r->fields[i].width > w[i])
				w[i] = r->fields[i].width;
	print_row(fp, a->header, w, a->nfields, 1);
	TAILQ_FOREACH(r, &a->rows, entry)
		print_row(fp, r, w, a->nfields, 0);
	free(w);
	return (ferror(fp) ? -1 : 0);
}

/* RFC 8259 §7; a byte that is not part of valid UTF-8 becomes U+00XX. */
static void
json_string(FILE *fp, const struct ctl_field *f)
{
	const unsigned char	*p = (const unsigned char *)f->val;
	size_t			 i = 0, n;

	putc('"', fp);
	while (i < f->len) {
		n = 1;
		if (p[i] == '"' || p[i] == '\\')
			fprintf(fp, "\\%c", p[i]);
		else if (p[i] == '\n')
			fputs("\\n", fp);
		else if (p[i] == '\t')
			fputs("\\t", fp);
		else if (p[i] == '\r')
			fputs("\\r", fp);
		else if (p[i] >= 0x20 && p[i] < 0x7f)
			putc(p[i], fp);
		else if (p[i] >= 0x80 &&
		    (n = ctl_utf8_len(p + i, f->len - i)) > 0)
			fwrite(p + i, 1, n, fp);
		else {
			fprintf(fp, "\\u%04x", p[i]);
			n = 1;
		}
		i += n;
	}
	putc('"', fp);
}

/* An array of objects, one a line, keyed by the header's field names. */
int
ctl_print_json(FILE *fp, const struct ctl_answer *a)
{
	const struct ctl_row	*r;
	size_t			 i;

	if (TAILQ_EMPTY(&a->rows)) {
		fputs("[]\n", fp);
		return (ferror(fp) ? -1 : 0);
	}
	fputs("[\n", fp);
	TAILQ_FOREACH(r, &a->rows, entry) {
		putc('{', fp);
		for (i = 0; i < a->nfields; i++) {
			if (i > 0)
				fputs(", ", fp);
			json_string(fp, &a->header->fields[i]);
			fputs(": ", fp);
			json_string(fp, &r->fields[i]);
		}
		fputs(TAILQ_NEXT(r, entry) != NULL ? "},\n" : "}\n", fp);
	}
	fputs("]\n", fp);
	return (ferror(fp) ? -1 : 0);
}
