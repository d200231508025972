// SPDX-License-Identifier: ISC
/* test_cli.c: every subcommand's argument parsing, row by row; for each
 * command invalid rows outnumber valid ones (as in scamper's
 * unit_cmd_trace.c); then the values the rows set. */
#include "nkt_test.h"
#include "nktrace/cli.h"

#define MAXA 16

struct row {
	const char *argv[MAXA];
	int rc;
	const char *msg; /* prefix of the error message */
};

static const struct row rows[] = {
	/* valid */
	{{"trace", "175.45.176.71", NULL}, NKT_OK, NULL},
	{{"trace", "-P", "tcp", "-p", "443", "175.45.176.0/24", NULL}, NKT_OK,
	 NULL},
	{{"trace", "-P", "udp", "-q", "1", "-w", "500ms", "-m", "20", "-g",
	  "3", "1.2.3.4", NULL},
	 NKT_OK, NULL},
	{{"trace", "-f", "5", "1.2.3.4", NULL}, NKT_OK, NULL},
	{{"trace", "-f", "targets.txt", NULL}, NKT_OK, NULL},
	{{"trace", "-", NULL}, NKT_OK, NULL},
	{{"trace", "--via", "ttk0,10.20.0.1", "--json", "-o", "x.json",
	  "1.2.3.4", NULL},
	 NKT_OK, NULL},
	{{"trace", "--dry-run", "--pcap-out", "x.pcap", "--seed", "1",
	  "1.2.3.4", NULL},
	 NKT_OK, NULL},
	{{"trace", "--help", NULL}, NKT_OK, NULL},
	/* invalid */
	{{"trace", NULL}, NKT_EINVAL, "no target"},
	{{"trace", "-P", "sctp", "1.2.3.4", NULL}, NKT_EINVAL,
	 "-P: 'sctp' is not a method"},
	{{"trace", "-P", NULL}, NKT_EINVAL, "option '-P' needs a value"},
	{{"trace", "-q", "0", "1.2.3.4", NULL}, NKT_EINVAL, "-q: 0 is out"},
	{{"trace", "-q", "17", "1.2.3.4", NULL}, NKT_EINVAL, "-q: 17 is out"},
	{{"trace", "-q", "x", "1.2.3.4", NULL}, NKT_EINVAL, "-q: 'x' is not"},
	{{"trace", "-w", "0", "1.2.3.4", NULL}, NKT_EINVAL, "-w: 0 is out"},
	{{"trace", "-w", "2min", "1.2.3.4", NULL}, NKT_EINVAL,
	 "-w: '2min' is not a duration"},
	{{"trace", "-w", "61s", "1.2.3.4", NULL}, NKT_EINVAL, "-w: 61s is out"},
	{{"trace", "-m", "256", "1.2.3.4", NULL}, NKT_EINVAL, "-m: 256 is out"},
	{{"trace", "-m", "0", "1.2.3.4", NULL}, NKT_EINVAL, "-m: 0 is out"},
	{{"trace", "-f", "0", "1.2.3.4", NULL}, NKT_EINVAL,
	 "first TTL: 0 is out"},
	{{"trace", "-f", "10", "-m", "5", "1.2.3.4", NULL}, NKT_EINVAL,
	 "first TTL 10 is above"},
	{{"trace", "-g", "0", "1.2.3.4", NULL}, NKT_EINVAL, "-g: 0 is out"},
	{{"trace", "-r", "0", "1.2.3.4", NULL}, NKT_EINVAL, "-r: 0 is out"},
	{{"trace", "-r", "-5", "1.2.3.4", NULL}, NKT_EINVAL, "-r: '-5' is not"},
	{{"trace", "-r", "1e3", "1.2.3.4", NULL}, NKT_EINVAL,
	 "-r: '1e3' is not"},
	{{"trace", "-p", "0", "-P", "tcp", "1.2.3.4", NULL}, NKT_EINVAL,
	 "--port: 0 is out"},
	{{"trace", "-p", "70000", "-P", "tcp", "1.2.3.4", NULL}, NKT_EINVAL,
	 "--port: 70000 is out"},
	{{"trace", "-p", "80", "1.2.3.4", NULL}, NKT_EINVAL,
	 "--port needs -P udp or -P tcp"},
	{{"trace", "--size", "20", "1.2.3.4", NULL}, NKT_EINVAL,
	 "--size: 20 is out"},
	{{"trace", "--size", "30", "1.2.3.4", NULL}, NKT_EINVAL,
	 "--size 30 is below"},
	{{"trace", "-P", "tcp", "--size", "39", "1.2.3.4", NULL}, NKT_EINVAL,
	 "--size 39 is below"},
	{{"trace", "--size", "9000", "1.2.3.4", NULL}, NKT_EINVAL,
	 "--size: 9000 is out"},
	{{"trace", "--paris-id", "0", "1.2.3.4", NULL}, NKT_EINVAL,
	 "--paris-id: 0 is out"},
	{{"trace", "--src", "1.2.3", "1.2.3.4", NULL}, NKT_EINVAL,
	 "--src: '1.2.3' is not"},
	{{"trace", "--via", ",10.0.0.1", "1.2.3.4", NULL}, NKT_EINVAL,
	 "--via ',10.0.0.1'"},
	{{"trace", "--via", "eth0,10.0.0", "1.2.3.4", NULL}, NKT_EINVAL,
	 "--via 'eth0,10.0.0': '10.0.0' is not"},
	{{"trace", "--via", "averyveryverylongname", "1.2.3.4", NULL},
	 NKT_EINVAL, "--via"},
	{{"trace", "--dry-run", "1.2.3.4", NULL}, NKT_EINVAL,
	 "--dry-run needs --pcap-out"},
	{{"trace", "--pcap-out", "x", "1.2.3.4", NULL}, NKT_EINVAL,
	 "--pcap-out is for --dry-run"},
	{{"trace", "--bogus", "1.2.3.4", NULL}, NKT_EINVAL, "unknown option"},
	{{"trace", "-x", "1.2.3.4", NULL}, NKT_EINVAL, "unknown option"},
	{{"trace", "--hop-rate", "x", "1.2.3.4", NULL}, NKT_EINVAL,
	 "--hop-rate: 'x' is not"},
	{{"trace", "--window", "0", "1.2.3.4", NULL}, NKT_EINVAL,
	 "--window: 0 is out"},
	{{"trace", "--ttl-window", "0", "1.2.3.4", NULL}, NKT_EINVAL,
	 "--ttl-window: 0 is out"},
	{{"trace", "--seed", "-1", "1.2.3.4", NULL}, NKT_EINVAL,
	 "--seed: '-1' is not"},
	{{"trace", "--msm-id", "x", "1.2.3.4", NULL}, NKT_EINVAL,
	 "--msm-id: 'x' is not"},
	{{"trace", "--pcap-buffer", "0", "1.2.3.4", NULL}, NKT_EINVAL,
	 "--pcap-buffer (MiB): 0 is out"},
	{{"trace", "-o", "", "1.2.3.4", NULL}, NKT_EINVAL, "-o: empty"},
	{{"trace", "--user", "", "1.2.3.4", NULL}, NKT_EINVAL,
	 "--user: empty"},
	{{"trace", "--tos", "256", "1.2.3.4", NULL}, NKT_EINVAL,
	 "--tos: 256 is out"},
};

