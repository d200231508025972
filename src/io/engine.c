// SPDX-License-Identifier: ISC
/*
 * engine.c: the run loop and its two worker threads (shell).  The main
 * thread owns the scheduler; the sender thread owns the libnet handles; the
 * capture thread owns the pcap handle.  They share nothing mutable except
 * the SPSC rings and the eventfds that wake a sleeping consumer.
 */
#include "engine_int.h"
#include "nktrace/clock.h"
#include "nktrace/priv.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

void nkt__engine_wake(int fd)
{
	uint64_t one = 1;
	ssize_t n = write(fd, &one, sizeof(one));
	(void)n;
}

struct nkt_engine *nkt_engine_open(const struct nkt_engine_cfg *cfg,
				   struct nkt_err *err)
{
	struct nkt_engine *e = nkt_xcalloc(1, sizeof(*e));
	uint32_t srcs[64];
	uint16_t ports[64];
	size_t n_src = 0, n_ports = 0, i, j;
	int need_raw = 0;

	e->cfg = *cfg;
	e->evfd_main = e->evfd_send = -1;
	if (cfg->dry_pcap == NULL && nkt_priv_check_raw(err) != NKT_OK) {
		free(e);
		return NULL;
	}
	for (i = 0; i < cfg->n_flows; i++) {
		const struct nkt_flow *f = &cfg->flows[i];
		if (cfg->via == NULL || cfg->via[i] == 0)
			need_raw = 1;
		for (j = 0; j < n_src && srcs[j] != f->src; j++)
			;
		if (j == n_src && n_src < NKT_ARRAY_LEN(srcs))
			srcs[n_src++] = f->src;
		if (f->method == NKT_METHOD_ICMP)
			continue;
		for (j = 0; j < n_ports && ports[j] != f->sport; j++)
			;
		if (j == n_ports && n_ports < NKT_ARRAY_LEN(ports))
			ports[n_ports++] = f->sport;
	}
	memcpy(e->srcs, srcs, n_src * sizeof(*srcs));
	e->n_src = n_src;
	e->sender = nkt_sender_open(cfg->uplinks, cfg->n_uplinks, need_raw,
				    &cfg->key, cfg->dry_pcap, err);
	if (e->sender == NULL)
		goto fail;
	if (cfg->sndbuf > 0)
		nkt_sender_sndbuf(e->sender, cfg->sndbuf);
	if (cfg->dry_pcap == NULL) {
		e->cap = cfg->replies_only
				 ? nkt_capture_open_icmp(srcs, n_src,
							 cfg->pcap_buffer, err)
				 : nkt_capture_open(srcs, n_src, ports, n_ports,
						    cfg->pcap_buffer, err);
		if (e->cap == NULL)
			goto fail;
	}
	e->evfd_main = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	e->evfd_send = eventfd(0, EFD_CLOEXEC);
	if (e->evfd_main < 0 || e->evfd_send < 0) {
		nkt_err_set(err, NKT_ESYS, "eventfd: %s", strerror(errno));
		goto fail;
	}
	nkt_ring_init(&e->req, 4096, sizeof(struct nkt_probe_req));
	nkt_ring_init(&e->sent, 4096, sizeof(struct sent_event));
	nkt_ring_init(&e->capq, 16384, sizeof(struct cap_event));
	return e;
fail:
	nkt_engine_close(e, NULL);
	return NULL;
}

int nkt_engine_captures_src(const struct nkt_engine *e, uint32_t src)
{
	size_t i;
	for (i = 0; i < e->n_src; i++)
		if (e->srcs[i] == src)
			return 1;
	return 0;
}

int nkt_engine_close(struct nkt_engine *e, struct nkt_err *err)
{
	int rc;
	if (e == NULL)
		return NKT_OK;
	rc = nkt_sender_close(e->sender, err);
	nkt_capture_close(e->cap);
	if (e->evfd_main >= 0)
		close(e->evfd_main);
	if (e->evfd_send >= 0)
		close(e->evfd_send);
	nkt_ring_fini(&e->req);
	nkt_ring_fini(&e->sent);
	nkt_ring_fini(&e->capq);
	free(e);
	return rc;
}

