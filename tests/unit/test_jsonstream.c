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

static void read_all(const char *text, struct got *g)
{
	FILE *f = fmemopen((void *)(uintptr_t)text, strlen(text), "r");
	struct nkt_jstream s;
	struct nkt_jpos pos;
	json_t *rec;
	int rc;

	memset(g, 0, sizeof(*g));
	nkt_jstream_init(&s, f);
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
	nkt_jstream_free(&s);
	fclose(f);
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

int main(void)
{
	test_array();
	test_records();
	return nkt_test_done("test_jsonstream");
}