/* The other commands' rows: the same layer, their own tables. */
static const struct row more_rows[] = {
	/* compare */
	{{"compare", NULL}, NKT_OK, NULL},
	{{"compare", "--targets", "175.45.176.0/24", "--methods", "icmp",
	  "-q", "1", "--ci", "0.9", "--min-units", "3", NULL},
	 NKT_OK, NULL},
	{{"compare", "--via", "ttk=ttk0,10.20.0.1", "--no-discover",
	  "--reprobe", "0", "--asn-db", "a.mmdb", NULL},
	 NKT_OK, NULL},
	{{"compare", "-P", "tcp", NULL}, NKT_EINVAL,
	 "use --methods and --targets"},
	{{"compare", "-f", "t.txt", NULL}, NKT_EINVAL,
	 "use --methods"},
	{{"compare", "1.2.3.4", NULL}, NKT_EINVAL,
	 "unexpected argument '1.2.3.4' (targets go in --targets)"},
	{{"compare", "--ci", "0.3", NULL}, NKT_EINVAL, "--ci: 0.3 is out"},
	{{"compare", "--min-units", "1", NULL}, NKT_EINVAL,
	 "--min-units: 1 is out"},
	{{"compare", "--methods", "sctp", NULL}, NKT_EINVAL,
	 "--methods: 'sctp' is not"},
	{{"compare", "--methods", "icmp:80", NULL}, NKT_EINVAL,
	 "--methods: icmp takes no port"},
	{{"compare", "--via", "ttk0", NULL}, NKT_EINVAL,
	 "--via 'ttk0': want NAME=IFACE"},
	{{"compare", "--discover", "--targets", "1.2.3.4", NULL}, NKT_EINVAL,
	 "--discover finds the targets itself"},
	{{"compare", "--dry-run", "--pcap-out", "x", NULL}, NKT_EINVAL,
	 "compare has no --dry-run"},
	{{"compare", "--pings", "1001", NULL}, NKT_EINVAL,
	 "--pings: 1001 is out"},
	{{"compare", "--targets", "", NULL}, NKT_EINVAL, "--targets: empty"},
	/* run */
	{{"run", "--db", "h.db", NULL}, NKT_OK, NULL},
	{{"run", "--db=h.db", "--every", "15m", "--keep", "90d", "-r", "50",
	  "--targets", "175.45.176.71", NULL},
	 NKT_OK, NULL},
	{{"run", NULL}, NKT_EINVAL, "--db FILE is required"},
	{{"run", "--db", "h.db", "--count", "2", NULL}, NKT_EINVAL,
	 "--count needs --every"},
	{{"run", "--db", "h.db", "--every", "0", NULL}, NKT_EINVAL,
	 "--every: 0 is out"},
	{{"run", "--db", "h.db", "--keep", "1s", NULL}, NKT_EINVAL,
	 "--keep: 1s is out"},
	{{"run", "--db", "h.db", "--json", "x.json", NULL}, NKT_EINVAL,
	 "run keeps summaries and traces in --db"},
	{{"run", "--db", "h.db", "-q", "0", NULL}, NKT_EINVAL, "-q: 0 is out"},
	{{"run", "--db", NULL}, NKT_EINVAL, "option '--db' needs a value"},
	/* import */
	{{"import", NULL}, NKT_OK, NULL},
	{{"import", "--format", "scamper", "--ci", "0.99", "--transits",
	  "t.json", "-q", "a.json", "b.json", NULL},
	 NKT_OK, NULL},
	{{"import", "--format", "warts", NULL}, NKT_EINVAL,
	 "--format 'warts': expected atlas, scamper or auto"},
	{{"import", "--ci", "1", NULL}, NKT_EINVAL, "--ci: 1 is out"},
	{{"import", "--min-units", "x", NULL}, NKT_EINVAL,
	 "--min-units: 'x' is not"},
	{{"import", "--max-errors", "-1", NULL}, NKT_EINVAL,
	 "--max-errors: '-1' is not"},
	{{"import", "--bootstrap", "100", NULL}, NKT_EINVAL,
	 "unknown option '--bootstrap'"},
	/* atlas */
	{{"atlas", "create", "--dry-run", NULL}, NKT_OK, NULL},
	{{"atlas", "create", "--protocols", "tcp443,icmp", "--country", "DE",
	  "--one-off", "--probes", "10", "175.45.176.71", NULL},
	 NKT_OK, NULL},
	{{"atlas", NULL}, NKT_EINVAL, "no action"},
	{{"atlas", "delete", NULL}, NKT_EINVAL, "unknown action 'delete'"},
	{{"atlas", "create", "--protocols", "udp", NULL}, NKT_EINVAL,
	 "--protocols 'udp': expected"},
	{{"atlas", "create", "--area", "WW", "--country", "DE", NULL},
	 NKT_EINVAL, "--area and --country exclude"},
	{{"atlas", "create", "--country", "Germany", NULL}, NKT_EINVAL,
	 "--country 'Germany'"},
	{{"atlas", "create", "--probes", "0", NULL}, NKT_EINVAL,
	 "--probes: 0 is out"},
	/* run --atlas */
	{{"run", "--db", "h.db", "--atlas", "5004,29792007", "--bucket", "1h",
	  "--atlas-since", "2026-11-27", NULL},
	 NKT_OK, NULL},
	{{"run", "--db", "h.db", "--atlas", "5004,,1", NULL}, NKT_EINVAL,
	 "--atlas '5004,,1'"},
	{{"run", "--db", "h.db", "--atlas", "x", NULL}, NKT_EINVAL,
	 "--atlas: 'x' is not"},
	/* lookup */
	{{"lookup", "175.45.176.71", NULL}, NKT_OK, NULL},
	{{"lookup", "--json", "-f", "a.txt", "-", NULL}, NKT_OK, NULL},
	{{"lookup", "--bogus", NULL}, NKT_EINVAL, "unknown option '--bogus'"},
	{{"lookup", "-f", NULL}, NKT_EINVAL, "option '-f' needs a value"},
	{{"lookup", "--asn-db", NULL}, NKT_EINVAL,
	 "option '--asn-db' needs a value"},
	/* replay */
	{{"replay", "x.pcap", NULL}, NKT_OK, NULL},
	{{"replay", "--json", "-o", "out.json", "-v", "a.pcap", "-", NULL},
	 NKT_OK, NULL},
	{{"replay", NULL}, NKT_EINVAL, "no capture file given"},
	{{"replay", "-o", NULL}, NKT_EINVAL, "option '-o' needs a value"},
	{{"replay", "-x", "a.pcap", NULL}, NKT_EINVAL, "unknown option '-x'"},
	/* report */
	{{"report", "--db", "h.db", NULL}, NKT_OK, NULL},
	{{"report", "--db", "h.db", "--since", "7d", "--json", "-",
	  "--summary", "latest", NULL},
	 NKT_OK, NULL},
	{{"report", NULL}, NKT_EINVAL, "--db FILE is required"},
	{{"report", "--db", "h.db", "extra", NULL}, NKT_EINVAL,
	 "unexpected argument 'extra'"},
	{{"report", "--db", "h.db", "--since", NULL}, NKT_EINVAL,
	 "option '--since' needs a value"},
	{{"report", "--db", "h.db", "-q", NULL}, NKT_EINVAL,
	 "unknown option '-q'"},
	/* sweep */
	{{"sweep", "198.18.0.0/24", NULL}, NKT_OK, NULL},
	{{"sweep", "-f", "t.txt", "-m", "8", "--rate", "5000", "--batch",
	  "256", "--seed", "3", "--pcap-buffer", "1048576", NULL},
	 NKT_OK, NULL},
	{{"sweep", NULL}, NKT_EINVAL, "no targets"},
	{{"sweep", "--rate", "0", "1.2.3.4", NULL}, NKT_EINVAL,
	 "--rate: 0 is out of range [1, 10000000]"},
	{{"sweep", "--first-ttl", "10", "-m", "5", "1.2.3.4", NULL},
	 NKT_EINVAL, "--max-ttl 5 is below --first-ttl 10"},
	{{"sweep", "--batch", "1000", "1.2.3.4", NULL}, NKT_EINVAL,
	 "--batch: 1000 is out of range [1, 256]"},
	{{"sweep", "--pcap-buffer", "1025", "1.2.3.4", NULL}, NKT_EINVAL,
	 "--pcap-buffer 1025: expected MiB"},
	{{"sweep", "--pcap-buffer", "0", "1.2.3.4", NULL}, NKT_EINVAL,
	 "--pcap-buffer (MiB): 0 is out"},
	{{"sweep", "-w", "11m", "1.2.3.4", NULL}, NKT_EINVAL, "--wait: 11m is"},
	{{"sweep", "--seed", "x", "1.2.3.4", NULL}, NKT_EINVAL,
	 "--seed: 'x' is not"},
};

