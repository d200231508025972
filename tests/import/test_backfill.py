#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""`nktrace import --db HISTORY --bucket T`: results as cycles of a history.

1. A move seen from 200 vantage points (RIPE Atlas results of one
   measurement, every 15 minutes for 2 hours, to 175.45.178.161 and
   kcna.kp; after one hour 172 of the 200 probes' paths to .178.161 go
   over China Unicom instead of TTK): 8 cycles, one prefix_moved event in
   the bucket where it moved, naming how many paths; `report` shows it.
   The plain summary of the same file shows both transits for the /24 and
   says that 172 of 200 targets' paths went over more than one.
2. Idempotent: the same file again adds nothing (the history's rows are
   the same); the second half imported first and then the whole file
   gives the history the whole file gives at once (the earlier bucket
   cycles replaced, none twice).
3. A real multi-year file (reticle's RIPE Atlas results, 2012-2018):
   one cycle per bucket that has results, again idempotent.
4. A history that cannot be opened fails before any input is read.
"""
import json
import os
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile

SRC = os.environ.get("NKT_SOURCE_ROOT", os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))))
BUILD = os.environ.get("NKT_BUILD_DIR", os.path.join(SRC, "build"))
NKTRACE = os.environ.get("NKT_NKTRACE") or os.path.join(BUILD, "nktrace")
REAL = os.path.join(SRC, "tests", "data", "import", "realdata")
tmp = tempfile.mkdtemp(prefix="nkt-backfill-")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from checks import builtin_data, check, done  # noqa: E402
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import atlasgen  # noqa: E402

T0 = 1764547200  # 2025-12-01 00:00 UTC
builtin_data(SRC)


def generate(path):
    atlasgen.write(path, atlasgen.move(T0))


def nk(*args, stdin=None, env=None):
    return subprocess.run([NKTRACE] + list(args), input=stdin,
                          capture_output=True, text=True, timeout=300,
                          env=env)


def rows(db):
    """What a history holds, comparable between two histories."""
    c = sqlite3.connect(db)
    out = {
        "runs": c.execute("SELECT start, end, status, source, targets, "
                          "observations FROM runs ORDER BY start").fetchall(),
        "transit": c.execute(
            "SELECT r.start, t.transit, t.targets, t.reached, "
            "round(t.rtt_median, 3) FROM transit_stats t JOIN runs r ON "
            "r.id = t.run ORDER BY 1, 2").fetchall(),
        "prefix": c.execute(
            "SELECT r.start, p.prefix, p.transit, p.carrier, p.targets "
            "FROM prefix_stats p JOIN runs r ON r.id = p.run "
            "ORDER BY 1, 2, 3").fetchall(),
        "events": c.execute("SELECT time, kind, prefix, message FROM events "
                            "ORDER BY time, kind").fetchall(),
        "keys": c.execute("SELECT count(*), count(DISTINCT run) FROM "
                          "imported").fetchone(),
        "traces": c.execute("SELECT r.start, t.count FROM traces t JOIN runs "
                            "r ON r.id = t.run ORDER BY 1").fetchall(),
    }
    c.close()
    return out


# 1. A move seen from 200 vantage points.
move = os.path.join(tmp, "move.json")
generate(move)
db = os.path.join(tmp, "h.db")
p = nk("import", "--db", db, "--bucket", "15m", move)
h = rows(db)
check(p.returncode == 0 and len(h["runs"]) == 8 and
      all(r[3] == "import" and r[2] == "ok" for r in h["runs"]) and
      [r[0] for r in h["runs"]] == [T0 + 900 * i for i in range(8)],
      "8 cycles of 15 minutes, one per bucket of result time", 8,
      (p.returncode, h["runs"][:2], p.stderr[-300:]))
check(h["keys"] == (3200, 8) and
      [t[1] for t in h["traces"]] == [400] * 8,
      "every result's key and record kept with its cycle (3200, 400 each)",
      (3200, 8), (h["keys"], h["traces"][:2]))
moved = [e for e in h["events"] if e[1] == "prefix_moved"]
check(len(moved) == 1 and moved[0][0] == T0 + 5 * 900 and
      moved[0][2] == "175.45.178.0/24" and
      "moved from TTK to China Unicom (172 of 200 paths)" in moved[0][3],
      "one prefix_moved event, in the bucket where the paths moved "
      "(01:00-01:15), with how many moved", "175.45.178.0/24 at %d" %
      (T0 + 5 * 900), moved)
check(len(h["events"]) == 1, "no other event (nothing else changed)", 1,
      h["events"])
carrier = {(r[0], r[2]): r[3] for r in h["prefix"]
           if r[1] == "175.45.178.0/24"}
check(carrier.get((T0, "TTK")) == 1 and
      carrier.get((T0 + 7 * 900, "China Unicom")) == 1,
      "175.45.178.0/24 carried by TTK in the first cycle, by China Unicom "
      "in the last", [1, 1],
      [carrier.get((T0, "TTK")),
       carrier.get((T0 + 7 * 900, "China Unicom"))])
p = nk("report", "--db", db, "--since", "all")
check(p.returncode == 0 and "175.45.178.0/24 moved from TTK to China "
      "Unicom" in p.stdout and "8 cycles" in p.stdout,
      "report over the backfilled history shows the cycles and the event",
      "", p.stdout[-400:] + p.stderr[-200:])
out = os.path.join(tmp, "s.json")
p = nk("import", "--json", "-o", out, move)
s = json.load(open(out))
rows178 = sorted(t["transit"] for t in s["prefixes"]
                 if t["prefix"] == "175.45.178.0/24") \
    if s.get("prefixes") and "transit" in s["prefixes"][0] else None
mixed = s.get("mixed_attribution")
check(mixed == [{"prefix": "175.45.178.0/24", "units": 172, "of": 200,
                 "transits": ["China Unicom", "TTK"]}] and
      "172 of 200 targets seen from a vantage point went over more than one"
      " transit" in p.stdout and
      "175.45.178.0/24 China Unicom" in p.stdout,
      "the plain summary of the file shows both transits for "
      "175.45.178.0/24 and says 172 of 200 paths went over both",
      "mixed 172 of 200", (mixed, rows178))

# 2. Idempotence, and a bucket that gains results.
before = rows(db)
p = nk("import", "--db", db, "--bucket", "15m", move)
check(p.returncode == 0 and rows(db) == before and
      "0 cycles of 900s stored" in p.stdout and
      "8 buckets already in it" in p.stdout,
      "the same file again adds nothing: the history is unchanged", "",
      p.stdout[-300:])
half = os.path.join(tmp, "half.json")
with open(move) as f, open(half, "w") as g:
    lines = f.readlines()
    # the second half of every bucket's results, and the last four
    # buckets whole
    for i, line in enumerate(lines):
        if i >= 1600 or (i // 200) % 2 == 1:
            g.write(line)
db2 = os.path.join(tmp, "h2.db")
p1 = nk("import", "--quiet", "--db", db2, half)
first = rows(db2)
p2 = nk("import", "--db", db2, move)
after = rows(db2)
check(p1.returncode == 0 and p2.returncode == 0 and
      len(first["runs"]) == 8 and "4 replacing an earlier import's" in
      p2.stdout and after == before,
      "part of the file first, then all of it: the buckets that gained "
      "results are replaced, and the history equals the one the whole file "
      "made at once", "equal", (len(first["runs"]), p2.stdout[-300:],
                                after["keys"], before["keys"]))

# 2b. The open world, in any order: 175.45.178.0/24 moves from TTK onto an
# upstream no data file names (RETN, AS9002).  Imported whole, or its
# later half first and then its earlier half, or in four pieces in reverse
# order: the same history and the same events, naming the new transit.
retn = os.path.join(tmp, "retn.json")
results = atlasgen.move(T0, to=atlasgen.RETN)
atlasgen.write(retn, results)
dbr = os.path.join(tmp, "hr.db")
p = nk("import", "--db", dbr, "--bucket", "15m", retn)
whole = rows(dbr)
ev = [(e[1], e[2]) for e in whole["events"]]
NEW = "AS9002 RETN Limited"
check(p.returncode == 0 and ev == [("new_transit", "175.45.178.0/24"),
                                   ("prefix_moved", "175.45.178.0/24")] and
      all(e[0] == T0 + 5 * 900 for e in whole["events"]) and
      ("moved from TTK to %s (172 of 200 paths)" % NEW) in
      whole["events"][1][3] and NEW in whole["events"][0][3],
      "a move onto an unlisted upstream: new_transit and prefix_moved, "
      "both naming it, in the bucket where it happened", "2 events",
      (ev, [e[3] for e in whole["events"]], p.stderr[-300:]))
carrier = {(r[0], r[2]): r[3] for r in whole["prefix"]
           if r[1] == "175.45.178.0/24"}
check(carrier.get((T0 + 7 * 900, NEW)) == 1,
      "the /24's latest carrier is %s" % NEW, 1, carrier)
p = nk("report", "--db", dbr, "--since", "all")
check(p.returncode == 0 and "175.45.178.0/24    " + NEW in p.stdout,
      "report's latest state names the new carrier", NEW, p.stdout[-600:])
by_start = {}
for r in results:
    by_start.setdefault((r["timestamp"] - T0) // 900, []).append(r)
for label, order in (("later half first", [[4, 5, 6, 7], [0, 1, 2, 3]]),
                     ("four pieces, newest first",
                      [[6, 7], [4, 5], [2, 3], [0, 1]])):
    dbo = os.path.join(tmp, "ho.db")
    if os.path.exists(dbo):
        os.unlink(dbo)
    ok = True
    for piece in order:
        f = os.path.join(tmp, "piece.json")
        atlasgen.write(f, [r for b in piece for r in by_start[b]])
        ok &= nk("import", "--quiet", "--db", dbo, "--bucket", "15m",
                 f).returncode == 0
    got = rows(dbo)
    check(ok and got["events"] == whole["events"] and
          got["prefix"] == whole["prefix"],
          "%s: the same events as the whole file at once" % label,
          whole["events"], got["events"])
    tot = sqlite3.connect(dbo).execute(
        "SELECT what, n FROM totals WHERE what LIKE 'events %' OR what "
        "LIKE 'runs %' ORDER BY what").fetchall()
    check(tot == [("events new_transit", 1), ("events prefix_moved", 1),
                  ("runs ok", 8)],
          "%s: the counters count each run and event once" % label,
          [("events new_transit", 1), ("events prefix_moved", 1),
           ("runs ok", 8)], tot)

# 2c. Out of order within one input, in bounded memory: buckets are held
# only while results may still reach them (an hour, or two buckets), then
# stored; a result later than that is merged into its stored cycle.  Over
# 16 buckets (four hours), newest bucket first, and shuffled whole, one
# file gives the history the same file in time order gives.
long_ = atlasgen.move(T0, cycles=16, probes=20, moved=17, to=atlasgen.RETN)
inorder = os.path.join(tmp, "long.json")
atlasgen.write(inorder, sorted(long_, key=lambda r: r["timestamp"]))
dbl = os.path.join(tmp, "hl.db")
p = nk("import", "--db", dbl, "--bucket", "15m", inorder)
ref = rows(dbl)
check(p.returncode == 0 and len(ref["runs"]) == 16 and
      "0 replacing" in p.stdout and ref["events"],
      "16 buckets in time order: 16 cycles, none replaced, the move's "
      "events", 16, (len(ref["runs"]), p.stdout[-300:]))
shuffled = list(long_)
random.Random(5).shuffle(shuffled)
newest_first = sorted(long_, key=lambda r: (-((r["timestamp"] - T0) // 900),
                                            r["timestamp"]))
# held whole (the input is far below the hold), and with holds of 40 KB
# and 1.2 MB (NKTRACE_TEST_IMPORT_HOLD; a bucket's records are about 140 KB),
# so that buckets are stored while the input runs and late results are
# merged
small = dict(os.environ, NKTRACE_TEST_IMPORT_HOLD="40000")
eight = dict(os.environ, NKTRACE_TEST_IMPORT_HOLD="1200000")
for label, recs, env, once in (
        ("newest bucket first", newest_first, None, True),
        ("shuffled", shuffled, None, True),
        ("newest bucket first, a 40 KB hold", newest_first, small, True),
        ("shuffled, a 1.2 MB hold (about eight buckets)", shuffled, eight,
         False)):
    f = os.path.join(tmp, "ooo.json")
    atlasgen.write(f, recs)
    dbo = os.path.join(tmp, "hooo.db")
    if os.path.exists(dbo):
        os.unlink(dbo)
    p = nk("import", "--db", dbo, "--bucket", "15m", f, env=env)
    got = rows(dbo)
    m = re.search(r"(\d+) cycles of 900s stored \((\d+) replacing", p.stdout)
    tot = sqlite3.connect(dbo).execute(
        "SELECT what, n FROM totals WHERE what LIKE 'events %' OR what "
        "LIKE 'runs %' ORDER BY what").fetchall()
    merged = int(m.group(2)) if m else -1
    check(p.returncode == 0 and m is not None and
          got["events"] == ref["events"] and
          got["prefix"] == ref["prefix"] and got["keys"] == ref["keys"] and
          got["traces"] == ref["traces"] and
          (merged == 0) == once and
          (not once or tot == sorted(
              [("events " + e[1], 1) for e in ref["events"]] +
              [("runs ok", 16)])),
          "one file, %s: the same cycles and events as in time order (%s "
          "cycles stored, %d of them merged into a stored one%s)" %
          (label, m and m.group(1), merged,
           "; counters once" if once else ""), ref["events"],
          (got["events"], tot, p.stdout[-300:]))

# 3. A real multi-year file.
real = os.path.join(REAL, "reticle_traceroute_records.ndjson")
db3 = os.path.join(tmp, "h3.db")
p = nk("import", "--db", db3, "--bucket", "1h", real)
r3 = rows(db3)
recs = [json.loads(l) for l in open(real) if l.strip()]
v4 = [r for r in recs if r.get("af") == 4 and isinstance(r.get("result"),
                                                          list)]
buckets = {r["timestamp"] - r["timestamp"] % 3600 for r in v4}
check(p.returncode == 0 and len(r3["runs"]) == len(buckets) and
      r3["keys"][0] == len(v4) and
      "IPv6 results left out" in p.stdout,
      "reticle's %d IPv4 RIPE Atlas results (2012-2014) become %d hourly "
      "cycles (IPv6 ones left out: the history holds IPv4 /24s)" % (
          len(v4), len(buckets)), (len(buckets), len(v4)),
      (len(r3["runs"]), r3["keys"], p.stdout[-300:]))
print("events from reticle's file: %s" % (r3["events"] or "none"))
before3 = rows(db3)
p = nk("import", "--quiet", "--db", db3, "--bucket", "1h", real)
check(p.returncode == 0 and rows(db3) == before3,
      "reticle's file again: nothing added")

# 4. A history that cannot be opened.
bad = os.path.join(tmp, "not-a-db")
with open(bad, "w") as f:
    f.write("hello\n" * 100)
p = nk("import", "--db", bad, move)
err = p.stderr.strip().splitlines()
check(p.returncode == 2 and len(err) == 1 and "not-a-db" in err[0] and
      p.stdout == "",
      "--db on a file that is not a history: one line, exit 2, nothing "
      "read", 2, (p.returncode, err, p.stdout[:100]))

shutil.rmtree(tmp, ignore_errors=True)
done()
