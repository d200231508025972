// SPDX-License-Identifier: ISC
/*
 * test_mrt.c: the MRT decoder and the control plane on records built
 * byte by byte here: RFC 6793's merge of AS4_PATH (a set counts one,
 * confederation segments none, a longer AS4_PATH ignored), the origin and
 * its upstream (prepending passed over, a set naming no one), the path's
 * text cut to its buffer, prefixes parsed and compared, and the view's
 * rules: a transit of the transits file is one upstream (AS134544
 * taking over from AS4837 is no change), a new transit after the RIB
 * dump is an event and before it is not, a session going down takes its
 * routes, a later RIB dump drops what it no longer has; host bits are
 * cleared in every form and the covering prefix is found by lookup.
 */
#include "nkt_test.h"
#include "nktrace/bgpview.h"
#include "nktrace/mrt.h"

/* A byte builder */
struct buf {
	uint8_t b[4096];
	size_t n;
};

static void u8(struct buf *w, unsigned v)
{
	w->b[w->n++] = (uint8_t)v;
}

static void u16(struct buf *w, unsigned v)
{
	u8(w, v >> 8);
	u8(w, v & 0xff);
}

static void u32(struct buf *w, uint32_t v)
{
	u16(w, v >> 16);
	u16(w, v & 0xffff);
}

static void bytes(struct buf *w, const void *p, size_t n)
{
	memcpy(w->b + w->n, p, n);
	w->n += n;
}

/* An AS path segment: type, then n AS numbers of asn_len bytes. */
static void seg(struct buf *w, unsigned type, int asn_len, size_t n,
		const uint32_t *asns)
{
	size_t i;
	u8(w, type);
	u8(w, (unsigned)n);
	for (i = 0; i < n; i++) {
		if (asn_len == 4)
			u32(w, asns[i]);
		else
			u16(w, asns[i]);
	}
}

static void attr(struct buf *w, unsigned flags, unsigned type,
		 const struct buf *v)
{
	u8(w, flags);
	u8(w, type);
	u8(w, (unsigned)v->n);
	bytes(w, v->b, v->n);
}

/* A BGP4MP MESSAGE(_AS4) record from peer 192.0.2.<peer> (AS 64500 +
 * peer) at time t: an UPDATE with the given attributes, announcing
 * `nlri` (one IPv4 prefix, len bits of addr) or withdrawing it. */
static size_t update(uint8_t *out, uint32_t t, unsigned peer, int as4,
		     const struct buf *attrs, const uint8_t addr[4],
		     unsigned len, int withdraw)
{
	struct buf body = {{0}, 0}, msg = {{0}, 0}, rec = {{0}, 0};
	uint8_t peer_ip[4] = {192, 0, 2, (uint8_t)peer};
	uint8_t local[4] = {193, 0, 4, 28};
	uint8_t marker[16];
	size_t nb = (len + 7) / 8;

	memset(marker, 0xff, sizeof(marker));
	if (withdraw) {
		u16(&body, (unsigned)(1 + nb));
		u8(&body, len);
		bytes(&body, addr, nb);
		u16(&body, 0);
	} else {
		u16(&body, 0);
		u16(&body, (unsigned)attrs->n);
		bytes(&body, attrs->b, attrs->n);
		u8(&body, len);
		bytes(&body, addr, nb);
	}
	bytes(&msg, marker, 16);
	u16(&msg, (unsigned)(19 + body.n));
	u8(&msg, 2);
	bytes(&msg, body.b, body.n);
	u32(&rec, t);
	u16(&rec, NKT_MRT_BGP4MP);
	u16(&rec, as4 ? 4 : 1);
	u32(&rec, (uint32_t)((as4 ? 12 : 8) + 8 + msg.n));
	if (as4) {
		u32(&rec, 64500 + peer);
		u32(&rec, 12654);
	} else {
		u16(&rec, 64500 + peer);
		u16(&rec, 12654);
	}
	u16(&rec, 0);
	u16(&rec, 1);
	bytes(&rec, peer_ip, 4);
	bytes(&rec, local, 4);
	bytes(&rec, msg.b, msg.n);
	memcpy(out, rec.b, rec.n);
	return rec.n;
}