/* ---- sender thread ---------------------------------------------------- */

static void *sender_main(void *arg)
{
	struct nkt_engine *e = arg;
	struct nkt_probe_req req;

	for (;;) {
		if (nkt_ring_pop(&e->req, &req) == 0) {
			struct sent_event ev;
			uint64_t tx = 0;
			ev.err = nkt_sender_send(e->sender, &req, 0, &tx);
			ev.tx_wall_ns = tx;
			ev.gen = req.gen;
			ev.id = req.id;
			while (nkt_ring_push(&e->sent, &ev) != 0) {
				if (atomic_load(&e->stop))
					return NULL;
				sched_yield();
			}
			if (atomic_load(&e->main_sleeping))
				nkt__engine_wake(e->evfd_main);
			continue;
		}
		if (atomic_load(&e->stop))
			return NULL;
		atomic_store(&e->send_sleeping, 1);
		if (nkt_ring_len(&e->req) == 0 && !atomic_load(&e->stop)) {
			uint64_t v;
			ssize_t n = read(e->evfd_send, &v, sizeof(v));
			(void)n;
		}
		atomic_store(&e->send_sleeping, 0);
	}
}

/* ---- capture thread --------------------------------------------------- */

static void *capture_main(void *arg)
{
	struct nkt_engine *e = arg;
	struct timespec nap = {0, e->nap_ns};

	while (!atomic_load(&e->stop)) {
		if (nkt_capture_dispatch(e->cap, e->on_frame, e->frame_ctx) < 0 &&
		    atomic_load(&e->stop))
			break;
		if (e->on_read != NULL)
			e->on_read(e);
		if (e->nap_ns > 0)
			nanosleep(&nap, NULL);
	}
	return NULL;
}

int nkt__engine_capture_start(struct nkt_engine *e, struct nkt_err *err)
{
	if (pthread_create(&e->cap_thread, NULL, capture_main, e) != 0)
		return nkt_err_set(err, NKT_ESYS, "cannot start the capture");
	e->cap_running = 1;
	return NKT_OK;
}

void nkt__engine_capture_stop(struct nkt_engine *e)
{
	if (!e->cap_running)
		return;
	atomic_store(&e->stop, 1);
	nkt_capture_stop(e->cap);
	pthread_join(e->cap_thread, NULL);
	e->cap_running = 0;
}

/* A scheduler run's capture: decoded frames into the ring to main, woken
 * after each read that left something for it. */
static void on_capture(void *ctx, const struct nkt_reply *r, uint64_t ts)
{
	struct nkt_engine *e = ctx;
	struct cap_event ev;

	ev.ts_ns = ts;
	ev.r = *r;
	if (nkt_ring_push(&e->capq, &ev) != 0)
		atomic_fetch_add(&e->cap_drops, 1);
}

static void on_capture_read(struct nkt_engine *e)
{
	if (nkt_ring_len(&e->capq) > 0 && atomic_load(&e->main_sleeping))
		nkt__engine_wake(e->evfd_main);
}

/* ---- signals ----------------------------------------------------------- */

int nkt__engine_signals(sigset_t *old, struct nkt_err *err)
{
	sigset_t sigs;
	int fd;

	nkt_halt_signals(&sigs);
	pthread_sigmask(SIG_BLOCK, &sigs, old);
	fd = signalfd(-1, &sigs, SFD_CLOEXEC | SFD_NONBLOCK);
	if (fd < 0) {
		nkt_err_set(err, NKT_ESYS, "signalfd: %s", strerror(errno));
		pthread_sigmask(SIG_SETMASK, old, NULL);
	}
	return fd;
}

void nkt__engine_signals_close(int fd, const sigset_t *old)
{
	if (fd < 0)
		return;
	close(fd);
	pthread_sigmask(SIG_SETMASK, old, NULL);
}

