#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Monitoring end to end, with Debian's own Prometheus and node_exporter,
on loopback only.

1. A history: 8 cycles backfilled from RIPE Atlas results with a /24
   moving (import --db), then a `run --atlas` cycle that fails (the API
   stand-in refuses the key): the run itself writes --report-prom into
   node_exporter's textfile directory.
2. node_exporter (textfile collector only) serves it; Prometheus scrapes
   it every second and loads tools/prometheus/nktrace.rules.yml.
3. PromQL over Prometheus's HTTP API answers what the history holds:
   nktrace_last_run_ok 0 after the failed cycle, nktrace_runs_total by
   status (8 ok, 1 failed), nktrace_events_total{kind="prefix_moved"} 1,
   the carrier of 175.45.178.0/24, nktrace_build_info; the alert
   NktraceLastCycleFailed is pending.
4. Every metric the Grafana dashboard (tools/grafana/nktrace.json) and the
   alert rules query is one Prometheus has from nktrace.
5. promtool test rules: the alerts fire when they should, not otherwise.
"""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

SRC = os.environ.get("NKT_SOURCE_ROOT", os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))))
BUILD = os.environ.get("NKT_BUILD_DIR", os.path.join(SRC, "build"))
NKTRACE = os.environ.get("NKT_NKTRACE") or os.path.join(BUILD, "nktrace")
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "import"))
from checks import check, done  # noqa: E402
import atlasgen  # noqa: E402

PROM = shutil.which("prometheus")
NODE = shutil.which("prometheus-node-exporter")
PROMTOOL = shutil.which("promtool")
if not (PROM and NODE and PROMTOOL):
    print("SKIP: needs Debian's prometheus and prometheus-node-exporter "
          "(tools/deps installs them)")
    sys.exit(77)

tmp = tempfile.mkdtemp(prefix="nkt-prom-")
textdir = os.path.join(tmp, "textfile")
os.makedirs(textdir)
# run --atlas drops root (to nobody here): its history and its textfile
# directory are nobody's, as a service's are
os.chmod(tmp, 0o755)
os.chown(tmp, 65534, 65534)
os.chown(textdir, 65534, 65534)
DB = os.path.join(tmp, "history.db")
RULES = os.path.join(SRC, "tools", "prometheus", "nktrace.rules.yml")
procs = []


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def start(args, name):
    log = open(os.path.join(tmp, name + ".log"), "w")
    p = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)
    procs.append(p)
    return p


def stop_all():
    for p in procs:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


def get(url):
    with urllib.request.urlopen(url, timeout=10) as r:
        return json.loads(r.read())


def query(port, q):
    out = get("http://127.0.0.1:%d/api/v1/query?%s" % (
        port, urllib.parse.urlencode({"query": q})))
    return out["data"]["result"]


try:
    # 1. The history, and a failed cycle writing the metrics itself.
    t0 = int(time.time())
    t0 -= t0 % 900 + 3 * 3600
    move = os.path.join(tmp, "move.ndjson")
    # and eight more hosts over China Unicom in the last round, so that
    # its median has an interval (one or two hosts give none) and the
    # dashboard's band metrics have values
    import random
    rnd = random.Random(5)
    more = [atlasgen.result(rnd, 3000 + k, "175.45.176.%d" % (20 + h),
                            atlasgen.CU, 55.0 + h, t0 + 7 * 900 + 60 + k)
            for h in range(8) for k in range(3)]
    atlasgen.write(move, atlasgen.move(t0) + more)
    p = subprocess.run([NKTRACE, "import", "--quiet", "--db", DB, move],
                       capture_output=True, text=True, timeout=120)
    check(p.returncode == 0, "8 cycles backfilled", 0, p.stderr[-300:])
    for f in os.listdir(tmp):
        if f.startswith("history.db"):
            os.chown(os.path.join(tmp, f), 65534, 65534)
    port_file = os.path.join(tmp, "atlas.port")
    start([sys.executable, os.path.join(os.path.dirname(HERE), "import",
                                        "atlas_server.py"),
           "--port-file", port_file, "--log", os.path.join(tmp, "api.log"),
           "--data", "99001=" + move, "--key", "right"], "api")
    for _ in range(100):
        if os.path.exists(port_file):
            break
        time.sleep(0.05)
    prom_file = os.path.join(textdir, "nktrace.prom")
    env = dict(os.environ, NKTRACE_ATLAS_KEY="wrong")
    p = subprocess.run([NKTRACE, "run", "--db", DB, "--atlas", "99001",
                        "--atlas-url", "http://127.0.0.1:" +
                        open(port_file).read().strip(),
                        "--report-prom", prom_file, "--report-since", "all"],
                       capture_output=True, text=True, timeout=120, env=env)
    text = open(prom_file).read() if os.path.exists(prom_file) else ""
    check(p.returncode == 1 and "nktrace_last_run_ok 0\n" in text,
          "a failed cycle: exit 1, and the run itself wrote "
          "nktrace_last_run_ok 0 into the textfile directory", 0,
          (p.returncode, p.stderr[-200:], text[:200]))

    # 2. node_exporter and Prometheus on loopback.
    nport, pport = free_port(), free_port()
    start([NODE, "--web.listen-address=127.0.0.1:%d" % nport,
           "--collector.disable-defaults", "--collector.textfile",
           "--collector.textfile.directory=" + textdir], "node_exporter")
    conf = os.path.join(tmp, "prometheus.yml")
    with open(conf, "w") as f:
        f.write("global:\n  scrape_interval: 1s\n"
                "  evaluation_interval: 1s\n"
                "rule_files:\n  - %s\n"
                "scrape_configs:\n  - job_name: nktrace\n"
                "    static_configs:\n"
                "      - targets: ['127.0.0.1:%d']\n" % (RULES, nport))
    start([PROM, "--config.file=" + conf,
           "--storage.tsdb.path=" + os.path.join(tmp, "tsdb"),
           "--web.listen-address=127.0.0.1:%d" % pport], "prometheus")
    up = []
    for _ in range(120):
        try:
            up = query(pport, "nktrace_last_run_ok")
            if up:
                break
        except OSError:
            pass
        time.sleep(0.5)
    check(bool(up), "Prometheus scraped nktrace's metrics from "
          "node_exporter's textfile collector", "a sample",
          open(os.path.join(tmp, "prometheus.log")).read()[-300:])

    # 3. PromQL answers.
    def value(q):
        r = query(pport, q)
        return [(x["metric"], float(x["value"][1])) for x in r]

    check([v for _, v in value("nktrace_last_run_ok")] == [0.0],
          "nktrace_last_run_ok = 0: the failed cycle shows", [0.0],
          value("nktrace_last_run_ok"))
    runs = {m["status"]: v for m, v in value("nktrace_runs_total")}
    check(runs == {"ok": 8.0, "failed": 1.0, "interrupted": 0.0},
          "nktrace_runs_total by status: 8 ok, 1 failed (a counter)",
          {"ok": 8, "failed": 1, "interrupted": 0}, runs)
    moved = value('nktrace_events_total{kind="prefix_moved"}')
    check([v for _, v in moved] == [1.0],
          "nktrace_events_total{kind=\"prefix_moved\"} = 1", [1.0], moved)
    carrier = value('nktrace_prefix_carrier{prefix="175.45.178.0/24"}')
    check(sorted((m.get("transit"), v) for m, v in carrier) ==
          [("China Unicom", 1.0), ("TTK", 0.0)],
          "175.45.178.0/24 carried by China Unicom in the latest cycle, "
          "TTK's series 0 (not gone)",
          [("China Unicom", 1.0), ("TTK", 0.0)], carrier)
    info = value("nktrace_build_info")
    check(len(info) == 1 and info[0][0].get("version"),
          "nktrace_build_info{version=\"%s\"}" % (
              info[0][0].get("version") if info else "?"), 1, info)
    alerts = {}
    for _ in range(60):  # the rules are evaluated every second
        rules = get("http://127.0.0.1:%d/api/v1/rules" % pport)
        alerts = {r["name"]: r.get("state")
                  for g in rules["data"]["groups"] for r in g["rules"]}
        if alerts.get("NktraceLastCycleFailed") == "pending":
            break
        time.sleep(0.5)
    in_file = open(RULES).read().count("- alert: ")
    check(alerts.get("NktraceLastCycleFailed") == "pending" and
          len(alerts) == in_file and in_file >= 7,
          "the %d alert rules of the file loaded; NktraceLastCycleFailed "
          "pending (for: 20m)" % in_file, "pending", alerts)

    # 4. The dashboard's and the rules' metrics exist.
    names = set(get("http://127.0.0.1:%d/api/v1/label/__name__/values" %
                    pport)["data"])
    dash = json.load(open(os.path.join(SRC, "tools", "grafana",
                                       "nktrace.json")))
    exprs = [t["expr"] for pnl in dash["panels"] for t in pnl["targets"]]
    exprs += re.findall(r"expr: (.*)", open(RULES).read())
    used = {m for e in exprs for m in re.findall(r"nktrace_[a-z0-9_]+", e)}
    missing = sorted(used - names)
    check(len(dash["panels"]) >= 8 and not missing,
          "every metric the dashboard (%d panels) and the alert rules use "
          "is one Prometheus has from nktrace (%d metrics)" % (
              len(dash["panels"]), len(used)), [], missing)
finally:
    stop_all()

# 5. The alert rules' own tests.
p = subprocess.run([PROMTOOL, "test", "rules", os.path.join(
    HERE, "nktrace.rules.test.yml")], capture_output=True, text=True,
    timeout=120)
check(p.returncode == 0 and "SUCCESS" in p.stdout,
      "promtool test rules: each alert fires when it should, not otherwise",
      0, (p.returncode, p.stdout[-300:], p.stderr[-300:]))
shutil.rmtree(tmp, ignore_errors=True)
done()
