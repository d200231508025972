// SPDX-License-Identifier: ISC
/*
 * cmd_trace.c: `nktrace trace` (shell): parse, load targets, open the
 * sockets, drop privileges, open the output, run, report.  Each trace is
 * written as soon as it finishes.
 */
#include "cmd.h"
#include "nktrace/datafile.h"
#include "nktrace/annot_out.h"
#include "cmd_common.h"
#include "trace_mda.h"
#include "nktrace/engine.h"
#include "nktrace/inet.h"
#include "nktrace/out_atlas.h"
#include "nktrace/out_text.h"
#include "nktrace/outfile.h"
#include "nktrace/priv.h"
#include "nktrace/clock.h"
#include "nktrace/resolve.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

/* A finished trace waiting for its hops' names (with names on). */
struct waiting {
	struct nkt_trace t;
	uint64_t deadline_ns; /* written by then, named or not */
};

struct trace_run {
	struct nkt_trace_opts *o;
	struct nkt_outfile out;
	struct nkt_out_opts oo;
	struct nkt_err err;
	struct nkt_resolver *names; /* NULL: no names */
	struct waiting *wait;       /* in finishing order */
	size_t n_wait, cap_wait;
};

static int write_trace(struct trace_run *r, const struct nkt_trace *t)
{
	int rc = r->o->json ? nkt_atlas_write(r->out.f, t, &r->oo)
			    : nkt_text_write(r->out.f, t, &r->oo);
	if (rc != 0) {
		nkt_outfile_error(&r->out, errno, &r->err);
		return -1;
	}
	if (nkt_outfile_flush(&r->out, &r->err) != NKT_OK)
		return -1;
	return 0;
}

/* Every reply address of t settled (named, nameless or never asked). */
static int names_settled(const struct trace_run *r, const struct nkt_trace *t)
{
	size_t i;
	for (i = 0; i < t->n; i++)
		if ((t->r[i].flags & NKT_PF_REPLY) &&
		    !nkt_resolver_settled(r->names, t->r[i].from))
			return 0;
	return 1;
}

/* Write the waiting traces, in order, as far as each is named or out of
 * time (all of them with `all`, after waiting for their deadline). */
static int flush_waiting(struct trace_run *r, int all)
{
	size_t k = 0;
	int rc = 0;

	nkt_resolver_poll(r->names);
	for (; k < r->n_wait; k++) {
		struct waiting *w = &r->wait[k];
		if (all)
			nkt_resolver_wait(r->names, w->deadline_ns);
		else if (!names_settled(r, &w->t) &&
			 nkt_clock_mono_ns() < w->deadline_ns)
			break;
		if (rc == 0)
			rc = write_trace(r, &w->t);
		free(w->t.r);
	}
	memmove(r->wait, r->wait + k, (r->n_wait - k) * sizeof(*r->wait));
	r->n_wait -= k;
	return rc;
}

static int on_trace(void *ctx, const struct nkt_trace *t)
{
	struct trace_run *r = ctx;
	struct waiting *w;
	size_t i;

	if (r->names == NULL)
		return write_trace(r, t);
	for (i = 0; i < t->n; i++)
		if (t->r[i].flags & NKT_PF_REPLY)
			nkt_resolver_want(r->names, t->r[i].from);
	if (r->n_wait == r->cap_wait)
		r->wait = nkt_xreallocarray(r->wait,
					    r->cap_wait = r->cap_wait * 2 + 4,
					    sizeof(*r->wait));
	w = &r->wait[r->n_wait++];
	w->t = *t;
	w->t.r = nkt_xreallocarray(NULL, t->n ? t->n : 1, sizeof(*t->r));
	memcpy(w->t.r, t->r, t->n * sizeof(*t->r));
	w->t.cap = t->n;
	w->t.origin = NULL;
	w->deadline_ns = nkt_clock_mono_ns() + NKT_NAMES_WAIT_NS;
	return flush_waiting(r, 0);
}

static void report(const struct nkt_run_result *res, int verbose)
{
	uint64_t lost = res->capture.drop + res->ring_drops;

	if (lost > 0)
		fprintf(stderr,
			"nktrace trace: warning: %llu captured frames were "
			"dropped (kernel %llu, queue %llu); some replies may "
			"show as timeouts\n",
			(unsigned long long)lost,
			(unsigned long long)res->capture.drop,
			(unsigned long long)res->ring_drops);
	if (verbose)
		nkt_print_run_counts("trace", NULL, res);
}

/* Everything a trace run holds, freed by done(). */
struct trace_cmd {
	struct nkt_trace_opts *o;
	struct nkt_targets targets;
	struct nkt_engine_cfg cfg;
	struct nkt_engine_run_cfg rcfg;
	struct nkt_engine *eng;
	struct nkt_src_cache srcs;
	struct nkt_flow *flows;
	uint8_t *via;
	struct trace_run run;
	struct nkt_annot_ctx actx;
	struct nkt_targetdb *tdb;
	struct nkt_transits *trans;
	char (*argbuf)[46]; /* targets given as host names, resolved */
	int opened;
};

