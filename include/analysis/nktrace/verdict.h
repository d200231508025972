/* SPDX-License-Identifier: ISC */
/*
 * verdict.h: the comparison of two transits and the sentences that state
 * it (pure).
 *
 * End to end: when at least min_units hosts were measured over both
 * transits (compare --via, or an import that saw a host over both), the
 * per-host differences (Wilcoxon signed-rank, Hodges-Lehmann
 * pseudo-median): the hosts' own delays cancel.  Otherwise different
 * hosts on each side (Mann-Whitney over one value per host,
 * Hodges-Lehmann shift), which is the hosts' difference as much as the
 * transits': the sentence says so.  At the border (each transit's last
 * hop before the target's AS, the same router for every host behind it):
 * over traces from one vantage point (Mann-Whitney), or over the vantage
 * points that saw both borders (Wilcoxon).  Loss: over hosts, a t test of
 * the pooled rates with the hosts' variance (stats.h), paired when the
 * same hosts were measured over both.
 *
 * A difference is claimed only when its interval excludes 0, its test
 * agrees at the level (Holm-adjusted across the per-prefix comparisons),
 * and each side has min_units units; otherwise the sentence says "not
 * enough evidence" and what is missing, or "no clear difference".
 */
#ifndef NKTRACE_VERDICT_H
#define NKTRACE_VERDICT_H

#include "nktrace/compare.h"

#include <stddef.h>

/*
 * The headline of a difference (end to end, then loss and dark hosts),
 * e.g. "TTK is 98.1 ms faster than China Unicom, the same 10 hosts
 * measured over both (95% CI 91.2-104.0 ms, Wilcoxon signed-rank
 * p=0.002); loss 0.4% vs 2.1%, no clear difference (p=0.120)".
 * Returns buf.
 */
char *nkt_verdict_text(const struct nkt_cmp_diff *d, double level, char *buf,
		       size_t len);

/* The border sentence, e.g. "TTK's border (188.43.225.153) is 49.1 ms
 * nearer than China Unicom's (103.35.254.1) (95% CI 47.0-51.2 ms,
 * Mann-Whitney p<0.001, 40 vs 31 traces)".  Returns buf. */
char *nkt_verdict_border(const struct nkt_cmp_diff *d, double level,
			 const struct nkt_addrtab *addrs, char *buf,
			 size_t len);

/* "paired", "hosts", "traces", "vantage points", "none" */
const char *nkt_verdict_design_name(enum nkt_cmp_design d);

/* The test behind a design: "Wilcoxon signed-rank", "Mann-Whitney". */
const char *nkt_verdict_test_name(enum nkt_cmp_design d);

/* A loss share as text: "-" (none), "0.0%", "0.05%", "3.2%". */
void nkt_verdict_loss_text(char *buf, size_t len, double l);

#endif
