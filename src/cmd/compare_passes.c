// SPDX-License-Identifier: ISC
/*
 * compare_passes.c: the passes around a compare cycle (shell): discovery
 * first (one probe per address and method, to find the hosts that
 * answer), slow re-probing after (targets whose transit hops all stayed
 * silent).
 */
#include "compare_session.h"
#include "cmd_common.h"
#include "nktrace/clock.h"
#include "nktrace/inet.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

void nkt__cmpsess_push(struct nkt_targets *t, uint32_t addr)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->addr = nkt_xreallocarray(t->addr, t->cap, sizeof(*t->addr));
	}
	t->addr[t->n++] = addr;
}

/* Discovery: the ports and method of its one probe per address. */
static const struct {
	enum nkt_method method;
	uint16_t port;
} discover_probes[] = {
	{NKT_METHOD_TCP, 80},
	{NKT_METHOD_TCP, 443},
	{NKT_METHOD_TCP, 22},
	{NKT_METHOD_ICMP, 0},
};

static int on_discovered(void *ctx, const struct nkt_trace *t)
{
	struct nkt_targets *found = ctx;
	if (nkt_trace_reached(t))
		nkt__cmpsess_push(found, t->flow.dst);
	return 0;
}

static int cmp_hashed(const void *x, const void *y)
{
	const uint64_t *a = x, *b = y; /* (addr's /24, hash, addr) triples */
	if (a[0] != b[0])
		return a[0] < b[0] ? -1 : 1;
	if (a[1] != b[1])
		return a[1] < b[1] ? -1 : 1;
	return a[2] < b[2] ? -1 : a[2] > b[2];
}

/* At most `max` hosts per /24, the same ones each time (the smallest keyed
 * hashes: a spread over the /24, not its first addresses). */
static void keep_per_prefix(struct nkt_targets *t, unsigned max)
{
	static const struct nkt_key k = {0x6e6b742d64697363ULL,
					 0x6f7665722d6d6178ULL};
	uint64_t *v = nkt_xcalloc(3 * t->n + 3, sizeof(*v));
	size_t i, n = 0, run = 0;
	for (i = 0; i < t->n; i++) {
		v[3 * i] = t->addr[i] >> 8;
		v[3 * i + 1] = nkt_keyhash(&k, &t->addr[i], sizeof(t->addr[i]));
		v[3 * i + 2] = t->addr[i];
	}
	qsort(v, t->n, 3 * sizeof(*v), cmp_hashed);
	for (i = 0; i < t->n; i++) {
		run = i > 0 && v[3 * i] == v[3 * i - 3] ? run + 1 : 0;
		if (run < max)
			t->addr[n++] = (uint32_t)v[3 * i + 2];
	}
	t->n = n;
	free(v);
}

/*
 * The hosts of the space that answer: one probe of each discover_probes
 * to every address, at TTL 64 (past every router: the routers see none),
 * paced at --discover-rate.  In North Korea most addresses are silent;
 * these are the hosts a verdict can rest on.  The probes go method by
 * method over the whole space, so an address's probes leave a sweep
 * apart: loss that comes in bursts cannot take all of them at once.
 */
int nkt__cmpsess_discover(struct nkt_cmpsess *s, struct nkt_cmp_cycle *c,
		    struct nkt_err *err)
{
	const struct nkt_compare_opts *o = &s->o;
	uint64_t size = 1ULL << (32 - s->tdb->space_len), a;
	size_t nm = NKT_ARRAY_LEN(discover_probes), m, n = 0;
	struct nkt_flow *flows = nkt_xreallocarray(NULL, size * nm,
						   sizeof(*flows));
	uint8_t *via = nkt_xcalloc(size * nm, 1);
	struct nkt_src_cache *srcs = nkt_xcalloc(1, sizeof(*srcs));
	struct nkt_engine_run_cfg rc;
	struct nkt_run_result res;
	struct nkt_targets found = {0};
	int r = NKT_OK;

	for (m = 0; m < nm; m++) {
		for (a = 1; a + 1 < size; a++) { /* not network, broadcast */
			uint32_t dst = s->tdb->space_net + (uint32_t)a, src;
			struct nkt_err sub;
			uint8_t up = o->n_via ? 1 : 0;
			if (nkt_source_for(srcs, dst, o->p.src,
					   s->ecfg.uplinks[up].ifc.addr, &src,
					   &sub) != NKT_OK)
				src = s->any_src;
			if (nkt_flow_init(&flows[n], discover_probes[m].method,
					  src, dst, o->p.sport,
					  discover_probes[m].port,
					  o->p.paris_id,
					  discover_probes[m].method ==
							  NKT_METHOD_TCP
						  ? 40
						  : 60,
					  o->p.tos, err) != NKT_OK) {
				r = NKT_EINVAL;
				goto out;
			}
			via[n++] = up;
		}
	}
	memset(&rc, 0, sizeof(rc));
	nkt_probe_opts_sched(&o->p, &rc.sched);
	rc.sched.attempts = 1;
	rc.sched.first_ttl = rc.sched.max_ttl = 64;
	rc.sched.gaplimit = 1;
	rc.sched.ttl_window = 1;
	rc.sched.hop_pps = 0;
	rc.sched.pps = o->discover_pps;
	rc.sched.window = 4096;
	rc.flows = flows;
	rc.via = via;
	rc.n_flows = n;
	r = nkt_engine_run(s->eng, &rc, on_discovered, &found, &res, err);
	c->discovery_probes = res.sched.sent;
	c->run.signal = res.signal;
	if (r == NKT_OK && !res.signal) {
		nkt_targets_dedup(&found);
		keep_per_prefix(&found, o->discover_max);
		nkt_targets_free(&s->found);
		s->found = found;
		memset(&found, 0, sizeof(found));
		s->found_ns = nkt_clock_wall_ns();
		c->discovered = 1;
	}
out:
	nkt_targets_free(&found);
	free(flows);
	free(via);
	free(srcs);
	return r;
}

