// SPDX-License-Identifier: ISC
/*
 * cmd_mtr.c: `nktrace mtr` (shell): a round of probes to every hop of one
 * target each interval, over each uplink asked for, and the table of
 * per-hop statistics (hopstats.c, out_mtr.c) redrawn after every round on
 * a terminal, or printed once at the end (--report N, or when standard
 * output is not a terminal).  Names arrive as the DNS answers: nothing
 * waits for them.
 */
#include "cmd.h"
#include "cmd_common.h"
#include "nktrace/annot_out.h"
#include "nktrace/clock.h"
#include "nktrace/datafile.h"
#include "nktrace/engine.h"
#include "nktrace/hopstats.h"
#include "nktrace/inet.h"
#include "nktrace/out_mtr.h"
#include "nktrace/outfile.h"
#include "nktrace/priv.h"
#include "nktrace/resolve.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define COLS_MAX (NKT_MTR_VIA_MAX + 1)

struct mtr_cmd {
	struct nkt_mtr_opts *o;
	struct nkt_engine_cfg cfg;
	struct nkt_engine_run_cfg rcfg;
	struct nkt_engine *eng;
	struct nkt_src_cache srcs;
	struct nkt_flow flows[COLS_MAX];
	uint8_t via[COLS_MAX];
	size_t n_cols;
	struct nkt_hopstats stats[COLS_MAX];
	struct nkt_mtr_col cols[COLS_MAX];
	char titles[COLS_MAX][80];
	char carriers[COLS_MAX][96];
	struct nkt_attribution best[COLS_MAX]; /* each column's best
						  evidence of its transit */
	struct nkt_annot_ctx actx;
	struct nkt_out_opts oo;
	struct nkt_targetdb *tdb;
	struct nkt_transits *trans;
	struct nkt_resolver *names; /* NULL with -n (and no host name) */
	int want_names;
	const char *args[1];
	char argbuf[1][46];
	uint32_t dst;
	uint64_t rounds;
	struct nkt_run_result total; /* every round's counts (-v) */
	int live;
	/* the live view's keys (mtr's): standard input a terminal, read a
	 * key at a time without echo; what they set */
	int keys;
	struct termios saved;
	int paused, quit, help, names_off, jitter;
	enum nkt_mtr_layout layout; /* NKT_MTR_AUTO until d is pressed */
};

/* Each round's trace of column t->index. */
static int on_round(void *ctx, const struct nkt_trace *t)
{
	struct mtr_cmd *c = ctx;
	size_t i;

	if (t->index >= c->n_cols)
		return 0;
	nkt_hopstats_add(&c->stats[t->index], t);
	if (c->actx.an != NULL && c->actx.trans != NULL) {
		/* the uplink's transit: the round with the best evidence of
		 * it (the hand-over seen), the latest of those */
		struct nkt_aspath p;
		struct nkt_attribution a;
		struct nkt_attribution *b = &c->best[t->index];
		nkt_annot_aspath(&c->actx, t, &p);
		nkt_annot_attribute(&c->actx, &p, &a);
		if (a.transit >= 0 &&
		    (b->transit < 0 || !nkt_attribution_better(b, &a))) {
			*b = a;
			nkt_attribution_name(c->actx.trans, &a,
					     c->carriers[t->index],
					     sizeof(c->carriers[t->index]));
			c->cols[t->index].carrier = c->carriers[t->index];
		}
	}
	if (c->want_names)
		for (i = 0; i < t->n; i++)
			if (t->r[i].flags & NKT_PF_REPLY)
				nkt_resolver_want(c->names, t->r[i].from);
	return 0;
}

