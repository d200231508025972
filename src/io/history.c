// SPDX-License-Identifier: ISC
/* history.c: the SQLite measurement history (see history.h). */
#include "nktrace/history.h"
#include "nktrace/inet.h"
#include "nktrace/out_opts.h"

#include <errno.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <pwd.h>
#include <unistd.h>
#include <zlib.h>

struct nkt_history {
	sqlite3 *db;
};

/* Schema versions, applied in order; version N is migrations[N-1]. */
static const char *const migrations[] = {
	"CREATE TABLE runs ("
	"  id INTEGER PRIMARY KEY,"
	"  start INTEGER NOT NULL,"
	"  end INTEGER NOT NULL,"
	"  status TEXT NOT NULL CHECK (status IN ('ok','failed',"
	"'interrupted')),"
	"  error TEXT,"
	"  targets INTEGER, observations INTEGER, probes INTEGER,"
	"  capture_dropped INTEGER,"
	"  version TEXT,"
	"  summary BLOB, summary_size INTEGER);"
	"CREATE INDEX runs_start ON runs(start);"
	"CREATE TABLE transit_stats ("
	"  run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
	"  transit TEXT NOT NULL, defined INTEGER NOT NULL, color TEXT,"
	"  targets INTEGER, reached INTEGER,"
	"  rtt_median REAL, rtt_p10 REAL, rtt_p90 REAL, rtt_lo REAL,"
	"  rtt_hi REAL, jitter REAL,"
	"  sent INTEGER, lost INTEGER, loss REAL, loss_lo REAL, loss_hi REAL,"
	"  border_addr TEXT, border_rtt REAL, hops REAL, ratelimit INTEGER,"
	"  PRIMARY KEY (run, transit));"
	"CREATE TABLE prefix_stats ("
	"  run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
	"  prefix TEXT NOT NULL, transit TEXT NOT NULL,"
	"  defined INTEGER NOT NULL, carrier INTEGER, share REAL,"
	"  targets INTEGER, reached INTEGER,"
	"  rtt_median REAL, rtt_p90 REAL, rtt_lo REAL, rtt_hi REAL,"
	"  sent INTEGER, lost INTEGER, loss REAL, loss_lo REAL, loss_hi REAL,"
	"  border_addr TEXT, border_rtt REAL,"
	"  PRIMARY KEY (run, prefix, transit));"
	"CREATE TABLE traces ("
	"  run INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,"
	"  count INTEGER NOT NULL,"
	"  format TEXT NOT NULL,"
	"  size INTEGER NOT NULL,"
	"  data BLOB NOT NULL);"
	"CREATE TABLE events ("
	"  id INTEGER PRIMARY KEY,"
	"  run INTEGER REFERENCES runs(id) ON DELETE CASCADE,"
	"  time INTEGER NOT NULL, kind TEXT NOT NULL, prefix TEXT,"
	"  transit TEXT, message TEXT NOT NULL, detail TEXT);"
	"CREATE INDEX events_time ON events(time);",
	/* 2: each transit's hosts, for detection over the same hosts. */
	"CREATE TABLE host_stats ("
	"  run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
	"  transit TEXT NOT NULL, prefix TEXT NOT NULL, addr TEXT NOT NULL,"
	"  sent INTEGER, lost INTEGER, rtt_median REAL,"
	"  PRIMARY KEY (run, transit, addr));",
	/* 3: the hosts discovery found, kept across processes (cron). */
	"CREATE TABLE discovered ("
	"  time INTEGER NOT NULL, addr TEXT NOT NULL,"
	"  PRIMARY KEY (time, addr));",
};

static int fail_db(struct nkt_history *h, struct nkt_err *err,
		   const char *what)
{
	return nkt_err_set(err, NKT_ESYS, "history: %s: %s", what,
			   sqlite3_errmsg(h->db));
}

