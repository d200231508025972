/* SPDX-License-Identifier: ISC */
/* fuzz_paths.h: what the importers' fuzz targets (fuzz_import.c,
 * fuzz_record.c) attribute paths with, no database in a fuzzer: the two
 * transits, and an AS for each address from a hash of it (North Korea's
 * space is AS131279). */
#ifndef NKT_FUZZ_PATHS_H
#define NKT_FUZZ_PATHS_H

#include <stdint.h>

static const char fuzz_transits_json[] =
	"{\"transits\":[{\"name\":\"China Unicom\",\"asns\":[4837,134544]},"
	"{\"name\":\"TTK\",\"asns\":[20485]}]}";

static void fuzz_asn_of(void *ctx, uint32_t addr, uint8_t *kind,
			uint32_t *asn)
{
	static const uint32_t asns[] = {0, 4837, 134544, 20485, 131279, 3356};
	(void)ctx;
	*kind = 0;
	*asn = asns[((addr * 2654435761u) >> 29) % 6];
	if ((addr >> 24) == 175)
		*asn = 131279;
}

#endif
