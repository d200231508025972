// SPDX-License-Identifier: ISC
/* report.c: the typed history report, its builders and its JSON both ways
 * (see report.h).  Pure. */
#include "nktrace/report.h"
#include "nktrace/jsonget.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TIME_MAX 253402300799 /* 9999-12-31T23:59:59Z */

int64_t nkt_report_time(int64_t t)
{
	return t < 0 ? 0 : t > TIME_MAX ? TIME_MAX : t;
}

void nkt_report_free(struct nkt_report *r)
{
	size_t i;
	for (i = 0; i < r->n_transits; i++)
		free(r->transits[i].p);
	for (i = 0; i < r->n_prefixes; i++)
		free(r->prefixes[i].p);
	free(r->transits);
	free(r->prefixes);
	free(r->runs);
	free(r->events);
	free(r->totals);
	free(r->vantage);
	free(r->bgp);
	memset(r, 0, sizeof(*r));
}

uint64_t nkt_report_total(const struct nkt_report *r, const char *what)
{
	size_t i;
	for (i = 0; i < r->n_totals; i++)
		if (strcmp(r->totals[i].what, what) == 0)
			return r->totals[i].n;
	return 0;
}

/* An array of n elements with room for one more (doubling at powers of
 * two), that one zeroed. */
static void *grow(void *a, size_t n, size_t size)
{
	if ((n & (n - 1)) == 0)
		a = nkt_xreallocarray(a, n ? n * 2 : 1, size);
	memset((char *)a + n * size, 0, size);
	return a;
}

struct nkt_report_run *nkt_report_add_run(struct nkt_report *r)
{
	r->runs = grow(r->runs, r->n_runs, sizeof(*r->runs));
	return &r->runs[r->n_runs++];
}

struct nkt_report_event *nkt_report_add_event(struct nkt_report *r)
{
	struct nkt_report_event *e;
	r->events = grow(r->events, r->n_events, sizeof(*r->events));
	e = &r->events[r->n_events++];
	e->e.before = e->e.after = NAN;
	return e;
}

struct nkt_report_series *nkt_report_series(struct nkt_report_series **list,
					    size_t *n, const char *name)
{
	struct nkt_report_series *s;
	size_t i;
	for (i = 0; i < *n; i++)
		if (strcmp((*list)[i].name, name) == 0)
			return &(*list)[i];
	*list = grow(*list, *n, sizeof(**list));
	s = &(*list)[(*n)++];
	snprintf(s->name, sizeof(s->name), "%s", name);
	return s;
}

struct nkt_report_point *nkt_report_add_point(struct nkt_report_series *s)
{
	struct nkt_report_point *p;
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 16;
		s->p = nkt_xreallocarray(s->p, s->cap, sizeof(*s->p));
	}
	p = &s->p[s->n++];
	memset(p, 0, sizeof(*p));
	p->reached_pct = p->rtt_median = p->rtt_p90 = p->rtt_lo = p->rtt_hi =
		p->loss = p->loss_lo = p->loss_hi = p->border_rtt = NAN;
	return p;
}

const struct nkt_report_run *nkt_report_run_by_id(const struct nkt_report *r,
						  int64_t id)
{
	size_t i;
	for (i = 0; i < r->n_runs; i++)
		if (r->runs[i].id == id)
			return &r->runs[i];
	return NULL;
}

const struct nkt_report_point *
nkt_report_latest(const struct nkt_report_series *s, int64_t run)
{
	if (s->n == 0 || run == 0 || s->p[s->n - 1].run != run)
		return NULL;
	return &s->p[s->n - 1];
}

void nkt_report_count_runs(const struct nkt_report *r, size_t *ok,
			   size_t *failed, size_t *interrupted)
{
	size_t i;
	*ok = *failed = *interrupted = 0;
	for (i = 0; i < r->n_runs; i++) {
		if (strcmp(r->runs[i].status, "ok") == 0)
			(*ok)++;
		else if (strcmp(r->runs[i].status, "failed") == 0)
			(*failed)++;
		else
			(*interrupted)++;
	}
}

/* ---- to JSON -------------------------------------------------------------- */

static json_t *jreal(double v)
{
	return isnan(v) ? json_null() : json_real(v);
}

