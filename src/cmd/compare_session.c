// SPDX-License-Identifier: ISC
/* compare_session.c: a compare session and its cycles (shell): the data,
 * targets, uplinks, annotator and engine opened once, then each cycle's
 * flows run.  Discovery and re-probing are compare_passes.c's. */
#include "compare_session.h"
#include "nktrace/datafile.h"
#include "nktrace/out_atlas.h"
#include "nktrace/out_compare.h"
#include "cmd_common.h"
#include "nktrace/clock.h"
#include "nktrace/inet.h"
#include "nktrace/priv.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>


/* One --targets argument: an address or prefix, else a file of them. */
static int add_target_arg(struct nkt_targets *t, const char *arg,
			  struct nkt_err *err)
{
	struct nkt_err sub;
	char *buf;
	size_t len;
	int rc;

	if (nkt_targets_add_arg(t, arg, &sub) == NKT_OK)
		return NKT_OK;
	if (access(arg, R_OK) != 0)
		return nkt_err_set(err, NKT_EINVAL,
				   "--targets: %s (and no such file)", sub.msg);
	if (nkt_read_file(arg, &buf, &len, err) != NKT_OK)
		return NKT_EINVAL;
	rc = nkt_targets_add_text(t, buf, len, arg, err);
	free(buf);
	return rc;
}

/* The transit a --via name means: a unique case-insensitive prefix of a
 * transit's name. */
static int via_transit(const struct nkt_transits *ts, const char *name,
		       struct nkt_err *err)
{
	size_t i, n = strlen(name);
	int found = -1;

	for (i = 0; i < ts->n; i++)
		if (strncasecmp(ts->t[i].name, name, n) == 0) {
			if (strlen(ts->t[i].name) == n)
				return (int)i;
			if (found >= 0)
				return nkt_err_set(err, NKT_EINVAL,
						   "--via %s: more than one "
						   "transit starts so",
						   name);
			found = (int)i;
		}
	if (found < 0)
		return nkt_err_set(err, NKT_EINVAL,
				   "--via %s: no such transit in the "
				   "transits file",
				   name);
	return found;
}

/* The same flow from another source address. */
static void set_src(struct nkt_flow *f, uint32_t src)
{
	struct nkt_flow g;
	struct nkt_err err;
	if (nkt_flow_init(&g, (enum nkt_method)f->method, src, f->dst, f->sport,
			  f->dport, f->paris_id, f->size, f->tos,
			  &err) == NKT_OK)
		*f = g;
}

/*
 * Before each cycle: every flow's source address as routing has it now.
 * A routed flow to a target routing has no route to (a withdrawn /24) is
 * not probed: unrouted[i] set, the cycle measures the rest and records
 * it.  A source the capture was not opened for (the address changed since
 * start) fails the cycle with the reason: the tool cannot work.
 */
static int refresh_sources(struct nkt_cmpsess *s, uint8_t *unrouted,
			   struct nkt_err *err)
{
	struct nkt_src_cache *cache = nkt_xcalloc(1, sizeof(*cache));
	size_t i;
	int rc = NKT_OK;

	for (i = 0; i < s->n_flows && rc == NKT_OK; i++) {
		struct nkt_flow *f = &s->flows[i];
		uint32_t src;
		char a[NKT_INET_ADDRSTRLEN], b[NKT_INET_ADDRSTRLEN];
		rc = nkt_source_for(cache, f->dst, s->o.p.src,
				    s->ecfg.uplinks[s->via[i]].ifc.addr, &src,
				    err);
		if (rc == NKT_ENOTFOUND) {
			unrouted[i] = 1;
			rc = NKT_OK;
			continue;
		}
		if (rc != NKT_OK)
			break;
		/* (build_flows may have taken the new source already: the
		 * capture decides) */
		if (!nkt_engine_captures_src(s->eng, src)) {
			rc = nkt_err_set(err, NKT_ESYS,
					 "the source address for %s is now %s, "
					 "which the capture was not opened "
					 "for; restart nktrace",
					 nkt_inet_fmt(f->dst, a),
					 nkt_inet_fmt(src, b));
			break;
		}
		if (src != f->src)
			set_src(f, src);
	}
	free(cache);
	return rc;
}

/*
 * The flows of a target list: every target by every method over every
 * uplink (each uplink its own Paris flow: one 4-tuple over two uplinks is
 * one TCP connection to the host).  A target with no route now is left for
 * the cycle to report (routes change between cycles); its flow gets
 * another target's source until then.  Replaces s->flows and s->via.
 */
