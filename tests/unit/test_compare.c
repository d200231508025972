// SPDX-License-Identifier: ISC
/*
 * test_compare.c: observations from traces (destination hop, end-to-end
 * RTTs and loss, return path estimate, rate-limit flags, the border hop's
 * RTT), per-target attribution, per-transit statistics over hosts, the
 * choice of design (paired, different hosts, border over traces or
 * vantage points), the decision rule, Holm across prefixes, and the
 * sentences, all on hand-made data with known answers.
 */
#include "nkt_test.h"
#include "nktrace/compare.h"
#include "nktrace/out_compare.h"
#include "nktrace/verdict.h"

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
	struct nkt_attribution a = {CHINA, 4837, 0, 8, 0, 0};
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
	/* The last hop before NK answered, the first inside did not (as in
	 * real traces): its RTT is the border's. */
	CHECK_INT(o.n_brtt, 1);
	CHECK_NEAR(o.n_brtt ? o.brtt[0] : 0, 234, 1e-9);
	nkt_cmp_obs_free(&o);
	/* A path that never reached North Korea has no border RTT: its last
	 * foreign hop is only where it stopped. */
	t->r[t->n - 1].flags = 0;
	p.entered = 0;
	{
		struct nkt_trace *t2 = trace(0xaf2db047u, 11, answers, NULL, 0);
		size_t k;
		for (k = 0; k < t2->n; k++)
			if (t2->r[k].ttl == 12)
				t2->r[k].flags = 0;
		t2->stop_reason = NKT_STOP_GAPLIMIT;
		nkt_cmp_observe(t2, &p, &a, NULL, &o);
		CHECK_INT(o.reached, 0);
		CHECK_INT(o.n_brtt, 0);
		nkt_cmp_obs_free(&o);
		nkt_trace_free(t2);
	}
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
		o.e2e_tail_lost = rtt[i] > 0 ? 0 : o.e2e_tail_lost + 1;
		if (rtt[i] > 0) {
			o.rtt[o.n_rtt++] = rtt[i];
			o.e2e_recv++;
		}
	}
	o.reached = o.e2e_recv > 0;
	o.dest_hop = 12;
	o.last_foreign = (struct nkt_border_hop){
		1, 8, 0, transit == CHINA ? 1 : 3, 1,
		transit == CHINA ? 234 * MS : 185 * MS};
	o.first_inside = (struct nkt_border_hop){0, 0, 0, 0, 0, 0};
	o.brtt = nkt_xcalloc(1, sizeof(double));
	o.brtt[0] = transit == CHINA ? 234 : 185;
	o.n_brtt = o.reached;
	return o;
}

/* n observations, host i with RTTs base + offset[i] + jitter pattern. */
static void hosts(struct nkt_cmp_obs *o, size_t *k, uint32_t first, int transit,
		  double base, const double *offset, size_t n, int via)
{
	static const double pat[5] = {0.3, -0.2, 0.0, 0.4, -0.1};
	size_t i, j;
	for (i = 0; i < n; i++) {
		double r[5];
		for (j = 0; j < 5; j++)
			r[j] = base + offset[i] + pat[j];
		o[*k] = obs(first + (uint32_t)i, transit, NKT_METHOD_TCP, r, 5);
		o[*k].via = (uint8_t)via;
		o[*k].attr.transit = transit;
		(*k)++;
	}
}

/* The analysis settings of these tests. */
static void test_cfg(struct nkt_cmp_cfg *cfg, double level)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->transits = &ts;
	cfg->level = level;
}

static void free_all(struct nkt_cmp_obs *o, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		nkt_cmp_obs_free(&o[i]);
}

static const struct nkt_cmp_stats *row(const struct nkt_cmp_result *r,
				       const char *name)
{
	size_t i;
	for (i = 0; i < r->n_transit; i++)
		if (strcmp(r->transit[i].name, name) == 0)
			return &r->transit[i];
	return NULL;
}

/* Per-transit numbers are over hosts: the median of host medians, an
 * order-statistic interval over hosts, loss pooled over the hosts that
 * answered, a host that answered nothing counted as dark. */
static void test_summary(void)
{
	static const double off[7] = {0, 4, -3, 11, 7, -6, 2};
	double dark[5] = {0, 0, 0, 0, 0}, lossy[5] = {190, 0, 0, 191, 190};
	struct nkt_cmp_obs o[20];
	struct nkt_cmp_cfg cfg;
	struct nkt_cmp_result r;
	const struct nkt_cmp_stats *china, *ttk;
	size_t k = 0;

	hosts(o, &k, 0xaf2db001u, CHINA, 290, off, 7, 0);
	hosts(o, &k, 0xaf2db101u, TTK, 190, off, 5, 0);
	o[k++] = obs(0xaf2db1f0u, TTK, NKT_METHOD_TCP, dark, 5);
	o[k - 1].reached = 1; /* answered its trace, then went dark */
	o[k++] = obs(0xaf2db1f1u, TTK, NKT_METHOD_TCP, lossy, 5);
	/* Nothing attributed this target: no row of its own. */
	o[k] = obs(0xaf2db1f2u, -1, NKT_METHOD_TCP, lossy, 5);
	o[k].last_foreign.present = 0;
	o[k].n_brtt = 0;
	k++;
	nkt_cmp_unify(o, k);
	test_cfg(&cfg, 0.95);
	nkt_cmp_summarize(o, k, &cfg, &r);
	CHECK_INT(r.targets, 15);
	CHECK_INT(r.unattributed, 1);
	CHECK_INT(r.n_transit, 2);
	china = row(&r, "China Unicom");
	ttk = row(&r, "TTK");
	CHECK(china != NULL && ttk != NULL);
	if (china == NULL || ttk == NULL)
		return;
	/* China: host medians 290 + off = 284..301, median 292 (off 2). */
	CHECK_INT(china->hosts, 7);
	CHECK_NEAR(china->rtt_median, 292, 1e-9);
	/* 7 hosts at 95%: [x_(1), x_(7)] holds the median with 1 - 2/128. */
	CHECK_NEAR(china->rtt_ci.lo, 284, 1e-9);
	CHECK_NEAR(china->rtt_ci.hi, 301, 1e-9);
	CHECK_NEAR(china->rtt_conf, 1 - 2.0 / 128, 1e-12);
	CHECK_INT(china->lost, 0);
	CHECK_NEAR(china->border_rtt, 234, 1e-9);
	CHECK_INT(china->border_n, 7);
	/* TTK: 7 hosts with RTTs (5 spread, one lossy), one dark. */
	CHECK_INT(ttk->targets, 7);
	CHECK_INT(ttk->dark, 1);
	CHECK_INT(ttk->loss_hosts, 6);
	CHECK_INT(ttk->sent, 30);
	CHECK_INT(ttk->lost, 2);
	/* 6 host medians at 95%: [x_(1), x_(6)], 1 - 2/64 */
	CHECK_NEAR(ttk->rtt_ci.lo, 187, 1e-9);
	CHECK_NEAR(ttk->rtt_ci.hi, 201, 1e-9);
	CHECK_NEAR(ttk->rtt_conf, 1 - 2.0 / 64, 1e-12);
	/* 6 host medians 190, 194, 187, 201, 197, 190: median 192 */
	CHECK_NEAR(ttk->rtt_median, 192, 1e-9);
	{
		struct nkt_lossc c[6] = {{0, 5}, {0, 5}, {0, 5}, {0, 5},
					 {0, 5}, {2, 5}};
		struct nkt_loss l;
		nkt_stats_loss(c, 6, 0.95, &l);
		CHECK_NEAR(ttk->loss_ci.lo, l.ci.lo, 1e-12);
		CHECK_NEAR(ttk->loss_ci.hi, l.ci.hi, 1e-12);
	}
	nkt_cmp_result_free(&r);

	/* At 99% six hosts are too few (2/64 > 1%). */
	test_cfg(&cfg, 0.99);
	nkt_cmp_summarize(o, k, &cfg, &r);
	ttk = row(&r, "TTK");
	CHECK(ttk != NULL && isnan(ttk->rtt_ci.lo));
	nkt_cmp_result_free(&r);
	free_all(o, k);
}

