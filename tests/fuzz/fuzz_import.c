// SPDX-License-Identifier: ISC
/* fuzz_import.c: libFuzzer target for the importers: the input is a JSON
 * stream (array or lines) read by jsonstream, each record converted by
 * nkt_import_record, written back as Atlas JSON and text, and the lot
 * folded and summarised the way `nktrace import` does (AS numbers from a
 * hash of the address: no database in a fuzzer). */
#include "fuzz_paths.h"
#include "nktrace/compare.h"
#include "nktrace/impagg.h"
#include "nktrace/import.h"
#include "nktrace/jsonstream.h"
#include "nktrace/out_compare.h"
#include "nktrace/out_atlas.h"
#include "nktrace/out_text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct nkt_transits ts;
	static int ts_ok;
	struct nkt_addrtab at;
	struct nkt_impagg agg;
	struct nkt_import_state st;
	struct nkt_jstream js;
	struct nkt_jpos pos;
	struct nkt_err err;
	struct nkt_out_opts oo;
	struct nkt_cmp_cfg cfg;
	struct nkt_cmp_result r;
	struct nkt_cmp_obs *obs;
	const uint32_t *vant;
	size_t n;
	FILE *in, *out;
	json_t *rec;

	if (!ts_ok) {
		ts_ok = nkt_transits_parse(fuzz_transits_json,
					   strlen(fuzz_transits_json), "fuzz",
					   &ts, &err) == NKT_OK;
		if (!ts_ok)
			abort();
	}
	if (size == 0)
		return 0;
	in = fmemopen((void *)(uintptr_t)data, size, "r");
	out = fopen("/dev/null", "w");
	if (in == NULL || out == NULL)
		abort();
	memset(&at, 0, sizeof(at));
	memset(&agg, 0, sizeof(agg));
	memset(&st, 0, sizeof(st));
	memset(&oo, 0, sizeof(oo));
	oo.addrs = &at;
	nkt_jstream_init(&js, in);
	while (nkt_jstream_next(&js, &rec, &pos, &err) != 0) {
		struct nkt_trace *t;
		struct nkt_import_meta m;
		struct nkt_aspath p;
		struct nkt_attribution a;
		struct nkt_cmp_obs o;
		if (rec == NULL)
			continue;
		if (nkt_import_record(rec, NKT_IMPORT_AUTO, &at, &st, &t, &m,
				      &err) == NKT_OK) {
			nkt_aspath_of_trace(t, fuzz_asn_of, NULL, &p);
			nkt_transit_attribute(&ts, &p, NULL, NULL, &a);
			nkt_cmp_observe(t, &p, &a, NULL, &o);
			if (nkt_addrtab_is_handle(&at, t->flow.dst))
				o.prefix = nkt_addrtab_prefix(&at, t->flow.dst,
							      &o.prefix_len);
			nkt_impagg_add(&agg, nkt_impagg_vantage(&agg, m.vantage),
				       &o);
			nkt_cmp_obs_free(&o);
			nkt_atlas_write(out, t, &oo);
			nkt_text_write(out, t, &oo);
			nkt_trace_free(t);
		}
		json_decref(rec);
	}
	nkt_jstream_free(&js);
	obs = nkt_impagg_obs(&agg, &vant, &n);
	nkt_cmp_unify(obs, n);
	memset(&cfg, 0, sizeof(cfg));
	cfg.transits = &ts;
	cfg.addrs = &at;
	cfg.level = 0.95;
	nkt_cmp_summarize(obs, n, &cfg, &r);
	{
		json_t *j = nkt_cmp_json(&r, obs, n, &cfg, 0, 0);
		json_dumpf(j, out, 0);
		json_decref(j);
	}
	nkt_cmp_text(out, &r, &cfg);
	nkt_cmp_result_free(&r);
	nkt_impagg_free(&agg);
	nkt_addrtab_free(&at);
	fclose(in);
	fclose(out);
	return 0;
}
