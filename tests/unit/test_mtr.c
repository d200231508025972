// SPDX-License-Identifier: ISC
/* test_mtr.c: per-hop statistics over rounds (hopstats.c) from recorded
 * rounds, and mtr's table and JSON (out_mtr.c) over them.  The RTTs are
 * chosen so that mean and sample standard deviation are known exactly. */
#include "nkt_test.h"
#include "nktrace/hopstats.h"
#include "nktrace/out_mtr.h"

#include <stdlib.h>
#include <string.h>

#define DST 0xaf2db10au /* 175.45.177.10 */

/* One round: TTL 1 from 10.0.0.1 at rtt1_ms (0: a timeout), TTL 2 silent,
 * TTL 3 the destination at rtt3_ms, a duplicate at TTL 1 and an
 * end-to-end probe that must not count. */
static void round_of(struct nkt_trace *t, double rtt1_ms, double rtt3_ms)
{
	struct nkt_hop_reply *h;

	memset(t, 0, sizeof(*t));
	t->flow.dst = DST;
	h = nkt_trace_add(t);
	h->ttl = 1;
	if (rtt1_ms > 0) {
		h->flags = NKT_PF_REPLY;
		h->from = 0x0a000001u;
		h->rtt_ns = (uint64_t)(rtt1_ms * 1e6);
		h = nkt_trace_add(t);
		h->ttl = 1;
		h->flags = NKT_PF_REPLY | NKT_PF_DUP;
		h->from = 0x0a000001u;
		h->rtt_ns = 1;
	}
	h = nkt_trace_add(t);
	h->ttl = 2;
	h = nkt_trace_add(t);
	h->ttl = 3;
	h->flags = NKT_PF_REPLY;
	h->from = DST;
	h->rtt_ns = (uint64_t)(rtt3_ms * 1e6);
	h = nkt_trace_add(t);
	h->ttl = 3;
	h->flags = NKT_PF_REPLY | NKT_PF_E2E;
	h->from = DST;
	h->rtt_ns = 999;
	h = nkt_trace_add(t); /* beyond the destination: not shown */
	h->ttl = 4;
}

static void test_stats(void)
{
	struct nkt_hopstats *s = nkt_xcalloc(1, sizeof(*s));
	struct nkt_trace t;
	const double r1[] = {10, 20, 30, 0}, r3[] = {50, 52, 54, 56};
	size_t i;

	nkt_hopstats_init(s, DST);
	CHECK_INT(nkt_hopstats_last(s), 0);
	for (i = 0; i < 4; i++) {
		round_of(&t, r1[i], r3[i]);
		nkt_hopstats_add(s, &t);
		free(t.r);
	}
	CHECK_INT(s->rounds, 4);
	CHECK_INT(s->hop[1].sent, 4); /* the duplicate is not a probe */
	CHECK_INT(s->hop[1].recv, 3);
	CHECK_NEAR(nkt_hopstat_loss_pct(&s->hop[1]), 25.0, 1e-9);
	CHECK_NEAR(nkt_hopstat_avg_ms(&s->hop[1]), 20.0, 1e-9);
	CHECK_NEAR(nkt_hopstat_stdev_ms(&s->hop[1]), 10.0, 1e-9);
	CHECK_U64(s->hop[1].best_ns, 10000000);
	CHECK_U64(s->hop[1].worst_ns, 30000000);
	CHECK_U64(s->hop[1].last_ns, 30000000); /* the last answer */
	CHECK_INT(s->hop[2].sent, 4);
	CHECK_INT(s->hop[2].recv, 0);
	CHECK_NEAR(nkt_hopstat_loss_pct(&s->hop[2]), 100.0, 1e-9);
	CHECK_INT(s->hop[3].sent, 4); /* the end-to-end probe is not */
	CHECK_NEAR(nkt_hopstat_avg_ms(&s->hop[3]), 53.0, 1e-9);
	/* sample sd of 50,52,54,56 = sqrt(20/3) */
	CHECK_NEAR(nkt_hopstat_stdev_ms(&s->hop[3]), 2.581988897, 1e-6);
	CHECK_INT(s->dst_ttl, 3);
	CHECK_INT(nkt_hopstats_last(s), 3);
	CHECK_INT(s->hop[1].n_addr, 1);
	/* Jitter (mtr's j): |RTT - the previous RTT| at each answer after
	 * the first (the timeout in between is no answer): 10, 10; the
	 * interarrival estimate J += (|D| - J) / 16 from 0: 0.625, then
	 * 0.625 + 9.375/16. */
	CHECK_NEAR(nkt_hopstat_jttr_ms(&s->hop[1]), 10.0, 1e-9);
	CHECK_NEAR(nkt_hopstat_javg_ms(&s->hop[1]), 10.0, 1e-9);
	CHECK_NEAR(nkt_hopstat_jmax_ms(&s->hop[1]), 10.0, 1e-9);
	CHECK_NEAR(nkt_hopstat_jint_ms(&s->hop[1]), 1.2109375, 1e-9);
	CHECK_NEAR(nkt_hopstat_jint_ms(&s->hop[3]), 0.35205078125, 1e-9);
	CHECK_NEAR(nkt_hopstat_javg_ms(&s->hop[2]), 0.0, 1e-12);
	free(s);
}

