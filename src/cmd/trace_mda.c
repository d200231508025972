// SPDX-License-Identifier: ISC
/* trace_mda.c: `trace --mda` over the engine (trace_mda.h). */
#include "trace_mda.h"
#include "cmd_common.h"
#include "nktrace/clock.h"
#include "nktrace/mda.h"
#include "nktrace/out_mda.h"
#include "nktrace/sched.h"

#include <stdlib.h>
#include <string.h>

#define BATCH_MAX 256

/* The Paris flow of each MDA flow identifier: a permutation of 1..255
 * drawn from seed, so that runs differ (a router's hash is fixed: the same
 * identifiers would take the same branches every run) unless --seed. */
static void flow_perm(uint64_t seed, uint8_t *perm)
{
	unsigned i;
	uint64_t x = seed ? seed : 0x9e3779b97f4a7c15ull;
	for (i = 1; i <= NKT_MDA_FLOWS; i++)
		perm[i] = (uint8_t)i;
	for (i = NKT_MDA_FLOWS; i > 1; i--) {
		unsigned j;
		uint8_t t;
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		j = 1 + (unsigned)(x % i);
		t = perm[i];
		perm[i] = perm[j];
		perm[j] = t;
	}
}

/* The outcomes of one batch, by position. */
struct batch {
	struct nkt_mda *m;
	uint8_t ttl;
	const uint16_t *flow;
	struct nkt_resolver *names;
	int *answered;
};

static int on_probe(void *ctx, const struct nkt_trace *t)
{
	struct batch *b = ctx;
	size_t i;
	uint32_t addr = 0;
	uint64_t rtt = 0;

	for (i = 0; i < t->n; i++)
		if (t->r[i].ttl == b->ttl && (t->r[i].flags & NKT_PF_REPLY) &&
		    !(t->r[i].flags & (NKT_PF_DUP | NKT_PF_EDST))) {
			addr = t->r[i].from;
			rtt = t->r[i].rtt_ns;
			break;
		}
	nkt_mda_result(b->m, b->ttl, b->flow[t->index], addr, rtt);
	b->answered[t->index] = 1;
	if (addr != 0 && b->names != NULL)
		nkt_resolver_want(b->names, addr);
	return 0;
}

/* One target's MDA; returns 0, a signal, or -1. */
static int one(const struct nkt_mda_run *r, size_t ti, uint64_t *runs,
	       struct nkt_err *err)
{
	const struct nkt_trace_opts *o = r->o;
	const struct nkt_flow *base = &r->flows[ti];
	struct nkt_mda_cfg mc;
	struct nkt_mda_meta mt;
	struct nkt_mda *m;
	struct nkt_flow fl[BATCH_MAX];
	uint8_t via[BATCH_MAX];
	uint16_t ids[BATCH_MAX];
	int answered[BATCH_MAX];
	struct nkt_engine_run_cfg rc;
	size_t n, i;
	uint8_t ttl, perm[NKT_MDA_FLOWS + 1];
	int sig = 0, rc_ = 0;

	flow_perm(r->seed + ti, perm);
	memset(&mc, 0, sizeof(mc));
	mc.dst = base->dst;
	mc.confidence = o->mda_confidence;
	mc.first_ttl = o->p.first_ttl;
	mc.max_ttl = o->p.max_ttl;
	mc.gaplimit = o->p.gaplimit;
	mc.repeats = 10; /* a 2-way per-packet split is missed 1 in 1024 */
	m = nkt_mda_new(&mc);
	memset(&mt, 0, sizeof(mt));
	mt.src = base->src;
	mt.dst = base->dst;
	mt.method = base->method == NKT_METHOD_ICMP  ? "icmp-paris"
		    : base->method == NKT_METHOD_UDP ? "udp-paris"
						     : "tcp-syn";
	mt.dport = base->method == NKT_METHOD_ICMP ? 0 : base->dport;
	mt.confidence = o->mda_confidence;
	mt.start_ns = nkt_clock_wall_ns();
	while ((n = nkt_mda_next(m, &ttl, ids, BATCH_MAX)) > 0) {
		struct batch b = {m, ttl, ids, r->names, answered};
		struct nkt_run_result res;
		for (i = 0; i < n; i++) {
			if (nkt_flow_init(&fl[i], base->method, base->src,
					  base->dst, 0, o->p.port,
					  perm[ids[i]], base->size,
					  o->p.tos, err) != NKT_OK) {
				nkt_mda_free(m);
				return -1;
			}
			via[i] = r->via[ti];
			answered[i] = 0;
		}
		memset(&rc, 0, sizeof(rc));
		nkt_probe_opts_sched(&o->p, &rc.sched);
		rc.sched.first_ttl = rc.sched.max_ttl = ttl;
		rc.sched.attempts = 1;
		rc.sched.gaplimit = 1;
		rc.sched.loops = 0;
		rc.sched.window = (uint32_t)n;
		rc.sched.ttl_window = 1;
		rc.sched.first_id = (uint16_t)(1 + (*runs * 1024) % 64512);
		(*runs)++;
		rc.flows = fl;
		rc.via = via;
		rc.n_flows = n;
		if (nkt_engine_run(r->eng, &rc, on_probe, &b, &res, err) !=
		    NKT_OK) {
			nkt_mda_free(m);
			return -1;
		}
		/* A probe the engine never reported (halted): no answer. */
		for (i = 0; i < n; i++)
			if (!answered[i])
				nkt_mda_result(m, ttl, ids[i], 0, 0);
		if (r->names != NULL)
			nkt_resolver_poll(r->names);
		if (res.signal) {
			sig = res.signal;
			break;
		}
	}
	mt.end_ns = nkt_clock_wall_ns();
	if (r->names != NULL)
		nkt_resolver_wait(r->names,
				  nkt_clock_mono_ns() + NKT_NAMES_WAIT_NS);
	if (o->json) {
		json_t *j = nkt_mda_json(m, &mt, r->oo);
		rc_ = json_dumpf(j, r->out, NKT_JSON_FLAGS) != 0 ||
		      fputc('\n', r->out) == EOF;
		json_decref(j);
	} else
		rc_ = nkt_mda_text(r->out, m, &mt, r->oo) != 0;
	nkt_mda_free(m);
	if (rc_ || fflush(r->out) != 0) {
		nkt_err_set(err, NKT_ESYS, "writing the output failed");
		return -1;
	}
	return sig;
}

int nkt_trace_mda(const struct nkt_mda_run *r, struct nkt_err *err)
{
	uint64_t runs = 0;
	size_t i;
	for (i = 0; i < r->n; i++) {
		int s = one(r, i, &runs, err);
		if (s != 0)
			return s;
	}
	return 0;
}