/* Parse argv with the parser its argv[0] names; the options are freed. */
static int parse_any(int argc, char **argv, struct nkt_err *err, int *help)
{
	const char *c = argv[0];
	void *o = NULL;
	int rc = NKT_EINVAL;

#define ONE(name, type, fn)                                                    	if (strcmp(c, name) == 0) {                                            		type *x = nkt_xcalloc(1, sizeof(*x));                          		rc = fn(argc, argv, x, err);                                   		*help = x->help;                                               		o = x;                                                         	}
	ONE("trace", struct nkt_trace_opts, nkt_cli_trace)
	ONE("compare", struct nkt_compare_opts, nkt_cli_compare)
	ONE("run", struct nkt_run_opts, nkt_cli_run)
	ONE("import", struct nkt_import_opts, nkt_cli_import)
	ONE("lookup", struct nkt_lookup_opts, nkt_cli_lookup)
	ONE("replay", struct nkt_replay_opts, nkt_cli_replay)
	ONE("report", struct nkt_report_opts, nkt_cli_report)
	ONE("sweep", struct nkt_sweep_opts, nkt_cli_sweep)
	ONE("atlas", struct nkt_atlas_opts, nkt_cli_atlas)
#undef ONE
	free(o);
	return rc;
}

static void run_rows(const struct row *r, size_t n)
{
	static const char *const cmds[] = {"trace",  "compare", "run",
					   "import", "lookup",  "replay",
					   "report", "sweep",	"atlas"};
	size_t valid[9] = {0}, invalid[9] = {0}, i, k;

	for (i = 0; i < n; i++) {
		char *argv[MAXA];
		struct nkt_err err = {0, ""};
		int argc = 0, rc, help = 0;
		while (r[i].argv[argc] != NULL) {
			argv[argc] = (char *)(uintptr_t)r[i].argv[argc];
			argc++;
		}
		argv[argc] = NULL;
		rc = parse_any(argc, argv, &err, &help);
		if (rc != r[i].rc ||
		    (r[i].msg != NULL &&
		     strncmp(err.msg, r[i].msg, strlen(r[i].msg)) != 0)) {
			fprintf(stderr, "row %s %zu (%s ...): rc %d, '%s'\n",
				r[i].argv[0], i,
				r[i].argv[1] ? r[i].argv[1] : "", rc, err.msg);
			CHECK(0);
		} else
			CHECK(1);
		for (k = 0; k < NKT_ARRAY_LEN(cmds); k++)
			if (strcmp(cmds[k], r[i].argv[0]) == 0) {
				if (r[i].rc == NKT_OK)
					valid[k]++;
				else
					invalid[k]++;
			}
	}
	for (k = 0; k < NKT_ARRAY_LEN(cmds); k++)
		CHECK(valid[k] == 0 || invalid[k] > valid[k]);
}

