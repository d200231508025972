// SPDX-License-Identifier: ISC
/* history_query.c: what the history holds, read back (see history.h): the
 * recent cycles for detection, the last discovery, a run's traces and
 * summary, and reports. */
#include "history_int.h"
#include "nktrace/inet.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

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
		return nkt__hist_fail(h, err, "prepare");
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

int nkt_history_import_run(struct nkt_history *h, int64_t start,
			   int64_t *run, struct nkt_err *err)
{
	sqlite3_stmt *st = NULL;
	*run = 0;
	if (sqlite3_prepare_v2(h->db,
			       "SELECT id FROM runs WHERE source = 'import' "
			       "AND start = ? ORDER BY id DESC LIMIT 1",
			       -1, &st, NULL) != SQLITE_OK)
		return nkt__hist_fail(h, err, "prepare");
	sqlite3_bind_int64(st, 1, start);
	if (sqlite3_step(st) == SQLITE_ROW)
		*run = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return NKT_OK;
}

int nkt_history_has_key(struct nkt_history *h, const char *key,
			int *present, struct nkt_err *err)
{
	if (h->has_key == NULL &&
	    sqlite3_prepare_v2(h->db, "SELECT 1 FROM imported WHERE key = ?",
			       -1, &h->has_key, NULL) != SQLITE_OK)
		return nkt__hist_fail(h, err, "prepare");
	sqlite3_reset(h->has_key);
	sqlite3_bind_text(h->has_key, 1, key, -1, SQLITE_STATIC);
	*present = sqlite3_step(h->has_key) == SQLITE_ROW;
	sqlite3_reset(h->has_key);
	return NKT_OK;
}

int nkt_history_atlas_last(struct nkt_history *h, int64_t msm, int64_t *last,
			   struct nkt_err *err)
{
	sqlite3_stmt *st = NULL;
	*last = 0;
	if (sqlite3_prepare_v2(h->db,
			       "SELECT last FROM atlas_follow WHERE msm = ?", -1,
			       &st, NULL) != SQLITE_OK)
		return nkt__hist_fail(h, err, "prepare");
	sqlite3_bind_int64(st, 1, msm);
	if (sqlite3_step(st) == SQLITE_ROW)
		*last = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return NKT_OK;
}

int nkt_history_probe(struct nkt_history *h, int64_t id,
		      struct nkt_probe_info *p, int *found, struct nkt_err *err)
{
	sqlite3_stmt *st = NULL;
	memset(p, 0, sizeof(*p));
	p->id = id;
	*found = 0;
	if (sqlite3_prepare_v2(h->db,
			       "SELECT country, asn FROM probes WHERE id = ?",
			       -1, &st, NULL) != SQLITE_OK)
		return nkt__hist_fail(h, err, "prepare");
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		nkt__hist_col_text(st, 0, p->country, sizeof(p->country));
		p->asn = sqlite3_column_int64(st, 1);
		*found = 1;
	}
	sqlite3_finalize(st);
	return NKT_OK;
}

void nkt_hist_cycles_free(struct nkt_hist_cycle *c, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		nkt_hist_cycle_free(&c[i]);
	free(c);
}

int nkt_history_known(struct nkt_history *h, int64_t before,
		      struct nkt_hist_known *k, struct nkt_err *err)
{
	sqlite3_stmt *st = NULL;
	char **names = NULL;
	size_t n = 0, cap = 0;

	memset(k, 0, sizeof(*k));
	if (sqlite3_prepare_v2(h->db,
			       "SELECT DISTINCT p.transit FROM prefix_stats p "
			       "JOIN runs r ON r.id = p.run WHERE r.status = "
			       "'ok' AND (?1 = 0 OR r.start < ?1) AND p.share "
			       ">= ?2 ORDER BY p.transit",
			       -1, &st, NULL) != SQLITE_OK)
		return nkt__hist_fail(h, err, "prepare");
	sqlite3_bind_int64(st, 1, before);
	sqlite3_bind_double(st, 2, NKT_DETECT_SHARE);
	while (sqlite3_step(st) == SQLITE_ROW) {
		char name[96];
		if (n == cap) {
			cap = cap ? cap * 2 : 8;
			names = nkt_xreallocarray(names, cap, sizeof(*names));
		}
		nkt__hist_col_text(st, 0, name, sizeof(name));
		names[n++] = nkt_xstrdup(name);
	}
	sqlite3_finalize(st);
	k->carriers = (const char *const *)names;
	k->n_carriers = n;
	return NKT_OK;
}

