// SPDX-License-Identifier: ISC
/*
 * sched.c: pacing, TTL windows, attempts, timeouts and stop decisions for
 * many traces at once (policy in sched.h).  Pure: no clock, no socket; the
 * caller passes monotonic time in.  Over 600 lines on purpose: it is one
 * state machine (in-flight slots, traces, rate buckets) whose transitions
 * (next, sent, reply, tick, halt) share its invariants; split, each part
 * would need the whole struct and the reader both files.
 */
#include "nktrace/sched.h"
#include "nktrace/common.h"
#include "nktrace/inet.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define NO_ACTIVE UINT32_MAX

/* Per-TTL decision flags */
#define HF_REPLY 0x01   /* some attempt was answered */
#define HF_DEST 0x02    /* the destination answered */
#define HF_UNREACH 0x04 /* an unreachable (not the destination's port) */
#define HF_ICMP 0x08    /* another ICMP error */

/* Record flags internal to the scheduler (dropped before output). */
#define PF_DROP 0x8000

struct tstate {
	struct nkt_trace *t;
	uint32_t flow;     /* index in the flow array */
	uint32_t inflight; /* probes in flight */
	uint16_t ttl_lo;   /* lowest TTL not yet decided */
	uint16_t ttl_hi;   /* next TTL to open */
	uint16_t stop_ttl; /* no TTL above this is probed */
	uint8_t gap, loops;
	uint8_t decisive;  /* a reply fixed where the trace stops */
	uint8_t e2e;       /* in the end-to-end phase */
	uint8_t e2e_reason, e2e_hop;
	uint16_t e2e_done;
	uint64_t e2e_next_ns;
	uint64_t settle_until_ns; /* TCP: no SYN at settle_ttl or above */
	uint16_t settle_ttl;      /* before then (see pick_ttl) */
	/* Doubletree: the TTL it started at, the backward phase (0 not yet,
	 * 1 under way at back_ttl, 2 done) and the outcome of the forward
	 * part, kept while going backward */
	uint16_t start_ttl, back_ttl;
	uint8_t back, pend_reason, pend_hop;
	uint8_t sent[256], resolved[256], hflags[256];
};

struct bucket {
	double tokens;
	uint64_t last_ns;
};

struct fifo_ent {
	uint64_t deadline_ns;
	uint32_t gen;
	uint16_t id;
};

struct nkt_sched {
	struct nkt_sched_cfg cfg;
	const struct nkt_flow *flows;
	const uint8_t *via;
	size_t n_flows, next_flow, finished;
	uint64_t took_ns; /* the finished traces' durations, summed */
	uint64_t took_probes; /* and the probes they sent */
	struct tstate **active;
	size_t n_active;
	uint32_t *active_of; /* flow index -> active index */
	size_t rr;
	int halted;
	struct nkt_match *match;
	struct bucket global, hop[256];
	double global_depth, hop_depth;
	struct fifo_ent *fifo;
	size_t fifo_head, fifo_len, fifo_cap;
	struct nkt_trace **done;
	size_t done_head, done_len, done_cap;
	struct nkt_sched_stats st;
	/* Doubletree: h (0 until the first trace has finished) and the local
	 * stop set, the addresses that answered time exceeded to any trace
	 * (open addressing, 0 = empty: 0.0.0.0 never answers) */
	uint8_t dt_h;
	size_t dt_learn, dt_learned; /* traces traced whole first; finished */
	uint32_t dt_last[256];       /* their last answering TTLs, counted */
	uint32_t *stop;
	size_t stop_n, stop_cap;
};

static uint64_t wall(const struct nkt_sched *s, uint64_t now)
{
	return now + s->cfg.wall_offset_ns;
}

struct nkt_sched *nkt_sched_new(const struct nkt_sched_cfg *cfg,
				const struct nkt_flow *flows,
				const uint8_t *via, size_t n,
				struct nkt_err *err)
{
	struct nkt_sched *s;
	size_t i;

	if (cfg->pps == 0 || cfg->window == 0 || cfg->ttl_window == 0 ||
	    cfg->attempts == 0 || cfg->attempts > 16 || cfg->first_ttl == 0 ||
	    cfg->max_ttl < cfg->first_ttl || cfg->gaplimit == 0 ||
	    cfg->wait_ns == 0) {
		nkt_err_set(err, NKT_EINVAL, "bad scheduler configuration");
		return NULL;
	}
	s = nkt_xcalloc(1, sizeof(*s));
	s->cfg = *cfg;
	s->flows = flows;
	s->via = via;
	s->n_flows = n;
	s->active = nkt_xcalloc(cfg->window, sizeof(*s->active));
	s->active_of = nkt_xreallocarray(NULL, n ? n : 1, sizeof(uint32_t));
	for (i = 0; i < n; i++)
		s->active_of[i] = NO_ACTIVE;
	s->match = nkt_xmalloc(sizeof(*s->match));
	nkt_match_init(s->match);
	if (cfg->first_id != 0)
		s->match->cursor = cfg->first_id;
	if (cfg->doubletree)
		s->dt_learn = cfg->dt_learn == 0 ? 1
			      : cfg->dt_learn < n ? cfg->dt_learn
						  : (n ? n : 1);
	s->global_depth = cfg->pps / 50.0 < 1.0 ? 1.0 : cfg->pps / 50.0;
	s->hop_depth = cfg->attempts;
	s->global.tokens = s->global_depth;
	for (i = 0; i < 256; i++)
		s->hop[i].tokens = s->hop_depth;
	return s;
}

