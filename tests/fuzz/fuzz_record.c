// SPDX-License-Identifier: ISC
/* fuzz_record.c: libFuzzer target for one record as the importers take
 * it (the narrow half of fuzz_import: no stream, no summary): the input
 * parsed as one JSON value, converted by nkt_import_record (RIPE Atlas,
 * scamper, M-Lab's wrapped form, nktrace's own), its path attributed and
 * observed, and written back as Atlas JSON and as text.  Small inputs
 * and a short path per execution, so that it runs many times faster than
 * the whole pipeline. */
#include "fuzz_paths.h"
#include "nktrace/compare.h"
#include "nktrace/import.h"
#include "nktrace/out_atlas.h"
#include "nktrace/out_text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct nkt_transits ts;
	static FILE *out;
	struct nkt_addrtab at;
	struct nkt_import_state st;
	struct nkt_out_opts oo;
	struct nkt_err err = {0, ""};
	struct nkt_import_meta m;
	struct nkt_trace *t;
	json_t *rec;

	if (out == NULL) {
		out = fopen("/dev/null", "w");
		if (out == NULL ||
		    nkt_transits_parse(fuzz_transits_json,
				       strlen(fuzz_transits_json), "fuzz", &ts,
				       &err) != NKT_OK)
			abort();
	}
	if (size > 65536)
		return 0;
	rec = json_loadb((const char *)data, size, 0, NULL);
	if (rec == NULL)
		return 0;
	memset(&at, 0, sizeof(at));
	memset(&st, 0, sizeof(st));
	memset(&oo, 0, sizeof(oo));
	oo.addrs = &at;
	if (nkt_import_record(rec, NKT_IMPORT_AUTO, &at, &st, &t, &m, &err) ==
	    NKT_OK) {
		struct nkt_aspath p;
		struct nkt_attribution a;
		struct nkt_cmp_obs o;
		nkt_aspath_of_trace(t, fuzz_asn_of, NULL, &p);
		nkt_transit_attribute(&ts, &p, NULL, NULL, &a);
		nkt_cmp_observe(t, &p, &a, NULL, &o);
		nkt_cmp_obs_free(&o);
		nkt_atlas_write(out, t, &oo);
		nkt_text_write(out, t, &oo);
		nkt_trace_free(t);
	}
	json_decref(rec);
	nkt_addrtab_free(&at);
	return 0;
}
