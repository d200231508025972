// SPDX-License-Identifier: ISC
/*
 * test_detect.c: change and outage detection between cycles on hand-made
 * cycles: every event kind fires when its rule says and stays quiet just
 * below the thresholds (jitter, small loss changes, minority shares).
 */
#include "nkt_test.h"
#include "nktrace/detect.h"

#include <math.h>

#define P177 "175.45.177.0/24"
#define P178 "175.45.178.0/24"

/* A transit row (prefix "") or a (prefix, transit) row. */
static struct nkt_hist_group grp(const char *prefix, const char *transit,
				 double share, unsigned targets,
				 unsigned reached, double rtt, double ci,
				 unsigned sent, unsigned lost,
				 const char *border)
{
	struct nkt_hist_group g;
	memset(&g, 0, sizeof(g));
	snprintf(g.prefix, sizeof(g.prefix), "%s", prefix);
	snprintf(g.transit, sizeof(g.transit), "%s", transit);
	g.defined = strncmp(transit, "other", 5) != 0;
	g.share = share;
	g.carrier = share >= 0.5;
	g.targets = targets;
	g.reached = reached;
	g.rtt_median = rtt;
	g.rtt_lo = isnan(rtt) ? NAN : rtt - ci;
	g.rtt_hi = isnan(rtt) ? NAN : rtt + ci;
	g.sent = sent;
	g.lost = lost;
	snprintf(g.border, sizeof(g.border), "%s", border ? border : "");
	return g;
}

static struct nkt_hist_cycle cyc(struct nkt_hist_group *g, size_t n)
{
	struct nkt_hist_cycle c;
	c.run = 1;
	c.start = 1000;
	c.g = g;
	c.n = n;
	return c;
}

/* The baseline: 177 over TTK, 178 over TTK, both transits healthy. */
static void baseline(struct nkt_hist_group *g)
{
	g[0] = grp("", "China Unicom", 0, 10, 10, 29.4, 0.1, 200, 2, NULL);
	g[1] = grp("", "TTK", 0, 6, 6, 19.5, 0.1, 120, 4, NULL);
	g[2] = grp(P177, "TTK", 1, 3, 3, 19.5, 0.1, 60, 2, "188.43.225.153");
	g[3] = grp(P178, "TTK", 1, 3, 3, 19.4, 0.1, 60, 2, "188.43.225.153");
}

static size_t run(struct nkt_hist_group *cur, size_t n_cur,
		  struct nkt_hist_group *prev, size_t n_prev,
		  struct nkt_event **ev)
{
	struct nkt_hist_cycle c = cyc(cur, n_cur), p = cyc(prev, n_prev);
	size_t n = 0;
	free(*ev);
	*ev = NULL;
	nkt_detect(&c, &p, 1, ev, &n);
	return n;
}

static void test_first_and_steady(void)
{
	struct nkt_hist_group a[4], b[4];
	struct nkt_hist_cycle c;
	struct nkt_event *ev = NULL;
	size_t n = 0;

	baseline(a);
	c = cyc(a, 4);
	nkt_detect(&c, NULL, 0, &ev, &n);
	CHECK_INT(n, 0);

	/* Jitter inside the thresholds: RTT +1 ms (CIs apart, < 2 ms),
	 * loss 4/120 -> 7/120, one more lost prefix probe. */
	baseline(b);
	b[1].rtt_median += 1.0;
	b[1].rtt_lo += 1.0;
	b[1].rtt_hi += 1.0;
	b[1].lost = 7;
	b[2].lost = 3;
	CHECK_INT(run(b, 4, a, 4, &ev), 0);
	free(ev);
}

static void test_prefix_moved(void)
{
	struct nkt_hist_group a[4], b[5];
	struct nkt_event *ev = NULL;

	baseline(a);
	baseline(b);
	b[2] = grp(P177, "China Unicom", 1, 3, 3, 29.4, 0.1, 60, 1,
		   "103.35.254.1");
	CHECK_INT(run(b, 4, a, 4, &ev), 1);
	CHECK_STR(ev[0].kind, "prefix_moved");
	CHECK_STR(ev[0].prefix, P177);
	CHECK_STR(ev[0].from, "TTK");
	CHECK_STR(ev[0].to, "China Unicom");
	CHECK_STR(ev[0].message, P177 " moved from TTK to China Unicom");

	/* Split: 2 of 3 targets over China, 1 over TTK. */
	b[2] = grp(P177, "China Unicom", 2.0 / 3, 2, 2, 29.4, 0.1, 40, 0,
		   "103.35.254.1");
	b[4] = grp(P177, "TTK", 1.0 / 3, 1, 1, 19.5, 0.1, 20, 0,
		   "188.43.225.153");
	CHECK_INT(run(b, 5, a, 4, &ev), 1);
	CHECK_STR(ev[0].to, "China Unicom and TTK");
	CHECK_STR(ev[0].message,
		  P177 " now goes over China Unicom and TTK (was TTK)");

	/* A share under NKT_DETECT_SHARE does not count as carrying. */
	b[2] = grp(P177, "China Unicom", 0.2, 1, 1, 29.4, 0.1, 20, 0,
		   "103.35.254.1");
	b[4] = grp(P177, "TTK", 0.8, 4, 4, 19.5, 0.1, 80, 2,
		   "188.43.225.153");
	CHECK_INT(run(b, 5, a, 4, &ev), 0);
	free(ev);
}

