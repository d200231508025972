// SPDX-License-Identifier: ISC
/* stats.c: quantiles, normal and t quantiles, Wilson, loss clustered by
 * host (ratio variance, paired and unpaired t), Holm.  Rank tests and
 * their intervals are in rank.c.  Pure: no clock, no randomness. */
#include "nktrace/stats.h"
#include "nktrace/common.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

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

/* Inverse of the standard normal CDF (Acklam's rational approximation,
 * relative error below 1.2e-9; nkt_stats_z refines it). */
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
	double p = 1.0 - (1.0 - level) / 2.0, x = probit(p), e, u;
	/* One Halley step on Acklam's 1e-9 brings it to double precision. */
	e = 0.5 * erfc(-x / sqrt(2.0)) - p;
	u = e * sqrt(2 * M_PI) * exp(x * x / 2);
	return x - u / (1 + x * u / 2);
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

/* ---- Student's t ------------------------------------------------------ */

/* Continued fraction of the incomplete beta function (modified Lentz). */
static double betacf(double a, double b, double x)
{
	const double tiny = 1e-300, eps = 1e-15;
	double c = 1, d = 1 - (a + b) * x / (a + 1), h;
	int m;
	if (fabs(d) < tiny)
		d = tiny;
	d = 1 / d;
	h = d;
	for (m = 1; m <= 10000; m++) {
		double m2 = 2.0 * m, aa, del;
		aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
		d = 1 + aa * d;
		d = fabs(d) < tiny ? tiny : d;
		c = 1 + aa / c;
		c = fabs(c) < tiny ? tiny : c;
		d = 1 / d;
		h *= d * c;
		aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
		d = 1 + aa * d;
		d = fabs(d) < tiny ? tiny : d;
		c = 1 + aa / c;
		c = fabs(c) < tiny ? tiny : c;
		d = 1 / d;
		del = d * c;
		h *= del;
		if (fabs(del - 1) < eps)
			break;
	}
	return h;
}

/* The regularised incomplete beta function I_x(a, b). */
static double ibeta(double a, double b, double x)
{
	double front;
	if (x <= 0)
		return 0;
	if (x >= 1)
		return 1;
	front = exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) +
		    b * log1p(-x));
	if (x < (a + 1) / (a + b + 2))
		return front * betacf(a, b, x) / a;
	return 1 - front * betacf(b, a, 1 - x) / b;
}

double nkt_stats_t_cdf(double t, double df)
{
	double tail;
	if (isnan(t) || isnan(df) || df <= 0)
		return NAN;
	if (isinf(df))
		return 0.5 * erfc(-t / sqrt(2.0));
	/* P(|T| > |t|) = I_{df/(df+t^2)}(df/2, 1/2) */
	tail = 0.5 * ibeta(df / 2, 0.5, df / (df + t * t));
	return t >= 0 ? 1 - tail : tail;
}

double nkt_stats_t_crit(double level, double df)
{
	double lo = 0, hi = 1;
	int i;
	if (isinf(df))
		return nkt_stats_z(level);
	while (2 * nkt_stats_t_cdf(hi, df) - 1 < level && hi < 1e12)
		hi *= 2;
	for (i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
		double mid = (lo + hi) / 2;
		if (2 * nkt_stats_t_cdf(mid, df) - 1 < level)
			lo = mid;
		else
			hi = mid;
	}
	return (lo + hi) / 2;
}

/* ---- loss over hosts ---------------------------------------------------- */

/* Agresti-Caffo: the binomial variance of a rate with one loss and one
 * answer added, a floor no set of hosts goes below (a set of hosts that
 * each lost exactly the same share has no spread between them, but its
 * probes still do). */
static double binom_floor(uint64_t lost, uint64_t sent)
{
	double p = ((double)lost + 1) / ((double)sent + 2);
	return p * (1 - p) / ((double)sent + 2);
}

static void loss_side(const struct nkt_lossc *c, size_t n, struct nkt_loss *o)
{
	double ss = 0;
	size_t i;
	memset(o, 0, sizeof(*o));
	for (i = 0; i < n; i++)
		if (c[i].sent > 0) {
			o->lost += c[i].lost;
			o->sent += c[i].sent;
			o->hosts++;
		}
	o->rate = o->sent ? (double)o->lost / (double)o->sent : NAN;
	o->ci.lo = o->ci.hi = NAN;
	if (o->sent == 0)
		return;
	for (i = 0; i < n; i++) {
		double r;
		if (c[i].sent == 0)
			continue;
		r = (double)c[i].lost - o->rate * (double)c[i].sent;
		ss += r * r;
	}
	o->df = (double)o->hosts - 1;
	o->var = o->hosts > 1 ? (double)o->hosts / o->df * ss /
					((double)o->sent * (double)o->sent)
			      : 0;
	/* Below the probes' own variance, the probes' degrees of freedom. */
	if (o->var < binom_floor(o->lost, o->sent)) {
		o->var = binom_floor(o->lost, o->sent);
		o->df = (double)o->sent - 1;
	}
}

