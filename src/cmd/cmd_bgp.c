// SPDX-License-Identifier: ISC
/*
 * cmd_bgp.c: `nktrace bgp MRT-FILE...`: the control plane of NK's
 * prefixes from RIS and RouteViews MRT files (or the routes themselves,
 * --records).  Reads files only; sends nothing; needs no privilege.
 */
#include "cmd.h"
#include "cmd_common.h"
#include "nktrace/bgpview.h"
#include "nktrace/datafile.h"
#include "nktrace/mrt.h"
#include "nktrace/mrtfile.h"
#include "nktrace/out_bgp.h"
#include "nktrace/out_opts.h"
#include "nktrace/outfile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* North Korea's space and AS: the default selection. */
#define NK_SPACE "175.45.176.0/22"
#define NK_ASN 131279

struct bgp_run {
	struct nkt_bgp_opts *o;
	struct nkt_bgp_sel sel;
	struct nkt_bgp_view view;
	struct nkt_bgp_input *in; /* per file, in the order read */
	char (*cuts)[300];
	struct nkt_outfile out;
	int out_open;
	uint64_t errors_said;
	int bad_output;
};

/* A file's first record: its time and whether it is a RIB dump (0 and
 * 1 when it cannot be read: the reading itself will say why). */
static void first_record(const char *path, int64_t *t, int *updates)
{
	struct nkt_mrt_file f;
	const uint8_t *rec;
	size_t len;
	uint64_t at;
	uint16_t type;

	*t = 0;
	*updates = 1;
	if (nkt_mrt_file_open(&f, path, NULL) != NKT_OK)
		return;
	if (nkt_mrt_file_next(&f, &rec, &len, &at, NULL) == 1) {
		*t = (int64_t)((uint32_t)rec[0] << 24 | (uint32_t)rec[1] << 16 |
			       (uint32_t)rec[2] << 8 | rec[3]);
		(void)nkt_mrt_header_len(rec, &type);
		*updates = !(type == NKT_MRT_TABLE_DUMP ||
			     type == NKT_MRT_TABLE_DUMP_V2);
	}
	nkt_mrt_file_close(&f);
}

struct file_key {
	const char *path;
	int64_t t;
	int updates;
	size_t given;
};

static int file_cmp(const void *a, const void *b)
{
	const struct file_key *x = a, *y = b;
	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	if (x->updates != y->updates)
		return x->updates - y->updates;
	return x->given < y->given ? -1 : x->given > y->given;
}

/* The files in the order they are read: by their first record's time
 * (standard input, which cannot be looked at twice, keeps the order
 * given). */
static void order_files(struct nkt_bgp_opts *o)
{
	struct file_key *k = nkt_xcalloc(o->n_files, sizeof(*k));
	size_t i;
	for (i = 0; i < o->n_files; i++)
		if (strcmp(o->files[i], "-") == 0) {
			free(k);
			return;
		}
	for (i = 0; i < o->n_files; i++) {
		k[i].path = o->files[i];
		k[i].given = i;
		first_record(o->files[i], &k[i].t, &k[i].updates);
	}
	qsort(k, o->n_files, sizeof(*k), file_cmp);
	for (i = 0; i < o->n_files; i++)
		o->files[i] = k[i].path;
	free(k);
}

static int build_selection(struct bgp_run *b, struct nkt_err *err)
{
	struct nkt_bgp_opts *o = b->o;
	size_t i;
	memset(&b->sel, 0, sizeof(b->sel));
	for (i = 0; i < o->n_prefixes; i++)
		if (nkt_mrt_prefix_parse(o->prefixes[i],
					 &b->sel.prefixes[i]) != 0)
			return nkt_err_set(err, NKT_EINVAL,
					   "--prefix '%s': not a prefix "
					   "(ADDRESS/LENGTH, no bits set past "
					   "the length)",
					   o->prefixes[i]);
	b->sel.n_prefixes = o->n_prefixes;
	for (i = 0; i < o->n_origins; i++)
		b->sel.origins[i] = o->origins[i];
	b->sel.n_origins = o->n_origins;
	if (o->n_prefixes == 0 && o->n_origins == 0) {
		(void)nkt_mrt_prefix_parse(NK_SPACE, &b->sel.prefixes[0]);
		b->sel.n_prefixes = 1;
		b->sel.origins[0] = NK_ASN;
		b->sel.n_origins = 1;
	}
	return NKT_OK;
}

