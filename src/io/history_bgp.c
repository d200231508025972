// SPDX-License-Identifier: ISC
/*
 * history_bgp.c: the control plane in the history (`nktrace bgp --db`),
 * the data plane's latest carriers, and events not tied to a cycle (see
 * history.h).
 */
#include "history_int.h"
#include "nktrace/detect.h"
#include "nktrace/out_opts.h"

#include <stdio.h>

#include <stdlib.h>
#include <string.h>

int nkt_history_bgp_has(struct nkt_history *h, const char *key, int *present,
			struct nkt_err *err)
{
	sqlite3_stmt *st = NULL;
	*present = 0;
	if (sqlite3_prepare_v2(h->db, "SELECT 1 FROM bgp_files WHERE key = ?",
			       -1, &st, NULL) != SQLITE_OK)
		return nkt__hist_fail(h, err, "prepare");
	sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
	*present = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return NKT_OK;
}

/* Events at their own times, run NULL, each counted in totals. */
static int put_events(struct nkt_history *h, const struct nkt_event *ev,
		      const int64_t *time, size_t n, struct nkt_err *err)
{
	sqlite3_stmt *st = NULL, *tot = NULL;
	size_t i;
	int rc = NKT_OK;

	if (sqlite3_prepare_v2(h->db,
			       "INSERT INTO events (run, time, kind, prefix, "
			       "transit, message, detail) VALUES "
			       "(NULL,?,?,?,?,?,?)",
			       -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(h->db,
			       "INSERT INTO totals (what, n) VALUES (?, 1) ON "
			       "CONFLICT (what) DO UPDATE SET n = n + 1",
			       -1, &tot, NULL) != SQLITE_OK) {
		sqlite3_finalize(st);
		return nkt__hist_fail(h, err, "prepare");
	}
	for (i = 0; i < n && rc == NKT_OK; i++) {
		json_t *j = nkt_event_json(&ev[i], time[i], 0);
		char *d = json_dumps(j, NKT_JSON_FLAGS), what[64];
		json_decref(j);
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, time[i]);
		nkt__hist_bind_text(st, 2, ev[i].kind);
		nkt__hist_bind_text(st, 3, ev[i].prefix);
		nkt__hist_bind_text(st, 4, ev[i].transit);
		nkt__hist_bind_text(st, 5, ev[i].message);
		nkt__hist_bind_text(st, 6, d);
		free(d);
		if (sqlite3_step(st) != SQLITE_DONE) {
			rc = nkt__hist_fail(h, err, "events");
			break;
		}
		snprintf(what, sizeof(what), "events %s", ev[i].kind);
		sqlite3_reset(tot);
		sqlite3_bind_text(tot, 1, what, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(tot) != SQLITE_DONE)
			rc = nkt__hist_fail(h, err, "totals");
	}
	sqlite3_finalize(st);
	sqlite3_finalize(tot);
	return rc;
}

int nkt_history_events_put(struct nkt_history *h, const struct nkt_event *ev,
			   const int64_t *time, size_t n, struct nkt_err *err)
{
	int rc;
	if (n == 0)
		return NKT_OK;
	if (nkt__hist_exec(h, "BEGIN IMMEDIATE", err) != NKT_OK)
		return NKT_ESYS;
	if ((rc = put_events(h, ev, time, n, err)) != NKT_OK ||
	    (rc = nkt__hist_exec(h, "COMMIT", err)) != NKT_OK) {
		nkt__hist_exec(h, "ROLLBACK", NULL);
		return rc;
	}
	return NKT_OK;
}

int nkt_history_bgp_store(struct nkt_history *h, int64_t time,
			  const struct nkt_plane_route *r, size_t nr,
			  const struct nkt_event *ev, const int64_t *ev_time,
			  size_t n_ev, char *const *keys, size_t n_keys,
			  struct nkt_err *err)
{
	sqlite3_stmt *st = NULL, *k = NULL;
	size_t i;
	int rc = NKT_OK;

	if (nkt__hist_exec(h, "BEGIN IMMEDIATE", err) != NKT_OK)
		return NKT_ESYS;
	if (sqlite3_prepare_v2(h->db,
			       "INSERT OR REPLACE INTO bgp_state (time, prefix, "
			       "transit, asns, peers, total, since) VALUES "
			       "(?,?,?,?,?,?,?)",
			       -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(h->db,
			       "INSERT OR REPLACE INTO bgp_files (key, time) "
			       "VALUES (?,?)",
			       -1, &k, NULL) != SQLITE_OK) {
		rc = nkt__hist_fail(h, err, "prepare");
		goto done;
	}
	/* nothing announced is a state too: one row without a prefix */
	if (nr == 0) {
		sqlite3_bind_int64(st, 1, time);
		sqlite3_bind_text(st, 2, "", -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, "", -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, "", -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 5, 0);
		sqlite3_bind_int64(st, 6, 0);
		sqlite3_bind_null(st, 7);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = nkt__hist_fail(h, err, "bgp_state");
	}
	for (i = 0; i < nr && rc == NKT_OK; i++) {
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, time);
		sqlite3_bind_text(st, 2, r[i].prefix, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 3, r[i].transit, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 4, r[i].asns, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 5, r[i].peers);
		sqlite3_bind_int64(st, 6, r[i].total);
		if (r[i].since > 0)
			sqlite3_bind_int64(st, 7, r[i].since);
		else
			sqlite3_bind_null(st, 7);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = nkt__hist_fail(h, err, "bgp_state");
	}
	for (i = 0; i < n_keys && rc == NKT_OK; i++) {
		sqlite3_reset(k);
		sqlite3_bind_text(k, 1, keys[i], -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(k, 2, time);
		if (sqlite3_step(k) != SQLITE_DONE)
			rc = nkt__hist_fail(h, err, "bgp_files");
	}
	if (rc == NKT_OK)
		rc = put_events(h, ev, ev_time, n_ev, err);
done:
	sqlite3_finalize(st);
	sqlite3_finalize(k);
	if (rc == NKT_OK && nkt__hist_exec(h, "COMMIT", err) != NKT_OK)
		rc = NKT_ESYS;
	if (rc != NKT_OK)
		nkt__hist_exec(h, "ROLLBACK", NULL);
	return rc;
}

int nkt_history_bgp_latest(struct nkt_history *h, int64_t at, int64_t *time,
			   struct nkt_plane_route **r, size_t *nr,
			   struct nkt_err *err)
{
	sqlite3_stmt *st = NULL;
	size_t cap = 0;

