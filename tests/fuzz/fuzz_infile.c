// SPDX-License-Identifier: ISC
/*
 * fuzz_infile.c: libFuzzer target for the input layer every reader sits
 * on: the bytes as a file (gzip, bzip2, xz by their magic, warts refused
 * with a reason), opened, read line by line to the end, closed.  A
 * bomb is bounded by the fuzzer's memory and time limits.
 */
#include "nktrace/infile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[256];
	struct nkt_infile in;
	struct nkt_err err = {0, ""};
	char *line = NULL;
	size_t cap = 0, lines = 0;
	FILE *f;

	if (path[0] == '\0')
		snprintf(path, sizeof(path), "%s/nkt-fuzz-infile-%d",
			 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp",
			 (int)getpid());
	f = fopen(path, "wb");
	if (f == NULL || fwrite(data, 1, size, f) != size)
		abort();
	fclose(f);
	if (nkt_infile_open(&in, path, &err) == NKT_OK) {
		while (getline(&line, &cap, in.f) > 0 && lines < (1u << 20))
			lines++;
		(void)nkt_infile_error(&in);
		nkt_infile_close(&in, &err);
	}
	free(line);
	unlink(path);
	return 0;
}
