// SPDX-License-Identifier: ISC
/* history_store.c: one cycle into the history, in one transaction (see
 * history.h). */
#include "history_int.h"
#include "nktrace/inet.h"
#include "nktrace/out_opts.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

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

/* One transit_stats row (its colour from the transit definitions). */
static int transit_row(struct nkt_history *h, sqlite3_stmt *t, int64_t run,
		       const struct nkt_cmp_stats *s,
		       const struct nkt_transits *ts, struct nkt_err *err)
{
	char b[NKT_INET_ADDRSTRLEN] = "";

	if (s->border_addr)
		nkt_inet_fmt(s->border_addr, b);
	sqlite3_reset(t);
	sqlite3_bind_int64(t, 1, run);
	nkt__hist_bind_text(t, 2, s->name);
	sqlite3_bind_int(t, 3, s->configured);
	nkt__hist_bind_text(t, 4,
			    ts != NULL && s->transit >= 0 &&
					    (size_t)s->transit < ts->n
				    ? ts->t[s->transit].color
				    : NULL);
	sqlite3_bind_int64(t, 5, (sqlite3_int64)s->targets);
	sqlite3_bind_int64(t, 6, (sqlite3_int64)s->reached);
	nkt__hist_bind_real(t, 7, s->rtt_median);
	nkt__hist_bind_real(t, 8, s->rtt_p10);
	nkt__hist_bind_real(t, 9, s->rtt_p90);
	nkt__hist_bind_real(t, 10, s->rtt_ci.lo);
	nkt__hist_bind_real(t, 11, s->rtt_ci.hi);
	nkt__hist_bind_real(t, 12, s->jitter);
	sqlite3_bind_int64(t, 13, (sqlite3_int64)s->sent);
	sqlite3_bind_int64(t, 14, (sqlite3_int64)s->lost);
	nkt__hist_bind_real(t, 15, s->loss);
	nkt__hist_bind_real(t, 16, s->loss_ci.lo);
	nkt__hist_bind_real(t, 17, s->loss_ci.hi);
	nkt__hist_bind_text(t, 18, b);
	nkt__hist_bind_real(t, 19, s->border_rtt);
	nkt__hist_bind_real(t, 20, s->hops);
	sqlite3_bind_int64(t, 21, (sqlite3_int64)s->ratelimit_hops);
	return sqlite3_step(t) == SQLITE_DONE
		       ? NKT_OK
		       : nkt__hist_fail(h, err, "transit_stats");
}

/* One prefix_stats row. */
static int prefix_row(struct nkt_history *h, sqlite3_stmt *p, int64_t run,
		      const struct nkt_cmp_stats *s, struct nkt_err *err)
{
	char pf[24], b[NKT_INET_ADDRSTRLEN] = "";

	prefix_str(s, pf, sizeof(pf));
	if (s->border_addr)
		nkt_inet_fmt(s->border_addr, b);
	sqlite3_reset(p);
	sqlite3_bind_int64(p, 1, run);
	nkt__hist_bind_text(p, 2, pf);
	nkt__hist_bind_text(p, 3, s->name);
	sqlite3_bind_int(p, 4, s->configured);
	sqlite3_bind_int(p, 5, s->carrier);
	nkt__hist_bind_real(p, 6, s->share);
	sqlite3_bind_int64(p, 7, (sqlite3_int64)s->targets);
	sqlite3_bind_int64(p, 8, (sqlite3_int64)s->reached);
	nkt__hist_bind_real(p, 9, s->rtt_median);
	nkt__hist_bind_real(p, 10, s->rtt_p90);
	nkt__hist_bind_real(p, 11, s->rtt_ci.lo);
	nkt__hist_bind_real(p, 12, s->rtt_ci.hi);
	sqlite3_bind_int64(p, 13, (sqlite3_int64)s->sent);
	sqlite3_bind_int64(p, 14, (sqlite3_int64)s->lost);
	nkt__hist_bind_real(p, 15, s->loss);
	nkt__hist_bind_real(p, 16, s->loss_ci.lo);
	nkt__hist_bind_real(p, 17, s->loss_ci.hi);
	nkt__hist_bind_text(p, 18, b);
	nkt__hist_bind_real(p, 19, s->border_rtt);
	if (s->border_hop)
		sqlite3_bind_int(p, 20, s->border_hop);
	else
		sqlite3_bind_null(p, 20);
	return sqlite3_step(p) == SQLITE_DONE
		       ? NKT_OK
		       : nkt__hist_fail(h, err, "prefix_stats");
}

