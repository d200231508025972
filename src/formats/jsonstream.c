// SPDX-License-Identifier: ISC
/* jsonstream.c: one JSON record at a time (see jsonstream.h). */
#include "nktrace/jsonstream.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

void nkt_jstream_init(struct nkt_jstream *s, FILE *f)
{
	memset(s, 0, sizeof(*s));
	s->f = f;
	s->line = 1;
	s->col0 = 1;
}

void nkt_jstream_free(struct nkt_jstream *s)
{
	free(s->rec);
	s->rec = NULL;
	s->len = s->cap = 0;
	free(s->buf);
	s->buf = NULL;
	s->bpos = s->blen = s->bcap = 0;
}

/* Read ahead until buf holds `want` bytes from bpos, or the stream ends
 * (s->eof; a read error leaves ferror set). */
static void fill(struct nkt_jstream *s, size_t want)
{
	/* a buffer grown for one large record goes back to its size once
	 * that record is read */
	if (s->bcap > (1u << 20) && s->blen - s->bpos < 65536 &&
	    want <= 65536) {
		memmove(s->buf, s->buf + s->bpos, s->blen - s->bpos);
		s->blen -= s->bpos;
		s->bpos = 0;
		s->buf = nkt_xrealloc(s->buf, 65536);
		s->bcap = 65536;
	}
	/* move what is left to the front only when the room after it is
	 * short: each byte moves about once */
	if (s->bpos > 0 && s->bpos + want > s->bcap) {
		memmove(s->buf, s->buf + s->bpos, s->blen - s->bpos);
		s->blen -= s->bpos;
		s->bpos = 0;
	}
	if (s->bpos + want > s->bcap || s->bcap == 0) {
		size_t cap = s->bcap ? s->bcap : 65536;
		while (cap < want)
			cap *= 2;
		s->buf = nkt_xrealloc(s->buf, cap);
		s->bcap = cap;
	}
	while (!s->eof && s->blen - s->bpos < want) {
		size_t got = fread(s->buf + s->blen, 1, s->bcap - s->blen,
				   s->f);
		s->blen += got;
		if (got == 0)
			s->eof = 1;
	}
}

static int peek(struct nkt_jstream *s)
{
	if (s->bpos == s->blen) {
		if (s->eof)
			return EOF;
		fill(s, 1);
		if (s->bpos == s->blen)
			return EOF;
	}
	return (unsigned char)s->buf[s->bpos];
}

static int next(struct nkt_jstream *s)
{
	int c = peek(s);
	if (c == EOF)
		return EOF;
	s->bpos++;
	s->offset++;
	s->col0 = c == '\n';
	if (c == '\n')
		s->line++;
	return c;
}

/* JSON's white space (RFC 8259: not \v or \f, which isspace takes). */
static void skip_space(struct nkt_jstream *s)
{
	int c;
	while ((c = peek(s)) == ' ' || c == '\t' || c == '\n' || c == '\r')
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

/*
 * The record at the stream's position (a '{' or '['), parsed where it
 * lies in the read-ahead buffer: 1 with *out and the stream moved past
 * it.  0, with nothing consumed, when it is not complete and valid in
 * what can be read ahead within the record limit, or when, in a stream
 * of records, a line inside it starts with '{' (a record cut short
 * there): the character-by-character path then reads it and says what is
 * wrong.  The two give the same records, positions and errors; this one
 * does not copy or scan a record before jansson does.
 */
static int fast_value(struct nkt_jstream *s, json_t **out)
{
	size_t want = 4096;

	*out = NULL;
	for (;;) {
		json_error_t je;
		const char *p, *nl;
		size_t avail, used;
		uint64_t lines = 0;

		if (s->blen - s->bpos < want && !s->eof)
			fill(s, want);
		avail = s->blen - s->bpos;
		p = s->buf + s->bpos;
		*out = json_loadb(p, avail, JSON_DISABLE_EOF_CHECK, &je);
		if (*out == NULL) {
			/* cut by the read-ahead: read more, unless at the
			 * end or the limit (then the slow path says it) */
			if (s->eof || je.position < 0 ||
			    (size_t)je.position + 1 < avail ||
			    avail >= NKT_JSTREAM_MAX_RECORD)
				return 0;
			want = avail * 4 < NKT_JSTREAM_MAX_RECORD
				       ? avail * 4
				       : NKT_JSTREAM_MAX_RECORD;
			continue;
		}
		used = je.position > 0 ? (size_t)je.position : 0;
		if (used == 0 || used > avail || used >= NKT_JSTREAM_MAX_RECORD ||
		    (p[used - 1] != '}' && p[used - 1] != ']'))
			goto slow;
		/* jansson's position leaves out NUL bytes (its buffer's end
		 * mark): with k of them it read used + k bytes, the first
		 * NUL no later than p[used]; such records take the slow
		 * path, which counts every byte */
		if (memchr(p, '\0', used < avail ? used + 1 : avail) != NULL)
			goto slow;
		for (nl = memchr(p, '\n', used); nl != NULL;
		     nl = memchr(nl + 1, '\n', used - (size_t)(nl + 1 - p))) {
			lines++;
			if (s->mode == 2 && nl + 1 < p + used && nl[1] == '{')
				goto slow;
		}
		s->bpos += used;
		s->offset += used;
		s->line += lines;
		s->col0 = 0;
		return 1;
	slow:
		json_decref(*out);
		*out = NULL;
		return 0;
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
			if (c == ']') {
				next(s);
				if (s->state == 3) {
					s->state = 2;
					return nkt_err_set(err, NKT_EMALFORMED,
							   "a ',' before the "
							   "array's ']'");
				}
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
				s->state = 3; /* a record must follow */
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
		if (!s->slow_only && fast_value(s, out)) {
			s->n_fast++;
			s->index++;
			if (s->mode == 1)
				s->state = 1;
			return 1;
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
