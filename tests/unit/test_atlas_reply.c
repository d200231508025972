// SPDX-License-Identifier: ISC
/*
 * test_atlas_reply.c: the RIPE Atlas API's answers judged and read: each
 * status as the client must take it (fatal, tried again, got), a 400's
 * detail made printable, bodies of the wrong shape; Retry-After's forms
 * in header lines that do not end in NUL; a create's ids (positive
 * integers only); a probes page and its "next"; an empty window; origins
 * (case, default ports, user info, foreign hosts).
 */
#include "nkt_test.h"
#include "nktrace/atlas_reply.h"

#include <string.h>

static enum nkt_atlas_outcome judge(long status, const char *body, int post,
				    int want_array, int key, char *why)
{
	return nkt_atlas_judge(status, body, body ? strlen(body) : 0, post,
			       want_array, key, why, 256);
}

static void test_judge(void)
{
	char why[256];

	CHECK_INT(judge(200, "[]", 0, 1, 0, why), NKT_ATLAS_GOT);
	CHECK_INT(judge(200, "{}", 0, 1, 0, why), NKT_ATLAS_RETRY);
	CHECK_STR(why, "the body is not a JSON array ()");
	CHECK_INT(judge(200, "[{\"a\":", 0, 1, 0, why), NKT_ATLAS_RETRY);
	CHECK(strncmp(why, "truncated or invalid body (", 27) == 0);
	/* arrays read an element at a time: the same judgements */
	CHECK_INT(judge(200, " [ {\"a\": 1}, [2], {} ]\n", 0, 1, 0, why),
		  NKT_ATLAS_GOT);
	/* results are objects: a bare number is no result */
	CHECK_INT(judge(200, "[{}, 3]", 0, 1, 0, why), NKT_ATLAS_RETRY);
	CHECK_INT(judge(200, "[{\"a\": 1}, {\"b\"", 0, 1, 0, why),
		  NKT_ATLAS_RETRY);
	CHECK_STR(why, "truncated or invalid body (no ']' at its end)");
	CHECK_INT(judge(200, "[{\"a\": 1}, {\"b\"]", 0, 1, 0, why),
		  NKT_ATLAS_RETRY);
	CHECK(strncmp(why, "truncated or invalid body (", 27) == 0);
	CHECK_INT(judge(200, "[{\"a\": [1]", 0, 1, 0, why), NKT_ATLAS_RETRY);
	CHECK_INT(judge(200, "[1] [2]", 0, 1, 0, why), NKT_ATLAS_RETRY);
	CHECK_INT(judge(200, "[", 0, 1, 0, why), NKT_ATLAS_RETRY);
	CHECK_INT(judge(200, NULL, 0, 0, 0, why), NKT_ATLAS_RETRY);
	CHECK_INT(judge(201, "{\"measurements\":[1]}", 1, 0, 1, why),
		  NKT_ATLAS_GOT);
	CHECK_INT(judge(201, "{}", 0, 0, 1, why), NKT_ATLAS_FATAL);
	CHECK_STR(why, "HTTP 201");
	CHECK_INT(judge(401, "", 0, 1, 0, why), NKT_ATLAS_FATAL);
	CHECK_STR(why, "HTTP 401: the API key is refused (none given)");
	CHECK_INT(judge(403, "", 0, 1, 1, why), NKT_ATLAS_FATAL);
	CHECK_STR(why, "HTTP 403: the API key is refused");
	CHECK_INT(judge(404, "", 0, 1, 1, why), NKT_ATLAS_FATAL);
	CHECK_INT(judge(429, "", 1, 0, 1, why), NKT_ATLAS_RETRY);
	CHECK_STR(why, "HTTP 429 (too many requests)");
	CHECK_INT(judge(503, "", 0, 1, 1, why), NKT_ATLAS_RETRY);
	CHECK_INT(judge(302, "", 0, 1, 1, why), NKT_ATLAS_FATAL);
	CHECK_STR(why, "HTTP 302");
	/* a 400 to a POST says the API's detail, fit for a terminal */
	CHECK_INT(judge(400, "{\"error\":{\"detail\":\"bad\\u001b[31m\\n\"}}", 1,
			0, 1, why),
		  NKT_ATLAS_FATAL);
	CHECK_STR(why, "HTTP 400: bad?[31m?");
	CHECK_INT(judge(400, "<html>", 1, 0, 1, why), NKT_ATLAS_FATAL);
	CHECK_STR(why, "HTTP 400: the request was refused");
	CHECK_INT(judge(400, "", 0, 1, 1, why), NKT_ATLAS_FATAL);
	CHECK_STR(why, "HTTP 400");
}

