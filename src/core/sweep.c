// SPDX-License-Identifier: ISC
/* sweep.c: the (target, TTL) walk, probe encoding, stateless matching,
 * and the answers turned into traces and counts (see sweep.h).  Pure. */
#include "nktrace/sweep.h"
#include "nktrace/inet.h"
#include "nktrace/wire.h"

#include <stdlib.h>
#include <string.h>

int nkt_sweep_plan_init(struct nkt_sweep_plan *p, const uint32_t *targets,
			size_t n_targets, uint8_t first_ttl, uint8_t last_ttl,
			uint32_t src, const struct nkt_key *key,
			struct nkt_err *err)
{
	struct nkt_flow shape;
	size_t i;

	memset(p, 0, sizeof(*p));
	if (n_targets == 0)
		return nkt_err_set(err, NKT_EINVAL, "no targets");
	if (first_ttl == 0 || last_ttl < first_ttl)
		return nkt_err_set(err, NKT_EINVAL, "bad TTL range %u-%u",
				   first_ttl, last_ttl);
	for (i = 1; i < n_targets; i++)
		if (targets[i] <= targets[i - 1])
			return nkt_err_set(err, NKT_EINVAL,
					   "targets must be sorted and "
					   "distinct");
	p->targets = targets;
	p->n_targets = n_targets;
	p->first_ttl = first_ttl;
	p->last_ttl = last_ttl;
	p->ttls = (unsigned)(last_ttl - first_ttl) + 1;
	p->probes = (uint64_t)n_targets * p->ttls;
	if (p->probes > (1ULL << 40))
		return nkt_err_set(err, NKT_EINVAL,
				   "%llu probes: at most 2^40 in one sweep",
				   (unsigned long long)p->probes);
	p->key = *key;
	p->src = src;
	while ((1ULL << (2 * p->half_bits)) < p->probes)
		p->half_bits++;
	if (p->half_bits == 0)
		p->half_bits = 1;
	for (i = 0; i < 4; i++)
		p->rk[i] = nkt_keyhash(key, "sweep-round", 11) + i * 0x9e37ULL;
	/* Every probe has the same shape; the fields that differ are
	 * patched in per probe. */
	memset(&shape, 0, sizeof(shape));
	shape.method = NKT_METHOD_ICMP;
	shape.size = NKT_SWEEP_SIZE;
	return nkt_wire_template(&shape, p->tmpl, sizeof(p->tmpl), err);
}

/* A balanced Feistel network over 2 * half_bits bits: a permutation (its
 * round function only needs to mix, not to authenticate). */
static uint64_t permute(const struct nkt_sweep_plan *p, uint64_t x)
{
	uint64_t mask = (1ULL << p->half_bits) - 1, l = x >> p->half_bits,
		 r = x & mask;
	int i;
	for (i = 0; i < 4; i++) {
		uint64_t t = l ^ (nkt_mix64(p->rk[i] ^ r) & mask);
		l = r;
		r = t;
	}
	return (l << p->half_bits) | r;
}

int nkt_sweep_next(const struct nkt_sweep_plan *p, uint64_t *pos,
		   uint64_t *probe)
{
	uint64_t domain = 1ULL << (2 * p->half_bits);
	/* Cycle walking: values beyond the probe space are skipped; the
	 * domain is less than four times the space. */
	while (*pos < domain) {
		uint64_t x = permute(p, (*pos)++);
		if (x < p->probes) {
			*probe = x;
			return 1;
		}
	}
	return 0;
}

uint32_t nkt_sweep_target(const struct nkt_sweep_plan *p, uint64_t probe)
{
	return p->targets[probe / p->ttls];
}

uint8_t nkt_sweep_ttl(const struct nkt_sweep_plan *p, uint64_t probe)
{
	return (uint8_t)(p->first_ttl + probe % p->ttls);
}

/* The target's keyed values: echo identifier (bits 0-15), checksum
 * (16-31), the sequence's high byte (32-39). */
static uint64_t target_hash(const struct nkt_sweep_plan *p, uint32_t dst)
{
	uint8_t b[5] = {'S', (uint8_t)(dst >> 24), (uint8_t)(dst >> 16),
			(uint8_t)(dst >> 8), (uint8_t)dst};
	return nkt_keyhash(&p->key, b, sizeof(b));
}

/* The probe id (echo sequence): keyed byte, TTL.  The one id whose IP ID
 * would be 0 (which Linux raw sockets replace) takes the other high byte;
 * no other id of the target can be it, since the TTL is the low byte. */
static uint16_t probe_id(const struct nkt_sweep_plan *p, uint32_t dst,
			 uint8_t ttl, uint64_t h)
{
	uint16_t id = (uint16_t)((h >> 32 & 0xff) << 8 | ttl);
	if (id == nkt_probe_id_forbidden(&p->key, dst))
		id ^= 0x8000;
	return id;
}

