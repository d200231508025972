// SPDX-License-Identifier: ISC
/*
 * cli.c: argv -> configuration (getopt_long tables; bounded numeric
 * parsing).  Pure: reads no file, prints nothing.
 */
#include "nktrace/cli.h"
#include "nktrace/compare.h"
#include "nktrace/inet.h"
#include "nktrace/sched.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

enum {
	OPT_HOP_RATE = 256,
	OPT_WINDOW,
	OPT_TTL_WINDOW,
	OPT_LOOPS,
	OPT_SIZE,
	OPT_TOS,
	OPT_SPORT,
	OPT_PARIS,
	OPT_SRC,
	OPT_USER,
	OPT_SEED,
	OPT_PCAPBUF,
	OPT_ASNDB,
	OPT_GEODB,
	OPT_NOANNOT,
	OPT_DRYRUN,
	OPT_PCAPOUT,
	OPT_FIRST_TTL,
	OPT_FILE,
	OPT_VIA,
	OPT_JSON,
	OPT_MSM,
	OPT_PRB,
	OPT_TARGETS,
	OPT_SAMPLE,
	OPT_METHODS,
	OPT_TRANSITS,
	OPT_PINGS,
	OPT_PING_INTERVAL,
	OPT_TRACES,
	OPT_CI,
	OPT_MIN_UNITS,
	OPT_DISCOVER,
	OPT_NO_DISCOVER,
	OPT_DISCOVER_RATE,
	OPT_DISCOVER_MAX,
	OPT_REPROBE,
	OPT_PROGRESS,
	OPT_QUIET,
};

#define PROBE_LONGOPTS                                                         \
	{"method", required_argument, NULL, 'P'},                              \
		{"port", required_argument, NULL, 'p'},                        \
		{"attempts", required_argument, NULL, 'q'},                    \
		{"wait", required_argument, NULL, 'w'},                        \
		{"max-ttl", required_argument, NULL, 'm'},                     \
		{"gaplimit", required_argument, NULL, 'g'},                    \
		{"rate", required_argument, NULL, 'r'},                        \
		{"first-ttl", required_argument, NULL, OPT_FIRST_TTL},         \
		{"hop-rate", required_argument, NULL, OPT_HOP_RATE},           \
		{"window", required_argument, NULL, OPT_WINDOW},               \
		{"ttl-window", required_argument, NULL, OPT_TTL_WINDOW},       \
		{"loops", required_argument, NULL, OPT_LOOPS},                 \
		{"size", required_argument, NULL, OPT_SIZE},                   \
		{"tos", required_argument, NULL, OPT_TOS},                     \
		{"sport", required_argument, NULL, OPT_SPORT},                 \
		{"paris-id", required_argument, NULL, OPT_PARIS},              \
		{"src", required_argument, NULL, OPT_SRC},                     \
		{"user", required_argument, NULL, OPT_USER},                   \
		{"seed", required_argument, NULL, OPT_SEED},                   \
		{"pcap-buffer", required_argument, NULL, OPT_PCAPBUF},         \
		{"asn-db", required_argument, NULL, OPT_ASNDB},                \
		{"geo-db", required_argument, NULL, OPT_GEODB},                \
		{"no-annotate", no_argument, NULL, OPT_NOANNOT},               \
		{"dry-run", no_argument, NULL, OPT_DRYRUN},                    \
		{"pcap-out", required_argument, NULL, OPT_PCAPOUT}

void nkt_probe_opts_default(struct nkt_probe_opts *p)
{
	memset(p, 0, sizeof(*p));
	p->method = NKT_METHOD_ICMP;
	p->paris_id = 1;
	p->pps = 100;
	p->hop_pps = 10;
	p->window = 32;
	p->ttl_window = 8;
	p->attempts = 3;
	p->first_ttl = 1;
	p->max_ttl = 30;
	p->gaplimit = 5;
	p->loops = 1;
	p->wait_ns = 3 * NKT_NS_PER_S;
	p->pcap_buffer = 16u << 20;
}

void nkt_probe_opts_sched(const struct nkt_probe_opts *p,
			  struct nkt_sched_cfg *c)
{
	memset(c, 0, sizeof(*c));
	c->wait_ns = p->wait_ns;
	c->pps = p->pps;
	c->hop_pps = p->hop_pps;
	c->window = p->window;
	c->ttl_window = p->ttl_window;
	c->attempts = p->attempts;
	c->first_ttl = p->first_ttl;
	c->max_ttl = p->max_ttl;
	c->gaplimit = p->gaplimit;
	c->loops = p->loops;
}

