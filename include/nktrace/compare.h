/* SPDX-License-Identifier: ISC */
/*
 * compare.h: from traces to the comparison of transits (pure).
 *
 * Each finished trace (one target, method and uplink) becomes an
 * observation: reached or not, the transit its AS path is attributed to,
 * the border crossing, the end-to-end RTTs and losses, the RTT added inside
 * the target's AS, a return-path length estimate from the reply TTL, and
 * the hops that lost some probes while later hops did not (ICMP rate
 * limiting, RFC 1812 4.3.2.8: not path loss).  Observations are grouped by
 * transit and by (prefix, transit) and summarised with the statistics of
 * stats.h; two transits are compared (difference of medians with a
 * bootstrap CI and a Mann-Whitney test on per-target medians; difference of
 * loss rates with Newcombe's CI and Fisher's exact test).
 */
#ifndef NKTRACE_COMPARE_H
#define NKTRACE_COMPARE_H

#include "nktrace/addrtab.h"
#include "nktrace/aspath.h"
#include "nktrace/stats.h"
#include "nktrace/targetdb.h"
#include "nktrace/trace.h"
#include "nktrace/transit.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

#define NKT_CMP_RATELIMIT_MAX 32

struct nkt_cmp_obs {
	uint32_t addr;       /* the target (or an addrtab handle) */
	uint32_t unit;       /* what is counted and resampled as one target:
				the address (compare), or one target seen
				from one vantage point (import) */
	uint32_t prefix;     /* the target's /24 (or its targets.json prefix) */
	uint8_t prefix_len;
	uint8_t method;
	uint16_t dport;
	uint8_t via;         /* uplink index; 0 = routed */
	uint8_t stop_reason, stop_hop;
	uint8_t dest_hop;    /* TTL the destination answered at, 0 if not */
	int reached;         /* the destination answered */
	struct nkt_attribution attr;  /* of this observation's own path */
	struct nkt_attribution tattr; /* of the target over this uplink
					 (nkt_cmp_unify): what stats use */
	uint32_t target_asn;
	struct nkt_border_hop last_foreign, first_inside;
	double dest_rtt_ms;  /* median of the trace's destination answers */
	uint32_t e2e_sent, e2e_recv;
	double *rtt;         /* end-to-end RTTs in ms, in send order (owned) */
	size_t n_rtt;
	int reply_ttl;       /* median TTL of the destination's answers, -1 */
	int return_hops;     /* estimated length of the path back, -1 */
	int asymmetric;      /* |return_hops - dest_hop| >= 2 */
	uint8_t ratelimit[NKT_CMP_RATELIMIT_MAX]; /* hops: lost some probes,
						     later hops lost none */
	uint8_t n_ratelimit;
	uint64_t start_ns;
};

/* Turn a finished trace into an observation (o->rtt is allocated). */
void nkt_cmp_observe(const struct nkt_trace *t, const struct nkt_aspath *p,
		     const struct nkt_attribution *a,
		     const struct nkt_targetdb *tdb, struct nkt_cmp_obs *o);

void nkt_cmp_obs_free(struct nkt_cmp_obs *o);

/*
 * Attribute each target (over each uplink) once: the defined transit seen
 * on any of its observations' paths, preferring observations that reached
 * it (every method to one target over one uplink takes the same route at
 * the same time; rate-limited routers hide different hops from different
 * probes).  Sets tattr of every observation; one that saw no defined
 * transit and no target-level one keeps its own attribution.
 */
void nkt_cmp_unify(struct nkt_cmp_obs *obs, size_t n);

/* How to summarise. */
struct nkt_cmp_cfg {
	const struct nkt_transits *transits;
	const struct nkt_addrtab *addrs; /* handles in obs (NULL: IPv4) */
	const struct nkt_targetdb *tdb;  /* may be NULL */
	const char *via_name[256];       /* uplink labels; [0] NULL */
	double level;                    /* confidence level, e.g. 0.95 */
	unsigned bootstrap;              /* resamples */
	uint64_t seed;
};

/* Summary statistics of one group of observations. */
struct nkt_cmp_stats {
	char name[96];        /* transit (or "other AS<n>", "unknown") */
	int transit;          /* index, or -1 */
	uint32_t prefix;      /* per-prefix rows: the prefix */
	uint8_t prefix_len;
	size_t targets, reached;
	size_t n_rtt;         /* end-to-end RTT samples */
	double rtt_median, rtt_p10, rtt_p90, jitter;
	struct nkt_ci rtt_ci;
	uint64_t sent, lost;
	double loss;
	struct nkt_ci loss_ci;
	uint32_t border_addr; /* the most common border hop: the last hop
				 before the target's AS, seen right before
				 the first hop inside it */
	double border_rtt;    /* its median RTT (observations where a silent
				 hop hid the border are left out) */
	double inside_rtt;    /* median RTT added inside the target's AS */
	double hops;          /* median destination hop */
	size_t ratelimit_hops;
	size_t asymmetric;
	size_t vias;          /* observations over a pinned uplink */
	int carrier;          /* per-prefix rows: the transit carrying the
				 prefix (most routed targets; a defined
				 transit before other/unknown) */
	double share;         /* per-prefix rows: this row's part of the
				 prefix's routed targets */
};

struct nkt_cmp_diff {
	int valid;
	char a[96], b[96];    /* transit names; a - b */
	uint32_t prefix;      /* 0 for the overall difference */
	uint8_t prefix_len;
	char prefix_str[72];  /* "175.45.177.0/24"; "" overall */
	double rtt_diff;
	struct nkt_ci rtt_ci;
	double rtt_p;
	double loss_a, loss_b, loss_diff;
	struct nkt_ci loss_ci;
	double loss_p;
};

struct nkt_cmp_result {
	struct nkt_cmp_stats *transit;   /* one per transit seen */
	size_t n_transit;
	struct nkt_cmp_stats *prefix;    /* one per (prefix, transit) */
	size_t n_prefix;
	struct nkt_cmp_diff overall;
	struct nkt_cmp_diff *pdiff;      /* per prefix measured over both */
	size_t n_pdiff;
	size_t observations, targets;
};

/* Summarise observations (not modified). */
void nkt_cmp_summarize(const struct nkt_cmp_obs *obs, size_t n,
		       const struct nkt_cmp_cfg *cfg, struct nkt_cmp_result *r);
void nkt_cmp_result_free(struct nkt_cmp_result *r);

/* The verdict sentence of a difference, e.g. "TTK is 98 ms faster than
 * China Unicom (95% CI 91-104 ms, p<0.001); loss 0.4% vs 2.1% (p=0.003)". */
char *nkt_cmp_verdict(const struct nkt_cmp_diff *d, double level, char *buf,
		      size_t len);

/* The {"type":"compare", ...} summary record (new reference). */
json_t *nkt_cmp_json(const struct nkt_cmp_result *r,
		     const struct nkt_cmp_obs *obs, size_t n,
		     const struct nkt_cmp_cfg *cfg, uint64_t start_ns,
		     uint64_t end_ns);

/* The terminal report. */
void nkt_cmp_text(FILE *f, const struct nkt_cmp_result *r,
		  const struct nkt_cmp_cfg *cfg);

#endif
