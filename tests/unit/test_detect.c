// SPDX-License-Identifier: ISC
/*
 * test_detect.c: change and outage detection between cycles on hand-made
 * cycles (groups and their hosts): every event kind fires when its rule
 * says and stays quiet just below the thresholds (jitter, small loss
 * changes, minority shares, one host's own trouble).
 */
#include "nkt_test.h"
#include "nktrace/detect.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* Hosts of the baseline: TTK 3 in 177 and 3 in 178 (19.5 ms, each its
 * own few tenths), China 10 (29.4 ms); 20 probes each, TTK hosts losing
 * one in twenty, China's none. */
#define NH 16
static struct nkt_hist_host hb[NH];

static void host(struct nkt_hist_host *h, const char *transit,
		 const char *prefix, int i, double rtt, unsigned sent,
		 unsigned lost)
{
	memset(h, 0, sizeof(*h));
	snprintf(h->transit, sizeof(h->transit), "%s", transit);
	snprintf(h->prefix, sizeof(h->prefix), "%s", prefix);
	snprintf(h->addr, sizeof(h->addr), "%.*s%d",
		 (int)strlen(prefix) - 4, prefix, 10 + i);
	h->rtt_median = rtt;
	h->sent = sent;
	h->lost = lost;
}

static void base_hosts(struct nkt_hist_host *h)
{
	int i;
	for (i = 0; i < 3; i++) {
		host(&h[i], "TTK", P177, i, 19.5 + 0.1 * i, 20, i == 1);
		host(&h[3 + i], "TTK", P178, i, 19.4 + 0.1 * i, 20, i == 2);
	}
	for (i = 0; i < 10; i++)
		host(&h[6 + i], "China Unicom",
		     i < 5 ? "175.45.176.0/24" : "175.45.179.0/24", i,
		     29.4 + 0.05 * i, 20, 0);
}

static struct nkt_hist_cycle cyc(struct nkt_hist_group *g, size_t n,
				 struct nkt_hist_host *h, size_t nh)
{
	struct nkt_hist_cycle c;
	memset(&c, 0, sizeof(c));
	c.run = 1;
	c.start = 1000;
	c.g = g;
	c.n = n;
	c.h = h;
	c.n_h = nh;
	return c;
}

/* The baseline: 177 over TTK, 178 over TTK, both transits healthy. */
static void baseline(struct nkt_hist_group *g)
{
	g[0] = grp("", "China Unicom", 0, 10, 10, 29.4, 0.1, 200, 0, NULL);
	g[1] = grp("", "TTK", 0, 6, 6, 19.5, 0.1, 120, 2, NULL);
	g[2] = grp(P177, "TTK", 1, 3, 3, 19.5, 0.1, 60, 1, "188.43.225.153");
	g[3] = grp(P178, "TTK", 1, 3, 3, 19.4, 0.1, 60, 1, "188.43.225.153");
}

/* What a history of the baseline knows: both transits have carried /24s
 * (China Unicom 176 and 179, which the baseline's rows leave out). */
static const char *const known_names[] = {"China Unicom", "TTK"};
static const struct nkt_hist_known known = {known_names, 2};

static size_t run_h(struct nkt_hist_group *cur, size_t n_cur,
		    struct nkt_hist_host *hc, struct nkt_hist_group *prev,
		    size_t n_prev, struct nkt_hist_host *hp,
		    struct nkt_event **ev)
{
	struct nkt_hist_cycle c = cyc(cur, n_cur, hc, NH),
			      p = cyc(prev, n_prev, hp, NH);
	size_t n = 0;
	free(*ev);
	*ev = NULL;
	nkt_detect(&c, &p, 1, &known, ev, &n);
	return n;
}

/* Both cycles with the baseline's hosts. */
static size_t run(struct nkt_hist_group *cur, size_t n_cur,
		  struct nkt_hist_group *prev, size_t n_prev,
		  struct nkt_event **ev)
{
	static struct nkt_hist_host a[NH];
	base_hosts(a);
	base_hosts(hb);
	return run_h(cur, n_cur, a, prev, n_prev, hb, ev);
}

