# SPDX-License-Identifier: ISC
"""Helpers for nktrace's lab tests: a lab that is always torn down, commands
run inside its namespaces, ground truth, and checks that print both sides.

Every test brings up its own lab under a unique name, so a failed test never
leaves another test's lab in a strange state.  Not root: exit 77 (skipped).
"""
import atexit
import json
import math
import os
import re
import signal
import statistics
import subprocess
import sys

SRC = os.environ.get("NKT_SOURCE_ROOT",
                     os.path.dirname(os.path.dirname(os.path.dirname(
                         os.path.abspath(__file__)))))
BUILD = os.environ.get("NKT_BUILD_DIR", os.path.join(SRC, "build"))
LAB = os.path.join(SRC, "tools", "lab")
# NKT_NKTRACE: the binary under a wrapper (meson test --setup valgrindtools).
NKTRACE = os.environ.get("NKT_NKTRACE") or os.path.join(BUILD, "nktrace")

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from checks import check, done  # noqa: E402,F401 (re-exported)


def _exit_on_signal(signum, frame):
    """SIGTERM (meson's timeout, a CI runner stopping) and SIGHUP end the
    test through SystemExit, so atexit takes its lab down."""
    sys.exit(128 + signum)


signal.signal(signal.SIGTERM, _exit_on_signal)
signal.signal(signal.SIGHUP, _exit_on_signal)


def need_root():
    if os.geteuid() != 0:
        print("SKIP: lab tests need root (network namespaces)")
        sys.exit(77)


def sh(argv, check=True, timeout=600, input=None):
    p = subprocess.run(argv, capture_output=True, text=True, timeout=timeout,
                       input=input)
    if check and p.returncode != 0:
        raise RuntimeError("%s failed (%d): %s%s" % (
            " ".join(argv), p.returncode, p.stdout, p.stderr))
    return p


def lab_cmd(*args, check=True):
    return sh([sys.executable, LAB] + list(args), check=check)


class Lab:
    """A lab that exists for the life of the test process."""

    def __init__(self, name, scale=0.1, ratelimit=False, loss=(), seed=1,
                 diamonds="per-flow", third_uplink=False):
        """diamonds: "per-flow" (every lab's default), "all" (--diamonds:
        the per-packet balancer too) or "none" (--no-diamonds);
        third_uplink: --third-uplink (RETN, AS9002, which no data file
        names; no /24 over it until route(PREFIX, "retn"))."""
        self.name = name
        argv = ["up", "--name", name, "--scale", str(scale), "--seed",
                str(seed)]
        argv += {"per-flow": [], "all": ["--diamonds"],
                 "none": ["--no-diamonds"]}[diamonds]
        if not ratelimit:
            argv.append("--no-ratelimit")
        if third_uplink:
            argv.append("--third-uplink")
        for l in loss:
            argv += ["--loss", l]
        lab_cmd("down", "--name", name, check=False)
        atexit.register(self.down)
        lab_cmd(*argv)

    def down(self):
        lab_cmd("down", "--name", self.name, check=False)

    def exec(self, node, argv, check=True, timeout=600, input=None):
        return sh([sys.executable, LAB, "exec", "--name", self.name, node] +
                  list(argv), check=check, timeout=timeout, input=input)

    def truth(self, targets=None, via=None, flow=None):
        """tools/lab truth; flow ("icmp", "udp:SPORT:DPORT", ...) adds each
        path's flow_hops: that flow's own path where it is computable."""
        argv = ["truth", "--name", self.name]
        for t in targets or []:
            argv += ["--target", t]
        if via:
            argv += ["--via", via]
        if flow:
            argv += ["--flow", flow]
        return json.loads(lab_cmd(*argv).stdout)

    def route(self, prefix, transit):
        lab_cmd("route", "--name", self.name, prefix, "via", transit)

    def link(self, link, *opts):
        lab_cmd("link", "--name", self.name, link, *opts)

    def ns(self, node):
        return "%s-%s" % (self.name, node)

    def capture(self, node, path):
        """An independent capture of every interface of `node` (wire.py):
        `with lab.capture("vp", path): ...` probes only once it listens."""
        import wire
        return wire.Capture(self.ns(node), path)