void nkt_sweep_flow(const struct nkt_sweep_plan *p, uint32_t dst,
		    struct nkt_flow *f)
{
	uint64_t h = target_hash(p, dst);
	memset(f, 0, sizeof(*f));
	f->src = p->src;
	f->dst = dst;
	f->method = NKT_METHOD_ICMP;
	f->paris_id = 1;
	f->size = NKT_SWEEP_SIZE;
	f->sport = (uint16_t)h;
	f->icmp_cksum = (uint16_t)(h >> 16);
}

void nkt_sweep_encode(const struct nkt_sweep_plan *p, uint64_t probe,
		      uint8_t *pkt)
{
	uint32_t dst = nkt_sweep_target(p, probe);
	uint8_t ttl = nkt_sweep_ttl(p, probe);
	struct nkt_flow f;

	nkt_sweep_flow(p, dst, &f);
	memcpy(pkt, p->tmpl, NKT_SWEEP_SIZE);
	nkt_put16(pkt + 24, f.sport); /* the echo identifier */
	nkt_probe_patch(pkt, &f, &p->key, ttl,
			probe_id(p, dst, ttl, target_hash(p, dst)));
}

/* Index of dst among the sorted targets, or -1. */
static long find(const struct nkt_sweep_plan *p, uint32_t dst)
{
	size_t lo = 0, hi = p->n_targets;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (p->targets[mid] < dst)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < p->n_targets && p->targets[lo] == dst ? (long)lo : -1;
}

static int kind_of(const struct nkt_reply *r)
{
	switch (r->kind) {
	case NKT_REPLY_ECHO_REPLY:
		return NKT_SWEEP_ECHO_REPLY;
	case NKT_REPLY_TTL_EXCEEDED:
		return NKT_SWEEP_TTL_EXCEEDED;
	case NKT_REPLY_UNREACH:
		return NKT_SWEEP_UNREACH;
	case NKT_REPLY_OTHER_ICMP:
		return NKT_SWEEP_OTHER;
	default:
		return 0;
	}
}

int nkt_sweep_match(const struct nkt_sweep_plan *p, const struct nkt_reply *r,
		    uint64_t *probe, int *kind)
{
	uint32_t dst = r->q_dst;
	uint16_t id = r->q_xid;
	uint8_t ttl = (uint8_t)(id & 0xff);
	uint64_t h;
	long t;

	if (!(r->flags & NKT_RF_QUOTE_L4) || r->q_proto != 1 ||
	    (*kind = kind_of(r)) == 0)
		return NKT_EIGNORE;
	t = find(p, dst);
	if (t < 0)
		return NKT_EIGNORE;
	if (ttl < p->first_ttl || ttl > p->last_ttl)
		return NKT_EINVAL;
	h = target_hash(p, dst);
	if (r->q_sport != (uint16_t)h || id != probe_id(p, dst, ttl, h))
		return NKT_EINVAL;
	/* An error quotes our IP header: its IP ID is keyed too; an echo
	 * reply echoes the payload tag. */
	if (*kind != NKT_SWEEP_ECHO_REPLY &&
	    r->q_ipid != nkt_probe_ipid(&p->key, dst, id))
		return NKT_EINVAL;
	if ((r->flags & NKT_RF_TAG) &&
	    r->q_tag != nkt_probe_tag(&p->key, dst, id))
		return NKT_EINVAL;
	if (*kind == NKT_SWEEP_ECHO_REPLY && !(r->flags & NKT_RF_TAG))
		return NKT_EINVAL;
	*probe = (uint64_t)t * p->ttls + (uint64_t)(ttl - p->first_ttl);
	return NKT_OK;
}

void nkt_sweep_tables_init(struct nkt_sweep_tables *t,
			   const struct nkt_sweep_plan *p)
{
	t->tx_us = nkt_xcalloc(p->probes ? p->probes : 1, sizeof(*t->tx_us));
	t->res = nkt_xcalloc(p->probes ? p->probes : 1, sizeof(*t->res));
	t->start_us = 0;
}

void nkt_sweep_tables_free(struct nkt_sweep_tables *t)
{
	free(t->tx_us);
	free(t->res);
	t->tx_us = NULL;
	t->res = NULL;
}

void nkt_sweep_record(const struct nkt_sweep_plan *p,
		      struct nkt_sweep_tables *t, const struct nkt_reply *r,
		      uint64_t rx_us, struct nkt_sweep_counts *c)
{
	uint64_t probe, sent;
	uint32_t tx;
	int kind, rc = nkt_sweep_match(p, r, &probe, &kind);
	struct nkt_sweep_result *x;

	if (rc == NKT_EIGNORE) {
		c->ignored++;
		return;
	}
	if (rc != NKT_OK) {
		c->invalid++;
		return;
	}
	tx = atomic_load_explicit(&t->tx_us[probe], memory_order_acquire);
	if (tx == 0) {
		/* An answer to a probe not sent yet: another run's, replayed
		 * or forged with our key's fields. */
		c->invalid++;
		return;
	}
	x = &t->res[probe];
	if (x->kind != 0) {
		if (x->dups < 255)
			x->dups++;
		c->dups++;
		return;
	}
	x->from = r->src;
	x->kind = (uint8_t)kind;
	x->code = r->icmp_code;
	x->reply_ttl = r->ttl;
	sent = t->start_us + tx - 1;
	x->rtt_us = rx_us > sent ? (uint32_t)(rx_us - sent) : 0;
	c->matched++;
	c->by_kind[kind]++;
}

