#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""`tools/lab route` moves a /24 to another transit in both directions while
the lab runs, and truth follows."""
from labtest import Lab, check, done, need_root, parse_traceroute, truth_hops

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


before = hop_list(ADDR)
t = lab.truth([ADDR])["targets"][0]
check(t["transit"] == "ttk" and upto_target(before, ADDR) ==
      truth_hops(t["paths"][0]), "175.45.177.10 starts on the TTK path",
      truth_hops(t["paths"][0]), before)

lab.route("175.45.177.0/24", "china")
after = hop_list(ADDR)
t = lab.truth([ADDR])["targets"][0]
check(t["transit"] == "china", "truth says china after the change", "china",
      t["transit"])
check(upto_target(after, ADDR) == truth_hops(t["paths"][0]),
      "traceroute follows the change to China", truth_hops(t["paths"][0]),
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
check(upto_target(back, ADDR) == upto_target(before, ADDR),
      "and back to TTK", before, back)
done()
