// SPDX-License-Identifier: ISC
/* fuzz_targets.c: libFuzzer target for target files (addresses, prefixes,
 * comments).  Expansion is capped so one input stays fast. */
#include "nktrace/targets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nkt_targets t = {0};
	struct nkt_err err;

	t.max = 1 << 16;
	nkt_targets_add_text(&t, (const char *)data, size, "fuzz", &err);
	nkt_targets_dedup(&t);
	nkt_targets_free(&t);
	return 0;
}
