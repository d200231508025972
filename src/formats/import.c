// SPDX-License-Identifier: ISC
/* import.c: RIPE Atlas and scamper traceroute records as nktrace traces
 * (see import.h).  Pure. */
#include "nktrace/import.h"
#include "nktrace/atlas_codes.h"
#include "nktrace/inet.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- typed member access, with the member's path in errors ---------------- */

/* A member: NKT_OK (present, right type), NKT_ENOTFOUND (absent or null),
 * NKT_EMALFORMED (wrong type; err names path.key). */
static int member(const json_t *o, const char *key, int (*is)(const json_t *),
		  const char *what, const char *path, const json_t **out,
		  struct nkt_err *err)
{
	const json_t *v = json_object_get(o, key);
	*out = v;
	if (v == NULL || json_is_null(v))
		return NKT_ENOTFOUND;
	if (!is(v))
		return nkt_err_set(err, NKT_EMALFORMED, "%s%s%s: not %s", path,
				   *path ? "." : "", key, what);
	return NKT_OK;
}

static int is_integer(const json_t *v)
{
	return json_is_integer(v);
}

static int is_number(const json_t *v)
{
	return json_is_number(v);
}

static int is_string(const json_t *v)
{
	return json_is_string(v);
}

static int is_array(const json_t *v)
{
	return json_is_array(v);
}

/* An integer member in [lo, hi]; absent: *v = dflt.  Returns NKT_OK or
 * NKT_EMALFORMED. */
static int get_int(const json_t *o, const char *key, json_int_t lo,
		   json_int_t hi, json_int_t dflt, const char *path,
		   json_int_t *v, struct nkt_err *err)
{
	const json_t *j;
	int rc = member(o, key, is_integer, "an integer", path, &j, err);
	*v = dflt;
	if (rc == NKT_ENOTFOUND)
		return NKT_OK;
	if (rc != NKT_OK)
		return rc;
	*v = json_integer_value(j);
	if (*v < lo || *v > hi)
		return nkt_err_set(err, NKT_EMALFORMED,
				   "%s%s%s: %lld is out of range", path,
				   *path ? "." : "", key, (long long)*v);
	return NKT_OK;
}

/* get_int for a field of 8 or 16 bits: [0, 255] or [0, 65535] into *out. */
static int get_u8(const json_t *o, const char *key, json_int_t dflt,
		  const char *path, uint8_t *out, struct nkt_err *err)
{
	json_int_t v;
	if (get_int(o, key, 0, 255, dflt, path, &v, err) != NKT_OK)
		return NKT_EMALFORMED;
	*out = (uint8_t)v;
	return NKT_OK;
}

static int get_u16(const json_t *o, const char *key, json_int_t dflt,
		   const char *path, uint16_t *out, struct nkt_err *err)
{
	json_int_t v;
	if (get_int(o, key, 0, 65535, dflt, path, &v, err) != NKT_OK)
		return NKT_EMALFORMED;
	*out = (uint16_t)v;
	return NKT_OK;
}

/* A number member >= 0 (NAN if absent). */
static int get_num(const json_t *o, const char *key, const char *path,
		   double *v, struct nkt_err *err)
{
	const json_t *j;
	int rc = member(o, key, is_number, "a number", path, &j, err);
	*v = NAN;
	if (rc == NKT_ENOTFOUND)
		return NKT_OK;
	if (rc != NKT_OK)
		return rc;
	*v = json_number_value(j);
	if (!(*v >= 0) || *v > 1e9)
		return nkt_err_set(err, NKT_EMALFORMED,
				   "%s%s%s: %g is out of range", path,
				   *path ? "." : "", key, *v);
	return NKT_OK;
}

/* A string member (NULL if absent). */
static int get_str(const json_t *o, const char *key, const char *path,
		   const char **v, struct nkt_err *err)
{
	const json_t *j;
	int rc = member(o, key, is_string, "a string", path, &j, err);
	*v = rc == NKT_OK ? json_string_value(j) : NULL;
	return rc == NKT_ENOTFOUND ? NKT_OK : rc;
}

/* An address member: *addr, or 0 when absent or "" (Atlas "from":""). */
static int get_addr(const json_t *o, const char *key, const char *path,
		    struct nkt_addrtab *at, uint32_t *addr,
		    struct nkt_err *err)
{
	const char *s;
	int rc = get_str(o, key, path, &s, err);
	*addr = 0;
	if (rc != NKT_OK || s == NULL || *s == '\0')
		return rc;
	rc = nkt_addrtab_parse(at, s, addr);
	if (rc == NKT_EFULL)
		return nkt_err_set(err, NKT_EMALFORMED,
				   "too many distinct addresses");
	if (rc != NKT_OK)
		return nkt_err_set(err, NKT_EMALFORMED,
				   "%s%s%s: '%.60s' is not an address", path,
				   *path ? "." : "", key, s);
	return NKT_OK;
}

static uint64_t ms_to_ns(double ms)
{
	return ms >= 0 ? (uint64_t)llround(ms * 1e6) : 0;
}

static void trace_init(struct nkt_trace *t)
{
	memset(t, 0, sizeof(*t));
	t->first_ttl = 1;
}

