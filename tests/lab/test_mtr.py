#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""`nktrace mtr` in the lab (issue 17, part 3), against the lab's truth and
mtr itself in the same run:
- --report N --json: one hub per hop; the hosts are one of the truth's hop
  lists (silent hops '???'; nktrace mtr keeps one flow, and the lab's
  per-flow diamonds give several paths), Snt is N at every hop, no loss on
  a lossless path; mtr -T on the same target (a flow per probe) shows at
  each hop an address truth gives that hop, and where the two show the
  same host its best RTT agrees with mtr's (within 10% or 2 ms);
- two uplinks (--via twice): one report per transit, each the truth's path
  for that uplink;
- loss: with loss on a TTK link, each hop's Loss% is within four binomial
  standard deviations of the truth's loss for it, and 0 before the link;
- the live view, in a real terminal (tmux): the two transits side by side,
  the round counter advancing between two captures of the screen, Ctrl-C
  ending it with exit status 130 and the table left on the screen;
- bad input: no target, --json without --report, two targets: exit 2."""
import json
import math
import os
import subprocess
import tempfile
import time

from labtest import (LAB, NKTRACE, Lab, alternatives, check, done, need_root,
                     off_path, truth_hops)

need_root()
lab = Lab("tmtr", scale=0.1)
TMP = tempfile.mkdtemp(prefix="nkt-mtr-")
TTK, CHINA = "175.45.177.10", "175.45.176.71"
VIA = ["--via", "china=cn0,10.10.0.1", "--via", "ttk=ttk0,10.20.0.1"]


def mtr_json(args, n=5):
    p = lab.exec("vp", [NKTRACE, "mtr", "-n", "-P", "tcp", "--report",
                        str(n), "-i", "0.5s", "--json"] + args,
                 check=False, timeout=300)
    if p.returncode != 0:
        raise RuntimeError("nktrace mtr %s: %d %s" % (args, p.returncode,
                                                      p.stderr))
    return [json.loads(l)["report"] for l in p.stdout.splitlines()]


def expected_hosts(alt):
    return [a if a else "???" for _, a in truth_hops(alt)]


def followed_alt(path, hosts):
    """The alternative of truth's path whose hosts are `hosts`, or None."""
    for alt in alternatives(path):
        if expected_hosts(alt) == hosts:
            return alt
    return None


def shown(path):
    return [expected_hosts(a) for a in alternatives(path)]


# 1. One uplink, against the truth and mtr.
truth = lab.truth([TTK])["targets"][0]["paths"][0]
rep = mtr_json([TTK], n=5)[0]
hosts = [h["host"] for h in rep["hubs"]]
check(followed_alt(truth, hosts) is not None,
      "mtr --report: one of the truth's %d paths" % len(alternatives(truth)),
      shown(truth), hosts)
check(all(h["Snt"] == 5 for h in rep["hubs"]) and rep["mtr"]["tests"] == 5,
      "Snt is 5 at every hop after 5 rounds", 5,
      [h["Snt"] for h in rep["hubs"]])
check(all(h["Loss%"] == 0.0 for h in rep["hubs"] if h["host"] != "???") and
      all(h["Loss%"] == 100.0 for h in rep["hubs"] if h["host"] == "???"),
      "no loss on the lossless path; silent hops 100%", 0,
      [(h["host"], h["Loss%"]) for h in rep["hubs"]])


def peer_hubs():
    """{count: hub} of mtr -T's 5-round report on TTK."""
    return {h["count"]: h for h in json.loads(lab.exec(
        "vp", ["mtr", "-n", "-T", "-P", "80", "-r", "-c", "5", "-i", "0.5",
               "-j", TTK]).stdout)["report"]["hubs"]}


ours = {h["count"]: h for h in rep["hubs"]}
peer = peer_hubs()
off = off_path(truth, [(k, None if h["host"] == "???" else h["host"])
                       for k, h in peer.items()])
