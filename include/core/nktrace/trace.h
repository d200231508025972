/* SPDX-License-Identifier: ISC */
/*
 * trace.h: the result of tracing one flow: every probe's outcome and why
 * the trace stopped.  Failures are data here (stop reason, flags, counters);
 * writers turn a trace into text or JSON.
 */
#ifndef NKTRACE_TRACE_H
#define NKTRACE_TRACE_H

#include "nktrace/probe.h"
#include "nktrace/reply.h"

#include <stddef.h>
#include <stdint.h>

/* Why a trace stopped (scamper's reasons). */
enum nkt_stop {
	NKT_STOP_NONE = 0,
	NKT_STOP_COMPLETED, /* the destination answered */
	NKT_STOP_UNREACH,   /* an ICMP destination unreachable */
	NKT_STOP_ICMP,      /* another ICMP error */
	NKT_STOP_LOOP,      /* an address repeated at non-adjacent hops */
	NKT_STOP_GAPLIMIT,  /* too many silent hops in a row */
	NKT_STOP_HOPLIMIT,  /* the maximum TTL was reached */
	NKT_STOP_ERROR,     /* a probe could not be sent */
	NKT_STOP_HALTED,    /* the run was interrupted */
};

/* Per-probe flags */
#define NKT_PF_REPLY 0x0001     /* answered; otherwise a timeout */
#define NKT_PF_DUP 0x0002       /* an extra reply to an answered probe */
#define NKT_PF_RTT_CLOCK 0x0004 /* RTT from the send-time clock, not the
				   capture of the outgoing frame */
#define NKT_PF_EDST 0x0008      /* a report, not an answer: the quote named
				   another destination (Atlas edst) */
#define NKT_PF_ID_IPID 0x0010   /* id read from the IP ID copy */
#define NKT_PF_PENDING 0x0020   /* sent, not yet resolved (internal) */
#define NKT_PF_EXT_RFC4884 0x0040 /* extension found via RFC 4884 length */
#define NKT_PF_EXT 0x0080       /* an ICMP extension structure came back */
#define NKT_PF_E2E 0x0100       /* an end-to-end probe at the destination's
				   TTL, after the trace (not a hop attempt) */
#define NKT_PF_LATE 0x0200      /* imported: a reply that came after its
				   probe's timeout (Atlas "late"); always
				   with NKT_PF_DUP: an address, no answer */

struct nkt_hop_reply {
	uint64_t tx_ns;   /* send time, ns since the Unix epoch */
	uint64_t rtt_ns;
	uint32_t from;    /* reply source, host order (0 for a timeout) */
	uint32_t edst;    /* quoted destination when NKT_PF_EDST (imported:
			     also of a late reply or duplicate) */
	uint16_t flags;   /* NKT_PF_* */
	uint16_t id;      /* probe id */
	uint16_t size;    /* Atlas size: ICMP payload or TCP segment length */
	uint16_t reply_ipid;
	uint16_t mtu;
	uint8_t ttl;      /* the probe's TTL: the hop */
	uint8_t attempt;  /* 1..attempts */
	uint8_t kind;     /* enum nkt_reply_kind; 0 for a timeout */
	uint8_t icmp_type, icmp_code;
	uint8_t reply_ttl;
	uint8_t quoted_ttl;
	uint8_t quoted_tos;
	uint8_t tcp_flags;
	uint8_t n_mpls;
	uint8_t n_obj;
	uint32_t mpls[NKT_MPLS_MAX];
	struct nkt_ext_obj obj[NKT_EXT_OBJ_MAX];
	/* As an imported record gave them (0 for nktrace's own probes), so
	 * that writing the trace back gives the record that was read. */
	uint16_t late;       /* Atlas "late": packets late, with NKT_PF_LATE */
	uint16_t dstoptsize, hbhoptsize; /* Atlas IPv6 option header sizes */
	uint8_t reply_tos;   /* Atlas "tos" of a TCP reply */
	uint8_t ext_version; /* "icmpext" version as read */
	uint8_t pos;         /* position in the hop's result array */
	uint8_t has;         /* NKT_RH_*: optional members that were there */
	uint32_t in_ifindex; /* the interface the reply came in by (nktrace's
				own capture); 0 unknown */
};

/* Optional reply members an imported record carried. */
#define NKT_RH_ITTL 0x01   /* "ittl" (even 1) */
#define NKT_RH_ITOS 0x02   /* "itos" (even 0) */
#define NKT_RH_TOS 0x04    /* "tos" */
#define NKT_RH_EXTVER 0x08 /* "icmpext" had a version */
#define NKT_RH_DSTOPT 0x10 /* "dstoptsize" */
#define NKT_RH_HBHOPT 0x20 /* "hbhoptsize" */
#define NKT_RH_DUPINT 0x40 /* "dup" was an integer, not true */
#define NKT_RH_RTT 0x80    /* an "rtt" came with a report (edst) */

