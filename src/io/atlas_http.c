// SPDX-License-Identifier: ISC
/* atlas_http.c: RIPE Atlas results over HTTP with libcurl (atlas_http.h). */
#include "nktrace/atlas_http.h"
#include "nktrace/clock.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A response body, grown as it comes. */
struct body {
	char *p;
	size_t len, cap;
	size_t limit;
	int over;       /* the limit was reached */
};

static size_t on_data(char *data, size_t size, size_t n, void *ctx)
{
	struct body *b = ctx;
	size_t add = size * n;
	if (b->len + add + 1 > b->limit) {
		b->over = 1;
		return 0; /* too large: curl fails the transfer */
	}
	if (b->len + add + 1 > b->cap) {
		/* doubled, but never past the limit: a body near it does
		 * not hold twice its size */
		b->cap = (b->len + add + 1) * 2;
		if (b->cap > b->limit)
			b->cap = b->limit;
		b->p = nkt_xrealloc(b->p, b->cap);
	}
	memcpy(b->p + b->len, data, add);
	b->len += add;
	b->p[b->len] = '\0';
	return add;
}

/* Retry-After in seconds (the delta form); left as it is otherwise. */
static size_t on_header(char *data, size_t size, size_t n, void *ctx)
{
	long *retry_after = ctx;
	size_t len = size * n;
	long v = nkt_atlas_retry_after(data, len);
	if (v > 0)
		*retry_after = v;
	return len;
}

void nkt_atlas_client_init(struct nkt_atlas_client *c, const char *base)
{
	memset(c, 0, sizeof(*c));
	c->base = base;
	c->connect_timeout_s = 10;
	c->timeout_s = 120;
	c->tries = 5;
	c->backoff_ms = 1000;
	c->max_wait_s = 60;
	c->body_max = (size_t)1 << 30;
}

enum outcome { GOT, RETRY, FATAL, TOO_LARGE };

/* One request.  On RETRY, *wait_s may carry the server's Retry-After. */
static enum outcome request(const struct nkt_atlas_client *c, const char *url,
			    const char *post, int want_array, struct body *b,
			    long *wait_s, char *why, size_t why_len)
{
	struct curl_slist *hdr = NULL;
	char auth[300], cerr[CURL_ERROR_SIZE] = "";
	long status = 0;
	CURL *h = curl_easy_init();
	CURLcode rc;

	if (h == NULL) {
		snprintf(why, why_len, "cannot start an HTTP client");
		return FATAL;
	}
	b->len = 0;
	b->over = 0;
	if (b->p)
		b->p[0] = '\0';
	*wait_s = 0;
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, b);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, wait_s);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, c->connect_timeout_s);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, c->timeout_s);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, cerr);
	curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, ""); /* gzip, deflate */
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_USERAGENT, "nktrace/" NKT_VERSION);
	/* The key goes to the origin of --atlas-url only (a page's "next"
	 * may name any host). */
	if (c->key != NULL && *c->key && nkt_atlas_same_origin(url, c->base)) {
		snprintf(auth, sizeof(auth), "Authorization: Key %s", c->key);
		hdr = curl_slist_append(hdr, auth);
	}
	if (post != NULL) {
		hdr = curl_slist_append(hdr, "Content-Type: application/json");
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, post);
	}
	if (hdr != NULL)
		curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
	rc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(h);
	curl_slist_free_all(hdr);
	if (rc == CURLE_WRITE_ERROR && b->over) {
		snprintf(why, why_len, "a body larger than %zu bytes",
			 b->limit - 1);
		return TOO_LARGE;
	}
	if (rc != CURLE_OK) {
		/* timeouts, refused or reset connections, a body cut short
		 * (CURLE_PARTIAL_FILE): all may pass */
		snprintf(why, why_len, "%s",
			 rc == CURLE_PARTIAL_FILE ? "truncated body"
			 : cerr[0]		  ? cerr
						  : curl_easy_strerror(rc));
		nkt_atlas_printable(why);
		return rc == CURLE_WRITE_ERROR || rc == CURLE_URL_MALFORMAT ||
				       rc == CURLE_UNSUPPORTED_PROTOCOL
			       ? FATAL
			       : RETRY;
	}
	switch (nkt_atlas_judge(status, b->p, b->len, post != NULL, want_array,
				c->key != NULL, why, why_len)) {
	case NKT_ATLAS_GOT:
		return GOT;
	case NKT_ATLAS_RETRY:
		return RETRY;
	default:
		return FATAL;
	}
}

