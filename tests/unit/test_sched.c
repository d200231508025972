// SPDX-License-Identifier: ISC
/*
 * test_sched.c: the scheduler on a fake clock against a simulated network.
 * Probes are real bytes (template + patch); the network answers with real
 * reply frames (pkt.h) that go through the decoder, so the whole pure
 * pipeline runs: schedule -> encode -> reply -> decode -> match -> trace.
 */
#include "nkt_test.h"
#include "nktrace/sched.h"
#include "nktrace/wire.h"
#include "pkt.h"

#include <errno.h>

#define VP 0xc000020au
#define WALL0 (1700000000ULL * NKT_NS_PER_S)
#define MS NKT_NS_PER_MS

/* A path: routers at TTL 1..n (0 = silent), the destination at n+1. */
struct net {
	uint32_t hop[40];
	int n;
	int dest_silent;     /* the destination never answers */
	int unreach_at;      /* a router there sends host unreachable */
	uint64_t hop_rtt;    /* RTT added per hop */
	int send_err;        /* errno for the first send, 0 none */
	int send_err_count;  /* how many sends fail */
	int dup_at;          /* a second copy of replies from this TTL */
	int late_at;         /* replies from this TTL come after the wait */
	int drop_attempt2;   /* TTL whose attempt 2 gets no reply */
	uint64_t rst_late;   /* > 0: the TCP destination holds a half-open
				connection from a SYN's arrival until the
				prober's RST arrives, this long after one RTT
				(the path reorders it behind the next SYN),
				and gives other SYNs of the 4-tuple nothing
				meanwhile (Linux: an ACK, rate-limited) */
	/* other paths: a probe to alt_dst[i] meets alt_hop[i] (alt_n[i]
	 * routers, then its destination) */
	uint32_t alt_dst[4];
	uint32_t alt_hop[4][40];
	int alt_n[4];
};

struct pending {
	uint64_t at;
	struct nkt_reply r;
};

struct sim {
	struct net *net;
	struct nkt_key key;
	struct pending q[8192];
	size_t nq;
	uint64_t send_times[4096];
	uint8_t send_ttls[4096];
	size_t nsend;
	struct nkt_trace *done[64];
	size_t ndone;
	uint64_t half_open_until; /* net.rst_late: the destination's */
	/* The predicted end (now + nkt_sched_eta) at each finished trace. */
	uint64_t eta_end[64];
	size_t neta;
	uint32_t max_active_seen;
};

static void queue_reply(struct sim *s, uint64_t at, const uint8_t *ip,
			size_t len)
{
	struct pending *p = &s->q[s->nq];
	if (s->nq >= NKT_ARRAY_LEN(s->q))
		return;
	if (nkt_reply_decode_ip(ip, len, 0, &p->r) != NKT_OK)
		return;
	p->at = at;
	s->nq++;
}

static void network(struct sim *s, const struct nkt_probe_req *req,
		    uint64_t now)
{
	struct net *n = s->net;
	uint8_t p[NKT_PROBE_MAX_SIZE], q[400];
	int ttl = req->ttl;
	uint64_t at = now + (uint64_t)ttl * n->hop_rtt;
	size_t len = 0;
	uint8_t attempt = 0;
	const uint32_t *hop = n->hop;
	int nh = n->n;

	for (size_t i = 0; i < NKT_ARRAY_LEN(n->alt_dst); i++)
		if (n->alt_dst[i] != 0 && n->alt_dst[i] == req->flow.dst) {
			hop = n->alt_hop[i];
			nh = n->alt_n[i];
		}

	nkt_wire_template(&req->flow, p, sizeof(p), NULL);
	nkt_probe_patch(p, &req->flow, &s->key, req->ttl, req->id);
	for (size_t i = 0; i < s->nsend; i++)
		if (s->send_ttls[i] == ttl)
			attempt++;
	if (ttl == n->drop_attempt2 && attempt == 2)
		return;
	if (ttl <= nh) {
		if (hop[ttl - 1] == 0)
			return;
		p[8] = 1;
		len = pkt_icmp_error(q, hop[ttl - 1], VP,
				     ttl == n->unreach_at ? 3 : 11,
				     ttl == n->unreach_at ? 1 : 0, p, 28, NULL,
				     0, 0, (uint8_t)(64 - ttl));
	} else {
		uint64_t arrive = now + (uint64_t)(nh + 1) * n->hop_rtt / 2;
		if (n->dest_silent)
			return;
		if (n->rst_late && req->flow.method == NKT_METHOD_TCP) {
			if (arrive < s->half_open_until)
				return;
			s->half_open_until = arrive + (uint64_t)(nh + 1) *
							      n->hop_rtt +
					     n->rst_late;
		}
		p[8] = (uint8_t)(ttl - nh);
		switch (req->flow.method) {
		case NKT_METHOD_ICMP:
			len = pkt_echo_reply(q, p, req->flow.size, 50);
			break;
		case NKT_METHOD_UDP:
			len = pkt_icmp_error(q, req->flow.dst, VP, 3, 3, p, 28,
					     NULL, 0, 0, 50);
			break;
		case NKT_METHOD_TCP:
			len = pkt_tcp_answer(q, p, 0x12, 50);
			break;
		}
	}
	if (ttl == n->late_at)
		at += 10 * NKT_NS_PER_S;
	queue_reply(s, at, q, len);
	if (ttl == n->dup_at)
		queue_reply(s, at + MS, q, len);
}