/* A /24 whose targets go over two transits, each with a quarter or more,
 * is split: every such transit a carrier, the JSON and the text say so;
 * one whose second transit carries 1 of 10 is not. */
static void test_split(void)
{
	static const double off[9] = {0, 1, 2, 3, 4, 5, 6, 7, 8};
	struct nkt_cmp_obs o[32];
	struct nkt_cmp_cfg cfg;
	struct nkt_cmp_result r;
	size_t k = 0, i, split_rows = 0, carriers_a = 0, carriers_b = 0;
	const uint32_t A = 0xaf2db200u, B = 0xaf2db300u;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	hosts(o, &k, A + 1, CHINA, 290, off, 3, 0);
	hosts(o, &k, A + 101, TTK, 190, off, 2, 0);
	hosts(o, &k, B + 1, CHINA, 290, off, 9, 0);
	hosts(o, &k, B + 101, TTK, 190, off, 1, 0);
	nkt_cmp_unify(o, k);
	test_cfg(&cfg, 0.95);
	nkt_cmp_summarize(o, k, &cfg, &r);
	for (i = 0; i < r.n_prefix; i++) {
		const struct nkt_cmp_stats *s = &r.prefix[i];
		split_rows += s->split;
		if (s->prefix == A) {
			carriers_a += s->carrier;
			CHECK_NEAR(s->share, s->transit == CHINA ? 0.6 : 0.4,
				   1e-12);
		} else if (s->prefix == B) {
			carriers_b += s->carrier;
			CHECK_INT(s->split, 0);
			CHECK_INT(s->carrier, s->transit == CHINA);
		}
	}
	CHECK_INT(split_rows, 2);
	CHECK_INT(carriers_a, 2);
	CHECK_INT(carriers_b, 1);
	f = open_memstream(&text, &len);
	nkt_cmp_text(f, &r, &cfg);
	fclose(f);
	CHECK(strstr(text, "175.45.178.0/24 is split between transits") !=
	      NULL);
	CHECK(strstr(text, "175.45.179.0/24 is split") == NULL);
	free(text);
	{
		json_t *j = nkt_cmp_json(&r, o, k, &cfg, 0, 0), *p;
		size_t splits = 0;
		json_array_foreach(json_object_get(j, "prefixes"), i, p)
			splits += json_is_true(json_object_get(p, "split")) &&
				  strcmp(json_string_value(json_object_get(
						 p, "prefix")),
					 "175.45.178.0/24") == 0 &&
				  json_is_true(json_object_get(p, "carrier"));
		CHECK_INT(splits, 2);
		json_decref(j);
	}
	nkt_cmp_result_free(&r);
	free_all(o, k);
}