static int num(const char *arg, uint64_t lo, uint64_t hi, uint64_t *v,
	       const char *what, struct nkt_err *err)
{
	return nkt_parse_u64(arg, lo, hi, v, what, err);
}

/* -f N is the first TTL (traceroute); -f FILE a target file (scamper). */
static int is_ttl_like(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

/* Returns 1 if c was a shared probing option (applied), 0 if not, or
 * NKT_EINVAL. */
static int probe_opt(struct nkt_probe_opts *p, int c, const char *arg,
		     const char *(*files)[64], size_t *n_files,
		     struct nkt_err *err)
{
	uint64_t v;

#define NUM(lo, hi, what)                                                      \
	do {                                                                   \
		if (num(arg, lo, hi, &v, what, err) != NKT_OK)                 \
			return NKT_EINVAL;                                     \
	} while (0)

	switch (c) {
	case 'P':
		if (nkt_method_parse(arg, &p->method) != NKT_OK)
			return nkt_err_set(err, NKT_EINVAL,
					   "-P: '%s' is not a method (icmp, "
					   "udp or tcp)",
					   arg);
		p->method_set = 1;
		return 1;
	case 'p':
		NUM(1, 65535, "--port");
		p->port = (uint16_t)v;
		return 1;
	case 'q':
		NUM(1, 16, "-q");
		p->attempts = (uint8_t)v;
		return 1;
	case 'w':
		if (nkt_parse_duration_ns(arg, NKT_NS_PER_S, NKT_NS_PER_MS,
					  60 * NKT_NS_PER_S, &p->wait_ns, "-w",
					  err) != NKT_OK)
			return NKT_EINVAL;
		return 1;
	case 'f':
		if (!is_ttl_like(arg)) {
			if (files == NULL)
				return nkt_err_set(err, NKT_EINVAL,
						   "-f: '%s' is not a TTL",
						   arg);
			if (*n_files >= 64)
				return nkt_err_set(err, NKT_EINVAL,
						   "too many target files");
			(*files)[(*n_files)++] = arg;
			return 1;
		}
		__attribute__((fallthrough));
	case OPT_FIRST_TTL:
		NUM(1, 255, "first TTL");
		p->first_ttl = (uint8_t)v;
		return 1;
	case 'm':
		NUM(1, 255, "-m");
		p->max_ttl = (uint8_t)v;
		return 1;
	case 'g':
		NUM(1, 255, "-g");
		p->gaplimit = (uint8_t)v;
		return 1;
	case 'r':
		NUM(1, 10000000, "-r");
		p->pps = (uint32_t)v;
		return 1;
	case OPT_HOP_RATE:
		NUM(0, 10000000, "--hop-rate");
		p->hop_pps = (uint32_t)v;
		return 1;
	case OPT_WINDOW:
		NUM(1, 1000000, "--window");
		p->window = (uint32_t)v;
		return 1;
	case OPT_TTL_WINDOW:
		NUM(1, 255, "--ttl-window");
		p->ttl_window = (uint8_t)v;
		return 1;
	case OPT_LOOPS:
		NUM(0, 255, "--loops");
		p->loops = (uint8_t)v;
		return 1;
	case OPT_SIZE:
		NUM(28, NKT_PROBE_MAX_SIZE, "--size");
		p->size = (uint16_t)v;
		return 1;
	case OPT_TOS:
		NUM(0, 255, "--tos");
		p->tos = (uint8_t)v;
		return 1;
	case OPT_SPORT:
		NUM(1, 65535, "--sport");
		p->sport = (uint16_t)v;
		return 1;
	case OPT_PARIS:
		NUM(1, 255, "--paris-id");
		p->paris_id = (uint8_t)v;
		return 1;
	case OPT_SRC: {
		uint32_t a;
		if (nkt_inet_parse(arg, &a) != NKT_OK)
			return nkt_err_set(err, NKT_EINVAL,
					   "--src: '%s' is not an IPv4 address",
					   arg);
		p->src = arg;
		return 1;
	}
	case OPT_USER:
		if (*arg == '\0')
			return nkt_err_set(err, NKT_EINVAL,
					   "--user: empty user name");
		p->user = arg;
		return 1;
	case OPT_SEED:
		NUM(0, UINT64_MAX, "--seed");
		p->seed = v;
		p->have_seed = 1;
		return 1;
	case OPT_PCAPBUF:
		NUM(1, 1024, "--pcap-buffer (MiB)");
		p->pcap_buffer = (size_t)v << 20;
		return 1;
	case OPT_ASNDB:
		p->asn_db = arg;
		return 1;
	case OPT_GEODB:
		p->geo_db = arg;
		return 1;
	case OPT_NOANNOT:
		p->no_annotate = 1;
		return 1;
	case OPT_DRYRUN:
		p->dry_run = 1;
		return 1;
	case OPT_PCAPOUT:
		p->dry_pcap = arg;
		return 1;
	default:
		return 0;
	}
#undef NUM
}

/* Checks across options, after parsing. */
static int probe_check(struct nkt_probe_opts *p, struct nkt_err *err)
{
	uint16_t min;

	if (p->first_ttl > p->max_ttl)
		return nkt_err_set(err, NKT_EINVAL,
				   "first TTL %u is above the max TTL %u",
				   p->first_ttl, p->max_ttl);
	if (p->dry_run && p->dry_pcap == NULL)
		return nkt_err_set(err, NKT_EINVAL,
				   "--dry-run needs --pcap-out FILE");
	if (!p->dry_run && p->dry_pcap != NULL)
		return nkt_err_set(err, NKT_EINVAL,
				   "--pcap-out is for --dry-run");
	if (p->size == 0)
		p->size = p->method == NKT_METHOD_TCP ? 40 : 60;
	min = nkt_probe_min_size(p->method);
	if (p->size < min)
		return nkt_err_set(err, NKT_EINVAL,
				   "--size %u is below the %u bytes of a %s "
				   "probe",
				   p->size, min, nkt_method_name(p->method));
	if (p->port != 0 && p->method == NKT_METHOD_ICMP)
		return nkt_err_set(err, NKT_EINVAL,
				   "--port needs -P udp or -P tcp");
	return NKT_OK;
}

int nkt_cli_getopt_error(int c, char **argv, struct nkt_err *err)
{
	if (c == ':')
		return nkt_err_set(err, NKT_EINVAL, "option '%s' needs a value",
				   argv[optind - 1]);
	return nkt_err_set(err, NKT_EINVAL, "unknown option '%s'",
			   argv[optind - 1]);
}

int nkt_cli_via(const char *s, char *iface, uint32_t *gw,
		struct nkt_err *err)
{
	const char *comma = strchr(s, ',');
	size_t n = comma ? (size_t)(comma - s) : strlen(s);

	*gw = 0;
	if (n == 0 || n >= 16)
		return nkt_err_set(err, NKT_EINVAL,
				   "--via '%s': want IFACE[,GATEWAY]", s);
	memcpy(iface, s, n);
	iface[n] = '\0';
	if (comma != NULL && nkt_inet_parse(comma + 1, gw) != NKT_OK)
		return nkt_err_set(err, NKT_EINVAL,
				   "--via '%s': '%s' is not an IPv4 gateway", s,
				   comma + 1);
	return NKT_OK;
}

const char nkt_cli_trace_help[] =
	"usage: nktrace trace [OPTIONS] TARGET... | -f FILE | -\n"
	"\n"
	"Trace the path to each TARGET (IPv4 address or CIDR prefix, every\n"
	"address of it; '-' or -f FILE: one per line, '#' comments).\n"
	"\n"
	"probing:\n"
	"  -P, --method M      icmp (Paris ICMP echo, default), udp (Paris "
	"UDP),\n"
	"                      tcp (SYN)\n"
	"  -p, --port N        destination port (udp 33435, tcp 80)\n"
	"  -q, --attempts N    probes per hop (3)\n"
	"  -w, --wait T        wait for a reply, e.g. 500ms, 2s (3s)\n"
	"  -f, --first-ttl N   first TTL (1); -f with a non-number is a file\n"
	"  -m, --max-ttl N     maximum TTL (30)\n"
	"  -g, --gaplimit N    stop after N silent hops in a row (5)\n"
	"      --loops N       stop at the Nth loop, 0 never (1)\n"
	"  -r, --rate PPS      probes per second, all targets (100)\n"
	"      --hop-rate PPS  probes per second with the same TTL, so "
	"routers'\n"
	"                      ICMP rate limits hold; 0 = no limit (10)\n"
	"      --window N      targets in progress at once (32)\n"
	"      --ttl-window N  TTLs of one target in flight at once (8)\n"
	"      --size N        probe size in bytes, IP header included (60; "
	"tcp 40)\n"
	"      --tos N         IP TOS byte (0)\n"
	"      --paris-id N    which Paris flow (1-255, default 1); the "
	"source\n"
	"                      port is 33434+N unless --sport N\n"
	"      --via IFACE[,GW]  send on IFACE to gateway GW (link-layer "
	"injection),\n"
	"                      whatever the routing table says\n"
	"      --src ADDR      source address (default: the kernel's "
	"choice)\n"
	"      --pcap-buffer MiB  capture ring size (16)\n"
	"\n"
	"output:\n"
	"      --json          one RIPE Atlas traceroute result per line\n"
	"  -o, --output FILE   write to FILE (atomically: FILE appears "
	"complete)\n"
	"      --msm-id N, --prb-id N  Atlas msm_id / prb_id values (0)\n"
	"      --asn-db FILE, --geo-db FILE  annotation databases (MMDB)\n"
	"      --no-annotate   no ASN/geo annotation\n"
	"  -v, --verbose       run statistics on stderr\n"
	"\n"
	"privilege and testing:\n"
	"      --user USER     drop to USER after opening sockets "
	"(default: the\n"
	"                      sudo user, else nobody)\n"
	"      --dry-run --pcap-out FILE  write the probes to a pcap file, "
	"send\n"
	"                      nothing (needs no privilege)\n"
	"      --seed N        fixed probe key: reproducible probes\n"
	"\n"
	"Sending raw packets needs root or cap_net_raw:\n"
	"  sudo setcap cap_net_raw+ep /path/to/nktrace\n"
	"exit status: 0 ok, 1 runtime failure, 2 usage error or no "
	"privilege,\n"
	"128+N interrupted by signal N (outputs are complete).\n";

int nkt_cli_trace(int argc, char **argv, struct nkt_trace_opts *o,
		  struct nkt_err *err)
{
	static const struct option longopts[] = {
		PROBE_LONGOPTS,
		{"file", required_argument, NULL, OPT_FILE},
		{"via", required_argument, NULL, OPT_VIA},
		{"json", no_argument, NULL, OPT_JSON},
		{"output", required_argument, NULL, 'o'},
		{"msm-id", required_argument, NULL, OPT_MSM},
		{"prb-id", required_argument, NULL, OPT_PRB},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c, i, rc;

	memset(o, 0, sizeof(*o));
	nkt_probe_opts_default(&o->p);
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":P:p:q:w:f:m:g:r:o:vh", longopts,
				NULL)) != -1) {
		uint64_t v;
		rc = probe_opt(&o->p, c, optarg, &o->files, &o->n_files, err);
		if (rc < 0)
			return rc;
		if (rc == 1)
			continue;
		switch (c) {
		case OPT_FILE:
			if (o->n_files >= 64)
				return nkt_err_set(err, NKT_EINVAL,
						   "too many target files");
			o->files[o->n_files++] = optarg;
			break;
		case OPT_VIA: {
			char ifc[16];
			uint32_t gw;
			if (nkt_cli_via(optarg, ifc, &gw, err) != NKT_OK)
				return NKT_EINVAL;
			o->via = optarg;
			break;
		}
		case OPT_JSON:
			o->json = 1;
			break;
		case 'o':
			if (*optarg == '\0')
				return nkt_err_set(err, NKT_EINVAL,
						   "-o: empty file name");
			o->output = optarg;
			break;
		case OPT_MSM:
			if (num(optarg, 0, INT32_MAX, &v, "--msm-id", err))
				return NKT_EINVAL;
			o->msm_id = (int64_t)v;
			break;
		case OPT_PRB:
			if (num(optarg, 0, INT32_MAX, &v, "--prb-id", err))
				return NKT_EINVAL;
			o->prb_id = (int64_t)v;
			break;
		case 'v':
			o->verbose = 1;
			break;
		case 'h':
			o->help = 1;
			return NKT_OK;
		default:
			return nkt_cli_getopt_error(c, argv, err);
		}
	}
	for (i = optind; i < argc; i++) {
		if (strcmp(argv[i], "-") == 0) {
			if (o->n_files >= 64)
				return nkt_err_set(err, NKT_EINVAL,
						   "too many target files");
			o->files[o->n_files++] = "-";
			continue;
		}
		if (o->n_args >= NKT_CLI_MAX_ARGS)
			return nkt_err_set(err, NKT_EINVAL,
					   "more than %d target arguments; use "
					   "-f FILE",
					   NKT_CLI_MAX_ARGS);
		o->args[o->n_args++] = argv[i];
	}
	if (o->n_args == 0 && o->n_files == 0)
		return nkt_err_set(err, NKT_EINVAL,
				   "no target (give addresses, prefixes, -f "
				   "FILE or -)");
	return probe_check(&o->p, err);
}

