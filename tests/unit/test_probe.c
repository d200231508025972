// SPDX-License-Identifier: ISC
/*
 * test_probe.c: probe bytes.  Golden bytes for each method (template from
 * libnet's builders, patched by the codec), and properties checked for
 * every probe id: checksums verify, the ICMP checksum stays constant (a
 * Paris flow), the UDP checksum equals the id, both id copies decode.
 */
#include "nkt_test.h"
#include "nktrace/inet.h"
#include "nktrace/probe.h"
#include "nktrace/wire.h"

#define SRC 0xc000020au /* 192.0.2.10 */
#define DST 0xaf2db047u /* 175.45.176.71 */

static const uint8_t golden_icmp[] = {
	0x45, 0x00, 0x00, 0x3c, 0x22, 0x56, 0x00, 0x00, 0x05, 0x01, 0x71, 0xec,
	0xc0, 0x00, 0x02, 0x0a, 0xaf, 0x2d, 0xb0, 0x47, 0x08, 0x00, 0x4f, 0x4c,
	0x82, 0x9b, 0x12, 0x34, 0xf8, 0x67, 0x1b, 0x7c, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};
static const uint8_t golden_udp[] = {
	0x45, 0x00, 0x00, 0x3c, 0x22, 0x56, 0x00, 0x00, 0x05, 0x11, 0x71, 0xdc,
	0xc0, 0x00, 0x02, 0x0a, 0xaf, 0x2d, 0xb0, 0x47, 0x82, 0x9b, 0x82, 0x9b,
	0x00, 0x28, 0x12, 0x34, 0xab, 0x37, 0x1b, 0x7c, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};
static const uint8_t golden_tcp[] = {
	0x45, 0x00, 0x00, 0x28, 0x22, 0x56, 0x00, 0x00, 0x05, 0x06, 0x71, 0xfb,
	0xc0, 0x00, 0x02, 0x0a, 0xaf, 0x2d, 0xb0, 0x47, 0x82, 0x9b, 0x00, 0x50,
	0x1b, 0x7c, 0x12, 0x34, 0x00, 0x00, 0x00, 0x00, 0x50, 0x02, 0xfa, 0xf0,
	0xe2, 0xd6, 0x00, 0x00,
};

static void build(enum nkt_method m, uint16_t size, const struct nkt_key *k,
		  uint8_t ttl, uint16_t id, uint8_t *pkt, struct nkt_flow *f)
{
	CHECK_INT(nkt_flow_init(f, m, SRC, DST, 0, 0, 1, size, 0, NULL),
		  NKT_OK);
	CHECK_INT(nkt_wire_template(f, pkt, NKT_PROBE_MAX_SIZE, NULL), NKT_OK);
	nkt_probe_patch(pkt, f, k, ttl, id);
}

static void dump(const char *name, const uint8_t *p, size_t n)
{
	size_t i;
	if (getenv("NKT_PRINT_GOLDEN") == NULL)
		return;
	printf("#define %s", name);
	for (i = 0; i < n; i++)
		printf("%s0x%02x,", i % 12 ? " " : " \\\n\t", p[i]);
	printf("\n");
}

static void test_golden(void)
{
	struct nkt_key k = nkt_key_from_seed(42);
	uint8_t pkt[NKT_PROBE_MAX_SIZE];
	struct nkt_flow f;

	build(NKT_METHOD_ICMP, 60, &k, 5, 0x1234, pkt, &f);
	dump("GOLDEN_ICMP", pkt, 60);
	CHECK_BYTES(pkt, 60, golden_icmp, sizeof(golden_icmp));
	build(NKT_METHOD_UDP, 60, &k, 5, 0x1234, pkt, &f);
	dump("GOLDEN_UDP", pkt, 60);
	CHECK_BYTES(pkt, 60, golden_udp, sizeof(golden_udp));
	build(NKT_METHOD_TCP, 40, &k, 5, 0x1234, pkt, &f);
	dump("GOLDEN_TCP", pkt, 40);
	CHECK_BYTES(pkt, 40, golden_tcp, sizeof(golden_tcp));
}