void nkt_history_known_free(struct nkt_hist_known *k)
{
	size_t i;
	for (i = 0; i < k->n_carriers; i++)
		free((void *)(uintptr_t)k->carriers[i]);
	free((void *)(uintptr_t)k->carriers);
	memset(k, 0, sizeof(*k));
}

/* The statements that read a cycle's groups and hosts (by run). */
static int cycle_stmts(struct nkt_history *h, sqlite3_stmt **g,
		       sqlite3_stmt **hs, sqlite3_stmt **ur,
		       struct nkt_err *err)
{
	*g = *hs = *ur = NULL;
	if (sqlite3_prepare_v2(h->db,
			       "SELECT prefix FROM unrouted WHERE run = ?1 "
			       "ORDER BY prefix",
			       -1, ur, NULL) != SQLITE_OK)
		return nkt__hist_fail(h, err, "prepare");
	if (sqlite3_prepare_v2(
		    h->db,
		    "SELECT '', transit, defined, 0, 0, targets, reached, "
		    "rtt_median, rtt_lo, rtt_hi, sent, lost, border_addr, 0 "
		    "FROM transit_stats WHERE run = ?1 UNION ALL SELECT "
		    "prefix, transit, defined, carrier, share, targets, "
		    "reached, rtt_median, rtt_lo, rtt_hi, sent, lost, "
		    "border_addr, border_hop FROM prefix_stats WHERE run = ?1",
		    -1, g, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(h->db,
			       "SELECT transit, prefix, addr, sent, lost, "
			       "rtt_median, vantage FROM host_stats WHERE "
			       "run = ?1",
			       -1, hs, NULL) != SQLITE_OK) {
		sqlite3_finalize(*g);
		sqlite3_finalize(*ur);
		*g = *ur = NULL;
		return nkt__hist_fail(h, err, "prepare");
	}
	return NKT_OK;
}

/* The groups, hosts and unrouted /24s of cycle c (c->run set). */
static void fill_cycle(sqlite3_stmt *g, sqlite3_stmt *hs, sqlite3_stmt *ur,
		       struct nkt_hist_cycle *c)
{
	size_t cap = 0;

	sqlite3_reset(ur);
	sqlite3_bind_int64(ur, 1, c->run);
	while (sqlite3_step(ur) == SQLITE_ROW && c->n_unrouted < 4096) {
		c->unrouted = nkt_xreallocarray(c->unrouted, c->n_unrouted + 1,
						sizeof(*c->unrouted));
		nkt__hist_col_text(ur, 0, c->unrouted[c->n_unrouted++],
				   sizeof(*c->unrouted));
	}

