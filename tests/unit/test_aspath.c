// SPDX-License-Identifier: ISC
/*
 * test_aspath.c: AS paths, border crossings and transit attribution from
 * table-driven hop lists: silent hops inside and across ASes, loops,
 * private and unknown addresses, paths that never enter the target's AS;
 * and the transits and targets file parsers.
 */
#include "nkt_test.h"
#include "nktrace/addrkind.h"
#include "nktrace/aspath.h"
#include "nktrace/targetdb.h"
#include "nktrace/transit.h"

#define DST 0xaf2db047u /* 175.45.176.71, AS131279 */

/* A made-up address plan: the third byte's... simpler: a table. */
static const struct {
	uint32_t addr, asn;
} plan[] = {
	{0x81fa0201u, 2914},   /* 129.250.2.1 */
	{0xdb9e7501u, 4837},   /* 219.158.117.1 */
	{0xdb9e737au, 4837},   /* 219.158.115.122 */
	{0x3d31ac01u, 4837},   /* 61.49.172.1 */
	{0x6723fe01u, 134544}, /* 103.35.254.1 */
	{0xaf2db001u, 131279}, /* 175.45.176.1 */
	{DST, 131279},
	{0x3e737801u, 1299},   /* 62.115.120.1 */
	{0xd9962001u, 20485},  /* 217.150.32.1 */
	{0xbc2be199u, 20485},  /* 188.43.225.153 */
	{0x04050607u, 3356},   /* 4.5.6.7 */
};

static void asn_of(void *ctx, uint32_t addr, uint8_t *kind, uint32_t *asn)
{
	size_t i;
	(void)ctx;
	*kind = (uint8_t)nkt_addr_kind_v4(addr);
	*asn = 0;
	for (i = 0; i < NKT_ARRAY_LEN(plan); i++)
		if (plan[i].addr == addr)
			*asn = plan[i].asn;
}

/* A trace with one reply per hop: addrs[i] answers hop i+1 (0 = silent). */
static struct nkt_trace *make(const uint32_t *addrs, size_t n)
{
	struct nkt_trace *t = nkt_xcalloc(1, sizeof(*t));
	size_t i;
	t->flow.dst = DST;
	t->first_ttl = 1;
	t->stop_hop = (uint8_t)n;
	for (i = 0; i < n; i++) {
		struct nkt_hop_reply *h = nkt_trace_add(t);
		h->ttl = (uint8_t)(i + 1);
		h->attempt = 1;
		if (addrs[i]) {
			h->flags = NKT_PF_REPLY;
			h->from = addrs[i];
			h->rtt_ns = (i + 1) * 1000000ULL;
			h->kind = NKT_REPLY_TTL_EXCEEDED;
		}
	}
	return t;
}

struct row {
	const char *what;
	uint32_t addrs[16];
	size_t n;
	const char *path;
	int entered;
	uint8_t last_foreign_hop, first_inside_hop;
	const char *transit;
	uint8_t gap; /* NKT_GAP_UNKNOWN: never entered */
	uint8_t why; /* unattributed: enum nkt_unattr */
};

#define U NKT_GAP_UNKNOWN

