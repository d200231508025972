/* SPDX-License-Identifier: ISC */
/*
 * compare.h: from traces to the comparison of transits (pure).
 *
 * Each finished trace (one target, method and uplink) becomes an
 * observation: reached or not, the transit its AS path is attributed to,
 * the border hop (the last hop before the target's AS) and its RTT, the
 * end-to-end RTTs and losses, a return-path length estimate from the reply
 * TTL, and the hops that lost some probes while later hops did not (ICMP
 * rate limiting, RFC 1812 4.3.2.8: not path loss).
 *
 * Observations are grouped by transit and by (prefix, transit).  The unit
 * of every statistic is a host (a target, or a target seen from one
 * vantage point when imported): probes to one host share its own delay
 * inside North Korea and its bad moments, so they are not independent
 * samples of a transit; hosts are.  A group's RTT is the median over its
 * hosts of each host's median; its loss is pooled over the hosts that
 * answered at all, with a variance between hosts; hosts that answered
 * nothing are counted apart (dark), never as packet loss.
 *
 * Every pair of transits with targets is compared (verdict.h) end to end
 * (the same hosts over both when there are enough, else different hosts),
 * at the border and in loss, each with its own interval and test; the
 * verdict claims a difference only when the interval excludes 0, the test
 * agrees at the level after Holm's adjustment over the pair's tests
 * (overall) or the /24's pairs (per /24), and each side has at least
 * min_units independent units.
 */
#ifndef NKTRACE_COMPARE_H
#define NKTRACE_COMPARE_H

#include "nktrace/addrtab.h"
#include "nktrace/aspath.h"
#include "nktrace/rank.h"
#include "nktrace/stats.h"
#include "nktrace/targetdb.h"
#include "nktrace/trace.h"
#include "nktrace/transit.h"

#include <stdint.h>

#define NKT_CMP_RATELIMIT_MAX 32
#define NKT_CMP_HOP_UNKNOWN 255 /* dest_hop of Atlas's last try */
#define NKT_CMP_MIN_UNITS 5 /* default of --min-units */
#define NKT_CMP_SLOT_S 900  /* the border's time slot: traces within one
			       share its moment (congestion, a burst) */
#define NKT_CMP_DARK_RUN 8  /* unanswered probes at the end that say a
			       host went dark (and a quarter of its own) */

/* End-to-end probes of one observation in one time slot (NKT_CMP_SLOT_S
 * since the epoch): what loss over slots counts. */
struct nkt_cmp_slotloss {
	int32_t slot;
	uint32_t sent, lost;
};

struct nkt_cmp_obs {
	uint32_t addr;       /* the target (or an addrtab handle) */
	uint32_t unit;       /* the host counted as one unit: the address
				(compare), or one target seen from one
				vantage point (import) */
	uint32_t vantage;    /* the vantage point (import), else 0 */
	uint32_t prefix;     /* the target's /24 (or its targets.json prefix) */
	uint8_t prefix_len;
	uint8_t method;
	uint16_t dport;
	uint8_t via;         /* uplink index; 0 = routed */
	uint32_t src;        /* the probes' source address (handle) */
	uint32_t reply_ifindex; /* the interface the destination's replies
				   came in by (nktrace's capture); 0 unknown */
	uint8_t stop_reason, stop_hop;
	uint8_t dest_hop;    /* TTL the destination answered at, 0 if not;
				NKT_CMP_HOP_UNKNOWN: only Atlas's last try
				(TTL 255) reached it, at an unknown distance */
	int reached;         /* the destination answered */
	struct nkt_attribution attr;  /* of this observation's own path */
	struct nkt_attribution tattr; /* of the target over this uplink
					 (nkt_cmp_unify): what stats use */
	uint32_t target_asn;
	struct nkt_border_hop last_foreign, first_inside;
	double *brtt;        /* RTTs of the border hop (last_foreign), ms,
				one per trace that reached North Korea;
				NULL when none (owned) */
	int32_t *bslot;      /* the time slot of each brtt, or NULL: all in
				start_ns's (owned; imports fold traces) */
	size_t n_brtt;
	struct nkt_cmp_slotloss *sl; /* end-to-end probes per trace and
					slot, or NULL: one trace at
					start_ns (owned; imports fold
					traces: a sample of theirs) */
	size_t n_sl;
	double dest_rtt_ms;  /* median of the trace's destination answers */
	uint32_t e2e_sent, e2e_recv;
	uint32_t e2e_tail_lost; /* end-to-end probes unanswered at the end */
	double *rtt;         /* end-to-end RTTs in ms, in send order (owned) */
	size_t n_rtt;
	int reply_ttl;       /* median TTL of the destination's answers, -1 */
	int return_hops;     /* estimated length of the path back, -1 */
	int asymmetric;      /* |return_hops - dest_hop| >= 2 */
	uint8_t ratelimit[NKT_CMP_RATELIMIT_MAX]; /* hops: lost some probes,
						     later hops lost none */
	uint8_t n_ratelimit;
	uint64_t start_ns;
	uint32_t *path;      /* the first address answering each TTL, 1 up
				to the border hop (0: none answered), or
				NULL without a border hop (owned; imports
				keep none) */
	uint8_t n_path;
	int reprobe;         /* a re-probe (NKT_PURPOSE_REPROBE): its path
				attributes the target, its numbers count
				nowhere */
};

