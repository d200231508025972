// SPDX-License-Identifier: ISC
/*
 * test_report.c: a hand-made history report read from its JSON and
 * rendered as text, Prometheus metrics and HTML: the numbers of the latest
 * successful cycle, missing values left out (never "nan"), label and HTML
 * escaping of hostile names, colours that cannot break out of an
 * attribute, one chart point per value; the JSON read back writes the
 * same bytes; members of the wrong type are refused by name.
 */
#include "nkt_test.h"
#include "nktrace/out_report.h"

#include <jansson.h>
#include <math.h>

/* Three runs: 1 ok, 2 ok (TTK dark), 3 failed.  A transit named with a
 * quote, a backslash and markup. */
static const char report_json[] =
	"{\"type\":\"report\",\"since\":1795790000,\"until\":1795800400,"
	"\"latest_ok_run\":2,"
	"\"runs\":["
	"{\"id\":1,\"start\":1795799952,\"end\":1795799975,\"status\":\"ok\","
	"\"error\":null,\"targets\":19,\"probes\":2012,\"capture_dropped\":0},"
	"{\"id\":2,\"start\":1795800252,\"end\":1795800276,\"status\":\"ok\","
	"\"error\":null,\"targets\":19,\"probes\":1990,\"capture_dropped\":0},"
	"{\"id\":3,\"start\":1795800352,\"end\":1795800353,\"status\":"
	"\"failed\",\"error\":\"no route <to> NK\",\"targets\":0,\"probes\":0,"
	"\"capture_dropped\":0}],"
	"\"transits\":["
	"{\"name\":\"China Unicom\",\"color\":\"#d62728\",\"series\":["
	"{\"t\":1795799952,\"run\":1,\"targets\":13,\"reached\":13,"
	"\"reached_pct\":100.0,\"rtt_median\":29.4,\"rtt_p90\":29.8,"
	"\"rtt_lo\":29.3,\"rtt_hi\":29.5,\"loss\":0.015,\"loss_lo\":0.005,"
	"\"loss_hi\":0.04,\"sent\":200,\"lost\":3,\"border_rtt\":23.8},"
	"{\"t\":1795800252,\"run\":2,\"targets\":13,\"reached\":13,"
	"\"reached_pct\":100.0,\"rtt_median\":29.5,\"rtt_p90\":29.9,"
	"\"rtt_lo\":29.4,\"rtt_hi\":29.6,\"loss\":0.01,\"loss_lo\":0.003,"
	"\"loss_hi\":0.03,\"sent\":200,\"lost\":2,\"border_rtt\":null}]},"
	"{\"name\":\"T\\\"T\\\\K <b>\",\"color\":\"red\\\" onload=\\\"x\","
	"\"series\":["
	"{\"t\":1795799952,\"run\":1,\"targets\":6,\"reached\":6,"
	"\"reached_pct\":100.0,\"rtt_median\":19.5,\"rtt_p90\":19.9,"
	"\"rtt_lo\":19.4,\"rtt_hi\":19.6,\"loss\":0.05,\"loss_lo\":0.02,"
	"\"loss_hi\":0.1,\"sent\":120,\"lost\":6,\"border_rtt\":18.9},"
	"{\"t\":1795800252,\"run\":2,\"targets\":6,\"reached\":0,"
	"\"reached_pct\":0.0,\"rtt_median\":null,\"rtt_p90\":null,"
	"\"rtt_lo\":null,\"rtt_hi\":null,\"loss\":null,\"loss_lo\":null,"
	"\"loss_hi\":null,\"sent\":0,\"lost\":0,\"border_rtt\":null}]}],"
	"\"prefixes\":["
	"{\"prefix\":\"175.45.178.0/24\",\"series\":["
	"{\"t\":1795799952,\"run\":1,\"carrier\":\"T\\\"T\\\\K <b>\","
	"\"targets\":3,\"reached\":3,\"reached_pct\":100.0,\"rtt_median\":19.4,"
	"\"rtt_p90\":19.8,\"loss\":0.05},"
	"{\"t\":1795800252,\"run\":2,\"carrier\":\"T\\\"T\\\\K <b>\","
	"\"targets\":3,\"reached\":0,\"reached_pct\":0.0,\"rtt_median\":null,"
	"\"rtt_p90\":null,\"loss\":null}]}],"
	"\"events\":["
	"{\"type\":\"event\",\"time\":1795800276,\"run\":2,\"kind\":\"outage\","
	"\"prefix\":\"175.45.178.0/24\",\"message\":\"175.45.178.0/24 is "
	"unreachable <now>\"}],"
	"\"totals\":{\"runs ok\":41,\"runs failed\":3,\"events outage\":2},"
	"\"vantage\":[{\"prefix\":\"175.45.178.0/24\",\"transit\":\"TTK\","
	"\"country\":\"DE\",\"vantage_points\":30},{\"prefix\":"
	"\"175.45.178.0/24\",\"transit\":\"TTK\",\"country\":\"\","
	"\"vantage_points\":4}]}";