static void test_rows(void)
{
	run_rows(rows, NKT_ARRAY_LEN(rows));
	run_rows(more_rows, NKT_ARRAY_LEN(more_rows));
}

/* A time as a bare number works as it did, with a line naming the unit
 * it was taken in (each option its own unit: cron lines keep working). */
static void test_bare_numbers(void)
{
	char *a[] = {"run", "--db", "h.db", "--every", "15", "--keep", "90",
		     "--rediscover", "6", "-w", "2s", NULL};
	struct nkt_run_opts *r = nkt_xcalloc(1, sizeof(*r));

	CHECK_INT(nkt_cli_run(11, a, r, NULL), NKT_OK);
	CHECK_U64(r->every_ns, 15 * NKT_NS_PER_S);
	CHECK_U64(r->keep_ns, 90ULL * 86400 * NKT_NS_PER_S);
	CHECK_U64(r->rediscover_ns, 6ULL * 3600 * NKT_NS_PER_S);
	CHECK_INT(r->c.out.n_warn, 3);
	if (r->c.out.n_warn == 3) {
		CHECK_STR(r->c.out.warn[0], "--every 15 is taken as 15 seconds: "
					    "give the unit (15s)");
		CHECK_STR(r->c.out.warn[1], "--keep 90 is taken as 90 days: give "
					    "the unit (90d)");
		CHECK_STR(r->c.out.warn[2], "--rediscover 6 is taken as 6 hours: "
					    "give the unit (6h)");
	}
	free(r);
}

