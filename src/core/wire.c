// SPDX-License-Identifier: ISC
/*
 * wire.c: frames from libnet's builders, in a LIBNET_NONE context (no
 * socket).  libnet 1.1.6's libnet_adv_cull_packet() only works in
 * LIBNET_LINK_ADV mode (it needs a device and root), so we call
 * libnet_pblock_coalesce(), which is what cull calls, and free the result
 * with libnet_adv_free_packet().  Pure apart from libnet's allocations.
 */
#include "nktrace/wire.h"

#include <libnet.h>
#include <string.h>

static int coalesce(libnet_t *l, uint8_t *buf, size_t cap, size_t *len,
		    struct nkt_err *err)
{
	uint8_t *pkt = NULL;
	uint32_t n = 0;
	int rc = NKT_OK;

	if (libnet_pblock_coalesce(l, &pkt, &n) < 0 || pkt == NULL)
		return nkt_err_set(err, NKT_ESYS, "libnet: %s",
				   libnet_geterror(l));
	if (n > cap)
		rc = nkt_err_set(err, NKT_ESYS,
				 "libnet built %u bytes, room for %zu", n, cap);
	else {
		memcpy(buf, pkt, n);
		if (len != NULL)
			*len = n;
	}
	libnet_adv_free_packet(l, pkt);
	return rc;
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
	uint8_t payload[NKT_PROBE_MAX_SIZE];
	uint32_t plen;
	libnet_ptag_t t = -1;
	libnet_t *l;
	size_t len = 0;
	int rc;

	if (cap < flow->size || flow->size < nkt_probe_min_size(flow->method))
		return nkt_err_set(err, NKT_EINVAL, "bad template size %u",
				   flow->size);
	l = open_none(err);
	if (l == NULL)
		return NKT_ESYS;
	memset(payload, 0, sizeof(payload));
	switch (flow->method) {
	case NKT_METHOD_ICMP:
		plen = flow->size - LIBNET_IPV4_H - LIBNET_ICMPV4_ECHO_H;
		t = libnet_build_icmpv4_echo(ICMP_ECHO, 0, 0, flow->sport, 0,
					     payload, plen, l, 0);
		break;
	case NKT_METHOD_UDP:
		plen = flow->size - LIBNET_IPV4_H - LIBNET_UDP_H;
		t = libnet_build_udp(flow->sport, flow->dport,
				     (uint16_t)(LIBNET_UDP_H + plen), 0,
				     payload, plen, l, 0);
		break;
	case NKT_METHOD_TCP:
		plen = flow->size - LIBNET_IPV4_H - LIBNET_TCP_H;
		t = libnet_build_tcp(flow->sport, flow->dport, 0, 0, TH_SYN,
				     64240, 0, 0, (uint16_t)(LIBNET_TCP_H + plen),
				     plen ? payload : NULL, plen, l, 0);
		break;
	}
	if (t < 0 ||
	    libnet_build_ipv4(flow->size, flow->tos, 0, 0, 64,
			      nkt_method_proto(flow->method), 0, 0, 0, NULL,
			      0, l, 0) < 0) {
		rc = nkt_err_set(err, NKT_ESYS, "libnet: %s",
				 libnet_geterror(l));
		libnet_destroy(l);
		return rc;
	}
	rc = coalesce(l, buf, cap, &len, err);
	libnet_destroy(l);
	if (rc == NKT_OK && len != flow->size)
		rc = nkt_err_set(err, NKT_ESYS,
				 "libnet built %zu bytes, expected %u", len,
				 flow->size);
	return rc;
}

int nkt_wire_ether(const uint8_t dst_mac[6], const uint8_t src_mac[6],
		   uint8_t *buf, struct nkt_err *err)
{
	libnet_t *l = open_none(err);
	uint8_t frame[NKT_ETHER_HDR_LEN + LIBNET_IPV4_H];
	size_t len = 0;
	int rc;

	if (l == NULL)
		return NKT_ESYS;
	/* A dummy IPv4 header gives coalesce a network layer to sit on. */
	if (libnet_build_ipv4(LIBNET_IPV4_H, 0, 0, 0, 64, 0, 0, 0, 0, NULL, 0,
			      l, 0) < 0 ||
	    libnet_build_ethernet(dst_mac, src_mac, ETHERTYPE_IP, NULL, 0, l,
				  0) < 0) {
		rc = nkt_err_set(err, NKT_ESYS, "libnet: %s",
				 libnet_geterror(l));
		libnet_destroy(l);
		return rc;
	}
	rc = coalesce(l, frame, sizeof(frame), &len, err);
	libnet_destroy(l);
	if (rc == NKT_OK)
		memcpy(buf, frame, NKT_ETHER_HDR_LEN);
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
	int rc;

	if (l == NULL)
		return NKT_ESYS;
	spa[0] = (uint8_t)(src_ip >> 24), spa[1] = (uint8_t)(src_ip >> 16);
	spa[2] = (uint8_t)(src_ip >> 8), spa[3] = (uint8_t)src_ip;
	tpa[0] = (uint8_t)(target_ip >> 24);
	tpa[1] = (uint8_t)(target_ip >> 16);
	tpa[2] = (uint8_t)(target_ip >> 8), tpa[3] = (uint8_t)target_ip;
	if (libnet_build_arp(ARPHRD_ETHER, ETHERTYPE_IP, 6, 4, ARPOP_REQUEST,
			     src_mac, spa, zero, tpa, NULL, 0, l, 0) < 0 ||
	    libnet_build_ethernet(bcast, src_mac, ETHERTYPE_ARP, NULL, 0, l,
				  0) < 0) {
		rc = nkt_err_set(err, NKT_ESYS, "libnet: %s",
				 libnet_geterror(l));
		libnet_destroy(l);
		return rc;
	}
	rc = coalesce(l, buf, cap, len, err);
	libnet_destroy(l);
	return rc;
}
