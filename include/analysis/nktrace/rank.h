/* SPDX-License-Identifier: ISC */
/*
 * rank.h: distribution-free comparisons of RTTs (pure, deterministic).
 *
 * Each function estimates one stated quantity, gives the interval that
 * inverts its own test, and that test's two-sided p-value, so that "the
 * interval excludes 0" and "p < 1 - level" say the same thing:
 *
 *  - two independent samples x, y (hosts reached over one transit and
 *    hosts over the other): the Hodges-Lehmann shift, median of all
 *    differences x_i - y_j; the Mann-Whitney test; the interval between
 *    two order statistics of those differences;
 *  - paired differences d_i (the same host over both transits): the
 *    Hodges-Lehmann pseudo-median, median of the Walsh averages
 *    (d_i + d_j) / 2, i <= j; the Wilcoxon signed-rank test (zeros
 *    dropped); the interval between two order statistics of the Walsh
 *    averages;
 *  - one sample: its median, with the interval between two order
 *    statistics that holds the median with binomial(n, 1/2) certainty.
 *
 * Null distributions are exact (no ties, no zeros, and at most
 * NKT_RANK_EXACT_MAX pairs or NKT_RANK_WILCOXON_EXACT_MAX differences),
 * else normal approximations with tie and continuity corrections.  An
 * interval that no pair of order statistics can give at the level (too
 * few units) is NaN, and `conf` then says the most any interval could
 * claim; otherwise `conf` is the interval's own confidence (at least the
 * level: the distributions are discrete).
 */
#ifndef NKTRACE_RANK_H
#define NKTRACE_RANK_H

#include "nktrace/stats.h"

#include <stddef.h>

/* Exact two-sample distribution up to this many pairs (m * n). */
#define NKT_RANK_EXACT_MAX 2500
/* Exact signed-rank distribution up to this many differences. */
#define NKT_RANK_WILCOXON_EXACT_MAX 50

struct nkt_shift {
	double est;       /* the estimate (NaN without data) */
	struct nkt_ci ci; /* NaN when not attainable */
	double conf;      /* the interval's confidence; see above */
	double p;         /* two-sided; 1 without data */
	double stat;      /* U of x, or T+ (sum of positive ranks) */
	size_t n1, n2;    /* units: |x| and |y|, or differences and 0 */
	int exact;        /* 1: exact null distribution; 0: normal */
};

/*
 * x - y: Hodges-Lehmann shift, Mann-Whitney p and the inverted interval
 * at `level` (e.g. 0.95).  Neither input is modified.  With an empty
 * side: est NaN, p 1, interval NaN.
 */
void nkt_rank_mw(const double *x, size_t nx, const double *y, size_t ny,
		 double level, struct nkt_shift *out);

/*
 * Paired differences d: pseudo-median, Wilcoxon signed-rank p (zeros
 * dropped, as Wilcoxon did) and the inverted interval.  d is not
 * modified.  n1 is the number of non-zero differences.
 */
void nkt_rank_wilcoxon(const double *d, size_t n, double level,
		       struct nkt_shift *out);

/*
 * Median of v with its order-statistic interval (p and stat unused: p is
 * 1).  A sample of one gives that value and no interval.
 */
void nkt_rank_median(const double *v, size_t n, double level,
		     struct nkt_shift *out);

/*
 * Brunner and Munzel's test of x against y (two-sided p): the null is
 * that a value of x is as likely to exceed one of y as the reverse, with
 * no assumption that the two spreads or shapes are equal (Mann-Whitney's
 * shift model assumes they are), the statistic against Student's t with
 * Satterthwaite's degrees of freedom, as scipy.stats.brunnermunzel.  NaN
 * with fewer than 2 a side, or when the samples separate completely (no
 * variance to estimate: the rank tests' own p-values then stand).
 */
double nkt_rank_brunner_munzel(const double *x, size_t nx, const double *y,
			       size_t ny);

/*
 * The interval of the shift d (the median of x - y: Hodges-Lehmann's
 * estimand) whose Brunner-Munzel test of x - d against y keeps d at
 * `level`: valid when the spreads differ, where Mann-Whitney's inverted
 * interval assumes they do not.  est: a shift inside it (the
 * Hodges-Lehmann estimate).  Found by bisection to the double; NaN with
 * fewer than 2 a side or when est itself is rejected.
 */
struct nkt_ci nkt_rank_bm_interval(const double *x, size_t nx,
				   const double *y, size_t ny, double est,
				   double level);

/* P(U <= u) for Mann-Whitney sizes (m, n) without ties, exact; NaN when
 * m * n > NKT_RANK_EXACT_MAX.  For tests and the reference checks. */
double nkt_rank_mw_cdf(size_t m, size_t n, double u);

/* P(T+ <= t) for n differences without ties or zeros, exact; NaN when n >
 * NKT_RANK_WILCOXON_EXACT_MAX. */
double nkt_rank_wilcoxon_cdf(size_t n, double t);

#endif
