// SPDX-License-Identifier: ISC
/* out_report.c: a history report as text, Prometheus metrics and HTML
 * (see report.h).  Pure: a JSON report in, text out. */
#include "nktrace/out_report.h"

#include <math.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

/* A number member, NAN when missing or null. */
static double num(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);
	return json_is_number(v) ? json_number_value(v) : NAN;
}

static const char *str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

static int64_t integer(const json_t *o, const char *key)
{
	return (int64_t)json_integer_value(json_object_get(o, key));
}

/* A time in seconds since the epoch from a report field, clamped to years
 * 1970..9999 so that differences of two never overflow (a report is input:
 * it may come from a file). */
static int64_t timestamp(const json_t *o, const char *key)
{
	int64_t t = integer(o, key);
	return t < 0 ? 0 : t > 253402300799 ? 253402300799 : t;
}

static const char *utc(int64_t t, const char *fmt, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (gmtime_r(&tt, &tm) == NULL || strftime(buf, len, fmt, &tm) == 0)
		snprintf(buf, len, "%lld", (long long)t);
	return buf;
}

/* The last point of a series if it belongs to run `run`, else NULL. */
static const json_t *latest_point(const json_t *group, int64_t run)
{
	const json_t *s = json_object_get(group, "series");
	const json_t *p = json_array_get(s, json_array_size(s) - 1);
	if (p == NULL || run == 0 || integer(p, "run") != run)
		return NULL;
	return p;
}

static void count_runs(const json_t *rep, size_t *ok, size_t *failed,
		       size_t *interrupted)
{
	const json_t *r;
	size_t i;
	*ok = *failed = *interrupted = 0;
	json_array_foreach(json_object_get(rep, "runs"), i, r)
	{
		const char *s = str(r, "status");
		if (strcmp(s, "ok") == 0)
			(*ok)++;
		else if (strcmp(s, "failed") == 0)
			(*failed)++;
		else
			(*interrupted)++;
	}
}

/* The run object with this id, or NULL. */
static const json_t *run_by_id(const json_t *rep, int64_t id)
{
	const json_t *r;
	size_t i;
	json_array_foreach(json_object_get(rep, "runs"), i, r)
	{
		if (integer(r, "id") == id)
			return r;
	}
	return NULL;
}

/* ---- text ---- */

/* The window's start as shown: --since, or the first cycle for 'all'. */
static int64_t shown_since(const json_t *rep)
{
	const json_t *first = json_array_get(json_object_get(rep, "runs"), 0);
	int64_t since = timestamp(rep, "since");
	if (since == 0 && first != NULL)
		return timestamp(first, "start");
	return since;
}

