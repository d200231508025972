// SPDX-License-Identifier: ISC
/* cli_bgp.c: `nktrace bgp`'s options and help.  Pure. */
#include "nktrace/cli.h"

#include <string.h>

const char nkt_cli_bgp_help[] =
	"usage: nktrace bgp [OPTIONS] MRT-FILE... | -\n"
	"\n"
	"The control plane: read MRT routing data (RIPE RIS and RouteViews "
	"RIB\ndumps and update files; TABLE_DUMP, TABLE_DUMP_V2 with "
	"ADD-PATH, BGP4MP\nand BGP4MP_ET; gzip, bzip2, xz or plain) and "
	"tell, for North Korea's\nprefixes (175.45.176.0/22, its "
	"more-specifics, and any prefix AS131279\noriginates): the origin, "
	"the origin's upstreams and the share of the\ncollectors' peers "
	"that see each, since when, more-specifics and other\norigins, and "
	"what changed after the first RIB dump (new and gone\nupstreams, "
	"prefixes announced and withdrawn).  Files are read in the order\n"
	"of their first record's time, a RIB dump before updates of the "
	"same time.\nMemory does not grow with the files' size.\n"
	"\n"
	"  -p, --prefix P      follow P and its more-specifics instead of "
	"NK's\n"
	"                      space (repeatable; IPv6 too)\n"
	"      --origin ASN    follow what ASN originates (repeatable; "
	"default 131279\n"
	"                      with the default prefixes)\n"
	"      --records       print the routes one per line instead, as "
	"`bgpdump -m`\n"
	"                      prints its first fields: FORMAT|TIME|A/B/W|"
	"PEER|PEER_AS|\n"
	"                      PREFIX[|PATH_ID]|AS_PATH, and STATE lines\n"
	"      --all           with --records: every prefix and state change\n"
	"      --json          the summary as JSON (data/bgp.schema.md)\n"
	"      --db FILE       keep the control plane in the history FILE "
	"(as `run\n"
	"                      --db`; needs a RIB dump among the files): "
	"each\n"
	"                      prefix's transits and peers, the changes as "
	"events\n"
	"                      (bgp_*, also against the last state stored), "
	"and\n"
	"                      planes_disagree when BGP's transit of a /24 is "
	"not\n"
	"                      the one its packets take (the history's last "
	"cycle);\n"
	"                      files already stored add nothing\n"
	"  -o, --output FILE   write to FILE, atomically ('-': standard "
	"output)\n"
	"      --transits FILE names and sibling groups of upstreams "
	"(default\n"
	"                      data/transits.json)\n"
	"      --max-errors N  print at most N skipped records (20; all are "
	"counted)\n"
	"  -v, --verbose       per file: records read, skipped, not read\n"
	"\n"
	"A record whose parts overrun it (or an unknown attribute layout) is "
	"skipped\nand counted, said as FILE:OFFSET: why (offsets of the "
	"decompressed data);\na record length that runs past the end of the "
	"file stops that file, and\nwhat came before it is used.\n"
	"exit status: 0 ok, 1 a file stopped short or records were skipped "
	"(the rest\nis used), 2 usage error, unreadable file, or --db "
	"without a RIB dump\nor with a history that cannot be written.\n";

#define B(field) offsetof(struct nkt_bgp_opts, field)

static int opt_prefix(void *base, const char *arg, struct nkt_err *err)
{
	struct nkt_bgp_opts *o = base;
	return nkt_cli_push(o->prefixes, &o->n_prefixes,
			    NKT_ARRAY_LEN(o->prefixes), arg, "--prefix", err);
}

static int opt_origin(void *base, const char *arg, struct nkt_err *err)
{
	struct nkt_bgp_opts *o = base;
	uint64_t asn;
	if (nkt_parse_u64(arg[0] == 'A' || arg[0] == 'a'
				  ? (arg[1] == 'S' || arg[1] == 's' ? arg + 2
								    : arg)
				  : arg,
			  1, UINT32_MAX, &asn, "--origin", err) != NKT_OK)
		return NKT_EINVAL;
	if (o->n_origins == NKT_ARRAY_LEN(o->origins))
		return nkt_err_set(err, NKT_EINVAL, "too many --origin (at "
						    "most %zu)",
				   NKT_ARRAY_LEN(o->origins));
	o->origins[o->n_origins++] = (uint32_t)asn;
	return NKT_OK;
}

static int operand(void *base, const char *arg, struct nkt_err *err)
{
	struct nkt_bgp_opts *o = base;
	return nkt_cli_push(o->files, &o->n_files, NKT_CLI_FILES_MAX, arg,
			    "MRT files", err);
}

static const struct nkt_opt bgp_table[] = {
	{.name = "prefix", .letter = 'p', .kind = NKT_OPT_FN,
	 .fn = opt_prefix},
	{.name = "origin", .kind = NKT_OPT_FN, .fn = opt_origin},
	{.name = "records", .kind = NKT_OPT_FLAG, .off = B(records)},
	{.name = "all", .kind = NKT_OPT_FLAG, .off = B(all)},
	{.name = "transits", .kind = NKT_OPT_STR, .off = B(transits), .lo = 1},
	{.name = "db", .kind = NKT_OPT_STR, .off = B(db), .lo = 1},
	{.name = "max-errors", .kind = NKT_OPT_UINT, .off = B(max_errors),
	 .size = sizeof(uint64_t), .lo = 0, .hi = 1000000000, .scale = 1},
	{0},
};

static const struct nkt_cli_spec bgp_spec = {
	.groups = {{bgp_table, 0}, {nkt_out_group, B(out)}},
	.operand = operand,
	.help = B(help),
	.out = B(out) + 1,
};

int nkt_cli_bgp(int argc, char **argv, struct nkt_bgp_opts *o,
		struct nkt_err *err)
{
	memset(o, 0, sizeof(*o));
	o->max_errors = 20;
	if (nkt_cli_parse(&bgp_spec, argc, argv, o, err) != NKT_OK)
		return NKT_EINVAL;
	if (o->help)
		return NKT_OK;
	if (o->n_files == 0)
		return nkt_err_set(err, NKT_EINVAL,
				   "no MRT file given ('-': standard input)");
	if (o->all && !o->records)
		return nkt_err_set(err, NKT_EINVAL,
				   "--all goes with --records (the summary "
				   "follows chosen prefixes: --prefix)");
	if (o->records && o->out.json)
		return nkt_err_set(err, NKT_EINVAL,
				   "--records prints lines, not JSON: drop "
				   "--json");
	if (o->records && o->db)
		return nkt_err_set(err, NKT_EINVAL,
				   "--records prints the routes; --db keeps "
				   "the control plane: one or the other");
	nkt_cli_main_output(&o->out, &o->json_out, &o->text_out);
	return NKT_OK;
}
