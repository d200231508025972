// SPDX-License-Identifier: ISC
/*
 * run_atlas.c: `nktrace run --atlas MSM,...`: follow RIPE Atlas
 * measurements.  Each cycle fetches, for every measurement, the results
 * since the last fetch (--atlas-lookback before it, an hour by default,
 * for results the probes upload late; what was stored already is
 * recognised by its key and left out),
 * and stores them as `import --db` does: cycles of --bucket result time,
 * with their events.  A cycle whose fetch fails stores no result and is
 * recorded as a failed run (why, in one line), so the metrics say so; the
 * fetched time is kept only for what was stored, so the next cycle picks
 * up where this one could not.  The results a cycle holds at once are
 * bounded (64 MB of bodies): a window longer than a day or that holds
 * more (a first fetch of a year, a follow that was stopped for weeks) is
 * split in time and stored a part at a time, each part's end kept as it
 * is stored.  Probes nothing: needs no privilege, and drops root before
 * it opens the history or talks to a server.
 */
#include "cmd.h"
#include "cmd_common.h"
#include "cmd_import.h"
#include "nktrace/atlas_http.h"
#include "nktrace/clock.h"
#include "nktrace/history.h"
#include "nktrace/jsonstream.h"
#include "nktrace/priv.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct fetched {
	char *body;
	size_t len;
	int64_t stop; /* fetched up to here; 0: not fetched (nothing new) */
};

/* The bytes of results bodies a cycle holds at once (all its
 * measurements' together); NKTRACE_TEST_ATLAS_BUDGET in tests. */
static size_t fetch_budget(void)
{
	const char *e = getenv("NKTRACE_TEST_ATLAS_BUDGET");
	return e != NULL ? (size_t)strtoull(e, NULL, 10) : (size_t)64 << 20;
}

/* Import's options for storing what was fetched. */
static void import_opts(const struct nkt_run_opts *o,
			struct nkt_import_opts *io)
{
	memset(io, 0, sizeof(*io));
	io->db = o->c.db;
	io->a = o->c.a;
	io->history = o->db;
	io->bucket_ns = o->bucket_ns;
	io->max_errors = 20;
	io->quiet = o->c.quiet; /* --quiet: no line per bucket */
}

/* Where each measurement's fetch starts this cycle: --atlas-lookback
 * before its last fetch ended, or --atlas-since's time. */
static int fetch_starts(const struct nkt_run_opts *o, struct nkt_history *h,
			int64_t first, int64_t *start, struct nkt_err *err)
{
	size_t i;
	for (i = 0; i < o->n_atlas; i++) {
		int64_t last = 0;
		if (nkt_history_atlas_last(h, o->atlas_msm[i], &last, err) !=
		    NKT_OK)
			return NKT_ESYS;
		start[i] = last > 0 ? last - (int64_t)(o->atlas_lookback_ns /
						       NKT_NS_PER_S)
				    : first;
	}
	return NKT_OK;
}

/* Fetch every measurement from start[i] to stop, all the bodies together
 * within `budget` bytes (*used: how many they took); 0, NKT_EFULL when
 * they hold more (ask for a shorter window), or the first failure.  The
 * caller frees out's bodies whatever the result. */
static int fetch_all(const struct nkt_run_opts *o,
		     const struct nkt_atlas_client *c, const int64_t *start,
		     int64_t stop, size_t budget, struct fetched *out,
		     size_t *used, int *sig, struct nkt_err *err)
{
	size_t i;
	*used = 0;
	for (i = 0; i < o->n_atlas; i++) {
		struct nkt_atlas_client part = *c;
		int rc;
		if (start[i] > stop)
			continue; /* fetched past this window already */
		part.body_max = budget - *used;
		rc = nkt_atlas_results(&part, o->atlas_msm[i], start[i], stop,
				       &out[i].body, &out[i].len, sig, err);
		if (rc != NKT_OK)
			return rc == NKT_EFULL && *sig == 0 ? NKT_EFULL
							    : NKT_ESYS;
		out[i].stop = stop;
		*used += out[i].len;
	}
	return NKT_OK;
}

