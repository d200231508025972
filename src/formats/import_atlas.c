// SPDX-License-Identifier: ISC
/*
 * import_atlas.c: a RIPE Atlas traceroute result (fw 4400 and later, and
 * nktrace's own records, which add end-to-end probes and why they stopped)
 * as an nktrace trace.  Pure.
 */
#include "import_int.h"
#include "nktrace/atlas_codes.h"
#include "nktrace/jsonget.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Atlas "err": an integer code or one of the letters atlas_codes.c
 * knows. */
static int err_code(const json_t *e, int af, int *code)
{
	if (json_is_integer(e)) {
		json_int_t c = json_integer_value(e);
		if (c < 0 || c > 255)
			return NKT_EMALFORMED;
		*code = (int)c;
		return NKT_OK;
	}
	if (!json_is_string(e) || strlen(json_string_value(e)) != 1)
		return NKT_EMALFORMED;
	return nkt_atlas_err_code(af, json_string_value(e)[0], code);
}

/* "icmpext": {"version", "rfc4884", "obj": [{"class", "type", "mpls":
 * [{"label", "exp", "s", "ttl"}]}]} */
static int icmpext(const json_t *x, const char *path, struct nkt_hop_reply *h,
		   struct nkt_err *err)
{
	static const char *const keys[4] = {"label", "exp", "s", "ttl"};
	const json_t *objs, *o;
	json_int_t v;
	size_t i, k;
	char p[128];

	if (!json_is_object(x))
		return nkt_err_set(err, NKT_EMALFORMED,
				   "%s.icmpext: not an object", path);
	snprintf(p, sizeof(p), "%s.icmpext", path);
	if (json_object_get(x, "version") != NULL) {
		if (nkt_jget_int(x, "version", 0, 15, 0, p, &v, err) != NKT_OK)
			return NKT_EMALFORMED;
		h->ext_version = (uint8_t)v;
		h->has |= NKT_RH_EXTVER;
	}
	if (nkt_jget_int(x, "rfc4884", 0, 1, 0, p, &v, err) != NKT_OK ||
	    nkt_jget_array(x, "obj", p, &objs, err) != NKT_OK)
		return NKT_EMALFORMED;
	h->flags |= NKT_PF_EXT | (v ? NKT_PF_EXT_RFC4884 : 0);
	json_array_foreach(objs, i, o)
	{
		const json_t *mpls, *l;
		json_int_t cls, ctype;
		char q[160];
		snprintf(q, sizeof(q), "%s.obj[%zu]", p, i);
		if (!json_is_object(o))
			return nkt_err_set(err, NKT_EMALFORMED,
					   "%s: not an object", q);
		if (nkt_jget_int(o, "class", 0, 255, 0, q, &cls, err) !=
			    NKT_OK ||
		    nkt_jget_int(o, "type", 0, 255, 0, q, &ctype, err) !=
			    NKT_OK ||
		    nkt_jget_array(o, "mpls", q, &mpls, err) != NKT_OK)
			return NKT_EMALFORMED;
		if (h->n_obj < NKT_EXT_OBJ_MAX) {
			h->obj[h->n_obj].cls = (uint8_t)cls;
			h->obj[h->n_obj].ctype = (uint8_t)ctype;
			h->n_obj++;
		}
		json_array_foreach(mpls, k, l)
		{
			uint32_t lse;
			char r[200];
			snprintf(r, sizeof(r), "%s.mpls[%zu]", q, k);
			if (nkt_jget_mpls(l, keys, r, &lse, err) != NKT_OK)
				return NKT_EMALFORMED;
			if (h->n_mpls < NKT_MPLS_MAX)
				h->mpls[h->n_mpls++] = lse;
		}
	}
	return NKT_OK;
}

/* What kind of answer a reply is: TCP flags; an unreachable ("err",
 * "mtu"); the destination's own answer; else time exceeded. */
static int reply_kind(const json_t *r, const char *path, int af,
		      const struct nkt_trace *t, struct nkt_hop_reply *h,
		      struct nkt_err *err)
{
	const json_t *e = json_object_get(r, "err");
	const char *flags;
	int code;

