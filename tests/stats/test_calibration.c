// SPDX-License-Identifier: ISC
/*
 * test_calibration: compare's verdicts by simulation with a known truth.
 * No clock, no network: observations are drawn from a model of what North
 * Korea looks like from one vantage point, summarised and compared by the
 * same code `compare` and `import` run, thousands of times per regime.
 *
 * The model: each host has its own delay inside North Korea (normal,
 * 15 ms spread); each probe adds jitter (normal 1.5 ms, and one in fifty
 * delayed by up to 30 ms); each transit has a base RTT and a border RTT;
 * loss is per host (some hosts lose much more than others), per probe, or
 * in Gilbert-Elliott bursts; dark hosts answer nothing.  Regimes: 1, 2, 3,
 * 5 and 10 different hosts per side, 10 hosts over both transits, with no
 * difference and with a real 20 ms one, clustered and bursty loss, dark
 * hosts.
 *
 * Asserted, per regime:
 *  - with no difference, a claim (end to end, at the border, in loss) in
 *    at most 5% of replicates, plus the binomial allowance (the count a
 *    true 5% exceeds with probability 1e-4);
 *  - coverage of the nominal 95% intervals of the end-to-end, border and
 *    loss differences between 90% and 99% (where an interval exists; a
 *    verdict without one is "not enough evidence");
 *  - too few hosts: never a claim, always "not enough evidence";
 *  - a real 20 ms difference over 10 hosts measured over both transits:
 *    found in at least 80% of replicates.
 * It prints the table (regime, claims, coverage) the issue asks for.
 */
#include "nktrace/compare.h"
#include "nktrace/verdict.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHINA 0
#define TTK 1
#define REPS 1000
#define PROBES 18 /* six repeats of three packets */

static struct nkt_transits ts;
static uint64_t rng = 20261201;
static int failures;

