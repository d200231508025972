#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""nktrace lookup: against MaxMind's test databases (their source JSON gives
the expected answer for every network: the first and last address of each
is checked), against mmdblookup on the built-in database for a few hundred
addresses, the built-in database's known facts, and every database error
path (one line, exit 2)."""
import ipaddress
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile

SRC = os.environ.get("NKT_SOURCE_ROOT", os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))))
BUILD = os.environ.get("NKT_BUILD_DIR", os.path.join(SRC, "build"))
# NKT_NKTRACE: the binary under a wrapper (meson test --setup valgrindtools).
NKTRACE = os.environ.get("NKT_NKTRACE") or os.path.join(BUILD, "nktrace")
MM = os.path.join(SRC, "tests", "data", "maxmind")
BUILTIN = os.path.join(SRC, "data", "nktrace.mmdb")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from checks import check, done  # noqa: E402


def lookup(addrs, *opts):
    p = subprocess.run([NKTRACE, "lookup", "--json", "-f", "-"] + list(opts),
                       input="\n".join(addrs) + "\n", capture_output=True,
                       text=True)
    if p.returncode != 0:
        raise RuntimeError("lookup: %d %s" % (p.returncode, p.stderr))
    return {o["addr"]: o for o in map(json.loads, p.stdout.splitlines())}


def networks(path):
    out = []
    for entry in json.load(open(path)):
        for net, rec in entry.items():
            out.append((ipaddress.ip_network(net), rec))
    return out


def expected_for(addr, nets):
    """The most specific network of the source holding addr."""
    best = None
    for net, rec in nets:
        if addr.version == net.version and addr in net and \
                (best is None or net.prefixlen > best[0].prefixlen):
            best = (net, rec)
    return best[1] if best else None


def probe_addrs(nets):
    out = []
    for net, _ in nets:
        out += [net.network_address, net.broadcast_address]
    return sorted(set(out), key=lambda a: (a.version, int(a)))


def mismatches(name, option, want_of, got_of):
    """Look up the first and last address of every network of MaxMind's
    test database `name` with `option`; (addresses, [(addr, want, got)])
    where got_of(answer) differs from want_of(source JSON record)."""
    nets = networks(os.path.join(MM, name + ".json"))
    addrs = probe_addrs(nets)
    got = lookup([str(a) for a in addrs], option,
                 os.path.join(MM, name + ".mmdb"))
    bad = []
    for a in addrs:
        g = got[str(a)]
        if g["kind"] != "public":
            continue
        want = want_of(expected_for(a, nets) or {})
        if got_of(g) != want:
            bad.append((str(a), want, got_of(g)))
    return addrs, bad


# 1. MaxMind's ASN test database.
addrs, bad = mismatches(
    "GeoLite2-ASN-Test", "--asn-db",
    lambda w: (w.get("autonomous_system_number"),
               w.get("autonomous_system_organization")),
    lambda g: (g["asn"], g["as_org"]))
check(not bad, "GeoLite2-ASN-Test: %d addresses (first and last of every "
      "network) match the source JSON" % len(addrs), [], bad[:3])

# 2. MaxMind's City test database.
addrs, bad = mismatches(
    "GeoLite2-City-Test", "--geo-db",
    lambda w: ((w.get("country") or w.get("registered_country") or
                {}).get("iso_code"),
               w.get("city", {}).get("names", {}).get("en")),
    lambda g: (g["cc"], g["city"]))
check(not bad, "GeoLite2-City-Test: %d addresses match the source JSON" %
      len(addrs), [], bad[:3])

# 3. The built-in database against mmdblookup, a few hundred addresses.
random.seed(7)
sample = ["175.45.176.71", "175.45.177.10", "175.45.178.161",
          "219.158.117.1", "62.33.66.1", "188.43.225.153", "103.35.254.1",
          "8.8.8.8", "1.1.1.1"]
ranges = [("175.45.176.0", 22), ("219.158.0.0", 16), ("60.0.0.0", 11),
          ("62.33.0.0", 16), ("188.43.0.0", 16), ("103.35.252.0", 22),
          ("5.8.192.0", 18), ("210.52.0.0", 16), ("202.72.96.0", 20),
          ("113.224.0.0", 12), ("61.48.0.0", 13), ("45.126.0.0", 22)]
for base, plen in ranges:
    net = ipaddress.ip_network("%s/%d" % (base, plen))
    for _ in range(30):
        sample.append(str(net[random.randrange(net.num_addresses)]))
# The built-in database alone (a data directory without the full ASN table
# that set-up may have built beside it).
ALONE = tempfile.mkdtemp(prefix="nkt-lookup-")
shutil.copy(BUILTIN, ALONE)
os.environ["NKTRACE_DATA"] = ALONE
got = lookup(sample)


def mmdb(addr, *path):
    p = subprocess.run(["mmdblookup", "--file", BUILTIN, "--ip", addr] +
                       list(path), capture_output=True, text=True)
    for line in p.stdout.splitlines():
        line = line.strip()
        if line.endswith("<uint32>"):
            return int(line.split()[0])
        if line.endswith("<utf8_string>"):
            return json.loads(line.rsplit(" ", 1)[0])
    return None


bad = []
for a in sample:
    want = (mmdb(a, "autonomous_system_number"),
            mmdb(a, "autonomous_system_organization"),
            mmdb(a, "country", "iso_code"), mmdb(a, "city", "names", "en"))
    g = got[a]
    if (g["asn"], g["as_org"], g["cc"], g["city"]) != want:
        bad.append((a, want, g))
check(not bad, "built-in database: nktrace lookup agrees with mmdblookup "
      "on %d addresses" % len(sample), [], bad[:3])

# 3b. The full ASN table (tools/mkdb --asn-full), beside the built-in
# database: asked only for what the built-in database does not know, and
# only when no --asn-db is given.  A tiny one, written by the same writer.
net = os.path.join(ALONE, "nets.jsonl")
with open(net, "w") as f:
    for cidr, asn, org in (("4.0.0.0/9", 3356, "Level 3 Parent, LLC"),
                           ("175.45.176.0/22", 64512, "must not win")):
        f.write(json.dumps({"net": cidr, "rec": {
            "autonomous_system_number": asn,
            "autonomous_system_organization": org}}) + "\n")
w = subprocess.run(["perl", os.path.join(SRC, "tools", "mkdb-write.pl"), net,
                    os.path.join(ALONE, "nktrace-asn.mmdb"), "1781654400",
                    "asn"], capture_output=True, text=True)
check(w.returncode == 0, "a small full ASN table is written", 0,
      (w.returncode, w.stderr))
full = lookup(["4.2.2.2", "175.45.176.71", "8.8.8.8"])
check((full["4.2.2.2"]["asn"], full["4.2.2.2"]["as_org"]) ==
      (3356, "Level 3 Parent, LLC"),
      "the full ASN table names an address the built-in database does not "
      "know", 3356, full["4.2.2.2"]["asn"])
check(full["175.45.176.71"]["asn"] == 131279 and
      full["175.45.176.71"]["cc"] == "KP",
      "the built-in database answers first where it knows the address",
      131279, full["175.45.176.71"]["asn"])
check(full["8.8.8.8"]["asn"] is None, "an address neither knows stays "
      "unknown", None, full["8.8.8.8"]["asn"])
pinned = lookup(["4.2.2.2"], "--asn-db", BUILTIN)
check(pinned["4.2.2.2"]["asn"] is None, "with --asn-db FILE only that file "
      "answers", None, pinned["4.2.2.2"]["asn"])
v = subprocess.run([NKTRACE, "lookup", "-v", "4.2.2.2"], capture_output=True,
                   text=True)
head = v.stdout.splitlines()
check(len(head) == 2 and head[0].split() == ["address", "AS", "CC", "city",
                                             "organisation"] and
      head[1].startswith("4.2.2.2 "),
      "lookup's text names its columns in a header row, then one row per "
      "address", "address AS CC city organisation", head)
check("then " + os.path.join(ALONE, "nktrace-asn.mmdb") in v.stderr,
      "lookup -v names both ASN databases", "then .../nktrace-asn.mmdb",
      v.stderr.strip())
del os.environ["NKTRACE_DATA"]
shutil.rmtree(ALONE)

# 4. Known facts (REFERENCE.md sections 1 and 2).
facts = lookup(["175.45.176.71", "219.158.117.1", "62.33.66.1",
                "188.43.225.153", "103.35.254.1", "10.10.0.1"])
for addr, key, want in (("175.45.176.71", "asn", 131279),
                        ("175.45.176.71", "cc", "KP"),
                        ("219.158.117.1", "asn", 4837),
                        ("219.158.117.1", "cc", "CN"),
                        ("62.33.66.1", "asn", 20485),
                        ("62.33.66.1", "city", "Vladivostok"),
                        ("188.43.225.153", "asn", 20485),
                        ("103.35.254.1", "asn", 134544),
                        ("10.10.0.1", "kind", "private")):
    check(facts[addr][key] == want, "built-in: %s %s = %s" % (addr, key,
                                                             want),
          want, facts[addr][key])

# 5. Error paths: a one-line error and exit 2 (exit 1 for a record that
#    cannot be decoded).
trunc = os.path.join(BUILD, "truncated.mmdb")
with open(BUILTIN, "rb") as f, open(trunc, "wb") as o:
    o.write(f.read(40000))
cases = [
    (["--asn-db", "/nonexistent.mmdb"], 2, "cannot open /nonexistent.mmdb"),
    (["--geo-db", "/etc/hostname"], 2, "is not a MaxMind DB file"),
    (["--asn-db", trunc], 2, "is truncated"),
    (["--asn-db", os.path.join(MM, "GeoLite2-City-Test.mmdb")], 2,
     "is a 'GeoLite2-City' database, not an ASN database"),
    (["--geo-db", os.path.join(MM, "GeoLite2-ASN-Test.mmdb")], 2,
     "is a 'GeoLite2-ASN' database, not a geo database"),
    (["--geo-db", os.path.join(MM, "GeoIP2-City-Test-Invalid-Node-Count.mmdb")],
     2, "is not a MaxMind DB file"),
    (["--asn-db", "/tmp"], 2, "/tmp is not a file"),
]
for opts, code, msg in cases:
    p = subprocess.run([NKTRACE, "lookup"] + opts + ["1.2.3.4"],
                       capture_output=True, text=True)
    lines = p.stderr.strip().splitlines()
    check(p.returncode == code and len(lines) == 1 and msg in lines[0],
          "lookup %s: exit %d, '%s'" % (" ".join(opts), code, msg),
          (code, msg), (p.returncode, p.stderr.strip()))
p = subprocess.run([NKTRACE, "lookup", "--geo-db", os.path.join(
    MM, "GeoIP2-City-Test-Broken-Double-Format.mmdb"), "2001:220::1"],
    capture_output=True, text=True)
check(p.returncode == 1 and "could not be read" in p.stderr,
      "a record that cannot be decoded: exit 1 and says so", 1,
      (p.returncode, p.stderr.strip()))
for args in (["1.2.3.999"], [], ["--bogus", "1.2.3.4"], ["-f"]):
    p = subprocess.run([NKTRACE, "lookup"] + args, capture_output=True,
                       text=True)
    check(p.returncode == 2 and len(p.stderr.strip().splitlines()) == 1,
          "lookup %s: usage error, one line" % args, 2,
          (p.returncode, p.stderr))
os.unlink(trunc)
done()
