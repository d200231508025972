/* SPDX-License-Identifier: ISC */
/*
 * out_compare.h: a comparison written out (pure): the {"type":"compare"}
 * summary record (data/compare.schema.md) and the terminal report.
 */
#ifndef NKTRACE_OUT_COMPARE_H
#define NKTRACE_OUT_COMPARE_H

#include "nktrace/compare.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

/* The summary record (new reference); obs give the per-target detail. */
json_t *nkt_cmp_json(const struct nkt_cmp_result *r,
		     const struct nkt_cmp_obs *obs, size_t n,
		     const struct nkt_cmp_cfg *cfg, uint64_t start_ns,
		     uint64_t end_ns);

/* The terminal report: the tables, notes, the verdicts. */
void nkt_cmp_text(FILE *f, const struct nkt_cmp_result *r,
		  const struct nkt_cmp_cfg *cfg);

#endif
