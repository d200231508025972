// SPDX-License-Identifier: ISC
/* atlas_request.c: the Atlas API request creating NK traceroutes
 * (atlas_request.h).  Pure. */
#include "nktrace/atlas_request.h"
#include "nktrace/inet.h"

#include <stdio.h>

static json_t *definition(const struct nkt_atlas_req *r,
			  const struct nkt_atlas_req_target *t,
			  const char *proto, int port)
{
	char a[NKT_INET_ADDRSTRLEN], desc[200], pstr[16] = "";
	json_t *d = json_object();

	nkt_inet_fmt(t->addr, a);
	if (port > 0)
		snprintf(pstr, sizeof(pstr), "/%d", port);
	snprintf(desc, sizeof(desc), "nktrace: %s%s%s %s%s", a,
		 t->name ? " " : "", t->name ? t->name : "", proto, pstr);
	json_object_set_new(d, "type", json_string("traceroute"));
	json_object_set_new(d, "af", json_integer(4));
	json_object_set_new(d, "target", json_string(a));
	json_object_set_new(d, "description", json_string(desc));
	json_object_set_new(d, "protocol", json_string(proto));
	if (port > 0)
		json_object_set_new(d, "port", json_integer(port));
	json_object_set_new(d, "paris", json_integer(r->paris));
	json_object_set_new(d, "packets", json_integer(r->packets));
	json_object_set_new(d, "resolve_on_probe", json_false());
	if (r->interval_s > 0)
		json_object_set_new(d, "interval", json_integer(r->interval_s));
	return d;
}

json_t *nkt_atlas_request(const struct nkt_atlas_req *r)
{
	json_t *req = json_object(), *defs = json_array(), *probes;
	size_t i;

	for (i = 0; i < r->n; i++) {
		if (r->tcp80)
			json_array_append_new(defs,
					      definition(r, &r->t[i], "TCP", 80));
		if (r->tcp443)
			json_array_append_new(defs, definition(r, &r->t[i],
							       "TCP", 443));
		if (r->icmp)
			json_array_append_new(defs,
					      definition(r, &r->t[i], "ICMP", 0));
	}
	probes = json_pack("[{s:i,s:s,s:s}]", "requested", (int)r->probes,
			   "type", r->country ? "country" : "area", "value",
			   r->country ? r->country : r->area ? r->area : "WW");
	json_object_set_new(req, "definitions", defs);
	json_object_set_new(req, "probes", probes);
	json_object_set_new(req, "is_oneoff", json_boolean(r->interval_s == 0));
	return req;
}

void nkt_atlas_estimate(const struct nkt_atlas_req *r,
			struct nkt_atlas_cost *c)
{
	uint64_t per = r->interval_s ? 86400 / r->interval_s : 1;
	c->measurements = (uint64_t)r->n * (uint64_t)(!!r->tcp80 +
						      !!r->tcp443 + !!r->icmp);
	c->results = c->measurements * r->probes * (per ? per : 1);
	c->credits = c->results * NKT_ATLAS_CREDITS_PER_PACKET * r->packets;
}