static const struct row rows[] = {
	{"China path, silent hops inside NK bridged",
	 {0x0a0a0001u, 0x81fa0201u, 0xdb9e7501u, 0xdb9e737au, 0x3d31ac01u,
	  0x6723fe01u, 0xaf2db001u, 0, 0, DST},
	 10, "private AS2914 AS4837 AS134544 AS131279", 1, 6, 7,
	 "China Unicom", 0, 0},
	{"TTK path",
	 {0x0a140001u, 0x3e737801u, 0xd9962001u, 0xbc2be199u, 0xaf2db001u, 0,
	  0, DST},
	 8, "private AS1299 AS20485 AS131279", 1, 4, 5, "TTK", 0, 0},
	{"silent hops across ASes are not bridged",
	 {0x81fa0201u, 0, 0xdb9e7501u, 0, 0, 0x6723fe01u, DST},
	 7, "AS2914 * AS4837 * AS134544 AS131279", 1, 6, 7, "China Unicom",
	 0, 0},
	{"silent hops inside one AS are bridged",
	 {0xdb9e7501u, 0, 0, 0x3d31ac01u, DST},
	 5, "AS4837 AS131279", 1, 4, 5, "China Unicom", 0, 0},
	{"unknown and private addresses are marked, not guessed",
	 {0x0a000001u, 0x08080808u, 0x08080404u, 0x64400001u, 0xd9962001u,
	  DST},
	 6, "private unknown shared AS20485 AS131279", 1, 5, 6, "TTK", 0, 0},
	{"an unknown hop next to NK: the AS before it, one hop short",
	 {0xd9962001u, 0x08080808u, DST},
	 3, "AS20485 unknown AS131279", 1, 2, 3, "TTK", 1, 0},
	{"a path that never enters the target AS: the last AS seen",
	 {0x81fa0201u, 0xdb9e7501u, 0, 0, 0},
	 5, "AS2914 AS4837 *", 0, 2, 0, "China Unicom", U, 0},
	{"an upstream the file does not name is a transit of its own",
	 {0x81fa0201u, 0x04050607u, DST},
	 3, "AS2914 AS3356 AS131279", 1, 2, 3, "AS3356 Level 3 Parent, LLC",
	 0, 0},
	{"the AS that hands over, not a listed transit before it",
	 {0xd9962001u, 0x04050607u, DST},
	 3, "AS20485 AS3356 AS131279", 1, 2, 3, "AS3356 Level 3 Parent, LLC",
	 0, 0},
	{"an unlisted upstream over a silent hop (the day TTK appeared)",
	 {0x0a000001u, 0x3e737801u, 0, DST},
	 4, "private AS1299 * AS131279", 1, 2, 4, "AS1299 Arelion Sweden AB",
	 1, 0},
	{"a sibling of a listed transit is that transit",
	 {0x81fa0201u, 0x6723fe01u, DST},
	 3, "AS2914 AS134544 AS131279", 1, 2, 3, "China Unicom", 0, 0},
	{"only an address no database knows: a transit by its /24",
	 {0x0a000001u, 0x08080808u, DST},
	 3, "private unknown AS131279", 1, 2, 3, "unknown AS (8.8.8.0/24)", 0,
	 0},
	{"only private addresses before NK: unattributed",
	 {0x0a000001u, 0, DST},
	 3, "private * AS131279", 1, 1, 3, "unattributed", U,
	 NKT_UNATTR_SPECIAL},
	{"a loop back into China after NK's border",
	 {0xdb9e7501u, 0xaf2db001u, 0xdb9e737au, 0xaf2db001u},
	 4, "AS4837 AS131279 AS4837 AS131279", 1, 1, 2, "China Unicom", 0, 0},
	{"the first hop is already inside",
	 {DST}, 1, "AS131279", 1, 0, 1, "unattributed", U, NKT_UNATTR_SILENT},
	{"all silent",
	 {0, 0, 0}, 3, "*", 0, 0, 0, "unattributed", U, NKT_UNATTR_SILENT},
};

static const char *org_of(void *ctx, uint32_t addr, char *net, size_t len)
{
	(void)ctx;
	(void)net;
	(void)len;
	switch (addr) {
	case 0x04050607u:
		return "Level 3 Parent, LLC";
	case 0x3e737801u:
		return "Arelion Sweden AB";
	default:
		return NULL;
	}
}

static const char transits_json[] =
	"{\"transits\":[{\"name\":\"China Unicom\",\"asns\":[4837,"
	"9929,10099,134544],\"color\":\"#d62728\"},{\"name\":\"TTK\","
	"\"asns\":[20485]}]}";

static void test_rows(void)
{
	struct nkt_transits ts;
	size_t i;

	CHECK_INT(nkt_transits_parse(transits_json, sizeof(transits_json) - 1,
				     "t", &ts, NULL),
		  NKT_OK);
	CHECK_INT(ts.n_configured, 2);
	for (i = 0; i < NKT_ARRAY_LEN(rows); i++) {
		struct nkt_trace *t = make(rows[i].addrs, rows[i].n);
		struct nkt_aspath p;
		struct nkt_attribution at;
		char buf[256], name[96];

		nkt_aspath_of_trace(t, asn_of, NULL, &p);
		nkt_transit_attribute(&ts, &p, org_of, NULL, &at);
		nkt_aspath_str(&p, buf, sizeof(buf));
		nkt_attribution_name(&ts, &at, name, sizeof(name));
		if (strcmp(buf, rows[i].path) != 0 ||
		    p.entered != rows[i].entered ||
		    p.last_foreign.hop != rows[i].last_foreign_hop ||
		    p.first_inside.hop != rows[i].first_inside_hop ||
		    strcmp(name, rows[i].transit) != 0 ||
		    at.gap != rows[i].gap || at.why != rows[i].why) {
			fprintf(stderr,
				"%s:\n  path '%s' entered %d last_foreign %u "
				"first_inside %u transit '%s' gap %u why %u\n",
				rows[i].what, buf, p.entered,
				p.last_foreign.hop, p.first_inside.hop, name,
				at.gap, at.why);
			CHECK(0);
		} else
			CHECK(1);
		CHECK_U64(p.target_asn, 131279);
		if (p.first_inside.present)
			CHECK_U64(p.first_inside.rtt_ns,
				  p.first_inside.hop * 1000000ULL);
		nkt_trace_free(t);
	}
	/* the upstreams met were added once each, after the file's */
	CHECK_INT(ts.n, 5);
	CHECK_STR(ts.t[2].name, "AS3356 Level 3 Parent, LLC");
	CHECK_INT(ts.t[2].configured, 0);
	CHECK_INT(nkt_transit_by_name(&ts, "AS1299 Arelion Sweden AB"), 3);
	CHECK_INT(nkt_transit_by_name(&ts, "unknown AS (8.8.8.0/24)"), 4);
	/* the file's first, in its order; then the others by name */
	CHECK(nkt_transit_cmp(&ts, 0, 1) < 0);
	CHECK(nkt_transit_cmp(&ts, 1, 2) < 0);
	CHECK(nkt_transit_cmp(&ts, 3, 2) < 0); /* "AS1299" < "AS3356" */
	CHECK(nkt_transit_cmp(&ts, 2, -1) < 0);
}

