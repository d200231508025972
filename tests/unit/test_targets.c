// SPDX-License-Identifier: ISC
/* test_targets.c: addresses, prefixes and target files; invalid rows
 * outnumber valid ones. */
#include "nkt_test.h"
#include "nktrace/targets.h"

static void test_args(void)
{
	static const struct {
		const char *arg;
		int rc;
		size_t n;      /* addresses added */
		uint32_t first;
		const char *msg; /* start of the message on error */
	} rows[] = {
		{"175.45.176.71", NKT_OK, 1, 0xaf2db047u, NULL},
		{"175.45.176.0/22", NKT_OK, 1024, 0xaf2db000u, NULL},
		{"175.45.177.0/24", NKT_OK, 256, 0xaf2db100u, NULL},
		{"175.45.177.10/32", NKT_OK, 1, 0xaf2db10au, NULL},
		{"10.0.0.0/31", NKT_OK, 2, 0x0a000000u, NULL},
		{"175.45.176.1/24", NKT_EINVAL, 0, 0, "'175.45.176.1/24' has host"},
		{"175.45.176.0/33", NKT_EINVAL, 0, 0, "'175.45.176.0/33': prefix"},
		{"175.45.176.0/", NKT_EINVAL, 0, 0, "'175.45.176.0/': prefix"},
		{"175.45.176.0/-1", NKT_EINVAL, 0, 0, "'175.45.176.0/-1'"},
		{"175.45.176.0/x", NKT_EINVAL, 0, 0, "'175.45.176.0/x'"},
		{"/24", NKT_EINVAL, 0, 0, "'/24' is not"},
		{"2.0.0.0/7", NKT_EINVAL, 0, 0, "2.0.0.0/7 expands to"},
		{"1.0.0.0/7", NKT_EINVAL, 0, 0, "'1.0.0.0/7' has host bits set (did you mean 0.0.0.0/7?)"},
		{"0.0.0.0/0", NKT_EINVAL, 0, 0, "0.0.0.0/0 expands to"},
		{"127.0.0.1", NKT_EINVAL, 0, 0, "127.0.0.1 is not a unicast"},
		{"224.0.0.1", NKT_EINVAL, 0, 0, "224.0.0.1 is not a unicast"},
		{"255.255.255.255", NKT_EINVAL, 0, 0, "255.255.255.255 is not"},
		{"0.1.2.3", NKT_EINVAL, 0, 0, "0.1.2.3 is not"},
		{"127.0.0.0/24", NKT_EINVAL, 0, 0, "127.0.0.0/24 holds"},
		{"kcna.kp", NKT_EINVAL, 0, 0, "'kcna.kp' is not an IPv4"},
		{"300.1.1.1", NKT_EINVAL, 0, 0, "'300.1.1.1' is not"},
		{"", NKT_EINVAL, 0, 0, "'' is not"},
		{"1.2.3.4/24/8", NKT_EINVAL, 0, 0, "'1.2.3.4/24/8'"},
	};
	size_t i;

	for (i = 0; i < NKT_ARRAY_LEN(rows); i++) {
		struct nkt_targets t = {0};
		struct nkt_err err = {0, ""};
		int rc = nkt_targets_add_arg(&t, rows[i].arg, &err);
		CHECK_INT(rc, rows[i].rc);
		CHECK_INT(t.n, rows[i].n);
		if (rc == NKT_OK && t.n > 0)
			CHECK_U64(t.addr[0], rows[i].first);
		if (rows[i].msg != NULL && strncmp(err.msg, rows[i].msg,
						   strlen(rows[i].msg)) != 0) {
			fprintf(stderr, "row %zu message: %s\n", i, err.msg);
			CHECK(0);
		}
		nkt_targets_free(&t);
	}
}

static void test_text(void)
{
	const char good[] = "# NK targets\n175.45.176.71\n\n  175.45.177.10  "
			    "# web\r\n175.45.178.0/30\n175.45.176.71\n";
	const char bad[] = "175.45.176.71\n175.45.176.999\n";
	const char nul[] = "175.45.176.71\n1.2\0003.4\n";
	struct nkt_targets t = {0};
	struct nkt_err err = {0, ""};

	CHECK_INT(nkt_targets_add_text(&t, good, sizeof(good) - 1, "t.txt",
				       &err),
		  NKT_OK);
	CHECK_INT(t.n, 7);
	nkt_targets_dedup(&t);
	CHECK_INT(t.n, 6);
	CHECK_U64(t.addr[0], 0xaf2db047u);
	CHECK_U64(t.addr[1], 0xaf2db10au);
	CHECK_U64(t.addr[5], 0xaf2db203u);
	nkt_targets_free(&t);

	CHECK_INT(nkt_targets_add_text(&t, bad, sizeof(bad) - 1, "t.txt", &err),
		  NKT_EINVAL);
	CHECK(strncmp(err.msg, "t.txt:2: '175.45.176.999'", 24) == 0);
	CHECK_INT(t.n, 1);
	nkt_targets_free(&t);
	CHECK_INT(nkt_targets_add_text(&t, nul, sizeof(nul) - 1, "n", &err),
		  NKT_EINVAL);
	CHECK_STR(err.msg, "n:2: binary data");
	nkt_targets_free(&t);
	CHECK_INT(nkt_targets_add_text(&t, "", 0, "e", &err), NKT_OK);
	CHECK_INT(t.n, 0);
}

static void test_prefix(void)
{
	uint32_t net;
	uint8_t len;
	CHECK_INT(nkt_prefix_parse("175.45.176.0/22", &net, &len, NULL),
		  NKT_OK);
	CHECK_U64(net, 0xaf2db000u);
	CHECK_INT(len, 22);
	CHECK_INT(nkt_prefix_parse("0.0.0.0/0", &net, &len, NULL), NKT_OK);
	CHECK_INT(nkt_prefix_parse("175.45.176.0", &net, &len, NULL),
		  NKT_EINVAL);
	CHECK_INT(nkt_prefix_parse("175.45.176.0/022x", &net, &len, NULL),
		  NKT_EINVAL);
}

int main(void)
{
	test_args();
	test_text();
	test_prefix();
	return nkt_test_done("test_targets");
}
