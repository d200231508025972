/* SPDX-License-Identifier: ISC */
/*
 * atlas_http.h: the RIPE Atlas REST API over HTTP(S) with libcurl (shell):
 * a measurement's results in a time window.  Bounded in time (connect and
 * total timeouts), retried with backoff when the failure may pass (a
 * timeout, a refused or reset connection, HTTP 429 with its Retry-After,
 * HTTP 5xx, a body cut short or not JSON), never when it will not (HTTP
 * 401/403: the key is refused; 404: no such measurement; other 4xx).
 * Every retry is said in one line on standard error.
 */
#ifndef NKTRACE_ATLAS_HTTP_H
#define NKTRACE_ATLAS_HTTP_H

#include "nktrace/atlas_reply.h" /* nkt_atlas_same_origin */
#include "nktrace/common.h"

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

struct nkt_atlas_client {
	const char *base;      /* "https://atlas.ripe.net", no trailing / */
	const char *key;       /* API key, NULL for public measurements */
	long connect_timeout_s; /* 10 */
	long timeout_s;        /* a whole request, 120 */
	unsigned tries;        /* attempts per request, 5 */
	unsigned backoff_ms;   /* the first wait, doubled each time, 1000 */
	unsigned max_wait_s;   /* the longest wait (Retry-After too), 60 */
	const sigset_t *halt;  /* signals that end a wait (kept blocked) */
	int quiet;             /* no retry lines */
	size_t body_max;       /* a larger body is refused (1 GiB) */
};

/* Defaults above, for `base`. */
void nkt_atlas_client_init(struct nkt_atlas_client *c, const char *base);

/* GET {base}/api/v2/measurements/{msm}/results/?start=S&stop=E&format=json
 * into *body (NUL-terminated, caller frees; *len its length): a JSON
 * array, checked to parse.  Returns 0; NKT_EINVAL (the key is refused,
 * no such measurement, another 4xx: not retried); NKT_ESYS (still failing
 * after the tries: err names the last failure, e.g. "HTTP 503 after 5
 * tries", "truncated body"); NKT_EFULL when the body is larger than
 * c->body_max (not retried: ask for a shorter window); and when a halt
 * signal came during a wait, NKT_ESYS with *sig set (0 otherwise). */
int nkt_atlas_results(const struct nkt_atlas_client *c, int64_t msm,
		      int64_t start, int64_t stop, char **body, size_t *len,
		      int *sig, struct nkt_err *err);

/* GET a URL whose answer is a JSON object (a page of the probes
 * endpoint: {"next", "results"}); returns and retries as
 * nkt_atlas_results.  A URL on another origin than c->base is refused
 * (NKT_EINVAL, one line): a page's "next" may name any host, and the key
 * goes to --atlas-url's origin only. */
int nkt_atlas_get_object(const struct nkt_atlas_client *c, const char *url,
			 char **body, size_t *len, int *sig,
			 struct nkt_err *err);

/* POST {base}/api/v2/measurements/ with the JSON `request` (a key is
 * needed); *body gets the API's answer ({"measurements": [ids]}).
 * Returns as nkt_atlas_results; tried again only after HTTP 429 (any other
 * failure may have come after the measurements were made); HTTP 400 says
 * what the API refused ("HTTP 400: ..."). */
int nkt_atlas_create(const struct nkt_atlas_client *c, const char *request,
		     char **body, size_t *len, int *sig, struct nkt_err *err);

#endif
