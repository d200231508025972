/* SPDX-License-Identifier: ISC */
/*
 * common.h: status codes, the caller-owned error record, allocation that
 * aborts in one place, and bounded parsers for numbers that come from users.
 * Nothing here touches sockets, clocks or global state.
 */
#ifndef NKTRACE_COMMON_H
#define NKTRACE_COMMON_H

#include <stddef.h>
#include <stdint.h>

/* Return codes of fallible functions: 0 or one of these (negative). */
enum nkt_status {
	NKT_OK = 0,
	NKT_EIGNORE = -1,    /* input is well formed but not ours */
	NKT_EMALFORMED = -2, /* input is malformed */
	NKT_EINVAL = -3,     /* bad argument or configuration (usage) */
	NKT_ESYS = -4,       /* the operating system refused (errno in msg) */
	NKT_EPRIV = -5,      /* missing privilege */
	NKT_ENOTFOUND = -6,  /* a file, database or record is absent */
	NKT_EFULL = -7,      /* a bounded table or queue is full */
};

/* Process exit codes, documented in --help and README. */
enum nkt_exit {
	NKT_EXIT_OK = 0,
	NKT_EXIT_FAIL = 1,  /* runtime failure */
	NKT_EXIT_USAGE = 2, /* usage or configuration error */
};

/* Details of a failure, owned by the caller; code is an enum nkt_status. */
struct nkt_err {
	int code;
	char msg[256];
};

/*
 * Record a failure in *err (which may be NULL) and return code, so callers
 * can write `return nkt_err_set(err, NKT_EINVAL, "bad %s", s);`.
 */
int nkt_err_set(struct nkt_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Map a status code to the process exit code main() should use. */
int nkt_status_exit(int code);

/* Allocation: these never return NULL; out of memory aborts here. */
void *nkt_xmalloc(size_t n);
void *nkt_xcalloc(size_t nmemb, size_t size);
void *nkt_xrealloc(void *p, size_t n);
void *nkt_xreallocarray(void *p, size_t nmemb, size_t size);
char *nkt_xstrdup(const char *s);

/* qsort's comparator of uint32_t values (addresses in host order):
 * ascending. */
int nkt_cmp_u32(const void *a, const void *b);

/* Text from someone else made fit to print and to put in JSON: at most
 * len - 1 bytes of `in` (NULL: ""), a whole UTF-8 sequence or none; a
 * control character becomes a space (a run of them one space, and no
 * space at the end, when `squeeze`), a byte that is not well-formed
 * UTF-8 '?'.  Returns out. */
char *nkt_text_clean(const char *in, char *out, size_t len, int squeeze);

/*
 * Parse a whole decimal string into *out within [min, max] (OpenBSD
 * strtonum contract).  Returns 0, or NKT_EINVAL with a message naming `what`.
 */
int nkt_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out,
		  const char *what, struct nkt_err *err);

/* Parse a finite decimal number within [min, max]; same contract. */
int nkt_parse_double(const char *s, double min, double max, double *out,
		     const char *what, struct nkt_err *err);

/*
 * Parse a duration such as "250ms", "1.5s", "15m", "2h", "90d" (a bare
 * number means `default_unit_ns` units) into nanoseconds, within
 * [min_ns, max_ns].  Returns 0 or NKT_EINVAL.
 */
int nkt_parse_duration_ns(const char *s, uint64_t default_unit_ns,
			  uint64_t min_ns, uint64_t max_ns, uint64_t *out_ns,
			  const char *what, struct nkt_err *err);

/* ns as ms rounded to the microsecond: how every JSON writer prints an
 * RTT, so one RTT reads the same wherever it appears. */
double nkt_ns_to_ms(uint64_t ns);

#define NKT_NS_PER_US 1000ULL
#define NKT_NS_PER_MS 1000000ULL
#define NKT_NS_PER_S 1000000000ULL

#define NKT_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#endif
