// SPDX-License-Identifier: ISC
/*
 * wire.c: frames from libnet's builders, in a LIBNET_NONE context (no
 * socket).  Each header is read back from its protocol block with
 * libnet_getpbuf() (public API), in wire order; the payload is zeros.
 * libnet_adv_cull_packet() would join the blocks too, but libnet 1.1.6
 * allows it only in LIBNET_LINK_ADV mode, which opens a device and needs
 * root, and dry runs and unit tests have neither.  Pure apart from
 * libnet's allocations.
 */
#include "nktrace/wire.h"

#include <libnet.h>
#include <string.h>

/*
 * Copy the protocol blocks `tags` (wire order) into buf one after the
 * other and zero the rest up to `want` bytes (0: no padding).  Checksums
 * are left as built (0): nkt_probe_patch writes them.
 */
static int assemble(libnet_t *l, const libnet_ptag_t *tags, size_t n,
		    uint8_t *buf, size_t cap, size_t want, size_t *len,
		    struct nkt_err *err)
{
	size_t off = 0, i;

	for (i = 0; i < n; i++) {
		uint8_t *b = libnet_getpbuf(l, tags[i]);
		size_t sz = libnet_getpbuf_size(l, tags[i]);
		if (b == NULL || off + sz > cap)
			return nkt_err_set(err, NKT_ESYS,
					   "libnet: protocol block %zu of %zu "
					   "bytes does not fit",
					   i, sz);
		memcpy(buf + off, b, sz);
		off += sz;
	}
	if (want > cap || off > (want ? want : off))
		return nkt_err_set(err, NKT_ESYS,
				   "libnet built %zu bytes, expected %zu", off,
				   want);
	if (want > off) {
		memset(buf + off, 0, want - off);
		off = want;
	}
	if (len != NULL)
		*len = off;
	return NKT_OK;
}

static libnet_t *open_none(struct nkt_err *err)
{
	char errbuf[LIBNET_ERRBUF_SIZE];
	libnet_t *l = libnet_init(LIBNET_NONE, NULL, errbuf);
	if (l == NULL)
		nkt_err_set(err, NKT_ESYS, "libnet_init: %s", errbuf);
	return l;
}

int nkt_wire_template(const struct nkt_flow *flow, uint8_t *buf, size_t cap,
		      struct nkt_err *err)
{
	uint32_t plen;
	libnet_ptag_t tags[2] = {-1, -1};
	libnet_t *l;
	int rc;

	if (cap < flow->size || flow->size < nkt_probe_min_size(flow->method))
		return nkt_err_set(err, NKT_EINVAL, "bad template size %u",
				   flow->size);
	l = open_none(err);
	if (l == NULL)
		return NKT_ESYS;
	/* The headers with their length fields for the whole probe; the
	 * payload (zeros) is padding after them. */
	switch (flow->method) {
	case NKT_METHOD_ICMP:
		tags[1] = libnet_build_icmpv4_echo(ICMP_ECHO, 0, 0,
						   flow->sport, 0, NULL, 0, l,
						   0);
		break;
	case NKT_METHOD_UDP:
		plen = flow->size - LIBNET_IPV4_H - LIBNET_UDP_H;
		tags[1] = libnet_build_udp(flow->sport, flow->dport,
					   (uint16_t)(LIBNET_UDP_H + plen), 0,
					   NULL, 0, l, 0);
		break;
	case NKT_METHOD_TCP:
		tags[1] = libnet_build_tcp(flow->sport, flow->dport, 0, 0,
					   TH_SYN, 64240, 0, 0,
					   (uint16_t)flow->size - LIBNET_IPV4_H,
					   NULL, 0, l, 0);
		break;
	}
	if (tags[1] >= 0)
		tags[0] = libnet_build_ipv4(flow->size, flow->tos, 0, 0, 64,
					    nkt_method_proto(flow->method), 0,
					    0, 0, NULL, 0, l, 0);
	if (tags[0] < 0 || tags[1] < 0) {
		rc = nkt_err_set(err, NKT_ESYS, "libnet: %s",
				 libnet_geterror(l));
		libnet_destroy(l);
		return rc;
	}
	rc = assemble(l, tags, 2, buf, cap, flow->size, NULL, err);
	libnet_destroy(l);
	return rc;
}

int nkt_wire_ether(const uint8_t dst_mac[6], const uint8_t src_mac[6],
		   uint8_t *buf, struct nkt_err *err)
{
	libnet_t *l = open_none(err);
	libnet_ptag_t t;
	int rc;

	if (l == NULL)
		return NKT_ESYS;
	t = libnet_build_ethernet(dst_mac, src_mac, ETHERTYPE_IP, NULL, 0, l,
				  0);
	if (t < 0)
		rc = nkt_err_set(err, NKT_ESYS, "libnet: %s",
				 libnet_geterror(l));
	else
		rc = assemble(l, &t, 1, buf, NKT_ETHER_HDR_LEN,
			      NKT_ETHER_HDR_LEN, NULL, err);
	libnet_destroy(l);
	return rc;
}

int nkt_wire_arp_request(const uint8_t src_mac[6], uint32_t src_ip,
			 uint32_t target_ip, uint8_t *buf, size_t cap,
			 size_t *len, struct nkt_err *err)
{
	static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	static const uint8_t zero[6] = {0};
	uint8_t spa[4], tpa[4];
	libnet_t *l = open_none(err);
	libnet_ptag_t tags[2] = {-1, -1}; /* Ethernet, ARP */
	int rc;

	if (l == NULL)
		return NKT_ESYS;
	spa[0] = (uint8_t)(src_ip >> 24), spa[1] = (uint8_t)(src_ip >> 16);
	spa[2] = (uint8_t)(src_ip >> 8), spa[3] = (uint8_t)src_ip;
	tpa[0] = (uint8_t)(target_ip >> 24);
	tpa[1] = (uint8_t)(target_ip >> 16);
	tpa[2] = (uint8_t)(target_ip >> 8), tpa[3] = (uint8_t)target_ip;
	tags[1] = libnet_build_arp(ARPHRD_ETHER, ETHERTYPE_IP, 6, 4,
				   ARPOP_REQUEST, src_mac, spa, zero, tpa, NULL,
				   0, l, 0);
	if (tags[1] >= 0)
		tags[0] = libnet_build_ethernet(bcast, src_mac, ETHERTYPE_ARP,
						NULL, 0, l, 0);
	if (tags[0] < 0 || tags[1] < 0) {
		rc = nkt_err_set(err, NKT_ESYS, "libnet: %s",
				 libnet_geterror(l));
		libnet_destroy(l);
		return rc;
	}
	rc = assemble(l, tags, 2, buf, cap, 0, len, err);
	libnet_destroy(l);
	return rc;
}
