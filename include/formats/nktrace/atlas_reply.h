/* SPDX-License-Identifier: ISC */
/*
 * atlas_reply.h: what the RIPE Atlas API answers, judged and read (pure:
 * no sockets; the HTTP client in src/io/atlas_http.c hands each answer
 * here).  Every function takes whatever a server sent: any status, any
 * bytes, any header line.
 */
#ifndef NKTRACE_ATLAS_REPLY_H
#define NKTRACE_ATLAS_REPLY_H

#include "nktrace/common.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* What to do with an answer. */
enum nkt_atlas_outcome {
	NKT_ATLAS_GOT,   /* the body is what was asked for */
	NKT_ATLAS_RETRY, /* may pass (429, 5xx, a body cut short) */
	NKT_ATLAS_FATAL  /* will not pass (401/403, 404, 400, others) */
};

/* An answer of HTTP `status` with `body` (len bytes, need not end in
 * NUL) to a GET (post 0: 200 wanted) or a POST (post 1: 200 or 201); the
 * body a JSON array (want_array) or object.  `have_key`: whether a key
 * was sent (said on 401/403).  why gets one printable line.  An array is
 * checked an element at a time: memory bounded by its largest element. */
enum nkt_atlas_outcome nkt_atlas_judge(long status, const char *body,
				       size_t len, int post, int want_array,
				       int have_key, char *why,
				       size_t why_len);

/* A response header line (len bytes, not NUL-terminated): its
 * Retry-After in seconds (the delta form), or 0 (another header, a date,
 * nothing sensible). */
long nkt_atlas_retry_after(const char *line, size_t len);

/* The measurement ids a create answered ({"measurements": [1, 2]}):
 * NKT_OK with *ids (a new reference to an array of positive integers,
 * at least one), or NKT_ESYS with err saying what was wrong. */
int nkt_atlas_created_ids(const char *body, size_t len, json_t **ids,
			  struct nkt_err *err);

/* One probe of the probes endpoint. */
struct nkt_atlas_probe {
	int64_t id;
	char country[4]; /* "DE"; "" unknown */
	int64_t asn;     /* asn_v4; 0 unknown */
};

/* One page of the probes endpoint ({"next": URL, "results": [...]}): its
 * probes appended to out (at most max in all; *n counts them; entries
 * without an integer id left out) and its "next" URL into next ("" when
 * none or not a string; cut to next_len). */
void nkt_atlas_probe_page(const char *body, size_t len,
			  struct nkt_atlas_probe *out, size_t *n, size_t max,
			  char *next, size_t next_len);

/* Whether a results body is an empty JSON array ("[]", white space
 * around and between): a window without results. */
int nkt_atlas_empty_array(const char *body, size_t len);

/* A server's text made fit for a terminal: control characters become
 * '?' (in place). */
void nkt_atlas_printable(char *s);

/* "scheme://host:port" of a URL into buf (scheme and host lower case,
 * the scheme's default port written out, user info left out); 0, or -1
 * when it is not an http(s) URL with a host. */
int nkt_atlas_origin(const char *url, char *buf, size_t len);

/* Whether two URLs have the same origin (scheme, host, port: the
 * scheme's default written out; user info not part of it); 0 when
 * either is not an http(s) URL with a host. */
int nkt_atlas_same_origin(const char *a, const char *b);

#endif
