#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Replay suite: pcap in, JSON out.  Every sample capture is replayed with
`nktrace replay --json` and compared with its golden file; the captures of
scamper and mtr runs are also checked against what those tools recorded for
the same run: the same hops, and RTTs within 0.5 ms (the sample captures
were written by a user-space sniffer, so both sides' clocks are user-space
ones and neither is a lower bound of the other).  NKT_UPDATE_GOLDEN=1 rewrites the
golden files."""
import glob
import json
import os
import subprocess
import sys

SRC = os.environ.get("NKT_SOURCE_ROOT", os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))))
BUILD = os.environ.get("NKT_BUILD_DIR", os.path.join(SRC, "build"))
# NKT_NKTRACE: the binary under a wrapper (meson test --setup valgrindtools).
NKTRACE = os.environ.get("NKT_NKTRACE") or os.path.join(BUILD, "nktrace")
DATA = os.path.join(SRC, "tests", "data")
GOLDEN = os.path.join(SRC, "tests", "replay", "golden")
update = os.environ.get("NKT_UPDATE_GOLDEN") == "1"
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from checks import check, done  # noqa: E402


def replay(pcap):
    p = subprocess.run([NKTRACE, "replay", "--json", pcap],
                       capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError("replay %s: %s" % (pcap, p.stderr))
    return [json.loads(l) for l in p.stdout.splitlines() if l.strip()]


def normal(recs):
    """The records without what changes between builds."""
    out = []
    for r in recs:
        r = dict(r)
        r.pop("version", None)
        out.append(r)
    return out


# 1. Golden files.
for pcap in sorted(glob.glob(os.path.join(DATA, "pcap", "*.pcap"))):
    name = os.path.basename(pcap)[:-5]
    recs = normal(replay(pcap))
    gold = os.path.join(GOLDEN, name + ".json")
    text = json.dumps(recs, indent=1, sort_keys=True) + "\n"
    if update:
        with open(gold, "w") as f:
            f.write(text)
        continue
    try:
        with open(gold) as f:
            want = f.read()
    except FileNotFoundError:
        want = None
    check(want == text, "replay %s equals its golden file" % name,
          gold, text[:400] if want != text else None)

# 2. The same runs as scamper recorded them.
def hop_addrs(rec):
    out = {}
    for h in rec["result"]:
        addrs = [p.get("from") for p in h.get("result", []) if "from" in p]
        rtts = [p.get("rtt") for p in h.get("result", []) if "rtt" in p]
        out[h["hop"]] = (addrs[0] if addrs else None, rtts)
    return out


for sc in sorted(glob.glob(os.path.join(DATA, "peers",
                                        "scamper_local-netns__trace_*v4.json"))):
    base = os.path.basename(sc)[len("scamper_local-netns__"):-5]
    pcap = os.path.join(DATA, "pcap", "pcap_local-netns__scamper_%s.pcap" % base)
    if not os.path.exists(pcap):
        continue
    trace = [json.loads(l) for l in open(sc) if '"type":"trace"' in l][0]
    ours = hop_addrs(replay(pcap)[0])
    theirs = {h["probe_ttl"]: (h["addr"], h["rtt"]) for h in trace["hops"]}
    check({k: v[0] for k, v in theirs.items()} ==
          {k: v[0] for k, v in ours.items() if v[0] is not None},
          "replay of %s: the hops scamper recorded" % base,
          {k: v[0] for k, v in theirs.items()},
          {k: v[0] for k, v in ours.items()})
    for ttl, (addr, rtt) in theirs.items():
        mine = ours.get(ttl, (None, []))[1]
        ok = bool(mine) and abs(mine[0] - rtt) < 0.5
        check(ok, "%s hop %d: capture RTT %s ms vs scamper %s ms" % (
            base, ttl, mine[0] if mine else None, rtt))

# 3. The same runs as mtr recorded them.
for mt in sorted(glob.glob(os.path.join(DATA, "peers",
                                        "mtr_local-netns__*v4.json"))):
    base = os.path.basename(mt)[len("mtr_local-netns__"):-5]
    pcap = os.path.join(DATA, "pcap", "pcap_local-netns__mtr_json_%s.pcap" % base)
    if not os.path.exists(pcap):
        continue
    hubs = json.load(open(mt))["report"]["hubs"]
    recs = replay(pcap)
    check(len(recs) == 1, "replay of mtr %s: one trace" % base, 1, len(recs))
    ours = hop_addrs(recs[0])
    want = {h["count"]: (None if h["host"] == "???" else h["host"])
            for h in hubs}
    got = {k: v[0] for k, v in ours.items() if k in want}
    check(got == want, "replay of mtr %s: mtr's hubs" % base, want, got)

# 4. A capture cut short: the traces before the cut, one line, status 1.
whole = os.path.join(DATA, "pcap", "pcap_local-netns__mtr_json_udp_v4.pcap")
cut = os.path.join(BUILD, "replay-cut.pcap")
with open(whole, "rb") as f, open(cut, "wb") as g:
    g.write(f.read()[:-30])
p = subprocess.run([NKTRACE, "replay", "--json", cut], capture_output=True,
                   text=True)
recs = [json.loads(l) for l in p.stdout.splitlines()]
full = replay(whole)
err = p.stderr.strip().splitlines()
check(p.returncode == 1 and len(err) == 1 and "cut short after" in err[0]
      and len(recs) == 1 and
      len(recs[0]["result"]) == len(full[0]["result"]),
      "a capture cut short: its trace written (the cut frame left out), "
      "one line, exit 1", 1, (p.returncode, err, len(recs)))
os.unlink(cut)

done()