/* Run to the end (or halt at `halt_at`); returns the fake time taken. */
static uint64_t run(struct sim *s, struct nkt_sched *sch, uint64_t halt_at)
{
	uint64_t now = 0;
	int guard = 0;

	while (!nkt_sched_finished(sch) && guard++ < 1000000) {
		struct nkt_probe_req req;
		uint64_t wake = UINT64_MAX, next;
		size_t i;
		struct nkt_trace *t;

		for (i = 0; i < s->nq;) {
			if (s->q[i].at <= now) {
				nkt_sched_reply(sch, &s->q[i].r,
						WALL0 + s->q[i].at, now);
				s->q[i] = s->q[--s->nq];
			} else
				i++;
		}
		if (halt_at && now >= halt_at) {
			nkt_sched_halt(sch);
			halt_at = 0;
		}
		nkt_sched_tick(sch, now);
		while (nkt_sched_next(sch, now, &req, &wake)) {
			int err = 0;
			if (s->net->send_err && s->net->send_err_count > 0) {
				err = s->net->send_err;
				s->net->send_err_count--;
			}
			nkt_sched_sent(sch, req.id, req.gen, WALL0 + now, err,
				       now);
			if (err)
				continue;
			if (s->nsend < NKT_ARRAY_LEN(s->send_times)) {
				s->send_times[s->nsend] = now;
				s->send_ttls[s->nsend++] = req.ttl;
			}
			network(s, &req, now);
		}
		while ((t = nkt_sched_pop_done(sch)) != NULL) {
			uint64_t eta;
			if (s->ndone < NKT_ARRAY_LEN(s->done))
				s->done[s->ndone++] = t;
			else
				nkt_trace_free(t);
			if (s->neta < NKT_ARRAY_LEN(s->eta_end) &&
			    nkt_sched_eta(sch, now, &eta))
				s->eta_end[s->neta++] = now + eta;
		}
		next = wake;
		for (i = 0; i < s->nq; i++)
			if (s->q[i].at < next)
				next = s->q[i].at;
		if (halt_at && halt_at < next)
			next = halt_at;
		if (next == UINT64_MAX)
			break;
		now = next > now ? next : now + 1;
	}
	return now;
}

static struct nkt_sched_cfg base_cfg(void)
{
	struct nkt_sched_cfg c;
	memset(&c, 0, sizeof(c));
	c.wait_ns = 1 * NKT_NS_PER_S;
	c.wall_offset_ns = WALL0;
	c.pps = 1000;
	c.hop_pps = 0;
	c.window = 8;
	c.ttl_window = 4;
	c.attempts = 3;
	c.first_ttl = 1;
	c.max_ttl = 30;
	c.gaplimit = 5;
	c.loops = 1;
	c.key = nkt_key_from_seed(99);
	return c;
}

static struct nkt_flow flow_to(enum nkt_method m, uint32_t dst)
{
	struct nkt_flow f;
	nkt_flow_init(&f, m, VP, dst, 0, 0, 1, m == NKT_METHOD_TCP ? 40 : 60, 0,
		      NULL);
	return f;
}

static void setup(struct sim *s, struct net *n, struct nkt_sched_cfg *c)
{
	memset(s, 0, sizeof(*s));
	s->net = n;
	s->key = c->key;
}

static void free_done(struct sim *s)
{
	for (size_t i = 0; i < s->ndone; i++)
		nkt_trace_free(s->done[i]);
	s->ndone = 0;
}

static void path(struct net *n, int hops)
{
	memset(n, 0, sizeof(*n));
	n->n = hops;
	n->hop_rtt = 10 * MS;
	for (int i = 0; i < hops; i++)
		n->hop[i] = 0x0a000001u + (uint32_t)i;
}

/* The path reaches the destination: COMPLETED, every attempt answered, RTT
 * exact on the fake clock, for every method. */
