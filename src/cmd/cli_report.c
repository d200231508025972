// SPDX-License-Identifier: ISC
/* cli_report.c: `nktrace report`'s options and help.  Pure (the time
 * "now" is the caller's). */
#include "nktrace/cli.h"

#include <string.h>
#include <time.h>

const char nkt_cli_report_help[] =
	"usage: nktrace report --db FILE [--since T] [--until T] [--json] "
	"[-o FILE]\n"
	"                      [--prom FILE] [--html FILE] [--title TEXT]\n"
	"       nktrace report --db FILE --traces RUN | --summary RUN\n"
	"\n"
	"Report what a measurement history (nktrace run --db) holds: the "
	"latest\nstate of each transit and /24, and RTT, loss and reach over "
	"time, with\nthe events detected: as text, or JSON with --json, on "
	"standard output\nor in -o FILE (text is not printed when only "
	"--prom or --html is asked\nfor).  Each FILE ('-' = standard output) "
	"appears complete or not at all.\n"
	"\n"
	"      --db FILE       the history to read (never modified)\n"
	"      --since T       start of the window: a duration back from now\n"
	"                      (24h, 7d), a UTC time (2026-11-27 or\n"
	"                      2026-11-27T10:00:00Z) or 'all' (default 24h)\n"
	"      --until T       end of the window, same forms (default now)\n"
	"      --json          the report as JSON (data/report.schema.md)\n"
	"  -o, --output FILE   where the text or JSON goes\n"
	"  -v, --verbose       the history's counts on stderr (cycles, "
	"events, totals)\n"
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

#define Q(field) offsetof(struct nkt_report_opts, field)

int nkt_cli_when(const char *s, int64_t now, int64_t *out, const char *what,
		 struct nkt_err *err)
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

static int opt_traces(void *base, const char *arg, struct nkt_err *err)
{
	struct nkt_report_opts *o = base;
	(void)err;
	o->dump = arg;
	o->dump_summary = 0;
	return NKT_OK;
}

static int opt_summary(void *base, const char *arg, struct nkt_err *err)
{
	struct nkt_report_opts *o = base;
	(void)err;
	o->dump = arg;
	o->dump_summary = 1;
	return NKT_OK;
}

static const struct nkt_opt report_table[] = {
	{.name = "db", .kind = NKT_OPT_STR, .off = Q(db)},
	{.name = "since", .kind = NKT_OPT_STR, .off = Q(since)},
	{.name = "until", .kind = NKT_OPT_STR, .off = Q(until)},
	{.name = "prom", .kind = NKT_OPT_STR, .off = Q(prom)},
	{.name = "html", .kind = NKT_OPT_STR, .off = Q(html)},
	{.name = "title", .kind = NKT_OPT_STR, .off = Q(title)},
	{.name = "traces", .kind = NKT_OPT_FN, .fn = opt_traces},
	{.name = "summary", .kind = NKT_OPT_FN, .fn = opt_summary},
	{0},
};

static const struct nkt_cli_spec report_spec = {
	.groups = {{report_table, 0}, {nkt_out_group, Q(out)}},
	.help = Q(help),
	.out = Q(out) + 1,
	.old_json = nkt_cli_old_json_always,
};

int nkt_cli_report(int argc, char **argv, struct nkt_report_opts *o,
		   struct nkt_err *err)
{
	memset(o, 0, sizeof(*o));
	o->since = "24h";
	o->title = "North Korea's transits: nktrace report";
	if (nkt_cli_parse(&report_spec, argc, argv, o, err) != NKT_OK)
		return NKT_EINVAL;
	nkt_cli_main_output(&o->out, &o->json, &o->text);
	if (!o->help && o->db == NULL)
		return nkt_err_set(err, NKT_EINVAL, "--db FILE is required");
	return NKT_OK;
}
