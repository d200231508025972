// SPDX-License-Identifier: ISC
/* replay.c: traceroutes from a capture of any tracer (see replay.h). */
#include "nktrace/replay.h"
#include "nktrace/common.h"

#include <stdlib.h>
#include <string.h>

/* What a reply gives back of a probe; several probes may share a key
 * (scamper's TCP probes differ only in TTL and IP ID). */
struct pkey {
	uint32_t src, dst;
	uint32_t c;    /* ICMP seq, TCP seq, 0 for UDP */
	uint16_t a, b; /* ICMP id / 0, ports */
	uint8_t proto;
};

struct rp_probe {
	struct pkey k;
	uint64_t ts;
	uint16_t ipid, xid;
	uint8_t ttl;
	uint32_t trace, rec;
	uint32_t from;
	int answered;
};

struct rp_trace {
	struct nkt_trace *t;
	uint64_t first_ts, last_ts;
	uint8_t attempts[256];
	uint8_t ttls_seen[256];
};

struct nkt_replay {
	struct rp_probe *p;
	size_t np, capp;
	uint32_t *slots; /* open addressing: probe index + 1, 0 = empty */
	size_t nslots;
	struct rp_trace *tr;
	size_t nt, capt;
	uint32_t *tslots; /* traces by (src, dst, proto): index + 1 */
	size_t ntslots;
	struct nkt_replay_stats st;
};

static uint64_t tkey(uint32_t src, uint32_t dst, uint8_t proto)
{
	uint64_t h = ((uint64_t)src << 32 | dst) * 0x9e3779b97f4a7c15ULL;
	h ^= proto * 0xc2b2ae3d27d4eb4fULL;
	return h ^ (h >> 31);
}

/* The trace slot of a (src, dst, proto), or where it goes. */
static size_t tslot(const struct nkt_replay *rp, uint32_t src, uint32_t dst,
		    uint8_t proto)
{
	size_t h = (size_t)tkey(src, dst, proto) & (rp->ntslots - 1);
	while (rp->tslots[h]) {
		const struct nkt_flow *f = &rp->tr[rp->tslots[h] - 1].t->flow;
		if (f->src == src && f->dst == dst &&
		    nkt_method_proto(f->method) == proto)
			break;
		h = (h + 1) & (rp->ntslots - 1);
	}
	return h;
}

static void trehash(struct nkt_replay *rp)
{
	size_t i;
	free(rp->tslots);
	rp->ntslots = rp->ntslots ? rp->ntslots * 2 : 1024;
	rp->tslots = nkt_xcalloc(rp->ntslots, sizeof(*rp->tslots));
	for (i = 0; i < rp->nt; i++) {
		const struct nkt_flow *f = &rp->tr[i].t->flow;
		rp->tslots[tslot(rp, f->src, f->dst,
				 (uint8_t)nkt_method_proto(f->method))] =
			(uint32_t)i + 1;
	}
}

static uint64_t hkey(const struct pkey *k)
{
	uint64_t h = 1469598103934665603ULL;
	uint32_t v[5] = {k->src, k->dst, k->c,
			 ((uint32_t)k->a << 16) | k->b, k->proto};
	for (int i = 0; i < 5; i++) {
		h ^= v[i];
		h *= 1099511628211ULL;
		h ^= h >> 29;
	}
	return h;
}

static int keq(const struct pkey *x, const struct pkey *y)
{
	return x->src == y->src && x->dst == y->dst && x->c == y->c &&
	       x->a == y->a && x->b == y->b && x->proto == y->proto;
}

struct nkt_replay *nkt_replay_new(void)
{
	struct nkt_replay *rp = nkt_xcalloc(1, sizeof(*rp));
	rp->nslots = 1024;
	rp->slots = nkt_xcalloc(rp->nslots, sizeof(*rp->slots));
	return rp;
}

static void rehash(struct nkt_replay *rp)
{
	size_t i;
	free(rp->slots);
	rp->nslots *= 2;
	rp->slots = nkt_xcalloc(rp->nslots, sizeof(*rp->slots));
	for (i = 0; i < rp->np; i++) {
		size_t h = (size_t)hkey(&rp->p[i].k) & (rp->nslots - 1);
		while (rp->slots[h])
			h = (h + 1) & (rp->nslots - 1);
		rp->slots[h] = (uint32_t)i + 1;
	}
}

/*
 * The probe a reply answers among those with its key: for an ICMP error,
 * the one whose IP ID (then transport id) the quote repeats; for a reply
 * without a quote, the latest unanswered one sent before it (else the
 * latest, as a duplicate).  exact != NULL: only a probe with the same IP
 * ID, TTL and transport id (a retransmitted frame).
 */
