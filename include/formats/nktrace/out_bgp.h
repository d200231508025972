/* SPDX-License-Identifier: ISC */
/*
 * out_bgp.h: `nktrace bgp`'s outputs (pure: a stream in, no file
 * handling): the routes of MRT records one per line, in the layout of
 * `bgpdump -m`'s first fields, and the control plane's summary as text
 * and JSON (data/bgp.schema.md).
 */
#ifndef NKTRACE_OUT_BGP_H
#define NKTRACE_OUT_BGP_H

#include "nktrace/bgpview.h"
#include "nktrace/mrt.h"
#include "nktrace/transit.h"

#include <jansson.h>
#include <stdio.h>

/* One line per route of a decoded record, and one per state change:
 *   FORMAT|TIME|A|PEER|PEER_AS|PREFIX[|PATH_ID]|AS_PATH
 *   FORMAT|TIME|B|PEER|PEER_AS|PREFIX[|PATH_ID]|AS_PATH
 *   FORMAT|TIME|W|PEER|PEER_AS|PREFIX[|PATH_ID]
 *   FORMAT|TIME|STATE|PEER|PEER_AS|OLD|NEW
 * (bgpdump -m's first fields; TIME is SECONDS.MICROSECONDS for
 * BGP4MP_ET).  Routes outside sel are left out (sel NULL: every one).
 * Returns the lines written, or -1 on a write error. */
long nkt_mrt_write_records(FILE *f, const struct nkt_mrt_rec *r, int result,
			   const struct nkt_bgp_sel *sel);

/* What the command read, for the summary's header. */
struct nkt_bgp_input {
	const char *path;
	uint64_t records, skipped, unread, masked, other_af, truncated;
	int64_t first, last;
	int rib;          /* a RIB dump (TABLE_DUMP or TABLE_DUMP_V2 RIB) */
	const char *cut;  /* why it stopped short, or NULL */
};

/* "TTK (AS20485)" for an AS in a group of the transits file, else
 * "AS9002"; returns buf. */
char *nkt_bgp_as_name(const struct nkt_transits *ts, uint32_t asn, char *buf,
		      size_t len);

/* A transit of a prefix's upstreams: a group of the transits file
 * (China Unicom = AS4837 + AS134544), or an AS of its own ("AS9002"). */
struct nkt_bgp_transit {
	char name[96];
	int group;           /* index in the registry, or -1 */
	uint32_t asns[16];
	size_t n_asns;
	uint32_t peers, routes, peers_max; /* peers with a route through it
					      now (each once) */
	int64_t since, last_seen;
	uint32_t last_peer;  /* counting: the last peer counted, + 1 */
};

/* The transits of prefix pf now, most peers first (*out the caller's to
 * free; never NULL); returns how many. */
size_t nkt_bgp_transits(const struct nkt_bgp_prefix *pf,
			const struct nkt_transits *ts,
			struct nkt_bgp_transit **out);

/* The summary (data/bgp.schema.md) to f as one line of compact JSON,
 * written a prefix at a time (memory does not grow with the number of
 * prefixes beyond the view's own).  Returns 0, or -1 on a write error. */
int nkt_bgp_json_write(FILE *f, const struct nkt_bgp_view *v,
		       const struct nkt_bgp_input *files, size_t n_files,
		       const struct nkt_transits *ts);

/* The summary for a terminal.  Returns 0, or -1 on a write error. */
int nkt_bgp_text(FILE *f, const struct nkt_bgp_view *v,
		 const struct nkt_bgp_input *files, size_t n_files,
		 const struct nkt_transits *ts);

/* An event's kind ("bgp_new_upstream") and its sentence into buf;
 * returns the kind. */
const char *nkt_bgp_event_text(const struct nkt_bgp_view *v,
			       const struct nkt_bgp_event *e,
			       const struct nkt_transits *ts, char *buf,
			       size_t len);

#endif
