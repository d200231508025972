// SPDX-License-Identifier: ISC
/*
 * test_import.c: one record in, one trace out, field by field: a RIPE
 * Atlas result (timeouts, a late reply, a duplicate, an edst report, err
 * letters, mtu, an MPLS stack, ittl, a send error), nktrace's own record
 * (end-to-end probes, stop reason, purpose), a scamper trace (silent
 * attempts rebuilt, ICMP types, tx times, MPLS); what is not a traceroute
 * is told apart from what is broken, and a broken record names the
 * member; the typed accessors behind it.
 */
#include "nkt_test.h"
#include "nktrace/import.h"
#include "nktrace/jsonget.h"

#include <errno.h>
#include <math.h>

static const char atlas[] =
	"{\"fw\":5080,\"af\":4,\"prb_id\":6001,\"msm_id\":5004,\"timestamp\":"
	"1700000000,\"endtime\":1700000003,\"paris_id\":3,\"size\":48,"
	"\"proto\":\"ICMP\",\"src_addr\":\"192.0.2.1\",\"dst_addr\":"
	"\"175.45.176.71\",\"from\":\"198.51.100.1\",\"type\":\"traceroute\","
	"\"result\":["
	"{\"hop\":1,\"result\":[{\"from\":\"192.0.2.254\",\"rtt\":0.5,"
	"\"size\":76,\"ttl\":64},{\"x\":\"*\"},{\"from\":\"192.0.2.254\","
	"\"rtt\":0.7,\"ttl\":64,\"dup\":true}]},"
	"{\"hop\":2,\"result\":[{\"from\":\"203.0.113.5\",\"rtt\":20.25,"
	"\"ttl\":250,\"ittl\":2,\"icmpext\":{\"version\":2,\"rfc4884\":1,"
	"\"obj\":[{\"class\":1,\"type\":1,\"mpls\":[{\"label\":24001,\"exp\":0,"
	"\"s\":1,\"ttl\":1}]}]}},{\"from\":\"203.0.113.6\",\"late\":2},"
	"{\"from\":\"203.0.113.7\",\"edst\":\"10.1.1.1\",\"rtt\":3}]},"
	"{\"hop\":3,\"result\":[{\"from\":\"175.45.176.71\",\"rtt\":33,"
	"\"ttl\":60,\"err\":\"A\"},{\"error\":\"sendto failed: Network is "
	"unreachable\"}]}]}";

static const char nktrace_rec[] =
	"{\"fw\":5020,\"af\":4,\"timestamp\":1700000000,\"start_us\":"
	"1700000000123456,\"proto\":\"TCP\",\"src_addr\":\"10.0.0.1\","
	"\"dst_addr\":\"175.45.178.1\",\"dport\":443,\"version\":\"nktrace "
	"0.1.0\",\"via\":\"ttk\",\"stop_reason\":\"COMPLETED\",\"stop_hop\":2,"
	"\"max_ttl\":30,\"gaplimit\":5,\"method\":\"tcp\",\"purpose\":"
	"\"reprobe\",\"result\":[{\"hop\":1,\"result\":[{\"x\":\"*\"}]},"
	"{\"hop\":2,\"result\":[{\"from\":\"175.45.178.1\",\"rtt\":19.5,"
	"\"flags\":\"SA\"}]}],\"e2e\":{\"ttl\":2,\"sent\":3,\"received\":2,"
	"\"rtt\":[19.4,19.6],\"reply_ttl\":[61,61]}}";

static const char scamper[] =
	"{\"type\":\"trace\",\"method\":\"icmp-echo-paris\",\"src\":"
	"\"192.0.2.1\",\"dst\":\"175.45.176.71\",\"stop_reason\":\"COMPLETED\","
	"\"start\":{\"sec\":1700000000,\"usec\":250000},\"hop_count\":4,"
	"\"attempts\":2,\"firsthop\":1,\"probe_size\":44,\"hops\":["
	"{\"addr\":\"192.0.2.254\",\"probe_ttl\":1,\"probe_id\":1,\"rtt\":0.4,"
	"\"reply_ttl\":64,\"icmp_type\":11,\"icmp_code\":0,\"tx\":{\"sec\":"
	"1700000000,\"usec\":300000}},"
	"{\"addr\":\"203.0.113.5\",\"probe_ttl\":3,\"probe_id\":2,\"rtt\":"
	"20.5,\"icmp_type\":11,\"icmp_code\":0,\"icmpext\":[{\"ie_cn\":1,"
	"\"ie_ct\":1,\"mpls_labels\":[{\"mpls_ttl\":1,\"mpls_s\":1,"
	"\"mpls_exp\":0,\"mpls_label\":16}]}]},"
	"{\"addr\":\"175.45.176.71\",\"probe_ttl\":4,\"probe_id\":1,\"rtt\":"
	"33.5,\"icmp_type\":0,\"icmp_code\":0}]}";