/* A request tried until it succeeds, fails for good, or runs out of
 * tries; `what` names it in messages ("measurement 5004"). */
static int with_retries(const struct nkt_atlas_client *c, const char *url,
			const char *post, int want_array, const char *what,
			char **body, size_t *len, int *sig, struct nkt_err *err)
{
	struct body b = {NULL, 0, 0, c->body_max + 1, 0};
	char why[256] = "";
	unsigned attempt;
	uint64_t wait_ms = c->backoff_ms;
	sigset_t none;

	*body = NULL;
	*len = 0;
	*sig = 0;
	for (attempt = 1;; attempt++) {
		long retry_after = 0;
		enum outcome o = request(c, url, post, want_array, &b,
					 &retry_after, why, sizeof(why));
		uint64_t w;
		/* A POST that failed after it was sent may have created the
		 * measurements: only a 429 (refused before any work) is
		 * tried again. */
		if (o == RETRY && post != NULL && strncmp(why, "HTTP 429", 8)) {
			free(b.p);
			return nkt_err_set(err, NKT_ESYS,
					   "%s: %s (not tried again: the "
					   "measurements may exist; see your "
					   "Atlas account)",
					   what, why);
		}
		if (o == GOT) {
			*body = b.p ? b.p : nkt_xstrdup("[]");
			*len = b.p ? b.len : 2;
			return NKT_OK;
		}
		if (o == TOO_LARGE) {
			free(b.p);
			return nkt_err_set(err, NKT_EFULL, "%s: %s", what,
					   why);
		}
		if (o == FATAL || attempt >= c->tries) {
			free(b.p);
			if (o == FATAL)
				return nkt_err_set(err, NKT_EINVAL, "%s: %s",
						   what, why);
			return nkt_err_set(err, NKT_ESYS,
					   "%s: %s after %u tries", what, why,
					   attempt);
		}
		w = retry_after > 0 ? (uint64_t)retry_after * 1000 : wait_ms;
		if (w > (uint64_t)c->max_wait_s * 1000)
			w = (uint64_t)c->max_wait_s * 1000;
		if (!c->quiet)
			fprintf(stderr,
				"nktrace: atlas %s: %s; try %u of %u in %.1f "
				"s\n",
				what, why, attempt + 1, c->tries,
				(double)w / 1000);
		sigemptyset(&none);
		if ((*sig = nkt_clock_sleep_until(
			     CLOCK_MONOTONIC,
			     nkt_clock_mono_ns() + w * NKT_NS_PER_MS,
			     c->halt ? c->halt : &none)) != 0) {
			free(b.p);
			return nkt_err_set(err, NKT_ESYS,
					   "%s: stopped by signal %d", what,
					   *sig);
		}
		wait_ms *= 2;
	}
}

int nkt_atlas_results(const struct nkt_atlas_client *c, int64_t msm,
		      int64_t start, int64_t stop, char **body, size_t *len,
		      int *sig, struct nkt_err *err)
{
	char url[512], what[48];
	snprintf(url, sizeof(url),
		 "%s/api/v2/measurements/%lld/results/?start=%lld&stop=%lld"
		 "&format=json",
		 c->base, (long long)msm, (long long)start, (long long)stop);
	snprintf(what, sizeof(what), "measurement %lld", (long long)msm);
	return with_retries(c, url, NULL, 1, what, body, len, sig, err);
}

int nkt_atlas_get_object(const struct nkt_atlas_client *c, const char *url,
			 char **body, size_t *len, int *sig,
			 struct nkt_err *err)
{
	*body = NULL;
	*len = 0;
	*sig = 0;
	if (!nkt_atlas_same_origin(url, c->base)) {
		char o[320] = "?";
		nkt_atlas_origin(url, o, sizeof(o));
		nkt_atlas_printable(o);
		return nkt_err_set(err, NKT_EINVAL,
				   "a page on another origin (%.200s) than "
				   "--atlas-url: not followed",
				   o);
	}
	return with_retries(c, url, NULL, 0, "probes", body, len, sig, err);
}

int nkt_atlas_create(const struct nkt_atlas_client *c, const char *request,
		     char **body, size_t *len, int *sig, struct nkt_err *err)
{
	char url[512];
	snprintf(url, sizeof(url), "%s/api/v2/measurements/", c->base);
	return with_retries(c, url, request, 0, "creating measurements", body,
			    len, sig, err);
}