int nkt_report_text(FILE *f, const json_t *rep)
{
	char a[40], b[40];
	size_t ok, failed, intr, i;
	int64_t latest = integer(rep, "latest_ok_run");
	const json_t *run = run_by_id(rep, latest), *g, *ev;

	count_runs(rep, &ok, &failed, &intr);
	fprintf(
	    f,
	    "nktrace report, %s to %s: %zu cycle%s (%zu ok, %zu "
	    "failed, %zu interrupted)\n",
	    utc(shown_since(rep), "%Y-%m-%d %H:%M", a, sizeof(a)),
	    utc(timestamp(rep, "until"), "%Y-%m-%d %H:%M UTC", b, sizeof(b)),
	    ok + failed + intr, ok + failed + intr == 1 ? "" : "s", ok, failed,
	    intr);
	if (run == NULL) {
		fprintf(f, "no successful cycle in this window\n");
	} else {
		fprintf(f, "latest successful cycle: run %lld at %s\n\n",
			(long long)latest,
			utc(timestamp(run, "start"), "%Y-%m-%d %H:%M:%S UTC", a,
			    sizeof(a)));
		fprintf(f, "%-16s %9s %11s %11s %7s\n", "transit", "reached",
			"RTT median", "RTT p90", "loss");
		json_array_foreach(json_object_get(rep, "transits"), i, g)
		{
			const json_t *p = latest_point(g, latest);
			char reach[24], med[16] = "-", p90[16] = "-",
					loss[16] = "-";
			if (p == NULL)
				continue;
			snprintf(reach, sizeof(reach), "%lld/%lld",
				 (long long)integer(p, "reached"),
				 (long long)integer(p, "targets"));
			if (!isnan(num(p, "rtt_median")))
				snprintf(med, sizeof(med), "%.1f ms",
					 num(p, "rtt_median"));
			if (!isnan(num(p, "rtt_p90")))
				snprintf(p90, sizeof(p90), "%.1f ms",
					 num(p, "rtt_p90"));
			if (!isnan(num(p, "loss")))
				snprintf(loss, sizeof(loss), "%.1f%%",
					 num(p, "loss") * 100);
			fprintf(f, "%-16s %9s %11s %11s %7s\n", str(g, "name"),
				reach, med, p90, loss);
		}
		fprintf(f, "\n%-18s %-16s %9s %11s\n", "prefix", "carried by",
			"reached", "RTT median");
		json_array_foreach(json_object_get(rep, "prefixes"), i, g)
		{
			const json_t *p = latest_point(g, latest);
			char reach[24], med[16] = "-";
			const char *c;
			if (p == NULL)
				continue;
			c = str(p, "carrier");
			snprintf(reach, sizeof(reach), "%lld/%lld",
				 (long long)integer(p, "reached"),
				 (long long)integer(p, "targets"));
			if (!isnan(num(p, "rtt_median")))
				snprintf(med, sizeof(med), "%.1f ms",
					 num(p, "rtt_median"));
			fprintf(f, "%-18s %-16s %9s %11s\n", str(g, "prefix"),
				*c ? c : "-", reach, med);
		}
	}
	ev = json_object_get(rep, "events");
	fprintf(f, "\n%zu event%s\n", json_array_size(ev),
		json_array_size(ev) == 1 ? "" : "s");
	json_array_foreach(ev, i, g)
	{
		fprintf(f, "%s  %-19s %s\n",
			utc(timestamp(g, "time"), "%Y-%m-%d %H:%M:%S", a,
			    sizeof(a)),
			str(g, "kind"), str(g, "message"));
	}
	return ferror(f) ? -1 : 0;
}

/* ---- Prometheus ---- */

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

struct prom_metric {
	const char *name, *help, *key;
	double scale;
};

/* Each metric of ms[] for every group of rep[list] (transits or prefixes)
 * with a point in run `latest`, labelled label=group[label_key]. */
static void prom_groups(FILE *f, const json_t *rep, int64_t latest,
			const char *list, const char *label,
			const char *label_key, const struct prom_metric *ms,
			size_t n)
{
	const json_t *g;
	size_t i, m;
	for (m = 0; m < n; m++) {
		prom_head(f, ms[m].name, ms[m].help);
		json_array_foreach(json_object_get(rep, list), i, g)
		{
			const json_t *p = latest_point(g, latest);
			if (p != NULL)
				prom_sample(f, ms[m].name, label,
					    str(g, label_key), NULL, NULL,
					    num(p, ms[m].key) * ms[m].scale);
		}
	}
}

