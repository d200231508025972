// SPDX-License-Identifier: ISC
/* out_bgp.c: `nktrace bgp`'s records, text and JSON (out_bgp.h). */
#include "nktrace/out_bgp.h"
#include "nktrace/out_opts.h"
#include "nktrace/out_report.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* An AS path, at most as long as bgpdump's (8000 bytes) */
#define PATH_MAX_TEXT 8000

long nkt_mrt_write_records(FILE *f, const struct nkt_mrt_rec *r, int result,
			   const struct nkt_bgp_sel *sel)
{
	char t[32], peer[64], pfx[64], *path;
	long lines = 0;
	size_t i;

	if (r->type == NKT_MRT_BGP4MP_ET)
		snprintf(t, sizeof(t), "%u.%06u", r->time, r->usec);
	else
		snprintf(t, sizeof(t), "%u", r->time);
	if (result == NKT_MRT_STATE) {
		if (sel != NULL)
			return 0;
		nkt_mrt_addr_str(&r->peers[0].addr, peer, sizeof(peer));
		return fprintf(f, "%s|%s|STATE|%s|%u|%u|%u\n", r->format, t,
			       peer, r->peers[0].asn, r->old_state,
			       r->new_state) < 0
			       ? -1
			       : 1;
	}
	if (result != NKT_MRT_ROUTES || r->n_routes == 0)
		return 0;
	path = malloc(PATH_MAX_TEXT);
	if (path == NULL)
		return -1;
	for (i = 0; i < r->n_routes; i++) {
		const struct nkt_mrt_route *rt = &r->routes[i];
		const struct nkt_mrt_path *p =
			rt->path >= 0 ? &r->paths[rt->path] : NULL;
		const struct nkt_mrt_peer *pe = &r->peers[rt->peer];
		char id[16] = "";
		int rc;
		if (sel != NULL &&
		    !nkt_bgp_sel_match(sel, &rt->prefix,
				       p ? nkt_mrt_origin_as(r, p) : 0))
			continue;
		nkt_mrt_addr_str(&pe->addr, peer, sizeof(peer));
		nkt_mrt_prefix_str(&rt->prefix, pfx, sizeof(pfx));
		if (rt->has_path_id)
			snprintf(id, sizeof(id), "|%u", rt->path_id);
		if (rt->kind == 'W')
			rc = fprintf(f, "%s|%s|W|%s|%u|%s%s\n", r->format, t,
				     peer, pe->asn, pfx, id);
		else
			rc = fprintf(f, "%s|%s|%c|%s|%u|%s%s|%s\n", r->format,
				     t, rt->kind, peer, pe->asn, pfx, id,
				     p ? nkt_mrt_path_str(r, p, path,
							  PATH_MAX_TEXT)
				       : "");
		if (rc < 0) {
			free(path);
			return -1;
		}
		lines++;
	}
	free(path);
	return lines;
}

char *nkt_bgp_as_name(const struct nkt_transits *ts, uint32_t asn, char *buf,
		      size_t len)
{
	int t = ts ? nkt_transit_of_asn(ts, asn) : -1;
	if (t >= 0 && ts->t[t].configured)
		snprintf(buf, len, "%s (AS%u)", ts->t[t].name, asn);
	else
		snprintf(buf, len, "AS%u", asn);
	return buf;
}

static const char *const event_kind[] = {
	[NKT_BGP_NEW_UPSTREAM] = "bgp_new_upstream",
	[NKT_BGP_UPSTREAM_GONE] = "bgp_upstream_gone",
	[NKT_BGP_ANNOUNCED] = "bgp_announced",
	[NKT_BGP_WITHDRAWN] = "bgp_withdrawn",
	[NKT_BGP_NEW_ORIGIN] = "bgp_new_origin",
	[NKT_BGP_MORE_SPECIFIC] = "bgp_more_specific",
};

