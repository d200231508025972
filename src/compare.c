// SPDX-License-Identifier: ISC
/* compare.c: observations, per-transit and per-prefix statistics, the
 * comparison of two transits, and the report (see compare.h).  Pure. */
#include "nktrace/compare.h"
#include "nktrace/addrtab.h"
#include "nktrace/inet.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- observations ------------------------------------------------------- */

static int cmp_int(const void *x, const void *y)
{
	int a = *(const int *)x, b = *(const int *)y;
	return a < b ? -1 : a > b;
}

static int is_dest_answer(const struct nkt_trace *t,
			  const struct nkt_hop_reply *h)
{
	return (h->flags & NKT_PF_REPLY) && !(h->flags & NKT_PF_DUP) &&
	       h->from == t->flow.dst && h->kind != NKT_REPLY_TTL_EXCEEDED;
}

void nkt_cmp_observe(const struct nkt_trace *t, const struct nkt_aspath *p,
		     const struct nkt_attribution *a,
		     const struct nkt_targetdb *tdb, struct nkt_cmp_obs *o)
{
	const struct nkt_tdb_prefix *pf = tdb ? nkt_targetdb_prefix_of(
							tdb, t->flow.dst)
					      : NULL;
	double dest[64];
	int ttls[256];
	size_t i, nd = 0, nt = 0;
	unsigned answered[256], sent[256], h, last;

	memset(o, 0, sizeof(*o));
	o->addr = t->flow.dst;
	o->unit = t->flow.dst;
	o->prefix = pf ? pf->net : t->flow.dst & 0xffffff00u;
	o->prefix_len = pf ? pf->len : 24;
	o->method = t->flow.method;
	o->dport = t->flow.dport;
	o->via = t->via;
	o->stop_reason = t->stop_reason;
	o->stop_hop = t->stop_hop;
	o->attr = *a;
	o->target_asn = p->target_asn;
	o->last_foreign = p->last_foreign;
	o->first_inside = p->first_inside;
	o->start_ns = t->start_ns;
	o->e2e_sent = t->e2e_sent;
	o->e2e_recv = t->e2e_reached;
	o->rtt = nkt_xreallocarray(NULL, t->n ? t->n : 1, sizeof(double));
	memset(answered, 0, sizeof(answered));
	memset(sent, 0, sizeof(sent));

	for (i = 0; i < t->n; i++) {
		const struct nkt_hop_reply *r = &t->r[i];
		int e2e = !!(r->flags & NKT_PF_E2E);
		if (is_dest_answer(t, r)) {
			if (nt < NKT_ARRAY_LEN(ttls))
				ttls[nt++] = r->reply_ttl;
			if (!e2e && (o->dest_hop == 0 || r->ttl < o->dest_hop))
				o->dest_hop = r->ttl;
			if (e2e)
				o->rtt[o->n_rtt++] = (double)r->rtt_ns / 1e6;
		}
		if (e2e || (r->flags & (NKT_PF_DUP | NKT_PF_EDST)))
			continue;
		sent[r->ttl]++;
		if (r->flags & NKT_PF_REPLY)
			answered[r->ttl]++;
	}
	for (i = 0; i < t->n && nd < NKT_ARRAY_LEN(dest); i++) {
		const struct nkt_hop_reply *r = &t->r[i];
		if (is_dest_answer(t, r) && !(r->flags & NKT_PF_E2E) &&
		    r->ttl == o->dest_hop)
			dest[nd++] = (double)r->rtt_ns / 1e6;
	}
	o->dest_rtt_ms = nd ? nkt_stats_median(dest, nd) : NAN;
	if (o->e2e_sent == 0)
		for (i = 0; i < nd; i++)
			o->rtt[o->n_rtt++] = dest[i];
	o->reached = o->dest_hop > 0 || o->e2e_recv > 0;

	/* Return path length from the reply TTL, against the usual initial
	 * TTLs (64 Linux and most, 128 Windows, 255 routers, 32 old). */
	o->reply_ttl = o->return_hops = -1;
	if (nt > 0) {
		static const int initial[] = {32, 64, 128, 255};
		qsort(ttls, nt, sizeof(ttls[0]), cmp_int);
		o->reply_ttl = ttls[nt / 2];
		for (i = 0; i < NKT_ARRAY_LEN(initial); i++)
			if (initial[i] >= o->reply_ttl) {
				o->return_hops = initial[i] - o->reply_ttl + 1;
				break;
			}
		if (o->dest_hop && o->return_hops > 0)
			o->asymmetric = abs(o->return_hops - o->dest_hop) >= 2;
	}

	/* Hops that lost some probes while a later hop lost none. */
	last = o->dest_hop ? o->dest_hop : o->stop_hop;
	for (h = t->first_ttl; h < last && h < 256; h++) {
		unsigned k;
		int later_full = 0;
		if (answered[h] == 0 || answered[h] >= sent[h])
			continue;
		for (k = h + 1; k <= last && k < 256; k++)
			if (sent[k] > 0 && answered[k] == sent[k])
				later_full = 1;
		if (later_full && o->n_ratelimit < NKT_CMP_RATELIMIT_MAX)
			o->ratelimit[o->n_ratelimit++] = (uint8_t)h;
	}
}

