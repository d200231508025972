// SPDX-License-Identifier: ISC
/*
 * compare.c: per-transit and per-prefix statistics over the hosts, and
 * the summary that verdict.c completes with the comparisons (see
 * compare.h).  Observations are compare_observe.c's, hosts
 * compare_hosts.c's.  Pure.
 */
#include "nktrace/compare.h"
#include "compare_int.h"
#include "nktrace/addrtab.h"
#include "nktrace/inet.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- groups --------------------------------------------------------------- */

/* A target nothing attributed: no public hop before its AS answered. */
static int unattributed(const struct nkt_cmp_obs *o)
{
	return o->tattr.transit < 0;
}

struct group {
	char name[96];
	int transit;
	uint32_t prefix;
	uint8_t prefix_len;
	size_t *idx; /* observation indexes */
	size_t n;
	struct nkt__cmp_units units;
};

static struct group *find_group(struct group **g, size_t *ng,
				const char *name, int transit, uint32_t prefix,
				uint8_t plen)
{
	size_t i;
	for (i = 0; i < *ng; i++)
		if (strcmp((*g)[i].name, name) == 0 &&
		    (*g)[i].prefix == prefix && (*g)[i].prefix_len == plen)
			return &(*g)[i];
	*g = nkt_xreallocarray(*g, *ng + 1, sizeof(**g));
	memset(&(*g)[*ng], 0, sizeof(**g));
	snprintf((*g)[*ng].name, sizeof((*g)[*ng].name), "%s", name);
	(*g)[*ng].transit = transit;
	(*g)[*ng].prefix = prefix;
	(*g)[*ng].prefix_len = plen;
	return &(*g)[(*ng)++];
}

static void group_add(struct group *g, size_t i)
{
	g->idx = nkt_xreallocarray(g->idx, g->n + 1, sizeof(*g->idx));
	g->idx[g->n++] = i;
}

/* The last foreign hop seen right before a hop inside the target's AS: a
 * border the trace itself confirms. */
static int confirmed(const struct nkt_cmp_obs *o)
{
	return o->first_inside.present &&
	       o->first_inside.hop == o->last_foreign.hop + 1;
}

/*
 * The group's border hop, among the last foreign hops of its observations
 * that reached North Korea: the one most often confirmed by the first hop
 * inside answering right after it; when none was (North Korea's routers
 * are silent in real traces), the furthest one seen, since a rate-limited
 * border leaves an earlier router last in some traces but never a later
 * one.  Ties: the most common, then the first seen.
 */
static uint32_t group_border(const struct nkt_cmp_obs *obs,
			     const struct group *g, uint8_t *hop)
{
	uint32_t best = 0;
	size_t i, j, best_conf = 0, best_n = 0;
	uint8_t best_hop = 0;
	for (i = 0; i < g->n; i++) {
		const struct nkt_cmp_obs *o = &obs[g->idx[i]];
		size_t n = 0, conf = 0;
		int better;
		if (o->n_brtt == 0 || o->last_foreign.addr == best)
			continue;
		for (j = 0; j < g->n; j++) {
			const struct nkt_cmp_obs *q = &obs[g->idx[j]];
			if (q->n_brtt == 0 ||
			    q->last_foreign.addr != o->last_foreign.addr)
				continue;
			if (j < i)
				break; /* counted when first seen */
			n++;
			conf += confirmed(q) != 0;
		}
		if (j < i && n == 0)
			continue;
		better = best == 0 ||
			 (conf != best_conf ? conf > best_conf
			  : o->last_foreign.hop != best_hop
				  ? o->last_foreign.hop > best_hop
				  : n > best_n);
		if (better) {
			best = o->last_foreign.addr;
			best_conf = conf;
			best_hop = o->last_foreign.hop;
			best_n = n;
		}
	}
	*hop = best_hop;
	return best;
}

static double median_of(double *v, size_t n)
{
	return n ? nkt_stats_median(v, n) : NAN;
}

/* One distinct path: its addresses (0 where no trace answered yet) and
 * the border RTTs of the traces that took it. */
