/* SPDX-License-Identifier: ISC */
/*
 * mrt.h: MRT routing records (RFC 6396), as RIPE RIS and RouteViews
 * publish them, decoded one record at a time (pure: bytes in, routes
 * out; the file is the shell's, io/mrtfile.h).
 *
 * Read: TABLE_DUMP (v1, IPv4 and IPv6), TABLE_DUMP_V2 (the peer index
 * table, RIB_IPV4/IPV6_UNICAST and their ADD-PATH forms, RFC 8050), and
 * BGP4MP and BGP4MP_ET (state changes; UPDATE messages with 2- or 4-byte
 * AS numbers, AS4_PATH merged into a 2-byte AS_PATH as RFC 6793 says,
 * AS_SET and confederation segments, withdrawals, MP_REACH_NLRI and
 * MP_UNREACH_NLRI for IPv4 and IPv6 unicast and multicast, ADD-PATH
 * forms; the LOCAL
 * forms, the collector's own messages, are decoded and flagged).  Other
 * types and subtypes are NKT_MRT_UNREAD; other BGP messages (OPEN,
 * KEEPALIVE, NOTIFICATION) and other address families decode to no
 * route.
 *
 * A record whose parts overrun it or each other, whose AS path is
 * malformed, or whose prefix is longer than its family allows, is
 * NKT_MRT_BAD, with why; nothing of it is used (RFC 7606's "treat as
 * withdraw" would need the prefixes of a record that cannot be trusted).
 * The one leniency is bgpdump's: an NLRI field whose last prefix is cut
 * short keeps the whole prefixes before it (counted in `truncated`).  A
 * prefix with bits set past its length is masked (RFC 4271: their value
 * is irrelevant) and counted.
 */
#ifndef NKTRACE_MRT_H
#define NKTRACE_MRT_H

#include <stddef.h>
#include <stdint.h>

#define NKT_MRT_HEADER 12
/* A record longer than this is taken for a damaged length: the largest
 * RIB records (one prefix, every peer of a collector) are far smaller. */
#define NKT_MRT_RECORD_MAX (16u << 20)

enum nkt_mrt_type {
	NKT_MRT_TABLE_DUMP = 12,
	NKT_MRT_TABLE_DUMP_V2 = 13,
	NKT_MRT_BGP4MP = 16,
	NKT_MRT_BGP4MP_ET = 17,
};

/* What nkt_mrt_decode made of a record. */
enum nkt_mrt_result {
	NKT_MRT_ROUTES = 0, /* rec->routes (maybe none: a KEEPALIVE) */
	NKT_MRT_STATE,      /* a BGP session's state change */
	NKT_MRT_PEERS,      /* TABLE_DUMP_V2's peer index table (kept) */
	NKT_MRT_UNREAD,     /* a type or subtype nktrace does not read */
	NKT_MRT_BAD,        /* malformed: why says how */
};

struct nkt_mrt_addr {
	uint8_t af; /* 4 or 6 */
	uint8_t a[16];
};

struct nkt_mrt_prefix {
	struct nkt_mrt_addr addr;
	uint8_t len;
};

struct nkt_mrt_peer {
	struct nkt_mrt_addr addr;
	uint32_t asn;
};

enum nkt_mrt_seg_type {
	NKT_AS_SET = 1,
	NKT_AS_SEQUENCE = 2,
	NKT_AS_CONFED_SEQUENCE = 3,
	NKT_AS_CONFED_SET = 4,
};

struct nkt_mrt_seg {
	uint8_t type;   /* enum nkt_mrt_seg_type */
	uint32_t first; /* its AS numbers: rec->asns[first .. first + n) */
	uint32_t n;
};

/* One set of path attributes (an UPDATE has one, a RIB record one per
 * entry). */
struct nkt_mrt_path {
	uint32_t first_seg, n_seg; /* rec->segs[first_seg ..) */
	int has_aspath;
	uint8_t origin; /* 0 IGP, 1 EGP, 2 INCOMPLETE, 255 absent */
};

