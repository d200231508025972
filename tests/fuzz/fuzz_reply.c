// SPDX-License-Identifier: ISC
/*
 * fuzz_reply.c: libFuzzer target for the reply decoder and everything a
 * decoded frame reaches without a socket: matching, replay, the Atlas and
 * text writers.  Input: one byte choosing the link type, then the frame.
 */
#include "nktrace/match.h"
#include "nktrace/out_atlas.h"
#include "nktrace/out_text.h"
#include "nktrace/replay.h"
#include "fuzz_dlts.h"

#include <stdio.h>
#include <stdlib.h>


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct nkt_match *m;
	struct nkt_key key = nkt_key_from_seed(1);
	struct nkt_match_out mo;
	struct nkt_reply r, probe;
	struct nkt_replay *rp;
	struct nkt_trace **t;
	size_t n, i;
	FILE *f;

	if (size < 1)
		return 0;
	if (m == NULL) {
		m = nkt_xcalloc(1, sizeof(*m));
		nkt_match_init(m);
	}
	if (nkt_reply_decode(data + 1, size - 1, data[0] & 0x80 ? size : 0,
			     FUZZ_DLT(data[0]),
			     &r) != NKT_OK)
		return 0;
	nkt_match_resolve(m, &key, &r, &mo);

	/* Replay the frame after a probe it could answer. */
	rp = nkt_replay_new();
	probe = r;
	probe.kind = NKT_REPLY_PROBE;
	probe.flags = NKT_RF_QUOTE | NKT_RF_QUOTE_L4;
	nkt_replay_frame(rp, &probe, 1);
	probe.q_ttl++;
	nkt_replay_frame(rp, &probe, 2);
	nkt_replay_frame(rp, &r, 3);
	nkt_replay_frame(rp, &r, 4);
	t = nkt_replay_finish(rp, &n);
	f = fopen("/dev/null", "w");
	for (i = 0; i < n; i++) {
		nkt_atlas_write(f, t[i], NULL);
		nkt_text_write(f, t[i], NULL);
		nkt_trace_free(t[i]);
	}
	fclose(f);
	free(t);
	nkt_replay_free(rp);
	return 0;
}
