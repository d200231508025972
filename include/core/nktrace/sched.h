/* SPDX-License-Identifier: ISC */
/*
 * sched.h: the trace scheduler.  It owns the in-flight table and the traces
 * in progress, and decides what to send and when, what a reply means and
 * when a trace is done.  Pure: time comes in as arguments (monotonic ns),
 * so tests drive it with a fake clock; it never touches a socket.
 *
 * Policy:
 *  - up to `window` traces in progress; up to `ttl_window` TTLs of a trace
 *    in flight; `attempts` probes per TTL (for TCP one after another: a
 *    host answers a second SYN of the same 4-tuple in SYN_RECV with an ACK,
 *    and after the destination's answer the next one waits
 *    NKT_SCHED_TCP_SETTLE_NS for the RST our kernel sent);
 *  - a global token bucket (`pps`) and one per TTL value (`hop_pps`, shared
 *    by every trace): routers near the vantage point see each TTL from every
 *    target, and they rate-limit ICMP (RFC 1812 4.3.2.8), so probes with the
 *    same TTL are spaced;
 *  - a TTL is decided when all its attempts are answered or timed out, and
 *    decisions are made in TTL order: destination reached -> COMPLETED,
 *    unreachable -> UNREACH, other ICMP error -> ICMP, an address repeated
 *    at non-adjacent hops (`loops` times) -> LOOP, `gaplimit` silent TTLs in
 *    a row -> GAPLIMIT, max_ttl -> HOPLIMIT;
 *  - once a reply shows where a trace will stop, no TTL beyond it is opened,
 *    probes beyond it are cancelled, and silent hops before it no longer
 *    count towards the gap limit (rate-limited routers must not end a
 *    trace whose destination already answered);
 *  - with e2e_probes > 0, a COMPLETED trace then sends that many probes at
 *    the destination's TTL, one after another, e2e_interval_ns apart, for
 *    end-to-end RTT and loss (records flagged NKT_PF_E2E);
 *  - with `doubletree` (Donnet et al., SIGMETRICS 2005, the local stop set
 *    of one vantage point): the first `dt_learn` traces run whole (their
 *    flows cross load-balanced diamonds the way independent traces do, so
 *    that their branches are met); the median of their last answering TTLs,
 *    less one, is h.  Every later trace starts at h and goes
 *    forward as above (at most two TTLs in flight: the destination is
 *    likely one TTL on); once that part is decided it goes backward from h-1,
 *    one TTL at a time, and stops at the first TTL where an address that
 *    some trace of the run already met answered (time exceeded); that TTL
 *    becomes the trace's first_ttl (the TTLs below it were not probed:
 *    the run has met their routers on the way to an earlier target).  A
 *    destination or error met going backward ends the trace there, as it
 *    would have going forward.  The end-to-end phase comes after.
 */
#ifndef NKTRACE_SCHED_H
#define NKTRACE_SCHED_H

#include "nktrace/keyhash.h"
#include "nktrace/match.h"
#include "nktrace/probe.h"
#include "nktrace/reply.h"
#include "nktrace/trace.h"

#include <stddef.h>
#include <stdint.h>

/* TCP: after the destination answers a SYN (our kernel resets the half-open
 * connection as the SYN-ACK arrives), no SYN of the 4-tuple that may reach
 * the destination leaves for this long.  A SYN that overtakes the RST finds
 * the host in SYN_RECV and gets an ACK at most (rate-limited), not an
 * answer of its own; paths reorder packets sent a fraction of a millisecond
 * apart (seen in the lab: the RST leaves from softirq on one CPU, the next
 * SYN from nktrace on another). */
#define NKT_SCHED_TCP_SETTLE_NS (20ULL * 1000 * 1000)

