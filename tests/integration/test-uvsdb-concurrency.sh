#!/bin/bash
# uvsdb with several clients at once: writers committing in parallel while monitors watch (each
# monitor sees every committed insert exactly once, in commit order per writer), locks handed over
# and stolen between clients, "wait" parked until another client's commit, "wait" timing out,
# "cancel", and a stalled client that does not read its monitor updates not blocking the others.
. "$(dirname "$0")/common.sh"
uvs_test_init uvsdb-concurrency
T=$UVS_TEST_DIR
SOCK=unix:$UVS_RUNDIR/db.sock
check "uvsdb-server starts" uvs_start_db || uvs_test_finish
uc() { uvsdb-client --timeout=10 "$@"; }

# ---- monitors and parallel writers ----
for m in 1 2 3; do
    uvsdb-client monitor "$SOCK" Queue external_ids --format=json >"$T/mon$m" 2>&1 &
    UVS_TEST_PIDS+=($!)
done
check "three monitors registered" wait_until 5 \
    bash -c "uvs-appctl -t uvsdb-server memory/show | grep -q ' monitors:3 '"
N=15
for w in 1 2 3 4; do
    (
        for i in $(seq $N); do
            uc transact "$SOCK" "[\"Open_vSwitch\",{\"op\":\"insert\",\"table\":\"Queue\",\"row\":{\"external_ids\":[\"map\",[[\"w$w\",\"$i\"]]]}}]" >/dev/null || exit 1
        done
    ) &
    WRITERS+=($!)
done
ok=0
for p in "${WRITERS[@]}"; do wait "$p" || ok=1; done
check "4 writers x $N transactions all committed" [ "$ok" -eq 0 ]
TOTAL=$((4 * N))
check_output "the database holds all $TOTAL rows" "$TOTAL" \
    bash -c "uc() { uvsdb-client --timeout=10 \"\$@\"; }; uc transact $SOCK '[\"Open_vSwitch\",{\"op\":\"select\",\"table\":\"Queue\",\"where\":[],\"columns\":[\"_uuid\"]}]' | grep -o _uuid | wc -l"
for m in 1 2 3; do
    check "monitor $m saw $TOTAL inserts" wait_until 5 \
        bash -c "[ \$(grep -o '\"new\"' $T/mon$m | wc -l) -ge $TOTAL ]"
    # Each row exactly once, and each writer's rows in the order it committed them.
    check "monitor $m: every row once, each writer's rows in commit order" python3 - "$T/mon$m" "$TOTAL" <<'PY'
import json, sys
seen, order = set(), {}
for line in open(sys.argv[1]):
    line = line.strip()
    if not line.startswith('{'):
        continue
    for uuid, ru in json.loads(line).get('Queue', {}).items():
        if 'new' not in ru or 'old' in ru:
            continue
        assert uuid not in seen, 'row %s reported twice' % uuid
        seen.add(uuid)
        (k, v), = ru['new']['external_ids'][1]
        order.setdefault(k, []).append(int(v))
assert len(seen) == int(sys.argv[2]), 'saw %d rows' % len(seen)
for k, vals in order.items():
    assert vals == sorted(vals), '%s out of order: %s' % (k, vals)
PY
done

# ---- locks ----
uvsdb-client lock "$SOCK" L >"$T/lockA" 2>&1 & A=$!
UVS_TEST_PIDS+=($A)
check "client A gets lock L" wait_until 5 grep -qx locked "$T/lockA"
uvsdb-client lock "$SOCK" L >"$T/lockB" 2>&1 & B=$!
UVS_TEST_PIDS+=($B)
check "client B waits for L" wait_until 5 grep -qx waiting "$T/lockB"
check_grep "assert of a lock not held fails with \"not owner\"" '"not owner"' \
    uc transact "$SOCK" '["Open_vSwitch",{"op":"assert","lock":"L"}]'
kill "$A"
check "B gets L when A disconnects" wait_until 5 grep -qx locked "$T/lockB"
uvsdb-client steal "$SOCK" L >"$T/lockC" 2>&1 & C=$!
UVS_TEST_PIDS+=($C)
check "C steals L" wait_until 5 grep -qx locked "$T/lockC"
check "B is told its lock was stolen" wait_until 5 grep -qx stolen "$T/lockB"
kill "$B" "$C" 2>/dev/null

