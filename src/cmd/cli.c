// SPDX-License-Identifier: ISC
/*
 * cli.c: the option layer (tables -> getopt_long -> an options struct) and
 * the groups several commands share: probing, analysis, databases.  Each
 * command's own table and checks are in cli_<command>.c.  Pure: reads no
 * file, prints nothing.
 */
#include "nktrace/cli.h"
#include "nktrace/compare.h"
#include "nktrace/inet.h"
#include "nktrace/sched.h"

#include <ctype.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the layer ------------------------------------------------------------ */

#define ENTRIES_MAX 128
#define VAL_BASE 256 /* getopt_long's val for long-only options */

struct entry {
	const struct nkt_opt *opt;
	char *base;
};

static int takes_arg(const struct nkt_opt *op)
{
	return op->kind != NKT_OPT_FLAG && op->kind != NKT_OPT_CONST &&
	       op->kind != NKT_OPT_FN_NOARG;
}

/* Store v in an unsigned field of `size` bytes. */
static void store_uint(void *field, size_t size, uint64_t v)
{
	switch (size) {
	case 1:
		*(uint8_t *)field = (uint8_t)v;
		break;
	case 2:
		*(uint16_t *)field = (uint16_t)v;
		break;
	case 4:
		*(uint32_t *)field = (uint32_t)v;
		break;
	default:
		*(uint64_t *)field = v;
	}
}

/* A time given as a bare number keeps working (cron lines must not
 * break), with one line naming the unit it was taken in. */
static void bare_number(const struct entry *e, struct nkt_cli_out *out,
			const char *arg, const char *what)
{
	static const struct {
		uint64_t ns;
		const char *unit, *word;
	} units[] = {{1, "ns", "nanoseconds"},
		     {NKT_NS_PER_MS, "ms", "milliseconds"},
		     {NKT_NS_PER_S, "s", "seconds"},
		     {60 * NKT_NS_PER_S, "m", "minutes"},
		     {3600 * NKT_NS_PER_S, "h", "hours"},
		     {86400 * NKT_NS_PER_S, "d", "days"}};
	const char *p;
	size_t i;
	char *w;

	for (p = arg; *p && (isdigit((unsigned char)*p) || *p == '.'); p++)
		;
	if (*p != '\0' || out == NULL || out->n_warnbuf == NKT_CLI_WARN_MAX)
		return;
	for (i = 0; i < NKT_ARRAY_LEN(units) &&
		    units[i].ns != e->opt->scale;
	     i++)
		;
	if (i == NKT_ARRAY_LEN(units))
		return;
	w = out->warnbuf[out->n_warnbuf++];
	snprintf(w, sizeof(out->warnbuf[0]),
		 "%s %s is taken as %s %s: give the unit (%s%s)", what, arg,
		 arg, units[i].word, arg, units[i].unit);
	nkt_cli_warn(out, w);
}

static int apply(const struct entry *e, struct nkt_cli_out *out,
		 const char *arg, struct nkt_err *err)
{
	const struct nkt_opt *op = e->opt;
	char *field = e->base + op->off, what[80];
	uint64_t v;

	if (op->what != NULL)
		snprintf(what, sizeof(what), "%s", op->what);
	else
		snprintf(what, sizeof(what), "--%s", op->name);
	switch (op->kind) {
	case NKT_OPT_FLAG:
		*(int *)(void *)field = 1;
		return NKT_OK;
	case NKT_OPT_CONST:
		*(int *)(void *)field = op->value;
		return NKT_OK;
	case NKT_OPT_UINT:
		if (nkt_parse_u64(arg, op->lo, op->hi, &v, what, err) != NKT_OK)
			return NKT_EINVAL;
		store_uint(field, op->size, v * (op->scale ? op->scale : 1));
		return NKT_OK;
	case NKT_OPT_REAL:
		return nkt_parse_double(arg, op->rlo, op->rhi,
					(double *)(void *)field, what, err);
	case NKT_OPT_DURATION:
		if (nkt_parse_duration_ns(arg, op->scale, op->lo, op->hi,
					  (uint64_t *)(void *)field, what,
					  err) != NKT_OK)
			return NKT_EINVAL;
		bare_number(e, out, arg, what);
		return NKT_OK;
	case NKT_OPT_STR:
		*(const char **)(void *)field = arg;
		return NKT_OK;
	case NKT_OPT_FN:
	case NKT_OPT_FN_NOARG:
		return op->fn(e->base, arg, err);
	}
	return NKT_EINVAL;
}

