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

#include <getopt.h>
#include <pcap/pcap.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char help[] =
	"usage: nktrace replay [--json] [-o FILE] [-v] CAPTURE.pcap... | -\n"
	"\n"
	"Rebuild traceroutes from packet captures taken while any tracer ran\n"
	"(nktrace, scamper, mtr, traceroute): each reply is matched to the\n"
	"captured probe it quotes or answers; one trace per (source,\n"
	"destination, protocol).  IPv6 frames are not decoded (nktrace "
	"probes\nIPv4).\n"
	"\n"
	"      --json         one RIPE Atlas traceroute result per line\n"
	"  -o, --output FILE  write to FILE atomically\n"
	"  -v, --verbose      frame and match counts on stderr\n"
	"\n"
	"exit status: 0 ok, 1 unreadable capture, 2 usage error.\n";

static int feed(struct nkt_replay *rp, const char *path, uint64_t *frames,
		uint64_t *ignored, uint64_t *malformed, struct nkt_err *err)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	pcap_t *p;
	struct pcap_pkthdr *h;
	const u_char *d;
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
		nkt_err_set(err, NKT_ESYS, "%s: %s", path, pcap_geterr(p));
		pcap_close(p);
		return NKT_ESYS;
	}
	pcap_close(p);
	return NKT_OK;
}

int nkt_cmd_replay(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"json", no_argument, NULL, 'j'},
		{"output", required_argument, NULL, 'o'},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct nkt_err err = {0, ""};
	struct nkt_outfile out;
	struct nkt_out_opts oo;
	struct nkt_replay *rp;
	struct nkt_trace **traces;
	const char *output = NULL;
	uint64_t frames = 0, ignored = 0, malformed = 0;
	size_t n, i;
	int c, json = 0, verbose = 0, code = NKT_EXIT_OK;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = 1;
			break;
		case 'o':
			output = optarg;
			break;
		case 'v':
			verbose = 1;
			break;
		case 'h':
			fputs(help, stdout);
			return NKT_EXIT_OK;
		default:
			nkt_cli_getopt_error(c, argv, &err);
			return nkt_fail("replay", &err);
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "nktrace replay: no capture file given\n");
		return NKT_EXIT_USAGE;
	}
	rp = nkt_replay_new();
	for (i = (size_t)optind; i < (size_t)argc; i++)
		if (feed(rp, argv[i], &frames, &ignored, &malformed, &err) !=
		    NKT_OK) {
			nkt_replay_free(rp);
			return nkt_fail("replay", &err);
		}
	traces = nkt_replay_finish(rp, &n);
	memset(&oo, 0, sizeof(oo));
	if (nkt_outfile_open(&out, output, &err) != NKT_OK)
		code = nkt_fail("replay", &err);
	else {
		for (i = 0; i < n && code == NKT_EXIT_OK; i++) {
			int rc = json ? nkt_atlas_write(out.f, traces[i], &oo)
				      : nkt_text_write(out.f, traces[i], &oo);
			if (rc != 0)
				nkt_outfile_error(&out, errno, &err);
			if (rc != 0 ||
			    nkt_outfile_flush(&out, &err) != NKT_OK) {
				code = nkt_fail("replay", &err);
				nkt_outfile_abort(&out);
			}
		}
		if (code == NKT_EXIT_OK &&
		    nkt_outfile_commit(&out, &err) != NKT_OK)
			code = nkt_fail("replay", &err);
	}
	if (verbose) {
		const struct nkt_replay_stats *st = nkt_replay_stats(rp);
		fprintf(stderr,
			"nktrace replay: %llu frames (%llu not IPv4 probes or "
			"replies, %llu malformed), %llu probes, %llu replies "
			"(%llu matched, %llu duplicates, %llu unmatched), %zu "
			"traces\n",
			(unsigned long long)frames,
			(unsigned long long)ignored,
			(unsigned long long)malformed,
			(unsigned long long)st->probes,
			(unsigned long long)st->replies,
			(unsigned long long)st->matched,
			(unsigned long long)st->dups,
			(unsigned long long)st->unmatched, n);
	}
	for (i = 0; i < n; i++)
		nkt_trace_free(traces[i]);
	free(traces);
	nkt_replay_free(rp);
	return code;
}