const char *nkt_bgp_event_text(const struct nkt_bgp_view *v,
			       const struct nkt_bgp_event *e,
			       const struct nkt_transits *ts, char *buf,
			       size_t len)
{
	char pfx[64], name[128], cov[64];
	const struct nkt_bgp_prefix *pf = &v->p[e->prefix];
	nkt_mrt_prefix_str(&pf->prefix, pfx, sizeof(pfx));
	nkt_bgp_as_name(ts, e->asn, name, sizeof(name));
	switch (e->kind) {
	case NKT_BGP_NEW_UPSTREAM:
		snprintf(buf, len,
			 "%s is announced via %s, an upstream it did not have "
			 "before (%u peer%s by the end)",
			 pfx, name, e->peers, e->peers == 1 ? "" : "s");
		break;
	case NKT_BGP_UPSTREAM_GONE:
		snprintf(buf, len,
			 "%s is no longer announced via %s (which up to %u "
			 "peer%s had)",
			 pfx, name, e->peers, e->peers == 1 ? "" : "s");
		break;
	case NKT_BGP_ANNOUNCED:
		snprintf(buf, len, "%s is announced, origin %s", pfx, name);
		break;
	case NKT_BGP_WITHDRAWN:
		snprintf(buf, len, "%s is withdrawn: no peer has a route to it",
			 pfx);
		break;
	case NKT_BGP_NEW_ORIGIN:
		snprintf(buf, len,
			 "%s is also originated by %s (more than one origin)",
			 pfx, name);
		break;
	case NKT_BGP_MORE_SPECIFIC:
		nkt_mrt_prefix_str(&v->p[e->covering].prefix, cov,
				   sizeof(cov));
		snprintf(buf, len,
			 "%s is announced inside %s (a more-specific, origin "
			 "%s)",
			 pfx, cov, name);
		break;
	default:
		snprintf(buf, len, "%s", pfx);
	}
	return event_kind[e->kind];
}

/* The prefixes in the order shown: by address family, address, length. */
static int pfx_order(const void *a, const void *b, void *ctx)
{
	const struct nkt_bgp_view *v = ctx;
	const struct nkt_mrt_prefix *x = &v->p[*(const size_t *)a].prefix;
	const struct nkt_mrt_prefix *y = &v->p[*(const size_t *)b].prefix;
	int c;
	if (x->addr.af != y->addr.af)
		return x->addr.af < y->addr.af ? -1 : 1;
	if ((c = memcmp(x->addr.a, y->addr.a, 16)) != 0)
		return c;
	return x->len < y->len ? -1 : x->len > y->len;
}

static size_t *prefix_order(const struct nkt_bgp_view *v)
{
	size_t *ix = nkt_xcalloc(v->n ? v->n : 1, sizeof(*ix)), i;
	for (i = 0; i < v->n; i++)
		ix[i] = i;
	qsort_r(ix, v->n, sizeof(*ix), pfx_order, (void *)(uintptr_t)v);
	return ix;
}

/* The ASes of a list in the order shown: most peers first. */
static int as_order(const void *a, const void *b)
{
	const struct nkt_bgp_as *x = a, *y = b;
	if (x->peers != y->peers)
		return x->peers > y->peers ? -1 : 1;
	if (x->routes != y->routes)
		return x->routes > y->routes ? -1 : 1;
	return x->asn < y->asn ? -1 : x->asn > y->asn;
}

static struct nkt_bgp_as *as_sorted(const struct nkt_bgp_as *list, size_t n)
{
	struct nkt_bgp_as *c = nkt_xcalloc(n ? n : 1, sizeof(*c));
	if (n)
		memcpy(c, list, n * sizeof(*c));
	qsort(c, n, sizeof(*c), as_order);
	return c;
}

#define tr_row nkt_bgp_transit

static size_t transit_rows(const struct nkt_bgp_prefix *pf,
			   const struct nkt_transits *ts, struct tr_row **out);

static int row_of(const struct tr_row *rows, size_t n, int group,
		  uint32_t asn)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (group >= 0 ? rows[i].group == group
			       : rows[i].group < 0 && rows[i].asns[0] == asn)
			return (int)i;
	return -1;
}

