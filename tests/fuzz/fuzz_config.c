// SPDX-License-Identifier: ISC
/* fuzz_config.c: libFuzzer target for what nktrace reads as configuration
 * or renders from stored data: the first byte picks the transits file
 * parser, the targets database parser, compare's discovery cache (what it
 * accepts must write back and read back the same), or the report reader
 * and its renderers (text, Prometheus, HTML, JSON) fed with the rest as a
 * report JSON. */
#include "nktrace/discovery_cache.h"
#include "nktrace/out_report.h"
#include "nktrace/targetdb.h"
#include "nktrace/transit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data + 1;
	struct nkt_err err;

	if (size < 1)
		return 0;
	size--;
	switch (data[0] % 4) {
	case 0: {
		struct nkt_transits *t = malloc(sizeof(*t));
		if (t == NULL)
			abort();
		nkt_transits_parse(text, size, "fuzz", t, &err);
		free(t);
		break;
	}
	case 1: {
		struct nkt_targetdb *db = malloc(sizeof(*db));
		if (db == NULL)
			abort();
		if (nkt_targetdb_parse(text, size, "fuzz", db, &err) == NKT_OK)
			nkt_targetdb_name(db, 0xaf2db047u);
		free(db);
		break;
	}
	case 2: {
		struct nkt_discovery_cache c, back;
		if (nkt_discovery_cache_parse(text, size, &c, &err) == NKT_OK) {
			json_t *j = nkt_discovery_cache_json(&c);
			char *again = json_dumps(j, JSON_COMPACT);
			if (again == NULL ||
			    nkt_discovery_cache_parse(again, strlen(again),
						      &back, &err) != NKT_OK ||
			    back.n != c.n || back.time_s != c.time_s ||
			    (c.n > 0 && memcmp(back.addr, c.addr,
					       c.n * sizeof(*c.addr)) != 0))
				abort();
			nkt_discovery_cache_free(&back);
			free(again);
			json_decref(j);
			nkt_discovery_cache_free(&c);
		}
		break;
	}
	default: {
		json_t *j = json_loadb(text, size, 0, NULL);
		struct nkt_report rep;
		FILE *f = fopen("/dev/null", "w");
		if (f == NULL)
			abort();
		if (j != NULL && nkt_report_from_json(j, &rep, &err) == NKT_OK) {
			nkt_report_text(f, &rep);
			nkt_report_prom(f, &rep);
			nkt_report_html(f, &rep, "fuzz");
			json_decref(nkt_report_json(&rep));
			nkt_report_free(&rep);
		}
		json_decref(j);
		fclose(f);
	}
	}
	return 0;
}