/* A kept answer as a hop reply of the trace. */
static void hop_of(const struct nkt_sweep_result *x, struct nkt_hop_reply *h)
{
	/* The send time is the sender's clock: a sweep does not capture its
	 * own probes (rtt_src "clock"). */
	h->flags = NKT_PF_REPLY | NKT_PF_RTT_CLOCK;
	h->from = x->from;
	h->rtt_ns = (uint64_t)x->rtt_us * 1000;
	h->reply_ttl = x->reply_ttl;
	h->icmp_code = x->code;
	h->kind = x->kind == NKT_SWEEP_ECHO_REPLY ? NKT_REPLY_ECHO_REPLY
		  : x->kind == NKT_SWEEP_UNREACH  ? NKT_REPLY_UNREACH
		  : x->kind == NKT_SWEEP_OTHER	  ? NKT_REPLY_OTHER_ICMP
						  : NKT_REPLY_TTL_EXCEEDED;
	h->icmp_type = h->kind == NKT_REPLY_ECHO_REPLY ? 0
		       : h->kind == NKT_REPLY_UNREACH  ? 3
						       : 11;
	h->quoted_ttl = 1;
}

void nkt_sweep_trace(const struct nkt_sweep_plan *p,
		     const struct nkt_sweep_tables *tab, size_t target,
		     struct nkt_trace *tr)
{
	unsigned k;

	memset(tr, 0, sizeof(*tr));
	tr->flow.method = NKT_METHOD_ICMP;
	tr->flow.src = p->src;
	tr->flow.dst = p->targets[target];
	tr->flow.paris_id = 1;
	tr->flow.size = NKT_SWEEP_SIZE;
	tr->first_ttl = p->first_ttl;
	tr->max_ttl = p->last_ttl;
	tr->attempts = 1;
	tr->stop_reason = NKT_STOP_HOPLIMIT;
	tr->stop_hop = p->last_ttl;
	for (k = 0; k < p->ttls; k++) {
		uint64_t i = (uint64_t)target * p->ttls + k;
		const struct nkt_sweep_result *x = &tab->res[i];
		struct nkt_hop_reply *h = nkt_trace_add(tr);
		uint32_t txv = atomic_load(&tab->tx_us[i]);
		h->ttl = (uint8_t)(p->first_ttl + k);
		h->attempt = 1;
		h->tx_ns = txv ? (tab->start_us + txv - 1) * 1000 : 0;
		tr->sent += txv != 0;
		if (tr->start_ns == 0 || (h->tx_ns && h->tx_ns < tr->start_ns))
			tr->start_ns = h->tx_ns;
		if (x->kind == 0)
			continue;
		tr->replies++;
		hop_of(x, h);
		if (h->tx_ns + h->rtt_ns > tr->end_ns)
			tr->end_ns = h->tx_ns + h->rtt_ns;
		if (h->kind != NKT_REPLY_TTL_EXCEEDED) {
			tr->stop_reason = h->from == tr->flow.dst
						  ? NKT_STOP_COMPLETED
						  : NKT_STOP_UNREACH;
			tr->stop_hop = h->ttl;
			break;
		}
	}
}

void nkt_sweep_reach(const struct nkt_sweep_plan *p,
		     const struct nkt_sweep_tables *tab, uint64_t *reached,
		     uint64_t *routers)
{
	uint32_t *r;
	size_t i, n = 0;
	uint64_t k;

	*reached = *routers = 0;
	for (i = 0; i < p->n_targets; i++)
		for (k = 0; k < p->ttls; k++) {
			const struct nkt_sweep_result *x =
				&tab->res[i * p->ttls + k];
			if (x->kind == NKT_SWEEP_ECHO_REPLY ||
			    (x->kind != 0 && x->from == p->targets[i])) {
				(*reached)++;
				break;
			}
		}
	/* Distinct router addresses: sort the time-exceeded sources. */
	for (k = 0; k < p->probes; k++)
		n += tab->res[k].kind == NKT_SWEEP_TTL_EXCEEDED;
	r = nkt_xcalloc(n ? n : 1, sizeof(*r));
	n = 0;
	for (k = 0; k < p->probes; k++)
		if (tab->res[k].kind == NKT_SWEEP_TTL_EXCEEDED)
			r[n++] = tab->res[k].from;
	qsort(r, n, sizeof(*r), nkt_cmp_u32);
	for (i = 0; i < n; i++)
		*routers += i == 0 || r[i] != r[i - 1];
	free(r);
}
