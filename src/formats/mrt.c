// SPDX-License-Identifier: ISC
/* mrt.c: MRT records (RFC 6396, RFC 6793, RFC 8050) decoded (mrt.h). */
#include "nktrace/mrt.h"
#include "nktrace/common.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* TABLE_DUMP_V2 subtypes */
enum {
	TD2_PEER_INDEX = 1,
	TD2_RIB_IPV4_UNICAST = 2,
	TD2_RIB_IPV6_UNICAST = 4,
	TD2_RIB_IPV4_UNICAST_AP = 8,
	TD2_RIB_IPV6_UNICAST_AP = 10,
};

/* BGP4MP subtypes */
enum {
	BGP4MP_STATE_CHANGE = 0,
	BGP4MP_MESSAGE = 1,
	BGP4MP_MESSAGE_AS4 = 4,
	BGP4MP_STATE_CHANGE_AS4 = 5,
	BGP4MP_MESSAGE_LOCAL = 6,
	BGP4MP_MESSAGE_AS4_LOCAL = 7,
	BGP4MP_MESSAGE_ADDPATH = 8,
	BGP4MP_MESSAGE_AS4_ADDPATH = 9,
	BGP4MP_MESSAGE_LOCAL_ADDPATH = 10,
	BGP4MP_MESSAGE_AS4_LOCAL_ADDPATH = 11,
};

/* BGP path attributes */
enum {
	ATTR_ORIGIN = 1,
	ATTR_AS_PATH = 2,
	ATTR_MP_REACH = 14,
	ATTR_MP_UNREACH = 15,
	ATTR_AS4_PATH = 17,
};

#define ATTR_FLAG_EXTLEN 0x10
#define BGP_UPDATE 2
#define AS_TRANS 23456

/* A bounded reader over bytes: every get checks; a failed get sets bad
 * and returns zeros, so a decoder checks once per part. */
struct rd {
	const uint8_t *p;
	size_t n;
	int bad;
};

static struct rd rd_sub(struct rd *r, size_t n)
{
	struct rd s = {r->p, n, 0};
	if (n > r->n) {
		r->bad = 1;
		s.n = 0;
		s.bad = 1;
		return s;
	}
	r->p += n;
	r->n -= n;
	return s;
}

static const uint8_t *rd_bytes(struct rd *r, size_t n)
{
	const uint8_t *p = r->p;
	if (n > r->n) {
		r->bad = 1;
		r->n = 0;
		return NULL;
	}
	r->p += n;
	r->n -= n;
	return p;
}

static uint32_t rd_u8(struct rd *r)
{
	const uint8_t *p = rd_bytes(r, 1);
	return p ? p[0] : 0;
}

static uint32_t rd_u16(struct rd *r)
{
	const uint8_t *p = rd_bytes(r, 2);
	return p ? (uint32_t)p[0] << 8 | p[1] : 0;
}

static uint32_t rd_u32(struct rd *r)
{
	const uint8_t *p = rd_bytes(r, 4);
	return p ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
			   (uint32_t)p[2] << 8 | p[3]
		 : 0;
}

static int rd_addr(struct rd *r, int af, struct nkt_mrt_addr *a)
{
	const uint8_t *p = rd_bytes(r, af == 6 ? 16 : 4);
	memset(a, 0, sizeof(*a));
	a->af = (uint8_t)af;
	if (p == NULL)
		return -1;
	memcpy(a->a, p, af == 6 ? 16 : 4);
	return 0;
}

/* Clear the bits of p past its length; 1 when some were set (counted in
 * the record's `masked`: RFC 4271 says their value is irrelevant, and a
 * prefix is one key whichever form carried it). */
static int prefix_mask(struct nkt_mrt_prefix *p)
{
	size_t i;
	int set = 0;
	for (i = p->len / 8u; i < sizeof(p->addr.a); i++) {
		uint8_t keep = i == p->len / 8u ?
			(uint8_t)(0xff00 >> (p->len % 8)) : 0;
		set |= (p->addr.a[i] & (uint8_t)~keep) != 0;
		p->addr.a[i] &= keep;
	}
	return set;
}