/* The send error a message most likely reports. */
static int errno_of(const char *msg)
{
	static const struct {
		const char *text;
		int err;
	} known[] = {
		{"Network is unreachable", ENETUNREACH},
		{"No route to host", EHOSTUNREACH},
		{"Operation not permitted", EPERM},
		{"Permission denied", EACCES},
		{"Message too long", EMSGSIZE},
		{"No buffer space", ENOBUFS},
	};
	size_t i;
	for (i = 0; msg != NULL && i < NKT_ARRAY_LEN(known); i++)
		if (strstr(msg, known[i].text) != NULL)
			return known[i].err;
	return EIO;
}

/* The stop reason (unless the record gave one): the destination answered,
 * an unreachable ended it, or silence; the stop hop is the last hop. */
static void finish(struct nkt_trace *t)
{
	size_t i;
	uint8_t last = 0;

	nkt_trace_sort(t);
	for (i = 0; i < t->n; i++) {
		const struct nkt_hop_reply *r = &t->r[i];
		if (r->flags & NKT_PF_E2E)
			continue;
		if (r->ttl > last)
			last = r->ttl;
		if (!(r->flags & NKT_PF_REPLY) || (r->flags & NKT_PF_DUP))
			continue;
		t->replies++;
		if (t->stop_reason == NKT_STOP_NONE && r->from == t->flow.dst &&
		    r->kind != NKT_REPLY_TTL_EXCEEDED)
			t->stop_reason = NKT_STOP_COMPLETED;
	}
	if (t->stop_reason == NKT_STOP_NONE) {
		for (i = t->n; i > 0; i--) {
			const struct nkt_hop_reply *r = &t->r[i - 1];
			if ((r->flags & NKT_PF_REPLY) &&
			    !(r->flags & (NKT_PF_DUP | NKT_PF_E2E))) {
				if (r->kind == NKT_REPLY_UNREACH &&
				    r->ttl == last) {
					t->stop_reason = NKT_STOP_UNREACH;
					t->stop_hop = r->ttl;
				}
				break;
			}
		}
	}
	if (t->stop_reason == NKT_STOP_NONE)
		t->stop_reason = NKT_STOP_GAPLIMIT;
	/* The trace ends at its last hop (the tools kept probing past a
	 * destination that answered early, e.g. behind a rewriting box). */
	if (t->stop_hop < last)
		t->stop_hop = last;
	if (t->max_ttl < t->stop_hop)
		t->max_ttl = t->stop_hop;
}

/* ---- RIPE Atlas --------------------------------------------------------- */

/* Atlas "err": an integer code or one of the letters atlas_codes.c
 * knows. */
static int atlas_err_code(const json_t *e, int af, int *code)
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
static int atlas_icmpext(const json_t *x, const char *path,
			 struct nkt_hop_reply *h, struct nkt_err *err)
{
	const json_t *objs, *o;
	json_int_t v;
	size_t i, k;
	char p[128];

	if (!json_is_object(x))
		return nkt_err_set(err, NKT_EMALFORMED, "%s.icmpext: not an "
							"object",
				   path);
	snprintf(p, sizeof(p), "%s.icmpext", path);
	if (get_int(x, "rfc4884", 0, 1, 0, p, &v, err) != NKT_OK)
		return NKT_EMALFORMED;
	h->flags |= NKT_PF_EXT | (v ? NKT_PF_EXT_RFC4884 : 0);
	if (member(x, "obj", is_array, "an array", p, &objs, err) ==
	    NKT_EMALFORMED)
		return NKT_EMALFORMED;
	json_array_foreach(objs, i, o)
	{
		const json_t *mpls, *l;
		json_int_t cls, ctype;
		char q[160];
		snprintf(q, sizeof(q), "%s.obj[%zu]", p, i);
		if (!json_is_object(o))
			return nkt_err_set(err, NKT_EMALFORMED,
					   "%s: not an object", q);
		if (get_int(o, "class", 0, 255, 0, q, &cls, err) != NKT_OK ||
		    get_int(o, "type", 0, 255, 0, q, &ctype, err) != NKT_OK)
			return NKT_EMALFORMED;
		if (h->n_obj < NKT_EXT_OBJ_MAX) {
			h->obj[h->n_obj].cls = (uint8_t)cls;
			h->obj[h->n_obj].ctype = (uint8_t)ctype;
			h->n_obj++;
		}
		if (member(o, "mpls", is_array, "an array", q, &mpls, err) ==
		    NKT_EMALFORMED)
			return NKT_EMALFORMED;
		json_array_foreach(mpls, k, l)
		{
			json_int_t label, exp, s, ttl;
			char r[200];
			snprintf(r, sizeof(r), "%s.mpls[%zu]", q, k);
			if (!json_is_object(l) ||
			    get_int(l, "label", 0, 0xfffff, 0, r, &label,
				    err) != NKT_OK ||
			    get_int(l, "exp", 0, 7, 0, r, &exp, err) != NKT_OK ||
			    get_int(l, "s", 0, 1, 0, r, &s, err) != NKT_OK ||
			    get_int(l, "ttl", 0, 255, 0, r, &ttl, err) != NKT_OK)
				return err->code == NKT_EMALFORMED
					       ? NKT_EMALFORMED
					       : nkt_err_set(err,
							     NKT_EMALFORMED,
							     "%s: not an "
							     "object",
							     r);
			if (h->n_mpls < NKT_MPLS_MAX)
				h->mpls[h->n_mpls++] =
					(uint32_t)(label << 12 | exp << 9 |
						   s << 8 | ttl);
		}
	}
	return NKT_OK;
}