static int exec(struct nkt_history *h, const char *sql, struct nkt_err *err)
{
	char *msg = NULL;
	if (sqlite3_exec(h->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		nkt_err_set(err, NKT_ESYS, "history: %s",
			    msg ? msg : sqlite3_errmsg(h->db));
		sqlite3_free(msg);
		return NKT_ESYS;
	}
	return NKT_OK;
}

static int user_version(struct nkt_history *h)
{
	sqlite3_stmt *st;
	int v = -1;
	if (sqlite3_prepare_v2(h->db, "PRAGMA user_version", -1, &st, NULL) ==
		    SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

static int migrate(struct nkt_history *h, const char *path,
		   struct nkt_err *err)
{
	int v = user_version(h), target = (int)NKT_ARRAY_LEN(migrations);
	sqlite3_stmt *st;
	int tables = 0;

	if (v < 0)
		return nkt_err_set(err, NKT_EINVAL,
				   "%s is not an SQLite database", path);
	if (v > target)
		return nkt_err_set(err, NKT_EINVAL,
				   "%s has history schema %d; this nktrace "
				   "knows up to %d",
				   path, v, target);
	if (v == 0) {
		/* A new file, or someone else's database. */
		if (sqlite3_prepare_v2(h->db,
				       "SELECT count(*) FROM sqlite_master",
				       -1, &st, NULL) == SQLITE_OK &&
		    sqlite3_step(st) == SQLITE_ROW)
			tables = sqlite3_column_int(st, 0);
		sqlite3_finalize(st);
		if (tables > 0)
			return nkt_err_set(err, NKT_EINVAL,
					   "%s is an SQLite database, but not "
					   "an nktrace history",
					   path);
	}
	for (; v < target; v++) {
		char pragma[48];
		if (exec(h, "BEGIN IMMEDIATE", err) != NKT_OK)
			return NKT_ESYS;
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d",
			 v + 1);
		if (exec(h, migrations[v], err) != NKT_OK ||
		    exec(h, pragma, err) != NKT_OK) {
			exec(h, "ROLLBACK", NULL);
			return NKT_ESYS;
		}
		if (exec(h, "COMMIT", err) != NKT_OK)
			return NKT_ESYS;
	}
	return NKT_OK;
}

struct nkt_history *nkt_history_open(const char *path, int readonly,
				     struct nkt_err *err)
{
	struct nkt_history *h = nkt_xcalloc(1, sizeof(*h));
	struct stat st;
	int rc;

	if (readonly && stat(path, &st) != 0) {
		nkt_err_set(err, NKT_EINVAL, "cannot open history %s: %s", path,
			    strerror(errno));
		goto fail;
	}
	/*
	 * A reader opens read-write when it may (never creating the file)
	 * and sets query_only: then the last connection to close removes
	 * the -wal and -shm files instead of leaving them behind owned by
	 * whoever read last, where the next `run` (another user) could not
	 * write them.  A file it may not write is opened read-only.
	 */
	rc = sqlite3_open_v2(path, &h->db,
			     (readonly ? SQLITE_OPEN_READWRITE
				       : SQLITE_OPEN_READWRITE |
						 SQLITE_OPEN_CREATE) |
				     SQLITE_OPEN_NOMUTEX,
			     NULL);
	if (rc != SQLITE_OK && readonly) {
		sqlite3_close(h->db);
		h->db = NULL;
		rc = sqlite3_open_v2(path, &h->db,
				     SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX,
				     NULL);
	}
	if (rc != SQLITE_OK) {
		nkt_err_set(err, readonly ? NKT_EINVAL : NKT_ESYS,
			    "cannot open history %s: %s", path,
			    h->db ? sqlite3_errmsg(h->db) : "out of memory");
		goto fail;
	}
	sqlite3_busy_timeout(h->db, 10000);
	if (exec(h, "PRAGMA foreign_keys = ON", err) != NKT_OK)
		goto fail;
	if (readonly) {
		int v = user_version(h);
		if (exec(h, "PRAGMA query_only = ON", err) != NKT_OK)
			goto fail;
		if (v > (int)NKT_ARRAY_LEN(migrations)) {
			nkt_err_set(err, NKT_EINVAL,
				    "%s has history schema %d; this nktrace "
				    "reads up to %d",
				    path, v, (int)NKT_ARRAY_LEN(migrations));
			goto fail;
		}
		if (v < 1) {
			nkt_err_set(err, NKT_EINVAL,
				    "%s is not an nktrace history", path);
			goto fail;
		}
		return h;
	}
	/* WAL: readers never block the writer and never see a cycle half
	 * written; NORMAL sync is safe against process crashes. */
	if (exec(h, "PRAGMA journal_mode = WAL", err) != NKT_OK) {
		int code = sqlite3_errcode(h->db);
		if (code == SQLITE_NOTADB || code == SQLITE_CORRUPT)
			nkt_err_set(err, NKT_EINVAL,
				    "%s is not an SQLite database", path);
		else if (code == SQLITE_READONLY || code == SQLITE_CANTOPEN ||
			 code == SQLITE_PERM) {
			struct passwd *pw = getpwuid(geteuid());
			nkt_err_set(err, NKT_ESYS,
				    "cannot write history %s as user %s "
				    "(choose the user with --user, or the "
				    "file's owner)",
				    path, pw ? pw->pw_name : "?");
		}
		goto fail;
	}
	if (sqlite3_db_readonly(h->db, "main") == 1) {
		struct passwd *pw = getpwuid(geteuid());
		nkt_err_set(err, NKT_ESYS,
			    "cannot write history %s as user %s (choose the "
			    "user with --user, or the file's owner)",
			    path, pw ? pw->pw_name : "?");
		goto fail;
	}
	if (exec(h, "PRAGMA synchronous = NORMAL", err) != NKT_OK ||
	    migrate(h, path, err) != NKT_OK)
		goto fail;
	return h;
fail:
	nkt_history_close(h);
	return NULL;
}

void nkt_history_close(struct nkt_history *h)
{
	if (h == NULL)
		return;
	sqlite3_close(h->db);
	free(h);
}

static void bind_real(sqlite3_stmt *st, int i, double v)
{
	if (isnan(v))
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_double(st, i, v);
}

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s == NULL || *s == '\0')
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

static void prefix_str(const struct nkt_cmp_stats *s, char *buf,
		       size_t len)
{
	char a[NKT_INET_ADDRSTRLEN];
	snprintf(buf, len, "%s/%u", nkt_inet_fmt(s->prefix, a), s->prefix_len);
}

/* zlib-compress text into a new buffer; returns its length, 0 on failure. */
static size_t deflate_text(const char *text, size_t len, Bytef **out)
{
	uLongf zlen = compressBound((uLong)len);
	*out = nkt_xmalloc(zlen);
	if (compress2(*out, &zlen, (const Bytef *)text, (uLong)len, 6) !=
	    Z_OK) {
		free(*out);
		*out = NULL;
		return 0;
	}
	return (size_t)zlen;
}

static int store_stats(struct nkt_history *h, int64_t run,
		       const struct nkt_cmp_result *r, json_t *summary,
		       struct nkt_err *err)
{
	sqlite3_stmt *t = NULL, *p = NULL;
	size_t i;
	int rc = NKT_OK;
	json_t *transits = summary ? json_object_get(summary, "transits")
				   : NULL;

	if (sqlite3_prepare_v2(
		    h->db,
		    "INSERT INTO transit_stats VALUES (?,?,?,?,?,?,?,?,?,?,?,"
		    "?,?,?,?,?,?,?,?,?,?)",
		    -1, &t, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(
		    h->db,
		    "INSERT INTO prefix_stats VALUES (?,?,?,?,?,?,?,?,?,?,?,"
		    "?,?,?,?,?,?,?,?)",
		    -1, &p, NULL) != SQLITE_OK) {
		rc = fail_db(h, err, "prepare");
		goto out;
	}
	for (i = 0; i < r->n_transit && rc == NKT_OK; i++) {
		const struct nkt_cmp_stats *s = &r->transit[i];
		char b[NKT_INET_ADDRSTRLEN] = "";
		const char *color = NULL;
		size_t k;
		json_t *e;
		json_array_foreach(transits, k, e)
		{
			if (json_is_string(json_object_get(e, "name")) &&
			    strcmp(json_string_value(json_object_get(e, "name")),
				   s->name) == 0)
				color = json_string_value(
					json_object_get(e, "color"));
		}
		if (s->border_addr)
			nkt_inet_fmt(s->border_addr, b);
		sqlite3_reset(t);
		sqlite3_bind_int64(t, 1, run);
		bind_text(t, 2, s->name);
		sqlite3_bind_int(t, 3, s->transit >= 0);
		bind_text(t, 4, color);
		sqlite3_bind_int64(t, 5, (sqlite3_int64)s->targets);
		sqlite3_bind_int64(t, 6, (sqlite3_int64)s->reached);
		bind_real(t, 7, s->rtt_median);
		bind_real(t, 8, s->rtt_p10);
		bind_real(t, 9, s->rtt_p90);
		bind_real(t, 10, s->rtt_ci.lo);
		bind_real(t, 11, s->rtt_ci.hi);
		bind_real(t, 12, s->jitter);
		sqlite3_bind_int64(t, 13, (sqlite3_int64)s->sent);
		sqlite3_bind_int64(t, 14, (sqlite3_int64)s->lost);
		bind_real(t, 15, s->loss);
		bind_real(t, 16, s->loss_ci.lo);
		bind_real(t, 17, s->loss_ci.hi);
		bind_text(t, 18, b);
		bind_real(t, 19, s->border_rtt);
		bind_real(t, 20, s->hops);
		sqlite3_bind_int64(t, 21, (sqlite3_int64)s->ratelimit_hops);
		if (sqlite3_step(t) != SQLITE_DONE)
			rc = fail_db(h, err, "transit_stats");
	}
	for (i = 0; i < r->n_prefix && rc == NKT_OK; i++) {
		const struct nkt_cmp_stats *s = &r->prefix[i];
		char pf[24], b[NKT_INET_ADDRSTRLEN] = "";
		prefix_str(s, pf, sizeof(pf));
		if (s->border_addr)
			nkt_inet_fmt(s->border_addr, b);
		sqlite3_reset(p);
		sqlite3_bind_int64(p, 1, run);
		bind_text(p, 2, pf);
		bind_text(p, 3, s->name);
		sqlite3_bind_int(p, 4, s->transit >= 0);
		sqlite3_bind_int(p, 5, s->carrier);
		bind_real(p, 6, s->share);
		sqlite3_bind_int64(p, 7, (sqlite3_int64)s->targets);
		sqlite3_bind_int64(p, 8, (sqlite3_int64)s->reached);
		bind_real(p, 9, s->rtt_median);
		bind_real(p, 10, s->rtt_p90);
		bind_real(p, 11, s->rtt_ci.lo);
		bind_real(p, 12, s->rtt_ci.hi);
		sqlite3_bind_int64(p, 13, (sqlite3_int64)s->sent);
		sqlite3_bind_int64(p, 14, (sqlite3_int64)s->lost);
		bind_real(p, 15, s->loss);
		bind_real(p, 16, s->loss_ci.lo);
		bind_real(p, 17, s->loss_ci.hi);
		bind_text(p, 18, b);
		bind_real(p, 19, s->border_rtt);
		if (sqlite3_step(p) != SQLITE_DONE)
			rc = fail_db(h, err, "prefix_stats");
	}
out:
	sqlite3_finalize(t);
	sqlite3_finalize(p);
	return rc;
}

/* Every transit's hosts (detect.h compares cycles over the same hosts). */
static int store_hosts(struct nkt_history *h, int64_t run,
		       const struct nkt_cmp_result *r, struct nkt_err *err)
{
	struct nkt_hist_cycle c;
	sqlite3_stmt *st = NULL;
	size_t i;
	int rc = NKT_OK;

	nkt_hist_from_result(r, NULL, run, 0, &c);
	if (sqlite3_prepare_v2(h->db,
			       "INSERT OR IGNORE INTO host_stats VALUES "
			       "(?,?,?,?,?,?,?)",
			       -1, &st, NULL) != SQLITE_OK)
		rc = fail_db(h, err, "prepare");
	for (i = 0; i < c.n_h && rc == NKT_OK; i++) {
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, run);
		bind_text(st, 2, c.h[i].transit);
		bind_text(st, 3, c.h[i].prefix);
		bind_text(st, 4, c.h[i].addr);
		sqlite3_bind_int64(st, 5, (sqlite3_int64)c.h[i].sent);
		sqlite3_bind_int64(st, 6, (sqlite3_int64)c.h[i].lost);
		bind_real(st, 7, c.h[i].rtt_median);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = fail_db(h, err, "host_stats");
	}
	sqlite3_finalize(st);
	nkt_hist_cycle_free(&c);
	return rc;
}

/* A discovery's hosts; older discoveries are of no use and go. */
static int store_found(struct nkt_history *h, const struct nkt_cycle_record *c,
		       struct nkt_err *err)
{
	sqlite3_stmt *st = NULL;
	size_t i;
	int rc = exec(h, "DELETE FROM discovered", err);
	if (rc != NKT_OK)
		return rc;
	if (sqlite3_prepare_v2(h->db, "INSERT OR IGNORE INTO discovered "
				      "VALUES (?,?)",
			       -1, &st, NULL) != SQLITE_OK)
		return fail_db(h, err, "prepare");
	for (i = 0; i < c->n_found && rc == NKT_OK; i++) {
		char a[NKT_INET_ADDRSTRLEN];
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, c->found_time);
		bind_text(st, 2, nkt_inet_fmt(c->found[i], a));
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = fail_db(h, err, "discovered");
	}
	sqlite3_finalize(st);
	return rc;
}

