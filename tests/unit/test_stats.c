// SPDX-License-Identifier: ISC
/*
 * test_stats.c: every statistic against known values: scipy 1.10 for
 * Mann-Whitney (asymptotic, continuity correction), Fisher's exact test and
 * the normal quantiles; numpy for quantiles; the Wilson formula; Newcombe
 * (1998)'s own worked example; and the bootstrap with a fixed seed.
 */
#include "nkt_test.h"
#include "nktrace/stats.h"

#include <math.h>

static void test_quantiles(void)
{
	double v[] = {7, 1, 10, 3, 5, 2, 9, 4, 8, 6}, e[] = {5};
	nkt_stats_sort(v, 10);
	CHECK_NEAR(nkt_stats_quantile(v, 10, 0.1), 1.9, 1e-12);
	CHECK_NEAR(nkt_stats_quantile(v, 10, 0.5), 5.5, 1e-12);
	CHECK_NEAR(nkt_stats_quantile(v, 10, 0.9), 9.1, 1e-12);
	CHECK_NEAR(nkt_stats_quantile(v, 10, 0.0), 1, 1e-12);
	CHECK_NEAR(nkt_stats_quantile(v, 10, 1.0), 10, 1e-12);
	CHECK_NEAR(nkt_stats_median(e, 1), 5, 1e-12);
	CHECK(isnan(nkt_stats_median(e, 0)));
	{
		double j[] = {1, 3, 2, 6};
		CHECK_NEAR(nkt_stats_jitter(j, 4), 7.0 / 3.0, 1e-12);
		CHECK_NEAR(nkt_stats_jitter(j, 1), 0, 1e-12);
	}
}

static void test_intervals(void)
{
	struct nkt_ci ci;
	CHECK_NEAR(nkt_stats_z(0.95), 1.959963984540054, 1e-8);
	CHECK_NEAR(nkt_stats_z(0.999), 3.2905267314919255, 1e-8);
	CHECK_NEAR(nkt_stats_z(0.5), 0.6744897501960817, 1e-8);
	ci = nkt_stats_wilson(10, 100, 0.95);
	CHECK_NEAR(ci.lo, 0.0552291370606751, 1e-9);
	CHECK_NEAR(ci.hi, 0.17436566150491345, 1e-9);
	ci = nkt_stats_wilson(0, 50, 0.95);
	CHECK_NEAR(ci.lo, 0, 1e-12);
	CHECK_NEAR(ci.hi, 0.07134759913335872, 1e-9);
	ci = nkt_stats_wilson(25, 400, 0.95);
	CHECK_NEAR(ci.lo, 0.04268914141220244, 1e-9);
	CHECK_NEAR(ci.hi, 0.09063411613030699, 1e-9);
	ci = nkt_stats_wilson(50, 50, 0.95);
	CHECK_NEAR(ci.hi, 1, 1e-12);
	/* Newcombe (1998), Statistics in Medicine 17:873, the 56/70 vs 48/80
	 * example, method 10: 0.0524 to 0.3339. */
	ci = nkt_stats_newcombe(56, 70, 48, 80, 0.95);
	CHECK_NEAR(ci.lo, 0.0524, 5e-5);
	CHECK_NEAR(ci.hi, 0.3339, 5e-5);
}

static void test_tests(void)
{
	double x1[] = {1, 2, 3, 4, 5}, y1[] = {6, 7, 8, 9, 10};
	double x2[] = {12.1, 14.3, 11.0, 13.5, 12.9, 14.0, 11.7};
	double y2[] = {15.2, 13.9, 16.1, 14.8, 17.0, 15.5};
	double x3[] = {1, 2, 2, 3, 3, 3, 4}, y3[] = {3, 3, 4, 4, 5, 5, 6};
	double u;

	CHECK_NEAR(nkt_stats_mannwhitney(x1, 5, y1, 5, &u),
		   0.012185780355344813, 1e-9);
	CHECK_NEAR(u, 0, 1e-12);
	CHECK_NEAR(nkt_stats_mannwhitney(x2, 7, y2, 6, &u),
		   0.008220971320688577, 1e-9);
	CHECK_NEAR(u, 2, 1e-12);
	CHECK_NEAR(nkt_stats_mannwhitney(x3, 7, y3, 7, &u),
		   0.01785429278938296, 1e-9);
	CHECK_NEAR(u, 6, 1e-12);
	CHECK_NEAR(nkt_stats_mannwhitney(x1, 5, x1, 5, &u), 1.0, 1e-12);
	CHECK_NEAR(nkt_stats_mannwhitney(x1, 0, y1, 5, &u), 1.0, 1e-12);

	CHECK_NEAR(nkt_stats_fisher(2, 100, 10, 100), 0.03304010932418497,
		   1e-9);
	CHECK_NEAR(nkt_stats_fisher(0, 400, 25, 400), 4.048057053174584e-08,
		   1e-12);
	CHECK_NEAR(nkt_stats_fisher(3, 100, 3, 100), 1.0, 1e-12);
	CHECK_NEAR(nkt_stats_fisher(0, 0, 3, 10), 1.0, 1e-12);
}

