// SPDX-License-Identifier: ISC
/*
 * import_backfill.c: `nktrace import --db HISTORY --bucket T`: imported
 * results as cycles of a history, one per bucket of result time, each
 * analysed as `run` analyses its own cycles (the same summary, statistics
 * and events), so that archived RIPE Atlas results and nktrace's own
 * cycles read alike in `report`.
 *
 * Idempotent: every result has a key (Atlas: measurement, probe, time,
 * destination; others: vantage point, destination, start, flow) kept in
 * the history; a result already there is left out, and a bucket that
 * gains results replaces its earlier cycle with one made of both, in one
 * transaction.  Buckets are stored in time order, each one's events
 * found against the cycles before it (in measurement time); cycles
 * already in the history after a bucket stored late have their events
 * found again (redetect), so that the same results in any order or split
 * give the same events.
 *
 * Streaming, in bounded memory: buckets (their folded paths, records and
 * keys) are held until they hold NKT_BACKFILL_HOLD bytes of records; then
 * those that start NKT_BACKFILL_LATE_S (or two buckets, whichever is
 * longer) before the newest result's bucket are stored and freed, but the
 * two that results joined last (an input may interleave two).  A result
 * for a bucket stored already opens it again, and it is merged into the
 * stored cycle as an earlier import's would be (its events found again;
 * what was counted and handed to hooks stays so).  An input in time
 * order, or out of order within the hold, is stored as if sorted; memory
 * is about the hold's, whatever the input's length.
 */
#include "cmd_common.h"
#include "cmd_import.h"
#include "nktrace/detect.h"
#include "nktrace/history.h"
#include "nktrace/keyhash.h"
#include "nktrace/out_atlas.h"
#include "nktrace/out_compare.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* How far behind the newest result's bucket a result may arrive and
 * still join its bucket in memory. */
#define NKT_BACKFILL_LATE_S 3600
/* The records held before the late buckets are stored. */
#define NKT_BACKFILL_HOLD (48u << 20)

struct bucket {
	int64_t start;            /* Unix s */
	struct nkt_impagg agg;    /* its paths */
	char *nd;                 /* its records, NDJSON */
	size_t nd_len, nd_cap;
	char **keys;
	size_t n_keys, cap_keys;
	uint64_t *seen;           /* its keys' hashes (open addressing,
				     0 = empty) */
	size_t n_seen, nslot;
	uint64_t t0, t1;          /* first start, last end (ns) */
	uint64_t touched;         /* when a result last joined it */
	size_t held;              /* its share of nkt_backfill.held */
};

struct nkt_backfill {
	struct nkt_history *h;
	int64_t len;              /* bucket length, s */
	int64_t late;             /* buckets before newest - late: stored */
	int64_t newest;           /* the latest bucket start seen */
	uint64_t added;           /* results added so far */
	size_t held;              /* bytes of records and keys held */
	size_t hold;              /* NKT_BACKFILL_HOLD, or the tests' */
	struct bucket *b;         /* the buckets still open */
	size_t n, cap;
	struct stored {
		int64_t start, run;
	} *st;                    /* the cycles stored, in storing order */
	size_t n_st, cap_st;
	size_t replaced, known, n_events;
	int rc;                   /* the first failure to store; then
				     nothing more is stored */
	struct nkt_err err;
	uint64_t results, repeated, ipv6;
};

static const struct nkt_key key_hash = {0x6261636b66696c6cULL,
					0x696d706f72746b65ULL};

/* A result's identity: who measured what when. */
static void result_key(const struct nkt_trace *t,
		       const struct nkt_import_meta *m,
		       const struct nkt_addrtab *at, char *buf, size_t len)
{
	char dst[NKT_ADDRSTRLEN];
	nkt_addrtab_fmt(at, t->flow.dst, dst);
	if (t->origin != NULL && (t->origin->has & NKT_OH_ATLAS) &&
	    t->origin->prb_id > 0 && !(t->origin->has & NKT_OH_VERSION))
		snprintf(buf, len, "atlas %" PRId64 " %" PRId64 " %" PRIu64
				   " %s",
			 t->origin->msm_id, t->origin->prb_id,
			 (uint64_t)(t->start_ns / NKT_NS_PER_S), dst);
	else
		snprintf(buf, len, "%s|%s|%s|%" PRIu64 "|%u|%u|%u|%u|%u",
			 m->source, m->vantage, dst, (uint64_t)(t->start_ns / 1000),
			 t->flow.method, t->flow.paris_id, t->flow.sport,
			 t->flow.dport, t->via);
}

