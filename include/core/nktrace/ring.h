/* SPDX-License-Identifier: ISC */
/*
 * ring.h: a bounded single-producer single-consumer queue of fixed-size
 * elements, the only way nktrace's threads talk.  Lock-free (C11 atomics);
 * one thread pushes, one thread pops.  A full ring refuses the push: the
 * producer decides (the capture thread counts a drop, the scheduler holds
 * back).
 */
#ifndef NKTRACE_RING_H
#define NKTRACE_RING_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

struct nkt_ring {
	_Alignas(64) atomic_size_t head; /* next to pop (consumer) */
	_Alignas(64) atomic_size_t tail; /* next to push (producer) */
	_Alignas(64) size_t mask;
	size_t elem;
	uint8_t *buf;
};

/* Create a ring of at least `min_elems` elements of `elem` bytes (rounded
 * up to a power of two).  Never fails (allocation aborts). */
void nkt_ring_init(struct nkt_ring *r, size_t min_elems, size_t elem);
void nkt_ring_fini(struct nkt_ring *r);

/* Producer: copy one element in; returns 0, or -1 if the ring is full. */
int nkt_ring_push(struct nkt_ring *r, const void *e);

/* Consumer: copy one element out; returns 0, or -1 if the ring is empty. */
int nkt_ring_pop(struct nkt_ring *r, void *e);

/* Elements waiting (approximate from either side). */
size_t nkt_ring_len(struct nkt_ring *r);

#endif
