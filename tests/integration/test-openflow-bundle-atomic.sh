#!/bin/bash
# A bundle commit is atomic for packets too: while namespace a floods frames into port 1, bundles
# swap the rule for in_port=1 between "output:2" and "output:3" by deleting the one and adding the
# other (with 2,000 unrelated flow-mods in between, so the commit takes a while). A packet
# translated between the delete and the add would match neither and fall to the low-priority
# rule "output:4": port 4 must transmit nothing, while ports 2 and 3 both carried the flood.
. "$(dirname "$0")/common.sh"
uvs_require_root
uvs_test_init bundle-atomic

BR=br$UVS_SFX
check "uvsdb-server starts" uvs_start_db || uvs_test_finish
check "uvs-vswitchd starts" uvs_start_vswitchd || uvs_test_finish
i=1
for n in a b c d; do
    check "namespace $n" uvs_add_ns $n 10.24.0.$i || uvs_test_finish
    i=$((i + 1))
done
check "add-br" uvs-vsctl --timeout=30 add-br "$BR"
i=1
for n in a b c d; do
    check "add-port $n as $i" uvs-vsctl --timeout=30 add-port "$BR" "$(uvs_veth $n)" \
        -- set Interface "$(uvs_veth $n)" ofport_request=$i
    i=$((i + 1))
done

check "del-flows" uvs-ofctl del-flows "$BR"
check "add the 'neither' rule: in_port=1 -> 4" uvs-ofctl add-flow "$BR" \
    "priority=1,in_port=1,actions=output:4"
check "add rule A: in_port=1 -> 2" uvs-ofctl add-flow "$BR" \
    "priority=100,in_port=1,actions=output:2"

# Bundle files: delete the current rule, NX unrelated adds in table 1 (with long action lists,
# which take the switch a while to check), add the other rule.
P=$UVS_TEST_DIR
NX=2000
ACTS=$(for r in $(seq 0 15); do printf 'load:%d->NXM_NX_REG%d[],' $r $r; done)
for to in 2 3; do
    {
        echo "delete_strict priority=100,in_port=1"
        echo "delete table=1"
        for j in $(seq 1 $NX); do
            printf '%s%s\n' "add table=1,priority=5,ip,nw_dst=10.99.$((j / 250)).$((j % 250))," \
                "actions=${ACTS%,}"
        done
        echo "add priority=100,in_port=1,actions=output:$to"
    } >"$P/to$to.flows"
done

tx() {
    uvs-ofctl --format json dump-ports "$BR" "$1" \
        | python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["tx_packets"])'
}
TX4_BEFORE=$(tx 4)

# The flood: an experimental-ethertype broadcast frame (no kernel answers it), in bursts.
cat >"$P/flood.py" <<'PY'
import os, socket, sys, time
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("eth0", 0))
frame = b"\xff" * 6 + b"\x02\x00\x00\x00\x00\x0a" + b"\x88\xb5" + b"uvs-bundle-atomic" * 3
end = time.time() + float(sys.argv[1])      # At most; normally until STOP-FILE appears.
n = 0
while time.time() < end and not (n % 1000 == 0 and os.path.exists(sys.argv[2])):
    n += 20
    for _ in range(20):
        try:
            s.send(frame)
        except OSError:
            pass
    time.sleep(0.001)
PY
uvs_ns_exec a python3 "$P/flood.py" 90 "$P/stop" &
FLOOD=$!

flood_on_2() { [ "$(tx 2)" -gt 100 ]; }
check "the flood reaches port 2" wait_until 10 flood_on_2
swaps_ok=0
for k in $(seq 1 10); do
    uvs-ofctl --bundle add-flows "$BR" "$P/to3.flows" && swaps_ok=$((swaps_ok + 1))
    sleep 0.3
    uvs-ofctl --bundle add-flows "$BR" "$P/to2.flows" && swaps_ok=$((swaps_ok + 1))
    sleep 0.3
done
touch "$P/stop"
wait "$FLOOD"

check_output "all 20 bundles committed" 20 echo "$swaps_ok"
check_grep "the flows are back at rule A and the table-1 flows" "\"flow_count\": $((NX + 2))" \
    uvs-ofctl --format json dump-aggregate "$BR"
check "port 3 carried the flood too" test "$(tx 3)" -gt 100
check_output "port 4 (neither rule A nor B) transmitted nothing" "$TX4_BEFORE" tx 4

uvs_test_finish
