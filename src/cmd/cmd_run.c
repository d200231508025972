// SPDX-License-Identifier: ISC
/*
 * cmd_run.c: `nktrace run`: scheduled measurement cycles (a compare each)
 * stored in the SQLite history, with change and outage detection.  One
 * cycle for a systemd timer or cron; --every for a long-running service.
 */
#include "cmd.h"
#include "cmd_common.h"
#include "compare_session.h"
#include "nktrace/clock.h"
#include "nktrace/detect.h"
#include "nktrace/history.h"
#include "nktrace/priv.h"
#include "nktrace/out_opts.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Append events to the NDJSON file, one write() per line. */
static void append_events(const char *path, const struct nkt_event *ev,
			  size_t n, int64_t t, int64_t run)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	size_t i;

	if (fd < 0) {
		fprintf(stderr, "nktrace run: cannot append to %s: %s\n", path,
			strerror(errno));
		return;
	}
	for (i = 0; i < n; i++) {
		json_t *j = nkt_event_json(&ev[i], t, run);
		char *s = json_dumps(j, NKT_JSON_FLAGS);
		size_t len = strlen(s);
		s = nkt_xrealloc(s, len + 2);
		s[len] = '\n';
		if (write(fd, s, len + 1) != (ssize_t)(len + 1))
			fprintf(stderr, "nktrace run: writing %s: %s\n", path,
				strerror(errno));
		free(s);
		json_decref(j);
	}
	close(fd);
}

/* Run the hook for one event: sh -c CMD, the event in its environment and
 * on its stdin; at most 30 s. */
