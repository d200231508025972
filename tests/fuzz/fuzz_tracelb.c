// SPDX-License-Identifier: ISC
/*
 * fuzz_tracelb.c: libFuzzer target for import --mda: a scamper tracelb
 * record (JSON) read into an MDA graph, then written as JSON and text.
 */
#include "nktrace/import_tracelb.h"
#include "nktrace/mda.h"
#include "nktrace/out_mda.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_error_t je;
	json_t *rec = json_loadb((const char *)data, size, 0, &je);
	struct nkt_tracelb_meta *lm = calloc(1, sizeof(*lm));
	struct nkt_err err = {0, ""};
	struct nkt_mda *m;
	FILE *out;

	if (lm == NULL)
		abort();
	m = rec ? nkt_import_tracelb(rec, lm, &err) : NULL;
	if (m != NULL && (out = fopen("/dev/null", "w")) != NULL) {
		struct nkt_mda_meta mt = {lm->src,	lm->dst,
					  lm->method,	lm->dport,
					  lm->confidence, lm->start_ns,
					  lm->end_ns};
		json_t *j = nkt_mda_json(m, &mt, NULL);
		json_decref(j);
		nkt_mda_text(out, m, &mt, NULL);
		fclose(out);
	}
	nkt_mda_free(m);
	free(lm);
	json_decref(rec);
	return 0;
}