void nkt_sched_free(struct nkt_sched *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->n_active; i++) {
		nkt_trace_free(s->active[i]->t);
		free(s->active[i]);
	}
	for (i = 0; i < s->done_len; i++)
		nkt_trace_free(s->done[(s->done_head + i) % s->done_cap]);
	free(s->done);
	free(s->active);
	free(s->active_of);
	free(s->match);
	free(s->fifo);
	free(s->stop);
	free(s);
}

/* ---- token buckets ---------------------------------------------------- */

static void refill(struct bucket *b, double rate, double depth, uint64_t now)
{
	if (now > b->last_ns) {
		b->tokens += (double)(now - b->last_ns) * rate / 1e9;
		if (b->tokens > depth)
			b->tokens = depth;
	}
	b->last_ns = now;
}

static uint64_t when_token(const struct bucket *b, double rate, uint64_t now)
{
	double need = 1.0 - b->tokens;
	if (need <= 0)
		return now;
	return now + (uint64_t)(need * 1e9 / rate) + 1;
}

/* ---- FIFO of deadlines ---------------------------------------------------- */

static void fifo_push(struct nkt_sched *s, uint16_t id, uint32_t gen,
		      uint64_t deadline)
{
	if (s->fifo_len == s->fifo_cap) {
		size_t ncap = s->fifo_cap ? s->fifo_cap * 2 : 1024, i;
		struct fifo_ent *nf = nkt_xreallocarray(NULL, ncap,
							sizeof(*nf));
		for (i = 0; i < s->fifo_len; i++)
			nf[i] = s->fifo[(s->fifo_head + i) % s->fifo_cap];
		free(s->fifo);
		s->fifo = nf;
		s->fifo_cap = ncap;
		s->fifo_head = 0;
	}
	s->fifo[(s->fifo_head + s->fifo_len) % s->fifo_cap] =
		(struct fifo_ent){deadline, gen, id};
	s->fifo_len++;
}

static void done_push(struct nkt_sched *s, struct nkt_trace *t)
{
	if (s->done_len == s->done_cap) {
		size_t ncap = s->done_cap ? s->done_cap * 2 : 64, i;
		struct nkt_trace **nd = nkt_xreallocarray(NULL, ncap,
							  sizeof(*nd));
		for (i = 0; i < s->done_len; i++)
			nd[i] = s->done[(s->done_head + i) % s->done_cap];
		free(s->done);
		s->done = nd;
		s->done_cap = ncap;
		s->done_head = 0;
	}
	s->done[(s->done_head + s->done_len) % s->done_cap] = t;
	s->done_len++;
}

/* ---- Doubletree's stop set --------------------------------------------- */

static size_t stop_slot(const struct nkt_sched *s, uint32_t addr)
{
	size_t i = (size_t)((addr * 2654435761u) & (s->stop_cap - 1));
	while (s->stop[i] != 0 && s->stop[i] != addr)
		i = (i + 1) & (s->stop_cap - 1);
	return i;
}

static int stop_has(const struct nkt_sched *s, uint32_t addr)
{
	return s->stop_cap > 0 && addr != 0 && s->stop[stop_slot(s, addr)] != 0;
}

static void stop_add(struct nkt_sched *s, uint32_t addr)
{
	size_t i;

	if (addr == 0)
		return;
	if (2 * (s->stop_n + 1) > s->stop_cap) {
		uint32_t *old = s->stop;
		size_t oc = s->stop_cap, j;
		s->stop_cap = oc ? oc * 2 : 256;
		s->stop = nkt_xcalloc(s->stop_cap, sizeof(*s->stop));
		for (j = 0; j < oc; j++)
			if (old[j] != 0)
				s->stop[stop_slot(s, old[j])] = old[j];
		free(old);
	}
	i = stop_slot(s, addr);
	if (s->stop[i] == 0) {
		s->stop[i] = addr;
		s->stop_n++;
	}
}

/* The addresses that answered time exceeded at TTLs lo..hi of t: into
 * the stop set (add), or whether one of them is in it already. */