static void test_completed(void)
{
	for (enum nkt_method m = NKT_METHOD_ICMP; m <= NKT_METHOD_TCP; m++) {
		struct nkt_sched_cfg c = base_cfg();
		struct nkt_flow f = flow_to(m, 0xaf2db047u);
		struct sim s;
		struct net n;
		struct nkt_sched *sch;
		const struct nkt_trace *t;

		path(&n, 5);
		setup(&s, &n, &c);
		sch = nkt_sched_new(&c, &f, NULL, 1, NULL);
		run(&s, sch, 0);
		CHECK_INT(s.ndone, 1);
		t = s.done[0];
		CHECK_INT(t->stop_reason, NKT_STOP_COMPLETED);
		CHECK_INT(t->stop_hop, 6);
		CHECK_INT(t->n, 18);
		CHECK_INT(t->replies, 18);
		CHECK(nkt_trace_reached(t));
		for (size_t i = 0; i < t->n; i++) {
			CHECK_INT(t->r[i].ttl, i / 3 + 1);
			CHECK_INT(t->r[i].attempt, i % 3 + 1);
			CHECK_U64(t->r[i].rtt_ns, (uint64_t)t->r[i].ttl * 10 * MS);
			CHECK(t->r[i].flags & NKT_PF_RTT_CLOCK);
		}
		CHECK_U64(t->r[0].from, 0x0a000001u);
		CHECK_U64(t->r[17].from, 0xaf2db047u);
		CHECK(t->start_ns >= WALL0);
		CHECK(t->end_ns >= t->start_ns);
		CHECK_INT(nkt_sched_stats(sch)->matched, 18);
		free_done(&s);
		nkt_sched_free(sch);
	}
}

/* Silent hops: timeouts; gap limit; hop limit; unreachable; loop. */
static void test_stops(void)
{
	struct nkt_sched_cfg c = base_cfg();
	struct nkt_flow f = flow_to(NKT_METHOD_UDP, 0xaf2db10au);
	struct sim s;
	struct net n;
	struct nkt_sched *sch;

	/* Two silent NK core routers, then a silent destination: the gap
	 * limit ends the trace 5 silent hops after the last reply. */
	path(&n, 11);
	n.hop[9] = n.hop[10] = 0;
	n.dest_silent = 1;
	setup(&s, &n, &c);
	sch = nkt_sched_new(&c, &f, NULL, 1, NULL);
	run(&s, sch, 0);
	CHECK_INT(s.done[0]->stop_reason, NKT_STOP_GAPLIMIT);
	CHECK_INT(s.done[0]->stop_hop, 14);
	CHECK_INT(s.done[0]->n, 14 * 3);
	CHECK(!(s.done[0]->r[9 * 3].flags & NKT_PF_REPLY));
	CHECK(!nkt_trace_reached(s.done[0]));
	free_done(&s);
	nkt_sched_free(sch);

	/* Hop limit. */
	c.max_ttl = 4;
	path(&n, 10);
	setup(&s, &n, &c);
	sch = nkt_sched_new(&c, &f, NULL, 1, NULL);
	run(&s, sch, 0);
	CHECK_INT(s.done[0]->stop_reason, NKT_STOP_HOPLIMIT);
	CHECK_INT(s.done[0]->stop_hop, 4);
	free_done(&s);
	nkt_sched_free(sch);
	c.max_ttl = 30;

	/* Host unreachable from a router. */
	path(&n, 10);
	n.unreach_at = 4;
	setup(&s, &n, &c);
	sch = nkt_sched_new(&c, &f, NULL, 1, NULL);
	run(&s, sch, 0);
	CHECK_INT(s.done[0]->stop_reason, NKT_STOP_UNREACH);
	CHECK_INT(s.done[0]->stop_hop, 4);
	CHECK_INT(nkt_trace_last_hop(s.done[0]), 4);
	free_done(&s);
	nkt_sched_free(sch);

	/* A loop: A B C B C ... */
	path(&n, 12);
	for (int i = 3; i < 12; i++)
		n.hop[i] = n.hop[1 + (i - 1) % 2];
	setup(&s, &n, &c);
	sch = nkt_sched_new(&c, &f, NULL, 1, NULL);
	run(&s, sch, 0);
	CHECK_INT(s.done[0]->stop_reason, NKT_STOP_LOOP);
	CHECK_INT(s.done[0]->stop_hop, 4);
	free_done(&s);
	nkt_sched_free(sch);
	/* --loops 0: loops never stop it. */
	c.loops = 0;
	setup(&s, &n, &c);
	sch = nkt_sched_new(&c, &f, NULL, 1, NULL);
	run(&s, sch, 0);
	CHECK_INT(s.done[0]->stop_reason, NKT_STOP_COMPLETED);
	free_done(&s);
	nkt_sched_free(sch);
}

