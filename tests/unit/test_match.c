// SPDX-License-Identifier: ISC
/*
 * test_match.c: the in-flight table and the rules that decide what a reply
 * answers.  Genuine replies match; foreign, stale, forged and rewritten ones
 * do not.
 */
#include "nkt_test.h"
#include "nktrace/match.h"
#include "nktrace/wire.h"
#include "pkt.h"

#define VP 0xc000020au
#define DST 0xaf2db047u
#define OTHER 0xaf2db10au
#define ROUTER 0x3d31ac01u

static struct nkt_key key;

static void make_probe(enum nkt_method m, uint32_t dst, uint16_t id,
		       uint8_t *pkt, struct nkt_flow *f)
{
	nkt_flow_init(f, m, VP, dst, 0, 0, 1, m == NKT_METHOD_TCP ? 40 : 60, 0,
		      NULL);
	nkt_wire_template(f, pkt, NKT_PROBE_MAX_SIZE, NULL);
	nkt_probe_patch(pkt, f, &key, 5, id);
}

static int resolve_ip(struct nkt_match *m, const uint8_t *ip, size_t len,
		      struct nkt_match_out *mo)
{
	struct nkt_reply r;
	if (nkt_reply_decode_ip(ip, len, 0, &r) != NKT_OK)
		return -1;
	return nkt_match_resolve(m, &key, &r, mo);
}