int nkt_history_discovered(struct nkt_history *h, uint32_t **addrs,
			   size_t *n, int64_t *time, struct nkt_err *err)
{
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	*addrs = NULL;
	*n = 0;
	*time = 0;
	if (sqlite3_prepare_v2(h->db,
			       "SELECT time, addr FROM discovered WHERE time "
			       "= (SELECT max(time) FROM discovered)",
			       -1, &st, NULL) != SQLITE_OK)
		return fail_db(h, err, "prepare");
	while (sqlite3_step(st) == SQLITE_ROW) {
		uint32_t a;
		const unsigned char *t = sqlite3_column_text(st, 1);
		if (t == NULL || nkt_inet_parse((const char *)t, &a) != 0)
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			*addrs = nkt_xreallocarray(*addrs, cap, sizeof(**addrs));
		}
		(*addrs)[(*n)++] = a;
		*time = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	return NKT_OK;
}

int nkt_history_store(struct nkt_history *h, const struct nkt_cycle_record *c,
		      int64_t *run, struct nkt_err *err)
{
	sqlite3_stmt *st = NULL;
	char *summary = NULL, vbuf[32];
	size_t i;
	int rc;

	if (exec(h, "BEGIN IMMEDIATE", err) != NKT_OK)
		return NKT_ESYS;
	if (sqlite3_prepare_v2(h->db,
			       "INSERT INTO runs (start, end, status, error, "
			       "targets, observations, probes, "
			       "capture_dropped, version, summary, "
			       "summary_size) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
			       -1, &st, NULL) != SQLITE_OK) {
		rc = fail_db(h, err, "prepare");
		goto fail;
	}
	if (c->summary != NULL)
		summary = json_dumps(c->summary, NKT_JSON_FLAGS);
	snprintf(vbuf, sizeof(vbuf), "nktrace %s", NKT_VERSION);
	sqlite3_bind_int64(st, 1, c->start);
	sqlite3_bind_int64(st, 2, c->end);
	bind_text(st, 3, c->status);
	bind_text(st, 4, c->error);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)c->targets);
	sqlite3_bind_int64(st, 6, (sqlite3_int64)c->observations);
	sqlite3_bind_int64(st, 7, (sqlite3_int64)c->probes);
	sqlite3_bind_int64(st, 8, (sqlite3_int64)c->dropped);
	bind_text(st, 9, vbuf);
	if (summary != NULL) {
		/* The compare summary (data/compare.schema.md), compressed:
		 * most of a cycle's size is its per-target detail. */
		Bytef *z = NULL;
		size_t slen = strlen(summary), zlen = deflate_text(summary,
								   slen, &z);
		if (zlen > 0) {
			sqlite3_bind_blob(st, 10, z, (int)zlen,
					  SQLITE_TRANSIENT);
			sqlite3_bind_int64(st, 11, (sqlite3_int64)slen);
		}
		free(z);
	}
	free(summary);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = fail_db(h, err, "runs");
		goto fail;
	}
	sqlite3_finalize(st);
	st = NULL;
	*run = sqlite3_last_insert_rowid(h->db);

	if (c->res != NULL &&
	    ((rc = store_stats(h, *run, c->res, c->summary, err)) != NKT_OK ||
	     (rc = store_hosts(h, *run, c->res, err)) != NKT_OK))
		goto fail;
	if (c->found_time > 0 &&
	    (rc = store_found(h, c, err)) != NKT_OK)
		goto fail;
	if (c->traces != NULL && c->traces_len > 0) {
		Bytef *z = NULL;
		size_t zlen = deflate_text(c->traces, c->traces_len, &z);
		if (zlen == 0) {
			rc = nkt_err_set(err, NKT_ESYS,
					 "history: compressing the traces");
			goto fail;
		}
		if (sqlite3_prepare_v2(h->db,
				       "INSERT INTO traces VALUES "
				       "(?,?,'atlas-ndjson+zlib',?,?)",
				       -1, &st, NULL) != SQLITE_OK) {
			free(z);
			rc = fail_db(h, err, "prepare");
			goto fail;
		}
		sqlite3_bind_int64(st, 1, *run);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)c->n_traces);
		sqlite3_bind_int64(st, 3, (sqlite3_int64)c->traces_len);
		sqlite3_bind_blob(st, 4, z, (int)zlen, SQLITE_TRANSIENT);
		free(z);
		if (sqlite3_step(st) != SQLITE_DONE) {
			rc = fail_db(h, err, "traces");
			goto fail;
		}
		sqlite3_finalize(st);
		st = NULL;
	}
	if (c->n_events > 0) {
		if (sqlite3_prepare_v2(h->db,
				       "INSERT INTO events (run, time, kind, "
				       "prefix, transit, message, detail) "
				       "VALUES (?,?,?,?,?,?,?)",
				       -1, &st, NULL) != SQLITE_OK) {
			rc = fail_db(h, err, "prepare");
			goto fail;
		}
		for (i = 0; i < c->n_events; i++) {
			const struct nkt_event *e = &c->events[i];
			json_t *j = nkt_event_json(e, c->end, *run);
			char *d = json_dumps(j, NKT_JSON_FLAGS);
			json_decref(j);
			sqlite3_reset(st);
			sqlite3_bind_int64(st, 1, *run);
			sqlite3_bind_int64(st, 2, c->end);
			bind_text(st, 3, e->kind);
			bind_text(st, 4, e->prefix);
			bind_text(st, 5, e->transit);
			bind_text(st, 6, e->message);
			bind_text(st, 7, d);
			free(d);
			if (sqlite3_step(st) != SQLITE_DONE) {
				rc = fail_db(h, err, "events");
				goto fail;
			}
		}
		sqlite3_finalize(st);
		st = NULL;
	}
	if (c->keep_s > 0) {
		char sql[96];
		snprintf(sql, sizeof(sql), "DELETE FROM runs WHERE start < %lld",
			 (long long)(c->start - c->keep_s));
		if ((rc = exec(h, sql, err)) != NKT_OK)
			goto fail;
	}
	if (exec(h, "COMMIT", err) != NKT_OK) {
		rc = NKT_ESYS;
		goto fail;
	}
	return NKT_OK;
