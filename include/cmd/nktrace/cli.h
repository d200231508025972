/* SPDX-License-Identifier: ISC */
/*
 * cli.h: argv -> an options struct, for every subcommand, by one
 * table-driven layer.  Pure: no file is read and nothing is printed; every
 * number goes through a bounded parser; a bad option gives NKT_EINVAL and a
 * one-line message in err.
 *
 * An option is a row of a table (struct nkt_opt): its names, what kind of
 * value it takes and where it goes.  Options several commands share are
 * declared once, as groups over their own structs (probing, analysis,
 * databases), and each command lists the groups it takes beside its own
 * table (cli_<command>.c); nkt_cli_parse() turns that into getopt_long's
 * tables, fills the struct, and the command's check runs after it.
 */
#ifndef NKTRACE_CLI_H
#define NKTRACE_CLI_H

#include "nktrace/common.h"
#include "nktrace/probe.h"

#include <stddef.h>
#include <stdint.h>

#define NKT_CLI_MAX_ARGS 4096

/* ---- the layer ------------------------------------------------------------ */

enum nkt_opt_kind {
	NKT_OPT_FLAG,     /* int field = 1 */
	NKT_OPT_CONST,    /* int field = value */
	NKT_OPT_UINT,     /* unsigned field of `size` bytes = value in
			     [lo, hi] times scale */
	NKT_OPT_REAL,     /* double field in [rlo, rhi] */
	NKT_OPT_DURATION, /* uint64_t ns in [lo, hi]; a bare number is in
			     units of `scale` ns */
	NKT_OPT_STR,      /* const char * field = the argument (nonempty
			     when lo is 1) */
	NKT_OPT_FN,       /* fn(base, arg, err): anything else */
	NKT_OPT_FN_NOARG, /* fn(base, NULL, err), no argument */
};

struct nkt_opt {
	const char *name;  /* long name without "--", or NULL */
	int letter;        /* short option, or 0 */
	enum nkt_opt_kind kind;
	size_t off;        /* the field, from the group's base */
	size_t size;       /* NKT_OPT_UINT: the field's size */
	uint64_t lo, hi, scale;
	double rlo, rhi;
	const char *what;  /* how messages name it; NULL: "--name" */
	int value;         /* NKT_OPT_CONST */
	/* NKT_OPT_FN*: apply arg to the group at base; 0 or NKT_EINVAL */
	int (*fn)(void *base, const char *arg, struct nkt_err *err);
};

/* A table (ended by a row without name and letter) over a struct at
 * offset `base` of the command's options struct. */
struct nkt_opt_group {
	const struct nkt_opt *opts;
	size_t base;
};

#define NKT_CLI_GROUPS_MAX 6
#define NKT_CLI_WARN_MAX 4

/*
 * The output convention every command shares: --json selects JSON for the
 * command's main output, -o/--output FILE says where it goes (NULL or "-":
 * standard output), -n/--no-names turns reverse DNS off.  Spellings kept
 * for a while land in warn[], which the command prints.
 */
struct nkt_cli_out {
	int json;
	const char *output;
	int no_names; /* -n */
	int names;    /* --names: names in JSON too */
	int verbose;  /* -v: counts on stderr */
	const char *warn[NKT_CLI_WARN_MAX]; /* deprecation warnings */
	size_t n_warn;
	char warnbuf[NKT_CLI_WARN_MAX][160]; /* warnings made for this
						argv (a bare number's unit) */
	size_t n_warnbuf;
	const char *json_then; /* the argument after a bare --json */
};