/* Attributes: ORIGIN, an AS_PATH of one sequence (4-byte ASNs). */
static struct buf path_attrs(size_t n, const uint32_t *asns)
{
	struct buf a = {{0}, 0}, v = {{0}, 0}, o = {{0}, 0};
	u8(&o, 0);
	attr(&a, 0x40, 1, &o);
	seg(&v, NKT_AS_SEQUENCE, 4, n, asns);
	attr(&a, 0x40, 2, &v);
	return a;
}

static const uint8_t P178[4] = {175, 45, 178, 0};
static const uint8_t P176[4] = {175, 45, 176, 0};

/* The decoded path of a one-route UPDATE, as text. */
static void decode_path(const uint8_t *rec, size_t len, char *out,
			size_t out_len)
{
	struct nkt_mrt m;
	const struct nkt_mrt_rec *r;
	int res;
	nkt_mrt_init(&m);
	res = nkt_mrt_decode(&m, rec, len, &r);
	out[0] = '\0';
	if (res == NKT_MRT_ROUTES && r->n_routes == 1 && r->routes[0].path >= 0)
		nkt_mrt_path_str(r, &r->paths[r->routes[0].path], out, out_len);
	else
		snprintf(out, out_len, "(result %d: %s)", res, r->why);
	nkt_mrt_free(&m);
}

static void test_as4_merge(void)
{
	uint8_t rec[4096];
	char text[256];
	size_t len;
	struct buf a = {{0}, 0}, v = {{0}, 0}, v4 = {{0}, 0}, o = {{0}, 0};
	const uint32_t two[] = {3561, 23456, 23456, 1299};
	const uint32_t set[] = {65001, 65002};
	const uint32_t four[] = {196615, 4200000001u, 1299};
	const uint32_t confed[] = {65010};

	/* AS_PATH 3561 23456 {65001,65002} 23456 1299 (count 5: the set
	 * is one); AS4_PATH (65010) 196615 4200000001 1299 (count 3: the
	 * confederation none): the two leading AS numbers of AS_PATH, then
	 * AS4_PATH without its confederation (the set was in the part
	 * AS4_PATH tells better) */
	u8(&o, 0);
	attr(&a, 0x40, 1, &o);
	seg(&v, NKT_AS_SEQUENCE, 2, 2, two);
	seg(&v, NKT_AS_SET, 2, 2, set);
	seg(&v, NKT_AS_SEQUENCE, 2, 2, two + 2);
	attr(&a, 0x40, 2, &v);
	seg(&v4, NKT_AS_CONFED_SEQUENCE, 4, 1, confed);
	seg(&v4, NKT_AS_SEQUENCE, 4, 3, four);
	attr(&a, 0xc0, 17, &v4);
	len = update(rec, 1000, 1, 0, &a, P178, 24, 0);
	decode_path(rec, len, text, sizeof(text));
	CHECK_STR(text, "3561 23456 196615 4200000001 1299");

	/* AS4_PATH longer than AS_PATH: ignored */
	a.n = v.n = v4.n = 0;
	attr(&a, 0x40, 1, &o);
	seg(&v, NKT_AS_SEQUENCE, 2, 2, two);
	attr(&a, 0x40, 2, &v);
	seg(&v4, NKT_AS_SEQUENCE, 4, 3, four);
	attr(&a, 0xc0, 17, &v4);
	len = update(rec, 1000, 1, 0, &a, P178, 24, 0);
	decode_path(rec, len, text, sizeof(text));
	CHECK_STR(text, "3561 23456");

	/* between 4-byte speakers AS4_PATH means nothing */
	a.n = v.n = 0;
	attr(&a, 0x40, 1, &o);
	seg(&v, NKT_AS_SEQUENCE, 4, 3, four);
	attr(&a, 0x40, 2, &v);
	attr(&a, 0xc0, 17, &v4);
	len = update(rec, 1000, 1, 1, &a, P178, 24, 0);
	decode_path(rec, len, text, sizeof(text));
	CHECK_STR(text, "196615 4200000001 1299");
}

