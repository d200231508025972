// SPDX-License-Identifier: ISC
/*
 * reply_decode.c: captured frame -> struct nkt_reply.  Every read is
 * bounds-checked against the captured length; the decoder classifies
 * (OK / IGNORE / MALFORMED) and never fails otherwise.  Pure, no state.
 *
 * ICMP error (RFC 792, RFC 4884 length attribute in byte 5):
 *   | type | code | checksum | unused | len | (mtu or unused) |
 *   | original datagram: IPv4 header + >= 8 transport bytes  |
 *   | [extension structure: ver=2 | rsvd | checksum | objects] |
 * Extension object (RFC 4884): | length | class | c-type | payload |
 * MPLS label stack object (RFC 4950, class 1 c-type 1): 4-byte entries
 *   | label (20) | exp (3) | S (1) | TTL (8) |
 *
 * Checksums: the ICMP checksum is verified (routers and hosts compute it
 * in software), but TCP and UDP checksums are not: with checksum offload
 * (veth, most NICs) a captured segment may hold only a partial sum.
 */
#include "nktrace/reply.h"
#include "nktrace/common.h"
#include "nktrace/inet.h"

#include <string.h>

#define ICMP_ECHOREPLY_T 0
#define ICMP_UNREACH_T 3
#define ICMP_SOURCEQUENCH_T 4
#define ICMP_REDIRECT_T 5
#define ICMP_ECHO_T 8
#define ICMP_TIMXCEED_T 11
#define ICMP_PARAMPROB_T 12

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_ACK 0x10

const char *nkt_reply_kind_name(int kind)
{
	switch (kind) {
	case NKT_REPLY_TTL_EXCEEDED:
		return "ttl-exceeded";
	case NKT_REPLY_UNREACH:
		return "unreachable";
	case NKT_REPLY_ECHO_REPLY:
		return "echo-reply";
	case NKT_REPLY_TCP:
		return "tcp";
	case NKT_REPLY_OTHER_ICMP:
		return "icmp";
	case NKT_REPLY_PROBE:
		return "probe";
	default:
		return "none";
	}
}

/* RFC 4884 extension structure at p (len bytes to the end of the ICMP
 * message).  Returns 1 if one was decoded into out, 0 if none is there. */
static int decode_ext(const uint8_t *p, size_t len, struct nkt_reply *out)
{
	size_t off = 4;

	if (len < 4 || (p[0] >> 4) != 2)
		return 0;
	if (nkt_inet_cksum(p, len) != 0) {
		out->flags |= NKT_RF_EXT_BADSUM;
		return 0;
	}
	out->flags |= NKT_RF_EXT;
	out->ext_version = (uint8_t)(p[0] >> 4);
	while (off + 4 <= len) {
		uint16_t olen = nkt_get16(p + off);
		uint8_t cls = p[off + 2], ctype = p[off + 3];
		size_t i;

		if (olen < 4 || olen > len - off)
			break; /* malformed object: keep what came before */
		if (out->n_obj < NKT_EXT_OBJ_MAX) {
			out->obj[out->n_obj].cls = cls;
			out->obj[out->n_obj].ctype = ctype;
			out->n_obj++;
		}
		if (cls == 1 && ctype == 1)
			for (i = off + 4; i + 4 <= off + olen; i += 4)
				if (out->n_mpls < NKT_MPLS_MAX)
					out->mpls[out->n_mpls++] =
						nkt_get32(p + i);
		off += olen;
	}
	return 1;
}

/* The first transport bytes of a quoted or outgoing probe. */
static int probe_l4(uint8_t proto, const uint8_t *l4, size_t len,
		    struct nkt_reply *out)
{
	uint32_t seq;

