// SPDX-License-Identifier: ISC
/*
 * import_mixed.c: targets whose paths from one vantage point went over
 * more than one transit during an import (a change over time, or flows
 * split at the border): counted per /24, said in the summary, so that a
 * file spanning a move does not read as if nothing moved.
 */
#include "cmd_import.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int by_prefix_unit(const void *x, const void *y, void *ctx)
{
	const struct nkt_cmp_obs *obs = ctx;
	const struct nkt_cmp_obs *a = &obs[*(const size_t *)x],
				 *b = &obs[*(const size_t *)y];
	if (a->prefix != b->prefix)
		return a->prefix < b->prefix ? -1 : 1;
	if (a->unit != b->unit)
		return a->unit < b->unit ? -1 : 1;
	return a->tattr.transit - b->tattr.transit;
}

/* The transits (a bit each) one unit's paths [i, j) went over. */
static uint64_t transit_bits(const struct nkt_cmp_obs *obs, const size_t *s,
			     size_t i, size_t j)
{
	uint64_t bits = 0;
	for (; i < j; i++)
		if (obs[s[i]].tattr.transit >= 0 && obs[s[i]].tattr.transit < 64)
			bits |= 1ULL << obs[s[i]].tattr.transit;
	return bits;
}

static json_t *names(const struct nkt_transits *ts, uint64_t bits)
{
	json_t *a = json_array();
	size_t k;
	for (k = 0; ts != NULL && k < ts->n && k < 64; k++)
		if (bits & (1ULL << k))
			json_array_append_new(a, json_string(ts->t[k].name));
	return a;
}

json_t *nkt__import_mixed(const struct importer *im,
			  const struct nkt_cmp_obs *obs, size_t n)
{
	size_t *s = nkt_xcalloc(n ? n : 1, sizeof(*s)), i, j, u;
	json_t *out = json_array();

	for (i = 0; i < n; i++)
		s[i] = i;
	qsort_r(s, n, sizeof(*s), by_prefix_unit, (void *)(uintptr_t)obs);
	for (i = 0; i < n; i = j) {
		size_t units = 0, mixed = 0;
		uint64_t all = 0;
		char a[NKT_ADDRSTRLEN], pf[NKT_ADDRSTRLEN + 8];
		for (j = i; j < n && obs[s[j]].prefix == obs[s[i]].prefix;
		     j = u) {
			uint64_t b;
			for (u = j; u < n && obs[s[u]].prefix == obs[s[j]].prefix &&
				    obs[s[u]].unit == obs[s[j]].unit;
			     u++)
				;
			b = transit_bits(obs, s, j, u);
			units++;
			if (b & (b - 1)) {
				mixed++;
				all |= b;
			}
		}
		if (mixed == 0)
			continue;
		snprintf(pf, sizeof(pf), "%s/%u",
			 nkt_addrtab_fmt(&im->at, obs[s[i]].prefix, a),
			 obs[s[i]].prefix_len);
		json_array_append_new(
			out, json_pack("{s:s,s:I,s:I,s:o}", "prefix", pf, "units",
				       (json_int_t)mixed, "of",
				       (json_int_t)units, "transits",
				       names(im->trans, all)));
	}
	free(s);
	return out;
}

void nkt__import_mixed_text(const struct importer *im, const json_t *mixed)
{
	char t0[32] = "?", t1[32] = "?";
	time_t a = (time_t)(im->t0 / NKT_NS_PER_S),
	       b = (time_t)(im->t1 / NKT_NS_PER_S);
	struct tm tm;
	const json_t *m;
	size_t i;

	if (json_array_size(mixed) == 0)
		return;
	if (gmtime_r(&a, &tm))
		strftime(t0, sizeof(t0), "%Y-%m-%d %H:%M", &tm);
	if (gmtime_r(&b, &tm))
		strftime(t1, sizeof(t1), "%Y-%m-%d %H:%M UTC", &tm);
	fprintf(im->text, "\n");
	json_array_foreach(mixed, i, m)
	{
		const json_t *tn = json_object_get(m, "transits"), *x;
		size_t k;
		fprintf(im->text, "%s: the paths of %lld of %lld targets seen from a "
		       "vantage point went over more than one transit (",
		       json_string_value(json_object_get(m, "prefix")),
		       (long long)json_integer_value(json_object_get(m, "units")),
		       (long long)json_integer_value(json_object_get(m, "of")));
		json_array_foreach(tn, k, x)
		fprintf(im->text, "%s%s", k ? ", " : "", json_string_value(x));
		fprintf(im->text, ")\n");
	}
	fprintf(im->text, "between %s and %s: a change over time, or flows split at the "
	       "border;\n`nktrace import --db FILE --bucket 15m` shows "
	       "when.\n",
	       t0, t1);
}