int nkt_report_prom(FILE *f, const json_t *rep)
{
	static const struct prom_metric transit_m[] = {
		{"nktrace_transit_targets",
		 "Targets whose paths cross the transit.", "targets", 1},
		{"nktrace_transit_reached", "Of them, targets that answered.",
		 "reached", 1},
		{"nktrace_transit_rtt_median_seconds",
		 "Median end-to-end RTT over the transit.", "rtt_median", 1e-3},
		{"nktrace_transit_rtt_p90_seconds",
		 "90th percentile end-to-end RTT over the transit.", "rtt_p90",
		 1e-3},
		{"nktrace_transit_rtt_median_low_seconds",
		 "Lower end of the median RTT's confidence interval.", "rtt_lo",
		 1e-3},
		{"nktrace_transit_rtt_median_high_seconds",
		 "Upper end of the median RTT's confidence interval.",
		 "rtt_hi", 1e-3},
		{"nktrace_transit_loss_ratio",
		 "End-to-end probe loss over the transit (0-1).", "loss", 1},
		{"nktrace_transit_loss_low_ratio",
		 "Lower end of the loss rate's Wilson interval.", "loss_lo", 1},
		{"nktrace_transit_loss_high_ratio",
		 "Upper end of the loss rate's Wilson interval.", "loss_hi", 1},
		{"nktrace_transit_probes_sent",
		 "End-to-end probes sent to targets over the transit.", "sent",
		 1},
		{"nktrace_transit_probes_lost",
		 "Of them, probes that got no answer.", "lost", 1},
		{"nktrace_transit_border_rtt_seconds",
		 "Median RTT to the last hop before North Korea.", "border_rtt",
		 1e-3},
	};
	static const struct prom_metric prefix_m[] = {
		{"nktrace_prefix_targets", "Targets measured in the /24.",
		 "targets", 1},
		{"nktrace_prefix_reached", "Of them, targets that answered.",
		 "reached", 1},
		{"nktrace_prefix_rtt_median_seconds",
		 "Median end-to-end RTT to the /24 over its carrier.",
		 "rtt_median", 1e-3},
		{"nktrace_prefix_loss_ratio",
		 "End-to-end loss to the /24 over its carrier (0-1).", "loss",
		 1},
	};
	int64_t latest = integer(rep, "latest_ok_run");
	const json_t *runs = json_object_get(rep, "runs"), *last, *okrun, *g,
		     *e;
	size_t ok, failed, intr, i, m;
	const char *kinds[] = {"prefix_moved", "transit_appeared",
			       "transit_disappeared", "outage", "recovery",
			       "rtt_shift", "loss_shift", "new_border"};

	count_runs(rep, &ok, &failed, &intr);
	prom_head(f, "nktrace_runs", "Measurement cycles in the report window.");
	prom_sample(f, "nktrace_runs", "status", "ok", NULL, NULL, (double)ok);
	prom_sample(f, "nktrace_runs", "status", "failed", NULL, NULL,
		    (double)failed);
	prom_sample(f, "nktrace_runs", "status", "interrupted", NULL, NULL,
		    (double)intr);
	last = json_array_get(runs, json_array_size(runs) - 1);
	if (last != NULL) {
		prom_head(f, "nktrace_last_run_timestamp_seconds",
			  "Start of the latest cycle (Unix time).");
		prom_sample(f, "nktrace_last_run_timestamp_seconds", NULL, NULL,
			    NULL, NULL, (double)timestamp(last, "start"));
		prom_head(f, "nktrace_last_run_ok",
			  "1 if the latest cycle succeeded.");
		prom_sample(f, "nktrace_last_run_ok", NULL, NULL, NULL, NULL,
			    strcmp(str(last, "status"), "ok") == 0);
	}
	okrun = run_by_id(rep, latest);
	if (okrun != NULL) {
		prom_head(f, "nktrace_last_ok_run_timestamp_seconds",
			  "Start of the latest successful cycle (Unix time).");
		prom_sample(f, "nktrace_last_ok_run_timestamp_seconds", NULL,
			    NULL, NULL, NULL,
			    (double)timestamp(okrun, "start"));
		prom_head(f, "nktrace_last_ok_run_duration_seconds",
			  "Duration of the latest successful cycle.");
		prom_sample(f, "nktrace_last_ok_run_duration_seconds", NULL,
			    NULL, NULL, NULL,
			    (double)(timestamp(okrun, "end") -
				     timestamp(okrun, "start")));
		prom_head(f, "nktrace_last_ok_run_probes",
			  "Probes sent in the latest successful cycle.");
		prom_sample(f, "nktrace_last_ok_run_probes", NULL, NULL, NULL,
			    NULL, (double)integer(okrun, "probes"));
	}
	if (okrun != NULL) {
		prom_groups(f, rep, latest, "transits", "transit", "name",
			    transit_m, sizeof(transit_m) / sizeof(*transit_m));
		prom_head(f, "nktrace_prefix_carrier",
			  "1 for the transit that carries the /24.");
		json_array_foreach(json_object_get(rep, "prefixes"), i, g)
		{
			const json_t *p = latest_point(g, latest);
			if (p != NULL && *str(p, "carrier"))
				prom_sample(f, "nktrace_prefix_carrier",
					    "prefix", str(g, "prefix"),
					    "transit", str(p, "carrier"), 1);
		}
		prom_groups(f, rep, latest, "prefixes", "prefix", "prefix",
			    prefix_m, sizeof(prefix_m) / sizeof(*prefix_m));
	}
	prom_head(f, "nktrace_events",
		  "Events detected in the report window, by kind.");
	for (m = 0; m < sizeof(kinds) / sizeof(*kinds); m++) {
		size_t n = 0;
		json_array_foreach(json_object_get(rep, "events"), i, e)
		{
			n += strcmp(str(e, "kind"), kinds[m]) == 0;
		}
		prom_sample(f, "nktrace_events", "kind", kinds[m], NULL, NULL,
			    (double)n);
	}
	return ferror(f) ? -1 : 0;
}

