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

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char help[] =
	"usage: nktrace report --db FILE [--since T] [--until T] [--json FILE]\n"
	"                      [--prom FILE] [--html FILE] [--title TEXT]\n"
	"       nktrace report --db FILE --traces RUN | --summary RUN\n"
	"\n"
	"Report what a measurement history (nktrace run --db) holds: the "
	"latest\nstate of each transit and /24, and RTT, loss and reach over "
	"time, with\nthe events detected.  Without --json/--prom/--html, a "
	"text summary is\nprinted.  Each FILE ('-' = standard output) appears "
	"complete or not at all.\n"
	"\n"
	"      --db FILE       the history to read (never modified)\n"
	"      --since T       start of the window: a duration back from now\n"
	"                      (24h, 7d), a UTC time (2026-11-27 or\n"
	"                      2026-11-27T10:00:00Z) or 'all' (default 24h)\n"
	"      --until T       end of the window, same forms (default now)\n"
	"      --json FILE     the report as JSON (data/report.schema.md)\n"
	"      --prom FILE     Prometheus metrics of the latest successful "
	"cycle\n"
	"                      (for node_exporter's textfile collector)\n"
	"      --html FILE     a self-contained HTML page with charts\n"
	"      --title TEXT    the HTML page's title\n"
	"      --traces RUN    print the traces of cycle RUN (a run id, or "
	"'latest')\n"
	"                      as RIPE Atlas NDJSON, one trace per line\n"
	"      --summary RUN   print the compare summary JSON of cycle RUN\n"
	"\n"
	"exit status: 0 ok, 1 an output could not be written, 2 usage error "
	"or\nunusable history.\n";

/* "24h" back from now, "all", or a UTC date/time. */
static int parse_when(const char *s, int64_t now, int64_t *out,
		      const char *what, struct nkt_err *err)
{
	static const char *formats[] = {"%Y-%m-%dT%H:%M:%SZ",
					"%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%MZ",
					"%Y-%m-%dT%H:%M",    "%Y-%m-%d %H:%M",
					"%Y-%m-%d"};
	uint64_t ns;
	size_t i;

	if (strcmp(s, "all") == 0) {
		*out = 0;
		return NKT_OK;
	}
	for (i = 0; i < NKT_ARRAY_LEN(formats); i++) {
		struct tm tm;
		const char *end;
		memset(&tm, 0, sizeof(tm));
		end = strptime(s, formats[i], &tm);
		if (end != NULL && *end == '\0') {
			*out = (int64_t)timegm(&tm);
			return NKT_OK;
		}
	}
	if (s[0] >= '0' && s[0] <= '9' &&
	    nkt_parse_duration_ns(s, 3600 * NKT_NS_PER_S, 0,
				  100ULL * 365 * 86400 * NKT_NS_PER_S, &ns,
				  what, err) == NKT_OK) {
		*out = now - (int64_t)(ns / NKT_NS_PER_S);
		return NKT_OK;
	}
	return nkt_err_set(err, NKT_EINVAL,
			   "%s '%s': expected a duration (24h, 7d), a UTC "
			   "date (2026-11-27T10:00:00Z) or 'all'",
			   what, s);
}

/* Write one output with `write`, atomically. */
static int emit(const char *path, const json_t *rep, const char *title,
		int kind, struct nkt_err *err)
{
	struct nkt_outfile o;
	int rc;

	if (nkt_outfile_open(&o, path, err) != NKT_OK)
		return NKT_ESYS;
	switch (kind) {
	case 'j':
		rc = json_dumpf(rep, o.f, NKT_JSON_FLAGS | JSON_INDENT(1));
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
		json_t *rep = nkt_history_report(h, 0, INT64_MAX, err);
		if (rep == NULL)
			return err->code;
		id = (uint64_t)json_integer_value(
			json_object_get(rep, "latest_ok_run"));
		json_decref(rep);
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

int nkt_cmd_report(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"db", required_argument, NULL, 'd'},
		{"since", required_argument, NULL, 's'},
		{"until", required_argument, NULL, 'u'},
		{"json", required_argument, NULL, 'j'},
		{"prom", required_argument, NULL, 'p'},
		{"html", required_argument, NULL, 'H'},
		{"title", required_argument, NULL, 't'},
		{"traces", required_argument, NULL, 'T'},
		{"summary", required_argument, NULL, 'S'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct nkt_err err = {0, ""};
	const char *db = NULL, *since_s = "24h", *until_s = NULL;
	const char *json = NULL, *prom = NULL, *html = NULL;
	const char *title = "North Korea's transits: nktrace report";
	const char *dump = NULL;
	int dump_kind = 0;
	int64_t now = (int64_t)time(NULL), since, until = now;
	struct nkt_history *h;
	json_t *rep;
	int c, code = NKT_EXIT_OK;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			db = optarg;
			break;
		case 's':
			since_s = optarg;
			break;
		case 'u':
			until_s = optarg;
			break;
		case 'j':
			json = optarg;
			break;
		case 'p':
			prom = optarg;
			break;
		case 'H':
			html = optarg;
			break;
		case 't':
			title = optarg;
			break;
		case 'T':
		case 'S':
			dump = optarg;
			dump_kind = c;
			break;
		case 'h':
			fputs(help, stdout);
			return NKT_EXIT_OK;
		default:
			nkt_cli_getopt_error(c, argv, &err);
			return nkt_fail("report", &err);
		}
	}
	if (optind < argc) {
		fprintf(stderr, "nktrace report: unexpected argument '%s'\n",
			argv[optind]);
		return NKT_EXIT_USAGE;
	}
	if (db == NULL) {
		fprintf(stderr, "nktrace report: --db FILE is required\n");
		return NKT_EXIT_USAGE;
	}
	if (parse_when(since_s, now, &since, "--since", &err) != NKT_OK ||
	    (until_s != NULL &&
	     parse_when(until_s, now, &until, "--until", &err) != NKT_OK))
		return nkt_fail("report", &err);
	if (until < since) {
		fprintf(stderr, "nktrace report: --until is before --since\n");
		return NKT_EXIT_USAGE;
	}
	h = nkt_history_open(db, 1, &err);
	if (h == NULL)
		return nkt_fail("report", &err);
	if (dump != NULL) {
		code = dump_run(h, dump, dump_kind, &err);
		nkt_history_close(h);
		return code == NKT_OK ? NKT_EXIT_OK : nkt_fail("report", &err);
	}
	rep = nkt_history_report(h, since, until, &err);
	nkt_history_close(h);
	if (rep == NULL)
		return nkt_fail("report", &err);
	if (json == NULL && prom == NULL && html == NULL &&
	    emit(NULL, rep, title, 'T', &err) != NKT_OK)
		code = nkt_fail("report", &err);
	if (json != NULL && emit(json, rep, title, 'j', &err) != NKT_OK)
		code = nkt_fail("report", &err);
	if (prom != NULL && emit(prom, rep, title, 'p', &err) != NKT_OK)
		code = nkt_fail("report", &err);
	if (html != NULL && emit(html, rep, title, 'H', &err) != NKT_OK)
		code = nkt_fail("report", &err);
	json_decref(rep);
	return code;
}
