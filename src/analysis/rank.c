// SPDX-License-Identifier: ISC
/*
 * rank.c: Hodges-Lehmann estimates with the Mann-Whitney and Wilcoxon
 * tests they belong to, and order-statistic intervals (see rank.h).
 * Pure; memory is O(m + n) except the exact null distributions, which are
 * bounded by NKT_RANK_EXACT_MAX and NKT_RANK_WILCOXON_EXACT_MAX.
 *
 * Order statistics of the m*n differences (or n(n+1)/2 Walsh averages)
 * are found without building them: a bisection over the doubles' bit
 * patterns (64 steps) with an O(m + n) count at each step, so a border
 * comparison over thousands of traces needs no quadratic memory.
 */
#include "nktrace/rank.h"
#include "nktrace/common.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static double *sorted_copy(const double *v, size_t n)
{
	double *s = nkt_xreallocarray(NULL, n ? n : 1, sizeof(*s));
	memcpy(s, v, n * sizeof(*s));
	nkt_stats_sort(s, n);
	return s;
}

/* ---- order statistics of pairwise quantities --------------------------- */

/* A key whose unsigned order is the doubles' order (no NaN here). */
static uint64_t dkey(double d)
{
	uint64_t u;
	memcpy(&u, &d, sizeof(u));
	return (u >> 63) ? ~u : u | (1ULL << 63);
}

static double dval(uint64_t k)
{
	uint64_t u = (k >> 63) ? k & ~(1ULL << 63) : ~k;
	double d;
	memcpy(&d, &u, sizeof(d));
	return d;
}

/* How many of the pairwise values are <= v (x, y sorted ascending). */
typedef uint64_t (*count_fn)(const double *x, size_t nx, const double *y,
			     size_t ny, double v);

/* #{(i, j): x_i - y_j <= v}.  For a fixed i the pairs that count are a
 * suffix of y, whose start only moves right as x_i grows. */
static uint64_t count_diff(const double *x, size_t nx, const double *y,
			   size_t ny, double v)
{
	uint64_t c = 0;
	size_t i, j = 0;
	for (i = 0; i < nx; i++) {
		while (j < ny && x[i] - y[j] > v)
			j++;
		c += ny - j;
	}
	return c;
}

/* #{i <= j: (d_i + d_j) / 2 <= v}, d sorted (x); y unused.  For a fixed
 * i the pairs that count are j in [i, J_i], and J_i only moves left. */
static uint64_t count_walsh(const double *d, size_t n, const double *y,
			    size_t ny, double v)
{
	uint64_t c = 0;
	size_t i;
	size_t j = n; /* one past the last j that counts */
	(void)y;
	(void)ny;
	for (i = 0; i < n; i++) {
		while (j > i && (d[i] + d[j - 1]) / 2 > v)
			j--;
		if (j <= i)
			break;
		c += j - i;
	}
	return c;
}

/* The k-th smallest (1-based) pairwise value, between lo and hi (the
 * smallest and largest of them). */
static double kth(count_fn count, const double *x, size_t nx,
		  const double *y, size_t ny, uint64_t k, double lo, double hi)
{
	uint64_t a = dkey(lo), b = dkey(hi);
	if (count(x, nx, y, ny, lo) >= k)
		return lo;
	/* count(dval(a)) < k <= count(dval(b)) */
	while (b - a > 1) {
		uint64_t m = a + (b - a) / 2;
		if (count(x, nx, y, ny, dval(m)) >= k)
			b = m;
		else
			a = m;
	}
	return dval(b);
}

/* ---- null distributions -------------------------------------------------- */

/*
 * P(U <= u) for u = 0..m*n: the Mann-Whitney U of sizes (m, n) without
 * ties.  P(m, n, u) = m/(m+n) P(m-1, n, u-n) + n/(m+n) P(m, n-1, u), built
 * up row by row over m; probabilities, not counts, so nothing overflows.
 */