check(not off and set(peer) >= set(ours) - {max(ours)},
      "mtr -T in the same lab: at every hop an address truth gives it",
      [], off)
# The best RTT of each hop, not the average: the two tools run one after
# the other, and a busy machine slows the lab's emulated links for one
# of them (CI saw a 3.5 ms gap between the averages of the destination);
# load only ever adds delay, so the minimum of 5 is what both measured.
# A slow spell can still outlast one tool's 5 rounds (CI once saw every
# probe of one hop 2.6 ms late in nktrace's run): then both run again,
# 5 s later, up to 3 times, every attempt printed.
def best_gap(ours, peer):
    far = [(k, ours[k]["Best"], peer[k]["Best"]) for k in ours
           if k in peer and ours[k]["host"] != "???" and
           ours[k]["host"] == peer[k]["host"] and
           abs(ours[k]["Best"] - peer[k]["Best"]) >
           max(0.10 * peer[k]["Best"], 2.0)]
    both = [k for k in ours if k in peer and ours[k]["host"] != "???" and
            ours[k]["host"] == peer[k]["host"]]
    return far, both


far, both_saw = best_gap(ours, peer)
for attempt in range(2, 4):
    if not far:
        break
    print("     attempt %d: hops whose best RTTs differ (hop, ours, mtr's): "
          "%s; again in 5 s" % (attempt - 1, far))
    time.sleep(5)
    ours = {h["count"]: h for h in mtr_json([TTK], n=5)[0]["hubs"]}
    peer = peer_hubs()
    far, both_saw = best_gap(ours, peer)
check(not far and len(both_saw) >= 3, "each of the %d hops where both show "
      "one host: its best RTT agrees with mtr's (10%% or 2 ms), in one of "
      "3 attempts" % len(both_saw), [], far)

# 2. Two uplinks: one report per transit, each the truth's path over it.
reps = mtr_json(VIA + [CHINA], n=3)
for rep, via in zip(reps, ("china", "ttk")):
    path = lab.truth([CHINA], via=via)["targets"][0]["paths"][0]
    hosts = [h["host"] for h in rep["hubs"]]
    check(rep["mtr"]["transit"] == via and
          followed_alt(path, hosts) is not None,
          "--via %s: its report follows one of the truth's paths over it" %
          via, (via, shown(path)), (rep["mtr"]["transit"], hosts))
    last = rep["hubs"][-1] if rep["hubs"] else {}
    alt = followed_alt(path, hosts)
    check(alt is not None and last.get("host") == CHINA and
          last.get("Loss%") == 0.0 and last.get("count") == len(alt),
          "--via %s over TCP: the destination answers every round at the "
          "truth's hop (each uplink its own flow, not one TCP connection "
          "for two)" % via, (CHINA, 0.0, len(alt) if alt else None),
          (last.get("host"), last.get("Loss%"), last.get("count")))
    want = {"china": "China Unicom", "ttk": "TTK"}[via]
    check(rep["mtr"].get("carrier") == want,
          "--via %s: the transit its paths are attributed to is %s" % (
              via, want), want, rep["mtr"].get("carrier"))
check(len(reps) == 2, "two uplinks: two reports", 2, len(reps))

# 3. Loss on a TTK link: Loss% per hop against the truth's.
LINK = "ttkvvo-ttkpos"
lab.link(LINK, "--loss", "0.2")
try:
    N = 60
    rep = mtr_json([TTK], n=N)[0]
    path = lab.truth([TTK])["targets"][0]["paths"][0]
finally:
    lab.link(LINK, "--loss", "0")
bad = []
alt = followed_alt(path, [h["host"] if h["Loss%"] < 100 else "???"
                          for h in rep["hubs"]]) or path["hops"]
for h, t in zip(rep["hubs"], alt):
    if h["host"] == "???":
        continue
    p = t["loss"]
    sd = math.sqrt(max(p * (1 - p), 1e-9) / N) * 100
    if abs(h["Loss%"] - p * 100) > 4 * sd + 1e-9:
        bad.append((h["count"], h["Loss%"], round(p * 100, 1)))