/* Every transit and (prefix, transit) row of the result. */
static int store_stats(struct nkt_history *h, int64_t run,
		       const struct nkt_cmp_result *r,
		       const struct nkt_transits *ts, struct nkt_err *err)
{
	sqlite3_stmt *t = NULL, *p = NULL;
	size_t i;
	int rc = NKT_OK;

	if (sqlite3_prepare_v2(
		    h->db,
		    "INSERT INTO transit_stats VALUES (?,?,?,?,?,?,?,?,?,?,?,"
		    "?,?,?,?,?,?,?,?,?,?)",
		    -1, &t, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(
		    h->db,
		    "INSERT INTO prefix_stats VALUES (?,?,?,?,?,?,?,?,?,?,?,"
		    "?,?,?,?,?,?,?,?,?)",
		    -1, &p, NULL) != SQLITE_OK)
		rc = nkt__hist_fail(h, err, "prepare");
	for (i = 0; i < r->n_transit && rc == NKT_OK; i++)
		rc = transit_row(h, t, run, &r->transit[i], ts, err);
	for (i = 0; i < r->n_prefix && rc == NKT_OK; i++)
		rc = prefix_row(h, p, run, &r->prefix[i], err);
	sqlite3_finalize(t);
	sqlite3_finalize(p);
	return rc;
}

/* Every transit's hosts (detect.h compares cycles over the same hosts). */
static int store_hosts(struct nkt_history *h, int64_t run,
		       const struct nkt_cmp_result *r,
		       const char *const *vantages, struct nkt_err *err)
{
	struct nkt_hist_cycle c;
	sqlite3_stmt *st = NULL;
	size_t i;
	int rc = NKT_OK;

	nkt_hist_from_result(r, NULL, vantages, run, 0, &c);
	if (sqlite3_prepare_v2(h->db,
			       "INSERT OR IGNORE INTO host_stats (run, "
			       "transit, prefix, addr, sent, lost, "
			       "rtt_median, vantage) VALUES "
			       "(?,?,?,?,?,?,?,?)",
			       -1, &st, NULL) != SQLITE_OK)
		rc = nkt__hist_fail(h, err, "prepare");
	for (i = 0; i < c.n_h && rc == NKT_OK; i++) {
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, run);
		nkt__hist_bind_text(st, 2, c.h[i].transit);
		nkt__hist_bind_text(st, 3, c.h[i].prefix);
		nkt__hist_bind_text(st, 4, c.h[i].addr);
		sqlite3_bind_int64(st, 5, (sqlite3_int64)c.h[i].sent);
		sqlite3_bind_int64(st, 6, (sqlite3_int64)c.h[i].lost);
		nkt__hist_bind_real(st, 7, c.h[i].rtt_median);
		/* '' (a probing run's own vantage point) is a value here,
		 * not NULL: the column is part of the key */
		sqlite3_bind_text(st, 8, c.h[i].vantage, -1,
				  SQLITE_TRANSIENT);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = nkt__hist_fail(h, err, "host_stats");
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
	int rc = nkt__hist_exec(h, "DELETE FROM discovered", err);
	if (rc != NKT_OK)
		return rc;
	if (sqlite3_prepare_v2(h->db, "INSERT OR IGNORE INTO discovered "
				      "VALUES (?,?)",
			       -1, &st, NULL) != SQLITE_OK)
		return nkt__hist_fail(h, err, "prepare");
	for (i = 0; i < c->n_found && rc == NKT_OK; i++) {
		char a[NKT_INET_ADDRSTRLEN];
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, c->found_time);
		nkt__hist_bind_text(st, 2, nkt_inet_fmt(c->found[i], a));
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = nkt__hist_fail(h, err, "discovered");
	}
	sqlite3_finalize(st);
	return rc;
}