static double *mw_dist(size_t m, size_t n)
{
	size_t w = m * n + 1, a, b, u;
	double *prev = nkt_xcalloc((n + 1) * w, sizeof(double));
	double *cur = nkt_xcalloc((n + 1) * w, sizeof(double));
	double *cdf, *t;

	for (b = 0; b <= n; b++)
		prev[b * w] = 1; /* m = 0: U is 0 */
	for (a = 1; a <= m; a++) {
		memset(cur, 0, (n + 1) * w * sizeof(double));
		cur[0] = 1; /* n = 0 */
		for (b = 1; b <= n; b++) {
			double pa = (double)a / (double)(a + b);
			double pb = (double)b / (double)(a + b);
			for (u = 0; u <= a * b; u++) {
				double v = 0;
				if (u >= b && u - b <= (a - 1) * b)
					v += pa * prev[b * w + u - b];
				if (u <= a * (b - 1))
					v += pb * cur[(b - 1) * w + u];
				cur[b * w + u] = v;
			}
		}
		t = prev;
		prev = cur;
		cur = t;
	}
	cdf = nkt_xcalloc(w, sizeof(double));
	for (u = 0; u < w; u++)
		cdf[u] = (u ? cdf[u - 1] : 0) + prev[n * w + u];
	free(prev);
	free(cur);
	return cdf;
}

/* P(T+ <= t) for t = 0..n(n+1)/2: subset sums of the ranks 1..n, each
 * subset with probability 2^-n. */
static double *wilcoxon_dist(size_t n)
{
	size_t top = n * (n + 1) / 2, r, s;
	double *p = nkt_xcalloc(top + 1, sizeof(double));
	p[0] = 1;
	for (r = 1; r <= n; r++)
		for (s = top; s + 1 > 0; s--) {
			double v = p[s] * 0.5;
			if (s >= r)
				v += p[s - r] * 0.5;
			p[s] = v;
			if (s == 0)
				break;
		}
	for (s = 1; s <= top; s++)
		p[s] += p[s - 1];
	return p;
}

double nkt_rank_mw_cdf(size_t m, size_t n, double u)
{
	double *cdf, v;
	if (m * n > NKT_RANK_EXACT_MAX)
		return NAN;
	if (u < 0)
		return 0;
	if (u >= (double)(m * n))
		return 1;
	cdf = mw_dist(m, n);
	v = cdf[(size_t)floor(u)];
	free(cdf);
	return v;
}

double nkt_rank_wilcoxon_cdf(size_t n, double t)
{
	double *cdf, v;
	if (n > NKT_RANK_WILCOXON_EXACT_MAX)
		return NAN;
	if (t < 0)
		return 0;
	if (t >= (double)(n * (n + 1) / 2))
		return 1;
	cdf = wilcoxon_dist(n);
	v = cdf[(size_t)floor(t)];
	free(cdf);
	return v;
}

/* ---- the inversion shared by both tests ------------------------------------ */

/* (1 - level) / 2, a hair wider: a distribution that puts exactly that
 * much in a tail attains the level, whatever 1 - 0.8 rounds to. */
static double tail_of(double level)
{
	return (1 - level) / 2 * (1 + 1e-9);
}

/*
 * A statistic S = #{pairwise values > delta} with N pairwise values, an
 * exact cdf (or NULL: normal with mean N/2 and sd), inverted at `level`:
 * the interval is [V_(c+1), V_(N-c)] for the largest c with P(S <= c) <=
 * (1 - level) / 2.  Sets out->ci, out->conf.
 */
static void invert(const double *cdf, uint64_t N, double sd, double level,
		   count_fn count, const double *x, size_t nx,
		   const double *y, size_t ny, double lo, double hi,
		   struct nkt_shift *out)
{
	double tail = tail_of(level), pc;
	int64_t c;

