#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""nktrace compare in a lab that looks like North Korea (tools/lab up
--realistic): only the known hosts and three more per /24 answer, each with
its own delay inside NK; one TTK link loses in bursts; the routers keep
Linux's ICMP rate limits; one host goes dark while compare runs.

1. Discovery finds exactly the addresses that answer (the answering hosts
   of `tools/lab truth`, and the NK border routers' own addresses in the
   space).
2. Every verdict is right or "not enough evidence", never wrong: end to
   end (TTK's hosts are nearer), at the border (one short run from one
   vantage point is a single moment: not enough evidence, said so), in
   loss (TTK loses more: the bursty link); no target is left out as
   unattributed after re-probing; the host that went dark is counted as
   dark or unreached, not as loss.
3. The same hosts over both uplinks (--via): the paired design, its
   verdict right, and its interval holding each host's forward-path
   difference measured by scamper in the same run.
Every RTT is checked against the wire (wire.py); no RTT is compared with
the lab's configured delays, only directions with truth."""
import json
import os
import shutil
import statistics
import subprocess
import sys
import re
import tempfile
import threading

import wire
from labtest import LAB, NKTRACE, Lab, check, done, need_root

need_root()
lab = Lab("treal", scale=0.1, ratelimit=True)
tmp = tempfile.mkdtemp(prefix="nkt-real-")
os.chmod(tmp, 0o777)
# `up --realistic` (Lab brings up the default lab): rebuild it so.
lab.down()
subprocess.run([sys.executable, LAB, "up", "--name", lab.name, "--scale",
                "0.1", "--seed", "1", "--realistic"], check=True,
               capture_output=True)
truth = lab.truth()
real = truth["realistic"]
answering = {h["addr"] for h in real["hosts"]}
by_transit = {}
for h in real["hosts"]:
    by_transit.setdefault(h["transit"], []).append(h)
print("truth: %d answering hosts (%s), border RTT %s" % (
    len(answering), ", ".join("%s %d" % (t, len(v))
                              for t, v in sorted(by_transit.items())),
    real["border_rtt_ms"]))
NAME = {"china": "China Unicom", "ttk": "TTK"}


def compare(args, what, when_measuring=None):
    """compare under an independent capture; when_measuring() is called
    once its progress shows the measurement after discovery under way."""
    out = os.path.join(tmp, "c.json")
    traces = os.path.join(tmp, "c.ndjson")
    pcap = wire.capture_path(tmp, "c")
    err = []

    def watch(stream):
        buf, fired = "", False
        for ch in iter(lambda: stream.read(1), ""):
            err.append(ch)
            buf = (buf + ch)[-200:]
            m = re.search(r"nktrace: (\d+)/(\d+) targets", buf)
            # Discovery is one run of 4 probes per address of the /22;
            # the measurement's run is the next, far smaller one.
            if m and int(m.group(2)) < 2000 and not fired and \
                    when_measuring:
                fired = True
                when_measuring()
    with lab.capture("vp", pcap):
        p = subprocess.Popen(
            [sys.executable, LAB, "exec", "--name", lab.name, "vp",
             NKTRACE, "compare", "--progress", "--json", "-o", out, "--traces",
             traces] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True)
        th = threading.Thread(target=watch, args=(p.stderr,))
        th.start()
        so = p.stdout.read()
        p.wait(timeout=900)
        th.join()
    se = "".join(err)
    check(p.returncode == 0, "%s exits 0" % what, 0,
          (p.returncode, se[-400:]))
    print(so)
    recs = [json.loads(l) for l in open(traces)]
    wire.check_rtts(recs, pcap, what)
    return json.load(open(out)), so


# 1 and 2: the default compare, with one TTK host going dark once
# discovery has found it and the measurement starts.
DARK = sorted(h["addr"] for h in by_transit["ttk"])[1]


def go_dark():
    subprocess.run([sys.executable, LAB, "host", "--name", lab.name, DARK,
                    "dark"], check=True, capture_output=True)


s, report = compare([], "compare in the realistic lab", go_dark)
subprocess.run([sys.executable, LAB, "host", "--name", lab.name, DARK, "up"],
               check=True, capture_output=True)
# The lab's own router addresses inside the space answer too (the links
# of NK's border router are numbered from it, as NK's are).
routers = {a for l in truth["links"] for a in (l["up_addr"], l["down_addr"])
           if a.startswith("175.45.17")}
found = {t["addr"] for t in s["targets_detail"]}
want = answering | routers
check(s["discovery"]["answering"] == len(want) and want == found,
      "discovery found the %d answering hosts and the %d router addresses "
      "in the space, nothing else (%d)" % (
          len(answering), len(routers), s["discovery"]["answering"]),
      sorted(want), sorted(found))