	if (nkt_jget_str(r, "flags", path, &flags, err) != NKT_OK)
		return NKT_EMALFORMED;
	if (flags != NULL) {
		h->kind = NKT_REPLY_TCP;
		h->tcp_flags = nkt_atlas_tcp_bits(flags);
	} else if (e != NULL) {
		if (err_code(e, af, &code) != NKT_OK)
			return nkt_err_set(err, NKT_EMALFORMED,
					   "%s.err: not an Atlas error "
					   "letter or code",
					   path);
		h->kind = NKT_REPLY_UNREACH;
		h->icmp_type = af == 6 ? 1 : 3;
		h->icmp_code = (uint8_t)code;
	} else if (h->mtu) {
		h->kind = af == 6 ? NKT_REPLY_OTHER_ICMP : NKT_REPLY_UNREACH;
		h->icmp_type = af == 6 ? 2 : 3;
		h->icmp_code = af == 6 ? 0 : 4;
	} else if (h->from == t->flow.dst) {
		switch (t->flow.method) {
		case NKT_METHOD_ICMP:
			h->kind = NKT_REPLY_ECHO_REPLY;
			h->icmp_type = af == 6 ? 129 : 0;
			break;
		case NKT_METHOD_UDP:
			h->kind = NKT_REPLY_UNREACH;
			h->icmp_type = af == 6 ? 1 : 3;
			h->icmp_code = af == 6 ? 4 : 3;
			break;
		default:
			h->kind = NKT_REPLY_TCP;
		}
	} else {
		h->kind = NKT_REPLY_TTL_EXCEEDED;
		h->icmp_type = af == 6 ? 3 : 11;
	}
	return NKT_OK;
}

/* How a reply counts: a late answer to an earlier packet (its address,
 * never an answer), a duplicate, a reply quoting another destination, or
 * an answer. */
static void reply_role(struct nkt_hop_reply *h, int late, int dup,
		       uint32_t edst, uint8_t *attempt, struct nkt_trace *t)
{
	if (late) {
		h->flags = NKT_PF_REPLY | NKT_PF_DUP | NKT_PF_LATE;
		h->attempt = *attempt ? *attempt : 1;
		t->late++;
	} else if (dup) {
		h->flags = NKT_PF_REPLY | NKT_PF_DUP;
		h->attempt = *attempt ? *attempt : 1;
		t->dups++;
	} else if (edst) {
		h->flags = NKT_PF_EDST;
		h->edst = edst;
		h->attempt = ++*attempt;
		t->sent++;
		t->edsts++;
	} else {
		h->flags = NKT_PF_REPLY;
		h->attempt = ++*attempt;
		t->sent++;
	}
}

/* A packet that could not be sent (fw >= 5000): not a probe; where it
 * stood is kept for writing the record back, and the trace stops with
 * ERROR if nothing after it answered (nkt__import_atlas). */
static void send_error(const char *msg, uint8_t ttl, uint8_t pos,
		       struct nkt_trace *t)
{
	struct nkt_origin *o = t->origin;
	if (o->n_senderr < NKT_ORIGIN_SENDERR_MAX) {
		o->senderr[o->n_senderr].ttl = ttl;
		o->senderr[o->n_senderr].pos = pos;
		o->n_senderr++;
	}
	if (o->error[0] == '\0')
		snprintf(o->error, sizeof(o->error), "%s", msg);
	t->stop_errno = nkt__import_errno(msg);
}

/* The optional members of a reply, and which of them were there. */
static int reply_extra(const json_t *r, const char *path,
		       struct nkt_hop_reply *h, struct nkt_err *err)
{
	static const struct {
		const char *key;
		uint8_t bit;
	} opt[] = {{"ittl", NKT_RH_ITTL},	{"itos", NKT_RH_ITOS},
		   {"tos", NKT_RH_TOS},		{"dstoptsize", NKT_RH_DSTOPT},
		   {"hbhoptsize", NKT_RH_HBHOPT}};
	size_t i;

