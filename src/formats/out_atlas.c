// SPDX-License-Identifier: ISC
/*
 * out_atlas.c: a trace as a RIPE Atlas traceroute result (fw >= 5000
 * layout; field meanings in data/trace.schema.md), with nktrace's own
 * fields beside Atlas's, which Atlas readers ignore.  Pure: builds jansson
 * values and writes them to a caller's stream.
 */
#include "nktrace/out_atlas.h"
#include "nktrace/atlas_codes.h"
#include "nktrace/addrtab.h"
#include "nktrace/inet.h"

#include <math.h>
#include <string.h>

static json_t *jaddr(const struct nkt_out_opts *o, uint32_t a)
{
	char buf[NKT_ADDRSTRLEN];
	return json_string(nkt_addrtab_fmt(o ? o->addrs : NULL, a, buf));
}

static json_t *jms(uint64_t ns)
{
	return json_real(nkt_ns_to_ms(ns));
}

/* An imported RTT as it was read (to the nanosecond; Atlas prints
 * microseconds, but a record may carry more digits). */
static json_t *jms_exact(uint64_t ns)
{
	return json_real((double)ns / 1e6);
}

static json_t *icmpext(const struct nkt_hop_reply *h)
{
	json_t *ext = json_object(), *objs = json_array();
	size_t i, m = 0;

	json_object_set_new(
		ext, "version",
		json_integer(h->has & NKT_RH_EXTVER ? h->ext_version : 2));
	json_object_set_new(ext, "rfc4884",
			    json_integer(h->flags & NKT_PF_EXT_RFC4884 ? 1 : 0));
	for (i = 0; i < h->n_obj; i++) {
		json_t *o = json_object();
		json_object_set_new(o, "class", json_integer(h->obj[i].cls));
		json_object_set_new(o, "type", json_integer(h->obj[i].ctype));
		if (h->obj[i].cls == 1 && h->obj[i].ctype == 1) {
			json_t *stack = json_array();
			/* The label entries of every MPLS object, in order;
			 * a reply carries one such object in practice. */
			for (; m < h->n_mpls; m++) {
				json_t *e = json_object();
				uint32_t lse = h->mpls[m];
				json_object_set_new(
					e, "label",
					json_integer(nkt_mpls_label(lse)));
				json_object_set_new(
					e, "exp", json_integer(nkt_mpls_exp(lse)));
				json_object_set_new(
					e, "s", json_integer(nkt_mpls_s(lse)));
				json_object_set_new(
					e, "ttl", json_integer(nkt_mpls_ttl(lse)));
				json_array_append_new(stack, e);
				if (nkt_mpls_s(lse))
					break;
			}
			if (m < h->n_mpls)
				m++;
			json_object_set_new(o, "mpls", stack);
		}
		json_array_append_new(objs, o);
	}
	json_object_set_new(ext, "obj", objs);
	return ext;
}