static void test_retry_after(void)
{
	/* the digits run on past the line's length: not read */
	static const char cut[] = "Retry-After: 12345";
	CHECK_INT(nkt_atlas_retry_after("Retry-After: 30\r\n", 17), 30);
	CHECK_INT(nkt_atlas_retry_after("retry-after:\t7", 14), 7);
	CHECK_INT(nkt_atlas_retry_after(cut, 15), 12);
	CHECK_INT(nkt_atlas_retry_after("Retry-After: Wed, 21 Oct 2026 "
					"07:28:00 GMT\r\n",
					45),
		  0);
	CHECK_INT(nkt_atlas_retry_after("Retry-After: 0\r\n", 16), 0);
	CHECK_INT(nkt_atlas_retry_after("Retry-After: 99999999999\r\n", 26),
		  0);
	CHECK_INT(nkt_atlas_retry_after("Content-Length: 30\r\n", 20), 0);
	CHECK_INT(nkt_atlas_retry_after("Retry-After:", 12), 0);
}

static void test_created_ids(void)
{
	struct nkt_err err = {0, ""};
	json_t *ids = NULL;
	const char *ok = "{\"measurements\": [1001, 1002]}";

	CHECK_INT(nkt_atlas_created_ids(ok, strlen(ok), &ids, &err), NKT_OK);
	CHECK_INT(json_array_size(ids), 2);
	json_decref(ids);
	CHECK_INT(nkt_atlas_created_ids("{\"measurements\": [1, 0]}", 24,
					&ids, &err),
		  NKT_ESYS);
	CHECK(ids == NULL);
	CHECK(strstr(err.msg, "not a positive integer") != NULL);
	CHECK_INT(nkt_atlas_created_ids("{\"measurements\": [\"7\"]}", 23,
					&ids, &err),
		  NKT_ESYS);
	CHECK_INT(nkt_atlas_created_ids("{\"measurements\": []}", 20, &ids,
					&err),
		  NKT_ESYS);
	CHECK_STR(err.msg, "the API answered without measurement ids");
	CHECK_INT(nkt_atlas_created_ids("not json", 8, &ids, &err), NKT_ESYS);
	CHECK_INT(nkt_atlas_created_ids(NULL, 0, &ids, &err), NKT_ESYS);
}

static void test_probe_page(void)
{
	const char *page =
		"{\"next\": \"https://atlas.ripe.net/api/v2/probes/?page=2\", "
		"\"results\": [{\"id\": 6001, \"country_code\": \"DE\", "
		"\"asn_v4\": 3320}, {\"id\": \"x\"}, {\"id\": 6002, "
		"\"country_code\": \"Deutschland\"}, {\"id\": 6003}]}";
	struct nkt_atlas_probe p[4];
	char next[128];
	size_t n = 0;

	nkt_atlas_probe_page(page, strlen(page), p, &n, 2, next,
			     sizeof(next));
	CHECK_INT(n, 2); /* the entry without an integer id left out; max */
	CHECK_INT(p[0].id, 6001);
	CHECK_STR(p[0].country, "DE");
	CHECK_INT(p[0].asn, 3320);
	CHECK_INT(p[1].id, 6002);
	CHECK_STR(p[1].country, "");
	CHECK_STR(next, "https://atlas.ripe.net/api/v2/probes/?page=2");
	n = 0;
	nkt_atlas_probe_page("{\"next\": 5}", 11, p, &n, 4, next,
			     sizeof(next));
	CHECK_INT(n, 0);
	CHECK_STR(next, "");
	nkt_atlas_probe_page(page, strlen(page), p, &n, 4, next, 10);
	CHECK_STR(next, "https://a"); /* cut to the buffer */
}

static void test_empty_and_origin(void)
{
	char o[320];

	CHECK(nkt_atlas_empty_array("[]", 2));
	CHECK(nkt_atlas_empty_array(" [ \n\t] ", 7));
	CHECK(!nkt_atlas_empty_array("[{}]", 4));
	CHECK(!nkt_atlas_empty_array("", 0));
	CHECK(!nkt_atlas_empty_array("[", 1));
	CHECK(nkt_atlas_same_origin("https://Atlas.RIPE.net/api/v2/x",
				    "https://atlas.ripe.net:443"));
	CHECK(nkt_atlas_same_origin("https://user:pw@atlas.ripe.net/x",
				    "https://atlas.ripe.net"));
	CHECK(!nkt_atlas_same_origin("http://atlas.ripe.net/x",
				     "https://atlas.ripe.net"));
	CHECK(!nkt_atlas_same_origin("https://atlas.ripe.net.evil.example/",
				     "https://atlas.ripe.net"));
	CHECK(!nkt_atlas_same_origin("https://evil.example/@atlas.ripe.net",
				     "https://atlas.ripe.net"));
	CHECK(!nkt_atlas_same_origin("http://127.0.0.1:8080/",
				     "http://127.0.0.1/"));
	CHECK(!nkt_atlas_same_origin("ftp://atlas.ripe.net/",
				     "ftp://atlas.ripe.net/"));
	CHECK(!nkt_atlas_same_origin("/api/v2/probes", "/api/v2/probes"));
	CHECK_INT(nkt_atlas_origin("HTTP://Example.ORG/a?b", o, sizeof(o)), 0);
	CHECK_STR(o, "http://example.org:80");
}

int main(void)
{
	test_judge();
	test_retry_after();
	test_created_ids();
	test_probe_page();
	test_empty_and_origin();
	return nkt_test_done("test_atlas_reply");
}
