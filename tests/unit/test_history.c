// SPDX-License-Identifier: ISC
/*
 * test_history.c: the SQLite history in a temporary directory: cycles
 * stored and read back (detection input, report series, compressed
 * traces), failed cycles kept but never compared with, retention with
 * cascading deletes, a read-only reader that cannot write, and the
 * refusal of files that are not an nktrace history or are from a newer
 * nktrace.
 */
#include "nkt_test.h"
#include "nktrace/history.h"

#include <math.h>
#include <sqlite3.h>
#include <unistd.h>

static char dir[] = "/tmp/nkt-hist-XXXXXX";

static void stats(struct nkt_cmp_stats *s, const char *name, int transit,
		  size_t targets, size_t reached, double rtt)
{
	memset(s, 0, sizeof(*s));
	snprintf(s->name, sizeof(s->name), "%s", name);
	s->transit = transit;
	s->configured = transit >= 0;
	s->targets = targets;
	s->reached = reached;
	s->rtt_median = s->rtt_p10 = s->rtt_p90 = rtt;
	s->rtt_ci.lo = isnan(rtt) ? NAN : rtt - 0.1;
	s->rtt_ci.hi = isnan(rtt) ? NAN : rtt + 0.1;
	s->jitter = 0.05;
	s->sent = reached * 10;
	s->lost = reached;
	s->loss = s->sent ? (double)s->lost / (double)s->sent : NAN;
	s->loss_ci.lo = s->loss_ci.hi = s->loss;
	s->border_rtt = NAN;
	s->inside_rtt = NAN;
	s->hops = 9;
	s->border_addr = transit == 1 ? 0xbc2be199u : 0; /* 188.43.225.153 */
}

/* One cycle: China and TTK, 175.45.177.0/24 over `p177`. */
static void result(struct nkt_cmp_result *r, const char *p177, double ttk_rtt)
{
	memset(r, 0, sizeof(*r));
	r->transit = nkt_xcalloc(2, sizeof(*r->transit));
	r->prefix = nkt_xcalloc(1, sizeof(*r->prefix));
	r->n_transit = 2;
	r->n_prefix = 1;
	stats(&r->transit[0], "China Unicom", 0, 10, 10, 29.4);
	stats(&r->transit[1], "TTK", 1, 3, isnan(ttk_rtt) ? 0 : 3, ttk_rtt);
	stats(&r->prefix[0], p177, strcmp(p177, "TTK") == 0, 3, 3, 20);
	r->prefix[0].prefix = 0xaf2db100u;
	r->prefix[0].prefix_len = 24;
	r->prefix[0].carrier = 1;
	r->prefix[0].share = 1;
	r->targets = 13;
	r->observations = 39;
	/* two TTK hosts, measured from the run's own vantage point */
	r->host = nkt_xcalloc(2, sizeof(*r->host));
	r->n_host = 2;
	r->host[0] = (struct nkt_cmp_host){1, 0xaf2db10au, 0, 0xaf2db100u,
					   24, 10, 9, 19.5, 9};
	r->host[1] = (struct nkt_cmp_host){1, 0xaf2db10bu, 0, 0xaf2db100u,
					   24, 10, 10, 19.7, 10};
}

/* The transit definitions the cycles were attributed with (colours). */
static struct nkt_transits defs;

