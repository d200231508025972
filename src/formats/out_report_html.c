// SPDX-License-Identifier: ISC
/*
 * out_report_html.c: a history report as one self-contained HTML page
 * (see out_report.h): the latest cycle's tables (and its vantage points,
 * for cycles of Atlas results), SVG charts of RTT, loss and reach per
 * transit over time, the transit of each /24 over time, the events and the
 * cycles that did not finish.  Pure.  About 650 lines: the page's pieces,
 * in the order the page shows them, with the chart geometry they share;
 * none is used elsewhere.
 */
#include "nktrace/out_report.h"

#include <math.h>
#include <stddef.h>
#include <string.h>

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
static const char *colour(const struct nkt_report_series *g, size_t i)
{
	static const char *palette[] = {"#9467bd", "#2ca02c", "#ff7f0e",
					"#8c564b", "#e377c2", "#17becf"};
	const char *c = g->color;
	size_t n = strlen(c), k;
	int ok = (n == 4 || n == 7) && c[0] == '#';
	for (k = 1; ok && k < n; k++)
		ok = strchr("0123456789abcdefABCDEF", c[k]) != NULL;
	return ok ? c : palette[i % NKT_ARRAY_LEN(palette)];
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

	for (i = 0; i < NKT_ARRAY_LEN(steps); i++) {
		step = steps[i];
		if (span / step <= 8)
			break;
	}
	if (span / step > 8) /* spans of years: whole multiples of 30 days */
		step *= span / step / 8 + 1;
	fmt = step >= 86400 ? "%m-%d" : span > 86400 ? "%m-%d %H:%M" : "%H:%M";
	for (t = (a->t0 + step - 1) / step * step; t <= a->t1; t += step) {
		double x = xpos(a, t);
		/* the first tick says the date whole (the others only what
		 * changes), so a chart is never without its day */
		const char *f1 = t < a->t0 + step
					 ? (step >= 86400 ? "%Y-%m-%d"
							  : "%Y-%m-%d %H:%M")
					 : fmt;
		fprintf(f,
			"<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" "
			"x2=\"%.1f\" y2=\"%.1f\"/><text class=\"tick\" "
			"x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n",
			x, top, x, bottom, x, bottom + 16,
			nkt_report_utc(t, f1, buf, sizeof(buf)));
	}
}

/* A chart of one number of the transits' points: the value at `key`, a
 * band between `lo` and `hi` when has_band (offsets of doubles in
 * struct nkt_report_point). */
struct chart {
	const char *id, *title, *unit;
	size_t key, lo, hi;
	int has_band;
	double scale; /* shown value = stored value * scale */
	int decimals;
	double cap;   /* the axis never goes above this (percentages) */
};

static double field(const struct nkt_report_point *p, size_t off)
{
	return *(const double *)(const void *)((const char *)p + off);
}

/* Points are drawn (with their tooltips) only up to this many per
 * series: beyond, a week of 15-minute cycles turns into a blob. */
#define DOTS_MAX 60

/* One series' line: a polyline per run of consecutive numbers; the i-th
 * transit after the first dashed, so that equal values (every transit at
 * 100% reach) show both. */
static void series_line(FILE *f, const struct axis *a,
			const struct nkt_report_series *s,
			const struct chart *c, const char *col, size_t nth)
{
	static const char *const dash[] = {"", " stroke-dasharray=\"7 4\"",
					   " stroke-dasharray=\"2 3\"",
					   " stroke-dasharray=\"9 3 2 3\""};
	size_t i;
	int open = 0;
	double last_x = -1;
	for (i = 0; i < s->n; i++) {
		double v = field(&s->p[i], c->key) * c->scale;
		if (isnan(v)) {
			if (open)
				fputs("\"/>\n", f);
			open = 0;
			continue;
		}
		/* at most a point per pixel: 90 days of cycles stay small */
		if (open && xpos(a, s->p[i].t) - last_x < 1.0 &&
		    i + 1 < s->n && !isnan(field(&s->p[i + 1], c->key)))
			continue;
		last_x = xpos(a, s->p[i].t);
		if (!open)
			fprintf(f,
				"<polyline class=\"line\" stroke=\"%s\"%s "
				"points=\"",
				col, dash[nth % NKT_ARRAY_LEN(dash)]);
		fprintf(f, "%s%.1f,%.1f", open ? " " : "", xpos(a, s->p[i].t),
			ypos(a, v));
		open = 1;
	}
	if (open)
		fputs("\"/>\n", f);
}

