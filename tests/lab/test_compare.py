#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""nktrace compare in the lab.

1. The default lab (routers keep Linux's ICMP rate limits) with configured
   loss, 3% each way on a TTK link and 0.5% on the China path: every NK /24
   is attributed to the transit the lab routes it over; discovery finds
   the answering hosts; known hosts are reached; every RTT of every trace and end-to-end probe equals the wire's
   (an independent capture of the vantage point, wire.py), and so do the
   per-transit medians recomputed from the wire; the loss truth predicts
   is inside the reported Wilson interval; rate-limited routers show as
   ratelimit_suspected, not as path loss; the verdict agrees with scamper
   measuring the same hosts at the same time.
2. --via for both uplinks measures both transits to the same targets: the
   probes leave by the pinned uplink and the replies come back by the one
   NK's routing chooses (seen on the wire).
3. After `tools/lab route 175.45.177.0/24 via china`, a new compare
   attributes that /24 to China Unicom.
Part 1 keeps its discovery in --discovery-cache: a second compare measures
the same hosts with no discovery probe on the wire, and a cache that names
an address outside the space is refused (a warning, discovery again,
nothing sent there).
The intervals are asked at 99.9% (--ci 0.999) so that a correct tool fails
this test about once in a thousand runs, not once in twenty.  No RTT is
compared with the lab's configured delays: the lab's emulator is slower on
a busy machine, and that is not nktrace's error."""
import atexit
import json
import os
import re
import shutil
import statistics
import subprocess
import tempfile

import wire
from labtest import NKTRACE, Lab, check, done, need_root

need_root()
NAME = {"china": "China Unicom", "ttk": "TTK"}
LOSS = {"ttkvvo-ttkpos": 0.03, "cudd-cenbong": 0.005}
lab = Lab("tcmp", scale=0.1, ratelimit=True,
          loss=["%s=%g" % kv for kv in LOSS.items()])
tmp = tempfile.mkdtemp(prefix="nkt-cmp-")
os.chmod(tmp, 0o777)
atexit.register(shutil.rmtree, tmp, True)


last_stderr = [""]
last_sent = [set()]


def compare(*args):
    """compare under an independent capture: (summary, report, traces,
    wire pairs); every RTT of the traces checked against the wire."""
    n = len(os.listdir(tmp))
    out = os.path.join(tmp, "c%d.json" % n)
    traces = os.path.join(tmp, "c%d.ndjson" % n)
    pcap = wire.capture_path(tmp, "c%d" % n)
    with lab.capture("vp", pcap):
        p = lab.exec("vp", [NKTRACE, "compare", "--json", "-o", out,
                            "--traces", traces, "--ci", "0.999"] +
                     list(args), check=False, timeout=900)
    check(p.returncode == 0, "compare %s exits 0" % " ".join(args), 0,
          (p.returncode, p.stderr[-400:]))
    print(p.stdout)
    last_stderr[0] = p.stderr
    with open(out) as f:
        summary = json.load(f)
    recs = [json.loads(l) for l in open(traces)]
    wire.check_rtts(recs, pcap, "compare %s" % " ".join(args))
    frames = wire.read_capture(pcap)
    pairs, _ = wire.pairs(frames)
    # every address the vantage point sent to
    last_sent[0] = {ip[1] for ip in (wire._parse_ip(f[3]) for f in frames
                                     if f[1]) if ip is not None}
    os.unlink(pcap)
    os.unlink(pcap + ".b")
    return summary, p.stdout, recs, pairs


def scamper_medians(addrs, n=10):
    """scamper's TCP SYN ping (port 80) to each address from the vantage
    point: {addr: median RTT ms}."""
    out = {}
    for a in addrs:
        txt = lab.exec("vp", ["scamper", "-O", "json", "-c",
                              "ping -P tcp-syn -d 80 -c %d -i 0.05" % n,
                              "-i", a]).stdout
        recs = [json.loads(l) for l in txt.splitlines()
                if '"type":"ping"' in l]
        rtts = [r["rtt"] for rec in recs for r in rec.get("responses", [])]
        out[a] = statistics.median(rtts) if rtts else None
    return out


# 1. The default run, keeping what discovery found (--discovery-cache).
CACHE = os.path.join(tmp, "discovery.json")
summary, report, traces, pairs = compare("--discovery-cache", CACHE)
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
# The wire's end-to-end RTTs per transit and host: for each end-to-end
# probe the summary counts, the RTT of its probe and reply frames, grouped
# by the transit of its target.
transit_of = {(t["addr"], t["method"], t.get("port")): t["transit"]
              for t in summary["targets_detail"]}
METHOD = {"ICMP": "icmp", "TCP": "tcp", "UDP": "udp"}
e2e_wire, host_wire = {}, {}
for _, x, w in wire.compare_rtts(traces, pairs)["diffs"]:
    if x["e2e"] and w is not None:
        name = transit_of.get((x["dst"], METHOD[x["proto"]], x["dport"]))
        e2e_wire.setdefault(name, []).append(w["rtt_ms"])
        host_wire.setdefault(name, {}).setdefault(x["dst"], []).append(
            w["rtt_ms"])
for transit, name in NAME.items():
    t = by_name.get(name)
    check(t is not None, "%s is in the summary" % name)
    if t is None:
        continue
    hop = ref_truth[ref[transit]]["paths"][0]["hops"][-1]
    # compare's median: of each host's median (hosts are the unit).
    med = t["rtt_ms"]["median"]
    hosts = host_wire.get(name, {})
    wmed = statistics.median([statistics.median(v) for v in hosts.values()]
                             or [float("nan")])
    check(-wire.BOUND_MS <= wmed - med <= wire.HANDOVER_MS,
          "%s RTT median %.3f ms is the wire's %.3f ms (median over %d "
          "hosts of their end-to-end replies on the wire)" % (
              name, med, wmed, len(hosts)), wmed, med)
    border = [w["rtt_ms"] for w in pairs if w["from"] == t["border_addr"]]
    check(t["border_addr"] == truth["border"][transit]["last_foreign"] and
          border and min(border) <= t["border_rtt_ms"] <= max(border),
          "%s border %s at %.3f ms, inside the wire's [%.3f, %.3f]" % (
              name, t["border_addr"], t["border_rtt_ms"] or -1,
              min(border or [-1]), max(border or [-1])),
          truth["border"][transit]["last_foreign"],
          (t["border_addr"], t["border_rtt_ms"]))
    lo, hi = t["loss"]["ci"]
    check(lo <= hop["loss"] <= hi,
          "%s loss truth %.4f inside the reported interval [%.4f, %.4f] "
          "(%d/%d lost)" % (name, hop["loss"], lo, hi, t["loss"]["lost"],
                            t["loss"]["sent"]))
    check(t["loss"]["sent"] >= 200, "%s: %d end-to-end probes" % (
        name, t["loss"]["sent"]))
    # The lab's per-flow diamonds: each target is a flow of its own, so
    # dozens of targets cross every branch (all but one of 2 or 3 branches
    # missed by 32 flows: under 1e-5); gaps from loss or rate limits can
    # only add distinct paths.
    n_alt = len(ref_truth[ref[transit]]["paths"][0].get("alternatives") or
                [None])
    check(t.get("paths") is not None and t["paths"] >= n_alt,
          "%s: compare saw %s distinct paths, truth has %d" % (
              name, t.get("paths"), n_alt), ">= %d" % n_alt, t.get("paths"))
rl = sum(t["ratelimit_suspected"] for t in summary["transits"])
check(rl > 0, "rate-limited routers are flagged (%d hops)" % rl)
check("not counted as loss" in report, "the report says rate limiting is "
      "not loss")
check(("verdict: the hosts behind TTK answer" in report and
       "sooner than those behind China Unicom" in report) or
      ("verdict: TTK is" in report and "faster than China Unicom" in report),
      "the verdict says who answers sooner (the hosts behind TTK, over "
      "different hosts; TTK itself, over the same hosts)")
# The same two reference hosts measured by scamper right after, in the
# same lab: its difference of medians lies in nktrace's interval, widened
# by the spread the wire showed within each transit (the two tools did not
# measure at the same instant).
diff = summary["difference"]
peer = scamper_medians(list(ref.values()))
want = peer[ref["china"]] - peer[ref["ttk"]]
spread = max(statistics.quantiles(v, n=10)[-1] -
             statistics.quantiles(v, n=10)[0]
             for v in e2e_wire.values() if len(v) >= 10)
check(diff and diff["rtt_ms"]["ci"][0] - spread <= want <=
      diff["rtt_ms"]["ci"][1] + spread,
      "scamper's difference %.2f ms (China %.2f, TTK %.2f) is in nktrace's "
      "interval [%.2f, %.2f] +- the wire's within-transit spread %.2f ms" %
      (want, peer[ref["china"]], peer[ref["ttk"]],
       diff["rtt_ms"]["ci"][0], diff["rtt_ms"]["ci"][1], spread),
      want, diff and diff["rtt_ms"])
check(len(traces) == summary["observations"] + summary["reprobes"] and
      all(t["type"] == "traceroute" for t in traces),
      "--traces has every trace as an Atlas record (%d measurements, %d "
      "re-probes)" % (summary["observations"], summary["reprobes"]),
      summary["observations"] + summary["reprobes"], len(traces))
check(summary["discovery"]["answering"] >= 64 and
      len({t["addr"] for t in summary["targets_detail"]}) >= 64,
      "discovery found the answering hosts (every address answers in the "
      "default lab: %d, 16 kept per /24)" %
      summary["discovery"]["answering"])
# The header counts the targets the result counts (the given ones and
# those discovery found), never the given ones alone.
m1 = re.search(r": (\d+) targets \((\d+) given, (\d+) found by discovery\)",
               report)
m2 = re.search(r"^(\d+) targets, \d+ measurements$", report, re.M)
check(m1 and m2 and m1.group(1) == m2.group(1) and
      int(m1.group(2)) + int(m1.group(3)) == int(m1.group(1)),
      "the header's targets (given + found by discovery) are the result's",
      m2 and m2.group(1), m1 and m1.group(0))
check(summary["difference"]["forward_only"] is False and
      "forward paths' alone" not in report,
      "routed (no --via): round trips compared, nothing said of forward "
      "paths", False, summary["difference"].get("forward_only"))
# The run's traces imported back give the run's own analysis (RTTs are
# written to the microsecond: numbers agree to 2 us).
imported = os.path.join(tmp, "imported.json")
p = subprocess.run([NKTRACE, "import", "--quiet", "--ci", "0.999", "--json",
                    "-o", imported, os.path.join(tmp, "c0.ndjson")],
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
        return [] if abs(a - b) <= 0.002 else ["%s: %r vs %r" % (path, a, b)]
    return [] if a == b else ["%s: %r vs %r" % (path, a, b)]


if p.returncode == 0:
    back = json.load(open(imported))
    for key in ("targets", "observations", "transits", "prefixes",
                "difference", "prefix_differences"):
        diff = same(summary[key], back[key], key)
        check(not diff, "import gives compare's own %s" % key, [], diff[:5])
print("compare wall time (default lab, scale 0.1): %d s" % (
    summary["end"] - summary["start"]))

# 1b. The discovery cache: what part 1 found, and the next compare measures
# those hosts without discovering again (no probe at TTL 64 to the rest of
# the space on the wire).  A cache that names an address outside the space
# is refused whole with a warning: discovery runs, nothing goes to that
# address, and the cache is written anew.
with open(CACHE) as f:
    cache = json.load(f)
check(cache["space"] == "175.45.176.0/22" and cache["per_prefix"] == 16 and
      set(cache["hosts"]) <= detail and
      len(cache["hosts"]) == summary["discovery"]["answering"],
      "the discovery cache holds the %d hosts discovery found, each a "
      "target" % summary["discovery"]["answering"],
      summary["discovery"]["answering"], len(cache["hosts"]))
QUICK = ["--methods", "icmp", "--pings", "2", "--reprobe", "0", "-v"]
s2, _, _, _ = compare("--discovery-cache", CACHE, *QUICK)
line = re.search(r"^nktrace compare: time .*$", last_stderr[0], re.M)
check(not s2["discovery"]["this_cycle"] and
      s2["discovery"]["probes"] == 0 and
      {t["addr"] for t in s2["targets_detail"]} ==
      {t["addr"] for t in summary["targets_detail"]},
      "a fresh cache stands in for discovery: the same targets, no "
      "discovery probe", 0, (s2["discovery"], line and line.group(0)))
check(line and "discovery 0.0 s (%d hosts from the cache" %
      len(cache["hosts"]) in line.group(0) and "tracing " in line.group(0),
      "-v splits the cycle's time (discovery, tracing, re-probes, pauses)",
      "time ... discovery 0.0 s (N hosts from the cache", line and
      line.group(0))
targets2 = {t["addr"] for t in s2["targets_detail"]}
check(last_sent[0] <= targets2,
      "with the cache only the %d targets are probed (%d addresses on the "
      "wire)" % (len(targets2), len(last_sent[0])), [],
      sorted(last_sent[0] - targets2)[:5])
OUTSIDE = "10.99.0.7"
hostile = dict(cache, hosts=cache["hosts"][:3] + [OUTSIDE], per_prefix=4)
with open(CACHE, "w") as f:
    json.dump(hostile, f)
s3, _, _, _ = compare("--discovery-cache", CACHE, "--discover-max", "4",
                      *QUICK)
check("warning: %s: discovery cache: %s is not a host of its space; "
      "discovering again" % (CACHE, OUTSIDE) in last_stderr[0] and
      s3["discovery"]["this_cycle"] and s3["discovery"]["probes"] > 1000,
      "a cache naming an address outside the space is refused with a "
      "warning, and discovery runs", "warning",
      (last_stderr[0][-300:], s3["discovery"]))
check(OUTSIDE not in last_sent[0] and len(last_sent[0]) >= 1000,
      "nothing is sent to the address the cache smuggled in (%d addresses "
      "on the wire)" % len(last_sent[0]))
with open(CACHE) as f:
    again = json.load(f)
check(again["per_prefix"] == 4 and OUTSIDE not in again["hosts"] and
      set(again["hosts"]) <= {t["addr"] for t in s3["targets_detail"]} and
      len(again["hosts"]) == s3["discovery"]["answering"],
      "the cache is written anew from that discovery", 4, again)

# 2. Both uplinks pinned, the same targets over each.
lab.link("ttkvvo-ttkpos", "--loss", "0")
lab.link("cudd-cenbong", "--loss", "0")
pair = ["175.45.176.71", "175.45.177.10"]
summary, report, traces, pairs = compare(
    "--targets", pair[0], "--targets", pair[1], "--via",
    "china=cn0,10.10.0.1", "--via", "ttk=ttk0,10.20.0.1", "--pings", "5")
seen = {}
for t in summary["targets_detail"]:
    seen.setdefault(t["addr"], set()).add((t["via"], t["transit"]))
for addr in pair:
    check(seen.get(addr) == {("China Unicom", "China Unicom"),
                             ("TTK", "TTK")},
          "%s measured over both uplinks, each attributed to its transit" %
          addr, "both", seen.get(addr))
# One source address over both uplinks: the replies share NK's return
# route, and the output says the gap is the forward paths' alone.
check(summary["difference"]["forward_only"] is True and
      "forward paths' alone" in report,
      "--via from one source: the difference is said to be the forward "
      "paths' (the replies share one return route)", True,
      summary["difference"].get("forward_only"))
# The way out is pinned, so the forward paths say nothing of who carries
# a /24; the uplink its replies came back by does (NK's route: 176 over
# China, 177 over TTK in this lab).
marks = {(p["prefix"], p["transit"]): p.get("carrier_from")
         for p in summary["prefixes"] if p["carrier"]}
check(marks == {("175.45.176.0/24", "China Unicom"): "replies",
                ("175.45.177.0/24", "TTK"): "replies"} and
      "its replies came back by" in report,
      "--via: each /24 marked with the transit whose uplink its replies "
      "came back by", "176 China, 177 TTK", marks)
lost = [(t["addr"], t["via"], t["method"], t["e2e"])
        for t in summary["targets_detail"]
        if t["e2e"]["received"] != t["e2e"]["sent"]]
check(not lost, "no loss without configured loss (each uplink its own "
      "flow: one 4-tuple over two uplinks would be one TCP connection)",
      [], lost)
# On the wire: a pinned probe leaves by its uplink; the target's answer
# comes back by the uplink NK's routing chooses for the target's /24
# (175.45.176.0/24 over China, 175.45.177.0/24 over TTK), whichever uplink
# the probe took.
ifindex = {int(lab.exec("vp", ["cat", "/sys/class/net/%s/ifindex" % dev]
                       ).stdout): dev for dev in ("cn0", "ttk0")}
sport_via = {}
for rec in traces:
    if rec.get("sport"):
        sport_via[(rec["dst_addr"], rec["sport"])] = rec.get("via")
back = {pair[0]: "cn0", pair[1]: "ttk0"}
bad = []
for w in pairs:
    via = sport_via.get((w["dst"], w["sport"]))
    if via is None or w["from"] != w["dst"]:
        continue
    want_out = {"China Unicom": "cn0", "TTK": "ttk0"}[via]
    got = (ifindex.get(w["out_if"]), ifindex.get(w["in_if"]))
    if got != (want_out, back[w["dst"]]):
        bad.append((w["dst"], via, got))
check(not bad and len(sport_via) >= 4,
      "every pinned probe left by its uplink, every answer came back by "
      "NK's route for its /24", [], bad[:5])
check(len(summary["prefix_differences"]) >= 1,
      "per-prefix differences where both transits were measured")

# 3. A route change.
lab.route("175.45.177.0/24", "china")
summary, report, _, _ = compare("--sample", "3", "-v")
m = re.search(r"^nktrace compare: traces: [\d.]+s, (\d+) probes, (\d+) "
              r"matched", last_stderr[0], re.M)
check(m and int(m.group(1)) == summary["capture"]["probes"] and
      int(m.group(2)) <= int(m.group(1)) and
      "verdict:" in report,
      "-v: the run's counts on stderr (its probes the summary's), "
      "the text on stdout as without it", summary["capture"]["probes"],
      m and m.group(0))
carriers = {p["prefix"]: p["transit"] for p in summary["prefixes"]
            if p["carrier"]}
check(carriers.get("175.45.177.0/24") == "China Unicom",
      "after the route change 175.45.177.0/24 is China Unicom's",
      "China Unicom", carriers.get("175.45.177.0/24"))
check(carriers.get("175.45.178.0/24") == "TTK", "175.45.178.0/24 is still "
      "TTK's", "TTK", carriers.get("175.45.178.0/24"))
wire.summary()
done()