/* The registry: the same AS is one transit; colours stable and not the
 * file's; organisation text made printable; a full registry counts what
 * it could not keep apart and attributes nothing falsely. */
static const char *odd_org(void *ctx, uint32_t addr, char *net, size_t len)
{
	(void)ctx;
	snprintf(net, len, "net-%u", addr);
	return addr == 1 ? "Bad\x01\nOrg\xff \xe2\x82\xac" : "x";
}

static void test_registry(void)
{
	struct nkt_transits *ts = nkt_xcalloc(1, sizeof(*ts)),
			    *again = nkt_xcalloc(1, sizeof(*again));
	size_t i;
	int a, b;

	CHECK_INT(nkt_transits_parse(transits_json, sizeof(transits_json) - 1,
				     "t", ts, NULL),
		  NKT_OK);
	a = nkt_transit_intern(ts, 64500, 1, odd_org, NULL);
	CHECK_INT(a, 2);
	CHECK_STR(ts->t[a].name, "AS64500 Bad Org? \xe2\x82\xac");
	CHECK_INT(nkt_transit_intern(ts, 64500, 2, odd_org, NULL), a);
	CHECK_INT(nkt_transit_intern(ts, 4837, 2, odd_org, NULL), 0);
	b = nkt_transit_intern(ts, 0, 0x3e732c01u, NULL, NULL);
	CHECK_STR(ts->t[b].name, "unknown AS (62.115.44.0/24)");
	CHECK_INT(nkt_transit_intern(ts, 0, 0x3e732cfeu, NULL, NULL), b);
	CHECK(strcmp(ts->t[a].color, "#d62728") != 0);
	nkt_transits_init(again);
	CHECK_STR(ts->t[a].color,
		  again->t[nkt_transit_intern(again, 64500, 1, NULL, NULL)]
			  .color);
	CHECK_STR(again->t[0].name, "AS64500");
	for (i = 0; i < 2 * NKT_TRANSITS_SEEN_MAX; i++)
		(void)nkt_transit_intern(ts, 70000 + (uint32_t)i, 1, NULL,
					 NULL);
	CHECK_INT(ts->n, NKT_TRANSITS_MAX + NKT_TRANSITS_SEEN_MAX);
	CHECK(ts->overflow > 0);
	CHECK_INT(nkt_transit_intern(ts, 99999999, 1, NULL, NULL), -1);
	free(ts);
	free(again);
}

static void test_hop_rtt(void)
{
	uint32_t a[1] = {0x81fa0201u};
	struct nkt_trace *t = make(a, 1);
	struct nkt_hop_reply *h;
	h = nkt_trace_add(t);
	*h = t->r[0];
	h->rtt_ns = 5000000;
	h = nkt_trace_add(t);
	*h = t->r[0];
	h->rtt_ns = 3000000;
	h = nkt_trace_add(t);
	*h = t->r[0];
	h->rtt_ns = 99000000;
	h->flags |= NKT_PF_DUP; /* duplicates do not count */
	CHECK_U64(nkt_trace_hop_rtt(t, 1, 0x81fa0201u), 3000000);
	CHECK_U64(nkt_trace_hop_rtt(t, 1, 0x01010101u), 0);
	nkt_trace_free(t);

	/* Two answers with nanoseconds: their median is taken of the
	 * microseconds the records print (29.087 and 29.086 ms), so that
	 * the run and its records imported back agree. */
	t = make(a, 1);
	t->r[0].rtt_ns = 29086501;
	h = nkt_trace_add(t);
	*h = t->r[0];
	h->rtt_ns = 29085999;
	CHECK_U64(nkt_trace_hop_rtt(t, 1, 0x81fa0201u), 29086500);
	nkt_trace_free(t);
}

