/* SPDX-License-Identifier: ISC */
/*
 * engine_int.h: what engine.c (the scheduler's runs) and engine_sweep.c
 * (sweeps) share inside the engine: its handles, its capture thread, its
 * signals.  Private to src/io.
 */
#ifndef NKTRACE_ENGINE_INT_H
#define NKTRACE_ENGINE_INT_H

#include "nktrace/engine.h"
#include "nktrace/ring.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>

struct cap_event {
	uint64_t ts_ns;
	struct nkt_reply r;
};

struct sent_event {
	uint64_t tx_wall_ns;
	uint32_t gen;
	uint16_t id;
	int err;
};

struct nkt_engine {
	struct nkt_engine_cfg cfg;
	struct nkt_sender *sender;
	struct nkt_capture *cap;
	struct nkt_ring req, sent, capq;
	int evfd_main, evfd_send;
	atomic_int main_sleeping, send_sleeping, stop;
	atomic_uint_fast64_t cap_drops;
	uint32_t srcs[64]; /* the source addresses the capture sees */
	size_t n_src;
	/* The capture thread's work for the current run: every decoded frame
	 * to on_frame; after each read, on_read (may be NULL); then a nap of
	 * nap_ns (0: none) to batch wake-ups at high rates. */
	nkt_capture_cb on_frame;
	void (*on_read)(struct nkt_engine *e);
	void *frame_ctx;
	long nap_ns;
	pthread_t cap_thread;
	int cap_running;
};

/* Write 1 to an eventfd (wakes its reader). */
void nkt__engine_wake(int fd);

/* Start the capture thread with e->on_frame etc. set; 0 or NKT_ESYS. */
int nkt__engine_capture_start(struct nkt_engine *e, struct nkt_err *err);

/* Stop and join it (e->stop is set). */
void nkt__engine_capture_stop(struct nkt_engine *e);

/* Block SIGINT, SIGTERM and SIGHUP (the worker threads started after
 * inherit that) and return a signalfd for them, the old mask in *old; -1
 * with err set on failure (the mask restored). */
int nkt__engine_signals(sigset_t *old, struct nkt_err *err);

/* Close the signalfd and restore the mask. */
void nkt__engine_signals_close(int fd, const sigset_t *old);

/* A signal read from the signalfd without waiting, or 0. */
int nkt__engine_signal(int sigfd);

/* Wait until CLOCK_MONOTONIC reads at_ns unless a signal comes first on
 * sigfd: returns it, or 0 once the time has come. */
int nkt__engine_wait(int sigfd, uint64_t at_ns);

#endif