/* origin and upstream of a one-sequence path, or of a path given as
 * segments */
static void origin_upstream(const struct buf *attrs, uint32_t *origin,
			    uint32_t *up)
{
	uint8_t rec[4096];
	struct nkt_mrt m;
	const struct nkt_mrt_rec *r;
	size_t len = update(rec, 1000, 1, 1, attrs, P178, 24, 0);
	nkt_mrt_init(&m);
	*origin = *up = 99;
	if (nkt_mrt_decode(&m, rec, len, &r) == NKT_MRT_ROUTES &&
	    r->n_routes == 1) {
		*origin = nkt_mrt_origin_as(r, &r->paths[0]);
		*up = nkt_mrt_upstream_as(r, &r->paths[0]);
	}
	nkt_mrt_free(&m);
}

static void test_origin_upstream(void)
{
	const uint32_t prepended[] = {3356, 4837, 131279, 131279, 131279};
	const uint32_t alone[] = {131279};
	const uint32_t set[] = {20485, 4837};
	const uint32_t nk[] = {131279};
	struct buf a, v = {{0}, 0}, o = {{0}, 0};
	uint32_t origin, up;

	a = path_attrs(5, prepended);
	origin_upstream(&a, &origin, &up);
	CHECK_INT(origin, 131279);
	CHECK_INT(up, 4837);
	a = path_attrs(1, alone);
	origin_upstream(&a, &origin, &up);
	CHECK_INT(origin, 131279);
	CHECK_INT(up, 0);
	/* 3356 {20485,4837} 131279: the set names no one upstream */
	a.n = 0;
	u8(&o, 0);
	attr(&a, 0x40, 1, &o);
	seg(&v, NKT_AS_SEQUENCE, 4, 1, prepended);
	seg(&v, NKT_AS_SET, 4, 2, set);
	seg(&v, NKT_AS_SEQUENCE, 4, 1, nk);
	attr(&a, 0x40, 2, &v);
	origin_upstream(&a, &origin, &up);
	CHECK_INT(origin, 131279);
	CHECK_INT(up, 0);
	/* ending in a set: no origin */
	a.n = v.n = 0;
	attr(&a, 0x40, 1, &o);
	seg(&v, NKT_AS_SEQUENCE, 4, 1, prepended);
	seg(&v, NKT_AS_SET, 4, 2, set);
	attr(&a, 0x40, 2, &v);
	origin_upstream(&a, &origin, &up);
	CHECK_INT(origin, 0);
	CHECK_INT(up, 0);
}

static void test_path_text_cut(void)
{
	uint32_t asns[50];
	uint8_t rec[4096];
	char text[32];
	struct buf a;
	size_t i, len;
	for (i = 0; i < 50; i++)
		asns[i] = 65000 + (uint32_t)i;
	a = path_attrs(50, asns);
	len = update(rec, 1000, 1, 1, &a, P178, 24, 0);
	decode_path(rec, len, text, sizeof(text));
	CHECK(strlen(text) < sizeof(text));
	CHECK(strlen(text) >= 3 &&
	      strcmp(text + strlen(text) - 3, "...") == 0);
	CHECK(strncmp(text, "65000 65001 65002", 17) == 0);
}

