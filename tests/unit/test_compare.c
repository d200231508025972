// SPDX-License-Identifier: ISC
/*
 * test_compare.c: observations from traces (destination hop, end-to-end
 * RTTs and loss, return path estimate, rate-limit flags), per-target
 * attribution, per-transit and per-prefix statistics, the difference and
 * the verdict, all on hand-made data with known answers.
 */
#include "nkt_test.h"
#include "nktrace/compare.h"

#include <math.h>

#define MS 1000000ULL
#define CHINA 0
#define TTK 1

static struct nkt_transits ts;

/* A trace to dst over `hops` routers, 2 attempts per hop; `answers[h]` of
 * the 2 attempts at hop h answered (the destination at hops+1 answers
 * both); then e2e probes with the given RTTs (0 = lost). */
static struct nkt_trace *trace(uint32_t dst, int hops, const int *answers,
			       const double *e2e, int n_e2e)
{
	struct nkt_trace *t = nkt_xcalloc(1, sizeof(*t));
	int h, a;

	nkt_flow_init(&t->flow, NKT_METHOD_TCP, 0xc000020au, dst, 0, 0, 1, 40,
		      0, NULL);
	t->first_ttl = 1;
	t->stop_reason = NKT_STOP_COMPLETED;
	t->stop_hop = (uint8_t)(hops + 1);
	for (h = 1; h <= hops + 1; h++)
		for (a = 1; a <= 2; a++) {
			struct nkt_hop_reply *r = nkt_trace_add(t);
			r->ttl = (uint8_t)h;
			r->attempt = (uint8_t)a;
			if (h <= hops && a > answers[h])
				continue;
			r->flags = NKT_PF_REPLY;
			r->from = h <= hops ? 0x0a000000u + (uint32_t)h : dst;
			r->kind = h <= hops ? NKT_REPLY_TTL_EXCEEDED
					    : NKT_REPLY_TCP;
			r->rtt_ns = (uint64_t)h * 10 * MS;
			r->reply_ttl = (uint8_t)(h <= hops ? 64 - h : 53);
		}
	for (a = 0; a < n_e2e; a++) {
		struct nkt_hop_reply *r = nkt_trace_add(t);
		r->ttl = (uint8_t)(hops + 1);
		r->flags = NKT_PF_E2E;
		t->e2e_sent++;
		if (e2e[a] > 0) {
			r->flags |= NKT_PF_REPLY;
			r->from = dst;
			r->kind = NKT_REPLY_TCP;
			r->rtt_ns = (uint64_t)(e2e[a] * 1e6);
			r->reply_ttl = 53;
			t->e2e_reached++;
		}
	}
	t->e2e_ttl = (uint8_t)(hops + 1);
	return t;
}

static void test_observe(void)
{
	int answers[12] = {0, 2, 1, 2, 0, 1, 2, 2, 2, 0, 0, 0};
	double e2e[] = {290.1, 0, 290.5, 289.9};
	struct nkt_trace *t = trace(0xaf2db047u, 11, answers, e2e, 4);
	struct nkt_aspath p;
	struct nkt_attribution a = {CHINA, 0, 8};
	struct nkt_cmp_obs o;

	memset(&p, 0, sizeof(p));
	p.target_asn = 131279;
	p.entered = 1;
	p.last_foreign = (struct nkt_border_hop){1, 8, 0, 0x0a000008u, 134544,
						  234 * MS};
	nkt_cmp_observe(t, &p, &a, NULL, &o);
	CHECK_INT(o.reached, 1);
	CHECK_INT(o.dest_hop, 12);
	CHECK_INT(o.e2e_sent, 4);
	CHECK_INT(o.e2e_recv, 3);
	CHECK_INT(o.n_rtt, 3);
	CHECK_NEAR(o.rtt[0], 290.1, 1e-6);
	CHECK_NEAR(o.dest_rtt_ms, 120, 1e-9);
	CHECK_INT(o.reply_ttl, 53);
	CHECK_INT(o.return_hops, 12);
	CHECK_INT(o.asymmetric, 0);
	CHECK_U64(o.prefix, 0xaf2db000u);
	CHECK_INT(o.prefix_len, 24);
	/* Hops 2 and 5 lost one of two while later hops lost none: rate
	 * limiting.  Hops 4 and 9-11 lost both (silent): not flagged. */
	CHECK_INT(o.n_ratelimit, 2);
	CHECK_INT(o.ratelimit[0], 2);
	CHECK_INT(o.ratelimit[1], 5);
	nkt_cmp_obs_free(&o);
	nkt_trace_free(t);

	/* No e2e probes: the trace's destination answers are the RTTs. */
	t = trace(0xaf2db047u, 3, answers, NULL, 0);
	nkt_cmp_observe(t, &p, &a, NULL, &o);
	CHECK_INT(o.n_rtt, 2);
	CHECK_NEAR(o.rtt[0], 40, 1e-9);
	CHECK_INT(o.return_hops, 12);
	CHECK_INT(o.asymmetric, 1); /* 4 hops out, 12 back */
	nkt_cmp_obs_free(&o);
	nkt_trace_free(t);
}

