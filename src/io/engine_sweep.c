// SPDX-License-Identifier: ISC
/*
 * engine_sweep.c: a sweep on the engine (shell).  The main thread walks
 * the plan, paces and writes batches through the sender; the capture
 * thread matches replies statelessly into the result table it owns
 * (nkt_sweep_record).  The one thing they share is the send-time table:
 * the sender's side stores a probe's time (release) before writing it,
 * the capture loads it (acquire) when its answer comes.
 */
#include "engine_int.h"
#include "nktrace/clock.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

/* The capture thread's state during a sweep. */
struct sweep_cap {
	const struct nkt_sweep_plan *plan;
	struct nkt_sweep_tables *tab;
	struct nkt_sweep_counts counts;
};

static void on_sweep_frame(void *ctx, const struct nkt_reply *r,
			   uint64_t ts_ns)
{
	struct sweep_cap *c = ctx;
	nkt_sweep_record(c->plan, c->tab, r, ts_ns / 1000, &c->counts);
}

/* Write one batch: its send time goes into the table first (the answer
 * can come before sendmmsg returns); a probe that could not be sent gets
 * its entry back to 0 (unsent). */
static void send_batch(struct nkt_engine *e, struct nkt_sweep_tables *t,
		       uint8_t *const *pkts, const uint64_t *probe, size_t n,
		       struct nkt_sweep_run *res)
{
	struct nkt_batch_result br;
	uint32_t tx = (uint32_t)(nkt_clock_wall_ns() / 1000 - t->start_us) + 1;
	size_t i;

	for (i = 0; i < n; i++)
		atomic_store_explicit(&t->tx_us[probe[i]], tx,
				      memory_order_release);
	if (nkt_sender_send_batch(e->sender, pkts, n, NKT_SWEEP_SIZE, &br) !=
	    0) {
		br.n_failed = n;
		br.first_errno = ENETUNREACH;
		for (i = 0; i < n; i++)
			br.failed[i] = i;
	}
	for (i = 0; i < br.n_failed; i++)
		atomic_store_explicit(&t->tx_us[probe[br.failed[i]]], 0,
				      memory_order_release);
	if (br.n_failed && res->errno_first == 0)
		res->errno_first = br.first_errno;
	res->errors += br.n_failed;
	res->retries += br.retries;
	res->sent += n;
}

/* Wait until the batch is due (a signal ends the wait: returned).  When
 * it is already due, as unpaced, the signals are looked at only every
 * 4096 probes. */
static int pace(int sigfd, uint64_t due, uint64_t sent, size_t n)
{
	if (due > nkt_clock_mono_ns())
		return nkt__engine_wait(sigfd, due);
	if ((sent & 0xfff) < n)
		return nkt__engine_signal(sigfd);
	return 0;
}

/* "1234/65536 probes, 1000 probes/s, ETA 64s": the time left is the
 * probes left at the pace asked for (or the pace so far, when slower),
 * plus the wait for the last replies. */
static void sweep_progress(const struct nkt_engine_sweep_cfg *c,
			   uint64_t sent, uint64_t t0, uint64_t now, int final)
{
	double el = (double)(now - t0) / 1e9;
	double pps = el > 0 ? (double)sent / el : 0;
	double left = (double)(c->plan->probes - sent);
	double eta = left / (double)c->rate;

	if (pps > 0 && pps < (double)c->rate && sent > 0)
		eta = left / pps;
	fprintf(stderr, "\rnktrace: %llu/%llu probes, %.0f probes/s, ",
		(unsigned long long)sent,
		(unsigned long long)c->plan->probes, pps);
	if (final)
		fprintf(stderr, "sent in %.0fs, waiting %.0fs for replies\n",
			el, (double)c->wait_ns / 1e9);
	else
		fprintf(stderr, "ETA %.0fs ", eta + (double)c->wait_ns / 1e9);
}

/* Pace and write every probe of the plan; a signal stops it. */
static void send_all(struct nkt_engine *e, const struct nkt_engine_sweep_cfg *c,
		     struct nkt_sweep_tables *t, int sigfd,
		     struct nkt_sweep_run *res)
{
	uint8_t buf[NKT_SENDER_BATCH_MAX][NKT_SWEEP_SIZE];
	uint8_t *pkts[NKT_SENDER_BATCH_MAX];
	uint64_t probe[NKT_SENDER_BATCH_MAX], pos = 0,
		 t0 = nkt_clock_mono_ns();
	double ns_per_probe = 1e9 / (double)c->rate;
	uint64_t next_progress = t0;
	size_t n, i;

	for (i = 0; i < NKT_SENDER_BATCH_MAX; i++)
		pkts[i] = buf[i];
	for (;;) {
		int sig;
		for (n = 0; n < c->batch &&
			    nkt_sweep_next(c->plan, &pos, &probe[n]);
		     n++)
			nkt_sweep_encode(c->plan, probe[n], buf[n]);
		if (n == 0)
			break;
		/* The batch leaves when its first probe is due. */
		sig = pace(sigfd,
			   t0 + (uint64_t)((double)res->sent * ns_per_probe),
			   res->sent, n);
		if (sig) {
			res->signal = sig;
			break;
		}
		send_batch(e, t, pkts, probe, n, res);
		if (c->progress && nkt_clock_mono_ns() >= next_progress) {
			sweep_progress(c, res->sent, t0, nkt_clock_mono_ns(),
				       0);
			next_progress += NKT_NS_PER_S;
		}
	}
	res->seconds = (double)(nkt_clock_mono_ns() - t0) / 1e9;
	if (c->progress)
		sweep_progress(c, res->sent, t0, nkt_clock_mono_ns(), 1);
}

int nkt_engine_sweep(struct nkt_engine *e,
		     const struct nkt_engine_sweep_cfg *c,
		     struct nkt_sweep_tables *t, struct nkt_sweep_run *res,
		     struct nkt_err *err)
{
	struct sweep_cap cap;
	sigset_t old;
	int sigfd, rc;

	memset(res, 0, sizeof(*res));
	memset(&cap, 0, sizeof(cap));
	if (e->cap == NULL)
		return nkt_err_set(err, NKT_EINVAL, "a sweep needs a capture");
	cap.plan = c->plan;
	cap.tab = t;
	sigemptyset(&old);
	sigfd = nkt__engine_signals(&old, err);
	if (sigfd < 0)
		return NKT_ESYS;
	atomic_store(&e->stop, 0);
	t->start_us = nkt_clock_wall_ns() / 1000;
	/* Kernel timestamps make the RTTs; reading the ring a little later
	 * only batches the wake-ups (at 100,000 replies/s one wake-up per
	 * reply costs more than matching them). */
	e->on_frame = on_sweep_frame;
	e->on_read = NULL;
	e->frame_ctx = &cap;
	e->nap_ns = 200000;
	rc = nkt__engine_capture_start(e, err);
	if (rc == NKT_OK) {
		send_all(e, c, t, sigfd, res);
		if (!res->signal)
			res->signal = nkt__engine_wait(
				sigfd, nkt_clock_mono_ns() + c->wait_ns);
		nkt__engine_capture_stop(e);
		nkt_capture_stats(e->cap, &res->capture);
		res->counts = cap.counts;
	}
	nkt__engine_signals_close(sigfd, &old);
	return rc;
}
