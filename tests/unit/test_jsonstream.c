// SPDX-License-Identifier: ISC
/*
 * test_jsonstream.c: records one at a time from a JSON array and from a
 * stream of records (JSON Lines, pretty-printed objects), with the line,
 * byte offset and index of each; a record that does not parse, stray
 * text, a record cut short by the next one or by the end of the input,
 * and an unclosed array each reported once with where, and reading going
 * on after them; braces and newlines inside strings.
 */
#include "nkt_test.h"
#include "nktrace/jsonstream.h"

#include <stdlib.h>
#include <string.h>

/* What reading all of `text` gives: for each call, 'R' (a record; its
 * "n" member appended as a digit) or 'E' (an error), and the positions. */
struct got {
	char what[64];
	char n[64];
	uint64_t line[64], offset[64], index[64];
	char msg[64][128];
	size_t k;
};

static uint64_t n_fast; /* records the last read_all parsed in place */

static void read_one_way(const char *text, size_t len, int slow_only,
			 struct got *g)
{
	FILE *f = fmemopen((void *)(uintptr_t)text, len, "r");
	struct nkt_jstream s;
	struct nkt_jpos pos;
	json_t *rec;
	int rc;

	memset(g, 0, sizeof(*g));
	nkt_jstream_init(&s, f);
	s.slow_only = slow_only;
	while (g->k < 63) {
		struct nkt_err err = {0, ""};
		rc = nkt_jstream_next(&s, &rec, &pos, &err);
		if (rc == 0)
			break;
		g->line[g->k] = pos.line;
		g->offset[g->k] = pos.offset;
		g->index[g->k] = pos.index;
		if (rc == 1) {
			json_t *n = json_object_get(rec, "n");
			g->what[g->k] = 'R';
			g->n[g->k] = json_is_integer(n)
					     ? (char)('0' + json_integer_value(n))
					     : '?';
			json_decref(rec);
		} else {
			g->what[g->k] = 'E';
			g->n[g->k] = '-';
			snprintf(g->msg[g->k], sizeof(g->msg[0]), "%s",
				 err.msg);
		}
		g->k++;
	}
	n_fast = s.n_fast;
	nkt_jstream_free(&s);
	fclose(f);
}

/* Both ways: records parsed where they lie in the read-ahead, and
 * character by character; the two must give the same records, positions
 * and errors. */
static void read_len(const char *text, size_t len, struct got *g)
{
	struct got slow;
	read_one_way(text, len, 1, &slow);
	read_one_way(text, len, 0, g);
	CHECK(memcmp(&slow, g, sizeof(slow)) == 0);
}

static void read_all(const char *text, struct got *g)
{
	read_len(text, strlen(text), g);
}

static void test_array(void)
{
	struct got g;
	read_all("[{\"n\":1},\n {\"n\":2} ,{\"n\":3}]\n", &g);
	CHECK_STR(g.what, "RRR");
	CHECK_STR(g.n, "123");
	CHECK_U64(g.line[1], 2);
	CHECK_U64(g.offset[1], 11);
	CHECK_U64(g.index[2], 2);
	read_all("[]", &g);
	CHECK_INT(g.k, 0);
	/* Not closed: every record, then the error. */
	read_all("[{\"n\":1},{\"n\":2}", &g);
	CHECK_STR(g.what, "RRE");
	CHECK_STR(g.msg[2], "the array is not closed (input cut short?)");
	/* A missing comma: the rest of that line is lost, reading goes on
	 * on the next line. */
	read_all("[{\"n\":1}\n{\"n\":2},\n{\"n\":3}]", &g);
	CHECK_STR(g.what, "RER");
	CHECK(strncmp(g.msg[1], "expected ',' or ']'", 19) == 0);
	CHECK_STR(g.n, "1-3");
	/* A comma before the end (not JSON): the records, then the error. */
	read_all("[{\"n\":1}, {\"n\":2},\n]", &g);
	CHECK_STR(g.what, "RRE");
	CHECK_STR(g.msg[2], "a ',' before the array's ']'");
	/* \v is no JSON white space: the line lost, the array not closed */
	read_all("[{\"n\":1},\v{\"n\":2}]", &g);
	CHECK_STR(g.what, "REE");
	read_all("[{\"n\":1}] trailing", &g);
	CHECK_STR(g.what, "RE");
	CHECK_STR(g.msg[1], "text after the end of the array");
}

