// SPDX-License-Identifier: ISC
/*
 * cmd_sweep.c: `nktrace sweep`: every (target, TTL) of large target sets
 * at a steady high rate, yarrp-style (the walk, encoding and matching are
 * sweep.c's).  Two threads: this one paces and writes probes (one raw
 * socket, batches with sendmmsg, nothing allocated per probe); the
 * capture thread decodes and matches replies into the result table it
 * owns.  The one thing they share is the send-time table: the sender
 * stores a probe's time (release) before writing it, the capture loads it
 * (acquire) when its reply comes.
 */
#include "cmd.h"
#include "cmd_common.h"
#include "nktrace/datafile.h"
#include "nktrace/clock.h"
#include "nktrace/inet.h"
#include "nktrace/capture.h"
#include "nktrace/sender.h"
#include "nktrace/netinfo.h"
#include "nktrace/outfile.h"
#include "nktrace/out_atlas.h"
#include "nktrace/priv.h"
#include "nktrace/sweep.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH_MAX 256
#define PROBES_MAX (64ULL << 20)

static const char help[] =
	"usage: nktrace sweep [OPTIONS] TARGET... | -f FILE\n"
	"\n"
	"Probe every TTL of every target once, at a steady rate, in a keyed "
	"random\norder over all (target, TTL) pairs so that no router sees a "
	"burst (the way\nyarrp does): ICMP echo requests, Paris-style (constant "
	"identifier and\nchecksum per target), matched statelessly by keyed "
	"fields.  TARGETs are\naddresses or prefixes (every address of a "
	"prefix).\n"
	"\n"
	"  -f, --file FILE      targets from FILE (one per line, # comments)\n"
	"      --first-ttl N    first TTL (1)\n"
	"  -m, --max-ttl N      last TTL (16)\n"
	"  -r, --rate PPS       probes per second (1000; up to 10000000)\n"
	"  -w, --wait T         wait this long for replies after the last "
	"probe (2s)\n"
	"      --batch N        probes per sendmmsg call (64)\n"
	"      --src ADDR       source address (default: the route's)\n"
	"      --seed N         fixed key: the same order and probes again\n"
	"      --out FILE       one trace per target, RIPE Atlas JSON per "
	"line\n"
	"      --json FILE      the summary as JSON\n"
	"      --pcap-buffer N  capture ring, bytes (16 MB: 1 s of replies at\n"
	"                       100,000 probes/s)\n"
	"      --user USER      drop to USER after opening the sockets\n"
	"  -q, --quiet          no summary on standard output\n"
	"\n"
	"At most 67108864 probes per sweep (targets x TTLs).  Memory: 16 bytes "
	"per\nprobe.\n"
	"exit status: 0 ok, 1 runtime failure, 2 usage error or no privilege, "
	"128+N\nstopped by signal N (the summary covers what was sent).\n";

struct sweep_opts {
	struct nkt_targets t;
	const char *out, *json, *user, *src;
	uint64_t rate, wait_ns, seed, pcap_buffer;
	unsigned batch;
	uint8_t first_ttl, max_ttl;
	int have_seed, quiet;
};

/* One probe's answer (owned by the capture thread). */
struct result {
	uint32_t from;
	uint32_t rtt_us;
	uint8_t kind; /* enum nkt_sweep_kind, 0 = none */
	uint8_t code, reply_ttl, dups;
};

struct sweep {
	struct nkt_sweep_plan plan;
	struct nkt_capture *cap;
	_Atomic uint32_t *tx_us; /* send time + 1, us since start; 0 unsent */
	struct result *res;
	uint64_t start_us;
	atomic_int stop;
	/* capture thread's counters */
	uint64_t matched, invalid, ignored, dups, late;
	uint64_t by_kind[5];
};

