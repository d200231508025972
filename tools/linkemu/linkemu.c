// SPDX-License-Identifier: ISC
/*
 * nkt-linkemu: per-link one-way delay, jitter and loss for the nktrace lab on
 * kernels without sch_netem, plus the lab hosts' listening TCP ports.
 *
 * It binds NFQUEUE queues inside the lab's network namespaces (the lab's
 * iptables rules send each link's egress packets to a queue) and holds every
 * packet's verdict for that link's configured delay; a lost packet gets
 * NF_DROP.  It never builds or sends a packet itself.  One process serves a
 * whole lab: sockets are opened after setns() into each namespace and keep
 * belonging to it.
 *
 * Config file (re-read on SIGHUP), one directive per line:
 *   generation N
 *   seed N
 *   queue NETNS_PATH QNUM DELAY_US JITTER_US LOSS [ge P_GB P_BG LOSS_BAD]
 *   listen NETNS_PATH IPV4 PORT
 * LOSS is a probability per packet; with "ge" the queue loses in bursts
 * instead (Gilbert-Elliott: a good state that loses LOSS, a bad one that
 * loses LOSS_BAD, entered with probability P_GB per packet and left with
 * P_BG).
 * Jitter is uniform in [-JITTER_US, +JITTER_US]; packets of one queue keep
 * their order (a later packet never leaves before an earlier one), as on a
 * real link.  The status file is rewritten every second and after each
 * reload: "generation N", then one "queue ..." line with counters per queue.
 *
 * It asks for real-time scheduling (SCHED_FIFO): a packet's verdict is
 * released from this process, and the kernel forwards it on in the same
 * context, so on a busy machine a normal-priority helper would add the
 * wait for a CPU to every emulated link (milliseconds, seen on a 2-core
 * VM with one core busy).  Where that is refused it runs as it is and says
 * so in the status file ("rt 0").
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libnetfilter_queue/libnetfilter_queue.h>
#include <linux/netfilter.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_NS 64
#define MAX_QUEUES 256
#define MAX_LISTEN 256

struct emu_ns {
	char path[256];
	struct nfq_handle *h;
	int fd;
};

struct emu_queue {
	int ns;
	unsigned qnum;
	struct nfq_q_handle *qh;
	uint64_t delay_ns, jitter_ns;
	double loss;
	int ge, bad;             /* Gilbert-Elliott, and its state */
	double p_gb, p_bg, loss_bad;
	uint64_t last_due_ns;
	uint64_t packets, dropped, held_max;
	int live; /* still in the config */
};

struct emu_held {
	uint64_t due_ns;
	uint64_t seq;  /* arrival order: ties in due_ns go out in it */
	uint32_t id;
	struct emu_queue *q;
};

static struct emu_ns nss[MAX_NS];
static int n_ns;
static struct emu_queue queues[MAX_QUEUES];
static int n_queues;
static int listen_fd[MAX_LISTEN];
static int n_listen;
static struct emu_held *heap;
static size_t heap_len, heap_cap;
static uint64_t rng_state = 0x853c49e6748fea9bULL;
static uint64_t generation;
static uint64_t enobufs;
static int realtime;
/*
 * How late ppoll() wakes us, as an EWMA in ns.  Packets are released that
 * much early so the delay a packet sees is the configured one, not the
 * configured one plus the host's timer latency (tens of us on a VM, summed
 * over every link of a path).
 */
static uint64_t lateness_ns;
static int home_ns_fd = -1;
static const char *config_path, *status_path;
static volatile sig_atomic_t got_hup, got_term;

static void die(const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "nkt-linkemu: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* splitmix64: small, seedable, good enough for loss and jitter draws. */
static uint64_t rng_next(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static double rng_unit(void)
{
	return (double)(rng_next() >> 11) * (1.0 / 9007199254740992.0);
}

/* Whether held packet a leaves before b: by due time, and packets due at
 * once (a queue's jitter clamped to its previous packet's due time) in the
 * order they came.  A heap alone is not stable: without the tie-break, a
 * SYN released with the prober's RST could overtake it and find the host
 * still in SYN_RECV. */
static int held_before(const struct emu_held *a, const struct emu_held *b)
{
	return a->due_ns != b->due_ns ? a->due_ns < b->due_ns : a->seq < b->seq;
}

static void heap_push(struct emu_held e)
{
	static uint64_t next_seq;
	size_t i;
	if (heap_len == heap_cap) {
		heap_cap = heap_cap ? heap_cap * 2 : 1024;
		heap = realloc(heap, heap_cap * sizeof(*heap));
		if (heap == NULL)
			die("out of memory");
	}
	e.seq = next_seq++;
	i = heap_len++;
	while (i > 0) {
		size_t p = (i - 1) / 2;
		if (held_before(&heap[p], &e))
			break;
		heap[i] = heap[p];
		i = p;
	}
	heap[i] = e;
}

static struct emu_held heap_pop(void)
{
	struct emu_held top = heap[0], last = heap[--heap_len];
	size_t i = 0;
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= heap_len)
			break;
		if (c + 1 < heap_len && held_before(&heap[c + 1], &heap[c]))
			c++;
		if (held_before(&last, &heap[c]))
			break;
		heap[i] = heap[c];
		i = c;
	}
	if (heap_len > 0)
		heap[i] = last;
	return top;
}

