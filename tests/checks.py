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