static int stop_scan(struct nkt_sched *s, const struct nkt_trace *t,
		     unsigned lo, unsigned hi, int add)
{
	size_t i;
	int hit = 0;

	for (i = 0; i < t->n; i++) {
		const struct nkt_hop_reply *r = &t->r[i];
		if (r->ttl < lo || r->ttl > hi || !(r->flags & NKT_PF_REPLY) ||
		    (r->flags & (NKT_PF_E2E | PF_DROP)) ||
		    r->kind != NKT_REPLY_TTL_EXCEEDED)
			continue;
		if (add)
			stop_add(s, r->from);
		else
			hit |= stop_has(s, r->from);
	}
	return hit;
}

/* ---- traces ------------------------------------------------------------- */

static void start_trace(struct nkt_sched *s)
{
	struct tstate *ts = nkt_xcalloc(1, sizeof(*ts));
	size_t f = s->next_flow++;

	ts->t = nkt_xcalloc(1, sizeof(*ts->t));
	ts->t->flow = s->flows[f];
	ts->t->index = (uint32_t)f;
	ts->t->via = s->via ? s->via[f] : 0;
	ts->t->first_ttl = s->cfg.first_ttl;
	ts->t->purpose = s->cfg.purpose;
	ts->t->max_ttl = s->cfg.max_ttl;
	ts->t->attempts = s->cfg.attempts;
	ts->t->gaplimit = s->cfg.gaplimit;
	ts->flow = (uint32_t)f;
	ts->start_ttl = s->cfg.doubletree && f >= s->dt_learn
				? s->dt_h
				: s->cfg.first_ttl;
	ts->ttl_lo = ts->ttl_hi = ts->start_ttl;
	ts->stop_ttl = s->cfg.max_ttl;
	s->active_of[f] = (uint32_t)s->n_active;
	s->active[s->n_active++] = ts;
}

/* Cancel every probe of ts in flight above `ttl`. */
static void cancel_above(struct nkt_sched *s, struct tstate *ts, unsigned ttl)
{
	size_t i;

	for (i = 0; i < ts->t->n; i++) {
		struct nkt_hop_reply *rec = &ts->t->r[i];
		struct nkt_slot *sl;

		if (rec->ttl <= ttl || !(rec->flags & NKT_PF_PENDING))
			continue;
		rec->flags = (uint16_t)((rec->flags & ~NKT_PF_PENDING) |
					PF_DROP);
		sl = &s->match->slot[rec->id];
		if (sl->state == NKT_SLOT_INFLIGHT && sl->trace == ts->flow &&
		    sl->result == i) {
			nkt_match_set_state(s->match, rec->id,
					    NKT_SLOT_CANCELLED);
			ts->inflight--;
			s->st.cancelled++;
		}
	}
}

/* Doubletree: a trace traced whole has finished; once all have, h is one
 * TTL before the median of their last answers (so that a later target's
 * own part is probed forward), first_ttl if none answered. */
static void learn_h(struct nkt_sched *s, const struct nkt_trace *t)
{
	unsigned last = 0, k;
	size_t i, n = 0, seen = 0;

	for (i = 0; i < t->n; i++)
		if ((t->r[i].flags & NKT_PF_REPLY) &&
		    !(t->r[i].flags & NKT_PF_E2E) && t->r[i].ttl > last)
			last = t->r[i].ttl;
	if (last > 0)
		s->dt_last[last]++;
	if (++s->dt_learned < s->dt_learn)
		return;
	for (k = 1; k < 256; k++)
		n += s->dt_last[k];
	s->dt_h = s->cfg.first_ttl;
	for (k = 1; k < 256 && n > 0; k++) {
		seen += s->dt_last[k];
		if (2 * seen >= n) {
			if (k - 1 > s->cfg.first_ttl)
				s->dt_h = (uint8_t)(k - 1);
			break;
		}
	}
}

static void finish(struct nkt_sched *s, struct tstate *ts, int reason,
		   unsigned hop, uint64_t now)
{
	struct nkt_trace *t = ts->t;
	uint32_t ai = s->active_of[ts->flow];
	size_t i, n = 0;

	cancel_above(s, ts, hop);
	for (i = 0; i < t->n; i++) {
		struct nkt_hop_reply *rec = &t->r[i];
		if ((rec->flags & PF_DROP) ||
		    (rec->ttl > hop && !(rec->flags & NKT_PF_E2E)))
			continue;
		if ((rec->flags & NKT_PF_E2E) && (rec->flags & NKT_PF_PENDING))
			continue; /* halted before it was answered */
		rec->flags &= (uint16_t)~NKT_PF_PENDING;
		t->r[n++] = *rec;
	}
	t->n = n;
	nkt_trace_sort(t);
	t->stop_reason = (uint8_t)reason;
	t->stop_hop = (uint8_t)hop;
	t->end_ns = wall(s, now);
	if (t->start_ns == 0)
		t->start_ns = t->end_ns;
	s->took_ns += t->end_ns - t->start_ns;
	s->took_probes += t->n;
	if (s->cfg.doubletree && t->index < s->dt_learn)
		learn_h(s, t);
	done_push(s, t);
	s->finished++;

	/* Remove from the active set (swap with the last). */
	s->active_of[ts->flow] = NO_ACTIVE;
	s->n_active--;
	if (ai != s->n_active) {
		s->active[ai] = s->active[s->n_active];
		s->active_of[s->active[ai]->flow] = ai;
	}
	free(ts);
}

