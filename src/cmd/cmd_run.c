// SPDX-License-Identifier: ISC
/*
 * cmd_run.c: `nktrace run`: scheduled measurement cycles (a compare each)
 * stored in the SQLite history, with change and outage detection.  One
 * cycle for a systemd timer or cron; --every for a long-running service.
 */
#include "cmd.h"
#include "cmd_common.h"
#include "compare_session.h"
#include "nktrace/cadence.h"
#include "nktrace/clock.h"
#include "nktrace/detect.h"
#include "nktrace/history.h"
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
#include <sys/random.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char help[] =
	"usage: nktrace run --db FILE [--every T [--count N]] [OPTIONS]\n"
	"\n"
	"Run measurement cycles (each one `nktrace compare`) and keep them in "
	"an\nSQLite history; compare each cycle with the previous ones and "
	"report\nchanges: a /24 moving between transits, a transit appearing "
	"or\ndisappearing, outages and recoveries, RTT level shifts, loss "
	"changes,\nnew border hops.\n"
	"\n"
	"      --db FILE       the history (created if missing)\n"
	"      --every T       keep running: the first cycle at once, the "
	"next ones\n"
	"                      at multiples of T (e.g. 15m: :00, :15, ...), "
	"at least\n"
	"                      T/2 after the previous start, plus up to 5% "
	"(at most\n"
	"                      30 s) of random delay\n"
	"      --count N       stop after N cycles (default: 1, or forever "
	"with\n"
	"                      --every)\n"
	"      --keep T        delete cycles older than T (e.g. 90d)\n"
	"      --rediscover T  with discovery (compare's --discover, the "
	"default):\n"
	"                      find the answering hosts again once the last "
	"search\n"
	"                      is older than T (6h); the hosts found are "
	"kept in\n"
	"                      the history, so cron runs share them\n"
	"      --events FILE   append every event to FILE, one JSON per line\n"
	"      --on-event CMD  run CMD (sh -c) for every event, with "
	"NKT_EVENT_KIND,\n"
	"                      NKT_EVENT_PREFIX, NKT_EVENT_TRANSIT, "
	"NKT_EVENT_MESSAGE\n"
	"                      in its environment and the event JSON on its "
	"stdin\n"
	"\n"
	"Every other option is compare's (nktrace compare --help).\n"
	"exit status: 0 every cycle stored, 1 a cycle failed or could not be\n"
	"stored, 2 usage error or no privilege, 128+N stopped by signal N.\n";

struct run_opts {
	const char *db, *events, *on_event;
	uint64_t every_ns, keep_ns, rediscover_ns;
	uint64_t count;
	int count_set;
	char **rest;
	int n_rest;
};

/* Take run's own options out of argv; the rest go to compare's parser. */
static int parse(int argc, char **argv, struct run_opts *o,
		 struct nkt_err *err)
{
	static const char *names[] = {"--db",	  "--every",  "--count",
				      "--keep",	  "--events", "--on-event",
				      "--rediscover"};
	int i;

