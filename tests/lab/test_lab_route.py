#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""`tools/lab route` moves a /24 to another transit in both directions while
the lab runs, and truth follows.  Classic traceroute sends each probe as a
flow of its own, so over the lab's per-flow diamonds its hop list mixes
truth's paths: each TTL's reply is checked against the addresses truth
gives that TTL."""
from labtest import (Lab, check, done, hop_addrs, need_root, off_path,
                     parse_traceroute)

need_root()
lab = Lab("troute", scale=0.05)
ADDR = "175.45.177.10"


def hop_list(addr):
    out = lab.exec("vp", ["traceroute", "-n", "-q", "1", "-w", "1", "-m",
                          "14", addr]).stdout
    got = parse_traceroute(out)
    return [(h, got[h][0][0]) for h in sorted(got)]


def upto_target(hops, addr):
    out = []
    for h in hops:
        out.append(h)
        if h[1] == addr:
            break
    return out


def on_truth(hops, path, addr):
    """The hop list reaches addr and each TTL's reply (or silence) is one
    truth's path gives that TTL."""
    hops = upto_target(hops, addr)
    return hops[-1][1] == addr and not off_path(path, hops)


def shown(path):
    return {h: sorted(a, key=str) for h, a in hop_addrs(path).items()}


before = hop_list(ADDR)
t = lab.truth([ADDR])["targets"][0]
check(t["transit"] == "ttk" and on_truth(before, t["paths"][0], ADDR),
      "175.45.177.10 starts on the TTK path", shown(t["paths"][0]), before)

lab.route("175.45.177.0/24", "china")
after = hop_list(ADDR)
t = lab.truth([ADDR])["targets"][0]
check(t["transit"] == "china", "truth says china after the change", "china",
      t["transit"])
check(on_truth(after, t["paths"][0], ADDR),
      "traceroute follows the change to China", shown(t["paths"][0]),
      after)
check(after[2][1] == "219.158.117.1", "hop 3 is China Unicom's backbone",
      "219.158.117.1", after[2][1])
# The return path moved too: the reply TTL of the target's answer tells the
# length of the path back (64 - hops), the same on both transits here, so
# check the return route itself.
rule = lab.exec("nkbr", ["ip", "rule", "show", "pref", "201"]).stdout
check("lookup 101" in rule, "NK return traffic of .177 uses the China table",
      "lookup 101", rule.strip())

lab.route("175.45.177.0/24", "both")
t = lab.truth([ADDR])["targets"][0]
check(sorted(p["transit"] for p in t["paths"]) == ["china", "china", "ttk",
                                                   "ttk"],
      "'both' gives ECMP paths in truth (2 forward x 2 return)")
routes = lab.exec("vp", ["ip", "route", "show", "175.45.177.0/24"]).stdout
check(routes.count("nexthop") == 2, "vp has two next hops for .177",
      2, routes)

lab.route("175.45.177.0/24", "ttk")
back = hop_list(ADDR)
t = lab.truth([ADDR])["targets"][0]
check(t["transit"] == "ttk" and on_truth(back, t["paths"][0], ADDR),
      "and back to TTK", shown(t["paths"][0]), back)
done()
