#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""nktrace sweep in the speed lab (tools/bench lab: vp - r1 - r2 - r3 -
a /16 answered by AnyIP; no delay, no ICMP rate limits, no loss).

1. At a moderate rate (50,000 probes/s), every (target, TTL) of a /18 is
   answered and matched to exactly its probe: TTL 1-3 by the router at that
   distance, TTL 4 and more by the target itself; nothing else matched.
2. With a hostile router forging replies (wrong destination, wrong ids,
   bad checksums, truncated quotes, replays of genuine quotes after the
   real answer), still every probe gets its true answer and no forged
   reply is taken.
3. The hop lists agree with scamper's for the same targets, and the RTTs
   of that sweep against an independent capture of the vantage point:
   sweep takes each probe's send time from its clock before the write
   (rtt_src "clock"), so its RTT is never shorter than the wire's.
No speed is asserted: that is tools/bench's job."""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile

import wire
from labtest import NKTRACE, SRC, check, done, need_root, sh

need_root()
BENCH = os.path.join(SRC, "tools", "bench")
NAME = "tsw"
HOPS = {1: "10.201.0.2", 2: "10.201.1.2", 3: "10.201.2.2"}
tmp = tempfile.mkdtemp(prefix="nkt-sweep-")
os.chmod(tmp, 0o777)


def bench(*args, check_rc=True):
    return sh([sys.executable, BENCH, "lab"] + list(args), check=check_rc)


def in_vp(argv, **kw):
    return subprocess.run(["ip", "netns", "exec", NAME + "-vp"] + argv,
                          capture_output=True, text=True, **kw)


def records(path):
    return [json.loads(l) for l in open(path)]


def hop_list(rec):
    """[(hop, from)] of the first answer at each hop."""
    out = []
    for h in rec["result"]:
        froms = [r["from"] for r in h.get("result", []) if "from" in r]
        out.append((h["hop"], froms[0] if froms else None))
    return out


def expected(addr, ttls):
    return [(t, HOPS.get(t, addr)) for t in ttls]


bench("down", "--name", NAME, check_rc=False)
try:
    bench("up", "--name", NAME)

    # 1. Every probe of a /18 at 50,000 probes/s.
    out, js = os.path.join(tmp, "a.ndjson"), os.path.join(tmp, "a.json")
    p = in_vp([NKTRACE, "sweep", "--quiet", "--rate", "50000", "-m", "6",
               "--wait", "1s", "--seed", "5", "--traces", out, "--json", "-o", js,
               "198.18.0.0/18"], timeout=300)
    check(p.returncode == 0, "sweep of 198.18.0.0/18 x TTL 1-6 exits 0", 0,
          (p.returncode, p.stderr[-300:]))
    s = json.load(open(js))
    check(s["sent"] == 16384 * 6 and s["matched"] == s["sent"],
          "every probe answered and matched (%d of %d)" % (s["matched"],
                                                          s["sent"]),
          16384 * 6, s["matched"])
    check(s["duplicates"] == 0 and s["invalid"] == 0,
          "no duplicate, nothing failed the keyed checks", (0, 0),
          (s["duplicates"], s["invalid"]))
    recs = records(out)
    wrong = [(r["dst_addr"], hop_list(r)) for r in recs
             if hop_list(r) != expected(r["dst_addr"], range(1, 5))]
    check(len(recs) == 16384 and not wrong,
          "each (target, TTL) matched to its own probe: the right router at "
          "TTL 1-3, the target at TTL 4", [], wrong[:3])
    check(all(r["stop_reason"] == "COMPLETED" and r["stop_hop"] == 4
              for r in recs), "every target reached at hop 4")
    print("     %s probes/s in the test (not asserted)" % round(
        s["probes_per_s"]))

    # 2. Under forgery.
    stats = os.path.join(tmp, "forger.json")
    forger = subprocess.Popen(
        ["ip", "netns", "exec", NAME + "-r2", sys.executable,
         os.path.join(SRC, "tests", "lab", "forger.py"), "--iface", "b1b",
         "--vp", "10.201.0.1", "--late", "1", "--stats", stats])
    out, js = os.path.join(tmp, "b.ndjson"), os.path.join(tmp, "b.json")
    try:
        import time
        time.sleep(1)
        p = in_vp([NKTRACE, "sweep", "--quiet", "--rate", "2000", "-m", "6",
                   "--wait", "3s", "--traces", out, "--json", "-o", js,
                   "198.18.4.0/22"], timeout=300)
    finally:
        forger.send_signal(signal.SIGTERM)
        forger.wait(timeout=30)
    sent = json.load(open(stats))
    s = json.load(open(js))
    forged = sum(v for k, v in sent.items() if k != "probes")
    check(p.returncode == 0 and forged > 1000,
          "the forger sent %d forged replies for %d probes seen" % (
              forged, sent["probes"]))
    recs = records(out)
    wrong = [(r["dst_addr"], hop_list(r)) for r in recs
             if hop_list(r) != expected(r["dst_addr"], range(1, 5))]
    check(s["matched"] == s["sent"] and not wrong,
          "under forgery every probe still has its true answer (%d of %d) "
          "and no forged one was taken" % (s["matched"], s["sent"]), [],
          wrong[:3])
    check(s["invalid"] >= sent["wrong_id"] * 0.99 and
          s["duplicates"] >= sent["expired"] * 0.99,
          "forged ids failed the keyed checks (%d), replays of answered "
          "probes counted as duplicates (%d)" % (s["invalid"],
                                                  s["duplicates"]),
          (sent["wrong_id"], sent["expired"]),
          (s["invalid"], s["duplicates"]))

    # 3. scamper's hop lists for 32 targets.
    targets = ["198.18.0.%d" % (1 + 7 * i) for i in range(32)]
    tf = os.path.join(tmp, "targets.txt")
    with open(tf, "w") as f:
        f.write("\n".join(targets) + "\n")
    out = os.path.join(tmp, "c.ndjson")
    pcap = wire.capture_path(tmp, "c")
    with wire.Capture(NAME + "-vp", pcap):
        p = in_vp([NKTRACE, "sweep", "--quiet", "--rate", "2000", "-m", "6",
                   "--wait", "1s", "--traces", out, "-f", tf], timeout=120)
    wire.check_rtts(records(out), pcap, "sweep of 32 targets")
    ours = {r["dst_addr"]: [h for h in hop_list(r) if h[1]]
            for r in records(out)}
    sc = os.path.join(tmp, "scamper.json")
    p = in_vp(["scamper", "-p", "1000", "-O", "json", "-o", sc, "-c",
               "trace -P icmp-paris -q 1 -w 1 -m 6", "-f", tf], timeout=300)
    theirs = {}
    for line in open(sc):
        r = json.loads(line)
        if r.get("type") == "trace":
            theirs[r["dst"]] = [(h["probe_ttl"], h["addr"])
                                for h in r.get("hops", [])]
    diff = [(t, ours.get(t), theirs.get(t)) for t in targets
            if ours.get(t) != theirs.get(t)]
    check(len(theirs) == 32 and not diff,
          "hop lists equal scamper's for 32 targets", [], diff[:3])
finally:
    bench("down", "--name", NAME, check_rc=False)
    shutil.rmtree(tmp, ignore_errors=True)
wire.summary()
done()
