// SPDX-License-Identifier: ISC
/*
 * cmd_import.c: `nktrace import`: RIPE Atlas and scamper traceroutes (and
 * nktrace's own) analysed as `compare` analyses its own: annotation, transit
 * attribution, per-transit and per-/24 statistics, overall and per vantage
 * point.  Streams its input; reads files only, needs no privilege.
 */
#include "nktrace/datafile.h"
#include "nktrace/annot_out.h"
#include "cmd.h"
#include "cmd_common.h"
#include "cmd_import.h"
#include "nktrace/clock.h"
#include "nktrace/impagg.h"
#include "nktrace/infile.h"
#include "nktrace/out_compare.h"
#include "nktrace/import.h"
#include "nktrace/import_tracelb.h"
#include "nktrace/out_mda.h"
#include "nktrace/jsonstream.h"
#include "nktrace/outfile.h"
#include "nktrace/out_atlas.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>



static uint8_t via_index(struct importer *im, const char *name)
{
	size_t i;
	if (name == NULL || *name == '\0')
		return 0;
	for (i = 0; i < im->n_via; i++)
		if (strcmp(im->via_store[i], name) == 0)
			return (uint8_t)(i + 1);
	if (im->n_via == 255)
		return 255;
	snprintf(im->via_store[im->n_via], sizeof(im->via_store[0]), "%s",
		 name);
	im->via_name[im->n_via + 1] = im->via_store[im->n_via];
	im->oo.via_name[im->n_via + 1] = im->via_store[im->n_via];
	return (uint8_t)(++im->n_via);
}

static void input_error(struct importer *im, const char *file,
			const struct nkt_jpos *pos, const char *msg)
{
	if (im->errors_printed++ < im->o.max_errors)
		fprintf(stderr, "nktrace %s: %s:%llu: %s\n",
			im->who ? im->who : "import", file,
			(unsigned long long)pos->line, msg);
	else if (im->errors_printed == im->o.max_errors + 1)
		fprintf(stderr, "nktrace %s: more errors are counted, not "
				"printed (--max-errors)\n",
			im->who ? im->who : "import");
}

/* Destination-hop probes stand in for end-to-end ones when a trace has
 * none (Atlas, scamper): sent and answered by the destination there. */
static void dest_hop_loss(const struct nkt_trace *t, struct nkt_cmp_obs *o)
{
	size_t i;
	if (o->e2e_sent > 0 || o->dest_hop == 0)
		return;
	for (i = 0; i < t->n; i++) {
		const struct nkt_hop_reply *r = &t->r[i];
		if (r->ttl != o->dest_hop ||
		    (r->flags & (NKT_PF_DUP | NKT_PF_EDST | NKT_PF_E2E)))
			continue;
		o->e2e_sent++;
		if ((r->flags & NKT_PF_REPLY) && r->from == t->flow.dst &&
		    r->kind != NKT_REPLY_TTL_EXCEEDED)
			o->e2e_recv++;
	}
}

void nkt__import_observe(struct importer *im, struct nkt_trace *t,
			 const struct nkt_import_meta *m,
			 struct nkt_cmp_obs *o)
{
	struct nkt_aspath p;
	struct nkt_attribution a;

	t->via = via_index(im, m->via);
	nkt_annot_aspath(&im->actx, t, &p);
	nkt_annot_attribute(&im->actx, &p, &a);
	nkt_cmp_observe(t, &p, &a, im->tdb, o);
	if (nkt_addrtab_is_handle(&im->at, t->flow.dst))
		o->prefix = nkt_addrtab_prefix(&im->at, t->flow.dst,
					       &o->prefix_len);
	dest_hop_loss(t, o);
}