static int build_flows(struct nkt_cmpsess *s, const struct nkt_targets *t,
		       struct nkt_err *err)
{
	const struct nkt_compare_opts *o = &s->o;
	struct nkt_src_cache *srcs = nkt_xcalloc(1, sizeof(*srcs));
	size_t i, m, u, n_up = o->n_via ? o->n_via : 1, n = 0;
	struct nkt_flow *flows = nkt_xreallocarray(
		NULL, t->n * o->n_methods * n_up + 1, sizeof(*flows));
	uint8_t *via = nkt_xcalloc(t->n * o->n_methods * n_up + 1, 1);
	int rc = NKT_OK;

	for (i = 0; i < t->n && rc == NKT_OK; i++)
		for (m = 0; m < o->n_methods && rc == NKT_OK; m++)
			for (u = 0; u < n_up && rc == NKT_OK; u++) {
				uint8_t up = o->n_via ? (uint8_t)(u + 1) : 0;
				uint16_t size = o->p.size;
				enum nkt_method meth =
					(enum nkt_method)o->methods[m].method;
				struct nkt_err sub;
				uint32_t src = 0;
				if (size == 0)
					size = meth == NKT_METHOD_TCP ? 40 : 60;
				if (nkt_source_for(srcs, t->addr[i], o->p.src,
						   s->ecfg.uplinks[up].ifc.addr,
						   &src, &sub) != NKT_OK) {
					if (sub.code == NKT_EINVAL) {
						*err = sub;
						rc = NKT_EINVAL;
						break;
					}
					src = 0;
				} else if (s->any_src == 0)
					s->any_src = src;
				rc = nkt_flow_init(
					&flows[n], meth, src, t->addr[i],
					o->p.sport ? (uint16_t)(o->p.sport + u)
						   : 0,
					o->methods[m].port,
					(uint8_t)((o->p.paris_id - 1 + u) % 255 + 1), size,
					o->p.tos, err);
				via[n++] = up;
			}
	for (i = 0; i < n; i++)
		if (flows[i].src == 0 && s->any_src != 0)
			set_src(&flows[i], s->any_src);
	free(srcs);
	if (rc != NKT_OK) {
		free(flows);
		free(via);
		return rc;
	}
	free(s->flows);
	free(s->via);
	s->flows = flows;
	s->via = via;
	s->n_flows = n;
	return NKT_OK;
}

struct nkt_cmpsess *nkt_cmpsess_open(const struct nkt_compare_opts *o,
				     struct nkt_err *err)
{
	struct nkt_cmpsess *s = nkt_xcalloc(1, sizeof(*s));
	size_t i;

	s->o = *o;
	if (nkt_load_data(o->a.transits_file, &s->tdb, &s->trans, err) != NKT_OK)
		goto fail;
	if (s->trans == NULL) {
		nkt_err_set(err, NKT_EINVAL,
			    "no transit definitions (data/transits.json or "
			    "--transits FILE)");
		goto fail;
	}
	for (i = 0; i < o->n_targets; i++)
		if (add_target_arg(&s->targets, o->targets[i], err) != NKT_OK)
			goto fail;
	if (o->n_targets == 0) {
		if (s->tdb == NULL) {
			nkt_err_set(err, NKT_EINVAL,
				    "no data/targets.json; give --targets");
			goto fail;
		}
		/* With discovery: the known hosts, and each cycle those that
		 * answered discovery. */
		nkt_targetdb_defaults(s->tdb,
				      o->discover     ? 0
				      : o->sample_set ? o->sample
						      : s->tdb->sample_per_prefix,
				      &s->targets);
	}
	nkt_targets_dedup(&s->targets);
	if (s->targets.n == 0) {
		nkt_err_set(err, NKT_EINVAL, "the target list is empty");
		goto fail;
	}
	if (nkt_make_key(o->p.have_seed, o->p.seed, &s->ecfg.key, err) != NKT_OK ||
	    nkt_priv_check_raw(err) != NKT_OK)
		goto fail;