/* Whether this input had the key already in bucket b; remembers it. */
static int seen_before(struct bucket *b, const char *key)
{
	uint64_t k = nkt_keyhash(&key_hash, key, strlen(key)) | 1;
	size_t i, s;

	if ((b->n_seen + 1) * 2 > b->nslot) {
		size_t nslot = b->nslot ? b->nslot * 2 : 1024;
		uint64_t *slot = nkt_xcalloc(nslot, sizeof(*slot));
		for (i = 0; i < b->nslot; i++) {
			if (b->seen[i] == 0)
				continue;
			for (s = b->seen[i] & (nslot - 1); slot[s];
			     s = (s + 1) & (nslot - 1))
				;
			slot[s] = b->seen[i];
		}
		free(b->seen);
		b->seen = slot;
		b->nslot = nslot;
	}
	for (s = k & (b->nslot - 1); b->seen[s]; s = (s + 1) & (b->nslot - 1))
		if (b->seen[s] == k)
			return 1;
	b->seen[s] = k;
	b->n_seen++;
	return 0;
}

static struct bucket *bucket_of(struct nkt_backfill *b, int64_t start)
{
	struct bucket *k;
	size_t i;

	for (i = b->n; i > 0; i--) /* results come mostly in time order */
		if (b->b[i - 1].start == start)
			return &b->b[i - 1];
	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 16;
		b->b = nkt_xreallocarray(b->b, b->cap, sizeof(*b->b));
	}
	k = &b->b[b->n++];
	memset(k, 0, sizeof(*k));
	k->start = start;
	return k;
}

static void bucket_free(struct bucket *k)
{
	size_t j;
	free(k->nd);
	for (j = 0; j < k->n_keys; j++)
		free(k->keys[j]);
	free(k->keys);
	free(k->seen);
	nkt_impagg_free(&k->agg);
}

/* Fold a result into its bucket (key already checked). */
static void bucket_add(struct bucket *k, struct importer *im,
		       const struct nkt_trace *t,
		       const struct nkt_import_meta *m,
		       const struct nkt_cmp_obs *o, const char *key)
{
	json_t *rec = nkt_atlas_trace(t, &im->oo);
	char *line = json_dumps(rec, NKT_JSON_FLAGS);
	size_t n = line ? strlen(line) : 0;

	json_decref(rec);
	if (n > 0) {
		if (k->nd_len + n + 2 > k->nd_cap) {
			k->nd_cap = (k->nd_len + n + 2) * 2;
			k->nd = nkt_xrealloc(k->nd, k->nd_cap);
		}
		memcpy(k->nd + k->nd_len, line, n);
		k->nd_len += n;
		k->nd[k->nd_len++] = '\n';
		k->nd[k->nd_len] = '\0';
	}
	free(line);
	nkt_impagg_add(&k->agg, nkt_impagg_vantage(&k->agg, m->vantage), o);
	if (k->n_keys == k->cap_keys) {
		k->cap_keys = k->cap_keys ? k->cap_keys * 2 : 64;
		k->keys = nkt_xreallocarray(k->keys, k->cap_keys,
					    sizeof(*k->keys));
	}
	k->keys[k->n_keys++] = nkt_xstrdup(key);
	if (t->start_ns && (k->t0 == 0 || t->start_ns < k->t0))
		k->t0 = t->start_ns;
	if (t->end_ns > k->t1)
		k->t1 = t->end_ns;
}