	if (cdf != NULL) {
		for (c = -1; c + 1 <= (int64_t)N && cdf[c + 1] <= tail; c++)
			;
		pc = c >= 0 ? cdf[c] : 0;
		if (c < 0) {
			out->conf = 1 - 2 * cdf[0];
			return;
		}
	} else {
		double mu = (double)N / 2, z = nkt_stats_z(level);
		c = sd > 0 ? (int64_t)floor(mu - z * sd - 0.5) : -1;
		if (c < 0) {
			out->conf = sd > 0 ? 1 - erfc((mu - 0.5) / sd /
						      sqrt(2.0))
					   : 0;
			return;
		}
		pc = 0.5 * erfc(-((double)c + 0.5 - mu) / sd / sqrt(2.0));
	}
	out->conf = 1 - 2 * pc;
	out->ci.lo = kth(count, x, nx, y, ny, (uint64_t)c + 1, lo, hi);
	out->ci.hi = kth(count, x, nx, y, ny, N - (uint64_t)c, lo, hi);
}

static double median_of_pairs(count_fn count, const double *x, size_t nx,
			      const double *y, size_t ny, uint64_t N,
			      double lo, double hi)
{
	double a = kth(count, x, nx, y, ny, (N + 1) / 2, lo, hi);
	if (N % 2)
		return a;
	return a + (kth(count, x, nx, y, ny, N / 2 + 1, lo, hi) - a) / 2;
}

static void blank(struct nkt_shift *out, size_t n1, size_t n2)
{
	memset(out, 0, sizeof(*out));
	out->est = out->ci.lo = out->ci.hi = NAN;
	out->stat = NAN;
	out->p = 1;
	out->n1 = n1;
	out->n2 = n2;
}

/* ---- two samples ------------------------------------------------------------ */

struct tagged {
	double v;
	int from_x;
};

static int cmp_tagged(const void *a, const void *b)
{
	const struct tagged *p = a, *q = b;
	return p->v < q->v ? -1 : p->v > q->v;
}

/* U of x (average ranks), and the tie term sum(t^3 - t). */
static double mw_u(const double *x, size_t nx, const double *y, size_t ny,
		   double *tie)
{
	size_t n = nx + ny, i, j, k;
	struct tagged *t = nkt_xreallocarray(NULL, n, sizeof(*t));
	double rx = 0;
	for (i = 0; i < nx; i++)
		t[i] = (struct tagged){x[i], 1};
	for (i = 0; i < ny; i++)
		t[nx + i] = (struct tagged){y[i], 0};
	qsort(t, n, sizeof(*t), cmp_tagged);
	*tie = 0;
	for (i = 0; i < n; i = j) {
		double rank, len;
		for (j = i + 1; j < n && t[j].v == t[i].v; j++)
			;
		rank = ((double)i + 1 + (double)j) / 2;
		len = (double)(j - i);
		*tie += len * len * len - len;
		for (k = i; k < j; k++)
			if (t[k].from_x)
				rx += rank;
	}
	free(t);
	return rx - (double)nx * ((double)nx + 1) / 2;
}

void nkt_rank_mw(const double *x, size_t nx, const double *y, size_t ny,
		 double level, struct nkt_shift *out)
{
	double *xs, *ys, tie, lo, hi, *cdf = NULL, sd = 0;
	uint64_t N = (uint64_t)nx * ny;
	size_t n = nx + ny;

	blank(out, nx, ny);
	if (nx == 0 || ny == 0)
		return;
	xs = sorted_copy(x, nx);
	ys = sorted_copy(y, ny);
	lo = xs[0] - ys[ny - 1];
	hi = xs[nx - 1] - ys[0];
	out->est = median_of_pairs(count_diff, xs, nx, ys, ny, N, lo, hi);
	out->stat = mw_u(xs, nx, ys, ny, &tie);
	if (tie == 0 && N <= NKT_RANK_EXACT_MAX) {
		double u = out->stat;
		size_t m = nx < ny ? nx : ny, k = nx < ny ? ny : nx;
		double p;
		cdf = mw_dist(m, k); /* symmetric in the sizes */
		p = 2 * fmin(cdf[(size_t)u], 1 - (u >= 1 ? cdf[(size_t)u - 1]
							  : 0));
		out->p = p > 1 ? 1 : p;
		out->exact = 1;
	} else {
		double mu = (double)N / 2, z;
		sd = sqrt((double)N / 12.0 *
			  ((double)(n + 1) - tie / ((double)n * (double)(n - 1))));
		if (sd > 0) {
			z = (fabs(out->stat - mu) - 0.5) / sd;
			out->p = z > 0 ? erfc(z / sqrt(2.0)) : 1;
		}
	}
	invert(cdf, N, sd, level, count_diff, xs, nx, ys, ny, lo, hi, out);
	free(cdf);
	free(xs);
	free(ys);
}

