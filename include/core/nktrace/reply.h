/* SPDX-License-Identifier: ISC */
/*
 * reply.h: one captured frame decoded into what matching needs: the reply's
 * own header fields, and the identity of the probe it answers (from the
 * ICMP quote, or from an echo reply or a TCP SYN-ACK/RST itself).  Our own
 * outgoing probes decode too (kind NKT_REPLY_PROBE), so the capture's
 * timestamp of each probe can be taken.
 */
#ifndef NKTRACE_REPLY_H
#define NKTRACE_REPLY_H

#include <stddef.h>
#include <stdint.h>

enum nkt_reply_kind {
	NKT_REPLY_NONE = 0,
	NKT_REPLY_TTL_EXCEEDED, /* ICMP time exceeded in transit (11/0) */
	NKT_REPLY_UNREACH,      /* ICMP destination unreachable, any code */
	NKT_REPLY_ECHO_REPLY,   /* ICMP echo reply */
	NKT_REPLY_TCP,          /* TCP SYN-ACK, or RST with ACK */
	NKT_REPLY_OTHER_ICMP,   /* other ICMP error quoting a datagram */
	NKT_REPLY_PROBE,        /* an outgoing-looking probe: echo request,
				   UDP datagram, TCP SYN */
};

/* Link-layer types the decoder reads (libpcap DLT_ values). */
#define NKT_DLT_NULL 0
#define NKT_DLT_EN10MB 1
#define NKT_DLT_PPP 9
#define NKT_DLT_RAW 12
#define NKT_DLT_RAW_FILE 101 /* LINKTYPE_RAW as stored in files */
#define NKT_DLT_LOOP 108
#define NKT_DLT_LINUX_SLL 113
#define NKT_DLT_IPV4 228
#define NKT_DLT_LINUX_SLL2 276

#define NKT_MPLS_MAX 8
#define NKT_EXT_OBJ_MAX 8

/* Flags in nkt_reply.flags */
#define NKT_RF_OUTGOING 0x0001   /* link layer says we sent it */
#define NKT_RF_INCOMING 0x0002   /* link layer says we received it */
#define NKT_RF_QUOTE 0x0004      /* q_src/q_dst/q_proto/q_ipid valid */
#define NKT_RF_QUOTE_L4 0x0008   /* q_sport/q_dport/q_xid valid */
#define NKT_RF_TAG 0x0010        /* q_tag valid (TCP seq, ICMP payload) */
#define NKT_RF_EXT 0x0020        /* ICMP extension structure decoded */
#define NKT_RF_EXT_RFC4884 0x0040 /* ... located by the length attribute */
#define NKT_RF_EXT_BADSUM 0x0080 /* extension present, checksum wrong */
#define NKT_RF_TRUNCATED 0x0100  /* capture shorter than the datagram */
#define NKT_RF_CKSUM_UNVERIFIED 0x0200 /* ICMP checksum not checkable */

struct nkt_ext_obj {
	uint8_t cls, ctype;
};

struct nkt_reply {
	uint32_t flags;
	uint8_t kind;      /* enum nkt_reply_kind */
	uint8_t icmp_type, icmp_code;
	uint8_t ttl;       /* IP TTL of the reply */
	uint8_t tos;
	uint8_t ip_hl;     /* IP header length of the reply, bytes */
	uint8_t tcp_flags; /* NKT_REPLY_TCP and PROBE (TCP) */
	uint16_t ipid;     /* IP ID of the reply */
	uint16_t ip_len;   /* IP total length of the reply */
	uint16_t mtu;      /* unreachable, fragmentation needed */
	uint32_t src, dst; /* reply addresses, host order */

	/* The probe this answers (or, for PROBE, the probe itself). */
	uint8_t q_proto;   /* 1, 17, 6 */
	uint8_t q_ttl;     /* TTL the probe had when the error was made */
	uint8_t q_tos;
	uint16_t q_ipid;
	uint16_t q_len;    /* the quoted IP total length */
	uint16_t q_sport;  /* UDP/TCP source port; ICMP echo identifier */
	uint16_t q_dport;  /* UDP/TCP destination port; 0 for ICMP */
	uint16_t q_xid;    /* transport copy of the probe id (ICMP seq, UDP
			      checksum, TCP seq low half) */
	uint16_t q_tag;    /* keyed tag (TCP seq high half, ICMP payload) */
	uint16_t quote_len; /* bytes of the original datagram quoted */
	uint32_t q_src, q_dst;

	/* RFC 4884 / RFC 4950 */
	uint8_t ext_version;
	uint8_t n_obj;
	uint8_t n_mpls;
	struct nkt_ext_obj obj[NKT_EXT_OBJ_MAX];
	uint32_t mpls[NKT_MPLS_MAX]; /* label stack entries as on the wire */
	uint32_t ifindex; /* the interface the frame crossed (LINUX_SLL2);
			     0: the link layer does not say */
};

/*
 * Decode one captured frame of link type `dlt`: `caplen` bytes present of
 * a frame that was `wirelen` bytes long (0: as long as caplen).  Returns 0
 * and fills *out for ICMP errors quoting an IPv4 datagram, echo replies,
 * TCP SYN-ACK / RST-ACK, and probe-like packets; NKT_EIGNORE for anything
 * else (ARP, IPv6, other IPv4 traffic, a quote of something that cannot be
 * a probe); NKT_EMALFORMED for frames that are cut short or inconsistent
 * (an IP length beyond the frame), or whose ICMP checksum is wrong.  A
 * frame the capture cut short (snaplen) decodes with NKT_RF_TRUNCATED.
 * Never reads beyond caplen.  Keeps no state.
 */
int nkt_reply_decode(const uint8_t *frame, size_t caplen, size_t wirelen,
		     int dlt, struct nkt_reply *out);

/* Same, for a buffer that starts with the IPv4 header (len bytes present
 * of a datagram wirelen bytes long, 0 = len). */
int nkt_reply_decode_ip(const uint8_t *ip, size_t len, size_t wirelen,
			struct nkt_reply *out);

/* Name of a reply kind, e.g. "ttl-exceeded". */
const char *nkt_reply_kind_name(int kind);

/* MPLS label stack entry fields. */
static inline uint32_t nkt_mpls_label(uint32_t lse)
{
	return lse >> 12;
}
static inline unsigned nkt_mpls_exp(uint32_t lse)
{
	return (lse >> 9) & 7;
}
static inline unsigned nkt_mpls_s(uint32_t lse)
{
	return (lse >> 8) & 1;
}
static inline unsigned nkt_mpls_ttl(uint32_t lse)
{
	return lse & 0xff;
}

#endif
