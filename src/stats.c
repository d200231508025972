// SPDX-License-Identifier: ISC
/* stats.c: quantiles, bootstrap, Wilson/Newcombe, Mann-Whitney, Fisher.
 * Pure; the bootstrap's generator is seeded by the caller. */
#include "nktrace/stats.h"
#include "nktrace/common.h"

#include <math.h>
#include <stdlib.h>

static int cmp_d(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;
	return a < b ? -1 : a > b;
}

void nkt_stats_sort(double *v, size_t n)
{
	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_d);
}

double nkt_stats_quantile(const double *s, size_t n, double q)
{
	double h, f;
	size_t i;
	if (n == 0)
		return NAN;
	h = (double)(n - 1) * q;
	i = (size_t)floor(h);
	f = h - (double)i;
	if (i + 1 >= n)
		return s[n - 1];
	return s[i] + f * (s[i + 1] - s[i]);
}

double nkt_stats_median(double *v, size_t n)
{
	nkt_stats_sort(v, n);
	return nkt_stats_quantile(v, n, 0.5);
}

/* Put the k-th smallest of v[0..n) at v[k], smaller ones before it and
 * larger ones after (Hoare's selection, median-of-three pivots). */
static void select_kth(double *v, size_t n, size_t k)
{
	size_t lo = 0, hi = n - 1;
	while (hi > lo) {
		size_t mid = lo + (hi - lo) / 2, i = lo, j = hi;
		double a = v[lo], b = v[mid], c = v[hi], pivot, t;
		pivot = a < b ? (b < c ? b : (a < c ? c : a))
			      : (a < c ? a : (b < c ? c : b));
		for (;;) {
			while (v[i] < pivot)
				i++;
			while (v[j] > pivot)
				j--;
			if (i >= j)
				break;
			t = v[i];
			v[i] = v[j];
			v[j] = t;
			i++;
			j--;
		}
		/* v[lo..j] <= pivot <= v[j+1..hi] */
		if (k <= j)
			hi = j;
		else
			lo = j + 1;
	}
}

double nkt_stats_median_select(double *v, size_t n)
{
	size_t i, k;
	double next;
	if (n == 0)
		return NAN;
	k = (n - 1) / 2;
	select_kth(v, n, k);
	if (n % 2 == 1)
		return v[k];
	next = v[k + 1];
	for (i = k + 2; i < n; i++)
		if (v[i] < next)
			next = v[i];
	return v[k] + 0.5 * (next - v[k]);
}

double nkt_stats_jitter(const double *seq, size_t n)
{
	double sum = 0;
	size_t i;
	if (n < 2)
		return 0;
	for (i = 1; i < n; i++)
		sum += fabs(seq[i] - seq[i - 1]);
	return sum / (double)(n - 1);
}

/* Inverse of the standard normal CDF (Acklam's rational approximation,
 * relative error below 1.2e-9). */
static double probit(double p)
{
	static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,
				   -2.759285104469687e+02, 1.383577518672690e+02,
				   -3.066479806614716e+01, 2.506628277459239e+00};
	static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02,
				   -1.556989798598866e+02, 6.680131188771972e+01,
				   -1.328068155288572e+01};
	static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01,
				   -2.400758277161838e+00, -2.549732539343734e+00,
				   4.374664141464968e+00,  2.938163982698783e+00};
	static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01,
				   2.445134137142996e+00, 3.754408661907416e+00};
	double q, r;

	if (p < 0.02425) {
		q = sqrt(-2 * log(p));
		return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q +
			 c[4]) * q + c[5]) /
		       ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
	}
	if (p > 1 - 0.02425)
		return -probit(1 - p);
	q = p - 0.5;
	r = q * q;
	return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r +
		a[5]) * q /
	       (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r +
		1);
}

double nkt_stats_z(double level)
{
	return probit(1.0 - (1.0 - level) / 2.0);
}

struct nkt_ci nkt_stats_wilson(uint64_t k, uint64_t n, double level)
{
	double z = nkt_stats_z(level), p, den, c, h;
	struct nkt_ci ci = {0, 1};
	if (n == 0)
		return ci;
	p = (double)k / (double)n;
	den = 1 + z * z / (double)n;
	c = (p + z * z / (2.0 * (double)n)) / den;
	h = z * sqrt(p * (1 - p) / (double)n +
		     z * z / (4.0 * (double)n * (double)n)) /
	    den;
	ci.lo = c - h < 0 ? 0 : c - h;
	ci.hi = c + h > 1 ? 1 : c + h;
	return ci;
}

