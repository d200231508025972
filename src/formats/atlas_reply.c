// SPDX-License-Identifier: ISC
/* atlas_reply.c: the RIPE Atlas API's answers judged and read (see
 * atlas_reply.h).  Pure. */
#include "nktrace/atlas_reply.h"
#include "nktrace/jsonstream.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void nkt_atlas_printable(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

static int blank(char c)
{
	return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

/* Whether body[0..len), which starts with '[' (after blanks), is one JSON
 * array whose elements all parse, read an element at a time (memory
 * bounded by the largest element, not by the body: a window of results
 * may be hundreds of MB); why gets the reason otherwise. */
static int array_parses(const char *body, size_t len, char *why,
			size_t why_len)
{
	struct nkt_jstream js;
	struct nkt_jpos pos;
	struct nkt_err err = {0, ""};
	json_t *rec;
	FILE *f;
	int rc;

	while (len > 0 && blank(body[len - 1]))
		len--;
	if (body[len - 1] != ']') {
		snprintf(why, why_len,
			 "truncated or invalid body (no ']' at its end)");
		return 0;
	}
	if ((f = fmemopen((void *)(uintptr_t)body, len, "r")) == NULL) {
		snprintf(why, why_len, "cannot read the body");
		return 0;
	}
	nkt_jstream_init(&js, f);
	while ((rc = nkt_jstream_next(&js, &rec, &pos, &err)) == 1)
		json_decref(rec);
	nkt_jstream_free(&js);
	fclose(f);
	if (rc != 0) {
		snprintf(why, why_len, "truncated or invalid body (%s)",
			 err.msg);
		nkt_atlas_printable(why);
		return 0;
	}
	return 1;
}

enum nkt_atlas_outcome nkt_atlas_judge(long status, const char *body,
				       size_t len, int post, int want_array,
				       int have_key, char *why,
				       size_t why_len)
{
	json_error_t je;
	json_t *j;

	if (body == NULL) {
		body = "";
		len = 0;
	}
	if (status == 401 || status == 403) {
		snprintf(why, why_len, "HTTP %ld: the API key is refused%s",
			 status, have_key ? "" : " (none given)");
		return NKT_ATLAS_FATAL;
	}
	if (status == 404) {
		snprintf(why, why_len, "HTTP 404: no such measurement");
		return NKT_ATLAS_FATAL;
	}
	if (status == 400 && post) {
		/* the API says what it refused: {"error": {"detail": ...}} */
		json_t *d;
		j = json_loadb(body, len, 0, &je);
		d = json_object_get(json_object_get(j, "error"), "detail");
		snprintf(why, why_len, "HTTP 400: %.200s",
			 json_is_string(d) ? json_string_value(d)
					   : "the request was refused");
		nkt_atlas_printable(why);
		json_decref(j);
		return NKT_ATLAS_FATAL;
	}
	if (status == 429 || status >= 500) {
		snprintf(why, why_len, "HTTP %ld%s", status,
			 status == 429 ? " (too many requests)" : "");
		return NKT_ATLAS_RETRY;
	}
	if (status != 200 && !(post && status == 201)) {
		snprintf(why, why_len, "HTTP %ld", status);
		return NKT_ATLAS_FATAL;
	}
	if (want_array) {
		size_t i = 0;
		while (i < len && blank(body[i]))
			i++;
		if (i < len && body[i] == '[') {
			if (!array_parses(body, len, why, why_len))
				return NKT_ATLAS_RETRY;
			why[0] = '\0';
			return NKT_ATLAS_GOT;
		}
	}
	j = json_loadb(body, len, 0, &je);
	if (want_array ? !json_is_array(j) : !json_is_object(j)) {
		snprintf(why, why_len, "%s (%s)",
			 j == NULL     ? "truncated or invalid body"
			 : want_array ? "the body is not a JSON array"
				      : "the body is not a JSON object",
			 j == NULL ? je.text : "");
		nkt_atlas_printable(why);
		json_decref(j);
		return NKT_ATLAS_RETRY;
	}
	json_decref(j);
	why[0] = '\0';
	return NKT_ATLAS_GOT;
}

long nkt_atlas_retry_after(const char *line, size_t len)
{
	char num[24];
	size_t i = 12, k = 0;
	long v;

	if (len <= 12 || strncasecmp(line, "Retry-After:", 12) != 0)
		return 0;
	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	while (i < len && k + 1 < sizeof(num) &&
	       isdigit((unsigned char)line[i]))
		num[k++] = line[i++];
	num[k] = '\0';
	if (k == 0 || k > 9)
		return 0; /* a date, or nothing sensible */
	v = strtol(num, NULL, 10);
	return v > 0 ? v : 0;
}

int nkt_atlas_created_ids(const char *body, size_t len, json_t **ids,
			  struct nkt_err *err)
{
	json_t *j = json_loadb(body ? body : "", body ? len : 0, 0, NULL);
	size_t i;

	*ids = json_incref(json_object_get(j, "measurements"));
	json_decref(j);
	if (!json_is_array(*ids) || json_array_size(*ids) == 0) {
		json_decref(*ids);
		*ids = NULL;
		return nkt_err_set(err, NKT_ESYS,
				   "the API answered without measurement ids");
	}
	/* ids the follow command and the file will carry: each a positive
	 * integer, as the API's are */
	for (i = 0; i < json_array_size(*ids); i++)
		if (!json_is_integer(json_array_get(*ids, i)) ||
		    json_integer_value(json_array_get(*ids, i)) <= 0) {
			json_decref(*ids);
			*ids = NULL;
			return nkt_err_set(err, NKT_ESYS,
					   "the API answered with a "
					   "measurement id that is not a "
					   "positive integer");
		}
	return NKT_OK;
}

void nkt_atlas_probe_page(const char *body, size_t len,
			  struct nkt_atlas_probe *out, size_t *n, size_t max,
			  char *next, size_t next_len)
{
	json_t *j = json_loadb(body ? body : "", body ? len : 0, 0, NULL), *r;
	const char *nx = json_string_value(json_object_get(j, "next"));
	size_t k;

	json_array_foreach(json_object_get(j, "results"), k, r)
	{
		const char *cc =
			json_string_value(json_object_get(r, "country_code"));
		if (*n == max || !json_is_integer(json_object_get(r, "id")))
			continue;
		memset(&out[*n], 0, sizeof(out[*n]));
		out[*n].id = json_integer_value(json_object_get(r, "id"));
		snprintf(out[*n].country, sizeof(out[*n].country), "%s",
			 cc && strlen(cc) == 2 ? cc : "");
		out[*n].asn = json_integer_value(json_object_get(r, "asn_v4"));
		(*n)++;
	}
	snprintf(next, next_len, "%s", nx ? nx : "");
	json_decref(j);
}

int nkt_atlas_empty_array(const char *body, size_t len)
{
	size_t i;
	int open = 0;
	for (i = 0; i < len; i++) {
		if (blank(body[i]))
			continue;
		if (!open && body[i] == '[')
			open = 1;
		else
			return open && body[i] == ']';
	}
	return 0;
}

int nkt_atlas_origin(const char *url, char *buf, size_t len)
{
	const char *p = strstr(url, "://"), *h, *end;
	char scheme[8];
	size_t n, i, o;
	int port = 0;

	if (p == NULL || (size_t)(p - url) >= sizeof(scheme))
		return -1;
	for (i = 0; url + i < p; i++)
		scheme[i] = (char)tolower((unsigned char)url[i]);
	scheme[i] = '\0';
	if (strcmp(scheme, "http") && strcmp(scheme, "https"))
		return -1;
	h = p + 3;
	if (strchr(h, '@') != NULL &&
	    strchr(h, '@') < h + strcspn(h, "/?#"))
		h = strchr(h, '@') + 1; /* userinfo: not part of the origin */
	end = h + strcspn(h, "/?#");
	n = (size_t)(end - h);
	if (n == 0)
		return -1;
	o = (size_t)snprintf(buf, len, "%s://", scheme);
	for (i = 0; i < n && o + 1 < len; i++) {
		if (h[i] == ':') {
			port = atoi(h + i + 1);
			break;
		}
		buf[o++] = (char)tolower((unsigned char)h[i]);
	}
	if (port == 0)
		port = strcmp(scheme, "https") == 0 ? 443 : 80;
	if (o + 8 >= len)
		return -1;
	snprintf(buf + o, len - o, ":%d", port);
	return 0;
}

int nkt_atlas_same_origin(const char *a, const char *b)
{
	char oa[320], ob[320];
	return nkt_atlas_origin(a, oa, sizeof(oa)) == 0 &&
	       nkt_atlas_origin(b, ob, sizeof(ob)) == 0 && strcmp(oa, ob) == 0;
}
