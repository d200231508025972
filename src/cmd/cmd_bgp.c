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
#include "nktrace/history.h"
#include "nktrace/planes.h"
#include "nktrace/mrt.h"
#include "nktrace/mrtfile.h"
#include "nktrace/out_bgp.h"
#include "nktrace/out_opts.h"
#include "nktrace/outfile.h"

#include <errno.h>
#include <libgen.h>
#include <math.h>
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

/* ---- --db: the control plane into the history -------------------------- */

/* The transit name of an upstream: its group's, or "AS9002". */
static void transit_name(const struct nkt_transits *ts, uint32_t asn,
			 char *buf, size_t len)
{
	int t = ts ? nkt_transit_of_asn(ts, asn) : -1;
	if (t >= 0 && ts->t[t].configured)
		snprintf(buf, len, "%s", ts->t[t].name);
	else
		snprintf(buf, len, "AS%u", asn);
}

/* Each followed prefix's transits now (rows allocated). */
static size_t state_rows(const struct nkt_bgp_view *v,
			 const struct nkt_transits *ts,
			 struct nkt_plane_route **out)
{
	struct nkt_plane_route *r = NULL;
	size_t n = 0, cap = 0, i, k, a;

	for (i = 0; i < v->n; i++) {
		const struct nkt_bgp_prefix *pf = &v->p[i];
		struct nkt_bgp_transit *tr;
		size_t nt;
		if (pf->peers == 0)
			continue;
		nt = nkt_bgp_transits(pf, ts, &tr);
		for (k = 0; k < nt; k++) {
			struct nkt_plane_route *x;
			size_t off = 0;
			if (tr[k].peers == 0)
				continue;
			if (n == cap) {
				cap = cap ? cap * 2 : 16;
				r = nkt_xreallocarray(r, cap, sizeof(*r));
			}
			x = &r[n++];
			memset(x, 0, sizeof(*x));
			nkt_mrt_prefix_str(&pf->prefix, x->prefix,
					   sizeof(x->prefix));
			snprintf(x->transit, sizeof(x->transit), "%s",
				 tr[k].name);
			for (a = 0; a < tr[k].n_asns; a++) {
				int m = snprintf(x->asns + off,
						 sizeof(x->asns) - off, "%s%u",
						 a ? " " : "", tr[k].asns[a]);
				if (m < 0 || (size_t)m >= sizeof(x->asns) - off)
					break;
				off += (size_t)m;
			}
			x->peers = tr[k].peers;
			x->total = pf->peers;
			x->since = tr[k].since;
		}
		free(tr);
	}
	*out = r;
	return n;
}

struct ev_list {
	struct nkt_event *e;
	int64_t *t;
	size_t n, cap;
};

static struct nkt_event *ev_add(struct ev_list *l, int64_t t)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->e = nkt_xreallocarray(l->e, l->cap, sizeof(*l->e));
		l->t = nkt_xreallocarray(l->t, l->cap, sizeof(*l->t));
	}
	memset(&l->e[l->n], 0, sizeof(l->e[0]));
	l->e[l->n].before = l->e[l->n].after = NAN;
	l->t[l->n] = t;
	return &l->e[l->n++];
}

static int ev_has(const struct ev_list *l, const char *kind,
		  const char *prefix, const char *transit)
{
	size_t i;
	for (i = 0; i < l->n; i++)
		if (strcmp(l->e[i].kind, kind) == 0 &&
		    strcmp(l->e[i].prefix, prefix) == 0 &&
		    (transit == NULL || strcmp(l->e[i].transit, transit) == 0))
			return 1;
	return 0;
}

static const struct nkt_plane_route *
route_of(const struct nkt_plane_route *r, size_t n, const char *prefix,
	 const char *transit)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (strcmp(r[i].prefix, prefix) == 0 &&
		    (transit == NULL || strcmp(r[i].transit, transit) == 0))
			return &r[i];
	return NULL;
}

