// SPDX-License-Identifier: ISC
/* infile.c: input files, decompressed as they are read: gzip through
 * zlib, bzip2 through libbz2, xz through liblzma (infile.h).
 *
 * One reader for every input of the tool (traces, Atlas results, MRT
 * dumps).  Not libwandio: it prints its own messages to stderr and keeps
 * no reason a caller could report in one line ("unexpected end of
 * file"), and it runs a thread per file; the three decoders it wraps are
 * the libraries used here. */
#include "nktrace/infile.h"

#include <bzlib.h>
#include <errno.h>
#include <fcntl.h>
#include <lzma.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

/* xz's decoder memory limit: a stream made with a larger dictionary
 * than any preset's (xz -9: 64 MiB, 65 MiB to decode) is refused rather
 * than allowed to take the machine's memory. */
#define XZ_MEMLIMIT (256u << 20)
#define IN_BUF (1u << 17)

enum kind { K_PLAIN, K_GZIP, K_BZIP2, K_XZ };

static const char *const kind_name[] = {"plain", "gzip", "bzip2", "xz"};

struct in_cookie {
	int fd;
	enum kind kind;
	int started;     /* the first bytes were looked at */
	int checked;     /* the first decompressed bytes were looked at */
	int eof;         /* the file has no more bytes */
	int stream_end;  /* the compressed stream ended (its trailer read) */
	int init;        /* the decoder is initialised */
	unsigned char buf[IN_BUF];
	size_t pos, len; /* unread compressed (or plain) bytes in buf */
	z_stream z;
	bz_stream bz;
	lzma_stream xz;
	char error[200];
};

/* What bytes that begin a file (or come out of its decompression) say
 * it is, when nktrace cannot read it. */
static const char *refused(const unsigned char *b, size_t n)
{
	if (n >= 2 && b[0] == 0x12 && b[1] == 0x05)
		return "a binary scamper warts file: convert it with "
		       "sc_warts2json (Debian package scamper) and import "
		       "the JSON";
	return NULL;
}

static ssize_t fail(struct in_cookie *k, const char *fmt, const char *what)
{
	snprintf(k->error, sizeof(k->error), fmt, kind_name[k->kind], what);
	errno = EIO;
	return -1;
}

/* Read more of the file into buf (after the unread bytes).  Returns 0,
 * or -1 with errno set. */
static int refill(struct in_cookie *k)
{
	ssize_t r;
	if (k->pos > 0) {
		memmove(k->buf, k->buf + k->pos, k->len - k->pos);
		k->len -= k->pos;
		k->pos = 0;
	}
	while (k->len < sizeof(k->buf)) {
		r = read(k->fd, k->buf + k->len, sizeof(k->buf) - k->len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0) {
			k->eof = 1;
			break;
		}
		k->len += (size_t)r;
		break;
	}
	return 0;
}

static void decoder_end(struct in_cookie *k)
{
	if (!k->init)
		return;
	if (k->kind == K_GZIP)
		inflateEnd(&k->z);
	else if (k->kind == K_BZIP2)
		BZ2_bzDecompressEnd(&k->bz);
	else if (k->kind == K_XZ)
		lzma_end(&k->xz);
	k->init = 0;
}

/* Start a decoder for the stream at buf[pos]. Returns 0, or -1. */
static int decoder_start(struct in_cookie *k)
{
	int ok;
	decoder_end(k);
	switch (k->kind) {
	case K_GZIP:
		memset(&k->z, 0, sizeof(k->z));
		ok = inflateInit2(&k->z, 15 + 16) == Z_OK;
		break;
	case K_BZIP2:
		memset(&k->bz, 0, sizeof(k->bz));
		ok = BZ2_bzDecompressInit(&k->bz, 0, 0) == BZ_OK;
		break;
	case K_XZ: {
		lzma_stream init = LZMA_STREAM_INIT;
		k->xz = init;
		/* LZMA_CONCATENATED: xz's own streams one after another, as
		 * `xz` reads them */
		ok = lzma_stream_decoder(&k->xz, XZ_MEMLIMIT,
					 LZMA_CONCATENATED) == LZMA_OK;
		break;
	}
	default:
		ok = 1;
	}
	k->init = ok && k->kind != K_PLAIN;
	k->stream_end = 0;
	return ok ? 0 : -1;
}

