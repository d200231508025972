// SPDX-License-Identifier: ISC
/*
 * import_scamper.c: a scamper "trace" record (`scamper -O json`,
 * `sc_warts2json`) as an nktrace trace.  scamper lists answers only: the
 * silent attempts are rebuilt from firsthop, hop_count and attempts.
 * Pure.
 */
#include "import_int.h"
#include "nktrace/jsonget.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* "icmpext": [{"ie_cn", "ie_ct", "mpls_labels": [{"mpls_label",
 * "mpls_exp", "mpls_s", "mpls_ttl"}]}] */
static int icmpext(const json_t *x, const char *path, struct nkt_hop_reply *r,
		   struct nkt_err *err)
{
	static const char *const keys[4] = {"mpls_label", "mpls_exp", "mpls_s",
					    "mpls_ttl"};
	const json_t *o, *labels, *l;
	size_t i, k;

	if (!json_is_array(x))
		return nkt_err_set(err, NKT_EMALFORMED,
				   "%s.icmpext: not an array", path);
	r->flags |= NKT_PF_EXT;
	json_array_foreach(x, i, o)
	{
		json_int_t cn, ct;
		char p[128];
		snprintf(p, sizeof(p), "%s.icmpext[%zu]", path, i);
		if (!json_is_object(o))
			return nkt_err_set(err, NKT_EMALFORMED,
					   "%s: not an object", p);
		if (nkt_jget_int(o, "ie_cn", 0, 255, 0, p, &cn, err) !=
			    NKT_OK ||
		    nkt_jget_int(o, "ie_ct", 0, 255, 0, p, &ct, err) !=
			    NKT_OK ||
		    nkt_jget_array(o, "mpls_labels", p, &labels, err) != NKT_OK)
			return NKT_EMALFORMED;
		if (r->n_obj < NKT_EXT_OBJ_MAX) {
			r->obj[r->n_obj].cls = (uint8_t)cn;
			r->obj[r->n_obj].ctype = (uint8_t)ct;
			r->n_obj++;
		}
		json_array_foreach(labels, k, l)
		{
			uint32_t lse;
			char q[256];
			snprintf(q, sizeof(q), "%s.mpls_labels[%zu]", p, k);
			if (nkt_jget_mpls(l, keys, q, &lse, err) != NKT_OK)
				return NKT_EMALFORMED;
			if (r->n_mpls < NKT_MPLS_MAX)
				r->mpls[r->n_mpls++] = lse;
		}
	}
	return NKT_OK;
}

/* The reply's kind: TCP flags, else its ICMP(v6) type. */
static int reply_kind(const json_t *h, const char *path, int af,
		      struct nkt_hop_reply *r, struct nkt_err *err)
{
	json_int_t type, code;

	if (nkt_jget_int(h, "icmp_type", 0, 255, -1, path, &type, err) !=
		    NKT_OK ||
	    nkt_jget_int(h, "icmp_code", 0, 255, 0, path, &code, err) !=
		    NKT_OK)
		return NKT_EMALFORMED;
	if (json_object_get(h, "tcp_flags") != NULL) {
		if (nkt_jget_u8(h, "tcp_flags", 0, path, &r->tcp_flags, err) !=
		    NKT_OK)
			return NKT_EMALFORMED;
		r->kind = NKT_REPLY_TCP;
		return NKT_OK;
	}
	if (type < 0)
		return nkt_err_set(err, NKT_EMALFORMED,
				   "%s: neither icmp_type nor tcp_flags",
				   path);
	r->icmp_type = (uint8_t)type;
	r->icmp_code = (uint8_t)code;
	if (af == 6)
		r->kind = type == 3     ? NKT_REPLY_TTL_EXCEEDED
			  : type == 1   ? NKT_REPLY_UNREACH
			  : type == 129 ? NKT_REPLY_ECHO_REPLY
					: NKT_REPLY_OTHER_ICMP;
	else
		r->kind = type == 11  ? NKT_REPLY_TTL_EXCEEDED
			  : type == 3 ? NKT_REPLY_UNREACH
			  : type == 0 ? NKT_REPLY_ECHO_REPLY
				      : NKT_REPLY_OTHER_ICMP;
	return NKT_OK;
}

/* scamper's reply_size is the whole IP packet; Atlas's size is what
 * follows the ICMP header (an ICMP reply) or the IP header (TCP).  IP
 * options are not recorded by scamper: the header is taken as 20 (IPv4)
 * or 40 (IPv6) bytes. */