/* An observation with given RTTs (0 = lost). */
static struct nkt_cmp_obs obs(uint32_t addr, int transit, int method,
			      const double *rtt, int n)
{
	struct nkt_cmp_obs o;
	int i;
	memset(&o, 0, sizeof(o));
	o.addr = addr;
	o.unit = addr;
	o.prefix = addr & 0xffffff00u;
	o.prefix_len = 24;
	o.method = (uint8_t)method;
	o.attr.transit = transit;
	o.rtt = nkt_xcalloc((size_t)n + 1, sizeof(double));
	for (i = 0; i < n; i++) {
		o.e2e_sent++;
		if (rtt[i] > 0) {
			o.rtt[o.n_rtt++] = rtt[i];
			o.e2e_recv++;
		}
	}
	o.reached = o.e2e_recv > 0;
	o.dest_hop = 12;
	o.last_foreign = (struct nkt_border_hop){
		1, 8, 0, 1, 1, transit == CHINA ? 234 * MS : 185 * MS};
	o.first_inside = (struct nkt_border_hop){1, 9, 0, 2, 131279, 0};
	return o;
}

/* The analysis settings of these tests: 95%, 1000 resamples, seed 3. */
static void test_cfg(struct nkt_cmp_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->transits = &ts;
	cfg->level = 0.95;
	cfg->bootstrap = 1000;
	cfg->seed = 3;
}

