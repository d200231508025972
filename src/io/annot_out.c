// SPDX-License-Identifier: ISC
/* annot_out.c: annotation hooks for the trace writers (shell glue). */
#include "nktrace/annot_out.h"
#include "nktrace/datafile.h"
#include "nktrace/inet.h"

#include <arpa/inet.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Annotate an address or an addrtab handle (IPv6).  Without an annotator
 * only the kind is filled. */
static void annotate(struct nkt_annot_ctx *c, uint32_t addr,
		     struct nkt_annot *a)
{
	if (nkt_addrtab_is_handle(c->addrs, addr)) {
		char text[NKT_ADDRSTRLEN];
		nkt_addrtab_fmt(c->addrs, addr, text);
		if (c->an != NULL && nkt_annot_str(c->an, text, a) == NKT_OK)
			return;
		memset(a, 0, sizeof(*a));
		a->kind = NKT_ADDR_PUBLIC;
		if (c->addrs->e[addr & 0x0fffffffu].af == 6)
			a->kind = (uint8_t)nkt_addr_kind_v6(
				c->addrs->e[addr & 0x0fffffffu].b);
		else
			a->kind = (uint8_t)nkt_addr_kind_v4(
				nkt_get32(c->addrs->e[addr & 0x0fffffffu].b));
		return;
	}
	if (c->an != NULL) {
		nkt_annot_v4(c->an, addr, a);
		return;
	}
	memset(a, 0, sizeof(*a));
	a->kind = (uint8_t)nkt_addr_kind_v4(addr);
}

static void asn_of(void *ctx, uint32_t addr, uint8_t *kind, uint32_t *asn)
{
	struct nkt_annot a;
	annotate(ctx, addr, &a);
	*kind = a.kind;
	*asn = a.asn;
}

void nkt_annot_aspath(struct nkt_annot_ctx *c, const struct nkt_trace *t,
		      struct nkt_aspath *p)
{
	nkt_aspath_of_trace(t, asn_of, c, p);
}

/* The organisation of an address's AS, and its network: the /24 of an
 * IPv4 address, the /48 of an IPv6 one (an addrtab handle). */
static const char *org_of(void *ctx, uint32_t addr, char *net, size_t len)
{
	struct nkt_annot_ctx *c = ctx;
	struct nkt_annot a;
	char text[INET6_ADDRSTRLEN];

	annotate(c, addr, &a);
	if (nkt_addrtab_is_handle(c->addrs, addr) &&
	    c->addrs->e[addr & 0x0fffffffu].af == 6) {
		unsigned char b[16];
		memset(b, 0, sizeof(b));
		memcpy(b, c->addrs->e[addr & 0x0fffffffu].b, 6);
		inet_ntop(AF_INET6, b, text, sizeof(text));
		snprintf(net, len, "%s/48", text);
	} else {
		uint32_t v = addr;
		if (nkt_addrtab_is_handle(c->addrs, addr))
			v = nkt_get32(c->addrs->e[addr & 0x0fffffffu].b);
		snprintf(net, len, "%u.%u.%u.0/24", v >> 24, (v >> 16) & 0xff,
			 (v >> 8) & 0xff);
	}
	return a.as_org;
}

void nkt_annot_attribute(struct nkt_annot_ctx *c, const struct nkt_aspath *p,
			 struct nkt_attribution *out)
{
	nkt_transit_attribute(c->trans, p, org_of, c, out);
}

static const char *seg_type(const struct nkt_as_seg *s)
{
	switch (s->type) {
	case NKT_SEG_AS:
		return "as";
	case NKT_SEG_SPECIAL:
		return nkt_addr_kind_name(s->kind);
	case NKT_SEG_UNKNOWN:
		return "unknown";
	default:
		return "silent";
	}
}

json_t *nkt_aspath_json(struct nkt_annot_ctx *c, const struct nkt_aspath *p)
{
	json_t *arr = json_array();
	size_t i;

	for (i = 0; i < p->n; i++) {
		const struct nkt_as_seg *s = &p->seg[i];
		json_t *o = json_object();
		json_object_set_new(o, "type", json_string(seg_type(s)));
		if (s->type == NKT_SEG_AS) {
			json_object_set_new(o, "asn", json_integer(s->asn));
			if (c != NULL && c->trans != NULL) {
				int t = nkt_transit_of_asn(c->trans, s->asn);
				if (t >= 0)
					json_object_set_new(
						o, "transit",
						json_string(
							c->trans->t[t].name));
			}
		}
		json_object_set_new(o, "first_hop", json_integer(s->first_hop));
		json_object_set_new(o, "last_hop", json_integer(s->last_hop));
		json_array_append_new(arr, o);
	}
	return arr;
}

static json_t *border_hop(const struct nkt_annot_ctx *c,
			  const struct nkt_border_hop *b)
{
	char a[NKT_ADDRSTRLEN];
	if (!b->present)
		return json_null();
	return json_pack("{s:i,s:s,s:o,s:s,s:f}", "hop", b->hop, "addr",
			 nkt_addrtab_fmt(c->addrs, b->addr, a),
			 "asn", b->asn ? json_integer(b->asn) : json_null(),
			 "kind", nkt_addr_kind_name(b->kind), "rtt_ms",
			 nkt_ns_to_ms(b->rtt_ns));
}

json_t *nkt_border_json(const struct nkt_annot_ctx *c,
			const struct nkt_aspath *p)
{
	return json_pack("{s:b,s:o,s:o}", "entered", p->entered,
			 "last_foreign", border_hop(c, &p->last_foreign),
			 "first_inside", border_hop(c, &p->first_inside));
}

