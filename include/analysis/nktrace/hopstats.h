/* SPDX-License-Identifier: ISC */
/*
 * hopstats.h: per-hop statistics over repeated rounds of one target (what
 * mtr shows: loss, sent, last, average, best, worst and standard deviation
 * of the RTT, and the addresses that answered each hop).  Pure: rounds go
 * in as traces, nothing is read or printed.
 */
#ifndef NKTRACE_HOPSTATS_H
#define NKTRACE_HOPSTATS_H

#include "nktrace/trace.h"

#include <stdint.h>

#define NKT_HOPSTAT_ADDRS 4 /* addresses kept per hop (ECMP shows several) */

struct nkt_hopstat {
	uint32_t sent, recv;
	uint64_t last_ns, best_ns, worst_ns;
	double mean_ns, m2; /* Welford's running mean and sum of squares */
	/* Jitter (mtr's j): |RTT - the hop's previous RTT| at each answer
	 * after the first: the latest, their sum and count, the largest,
	 * and RFC 3550's interarrival estimate (J += (|D| - J) / 16). */
	uint64_t jttr_ns, jmax_ns;
	double jsum_ns, jint_ns;
	uint32_t jn;
	uint32_t addr[NKT_HOPSTAT_ADDRS]; /* by first answer */
	uint32_t addr_n[NKT_HOPSTAT_ADDRS];
	uint8_t n_addr;
	uint32_t other; /* answers from addresses beyond NKT_HOPSTAT_ADDRS */
};

struct nkt_hopstats {
	uint32_t dst;
	uint32_t rounds;
	uint8_t dst_ttl;   /* the lowest TTL the destination answered, or 0 */
	uint8_t max_reply; /* the highest TTL anything answered, or 0 */
	uint8_t max_sent;  /* the highest TTL probed */
	struct nkt_hopstat hop[256]; /* by TTL */
};

/* Empty statistics for destination dst (host order). */
void nkt_hopstats_init(struct nkt_hopstats *s, uint32_t dst);

/* Add one round: every probe of t (one trace of s's destination) counts
 * as sent at its TTL, every first answer as received with its RTT;
 * duplicates and end-to-end probes are left out. */
void nkt_hopstats_add(struct nkt_hopstats *s, const struct nkt_trace *t);

/* The TTLs to show: up to the destination's when it answered, else up
 * to the last that answered and one more (the silence after it), at most
 * what was probed.  0 before any round. */
uint8_t nkt_hopstats_last(const struct nkt_hopstats *s);

/* Loss in percent (0 when nothing was sent), mean and standard deviation
 * (sample, n-1; 0 below two answers) in ms. */
double nkt_hopstat_loss_pct(const struct nkt_hopstat *h);
double nkt_hopstat_avg_ms(const struct nkt_hopstat *h);
double nkt_hopstat_stdev_ms(const struct nkt_hopstat *h);

/* Jitter in ms: the latest, the mean, the largest, the interarrival
 * estimate (0 below two answers). */
double nkt_hopstat_jttr_ms(const struct nkt_hopstat *h);
double nkt_hopstat_javg_ms(const struct nkt_hopstat *h);
double nkt_hopstat_jmax_ms(const struct nkt_hopstat *h);
double nkt_hopstat_jint_ms(const struct nkt_hopstat *h);

#endif
