// SPDX-License-Identifier: ISC
/* mda.c: the Multipath Detection Algorithm's state machine (mda.h). */
#include "nktrace/mda.h"
#include "nktrace/common.h"

#include <stdlib.h>
#include <string.h>

#define ROOT 0xffff      /* the predecessor of the first hop: every flow */
#define NONE -1          /* a flow not probed at a TTL */
#define BATCH_REPEAT 2

struct nkt_mda {
	struct nkt_mda_cfg cfg;
	struct nkt_mda_node node[NKT_MDA_NODES_MAX];
	size_t n_node;
	struct nkt_mda_link link[NKT_MDA_LINKS_MAX];
	size_t n_link;
	int16_t ans[256][NKT_MDA_FLOWS + 1]; /* node of each flow at a TTL */
	struct nkt_flowset probed[256];        /* flows sent at each TTL */
	uint8_t cur;          /* the hop being enumerated */
	uint8_t gap;
	int stop;
	uint64_t sent;
	/* the per-packet tests queued for hop `cur`: predecessor nodes */
	uint16_t repeat[NKT_MDA_NODES_MAX];
	size_t n_repeat;
	int batch_kind;       /* of the batch in flight */
	uint16_t repeat_of;   /* its predecessor, for BATCH_REPEAT */
};

unsigned nkt_flowset_count(const struct nkt_flowset *s)
{
	return (unsigned)(__builtin_popcountll(s->w[0]) +
			  __builtin_popcountll(s->w[1]) +
			  __builtin_popcountll(s->w[2]) +
			  __builtin_popcountll(s->w[3]));
}

unsigned nkt_mda_probes_for(unsigned k, double confidence)
{
	/* p[j]: probability that j of the K = k+1 interfaces have been seen
	 * after n uniform probes; stable where inclusion-exclusion is not. */
	unsigned K = k + 1, n, j;
	double p[NKT_MDA_FLOWS + 2], alpha = 1.0 - confidence;

	if (K > NKT_MDA_FLOWS)
		return NKT_MDA_FLOWS + 1;
	memset(p, 0, sizeof(p));
	p[0] = 1.0;
	for (n = 1; n <= 100000; n++) {
		for (j = K; j >= 1; j--)
			p[j] = p[j] * (double)j / K +
			       p[j - 1] * (double)(K - j + 1) / K;
		p[0] = 0.0;
		if (1.0 - p[K] <= alpha + 1e-12)
			return n;
	}
	return n;
}

struct nkt_mda *nkt_mda_new(const struct nkt_mda_cfg *c)
{
	struct nkt_mda *m = nkt_xcalloc(1, sizeof(*m));
	m->cfg = *c;
	if (m->cfg.first_ttl == 0)
		m->cfg.first_ttl = 1;
	if (m->cfg.max_ttl < m->cfg.first_ttl)
		m->cfg.max_ttl = m->cfg.first_ttl;
	if (m->cfg.gaplimit == 0)
		m->cfg.gaplimit = 5;
	memset(m->ans, 0xff, sizeof(m->ans)); /* NONE */
	m->cur = m->cfg.first_ttl;
	m->stop = NKT_MDA_RUNNING;
	return m;
}

void nkt_mda_free(struct nkt_mda *m)
{
	free(m);
}

static int node_at(struct nkt_mda *m, uint32_t addr, uint8_t ttl)
{
	size_t i;
	for (i = 0; i < m->n_node; i++)
		if (m->node[i].addr == addr && m->node[i].ttl == ttl)
			return (int)i;
	if (m->n_node == NKT_MDA_NODES_MAX) {
		m->stop = NKT_MDA_FULL;
		return -1;
	}
	memset(&m->node[m->n_node], 0, sizeof(m->node[0]));
	m->node[m->n_node].addr = addr;
	m->node[m->n_node].ttl = ttl;
	m->node[m->n_node].reached = addr != 0 && addr == m->cfg.dst;
	return (int)m->n_node++;
}

/* Record the link from -> to for flow; 1 if the link is new. */
static int add_link(struct nkt_mda *m, int from, int to, uint16_t flow)
{
	size_t i;
	for (i = 0; i < m->n_link; i++)
		if (m->link[i].from == from && m->link[i].to == to) {
			nkt_flowset_add(&m->link[i].flows, flow);
			return 0;
		}
	if (m->n_link == NKT_MDA_LINKS_MAX) {
		m->stop = NKT_MDA_FULL;
		return 0;
	}
	memset(&m->link[m->n_link], 0, sizeof(m->link[0]));
	m->link[m->n_link].from = (uint16_t)from;
	m->link[m->n_link].to = (uint16_t)to;
	nkt_flowset_add(&m->link[m->n_link].flows, flow);
	m->n_link++;
	return 1;
}