/* ---- HTML ---- */

static void esc(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&#39;", f);
			break;
		default:
			fputc(*s, f);
		}
	}
}

/* A colour that is safe to put in an attribute: "#rgb" or "#rrggbb" from
 * the report, else one of a fixed palette. */
static const char *colour(const json_t *g, size_t i)
{
	static const char *palette[] = {"#9467bd", "#2ca02c", "#ff7f0e",
					"#8c564b", "#e377c2", "#17becf"};
	const char *c = str(g, "color");
	size_t n = strlen(c), k;
	int ok = (n == 4 || n == 7) && c[0] == '#';
	for (k = 1; ok && k < n; k++)
		ok = strchr("0123456789abcdefABCDEF", c[k]) != NULL;
	return ok ? c : palette[i % (sizeof(palette) / sizeof(*palette))];
}

#define W 760.0
#define H 230.0
#define ML 112.0
#define MR 16.0
#define MT 14.0
#define MB 34.0

struct axis {
	int64_t t0, t1;
	double ymax;
};

static double xpos(const struct axis *a, int64_t t)
{
	return ML + (double)(t - a->t0) / (double)(a->t1 - a->t0) *
			    (W - ML - MR);
}

static double ypos(const struct axis *a, double v)
{
	return MT + (1.0 - v / a->ymax) * (H - MT - MB);
}