static int end_of_table(const struct nkt_opt *op)
{
	return op->name == NULL && op->letter == 0;
}

/* Every row of every group, each name and letter to its first row.
 * Fills long options and the short option string; returns the count. */
static size_t collect(const struct nkt_cli_spec *spec, char *o,
		      struct entry *ent, struct option *lo, size_t *n_lo,
		      char *so, size_t *n_so)
{
	size_t g, n = 0, i;

	for (g = 0; g < NKT_CLI_GROUPS_MAX && spec->groups[g].opts; g++) {
		const struct nkt_opt *op;
		for (op = spec->groups[g].opts; !end_of_table(op); op++) {
			int name_free = op->name != NULL, letter_free =
							     op->letter != 0;
			for (i = 0; i < *n_lo && name_free; i++)
				name_free = strcmp(lo[i].name, op->name) != 0;
			if (letter_free)
				letter_free = strchr(so, op->letter) == NULL;
			if ((!name_free && !letter_free) || n == ENTRIES_MAX)
				continue;
			ent[n].opt = op;
			ent[n].base = o + spec->groups[g].base;
			if (name_free)
				lo[(*n_lo)++] = (struct option){
					op->name,
					takes_arg(op) ? required_argument
						      : no_argument,
					NULL, VAL_BASE + (int)n};
			if (letter_free) {
				so[(*n_so)++] = (char)op->letter;
				if (takes_arg(op))
					so[(*n_so)++] = ':';
				so[*n_so] = '\0';
			}
			n++;
		}
	}
	return n;
}

/* The entry of a short option letter. */
static const struct entry *by_letter(const struct entry *ent, size_t n,
				     int c)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (ent[i].opt->letter == c)
			return &ent[i];
	return NULL;
}

void nkt_cli_warn(struct nkt_cli_out *out, const char *msg)
{
	size_t i;
	for (i = 0; i < out->n_warn; i++)
		if (strcmp(out->warn[i], msg) == 0)
			return;
	if (out->n_warn < NKT_CLI_WARN_MAX)
		out->warn[out->n_warn++] = msg;
}

static const char old_json_warning[] =
	"'--json FILE' is deprecated: use '--json -o FILE'";

/*
 * The output options: --json and -n as flags, -o FILE.  The old form
 * '--json FILE' is rewritten before getopt sees argv (into args, a copy
 * of argv without the FILE), as the spec's old_json decides.  Returns the
 * new argc.
 */
static int rewrite_old_json(const struct nkt_cli_spec *spec, int argc,
			    char **argv, char **args, void *o)
{
	struct nkt_cli_out *out =
		spec->out ? (void *)((char *)o + spec->out - 1) : NULL;
	int i, n = 0, done = 0;

	for (i = 0; i < argc; i++) {
		const char *a = argv[i];
		args[n++] = argv[i];
		if (i == 0 || done || out == NULL)
			continue;
		if (strcmp(a, "--") == 0) {
			done = 1;
			continue;
		}
		if (strncmp(a, "--json=", 7) == 0 && spec->old_json != NULL) {
			out->json = 1;
			out->output = a + 7;
			nkt_cli_warn(out, old_json_warning);
			args[n - 1] = (char *)"--json";
			continue;
		}
		if (strcmp(a, "--json") != 0 || i + 1 >= argc)
			continue;
		a = argv[i + 1];
		if (a[0] == '-' && a[1] != '\0')
			continue;
		out->json_then = a;
		if (spec->old_json != NULL && spec->old_json(o, a)) {
			out->output = a;
			nkt_cli_warn(out, old_json_warning);
			i++;
		}
	}
	args[n] = NULL;
	return n;
}

