#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""A history from someone else, or shared with someone else (issue 28):

1. the systemd layout (the history and its directory owned by the service
   user, 0755/0644): another user's `report` reads it, while no writer is
   at work and while one is (its -wal there), and leaves no file behind;
2. a history of an older schema is read by `report` as it is (migrated
   in memory, the file untouched: its schema version and bytes the same);
3. a second writer (import --db) while one is at work is refused at once
   with one line (exit 2), and gets in once the first is done;
4. a crafted history (stored sizes that lie) gives one line and exit 2
   from report --traces/--summary, import --db into its bucket too."""
import hashlib
import os
import sqlite3
import subprocess
import sys
import tempfile
import time

SRC = os.environ.get("NKT_SOURCE_ROOT", os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))))
BUILD = os.environ.get("NKT_BUILD_DIR", os.path.join(SRC, "build"))
NKTRACE = os.environ.get("NKT_NKTRACE") or os.path.join(BUILD, "nktrace")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(SRC, "tests", "import"))
from checks import builtin_data, check, done  # noqa: E402
import atlasgen  # noqa: E402

if os.geteuid() != 0:
    print("SKIP: needs root (setpriv, chown)")
    sys.exit(77)
builtin_data(SRC)
T0 = 1764547200
tmp = tempfile.mkdtemp(prefix="nkt-hist-")
os.chmod(tmp, 0o755)
results = os.path.join(tmp, "move.json")
atlasgen.write(results, atlasgen.move(T0))
os.chmod(results, 0o644)
SERVICE = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
           "--"]
OTHER = ["setpriv", "--reuid=12345", "--regid=12345", "--clear-groups",
         "--"]


def nk(*args, who=(), **kw):
    return subprocess.run(list(who) + [NKTRACE] + list(args),
                          capture_output=True, text=True, timeout=300, **kw)


# The service's history: its directory and file its own.
svc = os.path.join(tmp, "svc")
os.mkdir(svc)
os.chown(svc, 65534, 65534)
db = os.path.join(svc, "history.db")
p = nk("import", "--quiet", "--db", db, "--bucket", "15m", results,
       who=SERVICE)
check(p.returncode == 0 and os.stat(db).st_uid == 65534,
      "the service user makes its history", 0, (p.returncode, p.stderr))

# 1. Another user reads it, with no writer and with one at work.
p = nk("report", "--db", db, "--since", "all", who=OTHER)
check(p.returncode == 0 and "8 cycles" in p.stdout and
      sorted(os.listdir(svc)) == ["history.db"],
      "another user's report reads the service's history (no writer), no "
      "side file left", "8 cycles", (p.returncode, p.stderr.strip(),
                                      os.listdir(svc)))
writer = sqlite3.connect(db)  # as root: a writer at work (its -wal)
writer.execute("PRAGMA journal_mode = WAL")
writer.execute("BEGIN IMMEDIATE")
writer.execute("INSERT INTO totals (what, n) VALUES ('probe', 1) ON "
               "CONFLICT (what) DO UPDATE SET n = n + 1")
writer.commit()
for f in os.listdir(svc):
    os.chown(os.path.join(svc, f), 65534, 65534)
had = sorted(os.listdir(svc))
p = nk("report", "--db", db, "--since", "all", who=OTHER)
check(p.returncode == 0 and "8 cycles" in p.stdout and
      sorted(os.listdir(svc)) == had and
      all(os.stat(os.path.join(svc, f)).st_uid == 65534
          for f in os.listdir(svc)),
      "and while a writer is at work (%s there): read, its files left as "
      "they were" % ", ".join(had), "8 cycles",
      (p.returncode, p.stderr.strip(), os.listdir(svc)))
writer.close()

# 2. An older schema, read as it is.
old = os.path.join(tmp, "old.db")
subprocess.run(["cp", db, old], check=True)
c = sqlite3.connect(old)
c.executescript("DROP TABLE bgp_state; DROP TABLE bgp_files; "
                "DROP TABLE unrouted; DROP TABLE vantage_stats; DROP "
                "TABLE probes; DROP TABLE totals; PRAGMA user_version = 6;")
c.close()
before = hashlib.sha256(open(old, "rb").read()).hexdigest()
p = nk("report", "--db", old, "--since", "all", "--prom", "-")
after = hashlib.sha256(open(old, "rb").read()).hexdigest()
v = sqlite3.connect(old).execute("PRAGMA user_version").fetchone()[0]
check(p.returncode == 0 and "nktrace_runs_total" in p.stdout and
      before == after and v == 6,
      "report reads a history of schema 6 as it is (the file untouched, "
      "still schema 6)", (0, 6), (p.returncode, p.stderr.strip(), v))

# 3. One writer at a time.
hold = subprocess.Popen(SERVICE + ["python3", "-c",
                                   "import fcntl, sys, time\n"
                                   "f = open(sys.argv[1])\n"
                                   "fcntl.flock(f, fcntl.LOCK_EX)\n"
                                   "print('held', flush=True)\n"
                                   "time.sleep(60)\n", db],
                        stdout=subprocess.PIPE, text=True)
hold.stdout.readline()
t = time.time()
p = nk("import", "--db", db, "--bucket", "15m", results, who=SERVICE)
err = p.stderr.strip().splitlines()
check(p.returncode == 2 and len(err) == 1 and
      "being written by another nktrace" in err[0] and time.time() - t < 30,
      "a second writer is refused at once, one line, exit 2", 2,
      (p.returncode, err))
hold.kill()
hold.wait()
p = nk("import", "--db", db, "--bucket", "15m", results, who=SERVICE)
check(p.returncode == 0 and "8 buckets already in it" in p.stdout,
      "once the first is done, the next writer gets in", 0,
      (p.returncode, p.stderr.strip()))

# 4. A crafted history.
bad = os.path.join(tmp, "bad.db")
subprocess.run(["cp", db, bad], check=True)
c = sqlite3.connect(bad)
run = c.execute("SELECT min(run) FROM traces").fetchone()[0]
c.execute("UPDATE traces SET size = -1 WHERE run = ?", (run,))
c.execute("UPDATE runs SET summary_size = -1 WHERE id = ?", (run,))
c.commit()
c.close()
for what in ("--traces", "--summary"):
    p = nk("report", "--db", bad, what, str(run))
    err = p.stderr.strip().splitlines()
    check(p.returncode == 2 and len(err) == 1 and "corrupt" in err[0],
          "report %s of a run whose stored size lies: one line, exit 2" %
          what, 2, (p.returncode, err))
more = os.path.join(tmp, "more.json")
atlasgen.write(more, atlasgen.move(T0, cycles=1, seed=99))
p = nk("import", "--db", bad, "--bucket", "15m", more)
err = p.stderr.strip().splitlines()
check(p.returncode in (1, 2) and err and "corrupt" in err[-1],
      "import --db into that bucket: the corrupt row said, no crash",
      "corrupt", (p.returncode, err[-2:]))

subprocess.run(["rm", "-rf", tmp])
done()