	for (i = 0; i < NKT_ARRAY_LEN(opt); i++)
		if (json_object_get(r, opt[i].key) != NULL)
			h->has |= opt[i].bit;
	if (nkt_jget_u8(r, "ittl", 1, path, &h->quoted_ttl, err) != NKT_OK ||
	    nkt_jget_u8(r, "itos", 0, path, &h->quoted_tos, err) != NKT_OK ||
	    nkt_jget_u8(r, "tos", 0, path, &h->reply_tos, err) != NKT_OK ||
	    nkt_jget_u16(r, "dstoptsize", 0, path, &h->dstoptsize, err) !=
		    NKT_OK ||
	    nkt_jget_u16(r, "hbhoptsize", 0, path, &h->hbhoptsize, err) !=
		    NKT_OK)
		return NKT_EMALFORMED;
	return NKT_OK;
}

/* One reply object of hop `ttl`, the pos'th of its hop. */
static int reply(const json_t *r, const char *path, int af,
		 struct nkt_addrtab *at, uint8_t ttl, uint8_t pos,
		 uint8_t *attempt, struct nkt_trace *t, struct nkt_err *err)
{
	struct nkt_hop_reply *h;
	const json_t *x;
	const char *s;
	json_int_t late;
	double rtt;
	uint32_t from = 0, edst = 0;

	if (!json_is_object(r))
		return nkt_err_set(err, NKT_EMALFORMED, "%s: not an object",
				   path);
	if (json_object_get(r, "x") != NULL) { /* {"x": "*"}: a timeout */
		h = nkt_trace_add(t);
		h->ttl = ttl;
		h->pos = pos;
		h->attempt = ++*attempt;
		t->sent++;
		return NKT_OK;
	}
	if (nkt_jget_str(r, "error", path, &s, err) != NKT_OK)
		return NKT_EMALFORMED;
	if (s != NULL) {
		send_error(s, ttl, pos, t);
		return NKT_OK;
	}
	if (nkt_jget_addr(r, "from", path, at, &from, err) != NKT_OK ||
	    nkt_jget_addr(r, "edst", path, at, &edst, err) != NKT_OK ||
	    nkt_jget_num(r, "rtt", path, &rtt, err) != NKT_OK ||
	    nkt_jget_int(r, "late", 0, 1 << 30, 0, path, &late, err) != NKT_OK)
		return NKT_EMALFORMED;
	if (from == 0)
		return nkt_err_set(err, NKT_EMALFORMED,
				   "%s: a reply without \"from\"", path);
	if (isnan(rtt) && !late && !edst)
		return nkt_err_set(err, NKT_EMALFORMED,
				   "%s: a reply without \"rtt\"", path);
	x = json_object_get(r, "dup");
	h = nkt_trace_add(t);
	h->ttl = ttl;
	h->pos = pos;
	h->from = from;
	reply_role(h, late > 0,
		   json_is_true(x) ||
			   (json_is_integer(x) && json_integer_value(x)),
		   edst, attempt, t);
	h->late = (uint16_t)(late > 65535 ? 65535 : late);
	h->edst = edst;
	if (!isnan(rtt))
		h->has |= NKT_RH_RTT;
	if (json_is_integer(x))
		h->has |= NKT_RH_DUPINT;
	if (!isnan(rtt))
		h->rtt_ns = nkt__import_ns(rtt);
	if (nkt_jget_u8(r, "ttl", 0, path, &h->reply_ttl, err) != NKT_OK ||
	    nkt_jget_u16(r, "size", 0, path, &h->size, err) != NKT_OK ||
	    nkt_jget_u16(r, "mtu", 0, path, &h->mtu, err) != NKT_OK ||
	    reply_extra(r, path, h, err) != NKT_OK ||
	    reply_kind(r, path, af, t, h, err) != NKT_OK)
		return NKT_EMALFORMED;
	if ((x = json_object_get(r, "icmpext")) != NULL &&
	    icmpext(x, path, h, err) != NKT_OK)
		return NKT_EMALFORMED;
	return NKT_OK;
}

