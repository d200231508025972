#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""nktrace trace in the lab: for targets on both transits and every method,
the hop list equals one of the paths `tools/lab truth` gives (the lab's
per-flow diamonds give several; one flow follows exactly one), as scamper's
Paris trace of the same target does; every RTT equals the one an independent capture of the vantage
point's interfaces saw on the wire (the probe's frame to its reply's,
within tens of microseconds: this measures nktrace, not how fast the lab's
emulated links were); silent hops are timeouts; TCP targets answer SYN-ACK
(open) or RST (closed); and forged replies sent by a hostile lab router
while nktrace runs are matched 0 times, the RTTs staying the wire's; and
--doubletree over a /24 finds the routers, border and hosts independent
traces find with at most half their probes, inventing no hop."""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import wire
from labtest import (LAB, NKTRACE, SRC, Lab, alternatives, check, done,
                     flow_of, followed, need_root, truth_hops)

need_root()
lab = Lab("ttrace", scale=0.1)
TARGETS = {"175.45.176.71": "china", "175.45.177.10": "ttk",
           "175.45.178.100": "ttk", "175.45.179.76": "china"}
truth = {t["addr"]: t for t in lab.truth(list(TARGETS))["targets"]}
SCAMPER = {"icmp": "icmp-paris", "udp": "udp-paris", "tcp": "tcp"}
TMP = tempfile.mkdtemp(prefix="nkt-trace-")
os.chmod(TMP, 0o777)


def nktrace(args, check_rc=True):
    p = lab.exec("vp", [NKTRACE] + args, check=False, timeout=300)
    if check_rc and p.returncode != 0:
        raise RuntimeError("nktrace %s: %d %s" % (args, p.returncode,
                                                  p.stderr))
    return p


def hop_list(rec, n):
    """[(hop, first replying address or None)] for hops 1..n."""
    out = []
    by_hop = {h["hop"]: h for h in rec["result"]}
    for i in range(1, n + 1):
        addrs = [r["from"] for r in by_hop.get(i, {}).get("result", [])
                 if "rtt" in r]
        out.append((i, addrs[0] if addrs else None))
    return out


def expected(alt, method):
    """One of truth's hop lists, with the target's answer for this
    method."""
    hops = truth_hops(alt)
    last = alt[-1]["reply"]
    answers = {"icmp": last["icmp"], "udp": last["udp"],
               "tcp": last["tcp"]["80"]}[method]
    if answers is None:
        hops[-1] = (hops[-1][0], None)
    return hops


def scamper_hops(addr, method):
    """scamper's Paris trace of addr: (a function n -> its first n hops,
    its flow as `tools/lab truth --flow` takes it)."""
    out = lab.exec("vp", ["scamper", "-O", "json", "-c",
                          "trace -P %s -q 1 -w 1 -d %s" % (
                              SCAMPER[method],
                              "80" if method == "tcp" else "33435"),
                          "-i", addr]).stdout
    tr = [json.loads(l) for l in out.splitlines() if '"type":"trace"' in l][0]
    got = {h["probe_ttl"]: h["addr"] for h in tr.get("hops", [])}
    flow = "icmp" if method == "icmp" else "%s:%d:%d" % (
        method, tr["sport"], tr["dport"])
    return (lambda n: [(i, got.get(i)) for i in range(1, n + 1)]), flow


def traced(args, what):
    """nktrace with these arguments under an independent capture; its
    records, their RTTs checked against the wire."""
    pcap = wire.capture_path(TMP, "wire")
    with lab.capture("vp", pcap):
        p = nktrace(args)
    recs = [json.loads(l) for l in p.stdout.splitlines()]
    wire.check_rtts(recs, pcap, what)
    return p, recs


for method in ("icmp", "udp", "tcp"):
    p, recs = traced(["trace", "--json", "-P", method, "-w", "1s", "-q",
                      "3"] + list(TARGETS), "trace -P %s" % method)
    recs = {r["dst_addr"]: r for r in recs}
    check(set(recs) == set(TARGETS), "%s: one record per target" % method,
          sorted(TARGETS), sorted(recs))
    for addr, transit in TARGETS.items():
        rec = recs.get(addr)
        if rec is None:
            continue
        path = truth[addr]["paths"][0]
        alt, want = followed(path, lambda n: hop_list(rec, n),
                             lambda a: expected(a, method))
        got = hop_list(rec, len(want))
        check(got == want, "%s %s (%s): hop list is one of truth's %d" % (
            method, addr, transit, len(alternatives(path))), want, got)
        # Where the lab's diamonds are computable (TTK's HMARK), the very
        # path of nktrace's flow.
        own = lab.truth([addr], flow=flow_of(rec))["targets"][0]["paths"][0]
        if own.get("flow_hops"):
            fw = expected(own["flow_hops"], method)
            check(hop_list(rec, len(fw)) == fw,
                  "%s %s: the path of its flow (%s, branches %s)" % (
                      method, addr, flow_of(rec), own["flow_branches"]),
                  fw, hop_list(rec, len(fw)))
        sc, sc_flow = scamper_hops(addr, method)
        _, sc_want = followed(path, sc, lambda a: expected(a, method))
        check(sc(len(sc_want)) == sc_want,
              "%s %s: scamper's hop list is one of truth's too" % (
                  method, addr), sc_want, sc(len(sc_want)))
        sc_own = lab.truth([addr], flow=sc_flow)["targets"][0]["paths"][0]
        if sc_own.get("flow_hops"):
            fw = expected(sc_own["flow_hops"], method)
            check(sc(len(fw)) == fw, "%s %s: scamper's is its flow's (%s)" % (
                method, addr, sc_flow), fw, sc(len(fw)))
        # Timeouts where truth is silent.
        by_hop = {h["hop"]: h for h in rec["result"]}
        for h in alt:
            res = by_hop.get(h["hop"], {}).get("result", [])
            answered = [r for r in res if "rtt" in r]
            if h["addr"] is None or (h["node"] == "nkhosts" and
                                     want[-1][1] is None):
                check(len(res) == 3 and all(r.get("x") == "*" for r in res),
                      "%s %s hop %d (%s) shows 3 timeouts" % (
                          method, addr, h["hop"], h["node"]),
                      "3 x *", res)
                continue
            check(len(answered) == 3, "%s %s hop %d (%s): 3 answers" % (
                method, addr, h["hop"], h["node"]), 3, res)
        if method == "tcp":
            last = by_hop.get(len(want), {}).get("result", [])
            flags = {r.get("flags") for r in last if "rtt" in r}
            want_flags = {"SA"} if truth[addr]["paths"][0]["hops"][-1][
                "reply"]["tcp"]["80"] == "syn-ack" else {"RA"}
            check(flags == want_flags, "tcp %s answers %s" % (
                addr, "/".join(want_flags)), want_flags, flags)
        want_stop = "COMPLETED" if want[-1][1] else "GAPLIMIT"
        check(rec["stop_reason"] == want_stop, "%s %s stops %s" % (
            method, addr, want_stop), want_stop, rec["stop_reason"])

# Annotation: the AS path, the border crossing and the transit of each path
# (TCP reaches every open or closed host).
ASPATH = {"china": [2914, 4837, 134544, 131279], "ttk": [1299, 20485, 131279]}
NAME = {"china": "China Unicom", "ttk": "TTK"}
full = lab.truth()
p, recs = traced(["trace", "--json", "-P", "tcp", "-q", "1"] +
                 list(TARGETS), "trace -P tcp -q 1")
for rec in recs:
    transit = TARGETS[rec["dst_addr"]]
    got = [s["asn"] for s in rec["as_path"] if s["type"] == "as"]
    check(got == ASPATH[transit], "%s: AS path over %s" % (
        rec["dst_addr"], transit), ASPATH[transit], got)
    check(rec["as_path"][0]["type"] == "private",
          "%s: the vantage point's gateway is marked private" %
          rec["dst_addr"], "private", rec["as_path"][0]["type"])
    b = rec["border"]
    want = (full["border"][transit]["last_foreign"],
            full["border"][transit]["nk_border"])
    got = (b["last_foreign"] and b["last_foreign"]["addr"],
           b["first_inside"] and b["first_inside"]["addr"])
    check(b["entered"] and got == want, "%s: border crossing %s -> %s" % (
        rec["dst_addr"], want[0], want[1]), want, got)
    by_hop = {h["hop"]: h for h in rec["result"]}
    for end in ("last_foreign", "first_inside"):
        if b[end]:
            hop_rtts = [r["rtt"] for r in by_hop[b[end]["hop"]]["result"]
                        if r.get("from") == b[end]["addr"] and "rtt" in r]
            check(b[end]["rtt_ms"] in hop_rtts,
                  "%s: %s RTT %.3f ms is that hop's reply's (%s)" % (
                      rec["dst_addr"], end, b[end]["rtt_ms"], hop_rtts))
    check(rec["transit"] == NAME[transit], "%s attributed to %s" % (
        rec["dst_addr"], NAME[transit]), NAME[transit], rec["transit"])
    check(rec.get("dst_name") is not None, "%s has its name" %
          rec["dst_addr"])

# Forged replies while nktrace runs: a hostile router on the China path.
with tempfile.TemporaryDirectory() as tmp:
    os.chmod(tmp, 0o777)
    stats = os.path.join(tmp, "forger.json")
    forger = subprocess.Popen(
        [sys.executable, LAB, "exec", "--name", lab.name, "cusy", sys.executable,
         os.path.join(SRC, "tests", "lab", "forger.py"), "--iface", "up0",
         "--vp", "192.0.2.10", "--late", "1.5", "--stats", stats])
    time.sleep(1.0)
    p, recs1 = traced(["trace", "--json", "-v", "-w", "1s", "-P", "tcp",
                       "175.45.176.71", "175.45.179.76", "175.45.176.8"],
                      "trace -P tcp under forgery")
    p2, recs2 = traced(["trace", "--json", "-v", "-w", "1s", "-P", "udp",
                        "175.45.176.71", "175.45.176.67"],
                       "trace -P udp under forgery")
    time.sleep(2.0)
    forger.send_signal(signal.SIGTERM)
    forger.wait(timeout=20)
    sent = json.load(open(stats))
    recs = recs1 + recs2
    answers, reports = [], []
    for rec in recs:
        for h in rec["result"]:
            for r in h.get("result", []):
                if r.get("from", "").startswith("6.6.6."):
                    (answers if "rtt" in r else reports).append(r)
    forged = sum(v for k, v in sent.items() if k != "probes")
    check(forged > 100, "the forger sent %d forged replies for %d probes" % (
        forged, sent["probes"]))
    check(not answers, "forged replies matched: 0", [], answers[:3])
    check(all(r["from"] == "6.6.6.1" and "edst" in r for r in reports),
          "only rewritten-destination quotes appear, as edst reports",
          "6.6.6.1 with edst", reports[:3])
    for rec in recs:
        path = truth[rec["dst_addr"]]["paths"][0] \
            if rec["dst_addr"] in truth else lab.truth(
                [rec["dst_addr"]])["targets"][0]["paths"][0]
        m = "tcp" if rec["proto"] == "TCP" else "udp"
        _, want = followed(path, lambda n: hop_list(rec, n),
                           lambda a: expected(a, m))
        check(hop_list(rec, len(want)) == want,
              "under forgery, %s %s still equals truth" % (
                  rec["proto"], rec["dst_addr"]), want,
              hop_list(rec, len(want)))
    print("forger: %s" % sent)
    print("nktrace: %s" % (p.stderr.strip() + " | " + p2.stderr.strip()))

# sweep sends ICMP echo only; over NK's space (hosts that filter it) it
# says so, and which command reaches them, in one line.
p = lab.exec("vp", [NKTRACE, "sweep", "-m", "12", "--rate", "2000",
                    "175.45.179.0/24"], check=False, timeout=120)
hint = [l for l in p.stderr.splitlines() if "hint:" in l]
m = re.search(r"targets reached: (\d+) of 256", p.stdout)
check(p.returncode == 0 and m and int(m.group(1)) < 128 and len(hint) == 1
      and "filter ICMP echo" in hint[0] and "nktrace trace" in hint[0],
      "sweep of an NK /24: few reached over ICMP, and one line says why and "
      "what reaches them", "one hint", (p.returncode, m and m.group(0),
                                        p.stderr[-300:]))

# Doubletree (--doubletree): a /24 traced with the local stop set against
# the same /24 traced target by target, one probe a hop, in this run: at
# most half the probes; no hop that is not on its target's truth path; the
# border, every router the independent traces met and every host they
# reached are found too.  The per-flow diamonds are where Doubletree's rule
# (paths from one vantage point form a tree) does not hold: the 32 targets
# traced whole first (--whole-traces) are 32 flows through them, and miss
# one of a diamond's 3 branches with a chance of 3 x (2/3)^32, under 1e-5.
# With --whole-traces 1 the branches missed are printed.
def probes_of(stderr):
    m = re.search(r"^nktrace trace: [\d.]+s, (\d+) probes", stderr, re.M)
    return int(m.group(1)) if m else None


DT = "175.45.178.0/24"
BASE = ["trace", "-q", "1", "-P", "tcp", "-r", "400", "--hop-rate", "0",
        "-v", "--json", DT]
runs = {}
for label, extra in (("independent", []), ("doubletree", ["--doubletree"]),
                     ("one whole", ["--doubletree", "--whole-traces", "1"])):
    p = nktrace(BASE + extra)
    runs[label] = ([json.loads(l) for l in p.stdout.splitlines()],
                   probes_of(p.stderr))
dt_all = lab.truth([r["dst_addr"] for r in runs["doubletree"][0]])
dt_truth = {t["addr"]: t for t in dt_all["targets"]}


def found(recs, routers_only=True):
    """{address} of the hops of recs (routers: not the destination)."""
    return {x["from"] for r in recs for h in r["result"]
            for x in h.get("result", []) if "from" in x and
            (not routers_only or x["from"] != r["dst_addr"])}


def reached(recs):
    return {r["dst_addr"] for r in recs
            if r["dst_addr"] in found([r], routers_only=False)}


ind, n_ind = runs["independent"]
dtr, n_dt = runs["doubletree"]
check(n_ind and n_dt and n_dt <= n_ind / 2,
      "--doubletree over %s: %s probes, at most half of the %s of "
      "independent traces" % (DT, n_dt, n_ind), "<= %s" % (
          n_ind and n_ind / 2), n_dt)
invented = []
for r in dtr:
    may = {h["hop"]: set(h["addrs"]) for h in
           dt_truth[r["dst_addr"]]["paths"][0]["hop_addrs"]}
    for h in r["result"]:
        for x in h.get("result", []):
            if "from" in x and x["from"] != r["dst_addr"] and \
                    x["from"] not in may.get(h["hop"], set()):
                invented.append((r["dst_addr"], h["hop"], x["from"]))
check(not invented, "--doubletree: every hop is on its target's truth "
      "path at its TTL", [], invented[:5])
starts = sorted({r["result"][0]["hop"] for r in dtr if r["result"]})
whole = sum(1 for r in dtr if r.get("first_ttl", 1) == 1)
check(len(dtr) == 256 and starts[0] == 1 and len(starts) > 1 and
      whole >= 32 and
      all(r.get("first_ttl", 1) == r["result"][0]["hop"] for r in dtr
          if r["result"]),
      "--doubletree: 256 records, 32 traced whole, the others from "
      "the TTL where they met a known router (their first_ttl)", "1, ...",
      (whole, starts))
branch = set()  # routers on some but not all of a target's paths
for t in dt_truth.values():
    alts = [{h["addr"] for h in alt if h["addr"]}
            for alt in alternatives(t["paths"][0])]
    branch |= set.union(*alts) - set.intersection(*alts)
border = dt_all["border"][dt_all["prefixes"][DT]]
need = found(ind) | {border["last_foreign"]}
check(need <= found(dtr) and reached(ind) <= reached(dtr),
      "--doubletree finds the border %s, the %d routers independent "
      "traces met (%d of them on branches of diamonds) and the %d hosts "
      "they reached" % (border["last_foreign"], len(found(ind)),
                        len(found(ind) & branch), len(reached(ind))), [],
      (sorted(need - found(dtr)), sorted(reached(ind) - reached(dtr))))
one, n_one = runs["one whole"]
print("     doubletree: %d probes against %d (%.0f%%), %d routers against "
      "%d, %d hosts reached against %d; with --whole-traces 1: %d probes "
      "(%.0f%%), the branches it did not meet: %s" % (
          n_dt, n_ind, 100.0 * n_dt / n_ind, len(found(dtr)),
          len(found(ind)), len(reached(dtr)), len(reached(ind)), n_one,
          100.0 * n_one / n_ind, sorted(found(ind) - found(one)) or "none"))
sc = lab.exec("vp", ["scamper", "-O", "json", "-p", "400", "-c",
                     "trace -q 1 -P tcp -d 80", "-i"] +
              [r["dst_addr"] for r in ind], check=False, timeout=300)
sc_recs = [json.loads(l) for l in sc.stdout.splitlines()
           if '"type":"trace"' in l]
print("     scamper (independent traces, the same targets): %d probes, %d "
      "routers; its Doubletree (-f H -Z lss) is not run: Debian's "
      "scamper 20211212 ends with SIGSEGV on it over a /24" % (
          sum(r.get("probe_count", 0) for r in sc_recs),
          len({h["addr"] for r in sc_recs for h in r.get("hops", [])
               if h["addr"] != r["dst"]})))

shutil.rmtree(TMP, ignore_errors=True)
wire.summary()
done()
