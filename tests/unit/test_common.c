// SPDX-License-Identifier: ISC
/* test_common.c: bounded parsers; invalid rows outnumber valid ones. */
#include "nkt_test.h"
#include "nktrace/common.h"

static void test_u64(void)
{
	static const struct {
		const char *in;
		uint64_t min, max;
		int rc;
		uint64_t want;
	} rows[] = {
		{"0", 0, 10, NKT_OK, 0},
		{"10", 0, 10, NKT_OK, 10},
		{"18446744073709551615", 0, UINT64_MAX, NKT_OK, UINT64_MAX},
		{"11", 0, 10, NKT_EINVAL, 0},
		{"", 0, 10, NKT_EINVAL, 0},
		{"-1", 0, 10, NKT_EINVAL, 0},
		{"+1", 0, 10, NKT_EINVAL, 0},
		{" 1", 0, 10, NKT_EINVAL, 0},
		{"1 ", 0, 10, NKT_EINVAL, 0},
		{"1x", 0, 10, NKT_EINVAL, 0},
		{"0x10", 0, 100, NKT_EINVAL, 0},
		{"18446744073709551616", 0, UINT64_MAX, NKT_EINVAL, 0},
		{"3", 5, 10, NKT_EINVAL, 0},
		{"1e3", 0, 10000, NKT_EINVAL, 0},
	};
	size_t i;
	for (i = 0; i < NKT_ARRAY_LEN(rows); i++) {
		struct nkt_err err = {0, ""};
		uint64_t v = 12345;
		int rc = nkt_parse_u64(rows[i].in, rows[i].min, rows[i].max,
				       &v, "-q", &err);
		CHECK_INT(rc, rows[i].rc);
		if (rc == NKT_OK)
			CHECK_U64(v, rows[i].want);
		else {
			CHECK_U64(v, 12345);
			CHECK(strncmp(err.msg, "-q: ", 4) == 0);
		}
	}
	CHECK_INT(nkt_parse_u64(NULL, 0, 1, &(uint64_t){0}, "x", NULL),
		  NKT_EINVAL);
}

static void test_double(void)
{
	static const struct {
		const char *in;
		int rc;
		double want;
	} rows[] = {
		{"0.5", NKT_OK, 0.5},  {"1", NKT_OK, 1},
		{"1e-3", NKT_OK, 1e-3}, {"nan", NKT_EINVAL, 0},
		{"inf", NKT_EINVAL, 0}, {"2", NKT_EINVAL, 0},
		{"-0.1", NKT_EINVAL, 0}, {"", NKT_EINVAL, 0},
		{" 1", NKT_EINVAL, 0},  {"0.5x", NKT_EINVAL, 0},
		{"1e999", NKT_EINVAL, 0},
	};
	size_t i;
	for (i = 0; i < NKT_ARRAY_LEN(rows); i++) {
		double v = -7;
		int rc = nkt_parse_double(rows[i].in, 0, 1, &v, "p", NULL);
		CHECK_INT(rc, rows[i].rc);
		if (rc == NKT_OK)
			CHECK_NEAR(v, rows[i].want, 1e-12);
	}
}

static void test_duration(void)
{
	static const struct {
		const char *in;
		int rc;
		uint64_t want;
	} rows[] = {
		{"250ms", NKT_OK, 250 * NKT_NS_PER_MS},
		{"1.5s", NKT_OK, 1500 * NKT_NS_PER_MS},
		{"2", NKT_OK, 2 * NKT_NS_PER_S},
		{"15m", NKT_OK, 900 * NKT_NS_PER_S},
		{"2h", NKT_OK, 7200 * NKT_NS_PER_S},
		{"90d", NKT_EINVAL, 0}, /* above max below */
		{"1d", NKT_OK, 86400 * NKT_NS_PER_S},
		{"10us", NKT_EINVAL, 0}, /* below min */
		{"", NKT_EINVAL, 0},
		{"ms", NKT_EINVAL, 0},
		{"-1s", NKT_EINVAL, 0},
		{"1 s", NKT_EINVAL, 0},
		{"1sec", NKT_EINVAL, 0},
		{"1.2.3s", NKT_EINVAL, 0},
		{"nan", NKT_EINVAL, 0},
		{"1e400s", NKT_EINVAL, 0},
	};
	size_t i;
	for (i = 0; i < NKT_ARRAY_LEN(rows); i++) {
		uint64_t v = 0;
		int rc = nkt_parse_duration_ns(rows[i].in, NKT_NS_PER_S,
					       NKT_NS_PER_MS,
					       2 * 86400 * NKT_NS_PER_S, &v,
					       "-w", NULL);
		CHECK_INT(rc, rows[i].rc);
		if (rc == NKT_OK)
			CHECK_U64(v, rows[i].want);
	}
}

static void test_err(void)
{
	struct nkt_err err;
	CHECK_INT(nkt_err_set(&err, NKT_ESYS, "x %d", 3), NKT_ESYS);
	CHECK_STR(err.msg, "x 3");
	CHECK_INT(nkt_err_set(NULL, NKT_EINVAL, "y"), NKT_EINVAL);
	CHECK_INT(nkt_status_exit(NKT_OK), 0);
	CHECK_INT(nkt_status_exit(NKT_EINVAL), 2);
	CHECK_INT(nkt_status_exit(NKT_EPRIV), 2);
	CHECK_INT(nkt_status_exit(NKT_ESYS), 1);
}

int main(void)
{
	test_u64();
	test_double();
	test_duration();
	test_err();
	return nkt_test_done("test_common");
}