static int opt_output(void *base, const char *arg, struct nkt_err *err)
{
	if (*arg == '\0')
		return nkt_err_set(err, NKT_EINVAL, "-o: empty file name");
	((struct nkt_cli_out *)base)->output = arg;
	return NKT_OK;
}

const struct nkt_opt nkt_out_group[] = {
	{.name = "json", .kind = NKT_OPT_FLAG,
	 .off = offsetof(struct nkt_cli_out, json)},
	{.name = "output", .letter = 'o', .kind = NKT_OPT_FN, .fn = opt_output},
	{.name = "no-names", .letter = 'n', .kind = NKT_OPT_FLAG,
	 .off = offsetof(struct nkt_cli_out, no_names)},
	{.name = "names", .kind = NKT_OPT_FLAG,
	 .off = offsetof(struct nkt_cli_out, names)},
	{.name = "verbose", .letter = 'v', .kind = NKT_OPT_FLAG,
	 .off = offsetof(struct nkt_cli_out, verbose)},
	{0},
};

int nkt_cli_old_json_always(const void *o, const char *arg)
{
	(void)o;
	(void)arg;
	return 1;
}

void nkt_cli_main_output(const struct nkt_cli_out *out, const char **json,
			 const char **text)
{
	*json = NULL;
	*text = NULL;
	if (out->json)
		*json = out->output != NULL ? out->output : "-";
	else if (out->output != NULL && strcmp(out->output, "-") != 0)
		*text = out->output;
}

static int parse_args(const struct nkt_cli_spec *spec, int argc, char **argv,
		      void *o, struct nkt_err *err);

int nkt_cli_parse(const struct nkt_cli_spec *spec, int argc, char **argv,
		  void *o, struct nkt_err *err)
{
	char **args = calloc((size_t)argc + 1, sizeof(*args));
	int rc;

	if (args == NULL)
		return nkt_err_set(err, NKT_EINVAL, "out of memory");
	argc = rewrite_old_json(spec, argc, argv, args, o);
	rc = parse_args(spec, argc, args, o, err);
	free(args);
	return rc;
}

/* getopt_long over the tables (args already rewritten). */
static int parse_args(const struct nkt_cli_spec *spec, int argc, char **argv,
		      void *o, struct nkt_err *err)
{
	struct entry ent[ENTRIES_MAX];
	struct option lo[ENTRIES_MAX + 2];
	char so[3 * ENTRIES_MAX + 4] = ":h";
	size_t n, n_lo = 0, n_so = 2;
	int c, i;

	lo[n_lo++] = (struct option){"help", no_argument, NULL, 'h'};
	n = collect(spec, o, ent, lo, &n_lo, so, &n_so);
	lo[n_lo] = (struct option){NULL, 0, NULL, 0};
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, so, lo, NULL)) != -1) {
		const struct entry *e = NULL;
		if (c == 'h') {
			*(int *)(void *)((char *)o + spec->help) = 1;
			return NKT_OK;
		}
		if (c >= VAL_BASE && (size_t)(c - VAL_BASE) < n)
			e = &ent[c - VAL_BASE];
		else if (c != ':' && c != '?')
			e = by_letter(ent, n, c);
		if (e == NULL)
			return c == ':' ? nkt_err_set(err, NKT_EINVAL,
						      "option '%s' needs a "
						      "value",
						      argv[optind - 1])
					: nkt_err_set(err, NKT_EINVAL,
						      "unknown option '%s'",
						      argv[optind - 1]);
		if (apply(e, spec->out ? (void *)((char *)o + spec->out - 1)
				       : NULL,
			  optarg, err) != NKT_OK)
			return NKT_EINVAL;
	}
	for (i = optind; i < argc; i++) {
		if (spec->operand == NULL)
			return nkt_err_set(err, NKT_EINVAL,
					   "unexpected argument '%s'%s",
					   argv[i],
					   spec->no_operand ? spec->no_operand
							    : "");
		if (spec->operand(o, argv[i], err) != NKT_OK)
			return NKT_EINVAL;
	}
	return NKT_OK;
}