/* Different hosts on each side: Mann-Whitney over host medians. */
static void test_hosts_design(void)
{
	static const double oc[6] = {0, 4, -3, 11, 7, -6},
			    ot[6] = {2, -5, 9, 1, 3, -2};
	struct nkt_cmp_obs o[12];
	struct nkt_cmp_cfg cfg;
	struct nkt_cmp_result r;
	char v[1024];
	size_t k = 0;
	double x[6], y[6];
	struct nkt_shift want;
	int i;

	hosts(o, &k, 0xaf2db001u, CHINA, 290, oc, 6, 0);
	hosts(o, &k, 0xaf2db101u, TTK, 190, ot, 6, 0);
	nkt_cmp_unify(o, k);
	test_cfg(&cfg, 0.95);
	nkt_cmp_summarize(o, k, &cfg, &r);
	CHECK(r.overall.valid);
	CHECK_INT(r.overall.e2e.design, NKT_DESIGN_HOSTS);
	for (i = 0; i < 6; i++) {
		x[i] = 290 + oc[i];
		y[i] = 190 + ot[i];
	}
	nkt_rank_mw(x, 6, y, 6, 0.95, &want);
	CHECK_NEAR(r.overall.e2e.s.est, want.est, 1e-9);
	CHECK_NEAR(r.overall.e2e.s.ci.lo, want.ci.lo, 1e-9);
	CHECK_NEAR(r.overall.e2e.s.p, want.p, 1e-12);
	CHECK_NEAR(r.overall.e2e.s.p, 2.0 / 924, 1e-12); /* separated */
	CHECK(r.overall.e2e.claim);
	nkt_verdict_text(&r.overall, 0.95, v, sizeof(v));
	/* different hosts: what differs is the hosts (with their own
	 * delays), and the sentence says so rather than naming a transit
	 * faster */
	CHECK_STR(v, "the hosts behind TTK answer 102 ms sooner than those "
		     "behind China Unicom end to end (6 and 6 different hosts: "
		     "their own delays inside North Korea included, so this is "
		     "not the transits' own difference; 95% CI 93-109 ms, "
		     "Mann-Whitney and Brunner-Munzel p=0.002); loss 0.0% vs "
		     "0.0% (not compared: every probe within one 15-minute "
		     "slot: a loss burst is shared by every host of a transit "
		     "at one moment, so one short run is a single unit "
		     "(measure over 5 slots or more))");
	/* The border from one vantage point in one moment (every trace
	 * within one slot): a single unit, whatever its traces say. */
	CHECK_INT(r.overall.border.design, NKT_DESIGN_NONE);
	CHECK(!r.overall.border.claim && !r.overall.border.available);
	CHECK(strstr(r.overall.border.why,
		     "one short run from one vantage point (every trace "
		     "within one 15-minute slot) is a single unit") != NULL);
	nkt_cmp_result_free(&r);

	/* Over six slots (host i of each side measured in slot i): 6 vs 6
	 * flows, 6 slots with both; the claim rests on both analyses, p
	 * the larger (the slots' Wilcoxon, 2/64), the hull of both
	 * intervals. */
	for (i = 0; i < 12; i++)
		o[i].start_ns = (uint64_t)(i % 6) * NKT_CMP_SLOT_S *
				1000000000ull;
	nkt_cmp_summarize(o, k, &cfg, &r);
	CHECK_INT(r.overall.border.design, NKT_DESIGN_FLOWS_SLOTS);
	CHECK_INT(r.overall.border.units_a, 6);
	CHECK_INT(r.overall.border.slots, 6);
	{
		double fa[6] = {234, 234, 234, 234, 234, 234},
		       fb[6] = {185, 185, 185, 185, 185, 185},
		       sd[6] = {49, 49, 49, 49, 49, 49};
		struct nkt_shift f, sl;
		nkt_rank_mw(fa, 6, fb, 6, 0.95, &f);
		nkt_rank_wilcoxon(sd, 6, 0.95, &sl);
		CHECK_NEAR(r.overall.border.s.p, sl.p > f.p ? sl.p : f.p,
			   1e-12);
		CHECK_NEAR(r.overall.border.s.est, f.est, 1e-9);
		CHECK_NEAR(r.overall.border.s.ci.lo,
			   f.ci.lo < sl.ci.lo ? f.ci.lo : sl.ci.lo, 1e-9);
		CHECK_NEAR(r.overall.border.s.ci.hi,
			   f.ci.hi > sl.ci.hi ? f.ci.hi : sl.ci.hi, 1e-9);
	}
	CHECK(r.overall.border.claim);
	nkt_verdict_border(&r.overall, 0.95, NULL, v, sizeof(v));
	CHECK(strstr(v, "TTK's border (0.0.0.3) is 49.0 ms nearer than "
			"China Unicom's (0.0.0.1)") == v);
	CHECK(strstr(v, "6 vs 6 flows in 6 15-minute slots)") != NULL);
	nkt_cmp_result_free(&r);

	/* One flow a side measured in six slots (each host's flow crosses
	 * on its own branch): one flow is one unit. */
	{
		struct nkt_cmp_obs one[12];
		size_t m = 0;
		for (i = 0; i < 6; i++) {
			one[m] = obs(0xaf2db001u, CHINA, NKT_METHOD_TCP,
				     (double[]){290, 291}, 2);
			one[m++].start_ns = (uint64_t)i * NKT_CMP_SLOT_S *
					    1000000000ull;
			one[m] = obs(0xaf2db101u, TTK, NKT_METHOD_TCP,
				     (double[]){190, 191}, 2);
			one[m++].start_ns = (uint64_t)i * NKT_CMP_SLOT_S *
					    1000000000ull;
		}
		nkt_cmp_unify(one, m);
		nkt_cmp_summarize(one, m, &cfg, &r);
		CHECK(!r.overall.border.available);
		CHECK_INT(r.overall.border.units_a, 1);
		CHECK_INT(r.overall.border.slots, 6);
		CHECK(strstr(r.overall.border.why,
			     "1 flow crossed China Unicom's border") != NULL);
		nkt_cmp_result_free(&r);
		free_all(one, m);
	}

	/* At --min-units 7 the same data is not enough. */
	cfg.min_units = 7;
	nkt_cmp_summarize(o, k, &cfg, &r);
	CHECK(!r.overall.e2e.claim && !r.overall.e2e.available);
	nkt_verdict_text(&r.overall, 0.95, v, sizeof(v));
	CHECK_STR(v, "not enough evidence for an end-to-end verdict between "
		     "China Unicom and TTK: 6 hosts via China Unicom, 6 via "
		     "TTK (at least 7 each, or the same hosts measured over "
		     "both transits: compare --via); loss 0.0% vs 0.0% (not "
		     "compared: 6 hosts via China Unicom and 6 via TTK "
		     "answered end-to-end probes (at least 7 each))");
	nkt_cmp_result_free(&r);
	free_all(o, k);
}

/* Different hosts with unequal spreads: the p-value is the larger of
 * Mann-Whitney's and Brunner-Munzel's (which does not assume equal
 * spreads). */
static void test_unequal_spreads(void)
{
	static const double oc[8] = {-41, -29, -17, -4, 6, 19, 33, 47},
			    ot[8] = {-3, -2, -1, 0, 1, 2, 3, 4};
	struct nkt_cmp_obs o[16];
	struct nkt_cmp_cfg cfg;
	struct nkt_cmp_result r;
	size_t k = 0;
	double x[8], y[8], bm;
	struct nkt_shift mw;
	int i;

	hosts(o, &k, 0xaf2db001u, CHINA, 290, oc, 8, 0);
	hosts(o, &k, 0xaf2db101u, TTK, 290, ot, 8, 0);
	nkt_cmp_unify(o, k);
	test_cfg(&cfg, 0.95);
	nkt_cmp_summarize(o, k, &cfg, &r);
	CHECK_INT(r.overall.e2e.design, NKT_DESIGN_HOSTS);
	for (i = 0; i < 8; i++) {
		x[i] = 290 + oc[i];
		y[i] = 290 + ot[i];
	}
	nkt_rank_mw(x, 8, y, 8, 0.95, &mw);
	bm = nkt_rank_brunner_munzel(x, 8, y, 8);
	CHECK(!isnan(bm));
	CHECK_NEAR(r.overall.e2e.s.p, bm > mw.p ? bm : mw.p, 1e-12);
	CHECK_NEAR(r.overall.e2e.s.est, mw.est, 1e-9);
	nkt_cmp_result_free(&r);
	free_all(o, k);
}

/* One host per side: host and transit cannot be told apart, whatever
 * its probes say. */