/* The end-to-end probes' answers, then the unanswered ones. */
static int e2e_rtts(const json_t *rtts, const json_t *ttls, json_int_t ttl,
		    json_int_t sent, struct nkt_trace *t, struct nkt_err *err)
{
	const json_t *v;
	size_t i;

	json_array_foreach(rtts, i, v)
	{
		struct nkt_hop_reply *h;
		const json_t *rt = json_array_get(ttls, i);
		if (!json_is_number(v) || json_number_value(v) < 0)
			return nkt_err_set(err, NKT_EMALFORMED,
					   "e2e.rtt[%zu]: not a number", i);
		h = nkt_trace_add(t);
		h->flags = NKT_PF_E2E | NKT_PF_REPLY;
		h->ttl = (uint8_t)ttl;
		h->attempt = (uint8_t)(i + 1);
		h->from = t->flow.dst;
		h->rtt_ns = nkt__import_ns(json_number_value(v));
		if (json_is_integer(rt))
			h->reply_ttl = (uint8_t)json_integer_value(rt);
		h->kind = t->flow.method == NKT_METHOD_TCP ? NKT_REPLY_TCP
			  : t->flow.method == NKT_METHOD_ICMP
				  ? NKT_REPLY_ECHO_REPLY
				  : NKT_REPLY_UNREACH;
	}
	for (i = json_array_size(rtts); i < (size_t)sent; i++) {
		struct nkt_hop_reply *h = nkt_trace_add(t);
		h->flags = NKT_PF_E2E;
		h->ttl = (uint8_t)ttl;
		h->attempt = (uint8_t)(i + 1);
	}
	return NKT_OK;
}

/* nktrace's own "e2e": {"ttl", "sent", "received", "rtt": [...]} */
static int e2e(const json_t *e, struct nkt_trace *t, struct nkt_err *err)
{
	const json_t *rtts, *ttls;
	json_int_t ttl, sent, recv;

	if (!json_is_object(e))
		return nkt_err_set(err, NKT_EMALFORMED, "e2e: not an object");
	if (nkt_jget_int(e, "ttl", 1, 255, 1, "e2e", &ttl, err) != NKT_OK ||
	    nkt_jget_int(e, "sent", 0, 65535, 0, "e2e", &sent, err) !=
		    NKT_OK ||
	    nkt_jget_int(e, "received", 0, 65535, 0, "e2e", &recv, err) !=
		    NKT_OK ||
	    nkt_jget_array(e, "rtt", "e2e", &rtts, err) != NKT_OK ||
	    nkt_jget_array(e, "reply_ttl", "e2e", &ttls, err) != NKT_OK)
		return NKT_EMALFORMED;
	if (recv > sent || (rtts && (json_int_t)json_array_size(rtts) > recv))
		return nkt_err_set(err, NKT_EMALFORMED,
				   "e2e: more answers than probes");
	t->e2e_ttl = (uint8_t)ttl;
	t->e2e_sent = (uint16_t)sent;
	t->e2e_reached = (uint16_t)recv;
	return e2e_rtts(rtts, ttls, ttl, sent, t, err);
}

/* The record's own members: who measured what, how, when. */
struct head {
	json_int_t af, paris, size, ts, te, prb, msm, fw;
	const char *proto, *version;
};

/* What the record said of who measured, kept to be written back. */
static int read_origin(const json_t *rec, const struct head *h,
		       struct nkt_origin *o, struct nkt_err *err)
{
	static const struct {
		const char *key;
		uint32_t bit;
	} opt[] = {{"src_addr", NKT_OH_SRC}, {"dst_addr", NKT_OH_DST},
		   {"paris_id", NKT_OH_PARIS}, {"from", NKT_OH_FROM},
		   {"lts", NKT_OH_LTS},	{"group_id", NKT_OH_GROUP},
		   {"bundle", NKT_OH_BUNDLE}, {"stored_timestamp", NKT_OH_STORED},
		   {"msm_name", NKT_OH_MSMNAME}, {"type", NKT_OH_TYPE},
		   {"mver", NKT_OH_MVER}, {"prb_id", NKT_OH_PRB},
		   {"msm_id", NKT_OH_MSM}, {"dst_name", NKT_OH_DSTNAME},
		   {"version", NKT_OH_VERSION}};
	const char *from, *name, *msm_name, *type, *mver;
	const json_int_t big = (json_int_t)1 << 52;
	json_int_t lts, group, bundle, stored;
	size_t i;