/* A "nice" step (1, 2 or 5 times a power of ten) giving about n ticks. */
static double nice_step(double range, int n)
{
	double raw = range / n, p = pow(10, floor(log10(raw))), m = raw / p;
	return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

static void time_ticks(FILE *f, const struct axis *a, double top,
		       double bottom)
{
	static const int64_t steps[] = {60,    300,    600,    900,   1800,
					3600,  7200,   10800,  21600, 43200,
					86400, 172800, 604800, 2592000};
	int64_t span = a->t1 - a->t0, step = steps[0], t;
	size_t i;
	const char *fmt;
	char buf[32];

	for (i = 0; i < sizeof(steps) / sizeof(*steps); i++) {
		step = steps[i];
		if (span / step <= 8)
			break;
	}
	if (span / step > 8) /* spans of years: whole multiples of 30 days */
		step *= span / step / 8 + 1;
	fmt = step >= 86400 ? "%m-%d" : span > 86400 ? "%m-%d %H:%M" : "%H:%M";
	for (t = (a->t0 + step - 1) / step * step; t <= a->t1; t += step) {
		double x = xpos(a, t);
		fprintf(f,
			"<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" "
			"x2=\"%.1f\" y2=\"%.1f\"/><text class=\"tick\" "
			"x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n",
			x, top, x, bottom, x, bottom + 16,
			utc(t, fmt, buf, sizeof(buf)));
	}
}

struct chart {
	const char *id, *title, *unit, *key, *lo, *hi;
	double scale; /* shown value = stored value * scale */
	int decimals;
	double cap;   /* the axis never goes above this (percentages) */
};

/* One series' line: a polyline per run of consecutive numbers. */
static void series_line(FILE *f, const struct axis *a, const json_t *series,
			const char *key, double scale, const char *col)
{
	const json_t *p;
	size_t i;
	int open = 0;
	json_array_foreach(series, i, p)
	{
		double v = num(p, key) * scale;
		if (isnan(v)) {
			if (open)
				fputs("\"/>\n", f);
			open = 0;
			continue;
		}
		if (!open)
			fprintf(f,
				"<polyline class=\"line\" stroke=\"%s\" "
				"points=\"",
				col);
		fprintf(f, "%s%.1f,%.1f", open ? " " : "",
			xpos(a, timestamp(p, "t")), ypos(a, v));
		open = 1;
	}
	if (open)
		fputs("\"/>\n", f);
}

/* The confidence band: a polygon per run of points that have both ends. */
static void series_band(FILE *f, const struct axis *a, const json_t *series,
			const struct chart *c, const char *col)
{
	size_t i = 0, n = json_array_size(series), j, k;
	while (i < n) {
		for (; i < n; i++) {
			const json_t *p = json_array_get(series, i);
			if (!isnan(num(p, c->lo)) && !isnan(num(p, c->hi)))
				break;
		}
		for (j = i; j < n; j++) {
			const json_t *p = json_array_get(series, j);
			if (isnan(num(p, c->lo)) || isnan(num(p, c->hi)))
				break;
		}
		if (j > i) {
			fprintf(f, "<polygon class=\"band\" fill=\"%s\" points=\"",
				col);
			for (k = i; k < j; k++) {
				const json_t *p = json_array_get(series, k);
				fprintf(f, "%.1f,%.1f ",
					xpos(a, timestamp(p, "t")),
					ypos(a, num(p, c->hi) * c->scale));
			}
			for (k = j; k > i; k--) {
				const json_t *p = json_array_get(series, k - 1);
				fprintf(f, "%.1f,%.1f ",
					xpos(a, timestamp(p, "t")),
					ypos(a, num(p, c->lo) * c->scale));
			}
			fputs("\"/>\n", f);
		}
		i = j;
	}
}

static void chart(FILE *f, const json_t *rep, const struct axis *ta,
		  const struct chart *c)
{
	const json_t *transits = json_object_get(rep, "transits"), *g, *p, *e;
	struct axis a = *ta;
	double vmax = 0, step, y;
	size_t i, j;
	char buf[40];

	json_array_foreach(transits, i, g)
	{
		json_array_foreach(json_object_get(g, "series"), j, p)
		{
			double v = num(p, c->key) * c->scale;
			if (c->hi != NULL && !isnan(num(p, c->hi)))
				v = fmax(v, num(p, c->hi) * c->scale);
			if (!isnan(v) && v > vmax)
				vmax = v;
		}
	}
	if (vmax <= 0)
		vmax = 1;
	step = nice_step(vmax, 5);
	a.ymax = ceil(vmax * 1.05 / step) * step;
	if (c->cap > 0 && a.ymax > c->cap) {
		a.ymax = c->cap;
		step = nice_step(c->cap, 5);
	}

	fprintf(f, "<h3>");
	esc(f, c->title);
	fprintf(f, "</h3>\n<svg id=\"%s\" class=\"chart\" viewBox=\"0 0 %.0f "
		   "%.0f\" role=\"img\" aria-label=\"",
		c->id, W, H);
	esc(f, c->title);
	fputs("\">\n", f);
	for (y = 0; y <= a.ymax + step / 2; y += step) {
		fprintf(f,
			"<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" "
			"x2=\"%.1f\" y2=\"%.1f\"/><text class=\"tick\" "
			"x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%.*f</text>\n",
			ML, ypos(&a, y), W - MR, ypos(&a, y), ML - 6,
			ypos(&a, y) + 4, step < 1 ? 1 : 0, y);
	}
	time_ticks(f, &a, MT, H - MB);
	fprintf(f,
		"<text class=\"unit\" x=\"12\" y=\"%.1f\" "
		"transform=\"rotate(-90 12 %.1f)\" "
		"text-anchor=\"middle\">",
		(H - MB + MT) / 2, (H - MB + MT) / 2);
	esc(f, c->unit);
	fputs("</text>\n", f);
	/* Events: a dashed line at their time. */
	json_array_foreach(json_object_get(rep, "events"), i, e)
	{
		double x = xpos(&a, timestamp(e, "time"));
		if (x < ML || x > W - MR)
			continue;
		fprintf(f,
			"<line class=\"ev\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
			"y2=\"%.1f\"><title>",
			x, MT, x, H - MB);
		esc(f, str(e, "message"));
		fputs("</title></line>\n", f);
	}
	json_array_foreach(transits, i, g)
	{
		const json_t *series = json_object_get(g, "series");
		const char *col = colour(g, i);
		if (c->lo != NULL)
			series_band(f, &a, series, c, col);
		series_line(f, &a, series, c->key, c->scale, col);
		json_array_foreach(series, j, p)
		{
			double v = num(p, c->key) * c->scale;
			if (isnan(v))
				continue;
			fprintf(f,
				"<circle class=\"pt\" data-transit=\"%zu\" "
				"cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\">"
				"<title>",
				i, xpos(&a, timestamp(p, "t")), ypos(&a, v),
				col);
			esc(f, str(g, "name"));
			fprintf(f, " %s: %.*f %s",
				utc(timestamp(p, "t"), "%Y-%m-%d %H:%M", buf,
				    sizeof(buf)),
				c->decimals, v, c->unit);
			fputs("</title></circle>\n", f);
		}
	}
	fputs("</svg>\n", f);
}

static void legend(FILE *f, const json_t *rep)
{
	const json_t *g;
	size_t i;
	fputs("<p class=\"legend\">", f);
	json_array_foreach(json_object_get(rep, "transits"), i, g)
	{
		fprintf(f, "<span><i style=\"background:%s\"></i>",
			colour(g, i));
		esc(f, str(g, "name"));
		fputs("</span> ", f);
	}
	fputs("<span><i class=\"evkey\"></i>event</span></p>\n", f);
}

/* The colour a /24's carrier is drawn in. */
static const char *carrier_colour(const json_t *rep, const char *carrier)
{
	const json_t *g;
	size_t i;
	json_array_foreach(json_object_get(rep, "transits"), i, g)
	{
		if (strcmp(str(g, "name"), carrier) == 0)
			return colour(g, i);
	}
	return "#999999";
}

static void timeline(FILE *f, const json_t *rep, const struct axis *a)
{
	const json_t *prefixes = json_object_get(rep, "prefixes"), *g, *p;
	size_t n = json_array_size(prefixes), i, j;
	double row = 26, h = MT + row * (double)n + MB;
	char buf[40];

	fprintf(f, "<h3>Transit of each /24</h3>\n<svg id=\"timeline\" "
		   "class=\"chart\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" "
		   "aria-label=\"transit of each /24 over time\">\n",
		W, h);
	time_ticks(f, a, MT, MT + row * (double)n);
	json_array_foreach(prefixes, i, g)
	{
		const json_t *series = json_object_get(g, "series");
		size_t m = json_array_size(series);
		double y = MT + row * (double)i + 3;
		fprintf(f,
			"<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" "
			"text-anchor=\"end\">",
			ML - 6, y + 14);
		esc(f, str(g, "prefix"));
		fputs("</text>\n", f);
		json_array_foreach(series, j, p)
		{
			int64_t t = timestamp(p, "t"), next;
			const char *carrier = str(p, "carrier");
			double x0, x1;
			int dark = integer(p, "targets") > 0 &&
				   integer(p, "reached") == 0;
			if (j + 1 < m)
				next = timestamp(json_array_get(series, j + 1),
						 "t");
			else
				next =
				    t + (m > 1 ? (t - timestamp(json_array_get(
								    series, 0),
								"t")) /
						     (int64_t)(m - 1)
					       : (a->t1 - a->t0) / 50);
			x0 = xpos(a, t);
			x1 = fmin(xpos(a, next), W - MR);
			if (x1 - x0 < 2)
				x1 = x0 + 2;
			fprintf(f,
				"<rect class=\"%s\" x=\"%.1f\" y=\"%.1f\" "
				"width=\"%.1f\" height=\"18\" fill=\"%s\">"
				"<title>",
				dark ? "seg dark" : "seg", x0, y, x1 - x0,
				dark ? "#ffffff"
				     : *carrier ? carrier_colour(rep, carrier)
						: "#cccccc");
			esc(f, str(g, "prefix"));
			fprintf(f, " %s: ",
				utc(t, "%Y-%m-%d %H:%M", buf, sizeof(buf)));
			esc(f, dark ? "unreachable"
				    : *carrier ? carrier : "no transit seen");
			fprintf(f, ", %lld/%lld reached</title></rect>\n",
				(long long)integer(p, "reached"),
				(long long)integer(p, "targets"));
		}
	}
	fputs("</svg>\n", f);
}

static void latest_tables(FILE *f, const json_t *rep)
{
	int64_t latest = integer(rep, "latest_ok_run");
	const json_t *g;
	size_t i;

	fputs("<table><tr><th>transit</th><th>reached</th><th>RTT "
	      "median</th><th>95% CI</th><th>RTT p90</th><th>loss</th>"
	      "<th>border RTT</th></tr>\n",
	      f);
	json_array_foreach(json_object_get(rep, "transits"), i, g)
	{
		const json_t *p = latest_point(g, latest);
		if (p == NULL)
			continue;
		fprintf(f, "<tr><td><i class=\"sw\" style=\"background:%s\">"
			   "</i>",
			colour(g, i));
		esc(f, str(g, "name"));
		fprintf(f, "</td><td>%lld/%lld</td>",
			(long long)integer(p, "reached"),
			(long long)integer(p, "targets"));
		if (!isnan(num(p, "rtt_median")))
			fprintf(f, "<td>%.1f ms</td>", num(p, "rtt_median"));
		else
			fputs("<td>-</td>", f);
		if (!isnan(num(p, "rtt_lo")) && !isnan(num(p, "rtt_hi")))
			fprintf(f, "<td>%.1f&ndash;%.1f</td>", num(p, "rtt_lo"),
				num(p, "rtt_hi"));
		else
			fputs("<td>-</td>", f);
		if (!isnan(num(p, "rtt_p90")))
			fprintf(f, "<td>%.1f ms</td>", num(p, "rtt_p90"));
		else
			fputs("<td>-</td>", f);
		if (!isnan(num(p, "loss")))
			fprintf(f, "<td>%.2f%% (%lld/%lld)</td>",
				num(p, "loss") * 100,
				(long long)integer(p, "lost"),
				(long long)integer(p, "sent"));
		else
			fputs("<td>-</td>", f);
		if (!isnan(num(p, "border_rtt")))
			fprintf(f, "<td>%.1f ms</td>", num(p, "border_rtt"));
		else
			fputs("<td>-</td>", f);
		fputs("</tr>\n", f);
	}
	fputs("</table>\n<table><tr><th>prefix</th><th>carried by</th>"
	      "<th>reached</th><th>RTT median</th></tr>\n",
	      f);
	json_array_foreach(json_object_get(rep, "prefixes"), i, g)
	{
		const json_t *p = latest_point(g, latest);
		if (p == NULL)
			continue;
		fputs("<tr><td>", f);
		esc(f, str(g, "prefix"));
		fputs("</td><td>", f);
		esc(f, *str(p, "carrier") ? str(p, "carrier") : "-");
		fprintf(f, "</td><td>%lld/%lld</td>",
			(long long)integer(p, "reached"),
			(long long)integer(p, "targets"));
		if (!isnan(num(p, "rtt_median")))
			fprintf(f, "<td>%.1f ms</td></tr>\n",
				num(p, "rtt_median"));
		else
			fputs("<td>-</td></tr>\n", f);
	}
	fputs("</table>\n", f);
}

static const char css[] =
	"body{font:14px/1.4 system-ui,sans-serif;margin:2em auto;"
	"max-width:800px;color:#222;padding:0 1em}"
	"h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.6em}"
	"h3{font-size:1em;margin:1.2em 0 .3em}"
	"table{border-collapse:collapse;margin:.6em 0}"
	"td,th{padding:.2em .7em;border-bottom:1px solid #ddd;"
	"text-align:left}"
	"svg.chart{width:100%;height:auto}"
	".grid{stroke:#e5e5e5}.tick,.unit{font-size:11px;fill:#555}"
	".line{fill:none;stroke-width:1.6}.band{opacity:.18}"
	".ev{stroke:#d00;stroke-dasharray:3 3;stroke-width:1.2}"
	".seg.dark{stroke:#d00;stroke-width:1}"
	".legend span{margin-right:1.2em}"
	".legend i,.sw{display:inline-block;width:.9em;height:.9em;"
	"margin-right:.35em;vertical-align:-.1em}"
	".legend i.evkey{border-left:2px dashed #d00;width:0;height:1em}"
	".muted{color:#777}";

int nkt_report_html(FILE *f, const json_t *rep, const char *title)
{
	struct axis a;
	const json_t *runs = json_object_get(rep, "runs"), *e;
	size_t ok, failed, intr, i;
	char from[40], to[40], buf[40];
	static const struct chart charts[] = {
		{"rtt", "End-to-end RTT (median, band: 95% CI)", "ms",
		 "rtt_median", "rtt_lo", "rtt_hi", 1, 1, 0},
		{"loss", "End-to-end loss (band: Wilson interval)", "%", "loss",
		 "loss_lo", "loss_hi", 100, 2, 100},
		{"reach", "Targets reached", "%", "reached_pct", NULL, NULL, 1,
		 0, 100},
	};

	a.t0 = timestamp(rep, "since");
	a.t1 = timestamp(rep, "until");
	/* The time axis spans the runs, not an empty window. */
	if (json_array_size(runs) > 0) {
		int64_t first = timestamp(json_array_get(runs, 0), "start"),
			last = timestamp(
			    json_array_get(runs, json_array_size(runs) - 1),
			    "end");
		a.t0 = first;
		a.t1 = last > first ? last : first;
	}
	if (a.t1 - a.t0 < 120) {
		a.t0 -= 60;
		a.t1 += 60;
	}
	a.ymax = 1;
	count_runs(rep, &ok, &failed, &intr);

	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta "
	      "charset=\"utf-8\">\n<meta name=\"viewport\" "
	      "content=\"width=device-width\">\n<title>",
	      f);
	esc(f, title);
	fprintf(f, "</title>\n<style>%s</style></head><body>\n<h1>", css);
	esc(f, title);
	fprintf(
	    f,
	    "</h1>\n<p class=\"muted\">%s to %s &middot; %zu cycles "
	    "(%zu ok, %zu failed, %zu interrupted) &middot; generated by "
	    "nktrace</p>\n",
	    utc(shown_since(rep), "%Y-%m-%d %H:%M", from, sizeof(from)),
	    utc(timestamp(rep, "until"), "%Y-%m-%d %H:%M UTC", to, sizeof(to)),
	    ok + failed + intr, ok, failed, intr);
	if (integer(rep, "latest_ok_run") != 0) {
		const json_t *r = run_by_id(rep, integer(rep, "latest_ok_run"));
		fprintf(f, "<h2>Latest cycle (%s)</h2>\n",
			utc(timestamp(r, "start"), "%Y-%m-%d %H:%M:%S UTC", buf,
			    sizeof(buf)));
		latest_tables(f, rep);
	} else {
		fputs("<p>No successful cycle in this window.</p>\n", f);
	}
	fputs("<h2>Over time</h2>\n", f);
	legend(f, rep);
	for (i = 0; i < sizeof(charts) / sizeof(*charts); i++)
		chart(f, rep, &a, &charts[i]);
	timeline(f, rep, &a);
	fputs("<p class=\"legend\">Segments take the carrier's colour; "
	      "<span style=\"color:#d00\">outlined white</span> = no target "
	      "reached; grey = no defined transit seen.</p>\n",
	      f);

	fprintf(f, "<h2>Events (%zu)</h2>\n",
		json_array_size(json_object_get(rep, "events")));
	if (json_array_size(json_object_get(rep, "events")) > 0) {
		fputs("<table id=\"events\"><tr><th>time (UTC)</th><th>kind"
		      "</th><th>what</th></tr>\n",
		      f);
		json_array_foreach(json_object_get(rep, "events"), i, e)
		{
			fprintf(f, "<tr class=\"event\"><td>%s</td><td>",
				utc(timestamp(e, "time"), "%Y-%m-%d %H:%M:%S",
				    buf, sizeof(buf)));
			esc(f, str(e, "kind"));
			fputs("</td><td>", f);
			esc(f, str(e, "message"));
			fputs("</td></tr>\n", f);
		}
		fputs("</table>\n", f);
	}
	if (failed + intr > 0) {
		const json_t *r;
		fputs("<h2>Cycles that did not finish</h2>\n<table><tr><th>"
		      "start (UTC)</th><th>status</th><th>why</th></tr>\n",
		      f);
		json_array_foreach(runs, i, r)
		{
			if (strcmp(str(r, "status"), "ok") == 0)
				continue;
			fprintf(f, "<tr><td>%s</td><td>",
				utc(timestamp(r, "start"), "%Y-%m-%d %H:%M:%S",
				    buf, sizeof(buf)));
			esc(f, str(r, "status"));
			fputs("</td><td>", f);
			esc(f, str(r, "error"));
			fputs("</td></tr>\n", f);
		}
		fputs("</table>\n", f);
	}
	fputs("</body></html>\n", f);
	return ferror(f) ? -1 : 0;
}
