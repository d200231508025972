/* SPDX-License-Identifier: ISC */
/*
 * impagg.h: imported observations folded per path, in memory that does not
 * grow with the input (pure).
 *
 * A path is (vantage point, target, method, destination port, uplink, the
 * path's own attribution).  Each trace of a path adds to its counts (trace
 * count, reached, end-to-end probes sent and answered) and to a uniform
 * random sample (reservoir) of at most NKT_IMPAGG_RTT_MAX of its RTTs; the
 * most common border hop is kept with a sample of its RTTs, one per trace
 * (NKT_IMPAGG_BORDER_RTT_MAX), as the observation's brtt with each
 * RTT's time slot (bslot), and a sample of its traces' end-to-end probes
 * by slot (NKT_IMPAGG_SLOTS_MAX, sl): what the border and loss over time
 * slots count (a burst or congestion is shared by one moment).  A path
 * seen once is exactly the observation nkt_cmp_observe made, so one
 * nktrace run imported back gives the analysis `compare` gave.  The folded
 * paths are observations for nkt_cmp_summarize, with `unit` one target
 * seen from one vantage point.  Memory grows with the distinct paths and
 * vantage points, never with the number of traces.
 */
#ifndef NKTRACE_IMPAGG_H
#define NKTRACE_IMPAGG_H

#include "nktrace/compare.h"

#include <stddef.h>
#include <stdint.h>

#define NKT_IMPAGG_RTT_MAX 128
#define NKT_IMPAGG_BORDERS 4
#define NKT_IMPAGG_BORDER_RTT_MAX 64
#define NKT_IMPAGG_SLOTS_MAX 32 /* traces' end-to-end probes by slot */

struct nkt_impagg_path; /* what a path keeps besides its observation */

struct nkt_impagg {
	struct nkt_cmp_obs *obs;    /* one per path, in order of first
				       appearance */
	uint32_t *vant;             /* its vantage point */
	struct nkt_impagg_path *p;
	size_t n, cap;
	uint32_t *slot; /* path index + 1 */
	size_t nslot;
	char **vantage; /* vantage point names */
	size_t n_vantage, cap_vantage;
	uint32_t *vslot;
	size_t nvslot;
	uint32_t *uslot; /* (vantage, target) units: path index + 1 */
	size_t nuslot;
	uint32_t n_units;
	uint64_t traces;
};

/* Index of a vantage point name (added if new). */
uint32_t nkt_impagg_vantage(struct nkt_impagg *a, const char *name);

/* Fold one observation (its rtt array is copied) made from vantage v. */
void nkt_impagg_add(struct nkt_impagg *a, uint32_t v,
		    const struct nkt_cmp_obs *o);

/* The folded paths as observations (owned by a, valid until the next
 * add or free); vantage[i] is the vantage index of observation i. */
struct nkt_cmp_obs *nkt_impagg_obs(struct nkt_impagg *a,
				   const uint32_t **vantage, size_t *n);

/* Traces folded into path i. */
uint64_t nkt_impagg_traces(const struct nkt_impagg *a, size_t i);

void nkt_impagg_free(struct nkt_impagg *a);

#endif