static int64_t store(struct nkt_history *h, int64_t start, const char *status,
		     const struct nkt_cmp_result *r, const char *traces,
		     int64_t keep_s)
{
	struct nkt_cycle_record c;
	struct nkt_err err = {0, ""};
	struct nkt_event ev;
	int64_t run = 0;

	memset(&c, 0, sizeof(c));
	memset(&ev, 0, sizeof(ev));
	snprintf(ev.kind, sizeof(ev.kind), "outage");
	snprintf(ev.transit, sizeof(ev.transit), "TTK");
	snprintf(ev.message, sizeof(ev.message), "TTK reaches none");
	ev.before = 3;
	ev.after = 0;
	c.start = start;
	c.end = start + 25;
	c.status = status;
	c.error = r ? NULL : "no route";
	c.res = r;
	c.transits = &defs;
	c.traces = traces;
	c.traces_len = traces ? strlen(traces) : 0;
	c.n_traces = traces ? 2 : 0;
	c.events = r && isnan(r->transit[1].rtt_median) ? &ev : NULL;
	c.n_events = c.events ? 1 : 0;
	c.probes = 2000;
	c.keep_s = keep_s;
	c.summary = r ? json_pack("{s:s,s:I}", "type", "compare", "start",
				  (json_int_t)start)
		      : NULL;
	CHECK_INT(nkt_history_store(h, &c, &run, &err), 0);
	json_decref(c.summary);
	if (err.msg[0])
		fprintf(stderr, "store: %s\n", err.msg);
	return run;
}