static json_t *jtext(const char *s)
{
	return *s ? json_string(s) : json_null();
}

static json_t *run_json(const struct nkt_report_run *r)
{
	return json_pack("{s:I,s:I,s:I,s:s,s:o,s:I,s:I,s:I}", "id",
			 (json_int_t)r->id, "start", (json_int_t)r->start,
			 "end", (json_int_t)r->end, "status", r->status,
			 "error", jtext(r->error), "targets",
			 (json_int_t)r->targets, "probes",
			 (json_int_t)r->probes, "capture_dropped",
			 (json_int_t)r->capture_dropped);
}

static json_t *transit_point_json(const struct nkt_report_point *p)
{
	return json_pack(
		"{s:I,s:I,s:I,s:I,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:I,s:I,"
		"s:o}",
		"t", (json_int_t)p->t, "run", (json_int_t)p->run, "targets",
		(json_int_t)p->targets, "reached", (json_int_t)p->reached,
		"reached_pct", jreal(p->reached_pct), "rtt_median",
		jreal(p->rtt_median), "rtt_p90", jreal(p->rtt_p90), "rtt_lo",
		jreal(p->rtt_lo), "rtt_hi", jreal(p->rtt_hi), "loss",
		jreal(p->loss), "loss_lo", jreal(p->loss_lo), "loss_hi",
		jreal(p->loss_hi), "sent", (json_int_t)p->sent, "lost",
		(json_int_t)p->lost, "border_rtt", jreal(p->border_rtt));
}

static json_t *prefix_point_json(const struct nkt_report_point *p)
{
	return json_pack("{s:I,s:I,s:o,s:I,s:I,s:o,s:o,s:o,s:o}", "t",
			 (json_int_t)p->t, "run", (json_int_t)p->run,
			 "carrier", jtext(p->carrier), "targets",
			 (json_int_t)p->targets, "reached",
			 (json_int_t)p->reached, "reached_pct",
			 jreal(p->reached_pct), "rtt_median",
			 jreal(p->rtt_median), "rtt_p90", jreal(p->rtt_p90),
			 "loss", jreal(p->loss));
}

/* Transits: {"name", "color"?, "series"}; /24s: {"prefix", "series"}. */
static json_t *series_json(const struct nkt_report_series *s, size_t n,
			   int prefixes)
{
	json_t *arr = json_array();
	size_t i, k;
	for (i = 0; i < n; i++) {
		json_t *o = json_object(), *pts = json_array();
		json_object_set_new(o, prefixes ? "prefix" : "name",
				    json_string(s[i].name));
		if (!prefixes && s[i].color[0])
			json_object_set_new(o, "color",
					    json_string(s[i].color));
		for (k = 0; k < s[i].n; k++)
			json_array_append_new(
				pts, prefixes ? prefix_point_json(&s[i].p[k])
					      : transit_point_json(&s[i].p[k]));
		json_object_set_new(o, "series", pts);
		json_array_append_new(arr, o);
	}
	return arr;
}