/* A failed send stops the trace (ERROR); a full kernel queue is retried. */
static void test_send_errors(void)
{
	struct nkt_sched_cfg c = base_cfg();
	struct nkt_flow f = flow_to(NKT_METHOD_TCP, 0xaf2db047u);
	struct sim s;
	struct net n;
	struct nkt_sched *sch;

	path(&n, 3);
	n.send_err = EHOSTUNREACH;
	n.send_err_count = 1;
	setup(&s, &n, &c);
	sch = nkt_sched_new(&c, &f, NULL, 1, NULL);
	run(&s, sch, 0);
	CHECK_INT(s.done[0]->stop_reason, NKT_STOP_ERROR);
	CHECK_INT(s.done[0]->stop_errno, EHOSTUNREACH);
	CHECK_INT(nkt_sched_stats(sch)->send_errors, 1);
	free_done(&s);
	nkt_sched_free(sch);

	path(&n, 3);
	n.send_err = ENOBUFS;
	n.send_err_count = 5;
	setup(&s, &n, &c);
	sch = nkt_sched_new(&c, &f, NULL, 1, NULL);
	run(&s, sch, 0);
	CHECK_INT(s.done[0]->stop_reason, NKT_STOP_COMPLETED);
	CHECK_INT(s.done[0]->n, 12);
	CHECK_INT(s.done[0]->replies, 12);
	CHECK_INT(nkt_sched_stats(sch)->unsent, 5);
	free_done(&s);
	nkt_sched_free(sch);
}

/* Duplicates are recorded after the attempt; late replies are counted, not
 * recorded; a missing attempt is a timeout between two answers. */
static void test_dup_late(void)
{
	struct nkt_sched_cfg c = base_cfg();
	struct nkt_flow f = flow_to(NKT_METHOD_ICMP, 0xaf2db047u);
	struct sim s;
	struct net n;
	struct nkt_sched *sch;
	const struct nkt_trace *t;

	path(&n, 5);
	n.dup_at = 2;
	n.late_at = 3;
	n.drop_attempt2 = 4;
	setup(&s, &n, &c);
	sch = nkt_sched_new(&c, &f, NULL, 1, NULL);
	run(&s, sch, 0);
	t = s.done[0];
	CHECK_INT(t->stop_reason, NKT_STOP_COMPLETED);
	CHECK_INT(t->dups, 3);
	CHECK_INT(t->n, 18 + 3);
	CHECK(t->r[3].flags & NKT_PF_REPLY);
	CHECK(!(t->r[3].flags & NKT_PF_DUP));
	CHECK(t->r[6].flags & NKT_PF_DUP);
	CHECK_U64(t->r[6].rtt_ns, 20 * MS + MS);
	CHECK(!(t->r[9].flags & NKT_PF_REPLY)); /* hop 3 timed out */
	CHECK(!(t->r[13].flags & NKT_PF_REPLY)); /* hop 4, attempt 2 */
	CHECK(t->r[12].flags & NKT_PF_REPLY);
	CHECK(t->r[14].flags & NKT_PF_REPLY);
	free_done(&s);
	nkt_sched_free(sch);
}

/* Pacing: the global rate spaces probes; the per-TTL rate spaces probes
 * with the same TTL across targets; the window bounds traces in progress;
 * probes beyond the destination are cancelled. */