static void test_records(void)
{
	struct got g;
	/* JSON Lines, and a pretty-printed record among them. */
	read_all("{\"n\":1}\n{\"n\":2}\n{\n  \"n\": 3,\n  \"s\": \"}{\"\n}\n"
		 "  {\"n\":4}",
		 &g);
	CHECK_STR(g.what, "RRRR");
	CHECK_STR(g.n, "1234");
	CHECK_U64(g.line[2], 3);
	CHECK_U64(g.line[3], 7);
	CHECK_U64(g.offset[1], 8);
	/* Strings hold braces and escaped quotes. */
	read_all("{\"n\":5,\"s\":\"a\\\"}\\\\\"}\n", &g);
	CHECK_STR(g.what, "R");
	CHECK_STR(g.n, "5");
	/* Stray text: one error, then the next record. */
	read_all("hello\n{\"n\":1}\n", &g);
	CHECK_STR(g.what, "ER");
	CHECK_STR(g.msg[0], "not JSON: unexpected 'h'");
	CHECK_U64(g.index[1], 1);
	/* A record cut short by the next one at the start of a line. */
	read_all("{\"n\":1,\"a\":[1,2\n{\"n\":2}\n", &g);
	CHECK_STR(g.what, "ER");
	CHECK(strstr(g.msg[0], "a new record starts on the next line") !=
	      NULL);
	CHECK_STR(g.n, "-2");
	CHECK_U64(g.line[1], 2);
	/* ... and by the end of the input. */
	read_all("{\"n\":1}\n{\"n\":2,", &g);
	CHECK_STR(g.what, "RE");
	CHECK(strstr(g.msg[1], "at the end of the input") != NULL);
	/* A raw newline inside a string ends a streamed record. */
	read_all("{\"n\":1,\"s\":\"ab\ncd\"}\n{\"n\":2}\n", &g);
	CHECK_STR(g.what[0] == 'E' ? "E" : "?", "E");
	CHECK(g.what[g.k - 1] == 'R' && g.n[g.k - 1] == '2');
	/* Bad JSON inside balanced brackets: where it is. */
	read_all("{\"n\":1}\n\n{\"n\": tru}\n{\"n\":3}\n", &g);
	CHECK_STR(g.what, "RER");
	CHECK(strncmp(g.msg[1], "bad JSON at line 3", 18) == 0);
	CHECK_U64(g.index[2], 2);
	read_all("", &g);
	CHECK_INT(g.k, 0);
	read_all("  \n\t\n", &g);
	CHECK_INT(g.k, 0);
}

/* Records larger than the read-ahead, one cut by it, and a pretty-printed
 * record with an object at the start of a line inside it (cut short, as
 * a stream of records reads it); most records are parsed in place. */
static void test_read_ahead(void)
{
	size_t big = 300000, i, o = 0;
	char *text = malloc(3 * big + 256);
	struct got g;

	CHECK(text != NULL);
	if (text == NULL)
		return;
	/* 70 KB of a record at the 64 KB read-ahead's end, then a 300 KB
	 * one, then a small one */
	o += (size_t)sprintf(text + o, "{\"n\":1,\"s\":\"");
	for (i = 0; i < 70000; i++)
		text[o++] = 'a';
	o += (size_t)sprintf(text + o, "\"}\n{\"n\":2,\"a\":[");
	for (i = 0; i < big / 2; i++)
		o += (size_t)sprintf(text + o, "%s1", i ? "," : "");
	o += (size_t)sprintf(text + o, "]}\n{\"n\":3}\n");
	read_len(text, o, &g);
	CHECK_STR(g.what, "RRR");
	CHECK_STR(g.n, "123");
	CHECK_U64(g.line[2], 3);
	CHECK_U64(n_fast, 3);
	/* cut by the end of the input after 70 KB: the slow path says so */
	read_len(text, 60000, &g);
	CHECK_STR(g.what, "E");
	CHECK(strstr(g.msg[0], "at the end of the input") != NULL);
	free(text);
	read_all("{\"n\":1,\"o\":\n{\"a\":1}}\n{\"n\":2}\n", &g);
	/* the cut record; {"a":1} as one (no n); a stray '}'; n 2 */
	CHECK_STR(g.what, "ERER");
	CHECK_STR(g.n, "-?-2");
	CHECK_U64(n_fast, 2);
	read_all("[{\"n\":1},\n{\"n\":2,\"o\":\n{\"a\":1}}]", &g);
	CHECK_STR(g.what, "RR");
	CHECK_U64(n_fast, 2);
	/* a NUL byte after a number: jansson's position leaves it out (it
	 * would end this record at its ']'), so the record is read the slow
	 * way (fuzz_jsonstream found it) */
	{
		static const char nul[] = "{\"n\":1,\"c\":0\0,\"a\":[1]}\n"
					  "{\"n\":2}\n";
		read_len(nul, sizeof(nul) - 1, &g);
		CHECK_INT(g.what[g.k - 1], 'R');
		CHECK_INT(g.n[g.k - 1], '2');
		CHECK_U64(n_fast, 1);
	}
}

int main(void)
{
	test_array();
	test_records();
	test_read_ahead();
	return nkt_test_done("test_jsonstream");
}
