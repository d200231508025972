/* SPDX-License-Identifier: ISC */
/*
 * cli.h: argv -> configuration, for each subcommand.  Pure: no file is
 * read and nothing is printed; every number goes through a bounded parser;
 * a bad option gives NKT_EINVAL and a one-line message in err.
 */
#ifndef NKTRACE_CLI_H
#define NKTRACE_CLI_H

#include "nktrace/common.h"
#include "nktrace/probe.h"

#include <stddef.h>
#include <stdint.h>

#define NKT_CLI_MAX_ARGS 4096

/* Options every probing command shares (trace, compare, run). */
struct nkt_probe_opts {
	enum nkt_method method;
	int method_set;
	uint16_t port;     /* destination port; 0 = the method's default */
	uint16_t sport;    /* 0 = NKT_FLOW_PORT_BASE + paris id */
	uint8_t paris_id;  /* 1..255 */
	uint16_t size;     /* 0 = 60 (ICMP, UDP) or 40 (TCP) */
	uint8_t tos;
	uint32_t pps;      /* -r */
	uint32_t hop_pps;  /* --hop-rate */
	uint32_t window;   /* --window */
	uint8_t ttl_window;
	uint8_t attempts;  /* -q */
	uint8_t first_ttl; /* -f N / --first-ttl */
	uint8_t max_ttl;   /* -m */
	uint8_t gaplimit;  /* -g */
	uint8_t loops;
	uint64_t wait_ns;  /* -w */
	const char *src;   /* --src */
	const char *user;  /* --user; NULL = nkt_priv_default_user() */
	uint64_t seed;
	int have_seed;
	size_t pcap_buffer;
	const char *asn_db, *geo_db;
	int no_annotate;
	const char *dry_pcap; /* --pcap-out with --dry-run */
	int dry_run;
};

struct nkt_trace_opts {
	struct nkt_probe_opts p;
	const char *via;      /* IFACE[,GATEWAY] */
	int json;
	const char *output;   /* -o FILE; NULL = stdout */
	int64_t msm_id, prb_id;
	int verbose;
	int help;
	const char *args[NKT_CLI_MAX_ARGS]; /* addresses and prefixes */
	size_t n_args;
	const char *files[64]; /* -f FILE / --file, "-" = stdin */
	size_t n_files;
};

/* Defaults of the shared probing options. */
void nkt_probe_opts_default(struct nkt_probe_opts *p);

struct nkt_sched_cfg;
/* The scheduler settings the probing options give (key, wall offset and
 * end-to-end probes left zero). */
void nkt_probe_opts_sched(const struct nkt_probe_opts *p,
			  struct nkt_sched_cfg *c);

/*
 * Parse `nktrace trace` arguments (argv[0] is "trace").  Returns 0 and
 * fills *o, or NKT_EINVAL with err set.  o->help is set by -h/--help (the
 * rest is then not checked).
 */
int nkt_cli_trace(int argc, char **argv, struct nkt_trace_opts *o,
		  struct nkt_err *err);

#define NKT_CMP_METHODS_MAX 8
#define NKT_CMP_VIA_MAX 7

struct nkt_compare_opts {
	struct nkt_probe_opts p;
	const char *targets[NKT_CLI_MAX_ARGS]; /* --targets: address, prefix
						  or file */
	size_t n_targets;
	unsigned sample;          /* per /24; 0 with sample_set: none */
	int sample_set;
	int discover;             /* 1 on, 0 off, -1 default (on without
				     --targets and --sample) */
	uint32_t discover_pps;    /* --discover-rate */
	unsigned discover_max;    /* --discover-max: hosts kept per /24 */
	unsigned reprobe;         /* --reprobe: rounds for targets left
				     unattributed; 0 = none */
	struct {
		uint8_t method;   /* enum nkt_method */
		uint16_t port;
	} methods[NKT_CMP_METHODS_MAX];
	size_t n_methods;
	struct {
		char name[64];    /* transit name, or a prefix of one */
		const char *spec; /* IFACE[,GATEWAY] */
	} via[NKT_CMP_VIA_MAX];
	size_t n_via;
	const char *transits_file;
	uint16_t pings;
	uint64_t ping_interval_ns;
	const char *json_out;
	const char *traces_out;
	double level;
	unsigned min_units;       /* --min-units */
	int progress;             /* -1 when stderr is a terminal, 0, 1 */
	int help;
};

/*
 * Parse `nktrace compare` arguments (argv[0] is "compare"): compare's
 * defaults are two attempts per hop, a 2 s wait, 16 TTLs in flight, and
 * tcp:80,tcp:443,icmp.  Returns 0 or NKT_EINVAL with err set.
 */
int nkt_cli_compare(int argc, char **argv, struct nkt_compare_opts *o,
		    struct nkt_err *err);

/* Parse "tcp:80,tcp:443,icmp" into o->methods. */
int nkt_cli_methods(const char *s, struct nkt_compare_opts *o,
		    struct nkt_err *err);

extern const char nkt_cli_compare_help[];

/* The --help text of `nktrace trace`. */
extern const char nkt_cli_trace_help[];

/*
 * Split "IFACE[,GATEWAY]" into iface (a buffer of 16 bytes) and *gw (0 if
 * absent).  Returns 0 or NKT_EINVAL.
 */
int nkt_cli_via(const char *s, char *iface, uint32_t *gw,
		struct nkt_err *err);

/*
 * The error for what getopt_long (optstring starting with ':') returned
 * when it was not an option of ours: c == ':' is a missing value, anything
 * else an unknown option; names argv[optind - 1].  Returns NKT_EINVAL.
 */
int nkt_cli_getopt_error(int c, char **argv, struct nkt_err *err);

#endif
