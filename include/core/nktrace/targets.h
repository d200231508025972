/* SPDX-License-Identifier: ISC */
/*
 * targets.h: target lists from the command line and from files: IPv4
 * addresses and CIDR prefixes (expanded), one per line in files, '#'
 * comments.  Pure: callers read files and pass their bytes.
 */
#ifndef NKTRACE_TARGETS_H
#define NKTRACE_TARGETS_H

#include "nktrace/common.h"

#include <stddef.h>
#include <stdint.h>

/* The most addresses one run may expand to (a /8). */
#define NKT_TARGETS_MAX (1u << 24)

struct nkt_targets {
	uint32_t *addr; /* host order, in the order given, duplicates removed
			   by nkt_targets_dedup() */
	size_t n, cap;
	size_t max;     /* most addresses allowed; 0 = NKT_TARGETS_MAX */
};

/*
 * Parse "a.b.c.d/len" into *net and *len; host bits must be clear.
 * Returns 0 or NKT_EINVAL with a message.
 */
int nkt_prefix_parse(const char *s, uint32_t *net, uint8_t *len,
		     struct nkt_err *err);

/*
 * Add one command-line target: an address or a prefix (every address of
 * it).  Refuses non-unicast addresses and lists beyond NKT_TARGETS_MAX.
 * Returns 0 or NKT_EINVAL; on error *t is unchanged.
 */
int nkt_targets_add_arg(struct nkt_targets *t, const char *arg,
			struct nkt_err *err);

/*
 * Add every target in a file's bytes: one address or prefix per line,
 * blank lines and text after '#' ignored, surrounding blanks trimmed.
 * `origin` names the file in messages ("targets.txt:12: ...").
 * Returns 0 or NKT_EINVAL; on error *t keeps the lines before the bad one.
 */
int nkt_targets_add_text(struct nkt_targets *t, const char *text, size_t len,
			 const char *origin, struct nkt_err *err);

/* Remove repeated addresses, keeping the first occurrence of each. */
void nkt_targets_dedup(struct nkt_targets *t);

void nkt_targets_free(struct nkt_targets *t);

#endif
