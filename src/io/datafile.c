// SPDX-License-Identifier: ISC
/*
 * datafile.c: files nktrace reads whole (shell): target lists, the JSON
 * data files, and where the data directory is (NKTRACE_DATA, else the
 * source tree's data/ for a binary in the build tree, else the installed
 * share/nktrace).
 */
#include "nktrace/datafile.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int nkt_read_file(const char *path, char **buf, size_t *len,
		  struct nkt_err *err)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	size_t cap = 4096, n = 0;
	char *b;

	if (f == NULL)
		return nkt_err_set(err,
				   errno == ENOENT ? NKT_ENOTFOUND : NKT_ESYS,
				   "cannot read %s: %s", path,
				   strerror(errno));
	b = nkt_xmalloc(cap);
	for (;;) {
		size_t r;
		if (n + 1 >= cap) {
			if (cap >= NKT_READ_FILE_MAX) {
				if (f != stdin)
					fclose(f);
				free(b);
				return nkt_err_set(
					err, NKT_EINVAL,
					"%s: larger than %d MiB: not a file "
					"nktrace reads whole (targets, "
					"addresses, configuration)",
					path, NKT_READ_FILE_MAX >> 20);
			}
			cap *= 2;
			b = nkt_xrealloc(b, cap);
		}
		r = fread(b + n, 1, cap - n - 1, f);
		n += r;
		if (r == 0)
			break;
	}
	if (ferror(f)) {
		int e = errno;
		if (f != stdin)
			fclose(f);
		free(b);
		return nkt_err_set(err, NKT_ESYS, "cannot read %s: %s", path,
				   strerror(e ? e : EIO));
	}
	if (f != stdin)
		fclose(f);
	b[n] = '\0';
	*buf = b;
	*len = n;
	return NKT_OK;
}

char *nkt_data_dir(char *buf, size_t len)
{
	const char *env = getenv("NKTRACE_DATA");
	char exe[PATH_MAX];
	ssize_t n;
	size_t root = strlen(NKT_BUILD_ROOT);

	if (env != NULL && *env != '\0') {
		snprintf(buf, len, "%s", env);
		return buf;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		if (strncmp(exe, NKT_BUILD_ROOT, root) == 0 &&
		    exe[root] == '/') {
			snprintf(buf, len, "%s", NKT_SOURCE_DATADIR);
			return buf;
		}
	}
	snprintf(buf, len, "%s", NKT_INSTALL_DATADIR);
	return buf;
}

static int load(const char *path, char **buf, size_t *len, int required,
		struct nkt_err *err)
{
	int rc = nkt_read_file(path, buf, len, err);
	if (rc == NKT_ENOTFOUND && !required) {
		*buf = NULL;
		return NKT_OK;
	}
	if (rc != NKT_OK)
		err->code = NKT_EINVAL;
	return rc == NKT_OK ? NKT_OK : NKT_EINVAL;
}

int nkt_load_data(const char *transits_file, struct nkt_targetdb **tdb,
		  struct nkt_transits **trans, struct nkt_err *err)
{
	char dir[PATH_MAX], path[PATH_MAX + 32], *buf;
	size_t len;

	*tdb = NULL;
	*trans = NULL;
	nkt_data_dir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/targets.json", dir);
	if (load(path, &buf, &len, 0, err) != NKT_OK)
		return NKT_EINVAL;
	if (buf != NULL) {
		*tdb = nkt_xmalloc(sizeof(**tdb));
		if (nkt_targetdb_parse(buf, len, path, *tdb, err) != NKT_OK) {
			free(buf);
			free(*tdb);
			*tdb = NULL;
			return NKT_EINVAL;
		}
		free(buf);
	}
	if (transits_file == NULL)
		snprintf(path, sizeof(path), "%s/transits.json", dir);
	else
		snprintf(path, sizeof(path), "%s", transits_file);
	if (load(path, &buf, &len, transits_file != NULL, err) != NKT_OK)
		return NKT_EINVAL;
	*trans = nkt_xmalloc(sizeof(**trans));
	if (buf == NULL) {
		/* no transits file: every upstream is met in the data */
		nkt_transits_init(*trans);
		return NKT_OK;
	}
	if (nkt_transits_parse(buf, len, path, *trans, err) != NKT_OK) {
		free(buf);
		free(*trans);
		*trans = NULL;
		return NKT_EINVAL;
	}
	free(buf);
	return NKT_OK;
}