static int64_t scalar(const char *path, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int64_t v = -1;
	sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static void test_store_and_read(const char *path)
{
	struct nkt_err err = {0, ""};
	struct nkt_history *h = nkt_history_open(path, 0, &err);
	struct nkt_cmp_result r1, r2, r3;
	struct nkt_hist_cycle *c = NULL;
	const char *nd = "{\"type\":\"traceroute\"}\n{\"type\":"
			 "\"traceroute\"}\n";
	char *back;
	size_t n = 0, len = 0;
	struct nkt_report typed;
	json_t *rep, *tr, *pts;

	CHECK(h != NULL);
	if (h == NULL)
		return;
	memset(&defs, 0, sizeof(defs));
	defs.n = 2;
	snprintf(defs.t[0].name, sizeof(defs.t[0].name), "China Unicom");
	snprintf(defs.t[0].color, sizeof(defs.t[0].color), "#d62728");
	snprintf(defs.t[1].name, sizeof(defs.t[1].name), "TTK");
	snprintf(defs.t[1].color, sizeof(defs.t[1].color), "#1f77b4");
	result(&r1, "TTK", 19.5);
	result(&r2, "China Unicom", 19.5);
	result(&r3, "China Unicom", NAN);
	CHECK_INT(store(h, 1000, "ok", &r1, nd, 0), 1);
	CHECK_INT(store(h, 2000, "ok", &r2, nd, 0), 2);
	CHECK_INT(store(h, 3000, "failed", NULL, NULL, 0), 3);
	CHECK_INT(store(h, 4000, "ok", &r3, NULL, 0), 4);

	/* Detection input: ok cycles only, most recent first, NaN kept. */
	CHECK_INT(nkt_history_recent(h, 0, 6, &c, &n, &err), 0);
	CHECK_INT(n, 3);
	if (n == 3) {
		CHECK_INT(c[0].run, 4);
		CHECK_INT(c[1].run, 2);
		CHECK_INT(c[2].run, 1);
		CHECK_INT(c[0].n, 3);
		CHECK_STR(c[0].g[1].transit, "TTK");
		CHECK(isnan(c[0].g[1].rtt_median));
		CHECK_STR(c[2].g[2].prefix, "175.45.177.0/24");
		CHECK_STR(c[2].g[2].transit, "TTK");
		CHECK_NEAR(c[2].g[2].share, 1, 0);
		CHECK_STR(c[2].g[1].border, "188.43.225.153");
		/* the hosts are kept, each with its vantage point ('': the
		 * run's own), for detection over the same hosts */
		CHECK_INT(c[2].n_h, 2);
		if (c[2].n_h == 2) {
			CHECK_STR(c[2].h[0].vantage, "");
			CHECK_STR(c[2].h[0].transit, "TTK");
			CHECK_NEAR(c[2].h[1].rtt_median, 19.7, 1e-12);
		}
	}
	nkt_hist_cycles_free(c, n);
	CHECK_INT(nkt_history_recent(h, 2000, 6, &c, &n, &err), 0);
	CHECK_INT(n, 1);
	nkt_hist_cycles_free(c, n);

	back = nkt_history_traces(h, 2, &len, &err);
	CHECK_STR(back, nd);
	CHECK_INT(len, strlen(nd));
	free(back);
	CHECK(nkt_history_traces(h, 4, &len, &err) == NULL);
	back = nkt_history_summary(h, 2, &len, &err);
	CHECK_STR(back, "{\"type\":\"compare\",\"start\":2000}");
	free(back);
	CHECK(nkt_history_summary(h, 3, &len, &err) == NULL); /* failed */

	/* The report, as its JSON says it (report --json). */
	CHECK_INT(nkt_history_report(h, 0, 5000, &typed, &err), 0);
	rep = nkt_report_json(&typed);
	CHECK_INT(typed.n_events, 1);
	CHECK(typed.events[0].time == 4025 && typed.events[0].run == 4);
	nkt_report_free(&typed);
	CHECK_INT(json_array_size(json_object_get(rep, "runs")), 4);
	CHECK_INT(json_integer_value(json_object_get(rep, "latest_ok_run")), 4);
	tr = json_array_get(json_object_get(rep, "transits"), 1);
	CHECK_STR(json_string_value(json_object_get(tr, "name")), "TTK");
	/* each transit's colour, from the definitions it was attributed
	 * with (the summary JSON stored has none) */
	CHECK_STR(json_string_value(json_object_get(tr, "color")), "#1f77b4");
	pts = json_object_get(tr, "series");
	CHECK_INT(json_array_size(pts), 3); /* the failed run has none */
	CHECK(json_is_null(json_object_get(json_array_get(pts, 2),
					   "rtt_median")));
	CHECK_NEAR(json_real_value(json_object_get(json_array_get(pts, 0),
						   "reached_pct")),
		   100, 1e-9);
	pts = json_object_get(json_array_get(json_object_get(rep, "prefixes"),
					     0),
			      "series");
	CHECK_STR(json_string_value(
			  json_object_get(json_array_get(pts, 0), "carrier")),
		  "TTK");
	CHECK_STR(json_string_value(
			  json_object_get(json_array_get(pts, 1), "carrier")),
		  "China Unicom");
	CHECK_INT(json_array_size(json_object_get(rep, "events")), 1);
	CHECK_STR(json_string_value(json_object_get(
			  json_array_get(json_object_get(rep, "events"), 0),
			  "kind")),
		  "outage");
	json_decref(rep);

	/* A window: runs 2 and 3 only. */
	CHECK_INT(nkt_history_report(h, 1500, 3500, &typed, &err), 0);
	rep = nkt_report_json(&typed);
	nkt_report_free(&typed);
	CHECK_INT(json_array_size(json_object_get(rep, "runs")), 2);
	CHECK_INT(json_integer_value(json_object_get(rep, "latest_ok_run")), 2);
	json_decref(rep);

	/* Retention: a cycle at 10000 keeping 5000 s drops runs 1-4 with
	 * their stats, traces and events. */
	store(h, 10000, "ok", &r1, nd, 5000);
	nkt_history_close(h);
	CHECK_INT(scalar(path, "SELECT count(*) FROM runs"), 1);
	CHECK_INT(scalar(path, "SELECT count(*) FROM transit_stats"), 2);
	CHECK_INT(scalar(path, "SELECT count(*) FROM prefix_stats"), 1);
	CHECK_INT(scalar(path, "SELECT count(*) FROM traces"), 1);
	CHECK_INT(scalar(path, "SELECT count(*) FROM events"), 0);
	CHECK_INT(scalar(path, "PRAGMA user_version"), NKT_HISTORY_SCHEMA);
	nkt_cmp_result_free(&r1);
	nkt_cmp_result_free(&r2);
	nkt_cmp_result_free(&r3);
}

static void test_readonly(const char *path)
{
	struct nkt_err err = {0, ""};
	struct nkt_history *h = nkt_history_open(path, 1, &err);
	struct nkt_cycle_record c;
	int64_t run;
	char wal[600];

	CHECK(h != NULL);
	if (h == NULL)
		return;
	memset(&c, 0, sizeof(c));
	c.status = "failed";
	CHECK_INT(nkt_history_store(h, &c, &run, &err), NKT_ESYS);
	nkt_history_close(h);
	/* The reader leaves no -wal/-shm behind. */
	snprintf(wal, sizeof(wal), "%s-shm", path);
	CHECK(access(wal, F_OK) != 0);
	CHECK_INT(scalar(path, "SELECT count(*) FROM runs"), 1);
}

/* A history from someone else: stored sizes that lie (negative, larger
 * than any deflate of the blob, smaller than it inflates to, not a
 * number), a blob that is not deflate, text with control characters and a
 * cut UTF-8 sequence.  Every reader says the run is corrupt (EINVAL) and
 * nothing overflows (ASan in CI). */
static void test_crafted(const char *path)
{
	static const char *const bad[] = {
		"UPDATE traces SET size = -1",
		"UPDATE traces SET size = 1000000000",
		"UPDATE traces SET size = 3",
		"UPDATE traces SET size = 'x'",
		"UPDATE traces SET data = x'00010203'",
		"UPDATE runs SET summary_size = -1",
		"UPDATE runs SET summary_size = 4611686018427387904",
	};
	struct nkt_err err = {0, ""};
	char copy[600], cmd[1300];
	size_t i, len;

	snprintf(copy, sizeof(copy), "%s.crafted", path);
	for (i = 0; i < NKT_ARRAY_LEN(bad); i++) {
		struct nkt_history *h;
		sqlite3 *db;
		char *t, *sm;
		int64_t run;
		snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", path, copy);
		CHECK(system(cmd) == 0);
		sqlite3_open(copy, &db);
		CHECK_INT(sqlite3_exec(db, bad[i], NULL, NULL, NULL), SQLITE_OK);
		sqlite3_close(db);
		run = scalar(copy, "SELECT min(run) FROM traces");
		h = nkt_history_open(copy, 1, &err);
		CHECK(h != NULL);
		if (h == NULL)
			continue;
		memset(&err, 0, sizeof(err));
		t = nkt_history_traces(h, run, &len, &err);
		sm = nkt_history_summary(h, run, &len, &err);
		if (strstr(bad[i], "traces") != NULL)
			CHECK(t == NULL && err.code == NKT_EINVAL &&
			      strstr(err.msg, "corrupt") != NULL);
		else
			CHECK(sm == NULL && err.code == NKT_EINVAL &&
			      strstr(err.msg, "summary is corrupt") != NULL);
		free(t);
		free(sm);
		nkt_history_close(h);
		unlink(copy);
	}
	{
		struct nkt_hist_cycle *c = NULL;
		struct nkt_history *h;
		sqlite3 *db;
		size_t n = 0, j, k;
		snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", path, copy);
		CHECK(system(cmd) == 0);
		sqlite3_open(copy, &db);
		CHECK_INT(sqlite3_exec(db,
				       "UPDATE transit_stats SET transit = "
				       "'<b>' || char(27) || '[31m' || "
				       "char(10) || rowid || CAST(x'c3' AS "
				       "TEXT)",
				       NULL, NULL, NULL),
			  SQLITE_OK);
		sqlite3_close(db);
		h = nkt_history_open(copy, 1, &err);
		CHECK(h != NULL &&
		      nkt_history_recent(h, 0, 6, &c, &n, &err) == NKT_OK);
		for (j = 0; j < n; j++)
			for (k = 0; k < c[j].n; k++) {
				const unsigned char *x =
					(const unsigned char *)c[j].g[k].transit;
				for (; *x; x++)
					CHECK(*x >= 0x20 && *x != 0x7f &&
					      *x != 0xc3);
			}
		nkt_hist_cycles_free(c, n);
		nkt_history_close(h);
		unlink(copy);
	}
}

static void test_refusals(void)
{
	struct nkt_err err = {0, ""};
	char p[512];
	FILE *f;
	sqlite3 *db;

	snprintf(p, sizeof(p), "%s/garbage.db", dir);
	f = fopen(p, "w");
	fputs("this is not a database, not at all, no sir\n", f);
	fclose(f);
	CHECK(nkt_history_open(p, 0, &err) == NULL);
	CHECK_INT(err.code, NKT_EINVAL);
	CHECK_STR(err.msg + strlen(p), " is not an SQLite database");
	CHECK(nkt_history_open(p, 1, &err) == NULL);
	CHECK_INT(err.code, NKT_EINVAL);

	snprintf(p, sizeof(p), "%s/other.db", dir);
	sqlite3_open(p, &db);
	sqlite3_exec(db, "CREATE TABLE t(a)", NULL, NULL, NULL);
	sqlite3_close(db);
	CHECK(nkt_history_open(p, 0, &err) == NULL);
	CHECK(strstr(err.msg, "not an nktrace history") != NULL);

	snprintf(p, sizeof(p), "%s/newer.db", dir);
	sqlite3_open(p, &db);
	sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL);
	sqlite3_close(db);
	CHECK(nkt_history_open(p, 0, &err) == NULL);
	CHECK(strstr(err.msg, "schema 99") != NULL);
	CHECK(nkt_history_open(p, 1, &err) == NULL);
	CHECK(strstr(err.msg, "schema 99") != NULL);

	snprintf(p, sizeof(p), "%s/missing.db", dir);
	CHECK(nkt_history_open(p, 1, &err) == NULL);
	CHECK(access(p, F_OK) != 0); /* a reader never creates */
	snprintf(p, sizeof(p), "%s/no/such/dir.db", dir);
	CHECK(nkt_history_open(p, 0, &err) == NULL);
	CHECK_INT(err.code, NKT_ESYS);
}

