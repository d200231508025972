// SPDX-License-Identifier: ISC
/*
 * cmd_sweep.c: `nktrace sweep`: every (target, TTL) of large target sets
 * at a steady high rate, yarrp-style.  The walk, the probes, the matching
 * and the traces are the core's (sweep.c); sending, capturing and signals
 * the engine's (engine_sweep.c); the summary out_sweep.c's.
 */
#include "cmd.h"
#include "cmd_common.h"
#include "nktrace/datafile.h"
#include "nktrace/engine.h"
#include "nktrace/inet.h"
#include "nktrace/netinfo.h"
#include "nktrace/out_atlas.h"
#include "nktrace/out_sweep.h"
#include "nktrace/outfile.h"
#include "nktrace/priv.h"
#include "nktrace/sweep.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>

/* Every target's probes as a trace, RIPE Atlas JSON per line. */
static int write_traces(FILE *f, const struct nkt_sweep_plan *p,
			const struct nkt_sweep_tables *tab)
{
	size_t i;
	for (i = 0; i < p->n_targets; i++) {
		struct nkt_trace tr;
		int rc;
		nkt_sweep_trace(p, tab, i, &tr);
		rc = nkt_atlas_write(f, &tr, NULL);
		free(tr.r);
		if (rc != 0)
			return -1;
	}
	return 0;
}

/* Write an output file atomically with fn; on failure, say so. */
static int commit(struct nkt_outfile *of, const char *path, int failed,
		  struct nkt_err *err)
{
	if (failed) {
		nkt_outfile_abort(of);
		return nkt_err_set(err, NKT_ESYS, "writing %s failed", path);
	}
	return nkt_outfile_commit(of, err);
}

static double cpu_seconds(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_stime.tv_sec +
	       ((double)ru.ru_utime.tv_usec + (double)ru.ru_stime.tv_usec) /
		       1e6;
}

/* The targets, sorted and distinct, within the probe budget. */
static int load_targets(const struct nkt_sweep_opts *o, struct nkt_targets *t,
			struct nkt_err *err)
{
	t->max = NKT_TARGETS_MAX;
	if (nkt_load_targets(o->args, o->n_args, o->files, o->n_files, t,
			     err) != NKT_OK)
		return NKT_EINVAL;
	qsort(t->addr, t->n, sizeof(*t->addr), nkt_cmp_u32);
	if ((uint64_t)t->n * (unsigned)(o->max_ttl - o->first_ttl + 1) >
	    NKT_SWEEP_PROBES_MAX)
		return nkt_err_set(err, NKT_EINVAL,
				   "%zu targets x %u TTLs is more than %llu "
				   "probes; split the sweep",
				   t->n, o->max_ttl - o->first_ttl + 1,
				   (unsigned long long)NKT_SWEEP_PROBES_MAX);
	return NKT_OK;
}

/* The source address: --src, else the route's to the first target. */
static int source(const struct nkt_sweep_opts *o, uint32_t first,
		  uint32_t *src, struct nkt_err *err)
{
	if (o->src == NULL)
		return nkt_net_route_src(first, src, err);
	if (nkt_inet_parse(o->src, src) != NKT_OK)
		return nkt_err_set(err, NKT_EINVAL,
				   "--src '%s' is not an IPv4 address",
				   o->src);
	return NKT_OK;
}

/* Open the engine (privileged: the raw socket and the capture), then
 * drop privileges. */
static struct nkt_engine *open_engine(const struct nkt_sweep_opts *o,
				      const struct nkt_key *key, uint32_t src,
				      struct nkt_err *err)
{
	struct nkt_engine_cfg cfg;
	struct nkt_flow f;
	struct nkt_engine *e;

	memset(&cfg, 0, sizeof(cfg));
	memset(&f, 0, sizeof(f));
	f.src = src;
	f.method = NKT_METHOD_ICMP;
	cfg.key = *key;
	cfg.flows = &f;
	cfg.n_flows = 1;
	cfg.n_uplinks = 1;
	cfg.pcap_buffer = (size_t)o->pcap_buffer;
	cfg.replies_only = 1;
	cfg.sndbuf = 4 << 20;
	e = nkt_engine_open(&cfg, err);
	if (e != NULL &&
	    nkt_priv_drop(o->user ? o->user : nkt_priv_default_user(), err) !=
		    NKT_OK) {
		nkt_engine_close(e, NULL);
		return NULL;
	}
	return e;
}

/* The summary, the outputs, and the exit code. */
static int finish(const struct nkt_sweep_opts *o, const struct nkt_sweep_plan *p,
		  int in_nk, const struct nkt_sweep_tables *tab,
		  const struct nkt_sweep_run *run, struct nkt_outfile *out,
		  struct nkt_outfile *js)
{
	struct nkt_sweep_summary sum;
	struct nkt_err err = {0, ""};
	int code = NKT_EXIT_OK;