/* Targets, data, databases and names: before any probe. */
static int prepare(struct mtr_cmd *c, struct nkt_err *err)
{
	struct nkt_mtr_opts *o = c->o;
	char a[NKT_INET_ADDRSTRLEN];
	size_t k;

	c->args[0] = o->target;
	if (nkt_resolve_target_args(c->args, 1, c->argbuf, &c->names, err) !=
	    NKT_OK)
		return err->code;
	if (nkt_inet_parse(c->args[0], &c->dst) != NKT_OK)
		return nkt_err_set(err, NKT_EINVAL,
				   "'%s' is not an IPv4 address or a host "
				   "name",
				   o->target);
	c->want_names = !o->out.no_names;
	if (c->want_names && c->names == NULL &&
	    (c->names = nkt_resolver_open(NKT_NAMES_QUERY_NS, err)) == NULL)
		return NKT_ESYS;
	if (nkt_load_data(NULL, &c->tdb, &c->trans, err) != NKT_OK)
		return NKT_EINVAL;
	/* NK's hosts filter ICMP echo: TCP SYN to 80 unless -P says (the
	 * header names the method) */
	(void)nkt_default_method(&o->p, c->tdb, &c->dst, 1);
	c->actx.tdb = c->tdb;
	c->actx.trans = c->trans;
	c->actx.names = c->want_names ? c->names : NULL;
	if (!o->p.no_annotate &&
	    (c->actx.an = nkt_annot_open(o->db.asn_db, o->db.geo_db, err)) ==
		    NULL)
		return NKT_EINVAL;
	nkt_annot_warn_missing("mtr", c->actx.an);
	nkt_annot_out_setup(&c->oo, &c->actx);
	if (nkt_priv_check_raw(err) != NKT_OK)
		return NKT_EPRIV;
	if (nkt_make_key(o->p.have_seed, o->p.seed, &c->cfg.key, err) !=
	    NKT_OK)
		return NKT_EINVAL;
	c->cfg.n_uplinks = 1;
	for (k = 0; k < o->n_via; k++) {
		if (nkt_setup_uplink(o->via[k].spec, o->via[k].name, 0,
				     &c->cfg.uplinks[k + 1], err) != NKT_OK)
			return err->code;
		c->cfg.n_uplinks++;
	}
	c->n_cols = o->n_via ? o->n_via : 1;
	for (k = 0; k < c->n_cols; k++) {
		uint32_t src;
		uint8_t up = o->n_via ? (uint8_t)(k + 1) : 0;
		if (nkt_source_for(&c->srcs, c->dst, o->p.src,
				   up ? c->cfg.uplinks[up].ifc.addr : 0, &src,
				   err) != NKT_OK ||
		    /* each uplink a flow of its own (as compare's): one
		     * 4-tuple over two uplinks would be one TCP connection to
		     * the host, whose answers then go to whichever SYN came
		     * first (a SYN-ACK to one, a bare ACK to the other) */
		    nkt_flow_init(&c->flows[k], o->p.method, src, c->dst,
				  o->p.sport ? (uint16_t)(o->p.sport + k) : 0,
				  o->p.port, (uint8_t)((o->p.paris_id - 1 + k) % 255 + 1),
				  o->p.size, o->p.tos, err) != NKT_OK)
			return err->code;
		c->via[k] = up;
		nkt_hopstats_init(&c->stats[k], c->dst);
		if (up)
			snprintf(c->titles[k], sizeof(c->titles[k]),
				 "%s (%s, from %s)", o->via[k].name,
				 c->cfg.uplinks[up].ifc.name,
				 nkt_inet_fmt(src, a));
		else
			snprintf(c->titles[k], sizeof(c->titles[k]),
				 "from %s", nkt_inet_fmt(src, a));
		c->cols[k].title = c->titles[k];
		c->cols[k].s = &c->stats[k];
		c->best[k].transit = -1;
	}
	c->cfg.flows = c->rcfg.flows = c->flows;
	c->cfg.via = c->rcfg.via = c->via;
	c->cfg.n_flows = c->rcfg.n_flows = c->n_cols;
	c->cfg.pcap_buffer = o->p.pcap_buffer;
	nkt_probe_opts_sched(&o->p, &c->rcfg.sched);
	return NKT_OK;
}