	switch (proto) {
	case 1:
		if (len < 8)
			return NKT_OK;
		if (l4[0] != ICMP_ECHO_T)
			return NKT_EIGNORE; /* not a probe we could send */
		out->q_sport = nkt_get16(l4 + 4);
		out->q_dport = 0;
		out->q_xid = nkt_get16(l4 + 6);
		out->flags |= NKT_RF_QUOTE_L4;
		if (len >= 12) {
			out->q_tag = nkt_get16(l4 + 10);
			out->flags |= NKT_RF_TAG;
		}
		return NKT_OK;
	case 17:
		if (len < 8)
			return NKT_OK;
		out->q_sport = nkt_get16(l4);
		out->q_dport = nkt_get16(l4 + 2);
		out->q_xid = nkt_get16(l4 + 6);
		out->flags |= NKT_RF_QUOTE_L4;
		if (len >= 12) {
			out->q_tag = nkt_get16(l4 + 10);
			out->flags |= NKT_RF_TAG;
		}
		return NKT_OK;
	case 6:
		if (len < 8)
			return NKT_OK;
		seq = nkt_get32(l4 + 4);
		out->q_sport = nkt_get16(l4);
		out->q_dport = nkt_get16(l4 + 2);
		out->q_xid = (uint16_t)seq;
		out->q_tag = (uint16_t)(seq >> 16);
		out->flags |= NKT_RF_QUOTE_L4 | NKT_RF_TAG;
		return NKT_OK;
	default:
		return NKT_EIGNORE;
	}
}

static int decode_icmp_error(const uint8_t *l4, size_t l4len,
			     struct nkt_reply *out)
{
	const uint8_t *q = l4 + 8;
	size_t qlen = l4len - 8, qihl, ql4len, orig = 0;
	int rc;

	if (out->icmp_type == ICMP_UNREACH_T ||
	    out->icmp_type == ICMP_TIMXCEED_T ||
	    out->icmp_type == ICMP_PARAMPROB_T)
		orig = (size_t)l4[5] * 4; /* RFC 4884 length attribute */
	if (qlen < 20)
		return NKT_EMALFORMED; /* an error must quote a header */
	if ((q[0] >> 4) != 4)
		return NKT_EIGNORE;
	qihl = (size_t)(q[0] & 0x0f) * 4;
	if (qihl < 20 || qihl > qlen)
		return NKT_EMALFORMED;
	out->q_tos = q[1];
	out->q_len = nkt_get16(q + 2);
	out->q_ipid = nkt_get16(q + 4);
	out->q_ttl = q[8];
	out->q_proto = q[9];
	out->q_src = nkt_get32(q + 12);
	out->q_dst = nkt_get32(q + 16);
	out->flags |= NKT_RF_QUOTE;

	if (orig != 0 && orig <= qlen) {
		out->quote_len = (uint16_t)orig;
		if (orig < qlen && decode_ext(q + orig, qlen - orig, out))
			out->flags |= NKT_RF_EXT_RFC4884;
	} else {
		out->quote_len = (uint16_t)(qlen > 0xffff ? 0xffff : qlen);
		/* Pre-RFC 4884 routers put the extension after 128 bytes of
		 * original datagram without saying so (RFC 4884 5.5). */
		if (qlen > 128 + 4 && decode_ext(q + 128, qlen - 128, out))
			out->quote_len = 128;
	}
	if (nkt_get16(q + 6) & 0x1fff)
		return NKT_OK; /* a later fragment: no transport header */
	ql4len = out->quote_len > qihl ? out->quote_len - qihl : 0;
	rc = probe_l4(out->q_proto, q + qihl, ql4len, out);
	return rc;
}

static int decode_icmp(const uint8_t *l4, size_t l4len, int truncated,
		       struct nkt_reply *out)
{
	if (l4len < 8)
		return NKT_EMALFORMED;
	out->icmp_type = l4[0];
	out->icmp_code = l4[1];
	if (truncated)
		out->flags |= NKT_RF_CKSUM_UNVERIFIED;
	else if (nkt_inet_cksum(l4, l4len) != 0)
		return NKT_EMALFORMED;