def rtt_ok(measured, expected, rel=0.10, abs_ms=2.0):
    """Within rel of expected, or within abs_ms."""
    return abs(measured - expected) <= max(rel * expected, abs_ms)


def truth_hops(path):
    """[(hop, addr or None)] from a truth path (or a list of its hops); the
    last entry is the target itself."""
    hops = path["hops"] if isinstance(path, dict) else path
    return [(h["hop"], h["addr"]) for h in hops]


def alternatives(path):
    """Every hop list one flow may follow on a truth path: the lab's
    per-flow diamonds give several.  Which one a flow takes is known only
    over diamonds the lab computes (Lab.truth(flow=...)); the kernel's
    multipath hash key is drawn per boot."""
    return path.get("alternatives") or [path["hops"]]


def followed(path, hops_of, want_of=None):
    """(alternative, its hop list) of truth's `path` that one flow
    followed: the first whose hop list want_of(alt) (default truth_hops)
    equals hops_of(n), the trace's first n hops for that list's length n;
    the first alternative if none does (the check then fails showing it)."""
    want_of = want_of or truth_hops
    alts = [(a, want_of(a)) for a in alternatives(path)]
    for a, want in alts:
        if hops_of(len(want)) == want:
            return a, want
    return alts[0]


def flow_of(rec):
    """The flow of an Atlas-format record, as `tools/lab truth --flow`
    takes it."""
    proto = rec["proto"].lower()
    return proto if proto == "icmp" else "%s:%d:%d" % (
        proto, rec["sport"], rec["dport"])


def hop_addrs(path):
    """{hop: set of addresses (None: silence) a probe at that TTL may meet}
    over every alternative of a truth path."""
    return {h["hop"]: set(h["addrs"]) for h in path["hop_addrs"]}


def off_path(path, pairs):
    """The (TTL, address or None) pairs a tracer saw that no path of
    truth's gives at that TTL, in TTL order (empty: all possible)."""
    may = hop_addrs(path)
    return sorted(((h, a) for h, a in pairs if a not in may.get(h, ())),
                  key=lambda x: (x[0], x[1] or ""))


def parse_traceroute(text):
    """Debian traceroute -n output -> {hop: [(addr, rtt_ms), ...]}, with
    (None, None) for each '*'."""
    hops = {}
    for line in text.splitlines()[1:]:
        m = re.match(r"\s*(\d+)\s+(.*)", line)
        if not m:
            continue
        hop, rest = int(m.group(1)), m.group(2)
        out = []
        addr = None
        for tok in re.findall(r"\*|\d+\.\d+\.\d+\.\d+|[\d.]+ ms|![A-Za-z]*",
                              rest):
            if tok == "*":
                out.append((None, None))
            elif tok.endswith(" ms"):
                out.append((addr, float(tok[:-3])))
            elif tok.startswith("!"):
                continue
            else:
                addr = tok
        hops[hop] = out
    return hops


def binom_interval(n, p, level=0.99):
    """Central interval of Binomial(n, p) holding at least `level`."""
    lo_tail = (1 - level) / 2

    def pmf(k):
        if p == 0:
            return 1.0 if k == 0 else 0.0
        if p == 1:
            return 1.0 if k == n else 0.0
        return math.exp(math.lgamma(n + 1) - math.lgamma(k + 1) -
                        math.lgamma(n - k + 1) + k * math.log(p) +
                        (n - k) * math.log(1 - p))
    cdf, lo = 0.0, 0
    for k in range(n + 1):
        cdf += pmf(k)
        if cdf > lo_tail:
            lo = k
            break
    cdf, hi = 0.0, n
    for k in range(n, -1, -1):
        cdf += pmf(k)
        if cdf > lo_tail:
            hi = k
            break
    return lo, hi


def median(xs):
    return statistics.median(xs) if xs else None
