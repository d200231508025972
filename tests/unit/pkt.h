/* SPDX-License-Identifier: ISC */
/*
 * pkt.h: test helpers that build the replies routers and hosts send
 * (time exceeded, unreachable, echo reply, TCP SYN-ACK/RST), RFC 4884/4950
 * extensions, link-layer wrappers, and a minimal pcap file reader.  Written
 * from the RFCs, independently of the decoder they test.
 */
#ifndef NKT_TEST_PKT_H
#define NKT_TEST_PKT_H

#include "nktrace/inet.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline void pkt_ip(uint8_t *b, uint16_t len, uint8_t ttl,
			  uint8_t proto, uint16_t ipid, uint32_t src,
			  uint32_t dst)
{
	memset(b, 0, 20);
	b[0] = 0x45;
	nkt_put16(b + 2, len);
	nkt_put16(b + 4, ipid);
	b[8] = ttl;
	b[9] = proto;
	nkt_put32(b + 12, src);
	nkt_put32(b + 16, dst);
	nkt_put16(b + 10, nkt_inet_cksum(b, 20));
}

/* An RFC 4884 extension structure with one RFC 4950 MPLS object. */
static inline size_t pkt_mpls_ext(uint8_t *b, const uint32_t *lse, size_t n,
				  int good_sum)
{
	size_t olen = 4 + 4 * n, i;
	memset(b, 0, 4 + olen);
	b[0] = 0x20; /* version 2 */
	nkt_put16(b + 4, (uint16_t)olen);
	b[6] = 1; /* class: MPLS label stack */
	b[7] = 1; /* c-type: incoming */
	for (i = 0; i < n; i++)
		nkt_put32(b + 8 + 4 * i, lse[i]);
	nkt_put16(b + 2, nkt_inet_cksum(b, 4 + olen));
	if (!good_sum)
		b[3] ^= 0x55;
	return 4 + olen;
}

/*
 * An ICMP error from `from` to `to` quoting `qlen` bytes of `orig`.  With
 * an extension: rfc4884 != 0 pads the quote to 128 bytes and sets the
 * length attribute; rfc4884 == 0 pads to 128 without it (pre-RFC 4884).
 */
static inline size_t pkt_icmp_error(uint8_t *b, uint32_t from, uint32_t to,
				    uint8_t type, uint8_t code,
				    const uint8_t *orig, size_t qlen,
				    const uint8_t *ext, size_t extlen,
				    int rfc4884, uint8_t ttl)
{
	uint8_t *icmp = b + 20;
	size_t qfield = qlen, total;

	if (ext != NULL && qfield < 128)
		qfield = 128;
	total = 20 + 8 + qfield + (ext ? extlen : 0);
	memset(icmp, 0, 8 + qfield + (ext ? extlen : 0));
	icmp[0] = type;
	icmp[1] = code;
	if (ext != NULL && rfc4884)
		icmp[5] = (uint8_t)(qfield / 4);
	memcpy(icmp + 8, orig, qlen);
	if (ext != NULL)
		memcpy(icmp + 8 + qfield, ext, extlen);
	nkt_put16(icmp + 2, nkt_inet_cksum(icmp, total - 20));
	pkt_ip(b, (uint16_t)total, ttl, 1, 0x4242, from, to);
	return total;
}

/* The echo reply a host sends back for an ICMP echo probe. */
static inline size_t pkt_echo_reply(uint8_t *b, const uint8_t *probe,
				    size_t len, uint8_t ttl)
{
	memcpy(b, probe, len);
	b[20] = 0;
	nkt_put16(b + 22, 0);
	nkt_put16(b + 22, nkt_inet_cksum(b + 20, len - 20));
	pkt_ip(b, (uint16_t)len, ttl, 1, 0x1111, nkt_get32(probe + 16),
	       nkt_get32(probe + 12));
	return len;
}

