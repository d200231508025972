// SPDX-License-Identifier: ISC
/*
 * test_mda.c: the MDA (mda.c).  The stopping rule's probe counts against
 * Veitch et al.'s published table (95%) and an independent computation by
 * inclusion-exclusion (99%); then the algorithm against simulated networks
 * whose truth is known: a TTK-like path with a 3-branch diamond, one branch
 * a hop longer, two silent hops and the target; each run draws a new
 * per-flow hash.  Over many runs: no link that does not exist, every link
 * found in at least the confidence's share of runs, per-flow never called
 * per-packet, and a per-packet balancer called per-packet; an interface
 * met again after the long branch is not probed through twice.
 */
#include "nkt_test.h"
#include "nktrace/mda.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define DST 0xaf2db10au

/* P(some of K interfaces unseen after n probes), inclusion-exclusion. */
static double miss(unsigned K, unsigned n)
{
	long double s = 0, c = 1;
	unsigned i;
	for (i = 1; i <= K; i++) {
		c = c * (K - i + 1) / i;
		s += ((i & 1) ? 1 : -1) * c *
		     powl((long double)(K - i) / K, (long double)n);
	}
	return (double)s;
}

static void test_rule(void)
{
	/* Veitch et al. 2009 (and Paris traceroute's MDA), 95%. */
	static const unsigned t95[] = {6,  11, 16, 21, 27, 33, 38, 44,
				       51, 57, 63, 70, 76, 83, 90, 96};
	unsigned k;
	for (k = 1; k <= 16; k++)
		CHECK_INT(nkt_mda_probes_for(k, 0.95), t95[k - 1]);
	for (k = 1; k <= 16; k++) {
		unsigned n = nkt_mda_probes_for(k, 0.99);
		CHECK(miss(k + 1, n) <= 0.01 + 1e-12);
		CHECK(miss(k + 1, n - 1) > 0.01);
	}
}

/* A simulated path: hops 1-3 one router each; hop 4 splits into 3
 * branches by the flow's hash (branch 2 one hop longer); the chain then
 * runs to hop 9; hops 10-11 are silent; the target answers at 12 (13 on
 * the long branch).  per_packet: hop 4's branch is drawn per probe. */
struct sim {
	uint8_t branch[NKT_MDA_FLOWS + 1];
	int per_packet;
	unsigned rng;
};

static unsigned rnd(struct sim *s)
{
	s->rng = s->rng * 1103515245u + 12345u;
	return (s->rng >> 16) & 0x7fff;
}

static uint32_t answer(struct sim *s, uint16_t flow, uint8_t ttl)
{
	unsigned b = s->per_packet ? rnd(s) % 3 : s->branch[flow];
	unsigned h = ttl;
	if (ttl <= 3)
		return 0x0a000000u + ttl;
	if (ttl == 4)
		return 0x0b000000u + b; /* the branches' interfaces */
	if (b == 2) {
		if (ttl == 5)
			return 0x0c000001u; /* the long branch's second hop */
		h = ttl - 1;
	}
	if (h <= 9)
		return 0x0d000000u + h;
	if (h <= 11)
		return 0; /* silent */
	return DST;
}

/* Is from -> to a link of the simulated network? */
static int real_link(uint32_t from, uint8_t fttl, uint32_t to)
{
	size_t b;
	struct sim s;
	memset(&s, 0, sizeof(s));
	for (b = 0; b < 3; b++) {
		uint16_t f = 1;
		s.branch[f] = (uint8_t)b;
		if (answer(&s, f, fttl) == from &&
		    answer(&s, f, (uint8_t)(fttl + 1)) == to)
			return 1;
	}
	return 0;
}

/* Run one MDA over sim; counts the true links found (of the 5 around the
 * diamond), any false one, and the balance found at hop 3's router. */
