#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Round trips of real results through `nktrace import --traces`.

1. RIPE Atlas: every result of every real Atlas file in tests/data/import
   (sagan, ripe-atlas-tools, ripe-atlas-monitor, pantrace, reticle: fw
   4460-5020, IPv4 and IPv6) is written back with every member it had,
   at every level, unchanged (addresses compared as addresses), no member
   it lacked among Atlas's, the same hops (no filler up to a hop 255);
   importing what was written gives the same summary, the same vantage
   points (one per probe).  The table of files is printed.
2. A packet that could not be sent (per-reply {"error": ...}, fw >= 5000)
   keeps its place and makes the stop reason ERROR, not GAPLIMIT.
3. scamper (pantrace's 1000 traces, gzip-compressed, IPv4-mapped
   addresses): targets are IPv4, sizes are Atlas's (reply_size minus the
   IP and ICMP headers), and re-importing gives the same summary and
   vantage point.
4. M-Lab files: the metadata line and the wrapped form are read; only
   M-Lab's hand-edited "*" addresses are refused.
5. Inputs nktrace cannot read say so in one line: warts, a cut-off gzip;
   gzip on standard input is read.
"""
import bz2
import gzip
import ipaddress
import json
import lzma
import os
import shutil
import subprocess
import sys
import tempfile

SRC = os.environ.get("NKT_SOURCE_ROOT", os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))))
BUILD = os.environ.get("NKT_BUILD_DIR", os.path.join(SRC, "build"))
NKTRACE = os.environ.get("NKT_NKTRACE") or os.path.join(BUILD, "nktrace")
DATA = os.path.join(SRC, "tests", "data", "import")
REAL = os.path.join(DATA, "realdata")
tmp = tempfile.mkdtemp(prefix="nkt-roundtrip-")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from checks import check, done  # noqa: E402

ADDR_KEYS = {"from", "src_addr", "dst_addr", "edst"}
# Members of an Atlas result (fw 4400 and later) that an Atlas reader
# knows; anything else nktrace writes is its own (icmp_type, asn, ...).
ATLAS_TOP = {"fw", "mver", "lts", "af", "dst_addr", "dst_name", "src_addr",
             "from", "proto", "paris_id", "size", "timestamp", "endtime",
             "msm_id", "prb_id", "group_id", "bundle", "stored_timestamp",
             "msm_name", "type", "result"}
ATLAS_REPLY = {"x", "from", "rtt", "size", "ttl", "ittl", "itos", "tos",
               "err", "mtu", "late", "dup", "edst", "flags", "icmpext",
               "error", "dstoptsize", "hbhoptsize"}


def run(args, stdin=None):
    return subprocess.run([NKTRACE, "import"] + args, input=stdin,
                          capture_output=True, timeout=600)


def records(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt") as f:
        text = f.read().strip()
    if text.startswith("["):
        return json.loads(text)
    out = []
    for line in text.splitlines():
        if line.strip():
            v = json.loads(line)
            out += v if isinstance(v, list) else [v]
    return out


def same(key, a, b):
    if key in ADDR_KEYS and isinstance(a, str) and isinstance(b, str) \
            and a and b:
        try:
            return ipaddress.ip_address(a) == ipaddress.ip_address(b)
        except ValueError:
            pass
    if type(a) is float or type(b) is float:
        return isinstance(b, (int, float)) and not isinstance(b, bool) \
            and abs(a - b) < 1e-9
    return a == b and type(a) is type(b)


def diff(a, b, path, out, counted):
    """Every member of a in b with the same value; Atlas members b has
    that a lacked."""
    if isinstance(a, dict):
        if not isinstance(b, dict):
            out.append("%s: not an object" % path)
            return
        for k, v in a.items():
            counted[0] += 1
            if k not in b:
                out.append("%s.%s: missing" % (path, k))
            elif isinstance(v, (dict, list)):
                diff(v, b[k], "%s.%s" % (path, k), out, counted)
            elif not same(k, v, b[k]):
                out.append("%s.%s: %r -> %r" % (path, k, v, b[k]))
        atlas = ATLAS_TOP if "result" in a and "fw" in a else \
            ATLAS_REPLY if "hop" not in a else {"hop", "result", "error"}
        for k in set(b) - set(a):
            if k in atlas:
                out.append("%s.%s: added (%r)" % (path, k, b[k]))
    elif isinstance(a, list):
        if not isinstance(b, list) or len(a) != len(b):
            out.append("%s: %d entries -> %s" % (
                path, len(a), len(b) if isinstance(b, list) else repr(b)))
            if not isinstance(b, list):
                return
        for i, (x, y) in enumerate(zip(a, b)):
            diff(x, y, "%s[%d]" % (path, i), out, counted)


def is_path(r):
    res = r.get("result")
    return isinstance(res, list) and r.get("dst_addr") != "" and not (
        len(res) == 1 and "hop" not in res[0])


def summary(path, extra=()):
    out = os.path.join(tmp, "s.json")
    p = run(["--quiet", "--json", "-o", out] + list(extra) + [path])
    with open(out) as f:
        s = json.load(f)
    return p, s


def comparable(s):
    s = dict(s)
    s.pop("files", None)
    inp = dict(s.pop("input"))
    # What each file held besides paths is not written back: failed
    # measurements, cycle records; and the writer's records count as
    # nktrace's when they came from scamper.
    for k in ("atlas", "scamper", "nktrace", "records", "cycle_records",
              "failed"):
        inp.pop(k, None)
    s["input"] = inp
    return s


# 1. Atlas.
atlas = sorted(os.path.join(DATA, f) for f in os.listdir(DATA)
               if f.startswith("atlas_") and f.endswith(".json"))
atlas += [os.path.join(REAL, "pantrace_atlas.jsonl"),
          os.path.join(REAL, "reticle_traceroute_records.ndjson")]
print("%-62s %7s %7s %8s %5s %9s %9s %6s" % (
    "file", "results", "written", "members", "diffs", "bytes in",
    "bytes out", "hops"))
tot = {"results": 0, "members": 0, "problems": []}
summaries_same, vantage_same, hop255 = [], [], [0, []]
for path in atlas:
    name = os.path.basename(path)
    tr = os.path.join(tmp, "tr.ndjson")
    p = run(["--quiet", "--traces", tr, path])
    src = [r for r in records(path) if is_path(r)]
    ours = records(tr) if os.path.getsize(tr) else []
    problems, counted = [], [0]
    if len(src) != len(ours):
        problems.append("%d results -> %d records" % (len(src), len(ours)))
    for i, (a, b) in enumerate(zip(src, ours)):
        diff(a, b, "%s[%d]" % (name, i), problems, counted)
    hops_in = sum(len(r["result"]) for r in src)
    hops_out = sum(len(r["result"]) for r in ours)
    for a, b in zip(src, ours):
        if any(h.get("hop") == 255 for h in a["result"]):
            hop255[0] += 1
            if [h.get("hop") for h in a["result"]] != \
                    [h.get("hop") for h in b["result"]]:
                hop255[1].append((name, a.get("prb_id"),
                                  len(a["result"]), len(b["result"])))
    print("%-62s %7d %7d %8d %5d %9d %9d %3d/%-3d" % (
        name[:62], len(src), len(ours), counted[0], len(problems),
        os.path.getsize(path), os.path.getsize(tr), hops_in, hops_out))
    tot["results"] += len(src)
    tot["members"] += counted[0]
    tot["problems"] += problems
    if src:
        _, s1 = summary(path)
        _, s2 = summary(tr)
        if comparable(s1) != comparable(s2):
            summaries_same.append(name)
        prbs = {r["prb_id"] for r in src if r.get("prb_id")}
        if prbs and not (s1["input"]["vantage_points"] ==
                         s2["input"]["vantage_points"] == len(prbs)):
            vantage_same.append((name, len(prbs),
                                 s1["input"]["vantage_points"],
                                 s2["input"]["vantage_points"]))
check(not tot["problems"] and tot["results"] >= 140,
      "Atlas: %d results written back with all %d members as read "
      "(hops, replies, who measured), nothing added" % (
          tot["results"], tot["members"]), [], tot["problems"][:6])
check(hop255[0] >= 10 and not hop255[1],
      "%d results with Atlas's hop 255: the same hop numbers written back "
      "(no filler hops before 255)" % hop255[0], [], hop255[1][:3])
check(not summaries_same, "import of what --traces wrote gives the same "
      "summary (RTTs, loss, transits, verdicts, vantage points)", [],
      summaries_same)
check(not vantage_same, "vantage points are the probes, before and after "
      "the round trip", [], vantage_same)

# 2. A packet that could not be sent.  Derived from pantrace's first
# result: at hop 3 the second packet fails, and nothing answers after it.
rec = records(os.path.join(REAL, "pantrace_atlas.jsonl"))[0]
rec["result"] = rec["result"][:3]
rec["result"][2]["result"][1] = {
    "error": "sendto failed: Network is unreachable"}
rec["result"][2]["result"][2] = {"x": "*"}
rec["result"][2]["result"][0] = {"x": "*"}
errf = os.path.join(tmp, "senderr.json")
with open(errf, "w") as f:
    f.write(json.dumps(rec) + "\n")
tr = os.path.join(tmp, "tr.ndjson")
p = run(["--quiet", "--traces", tr, errf])
back = records(tr)
problems = []
diff(rec, back[0], "rec", problems, [0])
check(not problems and back[0]["result"][2]["result"][1] ==
      rec["result"][2]["result"][1],
      "a per-reply {\"error\"} is written back where it stood", [],
      problems[:4])
check(back[0].get("stop_reason") == "ERROR",
      "... and the trace stopped with ERROR (not GAPLIMIT)", "ERROR",
      back[0].get("stop_reason"))

# 3. scamper: pantrace's traces (gzip), IPv4-mapped addresses.
pan = os.path.join(REAL, "pantrace_trace.sc_warts2json.json.gz")
p, s1 = summary(pan)
check(p.returncode == 0 and s1["input"]["scamper"] == 1000,
      "pantrace's 1000 scamper traces read from gzip", 1000,
      (p.returncode, s1["input"].get("scamper"), p.stderr[-300:]))
p = run(["--quiet", "--traces", tr, pan])
ours = records(tr)
v6 = [r["dst_addr"] for r in ours if r["af"] != 4 or ":" in r["dst_addr"]]
check(len(ours) == 1000 and not v6,
      "IPv4-mapped targets (::ffff:a.b.c.d) are IPv4: %d records, af 4" %
      len(ours), [], v6[:3])
src = [r for r in records(pan) if r.get("type") == "trace"]
bad = []
for a, b in zip(src, ours):
    want = {}
    for h in a.get("hops", []):
        hdr = (40 if ":" in h["addr"] and "." not in h["addr"] else 20) + \
            (0 if "tcp_flags" in h else 8)
        want.setdefault(h["probe_ttl"], []).append(
            max(h["reply_size"] - hdr, 0))
    got = {h["hop"]: [r["size"] for r in h.get("result", []) if "from" in r]
           for h in b["result"]}
    for ttl, sizes in want.items():
        if sorted(sizes) != sorted(got.get(ttl, [])):
            bad.append((b["dst_addr"], ttl, sizes, got.get(ttl)))
check(len(ours) == 1000 and not bad, "scamper reply_size becomes Atlas's size (minus IP and ICMP "
      "headers) for every reply", [], bad[:3])
_, s2 = summary(tr)
check(comparable(s1) == comparable(s2) and
      s1["input"]["vantage_points"] == s2["input"]["vantage_points"] == 1,
      "re-importing the written records gives the same summary and the "
      "same vantage point", s1["vantage_points"][:1],
      s2["vantage_points"][:1])

# 4. M-Lab.
mlab = {}
for f in sorted(os.listdir(REAL)):
    if f.startswith("mlab-"):
        p, s = summary(os.path.join(REAL, f))
        mlab[f] = (s["input"]["traceroutes"], s["input"]["malformed"],
                   s["input"]["cycle_records"], p.returncode)
want = {
    "mlab-trc_scamper1_valid-complex.jsonl": (0, 0, 3, 0),
    "mlab-trc_scamper2_valid-complex-dst-in-hops-v6.jsonl": (1, 0, 3, 0),
    "mlab-trc_scamper2_valid-complex.jsonl": (1, 0, 3, 0),
    "mlab-trc_scamper2_valid-simple-json.jsonl": (1, 0, 0, 0),
    "mlab-trc_scamper2_valid-simple.jsonl": (1, 0, 3, 0),
    "mlab-trc_scamper2_valid-star.jsonl": (0, 1, 3, 1),
    "mlab-trc_triggertrace_valid.jsonl": (0, 0, 3, 0),
}
check(mlab == want, "M-Lab files: (traceroutes, not valid, cycle and "
      "metadata records, exit): the metadata line is metadata, the wrapped "
      "form a trace, only the hand-edited '*' address is refused", want,
      mlab)
p, s = summary(os.path.join(REAL, "mlab-trc_scamper2_valid-simple-json"
                            ".jsonl"))
vps = [v.get("vantage") for v in s.get("vantage_points", [])]
check(any(v and v.startswith("autonode") for v in vps),
      "the wrapped form's cycle-start names the monitor", "autonode (...)",
      vps)

# 5. Inputs that cannot be read.
warts = os.path.join(DATA, "scamper_local-netns__trace_icmp-paris_v4.warts")
p = run(["--quiet", warts])
err = p.stderr.decode().strip().splitlines()
check(p.returncode == 1 and len(err) == 1 and "warts" in err[0] and
      "sc_warts2json" in err[0],
      "a warts file: one line saying to convert it with sc_warts2json, "
      "exit 1", "1 line", err)
data = gzip.compress(open(os.path.join(REAL, "pantrace_atlas.jsonl"),
                          "rb").read())
cut = os.path.join(tmp, "cut.json.gz")
with open(cut, "wb") as f:
    f.write(data[:len(data) * 2 // 3])
p, s = summary(cut)
err = p.stderr.decode().strip().splitlines()
check(p.returncode == 1 and any("gzip: unexpected end of file" in e
                                for e in err) and
      0 < s["input"]["traceroutes"] < 14,
      "a gzip file cut short: 'gzip: unexpected end of file', exit 1, the "
      "results before the cut still count (%s)" % s["input"]["traceroutes"],
      "exit 1", (p.returncode, err[:2]))
p = subprocess.run([NKTRACE, "import", "--quiet", "--json"],
                   input=data, capture_output=True, timeout=60)
try:
    n = json.loads(p.stdout)["input"]["traceroutes"]
except (ValueError, KeyError):
    n = None
check(p.returncode == 0 and n == 14, "gzip on standard input is read",
      14, (p.returncode, n, p.stderr[-200:]))
# bzip2 and xz, as RIS and Atlas archives come: whole, two streams one
# after another (as pbzip2 and xz -T write), on standard input, and cut.
raw = open(os.path.join(REAL, "pantrace_atlas.jsonl"), "rb").read()
for name, comp in (("bzip2", bz2.compress), ("xz", lzma.compress)):
    z = comp(raw)
    for what, blob, want in (("a file", z, 14), ("two streams", z + z, 28)):
        path = os.path.join(tmp, "in." + name)
        with open(path, "wb") as f:
            f.write(blob)
        p, s = summary(path)
        check(p.returncode == 0 and s["input"]["traceroutes"] == want,
              "%s, %s: read whole (%d traceroutes)" % (name, what, want),
              want, (p.returncode, s.get("input", {}).get("traceroutes"),
                     p.stderr[-200:]))
    p = subprocess.run([NKTRACE, "import", "--quiet", "--json"], input=z,
                       capture_output=True, timeout=60)
    check(p.returncode == 0 and
          json.loads(p.stdout)["input"]["traceroutes"] == 14,
          "%s on standard input is read" % name, 14,
          (p.returncode, p.stderr[-200:]))
    path = os.path.join(tmp, "cut." + name)
    with open(path, "wb") as f:
        f.write(z[:len(z) * 2 // 3])
    p, s = summary(path)
    err = p.stderr.decode().strip().splitlines()
    check(p.returncode == 1 and
          any("%s: unexpected end of file" % name in e for e in err),
          "%s cut short: '%s: unexpected end of file', exit 1" % (
              name, name), "exit 1", (p.returncode, err[:2]))

shutil.rmtree(tmp, ignore_errors=True)
done()