static void test_first_and_steady(void)
{
	struct nkt_hist_group a[4], b[4];
	struct nkt_hist_host ha[NH], hbb[NH];
	struct nkt_hist_cycle c;
	struct nkt_event *ev = NULL;
	size_t n = 0, i;

	baseline(a);
	base_hosts(ha);
	c = cyc(a, 4, ha, NH);
	nkt_detect(&c, NULL, 0, NULL, &ev, &n);
	CHECK_INT(n, 0);

	/* Jitter inside the thresholds: every TTK host +1 ms (< 2 ms), one
	 * more lost probe here and there. */
	baseline(b);
	base_hosts(hbb);
	for (i = 0; i < 6; i++) {
		hbb[i].rtt_median += 1.0;
		hbb[i].lost += i % 2;
	}
	CHECK_INT(run_h(b, 4, hbb, a, 4, ha, &ev), 0);
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
	CHECK_STR(ev[0].message,
		  P177 " moved from TTK to China Unicom (3 of 3 paths)");

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
	struct nkt_hist_host ha[NH], hbb[NH];
	struct nkt_event *ev = NULL;
	size_t n, i, prefix_outage = 0, transit_outage = 0;

	baseline(a);
	baseline(b);
	base_hosts(ha);
	base_hosts(hbb);
	/* TTK dark: both its prefixes and the transit reach nothing; its
	 * hosts answer nothing (no host_dark on top of the outage). */
	b[1] = grp("", "TTK", 0, 6, 0, NAN, 0, 120, 120, NULL);
	b[2] = grp(P177, "TTK", 1, 3, 0, NAN, 0, 60, 60, "188.43.225.153");
	b[3] = grp(P178, "TTK", 1, 3, 0, NAN, 0, 60, 60, "188.43.225.153");
	for (i = 0; i < 6; i++) {
		hbb[i].lost = hbb[i].sent;
		hbb[i].rtt_median = NAN;
	}
	n = run_h(b, 4, hbb, a, 4, ha, &ev);
	CHECK_INT(n, 3);
	for (i = 0; i < n; i++) {
		CHECK_STR(ev[i].kind, "outage");
		prefix_outage += ev[i].prefix[0] != '\0';
		transit_outage += strcmp(ev[i].transit, "TTK") == 0;
	}
	CHECK_INT(prefix_outage, 2);
	CHECK_INT(transit_outage, 1);

	/* And back: recovery events; no RTT or loss shift against the dark
	 * cycle (it has no RTT and no host that answered). */
	n = run_h(a, 4, ha, b, 4, hbb, &ev);
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

/* One host going dark is that, not loss. */
static void test_dark_host(void)
{
	struct nkt_hist_group a[4], b[4];
	struct nkt_hist_host ha[NH], hbb[NH];
	struct nkt_event *ev = NULL;

	baseline(a);
	baseline(b);
	base_hosts(ha);
	base_hosts(hbb);
	hbb[4].lost = hbb[4].sent;
	hbb[4].rtt_median = NAN;
	b[1].lost += 20;
	CHECK_INT(run_h(b, 4, hbb, a, 4, ha, &ev), 1);
	CHECK_STR(ev[0].kind, "host_dark");
	CHECK_STR(ev[0].transit, "TTK");
	CHECK_STR(ev[0].message, "1 of 6 hosts over TTK stopped answering "
				 "(175.45.178.11)");
	/* And back. */
	CHECK_INT(run_h(a, 4, ha, b, 4, hbb, &ev), 1);
	CHECK_STR(ev[0].kind, "host_back");
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

	/* A few paths through an upstream the file does not name, carrying
	 * no /24, raise nothing. */
	baseline(c);
	c[4] = grp("", "AS3356 Level 3", 0, 1, 1, 50, 1, 20, 0, NULL);
	c[4].defined = 0;
	CHECK_INT(run(c, 5, a, 4, &ev), 0);
	free(ev);
}

/* The open world: a /24 moves onto an upstream nobody configured.  The
 * move names it, the upstream is a new transit (once: a history that saw
 * it carry a /24 before does not say so again), and the transit left
 * says where its /24s went. */
/* A /24 routing has no route to: not probed, an event; and back. */
static void test_routes(void)
{
	struct nkt_hist_group a[4], b[3];
	struct nkt_hist_host ha[NH], hbb[NH];
	struct nkt_hist_cycle c, p;
	struct nkt_event *ev = NULL;
	size_t n = 0;

	baseline(a);
	b[0] = a[0];
	b[1] = a[1];
	b[2] = a[2]; /* 178 not measured: no route */
	b[1].targets = 3;
	base_hosts(ha);
	base_hosts(hbb);
	c = cyc(b, 3, ha, NH);
	p = cyc(a, 4, hbb, NH);
	c.unrouted = nkt_xcalloc(1, sizeof(*c.unrouted));
	snprintf(c.unrouted[0], sizeof(c.unrouted[0]), "%s", P178);
	c.n_unrouted = 1;
	nkt_detect(&c, &p, 1, &known, &ev, &n);
	CHECK_INT(n, 1);
	if (n >= 1) {
		CHECK_STR(ev[0].kind, "no_route");
		CHECK_STR(ev[0].prefix, P178);
		CHECK_STR(ev[0].message,
			  P178 " has no route on the vantage point: not probed "
			       "(3 targets measured before; a withdrawn "
			       "route?)");
	}
	free(ev);
	ev = NULL;
	n = 0;
	/* still none: not said again; then back */
	p = c;
	nkt_detect(&c, &p, 1, &known, &ev, &n);
	CHECK_INT(n, 0);
	c = cyc(a, 4, ha, NH);
	nkt_detect(&c, &p, 1, &known, &ev, &n);
	CHECK_INT(n, 1);
	if (n >= 1)
		CHECK_STR(ev[0].kind, "route_back");
	free(ev);
	free(p.unrouted);
}

static void test_new_transit(void)
{
	struct nkt_hist_group a[4], b[5], d[4];
	struct nkt_event *ev = NULL;
	static const char *const seen[] = {"China Unicom", "TTK",
					   "AS1299 Arelion Sweden AB"};
	const struct nkt_hist_known k3 = {seen, 3};
	struct nkt_hist_host ha[NH], hbb[NH];
	struct nkt_hist_cycle c, p;
	size_t n, i, moved = 0, newt = 0, gone = 0;

	baseline(a);
	/* 177 and 178 now over Arelion; TTK gone */
	b[0] = a[0];
	b[1] = grp("", "AS1299 Arelion Sweden AB", 0, 6, 6, 24.1, 0.1, 120,
		   1, NULL);
	b[1].defined = 0;
	b[2] = grp(P177, "AS1299 Arelion Sweden AB", 1, 3, 3, 24.1, 0.1, 60,
		   1, "62.115.44.1");
	b[3] = grp(P178, "AS1299 Arelion Sweden AB", 1, 3, 3, 24.0, 0.1, 60,
		   0, "62.115.44.1");
	b[2].defined = b[3].defined = 0;
	n = run(b, 4, a, 4, &ev);
	for (i = 0; i < n; i++) {
		if (strcmp(ev[i].kind, "prefix_moved") == 0) {
			moved++;
			CHECK_STR(ev[i].to, "AS1299 Arelion Sweden AB");
		} else if (strcmp(ev[i].kind, "new_transit") == 0) {
			newt++;
			CHECK_STR(ev[i].transit, "AS1299 Arelion Sweden AB");
			CHECK_STR(ev[i].prefix, P177);
			CHECK_STR(ev[i].message,
				  P177 ", " P178 " are now reached via AS1299 "
				       "Arelion Sweden AB, a transit this "
				       "history has not seen carry a /24 "
				       "before (6 targets' paths cross it)");
		} else if (strcmp(ev[i].kind, "transit_disappeared") == 0) {
			gone++;
			CHECK_STR(ev[i].transit, "TTK");
			CHECK_STR(ev[i].message,
				  "TTK disappeared: no path crosses it (6 "
				  "targets before); its /24s: " P177
				  " now via AS1299 Arelion Sweden AB; " P178
				  " now via AS1299 Arelion Sweden AB");
		} else
			CHECK_STR(ev[i].kind, "none other");
	}
	CHECK_INT(moved, 2);
	CHECK_INT(newt, 1);
	CHECK_INT(gone, 1);

	/* A history that saw Arelion carry a /24 before (in measurement
	 * time) does not call it new. */
	base_hosts(ha);
	base_hosts(hbb);
	c = cyc(b, 4, ha, NH);
	p = cyc(a, 4, hbb, NH);
	free(ev);
	ev = NULL;
	n = 0;
	nkt_detect(&c, &p, 1, &k3, &ev, &n);
	for (i = 0; i < n; i++)
		CHECK(strcmp(ev[i].kind, "new_transit") != 0);

	/* Only 1 of 3 of a /24's targets over it (under the carrying
	 * share): no new transit yet. */
	baseline(d);
	d[2] = grp(P177, "AS1299 Arelion Sweden AB", 0.2, 1, 1, 24, 0.1, 20, 0,
		   NULL);
	d[2].defined = 0;
	n = run(d, 4, a, 4, &ev);
	for (i = 0; i < n; i++)
		CHECK(strcmp(ev[i].kind, "new_transit") != 0);
	free(ev);
}

static void test_rtt_shift(void)
{
	struct nkt_hist_group a[4], b[4];
	struct nkt_hist_host ha[NH], hbb[NH];
	struct nkt_event *ev = NULL;
	size_t i;

	baseline(a);
	baseline(b);
	base_hosts(ha);
	base_hosts(hbb);
	/* +7.5 ms on every TTK host: one transit event; the prefix rows
	 * moved with it and are not reported again. */
	for (i = 0; i < 6; i++)
		hbb[i].rtt_median += 7.5;
	b[1].rtt_median = 27.0;
	CHECK_INT(run_h(b, 4, hbb, a, 4, ha, &ev), 1);
	CHECK_STR(ev[0].kind, "rtt_shift");
	CHECK_STR(ev[0].transit, "TTK");
	CHECK_STR(ev[0].prefix, "");
	CHECK_NEAR(ev[0].before, 19.5, 1e-9);
	CHECK_NEAR(ev[0].after, 27.0, 1e-9);
	CHECK_STR(ev[0].message, "RTT over TTK rose by 7.5 ms (19.5 to 27.0 "
				 "ms; 6 of the 6 hosts measured both times "
				 "moved that way)");

	/* One host +45 ms, the others not: its own business, no shift of
	 * the transit. */
	base_hosts(hbb);
	hbb[2].rtt_median += 45;
	CHECK_INT(run_h(b, 4, hbb, a, 4, ha, &ev), 0);

	/* Only the 178 hosts moved: a prefix-level event. */
	base_hosts(hbb);
	for (i = 3; i < 6; i++)
		hbb[i].rtt_median += 20.6;
	CHECK_INT(run_h(b, 4, hbb, a, 4, ha, &ev), 1);
	CHECK_STR(ev[0].prefix, P178);
	CHECK(strncmp(ev[0].message, "RTT to " P178 " over TTK rose by 20.6 "
				     "ms",
		      46) == 0);

	/* 5% of a long RTT is the bar: +10 ms on 300 is not enough, +16
	 * is. */
	a[0] = grp("", "China Unicom", 0, 10, 10, 300, 0.1, 200, 2, NULL);
	base_hosts(hbb);
	base_hosts(ha);
	for (i = 6; i < 16; i++) {
		ha[i].rtt_median = 300 + 0.1 * (double)i;
		hbb[i].rtt_median = 310 + 0.1 * (double)i;
	}
	CHECK_INT(run_h(b, 4, hbb, a, 4, ha, &ev), 0);
	for (i = 6; i < 16; i++)
		hbb[i].rtt_median = 316 + 0.1 * (double)i;
	CHECK_INT(run_h(b, 4, hbb, a, 4, ha, &ev), 1);
	free(ev);
}

/* A cycle of RIPE Atlas results: hosts x vantage points, vantage point v
 * at its own distance base[v] from every host, plus noise; present[v]
 * says whether v measured this cycle; names are the vantage points'. */
#define WV 40
#define WH 4
static const char *const wnames[WV] = {
	"prb 1",  "prb 2",  "prb 3",  "prb 4",	"prb 5",  "prb 6",  "prb 7",
	"prb 8",  "prb 9",  "prb 10", "prb 11", "prb 12", "prb 13", "prb 14",
	"prb 15", "prb 16", "prb 17", "prb 18", "prb 19", "prb 20", "prb 21",
	"prb 22", "prb 23", "prb 24", "prb 25", "prb 26", "prb 27", "prb 28",
	"prb 29", "prb 30", "prb 31", "prb 32", "prb 33", "prb 34", "prb 35",
	"prb 36", "prb 37", "prb 38", "prb 39", "prb 40"};

static double unif(uint64_t *st)
{
	*st = *st * 6364136223846793005ULL + 1442695040888963407ULL;
	return (double)(*st >> 11) / 9007199254740992.0;
}

static double gauss(uint64_t *st)
{
	double u = unif(st), v = unif(st);
	return sqrt(-2 * log(u + 1e-300)) * cos(2 * M_PI * v);
}

static void world(struct nkt_hist_cycle *c, int64_t run, const double *base,
		  const int *present, double shift, uint64_t *st, int reverse)
{
	struct nkt_cmp_result r;
	struct nkt_cmp_stats tr;
	size_t h, v, k;

	memset(&tr, 0, sizeof(tr));
	snprintf(tr.name, sizeof(tr.name), "China Unicom");
	tr.configured = 1;
	tr.targets = tr.reached = WH;
	tr.rtt_median = 250;
	memset(&r, 0, sizeof(r));
	r.transit = &tr;
	r.n_transit = 1;
	r.host = nkt_xcalloc(WH * WV, sizeof(*r.host));
	for (k = 0; k < WV; k++) {
		v = reverse ? WV - 1 - k : k;
		if (!present[v])
			continue;
		for (h = 0; h < WH; h++) {
			struct nkt_cmp_host *x = &r.host[r.n_host++];
			x->addr = 0xaf2db000u + 10 + (uint32_t)h;
			x->vantage = (uint32_t)v;
			x->prefix = 0xaf2db000u;
			x->prefix_len = 24;
			x->sent = 10;
			x->recv = 10;
			x->rtt_median = base[v] + shift + 2 * gauss(st);
		}
	}
	nkt_hist_from_result(&r, NULL, wnames, run, 1800000000 + 900 * run,
			     c);
	free(r.host);
}

static size_t shifts(const struct nkt_hist_cycle *cur,
		     const struct nkt_hist_cycle *prev)
{
	struct nkt_event *ev = NULL;
	size_t n_ev = 0, i, k = 0;
	nkt_detect(cur, prev, 1, &known, &ev, &n_ev);
	for (i = 0; i < n_ev; i++)
		k += strcmp(ev[i].kind, "rtt_shift") == 0;
	free(ev);
	return k;
}

/* Many vantage points see the same hosts (RIPE Atlas): each (host,
 * vantage point) is kept and paired with itself from cycle to cycle (a
 * vantage point's RTT is its own distance as much as the host's); a
 * host's change is the median of its vantage points' changes.  Before,
 * the history kept one arbitrary vantage point's RTT per host: 200
 * steady probes listed in another order raised false rtt_shift events.
 * Then the calibration the issue asks for: noise sd 2 ms, vantage points
 * 100-400 ms from the hosts coming and going (each present with
 * probability 0.7): no change raises an event in at most 1% of 500
 * worlds, a 20 ms change is found in 90% or more. */
static void test_vantage_hosts(void)
{
	double base[WV];
	int all[WV], some[WV];
	struct nkt_hist_cycle a, b;
	uint64_t st = 42;
	size_t v, rep, false_ev = 0, found = 0;

	for (v = 0; v < WV; v++) {
		base[v] = 100 + 300 * unif(&st);
		all[v] = 1;
		some[v] = v % 3 != 0;
	}
	world(&a, 1, base, all, 0, &st, 0);
	CHECK_INT(a.n_h, WH * WV); /* one per (host, vantage point) */
	CHECK_STR(a.h[WH].vantage, "prb 2");
	world(&b, 2, base, all, 0, &st, 1); /* the order reversed */
	CHECK_INT(shifts(&b, &a), 0);
	nkt_hist_cycle_free(&b);
	world(&b, 2, base, some, 0, &st, 1); /* a third of them gone */
	CHECK_INT(shifts(&b, &a), 0);
	nkt_hist_cycle_free(&b);
	world(&b, 2, base, some, 20, &st, 0); /* +20 ms */
	CHECK_INT(shifts(&b, &a), 1);
	nkt_hist_cycle_free(&b);
	nkt_hist_cycle_free(&a);

	for (rep = 0; rep < 500; rep++) {
		int p1[WV], p2[WV];
		for (v = 0; v < WV; v++) {
			base[v] = 100 + 300 * unif(&st);
			p1[v] = unif(&st) < 0.7;
			p2[v] = unif(&st) < 0.7;
		}
		world(&a, 1, base, p1, 0, &st, 0);
		world(&b, 2, base, p2, 0, &st, rep % 2);
		false_ev += shifts(&b, &a) > 0;
		nkt_hist_cycle_free(&b);
		world(&b, 2, base, p2, 20, &st, rep % 2);
		found += shifts(&b, &a) > 0;
		nkt_hist_cycle_free(&b);
		nkt_hist_cycle_free(&a);
	}
	printf("vantage-point worlds: no change: %zu of 500 with an event; "
	       "+20 ms: found in %zu of 500\n",
	       false_ev, found);
	CHECK(false_ev <= 5);
	CHECK(found >= 450);
}

static void test_loss_shift(void)
{
	struct nkt_hist_group a[4], b[4];
	struct nkt_hist_host ha[NH], hbb[NH];
	struct nkt_event *ev = NULL;
	size_t i;

	baseline(a);
	baseline(b);
	base_hosts(ha);
	base_hosts(hbb);
	/* Every TTK host loses 6 or 7 of 20 now (2/120 -> 39/120). */
	for (i = 0; i < 6; i++)
		hbb[i].lost = 6 + (i % 2);
	CHECK_INT(run_h(b, 4, hbb, a, 4, ha, &ev), 1);
	CHECK_STR(ev[0].kind, "loss_shift");
	CHECK_STR(ev[0].transit, "TTK");
	CHECK_NEAR(ev[0].before, 2.0 / 120, 1e-12);
	CHECK_NEAR(ev[0].after, 39.0 / 120, 1e-12);
	CHECK(strstr(ev[0].message, "loss over TTK rose from 1.7% to 32.5% "
				    "over the 6 hosts") == ev[0].message);

	/* The same 37 extra losses from one host: Fisher over probes would
	 * shout; over hosts it is one host's trouble. */
	base_hosts(hbb);
	hbb[3].lost = 19;
	CHECK_INT(run_h(b, 4, hbb, a, 4, ha, &ev), 0);

	/* Too few probes to tell. */
	base_hosts(hbb);
	for (i = 0; i < 6; i++) {
		ha[i].sent = hbb[i].sent = 3;
		ha[i].lost = 0;
		hbb[i].lost = 2;
	}
	CHECK_INT(run_h(b, 4, hbb, a, 4, ha, &ev), 0);
	free(ev);
}

static void test_border_and_history(void)
{
	struct nkt_hist_group a[4], b[4], c[4];
	struct nkt_hist_host ha[NH], hbb[NH], hc[NH];
	struct nkt_hist_cycle cur, prev[2];
	struct nkt_event *ev = NULL;
	size_t n = 0, i;

	baseline(a);
	baseline(b);
	snprintf(b[3].border, sizeof(b[3].border), "%s", "80.237.106.1");
	CHECK_INT(run(b, 4, a, 4, &ev), 1);
	CHECK_STR(ev[0].kind, "new_border");
	CHECK_STR(ev[0].from, "188.43.225.153");
	CHECK_STR(ev[0].to, "80.237.106.1");

	/* The previous cycle has no hosts for TTK (an older history): the
	 * shift is measured against the cycle before. */
	baseline(c);
	base_hosts(hc);
	for (i = 0; i < 6; i++)
		snprintf(hc[i].transit, sizeof(hc[i].transit), "gone");
	baseline(b);
	base_hosts(hbb);
	base_hosts(ha);
	for (i = 0; i < 6; i++)
		hbb[i].rtt_median = 30.0 + 0.1 * (double)i;
	cur = cyc(b, 4, hbb, NH);
	prev[0] = cyc(c, 4, hc, NH);
	prev[1] = cyc(a, 4, ha, NH);
	free(ev);
	ev = NULL;
	nkt_detect(&cur, prev, 2, NULL, &ev, &n);
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
		json_decref(j);
	}
	free(ev);
}