static void test_one_host(void)
{
	double c[] = {292, 291, 293, 292, 292}, t[] = {190, 191, 189, 190, 190};
	struct nkt_cmp_obs o[2];
	struct nkt_cmp_cfg cfg;
	struct nkt_cmp_result r;
	char v[1024];

	o[0] = obs(0xaf2db047u, CHINA, NKT_METHOD_TCP, c, 5);
	o[1] = obs(0xaf2db10au, TTK, NKT_METHOD_TCP, t, 5);
	nkt_cmp_unify(o, 2);
	test_cfg(&cfg, 0.95);
	nkt_cmp_summarize(o, 2, &cfg, &r);
	CHECK(!r.overall.e2e.claim);
	nkt_verdict_text(&r.overall, 0.95, v, sizeof(v));
	CHECK(strstr(v, "with one host on each side, host and transit cannot "
			"be told apart") != NULL);
	CHECK(strncmp(v, "not enough evidence", 19) == 0);
	/* Its own median, and no interval of the transit's median: one host
	 * says nothing of the others (its probes' interval is its own). */
	CHECK_NEAR(r.transit[0].rtt_median, 292, 1e-9);
	CHECK(isnan(r.transit[0].rtt_ci.lo));
	CHECK(isnan(r.transit[0].rtt_conf));
	nkt_cmp_result_free(&r);
	free_all(o, 2);
}

/* One host a side seen from six vantage points is still one host a side:
 * the vantage points' units fold into the host before any test. */
static void test_one_host_many_vantages(void)
{
	struct nkt_cmp_obs o[12];
	struct nkt_cmp_cfg cfg;
	struct nkt_cmp_result r;
	size_t i;

	for (i = 0; i < 12; i++) {
		double v = (i < 6 ? 292 : 190) + (double)(i % 6) * 0.7;
		double rtt[5] = {v, v + 0.3, v - 0.2, v + 0.1, v};
		o[i] = obs(i < 6 ? 0xaf2db047u : 0xaf2db10au,
			   i < 6 ? CHINA : TTK, NKT_METHOD_TCP, rtt, 5);
		/* as import counts them: a unit per (vantage point, host) */
		o[i].vantage = (uint32_t)(i % 6);
		o[i].unit = (uint32_t)i;
	}
	nkt_cmp_unify(o, 12);
	test_cfg(&cfg, 0.95);
	nkt_cmp_summarize(o, 12, &cfg, &r);
	CHECK_INT(r.overall.e2e.units_a, 1);
	CHECK_INT(r.overall.e2e.units_b, 1);
	CHECK(!r.overall.e2e.claim);
	/* One host: the median of its own RTTs, from every vantage point
	 * (the 15th and 16th of 30: 293.7 and 293.9). */
	CHECK_NEAR(r.transit[0].rtt_median, 293.8, 1e-9);
	nkt_cmp_result_free(&r);
	free_all(o, 12);
}

/* The same hosts over both uplinks: per-host differences. */
static void test_paired(void)
{
	static const double off[8] = {0, 14, -9, 31, 22, -17, 5, 40};
	struct nkt_cmp_obs o[16];
	struct nkt_cmp_cfg cfg;
	struct nkt_cmp_result r;
	char v[1024];
	double d[8];
	struct nkt_shift want;
	size_t k = 0;
	int i;

	hosts(o, &k, 0xaf2db001u, CHINA, 290, off, 8, 1);
	hosts(o, &k, 0xaf2db001u, TTK, 190, off, 8, 2);
	/* The TTK side of each host 0.1 ms slower per host index, so the
	 * differences are not all equal. */
	for (i = 0; i < 8; i++) {
		size_t j;
		for (j = 0; j < o[8 + i].n_rtt; j++)
			o[8 + i].rtt[j] += 0.1 * i;
		d[i] = -0.1 * i;
	}
	nkt_cmp_unify(o, k);
	test_cfg(&cfg, 0.95);
	nkt_cmp_summarize(o, k, &cfg, &r);
	CHECK_INT(r.overall.e2e.design, NKT_DESIGN_PAIRED);
	CHECK_INT(r.overall.e2e.paired, 8);
	for (i = 0; i < 8; i++)
		d[i] += 100;
	nkt_rank_wilcoxon(d, 8, 0.95, &want);
	CHECK_NEAR(r.overall.e2e.s.est, want.est, 1e-9);
	CHECK_NEAR(r.overall.e2e.s.ci.lo, want.ci.lo, 1e-9);
	CHECK_NEAR(r.overall.e2e.s.ci.hi, want.ci.hi, 1e-9);
	CHECK_NEAR(r.overall.e2e.s.p, 2.0 / 256, 1e-12);
	CHECK(r.overall.e2e.claim);
	nkt_verdict_text(&r.overall, 0.95, v, sizeof(v));
	CHECK(strncmp(v, "TTK is 99.7 ms faster than China Unicom, the same 8 "
			 "hosts measured over both (95% CI 99.4-99.9 ms, "
			 "Wilcoxon signed-rank p=0.008)",
		      121) == 0);
	/* Pinned, no source set: not said to be forward-only. */
	CHECK_INT(r.overall.pinned_one_return, 0);
	nkt_cmp_result_free(&r);
	/* Every observation pinned from one source: the replies shared one
	 * return route, the difference is the forward paths'. */
	for (i = 0; i < 16; i++)
		o[i].src = 0xc000020au;
	nkt_cmp_summarize(o, k, &cfg, &r);
	CHECK_INT(r.overall.pinned_one_return, 1);
	nkt_cmp_result_free(&r);
	/* One source per uplink: the replies may come back apart. */
	for (i = 8; i < 16; i++)
		o[i].src = 0xc000020bu;
	nkt_cmp_summarize(o, k, &cfg, &r);
	CHECK_INT(r.overall.pinned_one_return, 0);
	nkt_cmp_result_free(&r);
	/* One measurement routed, not pinned: not forward-only either. */
	for (i = 0; i < 16; i++)
		o[i].src = 0xc000020au;
	o[3].via = 0;
	nkt_cmp_summarize(o, k, &cfg, &r);
	CHECK_INT(r.overall.pinned_one_return, 0);
	nkt_cmp_result_free(&r);
	o[3].via = 1;
	/* Every measurement pinned: the forward paths say nothing of the
	 * /24's carrier; the uplink its replies came back by does. */
	cfg.via_name[1] = "China Unicom";
	cfg.via_name[2] = "TTK";
	cfg.via_ifindex[1] = 5;
	cfg.via_ifindex[2] = 7;
	for (i = 0; i < 16; i++)
		o[i].reply_ifindex = 7;
	nkt_cmp_summarize(o, k, &cfg, &r);
	CHECK_INT(r.n_prefix, 2);
	for (i = 0; i < (int)r.n_prefix; i++) {
		int ttk = strcmp(r.prefix[i].name, "TTK") == 0;
		CHECK_INT(r.prefix[i].carrier, ttk);
		CHECK_INT(r.prefix[i].return_carrier, ttk);
	}
	nkt_cmp_result_free(&r);
	/* 9 of 16 came back by the China uplink: China carries it. */
	for (i = 0; i < 9; i++)
		o[i].reply_ifindex = 5;
	nkt_cmp_summarize(o, k, &cfg, &r);
	for (i = 0; i < (int)r.n_prefix; i++)
		CHECK_INT(r.prefix[i].carrier,
			  strcmp(r.prefix[i].name, "China Unicom") == 0);
	nkt_cmp_result_free(&r);
	/* 8 and 8: no majority, no carrier claimed. */
	o[8].reply_ifindex = 7;
	nkt_cmp_summarize(o, k, &cfg, &r);
	for (i = 0; i < (int)r.n_prefix; i++)
		CHECK_INT(r.prefix[i].carrier, 0);
	nkt_cmp_result_free(&r);
	/* Replies whose interface is unknown (an import): none either. */
	for (i = 0; i < 16; i++)
		o[i].reply_ifindex = 0;
	nkt_cmp_summarize(o, k, &cfg, &r);
	for (i = 0; i < (int)r.n_prefix; i++)
		CHECK_INT(r.prefix[i].carrier, 0);
	nkt_cmp_result_free(&r);
	free_all(o, k);
}