struct path_rep {
	uint32_t *addr;
	uint8_t n;
	double *rtt;
	size_t n_rtt;
};

/* Paths agree where both answered (a silent hop is not a detour). */
static int compatible(const struct path_rep *p, const struct nkt_cmp_obs *o)
{
	size_t i;
	if (p->n != o->n_path)
		return 0;
	for (i = 0; i < p->n; i++)
		if (p->addr[i] && o->path[i] && p->addr[i] != o->path[i])
			return 0;
	return 1;
}

/* Distinct paths up to the group's border (s->border_addr) among the
 * observations of one vantage point that crossed it, at whatever hop (a
 * diamond whose branches differ in length puts it a hop further on some:
 * another path), and the spread of their median border RTTs.  Traces that
 * saw another border (a silent border router, rate limits) are no evidence
 * of another path.  *spread: NaN below two paths with border RTTs. */
static size_t vantage_paths(const struct nkt_cmp_obs *obs,
			    const struct group *g, uint32_t vantage,
			    uint32_t border, double *spread)
{
	struct path_rep *rep = nkt_xcalloc(g->n + 1, sizeof(*rep));
	size_t i, j, k, n = 0, with_rtt = 0;
	double lo = NAN, hi = NAN;

	for (i = 0; i < g->n; i++) {
		const struct nkt_cmp_obs *o = &obs[g->idx[i]];
		if (o->path == NULL || border == 0 ||
		    o->vantage != vantage || o->last_foreign.addr != border)
			continue;
		for (k = 0; k < n && !compatible(&rep[k], o); k++)
			;
		if (k == n) {
			rep[n].addr = nkt_xcalloc(o->n_path, sizeof(uint32_t));
			rep[n].n = o->n_path;
			rep[n].rtt = nkt_xcalloc(g->n + 1, sizeof(double));
			n++;
		}
		for (j = 0; j < o->n_path; j++)
			if (rep[k].addr[j] == 0)
				rep[k].addr[j] = o->path[j];
		for (j = 0; j < o->n_brtt && rep[k].n_rtt < g->n + 1; j++)
			rep[k].rtt[rep[k].n_rtt++] = o->brtt[j];
	}
	for (k = 0; k < n; k++) {
		if (rep[k].n_rtt > 0) {
			double med = nkt__cmp_median_copy(rep[k].rtt,
							  rep[k].n_rtt);
			with_rtt++;
			if (isnan(lo) || med < lo)
				lo = med;
			if (isnan(hi) || med > hi)
				hi = med;
		}
		free(rep[k].addr);
		free(rep[k].rtt);
	}
	*spread = with_rtt >= 2 ? hi - lo : NAN;
	free(rep);
	return n;
}

/* Paths are counted within one vantage point: different vantage points
 * reach the border over paths of their own, which is not load balancing.
 * s->paths: the most any one vantage point saw (its spread); s->vantages:
 * the vantage points with a path to the border. */
static void path_diversity(const struct nkt_cmp_obs *obs,
			   const struct group *g, struct nkt_cmp_stats *s)
{
	uint32_t *v = nkt_xcalloc(g->n + 1, sizeof(*v));
	size_t i, nv = 0;

	s->paths = 0;
	s->path_spread = NAN;
	s->vantages = 0;
	for (i = 0; i < g->n; i++) {
		const struct nkt_cmp_obs *o = &obs[g->idx[i]];
		if (o->path != NULL && s->border_addr != 0 &&
		    o->last_foreign.addr == s->border_addr)
			v[nv++] = o->vantage;
	}
	qsort(v, nv, sizeof(*v), nkt_cmp_u32);
	for (i = 0; i < nv; i++) {
		double spread;
		size_t n;
		if (i > 0 && v[i] == v[i - 1])
			continue;
		s->vantages++;
		n = vantage_paths(obs, g, v[i], s->border_addr, &spread);
		if (n > s->paths ||
		    (n == s->paths && !isnan(spread) &&
		     (isnan(s->path_spread) || spread > s->path_spread))) {
			s->paths = n;
			s->path_spread = spread;
		}
	}
	free(v);
}

