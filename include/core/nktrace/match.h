/* SPDX-License-Identifier: ISC */
/*
 * match.h: the in-flight table, direct-indexed by probe id (1..65535), and
 * the rules that decide whether a decoded reply answers one of our probes.
 * Owned by the scheduler; pure, no locks.
 *
 * A reply answers slot `id` only if every check passes:
 *  - the slot holds a probe (in flight, answered or expired);
 *  - protocol, source address and flow fields (ports, ICMP identifier)
 *    equal the slot's;
 *  - the keyed copies agree: for an ICMP error, the IP ID is the keyed
 *    permutation of the id for the slot's dst; the keyed tag (TCP seq,
 *    ICMP and UDP payload) equals
 *    tag(slot dst, id) whenever the reply carries it; an echo reply or TCP
 *    segment must come from the slot's destination;
 *  - the quoted destination equals the slot's.  A quote that passes every
 *    other check, keyed IP ID included, but names another destination is
 *    EDST: reported (Atlas "edst", no RTT) and never taken as the probe's
 *    answer, so neither a rewriting middlebox nor a forger who changed the
 *    destination of a sniffed probe can fake a hop.
 * Then: in flight -> MATCH; answered -> DUP (same source) or CONFLICT;
 * expired -> LATE.
 */
#ifndef NKTRACE_MATCH_H
#define NKTRACE_MATCH_H

#include "nktrace/keyhash.h"
#include "nktrace/probe.h"
#include "nktrace/reply.h"

#include <stdint.h>

#define NKT_MATCH_SLOTS 65536

enum nkt_slot_state {
	NKT_SLOT_FREE = 0,
	NKT_SLOT_INFLIGHT,
	NKT_SLOT_ANSWERED,
	NKT_SLOT_EXPIRED,
	NKT_SLOT_CANCELLED,
};

enum nkt_match_result {
	NKT_MATCH_OK = 0,
	NKT_MATCH_DUP,      /* another reply from the same source */
	NKT_MATCH_LATE,     /* reply to a probe already timed out */
	NKT_MATCH_CONFLICT, /* second reply from a different source */
	NKT_MATCH_FOREIGN,  /* not a reply to any probe of ours */
	NKT_MATCH_INVALID,  /* looks like ours but a keyed check fails */
	NKT_MATCH_CANCELLED, /* reply to a probe beyond the trace's end */
	NKT_MATCH_EDST,     /* ours, but the quote names another destination */
};

struct nkt_slot {
	uint64_t deadline_ns; /* monotonic */
	uint64_t tx_wall_ns;  /* sender's clock just before the write */
	uint64_t tx_cap_ns;   /* capture time of the outgoing frame, or 0 */
	uint32_t trace;       /* owner's trace handle */
	uint32_t result;      /* index of the probe's record in its trace */
	uint32_t src, dst;
	uint32_t from;        /* first reply's source (duplicate check) */
	uint32_t gen;         /* incremented at each reuse */
	uint16_t sport, dport;
	uint8_t proto, ttl, attempt, state;
};

struct nkt_match {
	struct nkt_slot slot[NKT_MATCH_SLOTS];
	uint32_t cursor;
	uint32_t inflight;
};

struct nkt_match_out {
	uint16_t id;
	int from_ipid; /* the id came from the IP ID copy */
};

/* Zero a table (it is large: allocate it with nkt_xcalloc). */
void nkt_match_init(struct nkt_match *m);

/*
 * Take a slot for a probe of `flow` to ttl: the next one, in round-robin
 * order, that is not in flight, skipping 0 and `forbidden` (the id whose
 * IP ID would be 0).  Returns 0 and *id, or NKT_EFULL when all are in
 * flight.  The slot is INFLIGHT with deadline_ns set; the caller fills
 * trace/result/tx times.
 */
int nkt_match_alloc(struct nkt_match *m, const struct nkt_flow *flow,
		    uint8_t ttl, uint8_t attempt, uint16_t forbidden,
		    uint64_t deadline_ns, uint16_t *id);

/* Decide what reply r answers (see the rules above).  Pure. */
int nkt_match_resolve(const struct nkt_match *m, const struct nkt_key *key,
		      const struct nkt_reply *r, struct nkt_match_out *out);

/* Move a slot to a new state, keeping the in-flight count right. */
void nkt_match_set_state(struct nkt_match *m, uint16_t id, int state);

/* Name of a match result, e.g. "foreign". */
const char *nkt_match_result_name(int result);

#endif
