#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""nktrace bgp: the MRT reader against Debian's bgpdump, and the control
plane of NK's prefixes.

1. Real RIPE RIS files (tests/data/bgp: a TABLE_DUMP v1 RIB of 2002, a
   TABLE_DUMP_V2 IPv6 RIB with ADD-PATH, BGP4MP updates of 2002 and 2007):
   every line of `nktrace bgp --records --all` (time, A/B/W or STATE,
   peer, peer AS, prefix, path id, AS path) equals the same fields of
   `bgpdump -m` run here, and of the output bgpdump's authors ship beside
   each file.  The one difference, checked: an NLRI with bits set past its
   length, which nktrace masks (RFC 4271; bgpdump's later releases too)
   and Debian's bgpdump 1.6.2 prints as it is.
2. Records this test writes (mrtgen.py, an independent writer) in every
   form: 4-byte ASNs, AS_SET, confederations, AS4_PATH merged into a
   2-byte AS_PATH (and ignored when longer), IPv6 MP_REACH/MP_UNREACH,
   BGP4MP_ET, ADD-PATH updates and RIBs, TABLE_DUMP v1 IPv6, state
   changes, KEEPALIVE, multicast: equal to bgpdump -m.
3. The same lines from the file gzip-, bzip2- and xz-compressed, and from
   standard input.
4. Damaged records, each between two good ones: what nktrace skips (with
   FILE:OFFSET and why, exit 1, the good records kept) and what it does
   not read, beside what bgpdump does with the same record; a length that
   runs past the end of the file stops it (FILE:OFFSET), the records
   before it kept.
5. The seed's story (a RIB dump, then TTK appears as an upstream of one
   /24, a more-specific via TTK, a session down, a /24 withdrawn): the
   text and the JSON name the transits with their peer shares and raise
   exactly the events of the change; without the RIB dump no change is
   called.
"""
import bz2
import gzip
import json
import lzma
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile

SRC = os.environ.get("NKT_SOURCE_ROOT", os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))))
BUILD = os.environ.get("NKT_BUILD_DIR", os.path.join(SRC, "build"))
NKTRACE = os.environ.get("NKT_NKTRACE") or os.path.join(BUILD, "nktrace")
HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(SRC, "tests", "data", "bgp")
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)
from checks import check, done  # noqa: E402
import mrtgen  # noqa: E402

tmp = tempfile.mkdtemp(prefix="nkt-bgp-")


def nk(*args, stdin=None):
    return subprocess.run([NKTRACE, "bgp"] + list(args), input=stdin,
                          capture_output=True, timeout=600)


def bgpdump_fields(lines):
    """bgpdump -m's lines cut to the fields nktrace --records prints."""
    out = []
    for line in lines:
        f = line.split("|")
        if len(f) < 3:
            continue
        if f[2] == "STATE":
            out.append("|".join(f[:7]))
        elif f[2] == "W":
            out.append("|".join(f[:7] if f[0].endswith("_AP") else f[:6]))
        elif f[0].endswith("_AP"):
            out.append("|".join(f[:8]))
        else:
            out.append("|".join(f[:7]))
    return out


def bgpdump(path):
    """(lines cut, stderr) of Debian's bgpdump -v -m on path."""
    p = subprocess.run(["bgpdump", "-v", "-m", path], capture_output=True,
                       text=True, timeout=600)
    err = [l for l in p.stderr.splitlines() if "logging to" not in l]
    return bgpdump_fields(p.stdout.splitlines()), err


def records(path, *extra):
    p = nk("--records", "--all", *extra, path)
    return p, p.stdout.decode().splitlines()


# 1. Real RIS files.
REAL = ["bview.20020722.2337.gz", "bview.ipv6_unicast_add_path.gz",
        "updates.20020722.2238.gz", "updates.20070211.0141.gz"]
