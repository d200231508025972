/* SPDX-License-Identifier: ISC */
/*
 * nkt_test.h: the unit tests' assertions.  Each failure prints both sides
 * (buffers as a hexdump diff) with file and line, and the test goes on; the
 * binary exits 1 if any check failed.
 */
#ifndef NKT_TEST_H
#define NKT_TEST_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int nkt_test_checks, nkt_test_failed;

static inline void nkt_test_fail(const char *file, int line, const char *what)
{
	nkt_test_failed++;
	fprintf(stderr, "%s:%d: FAIL %s\n", file, line, what);
}

#define CHECK(cond)                                                            \
	do {                                                                   \
		nkt_test_checks++;                                             \
		if (!(cond))                                                   \
			nkt_test_fail(__FILE__, __LINE__, #cond);              \
	} while (0)

#define CHECK_INT(got, want)                                                   \
	do {                                                                   \
		long long g_ = (long long)(got), w_ = (long long)(want);       \
		nkt_test_checks++;                                             \
		if (g_ != w_) {                                                \
			nkt_test_fail(__FILE__, __LINE__, #got " == " #want);  \
			fprintf(stderr, "     expected: %lld\n     got:      " \
					"%lld\n",                              \
				w_, g_);                                       \
		}                                                              \
	} while (0)

#define CHECK_U64(got, want)                                                   \
	do {                                                                   \
		uint64_t g_ = (uint64_t)(got), w_ = (uint64_t)(want);          \
		nkt_test_checks++;                                             \
		if (g_ != w_) {                                                \
			nkt_test_fail(__FILE__, __LINE__, #got " == " #want);  \
			fprintf(stderr,                                        \
				"     expected: %" PRIu64                      \
				"\n     got:      %" PRIu64 "\n",              \
				w_, g_);                                       \
		}                                                              \
	} while (0)

#define CHECK_NEAR(got, want, tol)                                             \
	do {                                                                   \
		double g_ = (double)(got), w_ = (double)(want);                \
		nkt_test_checks++;                                             \
		if (!(g_ - w_ <= (tol) && w_ - g_ <= (tol))) {                 \
			nkt_test_fail(__FILE__, __LINE__,                      \
				      #got " ~= " #want);                      \
			fprintf(stderr,                                        \
				"     expected: %.9g (+-%g)\n     got:      "  \
				"%.9g\n",                                      \
				w_, (double)(tol), g_);                        \
		}                                                              \
	} while (0)

#define CHECK_STR(got, want)                                                   \
	do {                                                                   \
		const char *g_ = (got), *w_ = (want);                          \
		nkt_test_checks++;                                             \
		if (g_ == NULL || w_ == NULL ? g_ != w_ : strcmp(g_, w_) != 0) \
		{                                                              \
			nkt_test_fail(__FILE__, __LINE__, #got " == " #want);  \
			fprintf(stderr,                                        \
				"     expected: %s\n     got:      %s\n",      \
				w_ ? w_ : "(null)", g_ ? g_ : "(null)");       \
		}                                                              \
	} while (0)

static inline void nkt_test_hexdiff(const uint8_t *got, size_t got_len,
				    const uint8_t *want, size_t want_len)
{
	size_t n = got_len > want_len ? got_len : want_len, i, j;

	fprintf(stderr, "     length: expected %zu, got %zu\n", want_len,
		got_len);
	for (i = 0; i < n; i += 16) {
		int differs = 0;
		for (j = i; j < i + 16 && j < n; j++)
			if (j >= got_len || j >= want_len || got[j] != want[j])
				differs = 1;
		if (!differs)
			continue;
		fprintf(stderr, "     %04zx want:", i);
		for (j = i; j < i + 16 && j < n; j++)
			if (j < want_len)
				fprintf(stderr, " %02x", want[j]);
			else
				fprintf(stderr, " --");
		fprintf(stderr, "\n     %04zx got: ", i);
		for (j = i; j < i + 16 && j < n; j++)
			if (j >= got_len)
				fprintf(stderr, " --");
			else if (j < want_len && got[j] == want[j])
				fprintf(stderr, " %02x", got[j]);
			else
				fprintf(stderr, "[%02x", got[j]),
					fprintf(stderr, "]");
		fprintf(stderr, "\n");
	}
}

#define CHECK_BYTES(got, got_len, want, want_len)                              \
	do {                                                                   \
		size_t gl_ = (got_len), wl_ = (want_len);                      \
		nkt_test_checks++;                                             \
		if (gl_ != wl_ || memcmp((got), (want), gl_) != 0) {           \
			nkt_test_fail(__FILE__, __LINE__,                      \
				      #got " bytes == " #want);                \
			nkt_test_hexdiff((const uint8_t *)(got), gl_,          \
					 (const uint8_t *)(want), wl_);        \
		}                                                              \
	} while (0)

static inline int nkt_test_done(const char *name)
{
	printf("%s: %d checks, %d failed\n", name, nkt_test_checks,
	       nkt_test_failed);
	return nkt_test_failed ? 1 : 0;
}

/* Directory of test fixtures, set by meson. */
#ifndef NKT_TEST_DATA
#define NKT_TEST_DATA "tests/data"
#endif

#endif