	switch (out->icmp_type) {
	case ICMP_ECHOREPLY_T:
		out->kind = NKT_REPLY_ECHO_REPLY;
		out->q_proto = 1;
		out->q_src = out->dst;
		out->q_dst = out->src;
		out->q_sport = nkt_get16(l4 + 4);
		out->q_xid = nkt_get16(l4 + 6);
		out->flags |= NKT_RF_QUOTE | NKT_RF_QUOTE_L4;
		if (l4len >= 12) {
			out->q_tag = nkt_get16(l4 + 10);
			out->flags |= NKT_RF_TAG;
		}
		return NKT_OK;
	case ICMP_ECHO_T:
		out->kind = NKT_REPLY_PROBE;
		out->q_proto = 1;
		out->q_src = out->src;
		out->q_dst = out->dst;
		out->q_ipid = out->ipid;
		out->q_ttl = out->ttl;
		out->q_tos = out->tos;
		out->q_len = out->ip_len;
		out->flags |= NKT_RF_QUOTE;
		return probe_l4(1, l4, l4len, out);
	case ICMP_UNREACH_T:
		out->kind = NKT_REPLY_UNREACH;
		if (out->icmp_code == 4)
			out->mtu = nkt_get16(l4 + 6);
		return decode_icmp_error(l4, l4len, out);
	case ICMP_TIMXCEED_T:
		out->kind = out->icmp_code == 0 ? NKT_REPLY_TTL_EXCEEDED
						: NKT_REPLY_OTHER_ICMP;
		return decode_icmp_error(l4, l4len, out);
	case ICMP_PARAMPROB_T:
	case ICMP_SOURCEQUENCH_T:
	case ICMP_REDIRECT_T:
		out->kind = NKT_REPLY_OTHER_ICMP;
		return decode_icmp_error(l4, l4len, out);
	default:
		return NKT_EIGNORE;
	}
}

static int decode_tcp(const uint8_t *l4, size_t l4len, struct nkt_reply *out)
{
	size_t doff;
	uint8_t fl;
	uint32_t seq;

	if (l4len < 20)
		return NKT_EMALFORMED;
	doff = (size_t)(l4[12] >> 4) * 4;
	if (doff < 20 || doff > l4len)
		return NKT_EMALFORMED;
	fl = l4[13];
	out->tcp_flags = fl;
	if ((fl & TCP_SYN) && !(fl & (TCP_ACK | TCP_RST | TCP_FIN))) {
		out->kind = NKT_REPLY_PROBE;
		out->q_proto = 6;
		out->q_src = out->src;
		out->q_dst = out->dst;
		out->q_ipid = out->ipid;
		out->q_ttl = out->ttl;
		out->q_tos = out->tos;
		out->q_len = out->ip_len;
		out->flags |= NKT_RF_QUOTE;
		return probe_l4(6, l4, l4len, out);
	}
	if (!(fl & TCP_ACK) || !(fl & (TCP_SYN | TCP_RST)))
		return NKT_EIGNORE; /* no acknowledgment: nothing to match */
	seq = nkt_get32(l4 + 8) - 1; /* the SYN's sequence number */
	out->kind = NKT_REPLY_TCP;
	out->q_proto = 6;
	out->q_src = out->dst;
	out->q_dst = out->src;
	out->q_sport = nkt_get16(l4 + 2);
	out->q_dport = nkt_get16(l4);
	out->q_xid = (uint16_t)seq;
	out->q_tag = (uint16_t)(seq >> 16);
	out->flags |= NKT_RF_QUOTE | NKT_RF_QUOTE_L4 | NKT_RF_TAG;
	return NKT_OK;
}

int nkt_reply_decode_ip(const uint8_t *ip, size_t len, size_t wirelen,
			struct nkt_reply *out)
{
	size_t ihl, tot, avail;
	int truncated = 0;
	uint32_t keep = out->flags & (NKT_RF_OUTGOING | NKT_RF_INCOMING);

	memset(out, 0, sizeof(*out));
	out->flags = keep;
	if (len < 1)
		return NKT_EMALFORMED;
	if ((ip[0] >> 4) != 4)
		return NKT_EIGNORE; /* IPv6 and others: nktrace probes IPv4 */
	if (len < 20)
		return NKT_EMALFORMED;
	ihl = (size_t)(ip[0] & 0x0f) * 4;
	tot = nkt_get16(ip + 2);
	if (ihl < 20 || ihl > len || tot < ihl)
		return NKT_EMALFORMED;
	if (nkt_get16(ip + 6) & 0x1fff)
		return NKT_EIGNORE; /* later fragment */
	if (wirelen < len)
		wirelen = len;
	if (tot > wirelen)
		return NKT_EMALFORMED; /* claims more than was on the wire */
	if (tot > len) {
		truncated = 1;
		avail = len;
		out->flags |= NKT_RF_TRUNCATED;
	} else
		avail = tot; /* ignore link-layer padding */
	out->tos = ip[1];
	out->ip_hl = (uint8_t)ihl;
	out->ip_len = (uint16_t)tot;
	out->ipid = nkt_get16(ip + 4);
	out->ttl = ip[8];
	out->src = nkt_get32(ip + 12);
	out->dst = nkt_get32(ip + 16);
	switch (ip[9]) {
	case 1:
		return decode_icmp(ip + ihl, avail - ihl, truncated, out);
	case 6:
		return decode_tcp(ip + ihl, avail - ihl, out);
	case 17:
		if (avail - ihl < 8)
			return NKT_EMALFORMED;
		out->kind = NKT_REPLY_PROBE;
		out->q_proto = 17;
		out->q_src = out->src;
		out->q_dst = out->dst;
		out->q_ipid = out->ipid;
		out->q_ttl = out->ttl;
		out->q_tos = out->tos;
		out->q_len = out->ip_len;
		out->flags |= NKT_RF_QUOTE;
		return probe_l4(17, ip + ihl, avail - ihl, out);
	default:
		return NKT_EIGNORE;
	}
}

