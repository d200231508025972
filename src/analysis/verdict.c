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

struct addr_diff {
	uint32_t addr;
	double d;
};

static int cmp_addr_diff(const void *x, const void *y)
{
	const struct addr_diff *a = x, *b = y;
	if (a->addr != b->addr)
		return a->addr < b->addr ? -1 : 1;
	return a->d < b->d ? -1 : a->d > b->d;
}

/*
 * The hosts measured over both transits, one difference a - b per host
 * address: the median over its units (vantage points) that measured it
 * over both.  Vantage points are repeated measures of a host, not more
 * hosts.  Returns the number of hosts; diff holds at least a->n.
 */
static size_t paired_hosts(const struct nkt__cmp_units *a,
			   const struct nkt__cmp_units *b, double *diff)
{
	struct addr_diff *ad = nkt_xcalloc(a->n + 1, sizeof(*ad));
	size_t i, j, m = 0, np = 0;

	for (i = 0; i < a->n; i++) {
		if (isnan(a->u[i].med))
			continue;
		for (j = 0; j < b->n; j++)
			if (b->u[j].unit == a->u[i].unit &&
			    !isnan(b->u[j].med)) {
				ad[m++] = (struct addr_diff){
					a->u[i].addr,
					a->u[i].med - b->u[j].med};
				break;
			}
	}
	qsort(ad, m, sizeof(*ad), cmp_addr_diff);
	for (i = 0; i < m; i = j) {
		double *t = nkt_xcalloc(m, sizeof(*t));
		size_t k = 0;
		for (j = i; j < m && ad[j].addr == ad[i].addr; j++)
			t[k++] = ad[j].d;
		diff[np++] = nkt_stats_median(t, k);
		free(t);
	}
	free(ad);
	return np;
}

