// SPDX-License-Identifier: ISC
/* transit.c: transit definitions and path attribution.  Pure. */
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
	json_decref(root);
	return rc;
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

void nkt_transit_attribute(const struct nkt_transits *ts,
			   const struct nkt_aspath *p,
			   struct nkt_attribution *out)
{
	size_t end = p->n, i;

	memset(out, 0, sizeof(*out));
	out->transit = -1;
	if (p->entered)
		for (end = 0; end < p->n; end++)
			if (p->seg[end].type == NKT_SEG_AS &&
			    p->seg[end].asn == p->target_asn)
				break;
	for (i = end; i-- > 0;) {
		const struct nkt_as_seg *s = &p->seg[i];
		int t;
		if (s->type != NKT_SEG_AS || s->asn == p->target_asn)
			continue;
		t = nkt_transit_of_asn(ts, s->asn);
		if (t >= 0) {
			out->transit = t;
			out->hop = s->last_hop;
			return;
		}
		if (out->other_asn == 0) {
			out->other_asn = s->asn;
			out->hop = s->last_hop;
		}
	}
}

char *nkt_attribution_name(const struct nkt_transits *ts,
			   const struct nkt_attribution *a, char *buf,
			   size_t len)
{
	if (a->transit >= 0)
		snprintf(buf, len, "%s", ts->t[a->transit].name);
	else if (a->other_asn != 0)
		snprintf(buf, len, "other AS%u", a->other_asn);
	else
		snprintf(buf, len, "unknown");
	return buf;
}