struct nkt_backfill *nkt_backfill_new(const char *path, uint64_t bucket_ns,
				      struct nkt_err *err)
{
	struct nkt_history *h = nkt_history_open(path, 0, err);
	struct nkt_backfill *b;

	if (h == NULL)
		return NULL;
	b = nkt_xcalloc(1, sizeof(*b));
	b->h = h;
	b->len = (int64_t)(bucket_ns / NKT_NS_PER_S);
	b->late = b->len * 2 > NKT_BACKFILL_LATE_S ? b->len * 2
						   : NKT_BACKFILL_LATE_S;
	b->newest = INT64_MIN;
	b->hold = NKT_BACKFILL_HOLD;
	/* the tests' way to make a small input go past the hold */
	if (getenv("NKTRACE_TEST_IMPORT_HOLD") != NULL)
		b->hold = (size_t)strtoul(getenv("NKTRACE_TEST_IMPORT_HOLD"),
					  NULL, 10);
	return b;
}

static int store_open(struct nkt_backfill *b, struct importer *im,
		      int64_t before, size_t keep);

void nkt_backfill_add(struct nkt_backfill *b, struct importer *im,
		      const struct nkt_trace *t, const struct nkt_import_meta *m,
		      const struct nkt_cmp_obs *o)
{
	char key[256];
	int64_t s = (int64_t)(t->start_ns / NKT_NS_PER_S), start;
	struct bucket *k;
	size_t held;

	/* The history holds IPv4 /24s (North Korea has no IPv6). */
	if (nkt_addrtab_is_handle(&im->at, t->flow.dst)) {
		b->ipv6++;
		return;
	}
	if (b->rc != NKT_OK)
		return; /* storing failed: nothing more is held */
	b->results++;
	start = s - s % b->len;
	k = bucket_of(b, start);
	result_key(t, m, &im->at, key, sizeof(key));
	if (seen_before(k, key)) {
		b->repeated++;
		return;
	}
	held = k->nd_len;
	bucket_add(k, im, t, m, o, key);
	k->touched = ++b->added;
	/* its record, its key and its share of the paths, roughly */
	k->held += k->nd_len - held + 64;
	b->held += k->nd_len - held + 64;
	if (start > b->newest)
		b->newest = start;
	if (b->held > b->hold)
		b->rc = store_open(b, im, b->newest - b->late, 2);
}

/* The records of an earlier import's cycle of this bucket, back into it
 * (those this input had too are there already).  Returns 0 or an error. */
static int merge_stored(struct nkt_backfill *b, struct importer *im,
			struct bucket *k, int64_t run, struct nkt_err *err)
{
	size_t len = 0;
	char *nd = nkt_history_traces(b->h, run, &len, err), *line, *next;

	if (nd == NULL)
		return err->code ? NKT_ESYS : NKT_OK;
	for (line = nd; line < nd + len && *line; line = next) {
		struct nkt_import_state st;
		struct nkt_import_meta m;
		struct nkt_trace *t;
		struct nkt_cmp_obs o;
		struct nkt_err e = {0, ""};
		json_error_t je;
		json_t *rec;
		char key[256];

		next = strchr(line, '\n');
		next = next ? next + 1 : nd + len;
		rec = json_loadb(line, (size_t)(next - line), 0, &je);
		memset(&st, 0, sizeof(st));
		if (rec == NULL || nkt_import_record(rec, NKT_IMPORT_AUTO, &im->at,
						     &st, &t, &m, &e) != NKT_OK) {
			json_decref(rec);
			continue;
		}
		json_decref(rec);
		result_key(t, &m, &im->at, key, sizeof(key));
		if (!seen_before(k, key)) {
			nkt__import_observe(im, t, &m, &o);
			bucket_add(k, im, t, &m, &o, key);
			nkt_cmp_obs_free(&o);
		}
		nkt_trace_free(t);
	}
	free(nd);
	return NKT_OK;
}