static void one_trace(struct importer *im, struct nkt_trace *t,
		      const struct nkt_import_meta *m)
{
	struct nkt_cmp_obs o;

	nkt__import_observe(im, t, m, &o);
	nkt_impagg_add(&im->agg, nkt_impagg_vantage(&im->agg, m->vantage),
		       &o);
	if (im->bf != NULL)
		nkt_backfill_add(im->bf, im, t, m, &o);
	nkt_cmp_obs_free(&o);
	if (t->start_ns && (im->t0 == 0 || t->start_ns < im->t0))
		im->t0 = t->start_ns;
	if (t->end_ns > im->t1)
		im->t1 = t->end_ns;
	if (im->tout_open && !im->tout_failed &&
	    nkt_atlas_write(im->tout.f, t, &im->oo) != 0)
		im->tout_failed = 1;
}

/* A record that is not a traceroute, counted by why. */
static void count_ignored(struct counts *c, const char *why)
{
	c->ignored++;
	if (strncmp(why, "measurement failed", 18) == 0 ||
	    strncmp(why, "no destination", 14) == 0)
		c->failed++;
	else if (strstr(why, "cycle") != NULL ||
		 strstr(why, "list record") != NULL)
		c->meta++;
	else
		c->not_traceroute++;
}

/* One input's counts: into its "files" entry and the totals. */
static void add_counts(struct importer *im, const char *name,
		       const struct counts *c)
{
	struct counts *t = &im->total;

	json_array_append_new(
		im->inputs,
		json_pack("{s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "file",
			  name, "records", (json_int_t)c->records,
			  "traceroutes", (json_int_t)c->traces, "atlas",
			  (json_int_t)c->atlas, "scamper",
			  (json_int_t)c->scamper, "nktrace",
			  (json_int_t)c->nktrace, "not_traceroute",
			  (json_int_t)c->not_traceroute, "failed",
			  (json_int_t)c->failed, "malformed",
			  (json_int_t)c->malformed));
	t->records += c->records;
	t->traces += c->traces;
	t->atlas += c->atlas;
	t->scamper += c->scamper;
	t->nktrace += c->nktrace;
	t->ignored += c->ignored;
	t->malformed += c->malformed;
	t->not_traceroute += c->not_traceroute;
	t->failed += c->failed;
	t->meta += c->meta;
	t->mda += c->mda;
}

/* --mda: a scamper tracelb record as an MDA graph line (data/mda.schema.md),
 * with where it came from and scamper's flow ids.  Returns NKT_OK, or the
 * reader's NKT_EIGNORE / NKT_EMALFORMED (err set). */
static int write_tracelb(struct importer *im, const json_t *rec,
			 struct nkt_err *err)
{
	struct nkt_tracelb_meta *lm = nkt_xcalloc(1, sizeof(*lm));
	struct nkt_mda *m = nkt_import_tracelb(rec, lm, err);
	struct nkt_mda_meta mt;
	json_t *j, *ids;
	unsigned i;
	int rc = NKT_OK;

	if (m == NULL) {
		rc = err->code;
		free(lm);
		return rc;
	}
	mt = (struct nkt_mda_meta){lm->src, lm->dst, lm->method, lm->dport,
				   lm->confidence, lm->start_ns, lm->end_ns};
	j = nkt_mda_json(m, &mt, &im->oo);
	ids = json_array();
	for (i = 0; i < lm->n_flows; i++)
		json_array_append_new(ids, json_integer(lm->flow_id[i]));
	json_object_set_new(j, "source", json_string("scamper tracelb"));
	if (lm->sport)
		json_object_set_new(j, "sport", json_integer(lm->sport));
	json_object_set_new(j, "flow_ids", ids);
	if (lm->left_out)
		json_object_set_new(j, "probes_left_out",
				    json_integer((json_int_t)lm->left_out));
	if (!im->mout_failed &&
	    (json_dumpf(j, im->mout.f, NKT_JSON_FLAGS) != 0 ||
	     fputc('\n', im->mout.f) == EOF))
		im->mout_failed = 1;
	json_decref(j);
	nkt_mda_free(m);
	free(lm);
	return rc;
}