/* Turn a finished trace into an observation (o->rtt and o->brtt are
 * allocated; free with nkt_cmp_obs_free). */
void nkt_cmp_observe(const struct nkt_trace *t, const struct nkt_aspath *p,
		     const struct nkt_attribution *a,
		     const struct nkt_targetdb *tdb, struct nkt_cmp_obs *o);

void nkt_cmp_obs_free(struct nkt_cmp_obs *o);

/*
 * Attribute each target (over each uplink) once (every method to one
 * target over one uplink takes the same route at the same time; rate-
 * limited routers hide different hops from different probes): a path that
 * saw the hand-over into the target's AS keeps its own transit; any other
 * takes the target's best evidence (fewest hops that said nothing between
 * the transit and the target's AS; reached first) when better than its
 * own; a target no path attributes is unattributed (tattr.transit -1,
 * tattr.why).  Sets tattr of every observation.
 */
void nkt_cmp_unify(struct nkt_cmp_obs *obs, size_t n);

/* How to summarise. */
struct nkt_cmp_cfg {
	const struct nkt_transits *transits;
	const struct nkt_addrtab *addrs; /* handles in obs (NULL: IPv4) */
	const struct nkt_targetdb *tdb;  /* may be NULL */
	const char *via_name[256];       /* uplink labels; [0] NULL */
	uint32_t via_ifindex[256];       /* uplinks' interface indexes (the
					    replies' arrival says which
					    uplink NK's route took); 0 none */
	double level;                    /* confidence level, e.g. 0.95 */
	unsigned min_units;              /* per side, for any verdict; 0:
					    NKT_CMP_MIN_UNITS */
};

/* Summary statistics of one group of observations. */
struct nkt_cmp_stats {
	char name[96];        /* the transit's name */
	int transit;          /* its index in the registry */
	int configured;       /* the transits file names it */
	uint32_t prefix;      /* per-prefix rows: the prefix */
	uint8_t prefix_len;
	size_t targets, reached; /* hosts, and those that answered */
	size_t hosts;         /* hosts with end-to-end RTTs */
	size_t n_rtt;         /* end-to-end RTT samples */
	double rtt_median;    /* median over hosts of each host's median; one
				 host: the median of its RTTs */
	struct nkt_ci rtt_ci; /* order statistics of the host medians; NaN
				 when too few, and with one host */
	double rtt_conf;      /* the confidence rtt_ci has, or (NaN rtt_ci)
				 the most any interval could have */
	double rtt_p10, rtt_p90, jitter; /* over every RTT sample */
	uint64_t sent, lost;  /* end-to-end probes of the hosts that answered */
	double loss;
	struct nkt_ci loss_ci; /* nkt_stats_loss: hosts, not probes */
	size_t loss_hosts;    /* hosts in the loss rate */
	size_t dark;          /* hosts sent end-to-end probes that answered
				 none of them (not in the loss rate) */
	size_t went_dark;     /* hosts that stopped answering while measured
				 (their last probes not in the loss rate) */
	uint32_t border_addr; /* the most common border hop (last hop before
				 the target's AS, on paths that reached it) */
	uint8_t border_hop;   /* its hop (TTL); 0 without one */
	double border_rtt;    /* median of its RTTs, one per trace */
	struct nkt_ci border_ci; /* order statistics of those RTTs */
	double border_conf;
	size_t border_n;      /* traces with that border's RTT */
	double inside_rtt;    /* median RTT added inside the target's AS */
	double hops;          /* median destination hop */
	size_t ratelimit_hops;
	size_t paths;         /* distinct paths up to the border from one
				 vantage point (the most any saw): paths
				 that agree wherever both answered are one;
				 other vantage points' paths are theirs */
	double path_spread;   /* max - min of those paths' median border
				 RTTs, ms; NaN below two with border RTTs */
	size_t vantages;      /* vantage points with a path to the border */
	size_t asymmetric;
	size_t vias;          /* observations over a pinned uplink */
	int return_carrier;   /* carrier known from the uplink the /24's
				 replies came back by (every measurement
				 pinned: --via) */
	int carrier;          /* per-prefix rows: the transit carrying the
				 prefix (most routed targets) */
	double share;         /* per-prefix rows: this row's part of the
				 prefix's routed targets */
	int split;            /* per-prefix rows: two transits or
				 more each carry at least NKT_CMP_SPLIT_SHARE
				 of the prefix's routed targets (ECMP or a
				 routing split at the border); each of them
				 is then a carrier */
};

/* The share of a prefix's routed targets a transit must carry for the
 * prefix to count as split between it and another (as NKT_DETECT_SHARE,
 * history's "carried by"). */
#define NKT_CMP_SPLIT_SHARE 0.25