/* Did an address answering at TTL k (time exceeded) answer at a TTL
 * before k-1?  Consecutive repeats are normal (MPLS, ttl-propagate). */
static int loop_at(const struct nkt_trace *t, unsigned k)
{
	size_t i, j;
	for (i = 0; i < t->n; i++) {
		const struct nkt_hop_reply *a = &t->r[i];
		if (a->ttl != k || !(a->flags & NKT_PF_REPLY) ||
		    a->kind != NKT_REPLY_TTL_EXCEEDED)
			continue;
		for (j = 0; j < t->n; j++) {
			const struct nkt_hop_reply *b = &t->r[j];
			if ((unsigned)b->ttl + 1 < k && (b->flags & NKT_PF_REPLY) &&
			    b->kind == NKT_REPLY_TTL_EXCEEDED &&
			    b->from == a->from)
				return 1;
		}
	}
	return 0;
}

/* The trace's outcome is known (reason at hop): go backward first when
 * Doubletree has TTLs below the start to decide, else enter the
 * end-to-end phase or finish.  Returns 1 if the trace finished. */
static int conclude(struct nkt_sched *s, struct tstate *ts, int reason,
		    unsigned hop, uint64_t now)
{
	if (s->cfg.doubletree && ts->back == 0) {
		stop_scan(s, ts->t, ts->start_ttl, hop, 1);
		if (ts->start_ttl > s->cfg.first_ttl && !s->halted) {
			cancel_above(s, ts, hop);
			ts->back = 1;
			ts->back_ttl = (uint16_t)(ts->start_ttl - 1);
			ts->pend_reason = (uint8_t)reason;
			ts->pend_hop = (uint8_t)hop;
			return 0;
		}
		ts->back = 2;
	}
	if (reason == NKT_STOP_COMPLETED && s->cfg.e2e_probes > 0 &&
	    !s->halted) {
		/* The end-to-end phase: no more hop probes. */
		cancel_above(s, ts, hop);
		ts->e2e = 1;
		ts->e2e_reason = NKT_STOP_COMPLETED;
		ts->e2e_hop = (uint8_t)hop;
		ts->t->e2e_ttl = (uint8_t)hop;
		ts->e2e_next_ns = now;
		return 0;
	}
	finish(s, ts, reason, hop, now);
	return 1;
}

/* Doubletree's backward phase: decide back_ttl; stop at an address the run
 * met already (or at first_ttl), else go one TTL lower.  Returns 1 if the
 * trace finished. */
static int back_step(struct nkt_sched *s, struct tstate *ts, uint64_t now)
{
	unsigned b = ts->back_ttl;
	uint8_t hf = ts->hflags[b];
	int hit;

	if (s->halted && ts->inflight == 0) {
		ts->t->first_ttl = (uint8_t)b;
		finish(s, ts, ts->pend_reason, ts->pend_hop, now);
		return 1;
	}
	if (ts->sent[b] < s->cfg.attempts || ts->resolved[b] < ts->sent[b])
		return 0;
	/* the trace would have ended here going forward */
	if (hf & (HF_DEST | HF_UNREACH | HF_ICMP)) {
		ts->pend_reason = (hf & HF_DEST)	? NKT_STOP_COMPLETED
				  : (hf & HF_UNREACH) ? NKT_STOP_UNREACH
						      : NKT_STOP_ICMP;
		ts->pend_hop = (uint8_t)b;
	}
	hit = stop_scan(s, ts->t, b, b, 0);
	stop_scan(s, ts->t, b, b, 1);
	if (!hit && b > s->cfg.first_ttl) {
		ts->back_ttl--;
		return 0;
	}
	ts->back = 2;
	ts->t->first_ttl = (uint8_t)b;
	return conclude(s, ts, ts->pend_reason, ts->pend_hop, now);
}

/* Decide TTLs in order; finish the trace when a decision says so.
 * Returns 1 if the trace finished (ts is freed). */