static void test_bootstrap(void)
{
	double a1[] = {290.1, 290.4, 289.9}, a2[] = {291.0, 290.8},
	       a3[] = {289.5, 289.7, 289.6, 289.8}, a4[] = {290.2},
	       b1[] = {190.0, 190.2}, b2[] = {189.7, 190.1, 190.4},
	       b3[] = {191.0, 190.9};
	struct nkt_cluster a[] = {{a1, 3}, {a2, 2}, {a3, 4}, {a4, 1}};
	struct nkt_cluster b[] = {{b1, 2}, {b2, 3}, {b3, 2}};
	struct nkt_ci ci, again, d;

	ci = nkt_stats_boot_median(a, 4, 0.95, 2000, 1);
	again = nkt_stats_boot_median(a, 4, 0.95, 2000, 1);
	CHECK(ci.lo == again.lo && ci.hi == again.hi); /* fixed seed */
	CHECK(ci.lo <= 290.1 && 290.1 <= ci.hi);       /* pooled median */
	CHECK(ci.lo >= 289.5 && ci.hi <= 291.0);
	CHECK(ci.hi > ci.lo);
	/* One cluster: its values are resampled, so the interval spans
	 * them instead of collapsing on the median. */
	ci = nkt_stats_boot_median(a, 1, 0.95, 2000, 1);
	CHECK(ci.lo <= 290.1 && 290.1 <= ci.hi);
	CHECK(ci.lo >= 289.9 && ci.hi <= 290.4);
	CHECK(ci.hi > ci.lo);
	/* One value: nothing to resample. */
	ci = nkt_stats_boot_median(a + 3, 1, 0.95, 2000, 1);
	CHECK_NEAR(ci.lo, 290.2, 1e-9);
	CHECK_NEAR(ci.hi, 290.2, 1e-9);
	/* One cluster against one: the difference has a real interval. */
	d = nkt_stats_boot_median_diff(a, 1, b + 1, 1, 0.95, 2000, 7);
	CHECK(d.lo <= 100.0 && 100.0 <= d.hi && d.hi > d.lo);
	CHECK(d.lo >= 289.9 - 190.4 && d.hi <= 290.4 - 189.7);
	/* Difference: about 100 ms, and the interval holds the point. */
	d = nkt_stats_boot_median_diff(a, 4, b, 3, 0.95, 2000, 7);
	CHECK(d.lo <= 100.0 && d.hi >= 99.0);
	CHECK(d.lo > 98 && d.hi < 102);
	/* A wider level gives a wider interval. */
	ci = nkt_stats_boot_median(a, 4, 0.5, 2000, 1);
	again = nkt_stats_boot_median(a, 4, 0.99, 2000, 1);
	CHECK(again.lo <= ci.lo && again.hi >= ci.hi);
}

/* The linear-time median equals the sorting one, bit for bit, on random
 * arrays with many ties, odd and even lengths. */
static void test_median_select(void)
{
	uint64_t x = 12345;
	int round, bad = 0;
	for (round = 0; round < 2000; round++) {
		double a[257], b[257];
		size_t n = 1 + (size_t)(round % 257), i;
		for (i = 0; i < n; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			a[i] = b[i] = (double)(x % (round % 3 ? 50 : 100000)) /
				      7.0;
		}
		if (nkt_stats_median(a, n) != nkt_stats_median_select(b, n))
			bad++;
	}
	CHECK_INT(bad, 0);
}

int main(void)
{
	test_median_select();
	test_quantiles();
	test_intervals();
	test_tests();
	test_bootstrap();
	return nkt_test_done("test_stats");
}
