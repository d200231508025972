// SPDX-License-Identifier: ISC
/*
 * test_discovery_cache.c: compare's discovery cache, an untrusted file:
 * what it writes reads back the same; a cache that names an address
 * outside its space (or its network or broadcast address), a host twice,
 * more hosts in a /24 than it says it kept, or that is not the form is
 * refused as a whole, with the reason; and one is used only for the same
 * space and --discover-max, while younger than --rediscover and not from
 * the future.
 */
#include "nkt_test.h"
#include "nktrace/discovery_cache.h"
#include "nktrace/inet.h"

#include <jansson.h>

#define SPACE 0xaf2db000u /* 175.45.176.0 */

static int parse(const char *text, struct nkt_discovery_cache *c,
		 struct nkt_err *err)
{
	return nkt_discovery_cache_parse(text, strlen(text), c, err);
}

static void test_roundtrip(void)
{
	uint32_t hosts[] = {SPACE + 1, SPACE + 0x1a3, SPACE + 0x2fe,
			    SPACE + 0x3fe};
	struct nkt_discovery_cache c = {SPACE, 22, 16, 1765000000, hosts, 4},
				   back;
	struct nkt_err err = {0, ""};
	json_t *j = nkt_discovery_cache_json(&c);
	char *text = json_dumps(j, JSON_COMPACT);
	size_t i;

	CHECK_STR(text, "{\"type\":\"nktrace-discovery\",\"version\":1,"
			"\"time\":1765000000,\"space\":\"175.45.176.0/22\","
			"\"per_prefix\":16,\"hosts\":[\"175.45.176.1\","
			"\"175.45.177.163\",\"175.45.178.254\","
			"\"175.45.179.254\"]}");
	CHECK_INT(parse(text, &back, &err), NKT_OK);
	CHECK_INT(back.space_net, SPACE);
	CHECK_INT(back.space_len, 22);
	CHECK_INT(back.per_prefix, 16);
	CHECK_INT(back.time_s, 1765000000);
	CHECK_INT(back.n, 4);
	for (i = 0; i < 4 && i < back.n; i++)
		CHECK_INT(back.addr[i], hosts[i]);
	nkt_discovery_cache_free(&back);
	free(text);
	json_decref(j);
}

/* Each refused whole, its reason in the message, nothing kept. */
static void test_refused(void)
{
#define HEAD "{\"type\":\"nktrace-discovery\",\"version\":1,\"time\":5,"
	static const struct {
		const char *text, *why;
	} cases[] = {
		{HEAD "\"space\":\"175.45.176.0/22\",\"per_prefix\":16,"
		      "\"hosts\":[\"175.45.176.5\",\"8.8.8.8\"]}",
		 "8.8.8.8 is not a host of its space"},
		{HEAD "\"space\":\"175.45.176.0/22\",\"per_prefix\":16,"
		      "\"hosts\":[\"175.45.176.0\"]}",
		 "175.45.176.0 is not a host"},
		{HEAD "\"space\":\"175.45.176.0/22\",\"per_prefix\":16,"
		      "\"hosts\":[\"175.45.179.255\"]}",
		 "175.45.179.255 is not a host"},
		{HEAD "\"space\":\"175.45.176.0/22\",\"per_prefix\":16,"
		      "\"hosts\":[\"175.45.176.9\",\"175.45.177.1\","
		      "\"175.45.176.9\"]}",
		 "175.45.176.9 is listed twice"},
		{HEAD "\"space\":\"175.45.176.0/22\",\"per_prefix\":2,"
		      "\"hosts\":[\"175.45.176.9\",\"175.45.177.1\","
		      "\"175.45.176.7\",\"175.45.176.8\"]}",
		 "more than its 2 hosts per /24 in 175.45.176.0/24"},
		{HEAD "\"space\":\"0.0.0.0/0\",\"per_prefix\":16,\"hosts\":[]}",
		 "not a prefix from /16 to /30"},
		{HEAD "\"space\":\"175.45.176.1/22\",\"per_prefix\":16,"
		      "\"hosts\":[]}",
		 "not a prefix from /16 to /30"},
		{HEAD "\"space\":\"175.45.176.0/22\",\"per_prefix\":0,"
		      "\"hosts\":[]}",
		 "per_prefix is not 1-254"},
		{HEAD "\"space\":\"175.45.176.0/22\",\"per_prefix\":16,"
		      "\"hosts\":[\"175.45.176.9\", 7]}",
		 "hosts[1] is not an IPv4 address"},
		{HEAD "\"space\":\"175.45.176.0/22\",\"per_prefix\":16,"
		      "\"hosts\":\"175.45.176.9\"}",
		 "no hosts array"},
		{"{\"type\":\"nktrace-discovery\",\"version\":2,\"time\":5}",
		 "not version 1"},
		{"{\"type\":\"compare\"}", "its type is not"},
		{"[1,2]", "not a JSON object"},
		{HEAD "\"time\":6}", "not JSON (line 1: duplicate object key"},
		{"{\"type\":", "not JSON (line 1:"},
		/* the input jansson quotes, controls made harmless */
		{"{\"type\": 1\x1b" "[31m}", "near"},
		{"{\"type\": \"\x1b" "[31m\"}", "near"},
		{"{\"type\": tru\x9b" "31m}", "near"},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct nkt_discovery_cache c;
		struct nkt_err err = {0, ""};
		int r = parse(cases[i].text, &c, &err);
		CHECK_INT(r, NKT_EINVAL);
		if (strstr(err.msg, cases[i].why) == NULL) {
			nkt_test_fail(__FILE__, __LINE__, cases[i].why);
			fprintf(stderr, "     case %zu got: %s\n", i, err.msg);
		}
		CHECK(c.addr == NULL && c.n == 0);
		/* one printable line, whatever the file held */
		for (const char *m = err.msg; *m; m++)
			CHECK((unsigned char)*m >= 0x20 &&
			      (unsigned char)*m < 0x7f);
	}
#undef HEAD
}

static void test_usable(void)
{
	struct nkt_discovery_cache c = {SPACE, 22, 16, 1000000, NULL, 0};
	char why[128];
	const int64_t six_h = 6 * 3600;

	CHECK_INT(nkt_discovery_cache_usable(&c, SPACE, 22, 16, 1000000 + 60,
					     six_h, why, sizeof(why)),
		  1);
	/* a clock a little behind the writer's */
	CHECK_INT(nkt_discovery_cache_usable(&c, SPACE, 22, 16, 1000000 - 60,
					     six_h, why, sizeof(why)),
		  1);
	CHECK_INT(nkt_discovery_cache_usable(&c, SPACE, 22, 16,
					     1000000 + six_h, six_h, why,
					     sizeof(why)),
		  0);
	CHECK_STR(why, "it is 6.0 h old (--rediscover 6.0 h)");
	CHECK_INT(nkt_discovery_cache_usable(&c, SPACE, 22, 16, 1000000 - 3600,
					     six_h, why, sizeof(why)),
		  0);
	CHECK_STR(why, "its time is in the future");
	CHECK_INT(nkt_discovery_cache_usable(&c, SPACE, 23, 16, 1000000,
					     six_h, why, sizeof(why)),
		  0);
	CHECK_STR(why, "it is of 175.45.176.0/22, not of the space measured");
	CHECK_INT(nkt_discovery_cache_usable(&c, SPACE, 22, 8, 1000000, six_h,
					     why, sizeof(why)),
		  0);
	CHECK_STR(why, "it kept 16 hosts per /24, not 8");
}

int main(void)
{
	test_roundtrip();
	test_refused();
	test_usable();
	return nkt_test_done("discovery_cache");
}
