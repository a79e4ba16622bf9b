#!/bin/bash
# Switch crash safety. uvs-vswitchd is killed with SIGKILL while a ping flood runs through it, three
# times; after each restart it rebuilds the bridge and ports from the database (same ofports),
# the database is intact, and forwarding resumes. Then flow-restore-wait: with
# other_config:flow-restore-wait=true the restarted switch forwards nothing, even after uvs-ofctl
# restored the flows, until the key is cleared; then it forwards with the restored flows. Last,
# twenty port add/del cycles must not leak file descriptors (/proc/PID/fd) or grow the resident
# memory without bound.
. "$(dirname "$0")/common.sh"
uvs_require_root
uvs_test_init crash-vswitchd
# Under AddressSanitizer, freed memory sits in a quarantine and the resident size grows with every
# free: turn the quarantine off so the memory check below measures the program (no effect on a
# normal build).
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0

BR=br$UVS_SFX
check "uvsdb-server starts" uvs_start_db || uvs_test_finish
check "uvs-vswitchd starts" uvs_start_vswitchd || uvs_test_finish
check "namespace a" uvs_add_ns a 10.41.0.1 || uvs_test_finish
check "namespace b" uvs_add_ns b 10.41.0.2 || uvs_test_finish
check "namespace c" uvs_add_ns c 10.41.0.3 || uvs_test_finish
VA=$(uvs_veth a)
VB=$(uvs_veth b)
VC=$(uvs_veth c)
check "add-br" uvs-vsctl --timeout=30 add-br "$BR" || uvs_test_finish
check "add-port a" uvs-vsctl --timeout=30 add-port "$BR" "$VA"
check "add-port b" uvs-vsctl --timeout=30 add-port "$BR" "$VB"
check "ping before any crash" wait_until 10 uvs_ns_exec a ping -c 1 -W 1 10.41.0.2

vswitchd_pid() {
    tr -dc '0-9' <"$UVS_RUNDIR/uvs-vswitchd.pid" 2>/dev/null
}

# The database as the switch's configuration: bridges, ports and interfaces with their ofports.
db_config() {
    uvs-vsctl --no-wait list-br
    uvs-vsctl --no-wait list-ports "$BR"
    uvs-vsctl --no-wait get Interface "$VA" ofport
    uvs-vsctl --no-wait get Interface "$VB" ofport
}
CONFIG_BEFORE=$(db_config)

# kill_under_traffic N — SIGKILL the switch while a flood ping runs from a to b, check the
# database, restart, check the rebuilt switch forwards again.
kill_under_traffic() {
    local n=$1 pid flood
    pid=$(vswitchd_pid)
    _uvs_record_dpdk_prefixes "$pid"     # its DPDK files are removed at cleanup
    uvs_ns_exec a ping -f -w 10 10.41.0.2 >/dev/null 2>&1 &
    flood=$!
    sleep 1
    check "cycle $n: SIGKILL uvs-vswitchd under traffic" kill -KILL "$pid"
    check "cycle $n: it is gone" wait_until 5 bash -c "! kill -0 $pid 2>/dev/null"
    kill "$flood" 2>/dev/null
    wait "$flood" 2>/dev/null
    check_output "cycle $n: database intact" "$CONFIG_BEFORE" db_config
    check "cycle $n: uvs-vswitchd restarts" uvs_start_vswitchd
    # shellcheck disable=SC2016  # expanded by the inner bash, at each try
    check "cycle $n: switch caught up with the database" wait_until 30 \
        bash -c '[ "$(uvs-vsctl get Open_vSwitch . cur_cfg)" = "$(uvs-vsctl get Open_vSwitch . next_cfg)" ]'
    check_output "cycle $n: ofports rebuilt as before" "$(printf '1\n2')" \
        bash -c "uvs-vsctl get Interface $VA ofport; uvs-vsctl get Interface $VB ofport"
    check_output "cycle $n: both interfaces opened without error" "$(printf '[]\n[]')" \
        bash -c "uvs-vsctl get Interface $VA error; uvs-vsctl get Interface $VB error"
    check "cycle $n: forwarding resumed" wait_until 15 uvs_ns_exec a ping -c 1 -W 1 10.41.0.2
}
for n in 1 2 3; do
    kill_under_traffic "$n"
done

# --- flow-restore-wait.
check "explicit flows instead of NORMAL" bash -c "uvs-ofctl del-flows $BR &&
    uvs-ofctl add-flow $BR priority=100,in_port=1,actions=output:2 &&
    uvs-ofctl add-flow $BR priority=100,in_port=2,actions=output:1"
check "ping with the explicit flows" wait_until 10 uvs_ns_exec a ping -c 1 -W 1 10.41.0.2
check "set flow-restore-wait=true" uvs-vsctl --no-wait set Open_vSwitch . \
    other_config:flow-restore-wait=true
pid=$(vswitchd_pid)
_uvs_record_dpdk_prefixes "$pid"
check "SIGKILL uvs-vswitchd" kill -KILL "$pid"
check "it is gone" wait_until 5 bash -c "! kill -0 $pid 2>/dev/null"
check "uvs-vswitchd restarts with flow-restore-wait" uvs_start_vswitchd
check "bridge rebuilt" wait_until 30 uvs-ofctl show "$BR"
check_fails "held: no forwarding before the flows are restored" \
    uvs_ns_exec a ping -c 2 -i 0.3 -W 1 10.41.0.2
check "controller restores the flows" bash -c "uvs-ofctl del-flows $BR &&
    uvs-ofctl add-flow $BR priority=100,in_port=1,actions=output:2 &&
    uvs-ofctl add-flow $BR priority=100,in_port=2,actions=output:1"
check_fails "still held while the key is set" uvs_ns_exec a ping -c 2 -i 0.3 -W 1 10.41.0.2
check "clear flow-restore-wait" uvs-vsctl --timeout=30 remove Open_vSwitch . other_config \
    flow-restore-wait
check "forwarding resumes once the key is cleared" wait_until 10 \
    uvs_ns_exec a ping -c 1 -W 1 10.41.0.2
check "the restored flow forwarded it" wait_until 5 \
    bash -c "uvs-ofctl dump-flows $BR | grep 'in_port=1' | grep -q 'n_packets=[1-9]'"

# --- No leaks across repeated port add/del.
pid=$(vswitchd_pid)
port_cycle() {
    uvs-vsctl --timeout=30 add-port "$BR" "$VC" && uvs-vsctl --timeout=30 del-port "$BR" "$VC"
}
fd_count() {
    find "/proc/$pid/fd" -mindepth 1 -maxdepth 1 | wc -l
}
rss_kb() {
    awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status"
}
check "warm-up port add/del" port_cycle
sleep 1
FDS0=$(fd_count)
RSS0=$(rss_kb)
ok=1
for _ in $(seq 1 20); do
    port_cycle || { ok=0; break; }
done
check "20 port add/del cycles" test "$ok" = 1
sleep 1
FDS1=$(fd_count)
RSS1=$(rss_kb)
echo "open fds: $FDS0 -> $FDS1; VmRSS: $RSS0 kB -> $RSS1 kB"
check "no file descriptor leaked ($FDS0 -> $FDS1)" test "$FDS1" -le "$FDS0"
# 20 cycles that each leaked a port's buffers would add megabytes; allocator noise stays below.
check "resident memory bounded ($RSS0 -> $RSS1 kB)" test "$((RSS1 - RSS0))" -lt 8192
check "switch still forwards" uvs_ns_exec a ping -c 1 -W 1 10.41.0.2

uvs_test_finish