	for (i = 0; i < NKT_ARRAY_LEN(opt); i++)
		if (json_object_get(rec, opt[i].key) != NULL)
			o->has |= opt[i].bit;
	o->has |= NKT_OH_ATLAS;
	o->prb_id = h->prb;
	o->msm_id = h->msm;
	o->fw = h->fw;
	if (nkt_jget_int(rec, "lts", -1, big, 0, "", &lts, err) != NKT_OK ||
	    nkt_jget_int(rec, "group_id", 0, big, 0, "", &group, err) !=
		    NKT_OK ||
	    nkt_jget_int(rec, "bundle", 0, big, 0, "", &bundle, err) !=
		    NKT_OK ||
	    nkt_jget_int(rec, "stored_timestamp", 0, big, 0, "", &stored,
			 err) != NKT_OK ||
	    nkt_jget_str(rec, "from", "", &from, err) != NKT_OK ||
	    nkt_jget_str(rec, "dst_name", "", &name, err) != NKT_OK ||
	    nkt_jget_str(rec, "msm_name", "", &msm_name, err) != NKT_OK ||
	    nkt_jget_str(rec, "type", "", &type, err) != NKT_OK ||
	    nkt_jget_str(rec, "mver", "", &mver, err) != NKT_OK)
		return NKT_EMALFORMED;
	o->lts = lts;
	o->group_id = group;
	o->bundle = bundle;
	o->stored_ts = stored;
	snprintf(o->from, sizeof(o->from), "%s", from ? from : "");
	snprintf(o->dst_name, sizeof(o->dst_name), "%s", name ? name : "");
	snprintf(o->msm_name, sizeof(o->msm_name), "%s",
		 msm_name ? msm_name : "");
	snprintf(o->type, sizeof(o->type), "%s", type ? type : "");
	snprintf(o->mver, sizeof(o->mver), "%s", mver ? mver : "");
	snprintf(o->version, sizeof(o->version), "%s",
		 h->version ? h->version : "");
	return NKT_OK;
}

static int read_head(const json_t *rec, struct head *h, struct nkt_err *err)
{
	if (nkt_jget_int(rec, "fw", 0, 1 << 30, 0, "", &h->fw, err) !=
		    NKT_OK ||
	    nkt_jget_int(rec, "af", 4, 6, 4, "", &h->af, err) != NKT_OK ||
	    nkt_jget_int(rec, "prb_id", 0, (json_int_t)1 << 40, 0, "",
			 &h->prb, err) != NKT_OK ||
	    nkt_jget_int(rec, "msm_id", 0, (json_int_t)1 << 40, 0, "",
			 &h->msm, err) != NKT_OK ||
	    nkt_jget_int(rec, "timestamp", 0, (json_int_t)1 << 40, 0, "",
			 &h->ts, err) != NKT_OK ||
	    nkt_jget_int(rec, "endtime", 0, (json_int_t)1 << 40, h->ts, "",
			 &h->te, err) != NKT_OK ||
	    nkt_jget_int(rec, "paris_id", 0, 65535, 0, "", &h->paris, err) !=
		    NKT_OK ||
	    nkt_jget_int(rec, "size", 0, 65535, 0, "", &h->size, err) !=
		    NKT_OK ||
	    nkt_jget_str(rec, "proto", "", &h->proto, err) != NKT_OK ||
	    nkt_jget_str(rec, "version", "", &h->version, err) != NKT_OK)
		return NKT_EMALFORMED;
	if (h->af != 4 && h->af != 6)
		return nkt_err_set(err, NKT_EMALFORMED, "af: %lld is not 4 or 6",
				   (long long)h->af);
	return NKT_OK;
}

/* The flow and times of the trace. */
static int read_flow(const json_t *rec, const struct head *h,
		     struct nkt_addrtab *at, struct nkt_trace *t,
		     struct nkt_err *err)
{
	json_int_t us;
	uint8_t pid;
	int meth = nkt__import_method(h->proto, &pid);