static void test_prefixes(void)
{
	struct nkt_mrt_prefix a, b;
	char s[64];
	CHECK_INT(nkt_mrt_prefix_parse("175.45.176.0/22", &a), 0);
	CHECK_INT(nkt_mrt_prefix_parse("175.45.178.0/24", &b), 0);
	CHECK(nkt_mrt_prefix_in(&b, &a));
	CHECK(!nkt_mrt_prefix_in(&a, &b));
	CHECK(nkt_mrt_prefix_in(&a, &a));
	CHECK_INT(nkt_mrt_prefix_parse("175.45.180.0/24", &b), 0);
	CHECK(!nkt_mrt_prefix_in(&b, &a));
	CHECK_INT(nkt_mrt_prefix_parse("175.45.176.1/22", &b), -1);
	CHECK_INT(nkt_mrt_prefix_parse("175.45.176.0/33", &b), -1);
	CHECK_INT(nkt_mrt_prefix_parse("175.45.176.0", &b), -1);
	CHECK_INT(nkt_mrt_prefix_parse("2001:db8::/32", &b), 0);
	CHECK(!nkt_mrt_prefix_in(&b, &a));
	CHECK_STR(nkt_mrt_prefix_str(&b, s, sizeof(s)), "2001:db8::/32");
}

/* Feed one record to a view. */
static void feed(struct nkt_bgp_view *v, struct nkt_mrt *m,
		 const uint8_t *rec, size_t len)
{
	const struct nkt_mrt_rec *r;
	int res = nkt_mrt_decode(m, rec, len, &r);
	nkt_bgp_view_add(v, r, res);
}

/* An MRT record (common header, then body) into out; its length. */
static size_t mrt_record(uint8_t *out, uint32_t t, unsigned type,
			 unsigned subtype, const struct buf *body)
{
	struct buf rec = {{0}, 0};
	u32(&rec, t);
	u16(&rec, type);
	u16(&rec, subtype);
	u32(&rec, (uint32_t)body->n);
	bytes(&rec, body->b, body->n);
	memcpy(out, rec.b, rec.n);
	return rec.n;
}

/* A TABLE_DUMP_V2 peer index table of peers 192.0.2.1..n, and a RIB
 * record of prefix p with entries (peer i, path paths[i]) for the peers
 * in `have`. */
static size_t peer_table(uint8_t *out, uint32_t t, unsigned n)
{
	struct buf body = {{0}, 0};
	uint8_t id[4] = {10, 0, 0, 1};
	unsigned i;
	bytes(&body, id, 4);
	u16(&body, 0);
	u16(&body, n);
	for (i = 1; i <= n; i++) {
		uint8_t ip[4] = {192, 0, 2, (uint8_t)i};
		u8(&body, 2); /* IPv4, 4-byte AS */
		bytes(&body, id, 4);
		bytes(&body, ip, 4);
		u32(&body, 64500 + i);
	}
	return mrt_record(out, t, NKT_MRT_TABLE_DUMP_V2, 1, &body);
}

static size_t rib_rec(uint8_t *out, uint32_t t, const uint8_t addr[4],
		      unsigned n, const unsigned *peers,
		      const uint32_t (*paths)[4])
{
	struct buf body = {{0}, 0};
	unsigned i;
	u32(&body, 0);
	u8(&body, 24);
	bytes(&body, addr, 3);
	u16(&body, n);
	for (i = 0; i < n; i++) {
		struct buf a = path_attrs(4, paths[i]);
		u16(&body, peers[i] - 1);
		u32(&body, t - 86400);
		u16(&body, (unsigned)a.n);
		bytes(&body, a.b, a.n);
	}
	return mrt_record(out, t, NKT_MRT_TABLE_DUMP_V2, 2, &body);
}

static size_t state_down(uint8_t *out, uint32_t t, unsigned peer)
{
	struct buf rec = {{0}, 0};
	uint8_t ip[4] = {192, 0, 2, (uint8_t)peer}, local[4] = {193, 0, 4, 28};
	u32(&rec, t);
	u16(&rec, NKT_MRT_BGP4MP);
	u16(&rec, 5);
	u32(&rec, 24);
	u32(&rec, 64500 + peer);
	u32(&rec, 12654);
	u16(&rec, 0);
	u16(&rec, 1);
	bytes(&rec, ip, 4);
	bytes(&rec, local, 4);
	u16(&rec, 6);
	u16(&rec, 1);
	memcpy(out, rec.b, rec.n);
	return rec.n;
}

