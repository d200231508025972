#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Names in the lab (issue 17, part 2): the lab's own DNS (a dnsmasq in the
vantage point's namespace, `tools/lab truth` lists its names) is the only
resolver nktrace can ask.  Checked against that truth and against the
DNS packets on the vantage point's loopback, captured while nktrace runs:
- text output shows `name (address)` for every hop the DNS names, the bare
  address for the others (NK's routers have no PTR), never a name the DNS
  did not give;
- each address is asked once, however many traces cross it (the cache);
- -n sends no DNS packet and prints no name; JSON has no `name` unless
  --names, and then the DNS's;
- a target given as a host name is resolved once, kept as Atlas dst_name;
  a name that does not exist is one line and exit 2;
- with the DNS silent, a trace still ends: the names cost it at most the
  documented bound (3 s) more than the same trace with -n, measured in the
  same run.
The queries are counted by the lab's DNS server itself (its query log)."""
import json
import os
import re
import tempfile
import time

from labtest import NKTRACE, Lab, check, done, need_root

need_root()
lab = Lab("tnames", scale=0.1)
TMP = tempfile.mkdtemp(prefix="nkt-names-")
os.chmod(TMP, 0o777)
truth = lab.truth(["175.45.177.10", "175.45.178.100", "175.45.176.71"])
dns = truth.get("dns")
check(dns is not None and len(dns["names"]) > 10,
      "the lab has its own DNS (dnsmasq in vp)", "names",
      None if dns is None else len(dns["names"]))
NAMES = dns["names"] if dns else {}
NAMES_WAIT_S = 3.0  # NKT_NAMES_WAIT_NS in src/cmd/cmd_common.h


class DnsCapture:
    """The DNS queries made while the block runs, as the lab's DNS server
    logged them (dnsmasq --log-queries: the server's own count; a capture
    on the loopback can miss packets)."""

    def __init__(self, label):
        self.log = dns["log"]
        self.lines = []

    def __enter__(self):
        self.start = os.path.getsize(self.log)
        return self

    def __exit__(self, *a):
        time.sleep(0.5)
        with open(self.log) as f:
            f.seek(self.start)
            self.lines = f.read().splitlines()

    def queries(self):
        """[(kind, name)] of the DNS queries received."""
        q = []
        for l in self.lines:
            m = re.search(r"query\[(PTR|A|AAAA)\] (\S+) from", l)
            if m:
                q.append((m.group(1), m.group(2).rstrip(".")))
        return q


def ptr_addr(qname):
    """'1.117.158.219.in-addr.arpa' -> '219.158.117.1'."""
    return ".".join(reversed(qname.split(".")[:4]))


def nktrace(args, timeout=300):
    return lab.exec("vp", [NKTRACE] + args, check=False, timeout=timeout)


def hop_lines(text):
    """{(hop): [(name or None, addr)]} from traceroute-style text."""
    hops = {}
    for l in text.splitlines():
        m = re.match(r"\s*(\d+)\s+(.*)", l)
        if not m or l.startswith("traceroute"):
            continue
        shown = []
        for nm, ad in re.findall(r"(\S+) \((\d+\.\d+\.\d+\.\d+)\)",
                                 m.group(2)):
            shown.append((nm, ad))
        for ad in re.findall(r"(?:^|\s)(\d+\.\d+\.\d+\.\d+)(?= \[|\s\s)",
                             m.group(2)):
            shown.append((None, ad))
        hops.setdefault(int(m.group(1)), []).extend(shown)
    return hops


TTK = ["175.45.177.10", "175.45.178.100"]  # both over TTK: shared hops

# 1. Text: names as the DNS gives them; each address asked once.
with DnsCapture("text") as cap:
    p = nktrace(["trace", "-P", "tcp", "-q", "2", "-w", "1s"] + TTK)
check(p.returncode == 0, "trace (text, names on by default) exits 0", 0,
      (p.returncode, p.stderr[-300:]))
shown = [x for hops in hop_lines(p.stdout).values() for x in hops]
addrs = {a for _, a in shown}
wrong = [(n, a) for n, a in shown if n != NAMES.get(a)]
check(len(shown) >= 16 and not wrong,
      "every hop shows the lab DNS's name, or none where it has none",
      "the truth's names", wrong or "%d hop addresses" % len(addrs))
named = {a for n, a in shown if n}
check(len(named) >= 8 and any(n is None for n, _ in shown),
      "routers outside NK are named, NK's are not", ">= 8 named, some not",
      (len(named), len(addrs - named)))
q = cap.queries()
ptr = [ptr_addr(n) for k, n in q if k == "PTR"]
check(sorted(ptr) == sorted(set(ptr)) and set(ptr) == addrs,
      "each replying address asked exactly once for 2 traces over shared "
      "hops (the cache)", sorted(addrs), sorted(ptr))

# 2. -n: no DNS packet, no name.
with DnsCapture("n") as cap:
    p = nktrace(["trace", "-n", "-P", "tcp", "-q", "1", "-w", "1s", TTK[0]])
shown = [x for hops in hop_lines(p.stdout).values() for x in hops]
check(p.returncode == 0 and shown and all(n is None for n, _ in shown)
      and cap.queries() == [],
      "-n: no name printed and no DNS packet sent", "0 queries",
      (p.returncode, len(cap.queries()), shown[:3]))

# 3. JSON: no name unless --names; with it, the DNS's.
p = nktrace(["trace", "--json", "-P", "tcp", "-q", "1", "-w", "1s", TTK[0]])
rec = json.loads(p.stdout.splitlines()[0])
replies = [r for h in rec["result"] for r in h["result"] if "from" in r]
check(p.returncode == 0 and replies and
      not any("name" in r for r in replies),
      "--json: no names by default", "no 'name'",
      [r.get("name") for r in replies][:3])
p = nktrace(["trace", "--json", "--names", "-P", "tcp", "-q", "1", "-w",
             "1s", TTK[0]])
rec = json.loads(p.stdout.splitlines()[0])
replies = [r for h in rec["result"] for r in h["result"] if "from" in r]
bad = [(r["from"], r.get("name")) for r in replies
       if r.get("name") != NAMES.get(r["from"])]
check(p.returncode == 0 and replies and not bad,
      "--json --names: each reply's 'name' is the DNS's", "the truth", bad)

# 4. A target given as a host name.
with DnsCapture("host") as cap:
    p = nktrace(["trace", "--json", "-P", "tcp", "-q", "1", "-w", "1s",
                 "kcna.kp"])
rec = json.loads(p.stdout.splitlines()[0]) if p.returncode == 0 else {}
a_queries = [n for k, n in cap.queries() if k == "A"]
check(rec.get("dst_name") == "kcna.kp" and
      rec.get("dst_addr") == "175.45.176.71" and a_queries == ["kcna.kp"],
      "trace kcna.kp: resolved once by the lab's DNS, kept as dst_name",
      ("kcna.kp", "175.45.176.71", ["kcna.kp"]),
      (rec.get("dst_name"), rec.get("dst_addr"), a_queries))
p = nktrace(["trace", "nosuch.kp"])
err = p.stderr.strip().splitlines()
check(p.returncode == 2 and len(err) == 1 and "nosuch.kp" in err[0],
      "an unknown host name: one line, exit 2", 2, (p.returncode, err))

# 5. A silent DNS: the trace still ends, its names cost at most the bound.
# Dropped on the way in: the queries are sent, never answered (the server
# never sees them; nktrace -v counts them unanswered).
RULE = ["INPUT", "-i", "lo", "-p", "udp", "--dport", "53", "-j", "DROP"]
lab.exec("vp", ["iptables", "-I"] + RULE)
try:
    t0 = time.monotonic()
    p_n = nktrace(["trace", "-n", "-P", "tcp", "-q", "1", "-w", "1s",
                   TTK[0]])
    t_n = time.monotonic() - t0
    with DnsCapture("silent") as cap:
        t0 = time.monotonic()
        p = nktrace(["trace", "-v", "-P", "tcp", "-q", "1", "-w", "1s",
                     TTK[0]])
        t_names = time.monotonic() - t0
finally:
    lab.exec("vp", ["iptables", "-D"] + RULE)
shown = [x for hops in hop_lines(p.stdout).values() for x in hops]
check(p.returncode == 0 and shown and all(n is None for n, _ in shown),
      "silent DNS: the trace ends, without names", 0,
      (p.returncode, shown[:3]))
m = re.search(r"names: (\d+) asked, 0 named, 0 without a name, (\d+) "
              r"unanswered", p.stderr)
check(m is not None and int(m.group(1)) > 0 and m.group(1) == m.group(2)
      and cap.queries() == [],
      "silent DNS: every name asked stays unanswered (-v), the server "
      "saw none", "N asked, N unanswered", m.group(0) if m else p.stderr)
check(t_names - t_n <= NAMES_WAIT_S + 1.5,
      "silent DNS: at most the names' bound longer than -n (%.2f s vs "
      "%.2f s)" % (t_names, t_n),
      "<= %.1f s more" % NAMES_WAIT_S, "%.2f s more" % (t_names - t_n))
done()