	if (meth < 0)
		return nkt_err_set(err, NKT_EMALFORMED,
				   "proto: '%.20s' is not ICMP, UDP or TCP",
				   h->proto ? h->proto : "(missing)");
	t->flow.method = (uint8_t)meth;
	t->flow.paris_id = (uint8_t)(h->paris > 255 ? 255 : h->paris);
	t->flow.size = (uint16_t)h->size;
	t->start_ns = (uint64_t)h->ts * NKT_NS_PER_S;
	t->end_ns = (uint64_t)h->te * NKT_NS_PER_S;
	if (nkt_jget_u16(rec, "dport", 0, "", &t->flow.dport, err) != NKT_OK ||
	    nkt_jget_u16(rec, "sport", 0, "", &t->flow.sport, err) != NKT_OK)
		return NKT_EMALFORMED;
	/* nktrace's records carry microseconds too. */
	if (nkt_jget_int(rec, "start_us", 0, (json_int_t)1 << 60, 0, "", &us,
			 err) != NKT_OK)
		return NKT_EMALFORMED;
	if (us > 0)
		t->start_ns = (uint64_t)us * NKT_NS_PER_US;
	if (nkt_jget_int(rec, "end_us", 0, (json_int_t)1 << 60, 0, "", &us,
			 err) != NKT_OK)
		return NKT_EMALFORMED;
	if (us > 0)
		t->end_ns = (uint64_t)us * NKT_NS_PER_US;
	if (nkt_jget_addr(rec, "src_addr", "", at, &t->flow.src, err) !=
		    NKT_OK ||
	    nkt_jget_addr(rec, "dst_addr", "", at, &t->flow.dst, err) != NKT_OK)
		return NKT_EMALFORMED;
	return NKT_OK;
}

/* Who measured: the probe ("prb 12345"), else its address; the uplink of
 * nktrace's records. */
static int read_vantage(const json_t *rec, const struct head *h,
			struct nkt_import_meta *m, struct nkt_err *err)
{
	const char *from, *via, *src, *vantage;

	snprintf(m->source, sizeof(m->source), "%s",
		 h->version && strncmp(h->version, "nktrace", 7) == 0
			 ? "nktrace"
			 : "atlas");
	m->msm_id = h->msm;
	if (nkt_jget_str(rec, "from", "", &from, err) != NKT_OK ||
	    nkt_jget_str(rec, "via", "", &via, err) != NKT_OK ||
	    nkt_jget_str(rec, "vantage", "", &vantage, err) != NKT_OK)
		return NKT_EMALFORMED;
	src = json_string_value(json_object_get(rec, "src_addr"));
	if (h->prb > 0)
		snprintf(m->vantage, sizeof(m->vantage), "prb %lld",
			 (long long)h->prb);
	else if (vantage != NULL && *vantage) /* import --traces wrote it */
		snprintf(m->vantage, sizeof(m->vantage), "%s", vantage);
	else if (strcmp(m->source, "atlas") == 0)
		m->vantage[0] = '\0'; /* no probe named: refused at the end */
	else
		snprintf(m->vantage, sizeof(m->vantage), "%s",
			 from && *from ? from : src ? src : "unknown");
	snprintf(m->via, sizeof(m->via), "%s", via ? via : "");
	return NKT_OK;
}

/* A destination Atlas did not resolve is not a path. */
static int resolve_dst(const json_t *rec, struct nkt_addrtab *at,
		       struct nkt_trace *t, struct nkt_err *err)
{
	const char *name;
	if (t->flow.dst != 0)
		return NKT_OK;
	if (nkt_jget_str(rec, "dst_name", "", &name, err) != NKT_OK)
		return NKT_EMALFORMED;
	if (name == NULL || nkt_addrtab_parse(at, name, &t->flow.dst) != NKT_OK)
		return nkt_err_set(err, NKT_EIGNORE,
				   "no destination address (dst_name '%.80s' "
				   "was not resolved)",
				   name ? name : "");
	return NKT_OK;
}

/* Hop 255 is the last try of a trace that gave up: only its answers
 * matter. */
