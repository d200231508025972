// SPDX-License-Identifier: ISC
/*
 * fuzz_mrt.c: libFuzzer target for the MRT reader and the control plane
 * built from it: the bytes as an MRT file, framed by the common header
 * as nkt_mrt_file_next frames them (a length past the end stops), each
 * record decoded, written as --records lines, and fed to a view that
 * follows everything; then the summary as JSON and text.
 */
#include "nktrace/bgpview.h"
#include "nktrace/mrt.h"
#include "nktrace/out_bgp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nkt_mrt m;
	struct nkt_bgp_view v;
	struct nkt_bgp_sel sel;
	struct nkt_bgp_input in;
	const struct nkt_mrt_rec *r;
	FILE *null = fopen("/dev/null", "w");
	size_t off = 0;

	if (null == NULL)
		abort();
	memset(&sel, 0, sizeof(sel));
	(void)nkt_mrt_prefix_parse("0.0.0.0/0", &sel.prefixes[0]);
	(void)nkt_mrt_prefix_parse("::/0", &sel.prefixes[1]);
	sel.n_prefixes = 2;
	nkt_mrt_init(&m);
	nkt_bgp_view_init(&v, &sel, NULL);
	memset(&in, 0, sizeof(in));
	in.path = "fuzz";
	while (size - off >= NKT_MRT_HEADER) {
		uint32_t len = nkt_mrt_header_len(data + off, NULL);
		int res;
		if (len > size - off - NKT_MRT_HEADER)
			break;
		res = nkt_mrt_decode(&m, data + off, NKT_MRT_HEADER + len, &r);
		(void)nkt_mrt_write_records(null, r, res, NULL);
		(void)nkt_mrt_write_records(null, r, res, &sel);
		nkt_bgp_view_add(&v, r, res);
		off += NKT_MRT_HEADER + len;
		in.records++;
	}
	nkt_bgp_view_file_end(&v);
	nkt_bgp_view_finish(&v);
	(void)nkt_bgp_json_write(null, &v, &in, 1, NULL);
	(void)nkt_bgp_text(null, &v, &in, 1, NULL);
	nkt_bgp_view_free(&v);
	nkt_mrt_free(&m);
	fclose(null);
	return 0;
}