	memset(o, 0, sizeof(*o));
	o->rediscover_ns = 6 * 3600 * NKT_NS_PER_S;
	o->rest = nkt_xcalloc((size_t)argc + 1, sizeof(*o->rest));
	o->rest[o->n_rest++] = (char *)"compare";
	for (i = 1; i < argc; i++) {
		const char *val = NULL, *eq = strchr(argv[i], '=');
		size_t k, len = eq ? (size_t)(eq - argv[i]) : strlen(argv[i]);
		for (k = 0; k < NKT_ARRAY_LEN(names); k++)
			if (strlen(names[k]) == len &&
			    strncmp(argv[i], names[k], len) == 0)
				break;
		if (k == NKT_ARRAY_LEN(names)) {
			o->rest[o->n_rest++] = argv[i];
			continue;
		}
		if (eq)
			val = eq + 1;
		else if (i + 1 < argc)
			val = argv[++i];
		else
			return nkt_err_set(err, NKT_EINVAL,
					   "option '%s' needs a value",
					   names[k]);
		switch (k) {
		case 0:
			o->db = val;
			break;
		case 1:
			if (nkt_parse_duration_ns(val, NKT_NS_PER_S,
						  NKT_NS_PER_S,
						  30 * 86400 * NKT_NS_PER_S,
						  &o->every_ns, "--every",
						  err) != NKT_OK)
				return NKT_EINVAL;
			break;
		case 2:
			if (nkt_parse_u64(val, 1, 1000000000, &o->count,
					  "--count", err) != NKT_OK)
				return NKT_EINVAL;
			o->count_set = 1;
			break;
		case 3:
			if (nkt_parse_duration_ns(val, 86400 * NKT_NS_PER_S,
						  60 * NKT_NS_PER_S,
						  100ULL * 365 * 86400 *
							  NKT_NS_PER_S,
						  &o->keep_ns, "--keep",
						  err) != NKT_OK)
				return NKT_EINVAL;
			break;
		case 4:
			o->events = val;
			break;
		case 5:
			o->on_event = val;
			break;
		default:
			if (nkt_parse_duration_ns(val, 3600 * NKT_NS_PER_S,
						  60 * NKT_NS_PER_S,
						  365 * 86400 * NKT_NS_PER_S,
						  &o->rediscover_ns,
						  "--rediscover",
						  err) != NKT_OK)
				return NKT_EINVAL;
			break;
		}
	}
	if (o->db == NULL || *o->db == '\0')
		return nkt_err_set(err, NKT_EINVAL, "--db FILE is required");
	if (!o->count_set)
		o->count = o->every_ns ? 0 : 1;
	if (o->count_set && o->count > 1 && !o->every_ns)
		return nkt_err_set(err, NKT_EINVAL, "--count needs --every");
	return NKT_OK;
}

/* Sleep until `at` (wall ns) unless SIGINT/SIGTERM (blocked) arrives;
 * returns the signal or 0. */
static int wait_until(uint64_t at)
{
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGINT);
	sigaddset(&s, SIGTERM);
	return nkt_clock_sleep_until(CLOCK_REALTIME, at, &s);
}

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
	printf("; %zu event%s\n", n_ev, n_ev == 1 ? "" : "s");
	for (i = 0; i < n_ev; i++)
		printf("  event %s: %s\n", ev[i].kind, ev[i].message);
	fflush(stdout);
}

