// SPDX-License-Identifier: ISC
/* trace.c: the trace result model and its small helpers.  Pure. */
#include "nktrace/trace.h"
#include "nktrace/common.h"

#include <stdlib.h>
#include <string.h>

const char *nkt_stop_name(int reason)
{
	static const char *names[] = {
		"NONE",	    "COMPLETED", "UNREACH", "ICMP",	  "LOOP",
		"GAPLIMIT", "HOPLIMIT",	 "ERROR",   "HALTED",
	};
	return (unsigned)reason < NKT_ARRAY_LEN(names) ? names[reason] : "?";
}

struct nkt_hop_reply *nkt_trace_add(struct nkt_trace *t)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 16;
		t->r = nkt_xreallocarray(t->r, t->cap, sizeof(*t->r));
	}
	memset(&t->r[t->n], 0, sizeof(t->r[0]));
	return &t->r[t->n++];
}

static int cmp_reply(const void *x, const void *y)
{
	const struct nkt_hop_reply *a = x, *b = y;
	int da = !!(a->flags & (NKT_PF_DUP | NKT_PF_EDST));
	int db = !!(b->flags & (NKT_PF_DUP | NKT_PF_EDST));
	int ea = !!(a->flags & NKT_PF_E2E), eb = !!(b->flags & NKT_PF_E2E);
	if (ea != eb)
		return ea - eb; /* end-to-end probes after every hop */
	if (a->ttl != b->ttl)
		return a->ttl < b->ttl ? -1 : 1;
	if (da != db)
		return da - db;
	if (a->attempt != b->attempt)
		return a->attempt < b->attempt ? -1 : 1;
	return a->tx_ns + a->rtt_ns < b->tx_ns + b->rtt_ns	  ? -1
	       : a->tx_ns + a->rtt_ns > b->tx_ns + b->rtt_ns ? 1
							      : 0;
}

void nkt_trace_sort(struct nkt_trace *t)
{
	if (t->n > 1)
		qsort(t->r, t->n, sizeof(*t->r), cmp_reply);
}

uint8_t nkt_trace_last_hop(const struct nkt_trace *t)
{
	uint8_t m = 0;
	size_t i;
	for (i = 0; i < t->n; i++)
		if (t->r[i].ttl > m)
			m = t->r[i].ttl;
	return m;
}

int nkt_trace_reached(const struct nkt_trace *t)
{
	size_t i;
	for (i = 0; i < t->n; i++)
		if ((t->r[i].flags & NKT_PF_REPLY) &&
		    t->r[i].from == t->flow.dst &&
		    t->r[i].kind != NKT_REPLY_TTL_EXCEEDED)
			return 1;
	return 0;
}

void nkt_trace_fill_reply(struct nkt_hop_reply *h, const struct nkt_reply *r)
{
	size_t hdr = r->ip_hl;
	h->from = r->src;
	h->kind = r->kind;
	h->icmp_type = r->icmp_type;
	h->icmp_code = r->icmp_code;
	h->reply_ttl = r->ttl;
	h->reply_ipid = r->ipid;
	h->in_ifindex = r->ifindex;
	h->tcp_flags = r->tcp_flags;
	h->mtu = r->mtu;
	if (r->kind == NKT_REPLY_TCP)
		h->size = (uint16_t)(r->ip_len > hdr ? r->ip_len - hdr : 0);
	else
		h->size = (uint16_t)(r->ip_len > hdr + 8 ? r->ip_len - hdr - 8
							  : 0);
	if (r->kind == NKT_REPLY_TTL_EXCEEDED || r->kind == NKT_REPLY_UNREACH ||
	    r->kind == NKT_REPLY_OTHER_ICMP) {
		h->quoted_ttl = r->q_ttl;
		h->quoted_tos = r->q_tos;
	}
	h->n_mpls = r->n_mpls;
	memcpy(h->mpls, r->mpls, sizeof(h->mpls));
	h->n_obj = (r->flags & NKT_RF_EXT) ? r->n_obj : 0;
	memcpy(h->obj, r->obj, sizeof(h->obj));
	if (r->flags & NKT_RF_EXT)
		h->flags |= NKT_PF_EXT;
	if (r->flags & NKT_RF_EXT_RFC4884)
		h->flags |= NKT_PF_EXT_RFC4884;
}

void nkt_trace_free(struct nkt_trace *t)
{
	if (t == NULL)
		return;
	free(t->r);
	free(t->origin);
	free(t);
}