static int group_of(const struct nkt_transits *ts, uint32_t asn)
{
	int t = ts ? nkt_transit_of_asn(ts, asn) : -1;
	return t >= 0 && ts->t[t].configured ? t : -1;
}

static int tr_order(const void *a, const void *b)
{
	const struct tr_row *x = a, *y = b;
	if (x->peers != y->peers)
		return x->peers > y->peers ? -1 : 1;
	if (x->routes != y->routes)
		return x->routes > y->routes ? -1 : 1;
	return strcmp(x->name, y->name);
}

size_t nkt_bgp_transits(const struct nkt_bgp_prefix *pf,
			const struct nkt_transits *ts,
			struct nkt_bgp_transit **out)
{
	return transit_rows(pf, ts, out);
}

/* The transits of prefix pf, most peers first (*out the caller's to
 * free).  A peer counts once per transit, whatever its paths. */
static size_t transit_rows(const struct nkt_bgp_prefix *pf,
			   const struct nkt_transits *ts, struct tr_row **out)
{
	struct tr_row *rows = nkt_xcalloc(pf->n_up ? pf->n_up : 1,
					  sizeof(*rows));
	size_t n = 0, i;
	for (i = 0; i < pf->n_up; i++) {
		const struct nkt_bgp_as *a = &pf->up[i];
		int g = group_of(ts, a->asn), k = row_of(rows, n, g, a->asn);
		struct tr_row *r;
		if (k < 0) {
			k = (int)n++;
			rows[k].group = g;
			if (g >= 0)
				snprintf(rows[k].name, sizeof(rows[k].name),
					 "%s", ts->t[g].name);
			else
				snprintf(rows[k].name, sizeof(rows[k].name),
					 "AS%u", a->asn);
		}
		r = &rows[k];
		if (r->n_asns < NKT_ARRAY_LEN(r->asns))
			r->asns[r->n_asns++] = a->asn;
		r->routes += a->routes;
		if (a->peers_max > r->peers_max)
			r->peers_max = a->peers_max;
		if (a->last_seen > r->last_seen)
			r->last_seen = a->last_seen;
	}
	for (i = 0; i < pf->n_routes; i++) {
		const struct nkt_bgp_route *rt = &pf->routes[i];
		int k;
		if (rt->upstream == 0)
			continue;
		k = row_of(rows, n, group_of(ts, rt->upstream), rt->upstream);
		if (k < 0)
			continue;
		if (rows[k].last_peer != rt->peer + 1) {
			rows[k].peers++;
			rows[k].last_peer = rt->peer + 1;
		}
		if (rows[k].since == 0 || rt->since < rows[k].since)
			rows[k].since = rt->since;
	}
	qsort(rows, n, sizeof(*rows), tr_order);
	*out = rows;
	return n;
}

static json_t *time_or_null(int64_t t)
{
	return t ? json_integer(t) : json_null();
}

static json_t *as_json(const struct nkt_bgp_as *a, uint32_t of,
		       const struct nkt_transits *ts, int upstream)
{
	json_t *o = json_object();
	char name[128];
	int t = ts ? nkt_transit_of_asn(ts, a->asn) : -1;
	json_object_set_new(o, "asn", json_integer(a->asn));
	if (upstream) {
		json_object_set_new(o, "name",
				    json_string(nkt_bgp_as_name(
					    ts, a->asn, name, sizeof(name))));
		json_object_set_new(o, "transit",
				    t >= 0 && ts->t[t].configured
					    ? json_string(ts->t[t].name)
					    : json_null());
	}
	json_object_set_new(o, "peers", json_integer(a->peers));
	json_object_set_new(o, "share",
			    of ? json_real((double)a->peers / of)
			       : json_null());
	json_object_set_new(o, "routes", json_integer(a->routes));
	json_object_set_new(o, "peers_max", json_integer(a->peers_max));
	json_object_set_new(o, "since", time_or_null(a->routes ? a->since : 0));
	json_object_set_new(o, "first_seen", time_or_null(a->first_seen));
	json_object_set_new(o, "last_seen", time_or_null(a->last_seen));
	return o;
}

