/* SPDX-License-Identifier: ISC */
/*
 * import_tracelb.h: scamper's tracelb records (scamper -O json,
 * sc_warts2json) as nktrace's MDA graph (mda.h), so that `nktrace import
 * --mda` writes them in trace --mda's form (data/mda.schema.md) and the two
 * tools' graphs of a target can be set side by side.  Pure.
 *
 * A tracelb record lists, per interface, its links: the positions of
 * links[j] are the (j+1)th hop of each link out of it, "*" for a silent
 * one; each probe of a hop carries its TTL, flow id and replies.  Every
 * probe answered at TTL t by hop j of a link out of node A says: that flow
 * met A at t - j - 1, silence between, and the hop's address at t.  The
 * JSON leaves out the probes that went unanswered.
 */
#ifndef NKTRACE_IMPORT_TRACELB_H
#define NKTRACE_IMPORT_TRACELB_H

#include "nktrace/common.h"
#include "nktrace/mda.h"

#include <jansson.h>
#include <stdint.h>

/* What the graph does not hold. */
struct nkt_tracelb_meta {
	uint32_t src, dst;
	char method[24];          /* scamper's: "udp-dport", "icmp-echo", ... */
	uint16_t sport, dport;
	double confidence;        /* 0.95 for scamper's 95 */
	uint64_t start_ns, end_ns; /* the first probe's, the last reply's */
	uint64_t probes;          /* scamper's probec */
	uint32_t flow_id[NKT_MDA_FLOWS]; /* graph flow i is scamper's
					    flow_id[i - 1] */
	unsigned n_flows;
	uint64_t left_out;        /* probes of flows past the 255th distinct
				     one, not in the graph */
};

/*
 * The graph of one tracelb record (free it with nkt_mda_free), its meta in
 * *mt.  NULL with err set: NKT_EIGNORE for one that is not a tracelb record
 * or is IPv6 (the graph is IPv4), NKT_EMALFORMED naming the member
 * ("nodes[3].links[0][1].probes[2].ttl: ...") for one that is not valid.
 */
struct nkt_mda *nkt_import_tracelb(const json_t *rec,
				   struct nkt_tracelb_meta *mt,
				   struct nkt_err *err);

#endif
