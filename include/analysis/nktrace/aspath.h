/* SPDX-License-Identifier: ISC */
/*
 * aspath.h: the AS path of a trace and where it crosses into the target's
 * AS.  Pure: annotations come in through a callback.
 *
 * Rules: each replying hop is labelled by its AS, or by what its address is
 * (private, shared, documentation, ...) or "unknown" when the databases do
 * not know it; nothing is guessed.  Consecutive hops with one label form one
 * segment; a run of silent hops between two hops of the same AS is bridged
 * (it becomes part of that AS's segment); any other silent run is a
 * segment of its own.  The border crossing is the first replying hop in the
 * target's AS and the last replying hop before it; when no database knows
 * the target's AS, the destination's own answer is where the path enters
 * it (a segment of its own).
 */
#ifndef NKTRACE_ASPATH_H
#define NKTRACE_ASPATH_H

#include "nktrace/trace.h"

#include <stddef.h>
#include <stdint.h>

#define NKT_ASPATH_MAX 64

enum nkt_seg_type {
	NKT_SEG_AS = 0,  /* asn set */
	NKT_SEG_SPECIAL, /* kind set: private, shared, documentation, ... */
	NKT_SEG_UNKNOWN, /* public address the databases do not know */
	NKT_SEG_SILENT,  /* hops that did not answer */
};

struct nkt_as_seg {
	uint8_t type;      /* enum nkt_seg_type */
	uint8_t kind;      /* NKT_SEG_SPECIAL: enum nkt_addr_kind */
	uint8_t first_hop, last_hop;
	uint32_t asn;
	uint32_t last_addr; /* the address of its last answering hop; 0 */
};

struct nkt_border_hop {
	int present;
	uint8_t hop;
	uint8_t kind;
	uint32_t addr;
	uint32_t asn; /* 0: unknown or special */
	uint64_t rtt_ns; /* median of the hop's answers from addr */
};

struct nkt_aspath {
	struct nkt_as_seg seg[NKT_ASPATH_MAX];
	size_t n;
	uint32_t target_asn; /* 0: the target's AS is unknown */
	int entered;         /* some hop answered from the target's AS */
	struct nkt_border_hop last_foreign, first_inside;
};

/* What the annotator says of an address: its kind (enum nkt_addr_kind)
 * and AS (0 when unknown). */
typedef void (*nkt_asn_fn)(void *ctx, uint32_t addr, uint8_t *kind,
			   uint32_t *asn);

/* Build the AS path of a trace (first answering address of each hop;
 * duplicates and edst reports ignored).  Pure. */
void nkt_aspath_of_trace(const struct nkt_trace *t, nkt_asn_fn asn_of,
			 void *ctx, struct nkt_aspath *out);

/* "private AS2914 AS4837 AS134544 AS131279" into buf; returns buf. */
char *nkt_aspath_str(const struct nkt_aspath *p, char *buf, size_t len);

/* Median RTT of the answers at hop `ttl` from `addr` (0 if none). */
uint64_t nkt_trace_hop_rtt(const struct nkt_trace *t, uint8_t ttl,
			   uint32_t addr);

#endif
