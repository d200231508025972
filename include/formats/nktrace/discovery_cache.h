/* SPDX-License-Identifier: ISC */
/*
 * discovery_cache.h: the hosts a discovery pass found, kept in a file
 * between `compare` runs (`--discovery-cache`), pure.
 *
 * The file is read as untrusted input: it may come from someone else or
 * be damaged.  A cache that is not well formed, whose space is not the one
 * measured, or that names an address outside that space is refused as a
 * whole (nothing in it is probed); the caller then discovers again.
 *
 *   {"type": "nktrace-discovery", "version": 1, "time": 1765000000,
 *    "space": "175.45.176.0/22", "per_prefix": 16,
 *    "hosts": ["175.45.176.1", ...]}
 */
#ifndef NKTRACE_DISCOVERY_CACHE_H
#define NKTRACE_DISCOVERY_CACHE_H

#include "nktrace/common.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* The widest space a cache may name: a /16 (65,534 hosts). */
#define NKT_DISCOVERY_SPACE_MIN_LEN 16

struct nkt_discovery_cache {
	uint32_t space_net;  /* host order, masked */
	uint8_t space_len;   /* NKT_DISCOVERY_SPACE_MIN_LEN..30 */
	unsigned per_prefix; /* --discover-max when it was found */
	int64_t time_s;      /* when (Unix seconds) */
	uint32_t *addr;      /* the hosts, each inside the space, never its
				network or broadcast address; no duplicates,
				at most per_prefix in one /24 */
	size_t n;
};

/* Parse a cache file's text.  Returns 0 with *out filled (free it with
 * nkt_discovery_cache_free), or NKT_EINVAL with err saying what is wrong
 * (out left empty). */
int nkt_discovery_cache_parse(const char *text, size_t len,
			      struct nkt_discovery_cache *out,
			      struct nkt_err *err);

/* The cache as JSON (the form above); the hosts in the order given. */
json_t *nkt_discovery_cache_json(const struct nkt_discovery_cache *c);

/* Whether a parsed cache may stand in for a discovery of this space with
 * this --discover-max at now_s, being younger than max_age_s.  Returns 1,
 * or 0 with why set (a short phrase: "it is 7.2 h old"). */
int nkt_discovery_cache_usable(const struct nkt_discovery_cache *c,
			       uint32_t space_net, uint8_t space_len,
			       unsigned per_prefix, int64_t now_s,
			       int64_t max_age_s, char *why, size_t why_len);

void nkt_discovery_cache_free(struct nkt_discovery_cache *c);

#endif