void nkt_stats_loss(const struct nkt_lossc *c, size_t n, double level,
		    struct nkt_loss *out)
{
	struct nkt_ci w;
	double h;
	loss_side(c, n, out);
	if (out->sent == 0)
		return;
	w = nkt_stats_wilson(out->lost, out->sent, level);
	if (out->hosts < 2) {
		out->ci = w;
		return;
	}
	h = nkt_stats_t_crit(level, out->df) * sqrt(out->var);
	out->ci.lo = fmax(0, fmin(out->rate - h, w.lo));
	out->ci.hi = fmin(1, fmax(out->rate + h, w.hi));
}

static void t_test(double d, double var, double df, double level,
		   struct nkt_loss_diff *out)
{
	double se = sqrt(var), h = nkt_stats_t_crit(level, df) * se;
	out->diff = d;
	out->df = df;
	out->ci.lo = d - h;
	out->ci.hi = d + h;
	out->p = se > 0 ? 2 * (1 - nkt_stats_t_cdf(fabs(d) / se, df))
			: (d == 0 ? 1 : 0);
	if (out->p > 1)
		out->p = 1;
}

void nkt_stats_loss_diff(const struct nkt_lossc *a, size_t na,
			 const struct nkt_lossc *b, size_t nb, double level,
			 struct nkt_loss_diff *out)
{
	struct nkt_loss sa, sb;
	double v, den;
	memset(out, 0, sizeof(*out));
	out->diff = out->ci.lo = out->ci.hi = NAN;
	out->p = 1;
	loss_side(a, na, &sa);
	loss_side(b, nb, &sb);
	if (sa.hosts < 2 || sb.hosts < 2)
		return;
	out->valid = 1;
	v = sa.var + sb.var;
	den = sa.var * sa.var / sa.df + sb.var * sb.var / sb.df;
	t_test(sa.rate - sb.rate, v, den > 0 ? v * v / den : INFINITY, level,
	       out);
}

void nkt_stats_loss_paired(const struct nkt_lossc *a,
			   const struct nkt_lossc *b, size_t n, double level,
			   struct nkt_loss_diff *out)
{
	struct nkt_loss sa, sb;
	struct nkt_lossc *x = nkt_xcalloc(n ? n : 1, sizeof(*x));
	struct nkt_lossc *y = nkt_xcalloc(n ? n : 1, sizeof(*y));
	double ss = 0, v, floor_v;
	size_t i, k = 0;
	memset(out, 0, sizeof(*out));
	out->diff = out->ci.lo = out->ci.hi = NAN;
	out->p = 1;
	out->paired = 1;
	/* Only hosts with probes on both sides. */
	for (i = 0; i < n; i++)
		if (a[i].sent > 0 && b[i].sent > 0) {
			x[k] = a[i];
			y[k++] = b[i];
		}
	loss_side(x, k, &sa);
	loss_side(y, k, &sb);
	if (k >= 2) {
		for (i = 0; i < k; i++) {
			double z = ((double)x[i].lost -
				    sa.rate * (double)x[i].sent) /
					   (double)sa.sent -
				   ((double)y[i].lost -
				    sb.rate * (double)y[i].sent) /
					   (double)sb.sent;
			ss += z * z;
		}
		v = (double)k / (double)(k - 1) * ss;
		floor_v = binom_floor(sa.lost, sa.sent) +
			  binom_floor(sb.lost, sb.sent);
		out->valid = 1;
		t_test(sa.rate - sb.rate, v > floor_v ? v : floor_v,
		       v > floor_v ? (double)(k - 1)
				   : (double)(sa.sent + sb.sent - 2),
		       level, out);
	}
	free(x);
	free(y);
}

struct pidx {
	double p;
	size_t i;
};

static int cmp_pidx(const void *x, const void *y)
{
	const struct pidx *a = x, *b = y;
	if (a->p != b->p)
		return a->p < b->p ? -1 : 1;
	return a->i < b->i ? -1 : a->i > b->i;
}

void nkt_stats_holm(const double *p, size_t n, double *adj)
{
	struct pidx *s = nkt_xcalloc(n ? n : 1, sizeof(*s));
	double run = 0;
	size_t i;
	for (i = 0; i < n; i++)
		s[i] = (struct pidx){p[i], i};
	qsort(s, n, sizeof(*s), cmp_pidx);
	for (i = 0; i < n; i++) {
		double a = (double)(n - i) * s[i].p;
		if (a > 1)
			a = 1;
		if (a > run)
			run = a;
		adj[s[i].i] = run;
	}
	free(s);
}
