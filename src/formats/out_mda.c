// SPDX-License-Identifier: ISC
/* out_mda.c: an MDA graph as JSON and as text.  Pure. */
#include "nktrace/out_mda.h"
#include "nktrace/inet.h"

#include <string.h>

static json_t *flow_list(const struct nkt_flowset *s)
{
	json_t *a = json_array();
	unsigned f;
	for (f = 1; f <= NKT_MDA_FLOWS; f++)
		if (nkt_flowset_has(s, f))
			json_array_append_new(a, json_integer(f));
	return a;
}

static json_t *ms(uint64_t ns)
{
	return json_real((double)(ns / 1000) / 1000.0);
}

json_t *nkt_mda_json(const struct nkt_mda *m, const struct nkt_mda_meta *mt,
		     const struct nkt_out_opts *o)
{
	size_t nn, nl, i;
	const struct nkt_mda_node *nd = nkt_mda_nodes(m, &nn);
	const struct nkt_mda_link *lk = nkt_mda_links(m, &nl);
	json_t *rec = json_object(), *nodes = json_array(),
	       *links = json_array(), *bal = json_array();
	char a[NKT_INET_ADDRSTRLEN];

	json_object_set_new(rec, "type", json_string("mda"));
	json_object_set_new(rec, "version", json_integer(1));
	json_object_set_new(rec, "src", json_string(nkt_inet_fmt(mt->src, a)));
	json_object_set_new(rec, "dst", json_string(nkt_inet_fmt(mt->dst, a)));
	if (o != NULL && o->dst_name != NULL &&
	    o->dst_name(o->ctx, mt->dst) != NULL)
		json_object_set_new(rec, "dst_name",
				    json_string(o->dst_name(o->ctx, mt->dst)));
	json_object_set_new(rec, "method", json_string(mt->method));
	if (mt->dport)
		json_object_set_new(rec, "dport", json_integer(mt->dport));
	json_object_set_new(rec, "confidence", json_real(mt->confidence));
	json_object_set_new(rec, "start", json_integer((json_int_t)(
						  mt->start_ns / 1000000000)));
	json_object_set_new(rec, "end", json_integer((json_int_t)(
						mt->end_ns / 1000000000)));
	json_object_set_new(rec, "probes",
			    json_integer((json_int_t)nkt_mda_sent(m)));
	json_object_set_new(rec, "stop_reason",
			    json_string(nkt_mda_stop_name(nkt_mda_stop(m))));
	for (i = 0; i < nn; i++) {
		const struct nkt_mda_node *n = &nd[i];
		json_t *j = json_object();
		json_object_set_new(j, "id", json_integer((json_int_t)i));
		json_object_set_new(j, "ttl", json_integer(n->ttl));
		json_object_set_new(j, "addr",
				    n->addr ? json_string(nkt_inet_fmt(n->addr,
								       a))
					    : json_null());
		if (n->addr && o != NULL && o->hook.json != NULL)
			o->hook.json(o->hook.ctx, n->addr, j);
		json_object_set_new(j, "flows", flow_list(&n->flows));
		if (n->n_rtt)
			json_object_set_new(
				j, "rtt_ms",
				json_pack("{s:o,s:o,s:o,s:I}", "min",
					  ms(n->rtt_min), "avg",
					  ms(n->rtt_sum / n->n_rtt), "max",
					  ms(n->rtt_max), "n",
					  (json_int_t)n->n_rtt));
		json_object_set_new(j, "successors", json_integer(n->n_succ));
		json_object_set_new(j, "balance",
				    json_string(nkt_mda_balance_name(
					    n->balance)));
		if (n->exhausted)
			json_object_set_new(j, "exhausted", json_true());
		if (n->same_as)
			json_object_set_new(j, "same_as",
					    json_integer(n->same_as - 1));
		if (n->reached)
			json_object_set_new(j, "reached", json_true());
		json_array_append_new(nodes, j);
		if (n->balance != NKT_MDA_NONE)
			json_array_append_new(
				bal, json_pack("{s:I,s:s,s:s,s:i}", "node",
					       (json_int_t)i, "addr",
					       nkt_inet_fmt(n->addr, a), "kind",
					       nkt_mda_balance_name(n->balance),
					       "next_hops", n->n_succ));
	}
	for (i = 0; i < nl; i++)
		json_array_append_new(
			links, json_pack("{s:I,s:I,s:o}", "from",
					 (json_int_t)lk[i].from, "to",
					 (json_int_t)lk[i].to, "flows",
					 flow_list(&lk[i].flows)));
	json_object_set_new(rec, "nodes", nodes);
	json_object_set_new(rec, "links", links);
	json_object_set_new(rec, "balancers", bal);
	return rec;
}