/* What changed between the last state stored (p, at time pt) and this
 * one (r), that the files' own events do not already say (they start
 * from their RIB dump; this is what happened before it). */
static void state_diff(const struct nkt_plane_route *p, size_t np,
		       const struct nkt_plane_route *r, size_t nr, int64_t t,
		       struct ev_list *l)
{
	size_t i;
	for (i = 0; i < nr; i++) {
		struct nkt_event *e;
		if (route_of(p, np, r[i].prefix, NULL) == NULL) {
			if (!ev_has(l, "bgp_announced", r[i].prefix, NULL) &&
			    route_of(r, i, r[i].prefix, NULL) == NULL) {
				e = ev_add(l, t);
				snprintf(e->kind, sizeof(e->kind),
					 "bgp_announced");
				snprintf(e->prefix, sizeof(e->prefix), "%s",
					 r[i].prefix);
				snprintf(e->message, sizeof(e->message),
					 "%s: announced since the last state "
					 "stored, via %s (%u of %u peers)",
					 r[i].prefix, r[i].transit, r[i].peers,
					 r[i].total);
			}
			continue;
		}
		if (route_of(p, np, r[i].prefix, r[i].transit) == NULL &&
		    !ev_has(l, "bgp_new_upstream", r[i].prefix,
			    r[i].transit)) {
			e = ev_add(l, t);
			snprintf(e->kind, sizeof(e->kind), "bgp_new_upstream");
			snprintf(e->prefix, sizeof(e->prefix), "%s",
				 r[i].prefix);
			snprintf(e->transit, sizeof(e->transit), "%s",
				 r[i].transit);
			snprintf(e->message, sizeof(e->message),
				 "%s: a new upstream since the last state "
				 "stored: %s (AS%s), %u of %u peers",
				 r[i].prefix, r[i].transit, r[i].asns,
				 r[i].peers, r[i].total);
		}
	}
	for (i = 0; i < np; i++) {
		struct nkt_event *e;
		if (route_of(r, nr, p[i].prefix, NULL) == NULL) {
			if (!ev_has(l, "bgp_withdrawn", p[i].prefix, NULL) &&
			    route_of(p, i, p[i].prefix, NULL) == NULL) {
				e = ev_add(l, t);
				snprintf(e->kind, sizeof(e->kind),
					 "bgp_withdrawn");
				snprintf(e->prefix, sizeof(e->prefix), "%s",
					 p[i].prefix);
				snprintf(e->message, sizeof(e->message),
					 "%s: withdrawn since the last state "
					 "stored (it was via %s)",
					 p[i].prefix, p[i].transit);
			}
			continue;
		}
		if (route_of(r, nr, p[i].prefix, p[i].transit) == NULL &&
		    !ev_has(l, "bgp_upstream_gone", p[i].prefix,
			    p[i].transit)) {
			e = ev_add(l, t);
			snprintf(e->kind, sizeof(e->kind),
				 "bgp_upstream_gone");
			snprintf(e->prefix, sizeof(e->prefix), "%s",
				 p[i].prefix);
			snprintf(e->transit, sizeof(e->transit), "%s",
				 p[i].transit);
			snprintf(e->message, sizeof(e->message),
				 "%s: %s (AS%s) no longer an upstream since "
				 "the last state stored (it had %u of %u "
				 "peers)",
				 p[i].prefix, p[i].transit, p[i].asns,
				 p[i].peers, p[i].total);
		}
	}
}

/* --db: the state, its events and the planes' into the history; what was
 * stored said on `say`.  Returns 0, or an error (exit 2). */
static int store_history(struct bgp_run *b, size_t n_read,
			 const struct nkt_transits *ts, FILE *say,
			 struct nkt_err *err)
{
	const struct nkt_bgp_view *v = &b->view;
	struct nkt_history *h;
	struct nkt_plane_route *rows = NULL, *prev = NULL;
	struct nkt_event *pe = NULL;
	struct ev_list l = {0};
	char **keys;
	size_t nr, np = 0, npe = 0, i, fresh = 0;
	int64_t pt = 0;
	int rc = NKT_OK;

