/* SPDX-License-Identifier: ISC */
/*
 * sender.h: writes probes (shell).  The sender owns the libnet contexts
 * (one raw IPv4 socket, one link-layer handle per forced uplink) or, in a
 * dry run, a pcap dump; it patches per-flow templates and writes probes,
 * one at a time (trace's scheduler) or in batches with sendmmsg (sweep).
 * One thread uses it.
 */
#ifndef NKTRACE_SENDER_H
#define NKTRACE_SENDER_H

#include "nktrace/common.h"
#include "nktrace/netinfo.h"
#include "nktrace/probe.h"
#include "nktrace/keyhash.h"
#include "nktrace/sched.h"

#include <stddef.h>
#include <stdint.h>

#define NKT_MAX_UPLINKS 8

/* A forced egress: link-layer injection on ifc towards gateway. */
struct nkt_uplink {
	char name[32]; /* label, e.g. "ttk" or the interface name */
	struct nkt_iface ifc;
	uint32_t gateway;
	uint8_t gw_mac[6];
};

struct nkt_sender;

/*
 * Open the sender: a raw IPv4 socket unless every flow is forced, plus one
 * link-layer handle per uplink (uplinks[0] unused: index 0 is "routed").
 * dry_pcap != NULL: open nothing privileged; write frames to that file.
 * Returns NULL with err set; NKT_EPRIV in err->code when privilege lacks.
 */
struct nkt_sender *nkt_sender_open(const struct nkt_uplink *uplinks,
				   size_t n_uplinks, int need_raw,
				   const struct nkt_key *key,
				   const char *dry_pcap, struct nkt_err *err);

/* Size the raw socket's send buffer (bytes; batch mode at high rates).
 * Best effort: the kernel may cap it. */
void nkt_sender_sndbuf(struct nkt_sender *s, int bytes);

/* Build and write one probe.  *tx_wall_ns is read just before the write
 * (in a dry run: `dry_wall_ns`).  Returns 0 or the errno of the write. */
int nkt_sender_send(struct nkt_sender *s, const struct nkt_probe_req *req,
		    uint64_t dry_wall_ns, uint64_t *tx_wall_ns);

#define NKT_SENDER_BATCH_MAX 256

/* What a batch write did. */
struct nkt_batch_result {
	size_t failed[NKT_SENDER_BATCH_MAX]; /* indexes of probes not sent */
	size_t n_failed;
	int first_errno;  /* of the first probe not sent, or 0 */
	uint64_t retries; /* waits for a full interface queue */
};

/*
 * Batch mode (sweep): write n <= NKT_SENDER_BATCH_MAX complete IPv4
 * packets of len bytes each, addressed by their headers, on the raw socket
 * with sendmmsg().  A full interface queue (ENOBUFS, EAGAIN) is waited out
 * briefly and the rest written; a packet that cannot be sent at all (no
 * route, filtered) is skipped and reported in r.  Returns 0, or
 * ENETUNREACH without a raw socket (dry run, forced uplinks only).
 */
int nkt_sender_send_batch(struct nkt_sender *s, uint8_t *const *pkts,
			  size_t n, size_t len, struct nkt_batch_result *r);

/* Close; a dry run's pcap file is flushed (0) or reports a write error. */
int nkt_sender_close(struct nkt_sender *s, struct nkt_err *err);

#endif
