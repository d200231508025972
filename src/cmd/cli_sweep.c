// SPDX-License-Identifier: ISC
/* cli_sweep.c: `nktrace sweep`'s options and help.  Pure. */
#include "nktrace/cli.h"
#include "nktrace/sender.h"

#include <string.h>

const char nkt_cli_sweep_help[] =
	"usage: nktrace sweep [OPTIONS] TARGET... | -f FILE\n"
	"\n"
	"Probe every TTL of every target once, at a steady rate, in a keyed "
	"random\norder over all (target, TTL) pairs so that no router sees a "
	"burst (the way\nyarrp does): ICMP echo requests, Paris-style (constant "
	"identifier and\nchecksum per target), matched statelessly by keyed "
	"fields.  TARGETs are\naddresses or prefixes (every address of a "
	"prefix).\n"
	"\n"
	"  -f, --file FILE      targets from FILE (one per line, # comments)\n"
	"      --first-ttl N    first TTL (1)\n"
	"  -m, --max-ttl N      last TTL (16)\n"
	"  -r, --rate PPS       probes per second (1000; up to 10000000)\n"
	"  -w, --wait T         wait this long for replies after the last "
	"probe (2s)\n"
	"      --batch N        probes per sendmmsg call (64)\n"
	"      --src ADDR       source address (default: the route's)\n"
	"      --seed N         fixed key: the same order and probes again\n"
	"      --out FILE       one trace per target, RIPE Atlas JSON per "
	"line\n"
	"      --json FILE      the summary as JSON\n"
	"      --pcap-buffer N  capture ring, bytes (16 MB: 1 s of replies at\n"
	"                       100,000 probes/s)\n"
	"      --user USER      drop to USER after opening the sockets\n"
	"  -q, --quiet          no summary on standard output\n"
	"\n"
	"At most 67108864 probes per sweep (targets x TTLs).  Memory: 16 bytes "
	"per\nprobe.\n"
	"exit status: 0 ok, 1 runtime failure, 2 usage error or no privilege, "
	"128+N\nstopped by signal N (the summary covers what was sent).\n";

#define S(field) offsetof(struct nkt_sweep_opts, field)
#define SUINT(n, l, field, lo_, hi_)                                           \
	{                                                                      \
		.name = n, .letter = l, .kind = NKT_OPT_UINT, .off = S(field), \
		.size = sizeof(((struct nkt_sweep_opts *)0)->field),           \
		.lo = lo_, .hi = hi_                                           \
	}

static int opt_file(void *base, const char *arg, struct nkt_err *err)
{
	struct nkt_sweep_opts *o = base;
	return nkt_cli_push(o->files, &o->n_files, NKT_ARRAY_LEN(o->files),
			    arg, "target files", err);
}

static int opt_seed(void *base, const char *arg, struct nkt_err *err)
{
	struct nkt_sweep_opts *o = base;
	if (nkt_parse_u64(arg, 0, UINT64_MAX, &o->seed, "--seed", err) !=
	    NKT_OK)
		return NKT_EINVAL;
	o->have_seed = 1;
	return NKT_OK;
}

static int operand(void *base, const char *arg, struct nkt_err *err)
{
	struct nkt_sweep_opts *o = base;
	return nkt_cli_push(o->args, &o->n_args, NKT_CLI_MAX_ARGS, arg,
			    "target arguments; use -f FILE", err);
}

static const struct nkt_opt sweep_table[] = {
	{.name = "file", .letter = 'f', .kind = NKT_OPT_FN, .fn = opt_file},
	SUINT("first-ttl", 0, first_ttl, 1, 255),
	SUINT("max-ttl", 'm', max_ttl, 1, 255),
	SUINT("rate", 'r', rate, 1, 10000000),
	{.name = "wait", .letter = 'w', .kind = NKT_OPT_DURATION,
	 .off = S(wait_ns), .hi = 600 * NKT_NS_PER_S, .scale = NKT_NS_PER_S},
	SUINT("batch", 0, batch, 1, NKT_SENDER_BATCH_MAX),
	{.name = "src", .kind = NKT_OPT_STR, .off = S(src)},
	{.name = "seed", .kind = NKT_OPT_FN, .fn = opt_seed},
	{.name = "out", .kind = NKT_OPT_STR, .off = S(out)},
	{.name = "json", .kind = NKT_OPT_STR, .off = S(json)},
	SUINT("pcap-buffer", 0, pcap_buffer, 1u << 20, 1u << 30),
	{.name = "user", .kind = NKT_OPT_STR, .off = S(user)},
	{.name = "quiet", .letter = 'q', .kind = NKT_OPT_FLAG,
	 .off = S(quiet)},
	{0},
};

static const struct nkt_cli_spec sweep_spec = {
	.groups = {{sweep_table, 0}},
	.operand = operand,
	.help = S(help),
};

int nkt_cli_sweep(int argc, char **argv, struct nkt_sweep_opts *o,
		  struct nkt_err *err)
{
	memset(o, 0, sizeof(*o));
	o->first_ttl = 1;
	o->max_ttl = 16;
	o->rate = 1000;
	o->wait_ns = 2 * NKT_NS_PER_S;
	o->batch = 64;
	o->pcap_buffer = 16u << 20;
	if (nkt_cli_parse(&sweep_spec, argc, argv, o, err) != NKT_OK)
		return NKT_EINVAL;
	if (o->help)
		return NKT_OK;
	if (o->max_ttl < o->first_ttl)
		return nkt_err_set(err, NKT_EINVAL,
				   "--max-ttl %u is below --first-ttl %u",
				   o->max_ttl, o->first_ttl);
	if (o->n_args == 0 && o->n_files == 0)
		return nkt_err_set(err, NKT_EINVAL,
				   "no targets (give addresses, prefixes or "
				   "-f FILE)");
	return NKT_OK;
}
