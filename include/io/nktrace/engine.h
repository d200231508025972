/* SPDX-License-Identifier: ISC */
/*
 * engine.h: the one engine every probing command runs on (shell): one
 * sender (sender.h), one capture thread (capture.h), one probe key, one
 * way of handling SIGINT, SIGTERM and SIGHUP.  Two kinds of run:
 *
 *   nkt_engine_run    the scheduler (trace, compare, run): three threads,
 *                     each owning its data, talking through SPSC rings:
 *       main     the scheduler: in-flight table, traces, pacing, timeouts
 *       sender   the libnet handles: probe requests in, "sent" reports out
 *       capture  the pcap handle: decoded replies and probe sightings out
 *   nkt_engine_sweep  a sweep (sweep.h): the main thread paces and writes
 *                     batches with sendmmsg; the capture thread matches
 *                     replies statelessly into the sweep's tables
 *
 * Open (privileged) and run (after the privilege drop) are separate calls:
 *   nkt_engine_open -> nkt_priv_drop -> open outputs -> nkt_engine_run...
 * An engine runs any number of times (scheduled measurement cycles) with
 * flows whose sources and ports the capture was opened for.
 */
#ifndef NKTRACE_ENGINE_H
#define NKTRACE_ENGINE_H

#include "nktrace/capture.h"
#include "nktrace/sender.h"
#include "nktrace/sched.h"
#include "nktrace/sweep.h"
#include "nktrace/trace.h"

#include <stddef.h>
#include <stdint.h>

/* What the engine is opened for. */
struct nkt_engine_cfg {
	struct nkt_key key;         /* the probe key, for every run */
	const struct nkt_flow *flows; /* flows whose sources and ports the
					 capture must see (borrowed; only
					 read by nkt_engine_open) */
	const uint8_t *via;           /* per flow uplink, or NULL */
	size_t n_flows;
	struct nkt_uplink uplinks[NKT_MAX_UPLINKS]; /* [0] = routed */
	size_t n_uplinks;
	const char *dry_pcap; /* dry run: write frames here, send nothing */
	size_t pcap_buffer;   /* capture ring, bytes */
	int progress;         /* progress lines on stderr */
	int replies_only;     /* capture ICMP replies only, not our own
				 probes too (sweep: half the frames) */
	int sndbuf;           /* raw socket send buffer, bytes (0: default) */
};

/* Called on the main thread for every finished trace, in finishing order.
 * Return 0, or -1 to stop the run (e.g. the output failed). */
typedef int (*nkt_trace_fn)(void *ctx, const struct nkt_trace *t);

struct nkt_run_result {
	struct nkt_sched_stats sched;
	struct nkt_capture_stats capture;
	uint64_t ring_drops; /* capture events the scheduler never saw */
	int signal;          /* the signal that halted the run, or 0 */
	double wall_s;
};

struct nkt_engine;

/* Open the sender and the capture (needs privilege unless dry run).
 * Returns NULL with err set (err->code NKT_EPRIV without privilege). */
struct nkt_engine *nkt_engine_open(const struct nkt_engine_cfg *cfg,
				   struct nkt_err *err);

/* One run: these flows under this scheduler configuration (the key and
 * wall offset are the engine's). */
struct nkt_engine_run_cfg {
	struct nkt_sched_cfg sched;
	const struct nkt_flow *flows; /* borrowed for the run */
	const uint8_t *via;
	size_t n_flows;
};

/*
 * Run to the end: every flow traced, or a SIGINT/SIGTERM/SIGHUP (then no new
 * probe is sent, replies are awaited for at most min(wait, 2 s), and the
 * traces in progress finish as HALTED).  on_trace gets every trace.
 * Returns 0 or an error (err set); *res is filled either way.  An engine
 * can run again after a run that was not halted.
 */
int nkt_engine_run(struct nkt_engine *e, const struct nkt_engine_run_cfg *rc,
		   nkt_trace_fn on_trace, void *ctx,
		   struct nkt_run_result *res, struct nkt_err *err);

/* A sweep: every probe of the plan, paced at `rate`, `batch` per write. */
struct nkt_engine_sweep_cfg {
	const struct nkt_sweep_plan *plan;
	uint64_t rate;    /* probes per second */
	unsigned batch;   /* probes per sendmmsg, 1..NKT_SENDER_BATCH_MAX */
	uint64_t wait_ns; /* for replies after the last probe */
	int progress;     /* a progress line on stderr each second */
};

struct nkt_sweep_run {
	uint64_t sent, errors, retries; /* send errors: probes not sent */
	int errno_first;                /* of the first send error */
	int signal;                     /* the signal that stopped it, or 0 */
	double seconds;                 /* sending, first to last batch */
	struct nkt_sweep_counts counts; /* the capture's matching */
	struct nkt_capture_stats capture;
};

/*
 * Run a sweep: the tables (nkt_sweep_tables_init) get every probe's send
 * time and first answer (start_us is set here).  A signal stops the
 * sending and the wait; what was sent is kept.  Returns 0 or NKT_ESYS
 * (err set); *res is filled either way.
 */
int nkt_engine_sweep(struct nkt_engine *e,
		     const struct nkt_engine_sweep_cfg *c,
		     struct nkt_sweep_tables *t, struct nkt_sweep_run *res,
		     struct nkt_err *err);

/* Does the capture see replies to probes from this source address (one
 * of the flows' sources at open)?  1 or 0. */
int nkt_engine_captures_src(const struct nkt_engine *e, uint32_t src);

/* Close handles; a dry run's pcap write error is reported here. */
int nkt_engine_close(struct nkt_engine *e, struct nkt_err *err);

#endif
