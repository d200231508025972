// SPDX-License-Identifier: ISC
/*
 * import.c: other tools' traceroute records as nktrace traces (see
 * import.h): which reader a record goes to, and the steps every imported
 * trace shares.  The readers are import_atlas.c and import_scamper.c.
 * Pure.
 */
#include "import_int.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

uint64_t nkt__import_ns(double ms)
{
	return ms >= 0 ? (uint64_t)llround(ms * 1e6) : 0;
}

int nkt__import_errno(const char *msg)
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

int nkt__import_stop(const char *s)
{
	int r;
	for (r = NKT_STOP_COMPLETED; s != NULL && r <= NKT_STOP_HALTED; r++)
		if (strcmp(nkt_stop_name(r), s) == 0)
			return r;
	return NKT_STOP_NONE;
}

int nkt__import_method(const char *s, uint8_t *paris)
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

void nkt__import_finish(struct nkt_trace *t)
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

/* ---- dispatch -------------------------------------------------------------- */

static int dispatch(const json_t *rec, const char *type,
		    enum nkt_import_fmt want, struct nkt_addrtab *at,
		    struct nkt_import_state *st, struct nkt_trace *t,
		    struct nkt_import_meta *m, struct nkt_err *err);

/* M-Lab's traceroute-caller files: a metadata line ({"UUID", ...})
 * before scamper's records, or one object wrapping them all
 * ({"Metadata", "CycleStart", "Trace", "CycleStop"}): the metadata is
 * counted and left out, a wrapped trace is read as scamper's, its
 * cycle-start naming the monitor. */
static int mlab(const json_t **rec, enum nkt_import_fmt want,
		struct nkt_import_state *st, struct nkt_err *err)
{
	const json_t *trace = json_object_get(*rec, "Trace");
	const json_t *cycle = json_object_get(*rec, "CycleStart");

	if (json_object_get(*rec, "type") != NULL || want == NKT_IMPORT_ATLAS)
		return NKT_OK;
	if (json_is_object(trace)) {
		const char *host =
			json_string_value(json_object_get(cycle, "hostname"));
		if (host != NULL)
			snprintf(st->monitor, sizeof(st->monitor), "%s", host);
		*rec = trace;
		return NKT_OK;
	}
	if (json_object_get(*rec, "UUID") != NULL &&
	    json_object_get(*rec, "TracerouteCallerVersion") != NULL)
		return nkt_err_set(err, NKT_EIGNORE,
				   "M-Lab metadata record (cycle metadata)");
	return NKT_OK;
}

int nkt_import_record(const json_t *rec, enum nkt_import_fmt want,
		      struct nkt_addrtab *at, struct nkt_import_state *st,
		      struct nkt_trace **out, struct nkt_import_meta *m,
		      struct nkt_err *err)
{
	struct nkt_trace *t = nkt_xcalloc(1, sizeof(*t));
	const char *type;
	int rc;

	*out = NULL;
	t->first_ttl = 1;
	memset(m, 0, sizeof(*m));
	if (!json_is_object(rec)) {
		nkt_trace_free(t);
		return nkt_err_set(err, NKT_EMALFORMED,
				   "a record must be a JSON object");
	}
	rc = mlab(&rec, want, st, err);
	if (rc != NKT_OK) {
		nkt_trace_free(t);
		return rc;
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
		rc = nkt__import_scamper(rec, at, st, t, m, err);
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
		rc = nkt__import_atlas(rec, at, t, m, err);
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