static json_t *reply_json(const struct nkt_trace *t,
			  const struct nkt_hop_reply *h,
			  const struct nkt_out_opts *o)
{
	json_t *r;
	int intcode;
	const char *err;

	if (!(h->flags & (NKT_PF_REPLY | NKT_PF_EDST)))
		return json_pack("{s:s}", "x", "*");
	r = json_object();
	if (h->flags & NKT_PF_LATE)
		json_object_set_new(r, "late", json_integer(h->late ? h->late : 1));
	else if (h->flags & NKT_PF_DUP)
		json_object_set_new(r, "dup", h->has & NKT_RH_DUPINT
						      ? json_integer(1)
						      : json_true());
	json_object_set_new(r, "from", jaddr(o, h->from));
	/* edst and late: none, unless an imported report had one */
	if (((h->flags & NKT_PF_REPLY) && !(h->flags & NKT_PF_LATE)) ||
	    (h->has & NKT_RH_RTT))
		json_object_set_new(r, "rtt", t->origin ? jms_exact(h->rtt_ns)
							: jms(h->rtt_ns));
	json_object_set_new(r, "size", json_integer(h->size));
	json_object_set_new(r, "ttl", json_integer(h->reply_ttl));
	if (h->kind == NKT_REPLY_UNREACH) {
		err = nkt_atlas_err(
			nkt_addrtab_af(o ? o->addrs : NULL, t->flow.dst),
			t->flow.method, h->icmp_code, &intcode);
		if (err != NULL)
			json_object_set_new(r, "err", json_string(err));
		else if (intcode >= 0)
			json_object_set_new(r, "err", json_integer(intcode));
		if (h->icmp_code == 4 && h->icmp_type == 3)
			json_object_set_new(r, "mtu", json_integer(h->mtu));
	} else if (h->kind == NKT_REPLY_OTHER_ICMP && h->mtu)
		json_object_set_new(r, "mtu", json_integer(h->mtu));
	/* Atlas leaves ittl out when 1 and itos when 0; an imported record
	 * that had them has them again. */
	if (h->kind == NKT_REPLY_TTL_EXCEEDED || h->kind == NKT_REPLY_UNREACH ||
	    h->kind == NKT_REPLY_OTHER_ICMP || (h->has & NKT_RH_ITTL)) {
		if (h->quoted_ttl != 1 || (h->has & NKT_RH_ITTL))
			json_object_set_new(r, "ittl",
					    json_integer(h->quoted_ttl));
	}
	if (h->kind == NKT_REPLY_TTL_EXCEEDED || h->kind == NKT_REPLY_UNREACH ||
	    h->kind == NKT_REPLY_OTHER_ICMP || (h->has & NKT_RH_ITOS)) {
		if (h->quoted_tos != 0 || (h->has & NKT_RH_ITOS))
			json_object_set_new(r, "itos",
					    json_integer(h->quoted_tos));
	}
	if (h->has & NKT_RH_TOS)
		json_object_set_new(r, "tos", json_integer(h->reply_tos));
	if (h->has & NKT_RH_DSTOPT)
		json_object_set_new(r, "dstoptsize", json_integer(h->dstoptsize));
	if (h->has & NKT_RH_HBHOPT)
		json_object_set_new(r, "hbhoptsize", json_integer(h->hbhoptsize));
	if ((h->flags & NKT_PF_EDST) || h->edst != 0)
		json_object_set_new(r, "edst", jaddr(o, h->edst));
	if (h->kind == NKT_REPLY_TCP) {
		char fl[8];
		nkt_atlas_tcp_flags(h->tcp_flags, fl);
		json_object_set_new(r, "flags", json_string(fl));
	}
	if (h->flags & NKT_PF_EXT)
		json_object_set_new(r, "icmpext", icmpext(h));
	/* nktrace's own fields */
	if (h->kind != NKT_REPLY_TCP && h->kind != NKT_REPLY_ECHO_REPLY) {
		json_object_set_new(r, "icmp_type", json_integer(h->icmp_type));
		json_object_set_new(r, "icmp_code", json_integer(h->icmp_code));
		json_object_set_new(r, "qttl", json_integer(h->quoted_ttl));
	}
	if (t->origin == NULL || !(t->origin->has & NKT_OH_ATLAS))
		json_object_set_new(r, "ipid", json_integer(h->reply_ipid));
	if (h->flags & NKT_PF_RTT_CLOCK)
		json_object_set_new(r, "rtt_src", json_string("clock"));
	if (h->flags & NKT_PF_ID_IPID)
		json_object_set_new(r, "id_src", json_string("ipid"));
	if (o != NULL && o->hook.json != NULL)
		o->hook.json(o->hook.ctx, h->from, r);
	return r;
}

static void set_opt_int(json_t *rec, uint32_t has, uint32_t bit,
			const char *key, int64_t v)
{
	if (has & bit)
		json_object_set_new(rec, key, json_integer((json_int_t)v));
}

static void set_opt_str(json_t *rec, uint32_t has, uint32_t bit,
			const char *key, const char *v)
{
	if (has & bit)
		json_object_set_new(rec, key, json_string(v));
}

