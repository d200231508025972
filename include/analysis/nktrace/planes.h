/* SPDX-License-Identifier: ISC */
/*
 * planes.h: the control plane (BGP: which transit the collectors' peers
 * route a prefix through) beside the data plane (the transit that
 * carries the packets to it), and whether they disagree.  Pure.
 *
 * Transits are compared as the data plane names them: a group of the
 * transits file by its name (China Unicom, whether its hand-off is AS4837
 * or AS134544, is one), any other upstream by its number (BGP's "AS9002"
 * is the data plane's "AS9002 RETN Limited").
 */
#ifndef NKTRACE_PLANES_H
#define NKTRACE_PLANES_H

#include "nktrace/detect.h"

#include <stddef.h>
#include <stdint.h>

/* The control plane of one prefix through one transit. */
struct nkt_plane_route {
	char prefix[64];
	char transit[96];   /* the group's name, or "AS9002" */
	char asns[128];     /* the upstream ASes, "4837 134544" */
	uint32_t peers;     /* collector peers routing it through this
			       transit */
	uint32_t total;     /* peers with a route to the prefix */
	int64_t since;      /* the earliest route through it now */
};

/* The data plane's carrier of one prefix (a split prefix has two). */
struct nkt_plane_carrier {
	char prefix[64];
	char transit[96];
};

/* The share of a prefix's peers a transit needs to count as one of its
 * control-plane transits (as a carrier needs of the routed targets). */
#define NKT_PLANES_SHARE 0.25

/* Whether the data plane's transit name `carrier` is the control plane's
 * transit `route` (the same name, or "AS<n>" and "AS<n> Name"). */
int nkt_planes_same(const char *carrier, const char *route);

/*
 * The two planes of `prefix`: -1 when either has nothing of it; 0 when
 * they agree (a carrier is a control-plane transit with at least
 * NKT_PLANES_SHARE of the peers); 1 when they disagree.  *ev is set
 * either way (planes_agree / planes_disagree, the prefix, the control
 * plane's leading transit, and a sentence: "175.45.178.0/24: BGP via TTK
 * (94% of 18 peers), packets via China Unicom").
 */
int nkt_planes_state(const char *prefix, const struct nkt_plane_carrier *c,
		     size_t nc, const struct nkt_plane_route *r, size_t nr,
		     struct nkt_event *ev);

#endif
