/* SPDX-License-Identifier: ISC */
/*
 * mda.h: the Multipath Detection Algorithm (Augustin et al., IMC 2006/2007)
 * with Veitch et al.'s stopping rule (INFOCOM 2009): hop by hop, each
 * interface of the previous hop is probed with enough flow identifiers
 * that, at the stated confidence, no successor of it is left undiscovered;
 * flows known to pass an interface are used first, and new ones are sent a
 * hop earlier to find more when there are too few ("node control").  Each
 * interface that shows several successors is tested for per-packet
 * balancing (one flow sent again: another address means per packet).  An
 * interface met again at a later TTL (after an unequal-length diamond) is
 * not enumerated again: its next hops are those found the first time, as
 * a router's hash does not depend on the TTL (scamper's tracelb, which
 * keys its graph by address, does the same).
 * Pure: it says what to probe and takes the outcomes; the shell sends.
 *
 * Flow identifiers are 1..NKT_MDA_FLOWS (Paris flows: the source port, or
 * the ICMP checksum).
 */
#ifndef NKTRACE_MDA_H
#define NKTRACE_MDA_H

#include <stddef.h>
#include <stdint.h>

#define NKT_MDA_FLOWS 255
#define NKT_MDA_NODES_MAX 1024
#define NKT_MDA_LINKS_MAX 2048
#define NKT_MDA_NO_RTT UINT64_MAX /* an outcome whose RTT is not known */

/* A set of flow identifiers (bit f for flow f). */
struct nkt_flowset {
	uint64_t w[4];
};

struct nkt_mda_cfg {
	uint32_t dst;       /* host order */
	double confidence;  /* e.g. 0.95: per interface */
	uint8_t first_ttl, max_ttl, gaplimit;
	uint8_t repeats;    /* per-packet test: times one flow is sent again
			       (0: no test) */
};

enum nkt_mda_balance {
	NKT_MDA_NONE,       /* one successor */
	NKT_MDA_PER_FLOW,   /* several, each flow always the same */
	NKT_MDA_PER_PACKET, /* one flow met several */
};

struct nkt_mda_node {
	uint32_t addr;      /* 0: the silence ("*") at this hop */
	uint8_t ttl;
	uint8_t done;       /* its successors are enumerated */
	uint8_t exhausted;  /* flow identifiers ran out before the rule was
			       met: fewer probes than the confidence needs */
	uint8_t balance;    /* enum nkt_mda_balance */
	uint8_t reached;    /* the destination itself */
	struct nkt_flowset flows;   /* flows seen at it */
	struct nkt_flowset probed;  /* its flows probed at ttl + 1 */
	uint32_t n_rtt;
	uint64_t rtt_min, rtt_max, rtt_sum;
	uint16_t n_succ;    /* distinct successors (stars not counted) */
	uint16_t same_as;   /* 0, or 1 + the index of the node with this
			       address at an earlier TTL, whose successors
			       stand for this one's (not probed again) */
};

struct nkt_mda_link {
	uint16_t from, to;  /* node indexes */
	struct nkt_flowset flows;
};

/* Why it stopped. */
enum nkt_mda_stop {
	NKT_MDA_RUNNING,
	NKT_MDA_COMPLETED, /* every flow at the last hop reached the target */
	NKT_MDA_GAPLIMIT,  /* gaplimit silent hops in a row */
	NKT_MDA_MAXTTL,
	NKT_MDA_FULL,      /* the node or link table is full */
};

struct nkt_mda;

/* The number of probes that finds, with probability `confidence`, a
 * (k+1)th successor when there are k+1 equally likely ones: the least n
 * with P(some of k+1 interfaces unseen after n uniform probes) <= 1 -
 * confidence (Veitch et al.: 6, 11, 16, 21, ... at 95%).  k >= 1. */
unsigned nkt_mda_probes_for(unsigned k, double confidence);

struct nkt_mda *nkt_mda_new(const struct nkt_mda_cfg *c);
void nkt_mda_free(struct nkt_mda *m);

/*
 * The next batch to send: all at one TTL (*ttl), flow identifiers in
 * flows[0..n) (at most max; the same flow may appear more than once, for
 * the per-packet test).  Returns n, or 0 when it is finished.  Every
 * probe of a batch gets an outcome (nkt_mda_result) before the next call.
 */
size_t nkt_mda_next(struct nkt_mda *m, uint8_t *ttl, uint16_t *flows,
		    size_t max);

/* A probe's outcome: flow at ttl answered from addr (0: no answer) after
 * rtt_ns (NKT_MDA_NO_RTT: not known). */
void nkt_mda_result(struct nkt_mda *m, uint8_t ttl, uint16_t flow,
		    uint32_t addr, uint64_t rtt_ns);

/*
 * Graph building from another tool's record (an import: scamper's
 * tracelb), without nkt_mda_next: flow met addr (0: silence) at ttl after
 * rtt_ns.  Every outcome of a TTL comes before the next TTL's (a flow's
 * predecessor is its node one TTL earlier).  An answer outweighs a silence
 * of the same flow and TTL; a flow that meets a second address at a TTL
 * marks its predecessor per-packet.
 */
void nkt_mda_observe(struct nkt_mda *m, uint8_t ttl, uint16_t flow,
		     uint32_t addr, uint64_t rtt_ns);

/* The import's end: interfaces with two successors or more that are not
 * per-packet are per-flow; the stop reason is COMPLETED when the target
 * answered, else GAPLIMIT (FULL stays); `probes` is the record's count. */
void nkt_mda_observe_end(struct nkt_mda *m, uint64_t probes);

/* What was found. */
const struct nkt_mda_node *nkt_mda_nodes(const struct nkt_mda *m, size_t *n);
const struct nkt_mda_link *nkt_mda_links(const struct nkt_mda *m, size_t *n);
int nkt_mda_stop(const struct nkt_mda *m);     /* enum nkt_mda_stop */
uint64_t nkt_mda_sent(const struct nkt_mda *m); /* probes asked for */
uint8_t nkt_mda_last_ttl(const struct nkt_mda *m);

/* Flow sets. */
static inline void nkt_flowset_add(struct nkt_flowset *s, unsigned f)
{
	s->w[f >> 6] |= 1ull << (f & 63);
}
static inline int nkt_flowset_has(const struct nkt_flowset *s, unsigned f)
{
	return (int)((s->w[f >> 6] >> (f & 63)) & 1);
}
static inline void nkt_flowset_del(struct nkt_flowset *s, unsigned f)
{
	s->w[f >> 6] &= ~(1ull << (f & 63));
}
unsigned nkt_flowset_count(const struct nkt_flowset *s);

const char *nkt_mda_stop_name(int stop);
const char *nkt_mda_balance_name(int b);

#endif
