/* SPDX-License-Identifier: ISC */
/*
 * io.h: the shell's packet I/O.  The sender owns the libnet contexts (one
 * raw IPv4 socket, one link-layer handle per forced uplink) or, in a dry
 * run, a pcap dump; it patches per-flow templates and writes probes.  The
 * capture owns the one pcap handle (device "any", immediate mode, a ring
 * sized for bursts, nanosecond timestamps, a BPF filter for our replies and
 * our own outgoing probes).  Each is used by exactly one thread.
 */
#ifndef NKTRACE_IO_H
#define NKTRACE_IO_H

#include "nktrace/common.h"
#include "nktrace/netinfo.h"
#include "nktrace/probe.h"
#include "nktrace/keyhash.h"
#include "nktrace/reply.h"
#include "nktrace/sched.h"

#include <stddef.h>
#include <stdint.h>

#define NKT_MAX_UPLINKS 8

/* A forced egress: link-layer injection on ifc towards gateway. */
struct nkt_uplink {
	char name[32]; /* label, e.g. "ttk" or the interface name */
	struct nkt_iface ifc;
	uint32_t gateway;
	uint8_t gw_mac[6];
};

struct nkt_sender;

/*
 * Open the sender: a raw IPv4 socket unless every flow is forced, plus one
 * link-layer handle per uplink (uplinks[0] unused: index 0 is "routed").
 * dry_pcap != NULL: open nothing privileged; write frames to that file.
 * Returns NULL with err set; NKT_EPRIV in err->code when privilege lacks.
 */
struct nkt_sender *nkt_sender_open(const struct nkt_uplink *uplinks,
				   size_t n_uplinks, int need_raw,
				   const struct nkt_key *key,
				   const char *dry_pcap, struct nkt_err *err);

/* Build and write one probe.  *tx_wall_ns is read just before the write
 * (in a dry run: `dry_wall_ns`).  Returns 0 or the errno of the write. */
int nkt_sender_send(struct nkt_sender *s, const struct nkt_probe_req *req,
		    uint64_t dry_wall_ns, uint64_t *tx_wall_ns);

/* Close; a dry run's pcap file is flushed (0) or reports a write error. */
int nkt_sender_close(struct nkt_sender *s, struct nkt_err *err);

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
