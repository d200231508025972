// SPDX-License-Identifier: ISC
/*
 * test_cadence.c: the start times of `nktrace run --every`: multiples of T,
 * never closer than T/2 to the previous start, missed multiples skipped,
 * jitter below 5% of T and at most 30 s.
 */
#include "nkt_test.h"
#include "nktrace/cadence.h"
#include "nktrace/common.h"

#define S NKT_NS_PER_S

static void test_jitter_max(void)
{
	CHECK_U64(nkt_cadence_jitter_max(30 * S), 1500000000ULL);
	CHECK_U64(nkt_cadence_jitter_max(15 * 60 * S), 30 * S);
	CHECK_U64(nkt_cadence_jitter_max(3600 * S), 30 * S);
	CHECK_U64(nkt_cadence_jitter_max(19), 0);
}

static void test_next(void)
{
	const uint64_t t = 30 * S, base = 1800000000ULL * S; /* a multiple */

	/* First cycle early in the period, short: the next multiple. */
	CHECK_U64(nkt_cadence_next(t, base + 1 * S, base + 2 * S, 0),
		  base + t);
	/* First cycle just before a multiple (the CI race: a failing cycle
	 * ends at once): not a moment later, the multiple after. */
	CHECK_U64(nkt_cadence_next(t, base + t - S / 10, base + t - S / 20,
				   0),
		  base + 2 * t);
	/* Exactly T/2 before a multiple: that multiple. */
	CHECK_U64(nkt_cadence_next(t, base + t / 2, base + t / 2 + 1, 0),
		  base + t);
	/* A cycle that overran T and a half: the next multiple after now,
	 * the missed one skipped. */
	CHECK_U64(nkt_cadence_next(t, base, base + t + t / 2, 0),
		  base + 2 * t);
	/* Now exactly on a multiple, far from the previous start: now. */
	CHECK_U64(nkt_cadence_next(t, base, base + 2 * t, 0), base + 2 * t);
	/* Jitter: reduced below 5% of T. */
	CHECK_U64(nkt_cadence_next(t, base + 1 * S, base + 2 * S, 7),
		  base + t + 7);
	CHECK_U64(nkt_cadence_next(t, base + 1 * S, base + 2 * S,
				   1500000000ULL + 3),
		  base + t + 3);
	/* Whatever the inputs: a multiple plus less than the jitter bound,
	 * and that multiple the first one not before now nor before the
	 * previous start plus T/2. */
	for (uint64_t prev = base; prev < base + 3 * t; prev += 7 * S / 3)
		for (uint64_t run = 0; run < 2 * t; run += 11 * S / 7) {
			uint64_t now = prev + run;
			uint64_t r = prev * 2654435761ULL + run;
			uint64_t n = nkt_cadence_next(t, prev, now, r);
			uint64_t j = n % t;
			uint64_t lo = now > prev + t / 2 ? now : prev + t / 2;
			CHECK(j < nkt_cadence_jitter_max(t));
			CHECK(n >= lo);
			CHECK(n - j < lo + t);
		}
}

int main(void)
{
	test_jitter_max();
	test_next();
	return nkt_test_done("test_cadence");
}