/* Observation indexes sorted by (unit, via, index). */
static int cmp_unit_via(const void *x, const void *y, void *ctx)
{
	const struct nkt_cmp_obs *obs = ctx;
	size_t i = *(const size_t *)x, j = *(const size_t *)y;
	const struct nkt_cmp_obs *a = &obs[i], *b = &obs[j];
	if (a->unit != b->unit)
		return a->unit < b->unit ? -1 : 1;
	if (a->via != b->via)
		return a->via < b->via ? -1 : 1;
	return i < j ? -1 : i > j;
}

static size_t *sorted_by_unit(const struct nkt_cmp_obs *obs,
			      const size_t *idx, size_t n)
{
	size_t *s = nkt_xcalloc(n ? n : 1, sizeof(*s)), i;
	for (i = 0; i < n; i++)
		s[i] = idx ? idx[i] : i;
	qsort_r(s, n, sizeof(*s), cmp_unit_via, (void *)(uintptr_t)obs);
	return s;
}

void nkt_cmp_unify(struct nkt_cmp_obs *obs, size_t n)
{
	size_t *s = sorted_by_unit(obs, NULL, n), i = 0, j, k;

	/* Runs of one (unit, via), in observation order within each. */
	while (i < n) {
		const struct nkt_cmp_obs *best = NULL;
		for (j = i; j < n && obs[s[j]].unit == obs[s[i]].unit &&
			    obs[s[j]].via == obs[s[i]].via;
		     j++) {
			const struct nkt_cmp_obs *o = &obs[s[j]];
			if (o->attr.transit < 0)
				continue;
			if (best == NULL || (o->reached && !best->reached))
				best = o;
		}
		for (k = i; k < j; k++)
			obs[s[k]].tattr = best ? best->attr : obs[s[k]].attr;
		i = j;
	}
	free(s);
}

void nkt_cmp_obs_free(struct nkt_cmp_obs *o)
{
	free(o->rtt);
	o->rtt = NULL;
}

/* ---- grouping ------------------------------------------------------------- */

/* The border pair was seen whole: the last hop before the target's AS
 * answered right before the first hop inside it. */
static int border_seen(const struct nkt_cmp_obs *o)
{
	return o->last_foreign.present && o->first_inside.present &&
	       o->first_inside.hop == o->last_foreign.hop + 1;
}

static void group_name(const struct nkt_cmp_cfg *cfg,
		       const struct nkt_cmp_obs *o, char *buf, size_t len)
{
	nkt_attribution_name(cfg->transits, &o->tattr, buf, len);
}