struct nkt_cli_spec {
	/* Searched in order: an option of an earlier group hides one of the
	 * same name or letter in a later one (a command's own table first). */
	struct nkt_opt_group groups[NKT_CLI_GROUPS_MAX];
	/* Each operand (non-option argument), or NULL: operands are an
	 * error, "unexpected argument '...'" + no_operand. */
	int (*operand)(void *o, const char *arg, struct nkt_err *err);
	const char *no_operand;
	size_t help; /* offset of the int that -h/--help sets */
	/* Offset + 1 of the command's struct nkt_cli_out, or 0: none (the
	 * command then takes no --json, -o or -n). */
	size_t out;
	/* The old form '--json FILE' (or '--json=FILE'): given the argument
	 * after --json, 1 if it is the old form's FILE (then it becomes -o
	 * FILE with a warning), 0 if it is not (an operand).  NULL: the old
	 * form is refused. */
	int (*old_json)(const void *o, const char *arg);
};

/*
 * Parse argv (argv[0] is the command's name) into o, which the caller
 * has filled with its defaults.  -h/--help sets the help field and stops
 * there (the rest is not checked).  Returns 0, or NKT_EINVAL with err set:
 * "unknown option 'X'", "option 'X' needs a value", or the option's own
 * message ("-q: 0 is out of range [1, 16]").
 */
int nkt_cli_parse(const struct nkt_cli_spec *spec, int argc, char **argv,
		  void *o, struct nkt_err *err);

/* Add a warning to out (dropped beyond NKT_CLI_WARN_MAX). */
void nkt_cli_warn(struct nkt_cli_out *out, const char *msg);

/* An old_json for commands without operands: the argument after --json
 * is always the old form's FILE. */
int nkt_cli_old_json_always(const void *o, const char *arg);

/*
 * Where a summarising command's outputs go (compare, import, report,
 * sweep): *json the JSON's path ("-": standard output) or NULL without
 * --json; *text the text's file with -o and no --json, else NULL (the
 * text then goes to standard output unless JSON is there).
 */
void nkt_cli_main_output(const struct nkt_cli_out *out, const char **json,
			 const char **text);

/* ---- shared groups -------------------------------------------------------- */

/* Probing (trace, compare, run). */
struct nkt_probe_opts {
	enum nkt_method method;
	int method_set;
	int size_default;  /* size is the method's default (not --size) */
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
	int no_annotate;
	const char *dry_pcap; /* --pcap-out with --dry-run */
	int dry_run;
};

/* The annotation databases (trace, compare, run, import, lookup). */
struct nkt_db_opts {
	const char *asn_db, *geo_db; /* NULL: the built-in data */
};

/* Analysis (compare, run, import). */
struct nkt_analysis_opts {
	double level;             /* --ci */
	unsigned min_units;       /* --min-units */
	const char *transits_file; /* --transits; NULL: data/transits.json */
};

extern const struct nkt_opt nkt_probe_group[];
extern const struct nkt_opt nkt_db_group[];
extern const struct nkt_opt nkt_out_group[]; /* --json, -o FILE, -n */
extern const struct nkt_opt nkt_analysis_group[];

/* Defaults of the groups. */
void nkt_probe_opts_default(struct nkt_probe_opts *p);
void nkt_analysis_opts_default(struct nkt_analysis_opts *a);

/* Checks across the probing options, after parsing (the size default of
 * the method is set here).  Returns 0 or NKT_EINVAL. */
int nkt_probe_opts_check(struct nkt_probe_opts *p, struct nkt_err *err);

/* The scheduler settings the probing options give (key, wall offset and
 * end-to-end probes left zero). */
struct nkt_sched_cfg;
void nkt_probe_opts_sched(const struct nkt_probe_opts *p,
			  struct nkt_sched_cfg *c);

/* ---- the commands ------------------------------------------------------- */