/* The predecessor node of flow at hop ttl: its node at ttl - 1 (ROOT at
 * the first hop), or NONE when it was not probed there. */
static int pred_of(const struct nkt_mda *m, uint8_t ttl, uint16_t flow)
{
	if (ttl == m->cfg.first_ttl)
		return ROOT;
	return m->ans[ttl - 1][flow];
}

/* Whether flow, which answered at ttl before, now meets another address
 * there (addr 0, a silence, is no other address). */
static int met_other(const struct nkt_mda *m, uint8_t ttl, uint16_t flow,
		     uint32_t addr)
{
	int before = m->ans[ttl][flow];
	return addr != 0 && before >= 0 && m->node[before].addr != 0 &&
	       m->node[before].addr != addr;
}

/* Flow met addr at ttl after another address behind the same interface p:
 * p splits per packet; addr's node, linked from p.  Returns that node, or
 * -1 when the node table is full. */
static int per_packet(struct nkt_mda *m, int p, uint32_t addr, uint8_t ttl,
		      uint16_t flow)
{
	int v;
	m->node[p].balance = NKT_MDA_PER_PACKET;
	v = node_at(m, addr, ttl);
	if (v >= 0 && add_link(m, p, v, flow))
		m->node[p].n_succ++;
	return v;
}

void nkt_mda_result(struct nkt_mda *m, uint8_t ttl, uint16_t flow,
		    uint32_t addr, uint64_t rtt_ns)
{
	int v, p;
	struct nkt_mda_node *n;

	if (flow == 0 || flow > NKT_MDA_FLOWS || m->stop == NKT_MDA_FULL)
		return;
	if (m->batch_kind == BATCH_REPEAT) {
		/* The same flow again: another address is per-packet. */
		if (met_other(m, ttl, flow, addr))
			per_packet(m, m->repeat_of, addr, ttl, flow);
		return;
	}
	v = node_at(m, addr, ttl);
	if (v < 0)
		return;
	n = &m->node[v];
	nkt_flowset_add(&n->flows, flow);
	if (addr != 0 && rtt_ns != NKT_MDA_NO_RTT) {
		if (n->n_rtt == 0 || rtt_ns < n->rtt_min)
			n->rtt_min = rtt_ns;
		if (rtt_ns > n->rtt_max)
			n->rtt_max = rtt_ns;
		n->rtt_sum += rtt_ns;
		n->n_rtt++;
	}
	m->ans[ttl][flow] = (int16_t)v;
	p = pred_of(m, ttl, flow);
	if (p >= 0 && p != ROOT) {
		nkt_flowset_add(&m->node[p].probed, flow);
		if (add_link(m, p, v, flow) && addr != 0)
			m->node[p].n_succ++;
	}
}

void nkt_mda_observe(struct nkt_mda *m, uint8_t ttl, uint16_t flow,
		     uint32_t addr, uint64_t rtt_ns)
{
	int before, p, v;

	if (flow == 0 || flow > NKT_MDA_FLOWS || ttl < m->cfg.first_ttl ||
	    m->stop == NKT_MDA_FULL)
		return;
	before = m->ans[ttl][flow];
	if (before >= 0 && addr == 0)
		return; /* an answer outweighs a silence */
	if (met_other(m, ttl, flow, addr)) {
		/* The flow met another address after the same predecessor:
		 * that balancer does not keep a flow on one path. */
		p = pred_of(m, ttl, flow);
		v = p >= 0 && p != ROOT ? per_packet(m, p, addr, ttl, flow)
					: node_at(m, addr, ttl);
		if (v >= 0)
			nkt_flowset_add(&m->node[v].flows, flow);
		return;
	}
	if (before >= 0 && m->node[before].addr == 0 && addr != 0) {
		/* A silence first, then an answer (another attempt): the
		 * answer stands for the flow, the silence no longer has it. */
		size_t i;
		p = pred_of(m, ttl, flow);
		nkt_flowset_del(&m->node[before].flows, flow);
		for (i = 0; p >= 0 && p != ROOT && i < m->n_link; i++)
			if (m->link[i].from == p && m->link[i].to == before) {
				nkt_flowset_del(&m->link[i].flows, flow);
				if (nkt_flowset_count(&m->link[i].flows) == 0)
					m->link[i] = m->link[--m->n_link];
				break;
			}
		m->ans[ttl][flow] = -1;
	}
	m->batch_kind = 0;
	nkt_mda_result(m, ttl, flow, addr, rtt_ns);
	if (ttl > m->cur)
		m->cur = ttl;
}

