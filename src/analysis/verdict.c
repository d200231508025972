// SPDX-License-Identifier: ISC
/*
 * verdict.c: two groups of hosts compared end to end, at the border and
 * in loss, the decision rule, and Holm across prefixes (see verdict.h);
 * verdict_text.c says them in sentences.  Pure.
 */
#include "nktrace/verdict.h"
#include "compare_int.h"
#include "nktrace/addrtab.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the decision rule ------------------------------------------------ */

static int excludes_zero(struct nkt_ci ci)
{
	return !isnan(ci.lo) && (ci.lo > 0 || ci.hi < 0);
}

static void decide(struct nkt_cmp_test *t, double level)
{
	t->claim = t->available && excludes_zero(t->s.ci) &&
		   t->p_holm < 1 - level;
}

static void decide_loss(struct nkt_cmp_losstest *l, double level)
{
	l->claim = l->available && excludes_zero(l->d.ci) &&
		   l->p_holm < 1 - level;
}

static void blank_test(struct nkt_cmp_test *t)
{
	memset(t, 0, sizeof(*t));
	t->s.est = t->s.ci.lo = t->s.ci.hi = NAN;
	t->s.p = t->p_holm = 1;
}

/* "hosts", "host" */
static void unattainable(struct nkt_cmp_test *t, double level,
			 const char *units)
{
	char have[16], want[16];
	nkt__fmt_conf(have, sizeof(have), t->s.conf > 0 ? t->s.conf : 0);
	nkt__fmt_conf(want, sizeof(want), level);
	snprintf(t->why, sizeof(t->why),
		 "%s give at most %s confidence, not %s", units, have, want);
}

/* ---- end to end --------------------------------------------------------- */

static void e2e_test(const struct nkt__cmp_units *a,
		     const struct nkt__cmp_units *b,
		     const struct nkt_cmp_diff *d,
		     const struct nkt_cmp_cfg *cfg, struct nkt_cmp_test *t)
{
	size_t i, j, np = 0, ha, hb;
	double *diff = nkt_xcalloc(a->n + 1, sizeof(*diff));
	double *va = nkt__cmp_host_values(a, &ha);
	double *vb = nkt__cmp_host_values(b, &hb);
	char units[96];

	blank_test(t);
	/* The same host (unit) over both transits. */
	for (i = 0; i < a->n; i++) {
		if (isnan(a->u[i].med))
			continue;
		for (j = 0; j < b->n; j++)
			if (b->u[j].unit == a->u[i].unit &&
			    !isnan(b->u[j].med)) {
				diff[np++] = a->u[i].med - b->u[j].med;
				break;
			}
	}
	t->paired = np;
	if (np >= cfg->min_units) {
		t->design = NKT_DESIGN_PAIRED;
		nkt_rank_wilcoxon(diff, np, cfg->level, &t->s);
		t->units_a = t->units_b = np;
		snprintf(units, sizeof(units), "%zu hosts measured over both",
			 np);
	} else if (ha >= cfg->min_units && hb >= cfg->min_units) {
		t->design = NKT_DESIGN_HOSTS;
		nkt_rank_mw(va, ha, vb, hb, cfg->level, &t->s);
		t->units_a = ha;
		t->units_b = hb;
		snprintf(units, sizeof(units), "%zu and %zu hosts", ha, hb);
	} else {
		int n = snprintf(
			t->why, sizeof(t->why),
			"%zu %s via %s, %zu via %s (at least %u each, or the "
			"same hosts measured over both transits: compare "
			"--via)",
			ha, nkt__plural(ha, "host", "hosts"), d->a, hb, d->b,
			cfg->min_units);
		if (np > 0 && n > 0 && (size_t)n < sizeof(t->why))
			snprintf(t->why + n, sizeof(t->why) - (size_t)n,
				 "; %zu measured over both", np);
		else if (ha == 1 && hb == 1 && n > 0 &&
			 (size_t)n < sizeof(t->why))
			snprintf(t->why + n, sizeof(t->why) - (size_t)n,
				 "; with one host on each side, host and "
				 "transit cannot be told apart");
		t->units_a = ha;
		t->units_b = hb;
	}
	if (t->design != NKT_DESIGN_NONE) {
		t->available = !isnan(t->s.ci.lo);
		if (!t->available)
			unattainable(t, cfg->level, units);
	}
	t->p_holm = t->s.p;
	decide(t, cfg->level);
	free(diff);
	free(va);
	free(vb);
}

