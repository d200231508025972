# SPDX-License-Identifier: ISC
"""Checks for nktrace's Python-driven tests: check() prints "ok   what" or
"FAIL what" with both sides, done() prints the count and exits 1 if any
check failed.  Imported by the lab helpers and by every test script."""
import sys

_failures = []
_checks = 0


def check(cond, what, expected=None, got=None):
    """Record one check; print both sides when it fails."""
    global _checks
    _checks += 1
    if cond:
        print("ok   %s" % what)
    else:
        msg = "FAIL %s" % what
        if expected is not None or got is not None:
            msg += "\n     expected: %s\n     got:      %s" % (expected, got)
        print(msg)
        _failures.append(what)
    return cond


def done():
    """Print "N checks, M failed" and exit (1 if M > 0)."""
    print("%d checks, %d failed" % (_checks, len(_failures)))
    sys.exit(1 if _failures else 0)


def builtin_data(src):
    """Point nktrace at a copy of the source tree's data files without the
    full ASN table that set-up may have built beside them
    (data/nktrace-asn.mmdb): golden files pin what the built-in database
    alone says.  Sets NKTRACE_DATA; returns the directory (removed at
    exit)."""
    import atexit
    import os
    import shutil
    import tempfile
    d = tempfile.mkdtemp(prefix="nkt-data-")
    os.chmod(d, 0o755)  # read by the users tests run nktrace as
    data = os.path.join(src, "data")
    for f in os.listdir(data):
        if f != "nktrace-asn.mmdb" and os.path.isfile(os.path.join(data, f)):
            shutil.copy(os.path.join(data, f), d)
            os.chmod(os.path.join(d, f), 0o644)
    os.environ["NKTRACE_DATA"] = d
    atexit.register(shutil.rmtree, d, True)
    return d
