/* SPDX-License-Identifier: ISC */
/*
 * sweep.h: many targets at a steady high rate, yarrp-style (pure).
 *
 * The probe space is every (target, TTL) pair: probe index p = target *
 * T + (ttl - first_ttl), T TTLs per target.  The sender walks it in a
 * keyed pseudo-random order (a Feistel permutation of the next power of
 * four, cycle-walked), so consecutive probes go to different targets and
 * different TTLs and no router sees a burst.  Probes are ICMP echo
 * requests, Paris-style: per target, the ICMP identifier and checksum are
 * constant (keyed functions of the target; two payload bytes compensate),
 * the sequence number carries the TTL and 8 keyed bits, the IP ID 16 more
 * and payload bytes 2-3 a 16-bit keyed tag.  A reply is matched statelessly
 * to its probe: the quoted (or answering) address is found among the
 * sorted targets, the TTL read from the sequence, and every keyed field
 * checked; nothing per probe is kept to match.
 */
#ifndef NKTRACE_SWEEP_H
#define NKTRACE_SWEEP_H

#include "nktrace/common.h"
#include "nktrace/keyhash.h"
#include "nktrace/reply.h"

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
	unsigned half_bits;      /* the permutation is over 2^(2*half_bits) */
	uint64_t rk[4];          /* round keys */
};

/* Set up a plan.  Returns 0, or NKT_EINVAL (no targets, bad TTLs, more
 * than 2^40 probes). */
int nkt_sweep_plan_init(struct nkt_sweep_plan *p, const uint32_t *targets,
			size_t n_targets, uint8_t first_ttl, uint8_t last_ttl,
			const struct nkt_key *key, struct nkt_err *err);

/* The walk: *pos starts at 0; each call gives the next probe index and
 * returns 1, or 0 when every probe was given. */
int nkt_sweep_next(const struct nkt_sweep_plan *p, uint64_t *pos,
		   uint64_t *probe);

/* The probe's target address and TTL. */
uint32_t nkt_sweep_target(const struct nkt_sweep_plan *p, uint64_t probe);
uint8_t nkt_sweep_ttl(const struct nkt_sweep_plan *p, uint64_t probe);

/* Write the template of every probe (NKT_SWEEP_SIZE bytes) from src. */
void nkt_sweep_template(uint32_t src, uint8_t *pkt);

/* Patch a copy of the template into probe `probe`: destination, TTL, IP
 * ID, ICMP identifier, sequence, tag, compensation and both checksums. */
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
 * probe of another run).
 */
int nkt_sweep_match(const struct nkt_sweep_plan *p, const struct nkt_reply *r,
		    uint64_t *probe, int *kind);

#endif