static int answered(const json_t *res)
{
	const json_t *reply;
	size_t k;
	json_array_foreach(res, k, reply)
	{
		if (json_is_object(reply) &&
		    json_object_get(reply, "from") != NULL)
			return 1;
	}
	return 0;
}

/* One element of "result": {"hop": N, "result": [...]} or an error. */
static int read_hop(const json_t *hop, size_t i, int af,
		    struct nkt_addrtab *at, struct nkt_trace *t,
		    struct nkt_err *err)
{
	const json_t *res, *r;
	const char *msg;
	json_int_t n;
	uint8_t attempt = 0;
	char path[48];
	size_t k;

	snprintf(path, sizeof(path), "result[%zu]", i);
	if (!json_is_object(hop))
		return nkt_err_set(err, NKT_EMALFORMED, "%s: not an object",
				   path);
	if (nkt_jget_int(hop, "hop", 1, 255, 0, path, &n, err) != NKT_OK)
		return NKT_EMALFORMED;
	if (n == 0)
		return nkt_err_set(err, NKT_EMALFORMED, "%s: no \"hop\"", path);
	if (nkt_jget_str(hop, "error", path, &msg, err) != NKT_OK ||
	    nkt_jget_array(hop, "result", path, &res, err) != NKT_OK)
		return NKT_EMALFORMED;
	if (msg != NULL) { /* the probe could not send at this hop */
		t->stop_reason = NKT_STOP_ERROR;
		t->stop_hop = (uint8_t)n;
		t->stop_errno = nkt__import_errno(msg);
		t->origin->has |= NKT_OH_HOPERR;
		snprintf(t->origin->error, sizeof(t->origin->error), "%s", msg);
	}
	if (n == 255 && res != NULL && !answered(res)) {
		json_array_foreach(res, k, r)
		{
			if (json_is_object(r) && json_object_get(r, "x") &&
			    t->origin->silent255 < 255)
				t->origin->silent255++;
		}
		return NKT_OK;
	}
	json_array_foreach(res, k, r)
	{
		char rp[96];
		snprintf(rp, sizeof(rp), "%s.result[%zu]", path, k);
		if (reply(r, rp, af, at, (uint8_t)n,
			  (uint8_t)(k < 255 ? k : 255), &attempt, t,
			  err) != NKT_OK)
			return NKT_EMALFORMED;
	}
	if (attempt > t->attempts)
		t->attempts = attempt;
	if ((uint8_t)n > t->max_ttl)
		t->max_ttl = (uint8_t)n;
	return NKT_OK;
}

/* nktrace's own records say why they stopped (and what for). */
static int read_stop(const json_t *rec, struct nkt_trace *t,
		     struct nkt_err *err)
{
	const char *s;
	uint8_t pid;

	if (nkt_jget_str(rec, "stop_reason", "", &s, err) != NKT_OK)
		return NKT_EMALFORMED;
	if (nkt__import_stop(s) == NKT_STOP_NONE)
		return NKT_OK;
	t->stop_reason = (uint8_t)nkt__import_stop(s);
	if (nkt_jget_u8(rec, "stop_hop", 0, "", &t->stop_hop, err) != NKT_OK ||
	    nkt_jget_u8(rec, "gaplimit", 0, "", &t->gaplimit, err) != NKT_OK ||
	    nkt_jget_u8(rec, "max_ttl", 0, "", &t->max_ttl, err) != NKT_OK)
		return NKT_EMALFORMED;
	if (nkt_jget_str(rec, "method", "", &s, err) == NKT_OK && s != NULL &&
	    nkt__import_method(s, &pid) == t->flow.method && pid == 0)
		t->flow.paris_id = 0;
	if (nkt_jget_str(rec, "purpose", "", &s, err) != NKT_OK)
		return NKT_EMALFORMED;
	if (s != NULL && strcmp(s, "reprobe") == 0)
		t->purpose = NKT_PURPOSE_REPROBE;
	return NKT_OK;
}

/* Packets that could not be sent end the trace when nothing answered
 * after them: it stopped because of the error, not of silence. */
