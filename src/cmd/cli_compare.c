// SPDX-License-Identifier: ISC
/* cli_compare.c: `nktrace compare`'s options and help.  Pure. */
#include "nktrace/cli.h"

#include <stdio.h>
#include <string.h>

const char nkt_cli_compare_help[] =
	"usage: nktrace compare [OPTIONS]\n"
	"\n"
	"Measure North Korea's transits: trace every target with every "
	"method,\n"
	"then probe it end to end at its hop count; attribute each path to a\n"
	"transit by its AS path; report reachability, RTT and loss per "
	"transit\n"
	"and per /24 with confidence intervals, and compare the transits.\n"
	"\n"
	"what to measure:\n"
	"      --targets ARG   address, prefix or file of them (repeatable);\n"
	"                      default: the known hosts and a sample of each "
	"NK\n"
	"                      /24 from data/targets.json\n"
	"      --discover      find the hosts that answer first: one TCP SYN "
	"to ports\n"
	"                      80, 443 and 22 and one ICMP echo to every "
	"address of\n"
	"                      the space (targets.json), then measure the "
	"known hosts\n"
	"                      and those (the default without --targets or "
	"--sample)\n"
	"      --no-discover   measure the known hosts and a fixed sample "
	"instead\n"
	"      --discover-rate PPS  probes per second of that pass (400)\n"
	"      --discover-max N  answering hosts measured per /24 (16; a "
	"fixed\n"
	"                      spread of them when more answer)\n"
	"      --discovery-cache FILE  keep the hosts discovery found in "
	"FILE and\n"
	"                      use them while younger than --rediscover "
	"instead of\n"
	"                      discovering again (one that is damaged or "
	"names an\n"
	"                      address outside its space is refused with a "
	"warning;\n"
	"                      one of another space or --discover-max is not "
	"used;\n"
	"                      either way discovery runs and rewrites it)\n"
	"      --rediscover T  the cache's longest life (6h)\n"
	"      --sample N      addresses sampled per /24 without discovery "
	"(8)\n"
	"      --methods LIST  e.g. tcp:80,tcp:443,icmp (the default)\n"
	"      --via NAME=IFACE[,GW]  probe every target over this uplink, "
	"NAME\n"
	"                      being a transit (e.g. ttk=ttk0,10.20.0.1); "
	"repeat\n"
	"                      for each uplink: both transits to the same "
	"hosts\n"
	"      --transits FILE transit definitions (default "
	"data/transits.json)\n"
	"      --pings N       end-to-end probes per target and method (10)\n"
	"      --ping-interval T  between end-to-end probes (200ms)\n"
	"      --reprobe N     rounds of slow re-probing for targets whose "
	"transit\n"
	"                      hops all stayed silent (ICMP rate limits), 0 "
	"= none (1)\n"
	"\n"
	"output:\n"
	"      --json          the summary as JSON {\"type\":\"compare\", ...} "
	"instead\n"
	"                      of text (data/compare.schema.md)\n"
	"  -o, --output FILE   the summary goes to FILE ('-': standard "
	"output); with\n"
	"                      --json the text is still printed\n"
	"      --traces FILE   every trace, RIPE Atlas NDJSON\n"
	"      --ci LEVEL      confidence level of the intervals (0.95)\n"
	"      --min-units N   independent units a verdict needs on each "
	"side:\n"
	"                      hosts end to end; at the border flows and "
	"15-minute\n"
	"                      slots, or vantage points (5)\n"
	"      --progress      progress on stderr (default: if a terminal)\n"
	"      --quiet         no progress and no text summary on the "
	"terminal (-o,\n"
	"                      --json and --traces still written)\n"
	"  -v, --verbose       the run's counts on stderr (probes, matches, "
	"capture)\n"
	"\n"
	"probing (as for trace): -q N (2), -w T (2s), -r PPS (100), "
	"--hop-rate PPS\n"
	"(10), --window N (32), --ttl-window N (16), -m N (30), -g N (5),\n"
	"--src ADDR, --user USER, --asn-db FILE, --geo-db FILE, --seed N,\n"
	"--pcap-buffer MiB\n"
	"\n"
	"exit status: 0 ok, 1 runtime failure, 2 usage error or no privilege,\n"
	"128+N interrupted by signal N (outputs are complete).\n";

#define C(field) offsetof(struct nkt_compare_opts, field)

int nkt_cli_methods(const char *s, struct nkt_compare_opts *o,
		    struct nkt_err *err)
{
	char buf[256], *tok, *save = NULL;