/* Optional record members an imported Atlas record carried. */
#define NKT_OH_SRC 0x0001      /* "src_addr" */
#define NKT_OH_DST 0x0002      /* "dst_addr" */
#define NKT_OH_PARIS 0x0004    /* "paris_id" */
#define NKT_OH_FROM 0x0008     /* "from" */
#define NKT_OH_LTS 0x0010      /* "lts" */
#define NKT_OH_GROUP 0x0020    /* "group_id" */
#define NKT_OH_BUNDLE 0x0040   /* "bundle" */
#define NKT_OH_STORED 0x0080   /* "stored_timestamp" */
#define NKT_OH_MSMNAME 0x0100  /* "msm_name" */
#define NKT_OH_TYPE 0x0200     /* "type" */
#define NKT_OH_MVER 0x0400     /* "mver" */
#define NKT_OH_PRB 0x0800      /* "prb_id" */
#define NKT_OH_MSM 0x1000      /* "msm_id" */
#define NKT_OH_DSTNAME 0x2000  /* "dst_name" */
#define NKT_OH_HOPERR 0x4000   /* a hop-level {"hop", "error"} */
#define NKT_OH_VERSION 0x10000 /* "version" (nktrace's own records) */
#define NKT_OH_ATLAS 0x8000    /* the head above is an Atlas record's (else
				  only `vantage` is known: scamper) */

#define NKT_ORIGIN_SENDERR_MAX 16

/* Who measured an imported Atlas record and how it said so: written back
 * unchanged (out_atlas.c), so that a record survives import -> write ->
 * import.  nktrace's own traces have none. */
struct nkt_origin {
	int64_t prb_id, msm_id, group_id, bundle, lts, stored_ts, fw;
	uint32_t has; /* NKT_OH_* */
	char from[64];     /* the probe's public address */
	char dst_name[256];
	char msm_name[32], type[16], mver[16];
	char version[40];  /* "nktrace 0.3.0" in nktrace's own records */
	char vantage[96];  /* who measured, as import named it */
	char error[160];   /* the text of the hop-level or per-reply error */
	/* Per-reply {"error": ...} entries: packets that could not be sent
	 * (fw >= 5000), not probes; where they stood. */
	struct {
		uint8_t ttl, pos;
	} senderr[NKT_ORIGIN_SENDERR_MAX];
	uint8_t n_senderr;
	uint8_t silent255; /* timeouts of a hop 255 nothing answered (Atlas's
			      last try); kept out of the trace's hops */
};

/* Why a trace was made. */
enum nkt_trace_purpose {
	NKT_PURPOSE_MEASURE = 0,
	NKT_PURPOSE_REPROBE, /* hops that stayed silent, probed again slowly
				once the routers' ICMP budget refilled: for
				attribution only (compare) */
};

struct nkt_trace {
	struct nkt_flow flow;
	uint32_t index;      /* the target's position in the run */
	uint8_t purpose;     /* enum nkt_trace_purpose */
	uint8_t via;         /* uplink index; 0 = the routing table's choice */
	uint8_t first_ttl, max_ttl, attempts, gaplimit;
	uint8_t stop_reason; /* enum nkt_stop */
	uint8_t stop_hop;    /* TTL at which the trace stopped */
	int stop_errno;      /* NKT_STOP_ERROR: the send error */
	uint64_t start_ns, end_ns; /* wall clock, ns since the epoch */
	uint32_t sent, replies, late, dups, edsts;
	uint16_t e2e_sent, e2e_reached; /* end-to-end probes, answered by the
					   destination */
	uint8_t e2e_ttl;
	struct nkt_hop_reply *r; /* sorted by (ttl, attempt), dups after;
				    end-to-end records (NKT_PF_E2E) last */
	size_t n, cap;
	struct nkt_origin *origin; /* imported records only; owned */
};

/* "COMPLETED", "GAPLIMIT", ... */
const char *nkt_stop_name(int reason);

/* Append a zeroed reply record; returns it (valid until the next call). */
struct nkt_hop_reply *nkt_trace_add(struct nkt_trace *t);

/* Sort: hop records by (ttl, attempt), duplicates after the original;
 * end-to-end records after all of them. */
void nkt_trace_sort(struct nkt_trace *t);

/* Highest TTL with a record, 0 if none. */
uint8_t nkt_trace_last_hop(const struct nkt_trace *t);

/* True if the destination itself answered (any attempt). */
int nkt_trace_reached(const struct nkt_trace *t);

/* Fill a reply record's reply fields from a decoded reply. */
void nkt_trace_fill_reply(struct nkt_hop_reply *h, const struct nkt_reply *r);

void nkt_trace_free(struct nkt_trace *t);

#endif