static unsigned term_width(void)
{
	struct winsize ws;
	const char *cols = getenv("COLUMNS");
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	if (cols != NULL && atoi(cols) > 0)
		return (unsigned)atoi(cols);
	return NKT_MTR_SIDE_WIDTH(NKT_MTR_VIA_MAX);
}

/* "nktrace mtr to ADDR (name), icmp-paris, round 5 of 10, TIME". */
static void header(FILE *f, const struct mtr_cmd *c)
{
	char a[NKT_INET_ADDRSTRLEN], when[32];
	const char *name = c->oo.dst_name(c->oo.ctx, c->dst);
	time_t now = time(NULL);
	struct tm tm;

	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC",
		 gmtime_r(&now, &tm));
	fprintf(f, "nktrace mtr to %s", nkt_inet_fmt(c->dst, a));
	if (name != NULL)
		fprintf(f, " (%s)", name);
	fprintf(f, ", %s", c->flows[0].paris_id
				   ? nkt_method_long(c->flows[0].method)
				   : nkt_method_name(c->flows[0].method));
	if (c->flows[0].method != NKT_METHOD_ICMP)
		fprintf(f, " port %u", c->flows[0].dport);
	fprintf(f, ", round %llu", (unsigned long long)c->rounds);
	if (c->o->count)
		fprintf(f, " of %llu", (unsigned long long)c->o->count);
	/* the time only where it fits on the line (a live view of 80
	 * columns keeps its header on one) */
	if (!c->live || term_width() >= 100)
		fprintf(f, ", %s", when);
	fputs("\n\n", f);
}

static const char *const layout_name[] = {
	[NKT_MTR_FULL] = "full", [NKT_MTR_NARROW] = "narrow",
	[NKT_MTR_BRIEF] = "brief", [NKT_MTR_AUTO] = "auto"};

/* The live view: home, clear, header and table (or the keys). */
static void draw(const struct mtr_cmd *c)
{
	struct nkt_out_opts shown = c->oo;
	unsigned width = term_width();

	fputs("\033[H\033[2J", stdout);
	header(stdout, c);
	if (c->help) {
		fputs("keys, as mtr's:\n"
		      "  q        quit\n"
		      "  p space  pause and resume\n"
		      "  r        reset the statistics\n"
		      "  n        names on and off\n"
		      "  d        the next layout (full, narrow, brief)\n"
		      "  j        jitter (Jttr Javg Jmax Jint) in place of "
		      "Avg Best Wrst StDev,\n"
		      "           and back\n"
		      "  ? h      this list (any key returns)\n"
		      "mtr's o (field order) is not in nktrace: d and j "
		      "choose the columns.\n",
		      stdout);
		fflush(stdout);
		return;
	}
	if (c->names_off)
		shown.addr_name = NULL;
	nkt_mtr_text_layout(stdout, c->cols, c->n_cols, &shown, width,
			    c->layout, c->jitter);
	if (c->keys) /* within 80 columns, paused and jittered too */
		printf("\n%s%s%s layout; keys q p r n d j ? (? lists "
		       "them)\n",
		       c->paused ? "PAUSED; " : "",
		       c->jitter ? "jitter, " : "",
		       layout_name[c->layout == NKT_MTR_AUTO
					   ? nkt_mtr_layout_for(c->n_cols,
								width)
					   : c->layout]);
	else
		fputs("\n(Ctrl-C to stop)\n", stdout);
	fflush(stdout);
}

/* Keys a character at a time, without echo; Ctrl-C still a signal. */
static void keys_on(struct mtr_cmd *c)
{
	struct termios t;
	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &c->saved) != 0)
		return;
	t = c->saved;
	t.c_lflag &= (tcflag_t) ~(ICANON | ECHO);
	t.c_cc[VMIN] = 0;
	t.c_cc[VTIME] = 0;
	if (tcsetattr(STDIN_FILENO, TCSANOW, &t) == 0)
		c->keys = 1;
}

static void keys_off(struct mtr_cmd *c)
{
	if (c->keys)
		(void)tcsetattr(STDIN_FILENO, TCSANOW, &c->saved);
	c->keys = 0;
}

