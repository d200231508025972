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
#include "nktrace/impagg.h"
#include "nktrace/out_compare.h"
#include "nktrace/import.h"
#include "nktrace/jsonstream.h"
#include "nktrace/outfile.h"
#include "nktrace/out_atlas.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char help[] =
	"usage: nktrace import [OPTIONS] [FILE...]\n"
	"\n"
	"Analyse traceroutes of other tools the way `nktrace compare` "
	"analyses its\nown: each path annotated, attributed to a transit by "
	"its AS path, and\nsummarised per transit and per /24 (reach, RTT "
	"over hosts, loss over\nhosts, border hop) and compared, overall "
	"and per vantage point.  Reads RIPE Atlas "
	"traceroute results (the API's JSON array\nor one result per line), "
	"scamper JSON (scamper -O json, sc_warts2json)\nand nktrace's own "
	"trace --json / compare --traces output, from FILEs or\nstandard "
	"input ('-' or none), in memory that does not grow with the input.\n"
	"\n"
	"      --format F      atlas, scamper or auto (default: each record "
	"decides)\n"
	"      --json FILE     the summary as JSON (data/import.schema.md)\n"
	"      --traces FILE   every imported trace as nktrace Atlas JSON, "
	"one per line\n"
	"      --per-vantage   also print each vantage point's transits\n"
	"      --detail        put every path in the JSON (targets_detail)\n"
	"      --transits FILE transit definitions (default "
	"data/transits.json)\n"
	"      --asn-db FILE   ASN database (GeoLite2-ASN format)\n"
	"      --geo-db FILE   geo database (GeoLite2-City format)\n"
	"      --ci LEVEL      confidence level of the intervals (0.95)\n"
	"      --min-units N   independent units a verdict needs on each "
	"side (5)\n"
	"      --max-errors N  print at most N input errors (20; all are "
	"counted)\n"
	"  -q, --quiet         no report on standard output\n"
	"\n"
	"Records that are not traceroutes (Atlas ping, scamper ping or "
	"tracelb,\ncycle records) and failed measurements are counted and "
	"left out.  A\nrecord that is not valid is reported as FILE:LINE: "
	"why, and the rest of\nthe input is still read.\n"
	"exit status: 0 ok, 1 some input was not valid or an output failed "
	"(the\nrest is analysed), 2 usage error, unreadable file or "
	"database.\n";

struct import_opts {
	int format;
	const char *json_out, *traces_out, *transits, *asn_db, *geo_db;
	double level;
	unsigned min_units;
	uint64_t max_errors;
	int per_vantage, detail, quiet;
};

/* Per input file and in total. */
struct counts {
	uint64_t records, traces, atlas, scamper, nktrace, ignored, malformed;
	uint64_t not_traceroute, failed, meta;
};

struct importer {
	struct import_opts o;
	struct nkt_addrtab at;
	struct nkt_impagg agg;
	struct nkt_annot_ctx actx;
	struct nkt_targetdb *tdb;
	struct nkt_transits *trans;
	struct nkt_out_opts oo;
	const char *via_name[256];
	char via_store[255][64];
	size_t n_via;
	struct nkt_outfile tout;
	int tout_open, tout_failed;
	uint64_t errors_printed, t0, t1;
	struct counts total;
	json_t *inputs;
};

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
		fprintf(stderr, "nktrace import: %s:%llu: %s\n", file,
			(unsigned long long)pos->line, msg);
	else if (im->errors_printed == im->o.max_errors + 1)
		fprintf(stderr, "nktrace import: more errors are counted, not "
				"printed (--max-errors)\n");
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

static void one_trace(struct importer *im, struct nkt_trace *t,
		      const struct nkt_import_meta *m)
{
	struct nkt_aspath p;
	struct nkt_attribution a;
	struct nkt_cmp_obs o;

	t->via = via_index(im, m->via);
	nkt_annot_aspath(&im->actx, t, &p);
	nkt_transit_attribute(im->trans, &p, &a);
	nkt_cmp_observe(t, &p, &a, im->tdb, &o);
	if (nkt_addrtab_is_handle(&im->at, t->flow.dst))
		o.prefix = nkt_addrtab_prefix(&im->at, t->flow.dst,
					      &o.prefix_len);
	dest_hop_loss(t, &o);
	nkt_impagg_add(&im->agg, nkt_impagg_vantage(&im->agg, m->vantage),
		       &o);
	nkt_cmp_obs_free(&o);
	if (t->start_ns && (im->t0 == 0 || t->start_ns < im->t0))
		im->t0 = t->start_ns;
	if (t->end_ns > im->t1)
		im->t1 = t->end_ns;
	if (im->tout_open && !im->tout_failed &&
	    nkt_atlas_write(im->tout.f, t, &im->oo) != 0)
		im->tout_failed = 1;
}

