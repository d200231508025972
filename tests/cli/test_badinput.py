#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Bad input, row by row: each gives one line on stderr that says what is
wrong, and the documented exit status (2: usage, configuration, unusable
input file or database, no privilege; 1: the run itself failed, e.g. an
output that cannot be written).  Every row runs in a network namespace of
its own (unshare -n) whose only route leads to its own loopback, so even a
row that went wrong could not send a probe anywhere."""
import os
import re
import subprocess
import sys
import tempfile

if os.geteuid() != 0:
    print("SKIP: needs root (each row runs in a network namespace)")
    sys.exit(77)
SRC = os.environ.get("NKT_SOURCE_ROOT", os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))))
BUILD = os.environ.get("NKT_BUILD_DIR", os.path.join(SRC, "build"))
# NKT_NKTRACE: the binary under a wrapper (meson test --setup valgrindtools).
NKTRACE = os.environ.get("NKT_NKTRACE") or os.path.join(BUILD, "nktrace")
MM = os.path.join(SRC, "tests", "data", "maxmind")
tmp = tempfile.mkdtemp(prefix="nkt-bad-")
os.chmod(tmp, 0o777)


def f(name, content, mode="w"):
    path = os.path.join(tmp, name)
    with open(path, mode) as fh:
        fh.write(content)
    return path


BAD_JSON = f("bad.json", "not json\n")
BAD_TRANSITS = f("badtr.json", '{"transits":[{"name":"x"}]}\n')
NOT_PCAP = f("notpcap.txt", "hello\n")
GARBAGE_DB = f("garbage.db", b"SQLite format 3\0garbage" + bytes(100), "wb")
BAD_TARGETS = f("targets.txt", "175.45.176.71\n175.45.176.300\n")
DATA = os.path.join(tmp, "data")
os.mkdir(DATA)
for name in ("transits.json", "nktrace.mmdb"):
    os.symlink(os.path.join(SRC, "data", name), os.path.join(DATA, name))
f("data/targets.json", '{"schema": "nktrace-targets/1", "prefixes": 5}\n')
INVALID_MMDB = os.path.join(MM, "GeoIP2-City-Test-Invalid-Node-Count.mmdb")
BROKEN_MMDB = os.path.join(MM, "GeoIP2-City-Test-Broken-Double-Format.mmdb")
T = "198.51.100.1"  # routed to the namespace's own loopback

# (arguments, standard input, expected part of the message, exit status)
ROWS = [
    # The command line.
    ([], None, "usage: nktrace", 2),
    (["frobnicate"], None, "unknown command 'frobnicate'", 2),
    (["--bogus"], None, "unknown option '--bogus'", 2),
    (["trace"], None, "no target (give addresses, prefixes", 2),
    (["trace", "--bogus"], None, "unknown option '--bogus'", 2),
    (["trace", "-f"], None, "option '-f' needs a value", 2),
    (["trace", "-P", "sctp", T], None, "'sctp' is not a method", 2),
    (["trace", "-q", "0", T], None, "-q: 0 is out of range [1, 16]", 2),
    (["trace", "-w", "0", T], None, "-w: 0 is out of range [1ms, 1m]", 2),
    (["trace", "-w", "abc", T], None, "'abc' is not a duration", 2),
    (["trace", "-m", "0", T], None, "-m: 0 is out of range [1, 255]", 2),
    (["trace", "-f", "300", T], None, "300 is out of range [1, 255]", 2),
    (["trace", "-p", "70000", T], None, "70000 is out of range", 2),
    (["trace", "--seed", "-1", T], None, "'-1' is not a non-negative", 2),
    (["trace", "--via", "nosuchif", T], None, "no interface 'nosuchif'", 2),
    (["trace", "--user", "nosuchuser", T], None, "no user 'nosuchuser'", 2),
    (["trace", "--user", "root", T], None, "refusing to keep root", 2),
    # Addresses and prefixes.
    (["trace", "999.1.1.1"], None, "'999.1.1.1' is not an IPv4 address", 2),
    (["trace", "175.45.176.300"], None,
     "nktrace trace: '175.45.176.300' is not an IPv4 address or prefix", 2),
    (["compare", "-f", "targets.txt"], None,
     "nktrace compare: use --methods and --targets (not -P, -p, -f)", 2),
    (["trace", "175.45.176.0/33"], None, "prefix length must be 0-32", 2),
    (["trace", "175.45.176.1/24"], None,
     "has host bits set (did you mean 175.45.176.0/24?)", 2),
    (["trace", "224.0.0.1"], None, "224.0.0.1 is not a unicast address", 2),
    (["trace", "0.0.0.0"], None, "0.0.0.0 is not a unicast address", 2),
    (["trace", "10.0.0.0/7"], None, "at most 16777216 targets per run", 2),
    (["trace", "-"], "1.2.3.4\nbogus\n", "standard input:2: 'bogus' is not an IPv4", 2),
    (["sweep", "16.0.0.0/4"], None, "at most 16777216 targets per run", 2),
    (["lookup", "1.2.3"], None, "'1.2.3' is not an IP address", 2),
    (["compare", "--targets", "300.1.1.1"], None,
     "'300.1.1.1' is not an IPv4 address or prefix", 2),
    # Files.
    (["trace", "-f", "/nonexistent"], None,
     "cannot read /nonexistent: No such file", 2),
    (["compare", "--targets", BAD_TARGETS], None,
     "targets.txt:2: '175.45.176.300' is not an IPv4", 2),
    (["lookup", "-f", "/nonexistent"], None, "cannot read /nonexistent", 2),
    (["lookup", "-f", "/dev/zero"], None, "/dev/zero: larger than 64 MiB",
     2),
    (["trace", "-f", "/dev/zero"], None, "/dev/zero: larger than 64 MiB", 2),
    (["replay"], None, "no capture file given", 2),
    (["replay", "/nonexistent.pcap"], None,
     "cannot read /nonexistent.pcap: No such file", 2),
    (["replay", NOT_PCAP], None, "not a pcap or pcapng file", 2),
    (["import", "/nonexistent"], None, "/nonexistent: No such file", 2),
    (["import", "-"], "", "-:1: empty: no records", 1),
    (["import", "--format", "warts"], None, "expected atlas, scamper", 2),
    (["trace", "-o", "/nonexistent/dir/x", T], None,
     "cannot write /nonexistent/dir/x: No such file or directory", 1),
    # Databases.
    (["lookup", "--asn-db", "/nonexistent.mmdb", "1.1.1.1"], None,
     "cannot open /nonexistent.mmdb", 2),
    (["lookup", "--asn-db", INVALID_MMDB, "1.1.1.1"], None,
     "is not a MaxMind DB file, or it is truncated", 2),
    (["lookup", "--geo-db", NOT_PCAP, "1.1.1.1"], None,
     "is not a MaxMind DB file", 2),
    (["trace", "--asn-db", INVALID_MMDB, T], None,
     "is not a MaxMind DB file, or it is truncated", 2),
    (["report", "--db", "/nonexistent.db"], None,
     "cannot open history /nonexistent.db", 2),
    (["report", "--db", GARBAGE_DB], None, "is not an nktrace history", 2),
    (["report", "--db", NOT_PCAP], None, "is not an nktrace history", 2),
    # Configuration.
    (["compare", "--transits", "/nonexistent"], None,
     "cannot read /nonexistent", 2),
    (["compare", "--transits", BAD_JSON], None,
     "bad.json:1: '[' or '{' expected", 2),
    (["compare", "--transits", BAD_TRANSITS], None,
     "transit 1 needs a \"name\" and an \"asns\" array", 2),
    (["compare", "--via", "nope=eth9"], None,
     "--via nope: no such transit", 2),
    (["compare", "--methods", "sctp:80"], None, "'sctp' is not icmp", 2),
    (["compare", "--methods", "tcp:0"], None, "0 is out of range", 2),
    (["compare", "--ci", "1.5"], None, "1.5 is out of range [0.5, 0.9999]", 2),
    (["compare", "--min-units", "1"], None,
     "--min-units: 1 is out of range [2", 2),
    (["compare", "--bootstrap", "2000"], None,
     "unknown option '--bootstrap'", 2),
    (["import", "--min-units", "0", "-"], "", "--min-units: 0 is out of range",
     2),
    (["compare", "--pings", "100000"], None, "out of range [0, 1000]", 2),
    (["run"], None, "--db FILE is required", 2),
    (["run", "--db", "x.db", "--every", "0s"], None,
     "--every: 0s is out of range [1s, 30d]", 2),
    (["run", "--db", "x.db", "--count", "3"], None, "--count needs --every", 2),
    (["run", "--db", "x.db", "--keep", "1s"], None,
     "--keep: 1s is out of range [1m, 36500d]", 2),
    (["report", "--db", "x", "--since", "yesterday"], None,
     "expected a duration (24h, 7d)", 2),
    (["report", "--db", "x", "--until", "2020-01-01"], None,
     "--until is before --since", 2),
    (["sweep"], None, "no targets", 2),
    (["sweep", "--rate", "0", T], None, "0 is out of range [1, 10000000]", 2),
    (["sweep", "--first-ttl", "10", "-m", "5", T], None,
     "--max-ttl 5 is below --first-ttl 10", 2),
    (["sweep", "--batch", "1000", T], None, "1000 is out of range [1, 256]",
     2),
]
# The built-in data directory replaced by one with a broken targets.json.
ENV_ROWS = [
    (["compare"], {"NKTRACE_DATA": DATA}, "targets.json", 2),
]
# Without privilege (an ordinary user, no capability).
NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
          "--inh-caps=-all", "--"]


def run(argv, stdin=None, env=None, prefix=()):
    e = dict(os.environ)
    e.update(env or {})
    cmd = ["unshare", "-n", "sh", "-c",
           'ip link set lo up && ip route add 198.51.100.0/24 dev lo && '
           'exec "$@"', "sh"] + list(prefix) + [NKTRACE] + argv
    return subprocess.run(cmd, input=stdin, capture_output=True, text=True,
                          timeout=60, env=e, cwd=tmp)


checks = failed = 0
rows = [(a, s, None, m, c) for a, s, m, c in ROWS] + \
       [(a, None, e, m, c) for a, e, m, c in ENV_ROWS]
print("%-60s %-4s %s" % ("input", "exit", "message"))
for argv, stdin, env, msg, code in rows:
    p = run(argv, stdin, env)
    lines = [l for l in p.stderr.splitlines() if l.strip()]
    one_line = len(lines) == 1 or (argv == [] and p.returncode == 2)
    text = p.stderr if argv == [] else (lines[0] if lines else "")
    if argv == []:
        text = p.stdout + p.stderr
    # the command named once ("compare: compare:" was a bug)
    doubled = re.search(r"\b(\w+): \1:", text) is not None
    ok = p.returncode == code and msg in text and one_line and not doubled
    checks += 1
    failed += not ok
    label = " ".join(os.path.basename(a) if a.startswith(tmp) or
                     a.startswith(MM) else a for a in argv) or "(none)"
    if env:
        label = "NKTRACE_DATA=<broken targets.json> " + label
    print("%s %-55s %-4d %s" % ("ok  " if ok else "FAIL", label[:55],
                                p.returncode, lines[0][:110] if lines else
                                text.splitlines()[0] if text else ""))
    if not ok:
        print("     expected: exit %d, one line containing '%s'" % (code, msg))
        print("     got:      exit %d: %s" % (p.returncode, p.stderr[-300:]))

p = run(["trace", "-q", "1", T], prefix=NOBODY)
lines = [l for l in p.stderr.splitlines() if l.strip()]
ok = p.returncode == 2 and len(lines) == 1 and "setcap cap_net_raw+ep" in \
    p.stderr
checks += 1
failed += not ok
print("%s %-55s %-4d %s" % ("ok  " if ok else "FAIL", "(no privilege) trace",
                            p.returncode, lines[0][:110] if lines else ""))
subprocess.run(["rm", "-rf", tmp])
print("%d rows, %d failed" % (checks, failed))
sys.exit(1 if failed else 0)