/* The probes of the fetched results that the history does not know. */
static size_t unknown_probes(struct nkt_history *h, const struct fetched *in,
			     size_t n_in, int64_t *ids, size_t max)
{
	size_t i, n = 0;
	for (i = 0; i < n_in; i++) {
		/* a result at a time: a body may be hundreds of MB */
		struct nkt_jstream js;
		struct nkt_jpos pos;
		struct nkt_err e = {0, ""};
		json_t *r;
		FILE *f;
		int rc;
		if (in[i].body == NULL || in[i].len == 0 ||
		    (f = fmemopen(in[i].body, in[i].len, "r")) == NULL)
			continue;
		nkt_jstream_init(&js, f);
		while ((rc = nkt_jstream_next(&js, &r, &pos, &e)) != 0) {
			struct nkt_probe_info p;
			json_int_t id;
			size_t j;
			int found = 0;
			if (rc < 0) {
				if (rc == NKT_EMALFORMED)
					continue; /* said when it is stored */
				break;
			}
			id = json_integer_value(json_object_get(r, "prb_id"));
			json_decref(r);
			if (id <= 0 || n == max)
				continue;
			for (j = 0; j < n && ids[j] != id; j++)
				;
			if (j < n || nkt_history_probe(h, id, &p, &found, &e) !=
					     NKT_OK ||
			    found)
				continue;
			ids[n++] = id;
		}
		nkt_jstream_free(&js);
		fclose(f);
	}
	return n;
}

/* One page of the probes endpoint into *out (nkt_atlas_probe_page's, as
 * the history keeps them); its "next" URL, or "". */
static void probe_page(const char *body, size_t len,
		       struct nkt_probe_info *out, size_t *n, size_t max,
		       char *next, size_t next_len)
{
	struct nkt_atlas_probe *p = nkt_xcalloc(max - *n + 1, sizeof(*p));
	size_t got = 0, i;

	nkt_atlas_probe_page(body, len, p, &got, max - *n, next, next_len);
	for (i = 0; i < got; i++) {
		out[*n].id = p[i].id;
		memcpy(out[*n].country, p[i].country, sizeof(p[i].country));
		out[*n].asn = p[i].asn;
		(*n)++;
	}
	free(p);
}

/* The country and AS of the results' probes, from the probes endpoint
 * (paged, "next"), kept in the history: once per probe.  Metadata only:
 * a failure is said and the results are stored without it. */
static void probe_metadata(const struct nkt_atlas_client *c,
			   struct nkt_history *h, const struct fetched *in,
			   size_t n_in, int64_t now)
{
	enum { MAX = 4096, CHUNK = 200, PAGES_MAX = 50 };
	int64_t *ids = nkt_xcalloc(MAX, sizeof(*ids));
	struct nkt_probe_info *got = nkt_xcalloc(MAX, sizeof(*got));
	size_t n = unknown_probes(h, in, n_in, ids, MAX), i, n_got = 0;
	struct nkt_err err = {0, ""};

	for (i = 0; i < n; i += CHUNK) {
		char url[4096], next[2048];
		size_t off, j;
		off = (size_t)snprintf(url, sizeof(url),
				       "%s/api/v2/probes/?fields=id,country_code,"
				       "asn_v4&page_size=100&id__in=",
				       c->base);
		for (j = i; j < n && j < i + CHUNK && off < sizeof(url) - 24;
		     j++)
			off += (size_t)snprintf(url + off, sizeof(url) - off,
						"%s%lld", j > i ? "," : "",
						(long long)ids[j]);
		unsigned pages = 0;
		while (url[0]) {
			char *body = NULL;
			size_t len = 0;
			int sig = 0;
			/* a server's "next" is bounded: so many pages, never
			 * the page it came from */
			if (++pages > PAGES_MAX) {
				fprintf(stderr,
					"nktrace run: probe metadata: more "
					"than %d pages: not followed further "
					"(results stored without the rest)\n",
					PAGES_MAX);
				goto out;
			}
			if (nkt_atlas_get_object(c, url, &body, &len, &sig,
						 &err) != NKT_OK) {
				fprintf(stderr,
					"nktrace run: probe metadata: %s "
					"(results stored without it)\n",
					err.msg);
				goto out;
			}
			probe_page(body, len, got, &n_got, MAX, next,
				   sizeof(next));
			free(body);
			if (strcmp(next, url) == 0) {
				fprintf(stderr,
					"nktrace run: probe metadata: a page's "
					"\"next\" is the page itself: not "
					"followed\n");
				goto out;
			}
			snprintf(url, sizeof(url), "%s", next);
		}
	}
out:
	if (n_got > 0 && nkt_history_probes_put(h, got, n_got, now, &err) !=
			      NKT_OK)
		fprintf(stderr, "nktrace run: %s\n", err.msg);
	free(ids);
	free(got);
}