	sqlite3_reset(g);
	sqlite3_bind_int64(g, 1, c->run);
	while (sqlite3_step(g) == SQLITE_ROW) {
		struct nkt_hist_group *x;
		if (c->n == cap) {
			cap = cap ? cap * 2 : 16;
			c->g = nkt_xreallocarray(c->g, cap, sizeof(*c->g));
		}
		x = &c->g[c->n++];
		memset(x, 0, sizeof(*x));
		nkt__hist_col_text(g, 0, x->prefix, sizeof(x->prefix));
		nkt__hist_col_text(g, 1, x->transit, sizeof(x->transit));
		x->defined = sqlite3_column_int(g, 2);
		x->carrier = sqlite3_column_int(g, 3);
		x->share = sqlite3_column_double(g, 4);
		x->targets = (uint32_t)sqlite3_column_int64(g, 5);
		x->reached = (uint32_t)sqlite3_column_int64(g, 6);
		x->rtt_median = nkt__hist_col_real(g, 7);
		x->rtt_lo = nkt__hist_col_real(g, 8);
		x->rtt_hi = nkt__hist_col_real(g, 9);
		x->sent = (uint64_t)sqlite3_column_int64(g, 10);
		x->lost = (uint64_t)sqlite3_column_int64(g, 11);
		nkt__hist_col_text(g, 12, x->border, sizeof(x->border));
		x->border_hop = (uint8_t)sqlite3_column_int(g, 13);
	}
	cap = 0;
	sqlite3_reset(hs);
	sqlite3_bind_int64(hs, 1, c->run);
	while (sqlite3_step(hs) == SQLITE_ROW) {
		struct nkt_hist_host *y;
		if (c->n_h == cap) {
			cap = cap ? cap * 2 : 16;
			c->h = nkt_xreallocarray(c->h, cap, sizeof(*c->h));
		}
		y = &c->h[c->n_h++];
		memset(y, 0, sizeof(*y));
		nkt__hist_col_text(hs, 0, y->transit, sizeof(y->transit));
		nkt__hist_col_text(hs, 1, y->prefix, sizeof(y->prefix));
		nkt__hist_col_text(hs, 2, y->addr, sizeof(y->addr));
		y->sent = (uint64_t)sqlite3_column_int64(hs, 3);
		y->lost = (uint64_t)sqlite3_column_int64(hs, 4);
		y->rtt_median = nkt__hist_col_real(hs, 5);
		nkt__hist_col_text(hs, 6, y->vantage, sizeof(y->vantage));
	}
}

/* The cycles of the successful runs `runs_sql` selects (?1 a time, ?2 a
 * count), in its order. */
static int load_cycles(struct nkt_history *h, const char *runs_sql,
		       int64_t t, size_t max, struct nkt_hist_cycle **out,
		       size_t *n, struct nkt_err *err)
{
	sqlite3_stmt *runs = NULL, *g = NULL, *hs = NULL, *ur = NULL;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = cycle_stmts(h, &g, &hs, &ur, err)) != NKT_OK)
		return rc;
	if (sqlite3_prepare_v2(h->db, runs_sql, -1, &runs, NULL) !=
	    SQLITE_OK) {
		rc = nkt__hist_fail(h, err, "prepare");
		goto out;
	}
	sqlite3_bind_int64(runs, 1, t);
	sqlite3_bind_int64(runs, 2, (sqlite3_int64)max);
	*out = nkt_xcalloc(max ? max : 1, sizeof(**out));
	while (*n < max && sqlite3_step(runs) == SQLITE_ROW) {
		struct nkt_hist_cycle *c = &(*out)[(*n)++];
		c->run = sqlite3_column_int64(runs, 0);
		c->start = sqlite3_column_int64(runs, 1);
		fill_cycle(g, hs, ur, c);
	}
out:
	sqlite3_finalize(runs);
	sqlite3_finalize(g);
	sqlite3_finalize(hs);
	sqlite3_finalize(ur);
	return rc;
}

int nkt_history_recent(struct nkt_history *h, int64_t before, size_t max,
		       struct nkt_hist_cycle **out, size_t *n,
		       struct nkt_err *err)
{
	return load_cycles(h,
			   "SELECT id, start FROM runs WHERE status = 'ok' "
			   "AND (?1 = 0 OR start < ?1) ORDER BY start DESC, "
			   "id DESC LIMIT ?2",
			   before, max, out, n, err);
}

