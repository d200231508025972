// SPDX-License-Identifier: ISC
/*
 * verdict_text.c: the verdicts as sentences, the names of the designs and
 * tests (see verdict.h): what a claim rests on, or why there is not
 * enough evidence.  Pure.
 */
#include "nktrace/verdict.h"
#include "compare_int.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *nkt_verdict_design_name(enum nkt_cmp_design d)
{
	switch (d) {
	case NKT_DESIGN_PAIRED:
		return "paired";
	case NKT_DESIGN_HOSTS:
		return "hosts";
	case NKT_DESIGN_FLOWS_SLOTS:
		return "flows and slots";
	case NKT_DESIGN_VANTAGE:
		return "vantage points";
	default:
		return "none";
	}
}

const char *nkt_verdict_test_name(enum nkt_cmp_design d)
{
	if (d == NKT_DESIGN_HOSTS)
		return "Mann-Whitney and Brunner-Munzel";
	if (d == NKT_DESIGN_FLOWS_SLOTS)
		return "Mann-Whitney over flows and Wilcoxon signed-rank over "
		       "slots";
	return d == NKT_DESIGN_PAIRED || d == NKT_DESIGN_VANTAGE
		       ? "Wilcoxon signed-rank"
		       : "Mann-Whitney";
}

/* The p-value a decision rests on: Holm-adjusted over the comparisons
 * made. */
static void fmt_p(char *buf, size_t len, double p)
{
	if (isnan(p))
		snprintf(buf, len, "p n/a");
	else if (p < 0.001)
		snprintf(buf, len, "p<0.001");
	else
		snprintf(buf, len, "p=%.3f", p);
}

void nkt_verdict_loss_text(char *buf, size_t len, double l)
{
	if (isnan(l))
		snprintf(buf, len, "-");
	else if (l < 0.00005)
		snprintf(buf, len, "0.0%%");
	else if (l < 0.001)
		snprintf(buf, len, "%.2f%%", l * 100);
	else
		snprintf(buf, len, "%.1f%%", l * 100);
}

/* v, or 0 where %.1f would print "-0.0". */
static double no_minus_zero(double v)
{
	return v < 0 && v > -0.05 ? 0.0 : v;
}

/* "98 ms" style digits: one decimal below 20 ms or for a narrow interval. */
static int digits(double v, struct nkt_ci ci)
{
	return fabs(v) < 20 || ci.hi - ci.lo < 2 ? 1 : 0;
}

/* The faster (nearer) side first: est = a - b < 0 means a is faster. */
static void oriented(const struct nkt_cmp_diff *d, const struct nkt_shift *s,
		     const char **fast, const char **slow, double *v,
		     struct nkt_ci *ci, int *a_first)
{
	*a_first = s->est <= 0;
	*fast = *a_first ? d->a : d->b;
	*slow = *a_first ? d->b : d->a;
	*v = fabs(s->est);
	ci->lo = *a_first ? -s->ci.hi : s->ci.lo;
	ci->hi = *a_first ? -s->ci.lo : s->ci.hi;
}