/* ---- probing -------------------------------------------------------------- */

#define P(field) offsetof(struct nkt_probe_opts, field)
#define PSIZE(field) sizeof(((struct nkt_probe_opts *)0)->field)
#define PUINT(n, l, field, lo_, hi_, what_)                                    \
	{                                                                      \
		.name = n, .letter = l, .kind = NKT_OPT_UINT,                  \
		.off = P(field), .size = PSIZE(field), .lo = lo_, .hi = hi_,   \
		.what = what_                                                  \
	}

static int opt_method(void *base, const char *arg, struct nkt_err *err)
{
	struct nkt_probe_opts *p = base;
	if (nkt_method_parse(arg, &p->method) != NKT_OK)
		return nkt_err_set(err, NKT_EINVAL,
				   "-P: '%s' is not a method (icmp, udp or "
				   "tcp)",
				   arg);
	p->method_set = 1;
	return NKT_OK;
}

static int opt_src(void *base, const char *arg, struct nkt_err *err)
{
	uint32_t a;
	if (nkt_inet_parse(arg, &a) != NKT_OK)
		return nkt_err_set(err, NKT_EINVAL,
				   "--src: '%s' is not an IPv4 address", arg);
	((struct nkt_probe_opts *)base)->src = arg;
	return NKT_OK;
}

static int opt_user(void *base, const char *arg, struct nkt_err *err)
{
	if (*arg == '\0')
		return nkt_err_set(err, NKT_EINVAL, "--user: empty user name");
	((struct nkt_probe_opts *)base)->user = arg;
	return NKT_OK;
}

static int opt_seed(void *base, const char *arg, struct nkt_err *err)
{
	struct nkt_probe_opts *p = base;
	if (nkt_parse_u64(arg, 0, UINT64_MAX, &p->seed, "--seed", err) !=
	    NKT_OK)
		return NKT_EINVAL;
	p->have_seed = 1;
	return NKT_OK;
}

const struct nkt_opt nkt_probe_group[] = {
	{.name = "method", .letter = 'P', .kind = NKT_OPT_FN,
	 .fn = opt_method},
	PUINT("port", 'p', port, 1, 65535, "--port"),
	PUINT("attempts", 'q', attempts, 1, 16, "-q"),
	{.name = "wait", .letter = 'w', .kind = NKT_OPT_DURATION,
	 .off = P(wait_ns), .lo = NKT_NS_PER_MS, .hi = 60 * NKT_NS_PER_S,
	 .scale = NKT_NS_PER_S, .what = "-w"},
	PUINT("first-ttl", 0, first_ttl, 1, 255, "first TTL"),
	PUINT("max-ttl", 'm', max_ttl, 1, 255, "-m"),
	PUINT("gaplimit", 'g', gaplimit, 1, 255, "-g"),
	PUINT("rate", 'r', pps, 1, 10000000, "-r"),
	PUINT("hop-rate", 0, hop_pps, 0, 10000000, NULL),
	PUINT("window", 0, window, 1, 1000000, NULL),
	PUINT("ttl-window", 0, ttl_window, 1, 255, NULL),
	PUINT("loops", 0, loops, 0, 255, NULL),
	PUINT("size", 0, size, 28, NKT_PROBE_MAX_SIZE, NULL),
	PUINT("tos", 0, tos, 0, 255, NULL),
	PUINT("sport", 0, sport, 1, 65535, NULL),
	PUINT("paris-id", 0, paris_id, 1, 255, NULL),
	{.name = "src", .kind = NKT_OPT_FN, .fn = opt_src},
	{.name = "user", .kind = NKT_OPT_FN, .fn = opt_user},
	{.name = "seed", .kind = NKT_OPT_FN, .fn = opt_seed},
	{.name = "pcap-buffer", .kind = NKT_OPT_UINT, .off = P(pcap_buffer),
	 .size = PSIZE(pcap_buffer), .lo = 1, .hi = 1024, .scale = 1u << 20,
	 .what = "--pcap-buffer (MiB)"},
	{.name = "no-annotate", .kind = NKT_OPT_FLAG, .off = P(no_annotate)},
	{.name = "dry-run", .kind = NKT_OPT_FLAG, .off = P(dry_run)},
	{.name = "pcap-out", .kind = NKT_OPT_STR, .off = P(dry_pcap)},
	{0},
};

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