int nkt_history_after(struct nkt_history *h, int64_t after, size_t max,
		      int new_transit_only, struct nkt_hist_cycle **out,
		      size_t *n, struct nkt_err *err)
{
	return load_cycles(
		h,
		new_transit_only
			? "SELECT id, start FROM runs r WHERE status = 'ok' AND "
			  "start > ?1 AND EXISTS (SELECT 1 FROM events e "
			  "WHERE e.run = r.id AND e.kind = 'new_transit') "
			  "ORDER BY start, id LIMIT ?2"
			: "SELECT id, start FROM runs WHERE status = 'ok' AND "
			  "start > ?1 ORDER BY start, id LIMIT ?2",
		after, max, out, n, err);
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
		nkt__hist_fail(h, err, "prepare");
		return NULL;
	}
	sqlite3_bind_int64(st, 1, run);
	if (sqlite3_step(st) == SQLITE_ROW &&
	    sqlite3_column_type(st, 1) != SQLITE_NULL) {
		sqlite3_int64 size = sqlite3_column_int64(st, 0);
		const void *z = sqlite3_column_blob(st, 1);
		int zlen = sqlite3_column_bytes(st, 1);
		uLongf n;
		/* A history is a file users pass around: its stored size is
		 * believed only when it is a whole number deflate could have
		 * reached from the blob (at most 1032:1) and below the
		 * limit. */
		if (sqlite3_column_type(st, 0) != SQLITE_INTEGER || size < 0 ||
		    size > NKT_HISTORY_ROW_MAX || z == NULL || zlen <= 0 ||
		    (uint64_t)size > (uint64_t)zlen * 1032 + 64) {
			nkt_err_set(err, NKT_EINVAL,
				    "history: run %lld's %s corrupt (a stored "
				    "size of %lld for %d bytes)",
				    (long long)run, what, (long long)size, zlen);
			sqlite3_finalize(st);
			return NULL;
		}
		n = (uLongf)size;
		out = nkt_xmalloc(n + 1);
		if (uncompress((Bytef *)out, &n, z, (uLong)zlen) != Z_OK ||
		    n != (uLongf)size || memchr(out, '\0', n) != NULL) {
			free(out);
			out = NULL;
			nkt_err_set(err, NKT_EINVAL,
				    "history: run %lld's %s corrupt",
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
			   run, "traces are", len, err);
}

char *nkt_history_summary(struct nkt_history *h, int64_t run, size_t *len,
			  struct nkt_err *err)
{
	return inflate_row(h,
			   "SELECT summary_size, summary FROM runs WHERE id = ?",
			   run, "summary is", len, err);
}

/* The cycles started in the window. */
static int report_runs(struct nkt_history *h, struct nkt_report *r,
		       struct nkt_err *err)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(h->db,
			       "SELECT id, start, end, status, error, targets, "
			       "probes, capture_dropped FROM runs WHERE start "
			       ">= ? AND start <= ? ORDER BY start, id",
			       -1, &st, NULL) != SQLITE_OK)
		return nkt__hist_fail(h, err, "report");
	sqlite3_bind_int64(st, 1, r->since);
	sqlite3_bind_int64(st, 2, r->until);
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct nkt_report_run *x = nkt_report_add_run(r);
		x->id = sqlite3_column_int64(st, 0);
		x->start = nkt_report_time(sqlite3_column_int64(st, 1));
		x->end = nkt_report_time(sqlite3_column_int64(st, 2));
		nkt__hist_col_text(st, 3, x->status, sizeof(x->status));
		nkt__hist_col_text(st, 4, x->error, sizeof(x->error));
		x->targets = (uint64_t)sqlite3_column_int64(st, 5);
		x->probes = (uint64_t)sqlite3_column_int64(st, 6);
		x->capture_dropped = (uint64_t)sqlite3_column_int64(st, 7);
		if (strcmp(x->status, "ok") == 0)
			r->latest_ok_run = x->id;
	}
	sqlite3_finalize(st);
	return NKT_OK;
}

static double pct(uint64_t reached, uint64_t targets)
{
	return targets ? 100.0 * (double)reached / (double)targets : NAN;
}

/* Each transit's points over the successful cycles: the transits file's,
 * and any other in the cycles it carried a /24 (NKT_DETECT_SHARE). */