/* One record read: a trace folded, or counted as ignored or not valid. */
static void one_record(struct importer *im, const char *name, json_t *rec,
		       const struct nkt_jpos *pos, struct nkt_import_state *st,
		       struct counts *c)
{
	struct nkt_err err = {0, ""};
	struct nkt_import_meta m;
	struct nkt_trace *t;
	const char *type = json_string_value(json_object_get(rec, "type"));
	int r;

	if (im->mout_open && type != NULL && strcmp(type, "tracelb") == 0 &&
	    im->o.format != NKT_IMPORT_ATLAS) {
		r = write_tracelb(im, rec, &err);
		if (r == NKT_OK) {
			c->mda++;
			return;
		}
	} else
		r = nkt_import_record(rec, (enum nkt_import_fmt)im->o.format,
				      &im->at, st, &t, &m, &err);
	if (r == NKT_EIGNORE) {
		count_ignored(c, err.msg);
		return;
	}
	if (r != NKT_OK) {
		char msg[sizeof(err.msg) + 32];
		c->malformed++;
		snprintf(msg, sizeof(msg), "record %llu: %s",
			 (unsigned long long)pos->index + 1, err.msg);
		input_error(im, name, pos, msg);
		return;
	}
	c->traces++;
	if (strcmp(m.source, "scamper") == 0)
		c->scamper++;
	else if (strcmp(m.source, "nktrace") == 0)
		c->nktrace++;
	else
		c->atlas++;
	one_trace(im, t, &m);
	nkt_trace_free(t);
}

int nkt__import_input(struct importer *im, const char *name,
		      const struct nkt_infile *in)
{
	FILE *f = in->f;
	struct nkt_jstream js;
	struct nkt_import_state st;
	struct counts c;
	struct nkt_jpos pos;
	int rc = NKT_OK, r;

	memset(&st, 0, sizeof(st));
	memset(&c, 0, sizeof(c));
	nkt_jstream_init(&js, f);
	for (;;) {
		struct nkt_err err = {0, ""};
		json_t *rec;
		r = nkt_jstream_next(&js, &rec, &pos, &err);
		if (r == 0)
			break;
		if (r == NKT_ESYS) {
			const char *why = nkt_infile_error(in);
			fprintf(stderr, "nktrace %s: %s: %s\n",
				im->who ? im->who : "import", name,
				why ? why : err.msg);
			rc = NKT_ESYS;
			break;
		}
		c.records++;
		if (r != 1) {
			c.malformed++;
			input_error(im, name, &pos, err.msg);
			continue;
		}
		one_record(im, name, rec, &pos, &st, &c);
		json_decref(rec);
	}
	nkt_jstream_free(&js);
	if (c.records == 0 && rc == NKT_OK) {
		pos.line = 1;
		c.malformed++;
		input_error(im, name, &pos, "empty: no records");
	}
	add_counts(im, name, &c);
	return rc;
}

static int cmp_by_vantage(const void *x, const void *y, void *ctx)
{
	const uint32_t *v = ctx;
	size_t i = *(const size_t *)x, j = *(const size_t *)y;
	if (v[i] != v[j])
		return v[i] < v[j] ? -1 : 1;
	return i < j ? -1 : i > j;
}

/* Each vantage point's own summary: its transits and which transit
 * carries each prefix from it. */
/* A number rounded to `scale` (1000: to the 0.001), or null. */
static json_t *rounded(double v, double scale)
{
	return isnan(v) ? json_null() : json_real(round(v * scale) / scale);
}