	if (!v->baseline)
		return nkt_err_set(err, NKT_EINVAL,
				   "--db needs a RIB dump among the files "
				   "(updates alone say nothing of the routes "
				   "announced before them)");
	keys = nkt_xcalloc(n_read + 1, sizeof(*keys));
	if ((h = nkt_history_open(b->o->db, 0, err)) == NULL) {
		free(keys);
		return NKT_EINVAL;
	}
	for (i = 0; i < n_read && rc == NKT_OK; i++) {
		char path[4096], k[4400];
		int present = 0;
		snprintf(path, sizeof(path), "%s", b->in[i].path);
		snprintf(k, sizeof(k), "%s|%lld|%lld|%llu", basename(path),
			 (long long)b->in[i].first, (long long)b->in[i].last,
			 (unsigned long long)b->in[i].records);
		keys[i] = nkt_xstrdup(k);
		rc = nkt_history_bgp_has(h, k, &present, err);
		fresh += !present;
	}
	if (rc != NKT_OK)
		goto out;
	if (fresh == 0) {
		fprintf(say, "history %s: these files are stored already; "
			     "nothing added\n",
			b->o->db);
		goto out;
	}
	nr = state_rows(v, ts, &rows);
	if ((rc = nkt_history_bgp_latest(h, 0, &pt, &prev, &np, err)) !=
	    NKT_OK)
		goto out;
	for (i = 0; i < v->n_ev; i++) {
		const struct nkt_bgp_event *be = &v->ev[i];
		struct nkt_event *e;
		/* stored with the last state already (files read again) */
		if (pt > 0 && be->time <= pt)
			continue;
		e = ev_add(&l, be->time);
		const char *kind = nkt_bgp_event_text(v, be, ts, e->message,
						      sizeof(e->message));
		snprintf(e->kind, sizeof(e->kind), "%s", kind);
		nkt_mrt_prefix_str(&v->p[be->prefix].prefix, e->prefix,
				   sizeof(e->prefix));
		if (be->kind == NKT_BGP_NEW_UPSTREAM ||
		    be->kind == NKT_BGP_UPSTREAM_GONE)
			transit_name(ts, be->asn, e->transit,
				     sizeof(e->transit));
	}
	if (pt > 0 && pt <= v->first)
		state_diff(prev, np, rows, nr, v->first, &l);
	if ((rc = nkt_planes_events(h, rows, nr, &pe, &npe, err)) != NKT_OK)
		goto out;
	for (i = 0; i < npe; i++)
		*ev_add(&l, v->last) = pe[i];
	if ((rc = nkt_history_bgp_store(h, v->last, rows, nr, l.e, l.t, l.n,
					keys, n_read, err)) != NKT_OK)
		goto out;
	fprintf(say,
		"history %s: the control plane at %lld: %zu %s with routes; "
		"%zu event%s\n",
		b->o->db, (long long)v->last, nr,
		nr == 1 ? "transit of a prefix" : "transits of prefixes", l.n,
		l.n == 1 ? "" : "s");
	for (i = 0; i < l.n; i++)
		fprintf(say, "  event %s: %s\n", l.e[i].kind, l.e[i].message);
out:
	for (i = 0; i < n_read; i++)
		free(keys[i]);
	free(keys);
	free(rows);
	free(prev);
	free(pe);
	free(l.e);
	free(l.t);
	nkt_history_close(h);
	return rc;
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
	if (o->out.verbose)
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
			int bad = nkt_bgp_json_write(b->out.f, &b->view, b->in,
						     n_read, ts) != 0;
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
	if (o->db != NULL &&
	    store_history(b, n_read, ts, o->json_out ? stderr : stdout,
			  &err) != NKT_OK) {
		code = nkt_fail("bgp", &err);
		goto out;
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