/* Observation i in time slot i % 6. */
static void spread_slots(struct nkt_cmp_obs *o, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		o[i].start_ns = (uint64_t)(i % 6) * NKT_CMP_SLOT_S *
				1000000000ull;
}

/* Loss over hosts: one host losing 60% is not "the transit loses more",
 * and a dark host is not loss at all; measured in six slots (a burst is
 * shared by a transit's hosts at one moment: slots count too). */
static void test_loss(void)
{
	static const double off[6] = {0, 1, 2, 3, 4, 5};
	struct nkt_cmp_obs o[14];
	struct nkt_cmp_cfg cfg;
	struct nkt_cmp_result r;
	double heavy[10] = {190, 0, 0, 191, 0, 0, 190, 0, 190, 0};
	char v[1024];
	size_t k = 0, i;

	hosts(o, &k, 0xaf2db001u, CHINA, 290, off, 6, 0);
	hosts(o, &k, 0xaf2db101u, TTK, 190, off, 6, 0);
	nkt_cmp_obs_free(&o[11]);
	o[11] = obs(0xaf2db106u, TTK, NKT_METHOD_TCP, heavy, 10);
	nkt_cmp_unify(o, k);
	spread_slots(o, k);
	test_cfg(&cfg, 0.95);
	nkt_cmp_summarize(o, k, &cfg, &r);
	/* 6 of 35 TTK probes lost, all by one host: Fisher's exact test
	 * over probes says p=0.025; over hosts it is no evidence. */
	CHECK_INT(row(&r, "TTK")->lost, 6);
	CHECK(r.overall.loss.available);
	CHECK(!r.overall.loss.claim);
	CHECK(r.overall.loss.d.p > 0.05);
	nkt_verdict_text(&r.overall, 0.95, v, sizeof(v));
	CHECK(strstr(v, "; loss 0.0% vs 17.1%, no clear difference") != NULL);
	nkt_cmp_result_free(&r);
	/* A host that answers 6 probes, then none of its last 10: it went
	 * dark; its loss rate is its first six probes' (0). */
	nkt_cmp_obs_free(&o[11]);
	{
		double gone[16] = {190, 191, 190, 190, 189, 190};
		o[11] = obs(0xaf2db106u, TTK, NKT_METHOD_TCP, gone, 16);
	}
	nkt_cmp_unify(o, k);
	spread_slots(o, k);
	nkt_cmp_summarize(o, k, &cfg, &r);
	CHECK_INT(row(&r, "TTK")->went_dark, 1);
	CHECK_INT(row(&r, "TTK")->lost, 0);
	CHECK_INT(row(&r, "TTK")->sent, 31);
	nkt_verdict_text(&r.overall, 0.95, v, sizeof(v));
	CHECK(strstr(v, "; 1 host via TTK went dark while measured (not "
			"counted as loss)") != NULL);
	nkt_cmp_result_free(&r);
	/* Every TTK host losing 2 of 5: a real difference. */
	for (i = 6; i < 12; i++) {
		nkt_cmp_obs_free(&o[i]);
		{
			double l[5] = {190, 0, 191, 0, 190};
			o[i] = obs(0xaf2db101u + (uint32_t)(i - 6), TTK,
				   NKT_METHOD_TCP, l, 5);
		}
	}
	nkt_cmp_unify(o, k);
	spread_slots(o, k);
	nkt_cmp_summarize(o, k, &cfg, &r);
	CHECK(r.overall.loss.claim);
	nkt_verdict_text(&r.overall, 0.95, v, sizeof(v));
	CHECK(strstr(v, "; loss 0.0% via China Unicom vs 40.0% via TTK, a real "
			"difference") != NULL);
	nkt_cmp_result_free(&r);
	free_all(o, k);
}

/* Several /24s measured over both transits: Holm over each /24's own
 * comparisons (its pair's end to end, border and loss), a family per /24
 * (the question asked of it). */