static void enter_ns(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die("open %s: %s", path, strerror(errno));
	if (setns(fd, CLONE_NEWNET) != 0)
		die("setns %s: %s", path, strerror(errno));
	close(fd);
}

static void leave_ns(void)
{
	if (setns(home_ns_fd, CLONE_NEWNET) != 0)
		die("setns back home: %s", strerror(errno));
}

static int on_packet(struct nfq_q_handle *qh, struct nfgenmsg *msg,
		     struct nfq_data *nfa, void *data)
{
	struct emu_queue *q = data;
	struct nfqnl_msg_packet_hdr *ph = nfq_get_msg_packet_hdr(nfa);
	uint32_t id;
	uint64_t due;
	(void)msg;

	if (ph == NULL)
		return 0;
	id = ntohl(ph->packet_id);
	q->packets++;
	if (q->ge) {
		double p = q->bad ? q->loss_bad : q->loss;
		int drop = p > 0 && rng_unit() < p;
		q->bad = q->bad ? rng_unit() >= q->p_bg : rng_unit() < q->p_gb;
		if (drop) {
			q->dropped++;
			return nfq_set_verdict(qh, id, NF_DROP, 0, NULL);
		}
	} else if (q->loss > 0 && rng_unit() < q->loss) {
		q->dropped++;
		return nfq_set_verdict(qh, id, NF_DROP, 0, NULL);
	}
	if (q->delay_ns == 0 && q->jitter_ns == 0)
		return nfq_set_verdict(qh, id, NF_ACCEPT, 0, NULL);
	due = now_ns() + q->delay_ns;
	if (q->jitter_ns > 0) {
		double j = (rng_unit() * 2.0 - 1.0) * (double)q->jitter_ns;
		due = (uint64_t)((double)due + j);
	}
	if (due < q->last_due_ns)
		due = q->last_due_ns;
	q->last_due_ns = due;
	heap_push((struct emu_held){due, 0, id, q});
	return 0;
}

static int ns_index(const char *path)
{
	int i;
	for (i = 0; i < n_ns; i++)
		if (strcmp(nss[i].path, path) == 0)
			return i;
	if (n_ns == MAX_NS)
		die("too many namespaces");
	enter_ns(path);
	snprintf(nss[n_ns].path, sizeof(nss[n_ns].path), "%s", path);
	nss[n_ns].h = nfq_open();
	if (nss[n_ns].h == NULL)
		die("nfq_open in %s: %s", path, strerror(errno));
	if (nfq_bind_pf(nss[n_ns].h, AF_INET) < 0)
		die("nfq_bind_pf in %s: %s", path, strerror(errno));
	nfnl_rcvbufsiz(nfq_nfnlh(nss[n_ns].h), 8u << 20);
	nss[n_ns].fd = nfq_fd(nss[n_ns].h);
	fcntl(nss[n_ns].fd, F_SETFL, O_NONBLOCK);
	leave_ns();
	return n_ns++;
}

