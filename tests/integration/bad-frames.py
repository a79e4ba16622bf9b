#!/usr/bin/env python3
"""bad-frames.py - crafted bad frames for tests/integration/test-bad-input-packets.sh.

  bad-frames.py send IFACE DST_MAC CASE COUNT   send COUNT copies of frame CASE on IFACE (raw
                                                AF_PACKET socket; run it inside the namespace)
  bad-frames.py recv IFACE SECONDS              count frames carrying the marker payload seen on
                                                IFACE during SECONDS or until case "end"
                                                arrives; prints "ready" once listening, then
                                                "CASE COUNT" lines
  bad-frames.py pcap FILE CASE COUNT [...]      write a pcap file holding COUNT of each CASE
  bad-frames.py list                            the cases, with the verdict the switch must give

Every frame carries the ASCII marker "UVSBAD:<case>;" in its payload, so the receiver can tell
which case got through. Frames are built byte by byte (struct), no scapy.
"""
import socket
import struct
import sys
import time

SRC_MAC = bytes.fromhex("02aabbccdd01")
MARK = b"UVSBAD:"


def marker(case):
    return MARK + case.encode() + b";"


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ipv4(payload, proto=17, ihl=5, tot_len=None, options=b""):
    hdr_len = 20 + len(options)
    if tot_len is None:
        tot_len = hdr_len + len(payload)
    hdr = struct.pack("!BBHHHBBH4s4s", (4 << 4) | ihl, 0, tot_len, 1, 0, 64, proto, 0,
                      socket.inet_aton("10.99.0.1"), socket.inet_aton("10.99.0.2")) + options
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    return hdr + payload


def udp(payload):
    return struct.pack("!HHHH", 1234, 5678, 8 + len(payload), 0) + payload


def tcp(payload, doff=5, options=b""):
    return struct.pack("!HHIIBBHHH", 1234, 80, 1, 0, doff << 4, 0x02, 512, 0, 0) \
        + options + payload


def ipv6(nh, payload, plen=None):
    if plen is None:
        plen = len(payload)
    return struct.pack("!IHBB16s16s", 6 << 28, plen, nh, 64,
                       socket.inet_pton(socket.AF_INET6, "fd00:99::1"),
                       socket.inet_pton(socket.AF_INET6, "fd00:99::2")) + payload


def ext(nh, hdr_ext_len, fill=b""):
    """An IPv6 extension header (hop-by-hop, routing or destination options)."""
    body = fill.ljust((hdr_ext_len + 1) * 8 - 2, b"\x01")
    return struct.pack("!BB", nh, hdr_ext_len) + body


def eth(dst, ethertype, payload):
    return dst + SRC_MAC + struct.pack("!H", ethertype) + payload