/* One vantage point's transit row, in JSON and (print) as text. */
static json_t *vantage_transit(const struct importer *im,
			       const struct nkt_cmp_stats *s, int print)
{
	char b[NKT_ADDRSTRLEN];

	if (print) {
		fprintf(im->text, "  %s %zu/%zu", s->name, s->reached, s->targets);
		if (!isnan(s->rtt_median))
			fprintf(im->text, " %.1f", s->rtt_median);
		if (!isnan(s->loss))
			fprintf(im->text, " %.1f%%", s->loss * 100);
	}
	return json_pack(
		"{s:s,s:I,s:I,s:o,s:o,s:o}", "name", s->name, "targets",
		(json_int_t)s->targets, "reached", (json_int_t)s->reached,
		"rtt_median_ms", rounded(s->rtt_median, 1000), "loss",
		rounded(s->loss, 1e5), "border_addr",
		s->border_addr
			? json_string(nkt_addrtab_fmt(&im->at, s->border_addr,
						      b))
			: json_null());
}

/* One vantage point's summary: its transits and which carries what. */
static json_t *vantage_json(const struct importer *im, uint32_t v,
			    uint64_t traces, const struct nkt_cmp_result *r,
			    int print)
{
	json_t *o = json_object(), *ts = json_array(), *ps = json_array();
	size_t k;

	json_object_set_new(o, "vantage", json_string(im->agg.vantage[v]));
	json_object_set_new(o, "traceroutes", json_integer((json_int_t)traces));
	json_object_set_new(o, "targets", json_integer((json_int_t)r->targets));
	if (print)
		fprintf(im->text, "  %-40s", im->agg.vantage[v]);
	for (k = 0; k < r->n_transit; k++)
		json_array_append_new(ts, vantage_transit(im, &r->transit[k],
							  print));
	if (print)
		fputc('\n', im->text);
	for (k = 0; k < r->n_prefix; k++) {
		const struct nkt_cmp_stats *s = &r->prefix[k];
		char a[NKT_ADDRSTRLEN], pf[NKT_ADDRSTRLEN + 8];
		if (!s->carrier)
			continue;
		snprintf(pf, sizeof(pf), "%s/%u",
			 nkt_addrtab_fmt(&im->at, s->prefix, a), s->prefix_len);
		json_array_append_new(ps, json_pack("{s:s,s:s}", "prefix", pf,
						    "transit", s->name));
	}
	json_object_set_new(o, "transits", ts);
	json_object_set_new(o, "carriers", ps);
	return o;
}

/* The summary of each vantage point's own observations. */
static json_t *per_vantage(struct importer *im, const struct nkt_cmp_obs *obs,
			   const uint32_t *vant, size_t n,
			   const struct nkt_cmp_cfg *cfg, int print)
{
	json_t *arr = json_array();
	size_t *idx = nkt_xcalloc(n ? n : 1, sizeof(*idx)), i, j;
	struct nkt_cmp_obs *sub = nkt_xcalloc(n ? n : 1, sizeof(*sub));

	for (i = 0; i < n; i++)
		idx[i] = i;
	qsort_r(idx, n, sizeof(*idx), cmp_by_vantage, (void *)(uintptr_t)vant);
	if (print && n > 0)
		fprintf(im->text, "\nper vantage point (RTT median ms, loss):\n");
	for (i = 0; i < n; i = j) {
		struct nkt_cmp_result r;
		uint64_t traces = 0;
		for (j = i; j < n && vant[idx[j]] == vant[idx[i]]; j++) {
			sub[j - i] = obs[idx[j]];
			traces += nkt_impagg_traces(&im->agg, idx[j]);
		}
		nkt_cmp_summarize(sub, j - i, cfg, &r);
		json_array_append_new(arr, vantage_json(im, vant[idx[i]],
							traces, &r, print));
		nkt_cmp_result_free(&r);
	}
	free(sub);
	free(idx);
	return arr;
}

/* Data, annotator and outputs; every input readable first.  Returns 0 or
 * an exit code (the message printed). */
