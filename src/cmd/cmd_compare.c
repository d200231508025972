// SPDX-License-Identifier: ISC
/*
 * cmd_compare.c: `nktrace compare`: one measurement cycle over North
 * Korea's transits, the terminal report, and the JSON outputs.
 */
#include "cmd.h"
#include "cmd_common.h"
#include "compare_session.h"
#include "nktrace/clock.h"
#include "nktrace/datafile.h"
#include "nktrace/discovery_cache.h"
#include "nktrace/out_compare.h"
#include "nktrace/outfile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The summary for a terminal. */
static void print_summary(FILE *f, const struct nkt_cmpsess *s,
			  const struct nkt_cmp_cycle *c)
{
	size_t flows, targets, given, methods, uplinks;
	char when[32], found[96] = "";
	time_t t0 = (time_t)(c->start_ns / NKT_NS_PER_S);
	struct tm tm;

	nkt_cmpsess_shape(s, &flows, &targets, &given, &methods, &uplinks);
	gmtime_r(&t0, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
	/* the targets probed, as the result's "N targets" line counts them
	 * ("73 targets (11 given, 62 found by discovery)") */
	if (targets > given)
		snprintf(found, sizeof(found),
			 " (%zu given, %zu found by discovery)", given,
			 targets - given);
	fprintf(f, "nktrace compare, %s, %.1f s: %zu targets%s x %zu "
		   "methods%s%s, %llu probes\n",
		when, (double)(c->end_ns - c->start_ns) / 1e9, targets, found,
		methods, uplinks ? " x uplinks " : "", uplinks ? "pinned" : "",
		(unsigned long long)c->run.sched.sent);
	nkt_cmp_text(f, &c->res, nkt_cmpsess_cfg(s));
	if (c->run.capture.drop + c->run.ring_drops > 0)
		fprintf(f, "capture dropped %llu frames: some replies may be "
		       "missing\n",
		       (unsigned long long)(c->run.capture.drop +
					    c->run.ring_drops));
}

/* The outputs, opened as the unprivileged user before any probe (the
 * discovery cache only when this run will discover). */
struct outputs {
	struct nkt_outfile json, traces, text, cache;
	int json_open, traces_open, text_open, cache_open;
};

/*
 * --discovery-cache: the hosts an earlier discovery found, read as the
 * unprivileged user and as untrusted input.  A usable cache stands in for
 * this run's discovery; one that is absent starts one (noted with
 * --verbose); one that cannot be read or is refused is said on stderr in
 * one line, and discovery runs.  `note` gets what the time line says of
 * it.  Returns 1 when the cache was used.
 */
static int load_cache(const struct nkt_compare_opts *o,
		      struct nkt_cmpsess *s, char *note, size_t note_len)
{
	struct nkt_discovery_cache c;
	struct nkt_err err = {0, ""};
	char *buf = NULL, why[128];
	size_t len = 0;
	uint32_t net;
	uint8_t plen;
	int64_t now_s = (int64_t)(nkt_clock_wall_ns() / NKT_NS_PER_S);
	int r, used = 0;

	if (nkt_cmpsess_space(s, &net, &plen) != NKT_OK)
		return 0;
	r = nkt_read_file(o->discovery_cache, &buf, &len, &err);
	if (r == NKT_ENOTFOUND) {
		snprintf(note, note_len, "no cache yet");
		return 0;
	}
	if (r == NKT_OK)
		r = nkt_discovery_cache_parse(buf, len, &c, &err);
	free(buf);
	if (r != NKT_OK) {
		fprintf(stderr, "nktrace compare: warning: %s: %s; discovering "
				"again\n",
			o->discovery_cache, err.msg);
		snprintf(note, note_len, "the cache was refused");
		return 0;
	}
	if (nkt_discovery_cache_usable(&c, net, plen, o->discover_max, now_s,
				       (int64_t)(o->rediscover_ns /
						 NKT_NS_PER_S),
				       why, sizeof(why))) {
		nkt_cmpsess_set_found(s, c.addr, c.n,
				      (uint64_t)c.time_s * NKT_NS_PER_S);
		snprintf(note, note_len, "%zu hosts from the cache, %.1f h old",
			 c.n, (double)(now_s - c.time_s) / 3600.0);
		used = 1;
	} else {
		if (o->out.verbose)
			fprintf(stderr, "nktrace compare: the discovery cache "
					"%s is not used: %s\n",
				o->discovery_cache, why);
		snprintf(note, note_len, "the cache was stale");
	}
	nkt_discovery_cache_free(&c);
	return used;
}

/* The hosts this cycle's discovery found, into the cache file. */
static int write_cache(const struct nkt_compare_opts *o,
		       const struct nkt_cmpsess *s, struct outputs *out,
		       struct nkt_err *err)
{
	struct nkt_discovery_cache c;
	const uint32_t *found;
	uint64_t found_ns;
	json_t *j;
	int bad;

	memset(&c, 0, sizeof(c));
	nkt_cmpsess_found(s, &found, &c.n, &found_ns);
	nkt_cmpsess_space(s, &c.space_net, &c.space_len);
	c.addr = nkt_xreallocarray(NULL, c.n + 1, sizeof(*c.addr));
	if (c.n > 0)
		memcpy(c.addr, found, c.n * sizeof(*c.addr));
	c.per_prefix = o->discover_max;
	c.time_s = (int64_t)(found_ns / NKT_NS_PER_S);
	j = nkt_discovery_cache_json(&c);
	nkt_discovery_cache_free(&c);
	out->cache_open = 0;
	bad = j == NULL || json_dumpf(j, out->cache.f, NKT_JSON_FLAGS) != 0 ||
	      fputc('\n', out->cache.f) == EOF;
	json_decref(j);
	if (bad) {
		nkt_outfile_abort(&out->cache);
		return nkt_err_set(err, NKT_ESYS, "writing %s",
				   o->discovery_cache);
	}
	return nkt_outfile_commit(&out->cache, err);
}

/* --verbose: where the cycle's time went. */
static void print_times(const struct nkt_cmp_cycle *c, const char *cache)
{
	fprintf(stderr,
		"nktrace compare: time %.1f s: discovery %.1f s%s%s%s, tracing "
		"%.1f s, re-probes %.1f s, pauses before them %.1f s\n",
		(double)(c->end_ns - c->start_ns) / 1e9,
		(double)c->discovery_ns / 1e9, *cache ? " (" : "", cache,
		*cache ? ")" : "", (double)c->trace_ns / 1e9,
		(double)c->reprobe_ns / 1e9, (double)c->pause_ns / 1e9);
}

static int open_outputs(const struct nkt_compare_opts *o, int cache_used,
			struct outputs *out, struct nkt_err *err)
{
	if (o->json_out != NULL) {
		if (nkt_outfile_open(&out->json, o->json_out, err) != NKT_OK)
			return NKT_ESYS;
		out->json_open = 1;
	}
	if (o->traces_out != NULL) {
		if (nkt_outfile_open(&out->traces, o->traces_out, err) !=
		    NKT_OK)
			return NKT_ESYS;
		out->traces_open = 1;
	}
	if (o->text_out != NULL) {
		if (nkt_outfile_open(&out->text, o->text_out, err) != NKT_OK)
			return NKT_ESYS;
		out->text_open = 1;
	}
	if (o->discovery_cache != NULL && !cache_used) {
		if (nkt_outfile_open(&out->cache, o->discovery_cache, err) !=
		    NKT_OK)
			return NKT_ESYS;
		out->cache_open = 1;
	}
	return NKT_OK;
}

/* The summary JSON written and both files committed. */
static int commit_outputs(const struct nkt_compare_opts *o,
			  const struct nkt_cmpsess *s, struct outputs *out,
			  const struct nkt_cmp_cycle *c, struct nkt_err *err)
{
	if (out->json_open) {
		out->json_open = 0;
		if (json_dumpf(c->summary, out->json.f, NKT_JSON_FLAGS) != 0 ||
		    fputc('\n', out->json.f) == EOF) {
			nkt_outfile_abort(&out->json);
			return nkt_err_set(err, NKT_ESYS, "writing %s",
					   o->json_out);
		}
		if (nkt_outfile_commit(&out->json, err) != NKT_OK)
			return NKT_ESYS;
	}
	if (out->traces_open) {
		out->traces_open = 0;
		if (nkt_outfile_commit(&out->traces, err) != NKT_OK)
			return NKT_ESYS;
	}
	/* the cache only of a discovery that ran to its end */
	if (out->cache_open && c->discovered &&
	    write_cache(o, s, out, err) != NKT_OK)
		return NKT_ESYS;
	return NKT_OK;
}

int nkt_cmd_compare(int argc, char **argv)
{
	struct nkt_compare_opts *o = nkt_xcalloc(1, sizeof(*o));
	struct nkt_err err = {0, ""};
	struct nkt_cmpsess *s = NULL;
	struct outputs out;
	struct nkt_cmp_cycle c;
	int code = NKT_EXIT_OK, cache_used = 0;
	char cache_note[96] = "";

	memset(&c, 0, sizeof(c));
	memset(&out, 0, sizeof(out));
	if (nkt_cli_compare(argc, argv, o, &err) != NKT_OK) {
		code = nkt_fail("compare", &err);
		goto out;
	}
	if (o->help) {
		fputs(nkt_cli_compare_help, stdout);
		goto out;
	}
	nkt_cli_print_warnings("compare", &o->out);
	s = nkt_cmpsess_open(o, &err);
	if (s == NULL || nkt_cmpsess_drop(s, &err) != NKT_OK) {
		code = nkt_fail("compare", &err);
		goto out;
	}
	if (o->discovery_cache != NULL)
		cache_used = load_cache(o, s, cache_note, sizeof(cache_note));
	if (open_outputs(o, cache_used, &out, &err) != NKT_OK ||
	    nkt_cmpsess_cycle(s, out.traces_open ? out.traces.f : NULL, &c,
			      &err) != NKT_OK ||
	    commit_outputs(o, s, &out, &c, &err) != NKT_OK) {
		code = nkt_fail("compare", &err);
		goto out;
	}
	if (out.text_open) {
		print_summary(out.text.f, s, &c);
		out.text_open = 0;
		if (nkt_outfile_commit(&out.text, &err) != NKT_OK)
			code = nkt_fail("compare", &err);
	} else if (!o->quiet &&
		   (o->json_out == NULL || strcmp(o->json_out, "-") != 0))
		print_summary(stdout, s, &c);
	if (o->out.verbose) {
		const uint32_t *found;
		size_t n_found;
		uint64_t found_ns;
		nkt_cmpsess_found(s, &found, &n_found, &found_ns);
		if (c.discovered)
			fprintf(stderr,
				"nktrace compare: discovery: %llu probes, %zu "
				"hosts answering\n",
				(unsigned long long)c.discovery_probes,
				n_found);
		nkt_print_run_counts("compare", "traces", &c.run);
		print_times(&c, cache_note);
	}
	if (fflush(stdout) != 0)
		code = NKT_EXIT_FAIL;
	if (c.run.signal)
		code = 128 + c.run.signal;
out:
	if (out.json_open)
		nkt_outfile_abort(&out.json);
	if (out.traces_open)
		nkt_outfile_abort(&out.traces);
	if (out.text_open)
		nkt_outfile_abort(&out.text);
	if (out.cache_open)
		nkt_outfile_abort(&out.cache);
	nkt_cmp_cycle_free(&c);
	nkt_cmpsess_close(s);
	free(o);
	return code;
}