int nkt_cli_methods(const char *s, struct nkt_compare_opts *o,
		    struct nkt_err *err)
{
	char buf[256], *tok, *save = NULL;

	if (strlen(s) >= sizeof(buf) || *s == '\0')
		return nkt_err_set(err, NKT_EINVAL, "--methods: '%s'", s);
	snprintf(buf, sizeof(buf), "%s", s);
	o->n_methods = 0;
	for (tok = strtok_r(buf, ",", &save); tok != NULL;
	     tok = strtok_r(NULL, ",", &save)) {
		char *colon = strchr(tok, ':');
		enum nkt_method m;
		uint64_t port = 0;
		if (colon != NULL)
			*colon = '\0';
		if (nkt_method_parse(tok, &m) != NKT_OK)
			return nkt_err_set(err, NKT_EINVAL,
					   "--methods: '%s' is not icmp, udp "
					   "or tcp",
					   tok);
		if (colon != NULL) {
			if (m == NKT_METHOD_ICMP)
				return nkt_err_set(err, NKT_EINVAL,
						   "--methods: icmp takes no "
						   "port");
			if (nkt_parse_u64(colon + 1, 1, 65535, &port,
					  "--methods port", err) != NKT_OK)
				return NKT_EINVAL;
		}
		if (o->n_methods == NKT_CMP_METHODS_MAX)
			return nkt_err_set(err, NKT_EINVAL,
					   "--methods: at most %d",
					   NKT_CMP_METHODS_MAX);
		o->methods[o->n_methods].method = (uint8_t)m;
		o->methods[o->n_methods].port =
			(uint16_t)(port ? port
			     : m == NKT_METHOD_TCP ? NKT_TCP_DEFAULT_DPORT
			     : m == NKT_METHOD_UDP ? NKT_UDP_DEFAULT_DPORT
						   : 0);
		o->n_methods++;
	}
	if (o->n_methods == 0)
		return nkt_err_set(err, NKT_EINVAL, "--methods: empty list");
	return NKT_OK;
}