fail:
	sqlite3_finalize(st);
	exec(h, "ROLLBACK", NULL);
	return rc;
}

static double col_real(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL
		       ? NAN
		       : sqlite3_column_double(st, i);
}

static void col_text(sqlite3_stmt *st, int i, char *buf, size_t len)
{
	const unsigned char *s = sqlite3_column_text(st, i);
	snprintf(buf, len, "%s", s ? (const char *)s : "");
}

void nkt_hist_cycles_free(struct nkt_hist_cycle *c, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		nkt_hist_cycle_free(&c[i]);
	free(c);
}

int nkt_history_recent(struct nkt_history *h, int64_t before, size_t max,
		       struct nkt_hist_cycle **out, size_t *n,
		       struct nkt_err *err)
{
	sqlite3_stmt *runs = NULL, *g = NULL, *hs = NULL;
	int rc = NKT_OK;

	*out = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(h->db,
			       "SELECT id, start FROM runs WHERE status = 'ok' "
			       "AND (?1 = 0 OR start < ?1) ORDER BY start "
			       "DESC, id DESC LIMIT ?2",
			       -1, &runs, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(
		    h->db,
		    "SELECT '', transit, defined, 0, 0, targets, reached, "
		    "rtt_median, rtt_lo, rtt_hi, sent, lost, border_addr FROM "
		    "transit_stats WHERE run = ?1 UNION ALL SELECT prefix, "
		    "transit, defined, carrier, share, targets, reached, "
		    "rtt_median, rtt_lo, rtt_hi, sent, lost, border_addr FROM "
		    "prefix_stats WHERE run = ?1",
		    -1, &g, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(h->db,
			       "SELECT transit, prefix, addr, sent, lost, "
			       "rtt_median FROM host_stats WHERE run = ?1",
			       -1, &hs, NULL) != SQLITE_OK) {
		rc = fail_db(h, err, "prepare");
		goto out;
	}
	sqlite3_bind_int64(runs, 1, before);
	sqlite3_bind_int64(runs, 2, (sqlite3_int64)max);
	*out = nkt_xcalloc(max ? max : 1, sizeof(**out));
	while (sqlite3_step(runs) == SQLITE_ROW) {
		struct nkt_hist_cycle *c = &(*out)[(*n)++];
		size_t cap = 0;
		c->run = sqlite3_column_int64(runs, 0);
		c->start = sqlite3_column_int64(runs, 1);
		sqlite3_reset(g);
		sqlite3_bind_int64(g, 1, c->run);
		while (sqlite3_step(g) == SQLITE_ROW) {
			struct nkt_hist_group *x;
			if (c->n == cap) {
				cap = cap ? cap * 2 : 16;
				c->g = nkt_xreallocarray(c->g, cap,
							 sizeof(*c->g));
			}
			x = &c->g[c->n++];
			memset(x, 0, sizeof(*x));
			col_text(g, 0, x->prefix, sizeof(x->prefix));
			col_text(g, 1, x->transit, sizeof(x->transit));
			x->defined = sqlite3_column_int(g, 2);
			x->carrier = sqlite3_column_int(g, 3);
			x->share = sqlite3_column_double(g, 4);
			x->targets = (uint32_t)sqlite3_column_int64(g, 5);
			x->reached = (uint32_t)sqlite3_column_int64(g, 6);
			x->rtt_median = col_real(g, 7);
			x->rtt_lo = col_real(g, 8);
			x->rtt_hi = col_real(g, 9);
			x->sent = (uint64_t)sqlite3_column_int64(g, 10);
			x->lost = (uint64_t)sqlite3_column_int64(g, 11);
			col_text(g, 12, x->border, sizeof(x->border));
		}
		cap = 0;
		sqlite3_reset(hs);
		sqlite3_bind_int64(hs, 1, c->run);
		while (sqlite3_step(hs) == SQLITE_ROW) {
			struct nkt_hist_host *y;
			if (c->n_h == cap) {
				cap = cap ? cap * 2 : 16;
				c->h = nkt_xreallocarray(c->h, cap,
							 sizeof(*c->h));
			}
			y = &c->h[c->n_h++];
			memset(y, 0, sizeof(*y));
			col_text(hs, 0, y->transit, sizeof(y->transit));
			col_text(hs, 1, y->prefix, sizeof(y->prefix));
			col_text(hs, 2, y->addr, sizeof(y->addr));
			y->sent = (uint64_t)sqlite3_column_int64(hs, 3);
			y->lost = (uint64_t)sqlite3_column_int64(hs, 4);
			y->rtt_median = col_real(hs, 5);
		}
	}
out:
	sqlite3_finalize(runs);
	sqlite3_finalize(g);
	sqlite3_finalize(hs);
	return rc;
}

/* Decompress column 1 (size in column 0) of the one row `sql` selects for
 * `run`; NULL if there is none (err untouched) or it is corrupt. */
static char *inflate_row(struct nkt_history *h, const char *sql, int64_t run,
			 const char *what, size_t *len, struct nkt_err *err)
{
	sqlite3_stmt *st;
	char *out = NULL;

	*len = 0;
	if (sqlite3_prepare_v2(h->db, sql, -1, &st, NULL) != SQLITE_OK) {
		fail_db(h, err, "prepare");
		return NULL;
	}
	sqlite3_bind_int64(st, 1, run);
	if (sqlite3_step(st) == SQLITE_ROW &&
	    sqlite3_column_type(st, 1) != SQLITE_NULL) {
		uLongf n = (uLongf)sqlite3_column_int64(st, 0);
		const void *z = sqlite3_column_blob(st, 1);
		int zlen = sqlite3_column_bytes(st, 1);
		out = nkt_xmalloc(n + 1);
		if (uncompress((Bytef *)out, &n, z, (uLong)zlen) != Z_OK) {
			free(out);
			out = NULL;
			nkt_err_set(err, NKT_ESYS,
				    "history: run %lld's %s are corrupt",
				    (long long)run, what);
		} else {
			out[n] = '\0';
			*len = n;
		}
	}
	sqlite3_finalize(st);
	return out;
}

char *nkt_history_traces(struct nkt_history *h, int64_t run, size_t *len,
			 struct nkt_err *err)
{
	return inflate_row(h, "SELECT size, data FROM traces WHERE run = ?",
			   run, "traces", len, err);
}

char *nkt_history_summary(struct nkt_history *h, int64_t run, size_t *len,
			  struct nkt_err *err)
{
	return inflate_row(h,
			   "SELECT summary_size, summary FROM runs WHERE id = ?",
			   run, "summary", len, err);
}

static json_t *jreal(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL
		       ? json_null()
		       : json_real(sqlite3_column_double(st, i));
}

static json_t *jtext(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);
	return s ? json_string((const char *)s) : json_null();
}

