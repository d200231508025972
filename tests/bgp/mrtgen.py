# SPDX-License-Identifier: ISC
"""MRT records (RFC 6396) written from scratch for the tests: RIB dumps
(TABLE_DUMP v1 and TABLE_DUMP_V2, ADD-PATH too) and BGP4MP/BGP4MP_ET
updates and state changes, with every AS path form a reader must know
(AS_SET, confederations, AS4_PATH beside a 2-byte AS_PATH), IPv6 through
MP_REACH_NLRI, multicast.  An independent writer: it shares no code with
nktrace, and Debian's bgpdump reads what it writes."""
import ipaddress
import struct

TABLE_DUMP, TABLE_DUMP_V2, BGP4MP, BGP4MP_ET = 12, 13, 16, 17
AS_SET, AS_SEQUENCE, AS_CONFED_SEQUENCE, AS_CONFED_SET = 1, 2, 3, 4


def header(t, typ, sub, body, usec=None):
    if usec is not None:
        body = struct.pack(">I", usec) + body
    return struct.pack(">IHHI", t, typ, sub, len(body)) + body


def attr(typ, value, flags=0x40):
    if len(value) > 255:
        return struct.pack(">BBH", flags | 0x10, typ, len(value)) + value
    return struct.pack(">BBB", flags, typ, len(value)) + value


def aspath(segments, asn_len):
    """segments: [(type, [asn, ...])] or a plain list (one sequence)."""
    if segments and isinstance(segments[0], int):
        segments = [(AS_SEQUENCE, segments)]
    fmt = ">I" if asn_len == 4 else ">H"
    out = b""
    for typ, asns in segments:
        out += struct.pack(">BB", typ, len(asns))
        out += b"".join(struct.pack(fmt, a) for a in asns)
    return out


def prefix_bytes(p, path_id=None):
    net = ipaddress.ip_network(p)
    n = (net.prefixlen + 7) // 8
    out = b"" if path_id is None else struct.pack(">I", path_id)
    return out + bytes([net.prefixlen]) + net.network_address.packed[:n]


def attrs(path, asn_len=4, origin=0, next_hop="192.0.2.1", as4=None,
          mp_reach=None, mp_unreach=None, addpath=False, safi=1):
    """Path attributes; mp_reach / mp_unreach: (af, [prefix or
    (prefix, path_id)])."""
    a = attr(1, bytes([origin]))
    if path is not None:
        a += attr(2, aspath(path, asn_len))
    if next_hop:
        a += attr(3, ipaddress.ip_address(next_hop).packed)
    if as4 is not None:
        a += attr(17, aspath(as4, 4), flags=0xc0)

    def nlri(items):
        out = b""
        for it in items:
            p, pid = it if isinstance(it, tuple) else (it, None)
            out += prefix_bytes(p, pid if addpath else None)
        return out
    if mp_reach:
        af, items = mp_reach
        nh = ipaddress.ip_address("2001:db8::1" if af == 6 else
                                  "192.0.2.1").packed
        v = struct.pack(">HBB", 2 if af == 6 else 1, safi, len(nh)) + nh + \
            b"\0" + nlri(items)
        a += attr(14, v, flags=0x80)
    if mp_unreach:
        af, items = mp_unreach
        v = struct.pack(">HB", 2 if af == 6 else 1, safi) + nlri(items)
        a += attr(15, v, flags=0x80)
    return a


def bgp_update(withdrawn=(), attributes=b"", nlri=(), addpath=False):
    def field(items):
        out = b""
        for it in items:
            p, pid = it if isinstance(it, tuple) else (it, None)
            out += prefix_bytes(p, pid if addpath else None)
        return out
    w = field(withdrawn)
    body = struct.pack(">H", len(w)) + w + \
        struct.pack(">H", len(attributes)) + attributes + field(nlri)
    return b"\xff" * 16 + struct.pack(">HB", 19 + len(body), 2) + body


def bgp_keepalive():
    return b"\xff" * 16 + struct.pack(">HB", 19, 4)


def bgp4mp(t, peer, peer_as, message, as4=True, local_as=12654,
           addpath=False, et_usec=None, local="193.0.4.28"):
    """A BGP4MP MESSAGE record (subtype 1, 4, 8 or 9)."""
    pa = ipaddress.ip_address(peer)
    la = ipaddress.ip_address(local if pa.version == 4 else "2001:db8::28")
    sub = {(False, False): 1, (True, False): 4, (False, True): 8,
           (True, True): 9}[(as4, addpath)]
    fmt = ">IIHH" if as4 else ">HHHH"
    body = struct.pack(fmt, peer_as, local_as, 0, 2 if pa.version == 6
                       else 1) + pa.packed + la.packed + message
    return header(t, BGP4MP_ET if et_usec is not None else BGP4MP, sub,
                  body, et_usec)