static uint64_t next(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static double unit(void)
{
	return (double)(next() >> 11) * (1.0 / 9007199254740992.0);
}

static double gauss(void)
{
	double u = unit(), v = unit();
	return sqrt(-2 * log(u > 0 ? u : 1e-300)) * cos(2 * M_PI * v);
}

enum loss_model { LOSS_NONE, LOSS_IID, LOSS_HOSTS, LOSS_BURSTY };

struct regime {
	const char *name;
	size_t hosts_a, hosts_b; /* different hosts per side */
	size_t paired;           /* hosts measured over both (then a, b 0) */
	double e2e_diff;         /* transit A - transit B, ms */
	double border_diff;
	enum loss_model loss;
	double loss_a, loss_b;   /* mean loss rates */
	size_t dark;             /* dark hosts per side */
	int too_few;             /* expect "not enough evidence" only */
	int power;               /* assert the difference is found */
};

/* Loss of one probe for a host whose own loss rate is p, or in bursts. */
static int lost(enum loss_model m, double p, int *bad)
{
	switch (m) {
	case LOSS_NONE:
		return 0;
	case LOSS_BURSTY: {
		/* Gilbert-Elliott: good loses nothing, bad loses 70%; mean
		 * stay in bad 3 probes; stationary bad share p / 0.7. */
		double pb = p / 0.7, leave = 1.0 / 3, enter;
		int l;
		enter = leave * pb / (1 - pb);
		l = *bad && unit() < 0.7;
		*bad = *bad ? unit() >= leave : unit() < enter;
		return l;
	}
	default:
		return unit() < p;
	}
}

/* A host's own loss rate: per host (20% of hosts lose 60%, the rest
 * less, mean p) or the same for every host. */
static double host_loss(enum loss_model m, double p)
{
	if (m != LOSS_HOSTS)
		return p;
	if (unit() < 0.2)
		return 0.6;
	return (p - 0.2 * 0.6) / 0.8 > 0 ? (p - 0.2 * 0.6) / 0.8 : 0;
}

/* One host's observation over one transit. */
static void observe(struct nkt_cmp_obs *o, uint32_t addr, int transit,
		    int via, double base, double own, double border,
		    enum loss_model lm, double loss_rate, int dark)
{
	int i, bad = 0;
	memset(o, 0, sizeof(*o));
	o->addr = o->unit = addr;
	o->prefix = addr & 0xffffff00u;
	o->prefix_len = 24;
	o->method = NKT_METHOD_TCP;
	o->via = (uint8_t)via;
	o->attr.transit = transit;
	o->dest_hop = 12;
	o->last_foreign = (struct nkt_border_hop){1, 8, 0,
						  transit == CHINA ? 1 : 2, 1,
						  0};
	o->rtt = calloc(PROBES, sizeof(double));
	o->brtt = calloc(6, sizeof(double));
	for (i = 0; i < PROBES; i++) {
		o->e2e_sent++;
		if (dark || lost(lm, loss_rate, &bad))
			continue;
		o->e2e_recv++;
		o->rtt[o->n_rtt++] = base + own + 1.5 * gauss() +
				     (unit() < 0.02 ? 30 * unit() : 0);
	}
	/* The border: one reply per repeat, its own jitter. */
	for (i = 0; !dark && i < 6; i++)
		o->brtt[o->n_brtt++] = border + 1.5 * gauss() +
				       (unit() < 0.02 ? 30 * unit() : 0);
	o->reached = o->e2e_recv > 0 || dark;
	o->last_foreign.rtt_ns = (uint64_t)(border * 1e6);
}

struct tally {
	size_t reps, claims, e2e_claims, border_claims, loss_claims;
	size_t e2e_n, e2e_cov, border_n, border_cov, loss_n, loss_cov;
	size_t found, not_enough, dark_seen;
};

static int covers(struct nkt_ci ci, double truth)
{
	return ci.lo <= truth && truth <= ci.hi;
}

static void replicate(const struct regime *rg, struct tally *t)
{
	size_t na = rg->paired ? rg->paired : rg->hosts_a + rg->dark,
	       nb = rg->paired ? rg->paired : rg->hosts_b + rg->dark;
	size_t n = na + nb, k = 0, i;
	struct nkt_cmp_obs *o = calloc(n, sizeof(*o));
	struct nkt_cmp_cfg cfg;
	struct nkt_cmp_result r;
	double base_a = 290 + rg->e2e_diff, base_b = 290;
	double border_a = 234 + rg->border_diff, border_b = 234;

	for (i = 0; i < na; i++) {
		double own = 15 * gauss();
		int dark = !rg->paired && i >= rg->hosts_a;
		observe(&o[k++], 0xaf2db001u + (uint32_t)i, CHINA,
			rg->paired ? 1 : 0, base_a, own, border_a, rg->loss,
			host_loss(rg->loss, rg->loss_a), dark);
		if (rg->paired)
			observe(&o[k++], 0xaf2db001u + (uint32_t)i, TTK, 2,
				base_b, own, border_b, rg->loss,
				host_loss(rg->loss, rg->loss_b), 0);
	}
	for (i = 0; !rg->paired && i < nb; i++)
		observe(&o[k++], 0xaf2db101u + (uint32_t)i, TTK, 0, base_b,
			15 * gauss(), border_b, rg->loss,
			host_loss(rg->loss, rg->loss_b), i >= rg->hosts_b);
	nkt_cmp_unify(o, k);
	memset(&cfg, 0, sizeof(cfg));
	cfg.transits = &ts;
	cfg.level = 0.95;
	nkt_cmp_summarize(o, k, &cfg, &r);

	t->reps++;
	if (r.overall.valid) {
		const struct nkt_cmp_diff *d = &r.overall;
		double loss_truth = rg->loss_a - rg->loss_b;
		t->e2e_claims += d->e2e.claim;
		t->border_claims += d->border.claim;
		t->loss_claims += d->loss.claim;
		t->claims += d->e2e.claim || d->border.claim || d->loss.claim;
		t->found += d->e2e.claim && d->e2e.s.est > 0;
		t->not_enough += !d->e2e.available;
		if (d->e2e.available) {
			t->e2e_n++;
			t->e2e_cov += covers(d->e2e.s.ci, rg->e2e_diff);
		}
		if (d->border.available) {
			t->border_n++;
			t->border_cov += covers(d->border.s.ci, rg->border_diff);
		}
		if (d->loss.available && rg->loss != LOSS_NONE) {
			t->loss_n++;
			t->loss_cov += covers(d->loss.d.ci, loss_truth);
		}
		t->dark_seen += d->loss.dark_a + d->loss.dark_b;
	}
	nkt_cmp_result_free(&r);
	for (i = 0; i < k; i++)
		nkt_cmp_obs_free(&o[i]);
	free(o);
}

/* The largest count a Binomial(n, p) exceeds with probability < 1e-4. */
static size_t allowance(size_t n, double p)
{
	double cdf = 0;
	size_t k;
	for (k = 0; k <= n; k++) {
		cdf += exp(lgamma((double)n + 1) - lgamma((double)k + 1) -
			   lgamma((double)(n - k) + 1) + (double)k * log(p) +
			   (double)(n - k) * log1p(-p));
		if (1 - cdf < 1e-4)
			return k;
	}
	return n;
}

static void check(int ok, const char *what, const char *name, double got)
{
	printf("%s %s: %s (%.4f)\n", ok ? "ok  " : "FAIL", name, what, got);
	failures += !ok;
}

static double rate(size_t k, size_t n)
{
	return n ? (double)k / (double)n : NAN;
}

static void coverage(const char *what, const char *name, size_t k, size_t n)
{
	char buf[96];
	if (n < 100)
		return; /* too few intervals to judge */
	snprintf(buf, sizeof(buf), "%s coverage of nominal 95%% in [0.90, "
				   "0.99] over %zu intervals",
		 what, n);
	check(rate(k, n) >= 0.90 && rate(k, n) <= 0.99, buf, name,
	      rate(k, n));
}

int main(void)
{
	static const char tj[] =
		"{\"transits\":[{\"name\":\"China Unicom\",\"asns\":[4837,"
		"134544]},{\"name\":\"TTK\",\"asns\":[20485]}]}";
	static const struct regime regimes[] = {
		{"1v1 no difference", 1, 1, 0, 0, 0, LOSS_IID, 0.03, 0.03, 0,
		 1, 0},
		{"2v2 no difference", 2, 2, 0, 0, 0, LOSS_IID, 0.03, 0.03, 0,
		 1, 0},
		{"3v3 no difference", 3, 3, 0, 0, 0, LOSS_IID, 0.03, 0.03, 0,
		 1, 0},
		{"5v5 no difference", 5, 5, 0, 0, 0, LOSS_IID, 0.03, 0.03, 0,
		 0, 0},
		{"10v10 no difference", 10, 10, 0, 0, 0, LOSS_IID, 0.03, 0.03,
		 0, 0, 0},
		{"10 paired no difference", 0, 0, 10, 0, 0, LOSS_IID, 0.03,
		 0.03, 0, 0, 0},
		{"10v10 loss clustered per host", 10, 10, 0, 0, 0, LOSS_HOSTS,
		 0.15, 0.15, 0, 0, 0},
		{"10v10 loss in bursts", 10, 10, 0, 0, 0, LOSS_BURSTY, 0.1,
		 0.1, 0, 0, 0},
		{"10v10 + 2 dark hosts each", 10, 10, 0, 0, 0, LOSS_IID, 0.03,
		 0.03, 2, 0, 0},
		{"10 paired, 20 ms real difference", 0, 0, 10, 20, 20,
		 LOSS_IID, 0.03, 0.03, 0, 0, 1},
		{"10v10, 20 ms real difference", 10, 10, 0, 20, 20, LOSS_IID,
		 0.03, 0.03, 0, 0, 0},
	};
	size_t i, j;

	nkt_transits_parse(tj, sizeof(tj) - 1, "t", &ts, NULL);
	printf("%-34s %6s %6s %6s %6s %8s %8s %8s\n", "regime", "claims",
	       "e2e", "border", "loss", "cov e2e", "cov brd", "cov loss");
	for (i = 0; i < sizeof(regimes) / sizeof(regimes[0]); i++) {
		const struct regime *rg = &regimes[i];
		struct tally t;
		int null = rg->e2e_diff == 0 && rg->border_diff == 0 &&
			   rg->loss_a == rg->loss_b;
		size_t allow = allowance(REPS, 0.05);
		char what[128];

		memset(&t, 0, sizeof(t));
		for (j = 0; j < REPS; j++)
			replicate(rg, &t);
		printf("%-34s %6.3f %6.3f %6.3f %6.3f %8.3f %8.3f %8.3f\n",
		       rg->name, rate(t.claims, t.reps),
		       rate(t.e2e_claims, t.reps),
		       rate(t.border_claims, t.reps),
		       rate(t.loss_claims, t.reps), rate(t.e2e_cov, t.e2e_n),
		       rate(t.border_cov, t.border_n),
		       rate(t.loss_cov, t.loss_n));
		if (null) {
			snprintf(what, sizeof(what),
				 "end-to-end claims at most 5%% + allowance "
				 "(%zu of %d)",
				 allow, REPS);
			check(t.e2e_claims <= allow, what, rg->name,
			      rate(t.e2e_claims, t.reps));
			check(t.border_claims <= allow,
			      "border claims at most 5% + allowance",
			      rg->name, rate(t.border_claims, t.reps));
			check(t.loss_claims <= allow,
			      "loss claims at most 5% + allowance", rg->name,
			      rate(t.loss_claims, t.reps));
		}
		if (rg->too_few) {
			check(t.e2e_claims == 0 && t.not_enough == t.reps,
			      "too few hosts: never an end-to-end claim, "
			      "always not enough evidence",
			      rg->name, rate(t.not_enough, t.reps));
		}
		if (rg->dark)
			check(t.dark_seen == 2 * rg->dark * t.reps,
			      "dark hosts counted as dark, every time",
			      rg->name,
			      (double)t.dark_seen / (double)t.reps);
		coverage("end-to-end", rg->name, t.e2e_cov, t.e2e_n);
		coverage("border", rg->name, t.border_cov, t.border_n);
		coverage("loss", rg->name, t.loss_cov, t.loss_n);
		if (rg->power)
			check(rate(t.found, t.reps) >= 0.8,
			      "the real difference found in at least 80%",
			      rg->name, rate(t.found, t.reps));
	}
	printf("%d failed\n", failures);
	return failures ? 1 : 0;
}
