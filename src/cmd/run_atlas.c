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
 * up where this one could not.  Probes nothing: needs no privilege, and
 * drops root before it opens the history or talks to a server.
 */
#include "cmd.h"
#include "cmd_common.h"
#include "cmd_import.h"
#include "nktrace/atlas_http.h"
#include "nktrace/clock.h"
#include "nktrace/history.h"
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
	int64_t stop;
};

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

/* Fetch every measurement; 0, or the first failure (nothing kept). */
static int fetch_all(const struct nkt_run_opts *o,
		     const struct nkt_atlas_client *c, struct nkt_history *h,
		     int64_t first, int64_t now, struct fetched *out, int *sig,
		     struct nkt_err *err)
{
	size_t i;
	for (i = 0; i < o->n_atlas; i++) {
		int64_t last = 0, start;
		if (nkt_history_atlas_last(h, o->atlas_msm[i], &last, err) !=
		    NKT_OK)
			return NKT_ESYS;
		start = last > 0 ? last - (int64_t)(o->atlas_lookback_ns /
						    NKT_NS_PER_S)
				 : first;
		out[i].stop = now;
		if (nkt_atlas_results(c, o->atlas_msm[i], start, now,
				      &out[i].body, &out[i].len, sig,
				      err) != NKT_OK)
			return NKT_ESYS;
	}
	return NKT_OK;
}

/* The probes of the fetched results that the history does not know. */
static size_t unknown_probes(struct nkt_history *h, const struct fetched *in,
			     size_t n_in, int64_t *ids, size_t max)
{
	size_t i, k, n = 0;
	for (i = 0; i < n_in; i++) {
		json_t *arr = json_loadb(in[i].body, in[i].len, 0, NULL), *r;
		json_array_foreach(arr, k, r)
		{
			struct nkt_probe_info p;
			struct nkt_err e = {0, ""};
			json_int_t id = json_integer_value(
				json_object_get(r, "prb_id"));
			size_t j;
			int found = 0;
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
		json_decref(arr);
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
		if (nkt_atlas_empty_array(in[i].body, in[i].len))
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
		rc = nkt_history_atlas_set(h, o->atlas_msm[i], in[i].stop, now,
					   err);
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

/* One cycle.  Returns the signal that stopped it (0: none). */
static int atlas_cycle(const struct nkt_run_opts *o,
		       const struct nkt_atlas_client *c, struct nkt_history *h,
		       int64_t first, int *failed)
{
	struct fetched in[NKT_ATLAS_MSM_MAX];
	struct nkt_err err = {0, ""};
	int64_t now = (int64_t)(nkt_clock_wall_ns() / NKT_NS_PER_S);
	int sig = 0;
	size_t i;

	memset(in, 0, sizeof(in));
	if (fetch_all(o, c, h, first, now, in, &sig, &err) == NKT_OK)
		probe_metadata(c, h, in, o->n_atlas, now);
	if (err.code != NKT_OK || store_all(o, h, in, now, &err) != NKT_OK) {
		*failed = 1;
		record_failure(h, now, err.msg);
	}
	for (i = 0; o->c.out.verbose && i < o->n_atlas; i++)
		if (in[i].body != NULL)
			fprintf(stderr,
				"nktrace run: measurement %lld: %zu bytes of "
				"results up to %lld\n",
				(long long)o->atlas_msm[i], in[i].len,
				(long long)in[i].stop);
	for (i = 0; i < o->n_atlas; i++)
		free(in[i].body);
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