/* What was fetched, into the history as cycles. */
static int store_all(const struct nkt_run_opts *o, struct nkt_history *h,
		     const struct fetched *in, int64_t now, struct nkt_err *err)
{
	struct importer *im = nkt_xcalloc(1, sizeof(*im));
	int jopen = 0, rc = NKT_OK;
	size_t i;

	import_opts(o, &im->o);
	im->who = "run";
	/* the cycles' events and retention as run's own (--events,
	 * --on-event, --keep) */
	im->on_events = nkt__run_deliver;
	im->events_ctx = (void *)(uintptr_t)o;
	im->keep_s = (int64_t)(o->keep_ns / NKT_NS_PER_S);
	if (nkt__importer_open(im, NULL, &jopen) != NKT_EXIT_OK) {
		nkt__importer_close(im);
		return nkt_err_set(err, NKT_ESYS, "cannot store the results");
	}
	for (i = 0; i < o->n_atlas && rc == NKT_OK; i++) {
		struct nkt_infile f = {NULL, NULL};
		char name[48];
		snprintf(name, sizeof(name), "atlas measurement %lld",
			 (long long)o->atlas_msm[i]);
		if (in[i].body == NULL ||
		    nkt_atlas_empty_array(in[i].body, in[i].len))
			continue; /* no new result: nothing to read */
		f.f = fmemopen(in[i].body, in[i].len, "r");
		if (f.f == NULL)
			rc = nkt_err_set(err, NKT_ESYS, "%s", strerror(errno));
		else {
			nkt__import_input(im, name, &f);
			fclose(f.f);
		}
	}
	if (rc == NKT_OK)
		rc = nkt_backfill_store(im->bf, im, err);
	for (i = 0; i < o->n_atlas && rc == NKT_OK; i++)
		if (in[i].stop > 0)
			rc = nkt_history_atlas_set(h, o->atlas_msm[i],
						   in[i].stop, now, err);
	nkt__importer_close(im);
	return rc;
}

/* A cycle that stored nothing: a failed run, said in one line. */
static void record_failure(struct nkt_history *h, int64_t start,
			   const char *why)
{
	struct nkt_cycle_record rec;
	struct nkt_err err = {0, ""};
	int64_t run = 0;

	fprintf(stderr, "nktrace run: cycle failed: %s\n", why);
	memset(&rec, 0, sizeof(rec));
	rec.start = start;
	rec.end = (int64_t)(nkt_clock_wall_ns() / NKT_NS_PER_S);
	rec.status = "failed";
	rec.error = why;
	rec.source = "atlas";
	if (nkt_history_store(h, &rec, &run, &err) != NKT_OK)
		fprintf(stderr, "nktrace run: %s\n", err.msg);
}

/* A part of a window that starts at lo ends at t, or earlier at the end
 * of the --bucket before t's when that is still after lo (a bucket is
 * stored whole, not in two parts). */
static int64_t part_end(int64_t lo, int64_t t, int64_t bucket_s)
{
	int64_t b = bucket_s > 0 ? t - t % bucket_s - 1 : t;
	return b > lo ? b : t;
}

/* Where a window [lo, stop] too large to hold is cut: half way (see
 * part_end); 0 when it cannot be cut. */
static int64_t window_cut(int64_t lo, int64_t stop, int64_t bucket_s)
{
	if (stop - lo < 1)
		return 0;
	return part_end(lo, lo + (stop - lo) / 2, bucket_s);
}

static void free_bodies(struct fetched *in, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++) {
		free(in[i].body);
		in[i].body = NULL;
	}
}

/* One cycle: the measurements fetched from their starts to now and
 * stored, in parts of time that fit fetch_budget().  Returns the signal
 * that stopped it (0: none). */