for name in REAL:
    path = os.path.join(DATA, name)
    p, ours = records(path)
    theirs, _ = bgpdump(path)
    with gzip.open(path + ".bgpdump-expected.gz", "rt") as f:
        shipped = bgpdump_fields(f.read().splitlines())
    first_diff = next((i for i, (a, b) in enumerate(zip(ours, theirs))
                       if a != b), None)
    check(p.returncode == 0 and ours == theirs and len(ours) > 0,
          "%s: nktrace's %d lines equal bgpdump -m's" % (name, len(ours)),
          len(theirs), (p.returncode, len(ours), first_diff,
                        first_diff is not None and
                        (ours[first_diff], theirs[first_diff])))
    check(ours == shipped, "%s: and the output bgpdump's authors ship "
          "with it" % name, len(shipped), len(ours))
path = os.path.join(DATA, "updates.nlri_mask_trailing_bits.gz")
p, ours = records(path)
theirs, _ = bgpdump(path)
check(p.returncode == 0 and len(ours) == len(theirs) == 1 and
      ours[0].endswith("|11.8.0.0/13|7018 3549 12389 48275 51044") and
      theirs[0].endswith("|11.13.0.0/13|7018 3549 12389 48275 51044") and
      ours[0].split("|")[:5] == theirs[0].split("|")[:5],
      "an NLRI with bits past its /13: nktrace masks it (11.8.0.0/13), "
      "Debian's bgpdump 1.6.2 prints the bytes (11.13.0.0/13): the one "
      "difference", "11.8.0.0/13 vs 11.13.0.0/13", (ours, theirs))
p = nk("--json", path)
s = json.loads(p.stdout or b"{}")
check(s.get("records", {}).get("masked_prefixes") == 1 and
      s["records"].get("truncated_nlri") == 1,
      "and the summary counts it, and the prefix cut short after it",
      (1, 1), s.get("records"))

# 2. Every form, written here.
T0 = 1500000000
upd, rib, v1 = mrtgen.forms(T0)
files = {}
for name, data in (("forms-updates.mrt", upd), ("forms-rib.mrt", rib),
                   ("forms-v1.mrt", v1)):
    files[name] = os.path.join(tmp, name)
    with open(files[name], "wb") as f:
        f.write(data)
    p, ours = records(files[name])
    theirs, err = bgpdump(files[name])
    check(p.returncode == 0 and ours == theirs and ours,
          "%s: nktrace's %d lines equal bgpdump -m's" % (name, len(ours)),
          theirs, ours)
p, ours = records(files["forms-updates.mrt"])
want = {
    "4-byte ASNs and a set": "|10.1.0.0/16|3561 196615 "
                             "{65001,4200000000}",
    "confederations": "|10.3.0.0/24|(65010 65011) 3561 701 [65020,65021]",
    "AS4_PATH merged (RFC 6793)": "|10.4.0.0/22|3561 196615 4200000001 "
                                  "1299",
    "AS4_PATH longer than AS_PATH: ignored": "|10.5.0.0/24|3561 23456",
    "IPv6 MP_REACH": "|2001:db8:3:4::/64|3561 6939 65536",
    "IPv6 MP_UNREACH": "|W|2001:7f8:4::d0c:1|3561|2001:db8:1::/48",
    "BGP4MP_ET's microseconds": "BGP4MP_ET|1500000007.123456|A|",
    "ADD-PATH": "BGP4MP_AP|1500000008|A|195.66.224.39|3561|10.7.0.0/24|2|",
}
for what, frag in want.items():
    check(any(frag in l for l in ours), "%s: %s" % (what, frag), frag,
          [l for l in ours if frag.split("|")[1] in l][:2])

# 3. Compressed, and from standard input.
raw = upd
p0, plain = records(files["forms-updates.mrt"])
for name, comp in (("gzip", gzip.compress), ("bzip2", bz2.compress),
                   ("xz", lzma.compress)):
    path = os.path.join(tmp, "forms." + name)
    with open(path, "wb") as f:
        f.write(comp(raw))
    p, lines = records(path)
    check(p.returncode == 0 and lines == plain,
          "%s: the same %d lines" % (name, len(plain)), len(plain),
          (p.returncode, len(lines)))