json_t *nkt_report_json(const struct nkt_report *r)
{
	json_t *rep = json_object(), *arr = json_array();
	size_t i;

	json_object_set_new(rep, "type", json_string("report"));
	json_object_set_new(rep, "since", json_integer(r->since));
	json_object_set_new(rep, "until", json_integer(r->until));
	json_object_set_new(rep, "latest_ok_run",
			    r->latest_ok_run ? json_integer(r->latest_ok_run)
					     : json_null());
	for (i = 0; i < r->n_runs; i++)
		json_array_append_new(arr, run_json(&r->runs[i]));
	json_object_set_new(rep, "runs", arr);
	json_object_set_new(rep, "transits",
			    series_json(r->transits, r->n_transits, 0));
	json_object_set_new(rep, "prefixes",
			    series_json(r->prefixes, r->n_prefixes, 1));
	arr = json_array();
	for (i = 0; i < r->n_events; i++)
		json_array_append_new(arr, nkt_event_json(&r->events[i].e,
							  r->events[i].time,
							  r->events[i].run));
	json_object_set_new(rep, "events", arr);
	arr = json_object();
	for (i = 0; i < r->n_totals; i++)
		json_object_set_new(arr, r->totals[i].what,
				    json_integer((json_int_t)r->totals[i].n));
	json_object_set_new(rep, "totals", arr);
	arr = json_array();
	for (i = 0; i < r->n_vantage; i++)
		json_array_append_new(
			arr, json_pack("{s:s,s:s,s:s,s:I}", "prefix",
				       r->vantage[i].prefix, "transit",
				       r->vantage[i].transit, "country",
				       r->vantage[i].country, "vantage_points",
				       (json_int_t)r->vantage[i].vantage_points));
	json_object_set_new(rep, "vantage", arr);
	if (r->bgp_time > 0) {
		json_t *b = json_array();
		for (i = 0; i < r->n_bgp; i++)
			json_array_append_new(
				b, json_pack("{s:s,s:s,s:s,s:I,s:I,s:o}",
					     "prefix", r->bgp[i].prefix,
					     "transit", r->bgp[i].transit,
					     "asns", r->bgp[i].asns, "peers",
					     (json_int_t)r->bgp[i].peers,
					     "total",
					     (json_int_t)r->bgp[i].total,
					     "since",
					     r->bgp[i].since > 0
						     ? json_integer(
							       r->bgp[i].since)
						     : json_null()));
		json_object_set_new(rep, "bgp",
				    json_pack("{s:I,s:o}", "time",
					      (json_int_t)r->bgp_time,
					      "routes", b));
	}
	return rep;
}

/* ---- from JSON ------------------------------------------------------------ */

#define I64 ((json_int_t)INT64_MAX)

static int get_time(const json_t *o, const char *key, const char *path,
		    int64_t *t, struct nkt_err *err)
{
	json_int_t v;
	if (nkt_jget_int(o, key, -I64, I64, 0, path, &v, err) != NKT_OK)
		return NKT_EMALFORMED;
	*t = nkt_report_time((int64_t)v);
	return NKT_OK;
}

static int get_count(const json_t *o, const char *key, const char *path,
		     uint64_t *v, struct nkt_err *err)
{
	json_int_t x;
	if (nkt_jget_int(o, key, 0, I64, 0, path, &x, err) != NKT_OK)
		return NKT_EMALFORMED;
	*v = (uint64_t)x;
	return NKT_OK;
}

/* A string member into buf ("" when absent). */
static int get_text(const json_t *o, const char *key, const char *path,
		    char *buf, size_t len, struct nkt_err *err)
{
	const char *s;
	if (nkt_jget_str(o, key, path, &s, err) != NKT_OK)
		return NKT_EMALFORMED;
	snprintf(buf, len, "%s", s ? s : "");
	return NKT_OK;
}

/* "vantage": [{"prefix", "transit", "country", "vantage_points"}];
 * absent in older reports. */
static int read_vantage(const json_t *a, struct nkt_report *r,
			struct nkt_err *err)
{
	const json_t *o;
	size_t i;
	if (a == NULL)
		return NKT_OK;
	if (!json_is_array(a))
		return nkt_err_set(err, NKT_EMALFORMED, "vantage: not an array");
	r->vantage = nkt_xcalloc(json_array_size(a) + 1, sizeof(*r->vantage));
	json_array_foreach(a, i, o)
	{
		struct nkt_report_vantage *v = &r->vantage[r->n_vantage];
		const char *pf, *tr, *cc;
		json_int_t n;
		char path[32];
		snprintf(path, sizeof(path), "vantage[%zu]", i);
		if (nkt_jget_str(o, "prefix", path, &pf, err) != NKT_OK ||
		    nkt_jget_str(o, "transit", path, &tr, err) != NKT_OK ||
		    nkt_jget_str(o, "country", path, &cc, err) != NKT_OK ||
		    nkt_jget_int(o, "vantage_points", 0, I64, 0, path, &n,
				 err) != NKT_OK)
			return NKT_EMALFORMED;
		snprintf(v->prefix, sizeof(v->prefix), "%s", pf ? pf : "");
		snprintf(v->transit, sizeof(v->transit), "%s", tr ? tr : "");
		snprintf(v->country, sizeof(v->country), "%s", cc ? cc : "");
		v->vantage_points = (uint64_t)n;
		r->n_vantage++;
	}
	return NKT_OK;
}

/* "bgp": {"time", "routes": [{"prefix", "transit", "asns", "peers",
 * "total", "since"}]}; absent without a control plane kept. */