int nkt_probe_opts_check(struct nkt_probe_opts *p, struct nkt_err *err)
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
	if (p->size == 0 || p->size_default) {
		p->size = p->method == NKT_METHOD_TCP ? 40 : 60;
		p->size_default = 1;
	}
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

/* ---- databases and analysis --------------------------------------------- */

const struct nkt_opt nkt_db_group[] = {
	{.name = "asn-db", .kind = NKT_OPT_STR,
	 .off = offsetof(struct nkt_db_opts, asn_db)},
	{.name = "geo-db", .kind = NKT_OPT_STR,
	 .off = offsetof(struct nkt_db_opts, geo_db)},
	{0},
};

const struct nkt_opt nkt_analysis_group[] = {
	{.name = "ci", .kind = NKT_OPT_REAL,
	 .off = offsetof(struct nkt_analysis_opts, level), .rlo = 0.5,
	 .rhi = 0.9999},
	{.name = "min-units", .kind = NKT_OPT_UINT,
	 .off = offsetof(struct nkt_analysis_opts, min_units),
	 .size = sizeof(unsigned), .lo = 2, .hi = 100000},
	{.name = "transits", .kind = NKT_OPT_STR,
	 .off = offsetof(struct nkt_analysis_opts, transits_file)},
	{0},
};

void nkt_analysis_opts_default(struct nkt_analysis_opts *a)
{
	a->level = 0.95;
	a->min_units = NKT_CMP_MIN_UNITS;
	a->transits_file = NULL;
}

/* ---- pieces ------------------------------------------------------------ */

int nkt_cli_push(const char **list, size_t *n, size_t max, const char *arg,
		 const char *what, struct nkt_err *err)
{
	if (*n >= max)
		return nkt_err_set(err, NKT_EINVAL, "more than %zu %s", max,
				   what);
	list[(*n)++] = arg;
	return NKT_OK;
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

int nkt_cli_named_via(const char *arg, char *name, size_t name_len,
		      const char **spec, size_t n, size_t max,
		      struct nkt_err *err)
{
	const char *eq = strchr(arg, '=');
	char ifc[16];
	uint32_t gw;
	size_t len;

	if (eq == NULL || eq == arg)
		return nkt_err_set(err, NKT_EINVAL,
				   "--via '%s': want NAME=IFACE[,GATEWAY]",
				   arg);
	len = (size_t)(eq - arg);
	if (len >= name_len)
		return nkt_err_set(err, NKT_EINVAL, "--via: name too long");
	if (n == max)
		return nkt_err_set(err, NKT_EINVAL, "--via: at most %zu uplinks",
				   max);
	if (nkt_cli_via(eq + 1, ifc, &gw, err) != NKT_OK)
		return NKT_EINVAL;
	memcpy(name, arg, len);
	name[len] = '\0';
	*spec = eq + 1;
	return NKT_OK;
}
