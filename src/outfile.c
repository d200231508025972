// SPDX-License-Identifier: ISC
/* outfile.c: temp file + rename, so outputs are never half written. */
#include "nktrace/outfile.h"

#include <errno.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int nkt_outfile_open(struct nkt_outfile *o, const char *path,
		     struct nkt_err *err)
{
	int fd;

	memset(o, 0, sizeof(*o));
	if (path == NULL || strcmp(path, "-") == 0) {
		o->f = stdout;
		return NKT_OK;
	}
	o->path = nkt_xstrdup(path);
	if (asprintf(&o->tmp, "%s.tmp.XXXXXX", path) < 0) {
		free(o->path);
		o->path = NULL;
		return nkt_err_set(err, NKT_ESYS, "out of memory");
	}
	fd = mkstemp(o->tmp);
	if (fd < 0) {
		int e = errno;
		char *dir = nkt_xstrdup(path);
		nkt_err_set(err, NKT_ESYS, "cannot write %s: %s (directory %s)",
			    path, strerror(e), dirname(dir));
		free(dir);
		free(o->tmp);
		free(o->path);
		memset(o, 0, sizeof(*o));
		return NKT_ESYS;
	}
	fchmod(fd, 0644);
	o->f = fdopen(fd, "w");
	if (o->f == NULL) {
		int e = errno;
		close(fd);
		unlink(o->tmp);
		nkt_err_set(err, NKT_ESYS, "cannot write %s: %s", path,
			    strerror(e));
		free(o->tmp);
		free(o->path);
		memset(o, 0, sizeof(*o));
		return NKT_ESYS;
	}
	return NKT_OK;
}

int nkt_outfile_flush(struct nkt_outfile *o, struct nkt_err *err)
{
	if (fflush(o->f) != 0 || ferror(o->f))
		return nkt_err_set(err, NKT_ESYS, "writing %s: %s",
				   o->path ? o->path : "standard output",
				   strerror(errno ? errno : EIO));
	return NKT_OK;
}

int nkt_outfile_commit(struct nkt_outfile *o, struct nkt_err *err)
{
	int rc = NKT_OK, e = 0;

	if (o->f == NULL)
		return NKT_OK;
	if (o->path == NULL) {
		if (fflush(o->f) != 0 || ferror(o->f))
			rc = nkt_err_set(err, NKT_ESYS,
					 "writing standard output: %s",
					 strerror(errno ? errno : EIO));
		o->f = NULL;
		return rc;
	}
	if (fflush(o->f) != 0 || ferror(o->f) || fsync(fileno(o->f)) != 0)
		e = errno ? errno : EIO;
	if (fclose(o->f) != 0 && e == 0)
		e = errno ? errno : EIO;
	o->f = NULL;
	if (e == 0 && rename(o->tmp, o->path) != 0)
		e = errno;
	if (e != 0) {
		unlink(o->tmp);
		rc = nkt_err_set(err, NKT_ESYS, "writing %s: %s", o->path,
				 strerror(e));
	}
	free(o->tmp);
	free(o->path);
	o->tmp = o->path = NULL;
	return rc;
}

void nkt_outfile_abort(struct nkt_outfile *o)
{
	if (o->f != NULL && o->path != NULL) {
		fclose(o->f);
		unlink(o->tmp);
	}
	free(o->tmp);
	free(o->path);
	memset(o, 0, sizeof(*o));
}