static void test_rules(void)
{
	struct nkt_match *m = nkt_xcalloc(1, sizeof(*m));
	uint8_t p[NKT_PROBE_MAX_SIZE], q[400];
	struct nkt_match_out mo;
	struct nkt_flow f;
	uint16_t id;
	size_t n;

	nkt_match_init(m);
	for (enum nkt_method meth = NKT_METHOD_ICMP; meth <= NKT_METHOD_TCP;
	     meth++) {
		make_probe(meth, DST, 0, p, &f);
		CHECK_INT(nkt_match_alloc(m, &f, 5, 1,
					  nkt_probe_id_forbidden(&key, DST), 100,
					  &id),
			  NKT_OK);
		nkt_probe_patch(p, &f, &key, 5, id);
		p[8] = 1;
		/* Genuine time exceeded. */
		n = pkt_icmp_error(q, ROUTER, VP, 11, 0, p, 28, NULL, 0, 0, 60);
		CHECK_INT(resolve_ip(m, q, n, &mo), NKT_MATCH_OK);
		CHECK_INT(mo.id, id);
		CHECK_INT(mo.from_ipid, 0);
		/* Wrong id: the transport copy names another slot. */
		{
			uint8_t w[NKT_PROBE_MAX_SIZE];
			memcpy(w, p, sizeof(w));
			nkt_probe_patch(w, &f, &key, 1, (uint16_t)(id + 1));
			n = pkt_icmp_error(q, ROUTER, VP, 11, 0, w, 28, NULL, 0,
					   0, 60);
			CHECK_INT(resolve_ip(m, q, n, &mo), NKT_MATCH_FOREIGN);
			/* Right transport id, IP ID of another id: forged. */
			nkt_put16(w + 4, nkt_get16(p + 4) ^ 0x0100);
			memcpy(w + 20, p + 20, 8);
			n = pkt_icmp_error(q, ROUTER, VP, 11, 0, w, 28, NULL, 0,
					   0, 60);
			CHECK_INT(resolve_ip(m, q, n, &mo), NKT_MATCH_INVALID);
		}
		/* Quoted destination rewritten (sniffed-and-edited or a NAT):
		 * reported as edst, never an answer. */
		{
			uint8_t w[NKT_PROBE_MAX_SIZE];
			memcpy(w, p, sizeof(w));
			nkt_put32(w + 16, OTHER);
			n = pkt_icmp_error(q, ROUTER, VP, 11, 0, w, 28, NULL, 0,
					   0, 60);
			CHECK_INT(resolve_ip(m, q, n, &mo), NKT_MATCH_EDST);
			/* ... and without the keyed IP ID: invalid. */
			nkt_put16(w + 4, 0x7777);
			n = pkt_icmp_error(q, ROUTER, VP, 11, 0, w, 28, NULL, 0,
					   0, 60);
			CHECK(resolve_ip(m, q, n, &mo) != NKT_MATCH_OK);
		}
		/* Another flow (source port / ICMP identifier). */
		{
			uint8_t w[NKT_PROBE_MAX_SIZE];
			memcpy(w, p, sizeof(w));
			w[20 + (meth == NKT_METHOD_ICMP ? 5 : 1)] ^= 1;
			n = pkt_icmp_error(q, ROUTER, VP, 11, 0, w, 28, NULL, 0,
					   0, 60);
			CHECK_INT(resolve_ip(m, q, n, &mo), NKT_MATCH_FOREIGN);
			/* Another source address: another host's probe. */
			memcpy(w, p, sizeof(w));
			nkt_put32(w + 12, VP + 1);
			n = pkt_icmp_error(q, ROUTER, VP, 11, 0, w, 28, NULL, 0,
					   0, 60);
			CHECK_INT(resolve_ip(m, q, n, &mo), NKT_MATCH_FOREIGN);
		}
		/* States: answered -> dup / conflict; expired -> late. */
		nkt_match_set_state(m, id, NKT_SLOT_ANSWERED);
		m->slot[id].from = ROUTER;
		n = pkt_icmp_error(q, ROUTER, VP, 11, 0, p, 28, NULL, 0, 0, 60);
		CHECK_INT(resolve_ip(m, q, n, &mo), NKT_MATCH_DUP);
		n = pkt_icmp_error(q, ROUTER + 1, VP, 11, 0, p, 28, NULL, 0, 0,
				   60);
		CHECK_INT(resolve_ip(m, q, n, &mo), NKT_MATCH_CONFLICT);
		nkt_match_set_state(m, id, NKT_SLOT_EXPIRED);
		n = pkt_icmp_error(q, ROUTER, VP, 11, 0, p, 28, NULL, 0, 0, 60);
		CHECK_INT(resolve_ip(m, q, n, &mo), NKT_MATCH_LATE);
		nkt_match_set_state(m, id, NKT_SLOT_CANCELLED);
		CHECK_INT(resolve_ip(m, q, n, &mo), NKT_MATCH_CANCELLED);
		nkt_match_set_state(m, id, NKT_SLOT_FREE);
		CHECK_INT(resolve_ip(m, q, n, &mo), NKT_MATCH_FOREIGN);
	}
	CHECK_INT(m->inflight, 0);

	/* Echo reply and TCP answers come from the destination itself. */
	make_probe(NKT_METHOD_ICMP, DST, 0, p, &f);
	nkt_match_alloc(m, &f, 12, 1, nkt_probe_id_forbidden(&key, DST), 1, &id);
	nkt_probe_patch(p, &f, &key, 12, id);
	pkt_echo_reply(q, p, 60, 50);
	CHECK_INT(resolve_ip(m, q, 60, &mo), NKT_MATCH_OK);
	nkt_put32(q + 12, OTHER); /* from another host */
	nkt_put16(q + 10, 0);
	nkt_put16(q + 10, nkt_inet_cksum(q, 20));
	CHECK(resolve_ip(m, q, 60, &mo) != NKT_MATCH_OK);
	pkt_echo_reply(q, p, 60, 50);
	q[31] ^= 0xff; /* the keyed tag in the payload */
	nkt_put16(q + 22, 0);
	nkt_put16(q + 22, nkt_inet_cksum(q + 20, 40));
	CHECK_INT(resolve_ip(m, q, 60, &mo), NKT_MATCH_INVALID);

	make_probe(NKT_METHOD_TCP, DST, 0, p, &f);
	nkt_match_alloc(m, &f, 12, 1, nkt_probe_id_forbidden(&key, DST), 1, &id);
	nkt_probe_patch(p, &f, &key, 12, id);
	pkt_tcp_answer(q, p, 0x12, 50);
	CHECK_INT(resolve_ip(m, q, 40, &mo), NKT_MATCH_OK);
	pkt_tcp_answer(q, p, 0x14, 50);
	CHECK_INT(resolve_ip(m, q, 40, &mo), NKT_MATCH_OK);
	/* A guessed acknowledgment number: the keyed tag does not hold. */
	nkt_put32(q + 28, nkt_get32(q + 28) ^ 0x00010000u);
	CHECK_INT(resolve_ip(m, q, 40, &mo), NKT_MATCH_INVALID);

	/* UDP with a zeroed checksum (middlebox): the IP ID copy. */
	make_probe(NKT_METHOD_UDP, DST, 0, p, &f);
	nkt_match_alloc(m, &f, 7, 1, nkt_probe_id_forbidden(&key, DST), 1, &id);
	nkt_probe_patch(p, &f, &key, 7, id);
	nkt_put16(p + 26, 0);
	n = pkt_icmp_error(q, ROUTER, VP, 11, 0, p, 28, NULL, 0, 0, 60);
	CHECK_INT(resolve_ip(m, q, n, &mo), NKT_MATCH_OK);
	CHECK_INT(mo.id, id);
	CHECK_INT(mo.from_ipid, 1);
	free(m);
}