struct nkt_trace_opts {
	struct nkt_probe_opts p;
	struct nkt_db_opts db;
	const char *via;      /* IFACE[,GATEWAY] */
	struct nkt_cli_out out; /* --json, -o FILE, -n */
	int json;             /* out.json */
	const char *output;   /* out.output: -o FILE; NULL = stdout */
	int64_t msm_id, prb_id;
	int progress;         /* -1: when stderr is a terminal and the
				 records do not go to it */
	int mda;              /* --mda: every path (trace_mda.c) */
	double mda_confidence; /* --confidence (0.95) */
	int doubletree;       /* --doubletree: the local stop set (sched.h) */
	uint32_t whole_traces; /* --whole-traces: of those, traced whole */
	int help;
	const char *args[NKT_CLI_MAX_ARGS]; /* addresses and prefixes */
	size_t n_args;
	const char *files[64]; /* -f FILE / --file, "-" = stdin */
	size_t n_files;
};

/* `nktrace trace` (argv[0] is "trace").  Returns 0 and fills *o, or
 * NKT_EINVAL with err set. */
int nkt_cli_trace(int argc, char **argv, struct nkt_trace_opts *o,
		  struct nkt_err *err);
extern const char nkt_cli_trace_help[];

#define NKT_CMP_METHODS_MAX 8
#define NKT_CMP_VIA_MAX 7

struct nkt_compare_opts {
	struct nkt_probe_opts p;
	struct nkt_db_opts db;
	struct nkt_analysis_opts a;
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
	const char *discovery_cache; /* compare --discovery-cache, or NULL */
	uint64_t rediscover_ns;   /* compare --rediscover: the cache's
				     longest life */
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
	uint16_t pings;
	uint64_t ping_interval_ns;
	struct nkt_cli_out out;   /* --json, -o FILE, -n */
	const char *json_out;     /* the summary JSON's path ("-"), or NULL */
	const char *text_out;     /* the text's file (-o without --json) */
	const char *traces_out;
	int progress;             /* -1 when stderr is a terminal, 0, 1 */
	int quiet;                /* --quiet: no progress and no text
				     summary on the terminal */
	int help;
};

/*
 * `nktrace compare` (argv[0] is "compare"): compare's defaults are two
 * attempts per hop, a 2 s wait, 16 TTLs in flight, and tcp:80,tcp:443,icmp.
 * Returns 0 or NKT_EINVAL with err set.
 */
int nkt_cli_compare(int argc, char **argv, struct nkt_compare_opts *o,
		    struct nkt_err *err);
extern const char nkt_cli_compare_help[];

/* Compare's own options (run takes them too), its defaults, and its
 * checks after parsing. */
extern const struct nkt_opt nkt_compare_table[];
void nkt_compare_opts_default(struct nkt_compare_opts *o);
int nkt_compare_opts_check(struct nkt_compare_opts *o, struct nkt_err *err);

/* Parse "tcp:80,tcp:443,icmp" into o->methods. */
int nkt_cli_methods(const char *s, struct nkt_compare_opts *o,
		    struct nkt_err *err);

#define NKT_ATLAS_MSM_MAX 64

struct nkt_run_opts {
	struct nkt_compare_opts c; /* every compare option */
	const char *db, *events, *on_event;
	uint64_t every_ns, keep_ns, rediscover_ns;
	uint64_t count;
	int count_set;
	int help;
	/* --atlas: follow RIPE Atlas measurements instead of probing */
	int64_t atlas_msm[NKT_ATLAS_MSM_MAX];
	size_t n_atlas;
	const char *atlas_url;      /* https://atlas.ripe.net */
	const char *atlas_key_file; /* else $NKTRACE_ATLAS_KEY, else none */
	const char *atlas_since;    /* the first fetch's start (24h) */
	uint64_t atlas_timeout_ns;  /* one request's limit (120 s) */
	uint64_t atlas_lookback_ns; /* re-fetched before the last fetch (1h) */
	uint64_t bucket_ns;         /* cycles of results (15m) */
	/* the report written after every cycle, ok or failed */
	const char *report_json, *report_prom, *report_html;
	const char *report_since;   /* its window (7d) */
};

/* `nktrace run`: run's own options and compare's.  Returns 0 or
 * NKT_EINVAL. */