/* "name (addr)" or "addr" or "*". */
static const char *iface(const struct nkt_mda_node *n,
			 const struct nkt_out_opts *o, char *buf, size_t len)
{
	char a[NKT_INET_ADDRSTRLEN];
	const char *name;
	if (n->addr == 0)
		return "*";
	name = o != NULL && o->addr_name != NULL ? o->addr_name(o->ctx,
								n->addr)
						 : NULL;
	if (name != NULL)
		snprintf(buf, len, "%s (%s)", name, nkt_inet_fmt(n->addr, a));
	else
		snprintf(buf, len, "%s", nkt_inet_fmt(n->addr, a));
	return buf;
}

int nkt_mda_text(FILE *f, const struct nkt_mda *m,
		 const struct nkt_mda_meta *mt, const struct nkt_out_opts *o)
{
	size_t nn, nl, i, k;
	const struct nkt_mda_node *nd = nkt_mda_nodes(m, &nn);
	const struct nkt_mda_link *lk = nkt_mda_links(m, &nl);
	char a[NKT_INET_ADDRSTRLEN], s[NKT_INET_ADDRSTRLEN], b1[320],
		b2[320];
	unsigned ttl, last = 0;
	const char *dname = o != NULL && o->dst_name != NULL
				    ? o->dst_name(o->ctx, mt->dst)
				    : NULL;

	for (i = 0; i < nn; i++)
		if (nd[i].ttl > last)
			last = nd[i].ttl;
	fprintf(f, "mda to %s", nkt_inet_fmt(mt->dst, a));
	if (dname != NULL)
		fprintf(f, " (%s)", dname);
	fprintf(f, " from %s, %s", nkt_inet_fmt(mt->src, s), mt->method);
	if (mt->dport)
		fprintf(f, " port %u", mt->dport);
	fprintf(f, ", %.0f%% confidence\n", mt->confidence * 100);
	for (ttl = 1; ttl <= last; ttl++) {
		int first = 1;
		for (i = 0; i < nn; i++) {
			const struct nkt_mda_node *n = &nd[i];
			if (n->ttl != ttl)
				continue;
			fprintf(f, first ? "%2u  " : "    ", ttl);
			first = 0;
			fprintf(f, "%s", iface(n, o, b1, sizeof(b1)));
			if (n->n_rtt)
				fprintf(f, "  %.3f/%.3f/%.3f ms",
					(double)n->rtt_min / 1e6,
					(double)n->rtt_sum / n->n_rtt / 1e6,
					(double)n->rtt_max / 1e6);
			fprintf(f, "  [%u flows]", nkt_flowset_count(&n->flows));
			if (n->balance != NKT_MDA_NONE)
				fprintf(f, "  %s over %u", 
					nkt_mda_balance_name(n->balance),
					n->n_succ);
			if (n->exhausted)
				fprintf(f, "  (flows ran out)");
			if (n->same_as)
				fprintf(f, "  (next hops as at hop %u)",
					nd[n->same_as - 1].ttl);
			fputc('\n', f);
			for (k = 0; k < nl; k++)
				if (lk[k].from == i && nd[lk[k].to].addr)
					fprintf(f, "        -> %s  [%u flows]\n",
						iface(&nd[lk[k].to], o, b2,
						      sizeof(b2)),
						nkt_flowset_count(
							&lk[k].flows));
		}
	}
	fprintf(f, "%s at hop %u, %llu probes, %zu interfaces, %zu links\n",
		nkt_mda_stop_name(nkt_mda_stop(m)), nkt_mda_last_ttl(m),
		(unsigned long long)nkt_mda_sent(m), nn, nl);
	return ferror(f) ? -1 : 0;
}
