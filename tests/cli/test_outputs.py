#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Where outputs go (issue 28): a regular file, or a name that does not
exist yet, appears complete or not at all (written aside, renamed over
it); anything else is written in place and never replaced: a character
device (copies of /dev/null and /dev/full made with mknod in a temporary
directory, never /dev itself), a FIFO, /dev/stdout; a write error there
(ENOSPC from the full device) is an error; a symbolic link is followed
(its target replaced, the link kept), except one in a world-writable
directory owned by someone else (refused); a directory is refused.  Each
with `import --json -o`, as root and (setpriv) as nobody."""
import os
import stat
import subprocess
import sys
import tempfile

SRC = os.environ.get("NKT_SOURCE_ROOT", os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))))
BUILD = os.environ.get("NKT_BUILD_DIR", os.path.join(SRC, "build"))
NKTRACE = os.environ.get("NKT_NKTRACE") or os.path.join(BUILD, "nktrace")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from checks import check, done  # noqa: E402

if os.geteuid() != 0:
    print("SKIP: needs root (mknod, chown)")
    sys.exit(77)
INPUT = os.path.join(SRC, "tests", "data", "import",
                     "atlas_sagan__test_traceroute_4460.json")
tmp = tempfile.mkdtemp(prefix="nkt-out-")
os.chmod(tmp, 0o755)
NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
          "--"]


def imp(out, as_nobody=False):
    argv = [NKTRACE, "import", "--quiet", "--json", "-o", out, INPUT]
    return subprocess.run((NOBODY if as_nobody else []) + argv,
                          capture_output=True, text=True, timeout=120)


def kind(path):
    m = os.lstat(path).st_mode
    return ("char" if stat.S_ISCHR(m) else "fifo" if stat.S_ISFIFO(m)
            else "link" if stat.S_ISLNK(m) else "file" if stat.S_ISREG(m)
            else "other")


# A regular file: replaced whole (a new inode), no temporary left.
reg = os.path.join(tmp, "out.json")
with open(reg, "w") as f:
    f.write("old\n")
ino = os.stat(reg).st_ino
p = imp(reg)
check(p.returncode == 0 and open(reg).read().startswith('{"type":"import"')
      and os.stat(reg).st_ino != ino and os.listdir(tmp) == ["out.json"],
      "a regular file is replaced whole, nothing else left", 0,
      (p.returncode, p.stderr, os.listdir(tmp)))

# Character devices, made here: written in place, never replaced.
null = os.path.join(tmp, "null")
full = os.path.join(tmp, "full")
os.mknod(null, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
os.mknod(full, 0o666 | stat.S_IFCHR, os.makedev(1, 7))
os.chmod(null, 0o666)
os.chmod(full, 0o666)
for who in (False, True):
    label = "as nobody" if who else "as root"
    p = imp(null, who)
    check(p.returncode == 0 and kind(null) == "char",
          "%s: -o a null device: written in place, still a device" % label,
          (0, "char"), (p.returncode, kind(null), p.stderr.strip()))
    p = imp(full, who)
    err = p.stderr.strip().splitlines()
    check(p.returncode == 1 and kind(full) == "char" and len(err) == 1 and
          "No space left on device" in err[0],
          "%s: -o a full device: the write error is an error (exit 1, one "
          "line), the device stays" % label, (1, "char"),
          (p.returncode, kind(full), err))

# A FIFO: written into (a reader drains it), still a FIFO.
fifo = os.path.join(tmp, "fifo")
os.mkfifo(fifo)
reader = subprocess.Popen(["cat", fifo], stdout=subprocess.PIPE)
p = imp(fifo)
got = reader.communicate(timeout=60)[0]
check(p.returncode == 0 and kind(fifo) == "fifo" and
      got.startswith(b'{"type":"import"'),
      "-o a FIFO: written into it, still a FIFO", "fifo",
      (p.returncode, kind(fifo), got[:40]))

# /dev/stdout: the descriptor, not a file put in its place.
p = subprocess.run([NKTRACE, "import", "--quiet", "--json", "-o",
                    "/dev/stdout", INPUT], capture_output=True, text=True)
check(p.returncode == 0 and p.stdout.startswith('{"type":"import"'),
      "-o /dev/stdout writes to the standard output", 0,
      (p.returncode, p.stderr))
p = subprocess.run(NOBODY + [NKTRACE, "import", "--quiet", "--json", "-o",
                             "/dev/stdout", INPUT],
                   capture_output=True, text=True)
check(p.returncode == 0 and p.stdout.startswith('{"type":"import"'),
      "-o /dev/stdout as nobody too", 0, (p.returncode, p.stderr))

# A symbolic link: its target replaced, the link kept; a dangling one
# creates its target.
target = os.path.join(tmp, "target.json")
with open(target, "w") as f:
    f.write("old\n")
link = os.path.join(tmp, "link.json")
os.symlink(target, link)
p = imp(link)
check(p.returncode == 0 and kind(link) == "link" and
      open(target).read().startswith('{"type":"import"'),
      "-o a symlink: its target written, the link kept", "link",
      (p.returncode, kind(link), p.stderr))
dang = os.path.join(tmp, "dangling.json")
os.symlink(os.path.join(tmp, "new.json"), dang)
p = imp(dang)
check(p.returncode == 0 and kind(dang) == "link" and
      os.path.exists(os.path.join(tmp, "new.json")),
      "-o a dangling symlink: its target created", 0,
      (p.returncode, p.stderr))

# A world-writable (sticky) directory: someone else's link is not
# followed; our own is.
ww = os.path.join(tmp, "ww")
os.mkdir(ww)
os.chmod(ww, 0o1777)
theirs = os.path.join(ww, "theirs.json")
os.symlink(target, theirs)
os.lchown(theirs, 65534, 65534)
with open(target, "w") as f:
    f.write("precious\n")
p = imp(theirs)
err = p.stderr.strip().splitlines()
check(p.returncode == 1 and open(target).read() == "precious\n" and
      len(err) == 1 and "world-writable directory" in err[0],
      "-o someone else's symlink in a world-writable directory: refused, "
      "its target untouched", 1, (p.returncode, err))
ours = os.path.join(ww, "ours.json")
os.symlink(target, ours)
p = imp(ours)
check(p.returncode == 0 and open(target).read().startswith("{"),
      "-o our own symlink there: followed", 0, (p.returncode, p.stderr))

# A directory: refused.
p = imp(ww)
check(p.returncode == 1 and "Is a directory" in p.stderr,
      "-o a directory: refused", 1, (p.returncode, p.stderr.strip()))

subprocess.run(["rm", "-rf", tmp])
done()
