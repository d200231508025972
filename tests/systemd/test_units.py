#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""tools/systemd: the units parse (systemd-analyze verify, with the binary
path pointed at the build), the service is hardened the way the README says
(only CAP_NET_RAW, ProtectSystem=strict, state in /var/lib/nktrace, the
nktrace system user) and systemd's own exposure score agrees, the timer
fires every 15 minutes, and every option the units pass is one nktrace
accepts."""
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

SRC = os.environ["NKT_SOURCE_ROOT"]
NKTRACE = os.environ.get("NKT_NKTRACE") or os.path.join(
    os.environ["NKT_BUILD_DIR"], "nktrace")
UNITS = os.path.join(SRC, "tools", "systemd")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from checks import check, done  # noqa: E402


if shutil.which("systemd-analyze") is None:
    print("SKIP: systemd-analyze is not installed (apt-get install systemd)")
    sys.exit(77)

tmp = tempfile.mkdtemp(prefix="nkt-units-")
service = open(os.path.join(UNITS, "nktrace.service")).read()
timer = open(os.path.join(UNITS, "nktrace.timer")).read()
for name, text in (("nktrace.service",
                    service.replace("/usr/local/bin/nktrace", NKTRACE)),
                   ("nktrace.timer", timer)):
    with open(os.path.join(tmp, name), "w") as f:
        f.write(text)
p = subprocess.run(["systemd-analyze", "verify",
                    os.path.join(tmp, "nktrace.service"),
                    os.path.join(tmp, "nktrace.timer")],
                   capture_output=True, text=True)
check(p.returncode == 0 and "nktrace" not in p.stderr,
      "systemd-analyze verify accepts both units", got=p.stderr)


def directive(text, key):
    return [m.group(1).strip() for m in
            re.finditer(r"^%s=(.*)$" % re.escape(key), text, re.M)]


want = {
    "User": "nktrace", "Group": "nktrace",
    "AmbientCapabilities": "CAP_NET_RAW",
    "CapabilityBoundingSet": "CAP_NET_RAW",
    "NoNewPrivileges": "yes", "ProtectSystem": "strict",
    "ProtectHome": "yes", "PrivateTmp": "yes", "PrivateDevices": "yes",
    "StateDirectory": "nktrace", "Type": "oneshot",
}
for k, v in want.items():
    check(directive(service, k) == [v], "service: %s=%s" % (k, v),
          got=directive(service, k))
fams = set(directive(service, "RestrictAddressFamilies")[0].split())
check(fams == {"AF_INET", "AF_INET6", "AF_PACKET", "AF_NETLINK",
               "AF_UNIX"}, "service: only the socket families nktrace "
      "uses", got=fams)
check(directive(timer, "OnCalendar") == ["*:0/15"] and
      directive(timer, "Persistent") == ["true"],
      "timer: every 15 minutes, catching up after downtime")
p = subprocess.run(["systemd-analyze",
                    "calendar", "--iterations=3", "*:0/15"],
                   capture_output=True, text=True)
check(p.returncode == 0 and p.stdout.count("Iter.") >= 2,
      "systemd-analyze calendar understands the timer", got=p.stdout)

p = subprocess.run(["systemd-analyze", "security", "--offline=true",
                    os.path.join(tmp, "nktrace.service")],
                   capture_output=True, text=True)
m = re.search(r"Overall exposure level for \S+: ([\d.]+)", p.stdout)
score = float(m.group(1)) if m else 99
print("     systemd exposure score: %s" % score)
check(score <= 2.5, "systemd-analyze security: exposure <= 2.5 (OK)",
      got=score)

# The metrics must say when a cycle failed: the run writes them itself (an
# ExecStartPost= is skipped when ExecStart= fails).
start = " ".join(directive(service, "ExecStart"))
check(not directive(service, "ExecStartPost") and
      "--report-prom /var/lib/nktrace/nktrace.prom" in start,
      "the metrics are written by the run itself after every cycle, ok or "
      "failed (no ExecStartPost, which a failure skips)", "--report-prom",
      start)

# The options the units pass are nktrace's: each command line is parsed
# by nktrace itself with --help appended (which parses, then prints help).
for key in ("ExecStart", "ExecStartPost"):
    for line in directive(service, key):
        argv = shlex.split(line)
        argv[0] = NKTRACE
        opts = [a for a in argv[2:] if a.startswith("--")]
        helptext = subprocess.run([NKTRACE, argv[1], "--help"],
                                  capture_output=True, text=True).stdout
        unknown = [o for o in opts if o not in helptext]
        check(not unknown, "%s: every option is in 'nktrace %s --help'" % (
            key, argv[1]), got=unknown)
sysusers = open(os.path.join(UNITS, "nktrace.sysusers")).read()
check(re.search(r"^u nktrace - .* /var/lib/nktrace", sysusers, re.M)
      is not None, "sysusers.d: the nktrace user, home /var/lib/nktrace")
shutil.rmtree(tmp)
done()