/* A history of schema 3 (before border hops) is migrated forward, its
 * cycles kept, and the border hop stored and read back from then on. */
static void test_migrate(const char *path)
{
	struct nkt_err err = {0, ""};
	struct nkt_history *h;
	struct nkt_hist_cycle *c = NULL;
	struct nkt_cmp_result r;
	sqlite3 *db;
	size_t n = 0;

	sqlite3_open(path, &db);
	CHECK_INT(sqlite3_exec(db,
			       "ALTER TABLE prefix_stats DROP COLUMN "
			       "border_hop; DROP TABLE imported; "
			       "ALTER TABLE runs DROP COLUMN source; "
			       "DROP TABLE atlas_follow; DROP TABLE totals; "
			       "DROP TABLE vantage_stats; DROP TABLE probes; "
			       "DROP TABLE unrouted; DROP TABLE bgp_state; "
			       "DROP TABLE bgp_files; "
			       "PRAGMA user_version = 3",
			       NULL, NULL, NULL),
		  SQLITE_OK);
	sqlite3_close(db);
	CHECK_INT(scalar(path, "PRAGMA user_version"), 3);
	h = nkt_history_open(path, 0, &err);
	CHECK(h != NULL);
	if (h == NULL)
		return;
	CHECK_INT(scalar(path, "PRAGMA user_version"), NKT_HISTORY_SCHEMA);
	/* the totals start from what the history held */
	CHECK_INT(scalar(path, "SELECT n FROM totals WHERE what = 'runs ok'"),
		  scalar(path, "SELECT count(*) FROM runs WHERE status = 'ok'"));
	result(&r, "TTK", 19.5);
	r.prefix[0].border_addr = 0xbc2be199u;
	r.prefix[0].border_hop = 8;
	store(h, 20000, "ok", &r, NULL, 0);
	CHECK_INT(nkt_history_recent(h, 0, 6, &c, &n, &err), 0);
	CHECK(n >= 2);
	if (n >= 2) {
		CHECK_INT(c[0].g[2].border_hop, 8);
		CHECK_STR(c[0].g[2].border, "188.43.225.153");
		CHECK_INT(c[1].g[2].border_hop, 0); /* stored before: unknown */
	}
	nkt_hist_cycles_free(c, n);
	nkt_cmp_result_free(&r);
	nkt_history_close(h);
}

