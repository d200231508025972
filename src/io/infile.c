// SPDX-License-Identifier: ISC
/* infile.c: input files, gzip read through zlib (infile.h). */
#include "nktrace/infile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

/* What the first bytes say the file is, when nktrace cannot read it. */
static const char *refused(const unsigned char *b, size_t n)
{
	if (n >= 2 && b[0] == 0x12 && b[1] == 0x05)
		return "a binary scamper warts file: convert it with "
		       "sc_warts2json (Debian package scamper) and import "
		       "the JSON";
	if (n >= 3 && memcmp(b, "BZh", 3) == 0)
		return "a bzip2 file: decompress it (bunzip2) or pipe it "
		       "(bzcat FILE | nktrace import)";
	if (n >= 6 && memcmp(b, "\xfd" "7zXZ", 6) == 0)
		return "an xz file: decompress it (unxz) or pipe it "
		       "(xzcat FILE | nktrace import)";
	return NULL;
}

/* zlib's reader behind a FILE (fopencookie): gzip is decompressed, any
 * other input passed through as it is (zlib's transparent mode), so a
 * pipe needs no peeking.  The first bytes that come out are checked for
 * formats nktrace cannot read; the reason of a failure is kept for
 * nkt_infile_error, since stdio only keeps errno. */
struct gz_cookie {
	gzFile gz;
	int started;
	char error[200];
};

static ssize_t gz_fail(struct gz_cookie *k, const char *why)
{
	snprintf(k->error, sizeof(k->error), "%s", why);
	errno = EIO;
	return -1;
}

static ssize_t gz_read(void *c, char *buf, size_t n)
{
	struct gz_cookie *k = c;
	const char *why;
	int r, zerr;

	if (k->error[0]) {
		errno = EIO;
		return -1;
	}
	r = gzread(k->gz, buf, (unsigned)(n > INT32_MAX ? INT32_MAX : n));
	if (r < 0 || (r == 0 && gzerror(k->gz, &zerr) != NULL &&
		      zerr != Z_OK && zerr != Z_STREAM_END)) {
		/* a damaged file, or one cut short (no gzip trailer) */
		char m[160];
		const char *z = gzerror(k->gz, &zerr), *colon;
		/* zlib names the stream "<fd:3>: "; the caller names the file */
		if (strncmp(z, "<fd:", 4) == 0 && (colon = strstr(z, ": ")))
			z = colon + 2;
		snprintf(m, sizeof(m), "gzip: %s", z);
		return gz_fail(k, m);
	}
	if (!k->started && r > 0) {
		k->started = 1;
		if ((why = refused((const unsigned char *)buf, (size_t)r)))
			return gz_fail(k, why);
	}
	return r;
}

static int gz_close(void *c)
{
	struct gz_cookie *k = c;
	int r = gzclose_r(k->gz);
	free(k);
	return r == Z_OK ? 0 : EOF;
}

int nkt_infile_open(struct nkt_infile *in, const char *path,
		    struct nkt_err *err)
{
	static const cookie_io_functions_t io = {.read = gz_read,
						 .close = gz_close};
	int std = strcmp(path, "-") == 0;
	int fd = std ? dup(STDIN_FILENO) : open(path, O_RDONLY | O_CLOEXEC);
	struct gz_cookie *k;

	in->f = NULL;
	in->gz = NULL;
	if (fd < 0)
		return nkt_err_set(err, NKT_ESYS, "%s: %s", path,
				   strerror(errno));
	k = nkt_xcalloc(1, sizeof(*k));
	if ((k->gz = gzdopen(fd, "rb")) == NULL) {
		close(fd);
		free(k);
		return nkt_err_set(err, NKT_ESYS, "%s: %s", path,
				   strerror(errno ? errno : ENOMEM));
	}
	gzbuffer(k->gz, 1 << 17);
	if ((in->f = fopencookie(k, "r", io)) == NULL) {
		gzclose_r(k->gz);
		free(k);
		return nkt_err_set(err, NKT_ESYS, "%s: %s", path,
				   strerror(errno));
	}
	in->gz = k;
	return NKT_OK;
}

const char *nkt_infile_error(const struct nkt_infile *in)
{
	const struct gz_cookie *k = in->gz;
	return k != NULL && k->error[0] ? k->error : NULL;
}

int nkt_infile_close(struct nkt_infile *in, struct nkt_err *err)
{
	int bad;
	if (in->f == NULL)
		return NKT_OK;
	bad = ferror(in->f);
	if (fclose(in->f) != 0 || bad) {
		in->f = NULL;
		return nkt_err_set(err, NKT_ESYS, "read error");
	}
	in->f = NULL;
	in->gz = NULL;
	return NKT_OK;
}
