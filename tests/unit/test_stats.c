// SPDX-License-Identifier: ISC
/*
 * test_stats.c: quantiles, the normal and t quantiles, Wilson, loss over
 * hosts and Holm against values computed once with scipy 1.10
 * and statsmodels 0.13 (every case and more, at four levels, is checked
 * against those libraries themselves by tests/stats/test_reference.py),
 * and the properties a loss interval over hosts must have: a host that
 * loses everything widens it, hosts that agree do not, and no interval is
 * narrower than its probes' own binomial one.
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
}

static void test_quantile_functions(void)
{
	/* scipy.stats.norm.ppf, t.cdf, t.ppf */
	CHECK_NEAR(nkt_stats_z(0.95), 1.959963984540054, 1e-14);
	CHECK_NEAR(nkt_stats_z(0.999), 3.2905267314919255, 1e-13);
	CHECK_NEAR(nkt_stats_z(0.5), 0.6744897501960817, 1e-14);
	CHECK_NEAR(nkt_stats_t_cdf(2, 5), 0.9490302605850709, 1e-13);
	CHECK_NEAR(nkt_stats_t_cdf(-2, 5), 1 - 0.9490302605850709, 1e-13);
	CHECK_NEAR(nkt_stats_t_crit(0.95, 3), 3.182446305284263, 1e-9);
	CHECK_NEAR(nkt_stats_t_crit(0.95, INFINITY), 1.959963984540054,
		   1e-14);
	CHECK(nkt_stats_t_crit(0.95, 1000) > 1.96 &&
	      nkt_stats_t_crit(0.95, 1000) < 1.963);
}

static void test_wilson(void)
{
	struct nkt_ci ci;
	ci = nkt_stats_wilson(10, 100, 0.95);
	CHECK_NEAR(ci.lo, 0.0552291370606751, 1e-12);
	CHECK_NEAR(ci.hi, 0.17436566150491345, 1e-12);
	ci = nkt_stats_wilson(0, 50, 0.95);
	CHECK_NEAR(ci.lo, 0, 1e-12);
	CHECK_NEAR(ci.hi, 0.07134759913335872, 1e-12);
	/* The level is the level: 90% and 99.9% differ from 95%. */
	ci = nkt_stats_wilson(3, 40, 0.999);
	CHECK_NEAR(ci.lo, 0.013959515440815001, 1e-12);
	CHECK_NEAR(ci.hi, 0.3171121340291033, 1e-12);
	ci = nkt_stats_wilson(3, 40, 0.9);
	CHECK_NEAR(ci.lo, 0.030370252611738993, 1e-12);
	CHECK_NEAR(ci.hi, 0.17348017873690041, 1e-12);
	ci = nkt_stats_wilson(50, 50, 0.95);
	CHECK_NEAR(ci.hi, 1, 1e-12);
}

static void test_loss(void)
{
	struct nkt_lossc even[10], dark[10], one[1] = {{3, 40}};
	struct nkt_loss l, m;
	struct nkt_ci w;
	size_t i;

	/* One host: Wilson over its probes. */
	nkt_stats_loss(one, 1, 0.95, &l);
	w = nkt_stats_wilson(3, 40, 0.95);
	CHECK_NEAR(l.ci.lo, w.lo, 1e-15);
	CHECK_NEAR(l.ci.hi, w.hi, 1e-15);
	CHECK_INT(l.hosts, 1);
	/* Ten hosts losing 1 of 10 each: no spread between hosts, so the
	 * interval is the probes' own (at least Wilson's). */
	for (i = 0; i < 10; i++) {
		even[i] = (struct nkt_lossc){1, 10};
		dark[i] = (struct nkt_lossc){i == 0 ? 10 : 0, 10};
	}
	nkt_stats_loss(even, 10, 0.95, &l);
	w = nkt_stats_wilson(10, 100, 0.95);
	CHECK_NEAR(l.rate, 0.1, 1e-15);
	CHECK(l.ci.lo <= w.lo && l.ci.hi >= w.hi);
	CHECK(l.ci.hi - l.ci.lo < 1.3 * (w.hi - w.lo));
	/* The same 10% all from one host: a far wider interval. */
	nkt_stats_loss(dark, 10, 0.95, &m);
	CHECK_NEAR(m.rate, 0.1, 1e-15);
	CHECK(m.ci.hi - m.ci.lo > 1.5 * (l.ci.hi - l.ci.lo));
	/* t with 9 degrees of freedom and the ratio estimator's variance:
	 * 10/9 * (9^2 + 9 * 1^2) / 100^2 = 0.01 */
	CHECK_NEAR(m.var, 0.01, 1e-15);
	CHECK_NEAR(m.df, 9, 1e-15);
	CHECK_NEAR(m.ci.hi, 0.1 + nkt_stats_t_crit(0.95, 9) * 0.1, 1e-12);
}

