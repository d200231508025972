#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""nktrace import --mda: scamper tracelb records as MDA graphs
(data/mda.schema.md), checked against two independent readings of the
same measurements:

1. scamper's own sc_warts2text of the binary .warts (not the JSON nktrace
   reads): every link "A -> B" and "A -> * -> B" it prints is in the
   graph, and no other; the graph's interfaces are scamper's nodes.
2. The sc_warts2json JSON read here with Python: per link, the set of flow
   ids whose probes it answered (graph flows mapped back through
   flow_ids); per interface, the RTTs of its answers (n, min, max).
3. Per-flow balancers: every interface with two next hops or more, and
   only those.  IPv6 tracelb records are counted as not traceroutes; a
   record that is not valid is reported as FILE:LINE and the others are
   still written.
"""
import json
import os
import subprocess
import sys
import tempfile

SRC = os.environ.get("NKT_SOURCE_ROOT", os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))))
BUILD = os.environ.get("NKT_BUILD_DIR", os.path.join(SRC, "build"))
NKTRACE = os.environ.get("NKT_NKTRACE") or os.path.join(BUILD, "nktrace")
DATA = os.path.join(SRC, "tests", "data", "import")
PEERS = os.path.join(SRC, "tests", "data", "peers")
V4 = "scamper_dioptra-io-warts__tracelb_google_dns_v4_default"
V6 = "scamper_dioptra-io-warts__tracelb_google_dns_v6_default"
NETNS = os.path.join(PEERS, "scamper_local-netns__tracelb_icmp_v4.json")
tmp = tempfile.mkdtemp(prefix="nkt-tracelb-")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from checks import check, done  # noqa: E402


def import_mda(files, out):
    return subprocess.run([NKTRACE, "import", "--quiet", "--json", "-o",
                           os.path.join(tmp, "summary.json"), "--mda",
                           out] + files, capture_output=True, text=True,
                          timeout=300)


def graph_links(g):
    """The graph's links as scamper prints them: "A -> B", and "A -> * ->
    B" through silent interfaces; with the flow ids (scamper's) of each."""
    nodes = {n["id"]: n for n in g["nodes"]}
    out_of = {}
    for l in g["links"]:
        out_of.setdefault(l["from"], []).append(l)
    ids = g["flow_ids"]
    res = {}

    def walk(start, nid, stars, flows):
        for l in out_of.get(nid, []):
            f = flows & {ids[i - 1] for i in l["flows"]}
            to = nodes[l["to"]]
            if to["addr"] is None:
                walk(start, to["id"], stars + 1, f)
            else:
                key = " -> ".join([start] + ["*"] * stars + [to["addr"]])
                res.setdefault(key, set()).update(f)

    for n in g["nodes"]:
        if n["addr"] is not None:
            walk(n["addr"], n["id"], 0, set(ids))
    return res


def json_links(rec):
    """Per link, the flow ids of the probes that its far end answered, and
    per interface the RTTs of its answers, read here from the JSON."""
    links, rtts = {}, {}
    for n in rec["nodes"]:
        for j, pos in enumerate(n.get("links", [])):
            for hop in pos:
                if hop.get("addr", "*") == "*":
                    continue
                key = " -> ".join([n["addr"]] + ["*"] * j + [hop["addr"]])
                for p in hop.get("probes", []):
                    if p.get("replies"):
                        links.setdefault(key, set()).add(p["flowid"])
                        rtts.setdefault(hop["addr"], []).append(
                            p["replies"][0]["rtt"])
    return links, rtts


out = os.path.join(tmp, "graphs.json")
files = [os.path.join(DATA, V4 + ".sc_warts2json.json"),
         os.path.join(DATA, V6 + ".sc_warts2json.json"), NETNS]
p = import_mda(files, out)
check(p.returncode == 0, "import --mda of 3 tracelb files: exit 0", 0,
      (p.returncode, p.stderr))
graphs = [json.loads(l) for l in open(out)] if os.path.exists(out) else []
summary = json.load(open(os.path.join(tmp, "summary.json")))
check(summary["input"]["mda_graphs"] == 2 and len(graphs) == 2,
      "the two IPv4 tracelb records became graphs (summary input."
      "mda_graphs %d)" % summary["input"]["mda_graphs"], 2,
      (summary["input"]["mda_graphs"], len(graphs)))
check(summary["input"]["not_traceroute"] >= 1,
      "the IPv6 tracelb record is counted as not a traceroute", ">= 1",
      summary["input"]["not_traceroute"])
by_dst = {g["dst"]: g for g in graphs}

# 1. Against sc_warts2text of the .warts.
txt = subprocess.run(["sc_warts2text", os.path.join(DATA, V4 + ".warts")],
                     capture_output=True, text=True, check=True).stdout
