#!/bin/bash
# Bad OpenFlow input on a bridge's management socket (T/run/BRIDGE.mgmt): raw messages built with
# python3's socket and struct modules, one connection per case. Each case negotiates OpenFlow 1.3,
# sends one malformed message, and must get the OFPT_ERROR type/code OpenFlow 1.3.5 §7.4.4 gives
# for it (with the offending message's xid and its first bytes as data); then an ECHO_REQUEST on
# the same connection must still be answered. Cases: lengths 0 and 7 (below the header), longer
# and shorter than the body, 65535; unknown message, multipart, instruction and action types; an
# experimenter message and an experimenter action; truncated action and instruction lists; a
# version other than the negotiated one. Afterwards the switch still forwards between two other
# ports, answers uvs-appctl, and has no rule from any rejected flow-mod.
. "$(dirname "$0")/common.sh"
uvs_require_root
uvs_test_init bad-input-of

BR=br$UVS_SFX
check "uvsdb-server starts" uvs_start_db || uvs_test_finish
check "uvs-vswitchd starts" uvs_start_vswitchd || uvs_test_finish
check "namespace a" uvs_add_ns a 10.31.0.1 || uvs_test_finish
check "namespace b" uvs_add_ns b 10.31.0.2 || uvs_test_finish
check "add-br" uvs-vsctl --timeout=30 add-br "$BR" || uvs_test_finish
check "add-port a" uvs-vsctl --timeout=30 add-port "$BR" "$(uvs_veth a)"
check "add-port b" uvs-vsctl --timeout=30 add-port "$BR" "$(uvs_veth b)"
check "ping through the bridge before" wait_until 10 uvs_ns_exec a ping -c 1 -W 1 10.31.0.2
MGMT=$UVS_RUNDIR/$BR.mgmt
check "management socket exists" test -S "$MGMT" || uvs_test_finish

OF=$UVS_TEST_DIR/ofraw.py
cat >"$OF" <<'EOF'
# ofraw.py SOCKET CASE — sends one raw OpenFlow 1.3 message (CASE) after HELLO and prints what came
# back: "error TYPE CODE xid=XID data=HEX16" for an OFPT_ERROR, "echo-reply LEN" for an echo
# reply, then "echo ok" if a following ECHO_REQUEST is still answered on the same connection.
import socket, struct, sys

V = 4
sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
sock.settimeout(5)
sock.connect(sys.argv[1])

def send(b):
    sock.sendall(b)

def recv_exact(n):
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise EOFError("connection closed by the switch")
        buf += chunk
    return buf

def recv_msg():
    h = recv_exact(8)
    version, type_, length, xid = struct.unpack("!BBHI", h)
    return version, type_, xid, recv_exact(length - 8) if length > 8 else b""

def hdr(type_, length, xid, version=V):
    return struct.pack("!BBHI", version, type_, length, xid)

def msg(type_, body, xid, version=V):
    return hdr(type_, 8 + len(body), xid, version) + body

def wait_for(types, xid):
    # Skips asynchronous messages (PORT_STATUS, PACKET_IN...) and HELLO.
    while True:
        v, t, x, body = recv_msg()
        if t in types and x == xid:
            return t, body

def flow_mod(instructions):
    fixed = struct.pack("!QQBBHHHIIIH2x", 0, 0, 0, 0, 0, 0, 0x8000, 0xffffffff, 0xffffffff,
                        0xffffffff, 0)
    match = struct.pack("!HH4x", 1, 4)      # OXM match, no fields, padded to 8
    return fixed + match + instructions

def apply_actions(actions, length=None):
    return struct.pack("!HH4x", 4, length if length is not None else 8 + len(actions)) + actions

output_action = struct.pack("!HHIH6x", 0, 16, 1, 0)      # OUTPUT port 1