/* An imported Atlas record's members, as it had them. */
static void head_origin(json_t *rec, const struct nkt_trace *t,
			const struct nkt_out_opts *o)
{
	const struct nkt_origin *g = t->origin;
	uint32_t has = g->has;

	json_object_set_new(rec, "fw", json_integer((json_int_t)g->fw));
	set_opt_int(rec, has, NKT_OH_LTS, "lts", g->lts);
	json_object_set_new(rec, "af",
			    json_integer(nkt_addrtab_af(o ? o->addrs : NULL,
							t->flow.dst)));
	if (has & NKT_OH_DST)
		json_object_set_new(rec, "dst_addr", jaddr(o, t->flow.dst));
	set_opt_str(rec, has, NKT_OH_DSTNAME, "dst_name", g->dst_name);
	if (has & NKT_OH_SRC) /* "" when the probe did not know it */
		json_object_set_new(rec, "src_addr", t->flow.src
							     ? jaddr(o, t->flow.src)
							     : json_string(""));
	set_opt_str(rec, has, NKT_OH_FROM, "from", g->from);
	json_object_set_new(rec, "proto",
			    json_string(nkt_method_atlas(t->flow.method)));
	set_opt_int(rec, has, NKT_OH_PARIS, "paris_id", t->flow.paris_id);
	json_object_set_new(rec, "size", json_integer(t->flow.size));
	json_object_set_new(rec, "timestamp",
			    json_integer((json_int_t)(t->start_ns / 1000000000)));
	json_object_set_new(rec, "endtime",
			    json_integer((json_int_t)(t->end_ns / 1000000000)));
	set_opt_int(rec, has, NKT_OH_MSM, "msm_id", g->msm_id);
	set_opt_int(rec, has, NKT_OH_PRB, "prb_id", g->prb_id);
	set_opt_int(rec, has, NKT_OH_GROUP, "group_id", g->group_id);
	set_opt_int(rec, has, NKT_OH_BUNDLE, "bundle", g->bundle);
	set_opt_int(rec, has, NKT_OH_STORED, "stored_timestamp", g->stored_ts);
	set_opt_str(rec, has, NKT_OH_MSMNAME, "msm_name", g->msm_name);
	set_opt_str(rec, has, NKT_OH_TYPE, "type", g->type);
	set_opt_str(rec, has, NKT_OH_MVER, "mver", g->mver);
}

/* Atlas's own members: who, what, when. */
static void head_json(json_t *rec, const struct nkt_trace *t,
		      const struct nkt_out_opts *o)
{
	const char *name = NULL;

	if (t->origin != NULL && (t->origin->has & NKT_OH_ATLAS)) {
		head_origin(rec, t, o);
		return;
	}

	if (o != NULL && o->dst_name != NULL)
		name = o->dst_name(o->ctx, t->flow.dst);
	json_object_set_new(rec, "fw", json_integer(NKT_ATLAS_FW));
	json_object_set_new(rec, "af",
			    json_integer(nkt_addrtab_af(o ? o->addrs : NULL,
							t->flow.dst)));
	json_object_set_new(rec, "dst_addr", jaddr(o, t->flow.dst));
	json_object_set_new(rec, "dst_name",
			    name ? json_string(name) : jaddr(o, t->flow.dst));
	json_object_set_new(rec, "src_addr", jaddr(o, t->flow.src));
	json_object_set_new(rec, "from", jaddr(o, t->flow.src));
	json_object_set_new(rec, "proto",
			    json_string(nkt_method_atlas(t->flow.method)));
	json_object_set_new(rec, "paris_id", json_integer(t->flow.paris_id));
	json_object_set_new(rec, "size", json_integer(t->flow.size));
	json_object_set_new(rec, "timestamp",
			    json_integer((json_int_t)(t->start_ns / 1000000000)));
	json_object_set_new(rec, "endtime",
			    json_integer((json_int_t)(t->end_ns / 1000000000)));
	json_object_set_new(rec, "msm_id", json_integer(o ? o->msm_id : 0));
	json_object_set_new(rec, "prb_id", json_integer(o ? o->prb_id : 0));
	json_object_set_new(rec, "msm_name", json_string("Traceroute"));
	json_object_set_new(rec, "type", json_string("traceroute"));
	if (t->origin != NULL && t->origin->vantage[0])
		json_object_set_new(rec, "vantage",
				    json_string(t->origin->vantage));
}

/* A packet of hop `ttl` that could not be sent, at position `pos` of an
 * imported hop's result array. */