/* Jitter from unequal steps: 100, 130, 120, 121 ms. */
static void test_jitter(void)
{
	struct nkt_hopstats *s = nkt_xcalloc(1, sizeof(*s));
	struct nkt_trace t;
	const double r3[] = {100, 130, 120, 121};
	size_t i;

	nkt_hopstats_init(s, DST);
	for (i = 0; i < 4; i++) {
		round_of(&t, 0, r3[i]);
		nkt_hopstats_add(s, &t);
		free(t.r);
		if (i == 0)
			CHECK_NEAR(nkt_hopstat_jmax_ms(&s->hop[3]), 0.0,
				   1e-12); /* one answer: no jitter */
	}
	CHECK_NEAR(nkt_hopstat_jttr_ms(&s->hop[3]), 1.0, 1e-6);
	CHECK_NEAR(nkt_hopstat_javg_ms(&s->hop[3]), 41.0 / 3, 1e-6);
	CHECK_NEAR(nkt_hopstat_jmax_ms(&s->hop[3]), 30.0, 1e-6);
	/* 30/16 = 1.875; + (10 - 1.875)/16; + (1 - that)/16 */
	{
		double j = 1.875;
		j += (10 - j) / 16;
		j += (1 - j) / 16;
		CHECK_NEAR(nkt_hopstat_jint_ms(&s->hop[3]), j, 1e-6);
	}
	free(s);
}

/* Without the destination: the last answering TTL and one silent more. */
static void test_last(void)
{
	struct nkt_hopstats *s = nkt_xcalloc(1, sizeof(*s));
	struct nkt_trace t;
	size_t i;

	nkt_hopstats_init(s, 0x01020304u);
	round_of(&t, 5, 7); /* its "destination" is another address */
	for (i = 0; i < t.n; i++)
		if (t.r[i].from == DST)
			t.r[i].from = 0x0a000003u;
	nkt_hopstats_add(s, &t);
	free(t.r);
	CHECK_INT(s->dst_ttl, 0);
	CHECK_INT(nkt_hopstats_last(s), 4);
	free(s);
}