XID = 0x5eed0001
cases = {
    # Lengths: 0 and 7 are below the 8-byte header; features/set-config/flow-mod have fixed bodies.
    "len0": hdr(2, 0, XID),
    "len7": hdr(2, 7, XID),
    "longer-than-body": msg(5, b"\0" * 8, XID),                  # FEATURES_REQUEST has no body
    "shorter-than-body": msg(9, b"", XID),                       # SET_CONFIG needs 4 bytes
    "flow-mod-short": msg(14, b"\0" * 8, XID),
    "len65535-unknown-type": msg(0xc8, b"\xab" * (65535 - 8), XID),
    "unknown-type": msg(99, b"", XID),
    "experimenter": msg(4, struct.pack("!II", 0x00abcdef, 1), XID),
    "unknown-multipart": msg(18, struct.pack("!HH4x", 0x7777, 0), XID),
    "unknown-action": msg(14, flow_mod(apply_actions(struct.pack("!HH4x", 0x1234, 8))), XID),
    "experimenter-action": msg(14, flow_mod(apply_actions(struct.pack("!HHI8x", 0xffff, 16,
                                                                      0x00abcdef))), XID),
    # An APPLY_ACTIONS of 16 bytes whose only action claims 16 bytes but has 8.
    "truncated-action-list": msg(14, flow_mod(struct.pack("!HH4x", 4, 16)
                                              + struct.pack("!HH4x", 0, 16)), XID),
    "truncated-instruction": msg(14, flow_mod(apply_actions(output_action, 32)), XID),
    "unknown-instruction": msg(14, flow_mod(struct.pack("!HH4x", 0x42, 8)), XID),
    "bad-version": msg(2, b"", XID, version=1),
}
case = sys.argv[2]
send(msg(0, struct.pack("!HHI", 1, 8, 1 << V), 1))       # HELLO with a version bitmap (1.3)
if case == "echo65535":
    payload = bytes(i % 251 for i in range(65535 - 8))
    send(msg(2, payload, XID))
    t, body = wait_for({3}, XID)
    print("echo-reply %d %s" % (8 + len(body), "same-data" if body == payload else "other-data"))
else:
    data = cases[case]
    send(data)
    t, body = wait_for({1}, XID)
    etype, ecode = struct.unpack("!HH", body[:4])
    print("error %d %d data=%s" % (etype, ecode, body[4:12].hex()))
    print("first-bytes-match" if body[4:4 + min(len(data), 64)] == data[:64] else
          "data %d bytes: %s" % (len(body) - 4, body[4:20].hex()))
send(msg(2, b"ping", 0x600d))
wait_for({3}, 0x600d)
print("echo ok")
EOF

# of_case CASE — runs one case; prints its result lines.
# shellcheck disable=SC2317  # called through check_output/check_grep
of_case() {
    python3 "$OF" "$MGMT" "$1" 2>&1
}

# expect CASE TYPE CODE — the case gets OFPT_ERROR TYPE/CODE carrying the message's first bytes,
# and the connection answers an echo afterwards.
expect() {
    local case=$1 type=$2 code=$3
    check_grep "$case: error type $type code $code" "^error $type $code " of_case "$case"
}
expect_full() {
    local case=$1 type=$2 code=$3
    check_output "$case: error $type/$code with the request's bytes, then echo answered" \
        "$(printf 'error %s %s data=%s\nfirst-bytes-match\necho ok' "$type" "$code" "$4")" \
        of_case "$case"
}

# OFPET_BAD_REQUEST (1): BAD_VERSION 0, BAD_TYPE 1, BAD_MULTIPART 2, BAD_EXPERIMENTER 3, BAD_LEN 6.
expect_full len0 1 6 040200005eed0001
expect_full len7 1 6 040200075eed0001
expect_full longer-than-body 1 6 040500105eed0001
expect_full shorter-than-body 1 6 040900085eed0001
expect_full flow-mod-short 1 6 040e00105eed0001
expect_full len65535-unknown-type 1 1 04c8ffff5eed0001
expect_full unknown-type 1 1 046300085eed0001
expect_full experimenter 1 3 040400105eed0001
expect_full unknown-multipart 1 2 041200105eed0001
expect_full bad-version 1 0 010200085eed0001
# OFPET_BAD_ACTION (2): BAD_TYPE 0, BAD_LEN 1, BAD_EXPERIMENTER 2.
expect unknown-action 2 0
expect experimenter-action 2 2
expect truncated-action-list 2 1
# OFPET_BAD_INSTRUCTION (3): UNKNOWN_INST 0, BAD_LEN 7.
expect truncated-instruction 3 7
expect unknown-instruction 3 0
check_output "a 65535-byte echo request is answered in full" \
    "$(printf 'echo-reply 65535 same-data\necho ok')" of_case echo65535

# The switch survived all of it.
check "uvs-vswitchd still running" uvs-appctl -t uvs-vswitchd version
check "ping through the bridge after" uvs_ns_exec a ping -c 2 -i 0.2 -W 1 10.31.0.2
check "uvs-ofctl still talks to the bridge" uvs-ofctl dump-flows "$BR"
check_output "no rejected flow-mod left a rule" "priority=0 actions=NORMAL" \
    bash -c "uvs-ofctl dump-flows $BR | grep -v '^NXST\|^OFPST' | sed 's/.* priority=/priority=/'"

uvs_test_finish
