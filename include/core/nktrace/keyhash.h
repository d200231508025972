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

/* Derive a key from a 64-bit seed (reproducible runs, tests). */
struct nkt_key nkt_key_from_seed(uint64_t seed);

#endif