int nkt_cli_run(int argc, char **argv, struct nkt_run_opts *o,
		struct nkt_err *err);
extern const char nkt_cli_run_help[];

#define NKT_CLI_FILES_MAX 4096

struct nkt_import_opts {
	struct nkt_db_opts db;
	struct nkt_analysis_opts a;
	int format; /* enum nkt_import_fmt */
	struct nkt_cli_out out; /* --json, -o FILE */
	const char *json_out, *text_out; /* nkt_cli_main_output() of out */
	const char *traces_out;
	const char *mda_out; /* --mda: scamper tracelb records as MDA graphs */
	const char *history; /* --db: backfill this history */
	uint64_t bucket_ns;  /* --bucket: its cycles' length (15 min) */
	uint64_t max_errors;
	int per_vantage, detail, quiet;
	const char *files[NKT_CLI_FILES_MAX]; /* inputs; none: stdin */
	size_t n_files;
	int help;
};

int nkt_cli_import(int argc, char **argv, struct nkt_import_opts *o,
		   struct nkt_err *err);
extern const char nkt_cli_import_help[];

struct nkt_atlas_opts {
	const char *action;         /* "create" */
	const char *addrs[64];      /* targets; none: the known hosts */
	size_t n_addrs;
	const char *protocols;      /* "tcp80" by default */
	uint64_t probes, paris, packets;
	uint64_t max_credits;       /* refused above, a day (one-off: all) */
	uint64_t interval_ns;       /* 0: --one-off */
	int one_off, dry_run;
	const char *area, *country;
	const char *atlas_url, *atlas_key_file;
	const char *transits_file;  /* for the data directory's targets */
	struct nkt_cli_out out;     /* --json, -o FILE, -v */
	int help;
};

/* `nktrace atlas create`.  Returns 0 or NKT_EINVAL. */
int nkt_cli_atlas(int argc, char **argv, struct nkt_atlas_opts *o,
		  struct nkt_err *err);
extern const char nkt_cli_atlas_help[];

struct nkt_lookup_opts {
	struct nkt_db_opts db;
	struct nkt_cli_out out; /* --json, -o FILE */
	int json;               /* out.json */
	const char *file; /* -f FILE, or "-" */
	const char *addrs[NKT_CLI_MAX_ARGS];
	size_t n_addrs;
	int help;
};

int nkt_cli_lookup(int argc, char **argv, struct nkt_lookup_opts *o,
		   struct nkt_err *err);
extern const char nkt_cli_lookup_help[];

struct nkt_bgp_opts {
	struct nkt_cli_out out;   /* --json, -o FILE */
	const char *json_out;     /* nkt_cli_main_output() of out */
	const char *text_out;
	const char *prefixes[64]; /* -p/--prefix */
	size_t n_prefixes;
	uint32_t origins[64];     /* --origin */
	size_t n_origins;
	int records, all;
	uint64_t max_errors;
	const char *transits;     /* --transits FILE */
	const char *db;           /* --db FILE: the history */
	const char *files[NKT_CLI_FILES_MAX];
	size_t n_files;
	int help;
};

/* `nktrace bgp` (argv[0] is "bgp").  Returns 0 or NKT_EINVAL. */
int nkt_cli_bgp(int argc, char **argv, struct nkt_bgp_opts *o,
		struct nkt_err *err);
extern const char nkt_cli_bgp_help[];

struct nkt_replay_opts {
	struct nkt_cli_out out; /* --json, -o FILE */
	int json;           /* out.json */
	const char *output; /* out.output: -o FILE; NULL = stdout */
	const char *files[NKT_CLI_FILES_MAX];
	size_t n_files;
	int help;
};

int nkt_cli_replay(int argc, char **argv, struct nkt_replay_opts *o,
		   struct nkt_err *err);
extern const char nkt_cli_replay_help[];