	/* Uplinks: one per --via, labelled with the transit's name. */
	s->ecfg.n_uplinks = 1;
	for (i = 0; i < o->n_via; i++) {
		int t = via_transit(s->trans, o->via[i].name, err);
		if (t < 0)
			goto fail;
		if (nkt_setup_uplink(o->via[i].spec, s->trans->t[t].name, 0,
				     &s->ecfg.uplinks[i + 1], err) != NKT_OK)
			goto fail;
		s->ecfg.n_uplinks++;
		s->ccfg.via_name[i + 1] = s->ecfg.uplinks[i + 1].name;
		s->ccfg.via_ifindex[i + 1] =
			(uint32_t)s->ecfg.uplinks[i + 1].ifc.index;
		s->oo.via_name[i + 1] = s->ecfg.uplinks[i + 1].name;
	}
	if (build_flows(s, &s->targets, err) != NKT_OK)
		goto fail;
	if (s->any_src == 0) {
		nkt_err_set(err, NKT_ESYS,
			    "no route to any target (and no --src)");
		goto fail;
	}
	if (!o->p.no_annotate) {
		s->actx.an = nkt_annot_open(o->db.asn_db, o->db.geo_db, err);
		if (s->actx.an == NULL)
			goto fail;
		nkt_annot_warn_missing("compare", s->actx.an);
	}
	s->actx.tdb = s->tdb;
	s->actx.trans = s->trans;
	nkt_annot_out_setup(&s->oo, &s->actx);
	s->ccfg.transits = s->trans;
	s->ccfg.tdb = s->tdb;
	s->ccfg.level = o->a.level;
	s->ccfg.min_units = o->a.min_units;

	s->ecfg.flows = s->flows;
	s->ecfg.via = s->via;
	s->ecfg.n_flows = s->n_flows;
	s->ecfg.pcap_buffer = o->p.pcap_buffer;
	s->ecfg.progress = o->progress < 0 ? isatty(2) : o->progress;
	s->eng = nkt_engine_open(&s->ecfg, err);
	if (s->eng == NULL)
		goto fail;
	s->rediscover_ns = UINT64_MAX; /* compare: once */
	if (o->discover && s->tdb == NULL) {
		nkt_err_set(err, NKT_EINVAL,
			    "--discover needs data/targets.json (the space)");
		goto fail;
	}
	return s;
fail:
	nkt_cmpsess_close(s);
	return NULL;
}

int nkt_cmpsess_drop(struct nkt_cmpsess *s, struct nkt_err *err)
{
	return nkt_priv_drop(s->o.p.user ? s->o.p.user
					 : nkt_priv_default_user(),
			     err);
}

const struct nkt_cmp_cfg *nkt_cmpsess_cfg(const struct nkt_cmpsess *s)
{
	return &s->ccfg;
}

void nkt_cmpsess_shape(const struct nkt_cmpsess *s, size_t *flows,
		       size_t *targets, size_t *given, size_t *methods,
		       size_t *uplinks)
{
	struct nkt_targets t;
	nkt__cmpsess_targets(s, &t);
	*targets = t.n;
	nkt_targets_free(&t);
	*given = s->targets.n;
	*flows = s->n_flows;
	*methods = s->o.n_methods;
	*uplinks = s->o.n_via;
}


int nkt__cmpsess_on_trace(void *ctx, const struct nkt_trace *t)
{
	struct cycle_ctx *cc = ctx;
	struct nkt_aspath p;
	struct nkt_attribution a;

	nkt_annot_aspath(&cc->s->actx, t, &p);
	nkt_annot_attribute(&cc->s->actx, &p, &a);
	if (cc->c->n_obs == cc->cap) {
		cc->cap = cc->cap ? cc->cap * 2 : 64;
		cc->c->obs = nkt_xreallocarray(cc->c->obs, cc->cap,
					       sizeof(*cc->c->obs));
	}
	nkt_cmp_observe(t, &p, &a, cc->s->tdb, &cc->c->obs[cc->c->n_obs++]);
	if (cc->traces != NULL &&
	    (nkt_atlas_write(cc->traces, t, &cc->s->oo) != 0 ||
	     fflush(cc->traces) != 0))
		return -1;
	return 0;
}

void nkt__cmpsess_targets(const struct nkt_cmpsess *s, struct nkt_targets *t)
{
	size_t i;
	memset(t, 0, sizeof(*t));
	for (i = 0; i < s->targets.n; i++)
		nkt__cmpsess_push(t, s->targets.addr[i]);
	for (i = 0; s->o.discover && i < s->found.n; i++)
		nkt__cmpsess_push(t, s->found.addr[i]);
	nkt_targets_dedup(t);
}
/* The flows routing has a route for (a copy to probe), and the targets
 * and /24s of those it has none for, into c. */