static int magic_of(struct in_cookie *k, enum kind kind)
{
	const unsigned char *b = k->buf + k->pos;
	size_t n = k->len - k->pos;
	switch (kind) {
	case K_GZIP:
		return n >= 2 && b[0] == 0x1f && b[1] == 0x8b;
	case K_BZIP2:
		return n >= 3 && memcmp(b, "BZh", 3) == 0;
	case K_XZ:
		return n >= 6 && memcmp(b, "\xfd" "7zXZ\0", 6) == 0;
	default:
		return 0;
	}
}

/* The first read: what the file is (its magic bytes, whatever its name;
 * a pipe is looked at the same way). */
static int start(struct in_cookie *k)
{
	while (!k->eof && k->len < 6)
		if (refill(k) < 0)
			return -1;
	k->started = 1;
	k->kind = K_PLAIN;
	for (enum kind c = K_GZIP; c <= K_XZ; c++)
		if (magic_of(k, c))
			k->kind = c;
	if (decoder_start(k) < 0) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

/* One step of the decoder: out[0..n) filled from buf.  Returns the bytes
 * made (0 at the end of the data), or -1 with k->error set. */
static ssize_t decode(struct in_cookie *k, char *out, size_t n)
{
	size_t in_n = k->len - k->pos, made;
	const unsigned char *in = k->buf + k->pos;
	unsigned chunk = (unsigned)(n > (1u << 30) ? (1u << 30) : n);

	if (k->kind == K_GZIP) {
		int r;
		k->z.next_in = (unsigned char *)(uintptr_t)in;
		k->z.avail_in = (uInt)in_n;
		k->z.next_out = (unsigned char *)out;
		k->z.avail_out = chunk;
		r = inflate(&k->z, Z_NO_FLUSH);
		k->pos += in_n - k->z.avail_in;
		made = chunk - k->z.avail_out;
		if (r == Z_STREAM_END)
			k->stream_end = 1;
		else if (r != Z_OK && r != Z_BUF_ERROR)
			return fail(k, "%s: %s", k->z.msg ? k->z.msg :
				    "data error");
		return (ssize_t)made;
	}
	if (k->kind == K_BZIP2) {
		int r;
		k->bz.next_in = (char *)(uintptr_t)in;
		k->bz.avail_in = (unsigned)in_n;
		k->bz.next_out = out;
		k->bz.avail_out = chunk;
		r = BZ2_bzDecompress(&k->bz);
		k->pos += in_n - k->bz.avail_in;
		made = chunk - k->bz.avail_out;
		if (r == BZ_STREAM_END)
			k->stream_end = 1;
		else if (r != BZ_OK)
			return fail(k, "%s: %s", r == BZ_MEM_ERROR ?
				    "out of memory" :
				    "compressed data is corrupt");
		return (ssize_t)made;
	}
	/* xz */
	{
		lzma_ret r;
		k->xz.next_in = in;
		k->xz.avail_in = in_n;
		k->xz.next_out = (uint8_t *)out;
		k->xz.avail_out = chunk;
		r = lzma_code(&k->xz, k->eof ? LZMA_FINISH : LZMA_RUN);
		k->pos += in_n - k->xz.avail_in;
		made = chunk - k->xz.avail_out;
		if (r == LZMA_STREAM_END)
			k->stream_end = 1;
		else if (r == LZMA_BUF_ERROR && k->eof)
			return fail(k, "%s: %s", "unexpected end of file");
		else if (r != LZMA_OK && r != LZMA_BUF_ERROR)
			return fail(k, "%s: %s",
				    r == LZMA_MEMLIMIT_ERROR ?
				    "the stream needs more than 256 MiB to "
				    "decompress" :
				    r == LZMA_MEM_ERROR ? "out of memory" :
				    r == LZMA_OPTIONS_ERROR ?
				    "unsupported options" :
				    "compressed data is corrupt");
		return (ssize_t)made;
	}
}

static ssize_t in_read(void *c, char *buf, size_t n)
{
	struct in_cookie *k = c;
	ssize_t made = 0;
	const char *why;

	if (k->error[0]) {
		errno = EIO;
		return -1;
	}
	if (!k->started && start(k) < 0)
		return -1;
	if (k->kind == K_PLAIN) {
		if (k->pos == k->len && !k->eof && refill(k) < 0)
			return -1;
		made = (ssize_t)(k->len - k->pos < n ? k->len - k->pos : n);
		memcpy(buf, k->buf + k->pos, (size_t)made);
		k->pos += (size_t)made;
	} else {
		while (made == 0) {
			if (k->stream_end) {
				/* another stream may follow (gzip members,
				 * bzip2 streams, as their tools read them);
				 * anything else after the end is not read */
				if (k->pos == k->len && !k->eof &&
				    refill(k) < 0)
					return -1;
				while (!k->eof && k->len - k->pos < 6)
					if (refill(k) < 0)
						return -1;
				if (!magic_of(k, k->kind))
					break;
				if (decoder_start(k) < 0) {
					errno = ENOMEM;
					return -1;
				}
			}
			size_t before;
			if (k->pos == k->len && !k->eof && refill(k) < 0)
				return -1;
			before = k->pos;
			made = decode(k, buf, n);
			if (made < 0)
				return -1;
			if (made > 0 || k->stream_end || k->pos != before)
				continue;
			/* no progress: the decoder needs more input */
			if (k->eof)
				return fail(k, "%s: %s",
					    "unexpected end of file");
			if (refill(k) < 0)
				return -1;
		}
	}
	if (!k->checked && made > 0) {
		k->checked = 1;
		if ((why = refused((const unsigned char *)buf, (size_t)made))) {
			snprintf(k->error, sizeof(k->error), "%s", why);
			errno = EIO;
			return -1;
		}
	}
	return made;
}

static int in_close(void *c)
{
	struct in_cookie *k = c;
	int r = close(k->fd);
	decoder_end(k);
	free(k);
	return r == 0 ? 0 : EOF;
}

int nkt_infile_open(struct nkt_infile *in, const char *path,
		    struct nkt_err *err)
{
	static const cookie_io_functions_t io = {.read = in_read,
						 .close = in_close};
	int std = strcmp(path, "-") == 0;
	int fd = std ? dup(STDIN_FILENO) : open(path, O_RDONLY | O_CLOEXEC);
	struct in_cookie *k;

	in->f = NULL;
	in->gz = NULL;
	if (fd < 0)
		return nkt_err_set(err, NKT_ESYS, "%s: %s", path,
				   strerror(errno));
	k = nkt_xcalloc(1, sizeof(*k));
	k->fd = fd;
	if ((in->f = fopencookie(k, "r", io)) == NULL) {
		int e = errno;
		close(fd);
		free(k);
		return nkt_err_set(err, NKT_ESYS, "%s: %s", path,
				   strerror(e));
	}
	setvbuf(in->f, NULL, _IOFBF, 1 << 16);
	in->gz = k;
	return NKT_OK;
}

const char *nkt_infile_error(const struct nkt_infile *in)
{
	const struct in_cookie *k = in->gz;
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
		in->gz = NULL;
		return nkt_err_set(err, NKT_ESYS, "read error");
	}
	in->f = NULL;
	in->gz = NULL;
	return NKT_OK;
}