static void set_queue(const char *path, unsigned qnum, uint64_t delay_us,
		      uint64_t jitter_us, double loss, const double *ge)
{
	int ns = ns_index(path), i;
	struct emu_queue *q = NULL;

	for (i = 0; i < n_queues; i++)
		if (queues[i].ns == ns && queues[i].qnum == qnum)
			q = &queues[i];
	if (q == NULL) {
		if (n_queues == MAX_QUEUES)
			die("too many queues");
		q = &queues[n_queues++];
		memset(q, 0, sizeof(*q));
		q->ns = ns;
		q->qnum = qnum;
		q->qh = nfq_create_queue(nss[ns].h, (uint16_t)qnum, on_packet,
					 q);
		if (q->qh == NULL)
			die("bind queue %u in %s: %s", qnum, path,
			    strerror(errno));
		if (nfq_set_mode(q->qh, NFQNL_COPY_META, 0) < 0)
			die("queue %u mode: %s", qnum, strerror(errno));
		nfq_set_queue_maxlen(q->qh, 65536);
	}
	q->delay_ns = delay_us * 1000ULL;
	q->jitter_ns = jitter_us * 1000ULL;
	q->loss = loss;
	q->ge = ge != NULL;
	if (ge != NULL) {
		q->p_gb = ge[0];
		q->p_bg = ge[1];
		q->loss_bad = ge[2];
	} else
		q->bad = 0;
	q->live = 1;
}

static void add_listener(const char *path, const char *addr, unsigned port)
{
	struct sockaddr_in sin;
	int fd, one = 1;

	if (n_listen == MAX_LISTEN)
		die("too many listeners");
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, addr, &sin.sin_addr) != 1)
		die("bad listen address %s", addr);
	enter_ns(path);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		die("socket: %s", strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0)
		die("bind %s:%u in %s: %s", addr, port, path, strerror(errno));
	if (listen(fd, 4096) != 0)
		die("listen: %s", strerror(errno));
	leave_ns();
	listen_fd[n_listen++] = fd;
}

static void load_config(int first)
{
	FILE *f = fopen(config_path, "r");
	char line[512];
	int i;

	if (f == NULL)
		die("open %s: %s", config_path, strerror(errno));
	for (i = 0; i < n_queues; i++)
		queues[i].live = 0;
	while (fgets(line, sizeof(line), f) != NULL) {
		char path[256], addr[64];
		unsigned qnum, port;
		unsigned long long a, b, g, seed;
		double loss, ge[3];
		int n;

		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (sscanf(line, "generation %llu", &g) == 1)
			generation = g;
		else if (sscanf(line, "seed %llu", &seed) == 1) {
			if (first)
				rng_state = seed;
		} else if ((n = sscanf(line,
				       "queue %255s %u %llu %llu %lf ge %lf "
				       "%lf %lf",
				       path, &qnum, &a, &b, &loss, &ge[0], &ge[1],
				       &ge[2])) == 5 ||
			   n == 8) {
			if (loss < 0 || loss > 1 ||
			    (n == 8 && (ge[0] < 0 || ge[0] > 1 || ge[1] < 0 ||
					ge[1] > 1 || ge[2] < 0 || ge[2] > 1)))
				die("bad loss in: %s", line);
			set_queue(path, qnum, a, b, loss, n == 8 ? ge : NULL);
		} else if (sscanf(line, "listen %255s %63s %u", path, addr,
				  &port) == 3) {
			if (first)
				add_listener(path, addr, port);
		} else
			die("bad config line: %s", line);
	}
	fclose(f);
	/* A queue dropped from the config passes packets undelayed. */
	for (i = 0; i < n_queues; i++)
		if (!queues[i].live) {
			queues[i].delay_ns = queues[i].jitter_ns = 0;
			queues[i].loss = 0;
			queues[i].ge = 0;
		}
}

static void write_status(void)
{
	char tmp[512];
	FILE *f;
	int i;

	snprintf(tmp, sizeof(tmp), "%s.tmp", status_path);
	f = fopen(tmp, "w");
	if (f == NULL)
		return;
	fprintf(f,
		"generation %llu\nheld %zu\nenobufs %llu\nlateness_ns %llu\n"
		"rt %d\n",
		(unsigned long long)generation, heap_len,
		(unsigned long long)enobufs, (unsigned long long)lateness_ns,
		realtime);
	for (i = 0; i < n_queues; i++)
		fprintf(f, "queue %s %u packets %" PRIu64 " dropped %" PRIu64
			   "\n",
			nss[queues[i].ns].path, queues[i].qnum,
			queues[i].packets, queues[i].dropped);
	if (fclose(f) == 0)
		rename(tmp, status_path);
}

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		got_hup = 1;
	else
		got_term = 1;
}

/* Accept every packet whose (lateness-corrected) time has come. */
static void release_due(uint64_t now)
{
	while (heap_len > 0 && heap[0].due_ns <= now + lateness_ns) {
		struct emu_held e = heap_pop();
		nfq_set_verdict(e.q->qh, e.id, NF_ACCEPT, 0, NULL);
	}
}

