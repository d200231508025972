#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""A hostile router for lab tests: run inside a lab namespace on the path,
it watches the vantage point's probes go by and sends forged ICMP time
exceeded replies to the vantage point, from fake sources, one class each:

  6.6.6.1  the probe quoted with its destination changed (sniffed, edited)
  6.6.6.2  the probe quoted with another id (transport copy and IP ID)
  6.6.6.3  the exact probe quoted, but after the prober's wait expired
  6.6.6.4  the probe quoted with a wrong ICMP checksum
  6.6.6.5  a truncated quote (12 bytes of the original datagram)

It only ever sends to --vp, from inside the lab namespace it runs in.
Counts are written to --stats when it gets SIGTERM.
usage: forger.py --iface IF --vp ADDR --late SECONDS --stats FILE
"""
import argparse
import json
import signal
import socket
import struct
import threading
import time

ETH_P_IP = 0x0800


def cksum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def ip_header(src, dst, payload_len, ttl=60):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + payload_len, 0x6666, 0,
                    ttl, 1, 0, socket.inet_aton(src), socket.inet_aton(dst))
    return h[:10] + struct.pack("!H", cksum(h)) + h[12:]


def time_exceeded(src, dst, quote, bad_sum=False):
    icmp = struct.pack("!BBHI", 11, 0, 0, 0) + quote
    s = cksum(icmp)
    if bad_sum:
        s ^= 0x0101
    icmp = icmp[:2] + struct.pack("!H", s) + icmp[4:]
    return ip_header(src, dst, len(icmp)) + icmp


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--iface", required=True)
    ap.add_argument("--vp", required=True)
    ap.add_argument("--late", type=float, default=2.0)
    ap.add_argument("--stats", required=True)
    a = ap.parse_args()

    sniff = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM,
                          socket.htons(ETH_P_IP))
    sniff.bind((a.iface, 0))
    sniff.settimeout(0.2)
    out = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    counts = {"probes": 0, "wrong_dst": 0, "wrong_id": 0, "expired": 0,
              "bad_sum": 0, "truncated": 0}
    stop = threading.Event()
    timers = []

    def send(pkt, key):
        out.sendto(pkt, (a.vp, 0))
        counts[key] += 1

    def on_term(*_):
        stop.set()

    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)
    while not stop.is_set():
        try:
            pkt, addr = sniff.recvfrom(2048)
        except socket.timeout:
            continue
        if addr[2] == socket.PACKET_OUTGOING or len(pkt) < 28:
            continue
        src = socket.inet_ntoa(pkt[12:16])
        if src != a.vp or pkt[9] not in (1, 6, 17):
            continue
        ihl = (pkt[0] & 15) * 4
        counts["probes"] += 1
        quote = bytearray(pkt[:ihl + 8])
        quote[8] = 1  # the TTL a router would see when it expires
        # 1: another destination, everything else genuine.
        q = bytearray(quote)
        q[16:20] = socket.inet_aton("175.45.179.1")
        send(time_exceeded("6.6.6.1", a.vp, bytes(q)), "wrong_dst")
        # 2: another id in both copies.
        q = bytearray(quote)
        q[4:6] = struct.pack("!H", (struct.unpack("!H", q[4:6])[0] + 1)
                             & 0xffff)
        off = ihl + 6 if pkt[9] in (1, 17) else ihl + 6
        q[off:off + 2] = struct.pack("!H", (struct.unpack(
            "!H", q[off:off + 2])[0] + 1) & 0xffff)
        send(time_exceeded("6.6.6.2", a.vp, bytes(q)), "wrong_id")
        # 4: genuine quote, broken ICMP checksum.
        send(time_exceeded("6.6.6.4", a.vp, bytes(quote), bad_sum=True),
             "bad_sum")
        # 5: a quote too short to carry the probe's identity.
        send(time_exceeded("6.6.6.5", a.vp, bytes(quote[:12])), "truncated")
        # 3: the genuine quote, after the prober gave up on it.
        t = threading.Timer(a.late, send, (time_exceeded(
            "6.6.6.3", a.vp, bytes(quote)), "expired"))
        t.daemon = True
        t.start()
        timers.append(t)
    for t in timers:
        t.cancel()
    with open(a.stats, "w") as f:
        json.dump(counts, f)


if __name__ == "__main__":
    main()
