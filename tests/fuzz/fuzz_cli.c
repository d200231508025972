// SPDX-License-Identifier: ISC
/* fuzz_cli.c: libFuzzer target for every subcommand's argument parsing
 * (the first byte picks the command) and the --via and --since parsers.
 * Input: arguments separated by NUL bytes. */
#include "nktrace/cli.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Parse with command k's parser; options freed. */
static void parse(unsigned k, int argc, char **argv)
{
	struct nkt_err err;
	int64_t t;

	switch (k) {
#define ONE(n, type, fn, name)                                                 \
	case n: {                                                              \
		type *o = malloc(sizeof(*o));                                  \
		argv[0] = (char *)name;                                        \
		fn(argc, argv, o, &err);                                       \
		free(o);                                                       \
		break;                                                         \
	}
		ONE(0, struct nkt_trace_opts, nkt_cli_trace, "trace")
		ONE(1, struct nkt_compare_opts, nkt_cli_compare, "compare")
		ONE(2, struct nkt_run_opts, nkt_cli_run, "run")
		ONE(3, struct nkt_import_opts, nkt_cli_import, "import")
		ONE(4, struct nkt_lookup_opts, nkt_cli_lookup, "lookup")
		ONE(5, struct nkt_replay_opts, nkt_cli_replay, "replay")
		ONE(6, struct nkt_report_opts, nkt_cli_report, "report")
		ONE(7, struct nkt_sweep_opts, nkt_cli_sweep, "sweep")
		ONE(8, struct nkt_atlas_opts, nkt_cli_atlas, "atlas")
#undef ONE
	default:
		if (argc > 1)
			nkt_cli_when(argv[1], 1800000000, &t, "--since", &err);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf, *argv[34];
	size_t i, start = 1;
	int argc = 1;

	if (size == 0)
		return 0;
	buf = malloc(size + 1);
	memcpy(buf, data, size);
	buf[size] = '\0';
	for (i = 1; i <= size && argc < 33; i++)
		if (buf[i] == '\0') {
			argv[argc++] = buf + start;
			start = i + 1;
		}
	argv[argc] = NULL;
	parse((unsigned)data[0] % 10, argc, argv);
	{
		char ifc[16];
		uint32_t gw;
		struct nkt_err err;
		nkt_cli_via(buf + 1, ifc, &gw, &err);
	}
	free(buf);
	return 0;
}