static void test_holm(void)
{
	static const double off[6] = {0, 1, 2, 3, 4, 5};
	struct nkt_cmp_obs o[36];
	struct nkt_cmp_cfg cfg;
	struct nkt_cmp_result r;
	char v[1024];
	size_t k = 0, i;

	for (i = 0; i < 3; i++) {
		uint32_t net = 0xaf2db000u + ((uint32_t)i << 8) + 1;
		size_t j;
		hosts(o, &k, net, CHINA, 290, off, 6, 1);
		hosts(o, &k, net, TTK, 190, off, 6, 2);
		for (j = k - 6; j < k; j++) {
			size_t m;
			o[j].prefix = net & 0xffffff00u;
			for (m = 0; m < o[j].n_rtt; m++) /* distinct pairs */
				o[j].rtt[m] += 0.01 * (double)(j % 6);
		}
		for (j = k - 12; j < k - 6; j++)
			o[j].prefix = net & 0xffffff00u;
		for (j = k - 12; j < k; j++) /* host h in slot h */
			o[j].start_ns = (uint64_t)(j % 6) * NKT_CMP_SLOT_S *
					1000000000ull;
	}
	nkt_cmp_unify(o, k);
	test_cfg(&cfg, 0.95);
	nkt_cmp_summarize(o, k, &cfg, &r);
	CHECK_INT(r.n_pdiff, 3);
	for (i = 0; i < r.n_pdiff; i++) {
		/* a family per /24: its one pair's tests */
		CHECK_INT(r.pdiff[i].family, 3);
		CHECK_INT(r.pdiff[i].e2e.design, NKT_DESIGN_PAIRED);
		/* 6 pairs all one sign: exact p = 2/64.  The border test
		 * (6 flows and 6 slots, p 0.020 from the slots' tied
		 * differences) comes first in Holm's order: x3 = 0.059, no
		 * claim; the end-to-end one is multiplied by 2. */
		CHECK_NEAR(r.pdiff[i].e2e.s.p, 2.0 / 64, 1e-12);
		CHECK_NEAR(r.pdiff[i].e2e.p_holm, 2 * 2.0 / 64, 1e-12);
		CHECK(!r.pdiff[i].e2e.claim);
		CHECK_INT(r.pdiff[i].border.design, NKT_DESIGN_FLOWS_SLOTS);
		CHECK(r.pdiff[i].border.s.p < 2.0 / 64);
		CHECK_NEAR(r.pdiff[i].border.p_holm, 3 * r.pdiff[i].border.s.p,
			   1e-12);
		CHECK(!r.pdiff[i].border.claim);
	}
	/* its interval excludes 0, the adjusted p does not reach 0.05: never
	 * "no clear difference" beside that interval; 6 hosts over both give
	 * p 2/64 at best */
	nkt_verdict_text(&r.pdiff[0], 0.95, v, sizeof(v));
	CHECK(strncmp(v, "not enough evidence for an end-to-end verdict "
			 "between TTK and China Unicom to 175.45.176.0/24 "
			 "once its 3 tests are taken together",
		      119) == 0);
	CHECK(strstr(v, "Wilcoxon signed-rank p=0.031, p=0.062 after it") !=
	      NULL);
	CHECK(strstr(v, "6 hosts over both: at most 96.9% confidence before "
			"adjustment") != NULL);
	CHECK(strstr(v, "no clear end-to-end") == NULL);
	/* the border likewise: its interval excludes 0, Holm's p does not
	 * reach 0.05 */
	nkt_verdict_border(&r.pdiff[0], 0.95, NULL, v, sizeof(v));
	CHECK(strstr(v, "not enough evidence at the border (to "
			"175.45.176.0/24): ") == v);
	CHECK(strstr(v, "p=0.059 over the 3 tests taken together, does not "
			"reach the level") != NULL);
	CHECK(strstr(v, "no clear difference") == NULL);
	nkt_cmp_result_free(&r);
	free_all(o, k);
}

/* Several vantage points: the border over the vantage points that saw
 * both borders. */
static void test_vantage_border(void)
{
	static const double off[6] = {0, 1, 2, 3, 4, 5};
	struct nkt_cmp_obs o[12];
	struct nkt_cmp_cfg cfg;
	struct nkt_cmp_result r;
	size_t k = 0, i;

	hosts(o, &k, 0xaf2db001u, CHINA, 290, off, 6, 0);
	hosts(o, &k, 0xaf2db101u, TTK, 190, off, 6, 0);
	for (i = 0; i < 12; i++) {
		o[i].vantage = (uint32_t)(i % 6);
		/* each vantage's own distance, and differences that are
		 * not all equal */
		o[i].brtt[0] += (double)(i % 6) * (i < 6 ? 3 : 3.01);
	}
	nkt_cmp_unify(o, k);
	test_cfg(&cfg, 0.95);
	nkt_cmp_summarize(o, k, &cfg, &r);
	CHECK_INT(r.overall.border.design, NKT_DESIGN_VANTAGE);
	CHECK_INT(r.overall.border.units_a, 6);
	CHECK_NEAR(r.overall.border.s.est, 49 - 0.025, 1e-9);
	CHECK_NEAR(r.overall.border.s.p, 2.0 / 64, 1e-12);
	nkt_cmp_result_free(&r);
	free_all(o, k);
}

static void set_path(struct nkt_cmp_obs *o, uint32_t hop2);

static const char *arelion(void *ctx, uint32_t addr, char *net, size_t len)
{
	(void)ctx;
	(void)addr;
	(void)net;
	(void)len;
	return "Arelion Sweden AB";
}

/* The open world: an upstream the transits file does not name is a transit
 * of its own (its rows, its comparisons); one seen only over silent hops
 * is kept with that evidence and gives way to a hand-over seen by another
 * of the target's paths (a re-probe); only a target no public hop before
 * North Korea answered for is unattributed, and says why. */
static void test_attribution_evidence(void)
{
	double r[] = {190, 191, 190, 190, 189};
	struct nkt_cmp_obs o[4];
	struct nkt_cmp_cfg cfg;
	struct nkt_cmp_result res;
	int arl = nkt_transit_intern(&ts, 1299, 0x3e737801u, arelion, NULL);
	json_t *j, *d;
	size_t i;

	CHECK_INT(arl, 2);
	/* Arelion at hop 2, then silence to the target at 12. */
	o[0] = obs(0xaf2db10au, arl, NKT_METHOD_TCP, r, 5);
	o[0].attr.hop = 2;
	o[0].attr.gap = 9;
	o[0].last_foreign.present = 0;
	o[0].n_brtt = 0;
	/* Arelion handing over to North Korea: a transit of its own. */
	o[1] = obs(0xaf2db20au, arl, NKT_METHOD_TCP, r, 5);
	o[1].attr.hop = 8;
	o[1].first_inside = (struct nkt_border_hop){1, 9, 0, 2, 131279, 0};
	/* A target nothing before North Korea answered for. */
	o[3] = obs(0xaf2db30au, -1, NKT_METHOD_TCP, r, 5);
	o[3].attr.why = NKT_UNATTR_SILENT;
	o[3].attr.gap = NKT_GAP_UNKNOWN;
	/* A re-probe of the first target that saw TTK hand over: it
	 * attributes the target and counts nowhere else. */
	o[2] = obs(0xaf2db10au, TTK, NKT_METHOD_TCP, r, 5);
	o[2].reprobe = 1;
	{
		struct nkt_cmp_obs tmp = o[2];
		o[2] = o[3];
		o[3] = tmp;
	}
	nkt_cmp_unify(o, 3);
	CHECK_INT(o[0].tattr.transit, arl);
	CHECK_INT(o[0].tattr.gap, 9);
	CHECK_INT(o[1].tattr.transit, arl);
	CHECK_INT(o[2].tattr.transit, -1);
	test_cfg(&cfg, 0.95);
	nkt_cmp_summarize(o, 3, &cfg, &res);
	CHECK_INT(res.unattributed, 1);
	CHECK_INT(res.weak, 1);
	CHECK_INT(res.n_transit, 1);
	CHECK_STR(res.transit[0].name, "AS1299 Arelion Sweden AB");
	CHECK_INT(res.transit[0].targets, 2);
	CHECK_INT(res.n_prefix, 2);
	for (i = 0; i < res.n_prefix; i++)
		CHECK_INT(res.prefix[i].carrier, 1);
	j = nkt_cmp_json(&res, o, 3, &cfg, 0, 0);
	d = json_array_get(json_object_get(j, "targets_detail"), 2);
	CHECK_STR(json_string_value(json_object_get(d, "transit")),
		  "unattributed");
	CHECK(strncmp(json_string_value(json_object_get(d, "why")),
		      "no hop before the target's AS answered", 38) == 0);
	d = json_array_get(json_object_get(j, "targets_detail"), 0);
	CHECK_INT(json_integer_value(json_object_get(
			  json_object_get(d, "evidence"), "gap")),
		  9);
	d = json_array_get(json_object_get(j, "transits"), 0);
	CHECK(json_is_false(json_object_get(d, "configured")));
	json_decref(j);
	nkt_cmp_result_free(&res);

	nkt_cmp_unify(o, 4);
	CHECK_INT(o[0].tattr.transit, TTK);
	CHECK_INT(o[0].tattr.gap, 0);
	CHECK_INT(o[1].tattr.transit, arl); /* saw its own hand-over */
	nkt_cmp_summarize(o, 4, &cfg, &res);
	CHECK_INT(res.unattributed, 1);
	CHECK_INT(res.weak, 0);
	CHECK_INT(res.observations, 3);
	CHECK_INT(res.reprobes, 1);
	CHECK_INT(res.targets, 3);
	CHECK(row(&res, "TTK") != NULL && row(&res, "TTK")->n_rtt == 5);
	CHECK(row(&res, "AS1299 Arelion Sweden AB") != NULL);
	/* two transits with targets: compared overall */
	CHECK_INT(res.overall.valid, 1);
	CHECK_STR(res.overall.a, "TTK");
	CHECK_STR(res.overall.b, "AS1299 Arelion Sweden AB");
	nkt_cmp_result_free(&res);
	free_all(o, 4);
}