/* Whether the bucket holds a result the history lacks. */
static int has_new(struct nkt_backfill *b, const struct bucket *k,
		   struct nkt_err *err, int *fresh)
{
	size_t i;
	*fresh = 0;
	for (i = 0; i < k->n_keys && !*fresh; i++) {
		int present = 0;
		if (nkt_history_has_key(b->h, k->keys[i], &present, err) !=
		    NKT_OK)
			return NKT_ESYS;
		*fresh = !present;
	}
	return NKT_OK;
}

/* A vantage point's country: an Atlas probe's ("prb 6001"), from the
 * probes the history knows; "" otherwise. */
static void country_of(struct nkt_backfill *b, const char *vantage,
		       char *cc, size_t len)
{
	struct nkt_probe_info p;
	struct nkt_err err = {0, ""};
	long long id;
	int found = 0;

	cc[0] = '\0';
	if (sscanf(vantage, "prb %lld", &id) == 1 &&
	    nkt_history_probe(b->h, id, &p, &found, &err) == NKT_OK && found)
		snprintf(cc, len, "%s", p.country);
}

struct vkey {
	uint32_t prefix;
	uint8_t prefix_len;
	int transit;
	uint32_t vantage;
};

static int cmp_vkey(const void *x, const void *y)
{
	const struct vkey *a = x, *b = y;
	if (a->prefix != b->prefix)
		return a->prefix < b->prefix ? -1 : 1;
	if (a->transit != b->transit)
		return a->transit < b->transit ? -1 : 1;
	return a->vantage < b->vantage ? -1 : a->vantage > b->vantage;
}

/* Vantage points per /24, transit (defined ones) and country. */
static struct nkt_vantage_row *vantage_rows(struct nkt_backfill *b,
					    struct importer *im,
					    struct bucket *k,
					    const struct nkt_cmp_obs *obs,
					    const uint32_t *vant, size_t n,
					    size_t *n_rows)
{
	struct vkey *v = nkt_xcalloc(n ? n : 1, sizeof(*v));
	struct nkt_vantage_row *rows = nkt_xcalloc(n ? n : 1, sizeof(*rows));
	size_t i, nv = 0, j;

	for (i = 0; i < n; i++)
		if (obs[i].tattr.transit >= 0 && im->trans != NULL &&
		    (size_t)obs[i].tattr.transit < im->trans->n)
			v[nv++] = (struct vkey){obs[i].prefix, obs[i].prefix_len,
						obs[i].tattr.transit, vant[i]};
	qsort(v, nv, sizeof(*v), cmp_vkey);
	*n_rows = 0;
	for (i = 0; i < nv; i++) {
		char cc[4], pf[NKT_ADDRSTRLEN + 8], a[NKT_ADDRSTRLEN];
		if (i > 0 && cmp_vkey(&v[i], &v[i - 1]) == 0)
			continue; /* one vantage point, several paths */
		country_of(b, k->agg.vantage[v[i].vantage], cc, sizeof(cc));
		snprintf(pf, sizeof(pf), "%s/%u",
			 nkt_addrtab_fmt(&im->at, v[i].prefix, a),
			 v[i].prefix_len);
		for (j = 0; j < *n_rows; j++)
			if (strcmp(rows[j].prefix, pf) == 0 &&
			    strcmp(rows[j].transit,
				   im->trans->t[v[i].transit].name) == 0 &&
			    strcmp(rows[j].country, cc) == 0)
				break;
		if (j == *n_rows) {
			snprintf(rows[j].prefix, sizeof(rows[j].prefix), "%s",
				 pf);
			snprintf(rows[j].transit, sizeof(rows[j].transit), "%s",
				 im->trans->t[v[i].transit].name);
			snprintf(rows[j].country, sizeof(rows[j].country), "%s",
				 cc);
			(*n_rows)++;
		}
		rows[j].vantage_points++;
	}
	free(v);
	return rows;
}