/* Targets, key, data files and databases: read before any probe, as the
 * invoking user may be the only one who can read them. */
static int prepare(struct trace_cmd *c, struct nkt_err *err)
{
	const struct nkt_trace_opts *o = c->o;
	int names = !o->out.no_names && (!o->out.json || o->out.names) &&
		    !o->p.dry_run;
	int rc;

	c->argbuf = nkt_xcalloc(o->n_args ? o->n_args : 1,
				sizeof(*c->argbuf));
	if ((rc = nkt_resolve_target_args(c->o->args, o->n_args, c->argbuf,
					  &c->run.names, err)) != NKT_OK)
		return rc;
	if (names && c->run.names == NULL &&
	    (c->run.names = nkt_resolver_open(NKT_NAMES_QUERY_NS, err)) ==
		    NULL)
		return NKT_ESYS;
	c->actx.names = c->run.names;
	if (nkt_load_targets(o->args, o->n_args, o->files, o->n_files,
			     &c->targets, err) != NKT_OK ||
	    nkt_make_key(o->p.have_seed, o->p.seed, &c->cfg.key, err) !=
		    NKT_OK ||
	    nkt_load_data(NULL, &c->tdb, &c->trans, err) != NKT_OK)
		return NKT_EINVAL;
	c->actx.tdb = c->tdb;
	c->actx.trans = c->trans;
	if (!o->p.no_annotate &&
	    (c->actx.an = nkt_annot_open(o->db.asn_db, o->db.geo_db, err)) ==
		    NULL)
		return NKT_EINVAL;
	nkt_annot_warn_missing("trace", c->actx.an);
	nkt_annot_out_setup(&c->run.oo, &c->actx);
	/* Say "no privilege" before anything privileged (ARP for --via). */
	if (!o->p.dry_run && nkt_priv_check_raw(err) != NKT_OK)
		return NKT_EPRIV;
	c->cfg.n_uplinks = 1;
	if (o->via != NULL) {
		if (nkt_setup_uplink(o->via, NULL, o->p.dry_run,
				     &c->cfg.uplinks[1], err) != NKT_OK)
			return NKT_EINVAL;
		c->cfg.n_uplinks = 2;
		c->run.oo.via_name[1] = c->cfg.uplinks[1].name;
	}
	return NKT_OK;
}

/* One flow per target, and the engine's configuration. */
static int make_flows(struct trace_cmd *c, struct nkt_err *err)
{
	const struct nkt_trace_opts *o = c->o;
	size_t i, n = c->targets.n;

	c->flows = nkt_xreallocarray(NULL, n, sizeof(*c->flows));
	c->via = nkt_xcalloc(n ? n : 1, 1);
	for (i = 0; i < n; i++) {
		uint32_t src, dst = c->targets.addr[i];
		if (nkt_source_for(&c->srcs, dst, o->p.src,
				   c->cfg.uplinks[1].ifc.addr, &src,
				   err) != NKT_OK ||
		    nkt_flow_init(&c->flows[i], o->p.method, src, dst,
				  o->p.sport, o->p.port, o->p.paris_id,
				  o->p.size, o->p.tos, err) != NKT_OK)
			return NKT_EINVAL;
		c->via[i] = o->via != NULL ? 1 : 0;
	}
	c->cfg.flows = c->rcfg.flows = c->flows;
	c->cfg.via = c->rcfg.via = c->via;
	c->cfg.n_flows = c->rcfg.n_flows = n;
	c->cfg.dry_pcap = o->p.dry_pcap;
	c->cfg.progress =
		o->progress >= 0
			? o->progress
			: isatty(STDERR_FILENO) &&
				  ((o->output != NULL &&
				    strcmp(o->output, "-") != 0) ||
				   !isatty(STDOUT_FILENO));
	c->cfg.pcap_buffer = o->p.pcap_buffer;
	nkt_probe_opts_sched(&o->p, &c->rcfg.sched);
	c->rcfg.sched.doubletree = (uint8_t)o->doubletree;
	c->rcfg.sched.dt_learn = o->whole_traces;
	return NKT_OK;
}

/* Sockets and capture (privileged), the drop, then the output opened as
 * the dropped user, so a directory it cannot write fails before any
 * probe. */