static int has_band(const struct nkt_report_point *p, const struct chart *c)
{
	return !isnan(field(p, c->lo)) && !isnan(field(p, c->hi));
}

/* The confidence band: a polygon per run of points that have both ends. */
static void series_band(FILE *f, const struct axis *a,
			const struct nkt_report_series *s,
			const struct chart *c, const char *col)
{
	size_t i = 0, j, k;
	while (i < s->n) {
		for (; i < s->n && !has_band(&s->p[i], c); i++)
			;
		for (j = i; j < s->n && has_band(&s->p[j], c); j++)
			;
		if (j > i) {
			double last = -1;
			fprintf(f, "<polygon class=\"band\" fill=\"%s\" points=\"",
				col);
			for (k = i; k < j; k++) {
				if (k > i && k + 1 < j &&
				    xpos(a, s->p[k].t) - last < 1.0)
					continue; /* a point per pixel */
				last = xpos(a, s->p[k].t);
				fprintf(f, "%.1f,%.1f ", last,
					ypos(a, field(&s->p[k], c->hi) *
							c->scale));
			}
			last = W * 2;
			for (k = j; k > i; k--) {
				if (k < j && k - 1 > i &&
				    last - xpos(a, s->p[k - 1].t) < 1.0)
					continue;
				last = xpos(a, s->p[k - 1].t);
				fprintf(f, "%.1f,%.1f ", last,
					ypos(a, field(&s->p[k - 1], c->lo) *
							c->scale));
			}
			fputs("\"/>\n", f);
		}
		i = j;
	}
}

/* The largest value (or band top) of the chart; 1 when there is none. */
static double chart_max(const struct nkt_report *r, const struct chart *c)
{
	double vmax = 0;
	size_t i, j;
	for (i = 0; i < r->n_transits; i++)
		for (j = 0; j < r->transits[i].n; j++) {
			const struct nkt_report_point *p = &r->transits[i].p[j];
			double v = field(p, c->key) * c->scale;
			if (c->has_band && !isnan(field(p, c->hi)))
				v = fmax(v, field(p, c->hi) * c->scale);
			if (!isnan(v) && v > vmax)
				vmax = v;
		}
	return vmax <= 0 ? 1 : vmax;
}

/* The frame: title, value grid, time ticks, unit, event lines. */
static void chart_frame(FILE *f, const struct nkt_report *r,
			const struct axis *a, const struct chart *c,
			double step)
{
	double y;
	size_t i;

	fprintf(f, "<h3>");
	esc(f, c->title);
	fprintf(f, "</h3>\n<svg id=\"%s\" class=\"chart\" viewBox=\"0 0 %.0f "
		   "%.0f\" role=\"img\" aria-label=\"",
		c->id, W, H);
	esc(f, c->title);
	fputs("\">\n", f);
	for (y = 0; y <= a->ymax + step / 2; y += step)
		fprintf(f,
			"<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" "
			"x2=\"%.1f\" y2=\"%.1f\"/><text class=\"tick\" "
			"x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%.*f</text>\n",
			ML, ypos(a, y), W - MR, ypos(a, y), ML - 6,
			ypos(a, y) + 4, step < 1 ? 1 : 0, y);
	time_ticks(f, a, MT, H - MB);
	fprintf(f,
		"<text class=\"unit\" x=\"12\" y=\"%.1f\" "
		"transform=\"rotate(-90 12 %.1f)\" "
		"text-anchor=\"middle\">",
		(H - MB + MT) / 2, (H - MB + MT) / 2);
	esc(f, c->unit);
	fputs("</text>\n", f);
	/* Events: a dashed line at the start of the cycle that saw them,
	 * where that cycle's points are (the event's time is its end). */
	for (i = 0; i < r->n_events; i++) {
		const struct nkt_report_run *run =
			nkt_report_run_by_id(r, r->events[i].run);
		double x = xpos(a, run ? run->start : r->events[i].time);
		if (x < ML || x > W - MR)
			continue;
		char when[40];
		fprintf(f,
			"<line class=\"ev\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
			"y2=\"%.1f\"><title>cycle of %s UTC: ",
			x, MT, x, H - MB,
			nkt_report_utc(run ? run->start : r->events[i].time,
				       "%Y-%m-%d %H:%M:%S", when,
				       sizeof(when)));
		esc(f, r->events[i].e.message);
		fputs("</title></line>\n", f);
	}
}