/* Read one input to its end.  Returns 0, or NKT_ESYS for a read error. */
static int read_input(struct importer *im, const char *name, FILE *f)
{
	struct nkt_jstream js;
	struct nkt_import_state st;
	struct counts c;
	struct nkt_jpos pos;
	struct nkt_err err;
	json_t *rec;
	int rc = NKT_OK, r;

	memset(&st, 0, sizeof(st));
	memset(&c, 0, sizeof(c));
	nkt_jstream_init(&js, f);
	for (;;) {
		struct nkt_trace *t;
		struct nkt_import_meta m;
		err.code = 0;
		err.msg[0] = '\0';
		r = nkt_jstream_next(&js, &rec, &pos, &err);
		if (r == 0)
			break;
		if (r == NKT_ESYS) {
			fprintf(stderr, "nktrace import: %s: %s\n", name,
				err.msg);
			rc = NKT_ESYS;
			break;
		}
		c.records++;
		if (r != 1) {
			c.malformed++;
			input_error(im, name, &pos, err.msg);
			continue;
		}
		r = nkt_import_record(rec, (enum nkt_import_fmt)im->o.format,
				      &im->at, &st, &t, &m, &err);
		json_decref(rec);
		if (r == NKT_EIGNORE) {
			c.ignored++;
			if (strncmp(err.msg, "measurement failed", 18) == 0 ||
			    strncmp(err.msg, "no destination", 14) == 0)
				c.failed++;
			else if (strstr(err.msg, "cycle") != NULL ||
				 strstr(err.msg, "list record") != NULL)
				c.meta++;
			else
				c.not_traceroute++;
			continue;
		}
		if (r != NKT_OK) {
			char msg[sizeof(err.msg) + 32];
			c.malformed++;
			snprintf(msg, sizeof(msg), "record %llu: %s",
				 (unsigned long long)pos.index + 1, err.msg);
			input_error(im, name, &pos, msg);
			continue;
		}
		c.traces++;
		if (strcmp(m.source, "scamper") == 0)
			c.scamper++;
		else if (strcmp(m.source, "nktrace") == 0)
			c.nktrace++;
		else
			c.atlas++;
		one_trace(im, t, &m);
		nkt_trace_free(t);
	}
	nkt_jstream_free(&js);
	if (c.records == 0 && rc == NKT_OK) {
		pos.line = 1;
		c.malformed++;
		input_error(im, name, &pos, "empty: no records");
	}
	json_array_append_new(
		im->inputs,
		json_pack("{s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "file",
			  name, "records", (json_int_t)c.records,
			  "traceroutes", (json_int_t)c.traces, "atlas",
			  (json_int_t)c.atlas, "scamper",
			  (json_int_t)c.scamper, "nktrace",
			  (json_int_t)c.nktrace, "not_traceroute",
			  (json_int_t)c.not_traceroute, "failed",
			  (json_int_t)c.failed, "malformed",
			  (json_int_t)c.malformed));
	im->total.records += c.records;
	im->total.traces += c.traces;
	im->total.atlas += c.atlas;
	im->total.scamper += c.scamper;
	im->total.nktrace += c.nktrace;
	im->total.ignored += c.ignored;
	im->total.malformed += c.malformed;
	im->total.not_traceroute += c.not_traceroute;
	im->total.failed += c.failed;
	im->total.meta += c.meta;
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
static json_t *per_vantage(struct importer *im, const struct nkt_cmp_obs *obs,
			   const uint32_t *vant, size_t n,
			   const struct nkt_cmp_cfg *cfg, int print)
{
	json_t *arr = json_array();
	size_t *idx = nkt_xcalloc(n ? n : 1, sizeof(*idx)), i = 0, j, k;
	struct nkt_cmp_obs *sub = nkt_xcalloc(n ? n : 1, sizeof(*sub));
	struct nkt_cmp_cfg vc = *cfg;

	for (i = 0; i < n; i++)
		idx[i] = i;
	qsort_r(idx, n, sizeof(*idx), cmp_by_vantage, (void *)(uintptr_t)vant);
	if (print && n > 0)
		printf("\nper vantage point (RTT median ms, loss):\n");
	for (i = 0; i < n; i = j) {
		struct nkt_cmp_result r;
		json_t *v = json_object(), *ts = json_array(),
		       *ps = json_array();
		uint64_t traces = 0;
		for (j = i; j < n && vant[idx[j]] == vant[idx[i]]; j++) {
			sub[j - i] = obs[idx[j]];
			traces += nkt_impagg_traces(&im->agg, idx[j]);
		}
		nkt_cmp_summarize(sub, j - i, &vc, &r);
		json_object_set_new(v, "vantage",
				    json_string(im->agg.vantage[vant[idx[i]]]));
		json_object_set_new(v, "traceroutes",
				    json_integer((json_int_t)traces));
		json_object_set_new(v, "targets",
				    json_integer((json_int_t)r.targets));
		if (print)
			printf("  %-40s", im->agg.vantage[vant[idx[i]]]);
		for (k = 0; k < r.n_transit; k++) {
			const struct nkt_cmp_stats *s = &r.transit[k];
			json_array_append_new(
				ts,
				json_pack("{s:s,s:I,s:I,s:o,s:o,s:o}", "name",
					  s->name, "targets",
					  (json_int_t)s->targets, "reached",
					  (json_int_t)s->reached, "rtt_median_ms",
					  isnan(s->rtt_median)
						  ? json_null()
						  : json_real(round(s->rtt_median *
								    1000) /
							      1000),
					  "loss",
					  isnan(s->loss)
						  ? json_null()
						  : json_real(round(s->loss *
								    1e5) /
							      1e5),
					  "border_addr",
					  s->border_addr
						  ? json_string(nkt_addrtab_fmt(
							    &im->at,
							    s->border_addr,
							    (char[NKT_ADDRSTRLEN]){
								    0}))
						  : json_null()));
			if (print) {
				printf("  %s %zu/%zu", s->name, s->reached,
				       s->targets);
				if (!isnan(s->rtt_median))
					printf(" %.1f", s->rtt_median);
				if (!isnan(s->loss))
					printf(" %.1f%%", s->loss * 100);
			}
		}
		if (print)
			putchar('\n');
		for (k = 0; k < r.n_prefix; k++) {
			const struct nkt_cmp_stats *s = &r.prefix[k];
			char a[NKT_ADDRSTRLEN], pf[NKT_ADDRSTRLEN + 8];
			if (!s->carrier)
				continue;
			snprintf(pf, sizeof(pf), "%s/%u",
				 nkt_addrtab_fmt(&im->at, s->prefix, a),
				 s->prefix_len);
			json_array_append_new(
				ps, json_pack("{s:s,s:s}", "prefix", pf,
					      "transit", s->name));
		}
		json_object_set_new(v, "transits", ts);
		json_object_set_new(v, "carriers", ps);
		json_array_append_new(arr, v);
		nkt_cmp_result_free(&r);
	}
	free(sub);
	free(idx);
	return arr;
}

static int parse(int argc, char **argv, struct import_opts *o)
{
	static const struct option longopts[] = {
		{"format", required_argument, NULL, 'f'},
		{"json", required_argument, NULL, 'j'},
		{"traces", required_argument, NULL, 't'},
		{"per-vantage", no_argument, NULL, 'V'},
		{"detail", no_argument, NULL, 'D'},
		{"transits", required_argument, NULL, 'T'},
		{"asn-db", required_argument, NULL, 'a'},
		{"geo-db", required_argument, NULL, 'g'},
		{"ci", required_argument, NULL, 'c'},
		{"min-units", required_argument, NULL, 'u'},
		{"max-errors", required_argument, NULL, 'm'},
		{"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct nkt_err err = {0, ""};
	uint64_t v;
	int c;

	memset(o, 0, sizeof(*o));
	o->level = 0.95;
	o->min_units = NKT_CMP_MIN_UNITS;
	o->max_errors = 20;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			o->format = nkt_import_fmt_parse(optarg);
			if (o->format < 0) {
				fprintf(stderr,
					"nktrace import: --format '%s': "
					"expected atlas, scamper or auto\n",
					optarg);
				return NKT_EXIT_USAGE;
			}
			break;
		case 'j':
			o->json_out = optarg;
			break;
		case 't':
			o->traces_out = optarg;
			break;
		case 'V':
			o->per_vantage = 1;
			break;
		case 'D':
			o->detail = 1;
			break;
		case 'T':
			o->transits = optarg;
			break;
		case 'a':
			o->asn_db = optarg;
			break;
		case 'g':
			o->geo_db = optarg;
			break;
		case 'c':
			if (nkt_parse_double(optarg, 0.5, 0.9999, &o->level,
					     "--ci", &err) != NKT_OK)
				return nkt_fail("import", &err);
			break;
		case 'u':
			if (nkt_parse_u64(optarg, 2, 100000, &v,
					  "--min-units", &err) != NKT_OK)
				return nkt_fail("import", &err);
			o->min_units = (unsigned)v;
			break;
		case 'm':
			if (nkt_parse_u64(optarg, 0, 1000000000, &o->max_errors,
					  "--max-errors", &err) != NKT_OK)
				return nkt_fail("import", &err);
			break;
		case 'q':
			o->quiet = 1;
			break;
		case 'h':
			fputs(help, stdout);
			return -1;
		default:
			nkt_cli_getopt_error(c, argv, &err);
			return nkt_fail("import", &err);
		}
	}
	return NKT_EXIT_OK;
}

int nkt_cmd_import(int argc, char **argv)
{
	struct importer *im = nkt_xcalloc(1, sizeof(*im));
	struct nkt_err err = {0, ""};
	struct nkt_cmp_cfg cfg;
	struct nkt_cmp_result r;
	struct nkt_cmp_obs *obs;
	const uint32_t *vant;
	struct nkt_outfile jout;
	int code, i, jopen = 0, read_failed = 0;
	size_t n;
	json_t *sum = NULL;

	code = parse(argc, argv, &im->o);
	if (code != NKT_EXIT_OK) {
		free(im);
		return code < 0 ? NKT_EXIT_OK : code;
	}
	/* Every input must be readable before anything is read. */
	for (i = optind; i < argc; i++)
		if (strcmp(argv[i], "-") != 0 && access(argv[i], R_OK) != 0) {
			fprintf(stderr, "nktrace import: %s: %s\n", argv[i],
				strerror(errno));
			free(im);
			return NKT_EXIT_USAGE;
		}
	if (nkt_load_data(im->o.transits, &im->tdb, &im->trans, &err) !=
	    NKT_OK) {
		code = nkt_fail("import", &err);
		goto out;
	}
	if (im->trans == NULL) {
		fprintf(stderr, "nktrace import: no transit definitions "
				"(data/transits.json or --transits FILE)\n");
		code = NKT_EXIT_USAGE;
		goto out;
	}
	im->actx.an = nkt_annot_open(im->o.asn_db, im->o.geo_db, &err);
	if (im->actx.an == NULL) {
		code = nkt_fail("import", &err);
		goto out;
	}
	im->actx.tdb = im->tdb;
	im->actx.trans = im->trans;
	im->actx.addrs = &im->at;
	nkt_annot_out_setup(&im->oo, &im->actx);
	im->oo.addrs = &im->at;
	im->inputs = json_array();
	if (im->o.json_out != NULL) {
		if (nkt_outfile_open(&jout, im->o.json_out, &err) != NKT_OK) {
			code = nkt_fail("import", &err);
			goto out;
		}
		jopen = 1;
	}
	if (im->o.traces_out != NULL) {
		if (nkt_outfile_open(&im->tout, im->o.traces_out, &err) !=
		    NKT_OK) {
			code = nkt_fail("import", &err);
			goto out;
		}
		im->tout_open = 1;
	}

	if (optind == argc)
		read_failed |= read_input(im, "-", stdin) != NKT_OK;
	for (i = optind; i < argc; i++) {
		FILE *f = strcmp(argv[i], "-") == 0 ? stdin
						     : fopen(argv[i], "r");
		if (f == NULL) {
			fprintf(stderr, "nktrace import: %s: %s\n", argv[i],
				strerror(errno));
			read_failed = 1;
			continue;
		}
		read_failed |= read_input(im, argv[i], f) != NKT_OK;
		if (f != stdin)
			fclose(f);
	}

	obs = nkt_impagg_obs(&im->agg, &vant, &n);
	nkt_cmp_unify(obs, n);
	memset(&cfg, 0, sizeof(cfg));
	cfg.transits = im->trans;
	cfg.tdb = im->tdb;
	cfg.addrs = &im->at;
	cfg.level = im->o.level;
	cfg.min_units = im->o.min_units;
	memcpy(cfg.via_name, im->via_name, sizeof(cfg.via_name));
	nkt_cmp_summarize(obs, n, &cfg, &r);

	if (!im->o.quiet) {
		printf("nktrace import: %llu records: %llu traceroutes (%llu "
		       "RIPE Atlas, %llu scamper, %llu nktrace) from %zu "
		       "vantage points, %zu paths; %llu not traceroutes, "
		       "%llu failed measurements, %llu scamper cycle records, "
		       "%llu not valid\n",
		       (unsigned long long)im->total.records,
		       (unsigned long long)im->total.traces,
		       (unsigned long long)im->total.atlas,
		       (unsigned long long)im->total.scamper,
		       (unsigned long long)im->total.nktrace,
		       im->agg.n_vantage, n,
		       (unsigned long long)im->total.not_traceroute,
		       (unsigned long long)im->total.failed,
		       (unsigned long long)im->total.meta,
		       (unsigned long long)im->total.malformed);
		if (n > 0) {
			putchar('\n');
			nkt_cmp_text(stdout, &r, &cfg);
		}
	}
	if (jopen || im->o.per_vantage) {
		json_t *pv = per_vantage(im, obs, vant, n, &cfg,
					 im->o.per_vantage && !im->o.quiet);
		if (jopen) {
			sum = nkt_cmp_json(&r, obs, n, &cfg, im->t0, im->t1);
			json_object_set_new(sum, "type", json_string("import"));
			if (!im->o.detail)
				json_object_del(sum, "targets_detail");
			json_object_set_new(
				sum, "input",
				json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,"
					  "s:I,s:I,s:I}",
					  "records",
					  (json_int_t)im->total.records,
					  "traceroutes",
					  (json_int_t)im->total.traces, "atlas",
					  (json_int_t)im->total.atlas,
					  "scamper",
					  (json_int_t)im->total.scamper,
					  "nktrace",
					  (json_int_t)im->total.nktrace,
					  "not_traceroute",
					  (json_int_t)im->total.not_traceroute,
					  "failed",
					  (json_int_t)im->total.failed,
					  "cycle_records",
					  (json_int_t)im->total.meta,
					  "malformed",
					  (json_int_t)im->total.malformed,
					  "vantage_points",
					  (json_int_t)im->agg.n_vantage, "paths",
					  (json_int_t)n));
			json_object_set(sum, "files", im->inputs);
			json_object_set_new(sum, "vantage_points", pv);
		} else
			json_decref(pv);
	}
	code = im->total.malformed > 0 || read_failed ? NKT_EXIT_FAIL
						       : NKT_EXIT_OK;
	if (jopen) {
		jopen = 0;
		if (json_dumpf(sum, jout.f, NKT_JSON_FLAGS) != 0 ||
		    fputc('\n', jout.f) == EOF) {
			nkt_outfile_abort(&jout);
			fprintf(stderr, "nktrace import: writing %s failed\n",
				im->o.json_out);
			code = NKT_EXIT_FAIL;
		} else if (nkt_outfile_commit(&jout, &err) != NKT_OK)
			code = nkt_fail("import", &err);
	}
	if (im->tout_open) {
		im->tout_open = 0;
		if (im->tout_failed) {
			nkt_outfile_abort(&im->tout);
			fprintf(stderr, "nktrace import: writing %s failed\n",
				im->o.traces_out);
			code = NKT_EXIT_FAIL;
		} else if (nkt_outfile_commit(&im->tout, &err) != NKT_OK)
			code = nkt_fail("import", &err);
	}
	if (fflush(stdout) != 0)
		code = NKT_EXIT_FAIL;
	json_decref(sum);
	nkt_cmp_result_free(&r);
out:
	if (jopen)
		nkt_outfile_abort(&jout);
	if (im->tout_open)
		nkt_outfile_abort(&im->tout);
	json_decref(im->inputs);
	nkt_impagg_free(&im->agg);
	nkt_addrtab_free(&im->at);
	nkt_annot_close(im->actx.an);
	free(im->tdb);
	free(im->trans);
	free(im);
	return code;
}
