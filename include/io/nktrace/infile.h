/* SPDX-License-Identifier: ISC */
/*
 * infile.h: input files and standard input as a stdio stream (shell).
 * gzip (by its magic bytes, whatever the name) is decompressed as it is
 * read; binary scamper warts, bzip2 and xz are refused with a message
 * that says what to do instead of a page of parse errors.
 */
#ifndef NKTRACE_INFILE_H
#define NKTRACE_INFILE_H

#include "nktrace/common.h"

#include <stdio.h>

struct nkt_infile {
	FILE *f;  /* read records from this */
	void *gz; /* the gzip reader behind f, NULL for a plain file */
};

/* Open `path` ("-": standard input) into *in.  Returns 0, or NKT_ESYS
 * with err set ("FILE: No such file or directory").  A format nktrace
 * cannot read (warts, bzip2, xz) is a read error of the stream, whose
 * reason nkt_infile_error gives ("a binary scamper warts file: convert it
 * with sc_warts2json ..."): found on the first read, so that a pipe is
 * checked like a file. */
int nkt_infile_open(struct nkt_infile *in, const char *path,
		    struct nkt_err *err);

/* Why reading failed, when the reader knows better than errno ("gzip:
 * unexpected end of file", a format refused); NULL otherwise. */
const char *nkt_infile_error(const struct nkt_infile *in);

/* Close (standard input itself stays open: its reader has a copy).
 * Returns 0, or NKT_ESYS with err set when the stream had a read error. */
int nkt_infile_close(struct nkt_infile *in, struct nkt_err *err);

#endif
