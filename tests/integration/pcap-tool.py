#!/usr/bin/env python3
"""Small pcap helper for the integration tests (Python standard library only).

  pcap-tool.py gen IN.pcap EXPECTED.pcap   write a mixed packet capture and, from an independent
                                           model of test-pcap.sh's rules, the packets that port 2
                                           must transmit, in order
  pcap-tool.py empty FILE.pcap             write a capture with no packets
  pcap-tool.py cmp EXPECTED.pcap GOT.pcap  compare packet by packet; print the first difference
  pcap-tool.py count FILE.pcap             print the number of packets
"""
import struct
import sys

LINKTYPE_ETHERNET = 1


def write_pcap(path, packets):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, LINKTYPE_ETHERNET))
        for i, p in enumerate(packets):
            f.write(struct.pack("<IIII", 1700000000 + i, 0, len(p), len(p)))
            f.write(p)


def read_pcap(path):
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        raise SystemExit(f"{path}: not a pcap file ({len(data)} bytes)")
    magic = struct.unpack("<I", data[:4])[0]
    endian = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
    off, packets = 24, []
    while off + 16 <= len(data):
        _, _, caplen, _ = struct.unpack(endian + "IIII", data[off:off + 16])
        off += 16
        packets.append(data[off:off + caplen])
        off += caplen
    return packets


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def mac(s):
    return bytes(int(x, 16) for x in s.split(":"))


def ip4(s):
    return bytes(int(x) for x in s.split("."))


def eth(dst, src, ethertype, payload):
    frame = mac(dst) + mac(src) + struct.pack("!H", ethertype) + payload
    return frame + b"\0" * max(0, 60 - len(frame))


def ipv4(src, dst, proto, l4):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), 1, 0, 64, proto, 0, ip4(src), ip4(dst))
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    return hdr + l4


def udp(sport, dport, payload=b"uvs-test"):
    return struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload


def tcp(sport, dport):
    return struct.pack("!HHIIBBHHH", sport, dport, 1, 0, 5 << 4, 0x02, 1024, 0, 0)


A, B = "02:00:00:00:00:0a", "02:00:00:00:00:0b"


def packets():
    """(packet, fields) pairs; fields feed the reference model."""
    out = []
    for i in range(8):
        src = f"10.1.0.{i + 1}" if i % 2 else f"10.2.0.{i + 1}"
        dport = 53 if i % 3 == 0 else 1000 + i
        out.append((eth(B, A, 0x0800, ipv4(src, "10.9.9.9", 17, udp(4000 + i, dport))),
                    dict(ip=True, proto=17, nw_src=src, tp_dst=dport)))
    for i in range(4):
        src = f"10.1.1.{i + 1}"
        out.append((eth(B, A, 0x0800, ipv4(src, "10.9.9.9", 6, tcp(5000 + i, 80))),
                    dict(ip=True, proto=6, nw_src=src, tp_dst=80)))
    arp = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, mac(A), ip4("10.1.0.1"),
                      b"\0" * 6, ip4("10.9.9.9"))
    out.append((eth("ff:ff:ff:ff:ff:ff", A, 0x0806, arp), dict(ip=False)))
    ip6 = struct.pack("!IHBB16s16s", 6 << 28, 8, 17, 64, b"\xfe\x80" + b"\0" * 13 + b"\1",
                      b"\xfe\x80" + b"\0" * 13 + b"\2") + udp(53, 53, b"")
    out.append((eth(B, A, 0x86DD, ip6), dict(ip=False)))
    return out


def in_prefix(addr, prefix, plen):
    a = struct.unpack("!I", ip4(addr))[0]
    p = struct.unpack("!I", ip4(prefix))[0]
    mask = (0xFFFFFFFF << (32 - plen)) & 0xFFFFFFFF
    return a & mask == p & mask


def forwarded(f):
    """Reference model of test-pcap.sh's rules, independent of uvs:
    priority=100,in_port=1,udp,tp_dst=53 -> output:2
    priority=95,in_port=1,tcp -> drop
    priority=90,in_port=1,ip,nw_src=10.1.0.0/16 -> output:2
    (no other rule: everything else is dropped)"""
    if f.get("ip") and f["proto"] == 17 and f["tp_dst"] == 53:
        return True
    if f.get("ip") and f["proto"] == 6:
        return False
    if f.get("ip") and in_prefix(f["nw_src"], "10.1.0.0", 16):
        return True
    return False


def main():
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    if cmd == "gen":
        pk = packets()
        write_pcap(sys.argv[2], [p for p, _ in pk])
        write_pcap(sys.argv[3], [p for p, f in pk if forwarded(f)])
    elif cmd == "empty":
        write_pcap(sys.argv[2], [])
    elif cmd == "count":
        print(len(read_pcap(sys.argv[2])))
    elif cmd == "cmp":
        exp, got = read_pcap(sys.argv[2]), read_pcap(sys.argv[3])
        for i, (e, g) in enumerate(zip(exp, got)):
            if e != g:
                print(f"packet {i + 1} differs:\n  expected {e.hex()}\n  got      {g.hex()}")
                return 1
        if len(exp) != len(got):
            print(f"expected {len(exp)} packets, got {len(got)}")
            return 1
        print(f"{len(exp)} packets identical")
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
