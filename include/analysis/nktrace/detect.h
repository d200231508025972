/* SPDX-License-Identifier: ISC */
/*
 * detect.h: change and outage detection between measurement cycles
 * (pure).  Each cycle is compared with the previous successful cycle that
 * has data for the same thing:
 *
 * A transit is any upstream paths are attributed to (transit.h), the
 * transits file's or not; one "carries" a /24 when at least
 * NKT_DETECT_SHARE of the /24's routed targets are attributed to it.  The
 * transit events below are raised for the transits file's transits and
 * for any transit that carries a /24 (in the cycle concerned):
 *
 *  prefix_moved        the set of transits carrying a /24 changed
 *  new_transit         a transit carries a /24 and no earlier cycle of the
 *                      history (in measurement time) saw it carry one: an
 *                      upstream appearing (TTK on 1 October 2017)
 *  transit_appeared,   a transit has paths attributed to it now and had
 *  transit_disappeared none in the previous cycle, or the reverse (where
 *                      the /24s it carried went, in the message)
 *  no_route,           a /24 routing has no route to on the vantage point
 *  route_back          (its targets not probed: a withdrawn route), that
 *                      had one in the cycle before; or one again
 *  outage, recovery    a /24 or a transit reaches no target (it reached
 *                      some before), or reaches some again
 *  rtt_shift           the hosts a transit (or a (/24, transit)) reached
 *                      in both cycles changed RTT: the median of their
 *                      own changes (Hodges-Lehmann) is at least
 *                      max(NKT_DETECT_RTT_MS, NKT_DETECT_RTT_REL of the
 *                      RTT before), and at least NKT_DETECT_RTT_AGREE of
 *                      those hosts (two or more) moved that way by half
 *                      of it: the same hosts, so their own delays cancel
 *  loss_shift          a transit's end-to-end loss over the hosts that
 *                      answered in both cycles changed with p <
 *                      NKT_DETECT_LOSS_P (a paired t test over those
 *                      hosts: a host is a unit, its probes are not), by at
 *                      least NKT_DETECT_LOSS_ABS, with at least
 *                      NKT_DETECT_LOSS_MIN probes in each cycle
 *  host_dark,          hosts of a transit that answered end-to-end probes
 *  host_back           before answer none now (not counted as loss), or
 *                      answer again; not raised with a transit outage or
 *                      recovery, which says it for all of them
 *  new_border          a (/24, transit)'s border hop (the last foreign
 *                      hop the first hop inside confirms, else the
 *                      furthest seen) is an address it was not before, at
 *                      the same hop or further; a border at an earlier
 *                      hop is the old one gone unseen (loss and rate
 *                      limits hide the routers nearest NK), and is
 *                      reported only once it has held for
 *                      NKT_DETECT_BORDER_HOLD cycles
 *
 * The thresholds are set so that the lab's jitter, configured loss and
 * ICMP rate limiting alone raise no event (tests/lab/test_run.py).
 */
#ifndef NKTRACE_DETECT_H
#define NKTRACE_DETECT_H

#include "nktrace/compare.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#define NKT_DETECT_SHARE 0.25
#define NKT_DETECT_RTT_MS 2.0
#define NKT_DETECT_RTT_REL 0.05
#define NKT_DETECT_LOSS_P 0.001
#define NKT_DETECT_LOSS_ABS 0.01
#define NKT_DETECT_LOSS_MIN 20
#define NKT_DETECT_BORDER_HOLD 3
#define NKT_DETECT_RTT_AGREE 0.8

/* One group's numbers in one cycle: a transit (prefix "") or a (/24,
 * transit) pair. */
struct nkt_hist_group {
	char prefix[24];
	char transit[96];
	int defined;  /* a transit the transits file names */
	int carrier;
	double share;
	uint32_t targets, reached;
	double rtt_median, rtt_lo, rtt_hi;
	uint64_t sent, lost;
	char border[16]; /* "" if none */
	uint8_t border_hop; /* its hop (TTL); 0 if unknown (older history) */
};

/* One host of a transit in one cycle. */
struct nkt_hist_host {
	char transit[96];
	char prefix[24];
	char addr[64];
	char vantage[48];    /* who measured it ("prb 12345"); "" for a
				probing run's own vantage point */
	uint64_t sent, lost; /* end-to-end probes */
	double rtt_median;   /* NaN: no RTT */
};

struct nkt_hist_cycle {
	int64_t run;
	int64_t start; /* Unix seconds */
	struct nkt_hist_group *g;
	size_t n;
	struct nkt_hist_host *h; /* every transit's hosts */
	size_t n_h;
	char (*unrouted)[24]; /* /24s routing had no route to (not probed) */
	size_t n_unrouted;
};

struct nkt_event {
	char kind[24];
	char prefix[24];
	char transit[96];
	char message[512];
	double before, after; /* the numbers the event is about, or NAN */
	char from[160], to[160]; /* prefix_moved: transit sets; new_border:
				    addresses; new_transit, transit_
				    disappeared: the carrier now */
};

/* The groups and hosts of a cycle's summary (c->g and c->h allocated;
 * free with nkt_hist_cycle_free).  addrs formats the hosts (NULL: IPv4);
 * vantages[i] names vantage index i of the result's hosts (NULL: one
 * vantage point, named "").  A host per (transit, address, vantage
 * point): detection pairs each with itself from cycle to cycle and
 * aggregates per host.
 * The /24s without a route (c->unrouted) are the caller's to add
 * (nkt_hist_add_unrouted). */
void nkt_hist_from_result(const struct nkt_cmp_result *r,
			  const struct nkt_addrtab *addrs,
			  const char *const *vantages, int64_t run,
			  int64_t start, struct nkt_hist_cycle *c);
void nkt_hist_add_unrouted(struct nkt_hist_cycle *c, const char *prefix);
void nkt_hist_cycle_free(struct nkt_hist_cycle *c);

/* What the history knew before a cycle, beyond its recent cycles. */
struct nkt_hist_known {
	const char *const *carriers; /* transits that carried a /24 in any
					earlier cycle */
	size_t n_carriers;
};

/*
 * Compare `cur` with previous cycles (most recent first; none: the first
 * cycle, no event) and what the history knew before them (`known`, NULL:
 * only the previous cycles).  Appends the events to *ev (reallocated; *n
 * updated).  Pure.
 */
void nkt_detect(const struct nkt_hist_cycle *cur,
		const struct nkt_hist_cycle *prev, size_t n_prev,
		const struct nkt_hist_known *known, struct nkt_event **ev,
		size_t *n);

/* An event as JSON {"kind", "prefix", "transit", "message", ...}. */
json_t *nkt_event_json(const struct nkt_event *e, int64_t time,
		       int64_t run);

#endif
