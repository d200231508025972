/* SPDX-License-Identifier: ISC */
/*
 * mrtfile.h: an MRT file's records, one at a time (shell): read through
 * the input layer (infile.h: gzip, bzip2, xz, or plain; a file or
 * standard input), framed by the common header, in a buffer as large as
 * the largest record so far (never the file).  Offsets are of the
 * decompressed data, as `bgpdump` and a hex dump of the decompressed file
 * count them.
 */
#ifndef NKTRACE_MRTFILE_H
#define NKTRACE_MRTFILE_H

#include "nktrace/common.h"
#include "nktrace/infile.h"

#include <stddef.h>
#include <stdint.h>

struct nkt_mrt_file {
	struct nkt_infile in;
	char path[512];
	uint64_t offset; /* of the next record */
	uint8_t *buf;
	size_t cap;
};

/* Open `path` ("-": standard input).  Returns 0, or NKT_ESYS with err. */
int nkt_mrt_file_open(struct nkt_mrt_file *f, const char *path,
		      struct nkt_err *err);

/* The next record, header included: 1 with *rec (valid until the next
 * call), *len and *at (its offset); 0 at the end of the file; or, when the
 * file cannot go on (a header cut short, a length that runs past the end
 * of the file or is larger than any record, a damaged compressed stream,
 * a read error), NKT_EMALFORMED or NKT_ESYS with err "FILE:OFFSET: why".
 * The records before it were returned whole. */
int nkt_mrt_file_next(struct nkt_mrt_file *f, const uint8_t **rec,
		      size_t *len, uint64_t *at, struct nkt_err *err);

/* Close (a read error was nkt_mrt_file_next's to report). */
void nkt_mrt_file_close(struct nkt_mrt_file *f);

#endif