static int advance(struct nkt_sched *s, struct tstate *ts, uint64_t now)
{
	if (ts->e2e) {
		if (ts->e2e_done >= s->cfg.e2e_probes ||
		    (s->halted && ts->inflight == 0)) {
			finish(s, ts, ts->e2e_reason, ts->e2e_hop, now);
			return 1;
		}
		return 0;
	}
	if (ts->back == 1)
		return back_step(s, ts, now);
	while (ts->ttl_lo <= ts->stop_ttl) {
		unsigned k = ts->ttl_lo;
		uint8_t hf = ts->hflags[k];

		if (ts->sent[k] < s->cfg.attempts ||
		    ts->resolved[k] < ts->sent[k])
			break;
		if (hf & HF_DEST)
			return conclude(s, ts, NKT_STOP_COMPLETED, k, now);
		if (hf & HF_UNREACH)
			return conclude(s, ts, NKT_STOP_UNREACH, k, now);
		if (hf & HF_ICMP)
			return conclude(s, ts, NKT_STOP_ICMP, k, now);
		if ((hf & HF_REPLY) && s->cfg.loops && loop_at(ts->t, k) &&
		    ++ts->loops >= s->cfg.loops)
			return conclude(s, ts, NKT_STOP_LOOP, k, now);
		ts->gap = (hf & HF_REPLY) ? 0 : (uint8_t)(ts->gap + 1);
		if (ts->gap >= s->cfg.gaplimit && !ts->decisive)
			return conclude(s, ts, NKT_STOP_GAPLIMIT, k, now);
		if (k >= s->cfg.max_ttl)
			return conclude(s, ts, NKT_STOP_HOPLIMIT, k, now);
		ts->ttl_lo++;
	}
	if (s->halted && ts->inflight == 0) {
		uint8_t last = nkt_trace_last_hop(ts->t);
		finish(s, ts, NKT_STOP_HALTED, last ? last : ts->ttl_lo, now);
		return 1;
	}
	return 0;
}

/* ---- sending ------------------------------------------------------------ */

static int pick_ttl(struct nkt_sched *s, struct tstate *ts, uint64_t now,
		    uint64_t *blocked_until)
{
	unsigned k, lo = ts->ttl_lo, top = ts->ttl_hi;
	/* Doubletree starts one TTL before where the whole traces' answers
	 * ended: two TTLs in flight, not a window of probes past that */
	unsigned window = s->cfg.doubletree && ts->start_ttl > s->cfg.first_ttl &&
					  s->cfg.ttl_window > 2
				  ? 2
				  : s->cfg.ttl_window;

	if (ts->e2e) {
		/* One end-to-end probe at a time, interval apart. */
		if (ts->t->e2e_sent >= s->cfg.e2e_probes ||
		    ts->t->e2e_sent > ts->e2e_done)
			return -1;
		if (now < ts->e2e_next_ns || now < ts->settle_until_ns) {
			uint64_t w = ts->e2e_next_ns > ts->settle_until_ns
					     ? ts->e2e_next_ns
					     : ts->settle_until_ns;
			if (w < *blocked_until)
				*blocked_until = w;
			return -1;
		}
		return ts->e2e_hop;
	}

	if (ts->back == 1) { /* Doubletree going backward: that TTL alone */
		lo = ts->back_ttl;
		top = lo + 1;
	} else if (top <= ts->stop_ttl && top - ts->ttl_lo < window)
		top++; /* may open one more TTL */
	for (k = lo; k < top && k <= ts->stop_ttl; k++) {
		if (ts->sent[k] >= s->cfg.attempts)
			continue;
		/* TCP: one attempt of a TTL in flight at a time.  SYNs of one
		 * 4-tuple that reach the destination within an RTT of each
		 * other find it in SYN_RECV and get an ACK, not a SYN-ACK. */
		if (ts->t->flow.method == NKT_METHOD_TCP &&
		    ts->sent[k] > ts->resolved[k])
			continue;
		/* TCP: once the destination answered, the next SYN that may
		 * reach it waits until our kernel's RST has (see
		 * NKT_SCHED_TCP_SETTLE_NS). */
		if (ts->t->flow.method == NKT_METHOD_TCP && ts->settle_ttl &&
		    k >= ts->settle_ttl && now < ts->settle_until_ns) {
			if (ts->settle_until_ns < *blocked_until)
				*blocked_until = ts->settle_until_ns;
			continue;
		}
		if (s->cfg.hop_pps) {
			struct bucket *b = &s->hop[k];
			refill(b, s->cfg.hop_pps, s->hop_depth, now);
			if (b->tokens < 1.0) {
				uint64_t w = when_token(b, s->cfg.hop_pps,
							now);
				if (w < *blocked_until)
					*blocked_until = w;
				continue;
			}
		}
		return (int)k;
	}
	return -1;
}

int nkt_sched_next(struct nkt_sched *s, uint64_t now,
		   struct nkt_probe_req *req, uint64_t *wake_ns)
{
	uint64_t blocked = UINT64_MAX;
	size_t i;