void nkt_mda_observe_end(struct nkt_mda *m, uint64_t probes)
{
	size_t i;
	int reached = 0;

	for (i = 0; i < m->n_node; i++) {
		struct nkt_mda_node *n = &m->node[i];
		n->done = 1;
		if (n->balance == NKT_MDA_NONE && n->n_succ >= 2)
			n->balance = NKT_MDA_PER_FLOW;
		reached |= n->reached;
	}
	m->sent = probes;
	if (m->stop != NKT_MDA_FULL)
		m->stop = reached ? NKT_MDA_COMPLETED : NKT_MDA_GAPLIMIT;
}

/* The node that enumerated the successors of p's address at an earlier
 * TTL (done by the rule, not exhausted, not itself standing in for
 * another), or -1. */
static int enumerated_before(const struct nkt_mda *m, int p)
{
	size_t i;
	if (m->node[p].addr == 0)
		return -1;
	for (i = 0; i < m->n_node; i++) {
		const struct nkt_mda_node *q = &m->node[i];
		if (q->addr == m->node[p].addr && q->ttl < m->node[p].ttl &&
		    q->done && !q->exhausted && !q->same_as && !q->reached)
			return (int)i;
	}
	return -1;
}

/* Whether some node at ttl goes on to be probed through: not the target,
 * not met before.  When none does, the nodes met before are probed after
 * all (a per-packet split with branches of unequal length can show only
 * addresses already met at a TTL), so the trace does not end there. */
static int any_goes_on(const struct nkt_mda *m, uint8_t ttl)
{
	size_t i;
	for (i = 0; i < m->n_node; i++)
		if (m->node[i].ttl == ttl && !m->node[i].reached &&
		    !m->node[i].same_as && enumerated_before(m, (int)i) < 0)
			return 1;
	return 0;
}

/* Flows of predecessor p (ROOT: every flow) not yet sent at ttl. */
static size_t candidates(const struct nkt_mda *m, int p, uint8_t ttl,
			 uint16_t *out, size_t max)
{
	size_t n = 0;
	unsigned f;
	for (f = 1; f <= NKT_MDA_FLOWS && n < max; f++) {
		if (nkt_flowset_has(&m->probed[ttl], f))
			continue;
		if (p == ROOT || nkt_flowset_has(&m->node[p].flows, f))
			out[n++] = (uint16_t)f;
	}
	return n;
}

/* Probes through p at ttl so far (ROOT: every flow sent at ttl). */
static unsigned have_through(const struct nkt_mda *m, int p, uint8_t ttl)
{
	return p == ROOT ? nkt_flowset_count(&m->probed[ttl])
			 : nkt_flowset_count(&m->node[p].probed);
}

static unsigned succ_of(const struct nkt_mda *m, int p, uint8_t ttl)
{
	size_t i;
	unsigned k = 0;
	if (p != ROOT)
		return m->node[p].n_succ;
	for (i = 0; i < m->n_node; i++)
		if (m->node[i].ttl == ttl && m->node[i].addr != 0)
			k++;
	return k;
}

static size_t emit(struct nkt_mda *m, uint8_t ttl, uint16_t *flows,
		   size_t n, int kind, uint8_t *out_ttl)
{
	size_t i;
	*out_ttl = ttl;
	m->batch_kind = kind;
	for (i = 0; i < n && kind != BATCH_REPEAT; i++)
		nkt_flowset_add(&m->probed[ttl], flows[i]);
	m->sent += n;
	return n;
}

/* The hop is done: decide whether to go on. */
static void finish_hop(struct nkt_mda *m)
{
	size_t i;
	int any = 0, others = 0;
	uint8_t h = m->cur;

	for (i = 0; i < m->n_node; i++) {
		if (m->node[i].ttl != h || m->node[i].addr == 0)
			continue;
		any = 1;
		if (!m->node[i].reached)
			others = 1;
	}
	/* Flows that went silent here still go on, unless all did. */
	for (i = 0; i < m->n_node; i++)
		if (m->node[i].ttl == h && m->node[i].addr == 0 && any)
			others = 1;
	m->gap = any ? 0 : (uint8_t)(m->gap + 1);
	if (any && !others)
		m->stop = NKT_MDA_COMPLETED;
	else if (m->gap >= m->cfg.gaplimit)
		m->stop = NKT_MDA_GAPLIMIT;
	else if (h >= m->cfg.max_ttl)
		m->stop = NKT_MDA_MAXTTL;
	else
		m->cur++;
}