static void e2e_test(const struct nkt__cmp_units *a,
		     const struct nkt__cmp_units *b,
		     const struct nkt_cmp_diff *d,
		     const struct nkt_cmp_cfg *cfg, struct nkt_cmp_test *t)
{
	size_t np, ha, hb;
	double *diff = nkt_xcalloc(a->n + 1, sizeof(*diff));
	double *va = nkt__cmp_host_values(a, &ha);
	double *vb = nkt__cmp_host_values(b, &hb);
	char units[96];

	blank_test(t);
	/* The same host over both transits (from the same vantage point). */
	np = paired_hosts(a, b, diff);
	t->paired = np;
	if (np >= cfg->min_units) {
		t->design = NKT_DESIGN_PAIRED;
		nkt_rank_wilcoxon(diff, np, cfg->level, &t->s);
		t->units_a = t->units_b = np;
		snprintf(units, sizeof(units), "%zu hosts measured over both",
			 np);
	} else if (ha >= cfg->min_units && hb >= cfg->min_units) {
		double bm;
		t->design = NKT_DESIGN_HOSTS;
		nkt_rank_mw(va, ha, vb, hb, cfg->level, &t->s);
		/* Mann-Whitney's p assumes the two sides' hosts spread alike;
		 * Brunner-Munzel's does not: the claim needs both (the
		 * larger p). */
		bm = nkt_rank_brunner_munzel(va, ha, vb, hb);
		if (!isnan(bm) && bm > t->s.p)
			t->s.p = bm;
		/* and its interval, inverted the same way: the hull of
		 * both */
		if (!isnan(t->s.ci.lo)) {
			struct nkt_ci bi = nkt_rank_bm_interval(
				va, ha, vb, hb, t->s.est, cfg->level);
			if (!isnan(bi.lo)) {
				t->s.ci.lo = bi.lo < t->s.ci.lo ? bi.lo
							       : t->s.ci.lo;
				t->s.ci.hi = bi.hi > t->s.ci.hi ? bi.hi
							       : t->s.ci.hi;
			}
		}
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
	qsort(v, n, sizeof(*v), nkt_cmp_u32);
	for (i = 0; i < n; i++)
		if (i == 0 || v[i] != v[i - 1])
			v[m++] = v[i];
	*out = v;
	return m;
}

/* Each flow's (unit's) median border RTT, for units with some. */
static size_t flow_values(const struct nkt__cmp_units *u, double *out)
{
	size_t i, n = 0;
	for (i = 0; i < u->n; i++)
		if (u->u[i].n_brtt > 0)
			out[n++] = nkt__cmp_median_copy(u->u[i].brtt,
							u->u[i].n_brtt);
	return n;
}

struct slot_rtt {
	int32_t slot;
	double rtt;
};

static int cmp_slot_rtt(const void *x, const void *y)
{
	const struct slot_rtt *a = x, *b = y;
	if (a->slot != b->slot)
		return a->slot < b->slot ? -1 : 1;
	return a->rtt < b->rtt ? -1 : a->rtt > b->rtt;
}

/* Every border RTT of one side with its slot, sorted by slot. */
static size_t slot_rtts(const struct nkt__cmp_units *u,
			struct slot_rtt **out)
{
	size_t i, k, n = 0, m = 0;
	for (i = 0; i < u->n; i++)
		n += u->u[i].n_brtt;
	*out = nkt_xcalloc(n + 1, sizeof(**out));
	for (i = 0; i < u->n; i++)
		for (k = 0; k < u->u[i].n_brtt; k++)
			(*out)[m++] = (struct slot_rtt){u->u[i].bslot[k],
							u->u[i].brtt[k]};
	qsort(*out, m, sizeof(**out), cmp_slot_rtt);
	return m;
}

/* The median of the sorted run v[i..j) (by rtt within a slot). */
static double run_median(const struct slot_rtt *v, size_t i, size_t j)
{
	size_t n = j - i;
	return n % 2 ? v[i + n / 2].rtt
		     : (v[i + n / 2 - 1].rtt + v[i + n / 2].rtt) / 2;
}

/*
 * The slots both borders were measured in, a - b of their medians in
 * each: slots are independent moments (congestion or a burst at one
 * border is shared by every trace of its moment).  *distinct gets the
 * slots either side was measured in.
 */
static size_t slot_diffs(const struct nkt__cmp_units *a,
			 const struct nkt__cmp_units *b, double **out,
			 size_t *distinct)
{
	struct slot_rtt *x, *y;
	size_t nx = slot_rtts(a, &x), ny = slot_rtts(b, &y);
	size_t i = 0, j = 0, n = 0, i2, j2;

	*out = nkt_xcalloc(nx + 1, sizeof(**out));
	*distinct = 0;
	while (i < nx || j < ny) {
		int32_t s = i < nx && (j >= ny || x[i].slot <= y[j].slot)
				    ? x[i].slot
				    : y[j].slot;
		for (i2 = i; i2 < nx && x[i2].slot == s; i2++)
			;
		for (j2 = j; j2 < ny && y[j2].slot == s; j2++)
			;
		(*distinct)++;
		if (i2 > i && j2 > j)
			(*out)[n++] = run_median(x, i, i2) - run_median(y, j, j2);
		i = i2;
		j = j2;
	}
	free(x);
	free(y);
	return n;
}

/*
 * The border from one vantage point.  Two structures make its traces
 * dependent: each flow crosses the border on its own branch (ECMP), for
 * as long as it is measured, and every trace of one moment shares that
 * moment's congestion.  So the claim needs both analyses: over flows
 * (Mann-Whitney of each flow's median) and over time slots (Wilcoxon of
 * the two borders' medians in each slot both were measured in); the
 * interval is the hull of both, the p-value the larger.  One short run
 * (one slot) is a single unit and supports no border verdict.
 */
static void flows_slots_test(const struct nkt__cmp_units *a,
			     const struct nkt__cmp_units *b,
			     const struct nkt_cmp_diff *d,
			     const struct nkt_cmp_cfg *cfg,
			     struct nkt_cmp_test *t, const char *ba,
			     const char *bb, char *units, size_t ulen)
{
	double *x = nkt_xcalloc(a->n + 1, sizeof(*x));
	double *y = nkt_xcalloc(b->n + 1, sizeof(*y));
	double *sd;
	size_t nx = flow_values(a, x), ny = flow_values(b, y), distinct;
	size_t ns = slot_diffs(a, b, &sd, &distinct);
	struct nkt_shift f, sl;
	char slot[32];

	snprintf(slot, sizeof(slot), "%d-minute", NKT_CMP_SLOT_S / 60);
	t->design = NKT_DESIGN_FLOWS_SLOTS;
	t->units_a = nx;
	t->units_b = ny;
	t->slots = ns;
	if (nx >= cfg->min_units && ny >= cfg->min_units &&
	    ns >= cfg->min_units) {
		nkt_rank_mw(x, nx, y, ny, cfg->level, &f);
		nkt_rank_wilcoxon(sd, ns, cfg->level, &sl);
		t->s = f;
		t->s.p = f.p > sl.p ? f.p : sl.p;
		t->s.conf = f.conf < sl.conf ? f.conf : sl.conf;
		if (isnan(f.ci.lo) || isnan(sl.ci.lo)) {
			t->s.ci.lo = t->s.ci.hi = NAN;
		} else {
			t->s.ci.lo = f.ci.lo < sl.ci.lo ? f.ci.lo : sl.ci.lo;
			t->s.ci.hi = f.ci.hi > sl.ci.hi ? f.ci.hi : sl.ci.hi;
		}
		snprintf(units, ulen, "%zu and %zu flows over %zu %s slots",
			 nx, ny, ns, slot);
	} else if (distinct <= 1 && nx > 0 && ny > 0) {
		t->design = NKT_DESIGN_NONE;
		snprintf(t->why, sizeof(t->why),
			 "one short run from one vantage point (every trace "
			 "within one %s slot) is a single unit: it cannot "
			 "tell %s's border (%s) from %s's (%s) apart from "
			 "that moment; measure over %u slots or more, or "
			 "from %u vantage points",
			 slot, d->a, ba, d->b, bb, cfg->min_units,
			 cfg->min_units);
	} else {
		t->design = NKT_DESIGN_NONE;
		snprintf(t->why, sizeof(t->why),
			 "%zu %s crossed %s's border (%s), %zu %s's (%s), "
			 "in %zu %s %s with both measured (at least %u of "
			 "each: traces of one flow share its branch, traces "
			 "of one moment share that moment)",
			 nx, nkt__plural(nx, "flow", "flows"), d->a, ba, ny,
			 d->b, bb, ns, slot,
			 nkt__plural(ns, "slot", "slots"), cfg->min_units);
	}
	free(x);
	free(y);
	free(sd);
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
		flows_slots_test(a, b, d, cfg, t, ba, bb, units,
				 sizeof(units));
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

/* One host's loss on each side, summed over its units (vantage points):
 * a host's probes from every vantage point are one cluster. */
struct addr_loss {
	uint32_t addr;
	struct nkt_lossc a, b;
};

static int cmp_addr_loss(const void *x, const void *y)
{
	const struct addr_loss *a = x, *b = y;
	return a->addr < b->addr ? -1 : a->addr > b->addr;
}

/* Sum runs of one address in place; returns the hosts. */
static size_t merge_hosts(struct addr_loss *v, size_t m)
{
	size_t i, n = 0;
	qsort(v, m, sizeof(*v), cmp_addr_loss);
	for (i = 0; i < m; i++) {
		if (n > 0 && v[n - 1].addr == v[i].addr) {
			v[n - 1].a.lost += v[i].a.lost;
			v[n - 1].a.sent += v[i].a.sent;
			v[n - 1].b.lost += v[i].b.lost;
			v[n - 1].b.sent += v[i].b.sent;
		} else {
			v[n++] = v[i];
		}
	}
	return n;
}

static int cmp_slotloss(const void *p, const void *q)
{
	const struct nkt_cmp_slotloss *a = p, *b = q;
	return a->slot < b->slot ? -1 : a->slot > b->slot;
}

/* Every unit's slot losses of one side summed per slot, sorted. */
static size_t side_slots(const struct nkt__cmp_units *u,
			 struct nkt_cmp_slotloss **out)
{
	size_t i, k, n = 0, m = 0;
	struct nkt_cmp_slotloss *v;
	for (i = 0; i < u->n; i++)
		n += u->u[i].n_sl;
	v = nkt_xcalloc(n + 1, sizeof(*v));
	for (i = 0; i < u->n; i++)
		for (k = 0; k < u->u[i].n_sl; k++)
			v[m++] = u->u[i].sl[k];
	qsort(v, m, sizeof(*v), cmp_slotloss);
	for (i = 0, n = 0; i < m; i++) {
		if (n > 0 && v[n - 1].slot == v[i].slot) {
			v[n - 1].sent += v[i].sent;
			v[n - 1].lost += v[i].lost;
		} else {
			v[n++] = v[i];
		}
	}
	*out = v;
	return n;
}

/*
 * Loss bursts are shared by every host of a transit at one moment, so
 * hosts measured together are not independent in loss either: the claim
 * also needs the time slots both were measured in (Wilcoxon over the
 * per-slot differences of the two rates).  The p-value becomes the larger
 * of the two, the interval the hull of both; too few slots (one short
 * run is one moment) make the comparison unavailable, said so.
 */
static void loss_slots(const struct nkt__cmp_units *a,
		       const struct nkt__cmp_units *b,
		       const struct nkt_cmp_diff *d,
		       const struct nkt_cmp_cfg *cfg,
		       struct nkt_cmp_losstest *l)
{
	struct nkt_cmp_slotloss *x, *y;
	size_t nx = side_slots(a, &x), ny = side_slots(b, &y);
	size_t i = 0, j = 0, n = 0, distinct = 0;
	double *diff = nkt_xcalloc(nx + 1, sizeof(*diff));
	struct nkt_shift s;

	while (i < nx || j < ny) {
		int32_t t = i < nx && (j >= ny || x[i].slot <= y[j].slot)
				    ? x[i].slot
				    : y[j].slot;
		distinct++;
		if (i < nx && j < ny && x[i].slot == t && y[j].slot == t)
			diff[n++] = (double)x[i].lost / (double)x[i].sent -
				    (double)y[j].lost / (double)y[j].sent;
		if (i < nx && x[i].slot == t)
			i++;
		if (j < ny && y[j].slot == t)
			j++;
	}
	l->slots = n;
	if (n < cfg->min_units) {
		l->available = 0;
		if (distinct <= 1)
			snprintf(l->why, sizeof(l->why),
				 "every probe within one %d-minute slot: a "
				 "loss burst is shared by every host of a "
				 "transit at one moment, so one short run is "
				 "a single unit (measure over %u slots or "
				 "more)",
				 NKT_CMP_SLOT_S / 60, cfg->min_units);
		else
			snprintf(l->why, sizeof(l->why),
				 "%zu %d-minute %s with both %s and %s "
				 "measured (at least %u: a loss burst is "
				 "shared by every host of a transit at one "
				 "moment)",
				 n, NKT_CMP_SLOT_S / 60,
				 nkt__plural(n, "slot", "slots"), d->a, d->b,
				 cfg->min_units);
	} else {
		nkt_rank_wilcoxon(diff, n, cfg->level, &s);
		if (s.n1 == 0) { /* every slot the same: no difference */
			s.p = 1;
			s.ci.lo = s.ci.hi = 0;
		}
		if (s.p > l->d.p)
			l->d.p = s.p;
		if (isnan(s.ci.lo)) {
			/* Too few slots that differ for an interval at the
			 * level: when they disagree in sign, or most show
			 * none, the slots hold 0 (their range, with 0);
			 * else they cannot reach the level. */
			double lo = 0, hi = 0;
			size_t q;
			for (q = 0; q < n; q++) {
				lo = diff[q] < lo ? diff[q] : lo;
				hi = diff[q] > hi ? diff[q] : hi;
			}
			if ((lo < 0 && hi > 0) || s.n1 < n) {
				s.ci.lo = lo;
				s.ci.hi = hi;
			} else {
				l->d.ci.lo = l->d.ci.hi = NAN;
				l->available = 0;
				snprintf(l->why, sizeof(l->why),
					 "%zu %d-minute slots with both "
					 "measured give no interval at the "
					 "level (a loss burst is shared by "
					 "every host of a transit at one "
					 "moment)",
					 n, NKT_CMP_SLOT_S / 60);
			}
		}
		if (!isnan(s.ci.lo) && l->available) {
			if (s.ci.lo < l->d.ci.lo)
				l->d.ci.lo = s.ci.lo;
			if (s.ci.hi > l->d.ci.hi)
				l->d.ci.hi = s.ci.hi;
		}
	}
	free(x);
	free(y);
	free(diff);
}

static void loss_test(const struct nkt__cmp_units *a,
		      const struct nkt__cmp_units *b,
		      const struct nkt_cmp_stats *sa,
		      const struct nkt_cmp_stats *sb,
		      const struct nkt_cmp_diff *d,
		      const struct nkt_cmp_cfg *cfg,
		      struct nkt_cmp_losstest *l)
{
	struct addr_loss *pv = nkt_xcalloc(a->n + 1, sizeof(*pv));
	struct nkt_lossc *pa = nkt_xcalloc(a->n + 1, sizeof(*pa));
	struct nkt_lossc *pb = nkt_xcalloc(a->n + 1, sizeof(*pb));
	struct nkt_lossc *xa = nkt_xcalloc(a->n + 1, sizeof(*xa));
	struct nkt_lossc *xb = nkt_xcalloc(b->n + 1, sizeof(*xb));
	size_t i, j, m = 0, np, na, nb;
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
	/* The same unit (host from one vantage point) over both. */
	for (i = 0; i < a->n; i++) {
		if (!lossy_host(&a->u[i]))
			continue;
		for (j = 0; j < b->n; j++)
			if (b->u[j].unit == a->u[i].unit &&
			    lossy_host(&b->u[j])) {
				pv[m++] = (struct addr_loss){
					a->u[i].addr, loss_of(&a->u[i]),
					loss_of(&b->u[j])};
				break;
			}
	}
	np = merge_hosts(pv, m);
	for (i = 0; i < np; i++) {
		pa[i] = pv[i].a;
		pb[i] = pv[i].b;
	}
	na = nkt__cmp_host_losses(a, xa);
	nb = nkt__cmp_host_losses(b, xb);
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
	l->host_ci = l->d.ci;
	if (l->available)
		loss_slots(a, b, d, cfg, l);
	l->p_holm = l->d.p;
	decide_loss(l, cfg->level);
	free(pv);
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