static int senderr_at(const struct nkt_origin *g, unsigned ttl, unsigned pos)
{
	size_t i;
	for (i = 0; g != NULL && i < g->n_senderr; i++)
		if (g->senderr[i].ttl == ttl && g->senderr[i].pos == pos)
			return 1;
	return 0;
}

static int has_senderr(const struct nkt_origin *g, unsigned ttl)
{
	size_t i;
	for (i = 0; g != NULL && i < g->n_senderr; i++)
		if (g->senderr[i].ttl == ttl)
			return 1;
	return 0;
}

static json_t *senderr_json(const struct nkt_trace *t)
{
	return json_pack("{s:s}", "error",
			 t->origin->error[0] ? t->origin->error
					     : strerror(t->stop_errno));
}

/* The replies of hop records [i, j): in the order they were recorded, or
 * as an imported hop listed them, with its unsendable packets between. */
static json_t *hop_results(const struct nkt_trace *t, size_t i, size_t j,
			   unsigned ttl, const struct nkt_out_opts *o)
{
	const struct nkt_origin *g = t->origin;
	json_t *res = json_array();
	unsigned pos = 0;
	size_t k, done = 0;

	if (g == NULL) {
		for (k = i; k < j; k++)
			json_array_append_new(res, reply_json(t, &t->r[k], o));
		return res;
	}
	while (done < j - i || senderr_at(g, ttl, pos)) {
		int found = 0;
		if (senderr_at(g, ttl, pos)) {
			json_array_append_new(res, senderr_json(t));
			pos++;
			continue;
		}
		for (k = i; k < j; k++)
			if (t->r[k].pos == pos) {
				json_array_append_new(res,
						      reply_json(t, &t->r[k], o));
				done++;
				found = 1;
			}
		if (!found && pos >= 255)
			break;
		pos++;
	}
	return res;
}

/* The hop error of a trace stopped by one: the text the record had. */
static const char *hop_error(const struct nkt_trace *t)
{
	if (t->origin != NULL && t->origin->error[0])
		return t->origin->error;
	return strerror(t->stop_errno);
}

/* "result": one object per hop from the first TTL to the stop hop; an
 * imported trace's hops as the record had them (Atlas's hop 255 after
 * its last hop, no filler between). */
static json_t *hops_json(const struct nkt_trace *t,
			 const struct nkt_out_opts *o)
{
	const struct nkt_origin *g = t->origin;
	json_t *hops = json_array();
	size_t i = 0, j;
	unsigned ttl;

	for (ttl = t->first_ttl; ttl <= t->stop_hop; ttl++) {
		json_t *hop, *res;
		int err_hop = t->stop_reason == NKT_STOP_ERROR &&
			      ttl == t->stop_hop &&
			      (g == NULL || (g->has & NKT_OH_HOPERR));
		for (; i < t->n && t->r[i].ttl < ttl &&
		       !(t->r[i].flags & NKT_PF_E2E);
		     i++)
			;
		for (j = i; j < t->n && t->r[j].ttl == ttl &&
			    !(t->r[j].flags & NKT_PF_E2E);
		     j++)
			;
		if (g != NULL && j == i && !err_hop && !has_senderr(g, ttl))
			continue; /* a TTL the record did not have */
		hop = json_object();
		json_object_set_new(hop, "hop", json_integer(ttl));
		res = hop_results(t, i, j, ttl, o);
		i = j;
		if (err_hop) {
			json_object_set_new(hop, "error",
					    json_string(hop_error(t)));
			if (json_array_size(res) == 0) {
				json_decref(res);
				res = NULL;
			}
		}
		if (res != NULL)
			json_object_set_new(hop, "result", res);
		json_array_append_new(hops, hop);
	}
	if (g != NULL && g->silent255 > 0 && t->stop_hop < 255) {
		json_t *res = json_array();
		for (j = 0; j < g->silent255; j++)
			json_array_append_new(res, json_pack("{s:s}", "x", "*"));
		json_array_append_new(hops, json_pack("{s:i,s:o}", "hop", 255,
						      "result", res));
	}
	return hops;
}

/* nktrace's end-to-end probes: {"ttl", "sent", "received", "rtt",
 * "reply_ttl"}. */
