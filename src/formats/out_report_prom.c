// SPDX-License-Identifier: ISC
/* out_report_prom.c: a history report as Prometheus metrics (text
 * exposition format 0.0.4; see out_report.h).  Pure. */
#include "nktrace/out_report.h"

#include <math.h>
#include <stddef.h>
#include <string.h>

static void prom_label(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			fprintf(f, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
}

static void prom_head(FILE *f, const char *name, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
}

/* One sample; NaN values are left out (no data is not a number). */
static void prom_sample(FILE *f, const char *name, const char *k1,
			const char *v1, const char *k2, const char *v2,
			double v)
{
	if (isnan(v))
		return;
	fputs(name, f);
	if (k1 != NULL) {
		fprintf(f, "{%s=\"", k1);
		prom_label(f, v1);
		if (k2 != NULL) {
			fprintf(f, "\",%s=\"", k2);
			prom_label(f, v2);
		}
		fputs("\"}", f);
	}
	fprintf(f, " %.10g\n", v);
}

/* A number of a point: a double field (off, is_count 0) or a count. */
struct prom_metric {
	const char *name, *help;
	size_t off;
	int is_count;
	double scale;
};

#define REAL(n, h, field, scale)                                               \
	{n, h, offsetof(struct nkt_report_point, field), 0, scale}
#define COUNT(n, h, field)                                                     \
	{n, h, offsetof(struct nkt_report_point, field), 1, 1}

static double value(const struct nkt_report_point *p,
		    const struct prom_metric *m)
{
	const char *base = (const char *)p + m->off;
	if (m->is_count)
		return (double)*(const uint64_t *)(const void *)base;
	return *(const double *)(const void *)base * m->scale;
}

static const struct prom_metric transit_m[] = {
	COUNT("nktrace_transit_targets",
	      "Targets whose paths cross the transit.", targets),
	COUNT("nktrace_transit_reached", "Of them, targets that answered.",
	      reached),
	REAL("nktrace_transit_rtt_median_seconds",
	     "Median end-to-end RTT over the transit.", rtt_median, 1e-3),
	REAL("nktrace_transit_rtt_p90_seconds",
	     "90th percentile end-to-end RTT over the transit.", rtt_p90,
	     1e-3),
	REAL("nktrace_transit_rtt_median_low_seconds",
	     "Lower end of the median RTT's confidence interval.", rtt_lo,
	     1e-3),
	REAL("nktrace_transit_rtt_median_high_seconds",
	     "Upper end of the median RTT's confidence interval.", rtt_hi,
	     1e-3),
	REAL("nktrace_transit_loss_ratio",
	     "End-to-end probe loss over the transit (0-1).", loss, 1),
	REAL("nktrace_transit_loss_low_ratio",
	     "Lower end of the loss rate's Wilson interval.", loss_lo, 1),
	REAL("nktrace_transit_loss_high_ratio",
	     "Upper end of the loss rate's Wilson interval.", loss_hi, 1),
	COUNT("nktrace_transit_probes_sent",
	      "End-to-end probes sent to targets over the transit.", sent),
	COUNT("nktrace_transit_probes_lost",
	      "Of them, probes that got no answer.", lost),
	REAL("nktrace_transit_border_rtt_seconds",
	     "Median RTT to the last hop before North Korea.", border_rtt,
	     1e-3),
};

static const struct prom_metric prefix_m[] = {
	COUNT("nktrace_prefix_targets", "Targets measured in the /24.",
	      targets),
	COUNT("nktrace_prefix_reached", "Of them, targets that answered.",
	      reached),
	REAL("nktrace_prefix_rtt_median_seconds",
	     "Median end-to-end RTT to the /24 over its carrier.", rtt_median,
	     1e-3),
	REAL("nktrace_prefix_loss_ratio",
	     "End-to-end loss to the /24 over its carrier (0-1).", loss, 1),
};

/* Each metric of ms[] for every series with a point in the latest
 * successful cycle, labelled label=its name. */
static void prom_groups(FILE *f, const struct nkt_report *r,
			const struct nkt_report_series *s, size_t n,
			const char *label, const struct prom_metric *ms,
			size_t n_ms)
{
	size_t i, m;
	for (m = 0; m < n_ms; m++) {
		prom_head(f, ms[m].name, ms[m].help);
		for (i = 0; i < n; i++) {
			const struct nkt_report_point *p =
				nkt_report_latest(&s[i], r->latest_ok_run);
			if (p != NULL)
				prom_sample(f, ms[m].name, label, s[i].name,
					    NULL, NULL, value(p, &ms[m]));
		}
	}
}

/* Vantage points per /24 and transit (over every country), from cycles
 * of RIPE Atlas results. */
static void prom_vantage(FILE *f, const struct nkt_report *r)
{
	size_t i, j;
	prom_head(f, "nktrace_prefix_vantage_points",
		  "Vantage points (RIPE Atlas probes) whose paths to the /24 "
		  "went over the transit in the latest cycle.");
	for (i = 0; i < r->n_vantage; i++) {
		uint64_t n = 0;
		for (j = 0; j < i; j++)
			if (strcmp(r->vantage[j].prefix, r->vantage[i].prefix) ==
				    0 &&
			    strcmp(r->vantage[j].transit,
				   r->vantage[i].transit) == 0)
				break;
		if (j < i)
			continue; /* this pair is summed already */
		for (j = i; j < r->n_vantage; j++)
			if (strcmp(r->vantage[j].prefix, r->vantage[i].prefix) ==
				    0 &&
			    strcmp(r->vantage[j].transit,
				   r->vantage[i].transit) == 0)
				n += r->vantage[j].vantage_points;
		prom_sample(f, "nktrace_prefix_vantage_points", "prefix",
			    r->vantage[i].prefix, "transit",
			    r->vantage[i].transit, (double)n);
	}
}

/* The cycles: by status, the latest one, the latest successful one. */
static void prom_runs(FILE *f, const struct nkt_report *r)
{
	const struct nkt_report_run *last =
		r->n_runs ? &r->runs[r->n_runs - 1] : NULL;
	const struct nkt_report_run *ok =
		nkt_report_run_by_id(r, r->latest_ok_run);
	size_t n_ok, failed, intr;

	static const char *const status[] = {"ok", "failed", "interrupted"};
	size_t i;

	nkt_report_count_runs(r, &n_ok, &failed, &intr);
	fprintf(f, "# HELP nktrace_runs_total Measurement cycles stored, by "
		   "status (ever: --keep does not lower it).\n"
		   "# TYPE nktrace_runs_total counter\n");
	for (i = 0; i < NKT_ARRAY_LEN(status); i++) {
		char what[32];
		snprintf(what, sizeof(what), "runs %s", status[i]);
		prom_sample(f, "nktrace_runs_total", "status", status[i], NULL,
			    NULL, (double)nkt_report_total(r, what));
	}
	if (last != NULL) {
		prom_head(f, "nktrace_last_run_timestamp_seconds",
			  "Start of the latest cycle (Unix time).");
		prom_sample(f, "nktrace_last_run_timestamp_seconds", NULL, NULL,
			    NULL, NULL, (double)last->start);
		prom_head(f, "nktrace_last_run_ok",
			  "1 if the latest cycle succeeded.");
		prom_sample(f, "nktrace_last_run_ok", NULL, NULL, NULL, NULL,
			    strcmp(last->status, "ok") == 0);
	}
	if (ok == NULL)
		return;
	prom_head(f, "nktrace_last_ok_run_timestamp_seconds",
		  "Start of the latest successful cycle (Unix time).");
	prom_sample(f, "nktrace_last_ok_run_timestamp_seconds", NULL, NULL,
		    NULL, NULL, (double)ok->start);
	prom_head(f, "nktrace_last_ok_run_duration_seconds",
		  "Duration of the latest successful cycle.");
	prom_sample(f, "nktrace_last_ok_run_duration_seconds", NULL, NULL, NULL,
		    NULL, (double)(ok->end - ok->start));
	prom_head(f, "nktrace_last_ok_run_probes",
		  "Probes sent in the latest successful cycle.");
	prom_sample(f, "nktrace_last_ok_run_probes", NULL, NULL, NULL, NULL,
		    (double)ok->probes);
}

int nkt_report_prom(FILE *f, const struct nkt_report *r)
{
	static const char *const kinds[] = {
		"prefix_moved", "transit_appeared", "transit_disappeared",
		"outage",       "recovery",         "rtt_shift",
		"loss_shift",   "new_border",       "new_transit",
		"host_dark",    "host_back",        "no_route",
		"route_back",   "planes_disagree",  "planes_agree",
		"bgp_new_upstream", "bgp_upstream_gone", "bgp_announced",
		"bgp_withdrawn", "bgp_more_specific", "bgp_new_origin"};
	size_t i, m;

	prom_runs(f, r);
	if (nkt_report_run_by_id(r, r->latest_ok_run) != NULL) {
		prom_groups(f, r, r->transits, r->n_transits, "transit",
			    transit_m, NKT_ARRAY_LEN(transit_m));
		prom_head(f, "nktrace_prefix_carrier",
			  "1 for each transit that carries the /24, 0 for "
			  "the others (a move turns one to 0, another to "
			  "1).");
		for (i = 0; i < r->n_prefixes; i++) {
			const struct nkt_report_point *p = nkt_report_latest(
				&r->prefixes[i], r->latest_ok_run);
			size_t t;
			if (p == NULL)
				continue;
			for (t = 0; t < r->n_transits; t++)
				prom_sample(f, "nktrace_prefix_carrier",
					    "prefix", r->prefixes[i].name,
					    "transit", r->transits[t].name,
					    nkt_report_carries(
						    p->carrier,
						    r->transits[t].name));
		}
		prom_groups(f, r, r->prefixes, r->n_prefixes, "prefix",
			    prefix_m, NKT_ARRAY_LEN(prefix_m));
		if (r->n_vantage > 0)
			prom_vantage(f, r);
	}
	if (r->bgp_time > 0 && r->n_bgp > 0) {
		prom_head(f, "nktrace_bgp_peer_share",
			  "The share of the route collectors' peers that route "
			  "the prefix through the transit (bgp --db, the "
			  "state stored last).");
		for (i = 0; i < r->n_bgp; i++)
			prom_sample(f, "nktrace_bgp_peer_share", "prefix",
				    r->bgp[i].prefix, "transit",
				    r->bgp[i].transit,
				    r->bgp[i].total ? (double)r->bgp[i].peers /
							      r->bgp[i].total
						    : 0.0);
		prom_head(f, "nktrace_bgp_state_time_seconds",
			  "When the control plane stored last was seen (its "
			  "last MRT record).");
		prom_sample(f, "nktrace_bgp_state_time_seconds", NULL, NULL,
			    NULL, NULL, (double)r->bgp_time);
	}
	fprintf(f, "# HELP nktrace_events_total Events detected, by kind "
		   "(ever).\n# TYPE nktrace_events_total counter\n");
	for (m = 0; m < NKT_ARRAY_LEN(kinds); m++) {
		char what[48];
		snprintf(what, sizeof(what), "events %s", kinds[m]);
		prom_sample(f, "nktrace_events_total", "kind", kinds[m], NULL,
			    NULL, (double)nkt_report_total(r, what));
	}
	fprintf(f, "# HELP nktrace_build_info The nktrace that wrote these "
		   "metrics.\n# TYPE nktrace_build_info gauge\n");
	prom_sample(f, "nktrace_build_info", "version", NKT_VERSION, NULL, NULL,
		    1);
	return ferror(f) ? -1 : 0;
}
