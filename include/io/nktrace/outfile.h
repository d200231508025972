/* SPDX-License-Identifier: ISC */
/*
 * outfile.h: output files that appear complete or not at all (shell).  A
 * regular file (or a name that does not exist yet) is written to an
 * unnamed file in the same directory (O_TMPFILE; a named temporary file,
 * its name from the kernel's random source, where the file system
 * cannot); commit flushes, fsyncs, names it and renames it over the final
 * name; abort (or a crash, or SIGKILL) leaves the final name untouched
 * and, with O_TMPFILE, nothing at all.  Anything else is written in place
 * and never replaced: a device (/dev/null, /dev/full: a write error is an
 * error), a FIFO, a socket, /dev/stdout and /dev/fd/N.  A symbolic link is
 * followed: its target is written as above, the link kept; a link in a
 * world-writable directory is followed only when it is ours or the
 * directory owner's (as the kernel's protected_symlinks), else refused.
 * Standard output ("-" or NULL) is written directly and flushed per
 * record, so a pipe streams.
 */
#ifndef NKTRACE_OUTFILE_H
#define NKTRACE_OUTFILE_H

#include "nktrace/common.h"

#include <stdio.h>

struct nkt_outfile {
	FILE *f;
	char *path; /* NULL for stdout */
	char *tmp;
	int unnamed; /* O_TMPFILE: no name until commit */
	int in_place; /* a device, FIFO or descriptor: written as it is */
};

/* Open for writing.  Returns 0, or NKT_ESYS naming the file. */
int nkt_outfile_open(struct nkt_outfile *o, const char *path,
		     struct nkt_err *err);

/* Flush what was written so far (a record boundary).  Returns 0 or
 * NKT_ESYS (e.g. the disk is full). */
int nkt_outfile_flush(struct nkt_outfile *o, struct nkt_err *err);

/* Set err to "writing PATH: <strerror(e)>" (e 0: EIO); returns
 * NKT_ESYS.  For a writer that failed with errno e. */
int nkt_outfile_error(const struct nkt_outfile *o, int e, struct nkt_err *err);

/* Finish: flush, fsync, rename into place.  On failure the temporary file
 * is removed and NKT_ESYS returned; the final name is never half written. */
int nkt_outfile_commit(struct nkt_outfile *o, struct nkt_err *err);

/* Give up: remove the temporary file. */
void nkt_outfile_abort(struct nkt_outfile *o);

#endif