/* -h anywhere is help, for every command, and stops the parse. */
static void test_help(void)
{
	static const char *const cmds[] = {"trace",  "compare", "run",
					   "import", "lookup",  "replay",
					   "report", "sweep",	"atlas"};
	size_t k;
	for (k = 0; k < NKT_ARRAY_LEN(cmds); k++) {
		char *argv[] = {(char *)(uintptr_t)cmds[k], "--bogus-later",
				NULL};
		char *argv2[] = {(char *)(uintptr_t)cmds[k], "-h",
				 "--bogus", NULL};
		struct nkt_err err = {0, ""};
		int help = 0;
		CHECK_INT(parse_any(2, argv, &err, &help), NKT_EINVAL);
		CHECK_INT(parse_any(3, argv2, &err, &help), NKT_OK);
		CHECK_INT(help, 1);
	}
}

static void test_values(void)
{
	char *a1[] = {"trace", "-P", "tcp", "-p", "443", "-q", "1", "-f",
		      "4", "-f", "t.txt", "-", "175.45.176.71", NULL};
	char *a2[] = {"trace", "1.2.3.4", NULL};
	struct nkt_trace_opts *o = nkt_xcalloc(1, sizeof(*o));
	CHECK_INT(nkt_cli_trace(13, a1, o, NULL), NKT_OK);
	CHECK_INT(o->p.method, NKT_METHOD_TCP);
	CHECK_INT(o->p.port, 443);
	CHECK_INT(o->p.attempts, 1);
	CHECK_INT(o->p.first_ttl, 4);
	CHECK_INT(o->p.size, 40);
	CHECK_INT(o->n_files, 2);
	CHECK_STR(o->files[0], "t.txt");
	CHECK_STR(o->files[1], "-");
	CHECK_INT(o->n_args, 1);
	CHECK_STR(o->args[0], "175.45.176.71");
	CHECK_INT(nkt_cli_trace(2, a2, o, NULL), NKT_OK);
	CHECK_INT(o->p.method, NKT_METHOD_ICMP);
	CHECK_INT(o->p.size, 60);
	CHECK_INT(o->p.pps, 100);
	CHECK_INT(o->p.attempts, 3);
	CHECK_INT(o->p.gaplimit, 5);
	CHECK_INT(o->p.max_ttl, 30);
	CHECK_U64(o->p.wait_ns, 3 * NKT_NS_PER_S);
	free(o);
}

/* Where the shared groups' values land, and each command's defaults. */
static void test_group_values(void)
{
	char *c1[] = {"compare", "--ci", "0.9", "--min-units", "7",
		      "--asn-db", "a.mmdb", "--transits", "t.json", "-q", "1",
		      "--pcap-buffer", "2", NULL};
	char *r1[] = {"run", "--db", "h.db", "--every", "15m", "--ci",
		      "0.99", "--targets", "175.45.176.71", NULL};
	char *i1[] = {"import", "--geo-db", "g.mmdb", "--min-units", "4",
		      "x.json", "-", NULL};
	char *s1[] = {"sweep", "-m", "8", "--batch", "16", "1.2.3.4", NULL};
	char *q1[] = {"report", "--db", "h.db", "--traces", "3", NULL};
	struct nkt_compare_opts *c = nkt_xcalloc(1, sizeof(*c));
	struct nkt_run_opts *r = nkt_xcalloc(1, sizeof(*r));
	struct nkt_import_opts *im = nkt_xcalloc(1, sizeof(*im));
	struct nkt_sweep_opts *sw = nkt_xcalloc(1, sizeof(*sw));
	struct nkt_report_opts q;

	CHECK_INT(nkt_cli_compare(13, c1, c, NULL), NKT_OK);
	CHECK_NEAR(c->a.level, 0.9, 0);
	CHECK_INT(c->a.min_units, 7);
	CHECK_STR(c->db.asn_db, "a.mmdb");
	CHECK_STR(c->a.transits_file, "t.json");
	CHECK_INT(c->p.attempts, 1);
	CHECK_U64(c->p.pcap_buffer, 2u << 20);
	CHECK_U64(c->p.wait_ns, 2 * NKT_NS_PER_S); /* compare's default */
	CHECK_INT(c->n_methods, 3);
	CHECK_INT(c->discover, 1); /* no --targets, no --sample */
	CHECK_INT(nkt_cli_run(9, r1, r, NULL), NKT_OK);
	CHECK_STR(r->db, "h.db");
	CHECK_U64(r->every_ns, 900 * NKT_NS_PER_S);
	CHECK_U64(r->count, 0); /* forever with --every */
	CHECK_INT(r->c.out.n_warn, 0); /* every time has its unit */
	CHECK_U64(r->rediscover_ns, 6 * 3600 * NKT_NS_PER_S);
	CHECK_NEAR(r->c.a.level, 0.99, 0);
	CHECK_INT(r->c.n_targets, 1);
	CHECK_INT(r->c.discover, 0);
	CHECK_INT(nkt_cli_import(7, i1, im, NULL), NKT_OK);
	CHECK_STR(im->db.geo_db, "g.mmdb");
	CHECK_INT(im->a.min_units, 4);
	CHECK_NEAR(im->a.level, 0.95, 0);
	CHECK_U64(im->max_errors, 20);
	CHECK_INT(im->n_files, 2);
	CHECK_STR(im->files[1], "-");
	CHECK_INT(nkt_cli_sweep(6, s1, sw, NULL), NKT_OK);
	CHECK_INT(sw->max_ttl, 8);
	CHECK_INT(sw->batch, 16);
	CHECK_U64(sw->rate, 1000);
	CHECK_INT(sw->n_args, 1);
	CHECK_INT(nkt_cli_report(5, q1, &q, NULL), NKT_OK);
	CHECK_STR(q.dump, "3");
	CHECK_INT(q.dump_summary, 0);
	CHECK_STR(q.since, "24h");
	free(c);
	free(r);
	free(im);
	free(sw);
}