static void reply_json(void *ctx, uint32_t addr, json_t *r)
{
	struct nkt_annot_ctx *c = ctx;
	struct nkt_annot a;

	if (c->names != NULL) {
		const char *n = nkt_resolver_name(c->names, addr);
		if (n != NULL)
			json_object_set_new(r, "name", json_string(n));
	}
	if (c->an == NULL)
		return;
	annotate(c, addr, &a);
	if (a.kind != NKT_ADDR_PUBLIC) {
		json_object_set_new(r, "addr_kind",
				    json_string(nkt_addr_kind_name(a.kind)));
		return;
	}
	json_object_set_new(r, "asn", a.flags & NKT_ANNOT_ASN
					      ? json_integer(a.asn)
					      : json_null());
	json_object_set_new(r, "as_org",
			    a.as_org ? json_string(a.as_org) : json_null());
	json_object_set_new(r, "cc", a.cc[0] ? json_string(a.cc) : json_null());
	json_object_set_new(r, "city", a.city ? json_string(a.city)
					      : json_null());
}

static const char *reply_text(void *ctx, uint32_t addr, char *buf,
			      size_t len)
{
	struct nkt_annot_ctx *c = ctx;
	struct nkt_annot a;

	if (c->an == NULL)
		return NULL;
	annotate(c, addr, &a);
	if (a.kind != NKT_ADDR_PUBLIC)
		snprintf(buf, len, "%s", nkt_addr_kind_name(a.kind));
	else if (!(a.flags & (NKT_ANNOT_ASN | NKT_ANNOT_GEO)))
		snprintf(buf, len, "unknown");
	else {
		char as[16] = "AS?";
		if (a.flags & NKT_ANNOT_ASN)
			snprintf(as, sizeof(as), "AS%u", a.asn);
		snprintf(buf, len, "%s%s%s%s%s", as, a.cc[0] ? " " : "", a.cc,
			 a.city ? " " : "", a.city ? a.city : "");
	}
	return buf;
}

static const char *dst_name(void *ctx, uint32_t dst)
{
	struct nkt_annot_ctx *c = ctx;
	const char *given =
		c->names != NULL ? nkt_resolver_given(c->names, dst) : NULL;
	if (given != NULL)
		return given;
	return c->tdb != NULL ? nkt_targetdb_name(c->tdb, dst) : NULL;
}

static const char *addr_name(void *ctx, uint32_t addr)
{
	struct nkt_annot_ctx *c = ctx;
	return c->names != NULL ? nkt_resolver_name(c->names, addr) : NULL;
}

static void extra(void *ctx, const struct nkt_trace *t, json_t *rec)
{
	struct nkt_annot_ctx *c = ctx;
	struct nkt_aspath p;

	if (c->an == NULL)
		return;
	nkt_annot_aspath(c, t, &p);
	json_object_set_new(rec, "target_asn", p.target_asn
						       ? json_integer(p.target_asn)
						       : json_null());
	json_object_set_new(rec, "as_path", nkt_aspath_json(c, &p));
	json_object_set_new(rec, "border", nkt_border_json(c, &p));
	if (c->trans != NULL) {
		struct nkt_attribution at;
		char name[96];
		nkt_annot_attribute(c, &p, &at);
		json_object_set_new(
			rec, "transit",
			json_string(nkt_attribution_name(c->trans, &at, name,
							 sizeof(name))));
	}
}

static void print_border(FILE *f, const struct nkt_annot_ctx *c,
			 const char *what, const struct nkt_border_hop *b)
{
	char a[NKT_ADDRSTRLEN];
	if (!b->present)
		return;
	fprintf(f, "%s %s (hop %u, ", what,
		nkt_addrtab_fmt(c->addrs, b->addr, a), b->hop);
	if (b->asn)
		fprintf(f, "AS%u, ", b->asn);
	else
		fprintf(f, "%s, ", b->kind ? nkt_addr_kind_name(b->kind)
					   : "unknown AS");
	fprintf(f, "%.3f ms)", (double)b->rtt_ns / 1e6);
}

static void extra_text(void *ctx, const struct nkt_trace *t, FILE *f)
{
	struct nkt_annot_ctx *c = ctx;
	struct nkt_aspath p;
	char buf[1024];

	if (c->an == NULL)
		return;
	nkt_annot_aspath(c, t, &p);
	fprintf(f, "AS path: %s\n", nkt_aspath_str(&p, buf, sizeof(buf)));
	if (p.entered) {
		fputs("border: ", f);
		if (p.last_foreign.present) {
			print_border(f, c, "last foreign", &p.last_foreign);
			fputs(" -> ", f);
		}
		print_border(f, c, "first in AS", &p.first_inside);
		fputc('\n', f);
	} else if (p.target_asn)
		fprintf(f, "border: the path never entered AS%u\n",
			p.target_asn);
	if (c->trans != NULL) {
		struct nkt_attribution at;
		nkt_annot_attribute(c, &p, &at);
		fprintf(f, "transit: %s",
			nkt_attribution_name(c->trans, &at, buf, sizeof(buf)));
		if (at.transit >= 0 && at.gap > 0 &&
		    at.gap != NKT_GAP_UNKNOWN)
			fprintf(f, " (the last AS seen, %u %s before North "
				   "Korea said nothing)",
				at.gap, at.gap == 1 ? "hop" : "hops");
		else if (at.transit >= 0 && at.gap == NKT_GAP_UNKNOWN)
			fprintf(f, " (the last AS seen: the path never "
				   "reached the target's AS)");
		fputc('\n', f);
	}
}

void nkt_annot_out_setup(struct nkt_out_opts *o, struct nkt_annot_ctx *c)
{
	o->ctx = c;
	o->dst_name = dst_name;
	o->addr_name = addr_name;
	o->extra = extra;
	o->extra_text = extra_text;
	o->hook.ctx = c;
	o->hook.json = reply_json;
	o->hook.text = reply_text;
}

