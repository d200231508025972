// SPDX-License-Identifier: ISC
/*
 * test_reply.c: the reply decoder.  Replies built from the RFCs around
 * real probes (every kind, every unreachable code, extensions), every link
 * type, a truncation sweep, and golden summaries of the real sample pcaps.
 */
#include "nkt_test.h"
#include "nktrace/common.h"
#include "nktrace/probe.h"
#include "nktrace/reply.h"
#include "nktrace/wire.h"
#include "pkt.h"

#define VP 0xc000020au     /* 192.0.2.10 */
#define DST 0xaf2db047u    /* 175.45.176.71 */
#define ROUTER 0x3d31ac01u /* 61.49.172.1 */

static struct nkt_key key;

static size_t probe(enum nkt_method m, uint8_t ttl, uint16_t id,
		    uint8_t *pkt)
{
	struct nkt_flow f;
	uint16_t size = m == NKT_METHOD_TCP ? 40 : 60;
	nkt_flow_init(&f, m, VP, DST, 0, 0, 1, size, 0, NULL);
	nkt_wire_template(&f, pkt, NKT_PROBE_MAX_SIZE, NULL);
	nkt_probe_patch(pkt, &f, &key, ttl, id);
	return size;
}

static void test_kinds(void)
{
	uint8_t p[NKT_PROBE_MAX_SIZE], q[1600];
	struct nkt_reply r;
	enum nkt_method m;

	for (m = NKT_METHOD_ICMP; m <= NKT_METHOD_TCP; m++) {
		size_t plen = probe(m, 4, 0x0101, p), n;

		/* Time exceeded, quoting the probe as it arrived (TTL 1). */
		p[8] = 1;
		n = pkt_icmp_error(q, ROUTER, VP, 11, 0, p, 28, NULL, 0, 0, 60);
		CHECK_INT(nkt_reply_decode_ip(q, n, 0, &r), NKT_OK);
		CHECK_INT(r.kind, NKT_REPLY_TTL_EXCEEDED);
		CHECK_U64(r.src, ROUTER);
		CHECK_U64(r.dst, VP);
		CHECK_INT(r.ttl, 60);
		CHECK_INT(r.ipid, 0x4242);
		CHECK_INT(r.ip_len, n);
		CHECK_INT(r.ip_hl, 20);
		CHECK_U64(r.q_src, VP);
		CHECK_U64(r.q_dst, DST);
		CHECK_INT(r.q_proto, nkt_method_proto(m));
		CHECK_INT(r.q_ttl, 1);
		CHECK_INT(r.q_ipid, nkt_probe_ipid(&key, DST, 0x0101));
		CHECK_INT(r.q_len, plen);
		CHECK_INT(r.quote_len, 28);
		CHECK_INT(r.q_xid, 0x0101);
		CHECK_INT(r.q_sport, 33435);
		CHECK_INT(r.q_dport, m == NKT_METHOD_ICMP  ? 0
				     : m == NKT_METHOD_UDP ? 33435
							   : 80);
		CHECK(r.flags & NKT_RF_QUOTE_L4);
		CHECK_INT(!!(r.flags & NKT_RF_TAG), m == NKT_METHOD_TCP);
		if (m == NKT_METHOD_TCP)
			CHECK_INT(r.q_tag, nkt_probe_tag(&key, DST, 0x0101));

		/* Routers that quote the whole probe (Linux: up to 576 B). */
		n = pkt_icmp_error(q, ROUTER, VP, 11, 0, p, plen, NULL, 0, 0,
				   60);
		CHECK_INT(nkt_reply_decode_ip(q, n, 0, &r), NKT_OK);
		CHECK_INT(r.quote_len, plen);
		if (m != NKT_METHOD_TCP) {
			CHECK(r.flags & NKT_RF_TAG);
			CHECK_INT(r.q_tag, nkt_probe_tag(&key, DST, 0x0101));
		}

		/* The probe itself decodes as a probe. */
		probe(m, 4, 0x0101, p);
		CHECK_INT(nkt_reply_decode_ip(p, plen, 0, &r), NKT_OK);
		CHECK_INT(r.kind, NKT_REPLY_PROBE);
		CHECK_INT(r.q_ttl, 4);
		CHECK_INT(r.q_xid, 0x0101);
		CHECK_U64(r.q_dst, DST);
	}

	/* Echo reply from the destination. */
	probe(NKT_METHOD_ICMP, 12, 0x0203, p);
	pkt_echo_reply(q, p, 60, 51);
	CHECK_INT(nkt_reply_decode_ip(q, 60, 0, &r), NKT_OK);
	CHECK_INT(r.kind, NKT_REPLY_ECHO_REPLY);
	CHECK_U64(r.src, DST);
	CHECK_U64(r.q_dst, DST);
	CHECK_U64(r.q_src, VP);
	CHECK_INT(r.q_xid, 0x0203);
	CHECK_INT(r.q_sport, 33435);
	CHECK_INT(r.q_tag, nkt_probe_tag(&key, DST, 0x0203));

	/* TCP SYN-ACK and RST-ACK from the destination. */
	probe(NKT_METHOD_TCP, 12, 0x0304, p);
	pkt_tcp_answer(q, p, 0x12, 52);
	CHECK_INT(nkt_reply_decode_ip(q, 40, 0, &r), NKT_OK);
	CHECK_INT(r.kind, NKT_REPLY_TCP);
	CHECK_INT(r.tcp_flags, 0x12);
	CHECK_INT(r.q_xid, 0x0304);
	CHECK_INT(r.q_tag, nkt_probe_tag(&key, DST, 0x0304));
	CHECK_INT(r.q_sport, 33435);
	CHECK_INT(r.q_dport, 80);
	pkt_tcp_answer(q, p, 0x14, 52);
	CHECK_INT(nkt_reply_decode_ip(q, 40, 0, &r), NKT_OK);
	CHECK_INT(r.tcp_flags, 0x14);
	CHECK_INT(r.q_xid, 0x0304);
	/* A bare RST (no ACK) carries no sequence to match: ignored. */
	pkt_tcp_answer(q, p, 0x04, 52);
	q[33] = 0x04;
	CHECK_INT(nkt_reply_decode_ip(q, 40, 0, &r), NKT_EIGNORE);
}

