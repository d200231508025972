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
#include "nktrace/engine.h"
#include "nktrace/inet.h"
#include "nktrace/out_atlas.h"
#include "nktrace/out_text.h"
#include "nktrace/outfile.h"
#include "nktrace/priv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct trace_run {
	struct nkt_trace_opts *o;
	struct nkt_outfile out;
	struct nkt_out_opts oo;
	struct nkt_err err;
};

static int on_trace(void *ctx, const struct nkt_trace *t)
{
	struct trace_run *r = ctx;
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

static void report(const struct nkt_run_result *res, int verbose)
{
	const struct nkt_sched_stats *s = &res->sched;
	uint64_t lost = res->capture.drop + res->ring_drops;

	if (lost > 0)
		fprintf(stderr,
			"nktrace trace: warning: %llu captured frames were "
			"dropped (kernel %llu, queue %llu); some replies may "
			"show as timeouts\n",
			(unsigned long long)lost,
			(unsigned long long)res->capture.drop,
			(unsigned long long)res->ring_drops);
	if (!verbose)
		return;
	fprintf(stderr,
		"nktrace trace: %.2fs, %llu probes, %llu matched, %llu "
		"timeouts, %llu late, %llu dups, %llu foreign, %llu invalid, "
		"%llu send errors; capture %llu frames (%llu dropped)\n",
		res->wall_s, (unsigned long long)s->sent,
		(unsigned long long)s->matched, (unsigned long long)s->timeouts,
		(unsigned long long)s->late, (unsigned long long)s->dups,
		(unsigned long long)s->foreign, (unsigned long long)s->invalid,
		(unsigned long long)s->send_errors,
		(unsigned long long)res->capture.recv,
		(unsigned long long)res->capture.drop);
}

int nkt_cmd_trace(int argc, char **argv)
{
	struct nkt_trace_opts *o = nkt_xcalloc(1, sizeof(*o));
	struct nkt_targets targets = {0};
	struct nkt_engine_cfg cfg;
	struct nkt_engine_run_cfg rcfg;
	struct nkt_engine *eng = NULL;
	struct nkt_src_cache *srcs = nkt_xcalloc(1, sizeof(*srcs));
	struct nkt_flow *flows = NULL;
	uint8_t *via = NULL;
	struct trace_run run;
	struct nkt_run_result res;
	struct nkt_err err = {0, ""};
	struct nkt_annot_ctx actx = {NULL, NULL, NULL, NULL};
	struct nkt_targetdb *tdb = NULL;
	struct nkt_transits *trans = NULL;
	int code = NKT_EXIT_OK, opened = 0;
	size_t i;

	memset(&run, 0, sizeof(run));
	memset(&cfg, 0, sizeof(cfg));
	memset(&rcfg, 0, sizeof(rcfg));
	if (nkt_cli_trace(argc, argv, o, &err) != NKT_OK) {
		code = nkt_fail("trace", &err);
		goto out;
	}
	if (o->help) {
		fputs(nkt_cli_trace_help, stdout);
		goto out;
	}
	if (nkt_load_targets(o->args, o->n_args, o->files, o->n_files,
			     &targets, &err) != NKT_OK ||
	    nkt_make_key(&o->p, &cfg.key, &err) != NKT_OK) {
		code = nkt_fail("trace", &err);
		goto out;
	}
	/* Names, transits and address databases: read before any probe, as
	 * the invoking user may be the only one who can read them. */
	if (nkt_load_data(NULL, &tdb, &trans, &err) != NKT_OK) {
		code = nkt_fail("trace", &err);
		goto out;
	}
	actx.tdb = tdb;
	actx.trans = trans;
	if (!o->p.no_annotate) {
		actx.an = nkt_annot_open(o->p.asn_db, o->p.geo_db, &err);
		if (actx.an == NULL) {
			code = nkt_fail("trace", &err);
			goto out;
		}
	}
	nkt_annot_out_setup(&run.oo, &actx);
	/* Say "no privilege" before anything privileged (ARP for --via). */
	if (!o->p.dry_run && nkt_priv_check_raw(&err) != NKT_OK) {
		code = nkt_fail("trace", &err);
		goto out;
	}
	cfg.n_uplinks = 1;
	if (o->via != NULL) {
		if (nkt_setup_uplink(o->via, NULL, o->p.dry_run,
				     &cfg.uplinks[1], &err) != NKT_OK) {
			code = nkt_fail("trace", &err);
			goto out;
		}
		cfg.n_uplinks = 2;
		run.oo.via_name[1] = cfg.uplinks[1].name;
	}
	flows = nkt_xreallocarray(NULL, targets.n, sizeof(*flows));
	via = nkt_xcalloc(targets.n, 1);
	for (i = 0; i < targets.n; i++) {
		uint32_t src;
		if (nkt_source_for(srcs, targets.addr[i], o->p.src,
				   cfg.uplinks[1].ifc.addr, &src,
				   &err) != NKT_OK ||
		    nkt_flow_init(&flows[i], o->p.method, src,
				  targets.addr[i], o->p.sport, o->p.port,
				  o->p.paris_id, o->p.size, o->p.tos,
				  &err) != NKT_OK) {
			code = nkt_fail("trace", &err);
			goto out;
		}
		via[i] = o->via != NULL ? 1 : 0;
	}
	cfg.flows = rcfg.flows = flows;
	cfg.via = rcfg.via = via;
	cfg.n_flows = rcfg.n_flows = targets.n;
	cfg.dry_pcap = o->p.dry_pcap;
	cfg.pcap_buffer = o->p.pcap_buffer;
	nkt_probe_opts_sched(&o->p, &rcfg.sched);

	/* Privileged part: sockets and capture. */
	eng = nkt_engine_open(&cfg, &err);
	if (eng == NULL) {
		code = nkt_fail("trace", &err);
		goto out;
	}
	if (nkt_priv_drop(o->p.user ? o->p.user : nkt_priv_default_user(),
			  &err) != NKT_OK) {
		code = nkt_fail("trace", &err);
		goto out;
	}
	/* Unprivileged from here on: outputs are opened as the dropped
	 * user, so a directory it cannot write fails before any probe. */
	if (nkt_outfile_open(&run.out, o->output, &err) != NKT_OK) {
		code = nkt_fail("trace", &err);
		goto out;
	}
	opened = 1;
	run.o = o;
	run.oo.msm_id = o->msm_id;
	run.oo.prb_id = o->prb_id;
	if (nkt_engine_run(eng, &rcfg, on_trace, &run, &res, &err) != NKT_OK) {
		if (run.err.msg[0] != '\0')
			err = run.err;
		code = nkt_fail("trace", &err);
		nkt_outfile_abort(&run.out);
		opened = 0;
		goto out;
	}
	report(&res, o->verbose);
	if (nkt_outfile_commit(&run.out, &err) != NKT_OK) {
		opened = 0;
		code = nkt_fail("trace", &err);
		goto out;
	}
	opened = 0;
	if (nkt_engine_close(eng, &err) != NKT_OK) {
		eng = NULL;
		code = nkt_fail("trace", &err);
		goto out;
	}
	eng = NULL;
	if (res.signal != 0)
		code = 128 + res.signal;
out:
	if (opened)
		nkt_outfile_abort(&run.out);
	nkt_engine_close(eng, NULL);
	nkt_annot_close(actx.an);
	free(tdb);
	free(trans);
	nkt_targets_free(&targets);
	free(flows);
	free(via);
	free(srcs);
	free(o);
	return code;
}
