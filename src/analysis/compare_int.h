/* SPDX-License-Identifier: ISC */
/*
 * compare_int.h: what compare.c hands verdict.c: a group's hosts, each
 * with its samples pooled over its observations (every method and trace
 * of that host in that group).  Internal to the compare module.
 */
#ifndef NKTRACE_COMPARE_INT_H
#define NKTRACE_COMPARE_INT_H

#include "nktrace/compare.h"

#include <stddef.h>
#include <stdint.h>

struct nkt__cmp_unit {
	uint32_t unit, addr, vantage;
	double *rtt;      /* end-to-end RTTs, ms (owned) */
	size_t n_rtt;
	double med;       /* median of rtt; NaN without */
	uint64_t sent, recv; /* end-to-end probes */
	uint64_t tail;    /* went dark: the unanswered probes at the end */
	int reached;
	double *brtt;     /* RTTs at the group's border hop (owned) */
	int32_t *bslot;   /* the time slot (NKT_CMP_SLOT_S) of each (owned) */
	size_t n_brtt;
	struct nkt_cmp_slotloss *sl; /* its observations that answered
					 some end-to-end probes (owned) */
	size_t n_sl;
};

struct nkt__cmp_units {
	struct nkt__cmp_unit *u; /* in order of first appearance */
	size_t n;
	uint32_t border;         /* the group's border hop, 0 if none */
};

/* The hosts of the observations idx[0..n) (border: the group's border hop,
 * whose RTTs are collected).  Free with nkt__cmp_units_free. */
void nkt__cmp_units(const struct nkt_cmp_obs *obs, const size_t *idx,
		    size_t n, uint32_t border, struct nkt__cmp_units *out);
void nkt__cmp_units_free(struct nkt__cmp_units *u);

/* Append m values to the array *v of *n; the median of a copy (NAN for
 * none). */
void nkt__cmp_append(double **v, size_t *n, const double *add, size_t m);
double nkt__cmp_median_copy(const double *v, size_t n);

/* One value per host address: the median of its units' medians (units of
 * one address seen from several vantage points).  Returns a new array
 * (free()) of *n values; never NULL. */
double *nkt__cmp_host_values(const struct nkt__cmp_units *u, size_t *n);

/* The loss of each host address that answered end-to-end probes, summed
 * over its units (every vantage point's probes to one host are one
 * cluster), the probes after it went dark left out.  out holds u->n;
 * returns the hosts. */
size_t nkt__cmp_host_losses(const struct nkt__cmp_units *u,
			    struct nkt_lossc *out);

/* Compare group a with group b (verdict.c).  d->a, d->b and the prefix
 * fields are set by the caller. */
void nkt__verdict_compare(const struct nkt__cmp_units *a,
			  const struct nkt__cmp_units *b,
			  const struct nkt_cmp_stats *sa,
			  const struct nkt_cmp_stats *sb,
			  const struct nkt_cmp_cfg *cfg, struct nkt_cmp_diff *d);

/* Holm over the per-prefix comparisons (sets p_holm and recomputes each
 * claim). */
void nkt__verdict_holm(struct nkt_cmp_diff *d, size_t n, double level);

/* "host" or "hosts" for n; a confidence as "95%" or "99.5%" (verdict.c,
 * for verdict_text.c too). */
const char *nkt__plural(size_t n, const char *one, const char *many);
void nkt__fmt_conf(char *buf, size_t len, double c);

#endif
