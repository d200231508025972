/* SPDX-License-Identifier: ISC */
/*
 * trace_mda.h: `nktrace trace --mda` (shell): the MDA (core/mda.c) driven
 * over the engine, one target after another, each batch of probes one
 * engine run at a single TTL; the graphs written as JSON or text.
 */
#ifndef NKTRACE_TRACE_MDA_H
#define NKTRACE_TRACE_MDA_H

#include "nktrace/cli.h"
#include "nktrace/engine.h"
#include "nktrace/out_opts.h"
#include "nktrace/resolve.h"

#include <stdio.h>

struct nkt_mda_run {
	struct nkt_engine *eng;
	const struct nkt_trace_opts *o;
	const struct nkt_flow *flows; /* one per target: method, src, dst */
	const uint8_t *via;
	size_t n;
	FILE *out;
	struct nkt_out_opts *oo;
	struct nkt_resolver *names;  /* NULL: no names */
	uint64_t seed;               /* the flows' order (--seed, or random) */
};

/* Every target's MDA, written to r->out as it finishes.  Returns 0, or the
 * signal that stopped it (> 0, what was found is written), or -1 with err
 * set. */
int nkt_trace_mda(const struct nkt_mda_run *r, struct nkt_err *err);

#endif