static void on_reply(void *ctx, const struct nkt_reply *r, uint64_t ts_ns)
{
	struct sweep *s = ctx;
	uint64_t probe;
	uint32_t tx;
	int kind, rc = nkt_sweep_match(&s->plan, r, &probe, &kind);
	struct result *x;

	if (rc == NKT_EIGNORE) {
		s->ignored++;
		return;
	}
	if (rc != NKT_OK) {
		s->invalid++;
		return;
	}
	tx = atomic_load_explicit(&s->tx_us[probe], memory_order_acquire);
	if (tx == 0) {
		/* An answer to a probe not sent yet: another run's, replayed
		 * or forged with our key's fields. */
		s->invalid++;
		return;
	}
	x = &s->res[probe];
	if (x->kind != 0) {
		if (x->dups < 255)
			x->dups++;
		s->dups++;
		return;
	}
	x->from = r->src;
	x->kind = (uint8_t)kind;
	x->code = r->icmp_code;
	x->reply_ttl = r->ttl;
	{
		uint64_t rx_us = ts_ns / 1000, sent = s->start_us + tx - 1;
		x->rtt_us = rx_us > sent ? (uint32_t)(rx_us - sent) : 0;
	}
	s->matched++;
	s->by_kind[kind]++;
}

static void *capture_main(void *arg)
{
	struct sweep *s = arg;
	sigset_t all;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	while (!atomic_load(&s->stop)) {
		/* Kernel timestamps make the RTTs; reading the ring a little
		 * later only batches the wake-ups (at 100,000 replies/s one
		 * wake-up per reply costs more than matching them). */
		struct timespec nap = {0, 200000};
		if (nkt_capture_dispatch(s->cap, on_reply, s) < 0 &&
		    atomic_load(&s->stop))
			break;
		nanosleep(&nap, NULL);
	}
	return NULL;
}

static int pending_signal(void)
{
	sigset_t set;
	struct timespec zero = {0, 0};
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	return sigtimedwait(&set, NULL, &zero) > 0 ? 1 : 0;
}

/* Sleep until the monotonic time `at`; returns the signal that came
 * meanwhile, or 0. */
static int sleep_until(uint64_t at)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	return nkt_clock_sleep_until(CLOCK_MONOTONIC, at, &set);
}

struct send_stats {
	uint64_t sent, errors, retries;
	int signal, errno_first;
	double seconds;
};

/* Pace and write every probe of the plan. */
static void send_all(struct sweep *s, int fd, const uint8_t *tmpl,
		     const struct sweep_opts *o, struct send_stats *st)
{
	uint8_t buf[BATCH_MAX][NKT_SWEEP_SIZE];
	struct mmsghdr msg[BATCH_MAX];
	struct iovec iov[BATCH_MAX];
	struct sockaddr_in to[BATCH_MAX];
	uint64_t probe[BATCH_MAX], pos = 0, t0 = nkt_clock_mono_ns();
	double ns_per_probe = 1e9 / (double)o->rate;
	unsigned n, i;

	memset(msg, 0, sizeof(msg));
	for (i = 0; i < o->batch; i++) {
		iov[i].iov_base = buf[i];
		iov[i].iov_len = NKT_SWEEP_SIZE;
		msg[i].msg_hdr.msg_iov = &iov[i];
		msg[i].msg_hdr.msg_iovlen = 1;
		msg[i].msg_hdr.msg_name = &to[i];
		msg[i].msg_hdr.msg_namelen = sizeof(to[i]);
		memset(&to[i], 0, sizeof(to[i]));
		to[i].sin_family = AF_INET;
	}
	for (;;) {
		uint32_t tx;
		unsigned done = 0;
		int sig;
		for (n = 0; n < o->batch && nkt_sweep_next(&s->plan, &pos,
							  &probe[n]);
		     n++) {
			memcpy(buf[n], tmpl, NKT_SWEEP_SIZE);
			nkt_sweep_encode(&s->plan, probe[n], buf[n]);
			to[n].sin_addr.s_addr =
				htonl(nkt_sweep_target(&s->plan, probe[n]));
		}
		if (n == 0)
			break;
		/* The batch leaves when its first probe is due. */
		sig = sleep_until(t0 + (uint64_t)((double)st->sent *
						   ns_per_probe));
		if (sig == 0 && (st->sent & 0xfff) < n)
			sig = pending_signal();
		if (sig) {
			st->signal = sig;
			break;
		}
		tx = (uint32_t)(nkt_clock_wall_ns() / 1000 - s->start_us) + 1;
		for (i = 0; i < n; i++)
			atomic_store_explicit(&s->tx_us[probe[i]], tx,
					      memory_order_release);
		while (done < n) {
			int k = sendmmsg(fd, msg + done, n - done, 0);
			if (k > 0) {
				done += (unsigned)k;
				continue;
			}
			if (errno == ENOBUFS || errno == EAGAIN ||
			    errno == EINTR) {
				/* The interface queue is full: back off
				 * briefly, then write the rest. */
				struct timespec ts = {0, 20000};
				st->retries++;
				nanosleep(&ts, NULL);
				continue;
			}
			/* This probe cannot be sent (no route, filtered):
			 * count it and go on with the rest. */
			if (st->errno_first == 0)
				st->errno_first = errno;
			st->errors++;
			atomic_store_explicit(&s->tx_us[probe[done]], 0,
					      memory_order_release);
			done++;
		}
		st->sent += n;
	}
	st->seconds = (double)(nkt_clock_mono_ns() - t0) / 1e9;
}

