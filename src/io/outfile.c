// SPDX-License-Identifier: ISC
/* outfile.c: temp file + rename, so outputs are never half written. */
#include "nktrace/outfile.h"
#include "nktrace/priv.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A file with no name yet in path's directory (O_TMPFILE): a crash or
 * SIGKILL before commit leaves nothing behind.  -1 where the file system
 * cannot (then a named temporary file is used). */
static int unnamed(const char *path)
{
	char *dir = nkt_xstrdup(path);
	int fd = open(dirname(dir), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0644);
	free(dir);
	return fd;
}

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
	fd = unnamed(path);
	if (fd >= 0)
		o->unnamed = 1;
	else if (errno == EACCES || errno == EPERM || errno == ENOENT ||
		 errno == EROFS || errno == ENOSPC || errno == EDQUOT)
		fd = -1; /* the same error would come from mkstemp */
	else
		fd = mkstemp(o->tmp);
	if (fd < 0) {
		int e = errno;
		char *dir = nkt_xstrdup(path);
		const char *as = nkt_priv_dropped_to();
		if ((e == EACCES || e == EPERM) && as != NULL)
			nkt_err_set(err, NKT_ESYS,
				    "cannot write %s: %s (directory %s; "
				    "outputs are written as %s, after root "
				    "is dropped: --user USER)",
				    path, strerror(e), dirname(dir), as);
		else
			nkt_err_set(err, NKT_ESYS,
				    "cannot write %s: %s (directory %s)", path,
				    strerror(e), dirname(dir));
		free(dir);
		free(o->tmp);
		free(o->path);
		memset(o, 0, sizeof(*o));
		return NKT_ESYS;
	}
	if (!o->unnamed)
		fchmod(fd, 0644);
	o->f = fdopen(fd, "w");
	if (o->f == NULL) {
		int e = errno;
		close(fd);
		if (!o->unnamed)
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

/* Give the unnamed file its temporary name (then it is renamed over the
 * final one, which replaces atomically; linkat cannot). */
static int name_it(struct nkt_outfile *o)
{
	char proc[64];
	int tries;
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fileno(o->f));
	for (tries = 0; tries < 100; tries++) {
		char *x = o->tmp + strlen(o->tmp) - 6;
		int i;
		uint64_t r = (uint64_t)random() ^ ((uint64_t)getpid() << 20) ^
			     (uint64_t)tries * 0x9e3779b9u;
		for (i = 0; i < 6; i++, r /= 36)
			x[i] = "abcdefghijklmnopqrstuvwxyz0123456789"[r % 36];
		if (linkat(AT_FDCWD, proc, AT_FDCWD, o->tmp,
			   AT_SYMLINK_FOLLOW) == 0)
			return 0;
		if (errno != EEXIST)
			return errno;
	}
	return EEXIST;
}

int nkt_outfile_error(const struct nkt_outfile *o, int e, struct nkt_err *err)
{
	return nkt_err_set(err, NKT_ESYS, "writing %s: %s",
			   o->path ? o->path : "standard output",
			   strerror(e ? e : EIO));
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
	if (e == 0 && o->unnamed)
		e = name_it(o);
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
		if (!o->unnamed)
			unlink(o->tmp);
	}
	free(o->tmp);
	free(o->path);
	memset(o, 0, sizeof(*o));
}