struct group {
	char name[96];
	int transit;
	uint32_t prefix;
	uint8_t prefix_len;
	size_t *idx; /* observation indexes */
	size_t n;
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

/* Clusters (one per target) of a group's end-to-end RTTs, and each
 * target's median. */
struct clusters {
	struct nkt_cluster *c;
	double **owned;
	double *medians;
	size_t n;
};

/* A unit's run in a group sorted by unit: where it starts and ends, and
 * its first position in the group (clusters keep first-seen order). */
struct unit_run {
	size_t first, lo, hi;
};

static int cmp_run_first(const void *x, const void *y)
{
	const struct unit_run *a = x, *b = y;
	return a->first < b->first ? -1 : a->first > b->first;
}

static int cmp_unit_pos(const void *x, const void *y)
{
	const size_t *a = x, *b = y; /* (unit, position) pairs */
	if (a[0] != b[0])
		return a[0] < b[0] ? -1 : 1;
	return a[1] < b[1] ? -1 : a[1] > b[1];
}

/* The group's units: *pos gets the group positions sorted by (unit,
 * position); the runs come back in first-seen order. */
static struct unit_run *unit_runs(const struct nkt_cmp_obs *obs,
				  const struct group *g, size_t **pos,
				  size_t *nruns)
{
	size_t *pair = nkt_xcalloc(2 * (g->n ? g->n : 1), sizeof(*pair));
	struct unit_run *runs = nkt_xcalloc(g->n ? g->n : 1, sizeof(*runs));
	size_t i, n = 0;

	for (i = 0; i < g->n; i++) {
		pair[2 * i] = obs[g->idx[i]].unit;
		pair[2 * i + 1] = i;
	}
	qsort(pair, g->n, 2 * sizeof(*pair), cmp_unit_pos);
	*pos = nkt_xcalloc(g->n ? g->n : 1, sizeof(**pos));
	for (i = 0; i < g->n; i++) {
		(*pos)[i] = pair[2 * i + 1];
		if (i == 0 || pair[2 * i] != pair[2 * i - 2]) {
			if (n > 0)
				runs[n - 1].hi = i;
			runs[n].first = pair[2 * i + 1];
			runs[n].lo = i;
			n++;
		}
	}
	if (n > 0)
		runs[n - 1].hi = g->n;
	free(pair);
	qsort(runs, n, sizeof(*runs), cmp_run_first);
	*nruns = n;
	return runs;
}

static void make_clusters(const struct nkt_cmp_obs *obs,
			  const struct group *g, struct clusters *out)
{
	size_t *pos, nruns, r, k;
	struct unit_run *runs = unit_runs(obs, g, &pos, &nruns);

	memset(out, 0, sizeof(*out));
	out->c = nkt_xcalloc(nruns ? nruns : 1, sizeof(*out->c));
	out->owned = nkt_xcalloc(nruns ? nruns : 1, sizeof(*out->owned));
	out->medians = nkt_xcalloc(nruns ? nruns : 1, sizeof(double));
	/* One cluster per unit (target), its RTTs in observation order. */
	for (r = 0; r < nruns; r++) {
		size_t total = 0;
		double *v, *tmp;
		for (k = runs[r].lo; k < runs[r].hi; k++)
			total += obs[g->idx[pos[k]]].n_rtt;
		if (total == 0)
			continue;
		v = nkt_xreallocarray(NULL, total, sizeof(*v));
		total = 0;
		for (k = runs[r].lo; k < runs[r].hi; k++) {
			const struct nkt_cmp_obs *o = &obs[g->idx[pos[k]]];
			memcpy(v + total, o->rtt, o->n_rtt * sizeof(*v));
			total += o->n_rtt;
		}
		out->owned[out->n] = v;
		out->c[out->n].v = v;
		out->c[out->n].n = total;
		tmp = nkt_xreallocarray(NULL, total, sizeof(*tmp));
		memcpy(tmp, v, total * sizeof(*tmp));
		out->medians[out->n] = nkt_stats_median(tmp, total);
		free(tmp);
		out->n++;
	}
	free(runs);
	free(pos);
}

static void free_clusters(struct clusters *c)
{
	size_t i;
	for (i = 0; i < c->n; i++)
		free(c->owned[i]);
	free(c->owned);
	free(c->c);
	free(c->medians);
}

static double median_of(double *v, size_t n)
{
	return n ? nkt_stats_median(v, n) : NAN;
}

static void group_stats(const struct nkt_cmp_obs *obs, const struct group *g,
			const struct nkt_cmp_cfg *cfg, struct nkt_cmp_stats *s)
{
	struct clusters cl;
	double *pool, *border, *inside, *hops;
	double jit_sum = 0;
	size_t i, j, np = 0, nb = 0, ni = 0, nh = 0, pairs = 0;

	memset(s, 0, sizeof(*s));
	snprintf(s->name, sizeof(s->name), "%s", g->name);
	s->transit = g->transit;
	s->prefix = g->prefix;
	s->prefix_len = g->prefix_len;
	/* The group's border hop: the most common last foreign address
	 * (ties: the one seen first). */
	{
		size_t *pair = nkt_xcalloc(2 * (g->n ? g->n : 1),
					   sizeof(*pair));
		size_t nb_ = 0, best = 0, best_first = 0, k;
		for (i = 0; i < g->n; i++)
			if (border_seen(&obs[g->idx[i]])) {
				pair[2 * nb_] = obs[g->idx[i]].last_foreign.addr;
				pair[2 * nb_ + 1] = i;
				nb_++;
			}
		qsort(pair, nb_, 2 * sizeof(*pair), cmp_unit_pos);
		for (i = 0; i < nb_; i = k) {
			for (k = i; k < nb_ && pair[2 * k] == pair[2 * i]; k++)
				;
			if (k - i > best ||
			    (k - i == best && pair[2 * i + 1] < best_first)) {
				best = k - i;
				best_first = pair[2 * i + 1];
				s->border_addr = (uint32_t)pair[2 * i];
			}
		}
		free(pair);
	}
	/* Targets (units) and the ones reached. */
	{
		size_t *pos, nruns, r, k;
		struct unit_run *runs = unit_runs(obs, g, &pos, &nruns);
		for (r = 0; r < nruns; r++) {
			int reached = 0;
			for (k = runs[r].lo; k < runs[r].hi; k++)
				reached |= obs[g->idx[pos[k]]].reached;
			s->targets++;
			s->reached += reached != 0;
		}
		free(runs);
		free(pos);
	}
	pool = nkt_xcalloc(1, sizeof(double));
	border = nkt_xcalloc(g->n + 1, sizeof(double));
	inside = nkt_xcalloc(g->n + 1, sizeof(double));
	hops = nkt_xcalloc(g->n + 1, sizeof(double));
	for (i = 0; i < g->n; i++) {
		const struct nkt_cmp_obs *o = &obs[g->idx[i]];
		pool = nkt_xreallocarray(pool, np + o->n_rtt + 1,
					 sizeof(*pool));
		memcpy(pool + np, o->rtt, o->n_rtt * sizeof(*pool));
		np += o->n_rtt;
		for (j = 1; j < o->n_rtt; j++, pairs++)
			jit_sum += fabs(o->rtt[j] - o->rtt[j - 1]);
		if (o->e2e_sent > 0) {
			s->sent += o->e2e_sent;
			s->lost += o->e2e_sent - o->e2e_recv;
		}
		if (border_seen(o) && o->last_foreign.rtt_ns > 0 &&
		    o->last_foreign.addr == s->border_addr) {
			double b = (double)o->last_foreign.rtt_ns / 1e6;
			border[nb++] = b;
			if (o->n_rtt > 0) {
				double *tmp = nkt_xreallocarray(
					NULL, o->n_rtt, sizeof(*tmp));
				memcpy(tmp, o->rtt, o->n_rtt * sizeof(*tmp));
				inside[ni++] =
					nkt_stats_median(tmp, o->n_rtt) - b;
				free(tmp);
			}
		}
		if (o->reached && o->dest_hop)
			hops[nh++] = o->dest_hop;
		s->ratelimit_hops += o->n_ratelimit;
		s->asymmetric += o->asymmetric != 0;
		s->vias += o->via != 0;
	}
	s->n_rtt = np;
	nkt_stats_sort(pool, np);
	s->rtt_median = np ? nkt_stats_quantile(pool, np, 0.5) : NAN;
	s->rtt_p10 = np ? nkt_stats_quantile(pool, np, 0.1) : NAN;
	s->rtt_p90 = np ? nkt_stats_quantile(pool, np, 0.9) : NAN;
	s->jitter = pairs ? jit_sum / (double)pairs : NAN;
	make_clusters(obs, g, &cl);
	s->rtt_ci = np ? nkt_stats_boot_median(cl.c, cl.n, cfg->level,
					       cfg->bootstrap, cfg->seed)
		       : (struct nkt_ci){NAN, NAN};
	free_clusters(&cl);
	s->loss = s->sent ? (double)s->lost / (double)s->sent : NAN;
	s->loss_ci = s->sent ? nkt_stats_wilson(s->lost, s->sent, cfg->level)
			     : (struct nkt_ci){NAN, NAN};
	s->border_rtt = median_of(border, nb);
	s->inside_rtt = median_of(inside, ni);
	s->hops = median_of(hops, nh);
	free(pool);
	free(border);
	free(inside);
	free(hops);
}

static void compare_groups(const struct nkt_cmp_obs *obs,
			   const struct group *ga, const struct group *gb,
			   const struct nkt_cmp_stats *sa,
			   const struct nkt_cmp_stats *sb,
			   const struct nkt_cmp_cfg *cfg, struct nkt_cmp_diff *d)
{
	struct clusters ca, cb;

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
	make_clusters(obs, ga, &ca);
	make_clusters(obs, gb, &cb);
	d->valid = ca.n > 0 && cb.n > 0;
	d->rtt_diff = sa->rtt_median - sb->rtt_median;
	d->rtt_ci = d->valid ? nkt_stats_boot_median_diff(
				       ca.c, ca.n, cb.c, cb.n, cfg->level,
				       cfg->bootstrap, cfg->seed)
			     : (struct nkt_ci){NAN, NAN};
	if (ca.n >= 2 && cb.n >= 2)
		d->rtt_p = nkt_stats_mannwhitney(ca.medians, ca.n, cb.medians,
						 cb.n, NULL);
	else {
		/* One target on a side: per-target medians cannot show a
		 * difference (1 vs 1 is always p = 1), so the test is over
		 * that target's probes, as the interval is. */
		size_t na, nb;
		double *pa = nkt_stats_pool(ca.c, ca.n, &na);
		double *pb = nkt_stats_pool(cb.c, cb.n, &nb);
		d->rtt_p = nkt_stats_mannwhitney(pa, na, pb, nb, NULL);
		free(pa);
		free(pb);
	}
	free_clusters(&ca);
	free_clusters(&cb);
	d->loss_a = sa->loss;
	d->loss_b = sb->loss;
	d->loss_diff = sa->loss - sb->loss;
	if (sa->sent && sb->sent) {
		d->loss_ci = nkt_stats_newcombe(sa->lost, sa->sent, sb->lost,
						sb->sent, cfg->level);
		d->loss_p = nkt_stats_fisher(sa->lost, sa->sent, sb->lost,
					     sb->sent);
	} else {
		d->loss_ci.lo = d->loss_ci.hi = NAN;
		d->loss_p = NAN;
	}
}

/* The two defined transits with the most targets, in transit order. */
static int pick_pair(const struct nkt_cmp_stats *s, size_t n, size_t *a,
		     size_t *b)
{
	size_t i, best = SIZE_MAX, second = SIZE_MAX;
	for (i = 0; i < n; i++) {
		if (s[i].transit < 0 || s[i].n_rtt == 0)
			continue;
		if (best == SIZE_MAX || s[i].targets > s[best].targets)
			second = best, best = i;
		else if (second == SIZE_MAX ||
			 s[i].targets > s[second].targets)
			second = i;
	}
	if (second == SIZE_MAX)
		return 0;
	if (s[best].transit < s[second].transit)
		*a = best, *b = second;
	else
		*a = second, *b = best;
	return 1;
}

static int cmp_stats(const void *x, const void *y)
{
	const struct nkt_cmp_stats *a = x, *b = y;
	if (a->prefix != b->prefix)
		return a->prefix < b->prefix ? -1 : 1;
	if ((a->transit < 0) != (b->transit < 0))
		return a->transit < 0 ? 1 : -1;
	if (a->transit != b->transit)
		return a->transit < b->transit ? -1 : 1;
	return strcmp(a->name, b->name);
}

void nkt_cmp_summarize(const struct nkt_cmp_obs *obs, size_t n,
		       const struct nkt_cmp_cfg *cfg, struct nkt_cmp_result *r)
{
	struct group *tg = NULL, *pg = NULL;
	size_t ntg = 0, npg = 0, i, a, b;
	char name[96];

	memset(r, 0, sizeof(*r));
	r->observations = n;
	for (i = 0; i < n; i++) {
		group_name(cfg, &obs[i], name, sizeof(name));
		group_add(find_group(&tg, &ntg, name, obs[i].tattr.transit, 0,
				     0),
			  i);
		group_add(find_group(&pg, &npg, name, obs[i].tattr.transit,
				     obs[i].prefix, obs[i].prefix_len),
			  i);
	}
	{
		size_t *srt = sorted_by_unit(obs, NULL, n);
		for (i = 0; i < n; i++)
			r->targets += i == 0 ||
				      obs[srt[i]].unit != obs[srt[i - 1]].unit;
		free(srt);
	}
	r->transit = nkt_xcalloc(ntg ? ntg : 1, sizeof(*r->transit));
	r->prefix = nkt_xcalloc(npg ? npg : 1, sizeof(*r->prefix));
	for (i = 0; i < ntg; i++)
		group_stats(obs, &tg[i], cfg, &r->transit[i]);
	for (i = 0; i < npg; i++)
		group_stats(obs, &pg[i], cfg, &r->prefix[i]);
	r->n_transit = ntg;
	r->n_prefix = npg;

	if (pick_pair(r->transit, ntg, &a, &b))
		compare_groups(obs, &tg[a], &tg[b], &r->transit[a],
			       &r->transit[b], cfg, &r->overall);
	/* Per prefix: where one prefix was measured over two transits. */
	for (i = 0; i < npg; i++) {
		size_t j;
		for (j = i + 1; j < npg; j++) {
			if (pg[i].prefix != pg[j].prefix ||
			    pg[i].transit < 0 || pg[j].transit < 0 ||
			    r->prefix[i].n_rtt == 0 || r->prefix[j].n_rtt == 0)
				continue;
			r->pdiff = nkt_xreallocarray(r->pdiff, r->n_pdiff + 1,
						     sizeof(*r->pdiff));
			if (pg[i].transit < pg[j].transit)
				compare_groups(obs, &pg[i], &pg[j],
					       &r->prefix[i], &r->prefix[j],
					       cfg, &r->pdiff[r->n_pdiff]);
			else
				compare_groups(obs, &pg[j], &pg[i],
					       &r->prefix[j], &r->prefix[i],
					       cfg, &r->pdiff[r->n_pdiff]);
			r->n_pdiff++;
		}
	}
	/* Each row's share of its prefix's routed targets. */
	for (i = 0; i < npg; i++) {
		size_t j, total = 0;
		for (j = 0; j < npg; j++)
			if (pg[j].prefix == pg[i].prefix)
				total += r->prefix[j].targets -
					 (r->prefix[j].vias ? r->prefix[j].targets
							    : 0);
		r->prefix[i].share =
			total && !r->prefix[i].vias
				? (double)r->prefix[i].targets / (double)total
				: 0;
	}
	/* The carrier of each prefix, from routed (not pinned) targets. */
	for (i = 0; i < npg; i++) {
		size_t j, best = i;
		int better;
		if (r->prefix[i].vias == pg[i].n)
			continue; /* every observation was pinned */
		for (j = 0; j < npg; j++) {
			if (pg[j].prefix != pg[i].prefix ||
			    r->prefix[j].vias == pg[j].n)
				continue;
			better = (r->prefix[j].transit >= 0) !=
					 (r->prefix[best].transit >= 0)
					 ? r->prefix[j].transit >= 0
					 : r->prefix[j].targets >
						   r->prefix[best].targets;
			if (better)
				best = j;
		}
		if (best == i)
			r->prefix[i].carrier = 1;
	}
	qsort(r->transit, r->n_transit, sizeof(*r->transit), cmp_stats);
	qsort(r->prefix, r->n_prefix, sizeof(*r->prefix), cmp_stats);
	for (i = 0; i < ntg; i++)
		free(tg[i].idx);
	for (i = 0; i < npg; i++)
		free(pg[i].idx);
	free(tg);
	free(pg);
}

void nkt_cmp_result_free(struct nkt_cmp_result *r)
{
	free(r->transit);
	free(r->prefix);
	free(r->pdiff);
	memset(r, 0, sizeof(*r));
}

/* ---- the verdict ------------------------------------------------------------ */

static void fmt_p(char *buf, size_t len, double p)
{
	if (isnan(p))
		snprintf(buf, len, "p n/a");
	else if (p < 0.001)
		snprintf(buf, len, "p<0.001");
	else
		snprintf(buf, len, "p=%.3f", p);
}

static void fmt_loss(char *buf, size_t len, double l)
{
	if (isnan(l))
		snprintf(buf, len, "-");
	else if (l < 0.00005)
		snprintf(buf, len, "0.0%%");
	else if (l < 0.001)
		snprintf(buf, len, "%.2f%%", l * 100);
	else
		snprintf(buf, len, "%.1f%%", l * 100);
}

/* "95%", "99.9%" */
static void fmt_level(char *buf, size_t len, double level)
{
	double pct = level * 100;
	if (fabs(pct - round(pct)) < 1e-9)
		snprintf(buf, len, "%.0f%%", pct);
	else
		snprintf(buf, len, "%g%%", pct);
}

/* v, or 0 where %.1f would print "-0.0". */
static double no_minus_zero(double v)
{
	return v < 0 && v > -0.05 ? 0.0 : v;
}

char *nkt_cmp_verdict(const struct nkt_cmp_diff *d, double level, char *buf,
		      size_t len)
{
	const char *fast, *slow;
	char to[NKT_ADDRSTRLEN + 16] = "", rp[24], lp[24], l1[16], l2[16];
	char pct[16];
	double diff = d->rtt_diff, lo = d->rtt_ci.lo, hi = d->rtt_ci.hi;
	double fl, sl;

	if (!d->valid) {
		snprintf(buf, len, "no comparison: fewer than two transits "
				   "with end-to-end RTTs");
		return buf;
	}
	fmt_level(pct, sizeof(pct), level);
	if (d->prefix_str[0])
		snprintf(to, sizeof(to), " to %s", d->prefix_str);
	fmt_p(rp, sizeof(rp), d->rtt_p);
	fmt_p(lp, sizeof(lp), d->loss_p);
	if (diff <= 0) {
		fast = d->a, slow = d->b, fl = d->loss_a, sl = d->loss_b;
		diff = -diff;
		double t = -hi;
		hi = -lo;
		lo = t;
	} else
		fast = d->b, slow = d->a, fl = d->loss_b, sl = d->loss_a;
	fmt_loss(l1, sizeof(l1), fl);
	fmt_loss(l2, sizeof(l2), sl);
	if (lo > 0) {
		/* 98 ms (91-104); 9.9 ms; 25.0 ms (24.9-25.1) */
		int dig = diff < 20 || hi - lo < 2 ? 1 : 0;
		snprintf(buf, len,
			 "%s is %.*f ms faster than %s%s (%s CI %.*f-%.*f "
			 "ms, %s); loss %s vs %s (%s)",
			 fast, dig, diff, slow, to, pct, dig, lo, dig, hi, rp,
			 l1, l2, lp);
	}
	else
		snprintf(buf, len,
			 "no clear RTT difference between %s and %s%s "
			 "(%.1f ms, %s CI %.1f to %.1f ms, %s); loss %s vs "
			 "%s (%s)",
			 fast, slow, to, diff, pct, no_minus_zero(lo),
			 no_minus_zero(hi), rp, l1, l2, lp);
	return buf;
}

/* ---- JSON ---------------------------------------------------------------- */

static json_t *jnum(double v, int digits)
{
	double m = pow(10, digits);
	return isnan(v) ? json_null() : json_real(round(v * m) / m);
}

static json_t *jci(struct nkt_ci ci, int digits)
{
	if (isnan(ci.lo) || isnan(ci.hi))
		return json_null();
	return json_pack("[o,o]", jnum(ci.lo, digits), jnum(ci.hi, digits));
}

static json_t *stats_json(const struct nkt_cmp_stats *s,
			  const struct nkt_cmp_cfg *cfg)
{
	json_t *o = json_object(), *rtt = json_object(), *loss = json_object();
	json_object_set_new(o, "targets", json_integer((json_int_t)s->targets));
	json_object_set_new(o, "reached", json_integer((json_int_t)s->reached));
	json_object_set_new(o, "reached_pct",
			    jnum(s->targets ? 100.0 * (double)s->reached /
						      (double)s->targets
					    : NAN,
				 1));
	json_object_set_new(rtt, "median", jnum(s->rtt_median, 3));
	json_object_set_new(rtt, "p10", jnum(s->rtt_p10, 3));
	json_object_set_new(rtt, "p90", jnum(s->rtt_p90, 3));
	json_object_set_new(rtt, "jitter", jnum(s->jitter, 3));
	json_object_set_new(rtt, "ci95", jci(s->rtt_ci, 3));
	json_object_set_new(rtt, "samples", json_integer((json_int_t)s->n_rtt));
	json_object_set_new(o, "rtt_ms", rtt);
	json_object_set_new(loss, "sent", json_integer((json_int_t)s->sent));
	json_object_set_new(loss, "lost", json_integer((json_int_t)s->lost));
	json_object_set_new(loss, "rate", jnum(s->loss, 5));
	json_object_set_new(loss, "ci95", jci(s->loss_ci, 5));
	json_object_set_new(o, "loss", loss);
	if (s->border_addr) {
		char a[NKT_ADDRSTRLEN];
		json_object_set_new(o, "border_addr",
				    json_string(nkt_addrtab_fmt(cfg->addrs,
								s->border_addr,
								a)));
	} else
		json_object_set_new(o, "border_addr", json_null());
	json_object_set_new(o, "border_rtt_ms", jnum(s->border_rtt, 3));
	json_object_set_new(o, "inside_rtt_ms", jnum(s->inside_rtt, 3));
	json_object_set_new(o, "hops", jnum(s->hops, 1));
	json_object_set_new(o, "ratelimit_suspected",
			    json_integer((json_int_t)s->ratelimit_hops));
	json_object_set_new(o, "asymmetric",
			    json_integer((json_int_t)s->asymmetric));
	return o;
}

static json_t *diff_json(const struct nkt_cmp_diff *d,
			 const struct nkt_cmp_cfg *cfg)
{
	char v[512];
	if (!d->valid)
		return json_null();
	return json_pack(
		"{s:s,s:s,s:{s:o,s:o,s:o},s:{s:o,s:o,s:o,s:o,s:o},s:s}", "a",
		d->a, "b", d->b, "rtt_ms", "diff", jnum(d->rtt_diff, 3), "ci95",
		jci(d->rtt_ci, 3), "p", jnum(d->rtt_p, 6), "loss", "a",
		jnum(d->loss_a, 5), "b", jnum(d->loss_b, 5), "diff",
		jnum(d->loss_diff, 5), "ci95", jci(d->loss_ci, 5), "p",
		jnum(d->loss_p, 6), "verdict",
		nkt_cmp_verdict(d, cfg->level, v, sizeof(v)));
}

static json_t *border_json(const struct nkt_border_hop *b,
			   const struct nkt_cmp_cfg *cfg)
{
	char a[NKT_ADDRSTRLEN];
	if (!b->present)
		return json_null();
	return json_pack("{s:i,s:s,s:o,s:o}", "hop", b->hop, "addr",
			 nkt_addrtab_fmt(cfg->addrs, b->addr, a), "asn",
			 b->asn ? json_integer(b->asn) : json_null(), "rtt_ms",
			 jnum((double)b->rtt_ns / 1e6, 3));
}

json_t *nkt_cmp_json(const struct nkt_cmp_result *r,
		     const struct nkt_cmp_obs *obs, size_t n,
		     const struct nkt_cmp_cfg *cfg, uint64_t start_ns,
		     uint64_t end_ns)
{
	json_t *rec = json_object(), *arr;
	char vbuf[32], a[NKT_ADDRSTRLEN], pfx[NKT_ADDRSTRLEN + 8], name[96];
	size_t i, j;

	snprintf(vbuf, sizeof(vbuf), "nktrace %s", NKT_VERSION);
	json_object_set_new(rec, "type", json_string("compare"));
	json_object_set_new(rec, "version", json_string(vbuf));
	json_object_set_new(rec, "start",
			    json_integer((json_int_t)(start_ns / NKT_NS_PER_S)));
	json_object_set_new(rec, "end",
			    json_integer((json_int_t)(end_ns / NKT_NS_PER_S)));
	json_object_set_new(rec, "level", json_real(cfg->level));
	json_object_set_new(rec, "observations",
			    json_integer((json_int_t)r->observations));
	json_object_set_new(rec, "targets",
			    json_integer((json_int_t)r->targets));

	arr = json_array();
	for (i = 0; i < r->n_transit; i++) {
		const struct nkt_cmp_stats *s = &r->transit[i];
		json_t *o = stats_json(s, cfg), *asns = json_array();
		json_object_set_new(o, "name", json_string(s->name));
		if (s->transit >= 0) {
			const struct nkt_transit *t =
				&cfg->transits->t[s->transit];
			for (j = 0; j < t->n_asns; j++)
				json_array_append_new(asns,
						      json_integer(t->asns[j]));
			json_object_set_new(o, "color", json_string(t->color));
		}
		json_object_set_new(o, "asns", asns);
		json_array_append_new(arr, o);
	}
	json_object_set_new(rec, "transits", arr);

	arr = json_array();
	for (i = 0; i < r->n_prefix; i++) {
		const struct nkt_cmp_stats *s = &r->prefix[i];
		json_t *o = stats_json(s, cfg);
		snprintf(pfx, sizeof(pfx), "%s/%u",
			 nkt_addrtab_fmt(cfg->addrs, s->prefix, a),
			 s->prefix_len);
		json_object_set_new(o, "prefix", json_string(pfx));
		json_object_set_new(o, "transit", json_string(s->name));
		json_object_set_new(o, "carrier", json_boolean(s->carrier));
		json_object_set_new(o, "share", jnum(s->share, 3));
		if (cfg->tdb != NULL) {
			const struct nkt_tdb_prefix *p =
				nkt_targetdb_prefix_of(cfg->tdb, s->prefix);
			const struct nkt_tdb_history *h =
				p ? nkt_targetdb_latest(p) : NULL;
			if (h != NULL) {
				json_t *k = json_array();
				for (j = 0; j < h->n_transits; j++)
					json_array_append_new(
						k, json_string(h->transits[j]));
				json_object_set_new(
					o, "known",
					json_pack("{s:s,s:o}", "from", h->from,
						  "transits", k));
			}
		}
		json_array_append_new(arr, o);
	}
	json_object_set_new(rec, "prefixes", arr);
	json_object_set_new(rec, "difference", diff_json(&r->overall, cfg));
	arr = json_array();
	for (i = 0; i < r->n_pdiff; i++) {
		json_t *o = diff_json(&r->pdiff[i], cfg);
		if (json_is_object(o))
			json_object_set_new(o, "prefix",
					    json_string(r->pdiff[i].prefix_str));
		json_array_append_new(arr, o);
	}
	json_object_set_new(rec, "prefix_differences", arr);

	arr = json_array();
	for (i = 0; i < n; i++) {
		const struct nkt_cmp_obs *o = &obs[i];
		json_t *t = json_object(), *rl = json_array();
		const char *hn = cfg->tdb ? nkt_targetdb_name(cfg->tdb, o->addr)
					  : NULL;
		double *tmp;
		json_object_set_new(
			t, "addr",
			json_string(nkt_addrtab_fmt(cfg->addrs, o->addr, a)));
		if (hn != NULL)
			json_object_set_new(t, "name", json_string(hn));
		snprintf(pfx, sizeof(pfx), "%s/%u",
			 nkt_addrtab_fmt(cfg->addrs, o->prefix, a),
			 o->prefix_len);
		json_object_set_new(t, "prefix", json_string(pfx));
		json_object_set_new(
			t, "method",
			json_string(nkt_method_name((enum nkt_method)o->method)));
		if (o->method != NKT_METHOD_ICMP)
			json_object_set_new(t, "port", json_integer(o->dport));
		if (o->via && cfg->via_name[o->via])
			json_object_set_new(t, "via",
					    json_string(cfg->via_name[o->via]));
		json_object_set_new(t, "reached", json_boolean(o->reached));
		group_name(cfg, o, name, sizeof(name));
		json_object_set_new(t, "transit", json_string(name));
		nkt_attribution_name(cfg->transits, &o->attr, name,
				     sizeof(name));
		json_object_set_new(t, "path_transit", json_string(name));
		json_object_set_new(t, "stop_reason",
				    json_string(nkt_stop_name(o->stop_reason)));
		json_object_set_new(t, "dest_hop", o->dest_hop
							   ? json_integer(o->dest_hop)
							   : json_null());
		tmp = nkt_xreallocarray(NULL, o->n_rtt + 1, sizeof(*tmp));
		memcpy(tmp, o->rtt, o->n_rtt * sizeof(*tmp));
		json_object_set_new(t, "rtt_ms",
				    jnum(o->n_rtt ? nkt_stats_median(tmp,
								     o->n_rtt)
						  : NAN,
					 3));
		free(tmp);
		json_object_set_new(t, "e2e",
				    json_pack("{s:i,s:i}", "sent",
					      (int)o->e2e_sent, "received",
					      (int)o->e2e_recv));
		json_object_set_new(t, "border", border_json(&o->last_foreign, cfg));
		json_object_set_new(t, "first_inside",
				    border_json(&o->first_inside, cfg));
		json_object_set_new(t, "reply_ttl", o->reply_ttl >= 0
							    ? json_integer(o->reply_ttl)
							    : json_null());
		json_object_set_new(t, "return_hops", o->return_hops >= 0
							      ? json_integer(o->return_hops)
							      : json_null());
		json_object_set_new(t, "asymmetric", json_boolean(o->asymmetric));
		for (j = 0; j < o->n_ratelimit; j++)
			json_array_append_new(rl, json_integer(o->ratelimit[j]));
		json_object_set_new(t, "ratelimit_suspected", rl);
		json_array_append_new(arr, t);
	}
	json_object_set_new(rec, "targets_detail", arr);
	return rec;
}

/* ---- text --------------------------------------------------------------- */

static void fmt_ms(char *buf, size_t len, double v)
{
	if (isnan(v))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.1f", v);
}

static void row(FILE *f, const char *first, int width,
		const struct nkt_cmp_stats *s)
{
	char med[16], p10[16], p90[16], jit[16], lo[16], hi[16], brd[16],
		loss[16], llo[16], lhi[16], hop[16];
	fmt_ms(med, sizeof(med), s->rtt_median);
	fmt_ms(p10, sizeof(p10), s->rtt_p10);
	fmt_ms(p90, sizeof(p90), s->rtt_p90);
	fmt_ms(jit, sizeof(jit), s->jitter);
	fmt_ms(lo, sizeof(lo), s->rtt_ci.lo);
	fmt_ms(hi, sizeof(hi), s->rtt_ci.hi);
	fmt_ms(brd, sizeof(brd), s->border_rtt);
	fmt_loss(loss, sizeof(loss), s->loss);
	fmt_loss(llo, sizeof(llo), s->loss_ci.lo);
	fmt_loss(lhi, sizeof(lhi), s->loss_ci.hi);
	fmt_ms(hop, sizeof(hop), s->hops);
	if (isnan(s->loss))
		fprintf(f, "%-*s %3zu/%-3zu %6s %6s %6s %5s  %6s-%-6s %6s %13s "
			   "%6s %5s\n",
			width, first, s->reached, s->targets, med, p10, p90,
			jit, lo, hi, "-", "", brd, hop);
	else
		fprintf(f, "%-*s %3zu/%-3zu %6s %6s %6s %5s  %6s-%-6s %6s "
			   "(%s-%s) %6s %5s\n",
			width, first, s->reached, s->targets, med, p10, p90,
			jit, lo, hi, loss, llo, lhi, brd, hop);
}

void nkt_cmp_text(FILE *f, const struct nkt_cmp_result *r,
		  const struct nkt_cmp_cfg *cfg)
{
	char buf[512], a[NKT_ADDRSTRLEN], first[160], pct[16];
	size_t i, rl = 0, asym = 0;

	fmt_level(pct, sizeof(pct), cfg->level);
	fprintf(f, "%zu targets, %zu measurements\n\n", r->targets,
		r->observations);
	fprintf(f, "%-16s %7s %6s %6s %6s %5s  %13s %6s %13s %6s %5s\n",
		"transit", "reached", "median", "p10", "p90", "jit",
		"median CI", "loss", "loss CI", "border", "hops");
	for (i = 0; i < r->n_transit; i++) {
		row(f, r->transit[i].name, 16, &r->transit[i]);
		rl += r->transit[i].ratelimit_hops;
		asym += r->transit[i].asymmetric;
	}
	fprintf(f, "\n%-31s %7s %6s %6s %6s %5s  %13s %6s %13s %6s %5s\n",
		"prefix / transit", "reached", "median", "p10", "p90", "jit",
		"median CI", "loss", "loss CI", "border", "hops");
	for (i = 0; i < r->n_prefix; i++) {
		const struct nkt_cmp_stats *s = &r->prefix[i];
		snprintf(first, sizeof(first), "%s/%u %s%s",
			 nkt_addrtab_fmt(cfg->addrs, s->prefix, a),
			 s->prefix_len, s->name, s->carrier ? " *" : "");
		row(f, first, 31, s);
	}
	fprintf(f, "\nRTTs in ms (end-to-end probes; CI: %s bootstrap over "
		   "targets); loss with %s Wilson CI; * the transit "
		   "carrying the prefix.\n",
		pct, pct);
	if (rl > 0)
		fprintf(f, "ICMP rate limiting suspected at %zu hops (they "
			   "missed replies that later hops did not): not "
			   "counted as loss.\n",
			rl);
	if (asym > 0)
		fprintf(f, "Return path length differs from the forward path "
			   "for %zu measurements (reply TTL).\n",
			asym);
	fprintf(f, "\nverdict: %s\n",
		nkt_cmp_verdict(&r->overall, cfg->level, buf, sizeof(buf)));
	for (i = 0; i < r->n_pdiff; i++)
		fprintf(f, "verdict: %s\n",
			nkt_cmp_verdict(&r->pdiff[i], cfg->level, buf,
					sizeof(buf)));
}