int nkt__engine_signal(int sigfd)
{
	struct signalfd_siginfo si;
	if (read(sigfd, &si, sizeof(si)) == sizeof(si))
		return (int)si.ssi_signo;
	return 0;
}

int nkt__engine_wait(int sigfd, uint64_t at_ns)
{
	for (;;) {
		uint64_t now = nkt_clock_mono_ns(), wait;
		struct pollfd pfd = {sigfd, POLLIN, 0};
		struct timespec ts;
		int sig = nkt__engine_signal(sigfd);
		if (sig)
			return sig;
		if (now >= at_ns)
			return 0;
		wait = at_ns - now;
		ts.tv_sec = (time_t)(wait / NKT_NS_PER_S);
		ts.tv_nsec = (long)(wait % NKT_NS_PER_S);
		ppoll(&pfd, 1, &ts, NULL);
	}
}

/* ---- main loop ------------------------------------------------------------ */

static void drain(struct nkt_engine *e, struct nkt_sched *s, uint64_t now)
{
	struct sent_event se;
	struct cap_event ce;

	while (nkt_ring_pop(&e->sent, &se) == 0)
		nkt_sched_sent(s, se.id, se.gen, se.tx_wall_ns, se.err, now);
	while (nkt_ring_pop(&e->capq, &ce) == 0) {
		if (ce.r.kind == NKT_REPLY_PROBE) {
			if (!(ce.r.flags & NKT_RF_INCOMING))
				nkt_sched_probe_seen(s, &ce.r, ce.ts_ns);
		} else if (!(ce.r.flags & NKT_RF_OUTGOING))
			nkt_sched_reply(s, &ce.r, ce.ts_ns, now);
	}
}

/* "12/57 traces, 98 probes/s, ETA 41s": the scheduler's flows (a target
 * by one method over one uplink), finished of all; the time left as the
 * scheduler estimates it from the traces in flight and those to come
 * (nkt_sched_eta), unknown ("ETA -") until one has finished. */
static void progress(struct nkt_sched *s, uint64_t start, uint64_t now,
		     int final)
{
	size_t total, done = nkt_sched_progress(s, &total);
	const struct nkt_sched_stats *st = nkt_sched_stats(s);
	double el = (double)(now - start) / 1e9;
	double pps = el > 0 ? (double)st->sent / el : 0;

	uint64_t eta;

	fprintf(stderr, "\rnktrace: %zu/%zu traces, %.0f probes/s, ", done,
		total, pps);
	if (final)
		fprintf(stderr, "took %.0fs\n", el);
	else if (!nkt_sched_eta(s, now, &eta))
		fputs("ETA -   ", stderr);
	else
		fprintf(stderr, "ETA %.0fs ", (double)eta / 1e9);
}

static int emit(struct nkt_sched *s, nkt_trace_fn fn, void *ctx)
{
	struct nkt_trace *t;
	int rc = 0;
	while ((t = nkt_sched_pop_done(s)) != NULL) {
		if (rc == 0 && fn(ctx, t) != 0)
			rc = -1;
		nkt_trace_free(t);
	}
	return rc;
}

static int run_dry(struct nkt_engine *e, struct nkt_sched *s,
		   uint64_t wall_offset, nkt_trace_fn fn, void *ctx,
		   struct nkt_err *err)
{
	uint64_t now = nkt_clock_mono_ns(), wake_at;
	struct nkt_probe_req req;

	for (;;) {
		nkt_sched_tick(s, now);
		while (nkt_sched_next(s, now, &req, &wake_at)) {
			uint64_t tx;
			int rc = nkt_sender_send(e->sender, &req,
						 now + wall_offset, &tx);
			nkt_sched_sent(s, req.id, req.gen, tx, rc, now);
		}
		if (emit(s, fn, ctx) != 0)
			return nkt_err_set(err, NKT_ESYS,
					   "writing the output failed");
		if (nkt_sched_finished(s))
			return NKT_OK;
		if (wake_at == UINT64_MAX) {
			nkt_sched_expire_all(s, now);
			continue;
		}
		now = wake_at > now ? wake_at : now + 1;
	}
}