static char *render(int kind, const json_t *j)
{
	struct nkt_report rep;
	struct nkt_err err = {0, ""};
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int rc;

	CHECK_INT(nkt_report_from_json(j, &rep, &err), 0);
	if (err.msg[0])
		fprintf(stderr, "report: %s\n", err.msg);
	rc = kind == 't'   ? nkt_report_text(f, &rep)
	     : kind == 'p' ? nkt_report_prom(f, &rep)
			   : nkt_report_html(f, &rep, "NK <report> & \"x\"");
	CHECK_INT(rc, 0);
	fclose(f);
	nkt_report_free(&rep);
	return buf;
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

static void test_text(const json_t *rep)
{
	char *s = render('t', rep);
	CHECK(strstr(s, "3 cycles (2 ok, 1 failed, 0 interrupted)") != NULL);
	CHECK(strstr(s, "latest successful cycle: run 2 at 2026-11-27 "
			"17:24:12 UTC") != NULL);
	CHECK(strstr(s, "China Unicom         13/13     29.5 ms     29.9 ms"
			"    1.0%") != NULL);
	/* The dark transit: reach, no numbers, never "nan". */
	CHECK(strstr(s, "0/6           -           -       -") != NULL);
	CHECK(strstr(s, "nan") == NULL);
	CHECK(strstr(s, "175.45.178.0/24 is unreachable <now>") != NULL);
	free(s);
}

static void test_prom(const json_t *rep)
{
	char *s = render('p', rep);
	/* Counters: the history's totals, not the window's 2 and 1. */
	CHECK(strstr(s, "# TYPE nktrace_runs_total counter\n") != NULL);
	CHECK(strstr(s, "nktrace_runs_total{status=\"ok\"} 41\n") != NULL);
	CHECK(strstr(s, "nktrace_runs_total{status=\"failed\"} 3\n") != NULL);
	CHECK(strstr(s, "nktrace_runs_total{status=\"interrupted\"} 0\n") !=
	      NULL);
	CHECK(strstr(s, "nktrace_build_info{version=\"" NKT_VERSION "\"} 1\n") !=
	      NULL);
	CHECK(strstr(s, "nktrace_last_run_ok 0\n") != NULL);
	CHECK(strstr(s, "nktrace_last_ok_run_timestamp_seconds 1795800252\n") !=
	      NULL);
	CHECK(strstr(s, "nktrace_last_ok_run_duration_seconds 24\n") != NULL);
	CHECK(strstr(s, "nktrace_transit_rtt_median_seconds{transit=\"China "
			"Unicom\"} 0.0295\n") != NULL);
	CHECK(strstr(s, "nktrace_transit_loss_ratio{transit=\"China "
			"Unicom\"} 0.01\n") != NULL);
	/* Escaped label; the dark transit has reach but no RTT sample. */
	CHECK(strstr(s, "nktrace_transit_reached{transit=\"T\\\"T\\\\K "
			"<b>\"} 0\n") != NULL);
	CHECK(count(s, "nktrace_transit_rtt_median_seconds{") == 1);
	CHECK(strstr(s, "NaN") == NULL && strstr(s, "nan") == NULL);
	/* The border RTT of run 2 is null: left out, not run 1's value. */
	CHECK(count(s, "nktrace_transit_border_rtt_seconds{") == 0);
	CHECK(strstr(s, "nktrace_prefix_carrier{prefix=\"175.45.178.0/24\","
			"transit=\"T\\\"T\\\\K <b>\"} 1\n") != NULL);
	/* vantage points per /24 and transit, over the countries */
	CHECK(strstr(s, "nktrace_prefix_vantage_points{prefix=\"175.45.178.0/"
			"24\",transit=\"TTK\"} 34\n") != NULL);
	CHECK(strstr(s, "# TYPE nktrace_events_total counter\n") != NULL);
	CHECK(strstr(s, "nktrace_events_total{kind=\"outage\"} 2\n") != NULL);
	CHECK(strstr(s, "nktrace_events_total{kind=\"prefix_moved\"} 0\n") !=
	      NULL);
	/* Every metric has HELP and TYPE once. */
	CHECK_INT(count(s, "# TYPE nktrace_transit_targets gauge"), 1);
	CHECK_INT(count(s, "# HELP "), count(s, "# TYPE "));
	free(s);
}

static void test_html(const json_t *rep)
{
	char *s = render('h', rep);
	CHECK(strncmp(s, "<!DOCTYPE html>", 15) == 0);
	CHECK(strstr(s, "<title>NK &lt;report&gt; &amp; &quot;x&quot;</title>")
	      != NULL);
	/* Nothing from the data reaches the page unescaped. */
	CHECK(strstr(s, "<b>") == NULL);
	CHECK(strstr(s, "<now>") == NULL);
	CHECK(strstr(s, "<to>") == NULL);
	CHECK(strstr(s, "onload") == NULL);
	CHECK(strstr(s, "<script") == NULL);
	CHECK(strstr(s, "T&quot;T\\K &lt;b&gt;") != NULL);
	/* The outage of run 2 is drawn where run 2's points are (its start,
	 * x 584.8), not at its end (622.6), after the last point. */
	CHECK(strstr(s, "class=\"ev\" x1=\"584.8\"") != NULL);
	CHECK(strstr(s, "class=\"ev\" x1=\"622.6\"") == NULL);
	/* Points: RTT 2+1, loss 2+1, reach 2+2. */
	CHECK_INT(count(s, "class=\"pt\""), 10);
	CHECK_INT(count(s, "<svg "), 4);
	CHECK_INT(count(s, "class=\"seg dark\""), 1);
	CHECK_INT(count(s, "<tr class=\"event\">"), 1);
	/* The table gives the cycle's start (the charts' mark) and when the
	 * cycle that saw the event ended; the mark's tooltip the start. */
	CHECK(strstr(s, "<tr class=\"event\"><td>2026-11-27 17:24:12</td>"
			"<td>2026-11-27 17:24:36</td>") != NULL);
	CHECK(strstr(s, "<title>cycle of 2026-11-27 17:24:12 UTC: ") != NULL);
	/* The time axis's first tick says the date (the others the time). */
	CHECK(strstr(s, "text-anchor=\"middle\">2026-11-27 ") != NULL);
	CHECK(strstr(s, "Cycles that did not finish") != NULL);
	CHECK(strstr(s, "no route &lt;to&gt; NK") != NULL);
	CHECK(strstr(s, "nan") == NULL);
	CHECK(strstr(s, "</html>\n") != NULL);
	free(s);
}

static void test_empty(void)
{
	json_t *rep = json_loads("{\"type\":\"report\",\"since\":0,\"until\":"
				 "100,\"latest_ok_run\":null,\"runs\":[],"
				 "\"transits\":[],\"prefixes\":[],\"events\":"
				 "[]}",
				 0, NULL);
	char *s = render('t', rep);
	CHECK(strstr(s, "no successful cycle in this window") != NULL);
	free(s);
	s = render('p', rep);
	CHECK(strstr(s, "nktrace_runs_total{status=\"ok\"} 0\n") != NULL);
	CHECK(strstr(s, "nktrace_transit") == NULL);
	free(s);
	s = render('h', rep);
	CHECK(strstr(s, "No successful cycle in this window.") != NULL);
	CHECK(strstr(s, "nan") == NULL && strstr(s, "inf") == NULL);
	free(s);
	json_decref(rep);
}

/* Times are input: a window of centuries (or of int64 extremes) renders a
 * bounded page with a handful of ticks, and differences never overflow. */
static void test_extreme_times(void)
{
	static const char *const reps[] = {
	    "{\"type\":\"report\",\"since\":0,\"until\":"
	    "4611686018427387904,\"runs\":[],\"transits\":[],"
	    "\"prefixes\":[],\"events\":[]}",
	    "{\"type\":\"report\",\"since\":-9223372036854775807,"
	    "\"until\":9223372036854775807,\"runs\":[{\"id\":1,"
	    "\"status\":\"ok\",\"start\":-9223372036854775807,\"end\":"
	    "9223372036854775807}],\"latest_ok_run\":1,"
	    "\"transits\":[{\"name\":\"X\","
	    "\"series\":[{\"t\":-9223372036854775807,\"run\":1,"
	    "\"rtt_median\":1},"
	    "{\"t\":9223372036854775807,\"run\":1,\"rtt_median\":2}]}],"
	    "\"prefixes\":[],\"events\":[{\"time\":"
	    "9223372036854775807,\"kind\":\"outage\"}]}",
	};
	for (size_t i = 0; i < sizeof(reps) / sizeof(*reps); i++) {
		json_t *rep = json_loads(reps[i], 0, NULL);
		CHECK(rep != NULL);
		char *s = render('h', rep);
		CHECK(strlen(s) < 200000);
		CHECK(count(s, "class=\"tick\"") < 100);
		CHECK(strstr(s, "</html>\n") != NULL);
		free(s);
		s = render('p', rep);
		free(s);
		s = render('t', rep);
		free(s);
		json_decref(rep);
	}
}

/* Written back, the report read from its JSON is the same JSON. */
static void test_round_trip(const json_t *j)
{
	struct nkt_report rep;
	struct nkt_err err = {0, ""};
	char *a, *b;
	json_t *back;

	CHECK_INT(nkt_report_from_json(j, &rep, &err), 0);
	back = nkt_report_json(&rep);
	a = json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(10));
	b = json_dumps(back, JSON_COMPACT | JSON_REAL_PRECISION(10));
	CHECK_STR(b, a);
	free(a);
	free(b);
	json_decref(back);
	nkt_report_free(&rep);
}

