#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Run one libFuzzer target for a bounded time over a corpus seeded from the
test fixtures.  usage: run_fuzz.py FUZZER KIND SECONDS
KIND: reply (frames from tests/data/pcap), replay (those captures whole),
cli, targets, import, jsonstream and record (one record each; the
Atlas and scamper samples of tests/data/import and tests/data/peers),
config (data/transits.json, data/targets.json, a report JSON, a discovery
cache), history (row changes to a history fuzz_history.c makes), tracelb
(scamper tracelb records), infile (plain, gzip, bzip2 and xz whole and
cut, two streams in one, warts), mrt (the RIS files of tests/data/bgp,
their first records, and records of every form tests/bgp/mrtgen.py
writes), atlas (the RIPE Atlas API's answers: statuses, bodies, header
lines, probes pages, URLs), dns (DNS answers: PTR and A messages, names).

Every input of the committed corpus of KIND (tests/fuzz/corpus/KIND, what
tools/fuzz --save kept of its long runs) is added to the seeds: libFuzzer
runs each input it starts with before it mutates any, so CI replays the
whole committed corpus on every run, and one that fails fails the test."""
import glob
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile

SRC = os.environ.get("NKT_SOURCE_ROOT", os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))))
CORPUS = os.path.join(SRC, "tests", "fuzz", "corpus")
DLTS = {1: 0, 113: 1, 276: 2, 12: 3, 101: 3, 0: 4, 108: 5, 9: 6, 228: 7}


def pcap_frames(path):
    with open(path, "rb") as f:
        d = f.read()
    e = "<" if d[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    dlt = struct.unpack(e + "I", d[20:24])[0] & 0xffff
    off = 24
    while off + 16 <= len(d):
        cap = struct.unpack(e + "I", d[off + 8:off + 12])[0]
        yield DLTS.get(dlt, 0), d[off + 16:off + 16 + cap]
        off += 16 + cap


def seeds(kind, out):
    n = 0
    if kind == "reply":
        for p in glob.glob(os.path.join(SRC, "tests/data/pcap/*.pcap")):
            for sel, frame in pcap_frames(p):
                n += 1
                with open(os.path.join(out, "s%04d" % n), "wb") as f:
                    f.write(bytes([sel]) + frame)
    elif kind == "replay":
        # every capture whole: (selector, length, frame) records
        for p in glob.glob(os.path.join(SRC, "tests/data/pcap/*.pcap")):
            recs = b"".join(bytes([sel]) + struct.pack(">H", len(fr)) + fr
                            for sel, fr in pcap_frames(p))
            for cut in (recs, recs[:4096]):
                n += 1
                with open(os.path.join(out, "s%04d" % n), "wb") as f:
                    f.write(cut)
    elif kind == "cli":
        # The first byte picks the command (fuzz_cli.c): 0 trace, 1
        # compare, 2 run, 3 import, 4 lookup, 5 replay, 6 report, 7 sweep,
        # 8 atlas, 9 the --since parser.
        for sel, args in (
                (0, ["-P", "tcp", "-p", "443", "175.45.176.0/24"]),
                (0, ["-q", "1", "-w", "500ms", "-f", "5", "1.2.3.4"]),
                (0, ["--via", "ttk0,10.20.0.1", "--json", "-"]),
                (0, ["--dry-run", "--pcap-out", "x", "--seed", "9", "::"]),
                (1, ["--targets", "175.45.176.0/24", "--methods",
                     "tcp:80,icmp", "--via", "ttk=ttk0,10.20.0.1"]),
                (2, ["--db", "h.db", "--every", "15m", "--keep", "90d"]),
                (3, ["--format", "atlas", "--ci", "0.9", "a.json"]),
                (4, ["--json", "-f", "a.txt", "175.45.176.71"]),
                (5, ["--json", "-o", "x", "a.pcap"]),
                (6, ["--db", "h.db", "--since", "7d", "--summary", "3"]),
                (7, ["-m", "8", "--rate", "5000", "198.18.0.0/24"]),
                (2, ["--db", "h.db", "--atlas", "5004,1", "--bucket", "1h"]),
                (3, ["--db", "h.db", "--bucket", "15m", "a.json"]),
                (8, ["create", "--dry-run", "--protocols", "tcp80,icmp",
                     "--country", "DE", "175.45.176.71"]),
                (9, ["2026-11-27T10:00:00Z"])):
            n += 1
            with open(os.path.join(out, "s%04d" % n), "wb") as f:
                f.write(bytes([sel]) + b"\0".join(a.encode() for a in args))
    elif kind == "targets":
        for text in ("175.45.176.71\n# c\n175.45.176.0/30\n",
                     "  10.0.0.1 # x\r\n\n1.2.3.0/24\n"):
            n += 1
            with open(os.path.join(out, "s%04d" % n), "w") as f:
                f.write(text)
    elif kind in ("import", "jsonstream"):
        # (M-Lab's wrapped form and ICMP extensions: realdata's .jsonl)
        for p in sorted(glob.glob(os.path.join(SRC, "tests/data/import/*.json"))
                        + glob.glob(os.path.join(SRC,
                                                 "tests/data/peers/scamper_*"))
                        + glob.glob(os.path.join(SRC, "tests/data/import/"
                                                      "realdata/*.jsonl"))):
            with open(p, "rb") as f:
                data = f.read()
            # Whole small files; big arrays cut to their first records.
            n += 1
            with open(os.path.join(out, "s%04d" % n), "wb") as f:
                f.write(data[:16384])
    elif kind == "record":
        # One record a seed: each line or array element of the samples
        # (M-Lab's wrapped form and ICMP extensions among them), the
        # first 40 of each file.
        for p in sorted(glob.glob(os.path.join(SRC, "tests/data/import/*.json"))
                        + glob.glob(os.path.join(SRC,
                                                 "tests/data/peers/scamper_*"))
                        + glob.glob(os.path.join(SRC, "tests/data/import/"
                                                      "realdata/*.*json*"))):
            if p.endswith(".gz"):
                continue
            with open(p, "rb") as f:
                text = f.read()
            try:
                whole = json.loads(text)
                recs = whole if isinstance(whole, list) else [whole]
            except ValueError:
                recs = []
                for line in text.splitlines()[:40]:
                    try:
                        recs.append(json.loads(line))
                    except ValueError:
                        pass
            for r in recs[:40]:
                b = json.dumps(r, separators=(",", ":")).encode()
                if len(b) <= 16384:
                    n += 1
                    with open(os.path.join(out, "s%04d" % n), "wb") as f:
                        f.write(b)
    elif kind == "atlas":
        # What the RIPE Atlas API answers: the first byte chooses status
        # (low 4 bits: 200 201 204 301 400 401 403 404 429 500 503 ...),
        # POST (bit 4), array wanted (bit 5), a key sent (bit 6).
        atlas = sorted(glob.glob(os.path.join(SRC, "tests/data/import/"
                                                   "*.json")))[:3]
        bodies = [(0x20, open(p, "rb").read()[:8192]) for p in atlas] + [
            (0x11, b'{"measurements": [1001, 1002]}'),
            (0x11, b'{"measurements": [0, "x", -3]}'),
            (0x00, b'{"next": "https://atlas.ripe.net/api/v2/probes/'
                   b'?page=2", "results": [{"id": 6001, "country_code": '
                   b'"DE", "asn_v4": 3320}, {"id": "x"}]}'),
            (0x14, b'{"error": {"detail": "bad\x1b[31m value\n"}}'),
            (0x08, b"Retry-After: 30\r\n"),
            (0x08, b"retry-after:\t7"),
            (0x09, b"Retry-After: Wed, 21 Oct 2026 07:28:00 GMT\r\n"),
            (0x20, b"[]"),
            (0x20, b" [ \n ] "),
            (0x00, b"https://user@Atlas.RIPE.net:443/api\x00"
                   b"https://atlas.ripe.net/api/v2/probes/?page=3"),
            (0x00, b"http://127.0.0.1:8080/x\x00http://127.0.0.1/x"),
        ]
        for sel, body in bodies:
            n += 1
            with open(os.path.join(out, "s%04d" % n), "wb") as f:
                f.write(bytes([sel]) + body)
    elif kind == "dns":
        # DNS answers: a PTR for 175.45.176.71, an A for kcna.kp (the
        # second with a compressed name), a PTR name with a terminal
        # escape in it, and plain names.
        def name(n):
            return b"".join(bytes([len(p)]) + p for p in n.split(b".")) + \
                b"\x00"

        def answer(qname, qtype, rdata):
            head = struct.pack(">HHHHHH", 0x1234, 0x8180, 1, 1, 0, 0)
            q = name(qname) + struct.pack(">HH", qtype, 1)
            rr = b"\xc0\x0c" + struct.pack(">HHIH", qtype, 1, 300,
                                             len(rdata)) + rdata
            return head + q + rr
        ptr = b"71.176.45.175.in-addr.arpa"
        for body in (answer(ptr, 12, name(b"kcna.kp")),
                     answer(b"kcna.kp", 1, bytes([175, 45, 176, 71])),
                     answer(ptr, 12, name(b"a\x1b[31m.example")),
                     answer(ptr, 12, b"\x03www\xc0\x0c"),
                     b"kcna.kp", b"175.45.176.71", b"x" * 254):
            n += 1
            with open(os.path.join(out, "s%04d" % n), "wb") as f:
                f.write(body)
    elif kind == "config":
        report = os.path.join(SRC, "tests/unit/test_report.c")
        seeds_ = [(0, os.path.join(SRC, "data/transits.json")),
                  (1, os.path.join(SRC, "data/targets.json"))]
        for sel, p in seeds_:
            n += 1
            with open(p, "rb") as f, \
                    open(os.path.join(out, "s%04d" % n), "wb") as o:
                o.write(bytes([sel]) + f.read())
        # A report: the unit test's fixture, unescaped from its C string.
        src = open(report).read()
        start = src.index("report_json[] =") + len("report_json[] =")
        body = src[start:src.index(";", start)]
        text = "".join(part.encode().decode("unicode_escape")
                       for part in __import__("re").findall(
                           r'"((?:[^"\\]|\\.)*)"', body))
        n += 1
        with open(os.path.join(out, "s%04d" % n), "wb") as o:
            o.write(bytes([3]) + text.encode())
        # compare's discovery cache
        n += 1
        with open(os.path.join(out, "s%04d" % n), "wb") as o:
            o.write(bytes([2]) + b'{"type":"nktrace-discovery","version":1,'
                    b'"time":1765000000,"space":"175.45.176.0/22",'
                    b'"per_prefix":16,"hosts":["175.45.176.1",'
                    b'"175.45.177.163","175.45.178.254"]}')
    elif kind == "tracelb":
        # scamper tracelb records (one JSON object each)
        import json as _json
        for p in sorted(glob.glob(os.path.join(SRC, "tests/data/peers",
                                               "scamper_*tracelb*.json")) +
                        glob.glob(os.path.join(SRC, "tests/data/import",
                                               "scamper_*tracelb*.json"))):
            with open(p) as f:
                text = f.read()
            for line in text.splitlines():
                try:
                    rec = _json.loads(line)
                except ValueError:
                    continue
                if rec.get("type") == "tracelb":
                    n += 1
                    with open(os.path.join(out, "s%04d" % n), "w") as o:
                        o.write(line)
    elif kind == "infile":
        # plain; gzip, bzip2, xz whole, cut, and two streams in one; warts
        import bz2
        import gzip
        import lzma
        sample = os.path.join(SRC, "tests/data/import",
                              "atlas_sagan__test_traceroute_4460.json")
        data = open(sample, "rb").read()
        blobs = [data, b"\x12\x05\x00\x00" + data]
        for z in (gzip.compress(data), bz2.compress(data),
                  lzma.compress(data)):
            blobs += [z, z[:len(z) // 2], z + z]
        for blob in blobs:
            n += 1
            with open(os.path.join(out, "s%04d" % n), "wb") as o:
                o.write(blob)
    elif kind == "mrt":
        import gzip
        sys.path.insert(0, os.path.join(SRC, "tests", "bgp"))
        import mrtgen
        blobs = list(mrtgen.forms(1500000000))
        blobs += list(mrtgen.story(1506816000, n_peers=4, movers=2)[:2])
        for p in sorted(glob.glob(os.path.join(SRC, "tests/data/bgp/*.gz"))):
            if "expected" in p:
                continue
            with gzip.open(p, "rb") as f:
                blobs.append(f.read(20000))
        for blob in blobs:
            n += 1
            with open(os.path.join(out, "s%04d" % n), "wb") as o:
                o.write(blob)
    elif kind == "history":
        # Row changes (fuzz_history.c): table, column, row, kind, value.
        changes = [
            b"",
            bytes([5, 2, 0, 1]) + struct.pack("<q", -1),      # traces.size
            bytes([0, 10, 1, 1]) + struct.pack("<q", 1 << 62),  # summary_size
            bytes([1, 0, 0, 3, 9]) + b"<b>\x1b[1m\xc3",       # transit name
            bytes([0, 2, 2, 3, 6]) + b"failed",                # runs.status
            bytes([2, 4, 0, 2]) + struct.pack("<d", float("nan")),
            bytes([4, 1, 0, 3, 11]) + b"new_transit",          # event kind
            bytes([5, 3, 1, 4, 4]) + b"\x78\x9c\x03\x00",     # traces.data
            bytes([8, 0, 0, 0]) + bytes([3, 0, 0, 0]),         # NULLs
        ]
        for c in changes:
            n += 1
            with open(os.path.join(out, "s%04d" % n), "wb") as f:
                f.write(c)
    return n


def committed(kind, out):
    """Copy the committed corpus of kind into out (names kept, prefixed
    c-); their number."""
    n = 0
    for p in sorted(glob.glob(os.path.join(CORPUS, kind, "*"))):
        shutil.copyfile(p, os.path.join(out, "c-" + os.path.basename(p)))
        n += 1
    return n


def main():
    fuzzer, kind, secs = sys.argv[1], sys.argv[2], int(sys.argv[3])
    work = tempfile.mkdtemp(prefix="nkt-fuzz-")
    try:
        corpus = os.path.join(work, "corpus")
        os.mkdir(corpus)
        n_seeds = seeds(kind, corpus)
        print("%d seeds, %d inputs of the committed corpus" % (
            n_seeds, committed(kind, corpus)))
        env = dict(os.environ)
        if kind in ("history", "infile") and os.path.isdir("/dev/shm"):
            env["TMPDIR"] = "/dev/shm"  # a history copied per input
        p = subprocess.run([fuzzer, "-max_total_time=%d" % secs,
                            "-print_final_stats=1", "-rss_limit_mb=2048",
                            # one input taking this long is a hang: a failure
                            "-timeout=25",
                            "-artifact_prefix=" + work + "/", corpus],
                           capture_output=True, text=True, env=env)
        tail = [l for l in p.stderr.splitlines()
                if l.startswith(("stat::", "#", "Done", "==", "SUMMARY"))]
        print("\n".join(tail[-14:]))
        crashes = glob.glob(os.path.join(work, "crash-*")) + \
            glob.glob(os.path.join(work, "leak-*")) + \
            glob.glob(os.path.join(work, "timeout-*"))
        for c in crashes:
            keep = os.path.join(os.environ.get("NKT_FUZZ_ARTIFACTS", "."),
                                os.path.basename(c))
            shutil.copy(c, keep)
            print("artifact kept: " + keep)
        sys.exit(1 if p.returncode != 0 or crashes else 0)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