static uint16_t atlas_size(uint16_t reply_size, int af, uint8_t kind)
{
	unsigned hdr = (af == 6 ? 40u : 20u) + (kind == NKT_REPLY_TCP ? 0 : 8);
	return reply_size > hdr ? (uint16_t)(reply_size - hdr) : 0;
}

/* One element of "hops": an answer. */
static int hop(const json_t *h, const char *path, int af,
	       struct nkt_addrtab *at, struct nkt_trace *t,
	       struct nkt_err *err)
{
	struct nkt_hop_reply *r;
	json_int_t ttl, id;
	double rtt;
	const json_t *x;

	if (!json_is_object(h))
		return nkt_err_set(err, NKT_EMALFORMED, "%s: not an object",
				   path);
	r = nkt_trace_add(t);
	if (nkt_jget_int(h, "probe_ttl", 1, 255, 0, path, &ttl, err) !=
		    NKT_OK ||
	    nkt_jget_int(h, "probe_id", 0, 255, 1, path, &id, err) != NKT_OK ||
	    nkt_jget_addr(h, "addr", path, at, &r->from, err) != NKT_OK ||
	    nkt_jget_num(h, "rtt", path, &rtt, err) != NKT_OK)
		return NKT_EMALFORMED;
	if (ttl == 0 || r->from == 0 || isnan(rtt))
		return nkt_err_set(err, NKT_EMALFORMED,
				   "%s: needs probe_ttl, addr and rtt", path);
	r->ttl = (uint8_t)ttl;
	r->attempt = (uint8_t)(id ? id : 1);
	r->flags = NKT_PF_REPLY;
	r->rtt_ns = nkt__import_ns(rtt);
	if (nkt_jget_u8(h, "reply_ttl", 0, path, &r->reply_ttl, err) !=
		    NKT_OK ||
	    nkt_jget_u16(h, "reply_ipid", 0, path, &r->reply_ipid, err) !=
		    NKT_OK ||
	    nkt_jget_u16(h, "reply_size", 0, path, &r->size, err) != NKT_OK ||
	    nkt_jget_u8(h, "icmp_q_ttl", 1, path, &r->quoted_ttl, err) !=
		    NKT_OK ||
	    nkt_jget_u8(h, "reply_tos", 0, path, &r->reply_tos, err) !=
		    NKT_OK ||
	    nkt_jget_u8(h, "icmp_q_tos", 0, path, &r->quoted_tos, err) !=
		    NKT_OK ||
	    reply_kind(h, path, af, r, err) != NKT_OK)
		return NKT_EMALFORMED;
	r->size = atlas_size(r->size, af, r->kind);
	/* Atlas gives a reply's ToS for TCP answers ("tos"), the quoted
	 * packet's for ICMP errors ("itos", when not 0). */
	if (r->kind == NKT_REPLY_TCP && json_object_get(h, "reply_tos"))
		r->has |= NKT_RH_TOS;
	/* The misspelt "icmp_nhmtu:" of scamper 20211212 too. */
	if ((x = json_object_get(h, "icmp_nhmtu")) != NULL ||
	    (x = json_object_get(h, "icmp_nhmtu:")) != NULL)
		r->mtu = json_is_integer(x) ? (uint16_t)json_integer_value(x)
					    : 0;
	if ((x = json_object_get(h, "icmpext")) != NULL &&
	    icmpext(x, path, r, err) != NKT_OK)
		return NKT_EMALFORMED;
	return nkt_jget_time(h, "tx", path, &r->tx_ns, err);
}

/* Attempts that got no answer: for each hop up to hop_count, the attempts
 * before the first answered one, or all `attempts` of a silent hop. */
static void silent_attempts(struct nkt_trace *t, json_int_t first,
			    json_int_t count, json_int_t attempts)
{
	size_t n = t->n, i;
	json_int_t v;
	uint8_t ttl;

	for (ttl = (uint8_t)first; count > 0 && ttl <= count; ttl++) {
		uint8_t maxid = 0;
		for (i = 0; i < n; i++)
			if (t->r[i].ttl == ttl && t->r[i].attempt > maxid)
				maxid = t->r[i].attempt;
		for (v = 1; v <= (maxid ? maxid - 1 : attempts); v++) {
			int got = 0;
			for (i = 0; i < n; i++)
				got |= t->r[i].ttl == ttl &&
				       t->r[i].attempt == v;
			if (!got) {
				struct nkt_hop_reply *r = nkt_trace_add(t);
				r->ttl = ttl;
				r->attempt = (uint8_t)v;
				t->sent++;
			}
		}
	}
}