static uint64_t sum(const struct nkt_bgp_input *files, size_t n, size_t off)
{
	uint64_t s = 0;
	size_t i;
	for (i = 0; i < n; i++)
		s += *(const uint64_t *)((const char *)&files[i] + off);
	return s;
}

#define SUM(field) sum(files, n_files, offsetof(struct nkt_bgp_input, field))

/* The summary's members before "prefixes" and "events". */
static json_t *head_json(const struct nkt_bgp_view *v,
			 const struct nkt_bgp_input *files, size_t n_files)
{
	json_t *o = json_object(), *fa = json_array(), *rec = json_object(),
	       *sel = json_object(), *sp = json_array(), *so = json_array();
	char vbuf[64], pfx[64];
	size_t i;

	snprintf(vbuf, sizeof(vbuf), "nktrace %s", NKT_VERSION);
	json_object_set_new(o, "type", json_string("bgp"));
	json_object_set_new(o, "version", json_string(vbuf));
	json_object_set_new(o, "start", time_or_null(v->first));
	json_object_set_new(o, "end", time_or_null(v->last));
	for (i = 0; i < n_files; i++) {
		json_t *f = json_object();
		json_object_set_new(f, "path", json_string(files[i].path));
		json_object_set_new(f, "kind", json_string(files[i].rib
								   ? "rib"
								   : "updates"));
		json_object_set_new(f, "records",
				    json_integer((json_int_t)files[i].records));
		json_object_set_new(f, "skipped",
				    json_integer((json_int_t)files[i].skipped));
		json_object_set_new(f, "unread",
				    json_integer((json_int_t)files[i].unread));
		json_object_set_new(f, "first", time_or_null(files[i].first));
		json_object_set_new(f, "last", time_or_null(files[i].last));
		json_object_set_new(f, "cut", files[i].cut
						      ? json_string(files[i].cut)
						      : json_null());
		json_array_append_new(fa, f);
	}
	json_object_set_new(o, "files", fa);
	json_object_set_new(rec, "read", json_integer((json_int_t)v->records));
	json_object_set_new(rec, "rib_entries",
			    json_integer((json_int_t)v->rib_entries));
	json_object_set_new(rec, "announcements",
			    json_integer((json_int_t)v->announcements));
	json_object_set_new(rec, "withdrawals",
			    json_integer((json_int_t)v->withdrawals));
	json_object_set_new(rec, "state_changes",
			    json_integer((json_int_t)v->state_changes));
	json_object_set_new(rec, "sessions_down",
			    json_integer((json_int_t)v->sessions_down));
	json_object_set_new(rec, "skipped", json_integer((json_int_t)SUM(skipped)));
	json_object_set_new(rec, "unread", json_integer((json_int_t)SUM(unread)));
	json_object_set_new(rec, "masked_prefixes",
			    json_integer((json_int_t)SUM(masked)));
	json_object_set_new(rec, "other_families",
			    json_integer((json_int_t)SUM(other_af)));
	json_object_set_new(rec, "truncated_nlri",
			    json_integer((json_int_t)SUM(truncated)));
	json_object_set_new(o, "records", rec);
	json_object_set_new(o, "peers", json_integer((json_int_t)v->n_peers));
	json_object_set_new(o, "baseline", json_boolean(v->baseline));
	for (i = 0; i < v->sel.n_prefixes; i++)
		json_array_append_new(
			sp, json_string(nkt_mrt_prefix_str(&v->sel.prefixes[i],
							   pfx, sizeof(pfx))));
	for (i = 0; i < v->sel.n_origins; i++)
		json_array_append_new(so, json_integer(v->sel.origins[i]));
	json_object_set_new(sel, "prefixes", sp);
	json_object_set_new(sel, "origins", so);
	json_object_set_new(o, "selection", sel);
	return o;
}