static int convert(const char *text, enum nkt_import_fmt want,
		   struct nkt_addrtab *at, struct nkt_import_state *st,
		   struct nkt_trace **t, struct nkt_import_meta *m,
		   struct nkt_err *err)
{
	json_t *j = json_loads(text, 0, NULL);
	int rc;
	CHECK(j != NULL);
	rc = nkt_import_record(j, want, at, st, t, m, err);
	json_decref(j);
	return rc;
}

/* The k-th hop reply of ttl `ttl`, or NULL. */
static const struct nkt_hop_reply *reply(const struct nkt_trace *t, int ttl,
					 int k, int e2e)
{
	size_t i;
	for (i = 0; i < t->n; i++)
		if (t->r[i].ttl == ttl && !!(t->r[i].flags & NKT_PF_E2E) == e2e &&
		    k-- == 0)
			return &t->r[i];
	return NULL;
}

static void test_atlas(void)
{
	struct nkt_addrtab at;
	struct nkt_import_state st;
	struct nkt_trace *t = NULL;
	struct nkt_import_meta m;
	struct nkt_err err = {0, ""};
	const struct nkt_hop_reply *h;

	memset(&at, 0, sizeof(at));
	memset(&st, 0, sizeof(st));
	CHECK_INT(convert(atlas, NKT_IMPORT_AUTO, &at, &st, &t, &m, &err), 0);
	if (t == NULL)
		return;
	CHECK_STR(m.source, "atlas");
	CHECK_STR(m.vantage, "prb 6001");
	CHECK(m.msm_id == 5004);
	CHECK_INT(t->flow.method, NKT_METHOD_ICMP);
	CHECK_INT(t->flow.paris_id, 3);
	CHECK_INT(t->flow.size, 48);
	CHECK(t->flow.dst == 0xaf2db047u && t->flow.src == 0xc0000201u);
	CHECK_U64(t->start_ns, 1700000000ULL * NKT_NS_PER_S);
	CHECK_U64(t->end_ns, 1700000003ULL * NKT_NS_PER_S);
	/* hop 1: an answer, a timeout, a duplicate */
	h = reply(t, 1, 0, 0);
	CHECK(h && h->flags == NKT_PF_REPLY && h->rtt_ns == 500000 &&
	      h->size == 76 && h->kind == NKT_REPLY_TTL_EXCEEDED &&
	      h->attempt == 1);
	h = reply(t, 1, 1, 0);
	CHECK(h && h->flags == 0 && h->attempt == 2);
	h = reply(t, 1, 2, 0);
	CHECK(h && (h->flags & NKT_PF_DUP) && h->attempt == 2);
	/* hop 2: MPLS, a late reply (never an answer), an edst report */
	h = reply(t, 2, 0, 0);
	CHECK(h && h->quoted_ttl == 2 && h->n_mpls == 1 &&
	      (h->flags & NKT_PF_EXT_RFC4884) && h->obj[0].cls == 1);
	if (h && h->n_mpls)
		CHECK(h->mpls[0] == (24001u << 12 | 1u << 8 | 1u));
	h = reply(t, 2, 1, 0);
	CHECK(h && (h->flags & NKT_PF_LATE) && (h->flags & NKT_PF_DUP));
	h = reply(t, 2, 2, 0);
	CHECK(h && (h->flags & NKT_PF_EDST) && h->edst == 0x0a010101u);
	CHECK_INT(t->late, 1);
	CHECK_INT(t->edsts, 1);
	CHECK_INT(t->dups, 1);
	/* hop 3: "A" is administratively prohibited (13); a send error */
	h = reply(t, 3, 0, 0);
	CHECK(h && h->kind == NKT_REPLY_UNREACH && h->icmp_type == 3 &&
	      h->icmp_code == 13);
	CHECK_INT(t->stop_errno, ENETUNREACH);
	CHECK_INT(t->stop_reason, NKT_STOP_COMPLETED);
	CHECK_INT(t->stop_hop, 3);
	CHECK_INT(t->first_ttl, 1);
	CHECK_INT(t->attempts, 2); /* hop 1: an answer, a timeout */
	nkt_trace_free(t);
	t = NULL;

	CHECK_INT(convert(nktrace_rec, NKT_IMPORT_AUTO, &at, &st, &t, &m,
			  &err),
		  0);
	if (t == NULL)
		return;
	CHECK_STR(m.source, "nktrace");
	CHECK_STR(m.via, "ttk");
	CHECK_STR(m.vantage, "10.0.0.1");
	CHECK_INT(t->flow.method, NKT_METHOD_TCP);
	CHECK_INT(t->flow.paris_id, 0); /* tcp: not Paris */
	CHECK_INT(t->flow.dport, 443);
	CHECK_U64(t->start_ns, 1700000000123456ULL * NKT_NS_PER_US);
	CHECK_INT(t->purpose, NKT_PURPOSE_REPROBE);
	CHECK_INT(t->stop_reason, NKT_STOP_COMPLETED);
	CHECK_INT(t->max_ttl, 30);
	CHECK_INT(t->e2e_sent, 3);
	CHECK_INT(t->e2e_reached, 2);
	h = reply(t, 2, 0, 0);
	CHECK(h && h->kind == NKT_REPLY_TCP && h->tcp_flags == 0x12);
	h = reply(t, 2, 1, 1);
	CHECK(h && h->rtt_ns == 19600000 && h->reply_ttl == 61 &&
	      h->kind == NKT_REPLY_TCP);
	h = reply(t, 2, 2, 1);
	CHECK(h && !(h->flags & NKT_PF_REPLY)); /* the unanswered one */
	nkt_trace_free(t);
	nkt_addrtab_free(&at);
}

