/* SPDX-License-Identifier: ISC */
/*
 * compare_session.h: a compare session (shell): the data, targets, uplinks,
 * annotator and engine of `nktrace compare`, opened once (privileged) and
 * run for one cycle (compare) or many (run --every).
 */
#ifndef NKTRACE_COMPARE_SESSION_H
#define NKTRACE_COMPARE_SESSION_H

#include "nktrace/annot_out.h"
#include "nktrace/cli.h"
#include "nktrace/compare.h"
#include "nktrace/engine.h"
#include "nktrace/out_opts.h"
#include "nktrace/targets.h"

#include <stdio.h>

struct nkt_cmpsess;

/* One cycle's results, owned by the caller (nkt_cmp_cycle_free). */
struct nkt_cmp_cycle {
	struct nkt_cmp_obs *obs;
	size_t n_obs;
	struct nkt_cmp_result res;
	struct nkt_run_result run;
	uint64_t start_ns, end_ns;
	json_t *summary; /* {"type":"compare", ...} */
	int discovered;  /* this cycle ran discovery */
	uint64_t discovery_probes;
	size_t reprobed; /* targets re-probed */
	/* where the cycle's time went (monotonic ns): discovery, the traces
	 * and end-to-end probes, the re-probes, and the pauses before them
	 * that let the routers' ICMP budgets refill */
	uint64_t discovery_ns, trace_ns, reprobe_ns, pause_ns;
	uint32_t *unrouted; /* targets routing had no route to (routed
			       flows: not probed, a measured outcome) */
	size_t n_unrouted;
	char (*unrouted_prefixes)[24]; /* /24s none of whose targets had a
					  route */
	size_t n_unrouted_prefixes;
};

/* Load data, targets, uplinks (ARP), the annotator, and open the engine.
 * Needs privilege.  Returns NULL with err set. */
struct nkt_cmpsess *nkt_cmpsess_open(const struct nkt_compare_opts *o,
				     struct nkt_err *err);

/* Drop privileges (--user). */
int nkt_cmpsess_drop(struct nkt_cmpsess *s, struct nkt_err *err);

/* Run one cycle; every trace is written to `traces` (Atlas NDJSON) when
 * not NULL.  Returns 0 or an error; c->run.signal says if it was halted.
 * c->start_ns and c->end_ns are set either way: probing's start and end,
 * or the cycle's own start for both when it failed before probing. */
int nkt_cmpsess_cycle(struct nkt_cmpsess *s, FILE *traces,
		      struct nkt_cmp_cycle *c, struct nkt_err *err);

/* Run discovery again once the last one is older than this (run
 * --rediscover; compare discovers once). */
void nkt_cmpsess_set_rediscover(struct nkt_cmpsess *s, uint64_t every_ns);

/* The hosts the last discovery found and when (wall ns; 0: never), to keep
 * them across processes (run's history), and to give them back. */
void nkt_cmpsess_found(const struct nkt_cmpsess *s, const uint32_t **addrs,
		       size_t *n, uint64_t *when_ns);
void nkt_cmpsess_set_found(struct nkt_cmpsess *s, const uint32_t *addrs,
			   size_t n, uint64_t when_ns);

/* The summary configuration (for reports). */
const struct nkt_cmp_cfg *nkt_cmpsess_cfg(const struct nkt_cmpsess *s);

/* Flows per cycle, targets probed (those given and, with discovery, those
 * found: the count the result's "N targets" line gives), of them those
 * given, methods, uplinks. */
void nkt_cmpsess_shape(const struct nkt_cmpsess *s, size_t *flows,
		       size_t *targets, size_t *given, size_t *methods,
		       size_t *uplinks);

/* The space discovery searches (targets.json's); returns 0, or
 * NKT_ENOTFOUND when there is none. */
int nkt_cmpsess_space(const struct nkt_cmpsess *s, uint32_t *net,
		      uint8_t *len);

void nkt_cmp_cycle_free(struct nkt_cmp_cycle *c);
void nkt_cmpsess_close(struct nkt_cmpsess *s);

/* ---- private to compare_session.c and compare_passes.c ---------------- */

struct nkt_cmpsess {
	struct nkt_compare_opts o;
	struct nkt_targetdb *tdb;
	struct nkt_transits *trans;
	struct nkt_annot_ctx actx;
	struct nkt_targets targets;
	struct nkt_engine_cfg ecfg;
	struct nkt_engine *eng;
	struct nkt_flow *flows;  /* this cycle's */
	uint8_t *via;
	size_t n_flows;
	uint32_t any_src;        /* a source for targets without a route */
	struct nkt_targets found; /* hosts that answered discovery */
	uint64_t found_ns;       /* when (wall clock); 0: never */
	uint64_t rediscover_ns;  /* discover again after this long */
	struct nkt_cmp_cfg ccfg;
	struct nkt_out_opts oo;
};

struct cycle_ctx {
	struct nkt_cmpsess *s;
	struct nkt_cmp_cycle *c;
	FILE *traces;
	size_t cap;
};

/* Record a finished trace of a cycle (ctx: struct cycle_ctx). */
int nkt__cmpsess_on_trace(void *ctx, const struct nkt_trace *t);

/* Append an address to a target list. */
void nkt__cmpsess_push(struct nkt_targets *t, uint32_t addr);

/* The cycle's targets: the configured ones and those discovery found. */
void nkt__cmpsess_targets(const struct nkt_cmpsess *s, struct nkt_targets *t);

/* Discovery (s->found), and the re-probing rounds of a cycle. */
int nkt__cmpsess_discover(struct nkt_cmpsess *s, struct nkt_cmp_cycle *c,
			  struct nkt_err *err);
int nkt__cmpsess_reprobe(struct nkt_cmpsess *s, struct nkt_cmp_cycle *c,
			 struct cycle_ctx *cc, struct nkt_err *err);

#endif
