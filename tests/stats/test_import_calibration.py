#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""compare's verdicts through `nktrace import`, calibrated by simulation.

Synthetic RIPE Atlas traceroute results whose truth is known, imported by
the real binary (parsing, annotation with the built-in database, transit
attribution from the AS path, folding per path, the verdict): one vantage
point; targets in 175.45.176.0/24 reached over China Unicom, in
175.45.177.0/24 over TTK; each host's own delay inside North Korea drawn
from N(0, 15 ms); six repeats of three packets; the routers inside North
Korea silent, as in real traces (the border is the last hop before them);
loss per packet, or clustered per host (a fifth of the hosts lose 60%),
with Atlas's behaviour when all three packets to the destination are lost
(it goes on to the next TTL).

The structures real data has (issue 25) are regimes of their own: many
vantage points seeing the same few hosts over both transits, each flow
crossing its border on its own branch, border congestion per transit and
15-minute slot, loss bursts that hit every host of a transit at once,
unequal spreads of the hosts on the two sides.

Asserted: with no difference between the transits (end to end, at the
border, in loss), the summary claims one (its "claim" field: end to end,
border or loss, any of them) in at most 5% of runs plus the binomial
allowance; too few hosts give "not enough evidence"; a real 30 ms
end-to-end difference over 10 hosts a side, and over 7 hosts shared by
10 vantage points (the paired design), is found in 80% of runs or more;
the end-to-end and border intervals hold the truth as often as their
stated confidence, less 2 points and the binomial allowance.  The table
is printed.  NKT_CALIBRATION_REPS (200) sets the runs per regime (1,000
in tools/calibrate), and
NKT_CALIBRATION_ONLY a part of the regimes' names to run."""
import json
import math
import os
import random
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                ".."))
from checks import check, done  # noqa: E402

SRC = os.environ.get("NKT_SOURCE_ROOT", os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))))
BUILD = os.environ.get("NKT_BUILD_DIR", os.path.join(SRC, "build"))
NKTRACE = os.environ.get("NKT_NKTRACE") or os.path.join(BUILD, "nktrace")
REPS = int(os.environ.get("NKT_CALIBRATION_REPS", "200"))
# tools/calibrate: the shared-host regimes at the size (50 and 10
# vantage points); CI: 20 and 6, the same structure in less time.
FULL = os.environ.get("NKT_CALIBRATION_FULL") == "1"

# Router addresses the built-in database knows (data/README), and their
# RTTs from the vantage point.
CHINA = [("129.250.2.1", 2.0), ("219.158.117.1", 150.0),
         ("219.158.115.122", 180.0), ("61.49.172.1", 200.0),
         ("60.16.0.1", 215.0), ("60.23.0.1", 225.0), ("103.35.254.1", 234.0)]
TTK = [("62.115.120.1", 80.0), ("217.150.32.1", 110.0),
       ("62.33.8.1", 140.0), ("5.8.192.1", 165.0), ("62.33.66.1", 175.0),
       ("80.237.106.1", 180.0), ("188.43.225.153", 185.0)]
rng = random.Random(1201)


def jitter():
    return abs(rng.gauss(0, 1.5)) + (30 * rng.random()
                                     if rng.random() < 0.02 else 0)


