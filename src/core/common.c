// SPDX-License-Identifier: ISC
/*
 * common.c: error records, aborting allocation and bounded number parsers.
 * Pure: no I/O except the one message printed before aborting on OOM.
 */
#include "nktrace/common.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int nkt_err_set(struct nkt_err *err, int code, const char *fmt, ...)
{
	if (err != NULL) {
		va_list ap;
		err->code = code;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return code;
}

int nkt_status_exit(int code)
{
	switch (code) {
	case NKT_OK:
		return NKT_EXIT_OK;
	case NKT_EINVAL:
	case NKT_EPRIV:
		return NKT_EXIT_USAGE;
	default:
		return NKT_EXIT_FAIL;
	}
}

static void oom(size_t n)
{
	fprintf(stderr, "nktrace: out of memory allocating %zu bytes\n", n);
	abort();
}

void *nkt_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (p == NULL)
		oom(n);
	return p;
}

void *nkt_xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);
	if (p == NULL)
		oom(nmemb * size);
	return p;
}

void *nkt_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (q == NULL)
		oom(n);
	return q;
}

void *nkt_xreallocarray(void *p, size_t nmemb, size_t size)
{
	if (size != 0 && nmemb > SIZE_MAX / size)
		oom(SIZE_MAX);
	return nkt_xrealloc(p, nmemb * size);
}

int nkt_cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

char *nkt_xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = nkt_xmalloc(n);
	memcpy(d, s, n);
	return d;
}

int nkt_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out,
		  const char *what, struct nkt_err *err)
{
	char *end;
	unsigned long long v;

	if (s == NULL || *s == '\0' || !isdigit((unsigned char)*s))
		return nkt_err_set(err, NKT_EINVAL,
				   "%s: '%s' is not a non-negative integer",
				   what, s ? s : "");
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end != '\0')
		return nkt_err_set(err, NKT_EINVAL,
				   "%s: '%s' is not a non-negative integer",
				   what, s);
	if (errno == ERANGE || v < min || v > max)
		return nkt_err_set(err, NKT_EINVAL,
				   "%s: %s is out of range [%llu, %llu]", what,
				   s, (unsigned long long)min,
				   (unsigned long long)max);
	*out = v;
	return NKT_OK;
}

int nkt_parse_double(const char *s, double min, double max, double *out,
		     const char *what, struct nkt_err *err)
{
	char *end;
	double v;

	if (s == NULL || *s == '\0' || isspace((unsigned char)*s))
		return nkt_err_set(err, NKT_EINVAL, "%s: '%s' is not a number",
				   what, s ? s : "");
	errno = 0;
	v = strtod(s, &end);
	if (*end != '\0' || errno == ERANGE || !isfinite(v))
		return nkt_err_set(err, NKT_EINVAL, "%s: '%s' is not a number",
				   what, s);
	if (v < min || v > max)
		return nkt_err_set(err, NKT_EINVAL,
				   "%s: %s is out of range [%g, %g]", what, s,
				   min, max);
	*out = v;
	return NKT_OK;
}

/* "0s", "1ms", "60s", "30d": the largest unit that divides ns. */
static char *fmt_duration(uint64_t ns, char *buf, size_t len)
{
	static const struct {
		const char *name;
		uint64_t ns;
	} units[] = {{"d", 86400 * NKT_NS_PER_S}, {"h", 3600 * NKT_NS_PER_S},
		     {"m", 60 * NKT_NS_PER_S},    {"s", NKT_NS_PER_S},
		     {"ms", NKT_NS_PER_MS},       {"us", NKT_NS_PER_US}};
	size_t i;
	if (ns == 0) {
		snprintf(buf, len, "0s");
		return buf;
	}
	for (i = 0; i < NKT_ARRAY_LEN(units); i++)
		if (ns % units[i].ns == 0) {
			snprintf(buf, len, "%llu%s",
				 (unsigned long long)(ns / units[i].ns),
				 units[i].name);
			return buf;
		}
	snprintf(buf, len, "%lluns", (unsigned long long)ns);
	return buf;
}

int nkt_parse_duration_ns(const char *s, uint64_t default_unit_ns,
			  uint64_t min_ns, uint64_t max_ns, uint64_t *out_ns,
			  const char *what, struct nkt_err *err)
{
	static const struct {
		const char *suffix;
		uint64_t ns;
	} units[] = {
		{"ns", 1},
		{"us", NKT_NS_PER_US},
		{"ms", NKT_NS_PER_MS},
		{"s", NKT_NS_PER_S},
		{"m", 60 * NKT_NS_PER_S},
		{"h", 3600 * NKT_NS_PER_S},
		{"d", 86400 * NKT_NS_PER_S},
	};
	char *end;
	double v, ns;
	uint64_t unit = default_unit_ns;

	if (s == NULL || !(isdigit((unsigned char)*s) || *s == '.'))
		goto bad;
	errno = 0;
	v = strtod(s, &end);
	if (errno == ERANGE || !isfinite(v) || v < 0 || end == s)
		goto bad;
	if (*end != '\0') {
		size_t i;
		for (i = 0; i < NKT_ARRAY_LEN(units); i++)
			if (strcmp(end, units[i].suffix) == 0)
				break;
		if (i == NKT_ARRAY_LEN(units))
			goto bad;
		unit = units[i].ns;
	}
	ns = v * (double)unit;
	if (ns < (double)min_ns || ns > (double)max_ns) {
		char lo[32], hi[32];
		return nkt_err_set(err, NKT_EINVAL,
				   "%s: %s is out of range [%s, %s]", what, s,
				   fmt_duration(min_ns, lo, sizeof(lo)),
				   fmt_duration(max_ns, hi, sizeof(hi)));
	}
	*out_ns = (uint64_t)llround(ns);
	return NKT_OK;
bad:
	return nkt_err_set(err, NKT_EINVAL,
			   "%s: '%s' is not a duration (e.g. 500ms, 2s, 15m)",
			   what, s ? s : "");
}

double nkt_ns_to_ms(uint64_t ns)
{
	return round((double)ns / 1e3) / 1e3;
}

char *nkt_text_clean(const char *in, char *out, size_t len, int squeeze)
{
	const unsigned char *u = (const unsigned char *)in;
	size_t o = 0, i = 0, n, k;

	if (len == 0)
		return out;
	while (u != NULL && u[i] != '\0' && o + 1 < len) {
		if (u[i] < 0x20 || u[i] == 0x7f) {
			if (!squeeze || (o > 0 && out[o - 1] != ' '))
				out[o++] = ' ';
			i++;
			continue;
		}
		n = u[i] < 0x80		  ? 1
		    : (u[i] & 0xe0) == 0xc0 ? 2
		    : (u[i] & 0xf0) == 0xe0 ? 3
		    : (u[i] & 0xf8) == 0xf0 ? 4
					    : 0;
		for (k = 1; n > 1 && k < n; k++)
			if ((u[i + k] & 0xc0) != 0x80)
				n = 0; /* a NUL stops it too */
		if (n == 0) {
			out[o++] = '?';
			i++;
			continue;
		}
		if (o + n >= len)
			break;
		memcpy(out + o, u + i, n);
		o += n;
		i += n;
	}
	while (squeeze && o > 0 && out[o - 1] == ' ')
		o--;
	out[o] = '\0';
	return out;
}