/* One key's doing; returns 1 when the view changed. */
static int key(struct mtr_cmd *c, int k)
{
	size_t i;
	if (c->help) { /* any key leaves the list */
		c->help = 0;
		return 1;
	}
	switch (k) {
	case 'q':
		c->quit = 1;
		return 0;
	case 'p':
	case ' ':
		c->paused = !c->paused;
		return 1;
	case 'r':
		for (i = 0; i < c->n_cols; i++)
			nkt_hopstats_init(&c->stats[i], c->dst);
		c->rounds = 0;
		return 1;
	case 'n':
		c->names_off = !c->names_off;
		return 1;
	case 'j':
		c->jitter = !c->jitter;
		return 1;
	case 'd': {
		enum nkt_mtr_layout now =
			c->layout == NKT_MTR_AUTO
				? nkt_mtr_layout_for(c->n_cols, term_width())
				: c->layout;
		c->layout = (enum nkt_mtr_layout)((now + 1) % NKT_MTR_AUTO);
		return 1;
	}
	case '?':
	case 'h':
		c->help = 1;
		return 1;
	default:
		return 0;
	}
}

/* The keys waiting on standard input, each done; the view redrawn when
 * one changed it. */
static void read_keys(struct mtr_cmd *c)
{
	unsigned char ch;
	int changed = 0;
	while (c->keys && !c->quit && read(STDIN_FILENO, &ch, 1) == 1)
		changed |= key(c, ch);
	if (changed && !c->quit)
		draw(c);
}

/* Until `deadline` (or, paused, until resumed and then the deadline),
 * reading keys; returns a halting signal, or 0 (c->quit: q). */
static int wait_keys(struct mtr_cmd *c, uint64_t deadline,
		     const sigset_t *halt)
{
	for (;;) {
		uint64_t now, until;
		int sig;
		/* keys first: a round may outlast the interval */
		read_keys(c);
		if (c->quit)
			return 0;
		now = nkt_clock_mono_ns();
		if (!c->paused && now >= deadline)
			return 0;
		until = now + 100 * NKT_NS_PER_MS;
		if (!c->keys && !c->paused)
			until = deadline;
		else if (!c->paused && until > deadline)
			until = deadline;
		if ((sig = nkt_clock_sleep_until(CLOCK_MONOTONIC, until,
						 halt)) != 0)
			return sig;
	}
}

/* The rounds; returns the signal that stopped them, or 0. */
static int rounds(struct mtr_cmd *c, struct nkt_err *err)
{
	sigset_t halt;
	nkt_halt_signals(&halt);
	for (;;) {
		struct nkt_run_result res;
		uint64_t t0 = nkt_clock_mono_ns();
		int sig;
		/* A different block of probe ids for each round. */
		c->rcfg.sched.first_id =
			(uint16_t)(1 + (c->rounds * 1024) % 64512);
		if (nkt_engine_run(c->eng, &c->rcfg, on_round, c, &res, err) !=
		    NKT_OK)
			return -1;
		c->rounds++;
		nkt_run_counts_add(&c->total, &res);
		if (c->want_names)
			nkt_resolver_poll(c->names);
		if (c->live)
			draw(c);
		if (res.signal)
			return res.signal;
		if (c->o->count && c->rounds >= c->o->count)
			return 0;
		sig = c->live ? wait_keys(c, t0 + c->o->interval_ns, &halt)
			      : nkt_clock_sleep_until(CLOCK_MONOTONIC,
						      t0 + c->o->interval_ns,
						      &halt);
		if (sig || c->quit)
			return sig;
	}
}