/* How a comparison's units relate. */
enum nkt_cmp_design {
	NKT_DESIGN_NONE = 0,
	NKT_DESIGN_PAIRED,  /* the same hosts over both transits: Wilcoxon
			       signed-rank on per-host differences */
	NKT_DESIGN_HOSTS,   /* different hosts: Mann-Whitney over hosts */
	NKT_DESIGN_FLOWS_SLOTS, /* border, one vantage point: Mann-Whitney
				   over flows (each host's own path across
				   the border) and Wilcoxon over time slots
				   (NKT_CMP_SLOT_S) with both borders
				   measured; a claim needs both, never the
				   traces of one moment */
	NKT_DESIGN_VANTAGE, /* border, several vantage points: Wilcoxon over
			       the vantage points that saw both borders */
};

/* One comparison of one quantity, a - b. */
struct nkt_cmp_test {
	enum nkt_cmp_design design;
	int available;        /* enough units and an interval at the level */
	int claim;            /* available, the interval excludes 0 and
				 p_holm < 1 - level */
	struct nkt_shift s;   /* estimate, interval, p (rank.h) */
	double p_holm;        /* Holm-adjusted over the comparisons made
				 (nkt_cmp_diff.family): what claims use */
	size_t units_a, units_b; /* per side (paired: both the pairs); hosts
				    (addresses) end to end, flows or vantage
				    points at the border */
	size_t paired;        /* hosts measured over both transits */
	size_t slots;         /* border over flows and slots: the slots
				 with both borders measured */
	char why[1024];       /* when not available: what is missing */
};

/* The comparison of loss, a - b. */
struct nkt_cmp_losstest {
	int available, claim;
	struct nkt_loss_diff d;
	double rate_a, rate_b;
	double p_holm;
	size_t hosts_a, hosts_b; /* hosts (addresses: every vantage point's
				    probes to one host are one cluster) in
				    each rate (paired: both) */
	size_t dark_a, dark_b;
	size_t went_dark_a, went_dark_b;
	size_t slots;         /* time slots with both measured: a burst is
				 shared by every host of a transit at one
				 moment, so a claim needs the slots too */
	struct nkt_ci host_ci; /* the hosts' interval alone (d.ci is the
				  hull of it and the slots') */
	char why[1024];
};

struct nkt_cmp_diff {
	int valid;            /* two groups were compared */
	char a[96], b[96];    /* transit names; a - b */
	uint32_t prefix;      /* 0 for the overall difference */
	uint8_t prefix_len;
	char prefix_str[72];  /* "175.45.177.0/24"; "" overall */
	size_t family;        /* the tests Holm adjusted over: the pair's
				 three (end to end, border, loss) overall,
				 or those of every pair of the /24 */
	struct nkt_cmp_test e2e;    /* end-to-end RTT */
	struct nkt_cmp_test border; /* RTT to each transit's border hop */
	uint32_t border_a, border_b;
	struct nkt_cmp_losstest loss;
	/* Every observation of both sides left by a chosen uplink (--via),
	 * from one source address: the replies came back by one route,
	 * North Korea's for the /24, the same for both sides, so the
	 * difference is the forward paths' alone (a run without --via
	 * compares round trips). */
	int pinned_one_return;
};

/* One host as a transit's row counted it (what monitoring compares from
 * one cycle to the next). */
struct nkt_cmp_host {
	size_t row;          /* its transit's row in nkt_cmp_result.transit */
	uint32_t addr, vantage;
	uint32_t prefix;
	uint8_t prefix_len;
	uint64_t sent, recv; /* end-to-end probes */
	double rtt_median;   /* NaN without RTTs */
	size_t n_rtt;
};

struct nkt_cmp_result {
	struct nkt_cmp_stats *transit;   /* one per transit seen */
	size_t n_transit;
	struct nkt_cmp_host *host;       /* the hosts of every transit row */
	size_t n_host;
	struct nkt_cmp_stats *prefix;    /* one per (prefix, transit) */
	size_t n_prefix;
	struct nkt_cmp_diff overall;     /* the two transits with the most
					    targets */
	struct nkt_cmp_diff *odiff;      /* every other pair of transits */
	size_t n_odiff;
	struct nkt_cmp_diff *pdiff;      /* per prefix measured over two or
					    more: each pair, prefix order */
	size_t n_pdiff;
	size_t observations, targets; /* measurements (re-probes apart) */
	size_t reprobes;                 /* re-probe traces (attribution) */
	size_t unattributed;             /* targets attributed to no transit
					    (no public hop of their paths
					    before the target's AS answered) */
	size_t weak;                     /* targets whose transit is the last
					    AS seen over hops that said
					    nothing (gap > 0), not a
					    hand-over the trace saw */
	double level;
	unsigned min_units;
};

/* Summarise and compare observations (not modified). */
void nkt_cmp_summarize(const struct nkt_cmp_obs *obs, size_t n,
		       const struct nkt_cmp_cfg *cfg, struct nkt_cmp_result *r);
void nkt_cmp_result_free(struct nkt_cmp_result *r);

#endif