/* A member of the wrong type is an error that names it; what is missing
 * has no value. */
static void test_types(void)
{
	static const struct {
		const char *json, *msg;
	} bad[] = {
		{"[]", "a report is a JSON object"},
		{"{\"since\":\"yesterday\"}", "since: not an integer"},
		{"{\"runs\":{}}", "runs: not an array"},
		{"{\"runs\":[{\"id\":1,\"probes\":-5}]}",
		 "runs[0].probes: -5 is out of range"},
		{"{\"transits\":[{\"name\":\"X\",\"series\":[{\"t\":1,"
		 "\"rtt_meidan\":3,\"rtt_median\":\"3\"}]}]}",
		 "transits[0].series[0].rtt_median: not a number"},
		{"{\"prefixes\":[{\"prefix\":7}]}",
		 "prefixes[0].prefix: not a string"},
		{"{\"events\":[{\"time\":1,\"kind\":[]}]}",
		 "events[0].kind: not a string"},
	};
	size_t i;
	for (i = 0; i < NKT_ARRAY_LEN(bad); i++) {
		struct nkt_report rep;
		struct nkt_err err = {0, ""};
		json_t *j = json_loads(bad[i].json, JSON_DECODE_ANY, NULL);
		CHECK(j != NULL);
		CHECK_INT(nkt_report_from_json(j, &rep, &err), NKT_EMALFORMED);
		CHECK_STR(err.msg, bad[i].msg);
		CHECK(rep.n_runs == 0 && rep.transits == NULL);
		json_decref(j);
	}
	{
		struct nkt_report rep;
		struct nkt_err err = {0, ""};
		json_t *j = json_loads("{\"transits\":[{\"name\":\"X\","
				       "\"series\":[{\"t\":1}]}]}",
				       0, NULL);
		CHECK_INT(nkt_report_from_json(j, &rep, &err), 0);
		CHECK(isnan(rep.transits[0].p[0].rtt_median));
		CHECK(rep.latest_ok_run == 0 && rep.n_events == 0);
		nkt_report_free(&rep);
		json_decref(j);
	}
}

