// SPDX-License-Identifier: ISC
/*
 * test_targetdb.c: data/targets.json read (the built-in file and a small
 * one): the space, the /24s with their dated upstreams, the known hosts'
 * names; compare's default targets: every known host, then a fixed,
 * spread sample of each /24 that is never its network or broadcast
 * address nor a known host; and the errors that name the file.
 */
#include "nkt_test.h"
#include "nktrace/inet.h"
#include "nktrace/targetdb.h"
#include "nktrace/targets.h"

#include <stdio.h>
#include <stdlib.h>

static const char small[] =
	"{\"space\":\"10.9.0.0/22\",\"asn\":64500,\"sample_per_prefix\":4,"
	"\"prefixes\":["
	"{\"prefix\":\"10.9.0.0/24\",\"history\":["
	"{\"from\":\"2010-01-01\",\"transits\":[\"A\"],\"source\":\"x\"},"
	"{\"from\":\"2020-01-01\",\"transits\":[\"A\",\"B\"],\"source\":\"y\"}"
	"]},"
	"{\"prefix\":\"10.9.1.0/24\"},"
	"{\"prefix\":\"10.9.2.0/30\"}],"
	"\"hosts\":[{\"addr\":\"10.9.0.7\",\"name\":\"www.example.kp\","
	"\"what\":\"web\"},{\"addr\":\"10.9.1.9\"}]}";

static uint32_t ip(const char *s)
{
	uint32_t a = 0;
	nkt_inet_parse(s, &a);
	return a;
}

static void test_small(void)
{
	struct nkt_targetdb *db = nkt_xcalloc(1, sizeof(*db));
	struct nkt_targets t, u;
	struct nkt_err err = {0, ""};
	const struct nkt_tdb_prefix *p;
	size_t i, in0 = 0, in1 = 0, in2 = 0, quarters[4] = {0};

	CHECK_INT(nkt_targetdb_parse(small, strlen(small), "small", db, &err),
		  0);
	CHECK(db->space_net == ip("10.9.0.0") && db->space_len == 22);
	CHECK_INT(db->asn, 64500);
	CHECK_INT(db->sample_per_prefix, 4);
	CHECK_INT(db->n_prefix, 3);
	CHECK_INT(db->n_host, 2);
	CHECK_STR(nkt_targetdb_name(db, ip("10.9.0.7")), "www.example.kp");
	CHECK(nkt_targetdb_name(db, ip("10.9.1.9")) == NULL); /* no name */
	CHECK(nkt_targetdb_name(db, ip("10.9.0.8")) == NULL);
	p = nkt_targetdb_prefix_of(db, ip("10.9.0.200"));
	CHECK(p != NULL && p->net == ip("10.9.0.0"));
	CHECK(nkt_targetdb_prefix_of(db, ip("10.9.3.1")) == NULL);
	CHECK_STR(nkt_targetdb_latest(p)->from, "2020-01-01");
	CHECK_INT(nkt_targetdb_latest(p)->n_transits, 2);
	CHECK_STR(nkt_targetdb_latest(p)->transits[1], "B");
	CHECK(nkt_targetdb_latest(nkt_targetdb_prefix_of(
		      db, ip("10.9.1.1"))) == NULL);

	memset(&t, 0, sizeof(t));
	memset(&u, 0, sizeof(u));
	t.max = u.max = 1000;
	nkt_targetdb_defaults(db, 4, &t);
	nkt_targetdb_defaults(db, 4, &u);
	/* 2 known hosts + 4 + 4 + both hosts of the /30. */
	CHECK_INT(t.n, 12);
	CHECK_INT(u.n, t.n);
	CHECK(memcmp(t.addr, u.addr, t.n * sizeof(*t.addr)) == 0);
	for (i = 0; i < t.n; i++) {
		uint32_t a = t.addr[i], host = a & 0xff;
		if ((a & 0xffffff00u) == ip("10.9.0.0")) {
			in0++;
			quarters[host / 64]++;
		} else if ((a & 0xffffff00u) == ip("10.9.1.0"))
			in1++;
		else if ((a & 0xfffffffcu) == ip("10.9.2.0")) {
			in2++;
			CHECK(host == 1 || host == 2);
		}
		if ((a & 0xffffff00u) != ip("10.9.2.0"))
			CHECK(host != 0 && host != 255);
	}
	CHECK_INT(in0, 5); /* the known host and 4 more */
	CHECK_INT(in1, 5);
	CHECK_INT(in2, 2);
	/* spread over the /24, not its first addresses */
	CHECK(quarters[0] < 5 && quarters[3] + quarters[2] > 0);
	nkt_targets_free(&t);
	nkt_targets_free(&u);
	free(db);
}

static void test_builtin(void)
{
	struct nkt_targetdb *db = nkt_xcalloc(1, sizeof(*db));
	struct nkt_err err = {0, ""};
	char path[512], *buf;
	size_t len;
	FILE *f;

	snprintf(path, sizeof(path), "%s/targets.json", NKT_SOURCE_DATADIR);
	f = fopen(path, "r");
	CHECK(f != NULL);
	if (f == NULL)
		return;
	buf = nkt_xmalloc(1 << 20);
	len = fread(buf, 1, 1 << 20, f);
	fclose(f);
	CHECK_INT(nkt_targetdb_parse(buf, len, path, db, &err), 0);
	CHECK(db->space_net == ip("175.45.176.0") && db->space_len == 22);
	CHECK_INT(db->asn, 131279);
	CHECK_INT(db->n_prefix, 4);
	CHECK(nkt_targetdb_prefix_of(db, ip("175.45.178.161")) != NULL);
	CHECK(db->n_host >= 3);
	free(buf);
	free(db);
}

static void test_errors(void)
{
	static const struct {
		const char *text, *msg;
	} bad[] = {
		{"not json", "t.json:1: "},
		{"{\"prefixes\":[{\"prefix\":\"10.0.0.0/24\"}]}",
		 "t.json: bad \"space\" prefix"},
		{"{\"space\":\"10.0.0.0/22\",\"prefixes\":[]}",
		 "t.json: \"prefixes\" must list 1-16 prefixes"},
		{"{\"space\":\"10.0.0.0/22\",\"prefixes\":[{\"prefix\":\"x\"}]}",
		 "t.json: prefix 1 is not a prefix"},
		{"{\"space\":\"10.0.0.0/22\",\"prefixes\":[{\"prefix\":"
		 "\"10.0.0.0/24\"}],\"hosts\":[{\"name\":\"a\"}]}",
		 "t.json: host 1 has no IPv4 \"addr\""},
	};
	size_t i;
	for (i = 0; i < NKT_ARRAY_LEN(bad); i++) {
		struct nkt_targetdb *db = nkt_xcalloc(1, sizeof(*db));
		struct nkt_err err = {0, ""};
		CHECK_INT(nkt_targetdb_parse(bad[i].text, strlen(bad[i].text),
					     "t.json", db, &err),
			  NKT_EINVAL);
		CHECK(strncmp(err.msg, bad[i].msg, strlen(bad[i].msg)) == 0);
		free(db);
	}
}

int main(void)
{
	test_small();
	test_builtin();
	test_errors();
	return nkt_test_done("test_targetdb");
}