static int parse(int argc, char **argv, struct sweep_opts *o,
		 struct nkt_err *err)
{
	static const struct option longopts[] = {
		{"file", required_argument, NULL, 'f'},
		{"first-ttl", required_argument, NULL, 'F'},
		{"max-ttl", required_argument, NULL, 'm'},
		{"rate", required_argument, NULL, 'r'},
		{"wait", required_argument, NULL, 'w'},
		{"batch", required_argument, NULL, 'B'},
		{"src", required_argument, NULL, 'S'},
		{"seed", required_argument, NULL, 's'},
		{"out", required_argument, NULL, 'o'},
		{"json", required_argument, NULL, 'j'},
		{"pcap-buffer", required_argument, NULL, 'P'},
		{"user", required_argument, NULL, 'u'},
		{"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	uint64_t v;
	int c, i;

	memset(o, 0, sizeof(*o));
	o->first_ttl = 1;
	o->max_ttl = 16;
	o->rate = 1000;
	o->wait_ns = 2 * NKT_NS_PER_S;
	o->batch = 64;
	o->pcap_buffer = 16u << 20;
	o->t.max = NKT_TARGETS_MAX;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":f:m:r:w:qh", longopts, NULL)) !=
	       -1) {
		switch (c) {
		case 'f': {
			char *buf;
			size_t len;
			if (nkt_read_file(optarg, &buf, &len, err) != NKT_OK) {
				err->code = NKT_EINVAL;
				return NKT_EINVAL;
			}
			if (nkt_targets_add_text(&o->t, buf, len, optarg,
						 err) != NKT_OK) {
				free(buf);
				return NKT_EINVAL;
			}
			free(buf);
			break;
		}
		case 'F':
		case 'm':
			if (nkt_parse_u64(optarg, 1, 255, &v,
					  c == 'F' ? "--first-ttl"
						   : "--max-ttl",
					  err) != NKT_OK)
				return NKT_EINVAL;
			if (c == 'F')
				o->first_ttl = (uint8_t)v;
			else
				o->max_ttl = (uint8_t)v;
			break;
		case 'r':
			if (nkt_parse_u64(optarg, 1, 10000000, &o->rate,
					  "--rate", err) != NKT_OK)
				return NKT_EINVAL;
			break;
		case 'w':
			if (nkt_parse_duration_ns(optarg, NKT_NS_PER_S, 0,
						  600 * NKT_NS_PER_S,
						  &o->wait_ns, "--wait",
						  err) != NKT_OK)
				return NKT_EINVAL;
			break;
		case 'B':
			if (nkt_parse_u64(optarg, 1, BATCH_MAX, &v, "--batch",
					  err) != NKT_OK)
				return NKT_EINVAL;
			o->batch = (unsigned)v;
			break;
		case 'S':
			o->src = optarg;
			break;
		case 's':
			if (nkt_parse_u64(optarg, 0, UINT64_MAX, &o->seed,
					  "--seed", err) != NKT_OK)
				return NKT_EINVAL;
			o->have_seed = 1;
			break;
		case 'o':
			o->out = optarg;
			break;
		case 'j':
			o->json = optarg;
			break;
		case 'P':
			if (nkt_parse_u64(optarg, 1u << 20, 1u << 30,
					  &o->pcap_buffer, "--pcap-buffer",
					  err) != NKT_OK)
				return NKT_EINVAL;
			break;
		case 'u':
			o->user = optarg;
			break;
		case 'q':
			o->quiet = 1;
			break;
		case 'h':
			return 1;
		default:
			return nkt_cli_getopt_error(c, argv, err);
		}
	}
	for (i = optind; i < argc; i++)
		if (nkt_targets_add_arg(&o->t, argv[i], err) != NKT_OK)
			return NKT_EINVAL;
	if (o->max_ttl < o->first_ttl)
		return nkt_err_set(err, NKT_EINVAL,
				   "--max-ttl %u is below --first-ttl %u",
				   o->max_ttl, o->first_ttl);
	if (o->t.n == 0)
		return nkt_err_set(err, NKT_EINVAL,
				   "no targets (give addresses, prefixes or "
				   "-f FILE)");
	return NKT_OK;
}