/* Prefix v->p[pi] as its JSON object (data/bgp.schema.md). */
static json_t *prefix_json(const struct nkt_bgp_view *v, size_t pi,
			   const struct nkt_transits *ts)
{
	char buf[512], pfx[64];
	size_t j;
	const struct nkt_bgp_prefix *pf = &v->p[pi];
	json_t *p = json_object(), *ua = json_array(),
	       *oa = json_array(), *ta = json_array();
	struct tr_row *tr;
	size_t n_tr;
	struct nkt_bgp_as *up = as_sorted(pf->up, pf->n_up),
			  *og = as_sorted(pf->orig, pf->n_orig);
	long c = nkt_bgp_covering(v, pi);
	json_object_set_new(p, "prefix",
			    json_string(nkt_mrt_prefix_str(
				    &pf->prefix, pfx, sizeof(pfx))));
	json_object_set_new(p, "peers", json_integer(pf->peers));
	for (j = 0; j < pf->n_orig; j++)
		if (og[j].routes > 0)
			json_array_append_new(
				oa, as_json(&og[j], pf->peers, ts, 0));
	for (j = 0; j < pf->n_up; j++)
		json_array_append_new(ua, as_json(&up[j], pf->peers,
						  ts, 1));
	n_tr = transit_rows(pf, ts, &tr);
	for (j = 0; j < n_tr; j++) {
		json_t *x = json_object(), *as = json_array();
		size_t k;
		json_object_set_new(x, "name", json_string(tr[j].name));
		json_object_set_new(x, "configured",
				    json_boolean(tr[j].group >= 0));
		for (k = 0; k < tr[j].n_asns; k++)
			json_array_append_new(
				as, json_integer(tr[j].asns[k]));
		json_object_set_new(x, "asns", as);
		json_object_set_new(x, "peers", json_integer(tr[j].peers));
		json_object_set_new(
			x, "share",
			pf->peers ? json_real((double)tr[j].peers /
					      pf->peers)
				  : json_null());
		json_object_set_new(x, "peers_max",
				    json_integer(tr[j].peers_max));
		json_object_set_new(x, "since",
				    time_or_null(tr[j].peers
							 ? tr[j].since
							 : 0));
		json_object_set_new(x, "last_seen",
				    time_or_null(tr[j].last_seen));
		json_array_append_new(ta, x);
	}
	free(tr);
	json_object_set_new(p, "origins", oa);
	json_object_set_new(p, "transits", ta);
	json_object_set_new(p, "upstreams", ua);
	json_object_set_new(
		p, "more_specific_of",
		c >= 0 ? json_string(nkt_mrt_prefix_str(
				 &v->p[c].prefix, buf, sizeof(buf)))
		       : json_null());
	json_object_set_new(p, "announcements",
			    json_integer((json_int_t)pf->announcements));
	json_object_set_new(p, "withdrawals",
			    json_integer((json_int_t)pf->withdrawals));
	json_object_set_new(p, "rib_entries",
			    json_integer((json_int_t)pf->rib_entries));
	json_object_set_new(p, "first_seen", time_or_null(pf->first_seen));
	json_object_set_new(p, "last_change",
			    time_or_null(pf->last_change));
	free(up);
	free(og);
	return p;
}

/* Event v->ev[i] as its JSON object. */
static json_t *event_json(const struct nkt_bgp_view *v, size_t i,
			  const struct nkt_transits *ts)
{
	char buf[512], pfx[64];
	const struct nkt_bgp_event *e = &v->ev[i];
	json_t *x = json_object();
	const char *kind = nkt_bgp_event_text(v, e, ts, buf, sizeof(buf));
	json_object_set_new(x, "kind", json_string(kind));
	json_object_set_new(x, "time", json_integer(e->time));
	json_object_set_new(x, "prefix",
			    json_string(nkt_mrt_prefix_str(
				    &v->p[e->prefix].prefix, pfx,
				    sizeof(pfx))));
	json_object_set_new(x, "asn",
			    e->asn ? json_integer(e->asn) : json_null());
	json_object_set_new(x, "peers", json_integer(e->peers));
	json_object_set_new(x, "message", json_string(buf));
	return x;
}

