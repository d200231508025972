/* SPDX-License-Identifier: ISC */
/*
 * sweep.h: many targets at a steady high rate, yarrp-style (pure).
 *
 * The probe space is every (target, TTL) pair: probe index p = target *
 * T + (ttl - first_ttl), T TTLs per target.  The sender walks it in a
 * keyed pseudo-random order (a Feistel permutation of the next power of
 * four, cycle-walked), so consecutive probes go to different targets and
 * different TTLs and no router sees a burst.
 *
 * Probes are trace's ICMP probes (probe.h: libnet's template, patched by
 * nkt_probe_patch with the same keyed IP ID and tag), Paris-style per
 * target: the echo identifier and the checksum are keyed functions of the
 * target (SipHash, keyhash.h), and the probe id in the echo sequence is the
 * TTL with 8 more keyed bits of the target above it.  A reply is matched
 * statelessly: the quoted (or answering) address is found among the sorted
 * targets, the TTL read from the sequence, and every keyed field checked;
 * nothing per probe is kept to match.  What the capture keeps of each
 * probe's answer, and turning that into traces and a summary, are here
 * too; the shell (engine) only sends, captures and times.
 */
#ifndef NKTRACE_SWEEP_H
#define NKTRACE_SWEEP_H

#include "nktrace/common.h"
#include "nktrace/keyhash.h"
#include "nktrace/probe.h"
#include "nktrace/reply.h"
#include "nktrace/trace.h"

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#define NKT_SWEEP_SIZE 36 /* IP 20 + ICMP 8 + payload 8 bytes */

struct nkt_sweep_plan {
	const uint32_t *targets; /* sorted, distinct (borrowed) */
	size_t n_targets;
	uint8_t first_ttl, last_ttl;
	unsigned ttls;           /* last - first + 1 */
	uint64_t probes;         /* n_targets * ttls */
	struct nkt_key key;
	uint32_t src;            /* every probe's source address */
	unsigned half_bits;      /* the permutation is over 2^(2*half_bits) */
	uint64_t rk[4];          /* round keys */
	uint8_t tmpl[NKT_SWEEP_SIZE]; /* libnet's ICMP echo template */
};

/* Set up a plan for probes from src.  Returns 0, or NKT_EINVAL (no
 * targets, bad TTLs, more than 2^40 probes) or NKT_ESYS (libnet). */
int nkt_sweep_plan_init(struct nkt_sweep_plan *p, const uint32_t *targets,
			size_t n_targets, uint8_t first_ttl, uint8_t last_ttl,
			uint32_t src, const struct nkt_key *key,
			struct nkt_err *err);

/* The walk: *pos starts at 0; each call gives the next probe index and
 * returns 1, or 0 when every probe was given. */
int nkt_sweep_next(const struct nkt_sweep_plan *p, uint64_t *pos,
		   uint64_t *probe);

/* The probe's target address and TTL. */
uint32_t nkt_sweep_target(const struct nkt_sweep_plan *p, uint64_t probe);
uint8_t nkt_sweep_ttl(const struct nkt_sweep_plan *p, uint64_t probe);

/* The flow of a target's probes (ICMP, NKT_SWEEP_SIZE bytes, keyed echo
 * identifier and checksum). */
void nkt_sweep_flow(const struct nkt_sweep_plan *p, uint32_t dst,
		    struct nkt_flow *f);

/* Write probe `probe` (NKT_SWEEP_SIZE bytes) into pkt. */
void nkt_sweep_encode(const struct nkt_sweep_plan *p, uint64_t probe,
		      uint8_t *pkt);

/* What a reply says of a probe. */
enum nkt_sweep_kind {
	NKT_SWEEP_TTL_EXCEEDED = 1, /* a router at that TTL */
	NKT_SWEEP_ECHO_REPLY,       /* the target itself */
	NKT_SWEEP_UNREACH,          /* an ICMP unreachable */
	NKT_SWEEP_OTHER,            /* another ICMP error */
};

/*
 * Match a decoded reply to its probe.  Returns 0 with *probe and *kind;
 * NKT_EIGNORE if it names no target of the plan (someone else's); or
 * NKT_EINVAL if it names one but a keyed field is wrong (forged, or a
 * probe of another run): the same keyed checks as trace's.
 */
int nkt_sweep_match(const struct nkt_sweep_plan *p, const struct nkt_reply *r,
		    uint64_t *probe, int *kind);

/* A probe's first answer. */
struct nkt_sweep_result {
	uint32_t from;
	uint32_t rtt_us;
	uint8_t kind; /* enum nkt_sweep_kind, 0 = none */
	uint8_t code, reply_ttl, dups;
};

/*
 * The tables of a sweep, one entry per probe.  tx_us: the send time + 1 in
 * us since start_us, 0 while unsent; the sender stores it (release) before
 * the probe leaves, the capture loads it (acquire) when an answer comes.
 * res: owned by the capture while the sweep runs, by the caller after.
 */
struct nkt_sweep_tables {
	_Atomic uint32_t *tx_us;
	struct nkt_sweep_result *res;
	uint64_t start_us;
};

/* Allocate zeroed tables for a plan; free with nkt_sweep_tables_free. */
void nkt_sweep_tables_init(struct nkt_sweep_tables *t,
			   const struct nkt_sweep_plan *p);
void nkt_sweep_tables_free(struct nkt_sweep_tables *t);

/* Replies not kept as a probe's answer, by why. */
struct nkt_sweep_counts {
	uint64_t matched;  /* first answers */
	uint64_t invalid;  /* failed the keyed checks, or answer an unsent
			      probe (another run's, replayed, forged) */
	uint64_t ignored;  /* not about our targets */
	uint64_t dups;     /* a probe's second and later answers */
	uint64_t by_kind[5];
};

/* Take a decoded reply received at rx_us (wall us): match it and keep it
 * as its probe's answer in t, or count why not. */
void nkt_sweep_record(const struct nkt_sweep_plan *p,
		      struct nkt_sweep_tables *t, const struct nkt_reply *r,
		      uint64_t rx_us, struct nkt_sweep_counts *c);

/* One target's probes as a trace (RTTs from the sender's clock: rtt_src
 * "clock").  t->r is allocated: nkt_trace reset with free(t->r). */
void nkt_sweep_trace(const struct nkt_sweep_plan *p,
		     const struct nkt_sweep_tables *tab, size_t target,
		     struct nkt_trace *t);

/* Targets that answered (an echo reply, or any answer from the target's
 * own address), and distinct router addresses that sent time exceeded. */
void nkt_sweep_reach(const struct nkt_sweep_plan *p,
		     const struct nkt_sweep_tables *tab, uint64_t *reached,
		     uint64_t *routers);

#endif