struct nkt_report_opts {
	const char *db;
	const char *since, *until; /* nkt_cli_when() forms; until NULL: now */
	struct nkt_cli_out out;    /* --json, -o FILE */
	const char *json, *text;   /* nkt_cli_main_output() of out */
	const char *prom, *html, *title;
	const char *dump;  /* --traces RUN / --summary RUN */
	int dump_summary;  /* which of the two */
	int help;
};

int nkt_cli_report(int argc, char **argv, struct nkt_report_opts *o,
		   struct nkt_err *err);
extern const char nkt_cli_report_help[];

/* A --since/--until value at `now` (s since the epoch): a duration back
 * ("24h", "7d"), "all" (0), or a UTC date/time.  Returns 0 or NKT_EINVAL. */
int nkt_cli_when(const char *s, int64_t now, int64_t *out, const char *what,
		 struct nkt_err *err);

#define NKT_MTR_VIA_MAX 4
struct nkt_mtr_opts {
	struct nkt_probe_opts p;
	struct nkt_db_opts db;
	struct nkt_cli_out out;  /* --json (with --report), -o FILE, -n */
	const char *target;      /* an address or a host name */
	uint64_t count;          /* rounds; 0 = until interrupted */
	int report;              /* --report N, -r: no live view */
	int wide;                /* --report-wide: the full columns */
	int r_flag;              /* -r given (mtr's report) */
	int old_rate;            /* "-r N": the rate, as nktrace had it */
	uint64_t interval_ns;    /* -i */
	struct {
		char name[32];   /* the column's title */
		const char *spec; /* IFACE[,GATEWAY] */
	} via[NKT_MTR_VIA_MAX];
	size_t n_via;
	int help;
};
/* `nktrace mtr` (argv[0] is "mtr"): one probe per hop per round, a 1 s wait
 * and a 1 s interval by default.  Returns 0 or NKT_EINVAL. */
int nkt_cli_mtr(int argc, char **argv, struct nkt_mtr_opts *o,
		struct nkt_err *err);
extern const char nkt_cli_mtr_help[];

#define NKT_SWEEP_PROBES_MAX (64ULL << 20)

struct nkt_sweep_opts {
	const char *args[NKT_CLI_MAX_ARGS]; /* addresses and prefixes */
	size_t n_args;
	const char *files[64];              /* -f FILE */
	size_t n_files;
	struct nkt_cli_out o;   /* --json, -o FILE */
	const char *json, *text; /* nkt_cli_main_output() of o */
	const char *out;        /* --traces FILE (was --out) */
	const char *user, *src;
	uint64_t rate, wait_ns, seed, pcap_buffer; /* pcap_buffer in bytes */
	unsigned batch;
	uint8_t first_ttl, max_ttl;
	int have_seed, quiet;
	int progress; /* -1: when stderr is a terminal */
	int help;
};

int nkt_cli_sweep(int argc, char **argv, struct nkt_sweep_opts *o,
		  struct nkt_err *err);
extern const char nkt_cli_sweep_help[];

/* Append an operand to list (*n of max): 0, or NKT_EINVAL "more than
 * MAX WHAT" when full. */
int nkt_cli_push(const char **list, size_t *n, size_t max, const char *arg,
		 const char *what, struct nkt_err *err);

/*
 * One "NAME=IFACE[,GATEWAY]" (compare's and mtr's --via), the n-th of at
 * most max: NAME into name (name_len bytes), *spec at IFACE[,GATEWAY].
 * Returns 0 or NKT_EINVAL: bad form, name too long, too many, bad spec.
 */
int nkt_cli_named_via(const char *arg, char *name, size_t name_len,
		      const char **spec, size_t n, size_t max,
		      struct nkt_err *err);

/*
 * Split "IFACE[,GATEWAY]" into iface (a buffer of 16 bytes) and *gw (0 if
 * absent).  Returns 0 or NKT_EINVAL.
 */
int nkt_cli_via(const char *s, char *iface, uint32_t *gw,
		struct nkt_err *err);

#endif