head, *lines = [l.strip() for l in txt.splitlines() if l.strip()]
g = by_dst.get("8.8.8.8")
check(g is not None, "8.8.8.8: a graph", "graph", None)
if g is not None:
    got = graph_links(g)
    check(set(got) == set(lines),
          "8.8.8.8: the graph's %d links are sc_warts2text's %d" % (
              len(got), len(lines)), sorted(lines), sorted(got))
    real = sorted(n["addr"] for n in g["nodes"] if n["addr"] is not None)
    want_nodes = sorted({a for l in lines for a in l.split(" -> ")
                         if a != "*"})
    check(real == want_nodes, "8.8.8.8: its %d interfaces are scamper's "
          "(\"%s\")" % (len(real), head), want_nodes, real)
    check(g["probes"] == 104 and g["source"] == "scamper tracelb" and
          g["method"] == "udp-dport" and g["confidence"] == 0.95 and
          g["stop_reason"] == "COMPLETED",
          "8.8.8.8: 104 probes, udp-dport, 95%, COMPLETED", None,
          {k: g.get(k) for k in ("probes", "source", "method",
                                 "confidence", "stop_reason")})

    # 2. Against the JSON read here.
    rec = [json.loads(l) for l in open(files[0])
           if '"type":"tracelb"' in l.replace(" ", "")][0]
    jl, jr = json_links(rec)
    check(all(got.get(k) == v for k, v in jl.items()) and
          set(jl) == set(got),
          "8.8.8.8: each link's flow ids are those of the probes its far "
          "end answered (%d links, %d flow ids)" % (
              len(jl), len(set().union(*jl.values()))),
          {k: sorted(v) for k, v in jl.items()},
          {k: sorted(v) for k, v in got.items()})
    bad = []
    for n in g["nodes"]:
        r = jr.get(n["addr"])
        if r is None:
            if "rtt_ms" in n:
                bad.append((n["addr"], "rtt without answers"))
            continue
        m = n.get("rtt_ms", {})
        if (m.get("n") != len(r) or abs(m.get("min", -1) - min(r)) > 0.0015
                or abs(m.get("max", -1) - max(r)) > 0.0015):
            bad.append((n["addr"], m, (len(r), min(r), max(r))))
    check(not bad, "8.8.8.8: every interface's RTTs (n, min, max) are "
          "its answers'", [], bad)

    # 3. Balancers.
    succ = {}
    for l in lines:
        a = l.split(" -> ")
        succ.setdefault(a[0], set()).add(a[-1])
    want_bal = sorted(a for a, s in succ.items() if len(s) >= 2)
    got_bal = sorted((b["addr"], b["kind"]) for b in g["balancers"])
    check(got_bal == [(a, "per-flow") for a in want_bal],
          "8.8.8.8: the per-flow balancers are the interfaces with two "
          "next hops (%s)" % ", ".join(want_bal), want_bal, got_bal)

n = by_dst.get("203.0.113.1")
check(n is not None and graph_links(n) == {
    "198.51.100.254 -> 10.255.12.2": set(range(1, 7)),
    "10.255.12.2 -> 203.0.113.1": {1}} and not n["balancers"],
      "the lab's tracelb: one path of two links, no balancer", None,
      graph_links(n) if n else None)

# Bad input: a probe whose TTL cannot be where it is in the link.
bad_in = os.path.join(tmp, "bad.json")
with open(files[0]) as f, open(bad_in, "w") as o:
    lines_in = f.read().splitlines()
    for i, l in enumerate(lines_in):
        if '"type":"tracelb"' in l.replace(" ", ""):
            r = json.loads(l)
            r["nodes"][1]["links"][0][0]["probes"][0]["ttl"] = 1
            o.write(json.dumps(r) + "\n")
            o.write(l + "\n")
            bad_line = i + 1
        else:
            o.write(l + "\n")
out2 = os.path.join(tmp, "graphs2.json")
p = import_mda([bad_in], out2)
check(p.returncode == 1 and "bad.json:%d" % bad_line in p.stderr and
      "nodes[1].links[0][0].probes[0]" in p.stderr,
      "a probe TTL too small for its place: FILE:LINE naming the member, "
      "exit 1", (1, "bad.json:%d ... nodes[1].links[0][0].probes[0]" %
                 bad_line), (p.returncode, p.stderr.strip()))
check(os.path.exists(out2) and len(open(out2).read().splitlines()) == 1,
      "the valid record after it is still written", 1,
      open(out2).read().count("\n") if os.path.exists(out2) else None)

# An output that cannot be written: one line, exit 1 (an output failed).
p = import_mda(files[:1], "/nonexistent/dir/g.json")
check(p.returncode == 1 and "/nonexistent/dir/g.json" in p.stderr and
      len(p.stderr.strip().splitlines()) == 1,
      "--mda into a missing directory: one line naming it, exit 1", 1,
      (p.returncode, p.stderr))
done()