struct nkt_ci nkt_stats_newcombe(uint64_t k1, uint64_t n1, uint64_t k2,
				 uint64_t n2, double level)
{
	struct nkt_ci w1 = nkt_stats_wilson(k1, n1, level),
		      w2 = nkt_stats_wilson(k2, n2, level), ci;
	double p1 = n1 ? (double)k1 / (double)n1 : 0,
	       p2 = n2 ? (double)k2 / (double)n2 : 0, d = p1 - p2;
	ci.lo = d - sqrt((p1 - w1.lo) * (p1 - w1.lo) +
			 (w2.hi - p2) * (w2.hi - p2));
	ci.hi = d + sqrt((w1.hi - p1) * (w1.hi - p1) +
			 (p2 - w2.lo) * (p2 - w2.lo));
	return ci;
}

struct ranked {
	double v;
	int from_x;
};

static int cmp_ranked(const void *x, const void *y)
{
	const struct ranked *a = x, *b = y;
	return a->v < b->v ? -1 : a->v > b->v;
}

double nkt_stats_mannwhitney(const double *x, size_t nx, const double *y,
			     size_t ny, double *u)
{
	size_t n = nx + ny, i, j;
	struct ranked *r;
	double rx = 0, tie = 0, u1, u2, mu, sd, z, big;

	if (nx == 0 || ny == 0) {
		if (u != NULL)
			*u = 0;
		return 1.0;
	}
	r = nkt_xreallocarray(NULL, n, sizeof(*r));
	for (i = 0; i < nx; i++)
		r[i] = (struct ranked){x[i], 1};
	for (i = 0; i < ny; i++)
		r[nx + i] = (struct ranked){y[i], 0};
	qsort(r, n, sizeof(*r), cmp_ranked);
	for (i = 0; i < n; i = j) {
		double rank, t;
		for (j = i + 1; j < n && r[j].v == r[i].v; j++)
			;
		rank = ((double)i + 1 + (double)j) / 2.0; /* average rank */
		t = (double)(j - i);
		tie += t * t * t - t;
		for (size_t k = i; k < j; k++)
			if (r[k].from_x)
				rx += rank;
	}
	free(r);
	u1 = rx - (double)nx * ((double)nx + 1) / 2.0;
	u2 = (double)nx * (double)ny - u1;
	if (u != NULL)
		*u = u1;
	big = u1 > u2 ? u1 : u2;
	mu = (double)nx * (double)ny / 2.0;
	sd = sqrt((double)nx * (double)ny / 12.0 *
		  (((double)n + 1) - tie / ((double)n * ((double)n - 1))));
	if (sd == 0)
		return 1.0;
	z = (big - mu - 0.5) / sd;
	if (z < 0)
		z = 0;
	z = erfc(z / sqrt(2.0));
	return z > 1 ? 1 : z;
}

static double log_hyper(uint64_t x, uint64_t n1, uint64_t n2, uint64_t k)
{
	/* P(X = x): x of the k events in the n1 row, hypergeometric. */
	return lgamma((double)n1 + 1) - lgamma((double)x + 1) -
	       lgamma((double)(n1 - x) + 1) + lgamma((double)n2 + 1) -
	       lgamma((double)(k - x) + 1) -
	       lgamma((double)(n2 - (k - x)) + 1) -
	       (lgamma((double)(n1 + n2) + 1) - lgamma((double)k + 1) -
		lgamma((double)(n1 + n2 - k) + 1));
}

double nkt_stats_fisher(uint64_t k1, uint64_t n1, uint64_t k2, uint64_t n2)
{
	uint64_t k = k1 + k2, lo, hi, x;
	double p_obs, p = 0;

	if (n1 == 0 || n2 == 0 || k1 > n1 || k2 > n2)
		return 1.0;
	lo = k > n2 ? k - n2 : 0;
	hi = k < n1 ? k : n1;
	p_obs = log_hyper(k1, n1, n2, k);
	for (x = lo; x <= hi; x++) {
		double lp = log_hyper(x, n1, n2, k);
		/* Tables as extreme as or more than the observed one (with
		 * R's relative tolerance). */
		if (lp <= p_obs + 1e-7 * fabs(p_obs) + 1e-12)
			p += exp(lp);
	}
	return p > 1 ? 1 : p;
}

