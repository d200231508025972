#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""`nktrace run --atlas`: following RIPE Atlas measurements, against a
stand-in for the API on loopback (atlas_server.py) serving recorded
results: pantrace's real results of measurement 29792007, and a move seen
by 200 probes (measurement 99001: after an hour 172 of them reach
175.45.178.161 over China Unicom instead of TTK).

1. The first cycle meets HTTP 429, HTTP 500, a body cut short and a
   response slower than --atlas-timeout, each said in one line, and still
   stores exactly the results served: 3,214 keys, cycles of 15 minutes,
   the prefix_moved event; the probes' countries come from the probes
   endpoint, page by page, and each cycle keeps its vantage points per
   /24, transit and country (report --prom shows them).
2. The next cycle asks only for what is new (from the last fetch, with an
   hour's overlap) and stores the new results once; results uploaded
   later than that are fetched with a longer --atlas-lookback; more
   results than a cycle holds at once are fetched and stored in parts of
   time, into the same keys and events.
3. A refused key: one line naming it, exit 1, no result stored, the
   cycle recorded as failed; the right key (from a file) works and is
   sent as "Authorization: Key ...".
4. A server that keeps failing: "HTTP 503 after 5 tries", exit 1, the
   history's results as they were.
5. The open world: measurement 99002, in which the /24 moves onto an
   upstream no data file names (RETN, AS9002), followed into a fresh
   history raises new_transit and prefix_moved naming it, as import --db
   does (test_backfill.py).
"""
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

SRC = os.environ.get("NKT_SOURCE_ROOT", os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))))
BUILD = os.environ.get("NKT_BUILD_DIR", os.path.join(SRC, "build"))
NKTRACE = os.environ.get("NKT_NKTRACE") or os.path.join(BUILD, "nktrace")
HERE = os.path.dirname(os.path.abspath(__file__))
REAL = os.path.join(SRC, "tests", "data", "import", "realdata")
tmp = tempfile.mkdtemp(prefix="nkt-atlas-")
# run --atlas drops root (to nobody here: no SUDO_USER): the history it
# makes is made as nobody
os.chmod(tmp, 0o777)
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)
from checks import check, done  # noqa: E402
import atlasgen  # noqa: E402

# Under valgrind (NKT_NKTRACE is the wrapper) a request takes longer: the
# timeout grows, and a "slow" answer stays slower than it.
TIMEOUT = 20 if os.environ.get("NKT_NKTRACE") else 2
NOW = int(time.time())
T0 = NOW - NOW % 900 - 4 * 3600  # 8 rounds of 15 min, 4 h to 2 h ago
move = os.path.join(tmp, "99001.ndjson")
atlasgen.write(move, atlasgen.move(T0))
retn = os.path.join(tmp, "99002.ndjson")
atlasgen.write(retn, atlasgen.move(T0, to=atlasgen.RETN))
pantrace = os.path.join(REAL, "pantrace_atlas.jsonl")
DB = os.path.join(tmp, "h.db")


class Server:
    """atlas_server.py on loopback, stopped by its PID."""

    def __init__(self, name, script=None, key=None, probes_next=None):
        self.port_file = os.path.join(tmp, name + ".port")
        self.log = os.path.join(tmp, name + ".log")
        self.script = None
        args = [sys.executable, os.path.join(HERE, "atlas_server.py"),
                "--port-file", self.port_file, "--log", self.log,
                "--data", "99001=" + move, "--data", "29792007=" + pantrace,
                "--data", "99002=" + retn]
        if script is not None:
            self.script = os.path.join(tmp, name + ".script")
            with open(self.script, "w") as f:
                json.dump(script, f)
            args += ["--script", self.script]
        if key:
            args += ["--key", key]
        if probes_next:
            args += ["--probes-next", probes_next]
        args += ["--slow", str(TIMEOUT * 2)]
        self.p = subprocess.Popen(args)
        for _ in range(100):
            if os.path.exists(self.port_file):
                break
            time.sleep(0.05)
        with open(self.port_file) as f:
            self.url = "http://127.0.0.1:%s" % f.read().strip()

    def requests(self):
        if not os.path.exists(self.log):
            return []
        return [json.loads(line) for line in open(self.log)]

    def stop(self):
        self.p.send_signal(signal.SIGTERM)
        self.p.wait(timeout=10)


def run(server, *extra, env=None, db=None, msms="99001,29792007"):
    e = dict(os.environ)
    e.pop("NKTRACE_ATLAS_KEY", None)
    e.update(env or {})
    return subprocess.run(
        [NKTRACE, "run", "--db", db or DB, "--atlas", msms,
         "--atlas-url", server.url, "--atlas-timeout", "%ds" % TIMEOUT,
         "--atlas-since", "2021-04-01T00:00:00Z"] + list(extra),
        capture_output=True, text=True, timeout=300, env=e)


def history(db=None):
    c = sqlite3.connect(db or DB)
    out = {
        "keys": c.execute("SELECT count(*) FROM imported").fetchone()[0],
        "ok": c.execute("SELECT count(*) FROM runs WHERE status = 'ok'")
        .fetchone()[0],
        "failed": c.execute("SELECT error FROM runs WHERE status = "
                            "'failed' ORDER BY id").fetchall(),
        "events": c.execute("SELECT kind, prefix, message FROM events")
        .fetchall(),
        "follow": dict(c.execute("SELECT msm, last FROM atlas_follow")
                       .fetchall()),
    }
    c.close()
    return out


served_pantrace = sum(1 for line in open(pantrace) if line.strip())

# 1. A first cycle through misbehaviour.
srv = Server("s1", script=["429", "500", "cut", "slow"])
t = time.time()
p = run(srv)
took = time.time() - t
srv.stop()
err = p.stderr.strip().splitlines()
said = " | ".join(err)
check(p.returncode == 0, "the first cycle exits 0 after the server "
      "misbehaved (%.1f s)" % took, 0, (p.returncode, said[-400:]))
for what, text in (("HTTP 429", "HTTP 429 (too many requests)"),
                   ("HTTP 500", "HTTP 500"),
                   ("a body cut short", "truncated body"),
                   ("a response slower than the timeout", "timed out")):
    check(sum(text in e for e in err) == 1,
          "%s: said in one line, and tried again" % what, text, said)
h = history()
check(h["keys"] == 3200 + served_pantrace and h["failed"] == [],
      "the history holds exactly the results served (%d + %d keys), no "
      "failed cycle" % (3200, served_pantrace), 3200 + served_pantrace,
      (h["keys"], h["failed"]))
moved = [e for e in h["events"] if e[0] == "prefix_moved" and
         e[1].startswith("175.45.")]
check(len(moved) == 1 and moved[0][1] == "175.45.178.0/24" and
      "(172 of 200 paths)" in moved[0][2],
      "the move is an event: %s" % (moved[0][2] if moved else "none"),
      "prefix_moved", h["events"])
pages = [r for r in srv.requests() if r.get("done") == "probes"]
c = sqlite3.connect(DB)
cc = dict(c.execute("SELECT country, count(*) FROM probes GROUP BY "
                    "country").fetchall())
vant = c.execute("SELECT v.prefix, v.transit, v.country, "
                 "v.vantage_points FROM vantage_stats v WHERE v.run = "
                 "(SELECT max(id) FROM runs WHERE status = 'ok' AND "
                 "start < ?) ORDER BY 1, 2, 3", (NOW - 3600,)).fetchall()
c.close()
check(sum(p["n"] for p in pages) == 201 and len(pages) >= 3 and
      cc == {"DE": 50, "US": 50, "JP": 50, "RU": 51},
      "the 201 probes' countries fetched from the probes endpoint, page "
      "by page (%d pages), kept in the history" % len(pages),
      {"DE": 50, "US": 50, "JP": 50, "RU": 51}, (cc, len(pages)))
want_v = sorted([("175.45.176.0/24", "China Unicom", k, 50) for k in
                 ("JP", "RU", "US")] +
                [("175.45.176.0/24", "China Unicom", "DE", 50)] +
                [("175.45.178.0/24", "China Unicom", k, 43) for k in
                 ("DE", "JP", "RU", "US")] +
                [("175.45.178.0/24", "TTK", k, 7) for k in
                 ("DE", "JP", "RU", "US")])
check(vant == want_v,
      "the last cycle's vantage points per /24, transit and country: "
      "175.45.178.0/24 over China Unicom from 43 probes in each of 4 "
      "countries, over TTK from 7", want_v, vant)
p = subprocess.run([NKTRACE, "report", "--db", DB, "--since", "all",
                    "--prom", "-"], capture_output=True, text=True)
check('nktrace_prefix_vantage_points{prefix="175.45.178.0/24",transit='
      '"China Unicom"} 172' in p.stdout,
      "report --prom: nktrace_prefix_vantage_points per /24 and transit",
      172, [l for l in p.stdout.splitlines() if "vantage" in l])
first_stop = h["follow"].get(99001, 0)
check(abs(first_stop - NOW) < 120 and
      h["follow"].get(29792007) == first_stop,
      "each measurement's fetched time is kept in the history", NOW,
      h["follow"])
reqs = [r for r in srv.requests() if r["path"].endswith("/results/")]
starts = sorted({r["start"] for r in reqs})
check(reqs and starts[0] == 1617235200 and
      all(r["stop"] - r["start"] < 86400 for r in reqs
          if r["start"] == 1617235200),
      "the first fetch starts at --atlas-since, a day at first", 1617235200,
      [(r["start"], r["stop"]) for r in reqs][:4])

# 2. The next cycle: only what is new.
extra = atlasgen.move(NOW - 1800, cycles=1, seed=11)
with open(move, "a") as f:
    for r in extra:
        f.write(json.dumps(r) + "\n")
srv = Server("s2")
p = run(srv)
srv.stop()
reqs = [r for r in srv.requests() if r["path"].endswith("/results/")]
h2 = history()
check(p.returncode == 0 and reqs and
      all(r["start"] == first_stop - 3600 for r in reqs),
      "the next cycle asks from the last fetch, with an hour's overlap",
      first_stop - 3600, [(r["start"], r["path"]) for r in reqs])
check(h2["keys"] == h["keys"] + len(extra) and h2["ok"] > h["ok"],
      "and stores the %d new results once" % len(extra),
      h["keys"] + len(extra), h2["keys"])
check(p.stderr == "" and "nktrace run: history" in p.stdout,
      "a measurement with no new result ([]) is no error: nothing on "
      "stderr", "", p.stderr)

# 2b. Results uploaded late (a probe back online after an hour and a half;
# after the rounds of T0, which end two hours ago, so that no key is one
# of theirs): the default look-back (1h) does not reach them,
# --atlas-lookback 3h does, and stores them once.
late = atlasgen.move(NOW - 5400, cycles=1, probes=20, seed=12)
with open(move, "a") as f:
    for r in late:
        f.write(json.dumps(r) + "\n")
srv = Server("s2b")
p = run(srv)
h3 = history()
p2 = run(srv, "--atlas-lookback", "3h")
srv.stop()
h4 = history()
reqs = [r for r in srv.requests() if r["path"].endswith("/results/")]
check(p.returncode == 0 and h3["keys"] == h2["keys"],
      "results uploaded 1.5 h late: not fetched with the default look-back",
      h2["keys"], h3["keys"])
check(p2.returncode == 0 and h4["keys"] == h3["keys"] + len(late) and
      any(r["start"] == h3["follow"][99001] - 10800 for r in reqs),
      "--atlas-lookback 3h fetches from 3 h before the last fetch and "
      "stores the %d late results once" % len(late),
      (h3["keys"] + len(late), h3["follow"][99001] - 10800),
      (h4["keys"], sorted({r["start"] for r in reqs}), p2.stderr))

# 2c. More results than a cycle holds at once (NKTRACE_TEST_ATLAS_BUDGET:
# 1 MB of bodies, against 5 MB in the window of measurement 99001): the
# window is split in time and stored a part at a time, into the same keys
# and events as the whole window at once (the history above).
split_db = os.path.join(tmp, "split.db")
srv = Server("s2c")
p = run(srv, db=split_db, env={"NKTRACE_TEST_ATLAS_BUDGET": "1000000"})
srv.stop()
hs = history(split_db)
wins = sorted({(r["start"], r["stop"]) for r in srv.requests()
               if r["path"].endswith("/99001/results/")})
moved_split = sorted({(e[0], e[1]) for e in hs["events"]
                      if e[0] == "prefix_moved"})
check(p.returncode == 0 and hs["keys"] == h4["keys"] and
      "stored in" in p.stderr and len(wins) >= 4 and
      moved_split == sorted({(e[0], e[1]) for e in h4["events"]
                             if e[0] == "prefix_moved"}),
      "a window over the budget: split in time (%d requests), the same "
      "%d keys and prefix_moved as at once" % (len(wins), h4["keys"]),
      h4["keys"], (p.returncode, hs["keys"], wins[:6], moved_split,
                   p.stderr[-400:]))
srv = Server("s2d")
p = run(srv, db=os.path.join(tmp, "tiny.db"),
        env={"NKTRACE_TEST_ATLAS_BUDGET": "100"})
srv.stop()
err = p.stderr.strip().splitlines()
check(p.returncode == 1 and err and "cannot be split" in err[-1],
      "results of one second over the budget: the cycle fails in one line",
      "cannot be split", (p.returncode, err[-3:]))

# 3. A refused key, then the right one.
srv = Server("s3", key="sekrit")
before = history()
p = run(srv, env={"NKTRACE_ATLAS_KEY": "wrong"})
err = p.stderr.strip().splitlines()
after = history()
check(p.returncode == 1 and len(err) == 1 and
      "HTTP 403: the API key is refused" in err[0],
      "a refused key: one line naming it, exit 1", "HTTP 403",
      (p.returncode, err))
check(after["keys"] == before["keys"] and after["ok"] == before["ok"] and
      len(after["failed"]) == len(before["failed"]) + 1 and
      after["follow"] == before["follow"],
      "no result stored, the fetched times unchanged, the cycle recorded "
      "as failed", before["keys"], (after["keys"], after["failed"]))
keyfile = os.path.join(tmp, "key")
with open(keyfile, "w") as f:
    f.write("sekrit\n")
p = run(srv, "--atlas-key-file", keyfile)
srv.stop()
auth = {r["auth"] for r in srv.requests()}
check(p.returncode == 0 and "Key sekrit" in auth,
      "the key from --atlas-key-file is sent as 'Authorization: Key ...'",
      "Key sekrit", (p.returncode, auth, p.stderr[-200:]))

# 3b. Trust boundaries: the key goes to --atlas-url's origin only (a
# probes page whose "next" names another host is not followed); a "next"
# that names the page itself ends; the history is made by the user root
# was dropped for, and the process runs as that user.
for mode, said in (("foreign", "another origin"),
                   ("self", "is the page itself")):
    srv = Server("s3" + mode, key="sekrit", probes_next=mode)
    fresh = os.path.join(tmp, "trust-%s.db" % mode)
    t0 = time.time()
    p = run(srv, "--atlas-key-file", keyfile, db=fresh)
    took = time.time() - t0
    srv.stop()
    probes = [r for r in srv.requests() if r["path"] == "/api/v2/probes/"]
    err = [l for l in p.stderr.splitlines() if "probe metadata" in l]
    check(p.returncode == 0 and len(err) == 1 and said in err[0] and
          len(probes) <= 1,
          "a probes page whose \"next\" %s: said in one line, not "
          "followed, the results stored (%.1f s)" % (
              "names another origin" if mode == "foreign" else
              "is the page itself", took), said,
          (p.returncode, err, len(probes)))
    check(os.stat(fresh).st_uid == 65534,
          "the history run --atlas made belongs to nobody (root dropped)",
          65534, os.stat(fresh).st_uid)
srv = Server("s3uid", script=["slow"])
proc = subprocess.Popen(
    [NKTRACE, "run", "--db", os.path.join(tmp, "uid.db"), "--atlas",
     "99001", "--atlas-url", srv.url, "--atlas-timeout", "%ds" % TIMEOUT],
    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
uids = None
for _ in range(100):
    time.sleep(0.05)
    try:
        with open("/proc/%d/status" % proc.pid) as f:
            st = dict(l.split(":", 1) for l in f if ":" in l)
        uids = st["Uid"].split()
        if srv.requests():
            break
    except (OSError, KeyError):
        pass
proc.send_signal(signal.SIGTERM)
proc.wait(timeout=60)
srv.stop()
check(uids is not None and set(uids) == {"65534"},
      "run --atlas talks to the server as nobody (real, effective, saved "
      "and file uids)", "65534 x4", uids)

# 4. A server that keeps failing.
srv = Server("s4", script=["503"] * 10)
before = history()
p = run(srv)
srv.stop()
err = p.stderr.strip().splitlines()
after = history()
check(p.returncode == 1 and any("HTTP 503 after 5 tries" in e for e in err)
      and after["keys"] == before["keys"] and
      after["follow"] == before["follow"],
      "a server that keeps failing: 'HTTP 503 after 5 tries', exit 1, the "
      "results as they were", "HTTP 503 after 5 tries",
      (p.returncode, err[-2:]))

# 5. The open world through run --atlas.
srv = Server("s5retn")
fresh = os.path.join(tmp, "retn.db")
evfile = os.path.join(tmp, "retn-events.ndjson")
hooked = os.path.join(tmp, "retn-hook.txt")
p = run(srv, "--events", evfile, "--on-event",
        'echo "$NKT_EVENT_KIND $NKT_EVENT_PREFIX" >> %s' % hooked,
        "--keep", "3650d", db=fresh, msms="99002")
srv.stop()
c = sqlite3.connect(fresh)
ev = c.execute("SELECT kind, prefix, detail FROM events WHERE kind IN "
               "('new_transit', 'prefix_moved') ORDER BY kind").fetchall()
c.close()
NEW = "AS9002 RETN Limited"
check(p.returncode == 0 and [(k, pr) for k, pr, _ in ev] ==
      [("new_transit", "175.45.178.0/24"),
       ("prefix_moved", "175.45.178.0/24")] and
      all(json.loads(d).get("to") == NEW for _, _, d in ev),
      "run --atlas: a /24 moving onto an upstream no data file names "
      "raises new_transit and prefix_moved naming %s" % NEW, NEW,
      (p.returncode, ev, p.stderr[-300:]))
# --events and --on-event as for probed cycles: every stored event, once.
c = sqlite3.connect(fresh)
stored = sorted(c.execute("SELECT kind, prefix FROM events").fetchall())
c.close()
lines = ([json.loads(l) for l in open(evfile)]
         if os.path.exists(evfile) else [])
hook = (sorted(tuple(l.split(" ", 1)) for l in
               open(hooked).read().splitlines())
        if os.path.exists(hooked) else [])
check(stored and sorted((e["kind"], e["prefix"]) for e in lines) == stored
      and hook == stored,
      "run --atlas --events FILE --on-event CMD: each of the %d stored "
      "events appended once and given to the hook once" % len(stored),
      stored, (lines[:3], hook[:3]))
# --keep as for probed cycles: cycles older than that before the newest
# stored are dropped.
c = sqlite3.connect(fresh)
span_all = c.execute("SELECT max(start) - min(start), count(*) FROM runs"
                     ).fetchone()
c.close()
srv = Server("s5keep")
kept = os.path.join(tmp, "keep.db")
p = run(srv, "--keep", "1h", db=kept, msms="99002")
srv.stop()
c = sqlite3.connect(kept)
span_kept = c.execute("SELECT max(start) - min(start), count(*) FROM runs"
                      ).fetchone()
c.close()
check(p.returncode == 0 and span_all[0] > 3600 and span_kept[0] <= 3600 and
      span_kept[1] < span_all[1],
      "run --atlas --keep 1h: the history keeps the last hour of cycles "
      "(%s cycles over %s s without it)" % (span_all[1], span_all[0]),
      "<= 3600 s", (p.returncode, span_kept, p.stderr[-200:]))

# 6. Creating the measurements: `nktrace atlas create`.
p = subprocess.run([NKTRACE, "atlas", "create", "--dry-run"],
                   capture_output=True, text=True, timeout=60)
lines = p.stdout.split("\n", 2)
try:
    req = json.loads(lines[2])
except (ValueError, IndexError):
    req = {}
hosts = json.load(open(os.path.join(SRC, "data", "targets.json")))["hosts"]
defs = req.get("definitions", [])
want = sorted((h["addr"], "TCP", 80) for h in hosts)
got = sorted((d["target"], d["protocol"], d.get("port")) for d in defs)
n = len(hosts)
check(p.returncode == 0 and lines[0] ==
      "estimate: %d measurements x 10 probes, %d results a day, about %d "
      "credits a day (60 credits a result of 3 packets)" % (
          n, n * 10 * 96, n * 10 * 96 * 60) and
      lines[1] == "POST https://atlas.ripe.net/api/v2/measurements/" and
      got == want and
      all(d["type"] == "traceroute" and d["af"] == 4 and d["paris"] == 16
          and d["interval"] == 900 for d in defs) and
      req.get("probes") == [{"requested": 10, "type": "area",
                             "value": "WW"}],
      "atlas create --dry-run: the estimate first, then a TCP 80 traceroute "
      "per known host (%d; what reaches NK), Paris 16, every 15 min, 10 "
      "probes world-wide; nothing sent" % len(want), len(want),
      (p.returncode, lines[:2], len(defs)))
p = subprocess.run([NKTRACE, "atlas", "create", "--dry-run", "--protocols",
                    "tcp80,tcp443,icmp", "--probes", "50"],
                   capture_output=True, text=True, timeout=60)
err = p.stderr.strip().splitlines()
check(p.returncode == 2 and len(err) == 1 and
      "about %d credits a day, above --max-credits 1000000" % (
          3 * n * 50 * 96 * 60) in err[0] and "POST" not in p.stdout,
      "a request over the spending limit (the old defaults: 9.5 million "
      "credits a day) is refused, one line, exit 2, nothing printed to "
      "send", 2, (p.returncode, err))
p = subprocess.run([NKTRACE, "atlas", "create", "--dry-run", "--protocols",
                    "tcp80,tcp443,icmp", "--probes", "50",
                    "--max-credits", "20000000"],
                   capture_output=True, text=True, timeout=60)
check(p.returncode == 0 and "POST" in p.stdout,
      "--max-credits raises the limit", 0, (p.returncode, p.stderr))
srv = Server("s5", key="sekrit")
e = dict(os.environ, NKTRACE_ATLAS_KEY="sekrit")
p = subprocess.run([NKTRACE, "atlas", "create", "--atlas-url", srv.url,
                    "--protocols", "tcp80", "--country", "DE",
                    "175.45.176.71", "175.45.177.10"],
                   capture_output=True, text=True, timeout=60, env=e)
posted = [r for r in srv.requests() if r.get("done") == "201"]
body = json.loads(posted[0]["body"]) if posted else {}
check(p.returncode == 0 and "created 2 measurements: 70000000 70000001"
      in p.stdout and "--atlas 70000000,70000001" in p.stdout and
      body.get("probes") == [{"requested": 10, "type": "country",
                              "value": "DE"}] and
      posted[0]["auth"] == "Key sekrit",
      "atlas create sends the request with the key, prints the ids and "
      "the run --atlas that follows them", "2 ids",
      (p.returncode, p.stdout, p.stderr))
# --json -o FILE: the ids and the follow command as one JSON object, the
# file complete; an output that cannot be written sends nothing.
out = os.path.join(tmp, "created.json")
p = subprocess.run([NKTRACE, "atlas", "create", "--atlas-url", srv.url,
                    "--json", "-o", out, "-v", "175.45.176.71",
                    "175.45.177.10"],
                   capture_output=True, text=True, timeout=60, env=e)
made = json.load(open(out)) if os.path.exists(out) else {}
check(p.returncode == 0 and made.get("type") == "atlas_create" and
      made.get("measurements") == [70000000, 70000001] and
      "--atlas 70000000,70000001" in made.get("follow", "") and
      made["estimate"]["measurements"] == 2 and
      "POST %s/api/v2/measurements/" % srv.url in p.stderr,
      "atlas create --json -o FILE: the ids and the follow command in "
      "FILE; -v names the request", "2 ids", (p.returncode, made, p.stderr))
n_before = len(srv.requests())
p = subprocess.run([NKTRACE, "atlas", "create", "--atlas-url", srv.url,
                    "-o", os.path.join(tmp, "no", "such", "dir"),
                    "175.45.176.71"],
                   capture_output=True, text=True, timeout=60, env=e)
check(p.returncode == 1 and len(srv.requests()) == n_before and
      "cannot write" in p.stderr,
      "atlas create -o into a missing directory: exit 1, nothing sent "
      "(no credits spent)", n_before, (p.returncode, len(srv.requests()),
                                       p.stderr))
# An answer whose ids are not positive integers: refused in one line,
# exit 1, nothing written.
bad_ids = os.path.join(tmp, "bad-ids.json")
p = subprocess.run([NKTRACE, "atlas", "create", "--atlas-url", srv.url,
                    "--json", "-o", bad_ids, "192.0.2.99"],
                   capture_output=True, text=True, timeout=60, env=e)
check(p.returncode == 1 and not os.path.exists(bad_ids) and
      "not a positive integer" in p.stderr and
      len(p.stderr.strip().splitlines()) == 2,  # the estimate, the refusal
      "an API answer with ids that are not ids: refused, exit 1, no file",
      1, (p.returncode, p.stderr))
e.pop("NKTRACE_ATLAS_KEY")
p = subprocess.run([NKTRACE, "atlas", "create", "--atlas-url", srv.url],
                   capture_output=True, text=True, timeout=60, env=e)
check(p.returncode == 2 and len(p.stderr.strip().splitlines()) == 1 and
      "needs an API key" in p.stderr,
      "without a key: one line, exit 2, nothing sent", 2,
      (p.returncode, p.stderr))
e["NKTRACE_ATLAS_KEY"] = "sekrit"
p = subprocess.run([NKTRACE, "atlas", "create", "--atlas-url", srv.url,
                    "0.0.0.0"], capture_output=True, text=True, timeout=60,
                   env=e)
srv.stop()
check(p.returncode == 1 and
      "HTTP 400: Invalid target: 0.0.0.0" in p.stderr,
      "a request the API refuses: its reason in one line, exit 1",
      "HTTP 400", (p.returncode, p.stderr))

shutil.rmtree(tmp, ignore_errors=True)
done()
