/* SPDX-License-Identifier: ISC */
/*
 * keyhash.h: SipHash-2-4 (Aumasson and Bernstein), the keyed hash behind
 * probe validation: only a run that knows the key can make a reply whose
 * encoded IP ID and TCP tag check out (the idea of ZMap's validate.c).
 */
#ifndef NKTRACE_KEYHASH_H
#define NKTRACE_KEYHASH_H

#include <stddef.h>
#include <stdint.h>

struct nkt_key {
	uint64_t k0, k1;
};

/* SipHash-2-4 of len bytes under key; pure. */
uint64_t nkt_keyhash(const struct nkt_key *key, const void *data,
		     size_t len);

/* A fast 64-bit mixing function (not keyed, not a MAC): for permutations
 * whose order only needs to look random (sweep's walk) and for seeds. */
uint64_t nkt_mix64(uint64_t x);

/* Derive a key from a 64-bit seed (reproducible runs, tests). */
struct nkt_key nkt_key_from_seed(uint64_t seed);

#endif
