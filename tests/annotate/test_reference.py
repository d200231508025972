#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Every address and block the reference names is annotated by the
built-in database, with the AS the reference gives it.

data/reference.json lists them (North Korea's space and hosts, its historic
blocks, the routers of each transit, the last foreign hops of 2019 and
2025); for each address, and the first and last address of each block,
`nktrace lookup --json` (the built-in database only) must give that ASN.
Where the reference itself is at hand (NKT_REFERENCE, or
../shared/REFERENCE.md beside the repository), every IPv4 address or
prefix written in it must be in the list.  Ranges added by hand must each
name their source and answer with their AS.
"""
import ipaddress
import json
import os
import re
import subprocess
import sys

SRC = os.environ.get("NKT_SOURCE_ROOT", os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))))
BUILD = os.environ.get("NKT_BUILD_DIR", os.path.join(SRC, "build"))
NKTRACE = os.environ.get("NKT_NKTRACE") or os.path.join(BUILD, "nktrace")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from checks import check, done  # noqa: E402

with open(os.path.join(SRC, "data", "reference.json")) as f:
    REF = json.load(f)
MMDB = os.path.join(SRC, "data", "nktrace.mmdb")


def lookup(addrs):
    """{addr: asn} from the built-in database alone."""
    p = subprocess.run([NKTRACE, "lookup", "--json", "--asn-db", MMDB,
                        "--geo-db", MMDB, "-"], input="\n".join(addrs) + "\n",
                       capture_output=True, text=True, timeout=60)
    out = {}
    for line in p.stdout.splitlines():
        r = json.loads(line)
        out[r["addr"]] = r.get("asn")
    return p.returncode, out


want = {}
for e in REF["addresses"]:
    net = ipaddress.ip_network(e["addr"], strict=False)
    for a in {net.network_address, net.broadcast_address}:
        want[str(a)] = (e["asn"], e["addr"], e["what"])
rc, got = lookup(sorted(want))
wrong = [(a, w[1], w[2], "AS%s" % w[0], got.get(a))
         for a, w in sorted(want.items()) if got.get(a) != w[0]]
check(rc == 0 and len(want) >= 40 and not wrong,
      "%d addresses of %d entries the reference names annotated with "
      "their AS by the built-in database" % (len(want),
                                             len(REF["addresses"])),
      [], wrong)
check(got.get("103.35.255.254") == 134544,
      "103.35.255.254, the China side's last hop of 2025, is AS134544",
      134544, got.get("103.35.255.254"))

# The path of the reference (public traceroutes of 2025): 103.35.255.254,
# then * * *, then 175.45.176.71; as an Atlas result through import.
hops = [{"hop": 1, "result": [{"from": "219.158.117.1", "ttl": 250,
                               "size": 28, "rtt": 180.1}] * 3},
        {"hop": 2, "result": [{"from": "103.35.255.254", "ttl": 249,
                               "size": 28, "rtt": 234.0}] * 3},
        {"hop": 3, "result": [{"x": "*"}] * 3},
        {"hop": 4, "result": [{"from": "175.45.176.71", "ttl": 50,
                               "size": 0, "rtt": 290.5, "flags": "SA"}] * 3}]
rec = {"fw": 5080, "af": 4, "prb_id": 1, "msm_id": 1, "timestamp": 1,
       "endtime": 2, "src_addr": "192.0.2.1", "from": "192.0.2.1",
       "dst_addr": "175.45.176.71", "dst_name": "kcna.kp", "proto": "TCP",
       "paris_id": 1, "size": 0, "type": "traceroute", "result": hops}
p = subprocess.run([NKTRACE, "import", "--quiet", "--detail", "--json",
                    "--asn-db", MMDB, "--geo-db", MMDB],
                   input=json.dumps(rec) + "\n", capture_output=True,
                   text=True, timeout=60)
try:
    det = json.loads(p.stdout)["targets_detail"][0]
except (ValueError, KeyError, IndexError):
    det = {}
border = det.get("border") or {}
check(border.get("addr") == "103.35.255.254" and
      border.get("asn") == 134544 and det.get("transit") == "China Unicom",
      "a trace 103.35.255.254, * * *, 175.45.176.71 has its border at "
      "103.35.255.254 (AS134544) and goes via China Unicom",
      ("103.35.255.254", 134544, "China Unicom"),
      (border.get("addr"), border.get("asn"), det.get("transit"),
       p.stderr[-200:]))

hand_bad = []
for h in REF["hand_ranges"]:
    if len(h.get("source", "")) < 40:
        hand_bad.append((h["start"], "no source"))
    _, g = lookup([h["start"], h["end"]])
    if g.get(h["start"]) != h["asn"] or g.get(h["end"]) != h["asn"]:
        hand_bad.append((h["start"], h["end"], h["asn"], g))
check(REF["hand_ranges"] and not hand_bad,
      "%d range(s) added by hand, each with its source and answering with "
      "its AS" % len(REF["hand_ranges"]), [], hand_bad)

ref_md = os.environ.get("NKT_REFERENCE") or os.path.join(
    os.path.dirname(SRC), "shared", "REFERENCE.md")
if os.path.exists(ref_md):
    text = open(ref_md).read()
    # sections 1 and 2: the address space, the paths and routers
    body = text[text.find("## 1."):text.find("## 3.")]
    named = set(re.findall(r"\b\d{1,3}(?:\.\d{1,3}){3}(?:/\d{1,2})?\b",
                           body))
    listed = {e["addr"] for e in REF["addresses"]}
    missing = sorted(n for n in named if n not in listed)
    check(len(named) >= 30 and not missing,
          "every IPv4 address and block written in %s sections 1-2 (%d) is "
          "in data/reference.json" % (os.path.basename(ref_md), len(named)),
          [], missing)
else:
    print("note: %s not found; the list's completeness against it is "
          "checked where it is at hand" % ref_md)
done()