static int open_all(struct trace_cmd *c, struct nkt_err *err)
{
	const struct nkt_trace_opts *o = c->o;

	c->eng = nkt_engine_open(&c->cfg, err);
	if (c->eng == NULL ||
	    nkt_priv_drop(o->p.user ? o->p.user : nkt_priv_default_user(),
			  err) != NKT_OK ||
	    nkt_outfile_open(&c->run.out, o->output, err) != NKT_OK)
		return NKT_ESYS;
	c->opened = 1;
	c->run.o = c->o;
	c->run.oo.msm_id = o->msm_id;
	c->run.oo.prb_id = o->prb_id;
	return NKT_OK;
}

/* --mda: every target's graph, then commit; returns the exit code. */
static int run_mda(struct trace_cmd *c)
{
	struct nkt_err err = {0, ""};
	struct nkt_mda_run r;
	int sig;

	memset(&r, 0, sizeof(r));
	r.eng = c->eng;
	r.o = c->o;
	r.flows = c->flows;
	r.via = c->via;
	r.n = c->targets.n;
	r.out = c->run.out.f;
	r.oo = &c->run.oo;
	r.names = c->run.names;
	if (c->o->p.have_seed)
		r.seed = c->o->p.seed;
	else if (getrandom(&r.seed, sizeof(r.seed), 0) != sizeof(r.seed))
		r.seed = nkt_clock_wall_ns();
	sig = nkt_trace_mda(&r, &err);
	if (sig < 0)
		return nkt_fail("trace", &err);
	c->opened = 0;
	if (nkt_outfile_commit(&c->run.out, &err) != NKT_OK)
		return nkt_fail("trace", &err);
	return sig > 0 ? 128 + sig : NKT_EXIT_OK;
}

/* Run, then commit the output; returns the exit code. */
static int run(struct trace_cmd *c)
{
	struct nkt_run_result res;
	struct nkt_err err = {0, ""};

	if (c->o->mda)
		return run_mda(c);

	if (nkt_engine_run(c->eng, &c->rcfg, on_trace, &c->run, &res, &err) !=
		    NKT_OK ||
	    (c->run.names != NULL && flush_waiting(&c->run, 1) != 0)) {
		if (c->run.err.msg[0] != '\0')
			err = c->run.err;
		return nkt_fail("trace", &err);
	}
	if (c->run.names != NULL && c->o->out.verbose) {
		uint64_t asked, named, unnamed, unanswered;
		nkt_resolver_counts(c->run.names, &asked, &named, &unnamed,
				    &unanswered);
		fprintf(stderr,
			"nktrace trace: names: %llu asked, %llu named, %llu "
			"without a name, %llu unanswered\n",
			(unsigned long long)asked, (unsigned long long)named,
			(unsigned long long)unnamed,
			(unsigned long long)unanswered);
	}
	report(&res, c->o->out.verbose);
	c->opened = 0;
	if (nkt_outfile_commit(&c->run.out, &err) != NKT_OK)
		return nkt_fail("trace", &err);
	/* A dry run's pcap is written when the engine closes. */
	if (nkt_engine_close(c->eng, &err) != NKT_OK) {
		c->eng = NULL;
		return nkt_fail("trace", &err);
	}
	c->eng = NULL;
	return res.signal != 0 ? 128 + res.signal : NKT_EXIT_OK;
}

static void done(struct trace_cmd *c)
{
	if (c->opened)
		nkt_outfile_abort(&c->run.out);
	nkt_engine_close(c->eng, NULL);
	nkt_annot_close(c->actx.an);
	while (c->run.n_wait > 0)
		free(c->run.wait[--c->run.n_wait].t.r);
	free(c->run.wait);
	nkt_resolver_close(c->run.names);
	free(c->argbuf);
	free(c->tdb);
	free(c->trans);
	nkt_targets_free(&c->targets);
	free(c->flows);
	free(c->via);
	free(c->o);
	free(c);
}

/* NK's default method (TCP SYN to 80: ICMP echo is filtered there); the
 * header line of each trace names the method. */
static void nk_default(struct trace_cmd *c)
{
	if (!c->o->mda)
		(void)nkt_default_method(&c->o->p, c->tdb, c->targets.addr,
					 c->targets.n);
}

int nkt_cmd_trace(int argc, char **argv)
{
	struct trace_cmd *c = nkt_xcalloc(1, sizeof(*c));
	struct nkt_err err = {0, ""};
	int code = NKT_EXIT_OK;

	c->o = nkt_xcalloc(1, sizeof(*c->o));
	if (nkt_cli_trace(argc, argv, c->o, &err) != NKT_OK)
		code = nkt_fail("trace", &err);
	else if (c->o->help)
		fputs(nkt_cli_trace_help, stdout);
	else if (nkt_cli_print_warnings("trace", &c->o->out),
		 prepare(c, &err) != NKT_OK ||
		 (nk_default(c), make_flows(c, &err)) != NKT_OK ||
		 open_all(c, &err) != NKT_OK)
		code = nkt_fail("trace", &err);
	else
		code = run(c);
	done(c);
	return code;
}
