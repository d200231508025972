// SPDX-License-Identifier: ISC
/* cli_sweep.c: `nktrace sweep`'s options and help.  Pure. */
#include "nktrace/cli.h"
#include "nktrace/inet.h"
#include "nktrace/targets.h"
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
	"      --traces FILE    one trace per target, RIPE Atlas JSON per "
	"line\n"
	"                       (was --out FILE)\n"
	"      --json           the summary as JSON instead of text\n"
	"  -o, --output FILE    the summary goes to FILE ('-': standard "
	"output); with\n"
	"                       --json the text is still printed\n"
	"      --pcap-buffer MiB  capture ring (16: 1 s of replies at "
	"100,000\n"
	"                       probes/s)\n"
	"      --user USER      drop to USER after opening the sockets\n"
	"      --quiet          no progress and no text summary on the "
	"terminal (-o,\n"
	"                       --json and --traces still written)\n"
	"  -v, --verbose        the run's counts on stderr (sent, matched, "
	"CPU, capture)\n"
	"      --progress, --no-progress  a progress line with the time left "
	"on\n"
	"                       stderr each second (default: if a terminal)\n"
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

/* --pcap-buffer in MiB, as in trace and compare; a number above 1024 is
 * the old form, bytes. */
static int opt_pcap_buffer(void *base, const char *arg, struct nkt_err *err)
{
	struct nkt_sweep_opts *o = base;
	uint64_t v;

	if (nkt_parse_u64(arg, 1, 1u << 30, &v, "--pcap-buffer (MiB)", err) !=
	    NKT_OK)
		return NKT_EINVAL;
	if (v <= 1024) {
		o->pcap_buffer = v << 20;
		return NKT_OK;
	}
	if (v < 1u << 20)
		return nkt_err_set(err, NKT_EINVAL,
				   "--pcap-buffer %s: expected MiB (1-1024)",
				   arg);
	o->pcap_buffer = v;
	nkt_cli_warn(&o->o, "'--pcap-buffer' in bytes is deprecated: it is in "
			    "MiB now, as in trace and compare");
	return NKT_OK;
}

static int opt_out_old(void *base, const char *arg, struct nkt_err *err)
{
	struct nkt_sweep_opts *o = base;
	if (*arg == '\0')
		return nkt_err_set(err, NKT_EINVAL, "--out: empty file name");
	o->out = arg;
	nkt_cli_warn(&o->o, "'--out FILE' is deprecated: use '--traces FILE' "
			    "(as in compare and import)");
	return NKT_OK;
}

static int opt_q_old(void *base, const char *arg, struct nkt_err *err)
{
	struct nkt_sweep_opts *o = base;
	(void)arg;
	(void)err;
	o->quiet = 1;
	nkt_cli_warn(&o->o, "'-q' for no summary is deprecated (-q is probes "
			    "per hop elsewhere): use '--quiet'");
	return NKT_OK;
}

/* The old '--json FILE': FILE is not an address or prefix (a target). */
static int old_json(const void *o, const char *arg)
{
	uint32_t a;
	uint8_t len;
	(void)o;
	return nkt_inet_parse(arg, &a) != NKT_OK &&
	       nkt_prefix_parse(arg, &a, &len, NULL) != NKT_OK;
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
	{.name = "traces", .kind = NKT_OPT_STR, .off = S(out), .lo = 1},
	{.name = "out", .kind = NKT_OPT_FN, .fn = opt_out_old},
	{.name = "pcap-buffer", .kind = NKT_OPT_FN, .fn = opt_pcap_buffer},
	{.name = "user", .kind = NKT_OPT_STR, .off = S(user)},
	{.letter = 'q', .kind = NKT_OPT_FN_NOARG, .fn = opt_q_old},
	{.name = "progress", .kind = NKT_OPT_CONST, .off = S(progress),
	 .value = 1},
	{.name = "no-progress", .kind = NKT_OPT_CONST, .off = S(progress),
	 .value = 0},
	{.name = "quiet", .kind = NKT_OPT_FLAG,
	 .off = S(quiet)},
	{0},
};

static const struct nkt_cli_spec sweep_spec = {
	.groups = {{sweep_table, 0}, {nkt_out_group, S(o)}},
	.operand = operand,
	.help = S(help),
	.out = S(o) + 1,
	.old_json = old_json,
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
	o->progress = -1;
	if (nkt_cli_parse(&sweep_spec, argc, argv, o, err) != NKT_OK)
		return NKT_EINVAL;
	nkt_cli_main_output(&o->o, &o->json, &o->text);
	if (o->help)
		return NKT_OK;
	if (o->quiet)
		o->progress = 0;
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