/* Three transits: every pair with targets compared, the two carrying the
 * most targets first, each pair its own family (a third transit does not
 * weaken the first two's claim); per /24, the family is the /24's pairs. */
static void test_three_transits(void)
{
	static const double off[8] = {0, 3, 6, 9, 12, 15, 18, 21};
	struct nkt_cmp_obs o[40];
	struct nkt_cmp_cfg cfg;
	struct nkt_cmp_result r2, r3;
	size_t k = 0, k2;
	int arl = nkt_transit_intern(&ts, 1299, 0x3e737801u, arelion, NULL);

	hosts(o, &k, 0xaf2db001u, CHINA, 290, off, 8, 0);
	hosts(o, &k, 0xaf2db101u, TTK, 190, off, 8, 0);
	k2 = k;
	hosts(o, &k, 0xaf2db201u, arl, 240, off, 6, 0);
	nkt_cmp_unify(o, k);
	test_cfg(&cfg, 0.95);
	nkt_cmp_summarize(o, k2, &cfg, &r2);
	nkt_cmp_summarize(o, k, &cfg, &r3);
	CHECK_INT(r3.n_transit, 3);
	CHECK_STR(r3.transit[2].name, "AS1299 Arelion Sweden AB");
	CHECK_STR(r3.overall.a, "China Unicom");
	CHECK_STR(r3.overall.b, "TTK");
	CHECK_INT(r3.n_odiff, 2);
	CHECK_STR(r3.odiff[0].b, "AS1299 Arelion Sweden AB");
	CHECK_STR(r3.odiff[1].b, "AS1299 Arelion Sweden AB");
	/* the first pair's verdict is as without the third transit */
	CHECK_INT(r3.overall.family, r2.overall.family);
	CHECK_NEAR(r3.overall.e2e.p_holm, r2.overall.e2e.p_holm, 1e-12);
	CHECK_INT(r3.overall.e2e.claim, r2.overall.e2e.claim);
	CHECK_INT(r3.overall.e2e.claim, 1);
	CHECK_INT(r3.odiff[0].e2e.claim, 1);
	CHECK_INT(r3.n_pdiff, 0); /* each /24 over one transit */
	nkt_cmp_result_free(&r2);
	nkt_cmp_result_free(&r3);
	free_all(o, k);
}

/* Paths to the border are counted within one vantage point: sixty vantage
 * points, each with its own first hops, are not sixty load-balanced
 * paths. */
static void test_paths_per_vantage(void)
{
	struct nkt_cmp_obs o[60];
	struct nkt_cmp_cfg cfg;
	struct nkt_cmp_result r;
	static const double rtt[3] = {290, 291, 290};
	const struct nkt_cmp_stats *s;
	size_t i;

	for (i = 0; i < 60; i++) {
		o[i] = obs(0xaf2db047u, CHINA, NKT_METHOD_TCP, rtt, 3);
		o[i].unit = (uint32_t)i;
		o[i].vantage = (uint32_t)(i / 2);
		set_path(&o[i], 0x0b000000u + (uint32_t)(i / 2));
		o[i].path[0] = 0x0a000000u + (uint32_t)i; /* own first hop */
	}
	/* vantage point 0 sees two paths of its own */
	test_cfg(&cfg, 0.95);
	nkt_cmp_unify(o, 60);
	nkt_cmp_summarize(o, 60, &cfg, &r);
	s = row(&r, "China Unicom");
	CHECK(s != NULL);
	if (s != NULL) {
		CHECK_INT(s->paths, 2);
		CHECK_INT(s->vantages, 30);
	}
	nkt_cmp_result_free(&r);
	for (i = 0; i < 60; i++)
		o[i].path[0] = 0x0a000000u + (uint32_t)(i / 2);
	nkt_cmp_summarize(o, 60, &cfg, &r);
	s = row(&r, "China Unicom");
	CHECK(s != NULL && s->paths == 1);
	nkt_cmp_result_free(&r);
	free_all(o, 60);
}

/* Rate limiting leaves an earlier router last in some traces: the border
 * is the furthest last foreign hop, or the one the first hop inside
 * confirms. */
