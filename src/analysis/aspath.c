// SPDX-License-Identifier: ISC
/* aspath.c: AS path and border crossing of a trace (rules in aspath.h). */
#include "nktrace/aspath.h"
#include "nktrace/addrkind.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp_u64(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
	return a < b ? -1 : a > b;
}

uint64_t nkt_trace_hop_rtt(const struct nkt_trace *t, uint8_t ttl,
			   uint32_t addr)
{
	uint64_t v[64];
	size_t i, n = 0;

	for (i = 0; i < t->n && n < 64; i++) {
		const struct nkt_hop_reply *h = &t->r[i];
		/* to the microsecond, as records print them: the median of
		 * two replies is then the same for a run and for its records
		 * imported back */
		if (h->ttl == ttl && (h->flags & NKT_PF_REPLY) &&
		    !(h->flags & (NKT_PF_DUP | NKT_PF_E2E)) && h->from == addr)
			v[n++] = (h->rtt_ns + 500) / 1000 * 1000;
	}
	if (n == 0)
		return 0;
	qsort(v, n, sizeof(v[0]), cmp_u64);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static int same_label(const struct nkt_as_seg *s, uint8_t type, uint8_t kind,
		      uint32_t asn)
{
	if (s->type != type)
		return 0;
	if (type == NKT_SEG_AS)
		return s->asn == asn;
	if (type == NKT_SEG_SPECIAL)
		return s->kind == kind;
	return type == NKT_SEG_UNKNOWN;
}

static void push(struct nkt_aspath *p, uint8_t type, uint8_t kind,
		 uint32_t asn, uint8_t first, uint8_t last, uint32_t addr)
{
	if (p->n == NKT_ASPATH_MAX)
		return;
	p->seg[p->n++] =
		(struct nkt_as_seg){type, kind, first, last, asn, addr};
}

void nkt_aspath_of_trace(const struct nkt_trace *t, nkt_asn_fn asn_of,
			 void *ctx, struct nkt_aspath *out)
{
	unsigned ttl, silent_from = 0, silent_to = 0;
	uint8_t tkind;
	size_t i = 0;
	struct nkt_border_hop last = {0, 0, 0, 0, 0, 0};

	memset(out, 0, sizeof(*out));
	asn_of(ctx, t->flow.dst, &tkind, &out->target_asn);
	for (ttl = t->first_ttl; ttl <= t->stop_hop; ttl++) {
		uint32_t addr = 0, asn = 0;
		uint8_t kind = 0, type;
		int dest_in;

		for (; i < t->n && t->r[i].ttl < ttl; i++)
			;
		for (; i < t->n && t->r[i].ttl == ttl; i++)
			if (addr == 0 && (t->r[i].flags & NKT_PF_REPLY) &&
			    !(t->r[i].flags & (NKT_PF_DUP | NKT_PF_E2E)))
				addr = t->r[i].from;
		if (addr == 0) {
			if (silent_from == 0)
				silent_from = ttl;
			silent_to = ttl;
			continue;
		}
		asn_of(ctx, addr, &kind, &asn);
		type = kind != NKT_ADDR_PUBLIC ? NKT_SEG_SPECIAL
		       : asn != 0		 ? NKT_SEG_AS
						 : NKT_SEG_UNKNOWN;
		/* The destination is inside the target's AS whatever the
		 * databases say: with that AS unknown, its answer is where
		 * the path enters it, a segment of its own. */
		dest_in = out->target_asn == 0 && addr == t->flow.dst;
		if (out->n > 0 && !dest_in &&
		    same_label(&out->seg[out->n - 1], type, kind, asn) &&
		    (silent_from == 0 || type == NKT_SEG_AS)) {
			out->seg[out->n - 1].last_hop = (uint8_t)ttl;
			out->seg[out->n - 1].last_addr = addr;
		} else {
			if (silent_from != 0)
				push(out, NKT_SEG_SILENT, 0, 0,
				     (uint8_t)silent_from, (uint8_t)silent_to,
				     0);
			push(out, type, kind, asn, (uint8_t)ttl, (uint8_t)ttl,
			     addr);
		}
		silent_from = 0;

		/* Border crossing. */
		if (!out->entered) {
			struct nkt_border_hop here = {
				1,    (uint8_t)ttl, kind, addr,
				asn, nkt_trace_hop_rtt(t, (uint8_t)ttl, addr)};
			if ((out->target_asn != 0 && type == NKT_SEG_AS &&
			     asn == out->target_asn) ||
			    dest_in) {
				out->entered = 1;
				out->first_inside = here;
				out->last_foreign = last;
			} else
				last = here;
		}
	}
	if (silent_from != 0)
		push(out, NKT_SEG_SILENT, 0, 0, (uint8_t)silent_from,
		     (uint8_t)silent_to, 0);
	if (!out->entered)
		out->last_foreign = last;
}

char *nkt_aspath_str(const struct nkt_aspath *p, char *buf, size_t len)
{
	size_t i, off = 0;

	buf[0] = '\0';
	for (i = 0; i < p->n && off < len; i++) {
		const struct nkt_as_seg *s = &p->seg[i];
		const char *sep = off ? " " : "";
		switch (s->type) {
		case NKT_SEG_AS:
			off += (size_t)snprintf(buf + off, len - off, "%sAS%u",
						sep, s->asn);
			break;
		case NKT_SEG_SPECIAL:
			off += (size_t)snprintf(buf + off, len - off, "%s%s",
						sep,
						nkt_addr_kind_name(s->kind));
			break;
		case NKT_SEG_UNKNOWN:
			off += (size_t)snprintf(buf + off, len - off,
						"%sunknown", sep);
			break;
		default:
			off += (size_t)snprintf(buf + off, len - off, "%s*",
						sep);
			break;
		}
	}
	return buf;
}
