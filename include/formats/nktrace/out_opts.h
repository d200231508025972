/* SPDX-License-Identifier: ISC */
/*
 * out_opts.h: what every trace writer takes (types only; the writers are
 * out_atlas.c, RIPE Atlas JSON, and out_text.c, traceroute's text).  The
 * hooks let the shell add what it knows (names, ASNs, AS paths, transits)
 * without the writers reading any database.  Writers never exit; they
 * return the stdio error of the stream they wrote to.
 */
#ifndef NKTRACE_OUT_OPTS_H
#define NKTRACE_OUT_OPTS_H

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
	/* A replying address's DNS name, or NULL; the hook may be NULL. */
	const char *(*addr_name)(void *ctx, uint32_t addr);
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

/* Dump flags used for every JSON line nktrace writes. */
#define NKT_JSON_FLAGS (JSON_COMPACT | JSON_REAL_PRECISION(10))

#endif
