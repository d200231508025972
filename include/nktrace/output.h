/* SPDX-License-Identifier: ISC */
/*
 * output.h: trace writers.  out_atlas.c turns a trace into a RIPE Atlas
 * traceroute result (schema: data/trace.schema.md); out_text.c prints it
 * the way traceroute does.  Writers never exit; they return the stdio
 * error of the stream they wrote to.
 */
#ifndef NKTRACE_OUTPUT_H
#define NKTRACE_OUTPUT_H

#include "nktrace/addrtab.h"
#include "nktrace/trace.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

/* Called for every replying address; may add keys to `reply` (the JSON
 * writer) or return a short column text (the text writer). */
struct nkt_annotate_hook {
	void (*json)(void *ctx, uint32_t addr, json_t *reply);
	const char *(*text)(void *ctx, uint32_t addr, char *buf, size_t len);
	void *ctx;
};

struct nkt_out_opts {
	int64_t msm_id, prb_id;
	const char *(*dst_name)(void *ctx, uint32_t dst); /* may be NULL */
	const char *via_name[256];                         /* NULL = routed */
	void *ctx;
	struct nkt_annotate_hook hook;
	/* Extra top-level keys added to every record (may be NULL). */
	void (*extra)(void *ctx, const struct nkt_trace *t, json_t *rec);
	/* Extra lines the text writer prints before the stop line. */
	void (*extra_text)(void *ctx, const struct nkt_trace *t, FILE *f);
	/* Handles in the traces (imported IPv6 addresses); may be NULL. */
	const struct nkt_addrtab *addrs;
};

/* The Atlas fw value we write: results follow the fw >= 5000 layout. */
#define NKT_ATLAS_FW 5020

/* A new JSON object for one trace (the caller decrefs it). */
json_t *nkt_atlas_trace(const struct nkt_trace *t,
			const struct nkt_out_opts *o);

/* Write one trace as one line of JSON; returns 0 or -1 (errno set). */
int nkt_atlas_write(FILE *f, const struct nkt_trace *t,
		    const struct nkt_out_opts *o);

/* Dump flags used for every JSON line nktrace writes. */
#define NKT_JSON_FLAGS (JSON_COMPACT | JSON_REAL_PRECISION(10))

/* Atlas "err" value of an unreachable reply: "N" "H" "P" "p" "A" or NULL
 * (port unreachable of a UDP/TCP probe, fragmentation needed) with *code
 * set to -1, or an integer code in *code. */
const char *nkt_atlas_err(enum nkt_method m, uint8_t code, int *intcode);

/* Print one trace like traceroute; returns 0 or -1. */
int nkt_text_write(FILE *f, const struct nkt_trace *t,
		   const struct nkt_out_opts *o);

#endif