static int atlas_cycle(const struct nkt_run_opts *o,
		       const struct nkt_atlas_client *c, struct nkt_history *h,
		       int64_t first, int *failed)
{
	struct fetched in[NKT_ATLAS_MSM_MAX];
	int64_t start[NKT_ATLAS_MSM_MAX], lo, stop, span;
	int64_t bucket_s = (int64_t)(o->bucket_ns / NKT_NS_PER_S);
	struct nkt_err err = {0, ""};
	int64_t now = (int64_t)(nkt_clock_wall_ns() / NKT_NS_PER_S);
	size_t budget = fetch_budget(), used = 0, i;
	int sig = 0, rc = NKT_OK, parts = 0;

	memset(in, 0, sizeof(in));
	if (fetch_starts(o, h, first, start, &err) != NKT_OK)
		rc = NKT_ESYS;
	for (lo = now, i = 0; i < o->n_atlas; i++)
		lo = start[i] < lo ? start[i] : lo;
	/* a day first: the API answers long windows slowly, and a window
	 * that holds too much is downloaded up to the budget for nothing */
	stop = now - lo > 86400 ? lo + 86399 : now;
	while (rc == NKT_OK) {
		memset(in, 0, sizeof(in));
		rc = fetch_all(o, c, start, stop, budget, in, &used, &sig,
			       &err);
		if (rc == NKT_EFULL) {
			/* too much at once: a shorter window first */
			int64_t cut = window_cut(lo, stop, bucket_s);
			free_bodies(in, o->n_atlas);
			if (cut == 0) {
				nkt_err_set(&err, NKT_EFULL,
					    "%s, in one second of results "
					    "(%lld): it cannot be split",
					    err.msg, (long long)lo);
				break;
			}
			stop = cut;
			rc = NKT_OK;
			continue;
		}
		if (rc != NKT_OK)
			break;
		probe_metadata(c, h, in, o->n_atlas, now);
		rc = store_all(o, h, in, now, &err);
		for (i = 0; o->c.out.verbose && i < o->n_atlas; i++)
			if (in[i].body != NULL)
				fprintf(stderr,
					"nktrace run: measurement %lld: %zu "
					"bytes of results up to %lld\n",
					(long long)o->atlas_msm[i], in[i].len,
					(long long)in[i].stop);
		free_bodies(in, o->n_atlas);
		parts++;
		if (rc != NKT_OK || stop >= now)
			break;
		/* the next part: from here, as long as this one's rate of
		 * results says would fill half the budget (twice as long
		 * when this one was empty) */
		span = stop - lo + 1;
		if (used == 0)
			span *= 2;
		else if ((double)span * (double)budget / 2 / (double)used <
			 (double)(now - stop))
			span = (int64_t)((double)span * (double)budget / 2 /
					 (double)used);
		else
			span = now - stop;
		for (i = 0; i < o->n_atlas; i++)
			start[i] = start[i] > stop ? start[i] : stop + 1;
		lo = stop + 1;
		stop = span < 1 ? lo : lo + span - 1;
		stop = stop >= now ? now : part_end(lo, stop, bucket_s);
	}
	free_bodies(in, o->n_atlas);
	if (rc != NKT_OK) {
		*failed = 1;
		record_failure(h, now, err.msg);
	} else if (parts > 1 && !o->c.quiet)
		fprintf(stderr,
			"nktrace run: the window was fetched and stored in %d "
			"parts of time (a day at first, at most %.1f MB of "
			"results at once)\n",
			parts, (double)budget / (1 << 20));
	err.code = NKT_OK;
	if (nkt__report_outputs(h, o, &err) != NKT_OK) {
		fprintf(stderr, "nktrace run: %s\n", err.msg);
		*failed = 1;
	}
	fflush(stdout);
	return sig;
}

int nkt_run_atlas(const struct nkt_run_opts *o, const sigset_t *halt)
{
	struct nkt_atlas_client c;
	struct nkt_err err = {0, ""};
	struct nkt_history *h;
	char key[256];
	int64_t now = (int64_t)(nkt_clock_wall_ns() / NKT_NS_PER_S), first;
	uint64_t cycle, prev = 0;
	int failed = 0, sig = 0;

	if (nkt_cli_when(o->atlas_since, now, &first, "--atlas-since",
			 &err) != NKT_OK ||
	    nkt_atlas_key(o->atlas_key_file, key, sizeof(key), &err) !=
		    NKT_OK)
		return nkt_fail("run", &err);
	if (o->atlas_key_file != NULL && key[0] == '\0') {
		nkt_err_set(&err, NKT_EINVAL, "%s: no key in it",
			    o->atlas_key_file);
		return nkt_fail("run", &err);
	}
	/* Nothing here needs privilege: libcurl and the parsers read what
	 * a server sent as the unprivileged user (--user, $SUDO_USER or
	 * nobody), who also owns the history it creates. */
	if (nkt_priv_drop(o->c.p.user ? o->c.p.user : nkt_priv_default_user(),
			  &err) != NKT_OK ||
	    (h = nkt_run_history_open(o->db, &err)) == NULL)
		return nkt_fail("run", &err);
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		nkt_history_close(h);
		nkt_err_set(&err, NKT_ESYS, "cannot start libcurl");
		return nkt_fail("run", &err);
	}
	nkt_atlas_client_init(&c, o->atlas_url);
	c.timeout_s = (long)(o->atlas_timeout_ns / NKT_NS_PER_S);
	c.key = key[0] ? key : NULL;
	c.halt = halt;
	for (cycle = 0; o->count == 0 || cycle < o->count; cycle++) {
		if ((sig = nkt_run_wait(o, cycle, prev, halt)) != 0)
			break;
		prev = nkt_clock_wall_ns();
		if ((sig = atlas_cycle(o, &c, h, first, &failed)) != 0)
			break;
	}
	curl_global_cleanup();
	nkt_history_close(h);
	if (sig != 0)
		return 128 + sig;
	return failed ? NKT_EXIT_FAIL : NKT_EXIT_OK;
}
