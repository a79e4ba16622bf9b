#!/usr/bin/env python3
"""tests/vm/vhost-hostile.py — a hostile vhost-user front end (what a compromised QEMU could send).

Usage: vhost-hostile.py SOCKET [ROUNDS]

Connects to the vhost-user server socket SOCKET (a uvs dpdkvhostuser port) ROUNDS times (default
1) and, one connection per case, sends malformed control messages: unknown requests, sizes larger
than any message, truncated headers, every feature bit, a memory table with regions but no file
descriptors, vring numbers and indexes out of range, ring addresses that map nothing, kicks without
descriptors, and random bytes. The backend must drop each connection (or ignore the message)
without crashing or stalling. Prints one line per case and "hostile: N cases sent"; exits 0 when
every case was delivered (the socket accepted the connection), 1 otherwise.
"""
import os
import socket
import struct
import sys

VHOST_USER_VERSION = 0x1
REPLY_MASK = 0x4


def msg(request, payload=b"", size=None, flags=VHOST_USER_VERSION):
    """A vhost-user message: u32 request, u32 flags, u32 size, then the payload."""
    return struct.pack("<III", request, flags, len(payload) if size is None else size) + payload


def u64(v):
    return struct.pack("<Q", v & 0xFFFFFFFFFFFFFFFF)


def vring_state(index, num):
    return struct.pack("<II", index & 0xFFFFFFFF, num & 0xFFFFFFFF)


def vring_addr(index):
    # index, flags, desc, used, avail, log: addresses that no memory region maps.
    return struct.pack("<IIQQQQ", index, 0, 0xdead0000, 0xbeef0000, 0xfeed0000, 0)


def mem_table(nregions):
    regions = b"".join(struct.pack("<QQQQ", 0x1000 * i, 1 << 40, 0x7f0000000000, 0)
                       for i in range(8))
    return struct.pack("<II", nregions, 0) + regions


CASES = [
    ("unknown request", msg(0x7FFF)),
    ("size larger than any message", msg(1, size=0xFFFFFFFF)),
    ("truncated header", struct.pack("<I", 1) + b"\x01"),
    ("every feature bit", msg(1) + msg(2, u64(-1))),
    ("memory table with regions but no fds", msg(2, u64(0)) + msg(5, mem_table(8))),
    ("memory table with 4 billion regions", msg(5, struct.pack("<II", 0xFFFFFFFF, 0))),
    ("vring index out of range", msg(8, vring_state(100000, 256))),
    ("vring size not a power of two", msg(8, vring_state(0, 3))),
    ("vring size 65535", msg(8, vring_state(1, 65535))),
    ("ring addresses mapping nothing", msg(8, vring_state(0, 256)) + msg(9, vring_addr(0))
     + msg(11, vring_state(0, 0)) + msg(18, vring_state(0, 1))),
    ("kick without a descriptor", msg(12, u64(0))),
    ("reply flag from the front end", msg(1, flags=VHOST_USER_VERSION | REPLY_MASK)),
    ("random bytes", os.urandom(4096)),
]


def main():
    if len(sys.argv) < 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    path = sys.argv[1]
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    sent = failed = 0
    for _ in range(rounds):
        for name, data in CASES:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.settimeout(0.3)
            try:
                s.connect(path)
                s.sendall(data)
                try:
                    s.recv(4096)        # a reply, or the backend closing on us
                except (socket.timeout, OSError):
                    pass
                sent += 1
                print(f"hostile: {name}: sent")
            except OSError as e:
                failed += 1
                print(f"hostile: {name}: {e}")
            finally:
                s.close()
    print(f"hostile: {sent} cases sent, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