def frame(case, dst):
    m = marker(case)
    if case == "runt":                  # 10 bytes: not even an Ethernet header (pcap only)
        return (dst + SRC_MAC)[:10]
    if case == "eth-only":              # An IPv4 Ethertype and nothing after it
        return eth(dst, 0x0800, b"")
    if case == "ihl-short":             # IHL 3 (< 5): impossible
        return eth(dst, 0x0800, ipv4(udp(m), ihl=3))
    if case == "ihl-long":              # IHL 15 (60 bytes) in a 40-byte IP packet
        return eth(dst, 0x0800, ipv4(udp(m), ihl=15)[:40])
    if case == "totlen-short":          # Total length 12 < the 20-byte header
        return eth(dst, 0x0800, ipv4(udp(m), tot_len=12))
    if case == "totlen-long":           # Total length 1400 in a 60-byte IP packet
        return eth(dst, 0x0800, ipv4(udp(m), tot_len=1400))
    if case == "ipv6-ext-overrun":      # A destination-options header longer than the payload
        payload = struct.pack("!BB", 17, 200) + m
        return eth(dst, 0x86DD, ipv6(60, payload))
    if case == "ipv6-plen-long":        # Payload length 1000 in a short packet
        return eth(dst, 0x86DD, ipv6(17, udp(m), plen=1000))
    if case == "ipv6-ext-cut":          # Fragment header cut after 4 bytes, length consistent
        return eth(dst, 0x86DD, ipv6(44, struct.pack("!BBH", 17, 0, 0)))
    if case == "ipv6-ext-chain":        # A long but valid chain ending in No Next Header
        chain = ext(60, 0)              # hop-by-hop -> destination options
        for _ in range(8):
            chain += ext(60, 1)         # destination options x8
        chain += ext(59, (len(m) + 2 + 7) // 8 - 1, m)  # -> no next header; the marker
        return eth(dst, 0x86DD, ipv6(0, chain))
    if case == "tcp-doff-short":        # TCP data offset 2 (< 5): impossible
        return eth(dst, 0x0800, ipv4(tcp(m, doff=2), proto=6))
    if case == "tcp-opt-zero-len":      # MSS option with length 0, then NOPs: for the hosts
        opts = bytes([2, 0, 1, 1])      # to judge, a switch forwards it
        return eth(dst, 0x0800, ipv4(tcp(m, doff=6, options=opts), proto=6))
    if case == "ok-1500":               # A full-size frame: IP length 1500 (the MTU)
        return eth(dst, 0x0800, ipv4(udp(m.ljust(1500 - 28, b"x"))))
    if case == "jumbo-1600":            # IP length 1600: beyond the port's MTU of 1500
        return eth(dst, 0x0800, ipv4(udp(m.ljust(1600 - 28, b"x"))))
    if case == "jumbo-4000":            # IP length 4000 (beyond the MTU and the rx buffers)
        return eth(dst, 0x0800, ipv4(udp(m.ljust(4000 - 28, b"x"))))
    if case in ("udp-ok", "end"):       # A good frame; "end" stops 'recv'
        return eth(dst, 0x0800, ipv4(udp(m)))
    raise SystemExit("bad-frames.py: unknown case %r (see 'bad-frames.py list')" % case)


# Case -> what the switch must do: the drop reason it counts, or "forward".
CASES = {
    "runt": "runt", "eth-only": "truncated", "ihl-short": "malformed",
    "ihl-long": "truncated", "totlen-short": "malformed", "totlen-long": "truncated",
    "ipv6-ext-overrun": "malformed", "ipv6-plen-long": "truncated",
    "ipv6-ext-cut": "malformed", "ipv6-ext-chain": "forward", "tcp-doff-short": "malformed",
    "tcp-opt-zero-len": "forward", "ok-1500": "forward", "jumbo-1600": "oversize",
    "jumbo-4000": "oversize", "udp-ok": "forward", "end": "forward",
}


def cmd_send(iface, dst, case, count):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((iface, 0))
    f = frame(case, bytes.fromhex(dst.replace(":", "")))
    for _ in range(int(count)):
        s.send(f)
    s.close()


def cmd_recv(iface, seconds):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
    s.bind((iface, 0))
    s.settimeout(0.2)
    print("ready", flush=True)
    seen = {}
    end = time.time() + float(seconds)
    while time.time() < end:
        try:
            data, addr = s.recvfrom(65535)
        except socket.timeout:
            continue
        if addr[2] == socket.PACKET_OUTGOING:
            continue
        i = data.find(MARK)
        if i >= 0:
            j = data.find(b";", i)
            name = data[i + len(MARK):j].decode(errors="replace")
            seen[name] = seen.get(name, 0) + 1
            if name == "end":
                break
    for name in sorted(seen):
        print(name, seen[name])


def cmd_pcap(path, args):
    dst = bytes.fromhex("02aabbccdd02")
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for case, count in zip(args[::2], args[1::2]):
            fr = frame(case, dst)
            for _ in range(int(count)):
                f.write(struct.pack("<IIII", 0, 0, len(fr), len(fr)) + fr)


def main(argv):
    if len(argv) >= 6 and argv[1] == "send":
        cmd_send(argv[2], argv[3], argv[4], argv[5])
    elif len(argv) == 4 and argv[1] == "recv":
        cmd_recv(argv[2], argv[3])
    elif len(argv) >= 5 and argv[1] == "pcap" and len(argv) % 2 == 1:
        cmd_pcap(argv[2], argv[3:])
    elif len(argv) == 2 and argv[1] == "list":
        for case, verdict in CASES.items():
            print(case, verdict)
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