/* A series object keyed by name in `map`, created on first use. */
static json_t *series_of(json_t *map, const char *key, const char *name_key,
			 const char *color)
{
	json_t *o = json_object_get(map, key);
	if (o == NULL) {
		o = json_object();
		json_object_set_new(o, name_key, json_string(key));
		if (color != NULL)
			json_object_set_new(o, "color", json_string(color));
		json_object_set_new(o, "series", json_array());
		json_object_set_new(map, key, o);
	}
	return json_object_get(o, "series");
}

json_t *nkt_history_report(struct nkt_history *h, int64_t since,
			   int64_t until, struct nkt_err *err)
{
	sqlite3_stmt *st = NULL;
	json_t *rep = json_object(), *runs = json_array(), *tmap = json_object(),
	       *pmap = json_object(), *events = json_array(), *arr;
	const char *key;
	json_t *v;

	json_object_set_new(rep, "type", json_string("report"));
	json_object_set_new(rep, "since", json_integer(since));
	json_object_set_new(rep, "until", json_integer(until));

	if (sqlite3_prepare_v2(h->db,
			       "SELECT id, start, end, status, error, targets, "
			       "probes, capture_dropped FROM runs WHERE start "
			       ">= ? AND start <= ? ORDER BY start, id",
			       -1, &st, NULL) != SQLITE_OK)
		goto dberr;
	sqlite3_bind_int64(st, 1, since);
	sqlite3_bind_int64(st, 2, until);
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(
			runs,
			json_pack("{s:I,s:I,s:I,s:o,s:o,s:I,s:I,s:I}", "id",
				  (json_int_t)sqlite3_column_int64(st, 0),
				  "start",
				  (json_int_t)sqlite3_column_int64(st, 1),
				  "end", (json_int_t)sqlite3_column_int64(st, 2),
				  "status", jtext(st, 3), "error", jtext(st, 4),
				  "targets",
				  (json_int_t)sqlite3_column_int64(st, 5),
				  "probes",
				  (json_int_t)sqlite3_column_int64(st, 6),
				  "capture_dropped",
				  (json_int_t)sqlite3_column_int64(st, 7)));
	sqlite3_finalize(st);

	if (sqlite3_prepare_v2(
		    h->db,
		    "SELECT r.start, r.id, t.transit, t.color, t.targets, "
		    "t.reached, t.rtt_median, t.rtt_p90, t.rtt_lo, t.rtt_hi, "
		    "t.loss, t.loss_lo, t.loss_hi, t.sent, t.lost, t.border_rtt "
		    "FROM transit_stats t JOIN runs r ON r.id = t.run WHERE "
		    "r.start >= ? AND r.start <= ? AND r.status = 'ok' AND "
		    "t.defined ORDER BY "
		    "r.start, r.id",
		    -1, &st, NULL) != SQLITE_OK)
		goto dberr;
	sqlite3_bind_int64(st, 1, since);
	sqlite3_bind_int64(st, 2, until);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 2);
		const char *color = (const char *)sqlite3_column_text(st, 3);
		int64_t targets = sqlite3_column_int64(st, 4),
			reached = sqlite3_column_int64(st, 5);
		json_array_append_new(
			series_of(tmap, name ? name : "?", "name", color),
			json_pack("{s:I,s:I,s:I,s:I,s:o,s:o,s:o,s:o,s:o,s:o,"
				  "s:o,s:o,s:I,s:I,s:o}",
				  "t", (json_int_t)sqlite3_column_int64(st, 0),
				  "run", (json_int_t)sqlite3_column_int64(st, 1),
				  "targets", (json_int_t)targets, "reached",
				  (json_int_t)reached, "reached_pct",
				  targets ? json_real(100.0 * (double)reached /
						      (double)targets)
					  : json_null(),
				  "rtt_median", jreal(st, 6), "rtt_p90",
				  jreal(st, 7), "rtt_lo", jreal(st, 8),
				  "rtt_hi", jreal(st, 9), "loss", jreal(st, 10),
				  "loss_lo", jreal(st, 11), "loss_hi",
				  jreal(st, 12), "sent",
				  (json_int_t)sqlite3_column_int64(st, 13),
				  "lost",
				  (json_int_t)sqlite3_column_int64(st, 14),
				  "border_rtt", jreal(st, 15)));
	}
	sqlite3_finalize(st);

	/* Per prefix: one point per run, from all its rows. */
	if (sqlite3_prepare_v2(
		    h->db,
		    "SELECT r.start, r.id, p.prefix, sum(p.targets), "
		    "sum(p.reached), group_concat(CASE WHEN p.carrier THEN "
		    "p.transit END), max(CASE WHEN p.carrier THEN p.rtt_median "
		    "END), max(CASE WHEN p.carrier THEN p.rtt_p90 END), "
		    "max(CASE WHEN p.carrier THEN p.loss END) FROM "
		    "prefix_stats p JOIN runs r ON r.id = p.run WHERE r.start "
		    ">= ? AND r.start <= ? AND r.status = 'ok' GROUP BY r.id, p.prefix ORDER BY "
		    "r.start, r.id, p.prefix",
		    -1, &st, NULL) != SQLITE_OK)
		goto dberr;
	sqlite3_bind_int64(st, 1, since);
	sqlite3_bind_int64(st, 2, until);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *pf = (const char *)sqlite3_column_text(st, 2);
		int64_t targets = sqlite3_column_int64(st, 3),
			reached = sqlite3_column_int64(st, 4);
		json_array_append_new(
			series_of(pmap, pf ? pf : "?", "prefix", NULL),
			json_pack("{s:I,s:I,s:o,s:I,s:I,s:o,s:o,s:o,s:o}", "t",
				  (json_int_t)sqlite3_column_int64(st, 0),
				  "run", (json_int_t)sqlite3_column_int64(st, 1),
				  "carrier", jtext(st, 5), "targets",
				  (json_int_t)targets, "reached",
				  (json_int_t)reached, "reached_pct",
				  targets ? json_real(100.0 * (double)reached /
						      (double)targets)
					  : json_null(),
				  "rtt_median", jreal(st, 6), "rtt_p90",
				  jreal(st, 7), "loss", jreal(st, 8)));
	}
	sqlite3_finalize(st);

	if (sqlite3_prepare_v2(h->db,
			       "SELECT detail FROM events WHERE time >= ? AND "
			       "time <= ? ORDER BY time, id",
			       -1, &st, NULL) != SQLITE_OK)
		goto dberr;
	sqlite3_bind_int64(st, 1, since);
	sqlite3_bind_int64(st, 2, until);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *d = (const char *)sqlite3_column_text(st, 0);
		json_t *e = d ? json_loads(d, 0, NULL) : NULL;
		if (e != NULL)
			json_array_append_new(events, e);
	}
	sqlite3_finalize(st);

	{
		json_int_t latest = 0;
		size_t k;
		json_t *r;
		json_array_foreach(runs, k, r)
		{
			const char *stt = json_string_value(
				json_object_get(r, "status"));
			if (stt != NULL && strcmp(stt, "ok") == 0)
				latest = json_integer_value(
					json_object_get(r, "id"));
		}
		json_object_set_new(rep, "latest_ok_run",
				    latest ? json_integer(latest)
					   : json_null());
	}
	json_object_set_new(rep, "runs", runs);
	arr = json_array();
	json_object_foreach(tmap, key, v) json_array_append(arr, v);
	json_object_set_new(rep, "transits", arr);
	arr = json_array();
	json_object_foreach(pmap, key, v) json_array_append(arr, v);
	json_object_set_new(rep, "prefixes", arr);
	json_object_set_new(rep, "events", events);
	json_decref(tmap);
	json_decref(pmap);
	return rep;
dberr:
	fail_db(h, err, "report");
	sqlite3_finalize(st);
	json_decref(rep);
	json_decref(runs);
	json_decref(tmap);
	json_decref(pmap);
	json_decref(events);
	return NULL;
}
