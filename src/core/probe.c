// SPDX-License-Identifier: ISC
/*
 * probe_codec.c: where probe identity lives (see the diagram in probe.h).
 * Patches a libnet-built template into a probe; pure, no allocation, so the
 * sender can call it per probe.
 */
#include "nktrace/probe.h"
#include "nktrace/inet.h"

#include <string.h>

uint16_t nkt_probe_min_size(enum nkt_method m)
{
	switch (m) {
	case NKT_METHOD_ICMP:
		return 20 + 8 + 4; /* compensation and tag */
	case NKT_METHOD_UDP:
		return 20 + 8 + 4; /* compensation and tag */
	case NKT_METHOD_TCP:
	default:
		return 20 + 20;
	}
}

uint8_t nkt_method_proto(enum nkt_method m)
{
	switch (m) {
	case NKT_METHOD_ICMP:
		return 1;
	case NKT_METHOD_UDP:
		return 17;
	case NKT_METHOD_TCP:
	default:
		return 6;
	}
}

const char *nkt_method_name(enum nkt_method m)
{
	static const char *n[] = {"icmp", "udp", "tcp"};
	return (unsigned)m < 3 ? n[m] : "?";
}

const char *nkt_method_atlas(enum nkt_method m)
{
	static const char *n[] = {"ICMP", "UDP", "TCP"};
	return (unsigned)m < 3 ? n[m] : "?";
}

const char *nkt_method_long(enum nkt_method m)
{
	static const char *n[] = {"icmp-paris", "udp-paris", "tcp-syn"};
	return (unsigned)m < 3 ? n[m] : "?";
}

int nkt_method_parse(const char *s, enum nkt_method *m)
{
	if (strcmp(s, "icmp") == 0 || strcmp(s, "icmp-paris") == 0)
		*m = NKT_METHOD_ICMP;
	else if (strcmp(s, "udp") == 0 || strcmp(s, "udp-paris") == 0)
		*m = NKT_METHOD_UDP;
	else if (strcmp(s, "tcp") == 0 || strcmp(s, "tcp-syn") == 0)
		*m = NKT_METHOD_TCP;
	else
		return NKT_EINVAL;
	return NKT_OK;
}

int nkt_flow_init(struct nkt_flow *f, enum nkt_method m, uint32_t src,
		  uint32_t dst, uint16_t sport, uint16_t dport,
		  uint8_t paris_id, uint16_t size, uint8_t tos,
		  struct nkt_err *err)
{
	if (size < nkt_probe_min_size(m) || size > NKT_PROBE_MAX_SIZE)
		return nkt_err_set(err, NKT_EINVAL,
				   "probe size %u is out of range [%u, %u] for "
				   "%s",
				   size, nkt_probe_min_size(m),
				   NKT_PROBE_MAX_SIZE, nkt_method_name(m));
	if (paris_id == 0)
		return nkt_err_set(err, NKT_EINVAL, "paris id must be 1-255");
	memset(f, 0, sizeof(*f));
	f->src = src;
	f->dst = dst;
	f->method = (uint8_t)m;
	f->tos = tos;
	f->paris_id = paris_id;
	f->size = size;
	f->sport = sport ? sport : (uint16_t)(NKT_FLOW_PORT_BASE + paris_id);
	switch (m) {
	case NKT_METHOD_ICMP:
		f->dport = 0;
		/* Any constant will do; vary it with the paris id so that
		 * flows differ in the bytes ICMP-hashing balancers read. */
		f->icmp_cksum = (uint16_t)(0x4e4b + 0x0101 * paris_id);
		break;
	case NKT_METHOD_UDP:
		f->dport = dport ? dport : NKT_UDP_DEFAULT_DPORT;
		break;
	case NKT_METHOD_TCP:
		f->dport = dport ? dport : NKT_TCP_DEFAULT_DPORT;
		break;
	}
	return NKT_OK;
}

/* Round function of the IP ID permutation: one byte in, one byte out,
 * under a 16-bit round key (multiply-xorshift mixing). */
static uint8_t feistel_f(uint8_t r, uint16_t k)
{
	uint32_t x = ((uint32_t)(r ^ (k & 0xff)) + ((uint32_t)k << 8)) *
		     0x9e3779b1u;
	x ^= x >> 15;
	x *= 0x85ebca6bu;
	x ^= x >> 13;
	return (uint8_t)(x >> 24);
}