/* The flow: method, size, ports, addresses. */
static int read_flow(const json_t *rec, const char *method,
		     struct nkt_addrtab *at, struct nkt_trace *t,
		     struct nkt_err *err)
{
	json_int_t size;
	uint8_t pid;
	int meth;

	if (nkt_jget_int(rec, "probe_size", 0, 65535, 0, "", &size, err) !=
	    NKT_OK)
		return NKT_EMALFORMED;
	meth = nkt__import_method(method, &pid);
	if (meth < 0)
		return nkt_err_set(err, NKT_EMALFORMED,
				   "method: '%.20s' is not a trace method",
				   method ? method : "(missing)");
	t->flow.method = (uint8_t)meth;
	t->flow.paris_id = pid;
	t->flow.size = (uint16_t)size;
	if (nkt_jget_u16(rec, "dport", 0, "", &t->flow.dport, err) != NKT_OK ||
	    nkt_jget_u16(rec, "sport", 0, "", &t->flow.sport, err) != NKT_OK ||
	    nkt_jget_addr(rec, "src", "", at, &t->flow.src, err) != NKT_OK ||
	    nkt_jget_addr(rec, "dst", "", at, &t->flow.dst, err) != NKT_OK)
		return NKT_EMALFORMED;
	if (t->flow.dst == 0)
		return nkt_err_set(err, NKT_EMALFORMED, "no \"dst\"");
	return NKT_OK;
}

int nkt__import_scamper(const json_t *rec, struct nkt_addrtab *at,
			struct nkt_import_state *st, struct nkt_trace *t,
			struct nkt_import_meta *m, struct nkt_err *err)
{
	const json_t *hops, *h;
	const char *method, *stop, *src;
	json_int_t first, count, attempts;
	size_t i;
	int af;

	if (nkt_jget_str(rec, "method", "", &method, err) != NKT_OK ||
	    nkt_jget_str(rec, "stop_reason", "", &stop, err) != NKT_OK ||
	    nkt_jget_str(rec, "src", "", &src, err) != NKT_OK ||
	    nkt_jget_int(rec, "firsthop", 1, 255, 1, "", &first, err) !=
		    NKT_OK ||
	    nkt_jget_int(rec, "hop_count", 0, 255, 0, "", &count, err) !=
		    NKT_OK ||
	    nkt_jget_int(rec, "attempts", 0, 255, 1, "", &attempts, err) !=
		    NKT_OK ||
	    read_flow(rec, method, at, t, err) != NKT_OK ||
	    nkt_jget_time(rec, "start", "start", &t->start_ns, err) != NKT_OK)
		return NKT_EMALFORMED;
	snprintf(m->source, sizeof(m->source), "scamper");
	af = nkt_addrtab_af(at, t->flow.dst);
	if (st->monitor[0])
		snprintf(m->vantage, sizeof(m->vantage), "%s (%s)",
			 st->monitor, src ? src : "?");
	else
		snprintf(m->vantage, sizeof(m->vantage), "%s",
			 src ? src : "unknown");
	t->origin = nkt_xcalloc(1, sizeof(*t->origin));
	snprintf(t->origin->vantage, sizeof(t->origin->vantage), "%s",
		 m->vantage);
	t->first_ttl = (uint8_t)first;
	t->attempts = (uint8_t)attempts;
	if (nkt_jget_array(rec, "hops", "", &hops, err) != NKT_OK)
		return NKT_EMALFORMED;
	json_array_foreach(hops, i, h)
	{
		char path[32];
		snprintf(path, sizeof(path), "hops[%zu]", i);
		if (hop(h, path, af, at, t, err) != NKT_OK)
			return NKT_EMALFORMED;
		t->sent++;
		if (t->r[t->n - 1].tx_ns > t->end_ns)
			t->end_ns = t->r[t->n - 1].tx_ns +
				    t->r[t->n - 1].rtt_ns;
	}
	silent_attempts(t, first, count, attempts);
	if (t->end_ns < t->start_ns)
		t->end_ns = t->start_ns;
	t->max_ttl = (uint8_t)count;
	t->stop_reason = (uint8_t)nkt__import_stop(stop);
	if (stop != NULL && strcmp(stop, "GAPLIMIT") == 0)
		t->gaplimit = 5;
	nkt__import_finish(t);
	return NKT_OK;
}
