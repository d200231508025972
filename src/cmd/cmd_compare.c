// SPDX-License-Identifier: ISC
/*
 * cmd_compare.c: `nktrace compare`: one measurement cycle over North
 * Korea's transits, the terminal report, and the JSON outputs.
 */
#include "cmd.h"
#include "cmd_common.h"
#include "compare_session.h"
#include "nktrace/out_compare.h"
#include "nktrace/outfile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The summary for a terminal. */
static void print_summary(FILE *f, const struct nkt_cmpsess *s,
			  const struct nkt_cmp_cycle *c)
{
	size_t flows, targets, given, methods, uplinks;
	char when[32], found[96] = "";
	time_t t0 = (time_t)(c->start_ns / NKT_NS_PER_S);
	struct tm tm;

	nkt_cmpsess_shape(s, &flows, &targets, &given, &methods, &uplinks);
	gmtime_r(&t0, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
	/* the targets probed, as the result's "N targets" line counts them
	 * ("73 targets (11 given, 62 found by discovery)") */
	if (targets > given)
		snprintf(found, sizeof(found),
			 " (%zu given, %zu found by discovery)", given,
			 targets - given);
	fprintf(f, "nktrace compare, %s, %.1f s: %zu targets%s x %zu "
		   "methods%s%s, %llu probes\n",
		when, (double)(c->end_ns - c->start_ns) / 1e9, targets, found,
		methods, uplinks ? " x uplinks " : "", uplinks ? "pinned" : "",
		(unsigned long long)c->run.sched.sent);
	nkt_cmp_text(f, &c->res, nkt_cmpsess_cfg(s));
	if (c->run.capture.drop + c->run.ring_drops > 0)
		fprintf(f, "capture dropped %llu frames: some replies may be "
		       "missing\n",
		       (unsigned long long)(c->run.capture.drop +
					    c->run.ring_drops));
}

/* The outputs, opened as the unprivileged user before any probe. */
struct outputs {
	struct nkt_outfile json, traces, text;
	int json_open, traces_open, text_open;
};

static int open_outputs(const struct nkt_compare_opts *o, struct outputs *out,
			struct nkt_err *err)
{
	if (o->json_out != NULL) {
		if (nkt_outfile_open(&out->json, o->json_out, err) != NKT_OK)
			return NKT_ESYS;
		out->json_open = 1;
	}
	if (o->traces_out != NULL) {
		if (nkt_outfile_open(&out->traces, o->traces_out, err) !=
		    NKT_OK)
			return NKT_ESYS;
		out->traces_open = 1;
	}
	if (o->text_out != NULL) {
		if (nkt_outfile_open(&out->text, o->text_out, err) != NKT_OK)
			return NKT_ESYS;
		out->text_open = 1;
	}
	return NKT_OK;
}

/* The summary JSON written and both files committed. */
static int commit_outputs(const struct nkt_compare_opts *o,
			  struct outputs *out, const struct nkt_cmp_cycle *c,
			  struct nkt_err *err)
{
	if (out->json_open) {
		out->json_open = 0;
		if (json_dumpf(c->summary, out->json.f, NKT_JSON_FLAGS) != 0 ||
		    fputc('\n', out->json.f) == EOF) {
			nkt_outfile_abort(&out->json);
			return nkt_err_set(err, NKT_ESYS, "writing %s",
					   o->json_out);
		}
		if (nkt_outfile_commit(&out->json, err) != NKT_OK)
			return NKT_ESYS;
	}
	if (out->traces_open) {
		out->traces_open = 0;
		if (nkt_outfile_commit(&out->traces, err) != NKT_OK)
			return NKT_ESYS;
	}
	return NKT_OK;
}

int nkt_cmd_compare(int argc, char **argv)
{
	struct nkt_compare_opts *o = nkt_xcalloc(1, sizeof(*o));
	struct nkt_err err = {0, ""};
	struct nkt_cmpsess *s = NULL;
	struct outputs out;
	struct nkt_cmp_cycle c;
	int code = NKT_EXIT_OK;

	memset(&c, 0, sizeof(c));
	memset(&out, 0, sizeof(out));
	if (nkt_cli_compare(argc, argv, o, &err) != NKT_OK) {
		code = nkt_fail("compare", &err);
		goto out;
	}
	if (o->help) {
		fputs(nkt_cli_compare_help, stdout);
		goto out;
	}
	nkt_cli_print_warnings("compare", &o->out);
	s = nkt_cmpsess_open(o, &err);
	if (s == NULL || nkt_cmpsess_drop(s, &err) != NKT_OK ||
	    open_outputs(o, &out, &err) != NKT_OK ||
	    nkt_cmpsess_cycle(s, out.traces_open ? out.traces.f : NULL, &c,
			      &err) != NKT_OK ||
	    commit_outputs(o, &out, &c, &err) != NKT_OK) {
		code = nkt_fail("compare", &err);
		goto out;
	}
	if (out.text_open) {
		print_summary(out.text.f, s, &c);
		out.text_open = 0;
		if (nkt_outfile_commit(&out.text, &err) != NKT_OK)
			code = nkt_fail("compare", &err);
	} else if (!o->quiet &&
		   (o->json_out == NULL || strcmp(o->json_out, "-") != 0))
		print_summary(stdout, s, &c);
	if (o->out.verbose) {
		const uint32_t *found;
		size_t n_found;
		uint64_t found_ns;
		nkt_cmpsess_found(s, &found, &n_found, &found_ns);
		if (c.discovered)
			fprintf(stderr,
				"nktrace compare: discovery: %llu probes, %zu "
				"hosts answering\n",
				(unsigned long long)c.discovery_probes,
				n_found);
		nkt_print_run_counts("compare", "traces", &c.run);
	}
	if (fflush(stdout) != 0)
		code = NKT_EXIT_FAIL;
	if (c.run.signal)
		code = 128 + c.run.signal;
out:
	if (out.json_open)
		nkt_outfile_abort(&out.json);
	if (out.traces_open)
		nkt_outfile_abort(&out.traces);
	if (out.text_open)
		nkt_outfile_abort(&out.text);
	nkt_cmp_cycle_free(&c);
	nkt_cmpsess_close(s);
	free(o);
	return code;
}