const char nkt_cli_compare_help[] =
	"usage: nktrace compare [OPTIONS]\n"
	"\n"
	"Measure North Korea's transits: trace every target with every "
	"method,\n"
	"then probe it end to end at its hop count; attribute each path to a\n"
	"transit by its AS path; report reachability, RTT and loss per "
	"transit\n"
	"and per /24 with confidence intervals, and compare the transits.\n"
	"\n"
	"what to measure:\n"
	"      --targets ARG   address, prefix or file of them (repeatable);\n"
	"                      default: the known hosts and a sample of each "
	"NK\n"
	"                      /24 from data/targets.json\n"
	"      --discover      find the hosts that answer first: one TCP SYN "
	"to ports\n"
	"                      80, 443 and 22 and one ICMP echo to every "
	"address of\n"
	"                      the space (targets.json), then measure the "
	"known hosts\n"
	"                      and those (the default without --targets or "
	"--sample)\n"
	"      --no-discover   measure the known hosts and a fixed sample "
	"instead\n"
	"      --discover-rate PPS  probes per second of that pass (400)\n"
	"      --discover-max N  answering hosts measured per /24 (16; a "
	"fixed\n"
	"                      spread of them when more answer)\n"
	"      --sample N      addresses sampled per /24 without discovery "
	"(8)\n"
	"      --methods LIST  e.g. tcp:80,tcp:443,icmp (the default)\n"
	"      --via NAME=IFACE[,GW]  probe every target over this uplink, "
	"NAME\n"
	"                      being a transit (e.g. ttk=ttk0,10.20.0.1); "
	"repeat\n"
	"                      for each uplink: both transits to the same "
	"hosts\n"
	"      --transits FILE transit definitions (default "
	"data/transits.json)\n"
	"      --pings N       end-to-end probes per target and method (10)\n"
	"      --ping-interval T  between end-to-end probes (200ms)\n"
	"      --reprobe N     rounds of slow re-probing for targets whose "
	"transit\n"
	"                      hops all stayed silent (ICMP rate limits), 0 "
	"= none (1)\n"
	"\n"
	"output:\n"
	"      --json FILE     the summary record {\"type\":\"compare\", ...}\n"
	"      --traces FILE   every trace, RIPE Atlas NDJSON\n"
	"      --ci LEVEL      confidence level of the intervals (0.95)\n"
	"      --min-units N   independent units a verdict needs on each "
	"side:\n"
	"                      hosts end to end, traces or vantage points at "
	"the\n"
	"                      border (5)\n"
	"      --progress, --quiet  progress on stderr (default: if a "
	"terminal)\n"
	"\n"
	"probing (as for trace): -q N (2), -w T (2s), -r PPS (100), "
	"--hop-rate PPS\n"
	"(10), --window N (32), --ttl-window N (16), -m N (30), -g N (5),\n"
	"--src ADDR, --user USER, --asn-db FILE, --geo-db FILE, --seed N,\n"
	"--pcap-buffer MiB\n"
	"\n"
	"exit status: 0 ok, 1 runtime failure, 2 usage error or no privilege,\n"
	"128+N interrupted by signal N (outputs are complete).\n";