static void routed_only(const struct nkt_cmpsess *s, const uint8_t *unrouted,
			struct nkt_cmp_cycle *c, struct nkt_flow **flows,
			uint8_t **via, size_t *n)
{
	size_t i, j;

	*flows = nkt_xcalloc(s->n_flows + 1, sizeof(**flows));
	*via = nkt_xcalloc(s->n_flows + 1, 1);
	*n = 0;
	for (i = 0; i < s->n_flows; i++) {
		uint32_t d = s->flows[i].dst;
		if (!unrouted[i]) {
			(*flows)[*n] = s->flows[i];
			(*via)[(*n)++] = s->via[i];
			continue;
		}
		for (j = 0; j < c->n_unrouted && c->unrouted[j] != d; j++)
			;
		if (j == c->n_unrouted) {
			c->unrouted = nkt_xreallocarray(
				c->unrouted, c->n_unrouted + 1,
				sizeof(*c->unrouted));
			c->unrouted[c->n_unrouted++] = d;
		}
	}
	/* a /24 is unrouted when none of its targets' routed flows had a
	 * route (routing is per /24 or wider) */
	for (i = 0; i < c->n_unrouted; i++) {
		uint32_t net = c->unrouted[i] & 0xffffff00u;
		char p[24];
		int any = 0;
		for (j = 0; j < s->n_flows && !any; j++)
			any = !unrouted[j] && s->via[j] == 0 &&
			      (s->flows[j].dst & 0xffffff00u) == net;
		snprintf(p, sizeof(p), "%u.%u.%u.0/24", net >> 24,
			 (net >> 16) & 0xff, (net >> 8) & 0xff);
		for (j = 0; j < c->n_unrouted_prefixes &&
			    strcmp(c->unrouted_prefixes[j], p) != 0;
		     j++)
			;
		if (any || j < c->n_unrouted_prefixes)
			continue;
		c->unrouted_prefixes = nkt_xreallocarray(
			c->unrouted_prefixes, c->n_unrouted_prefixes + 1,
			sizeof(*c->unrouted_prefixes));
		memcpy(c->unrouted_prefixes[c->n_unrouted_prefixes++], p,
		       sizeof(p));
	}
}

int nkt_cmpsess_cycle(struct nkt_cmpsess *s, FILE *traces,
		      struct nkt_cmp_cycle *c, struct nkt_err *err)
{
	struct nkt_engine_run_cfg rc;
	struct cycle_ctx cc = {s, c, traces, 0};
	struct nkt_targets t;
	struct nkt_flow *flows;
	uint8_t *unrouted, *via;
	size_t n_routed;
	uint64_t t_trace;
	int r;