/* The runs row; *run gets its id. */
static int store_run(struct nkt_history *h, const struct nkt_cycle_record *c,
		     int64_t *run, struct nkt_err *err)
{
	sqlite3_stmt *st = NULL;
	char *summary = NULL, vbuf[32];
	int rc = NKT_OK;

	if (sqlite3_prepare_v2(h->db,
			       "INSERT INTO runs (start, end, status, error, "
			       "targets, observations, probes, "
			       "capture_dropped, version, summary, "
			       "summary_size, source) VALUES "
			       "(?,?,?,?,?,?,?,?,?,?,?,?)",
			       -1, &st, NULL) != SQLITE_OK)
		return nkt__hist_fail(h, err, "prepare");
	if (c->summary != NULL)
		summary = json_dumps(c->summary, NKT_JSON_FLAGS);
	snprintf(vbuf, sizeof(vbuf), "nktrace %s", NKT_VERSION);
	sqlite3_bind_int64(st, 1, c->start);
	sqlite3_bind_int64(st, 2, c->end);
	nkt__hist_bind_text(st, 3, c->status);
	nkt__hist_bind_text(st, 4, c->error);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)c->targets);
	sqlite3_bind_int64(st, 6, (sqlite3_int64)c->observations);
	sqlite3_bind_int64(st, 7, (sqlite3_int64)c->probes);
	sqlite3_bind_int64(st, 8, (sqlite3_int64)c->dropped);
	nkt__hist_bind_text(st, 9, vbuf);
	nkt__hist_bind_text(st, 12, c->source);
	if (summary != NULL) {
		/* The compare summary (data/compare.schema.md), compressed:
		 * most of a cycle's size is its per-target detail. */
		Bytef *z = NULL;
		size_t slen = strlen(summary),
		       zlen = deflate_text(summary, slen, &z);
		if (zlen > 0) {
			sqlite3_bind_blob(st, 10, z, (int)zlen,
					  SQLITE_TRANSIENT);
			sqlite3_bind_int64(st, 11, (sqlite3_int64)slen);
		}
		free(z);
	}
	free(summary);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = nkt__hist_fail(h, err, "runs");
	sqlite3_finalize(st);
	*run = sqlite3_last_insert_rowid(h->db);
	return rc;
}

/* The cycle's traces, compressed. */
static int store_traces(struct nkt_history *h, int64_t run,
			const struct nkt_cycle_record *c, struct nkt_err *err)
{
	sqlite3_stmt *st = NULL;
	Bytef *z = NULL;
	size_t zlen = deflate_text(c->traces, c->traces_len, &z);
	int rc = NKT_OK;

	if (zlen == 0)
		return nkt_err_set(err, NKT_ESYS,
				   "history: compressing the traces");
	if (sqlite3_prepare_v2(h->db,
			       "INSERT INTO traces VALUES "
			       "(?,?,'atlas-ndjson+zlib',?,?)",
			       -1, &st, NULL) != SQLITE_OK)
		rc = nkt__hist_fail(h, err, "prepare");
	else {
		sqlite3_bind_int64(st, 1, run);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)c->n_traces);
		sqlite3_bind_int64(st, 3, (sqlite3_int64)c->traces_len);
		sqlite3_bind_blob(st, 4, z, (int)zlen, SQLITE_TRANSIENT);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = nkt__hist_fail(h, err, "traces");
	}
	sqlite3_finalize(st);
	free(z);
	return rc;
}

/* The cycle's events, each with its JSON detail. */
static int store_events(struct nkt_history *h, int64_t run,
			const struct nkt_cycle_record *c, struct nkt_err *err)
{
	sqlite3_stmt *st = NULL;
	size_t i;
	int rc = NKT_OK;

	if (sqlite3_prepare_v2(h->db,
			       "INSERT INTO events (run, time, kind, prefix, "
			       "transit, message, detail) VALUES "
			       "(?,?,?,?,?,?,?)",
			       -1, &st, NULL) != SQLITE_OK)
		return nkt__hist_fail(h, err, "prepare");
	for (i = 0; i < c->n_events && rc == NKT_OK; i++) {
		const struct nkt_event *e = &c->events[i];
		json_t *j = nkt_event_json(e, c->end, run);
		char *d = json_dumps(j, NKT_JSON_FLAGS);
		json_decref(j);
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, run);
		sqlite3_bind_int64(st, 2, c->end);
		nkt__hist_bind_text(st, 3, e->kind);
		nkt__hist_bind_text(st, 4, e->prefix);
		nkt__hist_bind_text(st, 5, e->transit);
		nkt__hist_bind_text(st, 6, e->message);
		nkt__hist_bind_text(st, 7, d);
		free(d);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = nkt__hist_fail(h, err, "events");
	}
	sqlite3_finalize(st);
	return rc;
}

