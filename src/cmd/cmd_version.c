// SPDX-License-Identifier: ISC
/* cmd_version.c: `nktrace version`, the same as `nktrace --version`. */
#include "cmd.h"
#include "nktrace/common.h"

#include <stdio.h>
#include <string.h>

int nkt_cmd_version(int argc, char **argv)
{
	if (argc > 1 && (strcmp(argv[1], "--help") == 0 ||
			 strcmp(argv[1], "-h") == 0)) {
		printf("usage: nktrace version\n");
		return NKT_EXIT_OK;
	}
	if (argc > 1) {
		fprintf(stderr, "nktrace version: unexpected argument '%s'\n",
			argv[1]);
		return NKT_EXIT_USAGE;
	}
	printf("nktrace %s\n", NKT_VERSION);
	return NKT_EXIT_OK;
}