static int report_transits(struct nkt_history *h, struct nkt_report *r,
			   struct nkt_err *err)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(
		    h->db,
		    "SELECT r.start, r.id, t.transit, t.color, t.targets, "
		    "t.reached, t.rtt_median, t.rtt_p90, t.rtt_lo, t.rtt_hi, "
		    "t.loss, t.loss_lo, t.loss_hi, t.sent, t.lost, t.border_rtt "
		    "FROM transit_stats t JOIN runs r ON r.id = t.run WHERE "
		    "r.start >= ? AND r.start <= ? AND r.status = 'ok' AND "
		    "(t.defined OR EXISTS (SELECT 1 FROM prefix_stats p "
		    "WHERE p.run = t.run AND p.transit = t.transit AND "
		    "p.share >= 0.25)) ORDER BY r.start, r.id",
		    -1, &st, NULL) != SQLITE_OK)
		return nkt__hist_fail(h, err, "report");
	sqlite3_bind_int64(st, 1, r->since);
	sqlite3_bind_int64(st, 2, r->until);
	while (sqlite3_step(st) == SQLITE_ROW) {
		char name[96];
		struct nkt_report_series *s;
		struct nkt_report_point *p;
		nkt__hist_col_text(st, 2, name, sizeof(name));
		s = nkt_report_series(&r->transits, &r->n_transits,
				      name[0] ? name : "?");
		if (s->n == 0)
			nkt__hist_col_text(st, 3, s->color, sizeof(s->color));
		p = nkt_report_add_point(s);
		p->t = nkt_report_time(sqlite3_column_int64(st, 0));
		p->run = sqlite3_column_int64(st, 1);
		p->targets = (uint64_t)sqlite3_column_int64(st, 4);
		p->reached = (uint64_t)sqlite3_column_int64(st, 5);
		p->reached_pct = pct(p->reached, p->targets);
		p->rtt_median = nkt__hist_col_real(st, 6);
		p->rtt_p90 = nkt__hist_col_real(st, 7);
		p->rtt_lo = nkt__hist_col_real(st, 8);
		p->rtt_hi = nkt__hist_col_real(st, 9);
		p->loss = nkt__hist_col_real(st, 10);
		p->loss_lo = nkt__hist_col_real(st, 11);
		p->loss_hi = nkt__hist_col_real(st, 12);
		p->sent = (uint64_t)sqlite3_column_int64(st, 13);
		p->lost = (uint64_t)sqlite3_column_int64(st, 14);
		p->border_rtt = nkt__hist_col_real(st, 15);
	}
	sqlite3_finalize(st);
	return NKT_OK;
}

/* Each /24's points: one per cycle, from all its rows. */
static int report_prefixes(struct nkt_history *h, struct nkt_report *r,
			   struct nkt_err *err)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(
		    h->db,
		    "SELECT r.start, r.id, p.prefix, sum(p.targets), "
		    "sum(p.reached), group_concat(CASE WHEN p.carrier THEN "
		    "p.transit END, ' + '), max(CASE WHEN p.carrier THEN p.rtt_median "
		    "END), max(CASE WHEN p.carrier THEN p.rtt_p90 END), "
		    "max(CASE WHEN p.carrier THEN p.loss END) FROM "
		    "prefix_stats p JOIN runs r ON r.id = p.run WHERE r.start "
		    ">= ? AND r.start <= ? AND r.status = 'ok' GROUP BY r.id, "
		    "p.prefix ORDER BY r.start, r.id, p.prefix",
		    -1, &st, NULL) != SQLITE_OK)
		return nkt__hist_fail(h, err, "report");
	sqlite3_bind_int64(st, 1, r->since);
	sqlite3_bind_int64(st, 2, r->until);
	while (sqlite3_step(st) == SQLITE_ROW) {
		char name[96];
		struct nkt_report_point *p;
		nkt__hist_col_text(st, 2, name, sizeof(name));
		p = nkt_report_add_point(nkt_report_series(
			&r->prefixes, &r->n_prefixes, name[0] ? name : "?"));
		p->t = nkt_report_time(sqlite3_column_int64(st, 0));
		p->run = sqlite3_column_int64(st, 1);
		nkt__hist_col_text(st, 5, p->carrier, sizeof(p->carrier));
		p->targets = (uint64_t)sqlite3_column_int64(st, 3);
		p->reached = (uint64_t)sqlite3_column_int64(st, 4);
		p->reached_pct = pct(p->reached, p->targets);
		p->rtt_median = nkt__hist_col_real(st, 6);
		p->rtt_p90 = nkt__hist_col_real(st, 7);
		p->loss = nkt__hist_col_real(st, 8);
	}
	sqlite3_finalize(st);
	return NKT_OK;
}