static size_t put(char *buf, size_t len, size_t off, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static size_t put(char *buf, size_t len, size_t off, const char *fmt, ...)
{
	va_list ap;
	int n;
	if (off >= len)
		return off;
	va_start(ap, fmt);
	n = vsnprintf(buf + off, len - off, fmt, ap);
	va_end(ap);
	return n < 0 ? off : off + (size_t)n;
}

static size_t loss_part(const struct nkt_cmp_diff *d, double level,
			char *buf, size_t len, size_t off)
{
	const struct nkt_cmp_losstest *l = &d->loss;
	char la[16], lb[16], p[32], pct[16];

	nkt_verdict_loss_text(la, sizeof(la), l->rate_a);
	nkt_verdict_loss_text(lb, sizeof(lb), l->rate_b);
	nkt__fmt_conf(pct, sizeof(pct), level);
	fmt_p(p, sizeof(p), l->p_holm);
	if (l->claim)
		off = put(buf, len, off,
			  "; loss %s via %s vs %s via %s, a real difference "
			  "(%s CI %+.1f to %+.1f points, %s)",
			  la, d->a, lb, d->b, pct, l->d.ci.lo * 100,
			  l->d.ci.hi * 100, p);
	else if (l->available && (l->d.ci.lo > 0 || l->d.ci.hi < 0))
		off = put(buf, len, off,
			  "; loss %s vs %s: not enough evidence (%s CI %+.1f "
			  "to %+.1f points, but p=%.3f, %s over the %zu tests "
			  "taken together, does not reach the level)",
			  la, lb, pct, l->d.ci.lo * 100, l->d.ci.hi * 100,
			  l->d.p, p, d->family);
	else if (l->available)
		off = put(buf, len, off,
			  "; loss %s vs %s, no clear difference (%s CI "
			  "%+.1f to %+.1f points, %s)",
			  la, lb, pct, l->d.ci.lo * 100, l->d.ci.hi * 100, p);
	else if (!isnan(l->rate_a) || !isnan(l->rate_b))
		off = put(buf, len, off, "; loss %s vs %s (not compared: %s)",
			  la, lb, l->why);
	if (l->dark_a)
		off = put(buf, len, off, "; %zu %s via %s answered none of "
					 "its end-to-end probes",
			  l->dark_a, nkt__plural(l->dark_a, "host", "hosts"),
			  d->a);
	if (l->dark_b)
		off = put(buf, len, off, "; %zu %s via %s answered none of "
					 "its end-to-end probes",
			  l->dark_b, nkt__plural(l->dark_b, "host", "hosts"),
			  d->b);
	if (l->went_dark_a)
		off = put(buf, len, off, "; %zu %s via %s went dark while "
					 "measured (not counted as loss)",
			  l->went_dark_a, nkt__plural(l->went_dark_a, "host", "hosts"),
			  d->a);
	if (l->went_dark_b)
		off = put(buf, len, off, "; %zu %s via %s went dark while "
					 "measured (not counted as loss)",
			  l->went_dark_b, nkt__plural(l->went_dark_b, "host", "hosts"),
			  d->b);
	return off;
}

/* What n hosts over both can give at best: the exact signed-rank test's
 * least p is 2/2^n ("6 hosts over both: at most 96.9% confidence before
 * adjustment"). */
static const char *paired_floor(const struct nkt_cmp_test *t, char *buf,
				size_t len)
{
	double least = t->units_a < 64 ? 2.0 / ldexp(1.0, (int)t->units_a)
				      : 0;
	snprintf(buf, len,
		 " (%zu hosts over both: at most %.1f%% confidence before "
		 "adjustment; more hosts measured over both transits would "
		 "settle it)",
		 t->units_a, 100 * (1 - least));
	return buf;
}

char *nkt_verdict_text(const struct nkt_cmp_diff *d, double level, char *buf,
		       size_t len)
{
	const struct nkt_cmp_test *t = &d->e2e;
	const char *fast, *slow;
	char pct[16], p[32], to[96] = "", floor[160];
	double v;
	struct nkt_ci ci;
	int a_first, dig;
	size_t off = 0;

	buf[0] = '\0';
	if (!d->valid) {
		snprintf(buf, len, "no comparison: fewer than two transits "
				   "with hosts");
		return buf;
	}
	nkt__fmt_conf(pct, sizeof(pct), level);
	if (d->prefix_str[0])
		snprintf(to, sizeof(to), " to %s", d->prefix_str);
	fmt_p(p, sizeof(p), t->p_holm);
	oriented(d, &t->s, &fast, &slow, &v, &ci, &a_first);
	dig = digits(v, ci);
	if (t->claim && t->design == NKT_DESIGN_PAIRED)
		off = put(buf, len, off,
			  "%s is %.*f ms faster than %s%s, the same %zu hosts "
			  "measured over both (%s CI %.*f-%.*f ms, %s %s)",
			  fast, dig, v, slow, to, t->units_a, pct, dig, ci.lo,
			  dig, ci.hi, nkt_verdict_test_name(t->design), p);
	else if (t->claim)
		/* Different hosts behind each transit: the figure is the
		 * hosts' difference (their own delays inside North Korea
		 * included), not a transit's; the border says that. */
		off = put(buf, len, off,
			  "the hosts behind %s answer %.*f ms sooner than "
			  "those behind %s%s end to end (%zu and %zu different "
			  "hosts: their own delays inside North Korea "
			  "included, so this is not the transits' own "
			  "difference; %s CI %.*f-%.*f ms, %s %s)",
			  fast, dig, v, slow, to,
			  a_first ? t->units_a : t->units_b,
			  a_first ? t->units_b : t->units_a, pct, dig, ci.lo,
			  dig, ci.hi, nkt_verdict_test_name(t->design), p);
	else if (t->available && !(ci.lo > 0 || ci.hi < 0))
		off = put(buf, len, off,
			  "no clear end-to-end RTT difference between %s and "
			  "%s%s (%s: %.1f ms, %s CI %.1f to %.1f ms, %s %s)",
			  fast, slow, to,
			  t->design == NKT_DESIGN_PAIRED
				  ? "the same hosts over both"
				  : "different hosts",
			  v, pct, no_minus_zero(ci.lo), no_minus_zero(ci.hi),
			  nkt_verdict_test_name(t->design), p);
	else if (t->available && t->s.p >= 1 - level)
		/* The interval excludes 0, the test's own p does not reach
		 * the level (Brunner-Munzel's, or the slots', is the larger):
		 * never "no clear difference" beside it. */
		off = put(buf, len, off,
			  "not enough evidence for an end-to-end verdict "
			  "between %s and %s%s: %.1f ms, %s CI %.1f to %.1f ms, "
			  "but %s p=%.3f does not reach the level",
			  fast, slow, to, v, pct, no_minus_zero(ci.lo),
			  no_minus_zero(ci.hi),
			  nkt_verdict_test_name(t->design), t->s.p);
	else if (t->available)
		/* The interval alone excludes 0, but not once the family's
		 * tests are taken together: said as such, never as "no clear
		 * difference" beside an interval that excludes 0. */
		off = put(buf, len, off,
			  "not enough evidence for an end-to-end verdict "
			  "between %s and %s%s once its %zu tests are taken "
			  "together: %.1f ms, %s CI %.1f to %.1f ms before "
			  "that adjustment, %s p=%.3f, %s after it%s",
			  fast, slow, to, d->family, v, pct,
			  no_minus_zero(ci.lo), no_minus_zero(ci.hi),
			  nkt_verdict_test_name(t->design), t->s.p, p,
			  t->design == NKT_DESIGN_PAIRED && t->s.exact
				  ? paired_floor(t, floor, sizeof(floor))
				  : "");
	else
		off = put(buf, len, off,
			  "not enough evidence for an end-to-end verdict "
			  "between %s and %s%s: %s",
			  d->a, d->b, to, t->why);
	loss_part(d, level, buf, len, off);
	return buf;
}

char *nkt_verdict_border(const struct nkt_cmp_diff *d, double level,
			 const struct nkt_addrtab *addrs, char *buf,
			 size_t len)
{
	const struct nkt_cmp_test *t = &d->border;
	const char *fast, *slow;
	char pct[16], p[32], ba[NKT_ADDRSTRLEN], bb[NKT_ADDRSTRLEN];
	char to[96] = "";
	double v;
	struct nkt_ci ci;
	int a_first, dig;

	if (!d->valid) {
		snprintf(buf, len, "no comparison");
		return buf;
	}
	if (d->prefix_str[0])
		snprintf(to, sizeof(to), " (to %s)", d->prefix_str);
	nkt__fmt_conf(pct, sizeof(pct), level);
	fmt_p(p, sizeof(p), t->p_holm);
	oriented(d, &t->s, &fast, &slow, &v, &ci, &a_first);
	nkt_addrtab_fmt(addrs, a_first ? d->border_a : d->border_b, ba);
	nkt_addrtab_fmt(addrs, a_first ? d->border_b : d->border_a, bb);
	dig = digits(v, ci);
	if (t->claim && t->design == NKT_DESIGN_FLOWS_SLOTS)
		snprintf(buf, len,
			 "%s's border (%s) is %.*f ms nearer than %s's "
			 "(%s)%s (%s CI %.*f-%.*f ms, %s, the larger %s, %zu "
			 "vs %zu flows in %zu %d-minute slots)",
			 fast, ba, dig, v, slow, bb, to, pct, dig, ci.lo, dig,
			 ci.hi, nkt_verdict_test_name(t->design), p,
			 a_first ? t->units_a : t->units_b,
			 a_first ? t->units_b : t->units_a, t->slots,
			 NKT_CMP_SLOT_S / 60);
	else if (t->claim)
		snprintf(buf, len,
			 "%s's border (%s) is %.*f ms nearer than %s's "
			 "(%s)%s (%s CI %.*f-%.*f ms, %s %s, %zu vs %zu %s)",
			 fast, ba, dig, v, slow, bb, to, pct, dig, ci.lo, dig,
			 ci.hi, nkt_verdict_test_name(t->design), p,
			 a_first ? t->units_a : t->units_b,
			 a_first ? t->units_b : t->units_a,
			 nkt_verdict_design_name(t->design));
	else if (t->available && (ci.lo > 0 || ci.hi < 0))
		/* the interval excludes 0, the p-value does not reach the
		 * level (the larger of two tests, or after Holm) */
		snprintf(buf, len,
			 "not enough evidence at the border%s: %s's border "
			 "(%s) %.1f ms nearer than %s's (%s), %s CI %.1f to "
			 "%.1f ms, but %s p=%.3f, %s over the %zu tests taken "
			 "together, does not reach the level",
			 to, fast, ba, v, slow, bb, pct, ci.lo, ci.hi,
			 nkt_verdict_test_name(t->design), t->s.p, p,
			 d->family);
	else if (t->available)
		snprintf(buf, len,
			 "no clear difference between %s's border (%s) and "
			 "%s's (%s)%s (%.1f ms, %s CI %.1f to %.1f ms, %s %s)",
			 fast, ba, slow, bb, to, v, pct, no_minus_zero(ci.lo),
			 no_minus_zero(ci.hi),
			 nkt_verdict_test_name(t->design), p);
	else
		snprintf(buf, len, "not enough evidence at the border%s: %s",
			 to, t->why);
	return buf;
}
