// SPDX-License-Identifier: ISC
/* cli_mtr.c: `nktrace mtr`'s options and help.  Pure. */
#include "nktrace/cli.h"

#include <stdio.h>
#include <string.h>

const char nkt_cli_mtr_help[] =
	"usage: nktrace mtr [OPTIONS] TARGET\n"
	"\n"
	"Watch the path to TARGET (an IPv4 address or a host name) as mtr "
	"does: a\nround of probes to every hop each interval, and a table "
	"per hop of the\nloss, the probes sent and the last, average, best, "
	"worst and standard\ndeviation of the RTT, updated in place on a "
	"terminal.  With --via for\neach uplink, the transits side by side "
	"on one screen (one under the other\nwhen the terminal is too "
	"narrow).\n"
	"\n"
	"      --report N      N rounds, then print the table once (no live "
	"view)\n"
	"  -r, --report-mode   as mtr -r: print the table once, after -c N "
	"rounds\n"
	"                      (10 without -c)\n"
	"      --report-wide   as -r, every column at full width whatever the "
	"terminal\n"
	"  -c, --count N       stop after N rounds (default: until "
	"interrupted)\n"
	"  -T, --tcp           as mtr -T: TCP SYN (to port 80 unless -p)\n"
	"  -u, --udp           as mtr -u: UDP\n"
	"  -z                  as mtr -z: the AS column (always shown; "
	"accepted)\n"
	"  -i, --interval T    between the starts of rounds (1s)\n"
	"      --via NAME=IFACE[,GW]  probe over this uplink too, titled NAME "
	"(e.g.\n"
	"                      ttk=ttk0,10.20.0.1); repeat for each transit\n"
	"      --json          with --report: mtr --json's report, one line "
	"per uplink\n"
	"  -o, --output FILE   where the report goes ('-': standard output)\n"
	"  -v, --verbose       at the end, every round's counts on stderr\n"
	"  -n, --no-names      no reverse DNS names (they arrive as the DNS "
	"answers)\n"
	"\n"
	"probing (as for trace): -P icmp|udp|tcp (tcp to port 80 for a North "
	"Korean\ntarget, whose hosts filter ICMP echo; else icmp), -p PORT, "
	"-q N "
	"probes per\nhop per round (1), -w T wait for a reply (1s), -m N "
	"(30), -g N (5), --rate PPS\n(100; in mtr -r is the report, and "
	"'-r N' is still taken as the rate, with\na warning), --hop-rate PPS "
	"(10), --paris-id N, --src ADDR, --user USER,\n--asn-db FILE, "
	"--geo-db FILE, --pcap-buffer MiB, --no-annotate\n"
	"\n"
	"keys in the live view (as mtr's): q quit, p or space pause and "
	"resume, r\nreset the statistics, n names on and off, d the next "
	"layout (full, narrow,\nbrief: each fits more uplinks side by side in "
	"fewer columns; it starts with\nthe widest that fits), ? or h this "
	"list.  The table fits 80x24 with two\nuplinks (brief layout).\n"
	"\n"
	"exit status: 0 ok, 1 runtime failure, 2 usage error or no privilege,\n"
	"128+N interrupted by signal N (the table so far is printed).\n";

#define M(field) offsetof(struct nkt_mtr_opts, field)

/* NAME=IFACE[,GATEWAY] */
static int opt_via(void *base, const char *arg, struct nkt_err *err)
{
	struct nkt_mtr_opts *o = base;
	if (nkt_cli_named_via(arg, o->via[o->n_via < NKT_MTR_VIA_MAX ? o->n_via : 0].name,
			      sizeof(o->via[0].name),
			      &o->via[o->n_via < NKT_MTR_VIA_MAX ? o->n_via : 0].spec,
			      o->n_via, NKT_MTR_VIA_MAX, err) != NKT_OK)
		return NKT_EINVAL;
	o->n_via++;
	return NKT_OK;
}

static int opt_report(void *base, const char *arg, struct nkt_err *err)
{
	struct nkt_mtr_opts *o = base;
	if (nkt_parse_u64(arg, 1, 1000000, &o->count, "--report", err) !=
	    NKT_OK)
		return NKT_EINVAL;
	o->report = 1;
	return NKT_OK;
}

static int opt_r(void *base, const char *arg, struct nkt_err *err)
{
	struct nkt_mtr_opts *o = base;
	(void)arg;
	(void)err;
	o->r_flag = 1;
	o->report = 1;
	return NKT_OK;
}

static int opt_wide(void *base, const char *arg, struct nkt_err *err)
{
	struct nkt_mtr_opts *o = base;
	(void)arg;
	(void)err;
	o->wide = 1;
	o->report = 1;
	return NKT_OK;
}

