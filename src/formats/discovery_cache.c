// SPDX-License-Identifier: ISC
/* discovery_cache.c: the hosts a discovery found, read back as untrusted
 * input (see discovery_cache.h).  Pure. */
#include "nktrace/discovery_cache.h"

#include "nktrace/inet.h"
#include "nktrace/targets.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CACHE_TYPE "nktrace-discovery"

static int bad(struct nkt_err *err, const char *what)
{
	return nkt_err_set(err, NKT_EINVAL, "not a discovery cache: %s",
			   what);
}

/* The hosts: every one a dotted quad inside the space, not its network
 * or broadcast address, none twice, at most per_prefix in a /24. */
static int parse_hosts(const json_t *hosts, struct nkt_discovery_cache *c,
		       struct nkt_err *err)
{
	uint32_t mask = 0xffffffffu << (32 - c->space_len), *sorted;
	size_t i, run, n = json_array_size(hosts);
	char a[NKT_INET_ADDRSTRLEN];
	int r = NKT_OK;

	if (n > (1u << (32 - c->space_len)) - 2)
		return bad(err, "more hosts than its space holds");
	c->addr = nkt_xreallocarray(NULL, n + 1, sizeof(*c->addr));
	for (i = 0; i < n; i++) {
		const char *s = json_string_value(json_array_get(hosts, i));
		uint32_t addr;
		if (s == NULL || nkt_inet_parse(s, &addr) != NKT_OK)
			return nkt_err_set(err, NKT_EINVAL,
					   "not a discovery cache: hosts[%zu] "
					   "is not an IPv4 address",
					   i);
		if ((addr & mask) != c->space_net || addr == c->space_net ||
		    addr == (c->space_net | ~mask))
			return nkt_err_set(err, NKT_EINVAL,
					   "discovery cache: %s is not a host "
					   "of its space",
					   nkt_inet_fmt(addr, a));
		c->addr[c->n++] = addr;
	}
	sorted = nkt_xreallocarray(NULL, c->n + 1, sizeof(*sorted));
	if (c->n > 0)
		memcpy(sorted, c->addr, c->n * sizeof(*sorted));
	if (c->n > 1)
		qsort(sorted, c->n, sizeof(*sorted), nkt_cmp_u32);
	for (i = 1, run = 1; i < c->n && r == NKT_OK; i++) {
		run = (sorted[i] >> 8) == (sorted[i - 1] >> 8) ? run + 1 : 1;
		if (sorted[i] == sorted[i - 1])
			r = nkt_err_set(err, NKT_EINVAL,
					"discovery cache: %s is listed twice",
					nkt_inet_fmt(sorted[i], a));
		else if (run > c->per_prefix)
			r = nkt_err_set(err, NKT_EINVAL,
					"discovery cache: more than its %u "
					"hosts per /24 in %s/24",
					c->per_prefix,
					nkt_inet_fmt(sorted[i] & 0xffffff00u,
						     a));
	}
	free(sorted);
	return r;
}

int nkt_discovery_cache_parse(const char *text, size_t len,
			      struct nkt_discovery_cache *out,
			      struct nkt_err *err)
{
	json_error_t jerr;
	json_t *j = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	const json_t *v, *hosts;
	const char *type, *space;
	struct nkt_err sub;
	int r = NKT_EINVAL;

