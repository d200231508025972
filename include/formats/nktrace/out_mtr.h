/* SPDX-License-Identifier: ISC */
/*
 * out_mtr.h: the live view's table (mtr's columns: host, AS, loss %, sent,
 * last, average, best, worst and standard deviation of the RTT), for one
 * target over one or more uplinks, the uplinks side by side when the width
 * allows and one under the other when it does not; and mtr --json's report
 * for one uplink.  Pure: writes to the stream it is given.
 */
#ifndef NKTRACE_OUT_MTR_H
#define NKTRACE_OUT_MTR_H

#include "nktrace/hopstats.h"
#include "nktrace/out_opts.h"

#include <jansson.h>
#include <stdio.h>

struct nkt_mtr_col {
	const char *title;            /* the uplink's transit, or NULL */
	const char *carrier;          /* the transit its paths are
					 attributed to, or NULL */
	const struct nkt_hopstats *s;
};

/* Characters one column needs, and the whole table side by side. */
#define NKT_MTR_COL_WIDTH 87
#define NKT_MTR_SIDE_WIDTH(n) (5 + (n) * (NKT_MTR_COL_WIDTH + 3) - 3)
#define NKT_MTR_NARROW_WIDTH 74 /* one uplink in 80 columns */
#define NKT_MTR_BRIEF_WIDTH 36  /* two uplinks in 80 columns */

/* The layouts of the live view: every column at full width; every
 * statistic in narrower fields; loss, sent and average only. */
enum nkt_mtr_layout {
	NKT_MTR_FULL = 0,
	NKT_MTR_NARROW,
	NKT_MTR_BRIEF,
	NKT_MTR_AUTO, /* the widest whose columns fit side by side */
};

/* The table of n columns in `width` characters, full columns (names and
 * ASes from o's hooks, which may be NULL), one under the other when they
 * do not fit side by side.  Returns 0 or -1 (a write failed). */
int nkt_mtr_text(FILE *f, const struct nkt_mtr_col *c, size_t n,
		 const struct nkt_out_opts *o, unsigned width);

/* The widest layout whose n columns fit side by side in `width` (BRIEF
 * when none does). */
enum nkt_mtr_layout nkt_mtr_layout_for(size_t n, unsigned width);

/* The table in a layout (NKT_MTR_AUTO: nkt_mtr_layout_for); columns one
 * under the other when that layout does not fit side by side.  jitter:
 * mtr's j fields (Jttr, Javg, Jmax, Jint in place of Avg, Best, Wrst,
 * StDev; the brief layout's Javg in place of Avg). */
int nkt_mtr_text_layout(FILE *f, const struct nkt_mtr_col *c, size_t n,
			const struct nkt_out_opts *o, unsigned width,
			enum nkt_mtr_layout layout, int jitter);

/* mtr --json's {"report": {"mtr": {...}, "hubs": [...]}} for one column,
 * with "transit" when it has a title and "carrier" when its paths were
 * attributed (new references). */
json_t *nkt_mtr_json(const struct nkt_mtr_col *c, const char *src,
		     const char *dst, unsigned psize, int tos,
		     const struct nkt_out_opts *o);

#endif
