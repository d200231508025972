// SPDX-License-Identifier: ISC
/* transit.c: the registry of transits and path attribution (rules in
 * transit.h).  Pure. */
#include "nktrace/transit.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

int nkt_transits_parse(const char *text, size_t len, const char *origin,
		       struct nkt_transits *out, struct nkt_err *err)
{
	json_error_t je;
	json_t *root = json_loadb(text, len, 0, &je), *arr, *t;
	size_t i;
	int rc = NKT_OK;

	memset(out, 0, sizeof(*out));
	if (root == NULL)
		return nkt_err_set(err, NKT_EINVAL, "%s:%d: %s", origin,
				   je.line, je.text);
	arr = json_object_get(root, "transits");
	if (!json_is_array(arr) || json_array_size(arr) == 0) {
		rc = nkt_err_set(err, NKT_EINVAL,
				 "%s: no \"transits\" array", origin);
		goto out;
	}
	json_array_foreach(arr, i, t)
	{
		struct nkt_transit *tr;
		json_t *name = json_object_get(t, "name"),
		       *asns = json_object_get(t, "asns"),
		       *color = json_object_get(t, "color"), *a;
		size_t j;

		if (out->n == NKT_TRANSITS_MAX) {
			rc = nkt_err_set(err, NKT_EINVAL,
					 "%s: more than %d transits", origin,
					 NKT_TRANSITS_MAX);
			goto out;
		}
		if (!json_is_string(name) || json_string_length(name) == 0 ||
		    json_string_length(name) >= sizeof(tr->name) ||
		    !json_is_array(asns) || json_array_size(asns) == 0 ||
		    json_array_size(asns) > NKT_TRANSIT_ASNS_MAX ||
		    (color != NULL && (!json_is_string(color) ||
				       json_string_length(color) >= 16))) {
			rc = nkt_err_set(err, NKT_EINVAL,
					 "%s: transit %zu needs a \"name\" and "
					 "an \"asns\" array (1-%d numbers)",
					 origin, i + 1, NKT_TRANSIT_ASNS_MAX);
			goto out;
		}
		tr = &out->t[out->n++];
		tr->configured = 1;
		snprintf(tr->name, sizeof(tr->name), "%s",
			 json_string_value(name));
		snprintf(tr->color, sizeof(tr->color), "%s",
			 color ? json_string_value(color) : "#7f7f7f");
		json_array_foreach(asns, j, a)
		{
			json_int_t v = json_integer_value(a);
			if (!json_is_integer(a) || v <= 0 || v > 4294967295LL) {
				rc = nkt_err_set(err, NKT_EINVAL,
						 "%s: transit \"%s\": ASNs are "
						 "numbers 1-4294967295",
						 origin, tr->name);
				goto out;
			}
			tr->asns[tr->n_asns++] = (uint32_t)v;
		}
	}
out:
	out->n_configured = out->n;
	json_decref(root);
	return rc;
}

void nkt_transits_init(struct nkt_transits *ts)
{
	memset(ts, 0, sizeof(*ts));
}

int nkt_transit_of_asn(const struct nkt_transits *ts, uint32_t asn)
{
	size_t i, j;
	for (i = 0; i < ts->n; i++)
		for (j = 0; j < ts->t[i].n_asns; j++)
			if (ts->t[i].asns[j] == asn)
				return (int)i;
	return -1;
}

