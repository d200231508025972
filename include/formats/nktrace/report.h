/* SPDX-License-Identifier: ISC */
/*
 * report.h: a history report, typed (pure): what a measurement history
 * holds for a window of time.  history_query.c fills one from the
 * database; out_report_*.c render it (text, Prometheus, HTML); its JSON
 * (data/report.schema.json) is written by nkt_report_json and read back by
 * nkt_report_from_json.  Times are Unix seconds, clamped to the years
 * 1970..9999 by whoever fills the struct (nkt_report_time), so that the
 * renderers' differences of two never overflow.  RTTs are in ms and
 * losses shares (0-1); NAN is "no value".
 */
#ifndef NKTRACE_REPORT_H
#define NKTRACE_REPORT_H

#include "nktrace/common.h"
#include "nktrace/detect.h"
#include "nktrace/planes.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* One measurement cycle. */
struct nkt_report_run {
	int64_t id, start, end;
	char status[16];  /* "ok", "failed", "interrupted" */
	char error[256];  /* why a cycle failed; "" */
	uint64_t targets, probes, capture_dropped;
};

/* One cycle's numbers for a transit, or for a /24 over its carrier. */
struct nkt_report_point {
	int64_t t, run;              /* the cycle's start and id */
	uint64_t targets, reached;
	double reached_pct;          /* NAN without targets */
	double rtt_median, rtt_p90, rtt_lo, rtt_hi;
	double loss, loss_lo, loss_hi;
	uint64_t sent, lost;
	double border_rtt;
	char carrier[128];           /* /24: the transits that carried it
					("China Unicom + TTK" when split;
					nkt_report_carries)
					(comma-separated), "" if none */
};

/* A transit's (or a /24's) points over time, oldest first. */
struct nkt_report_series {
	char name[96];  /* the transit's name, or the /24 ("a.b.c.0/24") */
	char color[16]; /* transits: "#rrggbb" from their definition, or "" */
	struct nkt_report_point *p;
	size_t n, cap;
};

struct nkt_report_event {
	int64_t time, run;
	struct nkt_event e;
};

struct nkt_report {
	int64_t since, until;
	int64_t latest_ok_run;             /* 0: none in the window */
	struct nkt_report_run *runs;       /* by start */
	size_t n_runs;
	struct nkt_report_series *transits; /* first seen first */
	size_t n_transits;
	struct nkt_report_series *prefixes; /* by prefix */
	size_t n_prefixes;
	struct nkt_report_event *events;   /* by time */
	size_t n_events;
	/* Ever stored, whatever the window (counts that only grow):
	 * "runs ok", "runs failed", "events prefix_moved", ... */
	struct nkt_report_total {
		char what[48];
		uint64_t n;
	} *totals;
	size_t n_totals;
	/* The latest successful cycle's vantage points per /24, transit and
	 * probe country (cycles of RIPE Atlas results; none otherwise). */
	struct nkt_report_vantage {
		char prefix[80];
		char transit[96];
		char country[4]; /* "" unknown */
		uint64_t vantage_points;
	} *vantage;
	size_t n_vantage;
	/* The control plane stored last (`bgp --db`) at or before `until`:
	 * each prefix's transits with their peers (none: no BGP kept). */
	int64_t bgp_time;                  /* 0: none */
	struct nkt_plane_route *bgp;
	size_t n_bgp;
};

/* A total by name ("runs failed"); 0 if never counted. */
uint64_t nkt_report_total(const struct nkt_report *r, const char *what);

/* A time clamped to the years 1970..9999. */
int64_t nkt_report_time(int64_t t);

/* Free what a report holds (the struct itself is the caller's). */
void nkt_report_free(struct nkt_report *r);

/* Builders: a new run or event at the end; the series named `name` in
 * the list (*list, *n), added at the end if new; a new point at the end
 * of a series.  Each returns a zeroed element (points: every number NAN). */
struct nkt_report_run *nkt_report_add_run(struct nkt_report *r);
struct nkt_report_event *nkt_report_add_event(struct nkt_report *r);
struct nkt_report_series *nkt_report_series(struct nkt_report_series **list,
					    size_t *n, const char *name);
struct nkt_report_point *nkt_report_add_point(struct nkt_report_series *s);

/* The run with this id, or NULL. */
const struct nkt_report_run *nkt_report_run_by_id(const struct nkt_report *r,
						  int64_t id);

/* The last point of a series if it belongs to run `run` (not 0), else
 * NULL: the series' value in that cycle. */
const struct nkt_report_point *
nkt_report_latest(const struct nkt_report_series *s, int64_t run);

/* Cycles by status in the window. */
void nkt_report_count_runs(const struct nkt_report *r, size_t *ok,
			   size_t *failed, size_t *interrupted);

/* The report as JSON (data/report.schema.json; a new reference). */
json_t *nkt_report_json(const struct nkt_report *r);

/* Read a report's JSON: members of the wrong type are errors naming the
 * member ("transits[1].series[0].rtt_median: not a number"); missing ones
 * take their "no value".  Returns 0 or NKT_EMALFORMED (r then empty). */
int nkt_report_from_json(const json_t *j, struct nkt_report *r,
			 struct nkt_err *err);

/* One event's JSON (as nkt_event_json writes it); path names it in
 * errors.  Returns 0 or NKT_EMALFORMED. */
int nkt_report_event_from_json(const json_t *o, const char *path,
			       struct nkt_report_event *e, struct nkt_err *err);

/* Whether `transit` is one of the transits of a /24's carrier text. */
int nkt_report_carries(const char *carrier, const char *transit);

#endif