static void test_parsers(void)
{
	static const char *bad_transits[] = {
		"",
		"[]",
		"{}",
		"{\"transits\":[]}",
		"{\"transits\":[{\"asns\":[1]}]}",
		"{\"transits\":[{\"name\":\"x\"}]}",
		"{\"transits\":[{\"name\":\"x\",\"asns\":[]}]}",
		"{\"transits\":[{\"name\":\"x\",\"asns\":[0]}]}",
		"{\"transits\":[{\"name\":\"x\",\"asns\":[-5]}]}",
		"{\"transits\":[{\"name\":\"x\",\"asns\":[\"4837\"]}]}",
		"{\"transits\":[{\"name\":\"x\",\"asns\":[4294967296]}]}",
		"{\"transits\":[{\"name\":\"\",\"asns\":[1]}]}",
		"{\"transits\":[{\"name\":\"x\",\"asns\":[1],\"color\":7}]}",
		"{\"transits\":[{\"name\":\"x\",\"asns\":[1]},",
	};
	static const char *bad_targets[] = {
		"{}",
		"{\"space\":\"175.45.176.0/22\"}",
		"{\"space\":\"x\",\"prefixes\":[{\"prefix\":\"1.0.0.0/8\"}]}",
		"{\"space\":\"175.45.176.0/22\",\"prefixes\":[{\"prefix\":"
		"\"1.2.3.4/8\"}]}",
		"{\"space\":\"175.45.176.0/22\",\"prefixes\":[{\"prefix\":"
		"\"175.45.176.0/24\"}],\"hosts\":[{\"addr\":\"kcna.kp\"}]}",
	};
	static const char good[] =
		"{\"space\":\"175.45.176.0/22\",\"asn\":131279,\"prefixes\":["
		"{\"prefix\":\"175.45.176.0/24\",\"history\":[{\"from\":"
		"\"2010-11-01\",\"transits\":[\"China Unicom\"]},{\"from\":"
		"\"2026-08-01\",\"transits\":[\"China Unicom\",\"TTK\"]}]},"
		"{\"prefix\":\"175.45.177.0/24\"}],\"hosts\":[{\"addr\":"
		"\"175.45.176.71\",\"name\":\"kcna.kp\"},{\"addr\":"
		"\"175.45.177.10\",\"name\":null}]}";
	struct nkt_transits ts;
	struct nkt_targetdb *db = nkt_xcalloc(1, sizeof(*db));
	struct nkt_err err;
	const struct nkt_tdb_prefix *p;
	size_t i;

	for (i = 0; i < NKT_ARRAY_LEN(bad_transits); i++)
		CHECK_INT(nkt_transits_parse(bad_transits[i],
					     strlen(bad_transits[i]), "t.json",
					     &ts, &err),
			  NKT_EINVAL);
	for (i = 0; i < NKT_ARRAY_LEN(bad_targets); i++)
		CHECK_INT(nkt_targetdb_parse(bad_targets[i],
					     strlen(bad_targets[i]), "x.json",
					     db, &err),
			  NKT_EINVAL);
	CHECK_INT(nkt_targetdb_parse(good, sizeof(good) - 1, "g", db, &err),
		  NKT_OK);
	CHECK_INT(db->n_prefix, 2);
	CHECK_INT(db->asn, 131279);
	CHECK_STR(nkt_targetdb_name(db, DST), "kcna.kp");
	CHECK(nkt_targetdb_name(db, 0xaf2db10au) == NULL);
	p = nkt_targetdb_prefix_of(db, DST);
	CHECK(p != NULL && p->net == 0xaf2db000u && p->len == 24);
	CHECK_STR(nkt_targetdb_latest(p)->from, "2026-08-01");
	CHECK_INT(nkt_targetdb_latest(p)->n_transits, 2);
	CHECK(nkt_targetdb_prefix_of(db, 0xaf2db201u) == NULL);
	CHECK(nkt_targetdb_latest(&db->prefix[1]) == NULL);
	free(db);
}

int main(void)
{
	test_rows();
	test_registry();
	test_hop_rtt();
	test_parsers();
	return nkt_test_done("test_aspath");
}