def trace(t0, dst, path, base, own, border_shift, loss, vp=0,
          inside=False):
    """One Atlas result (fw 5080, ICMP, 3 packets per hop) from vantage
    point vp; inside: North Korea's first router answers (the hand-over
    is seen, so one vantage point's traces of one host may go over two
    transits)."""
    hops = [{"hop": 1, "result": [{"from": "192.168.1.1", "ttl": 64,
                                   "size": 68, "rtt": round(0.5 + jitter(),
                                                            3)}
                                  for _ in range(3)]}]
    for i, (addr, rtt) in enumerate(path):
        r = rtt + (border_shift if i == len(path) - 1 else 0)
        hops.append({"hop": i + 2, "result": [
            {"from": addr, "ttl": 250 - i, "size": 68,
             "rtt": round(r + jitter(), 3)} for _ in range(3)]})
    for k in range(2):  # North Korea's routers, silent as in real traces
        if inside and k == 0:
            hops.append({"hop": len(hops) + 1, "result": [
                {"from": "175.45.179.1", "ttl": 240, "size": 68,
                 "rtt": round(path[-1][1] + 2 + jitter(), 3)}] * 3})
        else:
            hops.append({"hop": len(hops) + 1, "result": [{"x": "*"}] * 3})
    # The destination: three packets; all lost, Atlas tries the next TTL.
    for extra in range(3):
        res = [{"x": "*"} if rng.random() < loss else
               {"from": dst, "ttl": 50, "size": 68,
                "rtt": round(base + own + jitter(), 3)} for _ in range(3)]
        hops.append({"hop": len(hops) + 1, "result": res})
        if any("from" in r for r in res):
            break
    return {"fw": 5080, "af": 4, "type": "traceroute", "msm_id": 1001,
            "prb_id": 7 + vp, "from": "198.51.%d.%d" % (100 + vp // 200,
                                                      7 + vp % 200),
            "src_addr": "192.168.1.2",
            "dst_addr": dst, "dst_name": dst, "proto": "ICMP",
            "paris_id": 1, "size": 48, "timestamp": t0, "endtime": t0 + 2,
            "msm_name": "Traceroute", "lts": 10, "result": hops}


def host_loss(model, mean):
    if model == "hosts":
        return 0.6 if rng.random() < 0.2 else (mean - 0.12) / 0.8
    return mean


def separate_records(regime):
    """One vantage point; hosts in 175.45.176.0/24 over China Unicom, in
    175.45.177.0/24 over TTK, six traces each 15 minutes apart; each
    host's flow crosses its border on its own branch (flow_sd) and each
    transit's border has its moment in each slot (slot_sd)."""
    recs, t0 = [], 1796000000
    reps = regime.get("reps", 6)
    slot = [[rng.gauss(0, regime.get("slot_sd", 0.0)) for _ in range(reps)]
            for _ in range(2)]
    # a loss burst hits every host of a transit in that slot at once
    burst = [[0.5 if rng.random() < regime.get("burst", 0.0) else 0.0
              for _ in range(reps)] for _ in range(2)]
    for side, (net, route, base, border) in enumerate((
            ("175.45.176.", CHINA, 290.0 + regime["diff"],
             regime["border_diff"]),
            ("175.45.177.", TTK, 290.0, 0.0))):
        n = regime["hosts"] if side == 0 else regime.get(
            "hosts_b", regime["hosts"])
        for h in range(n):
            own = rng.gauss(0, regime.get("sd", (15.0, 15.0))[side])
            loss = host_loss(regime["loss"], regime["mean_loss"])
            dst = net + str(10 + h)
            # Same border RTT on both sides unless the regime says.
            flow = rng.gauss(0, regime.get("flow_sd", 0.0))
            for rep in range(reps):
                shifted = route[:-1] + [(route[-1][0], 234.0 + border +
                                         flow + slot[side][rep])]
                recs.append(trace(t0 + 900 * rep, dst, shifted,
                                  base + flow + slot[side][rep], own,
                                  0.0, min(1.0, loss + burst[side][rep])))
    return recs


def shared_records(regime):
    """Vantage points that each see the same hosts over both transits
    (their traces alternate), each host with its own delay over each
    transit (sd 3 ms, the same from every vantage point)."""
    recs, t0 = [], 1796000000
    hosts = []
    for h in range(regime["hosts"]):
        own = rng.gauss(0, 15)
        hosts.append(("175.45.176.%d" % (10 + h), own,
                      (rng.gauss(0, regime.get("host_sd", 3.0)),
                       rng.gauss(0, regime.get("host_sd", 3.0)))))
    for vp in range(regime["vps"]):
        near = rng.uniform(0, 40)  # the vantage point's own distance
        for dst, own, hx in hosts:
            for rep in range(6):
                side = rep % 2
                route = CHINA if side == 0 else TTK
                base = 290.0 + near + hx[side] + (
                    regime["diff"] if side == 0 else 0.0)
                path = [(a, r + near) for a, r in route[:-1]] + [
                    (route[-1][0], 234.0 + near)]
                recs.append(trace(t0 + 900 * rep, dst, path, base, own,
                                  0.0, regime["mean_loss"], vp=vp,
                                  inside=True))
    return recs


