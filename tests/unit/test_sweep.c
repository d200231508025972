// SPDX-License-Identifier: ISC
/*
 * test_sweep.c: the sweep's walk is a permutation of the (target, TTL)
 * space that spreads consecutive probes; every probe is a valid ICMP echo
 * request with the target's constant identifier and checksum (Paris); a
 * router's time-exceeded quoting it and the target's echo reply are
 * decoded and matched back to exactly that probe; forged or foreign
 * replies are not.
 */
#include "nkt_test.h"
#include "nktrace/inet.h"
#include "nktrace/sweep.h"

#define SRC 0xc000020au /* 192.0.2.10 */

static uint32_t *targets(size_t n, uint32_t base)
{
	uint32_t *t = nkt_xcalloc(n, sizeof(*t));
	size_t i;
	for (i = 0; i < n; i++)
		t[i] = base + (uint32_t)i * 3;
	return t;
}

static void test_walk(void)
{
	static const size_t sizes[] = {1, 2, 7, 100, 1000, 4096, 10007};
	struct nkt_key key = nkt_key_from_seed(7);
	size_t s;

	for (s = 0; s < NKT_ARRAY_LEN(sizes); s++) {
		struct nkt_sweep_plan p;
		struct nkt_err err;
		uint32_t *t = targets(sizes[s], 0xc6120000u);
		uint8_t *seen;
		uint64_t pos = 0, probe, n = 0, same_target = 0, last = UINT64_MAX;
		int dup = 0, range = 0;
		CHECK_INT(nkt_sweep_plan_init(&p, t, sizes[s], 1, 16, &key,
					      &err),
			  0);
		seen = nkt_xcalloc(p.probes, 1);
		while (nkt_sweep_next(&p, &pos, &probe)) {
			if (probe >= p.probes) {
				range = 1;
				continue;
			}
			dup |= seen[probe]++;
			if (last != UINT64_MAX &&
			    probe / p.ttls == last / p.ttls)
				same_target++;
			last = probe;
			n++;
		}
		CHECK_U64(n, p.probes);
		CHECK(!dup && !range);
		/* Random order: a target follows itself about once in
		 * n_targets steps, never in runs. */
		if (sizes[s] >= 100)
			CHECK(same_target < 3 * n / sizes[s] + 10);
		free(seen);
		free(t);
	}
}

static void test_encode_and_match(void)
{
	struct nkt_key key = nkt_key_from_seed(11), other = nkt_key_from_seed(12);
	struct nkt_sweep_plan p, q;
	struct nkt_err err;
	uint32_t *t = targets(50, 0xaf2db000u);
	uint8_t pkt[NKT_SWEEP_SIZE], tmpl[NKT_SWEEP_SIZE];
	uint64_t probe;
	uint16_t id0 = 0, ck0 = 0;
	int kind, ttl;

	CHECK_INT(nkt_sweep_plan_init(&p, t, 50, 1, 20, &key, &err), 0);
	CHECK_INT(nkt_sweep_plan_init(&q, t, 50, 1, 20, &other, &err), 0);
	nkt_sweep_template(SRC, tmpl);
	for (ttl = 1; ttl <= 20; ttl++) {
		uint64_t pr = 7 * p.ttls + (uint64_t)(ttl - 1);
		uint8_t te[28 + NKT_SWEEP_SIZE], er[NKT_SWEEP_SIZE];
		struct nkt_reply r;
		memcpy(pkt, tmpl, sizeof(pkt));
		nkt_sweep_encode(&p, pr, pkt);
		CHECK_INT(nkt_inet_cksum(pkt, 20), 0);
		CHECK_INT(nkt_inet_cksum(pkt + 20, NKT_SWEEP_SIZE - 20), 0);
		CHECK_INT(pkt[8], ttl);
		CHECK(nkt_get32(pkt + 16) == t[7]);
		CHECK(nkt_get32(pkt + 12) == SRC);
		if (ttl == 1) {
			id0 = nkt_get16(pkt + 24);
			ck0 = nkt_get16(pkt + 22);
		}
		CHECK_INT(nkt_get16(pkt + 24), id0); /* Paris: constant */
		CHECK_INT(nkt_get16(pkt + 22), ck0);

		/* A router's time exceeded quoting the whole probe. */
		memset(te, 0, sizeof(te));
		te[0] = 0x45;
		nkt_put16(te + 2, sizeof(te));
		te[8] = 64;
		te[9] = 1;
		nkt_put32(te + 12, 0x0a000001u + (uint32_t)ttl);
		nkt_put32(te + 16, SRC);
		nkt_put16(te + 10, (uint16_t)~nkt_inet_cksum(te, 20));
		te[20] = 11;
		memcpy(te + 28, pkt, NKT_SWEEP_SIZE);
		te[28 + 8] = 1; /* the TTL as the router saw it */
		nkt_put16(te + 22, nkt_inet_cksum(te + 20, sizeof(te) - 20));
		CHECK_INT(nkt_reply_decode(te, sizeof(te), 0, NKT_DLT_RAW, &r),
			  0);
		CHECK_INT(nkt_sweep_match(&p, &r, &probe, &kind), 0);
		CHECK_U64(probe, pr);
		CHECK_INT(kind, NKT_SWEEP_TTL_EXCEEDED);
		/* Another run's key: the same reply is not ours. */
		CHECK_INT(nkt_sweep_match(&q, &r, &probe, &kind), NKT_EINVAL);
		/* A forged quote: right target and sequence, IP ID off. */
		r.q_ipid ^= 0x0100;
		CHECK_INT(nkt_sweep_match(&p, &r, &probe, &kind), NKT_EINVAL);
		r.q_ipid ^= 0x0100;
		r.q_tag ^= 1;
		CHECK_INT(nkt_sweep_match(&p, &r, &probe, &kind), NKT_EINVAL);
		r.q_tag ^= 1;
		r.q_dst = 0x08080808u; /* not a target */
		CHECK_INT(nkt_sweep_match(&p, &r, &probe, &kind), NKT_EIGNORE);

		/* The target's echo reply. */
		memcpy(er, pkt, sizeof(er));
		nkt_put32(er + 12, t[7]);
		nkt_put32(er + 16, SRC);
		er[8] = 60;
		nkt_put16(er + 10, 0);
		nkt_put16(er + 10, (uint16_t)~nkt_inet_cksum(er, 20));
		er[20] = 0;
		nkt_put16(er + 22, 0);
		nkt_put16(er + 22, nkt_inet_cksum(er + 20, sizeof(er) - 20));
		CHECK_INT(nkt_reply_decode(er, sizeof(er), 0, NKT_DLT_RAW, &r),
			  0);
		CHECK_INT(nkt_sweep_match(&p, &r, &probe, &kind), 0);
		CHECK_U64(probe, pr);
		CHECK_INT(kind, NKT_SWEEP_ECHO_REPLY);
		CHECK_INT(nkt_sweep_match(&q, &r, &probe, &kind), NKT_EINVAL);
	}
	CHECK_INT(nkt_sweep_plan_init(&p, t, 0, 1, 20, &key, &err), NKT_EINVAL);
	CHECK_INT(nkt_sweep_plan_init(&p, t, 50, 5, 4, &key, &err), NKT_EINVAL);
	t[3] = t[2];
	CHECK_INT(nkt_sweep_plan_init(&p, t, 50, 1, 4, &key, &err), NKT_EINVAL);
	free(t);
}

int main(void)
{
	test_walk();
	test_encode_and_match();
	return nkt_test_done("test_sweep");
}