static void print_bucket(const struct bucket *k, int64_t len, int64_t run,
			 int replaced, const struct nkt_event *ev, size_t n_ev)
{
	char when[32];
	time_t t0 = (time_t)k->start;
	struct tm tm;
	size_t i;

	gmtime_r(&t0, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	printf("%s +%llds run %lld: %zu results from %zu vantage points%s; "
	       "%zu event%s\n",
	       when, (long long)len, (long long)run, k->n_keys,
	       k->agg.n_vantage, replaced ? " (replaces the earlier import)" : "",
	       n_ev, n_ev == 1 ? "" : "s");
	for (i = 0; i < n_ev; i++)
		printf("  event %s: %s\n", ev[i].kind, ev[i].message);
}

/* One bucket as a cycle: summary, events, stored. */
static int store_bucket(struct nkt_backfill *b, struct importer *im,
			struct bucket *k, int64_t replaces, size_t *n_events,
			struct nkt_err *err)
{
	struct nkt_cycle_record rec;
	struct nkt_cmp_cfg cfg;
	struct nkt_cmp_result res;
	struct nkt_hist_cycle cur, *prev = NULL;
	struct nkt_hist_known known;
	struct nkt_event *ev = NULL;
	struct nkt_cmp_obs *obs;
	struct nkt_vantage_row *rows;
	const uint32_t *vant;
	size_t n, n_ev = 0, n_prev = 0, n_new, i;
	int64_t run = 0;
	int rc;

	obs = nkt_impagg_obs(&k->agg, &vant, &n);
	nkt_cmp_unify(obs, n);
	nkt__import_cfg(im, &cfg);
	nkt_cmp_summarize(obs, n, &cfg, &res);
	nkt_hist_from_result(&res, NULL,
			     (const char *const *)k->agg.vantage, 0, k->start,
			     &cur);
	if (nkt_history_recent(b->h, k->start, 6, &prev, &n_prev, err) !=
	    NKT_OK) {
		nkt_hist_cycle_free(&cur);
		nkt_cmp_result_free(&res);
		return NKT_ESYS;
	}
	if (nkt_history_known(b->h, k->start, &known, err) != NKT_OK) {
		nkt_hist_cycle_free(&cur);
		nkt_hist_cycles_free(prev, n_prev);
		nkt_cmp_result_free(&res);
		return NKT_ESYS;
	}
	nkt_detect(&cur, prev, n_prev, &known, &ev, &n_ev);
	nkt_history_known_free(&known);
	memset(&rec, 0, sizeof(rec));
	rec.start = k->start;
	rec.end = k->start + b->len;
	rec.status = "ok";
	rec.res = &res;
	rec.transits = im->trans;
	rec.summary = nkt_cmp_json(&res, obs, n, &cfg, k->t0, k->t1);
	json_object_set_new(rec.summary, "type", json_string("import"));
	rec.traces = k->nd;
	rec.traces_len = k->nd_len;
	rec.n_traces = k->n_keys;
	rec.events = ev;
	rec.n_events = n_ev;
	rec.targets = res.targets;
	rec.observations = n;
	rec.source = "import";
	rec.keys = (const char *const *)k->keys;
	rec.n_keys = k->n_keys;
	rec.replaces = replaces;
	rec.keep_s = im->keep_s;
	rows = vantage_rows(b, im, k, obs, vant, n, &rec.n_vantage);
	rec.vantage = rows;
	rec.vantage_names = (const char *const *)k->agg.vantage;
	rec.event_new = nkt_xcalloc(n_ev + 1, 1);
	rc = nkt_history_store(b->h, &rec, &run, err);
	free(rows);
	if (rc == NKT_OK && !im->o.quiet)
		print_bucket(k, b->len, run, replaces > 0, ev, n_ev);
	/* the events the cycle it replaces had were counted and handed on
	 * then: a hook already run is not run again */
	n_new = 0;
	for (i = 0; rc == NKT_OK && i < n_ev; i++)
		if (rec.event_new[i] && n_new++ != i)
			ev[n_new - 1] = ev[i];
	if (im->on_events != NULL && n_new > 0)
		im->on_events(im->events_ctx, ev, n_new, rec.end, run);
	/* the data plane's carriers beside BGP's (bgp --db) */
	if (rc == NKT_OK)
		*n_events += nkt_planes_after_cycle(b->h, rec.end, "import",
						    !im->o.quiet);
	*n_events += n_new;
	free(rec.event_new);
	json_decref(rec.summary);
	free(ev);
	nkt_hist_cycle_free(&cur);
	nkt_hist_cycles_free(prev, n_prev);
	nkt_cmp_result_free(&res);
	return rc;
}

static int by_start(const void *x, const void *y)
{
	const struct bucket *a = x, *b = y;
	return a->start < b->start ? -1 : a->start > b->start;
}

/* Cycles a late bucket may change: the next NKT_DETECT_WINDOW after it
 * (it joined their recent cycles) and every later one with a new_transit
 * (it may have carried that transit first). */
#define NKT_DETECT_WINDOW 6
#define NKT_REDETECT_MAX 100000

/* One stored cycle's events found again against the history as it is
 * now; *changed when they differ (printed). */
static int redetect_one(struct nkt_backfill *b, struct importer *im,
			const struct nkt_hist_cycle *c, int *changed,
			struct nkt_err *err)
{
	struct nkt_hist_cycle *prev = NULL;
	struct nkt_hist_known known;
	struct nkt_event *ev = NULL;
	size_t n_prev = 0, n_ev = 0, i;
	int rc;

	if (nkt_history_recent(b->h, c->start, NKT_DETECT_WINDOW, &prev,
			       &n_prev, err) != NKT_OK)
		return NKT_ESYS;
	if (nkt_history_known(b->h, c->start, &known, err) != NKT_OK) {
		nkt_hist_cycles_free(prev, n_prev);
		return NKT_ESYS;
	}
	nkt_detect(c, prev, n_prev, &known, &ev, &n_ev);
	rc = nkt_history_set_events(b->h, c->run, ev, n_ev, changed, err);
	if (rc == NKT_OK && *changed && !im->o.quiet) {
		char when[32];
		time_t t0 = (time_t)c->start;
		struct tm tm;
		gmtime_r(&t0, &tm);
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
		printf("%s run %lld: events found again (a bucket before it "
		       "arrived late): %zu event%s\n",
		       when, (long long)c->run, n_ev, n_ev == 1 ? "" : "s");
		for (i = 0; i < n_ev; i++)
			printf("  event %s: %s\n", ev[i].kind, ev[i].message);
	}
	free(ev);
	nkt_history_known_free(&known);
	nkt_hist_cycles_free(prev, n_prev);
	return rc;
}

static int cmp_i64(const void *x, const void *y)
{
	int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
	return a < b ? -1 : a > b;
}

/* Detection again for the cycles after each bucket this import stored
 * that were stored before it (a cycle stored after it was found against
 * it already): the cycles of the history before this import, and this
 * import's own when a bucket came late.  Run ids grow in storing order.
 * Each such cycle once, oldest bucket first. */
static int redetect(struct nkt_backfill *b, struct importer *im,
		    size_t *n_changed, struct nkt_err *err)
{
	int64_t *done = NULL;
	size_t n_done = 0, cap_done = 0, i, j, k;
	int rc = NKT_OK;

	for (i = 0; i < b->n_st && rc == NKT_OK; i++)
		for (k = 0; k < 2 && rc == NKT_OK; k++) {
			struct nkt_hist_cycle *c = NULL;
			size_t n = 0;
			if (nkt_history_after(b->h, b->st[i].start,
					      k ? NKT_REDETECT_MAX
						: NKT_DETECT_WINDOW,
					      (int)k, &c, &n, err) != NKT_OK)
				return NKT_ESYS;
			for (j = 0; j < n && rc == NKT_OK; j++) {
				int changed = 0;
				if (c[j].run > b->st[i].run ||
				    (n_done > 0 &&
				     bsearch(&c[j].run, done, n_done,
					     sizeof(*done), cmp_i64) != NULL))
					continue;
				if (n_done == cap_done) {
					cap_done = cap_done ? cap_done * 2 : 16;
					done = nkt_xreallocarray(
						done, cap_done, sizeof(*done));
				}
				done[n_done++] = c[j].run;
				qsort(done, n_done, sizeof(*done), cmp_i64);
				rc = redetect_one(b, im, &c[j], &changed, err);
				*n_changed += changed != 0;
			}
			nkt_hist_cycles_free(c, n);
		}
	free(done);
	return rc;
}

/* The open buckets that start before `before`, but the `keep` that
 * results joined last (an input's order may interleave two), stored in
 * time order and freed.  Returns 0 or NKT_ESYS (b->err set; the cycles
 * stored so far stay). */
static int store_open(struct nkt_backfill *b, struct importer *im,
		      int64_t before, size_t keep)
{
	size_t i, j, kept = 0;
	uint64_t recent = UINT64_MAX; /* kept: touched at or after it */
	int rc = NKT_OK;

	for (j = 0; j < keep && j < b->n; j++) {
		uint64_t next = 0;
		for (i = 0; i < b->n; i++)
			if (b->b[i].touched < recent && b->b[i].touched > next)
				next = b->b[i].touched;
		recent = next;
	}
	if (b->n > 1)
		qsort(b->b, b->n, sizeof(*b->b), by_start);
	for (i = 0; i < b->n; i++) {
		struct bucket *k = &b->b[i];
		int64_t prev_run = 0, run = 0;
		int fresh = 0;
		if (k->start >= before || k->touched >= recent ||
		    rc != NKT_OK) {
			b->b[kept++] = *k;
			continue;
		}
		if (has_new(b, k, &b->err, &fresh) != NKT_OK ||
		    (fresh &&
		     (nkt_history_import_run(b->h, k->start, &prev_run,
					     &b->err) != NKT_OK ||
		      (prev_run > 0 &&
		       merge_stored(b, im, k, prev_run, &b->err) != NKT_OK) ||
		      store_bucket(b, im, k, prev_run, &b->n_events,
				   &b->err) != NKT_OK ||
		      nkt_history_import_run(b->h, k->start, &run, &b->err) !=
			      NKT_OK))) {
			rc = NKT_ESYS;
		} else if (!fresh) {
			b->known++;
		} else {
			if (b->n_st == b->cap_st) {
				b->cap_st = b->cap_st ? b->cap_st * 2 : 64;
				b->st = nkt_xreallocarray(b->st, b->cap_st,
							  sizeof(*b->st));
			}
			b->st[b->n_st++] = (struct stored){k->start, run};
			b->replaced += prev_run > 0;
		}
		b->held -= k->held;
		bucket_free(k);
	}
	b->n = kept;
	return rc;
}

int nkt_backfill_store(struct nkt_backfill *b, struct importer *im,
		       struct nkt_err *err)
{
	size_t redone = 0;

	if (b->rc == NKT_OK)
		b->rc = store_open(b, im, INT64_MAX, 0);
	if (b->rc == NKT_OK && b->n_st > 0)
		b->rc = redetect(b, im, &redone, &b->err);
	if (b->rc != NKT_OK) {
		*err = b->err;
		return b->rc;
	}
	if (!im->o.quiet)
		printf("nktrace %s: history %s: %zu cycles of %llds stored "
		       "(%zu replacing an earlier import's), %zu buckets "
		       "already in it, %zu events; %zu later cycles' events "
		       "found again; %llu results (%llu repeated in the "
		       "input%s)\n",
		       im->who ? im->who : "import", im->o.history,
		       b->n_st, (long long)b->len, b->replaced, b->known,
		       b->n_events, redone,
		       (unsigned long long)b->results,
		       (unsigned long long)b->repeated,
		       b->ipv6 ? ", IPv6 results left out" : "");
	return NKT_OK;
}

void nkt_backfill_free(struct nkt_backfill *b)
{
	size_t i;
	if (b == NULL)
		return;
	for (i = 0; i < b->n; i++)
		bucket_free(&b->b[i]);
	free(b->b);
	free(b->st);
	nkt_history_close(b->h);
	free(b);
}
