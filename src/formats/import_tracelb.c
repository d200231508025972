// SPDX-License-Identifier: ISC
/* import_tracelb.c: scamper tracelb records as MDA graphs.  Pure. */
#include "nktrace/import_tracelb.h"
#include "nktrace/inet.h"
#include "nktrace/jsonget.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One outcome read from the record: flow met addr (0: silence) at ttl. */
struct obs {
	uint32_t flow;
	uint32_t addr;
	uint64_t rtt_ns;
	uint8_t ttl;
};

struct obsv {
	struct obs *v;
	size_t n, cap;
};

static void push(struct obsv *o, uint8_t ttl, uint32_t flow, uint32_t addr,
		 uint64_t rtt_ns)
{
	if (o->n == o->cap) {
		o->cap = o->cap ? o->cap * 2 : 256;
		o->v = nkt_xrealloc(o->v, o->cap * sizeof(*o->v));
	}
	o->v[o->n++] = (struct obs){flow, addr, rtt_ns, ttl};
}

/* By TTL, then flow, answers before silences. */
static int obs_cmp(const void *a, const void *b)
{
	const struct obs *x = a, *y = b;
	if (x->ttl != y->ttl)
		return x->ttl < y->ttl ? -1 : 1;
	if (x->flow != y->flow)
		return x->flow < y->flow ? -1 : 1;
	if ((x->addr == 0) != (y->addr == 0))
		return x->addr == 0 ? 1 : -1;
	return 0;
}

static int u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* An IPv4 address member ("*" or absent: 0). */
static int addr_of(const json_t *o, const char *key, const char *path,
		   uint32_t *a, struct nkt_err *err)
{
	const char *s;
	int rc = nkt_jget_str(o, key, path, &s, err);
	*a = 0;
	if (rc != NKT_OK || s == NULL || strcmp(s, "*") == 0)
		return rc;
	if (nkt_inet_parse(s, a) != NKT_OK || *a == 0)
		return nkt_err_set(err, NKT_EMALFORMED,
				   "%s.%s: '%.60s' is not an IPv4 address",
				   path, key, s);
	return NKT_OK;
}

/* The probes of hop j of a link out of node address `from`. */
static int read_hop(const json_t *hop, const char *path, uint32_t from,
		    size_t j, struct obsv *o, struct nkt_tracelb_meta *mt,
		    struct nkt_err *err)
{
	const json_t *probes, *p, *replies;
	uint32_t addr;
	size_t k;
	char pp[160];

	if (!json_is_object(hop))
		return nkt_err_set(err, NKT_EMALFORMED, "%s: not an object",
				   path);
	if (addr_of(hop, "addr", path, &addr, err) != NKT_OK ||
	    nkt_jget_array(hop, "probes", path, &probes, err) != NKT_OK)
		return NKT_EMALFORMED;
	if (addr == 0 || probes == NULL)
		return NKT_OK; /* a silent hop: its probes are not listed */
	json_array_foreach(probes, k, p) {
		uint8_t ttl;
		json_int_t flow;
		double rtt = NAN;
		uint64_t tx = 0, rx = 0;
		size_t i;

		snprintf(pp, sizeof(pp), "%.100s.probes[%zu]", path, k);
		if (!json_is_object(p))
			return nkt_err_set(err, NKT_EMALFORMED,
					   "%s: not an object", pp);
		if (nkt_jget_u8(p, "ttl", 0, pp, &ttl, err) != NKT_OK ||
		    nkt_jget_int(p, "flowid", 0, 0xffffffffLL, -1, pp, &flow,
				 err) != NKT_OK ||
		    nkt_jget_time(p, "tx", pp, &tx, err) != NKT_OK ||
		    nkt_jget_array(p, "replies", pp, &replies, err) != NKT_OK)
			return NKT_EMALFORMED;
		if (flow < 0 || ttl <= j + 1)
			return nkt_err_set(err, NKT_EMALFORMED,
					   "%s: %s", pp,
					   flow < 0 ? "no flowid"
						    : "ttl too small for its "
						      "place in the link");
		if (tx && (mt->start_ns == 0 || tx < mt->start_ns))
			mt->start_ns = tx;
		if (replies != NULL && json_array_size(replies) > 0) {
			const json_t *r = json_array_get(replies, 0);
			char rp[176];
			snprintf(rp, sizeof(rp), "%.150s.replies[0]", pp);
			if (!json_is_object(r))
				return nkt_err_set(err, NKT_EMALFORMED,
						   "%s: not an object", rp);
			if (nkt_jget_num(r, "rtt", rp, &rtt, err) != NKT_OK ||
			    nkt_jget_time(r, "rx", rp, &rx, err) != NKT_OK)
				return NKT_EMALFORMED;
			if (rx > mt->end_ns)
				mt->end_ns = rx;
		}
		push(o, (uint8_t)(ttl - j - 1), (uint32_t)flow, from,
		     NKT_MDA_NO_RTT);
		for (i = 1; i <= j; i++)
			push(o, (uint8_t)(ttl - j - 1 + i), (uint32_t)flow, 0,
			     NKT_MDA_NO_RTT);
		push(o, ttl, (uint32_t)flow, isnan(rtt) ? 0 : addr,
		     isnan(rtt) ? NKT_MDA_NO_RTT
				: (uint64_t)(rtt * 1e6 + 0.5));
	}
	return NKT_OK;
}