/* A scheduler run in progress (the main thread's). */
struct run {
	struct nkt_engine *e;
	struct nkt_sched *s;
	int sigfd;
	int halted;
	uint64_t start, halt_wait, halt_deadline, next_progress;
	struct nkt_run_result *res;
};

/* SIGINT/SIGTERM/SIGHUP: the first halts the run (no new probe, replies
 * awaited at most halt_wait), a second ends the wait. */
static void take_signals(struct run *r)
{
	int sig;
	while ((sig = nkt__engine_signal(r->sigfd)) != 0) {
		r->res->signal = sig;
		if (!r->halted) {
			r->halted = 1;
			nkt_sched_halt(r->s);
			r->halt_deadline = nkt_clock_mono_ns() + r->halt_wait;
		} else
			r->halt_deadline = 0;
	}
}

/* The probes due now into the sender's ring.  Returns 1 if it is full. */
static int feed_sender(struct run *r, uint64_t now, uint64_t *wake_at)
{
	struct nkt_engine *e = r->e;
	struct nkt_probe_req req;
	int pushed = 0, full = 0;

	for (;;) {
		if (nkt_ring_len(&e->req) > e->req.mask) {
			full = 1;
			break;
		}
		if (!nkt_sched_next(r->s, now, &req, wake_at))
			break;
		nkt_ring_push(&e->req, &req);
		pushed = 1;
	}
	if (pushed && atomic_load(&e->send_sleeping))
		nkt__engine_wake(e->evfd_send);
	return full;
}

/* Sleep until wake_at, a signal, or a wake-up from a worker. */
static void sleep_main(struct run *r, uint64_t now, uint64_t wake_at)
{
	struct nkt_engine *e = r->e;
	uint64_t wait;

	if (r->halted && r->halt_deadline > now && r->halt_deadline < wake_at)
		wake_at = r->halt_deadline;
	if (e->cfg.progress && r->next_progress < wake_at)
		wake_at = r->next_progress;
	if (wake_at > now + NKT_NS_PER_S)
		wake_at = now + NKT_NS_PER_S;
	wait = wake_at > now ? wake_at - now : 0;
	atomic_store(&e->main_sleeping, 1);
	if (wait > 0 && nkt_ring_len(&e->capq) == 0 &&
	    nkt_ring_len(&e->sent) == 0) {
		struct pollfd pfd[2] = {{e->evfd_main, POLLIN, 0},
					{r->sigfd, POLLIN, 0}};
		struct timespec ts = {(time_t)(wait / NKT_NS_PER_S),
				      (long)(wait % NKT_NS_PER_S)};
		if (ppoll(pfd, 2, &ts, NULL) > 0 && (pfd[0].revents & POLLIN)) {
			uint64_t v;
			ssize_t n = read(e->evfd_main, &v, sizeof(v));
			(void)n;
		}
	}
	atomic_store(&e->main_sleeping, 0);
}

/* The main loop: until every trace is done.  Returns 0 or NKT_ESYS (an
 * output failed: the run was halted). */
static int run_loop(struct run *r, nkt_trace_fn on_trace, void *ctx,
		    struct nkt_err *err)
{
	int rc = NKT_OK;