/* One transit's points with their tooltips. */
static void chart_points(FILE *f, const struct axis *a,
			 const struct nkt_report_series *g, size_t i,
			 const struct chart *c, const char *col)
{
	char buf[40];
	size_t j;
	for (j = 0; j < g->n; j++) {
		double v = field(&g->p[j], c->key) * c->scale;
		if (isnan(v))
			continue;
		fprintf(f,
			"<circle class=\"pt\" data-transit=\"%zu\" cx=\"%.1f\" "
			"cy=\"%.1f\" r=\"3\" fill=\"%s\"><title>",
			i, xpos(a, g->p[j].t), ypos(a, v), col);
		esc(f, g->name);
		fprintf(f, " %s: %.*f %s",
			nkt_report_utc(g->p[j].t, "%Y-%m-%d %H:%M", buf,
				       sizeof(buf)),
			c->decimals, v, c->unit);
		fputs("</title></circle>\n", f);
	}
}

static void chart(FILE *f, const struct nkt_report *r,
		  const struct axis *ta, const struct chart *c)
{
	struct axis a = *ta;
	double vmax = chart_max(r, c), step = nice_step(vmax, 5);
	size_t i;

	a.ymax = ceil(vmax * 1.05 / step) * step;
	if (c->cap > 0 && a.ymax > c->cap) {
		a.ymax = c->cap;
		step = nice_step(c->cap, 5);
	}
	chart_frame(f, r, &a, c, step);
	for (i = 0; i < r->n_transits; i++) {
		const struct nkt_report_series *g = &r->transits[i];
		const char *col = colour(g, i);
		if (c->has_band)
			series_band(f, &a, g, c, col);
		series_line(f, &a, g, c, col, i);
		if (g->n <= DOTS_MAX)
			chart_points(f, &a, g, i, c, col);
	}
	fputs("</svg>\n", f);
}

static void legend(FILE *f, const struct nkt_report *r)
{
	size_t i;
	fputs("<p class=\"legend\">", f);
	for (i = 0; i < r->n_transits; i++) {
		fprintf(f, "<span><i style=\"background:%s\"></i>",
			colour(&r->transits[i], i));
		esc(f, r->transits[i].name);
		fputs("</span> ", f);
	}
	fputs("<span><i class=\"evkey\"></i>event</span></p>\n", f);
}

/* The colour a /24's carrier is drawn in. */
static const char *carrier_colour(const struct nkt_report *r,
				  const char *carrier)
{
	size_t i;
	for (i = 0; i < r->n_transits; i++)
		if (strcmp(r->transits[i].name, carrier) == 0)
			return colour(&r->transits[i], i);
	return "#999999";
}

/* Where point j of a /24's row ends: the next point, else one typical
 * step on. */
static int64_t segment_end(const struct nkt_report_series *g, size_t j,
			   const struct axis *a)
{
	if (j + 1 < g->n)
		return g->p[j + 1].t;
	return g->p[j].t + (g->n > 1 ? (g->p[j].t - g->p[0].t) /
					       (int64_t)(g->n - 1)
				     : (a->t1 - a->t0) / 50);
}