static void test_unreach_codes(void)
{
	uint8_t p[NKT_PROBE_MAX_SIZE], q[256];
	struct nkt_reply r;
	unsigned code;

	probe(NKT_METHOD_UDP, 9, 0x0404, p);
	for (code = 0; code <= 15; code++) {
		size_t n = pkt_icmp_error(q, ROUTER, VP, 3, (uint8_t)code, p,
					  28, NULL, 0, 0, 60);
		if (code == 4) { /* fragmentation needed: next-hop MTU */
			nkt_put16(q + 26, 1400);
			nkt_put16(q + 22, 0);
			nkt_put16(q + 22, nkt_inet_cksum(q + 20, n - 20));
		}
		CHECK_INT(nkt_reply_decode_ip(q, n, 0, &r), NKT_OK);
		CHECK_INT(r.kind, NKT_REPLY_UNREACH);
		CHECK_INT(r.icmp_code, code);
		CHECK_INT(r.q_xid, 0x0404);
		CHECK_INT(r.mtu, code == 4 ? 1400 : 0);
	}
	/* Other errors quoting a probe: parameter problem, source quench,
	 * reassembly time exceeded. */
	{
		static const uint8_t tc[][2] = {{12, 0}, {4, 0}, {11, 1},
						{5, 1}};
		size_t i;
		for (i = 0; i < NKT_ARRAY_LEN(tc); i++) {
			size_t n = pkt_icmp_error(q, ROUTER, VP, tc[i][0],
						  tc[i][1], p, 28, NULL, 0, 0,
						  60);
			CHECK_INT(nkt_reply_decode_ip(q, n, 0, &r), NKT_OK);
			CHECK_INT(r.kind, NKT_REPLY_OTHER_ICMP);
		}
	}
	/* Types that are not replies to probes. */
	{
		static const uint8_t types[] = {13, 14, 9, 10, 17, 18, 42};
		size_t i;
		for (i = 0; i < sizeof(types); i++) {
			size_t n = pkt_icmp_error(q, ROUTER, VP, types[i], 0, p,
						  28, NULL, 0, 0, 60);
			CHECK_INT(nkt_reply_decode_ip(q, n, 0, &r), NKT_EIGNORE);
		}
	}
}