	*wake_ns = UINT64_MAX;
	if (s->fifo_len > 0)
		*wake_ns = s->fifo[s->fifo_head].deadline_ns;
	if (s->halted)
		return 0;
	/* Doubletree learns h from the traces traced whole, first */
	while (s->n_active < s->cfg.window && s->next_flow < s->n_flows &&
	       !(s->cfg.doubletree && s->dt_h == 0 &&
		 s->next_flow >= s->dt_learn))
		start_trace(s);
	if (s->n_active == 0)
		return 0;
	refill(&s->global, s->cfg.pps, s->global_depth, now);
	if (s->global.tokens < 1.0) {
		uint64_t w = when_token(&s->global, s->cfg.pps, now);
		if (w < *wake_ns)
			*wake_ns = w;
		return 0;
	}
	for (i = 0; i < s->n_active; i++) {
		size_t ai = (s->rr + i) % s->n_active;
		struct tstate *ts = s->active[ai];
		struct nkt_hop_reply *rec;
		uint16_t id;
		int k = pick_ttl(s, ts, now, &blocked);

		if (k < 0)
			continue;
		if (nkt_match_alloc(s->match, &ts->t->flow, (uint8_t)k,
				    (uint8_t)(ts->sent[k] + 1),
				    nkt_probe_id_forbidden(&s->cfg.key,
							   ts->t->flow.dst),
				    now + s->cfg.wait_ns, &id) != NKT_OK) {
			s->st.table_full++;
			return 0; /* wake at the next deadline */
		}
		if (ts->t->n == 0 && ts->t->start_ns == 0)
			ts->t->start_ns = wall(s, now);
		rec = nkt_trace_add(ts->t);
		rec->ttl = (uint8_t)k;
		rec->id = id;
		rec->flags = NKT_PF_PENDING;
		rec->tx_ns = wall(s, now);
		s->match->slot[id].trace = ts->flow;
		s->match->slot[id].result = (uint32_t)(ts->t->n - 1);
		if (ts->e2e) {
			rec->flags |= NKT_PF_E2E;
			rec->attempt = 0;
			ts->t->e2e_sent++;
		} else {
			rec->attempt = (uint8_t)(ts->sent[k] + 1);
			ts->sent[k]++;
			if ((unsigned)k == ts->ttl_hi)
				ts->ttl_hi++;
			if (s->cfg.hop_pps)
				s->hop[k].tokens -= 1.0;
		}
		ts->inflight++;
		ts->t->sent++;
		s->global.tokens -= 1.0;
		fifo_push(s, id, s->match->slot[id].gen, now + s->cfg.wait_ns);
		s->st.sent++;
		s->rr = ai + 1;
		req->flow = ts->t->flow;
		req->gen = s->match->slot[id].gen;
		req->id = id;
		req->ttl = (uint8_t)k;
		req->via = ts->t->via;
		*wake_ns = now;
		return 1;
	}
	if (blocked < *wake_ns)
		*wake_ns = blocked;
	return 0;
}

static struct tstate *owner(struct nkt_sched *s, const struct nkt_slot *sl)
{
	uint32_t ai;
	if (sl->trace >= s->n_flows)
		return NULL;
	ai = s->active_of[sl->trace];
	return ai == NO_ACTIVE ? NULL : s->active[ai];
}

void nkt_sched_sent(struct nkt_sched *s, uint16_t id, uint32_t gen,
		    uint64_t tx_wall_ns, int err, uint64_t now)
{
	struct nkt_slot *sl = &s->match->slot[id];
	struct tstate *ts;
	struct nkt_hop_reply *rec;

	if (sl->gen != gen || sl->state == NKT_SLOT_FREE)
		return;
	ts = owner(s, sl);
	if (ts == NULL || sl->result >= ts->t->n)
		return;
	rec = &ts->t->r[sl->result];
	if (err == 0) {
		sl->tx_wall_ns = tx_wall_ns;
		if (sl->tx_cap_ns == 0)
			rec->tx_ns = tx_wall_ns;
		return;
	}
	if (sl->state != NKT_SLOT_INFLIGHT)
		return;
	nkt_match_set_state(s->match, id, NKT_SLOT_CANCELLED);
	rec->flags = (uint16_t)((rec->flags & ~NKT_PF_PENDING) | PF_DROP);
	ts->inflight--;
	ts->t->sent--;
	if (err == ENOBUFS || err == EAGAIN || err == EINTR) {
		/* The kernel's queue was full: send this attempt again. */
		if (rec->flags & NKT_PF_E2E)
			ts->t->e2e_sent--;
		else
			ts->sent[sl->ttl]--;
		s->st.unsent++;
		return;
	}
	s->st.send_errors++;
	ts->t->stop_errno = err;
	finish(s, ts, NKT_STOP_ERROR, sl->ttl, now);
}

