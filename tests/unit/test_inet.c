// SPDX-License-Identifier: ISC
/* test_inet.c: address text, checksums (RFC 1071), SipHash-2-4 vectors. */
#include "nkt_test.h"
#include "nktrace/common.h"
#include "nktrace/inet.h"
#include "nktrace/keyhash.h"

static void test_parse(void)
{
	static const struct {
		const char *in;
		int ok;
		uint32_t want;
	} rows[] = {
		{"0.0.0.0", 1, 0},
		{"255.255.255.255", 1, 0xffffffffu},
		{"175.45.176.71", 1, 0xaf2db047u},
		{"10.0.0.1", 1, 0x0a000001u},
		{"", 0, 0},
		{"1.2.3", 0, 0},
		{"1.2.3.4.5", 0, 0},
		{"256.1.1.1", 0, 0},
		{"1.2.3.256", 0, 0},
		{"01.2.3.4", 0, 0},
		{"1..2.3", 0, 0},
		{" 1.2.3.4", 0, 0},
		{"1.2.3.4 ", 0, 0},
		{"a.b.c.d", 0, 0},
		{"1.2.3.-4", 0, 0},
		{"1.2.3.4/", 0, 0},
		{"0x1.2.3.4", 0, 0},
		{"1.2.3.4444", 0, 0},
		{"1.2.3.", 0, 0},
		{".1.2.3", 0, 0},
		{"1,2,3,4", 0, 0},
	};
	size_t i;
	for (i = 0; i < NKT_ARRAY_LEN(rows); i++) {
		uint32_t a = 7;
		int rc = nkt_inet_parse(rows[i].in, &a);
		CHECK_INT(rc == NKT_OK, rows[i].ok);
		if (rows[i].ok) {
			char buf[NKT_INET_ADDRSTRLEN];
			CHECK_U64(a, rows[i].want);
			CHECK_STR(nkt_inet_fmt(a, buf), rows[i].in);
		}
	}
	CHECK_INT(nkt_inet_parse(NULL, &(uint32_t){0}), NKT_EINVAL);
}

static void test_cksum(void)
{
	/* RFC 1071 section 3: the sum of these words is ddf2. */
	static const uint8_t d[] = {0x00, 0x01, 0xf2, 0x03,
				    0xf4, 0xf5, 0xf6, 0xf7};
	static const uint8_t odd[] = {0x01, 0x02, 0x03};
	uint8_t hdr[20] = {0x45, 0, 0, 0x3c, 0x1c, 0x46, 0x40, 0, 0x40, 6,
			   0,	 0, 0xac, 0x10, 0x0a, 0x63, 0xac, 0x10,
			   0x0a, 0x0c};
	CHECK_INT(nkt_inet_fold(nkt_inet_sum(d, sizeof(d), 0)), 0xddf2);
	CHECK_INT(nkt_inet_cksum(d, sizeof(d)), 0x220d);
	CHECK_INT(nkt_inet_fold(nkt_inet_sum(odd, 3, 0)), 0x0402);
	/* A classic IPv4 header example: checksum b1e6. */
	CHECK_INT(nkt_inet_cksum(hdr, 20), 0xb1e6);
	nkt_put16(hdr + 10, 0xb1e6);
	CHECK_INT(nkt_inet_cksum(hdr, 20), 0);
	CHECK(nkt_inet_is_unicast(0xaf2db047u));
	CHECK(!nkt_inet_is_unicast(0x7f000001u));
	CHECK(!nkt_inet_is_unicast(0xe0000001u));
	CHECK(!nkt_inet_is_unicast(0xffffffffu));
	CHECK(!nkt_inet_is_unicast(0x00000001u));
}

static void test_siphash(void)
{
	/* Vectors from the SipHash paper's appendix: key 00..0f, message
	 * 00..(n-1). */
	struct nkt_key k;
	uint8_t m[64];
	size_t i;
	k.k0 = 0x0706050403020100ULL;
	k.k1 = 0x0f0e0d0c0b0a0908ULL;
	for (i = 0; i < sizeof(m); i++)
		m[i] = (uint8_t)i;
	CHECK_U64(nkt_keyhash(&k, m, 0), 0x726fdb47dd0e0e31ULL);
	CHECK_U64(nkt_keyhash(&k, m, 1), 0x74f839c593dc67fdULL);
	CHECK_U64(nkt_keyhash(&k, m, 8), 0x93f5f5799a932462ULL);
	CHECK_U64(nkt_keyhash(&k, m, 15), 0xa129ca6149be45e5ULL);
	CHECK_U64(nkt_keyhash(&k, m, 63), 0x958a324ceb064572ULL);
	/* Seeds give fixed, distinct keys. */
	{
		struct nkt_key a = nkt_key_from_seed(1), b = nkt_key_from_seed(1),
			       c = nkt_key_from_seed(2);
		CHECK(a.k0 == b.k0 && a.k1 == b.k1);
		CHECK(a.k0 != c.k0);
	}
}

int main(void)
{
	test_parse();
	test_cksum();
	test_siphash();
	return nkt_test_done("test_inet");
}