int nkt__importer_open(struct importer *im, struct nkt_outfile *jout,
		       int *jopen)
{
	struct nkt_err err = {0, ""};
	size_t i;

	for (i = 0; i < im->o.n_files; i++)
		if (strcmp(im->o.files[i], "-") != 0 &&
		    access(im->o.files[i], R_OK) != 0) {
			nkt_err_set(&err, NKT_EINVAL, "%s: %s", im->o.files[i],
				    strerror(errno));
			return nkt_fail("import", &err);
		}
	if (nkt_load_data(im->o.a.transits_file, &im->tdb, &im->trans,
			  &err) != NKT_OK)
		return nkt_fail("import", &err);
	if (im->trans == NULL) {
		nkt_err_set(&err, NKT_EINVAL,
			    "no transit definitions (data/transits.json or "
			    "--transits FILE)");
		return nkt_fail("import", &err);
	}
	im->actx.an = nkt_annot_open(im->o.db.asn_db, im->o.db.geo_db, &err);
	if (im->actx.an == NULL)
		return nkt_fail("import", &err);
	nkt_annot_warn_missing("import", im->actx.an);
	im->actx.tdb = im->tdb;
	im->actx.trans = im->trans;
	im->actx.addrs = &im->at;
	nkt_annot_out_setup(&im->oo, &im->actx);
	im->oo.addrs = &im->at;
	im->inputs = json_array();
	im->text = stdout;
	if (im->o.text_out != NULL) {
		if (nkt_outfile_open(&im->textf, im->o.text_out, &err) !=
		    NKT_OK)
			return nkt_fail("import", &err);
		im->text_open = 1;
		im->text = im->textf.f;
	}
	if (im->o.json_out != NULL) {
		if (nkt_outfile_open(jout, im->o.json_out, &err) != NKT_OK)
			return nkt_fail("import", &err);
		*jopen = 1;
	}
	if (im->o.traces_out != NULL) {
		if (nkt_outfile_open(&im->tout, im->o.traces_out, &err) !=
		    NKT_OK)
			return nkt_fail("import", &err);
		im->tout_open = 1;
	}
	if (im->o.mda_out != NULL) {
		if (nkt_outfile_open(&im->mout, im->o.mda_out, &err) != NKT_OK)
			return nkt_fail("import", &err);
		im->mout_open = 1;
	}
	if (im->o.history != NULL &&
	    (im->bf = nkt_backfill_new(im->o.history, im->o.bucket_ns,
				       &err)) == NULL)
		return nkt_fail("import", &err);
	return NKT_EXIT_OK;
}

/* Every input (standard input without any).  Returns 1 if one failed. */
static int read_all(struct importer *im)
{
	int failed = 0;
	size_t i;

	for (i = 0; i < (im->o.n_files ? im->o.n_files : 1); i++) {
		const char *path = im->o.n_files ? im->o.files[i] : "-";
		struct nkt_err err = {0, ""};
		struct nkt_infile in;
		if (nkt_infile_open(&in, path, &err) != NKT_OK) {
			fprintf(stderr, "nktrace import: %s%s\n", err.msg,
				path == im->o.out.json_then
					? " ('--json FILE' is now '--json -o "
					  "FILE')"
					: "");
			failed = 1;
			continue;
		}
		struct counts before = im->total;
		uint64_t t0 = nkt_clock_mono_ns();
		failed |= nkt__import_input(im, path, &in) != NKT_OK;
		nkt_infile_close(&in, &err);
		if (im->o.out.verbose) {
			const struct counts *a = &im->total;
			double s = (double)(nkt_clock_mono_ns() - t0) / 1e9;
			uint64_t n = a->records - before.records;
			fprintf(stderr,
				"nktrace import: %s: %llu records (%llu "
				"traceroutes, %llu not traceroutes, %llu "
				"failed, %llu not valid) in %.2f s (%.0f "
				"records/s)\n",
				strcmp(path, "-") ? path : "standard input",
				(unsigned long long)n,
				(unsigned long long)(a->traces - before.traces),
				(unsigned long long)(a->not_traceroute -
						     before.not_traceroute),
				(unsigned long long)(a->failed - before.failed),
				(unsigned long long)(a->malformed -
						     before.malformed),
				s, s > 0 ? (double)n / s : 0.0);
		}
	}
	return failed;
}