/* xoshiro-style generator: splitmix64 stepping, enough for resampling. */
static uint64_t next_u64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static size_t pick(uint64_t *s, size_t n)
{
	return (size_t)(next_u64(s) % n);
}

/* Median of a resample of clusters, pooled, into scratch.  A single
 * cluster (one target) has no between-cluster spread to resample: its
 * values are resampled instead, so the interval says how well that one
 * target's median is known rather than pretending to be exact. */
static double resample_median(const struct nkt_cluster *c, size_t n,
			      double *scratch, uint64_t *s)
{
	size_t i, m = 0;
	if (n == 1) {
		for (i = 0; i < c->n; i++)
			scratch[m++] = c->v[pick(s, c->n)];
		return m ? nkt_stats_median_select(scratch, m) : NAN;
	}
	for (i = 0; i < n; i++) {
		const struct nkt_cluster *k = &c[pick(s, n)];
		for (size_t j = 0; j < k->n; j++)
			scratch[m++] = k->v[j];
	}
	return m ? nkt_stats_median_select(scratch, m) : NAN;
}

static size_t total(const struct nkt_cluster *c, size_t n, size_t *largest)
{
	size_t i, t = 0;
	*largest = 0;
	for (i = 0; i < n; i++) {
		t += c[i].n;
		if (c[i].n > *largest)
			*largest = c[i].n;
	}
	return t;
}

double *nkt_stats_pool(const struct nkt_cluster *c, size_t n, size_t *m)
{
	size_t big, t = total(c, n, &big), i;
	double *v = nkt_xreallocarray(NULL, t ? t : 1, sizeof(*v));
	for (*m = 0, i = 0; i < n; i++)
		for (size_t j = 0; j < c[i].n; j++)
			v[(*m)++] = c[i].v[j];
	return v;
}

static double pooled_median(const struct nkt_cluster *c, size_t n)
{
	size_t m;
	double *v = nkt_stats_pool(c, n, &m);
	double med = m ? nkt_stats_median(v, m) : NAN;
	free(v);
	return med;
}

static struct nkt_ci percentile_ci(double *est, size_t B, double level)
{
	struct nkt_ci ci;
	size_t m = 0, i;
	for (i = 0; i < B; i++)
		if (!isnan(est[i]))
			est[m++] = est[i];
	nkt_stats_sort(est, m);
	ci.lo = nkt_stats_quantile(est, m, (1 - level) / 2);
	ci.hi = nkt_stats_quantile(est, m, 1 - (1 - level) / 2);
	return ci;
}

struct nkt_ci nkt_stats_boot_median(const struct nkt_cluster *c, size_t n,
				    double level, unsigned B, uint64_t seed)
{
	size_t big, t = total(c, n, &big), b;
	double *scratch, *est;
	struct nkt_ci ci;
	uint64_t s = seed;

	if (n == 0 || t == 0 || B == 0) {
		ci.lo = ci.hi = pooled_median(c, n);
		return ci;
	}
	scratch = nkt_xreallocarray(NULL, n * big, sizeof(*scratch));
	est = nkt_xreallocarray(NULL, B, sizeof(*est));
	for (b = 0; b < B; b++)
		est[b] = resample_median(c, n, scratch, &s);
	ci = percentile_ci(est, B, level);
	free(scratch);
	free(est);
	return ci;
}

struct nkt_ci nkt_stats_boot_median_diff(const struct nkt_cluster *a,
					 size_t na,
					 const struct nkt_cluster *b,
					 size_t nb, double level, unsigned B,
					 uint64_t seed)
{
	size_t biga, bigb, ta = total(a, na, &biga), tb = total(b, nb, &bigb);
	double *sa, *sb, *est;
	struct nkt_ci ci;
	uint64_t s = seed;
	unsigned i;

	if (ta == 0 || tb == 0 || B == 0) {
		ci.lo = ci.hi = pooled_median(a, na) - pooled_median(b, nb);
		return ci;
	}
	sa = nkt_xreallocarray(NULL, na * biga, sizeof(*sa));
	sb = nkt_xreallocarray(NULL, nb * bigb, sizeof(*sb));
	est = nkt_xreallocarray(NULL, B, sizeof(*est));
	for (i = 0; i < B; i++)
		est[i] = resample_median(a, na, sa, &s) -
			 resample_median(b, nb, sb, &s);
	ci = percentile_ci(est, B, level);
	free(sa);
	free(sb);
	free(est);
	return ci;
}
