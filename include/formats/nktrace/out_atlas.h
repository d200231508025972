/* SPDX-License-Identifier: ISC */
/*
 * out_atlas.h: a trace as a RIPE Atlas traceroute result (schema:
 * data/trace.schema.md), one JSON object per line.
 */
#ifndef NKTRACE_OUT_ATLAS_H
#define NKTRACE_OUT_ATLAS_H

#include "nktrace/out_opts.h"
#include "nktrace/trace.h"

#include <jansson.h>
#include <stdio.h>

/* The Atlas fw value we write: results follow the fw >= 5000 layout. */
#define NKT_ATLAS_FW 5020

/* A new JSON object for one trace (the caller decrefs it). */
json_t *nkt_atlas_trace(const struct nkt_trace *t,
			const struct nkt_out_opts *o);

/* Write one trace as one line of JSON; returns 0 or -1 (errno set). */
int nkt_atlas_write(FILE *f, const struct nkt_trace *t,
		    const struct nkt_out_opts *o);

#endif
