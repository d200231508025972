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
With --flood PPS it also sends, at that rate, junk of six more kinds:

  random     a time exceeded quoting random bytes, from a random source
  spoofed    a sniffed probe quoted with random IP ID and transport id,
             from a random source
  ext        a probe's quote (IP ID changed) with an oversized,
             inconsistent RFC 4884 extension (an object length past the
             end, 200 MPLS entries)
  short      truncated ICMP (4 bytes) and an ICMP error quoting 2 bytes
  duplicate  a genuine reply on its way to the vantage point, sent again
  badlen     an IP header whose total length exceeds the packet

It only ever sends to --vp, from inside the lab namespace it runs in.
Counts are written to --stats when it gets SIGTERM.
usage: forger.py --iface IF --vp ADDR --late SECONDS --stats FILE
                 [--flood PPS]
"""
import argparse
import json
import os
import random
import signal
import socket
import struct
import threading
import time

ETH_P_IP = 0x0800
ETH_P_ALL = 0x0003


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
    ap.add_argument("--flood", type=float, default=0)
    a = ap.parse_args()

    # ETH_P_ALL: packets leaving the interface (genuine replies on their
    # way to the vantage point) reach only such sockets.
    sniff = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM,
                          socket.htons(ETH_P_ALL))
    sniff.bind((a.iface, 0))
    sniff.settimeout(0.2)
    out = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    counts = {"probes": 0, "wrong_dst": 0, "wrong_id": 0, "expired": 0,
              "bad_sum": 0, "truncated": 0}
    if a.flood:
        counts.update({"random": 0, "spoofed": 0, "ext": 0, "short": 0,
                       "duplicate": 0, "badlen": 0})
    stop = threading.Event()
    timers = []
    recent = []  # the last genuine probe quotes and replies seen
    lock = threading.Lock()

    def rnd_addr():
        return socket.inet_ntoa(struct.pack("!I", random.randrange(
            0x01000000, 0xdf000000)))

    def flood():
        rng = random.Random(1)
        gap = 1.0 / a.flood
        t = time.monotonic()
        kinds = ["random", "spoofed", "ext", "short", "duplicate",
                 "badlen"]
        n = 0
        while not stop.is_set():
            kind = kinds[n % len(kinds)]
            n += 1
            with lock:
                pick = rng.choice(recent) if recent else None
            if kind == "random":
                pkt = time_exceeded(rnd_addr(), a.vp, os.urandom(28))
            elif kind == "spoofed" and pick and pick[0] == "probe":
                q = bytearray(pick[1])
                q[4:6] = os.urandom(2)
                q[26:28] = os.urandom(2)
                pkt = time_exceeded(rnd_addr(), a.vp, bytes(q))
            elif kind == "ext" and pick and pick[0] == "probe":
                # RFC 4884: length (in 32-bit words) of the padded quote,
                # then an extension header and an MPLS object that says
                # it is longer than the packet, with 200 label entries.
                # The quote's IP ID is changed: an on-path forger that
                # quotes a probe in flight exactly would be right, like any
                # router; this class is about the extension.
                q = bytearray(pick[1])
                q[4:6] = os.urandom(2)
                q = bytes(q) + bytes(128 - len(q))
                ext = struct.pack("!BBH", 0x20, 0, 0) + struct.pack(
                    "!HBB", 0xfff0, 1, 1) + os.urandom(4 * 200)
                icmp = struct.pack("!BBBBI", 11, 0, 0, 0, 0)
                icmp = icmp[:5] + bytes([32]) + icmp[6:] + q + ext
                s_ = cksum(icmp)
                icmp = icmp[:2] + struct.pack("!H", s_) + icmp[4:]
                pkt = ip_header(rnd_addr(), a.vp, len(icmp)) + icmp
            elif kind == "short":
                icmp = struct.pack("!BBH", 11, 0, 0)
                pkt = ip_header(rnd_addr(), a.vp, len(icmp)) + icmp
            elif kind == "duplicate" and pick and pick[0] == "reply":
                pkt = pick[1]
            elif kind == "badlen":
                pkt = bytearray(time_exceeded(rnd_addr(), a.vp,
                                              os.urandom(28)))
                pkt[2:4] = struct.pack("!H", 1400)
                pkt = bytes(pkt)
            else:
                continue
            try:
                out.sendto(pkt, (a.vp, 0))
                counts[kind] += 1
            except OSError:
                pass
            t += gap
            d = t - time.monotonic()
            if d > 0:
                time.sleep(d)
            else:
                t = time.monotonic()

    if a.flood:
        th = threading.Thread(target=flood, daemon=True)
        th.start()

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
        if addr[1] != ETH_P_IP or len(pkt) < 28:
            continue
        if addr[2] == socket.PACKET_OUTGOING:
            # A genuine reply on its way to the vantage point.
            if a.flood and socket.inet_ntoa(pkt[16:20]) == a.vp:
                with lock:
                    recent.append(("reply", bytes(pkt)))
                    del recent[:-64]
            continue
        src = socket.inet_ntoa(pkt[12:16])
        if src != a.vp or pkt[9] not in (1, 6, 17):
            continue
        ihl = (pkt[0] & 15) * 4
        counts["probes"] += 1
        quote = bytearray(pkt[:ihl + 8])
        quote[8] = 1  # the TTL a router would see when it expires
        if a.flood:
            with lock:
                recent.append(("probe", bytes(quote)))
                del recent[:-64]
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