static int read_bgp(const json_t *b, struct nkt_report *r,
		    struct nkt_err *err)
{
	const json_t *a, *o;
	json_int_t t;
	size_t i;
	if (b == NULL)
		return NKT_OK;
	if (!json_is_object(b) ||
	    nkt_jget_int(b, "time", 0, I64, 0, "bgp", &t, err) != NKT_OK)
		return nkt_err_set(err, NKT_EMALFORMED,
				   "bgp: not an object with a time");
	a = json_object_get(b, "routes");
	if (!json_is_array(a))
		return nkt_err_set(err, NKT_EMALFORMED,
				   "bgp.routes: not an array");
	r->bgp_time = (int64_t)t;
	r->bgp = nkt_xcalloc(json_array_size(a) + 1, sizeof(*r->bgp));
	json_array_foreach(a, i, o)
	{
		struct nkt_plane_route *x = &r->bgp[r->n_bgp];
		const char *pf, *tr, *as;
		json_int_t peers, total, since;
		char path[40];
		snprintf(path, sizeof(path), "bgp.routes[%zu]", i);
		if (nkt_jget_str(o, "prefix", path, &pf, err) != NKT_OK ||
		    nkt_jget_str(o, "transit", path, &tr, err) != NKT_OK ||
		    nkt_jget_str(o, "asns", path, &as, err) != NKT_OK ||
		    nkt_jget_int(o, "peers", 0, I64, 0, path, &peers, err) !=
			    NKT_OK ||
		    nkt_jget_int(o, "total", 0, I64, 0, path, &total, err) !=
			    NKT_OK ||
		    nkt_jget_int(o, "since", 0, I64, 0, path, &since, err) !=
			    NKT_OK)
			return NKT_EMALFORMED;
		snprintf(x->prefix, sizeof(x->prefix), "%s", pf ? pf : "");
		snprintf(x->transit, sizeof(x->transit), "%s", tr ? tr : "");
		snprintf(x->asns, sizeof(x->asns), "%s", as ? as : "");
		x->peers = (uint32_t)peers;
		x->total = (uint32_t)total;
		x->since = (int64_t)since;
		r->n_bgp++;
	}
	return NKT_OK;
}

/* "totals": {"runs ok": N, "events outage": N, ...}; absent in reports of
 * older versions (then none). */
static int read_totals(const json_t *t, struct nkt_report *r,
		       struct nkt_err *err)
{
	const char *k;
	const json_t *v;
	if (t == NULL)
		return NKT_OK;
	if (!json_is_object(t))
		return nkt_err_set(err, NKT_EMALFORMED,
				   "totals: not an object");
	r->totals = nkt_xcalloc(json_object_size(t) + 1, sizeof(*r->totals));
	json_object_foreach((json_t *)(uintptr_t)t, k, v)
	{
		if (!json_is_integer(v) || json_integer_value(v) < 0)
			return nkt_err_set(err, NKT_EMALFORMED,
					   "totals.%.40s: not a count", k);
		snprintf(r->totals[r->n_totals].what,
			 sizeof(r->totals[0].what), "%s", k);
		r->totals[r->n_totals++].n = (uint64_t)json_integer_value(v);
	}
	return NKT_OK;
}

/* A number of any sign (absent: NAN). */
static int get_real(const json_t *o, const char *key, const char *path,
		    double *v, struct nkt_err *err)
{
	const json_t *j = json_object_get(o, key);
	*v = NAN;
	if (j == NULL || json_is_null(j))
		return NKT_OK;
	if (!json_is_number(j))
		return nkt_err_set(err, NKT_EMALFORMED, "%s.%s: not a number",
				   path, key);
	*v = json_number_value(j);
	return NKT_OK;
}

