#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Configured loss is what the lab delivers: the loss ping measures through a
lossy link falls inside the binomial 99% interval of the loss truth predicts,
both for loss given at `up` and for loss changed while the lab runs."""
import re

from labtest import Lab, binom_interval, check, done, need_root

need_root()
N = 2000
lab = Lab("tloss", scale=0.05, loss=["cudd-cenbong=0.03"])


def ping_loss(addr):
    out = lab.exec("vp", ["ping", "-n", "-q", "-c", str(N), "-i", "0.002",
                          "-W", "1", addr], check=False).stdout
    m = re.search(r"(\d+) packets transmitted, (\d+) received", out)
    sent, recv = int(m.group(1)), int(m.group(2))
    return sent, sent - recv


def expect(addr, node):
    """Round-trip loss truth predicts for a ping to router `node`."""
    t = lab.truth(["175.45.176.71" if addr.startswith(("1", "6", "2"))
                   else "175.45.177.10"])
    for h in t["targets"][0]["paths"][0]["hops"]:
        if h["node"] == node:
            return h["loss"]
    raise AssertionError(node)


# Loss given at `up`: 3% each way on cudd-cenbong, seen pinging cenbong.
p = expect("103.35.254.1", "cenbong")
check(abs(p - (1 - 0.97 ** 2)) < 1e-9, "truth: round-trip loss 5.91%",
      1 - 0.97 ** 2, p)
sent, lost = ping_loss("103.35.254.1")
lo, hi = binom_interval(sent, p)
check(lo <= lost <= hi, "ping through cudd-cenbong lost %d/%d, 99%% "
      "interval [%d, %d]" % (lost, sent, lo, hi))
# A hop before the lossy link sees none of it.
sent, lost = ping_loss("60.23.0.1")
check(lost <= 2, "no loss before the lossy link (%d/%d)" % (lost, sent))

# Loss changed at run time, one direction only, on the TTK path.
lab.link("ttkvvo-ttkpos", "--loss", "0.08", "--dir", "fwd")
p = expect("80.237.106.1", "ttkpos")
check(abs(p - 0.08) < 1e-9, "truth: one-way 8% loss", 0.08, p)
sent, lost = ping_loss("80.237.106.1")
lo, hi = binom_interval(sent, p)
check(lo <= lost <= hi, "ping through ttkvvo-ttkpos lost %d/%d, 99%% "
      "interval [%d, %d]" % (lost, sent, lo, hi))
lab.link("ttkvvo-ttkpos", "--loss", "0")
sent, lost = ping_loss("80.237.106.1")
check(lost <= 2, "loss removed at run time (%d/%d lost)" % (lost, sent))
done()
