// SPDX-License-Identifier: ISC
/*
 * cmd_report.c: `nktrace report`: what a history (nktrace run --db) holds
 * for a time window, as text, JSON, Prometheus metrics or an HTML page.
 * Reads the history only; needs no privilege.
 */
#include "cmd.h"
#include "cmd_common.h"
#include "nktrace/history.h"
#include "nktrace/outfile.h"
#include "nktrace/out_opts.h"
#include "nktrace/out_report.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>


static int emit(const char *path, const struct nkt_report *rep,
		const char *title, int kind, struct nkt_err *err)
{
	struct nkt_outfile o;
	json_t *j;
	int rc;

	if (nkt_outfile_open(&o, path, err) != NKT_OK)
		return NKT_ESYS;
	switch (kind) {
	case 'j':
		j = nkt_report_json(rep);
		rc = json_dumpf(j, o.f, NKT_JSON_FLAGS | JSON_INDENT(1));
		json_decref(j);
		if (rc == 0 && fputc('\n', o.f) == EOF)
			rc = -1;
		break;
	case 'p':
		rc = nkt_report_prom(o.f, rep);
		break;
	case 'H':
		rc = nkt_report_html(o.f, rep, title);
		break;
	default:
		rc = nkt_report_text(o.f, rep);
	}
	if (rc != 0) {
		nkt_outfile_abort(&o);
		return nkt_err_set(err, NKT_ESYS, "writing %s failed",
				   path ? path : "standard output");
	}
	return nkt_outfile_commit(&o, err);
}

/* Print the traces ('T') or the summary ('S') of one run. */
static int dump_run(struct nkt_history *h, const char *which, int kind,
		    struct nkt_err *err)
{
	uint64_t id = 0;
	size_t len = 0;
	char *text;
	int rc = NKT_OK;

	if (strcmp(which, "latest") == 0) {
		struct nkt_report rep;
		if (nkt_history_report(h, 0, INT64_MAX, &rep, err) != NKT_OK)
			return err->code;
		id = (uint64_t)rep.latest_ok_run;
		nkt_report_free(&rep);
		if (id == 0)
			return nkt_err_set(err, NKT_ENOTFOUND,
					   "the history has no successful "
					   "cycle");
	} else if (nkt_parse_u64(which, 1, INT64_MAX, &id,
				 kind == 'T' ? "--traces" : "--summary",
				 err) != NKT_OK)
		return NKT_EINVAL;
	err->code = NKT_OK;
	err->msg[0] = '\0';
	text = kind == 'T' ? nkt_history_traces(h, (int64_t)id, &len, err)
			   : nkt_history_summary(h, (int64_t)id, &len, err);
	if (text == NULL)
		return err->code != NKT_OK
			       ? err->code
			       : nkt_err_set(err, NKT_ENOTFOUND,
					     "run %llu has no %s",
					     (unsigned long long)id,
					     kind == 'T' ? "traces"
							 : "summary");
	if (fwrite(text, 1, len, stdout) != len ||
	    (kind == 'S' && fputc('\n', stdout) == EOF) ||
	    fflush(stdout) != 0)
		rc = nkt_err_set(err, NKT_ESYS, "writing standard output");
	free(text);
	return rc;
}

int nkt__report_outputs(struct nkt_history *h, const struct nkt_run_opts *o,
			struct nkt_err *err)
{
	int64_t now = (int64_t)time(NULL), since;
	struct nkt_report rep;
	int rc = NKT_OK;

	if (o->report_json == NULL && o->report_prom == NULL &&
	    o->report_html == NULL)
		return NKT_OK;
	if (nkt_cli_when(o->report_since, now, &since, "--report-since",
			 err) != NKT_OK ||
	    nkt_history_report(h, since, now, &rep, err) != NKT_OK)
		return NKT_ESYS;
	if (o->report_json != NULL)
		rc = emit(o->report_json, &rep, NULL, 'j', err);
	if (rc == NKT_OK && o->report_prom != NULL)
		rc = emit(o->report_prom, &rep, NULL, 'p', err);
	if (rc == NKT_OK && o->report_html != NULL)
		rc = emit(o->report_html, &rep, NULL, 'H', err);
	nkt_report_free(&rep);
	return rc;
}

