/* SPDX-License-Identifier: ISC */
/*
 * datafile.h: files read whole (shell): any file or standard input, the
 * data directory, and the built-in data files (targets.json for names,
 * transits.json for attribution).
 */
#ifndef NKTRACE_DATAFILE_H
#define NKTRACE_DATAFILE_H

#include "nktrace/common.h"
#include "nktrace/targetdb.h"
#include "nktrace/transit.h"

#include <stddef.h>

/* The largest file nktrace reads whole (targets, address lists, data
 * files): 64 MiB. */
#define NKT_READ_FILE_MAX (64 << 20)

/* Read a whole file ("-" = standard input) into a new buffer (NUL added),
 * at most NKT_READ_FILE_MAX bytes.  Returns 0, NKT_ENOTFOUND, NKT_EINVAL
 * (too large: /dev/zero) or NKT_ESYS. */
int nkt_read_file(const char *path, char **buf, size_t *len,
		  struct nkt_err *err);

/* The data directory: $NKTRACE_DATA, else the source tree's data/ when
 * this binary sits in its build tree, else the installed one.  Returns
 * buf. */
char *nkt_data_dir(char *buf, size_t len);

/*
 * Load the built-in (or given) data files: targets (for names), transits.
 * `transits_file` NULL: data/transits.json.  Returns 0 or NKT_EINVAL.
 * A missing built-in targets file leaves *tdb NULL (not an error); a
 * missing built-in transits file gives an empty registry (every upstream
 * is then met in the data).
 */
int nkt_load_data(const char *transits_file, struct nkt_targetdb **tdb,
		  struct nkt_transits **trans, struct nkt_err *err);

#endif
