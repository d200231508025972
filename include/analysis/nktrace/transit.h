/* SPDX-License-Identifier: ISC */
/*
 * transit.h: transit definitions (name -> ASNs, colour) and the attribution
 * of a path to a transit: the last defined transit on the AS path before the
 * target's AS; if none, "other AS<n>" with n the last AS before the
 * target's; if no AS is known before it, unknown.  Pure (JSON text in).
 */
#ifndef NKTRACE_TRANSIT_H
#define NKTRACE_TRANSIT_H

#include "nktrace/aspath.h"
#include "nktrace/common.h"

#include <stddef.h>
#include <stdint.h>

#define NKT_TRANSITS_MAX 32
#define NKT_TRANSIT_ASNS_MAX 64

struct nkt_transit {
	char name[64];
	char color[16];
	uint32_t asns[NKT_TRANSIT_ASNS_MAX];
	size_t n_asns;
};

struct nkt_transits {
	struct nkt_transit t[NKT_TRANSITS_MAX];
	size_t n;
};

/* Parse a transits file (data/transits.json format).  Returns 0, or
 * NKT_EINVAL naming `origin` and what is wrong. */
int nkt_transits_parse(const char *text, size_t len, const char *origin,
		       struct nkt_transits *out, struct nkt_err *err);

/* Index of the transit an AS belongs to, or -1. */
int nkt_transit_of_asn(const struct nkt_transits *ts, uint32_t asn);

/* Index of a transit by name (case-insensitive), or -1. */
int nkt_transit_by_name(const struct nkt_transits *ts, const char *name);

struct nkt_attribution {
	int transit;        /* index, or -1 */
	uint32_t other_asn; /* transit -1: the AS before the target's, or 0 */
	uint8_t hop;        /* the hop of that AS's last appearance */
};

/* Attribute a path (rules above). */
void nkt_transit_attribute(const struct nkt_transits *ts,
			   const struct nkt_aspath *p,
			   struct nkt_attribution *out);

/* "China Unicom", "other AS3356" or "unknown" into buf; returns buf. */
char *nkt_attribution_name(const struct nkt_transits *ts,
			   const struct nkt_attribution *a, char *buf,
			   size_t len);

#endif