static void test_loss_diff(void)
{
	struct nkt_lossc a[6], b[6];
	struct nkt_loss_diff d;
	size_t i;
	for (i = 0; i < 6; i++) {
		a[i] = (struct nkt_lossc){i == 0 ? 6 : 0, 10};
		b[i] = (struct nkt_lossc){0, 10};
	}
	/* 6 of 60 against 0 of 60: Fisher's exact test over probes says
	 * p=0.028; the six lost probes are one host's, so over hosts it is
	 * no evidence. */
	nkt_stats_loss_diff(a, 6, b, 6, 0.95, &d);
	CHECK(d.valid && d.p > 0.2 && d.ci.lo < 0);
	/* Every host of a losing 3 of 10: a real difference. */
	for (i = 0; i < 6; i++)
		a[i] = (struct nkt_lossc){3, 10};
	nkt_stats_loss_diff(a, 6, b, 6, 0.95, &d);
	CHECK(d.valid && d.p < 0.01 && d.ci.lo > 0.1);
	/* Paired: the same hosts, each 2 of 10 worse on a (the hosts
	 * agree: the probes' variance and degrees of freedom decide). */
	for (i = 0; i < 6; i++) {
		a[i] = (struct nkt_lossc){2 + (i == 0), 10};
		b[i] = (struct nkt_lossc){(i == 1), 10};
	}
	nkt_stats_loss_paired(a, b, 6, 0.95, &d);
	CHECK(d.valid && d.paired && d.df == 118);
	CHECK_NEAR(d.diff, 13.0 / 60 - 1.0 / 60, 1e-15);
	CHECK(d.ci.lo > 0 && d.p < 0.05);
	/* Hosts that disagree: their spread and n - 1 decide. */
	for (i = 0; i < 6; i++) {
		a[i] = (struct nkt_lossc){(uint64_t)(2 * i) % 7, 10};
		b[i] = (struct nkt_lossc){0, 10};
	}
	nkt_stats_loss_paired(a, b, 6, 0.95, &d);
	CHECK(d.valid && d.df == 5);
	CHECK(d.p > 0.01 && d.p < 0.1);
	/* One host a side: no verdict. */
	nkt_stats_loss_diff(a, 1, b, 1, 0.95, &d);
	CHECK(!d.valid && d.p == 1);
}

static void test_holm(void)
{
	/* statsmodels multipletests(method="holm") */
	double p[] = {0.01, 0.04, 0.03, 0.2}, adj[4];
	nkt_stats_holm(p, 4, adj);
	CHECK_NEAR(adj[0], 0.04, 1e-15);
	CHECK_NEAR(adj[1], 0.09, 1e-15);
	CHECK_NEAR(adj[2], 0.09, 1e-15);
	CHECK_NEAR(adj[3], 0.2, 1e-15);
	p[0] = 0.6;
	nkt_stats_holm(p, 1, adj);
	CHECK_NEAR(adj[0], 0.6, 1e-15);
}

int main(void)
{
	test_quantiles();
	test_quantile_functions();
	test_wilson();
	test_loss();
	test_loss_diff();
	test_holm();
	return nkt_test_done("test_stats");
}
