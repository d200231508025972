/* SPDX-License-Identifier: ISC */
/*
 * import.h: traceroute results of other tools as nktrace traces (pure).
 *
 * One JSON record in, one struct nkt_trace out, so that imported paths go
 * through exactly the annotation, attribution and statistics of nktrace's
 * own.  Understood:
 *
 *  RIPE Atlas traceroute results (fw 4400 and later, and nktrace's own
 *      `trace --json` / `compare --traces` records, which add end-to-end
 *      probes): timeouts, late replies ("late", kept as address-only
 *      reports), duplicates ("dup"), replies quoting another destination
 *      ("edst", reports, never answers), "err" letters and codes, "mtu",
 *      MPLS label stacks and other ICMP extension objects ("icmpext"),
 *      TCP flags, "ittl", hop-level and measurement-level errors, a
 *      missing dst_addr, IPv6 (addresses become addrtab handles).
 *  scamper JSON (`scamper -O json`, `sc_warts2json`): "trace" records with
 *      or without "hops" (silent hops are rebuilt as timeouts from
 *      firsthop, hop_count and attempts), ICMP(v6) type/code, TCP flags,
 *      "icmpext" MPLS; "cycle-start" records name the monitor; "ping",
 *      "tracelb", "cycle-stop" and "list" records are recognised and left
 *      out.  reply_size becomes Atlas's size; IPv4-mapped addresses are
 *      IPv4.  M-Lab's files: the metadata line is left out, the wrapped
 *      {"Metadata", "CycleStart", "Trace"} form read as its trace.
 *
 * Every imported trace carries its origin (trace.h): what the record said
 * of who measured and the members it had, so that out_atlas.c writes it
 * back as it was read.
 *
 * Timestamps become the trace's start/end; the vantage point is the Atlas
 * probe ("prb 12345"), the scamper monitor (cycle-start hostname) or the
 * source address.
 */
#ifndef NKTRACE_IMPORT_H
#define NKTRACE_IMPORT_H

#include "nktrace/addrtab.h"
#include "nktrace/common.h"
#include "nktrace/trace.h"

#include <jansson.h>

/* The format of a record (or of a whole input). */
enum nkt_import_fmt {
	NKT_IMPORT_AUTO = 0,
	NKT_IMPORT_ATLAS,
	NKT_IMPORT_SCAMPER,
};

/* What a stream of records carries from one record to the next. */
struct nkt_import_state {
	char monitor[80]; /* scamper: the hostname of the last cycle-start */
};

/* What the trace itself does not hold. */
struct nkt_import_meta {
	char vantage[96]; /* "prb 6001", "scamper ark-nrt (192.0.2.1)", ... */
	char source[16];  /* "atlas", "nktrace", "scamper" */
	char via[64];     /* nktrace records: the uplink, "" if routed */
	int64_t msm_id;   /* Atlas measurement, 0 if none */
};

/*
 * Convert one record.  `want` restricts the format (AUTO: detect).
 * Returns NKT_OK with *t a new trace (nkt_trace_free it) and *m filled; NKT_EIGNORE for a well-formed record that is not a traceroute
 * or holds no path (err->msg says which, e.g. "scamper ping record",
 * "measurement failed: name resolution failed ..."); NKT_EMALFORMED with
 * err->msg naming the offending member ("result[2].result[0].rtt: not a
 * number").  Addresses that are not plain IPv4 are interned in `at`.
 */
int nkt_import_record(const json_t *rec, enum nkt_import_fmt want,
		      struct nkt_addrtab *at, struct nkt_import_state *st,
		      struct nkt_trace **t, struct nkt_import_meta *m,
		      struct nkt_err *err);

/* "atlas" / "scamper" / "auto" -> the format; -1 if unknown. */
int nkt_import_fmt_parse(const char *s);

#endif