void nkt_sched_probe_seen(struct nkt_sched *s, const struct nkt_reply *r,
			  uint64_t cap_ns)
{
	struct nkt_slot *sl;
	struct tstate *ts;
	uint16_t id = r->q_xid;

	if (!(r->flags & NKT_RF_QUOTE_L4) || id == 0)
		return;
	sl = &s->match->slot[id];
	if (sl->state == NKT_SLOT_FREE || sl->dst != r->q_dst ||
	    sl->src != r->q_src || sl->ttl != r->q_ttl ||
	    sl->proto != r->q_proto || sl->tx_cap_ns != 0)
		return;
	if (r->q_ipid != nkt_probe_ipid(&s->cfg.key, sl->dst, id))
		return;
	sl->tx_cap_ns = cap_ns;
	s->st.tx_seen++;
	ts = owner(s, sl);
	if (ts != NULL && sl->result < ts->t->n &&
	    (ts->t->r[sl->result].flags & NKT_PF_PENDING))
		ts->t->r[sl->result].tx_ns = cap_ns;
}

/* Kept whole: every way a reply can meet the in-flight table (matched,
 * late, duplicate, foreign, forged, the destination's) is one transition
 * of the state machine, read top to bottom. */
void nkt_sched_reply(struct nkt_sched *s, const struct nkt_reply *r,
		     uint64_t cap_ns, uint64_t now)
{
	struct nkt_match_out mo;
	struct nkt_slot *sl;
	struct tstate *ts;
	struct nkt_hop_reply *rec;
	uint64_t tx;
	int res = nkt_match_resolve(s->match, &s->cfg.key, r, &mo);
	unsigned k;

	switch (res) {
	case NKT_MATCH_FOREIGN:
		s->st.foreign++;
		return;
	case NKT_MATCH_INVALID:
		s->st.invalid++;
		return;
	case NKT_MATCH_CONFLICT:
		s->st.conflicts++;
		return;
	case NKT_MATCH_CANCELLED:
		s->st.cancelled++;
		return;
	default:
		break;
	}
	sl = &s->match->slot[mo.id];
	ts = owner(s, sl);
	if (res == NKT_MATCH_EDST) {
		s->st.edsts++;
		if (ts == NULL || sl->state != NKT_SLOT_INFLIGHT)
			return;
		ts->t->edsts++;
		rec = nkt_trace_add(ts->t);
		nkt_trace_fill_reply(rec, r);
		rec->ttl = sl->ttl;
		rec->attempt = sl->attempt;
		rec->id = mo.id;
		rec->flags |= NKT_PF_EDST;
		rec->edst = r->q_dst;
		return;
	}
	if (res == NKT_MATCH_LATE) {
		s->st.late++;
		if (ts != NULL)
			ts->t->late++;
		return;
	}
	if (ts == NULL || sl->result >= ts->t->n)
		return;
	tx = sl->tx_cap_ns ? sl->tx_cap_ns
	     : sl->tx_wall_ns ? sl->tx_wall_ns
			      : ts->t->r[sl->result].tx_ns;
	if (res == NKT_MATCH_DUP) {
		struct nkt_hop_reply orig = ts->t->r[sl->result];
		s->st.dups++;
		ts->t->dups++;
		rec = nkt_trace_add(ts->t);
		*rec = orig;
		rec->flags = (uint16_t)(orig.flags | NKT_PF_DUP);
		rec->rtt_ns = cap_ns > tx ? cap_ns - tx : 0;
		return;
	}

	/* A first answer. */
	s->st.matched++;
	rec = &ts->t->r[sl->result];
	nkt_trace_fill_reply(rec, r);
	rec->flags = (uint16_t)((rec->flags & ~NKT_PF_PENDING) |
				NKT_PF_REPLY);
	if (sl->tx_cap_ns == 0)
		rec->flags |= NKT_PF_RTT_CLOCK;
	if (mo.from_ipid)
		rec->flags |= NKT_PF_ID_IPID;
	rec->tx_ns = tx;
	rec->rtt_ns = cap_ns > tx ? cap_ns - tx : 0;
	nkt_match_set_state(s->match, mo.id, NKT_SLOT_ANSWERED);
	sl->from = r->src;
	ts->t->replies++;
	ts->inflight--;
	if (r->kind == NKT_REPLY_TCP && r->src == ts->t->flow.dst) {
		ts->settle_until_ns = now + NKT_SCHED_TCP_SETTLE_NS;
		if (ts->settle_ttl == 0 || sl->ttl < ts->settle_ttl)
			ts->settle_ttl = sl->ttl;
	}
	if (rec->flags & NKT_PF_E2E) {
		if (r->src == ts->t->flow.dst && r->kind != NKT_REPLY_TTL_EXCEEDED)
			ts->t->e2e_reached++;
		ts->e2e_done++;
		ts->e2e_next_ns = now + s->cfg.e2e_interval_ns;
		advance(s, ts, now);
		return;
	}
	k = sl->ttl;
	ts->resolved[k]++;
	ts->hflags[k] |= HF_REPLY;
	if (r->src == ts->t->flow.dst &&
	    (r->kind == NKT_REPLY_ECHO_REPLY || r->kind == NKT_REPLY_TCP ||
	     (r->kind == NKT_REPLY_UNREACH && r->icmp_code == 3)))
		ts->hflags[k] |= HF_DEST;
	else if (r->kind == NKT_REPLY_UNREACH)
		ts->hflags[k] |= HF_UNREACH;
	else if (r->kind == NKT_REPLY_OTHER_ICMP)
		ts->hflags[k] |= HF_ICMP;
	if (ts->hflags[k] & (HF_DEST | HF_UNREACH | HF_ICMP)) {
		ts->decisive = 1;
		if (k < ts->stop_ttl) {
			ts->stop_ttl = (uint16_t)k;
			cancel_above(s, ts, k);
		}
	}
	advance(s, ts, now);
}