def state_change(t, peer, peer_as, old, new, as4=True, local_as=12654):
    pa = ipaddress.ip_address(peer)
    la = ipaddress.ip_address("193.0.4.28" if pa.version == 4 else
                              "2001:db8::28")
    fmt = ">IIHH" if as4 else ">HHHH"
    body = struct.pack(fmt, peer_as, local_as, 0, 2 if pa.version == 6
                       else 1) + pa.packed + la.packed + \
        struct.pack(">HH", old, new)
    return header(t, BGP4MP, 5 if as4 else 0, body)


def peer_index(t, peers, collector="193.0.4.28", view=b"rrc00"):
    """peers: [(address, asn)]; 4-byte AS for all."""
    body = ipaddress.ip_address(collector).packed + \
        struct.pack(">H", len(view)) + view + struct.pack(">H", len(peers))
    for addr, asn in peers:
        a = ipaddress.ip_address(addr)
        typ = (1 if a.version == 6 else 0) | 2
        body += bytes([typ]) + ipaddress.ip_address("10.0.0.1").packed + \
            a.packed + struct.pack(">I", asn)
    return header(t, TABLE_DUMP_V2, 1, body)


def rib(t, seq, prefix, entries, addpath=False):
    """entries: [(peer_index, originated, path, path_id)]; a TABLE_DUMP_V2
    RIB_IPV4/IPV6_UNICAST (or _ADDPATH) record."""
    net = ipaddress.ip_network(prefix)
    sub = (2 if net.version == 4 else 4) + (6 if addpath else 0)
    n = (net.prefixlen + 7) // 8
    body = struct.pack(">IB", seq, net.prefixlen) + \
        net.network_address.packed[:n] + struct.pack(">H", len(entries))
    for idx, originated, path, path_id in entries:
        a = attrs(path, 4)
        body += struct.pack(">HI", idx, originated)
        if addpath:
            body += struct.pack(">I", path_id)
        body += struct.pack(">H", len(a)) + a
    return header(t, TABLE_DUMP_V2, sub, body)


def table_dump_v1(t, seq, prefix, peer, peer_as, originated, path):
    net = ipaddress.ip_network(prefix)
    pa = ipaddress.ip_address(peer)
    a = attrs(path, 2, next_hop=peer if pa.version == 4 else None)
    body = struct.pack(">HH", 0, seq) + net.network_address.packed + \
        struct.pack(">BBI", net.prefixlen, 1, originated) + pa.packed + \
        struct.pack(">HH", peer_as, len(a)) + a
    return header(t, TABLE_DUMP, 2 if net.version == 6 else 1, body)


# ---- the seed's story: TTK appears as an upstream of AS131279 -------------

NK = ["175.45.176.0/24", "175.45.177.0/24", "175.45.178.0/24",
      "175.45.179.0/24"]
CHINA, CHINA_HK, TTK, NK_AS = 4837, 134544, 20485, 131279


def story(t0, n_peers=20, movers=12):
    """A RIB dump at t0 (every NK /24 via China Unicom, seen by n_peers
    peers, one of them through AS134544 Hong Kong), then updates: from
    t0 + 600 `movers` peers switch 175.45.178.0/24 to TTK (AS20485, with
    AS131279 prepended twice on one of them); at t0 + 900 a more-specific
    175.45.179.128/25 appears via TTK; at t0 + 1200 one peer's session
    goes down; at t0 + 1500 175.45.177.0/24 is withdrawn by every peer.
    Returns (rib bytes, updates bytes, peers)."""
    peers = [("192.0.2.%d" % (10 + i), 64500 + i) for i in range(n_peers)]
    recs = [peer_index(t0, peers)]
    for seq, p in enumerate(NK):
        entries = []
        for i, (_, asn) in enumerate(peers):
            up = [CHINA, CHINA_HK] if i == 0 else [CHINA]
            entries.append((i, t0 - 86400 * 30, [asn, 3356] + up + [NK_AS],
                            0))
        recs.append(rib(t0, seq, p, entries))
    rib_bytes = b"".join(recs)
    up = []
    for i in range(movers):
        addr, asn = peers[i]
        path = [asn, 1299, TTK, NK_AS] + ([NK_AS, NK_AS] if i == 0 else [])
        up.append(bgp4mp(t0 + 600 + i, addr, asn, bgp_update(
            attributes=attrs(path), nlri=["175.45.178.0/24"])))
    for i in range(3):
        addr, asn = peers[i]
        up.append(bgp4mp(t0 + 900 + i, addr, asn, bgp_update(
            attributes=attrs([asn, 1299, TTK, NK_AS]),
            nlri=["175.45.179.128/25"])))
    addr, asn = peers[n_peers - 1]
    up.append(state_change(t0 + 1200, addr, asn, 6, 1))
    for i in range(n_peers - 1):
        addr, asn = peers[i]
        up.append(bgp4mp(t0 + 1500 + i, addr, asn,
                         bgp_update(withdrawn=["175.45.177.0/24"])))
    return rib_bytes, b"".join(up), peers


# ---- every form, for the comparison with bgpdump ---------------------------