/* One JSON value, compact, or -1. */
static int dump(FILE *f, json_t *j)
{
	int rc = j == NULL ? -1 : json_dumpf(j, f, NKT_JSON_FLAGS);
	json_decref(j);
	return rc;
}

int nkt_bgp_json_write(FILE *f, const struct nkt_bgp_view *v,
		       const struct nkt_bgp_input *files, size_t n_files,
		       const struct nkt_transits *ts)
{
	/* Written a prefix at a time, not built whole: a view of many
	 * prefixes makes a tree ten times its size.  The same bytes as the
	 * whole object dumped compact: its members in order, "prefixes" and
	 * "events" last. */
	json_t *o = head_json(v, files, n_files);
	char *head = json_dumps(o, NKT_JSON_FLAGS);
	size_t i, *ix = prefix_order(v);
	int rc = 0;

	json_decref(o);
	if (head == NULL || head[0] != '{' || head[strlen(head) - 1] != '}') {
		free(head);
		free(ix);
		return -1;
	}
	head[strlen(head) - 1] = '\0';
	if (fputs(head, f) == EOF || fputs(",\"prefixes\":[", f) == EOF)
		rc = -1;
	for (i = 0; rc == 0 && i < v->n; i++)
		if ((i > 0 && fputc(',', f) == EOF) ||
		    dump(f, prefix_json(v, ix[i], ts)) != 0)
			rc = -1;
	if (rc == 0 && fputs("],\"events\":[", f) == EOF)
		rc = -1;
	for (i = 0; rc == 0 && i < v->n_ev; i++)
		if ((i > 0 && fputc(',', f) == EOF) ||
		    dump(f, event_json(v, i, ts)) != 0)
			rc = -1;
	if (rc == 0 && fputs("]}\n", f) == EOF)
		rc = -1;
	free(head);
	free(ix);
	return rc;
}

