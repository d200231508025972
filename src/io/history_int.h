/* SPDX-License-Identifier: ISC */
/*
 * history_int.h: what the history's files share (private to src/io):
 * history.c opens, creates and migrates the database; history_store.c
 * writes a cycle; history_query.c reads.
 */
#ifndef NKTRACE_HISTORY_INT_H
#define NKTRACE_HISTORY_INT_H

#include "nktrace/history.h"

#include <sqlite3.h>
#include <sys/types.h>

struct nkt_history {
	sqlite3 *db;
	sqlite3_stmt *has_key; /* nkt_history_has_key's, prepared once */
	int writer;            /* holds the writers' lock (history.c) */
	dev_t dev;
	ino_t ino;
};

/* "history: WHAT: sqlite's message" in err; returns NKT_ESYS. */
int nkt__hist_fail(struct nkt_history *h, struct nkt_err *err,
		   const char *what);

/* Run SQL without results; 0 or NKT_ESYS (err may be NULL). */
int nkt__hist_exec(struct nkt_history *h, const char *sql,
		   struct nkt_err *err);

/* Bind a number (NAN: NULL) or a text ("" or NULL: NULL). */
void nkt__hist_bind_real(sqlite3_stmt *st, int i, double v);
void nkt__hist_bind_text(sqlite3_stmt *st, int i, const char *s);

/* Read a number (NULL: NAN) or a text ("" for NULL) into buf. */
double nkt__hist_col_real(sqlite3_stmt *st, int i);
void nkt__hist_col_text(sqlite3_stmt *st, int i, char *buf, size_t len);

#endif