	*time = 0;
	*r = NULL;
	*nr = 0;
	if (sqlite3_prepare_v2(h->db,
			       "SELECT time, prefix, transit, asns, peers, "
			       "total, since FROM bgp_state WHERE time = "
			       "(SELECT max(time) FROM bgp_state WHERE ?1 = 0 "
			       "OR time <= ?1) AND prefix != '' ORDER BY "
			       "prefix, peers DESC, transit",
			       -1, &st, NULL) != SQLITE_OK)
		return nkt__hist_fail(h, err, "prepare");
	sqlite3_bind_int64(st, 1, at);
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct nkt_plane_route *x;
		if (*nr == cap) {
			cap = cap ? cap * 2 : 16;
			*r = nkt_xreallocarray(*r, cap, sizeof(**r));
		}
		x = &(*r)[(*nr)++];
		memset(x, 0, sizeof(*x));
		*time = sqlite3_column_int64(st, 0);
		nkt__hist_col_text(st, 1, x->prefix, sizeof(x->prefix));
		nkt__hist_col_text(st, 2, x->transit, sizeof(x->transit));
		nkt__hist_col_text(st, 3, x->asns, sizeof(x->asns));
		x->peers = (uint32_t)sqlite3_column_int64(st, 4);
		x->total = (uint32_t)sqlite3_column_int64(st, 5);
		x->since = sqlite3_column_int64(st, 6);
	}
	sqlite3_finalize(st);
	if (*nr == 0) { /* a state of nothing announced has its time too */
		if (sqlite3_prepare_v2(h->db,
				       "SELECT max(time) FROM bgp_state WHERE "
				       "?1 = 0 OR time <= ?1",
				       -1, &st, NULL) != SQLITE_OK)
			return nkt__hist_fail(h, err, "prepare");
		sqlite3_bind_int64(st, 1, at);
		if (sqlite3_step(st) == SQLITE_ROW)
			*time = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	return NKT_OK;
}

int nkt_history_carriers(struct nkt_history *h, int64_t *time,
			 struct nkt_plane_carrier **c, size_t *nc,
			 struct nkt_err *err)
{
	sqlite3_stmt *st = NULL;
	size_t cap = 0;

	*time = 0;
	*c = NULL;
	*nc = 0;
	if (sqlite3_prepare_v2(h->db,
			       "SELECT r.start, p.prefix, p.transit FROM "
			       "prefix_stats p JOIN runs r ON r.id = p.run "
			       "WHERE p.carrier = 1 AND p.run = (SELECT id FROM "
			       "runs WHERE status = 'ok' ORDER BY start DESC, "
			       "id DESC LIMIT 1) ORDER BY p.prefix, p.transit",
			       -1, &st, NULL) != SQLITE_OK)
		return nkt__hist_fail(h, err, "prepare");
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct nkt_plane_carrier *x;
		if (*nc == cap) {
			cap = cap ? cap * 2 : 16;
			*c = nkt_xreallocarray(*c, cap, sizeof(**c));
		}
		x = &(*c)[(*nc)++];
		*time = sqlite3_column_int64(st, 0);
		nkt__hist_col_text(st, 1, x->prefix, sizeof(x->prefix));
		nkt__hist_col_text(st, 2, x->transit, sizeof(x->transit));
	}
	sqlite3_finalize(st);
	return NKT_OK;
}

int nkt_history_planes_last(struct nkt_history *h, const char *prefix,
			    char *kind, size_t kind_len, char *msg,
			    size_t msg_len, struct nkt_err *err)
{
	sqlite3_stmt *st = NULL;
	kind[0] = msg[0] = '\0';
	if (sqlite3_prepare_v2(h->db,
			       "SELECT kind, message FROM events WHERE prefix "
			       "= ? AND kind IN ('planes_agree', "
			       "'planes_disagree') ORDER BY time DESC, id DESC "
			       "LIMIT 1",
			       -1, &st, NULL) != SQLITE_OK)
		return nkt__hist_fail(h, err, "prepare");
	sqlite3_bind_text(st, 1, prefix, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) == SQLITE_ROW) {
		nkt__hist_col_text(st, 0, kind, kind_len);
		nkt__hist_col_text(st, 1, msg, msg_len);
	}
	sqlite3_finalize(st);
	return NKT_OK;
}
