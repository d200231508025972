#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""nktrace compare in the lab.

1. The default lab (routers keep Linux's ICMP rate limits) with configured
   loss, 3% each way on a TTK link and 0.5% on the China path: every NK /24
   is attributed to the transit the lab routes it over; known hosts are
   reached; per-transit RTT medians are within 5% of truth; the loss truth
   predicts is inside the reported Wilson interval; rate-limited routers
   show as ratelimit_suspected, not as path loss.
2. --via for both uplinks measures both transits to the same targets.
3. After `tools/lab route 175.45.177.0/24 via china`, a new compare
   attributes that /24 to China Unicom.
The intervals are asked at 99.9% (--ci 0.999) so that a correct tool fails
this test about once in a thousand runs, not once in twenty."""
import atexit
import json
import os
import shutil
import subprocess
import tempfile

from labtest import NKTRACE, Lab, check, done, need_root

need_root()
NAME = {"china": "China Unicom", "ttk": "TTK"}
LOSS = {"ttkvvo-ttkpos": 0.03, "cudd-cenbong": 0.005}
lab = Lab("tcmp", scale=0.1, ratelimit=True,
          loss=["%s=%g" % kv for kv in LOSS.items()])
tmp = tempfile.mkdtemp(prefix="nkt-cmp-")
os.chmod(tmp, 0o777)
atexit.register(shutil.rmtree, tmp, True)


def compare(*args):
    out = os.path.join(tmp, "c%d.json" % len(os.listdir(tmp)))
    p = lab.exec("vp", [NKTRACE, "compare", "--quiet", "--json", out,
                        "--ci", "0.999"] + list(args), check=False,
                 timeout=900)
    check(p.returncode == 0, "compare %s exits 0" % " ".join(args), 0,
          (p.returncode, p.stderr[-400:]))
    print(p.stdout)
    with open(out) as f:
        return json.load(f), p.stdout


# 1. The default run.
summary, report = compare("--traces", os.path.join(tmp, "traces.ndjson"))
truth = lab.truth()
routes = truth["prefixes"]
carriers = {p["prefix"]: p["transit"] for p in summary["prefixes"]
            if p["carrier"]}
for prefix, transit in routes.items():
    check(carriers.get(prefix) == NAME[transit],
          "%s is attributed to %s" % (prefix, NAME[transit]),
          NAME[transit], carriers.get(prefix))
known = {h["addr"] for h in truth["hosts"]["known"]}
reached = {t["addr"] for t in summary["targets_detail"] if t["reached"]}
check(known <= reached, "every known host is reached", sorted(known),
      sorted(known - reached))
silent = set(truth["hosts"]["silent"])
detail = {t["addr"] for t in summary["targets_detail"]}
check(not (reached & silent), "silent addresses are not reached")

by_name = {t["name"]: t for t in summary["transits"]}
ref = {"china": "175.45.176.71", "ttk": "175.45.177.10"}
ref_truth = {t["addr"]: t for t in lab.truth(list(ref.values()))["targets"]}
for transit, name in NAME.items():
    t = by_name.get(name)
    check(t is not None, "%s is in the summary" % name)
    if t is None:
        continue
    hop = ref_truth[ref[transit]]["paths"][0]["hops"][-1]
    med = t["rtt_ms"]["median"]
    check(abs(med - hop["rtt_ms"]) <= 0.05 * hop["rtt_ms"],
          "%s RTT median %.3f ms within 5%% of truth %.3f ms" % (
              name, med, hop["rtt_ms"]), hop["rtt_ms"], med)
    bhop = [h for h in ref_truth[ref[transit]]["paths"][0]["hops"]
            if h["addr"] == truth["border"][transit]["last_foreign"]][0]
    check(t["border_addr"] == bhop["addr"] and
          abs(t["border_rtt_ms"] - bhop["rtt_ms"]) <=
          1.0 + 0.05 * bhop["rtt_ms"],
          "%s border %s at %.3f ms vs truth %.3f ms" % (
              name, t["border_addr"], t["border_rtt_ms"] or -1,
              bhop["rtt_ms"]), (bhop["addr"], bhop["rtt_ms"]),
          (t["border_addr"], t["border_rtt_ms"]))
    lo, hi = t["loss"]["ci95"]
    check(lo <= hop["loss"] <= hi,
          "%s loss truth %.4f inside the reported interval [%.4f, %.4f] "
          "(%d/%d lost)" % (name, hop["loss"], lo, hi, t["loss"]["lost"],
                            t["loss"]["sent"]))
    check(t["loss"]["sent"] >= 200, "%s: %d end-to-end probes" % (
        name, t["loss"]["sent"]))
rl = sum(t["ratelimit_suspected"] for t in summary["transits"])
check(rl > 0, "rate-limited routers are flagged (%d hops)" % rl)
check("not counted as loss" in report, "the report says rate limiting is "
      "not loss")
check("verdict: TTK is" in report and "faster than China Unicom" in report,
      "the verdict names the faster transit")
diff = summary["difference"]
want = (ref_truth[ref["china"]]["paths"][0]["hops"][-1]["rtt_ms"] -
        ref_truth[ref["ttk"]]["paths"][0]["hops"][-1]["rtt_ms"])
check(diff and diff["rtt_ms"]["ci95"][0] - 0.5 <= want <=
      diff["rtt_ms"]["ci95"][1] + 0.5,
      "the RTT difference interval holds truth's %.2f ms" % want, want,
      diff and diff["rtt_ms"])
traces = [json.loads(l) for l in open(os.path.join(tmp, "traces.ndjson"))]
check(len(traces) == summary["observations"] and
      all(t["type"] == "traceroute" for t in traces),
      "--traces has every trace as an Atlas record", summary["observations"],
      len(traces))
# The run's traces imported back give the run's own analysis (RTTs are
# written to the microsecond: numbers agree to 2 us).
imported = os.path.join(tmp, "imported.json")
p = subprocess.run([NKTRACE, "import", "-q", "--ci", "0.999", "--json",
                    imported, os.path.join(tmp, "traces.ndjson")],
                   capture_output=True, text=True)
check(p.returncode == 0, "nktrace import of the run's traces exits 0", 0,
      (p.returncode, p.stderr[-300:]))


def same(a, b, path=""):
    if isinstance(a, dict):
        return [x for k in a for x in (same(a[k], b.get(k), path + "/" + k)
                                       if k in b else [path + "/" + k])]
    if isinstance(a, list):
        if not isinstance(b, list) or len(a) != len(b):
            return [path]
        return [x for i, (u, v) in enumerate(zip(a, b))
                for x in same(u, v, "%s[%d]" % (path, i))]
    if isinstance(a, float) and isinstance(b, (int, float)):
        return [] if abs(a - b) <= 0.002 else [path]
    return [] if a == b else [path]


if p.returncode == 0:
    back = json.load(open(imported))
    for key in ("targets", "observations", "transits", "prefixes",
                "difference", "prefix_differences"):
        diff = same(summary[key], back[key], key)
        check(not diff, "import gives compare's own %s" % key, [], diff[:5])
print("compare wall time (default lab, scale 0.1): %d s" % (
    summary["end"] - summary["start"]))

# 2. Both uplinks pinned, the same targets over each.
lab.link("ttkvvo-ttkpos", "--loss", "0")
lab.link("cudd-cenbong", "--loss", "0")
pair = ["175.45.176.71", "175.45.177.10"]
summary, report = compare("--targets", pair[0], "--targets", pair[1],
                          "--via", "china=cn0,10.10.0.1",
                          "--via", "ttk=ttk0,10.20.0.1", "--pings", "5")
seen = {}
for t in summary["targets_detail"]:
    seen.setdefault(t["addr"], set()).add((t["via"], t["transit"]))
for addr in pair:
    check(seen.get(addr) == {("China Unicom", "China Unicom"),
                             ("TTK", "TTK")},
          "%s measured over both uplinks, each attributed to its transit" %
          addr, "both", seen.get(addr))
lost = [(t["addr"], t["via"], t["method"], t["e2e"])
        for t in summary["targets_detail"]
        if t["e2e"]["received"] != t["e2e"]["sent"]]
check(not lost, "no loss without configured loss (each uplink its own "
      "flow: one 4-tuple over two uplinks would be one TCP connection)",
      [], lost)
pinned = {t["addr"]: t for t in lab.truth(pair, via="ttk")["targets"]}
for t in summary["targets_detail"]:
    if t["via"] == "TTK" and t["method"] == "tcp" and t["rtt_ms"]:
        want = pinned[t["addr"]]["paths"][0]["hops"][-1]["rtt_ms"]
        check(abs(t["rtt_ms"] - want) <= 1.0 + 0.05 * want,
              "%s over TTK: %.2f ms vs truth %.2f ms (return path by NK's "
              "routing)" % (t["addr"], t["rtt_ms"], want))
check(len(summary["prefix_differences"]) >= 1,
      "per-prefix differences where both transits were measured")

# 3. A route change.
lab.route("175.45.177.0/24", "china")
summary, report = compare("--sample", "3")
carriers = {p["prefix"]: p["transit"] for p in summary["prefixes"]
            if p["carrier"]}
check(carriers.get("175.45.177.0/24") == "China Unicom",
      "after the route change 175.45.177.0/24 is China Unicom's",
      "China Unicom", carriers.get("175.45.177.0/24"))
check(carriers.get("175.45.178.0/24") == "TTK", "175.45.178.0/24 is still "
      "TTK's", "TTK", carriers.get("175.45.178.0/24"))
done()
