/* SPDX-License-Identifier: ISC */
/*
 * capture.h: reads replies (shell).  The capture owns the one pcap handle
 * (device "any", immediate mode, a ring sized for bursts, nanosecond
 * timestamps, a BPF filter for our replies and our own outgoing probes)
 * and decodes every frame (reply.h).  One thread uses it.
 */
#ifndef NKTRACE_CAPTURE_H
#define NKTRACE_CAPTURE_H

#include "nktrace/common.h"
#include "nktrace/reply.h"

#include <stddef.h>
#include <stdint.h>

struct nkt_capture;

struct nkt_capture_stats {
	uint64_t recv, drop, ifdrop; /* pcap_stats */
	uint64_t frames, decoded, ignored, malformed;
};

/*
 * Open the capture on device "any" for replies to and probes from any of
 * the n_src source addresses, UDP/TCP source ports in sports[0..n_ports).
 * buffer_bytes sizes the kernel ring.  Returns NULL with err set.
 */
struct nkt_capture *nkt_capture_open(const uint32_t *srcs, size_t n_src,
				     const uint16_t *sports, size_t n_ports,
				     size_t buffer_bytes, struct nkt_err *err);

/* The same for incoming ICMP replies only (echo reply, unreachable, time
 * exceeded, parameter problem) to the sources: what a sweep reads, at
 * rates where capturing the outgoing probes too would halve its budget. */
struct nkt_capture *nkt_capture_open_icmp(const uint32_t *srcs, size_t n_src,
					  size_t buffer_bytes,
					  struct nkt_err *err);

typedef void (*nkt_capture_cb)(void *ctx, const struct nkt_reply *r,
			       uint64_t ts_ns);

/* Read and decode what is waiting (blocking until something comes or
 * nkt_capture_stop()); cb gets every decoded frame.  Returns the number of
 * frames, or -1 after nkt_capture_stop() or on error. */
int nkt_capture_dispatch(struct nkt_capture *c, nkt_capture_cb cb,
			 void *ctx);

/* Make a blocked nkt_capture_dispatch() return (any thread). */
void nkt_capture_stop(struct nkt_capture *c);

void nkt_capture_stats(struct nkt_capture *c, struct nkt_capture_stats *st);
void nkt_capture_close(struct nkt_capture *c);

#endif