int nkt_reply_decode(const uint8_t *f, size_t caplen, size_t wirelen,
		     int dlt, struct nkt_reply *out)
{
	size_t off = 0;
	uint32_t et = 0, dir = 0, af, ifindex = 0;
	int rc;

	switch (dlt) {
	case NKT_DLT_EN10MB:
		if (caplen < 14)
			return NKT_EMALFORMED;
		et = nkt_get16(f + 12);
		off = 14;
		while (et == 0x8100 || et == 0x88a8) {
			if (caplen < off + 4)
				return NKT_EMALFORMED;
			et = nkt_get16(f + off + 2);
			off += 4;
		}
		break;
	case NKT_DLT_LINUX_SLL:
		if (caplen < 16)
			return NKT_EMALFORMED;
		dir = nkt_get16(f);
		et = nkt_get16(f + 14);
		off = 16;
		break;
	case NKT_DLT_LINUX_SLL2:
		if (caplen < 20)
			return NKT_EMALFORMED;
		et = nkt_get16(f);
		ifindex = nkt_get32(f + 4);
		dir = f[10];
		off = 20;
		break;
	case NKT_DLT_RAW:
	case NKT_DLT_RAW_FILE:
	case NKT_DLT_IPV4:
		et = 0x0800;
		break;
	case NKT_DLT_NULL:
	case NKT_DLT_LOOP:
		if (caplen < 4)
			return NKT_EMALFORMED;
		/* DLT_NULL is in the capturing host's byte order. */
		af = nkt_get32(f);
		if (af != 2 && (af >> 24) != 2)
			return NKT_EIGNORE;
		et = 0x0800;
		off = 4;
		break;
	case NKT_DLT_PPP:
		if (caplen < 2)
			return NKT_EMALFORMED;
		if (f[0] == 0xff && f[1] == 0x03) {
			if (caplen < 4)
				return NKT_EMALFORMED;
			et = nkt_get16(f + 2);
			off = 4;
		} else if (f[0] & 1) {
			et = f[0]; /* protocol field compression */
			off = 1;
		} else {
			et = nkt_get16(f);
			off = 2;
		}
		et = et == 0x21 ? 0x0800 : et == 0x281 || et == 0x283 ? 0x8847
									: et;
		break;
	default:
		return NKT_EIGNORE;
	}
	if (et == 0x8847 || et == 0x8848) {
		/* MPLS: skip the label stack to the bottom-of-stack entry. */
		for (;;) {
			if (caplen < off + 4)
				return NKT_EMALFORMED;
			off += 4;
			if (f[off - 2] & 1)
				break;
		}
		if (caplen < off + 1)
			return NKT_EMALFORMED;
		et = (f[off] >> 4) == 4 ? 0x0800 : 0;
	}
	if (et != 0x0800)
		return NKT_EIGNORE;
	out->flags = 0;
	if ((dlt == NKT_DLT_LINUX_SLL || dlt == NKT_DLT_LINUX_SLL2) && dir == 4)
		out->flags = NKT_RF_OUTGOING;
	else if (dlt == NKT_DLT_LINUX_SLL || dlt == NKT_DLT_LINUX_SLL2)
		out->flags = NKT_RF_INCOMING;
	rc = nkt_reply_decode_ip(f + off, caplen - off,
				 wirelen > off ? wirelen - off : 0, out);
	out->ifindex = ifindex;
	return rc;
}