static int opt_tcp(void *base, const char *arg, struct nkt_err *err)
{
	struct nkt_mtr_opts *o = base;
	(void)arg;
	(void)err;
	o->p.method = NKT_METHOD_TCP;
	o->p.method_set = 1;
	return NKT_OK;
}

static int opt_udp(void *base, const char *arg, struct nkt_err *err)
{
	struct nkt_mtr_opts *o = base;
	(void)arg;
	(void)err;
	o->p.method = NKT_METHOD_UDP;
	o->p.method_set = 1;
	return NKT_OK;
}

static int opt_z(void *base, const char *arg, struct nkt_err *err)
{
	(void)base;
	(void)arg;
	(void)err;
	return NKT_OK;
}

static int all_digits(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

static int operand(void *base, const char *arg, struct nkt_err *err)
{
	struct nkt_mtr_opts *o = base;
	/* "-r 100": the rate as nktrace took it before -r was mtr's
	 * report (a number is no target) */
	if (o->r_flag && !o->old_rate && all_digits(arg)) {
		uint64_t pps;
		if (nkt_parse_u64(arg, 1, 10000000, &pps, "-r", err) !=
		    NKT_OK)
			return NKT_EINVAL;
		o->p.pps = (unsigned)pps;
		o->old_rate = 1;
		o->r_flag = 0;
		o->report = 0;
		return NKT_OK;
	}
	if (o->target != NULL)
		return nkt_err_set(err, NKT_EINVAL,
				   "one target only ('%s' and '%s')",
				   o->target, arg);
	o->target = arg;
	return NKT_OK;
}

static const struct nkt_opt mtr_table[] = {
	{.name = "report", .kind = NKT_OPT_FN, .fn = opt_report},
	/* mtr's letters come first: the probe group's -r (the rate) gives
	 * way here */
	{.name = "report-mode", .letter = 'r', .kind = NKT_OPT_FN_NOARG,
	 .fn = opt_r},
	{.name = "report-wide", .kind = NKT_OPT_FN_NOARG, .fn = opt_wide},
	{.name = "tcp", .letter = 'T', .kind = NKT_OPT_FN_NOARG,
	 .fn = opt_tcp},
	{.name = "udp", .letter = 'u', .kind = NKT_OPT_FN_NOARG,
	 .fn = opt_udp},
	{.letter = 'z', .kind = NKT_OPT_FN_NOARG, .fn = opt_z},
	{.name = "count", .letter = 'c', .kind = NKT_OPT_UINT, .off = M(count),
	 .size = sizeof(uint64_t), .lo = 1, .hi = 1000000, .what = "-c"},
	{.name = "interval", .letter = 'i', .kind = NKT_OPT_DURATION,
	 .off = M(interval_ns), .lo = 100 * NKT_NS_PER_MS,
	 .hi = 3600 * NKT_NS_PER_S, .scale = NKT_NS_PER_S, .what = "-i"},
	{.name = "via", .kind = NKT_OPT_FN, .fn = opt_via},
	{0},
};

static const struct nkt_cli_spec mtr_spec = {
	.groups = {{mtr_table, 0},
		   {nkt_probe_group, M(p)},
		   {nkt_db_group, M(db)},
		   {nkt_out_group, M(out)}},
	.operand = operand,
	.help = M(help),
	.out = M(out) + 1,
};

int nkt_cli_mtr(int argc, char **argv, struct nkt_mtr_opts *o,
		struct nkt_err *err)
{
	memset(o, 0, sizeof(*o));
	nkt_probe_opts_default(&o->p);
	o->p.attempts = 1;
	o->p.wait_ns = NKT_NS_PER_S;
	o->interval_ns = NKT_NS_PER_S;
	if (nkt_cli_parse(&mtr_spec, argc, argv, o, err) != NKT_OK)
		return NKT_EINVAL;
	if (o->help)
		return NKT_OK;
	if (o->old_rate)
		nkt_cli_warn(&o->out, "'-r N' is the probe rate as older "
				      "nktrace took it: write '--rate N' (in "
				      "mtr, -r is the report, as mtr's)");
	if (o->report && o->count == 0)
		o->count = 10; /* mtr -r's default */
	if (o->target == NULL)
		return nkt_err_set(err, NKT_EINVAL,
				   "no target (give an address or a host "
				   "name)");
	if (o->out.json && !o->report)
		return nkt_err_set(err, NKT_EINVAL,
				   "--json is for --report N (the live view "
				   "is text)");
	if (o->p.dry_run || o->p.dry_pcap != NULL)
		return nkt_err_set(err, NKT_EINVAL,
				   "mtr has no --dry-run (it needs replies)");
	return nkt_probe_opts_check(&o->p, err);
}