static void expire(struct nkt_sched *s, struct fifo_ent e, uint64_t now)
{
	struct nkt_slot *sl = &s->match->slot[e.id];
	struct tstate *ts;

	if (sl->gen != e.gen || sl->state != NKT_SLOT_INFLIGHT)
		return;
	nkt_match_set_state(s->match, e.id, NKT_SLOT_EXPIRED);
	s->st.timeouts++;
	ts = owner(s, sl);
	if (ts == NULL || sl->result >= ts->t->n)
		return;
	ts->t->r[sl->result].flags &= (uint16_t)~NKT_PF_PENDING;
	ts->inflight--;
	if (ts->t->r[sl->result].flags & NKT_PF_E2E) {
		ts->e2e_done++;
		ts->e2e_next_ns = now + s->cfg.e2e_interval_ns;
	} else
		ts->resolved[sl->ttl]++;
	advance(s, ts, now);
}

void nkt_sched_tick(struct nkt_sched *s, uint64_t now)
{
	while (s->fifo_len > 0 && s->fifo[s->fifo_head].deadline_ns <= now) {
		struct fifo_ent e = s->fifo[s->fifo_head];
		s->fifo_head = (s->fifo_head + 1) % s->fifo_cap;
		s->fifo_len--;
		expire(s, e, now);
	}
	if (s->halted) {
		size_t i = 0;
		while (i < s->n_active)
			if (!advance(s, s->active[i], now))
				i++;
	}
}

void nkt_sched_halt(struct nkt_sched *s)
{
	s->halted = 1;
}

void nkt_sched_expire_all(struct nkt_sched *s, uint64_t now)
{
	while (s->fifo_len > 0) {
		struct fifo_ent e = s->fifo[s->fifo_head];
		s->fifo_head = (s->fifo_head + 1) % s->fifo_cap;
		s->fifo_len--;
		expire(s, e, now);
	}
	nkt_sched_tick(s, now);
}

struct nkt_trace *nkt_sched_pop_done(struct nkt_sched *s)
{
	struct nkt_trace *t;
	if (s->done_len == 0)
		return NULL;
	t = s->done[s->done_head];
	s->done_head = (s->done_head + 1) % s->done_cap;
	s->done_len--;
	return t;
}

int nkt_sched_finished(const struct nkt_sched *s)
{
	return s->n_active == 0 && s->done_len == 0 &&
	       (s->halted || s->next_flow == s->n_flows);
}

int nkt_sched_eta(const struct nkt_sched *s, uint64_t now, uint64_t *eta_ns)
{
	double mean, left = 0, longest = 0, pending;
	uint64_t wall_now = wall(s, now);
	size_t i, slots;

	if (s->finished == 0)
		return 0;
	mean = (double)s->took_ns / (double)s->finished;
	for (i = 0; i < s->n_active; i++) {
		const struct nkt_trace *t = s->active[i]->t;
		double age = t->start_ns && wall_now > t->start_ns
				     ? (double)(wall_now - t->start_ns)
				     : 0;
		double r = mean > age ? mean - age : 0;
		left += r;
		if (r > longest)
			longest = r;
	}
	pending = (double)(s->n_flows - s->next_flow);
	slots = s->cfg.window < s->n_flows ? s->cfg.window : s->n_flows;
	left = (left + pending * mean) / (double)(slots ? slots : 1);
	/* and never less than the probes still to send at the rate (a
	 * discovery of thousands of one-probe traces is rate-bound, not
	 * bound by how long each trace takes) */
	if (s->cfg.pps > 0) {
		double per_trace = (double)s->took_probes / (double)s->finished;
		double probes = pending * per_trace;
		for (i = 0; i < s->n_active; i++) {
			double sent = (double)s->active[i]->t->n;
			probes += per_trace > sent ? per_trace - sent : 0;
		}
		probes = probes / (double)s->cfg.pps * 1e9;
		if (probes > left)
			left = probes;
	}
	*eta_ns = (uint64_t)(left > longest ? left : longest);
	return 1;
}

size_t nkt_sched_progress(const struct nkt_sched *s, size_t *total)
{
	if (total != NULL)
		*total = s->n_flows;
	return s->finished;
}

const struct nkt_sched_stats *nkt_sched_stats(const struct nkt_sched *s)
{
	return &s->st;
}
