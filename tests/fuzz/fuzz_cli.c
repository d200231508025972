// SPDX-License-Identifier: ISC
/* fuzz_cli.c: libFuzzer target for `nktrace trace` argument parsing and
 * the --via parser.  Input: arguments separated by NUL bytes. */
#include "nktrace/cli.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1), *argv[34];
	struct nkt_trace_opts *o = malloc(sizeof(*o));
	struct nkt_err err;
	size_t i, start = 0;
	int argc = 1;

	memcpy(buf, data, size);
	buf[size] = '\0';
	argv[0] = (char *)"trace";
	for (i = 0; i <= size && argc < 33; i++)
		if (buf[i] == '\0') {
			argv[argc++] = buf + start;
			start = i + 1;
		}
	argv[argc] = NULL;
	nkt_cli_trace(argc, argv, o, &err);
	{
		char ifc[16];
		uint32_t gw;
		nkt_cli_via(buf, ifc, &gw, &err);
	}
	free(o);
	free(buf);
	return 0;
}
