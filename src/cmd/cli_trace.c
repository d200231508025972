// SPDX-License-Identifier: ISC
/* cli_trace.c: `nktrace trace`'s options and help.  Pure. */
#include "nktrace/cli.h"

#include <stdio.h>
#include <string.h>

const char nkt_cli_trace_help[] =
	"usage: nktrace trace [OPTIONS] TARGET... | -f FILE | -\n"
	"\n"
	"Trace the path to each TARGET (IPv4 address, CIDR prefix: every\n"
	"address of it, or host name, resolved once; '-' or -f FILE: "
	"addresses\nand prefixes, one per line, '#' comments).\n"
	"\n"
	"probing:\n"
	"  -P, --method M      icmp (Paris ICMP echo), udp (Paris UDP), tcp "
	"(SYN);\n"
	"                      default: tcp to port 80 when every target is "
	"in North\n"
	"                      Korea's space (its hosts filter ICMP echo), "
	"icmp otherwise\n"
	"  -p, --port N        destination port (udp 33435, tcp 80)\n"
	"  -q, --attempts N    probes per hop (3)\n"
	"  -w, --wait T        wait for a reply, e.g. 500ms, 2s (3s)\n"
	"  -f, --file FILE     targets from FILE ('-': standard input)\n"
	"      --first-ttl N   first TTL (1; '-f N' is deprecated)\n"
	"  -m, --max-ttl N     maximum TTL (30)\n"
	"  -g, --gaplimit N    stop after N silent hops in a row (5)\n"
	"      --loops N       stop at the Nth loop, 0 never (1)\n"
	"  -r, --rate PPS      probes per second, all targets (100)\n"
	"      --hop-rate PPS  probes per second with the same TTL, so "
	"routers'\n"
	"                      ICMP rate limits hold; 0 = no limit (10)\n"
	"      --window N      targets in progress at once (32)\n"
	"      --ttl-window N  TTLs of one target in flight at once (8)\n"
	"      --size N        probe size in bytes, IP header included (60; "
	"tcp 40)\n"
	"      --tos N         IP TOS byte (0)\n"
	"      --mda           every path: vary the flow (source port; UDP "
	"unless -P)\n"
	"                      per hop until, at --confidence, no next hop is "
	"left\n"
	"                      unseen (MDA, Veitch et al.'s rule); the graph "
	"as text\n"
	"                      or --json (data/mda.schema.md); per-flow or "
	"per-packet\n"
	"                      balancers named\n"
	"      --confidence P  of --mda, per interface (0.95)\n"
	"      --doubletree    many targets, fewer probes (Doubletree's "
	"local stop\n"
	"                      set): the first --whole-traces targets are "
	"traced whole,\n"
	"                      the others from one hop before their usual "
	"last answer,\n"
	"                      forward, then backward only until a router "
	"an earlier\n"
	"                      target met (the hops below are not probed "
	"again: each\n"
	"                      record starts at its first_ttl)\n"
	"      --whole-traces N  of --doubletree (32): more meet more "
	"branches of\n"
	"                      load-balanced paths, fewer spend fewer "
	"probes\n"
	"      --paris-id N    which Paris flow (1-255, default 1); the "
	"source\n"
	"                      port is 33434+N unless --sport N\n"
	"      --via IFACE[,GW]  send on IFACE to gateway GW (link-layer "
	"injection),\n"
	"                      whatever the routing table says\n"
	"      --src ADDR      source address (default: the kernel's "
	"choice)\n"
	"      --pcap-buffer MiB  capture ring size (16)\n"
	"\n"
	"output:\n"
	"      --json          one RIPE Atlas traceroute result per line\n"
	"  -o, --output FILE   write to FILE (atomically: FILE appears "
	"complete)\n"
	"  -n, --no-names      no reverse DNS names of hops (text shows them:\n"
	"                      asynchronous, cached, at most 3 s after a "
	"trace)\n"
	"      --names         names in --json too (\"name\" beside "
	"\"from\")\n"
	"      --msm-id N, --prb-id N  Atlas msm_id / prb_id values (0)\n"
	"      --asn-db FILE, --geo-db FILE  annotation databases (MMDB)\n"
	"      --no-annotate   no ASN/geo annotation\n"
	"  -v, --verbose       run statistics on stderr\n"
	"      --progress, --no-progress  traces done and the time left on "
	"stderr\n"
	"                      (default: when stderr is a terminal and the "
	"records\n"
	"                      go elsewhere)\n"
	"\n"
	"privilege and testing:\n"
	"      --user USER     drop to USER after opening sockets "
	"(default: the\n"
	"                      sudo user, else nobody)\n"
	"      --dry-run --pcap-out FILE  write the probes to a pcap file, "
	"send\n"
	"                      nothing (needs no privilege)\n"
	"      --seed N        fixed probe key: reproducible probes\n"
	"\n"
	"Sending raw packets needs root or cap_net_raw:\n"
	"  sudo setcap cap_net_raw+ep /path/to/nktrace\n"
	"exit status: 0 ok, 1 runtime failure, 2 usage error or no "
	"privilege,\n"
	"128+N interrupted by signal N (outputs are complete).\n";