/* ---- paired differences ---------------------------------------------------- */

static int cmp_abs(const void *a, const void *b)
{
	double p = fabs(*(const double *)a), q = fabs(*(const double *)b);
	return p < q ? -1 : p > q;
}

void nkt_rank_wilcoxon(const double *d, size_t n, double level,
		       struct nkt_shift *out)
{
	double *v = nkt_xreallocarray(NULL, n ? n : 1, sizeof(*v));
	double tplus = 0, tie = 0, *cdf = NULL, sd = 0, lo, hi;
	size_t m = 0, i, j, k;
	uint64_t N;
	int zeros = 0;

	for (i = 0; i < n; i++) {
		if (d[i] != 0)
			v[m++] = d[i];
		else
			zeros = 1;
	}
	blank(out, m, 0);
	if (m == 0) {
		free(v);
		return;
	}
	/* Ranks of |d|, ties averaged. */
	qsort(v, m, sizeof(*v), cmp_abs);
	for (i = 0; i < m; i = j) {
		double rank, len;
		for (j = i + 1; j < m && fabs(v[j]) == fabs(v[i]); j++)
			;
		rank = ((double)i + 1 + (double)j) / 2;
		len = (double)(j - i);
		tie += len * len * len - len;
		for (k = i; k < j; k++)
			if (v[k] > 0)
				tplus += rank;
	}
	out->stat = tplus;
	N = (uint64_t)m * (m + 1) / 2;
	if (tie == 0 && !zeros && m <= NKT_RANK_WILCOXON_EXACT_MAX) {
		double p;
		cdf = wilcoxon_dist(m);
		p = 2 * fmin(cdf[(size_t)tplus],
			     1 - (tplus >= 1 ? cdf[(size_t)tplus - 1] : 0));
		out->p = p > 1 ? 1 : p;
		out->exact = 1;
	} else {
		double mu = (double)N / 2, z;
		sd = sqrt((double)m * ((double)m + 1) * (2.0 * (double)m + 1) /
				  24.0 -
			  tie / 48.0);
		if (sd > 0) {
			z = (fabs(tplus - mu) - 0.5) / sd;
			out->p = z > 0 ? erfc(z / sqrt(2.0)) : 1;
		}
	}
	nkt_stats_sort(v, m);
	lo = v[0];
	hi = v[m - 1];
	out->est = median_of_pairs(count_walsh, v, m, NULL, 0, N, lo, hi);
	invert(cdf, N, sd, level, count_walsh, v, m, NULL, 0, lo, hi, out);
	free(cdf);
	free(v);
}

/* ---- one sample ---------------------------------------------------------- */

/* log C(n, k) */
static double lchoose(size_t n, size_t k)
{
	return lgamma((double)n + 1) - lgamma((double)k + 1) -
	       lgamma((double)(n - k) + 1);
}

void nkt_rank_median(const double *v, size_t n, double level,
		     struct nkt_shift *out)
{
	double *s, tail = tail_of(level), cum = 0, prev = 0;
	size_t c;