/* 178's border in a sequence of cycles (oldest first, a border address
 * and its hop each); the new_border events of the last cycle. */
static size_t borders(const char *const *addr, const uint8_t *hop, size_t k,
		      struct nkt_event **ev)
{
	struct nkt_hist_group g[8][4];
	struct nkt_hist_host h[NH];
	struct nkt_hist_cycle cur, prev[8];
	size_t i, n = 0, m = 0;

	base_hosts(h);
	for (i = 0; i < k; i++) {
		baseline(g[i]);
		snprintf(g[i][3].border, sizeof(g[i][3].border), "%s",
			 addr[i]);
		g[i][3].border_hop = hop[i];
	}
	cur = cyc(g[k - 1], 4, h, NH);
	for (i = 0; i + 1 < k; i++) /* most recent first */
		prev[i] = cyc(g[k - 2 - i], 4, h, NH);
	free(*ev);
	*ev = NULL;
	nkt_detect(&cur, prev, k - 1, NULL, ev, &n);
	for (i = 0; i < n; i++)
		m += strcmp((*ev)[i].kind, "new_border") == 0;
	return m;
}

/* A border hidden by loss is not a new border: an earlier router is one
 * only once it has held 3 cycles; going back to the border it hid is no
 * change; a border at the same hop or further is one at once. */
