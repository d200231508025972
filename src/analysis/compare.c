// SPDX-License-Identifier: ISC
/*
 * compare.c: observations, the hosts of a group, per-transit and
 * per-prefix statistics, and the summary that verdict.c completes with the
 * comparisons (see compare.h).  Pure.
 */
#include "nktrace/compare.h"
#include "compare_int.h"
#include "nktrace/addrtab.h"
#include "nktrace/inet.h"

#include <math.h>
#include <stdio.h>
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

/* RTTs are taken to the microsecond, as the trace records print them: a
 * run's analysis and that of its records imported back see the same
 * numbers (the same ties, so the same exact or approximate tests). */
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
	o->reprobe = t->purpose == NKT_PURPOSE_REPROBE;
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
				o->rtt[o->n_rtt++] = nkt_ns_to_ms(r->rtt_ns);
		}
		if (e2e && !(r->flags & NKT_PF_DUP))
			o->e2e_tail_lost = (r->flags & NKT_PF_REPLY)
						   ? 0
						   : o->e2e_tail_lost + 1;
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
			dest[nd++] = nkt_ns_to_ms(r->rtt_ns);
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

	/* The border hop's RTT, when the path reached the target's AS (a
	 * hop inside answered, or the target): the last hop before it that
	 * answered, whether or not the first hop inside did (North Korea's
	 * own routers are silent in real traces). */
	if (o->last_foreign.present && o->last_foreign.rtt_ns > 0 &&
	    (o->first_inside.present || o->reached) &&
	    (o->dest_hop == 0 || o->last_foreign.hop < o->dest_hop)) {
		o->brtt = nkt_xmalloc(sizeof(*o->brtt));
		o->brtt[0] = nkt_ns_to_ms(o->last_foreign.rtt_ns);
		o->n_brtt = 1;
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

/* An attribution to another AS holds only when that AS's last hop is right
 * before North Korea (a hop inside answered next, or the target): after
 * silent hops it may be any AS's, the transit's own hidden by rate
 * limiting included. */
static int adjacent(const struct nkt_cmp_obs *o)
{
	uint8_t next = (uint8_t)(o->attr.hop + 1);
	return (o->first_inside.present && o->first_inside.hop == next) ||
	       (o->dest_hop != 0 && o->dest_hop == next);
}

void nkt_cmp_unify(struct nkt_cmp_obs *obs, size_t n)
{
	size_t *s = sorted_by_unit(obs, NULL, n), i = 0, j, k;

	/* Runs of one (unit, via), in observation order within each: a
	 * defined transit seen by any (those that reached the target first),
	 * else another AS right before North Korea, else unattributed. */
	while (i < n) {
		const struct nkt_cmp_obs *best = NULL, *other = NULL;
		uint32_t seen = 0;
		for (j = i; j < n && obs[s[j]].unit == obs[s[i]].unit &&
			    obs[s[j]].via == obs[s[i]].via;
		     j++) {
			const struct nkt_cmp_obs *o = &obs[s[j]];
			if (o->attr.transit < 0) {
				if (o->attr.other_asn && adjacent(o) &&
				    other == NULL)
					other = o;
				else if (o->attr.other_asn && seen == 0)
					seen = o->attr.other_asn;
				continue;
			}
			if (best == NULL || (o->reached && !best->reached))
				best = o;
		}
		if (best == NULL)
			best = other;
		for (k = i; k < j; k++) {
			struct nkt_cmp_obs *o = &obs[s[k]];
			if (best != NULL)
				o->tattr = best->attr;
			else {
				memset(&o->tattr, 0, sizeof(o->tattr));
				o->tattr.transit = -1;
				o->last_seen_asn = seen;
			}
		}
		i = j;
	}
	free(s);
}

void nkt_cmp_obs_free(struct nkt_cmp_obs *o)
{
	free(o->rtt);
	free(o->brtt);
	o->rtt = o->brtt = NULL;
	o->n_rtt = o->n_brtt = 0;
}

/* ---- hosts -------------------------------------------------------------- */

struct upos {
	uint32_t unit;
	size_t pos; /* position in idx */
};

static int cmp_upos(const void *x, const void *y)
{
	const struct upos *a = x, *b = y;
	if (a->unit != b->unit)
		return a->unit < b->unit ? -1 : 1;
	return a->pos < b->pos ? -1 : a->pos > b->pos;
}

static int cmp_first(const void *x, const void *y)
{
	const struct nkt__cmp_unit *a = x, *b = y;
	/* vantage holds the first position while building */
	return a->vantage < b->vantage ? -1 : a->vantage > b->vantage;
}

static void append(double **v, size_t *n, const double *add, size_t m)
{
	if (m == 0)
		return;
	*v = nkt_xreallocarray(*v, *n + m, sizeof(**v));
	memcpy(*v + *n, add, m * sizeof(**v));
	*n += m;
}

static double median_copy(const double *v, size_t n)
{
	double *t, m;
	if (n == 0)
		return NAN;
	t = nkt_xreallocarray(NULL, n, sizeof(*t));
	memcpy(t, v, n * sizeof(*t));
	m = nkt_stats_median(t, n);
	free(t);
	return m;
}

/*
 * A host that went dark while it was measured: the end-to-end probes it
 * left unanswered at the end, over its observations in the order they
 * started, when they are at least NKT_CMP_DARK_RUN and a quarter of its
 * probes and it answered some before; else 0.  Those probes say the host
 * went away, not that the path loses.
 */
static uint64_t dark_tail(const struct nkt_cmp_obs *obs, const size_t *idx,
			  const struct upos *s, size_t n)
{
	const struct nkt_cmp_obs **v = nkt_xcalloc(n + 1, sizeof(*v));
	uint64_t run = 0, sent = 0, recv = 0;
	size_t i, j;
	for (i = 0; i < n; i++) {
		const struct nkt_cmp_obs *o = &obs[idx[s[i].pos]];
		for (j = i; j > 0 && v[j - 1]->start_ns > o->start_ns; j--)
			v[j] = v[j - 1];
		v[j] = o;
	}
	for (i = 0; i < n; i++) {
		if (v[i]->e2e_sent == 0)
			continue;
		run = v[i]->e2e_recv > 0 ? v[i]->e2e_tail_lost
					 : run + v[i]->e2e_sent;
		sent += v[i]->e2e_sent;
		recv += v[i]->e2e_recv;
	}
	free(v);
	return recv > 0 && run >= NKT_CMP_DARK_RUN && 4 * run >= sent ? run : 0;
}

void nkt__cmp_units(const struct nkt_cmp_obs *obs, const size_t *idx,
		    size_t n, uint32_t border, struct nkt__cmp_units *out)
{
	struct upos *s = nkt_xcalloc(n ? n : 1, sizeof(*s));
	size_t i, j, k;

	memset(out, 0, sizeof(*out));
	out->border = border;
	out->u = nkt_xcalloc(n ? n : 1, sizeof(*out->u));
	for (i = 0; i < n; i++)
		s[i] = (struct upos){obs[idx[i]].unit, i};
	qsort(s, n, sizeof(*s), cmp_upos);
	for (i = 0; i < n; i = j) {
		struct nkt__cmp_unit *u = &out->u[out->n++];
		for (j = i; j < n && s[j].unit == s[i].unit; j++)
			;
		u->unit = s[i].unit;
		u->vantage = (uint32_t)s[i].pos; /* first position, for now */
		u->tail = dark_tail(obs, idx, s + i, j - i);
		for (k = i; k < j; k++) {
			const struct nkt_cmp_obs *o = &obs[idx[s[k].pos]];
			u->addr = o->addr;
			append(&u->rtt, &u->n_rtt, o->rtt, o->n_rtt);
			u->sent += o->e2e_sent;
			u->recv += o->e2e_recv;
			u->reached |= o->reached;
			if (border && o->last_foreign.addr == border)
				append(&u->brtt, &u->n_brtt, o->brtt,
				       o->n_brtt);
		}
		u->med = median_copy(u->rtt, u->n_rtt);
	}
	qsort(out->u, out->n, sizeof(*out->u), cmp_first);
	for (i = 0; i < out->n; i++) {
		size_t first = out->u[i].vantage;
		out->u[i].vantage = obs[idx[first]].vantage;
	}
	free(s);
}

void nkt__cmp_units_free(struct nkt__cmp_units *u)
{
	size_t i;
	for (i = 0; i < u->n; i++) {
		free(u->u[i].rtt);
		free(u->u[i].brtt);
	}
	free(u->u);
	memset(u, 0, sizeof(*u));
}

struct addrval {
	uint32_t addr;
	double v;
};

static int cmp_addrval(const void *x, const void *y)
{
	const struct addrval *a = x, *b = y;
	if (a->addr != b->addr)
		return a->addr < b->addr ? -1 : 1;
	return a->v < b->v ? -1 : a->v > b->v;
}

double *nkt__cmp_host_values(const struct nkt__cmp_units *u, size_t *n)
{
	struct addrval *av = nkt_xcalloc(u->n ? u->n : 1, sizeof(*av));
	double *out = nkt_xcalloc(u->n ? u->n : 1, sizeof(*out));
	size_t i, j, m = 0;

	for (i = 0; i < u->n; i++)
		if (!isnan(u->u[i].med))
			av[m++] = (struct addrval){u->u[i].addr, u->u[i].med};
	qsort(av, m, sizeof(*av), cmp_addrval);
	*n = 0;
	for (i = 0; i < m; i = j) {
		double *t = nkt_xcalloc(m, sizeof(*t));
		size_t k = 0;
		for (j = i; j < m && av[j].addr == av[i].addr; j++)
			t[k++] = av[j].v;
		out[(*n)++] = nkt_stats_median(t, k);
		free(t);
	}
	free(av);
	return out;
}

/* ---- groups --------------------------------------------------------------- */

/* A target nothing attributed: no hop before its AS said whose it is. */
static int unattributed(const struct nkt_cmp_obs *o)
{
	return o->tattr.transit < 0 && o->tattr.other_asn == 0;
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
			     const struct group *g)
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
	return best;
}