static int read_run(const json_t *o, const char *path,
		    struct nkt_report_run *r, struct nkt_err *err)
{
	json_int_t id;
	if (!json_is_object(o))
		return nkt_err_set(err, NKT_EMALFORMED, "%s: not an object",
				   path);
	if (nkt_jget_int(o, "id", 0, I64, 0, path, &id, err) != NKT_OK ||
	    get_time(o, "start", path, &r->start, err) != NKT_OK ||
	    get_time(o, "end", path, &r->end, err) != NKT_OK ||
	    get_text(o, "status", path, r->status, sizeof(r->status), err) !=
		    NKT_OK ||
	    get_text(o, "error", path, r->error, sizeof(r->error), err) !=
		    NKT_OK ||
	    get_count(o, "targets", path, &r->targets, err) != NKT_OK ||
	    get_count(o, "probes", path, &r->probes, err) != NKT_OK ||
	    get_count(o, "capture_dropped", path, &r->capture_dropped, err) !=
		    NKT_OK)
		return NKT_EMALFORMED;
	r->id = (int64_t)id;
	return NKT_OK;
}

static int read_point(const json_t *o, const char *path,
		      struct nkt_report_point *p, struct nkt_err *err)
{
	json_int_t run;
	if (!json_is_object(o))
		return nkt_err_set(err, NKT_EMALFORMED, "%s: not an object",
				   path);
	if (get_time(o, "t", path, &p->t, err) != NKT_OK ||
	    nkt_jget_int(o, "run", 0, I64, 0, path, &run, err) != NKT_OK ||
	    get_count(o, "targets", path, &p->targets, err) != NKT_OK ||
	    get_count(o, "reached", path, &p->reached, err) != NKT_OK ||
	    get_real(o, "reached_pct", path, &p->reached_pct, err) != NKT_OK ||
	    get_real(o, "rtt_median", path, &p->rtt_median, err) != NKT_OK ||
	    get_real(o, "rtt_p90", path, &p->rtt_p90, err) != NKT_OK ||
	    get_real(o, "rtt_lo", path, &p->rtt_lo, err) != NKT_OK ||
	    get_real(o, "rtt_hi", path, &p->rtt_hi, err) != NKT_OK ||
	    get_real(o, "loss", path, &p->loss, err) != NKT_OK ||
	    get_real(o, "loss_lo", path, &p->loss_lo, err) != NKT_OK ||
	    get_real(o, "loss_hi", path, &p->loss_hi, err) != NKT_OK ||
	    get_count(o, "sent", path, &p->sent, err) != NKT_OK ||
	    get_count(o, "lost", path, &p->lost, err) != NKT_OK ||
	    get_real(o, "border_rtt", path, &p->border_rtt, err) != NKT_OK ||
	    get_text(o, "carrier", path, p->carrier, sizeof(p->carrier),
		     err) != NKT_OK)
		return NKT_EMALFORMED;
	p->run = (int64_t)run;
	return NKT_OK;
}

static int read_series(const json_t *arr, const char *what, int prefixes,
		       struct nkt_report_series **list, size_t *n,
		       struct nkt_err *err)
{
	const json_t *o, *pts, *p;
	size_t i, k;

	json_array_foreach(arr, i, o)
	{
		struct nkt_report_series *s;
		char path[64], name[96], pp[96];
		snprintf(path, sizeof(path), "%s[%zu]", what, i);
		if (!json_is_object(o))
			return nkt_err_set(err, NKT_EMALFORMED,
					   "%s: not an object", path);
		if (get_text(o, prefixes ? "prefix" : "name", path, name,
			     sizeof(name), err) != NKT_OK ||
		    nkt_jget_array(o, "series", path, &pts, err) != NKT_OK)
			return NKT_EMALFORMED;
		*list = grow(*list, *n, sizeof(**list));
		s = &(*list)[(*n)++];
		snprintf(s->name, sizeof(s->name), "%s", name);
		if (!prefixes && get_text(o, "color", path, s->color,
					  sizeof(s->color), err) != NKT_OK)
			return NKT_EMALFORMED;
		json_array_foreach(pts, k, p)
		{
			snprintf(pp, sizeof(pp), "%s.series[%zu]", path, k);
			if (read_point(p, pp, nkt_report_add_point(s), err) !=
			    NKT_OK)
				return NKT_EMALFORMED;
		}
	}
	return NKT_OK;
}

int nkt_report_event_from_json(const json_t *o, const char *path,
			       struct nkt_report_event *e, struct nkt_err *err)
{
	struct nkt_event *v = &e->e;
	json_int_t run;

