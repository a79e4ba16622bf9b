#!/usr/bin/env python3
"""A minimal OpenFlow 1.3 controller for the fail-mode tests (no os-ken needed).

Usage: ofp-mini-controller.py PORT MODE
Listens on 127.0.0.1:PORT. For each switch that connects it answers hello and echo requests,
asks for the features, then replaces the switch's flows with MODE's:
  drop     one rule, priority=100 with no actions: every packet is dropped;
  forward  in_port=1 -> output:2 and in_port=2 -> output:1 (priority 100), nothing else.
Prints one line per event ("connected", "flows installed", "disconnected") and runs until killed.
"""
import socket
import struct
import sys
import threading

OFP13 = 4
OFPT_HELLO, OFPT_ECHO_REQUEST, OFPT_ECHO_REPLY, OFPT_FEATURES_REQUEST = 0, 2, 3, 5
OFPT_FLOW_MOD, OFPT_BARRIER_REQUEST = 14, 20
OFPFC_ADD, OFPFC_DELETE = 0, 3
OFPP_ANY, OFPG_ANY, OFP_NO_BUFFER, OFPTT_ALL = 0xffffffff, 0xffffffff, 0xffffffff, 0xff


def msg(mtype, xid, body=b""):
    return struct.pack("!BBHI", OFP13, mtype, 8 + len(body), xid) + body


def match(in_port=None):
    """struct ofp_match (OXM), padded to 8 bytes."""
    fields = b"" if in_port is None else struct.pack("!II", 0x80000004, in_port)
    m = struct.pack("!HH", 1, 4 + len(fields)) + fields
    return m + b"\0" * (-len(m) % 8)


def flow_mod(xid, command, priority, in_port=None, out_port=None, table=0):
    body = struct.pack("!QQBBHHHIIIHxx", 0, 0, table, command, 0, 0, priority, OFP_NO_BUFFER,
                       OFPP_ANY, OFPG_ANY, 0)
    body += match(in_port)
    if out_port is not None:
        action = struct.pack("!HHIH6x", 0, 16, out_port, 0xffff)        # output
        body += struct.pack("!HH4x", 4, 8 + len(action)) + action       # apply_actions
    return msg(OFPT_FLOW_MOD, xid, body)


def serve(conn, mode):
    print("connected", flush=True)
    conn.sendall(msg(OFPT_HELLO, 1) + msg(OFPT_FEATURES_REQUEST, 2))
    conn.sendall(flow_mod(3, OFPFC_DELETE, 0, table=OFPTT_ALL))
    if mode == "drop":
        conn.sendall(flow_mod(4, OFPFC_ADD, 100))
    else:
        conn.sendall(flow_mod(4, OFPFC_ADD, 100, in_port=1, out_port=2)
                     + flow_mod(5, OFPFC_ADD, 100, in_port=2, out_port=1))
    conn.sendall(msg(OFPT_BARRIER_REQUEST, 6))
    print("flows installed", flush=True)
    buf = b""
    try:
        while True:
            data = conn.recv(65536)
            if not data:
                break
            buf += data
            while len(buf) >= 8:
                _, mtype, length, xid = struct.unpack("!BBHI", buf[:8])
                if length < 8 or len(buf) < length:
                    break
                body, buf = buf[8:length], buf[length:]
                if mtype == OFPT_ECHO_REQUEST:
                    conn.sendall(msg(OFPT_ECHO_REPLY, xid, body))
    except OSError:
        pass
    print("disconnected", flush=True)
    conn.close()


def main():
    port, mode = int(sys.argv[1]), sys.argv[2]
    if mode not in ("drop", "forward"):
        sys.exit("MODE must be drop or forward")
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", port))
    srv.listen(4)
    while True:
        conn, _ = srv.accept()
        threading.Thread(target=serve, args=(conn, mode), daemon=True).start()


if __name__ == "__main__":
    main()