static void test_outage_recovery(void)
{
	struct nkt_hist_group a[4], b[4];
	struct nkt_event *ev = NULL;
	size_t n, i, prefix_outage = 0, transit_outage = 0;

	baseline(a);
	baseline(b);
	/* TTK dark: both its prefixes and the transit reach nothing. */
	b[1] = grp("", "TTK", 0, 6, 0, NAN, 0, 0, 0, NULL);
	b[2] = grp(P177, "TTK", 1, 3, 0, NAN, 0, 0, 0, "188.43.225.153");
	b[3] = grp(P178, "TTK", 1, 3, 0, NAN, 0, 0, 0, "188.43.225.153");
	n = run(b, 4, a, 4, &ev);
	CHECK_INT(n, 3);
	for (i = 0; i < n; i++) {
		CHECK_STR(ev[i].kind, "outage");
		prefix_outage += ev[i].prefix[0] != '\0';
		transit_outage += strcmp(ev[i].transit, "TTK") == 0;
	}
	CHECK_INT(prefix_outage, 2);
	CHECK_INT(transit_outage, 1);

	/* And back: recovery events; no RTT or loss shift against the dark
	 * cycle (it has no RTT and too few probes). */
	n = run(a, 4, b, 4, &ev);
	CHECK_INT(n, 3);
	for (i = 0; i < n; i++)
		CHECK_STR(ev[i].kind, "recovery");

	/* A prefix with no target measured is not "out". */
	b[1] = a[1];
	b[2] = grp(P177, "TTK", 1, 0, 0, NAN, 0, 0, 0, NULL);
	b[3] = a[3];
	CHECK_INT(run(b, 4, a, 4, &ev), 0);
	free(ev);
}

static void test_transit_appeared(void)
{
	struct nkt_hist_group a[4], b[3], c[5];
	struct nkt_event *ev = NULL;
	size_t n;

	baseline(a);
	/* TTK gone: both prefixes over China. */
	b[0] = grp("", "China Unicom", 0, 16, 16, 29.4, 0.1, 320, 3, NULL);
	b[1] = grp(P177, "China Unicom", 1, 3, 3, 29.4, 0.1, 60, 1, NULL);
	b[2] = grp(P178, "China Unicom", 1, 3, 3, 29.4, 0.1, 60, 1, NULL);
	n = run(b, 3, a, 4, &ev);
	CHECK_INT(n, 3);
	CHECK_STR(ev[0].kind, "prefix_moved");
	CHECK_STR(ev[1].kind, "prefix_moved");
	CHECK_STR(ev[2].kind, "transit_disappeared");
	CHECK_STR(ev[2].transit, "TTK");

	n = run(a, 4, b, 3, &ev);
	CHECK_INT(n, 3);
	CHECK_STR(ev[2].kind, "transit_appeared");

	/* Paths through an AS that is no defined transit raise nothing. */
	baseline(c);
	c[4] = grp("", "other AS3356", 0, 1, 1, 50, 1, 20, 0, NULL);
	CHECK_INT(run(c, 5, a, 4, &ev), 0);
	free(ev);
}

