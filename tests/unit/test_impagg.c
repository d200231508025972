// SPDX-License-Identifier: ISC
/*
 * test_impagg.c: imported traces folded per path: the same path from the
 * same vantage point is one observation whose counts add up; another
 * method is another path of the same unit (vantage point, target); another
 * vantage point another unit; RTTs beyond NKT_IMPAGG_RTT_MAX kept as a
 * uniform sample (the same each time); the border is the most common
 * crossing, at the median of its RTTs; memory does not grow with traces.
 */
#include "nkt_test.h"
#include "nktrace/impagg.h"

#include <math.h>

#define TTK 1

/* A trace's observation: n RTTs base, base+1, ...; border hop `border`
 * at brtt ms (0: none). */
static struct nkt_cmp_obs obs(uint32_t addr, int method, double base,
			      size_t n, uint32_t border, double brtt)
{
	static double rtt[512], b[1];
	struct nkt_cmp_obs o;
	size_t i;

	memset(&o, 0, sizeof(o));
	o.addr = addr;
	o.method = (uint8_t)method;
	o.attr.transit = TTK;
	for (i = 0; i < n && i < NKT_ARRAY_LEN(rtt); i++)
		rtt[i] = base + (double)i;
	o.rtt = rtt;
	o.n_rtt = n;
	o.e2e_sent = (uint32_t)n + 1;
	o.e2e_recv = (uint32_t)n;
	o.reached = n > 0;
	if (border) {
		o.last_foreign.present = 1;
		o.last_foreign.addr = border;
		b[0] = brtt;
		o.brtt = b;
		o.n_brtt = 1;
	}
	return o;
}

static void test_fold(void)
{
	struct nkt_impagg a;
	struct nkt_cmp_obs o, *out;
	const uint32_t *vant;
	uint32_t v1, v2;
	size_t n, i;

	memset(&a, 0, sizeof(a));
	v1 = nkt_impagg_vantage(&a, "prb 6001");
	v2 = nkt_impagg_vantage(&a, "prb 6002");
	CHECK_INT(nkt_impagg_vantage(&a, "prb 6001"), v1);
	CHECK(v1 != v2);
	for (i = 0; i < 3; i++) {
		o = obs(0xaf2db10au, NKT_METHOD_ICMP, 20, 5, 0xbc2be199u, 18);
		nkt_impagg_add(&a, v1, &o);
	}
	o = obs(0xaf2db10au, NKT_METHOD_TCP, 21, 4, 0, 0);
	nkt_impagg_add(&a, v1, &o);
	o = obs(0xaf2db10au, NKT_METHOD_ICMP, 40, 2, 0, 0);
	nkt_impagg_add(&a, v2, &o);
	out = nkt_impagg_obs(&a, &vant, &n);
	CHECK_INT(n, 3);
	CHECK_U64(a.traces, 5);
	/* the three ICMP traces from prb 6001: one path */
	CHECK_INT(out[0].n_rtt, 15);
	CHECK_INT(out[0].e2e_sent, 18);
	CHECK_INT(out[0].e2e_recv, 15);
	CHECK_U64(nkt_impagg_traces(&a, 0), 3);
	CHECK_INT(vant[0], v1);
	CHECK_INT(out[0].vantage, v1);
	/* TCP to the same host from the same probe: the same unit */
	CHECK_INT(out[1].unit, out[0].unit);
	CHECK_INT(out[1].n_rtt, 4);
	/* another vantage point: another unit */
	CHECK(out[2].unit != out[0].unit);
	CHECK_INT(vant[2], v2);
	/* the border: its address and its RTT, one per trace */
	CHECK_INT(out[0].n_brtt, 3);
	CHECK(out[0].last_foreign.addr == 0xbc2be199u);
	CHECK_U64(out[0].last_foreign.rtt_ns, 18000000);
	CHECK_INT(out[1].n_brtt, 0);
	nkt_impagg_free(&a);
}

