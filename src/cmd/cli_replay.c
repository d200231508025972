// SPDX-License-Identifier: ISC
/* cli_replay.c: `nktrace replay`'s options and help.  Pure. */
#include "nktrace/cli.h"

#include <string.h>

const char nkt_cli_replay_help[] =
	"usage: nktrace replay [--json] [-o FILE] [-v] CAPTURE.pcap... | -\n"
	"\n"
	"Rebuild traceroutes from packet captures taken while any tracer ran\n"
	"(nktrace, scamper, mtr, traceroute): each reply is matched to the\n"
	"captured probe it quotes or answers; one trace per (source,\n"
	"destination, protocol).  IPv6 frames are not decoded (nktrace "
	"probes\nIPv4).\n"
	"\n"
	"      --json         one RIPE Atlas traceroute result per line\n"
	"  -o, --output FILE  write to FILE atomically\n"
	"  -v, --verbose      frame and match counts on stderr\n"
	"\n"
	"exit status: 0 ok, 1 unreadable capture, 2 usage error.\n";

#define Y(field) offsetof(struct nkt_replay_opts, field)

static int operand(void *base, const char *arg, struct nkt_err *err)
{
	struct nkt_replay_opts *o = base;
	return nkt_cli_push(o->files, &o->n_files, NKT_CLI_FILES_MAX, arg,
			    "capture files", err);
}

static const struct nkt_opt replay_table[] = {
	{0},
};

static const struct nkt_cli_spec replay_spec = {
	.groups = {{replay_table, 0}, {nkt_out_group, Y(out)}},
	.operand = operand,
	.help = Y(help),
	.out = Y(out) + 1,
};

int nkt_cli_replay(int argc, char **argv, struct nkt_replay_opts *o,
		   struct nkt_err *err)
{
	memset(o, 0, sizeof(*o));
	if (nkt_cli_parse(&replay_spec, argc, argv, o, err) != NKT_OK)
		return NKT_EINVAL;
	o->json = o->out.json;
	o->output = o->out.output;
	if (!o->help && o->n_files == 0)
		return nkt_err_set(err, NKT_EINVAL, "no capture file given");
	return NKT_OK;
}
