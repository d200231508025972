/* SPDX-License-Identifier: ISC */
/*
 * cadence.h: when `nktrace run --every T` starts its next cycle.  Pure:
 * times (wall clock, ns since the epoch) and the random jitter come in as
 * arguments.
 *
 * Policy: cycles start on multiples of T (15m: :00, :15, :30, :45), so
 * several vantage points running the same schedule measure at the same
 * moments; the first cycle runs at once, wherever it falls.  The next
 * start is the first multiple of T that is not before `now` and at least
 * T/2 after the previous cycle's start, so a first cycle started just before
 * a multiple is not followed by a second one a moment later; a cycle that
 * overran T skips the multiples it missed instead of starting late ones
 * back to back.  A random delay below 5% of T (at most 30 s) is added so
 * that many vantage points do not hit the same routers in the same second.
 */
#ifndef NKTRACE_CADENCE_H
#define NKTRACE_CADENCE_H

#include <stdint.h>

/* The largest random delay added to a start for period `every_ns`: 5% of
 * it, at most 30 s. */
uint64_t nkt_cadence_jitter_max(uint64_t every_ns);

/*
 * The start of the next cycle for period `every_ns` (> 0), given the start
 * of the previous cycle `prev_start_ns`, the time `now_ns` (>= it) and a
 * random value `rnd` (reduced below nkt_cadence_jitter_max()).
 */
uint64_t nkt_cadence_next(uint64_t every_ns, uint64_t prev_start_ns,
			  uint64_t now_ns, uint64_t rnd);

#endif
