// SPDX-License-Identifier: ISC
/* match.c: the in-flight table and reply validation (rules in match.h). */
#include "nktrace/match.h"
#include "nktrace/common.h"

#include <string.h>

void nkt_match_init(struct nkt_match *m)
{
	memset(m, 0, sizeof(*m));
	m->cursor = 1;
}

const char *nkt_match_result_name(int result)
{
	static const char *n[] = {"ok",	     "dup",	"late",
				  "conflict", "foreign", "invalid",
				  "cancelled", "edst"};
	return (unsigned)result < NKT_ARRAY_LEN(n) ? n[result] : "?";
}

int nkt_match_alloc(struct nkt_match *m, const struct nkt_flow *flow,
		    uint8_t ttl, uint8_t attempt, uint16_t forbidden,
		    uint64_t deadline_ns, uint16_t *id)
{
	uint32_t tries;

	if (m->inflight >= NKT_MATCH_SLOTS - 2)
		return NKT_EFULL;
	for (tries = 0; tries < NKT_MATCH_SLOTS; tries++) {
		uint32_t i = m->cursor;
		struct nkt_slot *s;

		m->cursor = m->cursor == NKT_MATCH_SLOTS - 1 ? 1
							      : m->cursor + 1;
		if (i == forbidden)
			continue;
		s = &m->slot[i];
		if (s->state == NKT_SLOT_INFLIGHT)
			continue;
		s->gen++;
		s->state = NKT_SLOT_INFLIGHT;
		s->deadline_ns = deadline_ns;
		s->tx_wall_ns = s->tx_cap_ns = 0;
		s->src = flow->src;
		s->dst = flow->dst;
		s->proto = nkt_method_proto(flow->method);
		s->sport = flow->sport;
		s->dport = flow->method == NKT_METHOD_ICMP ? 0 : flow->dport;
		s->ttl = ttl;
		s->attempt = attempt;
		s->from = 0;
		m->inflight++;
		*id = (uint16_t)i;
		return NKT_OK;
	}
	return NKT_EFULL;
}

void nkt_match_set_state(struct nkt_match *m, uint16_t id, int state)
{
	struct nkt_slot *s = &m->slot[id];
	if (s->state == NKT_SLOT_INFLIGHT && state != NKT_SLOT_INFLIGHT)
		m->inflight--;
	else if (s->state != NKT_SLOT_INFLIGHT && state == NKT_SLOT_INFLIGHT)
		m->inflight++;
	s->state = (uint8_t)state;
}

int nkt_match_resolve(const struct nkt_match *m, const struct nkt_key *key,
		      const struct nkt_reply *r, struct nkt_match_out *out)
{
	const struct nkt_slot *s;
	int is_error = r->kind == NKT_REPLY_TTL_EXCEEDED ||
		       r->kind == NKT_REPLY_UNREACH ||
		       r->kind == NKT_REPLY_OTHER_ICMP;
	uint16_t id;

	memset(out, 0, sizeof(*out));
	if (!is_error && r->kind != NKT_REPLY_ECHO_REPLY &&
	    r->kind != NKT_REPLY_TCP)
		return NKT_MATCH_FOREIGN;
	if (!(r->flags & NKT_RF_QUOTE))
		return NKT_MATCH_FOREIGN;

	/* The transport copy first; the IP ID copy when the transport copy
	 * is missing or zeroed (some middleboxes zero the UDP checksum). */
	if ((r->flags & NKT_RF_QUOTE_L4) && r->q_xid != 0)
		id = r->q_xid;
	else if (is_error) {
		id = nkt_probe_ipid_id(key, r->q_dst, r->q_ipid);
		out->from_ipid = 1;
	} else
		return NKT_MATCH_FOREIGN;
	if (id == 0)
		return NKT_MATCH_FOREIGN;
	s = &m->slot[id];
	if (s->state == NKT_SLOT_FREE)
		return NKT_MATCH_FOREIGN;
	if (r->q_proto != s->proto || r->q_src != s->src)
		return NKT_MATCH_FOREIGN;
	if (r->flags & NKT_RF_QUOTE_L4) {
		if (r->q_sport != s->sport)
			return NKT_MATCH_FOREIGN;
		if (s->proto != 1 && r->q_dport != s->dport)
			return NKT_MATCH_FOREIGN;
	}

	if (is_error) {
		if (nkt_probe_ipid(key, s->dst, id) != r->q_ipid)
			return NKT_MATCH_INVALID;
	} else if (r->src != s->dst)
		return NKT_MATCH_INVALID;
	if ((r->flags & NKT_RF_TAG) &&
	    r->q_tag != nkt_probe_tag(key, s->dst, id))
		return NKT_MATCH_INVALID;
	if (r->kind == NKT_REPLY_TCP && !(r->flags & NKT_RF_TAG))
		return NKT_MATCH_INVALID;

	out->id = id;
	if (is_error && r->q_dst != s->dst)
		return NKT_MATCH_EDST; /* derived from our probe, yet not
					  an answer to it */
	switch (s->state) {
	case NKT_SLOT_INFLIGHT:
		return NKT_MATCH_OK;
	case NKT_SLOT_ANSWERED:
		return r->src == s->from ? NKT_MATCH_DUP : NKT_MATCH_CONFLICT;
	case NKT_SLOT_EXPIRED:
		return NKT_MATCH_LATE;
	default:
		return NKT_MATCH_CANCELLED;
	}
}