static void test_pacing(void)
{
	struct nkt_sched_cfg c = base_cfg();
	struct nkt_flow f[6];
	struct sim s;
	struct net n;
	struct nkt_sched *sch;
	size_t i, j;
	int bad = 0;

	for (i = 0; i < 6; i++)
		f[i] = flow_to(NKT_METHOD_TCP, 0xaf2db000u + (uint32_t)i);
	c.pps = 100; /* depth 2: after the first two, 10 ms apart */
	path(&n, 4);
	setup(&s, &n, &c);
	sch = nkt_sched_new(&c, f, NULL, 1, NULL);
	run(&s, sch, 0);
	/* A token bucket of depth 2 at 100/s: any interval T holds at most
	 * 2 + 100 T probes. */
	for (i = 0; i < s.nsend; i++)
		for (j = i; j < s.nsend; j++)
			if ((double)(j - i + 1) >
			    2.0 + (double)(s.send_times[j] - s.send_times[i]) *
					  100.0 / 1e9 + 1e-9)
				bad++;
	CHECK_INT(bad, 0);
	CHECK(s.nsend >= 15);
	free_done(&s);
	nkt_sched_free(sch);

	/* Per-TTL: 2 probes/s for each TTL, shared by 6 targets. */
	c.pps = 100000;
	c.hop_pps = 2;
	c.attempts = 1;
	c.window = 6;
	path(&n, 2);
	setup(&s, &n, &c);
	sch = nkt_sched_new(&c, f, NULL, 6, NULL);
	run(&s, sch, 0);
	CHECK_INT(s.ndone, 6);
	bad = 0;
	/* Count per TTL and second: never more than depth + rate. */
	for (unsigned ttl = 1; ttl <= 3; ttl++) {
		for (uint64_t sec = 0; sec < 10; sec++) {
			unsigned cnt = 0;
			for (i = 0; i < s.nsend; i++)
				if (s.send_ttls[i] == ttl &&
				    s.send_times[i] / NKT_NS_PER_S == sec)
					cnt++;
			if (cnt > 3)
				bad++;
		}
	}
	CHECK_INT(bad, 0);
	free_done(&s);
	nkt_sched_free(sch);

	/* Window: never more than 2 traces in progress. */
	c = base_cfg();
	c.window = 2;
	path(&n, 3);
	setup(&s, &n, &c);
	sch = nkt_sched_new(&c, f, NULL, 6, NULL);
	{
		uint64_t now = 0;
		struct nkt_probe_req req;
		uint64_t wake;
		size_t dsts = 0;
		uint32_t seen[16];
		while (nkt_sched_next(sch, now, &req, &wake)) {
			for (j = 0; j < dsts && seen[j] != req.flow.dst; j++)
				;
			if (j == dsts && dsts < 16)
				seen[dsts++] = req.flow.dst;
			nkt_sched_sent(sch, req.id, req.gen, WALL0, 0, now);
		}
		CHECK_INT(dsts, 2);
	}
	nkt_sched_free(sch);
	run(&s, sch = nkt_sched_new(&c, f, NULL, 6, NULL), 0);
	CHECK_INT(s.ndone, 6);
	for (i = 0; i < 6; i++)
		CHECK_INT(s.done[i]->stop_reason, NKT_STOP_COMPLETED);
	free_done(&s);
	nkt_sched_free(sch);

	/* ttl_window 8 on a 3-hop path: TTLs 5.. are opened before the
	 * destination answers at 4, and cancelled. */
	c = base_cfg();
	c.ttl_window = 8;
	path(&n, 3);
	setup(&s, &n, &c);
	sch = nkt_sched_new(&c, f, NULL, 1, NULL);
	run(&s, sch, 0);
	CHECK_INT(s.done[0]->stop_hop, 4);
	CHECK_INT(s.done[0]->n, 12);
	CHECK(nkt_sched_stats(sch)->cancelled > 0);
	free_done(&s);
	nkt_sched_free(sch);
}

/* TCP attempts of one TTL never overlap in flight. */
static void test_tcp_sequential(void)
{
	struct nkt_sched_cfg c = base_cfg();
	struct nkt_flow f = flow_to(NKT_METHOD_TCP, 0xaf2db047u);
	struct sim s;
	struct net n;
	struct nkt_sched *sch;
	int bad = 0;

	path(&n, 4);
	setup(&s, &n, &c);
	sch = nkt_sched_new(&c, &f, NULL, 1, NULL);
	run(&s, sch, 0);
	CHECK_INT(s.done[0]->stop_reason, NKT_STOP_COMPLETED);
	CHECK_INT(s.done[0]->replies, 15);
	/* With 10 ms per hop, the attempts of TTL k are k*10 ms apart. */
	for (size_t i = 0; i < s.nsend; i++)
		for (size_t j = i + 1; j < s.nsend; j++)
			if (s.send_ttls[i] == s.send_ttls[j] &&
			    s.send_times[j] - s.send_times[i] <
				    (uint64_t)s.send_ttls[i] * 10 * MS)
				bad++;
	CHECK_INT(bad, 0);
	free_done(&s);
	nkt_sched_free(sch);
}

/* TCP: after the destination's SYN-ACK, the next SYN that may reach it
 * waits NKT_SCHED_TCP_SETTLE_NS, so an RST reordered behind it by less than
 * that has closed the half-open connection first: every attempt at the
 * destination's TTL is answered, end-to-end probes too.  (With the wait
 * set to 0, end-to-end probes 2 and 3 find the host in SYN_RECV and this
 * test fails.) */
static void test_tcp_settle(void)
{
	struct nkt_sched_cfg c = base_cfg();
	struct nkt_flow f = flow_to(NKT_METHOD_TCP, 0xaf2db047u);
	struct sim *s = nkt_xcalloc(1, sizeof(*s));
	struct net n;
	struct nkt_sched *sch;

	c.e2e_probes = 3;
	c.e2e_interval_ns = 1 * MS;
	path(&n, 4);
	n.rst_late = 10 * MS; /* under NKT_SCHED_TCP_SETTLE_NS */
	setup(s, &n, &c);
	sch = nkt_sched_new(&c, &f, NULL, 1, NULL);
	run(s, sch, 0);
	CHECK_INT(s->ndone, 1);
	CHECK_INT(s->done[0]->stop_reason, NKT_STOP_COMPLETED);
	CHECK_INT(s->done[0]->stop_hop, 5);
	CHECK_INT(s->done[0]->replies, 15 + 3);
	CHECK_INT(s->done[0]->e2e_reached, 3);
	free_done(s);
	nkt_sched_free(sch);
	free(s);
}