def forms(t0):
    """Records of every form nktrace reads, in one file of updates and
    one of RIB dumps."""
    u = []
    p4, p6 = "195.66.224.39", "2001:7f8:4::d0c:1"
    # 4-byte AS numbers, a set at the end, a confederation
    u.append(bgp4mp(t0, p4, 3561, bgp_update(
        attributes=attrs([(AS_SEQUENCE, [3561, 196615]),
                          (AS_SET, [65001, 4200000000])]),
        nlri=["10.1.0.0/16", "10.2.0.0/15"])))
    u.append(bgp4mp(t0 + 1, p4, 3561, bgp_update(
        attributes=attrs([(AS_CONFED_SEQUENCE, [65010, 65011]),
                          (AS_SEQUENCE, [3561, 701]),
                          (AS_CONFED_SET, [65020, 65021])]),
        nlri=["10.3.0.0/24"])))
    # a 2-byte session: AS_TRANS in AS_PATH, the real ones in AS4_PATH
    u.append(bgp4mp(t0 + 2, p4, 3561, bgp_update(
        attributes=attrs([3561, 23456, 23456, 1299], 2,
                         as4=[196615, 4200000001, 1299]),
        nlri=["10.4.0.0/22"]), as4=False))
    # AS4_PATH longer than AS_PATH: ignored (RFC 6793)
    u.append(bgp4mp(t0 + 3, p4, 3561, bgp_update(
        attributes=attrs([3561, 23456], 2, as4=[1, 2, 3]),
        nlri=["10.5.0.0/24"]), as4=False))
    # withdrawals, IPv4 and IPv6 (MP_UNREACH)
    u.append(bgp4mp(t0 + 4, p4, 3561, bgp_update(
        withdrawn=["10.1.0.0/16", "10.9.9.0/24"])))
    u.append(bgp4mp(t0 + 5, p6, 3561, bgp_update(
        attributes=attrs(None, next_hop=None,
                         mp_unreach=(6, ["2001:db8:1::/48"])))))
    # IPv6 announcements (MP_REACH), on an IPv6 session
    u.append(bgp4mp(t0 + 6, p6, 3561, bgp_update(
        attributes=attrs([3561, 6939, 65536], next_hop=None,
                         mp_reach=(6, ["2001:db8:2::/48",
                                       "2001:db8:3:4::/64"])))))
    # BGP4MP_ET (microseconds)
    u.append(bgp4mp(t0 + 7, p4, 3561, bgp_update(
        attributes=attrs([3561, 174]), nlri=["10.6.0.0/24"]),
        et_usec=123456))
    # ADD-PATH
    u.append(bgp4mp(t0 + 8, p4, 3561, bgp_update(
        withdrawn=[("10.7.0.0/24", 3)],
        attributes=attrs([3561, 2914]),
        nlri=[("10.7.0.0/24", 1), ("10.7.0.0/24", 2)], addpath=True),
        addpath=True))
    # a KEEPALIVE (no line) and state changes
    u.append(bgp4mp(t0 + 9, p4, 3561, bgp_keepalive()))
    u.append(state_change(t0 + 10, p4, 3561, 6, 1))
    u.append(state_change(t0 + 11, p4, 3561, 1, 2, as4=False))
    # multicast (printed by bgpdump as it prints unicast)
    u.append(bgp4mp(t0 + 12, p4, 3561, bgp_update(
        attributes=attrs([3561, 293], mp_reach=(4, ["192.12.135.0/24"]),
                         safi=2))))
    # prepending, a long path
    u.append(bgp4mp(t0 + 13, p4, 3561, bgp_update(
        attributes=attrs([3561] + [174] * 40 + [65000 + i for i in
                                                 range(60)]),
        nlri=["10.8.0.0/24"])))
    # the seed's ASes, /32 and /0
    u.append(bgp4mp(t0 + 14, p4, 3561, bgp_update(
        attributes=attrs([3561, 1299, TTK, NK_AS]),
        nlri=["175.45.178.0/24", "175.45.178.161/32", "0.0.0.0/0"])))
    r = [peer_index(t0, [(p4, 3561), (p6, 6939), ("192.0.2.99", 4200000000)])]
    r.append(rib(t0, 0, "10.1.0.0/16", [(0, t0 - 100, [3561, 174, 65001],
                                         0),
                                        (2, t0 - 50, [4200000000, 65001],
                                         0)]))
    r.append(rib(t0, 1, "2001:db8:2::/48", [(1, t0 - 10, [6939, 65536],
                                             0)]))
    r.append(rib(t0, 2, "10.7.0.0/24", [(0, t0 - 5, [3561, 2914], 1),
                                        (0, t0 - 5, [3561, 3356, 2914], 2)],
                 addpath=True))
    v1 = [table_dump_v1(t0, 0, "10.1.0.0/16", "195.66.224.39", 3561,
                        t0 - 100, [3561, 174, 65001]),
          table_dump_v1(t0, 1, "2001:db8:5::/48", "2001:7f8:4::d0c:1",
                        6939, t0 - 100, [6939, 1])]
    return b"".join(u), b"".join(r), b"".join(v1)
