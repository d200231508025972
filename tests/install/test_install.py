#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""`meson install` gives a tool installed like one (into a DESTDIR):

- the binary, its data (database, targets, transits, reference, every
  schema), the alert rules and the Grafana dashboard;
- man pages: nktrace(1) and one per command, which man(1) renders, each
  command's page listing the options its --help lists;
- bash completion that completes commands and each command's options;
- the systemd units with this install's bindir (not /usr/local/bin when
  the prefix is another), and sysusers.d;
- the installed binary finds its data through NKTRACE_DATA, and says in
  one line when it finds no address database.
"""
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

SRC = os.environ.get("NKT_SOURCE_ROOT", os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))))
BUILD = os.environ.get("NKT_BUILD_DIR", os.path.join(SRC, "build"))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from checks import check, done  # noqa: E402

if not shutil.which("scdoc") or not shutil.which("man"):
    print("SKIP: needs scdoc and man (tools/deps installs them)")
    sys.exit(77)
tmp = tempfile.mkdtemp(prefix="nkt-install-")
p = subprocess.run(["meson", "install", "-C", BUILD, "--no-rebuild",
                    "--destdir", tmp, "--quiet"],
                   capture_output=True, text=True, timeout=300)
check(p.returncode == 0, "meson install into a DESTDIR", 0,
      (p.stdout[-300:], p.stderr[-300:]))
intro = subprocess.run(["meson", "introspect", "--buildoptions", BUILD],
                       capture_output=True, text=True).stdout
prefix = re.search(r'"name": "prefix", "value": "([^"]*)"', intro)
prefix = prefix.group(1) if prefix else "/usr/local"
root = tmp + prefix
share = os.path.join(root, "share", "nktrace")
want = ["bin/nktrace", "share/nktrace/nktrace.mmdb",
        "share/nktrace/targets.json", "share/nktrace/transits.json",
        "share/nktrace/reference.json", "share/nktrace/trace.schema.md",
        "share/nktrace/compare.schema.md", "share/nktrace/import.schema.md",
        "share/nktrace/mda.schema.md",
        "share/nktrace/report.schema.json",
        "share/nktrace/monitoring/nktrace.rules.yml",
        "share/nktrace/monitoring/nktrace.json",
        "share/bash-completion/completions/nktrace",
        "lib/systemd/system/nktrace.service",
        "lib/systemd/system/nktrace.timer", "lib/sysusers.d/nktrace.conf",
        "share/man/man1/nktrace.1"]
cmds = ["compare", "run", "report", "trace", "sweep", "import", "atlas",
        "lookup", "replay", "mtr", "bgp"]
want += ["share/man/man1/nktrace-%s.1" % c for c in cmds]
missing = [w for w in want if not os.path.exists(os.path.join(root, w))]
check(not missing, "installed: the binary, data, schemas, monitoring, "
      "completion, units, %d man pages" % (len(cmds) + 1), [], missing)

# Man pages.
env = dict(os.environ, MANWIDTH="100", LANG="C.UTF-8")
page = subprocess.run(["man", "-l", os.path.join(root, "share/man/man1/"
                                                 "nktrace.1")],
                      capture_output=True, text=True, env=env).stdout
check("NKTRACE_DATA" in page and "EXIT STATUS" in page and
      "nktrace-compare(1)" in page,
      "man nktrace renders: commands, NKTRACE_DATA, exit status, see also")
bad, no_examples = [], []
nk = os.path.join(root, "bin", "nktrace")
for c in cmds:
    text = subprocess.run(["man", "-l", os.path.join(
        root, "share/man/man1/nktrace-%s.1" % c)], capture_output=True,
        text=True, env=env).stdout
    helpopts = set(re.findall(r"--[a-z][a-z0-9-]+", subprocess.run(
        [os.path.join(BUILD, "nktrace"), c, "--help"], capture_output=True,
        text=True).stdout))
    lacking = sorted(o for o in helpopts if o not in text)
    if not text or lacking:
        bad.append((c, lacking[:5]))
    if not re.search(r"^EXAMPLES\n(.*\n)*?\s+(sudo )?nktrace %s\b" % c,
                     text, re.M) or "\nOUTPUT\n" not in text:
        no_examples.append(c)
check(not bad, "each command's page lists every option its --help lists",
      [], bad)
check(not no_examples, "each command's page has EXAMPLES running that "
      "command and an OUTPUT section explaining what it prints", [],
      no_examples)

# Bash completion.
comp = os.path.join(root, "share/bash-completion/completions/nktrace")
script = ('source %s; COMP_WORDS=(%s import --bu); COMP_CWORD=2; _nktrace; '
          'echo "${COMPREPLY[@]}"; COMP_WORDS=(%s im); COMP_CWORD=1; '
          '_nktrace; echo "${COMPREPLY[@]}"' % (comp, nk, nk))
out = subprocess.run(["bash", "-c", script], capture_output=True, text=True,
                     env=dict(os.environ, NKTRACE_DATA=share)).stdout
check(out.splitlines() == ["--bucket", "import"],
      "bash completion: 'import --bu' gives --bucket, 'im' gives import",
      ["--bucket", "import"], out.splitlines())

def complete(*words):
    """What the installed completion offers after the words (the last
    one being completed)."""
    script = ('source %s; COMP_WORDS=(%s %s); COMP_CWORD=%d; _nktrace; '
              'echo "${COMPREPLY[@]}"' % (
                  comp, nk, " ".join("'%s'" % w for w in words), len(words)))
    return subprocess.run(["bash", "-c", script], capture_output=True,
                          text=True, env=dict(os.environ, NKTRACE_DATA=share)
                          ).stdout.split()


cmds_offered = complete("")
check(set(cmds) <= set(cmds_offered) and
      all(w in cmds + ["version", "--help", "--version"]
          for w in cmds_offered),
      "bash completion offers the commands and nothing else (no 'times:')",
      cmds, cmds_offered)
vals = {("trace", "-P", ""): ["icmp", "udp", "tcp"],
        ("atlas", "--protocols", "tcp4"): ["tcp443"],
        ("import", "--format", "s"): ["scamper"],
        ("compare", "--via", "t"): ["ttk="],
        ("trace", "--via", "l"): ["lo"],
        ("compare", "--via", "ttk", "=", "l"): ["lo"],
        ("run", "--every", "15"): ["15m"]}
got = {k: complete(*k) for k in vals}
check(got == vals, "bash completion completes option values: methods, "
      "protocols, formats, transit names from the installed transits.json, "
      "interfaces from the system, times", vals, got)

# Units with this install's bindir.
svc = open(os.path.join(root, "lib/systemd/system/nktrace.service")).read()
check("ExecStart=%s/bin/nktrace run " % prefix in svc and
      svc.count("%s/bin/nktrace" % prefix) == svc.count("/nktrace run") +
      svc.count("/nktrace report"),
      "the installed service runs %s/bin/nktrace" % prefix)

# The installed binary and its data.
p = subprocess.run([nk, "lookup", "175.45.176.71"], capture_output=True,
                   text=True, env=dict(os.environ, NKTRACE_DATA=share))
check(p.returncode == 0 and "AS131279" in p.stdout and not p.stderr,
      "with NKTRACE_DATA the installed binary finds its database", "AS131279",
      (p.stdout, p.stderr))
p = subprocess.run([nk, "lookup", "175.45.176.71"], capture_output=True,
                   text=True, env=dict(os.environ,
                                       NKTRACE_DATA=tmp + "/nowhere"))
err = p.stderr.strip().splitlines()
check(len(err) == 1 and "no address database found" in err[0] and
      "NKTRACE_DATA" in err[0],
      "without it: one line saying no address database was found and how "
      "to point at one", "a warning", err)
shutil.rmtree(tmp, ignore_errors=True)
done()