/* The report for the window, written to each output asked for (text on
 * standard output without any). */
static int report(const struct nkt_report_opts *o, struct nkt_history *h,
		  int64_t since, int64_t until)
{
	struct nkt_err err = {0, ""};
	struct nkt_report rep;
	int code = NKT_EXIT_OK;

	if (nkt_history_report(h, since, until, &rep, &err) != NKT_OK)
		return nkt_fail("report", &err);
	if (o->out.verbose) {
		char a[32], b[32];
		time_t ta = (time_t)since, tb = (time_t)until;
		struct tm tm;
		size_t i;
		strftime(a, sizeof(a), "%Y-%m-%d %H:%M", gmtime_r(&ta, &tm));
		strftime(b, sizeof(b), "%Y-%m-%d %H:%M UTC",
			 gmtime_r(&tb, &tm));
		fprintf(stderr,
			"nktrace report: %s: %zu cycles, %zu transits, %zu "
			"prefixes, %zu events from %s to %s%s\n",
			o->db, rep.n_runs, rep.n_transits, rep.n_prefixes,
			rep.n_events, a, b,
			rep.bgp_time ? "; the control plane kept (bgp --db)"
				     : "");
		for (i = 0; i < rep.n_totals; i++)
			fprintf(stderr, "nktrace report: ever stored: %s %llu\n",
				rep.totals[i].what,
				(unsigned long long)rep.totals[i].n);
	}
	if (o->json == NULL &&
	    (o->text != NULL || (o->prom == NULL && o->html == NULL)) &&
	    emit(o->text, &rep, o->title, 'T', &err) != NKT_OK)
		code = nkt_fail("report", &err);
	if (o->json != NULL &&
	    emit(o->json, &rep, o->title, 'j', &err) != NKT_OK)
		code = nkt_fail("report", &err);
	if (o->prom != NULL &&
	    emit(o->prom, &rep, o->title, 'p', &err) != NKT_OK)
		code = nkt_fail("report", &err);
	if (o->html != NULL &&
	    emit(o->html, &rep, o->title, 'H', &err) != NKT_OK)
		code = nkt_fail("report", &err);
	nkt_report_free(&rep);
	return code;
}

int nkt_cmd_report(int argc, char **argv)
{
	struct nkt_report_opts o;
	struct nkt_err err = {0, ""};
	int64_t now = (int64_t)time(NULL), since, until = now;
	struct nkt_history *h;
	int code;

	if (nkt_cli_report(argc, argv, &o, &err) != NKT_OK)
		return nkt_fail("report", &err);
	if (o.help) {
		fputs(nkt_cli_report_help, stdout);
		return NKT_EXIT_OK;
	}
	nkt_cli_print_warnings("report", &o.out);
	if (nkt_cli_when(o.since, now, &since, "--since", &err) != NKT_OK ||
	    (o.until != NULL &&
	     nkt_cli_when(o.until, now, &until, "--until", &err) != NKT_OK))
		return nkt_fail("report", &err);
	if (until < since) {
		nkt_err_set(&err, NKT_EINVAL, "--until is before --since");
		return nkt_fail("report", &err);
	}
	h = nkt_history_open(o.db, 1, &err);
	if (h == NULL)
		return nkt_fail("report", &err);
	if (o.dump != NULL) {
		code = dump_run(h, o.dump, o.dump_summary ? 'S' : 'T', &err);
		nkt_history_close(h);
		return code == NKT_OK ? NKT_EXIT_OK : nkt_fail("report", &err);
	}
	code = report(&o, h, since, until);
	nkt_history_close(h);
	return code;
}
