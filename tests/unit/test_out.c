// SPDX-License-Identifier: ISC
/* test_out.c: the Atlas JSON and text writers on a hand-made trace. */
#include "nkt_test.h"
#include "nktrace/atlas_codes.h"
#include "nktrace/out_atlas.h"
#include "nktrace/out_text.h"

#define T0 (1795000000ULL * NKT_NS_PER_S)

static void add(struct nkt_trace *t, uint8_t ttl, uint8_t att, uint32_t from,
		uint8_t kind, uint64_t rtt_us, uint16_t flags)
{
	struct nkt_hop_reply *h = nkt_trace_add(t);
	h->ttl = ttl;
	h->attempt = att;
	h->tx_ns = T0 + ttl * NKT_NS_PER_MS;
	if (kind == 0)
		return;
	h->flags = (uint16_t)(NKT_PF_REPLY | flags);
	h->from = from;
	h->kind = kind;
	h->rtt_ns = rtt_us * 1000;
	h->reply_ttl = (uint8_t)(65 - ttl);
	h->reply_ipid = 100;
	h->size = 40;
	h->quoted_ttl = 1;
	if (kind == NKT_REPLY_TTL_EXCEEDED)
		h->icmp_type = 11;
}

static struct nkt_trace *sample(void)
{
	struct nkt_trace *t = nkt_xcalloc(1, sizeof(*t));
	struct nkt_hop_reply *h;

	nkt_flow_init(&t->flow, NKT_METHOD_ICMP, 0xc000020au, 0xaf2db047u, 0,
		      0, 1, 60, 0, NULL);
	t->first_ttl = 1;
	t->max_ttl = 30;
	t->attempts = 3;
	t->gaplimit = 5;
	t->start_ns = T0;
	t->end_ns = T0 + 2 * NKT_NS_PER_S;
	t->stop_reason = NKT_STOP_COMPLETED;
	t->stop_hop = 3;
	t->sent = 9;
	t->replies = 7;
	add(t, 1, 1, 0x0a0a0001u, NKT_REPLY_TTL_EXCEEDED, 304, 0);
	add(t, 1, 2, 0, 0, 0, 0);
	add(t, 1, 3, 0x0a0a0001u, NKT_REPLY_TTL_EXCEEDED, 1250, 0);
	add(t, 2, 1, 0xdb9e7501u, NKT_REPLY_TTL_EXCEEDED, 150123, 0);
	h = &t->r[t->n - 1];
	h->flags |= NKT_PF_EXT | NKT_PF_EXT_RFC4884;
	h->n_obj = 1;
	h->obj[0].cls = 1;
	h->obj[0].ctype = 1;
	h->n_mpls = 1;
	h->mpls[0] = (407904u << 12) | (1 << 8) | 1;
	h->quoted_ttl = 2;
	add(t, 2, 2, 0xdb9e7501u, NKT_REPLY_TTL_EXCEEDED, 150200, 0);
	add(t, 2, 3, 0xdb9e7501u, NKT_REPLY_TTL_EXCEEDED, 150300,
	    NKT_PF_RTT_CLOCK);
	add(t, 3, 1, 0xaf2db047u, NKT_REPLY_ECHO_REPLY, 290000, 0);
	add(t, 3, 2, 0xaf2db047u, NKT_REPLY_ECHO_REPLY, 290500, 0);
	add(t, 3, 3, 0, 0, 0, 0);
	add(t, 3, 2, 0xaf2db047u, NKT_REPLY_ECHO_REPLY, 291000, NKT_PF_DUP);
	t->dups = 1;
	return t;
}