static void test_scamper(void)
{
	struct nkt_addrtab at;
	struct nkt_import_state st;
	struct nkt_trace *t = NULL;
	struct nkt_import_meta m;
	struct nkt_err err = {0, ""};
	const struct nkt_hop_reply *h;
	json_t *cs = json_loads("{\"type\":\"cycle-start\",\"hostname\":"
				"\"ark-nrt\"}",
				0, NULL);
	size_t i, silent = 0;

	memset(&at, 0, sizeof(at));
	memset(&st, 0, sizeof(st));
	CHECK_INT(nkt_import_record(cs, NKT_IMPORT_AUTO, &at, &st, &t, &m,
				    &err),
		  NKT_EIGNORE);
	CHECK_STR(err.msg, "scamper cycle-start record");
	CHECK_STR(st.monitor, "ark-nrt");
	json_decref(cs);
	CHECK_INT(convert(scamper, NKT_IMPORT_AUTO, &at, &st, &t, &m, &err),
		  0);
	if (t == NULL)
		return;
	CHECK_STR(m.source, "scamper");
	CHECK_STR(m.vantage, "ark-nrt (192.0.2.1)");
	CHECK_INT(t->flow.paris_id, 1);
	CHECK_U64(t->start_ns, 1700000000ULL * NKT_NS_PER_S + 250000000ULL);
	h = reply(t, 1, 0, 0);
	CHECK(h && h->tx_ns == 1700000000ULL * NKT_NS_PER_S + 300000000ULL);
	h = reply(t, 3, 1, 0); /* answered at attempt 2: attempt 1 silent */
	CHECK(h && h->attempt == 2 && h->n_mpls == 1);
	if (h && h->n_mpls)
		CHECK(h->mpls[0] == (16u << 12 | 1u << 8 | 1u));
	h = reply(t, 4, 0, 0);
	CHECK(h && h->kind == NKT_REPLY_ECHO_REPLY);
	/* silent: hop 2 (both attempts), hop 3 attempt 1 */
	for (i = 0; i < t->n; i++)
		silent += !(t->r[i].flags & NKT_PF_REPLY);
	CHECK_INT(silent, 3);
	CHECK_INT(t->sent, 6);
	CHECK_INT(t->stop_reason, NKT_STOP_COMPLETED);
	nkt_trace_free(t);
	nkt_addrtab_free(&at);
}

