// SPDX-License-Identifier: ISC
/* mrtfile.c: an MRT file's records, framed (mrtfile.h). */
#include "nktrace/mrtfile.h"
#include "nktrace/mrt.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int nkt_mrt_file_open(struct nkt_mrt_file *f, const char *path,
		      struct nkt_err *err)
{
	int e;
	memset(f, 0, sizeof(*f));
	snprintf(f->path, sizeof(f->path), "%s",
		 strcmp(path, "-") == 0 ? "(standard input)" : path);
	if ((e = nkt_infile_open(&f->in, path, err)) != NKT_OK)
		return e;
	return NKT_OK;
}

/* Why reading stopped short: the input layer's reason, or errno's. */
static int read_fail(struct nkt_mrt_file *f, uint64_t at, const char *what,
		     size_t got, size_t want, struct nkt_err *err)
{
	const char *why = nkt_infile_error(&f->in);
	if (why != NULL)
		return nkt_err_set(err, NKT_EMALFORMED, "%s:%llu: %s",
				   f->path, (unsigned long long)at, why);
	if (ferror(f->in.f))
		return nkt_err_set(err, NKT_ESYS, "%s:%llu: %s", f->path,
				   (unsigned long long)at, strerror(errno));
	return nkt_err_set(err, NKT_EMALFORMED,
			   "%s:%llu: %s runs past the end of the file (%zu of "
			   "%zu bytes there)",
			   f->path, (unsigned long long)at, what, got, want);
}

int nkt_mrt_file_next(struct nkt_mrt_file *f, const uint8_t **rec,
		      size_t *len, uint64_t *at, struct nkt_err *err)
{
	uint8_t hdr[NKT_MRT_HEADER];
	size_t got, body;
	uint32_t blen;
	char what[64];

	*at = f->offset;
	got = fread(hdr, 1, sizeof(hdr), f->in.f);
	if (got == 0 && !ferror(f->in.f))
		return 0;
	if (got < sizeof(hdr))
		return read_fail(f, f->offset, "a record header", got,
				 sizeof(hdr), err);
	blen = nkt_mrt_header_len(hdr, NULL);
	if (blen > NKT_MRT_RECORD_MAX)
		return nkt_err_set(err, NKT_EMALFORMED,
				   "%s:%llu: a record of %u bytes, larger than "
				   "any MRT record (%u MiB): a damaged file",
				   f->path, (unsigned long long)f->offset,
				   blen, NKT_MRT_RECORD_MAX >> 20);
	body = blen;
	if (f->cap < sizeof(hdr) + body) {
		f->cap = sizeof(hdr) + body;
		f->buf = nkt_xrealloc(f->buf, f->cap);
	}
	memcpy(f->buf, hdr, sizeof(hdr));
	got = body ? fread(f->buf + sizeof(hdr), 1, body, f->in.f) : 0;
	if (got < body) {
		snprintf(what, sizeof(what), "a record of %zu bytes", body);
		return read_fail(f, f->offset, what, got, body, err);
	}
	*rec = f->buf;
	*len = sizeof(hdr) + body;
	f->offset += sizeof(hdr) + body;
	return 1;
}

void nkt_mrt_file_close(struct nkt_mrt_file *f)
{
	if (f->in.f != NULL)
		(void)nkt_infile_close(&f->in, NULL);
	free(f->buf);
	f->buf = NULL;
	f->cap = 0;
}