static const char want_json[] =
	"{\"fw\":5020,\"af\":4,\"dst_addr\":\"175.45.176.71\",\"dst_name\":"
	"\"kcna.kp\",\"src_addr\":\"192.0.2.10\",\"from\":\"192.0.2.10\","
	"\"proto\":\"ICMP\",\"paris_id\":1,\"size\":60,\"timestamp\":"
	"1795000000,\"endtime\":1795000002,\"msm_id\":7,\"prb_id\":9,"
	"\"msm_name\":\"Traceroute\",\"type\":\"traceroute\",\"result\":["
	"{\"hop\":1,\"result\":[{\"from\":\"10.10.0.1\",\"rtt\":0.304,\"size\":"
	"40,\"ttl\":64,\"icmp_type\":11,\"icmp_code\":0,\"qttl\":1,\"ipid\":"
	"100},{\"x\":\"*\"},{\"from\":\"10.10.0.1\",\"rtt\":1.25,\"size\":40,"
	"\"ttl\":64,\"icmp_type\":11,\"icmp_code\":0,\"qttl\":1,\"ipid\":100}]"
	"},{\"hop\":2,\"result\":[{\"from\":\"219.158.117.1\",\"rtt\":150.123,"
	"\"size\":40,\"ttl\":63,\"ittl\":2,\"icmpext\":{\"version\":2,"
	"\"rfc4884\":1,\"obj\":[{\"class\":1,\"type\":1,\"mpls\":[{\"label\":"
	"407904,\"exp\":0,\"s\":1,\"ttl\":1}]}]},\"icmp_type\":11,\"icmp_code\":"
	"0,\"qttl\":2,\"ipid\":100},{\"from\":\"219.158.117.1\",\"rtt\":150.2,"
	"\"size\":40,\"ttl\":63,\"icmp_type\":11,\"icmp_code\":0,\"qttl\":1,"
	"\"ipid\":100},{\"from\":\"219.158.117.1\",\"rtt\":150.3,\"size\":40,"
	"\"ttl\":63,\"icmp_type\":11,\"icmp_code\":0,\"qttl\":1,\"ipid\":100,"
	"\"rtt_src\":\"clock\"}]},{\"hop\":3,\"result\":[{\"from\":"
	"\"175.45.176.71\",\"rtt\":290.0,\"size\":40,\"ttl\":62,\"ipid\":100},"
	"{\"from\":\"175.45.176.71\",\"rtt\":290.5,\"size\":40,\"ttl\":62,"
	"\"ipid\":100},{\"x\":\"*\"},{\"dup\":true,\"from\":\"175.45.176.71\","
	"\"rtt\":291.0,\"size\":40,\"ttl\":62,\"ipid\":100}]}],\"version\":"
	"\"nktrace " NKT_VERSION "\",\"method\":\"icmp-paris\",\"stop_reason\":"
	"\"COMPLETED\",\"stop_hop\":3,\"first_ttl\":1,\"max_ttl\":30,"
	"\"attempts\":3,\"gaplimit\":5,\"start_us\":1795000000000000,"
	"\"end_us\":1795000002000000,\"probes\":9,\"replies\":7,\"late\":0,"
	"\"dups\":1,\"edsts\":0}\n";

static const char want_text[] =
	"traceroute to 175.45.176.71 (kcna.kp) from 192.0.2.10, 30 hops max, "
	"icmp-paris, 60 byte packets\n"
	" 1  10.10.0.1  0.304 ms *  1.250 ms\n"
	" 2  219.158.117.1  150.123 ms  150.200 ms  150.300 ms\n"
	"    MPLS [L=407904 E=0 S=1 T=1]\n"
	" 3  175.45.176.71  290.000 ms  290.500 ms *  291.000 ms (dup)\n"
	"COMPLETED at hop 3, 9 probes, 7 replies\n";

static const char *name_of(void *ctx, uint32_t dst)
{
	(void)ctx;
	return dst == 0xaf2db047u ? "kcna.kp" : NULL;
}

static void test_writers(void)
{
	struct nkt_trace *t = sample();
	struct nkt_out_opts o;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	memset(&o, 0, sizeof(o));
	o.msm_id = 7;
	o.prb_id = 9;
	o.dst_name = name_of;
	nkt_trace_sort(t);
	f = open_memstream(&buf, &len);
	CHECK_INT(nkt_atlas_write(f, t, &o), 0);
	fclose(f);
	CHECK_STR(buf, want_json);
	free(buf);
	f = open_memstream(&buf, &len);
	CHECK_INT(nkt_text_write(f, t, &o), 0);
	fclose(f);
	CHECK_STR(buf, want_text);
	free(buf);

	/* What ripe.atlas.sagan refuses a record without (Result.__init__):
	 * timestamp msm_id prb_id fw type, and fw must not be 0. */
	{
		json_t *j = nkt_atlas_trace(t, &o), *v;
		const char *keys[] = {"timestamp", "msm_id", "prb_id", "fw",
				      "type"};
		for (size_t i = 0; i < NKT_ARRAY_LEN(keys); i++)
			CHECK(json_object_get(j, keys[i]) != NULL);
		v = json_object_get(j, "fw");
		CHECK(json_is_integer(v) && json_integer_value(v) >= 5000);
		CHECK_STR(json_string_value(json_object_get(j, "type")),
			  "traceroute");
		json_decref(j);
	}
	nkt_trace_free(t);
}