	memset(out, 0, sizeof(*out));
	if (j == NULL) {
		/* jansson quotes the input near the error: made fit to print
		 * as all outside text is */
		char why[sizeof(jerr.text)];
		r = nkt_err_set(err, NKT_EINVAL,
				"not a discovery cache: not JSON (line %d: %s)",
				jerr.line,
				nkt_text_clean(jerr.text, why, sizeof(why), 1));
		goto out;
	}
	if (!json_is_object(j)) {
		r = bad(err, "not a JSON object");
		goto out;
	}
	type = json_string_value(json_object_get(j, "type"));
	if (type == NULL || strcmp(type, CACHE_TYPE) != 0) {
		r = bad(err, "its type is not \"" CACHE_TYPE "\"");
		goto out;
	}
	v = json_object_get(j, "version");
	if (!json_is_integer(v) || json_integer_value(v) != 1) {
		r = bad(err, "not version 1");
		goto out;
	}
	v = json_object_get(j, "time");
	if (!json_is_integer(v) || json_integer_value(v) <= 0) {
		r = bad(err, "no time");
		goto out;
	}
	out->time_s = (int64_t)json_integer_value(v);
	v = json_object_get(j, "per_prefix");
	if (!json_is_integer(v) || json_integer_value(v) < 1 ||
	    json_integer_value(v) > 254) {
		r = bad(err, "per_prefix is not 1-254");
		goto out;
	}
	out->per_prefix = (unsigned)json_integer_value(v);
	space = json_string_value(json_object_get(j, "space"));
	if (space == NULL ||
	    nkt_prefix_parse(space, &out->space_net, &out->space_len, &sub) !=
		    NKT_OK ||
	    out->space_len < NKT_DISCOVERY_SPACE_MIN_LEN ||
	    out->space_len > 30) {
		r = bad(err, "its space is not a prefix from /16 to /30");
		goto out;
	}
	hosts = json_object_get(j, "hosts");
	if (!json_is_array(hosts)) {
		r = bad(err, "no hosts array");
		goto out;
	}
	r = parse_hosts(hosts, out, err);
out:
	json_decref(j);
	if (r != NKT_OK)
		nkt_discovery_cache_free(out);
	return r;
}

json_t *nkt_discovery_cache_json(const struct nkt_discovery_cache *c)
{
	json_t *hosts = json_array();
	char a[NKT_INET_ADDRSTRLEN], space[NKT_INET_ADDRSTRLEN + 4];
	size_t i;

	for (i = 0; i < c->n; i++)
		json_array_append_new(hosts,
				      json_string(nkt_inet_fmt(c->addr[i], a)));
	snprintf(space, sizeof(space), "%s/%u",
		 nkt_inet_fmt(c->space_net, a), (unsigned)c->space_len);
	return json_pack("{s:s,s:i,s:I,s:s,s:i,s:o}", "type", CACHE_TYPE,
			 "version", 1, "time", (json_int_t)c->time_s, "space",
			 space, "per_prefix", (int)c->per_prefix, "hosts",
			 hosts);
}

int nkt_discovery_cache_usable(const struct nkt_discovery_cache *c,
			       uint32_t space_net, uint8_t space_len,
			       unsigned per_prefix, int64_t now_s,
			       int64_t max_age_s, char *why, size_t why_len)
{
	char a[NKT_INET_ADDRSTRLEN];

	if (c->space_net != space_net || c->space_len != space_len) {
		snprintf(why, why_len, "it is of %s/%u, not of the space "
			 "measured", nkt_inet_fmt(c->space_net, a),
			 (unsigned)c->space_len);
		return 0;
	}
	if (c->per_prefix != per_prefix) {
		snprintf(why, why_len, "it kept %u hosts per /24, not %u",
			 c->per_prefix, per_prefix);
		return 0;
	}
	/* A clock that stepped back a little is no reason to distrust a
	 * cache; one from the future is. */
	if (c->time_s > now_s + 300) {
		snprintf(why, why_len, "its time is in the future");
		return 0;
	}
	if (now_s - c->time_s >= max_age_s) {
		snprintf(why, why_len, "it is %.1f h old (--rediscover %.1f h)",
			 (double)(now_s - c->time_s) / 3600.0,
			 (double)max_age_s / 3600.0);
		return 0;
	}
	return 1;
}

void nkt_discovery_cache_free(struct nkt_discovery_cache *c)
{
	free(c->addr);
	c->addr = NULL;
	c->n = 0;
}
