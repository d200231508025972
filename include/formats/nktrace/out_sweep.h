/* SPDX-License-Identifier: ISC */
/*
 * out_sweep.h: a sweep's summary (pure): four lines for people, or one
 * JSON record {"type":"sweep", ...} for tools (tools/bench reads it).
 */
#ifndef NKTRACE_OUT_SWEEP_H
#define NKTRACE_OUT_SWEEP_H

#include "nktrace/sweep.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

struct nkt_sweep_summary {
	uint64_t targets, ttls, probes;
	uint64_t sent, send_errors;
	int errno_first;        /* of the first send error, or 0 */
	int signal;             /* the signal that stopped it, or 0 */
	double seconds;         /* sending */
	double cpu_seconds;
	struct nkt_sweep_counts counts;
	uint64_t reached, routers;
	uint64_t capture_frames, capture_dropped;
};

/* The summary for a terminal; returns 0 or -1 (errno set). */
int nkt_sweep_summary_text(FILE *f, const struct nkt_sweep_summary *s);

/* The summary record (a new reference). */
json_t *nkt_sweep_summary_json(const struct nkt_sweep_summary *s);

#endif