int nkt_transit_by_name(const struct nkt_transits *ts, const char *name)
{
	size_t i;
	for (i = 0; i < ts->n; i++)
		if (strcasecmp(ts->t[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* Colours for transits met in the data: the rest of the dashboards'
 * palette (the file's transits take red, blue and purple), picked by the
 * AS number so that a transit keeps its colour from run to run. */
static const char *const seen_colors[] = {
	"#2ca02c", "#ff7f0e", "#8c564b", "#e377c2",
	"#bcbd22", "#17becf", "#e6ab02", "#1b9e77",
};

/* FNV-1a of a name: the colour of an unknown AS's transit. */
static uint32_t name_hash(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static uint32_t mix32(uint32_t x)
{
	x ^= x >> 16;
	x *= 0x7feb352dU;
	x ^= x >> 15;
	x *= 0x846ca68bU;
	x ^= x >> 16;
	return x;
}

int nkt_transit_intern(struct nkt_transits *ts, uint32_t asn, uint32_t addr,
		       nkt_org_fn org_of, void *ctx)
{
	struct nkt_transit *tr;
	char org[72], net[64], name[sizeof(tr->name)];
	const char *o;
	size_t i;
	int t;

	if (asn != 0 && (t = nkt_transit_of_asn(ts, asn)) >= 0)
		return t;
	net[0] = '\0';
	o = org_of ? org_of(ctx, addr, net, sizeof(net)) : NULL;
	if (asn != 0) {
		nkt_text_clean(o, org, sizeof(org), 1);
		snprintf(name, sizeof(name), "AS%u%s%s", asn, org[0] ? " " : "",
			 org);
	} else {
		if (net[0] == '\0')
			snprintf(net, sizeof(net), "%u.%u.%u.0/24", addr >> 24,
				 (addr >> 16) & 0xff, (addr >> 8) & 0xff);
		nkt_text_clean(net, org, sizeof(org), 1);
		snprintf(name, sizeof(name), "unknown AS (%s)", org);
		for (i = 0; i < ts->n; i++)
			if (ts->t[i].n_asns == 0 &&
			    strcmp(ts->t[i].name, name) == 0)
				return (int)i;
	}
	if (ts->n == NKT_ARRAY_LEN(ts->t)) {
		ts->overflow++;
		return -1;
	}
	tr = &ts->t[ts->n];
	memset(tr, 0, sizeof(*tr));
	memcpy(tr->name, name, sizeof(name));
	if (asn != 0)
		tr->asns[tr->n_asns++] = asn;
	snprintf(tr->color, sizeof(tr->color), "%s",
		 seen_colors[(asn ? mix32(asn) : name_hash(name)) %
			     NKT_ARRAY_LEN(seen_colors)]);
	return (int)ts->n++;
}

/* The hops between segment `i`'s last hop and the first hop inside. */
static uint8_t gap_of(const struct nkt_aspath *p, const struct nkt_as_seg *s)
{
	unsigned g;
	if (!p->entered || p->first_inside.hop <= s->last_hop)
		return NKT_GAP_UNKNOWN;
	g = (unsigned)p->first_inside.hop - s->last_hop - 1u;
	return (uint8_t)(g < NKT_GAP_UNKNOWN ? g : NKT_GAP_UNKNOWN - 1);
}

void nkt_transit_attribute(struct nkt_transits *ts, const struct nkt_aspath *p,
			   nkt_org_fn org_of, void *ctx,
			   struct nkt_attribution *out)
{
	const struct nkt_as_seg *unknown = NULL;
	size_t end = p->n, i;
	int special = 0;

	memset(out, 0, sizeof(*out));
	out->transit = -1;
	out->gap = NKT_GAP_UNKNOWN;
	if (p->entered)
		for (end = 0; end < p->n; end++)
			if (p->target_asn != 0
				    ? p->seg[end].type == NKT_SEG_AS &&
					      p->seg[end].asn == p->target_asn
				    : p->seg[end].first_hop ==
					      p->first_inside.hop)
				break;
	for (i = end; i-- > 0;) {
		const struct nkt_as_seg *s = &p->seg[i];
		if (s->type == NKT_SEG_AS && s->asn != p->target_asn) {
			out->asn = s->asn;
			out->addr = s->last_addr;
			out->hop = s->last_hop;
			out->gap = gap_of(p, s);
			out->transit = nkt_transit_intern(
				ts, s->asn, s->last_addr, org_of, ctx);
			if (out->transit < 0)
				out->why = NKT_UNATTR_FULL;
			return;
		}
		if (s->type == NKT_SEG_UNKNOWN && unknown == NULL)
			unknown = s;
		special |= s->type == NKT_SEG_SPECIAL;
	}
	if (unknown != NULL) {
		out->addr = unknown->last_addr;
		out->hop = unknown->last_hop;
		out->gap = gap_of(p, unknown);
		out->transit = nkt_transit_intern(ts, 0, unknown->last_addr,
						  org_of, ctx);
		if (out->transit < 0)
			out->why = NKT_UNATTR_FULL;
		return;
	}
	out->why = special ? NKT_UNATTR_SPECIAL : NKT_UNATTR_SILENT;
}

char *nkt_attribution_name(const struct nkt_transits *ts,
			   const struct nkt_attribution *a, char *buf,
			   size_t len)
{
	if (a->transit >= 0 && (size_t)a->transit < ts->n)
		snprintf(buf, len, "%s", ts->t[a->transit].name);
	else
		snprintf(buf, len, "unattributed");
	return buf;
}

int nkt_transit_cmp(const struct nkt_transits *ts, int a, int b)
{
	int ca, cb;
	if (a == b)
		return 0;
	if (a < 0 || b < 0)
		return a < 0 ? 1 : -1; /* unattributed last */
	ca = (size_t)a < ts->n_configured;
	cb = (size_t)b < ts->n_configured;
	if (ca != cb)
		return ca ? -1 : 1;
	if (ca)
		return a < b ? -1 : 1;
	return strcmp(ts->t[a].name, ts->t[b].name);
}

int nkt_attribution_better(const struct nkt_attribution *a,
			   const struct nkt_attribution *b)
{
	if ((a->transit >= 0) != (b->transit >= 0))
		return a->transit >= 0;
	return a->gap < b->gap;
}