static json_t *e2e_json(const struct nkt_trace *t)
{
	json_t *e = json_object(), *rtts = json_array(), *ttls = json_array();
	size_t i;

	for (i = 0; i < t->n; i++)
		if ((t->r[i].flags & NKT_PF_E2E) &&
		    (t->r[i].flags & NKT_PF_REPLY) &&
		    !(t->r[i].flags & NKT_PF_DUP) &&
		    t->r[i].from == t->flow.dst) {
			json_array_append_new(rtts, jms(t->r[i].rtt_ns));
			json_array_append_new(ttls,
					      json_integer(t->r[i].reply_ttl));
		}
	json_object_set_new(e, "ttl", json_integer(t->e2e_ttl));
	json_object_set_new(e, "sent", json_integer(t->e2e_sent));
	json_object_set_new(e, "received", json_integer(t->e2e_reached));
	json_object_set_new(e, "rtt", rtts);
	json_object_set_new(e, "reply_ttl", ttls);
	return e;
}

/* nktrace's own members beside Atlas's. */
static void own_json(json_t *rec, const struct nkt_trace *t,
		     const struct nkt_out_opts *o)
{
	char vbuf[32];

	snprintf(vbuf, sizeof(vbuf), "nktrace %s", NKT_VERSION);
	if (t->origin == NULL || !(t->origin->has & NKT_OH_ATLAS))
		json_object_set_new(rec, "version", json_string(vbuf));
	else if (t->origin->has & NKT_OH_VERSION)
		json_object_set_new(rec, "version",
				    json_string(t->origin->version));
	json_object_set_new(rec, "method",
			    json_string(t->flow.paris_id
						? nkt_method_long(t->flow.method)
						: nkt_method_name(t->flow.method)));
	if (t->flow.method != NKT_METHOD_ICMP) {
		json_object_set_new(rec, "sport", json_integer(t->flow.sport));
		json_object_set_new(rec, "dport", json_integer(t->flow.dport));
	}
	if (o != NULL && o->via_name[t->via] != NULL)
		json_object_set_new(rec, "via",
				    json_string(o->via_name[t->via]));
	json_object_set_new(rec, "stop_reason",
			    json_string(nkt_stop_name(t->stop_reason)));
	json_object_set_new(rec, "stop_hop", json_integer(t->stop_hop));
	if (t->stop_reason == NKT_STOP_ERROR)
		json_object_set_new(rec, "error", json_string(hop_error(t)));
	if (t->purpose == NKT_PURPOSE_REPROBE)
		json_object_set_new(rec, "purpose", json_string("reprobe"));
	json_object_set_new(rec, "first_ttl", json_integer(t->first_ttl));
	json_object_set_new(rec, "max_ttl", json_integer(t->max_ttl));
	json_object_set_new(rec, "attempts", json_integer(t->attempts));
	json_object_set_new(rec, "gaplimit", json_integer(t->gaplimit));
	json_object_set_new(rec, "start_us",
			    json_integer((json_int_t)(t->start_ns / 1000)));
	json_object_set_new(rec, "end_us",
			    json_integer((json_int_t)(t->end_ns / 1000)));
	json_object_set_new(rec, "probes", json_integer(t->sent));
	json_object_set_new(rec, "replies", json_integer(t->replies));
	json_object_set_new(rec, "late", json_integer(t->late));
	json_object_set_new(rec, "dups", json_integer(t->dups));
	json_object_set_new(rec, "edsts", json_integer(t->edsts));
	if (t->e2e_sent > 0)
		json_object_set_new(rec, "e2e", e2e_json(t));
}

json_t *nkt_atlas_trace(const struct nkt_trace *t,
			const struct nkt_out_opts *o)
{
	json_t *rec = json_object();

	head_json(rec, t, o);
	json_object_set_new(rec, "result", hops_json(t, o));
	own_json(rec, t, o);
	if (o != NULL && o->extra != NULL)
		o->extra(o->ctx, t, rec);
	return rec;
}

int nkt_atlas_write(FILE *f, const struct nkt_trace *t,
		    const struct nkt_out_opts *o)
{
	json_t *rec = nkt_atlas_trace(t, o);
	int rc = json_dumpf(rec, f, NKT_JSON_FLAGS);
	json_decref(rec);
	if (rc != 0 || fputc('\n', f) == EOF)
		return -1;
	return 0;
}
