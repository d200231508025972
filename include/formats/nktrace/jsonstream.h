/* SPDX-License-Identifier: ISC */
/*
 * jsonstream.h: JSON records one at a time from a stream of any size, in
 * memory bounded by the largest record (pure: reads a FILE, nothing else).
 *
 * The stream is either one JSON array of records (`[{...}, {...}]`, what
 * the RIPE Atlas API returns) or records one after another (JSON Lines,
 * scamper and `nktrace trace --json`, pretty-printed objects too).  A
 * record that does not parse is reported with its line and byte offset
 * and skipped; reading goes on with the next one.  In a stream of records,
 * a `{` at the start of a line while a record is still open means that
 * record was cut short: it is reported and the new one read.
 */
#ifndef NKTRACE_JSONSTREAM_H
#define NKTRACE_JSONSTREAM_H

#include "nktrace/common.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

#define NKT_JSTREAM_MAX_RECORD (64u << 20)

struct nkt_jstream {
	FILE *f;
	int mode;         /* 0 not yet known, 1 array, 2 record stream */
	int state;        /* array mode: 0 expect element, 1 after one,
			     2 after the end, 3 after a comma */
	int done;
	uint64_t line;    /* line of the next character (1-based) */
	uint64_t offset;  /* its byte offset */
	int col0;         /* the next character starts a line */
	uint64_t index;   /* records returned or reported so far */
	char *rec;        /* the record being read (character by
			     character: the slow path) */
	size_t len, cap;
	char *buf;        /* read ahead of the stream: buf[bpos..blen) */
	size_t bpos, blen, bcap;
	int eof;          /* the stream has no more to read */
	int slow_only;    /* tests: never parse a record in place */
	uint64_t n_fast;  /* records parsed in place so far */
};

/* Where a record started. */
struct nkt_jpos {
	uint64_t line, offset, index;
};

/* Start reading f (not closed by the stream). */
void nkt_jstream_init(struct nkt_jstream *s, FILE *f);
void nkt_jstream_free(struct nkt_jstream *s);

/*
 * The next record: returns 1 with *out (a new reference) and *pos, 0 at
 * the end of the input, NKT_EMALFORMED for a record (or stray text) that
 * is not JSON, with *pos and err saying where and why (call again for the
 * rest), or NKT_ESYS if reading failed.
 */
int nkt_jstream_next(struct nkt_jstream *s, json_t **out,
		     struct nkt_jpos *pos, struct nkt_err *err);

#endif
