/* SPDX-License-Identifier: ISC */
/*
 * wire.h: full frames built with libnet's builders in a LIBNET_NONE
 * context (no socket, no privilege).  Probe templates are built once per
 * flow shape and patched per probe by nkt_probe_patch().
 */
#ifndef NKTRACE_WIRE_H
#define NKTRACE_WIRE_H

#include "nktrace/common.h"
#include "nktrace/probe.h"

#include <stddef.h>
#include <stdint.h>

#define NKT_ETHER_HDR_LEN 14

/*
 * Build the template of a flow's probes into buf (cap >= flow->size): IPv4
 * header (version, TOS, total length, protocol) and the transport header's
 * constant fields (ICMP echo type and identifier; UDP ports and length; TCP
 * ports, SYN, window, data offset) with a zero payload.  Addresses, TTL,
 * ids and checksums are left for nkt_probe_patch().
 * Returns 0, or NKT_ESYS with libnet's message.
 */
int nkt_wire_template(const struct nkt_flow *flow, uint8_t *buf, size_t cap,
		      struct nkt_err *err);

/* Build an Ethernet II header (type IPv4) into buf (14 bytes). */
int nkt_wire_ether(const uint8_t dst_mac[6], const uint8_t src_mac[6],
		   uint8_t *buf, struct nkt_err *err);

/*
 * Build an ARP request frame (Ethernet broadcast) asking for `target_ip`
 * from (src_mac, src_ip) into buf (cap >= 42).  *len gets its length.
 */
int nkt_wire_arp_request(const uint8_t src_mac[6], uint32_t src_ip,
			 uint32_t target_ip, uint8_t *buf, size_t cap,
			 size_t *len, struct nkt_err *err);

#endif