static struct rp_probe *lookup(struct nkt_replay *rp, const struct pkey *k,
			       const struct nkt_reply *r, uint64_t ts,
			       const struct nkt_reply *exact)
{
	size_t h = (size_t)hkey(k) & (rp->nslots - 1);
	struct rp_probe *best = NULL, *by_xid = NULL, *latest = NULL;
	int quote = r != NULL && r->kind != NKT_REPLY_ECHO_REPLY &&
		    r->kind != NKT_REPLY_TCP;

	while (rp->slots[h]) {
		struct rp_probe *p = &rp->p[rp->slots[h] - 1];
		h = (h + 1) & (rp->nslots - 1);
		if (!keq(&p->k, k))
			continue;
		if (exact != NULL) {
			if (p->ipid == exact->q_ipid && p->ttl == exact->q_ttl &&
			    p->xid == exact->q_xid)
				return p;
			continue;
		}
		if (p->ts > ts)
			continue;
		if (quote) {
			if (p->ipid == r->q_ipid &&
			    (best == NULL || p->ts > best->ts))
				best = p;
			else if (p->xid == r->q_xid && by_xid == NULL)
				by_xid = p;
			continue;
		}
		if (!p->answered && (best == NULL || p->ts > best->ts))
			best = p;
		if (latest == NULL || p->ts > latest->ts)
			latest = p;
	}
	if (exact != NULL)
		return NULL;
	if (best != NULL)
		return best;
	return quote ? by_xid : latest;
}

/* The key a probe or reply names, from the decoded probe identity. */
static struct pkey key_of(const struct nkt_reply *r)
{
	struct pkey k;
	memset(&k, 0, sizeof(k));
	k.src = r->q_src;
	k.dst = r->q_dst;
	k.proto = r->q_proto;
	switch (r->q_proto) {
	case 1:
		k.a = r->q_sport;
		k.c = r->q_xid;
		break;
	case 17:
		k.a = r->q_sport;
		k.b = r->q_dport;
		break;
	default:
		k.a = r->q_sport;
		k.b = r->q_dport;
		k.c = ((uint32_t)r->q_tag << 16) | r->q_xid;
		break;
	}
	return k;
}

static uint32_t trace_for(struct nkt_replay *rp, const struct nkt_reply *r,
			  uint64_t ts)
{
	size_t h;
	struct rp_trace *t;

	/* a hash of the traces: a sweep's million destinations stay linear */
	if ((rp->nt + 1) * 2 > rp->ntslots)
		trehash(rp);
	h = tslot(rp, r->q_src, r->q_dst, r->q_proto);
	if (rp->tslots[h])
		return rp->tslots[h] - 1;
	rp->tslots[h] = (uint32_t)rp->nt + 1;
	if (rp->nt == rp->capt) {
		rp->capt = rp->capt ? rp->capt * 2 : 8;
		rp->tr = nkt_xreallocarray(rp->tr, rp->capt, sizeof(*rp->tr));
	}
	t = &rp->tr[rp->nt];
	memset(t, 0, sizeof(*t));
	t->t = nkt_xcalloc(1, sizeof(*t->t));
	t->t->flow.src = r->q_src;
	t->t->flow.dst = r->q_dst;
	t->t->flow.method = r->q_proto == 1    ? NKT_METHOD_ICMP
			    : r->q_proto == 17 ? NKT_METHOD_UDP
					       : NKT_METHOD_TCP;
	t->t->flow.size = r->q_len;
	t->t->flow.sport = r->q_sport;
	t->t->flow.dport = r->q_proto == 1 ? 0 : r->q_dport;
	t->t->index = (uint32_t)rp->nt;
	t->first_ts = ts;
	return (uint32_t)rp->nt++;
}

static void add_probe(struct nkt_replay *rp, const struct nkt_reply *r,
		      uint64_t ts)
{
	struct pkey k = key_of(r);
	struct rp_probe *p;
	struct rp_trace *t;
	struct nkt_hop_reply *rec;
	size_t h;

	if (!(r->flags & NKT_RF_QUOTE_L4) ||
	    lookup(rp, &k, NULL, ts, r) != NULL)
		return; /* the same frame seen twice adds nothing */
	rp->st.probes++;
	if (rp->np == rp->capp) {
		rp->capp = rp->capp ? rp->capp * 2 : 256;
		rp->p = nkt_xreallocarray(rp->p, rp->capp, sizeof(*rp->p));
	}
	p = &rp->p[rp->np];
	memset(p, 0, sizeof(*p));
	p->k = k;
	p->ts = ts;
	p->ipid = r->q_ipid;
	p->xid = r->q_xid;
	p->ttl = r->q_ttl;
	p->trace = trace_for(rp, r, ts);
	t = &rp->tr[p->trace];
	rec = nkt_trace_add(t->t);
	rec->ttl = r->q_ttl;
	rec->attempt = ++t->attempts[r->q_ttl];
	rec->tx_ns = ts;
	rec->id = r->q_xid;
	t->ttls_seen[r->q_ttl] = 1;
	t->t->sent++;
	if (ts > t->last_ts)
		t->last_ts = ts;
	p->rec = (uint32_t)(t->t->n - 1);
	rp->np++;
	if (rp->np * 2 > rp->nslots)
		rehash(rp);
	else {
		h = (size_t)hkey(&k) & (rp->nslots - 1);
		while (rp->slots[h])
			h = (h + 1) & (rp->nslots - 1);
		rp->slots[h] = (uint32_t)rp->np;
	}
}