	if (strlen(s) >= sizeof(buf) || *s == '\0')
		return nkt_err_set(err, NKT_EINVAL, "--methods: '%s'", s);
	snprintf(buf, sizeof(buf), "%s", s);
	o->n_methods = 0;
	for (tok = strtok_r(buf, ",", &save); tok != NULL;
	     tok = strtok_r(NULL, ",", &save)) {
		char *colon = strchr(tok, ':');
		enum nkt_method m;
		uint64_t port = 0;
		if (colon != NULL)
			*colon = '\0';
		if (nkt_method_parse(tok, &m) != NKT_OK)
			return nkt_err_set(err, NKT_EINVAL,
					   "--methods: '%s' is not icmp, udp "
					   "or tcp",
					   tok);
		if (colon != NULL) {
			if (m == NKT_METHOD_ICMP)
				return nkt_err_set(err, NKT_EINVAL,
						   "--methods: icmp takes no "
						   "port");
			if (nkt_parse_u64(colon + 1, 1, 65535, &port,
					  "--methods port", err) != NKT_OK)
				return NKT_EINVAL;
		}
		if (o->n_methods == NKT_CMP_METHODS_MAX)
			return nkt_err_set(err, NKT_EINVAL,
					   "--methods: at most %d",
					   NKT_CMP_METHODS_MAX);
		o->methods[o->n_methods].method = (uint8_t)m;
		o->methods[o->n_methods].port =
			(uint16_t)(port ? port
			     : m == NKT_METHOD_TCP ? NKT_TCP_DEFAULT_DPORT
			     : m == NKT_METHOD_UDP ? NKT_UDP_DEFAULT_DPORT
						   : 0);
		o->n_methods++;
	}
	if (o->n_methods == 0)
		return nkt_err_set(err, NKT_EINVAL, "--methods: empty list");
	return NKT_OK;
}

/* -P, -p and -f are trace's: compare takes methods and targets. */
static int opt_not_here(void *base, const char *arg, struct nkt_err *err)
{
	(void)base;
	(void)arg;
	return nkt_err_set(err, NKT_EINVAL,
			   "use --methods and --targets (not -P, -p, -f)");
}

static int opt_targets(void *base, const char *arg, struct nkt_err *err)
{
	struct nkt_compare_opts *o = base;
	if (o->n_targets >= NKT_CLI_MAX_ARGS)
		return nkt_err_set(err, NKT_EINVAL, "too many --targets");
	if (*arg == '\0')
		return nkt_err_set(err, NKT_EINVAL, "--targets: empty");
	o->targets[o->n_targets++] = arg;
	return NKT_OK;
}

static int opt_sample(void *base, const char *arg, struct nkt_err *err)
{
	struct nkt_compare_opts *o = base;
	uint64_t v;
	if (nkt_parse_u64(arg, 0, 254, &v, "--sample", err) != NKT_OK)
		return NKT_EINVAL;
	o->sample = (unsigned)v;
	o->sample_set = 1;
	return NKT_OK;
}

static int opt_methods(void *base, const char *arg, struct nkt_err *err)
{
	return nkt_cli_methods(arg, base, err);
}

/* NAME=IFACE[,GATEWAY] */
static int opt_via(void *base, const char *arg, struct nkt_err *err)
{
	struct nkt_compare_opts *o = base;
	if (nkt_cli_named_via(arg, o->via[o->n_via < NKT_CMP_VIA_MAX ? o->n_via : 0].name,
			      sizeof(o->via[0].name),
			      &o->via[o->n_via < NKT_CMP_VIA_MAX ? o->n_via : 0].spec,
			      o->n_via, NKT_CMP_VIA_MAX, err) != NKT_OK)
		return NKT_EINVAL;
	o->n_via++;
	return NKT_OK;
}

#define CUINT(n, field, lo_, hi_)                                              \
	{                                                                      \
		.name = n, .kind = NKT_OPT_UINT, .off = C(field),              \
		.size = sizeof(((struct nkt_compare_opts *)0)->field),         \
		.lo = lo_, .hi = hi_                                           \
	}

