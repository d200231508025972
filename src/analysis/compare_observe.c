// SPDX-License-Identifier: ISC
/*
 * compare_observe.c: a finished trace as an observation (what compare
 * counts of one target over one transit with one method), and the
 * attribution of targets over all their observations (see compare.h).
 * Pure.
 */
#include "nktrace/compare.h"
#include "compare_int.h"
#include "nktrace/addrtab.h"
#include "nktrace/inet.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
/* The end-to-end RTTs and reply TTLs of the destination's answers, the
 * hop it answered first at, what each hop sent and answered, and how
 * many of the last end-to-end probes went unanswered. */
struct tally {
	int ttls[256];
	size_t nt;
	unsigned answered[256], sent[256];
};

static void tally(const struct nkt_trace *t, struct nkt_cmp_obs *o,
		  struct tally *y)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		const struct nkt_hop_reply *r = &t->r[i];
		int e2e = !!(r->flags & NKT_PF_E2E);
		if (is_dest_answer(t, r)) {
			if (o->reply_ifindex == 0)
				o->reply_ifindex = r->in_ifindex;
			if (y->nt < NKT_ARRAY_LEN(y->ttls))
				y->ttls[y->nt++] = r->reply_ttl;
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
		y->sent[r->ttl]++;
		if (r->flags & NKT_PF_REPLY)
			y->answered[r->ttl]++;
	}
}

/* The destination's RTT at the hop it answered first at; without
 * end-to-end probes those are its RTTs. */
static void dest_rtt(const struct nkt_trace *t, struct nkt_cmp_obs *o)
{
	double dest[64];
	size_t i, nd = 0;

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
}

/* Return path length from the reply TTL, against the usual initial TTLs
 * (64 Linux and most, 128 Windows, 255 routers, 32 old). */
static void return_path(struct nkt_cmp_obs *o, struct tally *y)
{
	static const int initial[] = {32, 64, 128, 255};
	size_t i;

	o->reply_ttl = o->return_hops = -1;
	if (y->nt == 0)
		return;
	qsort(y->ttls, y->nt, sizeof(y->ttls[0]), cmp_int);
	o->reply_ttl = y->ttls[y->nt / 2];
	for (i = 0; i < NKT_ARRAY_LEN(initial); i++)
		if (initial[i] >= o->reply_ttl) {
			o->return_hops = initial[i] - o->reply_ttl + 1;
			break;
		}
	if (o->dest_hop && o->dest_hop != NKT_CMP_HOP_UNKNOWN &&
	    o->return_hops > 0)
		o->asymmetric = abs(o->return_hops - o->dest_hop) >= 2;
}

/* Hops that lost some probes while a later hop lost none. */
static void rate_limited(const struct nkt_trace *t, struct nkt_cmp_obs *o,
			 const struct tally *y)
{
	unsigned h, k, last = o->dest_hop ? o->dest_hop : o->stop_hop;

	for (h = t->first_ttl; h < last && h < 256; h++) {
		int later_full = 0;
		if (y->answered[h] == 0 || y->answered[h] >= y->sent[h])
			continue;
		for (k = h + 1; k <= last && k < 256; k++)
			if (y->sent[k] > 0 && y->answered[k] == y->sent[k])
				later_full = 1;
		if (later_full && o->n_ratelimit < NKT_CMP_RATELIMIT_MAX)
			o->ratelimit[o->n_ratelimit++] = (uint8_t)h;
	}
}

/* The first address answering each TTL, 1 to upto (0: none). */
static uint32_t *path_of(const struct nkt_trace *t, uint8_t upto)
{
	uint32_t *p = nkt_xcalloc((size_t)upto + 1, sizeof(*p));
	size_t i;

	for (i = 0; i < t->n; i++) {
		const struct nkt_hop_reply *r = &t->r[i];
		if (r->ttl >= 1 && r->ttl <= upto && p[r->ttl - 1] == 0 &&
		    (r->flags & NKT_PF_REPLY) &&
		    !(r->flags & (NKT_PF_DUP | NKT_PF_EDST)))
			p[r->ttl - 1] = r->from;
	}
	return p;
}

