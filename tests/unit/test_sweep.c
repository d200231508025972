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
		CHECK_INT(nkt_sweep_plan_init(&p, t, sizes[s], 1, 16, SRC,
					      &key, &err),
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
	uint8_t pkt[NKT_SWEEP_SIZE];
	uint64_t probe;
	uint16_t id0 = 0, ck0 = 0;
	int kind, ttl;

	CHECK_INT(nkt_sweep_plan_init(&p, t, 50, 1, 20, SRC, &key, &err), 0);
	CHECK_INT(nkt_sweep_plan_init(&q, t, 50, 1, 20, SRC, &other, &err),
		  0);
	for (ttl = 1; ttl <= 20; ttl++) {
		uint64_t pr = 7 * p.ttls + (uint64_t)(ttl - 1);
		uint8_t te[28 + NKT_SWEEP_SIZE], er[NKT_SWEEP_SIZE];
		struct nkt_reply r;
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
		/* trace's keyed fields: the IP ID and the tag of the probe
		 * id in the sequence, the flow's identifier and checksum */
		{
			struct nkt_flow f;
			uint16_t id = nkt_get16(pkt + 26);
			nkt_sweep_flow(&p, t[7], &f);
			CHECK_INT(id & 0xff, ttl);
			CHECK_INT(nkt_get16(pkt + 4),
				  nkt_probe_ipid(&key, t[7], id));
			CHECK_INT(nkt_get16(pkt + 30),
				  nkt_probe_tag(&key, t[7], id));
			CHECK_INT(f.sport, id0);
			CHECK_INT(f.icmp_cksum, ck0);
			CHECK(nkt_get16(pkt + 4) != 0);
			CHECK_INT(pkt[0], 0x45);
			CHECK_INT(nkt_get16(pkt + 2), NKT_SWEEP_SIZE);
			CHECK_INT(pkt[9], 1);
			CHECK_INT(pkt[20], 8);
		}

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
	CHECK_INT(nkt_sweep_plan_init(&p, t, 0, 1, 20, SRC, &key, &err),
		  NKT_EINVAL);
	CHECK_INT(nkt_sweep_plan_init(&p, t, 50, 5, 4, SRC, &key, &err),
		  NKT_EINVAL);
	t[3] = t[2];
	CHECK_INT(nkt_sweep_plan_init(&p, t, 50, 1, 4, SRC, &key, &err),
		  NKT_EINVAL);
	free(t);
}

/* The reply a router at the probe's TTL (kind 11) or the target (echo
 * reply) would send, as the decoder gives it. */
static struct nkt_reply answer(const struct nkt_sweep_plan *p, uint64_t pr,
			       int echo, uint32_t from)
{
	uint8_t pkt[NKT_SWEEP_SIZE];
	struct nkt_reply r;

	nkt_sweep_encode(p, pr, pkt);
	memset(&r, 0, sizeof(r));
	r.kind = echo ? NKT_REPLY_ECHO_REPLY : NKT_REPLY_TTL_EXCEEDED;
	r.icmp_type = echo ? 0 : 11;
	r.src = from;
	r.dst = SRC;
	r.ttl = 60;
	r.flags = NKT_RF_QUOTE | NKT_RF_QUOTE_L4 | NKT_RF_TAG;
	r.q_proto = 1;
	r.q_src = SRC;
	r.q_dst = nkt_get32(pkt + 16);
	r.q_ipid = echo ? 0 : nkt_get16(pkt + 4);
	r.q_sport = nkt_get16(pkt + 24);
	r.q_xid = nkt_get16(pkt + 26);
	r.q_tag = nkt_get16(pkt + 30);
	return r;
}

/* A probe id whose IP ID would be 0 (Linux replaces it) is never sent:
 * the target's other high byte is used for that TTL, and it matches. */
static void test_no_zero_ipid(void)
{
	struct nkt_key key = nkt_key_from_seed(5);
	struct nkt_sweep_plan p;
	struct nkt_err err;
	size_t n = 3000, i, moved = 0;
	uint32_t *t = targets(n, 0x0a000000u);

	CHECK_INT(nkt_sweep_plan_init(&p, t, n, 1, 255, SRC, &key, &err), 0);
	for (i = 0; i < n; i++) {
		unsigned k, hi0 = 0, zero = 0, bad = 0, other = 0;
		for (k = 0; k < p.ttls; k++) {
			uint8_t pkt[NKT_SWEEP_SIZE];
			uint64_t pr = (uint64_t)i * p.ttls + k, got;
			struct nkt_reply r = answer(&p, pr, 0, 1);
			int kind;
			nkt_sweep_encode(&p, pr, pkt);
			zero += nkt_get16(pkt + 4) == 0;
			if (k == 0)
				hi0 = pkt[26];
			other += pkt[26] != hi0;
			bad += nkt_sweep_match(&p, &r, &got, &kind) != 0 ||
			       got != pr;
		}
		CHECK(zero == 0 && bad == 0 && other <= 1);
		moved += other != 0;
	}
	/* about one target in 256 meets its forbidden id */
	CHECK(moved >= 2 && moved <= 40);
	free(t);
}

/* The capture's record: the first answer of a probe kept with its RTT
 * from the send-time table, later ones counted as duplicates, answers to
 * unsent probes and forgeries as invalid, others' as ignored; traces and
 * counts from the tables. */
static void test_record_and_trace(void)
{
	struct nkt_key key = nkt_key_from_seed(9);
	struct nkt_sweep_plan p;
	struct nkt_sweep_tables tab;
	struct nkt_sweep_counts c;
	struct nkt_trace tr;
	struct nkt_err err;
	struct nkt_reply r;
	uint32_t *t = targets(4, 0xaf2db000u);
	uint64_t reached, routers;
	unsigned k;

	CHECK_INT(nkt_sweep_plan_init(&p, t, 4, 1, 5, SRC, &key, &err), 0);
	nkt_sweep_tables_init(&tab, &p);
	tab.start_us = 1000000;
	memset(&c, 0, sizeof(c));
	/* Target 1: TTLs 1-3 sent at +10 us and answered by routers 2 ms
	 * later, TTL 4 by the target, TTL 5 sent and unanswered. */
	for (k = 0; k < 5; k++)
		atomic_store(&tab.tx_us[5 + k], 11);
	for (k = 0; k < 3; k++) {
		r = answer(&p, 5 + k, 0, 0x0a000001u + k);
		nkt_sweep_record(&p, &tab, &r, 1000010 + 2000, &c);
	}
	r = answer(&p, 8, 1, t[1]);
	nkt_sweep_record(&p, &tab, &r, 1000010 + 2500, &c);
	nkt_sweep_record(&p, &tab, &r, 1000010 + 2600, &c); /* again */
	CHECK_U64(c.matched, 4);
	CHECK_U64(c.dups, 1);
	CHECK_INT(tab.res[8].dups, 1);
	CHECK_INT(tab.res[5].rtt_us, 2000);
	CHECK_INT(tab.res[8].rtt_us, 2500);
	CHECK_U64(c.by_kind[NKT_SWEEP_TTL_EXCEEDED], 3);
	CHECK_U64(c.by_kind[NKT_SWEEP_ECHO_REPLY], 1);
	/* Target 2 was never sent to: its answers are not ours. */
	r = answer(&p, 10, 0, 0x0a000001u);
	nkt_sweep_record(&p, &tab, &r, 1000010, &c);
	CHECK_U64(c.invalid, 1);
	/* A forged IP ID, and a stranger. */
	r = answer(&p, 9, 0, 0x0a000009u);
	r.q_ipid ^= 1;
	nkt_sweep_record(&p, &tab, &r, 1000010, &c);
	CHECK_U64(c.invalid, 2);
	r.q_dst = 0x08080808u;
	nkt_sweep_record(&p, &tab, &r, 1000010, &c);
	CHECK_U64(c.ignored, 1);
	CHECK_INT(tab.res[9].kind, 0);

	nkt_sweep_trace(&p, &tab, 1, &tr);
	CHECK(tr.flow.dst == t[1] && tr.flow.src == SRC);
	CHECK_INT(tr.stop_reason, NKT_STOP_COMPLETED);
	CHECK_INT(tr.stop_hop, 4);
	CHECK_INT(tr.n, 4);
	CHECK_INT(tr.replies, 4);
	CHECK_U64(tr.r[0].tx_ns, 1000010ULL * 1000);
	CHECK_U64(tr.r[0].rtt_ns, 2000000);
	CHECK(tr.r[3].flags == (NKT_PF_REPLY | NKT_PF_RTT_CLOCK));
	CHECK_INT(tr.r[3].kind, NKT_REPLY_ECHO_REPLY);
	free(tr.r);
	nkt_sweep_trace(&p, &tab, 2, &tr);
	CHECK_INT(tr.stop_reason, NKT_STOP_HOPLIMIT);
	CHECK_INT(tr.sent, 0);
	CHECK_INT(tr.replies, 0);
	free(tr.r);
	nkt_sweep_reach(&p, &tab, &reached, &routers);
	CHECK_U64(reached, 1);
	CHECK_U64(routers, 3);
	nkt_sweep_tables_free(&tab);
	free(t);
}

int main(void)
{
	test_walk();
	test_encode_and_match();
	test_no_zero_ipid();
	test_record_and_trace();
	return nkt_test_done("test_sweep");
}