	memset(&sum, 0, sizeof(sum));
	sum.targets = p->n_targets;
	sum.ttls = p->ttls;
	sum.probes = p->probes;
	sum.sent = run->sent;
	sum.send_errors = run->errors;
	sum.errno_first = run->errno_first;
	sum.signal = run->signal;
	sum.seconds = run->seconds;
	sum.cpu_seconds = cpu_seconds();
	sum.counts = run->counts;
	sum.capture_frames = run->capture.recv;
	sum.capture_dropped = run->capture.drop;
	nkt_sweep_reach(p, tab, &sum.reached, &sum.routers);
	if (!o->quiet && o->text == NULL &&
	    (o->json == NULL || strcmp(o->json, "-") != 0))
		nkt_sweep_summary_text(stdout, &sum);
	if (!o->quiet && in_nk && sum.reached * 2 < sum.targets)
		fprintf(stderr,
			"nktrace sweep: hint: North Korea's hosts filter ICMP "
			"echo, sweep's only method (%llu of %llu targets "
			"reached); 'nktrace trace TARGET' reaches them over "
			"TCP SYN to port 80\n",
			(unsigned long long)sum.reached,
			(unsigned long long)sum.targets);
	if (o->o.verbose)
		fprintf(stderr,
			"nktrace sweep: %llu probes sent in %.2f s, %.2f s of "
			"CPU; %llu matched, %llu duplicates, %llu invalid, "
			"%llu not ours; capture %llu frames (%llu dropped)\n",
			(unsigned long long)sum.sent, sum.seconds,
			sum.cpu_seconds, (unsigned long long)sum.counts.matched,
			(unsigned long long)sum.counts.dups,
			(unsigned long long)sum.counts.invalid,
			(unsigned long long)sum.counts.ignored,
			(unsigned long long)sum.capture_frames,
			(unsigned long long)sum.capture_dropped);
	if (js != NULL && o->json != NULL) {
		json_t *j = nkt_sweep_summary_json(&sum);
		int bad = json_dumpf(j, js->f, NKT_JSON_FLAGS) != 0 ||
			  fputc('\n', js->f) == EOF;
		json_decref(j);
		if (commit(js, o->json, bad, &err) != NKT_OK)
			code = nkt_fail("sweep", &err);
	} else if (js != NULL) {
		nkt_sweep_summary_text(js->f, &sum);
		if (commit(js, o->text, ferror(js->f), &err) != NKT_OK)
			code = nkt_fail("sweep", &err);
	}
	if (out != NULL &&
	    commit(out, o->out, write_traces(out->f, p, tab) != 0, &err) !=
		    NKT_OK)
		code = nkt_fail("sweep", &err);
	if (run->errors > 0 && run->errors == run->sent &&
	    code == NKT_EXIT_OK) {
		fprintf(stderr, "nktrace sweep: no probe could be sent: %s\n",
			strerror(run->errno_first));
		code = NKT_EXIT_FAIL;
	}
	if (run->signal && code == NKT_EXIT_OK)
		code = 128 + run->signal;
	return code;
}

int nkt_cmd_sweep(int argc, char **argv)
{
	struct nkt_sweep_opts *o = nkt_xcalloc(1, sizeof(*o));
	struct nkt_targets t = {0};
	struct nkt_sweep_plan plan;
	struct nkt_sweep_tables tab = {0};
	struct nkt_engine_sweep_cfg sc;
	struct nkt_sweep_run run;
	struct nkt_err err = {0, ""};
	struct nkt_engine *e = NULL;
	struct nkt_key key;
	struct nkt_outfile out, js;
	int code = NKT_EXIT_OK, out_open = 0, js_open = 0, in_nk = 0;
	uint32_t src = 0;

	if (nkt_cli_sweep(argc, argv, o, &err) != NKT_OK) {
		code = nkt_fail("sweep", &err);
		goto out;
	}
	if (o->help) {
		fputs(nkt_cli_sweep_help, stdout);
		goto out;
	}
	nkt_cli_print_warnings("sweep", &o->o);
	if (load_targets(o, &t, &err) != NKT_OK) {
		code = nkt_fail("sweep", &err);
		goto out;
	}
	if (!o->quiet) {
		/* all in North Korea's space (data/targets.json's, as trace's
		 * choice of method): the summary says ICMP echo is filtered
		 * there.  Data that cannot be read only loses that line. */
		struct nkt_targetdb *tdb = NULL;
		struct nkt_transits *trans = NULL;
		struct nkt_err ignored = {0, ""};
		if (nkt_load_data(NULL, &tdb, &trans, &ignored) == NKT_OK)
			in_nk = nkt_in_space(tdb, t.addr, t.n);
		free(tdb);
		free(trans);
	}
	if (nkt_make_key(o->have_seed, o->seed, &key, &err) != NKT_OK ||
	    source(o, t.addr[0], &src, &err) != NKT_OK ||
	    nkt_sweep_plan_init(&plan, t.addr, t.n, o->first_ttl, o->max_ttl,
				src, &key, &err) != NKT_OK ||
	    (e = open_engine(o, &key, src, &err)) == NULL) {
		code = nkt_fail("sweep", &err);
		goto out;
	}
	if (o->out != NULL) {
		if (nkt_outfile_open(&out, o->out, &err) != NKT_OK) {
			code = nkt_fail("sweep", &err);
			goto out;
		}
		out_open = 1;
	}
	if (o->json != NULL || o->text != NULL) {
		if (nkt_outfile_open(&js, o->json ? o->json : o->text, &err) !=
		    NKT_OK) {
			code = nkt_fail("sweep", &err);
			goto out;
		}
		js_open = 1;
	}
	nkt_sweep_tables_init(&tab, &plan);
	sc.plan = &plan;
	sc.rate = o->rate;
	sc.batch = o->batch;
	sc.wait_ns = o->wait_ns;
	sc.progress = o->progress < 0 ? isatty(STDERR_FILENO) : o->progress;
	if (nkt_engine_sweep(e, &sc, &tab, &run, &err) != NKT_OK) {
		code = nkt_fail("sweep", &err);
		goto out;
	}
	code = finish(o, &plan, in_nk, &tab, &run, out_open ? &out : NULL,
		      js_open ? &js : NULL);
	out_open = js_open = 0;
out:
	if (out_open)
		nkt_outfile_abort(&out);
	if (js_open)
		nkt_outfile_abort(&js);
	nkt_engine_close(e, NULL);
	nkt_sweep_tables_free(&tab);
	nkt_targets_free(&t);
	free(o);
	return code;
}