static void hook(const char *cmd, const struct nkt_event *e, int64_t t,
		 int64_t run)
{
	json_t *j = nkt_event_json(e, t, run);
	char *s = json_dumps(j, NKT_JSON_FLAGS);
	int p[2], status = 0, waited;
	pid_t pid;

	json_decref(j);
	if (pipe2(p, O_CLOEXEC) != 0) {
		free(s);
		return;
	}
	pid = fork();
	if (pid == 0) {
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		dup2(p[0], 0);
		setenv("NKT_EVENT_KIND", e->kind, 1);
		setenv("NKT_EVENT_PREFIX", e->prefix, 1);
		setenv("NKT_EVENT_TRANSIT", e->transit, 1);
		setenv("NKT_EVENT_MESSAGE", e->message, 1);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	close(p[0]);
	if (pid > 0) {
		/* A hook that exits without reading its stdin makes the
		 * write fail with EPIPE; the SIGPIPE it raises is blocked and
		 * taken here so that it cannot kill the run. */
		sigset_t pipeset, saved;
		struct timespec zero = {0, 0};
		ssize_t w;
		sigemptyset(&pipeset);
		sigaddset(&pipeset, SIGPIPE);
		pthread_sigmask(SIG_BLOCK, &pipeset, &saved);
		w = write(p[1], s, strlen(s));
		if (w >= 0)
			w = write(p[1], "\n", 1);
		if (w < 0 && errno == EPIPE)
			sigtimedwait(&pipeset, NULL, &zero);
		pthread_sigmask(SIG_SETMASK, &saved, NULL);
	}
	close(p[1]);
	free(s);
	if (pid < 0) {
		fprintf(stderr, "nktrace run: --on-event: fork: %s\n",
			strerror(errno));
		return;
	}
	for (waited = 0; waited < 3000; waited++) {
		pid_t r = waitpid(pid, &status, WNOHANG);
		if (r == pid)
			break;
		poll(NULL, 0, 10);
	}
	if (waited == 3000) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		fprintf(stderr, "nktrace run: --on-event took over 30 s; "
				"killed\n");
	} else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fprintf(stderr,
			"nktrace run: --on-event exited with status %d\n",
			WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

static void print_cycle(int64_t run, const struct nkt_cmp_cycle *c,
			const char *status, const struct nkt_event *ev,
			size_t n_ev)
{
	char when[32];
	time_t t0 = (time_t)(c->start_ns / NKT_NS_PER_S);
	struct tm tm;
	size_t i;

	gmtime_r(&t0, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	printf("%s run %lld %s (%.1f s)", when, (long long)run, status,
	       (double)(c->end_ns - c->start_ns) / 1e9);
	for (i = 0; i < c->res.n_transit; i++) {
		const struct nkt_cmp_stats *s = &c->res.transit[i];
		if (s->transit < 0)
			continue;
		printf("; %s %zu/%zu reached", s->name, s->reached,
		       s->targets);
		if (!isnan(s->rtt_median))
			printf(", %.1f ms", s->rtt_median);
		if (s->sent > 0)
			printf(", %.1f%% loss", s->loss * 100);
	}
	for (i = 0; i < c->n_unrouted_prefixes; i++)
		printf("%s%s", i ? ", " : "; no route to ",
		       c->unrouted_prefixes[i]);
	printf("; %zu event%s\n", n_ev, n_ev == 1 ? "" : "s");
	for (i = 0; i < n_ev; i++)
		printf("  event %s: %s\n", ev[i].kind, ev[i].message);
	fflush(stdout);
}

void nkt__run_deliver(void *ctx, const struct nkt_event *ev, size_t n,
		      int64_t t, int64_t run)
{
	const struct nkt_run_opts *o = ctx;
	size_t k;
	if (o->events != NULL && n > 0)
		append_events(o->events, ev, n, t, run);
	for (k = 0; o->on_event != NULL && k < n; k++)
		hook(o->on_event, &ev[k], t, run);
}

/* A cycle's events compared with the history's recent cycles. */
static void detect(struct nkt_history *h, const struct nkt_cmp_cycle *c,
		   int64_t start, struct nkt_event **ev, size_t *n_ev)
{
	struct nkt_hist_cycle cur, *prev = NULL;
	struct nkt_hist_known known;
	struct nkt_err err = {0, ""};
	size_t n_prev = 0, i;

	nkt_hist_from_result(&c->res, NULL, NULL, 0, start, &cur);
	for (i = 0; i < c->n_unrouted_prefixes; i++)
		nkt_hist_add_unrouted(&cur, c->unrouted_prefixes[i]);
	if (nkt_history_recent(h, 0, 6, &prev, &n_prev, &err) == NKT_OK &&
	    nkt_history_known(h, start, &known, &err) == NKT_OK) {
		nkt_detect(&cur, prev, n_prev, &known, ev, n_ev);
		nkt_history_known_free(&known);
	} else
		fprintf(stderr, "nktrace run: %s\n", err.msg);
	nkt_hist_cycle_free(&cur);
	nkt_hist_cycles_free(prev, n_prev);
}

/* The history record of a cycle that ran (rc 0); its events in *ev. */
static void record_of(struct nkt_history *h, struct nkt_cmpsess *s,
		      const struct nkt_cmp_cycle *c, struct nkt_cycle_record *rec,
		      struct nkt_event **ev, size_t *n_ev)
{
	rec->status = c->run.signal ? "interrupted" : "ok";
	rec->res = &c->res;
	rec->transits = nkt_cmpsess_cfg(s)->transits;
	rec->summary = c->summary;
	rec->probes = c->run.sched.sent;
	rec->observations = c->n_obs;
	rec->targets = c->res.targets;
	rec->dropped = c->run.capture.drop + c->run.ring_drops;
	rec->unrouted = (const char(*)[24])c->unrouted_prefixes;
	rec->n_unrouted = c->n_unrouted_prefixes;
	if (!c->run.signal)
		detect(h, c, rec->start, ev, n_ev);
	rec->events = *ev;
	rec->n_events = *n_ev;
	if (c->discovered) {
		const uint32_t *f;
		uint64_t when;
		nkt_cmpsess_found(s, &f, &rec->n_found, &when);
		rec->found = f;
		rec->found_time = (int64_t)(when / NKT_NS_PER_S);
	}
}

/* One cycle: measure, detect, store, tell.  Returns the signal that
 * halted it (0: none); *failed set when it or its storing failed. */
static int one_cycle(const struct nkt_run_opts *o, struct nkt_cmpsess *s,
		     struct nkt_history *h, uint64_t *prev_start, int *failed)
{
	struct nkt_err err = {0, ""};
	struct nkt_cmp_cycle c;
	struct nkt_cycle_record rec;
	struct nkt_event *ev = NULL;
	size_t n_ev = 0, k, traces_len = 0;
	char *traces = NULL;
	FILE *tf = open_memstream(&traces, &traces_len);
	int64_t run = 0;
	int rc, sig;

	rc = nkt_cmpsess_cycle(s, tf, &c, &err);
	fclose(tf);
	memset(&rec, 0, sizeof(rec));
	*prev_start = c.start_ns;
	rec.start = (int64_t)(c.start_ns / NKT_NS_PER_S);
	rec.end = (int64_t)(c.end_ns / NKT_NS_PER_S);
	rec.keep_s = (int64_t)(o->keep_ns / NKT_NS_PER_S);
	if (rc != NKT_OK) {
		rec.status = "failed";
		rec.error = err.msg;
		*failed = 1;
		fprintf(stderr, "nktrace run: cycle failed: %s\n", err.msg);
	} else {
		record_of(h, s, &c, &rec, &ev, &n_ev);
		rec.traces = traces;
		rec.traces_len = traces_len;
		for (k = 0; k < traces_len; k++)
			rec.n_traces += traces[k] == '\n';
	}
	if (nkt_history_store(h, &rec, &run, &err) != NKT_OK) {
		fprintf(stderr, "nktrace run: %s\n", err.msg);
		*failed = 1;
	} else if (rc == NKT_OK) {
		if (!o->c.quiet)
			print_cycle(run, &c, rec.status, ev, n_ev);
		if (o->c.out.verbose) {
			char what[32];
			snprintf(what, sizeof(what), "run %lld", (long long)run);
			nkt_print_run_counts("run", what, &c.run);
		}
		/* the data plane's carriers beside BGP's (bgp --db) */
		(void)nkt_planes_after_cycle(h, rec.end, "run", 1);
		nkt__run_deliver((void *)(uintptr_t)o, ev, n_ev, rec.end, run);
	}
	if (nkt__report_outputs(h, o, &err) != NKT_OK) {
		fprintf(stderr, "nktrace run: %s\n", err.msg);
		*failed = 1;
	}
	sig = c.run.signal;
	free(ev);
	free(traces);
	nkt_cmp_cycle_free(&c);
	return sig;
}

/* The hosts an earlier discovery found, kept in the history. */
static void restore_found(struct nkt_history *h, struct nkt_cmpsess *s)
{
	struct nkt_err err = {0, ""};
	uint32_t *found = NULL;
	size_t n_found = 0;
	int64_t when = 0;

	if (nkt_history_discovered(h, &found, &n_found, &when, &err) ==
		    NKT_OK &&
	    when > 0)
		nkt_cmpsess_set_found(s, found, n_found,
				      (uint64_t)when * NKT_NS_PER_S);
	free(found);
}

/* The cycles, at the cadence; returns the exit code. */
static int cycles(const struct nkt_run_opts *o, struct nkt_cmpsess *s,
		  struct nkt_history *h)
{
	uint64_t cycle, prev_start = 0;
	int failed = 0, sig;

	for (cycle = 0; o->count == 0 || cycle < o->count; cycle++) {
		sigset_t halt;
		nkt_halt_signals(&halt);
		if ((sig = nkt_run_wait(o, cycle, prev_start, &halt)) != 0)
			return 128 + sig;
		if ((sig = one_cycle(o, s, h, &prev_start, &failed)) != 0)
			return 128 + sig;
	}
	return failed ? NKT_EXIT_FAIL : NKT_EXIT_OK;
}

struct nkt_history *nkt_run_history_open(const char *path,
					 struct nkt_err *err)
{
	struct nkt_history *h = nkt_history_open(path, 0, err);
	const char *as = nkt_priv_dropped_to();
	if (h == NULL && as != NULL && err->code == NKT_ESYS &&
	    strstr(err->msg, "--user") == NULL) {
		char msg[sizeof(err->msg)];
		snprintf(msg, sizeof(msg), "%s", err->msg);
		nkt_err_set(err, NKT_ESYS,
			    "%.300s (the history is opened as %s, after root "
			    "is dropped: --user USER, or a directory %s may "
			    "write)",
			    msg, as, as);
	}
	return h;
}

int nkt_cmd_run(int argc, char **argv)
{
	struct nkt_run_opts *o = nkt_xcalloc(1, sizeof(*o));
	struct nkt_err err = {0, ""};
	struct nkt_cmpsess *s = NULL;
	struct nkt_history *h = NULL;
	sigset_t block, old;
	int code;

	if (nkt_cli_run(argc, argv, o, &err) != NKT_OK) {
		code = nkt_fail("run", &err);
		goto out;
	}
	if (o->help) {
		fputs(nkt_cli_run_help, stdout);
		code = NKT_EXIT_OK;
		goto out;
	}
	nkt_cli_print_warnings("run", &o->c.out);
	if (o->c.progress < 0)
		o->c.progress = 0;
	/* Signals stop the wait between cycles; during a cycle the engine
	 * takes them. */
	nkt_halt_signals(&block);
	sigprocmask(SIG_BLOCK, &block, &old);
	if (o->n_atlas > 0) {
		code = nkt_run_atlas(o, &block);
		sigprocmask(SIG_SETMASK, &old, NULL);
		goto out;
	}
	s = nkt_cmpsess_open(&o->c, &err);
	/* Like compare's outputs, the history is opened as the unprivileged
	 * user (--user, $SUDO_USER or nobody), before any probe: under sudo
	 * the file belongs to the invoking user. */
	if (s == NULL || nkt_cmpsess_drop(s, &err) != NKT_OK ||
	    (h = nkt_run_history_open(o->db, &err)) == NULL)
		code = nkt_fail("run", &err);
	else {
		nkt_cmpsess_set_rediscover(s, o->rediscover_ns);
		if (o->c.discover)
			restore_found(h, s);
		code = cycles(o, s, h);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
out:
	nkt_history_close(h);
	nkt_cmpsess_close(s);
	free(o);
	return code;
}