/* One reply object of hop `ttl`. */
static int atlas_reply(const json_t *r, const char *path, int af,
		       struct nkt_addrtab *at, uint8_t ttl, uint8_t *attempt,
		       struct nkt_trace *t, struct nkt_err *err)
{
	struct nkt_hop_reply *h;
	const json_t *x, *e;
	const char *s;
	json_int_t v;
	double rtt;
	uint32_t from = 0, edst = 0;
	int late, dup;

	if (!json_is_object(r))
		return nkt_err_set(err, NKT_EMALFORMED, "%s: not an object",
				   path);
	if (json_object_get(r, "x") != NULL) { /* {"x": "*"}: a timeout */
		h = nkt_trace_add(t);
		h->ttl = ttl;
		h->attempt = ++*attempt;
		t->sent++;
		return NKT_OK;
	}
	if (get_str(r, "error", path, &s, err) != NKT_OK)
		return NKT_EMALFORMED;
	if (s != NULL) { /* a packet that could not be sent (fw >= 5000) */
		t->stop_errno = errno_of(s);
		return NKT_OK;
	}
	if (get_addr(r, "from", path, at, &from, err) != NKT_OK ||
	    get_addr(r, "edst", path, at, &edst, err) != NKT_OK ||
	    get_num(r, "rtt", path, &rtt, err) != NKT_OK ||
	    get_int(r, "late", 0, 1 << 30, 0, path, &v, err) != NKT_OK)
		return NKT_EMALFORMED;
	late = v > 0;
	x = json_object_get(r, "dup");
	dup = json_is_true(x) || (json_is_integer(x) && json_integer_value(x));
	if (from == 0)
		return nkt_err_set(err, NKT_EMALFORMED,
				   "%s: a reply without \"from\"", path);
	if (isnan(rtt) && !late && !edst)
		return nkt_err_set(err, NKT_EMALFORMED,
				   "%s: a reply without \"rtt\"", path);
	h = nkt_trace_add(t);
	h->ttl = ttl;
	h->from = from;
	if (late) {
		/* A reply to an earlier packet: the address is known, the RTT
		 * is not; never an answer. */
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
	if (!isnan(rtt))
		h->rtt_ns = ms_to_ns(rtt);
	if (get_u8(r, "ttl", 0, path, &h->reply_ttl, err) != NKT_OK ||
	    get_u16(r, "size", 0, path, &h->size, err) != NKT_OK ||
	    get_u8(r, "ittl", 1, path, &h->quoted_ttl, err) != NKT_OK ||
	    get_u16(r, "mtu", 0, path, &h->mtu, err) != NKT_OK)
		return NKT_EMALFORMED;
	if (get_str(r, "flags", path, &s, err) != NKT_OK)
		return NKT_EMALFORMED;
	/* What kind of answer: TCP flags; an unreachable ("err", "mtu");
	 * the destination's own answer; else time exceeded. */
	e = json_object_get(r, "err");
	if (s != NULL) {
		h->kind = NKT_REPLY_TCP;
		h->tcp_flags = nkt_atlas_tcp_bits(s);
	} else if (e != NULL) {
		int code;
		if (atlas_err_code(e, af, &code) != NKT_OK)
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
	} else if (from == t->flow.dst) {
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
	if ((x = json_object_get(r, "icmpext")) != NULL &&
	    atlas_icmpext(x, path, h, err) != NKT_OK)
		return NKT_EMALFORMED;
	return NKT_OK;
}

/* nktrace's own "e2e": {"ttl", "sent", "received", "rtt": [...]} */
static int atlas_e2e(const json_t *e, struct nkt_trace *t,
		     struct nkt_err *err)
{
	const json_t *rtts, *ttls, *v;
	json_int_t ttl, sent, recv;
	size_t i;

	if (!json_is_object(e))
		return nkt_err_set(err, NKT_EMALFORMED, "e2e: not an object");
	if (get_int(e, "ttl", 1, 255, 1, "e2e", &ttl, err) != NKT_OK ||
	    get_int(e, "sent", 0, 65535, 0, "e2e", &sent, err) != NKT_OK ||
	    get_int(e, "received", 0, 65535, 0, "e2e", &recv, err) != NKT_OK ||
	    member(e, "rtt", is_array, "an array", "e2e", &rtts, err) ==
		    NKT_EMALFORMED ||
	    member(e, "reply_ttl", is_array, "an array", "e2e", &ttls, err) ==
		    NKT_EMALFORMED)
		return NKT_EMALFORMED;
	if (recv > sent || (rtts && (json_int_t)json_array_size(rtts) > recv))
		return nkt_err_set(err, NKT_EMALFORMED,
				   "e2e: more answers than probes");
	t->e2e_ttl = (uint8_t)ttl;
	t->e2e_sent = (uint16_t)sent;
	t->e2e_reached = (uint16_t)recv;
	json_array_foreach(rtts, i, v)
	{
		struct nkt_hop_reply *h;
		if (!json_is_number(v) || json_number_value(v) < 0)
			return nkt_err_set(err, NKT_EMALFORMED,
					   "e2e.rtt[%zu]: not a number", i);
		h = nkt_trace_add(t);
		h->flags = NKT_PF_E2E | NKT_PF_REPLY;
		h->ttl = (uint8_t)ttl;
		h->attempt = (uint8_t)(i + 1);
		h->from = t->flow.dst;
		h->rtt_ns = ms_to_ns(json_number_value(v));
		if (json_is_integer(json_array_get(ttls, i)))
			h->reply_ttl = (uint8_t)json_integer_value(
				json_array_get(ttls, i));
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

static int stop_by_name(const char *s)
{
	int r;
	for (r = NKT_STOP_COMPLETED; s != NULL && r <= NKT_STOP_HALTED; r++)
		if (strcmp(nkt_stop_name(r), s) == 0)
			return r;
	return NKT_STOP_NONE;
}

static int method_by_name(const char *s, uint8_t *paris)
{
	*paris = 0;
	if (s == NULL)
		return -1;
	if (strcasecmp(s, "icmp") == 0 || strcmp(s, "icmp-echo") == 0)
		return NKT_METHOD_ICMP;
	if (strcmp(s, "icmp-paris") == 0 || strcmp(s, "icmp-echo-paris") == 0) {
		*paris = 1;
		return NKT_METHOD_ICMP;
	}
	if (strcasecmp(s, "udp") == 0)
		return NKT_METHOD_UDP;
	if (strcmp(s, "udp-paris") == 0 || strcmp(s, "udp-dport") == 0 ||
	    strcmp(s, "udp-sport") == 0) {
		*paris = 1;
		return NKT_METHOD_UDP;
	}
	if (strcasecmp(s, "tcp") == 0 || strcmp(s, "tcp-ack") == 0)
		return NKT_METHOD_TCP;
	return -1;
}

static int atlas_record(const json_t *rec, struct nkt_addrtab *at,
			struct nkt_trace *t, struct nkt_import_meta *m,
			struct nkt_err *err)
{
	const json_t *hops, *hop, *res, *reply, *e2e;
	const char *proto, *s, *msg, *version;
	json_int_t af, paris, size, ts, te, prb, msm, fw;
	uint8_t pid;
	size_t i, k;
	int meth;

	if (get_int(rec, "fw", 0, 1 << 30, 0, "", &fw, err) != NKT_OK ||
	    get_int(rec, "af", 4, 6, 4, "", &af, err) != NKT_OK ||
	    get_int(rec, "prb_id", 0, (json_int_t)1 << 40, 0, "", &prb,
		    err) != NKT_OK ||
	    get_int(rec, "msm_id", 0, (json_int_t)1 << 40, 0, "", &msm,
		    err) != NKT_OK ||
	    get_int(rec, "timestamp", 0, (json_int_t)1 << 40, 0, "", &ts,
		    err) != NKT_OK ||
	    get_int(rec, "endtime", 0, (json_int_t)1 << 40, ts, "", &te,
		    err) != NKT_OK ||
	    get_int(rec, "paris_id", 0, 65535, 0, "", &paris, err) != NKT_OK ||
	    get_int(rec, "size", 0, 65535, 0, "", &size, err) != NKT_OK ||
	    get_str(rec, "proto", "", &proto, err) != NKT_OK ||
	    get_str(rec, "version", "", &version, err) != NKT_OK)
		return NKT_EMALFORMED;
	if (af != 4 && af != 6)
		return nkt_err_set(err, NKT_EMALFORMED, "af: %lld is not 4 or 6",
				   (long long)af);
	if (json_is_string(json_object_get(rec, "result")))
		return nkt_err_set(err, NKT_EIGNORE,
				   "Atlas firmware 1 result (text, not JSON)");
	if (member(rec, "result", is_array, "an array", "", &hops, err) !=
	    NKT_OK)
		return err->code == NKT_EMALFORMED
			       ? NKT_EMALFORMED
			       : nkt_err_set(err, NKT_EMALFORMED,
					     "no \"result\" array");
	snprintf(m->source, sizeof(m->source), "%s",
		 version && strncmp(version, "nktrace", 7) == 0 ? "nktrace"
								: "atlas");
	m->msm_id = msm;
	meth = method_by_name(proto, &pid);
	if (meth < 0)
		return nkt_err_set(err, NKT_EMALFORMED,
				   "proto: '%.20s' is not ICMP, UDP or TCP",
				   proto ? proto : "(missing)");
	t->flow.method = (uint8_t)meth;
	t->flow.paris_id = (uint8_t)(paris > 255 ? 255 : paris);
	t->flow.size = (uint16_t)size;
	if (get_u16(rec, "dport", 0, "", &t->flow.dport, err) != NKT_OK ||
	    get_u16(rec, "sport", 0, "", &t->flow.sport, err) != NKT_OK)
		return NKT_EMALFORMED;
	t->start_ns = (uint64_t)ts * NKT_NS_PER_S;
	t->end_ns = (uint64_t)te * NKT_NS_PER_S;
	{
		/* nktrace's records carry microseconds too. */
		json_int_t us;
		if (get_int(rec, "start_us", 0, (json_int_t)1 << 60, 0, "",
			    &us, err) != NKT_OK)
			return NKT_EMALFORMED;
		if (us > 0)
			t->start_ns = (uint64_t)us * NKT_NS_PER_US;
		if (get_int(rec, "end_us", 0, (json_int_t)1 << 60, 0, "", &us,
			    err) != NKT_OK)
			return NKT_EMALFORMED;
		if (us > 0)
			t->end_ns = (uint64_t)us * NKT_NS_PER_US;
	}
	if (get_addr(rec, "src_addr", "", at, &t->flow.src, err) != NKT_OK ||
	    get_addr(rec, "dst_addr", "", at, &t->flow.dst, err) != NKT_OK)
		return NKT_EMALFORMED;
	if (prb > 0)
		snprintf(m->vantage, sizeof(m->vantage), "prb %lld",
			 (long long)prb);
	else {
		const char *from;
		if (get_str(rec, "from", "", &from, err) != NKT_OK)
			return NKT_EMALFORMED;
		snprintf(m->vantage, sizeof(m->vantage), "%s",
			 from && *from ? from
			 : json_string_value(json_object_get(rec, "src_addr"))
				 ? json_string_value(
					   json_object_get(rec, "src_addr"))
				 : "unknown");
	}
	if (get_str(rec, "via", "", &s, err) != NKT_OK)
		return NKT_EMALFORMED;
	snprintf(m->via, sizeof(m->via), "%s", s ? s : "");
	/* A measurement that failed as a whole: [{"error": "..."}]. */
	hop = json_array_get(hops, 0);
	if (json_array_size(hops) == 1 && json_is_object(hop) &&
	    json_object_get(hop, "hop") == NULL &&
	    json_is_string(json_object_get(hop, "error")))
		return nkt_err_set(
			err, NKT_EIGNORE, "measurement failed: %.200s",
			json_string_value(json_object_get(hop, "error")));
	if (t->flow.dst == 0) {
		const char *name;
		if (get_str(rec, "dst_name", "", &name, err) != NKT_OK)
			return NKT_EMALFORMED;
		if (name == NULL || nkt_addrtab_parse(at, name,
						      &t->flow.dst) != NKT_OK)
			return nkt_err_set(err, NKT_EIGNORE,
					   "no destination address (dst_name "
					   "'%.80s' was not resolved)",
					   name ? name : "");
	}
	json_array_foreach(hops, i, hop)
	{
		char path[48];
		json_int_t n;
		uint8_t attempt = 0;
		snprintf(path, sizeof(path), "result[%zu]", i);
		if (!json_is_object(hop))
			return nkt_err_set(err, NKT_EMALFORMED,
					   "%s: not an object", path);
		if (get_int(hop, "hop", 1, 255, 0, path, &n, err) != NKT_OK)
			return NKT_EMALFORMED;
		if (n == 0)
			return nkt_err_set(err, NKT_EMALFORMED,
					   "%s: no \"hop\"", path);
		if (get_str(hop, "error", path, &msg, err) != NKT_OK)
			return NKT_EMALFORMED;
		if (msg != NULL) { /* the probe could not send at this hop */
			t->stop_reason = NKT_STOP_ERROR;
			t->stop_hop = (uint8_t)n;
			t->stop_errno = errno_of(msg);
		}
		if (member(hop, "result", is_array, "an array", path, &res,
			   err) == NKT_EMALFORMED)
			return NKT_EMALFORMED;
		if (n == 255 && res != NULL) {
			/* The last try of a trace that gave up: only its
			 * answers matter. */
			int any = 0;
			json_array_foreach(res, k, reply)
			{
				any |= json_is_object(reply) &&
				       json_object_get(reply, "from") != NULL;
			}
			if (!any)
				continue;
		}
		json_array_foreach(res, k, reply)
		{
			char rp[96];
			snprintf(rp, sizeof(rp), "%s.result[%zu]", path, k);
			if (atlas_reply(reply, rp, (int)af, at, (uint8_t)n,
					&attempt, t, err) != NKT_OK)
				return NKT_EMALFORMED;
		}
		if (attempt > t->attempts)
			t->attempts = attempt;
		if ((uint8_t)n > t->max_ttl)
			t->max_ttl = (uint8_t)n;
	}
	if ((e2e = json_object_get(rec, "e2e")) != NULL &&
	    atlas_e2e(e2e, t, err) != NKT_OK)
		return NKT_EMALFORMED;
	if (json_array_size(hops) > 0 &&
	    json_is_object(json_array_get(hops, 0)))
		t->first_ttl = (uint8_t)json_integer_value(
			json_object_get(json_array_get(hops, 0), "hop"));
	if (t->first_ttl == 0)
		t->first_ttl = 1;
	/* nktrace's own records say why they stopped. */
	if (get_str(rec, "stop_reason", "", &s, err) != NKT_OK)
		return NKT_EMALFORMED;
	if (stop_by_name(s) != NKT_STOP_NONE) {
		t->stop_reason = (uint8_t)stop_by_name(s);
		if (get_u8(rec, "stop_hop", 0, "", &t->stop_hop, err) !=
			    NKT_OK ||
		    get_u8(rec, "gaplimit", 0, "", &t->gaplimit, err) !=
			    NKT_OK ||
		    get_u8(rec, "max_ttl", 0, "", &t->max_ttl, err) != NKT_OK)
			return NKT_EMALFORMED;
		if (get_str(rec, "method", "", &s, err) == NKT_OK &&
		    s != NULL && method_by_name(s, &pid) == meth &&
		    pid == 0)
			t->flow.paris_id = 0;
		if (get_str(rec, "purpose", "", &s, err) != NKT_OK)
			return NKT_EMALFORMED;
		if (s != NULL && strcmp(s, "reprobe") == 0)
			t->purpose = NKT_PURPOSE_REPROBE;
	}
	finish(t);
	return NKT_OK;
}

/* ---- scamper --------------------------------------------------------------- */

static int scamper_hop(const json_t *h, const char *path, int af,
		       struct nkt_addrtab *at, struct nkt_trace *t,
		       struct nkt_err *err)
{
	struct nkt_hop_reply *r;
	json_int_t ttl, id, type = -1, code = 0;
	double rtt;
	const json_t *x, *o;
	size_t i, k;

	if (!json_is_object(h))
		return nkt_err_set(err, NKT_EMALFORMED, "%s: not an object",
				   path);
	r = nkt_trace_add(t);
	if (get_int(h, "probe_ttl", 1, 255, 0, path, &ttl, err) != NKT_OK ||
	    get_int(h, "probe_id", 0, 255, 1, path, &id, err) != NKT_OK ||
	    get_addr(h, "addr", path, at, &r->from, err) != NKT_OK ||
	    get_num(h, "rtt", path, &rtt, err) != NKT_OK)
		return NKT_EMALFORMED;
	if (ttl == 0 || r->from == 0 || isnan(rtt))
		return nkt_err_set(err, NKT_EMALFORMED,
				   "%s: needs probe_ttl, addr and rtt", path);
	r->ttl = (uint8_t)ttl;
	r->attempt = (uint8_t)(id ? id : 1);
	r->flags = NKT_PF_REPLY;
	r->rtt_ns = ms_to_ns(rtt);
	if (get_u8(h, "reply_ttl", 0, path, &r->reply_ttl, err) != NKT_OK ||
	    get_u16(h, "reply_ipid", 0, path, &r->reply_ipid, err) != NKT_OK ||
	    get_u16(h, "reply_size", 0, path, &r->size, err) != NKT_OK ||
	    get_u8(h, "icmp_q_ttl", 1, path, &r->quoted_ttl, err) != NKT_OK)
		return NKT_EMALFORMED;
	if (get_int(h, "icmp_type", 0, 255, -1, path, &type, err) !=
		    NKT_OK ||
	    get_int(h, "icmp_code", 0, 255, 0, path, &code, err) != NKT_OK)
		return NKT_EMALFORMED;
	if (json_object_get(h, "tcp_flags") != NULL) {
		if (get_u8(h, "tcp_flags", 0, path, &r->tcp_flags, err) !=
		    NKT_OK)
			return NKT_EMALFORMED;
		r->kind = NKT_REPLY_TCP;
	} else if (type < 0) {
		return nkt_err_set(err, NKT_EMALFORMED,
				   "%s: neither icmp_type nor tcp_flags",
				   path);
	} else {
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
	}
	/* The misspelt "icmp_nhmtu:" of scamper 20211212 too. */
	if ((x = json_object_get(h, "icmp_nhmtu")) != NULL ||
	    (x = json_object_get(h, "icmp_nhmtu:")) != NULL)
		r->mtu = json_is_integer(x)
				 ? (uint16_t)json_integer_value(x)
				 : 0;
	if ((x = json_object_get(h, "icmpext")) != NULL) {
		if (!json_is_array(x))
			return nkt_err_set(err, NKT_EMALFORMED,
					   "%s.icmpext: not an array", path);
		r->flags |= NKT_PF_EXT;
		json_array_foreach(x, i, o)
		{
			json_int_t cn, ct;
			const json_t *labels, *l;
			char p[128];
			snprintf(p, sizeof(p), "%s.icmpext[%zu]", path, i);
			if (!json_is_object(o) ||
			    get_int(o, "ie_cn", 0, 255, 0, p, &cn, err) !=
				    NKT_OK ||
			    get_int(o, "ie_ct", 0, 255, 0, p, &ct, err) !=
				    NKT_OK)
				return err->code == NKT_EMALFORMED
					       ? NKT_EMALFORMED
					       : nkt_err_set(err,
							     NKT_EMALFORMED,
							     "%s: not an "
							     "object",
							     p);
			if (r->n_obj < NKT_EXT_OBJ_MAX) {
				r->obj[r->n_obj].cls = (uint8_t)cn;
				r->obj[r->n_obj].ctype = (uint8_t)ct;
				r->n_obj++;
			}
			if (member(o, "mpls_labels", is_array, "an array", p,
				   &labels, err) == NKT_EMALFORMED)
				return NKT_EMALFORMED;
			json_array_foreach(labels, k, l)
			{
				json_int_t lab, exp, s, lttl;
				char q[256];
				snprintf(q, sizeof(q), "%s.mpls_labels[%zu]",
					 p, k);
				if (!json_is_object(l) ||
				    get_int(l, "mpls_label", 0, 0xfffff, 0, q,
					    &lab, err) != NKT_OK ||
				    get_int(l, "mpls_exp", 0, 7, 0, q, &exp,
					    err) != NKT_OK ||
				    get_int(l, "mpls_s", 0, 1, 0, q, &s, err) !=
					    NKT_OK ||
				    get_int(l, "mpls_ttl", 0, 255, 0, q, &lttl,
					    err) != NKT_OK)
					return err->code == NKT_EMALFORMED
						       ? NKT_EMALFORMED
						       : nkt_err_set(
								 err,
								 NKT_EMALFORMED,
								 "%s: not an "
								 "object",
								 q);
				if (r->n_mpls < NKT_MPLS_MAX)
					r->mpls[r->n_mpls++] =
						(uint32_t)(lab << 12 |
							   exp << 9 | s << 8 |
							   lttl);
			}
		}
	}
	if ((x = json_object_get(h, "tx")) != NULL && json_is_object(x)) {
		json_int_t sec, usec;
		if (get_int(x, "sec", 0, (json_int_t)1 << 40, 0, path, &sec,
			    err) != NKT_OK ||
		    get_int(x, "usec", 0, 999999, 0, path, &usec, err) !=
			    NKT_OK)
			return NKT_EMALFORMED;
		r->tx_ns = (uint64_t)sec * NKT_NS_PER_S +
			   (uint64_t)usec * NKT_NS_PER_US;
	}
	return NKT_OK;
}

static int scamper_record(const json_t *rec, struct nkt_addrtab *at,
			  struct nkt_import_state *st, struct nkt_trace *t,
			  struct nkt_import_meta *m, struct nkt_err *err)
{
	const json_t *hops, *h, *start;
	const char *method, *stop, *src;
	json_int_t first, count, attempts, size, v;
	uint8_t pid, ttl;
	size_t i;
	int meth, af;

	if (get_str(rec, "method", "", &method, err) != NKT_OK ||
	    get_str(rec, "stop_reason", "", &stop, err) != NKT_OK ||
	    get_str(rec, "src", "", &src, err) != NKT_OK ||
	    get_int(rec, "firsthop", 1, 255, 1, "", &first, err) != NKT_OK ||
	    get_int(rec, "hop_count", 0, 255, 0, "", &count, err) != NKT_OK ||
	    get_int(rec, "attempts", 0, 255, 1, "", &attempts, err) !=
		    NKT_OK ||
	    get_int(rec, "probe_size", 0, 65535, 0, "", &size, err) != NKT_OK)
		return NKT_EMALFORMED;
	meth = method_by_name(method, &pid);
	if (meth < 0)
		return nkt_err_set(err, NKT_EMALFORMED,
				   "method: '%.20s' is not a trace method",
				   method ? method : "(missing)");
	snprintf(m->source, sizeof(m->source), "scamper");
	t->flow.method = (uint8_t)meth;
	t->flow.paris_id = pid;
	t->flow.size = (uint16_t)size;
	if (get_u16(rec, "dport", 0, "", &t->flow.dport, err) != NKT_OK ||
	    get_u16(rec, "sport", 0, "", &t->flow.sport, err) != NKT_OK)
		return NKT_EMALFORMED;
	if (get_addr(rec, "src", "", at, &t->flow.src, err) != NKT_OK ||
	    get_addr(rec, "dst", "", at, &t->flow.dst, err) != NKT_OK)
		return NKT_EMALFORMED;
	if (t->flow.dst == 0)
		return nkt_err_set(err, NKT_EMALFORMED, "no \"dst\"");
	af = nkt_addrtab_af(at, t->flow.dst);
	if ((start = json_object_get(rec, "start")) != NULL &&
	    json_is_object(start)) {
		json_int_t sec, usec;
		if (get_int(start, "sec", 0, (json_int_t)1 << 40, 0, "start",
			    &sec, err) != NKT_OK ||
		    get_int(start, "usec", 0, 999999, 0, "start", &usec,
			    err) != NKT_OK)
			return NKT_EMALFORMED;
		t->start_ns = (uint64_t)sec * NKT_NS_PER_S +
			      (uint64_t)usec * NKT_NS_PER_US;
	}
	if (st->monitor[0])
		snprintf(m->vantage, sizeof(m->vantage), "%s (%s)",
			 st->monitor, src ? src : "?");
	else
		snprintf(m->vantage, sizeof(m->vantage), "%s",
			 src ? src : "unknown");
	t->first_ttl = (uint8_t)first;
	t->attempts = (uint8_t)attempts;
	if (member(rec, "hops", is_array, "an array", "", &hops, err) ==
	    NKT_EMALFORMED)
		return NKT_EMALFORMED;
	json_array_foreach(hops, i, h)
	{
		char path[32];
		snprintf(path, sizeof(path), "hops[%zu]", i);
		if (scamper_hop(h, path, af, at, t, err) != NKT_OK)
			return NKT_EMALFORMED;
		t->sent++;
		if (t->r[t->n - 1].tx_ns > t->end_ns)
			t->end_ns = t->r[t->n - 1].tx_ns +
				    t->r[t->n - 1].rtt_ns;
	}
	/* scamper lists answers only: the hops up to hop_count that have
	 * none were probed `attempts` times without an answer, and a hop
	 * answered at attempt k had k - 1 silent attempts before. */
	for (ttl = (uint8_t)first; count > 0 && ttl <= count; ttl++) {
		uint8_t maxid = 0;
		size_t n = t->n;
		for (i = 0; i < n; i++)
			if (t->r[i].ttl == ttl && t->r[i].attempt > maxid)
				maxid = t->r[i].attempt;
		for (v = 1; v <= (maxid ? maxid - 1 : attempts); v++) {
			int answered = 0;
			for (i = 0; i < n; i++)
				answered |= t->r[i].ttl == ttl &&
					    t->r[i].attempt == v;
			if (!answered) {
				struct nkt_hop_reply *r = nkt_trace_add(t);
				r->ttl = ttl;
				r->attempt = (uint8_t)v;
				t->sent++;
			}
		}
	}
	if (t->end_ns < t->start_ns)
		t->end_ns = t->start_ns;
	t->max_ttl = (uint8_t)count;
	t->stop_reason = (uint8_t)stop_by_name(stop);
	if (stop != NULL && strcmp(stop, "GAPLIMIT") == 0)
		t->gaplimit = 5;
	finish(t);
	return NKT_OK;
}

/* ---- dispatch -------------------------------------------------------------- */

static int dispatch(const json_t *rec, const char *type,
		    enum nkt_import_fmt want, struct nkt_addrtab *at,
		    struct nkt_import_state *st, struct nkt_trace *t,
		    struct nkt_import_meta *m, struct nkt_err *err);

int nkt_import_record(const json_t *rec, enum nkt_import_fmt want,
		      struct nkt_addrtab *at, struct nkt_import_state *st,
		      struct nkt_trace **out, struct nkt_import_meta *m,
		      struct nkt_err *err)
{
	struct nkt_trace *t = nkt_xcalloc(1, sizeof(*t));
	const char *type;
	int rc;

	*out = NULL;
	trace_init(t);
	memset(m, 0, sizeof(*m));
	if (!json_is_object(rec)) {
		nkt_trace_free(t);
		return nkt_err_set(err, NKT_EMALFORMED,
				   "a record must be a JSON object");
	}
	type = json_string_value(json_object_get(rec, "type"));
	rc = dispatch(rec, type, want, at, st, t, m, err);
	if (rc != NKT_OK) {
		nkt_trace_free(t);
		return rc;
	}
	*out = t;
	return NKT_OK;
}

static int dispatch(const json_t *rec, const char *type,
		    enum nkt_import_fmt want, struct nkt_addrtab *at,
		    struct nkt_import_state *st, struct nkt_trace *t,
		    struct nkt_import_meta *m, struct nkt_err *err)
{
	int rc;

	if (type != NULL && strcmp(type, "trace") == 0 &&
	    want != NKT_IMPORT_ATLAS) {
		rc = scamper_record(rec, at, st, t, m, err);
	} else if (type != NULL &&
		   (strcmp(type, "cycle-start") == 0 ||
		    strcmp(type, "cycle-stop") == 0 ||
		    strcmp(type, "list") == 0) &&
		   want != NKT_IMPORT_ATLAS) {
		const char *host =
			json_string_value(json_object_get(rec, "hostname"));
		if (strcmp(type, "cycle-start") == 0)
			snprintf(st->monitor, sizeof(st->monitor), "%s",
				 host ? host : "");
		return nkt_err_set(err, NKT_EIGNORE, "scamper %s record",
				   type);
	} else if (json_object_get(rec, "fw") != NULL ||
		   (type != NULL && strcmp(type, "traceroute") == 0)) {
		if (want == NKT_IMPORT_SCAMPER)
			return nkt_err_set(err, NKT_EMALFORMED,
					   "a RIPE Atlas result, not scamper");
		if (type != NULL && strcmp(type, "traceroute") != 0)
			return nkt_err_set(err, NKT_EIGNORE,
					   "Atlas %.20s result (not a "
					   "traceroute)",
					   type);
		if (type == NULL &&
		    !json_is_array(json_object_get(rec, "result")) &&
		    !json_is_string(json_object_get(rec, "result")))
			return nkt_err_set(err, NKT_EIGNORE,
					   "Atlas result without a hop list "
					   "(not a traceroute)");
		rc = atlas_record(rec, at, t, m, err);
	} else if (type != NULL && want != NKT_IMPORT_ATLAS &&
		   (strcmp(type, "ping") == 0 || strcmp(type, "tracelb") == 0 ||
		    strcmp(type, "dealias") == 0 ||
		    strcmp(type, "neighbourdisc") == 0 ||
		    strcmp(type, "tbit") == 0 || strcmp(type, "sting") == 0 ||
		    strcmp(type, "sniff") == 0 || strcmp(type, "host") == 0 ||
		    strcmp(type, "http") == 0 || strcmp(type, "udpprobe") == 0))
		return nkt_err_set(err, NKT_EIGNORE,
				   "scamper %s record (not a traceroute)",
				   type);
	else
		return nkt_err_set(err, NKT_EMALFORMED,
				   "neither a RIPE Atlas result nor a "
				   "scamper record%s%.20s%s",
				   type ? " (type '" : "", type ? type : "",
				   type ? "')" : "");
	return rc;
}

int nkt_import_fmt_parse(const char *s)
{
	if (strcmp(s, "auto") == 0)
		return NKT_IMPORT_AUTO;
	if (strcmp(s, "atlas") == 0)
		return NKT_IMPORT_ATLAS;
	if (strcmp(s, "scamper") == 0)
		return NKT_IMPORT_SCAMPER;
	return -1;
}