/* The SYN-ACK (flags 0x12) or RST-ACK (0x14) answering a TCP SYN probe. */
static inline size_t pkt_tcp_answer(uint8_t *b, const uint8_t *probe,
				    uint8_t flags, uint8_t ttl)
{
	const uint8_t *t = probe + 20;
	uint8_t *o = b + 20;
	uint32_t src = nkt_get32(probe + 16), dst = nkt_get32(probe + 12);

	memset(o, 0, 20);
	nkt_put16(o, nkt_get16(t + 2));
	nkt_put16(o + 2, nkt_get16(t));
	nkt_put32(o + 4, flags & 0x02 ? 0x5eed0000u : 0);
	nkt_put32(o + 8, nkt_get32(t + 4) + 1);
	o[12] = 0x50;
	o[13] = flags;
	nkt_put16(o + 14, flags & 0x02 ? 65535 : 0);
	nkt_put16(o + 16,
		  (uint16_t)~nkt_inet_fold(nkt_inet_sum(
			  o, 20, nkt_inet_pseudo_sum(src, dst, 6, 20))));
	pkt_ip(b, 40, ttl, 6, 0, src, dst);
	return 40;
}

/* Link-layer wrappers: write hdr + ip into out, return the length. */
static inline size_t pkt_ether(uint8_t *out, const uint8_t *ip, size_t len,
			       int vlan)
{
	size_t off = 12;
	memset(out, 0xaa, 12);
	if (vlan) {
		nkt_put16(out + off, 0x8100);
		nkt_put16(out + off + 2, 42);
		off += 4;
	}
	nkt_put16(out + off, 0x0800);
	memcpy(out + off + 2, ip, len);
	return off + 2 + len;
}

static inline size_t pkt_sll(uint8_t *out, const uint8_t *ip, size_t len,
			     uint16_t pkttype)
{
	memset(out, 0, 16);
	nkt_put16(out, pkttype);
	nkt_put16(out + 2, 1);
	nkt_put16(out + 4, 6);
	nkt_put16(out + 14, 0x0800);
	memcpy(out + 16, ip, len);
	return 16 + len;
}

static inline size_t pkt_sll2(uint8_t *out, const uint8_t *ip, size_t len,
			      uint8_t pkttype)
{
	memset(out, 0, 20);
	nkt_put16(out, 0x0800);
	nkt_put32(out + 4, 3);
	nkt_put16(out + 8, 1);
	out[10] = pkttype;
	out[11] = 6;
	memcpy(out + 20, ip, len);
	return 20 + len;
}

/* Call cb for every record of a classic pcap file; returns the link type,
 * or -1 if the file cannot be read. */
static inline int pkt_pcap_each(const char *path,
				void (*cb)(void *ctx, const uint8_t *d,
					   size_t caplen, size_t wirelen,
					   uint64_t ts_ns),
				void *ctx)
{
	FILE *f = fopen(path, "rb");
	uint8_t gh[24], rh[16], *buf = NULL;
	int swap, nano, dlt;
	uint32_t magic;

	if (f == NULL || fread(gh, 1, 24, f) != 24) {
		if (f)
			fclose(f);
		return -1;
	}
	magic = (uint32_t)gh[0] | (uint32_t)gh[1] << 8 |
		(uint32_t)gh[2] << 16 | (uint32_t)gh[3] << 24;
	swap = magic == 0xd4c3b2a1u || magic == 0x4d3cb2a1u;
	nano = magic == 0xa1b23c4du || magic == 0x4d3cb2a1u;
#define RD32(p)                                                                \
	(swap ? nkt_get32(p)                                                   \
	      : ((uint32_t)(p)[0] | (uint32_t)(p)[1] << 8 |                    \
		 (uint32_t)(p)[2] << 16 | (uint32_t)(p)[3] << 24))
	dlt = (int)(RD32(gh + 20) & 0xffff);
	while (fread(rh, 1, 16, f) == 16) {
		uint32_t cap = RD32(rh + 8), wire = RD32(rh + 12);
		uint64_t ts = (uint64_t)RD32(rh) * 1000000000ULL +
			      (uint64_t)RD32(rh + 4) * (nano ? 1 : 1000);
		if (cap > 262144)
			break;
		buf = realloc(buf, cap ? cap : 1);
		if (fread(buf, 1, cap, f) != cap)
			break;
		cb(ctx, buf, cap, wire, ts);
	}
#undef RD32
	free(buf);
	fclose(f);
	return dlt;
}

#endif