check(not bad and any(t["loss"] > 0 for t in alt),
      "with 20%% loss on %s: every hop's Loss%% within 4 sd of the truth's "
      "(%d rounds)" % (LINK, N), [], bad)

# 4. The live view in a terminal.
SESSION = "nktrace-mtr-test-%d" % os.getpid()
status = os.path.join(TMP, "status")
cmd = ("%s exec --name %s vp %s mtr -n -P tcp -i 0.5s %s %s; "
       "echo $? > %s; sleep 60") % (LAB, lab.name, NKTRACE, " ".join(VIA),
                                    CHINA, status)
subprocess.run(["tmux", "new-session", "-d", "-s", SESSION, "-x", "190",
                "-y", "40", cmd], check=True)
try:
    def screen():
        return subprocess.run(["tmux", "capture-pane", "-p", "-t", SESSION],
                              capture_output=True, text=True).stdout

    def round_of(s):
        for l in s.splitlines():
            if l.startswith("nktrace mtr to") and ", round " in l:
                return int(l.split(", round ")[1].split(",")[0].split()[0])
        return 0
    deadline = time.time() + 30
    s1 = screen()
    while round_of(s1) < 2 and time.time() < deadline:
        time.sleep(0.3)
        s1 = screen()
    time.sleep(2)
    s2 = screen()
    subprocess.run(["tmux", "send-keys", "-t", SESSION, "C-c"], check=True)
    deadline = time.time() + 20
    while not os.path.exists(status) and time.time() < deadline:
        time.sleep(0.2)
    s3 = screen()
finally:
    subprocess.run(["tmux", "kill-session", "-t", SESSION], check=False)
print("     the live view (tmux, 190x40):")
for l in s2.rstrip().splitlines():
    print("     | " + l)
lines = s2.splitlines()
both = [l for l in lines if "| " in l and "china (cn0" in l and "ttk (ttk0" in l]
# Each border router's row: the same TTL unless this run's TTK flow takes
# the longer branch of TTK's diamond (then the next one).
border = [i for i, l in enumerate(lines) if "175.45.176.1 " in l]
border5 = [i for i, l in enumerate(lines) if "175.45.176.5 " in l]
check(both and border and border5 and border5[0] - border[0] in (0, 1) and
      all("| " in lines[i] for i in border + border5),
      "the two transits side by side: titles, and each border router in "
      "its column on the same row (or TTK's one lower)", "china | ttk",
      lines[:14])
check(round_of(s2) > round_of(s1) >= 2,
      "the screen updates in place: round %d, then %d" % (round_of(s1),
                                                           round_of(s2)),
      "> %d" % round_of(s1), round_of(s2))
rc = open(status).read().strip() if os.path.exists(status) else None
check(rc == "130" and "175.45.176.1 " in s3,
      "Ctrl-C: exit 130, the table stays on the screen", "130", rc)

# 4b. mtr's keys, at 80x24 (issue 29): both uplinks side by side in the
# brief layout, every line within 80 columns; p pauses (the round stands
# still) and resumes, d changes the layout, ? lists the keys and any key
# returns, r resets the statistics, j shows the jitter columns and back,
# q quits with 0.
SESSION = "nktrace-mtr-keys-%d" % os.getpid()
status2 = os.path.join(TMP, "status-keys")
cmd = ("%s exec --name %s vp %s mtr -n -P tcp -i 0.5s %s %s; "
       "echo $? > %s; sleep 60") % (LAB, lab.name, NKTRACE, " ".join(VIA),
                                    CHINA, status2)
subprocess.run(["tmux", "new-session", "-d", "-s", SESSION, "-x", "80",
                "-y", "24", cmd], check=True)


def keys(k):
    subprocess.run(["tmux", "send-keys", "-t", SESSION, k], check=True)