p = nk("--records", "--all", "-", stdin=bz2.compress(raw))
check(p.returncode == 0 and p.stdout.decode().splitlines() == plain,
      "bzip2 on standard input: the same lines", len(plain),
      (p.returncode, p.stderr[-200:]))

# 4. Damaged records, each between two good ones.
good = mrtgen.bgp4mp(T0, "195.66.224.39", 3561, mrtgen.bgp_update(
    attributes=mrtgen.attrs([3561, 174]), nlri=["10.1.0.0/16"]))
GOOD = "BGP4MP|1500000000|A|195.66.224.39|3561|10.1.0.0/16|3561 174"


def update_with(attributes=b"", nlri=b"\x10\x0a\x01", withdrawn=b"",
                wlen=None, alen=None):
    body = mrtgen.struct.pack(">H", len(withdrawn) if wlen is None
                              else wlen) + withdrawn + \
        mrtgen.struct.pack(">H", len(attributes) if alen is None
                           else alen) + attributes + nlri
    msg = b"\xff" * 16 + mrtgen.struct.pack(">HB", 19 + len(body), 2) + body
    return mrtgen.header(T0, 16, 4, mrtgen.struct.pack(
        ">IIHH", 3561, 12654, 0, 1) + bytes([195, 66, 224, 39, 193, 0, 4,
                                             28]) + msg)


origin = mrtgen.attr(1, b"\0")
bad_marker = bytearray(good)
bad_marker[12 + 20 + 3] = 0  # the BGP marker starts at 32
# (name, record, nktrace: "skip" or "unread", bgpdump's own doing: its
# lines for the record (after bgpdump_fields) and whether it says
# something)
CASES = [
    ("attributes that run past the UPDATE",
     update_with(origin, alen=200), "skip", [], True),
    ("a BGP message whose marker is not all ones",
     bytes(bad_marker), "skip", [], True),
    ("an attribute that runs past the attributes",
     update_with(origin + bytes([0x40, 2, 40]) +
                 mrtgen.aspath([3561, 174], 4)), "skip",
     ["BGP4MP|1500000000|A|195.66.224.39|3561|10.1.0.0/16|"], True),
    ("an AS_PATH segment of type 9",
     update_with(origin + mrtgen.attr(2, bytes([9, 2]) + mrtgen.struct.pack(
         ">II", 3561, 174))), "skip",
     ["BGP4MP|1500000000|A|195.66.224.39|3561|10.1.0.0/16|! Error !"],
     False),
    ("an AS_PATH segment longer than its attribute",
     update_with(origin + mrtgen.attr(2, bytes([2, 5]) + mrtgen.struct.pack(
         ">II", 3561, 174))), "skip",
     ["BGP4MP|1500000000|A|195.66.224.39|3561|10.1.0.0/16|! Error !"],
     False),
    ("an IPv4 prefix of length 33",
     update_with(origin + mrtgen.attr(2, mrtgen.aspath([3561, 174], 4)),
                 nlri=bytes([33, 10, 1, 2, 3, 4])), "skip",
     ["BGP4MP|1500000000|A|195.66.224.39|3561|10.1.2.3/33|3561 174"],
     False),
    ("withdrawn routes longer than the UPDATE",
     update_with(withdrawn=b"\x10\x0a\x01", wlen=50, nlri=b""), "skip",
     ["BGP4MP|1500000000|W|195.66.224.39|3561|10.1.0.0/16",
      "BGP4MP|1500000000|W|195.66.224.39|3561|0.0.0.0/0",
      "BGP4MP|1500000000|W|195.66.224.39|3561|0.0.0.0/0"], False),
    ("a BGP4MP subtype nobody defined",
     mrtgen.header(T0, 16, 77, b"abcd"), "unread", [], True),
    ("an MRT type nobody defined", mrtgen.header(T0, 99, 0, b"abcd"),
     "unread", [], False),
]
for what, rec, ours_does, theirs_lines, theirs_says in CASES:
    path = os.path.join(tmp, "damaged.mrt")
    with open(path, "wb") as f:
        f.write(good + rec + good)
    p, lines = records(path, "-v")
    err = p.stderr.decode().splitlines()
    theirs, terr = bgpdump(path)
    offset = len(good)
    if ours_does == "skip":
        check(p.returncode == 1 and lines == [GOOD, GOOD] and
              any(("%s:%d: " % (path, offset)) in e and
                  "(record skipped)" in e for e in err),
              "%s: skipped, said as FILE:%d: why, exit 1, the records "
              "around it kept" % (what, offset), "skipped",
              (p.returncode, lines, err))
    else:
        check(p.returncode == 0 and lines == [GOOD, GOOD] and
              any("1 not read" in e for e in err),
              "%s: not read, counted (-v), exit 0" % what, "1 not read",
              (p.returncode, lines, err))
    check(theirs == [GOOD] + theirs_lines + [GOOD] and
          bool(terr) == theirs_says,
          "%s: bgpdump %s%s" % (
              what, "prints %r" % theirs_lines[0] if theirs_lines else
              "prints no line", (" and logs %r" % terr[0][20:70]) if terr
              else ", logging nothing"),
          theirs_lines, (theirs, terr))