/* One output convention: --json selects JSON, -o FILE where, -n no names,
 * old spellings still work with a warning (and where they cannot, the
 * new meaning holds). */
static void test_convention(void)
{
	char *c1[] = {"compare", "--json", "x.json", "--traces", "t", NULL};
	char *c2[] = {"compare", "--json", NULL};
	char *c3[] = {"compare", "-o", "c.txt", "-n", NULL};
	char *c4[] = {"compare", "--json=y.json", NULL};
	char *i1[] = {"import", "--json", "a.json", "b.json", NULL};
	char *i2[] = {"import", "-q", "--json", "-o", "s.json", NULL};
	char *s1[] = {"sweep", "--json", "s.json", "-q", "--out", "t.json",
		      "--pcap-buffer", "16777216", "10.0.0.0/30", NULL};
	char *s2[] = {"sweep", "--json", "10.0.0.0/30", "--pcap-buffer", "4",
		      "--traces", "t.json", "--quiet", NULL};
	char *q1[] = {"report", "--db", "h", "--json", "--prom", "p", NULL};
	char *q2[] = {"report", "--db", "h", "-o", "r.txt", NULL};
	char *t1[] = {"trace", "-n", "-f", "3", "1.2.3.4", NULL};
	char *l1[] = {"lookup", "-o", "l.txt", "1.2.3.4", NULL};
	struct nkt_compare_opts *c = nkt_xcalloc(1, sizeof(*c));
	struct nkt_import_opts *im = nkt_xcalloc(1, sizeof(*im));
	struct nkt_sweep_opts *sw = nkt_xcalloc(1, sizeof(*sw));
	struct nkt_trace_opts *t = nkt_xcalloc(1, sizeof(*t));
	struct nkt_lookup_opts *l = nkt_xcalloc(1, sizeof(*l));
	struct nkt_report_opts q;

	CHECK_INT(nkt_cli_compare(5, c1, c, NULL), NKT_OK);
	CHECK_STR(c->json_out, "x.json"); /* the old form, warned */
	CHECK(c->text_out == NULL);
	CHECK_INT(c->out.n_warn, 1);
	CHECK(strstr(c->out.warn[0], "--json -o FILE") != NULL);
	CHECK_STR(c->traces_out, "t");
	CHECK_INT(nkt_cli_compare(2, c2, c, NULL), NKT_OK);
	CHECK_STR(c->json_out, "-"); /* JSON on standard output */
	CHECK_INT(c->out.n_warn, 0);
	CHECK_INT(nkt_cli_compare(4, c3, c, NULL), NKT_OK);
	CHECK(c->json_out == NULL);
	CHECK_STR(c->text_out, "c.txt");
	CHECK_INT(c->out.no_names, 1);
	CHECK_INT(nkt_cli_compare(2, c4, c, NULL), NKT_OK);
	CHECK_STR(c->json_out, "y.json");
	CHECK_INT(c->out.n_warn, 1);
	/* import's operands are files: '--json a.json b.json' reads both */
	CHECK_INT(nkt_cli_import(4, i1, im, NULL), NKT_OK);
	CHECK_INT(im->n_files, 2);
	CHECK_STR(im->json_out, "-");
	CHECK(im->out.json_then == i1[2]);
	CHECK_INT(im->out.n_warn, 0);
	CHECK_INT(nkt_cli_import(5, i2, im, NULL), NKT_OK);
	CHECK_STR(im->json_out, "s.json");
	CHECK_INT(im->quiet, 1);
	CHECK_INT(im->out.n_warn, 1); /* -q */
	CHECK_INT(im->n_files, 0);
	/* sweep: the old '--json FILE' when FILE is not a target */
	CHECK_INT(nkt_cli_sweep(9, s1, sw, NULL), NKT_OK);
	CHECK_STR(sw->json, "s.json");
	CHECK_STR(sw->out, "t.json");
	CHECK_INT(sw->quiet, 1);
	CHECK_U64(sw->pcap_buffer, 16u << 20);
	CHECK_INT(sw->o.n_warn, 4); /* --json FILE, -q, --out, bytes */
	CHECK_INT(sw->n_args, 1);
	memset(sw, 0, sizeof(*sw));
	CHECK_INT(nkt_cli_sweep(8, s2, sw, NULL), NKT_OK);
	CHECK_STR(sw->json, "-");
	CHECK_INT(sw->n_args, 1); /* a target, not the old FILE */
	CHECK_U64(sw->pcap_buffer, 4u << 20);
	CHECK_STR(sw->out, "t.json");
	CHECK_INT(sw->o.n_warn, 0);
	CHECK_INT(nkt_cli_report(6, q1, &q, NULL), NKT_OK);
	CHECK_STR(q.json, "-");
	CHECK_STR(q.prom, "p");
	CHECK_INT(nkt_cli_report(5, q2, &q, NULL), NKT_OK);
	CHECK(q.json == NULL);
	CHECK_STR(q.text, "r.txt");
	CHECK_INT(nkt_cli_trace(5, t1, t, NULL), NKT_OK);
	CHECK_INT(t->out.no_names, 1);
	CHECK_INT(t->p.first_ttl, 3);
	CHECK_INT(t->out.n_warn, 1); /* -f N */
	CHECK_INT(nkt_cli_lookup(4, l1, l, NULL), NKT_OK);
	CHECK_STR(l->out.output, "l.txt");
	free(c);
	free(im);
	free(sw);
	free(t);
	free(l);
}