static void test_extensions(void)
{
	uint8_t p[NKT_PROBE_MAX_SIZE], q[600], ext[64];
	uint32_t lse[2] = {(407904u << 12) | (0 << 9) | (0 << 8) | 1,
			   (371728u << 12) | (3 << 9) | (1 << 8) | 254};
	struct nkt_reply r;
	size_t elen, n;

	probe(NKT_METHOD_UDP, 5, 0x0505, p);
	p[8] = 1;
	/* RFC 4884: quote padded to 128 bytes, length attribute 32. */
	elen = pkt_mpls_ext(ext, lse, 2, 1);
	n = pkt_icmp_error(q, ROUTER, VP, 11, 0, p, 60, ext, elen, 1, 250);
	CHECK_INT(nkt_reply_decode_ip(q, n, 0, &r), NKT_OK);
	CHECK(r.flags & NKT_RF_EXT);
	CHECK(r.flags & NKT_RF_EXT_RFC4884);
	CHECK_INT(r.quote_len, 128);
	CHECK_INT(r.q_xid, 0x0505);
	CHECK_INT(r.n_obj, 1);
	CHECK_INT(r.obj[0].cls, 1);
	CHECK_INT(r.obj[0].ctype, 1);
	CHECK_INT(r.n_mpls, 2);
	CHECK_INT(nkt_mpls_label(r.mpls[0]), 407904);
	CHECK_INT(nkt_mpls_s(r.mpls[0]), 0);
	CHECK_INT(nkt_mpls_ttl(r.mpls[0]), 1);
	CHECK_INT(nkt_mpls_label(r.mpls[1]), 371728);
	CHECK_INT(nkt_mpls_exp(r.mpls[1]), 3);
	CHECK_INT(nkt_mpls_s(r.mpls[1]), 1);
	CHECK_INT(nkt_mpls_ttl(r.mpls[1]), 254);

	/* Pre-RFC 4884 (no length attribute): found at offset 128. */
	n = pkt_icmp_error(q, ROUTER, VP, 11, 0, p, 60, ext, elen, 0, 250);
	CHECK_INT(nkt_reply_decode_ip(q, n, 0, &r), NKT_OK);
	CHECK(r.flags & NKT_RF_EXT);
	CHECK(!(r.flags & NKT_RF_EXT_RFC4884));
	CHECK_INT(r.n_mpls, 2);

	/* A wrong extension checksum: the extension is not used. */
	elen = pkt_mpls_ext(ext, lse, 2, 0);
	n = pkt_icmp_error(q, ROUTER, VP, 11, 0, p, 60, ext, elen, 1, 250);
	CHECK_INT(nkt_reply_decode_ip(q, n, 0, &r), NKT_OK);
	CHECK(!(r.flags & NKT_RF_EXT));
	CHECK(r.flags & NKT_RF_EXT_BADSUM);
	CHECK_INT(r.n_mpls, 0);
	CHECK_INT(r.q_xid, 0x0505);

	/* An object whose length runs past the end: objects before it are
	 * kept, the structure is not trusted further. */
	elen = pkt_mpls_ext(ext, lse, 1, 1);
	nkt_put16(ext + 4, 200);
	nkt_put16(ext + 2, 0);
	nkt_put16(ext + 2, nkt_inet_cksum(ext, elen));
	n = pkt_icmp_error(q, ROUTER, VP, 11, 0, p, 60, ext, elen, 1, 250);
	CHECK_INT(nkt_reply_decode_ip(q, n, 0, &r), NKT_OK);
	CHECK_INT(r.n_obj, 0);
}