/* The keys of the results an imported cycle holds. */
static int store_keys(struct nkt_history *h, int64_t run,
		      const struct nkt_cycle_record *c, struct nkt_err *err)
{
	sqlite3_stmt *st = NULL;
	size_t i;
	int rc = NKT_OK;

	if (sqlite3_prepare_v2(h->db,
			       "INSERT OR REPLACE INTO imported (key, run) "
			       "VALUES (?,?)",
			       -1, &st, NULL) != SQLITE_OK)
		return nkt__hist_fail(h, err, "prepare");
	for (i = 0; i < c->n_keys && rc == NKT_OK; i++) {
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, c->keys[i], -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, run);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = nkt__hist_fail(h, err, "imported");
	}
	sqlite3_finalize(st);
	return rc;
}

/* An event's identity across re-detections: kind, /24 and transit (its
 * message's figures may change when a bucket gains results). */
static void event_key(const char *kind, const char *prefix,
		      const char *transit, char *buf, size_t len)
{
	snprintf(buf, len, "%s|%s|%s", kind, prefix ? prefix : "",
		 transit ? transit : "");
}

/* The identities of a run's stored events (allocated). */
static int stored_keys(struct nkt_history *h, int64_t run, char ***keys,
		       size_t *n, struct nkt_err *err)
{
	sqlite3_stmt *st = NULL;
	*keys = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(h->db,
			       "SELECT kind, prefix, transit FROM events WHERE "
			       "run = ?",
			       -1, &st, NULL) != SQLITE_OK)
		return nkt__hist_fail(h, err, "prepare");
	sqlite3_bind_int64(st, 1, run);
	while (sqlite3_step(st) == SQLITE_ROW) {
		char k[256];
		event_key((const char *)sqlite3_column_text(st, 0),
			  (const char *)sqlite3_column_text(st, 1),
			  (const char *)sqlite3_column_text(st, 2), k,
			  sizeof(k));
		*keys = nkt_xreallocarray(*keys, *n + 1, sizeof(**keys));
		(*keys)[(*n)++] = nkt_xstrdup(k);
	}
	sqlite3_finalize(st);
	return NKT_OK;
}

static void keys_free(char **keys, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		free(keys[i]);
	free(keys);
}

/* Whether event e is among keys (and takes it: each old event matches
 * one new one at most). */
static int take_key(char **keys, size_t n, const struct nkt_event *e)
{
	char k[256];
	size_t i;
	event_key(e->kind, e->prefix, e->transit, k, sizeof(k));
	for (i = 0; i < n; i++)
		if (keys[i] != NULL && strcmp(keys[i], k) == 0) {
			free(keys[i]);
			keys[i] = NULL;
			return 1;
		}
	return 0;
}

/* The counts that only grow: a cycle (not when it replaces one already
 * counted) and each of ev[] that is not among `old` (the events of what
 * it replaces). */
static int count_totals(struct nkt_history *h, const char *status,
			const struct nkt_event *ev, size_t n_ev, char **old,
			size_t n_old, unsigned char *is_new,
			struct nkt_err *err)
{
	sqlite3_stmt *st = NULL;
	char what[64];
	size_t i;
	int rc = NKT_OK;

	if (sqlite3_prepare_v2(h->db,
			       "INSERT INTO totals (what, n) VALUES (?, 1) ON "
			       "CONFLICT (what) DO UPDATE SET n = n + 1",
			       -1, &st, NULL) != SQLITE_OK)
		return nkt__hist_fail(h, err, "prepare");
	for (i = 0; i <= n_ev && rc == NKT_OK; i++) {
		if (i == 0) {
			if (status == NULL)
				continue;
			snprintf(what, sizeof(what), "runs %s", status);
		} else {
			int had = take_key(old, n_old, &ev[i - 1]);
			if (is_new != NULL)
				is_new[i - 1] = !had;
			if (had)
				continue;
			snprintf(what, sizeof(what), "events %s",
				 ev[i - 1].kind);
		}
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, what, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = nkt__hist_fail(h, err, "totals");
	}
	sqlite3_finalize(st);
	return rc;
}

/* The /24s routing had no route to. */
static int store_unrouted(struct nkt_history *h, int64_t run,
			  const struct nkt_cycle_record *c,
			  struct nkt_err *err)
{
	sqlite3_stmt *st = NULL;
	size_t i;
	int rc = NKT_OK;