/* -v is one option of every command (the out group's), --verbose its long
 * name; --quiet means no progress and no text summary on the terminal in
 * each command that has it (compare, run, sweep, import). */
static void test_verbose_quiet(void)
{
	char *tr[] = {"trace", "-v", "1.2.3.4", NULL};
	char *cm[] = {"compare", "--verbose", "--quiet", NULL};
	char *ru[] = {"run", "--db", "h", "-v", "--quiet", NULL};
	char *im[] = {"import", "-v", "--quiet", "a.json", NULL};
	char *sw[] = {"sweep", "-v", "--quiet", "10.0.0.0/30", NULL};
	char *rp[] = {"report", "--db", "h", "-v", NULL};
	char *mt[] = {"mtr", "-v", "-r", "1.2.3.4", NULL};
	char *lk[] = {"lookup", "-v", "1.2.3.4", NULL};
	char *ry[] = {"replay", "-v", "x.pcap", NULL};
	char *bg[] = {"bgp", "-v", "x.mrt", NULL};
	char *at[] = {"atlas", "create", "--dry-run", "--json", "-o", "a.json",
		      "-v", NULL};
	struct nkt_trace_opts *t = nkt_xcalloc(1, sizeof(*t));
	struct nkt_compare_opts *c = nkt_xcalloc(1, sizeof(*c));
	struct nkt_run_opts *r = nkt_xcalloc(1, sizeof(*r));
	struct nkt_import_opts *i = nkt_xcalloc(1, sizeof(*i));
	struct nkt_sweep_opts *w = nkt_xcalloc(1, sizeof(*w));
	struct nkt_report_opts *q = nkt_xcalloc(1, sizeof(*q));
	struct nkt_mtr_opts *m = nkt_xcalloc(1, sizeof(*m));
	struct nkt_lookup_opts *l = nkt_xcalloc(1, sizeof(*l));
	struct nkt_replay_opts *y = nkt_xcalloc(1, sizeof(*y));
	struct nkt_bgp_opts *b = nkt_xcalloc(1, sizeof(*b));
	struct nkt_atlas_opts *a = nkt_xcalloc(1, sizeof(*a));

	CHECK_INT(nkt_cli_trace(3, tr, t, NULL), NKT_OK);
	CHECK_INT(t->out.verbose, 1);
	CHECK_INT(nkt_cli_compare(3, cm, c, NULL), NKT_OK);
	CHECK_INT(c->out.verbose, 1);
	CHECK_INT(c->quiet, 1);
	CHECK_INT(c->progress, 0); /* quiet: no progress either */
	CHECK_INT(nkt_cli_run(5, ru, r, NULL), NKT_OK);
	CHECK_INT(r->c.out.verbose, 1);
	CHECK_INT(r->c.quiet, 1);
	CHECK_INT(nkt_cli_import(4, im, i, NULL), NKT_OK);
	CHECK_INT(i->out.verbose, 1);
	CHECK_INT(i->quiet, 1);
	CHECK_INT(nkt_cli_sweep(4, sw, w, NULL), NKT_OK);
	CHECK_INT(w->o.verbose, 1);
	CHECK_INT(w->quiet, 1);
	CHECK_INT(nkt_cli_report(4, rp, q, NULL), NKT_OK);
	CHECK_INT(q->out.verbose, 1);
	CHECK_INT(nkt_cli_mtr(4, mt, m, NULL), NKT_OK);
	CHECK_INT(m->out.verbose, 1);
	CHECK_INT(nkt_cli_lookup(3, lk, l, NULL), NKT_OK);
	CHECK_INT(l->out.verbose, 1);
	CHECK_INT(nkt_cli_replay(3, ry, y, NULL), NKT_OK);
	CHECK_INT(y->out.verbose, 1);
	CHECK_INT(nkt_cli_bgp(3, bg, b, NULL), NKT_OK);
	CHECK_INT(b->out.verbose, 1);
	CHECK_INT(nkt_cli_atlas(7, at, a, NULL), NKT_OK);
	CHECK_INT(a->out.verbose, 1);
	CHECK_INT(a->out.json, 1);
	CHECK_STR(a->out.output, "a.json");
	free(t);
	free(c);
	free(r);
	free(i);
	free(w);
	free(q);
	free(m);
	free(l);
	free(y);
	free(b);
	free(a);
}

