#!/bin/bash
# Kill and restart vhost-user guests repeatedly while traffic runs (issue 8): no leaked file
# descriptors, mbufs or DPDK memory. Guest A (testpmd txonly, behind a dpdkvhostuserclient port)
# floods guest B (testpmd rxonly, behind a dpdkvhostuser port); B is killed with SIGKILL and
# restarted ROUNDS times (every third round A too, so that uvs reconnects as a client), each time
# checking that traffic reaches the new B. With both guests gone, the daemon's open file
# descriptors (/proc/PID/fd), mbufs in use and DPDK heap bytes (memory/show) must be back at what
# they were before the loop (after one warm-up round, so that one-time allocations are counted in
# the baseline).
. "$(dirname "$0")/common.sh"
uvs_require_root
command -v dpdk-testpmd >/dev/null || uvs_test_skip "dpdk-testpmd not installed (Debian dpdk-dev)"
uvs_test_init vhost-leak
. "$UVS_SRCDIR/tests/vm/testpmd-guest.sh"

ROUNDS=${UVS_VHOST_LEAK_ROUNDS:-10}
BR=br$UVS_SFX
SOCK_A=$UVS_TEST_DIR/a.sock
SOCK_B=$UVS_RUNDIR/vhu1

port_stat() {
    uvs-ofctl dump-ports "$BR" | awk -v p="$1" -v d="$2" '
        $1 == "port" && $2 == p ":" { want = 1 }
        want && $0 ~ d " pkts=" { sub(".*" d " pkts=", ""); sub(",.*", ""); print; exit }'
}
status_is() {
    [ "$(uvs-vsctl get Interface "$1" "status:$2" 2>/dev/null | tr -d '"')" = "$3" ]
}
increases() {
    local a b
    a=$("$@")
    sleep 0.5
    b=$("$@")
    [ -n "$a" ] && [ -n "$b" ] && [ "$b" -gt "$a" ]
}
mem_field() {       # mem_field KEY — a number from memory/show
    uvs-appctl memory/show | grep -oE "(^| )$1:[0-9]+" | head -1 | cut -d: -f2
}
n_fds() {
    ls "/proc/$VSWITCHD_PID/fd" | wc -l
}
# start_guests / stop_guests: A floods B through uvs; wait until B gets traffic.
start_guests() {
    guest_start B rxonly "$SOCK_B" &&
    guest_start A txonly "$SOCK_A" server=1 &&
    wait_until 30 status_is vhu0 status connected &&
    wait_until 30 status_is vhu1 status connected &&
    wait_until 10 increases port_stat 2 tx
}
stop_guests() {
    guest_stop A
    guest_stop B
    wait_until 10 status_is vhu0 status disconnected &&
    wait_until 10 status_is vhu1 status disconnected
}
# settled KEY — memory/show KEY equals the baseline (mbufs come back from queues and caches).
settled() {
    [ "$(mem_field "$1")" = "${BASE[$1]}" ]
}

check "uvsdb-server starts" uvs_start_db || uvs_test_finish
check "uvs-vswitchd starts" uvs_start_vswitchd || uvs_test_finish
VSWITCHD_PID=$(cat "$UVS_RUNDIR/uvs-vswitchd.pid")
check "add-br" uvs-vsctl --timeout=30 add-br "$BR"
check "add dpdkvhostuserclient vhu0" uvs-vsctl --timeout=30 add-port "$BR" vhu0 -- \
    set Interface vhu0 type=dpdkvhostuserclient "options:vhost-server-path=$SOCK_A" \
    ofport_request=1
check "add dpdkvhostuser vhu1" uvs-vsctl --timeout=30 add-port "$BR" vhu1 -- \
    set Interface vhu1 type=dpdkvhostuser ofport_request=2
check "flow 1->2" uvs-ofctl add-flow "$BR" priority=10,in_port=1,actions=output:2

# Warm-up round, then the baseline with no guest.
check "warm-up: guests connect and traffic flows" start_guests
check "warm-up: guests leave" stop_guests
declare -A BASE
BASE[fds]=$(n_fds)
for k in mbufs_in_use dpdk_heap_used; do
    BASE[$k]=$(mem_field $k)
done
echo "baseline: fds=${BASE[fds]} mbufs_in_use=${BASE[mbufs_in_use]} dpdk_heap_used=${BASE[dpdk_heap_used]}"
check "baseline read from memory/show" test -n "${BASE[mbufs_in_use]}" -a -n "${BASE[dpdk_heap_used]}"

check "guests connect" start_guests
ok=0
for r in $(seq 1 "$ROUNDS"); do
    guest_kill B
    if [ $((r % 3)) = 0 ]; then
        guest_kill A
        guest_start A txonly "$SOCK_A" server=1
    fi
    wait_until 10 status_is vhu1 status disconnected || { echo "round $r: vhu1 still connected"; continue; }
    guest_start B rxonly "$SOCK_B"
    if wait_until 30 status_is vhu1 status connected && wait_until 30 status_is vhu0 status connected &&
            wait_until 10 increases port_stat 2 tx; then
        ok=$((ok + 1))
    else
        echo "round $r: traffic did not resume"
    fi
done
check "traffic resumed after each of $ROUNDS guest kills ($ok)" test "$ok" = "$ROUNDS"
check_grep "vhu1 counted the reconnects" "^\"?$((ROUNDS + 2))\"?$" \
    uvs-vsctl get Interface vhu1 status:connects
check "guests leave" stop_guests
check "uvs-vswitchd still runs" uvs-appctl version

echo "after: fds=$(n_fds) mbufs_in_use=$(mem_field mbufs_in_use)" \
     "dpdk_heap_used=$(mem_field dpdk_heap_used)"
check_output "no file descriptor leaked" "${BASE[fds]}" n_fds
check "no mbuf leaked (mbufs_in_use back to ${BASE[mbufs_in_use]})" wait_until 10 settled mbufs_in_use
check "no DPDK memory leaked (dpdk_heap_used back to ${BASE[dpdk_heap_used]})" \
    wait_until 10 settled dpdk_heap_used
uvs_test_finish