static int cmp_u32(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
	return a < b ? -1 : a > b;
}

static double median_of(double *v, size_t n)
{
	return n ? nkt_stats_median(v, n) : NAN;
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
	s->prefix = g->prefix;
	s->prefix_len = g->prefix_len;
	s->border_addr = group_border(obs, g);
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
		append(&pool, &np, u->rtt, u->n_rtt);
		append(&brtt, &nb, u->brtt, u->n_brtt);
		if (u->n_brtt > 0 && !isnan(u->med))
			inside[ni++] = u->med - median_copy(u->brtt,
							    u->n_brtt);
		/* A host that answered none of its end-to-end probes is
		 * dark, not a host with 100% loss; one that went dark while
		 * measured is counted so, its last probes left out. */
		if (u->sent > 0 && u->recv == 0)
			s->dark++;
		else if (u->sent > 0) {
			s->went_dark += u->tail > 0;
			lc[nl++] = (struct nkt_lossc){
				u->sent - u->recv - u->tail, u->sent - u->tail};
		}
	}
	for (i = 0; i < g->n; i++) {
		const struct nkt_cmp_obs *o = &obs[g->idx[i]];
		for (j = 1; j < o->n_rtt; j++, pairs++)
			jit_sum += fabs(o->rtt[j] - o->rtt[j - 1]);
		if (o->reached && o->dest_hop)
			hops[nh++] = o->dest_hop;
		s->ratelimit_hops += o->n_ratelimit;
		s->asymmetric += o->asymmetric != 0;
		s->vias += o->via != 0;
	}

	/* RTT: the hosts' medians; one host: its own RTTs. */
	s->n_rtt = np;
	hostv = nkt__cmp_host_values(U, &nv);
	if (nv >= 2)
		nkt_rank_median(hostv, nv, cfg->level, &m);
	else
		nkt_rank_median(pool, np, cfg->level, &m);
	s->rtt_median = m.est;
	s->rtt_ci = m.ci;
	s->rtt_conf = m.conf;
	nkt_stats_sort(pool, np);
	s->rtt_p10 = np ? nkt_stats_quantile(pool, np, 0.1) : NAN;
	s->rtt_p90 = np ? nkt_stats_quantile(pool, np, 0.9) : NAN;
	s->jitter = pairs ? jit_sum / (double)pairs : NAN;

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
	free(pool);
	free(brtt);
	free(hostv);
	free(inside);
	free(hops);
	free(lc);
}