static uint64_t ipid_keys(const struct nkt_key *key, uint32_t dst)
{
	uint8_t b[5] = {'I', (uint8_t)(dst >> 24), (uint8_t)(dst >> 16),
			(uint8_t)(dst >> 8), (uint8_t)dst};
	return nkt_keyhash(key, b, sizeof(b));
}

uint16_t nkt_probe_ipid(const struct nkt_key *key, uint32_t dst, uint16_t id)
{
	uint64_t k = ipid_keys(key, dst);
	uint8_t l = (uint8_t)(id >> 8), r = (uint8_t)id, t;
	int i;

	for (i = 0; i < 4; i++) {
		t = r;
		r = (uint8_t)(l ^ feistel_f(r, (uint16_t)(k >> (16 * i))));
		l = t;
	}
	return (uint16_t)((l << 8) | r);
}

uint16_t nkt_probe_ipid_id(const struct nkt_key *key, uint32_t dst,
			   uint16_t ipid)
{
	uint64_t k = ipid_keys(key, dst);
	uint8_t l = (uint8_t)(ipid >> 8), r = (uint8_t)ipid, t;
	int i;

	for (i = 3; i >= 0; i--) {
		t = l;
		l = (uint8_t)(r ^ feistel_f(l, (uint16_t)(k >> (16 * i))));
		r = t;
	}
	return (uint16_t)((l << 8) | r);
}

uint16_t nkt_probe_id_forbidden(const struct nkt_key *key, uint32_t dst)
{
	return nkt_probe_ipid_id(key, dst, 0);
}

uint16_t nkt_probe_tag(const struct nkt_key *key, uint32_t dst, uint16_t id)
{
	uint8_t b[7] = {'T',
			(uint8_t)(dst >> 24),
			(uint8_t)(dst >> 16),
			(uint8_t)(dst >> 8),
			(uint8_t)dst,
			(uint8_t)(id >> 8),
			(uint8_t)id};
	return (uint16_t)nkt_keyhash(key, b, sizeof(b));
}

/* The two bytes that make a one's-complement sum `partial` (computed with
 * the checksum field and the compensation bytes zero) come out so that the
 * checksum field reads `want` and the datagram still verifies. */
static uint16_t compensate(uint32_t partial, uint16_t want)
{
	uint16_t p = nkt_inet_fold(partial);
	return nkt_inet_fold((uint32_t)(uint16_t)~p + (uint16_t)~want);
}

void nkt_probe_patch(uint8_t *pkt, const struct nkt_flow *flow,
		     const struct nkt_key *key, uint8_t ttl, uint16_t id)
{
	uint8_t *l4 = pkt + 20;
	uint16_t l4len = (uint16_t)(flow->size - 20);
	uint16_t tag = nkt_probe_tag(key, flow->dst, id);
	uint32_t sum;

	/* IPv4 header (the template holds version, TOS, length, proto). */
	nkt_put16(pkt + 4, nkt_probe_ipid(key, flow->dst, id));
	pkt[8] = ttl;
	nkt_put32(pkt + 12, flow->src);
	nkt_put32(pkt + 16, flow->dst);
	nkt_put16(pkt + 10, 0);
	nkt_put16(pkt + 10, nkt_inet_cksum(pkt, 20));

	switch (flow->method) {
	case NKT_METHOD_ICMP:
		nkt_put16(l4 + 2, 0);
		nkt_put16(l4 + 6, id);
		nkt_put16(l4 + 8, 0);
		nkt_put16(l4 + 10, tag);
		sum = nkt_inet_sum(l4, l4len, 0);
		nkt_put16(l4 + 8, compensate(sum, flow->icmp_cksum));
		nkt_put16(l4 + 2, flow->icmp_cksum);
		break;
	case NKT_METHOD_UDP:
		nkt_put16(l4 + 6, 0);
		nkt_put16(l4 + 8, 0);
		nkt_put16(l4 + 10, tag);
		sum = nkt_inet_sum(l4, l4len,
				   nkt_inet_pseudo_sum(flow->src, flow->dst,
						       17, l4len));
		nkt_put16(l4 + 8, compensate(sum, id));
		nkt_put16(l4 + 6, id);
		break;
	case NKT_METHOD_TCP:
		nkt_put32(l4 + 4, ((uint32_t)tag << 16) | id);
		nkt_put16(l4 + 16, 0);
		sum = nkt_inet_sum(l4, l4len,
				   nkt_inet_pseudo_sum(flow->src, flow->dst, 6,
						       l4len));
		nkt_put16(l4 + 16, (uint16_t)~nkt_inet_fold(sum));
		break;
	}
}
