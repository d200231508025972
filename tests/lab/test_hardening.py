#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Hostile packets, signals, faults and privilege, in the lab.

1. Privilege: while compare runs, every thread of the process has uid and
   gid nobody, empty capability sets (inheritable, permitted, effective,
   bounding, ambient) and no_new_privs (read from /proc/PID/task/*/status).
   As an ordinary user without the capability: one line naming root and
   `setcap cap_net_raw+ep`, exit 2.  A copy of the binary with
   cap_net_raw+ep works for that user, and drops the capability too.
2. Hostile traffic: compare runs twice, quietly and under a flood of forged
   ICMP from a router on the China path (random and truncated quotes, bad
   checksums, spoofed sources, replays of probes after compare's 2 s wait
   expired, duplicates of genuine replies, oversized extensions, bad
   lengths): it does not crash, takes no forged reply, keeps its memory
   bounded, every RTT it reports is the wire's (an independent capture of
   the vantage point), and, per transit, nktrace's median error against
   the wire is no larger than scamper's (its SYNs to the same hosts under
   the same flood, against the wire of its own probes in the same
   capture; the emulated links' delay drifts between the tools' turns, so
   their medians are not compared with each other, nor with the quiet
   run).
3. Signals: SIGINT and SIGTERM in the middle of a trace stop it within a
   bounded time with 130 and 143, and the --json file is complete (every
   line a whole record; the interrupted traces say HALTED).  SIGKILL leaves
   no file at all, not even a temporary one.
4. Faults: a full file system and an unwritable directory give a one-line
   error, exit 1, and leave nothing behind.
5. The compare summary reports the capture's drop counters."""
import glob
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

import wire
from labtest import LAB, NKTRACE, SRC, Lab, check, done, need_root

need_root()
lab = Lab("thard", scale=0.1, ratelimit=False)
tmp = tempfile.mkdtemp(prefix="nkt-hard-")
os.chmod(tmp, 0o777)
NS = lab.ns("vp")
NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
          "--inh-caps=-all", "--bounding-set=+net_raw", "--"]


def in_vp(argv, **kw):
    return subprocess.Popen(["ip", "netns", "exec", NS] + argv, **kw)


def status(pid):
    """{tid: {field: value}} of every thread."""
    out = {}
    for task in glob.glob("/proc/%d/task/*/status" % pid):
        try:
            with open(task) as f:
                out[task.split("/")[4]] = dict(
                    l.rstrip("\n").split(":\t", 1) for l in f if ":\t" in l)
        except OSError:
            pass
    return out


def wait_threads(pid, n, timeout=20):
    t0 = time.time()
    while time.time() - t0 < timeout:
        st = status(pid)
        if len(st) >= n:
            return st
        time.sleep(0.1)
    return status(pid)


def unprivileged(st):
    bad = []
    for tid, s in st.items():
        for k in ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"):
            if int(s.get(k, "1"), 16) != 0:
                bad.append((tid, k, s.get(k)))
        if s.get("Uid", "").split()[:4] != ["65534"] * 4:
            bad.append((tid, "Uid", s.get("Uid")))
        if s.get("Gid", "").split()[:4] != ["65534"] * 4:
            bad.append((tid, "Gid", s.get("Gid")))
        if s.get("NoNewPrivs") != "1":
            bad.append((tid, "NoNewPrivs", s.get("NoNewPrivs")))
    return bad


# 1. Privilege.
out = os.path.join(tmp, "c1.json")
p = in_vp([NKTRACE, "compare", "--quiet", "--sample", "2", "--json", "-o", out],
          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
st = wait_threads(p.pid, 3)
time.sleep(1)
st = status(p.pid)
bad = unprivileged(st)
check(len(st) >= 3 and not bad, "compare's %d threads run as nobody with "
      "empty capability sets and no_new_privs" % len(st), [], bad[:4])
hwm = 0
while p.poll() is None:
    s = status(p.pid)
    for v in s.values():
        hwm = max(hwm, int(v.get("VmHWM", "0 kB").split()[0]))
    time.sleep(0.2)
_, err = p.communicate()
check(p.returncode == 0, "the quiet compare exits 0", 0,
      (p.returncode, err[-300:]))
quiet = json.load(open(out))
print("     quiet run: peak RSS %.1f MB" % (hwm / 1024))
quiet_hwm = hwm

p = in_vp(NOBODY + [NKTRACE, "trace", "-q", "1", "175.45.176.71"],
          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
_, err = p.communicate(timeout=60)
lines = err.strip().splitlines()
check(p.returncode == 2 and len(lines) == 1 and "cap_net_raw" in err and
      "setcap" in err and "root" in err,
      "without privilege: one line naming root and setcap, exit 2", 2,
      (p.returncode, err.strip()))

# The build's own binary gets the file capability for a moment (a copy
# elsewhere would not find its data), and loses it again.
capjson = os.path.join(tmp, "cap.json")
subprocess.run(["setcap", "cap_net_raw+ep", NKTRACE], check=True)
try:
    p = in_vp(NOBODY + [NKTRACE, "compare", "--quiet", "--targets",
                        "175.45.176.71", "--json", "-o", capjson],
              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    st = wait_threads(p.pid, 3)
    time.sleep(0.5)
    st = status(p.pid)
    _, err = p.communicate(timeout=120)
finally:
    subprocess.run(["setcap", "-r", NKTRACE])
check(p.returncode == 0 and os.path.getsize(capjson) > 0,
      "with cap_net_raw+ep on the binary an ordinary user can probe", 0,
      (p.returncode, err.strip()[-300:]))
bad = [(t, k, s.get(k)) for t, s in st.items()
       for k in ("CapPrm", "CapEff", "CapAmb") if int(s.get(k, "1"), 16)]
check(st and not bad and all(s.get("NoNewPrivs") == "1"
                             for s in st.values()),
      "and drops it once its sockets are open", [], bad[:3])

# 2. Hostile traffic.
stats = os.path.join(tmp, "forger.json")
forger = subprocess.Popen(
    [sys.executable, LAB, "exec", "--name", lab.name, "cusy", sys.executable,
     os.path.join(SRC, "tests", "lab", "forger.py"), "--iface", "up0",
     "--vp", "192.0.2.10", "--late", "3", "--flood", "3000", "--stats",
     stats])
time.sleep(1.5)
out = os.path.join(tmp, "c2.json")
traces = os.path.join(tmp, "c2.ndjson")
pcap = wire.capture_path(tmp, "flood")
peer, windows = {}, {}
try:
    with lab.capture("vp", pcap):
        p = in_vp([NKTRACE, "compare", "--quiet", "--sample", "2", "--json",
                   "-o", out, "--traces", traces], stdout=subprocess.PIPE,
                  stderr=subprocess.PIPE, text=True)
        hwm = 0
        while p.poll() is None:
            for v in status(p.pid).values():
                hwm = max(hwm, int(v.get("VmHWM", "0 kB").split()[0]))
            time.sleep(0.2)
        _, err = p.communicate()
        # scamper to the same hosts, under the same flood.
        if p.returncode == 0:
            for t in json.load(open(out))["targets_detail"]:
                if t["reached"] and t["method"] == "tcp" and \
                        t["port"] == 80 and \
                        len(peer.setdefault(t["transit"], {})) < 3:
                    t0 = time.time_ns()
                    sc = subprocess.run(
                        ["ip", "netns", "exec", NS, "scamper", "-O", "json",
                         "-c", "ping -P tcp-syn -d 80 -c 10 -i 0.05", "-i",
                         t["addr"]], capture_output=True, text=True)
                    windows[t["addr"]] = (t0, time.time_ns())
                    # scamper takes the forger's replays of genuine
                    # answers as further responses (it has no keyed
                    # check): the first answer to each probe is the one.
                    first = {}
                    for line in sc.stdout.splitlines():
                        if '"type":"ping"' not in line:
                            continue
                        for r in json.loads(line).get("responses", []):
                            first[r["seq"]] = min(first.get(r["seq"], 1e9),
                                                  r["rtt"])
                    peer[t["transit"]][t["addr"]] = list(first.values())
finally:
    forger.send_signal(signal.SIGTERM)
    forger.wait(timeout=30)
sent = json.load(open(stats))
forged = sum(v for k, v in sent.items() if k != "probes")
check(p.returncode == 0, "compare under a flood of %d forged packets "
      "exits 0" % forged, 0, (p.returncode, err[-300:]))
check(forged > 20000, "the forger sent %d forged packets (%s)" % (
    forged, ", ".join("%s %d" % kv for kv in sorted(sent.items()))))
hostile = json.load(open(out))
truth = lab.truth()


def strings(x):
    if isinstance(x, str):
        yield x
    elif isinstance(x, dict):
        for v in x.values():
            yield from strings(v)
    elif isinstance(x, list):
        for v in x:
            yield from strings(v)


lab_addrs = set(strings(truth["nodes"])) | set(strings(truth["links"]))
taken = []
for line in open(traces):
    rec = json.loads(line)
    for h in rec["result"]:
        for r in h.get("result", []):
            src = r.get("from", "")
            # edst reports (a quote naming another destination) are
            # listed as such, never taken as answers.
            if "edst" in r:
                continue
            if src and src not in lab_addrs and not \
                    src.startswith("175.45.17"):
                taken.append((rec["dst_addr"], h["hop"], src))
check(not taken, "no forged reply taken: every hop address is one of the "
      "lab's", [], taken[:5])
# Bounded, against the quiet run of the same binary in the same run (ASan
# and its quarantine inflate both): the flood may add the capture's
# bounded queues, never memory per forged packet (167,000 of them: 200
# bytes each would be 32 MB).
check(hwm < quiet_hwm + 32 * 1024, "memory stays bounded under the flood: "
      "peak RSS %.1f MB, the quiet run's %.1f MB" % (hwm / 1024,
                                                     quiet_hwm / 1024),
      "< %.1f MB" % ((quiet_hwm + 32 * 1024) / 1024), hwm / 1024)
recs = [json.loads(line) for line in open(traces)]
cmp_wire = wire.check_rtts(recs, pcap, "compare under the flood")
transit_of = {(t["addr"], t["method"], t.get("port")): t["transit"]
              for t in hostile["targets_detail"]}
# nktrace and scamper under the same flood, each against the wire of its
# own probes (scamper's: its SYNs to the same hosts, in its own time
# window of the same capture).  The emulated links' delay drifts between
# the two tools' turns, the wire does not: what is compared is each
# tool's error, and nktrace's may be no larger than scamper's.
e2e_err = {}
for _, x, w in cmp_wire["diffs"]:
    if x["e2e"] and w is not None:
        name = transit_of.get((x["dst"], x["proto"].lower(), x["dport"]))
        e2e_err.setdefault(name, []).append(x["rtt_ms"] - w["rtt_ms"])
scamper_wire = {}
for w in wire.pairs(wire.read_capture(pcap))[0]:
    win = windows.get(w["dst"])
    if win and w["first"] and w["proto"] == "TCP" and w["dport"] == 80 \
            and win[0] <= w["probe_ts"] <= win[1]:
        scamper_wire.setdefault(w["dst"], []).append(w["rtt_ms"])
for t in hostile["transits"]:
    hosts = sorted(peer.get(t["name"], {}))
    rtts = [r for h in hosts for r in peer[t["name"]][h]]
    sw = [r for h in hosts for r in scamper_wire.get(h, [])]
    ne = e2e_err.get(t["name"], [])
    if len(rtts) < 10 or len(sw) < 10 or len(ne) < 10:
        check(False, "%s: scamper, its probes on the wire and nktrace's "
              "measured under the flood" % t["name"], ">= 10 RTTs each",
              (len(rtts), len(sw), len(ne)))
        continue
    s_err = statistics.median(rtts) - statistics.median(sw)
    n_err = statistics.median(ne)
    check(abs(n_err) <= abs(s_err) + wire.BOUND_MS,
          "%s under the flood, each tool's median RTT minus the wire's for "
          "its own probes: nktrace %+.3f ms (%d RTTs), scamper %+.3f ms "
          "(%d RTTs to %s); nktrace's within scamper's + %.0f us" % (
              t["name"], n_err, len(ne), s_err, len(rtts), ", ".join(hosts),
              wire.BOUND_MS * 1000), "|%.3f| + 0.05" % s_err, n_err)
    check(t["reached"] == next(q["reached"] for q in quiet["transits"]
                               if q["name"] == t["name"]),
          "%s: %d targets reached, as in the quiet run" % (
              t["name"], t["reached"]))
qp = {(x["prefix"], x["transit"]) for x in quiet["prefixes"] if x["carrier"]}
hp = {(x["prefix"], x["transit"]) for x in hostile["prefixes"]
      if x["carrier"]}
check(qp == hp, "every /24 attributed as in the quiet run", qp, hp)
check("capture" in hostile and "dropped" in hostile["capture"] and
      "queue_dropped" in hostile["capture"],
      "the summary reports the capture's drops (%s)" % hostile["capture"])

# 3. Signals.
many = ["175.45.176.%d" % i for i in range(1, 120)]
for sig, code in ((signal.SIGINT, 130), (signal.SIGTERM, 143)):
    out = os.path.join(tmp, "sig%d.json" % sig)
    p = in_vp([NKTRACE, "trace", "--json", "-o", out, "-w", "2s"] + many,
              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(4)
    t0 = time.monotonic()
    p.send_signal(sig)
    _, err = p.communicate(timeout=60)
    took = time.monotonic() - t0
    ok_lines, bad_lines, halted = 0, 0, 0
    if os.path.exists(out):
        for line in open(out):
            try:
                rec = json.loads(line)
                ok_lines += 1
                halted += rec.get("stop_reason") == "HALTED"
            except ValueError:
                bad_lines += 1
    check(p.returncode == code and took < 10 and ok_lines > 0 and
          bad_lines == 0,
          "%s: exit %d after %.1f s, %d whole records (%d HALTED), no "
          "partial line" % (signal.Signals(sig).name, p.returncode, took,
                            ok_lines, halted),
          code, (p.returncode, bad_lines, err.strip()[-200:]))
out = os.path.join(tmp, "kill.json")
before = set(os.listdir(tmp))
p = in_vp([NKTRACE, "trace", "--json", "-o", out, "-w", "2s"] + many,
          stdout=subprocess.PIPE, stderr=subprocess.PIPE)
time.sleep(4)
p.kill()
p.wait()
left = set(os.listdir(tmp)) - before
check(not left, "SIGKILL mid-run leaves no file, not even a temporary "
      "one", [], sorted(left))

# 4. Faults: a full file system, an unwritable directory.
full = os.path.join(tmp, "full")
os.mkdir(full)
subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8k,mode=0777",
                "nkt-full", full], check=True)
try:
    out = os.path.join(full, "t.json")
    p = in_vp([NKTRACE, "trace", "--json", "-o", out, "-w", "1s"] +
              many[:40], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
              text=True)
    _, err = p.communicate(timeout=300)
    lines = err.strip().splitlines()
    check(p.returncode == 1 and "No space left on device" in err and
          not os.listdir(full),
          "full file system: '%s', exit 1, nothing left" % (
              lines[-1] if lines else ""), 1, (p.returncode, err.strip(),
                                               os.listdir(full)))
finally:
    subprocess.run(["umount", full])
ro = os.path.join(tmp, "ro")
os.mkdir(ro)
os.chmod(ro, 0o555)
p = in_vp([NKTRACE, "trace", "--json", "-o", os.path.join(ro, "t.json"),
           "175.45.176.71"], stdout=subprocess.PIPE,
          stderr=subprocess.PIPE, text=True)
_, err = p.communicate(timeout=60)
check(p.returncode == 1 and len(err.strip().splitlines()) == 1 and
      "Permission denied" in err and "written as " in err and
      "--user" in err and not os.listdir(ro),
      "unwritable directory: one line naming the user it writes as, exit "
      "1, nothing written", 1, (p.returncode, err.strip()))

shutil.rmtree(tmp, ignore_errors=True)
wire.summary()
done()