	memset(c, 0, sizeof(*c));
	memset(&rc, 0, sizeof(rc));
	c->start_ns = c->end_ns = nkt_clock_wall_ns();
	if (s->o.discover && s->tdb != NULL &&
	    (s->found_ns == 0 ||
	     nkt_clock_wall_ns() - s->found_ns >= s->rediscover_ns)) {
		uint64_t t0 = nkt_clock_mono_ns();
		c->start_ns = nkt_clock_wall_ns();
		r = nkt__cmpsess_discover(s, c, err);
		c->discovery_ns = nkt_clock_mono_ns() - t0;
		if (r != NKT_OK)
			return r;
		if (c->run.signal) {
			c->end_ns = nkt_clock_wall_ns();
			return NKT_OK;
		}
	}
	nkt__cmpsess_targets(s, &t);
	r = build_flows(s, &t, err);
	nkt_targets_free(&t);
	if (r != NKT_OK)
		return r;
	unrouted = nkt_xcalloc(s->n_flows + 1, 1);
	if (refresh_sources(s, unrouted, err) != NKT_OK) {
		free(unrouted);
		return err->code;
	}
	routed_only(s, unrouted, c, &flows, &via, &n_routed);
	free(unrouted);
	nkt_probe_opts_sched(&s->o.p, &rc.sched);
	rc.sched.e2e_probes = s->o.pings;
	rc.sched.e2e_interval_ns = s->o.ping_interval_ns;
	rc.flows = flows;
	rc.via = via;
	rc.n_flows = n_routed;
	if (!c->discovered)
		c->start_ns = nkt_clock_wall_ns();
	t_trace = nkt_clock_mono_ns();
	r = n_routed == 0 ? NKT_OK
			  : nkt_engine_run(s->eng, &rc, nkt__cmpsess_on_trace,
					   &cc, &c->run, err);
	c->trace_ns = nkt_clock_mono_ns() - t_trace;
	free(flows);
	free(via);
	if (r == NKT_OK && !c->run.signal)
		r = nkt__cmpsess_reprobe(s, c, &cc, err);
	c->end_ns = nkt_clock_wall_ns();
	if (r != NKT_OK)
		return r;
	nkt_cmp_unify(c->obs, c->n_obs);
	nkt_cmp_summarize(c->obs, c->n_obs, &s->ccfg, &c->res);
	c->summary = nkt_cmp_json(&c->res, c->obs, c->n_obs, &s->ccfg,
				  c->start_ns, c->end_ns);
	json_object_set_new(
		c->summary, "capture",
		json_pack("{s:I,s:I,s:I,s:I}", "frames",
			  (json_int_t)c->run.capture.recv, "dropped",
			  (json_int_t)c->run.capture.drop, "queue_dropped",
			  (json_int_t)c->run.ring_drops, "probes",
			  (json_int_t)c->run.sched.sent));
	if (s->o.discover)
		json_object_set_new(
			c->summary, "discovery",
			json_pack("{s:I,s:I,s:b,s:I}", "answering",
				  (json_int_t)s->found.n, "probes",
				  (json_int_t)c->discovery_probes, "this_cycle",
				  c->discovered, "time",
				  (json_int_t)(s->found_ns / NKT_NS_PER_S)));
	json_object_set_new(c->summary, "reprobed",
			    json_integer((json_int_t)c->reprobed));
	{
		json_t *u = json_array(), *up = json_array();
		size_t i;
		char a[NKT_INET_ADDRSTRLEN];
		for (i = 0; i < c->n_unrouted; i++)
			json_array_append_new(
				u, json_string(nkt_inet_fmt(c->unrouted[i], a)));
		for (i = 0; i < c->n_unrouted_prefixes; i++)
			json_array_append_new(
				up, json_string(c->unrouted_prefixes[i]));
		json_object_set_new(c->summary, "unrouted", u);
		json_object_set_new(c->summary, "unrouted_prefixes", up);
	}
	if (c->run.signal)
		json_object_set_new(c->summary, "interrupted",
				    json_integer(c->run.signal));
	return NKT_OK;
}

void nkt_cmpsess_set_rediscover(struct nkt_cmpsess *s, uint64_t every_ns)
{
	s->rediscover_ns = every_ns;
}

void nkt_cmpsess_found(const struct nkt_cmpsess *s, const uint32_t **addrs,
		       size_t *n, uint64_t *when_ns)
{
	*addrs = s->found.addr;
	*n = s->found.n;
	*when_ns = s->found_ns;
}

void nkt_cmpsess_set_found(struct nkt_cmpsess *s, const uint32_t *addrs,
			   size_t n, uint64_t when_ns)
{
	size_t i;
	nkt_targets_free(&s->found);
	memset(&s->found, 0, sizeof(s->found));
	for (i = 0; i < n; i++)
		nkt__cmpsess_push(&s->found, addrs[i]);
	s->found_ns = when_ns;
}

int nkt_cmpsess_space(const struct nkt_cmpsess *s, uint32_t *net,
		      uint8_t *len)
{
	if (s->tdb == NULL)
		return NKT_ENOTFOUND;
	*net = s->tdb->space_net;
	*len = s->tdb->space_len;
	return NKT_OK;
}

void nkt_cmp_cycle_free(struct nkt_cmp_cycle *c)
{
	size_t i;
	for (i = 0; i < c->n_obs; i++)
		nkt_cmp_obs_free(&c->obs[i]);
	free(c->obs);
	nkt_cmp_result_free(&c->res);
	json_decref(c->summary);
	free(c->unrouted);
	free(c->unrouted_prefixes);
	memset(c, 0, sizeof(*c));
}

void nkt_cmpsess_close(struct nkt_cmpsess *s)
{
	if (s == NULL)
		return;
	nkt_engine_close(s->eng, NULL);
	nkt_annot_close(s->actx.an);
	nkt_targets_free(&s->targets);
	nkt_targets_free(&s->found);
	free(s->tdb);
	free(s->trans);
	free(s->flows);
	free(s->via);
	free(s);
}