struct nkt_mrt_route {
	char kind;             /* 'A' announced, 'W' withdrawn, 'B' a RIB
				  entry */
	uint8_t safi;          /* 1 unicast, 2 multicast (read, as bgpdump
				  prints them, but no path to NK) */
	uint32_t peer;         /* index in rec->peers */
	struct nkt_mrt_prefix prefix;
	int has_path_id;       /* ADD-PATH */
	uint32_t path_id;
	int32_t path;          /* index in rec->paths; -1 for 'W' */
	uint32_t originated;   /* RIB entries: when the route was learnt */
};

struct nkt_mrt_rec {
	uint32_t time, usec;     /* usec: BGP4MP_ET's microseconds, or 0 */
	uint16_t type, subtype;
	char format[24];         /* the record's name as `bgpdump -m` gives
				    it: "BGP4MP", "TABLE_DUMP2_AP", ... */
	int local;               /* a LOCAL form: the collector's own */
	const struct nkt_mrt_peer *peers;
	size_t n_peers;
	struct nkt_mrt_route *routes;
	size_t n_routes;
	struct nkt_mrt_path *paths;
	size_t n_paths;
	struct nkt_mrt_seg *segs;
	size_t n_segs;
	uint32_t *asns;
	size_t n_asns;
	uint16_t old_state, new_state; /* NKT_MRT_STATE */
	uint32_t masked;         /* prefixes with bits past their length */
	uint32_t other_af;       /* NLRI of families not read (VPN, flow
				    specification, ...) */
	uint32_t truncated;      /* a last prefix cut short (those before
				    it are kept, as bgpdump keeps them) */
	char why[160];           /* NKT_MRT_BAD */
};

/* The decoder: the peer index table of the file being read and the
 * buffers each record is decoded into (reused: memory is bounded by the
 * largest record, whatever the file's size).  One per file. */
struct nkt_mrt {
	struct nkt_mrt_peer *index;    /* TABLE_DUMP_V2 peer index table */
	size_t n_index;
	int have_index;
	struct nkt_mrt_peer one_peer;  /* BGP4MP, TABLE_DUMP */
	struct nkt_mrt_rec rec;
	size_t cap_routes, cap_paths, cap_segs, cap_asns;
};

void nkt_mrt_init(struct nkt_mrt *m);
void nkt_mrt_free(struct nkt_mrt *m);

/* The body length a 12-byte common header announces (for BGP4MP_ET the
 * microseconds are part of it), and its type.  Returns the length. */
uint32_t nkt_mrt_header_len(const uint8_t hdr[NKT_MRT_HEADER],
			    uint16_t *type);

/* Decode one whole record (header and body, len bytes) into *out, which
 * points into m and stays valid until the next call.  Returns an enum
 * nkt_mrt_result. */
int nkt_mrt_decode(struct nkt_mrt *m, const uint8_t *rec, size_t len,
		   const struct nkt_mrt_rec **out);

/* The AS path as `bgpdump -m` writes it ("3356 {1,2} (65001 65002)"):
 * sequences spaced, sets in braces, confederation sequences in
 * parentheses and sets in brackets.  Truncated (ending "...") to fit
 * len; returns buf. */
char *nkt_mrt_path_str(const struct nkt_mrt_rec *r,
		       const struct nkt_mrt_path *p, char *buf, size_t len);

/* The origin AS of a path: the last AS of its last segment when that is
 * an AS_SEQUENCE; 0 when the path is empty, ends in a set or has no
 * AS_PATH. */
uint32_t nkt_mrt_origin_as(const struct nkt_mrt_rec *r,
			   const struct nkt_mrt_path *p);

/* The upstream of the origin: the AS before the origin's last run of
 * itself (prepending is not a hop); 0 when there is none (the peer is
 * the origin) or the path ends otherwise than nkt_mrt_origin_as allows. */
uint32_t nkt_mrt_upstream_as(const struct nkt_mrt_rec *r,
			     const struct nkt_mrt_path *p);

/* An address as text (inet_ntop); returns buf. */
char *nkt_mrt_addr_str(const struct nkt_mrt_addr *a, char *buf, size_t len);

#endif