# a length that runs past the end of the file
path = os.path.join(tmp, "cut.mrt")
cut = good + good + good[:len(good) - 5]
with open(path, "wb") as f:
    f.write(cut)
p, lines = records(path)
err = p.stderr.decode().splitlines()
check(p.returncode == 1 and lines == [GOOD, GOOD] and len(err) == 1 and
      ("%s:%d: a record of %d bytes runs past the end of the file" % (
          path, 2 * len(good), len(good) - 12)) in err[0],
      "a record cut short at the end of the file: one line with "
      "FILE:OFFSET, exit 1, the two records before it printed",
      "%s:%d" % (path, 2 * len(good)), (p.returncode, lines, err))
theirs, terr = bgpdump(path)
check(theirs == [GOOD, GOOD] and any("incomplete dump record" in e
                                     for e in terr),
      "bgpdump stops there too ('incomplete dump record')", [GOOD, GOOD],
      (theirs, terr))
with open(path, "wb") as f:
    f.write(gzip.compress(good + good)[:-4])  # half its trailer
p, lines = records(path)
err = p.stderr.decode().splitlines()
check(p.returncode == 1 and len(err) == 1 and
      "gzip: unexpected end of file" in err[0] and
      lines == [GOOD, GOOD],
      "a gzip stream cut short: said in one line, the records before it "
      "kept", "gzip: unexpected end of file", (p.returncode, lines, err))
p = nk("--records", "--all", os.path.join(tmp, "none.mrt"))
check(p.returncode == 2 and len(p.stderr.splitlines()) == 1 and
      b"No such file or directory" in p.stderr,
      "a missing file: one line, exit 2", 2, (p.returncode, p.stderr))
for args, said in ((["--prefix", "175.45.176.1/22", "x"], b"--prefix"),
                   (["--all", "x"], b"--all goes with --records"),
                   (["--origin", "AS0", "x"], b"--origin"),
                   ([], b"no MRT file given")):
    p = nk(*args)
    check(p.returncode == 2 and len(p.stderr.splitlines()) == 1 and
          said in p.stderr, "usage: %s: one line, exit 2" % " ".join(args),
          said, (p.returncode, p.stderr))

# 5. The seed's story.
T1 = 1506816000  # 2017-10-01 00:00 UTC
rib_b, upd_b, peers = mrtgen.story(T1)
rib_p, upd_p = os.path.join(tmp, "bview.mrt.gz"), os.path.join(
    tmp, "updates.mrt.bz2")
with open(rib_p, "wb") as f:
    f.write(gzip.compress(rib_b))
with open(upd_p, "wb") as f:
    f.write(bz2.compress(upd_b))