static void run_one(struct sim *s, double conf, unsigned *found,
		    unsigned *false_links, int *balance, uint64_t *probes)
{
	struct nkt_mda_cfg c = {DST, conf, 1, 30, 5, 6};
	struct nkt_mda *m = nkt_mda_new(&c);
	uint16_t flows[512];
	uint8_t ttl;
	size_t n, i, nl, nn;
	const struct nkt_mda_link *l;
	const struct nkt_mda_node *nd;
	static const uint32_t want[][2] = {{0x0a000003u, 0x0b000000u},
					   {0x0a000003u, 0x0b000001u},
					   {0x0a000003u, 0x0b000002u},
					   {0x0b000002u, 0x0c000001u},
					   {0x0c000001u, 0x0d000005u}};

	while ((n = nkt_mda_next(m, &ttl, flows, 512)) > 0)
		for (i = 0; i < n; i++)
			nkt_mda_result(m, ttl, flows[i],
				       answer(s, flows[i], ttl),
				       (uint64_t)ttl * 1000000);
	CHECK_INT(nkt_mda_stop(m), NKT_MDA_COMPLETED);
	l = nkt_mda_links(m, &nl);
	nd = nkt_mda_nodes(m, &nn);
	*found = 0;
	*false_links = 0;
	for (i = 0; i < nl; i++) {
		uint32_t a = nd[l[i].from].addr, b = nd[l[i].to].addr;
		size_t w;
		if (a == 0 || b == 0)
			continue;
		if (!real_link(a, nd[l[i].from].ttl, b))
			(*false_links)++;
		for (w = 0; w < 5; w++)
			if (want[w][0] == a && want[w][1] == b)
				(*found)++;
	}
	*balance = NKT_MDA_NONE;
	for (i = 0; i < nn; i++)
		if (nd[i].addr == 0x0a000003u)
			*balance = nd[i].balance;
	*probes = nkt_mda_sent(m);
	nkt_mda_free(m);
}

static void test_sim(void)
{
	const double confs[] = {0.95, 0.99};
	size_t ci;

	for (ci = 0; ci < 2; ci++) {
		unsigned runs = 2000, all = 0, falses = 0, pp = 0, r;
		uint64_t probes = 0;
		for (r = 0; r < runs; r++) {
			struct sim s;
			unsigned f, found, fl;
			int bal;
			uint64_t p;
			memset(&s, 0, sizeof(s));
			s.rng = r * 7919u + 17u + (unsigned)ci * 100003u;
			for (f = 1; f <= NKT_MDA_FLOWS; f++)
				s.branch[f] = (uint8_t)(rnd(&s) % 3);
			run_one(&s, confs[ci], &found, &fl, &bal, &p);
			all += found == 5;
			falses += fl;
			pp += bal == NKT_MDA_PER_PACKET;
			probes += p;
		}
		printf("  %.0f%%: every link found in %u of %u runs (%.2f%%), "
		       "%u false links, %llu probes a run on average\n",
		       confs[ci] * 100, all, runs, 100.0 * all / runs, falses,
		       (unsigned long long)(probes / runs));
		CHECK(all >= confs[ci] * runs);
		CHECK_INT(falses, 0);
		CHECK_INT(pp, 0); /* per flow is never per packet */
	}
}

static void test_per_packet(void)
{
	unsigned r, pp = 0, runs = 500;
	for (r = 0; r < runs; r++) {
		struct sim s;
		unsigned found, fl;
		int bal;
		uint64_t p;
		memset(&s, 0, sizeof(s));
		s.per_packet = 1;
		s.rng = r + 1;
		run_one(&s, 0.95, &found, &fl, &bal, &p);
		pp += bal == NKT_MDA_PER_PACKET;
	}
	printf("  per-packet balancer found per packet in %u of %u runs\n", pp,
	       runs);
	/* 6 repeats over 3 branches miss with probability 3^-5 = 0.4% */
	CHECK(pp >= 0.95 * runs);
}

/* The long branch's flows meet hop 5's router again at TTL 6: that node
 * stands for the first (same_as), nothing is probed through it, and no
 * flow is followed past the target's TTL on the short branches. */
static void test_met_again(void)
{
	struct nkt_mda_cfg c = {DST, 0.95, 1, 30, 5, 0};
	struct nkt_mda *m = nkt_mda_new(&c);
	struct sim s;
	uint16_t flows[512];
	uint8_t ttl, max_ttl = 0;
	size_t n, i, nn, nl;
	const struct nkt_mda_node *nd;
	const struct nkt_mda_link *l;
	int again = -1, first = -1;
	unsigned f;

	memset(&s, 0, sizeof(s));
	s.rng = 4242;
	for (f = 1; f <= NKT_MDA_FLOWS; f++)
		s.branch[f] = (uint8_t)(rnd(&s) % 3);
	while ((n = nkt_mda_next(m, &ttl, flows, 512)) > 0) {
		for (i = 0; i < n; i++)
			nkt_mda_result(m, ttl, flows[i],
				       answer(&s, flows[i], ttl), 1000000);
		if (ttl > max_ttl)
			max_ttl = ttl;
	}
	CHECK_INT(nkt_mda_stop(m), NKT_MDA_COMPLETED);
	nd = nkt_mda_nodes(m, &nn);
	l = nkt_mda_links(m, &nl);
	for (i = 0; i < nn; i++) {
		if (nd[i].addr == 0x0d000005u && nd[i].ttl == 5)
			first = (int)i;
		if (nd[i].addr == 0x0d000005u && nd[i].ttl == 6)
			again = (int)i;
	}
	CHECK(first >= 0 && again >= 0);
	if (first >= 0 && again >= 0) {
		CHECK_INT(nd[again].same_as, first + 1);
		CHECK_INT(nd[first].same_as, 0);
		CHECK_INT(nd[again].n_succ, 0);
		for (i = 0; i < nl; i++)
			CHECK(l[i].from != (size_t)again);
	}
	CHECK_INT(max_ttl, 12); /* the target answers at 12 on the short
				   branches; 13 is only on the long one */
	nkt_mda_free(m);
}

