/* SPDX-License-Identifier: ISC */
/*
 * bgpview.h: the control plane of chosen prefixes, built from decoded MRT
 * records (mrt.h) in the order given (pure).
 *
 * A route is one peer's path to a prefix (with ADD-PATH, one of its
 * paths): set by a RIB entry or an announcement, removed by a withdrawal,
 * by the peer's session leaving Established, or by a later RIB dump of
 * the same peer that no longer has it.  Of each path the view keeps the
 * origin AS and the origin's upstream (the AS before the origin, its
 * prepending passed over: mrt.h), and per prefix counts, per upstream
 * and per origin, the peers that have a path through it now.
 *
 * Changes (events) are raised only against a baseline: once a RIB dump
 * has been read, an upstream, an origin or a prefix that appears is new;
 * updates alone say what was announced, not what changed (the state
 * before them is unknown), and raise none.
 */
#ifndef NKTRACE_BGPVIEW_H
#define NKTRACE_BGPVIEW_H

#include "nktrace/mrt.h"
#include "nktrace/transit.h"

#include <stddef.h>
#include <stdint.h>

/* What to follow: prefixes (each with its more-specifics), and any
 * prefix announced with one of the origins. */
struct nkt_bgp_sel {
	struct nkt_mrt_prefix prefixes[64];
	size_t n_prefixes;
	uint32_t origins[64];
	size_t n_origins;
};

struct nkt_bgp_route {
	uint32_t peer;     /* index in view->peers */
	uint32_t path_id;
	uint32_t origin;   /* 0: none (an AS_SET at the end, no AS_PATH) */
	uint32_t upstream; /* 0: none (the peer is the origin) */
	int64_t since;     /* when the peer learnt it (RIB) or announced */
	uint32_t gen;      /* the RIB dump that set it last (0: updates) */
};

/* An AS (upstream or origin) of a prefix. */
struct nkt_bgp_as {
	uint32_t asn;
	uint32_t peers;      /* peers with a path through it now */
	uint32_t routes;     /* routes (paths) through it now */
	uint32_t peers_max;  /* the most at any time */
	uint64_t announced;  /* announcements and RIB entries through it */
	int64_t first_seen, last_seen; /* record times it was present */
	int64_t since;       /* earliest `since` of its routes now */
};

struct nkt_bgp_prefix {
	struct nkt_mrt_prefix prefix;
	struct nkt_bgp_route *routes; /* sorted by (peer, path_id) */
	size_t n_routes, cap_routes;
	struct nkt_bgp_as *up, *orig;
	size_t n_up, n_orig;
	uint64_t announcements, withdrawals, rib_entries;
	int64_t first_seen, last_change;
	uint32_t peers; /* peers with a route now */
};

/* Upstreams are compared as transits: the ASes of one group of the
 * transits file are one (AS134544 taking over from AS4837 is China
 * Unicom still), any other AS is its own. */
enum nkt_bgp_event_kind {
	NKT_BGP_ANNOUNCED,      /* a prefix not in the baseline */
	NKT_BGP_MORE_SPECIFIC,  /* an announced prefix inside another one
				   announced (a new more-specific) */
	NKT_BGP_NEW_ORIGIN,     /* an origin not in the baseline (MOAS) */
	NKT_BGP_NEW_UPSTREAM,   /* a transit the prefix did not have */
	NKT_BGP_UPSTREAM_GONE,  /* a transit no peer has the prefix through
				   any more (at the end; time: when its last
				   path went) */
	NKT_BGP_WITHDRAWN,      /* a prefix no peer has any more (at the
				   end) */
};

struct nkt_bgp_event {
	int kind; /* enum nkt_bgp_event_kind */
	int64_t time;
	size_t prefix; /* index in view->p */
	uint32_t asn;  /* the upstream or origin */
	uint32_t peers; /* peers that saw it then (GONE: the most that had
			   it) */
	size_t covering; /* MORE_SPECIFIC: the prefix it is inside */
};

struct nkt_bgp_view {
	struct nkt_bgp_sel sel;
	const struct nkt_transits *ts; /* the groups; NULL: every AS alone */
	struct nkt_mrt_peer *peers;
	uint8_t *peer_dumped; /* per peer: in the current RIB dump */
	size_t n_peers, cap_peers;
	size_t *peer_hash;    /* open addressing: index + 1, 0 empty */
	size_t hash_cap;
	struct nkt_bgp_prefix *p;
	size_t n, cap;
	size_t *pfx_hash;
	size_t pfx_hash_cap;
	struct nkt_bgp_event *ev;
	size_t n_ev, cap_ev;
	int baseline;   /* a RIB dump was read */
	uint32_t gen;   /* RIB dumps read */
	int in_dump;    /* the file being read is a RIB dump */
	int64_t first, last; /* times of the first and last record */
	uint64_t records, announcements, withdrawals, rib_entries,
		state_changes, sessions_down;
};

/* An empty view following `sel`, its upstreams grouped by ts (may be
 * NULL; kept, not copied). */
void nkt_bgp_view_init(struct nkt_bgp_view *v, const struct nkt_bgp_sel *sel,
		       const struct nkt_transits *ts);
void nkt_bgp_view_free(struct nkt_bgp_view *v);

/* Whether the selection follows prefix p (announced with origin, 0 for
 * a withdrawal: only what is already followed). */
int nkt_bgp_sel_match(const struct nkt_bgp_sel *sel,
		      const struct nkt_mrt_prefix *p, uint32_t origin);

/* Apply one decoded record (result: nkt_mrt_decode's). */
void nkt_bgp_view_add(struct nkt_bgp_view *v, const struct nkt_mrt_rec *r,
		      int result);

/* The end of a file: when it was a RIB dump, the routes of its peers that
 * it did not have are gone. */
void nkt_bgp_view_file_end(struct nkt_bgp_view *v);

/* The end of the input: the events of what is gone (UPSTREAM_GONE,
 * WITHDRAWN) are added, and the events sorted by time. */
void nkt_bgp_view_finish(struct nkt_bgp_view *v);

/* The most specific prefix announced now (a peer has a route) that
 * covers prefix pi and is shorter: its index in v->p, or -1. */
long nkt_bgp_covering(const struct nkt_bgp_view *v, size_t pi);

/* Whether prefix a lies inside b (or is b). */
int nkt_mrt_prefix_in(const struct nkt_mrt_prefix *a,
		      const struct nkt_mrt_prefix *b);

/* "175.45.176.0/24" into buf; returns buf. */
char *nkt_mrt_prefix_str(const struct nkt_mrt_prefix *p, char *buf,
			 size_t len);

/* Parse "175.45.176.0/22" (or an IPv6 prefix); host bits must be zero.
 * Returns 0 or -1. */
int nkt_mrt_prefix_parse(const char *s, struct nkt_mrt_prefix *out);

#endif
