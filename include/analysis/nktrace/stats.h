/* SPDX-License-Identifier: ISC */
/*
 * stats.h: the statistics behind compare's numbers.  Pure and
 * deterministic.
 *
 *  - quantiles: linear interpolation between order statistics (type 7,
 *    as R's default and numpy's);
 *  - the normal quantile z of a two-sided level;
 *  - Wilson score interval of a proportion (the loss of one host);
 *  - Student's t distribution;
 *  - loss over hosts: probes to one host are not independent (a host goes
 *    dark, a link loses in bursts), hosts are; the pooled loss rate with a
 *    cluster-robust (ratio estimator) variance, never below the binomial
 *    variance of the pooled probes (Agresti-Caffo), and t intervals and
 *    tests with the hosts' degrees of freedom, or the probes' where that
 *    floor decided (Welch-Satterthwaite for two sides, n-1 for hosts
 *    measured over both);
 *  - Holm's step-down adjustment of several p-values.
 * (Comparisons of RTTs are rank-based: rank.h.)
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

/* z such that a two-sided normal interval of that level holds:
 * z(0.95) = 1.959964. */
double nkt_stats_z(double level);

/* Wilson score interval of k successes in n trials (n > 0). */
struct nkt_ci nkt_stats_wilson(uint64_t k, uint64_t n, double level);

/* P(T <= t) for Student's t with df > 0 degrees of freedom (df may be
 * fractional; INFINITY gives the normal). */
double nkt_stats_t_cdf(double t, double df);

/* The c with P(|T| <= c) = level, T Student's t with df degrees of
 * freedom. */
double nkt_stats_t_crit(double level, double df);

/* One host's end-to-end probes. */
struct nkt_lossc {
	uint64_t lost, sent;
};

/* The loss rate of a set of hosts. */
struct nkt_loss {
	double rate;      /* sum lost / sum sent; NaN when nothing was sent */
	struct nkt_ci ci; /* at the level; see nkt_stats_loss */
	double var;       /* variance of rate (cluster-robust, floored) */
	double df;        /* hosts - 1 (0 for one host); probes - 1 where
			     the floor set the variance */
	size_t hosts;     /* hosts with probes sent */
	uint64_t lost, sent;
};

/*
 * Loss over n hosts.  One host: Wilson over its probes.  Several: rate +-
 * t(hosts - 1) * sqrt(var), widened to hold the Wilson interval of the
 * pooled probes too, within [0, 1].
 */
void nkt_stats_loss(const struct nkt_lossc *c, size_t n, double level,
		    struct nkt_loss *out);

/* A difference of loss rates a - b, its interval and test. */
struct nkt_loss_diff {
	int valid;        /* both sides have at least two hosts */
	double diff;
	struct nkt_ci ci;
	double p;         /* two-sided t test of the same difference */
	double df;
	int paired;
};

/* Independent hosts on each side: Welch's t with the sides' variances
 * and Satterthwaite's degrees of freedom. */
void nkt_stats_loss_diff(const struct nkt_lossc *a, size_t na,
			 const struct nkt_lossc *b, size_t nb, double level,
			 struct nkt_loss_diff *out);

/* The same n hosts on both sides (a[i] and b[i] are host i): the
 * difference's variance from each host's linearised contribution, n - 1
 * degrees of freedom. */
void nkt_stats_loss_paired(const struct nkt_lossc *a,
			   const struct nkt_lossc *b, size_t n, double level,
			   struct nkt_loss_diff *out);

/* Holm's step-down adjusted p-values (adj[i] for p[i]), n <= 4096. */
void nkt_stats_holm(const double *p, size_t n, double *adj);

#endif