def replicate(regime, path):
    if regime.get("vps"):
        recs = shared_records(regime)
    else:
        recs = separate_records(regime)
    with open(path, "w") as f:
        for r in recs:
            f.write(json.dumps(r) + "\n")
    out = path + ".sum"
    p = subprocess.run([NKTRACE, "import", "--quiet", "--json", "-o", out, path],
                       capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(p.stderr)
    d = json.load(open(out))["difference"]
    return d


def allowance(n, p=0.05):
    cdf = 0.0
    for k in range(n + 1):
        cdf += math.exp(math.lgamma(n + 1) - math.lgamma(k + 1) -
                        math.lgamma(n - k + 1) + k * math.log(p) +
                        (n - k) * math.log1p(-p))
        if 1 - cdf < 1e-4:
            return k
    return n


REGIMES = [
    {"name": "1v1 no difference", "hosts": 1, "diff": 0, "border_diff": 0,
     "loss": "iid", "mean_loss": 0.03, "few": True},
    {"name": "2v2 no difference", "hosts": 2, "diff": 0, "border_diff": 0,
     "loss": "iid", "mean_loss": 0.03, "few": True},
    {"name": "3v3 no difference", "hosts": 3, "diff": 0, "border_diff": 0,
     "loss": "iid", "mean_loss": 0.03, "few": True},
    {"name": "5v5 no difference", "hosts": 5, "diff": 0, "border_diff": 0,
     "loss": "iid", "mean_loss": 0.03},
    {"name": "10v10 no difference", "hosts": 10, "diff": 0,
     "border_diff": 0, "loss": "iid", "mean_loss": 0.03},
    {"name": "10v10 loss clustered per host", "hosts": 10, "diff": 0,
     "border_diff": 0, "loss": "hosts", "mean_loss": 0.15},
    {"name": "10v10, 30 ms real difference", "hosts": 10, "diff": 30,
     "border_diff": 0, "loss": "iid", "mean_loss": 0.03, "power": True},
    # The structures of issue 25: what is independent in fact.
    {"name": "%d VPs, the same 3 hosts" % (50 if FULL else 20),
     "vps": 50 if FULL else 20, "hosts": 3, "diff": 0, "mean_loss": 0.03},
    {"name": "1v1, per-flow border", "hosts": 1, "diff": 0,
     "border_diff": 0, "loss": "iid", "mean_loss": 0.03, "flow_sd": 2.0},
    {"name": "5v5, per-flow border", "hosts": 5, "diff": 0,
     "border_diff": 0, "loss": "iid", "mean_loss": 0.03, "flow_sd": 2.0},
    {"name": "10v10, border congestion per slot", "hosts": 10, "diff": 0,
     "border_diff": 0, "loss": "iid", "mean_loss": 0.03, "slot_sd": 2.0},
    {"name": "5v5, loss bursts per transit", "hosts": 5, "diff": 0,
     "border_diff": 0, "loss": "iid", "mean_loss": 0.03, "burst": 0.15},
    {"name": "10v10, loss bursts per transit", "hosts": 10, "diff": 0,
     "border_diff": 0, "loss": "iid", "mean_loss": 0.03, "burst": 0.15},
    {"name": "10v20, spreads 40 and 5 ms", "hosts": 10, "hosts_b": 20,
     "sd": (40.0, 5.0), "diff": 0, "border_diff": 0, "loss": "iid",
     "mean_loss": 0.03},
    {"name": "10v10 over 12 slots, border 5 ms", "hosts": 10, "reps": 12,
     "diff": 0, "border_diff": 5, "loss": "iid", "mean_loss": 0.03,
     "power": True, "border_power": True},
    {"name": "%d VPs, 7 shared hosts, 30 ms" % (10 if FULL else 6),
     "vps": 10 if FULL else 6, "hosts": 7,
     "diff": 30, "mean_loss": 0.03, "power": True, "paired": True},
]

tmp = tempfile.mkdtemp(prefix="nkt-cal-")
allow = allowance(REPS)
ONLY = os.environ.get("NKT_CALIBRATION_ONLY")  # a name's part: those only


class Coverage:
    """How often a comparison's interval held the truth, among the runs
    that gave one, beside the confidence the intervals claimed."""

    def __init__(self):
        self.n = self.held = 0
        self.conf = 0.0

    def add(self, t, truth, conf=None):
        ci = t.get("ci")
        if not t.get("available") or not ci or ci[0] is None:
            return
        self.n += 1
        self.held += ci[0] - 1e-9 <= truth <= ci[1] + 1e-9
        self.conf += conf if conf is not None else (
            t.get("ci_confidence") or 0.95)

    def rate(self):
        return self.held / self.n if self.n else float("nan")

    def level(self):
        return self.conf / self.n if self.n else float("nan")


print("%-34s %6s %6s %6s %6s %6s %6s %6s %6s" % (
    "regime", "claim", "e2e", "border", "loss", "noev", "cov", "conf",
    "covb"))
for rg in REGIMES:
    if ONLY and ONLY not in rg["name"]:
        continue
    claims = e2e = border = loss = not_enough = found = found_b = 0
    cov, covb, covl = Coverage(), Coverage(), Coverage()
    for i in range(REPS):
        d = replicate(rg, os.path.join(tmp, "r.ndjson"))
        if d is None:
            not_enough += 1
            continue
        claims += d["claim"]
        e2e += d["rtt_ms"]["claim"]
        border += d["border_rtt_ms"]["claim"]
        loss += d["loss"]["claim"]
        not_enough += not d["rtt_ms"]["available"]
        found += d["rtt_ms"]["claim"] and d["rtt_ms"]["diff"] > 0 and (
            not rg.get("paired") or d["rtt_ms"]["design"] == "paired")
        # a - b: China Unicom's side carries the regime's differences
        sign = 1 if d["a"] == "China Unicom" else -1
        found_b += d["border_rtt_ms"]["claim"] and \
            sign * (d["border_rtt_ms"]["diff"] or 0) > 0
        cov.add(d["rtt_ms"], sign * rg["diff"])
        covb.add(d["border_rtt_ms"], sign * rg.get("border_diff", 0))
        if rg.get("loss") != "hosts" and not rg.get("burst"):
            covl.add(d["loss"], 0.0, 0.95)
    print("%-34s %6.3f %6.3f %6.3f %6.3f %6.3f %6.3f %6.3f %6.3f" % (
        rg["name"], claims / REPS, e2e / REPS, border / REPS, loss / REPS,
        not_enough / REPS, cov.rate(), cov.level(), covb.rate()))
    if not rg.get("power"):
        check(claims <= allow, "%s: a claim in %d of %d runs (at most 5%% + "
              "allowance: %d)" % (rg["name"], claims, REPS, allow))
    if rg.get("few"):
        check(e2e == 0 and not_enough == REPS,
              "%s: always not enough evidence end to end" % rg["name"])
    if rg.get("power") and rg.get("border_power"):
        check(found_b >= 0.8 * REPS, "%s: the border's difference found "
              "in %d of %d runs" % (rg["name"], found_b, REPS))
    elif rg.get("power"):
        check(found >= 0.8 * REPS, "%s: found in %d of %d runs" % (
            rg["name"], found, REPS))
    # The end-to-end interval holds the truth as often as it says, less
    # 2 points and the binomial allowance of the runs that gave one.
    if cov.n >= 50:
        c = cov.level()
        slack = 0.02 + 3 * math.sqrt(c * (1 - c) / cov.n)
        check(cov.rate() >= c - slack,
              "%s: the end-to-end interval held the truth in %.1f%% of %d "
              "runs (it claims %.1f%%)" % (rg["name"], 100 * cov.rate(),
                                            cov.n, 100 * c),
              ">= %.3f" % (c - slack), cov.rate())
    if covb.n >= 50:
        c = covb.level()
        slack = 0.02 + 3 * math.sqrt(c * (1 - c) / covb.n)
        check(covb.rate() >= c - slack,
              "%s: the border interval held the truth in %.1f%% of %d runs "
              "(it claims %.1f%%)" % (rg["name"], 100 * covb.rate(), covb.n,
                                      100 * c),
              ">= %.3f" % (c - slack), covb.rate())
done()