/* End-to-end probes follow a COMPLETED trace, one at a time; and silent
 * (rate-limited) routers do not end a trace whose destination answered. */
static void test_e2e_and_gap(void)
{
	struct nkt_sched_cfg c = base_cfg();
	struct nkt_flow f = flow_to(NKT_METHOD_TCP, 0xaf2db047u);
	struct sim s;
	struct net n;
	struct nkt_sched *sch;
	const struct nkt_trace *t;
	size_t i, e2e = 0;
	uint64_t last = 0;
	int bad = 0;

	c.e2e_probes = 4;
	c.e2e_interval_ns = 100 * MS;
	path(&n, 5);
	setup(&s, &n, &c);
	sch = nkt_sched_new(&c, &f, NULL, 1, NULL);
	run(&s, sch, 0);
	t = s.done[0];
	CHECK_INT(t->stop_reason, NKT_STOP_COMPLETED);
	CHECK_INT(t->stop_hop, 6);
	CHECK_INT(t->e2e_ttl, 6);
	CHECK_INT(t->e2e_sent, 4);
	CHECK_INT(t->e2e_reached, 4);
	for (i = 0; i < t->n; i++)
		if (t->r[i].flags & NKT_PF_E2E) {
			e2e++;
			CHECK_U64(t->r[i].rtt_ns, 60 * MS);
			CHECK_INT(t->r[i].ttl, 6);
			/* answered at tx + 60 ms, next sent 100 ms later */
			if (last && t->r[i].tx_ns < last + 160 * MS)
				bad++;
			last = t->r[i].tx_ns;
		} else if (e2e)
			bad++; /* end-to-end records come last */
	CHECK_INT(e2e, 4);
	CHECK_INT(bad, 0);
	CHECK_INT(t->n, 18 + 4);
	free_done(&s);
	nkt_sched_free(sch);

	/* Eight silent routers, the destination at 9: COMPLETED, not
	 * GAPLIMIT, when the TTL window reaches the destination. */
	c = base_cfg();
	c.ttl_window = 16;
	c.attempts = 1;
	path(&n, 8);
	for (i = 0; i < 8; i++)
		n.hop[i] = 0;
	setup(&s, &n, &c);
	sch = nkt_sched_new(&c, &f, NULL, 1, NULL);
	run(&s, sch, 0);
	CHECK_INT(s.done[0]->stop_reason, NKT_STOP_COMPLETED);
	CHECK_INT(s.done[0]->stop_hop, 9);
	free_done(&s);
	nkt_sched_free(sch);
	/* ... but with a window too small to see it, the gap limit holds. */
	c.ttl_window = 4;
	setup(&s, &n, &c);
	sch = nkt_sched_new(&c, &f, NULL, 1, NULL);
	run(&s, sch, 0);
	CHECK_INT(s.done[0]->stop_reason, NKT_STOP_GAPLIMIT);
	CHECK_INT(s.done[0]->stop_hop, 5);
	free_done(&s);
	nkt_sched_free(sch);
}

/* A halt stops sending; traces in progress finish as HALTED when their
 * probes are resolved; traces not started are not reported. */
static void test_halt(void)
{
	struct nkt_sched_cfg c = base_cfg();
	struct nkt_flow f[4];
	struct sim s;
	struct net n;
	struct nkt_sched *sch;
	size_t i, before;

	for (i = 0; i < 4; i++)
		f[i] = flow_to(NKT_METHOD_ICMP, 0xaf2db000u + (uint32_t)i);
	c.window = 2;
	path(&n, 20);
	setup(&s, &n, &c);
	sch = nkt_sched_new(&c, f, NULL, 4, NULL);
	run(&s, sch, 50 * MS);
	before = s.nsend;
	CHECK_INT(s.ndone, 2);
	for (i = 0; i < s.ndone; i++) {
		CHECK_INT(s.done[i]->stop_reason, NKT_STOP_HALTED);
		CHECK(s.done[i]->stop_hop >= 1);
	}
	CHECK(before > 0);
	free_done(&s);
	nkt_sched_free(sch);

	/* expire_all resolves everything at once. */
	setup(&s, &n, &c);
	sch = nkt_sched_new(&c, f, NULL, 2, NULL);
	{
		struct nkt_probe_req req;
		uint64_t wake;
		struct nkt_trace *t;
		while (nkt_sched_next(sch, 0, &req, &wake))
			nkt_sched_sent(sch, req.id, req.gen, WALL0, 0, 0);
		nkt_sched_halt(sch);
		nkt_sched_expire_all(sch, 1);
		while ((t = nkt_sched_pop_done(sch)) != NULL) {
			CHECK_INT(t->stop_reason, NKT_STOP_HALTED);
			nkt_trace_free(t);
		}
		CHECK(nkt_sched_finished(sch));
	}
	nkt_sched_free(sch);
}