/* import --db's cycles: found by bucket, their keys known, a bucket
 * replaced in one transaction (the old run and its keys gone). */
static void test_import_runs(const char *path)
{
	struct nkt_err err = {0, ""};
	struct nkt_history *h = nkt_history_open(path, 0, &err);
	struct nkt_cycle_record c;
	struct nkt_cmp_result r;
	const char *k1[] = {"atlas 1 2 100 175.45.176.71"};
	const char *k2[] = {"atlas 1 2 100 175.45.176.71",
			    "atlas 1 3 110 175.45.176.71"};
	int64_t run1 = 0, run2 = 0, found = 0;
	int present = -1;

	CHECK(h != NULL);
	if (h == NULL)
		return;
	result(&r, "TTK", 19.5);
	memset(&c, 0, sizeof(c));
	c.start = 90000;
	c.end = 90900;
	c.status = "ok";
	c.res = &r;
	c.transits = &defs;
	c.source = "import";
	c.keys = k1;
	c.n_keys = 1;
	CHECK_INT(nkt_history_store(h, &c, &run1, &err), 0);
	CHECK_INT(nkt_history_import_run(h, 90000, &found, &err), 0);
	CHECK_INT(found, run1);
	CHECK_INT(nkt_history_import_run(h, 1000, &found, &err), 0);
	CHECK_INT(found, 0); /* a measured cycle is not an import's */
	CHECK_INT(nkt_history_has_key(h, k1[0], &present, &err), 0);
	CHECK_INT(present, 1);
	CHECK_INT(nkt_history_has_key(h, k2[1], &present, &err), 0);
	CHECK_INT(present, 0);
	c.keys = k2;
	c.n_keys = 2;
	c.replaces = run1;
	CHECK_INT(nkt_history_store(h, &c, &run2, &err), 0);
	CHECK(run2 > 0);
	CHECK_INT(scalar(path, "SELECT count(*) FROM runs WHERE start = 90000"),
		  1);
	CHECK_INT(scalar(path, "SELECT count(*) FROM imported"), 2);
	CHECK_INT(scalar(path, "SELECT count(DISTINCT run) FROM imported"), 1);
	CHECK_INT(nkt_history_has_key(h, k2[1], &present, &err), 0);
	CHECK_INT(present, 1);
	/* Totals only grow: a cycle that deletes every older one (--keep)
	 * still adds to them. */
	{
		int64_t ok_before = scalar(path, "SELECT n FROM totals WHERE "
						 "what = 'runs ok'");
		c.keys = NULL;
		c.n_keys = 0;
		c.replaces = 0;
		c.source = NULL;
		c.start = 99000;
		c.keep_s = 1;
		CHECK_INT(nkt_history_store(h, &c, &run2, &err), 0);
		CHECK_INT(scalar(path, "SELECT count(*) FROM runs"), 1);
		CHECK_INT(scalar(path, "SELECT n FROM totals WHERE what = "
				       "'runs ok'"),
			  ok_before + 1);
	}
	/* run --atlas: how far a measurement was fetched */
	CHECK_INT(nkt_history_atlas_last(h, 5004, &found, &err), 0);
	CHECK_INT(found, 0);
	CHECK_INT(nkt_history_atlas_set(h, 5004, 90800, 91000, &err), 0);
	CHECK_INT(nkt_history_atlas_set(h, 5004, 91700, 92000, &err), 0);
	CHECK_INT(nkt_history_atlas_last(h, 5004, &found, &err), 0);
	CHECK_INT(found, 91700);
	nkt_cmp_result_free(&r);
	nkt_history_close(h);
}

int main(void)
{
	char path[512], cmd[600];
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(path, sizeof(path), "%s/history.db", dir);
	test_store_and_read(path);
	test_readonly(path);
	test_migrate(path);
	test_crafted(path);
	test_import_runs(path);
	test_refusals();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	return nkt_test_done("test_history");
}
