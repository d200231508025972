/* SPDX-License-Identifier: ISC */
/*
 * history.h: the measurement history in SQLite (shell).  WAL mode; a
 * versioned schema (PRAGMA user_version) migrated forward on open; every
 * cycle is written in one transaction (its run, per-transit and per-/24
 * summaries, all its traces compressed, its events), so a crash or SIGKILL
 * loses at most the cycle in progress and a reader never sees half of one.
 *
 * Tables: runs (one per cycle, ok / failed / interrupted, with the compare
 * summary JSON), transit_stats, prefix_stats, host_stats (each transit's
 * hosts: what detection compares over the same hosts; schema 2),
 * discovered (the hosts the last discovery found; schema 3), the border
 * hop's distance in prefix_stats (schema 4), imported (the keys of the
 * results `import --db` made cycles of, runs.source 'import'; schema 5),
 * atlas_follow (how far `run --atlas` fetched each measurement; schema 6),
 * totals (cycles stored by status and events by kind, ever: counts that
 * --keep does not lower; schema 7), vantage_stats (vantage points per /24,
 * transit and probe country) and probes (Atlas probes' country and AS,
 * fetched once; schema 8), unrouted (the /24s routing had no route to in
 * a cycle; schema 9), traces
 * (the cycle's traces as zlib-compressed RIPE Atlas NDJSON), events.  The
 * schema is the list of migrations in history.c.
 */
#ifndef NKTRACE_HISTORY_H
#define NKTRACE_HISTORY_H

#include "nktrace/common.h"
#include "nktrace/compare.h"
#include "nktrace/detect.h"
#include "nktrace/planes.h"
#include "nktrace/report.h"
#include "nktrace/transit.h"

#include <jansson.h>
#include <stdint.h>

#define NKT_HISTORY_SCHEMA 11

/* The largest row (a cycle's traces or summary, uncompressed) a history
 * is believed to hold. */
#define NKT_HISTORY_ROW_MAX (1LL << 30)

struct nkt_history;

/* Open (creating and migrating as needed).  Returns NULL with err set:
 * NKT_EINVAL for a file that is not an nktrace history or is from a newer
 * nktrace, NKT_ESYS otherwise. */
struct nkt_history *nkt_history_open(const char *path, int readonly,
				     struct nkt_err *err);
void nkt_history_close(struct nkt_history *h);

/* The last `max` successful cycles before `before` (Unix s; 0 = any),
 * most recent first, for detection.  *out allocated. */
int nkt_history_recent(struct nkt_history *h, int64_t before, size_t max,
		       struct nkt_hist_cycle **out, size_t *n,
		       struct nkt_err *err);
void nkt_hist_cycles_free(struct nkt_hist_cycle *c, size_t n);

/* The successful cycles that started after `after` (Unix s), oldest
 * first, at most max (new_transit_only: only those with a new_transit
 * event): the cycles whose events a cycle stored late may change.  *out
 * allocated. */
int nkt_history_after(struct nkt_history *h, int64_t after, size_t max,
		      int new_transit_only, struct nkt_hist_cycle **out,
		      size_t *n, struct nkt_err *err);

/* Replace the events of a stored run with ev (stored at the run's end, as
 * its own were).  The totals count only the events that are new to it (a
 * counter never counts one event twice, nor goes down).  *changed: whether
 * its events differ from before. */
int nkt_history_set_events(struct nkt_history *h, int64_t run,
			   const struct nkt_event *ev, size_t n, int *changed,
			   struct nkt_err *err);

/* What detection needs beyond the recent cycles: the transits that carried
 * a /24 in any successful cycle that started before `before` (Unix s; 0:
 * any), into *k (allocated; free with nkt_history_known_free). */
int nkt_history_known(struct nkt_history *h, int64_t before,
		      struct nkt_hist_known *k, struct nkt_err *err);
void nkt_history_known_free(struct nkt_hist_known *k);

/* How many vantage points saw a /24 over a transit, from one country
 * ("" unknown). */
struct nkt_vantage_row {
	char prefix[80];
	char transit[96];
	char country[4];
	uint32_t vantage_points;
};

/* An Atlas probe's metadata. */
struct nkt_probe_info {
	int64_t id;
	char country[4]; /* "DE"; "" unknown */
	int64_t asn;     /* its IPv4 AS; 0 unknown */
};

/* Everything one cycle adds. */
struct nkt_cycle_record {
	int64_t start, end;
	const char *status; /* "ok", "failed", "interrupted" */
	const char *error;  /* failed: why */
	const struct nkt_cmp_result *res; /* NULL unless ok/interrupted */
	const struct nkt_transits *transits; /* res's transits (colours) */
	json_t *summary;                  /* may be NULL */
	const char *traces;               /* NDJSON, may be NULL */
	size_t traces_len, n_traces;
	const struct nkt_event *events;
	size_t n_events;
	uint64_t probes, targets, observations, dropped;
	int64_t keep_s;                   /* retention; 0 = keep all */
	const uint32_t *found;            /* a discovery this cycle ran: the
					     hosts that answered */
	size_t n_found;
	int64_t found_time;               /* its time (Unix s); 0: none */
	/* import --db: the cycle of a bucket of imported results */
	const char *source;               /* "import"; NULL: measured here */
	const char *const *keys;          /* its results' keys */
	size_t n_keys;
	int64_t replaces;                 /* a run this one replaces (the
					     same bucket, fewer results);
					     0: none */
	const char *const *vantage_names; /* res's hosts' vantage points by
					     index (imports); NULL: one */
	const struct nkt_vantage_row *vantage; /* per /24, transit, country */
	size_t n_vantage;
	const char (*unrouted)[24];      /* /24s with no route this cycle */
	size_t n_unrouted;
	unsigned char *event_new;         /* optional out, n_events long: 1
					     for each event the replaced run
					     did not raise (all 1 without
					     one) */
};