struct nkt_sched_cfg {
	uint64_t wait_ns;        /* how long a probe may wait for its reply */
	uint64_t wall_offset_ns; /* wall clock = monotonic + this */
	uint32_t pps;            /* probes per second, all traces (> 0) */
	uint32_t hop_pps;        /* probes per second per TTL; 0 = no limit */
	uint32_t window;         /* traces in progress at once (> 0) */
	uint8_t ttl_window;      /* TTLs of one trace in flight (> 0) */
	uint8_t attempts;        /* probes per TTL (1..16) */
	uint8_t first_ttl, max_ttl;
	uint8_t gaplimit;        /* silent TTLs in a row before GAPLIMIT */
	uint8_t loops;           /* loops before LOOP; 0 = never stop */
	uint8_t doubletree;      /* 1: the local stop set (above) */
	uint32_t dt_learn;       /* traces traced whole first (0: 1) */
	uint16_t e2e_probes;     /* end-to-end probes after COMPLETED */
	uint64_t e2e_interval_ns;
	uint8_t purpose;         /* every trace's (enum nkt_trace_purpose) */
	uint16_t first_id;       /* the first probe id handed out (0: 1), so
				    that runs that follow each other (mtr's
				    rounds) use different ids and a late
				    reply to an earlier run's probe is never
				    taken for a later one's */
	struct nkt_key key;
};

/* A probe the sender must send now. */
struct nkt_probe_req {
	struct nkt_flow flow;
	uint32_t gen;  /* slot generation, echoed back in nkt_sched_sent */
	uint16_t id;
	uint8_t ttl;
	uint8_t via;   /* uplink index */
};

struct nkt_sched_stats {
	uint64_t sent, unsent, send_errors;
	uint64_t matched, dups, late, conflicts, foreign, invalid, cancelled;
	uint64_t edsts;
	uint64_t timeouts, tx_seen, table_full;
};

struct nkt_sched;

/*
 * Create a scheduler over n flows (borrowed; they must outlive it), traced
 * in order; via[i] is flow i's uplink (NULL: all 0).  Returns NULL and sets
 * *err for a bad configuration.
 */
struct nkt_sched *nkt_sched_new(const struct nkt_sched_cfg *cfg,
				const struct nkt_flow *flows,
				const uint8_t *via, size_t n,
				struct nkt_err *err);
void nkt_sched_free(struct nkt_sched *s);

/*
 * The next probe due at `now`: returns 1 and fills *req (the slot is in
 * flight from now), or 0 with *wake_ns set to when to call again
 * (UINT64_MAX: only a reply or nkt_sched_sent can make progress).
 */
int nkt_sched_next(struct nkt_sched *s, uint64_t now,
		   struct nkt_probe_req *req, uint64_t *wake_ns);

/*
 * The sender's report for a request: tx_wall_ns read just before the
 * write, err 0 or the errno of the failed write.  ENOBUFS/EAGAIN put the
 * probe back to be sent again; any other error stops the trace (ERROR).
 */
void nkt_sched_sent(struct nkt_sched *s, uint16_t id, uint32_t gen,
		    uint64_t tx_wall_ns, int err, uint64_t now);

/* The capture saw one of our outgoing probes at cap_ns (wall clock). */
void nkt_sched_probe_seen(struct nkt_sched *s, const struct nkt_reply *r,
			  uint64_t cap_ns);

/* A decoded reply captured at cap_ns (wall clock), handled at now. */
void nkt_sched_reply(struct nkt_sched *s, const struct nkt_reply *r,
		     uint64_t cap_ns, uint64_t now);

/* Time out every probe whose deadline is <= now. */
void nkt_sched_tick(struct nkt_sched *s, uint64_t now);

/* Stop starting traces and sending probes; traces in progress finish as
 * HALTED once their probes are answered or timed out. */
void nkt_sched_halt(struct nkt_sched *s);

/* Time out every probe in flight now (bounded wait after a halt). */
void nkt_sched_expire_all(struct nkt_sched *s, uint64_t now);

/* A finished trace, in finishing order, or NULL; the caller owns it and
 * frees it with nkt_trace_free(). */
struct nkt_trace *nkt_sched_pop_done(struct nkt_sched *s);

/* True when every trace has finished and been popped. */
int nkt_sched_finished(const struct nkt_sched *s);

/*
 * The time left at monotonic `now`, from the pipeline as it stands: each
 * trace in progress needs the finished traces' mean duration less its age,
 * each trace not yet started the mean duration, in `window` traces at once;
 * at least the longest of those in progress.  Returns 1 with *eta_ns, or 0
 * while no trace has finished (unknown).
 */
int nkt_sched_eta(const struct nkt_sched *s, uint64_t now, uint64_t *eta_ns);

/* Traces finished so far and traces in all. */
size_t nkt_sched_progress(const struct nkt_sched *s, size_t *total);

const struct nkt_sched_stats *nkt_sched_stats(const struct nkt_sched *s);

#endif