/* After a timer wake-up aimed at `aim_ns`, learn how late it came. */
static void learn_lateness(uint64_t aim_ns, uint64_t now)
{
	int64_t late = (int64_t)(now - aim_ns), est = (int64_t)lateness_ns;

	if (now < aim_ns || late > 1000000)
		return; /* early (signal) or a stall: not timer latency */
	est += (late - est) / 16;
	lateness_ns = est > 200000 ? 200000 : est < 0 ? 0 : (uint64_t)est;
}

int main(int argc, char **argv)
{
	const char *pid_path;
	struct sigaction sa;
	sigset_t block, unblock;
	uint64_t next_status = 0;
	char buf[65536] __attribute__((aligned));
	FILE *pf;

	if (argc != 4) {
		fprintf(stderr,
			"usage: nkt-linkemu CONFIG STATUS_FILE PID_FILE\n");
		return 2;
	}
	config_path = argv[1];
	status_path = argv[2];
	pid_path = argv[3];
	/* Fine-grained timers: delays at small --scale are tens of us. */
	prctl(PR_SET_TIMERSLACK, 1UL);
	{
		/* A low real-time priority: above every normal task, below
		 * the kernel's own real-time threads. */
		struct sched_param sp = {.sched_priority = 10};
		realtime = sched_setscheduler(0, SCHED_FIFO, &sp) == 0;
		if (!realtime)
			fprintf(stderr, "nkt-linkemu: no real-time scheduling "
					"(%s): delays will include CPU waits\n",
				strerror(errno));
	}
	home_ns_fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (home_ns_fd < 0)
		die("open own netns: %s", strerror(errno));

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &unblock);

	load_config(1);
	write_status();
	/* The pid file says "every queue and listener is bound". */
	pf = fopen(pid_path, "w");
	if (pf == NULL)
		die("open %s: %s", pid_path, strerror(errno));
	fprintf(pf, "%d\n", (int)getpid());
	fclose(pf);

	while (!got_term) {
		struct pollfd pfd[MAX_NS + MAX_LISTEN];
		struct timespec ts;
		uint64_t now = now_ns(), aim, wait;
		int i, n = 0, rc, held_aim;

		if (got_hup) {
			got_hup = 0;
			load_config(0);
			write_status();
		}
		if (now >= next_status) {
			write_status();
			next_status = now + 1000000000ULL;
		}
		for (i = 0; i < n_ns; i++)
			pfd[n++] = (struct pollfd){nss[i].fd, POLLIN, 0};
		for (i = 0; i < n_listen; i++)
			pfd[n++] = (struct pollfd){listen_fd[i], POLLIN, 0};
		aim = next_status;
		held_aim = 0;
		if (heap_len > 0 && heap[0].due_ns - lateness_ns < aim) {
			aim = heap[0].due_ns - lateness_ns;
			held_aim = 1;
		}
		wait = aim > now ? aim - now : 0;
		ts.tv_sec = (time_t)(wait / 1000000000ULL);
		ts.tv_nsec = (long)(wait % 1000000000ULL);
		rc = ppoll(pfd, (nfds_t)n, &ts, &unblock);
		if (rc < 0 && errno != EINTR)
			die("ppoll: %s", strerror(errno));
		if (rc == 0 && held_aim && wait > 0)
			learn_lateness(aim, now_ns());
		for (i = 0; rc > 0 && i < n_ns; i++) {
			if (!(pfd[i].revents & POLLIN))
				continue;
			for (;;) {
				ssize_t len = recv(nss[i].fd, buf, sizeof(buf),
						   MSG_DONTWAIT);
				if (len < 0) {
					if (errno == ENOBUFS) {
						enobufs++;
						continue;
					}
					break;
				}
				nfq_handle_packet(nss[i].h, buf, (int)len);
				release_due(now_ns());
			}
		}
		for (i = 0; rc > 0 && i < n_listen; i++) {
			if (!(pfd[n_ns + i].revents & POLLIN))
				continue;
			for (;;) {
				int c = accept4(listen_fd[i], NULL, NULL,
						SOCK_CLOEXEC);
				if (c < 0)
					break;
				close(c);
			}
		}
		release_due(now_ns());
	}
	/* Let held packets go rather than drop them on the way out. */
	while (heap_len > 0) {
		struct emu_held e = heap_pop();
		nfq_set_verdict(e.q->qh, e.id, NF_ACCEPT, 0, NULL);
	}
	write_status();
	unlink(pid_path);
	return 0;
}