/* Write one cycle in one transaction; *run gets its id.  Returns 0 or
 * NKT_ESYS. */
int nkt_history_store(struct nkt_history *h, const struct nkt_cycle_record *c,
		      int64_t *run, struct nkt_err *err);

/* The run `import --db` made of the bucket starting at `start` (Unix s),
 * into *run (0 if none). */
int nkt_history_import_run(struct nkt_history *h, int64_t start,
			   int64_t *run, struct nkt_err *err);

/* Whether a result with this key is already in the history (*present). */
int nkt_history_has_key(struct nkt_history *h, const char *key,
			int *present, struct nkt_err *err);

/* `run --atlas`: the time (Unix s) up to which measurement `msm`'s
 * results were fetched and stored, into *last (0: never). */
int nkt_history_atlas_last(struct nkt_history *h, int64_t msm, int64_t *last,
			   struct nkt_err *err);

/* Record that measurement `msm` was fetched up to `last` at `now`. */
int nkt_history_atlas_set(struct nkt_history *h, int64_t msm, int64_t last,
			  int64_t now, struct nkt_err *err);

/* Atlas probes' metadata: what is known of `id` (*found 0 if nothing),
 * and storing what was fetched. */
int nkt_history_probe(struct nkt_history *h, int64_t id,
		      struct nkt_probe_info *p, int *found, struct nkt_err *err);
int nkt_history_probes_put(struct nkt_history *h,
			   const struct nkt_probe_info *p, size_t n,
			   int64_t now, struct nkt_err *err);

/* The hosts of the latest discovery stored (*addrs allocated) and its
 * time (Unix s; 0 and no hosts if none). */
int nkt_history_discovered(struct nkt_history *h, uint32_t **addrs,
			   size_t *n, int64_t *time, struct nkt_err *err);

/* The report of the cycles started in [since, until] (Unix s) into *r
 * (nkt_report_free it).  Returns 0, or NKT_ESYS on a database error. */
int nkt_history_report(struct nkt_history *h, int64_t since, int64_t until,
		       struct nkt_report *r, struct nkt_err *err);

/* The traces of a run (RIPE Atlas NDJSON), decompressed (caller frees);
 * NULL if it has none, or with err set if they are corrupt. */
char *nkt_history_traces(struct nkt_history *h, int64_t run, size_t *len,
			 struct nkt_err *err);

/* The compare summary JSON of a run (data/compare.schema.md), the same
 * way. */
char *nkt_history_summary(struct nkt_history *h, int64_t run, size_t *len,
			  struct nkt_err *err);

/* ---- the control plane (`nktrace bgp --db`) ---------------------------- */

/* Whether an MRT file with this key was stored (*present). */
int nkt_history_bgp_has(struct nkt_history *h, const char *key, int *present,
			struct nkt_err *err);

/* In one transaction: the control plane at `time` (r: each prefix's
 * transits; none: nothing announced of the selection), the events
 * (each at time[i]; not tied to a cycle) and the files' keys. */
int nkt_history_bgp_store(struct nkt_history *h, int64_t time,
			  const struct nkt_plane_route *r, size_t nr,
			  const struct nkt_event *ev, const int64_t *ev_time,
			  size_t n_ev, char *const *keys, size_t n_keys,
			  struct nkt_err *err);

/* The latest control plane stored before or at `at` (0: any): *time 0
 * and no rows when there is none (*r allocated; free()). */
int nkt_history_bgp_latest(struct nkt_history *h, int64_t at, int64_t *time,
			   struct nkt_plane_route **r, size_t *nr,
			   struct nkt_err *err);

/* The latest successful cycle's carriers per prefix (*c allocated;
 * free()); *time its start, 0 when there is none. */
int nkt_history_carriers(struct nkt_history *h, int64_t *time,
			 struct nkt_plane_carrier **c, size_t *nc,
			 struct nkt_err *err);

/* The kind of the last planes_agree/planes_disagree event of `prefix`
 * and its message ("" when none). */
int nkt_history_planes_last(struct nkt_history *h, const char *prefix,
			    char *kind, size_t kind_len, char *msg,
			    size_t msg_len, struct nkt_err *err);

/* Store events not tied to a cycle, each at time[i]. */
int nkt_history_events_put(struct nkt_history *h, const struct nkt_event *ev,
			   const int64_t *time, size_t n,
			   struct nkt_err *err);

#endif