check(s["unattributed"] == 0, "after re-probing, every target is "
      "attributed (%d re-probed)" % s["reprobed"], 0,
      [t for t in s["targets_detail"] if t["transit"] == "unattributed"])
carriers = {p["prefix"]: p["transit"] for p in s["prefixes"]
            if p["carrier"]}
for prefix, t in truth["prefixes"].items():
    check(carriers.get(prefix) == NAME[t], "%s attributed to %s" % (
        prefix, NAME[t]), NAME[t], carriers.get(prefix))

d = s["difference"]
e2e, brd, loss = d["rtt_ms"], d["border_rtt_ms"], d["loss"]
a_is_china = d["a"] == "China Unicom"


def ttk_faster(diff):
    """diff is a - b: TTK faster means China - TTK > 0."""
    return diff > 0 if a_is_china else diff < 0


check(not e2e["claim"] or ttk_faster(e2e["diff"]),
      "end to end: right or not enough evidence (%s)" % d["verdict"][:160])
check(e2e["claim"], "end to end: a verdict (%d and %d hosts)" % tuple(
    e2e["units"]))
check(not brd["claim"] or ttk_faster(brd["diff"]),
      "border: right or not enough evidence (%s)" % d["border_verdict"])
# (a run across a slot's end has two slots, still too few)
check(not brd["claim"] and not brd["available"] and
      "15-minute slot" in (brd.get("why") or ""),
      "border: one short run from one vantage point is one moment (or "
      "two slots): not enough evidence, and why", "a single unit",
      d["border_verdict"])
ttk_loss_more = (loss["diff"] or 0) < 0 if a_is_china else \
    (loss["diff"] or 0) > 0
check(not loss["claim"] or ttk_loss_more,
      "loss: right or not enough evidence (China %s, TTK %s)" % (
          loss["a"] if a_is_china else loss["b"],
          loss["b"] if a_is_china else loss["a"]))
dark_row = [t for t in s["targets_detail"] if t["addr"] == DARK]
ttk = next(t for t in s["transits"] if t["name"] == "TTK")
gone = ttk["loss"]["dark"] + ttk["loss"]["went_dark"]
check(dark_row and (gone >= 1 or not all(t["reached"] for t in dark_row)),
      "the host that went dark (%s) is counted as dark (%d answered none, "
      "%d went dark while measured) or unreached, not as loss" % (
          DARK, ttk["loss"]["dark"], ttk["loss"]["went_dark"]),
      "dark", [(t["method"], t["reached"], t["e2e"]) for t in dark_row])

# 3: the same hosts over both uplinks: paired.  Every answering host of
# 175.45.177.0/24 and 175.45.176.0/24, measured over China and TTK.
pair_hosts = sorted(h["addr"] for h in real["hosts"]
                    if h["prefix"] in ("175.45.176.0/24", "175.45.177.0/24")
                    and not h["dark"])[:8]
args = ["--no-discover", "--via", "china=cn0,10.10.0.1", "--via",
        "ttk=ttk0,10.20.0.1", "--pings", "5", "--methods", "tcp:80"]
for a in pair_hosts:
    args += ["--targets", a]
s, report = compare(args, "compare --via both uplinks, %d hosts" %
                    len(pair_hosts))
d = s["difference"]
e2e = d["rtt_ms"]
check(e2e["design"] == "paired" and e2e["units"] == [len(pair_hosts)] * 2,
      "paired design over the %d hosts measured over both" %
      len(pair_hosts), "paired", (e2e["design"], e2e["units"]))
check(e2e["claim"] and ttk_faster(e2e["diff"]),
      "paired: TTK faster (%s)" % d["verdict"][:140])
# The forward paths differ by China's forward one-way minus TTK's; the
# replies come back the same way (NK's routing) for each host.  The
# interval must hold what the wire said of each host's difference.
wd = []
for a in pair_hosts:
    v = {t["via"]: t["rtt_ms"] for t in s["targets_detail"]
         if t["addr"] == a and t["rtt_ms"] is not None}
    if len(v) == 2:
        wd.append(v["China Unicom"] - v["TTK"])
est = statistics.median(wd)
lo, hi = e2e["ci"]
if not a_is_china:
    lo, hi = -hi, -lo
check(min(wd) - 0.5 <= hi and max(wd) + 0.5 >= lo,
      "the paired interval [%.2f, %.2f] overlaps the hosts' own "
      "differences [%.2f, %.2f] (median %.2f)" % (lo, hi, min(wd),
                                                   max(wd), est))
shutil.rmtree(tmp, ignore_errors=True)
wire.summary()
done()
