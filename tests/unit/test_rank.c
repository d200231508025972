// SPDX-License-Identifier: ISC
/*
 * test_rank.c: the rank methods on cases small enough to count by hand:
 * the exact null distributions (Mann-Whitney 2+2 and 3+3, signed ranks of
 * 3), Hodges-Lehmann estimates as medians of the pairwise differences and
 * Walsh averages, the intervals as the order statistics the distribution
 * names, "not attainable" when no pair of order statistics reaches the
 * level, and the order-statistic interval of a median.  Larger cases and
 * the p-values against scipy: tests/stats/test_reference.py.
 */
#include "nkt_test.h"
#include "nktrace/rank.h"

#include <math.h>

static void test_distributions(void)
{
	/* Mann-Whitney 2+2: U = 0..4 with counts 1 1 2 1 1 of C(4,2) = 6. */
	CHECK_NEAR(nkt_rank_mw_cdf(2, 2, 0), 1.0 / 6, 1e-15);
	CHECK_NEAR(nkt_rank_mw_cdf(2, 2, 1), 2.0 / 6, 1e-15);
	CHECK_NEAR(nkt_rank_mw_cdf(2, 2, 2), 4.0 / 6, 1e-15);
	CHECK_NEAR(nkt_rank_mw_cdf(2, 2, 4), 1, 1e-15);
	/* 3+3: counts 1 1 2 3 3 3 3 2 1 1 of 20. */
	CHECK_NEAR(nkt_rank_mw_cdf(3, 3, 2), 4.0 / 20, 1e-15);
	CHECK_NEAR(nkt_rank_mw_cdf(3, 3, 4), 10.0 / 20, 1e-15);
	/* Sizes swap freely. */
	CHECK_NEAR(nkt_rank_mw_cdf(2, 5, 3), nkt_rank_mw_cdf(5, 2, 3), 1e-15);
	CHECK(isnan(nkt_rank_mw_cdf(60, 60, 10)));
	/* Signed ranks of 3: sums 0..6, counts 1 1 1 2 1 1 1 of 8. */
	CHECK_NEAR(nkt_rank_wilcoxon_cdf(3, 0), 1.0 / 8, 1e-15);
	CHECK_NEAR(nkt_rank_wilcoxon_cdf(3, 3), 5.0 / 8, 1e-15);
	CHECK_NEAR(nkt_rank_wilcoxon_cdf(3, 6), 1, 1e-15);
	CHECK(isnan(nkt_rank_wilcoxon_cdf(51, 3)));
}

static void test_mw(void)
{
	double x[] = {10, 12, 11}, y[] = {1, 3, 2}, z[] = {1, 2, 3, 4, 5, 6},
	       w[] = {11, 12, 13, 14, 15, 16};
	struct nkt_shift s;

	/* Differences x - y: 7..11, median 9; fully separated: U = 9, p =
	 * 2 * P(U >= 9) = 2/20. */
	nkt_rank_mw(x, 3, y, 3, 0.95, &s);
	CHECK_NEAR(s.est, 9, 1e-15);
	CHECK_NEAR(s.stat, 9, 1e-15);
	CHECK_NEAR(s.p, 0.1, 1e-15);
	CHECK_INT(s.exact, 1);
	/* P(U = 0) = 1/20 > 0.025: no 95% interval; at 80%, c = 1 (P(U <=
	 * 1) = 0.1): [D_(2), D_(8)] of the 9 differences
	 * 7 8 8 9 9 9 10 10 11. */
	CHECK(isnan(s.ci.lo));
	CHECK_NEAR(s.conf, 0.9, 1e-15);
	nkt_rank_mw(x, 3, y, 3, 0.80, &s);
	CHECK_NEAR(s.ci.lo, 8, 1e-15);
	CHECK_NEAR(s.ci.hi, 10, 1e-15);
	CHECK_NEAR(s.conf, 0.8, 1e-15);
	/* 6 + 6 separated by 10: est -10, p = 2/924, and a 95% interval. */
	nkt_rank_mw(z, 6, w, 6, 0.95, &s);
	CHECK_NEAR(s.est, -10, 1e-15);
	CHECK_NEAR(s.p, 2.0 / 924, 1e-15);
	CHECK(s.ci.hi < 0 && s.ci.lo >= -15);
	/* An empty side. */
	nkt_rank_mw(x, 3, y, 0, 0.95, &s);
	CHECK(isnan(s.est) && s.p == 1);
	/* Ties: the normal approximation. */
	{
		double a[] = {1, 2, 2, 3}, b[] = {2, 3, 3, 4};
		nkt_rank_mw(a, 4, b, 4, 0.95, &s);
		CHECK_INT(s.exact, 0);
		CHECK_NEAR(s.est, -1, 1e-15);
	}
}

