// SPDX-License-Identifier: ISC
/*
 * statcalc: nktrace's statistics on numbers read from standard input, one
 * computation per line, for tests/stats/test_reference.py, which checks
 * every answer against an independent reference (scipy, statsmodels, or a
 * brute-force computation in Python).  Not installed.
 *
 *   mw LEVEL NX X... NY Y...      Hodges-Lehmann shift, Mann-Whitney
 *   wilcoxon LEVEL N D...         pseudo-median, Wilcoxon signed-rank
 *   median LEVEL N V...           median, order-statistic interval
 *   tcdf T DF | tcrit LEVEL DF    Student's t
 *   wilson K N LEVEL
 *   loss LEVEL N (LOST SENT)...   loss over hosts
 *   lossdiff LEVEL NA (L S)... NB (L S)...   two sets of hosts
 *   losspaired LEVEL N (LA SA LB SB)...      the same hosts twice
 *   bm NX X... NY Y...            Brunner-Munzel p
 *   bmci LEVEL EST NX X... NY Y...  its inverted interval of the shift
 *   holm N P...
 * Each answer is one line of numbers (%.17g; nan for none).
 */
#include "nktrace/rank.h"
#include "nktrace/stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static double *read_vec(size_t *n)
{
	double *v;
	size_t i;
	if (scanf("%zu", n) != 1)
		exit(2);
	v = calloc(*n ? *n : 1, sizeof(*v));
	for (i = 0; i < *n; i++)
		if (scanf("%lf", &v[i]) != 1)
			exit(2);
	return v;
}

static struct nkt_lossc *read_loss(size_t *n, int per)
{
	struct nkt_lossc *c;
	size_t i;
	unsigned long long l, s;
	if (scanf("%zu", n) != 1)
		exit(2);
	c = calloc((*n ? *n : 1) * (size_t)per, sizeof(*c));
	for (i = 0; i < *n * (size_t)per; i++) {
		if (scanf("%llu %llu", &l, &s) != 2)
			exit(2);
		c[i].lost = l;
		c[i].sent = s;
	}
	return c;
}

static void shift(const struct nkt_shift *s)
{
	printf("%.17g %.17g %.17g %.17g %.17g %.17g %d\n", s->est, s->ci.lo,
	       s->ci.hi, s->conf, s->p, s->stat, s->exact);
}

static void diff(const struct nkt_loss_diff *d)
{
	printf("%d %.17g %.17g %.17g %.17g %.17g\n", d->valid, d->diff,
	       d->ci.lo, d->ci.hi, d->p, d->df);
}

int main(void)
{
	char op[32];
	while (scanf("%31s", op) == 1) {
		double level, a, b;
		size_t n, m, i;
		unsigned long long k1, n1;
		struct nkt_shift s;
		if (strcmp(op, "mw") == 0) {
			double *x, *y;
			if (scanf("%lf", &level) != 1)
				return 2;
			x = read_vec(&n);
			y = read_vec(&m);
			nkt_rank_mw(x, n, y, m, level, &s);
			shift(&s);
			free(x);
			free(y);
		} else if (strcmp(op, "wilcoxon") == 0 ||
			   strcmp(op, "median") == 0) {
			double *v;
			if (scanf("%lf", &level) != 1)
				return 2;
			v = read_vec(&n);
			if (op[0] == 'w')
				nkt_rank_wilcoxon(v, n, level, &s);
			else
				nkt_rank_median(v, n, level, &s);
			shift(&s);
			free(v);
		} else if (strcmp(op, "bmci") == 0) {
			double *x, *y, est;
			struct nkt_ci ci;
			if (scanf("%lf %lf", &level, &est) != 2)
				return 2;
			x = read_vec(&n);
			y = read_vec(&m);
			ci = nkt_rank_bm_interval(x, n, y, m, est, level);
			printf("%.17g %.17g\n", ci.lo, ci.hi);
			free(x);
			free(y);
		} else if (strcmp(op, "bm") == 0) {
			double *x = read_vec(&n), *y = read_vec(&m);
			printf("%.17g\n", nkt_rank_brunner_munzel(x, n, y, m));
			free(x);
			free(y);
		} else if (strcmp(op, "tcdf") == 0) {
			if (scanf("%lf %lf", &a, &b) != 2)
				return 2;
			printf("%.17g\n", nkt_stats_t_cdf(a, b));
		} else if (strcmp(op, "tcrit") == 0) {
			if (scanf("%lf %lf", &a, &b) != 2)
				return 2;
			printf("%.17g\n", nkt_stats_t_crit(a, b));
		} else if (strcmp(op, "wilson") == 0) {
			struct nkt_ci ci;
			if (scanf("%llu %llu %lf", &k1, &n1, &level) != 3)
				return 2;
			ci = nkt_stats_wilson(k1, n1, level);
			printf("%.17g %.17g\n", ci.lo, ci.hi);
		} else if (strcmp(op, "loss") == 0) {
			struct nkt_lossc *c;
			struct nkt_loss l;
			if (scanf("%lf", &level) != 1)
				return 2;
			c = read_loss(&n, 1);
			nkt_stats_loss(c, n, level, &l);
			printf("%.17g %.17g %.17g %.17g %.17g %zu\n", l.rate,
			       l.ci.lo, l.ci.hi, l.var, l.df, l.hosts);
			free(c);
		} else if (strcmp(op, "lossdiff") == 0) {
			struct nkt_lossc *x, *y;
			struct nkt_loss_diff d;
			if (scanf("%lf", &level) != 1)
				return 2;
			x = read_loss(&n, 1);
			y = read_loss(&m, 1);
			nkt_stats_loss_diff(x, n, y, m, level, &d);
			diff(&d);
			free(x);
			free(y);
		} else if (strcmp(op, "losspaired") == 0) {
			struct nkt_lossc *c, *x, *y;
			struct nkt_loss_diff d;
			if (scanf("%lf", &level) != 1)
				return 2;
			c = read_loss(&n, 2);
			x = calloc(n ? n : 1, sizeof(*x));
			y = calloc(n ? n : 1, sizeof(*y));
			for (i = 0; i < n; i++) {
				x[i] = c[2 * i];
				y[i] = c[2 * i + 1];
			}
			nkt_stats_loss_paired(x, y, n, level, &d);
			diff(&d);
			free(c);
			free(x);
			free(y);
		} else if (strcmp(op, "holm") == 0) {
			double *p = read_vec(&n), *adj;
			adj = calloc(n ? n : 1, sizeof(*adj));
			nkt_stats_holm(p, n, adj);
			for (i = 0; i < n; i++)
				printf("%s%.17g", i ? " " : "", adj[i]);
			printf("\n");
			free(p);
			free(adj);
		} else {
			fprintf(stderr, "statcalc: unknown %s\n", op);
			return 2;
		}
		fflush(stdout);
	}
	return 0;
}
