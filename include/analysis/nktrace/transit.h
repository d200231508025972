/* SPDX-License-Identifier: ISC */
/*
 * transit.h: the transits of North Korea's paths, and the attribution of a
 * path to one.  Pure (JSON text in; AS organisations through a callback).
 *
 * The transit of a path is the AS that hands it to the target's AS: the AS
 * of the last public hop before the first hop inside (private, shared and
 * other special addresses say nothing of who carries the path and are
 * passed over, as are hops whose address no database knows while an AS is
 * seen before them).  Silent hops between it and the first hop inside are
 * the attribution's `gap`: 0 is a hand-over the trace saw; more is the last
 * AS seen over silent hops; NKT_GAP_UNKNOWN when the path never reached the
 * target's AS.  A path whose only public hops before the target's AS are
 * of no known AS is attributed to "unknown AS (a.b.c.0/24)", that hop's
 * /24; a path with no public hop before it is unattributed (`why`).
 *
 * The registry (struct nkt_transits) is open: the transits of the transits
 * file (names, colours, sibling groups such as China Unicom = AS4837 +
 * AS134544: only the groups the file lists) come first, and any other
 * upstream a path is attributed to is added as a transit of its own, named
 * from the AS database ("AS1299 Arelion Sweden AB"), with a stable colour.
 */
#ifndef NKTRACE_TRANSIT_H
#define NKTRACE_TRANSIT_H

#include "nktrace/aspath.h"
#include "nktrace/common.h"

#include <stddef.h>
#include <stdint.h>

#define NKT_TRANSITS_MAX 32      /* in a transits file */
#define NKT_TRANSITS_SEEN_MAX 224 /* added from the data, beyond those */
#define NKT_TRANSIT_ASNS_MAX 64
#define NKT_GAP_UNKNOWN 255

struct nkt_transit {
	char name[96];
	char color[16];
	uint32_t asns[NKT_TRANSIT_ASNS_MAX];
	size_t n_asns;
	int configured;       /* from the transits file; 0: met in the data */
};

struct nkt_transits {
	struct nkt_transit t[NKT_TRANSITS_MAX + NKT_TRANSITS_SEEN_MAX];
	size_t n;            /* every transit */
	size_t n_configured; /* the first n_configured are the file's */
	size_t overflow;     /* attributions that found the registry full */
};

/* Parse a transits file (data/transits.json format) into a registry with
 * only its transits.  Returns 0, or NKT_EINVAL naming `origin` and what is
 * wrong. */
int nkt_transits_parse(const char *text, size_t len, const char *origin,
		       struct nkt_transits *out, struct nkt_err *err);

/* An empty registry (no transits file: every upstream is met in the
 * data). */
void nkt_transits_init(struct nkt_transits *ts);

/* Index of the transit an AS belongs to, or -1. */
int nkt_transit_of_asn(const struct nkt_transits *ts, uint32_t asn);

/* Index of a transit by name (case-insensitive), or -1. */
int nkt_transit_by_name(const struct nkt_transits *ts, const char *name);

/* The organisation of the AS of an address (NULL or "" when unknown);
 * writes the address's network into net ("62.115.44.0/24"; IPv6: its
 * /48), NUL-terminated, at most len bytes. */
typedef const char *(*nkt_org_fn)(void *ctx, uint32_t addr, char *net,
				  size_t len);

/* The transit of an AS (`addr` one of its addresses) that is in no group
 * of the registry, added (named "AS<n> <organisation>", a colour of its
 * own); for asn 0, the transit "unknown AS (<addr's network>)" (its /24
 * without org_of).  Returns its index, or -1 when the registry is full
 * (ts->overflow counts it). */
int nkt_transit_intern(struct nkt_transits *ts, uint32_t asn, uint32_t addr,
		       nkt_org_fn org_of, void *ctx);

/* Why a path is unattributed. */
enum nkt_unattr {
	NKT_UNATTR_NONE = 0,
	NKT_UNATTR_SILENT,  /* no hop before the target's AS answered */
	NKT_UNATTR_SPECIAL, /* only private or special addresses did */
	NKT_UNATTR_FULL,    /* the registry of transits was full */
};

struct nkt_attribution {
	int transit;   /* index in the registry, or -1: unattributed */
	uint32_t asn;  /* the AS that hands the path over; 0: unknown */
	uint32_t addr; /* the hop of that AS nearest the target */
	uint8_t hop;   /* its hop (TTL) */
	uint8_t gap;   /* hops between it and the first hop inside that said
			  nothing of their AS (silent, special, unknown);
			  NKT_GAP_UNKNOWN: never reached the target's AS */
	uint8_t why;   /* transit -1: enum nkt_unattr */
};

/* Attribute a path (rules above), adding its upstream to the registry
 * when it is in none of its transits.  org_of may be NULL (names are then
 * "AS<n>"). */
void nkt_transit_attribute(struct nkt_transits *ts, const struct nkt_aspath *p,
			   nkt_org_fn org_of, void *ctx,
			   struct nkt_attribution *out);

/* "China Unicom", "AS1299 Arelion Sweden AB" or "unattributed" into buf;
 * returns buf. */
char *nkt_attribution_name(const struct nkt_transits *ts,
			   const struct nkt_attribution *a, char *buf,
			   size_t len);

/* Where a transit sorts: the file's in its order, then those met in the
 * data by name (deterministic whatever order the paths came in). */
int nkt_transit_cmp(const struct nkt_transits *ts, int a, int b);

/* Whether an attribution is better evidence than another: a hand-over
 * seen (smaller gap) first. */
int nkt_attribution_better(const struct nkt_attribution *a,
			   const struct nkt_attribution *b);

#endif