static void group_stats(const struct nkt_cmp_obs *obs, struct group *g,
			const struct nkt_cmp_cfg *cfg, struct nkt_cmp_stats *s)
{
	const struct nkt__cmp_units *U;
	struct nkt_lossc *lc;
	double *pool = NULL, *hostv, *brtt = NULL, *inside, *hops;
	double jit_sum = 0;
	size_t i, j, np = 0, nb = 0, ni = 0, nh = 0, nl = 0, pairs = 0, nv;
	struct nkt_shift m;
	struct nkt_loss l;

	memset(s, 0, sizeof(*s));
	snprintf(s->name, sizeof(s->name), "%s", g->name);
	s->transit = g->transit;
	s->configured = cfg->transits != NULL && g->transit >= 0 &&
			(size_t)g->transit < cfg->transits->n_configured;
	s->prefix = g->prefix;
	s->prefix_len = g->prefix_len;
	s->border_addr = group_border(obs, g, &s->border_hop);
	nkt__cmp_units(obs, g->idx, g->n, s->border_addr, &g->units);
	U = &g->units;

	inside = nkt_xcalloc(U->n + 1, sizeof(double));
	hops = nkt_xcalloc(g->n + 1, sizeof(double));
	lc = nkt_xcalloc(U->n + 1, sizeof(*lc));
	for (i = 0; i < U->n; i++) {
		const struct nkt__cmp_unit *u = &U->u[i];
		s->targets++;
		s->reached += u->reached != 0;
		s->hosts += u->n_rtt > 0;
		nkt__cmp_append(&pool, &np, u->rtt, u->n_rtt);
		nkt__cmp_append(&brtt, &nb, u->brtt, u->n_brtt);
		if (u->n_brtt > 0 && !isnan(u->med))
			inside[ni++] = u->med - nkt__cmp_median_copy(u->brtt,
							    u->n_brtt);
		/* A host that answered none of its end-to-end probes is
		 * dark, not a host with 100% loss; one that went dark while
		 * measured is counted so, its last probes left out. */
		if (u->sent > 0 && u->recv == 0)
			s->dark++;
		else if (u->sent > 0)
			s->went_dark += u->tail > 0;
	}
	for (i = 0; i < g->n; i++) {
		const struct nkt_cmp_obs *o = &obs[g->idx[i]];
		for (j = 1; j < o->n_rtt; j++, pairs++)
			jit_sum += fabs(o->rtt[j] - o->rtt[j - 1]);
		if (o->reached && o->dest_hop &&
		    o->dest_hop != NKT_CMP_HOP_UNKNOWN)
			hops[nh++] = o->dest_hop;
		s->ratelimit_hops += o->n_ratelimit;
		s->asymmetric += o->asymmetric != 0;
		s->vias += o->via != 0;
	}

	/* RTT: the hosts' medians; one host: its own RTTs' median, and no
	 * interval (its probes' interval is the host's, not the transit's:
	 * a transit's median is over its hosts). */
	s->n_rtt = np;
	hostv = nkt__cmp_host_values(U, &nv);
	if (nv >= 2)
		nkt_rank_median(hostv, nv, cfg->level, &m);
	else {
		nkt_rank_median(pool, np, cfg->level, &m);
		m.ci.lo = m.ci.hi = NAN;
		m.conf = NAN;
	}
	s->rtt_median = m.est;
	s->rtt_ci = m.ci;
	s->rtt_conf = m.conf;
	nkt_stats_sort(pool, np);
	s->rtt_p10 = np ? nkt_stats_quantile(pool, np, 0.1) : NAN;
	s->rtt_p90 = np ? nkt_stats_quantile(pool, np, 0.9) : NAN;
	s->jitter = pairs ? jit_sum / (double)pairs : NAN;

	/* Loss clustered by host: a host seen from several vantage points
	 * is one cluster. */
	nl = nkt__cmp_host_losses(U, lc);
	nkt_stats_loss(lc, nl, cfg->level, &l);
	s->sent = l.sent;
	s->lost = l.lost;
	s->loss = l.rate;
	s->loss_ci = l.ci;
	s->loss_hosts = l.hosts;

	nkt_rank_median(brtt, nb, cfg->level, &m);
	s->border_rtt = m.est;
	s->border_ci = m.ci;
	s->border_conf = m.conf;
	s->border_n = nb;
	s->inside_rtt = median_of(inside, ni);
	s->hops = median_of(hops, nh);
	path_diversity(obs, g, s);
	free(pool);
	free(brtt);
	free(hostv);
	free(inside);
	free(hops);
	free(lc);
}