# updates named first: files are read in their first record's time order
p = nk("--json", upd_p, rib_p)
s = json.loads(p.stdout or b"{}")
by = {x["prefix"]: x for x in s.get("prefixes", [])}
check(p.returncode == 0 and [f["path"] for f in s["files"]] ==
      [rib_p, upd_p] and s["baseline"] is True and s["peers"] == 20,
      "the RIB dump is read first, whatever the order given; 20 peers",
      [rib_p, upd_p], (p.returncode, [f["path"] for f in s.get("files",
                                                               [])]))
tr = {t["name"]: t for t in by.get("175.45.178.0/24", {}).get(
    "transits", [])}
check(set(tr) == {"TTK", "China Unicom"} and tr["TTK"]["peers"] == 12 and
      tr["TTK"]["asns"] == [20485] and tr["China Unicom"]["peers"] == 7 and
      sorted(tr["China Unicom"]["asns"]) == [4837, 134544] and
      abs(tr["TTK"]["share"] - 12 / 19) < 1e-9 and
      by["175.45.178.0/24"]["peers"] == 19,
      "175.45.178.0/24: TTK from 12 of the 19 peers still up (63%), China "
      "Unicom (AS4837 and its AS134544 as one transit) from 7",
      "TTK 12, China Unicom 7", tr)
check(tr.get("TTK", {}).get("since") == T1 + 600 and
      tr.get("China Unicom", {}).get("since") == T1 - 86400 * 30,
      "since: TTK from its first announcement, China Unicom from when the "
      "peers learnt it (the RIB's originated time)",
      (T1 + 600, T1 - 86400 * 30),
      (tr.get("TTK", {}).get("since"),
       tr.get("China Unicom", {}).get("since")))
ms = by.get("175.45.179.128/25", {})
check(ms.get("more_specific_of") == "175.45.179.0/24" and
      [t["name"] for t in ms.get("transits", [])] == ["TTK"],
      "175.45.179.128/25: a more-specific of 175.45.179.0/24, via TTK",
      "175.45.179.0/24", ms)
check(by.get("175.45.177.0/24", {}).get("peers") == 0 and
      by["175.45.177.0/24"]["withdrawals"] == 19,
      "175.45.177.0/24: withdrawn by 19 peers, the 20th's session down",
      0, by.get("175.45.177.0/24"))
ev = [(e["kind"], e["prefix"], e["asn"], e["time"])
      for e in s.get("events", [])]
want_ev = [("bgp_new_upstream", "175.45.178.0/24", 20485, T1 + 600),
           ("bgp_announced", "175.45.179.128/25", 131279, T1 + 900),
           ("bgp_more_specific", "175.45.179.128/25", 131279, T1 + 900),
           ("bgp_new_upstream", "175.45.179.128/25", 20485, T1 + 900),
           ("bgp_withdrawn", "175.45.177.0/24", None, T1 + 1500 + 18)]
check(ev == want_ev, "exactly the events of the change, in time order "
      "(peer 0 leaving AS134544 for TTK is no China Unicom gone: "
      "AS4837 still carries it)", want_ev, ev)
msg = [e["message"] for e in s.get("events", [])]
check(any("175.45.178.0/24 is announced via TTK (AS20485), an upstream it "
          "did not have before (12 peers by the end)" == m for m in msg),
      "the seed's event, in words", "TTK (AS20485)", msg[:1])
p = nk(upd_p, rib_p)
text = p.stdout.decode()
check(p.returncode == 0 and
      "via TTK (AS20485)" in text and "12 peers  63.2%" in text and
      "bgp_new_upstream: 175.45.178.0/24 is announced via TTK" in text,
      "the text: transits with peers and share, the events",
      "via TTK (AS20485) ... 12 peers  63.2%", text[-1500:])