static void test_summary(void)
{
	double c1[] = {290, 291, 289, 0, 290}, c2[] = {292, 291, 293, 292, 292},
	       c3[] = {288, 289, 288, 288, 0}, t1[] = {190, 191, 189, 190, 190},
	       t2[] = {192, 0, 193, 192, 192}, t3[] = {186, 187, 186, 186, 187},
	       u[] = {100, 100};
	struct nkt_cmp_obs o[8];
	struct nkt_cmp_cfg cfg;
	struct nkt_cmp_result r;
	const struct nkt_cmp_stats *china = NULL, *ttk = NULL;
	char v[512];
	size_t i;

	o[0] = obs(0xaf2db047u, CHINA, NKT_METHOD_TCP, c1, 5);
	o[1] = obs(0xaf2db008u, CHINA, NKT_METHOD_TCP, c2, 5);
	o[2] = obs(0xaf2db364u, CHINA, NKT_METHOD_TCP, c3, 5);
	o[3] = obs(0xaf2db10au, TTK, NKT_METHOD_TCP, t1, 5);
	o[4] = obs(0xaf2db164u, TTK, NKT_METHOD_TCP, t2, 5);
	o[5] = obs(0xaf2db2a1u, TTK, NKT_METHOD_TCP, t3, 5);
	/* The ICMP trace to a TTK target saw no transit router; the
	 * target's TCP trace did: the target is TTK's. */
	o[6] = obs(0xaf2db10au, -1, NKT_METHOD_ICMP, u, 0);
	o[6].attr.other_asn = 1299;
	o[6].reached = 0;
	/* A target that showed only another AS. */
	o[7] = obs(0xaf2db170u, -1, NKT_METHOD_TCP, u, 2);
	o[7].attr.other_asn = 3356;
	nkt_cmp_unify(o, 8);
	CHECK_INT(o[6].tattr.transit, TTK);
	CHECK_INT(o[7].tattr.transit, -1);

	test_cfg(&cfg);
	nkt_cmp_summarize(o, 8, &cfg, &r);
	CHECK_INT(r.observations, 8);
	CHECK_INT(r.targets, 7);
	CHECK_INT(r.n_transit, 3);
	for (i = 0; i < r.n_transit; i++) {
		if (strcmp(r.transit[i].name, "China Unicom") == 0)
			china = &r.transit[i];
		if (strcmp(r.transit[i].name, "TTK") == 0)
			ttk = &r.transit[i];
	}
	CHECK(china != NULL && ttk != NULL);
	CHECK_STR(r.transit[2].name, "other AS3356");
	if (china == NULL || ttk == NULL)
		return;
	CHECK_INT(china->targets, 3);
	CHECK_INT(china->reached, 3);
	CHECK_INT(china->n_rtt, 13);
	CHECK_NEAR(china->rtt_median, 290, 1e-9);
	CHECK_NEAR(china->rtt_p10, 288, 1e-9);
	CHECK_NEAR(china->rtt_p90, 292, 1e-9);
	CHECK_INT(china->sent, 15);
	CHECK_INT(china->lost, 2);
	{
		struct nkt_ci w = nkt_stats_wilson(2, 15, 0.95);
		CHECK_NEAR(china->loss_ci.lo, w.lo, 1e-12);
		CHECK_NEAR(china->loss_ci.hi, w.hi, 1e-12);
	}
	CHECK(china->rtt_ci.lo <= 290 && china->rtt_ci.hi >= 290);
	CHECK_NEAR(china->border_rtt, 234, 1e-9);
	CHECK_U64(china->border_addr, 1);
	CHECK_NEAR(china->inside_rtt, 290 - 234, 1.5);
	CHECK_NEAR(china->hops, 12, 1e-9);
	/* jitter: c1 |291-290|,|289-291|,|290-289| ... pooled pairs */
	CHECK(china->jitter > 0.5 && china->jitter < 1.5);
	CHECK_INT(ttk->targets, 3);
	CHECK_INT(ttk->lost, 1);
	CHECK_NEAR(ttk->rtt_median, 190, 1e-9);

	/* China - TTK: 100 ms; TTK faster. */
	CHECK(r.overall.valid);
	CHECK_STR(r.overall.a, "China Unicom");
	CHECK_STR(r.overall.b, "TTK");
	CHECK_NEAR(r.overall.rtt_diff, 100, 1e-9);
	CHECK(r.overall.rtt_ci.lo > 94 && r.overall.rtt_ci.hi < 106);
	CHECK_NEAR(r.overall.rtt_p, 0.0808556, 1e-4); /* U=9, n=3,3 */
	CHECK_NEAR(r.overall.loss_p,
		   nkt_stats_fisher(2, 15, 1, 15), 1e-12);
	nkt_cmp_verdict(&r.overall, 0.95, v, sizeof(v));
	CHECK(strncmp(v, "TTK is 100 ms faster than China Unicom (95% CI",
		      46) == 0);
	CHECK(strstr(v, "loss 6.7% vs 13.3%") != NULL);
	/* Carriers: one per prefix. */
	{
		int carriers = 0;
		for (i = 0; i < r.n_prefix; i++)
			carriers += r.prefix[i].carrier;
		CHECK_INT(carriers, 4);
	}
	{
		json_t *j = nkt_cmp_json(&r, o, 8, &cfg, 1795000000ULL * 1000000000ULL,
					 1795000060ULL * 1000000000ULL);
		json_t *tr = json_object_get(j, "transits");
		CHECK_STR(json_string_value(json_object_get(j, "type")),
			  "compare");
		CHECK_INT(json_array_size(tr), 3);
		CHECK(json_is_object(json_object_get(j, "difference")));
		CHECK(json_is_array(json_object_get(j, "prefixes")));
		CHECK_INT(json_array_size(json_object_get(j, "targets_detail")),
			  8);
		json_decref(j);
	}
	nkt_cmp_result_free(&r);
	for (i = 0; i < 8; i++)
		nkt_cmp_obs_free(&o[i]);
}

/* One target per transit (--targets ADDR, or a /24 with one host): the
 * interval and the test come from that target's probes, not a zero-width
 * interval with p = 1 beside a "faster" verdict. */
