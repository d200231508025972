# SPDX-License-Identifier: ISC
"""RIPE Atlas traceroute results with a known truth, for the import and
run --atlas tests: probes tracing 175.45.178.161 and kcna.kp over the
routers REFERENCE.md names for each transit (TTK: 217.150.32.1,
62.33.66.1, 188.43.225.153; China Unicom: 219.158.117.1, 103.35.255.254),
North Korea's router silent, the target answering TCP SYN-ACK."""
import json
import random

TTK = [("217.150.32.1", 60.0), ("62.33.66.1", 150.0),
       ("188.43.225.153", 185.0)]
CU = [("219.158.117.1", 180.0), ("103.35.255.254", 234.0)]
# An upstream no data file names (RETN, AS9002; addresses of the lab's
# third uplink, which the built-in database knows), handing over to NK.
RETN = [("87.245.233.1", 40.0), ("87.245.246.1", 70.0),
        ("87.245.250.1", 160.0)]


def result(rnd, prb, dst, via, inside, ts, msm=99001):
    """One Atlas traceroute result (fw 5080 layout)."""
    hops = [{"hop": 1, "result": [{"from": "192.168.1.1", "ttl": 64,
                                   "size": 28,
                                   "rtt": round(1 + rnd.random(), 3)}
                                  for _ in range(3)]}]
    for addr, rtt in via:
        h = len(hops) + 1
        hops.append({"hop": h, "result": [
            {"from": addr, "ttl": 250 - h, "size": 28,
             "rtt": round(rtt + rnd.gauss(0, 2), 3)} for _ in range(3)]})
    hops.append({"hop": len(hops) + 1, "result": [{"x": "*"}] * 3})
    hops.append({"hop": len(hops) + 1, "result": [
        {"from": dst, "ttl": 50, "size": 0, "flags": "SA",
         "rtt": round(via[-1][1] + inside + rnd.gauss(0, 2), 3)}
        for _ in range(3)]})
    return {"fw": 5080, "mver": "2.6.2", "lts": 30, "af": 4, "prb_id": prb,
            "msm_id": msm, "group_id": msm, "timestamp": ts,
            "endtime": ts + 3, "src_addr": "192.168.1.2",
            "from": "198.51.100.%d" % (prb % 250 + 1), "dst_addr": dst,
            "dst_name": dst, "proto": "TCP", "paris_id": 1, "size": 0,
            "type": "traceroute", "msm_name": "Traceroute", "result": hops}


def move(t0, cycles=8, probes=200, moved=172, period=900, seed=7,
         msm=99001, to=None):
    """`cycles` rounds every `period` s from t0: each probe traces both
    targets; from round cycles/2 on, `moved` probes' paths to
    175.45.178.161 go over `to` (default China Unicom) instead of TTK."""
    to = CU if to is None else to
    rnd = random.Random(seed)
    out = []
    for c in range(cycles):
        for p in range(probes):
            ts = t0 + c * period + rnd.randrange(0, min(600, period))
            for dst, inside in (("175.45.178.161", 4.0),
                                ("175.45.176.71", 55.0)):
                via = CU if dst.endswith("176.71") else \
                    to if c >= cycles // 2 and p < moved else TTK
                out.append(result(rnd, 1000 + p, dst, via, inside, ts, msm))
    return out


def write(path, results):
    with open(path, "w") as f:
        for r in results:
            f.write(json.dumps(r) + "\n")
