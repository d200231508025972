/* SPDX-License-Identifier: ISC */
/*
 * netinfo.h: what the host knows about its own network (shell): the source
 * address the kernel would use, interfaces, the default gateway, and the
 * gateway's MAC (from the neighbour table, else by ARP).  Nothing here sends
 * a probe; ARP resolution sends ARP requests on the given interface only.
 */
#ifndef NKTRACE_NETINFO_H
#define NKTRACE_NETINFO_H

#include "nktrace/common.h"

#include <stdint.h>

struct nkt_iface {
	char name[16];
	int index;
	uint32_t addr; /* primary IPv4 address, host order; 0 if none */
	uint8_t mac[6];
	int is_ether;
};

/* Source address the kernel picks for `dst` (UDP connect, nothing sent).
 * Returns 0; NKT_ENOTFOUND when routing has none ("no route to ..."),
 * NKT_ESYS for another failure. */
int nkt_net_route_src(uint32_t dst, uint32_t *src, struct nkt_err *err);

/* Look an interface up.  Returns 0, NKT_ENOTFOUND or NKT_ESYS. */
int nkt_net_iface(const char *name, struct nkt_iface *out,
		  struct nkt_err *err);

/* The gateway of iface's default route.  Returns 0 or NKT_ENOTFOUND. */
int nkt_net_default_gw(const char *iface, uint32_t *gw, struct nkt_err *err);

/* The MAC of `ip` on `iface` if the neighbour table has it complete.
 * Returns 0 or NKT_ENOTFOUND. */
int nkt_net_neigh(const char *iface, uint32_t ip, uint8_t mac[6]);

/*
 * Resolve `ip` on `ifc`: the neighbour table first, else up to 3 ARP
 * requests (1 s apart) sent with libnet, the answer read with libpcap.
 * Needs the privilege to open packet sockets.  Returns 0, NKT_ENOTFOUND
 * ("no ARP reply from ...") or NKT_ESYS.
 */
int nkt_net_arp(const struct nkt_iface *ifc, uint32_t ip, uint8_t mac[6],
		struct nkt_err *err);

#endif
