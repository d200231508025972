// SPDX-License-Identifier: ISC
/* ring.c: SPSC queue; release on publish, acquire on consume. */
#include "nktrace/ring.h"
#include "nktrace/common.h"

#include <stdlib.h>
#include <string.h>

void nkt_ring_init(struct nkt_ring *r, size_t min_elems, size_t elem)
{
	size_t n = 2;
	while (n < min_elems)
		n <<= 1;
	atomic_init(&r->head, 0);
	atomic_init(&r->tail, 0);
	r->mask = n - 1;
	r->elem = elem;
	r->buf = nkt_xcalloc(n, elem);
}

void nkt_ring_fini(struct nkt_ring *r)
{
	free(r->buf);
	r->buf = NULL;
}

int nkt_ring_push(struct nkt_ring *r, const void *e)
{
	size_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
	size_t head = atomic_load_explicit(&r->head, memory_order_acquire);

	if (tail - head > r->mask)
		return -1;
	memcpy(r->buf + (tail & r->mask) * r->elem, e, r->elem);
	atomic_store_explicit(&r->tail, tail + 1, memory_order_release);
	return 0;
}

int nkt_ring_pop(struct nkt_ring *r, void *e)
{
	size_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
	size_t tail = atomic_load_explicit(&r->tail, memory_order_acquire);

	if (head == tail)
		return -1;
	memcpy(e, r->buf + (head & r->mask) * r->elem, r->elem);
	atomic_store_explicit(&r->head, head + 1, memory_order_release);
	return 0;
}

size_t nkt_ring_len(struct nkt_ring *r)
{
	return atomic_load_explicit(&r->tail, memory_order_acquire) -
	       atomic_load_explicit(&r->head, memory_order_acquire);
}