static int read_nodes(const json_t *nodes, struct obsv *o,
		      struct nkt_tracelb_meta *mt, struct nkt_err *err)
{
	const json_t *n, *links, *pos, *hop;
	size_t i, j, l;
	char path[160];

	json_array_foreach(nodes, i, n) {
		uint32_t from;
		snprintf(path, sizeof(path), "nodes[%zu]", i);
		if (!json_is_object(n))
			return nkt_err_set(err, NKT_EMALFORMED,
					   "%s: not an object", path);
		if (addr_of(n, "addr", path, &from, err) != NKT_OK ||
		    nkt_jget_array(n, "links", path, &links, err) != NKT_OK)
			return NKT_EMALFORMED;
		if (links == NULL || from == 0)
			continue;
		json_array_foreach(links, j, pos) {
			if (!json_is_array(pos))
				return nkt_err_set(err, NKT_EMALFORMED,
						   "%s.links[%zu]: not an "
						   "array",
						   path, j);
			json_array_foreach(pos, l, hop) {
				char hp[160];
				snprintf(hp, sizeof(hp), "%.40s.links[%zu][%zu]",
					 path, j, l);
				if (read_hop(hop, hp, from, j, o, mt, err) !=
				    NKT_OK)
					return NKT_EMALFORMED;
			}
		}
	}
	return NKT_OK;
}

/* Graph flow ids 1..255 for scamper's, in the order of their values. */
static void map_flows(struct obsv *o, struct nkt_tracelb_meta *mt)
{
	uint32_t *ids = nkt_xcalloc(o->n ? o->n : 1, sizeof(*ids));
	size_t i, n = 0;

	for (i = 0; i < o->n; i++)
		ids[i] = o->v[i].flow;
	if (o->n > 1)
		qsort(ids, o->n, sizeof(*ids), u32_cmp);
	for (i = 0; i < o->n; i++)
		if (i == 0 || ids[i] != ids[i - 1]) {
			if (n < NKT_MDA_FLOWS)
				mt->flow_id[n] = ids[i];
			n++;
		}
	mt->n_flows = n < NKT_MDA_FLOWS ? (unsigned)n : NKT_MDA_FLOWS;
	for (i = 0; i < o->n; i++) {
		uint32_t *hit = bsearch(&o->v[i].flow, mt->flow_id, mt->n_flows,
					sizeof(uint32_t), u32_cmp);
		if (hit == NULL) {
			/* past the 255th: counted once per answered probe */
			if (o->v[i].rtt_ns != NKT_MDA_NO_RTT)
				mt->left_out++;
			o->v[i].flow = 0;
		} else
			o->v[i].flow = (uint32_t)(hit - mt->flow_id) + 1;
	}
	free(ids);
}