/* ---- the summary ------------------------------------------------------------ */

/* The two defined transits with the most hosts, in transit order. */
static int pick_pair(const struct nkt_cmp_stats *s, size_t n, size_t *a,
		     size_t *b)
{
	size_t i, best = SIZE_MAX, second = SIZE_MAX;
	for (i = 0; i < n; i++) {
		if (s[i].transit < 0 || s[i].targets == 0)
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

static void compare_groups(const struct group *ga, const struct group *gb,
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
}

/* Sorted rows and the groups they came from, in the same order. */
struct row {
	struct nkt_cmp_stats s;
	struct group *g;
};

static int cmp_row(const void *x, const void *y)
{
	const struct nkt_cmp_stats *a = &((const struct row *)x)->s,
				   *b = &((const struct row *)y)->s;
	if (a->prefix != b->prefix)
		return a->prefix < b->prefix ? -1 : 1;
	if ((a->transit < 0) != (b->transit < 0))
		return a->transit < 0 ? 1 : -1;
	if (a->transit != b->transit)
		return a->transit < b->transit ? -1 : 1;
	return strcmp(a->name, b->name);
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
	qsort(r, n, sizeof(*r), cmp_row);
	return r;
}

/* Each prefix row's share of its prefix's routed targets, and the row of
 * the transit carrying it (most routed targets; a defined transit before
 * another AS). */
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
			int better;
			if (pr[j].s.prefix != pr[i].s.prefix ||
			    pr[j].s.vias == pr[j].g->n)
				continue;
			better = (pr[j].s.transit >= 0) !=
					 (pr[best].s.transit >= 0)
					 ? pr[j].s.transit >= 0
					 : pr[j].s.targets > pr[best].s.targets;
			if (better)
				best = j;
		}
		pr[i].s.carrier = best == i;
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

void nkt_cmp_summarize(const struct nkt_cmp_obs *obs, size_t n,
		       const struct nkt_cmp_cfg *cfg, struct nkt_cmp_result *r)
{
	struct nkt_cmp_cfg c = *cfg;
	struct group *tg = NULL, *pg = NULL;
	struct row *tr, *pr;
	size_t ntg = 0, npg = 0, i, j, a, b;
	uint32_t *units = nkt_xcalloc(n ? n : 1, sizeof(*units));
	uint32_t *lost = nkt_xcalloc(n ? n : 1, sizeof(*lost));
	size_t nu = 0, nl = 0;
	char name[96];

	if (c.min_units == 0)
		c.min_units = NKT_CMP_MIN_UNITS;
	memset(r, 0, sizeof(*r));
	r->observations = 0;
	r->level = c.level;
	r->min_units = c.min_units;
	for (i = 0; i < n; i++) {
		if (obs[i].reprobe) {
			r->reprobes++;
			continue; /* attribution only: nkt_cmp_unify */
		}
		r->observations++;
		units[nu++] = obs[i].unit;
		if (unattributed(&obs[i])) {
			lost[nl++] = obs[i].unit;
			continue;
		}
		nkt_attribution_name(c.transits, &obs[i].tattr, name,
				     sizeof(name));
		group_add(find_group(&tg, &ntg, name, obs[i].tattr.transit, 0,
				     0),
			  i);
		group_add(find_group(&pg, &npg, name, obs[i].tattr.transit,
				     obs[i].prefix, obs[i].prefix_len),
			  i);
	}
	/* Distinct hosts, and those no observation attributed. */
	qsort(units, nu, sizeof(*units), cmp_u32);
	qsort(lost, nl, sizeof(*lost), cmp_u32);
	for (i = 0; i < nu; i++)
		r->targets += i == 0 || units[i] != units[i - 1];
	for (i = 0; i < nl; i++)
		r->unattributed += i == 0 || lost[i] != lost[i - 1];
	free(units);
	free(lost);

	tr = rows_of(obs, tg, ntg, &c);
	pr = rows_of(obs, pg, npg, &c);
	carriers(pr, npg);
	{
		struct nkt_cmp_stats *ts = nkt_xcalloc(ntg ? ntg : 1,
						       sizeof(*ts));
		for (i = 0; i < ntg; i++)
			ts[i] = tr[i].s;
		if (pick_pair(ts, ntg, &a, &b))
			compare_groups(tr[a].g, tr[b].g, &tr[a].s, &tr[b].s,
				       &c, &r->overall);
		free(ts);
	}
	/* Per prefix: where one prefix was measured over two transits. */
	for (i = 0; i < npg; i++)
		for (j = i + 1; j < npg; j++) {
			if (pr[i].s.prefix != pr[j].s.prefix ||
			    pr[i].s.transit < 0 || pr[j].s.transit < 0)
				continue;
			r->pdiff = nkt_xreallocarray(r->pdiff, r->n_pdiff + 1,
						     sizeof(*r->pdiff));
			compare_groups(pr[i].g, pr[j].g, &pr[i].s, &pr[j].s,
				       &c, &r->pdiff[r->n_pdiff++]);
		}
	nkt__verdict_holm(&r->overall, 1, c.level);
	nkt__verdict_holm(r->pdiff, r->n_pdiff, c.level);

	r->transit = nkt_xcalloc(ntg ? ntg : 1, sizeof(*r->transit));
	r->prefix = nkt_xcalloc(npg ? npg : 1, sizeof(*r->prefix));
	for (i = 0; i < ntg; i++) {
		r->transit[i] = tr[i].s;
		hosts_of(obs, tr[i].g, i, r);
	}
	for (i = 0; i < npg; i++)
		r->prefix[i] = pr[i].s;
	r->n_transit = ntg;
	r->n_prefix = npg;
	for (i = 0; i < ntg; i++) {
		free(tg[i].idx);
		nkt__cmp_units_free(&tg[i].units);
	}
	for (i = 0; i < npg; i++) {
		free(pg[i].idx);
		nkt__cmp_units_free(&pg[i].units);
	}
	free(tr);
	free(pr);
	free(tg);
	free(pg);
}

void nkt_cmp_result_free(struct nkt_cmp_result *r)
{
	free(r->host);
	free(r->transit);
	free(r->prefix);
	free(r->pdiff);
	memset(r, 0, sizeof(*r));
}