static void test_err_codes(void)
{
	int code, af, c, back;
	char fl[8];
	CHECK_STR(nkt_atlas_err(4, NKT_METHOD_UDP, 0, &code), "N");
	CHECK_STR(nkt_atlas_err(4, NKT_METHOD_UDP, 1, &code), "H");
	CHECK_STR(nkt_atlas_err(4, NKT_METHOD_UDP, 2, &code), "P");
	CHECK(nkt_atlas_err(4, NKT_METHOD_UDP, 3, &code) == NULL &&
	      code == -1);
	CHECK_STR(nkt_atlas_err(4, NKT_METHOD_ICMP, 3, &code), "p");
	CHECK(nkt_atlas_err(4, NKT_METHOD_TCP, 4, &code) == NULL &&
	      code == -1);
	CHECK_STR(nkt_atlas_err(4, NKT_METHOD_TCP, 13, &code), "A");
	CHECK(nkt_atlas_err(4, NKT_METHOD_TCP, 10, &code) == NULL &&
	      code == 10);
	/* IPv6: 0 N, 1 A, 2 h, 3 H, port unreachable none. */
	CHECK_STR(nkt_atlas_err(6, NKT_METHOD_ICMP, 0, &code), "N");
	CHECK_STR(nkt_atlas_err(6, NKT_METHOD_ICMP, 1, &code), "A");
	CHECK_STR(nkt_atlas_err(6, NKT_METHOD_ICMP, 2, &code), "h");
	CHECK_STR(nkt_atlas_err(6, NKT_METHOD_ICMP, 3, &code), "H");
	CHECK(nkt_atlas_err(6, NKT_METHOD_UDP, 4, &code) == NULL &&
	      code == -1);
	CHECK(nkt_atlas_err(6, NKT_METHOD_UDP, 5, &code) == NULL &&
	      code == 5);
	/* Every letter written reads back as its code. */
	for (af = 4; af <= 6; af += 2)
		for (c = 0; c < 256; c++) {
			const char *l = nkt_atlas_err(af, NKT_METHOD_ICMP,
						      (uint8_t)c, &code);
			if (l == NULL)
				continue;
			CHECK(nkt_atlas_err_code(af, l[0], &back) == NKT_OK &&
			      back == c);
		}
	CHECK(nkt_atlas_err_code(4, 'h', &back) == NKT_OK && back == 2);
	CHECK(nkt_atlas_err_code(6, 'p', &back) == NKT_OK && back == 4);
	CHECK(nkt_atlas_err_code(4, 'x', &back) == NKT_EMALFORMED);
	nkt_atlas_tcp_flags(0x12, fl);
	CHECK_STR(fl, "SA");
	nkt_atlas_tcp_flags(0x3f, fl);
	CHECK_STR(fl, "FSRPAU");
	CHECK(nkt_atlas_tcp_bits("RA") == 0x14);
	CHECK(nkt_atlas_tcp_bits("SAx") == 0x12);
	for (c = 0; c < 64; c++) {
		nkt_atlas_tcp_flags((uint8_t)c, fl);
		CHECK(nkt_atlas_tcp_bits(fl) == c);
	}
}

/* An error stop and an edst report. */
static void test_error_and_edst(void)
{
	struct nkt_trace *t = sample();
	json_t *j, *hops, *h3, *res;
	struct nkt_hop_reply *e = nkt_trace_add(t);

	e->ttl = 3;
	e->attempt = 3;
	e->flags = NKT_PF_EDST;
	e->from = 0xaf2db047u;
	e->edst = 0x01020304u;
	e->kind = NKT_REPLY_TTL_EXCEEDED;
	t->stop_reason = NKT_STOP_ERROR;
	t->stop_errno = 113; /* EHOSTUNREACH */
	nkt_trace_sort(t);
	j = nkt_atlas_trace(t, NULL);
	hops = json_object_get(j, "result");
	h3 = json_array_get(hops, 2);
	CHECK(json_object_get(h3, "error") != NULL);
	res = json_object_get(h3, "result");
	{
		json_t *last = json_array_get(res, json_array_size(res) - 1);
		CHECK_STR(json_string_value(json_object_get(last, "edst")),
			  "1.2.3.4");
		CHECK(json_object_get(last, "rtt") == NULL);
	}
	CHECK_STR(json_string_value(json_object_get(j, "stop_reason")),
		  "ERROR");
	json_decref(j);
	nkt_trace_free(t);
}

int main(void)
{
	test_writers();
	test_err_codes();
	test_error_and_edst();
	return nkt_test_done("test_out");
}
