// SPDX-License-Identifier: ISC
/* cadence.c: the start times of `nktrace run --every` (pure). */
#include "nktrace/cadence.h"
#include "nktrace/common.h"

uint64_t nkt_cadence_jitter_max(uint64_t every_ns)
{
	uint64_t j = every_ns / 20;
	return j < 30 * NKT_NS_PER_S ? j : 30 * NKT_NS_PER_S;
}

uint64_t nkt_cadence_next(uint64_t every_ns, uint64_t prev_start_ns,
			  uint64_t now_ns, uint64_t rnd)
{
	uint64_t earliest = prev_start_ns + every_ns / 2, jmax;

	if (earliest < now_ns)
		earliest = now_ns;
	jmax = nkt_cadence_jitter_max(every_ns);
	/* The first multiple of T at or after `earliest`. */
	return (earliest + every_ns - 1) / every_ns * every_ns +
	       (jmax ? rnd % jmax : 0);
}