const struct nkt_opt nkt_compare_table[] = {
	{.letter = 'P', .kind = NKT_OPT_FN, .fn = opt_not_here},
	{.letter = 'p', .kind = NKT_OPT_FN, .fn = opt_not_here},
	{.letter = 'f', .kind = NKT_OPT_FN, .fn = opt_not_here},
	{.name = "targets", .kind = NKT_OPT_FN, .fn = opt_targets},
	{.name = "sample", .kind = NKT_OPT_FN, .fn = opt_sample},
	{.name = "methods", .kind = NKT_OPT_FN, .fn = opt_methods},
	{.name = "via", .kind = NKT_OPT_FN, .fn = opt_via},
	CUINT("pings", pings, 0, 1000),
	{.name = "ping-interval", .kind = NKT_OPT_DURATION,
	 .off = C(ping_interval_ns), .hi = 60 * NKT_NS_PER_S,
	 .scale = NKT_NS_PER_MS},
	{.name = "traces", .kind = NKT_OPT_STR, .off = C(traces_out)},
	{.name = "discover", .kind = NKT_OPT_CONST, .off = C(discover),
	 .value = 1},
	{.name = "no-discover", .kind = NKT_OPT_CONST, .off = C(discover),
	 .value = 0},
	CUINT("discover-rate", discover_pps, 1, 100000),
	CUINT("discover-max", discover_max, 1, 254),
	CUINT("reprobe", reprobe, 0, 5),
	{.name = "progress", .kind = NKT_OPT_CONST, .off = C(progress),
	 .value = 1},
	{.name = "quiet", .kind = NKT_OPT_FLAG, .off = C(quiet)},
	{0},
};

/* compare's own (run keeps discovery in its history) */
static const struct nkt_opt compare_only_table[] = {
	{.name = "discovery-cache", .kind = NKT_OPT_STR,
	 .off = C(discovery_cache)},
	{.name = "rediscover", .kind = NKT_OPT_DURATION,
	 .off = C(rediscover_ns), .lo = 60 * NKT_NS_PER_S,
	 .hi = 365 * 86400 * NKT_NS_PER_S, .scale = 3600 * NKT_NS_PER_S},
	{0},
};

static const struct nkt_cli_spec compare_spec = {
	.groups = {{nkt_compare_table, 0},
		   {compare_only_table, 0},
		   {nkt_probe_group, C(p)},
		   {nkt_db_group, C(db)},
		   {nkt_analysis_group, C(a)},
		   {nkt_out_group, C(out)}},
	.no_operand = " (targets go in --targets)",
	.help = C(help),
	.out = C(out) + 1,
	.old_json = nkt_cli_old_json_always,
};

void nkt_compare_opts_default(struct nkt_compare_opts *o)
{
	memset(o, 0, sizeof(*o));
	nkt_probe_opts_default(&o->p);
	nkt_analysis_opts_default(&o->a);
	o->p.attempts = 2;
	o->p.wait_ns = 2 * NKT_NS_PER_S;
	o->p.ttl_window = 16;
	o->pings = 10;
	o->ping_interval_ns = 200 * NKT_NS_PER_MS;
	o->discover = -1;
	o->discover_pps = 400;
	o->discover_max = 16;
	o->reprobe = 1;
	o->rediscover_ns = 6 * 3600 * NKT_NS_PER_S;
	o->progress = -1;
	nkt_cli_methods("tcp:80,tcp:443,icmp", o, NULL);
}

int nkt_compare_opts_check(struct nkt_compare_opts *o, struct nkt_err *err)
{
	nkt_cli_main_output(&o->out, &o->json_out, &o->text_out);
	if (o->quiet)
		o->progress = 0;
	if (o->p.dry_run || o->p.dry_pcap != NULL)
		return nkt_err_set(err, NKT_EINVAL,
				   "compare has no --dry-run (it needs "
				   "replies)");
	if (o->p.first_ttl > o->p.max_ttl)
		return nkt_err_set(err, NKT_EINVAL,
				   "first TTL %u is above the max TTL %u",
				   o->p.first_ttl, o->p.max_ttl);
	if (o->discover == 1 && (o->n_targets > 0 || o->sample_set))
		return nkt_err_set(err, NKT_EINVAL,
				   "--discover finds the targets itself: not "
				   "with --targets or --sample");
	if (o->discover < 0)
		o->discover = o->n_targets == 0 && !o->sample_set;
	if (o->discovery_cache != NULL && !o->discover)
		return nkt_err_set(err, NKT_EINVAL,
				   "--discovery-cache keeps what discovery "
				   "finds: not with --no-discover, --targets "
				   "or --sample");
	return NKT_OK;
}

int nkt_cli_compare(int argc, char **argv, struct nkt_compare_opts *o,
		    struct nkt_err *err)
{
	nkt_compare_opts_default(o);
	if (nkt_cli_parse(&compare_spec, argc, argv, o, err) != NKT_OK)
		return NKT_EINVAL;
	if (o->help)
		return NKT_OK;
	return nkt_compare_opts_check(o, err);
}