p = nk("--json", upd_p)
s2 = json.loads(p.stdout or b"{}")
p = nk(upd_p)
check(s2.get("baseline") is False and s2.get("events") == [] and
      b"no changes called: no RIB dump came before the updates" in
      p.stdout,
      "updates alone: no change called, and the text says why", [],
      (s2.get("events"), p.stdout[-200:]))
p = nk("--prefix", "10.0.0.0/8", "--json", files["forms-updates.mrt"])
s3 = json.loads(p.stdout or b"{}")
check(p.returncode == 0 and sorted(x["prefix"] for x in s3["prefixes"]) ==
      ["10.1.0.0/16", "10.2.0.0/15", "10.3.0.0/24", "10.4.0.0/22",
       "10.5.0.0/24", "10.6.0.0/24", "10.7.0.0/24", "10.8.0.0/24"],
      "--prefix 10.0.0.0/8: those prefixes and no others (multicast "
      "192.12.135.0/24 and NK's /24 are not followed)", 8,
      [x["prefix"] for x in s3.get("prefixes", [])])
p = nk("--records", upd_p)
lines = p.stdout.decode().splitlines()
check(p.returncode == 0 and len(lines) == 15 + 19 and
      all("|175.45.17" in l for l in lines),
      "--records without --all: NK's routes only (15 announcements, 19 "
      "withdrawals; no state change)", 15 + 19, len(lines))

# 6. Into the history, beside the data plane (issue 27, items 3 and 5).
sys.path.insert(0, os.path.join(SRC, "tests", "import"))
import atlasgen  # noqa: E402

db = os.path.join(tmp, "h.db")


def stored_events(kinds=None):
    con = sqlite3.connect(db)
    rows = con.execute("SELECT time, kind, prefix, transit, message FROM "
                       "events ORDER BY time, id").fetchall()
    con.close()
    return [r for r in rows if kinds is None or r[1] in kinds]


p = nk("--db", db, upd_p)
check(p.returncode == 2 and b"--db needs a RIB dump" in p.stderr and
      len(p.stderr.splitlines()) == 1 and not os.path.exists(db),
      "--db with updates alone: one line, exit 2 (updates say nothing of "
      "the routes before them)", 2, (p.returncode, p.stderr))
p = nk("--db", db, upd_p, rib_p)
ev = stored_events()
check(p.returncode == 0 and [(e[0], e[1], e[2]) for e in ev] == [
    (T1 + 600, "bgp_new_upstream", "175.45.178.0/24"),
    (T1 + 900, "bgp_announced", "175.45.179.128/25"),
    (T1 + 900, "bgp_more_specific", "175.45.179.128/25"),
    (T1 + 900, "bgp_new_upstream", "175.45.179.128/25"),
    (T1 + 1518, "bgp_withdrawn", "175.45.177.0/24")] and
    ev[0][3] == "TTK" and b"event bgp_new_upstream: 175.45.178.0/24" in
    p.stdout,
    "bgp --db: the story's events stored at their own times, TTK named "
    "(the seed's event in the history)", 5, (p.returncode, ev))
p = nk("--db", db, rib_p, upd_p)
check(p.returncode == 0 and b"stored already; nothing added" in p.stdout
      and len(stored_events()) == 5,
      "the same files again: nothing added", 5, len(stored_events()))
# The data plane: RIPE Atlas results in which 175.45.178.0/24's packets
# cross RETN (AS9002), an upstream BGP does not show.
atl = os.path.join(tmp, "atlas.ndjson")
atlasgen.write(atl, atlasgen.move(T1 + 3600, cycles=2, probes=20, moved=20,
                                  to=atlasgen.RETN))
p = subprocess.run([NKTRACE, "import", "--db", db, "--bucket", "15m", atl],
                   capture_output=True, timeout=600)