static const struct nkt_bgp_as *up_of(const struct nkt_bgp_view *v,
				      const uint8_t addr[4], uint32_t asn)
{
	size_t i, j;
	for (i = 0; i < v->n; i++)
		if (memcmp(v->p[i].prefix.addr.a, addr, 3) == 0)
			for (j = 0; j < v->p[i].n_up; j++)
				if (v->p[i].up[j].asn == asn)
					return &v->p[i].up[j];
	return NULL;
}

static const struct nkt_bgp_prefix *pfx_of(const struct nkt_bgp_view *v,
					   const uint8_t addr[4])
{
	size_t i;
	for (i = 0; i < v->n; i++)
		if (memcmp(v->p[i].prefix.addr.a, addr, 3) == 0)
			return &v->p[i];
	return NULL;
}

static void test_view(void)
{
	static const char transits[] =
		"{\"transits\": [{\"name\": \"China Unicom\", \"asns\": "
		"[4837, 134544]}, {\"name\": \"TTK\", \"asns\": [20485]}]}";
	struct nkt_transits ts;
	struct nkt_err err = {0, ""};
	struct nkt_bgp_sel sel;
	struct nkt_bgp_view v;
	struct nkt_mrt m;
	uint8_t rec[4096];
	size_t len, i;
	const unsigned peers3[] = {1, 2, 3};
	const uint32_t china[3][4] = {{64501, 3356, 4837, 131279},
				      {64502, 3356, 4837, 131279},
				      {64503, 3356, 4837, 131279}};
	const uint32_t hk[] = {64501, 3356, 134544, 131279};
	const uint32_t ttk[] = {64502, 1299, 20485, 131279};
	const struct nkt_bgp_as *a;
	const struct nkt_bgp_prefix *pf;
	int kinds[8] = {0};

	CHECK_INT(nkt_transits_parse(transits, sizeof(transits) - 1, "test",
				     &ts, &err),
		  0);
	memset(&sel, 0, sizeof(sel));
	nkt_mrt_prefix_parse("175.45.176.0/22", &sel.prefixes[0]);
	sel.n_prefixes = 1;

	/* updates before any RIB dump: no event */
	nkt_bgp_view_init(&v, &sel, &ts);
	nkt_mrt_init(&m);
	{
		struct buf at = path_attrs(4, ttk);
		len = update(rec, 500, 2, 1, &at, P178, 24, 0);
		feed(&v, &m, rec, len);
	}
	nkt_bgp_view_file_end(&v);
	nkt_bgp_view_finish(&v);
	CHECK_INT(v.n_ev, 0);
	CHECK_INT(v.baseline, 0);
	nkt_bgp_view_free(&v);
	nkt_mrt_free(&m);

	/* a RIB dump: 178 and 176 via China Unicom from 3 peers */
	nkt_bgp_view_init(&v, &sel, &ts);
	nkt_mrt_init(&m);
	len = peer_table(rec, 1000, 3);
	feed(&v, &m, rec, len);
	len = rib_rec(rec, 1000, P178, 3, peers3, china);
	feed(&v, &m, rec, len);
	len = rib_rec(rec, 1000, P176, 3, peers3, china);
	feed(&v, &m, rec, len);
	nkt_bgp_view_file_end(&v);
	CHECK_INT(v.baseline, 1);
	nkt_mrt_free(&m);
	nkt_mrt_init(&m);
	/* peer 1 moves to AS134544: China Unicom still, no event */
	{
		struct buf at = path_attrs(4, hk);
		len = update(rec, 1100, 1, 1, &at, P178, 24, 0);
		feed(&v, &m, rec, len);
	}
	/* peer 2 moves to TTK: a new transit */
	{
		struct buf at = path_attrs(4, ttk);
		len = update(rec, 1200, 2, 1, &at, P178, 24, 0);
		feed(&v, &m, rec, len);
	}
	/* peer 3's session goes down: its routes go */
	len = state_down(rec, 1300, 3);
	feed(&v, &m, rec, len);
	/* peer 2 withdraws 176 */
	len = update(rec, 1400, 2, 1, NULL, P176, 24, 1);
	feed(&v, &m, rec, len);
	nkt_bgp_view_file_end(&v);
	nkt_mrt_free(&m);

	pf = pfx_of(&v, P178);
	CHECK(pf != NULL && pf->peers == 2);
	a = up_of(&v, P178, 20485);
	CHECK(a != NULL && a->peers == 1 && a->first_seen == 1200);
	a = up_of(&v, P178, 4837);
	CHECK(a != NULL && a->peers == 0 && a->peers_max == 3);
	a = up_of(&v, P178, 134544);
	CHECK(a != NULL && a->peers == 1);
	pf = pfx_of(&v, P176);
	CHECK(pf != NULL && pf->peers == 1 && pf->withdrawals == 1);

	/* a second RIB dump that no longer has peer 1's route to 176 */
	nkt_mrt_init(&m);
	len = peer_table(rec, 2000, 3);
	feed(&v, &m, rec, len);
	len = rib_rec(rec, 2000, P178, 1, peers3 + 1, china + 1);
	feed(&v, &m, rec, len);
	nkt_bgp_view_file_end(&v);
	nkt_mrt_free(&m);
	pf = pfx_of(&v, P176);
	CHECK(pf != NULL && pf->peers == 0);
	pf = pfx_of(&v, P178);
	CHECK(pf != NULL && pf->peers == 1 && pf->n_routes == 1);

	nkt_bgp_view_finish(&v);
	for (i = 0; i < v.n_ev; i++)
		kinds[v.ev[i].kind]++;
	/* TTK new (not AS134544); TTK gone again at the second dump; 176
	 * withdrawn; China Unicom not gone from 178 (peer 2 has it again) */
	CHECK_INT(kinds[NKT_BGP_NEW_UPSTREAM], 1);
	CHECK_INT(kinds[NKT_BGP_UPSTREAM_GONE], 1);
	CHECK_INT(kinds[NKT_BGP_WITHDRAWN], 1);
	CHECK_INT(v.n_ev, 3);
	for (i = 0; i < v.n_ev; i++)
		if (v.ev[i].kind == NKT_BGP_NEW_UPSTREAM)
			CHECK(v.ev[i].asn == 20485 && v.ev[i].time == 1200);
	CHECK_INT(v.sessions_down, 1);
	nkt_bgp_view_free(&v);
}