def wait_for(pred, secs=20):
    deadline = time.time() + secs
    s = screen()
    while not pred(s) and time.time() < deadline:
        time.sleep(0.2)
        s = screen()
    return s


try:
    def screen():
        return subprocess.run(["tmux", "capture-pane", "-p", "-t", SESSION],
                              capture_output=True, text=True).stdout
    k1 = wait_for(lambda s: round_of(s) >= 2)
    keys("p")
    k2 = wait_for(lambda s: "PAUSED" in s)
    time.sleep(2)
    k3 = screen()
    keys("p")
    k4 = wait_for(lambda s: "PAUSED" not in s and
                  round_of(s) > round_of(k3))
    keys("d")
    k5 = wait_for(lambda s: "full layout" in s)
    keys("?")
    k6 = wait_for(lambda s: "keys, as mtr's" in s)
    keys("x")
    k7 = wait_for(lambda s: "keys, as mtr's" not in s)
    keys("r")
    k8 = wait_for(lambda s: 0 < round_of(s) <= 2, 10)
    keys("d")  # full -> narrow
    keys("d")  # -> brief: both uplinks and their header in view
    wait_for(lambda s: "brief layout" in s)
    keys("j")
    k9 = wait_for(lambda s: "Javg" in s and "jitter, brief layout" in s)
    keys("j")
    k10 = wait_for(lambda s: "Javg" not in s)
    keys("q")
    deadline = time.time() + 20
    while not os.path.exists(status2) and time.time() < deadline:
        time.sleep(0.2)
finally:
    subprocess.run(["tmux", "kill-session", "-t", SESSION], check=False)
print("     the live view at 80x24 (tmux):")
for l in k1.rstrip().splitlines():
    print("     | " + l)
print("     after j (jitter), 80x24:")
for l in k9.rstrip().splitlines():
    print("     | " + l)
lines = k1.splitlines()
check(max(len(l) for l in lines) <= 80 and
      any(" | " in l and "china" in l and "ttk" in l for l in lines) and
      "brief layout" in k1 and
      any("175.45.176.1 " in l and " | " in l for l in lines),
      "80x24: both uplinks side by side (brief layout), no line past 80 "
      "columns, the border rows in view", "<= 80", max(len(l) for l in
                                                       lines))
check("PAUSED" in k2 and round_of(k3) == round_of(k2) and
      round_of(k4) > round_of(k3),
      "p pauses (round %d stands still for 2 s) and p resumes (round %d)"
      % (round_of(k3), round_of(k4)), round_of(k3), (round_of(k2),
                                                       round_of(k4)))
check("full layout" in k5 and "keys, as mtr's" in k6 and
      "keys, as mtr's" not in k7,
      "d: the next layout (full, one under the other at 80 columns); ?: "
      "the keys, any key back", "full layout", k5[-200:])
check(round_of(k8) <= 2,
      "r: the statistics start again (round %d)" % round_of(k8), "<= 2",
      round_of(k8))
check("Javg" in k9 and "jitter, brief layout" in k9 and
      " Avg " not in k9 and "Javg" not in k10 and " Avg " in k10,
      "j: mtr's jitter (the brief layout's Javg in place of Avg; the full "
      "layouts' Jttr Javg Jmax Jint in place of Avg Best Wrst StDev), and j "
      "again back", "Javg", k9[-400:])
rc = open(status2).read().strip() if os.path.exists(status2) else None
check(rc == "0", "q: quits, exit 0", "0", rc)

# 5. Bad input.
for args, what in (([], "no target"),
                   (["--json", TTK], "--json without --report"),
                   ([TTK, CHINA], "two targets")):
    p = lab.exec("vp", [NKTRACE, "mtr"] + args, check=False)
    err = p.stderr.strip().splitlines()
    check(p.returncode == 2 and len(err) == 1,
          "mtr with %s: one line, exit 2" % what, 2, (p.returncode, err))
done()