static int bad(struct nkt_mrt_rec *rec, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int bad(struct nkt_mrt_rec *rec, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(rec->why, sizeof(rec->why), fmt, ap);
	va_end(ap);
	return NKT_MRT_BAD;
}

/* Room for one more element of a buffer of the decoder. */
#define GROW(m, arr, n, cap)                                                 \
	do {                                                                 \
		if ((n) == (cap)) {                                          \
			(cap) = (cap) ? 2 * (cap) : 16;                      \
			(arr) = nkt_xreallocarray((arr), (cap),              \
						  sizeof(*(arr)));           \
		}                                                            \
	} while (0)

void nkt_mrt_init(struct nkt_mrt *m)
{
	memset(m, 0, sizeof(*m));
}

void nkt_mrt_free(struct nkt_mrt *m)
{
	free(m->index);
	free(m->rec.routes);
	free(m->rec.paths);
	free(m->rec.segs);
	free(m->rec.asns);
	memset(m, 0, sizeof(*m));
}

uint32_t nkt_mrt_header_len(const uint8_t hdr[NKT_MRT_HEADER], uint16_t *type)
{
	if (type)
		*type = (uint16_t)(hdr[4] << 8 | hdr[5]);
	return (uint32_t)hdr[8] << 24 | (uint32_t)hdr[9] << 16 |
	       (uint32_t)hdr[10] << 8 | hdr[11];
}

/* One prefix of an NLRI field (RFC 4271 4.3; RFC 8050's path id before
 * it with ADD-PATH) appended to the record's routes.  Returns 0, or
 * NKT_MRT_BAD. */
static int nlri_one(struct nkt_mrt *m, struct rd *r, int af, int safi,
		    int addpath, char kind, int32_t path)
{
	struct nkt_mrt_rec *rec = &m->rec;
	struct nkt_mrt_route *rt;
	uint32_t path_id = 0, len, nbytes, max = af == 6 ? 128 : 32;
	const uint8_t *p;

	if (addpath)
		path_id = rd_u32(r);
	len = rd_u8(r);
	nbytes = (len + 7) / 8;
	if (r->bad || (len <= max && nbytes > r->n)) {
		/* the last prefix cut short: the whole ones before it are
		 * kept, as bgpdump keeps them; this one is counted */
		rec->truncated++;
		r->n = 0;
		return 0;
	}
	if (len > max)
		return bad(rec, "a prefix of length %u in %s", len,
			   af == 6 ? "IPv6" : "IPv4");
	p = rd_bytes(r, nbytes);
	GROW(m, rec->routes, rec->n_routes, m->cap_routes);
	rt = &rec->routes[rec->n_routes++];
	memset(rt, 0, sizeof(*rt));
	rt->kind = kind;
	rt->peer = 0;
	rt->safi = (uint8_t)safi;
	rt->prefix.addr.af = (uint8_t)af;
	rt->prefix.len = (uint8_t)len;
	memcpy(rt->prefix.addr.a, p, nbytes);
	rec->masked += (uint32_t)prefix_mask(&rt->prefix);
	rt->has_path_id = addpath;
	rt->path_id = path_id;
	rt->path = path;
	return 0;
}

static int nlri_all(struct nkt_mrt *m, struct rd r, int af, int safi,
		    int addpath, char kind, int32_t path)
{
	int e;
	while (r.n > 0)
		if ((e = nlri_one(m, &r, af, safi, addpath, kind, path)) != 0)
			return e;
	return 0;
}

/* An AS_PATH or AS4_PATH attribute's segments into the record's arrays.
 * Returns 0, or NKT_MRT_BAD. */
static int aspath_read(struct nkt_mrt *m, struct rd r, int asn_len,
		       uint32_t *first_seg, uint32_t *n_seg, const char *what)
{
	struct nkt_mrt_rec *rec = &m->rec;
	*first_seg = (uint32_t)rec->n_segs;
	*n_seg = 0;
	while (r.n > 0) {
		uint32_t type = rd_u8(&r), n = rd_u8(&r), i;
		if (r.bad)
			return bad(rec, "%s: a segment header cut short", what);
		if (type < NKT_AS_SET || type > NKT_AS_CONFED_SET)
			return bad(rec, "%s: a segment of type %u", what,
				   type);
		if ((size_t)n * (size_t)asn_len > r.n)
			return bad(rec, "%s: a segment of %u AS numbers runs "
					"past the attribute",
				   what, n);
		GROW(m, rec->segs, rec->n_segs, m->cap_segs);
		rec->segs[rec->n_segs].type = (uint8_t)type;
		rec->segs[rec->n_segs].first = (uint32_t)rec->n_asns;
		rec->segs[rec->n_segs].n = n;
		rec->n_segs++;
		(*n_seg)++;
		for (i = 0; i < n; i++) {
			GROW(m, rec->asns, rec->n_asns, m->cap_asns);
			rec->asns[rec->n_asns++] =
				asn_len == 4 ? rd_u32(&r) : rd_u16(&r);
		}
	}
	return 0;
}

/* RFC 6793 4.2.3: the number of AS numbers of a path (a set counts one,
 * confederation segments none). */
static uint32_t as_count(const struct nkt_mrt_rec *rec, uint32_t first,
			 uint32_t n)
{
	uint32_t c = 0, i;
	for (i = 0; i < n; i++) {
		const struct nkt_mrt_seg *s = &rec->segs[first + i];
		if (s->type == NKT_AS_SEQUENCE)
			c += s->n;
		else if (s->type == NKT_AS_SET)
			c += 1;
	}
	return c;
}

/* Merge AS4_PATH (segments [f4, f4 + n4)) into AS_PATH ([f2, f2 + n2))
 * as RFC 6793 4.2.3 says: the leading AS numbers of AS_PATH that AS4_PATH
 * lacks, then AS4_PATH (its confederation segments dropped).  The merged
 * path is appended; *first, *n name it.  When AS_PATH has fewer AS
 * numbers than AS4_PATH, AS4_PATH is ignored. */
static void as4_merge(struct nkt_mrt *m, uint32_t f2, uint32_t n2, uint32_t f4,
		      uint32_t n4, uint32_t *first, uint32_t *n)
{
	struct nkt_mrt_rec *rec = &m->rec;
	uint32_t c2 = as_count(rec, f2, n2), c4 = as_count(rec, f4, n4);
	uint32_t need, i, j;

	if (c2 < c4) {
		*first = f2;
		*n = n2;
		return;
	}
	need = c2 - c4;
	*first = (uint32_t)rec->n_segs;
	*n = 0;
	for (i = 0; i < n2; i++) {
		struct nkt_mrt_seg s = rec->segs[f2 + i];
		uint32_t take = s.n;
		if (need == 0 && (s.type == NKT_AS_SEQUENCE ||
				  s.type == NKT_AS_SET))
			break;
		if (s.type == NKT_AS_SEQUENCE) {
			take = s.n < need ? s.n : need;
			need -= take;
		} else if (s.type == NKT_AS_SET) {
			need -= 1;
		}
		GROW(m, rec->segs, rec->n_segs, m->cap_segs);
		rec->segs[rec->n_segs].type = s.type;
		rec->segs[rec->n_segs].first = (uint32_t)rec->n_asns;
		rec->segs[rec->n_segs].n = take;
		rec->n_segs++;
		(*n)++;
		for (j = 0; j < take; j++) {
			GROW(m, rec->asns, rec->n_asns, m->cap_asns);
			rec->asns[rec->n_asns++] = rec->asns[s.first + j];
		}
	}
	for (i = 0; i < n4; i++) {
		struct nkt_mrt_seg s = rec->segs[f4 + i];
		if (s.type == NKT_AS_CONFED_SEQUENCE ||
		    s.type == NKT_AS_CONFED_SET)
			continue;
		/* a sequence continuing one taken from AS_PATH joins it */
		if (*n > 0 && s.type == NKT_AS_SEQUENCE &&
		    rec->segs[rec->n_segs - 1].type == NKT_AS_SEQUENCE) {
			for (j = 0; j < s.n; j++) {
				GROW(m, rec->asns, rec->n_asns, m->cap_asns);
				rec->asns[rec->n_asns++] =
					rec->asns[s.first + j];
			}
			rec->segs[rec->n_segs - 1].n += s.n;
			continue;
		}
		GROW(m, rec->segs, rec->n_segs, m->cap_segs);
		rec->segs[rec->n_segs].type = s.type;
		rec->segs[rec->n_segs].first = (uint32_t)rec->n_asns;
		rec->segs[rec->n_segs].n = s.n;
		rec->n_segs++;
		(*n)++;
		for (j = 0; j < s.n; j++) {
			GROW(m, rec->asns, rec->n_asns, m->cap_asns);
			rec->asns[rec->n_asns++] = rec->asns[s.first + j];
		}
	}
}

/* Where the NLRI of an MP attribute go until the attributes are read
 * (they belong to the path being built). */
struct mp_nlri {
	struct rd reach, unreach;
	int reach_af, unreach_af;
	int reach_safi, unreach_safi;
};

/* The path attributes of an UPDATE or a RIB entry: a new path of the
 * record (*path its index).  asn_len: 2 or 4; rib: a TABLE_DUMP_V2 entry,
 * whose MP_REACH_NLRI holds only the next hop (RFC 6396 4.3.4); mp (NULL
 * for RIB entries) receives the MP NLRI. */
static int attrs_read(struct nkt_mrt *m, struct rd r, int asn_len,
		      struct mp_nlri *mp, int32_t *path)
{
	struct nkt_mrt_rec *rec = &m->rec;
	struct nkt_mrt_path *p;
	uint32_t f2 = 0, n2 = 0, f4 = 0, n4 = 0;
	int have2 = 0, have4 = 0, e;
	uint8_t origin = 255;

	while (r.n > 0) {
		uint32_t flags = rd_u8(&r), type = rd_u8(&r), len;
		struct rd a;
		len = flags & ATTR_FLAG_EXTLEN ? rd_u16(&r) : rd_u8(&r);
		if (r.bad)
			return bad(rec, "an attribute header cut short");
		a = rd_sub(&r, len);
		if (a.bad)
			return bad(rec, "attribute %u of %u bytes runs past "
					"the attributes (%zu left)",
				   type, len, r.n);
		switch (type) {
		case ATTR_ORIGIN:
			if (len != 1)
				return bad(rec, "ORIGIN of %u bytes", len);
			origin = (uint8_t)rd_u8(&a);
			break;
		case ATTR_AS_PATH:
			if (have2)
				break; /* the first one counts */
			if ((e = aspath_read(m, a, asn_len, &f2, &n2,
					     "AS_PATH")) != 0)
				return e;
			have2 = 1;
			break;
		case ATTR_AS4_PATH:
			if (have4 || asn_len == 4)
				break; /* RFC 6793: ignored between 4-byte
					  speakers */
			if ((e = aspath_read(m, a, 4, &f4, &n4,
					     "AS4_PATH")) != 0)
				return e;
			have4 = 1;
			break;
		case ATTR_MP_REACH:
		case ATTR_MP_UNREACH: {
			uint32_t afi, safi, nh;
			if (mp == NULL)
				break; /* RIB: the next hop only */
			afi = rd_u16(&a);
			safi = rd_u8(&a);
			if (type == ATTR_MP_REACH) {
				nh = rd_u8(&a);
				(void)rd_bytes(&a, nh);
				(void)rd_u8(&a); /* reserved (SNPAs) */
			}
			if (a.bad)
				return bad(rec, "%s cut short",
					   type == ATTR_MP_REACH
						   ? "MP_REACH_NLRI"
						   : "MP_UNREACH_NLRI");
			if ((afi != 1 && afi != 2) || (safi != 1 && safi != 2)) {
				if (a.n > 0)
					rec->other_af++;
				break;
			}
			if (type == ATTR_MP_REACH) {
				mp->reach = a;
				mp->reach_af = afi == 2 ? 6 : 4;
				mp->reach_safi = (int)safi;
			} else {
				mp->unreach = a;
				mp->unreach_af = afi == 2 ? 6 : 4;
				mp->unreach_safi = (int)safi;
			}
			break;
		}
		default:
			break;
		}
	}
	GROW(m, rec->paths, rec->n_paths, m->cap_paths);
	p = &rec->paths[rec->n_paths];
	memset(p, 0, sizeof(*p));
	p->origin = origin;
	p->has_aspath = have2;
	if (have2 && have4)
		as4_merge(m, f2, n2, f4, n4, &p->first_seg, &p->n_seg);
	else {
		p->first_seg = f2;
		p->n_seg = n2;
	}
	*path = (int32_t)rec->n_paths++;
	return 0;
}

static void set_format(struct nkt_mrt_rec *rec, const char *f)
{
	snprintf(rec->format, sizeof(rec->format), "%s", f);
}

/* TABLE_DUMP (v1): one route of one peer (RFC 6396 4.2). */
static int table_dump(struct nkt_mrt *m, struct rd r)
{
	struct nkt_mrt_rec *rec = &m->rec;
	struct nkt_mrt_route *rt;
	struct nkt_mrt_addr pfx;
	uint32_t plen, originated, alen, max;
	int af, e;
	int32_t path;
	struct rd a;

	if (rec->subtype != 1 && rec->subtype != 2)
		return NKT_MRT_UNREAD;
	af = rec->subtype == 2 ? 6 : 4;
	max = af == 6 ? 128 : 32;
	(void)rd_u16(&r); /* view */
	(void)rd_u16(&r); /* sequence */
	rd_addr(&r, af, &pfx);
	plen = rd_u8(&r);
	(void)rd_u8(&r); /* status */
	originated = rd_u32(&r);
	rd_addr(&r, af, &m->one_peer.addr);
	m->one_peer.asn = rd_u16(&r);
	alen = rd_u16(&r);
	if (r.bad)
		return bad(rec, "TABLE_DUMP entry cut short");
	if (plen > max)
		return bad(rec, "a prefix of length %u", plen);
	a = rd_sub(&r, alen);
	if (a.bad)
		return bad(rec, "attributes of %u bytes run past the record",
			   alen);
	if ((e = attrs_read(m, a, 2, NULL, &path)) != 0)
		return e;
	set_format(rec, "TABLE_DUMP");
	rec->peers = &m->one_peer;
	rec->n_peers = 1;
	GROW(m, rec->routes, rec->n_routes, m->cap_routes);
	rt = &rec->routes[rec->n_routes++];
	memset(rt, 0, sizeof(*rt));
	rt->kind = 'B';
	rt->safi = 1;
	rt->prefix.addr = pfx;
	rt->prefix.len = (uint8_t)plen;
	rec->masked += (uint32_t)prefix_mask(&rt->prefix);
	rt->path = path;
	rt->originated = originated;
	return NKT_MRT_ROUTES;
}

/* TABLE_DUMP_V2's PEER_INDEX_TABLE (RFC 6396 4.3.1). */
static int peer_index(struct nkt_mrt *m, struct rd r)
{
	struct nkt_mrt_rec *rec = &m->rec;
	uint32_t name_len, n, i;

	(void)rd_u32(&r); /* collector BGP ID */
	name_len = rd_u16(&r);
	(void)rd_bytes(&r, name_len);
	n = rd_u16(&r);
	if (r.bad)
		return bad(rec, "PEER_INDEX_TABLE header cut short");
	free(m->index);
	m->index = nkt_xcalloc(n ? n : 1, sizeof(*m->index));
	m->n_index = 0;
	m->have_index = 0;
	for (i = 0; i < n; i++) {
		uint32_t type = rd_u8(&r);
		(void)rd_u32(&r); /* BGP ID */
		rd_addr(&r, type & 1 ? 6 : 4, &m->index[i].addr);
		m->index[i].asn = type & 2 ? rd_u32(&r) : rd_u16(&r);
		if (r.bad)
			return bad(rec, "PEER_INDEX_TABLE: peer %u of %u cut "
					"short",
				   i, n);
	}
	m->n_index = n;
	m->have_index = 1;
	rec->peers = m->index;
	rec->n_peers = n;
	return NKT_MRT_PEERS;
}

/* TABLE_DUMP_V2's RIB_IPV4/IPV6_UNICAST (RFC 6396 4.3.2) and their
 * ADD-PATH forms (RFC 8050). */
static int rib(struct nkt_mrt *m, struct rd r, int af, int addpath)
{
	struct nkt_mrt_rec *rec = &m->rec;
	uint32_t count, i, len, nbytes, max = af == 6 ? 128 : 32;
	struct nkt_mrt_prefix pfx;
	const uint8_t *p;

	if (!m->have_index)
		return bad(rec, "a RIB record before any PEER_INDEX_TABLE");
	(void)rd_u32(&r); /* sequence */
	len = rd_u8(&r);
	if (r.bad)
		return bad(rec, "RIB record cut short");
	if (len > max)
		return bad(rec, "a prefix of length %u", len);
	nbytes = (len + 7) / 8;
	if ((p = rd_bytes(&r, nbytes)) == NULL)
		return bad(rec, "RIB record's prefix cut short");
	memset(&pfx, 0, sizeof(pfx));
	pfx.addr.af = (uint8_t)af;
	pfx.len = (uint8_t)len;
	memcpy(pfx.addr.a, p, nbytes);
	rec->masked += (uint32_t)prefix_mask(&pfx);
	count = rd_u16(&r);
	if (r.bad)
		return bad(rec, "RIB record cut short");
	set_format(rec, addpath ? "TABLE_DUMP2_AP" : "TABLE_DUMP2");
	rec->peers = m->index;
	rec->n_peers = m->n_index;
	for (i = 0; i < count; i++) {
		uint32_t peer = rd_u16(&r), originated = rd_u32(&r);
		uint32_t path_id = addpath ? rd_u32(&r) : 0, alen;
		struct nkt_mrt_route *rt;
		int32_t path;
		struct rd a;
		int e;
		alen = rd_u16(&r);
		if (r.bad)
			return bad(rec, "RIB entry %u of %u cut short", i,
				   count);
		if (peer >= m->n_index)
			return bad(rec, "RIB entry of peer %u; the index "
					"table has %zu",
				   peer, m->n_index);
		a = rd_sub(&r, alen);
		if (a.bad)
			return bad(rec, "RIB entry %u: attributes of %u bytes "
					"run past the record",
				   i, alen);
		if ((e = attrs_read(m, a, 4, NULL, &path)) != 0)
			return e;
		GROW(m, rec->routes, rec->n_routes, m->cap_routes);
		rt = &rec->routes[rec->n_routes++];
		memset(rt, 0, sizeof(*rt));
		rt->kind = 'B';
		rt->safi = 1;
		rt->peer = peer;
		rt->prefix = pfx;
		rt->has_path_id = addpath;
		rt->path_id = path_id;
		rt->path = path;
		rt->originated = originated;
	}
	return NKT_MRT_ROUTES;
}

static void bgp4mp_format(struct nkt_mrt_rec *rec, int addpath)
{
	char f[24];
	snprintf(f, sizeof(f), "BGP4MP%s%s%s",
		 rec->type == NKT_MRT_BGP4MP_ET ? "_ET" : "",
		 rec->local ? "_LOCAL" : "", addpath ? "_AP" : "");
	set_format(rec, f);
}

/* BGP4MP and BGP4MP_ET (RFC 6396 4.4, RFC 8050). */
static int bgp4mp(struct nkt_mrt *m, struct rd r)
{
	struct nkt_mrt_rec *rec = &m->rec;
	uint32_t st = rec->subtype, afi, blen, btype, wlen, alen;
	int asn_len, addpath = 0, af, e;
	struct mp_nlri mp;
	struct rd msg, w, a;
	struct nkt_mrt_peer local;
	const uint8_t *marker;
	int32_t path;
	int i;

	switch (st) {
	case BGP4MP_STATE_CHANGE:
	case BGP4MP_MESSAGE:
	case BGP4MP_MESSAGE_LOCAL:
	case BGP4MP_MESSAGE_ADDPATH:
	case BGP4MP_MESSAGE_LOCAL_ADDPATH:
		asn_len = 2;
		break;
	case BGP4MP_MESSAGE_AS4:
	case BGP4MP_STATE_CHANGE_AS4:
	case BGP4MP_MESSAGE_AS4_LOCAL:
	case BGP4MP_MESSAGE_AS4_ADDPATH:
	case BGP4MP_MESSAGE_AS4_LOCAL_ADDPATH:
		asn_len = 4;
		break;
	default:
		return NKT_MRT_UNREAD;
	}
	addpath = st >= BGP4MP_MESSAGE_ADDPATH;
	rec->local = st == BGP4MP_MESSAGE_LOCAL ||
		     st == BGP4MP_MESSAGE_AS4_LOCAL ||
		     st == BGP4MP_MESSAGE_LOCAL_ADDPATH ||
		     st == BGP4MP_MESSAGE_AS4_LOCAL_ADDPATH;
	m->one_peer.asn = asn_len == 4 ? rd_u32(&r) : rd_u16(&r);
	local.asn = asn_len == 4 ? rd_u32(&r) : rd_u16(&r);
	(void)rd_u16(&r);				  /* interface */
	afi = rd_u16(&r);
	if (r.bad)
		return bad(rec, "BGP4MP header cut short");
	if (afi != 1 && afi != 2)
		return bad(rec, "BGP4MP of address family %u", afi);
	af = afi == 2 ? 6 : 4;
	rd_addr(&r, af, &m->one_peer.addr);
	rd_addr(&r, af, &local.addr);
	if (r.bad)
		return bad(rec, "BGP4MP header cut short");
	if (rec->local)
		/* the collector's own message: the side it names, as
		 * bgpdump does, is the local one */
		m->one_peer = local;
	rec->peers = &m->one_peer;
	rec->n_peers = 1;
	bgp4mp_format(rec, addpath);
	if (st == BGP4MP_STATE_CHANGE || st == BGP4MP_STATE_CHANGE_AS4) {
		rec->old_state = (uint16_t)rd_u16(&r);
		rec->new_state = (uint16_t)rd_u16(&r);
		if (r.bad)
			return bad(rec, "STATE_CHANGE cut short");
		/* a state change is "BGP4MP" whatever its form */
		set_format(rec, rec->type == NKT_MRT_BGP4MP_ET ? "BGP4MP_ET"
							       : "BGP4MP");
		return NKT_MRT_STATE;
	}
	/* the BGP message (RFC 4271 4.1) */
	marker = rd_bytes(&r, 16);
	blen = rd_u16(&r);
	btype = rd_u8(&r);
	if (r.bad)
		return bad(rec, "BGP message header cut short");
	for (i = 0; i < 16; i++)
		if (marker[i] != 0xff)
			return bad(rec, "a BGP message whose marker is not "
					"all ones");
	if (blen < 19 || blen - 19 > r.n)
		return bad(rec, "a BGP message of %u bytes in %zu", blen,
			   r.n + 19);
	msg = rd_sub(&r, blen - 19);
	if (btype != BGP_UPDATE)
		return NKT_MRT_ROUTES; /* OPEN, KEEPALIVE, ...: no route */
	/* UPDATE (RFC 4271 4.3) */
	wlen = rd_u16(&msg);
	w = rd_sub(&msg, wlen);
	if (msg.bad)
		return bad(rec, "withdrawn routes of %u bytes run past the "
				"UPDATE",
			   wlen);
	alen = rd_u16(&msg);
	a = rd_sub(&msg, alen);
	if (msg.bad)
		return bad(rec, "attributes of %u bytes run past the UPDATE",
			   alen);
	memset(&mp, 0, sizeof(mp));
	if ((e = attrs_read(m, a, asn_len, &mp, &path)) != 0)
		return e;
	/* withdrawals first, then announcements, in the order bgpdump
	 * prints them: IPv4 withdrawn, MP_UNREACH, NLRI, MP_REACH */
	if ((e = nlri_all(m, w, 4, 1, addpath, 'W', -1)) != 0)
		return e;
	if (mp.unreach_af &&
	    (e = nlri_all(m, mp.unreach, mp.unreach_af, mp.unreach_safi,
			  addpath, 'W', -1)))
		return e;
	if ((e = nlri_all(m, msg, 4, 1, addpath, 'A', path)) != 0)
		return e;
	if (mp.reach_af &&
	    (e = nlri_all(m, mp.reach, mp.reach_af, mp.reach_safi, addpath,
			  'A', path)))
		return e;
	return NKT_MRT_ROUTES;
}

int nkt_mrt_decode(struct nkt_mrt *m, const uint8_t *bytes, size_t len,
		   const struct nkt_mrt_rec **out)
{
	struct nkt_mrt_rec *rec = &m->rec;
	struct rd r = {bytes, len, 0};
	uint32_t blen;
	int res;

	rec->n_routes = rec->n_paths = rec->n_segs = rec->n_asns = 0;
	rec->peers = NULL;
	rec->n_peers = 0;
	rec->masked = rec->other_af = rec->truncated = 0;
	rec->old_state = rec->new_state = 0;
	rec->local = 0;
	rec->usec = 0;
	rec->why[0] = '\0';
	rec->format[0] = '\0';
	*out = rec;
	rec->time = rd_u32(&r);
	rec->type = (uint16_t)rd_u16(&r);
	rec->subtype = (uint16_t)rd_u16(&r);
	blen = rd_u32(&r);
	if (r.bad)
		return bad(rec, "a header cut short");
	if (blen != r.n)
		return bad(rec, "a body of %u bytes in %zu", blen, r.n);
	if (rec->type == NKT_MRT_BGP4MP_ET) {
		rec->usec = rd_u32(&r);
		if (r.bad)
			return bad(rec, "BGP4MP_ET without its microseconds");
	}
	switch (rec->type) {
	case NKT_MRT_TABLE_DUMP:
		res = table_dump(m, r);
		break;
	case NKT_MRT_TABLE_DUMP_V2:
		switch (rec->subtype) {
		case TD2_PEER_INDEX:
			res = peer_index(m, r);
			break;
		case TD2_RIB_IPV4_UNICAST:
			res = rib(m, r, 4, 0);
			break;
		case TD2_RIB_IPV6_UNICAST:
			res = rib(m, r, 6, 0);
			break;
		case TD2_RIB_IPV4_UNICAST_AP:
			res = rib(m, r, 4, 1);
			break;
		case TD2_RIB_IPV6_UNICAST_AP:
			res = rib(m, r, 6, 1);
			break;
		default:
			res = NKT_MRT_UNREAD;
		}
		break;
	case NKT_MRT_BGP4MP:
	case NKT_MRT_BGP4MP_ET:
		res = bgp4mp(m, r);
		break;
	default:
		res = NKT_MRT_UNREAD;
	}
	if (res == NKT_MRT_BAD || res == NKT_MRT_UNREAD)
		rec->n_routes = 0;
	return res;
}

/* Append text to buf[*pos..len); once it does not fit (with room for
 * "..."), *full is set and nothing more is added. */
static void put(char *buf, size_t len, size_t *pos, int *full,
		const char *text)
{
	size_t n = strlen(text);
	if (*full)
		return;
	if (*pos + n + 4 > len) {
		*full = 1;
		if (*pos + 4 <= len) {
			memcpy(buf + *pos, "...", 4);
			*pos += 3;
		}
		return;
	}
	memcpy(buf + *pos, text, n + 1);
	*pos += n;
}

char *nkt_mrt_path_str(const struct nkt_mrt_rec *r,
		       const struct nkt_mrt_path *p, char *buf, size_t len)
{
	static const char *const open[] = {"", "{", "", "(", "["};
	static const char *const close[] = {"", "}", "", ")", "]"};
	size_t pos = 0;
	int full = 0;
	uint32_t i, j;

	if (len == 0)
		return buf;
	buf[0] = '\0';
	for (i = 0; i < p->n_seg; i++) {
		const struct nkt_mrt_seg *s = &r->segs[p->first_seg + i];
		int set = s->type == NKT_AS_SET || s->type == NKT_AS_CONFED_SET;
		char tmp[16];
		if (i > 0)
			put(buf, len, &pos, &full, " ");
		put(buf, len, &pos, &full, open[s->type]);
		for (j = 0; j < s->n; j++) {
			snprintf(tmp, sizeof(tmp), "%s%u",
				 j ? (set ? "," : " ") : "",
				 r->asns[s->first + j]);
			put(buf, len, &pos, &full, tmp);
		}
		put(buf, len, &pos, &full, close[s->type]);
	}
	return buf;
}

uint32_t nkt_mrt_origin_as(const struct nkt_mrt_rec *r,
			   const struct nkt_mrt_path *p)
{
	const struct nkt_mrt_seg *s;
	if (!p->has_aspath || p->n_seg == 0)
		return 0;
	s = &r->segs[p->first_seg + p->n_seg - 1];
	if (s->type != NKT_AS_SEQUENCE || s->n == 0)
		return 0;
	return r->asns[s->first + s->n - 1];
}

uint32_t nkt_mrt_upstream_as(const struct nkt_mrt_rec *r,
			     const struct nkt_mrt_path *p)
{
	uint32_t origin = nkt_mrt_origin_as(r, p), i;
	if (origin == 0)
		return 0;
	/* walk back over the segments: the first AS that is not the
	 * origin, in a sequence (a set before the origin names no one
	 * upstream) */
	for (i = p->n_seg; i-- > 0;) {
		const struct nkt_mrt_seg *s = &r->segs[p->first_seg + i];
		uint32_t j;
		if (s->type != NKT_AS_SEQUENCE)
			return 0;
		for (j = s->n; j-- > 0;)
			if (r->asns[s->first + j] != origin)
				return r->asns[s->first + j];
	}
	return 0;
}

char *nkt_mrt_addr_str(const struct nkt_mrt_addr *a, char *buf, size_t len)
{
	if (inet_ntop(a->af == 6 ? AF_INET6 : AF_INET, a->a, buf,
		      (socklen_t)len) == NULL && len > 0)
		buf[0] = '\0';
	return buf;
}