	for (;;) {
		uint64_t now, wake_at = UINT64_MAX;
		int full;

		take_signals(r);
		now = nkt_clock_mono_ns();
		drain(r->e, r->s, now);
		nkt_sched_tick(r->s, now);
		if (r->halted && now >= r->halt_deadline)
			nkt_sched_expire_all(r->s, now);
		full = feed_sender(r, now, &wake_at);
		if (emit(r->s, on_trace, ctx) != 0 && !r->halted) {
			rc = nkt_err_set(err, NKT_ESYS,
					 "writing the output failed");
			r->halted = 1;
			nkt_sched_halt(r->s);
			r->halt_deadline = 0;
		}
		if (nkt_sched_finished(r->s))
			return rc;
		if (r->e->cfg.progress && now >= r->next_progress) {
			progress(r->s, r->start, now, 0);
			r->next_progress = now + NKT_NS_PER_S;
		}
		sleep_main(r, now, full ? now + 100 * NKT_NS_PER_US : wake_at);
	}
}

/* Empty the rings of a previous run. */
static void reset_rings(struct nkt_engine *e)
{
	struct nkt_probe_req stale;
	struct sent_event se;
	struct cap_event ce;

	while (nkt_ring_pop(&e->req, &stale) == 0)
		;
	while (nkt_ring_pop(&e->sent, &se) == 0)
		;
	while (nkt_ring_pop(&e->capq, &ce) == 0)
		;
}

int nkt_engine_run(struct nkt_engine *e, const struct nkt_engine_run_cfg *rc_,
		   nkt_trace_fn on_trace, void *ctx,
		   struct nkt_run_result *res, struct nkt_err *err)
{
	struct nkt_sched_cfg sc = rc_->sched;
	struct run r;
	sigset_t old;
	pthread_t th_send;
	int rc = NKT_OK, sender = 0;

	memset(res, 0, sizeof(*res));
	memset(&r, 0, sizeof(r));
	sigemptyset(&old);
	/* A fresh run: nothing left over from the previous one. */
	atomic_store(&e->stop, 0);
	atomic_store(&e->cap_drops, 0);
	reset_rings(e);
	r.e = e;
	r.res = res;
	r.sigfd = -1;
	r.start = nkt_clock_mono_ns();
	sc.key = e->cfg.key;
	sc.wall_offset_ns = nkt_clock_wall_ns() - r.start;
	r.s = nkt_sched_new(&sc, rc_->flows, rc_->via, rc_->n_flows, err);
	if (r.s == NULL)
		return NKT_EINVAL;
	r.halt_wait = sc.wait_ns < 2 * NKT_NS_PER_S ? sc.wait_ns
						     : 2 * NKT_NS_PER_S;
	if (e->cfg.dry_pcap != NULL) {
		rc = run_dry(e, r.s, sc.wall_offset_ns, on_trace, ctx, err);
		goto out;
	}
	/* Signals come to the main loop through a signalfd; the worker
	 * threads inherit the blocked mask. */
	r.sigfd = nkt__engine_signals(&old, err);
	if (r.sigfd < 0) {
		rc = NKT_ESYS;
		goto out;
	}
	if (pthread_create(&th_send, NULL, sender_main, e) != 0) {
		rc = nkt_err_set(err, NKT_ESYS, "cannot start the sender");
		goto out;
	}
	sender = 1;
	e->on_frame = on_capture;
	e->on_read = on_capture_read;
	e->frame_ctx = e;
	e->nap_ns = 0;
	if ((rc = nkt__engine_capture_start(e, err)) != NKT_OK)
		goto out;
	r.next_progress = r.start + NKT_NS_PER_S;
	rc = run_loop(&r, on_trace, ctx, err);
	if (e->cfg.progress)
		progress(r.s, r.start, nkt_clock_mono_ns(), 1);
out:
	atomic_store(&e->stop, 1);
	if (sender) {
		nkt__engine_wake(e->evfd_send);
		pthread_join(th_send, NULL);
	}
	nkt__engine_capture_stop(e);
	nkt__engine_signals_close(r.sigfd, &old);
	res->sched = *nkt_sched_stats(r.s);
	if (e->cap != NULL)
		nkt_capture_stats(e->cap, &res->capture);
	res->ring_drops = atomic_load(&e->cap_drops);
	res->wall_s = (double)(nkt_clock_mono_ns() - r.start) / 1e9;
	nkt_sched_free(r.s);
	return rc;
}