	memset(e, 0, sizeof(*e));
	v->before = v->after = NAN;
	if (!json_is_object(o))
		return nkt_err_set(err, NKT_EMALFORMED, "%s: not an object",
				   path);
	if (get_time(o, "time", path, &e->time, err) != NKT_OK ||
	    nkt_jget_int(o, "run", 0, I64, 0, path, &run, err) != NKT_OK ||
	    get_text(o, "kind", path, v->kind, sizeof(v->kind), err) !=
		    NKT_OK ||
	    get_text(o, "prefix", path, v->prefix, sizeof(v->prefix), err) !=
		    NKT_OK ||
	    get_text(o, "transit", path, v->transit, sizeof(v->transit),
		     err) != NKT_OK ||
	    get_text(o, "message", path, v->message, sizeof(v->message),
		     err) != NKT_OK ||
	    get_real(o, "before", path, &v->before, err) != NKT_OK ||
	    get_real(o, "after", path, &v->after, err) != NKT_OK ||
	    get_text(o, "from", path, v->from, sizeof(v->from), err) !=
		    NKT_OK ||
	    get_text(o, "to", path, v->to, sizeof(v->to), err) != NKT_OK)
		return NKT_EMALFORMED;
	e->run = (int64_t)run;
	return NKT_OK;
}

static int read_all(const json_t *j, struct nkt_report *r,
		    struct nkt_err *err)
{
	const json_t *runs, *tr, *pf, *ev, *o;
	json_int_t latest;
	char path[48];
	size_t i;

	if (!json_is_object(j))
		return nkt_err_set(err, NKT_EMALFORMED,
				   "a report is a JSON object");
	if (get_time(j, "since", "", &r->since, err) != NKT_OK ||
	    get_time(j, "until", "", &r->until, err) != NKT_OK ||
	    nkt_jget_int(j, "latest_ok_run", 0, I64, 0, "", &latest, err) !=
		    NKT_OK ||
	    nkt_jget_array(j, "runs", "", &runs, err) != NKT_OK ||
	    nkt_jget_array(j, "transits", "", &tr, err) != NKT_OK ||
	    nkt_jget_array(j, "prefixes", "", &pf, err) != NKT_OK ||
	    nkt_jget_array(j, "events", "", &ev, err) != NKT_OK)
		return NKT_EMALFORMED;
	r->latest_ok_run = (int64_t)latest;
	json_array_foreach(runs, i, o)
	{
		snprintf(path, sizeof(path), "runs[%zu]", i);
		if (read_run(o, path, nkt_report_add_run(r), err) != NKT_OK)
			return NKT_EMALFORMED;
	}
	if (read_series(tr, "transits", 0, &r->transits, &r->n_transits,
			err) != NKT_OK ||
	    read_series(pf, "prefixes", 1, &r->prefixes, &r->n_prefixes,
			err) != NKT_OK)
		return NKT_EMALFORMED;
	json_array_foreach(ev, i, o)
	{
		snprintf(path, sizeof(path), "events[%zu]", i);
		if (nkt_report_event_from_json(o, path, nkt_report_add_event(r),
					       err) != NKT_OK)
			return NKT_EMALFORMED;
	}
	if (read_totals(json_object_get(j, "totals"), r, err) != NKT_OK)
		return NKT_EMALFORMED;
	if (read_vantage(json_object_get(j, "vantage"), r, err) != NKT_OK)
		return NKT_EMALFORMED;
	return read_bgp(json_object_get(j, "bgp"), r, err);
}

int nkt_report_from_json(const json_t *j, struct nkt_report *r,
			 struct nkt_err *err)
{
	memset(r, 0, sizeof(*r));
	if (read_all(j, r, err) == NKT_OK)
		return NKT_OK;
	nkt_report_free(r);
	return NKT_EMALFORMED;
}

int nkt_report_carries(const char *carrier, const char *transit)
{
	size_t n = strlen(transit);
	const char *p = carrier;
	if (n == 0)
		return 0; /* "" is in every text: it carries nothing */
	while ((p = strstr(p, transit)) != NULL) {
		int start = p == carrier || (p - carrier >= 3 &&
					     strncmp(p - 3, " + ", 3) == 0);
		int end = p[n] == '\0' || strncmp(p + n, " + ", 3) == 0;
		if (start && end)
			return 1;
		p += n;
	}
	return 0;
}
