// SPDX-License-Identifier: ISC
/*
 * fuzz_history.c: libFuzzer target for a history from someone else.  A
 * history is made once (three cycles: runs with a compressed summary and
 * traces, per-transit, per-/24 and per-host rows, events, totals, vantage
 * points, a /24 without a route); each input is a list of row changes
 * applied to a copy of it, and then every reader runs over the result:
 * the report (text, JSON, Prometheus, HTML), the recent cycles and what
 * the history knew (detection over them), each run's traces and summary,
 * the cycles after a time, and setting a run's events (a writer).
 *
 * An input is a sequence of changes, each: table (1 byte), column (1),
 * row (1), kind (1: NULL, an integer of 8 bytes, a real of 8 bytes, a text
 * or a blob of a length byte and that many bytes).
 */
#include "nktrace/detect.h"
#include "nktrace/history.h"
#include "nktrace/out_report.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const tables[] = {
	"runs",	  "transit_stats", "prefix_stats",  "host_stats", "events",
	"traces", "totals",	   "vantage_stats", "unrouted",	  "probes",
};

static const char *const columns[][20] = {
	{"start", "end", "status", "error", "targets", "observations",
	 "probes", "capture_dropped", "version", "summary", "summary_size",
	 "source"},
	{"transit", "defined", "color", "targets", "reached", "rtt_median",
	 "rtt_p10", "rtt_p90", "rtt_lo", "rtt_hi", "jitter", "sent", "lost",
	 "loss", "loss_lo", "loss_hi", "border_addr", "border_rtt", "hops",
	 "ratelimit"},
	{"prefix", "transit", "defined", "carrier", "share", "targets",
	 "reached", "rtt_median", "rtt_p90", "rtt_lo", "rtt_hi", "sent",
	 "lost", "loss", "loss_lo", "loss_hi", "border_addr", "border_rtt",
	 "border_hop"},
	{"transit", "prefix", "addr", "sent", "lost", "rtt_median",
	 "vantage"},
	{"time", "kind", "prefix", "transit", "message", "detail"},
	{"count", "format", "size", "data"},
	{"what", "n"},
	{"prefix", "transit", "country", "vantage_points"},
	{"prefix"},
	{"country", "asn"},
};

static char tmpl[256], work[256];
static unsigned char *tmpl_bytes;
static size_t tmpl_len;

static void exec(sqlite3 *db, const char *sql)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		abort();
}