static void test_border_choice(void)
{
	static const double off[6] = {0, 1, 2, 3, 4, 5};
	struct nkt_cmp_obs o[6];
	struct nkt_cmp_cfg cfg;
	struct nkt_cmp_result r;
	size_t k = 0, i;

	hosts(o, &k, 0xaf2db001u, CHINA, 290, off, 6, 0);
	for (i = 0; i < 4; i++) { /* Dandong (hop 6) last: border silent */
		o[i].last_foreign.addr = 0x3c170001u;
		o[i].last_foreign.hop = 6;
		o[i].brtt[0] = 225;
	}
	nkt_cmp_unify(o, k);
	test_cfg(&cfg, 0.95);
	nkt_cmp_summarize(o, k, &cfg, &r);
	CHECK_U64(r.transit[0].border_addr, 1); /* hop 8, the furthest */
	CHECK_INT(r.transit[0].border_n, 2);
	CHECK_NEAR(r.transit[0].border_rtt, 234, 1e-9);
	nkt_cmp_result_free(&r);
	/* Confirmed by the NK border answering right after Dandong: that
	 * wins over a further unconfirmed one. */
	o[0].first_inside = (struct nkt_border_hop){1, 7, 0, 9, 131279, 0};
	nkt_cmp_summarize(o, k, &cfg, &r);
	CHECK_U64(r.transit[0].border_addr, 0x3c170001u);
	nkt_cmp_result_free(&r);
	free_all(o, k);
}

static void test_json(void)
{
	static const double off[6] = {0, 4, -3, 11, 7, -6};
	struct nkt_cmp_obs o[12];
	struct nkt_cmp_cfg cfg;
	struct nkt_cmp_result r;
	size_t k = 0;
	json_t *j, *d;

	hosts(o, &k, 0xaf2db001u, CHINA, 290, off, 6, 0);
	hosts(o, &k, 0xaf2db101u, TTK, 190, off, 6, 0);
	nkt_cmp_unify(o, k);
	test_cfg(&cfg, 0.95);
	nkt_cmp_summarize(o, k, &cfg, &r);
	j = nkt_cmp_json(&r, o, k, &cfg, 1795000000ULL * 1000000000ULL,
			 1795000060ULL * 1000000000ULL);
	d = json_object_get(j, "difference");
	CHECK_STR(json_string_value(json_object_get(j, "type")), "compare");
	CHECK_INT(json_array_size(json_object_get(j, "transits")), 2);
	CHECK_INT(json_integer_value(json_object_get(j, "min_units")), 5);
	CHECK_STR(json_string_value(json_object_get(
			  json_object_get(d, "rtt_ms"), "design")),
		  "hosts");
	CHECK(json_is_true(json_object_get(json_object_get(d, "rtt_ms"),
					   "claim")));
	/* one moment from one vantage point: no border test, and why */
	CHECK(json_is_null(json_object_get(
		json_object_get(d, "border_rtt_ms"), "test")));
	CHECK_INT(json_integer_value(json_object_get(
			  json_object_get(d, "border_rtt_ms"), "slots")),
		  1);
	CHECK(strstr(json_string_value(json_object_get(
			     json_object_get(d, "border_rtt_ms"), "why")),
		     "is a single unit") != NULL);
	CHECK(json_is_string(json_object_get(d, "border_verdict")));
	CHECK_INT(json_array_size(json_object_get(j, "targets_detail")), 12);
	json_decref(j);
	nkt_cmp_result_free(&r);
	free_all(o, k);
}

/* Paths over a load-balanced transit: distinct paths to the border and
 * the spread of their median border RTTs (paths 1: 185, 186, 187 ms ->
 * 186; path 2: 189, 190 -> 189.5; spread 3.5); a trace whose hop 2 was
 * silent is the same path, not a third; one path: no spread; traces
 * without a border hop count no path; the same border a hop further on
 * (a longer branch) is another path. */
static void set_path(struct nkt_cmp_obs *o, uint32_t hop2)
{
	free(o->path);
	o->path = nkt_xcalloc(3, sizeof(uint32_t));
	o->path[0] = 0x0a000001u;
	o->path[1] = hop2;
	o->path[2] = 0x0a000003u;
	o->n_path = 3;
}

static void test_paths(void)
{
	struct nkt_cmp_obs o[7];
	struct nkt_cmp_cfg cfg;
	struct nkt_cmp_result r;
	static const double rtt[3] = {190, 191, 190};
	static const double b[] = {185, 186, 187, 189, 190};
	const struct nkt_cmp_stats *s;
	size_t i;

	for (i = 0; i < 7; i++) {
		o[i] = obs(0xaf2db100u + (uint32_t)i, TTK, NKT_METHOD_TCP, rtt,
			   3);
		set_path(&o[i], i < 3 ? 0x0b000001u : 0x0b000002u);
		if (i < 5)
			o[i].brtt[0] = b[i];
	}
	set_path(&o[2], 0); /* hop 2 silent: still path 1 */
	free(o[5].path);  /* no border hop */
	o[5].path = NULL;
	o[5].n_brtt = 0;
	o[6].n_brtt = 0;  /* a border hop, no RTT for it */
	test_cfg(&cfg, 0.95);
	nkt_cmp_unify(o, 7);
	nkt_cmp_summarize(o, 7, &cfg, &r);
	s = row(&r, "TTK");
	CHECK(s != NULL);
	if (s == NULL)
		return;
	CHECK_INT(s->paths, 2);
	CHECK_NEAR(s->path_spread, 3.5, 1e-9);
	nkt_cmp_result_free(&r);
	for (i = 3; i < 7; i++)
		if (i != 5)
			set_path(&o[i], 0x0b000001u);
	nkt_cmp_summarize(o, 7, &cfg, &r);
	s = row(&r, "TTK");
	CHECK_INT(s->paths, 1);
	CHECK(isnan(s->path_spread));
	nkt_cmp_result_free(&r);
	free(o[6].path); /* the same border, one hop further */
	o[6].path = nkt_xcalloc(4, sizeof(uint32_t));
	o[6].path[0] = 0x0a000001u;
	o[6].path[1] = 0x0b000001u;
	o[6].path[2] = 0x0c000001u;
	o[6].path[3] = 0x0a000003u;
	o[6].n_path = 4;
	o[6].last_foreign.hop++;
	nkt_cmp_summarize(o, 7, &cfg, &r);
	s = row(&r, "TTK");
	CHECK_INT(s->paths, 2);
	nkt_cmp_result_free(&r);
	free_all(o, 7);
}

int main(void)
{
	static const char tj[] =
		"{\"transits\":[{\"name\":\"China Unicom\",\"asns\":[4837,"
		"134544]},{\"name\":\"TTK\",\"asns\":[20485]}]}";
	nkt_transits_parse(tj, sizeof(tj) - 1, "t", &ts, NULL);
	test_observe();
	test_summary();
	test_hosts_design();
	test_unequal_spreads();
	test_one_host();
	test_one_host_many_vantages();
	test_paired();
	test_loss();
	test_holm();
	test_vantage_border();
	test_attribution_evidence();
	test_three_transits();
	test_paths_per_vantage();
	test_border_choice();
	test_json();
	test_paths();
	test_split();
	return nkt_test_done("test_compare");
}