static void test_border_unseen(void)
{
	static const char B[] = "188.43.225.153", E[] = "80.237.106.1",
			  N[] = "188.43.225.200";
	const char *seq[6];
	uint8_t hop[6];
	struct nkt_event *ev = NULL;

	seq[0] = B, seq[1] = E, hop[0] = 8, hop[1] = 7;
	CHECK_INT(borders(seq, hop, 2, &ev), 0); /* unseen, not gone */
	seq[2] = B, hop[2] = 8;
	CHECK_INT(borders(seq, hop, 3, &ev), 0); /* back: no change */
	seq[2] = E, hop[2] = 7;
	CHECK_INT(borders(seq, hop, 3, &ev), 0); /* 2 cycles: not yet */
	seq[3] = E, hop[3] = 7;
	CHECK_INT(borders(seq, hop, 4, &ev), 1); /* held 3 cycles */
	CHECK_STR(ev[0].from, B);
	CHECK_STR(ev[0].to, E);
	seq[4] = E, hop[4] = 7;
	CHECK_INT(borders(seq, hop, 5, &ev), 0); /* said once */
	seq[5] = B, hop[5] = 8;
	CHECK_INT(borders(seq, hop, 6, &ev), 1); /* and back, said */
	seq[1] = N, hop[1] = 8;
	CHECK_INT(borders(seq, hop, 2, &ev), 1); /* same hop: at once */
	seq[1] = N, hop[1] = 9;
	CHECK_INT(borders(seq, hop, 2, &ev), 1); /* further: at once */
	seq[1] = E, hop[1] = 0; /* hops unknown (older history): at once */
	CHECK_INT(borders(seq, hop, 2, &ev), 1);
	free(ev);
}

int main(void)
{
	test_first_and_steady();
	test_prefix_moved();
	test_outage_recovery();
	test_dark_host();
	test_transit_appeared();
	test_new_transit();
	test_routes();
	test_rtt_shift();
	test_vantage_hosts();
	test_loss_shift();
	test_border_and_history();
	test_border_unseen();
	return nkt_test_done("test_detect");
}