/* A blob column of run `run` in `table`, deflated text. */
static void put_deflated(sqlite3 *db, const char *sql, int64_t run,
			 const char *text)
{
	uLongf zlen = compressBound(strlen(text));
	unsigned char *z = malloc(zlen);
	sqlite3_stmt *st;
	if (z == NULL || compress(z, &zlen, (const Bytef *)text,
				  strlen(text)) != Z_OK ||
	    sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		abort();
	sqlite3_bind_int64(st, 1, (sqlite3_int64)strlen(text));
	sqlite3_bind_blob(st, 2, z, (int)zlen, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, run);
	if (sqlite3_step(st) != SQLITE_DONE)
		abort();
	sqlite3_finalize(st);
	free(z);
}

/* The template: a real schema (nkt_history_open) with rows like a run's. */
static void make_template(void)
{
	struct nkt_err err = {0, ""};
	struct nkt_history *h;
	sqlite3 *db;
	FILE *f;
	long len;
	int i;

	snprintf(tmpl, sizeof(tmpl), "%s/nkt-fuzz-hist-%d.db",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (int)getpid());
	snprintf(work, sizeof(work), "%s.work", tmpl);
	unlink(tmpl);
	h = nkt_history_open(tmpl, 0, &err);
	if (h == NULL)
		abort();
	nkt_history_close(h);
	if (sqlite3_open(tmpl, &db) != SQLITE_OK)
		abort();
	exec(db, "PRAGMA journal_mode = DELETE");
	for (i = 1; i <= 3; i++) {
		char sql[2048];
		snprintf(sql, sizeof(sql),
			 "INSERT INTO runs (id, start, end, status, targets, "
			 "observations, probes, capture_dropped, version, "
			 "source) VALUES (%d, %d, %d, 'ok', 8, 24, 900, 0, "
			 "'nktrace 0.1.0', %s);"
			 "INSERT INTO transit_stats VALUES (%d, 'China Unicom', "
			 "1, '#d62728', 4, 4, 290, 288, 293, 289, 291, 0.3, 40, "
			 "1, 0.025, 0.01, 0.1, '103.35.254.1', 234, 12, 2);"
			 "INSERT INTO transit_stats VALUES (%d, 'AS9002 RETN "
			 "Limited', 0, '#e6ab02', 4, 4, 190, 188, 193, 189, "
			 "191, 0.3, 40, 0, 0, 0, 0.1, '87.245.250.1', 185, 8, "
			 "0);"
			 "INSERT INTO prefix_stats VALUES (%d, "
			 "'175.45.176.0/24', 'China Unicom', 1, 1, 1.0, 4, 4, "
			 "290, 293, 289, 291, 40, 1, 0.025, 0.01, 0.1, "
			 "'103.35.254.1', 234, 11);"
			 "INSERT INTO prefix_stats VALUES (%d, "
			 "'175.45.178.0/24', '%s', %d, 1, 1.0, 4, 4, 190, 193, "
			 "189, 191, 40, 0, 0, 0, 0.1, '87.245.250.1', 185, 7);"
			 "INSERT INTO host_stats (run, transit, prefix, addr, "
			 "sent, lost, rtt_median, vantage) VALUES (%d, 'China "
			 "Unicom', '175.45.176.0/24', '175.45.176.71', 10, 0, "
			 "290.1, '');"
			 "INSERT INTO host_stats (run, transit, prefix, addr, "
			 "sent, lost, rtt_median, vantage) VALUES (%d, 'China "
			 "Unicom', '175.45.176.0/24', '175.45.176.15', 10, 1, "
			 "291.5, 'prb 7');"
			 "INSERT INTO events (run, time, kind, prefix, transit, "
			 "message, detail) VALUES (%d, %d, 'prefix_moved', "
			 "'175.45.178.0/24', '', 'moved', '{\"kind\":"
			 "\"prefix_moved\"}');"
			 "INSERT INTO vantage_stats VALUES (%d, "
			 "'175.45.178.0/24', 'TTK', 'DE', 12);"
			 "INSERT INTO unrouted VALUES (%d, '175.45.179.0/24');"
			 "INSERT INTO imported VALUES ('key%d', %d);",
			 i, 1764547200 + 900 * i, 1764547200 + 900 * i + 30,
			 i == 3 ? "'import'" : "NULL", i, i, i, i,
			 i < 3 ? "TTK" : "AS9002 RETN Limited", i < 3, i, i, i,
			 1764547200 + 900 * i + 30, i, i, i, i);
		exec(db, sql);
		put_deflated(db,
			     "UPDATE runs SET summary_size = ?1, summary = ?2 "
			     "WHERE id = ?3",
			     i,
			     "{\"type\":\"compare\",\"transits\":[],\"targets\":8}");
		exec(db, i == 1 ? "INSERT INTO traces VALUES (1, 2, 'atlas', "
				  "0, x'00')"
			 : i == 2 ? "INSERT INTO traces VALUES (2, 1, 'atlas', "
				    "0, x'00')"
				  : "INSERT INTO traces VALUES (3, 1, 'atlas', "
				    "0, x'00')");
		put_deflated(db,
			     "UPDATE traces SET size = ?1, data = ?2 WHERE "
			     "run = ?3",
			     i,
			     "{\"fw\":5080,\"type\":\"traceroute\",\"af\":4,"
			     "\"dst_addr\":\"175.45.176.71\",\"src_addr\":"
			     "\"192.0.2.10\",\"prb_id\":1,\"msm_id\":5,"
			     "\"timestamp\":1764547200,\"proto\":\"TCP\","
			     "\"result\":[{\"hop\":1,\"result\":[{\"from\":"
			     "\"10.0.0.1\",\"rtt\":1.0,\"ttl\":64}]}]}\n");
	}
	exec(db, "INSERT OR REPLACE INTO totals VALUES ('runs ok', 3);"
		 "INSERT OR REPLACE INTO totals VALUES ('events "
		 "prefix_moved', 3);"
		 "INSERT INTO probes VALUES (1, 'DE', 3320, 1764547200);");
	sqlite3_close(db);
	f = fopen(tmpl, "rb");
	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) <= 0)
		abort();
	rewind(f);
	tmpl_bytes = malloc((size_t)len);
	if (tmpl_bytes == NULL ||
	    fread(tmpl_bytes, 1, (size_t)len, f) != (size_t)len)
		abort();
	tmpl_len = (size_t)len;
	fclose(f);
	unlink(tmpl);
}

