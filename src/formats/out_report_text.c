// SPDX-License-Identifier: ISC
/* out_report_text.c: a history report for a terminal (see out_report.h).
 * Pure. */
#include "nktrace/out_report.h"

#include <math.h>
#include <string.h>
#include <time.h>

const char *nkt_report_utc(int64_t t, const char *fmt, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (gmtime_r(&tt, &tm) == NULL || strftime(buf, len, fmt, &tm) == 0)
		snprintf(buf, len, "%lld", (long long)t);
	return buf;
}

int64_t nkt_report_shown_since(const struct nkt_report *r)
{
	if (r->since == 0 && r->n_runs > 0)
		return r->runs[0].start;
	return r->since;
}

/* Vantage points per /24 and transit, with their countries (the five
 * largest; "??" unknown). */
static void vantage_rows(FILE *f, const struct nkt_report *r)
{
	size_t i, j;
	if (r->n_vantage == 0)
		return;
	fprintf(f, "\nvantage points     transit            probes  countries\n");
	for (i = 0; i < r->n_vantage; i = j) {
		uint64_t n = 0;
		size_t shown = 0;
		for (j = i; j < r->n_vantage &&
			    strcmp(r->vantage[j].prefix, r->vantage[i].prefix) ==
				    0 &&
			    strcmp(r->vantage[j].transit,
				   r->vantage[i].transit) == 0;
		     j++)
			n += r->vantage[j].vantage_points;
		fprintf(f, "%-18s %-18s %6llu  ", r->vantage[i].prefix,
			r->vantage[i].transit, (unsigned long long)n);
		for (; shown < 5 && i + shown < j; shown++)
			fprintf(f, "%s%s %llu", shown ? ", " : "",
				r->vantage[i + shown].country[0]
					? r->vantage[i + shown].country
					: "??",
				(unsigned long long)r->vantage[i + shown]
					.vantage_points);
		fprintf(f, "%s\n", j - i > shown ? ", ..." : "");
	}
}

/* "%.1f ms" of a number, "-" without one. */
static const char *ms(double v, char *buf, size_t len)
{
	if (isnan(v))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.1f ms", v);
	return buf;
}

/* The width of a name column: its longest name (16 at least, 48 at
 * most; a transit met in the data is named by its AS). */
static int name_width(const struct nkt_report *r,
		      const struct nkt_report_series *g, size_t n,
		      int carrier)
{
	size_t i;
	int w = 16;
	for (i = 0; i < n; i++) {
		const struct nkt_report_point *p =
			nkt_report_latest(&g[i], r->latest_ok_run);
		int l = (int)strlen(!carrier ? g[i].name
				    : p != NULL ? p->carrier
						: "");
		if (l > w)
			w = l;
	}
	return w > 48 ? 48 : w;
}

static void transit_rows(FILE *f, const struct nkt_report *r)
{
	size_t i;
	int w = name_width(r, r->transits, r->n_transits, 0);

	fprintf(f, "%-*s %9s %11s %11s %7s\n", w, "transit", "reached",
		"RTT median", "RTT p90", "loss");
	for (i = 0; i < r->n_transits; i++) {
		const struct nkt_report_series *g = &r->transits[i];
		const struct nkt_report_point *p =
			nkt_report_latest(g, r->latest_ok_run);
		char reach[48], med[16], p90[16], loss[16] = "-";
		if (p == NULL)
			continue;
		snprintf(reach, sizeof(reach), "%llu/%llu",
			 (unsigned long long)p->reached,
			 (unsigned long long)p->targets);
		if (!isnan(p->loss))
			snprintf(loss, sizeof(loss), "%.1f%%", p->loss * 100);
		fprintf(f, "%-*s %9s %11s %11s %7s\n", w, g->name, reach,
			ms(p->rtt_median, med, sizeof(med)),
			ms(p->rtt_p90, p90, sizeof(p90)), loss);
	}
}

static void prefix_rows(FILE *f, const struct nkt_report *r)
{
	size_t i;

	int w = name_width(r, r->prefixes, r->n_prefixes, 1);

	fprintf(f, "\n%-18s %-*s %9s %11s\n", "prefix", w, "carried by",
		"reached", "RTT median");
	for (i = 0; i < r->n_prefixes; i++) {
		const struct nkt_report_series *g = &r->prefixes[i];
		const struct nkt_report_point *p =
			nkt_report_latest(g, r->latest_ok_run);
		char reach[48], med[16];
		if (p == NULL)
			continue;
		snprintf(reach, sizeof(reach), "%llu/%llu",
			 (unsigned long long)p->reached,
			 (unsigned long long)p->targets);
		fprintf(f, "%-18s %-*s %9s %11s\n", g->name, w,
			p->carrier[0] ? p->carrier : "-", reach,
			ms(p->rtt_median, med, sizeof(med)));
	}
}

/* The control plane stored last, beside the data plane's carriers. */
static void bgp_rows(FILE *f, const struct nkt_report *r)
{
	char a[40];
	size_t i;
	if (r->bgp_time == 0)
		return;
	fprintf(f, "\ncontrol plane (BGP) at %s\n",
		nkt_report_utc(r->bgp_time, "%Y-%m-%d %H:%M:%S UTC", a,
			       sizeof(a)));
	if (r->n_bgp == 0)
		fprintf(f, "no route to any followed prefix\n");
	for (i = 0; i < r->n_bgp; i++)
		fprintf(f, "%-18s via %-18s %3.0f%% of %u peers (AS%s)\n",
			r->bgp[i].prefix, r->bgp[i].transit,
			r->bgp[i].total
				? 100.0 * r->bgp[i].peers / r->bgp[i].total
				: 0.0,
			r->bgp[i].total, r->bgp[i].asns);
}

int nkt_report_text(FILE *f, const struct nkt_report *r)
{
	const struct nkt_report_run *run =
		nkt_report_run_by_id(r, r->latest_ok_run);
	char a[40], b[40];
	size_t ok, failed, intr, i, n;

	nkt_report_count_runs(r, &ok, &failed, &intr);
	n = ok + failed + intr;
	fprintf(f,
		"nktrace report, %s to %s: %zu cycle%s (%zu ok, %zu failed, "
		"%zu interrupted)\n",
		nkt_report_utc(nkt_report_shown_since(r), "%Y-%m-%d %H:%M", a,
			       sizeof(a)),
		nkt_report_utc(r->until, "%Y-%m-%d %H:%M UTC", b, sizeof(b)),
		n, n == 1 ? "" : "s", ok, failed, intr);
	if (run == NULL) {
		fprintf(f, "no successful cycle in this window\n");
	} else {
		fprintf(f, "latest successful cycle: run %lld at %s\n\n",
			(long long)r->latest_ok_run,
			nkt_report_utc(run->start, "%Y-%m-%d %H:%M:%S UTC", a,
				       sizeof(a)));
		transit_rows(f, r);
		prefix_rows(f, r);
		vantage_rows(f, r);
	}
	bgp_rows(f, r);
	fprintf(f, "\n%zu event%s\n", r->n_events,
		r->n_events == 1 ? "" : "s");
	for (i = 0; i < r->n_events; i++)
		fprintf(f, "%s  %-19s %s\n",
			nkt_report_utc(r->events[i].time, "%Y-%m-%d %H:%M:%S",
				       a, sizeof(a)),
			r->events[i].e.kind, r->events[i].e.message);
	return ferror(f) ? -1 : 0;
}
