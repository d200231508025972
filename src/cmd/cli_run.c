// SPDX-License-Identifier: ISC
/* cli_run.c: `nktrace run`'s options (its own and every one of compare's)
 * and help.  Pure. */
#include "nktrace/cli.h"

#include <string.h>

const char nkt_cli_run_help[] =
	"usage: nktrace run --db FILE [--every T [--count N]] [OPTIONS]\n"
	"\n"
	"Run measurement cycles (each one `nktrace compare`) and keep them in "
	"an\nSQLite history; compare each cycle with the previous ones and "
	"report\nchanges: a /24 moving between transits, a transit appearing "
	"or\ndisappearing, outages and recoveries, RTT level shifts, loss "
	"changes,\nnew border hops.\n"
	"\n"
	"      --db FILE       the history (created if missing)\n"
	"      --every T       keep running: the first cycle at once, the "
	"next ones\n"
	"                      at multiples of T (e.g. 15m: :00, :15, ...), "
	"at least\n"
	"                      T/2 after the previous start, plus up to 5% "
	"(at most\n"
	"                      30 s) of random delay\n"
	"      --count N       stop after N cycles (default: 1, or forever "
	"with\n"
	"                      --every)\n"
	"      --keep T        delete cycles older than T (e.g. 90d)\n"
	"      --rediscover T  with discovery (compare's --discover, the "
	"default):\n"
	"                      find the answering hosts again once the last "
	"search\n"
	"                      is older than T (6h); the hosts found are "
	"kept in\n"
	"                      the history, so cron runs share them\n"
	"      --events FILE   append every event to FILE, one JSON per line\n"
	"      --report-json FILE, --report-prom FILE, --report-html FILE\n"
	"                      after every cycle, ok or failed, write `nktrace "
	"report`'s\n"
	"                      outputs of the last --report-since (7d): the "
	"metrics\n"
	"                      say so when a cycle failed\n"
	"      --on-event CMD  run CMD (sh -c) for every event, with "
	"NKT_EVENT_KIND,\n"
	"                      NKT_EVENT_PREFIX, NKT_EVENT_TRANSIT, "
	"NKT_EVENT_MESSAGE\n"
	"                      in its environment and the event JSON on its "
	"stdin\n"
	"\n"
	"Following RIPE Atlas instead of probing:\n"
	"      --atlas MSM[,MSM...]  each cycle fetches the results of "
	"these\n"
	"                      measurements that are new since the last "
	"fetch (the\n"
	"                      fetched time is kept in the history) and "
	"stores them\n"
	"                      as `import --db` does: one cycle per "
	"--bucket of\n"
	"                      result time, with its events; needs no "
	"privilege\n"
	"      --atlas-since T the first fetch's start: a duration back "
	"(24h) or a\n"
	"                      UTC time (2026-11-27T10:00:00Z)\n"
	"      --atlas-url URL the API's base (https://atlas.ripe.net)\n"
	"      --atlas-lookback T  each fetch starts this long before the "
	"last one\n"
	"                      ended (1h; at most 30d), for results the "
	"probes upload\n"
	"                      late; what is stored already is left out\n"
	"      --atlas-timeout T  one request's time limit (120s); a "
	"request that\n"
	"                      times out, or gets HTTP 429 or 5xx or a body "
	"cut\n"
	"                      short, is tried again (5 tries, waits "
	"doubling from\n"
	"                      1 s, or as Retry-After says, at most 60 s)\n"
	"      --atlas-key-file FILE  an API key for non-public "
	"measurements (else\n"
	"                      $NKTRACE_ATLAS_KEY; public ones need none)\n"
	"      --bucket T      the length of those cycles (15m)\n"
	"--events, --on-event and --keep work on those cycles as on probed "
	"ones.\n"
	"\n"
	"      --quiet         no line per cycle on the terminal (the history, "
	"--events\n"
	"                      and the report outputs still written)\n"
	"  -v, --verbose       each cycle's counts on stderr (probes, "
	"matches, capture;\n"
	"                      with --atlas: each measurement's bytes)\n"
	"\n"
	"Every other option is compare's (nktrace compare --help).\n"
	"exit status: 0 every cycle stored, 1 a cycle failed or could not be\n"
	"stored, 2 usage error or no privilege, 128+N stopped by signal N.\n";

#define R(field) offsetof(struct nkt_run_opts, field)

static int opt_count(void *base, const char *arg, struct nkt_err *err)
{
	struct nkt_run_opts *o = base;
	if (nkt_parse_u64(arg, 1, 1000000000, &o->count, "--count", err) !=
	    NKT_OK)
		return NKT_EINVAL;
	o->count_set = 1;
	return NKT_OK;
}

/* --atlas 5004,29792007: measurement ids. */
static int opt_atlas(void *base, const char *arg, struct nkt_err *err)
{
	struct nkt_run_opts *o = base;
	const char *p = arg;
	while (*p) {
		char buf[24];
		size_t n = strcspn(p, ",");
		uint64_t v;
		if (n == 0 || n >= sizeof(buf))
			return nkt_err_set(err, NKT_EINVAL,
					   "--atlas '%s': expected measurement "
					   "ids, e.g. 5004,29792007",
					   arg);
		memcpy(buf, p, n);
		buf[n] = '\0';
		if (nkt_parse_u64(buf, 1, (uint64_t)1 << 40, &v, "--atlas",
				  err) != NKT_OK)
			return NKT_EINVAL;
		if (o->n_atlas == NKT_ATLAS_MSM_MAX)
			return nkt_err_set(err, NKT_EINVAL,
					   "--atlas: at most %d measurements",
					   NKT_ATLAS_MSM_MAX);
		o->atlas_msm[o->n_atlas++] = (int64_t)v;
		p += n + (p[n] == ',');
	}
	return NKT_OK;
}