int nkt_bgp_text(FILE *f, const struct nkt_bgp_view *v,
		 const struct nkt_bgp_input *files, size_t n_files,
		 const struct nkt_transits *ts)
{
	char t0[32], t1[32], pfx[64], name[128], buf[512], since[32];
	size_t i, j, *ix = prefix_order(v);
	int w = 0;

	nkt_report_utc(v->first, "%Y-%m-%d %H:%M:%S", t0, sizeof(t0));
	nkt_report_utc(v->last, "%Y-%m-%d %H:%M:%S", t1, sizeof(t1));
	fprintf(f,
		"nktrace bgp: %zu file%s, %s to %s UTC; %zu peers; %llu "
		"records (%llu RIB entries, %llu announcements, %llu "
		"withdrawals)",
		n_files, n_files == 1 ? "" : "s", v->first ? t0 : "-",
		v->last ? t1 : "-", v->n_peers,
		(unsigned long long)v->records,
		(unsigned long long)v->rib_entries,
		(unsigned long long)v->announcements,
		(unsigned long long)v->withdrawals);
	if (SUM(skipped) || SUM(unread))
		fprintf(f, "; %llu skipped (malformed), %llu not read (types "
			   "nktrace does not read)",
			(unsigned long long)SUM(skipped),
			(unsigned long long)SUM(unread));
	fputc('\n', f);
	if (v->n == 0) {
		fputs("no route to ", f);
		for (i = 0; i < v->sel.n_prefixes; i++)
			fprintf(f, "%s%s", i ? ", " : "",
				nkt_mrt_prefix_str(&v->sel.prefixes[i], pfx,
						   sizeof(pfx)));
		if (v->sel.n_prefixes)
			fputs(v->sel.n_prefixes > 1
				      ? " or their more-specifics"
				      : " or its more-specifics",
			      f);
		for (i = 0; i < v->sel.n_origins; i++)
			fprintf(f, "%s%u", i ? ", AS" : v->sel.n_prefixes
							? ", nor any prefix "
							  "originated by AS"
							: "any prefix "
							  "originated by AS",
				v->sel.origins[i]);
		fputs(" in these files\n", f);
	}
	for (i = 0; i < v->n; i++) {
		const struct nkt_bgp_prefix *pf = &v->p[ix[i]];
		struct nkt_bgp_as *og = as_sorted(pf->orig, pf->n_orig);
		long c = nkt_bgp_covering(v, ix[i]);
		struct tr_row *tr;
		size_t n_tr;
		nkt_mrt_prefix_str(&pf->prefix, pfx, sizeof(pfx));
		fprintf(f, "%-18s", pfx);
		if (pf->peers == 0) {
			nkt_report_utc(pf->last_change, "%Y-%m-%d %H:%M:%S",
				       since, sizeof(since));
			fprintf(f, " withdrawn (no peer has a route since %s "
				   "UTC)",
				since);
		} else {
			fputs(" origin", f);
			for (j = 0; j < pf->n_orig; j++)
				if (og[j].routes > 0)
					fprintf(f, "%s AS%u", j ? "," : "",
						og[j].asn);
			fprintf(f, "  %u peer%s", pf->peers,
				pf->peers == 1 ? "" : "s");
			if (c >= 0)
				fprintf(f, "  (more-specific of %s)",
					nkt_mrt_prefix_str(&v->p[c].prefix, buf,
							   sizeof(buf)));
		}
		fputc('\n', f);
		n_tr = transit_rows(pf, ts, &tr);
		for (j = 0; j < n_tr; j++) {
			const struct tr_row *a = &tr[j];
			size_t k;
			int n = 0;
			for (k = 0; k < a->n_asns && n >= 0 &&
				    (size_t)n < sizeof(name);
			     k++)
				n += snprintf(name + n, sizeof(name) - (size_t)n,
					      "%s%s%u", k ? ", " : "",
					      a->group >= 0 ? "AS" : "",
					      a->asns[k]);
			if (a->group >= 0) {
				char g[sizeof(name) + sizeof(a->name) + 4];
				snprintf(g, sizeof(g), "%s (%s)", a->name, name);
				snprintf(name, sizeof(name), "%.*s",
					 (int)sizeof(name) - 1, g);
			}
			if (a->peers > 0) {
				nkt_report_utc(a->since, "%Y-%m-%d %H:%M",
					       since, sizeof(since));
				fprintf(f, "  via %-30s %5u peer%s %5.1f%%  since "
					   "%s\n",
					name, a->peers, a->peers == 1 ? " " : "s",
					pf->peers ? 100.0 * a->peers / pf->peers
						  : 0.0,
					since);
			} else {
				nkt_report_utc(a->last_seen, "%Y-%m-%d %H:%M",
					       since, sizeof(since));
				fprintf(f, "  via %-30s gone since %s (up to %u "
					   "peer%s)\n",
					name, since, a->peers_max,
					a->peers_max == 1 ? "" : "s");
			}
		}
		free(tr);
		fprintf(f, "  %llu announcements, %llu withdrawals, %llu RIB "
			   "entries\n",
			(unsigned long long)pf->announcements,
			(unsigned long long)pf->withdrawals,
			(unsigned long long)pf->rib_entries);
		free(og);
	}
	if (v->n_ev > 0)
		fputs("events:\n", f);
	else if (v->n > 0 && !v->baseline)
		fputs("no changes called: no RIB dump came before the updates, "
		      "so what they announce is not known to be new\n",
		      f);
	for (i = 0; i < v->n_ev; i++) {
		const char *kind =
			nkt_bgp_event_text(v, &v->ev[i], ts, buf, sizeof(buf));
		nkt_report_utc(v->ev[i].time, "%Y-%m-%d %H:%M:%S", t0,
			       sizeof(t0));
		fprintf(f, "  %s  %s: %s\n", t0, kind, buf);
	}
	free(ix);
	w = ferror(f) ? -1 : 0;
	return w;
}
