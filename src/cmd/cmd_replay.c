// SPDX-License-Identifier: ISC
/*
 * cmd_replay.c: `nktrace replay FILE.pcap...`: traceroutes reconstructed
 * from captures of any tracer, written like `nktrace trace` writes them.
 * Reads files only; sends nothing; needs no privilege.
 */
#include "cmd.h"
#include "cmd_common.h"
#include "nktrace/out_atlas.h"
#include "nktrace/out_text.h"
#include "nktrace/outfile.h"
#include "nktrace/replay.h"

#include <pcap/pcap.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Feed a capture's frames to rp; *cut set when it ends cut short (what
 * came before is kept). */
static int feed(struct nkt_replay *rp, const char *path, uint64_t *frames,
		uint64_t *ignored, uint64_t *malformed, int *cut,
		struct nkt_err *err)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	pcap_t *p;
	struct pcap_pkthdr *h;
	const u_char *d;
	uint64_t before;
	int rc, dlt, nano;

	if (strcmp(path, "-") == 0)
		p = pcap_fopen_offline_with_tstamp_precision(
			stdin, PCAP_TSTAMP_PRECISION_NANO, ebuf);
	else
		p = pcap_open_offline_with_tstamp_precision(
			path, PCAP_TSTAMP_PRECISION_NANO, ebuf);
	if (p == NULL) {
		/* libpcap repeats the path in its message; a missing or
		 * foreign file is bad input (exit 2), not a failure. */
		const char *why = ebuf;
		size_t n = strlen(path);
		if (strncmp(why, path, n) == 0 && strncmp(why + n, ": ", 2) == 0)
			why += n + 2;
		return nkt_err_set(err, NKT_EINVAL, "cannot read %s: %s", path,
				   strcmp(why, "unknown file format") == 0
					   ? "not a pcap or pcapng file"
					   : why);
	}
	dlt = pcap_datalink(p);
	nano = pcap_get_tstamp_precision(p) == PCAP_TSTAMP_PRECISION_NANO;
	before = *frames;
	while ((rc = pcap_next_ex(p, &h, &d)) == 1) {
		struct nkt_reply r;
		uint64_t ts = (uint64_t)h->ts.tv_sec * NKT_NS_PER_S +
			      (uint64_t)h->ts.tv_usec * (nano ? 1 : 1000);
		int drc = nkt_reply_decode(d, h->caplen, h->len, dlt, &r);
		(*frames)++;
		if (drc == NKT_OK)
			nkt_replay_frame(rp, &r, ts);
		else if (drc == NKT_EMALFORMED)
			(*malformed)++;
		else
			(*ignored)++;
	}
	if (rc == PCAP_ERROR) {
		/* A capture cut short (a full disk, a killed tcpdump): the
		 * frames before the cut are kept and their traces written;
		 * the command says so and ends with status 1. */
		fprintf(stderr,
			"nktrace replay: %s: cut short after %llu frames (%s): "
			"the traces of what came before are written\n",
			path, (unsigned long long)(*frames - before),
			pcap_geterr(p));
		*cut = 1;
	}
	pcap_close(p);
	return NKT_OK;
}

/* Write the traces (Atlas JSON or text) to the output, atomically. */
static int write_traces(const struct nkt_replay_opts *o,
			struct nkt_trace **traces, size_t n,
			struct nkt_err *err)
{
	struct nkt_outfile out;
	struct nkt_out_opts oo;
	size_t i;

	memset(&oo, 0, sizeof(oo));
	if (nkt_outfile_open(&out, o->output, err) != NKT_OK)
		return NKT_ESYS;
	for (i = 0; i < n; i++) {
		int rc = o->json ? nkt_atlas_write(out.f, traces[i], &oo)
				 : nkt_text_write(out.f, traces[i], &oo);
		if (rc != 0)
			nkt_outfile_error(&out, errno, err);
		if (rc != 0 || nkt_outfile_flush(&out, err) != NKT_OK) {
			nkt_outfile_abort(&out);
			return NKT_ESYS;
		}
	}
	return nkt_outfile_commit(&out, err);
}

static void print_stats(const struct nkt_replay *rp, uint64_t frames,
			uint64_t ignored, uint64_t malformed, size_t n)
{
	const struct nkt_replay_stats *st = nkt_replay_stats(rp);
	fprintf(stderr,
		"nktrace replay: %llu frames (%llu not IPv4 probes or "
		"replies, %llu malformed), %llu probes, %llu replies (%llu "
		"matched, %llu duplicates, %llu unmatched), %zu traces\n",
		(unsigned long long)frames, (unsigned long long)ignored,
		(unsigned long long)malformed, (unsigned long long)st->probes,
		(unsigned long long)st->replies,
		(unsigned long long)st->matched, (unsigned long long)st->dups,
		(unsigned long long)st->unmatched, n);
}

int nkt_cmd_replay(int argc, char **argv)
{
	struct nkt_replay_opts *o = nkt_xcalloc(1, sizeof(*o));
	struct nkt_err err = {0, ""};
	struct nkt_replay *rp = NULL;
	struct nkt_trace **traces = NULL;
	uint64_t frames = 0, ignored = 0, malformed = 0;
	size_t n = 0, i;
	int code = NKT_EXIT_OK, cut = 0;

	if (nkt_cli_replay(argc, argv, o, &err) != NKT_OK) {
		code = nkt_fail("replay", &err);
		goto out;
	}
	if (o->help) {
		fputs(nkt_cli_replay_help, stdout);
		goto out;
	}
	nkt_cli_print_warnings("replay", &o->out);
	rp = nkt_replay_new();
	for (i = 0; i < o->n_files; i++)
		if (feed(rp, o->files[i], &frames, &ignored, &malformed, &cut,
			 &err) != NKT_OK) {
			code = nkt_fail("replay", &err);
			goto out;
		}
	traces = nkt_replay_finish(rp, &n);
	if (write_traces(o, traces, n, &err) != NKT_OK)
		code = nkt_fail("replay", &err);
	else if (cut)
		code = NKT_EXIT_FAIL;
	if (o->out.verbose)
		print_stats(rp, frames, ignored, malformed, n);
out:
	for (i = 0; i < n; i++)
		nkt_trace_free(traces[i]);
	free(traces);
	nkt_replay_free(rp);
	free(o);
	return code;
}
