#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""nktrace import against real RIPE Atlas and scamper results.

1. Every sample in tests/data/import (and peers/scamper_*) is imported;
   its summary matches a golden file (NKT_UPDATE_GOLDEN=1 rewrites them).
2. Hop by hop, what nktrace read (its --traces output) is what the
   source says: for Atlas results, read here with Python's json; for
   scamper, the JSON that scamper's own reader sc_warts2json makes of the
   .warts files, and the samples' JSON: every address, RTT (to 1 us),
   timeout, late reply, duplicate, edst report, error code and MPLS label.
3. Bad input: each case gives its message naming the file and line, the
   documented exit status, and the good records around it still count.
4. Memory stays flat: a generated 20 MB and 200 MB NDJSON input (the same
   records from 500 vantage points) differ in peak RSS by less than 8 MB,
   both under 64 MB.
"""
import json
import os
import subprocess
import sys
import tempfile
import time

SRC = os.environ.get("NKT_SOURCE_ROOT", os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))))
BUILD = os.environ.get("NKT_BUILD_DIR", os.path.join(SRC, "build"))
# NKT_NKTRACE: the binary under a wrapper (meson test --setup valgrindtools).
NKTRACE = os.environ.get("NKT_NKTRACE") or os.path.join(BUILD, "nktrace")
DATA = os.path.join(SRC, "tests", "data", "import")
PEERS = os.path.join(SRC, "tests", "data", "peers")
GOLDEN = os.path.join(DATA, "golden")
UPDATE = os.environ.get("NKT_UPDATE_GOLDEN") == "1"
tmp = tempfile.mkdtemp(prefix="nkt-import-")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from checks import builtin_data, check, done  # noqa: E402

builtin_data(SRC)


def run(args, stdin=None):
    return subprocess.run([NKTRACE, "import"] + args, input=stdin,
                          capture_output=True, text=True, timeout=600)


def samples():
    out = [os.path.join(DATA, f) for f in sorted(os.listdir(DATA))
           if f.endswith(".json")]
    out += [os.path.join(PEERS, f) for f in sorted(os.listdir(PEERS))
            if f.startswith("scamper_") and f.endswith(".json")]
    return out


def normalise(summary):
    summary.pop("version", None)
    for f in summary.get("files", []):
        f["file"] = os.path.basename(f["file"])
    return summary


# 1. Golden summaries.
os.makedirs(GOLDEN, exist_ok=True)
for path in samples():
    name = os.path.basename(path)
    out = os.path.join(tmp, "s.json")
    p = run(["--quiet", "--json", "-o", out, path])
    check(p.returncode == 0 and p.stderr == "", "%s imports cleanly" % name,
          0, (p.returncode, p.stderr[-300:]))
    got = normalise(json.load(open(out)))
    gold = os.path.join(GOLDEN, name)
    if UPDATE:
        with open(gold, "w") as f:
            json.dump(got, f, indent=1, sort_keys=True)
            f.write("\n")
    want = json.load(open(gold)) if os.path.exists(gold) else None
    check(got == want, "%s: summary matches golden/%s" % (name, name),
          "golden", "differs (NKT_UPDATE_GOLDEN=1 to review)")

# All Atlas samples at once: records, traces, ignored and failed counts.
atlas = [p for p in samples() if os.path.basename(p).startswith("atlas_")]
out = os.path.join(tmp, "all.json")
p = run(["--quiet", "--detail", "--json", "-o", out] + atlas)
s = json.load(open(out))
n_records = sum(len(json.load(open(f))) if open(f).read(1) == "[" else 1
                for f in atlas)
check(s["input"]["records"] == n_records, "every Atlas record is read",
      n_records, s["input"]["records"])
check(s["input"]["malformed"] == 0 and p.returncode == 0,
      "no Atlas sample is refused", 0, s["input"]["malformed"])
check(s["input"]["failed"] >= 3, "failed measurements (no dst_addr, "
      "name resolution errors) are counted, not analysed", ">= 3",
      s["input"]["failed"])
# The built-in database knows no AS of these worldwide IPv6 paths: their
# targets are analysed (per /48), each attributed to the network of the
# last hop before it ("unknown AS (2001:db8:1::/48)", never a silent drop)
# or unattributed with the reason.
v6 = {x["prefix"] for x in s["targets_detail"] if ":" in x["prefix"]}
v6_ok = [x for x in s["targets_detail"] if ":" in x["prefix"] and (
    (x["transit"] == "unattributed" and x["why"]) or
    (x["transit"].startswith("unknown AS (") and
     x["transit"].endswith("/48)") and x["evidence"]["addr"]))]
check(len(v6) >= 5 and len(v6_ok) == len(
    [x for x in s["targets_detail"] if ":" in x["prefix"]]),
      "IPv6 results are analysed and reported (%d IPv6 /48s, attributed "
      "to their upstream's /48 or unattributed with the reason)" % len(v6))
check(s["unattributed"] > 0 and not any(
    t["name"] in ("unknown", "unattributed") for t in s["transits"]),
    "unattributed targets are counted (%d), never a transit row" %
    s["unattributed"])


# 2. Hop by hop.
def hop_row(r):
    """One Atlas hop result as a comparable row: (kind, from, rtt or
    edst[, err])."""
    if "x" in r:
        return ("timeout", None, None)
    if r.get("late"):
        return ("late", r["from"], None)
    if r.get("dup"):
        return ("dup", r["from"], round(r["rtt"], 3))
    if "edst" in r:
        return ("edst", r["from"], r["edst"])
    err = r.get("err")
    return ("reply", r["from"], round(r["rtt"], 3),
            str(err) if err is not None else None)


def atlas_hops(rec):
    """{hop: sorted [(kind, from, rtt)]} from an Atlas record as Atlas
    wrote it."""
    hops = {}
    for h in rec.get("result", []):
        if "hop" not in h:
            continue
        rows = [hop_row(r) for r in h.get("result", [])
                if "x" in r or "error" not in r]
        hops[h["hop"]] = sorted(rows, key=repr)
    return hops


ERR6 = {"N": "N", "A": "A", "h": "h", "H": "H", "P": "P", "p": None}


def our_hops(rec):
    hops = {}
    for h in rec.get("result", []):
        rows = [hop_row(r) for r in h.get("result", [])]
        if rows:
            hops[h["hop"]] = sorted(rows, key=repr)
    return hops


def records(path):
    text = open(path).read()
    if text.lstrip().startswith("["):
        return json.loads(text)
    return [json.loads(l) for l in text.splitlines() if l.strip()]


mismatch, compared = [], 0
for path in atlas:
    tr = os.path.join(tmp, "tr.ndjson")
    run(["--quiet", "--traces", tr, path])
    ours = records(tr) if os.path.getsize(tr) else []
    src = [r for r in records(path)
           if r.get("dst_addr") and not (len(r["result"]) == 1 and
                                         "hop" not in r["result"][0])]
    if len(ours) != len(src):
        mismatch.append((os.path.basename(path), "count", len(src),
                         len(ours)))
        continue
    for a, b in zip(src, ours):
        compared += 1
        want, got = atlas_hops(a), our_hops(b)
        # Hops that held only errors are not replies.
        want = {k: v for k, v in want.items() if v}
        if want != got or a["dst_addr"] != b["dst_addr"]:
            mismatch.append((os.path.basename(path), a.get("prb_id"),
                             [(k, want.get(k), got.get(k))
                              for k in sorted(set(want) | set(got))
                              if want.get(k) != got.get(k)][:2]))
check(not mismatch and compared >= 100,
      "Atlas: %d results read hop by hop exactly as Atlas wrote them "
      "(addresses, RTTs, timeouts, late, dup, edst, err)" % compared,
      [], mismatch[:3])


def scamper_traces(lines):
    return [r for r in lines if r.get("type") == "trace"]


def scamper_check(label, lines):
    """Our reading of scamper JSON lines vs the lines themselves."""
    tr = os.path.join(tmp, "tr.ndjson")
    p = run(["--quiet", "--traces", tr, "-"], stdin="\n".join(
        json.dumps(l) for l in lines) + "\n")
    ours = records(tr) if os.path.getsize(tr) else []
    src = scamper_traces(lines)
    bad = []
    if len(ours) != len(src):
        return ["count %d vs %d" % (len(src), len(ours))]
    for a, b in zip(src, ours):
        got = our_hops(b)
        for h in a.get("hops", []):
            row = [x for x in got.get(h["probe_ttl"], [])
                   if x[0] == "reply" and x[1] == h["addr"] and
                   abs(x[2] - h["rtt"]) < 0.0015]
            if not row:
                bad.append((a["dst"], h["probe_ttl"], h["addr"]))
        answered = {h["probe_ttl"] for h in a.get("hops", [])}
        for ttl in range(a.get("firsthop", 1), a.get("hop_count", 0) + 1):
            if ttl not in answered and not any(
                    x[0] == "timeout" for x in got.get(ttl, [])):
                bad.append((a["dst"], ttl, "silent hop not a timeout"))
        if b.get("stop_reason") != a["stop_reason"]:
            bad.append((a["dst"], "stop", a["stop_reason"],
                        b.get("stop_reason")))
        if b["dst_addr"] != a["dst"]:
            bad.append((a["dst"], "dst", b["dst_addr"]))
    return bad


scamper_json = [p for p in samples()
                if os.path.basename(p).startswith("scamper_")]
n_sc = 0
bad = []
for path in scamper_json:
    lines = records(path)
    n_sc += len(scamper_traces(lines))
    bad += [(os.path.basename(path),) + tuple(x) if isinstance(x, tuple)
            else (os.path.basename(path), x)
            for x in scamper_check(path, lines)]
check(not bad and n_sc >= 15, "scamper JSON: %d traces read hop by hop as "
      "scamper wrote them (replies, silent hops, stop reasons)" % n_sc, [],
      bad[:4])

warts = [os.path.join(DATA, f) for f in sorted(os.listdir(DATA))
         if f.endswith(".warts")]
n_w, bad = 0, []
for w in warts:
    p = subprocess.run(["sc_warts2json", w], capture_output=True, text=True)
    if p.returncode != 0:
        bad.append((os.path.basename(w), "sc_warts2json failed"))
        continue
    lines = [json.loads(l) for l in p.stdout.splitlines() if l.strip()]
    n_w += len(scamper_traces(lines))
    bad += [(os.path.basename(w), x) for x in scamper_check(w, lines)]
check(not bad and n_w >= 4, "scamper warts through scamper's own reader "
      "(sc_warts2json): %d traces read exactly" % n_w, [], bad[:4])

# MPLS labels: the Atlas icmpext sample's labels come through.
tr = os.path.join(tmp, "tr.ndjson")
run(["--quiet", "--traces", tr, os.path.join(
    DATA, "atlas_sagan__test_traceroute_4500.json")])
rec = records(tr)[0]
labels = sorted(m["label"] for h in rec["result"] for r in h["result"]
                for o in r.get("icmpext", {}).get("obj", [])
                for m in o.get("mpls", []))
src = records(os.path.join(DATA, "atlas_sagan__test_traceroute_4500.json"))[0]
want = sorted(m["label"] for h in src["result"] for r in h["result"]
              for o in r.get("icmpext", {}).get("obj", [])
              for m in o.get("mpls", []))
check(labels == want and want, "MPLS label stacks are kept", want, labels)

# 3. Bad input.
good_rec = records(os.path.join(DATA,
                               "atlas_sagan__test_traceroute_4610.json"))[0]
good = json.dumps(good_rec)


def variant(change):
    """The good record with one change made to a copy of it."""
    r = json.loads(good)
    change(r)
    return json.dumps(r)
cases = [
    # name, file content, expected message part, exit, traceroutes left
    ("empty file", "", "empty: no records", 1, 0),
    ("truncated array", "[" + good + ", " + good[:len(good) // 2],
     "record cut short (at the end of the input)", 1, 1),
    ("truncated line in NDJSON", good + "\n" + good[:200] + "\n" + good +
     "\n", ":2: record cut short (a new record starts", 1, 2),
    ("rtt is a string", variant(lambda r: r["result"][0]["result"][0]
                                 .update(rtt="5.1")) + "\n" + good + "\n",
     "result[0].result[0].rtt: not a number", 1, 1),
    ("hop is a string", variant(lambda r: r["result"][0].update(hop="1")) +
     "\n" + good + "\n", "result[0].hop: not an integer", 1, 1),
    ("garbage between records", good + "\nhello world\n" + good + "\n",
     ":2: not JSON: unexpected 'h'", 1, 2),
    ("bad JSON inside a record", good.replace("{", "{,", 1) + "\n" + good +
     "\n", ":1: bad JSON at line 1", 1, 1),
    ("a bare number", "42\n" + good + "\n", "not JSON: unexpected '4'", 1,
     1),
    ("an array record", "[[1, 2]]\n", "a record must be a JSON object", 1,
     0),
    ("a bad address", variant(lambda r: r["result"][1]["result"][0]
                               .update({"from": "999.1.2.3"})) + "\n",
     "result[1].result[0].from: '999.1.2.3' is not an address", 1, 0),
    ("unknown proto", variant(lambda r: r.update(proto="SCTP")) + "\n",
     "proto: 'SCTP' is not ICMP, UDP or TCP", 1, 0),
    ("a negative rtt", variant(lambda r: r["result"][0]["result"][1]
                                .update(rtt=-3)) + "\n",
     "result[0].result[1].rtt: -3 is out of range", 1, 0),
    ("no prb_id", variant(lambda r: r.pop("prb_id")) + "\n",
     "prb_id: missing or 0 (a RIPE Atlas result names the probe", 1, 0),
    ("prb_id 0", variant(lambda r: r.update(prb_id=0)) + "\n",
     "prb_id: missing or 0", 1, 0),
    ("result not a list", variant(lambda r: r.update(result={})) + "\n",
     "result: not an array", 1, 0),
    ("array not closed", "[" + good + "\n", "the array is not closed", 1, 1),
    ("text after the array", "[" + good + "]\nmore\n",
     "text after the end of the array", 1, 1),
    ("neither format", '{"hello": "world"}\n',
     "neither a RIPE Atlas result nor a scamper record", 1, 0),
    ("scamper hop without addr", '{"type":"trace","method":"icmp-paris",'
     '"src":"192.0.2.1","dst":"192.0.2.9","hops":[{"probe_ttl":1,'
     '"rtt":1.0,"icmp_type":11}]}\n', "hops[0]: needs probe_ttl, addr and "
     "rtt", 1, 0),
]
for name, content, msg, code, traces in cases:
    f = os.path.join(tmp, "bad.json")
    with open(f, "w") as fh:
        fh.write(content)
    out = os.path.join(tmp, "bad-summary.json")
    p = run(["--quiet", "--json", "-o", out, f])
    s = json.load(open(out)) if os.path.exists(out) else {"input": {}}
    got_traces = s["input"].get("traceroutes")
    check(p.returncode == code and msg in p.stderr and
          p.stderr.startswith("nktrace import: " + f + ":") and
          got_traces == traces,
          "%s: '%s', exit %d, %d good records still imported" % (
              name, msg, code, traces),
          (code, msg, traces), (p.returncode, p.stderr.strip()[-200:],
                                got_traces))
    if os.path.exists(out):
        os.unlink(out)

# Not errors: an Atlas ping result and scamper ping/cycle records.
ping = ('{"fw":4790,"type":"ping","prb_id":1,"msm_id":2,"dst_addr":'
        '"192.0.2.1","result":[{"rtt":1.0}]}\n')
p = run(["--quiet", "--json", "-o", out, "-"], stdin=ping + good + "\n")
s = json.load(open(out))
check(p.returncode == 0 and s["input"]["not_traceroute"] == 1 and
      s["input"]["traceroutes"] == 1, "an Atlas ping result is counted and "
      "left out, not an error", (0, 1, 1),
      (p.returncode, s["input"]["not_traceroute"],
       s["input"]["traceroutes"]))
for args, code, msg in [
        (["--format", "warts"], 2, "expected atlas, scamper or auto"),
        (["--bogus"], 2, "unknown option '--bogus'"),
        (["/nonexistent/x.json"], 2, "/nonexistent/x.json: No such file"),
        (["--json", "-o", "/nonexistent/dir/x.json", os.path.join(
            DATA, "atlas_sagan__test_traceroute_4610.json")], 1,
         "cannot write /nonexistent/dir/x.json"),
        (["--format", "scamper", os.path.join(
            DATA, "atlas_sagan__test_traceroute_4610.json")], 1,
         "a RIPE Atlas result, not scamper")]:
    p = run(args)
    check(p.returncode == code and msg in p.stderr,
          "import %s: exit %d, '%s'" % (" ".join(args[:2]), code, msg),
          (code, msg), (p.returncode, p.stderr.strip()[-200:]))


# 4. Flat memory.
def generate(path, mb, vantages=500):
    src = json.load(open(os.path.join(
        DATA, "atlas_pierky-ripe-atlas-monitor__msm1033154_results.json")))
    size, n = 0, 0
    with open(path, "w") as f:
        while size < mb * 1000000:
            # each vantage point its own path, traced again and again:
            # the input grows, the world it describes does not
            r = dict(src[(n % vantages) % len(src)])
            r["prb_id"] = 1 + n % vantages
            r["timestamp"] = 1450000000 + n
            line = json.dumps(r, separators=(",", ":")) + "\n"
            f.write(line)
            size += len(line)
            n += 1
    return n


def peak_rss_kb(path):
    """Exit status and peak RSS (VmHWM, polled) of one import.  Not
    rusage: Linux keeps a child's maxrss across exec, and a child of this
    Python process starts with this process's RSS."""
    # Under AddressSanitizer, freed memory is held in a quarantine (256 MB
    # by default) and every allocation keeps a stack: both off here, so
    # the figure is the program's own.  A plain binary ignores this.
    env = dict(os.environ, ASAN_OPTIONS="quarantine_size_mb=0:"
               "thread_local_quarantine_size_kb=0:malloc_context_size=0:"
               "detect_leaks=0")
    p = subprocess.Popen([NKTRACE, "import", "--quiet", path],
                         stdout=subprocess.DEVNULL, env=env)
    hwm = 0
    while p.poll() is None:
        try:
            with open("/proc/%d/status" % p.pid) as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        hwm = max(hwm, int(line.split()[1]))
        except OSError:
            pass
        time.sleep(0.05)
    return p.returncode, hwm


rss = {}
MEMORY_SIZES = (20, 200)
if os.environ.get("NKT_NKTRACE"):
    # Under valgrind (or another wrapper) RSS is the wrapper's, and 200 MB
    # would take an hour: the memory check is for the plain binary.
    print("     memory check skipped under %s" % os.environ["NKT_NKTRACE"])
    MEMORY_SIZES = ()
for mb in MEMORY_SIZES:
    path = os.path.join(tmp, "big%d.ndjson" % mb)
    n = generate(path, mb)
    code, rss[mb] = peak_rss_kb(path)
    os.unlink(path)
    check(code == 0, "%d MB (%d results) imports" % (mb, n))
    print("     %d MB input: peak RSS %.1f MB" % (mb, rss[mb] / 1024))
if MEMORY_SIZES:
    check(rss[200] - rss[20] < 8 * 1024 and rss[200] < 64 * 1024,
          "memory is flat: 20 MB -> %.1f MB RSS, 200 MB -> %.1f MB" % (
              rss[20] / 1024, rss[200] / 1024))

subprocess.run(["rm", "-rf", tmp])
done()