/* What was read, for the summary's "input". */
static json_t *input_json(const struct importer *im, size_t paths)
{
	const struct counts *t = &im->total;
	json_t *j = json_pack(
		"{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "records",
		(json_int_t)t->records, "traceroutes", (json_int_t)t->traces,
		"atlas", (json_int_t)t->atlas, "scamper",
		(json_int_t)t->scamper, "nktrace", (json_int_t)t->nktrace,
		"not_traceroute", (json_int_t)t->not_traceroute, "failed",
		(json_int_t)t->failed, "cycle_records", (json_int_t)t->meta,
		"malformed", (json_int_t)t->malformed, "vantage_points",
		(json_int_t)im->agg.n_vantage, "paths", (json_int_t)paths);
	if (im->o.mda_out != NULL)
		json_object_set_new(j, "mda_graphs",
				    json_integer((json_int_t)t->mda));
	return j;
}

static void print_summary(const struct importer *im, size_t paths,
			  const struct nkt_cmp_result *r,
			  const struct nkt_cmp_cfg *cfg)
{
	const struct counts *t = &im->total;
	fprintf(im->text, "nktrace import: %llu records: %llu traceroutes (%llu RIPE "
	       "Atlas, %llu scamper, %llu nktrace) from %zu vantage points, "
	       "%zu paths; %llu not traceroutes, %llu failed measurements, "
	       "%llu scamper cycle records, %llu not valid\n",
	       (unsigned long long)t->records, (unsigned long long)t->traces,
	       (unsigned long long)t->atlas, (unsigned long long)t->scamper,
	       (unsigned long long)t->nktrace, im->agg.n_vantage, paths,
	       (unsigned long long)t->not_traceroute,
	       (unsigned long long)t->failed, (unsigned long long)t->meta,
	       (unsigned long long)t->malformed);
	if (im->o.mda_out != NULL)
		fprintf(im->text, "%llu scamper tracelb records written as MDA "
				  "graphs to %s\n",
			(unsigned long long)t->mda, im->o.mda_out);
	if (paths > 0) {
		fputc('\n', im->text);
		nkt_cmp_text(im->text, r, cfg);
	}
}

/* Write (or abort) an output file: 0 or NKT_EXIT_FAIL (said so). */
static int close_output(struct nkt_outfile *of, const char *path, int bad)
{
	struct nkt_err err = {0, ""};
	if (bad) {
		nkt_outfile_abort(of);
		fprintf(stderr, "nktrace import: writing %s failed\n", path);
		return NKT_EXIT_FAIL;
	}
	if (nkt_outfile_commit(of, &err) != NKT_OK)
		return nkt_fail("import", &err);
	return NKT_EXIT_OK;
}

void nkt__import_cfg(const struct importer *im, struct nkt_cmp_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->transits = im->trans;
	cfg->tdb = im->tdb;
	cfg->addrs = &im->at;
	cfg->level = im->o.a.level;
	cfg->min_units = im->o.a.min_units;
	memcpy(cfg->via_name, im->via_name, sizeof(cfg->via_name));
}

/* The summary: on standard output, and as JSON (with per vantage point
 * figures) when asked.  Returns the JSON, or NULL. */
static json_t *summarize(struct importer *im, int want_json,
			 struct nkt_cmp_result *r)
{
	struct nkt_cmp_cfg cfg;
	struct nkt_cmp_obs *obs;
	const uint32_t *vant;
	json_t *sum = NULL, *pv, *mixed;
	size_t n;