static const struct nkt_opt run_table[] = {
	{.name = "report-json", .kind = NKT_OPT_STR, .off = R(report_json),
	 .lo = 1},
	{.name = "report-prom", .kind = NKT_OPT_STR, .off = R(report_prom),
	 .lo = 1},
	{.name = "report-html", .kind = NKT_OPT_STR, .off = R(report_html),
	 .lo = 1},
	{.name = "report-since", .kind = NKT_OPT_STR, .off = R(report_since),
	 .lo = 1},
	{.name = "atlas", .kind = NKT_OPT_FN, .fn = opt_atlas},
	{.name = "atlas-url", .kind = NKT_OPT_STR, .off = R(atlas_url),
	 .lo = 1},
	{.name = "atlas-key-file", .kind = NKT_OPT_STR,
	 .off = R(atlas_key_file), .lo = 1},
	{.name = "atlas-since", .kind = NKT_OPT_STR, .off = R(atlas_since),
	 .lo = 1},
	{.name = "atlas-lookback", .kind = NKT_OPT_DURATION,
	 .off = R(atlas_lookback_ns), .lo = 0,
	 .hi = 30 * 86400 * NKT_NS_PER_S, .scale = NKT_NS_PER_S},
	{.name = "atlas-timeout", .kind = NKT_OPT_DURATION,
	 .off = R(atlas_timeout_ns), .lo = NKT_NS_PER_S,
	 .hi = 3600 * NKT_NS_PER_S, .scale = NKT_NS_PER_S},
	{.name = "bucket", .kind = NKT_OPT_DURATION, .off = R(bucket_ns),
	 .lo = 60 * NKT_NS_PER_S, .hi = 7 * 86400 * NKT_NS_PER_S,
	 .scale = NKT_NS_PER_S},
	{.name = "db", .kind = NKT_OPT_STR, .off = R(db)},
	{.name = "every", .kind = NKT_OPT_DURATION, .off = R(every_ns),
	 .lo = NKT_NS_PER_S, .hi = 30 * 86400 * NKT_NS_PER_S,
	 .scale = NKT_NS_PER_S},
	{.name = "count", .kind = NKT_OPT_FN, .fn = opt_count},
	{.name = "keep", .kind = NKT_OPT_DURATION, .off = R(keep_ns),
	 .lo = 60 * NKT_NS_PER_S, .hi = 100ULL * 365 * 86400 * NKT_NS_PER_S,
	 .scale = 86400 * NKT_NS_PER_S},
	{.name = "events", .kind = NKT_OPT_STR, .off = R(events)},
	{.name = "on-event", .kind = NKT_OPT_STR, .off = R(on_event)},
	{.name = "rediscover", .kind = NKT_OPT_DURATION,
	 .off = R(rediscover_ns), .lo = 60 * NKT_NS_PER_S,
	 .hi = 365 * 86400 * NKT_NS_PER_S, .scale = 3600 * NKT_NS_PER_S},
	{0},
};

static const struct nkt_cli_spec run_spec = {
	.groups = {{run_table, 0},
		   {nkt_compare_table, R(c)},
		   {nkt_probe_group, R(c.p)},
		   {nkt_db_group, R(c.db)},
		   {nkt_analysis_group, R(c.a)},
		   {nkt_out_group, R(c.out)}},
	.no_operand = " (targets go in --targets)",
	.help = R(help),
	.out = R(c.out) + 1,
	.old_json = nkt_cli_old_json_always,
};

int nkt_cli_run(int argc, char **argv, struct nkt_run_opts *o,
		struct nkt_err *err)
{
	memset(o, 0, sizeof(*o));
	nkt_compare_opts_default(&o->c);
	o->rediscover_ns = 6 * 3600 * NKT_NS_PER_S;
	o->atlas_url = "https://atlas.ripe.net";
	o->atlas_since = "24h";
	o->atlas_timeout_ns = 120 * NKT_NS_PER_S;
	o->atlas_lookback_ns = 3600 * NKT_NS_PER_S;
	o->report_since = "7d";
	o->bucket_ns = 15 * 60 * NKT_NS_PER_S;
	if (nkt_cli_parse(&run_spec, argc, argv, o, err) != NKT_OK)
		return NKT_EINVAL;
	if (o->help)
		return NKT_OK;
	if (o->db == NULL || *o->db == '\0')
		return nkt_err_set(err, NKT_EINVAL, "--db FILE is required");
	if (!o->count_set)
		o->count = o->every_ns ? 0 : 1;
	if (o->count_set && o->count > 1 && !o->every_ns)
		return nkt_err_set(err, NKT_EINVAL, "--count needs --every");
	if (o->c.out.json || o->c.out.output != NULL ||
	    o->c.traces_out != NULL)
		return nkt_err_set(err, NKT_EINVAL,
				   "run keeps summaries and traces in --db "
				   "(use nktrace report)");
	return nkt_compare_opts_check(&o->c, err);
}