/* A forger who saw probe `id` and quotes it with both id copies edited to
 * id+1 (the neighbouring probe, in flight too) is caught by the keyed IP
 * ID permutation, except about once in 65536 (fixed key: deterministic). */
static void test_edited_id(void)
{
	struct nkt_match *m = nkt_xcalloc(1, sizeof(*m));
	uint8_t p[NKT_PROBE_MAX_SIZE], q[400];
	struct nkt_match_out mo;
	struct nkt_flow f;
	uint16_t id;
	int i, ok = 0;

	nkt_match_init(m);
	make_probe(NKT_METHOD_UDP, DST, 0, p, &f);
	for (i = 0; i < 20000; i++)
		nkt_match_alloc(m, &f, 3, 1, nkt_probe_id_forbidden(&key, DST),
				1, &id);
	for (i = 1; i < 19999; i++) {
		size_t n;
		nkt_probe_patch(p, &f, &key, 1, (uint16_t)i);
		nkt_put16(p + 4, (uint16_t)(nkt_get16(p + 4) + 1));
		nkt_put16(p + 26, (uint16_t)(nkt_get16(p + 26) + 1));
		n = pkt_icmp_error(q, ROUTER, VP, 11, 0, p, 28, NULL, 0, 0, 60);
		if (resolve_ip(m, q, n, &mo) == NKT_MATCH_OK)
			ok++;
	}
	CHECK(ok <= 3);
	printf("edited-id forgeries accepted: %d of 19998 (8-byte quotes)\n",
	       ok);
	free(m);
}

static void test_alloc(void)
{
	struct nkt_match *m = nkt_xcalloc(1, sizeof(*m));
	struct nkt_flow f;
	uint16_t id, forbidden = 5, last = 0;
	uint32_t i, n = 0;
	int bad = 0;

	nkt_match_init(m);
	nkt_flow_init(&f, NKT_METHOD_UDP, VP, DST, 0, 0, 1, 60, 0, NULL);
	while (nkt_match_alloc(m, &f, 1, 1, forbidden, 0, &id) == NKT_OK) {
		bad |= id == 0 || id == forbidden || id <= last;
		last = id;
		n++;
	}
	CHECK_INT(bad, 0);
	CHECK_INT(n, NKT_MATCH_SLOTS - 2);
	CHECK_INT(m->inflight, n);
	/* Freeing one slot makes exactly that one available. */
	nkt_match_set_state(m, 300, NKT_SLOT_EXPIRED);
	CHECK_INT(nkt_match_alloc(m, &f, 1, 1, forbidden, 0, &id), NKT_OK);
	CHECK_INT(id, 300);
	CHECK_INT(m->slot[300].gen, 2);
	for (i = 1; i < NKT_MATCH_SLOTS; i++)
		if (m->slot[i].state == NKT_SLOT_INFLIGHT)
			nkt_match_set_state(m, (uint16_t)i, NKT_SLOT_FREE);
	CHECK_INT(m->inflight, 0);
	CHECK_STR(nkt_match_result_name(NKT_MATCH_EDST), "edst");
	free(m);
}

int main(void)
{
	key = nkt_key_from_seed(11);
	test_rules();
	test_edited_id();
	test_alloc();
	return nkt_test_done("test_match");
}