static int cmp_u32(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
	return a < b ? -1 : a > b;
}

/* One target's probes as a trace, for --out. */
static int write_target(FILE *f, const struct sweep *s, size_t t,
			uint32_t src)
{
	struct nkt_trace tr;
	unsigned k;
	int rc;

	memset(&tr, 0, sizeof(tr));
	tr.flow.method = NKT_METHOD_ICMP;
	tr.flow.src = src;
	tr.flow.dst = s->plan.targets[t];
	tr.flow.paris_id = 1;
	tr.flow.size = NKT_SWEEP_SIZE;
	tr.first_ttl = s->plan.first_ttl;
	tr.max_ttl = s->plan.last_ttl;
	tr.attempts = 1;
	tr.stop_reason = NKT_STOP_HOPLIMIT;
	tr.stop_hop = s->plan.last_ttl;
	for (k = 0; k < s->plan.ttls; k++) {
		uint64_t p = (uint64_t)t * s->plan.ttls + k;
		const struct result *x = &s->res[p];
		struct nkt_hop_reply *h = nkt_trace_add(&tr);
		uint32_t txv = atomic_load(&s->tx_us[p]);
		h->ttl = (uint8_t)(s->plan.first_ttl + k);
		h->attempt = 1;
		h->tx_ns = txv ? (s->start_us + txv - 1) * 1000 : 0;
		tr.sent += txv != 0;
		if (tr.start_ns == 0 || (h->tx_ns && h->tx_ns < tr.start_ns))
			tr.start_ns = h->tx_ns;
		if (x->kind == 0)
			continue;
		tr.replies++;
		/* The send time is the sender's clock: sweep does not capture
		 * its own probes (rtt_src "clock"). */
		h->flags = NKT_PF_REPLY | NKT_PF_RTT_CLOCK;
		h->from = x->from;
		h->rtt_ns = (uint64_t)x->rtt_us * 1000;
		h->reply_ttl = x->reply_ttl;
		h->icmp_code = x->code;
		h->kind = x->kind == NKT_SWEEP_ECHO_REPLY  ? NKT_REPLY_ECHO_REPLY
			  : x->kind == NKT_SWEEP_UNREACH ? NKT_REPLY_UNREACH
			  : x->kind == NKT_SWEEP_OTHER	 ? NKT_REPLY_OTHER_ICMP
							 : NKT_REPLY_TTL_EXCEEDED;
		h->icmp_type = h->kind == NKT_REPLY_ECHO_REPLY ? 0
			       : h->kind == NKT_REPLY_UNREACH  ? 3
							       : 11;
		h->quoted_ttl = 1;
		if (h->tx_ns + h->rtt_ns > tr.end_ns)
			tr.end_ns = h->tx_ns + h->rtt_ns;
		if (h->kind != NKT_REPLY_TTL_EXCEEDED) {
			tr.stop_reason = h->from == tr.flow.dst
						 ? NKT_STOP_COMPLETED
						 : NKT_STOP_UNREACH;
			tr.stop_hop = h->ttl;
			break;
		}
	}
	rc = nkt_atlas_write(f, &tr, NULL);
	free(tr.r);
	return rc;
}