/* The covering prefix by brute force: the longest other prefix that holds
 * prefix pi and is seen by a peer (what nkt_bgp_covering must give). */
static long covering_scan(const struct nkt_bgp_view *v, size_t pi)
{
	size_t i;
	long best = -1;
	for (i = 0; i < v->n; i++)
		if (i != pi && v->p[i].peers > 0 &&
		    v->p[i].prefix.len < v->p[pi].prefix.len &&
		    nkt_mrt_prefix_in(&v->p[pi].prefix, &v->p[i].prefix) &&
		    (best < 0 || v->p[i].prefix.len > v->p[best].prefix.len))
			best = (long)i;
	return best;
}

/* A TABLE_DUMP (v1) entry of peer 192.0.2.9 (AS 64509): prefix addr/len
 * as the record carries it (host bits and all), path 64509 4837 131279. */
static size_t dump_v1(uint8_t *out, uint32_t t, const uint8_t addr[4],
		      unsigned len)
{
	struct buf body = {{0}, 0}, a = {{0}, 0}, v = {{0}, 0}, o = {{0}, 0};
	const uint32_t path[] = {64509, 4837, 131279};
	uint8_t peer[4] = {192, 0, 2, 9};
	u8(&o, 0);
	attr(&a, 0x40, 1, &o);
	seg(&v, NKT_AS_SEQUENCE, 2, 3, path);
	attr(&a, 0x40, 2, &v);
	u16(&body, 0);
	u16(&body, 1);
	bytes(&body, addr, 4);
	u8(&body, len);
	u8(&body, 1);
	u32(&body, t - 3600);
	bytes(&body, peer, 4);
	u16(&body, 64509);
	u16(&body, (unsigned)a.n);
	bytes(&body, a.b, a.n);
	return mrt_record(out, t, NKT_MRT_TABLE_DUMP, 1, &body);
}