static void test_wilcoxon(void)
{
	double d[] = {1, 2, 4}, e[] = {3, -1, 0, 5, 2, 4, 6, 7};
	struct nkt_shift s;

	/* Walsh averages of 1 2 4: 1 1.5 2 2.5 3 4, median 2.25; T+ = 6 =
	 * max: p = 2/8. */
	nkt_rank_wilcoxon(d, 3, 0.95, &s);
	CHECK_NEAR(s.est, 2.25, 1e-15);
	CHECK_NEAR(s.stat, 6, 1e-15);
	CHECK_NEAR(s.p, 0.25, 1e-15);
	CHECK(isnan(s.ci.lo));
	CHECK_NEAR(s.conf, 0.75, 1e-15);
	/* A zero is dropped (Wilcoxon's way) and the approximation used. */
	nkt_rank_wilcoxon(e, 8, 0.95, &s);
	CHECK_INT(s.n1, 7);
	CHECK_INT(s.exact, 0);
	/* All equal and positive: ties, est that value. */
	{
		double f[] = {2, 2, 2, 2, 2, 2, 2};
		nkt_rank_wilcoxon(f, 7, 0.95, &s);
		CHECK_NEAR(s.est, 2, 1e-15);
		CHECK(s.p < 0.05);
	}
	nkt_rank_wilcoxon(d, 0, 0.95, &s);
	CHECK(isnan(s.est) && s.p == 1);
}

static void test_median(void)
{
	double v[] = {5, 3, 9, 1, 7, 2, 8}, one[] = {4};
	struct nkt_shift s;
	/* 7 values at 95%: P(B <= 0) = 1/128 <= 0.025 < P(B <= 1) = 8/128:
	 * [x_(1), x_(7)], confidence 1 - 2/128. */
	nkt_rank_median(v, 7, 0.95, &s);
	CHECK_NEAR(s.est, 5, 1e-15);
	CHECK_NEAR(s.ci.lo, 1, 1e-15);
	CHECK_NEAR(s.ci.hi, 9, 1e-15);
	CHECK_NEAR(s.conf, 126.0 / 128, 1e-15);
	/* At 75%: c = 1 (8/128 <= 0.125): [x_(2), x_(6)]. */
	nkt_rank_median(v, 7, 0.75, &s);
	CHECK_NEAR(s.ci.lo, 2, 1e-15);
	CHECK_NEAR(s.ci.hi, 8, 1e-15);
	/* 5 values cannot give 95%: at most 1 - 2/32. */
	nkt_rank_median(v, 5, 0.95, &s);
	CHECK(isnan(s.ci.lo));
	CHECK_NEAR(s.conf, 30.0 / 32, 1e-15);
	nkt_rank_median(one, 1, 0.95, &s);
	CHECK_NEAR(s.est, 4, 1e-15);
	CHECK(isnan(s.ci.lo));
}

int main(void)
{
	test_distributions();
	test_mw();
	test_wilcoxon();
	test_median();
	return nkt_test_done("test_rank");
}