/* More RTTs than the reservoir: a uniform sample, the same every time. */
static void test_reservoir(void)
{
	double mean[2] = {0, 0}, first[2] = {0, 0};
	int r;

	for (r = 0; r < 2; r++) {
		struct nkt_impagg a;
		struct nkt_cmp_obs *out;
		const uint32_t *vant;
		size_t n, i, in_range = 0;
		uint32_t v;

		memset(&a, 0, sizeof(a));
		v = nkt_impagg_vantage(&a, "x");
		for (i = 0; i < 100; i++) {
			struct nkt_cmp_obs o = obs(0x0a000001u, NKT_METHOD_ICMP,
						   (double)(i * 10), 10, 0, 0);
			nkt_impagg_add(&a, v, &o);
		}
		out = nkt_impagg_obs(&a, &vant, &n);
		CHECK_INT(n, 1);
		CHECK_INT(out[0].n_rtt, NKT_IMPAGG_RTT_MAX);
		for (i = 0; i < out[0].n_rtt; i++) {
			mean[r] += out[0].rtt[i] / (double)out[0].n_rtt;
			in_range += out[0].rtt[i] >= 0 && out[0].rtt[i] < 1000;
		}
		CHECK_INT(in_range, NKT_IMPAGG_RTT_MAX);
		first[r] = out[0].rtt[0];
		nkt_impagg_free(&a);
	}
	/* 1000 values 0..999: a sample of 128 has a mean within ~3 sd
	 * (sd 289/sqrt(128) = 25.5) of 499.5, and not the first 128's */
	CHECK(fabs(mean[0] - 499.5) < 80);
	CHECK(mean[0] == mean[1] && first[0] == first[1]);
}

/* The most common border crossing of a path wins. */
static void test_border(void)
{
	struct nkt_impagg a;
	struct nkt_cmp_obs o, *out;
	const uint32_t *vant;
	size_t n, i;
	uint32_t v;

	memset(&a, 0, sizeof(a));
	v = nkt_impagg_vantage(&a, "x");
	for (i = 0; i < 5; i++) {
		o = obs(0x0a000001u, NKT_METHOD_ICMP, 20, 1,
			i % 2 ? 0x0b000001u : 0x0b000002u, 10 + (double)i);
		/* trace i in the 15-minute slot 1000 + i, losing i of its
		 * end-to-end probes */
		o.start_ns = (1000 + (uint64_t)i) * NKT_CMP_SLOT_S *
			     1000000000ull;
		o.e2e_sent = 10;
		o.e2e_recv = 10 - (uint32_t)i;
		nkt_impagg_add(&a, v, &o);
	}
	out = nkt_impagg_obs(&a, &vant, &n);
	CHECK_INT(n, 1);
	CHECK(out[0].last_foreign.addr == 0x0b000002u); /* 3 of 5 */
	CHECK_INT(out[0].n_brtt, 3);
	CHECK_U64(out[0].last_foreign.rtt_ns, 12000000); /* 10, 12, 14 */
	/* Folding keeps each border RTT's slot, and each trace's
	 * end-to-end probes by slot (what the border and loss over slots
	 * count). */
	for (i = 0; i < out[0].n_brtt; i++)
		CHECK_INT(out[0].bslot[i],
			  1000 + (int)(out[0].brtt[i] - 10));
	CHECK_INT(out[0].n_sl, 5);
	for (i = 0; i < out[0].n_sl; i++) {
		CHECK_INT(out[0].sl[i].slot, 1000 + (int)i);
		CHECK_INT(out[0].sl[i].sent, 10);
		CHECK_INT(out[0].sl[i].lost, (int)i);
	}
	CHECK_U64(out[0].e2e_sent, 50);
	nkt_impagg_free(&a);
}

/* Many vantage points and paths: each found again (the tables grow). */
static void test_many(void)
{
	struct nkt_impagg a;
	struct nkt_cmp_obs *out;
	const uint32_t *vant;
	char name[32];
	size_t n, i, ok = 0;

	memset(&a, 0, sizeof(a));
	for (i = 0; i < 3000; i++) {
		struct nkt_cmp_obs o =
			obs(0x0a000000u + (uint32_t)(i % 700), NKT_METHOD_ICMP,
			    1, 1, 0, 0);
		snprintf(name, sizeof(name), "prb %zu", i % 300);
		nkt_impagg_add(&a, nkt_impagg_vantage(&a, name), &o);
	}
	CHECK_INT(a.n_vantage, 300);
	out = nkt_impagg_obs(&a, &vant, &n);
	/* (i % 300, i % 700) pairs over 3000 i: 2100 distinct (lcm) */
	CHECK_INT(n, 2100);
	for (i = 0; i < n; i++)
		ok += out[i].n_rtt == nkt_impagg_traces(&a, i);
	CHECK_INT(ok, n);
	CHECK_INT(a.n_units, 2100);
	nkt_impagg_free(&a);
}

int main(void)
{
	test_fold();
	test_reservoir();
	test_border();
	test_many();
	return nkt_test_done("test_impagg");
}