static void test_links(void)
{
	uint8_t p[NKT_PROBE_MAX_SIZE], ip[200], f[300];
	struct nkt_reply r;
	size_t n, fl;

	probe(NKT_METHOD_ICMP, 3, 0x0606, p);
	p[8] = 1;
	n = pkt_icmp_error(ip, ROUTER, VP, 11, 0, p, 28, NULL, 0, 0, 61);

	fl = pkt_ether(f, ip, n, 0);
	CHECK_INT(nkt_reply_decode(f, fl, 0, NKT_DLT_EN10MB, &r), NKT_OK);
	CHECK_INT(r.q_xid, 0x0606);
	fl = pkt_ether(f, ip, n, 1);
	CHECK_INT(nkt_reply_decode(f, fl, 0, NKT_DLT_EN10MB, &r), NKT_OK);
	CHECK_INT(r.q_xid, 0x0606);
	/* A capture cut short by the snap length decodes, flagged; a header
	 * that claims more than the frame had on the wire is malformed. */
	CHECK_INT(nkt_reply_decode(f, fl - 4, fl, NKT_DLT_EN10MB, &r), NKT_OK);
	CHECK(r.flags & NKT_RF_TRUNCATED);
	CHECK(r.flags & NKT_RF_CKSUM_UNVERIFIED);
	CHECK_INT(nkt_reply_decode(f, fl - 4, fl - 4, NKT_DLT_EN10MB, &r),
		  NKT_EMALFORMED);
	/* Ethernet padding after the datagram is ignored. */
	memset(f + fl, 0, 20);
	CHECK_INT(nkt_reply_decode(f, fl + 20, 0, NKT_DLT_EN10MB, &r), NKT_OK);
	CHECK_INT(r.quote_len, 28);
	fl = pkt_sll(f, ip, n, 0);
	CHECK_INT(nkt_reply_decode(f, fl, 0, NKT_DLT_LINUX_SLL, &r), NKT_OK);
	CHECK(r.flags & NKT_RF_INCOMING);
	fl = pkt_sll(f, p, 60, 4);
	p[8] = 3;
	fl = pkt_sll(f, p, 60, 4);
	CHECK_INT(nkt_reply_decode(f, fl, 0, NKT_DLT_LINUX_SLL, &r), NKT_OK);
	CHECK(r.flags & NKT_RF_OUTGOING);
	CHECK_INT(r.kind, NKT_REPLY_PROBE);
	fl = pkt_sll2(f, ip, n, 0);
	CHECK_INT(nkt_reply_decode(f, fl, 0, NKT_DLT_LINUX_SLL2, &r), NKT_OK);
	CHECK(r.flags & NKT_RF_INCOMING);
	CHECK_INT(r.ifindex, 3); /* the interface it came in by */
	CHECK_INT(nkt_reply_decode(ip, n, 0, NKT_DLT_RAW, &r), NKT_OK);
	CHECK_INT(r.ifindex, 0); /* no link layer says */
	CHECK_INT(nkt_reply_decode(ip, n, 0, NKT_DLT_RAW, &r), NKT_OK);
	CHECK_INT(nkt_reply_decode(ip, n, 0, NKT_DLT_RAW_FILE, &r), NKT_OK);
	CHECK_INT(nkt_reply_decode(ip, n, 0, NKT_DLT_IPV4, &r), NKT_OK);
	/* DLT_NULL in either byte order, DLT_LOOP in network order. */
	f[0] = 2, f[1] = f[2] = f[3] = 0;
	memcpy(f + 4, ip, n);
	CHECK_INT(nkt_reply_decode(f, n + 4, 0, NKT_DLT_NULL, &r), NKT_OK);
	f[0] = f[1] = f[2] = 0, f[3] = 2;
	CHECK_INT(nkt_reply_decode(f, n + 4, 0, NKT_DLT_NULL, &r), NKT_OK);
	CHECK_INT(nkt_reply_decode(f, n + 4, 0, NKT_DLT_LOOP, &r), NKT_OK);
	f[3] = 24; /* AF_INET6 on BSD */
	CHECK_INT(nkt_reply_decode(f, n + 4, 0, NKT_DLT_LOOP, &r), NKT_EIGNORE);
	/* PPP with and without address/control, and MPLS over PPP. */
	f[0] = 0xff, f[1] = 0x03, f[2] = 0x00, f[3] = 0x21;
	memcpy(f + 4, ip, n);
	CHECK_INT(nkt_reply_decode(f, n + 4, 0, NKT_DLT_PPP, &r), NKT_OK);
	f[0] = 0x00, f[1] = 0x21;
	memcpy(f + 2, ip, n);
	CHECK_INT(nkt_reply_decode(f, n + 2, 0, NKT_DLT_PPP, &r), NKT_OK);
	f[0] = 0x02, f[1] = 0x81;
	nkt_put32(f + 2, (100u << 12) | (1 << 8) | 64);
	memcpy(f + 6, ip, n);
	CHECK_INT(nkt_reply_decode(f, n + 6, 0, NKT_DLT_PPP, &r), NKT_OK);
	CHECK_INT(r.q_xid, 0x0606);
	/* Not IPv4: ARP, IPv6, unknown link types. */
	fl = pkt_ether(f, ip, n, 0);
	nkt_put16(f + 12, 0x0806);
	CHECK_INT(nkt_reply_decode(f, fl, 0, NKT_DLT_EN10MB, &r), NKT_EIGNORE);
	nkt_put16(f + 12, 0x86dd);
	CHECK_INT(nkt_reply_decode(f, fl, 0, NKT_DLT_EN10MB, &r), NKT_EIGNORE);
	CHECK_INT(nkt_reply_decode(ip, n, 0, 147, &r), NKT_EIGNORE);
}