/* --since/--until forms at a fixed "now". */
static void test_when(void)
{
	int64_t now = 1800000000, t;
	CHECK_INT(nkt_cli_when("24h", now, &t, "--since", NULL), NKT_OK);
	CHECK(t == now - 86400);
	CHECK_INT(nkt_cli_when("7d", now, &t, "--since", NULL), NKT_OK);
	CHECK(t == now - 7 * 86400);
	CHECK_INT(nkt_cli_when("3", now, &t, "--since", NULL), NKT_OK);
	CHECK(t == now - 3 * 3600); /* a bare number is hours */
	CHECK_INT(nkt_cli_when("all", now, &t, "--since", NULL), NKT_OK);
	CHECK(t == 0);
	CHECK_INT(nkt_cli_when("2026-11-27", now, &t, "--since", NULL),
		  NKT_OK);
	CHECK(t == 1795737600);
	CHECK_INT(nkt_cli_when("2026-11-27T10:00:00Z", now, &t, "--since",
			       NULL),
		  NKT_OK);
	CHECK(t == 1795737600 + 36000);
	CHECK_INT(nkt_cli_when("yesterday", now, &t, "--since", NULL),
		  NKT_EINVAL);
}

/* mtr's own letters: -r the report (10 rounds without -c), -c, -T, -u,
 * -z; the rate has no letter there, and the old "-r N" is still the rate,
 * with a warning. */
static void test_mtr_letters(void)
{
	char *a1[] = {"mtr", "-r", "-c", "5", "-T", "-z", "kcna.kp", NULL};
	char *a2[] = {"mtr", "-r", "kcna.kp", NULL};
	char *a3[] = {"mtr", "-r", "100", "kcna.kp", NULL};
	char *a4[] = {"mtr", "-u", "--report-wide", "--rate", "7", "x.kp",
		      NULL};
	char *a5[] = {"mtr", "kcna.kp", NULL};
	struct nkt_mtr_opts *o = nkt_xcalloc(1, sizeof(*o));

	CHECK_INT(nkt_cli_mtr(7, a1, o, NULL), NKT_OK);
	CHECK_INT(o->report, 1);
	CHECK_U64(o->count, 5);
	CHECK_INT(o->p.method, NKT_METHOD_TCP);
	CHECK_INT(o->p.method_set, 1);
	CHECK_STR(o->target, "kcna.kp");
	CHECK_INT(o->out.n_warn, 0);
	CHECK_INT(nkt_cli_mtr(3, a2, o, NULL), NKT_OK);
	CHECK_INT(o->report, 1);
	CHECK_U64(o->count, 10);
	CHECK_INT(nkt_cli_mtr(4, a3, o, NULL), NKT_OK);
	CHECK_INT(o->report, 0);
	CHECK_INT(o->p.pps, 100);
	CHECK_STR(o->target, "kcna.kp");
	CHECK_INT(o->out.n_warn, 1);
	if (o->out.n_warn == 1)
		CHECK(strstr(o->out.warn[0], "write '--rate N'") != NULL);
	CHECK_INT(nkt_cli_mtr(6, a4, o, NULL), NKT_OK);
	CHECK_INT(o->p.method, NKT_METHOD_UDP);
	CHECK_INT(o->wide, 1);
	CHECK_INT(o->report, 1);
	CHECK_INT(o->p.pps, 7);
	CHECK_INT(nkt_cli_mtr(2, a5, o, NULL), NKT_OK);
	CHECK_INT(o->report, 0);
	CHECK_U64(o->count, 0);
	CHECK_INT(o->p.method_set, 0);
	free(o);
}

int main(void)
{
	test_bare_numbers();
	test_rows();
	test_help();
	test_values();
	test_group_values();
	test_convention();
	test_verbose_quiet();
	test_when();
	test_mtr_letters();
	return nkt_test_done("test_cli");
}