int nkt_cmd_sweep(int argc, char **argv)
{
	struct sweep_opts o;
	struct sweep s;
	struct nkt_err err = {0, ""};
	struct nkt_key key;
	struct send_stats st;
	struct nkt_capture_stats cst;
	struct nkt_outfile out, js;
	int code = NKT_EXIT_OK, fd = -1, out_open = 0, js_open = 0, one = 1;
	int thread = 0, rc;
	uint8_t tmpl[NKT_SWEEP_SIZE];
	uint32_t src = 0;
	pthread_t th;
	sigset_t block;
	uint64_t reached = 0, routers = 0;
	size_t i;
	unsigned k;

	memset(&s, 0, sizeof(s));
	memset(&st, 0, sizeof(st));
	rc = parse(argc, argv, &o, &err);
	if (rc == 1) {
		fputs(help, stdout);
		nkt_targets_free(&o.t);
		return NKT_EXIT_OK;
	}
	if (rc != NKT_OK) {
		code = nkt_fail("sweep", &err);
		goto out;
	}
	nkt_targets_dedup(&o.t);
	qsort(o.t.addr, o.t.n, sizeof(*o.t.addr), cmp_u32);
	if ((uint64_t)o.t.n * (unsigned)(o.max_ttl - o.first_ttl + 1) >
	    PROBES_MAX) {
		nkt_err_set(&err, NKT_EINVAL,
			    "%zu targets x %u TTLs is more than %llu probes; "
			    "split the sweep",
			    o.t.n, o.max_ttl - o.first_ttl + 1,
			    (unsigned long long)PROBES_MAX);
		code = nkt_fail("sweep", &err);
		goto out;
	}
	if (o.have_seed)
		key = nkt_key_from_seed(o.seed);
	else if (getentropy(&key, sizeof(key)) != 0) {
		nkt_err_set(&err, NKT_ESYS, "getentropy: %s", strerror(errno));
		code = nkt_fail("sweep", &err);
		goto out;
	}
	if (nkt_sweep_plan_init(&s.plan, o.t.addr, o.t.n, o.first_ttl,
				o.max_ttl, &key, &err) != NKT_OK) {
		code = nkt_fail("sweep", &err);
		goto out;
	}
	if (o.src != NULL) {
		if (nkt_inet_parse(o.src, &src) != NKT_OK) {
			nkt_err_set(&err, NKT_EINVAL, "--src '%s' is not an "
						      "IPv4 address",
				    o.src);
			code = nkt_fail("sweep", &err);
			goto out;
		}
	} else if (nkt_net_route_src(o.t.addr[0], &src, &err) != NKT_OK) {
		code = nkt_fail("sweep", &err);
		goto out;
	}

	/* Privileged: the raw socket and the capture; then drop. */
	if (nkt_priv_check_raw(&err) != NKT_OK) {
		code = nkt_fail("sweep", &err);
		goto out;
	}
	fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
	if (fd < 0) {
		nkt_err_set(&err, errno == EPERM ? NKT_EPRIV : NKT_ESYS,
			    "raw socket: %s", strerror(errno));
		code = nkt_fail("sweep", &err);
		goto out;
	}
	setsockopt(fd, IPPROTO_IP, IP_HDRINCL, &one, sizeof(one));
	{
		int sndbuf = 4 << 20;
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
	}
	s.cap = nkt_capture_open_icmp(&src, 1, (size_t)o.pcap_buffer, &err);
	if (s.cap == NULL) {
		code = nkt_fail("sweep", &err);
		goto out;
	}
	if (nkt_priv_drop(o.user ? o.user : nkt_priv_default_user(), &err) !=
	    NKT_OK) {
		code = nkt_fail("sweep", &err);
		goto out;
	}
	if (o.out != NULL) {
		if (nkt_outfile_open(&out, o.out, &err) != NKT_OK) {
			code = nkt_fail("sweep", &err);
			goto out;
		}
		out_open = 1;
	}
	if (o.json != NULL) {
		if (nkt_outfile_open(&js, o.json, &err) != NKT_OK) {
			code = nkt_fail("sweep", &err);
			goto out;
		}
		js_open = 1;
	}
	s.tx_us = nkt_xcalloc(s.plan.probes, sizeof(*s.tx_us));
	s.res = nkt_xcalloc(s.plan.probes, sizeof(*s.res));
	nkt_sweep_template(src, tmpl);

	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &block, NULL);
	s.start_us = nkt_clock_wall_ns() / 1000;
	if (pthread_create(&th, NULL, capture_main, &s) != 0) {
		nkt_err_set(&err, NKT_ESYS, "cannot start the capture thread");
		code = nkt_fail("sweep", &err);
		goto out;
	}
	thread = 1;
	send_all(&s, fd, tmpl, &o, &st);
	if (!st.signal) {
		int sig = sleep_until(nkt_clock_mono_ns() + o.wait_ns);
		if (sig)
			st.signal = sig;
	}
	atomic_store(&s.stop, 1);
	nkt_capture_stop(s.cap);
	pthread_join(th, NULL);
	thread = 0;
	nkt_capture_stats(s.cap, &cst);

	for (i = 0; i < s.plan.n_targets; i++)
		for (k = 0; k < s.plan.ttls; k++)
			if (s.res[i * s.plan.ttls + k].kind ==
				    NKT_SWEEP_ECHO_REPLY ||
			    (s.res[i * s.plan.ttls + k].kind != 0 &&
			     s.res[i * s.plan.ttls + k].from ==
				     s.plan.targets[i])) {
				reached++;
				break;
			}
	{
		/* Distinct router addresses: sort a copy of the TE sources. */
		uint32_t *r = nkt_xcalloc(s.by_kind[NKT_SWEEP_TTL_EXCEEDED] + 1,
					  sizeof(*r));
		size_t n = 0;
		uint64_t p;
		for (p = 0; p < s.plan.probes; p++)
			if (s.res[p].kind == NKT_SWEEP_TTL_EXCEEDED)
				r[n++] = s.res[p].from;
		qsort(r, n, sizeof(*r), cmp_u32);
		for (i = 0; i < n; i++)
			routers += i == 0 || r[i] != r[i - 1];
		free(r);
	}
	if (!o.quiet) {
		double pps = st.seconds > 0 ? (double)st.sent / st.seconds : 0;
		printf("nktrace sweep: %zu targets x %u TTLs = %llu probes; "
		       "sent %llu in %.2f s (%.0f probes/s)%s\n",
		       s.plan.n_targets, s.plan.ttls,
		       (unsigned long long)s.plan.probes,
		       (unsigned long long)st.sent, st.seconds, pps,
		       st.signal ? ", stopped by a signal" : "");
		printf("replies matched: %llu (%.2f%% of probes sent): %llu "
		       "time exceeded, %llu echo replies, %llu unreachable, "
		       "%llu other\n",
		       (unsigned long long)s.matched,
		       st.sent ? 100.0 * (double)s.matched / (double)st.sent
			       : 0.0,
		       (unsigned long long)s.by_kind[NKT_SWEEP_TTL_EXCEEDED],
		       (unsigned long long)s.by_kind[NKT_SWEEP_ECHO_REPLY],
		       (unsigned long long)s.by_kind[NKT_SWEEP_UNREACH],
		       (unsigned long long)s.by_kind[NKT_SWEEP_OTHER]);
		printf("not matched: %llu duplicates, %llu failed the keyed "
		       "checks, %llu not about our targets; send errors %llu%s%s"
		       "\n",
		       (unsigned long long)s.dups,
		       (unsigned long long)s.invalid,
		       (unsigned long long)s.ignored,
		       (unsigned long long)st.errors,
		       st.errno_first ? " (first: " : "",
		       st.errno_first ? strerror(st.errno_first) : "");
		printf("targets reached: %llu of %zu; distinct router "
		       "addresses: %llu; capture: %llu frames, %llu dropped "
		       "by the kernel\n",
		       (unsigned long long)reached, s.plan.n_targets,
		       (unsigned long long)routers,
		       (unsigned long long)cst.recv,
		       (unsigned long long)cst.drop);
	}
	if (js_open) {
		struct rusage ru;
		json_t *j;
		getrusage(RUSAGE_SELF, &ru);
		j = json_pack(
			"{s:s,s:I,s:I,s:I,s:I,s:f,s:f,s:I,s:I,s:I,s:I,s:I,s:I,"
			"s:I,s:I,s:I,s:I,s:I,s:I,s:f,s:i}",
			"type", "sweep", "targets", (json_int_t)s.plan.n_targets,
			"ttls", (json_int_t)s.plan.ttls, "probes",
			(json_int_t)s.plan.probes, "sent", (json_int_t)st.sent,
			"seconds", st.seconds, "probes_per_s",
			st.seconds > 0 ? (double)st.sent / st.seconds : 0.0,
			"matched", (json_int_t)s.matched, "time_exceeded",
			(json_int_t)s.by_kind[NKT_SWEEP_TTL_EXCEEDED],
			"echo_replies",
			(json_int_t)s.by_kind[NKT_SWEEP_ECHO_REPLY],
			"unreachable", (json_int_t)s.by_kind[NKT_SWEEP_UNREACH],
			"duplicates", (json_int_t)s.dups, "invalid",
			(json_int_t)s.invalid, "ignored", (json_int_t)s.ignored,
			"send_errors", (json_int_t)st.errors, "reached",
			(json_int_t)reached, "routers", (json_int_t)routers,
			"capture_frames", (json_int_t)cst.recv,
			"capture_dropped", (json_int_t)cst.drop,
			"cpu_seconds",
			(double)ru.ru_utime.tv_sec + (double)ru.ru_stime.tv_sec +
				((double)ru.ru_utime.tv_usec +
				 (double)ru.ru_stime.tv_usec) /
					1e6,
			"interrupted", st.signal);
		rc = json_dumpf(j, js.f, NKT_JSON_FLAGS);
		json_decref(j);
		js_open = 0;
		if (rc != 0 || fputc('\n', js.f) == EOF) {
			nkt_outfile_abort(&js);
			nkt_err_set(&err, NKT_ESYS, "writing %s failed", o.json);
			code = nkt_fail("sweep", &err);
		} else if (nkt_outfile_commit(&js, &err) != NKT_OK)
			code = nkt_fail("sweep", &err);
	}
	if (out_open) {
		out_open = 0;
		for (i = 0; i < s.plan.n_targets; i++)
			if (write_target(out.f, &s, i, src) != 0)
				break;
		if (i < s.plan.n_targets) {
			nkt_outfile_abort(&out);
			nkt_err_set(&err, NKT_ESYS, "writing %s failed", o.out);
			code = nkt_fail("sweep", &err);
		} else if (nkt_outfile_commit(&out, &err) != NKT_OK)
			code = nkt_fail("sweep", &err);
	}
	if (st.errors > 0 && st.errors == st.sent && code == NKT_EXIT_OK) {
		fprintf(stderr, "nktrace sweep: no probe could be sent: %s\n",
			strerror(st.errno_first));
		code = NKT_EXIT_FAIL;
	}
	if (st.signal && code == NKT_EXIT_OK)
		code = 128 + st.signal;
out:
	if (thread) {
		atomic_store(&s.stop, 1);
		nkt_capture_stop(s.cap);
		pthread_join(th, NULL);
	}
	if (out_open)
		nkt_outfile_abort(&out);
	if (js_open)
		nkt_outfile_abort(&js);
	nkt_capture_close(s.cap);
	if (fd >= 0)
		close(fd);
	free(s.tx_us);
	free(s.res);
	nkt_targets_free(&o.t);
	return code;
}