	if (sqlite3_prepare_v2(h->db,
			       "INSERT OR IGNORE INTO unrouted (run, prefix) "
			       "VALUES (?,?)",
			       -1, &st, NULL) != SQLITE_OK)
		return nkt__hist_fail(h, err, "prepare");
	for (i = 0; i < c->n_unrouted && rc == NKT_OK; i++) {
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, run);
		sqlite3_bind_text(st, 2, c->unrouted[i], -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = nkt__hist_fail(h, err, "unrouted");
	}
	sqlite3_finalize(st);
	return rc;
}

/* Vantage points per /24, transit and country. */
static int store_vantage(struct nkt_history *h, int64_t run,
			 const struct nkt_cycle_record *c, struct nkt_err *err)
{
	sqlite3_stmt *st = NULL;
	size_t i;
	int rc = NKT_OK;

	if (sqlite3_prepare_v2(h->db,
			       "INSERT INTO vantage_stats (run, prefix, transit, "
			       "country, vantage_points) VALUES (?,?,?,?,?)",
			       -1, &st, NULL) != SQLITE_OK)
		return nkt__hist_fail(h, err, "prepare");
	for (i = 0; i < c->n_vantage && rc == NKT_OK; i++) {
		const struct nkt_vantage_row *v = &c->vantage[i];
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, run);
		sqlite3_bind_text(st, 2, v->prefix, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, v->transit, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, v->country, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 5, v->vantage_points);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = nkt__hist_fail(h, err, "vantage_stats");
	}
	sqlite3_finalize(st);
	return rc;
}

int nkt_history_probes_put(struct nkt_history *h,
			   const struct nkt_probe_info *p, size_t n,
			   int64_t now, struct nkt_err *err)
{
	sqlite3_stmt *st = NULL;
	size_t i;
	int rc = NKT_OK;

	if (nkt__hist_exec(h, "BEGIN IMMEDIATE", err) != NKT_OK)
		return NKT_ESYS;
	if (sqlite3_prepare_v2(h->db,
			       "INSERT OR REPLACE INTO probes (id, country, asn, "
			       "fetched) VALUES (?,?,?,?)",
			       -1, &st, NULL) != SQLITE_OK) {
		nkt__hist_exec(h, "ROLLBACK", NULL);
		return nkt__hist_fail(h, err, "prepare");
	}
	for (i = 0; i < n && rc == NKT_OK; i++) {
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, p[i].id);
		nkt__hist_bind_text(st, 2, p[i].country);
		if (p[i].asn > 0)
			sqlite3_bind_int64(st, 3, p[i].asn);
		else
			sqlite3_bind_null(st, 3);
		sqlite3_bind_int64(st, 4, now);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = nkt__hist_fail(h, err, "probes");
	}
	sqlite3_finalize(st);
	if (rc != NKT_OK || nkt__hist_exec(h, "COMMIT", err) != NKT_OK) {
		nkt__hist_exec(h, "ROLLBACK", NULL);
		return NKT_ESYS;
	}
	return NKT_OK;
}

/* The run an imported cycle replaces goes, with all that hangs off it. */
static int drop_run(struct nkt_history *h, int64_t run, struct nkt_err *err)
{
	char sql[64];
	snprintf(sql, sizeof(sql), "DELETE FROM runs WHERE id = %lld",
		 (long long)run);
	return nkt__hist_exec(h, sql, err);
}

int nkt_history_atlas_set(struct nkt_history *h, int64_t msm, int64_t last,
			  int64_t now, struct nkt_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc = NKT_OK;
	if (sqlite3_prepare_v2(h->db,
			       "INSERT OR REPLACE INTO atlas_follow (msm, last, "
			       "fetched) VALUES (?,?,?)",
			       -1, &st, NULL) != SQLITE_OK)
		return nkt__hist_fail(h, err, "prepare");
	sqlite3_bind_int64(st, 1, msm);
	sqlite3_bind_int64(st, 2, last);
	sqlite3_bind_int64(st, 3, now);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = nkt__hist_fail(h, err, "atlas_follow");
	sqlite3_finalize(st);
	return rc;
}