int nkt_cmd_run(int argc, char **argv)
{
	struct nkt_compare_opts *co = nkt_xcalloc(1, sizeof(*co));
	struct run_opts ro;
	struct nkt_err err = {0, ""};
	struct nkt_cmpsess *s = NULL;
	struct nkt_history *h = NULL;
	sigset_t block, old;
	uint64_t cycle, prev_start = 0;
	int code = NKT_EXIT_OK, i;

	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0) {
			fputs(help, stdout);
			free(co);
			return NKT_EXIT_OK;
		}
	memset(&ro, 0, sizeof(ro));
	if (parse(argc, argv, &ro, &err) != NKT_OK ||
	    nkt_cli_compare(ro.n_rest, ro.rest, co, &err) != NKT_OK) {
		code = nkt_fail("run", &err);
		goto out;
	}
	if (co->json_out != NULL || co->traces_out != NULL) {
		nkt_err_set(&err, NKT_EINVAL,
			    "run keeps summaries and traces in --db (use "
			    "nktrace report)");
		code = nkt_fail("run", &err);
		goto out;
	}
	if (co->progress < 0)
		co->progress = 0;
	/* Signals stop the wait between cycles; during a cycle the engine
	 * takes them. */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &old);

	s = nkt_cmpsess_open(co, &err);
	if (s == NULL || nkt_cmpsess_drop(s, &err) != NKT_OK) {
		code = nkt_fail("run", &err);
		goto out;
	}
	/* Like compare's outputs, the history is opened as the unprivileged
	 * user (--user, $SUDO_USER or nobody), before any probe: under sudo
	 * the file belongs to the invoking user. */
	h = nkt_history_open(ro.db, 0, &err);
	if (h == NULL) {
		code = nkt_fail("run", &err);
		goto out;
	}
	nkt_cmpsess_set_rediscover(s, ro.rediscover_ns);
	if (co->discover) {
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
	for (cycle = 0; ro.count == 0 || cycle < ro.count; cycle++) {
		struct nkt_cmp_cycle c;
		struct nkt_cycle_record rec;
		struct nkt_hist_cycle cur, *prev = NULL;
		struct nkt_event *ev = NULL;
		size_t n_prev = 0, n_ev = 0, n_traces = 0;
		char *traces = NULL;
		size_t traces_len = 0;
		FILE *tf;
		int64_t run = 0;
		int rc, sig = 0;

		if (ro.every_ns && cycle > 0) {
			uint64_t rnd = 0, next;
			if (getrandom(&rnd, sizeof(rnd), 0) !=
			    (ssize_t)sizeof(rnd))
				rnd = 0;
			next = nkt_cadence_next(ro.every_ns, prev_start,
						nkt_clock_wall_ns(), rnd);
			sig = wait_until(next);
			if (sig) {
				code = 128 + sig;
				break;
			}
		}
		tf = open_memstream(&traces, &traces_len);
		memset(&rec, 0, sizeof(rec));
		rc = nkt_cmpsess_cycle(s, tf, &c, &err);
		fclose(tf);
		for (size_t k = 0; k < traces_len; k++)
			n_traces += traces[k] == '\n';
		prev_start = c.start_ns;
		rec.start = (int64_t)(c.start_ns / NKT_NS_PER_S);
		rec.end = (int64_t)(c.end_ns / NKT_NS_PER_S);
		rec.keep_s = (int64_t)(ro.keep_ns / NKT_NS_PER_S);
		if (rc != NKT_OK) {
			rec.status = "failed";
			rec.error = err.msg;
			code = NKT_EXIT_FAIL;
			fprintf(stderr, "nktrace run: cycle failed: %s\n",
				err.msg);
		} else {
			rec.status = c.run.signal ? "interrupted" : "ok";
			rec.res = &c.res;
			rec.summary = c.summary;
			rec.traces = traces;
			rec.traces_len = traces_len;
			rec.n_traces = n_traces;
			rec.probes = c.run.sched.sent;
			rec.observations = c.n_obs;
			rec.targets = c.res.targets;
			rec.dropped = c.run.capture.drop + c.run.ring_drops;
			if (!c.run.signal) {
				nkt_hist_from_result(&c.res, NULL, 0,
						     rec.start, &cur);
				if (nkt_history_recent(h, 0, 6, &prev, &n_prev,
						       &err) == NKT_OK)
					nkt_detect(&cur, prev, n_prev, &ev,
						   &n_ev);
				else
					fprintf(stderr, "nktrace run: %s\n",
						err.msg);
				nkt_hist_cycle_free(&cur);
				nkt_hist_cycles_free(prev, n_prev);
			}
			rec.events = ev;
			rec.n_events = n_ev;
			if (c.discovered) {
				const uint32_t *f;
				uint64_t when;
				nkt_cmpsess_found(s, &f, &rec.n_found, &when);
				rec.found = f;
				rec.found_time = (int64_t)(when / NKT_NS_PER_S);
			}
		}
		if (nkt_history_store(h, &rec, &run, &err) != NKT_OK) {
			fprintf(stderr, "nktrace run: %s\n", err.msg);
			code = NKT_EXIT_FAIL;
		} else if (rc == NKT_OK) {
			print_cycle(run, &c, rec.status, ev, n_ev);
			if (ro.events != NULL && n_ev > 0)
				append_events(ro.events, ev, n_ev, rec.end,
					      run);
			for (size_t k = 0; ro.on_event != NULL && k < n_ev;
			     k++)
				hook(ro.on_event, &ev[k], rec.end, run);
		}
		sig = c.run.signal;
		free(ev);
		free(traces);
		nkt_cmp_cycle_free(&c);
		if (sig) {
			code = 128 + sig;
			break;
		}
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
out:
	nkt_history_close(h);
	nkt_cmpsess_close(s);
	free(ro.rest);
	free(co);
	return code;
}