/* ---- the summary ------------------------------------------------------------ */

/* Rows of transits in the registry's order (the file's, then the others
 * by name). */
static int in_order(const struct nkt_transits *ts, int a, int b)
{
	return ts != NULL ? nkt_transit_cmp(ts, a, b) : (a > b) - (a < b);
}

/* Whether every observation of both groups was pinned to an uplink and
 * sent from one source address. */
static int pinned_one_source(const struct nkt_cmp_obs *obs,
			     const struct group *ga, const struct group *gb)
{
	const struct group *g[2] = {ga, gb};
	uint32_t src = 0;
	size_t k, i;

	for (k = 0; k < 2; k++)
		for (i = 0; i < g[k]->n; i++) {
			const struct nkt_cmp_obs *o = &obs[g[k]->idx[i]];
			if (o->via == 0 || (src != 0 && o->src != src))
				return 0;
			src = o->src;
		}
	return src != 0;
}

static void compare_groups(const struct nkt_cmp_obs *obs,
			   const struct group *ga, const struct group *gb,
			   const struct nkt_cmp_stats *sa,
			   const struct nkt_cmp_stats *sb,
			   const struct nkt_cmp_cfg *cfg, struct nkt_cmp_diff *d)
{
	memset(d, 0, sizeof(*d));
	snprintf(d->a, sizeof(d->a), "%s", ga->name);
	snprintf(d->b, sizeof(d->b), "%s", gb->name);
	d->prefix = ga->prefix;
	d->prefix_len = ga->prefix_len;
	if (ga->prefix_len > 0) {
		char a[NKT_ADDRSTRLEN];
		snprintf(d->prefix_str, sizeof(d->prefix_str), "%s/%u",
			 nkt_addrtab_fmt(cfg->addrs, ga->prefix, a),
			 ga->prefix_len);
	}
	d->valid = 1;
	nkt__verdict_compare(&ga->units, &gb->units, sa, sb, cfg, d);
	d->pinned_one_return = pinned_one_source(obs, ga, gb);
}

/* Sorted rows and the groups they came from, in the same order. */
struct row {
	struct nkt_cmp_stats s;
	struct group *g;
};

static int cmp_row(const void *x, const void *y, void *ctx)
{
	const struct nkt_cmp_stats *a = &((const struct row *)x)->s,
				   *b = &((const struct row *)y)->s;
	int c;
	if (a->prefix != b->prefix)
		return a->prefix < b->prefix ? -1 : 1;
	c = in_order(ctx, a->transit, b->transit);
	return c ? c : strcmp(a->name, b->name);
}

static struct row *rows_of(const struct nkt_cmp_obs *obs, struct group *g,
			   size_t n, const struct nkt_cmp_cfg *cfg)
{
	struct row *r = nkt_xcalloc(n ? n : 1, sizeof(*r));
	size_t i;
	for (i = 0; i < n; i++) {
		group_stats(obs, &g[i], cfg, &r[i].s);
		r[i].g = &g[i];
	}
	qsort_r(r, n, sizeof(*r), cmp_row,
		(void *)(uintptr_t)cfg->transits);
	return r;
}

/* Each prefix row's share of its prefix's routed targets, and the row of
 * the transit carrying it (most routed targets; ties: the first in
 * order).  Every row is a transit: an upstream the transits file does not
 * name carries a /24 as any other does. */