	blank(out, n, 0);
	if (n == 0)
		return;
	s = sorted_copy(v, n);
	out->est = nkt_stats_quantile(s, n, 0.5);
	out->exact = 1;
	/* The largest c with P(B <= c) <= tail, B ~ binomial(n, 1/2):
	 * [x_(c+1), x_(n-c)] holds the median with 1 - 2 P(B <= c). */
	for (c = 0; c < n; c++) {
		cum += exp(lchoose(n, c) - (double)n * log(2.0));
		if (cum > tail)
			break;
		prev = cum;
	}
	if (c == 0) {
		out->conf = n > 1 ? 1 - 2 * exp(-(double)n * log(2.0)) : 0;
	} else {
		out->conf = 1 - 2 * prev;
		out->ci.lo = s[c - 1];
		out->ci.hi = s[n - c];
	}
	free(s);
}


/* ---- Brunner-Munzel ----------------------------------------------------- */

struct valix {
	double v;
	size_t i;
};

static int cmp_valix(const void *a, const void *b)
{
	const struct valix *p = a, *q = b;
	if (p->v != q->v)
		return p->v < q->v ? -1 : 1;
	return p->i < q->i ? -1 : p->i > q->i;
}

/* Average ranks (1-based) of v[0..n) among themselves, into r. */
static void midranks(const double *v, size_t n, double *r)
{
	struct valix *p = nkt_xcalloc(n ? n : 1, sizeof(*p));
	size_t i, j, k;

	for (i = 0; i < n; i++)
		p[i] = (struct valix){v[i], i};
	qsort(p, n, sizeof(*p), cmp_valix);
	for (i = 0; i < n; i = j) {
		double rank;
		for (j = i + 1; j < n && p[j].v == p[i].v; j++)
			;
		rank = ((double)i + 1 + (double)j) / 2;
		for (k = i; k < j; k++)
			r[p[k].i] = rank;
	}
	free(p);
}

/*
 * Brunner and Munzel's statistic of x - shift against y, and its degrees
 * of freedom.  Returns 0, or 1 when the samples separate completely (no
 * variance to estimate): then *w is +inf, -inf or 0 by which side is above
 * and *df NaN.  all, rc, rx, ry: scratch of nx + ny, nx + ny, nx, ny.
 */
static int bm_stat(const double *x, size_t nx, const double *y, size_t ny,
		   double shift, double *all, double *rc, double *rx,
		   double *ry, double *w, double *df)
{
	size_t n = nx + ny, i;
	double mx = 0, my = 0, ix = 0, iy = 0, sx = 0, sy = 0, vx, vy;

	for (i = 0; i < nx; i++)
		all[i] = x[i] - shift;
	memcpy(all + nx, y, ny * sizeof(*y));
	midranks(all, n, rc);
	midranks(all, nx, rx);
	midranks(y, ny, ry);
	for (i = 0; i < nx; i++) {
		mx += rc[i];
		ix += rx[i];
	}
	for (i = 0; i < ny; i++) {
		my += rc[nx + i];
		iy += ry[i];
	}
	mx /= (double)nx;
	my /= (double)ny;
	ix /= (double)nx;
	iy /= (double)ny;
	for (i = 0; i < nx; i++) {
		double d = rc[i] - rx[i] - mx + ix;
		sx += d * d;
	}
	for (i = 0; i < ny; i++) {
		double d = rc[nx + i] - ry[i] - my + iy;
		sy += d * d;
	}
	vx = (double)nx * sx / (double)(nx - 1);
	vy = (double)ny * sy / (double)(ny - 1);
	if (!(vx + vy > 0)) {
		*w = my > mx ? INFINITY : my < mx ? -INFINITY : 0;
		*df = NAN;
		return 1;
	}
	*w = (double)nx * (double)ny * (my - mx) /
	     ((double)n * sqrt(vx + vy));
	*df = (vx + vy) * (vx + vy) /
	      (vx * vx / (double)(nx - 1) + vy * vy / (double)(ny - 1));
	return 0;
}