/* The input's changes, applied to the copy. */
static void mutate(const uint8_t *d, size_t n)
{
	sqlite3 *db;
	size_t i = 0;

	if (sqlite3_open(work, &db) != SQLITE_OK)
		abort();
	while (i + 4 <= n) {
		size_t t = d[i] % NKT_ARRAY_LEN(tables), nc = 0, c, len;
		unsigned row = d[i + 2] % 8;
		int kind = d[i + 3] % 5;
		char sql[256];
		sqlite3_stmt *st;
		i += 4;
		while (nc < 20 && columns[t][nc] != NULL)
			nc++;
		c = d[i - 3] % nc;
		snprintf(sql, sizeof(sql),
			 "UPDATE OR IGNORE %s SET %s = ?1 WHERE rowid = (SELECT "
			 "rowid FROM %s LIMIT 1 OFFSET %u)",
			 tables[t], columns[t][c], tables[t], row);
		if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
			abort();
		switch (kind) {
		case 0:
			sqlite3_bind_null(st, 1);
			break;
		case 1:
		case 2: {
			uint64_t v = 0;
			memcpy(&v, d + i, n - i < 8 ? n - i : 8);
			i += n - i < 8 ? n - i : 8;
			if (kind == 1)
				sqlite3_bind_int64(st, 1, (sqlite3_int64)v);
			else {
				double x;
				memcpy(&x, &v, sizeof(x));
				sqlite3_bind_double(st, 1, x);
			}
			break;
		}
		default:
			len = i < n ? d[i++] : 0;
			if (len > n - i)
				len = n - i;
			if (kind == 3)
				sqlite3_bind_text(st, 1, (const char *)d + i,
						  (int)len, SQLITE_TRANSIENT);
			else
				sqlite3_bind_blob(st, 1, d + i, (int)len,
						  SQLITE_TRANSIENT);
			i += len;
		}
		(void)sqlite3_step(st);
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
}

static void readers(void)
{
	struct nkt_err err = {0, ""};
	struct nkt_history *h = nkt_history_open(work, 1, &err);
	struct nkt_report rep;
	struct nkt_hist_cycle *c = NULL, *later = NULL;
	struct nkt_hist_known known;
	struct nkt_event *ev = NULL;
	size_t n = 0, nl = 0, n_ev = 0, len;
	FILE *out = fopen("/dev/null", "w");
	int64_t run;

	if (h == NULL || out == NULL)
		goto out;
	if (nkt_history_report(h, 0, INT64_MAX, &rep, &err) == NKT_OK) {
		json_t *j = nkt_report_json(&rep);
		nkt_report_text(out, &rep);
		nkt_report_prom(out, &rep);
		nkt_report_html(out, &rep, "fuzz");
		json_decref(j);
		nkt_report_free(&rep);
	}
	for (run = 0; run <= 4; run++) {
		free(nkt_history_traces(h, run, &len, &err));
		free(nkt_history_summary(h, run, &len, &err));
	}
	if (nkt_history_recent(h, 0, 6, &c, &n, &err) == NKT_OK && n > 0 &&
	    nkt_history_known(h, c[0].start, &known, &err) == NKT_OK) {
		nkt_detect(&c[0], c + 1, n - 1, &known, &ev, &n_ev);
		nkt_history_known_free(&known);
	}
	if (nkt_history_after(h, 0, 10, 1, &later, &nl, &err) == NKT_OK)
		nkt_hist_cycles_free(later, nl);
	nkt_history_close(h);
	/* a writer: setting a run's events again */
	h = nkt_history_open(work, 0, &err);
	if (h != NULL && n > 0) {
		int changed;
		nkt_history_set_events(h, c[0].run, ev, n_ev, &changed, &err);
	}
	nkt_history_close(h);
	h = NULL;
out:
	free(ev);
	nkt_hist_cycles_free(c, n);
	nkt_history_close(h);
	if (out != NULL)
		fclose(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FILE *f;
	char side[300];

	if (tmpl_bytes == NULL)
		make_template();
	f = fopen(work, "wb");
	if (f == NULL || fwrite(tmpl_bytes, 1, tmpl_len, f) != tmpl_len)
		abort();
	fclose(f);
	mutate(data, size);
	readers();
	unlink(work);
	snprintf(side, sizeof(side), "%s-wal", work);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", work);
	unlink(side);
	return 0;
}