static void timeline_row(FILE *f, const struct nkt_report *r,
			 const struct nkt_report_series *g, double y,
			 const struct axis *a)
{
	char buf[40];
	size_t j, k;

	fprintf(f,
		"<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" "
		"text-anchor=\"end\">",
		ML - 6, y + 14);
	esc(f, g->name);
	fputs("</text>\n", f);
	for (j = 0; j < g->n; j = k + 1) {
		const struct nkt_report_point *p = &g->p[j];
		int dark = p->targets > 0 && p->reached == 0;
		double x0 = xpos(a, p->t), x1;
		/* one segment for the cycles in one state in a row */
		for (k = j; k + 1 < g->n &&
			    ((g->p[k + 1].targets > 0 &&
			      g->p[k + 1].reached == 0) == dark) &&
			    strcmp(g->p[k + 1].carrier, p->carrier) == 0;
		     k++)
			;
		x1 = fmin(xpos(a, segment_end(g, k, a)), W - MR);
		if (x1 - x0 < 2)
			x1 = x0 + 2;
		fprintf(f,
			"<rect class=\"%s\" x=\"%.1f\" y=\"%.1f\" "
			"width=\"%.1f\" height=\"18\" fill=\"%s\"><title>",
			dark ? "seg dark" : "seg", x0, y, x1 - x0,
			dark ? "#ffffff"
			: p->carrier[0] ? carrier_colour(r, p->carrier)
					: "#cccccc");
		esc(f, g->name);
		fprintf(f, " %s",
			nkt_report_utc(p->t, "%Y-%m-%d %H:%M", buf,
				       sizeof(buf)));
		if (k > j)
			fprintf(f, " to %s (%zu cycles)",
				nkt_report_utc(g->p[k].t, "%Y-%m-%d %H:%M", buf,
					       sizeof(buf)),
				k - j + 1);
		fputs(": ", f);
		esc(f, dark ? "unreachable"
			    : p->carrier[0] ? p->carrier : "no transit seen");
		fprintf(f, ", %llu/%llu reached</title></rect>\n",
			(unsigned long long)g->p[k].reached,
			(unsigned long long)g->p[k].targets);
	}
}

static void timeline(FILE *f, const struct nkt_report *r,
		     const struct axis *a)
{
	double row = 26, h = MT + row * (double)r->n_prefixes + MB;
	size_t i;

	fprintf(f, "<h3>Transit of each /24</h3>\n<svg id=\"timeline\" "
		   "class=\"chart\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" "
		   "aria-label=\"transit of each /24 over time\">\n",
		W, h);
	time_ticks(f, a, MT, MT + row * (double)r->n_prefixes);
	for (i = 0; i < r->n_prefixes; i++)
		timeline_row(f, r, &r->prefixes[i], MT + row * (double)i + 3,
			     a);
	fputs("</svg>\n", f);
}

/* A table cell of a number, "-" without one. */
static void td_ms(FILE *f, double v)
{
	if (isnan(v))
		fputs("<td>-</td>", f);
	else
		fprintf(f, "<td>%.1f ms</td>", v);
}

static void transit_table(FILE *f, const struct nkt_report *r)
{
	size_t i;

	fputs("<table><tr><th>transit</th><th>reached</th><th>RTT "
	      "median</th><th>95% CI</th><th>RTT p90</th><th>loss</th>"
	      "<th>border RTT</th></tr>\n",
	      f);
	for (i = 0; i < r->n_transits; i++) {
		const struct nkt_report_series *g = &r->transits[i];
		const struct nkt_report_point *p =
			nkt_report_latest(g, r->latest_ok_run);
		if (p == NULL)
			continue;
		fprintf(f, "<tr><td><i class=\"sw\" style=\"background:%s\">"
			   "</i>",
			colour(g, i));
		esc(f, g->name);
		fprintf(f, "</td><td>%llu/%llu</td>",
			(unsigned long long)p->reached,
			(unsigned long long)p->targets);
		td_ms(f, p->rtt_median);
		if (!isnan(p->rtt_lo) && !isnan(p->rtt_hi))
			fprintf(f, "<td>%.1f&ndash;%.1f</td>", p->rtt_lo,
				p->rtt_hi);
		else
			fputs("<td>-</td>", f);
		td_ms(f, p->rtt_p90);
		if (!isnan(p->loss))
			fprintf(f, "<td>%.2f%% (%llu/%llu)</td>",
				p->loss * 100, (unsigned long long)p->lost,
				(unsigned long long)p->sent);
		else
			fputs("<td>-</td>", f);
		td_ms(f, p->border_rtt);
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);
}