static void test_properties(void)
{
	struct nkt_key k = nkt_key_from_seed(7);
	uint16_t forbidden = nkt_probe_id_forbidden(&k, DST);
	uint8_t pkt[NKT_PROBE_MAX_SIZE];
	struct nkt_flow f;
	enum nkt_method m;
	uint32_t id;
	int fails[3] = {0, 0, 0};

	for (m = NKT_METHOD_ICMP; m <= NKT_METHOD_TCP; m++) {
		uint16_t size = m == NKT_METHOD_TCP ? 40 : 60;
		CHECK_INT(nkt_flow_init(&f, m, SRC, DST, 0, 0, 3, size, 0,
					NULL),
			  NKT_OK);
		CHECK_INT(nkt_wire_template(&f, pkt, sizeof(pkt), NULL),
			  NKT_OK);
		for (id = 1; id <= 0xffff; id++) {
			uint8_t *l4 = pkt + 20;
			uint16_t len = (uint16_t)(size - 20);
			int bad = 0;
			if (id == forbidden)
				continue;
			nkt_probe_patch(pkt, &f, &k, (uint8_t)(id % 30 + 1),
					(uint16_t)id);
			bad |= nkt_inet_cksum(pkt, 20) != 0;
			bad |= nkt_probe_ipid_id(&k, DST, nkt_get16(pkt + 4)) !=
			       id;
			bad |= nkt_get16(pkt + 4) == 0;
			bad |= pkt[8] != id % 30 + 1;
			bad |= nkt_get32(pkt + 12) != SRC;
			bad |= nkt_get32(pkt + 16) != DST;
			switch (m) {
			case NKT_METHOD_ICMP:
				bad |= l4[0] != 8 || l4[1] != 0;
				bad |= nkt_get16(l4 + 2) != f.icmp_cksum;
				bad |= nkt_inet_cksum(l4, len) != 0;
				bad |= nkt_get16(l4 + 4) != f.sport;
				bad |= nkt_get16(l4 + 6) != id;
				bad |= nkt_get16(l4 + 10) !=
				       nkt_probe_tag(&k, DST, (uint16_t)id);
				break;
			case NKT_METHOD_UDP:
				bad |= nkt_get16(l4) != 33437;
				bad |= nkt_get16(l4 + 2) != 33435;
				bad |= nkt_get16(l4 + 4) != len;
				bad |= nkt_get16(l4 + 6) != id;
				bad |= nkt_get16(l4 + 10) !=
				       nkt_probe_tag(&k, DST, (uint16_t)id);
				bad |= nkt_inet_fold(nkt_inet_sum(
					       l4, len,
					       nkt_inet_pseudo_sum(SRC, DST,
								   17, len))) !=
				       0xffff;
				break;
			case NKT_METHOD_TCP:
				bad |= nkt_get16(l4 + 2) != 80;
				bad |= (nkt_get32(l4 + 4) & 0xffff) != id;
				bad |= (nkt_get32(l4 + 4) >> 16) !=
				       nkt_probe_tag(&k, DST, (uint16_t)id);
				bad |= l4[13] != 0x02;
				bad |= nkt_inet_fold(nkt_inet_sum(
					       l4, len,
					       nkt_inet_pseudo_sum(SRC, DST, 6,
								   len))) !=
				       0xffff;
				break;
			}
			if (bad && fails[m]++ < 3)
				fprintf(stderr, "method %d id %u bad\n", m, id);
		}
		CHECK_INT(fails[m], 0);
	}
}

/* The IP ID copy is a permutation of the ids for each destination, and
 * not a linear one: the copy of id+1 is not the copy of id plus 1. */
static void test_ipid_permutation(void)
{
	struct nkt_key k = nkt_key_from_seed(5);
	static uint8_t seen[65536];
	uint32_t id, dup = 0, linear = 0;
	uint32_t dsts[3] = {DST, 0xaf2db10au, 0x01020304u};

	for (int d = 0; d < 3; d++) {
		memset(seen, 0, sizeof(seen));
		for (id = 0; id <= 0xffff; id++) {
			uint16_t c = nkt_probe_ipid(&k, dsts[d], (uint16_t)id);
			dup += seen[c]++;
			if (nkt_probe_ipid_id(&k, dsts[d], c) != id)
				dup++;
			if (id < 0xffff &&
			    nkt_probe_ipid(&k, dsts[d], (uint16_t)(id + 1)) ==
				    (uint16_t)(c + 1))
				linear++;
		}
		CHECK_INT(nkt_probe_ipid(&k, dsts[d],
					 nkt_probe_id_forbidden(&k, dsts[d])),
			  0);
	}
	CHECK_INT(dup, 0);
	/* A random permutation maps id+1 to copy+1 about once in 65536. */
	CHECK(linear < 20);
	printf("ipid permutation: id+1 -> copy+1 for %u of %u ids\n", linear,
	       3 * 65535);
}