/* Host bits past a prefix's length are cleared and counted in every form
 * (TABLE_DUMP v1 carries a whole address), so one prefix is one key; the
 * covering prefix of each is the longest one seen by a peer, by the
 * hashed lookup and by a scan alike, as routes come and go. */
static void test_covering(void)
{
	static const struct {
		uint8_t a[4];
		unsigned len;
	} ann[] = {{{175, 0, 0, 0}, 8},      {{175, 45, 176, 0}, 22},
		   {{175, 45, 179, 0}, 23},  {{175, 45, 178, 0}, 24},
		   {{175, 45, 178, 128}, 25}, {{175, 45, 178, 192}, 26},
		   {{10, 0, 0, 0}, 8}};
	const uint32_t path[] = {64501, 3356, 4837, 131279};
	struct buf at = path_attrs(4, path);
	const uint8_t host[4] = {175, 45, 176, 71};
	const struct nkt_mrt_rec *r;
	struct nkt_bgp_sel sel;
	struct nkt_bgp_view v;
	struct nkt_mrt m;
	uint8_t rec[4096];
	size_t len, i, pi25 = 0, pi23 = 0;
	int round;

	len = dump_v1(rec, 1000, host, 22);
	nkt_mrt_init(&m);
	CHECK_INT(nkt_mrt_decode(&m, rec, len, &r), NKT_MRT_ROUTES);
	CHECK_INT(r->n_routes, 1);
	CHECK_INT(r->masked, 1);
	CHECK_INT(r->routes[0].prefix.addr.a[2], 176);
	CHECK_INT(r->routes[0].prefix.addr.a[3], 0);
	nkt_mrt_free(&m);

	memset(&sel, 0, sizeof(sel));
	nkt_mrt_prefix_parse("0.0.0.0/0", &sel.prefixes[0]);
	sel.n_prefixes = 1;
	nkt_bgp_view_init(&v, &sel, NULL);
	nkt_mrt_init(&m);
	for (i = 0; i < sizeof(ann) / sizeof(ann[0]); i++) {
		len = update(rec, (uint32_t)(1000 + i), 1, 1, &at, ann[i].a,
			     ann[i].len, 0);
		feed(&v, &m, rec, len);
	}
	/* the same /22 from a v1 entry with host bits: no new prefix */
	len = dump_v1(rec, 1100, host, 22);
	feed(&v, &m, rec, len);
	CHECK_INT(v.n, sizeof(ann) / sizeof(ann[0]));
	for (round = 0; round < 2; round++) {
		for (i = 0; i < v.n; i++) {
			char s[64];
			long c = nkt_bgp_covering(&v, i);
			CHECK_INT(c, covering_scan(&v, i));
			nkt_mrt_prefix_str(&v.p[i].prefix, s, sizeof(s));
			if (strcmp(s, "175.45.178.128/25") == 0)
				pi25 = i;
			if (strcmp(s, "175.45.178.0/23") == 0)
				pi23 = i;
		}
		if (round == 0) {
			/* 175.45.179.0/23 was stored as .178.0/23 */
			CHECK_INT(nkt_bgp_covering(&v, pi23) >= 0, 1);
			/* the /24 withdrawn: the /25 falls back to the /23 */
			len = update(rec, 2000, 1, 1, &at, ann[3].a, 24, 1);
			feed(&v, &m, rec, len);
		}
	}
	CHECK_INT(nkt_bgp_covering(&v, pi25), (long)pi23);
	nkt_bgp_view_free(&v);
	nkt_mrt_free(&m);
}

int main(void)
{
	test_as4_merge();
	test_origin_upstream();
	test_path_text_cut();
	test_prefixes();
	test_view();
	test_covering();
	return nkt_test_done("mrt");
}