size_t nkt_mda_next(struct nkt_mda *m, uint8_t *ttl, uint16_t *flows,
		    size_t max)
{
	while (m->stop == NKT_MDA_RUNNING && max > 0) {
		uint8_t h = m->cur;
		size_t n = 0, i, preds = 0;
		unsigned deficit = 0;
		int p, q, short_of_flows = 0;
		int goes_on = h > m->cfg.first_ttl &&
			      any_goes_on(m, (uint8_t)(h - 1));

		/* Per-packet tests queued for this hop. */
		while (m->n_repeat > 0) {
			uint16_t v = m->repeat[--m->n_repeat];
			unsigned f;
			for (f = 1; f <= NKT_MDA_FLOWS; f++)
				if (nkt_flowset_has(&m->node[v].probed, f) &&
				    m->ans[h][f] >= 0 &&
				    m->node[m->ans[h][f]].addr != 0)
					break;
			if (f > NKT_MDA_FLOWS)
				continue;
			for (n = 0; n < m->cfg.repeats && n < max; n++)
				flows[n] = (uint16_t)f;
			m->repeat_of = v;
			return emit(m, h, flows, n, BATCH_REPEAT, ttl);
		}
		/* Probes at h through every predecessor still short of the
		 * stopping rule. */
		for (i = 0; i <= m->n_node; i++) {
			unsigned need, have;
			if (h == m->cfg.first_ttl) {
				if (i > 0)
					break;
				p = ROOT;
			} else {
				if (i == m->n_node)
					break;
				if (m->node[i].ttl != h - 1 ||
				    m->node[i].reached || m->node[i].done)
					continue;
				p = (int)i;
				q = enumerated_before(m, p);
				if (q >= 0 && goes_on) {
					/* Met again: its next hops are known. */
					m->node[p].done = 1;
					m->node[p].same_as = (uint16_t)(q + 1);
					continue;
				}
			}
			preds++;
			need = nkt_mda_probes_for(
				succ_of(m, p, h) ? succ_of(m, p, h) : 1,
				m->cfg.confidence);
			have = have_through(m, p, h);
			if (have >= need) {
				if (p == ROOT)
					continue;
				m->node[p].done = 1;
				if (m->node[p].n_succ >= 2 && m->cfg.repeats &&
				    m->node[p].addr != 0) {
					m->node[p].balance = NKT_MDA_PER_FLOW;
					m->repeat[m->n_repeat++] = (uint16_t)p;
				}
				continue;
			}
			if (n < max) {
				size_t c = candidates(m, p, h, flows + n,
						      need - have < max - n
							      ? need - have
							      : max - n);
				n += c;
				if (c == 0) {
					short_of_flows = 1;
					deficit += need - have;
				}
			}
		}
		if (n > 0)
			return emit(m, h, flows, n, 0, ttl);
		if (m->n_repeat > 0)
			continue;
		if (short_of_flows && h > m->cfg.first_ttl) {
			/* Node control: new flows a hop earlier, to find more
			 * that pass the predecessors short of them. */
			size_t want = (size_t)deficit * (preds ? preds : 1);
			n = candidates(m, ROOT, (uint8_t)(h - 1), flows,
				       want < max ? want : max);
			if (n > 0)
				return emit(m, (uint8_t)(h - 1), flows, n, 0,
					    ttl);
		}
		if (short_of_flows) {
			/* No flow identifier left: what was found is all. */
			for (i = 0; i < m->n_node; i++)
				if (m->node[i].ttl == h - 1 &&
				    !m->node[i].done && !m->node[i].reached) {
					m->node[i].done = 1;
					m->node[i].exhausted = 1;
				}
		}
		if (m->n_repeat > 0)
			continue;
		finish_hop(m);
	}
	return 0;
}

const struct nkt_mda_node *nkt_mda_nodes(const struct nkt_mda *m, size_t *n)
{
	*n = m->n_node;
	return m->node;
}

const struct nkt_mda_link *nkt_mda_links(const struct nkt_mda *m, size_t *n)
{
	*n = m->n_link;
	return m->link;
}

int nkt_mda_stop(const struct nkt_mda *m)
{
	return m->stop;
}

uint64_t nkt_mda_sent(const struct nkt_mda *m)
{
	return m->sent;
}

uint8_t nkt_mda_last_ttl(const struct nkt_mda *m)
{
	return m->cur;
}

const char *nkt_mda_stop_name(int stop)
{
	static const char *n[] = {"RUNNING", "COMPLETED", "GAPLIMIT",
				  "MAXTTL", "FULL"};
	return (unsigned)stop < NKT_ARRAY_LEN(n) ? n[stop] : "?";
}

const char *nkt_mda_balance_name(int b)
{
	static const char *n[] = {"none", "per-flow", "per-packet"};
	return (unsigned)b < NKT_ARRAY_LEN(n) ? n[b] : "?";
}
