/* SPDX-License-Identifier: ISC */
/*
 * stats.h: the statistics behind compare's numbers.  Pure and
 * deterministic (bootstrap draws come from a seeded generator).
 *
 *  - quantiles: linear interpolation between order statistics (type 7,
 *    as R's default and numpy's);
 *  - bootstrap CI of a median, and of a difference of medians, resampling
 *    whole targets (clusters) with replacement: probes to one target are
 *    not independent, targets are; percentile interval;
 *  - Wilson score interval of a proportion (loss), Newcombe's hybrid score
 *    interval of a difference of proportions;
 *  - Mann-Whitney U two-sided p-value (normal approximation with tie and
 *    continuity corrections, as scipy's asymptotic method), on one value
 *    per target; Fisher's exact two-sided p-value for a 2x2 table.
 */
#ifndef NKTRACE_STATS_H
#define NKTRACE_STATS_H

#include <stddef.h>
#include <stdint.h>

struct nkt_ci {
	double lo, hi;
};

/* Sort ascending in place. */
void nkt_stats_sort(double *v, size_t n);

/* Quantile q in [0, 1] of sorted v (n > 0), type 7. */
double nkt_stats_quantile(const double *sorted, size_t n, double q);

/* Median of v (sorted in place); NAN when n == 0. */
double nkt_stats_median(double *v, size_t n);

/* The same median in linear time; v is reordered, not sorted. */
double nkt_stats_median_select(double *v, size_t n);

/* Mean absolute difference of consecutive values (jitter, RFC 3393 IPDV
 * style); 0 when n < 2. */
double nkt_stats_jitter(const double *seq, size_t n);

/* z such that a two-sided normal interval of that level holds:
 * z(0.95) = 1.959964. */
double nkt_stats_z(double level);

/* Wilson score interval of k successes in n trials (n > 0). */
struct nkt_ci nkt_stats_wilson(uint64_t k, uint64_t n, double level);

/* Newcombe's hybrid score interval of k1/n1 - k2/n2. */
struct nkt_ci nkt_stats_newcombe(uint64_t k1, uint64_t n1, uint64_t k2,
				 uint64_t n2, double level);

/* Two-sided Mann-Whitney p-value of samples x and y; *u (may be NULL)
 * gets U of x.  1 when either sample is empty. */
double nkt_stats_mannwhitney(const double *x, size_t nx, const double *y,
			     size_t ny, double *u);

/* Two-sided Fisher exact p-value of [[k1, n1-k1], [k2, n2-k2]]. */
double nkt_stats_fisher(uint64_t k1, uint64_t n1, uint64_t k2, uint64_t n2);

/* Samples grouped by cluster (one cluster = one target). */
struct nkt_cluster {
	const double *v;
	size_t n;
};

/* Every value of the n clusters, in one new array (free()) of *m values;
 * never NULL, even when *m is 0. */
double *nkt_stats_pool(const struct nkt_cluster *c, size_t n, size_t *m);

/* Bootstrap percentile CI of the pooled median, resampling clusters;
 * B resamples from `seed`.  A single cluster's values are resampled
 * instead (the interval of that one cluster's median); with no values the
 * interval is NaN. */
struct nkt_ci nkt_stats_boot_median(const struct nkt_cluster *c, size_t n,
				    double level, unsigned B, uint64_t seed);

/* Bootstrap percentile CI of median(a) - median(b), resampling each
 * side's clusters independently (a side of one cluster: its values). */
struct nkt_ci nkt_stats_boot_median_diff(const struct nkt_cluster *a,
					 size_t na,
					 const struct nkt_cluster *b,
					 size_t nb, double level, unsigned B,
					 uint64_t seed);

#endif