static void prefix_table(FILE *f, const struct nkt_report *r)
{
	size_t i;

	fputs("<table><tr><th>prefix</th><th>carried by</th>"
	      "<th>reached</th><th>RTT median</th></tr>\n",
	      f);
	for (i = 0; i < r->n_prefixes; i++) {
		const struct nkt_report_series *g = &r->prefixes[i];
		const struct nkt_report_point *p =
			nkt_report_latest(g, r->latest_ok_run);
		if (p == NULL)
			continue;
		fputs("<tr><td>", f);
		esc(f, g->name);
		fputs("</td><td>", f);
		esc(f, p->carrier[0] ? p->carrier : "-");
		fprintf(f, "</td><td>%llu/%llu</td>",
			(unsigned long long)p->reached,
			(unsigned long long)p->targets);
		td_ms(f, p->rtt_median);
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);
}

static void events_table(FILE *f, const struct nkt_report *r)
{
	char buf[40];
	size_t i;

	fprintf(f, "<h2>Events (%zu)</h2>\n", r->n_events);
	if (r->n_events == 0)
		return;
	/* the cycle's start, where the charts mark the event, and when the
	 * cycle that saw it ended */
	fputs("<table id=\"events\"><tr><th>cycle (UTC, its start: the "
	      "charts' mark)</th><th>seen (UTC)</th><th>kind</th>"
	      "<th>what</th></tr>\n",
	      f);
	for (i = 0; i < r->n_events; i++) {
		const struct nkt_report_run *run =
			nkt_report_run_by_id(r, r->events[i].run);
		char seen[40];
		fprintf(f, "<tr class=\"event\"><td>%s</td><td>%s</td><td>",
			run != NULL ? nkt_report_utc(run->start,
						     "%Y-%m-%d %H:%M:%S", buf,
						     sizeof(buf))
				    : "-",
			nkt_report_utc(r->events[i].time, "%Y-%m-%d %H:%M:%S",
				       seen, sizeof(seen)));
		esc(f, r->events[i].e.kind);
		fputs("</td><td>", f);
		esc(f, r->events[i].e.message);
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n", f);
}

static void unfinished_table(FILE *f, const struct nkt_report *r)
{
	char buf[40];
	size_t i;

	fputs("<h2>Cycles that did not finish</h2>\n<table><tr><th>"
	      "start (UTC)</th><th>status</th><th>why</th></tr>\n",
	      f);
	for (i = 0; i < r->n_runs; i++) {
		const struct nkt_report_run *run = &r->runs[i];
		if (strcmp(run->status, "ok") == 0)
			continue;
		fprintf(f, "<tr><td>%s</td><td>",
			nkt_report_utc(run->start, "%Y-%m-%d %H:%M:%S", buf,
				       sizeof(buf)));
		esc(f, run->status);
		fputs("</td><td>", f);
		esc(f, run->error);
		fputs("</td></tr>\n", f);
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

/* Vantage points per /24, transit and country (cycles of RIPE Atlas
 * results). */
static void vantage_table(FILE *f, const struct nkt_report *r)
{
	size_t i;
	if (r->n_vantage == 0)
		return;
	fputs("<h3>Vantage points</h3>\n<table><tr><th>/24</th><th>transit"
	      "</th><th>probes' country</th><th>vantage points</th></tr>\n",
	      f);
	for (i = 0; i < r->n_vantage; i++) {
		fputs("<tr><td>", f);
		esc(f, r->vantage[i].prefix);
		fputs("</td><td>", f);
		esc(f, r->vantage[i].transit);
		fputs("</td><td>", f);
		esc(f, r->vantage[i].country[0] ? r->vantage[i].country
						: "unknown");
		fprintf(f, "</td><td class=\"n\">%llu</td></tr>\n",
			(unsigned long long)r->vantage[i].vantage_points);
	}
	fputs("</table>\n", f);
}

/* The time axis spans the runs, not an empty window. */
static void time_axis(const struct nkt_report *r, struct axis *a)
{
	a->t0 = r->since;
	a->t1 = r->until;
	if (r->n_runs > 0) {
		int64_t first = r->runs[0].start,
			last = r->runs[r->n_runs - 1].end;
		a->t0 = first;
		a->t1 = last > first ? last : first;
	}
	if (a->t1 - a->t0 < 120) {
		a->t0 -= 60;
		a->t1 += 60;
	}
	a->ymax = 1;
}

#define OFF(field) offsetof(struct nkt_report_point, field)

static void head(FILE *f, const struct nkt_report *r, const char *title)
{
	char from[40], to[40];
	size_t ok, failed, intr;

	nkt_report_count_runs(r, &ok, &failed, &intr);
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta "
	      "charset=\"utf-8\">\n<meta name=\"viewport\" "
	      "content=\"width=device-width\">\n<title>",
	      f);
	esc(f, title);
	fprintf(f, "</title>\n<style>%s</style></head><body>\n<h1>", css);
	esc(f, title);
	fprintf(f,
		"</h1>\n<p class=\"muted\">%s to %s &middot; %zu cycles "
		"(%zu ok, %zu failed, %zu interrupted) &middot; generated by "
		"nktrace</p>\n",
		nkt_report_utc(nkt_report_shown_since(r), "%Y-%m-%d %H:%M",
			       from, sizeof(from)),
		nkt_report_utc(r->until, "%Y-%m-%d %H:%M UTC", to, sizeof(to)),
		ok + failed + intr, ok, failed, intr);
}

int nkt_report_html(FILE *f, const struct nkt_report *r, const char *title)
{
	static const struct chart charts[] = {
		{"rtt", "End-to-end RTT (median, band: 95% CI)", "ms",
		 OFF(rtt_median), OFF(rtt_lo), OFF(rtt_hi), 1, 1, 1, 0},
		{"loss", "End-to-end loss (band: Wilson interval)", "%",
		 OFF(loss), OFF(loss_lo), OFF(loss_hi), 1, 100, 2, 100},
		{"reach", "Targets reached", "%", OFF(reached_pct), 0, 0, 0, 1,
		 0, 100},
	};
	const struct nkt_report_run *latest =
		nkt_report_run_by_id(r, r->latest_ok_run);
	struct axis a;
	size_t ok, failed, intr, i;
	char buf[40];

	time_axis(r, &a);
	nkt_report_count_runs(r, &ok, &failed, &intr);
	head(f, r, title);
	if (r->latest_ok_run != 0) {
		fprintf(f, "<h2>Latest cycle (%s)</h2>\n",
			nkt_report_utc(latest ? latest->start : 0,
				       "%Y-%m-%d %H:%M:%S UTC", buf,
				       sizeof(buf)));
		transit_table(f, r);
		prefix_table(f, r);
		vantage_table(f, r);
	} else {
		fputs("<p>No successful cycle in this window.</p>\n", f);
	}
	fputs("<h2>Over time</h2>\n", f);
	legend(f, r);
	for (i = 0; i < NKT_ARRAY_LEN(charts); i++)
		chart(f, r, &a, &charts[i]);
	timeline(f, r, &a);
	fputs("<p class=\"legend\">Segments take the carrier's colour; "
	      "<i class=\"sw\" style=\"background:#fff;border:1px solid "
	      "#d00\"></i>no target reached; <i class=\"sw\" "
	      "style=\"background:#bbb\"></i>no transit seen.</p>\n",
	      f);
	events_table(f, r);
	if (failed + intr > 0)
		unfinished_table(f, r);
	fputs("</body></html>\n", f);
	return ferror(f) ? -1 : 0;
}
