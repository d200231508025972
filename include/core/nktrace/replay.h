/* SPDX-License-Identifier: ISC */
/*
 * replay.h: traceroutes reconstructed from a packet capture of any tracer
 * (nktrace, scamper, mtr, traceroute).  Outgoing probes seen in the capture
 * are remembered by what a reply carries back of them (addresses, protocol,
 * the ICMP id/seq, the UDP ports and IP ID, the TCP ports and sequence
 * number); each reply is matched to the probe it quotes or answers.  Probes
 * are grouped into one trace per (source, destination, protocol).  Pure.
 */
#ifndef NKTRACE_REPLAY_H
#define NKTRACE_REPLAY_H

#include "nktrace/reply.h"
#include "nktrace/trace.h"

#include <stddef.h>
#include <stdint.h>

struct nkt_replay_stats {
	uint64_t probes, replies, matched, dups, unmatched;
};

struct nkt_replay;

struct nkt_replay *nkt_replay_new(void);

/* Feed one decoded frame (in capture order) captured at ts_ns. */
void nkt_replay_frame(struct nkt_replay *rp, const struct nkt_reply *r,
		      uint64_t ts_ns);

/*
 * Finish: the traces in order of their first probe, each with its stop
 * inferred from what came back (COMPLETED at the first hop the destination
 * answered; UNREACH / ICMP at the first such error; otherwise NONE at the
 * highest TTL probed).  A flow with no reply and a single TTL is not a
 * traceroute and is left out.  The caller owns the array and the traces
 * (nkt_trace_free each, free the array).
 */
struct nkt_trace **nkt_replay_finish(struct nkt_replay *rp, size_t *n);

const struct nkt_replay_stats *nkt_replay_stats(const struct nkt_replay *rp);

void nkt_replay_free(struct nkt_replay *rp);

#endif