static void test_rtt_shift(void)
{
	struct nkt_hist_group a[4], b[4];
	struct nkt_event *ev = NULL;

	baseline(a);
	baseline(b);
	/* +7.5 ms on TTK: one transit event; the prefix rows moved with it
	 * and are not reported again. */
	b[1] = grp("", "TTK", 0, 6, 6, 27.0, 0.1, 120, 4, NULL);
	b[2] = grp(P177, "TTK", 1, 3, 3, 27.0, 0.1, 60, 2, "188.43.225.153");
	b[3] = grp(P178, "TTK", 1, 3, 3, 26.9, 0.1, 60, 2, "188.43.225.153");
	CHECK_INT(run(b, 4, a, 4, &ev), 1);
	CHECK_STR(ev[0].kind, "rtt_shift");
	CHECK_STR(ev[0].transit, "TTK");
	CHECK_STR(ev[0].prefix, "");
	CHECK_NEAR(ev[0].before, 19.5, 1e-9);
	CHECK_NEAR(ev[0].after, 27.0, 1e-9);
	CHECK_STR(ev[0].message, "RTT over TTK rose from 19.5 to 27.0 ms");

	/* The same shift with overlapping intervals is not a shift. */
	b[1] = grp("", "TTK", 0, 6, 6, 27.0, 4.0, 120, 4, NULL);
	a[1] = grp("", "TTK", 0, 6, 6, 19.5, 4.0, 120, 4, NULL);
	b[2] = a[2];
	b[3] = a[3];
	CHECK_INT(run(b, 4, a, 4, &ev), 0);

	/* Only one prefix moved: a prefix-level event. */
	baseline(a);
	baseline(b);
	b[3] = grp(P178, "TTK", 1, 3, 3, 40.0, 0.1, 60, 2, "188.43.225.153");
	CHECK_INT(run(b, 4, a, 4, &ev), 1);
	CHECK_STR(ev[0].prefix, P178);
	CHECK_STR(ev[0].message,
		  "RTT to " P178 " over TTK rose from 19.4 to 40.0 ms");

	/* 5% of a long RTT is the bar: 300 -> 310 ms is not enough. */
	a[0] = grp("", "China Unicom", 0, 10, 10, 300, 0.1, 200, 2, NULL);
	baseline(b);
	b[0] = grp("", "China Unicom", 0, 10, 10, 310, 0.1, 200, 2, NULL);
	a[3] = b[3];
	CHECK_INT(run(b, 4, a, 4, &ev), 0);
	b[0] = grp("", "China Unicom", 0, 10, 10, 316, 0.1, 200, 2, NULL);
	CHECK_INT(run(b, 4, a, 4, &ev), 1);
	free(ev);
}

static void test_loss_shift(void)
{
	struct nkt_hist_group a[4], b[4];
	struct nkt_event *ev = NULL;

	baseline(a);
	baseline(b);
	b[1].lost = 44; /* 4/120 -> 44/120 */
	CHECK_INT(run(b, 4, a, 4, &ev), 1);
	CHECK_STR(ev[0].kind, "loss_shift");
	CHECK_STR(ev[0].transit, "TTK");
	CHECK_NEAR(ev[0].before, 4.0 / 120, 1e-12);
	CHECK_NEAR(ev[0].after, 44.0 / 120, 1e-12);
	CHECK(strstr(ev[0].message, "loss over TTK rose from 3.3% to 36.7%") ==
	      ev[0].message);

	/* 4/120 -> 12/120: p = 0.06, not significant at 0.001. */
	b[1].lost = 12;
	CHECK_INT(run(b, 4, a, 4, &ev), 0);

	/* Too few probes to tell. */
	a[1].sent = 10;
	a[1].lost = 0;
	b[1].sent = 10;
	b[1].lost = 9;
	CHECK_INT(run(b, 4, a, 4, &ev), 0);
	free(ev);
}

static void test_border_and_history(void)
{
	struct nkt_hist_group a[4], b[4], c[4];
	struct nkt_hist_cycle cur, prev[2];
	struct nkt_event *ev = NULL;
	size_t n = 0;

	baseline(a);
	baseline(b);
	snprintf(b[3].border, sizeof(b[3].border), "%s", "80.237.106.1");
	CHECK_INT(run(b, 4, a, 4, &ev), 1);
	CHECK_STR(ev[0].kind, "new_border");
	CHECK_STR(ev[0].from, "188.43.225.153");
	CHECK_STR(ev[0].to, "80.237.106.1");

	/* The previous cycle saw no RTT for TTK (rate limiting hid it all):
	 * the shift is measured against the cycle before. */
	baseline(c);
	c[1] = grp("", "TTK", 0, 6, 6, NAN, 0, 0, 0, NULL);
	baseline(b);
	b[1] = grp("", "TTK", 0, 6, 6, 30.0, 0.1, 120, 4, NULL);
	cur = cyc(b, 4);
	prev[0] = cyc(c, 4);
	prev[1] = cyc(a, 4);
	free(ev);
	ev = NULL;
	nkt_detect(&cur, prev, 2, &ev, &n);
	CHECK_INT(n, 1);
	CHECK_STR(ev[0].kind, "rtt_shift");
	CHECK_NEAR(ev[0].before, 19.5, 1e-9);

	{
		json_t *j = nkt_event_json(&ev[0], 1795800000, 7);
		CHECK_STR(json_string_value(json_object_get(j, "type")),
			  "event");
		CHECK_STR(json_string_value(json_object_get(j, "kind")),
			  "rtt_shift");
		CHECK_INT(json_integer_value(json_object_get(j, "run")), 7);
		CHECK(json_object_get(j, "prefix") == NULL);
		CHECK_NEAR(json_real_value(json_object_get(j, "after")), 30.0,
			   1e-9);
		json_decref(j);
	}
	free(ev);
}

int main(void)
{
	test_first_and_steady();
	test_prefix_moved();
	test_outage_recovery();
	test_transit_appeared();
	test_rtt_shift();
	test_loss_shift();
	test_border_and_history();
	return nkt_test_done("test_detect");
}
