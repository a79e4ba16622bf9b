#!/bin/bash
# Bad OVSDB input sent to uvsdb-server over its unix socket as raw JSON-RPC (python3): unknown
# methods and operations, wrong types, a huge string, deep nesting, invalid UTF-8, a wait that
# times out, an assert without the lock, referential-integrity breaks. Each request that can be
# answered gets the RFC 7047 error (§4.1.3 "error" strings as OVS sends them: "unknown method",
# "unknown database", "syntax error" (also for an unknown operation), "unknown column",
# "constraint violation", "timed out", "not owner", "referential integrity violation"); input that is not JSON at all (invalid UTF-8, nesting beyond the parser's
# limit) cannot be answered, so the server closes that connection. After every case the server is
# still up: a new connection's echo is answered and the database content is unchanged.
. "$(dirname "$0")/common.sh"
uvs_require_root
uvs_test_init bad-input-db

check "uvsdb-server starts" uvs_start_db || uvs_test_finish
check "a bridge to refer to" uvs-vsctl --no-wait add-br br0
SOCK=$UVS_RUNDIR/db.sock

RPC=$UVS_TEST_DIR/rpc.py
cat >"$RPC" <<'EOF'
# rpc.py SOCKET CASE — sends one raw request (CASE) and prints the answer: the RFC 7047 error
# string of the reply ("error: TAG") or of the failing operation ("op-error: TAG"), "ok" for a
# successful transaction, or "closed" if the server closed the connection without an answer. Then,
# on a new connection, checks the server answers an echo ("server up").
import json, socket, sys, time

def connect():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(10)
    s.connect(sys.argv[1])
    return s

def reply(s, want_id):
    dec = json.JSONDecoder()
    buf = ""
    while True:
        try:
            chunk = s.recv(1 << 20)
        except ConnectionResetError:
            chunk = b""
        if not chunk:
            return None
        buf += chunk.decode("utf-8")
        buf = buf.lstrip()
        while buf:
            try:
                obj, end = dec.raw_decode(buf)
            except ValueError:
                break
            buf = buf[end:].lstrip()
            if obj.get("id") == want_id:
                return obj

def txn(*ops):
    return json.dumps({"method": "transact", "params": ["Open_vSwitch"] + list(ops), "id": 7})

def nested(depth):
    return "[" * depth + "]" * depth

ovs_uuid = None
case = sys.argv[2]
cases = {
    "unknown-method": json.dumps({"method": "frobnicate", "params": [], "id": 7}),
    "unknown-db": json.dumps({"method": "transact", "params": ["No_Such_Db"], "id": 7}),
    "params-not-array": '{"method":"transact","params":{"a":1},"id":7}',
    "unknown-op": txn({"op": "explode", "table": "Bridge"}),
    "unknown-table": txn({"op": "select", "table": "NoSuchTable", "where": []}),
    "unknown-column": txn({"op": "insert", "table": "Bridge", "row": {"colour": "red"}}),
    "wrong-type": txn({"op": "insert", "table": "Bridge", "row": {"name": 42}}),
    "wrong-type-where": txn({"op": "select", "table": "Bridge", "where": [["name", "==", 1]]}),
    "out-of-range": txn({"op": "insert", "table": "Port",
                         "row": {"name": "p", "tag": 5000}}),
    "huge-string": txn({"op": "insert", "table": "Bridge", "row": {"name": "x" * (4 << 20)},
                        "uuid-name": "b"},
                       {"op": "abort"}),
    "deep-nesting-answerable": txn({"op": "select", "table": "Bridge",
                                    "where": json.loads(nested(500))}),
    "deep-nesting-unparseable": '{"method":"echo","params":' + nested(100000) + ',"id":7}',
    "invalid-utf8": b'{"method":"echo","params":["\xc3\x28\xff"],"id":7}',
    "wait-times-out": txn({"op": "wait", "table": "Bridge", "timeout": 300,
                           "where": [["name", "==", "br0"]], "columns": ["name"],
                           "until": "==", "rows": [{"name": "other"}]}),
    "assert-without-lock": txn({"op": "assert", "lock": "my_lock"}),
    "dangling-strong-ref": txn({"op": "update", "table": "Bridge",
                                "where": [["name", "==", "br0"]],
                                "row": {"ports": ["set", [["uuid",
                                        "01234567-89ab-cdef-0123-456789abcdef"]]]}}),
    "delete-referenced": txn({"op": "delete", "table": "Port", "where": []}),
}
s = connect()
data = cases[case]
start = time.monotonic()
s.sendall(data if isinstance(data, bytes) else data.encode())
r = reply(s, 7)
elapsed = time.monotonic() - start
if r is None:
    print("closed")
elif r.get("error"):
    print("error: %s" % r["error"].get("error"))
else:
    errs = [x.get("error") for x in r["result"] if isinstance(x, dict) and x.get("error")]
    print("op-error: %s" % errs[0] if errs else "ok")
if case == "wait-times-out":
    print("waited" if elapsed >= 0.25 else "answered after %.3fs, before the timeout" % elapsed)
s.close()

s = connect()
s.sendall(json.dumps({"method": "echo", "params": ["still"], "id": 8}).encode())
r = reply(s, 8)
print("server up" if r and r.get("result") == ["still"] else "server DOWN: %r" % (r,))
EOF

# expect CASE ANSWER — CASE gets ANSWER, and the server answers a new connection afterwards.
expect() {
    check_output "$1: $2" "$(printf '%s\nserver up' "$2")" python3 "$RPC" "$SOCK" "$1"
}

expect unknown-method "error: unknown method"
expect unknown-db "error: unknown database"
expect params-not-array "closed"
expect unknown-op "op-error: syntax error"
expect unknown-table "op-error: syntax error"
expect unknown-column "op-error: unknown column"
expect wrong-type "op-error: syntax error"
expect wrong-type-where "op-error: syntax error"
expect out-of-range "op-error: constraint violation"
expect huge-string "op-error: aborted"
expect deep-nesting-answerable "op-error: syntax error"
expect deep-nesting-unparseable "closed"
expect invalid-utf8 "closed"
check_output "wait-times-out: op-error: timed out, after the timeout" \
    "$(printf 'op-error: timed out\nwaited\nserver up')" python3 "$RPC" "$SOCK" wait-times-out
expect assert-without-lock "op-error: not owner"
expect dangling-strong-ref "op-error: referential integrity violation"

# A Port referenced by its bridge cannot be deleted (br0's own port).
expect delete-referenced "op-error: referential integrity violation"

# The database is intact and the server still running.
check_output "br0 is still the only bridge" "br0" uvs-vsctl --no-wait list-br
check_output "br0 still has its port" "br0" uvs-vsctl --no-wait get Port br0 name
check "uvsdb-server still answers appctl" uvs-appctl -t uvsdb-server version

uvs_test_finish