int nkt_history_store(struct nkt_history *h, const struct nkt_cycle_record *c,
		      int64_t *run, struct nkt_err *err)
{
	char **old = NULL;
	size_t n_old = 0;
	int rc;

	if (nkt__hist_exec(h, "BEGIN IMMEDIATE", err) != NKT_OK)
		return NKT_ESYS;
	/* A cycle that replaces one (a bucket that gained results) is
	 * counted once, and so are the events both raised. */
	if (c->replaces > 0 &&
	    ((rc = stored_keys(h, c->replaces, &old, &n_old, err)) !=
		     NKT_OK ||
	     (rc = drop_run(h, c->replaces, err)) != NKT_OK))
		goto fail;
	if ((rc = store_run(h, c, run, err)) != NKT_OK ||
	    (rc = count_totals(h, c->replaces > 0 ? NULL : c->status,
			       c->events, c->n_events, old, n_old,
			       c->event_new, err)) !=
		    NKT_OK)
		goto fail;
	if (c->n_keys > 0 && (rc = store_keys(h, *run, c, err)) != NKT_OK)
		goto fail;
	if (c->n_vantage > 0 &&
	    (rc = store_vantage(h, *run, c, err)) != NKT_OK)
		goto fail;
	if (c->n_unrouted > 0 &&
	    (rc = store_unrouted(h, *run, c, err)) != NKT_OK)
		goto fail;
	if (c->res != NULL &&
	    ((rc = store_stats(h, *run, c->res, c->transits, err)) !=
		     NKT_OK ||
	     (rc = store_hosts(h, *run, c->res, c->vantage_names,
				       err)) != NKT_OK))
		goto fail;
	if (c->found_time > 0 && (rc = store_found(h, c, err)) != NKT_OK)
		goto fail;
	if (c->traces != NULL && c->traces_len > 0 &&
	    (rc = store_traces(h, *run, c, err)) != NKT_OK)
		goto fail;
	if (c->n_events > 0 && (rc = store_events(h, *run, c, err)) != NKT_OK)
		goto fail;
	if (c->keep_s > 0) {
		char sql[96];
		snprintf(sql, sizeof(sql), "DELETE FROM runs WHERE start < %lld",
			 (long long)(c->start - c->keep_s));
		if ((rc = nkt__hist_exec(h, sql, err)) != NKT_OK)
			goto fail;
	}
	if (nkt__hist_exec(h, "COMMIT", err) != NKT_OK) {
		rc = NKT_ESYS;
		goto fail;
	}
	keys_free(old, n_old);
	return NKT_OK;
fail:
	keys_free(old, n_old);
	nkt__hist_exec(h, "ROLLBACK", NULL);
	return rc;
}

int nkt_history_set_events(struct nkt_history *h, int64_t run,
			   const struct nkt_event *ev, size_t n, int *changed,
			   struct nkt_err *err)
{
	struct nkt_cycle_record c;
	sqlite3_stmt *st = NULL;
	char **old = NULL;
	size_t n_old = 0, i, left = 0;
	int rc;

	*changed = 0;
	memset(&c, 0, sizeof(c));
	c.events = ev;
	c.n_events = n;
	if (nkt__hist_exec(h, "BEGIN IMMEDIATE", err) != NKT_OK)
		return NKT_ESYS;
	if (sqlite3_prepare_v2(h->db, "SELECT end FROM runs WHERE id = ?", -1,
			       &st, NULL) != SQLITE_OK) {
		rc = nkt__hist_fail(h, err, "prepare");
		goto fail;
	}
	sqlite3_bind_int64(st, 1, run);
	if (sqlite3_step(st) == SQLITE_ROW)
		c.end = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if ((rc = stored_keys(h, run, &old, &n_old, err)) != NKT_OK)
		goto fail;
	/* changed: an event without its like before, or one gone */
	for (i = 0; i < n_old; i++)
		left++;
	if ((rc = count_totals(h, NULL, ev, n, old, n_old, NULL, err)) != NKT_OK)
		goto fail;
	for (i = 0; i < n_old; i++)
		left -= old[i] == NULL;
	*changed = left != 0 || n != n_old;
	{
		char sql[64];
		snprintf(sql, sizeof(sql), "DELETE FROM events WHERE run = %lld",
			 (long long)run);
		if ((rc = nkt__hist_exec(h, sql, err)) != NKT_OK)
			goto fail;
	}
	if (n > 0 && (rc = store_events(h, run, &c, err)) != NKT_OK)
		goto fail;
	if (nkt__hist_exec(h, "COMMIT", err) != NKT_OK) {
		rc = NKT_ESYS;
		goto fail;
	}
	keys_free(old, n_old);
	return NKT_OK;
fail:
	keys_free(old, n_old);
	nkt__hist_exec(h, "ROLLBACK", NULL);
	return rc;
}