/* Read one file into the view (or out as records).  Returns 0, or
 * NKT_ESYS for an output that failed (the run stops); a file that stops
 * short is said and recorded in in->cut. */
static int read_file(struct bgp_run *b, const char *path,
		     struct nkt_bgp_input *in, char *cut, size_t cut_len)
{
	struct nkt_mrt_file f;
	struct nkt_mrt m;
	struct nkt_err err = {0, ""};
	const uint8_t *bytes;
	const struct nkt_mrt_rec *r;
	size_t len;
	uint64_t at;
	int rc, res;

	memset(in, 0, sizeof(*in));
	in->path = path;
	if (nkt_mrt_file_open(&f, path, &err) != NKT_OK) {
		snprintf(cut, cut_len, "%s", err.msg);
		in->cut = cut;
		fprintf(stderr, "nktrace bgp: %s\n", err.msg);
		return NKT_OK;
	}
	nkt_mrt_init(&m);
	while ((rc = nkt_mrt_file_next(&f, &bytes, &len, &at, &err)) == 1) {
		res = nkt_mrt_decode(&m, bytes, len, &r);
		if (res == NKT_MRT_BAD) {
			in->skipped++;
			if (b->errors_said++ < b->o->max_errors)
				fprintf(stderr,
					"nktrace bgp: %s:%llu: %s (record "
					"skipped)\n",
					f.path, (unsigned long long)at, r->why);
			continue;
		}
		if (res == NKT_MRT_UNREAD) {
			in->unread++;
			continue;
		}
		in->records++;
		in->masked += r->masked;
		in->other_af += r->other_af;
		in->truncated += r->truncated;
		if (in->first == 0 || (int64_t)r->time < in->first)
			in->first = r->time;
		if ((int64_t)r->time > in->last)
			in->last = r->time;
		if (r->type == NKT_MRT_TABLE_DUMP ||
		    (r->type == NKT_MRT_TABLE_DUMP_V2 && r->n_routes > 0))
			in->rib = 1;
		if (b->o->records) {
			if (nkt_mrt_write_records(b->out.f, r, res,
						  b->o->all ? NULL : &b->sel) <
			    0) {
				nkt_outfile_error(&b->out, errno, &err);
				fprintf(stderr, "nktrace bgp: %s\n", err.msg);
				b->bad_output = 1;
				break;
			}
		} else {
			nkt_bgp_view_add(&b->view, r, res);
		}
	}
	if (rc < 0) {
		snprintf(cut, cut_len, "%s", err.msg);
		in->cut = cut;
		fprintf(stderr, "nktrace bgp: %s: the records before it are "
				"used\n",
			err.msg);
	}
	nkt_bgp_view_file_end(&b->view);
	nkt_mrt_free(&m);
	nkt_mrt_file_close(&f);
	return b->bad_output ? NKT_ESYS : NKT_OK;
}

static void print_verbose(const struct bgp_run *b, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		fprintf(stderr,
			"nktrace bgp: %s: %s, %llu records, %llu skipped, %llu "
			"not read%s%s\n",
			b->in[i].path, b->in[i].rib ? "RIB dump" : "updates",
			(unsigned long long)b->in[i].records,
			(unsigned long long)b->in[i].skipped,
			(unsigned long long)b->in[i].unread,
			b->in[i].cut ? "; stopped: " : "",
			b->in[i].cut ? b->in[i].cut : "");
}