void nkt_replay_frame(struct nkt_replay *rp, const struct nkt_reply *r,
		      uint64_t ts_ns)
{
	struct pkey k;
	struct rp_probe *p;
	struct rp_trace *t;
	struct nkt_hop_reply *rec;

	if (r->kind == NKT_REPLY_PROBE) {
		if (!(r->flags & NKT_RF_INCOMING))
			add_probe(rp, r, ts_ns);
		return;
	}
	rp->st.replies++;
	k = key_of(r);
	p = lookup(rp, &k, r, ts_ns, NULL);
	if (p == NULL) {
		rp->st.unmatched++;
		return;
	}
	t = &rp->tr[p->trace];
	if (ts_ns > t->last_ts)
		t->last_ts = ts_ns;
	if (p->answered) {
		struct nkt_hop_reply orig = t->t->r[p->rec];
		rp->st.dups++;
		t->t->dups++;
		rec = nkt_trace_add(t->t);
		*rec = orig;
		nkt_trace_fill_reply(rec, r);
		rec->flags = NKT_PF_REPLY | NKT_PF_DUP;
		rec->rtt_ns = ts_ns - p->ts;
		return;
	}
	rp->st.matched++;
	p->answered = 1;
	rec = &t->t->r[p->rec];
	nkt_trace_fill_reply(rec, r);
	rec->flags |= NKT_PF_REPLY;
	rec->rtt_ns = ts_ns - p->ts;
	t->t->replies++;
}

static int is_dest(const struct nkt_trace *t, const struct nkt_hop_reply *h)
{
	return h->from == t->flow.dst &&
	       (h->kind == NKT_REPLY_ECHO_REPLY || h->kind == NKT_REPLY_TCP ||
		(h->kind == NKT_REPLY_UNREACH && h->icmp_code == 3));
}

static void finish_trace(struct rp_trace *rt)
{
	struct nkt_trace *t = rt->t;
	unsigned stop = 0, reason = NKT_STOP_NONE, k;
	size_t i, n = 0;

	for (i = 0; i < t->n; i++) {
		const struct nkt_hop_reply *h = &t->r[i];
		unsigned r = NKT_STOP_NONE;
		if (!(h->flags & NKT_PF_REPLY))
			continue;
		if (is_dest(t, h))
			r = NKT_STOP_COMPLETED;
		else if (h->kind == NKT_REPLY_UNREACH)
			r = NKT_STOP_UNREACH;
		else if (h->kind == NKT_REPLY_OTHER_ICMP)
			r = NKT_STOP_ICMP;
		if (r != NKT_STOP_NONE && (stop == 0 || h->ttl < stop ||
					   (h->ttl == stop &&
					    r == NKT_STOP_COMPLETED))) {
			stop = h->ttl;
			reason = r;
		}
	}
	t->first_ttl = 0;
	for (k = 1; k < 256; k++)
		if (rt->ttls_seen[k]) {
			if (t->first_ttl == 0)
				t->first_ttl = (uint8_t)k;
			t->max_ttl = (uint8_t)k;
			if (rt->attempts[k] > t->attempts)
				t->attempts = rt->attempts[k];
		}
	if (stop == 0)
		stop = t->max_ttl;
	for (i = 0; i < t->n; i++)
		if (t->r[i].ttl <= stop)
			t->r[n++] = t->r[i];
	t->n = n;
	nkt_trace_sort(t);
	t->stop_reason = (uint8_t)reason;
	t->stop_hop = (uint8_t)stop;
	t->start_ns = rt->first_ts;
	t->end_ns = rt->last_ts;
}

struct nkt_trace **nkt_replay_finish(struct nkt_replay *rp, size_t *n)
{
	struct nkt_trace **out = nkt_xcalloc(rp->nt ? rp->nt : 1,
					     sizeof(*out));
	size_t i, m = 0;

	for (i = 0; i < rp->nt; i++) {
		struct rp_trace *rt = &rp->tr[i];
		size_t ttls = 0;
		for (unsigned k = 0; k < 256; k++)
			ttls += rt->ttls_seen[k];
		finish_trace(rt);
		if (rt->t->replies == 0 && ttls < 2) {
			nkt_trace_free(rt->t);
			continue;
		}
		out[m++] = rt->t;
	}
	rp->nt = 0;
	*n = m;
	return out;
}

const struct nkt_replay_stats *nkt_replay_stats(const struct nkt_replay *rp)
{
	return &rp->st;
}

void nkt_replay_free(struct nkt_replay *rp)
{
	size_t i;
	if (rp == NULL)
		return;
	for (i = 0; i < rp->nt; i++)
		nkt_trace_free(rp->tr[i].t);
	free(rp->tr);
	free(rp->p);
	free(rp->slots);
	free(rp->tslots);
	free(rp);
}