struct nkt_mda *nkt_import_tracelb(const json_t *rec,
				   struct nkt_tracelb_meta *mt,
				   struct nkt_err *err)
{
	const char *type, *method, *src, *dst;
	const json_t *nodes;
	json_int_t conf, probec;
	uint8_t first;
	struct nkt_mda_cfg cfg;
	struct nkt_mda *m;
	struct obsv o = {0};
	size_t i;

	memset(mt, 0, sizeof(*mt));
	if (nkt_jget_str(rec, "type", "", &type, err) != NKT_OK)
		return NULL;
	if (type == NULL || strcmp(type, "tracelb") != 0) {
		nkt_err_set(err, NKT_EIGNORE, "not a scamper tracelb record");
		return NULL;
	}
	if (nkt_jget_str(rec, "src", "", &src, err) != NKT_OK ||
	    nkt_jget_str(rec, "dst", "", &dst, err) != NKT_OK)
		return NULL;
	if ((src != NULL && strchr(src, ':') != NULL) ||
	    (dst != NULL && strchr(dst, ':') != NULL)) {
		nkt_err_set(err, NKT_EIGNORE,
			    "scamper tracelb record over IPv6 (the MDA graph "
			    "is IPv4)");
		return NULL;
	}
	if (dst == NULL) {
		nkt_err_set(err, NKT_EMALFORMED, "dst: missing");
		return NULL;
	}
	if (addr_of(rec, "src", "", &mt->src, err) != NKT_OK ||
	    addr_of(rec, "dst", "", &mt->dst, err) != NKT_OK ||
	    nkt_jget_str(rec, "method", "", &method, err) != NKT_OK ||
	    nkt_jget_u16(rec, "sport", 0, "", &mt->sport, err) != NKT_OK ||
	    nkt_jget_u16(rec, "dport", 0, "", &mt->dport, err) != NKT_OK ||
	    nkt_jget_int(rec, "confidence", 1, 99, 95, "", &conf, err) !=
		    NKT_OK ||
	    nkt_jget_int(rec, "probec", 0, (json_int_t)1 << 40, 0, "", &probec,
			 err) != NKT_OK ||
	    nkt_jget_u8(rec, "firsthop", 1, "", &first, err) != NKT_OK ||
	    nkt_jget_time(rec, "start", "", &mt->start_ns, err) != NKT_OK ||
	    nkt_jget_array(rec, "nodes", "", &nodes, err) != NKT_OK)
		return NULL;
	snprintf(mt->method, sizeof(mt->method), "%s",
		 method ? method : "unknown");
	mt->confidence = (double)conf / 100.0;
	mt->probes = (uint64_t)probec;
	if (nodes != NULL && read_nodes(nodes, &o, mt, err) != NKT_OK) {
		free(o.v);
		return NULL;
	}
	map_flows(&o, mt);
	if (o.n > 1) /* o.v NULL when empty: qsort(NULL, 0) is undefined */
		qsort(o.v, o.n, sizeof(*o.v), obs_cmp);
	memset(&cfg, 0, sizeof(cfg));
	cfg.dst = mt->dst;
	cfg.confidence = mt->confidence;
	cfg.first_ttl = first ? first : 1;
	cfg.max_ttl = 255;
	m = nkt_mda_new(&cfg);
	for (i = 0; i < o.n; i++)
		if (o.v[i].flow != 0 && o.v[i].ttl >= cfg.first_ttl)
			nkt_mda_observe(m, o.v[i].ttl, (uint16_t)o.v[i].flow,
					o.v[i].addr, o.v[i].rtt_ns);
	nkt_mda_observe_end(m, mt->probes);
	if (mt->end_ns < mt->start_ns)
		mt->end_ns = mt->start_ns;
	free(o.v);
	return m;
}