dis = stored_events({"planes_disagree", "planes_agree"})
check(p.returncode == 0 and len(dis) == 1 and
      dis[0][1:3] == ("planes_disagree", "175.45.178.0/24") and
      dis[0][4] == "175.45.178.0/24: BGP via TTK (63% of 19 peers), China "
      "Unicom (37% of 19 peers), packets via AS9002 RETN Limited" and
      b"event planes_disagree" in p.stdout,
      "import --db: BGP via TTK and China Unicom, packets via RETN: "
      "planes_disagree, once (the first cycle's packets went via TTK: "
      "agreement, no event)", "planes_disagree", (p.returncode, dis))
# A later RIB dump: every peer routes 175.45.178.0/24 through AS9002; the
# changes since the last state stored are events, and the planes agree.
T2 = T1 + 86400
recs = [mrtgen.peer_index(T2, peers)]
for seq, pfx in enumerate(mrtgen.NK):
    recs.append(mrtgen.rib(T2, seq, pfx, [
        (i, T2 - 3600, [asn, 3356] + ([9002] if pfx.endswith("178.0/24")
                                      else [mrtgen.CHINA]) +
         [mrtgen.NK_AS], 0) for i, (_, asn) in enumerate(peers)]))
rib2 = os.path.join(tmp, "bview2.mrt")
with open(rib2, "wb") as f:
    f.write(b"".join(recs))
p = nk("--db", db, rib2)
new = [e for e in stored_events() if e[0] >= T2]
kinds = sorted((e[1], e[2], e[3]) for e in new)
check(p.returncode == 0 and kinds == sorted([
    ("bgp_announced", "175.45.177.0/24", None),
    ("bgp_new_upstream", "175.45.178.0/24", "AS9002"),
    ("bgp_upstream_gone", "175.45.178.0/24", "China Unicom"),
    ("bgp_upstream_gone", "175.45.178.0/24", "TTK"),
    ("bgp_withdrawn", "175.45.179.128/25", None),
    ("planes_agree", "175.45.178.0/24", "AS9002")]),
    "a later RIB dump: what changed since the last state stored (AS9002 "
    "new, TTK and China Unicom gone from 175.45.178.0/24, 175.45.177.0/24 "
    "back, the /25 gone), and the planes agree again", 6, kinds)
rep = subprocess.run([NKTRACE, "report", "--db", db, "--since", "all",
                      "--json"], capture_output=True, timeout=600)
r = json.loads(rep.stdout or b"{}")
b = r.get("bgp", {})
check(rep.returncode == 0 and b.get("time") == T2 and
      {(x["prefix"], x["transit"], x["peers"], x["total"])
       for x in b.get("routes", [])} == {
          ("175.45.176.0/24", "China Unicom", 20, 20),
          ("175.45.177.0/24", "China Unicom", 20, 20),
          ("175.45.178.0/24", "AS9002", 20, 20),
          ("175.45.179.0/24", "China Unicom", 20, 20)},
      "report --json: the control plane stored last beside the cycles",
      T2, b)
rep = subprocess.run([NKTRACE, "report", "--db", db, "--since", "all"],
                     capture_output=True, timeout=600)
check(rep.returncode == 0 and b"control plane (BGP) at 2017-10-02" in
      rep.stdout and b"175.45.178.0/24    via AS9002" in rep.stdout,
      "report: the control plane in the text", "control plane (BGP)",
      rep.stdout[-800:])

rep = subprocess.run([NKTRACE, "report", "--db", db, "--since", "all",
                      "--prom", "-"], capture_output=True, timeout=600)
prom = rep.stdout.decode()
check(rep.returncode == 0 and
      'nktrace_bgp_peer_share{prefix="175.45.178.0/24",transit="AS9002"} 1'
      in prom and 'nktrace_events_total{kind="planes_disagree"} 1' in prom
      and 'nktrace_events_total{kind="planes_agree"} 1' in prom and
      'nktrace_events_total{kind="bgp_new_upstream"} 3' in prom,
      "report --prom: each prefix's BGP peer share per transit, and the "
      "planes' and BGP events counted by kind", "nktrace_bgp_peer_share",
      [l for l in prom.splitlines() if "bgp" in l or "planes" in l])

shutil.rmtree(tmp, ignore_errors=True)
done()
