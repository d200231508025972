// SPDX-License-Identifier: ISC
/* cli_import.c: `nktrace import`'s options and help.  Pure. */
#include "nktrace/cli.h"
#include "nktrace/import.h"

#include <string.h>

const char nkt_cli_import_help[] =
	"usage: nktrace import [OPTIONS] [FILE...]\n"
	"\n"
	"Analyse traceroutes of other tools the way `nktrace compare` "
	"analyses its\nown: each path annotated, attributed to a transit by "
	"its AS path, and\nsummarised per transit and per /24 (reach, RTT "
	"over hosts, loss over\nhosts, border hop) and compared, overall "
	"and per vantage point.\n"
	"\n"
	"Reads RIPE Atlas traceroute results (the API's JSON array or one "
	"result\nper line), scamper JSON (scamper -O json, sc_warts2json; "
	"M-Lab's files\ntoo) and nktrace's own trace --json / compare "
	"--traces output, from\nFILEs or standard input ('-' or none), "
	"gzip, bzip2 or xz compressed or not,\nin memory that does not grow "
	"with the input.  --traces writes each record back as\nit was read "
	"(data/trace.schema.md), scamper's converted to Atlas's form.\n"
	"\n"
	"      --format F      atlas, scamper or auto (default: each record "
	"decides)\n"
	"      --json          the summary as JSON (data/import.schema.md); "
	"the old\n"
	"                      '--json FILE' is now '--json -o FILE'\n"
	"  -o, --output FILE   the summary goes to FILE ('-': standard "
	"output); with\n"
	"                      --json the text is still printed\n"
	"      --traces FILE   every imported trace as nktrace Atlas JSON, "
	"one per line\n"
	"      --mda FILE      every scamper tracelb record as an MDA graph, "
	"one per\n"
	"                      line, in trace --mda's form "
	"(data/mda.schema.md)\n"
	"      --per-vantage   also print each vantage point's transits\n"
	"      --detail        put every path in the JSON (targets_detail)\n"
	"      --transits FILE transit definitions (default "
	"data/transits.json)\n"
	"      --asn-db FILE   ASN database (GeoLite2-ASN format)\n"
	"      --geo-db FILE   geo database (GeoLite2-City format)\n"
	"      --ci LEVEL      confidence level of the intervals (0.95)\n"
	"      --min-units N   independent units a verdict needs on each "
	"side (5)\n"
	"      --db FILE       backfill the history FILE (as `nktrace run "
	"--db`): the\n"
	"                      results become its cycles, one per bucket "
	"of result\n"
	"                      time, with their events; importing the same "
	"results\n"
	"                      again adds nothing\n"
	"      --bucket T      the length of those cycles (15m; 1m-7d)\n"
	"      --max-errors N  print at most N input errors (20; all are "
	"counted)\n"
	"      --quiet         no text report on the terminal (-o, --json, "
	"--traces\n"
	"                      and --db still written)\n"
	"  -v, --verbose       per file on stderr: records, traceroutes, "
	"skipped, rate\n"
	"\n"
	"Records that are not traceroutes (Atlas ping, scamper ping, "
	"tracelb without\n--mda, cycle records) and failed measurements are "
	"counted and left out.\nA record that is not valid is reported as FILE:LINE: "
	"why, and the rest of\nthe input is still read.  Binary warts: "
	"convert with sc_warts2json first.\n"
	"exit status: 0 ok, 1 some input was not valid or an output failed "
	"(the\nrest is analysed), 2 usage error, unreadable file or "
	"database.\n";

#define I(field) offsetof(struct nkt_import_opts, field)

static int opt_format(void *base, const char *arg, struct nkt_err *err)
{
	struct nkt_import_opts *o = base;
	o->format = nkt_import_fmt_parse(arg);
	if (o->format < 0)
		return nkt_err_set(err, NKT_EINVAL,
				   "--format '%s': expected atlas, scamper or "
				   "auto",
				   arg);
	return NKT_OK;
}

/* -q: quiet until it means probes per hop here as everywhere. */
static int opt_q_old(void *base, const char *arg, struct nkt_err *err)
{
	struct nkt_import_opts *o = base;
	(void)arg;
	(void)err;
	o->quiet = 1;
	nkt_cli_warn(&o->out, "'-q' for no report is deprecated (-q is probes "
			      "per hop elsewhere): use '--quiet'");
	return NKT_OK;
}

static int operand(void *base, const char *arg, struct nkt_err *err)
{
	struct nkt_import_opts *o = base;
	return nkt_cli_push(o->files, &o->n_files, NKT_CLI_FILES_MAX, arg,
			    "input files", err);
}

static const struct nkt_opt import_table[] = {
	{.name = "format", .kind = NKT_OPT_FN, .fn = opt_format},
	{.name = "traces", .kind = NKT_OPT_STR, .off = I(traces_out)},
	{.name = "mda", .kind = NKT_OPT_STR, .off = I(mda_out)},
	{.name = "per-vantage", .kind = NKT_OPT_FLAG, .off = I(per_vantage)},
	{.name = "detail", .kind = NKT_OPT_FLAG, .off = I(detail)},
	{.name = "db", .kind = NKT_OPT_STR, .off = I(history), .lo = 1},
	{.name = "bucket", .kind = NKT_OPT_DURATION, .off = I(bucket_ns),
	 .lo = 60 * NKT_NS_PER_S, .hi = 7 * 86400 * NKT_NS_PER_S,
	 .scale = NKT_NS_PER_S},
	{.name = "max-errors", .kind = NKT_OPT_UINT, .off = I(max_errors),
	 .size = sizeof(uint64_t), .hi = 1000000000},
	{.letter = 'q', .kind = NKT_OPT_FN_NOARG, .fn = opt_q_old},
	{.name = "quiet", .kind = NKT_OPT_FLAG,
	 .off = I(quiet)},
	{0},
};

static const struct nkt_cli_spec import_spec = {
	.groups = {{import_table, 0},
		   {nkt_db_group, I(db)},
		   {nkt_analysis_group, I(a)},
		   {nkt_out_group, I(out)}},
	.operand = operand,
	.help = I(help),
	.out = I(out) + 1,
};

int nkt_cli_import(int argc, char **argv, struct nkt_import_opts *o,
		   struct nkt_err *err)
{
	memset(o, 0, sizeof(*o));
	nkt_analysis_opts_default(&o->a);
	o->max_errors = 20;
	o->bucket_ns = 15 * 60 * NKT_NS_PER_S;
	if (nkt_cli_parse(&import_spec, argc, argv, o, err) != NKT_OK)
		return NKT_EINVAL;
	nkt_cli_main_output(&o->out, &o->json_out, &o->text_out);
	return NKT_OK;
}
