// SPDX-License-Identifier: ISC
/* fuzz_atlas.c: libFuzzer target for what the RIPE Atlas API answers
 * (atlas_reply.h): the first byte chooses the status and request kind, the
 * rest is the body, which is also read as a header line, a create answer,
 * a probes page (whose "next" is then checked against an origin) and a
 * results window; a body split at its first NUL gives two URLs whose
 * origins are compared. */
#include "nktrace/atlas_reply.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const long statuses[] = {200, 201, 204, 301, 400, 401,
					403, 404, 429, 500, 503, 0,
					-1, 99, 999, 2147483647};
	struct nkt_atlas_probe probes[8];
	struct nkt_err err = {0, ""};
	char why[256], next[64], o[320];
	const char *body;
	size_t len, n = 0, i;
	json_t *ids = NULL;
	char *a, *b;
	uint8_t sel;

	if (size == 0)
		return 0;
	sel = data[0];
	body = (const char *)data + 1;
	len = size - 1;
	if (nkt_atlas_judge(statuses[sel & 15], body, len, (sel >> 4) & 1,
			    (sel >> 5) & 1, (sel >> 6) & 1, why,
			    sizeof(why)) == NKT_ATLAS_GOT &&
	    ((sel >> 5) & 1)) {
		/* an array taken (read an element at a time) is one that
		 * jansson reads whole */
		json_t *whole = json_loadb(body, len, 0, NULL);
		if (!json_is_array(whole))
			abort();
		json_decref(whole);
	}
	for (i = 0; why[i]; i++)
		if ((unsigned char)why[i] < 0x20)
			abort(); /* said on a terminal: printable only */
	if (nkt_atlas_retry_after(body, len) < 0)
		abort();
	if (nkt_atlas_created_ids(body, len, &ids, &err) == NKT_OK) {
		if (json_array_size(ids) == 0)
			abort();
		for (i = 0; i < json_array_size(ids); i++)
			if (json_integer_value(json_array_get(ids, i)) <= 0)
				abort();
	}
	json_decref(ids);
	nkt_atlas_probe_page(body, len, probes, &n, (sel & 7) + 1, next,
			     sizeof(next));
	if (n > (size_t)(sel & 7) + 1 || strlen(next) >= sizeof(next))
		abort();
	for (i = 0; i < n; i++)
		if (strlen(probes[i].country) != 0 &&
		    strlen(probes[i].country) != 2)
			abort();
	(void)nkt_atlas_same_origin(next, "https://atlas.ripe.net");
	(void)nkt_atlas_empty_array(body, len);
	/* two URLs: the body up to its first NUL, and after it */
	a = malloc(len + 1);
	if (a == NULL)
		return 0;
	memcpy(a, body, len);
	a[len] = '\0';
	b = a + strlen(a);
	if (b < a + len)
		b++;
	if (nkt_atlas_same_origin(a, b) != nkt_atlas_same_origin(b, a))
		abort(); /* symmetric */
	if (nkt_atlas_origin(a, o, sizeof(o)) == 0 &&
	    !nkt_atlas_same_origin(a, a))
		abort(); /* an origin is its own */
	free(a);
	return 0;
}
