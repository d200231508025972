#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""nktrace run and report in the lab.

Short cycles of `nktrace run --db` in the default lab (routers keep Linux's
ICMP rate limits, configured loss on both transits), with one change between
some of them; each cycle must raise exactly the events of that change:

  c1, c2   steady (c2 as an unprivileged user with only CAP_NET_RAW, the
           way nktrace.service runs it)        no event
  c4       40% loss each way on a TTK link     loss_shift (rose)
  c5       loss back to 3%                     loss_shift (fell)
  c3       175.45.177.0/24 moved to China      prefix_moved
  c6       the TTK link cut                    outage of 175.45.178.0/24
                                               and of TTK
  c7       restored                            recovery of both
  c8       +7.5 ms on the TTK path             rtt_shift (rose)
  c10      175.45.178.0/24 moved onto the      prefix_moved and new_transit
           lab's third uplink, RETN (AS9002),  naming it (and TTK gone,
           which no data file names            saying where its /24 went)
  c11      steady                              no event (not new twice)

and between them: a /24's route withdrawn on the vantage point (no_route,
the rest measured), a cycle that cannot run (a source address the
capture was not opened for: recorded failed), the route back
(route_back).

Every cycle runs under an independent capture of the vantage point: c1's
stored traces are checked against it (every RTT the wire's), c8's rise is
seen on it too, and an RTT shift no change made (the lab's delay emulator
is slower on a busy machine) passes only where the same hosts' wire RTTs
moved that way.  Then: a reader during a cycle sees
only whole cycles; SIGKILL in the middle
of a cycle leaves the history intact (integrity_check, no partial run) and
the next cycle runs; with --every, a cycle that fails (no route) is recorded
with its reason and the next one runs; SIGTERM between cycles stops with
128+15.  The report: JSON valid against data/report.schema.json with the
same events; `promtool check metrics` accepts the metrics; the HTML renders
in headless Chromium with one chart point per value and the transits'
colours on screen (screenshot kept in the build directory as
artifacts/report.png)."""
import atexit
import json
import os
import shutil
import signal
import sqlite3
import struct
import subprocess
import sys
import tempfile
import time
import zlib

import wire
from labtest import BUILD, NKTRACE, SRC, Lab, check, done, need_root

need_root()
LOSS = {"ttkvvo-ttkpos": 0.03, "cudd-cenbong": 0.005}
lab = Lab("trun", scale=0.1, ratelimit=True,
          loss=["%s=%g" % kv for kv in LOSS.items()], third_uplink=True)
tmp = tempfile.mkdtemp(prefix="nkt-run-")
os.chmod(tmp, 0o777)
atexit.register(shutil.rmtree, tmp, True)
DB = os.path.join(tmp, "history.db")
EVENTS = os.path.join(tmp, "events.ndjson")
HOOK = os.path.join(tmp, "hook.log")
HOOK_CMD = ('printf "%%s|%%s|%%s\\n" "$NKT_EVENT_KIND" "$NKT_EVENT_PREFIX" '
            '"$NKT_EVENT_TRANSIT" >> %s' % HOOK)
RUN = [NKTRACE, "run", "--db", DB, "--sample", "3", "--events", EVENTS,
       "--on-event", HOOK_CMD]
SETPRIV = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
           "--inh-caps=+net_raw", "--ambient-caps=+net_raw", "--"]
P177, P178 = "175.45.177.0/24", "175.45.178.0/24"


def db_rows(sql, args=()):
    con = sqlite3.connect("file:%s?mode=ro" % DB, uri=True)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def events_of(run):
    return [json.loads(r[0]) for r in db_rows(
        "SELECT detail FROM events WHERE run = ? ORDER BY id", (run,))]


# Every cycle runs under an independent capture of the vantage point, the
# reference an RTT shift nobody made is checked against: the lab's delay
# emulator is slower on a busy machine, and an RTT level that really moved
# on the wire is one nktrace is right to report.
PCAPS = []
_wire_pairs = {}


def cycle(label, prefix=(), pcap=None):
    t0 = time.time()
    pcap = pcap or wire.capture_path(tmp, "cycle%d" % len(PCAPS))
    PCAPS.append(pcap)
    with lab.capture("vp", pcap):
        p = lab.exec("vp", list(prefix) + RUN, check=False, timeout=600)
    check(p.returncode == 0, "%s: nktrace run exits 0" % label, 0,
          (p.returncode, p.stderr[-400:]))
    print(p.stdout.rstrip())
    run = db_rows("SELECT max(id) FROM runs")[0][0]
    print("     %s took %.1f s" % (label, time.time() - t0))
    return run, events_of(run), p.stdout


def event_key(e):
    d = None
    if "before" in e and "after" in e and e["kind"].endswith("_shift"):
        d = "rose" if e["after"] > e["before"] else "fell"
    return (e["kind"], e.get("prefix", ""), e.get("transit", ""), d)


def wire_medians(run):
    """{host: median wire RTT (ms) of its end-to-end probes' first
    answers} over the cycle `run`, from whichever capture holds it."""
    start, end = db_rows("SELECT start, end FROM runs WHERE id = ?",
                         (run,))[0]
    rtts = {}
    for path in PCAPS:
        # A capture may still be written (run --every's is read while the
        # run goes on): its pairs are cached by the files' sizes, read
        # again when they grew.
        sizes = tuple(os.path.getsize(f) if os.path.exists(f) else -1
                      for f in (path, path + ".b"))
        if _wire_pairs.get(path, (None,))[0] != sizes:
            _wire_pairs[path] = (sizes, wire.pairs(wire.read_capture(path))[0]
                                 if os.path.exists(path) else [])
        for p in _wire_pairs[path][1]:
            if (p["first"] and p["from"] == p["dst"] and
                    start * 1e9 <= p["probe_ts"] < (end + 1) * 1e9):
                rtts.setdefault(p["dst"], []).append(p["rtt_ms"])
    return {h: sorted(v)[len(v) // 2] for h, v in rtts.items()}


def wire_confirms(e, run):
    """The wire's account of an rtt_shift event of cycle `run`: a message
    if the same hosts' wire RTTs moved its way (by 1 ms or more at the
    median, 80% of them that way), else None."""
    group = "transit = ? AND rtt_median IS NOT NULL"
    args = (e.get("transit", ""),)
    if e.get("prefix"):
        group += " AND prefix = ?"
        args += (e["prefix"],)
    now = {h for (h,) in db_rows("SELECT addr FROM host_stats WHERE run = ? "
                                 "AND " + group, (run,) + args)}
    prev = db_rows("SELECT max(run) FROM host_stats JOIN runs ON id = run "
                   "WHERE status = 'ok' AND run < ? AND " + group,
                   (run,) + args)[0][0]
    if prev is None:
        return None
    was = {h for (h,) in db_rows("SELECT addr FROM host_stats WHERE run = ? "
                                 "AND " + group, (prev,) + args)}
    a, b = wire_medians(prev), wire_medians(run)
    diffs = sorted(b[h] - a[h] for h in now & was if h in a and h in b)
    if len(diffs) < 2:
        return None
    med = diffs[len(diffs) // 2]
    sign = 1 if e["after"] > e["before"] else -1
    agree = sum(1 for d in diffs if d * sign > 0) / len(diffs)
    if med * sign < 1.0 or agree < 0.8:
        return None
    return ("the wire shows the same %d hosts' RTT %s by %.1f ms (median) "
            "between cycles %d and %d" % (len(diffs), "up" if sign > 0
                                          else "down", abs(med), prev, run))


def real(ev, run, want=()):
    """ev without the rtt_shift events nobody made that the wire confirms
    (each noted): the lab's emulator slowed or sped up, and nktrace saw
    it."""
    out = []
    for e in ev:
        why = None
        if e["kind"] == "rtt_shift" and event_key(e) not in want:
            why = wire_confirms(e, run)
        if why:
            print("     note: %s; %s, so it stands (the lab's delay "
                  "emulator under load)" % (e["message"], why))
        else:
            out.append(e)
    return out


def expect(label, got, want, run=None):
    """want: [(kind, prefix, transit, direction)] in any order; direction
    'rose'/'fell' or None.  With run, an RTT shift not wanted passes if
    the wire confirms it (real)."""
    if run is not None:
        got = real(got, run, want)
    g = sorted(event_key(e) for e in got)
    w = sorted(want)
    check(g == w, "%s: exactly the expected events" % label, w,
          [e["message"] for e in got])


# c1, c2: steady.  c1 under an independent capture: the RTTs the history
# stores are the wire's.
pcap = wire.capture_path(tmp, "c1")
r1, ev, _ = cycle("c1", pcap=pcap)
expect("c1 (first cycle)", ev, [], run=r1)
stored = subprocess.run([NKTRACE, "report", "--db", DB, "--traces",
                         str(r1)], capture_output=True, text=True)
wire.check_rtts([json.loads(l) for l in stored.stdout.splitlines()], pcap,
                "c1's stored traces")
owner = os.stat(DB).st_uid
check(owner == 65534, "the history belongs to the user nktrace dropped to "
      "(nobody), not root", 65534, owner)
r2, ev, _ = cycle("c2 (setpriv: uid nobody, ambient CAP_NET_RAW only)",
                  SETPRIV)
expect("c2 steady", ev, [], run=r2)

# c4, c5: loss up and down on a TTK link, while both of TTK's /24s
# (8 hosts) cross it: a loss shift is claimed over the hosts that answered
# both times, and with fewer than about 5 hosts the hosts' own spread
# often cannot support p < 0.001 (detect.h), however large the change.
# 40% each way (64% of round trips): with 30% (51%), 7 hosts' paired t
# once gave p = 0.0011 on the way back.
lab.link("ttkvvo-ttkpos", "--loss", "0.4")
r4, ev, _ = cycle("c4")
expect("c4 with 40% loss each way on ttkvvo-ttkpos", ev,
       [("loss_shift", "", "TTK", "rose")], run=r4)
lab.link("ttkvvo-ttkpos", "--loss", str(LOSS["ttkvvo-ttkpos"]))
r5, ev, _ = cycle("c5")
expect("c5 with the loss back to 3%", ev,
       [("loss_shift", "", "TTK", "fell")], run=r5)

# c3: a route change.
lab.route(P177, "china")
r3, ev, out = cycle("c3")
expect("c3 after moving %s to China" % P177, ev,
       [("prefix_moved", P177, "", None)], run=r3)
check(any(e.get("from") == "TTK" and e.get("to") == "China Unicom"
          for e in ev), "c3: moved from TTK to China Unicom")
check("event prefix_moved: 175.45.177.0/24 moved from TTK to China Unicom"
      in out, "c3: the event is printed")

# c6, c7: TTK cut and restored.
lab.link("ttkvvo-ttkpos", "--loss", "1")
r6, ev, _ = cycle("c6")
expect("c6 with TTK cut", ev, [("outage", P178, "", None),
                               ("outage", "", "TTK", None)], run=r6)
lab.link("ttkvvo-ttkpos", "--loss", str(LOSS["ttkvvo-ttkpos"]))
r7, ev, _ = cycle("c7")
expect("c7 with TTK restored", ev, [("recovery", P178, "", None),
                                    ("recovery", "", "TTK", None)],
       run=r7)

# c8: an RTT level shift (the link's one-way delay 2.5 -> 40 ms before
# --scale 0.1: +7.5 ms RTT).
lab.link("ttkvvo-ttkpos", "--delay", "40")
r8, ev, _ = cycle("c8")
expect("c8 with +7.5 ms on the TTK path", ev,
       [("rtt_shift", "", "TTK", "rose")], run=r8)
rise = [e for e in ev if event_key(e) == ("rtt_shift", "", "TTK", "rose")]
seen = wire_confirms(rise[0], r8) if rise else None
check(seen is not None, "c8: the wire sees the TTK hosts' RTT rise too",
      "a rise of 1 ms or more", seen)
if seen:
    print("     c8: " + seen)

n_ok = len(db_rows("SELECT id FROM runs WHERE status = 'ok'"))
check(n_ok == 8, "8 cycles stored", 8, n_ok)
size = os.path.getsize(DB)
print("     history: %d bytes after %d cycles, %.0f bytes per cycle "
      "(traces: %d bytes compressed for %d traces)" % (
          size, n_ok, size / n_ok,
          db_rows("SELECT sum(length(data)) FROM traces")[0][0],
          db_rows("SELECT sum(count) FROM traces")[0][0]))


def start_run(extra=()):
    """nktrace run in vp, in the background: (Popen, nktrace's PID)."""
    pidfile = os.path.join(tmp, "run.pid")
    if os.path.exists(pidfile):
        os.unlink(pidfile)
    argv = ["sh", "-c", 'echo $$ > %s.new && mv %s.new %s; exec "$@"' % (
        pidfile, pidfile, pidfile), "sh"] + RUN + list(extra)
    proc = subprocess.Popen(
        [sys.executable, os.path.join(SRC, "tools", "lab"), "exec", "--name",
         lab.name, "vp"] + argv, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True)
    for _ in range(300):
        if os.path.exists(pidfile):
            return proc, int(open(pidfile).read())
        time.sleep(0.1)
    proc.kill()
    sys.exit("nktrace run did not start: %r" % (proc.communicate(),))


# SIGKILL in the middle of a cycle; a reader meanwhile.
proc, pid = start_run()
time.sleep(6)
rep = subprocess.run([NKTRACE, "report", "--db", DB, "--since", "all",
                      "--json"], capture_output=True, text=True)
check(rep.returncode == 0 and
      len(json.loads(rep.stdout)["runs"]) == 8,
      "a reader during a cycle sees the 8 whole cycles", 8,
      (rep.returncode, rep.stderr))
check(proc.poll() is None, "the cycle is still running when killed")
os.kill(pid, signal.SIGKILL)
proc.wait(timeout=60)
integrity = db_rows("PRAGMA integrity_check")[0][0]
check(integrity == "ok", "integrity_check after SIGKILL mid-cycle", "ok",
      integrity)
n_runs = db_rows("SELECT count(*) FROM runs")[0][0]
check(n_runs == 8, "the killed cycle left nothing behind", 8, n_runs)
r9, ev, _ = cycle("c9 after the SIGKILL")
expect("c9 (no change since c8)", ev, [], run=r9)

# c9b: 175.45.178.0/24's route withdrawn on the vantage point: a measured
# outcome (no_route), the other /24s measured as ever, the cycle ok.
lab.exec("vp", ["ip", "route", "del", P178])
r9b, ev, out = cycle("c9b with no route to %s" % P178)
ev = real(ev, r9b)
kinds = {(e["kind"], e.get("prefix", ""), e.get("transit", "")) for e in ev}
check(("no_route", P178, "") in kinds and
      kinds <= {("no_route", P178, ""), ("transit_disappeared", "", "TTK")},
      "c9b: no_route for %s (and TTK's going, if it carried only it), the "
      "cycle stored ok" % P178, "no_route", [e["message"] for e in ev])
check("no route to %s" % P178 in out and
      db_rows("SELECT prefix FROM unrouted WHERE run = ?", (r9b,)) ==
      [(P178,)] and
      db_rows("SELECT count(*) FROM prefix_stats WHERE run = ? AND prefix "
              "= '175.45.176.0/24'", (r9b,))[0][0] > 0,
      "c9b: the /24 without a route recorded as such, the others measured")

# --every: the route back is an event; a cycle the tool cannot run
# (routing now picks a source address the capture was not opened for) is
# recorded failed with its reason and the next one runs; SIGTERM while
# waiting stops with 143.
lab.route(P178, "ttk")
every_cap = lab.capture("vp", wire.capture_path(tmp, "every"))
PCAPS.append(every_cap.path)
atexit.register(every_cap.stop)
every_cap.start()
# --count 6: the run is still waiting for its next cycle when SIGTERM
# comes, even when a busy machine let a second cycle fail before the
# route was back (with 4 it could finish first and exit 1)
proc, pid = start_run(["--every", "30s", "--count", "6"])
deadline = time.time() + 120
first = []
while time.time() < deadline and not first:
    first = db_rows("SELECT id FROM runs WHERE status = 'ok' AND id > ?",
                    (r9b,))
    time.sleep(0.2)
if first:
    got = {(e["kind"], e.get("prefix", ""), e.get("transit", ""))
           for e in real(events_of(first[0][0]), first[0][0])}
    check(("route_back", P178, "") in got and
          got <= {("route_back", P178, ""), ("transit_appeared", "", "TTK")},
          "the first cycle of run --every: %s's route is back" % P178,
          "route_back", got)
else:
    check(False, "run --every's first cycle is stored")
lab.exec("vp", ["ip", "route", "replace", P178, "via", "10.20.0.1", "dev",
                "ttk0", "src", "10.20.0.2"])
deadline = time.time() + 150
failed = []
while time.time() < deadline and not failed:
    failed = db_rows("SELECT id, error FROM runs WHERE status = 'failed'")
    time.sleep(0.2)
check(len(failed) == 1 and "which the capture was not opened for" in
      (failed[0][1] or ""),
      "the failed cycle is recorded with its reason",
      "the source address ... is now 10.20.0.2, which the capture was not "
      "opened for", failed)
lab.route(P178, "ttk")
ok_after = []
deadline = time.time() + 150
while time.time() < deadline and not ok_after and failed:
    ok_after = db_rows("SELECT id FROM runs WHERE status = 'ok' AND id > ?",
                       (failed[0][0],))
    time.sleep(0.2)
check(len(ok_after) == 1, "the next cycle runs and succeeds")
time.sleep(0.5)
os.kill(pid, signal.SIGTERM)
out, err = proc.communicate(timeout=120)
every_cap.stop()
check(proc.returncode == 143, "SIGTERM stops run --every with 143", 143,
      (proc.returncode, err[-300:]))
check("cycle failed: the source address for 175.45.178." in err,
      "the failure is on stderr too")
late = db_rows("SELECT status FROM runs WHERE id > ?",
               (ok_after[0][0] if ok_after else 1 << 40,))
check(all(s == "interrupted" for (s,) in late),
      "nothing but an interrupted cycle after SIGTERM", [], late)
if ok_after:
    expect("the cycle after the failed one", events_of(ok_after[0][0]), [],
           run=ok_after[0][0])

# c10, c11: the open world.  175.45.178.0/24 moves onto the third uplink,
# an upstream no data file names: the move names it, it is a new transit
# (once), and `compare` gives the /24 a row of its own with nothing
# unattributed.
NEW = "AS9002 RETN Limited"
lab.route(P178, "retn")
r10, ev, out = cycle("c10")
ev = real(ev, r10)
kinds = sorted((e["kind"], e.get("prefix", ""), e.get("transit", ""))
               for e in ev)
want = [("new_transit", P178, NEW), ("prefix_moved", P178, "")]
check(kinds == want or kinds == sorted(
    want + [("transit_disappeared", "", "TTK")]),
      "c10 after moving %s onto RETN: prefix_moved and new_transit (and "
      "TTK's going, if no path crossed it any more)" % P178, want,
      [e["message"] for e in ev])
check(any(e["kind"] == "prefix_moved" and e.get("to") == NEW for e in ev) and
      any(e["kind"] == "new_transit" and e.get("to") == NEW and
          "a transit this history has not seen carry a /24 before" in
          e["message"] for e in ev),
      "c10: both events name %s" % NEW, NEW, [e["message"] for e in ev])
gone = [e for e in ev if e["kind"] == "transit_disappeared"]
check(all("%s now via %s" % (P178, NEW) in e["message"] for e in gone),
      "c10: a transit that went says where its /24 went", NEW,
      [e["message"] for e in gone])
check("event new_transit: %s is now reached via %s" % (P178, NEW) in out,
      "c10: the new transit is printed")
r11, ev, _ = cycle("c11")
expect("c11 (still over RETN: not new twice)", ev, [], run=r11)
cmp_out = lab.exec("vp", [NKTRACE, "compare", "--no-discover", "--sample",
                          "3"], check=False, timeout=600)
row178 = [l for l in cmp_out.stdout.splitlines()
          if l.startswith(P178 + " ")]
check(cmp_out.returncode == 0 and
      any(l.startswith("%s %s *" % (P178, NEW)) for l in row178) and
      "could not be attributed" not in cmp_out.stdout,
      "compare: %s has a row of its own naming %s, marked its carrier, "
      "nothing unattributed" % (P178, NEW), NEW,
      (cmp_out.returncode, row178, cmp_out.stderr[-300:]))
print("\n".join(l for l in cmp_out.stdout.splitlines()[:14]))

# The events file and the hook saw every event the history holds.
all_events = [json.loads(r[0]) for r in db_rows(
    "SELECT detail FROM events ORDER BY id")]
lines = [json.loads(l) for l in open(EVENTS)]
check(lines == all_events, "--events has every event, one JSON per line",
      len(all_events), len(lines))
hooked = open(HOOK).read().splitlines()
check(hooked == ["%s|%s|%s" % (e["kind"], e.get("prefix", ""),
                               e.get("transit", "")) for e in all_events],
      "--on-event ran once per event with its environment",
      len(all_events), hooked)

# The reports.
art = os.path.join(BUILD, "artifacts")
os.makedirs(art, exist_ok=True)
rj, rp, rh = (os.path.join(tmp, n) for n in ("report.json", "nktrace.prom",
                                             "report.html"))
p = subprocess.run([NKTRACE, "report", "--db", DB, "--since", "24h",
                    "--json", "-o", rj, "--prom", rp, "--html", rh],
                   capture_output=True, text=True)
check(p.returncode == 0, "report --json --prom --html exits 0", 0,
      (p.returncode, p.stderr))
report = json.load(open(rj))
schema = os.path.join(SRC, "data", "report.schema.json")
v = subprocess.run(["/usr/bin/python3", "-c",
                    "import json, sys, jsonschema\n"
                    "s = json.load(open(sys.argv[1]))\n"
                    "jsonschema.Draft202012Validator.check_schema(s)\n"
                    "jsonschema.Draft202012Validator(s).validate("
                    "json.load(open(sys.argv[2])))\n", schema, rj],
                   capture_output=True, text=True)
check(v.returncode == 0, "the report JSON is valid against "
      "data/report.schema.json", "valid", v.stderr[-600:])
check(report["events"] == all_events, "the report lists the events")
n_ok = len([r for r in report["runs"] if r["status"] == "ok"])
ok_runs = [r["id"] for r in report["runs"] if r["status"] == "ok"]
for t in report["transits"]:
    pts = [pt["run"] for pt in t["series"]]
    if t["name"] == "China Unicom":
        check(pts == ok_runs, "%s: one point per successful cycle" %
              t["name"], n_ok, len(pts))
    else:
        check(set(pts) <= set(ok_runs) and len(pts) >= 2,
              "%s: points of the cycles it was seen in" % t["name"],
              ok_runs, pts)
retn_pts = [pt["run"] for t in report["transits"] if t["name"] == NEW
            for pt in t["series"]]
check(retn_pts == [r10, r11], "%s's series starts when it first carried a "
      "/24 (c10, c11)" % NEW, [r10, r11], retn_pts)
carriers = [pt["carrier"] for pt in next(
    x for x in report["prefixes"] if x["prefix"] == P177)["series"]]
# c1, c2, c4, c5 over TTK; from c3 on over China Unicom.
check(carriers[:4] == ["TTK"] * 4 and
      set(carriers[4:]) == {"China Unicom"},
      "the %s series shows the move" % P177, "TTK x4, China...", carriers)
carriers = [pt["carrier"] for pt in next(
    x for x in report["prefixes"] if x["prefix"] == P178)["series"]]
check(carriers[-2:] == [NEW, NEW], "the %s series ends over %s" % (
    P178, NEW), [NEW, NEW], carriers[-3:])
rtext = subprocess.run([NKTRACE, "report", "--db", DB], capture_output=True,
                       text=True).stdout
check(any(l.startswith(P178) and NEW in l for l in rtext.splitlines()),
      "report's latest state: %s carried by %s" % (P178, NEW), NEW,
      rtext[:800])

pt = subprocess.run(["promtool", "check", "metrics"], stdin=open(rp),
                    capture_output=True, text=True)
check(pt.returncode == 0, "promtool check metrics accepts the metrics", 0,
      (pt.returncode, pt.stdout + pt.stderr))
prom = open(rp).read()
check('nktrace_prefix_carrier{prefix="175.45.177.0/24",transit="China '
      'Unicom"} 1' in prom and 'nktrace_transit_rtt_median_seconds{transit='
      '"China Unicom"}' in prom, "the metrics carry transit and prefix "
      "labels")
check('nktrace_prefix_carrier{prefix="175.45.178.0/24",transit="%s"} 1' %
      NEW in prom and 'nktrace_prefix_carrier{prefix="175.45.178.0/24",'
      'transit="TTK"} 0' in prom and
      'nktrace_events_total{kind="new_transit"} 1' in prom,
      "the metrics: %s carries 175.45.178.0/24 (1), TTK's series 0, one "
      "new_transit" % NEW)

# Chromium, with no network at all (a fresh network namespace).
chrome = ["unshare", "--net", "chromium", "--headless", "--no-sandbox",
          "--disable-gpu", "--disable-background-networking",
          "--disable-dev-shm-usage", "--hide-scrollbars",
          "--user-data-dir=" + os.path.join(tmp, "chromium")]
dom = subprocess.run(chrome + ["--dump-dom", "file://" + rh],
                     capture_output=True, text=True, timeout=120).stdout
want = sum(1 for t in report["transits"] for pt in t["series"]
           for k in ("rtt_median", "loss", "reached_pct")
           if pt[k] is not None)
got = dom.count('class="pt"')
check(got == want and want > 0, "Chromium's DOM has one chart point per "
      "value", want, got)
check(dom.count('class="event"') == len(all_events),
      "the event table has every event", len(all_events),
      dom.count('class="event"'))
png = os.path.join(art, "report.png")
if os.path.exists(png):
    os.unlink(png)
subprocess.run(chrome + ["--window-size=900,2000", "--screenshot=" + png,
                         "file://" + rh], capture_output=True, timeout=120)
shutil.copy(rh, os.path.join(art, "report.html"))


def png_pixels(path):
    """RGB(A) rows of an 8-bit PNG (stdlib only)."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, w = 8, b"", 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
            bpp = {2: 3, 6: 4}[ctype]
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw, stride, rows, prev = zlib.decompress(idat), w * bpp, [], None
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(
            raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x] if prev else 0
            c = prev[x - bpp] if prev and x >= bpp else 0
            if f == 1:
                line[x] = (line[x] + a) & 255
            elif f == 2:
                line[x] = (line[x] + b) & 255
            elif f == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                pr = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[x] = (line[x] + pr) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, bpp, rows


ok_png = os.path.exists(png) and os.path.getsize(png) > 10000
check(ok_png, "the screenshot is written (%s)" % png)
if ok_png:
    w, h, bpp, rows = png_pixels(png)
    for t in report["transits"]:
        if len(t["series"]) < 2:
            continue  # one point draws no line
        col = bytes.fromhex(t["color"][1:])
        n = sum(1 for r in rows for x in range(0, w * bpp, bpp)
                if all(abs(r[x + i] - col[i]) <= 8 for i in range(3)))
        check(n > 500, "%s's colour %s is on screen (%d pixels)" % (
            t["name"], t["color"], n))
print("     screenshot: %s" % png)
wire.summary()
done()