/* Not a traceroute (ignored, said why) against broken (the member). */
static void test_kinds(void)
{
	static const struct {
		const char *json;
		enum nkt_import_fmt want;
		int rc;
		const char *msg;
	} rows[] = {
		{"{\"type\":\"ping\",\"dst\":\"1.2.3.4\"}", NKT_IMPORT_AUTO,
		 NKT_EIGNORE, "scamper ping record (not a traceroute)"},
		{"{\"fw\":5080,\"type\":\"ping\"}", NKT_IMPORT_AUTO,
		 NKT_EIGNORE, "Atlas ping result (not a traceroute)"},
		{"{\"fw\":4400,\"result\":\"text\"}", NKT_IMPORT_AUTO,
		 NKT_EIGNORE, "Atlas firmware 1 result"},
		{"{\"fw\":5080,\"proto\":\"ICMP\",\"dst_addr\":\"1.2.3.4\","
		 "\"result\":[{\"error\":\"name resolution failed\"}]}",
		 NKT_IMPORT_AUTO, NKT_EIGNORE,
		 "measurement failed: name resolution failed"},
		{"{\"fw\":5080,\"proto\":\"ICMP\",\"dst_name\":\"kcna.kp\","
		 "\"result\":[]}",
		 NKT_IMPORT_AUTO, NKT_EIGNORE,
		 "no destination address (dst_name 'kcna.kp'"},
		{"{\"fw\":5080,\"proto\":\"ICMP\",\"dst_addr\":\"1.2.3.4\","
		 "\"result\":[{\"hop\":1,\"result\":[{\"from\":\"1.1.1.1\","
		 "\"rtt\":\"fast\"}]}]}",
		 NKT_IMPORT_AUTO, NKT_EMALFORMED,
		 "result[0].result[0].rtt: not a number"},
		{"{\"fw\":5080,\"proto\":\"ICMP\",\"dst_addr\":\"1.2.3.4\","
		 "\"result\":[{\"hop\":1,\"result\":[{\"from\":\"1.1.1.1\","
		 "\"rtt\":1,\"err\":\"Q\"}]}]}",
		 NKT_IMPORT_AUTO, NKT_EMALFORMED,
		 "result[0].result[0].err: not an Atlas error letter or code"},
		{"{\"fw\":5080,\"proto\":\"SCTP\",\"result\":[]}",
		 NKT_IMPORT_AUTO, NKT_EMALFORMED,
		 "proto: 'SCTP' is not ICMP, UDP or TCP"},
		{"{\"fw\":5080,\"af\":5,\"result\":[]}", NKT_IMPORT_AUTO,
		 NKT_EMALFORMED, "af: 5 is not 4 or 6"},
		{"{\"fw\":5080,\"result\":[]}", NKT_IMPORT_SCAMPER,
		 NKT_EMALFORMED, "a RIPE Atlas result, not scamper"},
		{"{\"type\":\"trace\",\"method\":\"icmp-paris\",\"dst\":"
		 "\"1.2.3.4\",\"hops\":[{\"probe_ttl\":1,\"addr\":\"1.1.1.1\","
		 "\"rtt\":1}]}",
		 NKT_IMPORT_AUTO, NKT_EMALFORMED,
		 "hops[0]: neither icmp_type nor tcp_flags"},
		{"{\"type\":\"trace\",\"method\":\"icmp-paris\"}",
		 NKT_IMPORT_AUTO, NKT_EMALFORMED, "no \"dst\""},
		{"{\"type\":\"bogus\"}", NKT_IMPORT_AUTO, NKT_EMALFORMED,
		 "neither a RIPE Atlas result nor a scamper record (type "
		 "'bogus')"},
		{"[1,2]", NKT_IMPORT_AUTO, NKT_EMALFORMED,
		 "a record must be a JSON object"},
		/* a whole Atlas traceroute, but no probe named: not a vantage
		 * point of its own */
		{"{\"fw\":5080,\"proto\":\"ICMP\",\"dst_addr\":\"1.2.3.4\","
		 "\"from\":\"192.0.2.7\",\"result\":[{\"hop\":1,\"result\":"
		 "[{\"from\":\"1.2.3.4\",\"rtt\":1}]}]}",
		 NKT_IMPORT_AUTO, NKT_EMALFORMED, "prb_id: missing or 0"},
	};
	size_t i;

	for (i = 0; i < NKT_ARRAY_LEN(rows); i++) {
		struct nkt_addrtab at;
		struct nkt_import_state st;
		struct nkt_trace *t = (struct nkt_trace *)1;
		struct nkt_import_meta m;
		struct nkt_err err = {0, ""};
		int rc;
		memset(&at, 0, sizeof(at));
		memset(&st, 0, sizeof(st));
		rc = convert(rows[i].json, rows[i].want, &at, &st, &t, &m,
			     &err);
		if (rc != rows[i].rc ||
		    strncmp(err.msg, rows[i].msg, strlen(rows[i].msg)) != 0) {
			fprintf(stderr, "row %zu: %d '%s'\n", i, rc, err.msg);
			CHECK(0);
		} else
			CHECK(t == NULL);
		nkt_addrtab_free(&at);
	}
	CHECK_INT(nkt_import_fmt_parse("atlas"), NKT_IMPORT_ATLAS);
	CHECK_INT(nkt_import_fmt_parse("warts"), -1);
}

