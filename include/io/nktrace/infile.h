/* SPDX-License-Identifier: ISC */
/*
 * infile.h: input files and standard input as a stdio stream (shell),
 * the one input layer of every reader (traces, Atlas results, MRT dumps).
 * gzip, bzip2 and xz (by their magic bytes, whatever the name; several
 * streams one after another read as one, as their tools do) are
 * decompressed as they are read, in bounded memory; a binary scamper
 * warts file is refused with a message that says what to do instead of a
 * page of parse errors.
 */
#ifndef NKTRACE_INFILE_H
#define NKTRACE_INFILE_H

#include "nktrace/common.h"

#include <stdio.h>

struct nkt_infile {
	FILE *f;  /* read records from this */
	void *gz; /* the reader behind f (its decoder, its error) */
};

/* Open `path` ("-": standard input) into *in.  Returns 0, or NKT_ESYS
 * with err set ("FILE: No such file or directory").  A format nktrace
 * cannot read (warts) or a damaged stream is a read error of the stream,
 * whose reason nkt_infile_error gives ("xz: unexpected end of file", "a
 * binary scamper warts file: convert it with sc_warts2json ..."): the
 * format is found on the first read, so that a pipe is checked like a
 * file. */
int nkt_infile_open(struct nkt_infile *in, const char *path,
		    struct nkt_err *err);

/* Why reading failed, when the reader knows better than errno ("gzip:
 * unexpected end of file", "bzip2: compressed data is corrupt", a format
 * refused); NULL otherwise. */
const char *nkt_infile_error(const struct nkt_infile *in);

/* Close (standard input itself stays open: its reader has a copy).
 * Returns 0, or NKT_ESYS with err set when the stream had a read error. */
int nkt_infile_close(struct nkt_infile *in, struct nkt_err *err);

#endif
