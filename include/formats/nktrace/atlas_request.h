/* SPDX-License-Identifier: ISC */
/*
 * atlas_request.h: the RIPE Atlas API request that creates traceroute
 * measurements to North Korea's hosts (pure): one definition per target
 * and protocol (TCP 80, TCP 443, ICMP by default), Paris traceroute, the
 * probes asked for by area or country.  The API's field names are those
 * of POST /api/v2/measurements/ (type, af, target, protocol, port, paris,
 * packets, interval, description; probes: requested, type, value).
 */
#ifndef NKTRACE_ATLAS_REQUEST_H
#define NKTRACE_ATLAS_REQUEST_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#define NKT_ATLAS_REQ_TARGETS 64

struct nkt_atlas_req_target {
	uint32_t addr;
	const char *name; /* a known host's name, or NULL */
};

struct nkt_atlas_req {
	struct nkt_atlas_req_target t[NKT_ATLAS_REQ_TARGETS];
	size_t n;
	int tcp80, tcp443, icmp; /* which probes (each a definition) */
	unsigned paris;          /* Paris variations (16) */
	unsigned packets;        /* per hop (3) */
	unsigned interval_s;     /* 0: a one-off measurement */
	unsigned probes;         /* probes requested (50) */
	const char *area;        /* "WW", "West", ... or NULL */
	const char *country;     /* "DE" ... (instead of area) or NULL */
};

/* The request body; a new reference. */
json_t *nkt_atlas_request(const struct nkt_atlas_req *r);

/* What a traceroute result costs (RIPE Atlas's published rate as RIPE's
 * own examples apply it: 20 credits per packet per hop sent, so 60 at 3
 * packets). */
#define NKT_ATLAS_CREDITS_PER_PACKET 20

/* What the request would spend: its measurements (targets x protocols),
 * their results a day (every probe every interval; a one-off: once) and
 * the credits those cost a day (a one-off: in all). */
struct nkt_atlas_cost {
	uint64_t measurements, results, credits;
};
void nkt_atlas_estimate(const struct nkt_atlas_req *r,
			struct nkt_atlas_cost *c);

#endif
