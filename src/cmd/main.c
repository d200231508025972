// SPDX-License-Identifier: ISC
/*
 * main.c: the only file that exits.  Dispatches argv[1] to a subcommand and
 * turns its result into the documented exit code.
 */
#include "cmd.h"
#include "nktrace/common.h"

#include <stdio.h>
#include <string.h>

static const struct nkt_cmd commands[] = {
	NKT_CMD_TABLE
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f,
		"usage: nktrace [--help | --version] COMMAND [OPTIONS] [ARGS]\n"
		"\n"
		"Measure how North Korea (175.45.176.0/22, AS131279) reaches "
		"the Internet:\nwhich transit carries each prefix, and how "
		"reachability, RTT and loss compare.\n\ncommands:\n");
	for (i = 0; i < NKT_ARRAY_LEN(commands); i++)
		fprintf(f, "  %-9s %s\n", commands[i].name,
			commands[i].summary);
	fprintf(f, "\n"
		   "Every command's options follow one convention:\n"
		   "  --json             JSON instead of text for the "
		   "command's main output\n"
		   "  -o, --output FILE  where that output goes ('-': "
		   "standard output, the\n"
		   "                     default); FILE appears complete or "
		   "not at all\n"
		   "  --traces FILE      every trace, RIPE Atlas NDJSON "
		   "(compare, import, sweep)\n"
		   "  -q N               probes per hop (trace, compare, run, "
		   "mtr)\n"
		   "  --quiet            no progress and no text summary on the terminal;\n"
		   "                     what -o, --json, --traces, --db write is\n"
		   "                     unchanged (compare, run, sweep, import)\n"
		   "  -n, --no-names     no reverse DNS names\n"
		   "  -f, --file FILE    targets or addresses from FILE ('-': "
		   "standard input)\n"
		   "  -v, --verbose      the run's counts on stderr (every command)\n"
		   "  times: 500ms, 2s, 15m, 24h, 7d (a bare number is the "
		   "option's unit);\n"
		   "  --pcap-buffer in MiB everywhere.  Old spellings ('--json "
		   "FILE', sweep's\n"
		   "  --out and -q) still work with a warning.\n"
		   "Environment: NKTRACE_DATA is the data directory "
		   "(nktrace.mmdb,\n"
		   "targets.json, transits.json); without it, the source "
		   "tree when run from\n"
		   "the build directory, else the installed share/nktrace.\n"
		   "\n"
		   "Run 'nktrace COMMAND --help' for a command's options.\n"
		   "\n"
		   "exit status: 0 ok, 1 runtime failure, 2 usage or "
		   "configuration error.\n");
}

int main(int argc, char **argv)
{
	size_t i;
	const char *name;

	if (argc < 2) {
		usage(stderr);
		return NKT_EXIT_USAGE;
	}
	name = argv[1];
	if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 ||
	    strcmp(name, "help") == 0) {
		if (argc > 2 && strcmp(name, "help") == 0) {
			char *sub[] = {argv[2], (char *)"--help", NULL};
			for (i = 0; i < NKT_ARRAY_LEN(commands); i++)
				if (strcmp(commands[i].name, argv[2]) == 0)
					return commands[i].run(2, sub);
			fprintf(stderr, "nktrace: unknown command '%s'\n",
				argv[2]);
			return NKT_EXIT_USAGE;
		}
		usage(stdout);
		return NKT_EXIT_OK;
	}
	if (strcmp(name, "--version") == 0 || strcmp(name, "-V") == 0) {
		printf("nktrace %s\n", NKT_VERSION);
		return NKT_EXIT_OK;
	}
	for (i = 0; i < NKT_ARRAY_LEN(commands); i++)
		if (strcmp(commands[i].name, name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	if (name[0] == '-')
		fprintf(stderr,
			"nktrace: unknown option '%s' (try 'nktrace --help')\n",
			name);
	else
		fprintf(stderr,
			"nktrace: unknown command '%s' (try 'nktrace --help')\n",
			name);
	return NKT_EXIT_USAGE;
}
