#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""A stand-in for the RIPE Atlas REST API, on loopback only, for the tests
of `nktrace run --atlas`.

  atlas_server.py --port-file F --log L --data MSM=FILE [...]
                  [--script S] [--key KEY]

Serves GET /api/v2/measurements/MSM/results/?start=S&stop=E&format=json:
the recorded results of FILE (NDJSON or a JSON array) whose timestamp is
in [S, E], as the API does.  FILE is read again for every request, so a
test can add results between cycles.  --script S names a JSON file: a
list of misbehaviours used one per request, in order, before answering
normally ("429": Too Many Requests with Retry-After: 1; "500", "503";
"cut": a Content-Length larger than the body it sends before closing;
"slow": no answer for --slow seconds, 4; "ok"); the file is consumed as it is used.
With --key, a request without "Authorization: Key KEY" gets HTTP 403.
--probes-next self|foreign: the probes endpoint's "next" names the page
itself (a loop) or another origin (127.0.0.2).
Each request is logged to L as one JSON line (path, start, stop, auth,
what was done).  Binds 127.0.0.1 on a free port, written to F.
"""
import argparse
import json
import os
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()


CACHE = {}


def load(path):
    """The results of a file, parsed again only when it changed (the
    tests append to them between runs)."""
    st = os.stat(path)
    key = (st.st_mtime_ns, st.st_size)
    with LOCK:
        if CACHE.get(path, (None,))[0] == key:
            return CACHE[path][1]
    with open(path) as f:
        text = f.read().strip()
    if text.startswith("["):
        res = json.loads(text)
    else:
        res = [json.loads(line) for line in text.splitlines()
               if line.strip()]
    with LOCK:
        CACHE[path] = (key, res)
    return res


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def next_action(self):
        with LOCK:
            if not ARGS.script or not os.path.exists(ARGS.script):
                return "ok"
            with open(ARGS.script) as f:
                todo = json.load(f)
            if not todo:
                return "ok"
            act = todo.pop(0)
            with open(ARGS.script, "w") as f:
                json.dump(todo, f)
            return act

    def log(self, **kw):
        with LOCK, open(ARGS.log, "a") as f:
            f.write(json.dumps(kw) + "\n")

    def send(self, code, body, extra=()):
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        try:
            self.answer()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a "slow" answer): as intended

    def do_POST(self):
        """POST /api/v2/measurements/: a creation request, answered
        with ids (201), or 400 with the API's detail when it has no
        definitions."""
        try:
            n = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(n)
            auth = self.headers.get("Authorization")
            entry = {"path": self.path, "auth": auth,
                     "body": body.decode(errors="replace")}
            if ARGS.key and auth != "Key " + ARGS.key:
                self.log(done="403", **entry)
                self.send(403, b'{"error": {"status": 403}}')
                return
            try:
                req = json.loads(body)
                defs = req["definitions"]
            except (ValueError, KeyError, TypeError):
                defs = []
            if not defs or any(d.get("target") == "0.0.0.0" for d in defs):
                self.log(done="400", **entry)
                self.send(400, b'{"error": {"status": 400, "detail": '
                          b'"Invalid target: 0.0.0.0"}}')
                return
            self.log(done="201", **entry)
            ids = [70000000 + i for i in range(len(defs))]
            if any(d.get("target") == "192.0.2.99" for d in defs):
                ids = ["70000000", -1]  # not ids: the client must refuse
            self.send(201, json.dumps({"measurements": ids}).encode())
        except (BrokenPipeError, ConnectionResetError):
            pass

    def probes(self, q, entry):
        """/api/v2/probes/?id__in=...&page_size=N&page=K: each probe's
        country (by its id: DE, US, JP, RU in turn) and AS, paged with
        "next" as the API does."""
        ids = [int(x) for x in q.get("id__in", [""])[0].split(",") if x]
        size = int(q.get("page_size", ["100"])[0])
        page = int(q.get("page", ["1"])[0])
        chunk = ids[(page - 1) * size:page * size]
        nxt = None
        if ARGS.probes_next == "self":
            nxt = "http://%s:%d%s" % (self.server.server_address[0],
                                      self.server.server_address[1],
                                      self.path)
        elif ARGS.probes_next == "foreign":
            nxt = "http://127.0.0.2:%d/api/v2/probes/?page=2" % (
                self.server.server_address[1])
        elif page * size < len(ids):
            qq = dict((k, v[0]) for k, v in q.items())
            qq["page"] = str(page + 1)
            nxt = "http://%s:%d%s?%s" % (
                self.server.server_address[0],
                self.server.server_address[1], "/api/v2/probes/",
                urllib.parse.urlencode(qq))
        res = [{"id": i, "country_code": ["DE", "US", "JP", "RU"][i % 4],
                "asn_v4": 64500 + i % 7} for i in chunk]
        self.log(done="probes", page=page, n=len(chunk), **entry)
        self.send(200, json.dumps({"count": len(ids), "next": nxt,
                                   "previous": None,
                                   "results": res}).encode())

    def answer(self):
        url = urllib.parse.urlparse(self.path)
        q = urllib.parse.parse_qs(url.query)
        parts = [p for p in url.path.split("/") if p]
        auth = self.headers.get("Authorization")
        start = int(q.get("start", ["0"])[0])
        stop = int(q.get("stop", [str(2 ** 40)])[0])
        entry = {"path": url.path, "start": start, "stop": stop,
                 "auth": auth}
        if parts == ["api", "v2", "probes"]:
            self.probes(q, entry)
            return
        if len(parts) != 5 or parts[:3] != ["api", "v2", "measurements"] \
                or parts[4] != "results" or parts[3] not in DATA:
            self.log(done="404", **entry)
            self.send(404, b'{"error": {"status": 404}}')
            return
        if ARGS.key and auth != "Key " + ARGS.key:
            self.log(done="403", **entry)
            self.send(403, b'{"error": {"status": 403, "detail": '
                      b'"Authentication credentials were not valid"}}')
            return
        act = self.next_action()
        self.log(done=act, **entry)
        if act in ("429", "500", "503"):
            self.send(int(act), b'{"error": {}}', [("Retry-After", "1")])
            return
        if act == "slow":
            time.sleep(ARGS.slow)
        res = [r for r in load(DATA[parts[3]])
               if start <= r.get("timestamp", 0) <= stop]
        body = json.dumps(res).encode()
        if act == "cut":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[:len(body) // 3])
            self.wfile.flush()
            self.close_connection = True
            return
        self.send(200, body)


def main():
    global ARGS, DATA
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--data", action="append", default=[])
    ap.add_argument("--script")
    ap.add_argument("--key")
    ap.add_argument("--slow", type=float, default=4.0,
                    help="seconds a 'slow' answer waits")
    ap.add_argument("--probes-next", choices=("pages", "self", "foreign"),
                    default="pages",
                    help="the probes endpoint's \"next\": the next page, "
                    "the page itself (a loop), or another origin")
    ARGS = ap.parse_args()
    DATA = dict(d.split("=", 1) for d in ARGS.data)
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    tmp = ARGS.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(srv.server_address[1]))
    os.replace(tmp, ARGS.port_file)
    srv.serve_forever()


if __name__ == "__main__":
    main()