int nkt_cli_compare(int argc, char **argv, struct nkt_compare_opts *o,
		    struct nkt_err *err)
{
	static const struct option longopts[] = {
		PROBE_LONGOPTS,
		{"targets", required_argument, NULL, OPT_TARGETS},
		{"sample", required_argument, NULL, OPT_SAMPLE},
		{"methods", required_argument, NULL, OPT_METHODS},
		{"via", required_argument, NULL, OPT_VIA},
		{"transits", required_argument, NULL, OPT_TRANSITS},
		{"pings", required_argument, NULL, OPT_PINGS},
		{"ping-interval", required_argument, NULL, OPT_PING_INTERVAL},
		{"json", required_argument, NULL, OPT_JSON},
		{"traces", required_argument, NULL, OPT_TRACES},
		{"ci", required_argument, NULL, OPT_CI},
		{"min-units", required_argument, NULL, OPT_MIN_UNITS},
		{"discover", no_argument, NULL, OPT_DISCOVER},
		{"no-discover", no_argument, NULL, OPT_NO_DISCOVER},
		{"discover-rate", required_argument, NULL, OPT_DISCOVER_RATE},
		{"discover-max", required_argument, NULL, OPT_DISCOVER_MAX},
		{"reprobe", required_argument, NULL, OPT_REPROBE},
		{"progress", no_argument, NULL, OPT_PROGRESS},
		{"quiet", no_argument, NULL, OPT_QUIET},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c, rc;
	uint64_t v;

	memset(o, 0, sizeof(*o));
	nkt_probe_opts_default(&o->p);
	o->p.attempts = 2;
	o->p.wait_ns = 2 * NKT_NS_PER_S;
	o->p.ttl_window = 16;
	o->pings = 10;
	o->ping_interval_ns = 200 * NKT_NS_PER_MS;
	o->level = 0.95;
	o->min_units = NKT_CMP_MIN_UNITS;
	o->discover = -1;
	o->discover_pps = 400;
	o->discover_max = 16;
	o->reprobe = 1;
	o->progress = -1;
	nkt_cli_methods("tcp:80,tcp:443,icmp", o, NULL);
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":P:p:q:w:f:m:g:r:h", longopts,
				NULL)) != -1) {
		if (c == 'P' || c == 'p' || c == 'f')
			return nkt_err_set(err, NKT_EINVAL,
					   "compare: use --methods and "
					   "--targets (not -P, -p, -f)");
		rc = probe_opt(&o->p, c, optarg, NULL, NULL, err);
		if (rc < 0)
			return rc;
		if (rc == 1)
			continue;
		switch (c) {
		case OPT_TARGETS:
			if (o->n_targets >= NKT_CLI_MAX_ARGS)
				return nkt_err_set(err, NKT_EINVAL,
						   "too many --targets");
			if (*optarg == '\0')
				return nkt_err_set(err, NKT_EINVAL,
						   "--targets: empty");
			o->targets[o->n_targets++] = optarg;
			break;
		case OPT_SAMPLE:
			if (num(optarg, 0, 254, &v, "--sample", err))
				return NKT_EINVAL;
			o->sample = (unsigned)v;
			o->sample_set = 1;
			break;
		case OPT_METHODS:
			if (nkt_cli_methods(optarg, o, err) != NKT_OK)
				return NKT_EINVAL;
			break;
		case OPT_VIA: {
			const char *eq = strchr(optarg, '=');
			char ifc[16];
			uint32_t gw;
			size_t n;
			if (eq == NULL || eq == optarg)
				return nkt_err_set(err, NKT_EINVAL,
						   "--via '%s': want "
						   "NAME=IFACE[,GATEWAY]",
						   optarg);
			n = (size_t)(eq - optarg);
			if (n >= sizeof(o->via[0].name))
				return nkt_err_set(err, NKT_EINVAL,
						   "--via: name too long");
			if (o->n_via == NKT_CMP_VIA_MAX)
				return nkt_err_set(err, NKT_EINVAL,
						   "--via: at most %d uplinks",
						   NKT_CMP_VIA_MAX);
			if (nkt_cli_via(eq + 1, ifc, &gw, err) != NKT_OK)
				return NKT_EINVAL;
			memcpy(o->via[o->n_via].name, optarg, n);
			o->via[o->n_via].name[n] = '\0';
			o->via[o->n_via].spec = eq + 1;
			o->n_via++;
			break;
		}
		case OPT_TRANSITS:
			o->transits_file = optarg;
			break;
		case OPT_PINGS:
			if (num(optarg, 0, 1000, &v, "--pings", err))
				return NKT_EINVAL;
			o->pings = (uint16_t)v;
			break;
		case OPT_PING_INTERVAL:
			if (nkt_parse_duration_ns(optarg, NKT_NS_PER_MS, 0,
						  60 * NKT_NS_PER_S,
						  &o->ping_interval_ns,
						  "--ping-interval",
						  err) != NKT_OK)
				return NKT_EINVAL;
			break;
		case OPT_JSON:
			o->json_out = optarg;
			break;
		case OPT_TRACES:
			o->traces_out = optarg;
			break;
		case OPT_CI:
			if (nkt_parse_double(optarg, 0.5, 0.9999, &o->level,
					     "--ci", err) != NKT_OK)
				return NKT_EINVAL;
			break;
		case OPT_MIN_UNITS:
			if (num(optarg, 2, 100000, &v, "--min-units", err))
				return NKT_EINVAL;
			o->min_units = (unsigned)v;
			break;
		case OPT_DISCOVER:
		case OPT_NO_DISCOVER:
			o->discover = c == OPT_DISCOVER;
			break;
		case OPT_DISCOVER_RATE:
			if (num(optarg, 1, 100000, &v, "--discover-rate", err))
				return NKT_EINVAL;
			o->discover_pps = (uint32_t)v;
			break;
		case OPT_DISCOVER_MAX:
			if (num(optarg, 1, 254, &v, "--discover-max", err))
				return NKT_EINVAL;
			o->discover_max = (unsigned)v;
			break;
		case OPT_REPROBE:
			if (num(optarg, 0, 5, &v, "--reprobe", err))
				return NKT_EINVAL;
			o->reprobe = (unsigned)v;
			break;
		case OPT_PROGRESS:
			o->progress = 1;
			break;
		case OPT_QUIET:
			o->progress = 0;
			break;
		case 'h':
			o->help = 1;
			return NKT_OK;
		default:
			return nkt_cli_getopt_error(c, argv, err);
		}
	}
	if (optind < argc)
		return nkt_err_set(err, NKT_EINVAL,
				   "unexpected argument '%s' (targets go in "
				   "--targets)",
				   argv[optind]);
	if (o->p.dry_run || o->p.dry_pcap != NULL)
		return nkt_err_set(err, NKT_EINVAL,
				   "compare has no --dry-run (it needs "
				   "replies)");
	if (o->p.first_ttl > o->p.max_ttl)
		return nkt_err_set(err, NKT_EINVAL,
				   "first TTL %u is above the max TTL %u",
				   o->p.first_ttl, o->p.max_ttl);
	if (o->discover == 1 && (o->n_targets > 0 || o->sample_set))
		return nkt_err_set(err, NKT_EINVAL,
				   "--discover finds the targets itself: not "
				   "with --targets or --sample");
	if (o->discover < 0)
		o->discover = o->n_targets == 0 && !o->sample_set;
	return NKT_OK;
}
