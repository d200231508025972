#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""nktrace's statistics against independent references, on fixed inputs
(seeded) and at several levels, so that a change of level, of the unit a
method works on, or of a formula fails here:

  - Hodges-Lehmann shift and pseudo-median: the median of every pairwise
    difference or Walsh average, built in full here; their intervals: the
    order statistics the test's null distribution names, that distribution
    counted here with Python integers (no shared code with nktrace's
    probability recursion); the p-values: scipy's mannwhitneyu and
    wilcoxon with the same method (exact or asymptotic) and corrections;
  - the order-statistic interval of a median: scipy's binomial;
  - Student's t: scipy; Wilson at 0.9, 0.95, 0.99, 0.999: statsmodels;
    Holm: statsmodels' multipletests;
  - loss over hosts: the ratio estimator's cluster-robust variance written
    out here from its textbook form, with scipy's t.

Needs Debian's python3-scipy and python3-statsmodels (run by /usr/bin/python3).
"""
import math
import os
import random
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                ".."))
from checks import check, done  # noqa: E402

from scipy import stats  # noqa: E402
from statsmodels.stats.multitest import multipletests  # noqa: E402
from statsmodels.stats.proportion import proportion_confint  # noqa: E402

STATCALC = os.environ.get("NKT_STATCALC") or sys.argv[1]
EXACT_MAX, WILCOXON_EXACT_MAX = 2500, 50
LEVELS = (0.9, 0.95, 0.99, 0.999)
rng = random.Random(20261201)
lines, refs = [], []


def ask(line, ref):
    lines.append(line)
    refs.append(ref)


def fmt(v):
    return " ".join(repr(float(x)) for x in v)


def z(level):
    return stats.norm.ppf(1 - (1 - level) / 2)


# ---- references ------------------------------------------------------------

def mw_counts(m, n):
    """Number of arrangements with U = u, u = 0..m*n (integers)."""
    memo = {}

    def f(a, b):
        if (a, b) in memo:
            return memo[(a, b)]
        if a == 0 or b == 0:
            r = [1]
        else:
            left, right = f(a - 1, b), f(a, b - 1)
            r = [0] * (a * b + 1)
            for u, c in enumerate(left):
                r[u + b] += c
            for u, c in enumerate(right):
                r[u] += c
        memo[(a, b)] = r
        return r
    return f(m, n)


def wilcoxon_counts(n):
    c = [1]
    for r in range(1, n + 1):
        nc = [0] * (len(c) + r)
        for s, v in enumerate(c):
            nc[s] += v
            nc[s + r] += v
        c = nc
    return c


def critical(counts, level):
    """Largest c with P(S <= c) <= (1 - level) / 2, and P(S <= c)."""
    total, tail = sum(counts), (1 - level) / 2 * (1 + 1e-9)
    cum, c, pc = 0, -1, 0.0
    for u, k in enumerate(counts):
        cum += k
        if cum / total <= tail:
            c, pc = u, cum / total
        else:
            break
    return c, pc, counts[0] / total


def invert(vals, c, level, mu=None, sd=None):
    vals = sorted(vals)
    return vals[c], vals[len(vals) - 1 - c]


def median(v):
    v = sorted(v)
    n = len(v)
    return v[n // 2] if n % 2 else v[n // 2 - 1] + (v[n // 2] -
                                                  v[n // 2 - 1]) / 2


def ref_mw(x, y, level):
    diffs = [a - b for a in x for b in y]
    N, n = len(diffs), len(x) + len(y)
    ties = len(set(x + y)) < n
    exact = not ties and N <= EXACT_MAX
    p = stats.mannwhitneyu(x, y, alternative="two-sided",
                           method="exact" if exact else "asymptotic",
                           use_continuity=True).pvalue
    if exact:
        c, pc, p0 = critical(mw_counts(min(len(x), len(y)),
                                       max(len(x), len(y))), level)
    else:
        allv = sorted(x + y)
        tie = sum(allv.count(v) ** 3 - allv.count(v) for v in set(allv))
        sd = math.sqrt(N / 12 * ((n + 1) - tie / (n * (n - 1))))
        c = math.floor(N / 2 - z(level) * sd - 0.5) if sd > 0 else -1
        pc = stats.norm.cdf((c + 0.5 - N / 2) / sd) if sd > 0 else 0
    if c < 0:
        lo = hi = float("nan")
    else:
        lo, hi = invert(diffs, c, level)
    return [median(diffs), lo, hi, None, p]


def ref_wilcoxon(d, level):
    nz = [v for v in d if v != 0]
    n = len(nz)
    if n == 0:
        return [float("nan"), float("nan"), float("nan"), None, 1.0]
    walsh = [(nz[i] + nz[j]) / 2 for i in range(n) for j in range(i, n)]
    absv = [abs(v) for v in nz]
    ties = len(set(absv)) < n
    exact = not ties and len(nz) == len(d) and n <= WILCOXON_EXACT_MAX
    p = stats.wilcoxon(d, zero_method="wilcox", correction=True,
                       method="exact" if exact else "approx").pvalue
    N = len(walsh)
    if exact:
        c, pc, p0 = critical(wilcoxon_counts(n), level)
    else:
        tie = sum(absv.count(v) ** 3 - absv.count(v) for v in set(absv))
        sd = math.sqrt(n * (n + 1) * (2 * n + 1) / 24 - tie / 48)
        c = math.floor(N / 2 - z(level) * sd - 0.5) if sd > 0 else -1
    lo, hi = invert(walsh, c, level) if c >= 0 else (float("nan"),) * 2
    return [median(walsh), lo, hi, None, p]


def ref_median(v, level):
    n = len(v)
    s = sorted(v)
    tail = (1 - level) / 2 * (1 + 1e-9)
    c = -1
    for k in range(n):
        if stats.binom.cdf(k, n, 0.5) <= tail:
            c = k
        else:
            break
    q = s[(n - 1) // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2
    if c < 0:
        return [q, float("nan"), float("nan"), None, 1.0]
    return [q, s[c], s[n - 1 - c], 1 - 2 * stats.binom.cdf(c, n, 0.5), 1.0]


def ref_loss_side(c):
    c = [(l, s) for l, s in c if s > 0]
    lost, sent = sum(l for l, _ in c), sum(s for _, s in c)
    if sent == 0:
        return None
    r, k = lost / sent, len(c)
    var = (k / (k - 1) * sum((l - r * s) ** 2 for l, s in c) / sent ** 2
           if k > 1 else 0.0)
    pt = (lost + 1) / (sent + 2)
    floor = pt * (1 - pt) / (sent + 2)
    if var < floor:
        return r, floor, k, lost, sent, sent - 1
    return r, var, k, lost, sent, k - 1


def ref_loss(c, level):
    side = ref_loss_side(c)
    r, var, k, lost, sent, df = side
    w = proportion_confint(lost, sent, alpha=1 - level, method="wilson")
    if k < 2:
        return [r, w[0], w[1], var, df, k]
    h = stats.t.ppf(1 - (1 - level) / 2, df) * math.sqrt(var)
    return [r, max(0, min(r - h, w[0])), min(1, max(r + h, w[1])), var,
            df, k]


def ref_t(d, var, df, level):
    se = math.sqrt(var)
    h = stats.t.ppf(1 - (1 - level) / 2, df) * se
    p = 2 * stats.t.sf(abs(d) / se, df) if se > 0 else (1.0 if d == 0
                                                         else 0.0)
    return [1, d, d - h, d + h, min(p, 1.0), df]


def ref_lossdiff(a, b, level):
    sa, sb = ref_loss_side(a), ref_loss_side(b)
    if not sa or not sb or sa[2] < 2 or sb[2] < 2:
        return [0, None, None, None, 1.0, None]
    v = sa[1] + sb[1]
    df = v * v / (sa[1] ** 2 / sa[5] + sb[1] ** 2 / sb[5])
    return ref_t(sa[0] - sb[0], v, df, level)


def ref_losspaired(pairs, level):
    pairs = [p for p in pairs if p[1] > 0 and p[3] > 0]
    k = len(pairs)
    if k < 2:
        return [0, None, None, None, 1.0, None]
    la, sa = sum(p[0] for p in pairs), sum(p[1] for p in pairs)
    lb, sb = sum(p[2] for p in pairs), sum(p[3] for p in pairs)
    ra, rb = la / sa, lb / sb
    zs = [(p[0] - ra * p[1]) / sa - (p[2] - rb * p[3]) / sb for p in pairs]
    v = k / (k - 1) * sum(x * x for x in zs)
    fl = sum(q * (1 - q) / (s + 2) for q, s in (((la + 1) / (sa + 2), sa),
                                                ((lb + 1) / (sb + 2), sb)))
    if v > fl:
        return ref_t(ra - rb, v, k - 1, level)
    return ref_t(ra - rb, fl, sa + sb - 2, level)


# ---- the cases --------------------------------------------------------------

def sample(n, spread=20.0, ties=False):
    if ties:
        return [round(rng.gauss(100, spread)) for _ in range(n)]
    return [round(rng.gauss(100, spread), 3) + rng.random() * 1e-6
            for _ in range(n)]


for level in LEVELS:
    for nx, ny, ties in ((1, 1, 0), (1, 5, 0), (2, 2, 0), (3, 3, 0),
                         (4, 4, 0), (5, 5, 0), (5, 7, 0), (8, 3, 0),
                         (10, 10, 0), (12, 9, 0), (6, 6, 1), (10, 12, 1),
                         (45, 55, 0), (60, 70, 0), (40, 30, 1)):
        x, y = sample(nx, ties=ties), [v + rng.choice((0, 5, 15))
                                       for v in sample(ny, ties=ties)]
        ask("mw %r %d %s %d %s" % (level, nx, fmt(x), ny, fmt(y)),
            ("mw", ref_mw(x, y, level), (nx, ny, level, ties)))
    for n, kind in ((1, ""), (2, ""), (5, ""), (6, ""), (8, ""), (10, ""),
                    (15, ""), (20, ""), (30, ""), (49, ""), (60, ""),
                    (12, "ties"), (12, "zeros"), (40, "ties")):
        d = [round(rng.gauss(3, 5), 3) + rng.random() * 1e-6
             for _ in range(n)]
        if kind == "ties":
            d = [round(v) or 1 for v in d]
        if kind == "zeros":
            d[0] = d[3] = 0.0
        ask("wilcoxon %r %d %s" % (level, n, fmt(d)),
            ("wilcoxon", ref_wilcoxon(d, level), (n, kind, level)))
    for n in (1, 2, 5, 6, 7, 9, 12, 20, 33, 100):
        v = sample(n)
        ask("median %r %d %s" % (level, n, fmt(v)),
            ("median", ref_median(v, level), (n, level)))
    for k, n in ((0, 10), (1, 10), (5, 50), (17, 200), (0, 1), (3, 3),
                 (250, 100000)):
        lo, hi = proportion_confint(k, n, alpha=1 - level, method="wilson")
        ask("wilson %d %d %r" % (k, n, level),
            ("pair", [lo, hi], ("wilson", k, n, level)))
    for hosts in (1, 2, 5, 10):
        c = [(rng.choice((0, 0, 1, 2, 9)), 18) for _ in range(hosts)]
        ask("loss %r %d %s" % (level, hosts, " ".join("%d %d" % x
                                                       for x in c)),
            ("loss", ref_loss(c, level), (hosts, level)))
        cb = [(rng.choice((0, 1, 2, 11)), 10) for _ in range(hosts + 1)]
        ask("lossdiff %r %d %s %d %s" % (
            level, hosts, " ".join("%d %d" % x for x in c), hosts + 1,
            " ".join("%d %d" % x for x in cb)),
            ("diff", ref_lossdiff(c, cb, level), ("lossdiff", hosts, level)))
        pairs = [(rng.choice((0, 1, 3)), 10, rng.choice((0, 2, 5)), 10)
                 for _ in range(hosts)]
        ask("losspaired %r %d %s" % (level, hosts, " ".join(
            "%d %d %d %d" % p for p in pairs)),
            ("diff", ref_losspaired(pairs, level), ("paired", hosts, level)))
    for df in (1, 2, 3.5, 9, 30, 1000):
        ask("tcrit %r %r" % (level, df),
            ("num", [stats.t.ppf(1 - (1 - level) / 2, df)], ("tcrit", df,
                                                              level)))
for t, df in ((0.5, 1), (-2, 3), (2.2, 9.4), (10, 4), (-0.1, 200)):
    ask("tcdf %r %r" % (t, df), ("num", [stats.t.cdf(t, df)], ("tcdf", t,
                                                                df)))
# Brunner-Munzel against scipy.stats.brunnermunzel: unequal spreads,
# ties, small and large samples.
for nx, ny, sx, sy, ties in ((2, 2, 5, 5, 0), (3, 8, 40, 5, 0),
                             (10, 20, 40, 5, 0), (10, 20, 5, 40, 0),
                             (7, 7, 10, 10, 1), (25, 40, 30, 3, 1),
                             (60, 15, 2, 20, 0)):
    x = sample(nx, sx, ties)
    y = [v + rng.choice((0, 3)) for v in sample(ny, sy, ties)]
    ask("bm %d %s %d %s" % (nx, fmt(x), ny, fmt(y)),
        ("bm", [stats.brunnermunzel(x, y).pvalue], ("bm", nx, ny, sx,
                                                       sy, ties)))
# Its interval of the shift, inverted: just inside each end scipy's
# Brunner-Munzel keeps the shift (p >= 1 - level), just outside it rejects
# it (p < 1 - level, or the samples separate completely).
bmci = []
for nx, ny, sx, sy, level in ((5, 7, 40, 5, 0.95), (10, 20, 40, 5, 0.95),
                              (10, 20, 5, 40, 0.9), (12, 12, 10, 10, 0.95),
                              (30, 25, 20, 3, 0.99)):
    x = sample(nx, sx)
    y = [v + 4 for v in sample(ny, sy)]
    est = median([a - b for a in x for b in y])
    ask("bmci %r %r %d %s %d %s" % (level, est, nx, fmt(x), ny, fmt(y)),
        ("bmci", [level, x, y], ("bmci", nx, ny, sx, sy, level)))
ps = [rng.random() ** 3 for _ in range(6)]
ask("holm %d %s" % (len(ps), fmt(ps)),
    ("num", list(multipletests(ps, method="holm")[1]), ("holm",)))

out = subprocess.run([STATCALC], input="\n".join(lines) + "\n",
                     capture_output=True, text=True)
check(out.returncode == 0, "statcalc answers every line", 0,
      (out.returncode, out.stderr[-300:]))
answers = out.stdout.splitlines()
check(len(answers) == len(lines), "one answer per line", len(lines),
      len(answers))


def same(a, b, rel=1e-9, abs_=1e-12):
    if a is None:
        return True
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return abs(a - b) <= max(abs_, rel * abs(a))


bad = {}
for line, (kind, want, what), got in zip(lines, refs, answers):
    g = [float(x) for x in got.split()]
    if kind == "bmci":
        level, x, y = want
        lo, hi = g
        span = max(hi - lo, 1e-6)

        def keeps(d):
            p = stats.brunnermunzel([v - d for v in x], y).pvalue
            return not math.isnan(p) and p >= 1 - level
        eps = 1e-7 * span
        ok = (lo < hi and keeps(lo + eps) and not keeps(lo - 1e-3 * span)
              and keeps(hi - eps) and not keeps(hi + 1e-3 * span))
    elif kind in ("mw", "wilcoxon", "median"):
        # est, lo, hi (exact: the same order statistics), p (scipy).
        ok = (same(want[0], g[0], 1e-12) and same(want[1], g[1], 0) and
              same(want[2], g[2], 0) and same(want[4], g[4], 1e-7))
    elif kind == "loss":
        # scipy's t.ppf is good to about 1e-9 (its own t.cdf says so).
        ok = all(same(w, x, 1e-8) for w, x in zip(want, g))
    elif kind == "diff":
        ok = int(g[0]) == want[0] and (want[0] == 0 or all(
            same(w, x, 1e-7) for w, x in zip(want[1:], g[1:])))
    else:
        ok = all(same(w, x, 1e-7) for w, x in zip(want, g))
    key = "%s %s" % (kind, what[0] if kind in ("pair",) else "")
    bad.setdefault(key.strip(), [])
    if not ok:
        bad[key.strip()].append((what, want, g))
for key in sorted(bad):
    n = sum(1 for _, (k, _, w) in zip(lines, refs)
            if ("%s %s" % (k, w[0] if k == "pair" else "")).strip() == key)
    check(not bad[key], "%s: %d cases equal the reference" % (key, n),
          [], bad[key][:3])
done()
