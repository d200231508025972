// SPDX-License-Identifier: ISC
/*
 * out_text.c: a trace printed the way traceroute prints it: one line per
 * hop, each new address followed by its RTTs, '*' for a timeout, '!X'
 * marks for unreachables, MPLS labels under the hop, then the stop reason.
 */
#include "nktrace/out_text.h"
#include "nktrace/addrtab.h"
#include "nktrace/inet.h"

#include <string.h>

static const char *unreach_mark(uint8_t code, char *buf)
{
	switch (code) {
	case 0:
		return " !N";
	case 1:
		return " !H";
	case 2:
		return " !P";
	case 3:
		return "";
	case 4:
		return " !F";
	case 9:
	case 10:
	case 13:
		return " !X";
	default:
		snprintf(buf, 8, " !<%u>", code);
		return buf;
	}
}

/* "traceroute to ADDR (name) from SRC via UPLINK, N hops max, ..." */
static void header(FILE *f, const struct nkt_trace *t,
		   const struct nkt_out_opts *o)
{
	const struct nkt_addrtab *at = o ? o->addrs : NULL;
	char a[NKT_ADDRSTRLEN], s[NKT_ADDRSTRLEN];
	const char *name = NULL, *via = NULL;

	if (o != NULL && o->dst_name != NULL)
		name = o->dst_name(o->ctx, t->flow.dst);
	if (o != NULL)
		via = o->via_name[t->via];
	fprintf(f, "traceroute to %s", nkt_addrtab_fmt(at, t->flow.dst, a));
	if (name != NULL)
		fprintf(f, " (%s)", name);
	fprintf(f, " from %s", nkt_addrtab_fmt(at, t->flow.src, s));
	if (via != NULL)
		fprintf(f, " via %s", via);
	fprintf(f, ", %u hops max, %s", t->max_ttl,
		t->flow.paris_id ? nkt_method_long(t->flow.method)
				 : nkt_method_name(t->flow.method));
	if (t->flow.method != NKT_METHOD_ICMP)
		fprintf(f, " port %u", t->flow.dport);
	fprintf(f, ", %u byte packets\n", t->flow.size);
}

/* One reply in a hop's line; *last is the address shown last. */
static void reply_text(FILE *f, const struct nkt_hop_reply *h,
		       const struct nkt_out_opts *o, uint32_t *last)
{
	const struct nkt_addrtab *at = o ? o->addrs : NULL;
	char a[NKT_ADDRSTRLEN], mark[8];

	if (h->flags & NKT_PF_EDST) {
		fprintf(f, " (%s quoted a probe rewritten to ",
			nkt_addrtab_fmt(at, h->from, a));
		fprintf(f, "%s)", nkt_addrtab_fmt(at, h->edst, a));
		return;
	}
	if (!(h->flags & NKT_PF_REPLY)) {
		fprintf(f, " *");
		return;
	}
	if (h->from != *last) {
		const char *name = o != NULL && o->addr_name != NULL
					   ? o->addr_name(o->ctx, h->from)
					   : NULL;
		if (name != NULL)
			fprintf(f, " %s (%s)", name,
				nkt_addrtab_fmt(at, h->from, a));
		else
			fprintf(f, " %s", nkt_addrtab_fmt(at, h->from, a));
		if (o != NULL && o->hook.text != NULL) {
			char col[96];
			const char *c =
				o->hook.text(o->hook.ctx, h->from, col,
					     sizeof(col));
			if (c != NULL && *c)
				fprintf(f, " [%s]", c);
		}
		*last = h->from;
	}
	fprintf(f, "  %.3f ms", (double)h->rtt_ns / 1e6);
	if (h->kind == NKT_REPLY_UNREACH)
		fputs(unreach_mark(h->icmp_code, mark), f);
	if (h->flags & NKT_PF_DUP)
		fputs(" (dup)", f);
}

/* The label stack a hop's first labelled reply carried. */
static void mpls_line(FILE *f, const struct nkt_hop_reply *h)
{
	unsigned m;
	fprintf(f, "    MPLS");
	for (m = 0; m < h->n_mpls; m++)
		fprintf(f, " [L=%u E=%u S=%u T=%u]", nkt_mpls_label(h->mpls[m]),
			nkt_mpls_exp(h->mpls[m]), nkt_mpls_s(h->mpls[m]),
			nkt_mpls_ttl(h->mpls[m]));
	fputc('\n', f);
}

/* Why it stopped, and the counts. */
static void footer(FILE *f, const struct nkt_trace *t,
		   const struct nkt_out_opts *o)
{
	if (t->e2e_sent > 0)
		fprintf(f, "end-to-end at TTL %u: %u of %u probes answered by "
			   "the destination\n",
			t->e2e_ttl, t->e2e_reached, t->e2e_sent);
	if (o != NULL && o->extra_text != NULL)
		o->extra_text(o->ctx, t, f);
	fprintf(f, "%s at hop %u", nkt_stop_name(t->stop_reason), t->stop_hop);
	if (t->stop_reason == NKT_STOP_ERROR)
		fprintf(f, " (%s)", strerror(t->stop_errno));
	fprintf(f, ", %u probes, %u replies", t->sent, t->replies);
	if (t->late)
		fprintf(f, ", %u late", t->late);
	fputc('\n', f);
}

int nkt_text_write(FILE *f, const struct nkt_trace *t,
		   const struct nkt_out_opts *o)
{
	size_t i = 0;
	unsigned ttl;

	header(f, t, o);
	for (ttl = t->first_ttl; ttl <= t->stop_hop; ttl++) {
		const struct nkt_hop_reply *mpls = NULL;
		uint32_t last = 0;

		fprintf(f, "%2u ", ttl);
		for (; i < t->n && t->r[i].ttl < ttl &&
		       !(t->r[i].flags & NKT_PF_E2E);
		     i++)
			;
		for (; i < t->n && t->r[i].ttl == ttl &&
		       !(t->r[i].flags & NKT_PF_E2E);
		     i++) {
			reply_text(f, &t->r[i], o, &last);
			if ((t->r[i].flags & NKT_PF_REPLY) &&
			    !(t->r[i].flags & NKT_PF_EDST) &&
			    t->r[i].n_mpls > 0 && mpls == NULL)
				mpls = &t->r[i];
		}
		fputc('\n', f);
		if (mpls != NULL)
			mpls_line(f, mpls);
	}
	footer(f, t, o);
	return ferror(f) ? -1 : 0;
}