# ---- wait: parked until another client commits, and timing out ----
uc transact "$SOCK" '["Open_vSwitch",{"op":"wait","table":"Bridge","where":[],"columns":["name"],"until":"==","rows":[{"name":"late"}],"timeout":8000},{"op":"select","table":"Bridge","where":[],"columns":["name"]}]' >"$T/wait" 2>&1 &
WAITER=$!
sleep 0.3
check "the waiting transaction is parked" wait_until 5 \
    bash -c "uvs-appctl -t uvsdb-server memory/show | grep -q 'waiting-transactions:1'"
check "another client commits what the wait expects" uvs-vsctl --no-wait add-br late
wait "$WAITER"
check_grep "the parked transaction completes after that commit" '"name":"late"' cat "$T/wait"
check_grep "a wait that cannot succeed times out" '"error":"timed out"' \
    uc transact "$SOCK" '["Open_vSwitch",{"op":"wait","table":"Bridge","where":[],"columns":["name"],"until":"==","rows":[],"timeout":200}]'

check_grep "\"cancel\" answers a parked transaction with \"canceled\"" '"error": *"canceled"' \
    python3 - "$UVS_RUNDIR/db.sock" <<'PY'
import json, socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.settimeout(5)
s.sendall(json.dumps({"method": "transact", "id": "w1", "params": ["Open_vSwitch",
    {"op": "wait", "table": "Bridge", "where": [], "columns": ["name"], "until": "==",
     "rows": [], "timeout": 60000}]}).encode())
s.sendall(json.dumps({"method": "cancel", "id": None, "params": ["w1"]}).encode())
print(s.recv(65536).decode())
PY

# monitor_cond + monitor_cond_change on the wire: the reply is {} and the rows entering the new
# condition arrive as an update2 "insert".
check_grep "monitor_cond_change moves the view (update2 insert of the newly matching row)" \
    '^update2 \["m2".*"insert": \{"name": "late"\}' python3 - "$UVS_RUNDIR/db.sock" <<'PY'
import json, socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.settimeout(5)
dec, buf = json.JSONDecoder(), ""
def msgs():
    global buf
    while True:
        buf = buf.lstrip()
        try:
            m, end = dec.raw_decode(buf)
            buf = buf[end:]
            yield m
        except ValueError:
            buf += s.recv(65536).decode()
it = msgs()
s.sendall(json.dumps({"method": "monitor_cond", "id": 1, "params": ["Open_vSwitch", "m1",
    {"Bridge": [{"columns": ["name"], "where": [["name", "==", "nothing"]]}]}]}).encode())
print("initial", json.dumps(next(it)))
s.sendall(json.dumps({"method": "monitor_cond_change", "id": 2, "params": ["m1", "m2",
    {"Bridge": [{"where": [["name", "==", "late"]]}]}]}).encode())
for _ in range(2):
    m = next(it)
    print(m.get("method") or "reply", json.dumps(m.get("params") or m.get("result")))
PY

# ---- a stalled client does not block the others ----
# It subscribes to every table and never reads; the server stops reading it once its backlog is
# full, while other clients keep being served.
python3 - "$UVS_RUNDIR/db.sock" >"$T/stall" 2>&1 <<'PY' &
import json, socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(json.dumps({"method": "monitor", "id": 1, "params": ["Open_vSwitch", None,
          {"Queue": {}, "Bridge": {}}]}).encode())
print("stalled", flush=True)
time.sleep(30)
PY
STALL=$!
UVS_TEST_PIDS+=($STALL)
check "stalled client connected" wait_until 5 grep -q stalled "$T/stall"
sessions() { uvs-appctl -t uvsdb-server memory/show | grep -o ' sessions:[0-9]*' | cut -d: -f2; }
n_before=$(sessions)
big=$(head -c 100000 /dev/zero | tr '\0' y)
ok=0
for i in $(seq 200); do
    uc transact "$SOCK" "[\"Open_vSwitch\",{\"op\":\"insert\",\"table\":\"Queue\",\"row\":{\"external_ids\":[\"map\",[[\"big\",\"$i$big\"]]]}}]" >/dev/null || ok=1
done
check "200 commits of 100 kB while a client stalls" [ "$ok" -eq 0 ]
check "other clients are still served" uc list-dbs "$SOCK"
check_grep "the stalled client was disconnected once 16 MiB were queued for it" \
    'not reading its replies and updates' cat "$UVS_LOGDIR/uvsdb-server.log"
check_output "its session is gone (memory bounded)" "$((n_before - 1))" sessions
kill "$STALL" 2>/dev/null
check "server alive after the stalled client leaves" uvs-appctl -t uvsdb-server version
uvs_test_finish