/* The events of the window, from their stored JSON. */
static int report_events(struct nkt_history *h, struct nkt_report *r,
			 struct nkt_err *err)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(h->db,
			       "SELECT detail FROM events WHERE time >= ? AND "
			       "time <= ? ORDER BY time, id",
			       -1, &st, NULL) != SQLITE_OK)
		return nkt__hist_fail(h, err, "report");
	sqlite3_bind_int64(st, 1, r->since);
	sqlite3_bind_int64(st, 2, r->until);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *d = (const char *)sqlite3_column_text(st, 0);
		json_t *j = d ? json_loads(d, 0, NULL) : NULL;
		struct nkt_report_event e;
		struct nkt_err ignore;
		/* A detail that does not read is left out, as before. */
		if (j != NULL &&
		    nkt_report_event_from_json(j, "event", &e, &ignore) ==
			    NKT_OK) {
			e.time = nkt_report_time(e.time);
			*nkt_report_add_event(r) = e;
		}
		json_decref(j);
	}
	sqlite3_finalize(st);
	return NKT_OK;
}

/* The latest successful cycle's vantage points per /24, transit, country. */
static int report_vantage(struct nkt_history *h, struct nkt_report *r,
			  struct nkt_err *err)
{
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	if (r->latest_ok_run == 0)
		return NKT_OK;
	if (sqlite3_prepare_v2(h->db,
			       "SELECT prefix, transit, country, vantage_points "
			       "FROM vantage_stats WHERE run = ? ORDER BY "
			       "prefix, transit, vantage_points DESC, country",
			       -1, &st, NULL) != SQLITE_OK)
		return nkt__hist_fail(h, err, "prepare");
	sqlite3_bind_int64(st, 1, r->latest_ok_run);
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct nkt_report_vantage *v;
		if (r->n_vantage == cap) {
			cap = cap ? cap * 2 : 16;
			r->vantage = nkt_xreallocarray(r->vantage, cap,
						       sizeof(*r->vantage));
		}
		v = &r->vantage[r->n_vantage++];
		nkt__hist_col_text(st, 0, v->prefix, sizeof(v->prefix));
		nkt__hist_col_text(st, 1, v->transit, sizeof(v->transit));
		nkt__hist_col_text(st, 2, v->country, sizeof(v->country));
		v->vantage_points = (uint64_t)sqlite3_column_int64(st, 3);
	}
	sqlite3_finalize(st);
	return NKT_OK;
}

/* The counts that only grow, whatever the window. */
static int report_totals(struct nkt_history *h, struct nkt_report *r,
			 struct nkt_err *err)
{
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	if (sqlite3_prepare_v2(h->db,
			       "SELECT what, n FROM totals ORDER BY what", -1,
			       &st, NULL) != SQLITE_OK)
		return nkt__hist_fail(h, err, "prepare");
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (r->n_totals == cap) {
			cap = cap ? cap * 2 : 16;
			r->totals = nkt_xreallocarray(r->totals, cap,
						      sizeof(*r->totals));
		}
		nkt__hist_col_text(st, 0, r->totals[r->n_totals].what,
				   sizeof(r->totals[0].what));
		r->totals[r->n_totals++].n =
			(uint64_t)sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	return NKT_OK;
}

int nkt_history_report(struct nkt_history *h, int64_t since, int64_t until,
		       struct nkt_report *r, struct nkt_err *err)
{
	memset(r, 0, sizeof(*r));
	r->since = since;
	r->until = until;
	if (report_runs(h, r, err) != NKT_OK ||
	    report_transits(h, r, err) != NKT_OK ||
	    report_prefixes(h, r, err) != NKT_OK ||
	    report_events(h, r, err) != NKT_OK ||
	    report_totals(h, r, err) != NKT_OK ||
	    report_vantage(h, r, err) != NKT_OK ||
	    nkt_history_bgp_latest(h, until, &r->bgp_time, &r->bgp,
				   &r->n_bgp, err) != NKT_OK) {
		nkt_report_free(r);
		return NKT_ESYS;
	}
	return NKT_OK;
}