/* The table (or mtr's JSON) once, to -o FILE or standard output. */
static int report(struct mtr_cmd *c, struct nkt_err *err)
{
	struct nkt_outfile out;
	char s[NKT_INET_ADDRSTRLEN], d[NKT_INET_ADDRSTRLEN];
	size_t k;
	int bad = 0;

	if (nkt_outfile_open(&out, c->o->out.output, err) != NKT_OK)
		return NKT_ESYS;
	if (c->want_names)
		nkt_resolver_wait(c->names,
				  nkt_clock_mono_ns() + NKT_NAMES_WAIT_NS);
	for (k = 0; k < c->n_cols && c->o->out.json; k++) {
		json_t *j = nkt_mtr_json(
			&c->cols[k], nkt_inet_fmt(c->flows[k].src, s),
			nkt_inet_fmt(c->dst, d), c->flows[k].size,
			c->flows[k].tos, &c->oo);
		/* "transit": the --via NAME (null when routed). */
		json_object_set_new(
			json_object_get(json_object_get(j, "report"), "mtr"),
			"transit",
			c->o->n_via ? json_string(c->o->via[k].name)
				    : json_null());
		bad |= json_dumpf(j, out.f, NKT_JSON_FLAGS) != 0 ||
		       fputc('\n', out.f) == EOF;
		json_decref(j);
	}
	if (!c->o->out.json) {
		header(out.f, c);
		bad |= nkt_mtr_text(out.f, c->cols, c->n_cols, &c->oo,
				    !c->o->wide && isatty(fileno(out.f))
					    ? term_width()
					    : NKT_MTR_SIDE_WIDTH(c->n_cols)) !=
		       0;
	}
	if (bad) {
		nkt_outfile_abort(&out);
		return nkt_err_set(err, NKT_ESYS, "writing %s failed",
				   c->o->out.output ? c->o->out.output
						    : "standard output");
	}
	return nkt_outfile_commit(&out, err);
}

static void done(struct mtr_cmd *c)
{
	nkt_engine_close(c->eng, NULL);
	nkt_annot_close(c->actx.an);
	nkt_resolver_close(c->names);
	free(c->tdb);
	free(c->trans);
	free(c->o);
	free(c);
}

int nkt_cmd_mtr(int argc, char **argv)
{
	struct mtr_cmd *c = nkt_xcalloc(1, sizeof(*c));
	struct nkt_err err = {0, ""};
	sigset_t block, old;
	int code = NKT_EXIT_OK, sig;

	c->o = nkt_xcalloc(1, sizeof(*c->o));
	if (nkt_cli_mtr(argc, argv, c->o, &err) != NKT_OK) {
		code = nkt_fail("mtr", &err);
		goto out;
	}
	if (c->o->help) {
		fputs(nkt_cli_mtr_help, stdout);
		goto out;
	}
	nkt_cli_print_warnings("mtr", &c->o->out);
	if (prepare(c, &err) != NKT_OK ||
	    (c->eng = nkt_engine_open(&c->cfg, &err)) == NULL ||
	    nkt_priv_drop(c->o->p.user ? c->o->p.user
				       : nkt_priv_default_user(),
			  &err) != NKT_OK) {
		code = nkt_fail("mtr", &err);
		goto out;
	}
	c->live = !c->o->report && c->o->out.output == NULL &&
		  isatty(STDOUT_FILENO);
	/* Halting signals stay blocked: the engine and the waits between
	 * rounds take them. */
	c->layout = c->o->wide ? NKT_MTR_FULL : NKT_MTR_AUTO;
	nkt_halt_signals(&block);
	sigprocmask(SIG_BLOCK, &block, &old);
	if (c->live)
		keys_on(c);
	sig = rounds(c, &err);
	keys_off(c);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (sig < 0) {
		code = nkt_fail("mtr", &err);
		goto out;
	}
	if (!c->live && report(c, &err) != NKT_OK) {
		code = nkt_fail("mtr", &err);
		goto out;
	}
	if (c->o->out.verbose) {
		char what[48];
		snprintf(what, sizeof(what), "%llu rounds",
			 (unsigned long long)c->rounds);
		nkt_print_run_counts("mtr", what, &c->total);
	}
	if (sig > 0)
		code = 128 + sig;
out:
	done(c);
	return code;
}