/* ---- the border ------------------------------------------------------- */

static size_t pool_brtt(const struct nkt__cmp_units *u, int vantage,
			uint32_t v, double **out)
{
	size_t i, n = 0;
	*out = NULL;
	for (i = 0; i < u->n; i++) {
		if (vantage && u->u[i].vantage != v)
			continue;
		if (u->u[i].n_brtt == 0)
			continue;
		*out = nkt_xreallocarray(*out, n + u->u[i].n_brtt,
					 sizeof(**out));
		memcpy(*out + n, u->u[i].brtt,
		       u->u[i].n_brtt * sizeof(**out));
		n += u->u[i].n_brtt;
	}
	return n;
}

static int cmp_u32(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
	return a < b ? -1 : a > b;
}

/* The distinct vantage points with border RTTs on either side. */
static size_t vantages(const struct nkt__cmp_units *a,
		       const struct nkt__cmp_units *b, uint32_t **out)
{
	size_t i, n = 0, m = 0;
	uint32_t *v = nkt_xcalloc(a->n + b->n + 1, sizeof(*v));
	for (i = 0; i < a->n; i++)
		if (a->u[i].n_brtt)
			v[n++] = a->u[i].vantage;
	for (i = 0; i < b->n; i++)
		if (b->u[i].n_brtt)
			v[n++] = b->u[i].vantage;
	qsort(v, n, sizeof(*v), cmp_u32);
	for (i = 0; i < n; i++)
		if (i == 0 || v[i] != v[i - 1])
			v[m++] = v[i];
	*out = v;
	return m;
}

static void border_test(const struct nkt__cmp_units *a,
			const struct nkt__cmp_units *b,
			const struct nkt_cmp_diff *d,
			const struct nkt_cmp_cfg *cfg, struct nkt_cmp_test *t)
{
	uint32_t *vp;
	size_t nv = vantages(a, b, &vp), i;
	char units[96], ba[NKT_ADDRSTRLEN], bb[NKT_ADDRSTRLEN];

	blank_test(t);
	nkt_addrtab_fmt(cfg->addrs, a->border, ba);
	nkt_addrtab_fmt(cfg->addrs, b->border, bb);
	if (a->border == 0 || b->border == 0 || a->border == b->border) {
		double *x;
		t->units_a = pool_brtt(a, 0, 0, &x);
		free(x);
		t->units_b = pool_brtt(b, 0, 0, &x);
		free(x);
		if (a->border != 0 && a->border == b->border)
			snprintf(t->why, sizeof(t->why),
				 "both transits end at the same border hop "
				 "(%s)",
				 ba);
		else
			snprintf(t->why, sizeof(t->why),
				 "no trace that reached North Korea had %s's "
				 "last hop before it answering (at least %u "
				 "each)",
				 a->border ? d->b : d->a, cfg->min_units);
		free(vp);
		t->p_holm = 1;
		return;
	}
	if (nv <= 1) {
		double *x, *y;
		size_t nx = pool_brtt(a, 0, 0, &x), ny = pool_brtt(b, 0, 0, &y);
		t->design = NKT_DESIGN_TRACES;
		t->units_a = nx;
		t->units_b = ny;
		if (nx >= cfg->min_units && ny >= cfg->min_units) {
			nkt_rank_mw(x, nx, y, ny, cfg->level, &t->s);
			snprintf(units, sizeof(units), "%zu and %zu traces",
				 nx, ny);
		} else {
			t->design = NKT_DESIGN_NONE;
			snprintf(t->why, sizeof(t->why),
				 "%zu %s reached %s's border (%s), %zu %s's "
				 "(%s) (at least %u each)",
				 nx, nkt__plural(nx, "trace", "traces"), d->a, ba,
				 ny, d->b, bb, cfg->min_units);
		}
		free(x);
		free(y);
	} else {
		double *diff = nkt_xcalloc(nv + 1, sizeof(*diff));
		size_t nd = 0;
		for (i = 0; i < nv; i++) {
			double *x, *y;
			size_t nx = pool_brtt(a, 1, vp[i], &x),
			       ny = pool_brtt(b, 1, vp[i], &y);
			if (nx && ny)
				diff[nd++] = nkt_stats_median(x, nx) -
					     nkt_stats_median(y, ny);
			free(x);
			free(y);
		}
		t->design = NKT_DESIGN_VANTAGE;
		t->units_a = t->units_b = nd;
		if (nd >= cfg->min_units) {
			nkt_rank_wilcoxon(diff, nd, cfg->level, &t->s);
			snprintf(units, sizeof(units),
				 "%zu vantage points that saw both", nd);
		} else {
			t->design = NKT_DESIGN_NONE;
			snprintf(t->why, sizeof(t->why),
				 "%zu of %zu vantage points saw both borders "
				 "(%s, %s) (at least %u)",
				 nd, nv, ba, bb, cfg->min_units);
		}
		free(diff);
	}
	if (t->design != NKT_DESIGN_NONE) {
		t->available = !isnan(t->s.ci.lo);
		if (!t->available)
			unattainable(t, cfg->level, units);
	}
	t->p_holm = t->s.p;
	decide(t, cfg->level);
	free(vp);
}