static void carriers(struct row *pr, size_t npg)
{
	size_t i, j;
	for (i = 0; i < npg; i++) {
		size_t total = 0;
		for (j = 0; j < npg; j++)
			if (pr[j].s.prefix == pr[i].s.prefix && !pr[j].s.vias)
				total += pr[j].s.targets;
		pr[i].s.share = total && !pr[i].s.vias
					? (double)pr[i].s.targets /
						  (double)total
					: 0;
	}
	for (i = 0; i < npg; i++) {
		size_t best = i;
		if (pr[i].s.vias == pr[i].g->n)
			continue; /* every observation was pinned */
		for (j = 0; j < npg; j++) {
			if (pr[j].s.prefix != pr[i].s.prefix ||
			    pr[j].s.vias == pr[j].g->n)
				continue;
			if (pr[j].s.targets > pr[best].s.targets ||
			    (pr[j].s.targets == pr[best].s.targets && j < best))
				best = j;
		}
		pr[i].s.carrier = best == i;
	}
	/* Split: reported as such, with every transit that carries its
	 * share a carrier, not one of them picked. */
	for (i = 0; i < npg; i++) {
		size_t big = 0;
		for (j = 0; j < npg; j++)
			if (pr[j].s.prefix == pr[i].s.prefix &&
			    pr[j].s.share >= NKT_CMP_SPLIT_SHARE)
				big++;
		if (big < 2)
			continue;
		pr[i].s.split = 1;
		pr[i].s.carrier = pr[i].s.share >= NKT_CMP_SPLIT_SHARE;
	}
}

/* The uplink (index) whose interface is ifindex, 0 none. */
static size_t uplink_of(const struct nkt_cmp_cfg *c, uint32_t ifindex)
{
	size_t u;
	for (u = 1; ifindex != 0 && u < NKT_ARRAY_LEN(c->via_ifindex); u++)
		if (c->via_ifindex[u] == ifindex)
			return u;
	return 0;
}

/*
 * The carrier of a /24 every measurement of which was pinned to an uplink
 * (--via), where the forward path says nothing of it: the uplink most of
 * its destinations' replies came back by (North Korea's route for it,
 * seen on the wire), when more than half did; its transit's row is
 * marked (return_carrier).  Rows with routed measurements keep the
 * forward paths' answer.
 */
static void return_carriers(const struct nkt_cmp_obs *obs, struct row *pr,
			    size_t npg, const struct nkt_cmp_cfg *c)
{
	size_t i, j, k;

	for (i = 0; i < npg; i++) {
		size_t cnt[256] = {0}, total = 0, best = 0, u;
		if (pr[i].s.vias != pr[i].g->n || pr[i].g->n == 0)
			continue;
		for (j = 0; j < npg; j++) {
			if (pr[j].s.prefix != pr[i].s.prefix ||
			    pr[j].s.prefix_len != pr[i].s.prefix_len)
				continue;
			for (k = 0; k < pr[j].g->n; k++) {
				const struct nkt_cmp_obs *o =
					&obs[pr[j].g->idx[k]];
				if (o->reprobe ||
				    (u = uplink_of(c, o->reply_ifindex)) == 0)
					continue;
				cnt[u]++;
				total++;
				if (cnt[u] > cnt[best])
					best = u;
			}
		}
		if (best == 0 || 2 * cnt[best] <= total ||
		    c->via_name[best] == NULL ||
		    strcmp(c->via_name[best], pr[i].s.name) != 0)
			continue;
		pr[i].s.carrier = 1;
		pr[i].s.return_carrier = 1;
	}
}

/* The hosts of transit row `row` into r->host. */
static void hosts_of(const struct nkt_cmp_obs *obs, const struct group *g,
		     size_t row, struct nkt_cmp_result *r)
{
	size_t i, j;
	r->host = nkt_xreallocarray(r->host, r->n_host + g->units.n + 1,
				    sizeof(*r->host));
	for (i = 0; i < g->units.n; i++) {
		const struct nkt__cmp_unit *u = &g->units.u[i];
		struct nkt_cmp_host *h = &r->host[r->n_host++];
		memset(h, 0, sizeof(*h));
		h->row = row;
		h->addr = u->addr;
		h->vantage = u->vantage;
		h->sent = u->sent;
		h->recv = u->recv;
		h->rtt_median = u->med;
		h->n_rtt = u->n_rtt;
		for (j = 0; j < g->n; j++)
			if (obs[g->idx[j]].unit == u->unit) {
				h->prefix = obs[g->idx[j]].prefix;
				h->prefix_len = obs[g->idx[j]].prefix_len;
				break;
			}
	}
}