/* Configuration errors. */
/* The ETA: 12 equal traces, 3 at a time.  From the first finished trace
 * on, now + ETA is within 15% of the real end (the pace so far, elapsed x
 * left / done, says 11 times the first trace's duration at that point,
 * almost three times too long); unknown before any has finished. */
static void test_eta(void)
{
	struct nkt_sched_cfg c = base_cfg();
	struct nkt_flow f[12];
	/* On the heap: a struct sim is over 1 MB, and clang inlines the
	 * tests into main, each with its own. */
	struct sim *sp = nkt_xcalloc(1, sizeof(*sp));
	struct net n;
	struct nkt_sched *sch;
	uint64_t end, eta, first;
	size_t i;

	for (i = 0; i < 12; i++)
		f[i] = flow_to(NKT_METHOD_ICMP, 0xaf2db047u + (uint32_t)i);
	c.window = 3;
	path(&n, 5);
	setup(sp, &n, &c);
	sch = nkt_sched_new(&c, f, NULL, 12, NULL);
	CHECK_INT(nkt_sched_eta(sch, 0, &eta), 0);
	end = run(sp, sch, 0);
	CHECK_INT(sp->ndone, 12);
	CHECK_INT(sp->neta, 12); /* the last: 0 left */
	first = sp->done[0]->end_ns - WALL0;
	for (i = 0; i < sp->neta; i++) {
		double err = (double)sp->eta_end[i] - (double)end;
		if (err < 0)
			err = -err;
		CHECK(err <= 0.15 * (double)end);
	}
	/* The old estimate at the first finished trace, for the record. */
	CHECK((double)first * 11 > 2.5 * (double)end);
	free_done(sp);
	nkt_sched_free(sch);
	free(sp);
}

/* Many short traces at a low rate (a discovery): the time left is bound
 * by the probes still to send at the rate, not by how long each trace
 * takes ("ETA 0s" for a minute before). */
static void test_eta_rate(void)
{
	struct nkt_sched_cfg c = base_cfg();
	struct nkt_flow *f = nkt_xcalloc(600, sizeof(*f));
	struct sim *sp = nkt_xcalloc(1, sizeof(*sp));
	struct net n;
	struct nkt_sched *sch;
	uint64_t end;
	size_t i, checked = 0;

	/* one probe a trace, answered at once (a discovery's probe to each
	 * address), 200 in flight, 100 probes a second: about 6 s */
	for (i = 0; i < 600; i++)
		f[i] = flow_to(NKT_METHOD_ICMP, 0xaf2db047u + (uint32_t)i);
	c.window = 200;
	c.pps = 100;
	c.attempts = 1;
	c.first_ttl = c.max_ttl = 5;
	path(&n, 2);
	setup(sp, &n, &c);
	sch = nkt_sched_new(&c, f, NULL, 600, NULL);
	end = run(sp, sch, 0);
	CHECK_INT(sp->ndone, NKT_ARRAY_LEN(sp->done) < 600
				     ? NKT_ARRAY_LEN(sp->done)
				     : 600);
	CHECK(end > 5 * NKT_NS_PER_S);
	/* every estimate after the first few within a quarter of the end
	 * still to come (they were near 0 before) */
	for (i = 5; i < sp->neta; i++) {
		double err = (double)sp->eta_end[i] - (double)end;
		if (err < 0)
			err = -err;
		CHECK(err <= 0.25 * (double)end);
		checked++;
	}
	CHECK(checked > 30);
	free_done(sp);
	nkt_sched_free(sch);
	free(sp);
	free(f);
}

/*
 * Doubletree: the first `learn` traces run whole (6 TTLs: h = 5), and
 * finish before the others start; those start at 5 and go backward to the
 * first router the run met.  A path through another router at TTL 4 goes
 * back one TTL further and finds it; a shorter path (its destination at
 * TTL 4) is met going backward and ends there.  The end-to-end probes
 * follow at the destination's TTL.
 */