static void test_single_targets(void)
{
	double c[] = {292, 291, 293, 292, 292}, t[] = {190, 191, 189, 190, 190};
	struct nkt_cmp_obs o[2];
	struct nkt_cmp_cfg cfg;
	struct nkt_cmp_result r;
	char v[512];

	o[0] = obs(0xaf2db047u, CHINA, NKT_METHOD_TCP, c, 5);
	o[1] = obs(0xaf2db10au, TTK, NKT_METHOD_TCP, t, 5);
	nkt_cmp_unify(o, 2);
	test_cfg(&cfg);
	nkt_cmp_summarize(o, 2, &cfg, &r);
	CHECK(r.overall.valid);
	CHECK_NEAR(r.overall.rtt_diff, 102, 1e-9);
	CHECK(r.overall.rtt_ci.lo < r.overall.rtt_ci.hi);
	CHECK(r.overall.rtt_ci.lo >= 100 && r.overall.rtt_ci.hi <= 104);
	/* Mann-Whitney over 5 vs 5 probes, fully separated: U = 25. */
	CHECK_NEAR(r.overall.rtt_p, 0.0101760, 1e-6); /* ties corrected */
	nkt_cmp_verdict(&r.overall, 0.95, v, sizeof(v));
	CHECK(strncmp(v, "TTK is 102 ms faster than China Unicom", 38) == 0);
	CHECK(strstr(v, "p=0.010") != NULL);
	nkt_cmp_result_free(&r);
	nkt_cmp_obs_free(&o[0]);
	nkt_cmp_obs_free(&o[1]);
}

static void test_verdicts(void)
{
	struct nkt_cmp_diff d;
	char v[512];
	memset(&d, 0, sizeof(d));
	d.valid = 1;
	snprintf(d.a, sizeof(d.a), "China Unicom");
	snprintf(d.b, sizeof(d.b), "TTK");
	d.prefix = 0xaf2db200u;
	d.prefix_len = 24;
	snprintf(d.prefix_str, sizeof(d.prefix_str), "175.45.178.0/24");
	d.rtt_diff = 98.2;
	d.rtt_ci = (struct nkt_ci){91.4, 104.1};
	d.rtt_p = 0.0004;
	d.loss_a = 0.021;
	d.loss_b = 0.004;
	d.loss_p = 0.003;
	CHECK_STR(nkt_cmp_verdict(&d, 0.95, v, sizeof(v)),
		  "TTK is 98 ms faster than China Unicom to 175.45.178.0/24 "
		  "(95% CI 91-104 ms, p<0.001); loss 0.4% vs 2.1% (p=0.003)");
	d.rtt_diff = -1.2;
	d.rtt_ci = (struct nkt_ci){-3.0, 0.5};
	d.rtt_p = 0.41;
	CHECK(strncmp(nkt_cmp_verdict(&d, 0.95, v, sizeof(v)),
		      "no clear RTT difference between China Unicom and TTK",
		      52) == 0);
	/* An interval ending just below zero reads 0.0, not -0.0. */
	d.rtt_diff = 5.0;
	d.rtt_ci = (struct nkt_ci){-0.04, 10.1};
	d.rtt_p = 0.699;
	d.loss_a = d.loss_b = 0;
	d.loss_p = 1;
	d.prefix_str[0] = '\0';
	CHECK_STR(nkt_cmp_verdict(&d, 0.999, v, sizeof(v)),
		  "no clear RTT difference between TTK and China Unicom "
		  "(5.0 ms, 99.9% CI 0.0 to 10.1 ms, p=0.699); loss 0.0% vs "
		  "0.0% (p=1.000)");
	d.valid = 0;
	CHECK(strncmp(nkt_cmp_verdict(&d, 0.95, v, sizeof(v)),
		      "no comparison", 13) == 0);
}

int main(void)
{
	static const char tj[] =
		"{\"transits\":[{\"name\":\"China Unicom\",\"asns\":[4837,"
		"134544]},{\"name\":\"TTK\",\"asns\":[20485]}]}";
	nkt_transits_parse(tj, sizeof(tj) - 1, "t", &ts, NULL);
	test_observe();
	test_summary();
	test_single_targets();
	test_verdicts();
	return nkt_test_done("test_compare");
}