/* The groups the observations fall in (re-probes apart: attribution only,
 * nkt_cmp_unify), and the distinct hosts, those no observation
 * attributed among them. */
struct groups {
	struct group *tg, *pg; /* per transit; per (transit, prefix) */
	size_t ntg, npg;
};

static size_t distinct(uint32_t *v, size_t n)
{
	size_t i, d = 0;
	qsort(v, n, sizeof(*v), nkt_cmp_u32);
	for (i = 0; i < n; i++)
		d += i == 0 || v[i] != v[i - 1];
	return d;
}

static void grouping(const struct nkt_cmp_obs *obs, size_t n,
		     const struct nkt_cmp_cfg *c, struct groups *gs,
		     struct nkt_cmp_result *r)
{
	uint32_t *units = nkt_xcalloc(n ? n : 1, sizeof(*units));
	uint32_t *lost = nkt_xcalloc(n ? n : 1, sizeof(*lost));
	uint32_t *weak = nkt_xcalloc(n ? n : 1, sizeof(*weak));
	size_t nu = 0, nl = 0, nw = 0, i;
	char name[96];

	for (i = 0; i < n; i++) {
		if (obs[i].reprobe) {
			r->reprobes++;
			continue;
		}
		r->observations++;
		units[nu++] = obs[i].unit;
		if (unattributed(&obs[i])) {
			lost[nl++] = obs[i].unit;
			continue;
		}
		if (obs[i].tattr.gap != 0)
			weak[nw++] = obs[i].unit;
		nkt_attribution_name(c->transits, &obs[i].tattr, name,
				     sizeof(name));
		group_add(find_group(&gs->tg, &gs->ntg, name,
				     obs[i].tattr.transit, 0, 0),
			  i);
		group_add(find_group(&gs->pg, &gs->npg, name,
				     obs[i].tattr.transit, obs[i].prefix,
				     obs[i].prefix_len),
			  i);
	}
	r->targets = distinct(units, nu);
	r->unattributed = distinct(lost, nl);
	r->weak = distinct(weak, nw);
	free(units);
	free(lost);
	free(weak);
}

/* Transit rows by the targets they carry, most first (ties: row order,
 * the registry's): the transits that carry traffic lead. */
static int by_targets(const void *x, const void *y, void *ctx)
{
	const struct row *tr = ctx;
	size_t i = *(const size_t *)x, j = *(const size_t *)y;
	if (tr[i].s.targets != tr[j].s.targets)
		return tr[i].s.targets > tr[j].s.targets ? -1 : 1;
	return i < j ? -1 : i > j;
}

static void add_diff(const struct nkt_cmp_obs *obs, struct nkt_cmp_diff **d,
		     size_t *n, const struct row *x, const struct row *y,
		     const struct nkt_cmp_cfg *c)
{
	*d = nkt_xreallocarray(*d, *n + 1, sizeof(**d));
	compare_groups(obs, x->g, y->g, &x->s, &y->s, c, &(*d)[(*n)++]);
}

/*
 * The comparisons, one family of tests (Holm) per question:
 *  - overall, every pair of transits with data: the two carrying the
 *    most targets are r->overall (compared whatever their number, so that
 *    too few says so), the other pairs with at least min_units targets on
 *    each side (fewer can support no verdict) r->odiff, most targets
 *    first; each pair is a question of its own (its three tests), so
 *    that a third transit appearing does not make a claim about the
 *    first two impossible;
 *  - per /24, the pairs of the transits it was measured over: a family
 *    per /24.
 * Within a pair, a is the transit first in the registry's order.
 */
