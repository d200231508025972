// SPDX-License-Identifier: ISC
/* hopstats.c: per-hop statistics over rounds (mtr's table).  Pure. */
#include "nktrace/hopstats.h"

#include <math.h>
#include <string.h>

void nkt_hopstats_init(struct nkt_hopstats *s, uint32_t dst)
{
	memset(s, 0, sizeof(*s));
	s->dst = dst;
}

static void add_addr(struct nkt_hopstat *h, uint32_t a)
{
	uint8_t i;
	for (i = 0; i < h->n_addr; i++)
		if (h->addr[i] == a) {
			h->addr_n[i]++;
			return;
		}
	if (h->n_addr < NKT_HOPSTAT_ADDRS) {
		h->addr[h->n_addr] = a;
		h->addr_n[h->n_addr++] = 1;
	} else
		h->other++;
}

static void add_rtt(struct nkt_hopstat *h, uint64_t rtt)
{
	double d;
	if (h->recv > 0) {
		uint64_t j = rtt > h->last_ns ? rtt - h->last_ns
					      : h->last_ns - rtt;
		h->jttr_ns = j;
		h->jsum_ns += (double)j;
		h->jn++;
		if (j > h->jmax_ns)
			h->jmax_ns = j;
		h->jint_ns += ((double)j - h->jint_ns) / 16;
	}
	h->recv++;
	h->last_ns = rtt;
	if (h->recv == 1 || rtt < h->best_ns)
		h->best_ns = rtt;
	if (rtt > h->worst_ns)
		h->worst_ns = rtt;
	d = (double)rtt - h->mean_ns;
	h->mean_ns += d / h->recv;
	h->m2 += d * ((double)rtt - h->mean_ns);
}

void nkt_hopstats_add(struct nkt_hopstats *s, const struct nkt_trace *t)
{
	size_t i;

	s->rounds++;
	for (i = 0; i < t->n; i++) {
		const struct nkt_hop_reply *r = &t->r[i];
		struct nkt_hopstat *h = &s->hop[r->ttl];
		if (r->flags & (NKT_PF_DUP | NKT_PF_E2E))
			continue;
		h->sent++;
		if (r->ttl > s->max_sent)
			s->max_sent = r->ttl;
		if (!(r->flags & NKT_PF_REPLY) || (r->flags & NKT_PF_EDST))
			continue;
		add_rtt(h, r->rtt_ns);
		add_addr(h, r->from);
		if (r->ttl > s->max_reply)
			s->max_reply = r->ttl;
		if (r->from == s->dst && (s->dst_ttl == 0 || r->ttl < s->dst_ttl))
			s->dst_ttl = r->ttl;
	}
}

uint8_t nkt_hopstats_last(const struct nkt_hopstats *s)
{
	unsigned last;
	if (s->dst_ttl)
		return s->dst_ttl;
	last = (unsigned)s->max_reply + 1;
	return (uint8_t)(last < s->max_sent ? last : s->max_sent);
}

double nkt_hopstat_loss_pct(const struct nkt_hopstat *h)
{
	return h->sent ? 100.0 * (double)(h->sent - h->recv) / h->sent : 0.0;
}

double nkt_hopstat_avg_ms(const struct nkt_hopstat *h)
{
	return h->recv ? h->mean_ns / 1e6 : 0.0;
}

double nkt_hopstat_stdev_ms(const struct nkt_hopstat *h)
{
	return h->recv > 1 ? sqrt(h->m2 / (h->recv - 1)) / 1e6 : 0.0;
}

double nkt_hopstat_jttr_ms(const struct nkt_hopstat *h)
{
	return h->jn ? (double)h->jttr_ns / 1e6 : 0.0;
}

double nkt_hopstat_javg_ms(const struct nkt_hopstat *h)
{
	return h->jn ? h->jsum_ns / h->jn / 1e6 : 0.0;
}

double nkt_hopstat_jmax_ms(const struct nkt_hopstat *h)
{
	return h->jn ? (double)h->jmax_ns / 1e6 : 0.0;
}

double nkt_hopstat_jint_ms(const struct nkt_hopstat *h)
{
	return h->jn ? h->jint_ns / 1e6 : 0.0;
}
