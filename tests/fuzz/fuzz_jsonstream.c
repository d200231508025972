// SPDX-License-Identifier: ISC
/* fuzz_jsonstream.c: libFuzzer target for jsonstream's two paths: the
 * input read with records parsed where they lie in the read-ahead, and
 * read character by character; every call must give the same result,
 * record, position and error both ways (abort otherwise). */
#include "nktrace/jsonstream.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct step {
	int rc;
	struct nkt_jpos pos;
	struct nkt_err err;
	json_t *rec;
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FILE *in[2];
	struct nkt_jstream js[2];
	int w, more = 1;

	for (w = 0; w < 2; w++) {
		in[w] = fmemopen((void *)(uintptr_t)data, size, "r");
		if (size == 0 || in[w] == NULL) {
			if (w == 1 && in[0] != NULL)
				fclose(in[0]);
			if (in[w] != NULL)
				fclose(in[w]);
			return 0;
		}
		nkt_jstream_init(&js[w], in[w]);
		js[w].slow_only = w;
	}
	while (more) {
		struct step st[2];
		for (w = 0; w < 2; w++) {
			memset(&st[w], 0, sizeof(st[w]));
			st[w].rc = nkt_jstream_next(&js[w], &st[w].rec,
						    &st[w].pos, &st[w].err);
		}
		if (st[0].rc != st[1].rc ||
		    memcmp(&st[0].pos, &st[1].pos, sizeof(st[0].pos)) != 0 ||
		    st[0].err.code != st[1].err.code ||
		    strcmp(st[0].err.msg, st[1].err.msg) != 0 ||
		    (st[0].rec == NULL) != (st[1].rec == NULL) ||
		    (st[0].rec != NULL && !json_equal(st[0].rec, st[1].rec)))
			abort();
		json_decref(st[0].rec);
		json_decref(st[1].rec);
		more = st[0].rc != 0;
	}
	for (w = 0; w < 2; w++) {
		nkt_jstream_free(&js[w]);
		fclose(in[w]);
	}
	return 0;
}