static void comparisons(const struct nkt_cmp_obs *obs, const struct row *tr,
			size_t ntg, const struct row *pr, size_t npg,
			const struct nkt_cmp_cfg *c, struct nkt_cmp_result *r)
{
	size_t *ord = nkt_xcalloc(ntg + 1, sizeof(*ord)), i, j, no = 0, k;

	for (i = 0; i < ntg; i++)
		if (tr[i].s.targets > 0)
			ord[no++] = i;
	qsort_r(ord, no, sizeof(*ord), by_targets, (void *)(uintptr_t)tr);
	for (i = 0; i < no; i++)
		for (j = i + 1; j < no; j++) {
			const struct row *x = &tr[ord[i] < ord[j] ? ord[i]
								 : ord[j]],
					 *y = &tr[ord[i] < ord[j] ? ord[j]
								 : ord[i]];
			if (i == 0 && j == 1)
				compare_groups(obs, x->g, y->g, &x->s, &y->s, c,
					       &r->overall);
			else if (x->s.targets >= c->min_units &&
				 y->s.targets >= c->min_units)
				add_diff(obs, &r->odiff, &r->n_odiff, x, y, c);
		}
	free(ord);
	nkt__verdict_holm(&r->overall, 1, c->level);
	for (k = 0; k < r->n_odiff; k++)
		nkt__verdict_holm(&r->odiff[k], 1, c->level);
	for (i = 0; i < npg; i++)
		for (j = i + 1; j < npg; j++)
			if (pr[i].s.prefix == pr[j].s.prefix &&
			    pr[i].s.prefix_len == pr[j].s.prefix_len)
				add_diff(obs, &r->pdiff, &r->n_pdiff, &pr[i],
					 &pr[j], c);
	/* pdiff is in prefix order (the rows are): a family per /24 */
	for (i = 0; i < r->n_pdiff; i = j) {
		for (j = i + 1; j < r->n_pdiff &&
				r->pdiff[j].prefix == r->pdiff[i].prefix &&
				r->pdiff[j].prefix_len == r->pdiff[i].prefix_len;
		     j++)
			;
		nkt__verdict_holm(&r->pdiff[i], j - i, c->level);
	}
}

static void groups_free(struct group *g, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++) {
		free(g[i].idx);
		nkt__cmp_units_free(&g[i].units);
	}
	free(g);
}

void nkt_cmp_summarize(const struct nkt_cmp_obs *obs, size_t n,
		       const struct nkt_cmp_cfg *cfg, struct nkt_cmp_result *r)
{
	struct nkt_cmp_cfg c = *cfg;
	struct groups gs = {NULL, NULL, 0, 0};
	struct row *tr, *pr;
	size_t i;

	if (c.min_units == 0)
		c.min_units = NKT_CMP_MIN_UNITS;
	memset(r, 0, sizeof(*r));
	r->level = c.level;
	r->min_units = c.min_units;
	grouping(obs, n, &c, &gs, r);
	tr = rows_of(obs, gs.tg, gs.ntg, &c);
	pr = rows_of(obs, gs.pg, gs.npg, &c);
	carriers(pr, gs.npg);
	return_carriers(obs, pr, gs.npg, &c);
	comparisons(obs, tr, gs.ntg, pr, gs.npg, &c, r);
	r->transit = nkt_xcalloc(gs.ntg ? gs.ntg : 1, sizeof(*r->transit));
	r->prefix = nkt_xcalloc(gs.npg ? gs.npg : 1, sizeof(*r->prefix));
	for (i = 0; i < gs.ntg; i++) {
		r->transit[i] = tr[i].s;
		hosts_of(obs, tr[i].g, i, r);
	}
	for (i = 0; i < gs.npg; i++)
		r->prefix[i] = pr[i].s;
	r->n_transit = gs.ntg;
	r->n_prefix = gs.npg;
	groups_free(gs.tg, gs.ntg);
	groups_free(gs.pg, gs.npg);
	free(tr);
	free(pr);
}

void nkt_cmp_result_free(struct nkt_cmp_result *r)
{
	free(r->host);
	free(r->transit);
	free(r->prefix);
	free(r->pdiff);
	free(r->odiff);
	memset(r, 0, sizeof(*r));
}
