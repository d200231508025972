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

int nkt_cmd_compare(int argc, char **argv)
{
	struct nkt_compare_opts *o = nkt_xcalloc(1, sizeof(*o));
	struct nkt_err err = {0, ""};
	struct nkt_cmpsess *s = NULL;
	struct nkt_outfile jout, tout;
	struct nkt_cmp_cycle c;
	int code = NKT_EXIT_OK, jopen = 0, topen = 0;
	size_t flows, targets, methods, uplinks;

	memset(&c, 0, sizeof(c));
	if (nkt_cli_compare(argc, argv, o, &err) != NKT_OK) {
		code = nkt_fail("compare", &err);
		goto out;
	}
	if (o->help) {
		fputs(nkt_cli_compare_help, stdout);
		goto out;
	}
	s = nkt_cmpsess_open(o, &err);
	if (s == NULL || nkt_cmpsess_drop(s, &err) != NKT_OK) {
		code = nkt_fail("compare", &err);
		goto out;
	}
	/* Outputs are opened as the unprivileged user, before any probe. */
	if (o->json_out != NULL) {
		if (nkt_outfile_open(&jout, o->json_out, &err) != NKT_OK) {
			code = nkt_fail("compare", &err);
			goto out;
		}
		jopen = 1;
	}
	if (o->traces_out != NULL) {
		if (nkt_outfile_open(&tout, o->traces_out, &err) != NKT_OK) {
			code = nkt_fail("compare", &err);
			goto out;
		}
		topen = 1;
	}
	nkt_cmpsess_shape(s, &flows, &targets, &methods, &uplinks);
	if (nkt_cmpsess_cycle(s, topen ? tout.f : NULL, &c, &err) !=
	    NKT_OK) {
		code = nkt_fail("compare", &err);
		goto out;
	}
	if (jopen) {
		if (json_dumpf(c.summary, jout.f, NKT_JSON_FLAGS) != 0 ||
		    fputc('\n', jout.f) == EOF ||
		    nkt_outfile_commit(&jout, &err) != NKT_OK) {
			if (err.msg[0] == '\0')
				nkt_err_set(&err, NKT_ESYS, "writing %s",
					    o->json_out);
			jopen = 0;
			code = nkt_fail("compare", &err);
			goto out;
		}
		jopen = 0;
	}
	if (topen) {
		topen = 0;
		if (nkt_outfile_commit(&tout, &err) != NKT_OK) {
			code = nkt_fail("compare", &err);
			goto out;
		}
	}
	{
		char when[32];
		time_t t0 = (time_t)(c.start_ns / NKT_NS_PER_S);
		struct tm tm;
		gmtime_r(&t0, &tm);
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
		printf("nktrace compare, %s, %.1f s: %zu targets x %zu "
		       "methods%s%s, %llu probes\n",
		       when, (double)(c.end_ns - c.start_ns) / 1e9, targets,
		       methods, uplinks ? " x uplinks " : "",
		       uplinks ? "pinned" : "",
		       (unsigned long long)c.run.sched.sent);
		nkt_cmp_text(stdout, &c.res, nkt_cmpsess_cfg(s));
		if (c.run.capture.drop + c.run.ring_drops > 0)
			printf("capture dropped %llu frames: some replies may "
			       "be missing\n",
			       (unsigned long long)(c.run.capture.drop +
						    c.run.ring_drops));
	}
	if (fflush(stdout) != 0)
		code = NKT_EXIT_FAIL;
	if (c.run.signal)
		code = 128 + c.run.signal;
out:
	if (jopen)
		nkt_outfile_abort(&jout);
	if (topen)
		nkt_outfile_abort(&tout);
	nkt_cmp_cycle_free(&c);
	nkt_cmpsess_close(s);
	free(o);
	return code;
}