/* ---- loss --------------------------------------------------------------- */

/* A host in a loss comparison: sent probes and answered some; its probes
 * and losses without the ones after it went dark. */
static int lossy_host(const struct nkt__cmp_unit *u)
{
	return u->sent > 0 && u->recv > 0;
}

static struct nkt_lossc loss_of(const struct nkt__cmp_unit *u)
{
	return (struct nkt_lossc){u->sent - u->recv - u->tail,
				  u->sent - u->tail};
}

static void loss_test(const struct nkt__cmp_units *a,
		      const struct nkt__cmp_units *b,
		      const struct nkt_cmp_stats *sa,
		      const struct nkt_cmp_stats *sb,
		      const struct nkt_cmp_diff *d,
		      const struct nkt_cmp_cfg *cfg,
		      struct nkt_cmp_losstest *l)
{
	struct nkt_lossc *pa = nkt_xcalloc(a->n + 1, sizeof(*pa));
	struct nkt_lossc *pb = nkt_xcalloc(a->n + 1, sizeof(*pb));
	struct nkt_lossc *xa = nkt_xcalloc(a->n + 1, sizeof(*xa));
	struct nkt_lossc *xb = nkt_xcalloc(b->n + 1, sizeof(*xb));
	size_t i, j, np = 0, na = 0, nb = 0;
	uint64_t la = 0, sa_ = 0, lb = 0, sb_ = 0;