/* The targets of a cycle: the session's, and with discovery the hosts
 * that answered it. */
/*
 * Re-probing: the targets (over each uplink) whose paths showed no transit
 * because every hop before North Korea stayed silent, or only an upstream
 * the transits file does not name over silent hops (worth_reprobing;
 * routers answer about
 * one time-exceeded per second per destination: a full compare spends that
 * budget many times over).  After a pause that lets the budgets refill,
 * their first method is traced again with one probe per hop and at most
 * one probe per second at each TTL: the same TTL on the paths of one
 * transit is mostly the same router.  The traces only attribute
 * (NKT_PURPOSE_REPROBE); at most NKT_REPROBE_MAX targets a round.
 */
#define NKT_REPROBE_MAX 64

/* A target worth tracing again: none of its paths showed a public hop
 * before North Korea, or they showed only an upstream the transits file
 * does not name, over silent hops (it may be an AS before the transit,
 * whose own routers were rate-limited).  A listed transit seen over silent
 * hops is not: North Korea's own routers are silent in real traces, so
 * that gap is the rule, and a re-probe would not close it. */
static int worth_reprobing(const struct nkt_cmpsess *s,
			   const struct nkt_cmp_obs *o)
{
	if (o->tattr.transit < 0)
		return 1;
	return o->tattr.gap != 0 && o->tattr.gap != NKT_GAP_UNKNOWN &&
	       (size_t)o->tattr.transit >= s->trans->n_configured;
}
#define NKT_REPROBE_PAUSE_NS (3 * NKT_NS_PER_S)

int nkt__cmpsess_reprobe(struct nkt_cmpsess *s, struct nkt_cmp_cycle *c,
		   struct cycle_ctx *cc, struct nkt_err *err)
{
	unsigned round;
	int r = NKT_OK;

	for (round = 0; round < s->o.reprobe && r == NKT_OK; round++) {
		struct nkt_flow *flows = nkt_xcalloc(NKT_REPROBE_MAX,
						     sizeof(*flows));
		uint8_t *via = nkt_xcalloc(NKT_REPROBE_MAX, 1);
		size_t n = 0, i, j;
		struct nkt_engine_run_cfg rc;
		struct nkt_run_result res;
		sigset_t sigs, old;
		uint64_t t0;
		int sig;

		nkt_cmp_unify(c->obs, c->n_obs);
		for (i = 0; i < c->n_obs && n < NKT_REPROBE_MAX; i++) {
			const struct nkt_cmp_obs *o = &c->obs[i];
			int dup = 0;
			if (o->reprobe || !worth_reprobing(s, o))
				continue;
			for (j = 0; j < n; j++)
				dup |= flows[j].dst == o->addr &&
				       via[j] == o->via;
			for (j = 0; !dup && j < s->n_flows; j++)
				if (s->flows[j].dst == o->addr &&
				    s->via[j] == o->via) {
					flows[n] = s->flows[j];
					via[n++] = s->via[j];
					break;
				}
		}
		if (n == 0) {
			free(flows);
			free(via);
			break;
		}
		/* A pause for the routers' rate limits; a halting signal
		 * ends the re-probing (blocked meanwhile, so it cannot kill
		 * the process with the cycle's results unwritten). */
		nkt_halt_signals(&sigs);
		pthread_sigmask(SIG_BLOCK, &sigs, &old);
		t0 = nkt_clock_mono_ns();
		sig = nkt_clock_sleep_until(CLOCK_MONOTONIC,
					    t0 + NKT_REPROBE_PAUSE_NS, &sigs);
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		c->pause_ns += nkt_clock_mono_ns() - t0;
		if (sig != 0) {
			c->run.signal = sig;
			free(flows);
			free(via);
			break;
		}
		memset(&rc, 0, sizeof(rc));
		nkt_probe_opts_sched(&s->o.p, &rc.sched);
		rc.sched.attempts = 1;
		rc.sched.hop_pps = 1;
		rc.sched.pps = rc.sched.pps < 20 ? rc.sched.pps : 20;
		rc.sched.purpose = NKT_PURPOSE_REPROBE;
		rc.flows = flows;
		rc.via = via;
		rc.n_flows = n;
		t0 = nkt_clock_mono_ns();
		r = nkt_engine_run(s->eng, &rc, nkt__cmpsess_on_trace, cc, &res,
				   err);
		c->reprobe_ns += nkt_clock_mono_ns() - t0;
		c->reprobed += n;
		c->run.sched.sent += res.sched.sent;
		if (res.signal)
			c->run.signal = res.signal;
		free(flows);
		free(via);
		if (res.signal)
			break;
	}
	return r;
}