/* Graph building from recorded outcomes (an import): a diamond A -> {B, C}
 * -> D at TTLs 1-3 with flow 3 silent at TTL 2, flow 4 answered by B on
 * one attempt and silent on another, flow 5 meeting B then C (per
 * packet); RTTs only where known. */
static void test_observe(void)
{
	struct nkt_mda_cfg c = {.dst = 0x0a000004u, .confidence = 0.95,
				.first_ttl = 1, .max_ttl = 30};
	struct nkt_mda *m = nkt_mda_new(&c);
	const struct nkt_mda_node *nd;
	const struct nkt_mda_link *lk;
	size_t nn, nl, i;
	int a = -1, b = -1, cc = -1, d = -1, star = -1, per_packet = 0;
	const uint32_t A = 0x0a000001u, B = 0x0a000002u, C = 0x0a000003u,
		       D = 0x0a000004u;

	for (unsigned f = 1; f <= 6; f++)
		nkt_mda_observe(m, 1, (uint16_t)f, A, NKT_MDA_NO_RTT);
	nkt_mda_observe(m, 2, 1, B, 2000000);
	nkt_mda_observe(m, 2, 2, C, 3000000);
	nkt_mda_observe(m, 2, 3, 0, NKT_MDA_NO_RTT);
	nkt_mda_observe(m, 2, 4, 0, NKT_MDA_NO_RTT);
	nkt_mda_observe(m, 2, 4, B, 2500000);
	nkt_mda_observe(m, 2, 4, 0, NKT_MDA_NO_RTT);
	nkt_mda_observe(m, 2, 5, B, 2000000);
	nkt_mda_observe(m, 2, 6, C, 3000000);
	for (unsigned f = 1; f <= 4; f++)
		nkt_mda_observe(m, 3, (uint16_t)f, D, 4000000);
	nkt_mda_observe_end(m, 42);
	nd = nkt_mda_nodes(m, &nn);
	lk = nkt_mda_links(m, &nl);
	for (i = 0; i < nn; i++) {
		if (nd[i].addr == A)
			a = (int)i;
		else if (nd[i].addr == B)
			b = (int)i;
		else if (nd[i].addr == C)
			cc = (int)i;
		else if (nd[i].addr == D)
			d = (int)i;
		else if (nd[i].addr == 0)
			star = (int)i;
	}
	CHECK_INT(nn, 5);
	CHECK(a >= 0 && b >= 0 && cc >= 0 && d >= 0 && star >= 0);
	if (a < 0 || b < 0 || cc < 0 || d < 0 || star < 0)
		goto out;
	CHECK_INT(nd[a].n_rtt, 0); /* no RTT known at A */
	CHECK_INT(nd[b].n_rtt, 3);
	CHECK_INT(nd[b].rtt_min, 2000000);
	CHECK_INT(nd[b].rtt_max, 2500000);
	CHECK(nkt_flowset_has(&nd[b].flows, 4));    /* answer over silence */
	CHECK(!nkt_flowset_has(&nd[star].flows, 4));
	CHECK(nkt_flowset_has(&nd[star].flows, 3));
	CHECK_INT(nd[a].n_succ, 2);                   /* B, C; not the star */
	CHECK_INT(nd[a].balance, NKT_MDA_PER_FLOW);
	CHECK_INT(nd[d].reached, 1);
	CHECK_INT(nkt_mda_stop(m), NKT_MDA_COMPLETED);
	CHECK_INT(nkt_mda_sent(m), 42);
	/* Flow 3 went silent at TTL 2 and answered at 3: star -> D. */
	for (i = 0; i < nl; i++)
		if (lk[i].from == star && lk[i].to == d)
			CHECK(nkt_flowset_has(&lk[i].flows, 3));
	/* Flow 5 then meets C at TTL 2: A splits per packet. */
	nkt_mda_observe(m, 2, 5, C, 3100000);
	nkt_mda_observe_end(m, 43);
	nd = nkt_mda_nodes(m, &nn);
	per_packet = nd[a].balance == NKT_MDA_PER_PACKET;
	CHECK(per_packet);
	CHECK(nkt_flowset_has(&nd[cc].flows, 5));
out:
	nkt_mda_free(m);
}

int main(void)
{
	test_rule();
	test_sim();
	test_per_packet();
	test_met_again();
	test_observe();
	return nkt_test_done("test_mda");
}
