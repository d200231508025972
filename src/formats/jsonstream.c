// SPDX-License-Identifier: ISC
/* jsonstream.c: one JSON record at a time (see jsonstream.h). */
#include "nktrace/jsonstream.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define NONE (-2)

void nkt_jstream_init(struct nkt_jstream *s, FILE *f)
{
	memset(s, 0, sizeof(*s));
	s->f = f;
	s->pending = NONE;
	s->line = 1;
	s->col0 = 1;
}

void nkt_jstream_free(struct nkt_jstream *s)
{
	free(s->rec);
	s->rec = NULL;
	s->len = s->cap = 0;
}

static int peek(struct nkt_jstream *s)
{
	if (s->pending == NONE)
		s->pending = getc_unlocked(s->f);
	return s->pending;
}

static int next(struct nkt_jstream *s)
{
	int c = peek(s);
	s->pending = NONE;
	if (c == EOF)
		return EOF;
	s->offset++;
	s->col0 = c == '\n';
	if (c == '\n')
		s->line++;
	return c;
}

static void skip_space(struct nkt_jstream *s)
{
	int c;
	while ((c = peek(s)) != EOF && isspace(c))
		next(s);
}

/* Skip to the end of the line (after stray text). */
static void skip_line(struct nkt_jstream *s)
{
	int c;
	while ((c = next(s)) != EOF && c != '\n')
		;
}

static void keep(struct nkt_jstream *s, int c)
{
	if (s->len == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 4096;
		s->rec = nkt_xrealloc(s->rec, s->cap);
	}
	s->rec[s->len++] = (char)c;
}

static int read_error(struct nkt_jstream *s, struct nkt_err *err)
{
	s->done = 1;
	return nkt_err_set(err, NKT_ESYS, "read error: %s", strerror(errno));
}

/*
 * Read one value starting at an opening bracket.  Returns 1 (complete),
 * 0 (cut short: at a new record or the end of input) or NKT_ESYS.
 * A value larger than the limit is read to its end but not kept.
 */
static int read_value(struct nkt_jstream *s, int *too_big,
		      struct nkt_err *err)
{
	/* 64 bits: gigabytes of '[' do not overflow it */
	long long depth = 0;
	int in_str = 0, esc = 0, c;

	s->len = 0;
	*too_big = 0;
	for (;;) {
		if (depth > 0 && !in_str && s->mode == 2 && s->col0 &&
		    peek(s) == '{')
			return 0; /* a new record: this one was cut short */
		c = next(s);
		if (c == EOF)
			return ferror(s->f) ? read_error(s, err) : 0;
		if (s->len < NKT_JSTREAM_MAX_RECORD)
			keep(s, c);
		else
			*too_big = 1;
		if (in_str) {
			/* A raw newline cannot be in a JSON string: in a
			 * record stream the record was cut there. */
			if (c == '\n' && s->mode == 2)
				return 0;
			if (esc)
				esc = 0;
			else if (c == '\\')
				esc = 1;
			else if (c == '"')
				in_str = 0;
			continue;
		}
		if (c == '"')
			in_str = 1;
		else if (c == '{' || c == '[')
			depth++;
		else if (c == '}' || c == ']') {
			if (--depth == 0)
				return 1;
		}
	}
}

/* Kept whole: a small state machine (array or record stream; expecting a
 * record, a comma, the end) that reads clearest as one loop. */
int nkt_jstream_next(struct nkt_jstream *s, json_t **out,
		     struct nkt_jpos *pos, struct nkt_err *err)
{
	json_error_t je;
	int c, rc, too_big;

	*out = NULL;
	for (;;) {
		if (s->done)
			return 0;
		skip_space(s);
		c = peek(s);
		pos->line = s->line;
		pos->offset = s->offset;
		pos->index = s->index;
		if (c == EOF) {
			s->done = 1;
			if (ferror(s->f))
				return read_error(s, err);
			if (s->mode == 1 && s->state != 2)
				return nkt_err_set(err, NKT_EMALFORMED,
						   "the array is not closed "
						   "(input cut short?)");
			return 0;
		}
		if (s->mode == 0) {
			s->mode = c == '[' ? 1 : 2;
			if (c == '[') {
				next(s);
				continue;
			}
		}
		if (s->mode == 1) {
			if (s->state == 2) {
				skip_line(s);
				return nkt_err_set(err, NKT_EMALFORMED,
						   "text after the end of the "
						   "array");
			}
			if (c == ']' ) {
				next(s);
				s->state = 2;
				continue;
			}
			if (s->state == 1) {
				if (c != ',') {
					skip_line(s);
					s->state = 0;
					return nkt_err_set(
						err, NKT_EMALFORMED,
						"expected ',' or ']' between "
						"records, found '%c'",
						isprint(c) ? c : '?');
				}
				next(s);
				s->state = 0;
				continue;
			}
		}
		if (c != '{' && c != '[') {
			skip_line(s);
			s->index++;
			return nkt_err_set(err, NKT_EMALFORMED,
					   "not JSON: unexpected '%c'",
					   isprint(c) ? c : '?');
		}
		rc = read_value(s, &too_big, err);
		if (rc < 0)
			return rc;
		s->index++;
		if (s->mode == 1)
			s->state = 1;
		if (rc == 0)
			return nkt_err_set(err, NKT_EMALFORMED,
					   "record cut short (%s)",
					   peek(s) == EOF ? "at the end of the "
							    "input"
							  : "a new record "
							    "starts on the "
							    "next line");
		if (too_big)
			return nkt_err_set(err, NKT_EMALFORMED,
					   "record larger than %u MB",
					   NKT_JSTREAM_MAX_RECORD >> 20);
		*out = json_loadb(s->rec, s->len, 0, &je);
		if (*out == NULL)
			return nkt_err_set(err, NKT_EMALFORMED,
					   "bad JSON at line %llu: %s",
					   (unsigned long long)(pos->line +
								(uint64_t)je.line -
								1),
					   je.text);
		/* Keep a huge buffer from staying allocated. */
		if (s->cap > (1u << 20) && s->len < s->cap / 8) {
			free(s->rec);
			s->rec = NULL;
			s->cap = 0;
		}
		return 1;
	}
}