/* 90 days of 15-minute cycles: the page stays small (no dot per point,
 * a point per pixel, one timeline segment per state), two transits with
 * equal values stay distinguishable (the second dashed), and the legend's
 * "no target reached" swatch is drawn. */
static void test_html_long(void)
{
	struct nkt_report r;
	struct nkt_report_series *s;
	struct nkt_report_event *ev;
	char *buf = NULL;
	size_t len = 0, i, k, n = 90 * 96;
	const char *names[2] = {"China Unicom", "TTK"};
	FILE *f = open_memstream(&buf, &len);

	memset(&r, 0, sizeof(r));
	r.since = 1790000000;
	r.until = r.since + (int64_t)n * 900;
	for (i = 0; i < n; i++) {
		struct nkt_report_run *run = nkt_report_add_run(&r);
		run->id = (int64_t)i + 1;
		run->start = r.since + (int64_t)i * 900;
		run->end = run->start + 600;
		snprintf(run->status, sizeof(run->status), "ok");
	}
	r.latest_ok_run = (int64_t)n;
	for (k = 0; k < 2; k++) {
		s = nkt_report_series(&r.transits, &r.n_transits, names[k]);
		for (i = 0; i < n; i++) {
			struct nkt_report_point *p = nkt_report_add_point(s);
			p->t = r.since + (int64_t)i * 900;
			p->run = (int64_t)i + 1;
			p->targets = p->reached = 10;
			p->reached_pct = 100;
			p->rtt_median = 20 + (double)(i % 7) + (double)k * 10;
			p->loss = 0.01;
		}
	}
	s = nkt_report_series(&r.prefixes, &r.n_prefixes, "175.45.178.0/24");
	for (i = 0; i < n; i++) {
		struct nkt_report_point *p = nkt_report_add_point(s);
		p->t = r.since + (int64_t)i * 900;
		p->run = (int64_t)i + 1;
		p->targets = p->reached = 3;
		snprintf(p->carrier, sizeof(p->carrier), "%s",
			 i < n / 2 ? "TTK" : "China Unicom");
	}
	ev = nkt_report_add_event(&r);
	ev->run = (int64_t)(n / 2) + 1;
	ev->time = r.since + (int64_t)(n / 2) * 900 + 600; /* its end */
	snprintf(ev->e.kind, sizeof(ev->e.kind), "prefix_moved");
	snprintf(ev->e.message, sizeof(ev->e.message), "moved");
	CHECK_INT(nkt_report_html(f, &r, "90 days"), 0);
	fclose(f);
	CHECK(len < 400 * 1024);
	CHECK(strstr(buf, "<circle") == NULL);
	CHECK(count(buf, "<rect class=\"seg\"") == 2);
	CHECK(strstr(buf, "stroke-dasharray=\"7 4\"") != NULL);
	CHECK(strstr(buf, "border:1px solid #d00") != NULL);
	CHECK(strstr(buf, "class=\"ev\"") != NULL);
	free(buf);
	nkt_report_free(&r);
}

int main(void)
{
	json_error_t e;
	json_t *rep = json_loads(report_json, 0, &e);
	if (rep == NULL) {
		fprintf(stderr, "bad fixture: %s at %d\n", e.text, e.position);
		return 1;
	}
	test_text(rep);
	test_prom(rep);
	test_html(rep);
	test_html_long();
	test_empty();
	test_extreme_times();
	test_round_trip(rep);
	test_types();
	json_decref(rep);
	return nkt_test_done("test_report");
}