/* Every prefix of a valid frame decodes to OK, IGNORE or MALFORMED without
 * reading past the end (ASan watches), and any cut inside the outer ICMP
 * header or the quoted IP header is MALFORMED. */
static void test_truncation(void)
{
	uint8_t p[NKT_PROBE_MAX_SIZE], q[600], ext[64], *cut;
	uint32_t lse[1] = {(16u << 12) | (1 << 8) | 1};
	struct nkt_reply r;
	size_t n, len;
	int bad = 0;

	probe(NKT_METHOD_TCP, 5, 0x0707, p);
	n = pkt_icmp_error(q, ROUTER, VP, 11, 0, p, 40,
			   ext, pkt_mpls_ext(ext, lse, 1, 1), 1, 60);
	for (len = 0; len <= n; len++) {
		int rc;
		cut = malloc(len ? len : 1);
		memcpy(cut, q, len);
		rc = nkt_reply_decode_ip(cut, len, 0, &r);
		if (rc != NKT_OK && rc != NKT_EIGNORE && rc != NKT_EMALFORMED)
			bad++;
		if (len < 20 + 8 + 20 && rc != NKT_EMALFORMED)
			bad++;
		free(cut);
	}
	CHECK_INT(bad, 0);
	/* A wrong ICMP checksum is malformed. */
	q[40] ^= 1;
	CHECK_INT(nkt_reply_decode_ip(q, n, 0, &r), NKT_EMALFORMED);
	/* Inconsistent header lengths. */
	{
		uint8_t h[60];
		memcpy(h, q, 60);
		h[0] = 0x44; /* IHL 4 */
		CHECK_INT(nkt_reply_decode_ip(h, 60, 0, &r), NKT_EMALFORMED);
		h[0] = 0x4f; /* IHL 60 with 60 bytes: no room for ICMP */
		CHECK_INT(nkt_reply_decode_ip(h, 60, 0, &r), NKT_EMALFORMED);
		h[0] = 0x45;
		nkt_put16(h + 2, 10); /* total length < header */
		CHECK_INT(nkt_reply_decode_ip(h, 60, 0, &r), NKT_EMALFORMED);
		nkt_put16(h + 2, (uint16_t)n);
		nkt_put16(h + 6, 0x0010); /* a later fragment */
		CHECK_INT(nkt_reply_decode_ip(h, 60, 0, &r), NKT_EIGNORE);
		h[0] = 0x60;
		CHECK_INT(nkt_reply_decode_ip(h, 60, 0, &r), NKT_EIGNORE);
	}
}

/* Golden summaries of the sample captures. */
struct summ {
	FILE *out;
	int dlt;
	unsigned frame;
};

static void summarize(void *ctx, const uint8_t *d, size_t caplen,
		      size_t wirelen, uint64_t ts)
{
	struct summ *s = ctx;
	struct nkt_reply r;
	char a[16], b[16], c[16];
	int rc = nkt_reply_decode(d, caplen, wirelen, s->dlt, &r);
	(void)ts;
	fprintf(s->out, "%u ", ++s->frame);
	if (rc == NKT_EIGNORE) {
		fprintf(s->out, "ignore\n");
		return;
	}
	if (rc == NKT_EMALFORMED) {
		fprintf(s->out, "malformed\n");
		return;
	}
	fprintf(s->out, "%s %s>%s ttl=%u", nkt_reply_kind_name(r.kind),
		nkt_inet_fmt(r.src, a), nkt_inet_fmt(r.dst, b), r.ttl);
	if (r.kind != NKT_REPLY_PROBE && r.kind != NKT_REPLY_TCP)
		fprintf(s->out, " icmp=%u/%u", r.icmp_type, r.icmp_code);
	if (r.flags & NKT_RF_QUOTE)
		fprintf(s->out, " probe=%u:%s ttl=%u ipid=%u", r.q_proto,
			nkt_inet_fmt(r.q_dst, c), r.q_ttl, r.q_ipid);
	if (r.flags & NKT_RF_QUOTE_L4)
		fprintf(s->out, " ports=%u/%u xid=%u", r.q_sport, r.q_dport,
			r.q_xid);
	if (r.quote_len)
		fprintf(s->out, " quoted=%u", r.quote_len);
	if (r.flags & NKT_RF_EXT) {
		unsigned i;
		fprintf(s->out, " ext%s", r.flags & NKT_RF_EXT_RFC4884
						 ? "(rfc4884)"
						 : "");
		for (i = 0; i < r.n_obj; i++)
			fprintf(s->out, " obj=%u/%u", r.obj[i].cls,
				r.obj[i].ctype);
		for (i = 0; i < r.n_mpls; i++)
			fprintf(s->out, " mpls=%u/%u/%u/%u",
				nkt_mpls_label(r.mpls[i]),
				nkt_mpls_exp(r.mpls[i]),
				nkt_mpls_s(r.mpls[i]), nkt_mpls_ttl(r.mpls[i]));
	}
	if (r.flags & NKT_RF_EXT_BADSUM)
		fprintf(s->out, " ext-badsum");
	fprintf(s->out, "\n");
}