static void test_doubletree(uint32_t learn)
{
	struct nkt_sched_cfg c = base_cfg();
	uint32_t dst[4] = {0xaf2db001u, 0xaf2db002u, 0xaf2db003u, 0xaf2db004u};
	struct nkt_flow f[4];
	static struct sim s; /* ~1 MB: off the stack (clang's ASan frames) */
	struct net n;
	struct nkt_sched *sch;
	static const struct {
		uint8_t first_ttl, stop_hop;
		uint32_t sent; /* hop probes */
	} want[4] = {{1, 6, 6}, {4, 6, 3}, {3, 6, 4}, {3, 4, 3}};
	uint32_t hop_probes = 0;
	uint64_t learned_ns = 0;

	c.doubletree = 1;
	c.dt_learn = learn;
	c.attempts = 1;
	c.ttl_window = 1; /* no probe past the destination: counts exact */
	c.e2e_probes = 2;
	c.e2e_interval_ns = 10 * MS;
	for (int i = 0; i < 4; i++)
		f[i] = flow_to(NKT_METHOD_ICMP, dst[i]);
	path(&n, 5);
	n.alt_dst[0] = dst[2];
	n.alt_n[0] = 5;
	memcpy(n.alt_hop[0], n.hop, sizeof(n.hop));
	n.alt_hop[0][3] = 0x0a090004u; /* another router at TTL 4 */
	n.alt_dst[1] = dst[3];
	n.alt_n[1] = 3;
	memcpy(n.alt_hop[1], n.hop, sizeof(n.hop));
	setup(&s, &n, &c);
	sch = nkt_sched_new(&c, f, NULL, 4, NULL);
	run(&s, sch, 0);
	CHECK_INT(s.ndone, 4);
	for (size_t i = 0; i < s.ndone; i++) {
		const struct nkt_trace *t = s.done[i];
		uint32_t k = t->index, e2e = 0, hops = 0;
		int found_x = 0;
		if (k >= 4)
			continue;
		for (size_t j = 0; j < t->n; j++) {
			if (t->r[j].flags & NKT_PF_E2E) {
				e2e++;
				continue;
			}
			hops++;
			CHECK(t->r[j].ttl >= t->first_ttl);
			found_x |= t->r[j].from == 0x0a090004u;
		}
		CHECK_INT(t->stop_reason, NKT_STOP_COMPLETED);
		CHECK_INT(t->stop_hop, want[k].stop_hop);
		if (k < learn) { /* traced whole */
			CHECK_INT(t->first_ttl, 1);
			CHECK_INT(t->sent - t->e2e_sent, want[k].stop_hop);
			hop_probes += t->sent - t->e2e_sent;
			if (t->end_ns > learned_ns)
				learned_ns = t->end_ns;
			continue;
		}
		CHECK_INT(t->first_ttl, want[k].first_ttl);
		/* probes sent (D4's at TTL 5 is not kept: its trace ends at
		 * 4, as it would have going forward) */
		CHECK_INT(t->sent - t->e2e_sent, want[k].sent);
		CHECK(hops <= want[k].sent);
		CHECK_INT(e2e, 2);
		CHECK_INT(t->e2e_ttl, want[k].stop_hop);
		CHECK_INT(t->e2e_reached, 2);
		CHECK_INT(found_x, k == 2);
		hop_probes += t->sent - t->e2e_sent;
	}
	/* the whole traces finished before the others began */
	for (size_t i = 0; i < s.ndone; i++)
		if (s.done[i]->index >= learn)
			CHECK(s.done[i]->start_ns >= learned_ns);
	/* independent traces: 6 + 6 + 6 + 4 */
	CHECK_INT(hop_probes, learn <= 1 ? 16 : 19);
	free_done(&s);
	nkt_sched_free(sch);
}

static void test_config(void)
{
	struct nkt_sched_cfg c = base_cfg();
	struct nkt_flow f = flow_to(NKT_METHOD_ICMP, 1);
	struct nkt_err err;
	c.pps = 0;
	CHECK(nkt_sched_new(&c, &f, NULL, 1, &err) == NULL);
	c = base_cfg();
	c.first_ttl = 9;
	c.max_ttl = 8;
	CHECK(nkt_sched_new(&c, &f, NULL, 1, &err) == NULL);
	c = base_cfg();
	c.attempts = 17;
	CHECK(nkt_sched_new(&c, &f, NULL, 1, &err) == NULL);
	/* No flows: finished at once. */
	c = base_cfg();
	{
		struct nkt_sched *sch = nkt_sched_new(&c, &f, NULL, 0, &err);
		CHECK(sch != NULL && nkt_sched_finished(sch));
		nkt_sched_free(sch);
	}
}

int main(void)
{
	test_completed();
	test_stops();
	test_send_errors();
	test_dup_late();
	test_pacing();
	test_tcp_sequential();
	test_tcp_settle();
	test_e2e_and_gap();
	test_halt();
	test_eta();
	test_eta_rate();
	test_doubletree(1);
	test_doubletree(2);
	test_config();
	return nkt_test_done("test_sched");
}
