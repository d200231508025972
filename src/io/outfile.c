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
#include <sys/random.h>
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

/* Names that stand for an open descriptor: written where they point,
 * never replaced (the shell's redirection holds the file open). */
static int names_a_descriptor(const char *path)
{
	return strncmp(path, "/dev/std", 8) == 0 ||
	       strncmp(path, "/dev/fd/", 8) == 0 ||
	       strncmp(path, "/proc/self/fd/", 14) == 0;
}

/* Write in place: a device, FIFO or socket (or a descriptor's name) is
 * opened as it is, never replaced by a regular file; write errors (ENOSPC
 * from /dev/full) are errors at flush and commit. */
/* The descriptor a name of one of ours stands for (/dev/stdout,
 * /dev/fd/N, /proc/self/fd/N), or -1. */
static int our_descriptor(const char *path)
{
	const char *n = NULL;
	char *end;
	long v;

	if (strcmp(path, "/dev/stdin") == 0)
		return 0;
	if (strcmp(path, "/dev/stdout") == 0)
		return 1;
	if (strcmp(path, "/dev/stderr") == 0)
		return 2;
	if (strncmp(path, "/dev/fd/", 8) == 0)
		n = path + 8;
	else if (strncmp(path, "/proc/self/fd/", 14) == 0)
		n = path + 14;
	if (n == NULL || *n < '0' || *n > '9')
		return -1;
	v = strtol(n, &end, 10);
	return *end == '\0' && v >= 0 && v < 1 << 20 ? (int)v : -1;
}

static int open_in_place(struct nkt_outfile *o, const char *path,
			 struct nkt_err *err)
{
	/* a descriptor we hold is used as it is (reopening it through /proc
	 * would ask for permissions the user who dropped root may lack) */
	int d = our_descriptor(path);
	int fd = d >= 0 && fcntl(d, F_GETFD) >= 0
			 ? fcntl(d, F_DUPFD_CLOEXEC, 3)
			 : open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return nkt_err_set(err, NKT_ESYS, "cannot write %s: %s", path,
				   strerror(errno));
	o->f = fdopen(fd, "w");
	if (o->f == NULL) {
		int e = errno;
		close(fd);
		return nkt_err_set(err, NKT_ESYS, "cannot write %s: %s", path,
				   strerror(e));
	}
	o->path = nkt_xstrdup(path);
	o->in_place = 1;
	return NKT_OK;
}

/* A symlink in a world-writable directory is followed only when its owner
 * is us or the directory's (as the kernel's protected_symlinks): anyone
 * else's link in /tmp could point at a file of ours. */
static int symlink_trusted(const char *path, const struct stat *lst)
{
	char *dir = nkt_xstrdup(path);
	struct stat dst;
	int ok = stat(dirname(dir), &dst) == 0 &&
		 (!(dst.st_mode & S_IWOTH) || lst->st_uid == geteuid() ||
		  lst->st_uid == dst.st_uid);
	free(dir);
	return ok;
}

int nkt_outfile_open(struct nkt_outfile *o, const char *path,
		     struct nkt_err *err)
{
	struct stat lst, st;
	char *real = NULL;
	int fd;

	memset(o, 0, sizeof(*o));
	if (path == NULL || strcmp(path, "-") == 0) {
		o->f = stdout;
		return NKT_OK;
	}
	/* What the name is decides how it is written: a regular file (or a
	 * new one) is replaced atomically; anything else in place. */
	if (names_a_descriptor(path))
		return open_in_place(o, path, err);
	if (lstat(path, &lst) == 0) {
		if (S_ISLNK(lst.st_mode)) {
			if (!symlink_trusted(path, &lst))
				return nkt_err_set(
					err, NKT_ESYS,
					"cannot write %s: a symbolic link in a "
					"world-writable directory, not ours: "
					"not followed",
					path);
			if (stat(path, &st) == 0 && !S_ISREG(st.st_mode) &&
			    !S_ISDIR(st.st_mode))
				return open_in_place(o, path, err);
			/* the link's target is replaced, the link kept */
			real = realpath(path, NULL);
			if (real == NULL && errno == ENOENT) {
				char buf[4096];
				ssize_t n = readlink(path, buf, sizeof(buf) - 1);
				if (n > 0 && buf[0] == '/') {
					buf[n] = '\0';
					real = nkt_xstrdup(buf);
				}
			}
			if (real == NULL)
				return nkt_err_set(err, NKT_ESYS,
						   "cannot write %s: %s", path,
						   strerror(errno ? errno
								  : ENOENT));
			path = real;
		} else if (S_ISDIR(lst.st_mode))
			return nkt_err_set(err, NKT_ESYS,
					   "cannot write %s: %s", path,
					   strerror(EISDIR));
		else if (!S_ISREG(lst.st_mode))
			return open_in_place(o, path, err);
	}
	o->path = nkt_xstrdup(path);
	free(real);
	path = o->path;
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
		uint64_t r = 0;
		/* a name nobody can guess (the kernel's random source) */
		if (getrandom(&r, sizeof(r), 0) != (ssize_t)sizeof(r))
			return errno ? errno : EIO;
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
	if (o->in_place) {
		if (fflush(o->f) != 0 || ferror(o->f))
			e = errno ? errno : EIO;
		if (fclose(o->f) != 0 && e == 0)
			e = errno ? errno : EIO;
		o->f = NULL;
		if (e != 0)
			rc = nkt_err_set(err, NKT_ESYS, "writing %s: %s",
					 o->path, strerror(e));
		free(o->path);
		o->path = NULL;
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
		if (!o->unnamed && !o->in_place)
			unlink(o->tmp);
	}
	free(o->tmp);
	free(o->path);
	memset(o, 0, sizeof(*o));
}