static void test_samples(void)
{
	static const char *names[] = {
		"pcap_local-netns__mtr_json_silenthop1_v4",
		"pcap_local-netns__mtr_json_udp_v4",
		"pcap_local-netns__mtr_json_unreachable-route_v4",
		"pcap_local-netns__mtr_json_v4",
		"pcap_local-netns__mtr_json_v6",
		"pcap_local-netns__scamper_ping_icmp_v4",
		"pcap_local-netns__scamper_ping_icmp_v6",
		"pcap_local-netns__scamper_trace_hostunreach_v4",
		"pcap_local-netns__scamper_trace_icmp-paris_silenthop1_v4",
		"pcap_local-netns__scamper_trace_icmp-paris_v4",
		"pcap_local-netns__scamper_trace_icmp-paris_v6",
		"pcap_local-netns__scamper_trace_tcp_v4",
		"pcap_local-netns__scamper_trace_udp-paris_silenthop1_v6",
		"pcap_local-netns__scamper_trace_udp-paris_v4",
		"pcap_local-netns__scamper_trace_udp-paris_v6",
		"pcap_local-netns__scamper_trace_udp_v4",
		"pcap_local-netns__scamper_trace_unreachable-route_v4",
		"pcap_local-netns__scamper_tracelb_icmp_v4",
		"pcap_tcpdump-tests__icmp-cksum-oobr-2",
		"pcap_tcpdump-tests__icmp-rfc5837",
		"pcap_tcpdump-tests__mpls-traceroute",
		"pcap_zeek-btest__icmp-destunreach-udp",
		"pcap_zeek-btest__icmp-timeexceeded",
		"pcap_zeek-btest__icmp6-destunreach-ip6ext-udp",
		"pcap_zeek-btest__icmp6-timeexceeded",
		"pcap_zeek-btest__icmp6-toobig",
	};
	int update = getenv("NKT_UPDATE_GOLDEN") != NULL;
	size_t i;

	for (i = 0; i < NKT_ARRAY_LEN(names); i++) {
		char path[512], gold[512], *got = NULL, *want = NULL;
		size_t got_len = 0, want_len = 0;
		struct summ s = {NULL, 0, 0};
		FILE *g;

		snprintf(path, sizeof(path), "%s/pcap/%s.pcap", NKT_TEST_DATA,
			 names[i]);
		snprintf(gold, sizeof(gold), "%s/pcap/%s.decode",
			 NKT_TEST_DATA, names[i]);
		s.out = open_memstream(&got, &got_len);
		/* The link type comes from the file header. */
		{
			FILE *f = fopen(path, "rb");
			uint8_t gh[24];
			CHECK(f != NULL && fread(gh, 1, 24, f) == 24);
			if (f)
				fclose(f);
			s.dlt = gh[20] | gh[21] << 8;
		}
		CHECK(pkt_pcap_each(path, summarize, &s) >= 0);
		fclose(s.out);
		if (update) {
			g = fopen(gold, "w");
			fputs(got, g);
			fclose(g);
		} else {
			g = fopen(gold, "r");
			if (g != NULL) {
				want = malloc(1 << 16);
				want_len = fread(want, 1, (1 << 16) - 1, g);
				fclose(g);
			}
			if (want == NULL || got_len != want_len ||
			    memcmp(got, want, got_len) != 0) {
				fprintf(stderr, "%s: decode differs from %s\n"
						"got:\n%s",
					names[i], gold, got);
				CHECK(0);
			} else
				CHECK(1);
		}
		free(got);
		free(want);
	}
}

int main(void)
{
	key = nkt_key_from_seed(3);
	test_kinds();
	test_unreach_codes();
	test_extensions();
	test_links();
	test_truncation();
	test_samples();
	return nkt_test_done("test_reply");
}