static void test_flow(void)
{
	struct nkt_flow f;
	struct nkt_err err;
	enum nkt_method m;

	CHECK_INT(nkt_flow_init(&f, NKT_METHOD_TCP, SRC, DST, 0, 443, 2, 40,
				0, NULL),
		  NKT_OK);
	CHECK_INT(f.sport, 33436);
	CHECK_INT(f.dport, 443);
	CHECK_INT(nkt_flow_init(&f, NKT_METHOD_UDP, SRC, DST, 5000, 0, 1, 60,
				0, NULL),
		  NKT_OK);
	CHECK_INT(f.sport, 5000);
	CHECK_INT(f.dport, 33435);
	CHECK_INT(nkt_flow_init(&f, NKT_METHOD_TCP, SRC, DST, 0, 0, 1, 39, 0,
				&err),
		  NKT_EINVAL);
	CHECK_INT(nkt_flow_init(&f, NKT_METHOD_ICMP, SRC, DST, 0, 0, 1, 31, 0,
				&err),
		  NKT_EINVAL);
	CHECK_INT(nkt_flow_init(&f, NKT_METHOD_UDP, SRC, DST, 0, 0, 1, 31, 0,
				&err),
		  NKT_EINVAL);
	CHECK_INT(nkt_flow_init(&f, NKT_METHOD_UDP, SRC, DST, 0, 0, 1, 1501,
				0, &err),
		  NKT_EINVAL);
	CHECK_INT(nkt_flow_init(&f, NKT_METHOD_UDP, SRC, DST, 0, 0, 0, 60, 0,
				&err),
		  NKT_EINVAL);
	CHECK_INT(nkt_method_parse("tcp", &m), NKT_OK);
	CHECK_INT(m, NKT_METHOD_TCP);
	CHECK_INT(nkt_method_parse("udp-paris", &m), NKT_OK);
	CHECK_INT(m, NKT_METHOD_UDP);
	CHECK_INT(nkt_method_parse("ICMP", &m), NKT_EINVAL);
	CHECK_INT(nkt_method_parse("", &m), NKT_EINVAL);
	CHECK_INT(nkt_method_parse("tcpack", &m), NKT_EINVAL);
	/* Two paris ids give two different flows. */
	{
		struct nkt_flow a, b;
		nkt_flow_init(&a, NKT_METHOD_ICMP, SRC, DST, 0, 0, 1, 60, 0,
			      NULL);
		nkt_flow_init(&b, NKT_METHOD_ICMP, SRC, DST, 0, 0, 2, 60, 0,
			      NULL);
		CHECK(a.icmp_cksum != b.icmp_cksum);
		CHECK(a.sport != b.sport);
	}
}

/* libnet's Ethernet and ARP frames, byte for byte (RFC 826 layout). */
static void test_wire_frames(void)
{
	static const uint8_t us[6] = {2, 0, 0, 0, 0, 1},
			     gw[6] = {2, 0, 0, 0, 0, 2};
	static const uint8_t ether[14] = {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1,
					  0x08, 0x00};
	static const uint8_t arp[42] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 1, 0x08,
		0x06, 0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x01, 2, 0, 0, 0, 0,
		1, 10, 0, 0, 1, 0, 0, 0, 0, 0, 0, 10, 0, 0, 2};
	uint8_t buf[64];
	size_t len = 0;

	memset(buf, 0xee, sizeof(buf));
	CHECK_INT(nkt_wire_ether(gw, us, buf, NULL), NKT_OK);
	CHECK(memcmp(buf, ether, sizeof(ether)) == 0);
	CHECK_INT(buf[14], 0xee); /* nothing written beyond the header */
	CHECK_INT(nkt_wire_arp_request(us, 0x0a000001u, 0x0a000002u, buf,
				       sizeof(buf), &len, NULL),
		  NKT_OK);
	CHECK_INT(len, 42);
	CHECK(memcmp(buf, arp, sizeof(arp)) == 0);
	CHECK_INT(nkt_wire_arp_request(us, 1, 2, buf, 41, &len, NULL),
		  NKT_ESYS); /* no room */
}

int main(void)
{
	test_golden();
	test_wire_frames();
	test_properties();
	test_ipid_permutation();
	test_flow();
	return nkt_test_done("test_probe");
}