	obs = nkt_impagg_obs(&im->agg, &vant, &n);
	nkt_cmp_unify(obs, n);
	nkt__import_cfg(im, &cfg);
	nkt_cmp_summarize(obs, n, &cfg, r);
	mixed = nkt__import_mixed(im, obs, n);
	if (!im->o.quiet && !(im->o.json_out != NULL &&
			       strcmp(im->o.json_out, "-") == 0)) {
		print_summary(im, n, r, &cfg);
		nkt__import_mixed_text(im, mixed);
	}
	if (!want_json && !im->o.per_vantage) {
		json_decref(mixed);
		return NULL;
	}
	pv = per_vantage(im, obs, vant, n, &cfg,
			 im->o.per_vantage && !im->o.quiet &&
				 !(im->o.json_out != NULL &&
				   strcmp(im->o.json_out, "-") == 0));
	if (!want_json) {
		json_decref(pv);
		json_decref(mixed);
		return NULL;
	}
	sum = nkt_cmp_json(r, obs, n, &cfg, im->t0, im->t1);
	json_object_set_new(sum, "type", json_string("import"));
	if (!im->o.detail)
		json_object_del(sum, "targets_detail");
	json_object_set_new(sum, "input", input_json(im, n));
	json_object_set(sum, "files", im->inputs);
	json_object_set_new(sum, "vantage_points", pv);
	json_object_set_new(sum, "mixed_attribution", mixed);
	return sum;
}

void nkt__importer_close(struct importer *im)
{
	if (im->tout_open)
		nkt_outfile_abort(&im->tout);
	if (im->mout_open)
		nkt_outfile_abort(&im->mout);
	if (im->text_open)
		nkt_outfile_abort(&im->textf);
	json_decref(im->inputs);
	nkt_backfill_free(im->bf);
	nkt_impagg_free(&im->agg);
	nkt_addrtab_free(&im->at);
	nkt_annot_close(im->actx.an);
	free(im->tdb);
	free(im->trans);
	free(im);
}

int nkt_cmd_import(int argc, char **argv)
{
	struct importer *im = nkt_xcalloc(1, sizeof(*im));
	struct nkt_err err = {0, ""};
	struct nkt_cmp_result r;
	struct nkt_outfile jout;
	int code, jopen = 0, read_failed, bad;
	json_t *sum;

	if (nkt_cli_import(argc, argv, &im->o, &err) != NKT_OK) {
		code = nkt_fail("import", &err);
		goto out;
	}
	if (im->o.help) {
		fputs(nkt_cli_import_help, stdout);
		code = NKT_EXIT_OK;
		goto out;
	}
	nkt_cli_print_warnings("import", &im->o.out);
	if ((code = nkt__importer_open(im, &jout, &jopen)) != NKT_EXIT_OK)
		goto out;
	read_failed = read_all(im);
	sum = summarize(im, jopen, &r);
	code = im->total.malformed > 0 || read_failed ? NKT_EXIT_FAIL
						       : NKT_EXIT_OK;
	if (jopen) {
		jopen = 0;
		bad = json_dumpf(sum, jout.f, NKT_JSON_FLAGS) != 0 ||
		      fputc('\n', jout.f) == EOF;
		code |= close_output(&jout, im->o.json_out, bad);
	}
	if (im->tout_open) {
		im->tout_open = 0;
		code |= close_output(&im->tout, im->o.traces_out,
				     im->tout_failed);
	}
	if (im->mout_open) {
		im->mout_open = 0;
		code |= close_output(&im->mout, im->o.mda_out,
				     im->mout_failed);
	}
	if (im->text_open) {
		im->text_open = 0;
		code |= close_output(&im->textf, im->o.text_out,
				     ferror(im->textf.f));
	}
	if (im->bf != NULL && nkt_backfill_store(im->bf, im, &err) != NKT_OK) {
		fprintf(stderr, "nktrace import: %s\n", err.msg);
		code = NKT_EXIT_FAIL;
	}
	if (fflush(stdout) != 0)
		code = NKT_EXIT_FAIL;
	json_decref(sum);
	nkt_cmp_result_free(&r);
out:
	if (jopen)
		nkt_outfile_abort(&jout);
	nkt__importer_close(im);
	return code;
}