struct bm_scratch {
	double *all, *rc, *rx, *ry;
};

static void bm_scratch_init(struct bm_scratch *b, size_t nx, size_t ny)
{
	b->all = nkt_xcalloc(nx + ny, sizeof(double));
	b->rc = nkt_xcalloc(nx + ny, sizeof(double));
	b->rx = nkt_xcalloc(nx, sizeof(double));
	b->ry = nkt_xcalloc(ny, sizeof(double));
}

static void bm_scratch_free(struct bm_scratch *b)
{
	free(b->all);
	free(b->rc);
	free(b->rx);
	free(b->ry);
}

double nkt_rank_brunner_munzel(const double *x, size_t nx, const double *y,
			       size_t ny)
{
	struct bm_scratch b;
	double w, df, p;
	int sep;

	if (nx < 2 || ny < 2)
		return NAN;
	bm_scratch_init(&b, nx, ny);
	sep = bm_stat(x, nx, y, ny, 0, b.all, b.rc, b.rx, b.ry, &w, &df);
	bm_scratch_free(&b);
	if (sep)
		return NAN; /* the samples separate completely */
	p = 2 * nkt_stats_t_cdf(-fabs(w), df);
	return p > 1 ? 1 : p;
}

/* -1: shift d is rejected below (x - d too high), +1 rejected above, 0
 * kept, at `level`. */
static int bm_side(const double *x, size_t nx, const double *y, size_t ny,
		   double d, double level, struct bm_scratch *b)
{
	double w, df;
	if (bm_stat(x, nx, y, ny, d, b->all, b->rc, b->rx, b->ry, &w, &df)) {
		if (w == 0)
			return 0;
		return w < 0 ? -1 : 1;
	}
	if (w < -nkt_stats_t_crit(level, df))
		return -1;
	if (w > nkt_stats_t_crit(level, df))
		return 1;
	return 0;
}

struct nkt_ci nkt_rank_bm_interval(const double *x, size_t nx,
				   const double *y, size_t ny, double est,
				   double level)
{
	struct nkt_ci ci = {NAN, NAN};
	struct bm_scratch b;
	double xmin, xmax, ymin, ymax, lo, hi, a, z;
	size_t i;
	int k;

	if (nx < 2 || ny < 2 || isnan(est))
		return ci;
	xmin = xmax = x[0];
	ymin = ymax = y[0];
	for (i = 1; i < nx; i++) {
		xmin = x[i] < xmin ? x[i] : xmin;
		xmax = x[i] > xmax ? x[i] : xmax;
	}
	for (i = 1; i < ny; i++) {
		ymin = y[i] < ymin ? y[i] : ymin;
		ymax = y[i] > ymax ? y[i] : ymax;
	}
	bm_scratch_init(&b, nx, ny);
	if (bm_side(x, nx, y, ny, est, level, &b) != 0)
		goto out; /* the estimate itself rejected: no interval */
	/* below: from a shift every x - d lies above every y (rejected) up
	 * to the estimate (kept) */
	a = xmin - ymax - 1;
	z = est;
	for (k = 0; k < 200 && a < z; k++) {
		double m = a + (z - a) / 2;
		if (m <= a || m >= z)
			break;
		if (bm_side(x, nx, y, ny, m, level, &b) < 0)
			a = m;
		else
			z = m;
	}
	lo = z;
	a = est;
	z = xmax - ymin + 1;
	for (k = 0; k < 200 && a < z; k++) {
		double m = a + (z - a) / 2;
		if (m <= a || m >= z)
			break;
		if (bm_side(x, nx, y, ny, m, level, &b) > 0)
			z = m;
		else
			a = m;
	}
	hi = a;
	ci.lo = lo;
	ci.hi = hi;
out:
	bm_scratch_free(&b);
	return ci;
}