static void test_out(void)
{
	struct nkt_hopstats *s = nkt_xcalloc(1, sizeof(*s));
	struct nkt_mtr_col c[2];
	struct nkt_trace t;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	json_t *j, *hubs;

	nkt_hopstats_init(s, DST);
	round_of(&t, 10, 50);
	nkt_hopstats_add(s, &t);
	free(t.r);
	round_of(&t, 0, 52);
	nkt_hopstats_add(s, &t);
	free(t.r);
	memset(c, 0, sizeof(c));
	c[0].title = "china";
	c[0].s = s;
	c[1].title = "ttk";
	c[1].carrier = "AS9002 RETN Limited";
	c[1].s = s;
	f = open_memstream(&buf, &len);
	CHECK_INT(nkt_mtr_text(f, c, 2, NULL, 300), 0);
	fclose(f);
	CHECK(strstr(buf, "  1. 10.0.0.1                                 "
			  "50.0%     2   10.0   10.0   10.0   10.0    0.0 | "
			  "10.0.0.1") != NULL);
	CHECK(strstr(buf, "  2. ???") != NULL);
	CHECK(strstr(buf, "  3. 175.45.177.10") != NULL);
	CHECK(strstr(buf, "  4.") == NULL);
	CHECK(strstr(buf, "| ttk: transit AS9002 RETN Limited") != NULL);
	free(buf);
	/* Too narrow for side by side: one under the other. */
	buf = NULL;
	f = open_memstream(&buf, &len);
	CHECK_INT(nkt_mtr_text(f, c, 2, NULL, 100), 0);
	fclose(f);
	CHECK(strstr(buf, " | ") == NULL);
	CHECK(strstr(buf, "     ttk") != NULL);
	free(buf);
	/* Layouts: at 80 columns two uplinks side by side in the brief
	 * layout, one in the narrow one; every line fits. */
	CHECK_INT(nkt_mtr_layout_for(2, 80), NKT_MTR_BRIEF);
	CHECK_INT(nkt_mtr_layout_for(1, 80), NKT_MTR_NARROW);
	CHECK_INT(nkt_mtr_layout_for(2, 190), NKT_MTR_FULL);
	CHECK_INT(nkt_mtr_layout_for(2, 160), NKT_MTR_NARROW);
	{
		static const struct {
			size_t n;
			unsigned width;
			enum nkt_mtr_layout want;
			const char *row;
		} L[] = {
			{2, 80, NKT_MTR_AUTO,
			 "  1. 10.0.0.1          50.0%    2   10.0  | "
			 "10.0.0.1          50.0%    2   10.0 "},
			{1, 80, NKT_MTR_AUTO,
			 "  1. 10.0.0.1                      50.0%    2   10.0"
			 "   10.0   10.0   10.0   0.0"},
			{2, 80, NKT_MTR_NARROW, NULL}, /* stacked */
			{2, 190, NKT_MTR_BRIEF, NULL},
		};
		size_t k;
		for (k = 0; k < NKT_ARRAY_LEN(L); k++) {
			char *line, *save = NULL;
			size_t widest = 0, bars = 0;
			buf = NULL;
			f = open_memstream(&buf, &len);
			CHECK_INT(nkt_mtr_text_layout(f, c, L[k].n, NULL,
						      L[k].width, L[k].want,
						      0),
				  0);
			fclose(f);
			if (L[k].row != NULL)
				CHECK(strstr(buf, L[k].row) != NULL);
			for (line = strtok_r(buf, "\n", &save); line;
			     line = strtok_r(NULL, "\n", &save)) {
				if (strlen(line) > widest)
					widest = strlen(line);
				bars += strstr(line, " | ") != NULL;
			}
			CHECK(widest <= L[k].width);
			/* stacked (narrow at 80) has no separator */
			CHECK(k == 2 ? bars == 0 : L[k].n == 1 || bars > 0);
			free(buf);
		}
	}
	/* j: the jitter fields in place of Avg Best Wrst StDev, the same
	 * widths (hop 1's answers 10 and 10 ms: no jitter; hop 3's 50 and
	 * 52: 2 ms, its interarrival estimate 2/16) */
	buf = NULL;
	f = open_memstream(&buf, &len);
	CHECK_INT(nkt_mtr_text_layout(f, c, 1, NULL, 80, NKT_MTR_AUTO, 1), 0);
	fclose(f);
	CHECK(strstr(buf, "  Last   Jttr   Javg   Jmax  Jint") != NULL);
	CHECK(strstr(buf, "Best") == NULL);
	CHECK(strstr(buf, "    2   52.0    2.0    2.0    2.0   0.1") != NULL);
	free(buf);
	buf = NULL;
	f = open_memstream(&buf, &len);
	CHECK_INT(nkt_mtr_text_layout(f, c, 2, NULL, 80, NKT_MTR_AUTO, 1), 0);
	fclose(f);
	CHECK(strstr(buf, "Loss%  Snt   Javg") != NULL);
	free(buf);
	j = nkt_mtr_json(&c[0], "192.0.2.10", "175.45.177.10", 60, 0, NULL);
	hubs = json_object_get(json_object_get(j, "report"), "hubs");
	CHECK_INT(json_array_size(hubs), 3);
	CHECK_STR(json_string_value(json_object_get(json_array_get(hubs, 1),
						    "host")),
		  "???");
	CHECK_NEAR(json_real_value(json_object_get(json_array_get(hubs, 2),
						   "Avg")),
		   51.0, 1e-9);
	CHECK_INT(json_integer_value(json_object_get(
			  json_object_get(json_object_get(j, "report"), "mtr"),
			  "tests")),
		  2);
	json_decref(j);
	j = nkt_mtr_json(&c[1], "192.0.2.10", "175.45.177.10", 60, 0, NULL);
	CHECK_STR(json_string_value(json_object_get(
			  json_object_get(json_object_get(j, "report"), "mtr"),
			  "carrier")),
		  "AS9002 RETN Limited");
	json_decref(j);
	free(s);
}

int main(void)
{
	test_stats();
	test_jitter();
	test_last();
	test_out();
	return nkt_test_done("test_mtr");
}
