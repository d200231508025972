/* SPDX-License-Identifier: ISC */
/*
 * probe.h: what a probe is on the wire and how its identity is carried.
 *
 * A flow (Paris traceroute) keeps every field load balancers hash constant:
 * addresses, protocol, TOS, and the first 4 transport bytes (ports; for
 * ICMP the type, code and checksum).  Each probe carries a 16-bit probe id
 * (1..65535, the in-flight slot) twice:
 *
 *   transport copy  ICMP: echo sequence number (the checksum is held
 *                   constant by two compensating payload bytes)
 *                   UDP:  the UDP checksum itself (two compensating payload
 *                   bytes make the real checksum equal the id, so it is
 *                   valid and never 0)
 *                   TCP:  low 16 bits of the sequence number; the high 16
 *                   bits are a keyed tag of (dst, id)
 *   IP copy         IP ID = P(dst, id), a keyed 16-bit permutation (a
 *                   4-round Feistel network): invertible, so the IP ID
 *                   alone gives the id back, and not linear, so editing
 *                   a sniffed id (id+1) breaks it; never 0
 *
 * ICMP and UDP payload bytes 2-3 also carry the keyed tag, so echo replies
 * (which return the payload) and quotes longer than 8 transport bytes
 * (Linux routers quote the whole probe) validate with 32 keyed bits.  The key is per run (random, or from a
 * seed for reproducible runs), so an off-path host cannot forge a reply that
 * validates, and a second nktrace on the same host never takes our replies.
 *
 *   IPv4 |ver/ihl| tos |  total length  |    IP ID = P(dst, id)      |
 *        | flags/frag  | ttl | proto |  checksum  |  src  |  dst     |
 *   ICMP | 8 | 0 | cksum = C (const) | echo id (flow) | seq = id     |
 *        | comp (2) | tag (2) | zeros ...
 *   UDP  | sport (flow) | dport | length | cksum = id | comp (2) |
 *        | tag (2) | zeros ...
 *   TCP  | sport (flow) | dport | seq = tag<<16 | id | ack 0 | 5<<4 |
 *        | SYN | win 64240 | cksum | urg 0
 */
#ifndef NKTRACE_PROBE_H
#define NKTRACE_PROBE_H

#include "nktrace/common.h"
#include "nktrace/keyhash.h"

#include <stddef.h>
#include <stdint.h>

enum nkt_method {
	NKT_METHOD_ICMP = 0, /* ICMP echo, Paris */
	NKT_METHOD_UDP = 1,  /* UDP, Paris */
	NKT_METHOD_TCP = 2,  /* TCP SYN */
};

#define NKT_PROBE_MAX_SIZE 1500
#define NKT_UDP_DEFAULT_DPORT 33435
#define NKT_TCP_DEFAULT_DPORT 80
#define NKT_FLOW_PORT_BASE 33434 /* + paris id: the flow's source port */

struct nkt_flow {
	uint32_t src, dst;   /* host order */
	uint8_t method;      /* enum nkt_method */
	uint8_t tos;
	uint8_t paris_id;    /* 1..255: which flow of this method */
	uint16_t size;       /* IP total length of every probe */
	uint16_t sport;      /* UDP/TCP source port; ICMP echo identifier */
	uint16_t dport;      /* UDP/TCP destination port; 0 for ICMP */
	uint16_t icmp_cksum; /* ICMP: the constant checksum */
};

/* The smallest probe of a method: headers plus the compensation bytes. */
uint16_t nkt_probe_min_size(enum nkt_method m);

/* IP protocol number of a method. */
uint8_t nkt_method_proto(enum nkt_method m);

/* "icmp" / "udp" / "tcp"; Atlas "ICMP" / "UDP" / "TCP"; and the long name
 * ("icmp-paris", "udp-paris", "tcp"). */
const char *nkt_method_name(enum nkt_method m);
const char *nkt_method_atlas(enum nkt_method m);
const char *nkt_method_long(enum nkt_method m);

/* Parse "icmp" / "udp" / "tcp".  Returns 0 or NKT_EINVAL. */
int nkt_method_parse(const char *s, enum nkt_method *m);

/*
 * Fill a flow: the Paris fields follow from (method, paris_id) alone, so a
 * target is probed over the same flow run after run.  sport 0 means the
 * default NKT_FLOW_PORT_BASE + paris_id.  Returns 0 or NKT_EINVAL when
 * size is out of [nkt_probe_min_size, NKT_PROBE_MAX_SIZE].
 */
int nkt_flow_init(struct nkt_flow *f, enum nkt_method m, uint32_t src,
		  uint32_t dst, uint16_t sport, uint16_t dport,
		  uint8_t paris_id, uint16_t size, uint8_t tos,
		  struct nkt_err *err);

/* The IP ID copy of `id` for a probe to dst, and back. */
uint16_t nkt_probe_ipid(const struct nkt_key *key, uint32_t dst, uint16_t id);
uint16_t nkt_probe_ipid_id(const struct nkt_key *key, uint32_t dst,
			   uint16_t ipid);

/* The one id whose IP ID copy would be 0 (Linux raw sockets replace an IP
 * ID of 0), which the in-flight table never hands out for dst. */
uint16_t nkt_probe_id_forbidden(const struct nkt_key *key, uint32_t dst);

/* The keyed 16-bit tag of (dst, id) (TCP seq high half, ICMP payload). */
uint16_t nkt_probe_tag(const struct nkt_key *key, uint32_t dst, uint16_t id);

/*
 * Patch a probe into pkt (flow->size bytes holding the flow's template from
 * nkt_wire_template()): addresses, TTL, IP ID, the transport id copy, the
 * compensation bytes and every checksum.  `id` must be non-zero and not
 * nkt_probe_id_forbidden(key, dst).  Pure; no allocation.
 */
void nkt_probe_patch(uint8_t *pkt, const struct nkt_flow *flow,
		     const struct nkt_key *key, uint8_t ttl, uint16_t id);

#endif
