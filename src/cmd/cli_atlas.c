// SPDX-License-Identifier: ISC
/* cli_atlas.c: `nktrace atlas`'s options and help.  Pure. */
#include "nktrace/cli.h"

#include <string.h>

const char nkt_cli_atlas_help[] =
	"usage: nktrace atlas create [OPTIONS] [ADDR...]\n"
	"\n"
	"Create RIPE Atlas traceroute measurements to North Korea's hosts "
	"(the\nknown hosts of data/targets.json, or the ADDRs given): one "
	"per target\nand protocol, Paris traceroute, from probes all over "
	"the world.  Prints\nthe measurement ids and the `nktrace run "
	"--atlas` that follows them.\n"
	"\n"
	"      --dry-run       print the estimate and the API request "
	"(JSON), send\n"
	"                      nothing\n"
	"      --protocols L   tcp80, tcp443, icmp, comma-separated (tcp80: "
	"what\n"
	"                      reaches North Korea's hosts)\n"
	"      --probes N      probes asked for (10)\n"
	"      --max-credits N refuse a request estimated to spend more "
	"credits a\n"
	"                      day (a one-off: in all) than N (1000000)\n"
	"      --area A        WW, West, North-Central, South-Central, "
	"North-East,\n"
	"                      South-East (WW)\n"
	"      --country CC    probes of one country instead of an area\n"
	"      --interval T    how often each measures (15m)\n"
	"      --one-off       measure once\n"
	"      --paris N       Paris variations (16), --packets N per hop "
	"(3)\n"
	"      --atlas-url URL the API's base (https://atlas.ripe.net)\n"
	"      --atlas-key-file FILE  the API key (else $NKTRACE_ATLAS_KEY); "
	"needed\n"
	"                      to create measurements, not for --dry-run\n"
	"      --transits FILE transit definitions (default "
	"data/transits.json;\n"
	"                      targets.json is read beside it)\n"
	"      --json          the result as one JSON object {\"type\":"
	"\"atlas_create\",\n"
	"                      \"estimate\", \"request\", \"measurements\", "
	"\"follow\"}\n"
	"  -o, --output FILE   where the result goes ('-': standard output), "
	"complete\n"
	"                      or not at all\n"
	"  -v, --verbose       the request (URL, bytes) and the answer's size "
	"on stderr\n"
	"\n"
	"\nBefore anything is sent (and with --dry-run) it says what the "
	"request\nwould cost: measurements x probes x results a day, at 60 "
	"credits a\ntraceroute result of 3 packets (20 credits a packet).\n"
	"\n"
	"exit status: 0 created (or printed), 1 the API refused or failed, 2 "
	"usage\nerror, no key, or over --max-credits.\n";

#define A(field) offsetof(struct nkt_atlas_opts, field)

static int operand(void *base, const char *arg, struct nkt_err *err)
{
	struct nkt_atlas_opts *o = base;
	if (o->action == NULL) {
		if (strcmp(arg, "create") != 0)
			return nkt_err_set(err, NKT_EINVAL,
					   "unknown action '%s' (expected "
					   "create)",
					   arg);
		o->action = arg;
		return NKT_OK;
	}
	return nkt_cli_push(o->addrs, &o->n_addrs, 64, arg, "targets", err);
}

static const struct nkt_opt atlas_table[] = {
	{.name = "dry-run", .kind = NKT_OPT_FLAG, .off = A(dry_run)},
	{.name = "protocols", .kind = NKT_OPT_STR, .off = A(protocols),
	 .lo = 1},
	{.name = "probes", .kind = NKT_OPT_UINT, .off = A(probes),
	 .size = sizeof(uint64_t), .lo = 1, .hi = 1000},
	{.name = "max-credits", .kind = NKT_OPT_UINT, .off = A(max_credits),
	 .size = sizeof(uint64_t), .lo = 1, .hi = 1000000000000ULL},
	{.name = "area", .kind = NKT_OPT_STR, .off = A(area), .lo = 1},
	{.name = "country", .kind = NKT_OPT_STR, .off = A(country), .lo = 1},
	{.name = "interval", .kind = NKT_OPT_DURATION, .off = A(interval_ns),
	 .lo = 60 * NKT_NS_PER_S, .hi = 7 * 86400 * NKT_NS_PER_S,
	 .scale = NKT_NS_PER_S},
	{.name = "one-off", .kind = NKT_OPT_FLAG, .off = A(one_off)},
	{.name = "paris", .kind = NKT_OPT_UINT, .off = A(paris),
	 .size = sizeof(uint64_t), .lo = 0, .hi = 64},
	{.name = "packets", .kind = NKT_OPT_UINT, .off = A(packets),
	 .size = sizeof(uint64_t), .lo = 1, .hi = 16},
	{.name = "atlas-url", .kind = NKT_OPT_STR, .off = A(atlas_url),
	 .lo = 1},
	{.name = "atlas-key-file", .kind = NKT_OPT_STR,
	 .off = A(atlas_key_file), .lo = 1},
	{.name = "transits", .kind = NKT_OPT_STR, .off = A(transits_file),
	 .lo = 1},
	{0},
};

static const struct nkt_cli_spec atlas_spec = {
	.groups = {{atlas_table, 0}, {nkt_out_group, A(out)}},
	.operand = operand,
	.help = A(help),
	.out = A(out) + 1,
};

int nkt_cli_atlas(int argc, char **argv, struct nkt_atlas_opts *o,
		  struct nkt_err *err)
{
	const char *p;

	memset(o, 0, sizeof(*o));
	o->protocols = "tcp80";
	o->probes = 10;
	o->max_credits = 1000000;
	o->paris = 16;
	o->packets = 3;
	o->interval_ns = 900 * NKT_NS_PER_S;
	o->atlas_url = "https://atlas.ripe.net";
	if (nkt_cli_parse(&atlas_spec, argc, argv, o, err) != NKT_OK)
		return NKT_EINVAL;
	if (o->help)
		return NKT_OK;
	if (o->action == NULL)
		return nkt_err_set(err, NKT_EINVAL,
				   "no action (nktrace atlas create ...)");
	if (o->area != NULL && o->country != NULL)
		return nkt_err_set(err, NKT_EINVAL,
				   "--area and --country exclude each other");
	if (o->country != NULL &&
	    (strlen(o->country) != 2 || o->country[0] < 'A' ||
	     o->country[0] > 'Z' || o->country[1] < 'A' || o->country[1] > 'Z'))
		return nkt_err_set(err, NKT_EINVAL,
				   "--country '%s': a two-letter code such as "
				   "DE",
				   o->country);
	for (p = o->protocols; *p;) {
		size_t n = strcspn(p, ",");
		if (!((n == 5 && strncmp(p, "tcp80", 5) == 0) ||
		      (n == 6 && strncmp(p, "tcp443", 6) == 0) ||
		      (n == 4 && strncmp(p, "icmp", 4) == 0)))
			return nkt_err_set(err, NKT_EINVAL,
					   "--protocols '%s': expected tcp80, "
					   "tcp443, icmp",
					   o->protocols);
		p += n + (p[n] == ',');
	}
	if (o->one_off)
		o->interval_ns = 0;
	return NKT_OK;
}
