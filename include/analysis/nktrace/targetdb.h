/* SPDX-License-Identifier: ISC */
/*
 * targetdb.h: data/targets.json: North Korea's address space, its /24s with
 * their dated upstream history, dated events, and the known hosts with
 * their names.  Pure (JSON text in).
 */
#ifndef NKTRACE_TARGETDB_H
#define NKTRACE_TARGETDB_H

#include "nktrace/common.h"

#include <stddef.h>
#include <stdint.h>

#define NKT_TDB_PREFIXES 16
#define NKT_TDB_HISTORY 32
#define NKT_TDB_HOSTS 256

struct nkt_tdb_history {
	char from[32];          /* ISO date or date-time */
	char transits[4][64];   /* transit names, as in transits.json */
	size_t n_transits;
	char source[96];
};

struct nkt_tdb_prefix {
	uint32_t net;
	uint8_t len;
	struct nkt_tdb_history hist[NKT_TDB_HISTORY];
	size_t n_hist;
};

struct nkt_tdb_host {
	uint32_t addr;
	char name[96]; /* "" when no name is known */
	char what[128];
};

struct nkt_targetdb {
	uint32_t space_net;
	uint8_t space_len;
	uint32_t asn;
	unsigned sample_per_prefix;
	struct nkt_tdb_prefix prefix[NKT_TDB_PREFIXES];
	size_t n_prefix;
	struct nkt_tdb_host host[NKT_TDB_HOSTS];
	size_t n_host;
};

/* Parse a targets file.  Returns 0 or NKT_EINVAL naming origin. */
int nkt_targetdb_parse(const char *text, size_t len, const char *origin,
		       struct nkt_targetdb *out, struct nkt_err *err);

/* The known name of an address, or NULL. */
const char *nkt_targetdb_name(const struct nkt_targetdb *db, uint32_t addr);

/* The /24 (or other listed prefix) holding addr, or NULL. */
const struct nkt_tdb_prefix *
nkt_targetdb_prefix_of(const struct nkt_targetdb *db, uint32_t addr);

struct nkt_targets;

/*
 * compare's default targets: every known host, then `sample` addresses of
 * each prefix (network and broadcast addresses and known hosts excluded),
 * picked by a fixed permutation of the host numbers so every run probes the
 * same ones, spread over the prefix.  Appends to *t.
 */
void nkt_targetdb_defaults(const struct nkt_targetdb *db, unsigned sample,
			   struct nkt_targets *t);

/* The latest history entry of a prefix, or NULL. */
const struct nkt_tdb_history *
nkt_targetdb_latest(const struct nkt_tdb_prefix *p);

#endif