static void send_error_stop(struct nkt_trace *t)
{
	const struct nkt_origin *o = t->origin;
	uint8_t ttl = 0;
	size_t i;

	for (i = 0; i < o->n_senderr; i++)
		if (o->senderr[i].ttl > ttl)
			ttl = o->senderr[i].ttl;
	if (ttl == 0 || t->stop_reason != NKT_STOP_NONE ||
	    nkt_trace_reached(t))
		return;
	for (i = 0; i < t->n; i++)
		if (t->r[i].ttl > ttl && (t->r[i].flags & NKT_PF_REPLY))
			return;
	t->stop_reason = NKT_STOP_ERROR;
	t->stop_hop = ttl;
}

/* The hop list, unless the measurement failed as a whole:
 * [{"error": "..."}]. */
static int result_array(const json_t *rec, const json_t **hops,
			struct nkt_err *err)
{
	const json_t *first;

	if (json_is_string(json_object_get(rec, "result")))
		return nkt_err_set(err, NKT_EIGNORE,
				   "Atlas firmware 1 result (text, not JSON)");
	if (nkt_jget_array(rec, "result", "", hops, err) != NKT_OK)
		return NKT_EMALFORMED;
	if (*hops == NULL)
		return nkt_err_set(err, NKT_EMALFORMED, "no \"result\" array");
	first = json_array_get(*hops, 0);
	if (json_array_size(*hops) == 1 && json_is_object(first) &&
	    json_object_get(first, "hop") == NULL &&
	    json_is_string(json_object_get(first, "error")))
		return nkt_err_set(
			err, NKT_EIGNORE, "measurement failed: %.200s",
			json_string_value(json_object_get(first, "error")));
	return NKT_OK;
}

int nkt__import_atlas(const json_t *rec, struct nkt_addrtab *at,
		      struct nkt_trace *t, struct nkt_import_meta *m,
		      struct nkt_err *err)
{
	const json_t *hops, *hop, *x;
	struct head h;
	size_t i;
	int rc;

	if (read_head(rec, &h, err) != NKT_OK)
		return NKT_EMALFORMED;
	if ((rc = result_array(rec, &hops, err)) != NKT_OK &&
	    rc != NKT_EIGNORE)
		return rc;
	if (rc == NKT_EIGNORE && json_is_string(json_object_get(rec, "result")))
		return rc;
	t->origin = nkt_xcalloc(1, sizeof(*t->origin));
	if (read_flow(rec, &h, at, t, err) != NKT_OK ||
	    read_origin(rec, &h, t->origin, err) != NKT_OK ||
	    read_vantage(rec, &h, m, err) != NKT_OK)
		return NKT_EMALFORMED;
	if (rc == NKT_EIGNORE) /* the measurement failed as a whole */
		return rc;
	if ((rc = resolve_dst(rec, at, t, err)) != NKT_OK)
		return rc;
	json_array_foreach(hops, i, hop)
	{
		if (read_hop(hop, i, (int)h.af, at, t, err) != NKT_OK)
			return NKT_EMALFORMED;
	}
	if ((x = json_object_get(rec, "e2e")) != NULL &&
	    e2e(x, t, err) != NKT_OK)
		return NKT_EMALFORMED;
	hop = json_array_get(hops, 0);
	if (json_is_object(hop))
		t->first_ttl =
			(uint8_t)json_integer_value(json_object_get(hop, "hop"));
	if (t->first_ttl == 0)
		t->first_ttl = 1;
	if (read_stop(rec, t, err) != NKT_OK)
		return NKT_EMALFORMED;
	/* A RIPE Atlas result names the probe that measured it: without one
	 * it would be a vantage point of its own, and the same result
	 * served again with its prb_id a second one. */
	if (m->vantage[0] == '\0')
		return nkt_err_set(err, NKT_EMALFORMED,
				   "prb_id: missing or 0 (a RIPE Atlas result "
				   "names the probe that measured it)");
	send_error_stop(t);
	nkt__import_finish(t);
	snprintf(t->origin->vantage, sizeof(t->origin->vantage), "%s",
		 m->vantage);
	return NKT_OK;
}
