/* SPDX-License-Identifier: ISC */
/*
 * annotate.h: ASN, organisation, country, city and location of addresses,
 * from MaxMind DB files read with libmaxminddb (mmap).  An ASN database
 * (GeoLite2-ASN format), a geo database (GeoLite2-City or -Country format),
 * or one database holding both (nktrace's built-in data/nktrace.mmdb).
 * Special-purpose addresses (private, shared, loopback, documentation, ...)
 * are marked as such and never looked up.  Lookups are cached: a repeated
 * address costs a hash probe.  One thread uses an annotator.
 */
#ifndef NKTRACE_ANNOTATE_H
#define NKTRACE_ANNOTATE_H

#include "nktrace/addrkind.h"
#include "nktrace/common.h"

#include <stdint.h>



/* Flags in nkt_annot.flags */
#define NKT_ANNOT_ASN 0x01  /* asn and as_org are known */
#define NKT_ANNOT_GEO 0x02  /* cc (and maybe city, location) known */
#define NKT_ANNOT_LOC 0x04  /* lat/lon known */
#define NKT_ANNOT_ERROR 0x08 /* the database failed to read this record */

struct nkt_annot {
	uint32_t asn;       /* 0 = unknown */
	const char *as_org; /* NULL = unknown; owned by the annotator */
	const char *city;   /* NULL = unknown; owned by the annotator */
	char cc[3];         /* "" = unknown */
	uint8_t kind;       /* enum nkt_addr_kind */
	uint8_t flags;
	double lat, lon;
};

struct nkt_annotator;

/*
 * Open the databases.  asn_db / geo_db name files (NULL: search, in order,
 * the built-in database, then /usr/share/GeoIP and /var/lib/GeoIP for
 * GeoLite2-ASN.mmdb and GeoLite2-City.mmdb; and with asn_db NULL, the full
 * ASN table nktrace-asn.mmdb beside the built-in database, when set-up
 * built it, answers for the addresses the ASN database does not know).  A named file that is missing,
 * not a MaxMind DB, truncated, or of the wrong type gives NULL with
 * err->code NKT_EINVAL and a one-line message.  When nothing is found for
 * a role that role stays unknown (not an error).
 */
struct nkt_annotator *nkt_annot_open(const char *asn_db, const char *geo_db,
				     struct nkt_err *err);
void nkt_annot_close(struct nkt_annotator *a);

/* Which files are in use ("" if none); for --verbose and lookup. */
const char *nkt_annot_asn_path(const struct nkt_annotator *a);
const char *nkt_annot_asn_all_path(const struct nkt_annotator *a);
const char *nkt_annot_geo_path(const struct nkt_annotator *a);

/* Annotate an IPv4 address (host order).  Never fails: what is unknown
 * stays unknown (flags say what is known). */
void nkt_annot_v4(struct nkt_annotator *a, uint32_t addr,
		  struct nkt_annot *out);

/* Annotate an address in text form, IPv4 or IPv6.  Returns 0, or
 * NKT_EINVAL if text is not an address. */
int nkt_annot_str(struct nkt_annotator *a, const char *text,
		  struct nkt_annot *out);

/* Lookups that hit the database (not the cache), and database errors. */
void nkt_annot_counts(const struct nkt_annotator *a, uint64_t *lookups,
		      uint64_t *cache_hits, uint64_t *errors);

#endif