void nkt_cmp_observe(const struct nkt_trace *t, const struct nkt_aspath *p,
		     const struct nkt_attribution *a,
		     const struct nkt_targetdb *tdb, struct nkt_cmp_obs *o)
{
	const struct nkt_tdb_prefix *pf =
		tdb ? nkt_targetdb_prefix_of(tdb, t->flow.dst) : NULL;
	struct tally *y = nkt_xcalloc(1, sizeof(*y));

	memset(o, 0, sizeof(*o));
	o->addr = t->flow.dst;
	o->unit = t->flow.dst;
	o->prefix = pf ? pf->net : t->flow.dst & 0xffffff00u;
	o->prefix_len = pf ? pf->len : 24;
	o->method = t->flow.method;
	o->dport = t->flow.dport;
	o->via = t->via;
	o->src = t->flow.src;
	o->stop_reason = t->stop_reason;
	o->stop_hop = t->stop_hop;
	o->attr = *a;
	o->tattr = *a;
	o->target_asn = p->target_asn;
	o->last_foreign = p->last_foreign;
	o->first_inside = p->first_inside;
	o->start_ns = t->start_ns;
	o->reprobe = t->purpose == NKT_PURPOSE_REPROBE;
	o->e2e_sent = t->e2e_sent;
	o->e2e_recv = t->e2e_reached;
	o->rtt = nkt_xreallocarray(NULL, t->n ? t->n : 1, sizeof(double));
	tally(t, o, y);
	dest_rtt(t, o);
	o->reached = o->dest_hop > 0 || o->e2e_recv > 0;
	return_path(o, y);
	rate_limited(t, o, y);
	free(y);
	/* Without the target's AS known, the destination's answer says
	 * where North Korea begins. */
	if (o->attr.transit >= 0 && o->attr.gap == NKT_GAP_UNKNOWN &&
	    o->dest_hop && o->dest_hop != NKT_CMP_HOP_UNKNOWN &&
	    o->dest_hop > o->attr.hop)
		o->attr.gap = (uint8_t)(o->dest_hop - o->attr.hop - 1);
	o->tattr = o->attr;
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
	if (o->last_foreign.present && o->last_foreign.hop > 0) {
		o->path = path_of(t, o->last_foreign.hop);
		o->n_path = o->last_foreign.hop;
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

	/* Runs of one (unit, via), in observation order within each.  A
	 * path that saw its hand-over into North Korea (gap 0) keeps its
	 * own transit (the unit's paths may go over two: a change during a
	 * long import, a split at the border); any other takes the unit's
	 * best evidence when that is better than its own: the attribution
	 * with the fewest hops between the transit and North Korea that
	 * said nothing, those that reached the target first.  A unit no
	 * path attributes stays unattributed, with its first path's why. */
	while (i < n) {
		const struct nkt_cmp_obs *best = NULL;
		for (j = i; j < n && obs[s[j]].unit == obs[s[i]].unit &&
			    obs[s[j]].via == obs[s[i]].via;
		     j++) {
			const struct nkt_cmp_obs *o = &obs[s[j]];
			if (o->attr.transit < 0)
				continue;
			if (best == NULL ||
			    nkt_attribution_better(&o->attr, &best->attr) ||
			    (o->attr.gap == best->attr.gap && o->reached &&
			     !best->reached))
				best = o;
		}
		for (k = i; k < j; k++) {
			struct nkt_cmp_obs *o = &obs[s[k]];
			if (o->attr.transit >= 0 &&
			    (o->attr.gap == 0 ||
			     !nkt_attribution_better(&best->attr, &o->attr)))
				o->tattr = o->attr;
			else if (best != NULL)
				o->tattr = best->attr;
			else
				o->tattr = obs[s[i]].attr;
		}
		i = j;
	}
	free(s);
}

void nkt_cmp_obs_free(struct nkt_cmp_obs *o)
{
	free(o->rtt);
	free(o->brtt);
	free(o->bslot);
	free(o->sl);
	free(o->path);
	o->bslot = NULL;
	o->sl = NULL;
	o->n_sl = 0;
	o->rtt = o->brtt = NULL;
	o->path = NULL;
	o->n_rtt = o->n_brtt = 0;
	o->n_path = 0;
}