	memset(l, 0, sizeof(*l));
	l->d.diff = l->d.ci.lo = l->d.ci.hi = NAN;
	l->d.p = l->p_holm = 1;
	l->rate_a = sa->loss;
	l->rate_b = sb->loss;
	l->dark_a = sa->dark;
	l->dark_b = sb->dark;
	l->went_dark_a = sa->went_dark;
	l->went_dark_b = sb->went_dark;
	for (i = 0; i < a->n; i++) {
		if (!lossy_host(&a->u[i]))
			continue;
		xa[na++] = loss_of(&a->u[i]);
		for (j = 0; j < b->n; j++)
			if (b->u[j].unit == a->u[i].unit &&
			    lossy_host(&b->u[j])) {
				pa[np] = xa[na - 1];
				pb[np++] = loss_of(&b->u[j]);
				break;
			}
	}
	for (i = 0; i < b->n; i++)
		if (lossy_host(&b->u[i]))
			xb[nb++] = loss_of(&b->u[i]);
	if (np >= cfg->min_units) {
		nkt_stats_loss_paired(pa, pb, np, cfg->level, &l->d);
		l->hosts_a = l->hosts_b = np;
		for (i = 0; i < np; i++) {
			la += pa[i].lost;
			sa_ += pa[i].sent;
			lb += pb[i].lost;
			sb_ += pb[i].sent;
		}
		l->rate_a = (double)la / (double)sa_;
		l->rate_b = (double)lb / (double)sb_;
	} else if (na >= cfg->min_units && nb >= cfg->min_units) {
		nkt_stats_loss_diff(xa, na, xb, nb, cfg->level, &l->d);
		l->hosts_a = na;
		l->hosts_b = nb;
	} else {
		l->hosts_a = na;
		l->hosts_b = nb;
		snprintf(l->why, sizeof(l->why),
			 "%zu %s via %s and %zu via %s answered end-to-end "
			 "probes (at least %u each)",
			 na, nkt__plural(na, "host", "hosts"), d->a, nb, d->b,
			 cfg->min_units);
	}
	l->available = l->d.valid;
	l->p_holm = l->d.p;
	decide_loss(l, cfg->level);
	free(pa);
	free(pb);
	free(xa);
	free(xb);
}

void nkt__verdict_compare(const struct nkt__cmp_units *a,
			  const struct nkt__cmp_units *b,
			  const struct nkt_cmp_stats *sa,
			  const struct nkt_cmp_stats *sb,
			  const struct nkt_cmp_cfg *cfg, struct nkt_cmp_diff *d)
{
	d->border_a = a->border;
	d->border_b = b->border;
	e2e_test(a, b, d, cfg, &d->e2e);
	border_test(a, b, d, cfg, &d->border);
	loss_test(a, b, sa, sb, d, cfg, &d->loss);
}

/* ---- Holm over the comparisons made ---------------------------------------- */

void nkt__verdict_holm(struct nkt_cmp_diff *d, size_t n, double level)
{
	double *p = nkt_xcalloc(3 * n + 1, sizeof(*p)), *adj;
	size_t *at = nkt_xcalloc(3 * n + 1, sizeof(*at)), i, k, m = 0;

	adj = nkt_xcalloc(3 * n + 1, sizeof(*adj));
	for (i = 0; i < n; i++)
		for (k = 0; k < 3; k++) {
			int avail = k == 0   ? d[i].e2e.available
				    : k == 1 ? d[i].border.available
					     : d[i].loss.available;
			if (!avail || !d[i].valid)
				continue;
			p[m] = k == 0	? d[i].e2e.s.p
			       : k == 1 ? d[i].border.s.p
					: d[i].loss.d.p;
			at[m++] = 3 * i + k;
		}
	nkt_stats_holm(p, m, adj);
	for (i = 0; i < m; i++) {
		struct nkt_cmp_diff *x = &d[at[i] / 3];
		if (at[i] % 3 == 0)
			x->e2e.p_holm = adj[i];
		else if (at[i] % 3 == 1)
			x->border.p_holm = adj[i];
		else
			x->loss.p_holm = adj[i];
	}
	for (i = 0; i < n; i++) {
		d[i].family = m;
		decide(&d[i].e2e, level);
		decide(&d[i].border, level);
		decide_loss(&d[i].loss, level);
	}
	free(p);
	free(adj);
	free(at);
}

/* ---- shared with verdict_text.c ---------------------------------------- */

const char *nkt__plural(size_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

void nkt__fmt_conf(char *buf, size_t len, double c)
{
	double pct = c * 100;
	if (fabs(pct - round(pct)) < 1e-9)
		snprintf(buf, len, "%.0f%%", pct);
	else
		snprintf(buf, len, "%.1f%%", floor(pct * 10) / 10);
}

/* An interval the units could not give at the level. */
