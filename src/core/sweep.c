// SPDX-License-Identifier: ISC
/* sweep.c: the (target, TTL) walk, probe encoding and stateless matching
 * of a sweep (see sweep.h).  Pure. */
#include "nktrace/sweep.h"
#include "nktrace/inet.h"

#include <string.h>

/* Keyed 64-bit mixer (splitmix64 finaliser over key ^ input). */
static uint64_t mix(uint64_t k, uint64_t x)
{
	x ^= k;
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

int nkt_sweep_plan_init(struct nkt_sweep_plan *p, const uint32_t *targets,
			size_t n_targets, uint8_t first_ttl, uint8_t last_ttl,
			const struct nkt_key *key, struct nkt_err *err)
{
	size_t i;
	memset(p, 0, sizeof(*p));
	if (n_targets == 0)
		return nkt_err_set(err, NKT_EINVAL, "no targets");
	if (first_ttl == 0 || last_ttl < first_ttl)
		return nkt_err_set(err, NKT_EINVAL, "bad TTL range %u-%u",
				   first_ttl, last_ttl);
	for (i = 1; i < n_targets; i++)
		if (targets[i] <= targets[i - 1])
			return nkt_err_set(err, NKT_EINVAL,
					   "targets must be sorted and "
					   "distinct");
	p->targets = targets;
	p->n_targets = n_targets;
	p->first_ttl = first_ttl;
	p->last_ttl = last_ttl;
	p->ttls = (unsigned)(last_ttl - first_ttl) + 1;
	p->probes = (uint64_t)n_targets * p->ttls;
	if (p->probes > (1ULL << 40))
		return nkt_err_set(err, NKT_EINVAL,
				   "%llu probes: at most 2^40 in one sweep",
				   (unsigned long long)p->probes);
	p->key = *key;
	while ((1ULL << (2 * p->half_bits)) < p->probes)
		p->half_bits++;
	if (p->half_bits == 0)
		p->half_bits = 1;
	for (i = 0; i < 4; i++)
		p->rk[i] = nkt_keyhash(key, "sweep-round", 11) + i * 0x9e37ULL;
	return NKT_OK;
}

/* A balanced Feistel network over 2 * half_bits bits: a permutation. */
static uint64_t permute(const struct nkt_sweep_plan *p, uint64_t x)
{
	uint64_t mask = (1ULL << p->half_bits) - 1, l = x >> p->half_bits,
		 r = x & mask;
	int i;
	for (i = 0; i < 4; i++) {
		uint64_t t = l ^ (mix(p->rk[i], r) & mask);
		l = r;
		r = t;
	}
	return (l << p->half_bits) | r;
}

int nkt_sweep_next(const struct nkt_sweep_plan *p, uint64_t *pos,
		   uint64_t *probe)
{
	uint64_t domain = 1ULL << (2 * p->half_bits);
	/* Cycle walking: values beyond the probe space are skipped; the
	 * domain is less than four times the space. */
	while (*pos < domain) {
		uint64_t x = permute(p, (*pos)++);
		if (x < p->probes) {
			*probe = x;
			return 1;
		}
	}
	return 0;
}

uint32_t nkt_sweep_target(const struct nkt_sweep_plan *p, uint64_t probe)
{
	return p->targets[probe / p->ttls];
}

uint8_t nkt_sweep_ttl(const struct nkt_sweep_plan *p, uint64_t probe)
{
	return (uint8_t)(p->first_ttl + probe % p->ttls);
}

/* The keyed fields: per target (identifier, checksum), per probe (IP ID,
 * sequence high byte, payload tag). */
static uint16_t target_id(const struct nkt_sweep_plan *p, uint32_t dst)
{
	return (uint16_t)mix(p->key.k0, dst);
}

static uint16_t target_cksum(const struct nkt_sweep_plan *p, uint32_t dst)
{
	return (uint16_t)(mix(p->key.k0, dst) >> 16);
}

static uint64_t probe_mac(const struct nkt_sweep_plan *p, uint32_t dst,
			  uint8_t ttl)
{
	return mix(p->key.k1, (uint64_t)dst << 8 | ttl);
}

static uint16_t probe_ipid(uint64_t mac)
{
	uint16_t v = (uint16_t)mac;
	return v ? v : 1; /* Linux raw sockets replace an IP ID of 0 */
}

void nkt_sweep_template(uint32_t src, uint8_t *pkt)
{
	memset(pkt, 0, NKT_SWEEP_SIZE);
	pkt[0] = 0x45;
	nkt_put16(pkt + 2, NKT_SWEEP_SIZE);
	pkt[9] = 1; /* ICMP */
	nkt_put32(pkt + 12, src);
	pkt[20] = 8; /* echo request */
}

void nkt_sweep_encode(const struct nkt_sweep_plan *p, uint64_t probe,
		      uint8_t *pkt)
{
	uint32_t dst = nkt_sweep_target(p, probe), sum;
	uint8_t ttl = nkt_sweep_ttl(p, probe);
	uint64_t mac = probe_mac(p, dst, ttl);
	uint8_t *icmp = pkt + 20;

	nkt_put16(pkt + 4, probe_ipid(mac));
	pkt[8] = ttl;
	nkt_put32(pkt + 16, dst);
	nkt_put16(pkt + 10, 0);
	nkt_put16(pkt + 10, (uint16_t)~nkt_inet_fold(nkt_inet_sum(pkt, 20, 0)));

	nkt_put16(icmp + 4, target_id(p, dst));
	nkt_put16(icmp + 6, (uint16_t)((mac >> 16 & 0xff) << 8 | ttl));
	nkt_put16(icmp + 10, (uint16_t)(mac >> 24)); /* tag */
	/* The checksum is the target's constant; payload bytes 0-1 make the
	 * message sum to it. */
	nkt_put16(icmp + 2, target_cksum(p, dst));
	nkt_put16(icmp + 8, 0);
	sum = nkt_inet_sum(icmp, NKT_SWEEP_SIZE - 20, 0);
	nkt_put16(icmp + 8, (uint16_t)~nkt_inet_fold(sum));
}

/* Index of dst among the sorted targets, or -1. */
static long find(const struct nkt_sweep_plan *p, uint32_t dst)
{
	size_t lo = 0, hi = p->n_targets;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (p->targets[mid] < dst)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < p->n_targets && p->targets[lo] == dst ? (long)lo : -1;
}

int nkt_sweep_match(const struct nkt_sweep_plan *p, const struct nkt_reply *r,
		    uint64_t *probe, int *kind)
{
	uint32_t dst;
	uint8_t ttl;
	uint64_t mac;
	long t;

	if (!(r->flags & NKT_RF_QUOTE_L4) || r->q_proto != 1)
		return NKT_EIGNORE;
	switch (r->kind) {
	case NKT_REPLY_ECHO_REPLY:
		*kind = NKT_SWEEP_ECHO_REPLY;
		break;
	case NKT_REPLY_TTL_EXCEEDED:
		*kind = NKT_SWEEP_TTL_EXCEEDED;
		break;
	case NKT_REPLY_UNREACH:
		*kind = NKT_SWEEP_UNREACH;
		break;
	case NKT_REPLY_OTHER_ICMP:
		*kind = NKT_SWEEP_OTHER;
		break;
	default:
		return NKT_EIGNORE;
	}
	dst = r->q_dst;
	t = find(p, dst);
	if (t < 0)
		return NKT_EIGNORE;
	ttl = (uint8_t)(r->q_xid & 0xff);
	if (ttl < p->first_ttl || ttl > p->last_ttl)
		return NKT_EINVAL;
	mac = probe_mac(p, dst, ttl);
	if (r->q_sport != target_id(p, dst) ||
	    (r->q_xid >> 8) != (mac >> 16 & 0xff))
		return NKT_EINVAL;
	/* An error quotes our IP header: its IP ID is keyed too; an echo
	 * reply echoes the payload tag. */
	if (*kind != NKT_SWEEP_ECHO_REPLY && r->q_ipid != probe_ipid(mac))
		return NKT_EINVAL;
	if ((r->flags & NKT_RF_TAG) && r->q_tag != (uint16_t)(mac >> 24))
		return NKT_EINVAL;
	if (*kind == NKT_SWEEP_ECHO_REPLY && !(r->flags & NKT_RF_TAG))
		return NKT_EINVAL;
	*probe = (uint64_t)t * p->ttls + (uint64_t)(ttl - p->first_ttl);
	return NKT_OK;
}
