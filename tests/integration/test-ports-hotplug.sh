#!/bin/bash
# Adding or removing ports never interrupts traffic on the others. Namespaces a and b ping each
# other through the bridge every 10 ms (2,000 echo requests) while other ports are added and
# removed over and over (at least 8 cycles, as many as fit): three system ports (af_packet on
# veths), an internal port (tap), a net_null DPDK port (no-rx=1: its endless rx would flood the
# bridge) and a whole second bridge with an internal port. Not one echo request may be lost, and the
# longest round trip stays well below a second (a PMD stalled by a reconfiguration would show up
# there first). Each port added in a cycle must be working (an ofport, no error) before it is
# removed again. (This caught DPDK's af_packet driver capturing other interfaces' frames into a
# new port's ring before binding it: see af_packet_drain() in src/pmd/netdev-dpdk.c.)
. "$(dirname "$0")/common.sh"
uvs_require_root
uvs_test_init ports-hotplug

CYCLES=8
BR=br$UVS_SFX
BR2=bx$UVS_SFX
check "uvsdb-server starts" uvs_start_db || uvs_test_finish
check "uvs-vswitchd starts" uvs_start_vswitchd || uvs_test_finish
check "namespace a" uvs_add_ns a 10.74.0.1 || uvs_test_finish
check "namespace b" uvs_add_ns b 10.74.0.2 || uvs_test_finish
check "add-br" uvs-vsctl --timeout=30 add-br "$BR" || uvs_test_finish
check "add-port a" uvs-vsctl --timeout=30 add-port "$BR" "$(uvs_veth a)"
check "add-port b" uvs-vsctl --timeout=30 add-port "$BR" "$(uvs_veth b)"
check "a pings b" wait_until 15 uvs_ns_exec a ping -c 1 -W 1 10.74.0.2
# Spare veth pairs to add and remove (their peers stay in the root namespace, down).
SPARES=()
for n in 1 2 3; do
    v=s${UVS_SFX}v$n
    check "spare veth $v" ip link add "$v" type veth peer name "s${UVS_SFX}p$n"
    UVS_TEST_VETHS+=("$v")
    ip link set "$v" up
    SPARES+=("$v")
done

# 2,000 echo requests every 10 ms (20 s or more): the cycles below run while it lasts.
uvs_ns_exec a ping -i 0.01 -c 2000 -W 1 10.74.0.2 >"$UVS_TEST_DIR/ping.out" 2>&1 &
PING=$!
sleep 0.5

ok_port() {         # ok_port IFACE — opened: an ofport, no error
    [ "$(uvs-vsctl get Interface "$1" error)" = "[]" ] &&
        [ "$(uvs-vsctl get Interface "$1" ofport)" -gt 0 ] 2>/dev/null
}
# add_all C — one transaction: the spares, an internal and a net_null port, a bridge with a port.
add_all() {
    local c=$1 add=(uvs-vsctl --timeout=30) v
    for v in "${SPARES[@]}"; do
        add+=(-- add-port "$BR" "$v")
    done
    add+=(-- add-port "$BR" "in$c$UVS_SFX" -- set Interface "in$c$UVS_SFX" type=internal
          -- add-port "$BR" "nl$c$UVS_SFX" -- set Interface "nl$c$UVS_SFX" type=dpdk
             "options:dpdk-devargs=net_null_h$c$UVS_SFX,no-rx=1"
          -- add-br "$BR2" -- add-port "$BR2" "ix$c$UVS_SFX"
          -- set Interface "ix$c$UVS_SFX" type=internal)
    "${add[@]}"
}
all_work() {
    local i
    for i in "${SPARES[@]}" "in$1$UVS_SFX" "nl$1$UVS_SFX" "ix$1$UVS_SFX"; do
        ok_port "$i" || { echo "$i: ofport $(uvs-vsctl get Interface "$i" ofport)," \
                               "error $(uvs-vsctl get Interface "$i" error)"; return 1; }
    done
}
# del_all C — one transaction per port, then the bridge.
del_all() {
    local v
    for v in "${SPARES[@]}" "in$1$UVS_SFX" "nl$1$UVS_SFX"; do
        uvs-vsctl --timeout=30 del-port "$BR" "$v" || return 1
    done
    uvs-vsctl --timeout=30 del-br "$BR2"
}
c=0
while kill -0 "$PING" 2>/dev/null && [ "$c" -lt 40 ]; do
    c=$((c + 1))
    DONE=$c
    check "cycle $c: add 5 ports and a bridge" add_all "$c"
    check "cycle $c: every added port works" all_work "$c"
    check "cycle $c: remove them one transaction at a time" del_all "$c"
done
check_output "ports left: just a and b" "$(printf '%s\n' "$(uvs_veth a)" "$(uvs_veth b)" | sort)" \
    bash -c "uvs-vsctl list-ports $BR | sort"
check "at least $CYCLES add/remove cycles ran during the ping ($DONE)" test "$DONE" -ge "$CYCLES"
wait "$PING"
SUMMARY=$(grep -E 'packets transmitted|rtt' "$UVS_TEST_DIR/ping.out")
echo "$SUMMARY"
SENT=$(sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p' "$UVS_TEST_DIR/ping.out")
RECV=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$UVS_TEST_DIR/ping.out")
MAX_MS=$(sed -n 's|^rtt .* = [0-9.]*/[0-9.]*/\([0-9.]*\)/.*|\1|p' "$UVS_TEST_DIR/ping.out")
check "the ping ran throughout ($SENT echo requests)" test "${SENT:-0}" -eq 2000
check_output "no echo request lost while ports came and went" "$SENT" echo "$RECV"
check "longest round trip below 500 ms (was $MAX_MS ms)" \
    awk -v m="${MAX_MS:-99999}" 'BEGIN { exit !(m < 500) }'
uvs_test_finish