int nkt_cmd_bgp(int argc, char **argv)
{
	struct nkt_bgp_opts *o = nkt_xcalloc(1, sizeof(*o));
	struct bgp_run *b = nkt_xcalloc(1, sizeof(*b));
	struct nkt_err err = {0, ""};
	struct nkt_targetdb *tdb = NULL;
	struct nkt_transits *ts = NULL;
	uint64_t skipped = 0;
	size_t i, n_read = 0;
	int code = NKT_EXIT_OK, cut = 0;

	b->o = o;
	if (nkt_cli_bgp(argc, argv, o, &err) != NKT_OK) {
		code = nkt_fail("bgp", &err);
		goto out;
	}
	if (o->help) {
		fputs(nkt_cli_bgp_help, stdout);
		goto out;
	}
	nkt_cli_print_warnings("bgp", &o->out);
	if (build_selection(b, &err) != NKT_OK ||
	    nkt_load_data(o->transits, &tdb, &ts, &err) != NKT_OK) {
		code = nkt_fail("bgp", &err);
		goto out;
	}
	for (i = 0; i < o->n_files; i++)
		if (strcmp(o->files[i], "-") != 0 &&
		    access(o->files[i], R_OK) != 0) {
			nkt_err_set(&err, NKT_EINVAL, "%s: %s", o->files[i],
				    strerror(errno));
			code = nkt_fail("bgp", &err);
			goto out;
		}
	order_files(o);
	nkt_bgp_view_init(&b->view, &b->sel, ts);
	b->in = nkt_xcalloc(o->n_files, sizeof(*b->in));
	b->cuts = nkt_xcalloc(o->n_files, sizeof(*b->cuts));
	if (o->records) {
		if (nkt_outfile_open(&b->out, o->text_out, &err) != NKT_OK) {
			code = nkt_fail("bgp", &err);
			goto out;
		}
		b->out_open = 1;
	}
	for (i = 0; i < o->n_files; i++) {
		if (read_file(b, o->files[i], &b->in[i], b->cuts[i],
			      sizeof(b->cuts[i])) != NKT_OK)
			break;
		n_read++;
		skipped += b->in[i].skipped;
		cut |= b->in[i].cut != NULL;
	}
	if (skipped > o->max_errors)
		fprintf(stderr, "nktrace bgp: %llu records skipped in all (%llu "
				"said)\n",
			(unsigned long long)skipped,
			(unsigned long long)o->max_errors);
	if (o->verbose)
		print_verbose(b, n_read);
	if (b->bad_output) {
		nkt_outfile_abort(&b->out);
		b->out_open = 0;
		code = NKT_EXIT_FAIL;
		goto out;
	}
	if (!o->records) {
		nkt_bgp_view_finish(&b->view);
		if (nkt_outfile_open(&b->out,
				     o->json_out ? o->json_out : o->text_out,
				     &err) != NKT_OK) {
			code = nkt_fail("bgp", &err);
			goto out;
		}
		b->out_open = 1;
		if (o->json_out) {
			json_t *j = nkt_bgp_json(&b->view, b->in, n_read, ts);
			int bad = json_dumpf(j, b->out.f, NKT_JSON_FLAGS) != 0 ||
				  fputc('\n', b->out.f) == EOF;
			json_decref(j);
			if (bad)
				nkt_outfile_error(&b->out, errno, &err);
			if (bad) {
				nkt_outfile_abort(&b->out);
				b->out_open = 0;
				code = nkt_fail("bgp", &err);
				goto out;
			}
		} else if (nkt_bgp_text(b->out.f, &b->view, b->in, n_read,
					ts) != 0) {
			nkt_outfile_error(&b->out, errno, &err);
			nkt_outfile_abort(&b->out);
			b->out_open = 0;
			code = nkt_fail("bgp", &err);
			goto out;
		}
	}
	if (b->out_open) {
		b->out_open = 0;
		if (nkt_outfile_commit(&b->out, &err) != NKT_OK) {
			code = nkt_fail("bgp", &err);
			goto out;
		}
	}
	if (cut || skipped)
		code = NKT_EXIT_FAIL;
out:
	if (b->out_open)
		nkt_outfile_abort(&b->out);
	nkt_bgp_view_free(&b->view);
	free(b->in);
	free(b->cuts);
	free(b);
	free(ts);
	free(tdb);
	free(o);
	return code;
}