#define T(field) offsetof(struct nkt_trace_opts, field)

static int add_file(struct nkt_trace_opts *o, const char *path,
		    struct nkt_err *err)
{
	return nkt_cli_push(o->files, &o->n_files, NKT_ARRAY_LEN(o->files),
			    path, "target files", err);
}

/* -f N is the first TTL (traceroute); -f FILE a target file (scamper). */
static int opt_f(void *base, const char *arg, struct nkt_err *err)
{
	struct nkt_trace_opts *o = base;
	uint64_t v;
	const char *s;

	for (s = arg; *s >= '0' && *s <= '9'; s++)
		;
	if (*arg == '\0' || *s != '\0')
		return add_file(o, arg, err);
	if (nkt_parse_u64(arg, 1, 255, &v, "first TTL", err) != NKT_OK)
		return NKT_EINVAL;
	o->p.first_ttl = (uint8_t)v;
	nkt_cli_warn(&o->out, "'-f N' for the first TTL is deprecated (-f "
			      "is a target file): use '--first-ttl N'");
	return NKT_OK;
}

static int opt_file(void *base, const char *arg, struct nkt_err *err)
{
	return add_file(base, arg, err);
}

static int opt_via(void *base, const char *arg, struct nkt_err *err)
{
	char ifc[16];
	uint32_t gw;
	if (nkt_cli_via(arg, ifc, &gw, err) != NKT_OK)
		return NKT_EINVAL;
	((struct nkt_trace_opts *)base)->via = arg;
	return NKT_OK;
}

/* Operands: addresses and prefixes; "-" is standard input. */
static int operand(void *base, const char *arg, struct nkt_err *err)
{
	struct nkt_trace_opts *o = base;
	if (strcmp(arg, "-") == 0)
		return add_file(o, "-", err);
	return nkt_cli_push(o->args, &o->n_args, NKT_CLI_MAX_ARGS, arg,
			    "target arguments; use -f FILE", err);
}

static const struct nkt_opt trace_table[] = {
	{.letter = 'f', .kind = NKT_OPT_FN, .fn = opt_f},
	{.name = "file", .kind = NKT_OPT_FN, .fn = opt_file},
	{.name = "via", .kind = NKT_OPT_FN, .fn = opt_via},
	{.name = "msm-id", .kind = NKT_OPT_UINT, .off = T(msm_id),
	 .size = sizeof(int64_t), .hi = INT32_MAX},
	{.name = "prb-id", .kind = NKT_OPT_UINT, .off = T(prb_id),
	 .size = sizeof(int64_t), .hi = INT32_MAX},
	{.name = "mda", .kind = NKT_OPT_FLAG, .off = T(mda)},
	{.name = "confidence", .kind = NKT_OPT_REAL, .off = T(mda_confidence),
	 .rlo = 0.5, .rhi = 0.999},
	{.name = "doubletree", .kind = NKT_OPT_FLAG, .off = T(doubletree)},
	{.name = "whole-traces", .kind = NKT_OPT_UINT, .off = T(whole_traces),
	 .size = sizeof(uint32_t), .lo = 1, .hi = 1000000},
	{.name = "progress", .kind = NKT_OPT_CONST, .off = T(progress),
	 .value = 1},
	{.name = "no-progress", .kind = NKT_OPT_CONST, .off = T(progress),
	 .value = 0},
	{0},
};

static const struct nkt_cli_spec trace_spec = {
	.groups = {{trace_table, 0},
		   {nkt_probe_group, T(p)},
		   {nkt_db_group, T(db)},
		   {nkt_out_group, T(out)}},
	.operand = operand,
	.help = T(help),
	.out = T(out) + 1,
};

int nkt_cli_trace(int argc, char **argv, struct nkt_trace_opts *o,
		  struct nkt_err *err)
{
	memset(o, 0, sizeof(*o));
	nkt_probe_opts_default(&o->p);
	o->progress = -1;
	o->mda_confidence = 0.95;
	o->whole_traces = 32;
	if (nkt_cli_parse(&trace_spec, argc, argv, o, err) != NKT_OK)
		return NKT_EINVAL;
	if (o->help)
		return NKT_OK;
	o->json = o->out.json;
	o->output = o->out.output;
	if (o->n_args == 0 && o->n_files == 0)
		return nkt_err_set(err, NKT_EINVAL,
				   "no target (give addresses, prefixes, -f "
				   "FILE or -)");
	if (o->mda && !o->p.method_set)
		o->p.method = NKT_METHOD_UDP; /* routers hash ports */
	if (o->mda && o->p.sport != 0)
		return nkt_err_set(err, NKT_EINVAL,
				   "--mda varies the source port: not with "
				   "--sport");
	if (o->mda && o->doubletree)
		return nkt_err_set(err, NKT_EINVAL,
				   "--doubletree is for single-path traces: "
				   "not with --mda");
	if (o->mda && o->p.dry_run)
		return nkt_err_set(err, NKT_EINVAL,
				   "--mda needs replies: not with --dry-run");
	return nkt_probe_opts_check(&o->p, err);
}
