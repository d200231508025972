// SPDX-License-Identifier: ISC
/*
 * fuzz_replay.c: libFuzzer target for a whole capture replayed: a
 * sequence of frames (each a link-type byte, a big-endian 16-bit length
 * and the frame) decoded and fed in order into one replay, whose state
 * carries from frame to frame (probes waiting for their replies, flows,
 * duplicates, late answers), then every trace written as RIPE Atlas JSON
 * and as text.  fuzz_reply feeds one frame; this one the order between
 * them.  Seeds: the capture files of tests/data/pcap, whole.
 */
#include "nktrace/out_atlas.h"
#include "nktrace/out_text.h"
#include "nktrace/replay.h"
#include "fuzz_dlts.h"

#include <stdio.h>
#include <stdlib.h>


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nkt_replay *rp = nkt_replay_new();
	struct nkt_trace **t;
	uint64_t ts = 1700000000ull * 1000000000ull;
	size_t off = 0, n, i;
	FILE *f;

	while (off + 3 <= size) {
		int dlt = FUZZ_DLT(data[off]);
		size_t len = (size_t)data[off + 1] << 8 | data[off + 2];
		struct nkt_reply r;
		off += 3;
		if (len > size - off)
			len = size - off;
		/* the selector's high bit: 1 ms later, else 1 us */
		ts += data[off - 3] & 0x80 ? 1000000u : 1000u;
		if (nkt_reply_decode(data + off, len, 0, dlt, &r) == NKT_OK)
			nkt_replay_frame(rp, &r, ts);
		off += len;
	}
	t = nkt_replay_finish(rp, &n);
	f = fopen("/dev/null", "w");
	for (i = 0; i < n; i++) {
		if (f != NULL) {
			nkt_atlas_write(f, t[i], NULL);
			nkt_text_write(f, t[i], NULL);
		}
		nkt_trace_free(t[i]);
	}
	if (f != NULL)
		fclose(f);
	free(t);
	(void)nkt_replay_stats(rp);
	nkt_replay_free(rp);
	return 0;
}
