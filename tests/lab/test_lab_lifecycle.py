#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""`down` removes exactly what `up` made; two labs coexist; a setup that
fails tears down what it made and exits non-zero; bad commands are usage
errors (exit 2)."""
import os
import subprocess
import sys

from labtest import LAB, Lab, check, done, lab_cmd, need_root, sh

need_root()


def netns():
    return sorted(sh(["ip", "netns", "list"]).stdout.split())


def helpers():
    """Live nkt-linkemu processes (a zombie awaiting its reaper is not)."""
    out = sh(["ps", "-C", "nkt-linkemu", "-o", "pid=,stat="],
             check=False).stdout
    return sorted(l.split()[0] for l in out.splitlines()
                  if not l.split()[1].startswith("Z"))


def dns_servers():
    """Live dnsmasq processes (each lab runs one in its vp)."""
    out = sh(["ps", "-C", "dnsmasq", "-o", "pid=,stat="], check=False).stdout
    return sorted(l.split()[0] for l in out.splitlines()
                  if not l.split()[1].startswith("Z"))


def netns_etc():
    """What /etc/netns holds (the labs' resolv.conf files)."""
    return sorted(os.listdir("/etc/netns")) if os.path.isdir(
        "/etc/netns") else []


before_ns, before_pids = netns(), helpers()
before_dns, before_etc = dns_servers(), netns_etc()
a = Lab("tlca", scale=0)
b = Lab("tlcb", scale=0)
now = netns()
# One namespace per node of the truth (the per-flow diamonds' extra router
# included).
N_NS = len(a.truth(["175.45.179.76"])["nodes"])
check(N_NS == 22 and len([n for n in now if n.startswith("tlca-")]) == N_NS
      and len([n for n in now if n.startswith("tlcb-")]) == N_NS,
      "two labs coexist with %d namespaces each (one per node)" % N_NS, 22,
      (N_NS, len([n for n in now if n.startswith("tlca-")]),
       len([n for n in now if n.startswith("tlcb-")])))
for lab in (a, b):
    out = lab.exec("vp", ["traceroute", "-n", "-q", "1", "-w", "1",
                          "175.45.179.76"]).stdout
    check("175.45.179.76" in out.splitlines()[-1],
          "lab %s answers on its own" % lab.name)
    out = lab.exec("vp", ["getent", "hosts", "219.158.117.1"],
                   check=False).stdout
    check("cubb1.china.lab.nktrace" in out,
          "lab %s answers names from its own DNS" % lab.name,
          "cubb1.china.lab.nktrace", out.strip())
check(len(dns_servers()) == len(before_dns) + 2 and
      sorted(set(netns_etc()) - set(before_etc)) == ["tlca-vp", "tlcb-vp"],
      "each lab runs its own DNS, with its vp's resolv.conf",
      "2 more dnsmasq, tlca-vp and tlcb-vp", (dns_servers(), netns_etc()))
a.down()
check(not [n for n in netns() if n.startswith("tlca-")],
      "down removes lab tlca's namespaces")
check(len([n for n in netns() if n.startswith("tlcb-")]) == N_NS,
      "lab tlcb is untouched")
b.down()
check(netns() == before_ns, "ip netns list is as before", before_ns,
      netns())
check(helpers() == before_pids, "no nkt-linkemu left behind", before_pids,
      helpers())
check(dns_servers() == before_dns and netns_etc() == before_etc,
      "no dnsmasq and no /etc/netns entry left behind",
      (before_dns, before_etc), (dns_servers(), netns_etc()))

# A failing setup: the link emulator cannot start.
env = dict(os.environ, NKT_LINKEMU="/bin/false")
p = subprocess.run([sys.executable, LAB, "up", "--name", "tlcf", "--scale",
                    "0"], env=env, capture_output=True, text=True)
check(p.returncode != 0, "up fails when the link emulator fails",
      "non-zero", p.returncode)
check("tearing down" in p.stderr, "and says it tears down", None, p.stderr)
check(netns() == before_ns, "a failed up leaves no namespace", before_ns,
      netns())

# Usage errors.
for argv in (["up", "--scale", "-1"], ["up", "--loss", "nosuchlink=0.1"],
             ["up", "--loss", "cudd-cenbong=2"], ["up", "--name", "a b"],
             ["route", "--name", "tlcz", "10.0.0.0/24", "via", "china"],
             ["exec", "--name", "tlcz", "nosuchnode", "true"],
             ["truth", "--name", "tlcz"]):
    p = lab_cmd(*argv, check=False)
    check(p.returncode == 2 and p.stderr.count("\n") >= 1,
          "tools/lab %s: exit 2 with a message" % " ".join(argv), 2,
          (p.returncode, p.stderr.strip()))
check(netns() == before_ns, "usage errors create nothing", before_ns,
      netns())
done()