static void test_jsonget(void)
{
	static const char *const keys[4] = {"l", "e", "s", "t"};
	json_t *o = json_loads("{\"i\":300,\"n\":-1,\"s\":5,\"a\":[],"
			       "\"m\":{\"l\":1048576,\"e\":0,\"s\":1,\"t\":1},"
			       "\"ok\":{\"l\":16,\"e\":7,\"s\":1,\"t\":255},"
			       "\"tm\":{\"sec\":2,\"usec\":5},\"bad\":7}",
			       0, NULL);
	struct nkt_err err = {0, ""};
	struct nkt_addrtab at;
	json_int_t v;
	uint8_t u8;
	double d;
	const char *s;
	const json_t *arr;
	uint32_t lse, addr;
	uint64_t ns;

	memset(&at, 0, sizeof(at));
	CHECK_INT(nkt_jget_int(o, "i", 0, 10, 0, "x", &v, &err),
		  NKT_EMALFORMED);
	CHECK_STR(err.msg, "x.i: 300 is out of range");
	CHECK_INT(nkt_jget_int(o, "absent", 0, 10, 7, "x", &v, &err), 0);
	CHECK(v == 7);
	CHECK_INT(nkt_jget_u8(o, "i", 0, "", &u8, &err), NKT_EMALFORMED);
	CHECK_STR(err.msg, "i: 300 is out of range");
	CHECK_INT(nkt_jget_num(o, "n", "x", &d, &err), NKT_EMALFORMED);
	CHECK_INT(nkt_jget_num(o, "absent", "x", &d, &err), 0);
	CHECK(isnan(d));
	CHECK_INT(nkt_jget_str(o, "s", "x", &s, &err), NKT_EMALFORMED);
	CHECK_STR(err.msg, "x.s: not a string");
	CHECK_INT(nkt_jget_array(o, "a", "", &arr, &err), 0);
	CHECK(json_is_array(arr));
	CHECK_INT(nkt_jget_array(o, "i", "", &arr, &err), NKT_EMALFORMED);
	CHECK_INT(nkt_jget_mpls(json_object_get(o, "m"), keys, "m", &lse,
				&err),
		  NKT_EMALFORMED);
	CHECK_INT(nkt_jget_mpls(json_object_get(o, "ok"), keys, "ok", &lse,
				&err),
		  0);
	CHECK(lse == (16u << 12 | 7u << 9 | 1u << 8 | 255u));
	CHECK_INT(nkt_jget_mpls(json_object_get(o, "bad"), keys, "bad", &lse,
				&err),
		  NKT_EMALFORMED);
	CHECK_STR(err.msg, "bad: not an object");
	CHECK_INT(nkt_jget_time(o, "tm", "", &ns, &err), 0);
	CHECK_U64(ns, 2 * NKT_NS_PER_S + 5 * NKT_NS_PER_US);
	CHECK_INT(nkt_jget_time(o, "bad", "", &ns, &err), 0);
	CHECK_U64(ns, 0);
	CHECK_INT(nkt_jget_addr(o, "s", "", &at, &addr, &err), NKT_EMALFORMED);
	json_decref(o);
	o = json_loads("{\"a\":\"2001:db8::1\",\"b\":\"\",\"c\":\"x.y\"}", 0,
		       NULL);
	CHECK_INT(nkt_jget_addr(o, "a", "", &at, &addr, &err), 0);
	CHECK_INT(nkt_addrtab_af(&at, addr), 6);
	CHECK_INT(nkt_jget_addr(o, "b", "", &at, &addr, &err), 0);
	CHECK(addr == 0);
	CHECK_INT(nkt_jget_addr(o, "c", "p", &at, &addr, &err),
		  NKT_EMALFORMED);
	CHECK_STR(err.msg, "p.c: 'x.y' is not an address");
	json_decref(o);
	nkt_addrtab_free(&at);
}

int main(void)
{
	test_atlas();
	test_scamper();
	test_kinds();
	test_jsonget();
	return nkt_test_done("test_import");
}
