#!/bin/bash
# Rx queue placement and datapath observability: memory/show and coverage/show report their
# fields (text and --format json); options:n_rxq=2 on a net_null port gives it two rx queues in
# pmd-rxq-show; other_config:pmd-rxq-affinity pins queues to the PMD on core 1, which then shows
# "isolated : true"; a pin to core 0 (no PMD there) is logged and the queue polled by core 1
# anyway; pmd-rxq-assign accepts cycles, roundrobin and group; bad values of each key are logged
# with the key's name.
. "$(dirname "$0")/common.sh"
uvs_require_root
uvs_test_init dp-rxq

[ "$(nproc)" -ge 2 ] || uvs_test_skip "needs 2 CPUs (the PMD thread runs on core 1)"
BR=br$UVS_SFX
N=n$UVS_SFX
LOG=$UVS_LOGDIR/uvs-vswitchd.log
json_check() {     # json_check COMMAND... -- PYTHON-EXPR (d is the parsed output)
    local expr=${*: -1}
    "${@:1:$#-2}" | python3 -c "import json, sys; d = json.load(sys.stdin); sys.exit(0 if ($expr) else 1)"
}

check "uvsdb-server starts" uvs_start_db || uvs_test_finish
check "one PMD thread on core 1" uvs-vsctl --no-wait set Open_vSwitch . other_config:pmd-cpu-mask=0x2
check "uvs-vswitchd starts" uvs_start_vswitchd || uvs_test_finish
check "add-br" uvs-vsctl --timeout=30 add-br "$BR"

# ---- memory/show and coverage/show.
check_grep "memory/show: totals line" \
    "^ports:[1-9][0-9]* pmds:1 megaflows:[0-9]+ emc_entries:[0-9]+ mbufs_in_use:[0-9]+ mbuf_pool_size:[1-9][0-9]* dpdk_heap_used:[1-9][0-9]* dpdk_heap_total:[1-9]" \
    uvs-appctl memory/show
check_grep "memory/show: per-PMD line" "^pmd thread core_id 1: megaflows:[0-9]+ emc_entries:[0-9]+/8192" \
    uvs-appctl memory/show
check "memory/show --format json: pool, heap, one PMD on core 1" json_check \
    uvs-appctl memory/show --format json -- \
    'd["mbuf_pool_size"] > 0 and d["mbufs_in_use"] + d["mbufs_available"] <= d["mbuf_pool_size"] and d["dpdk_heap_used_bytes"] > 0 and d["ports"] >= 1 and len(d["pmd_threads"]) == 1 and d["pmd_threads"][0]["core_id"] == 1'
check_fails "memory/show refuses a bad argument" uvs-appctl memory/show --format xml
check_grep "coverage/show: header" "^Event coverage, avg rate over last: 5 seconds, last minute, last hour" \
    uvs-appctl coverage/show
check_grep "coverage/show: the port add was counted" "^port_add +[0-9.]+/sec +[0-9]+/min +[0-9]+/hr +total: [1-9]" \
    uvs-appctl coverage/show
check_grep "coverage/show: events never hit" "^[0-9]+ events never hit" uvs-appctl coverage/show
check "coverage/show --format json: every counter, port_add >= 1" json_check \
    uvs-appctl coverage/show --format json -- \
    '{c["name"]: c["total"] for c in d["counters"]}["port_add"] >= 1 and "upcall" in [c["name"] for c in d["counters"]] and all(set(c) >= {"per_sec", "per_min", "per_hour", "total"} for c in d["counters"])'

# ---- options:n_rxq.
check "add a net_null port with n_rxq=2" uvs-vsctl --timeout=30 add-port "$BR" "$N" -- \
    set Interface "$N" type=dpdk "options:dpdk-devargs=net_null_q$UVS_SFX,no-rx=1" options:n_rxq=2
rxqs_of() {    # the queue ids of port $N polled by the PMD on core $1 (JSON), sorted
    uvs-appctl dpif-netdev/pmd-rxq-show --format json | python3 -c "
import json, sys
d = json.load(sys.stdin)
print(' '.join(str(q['queue_id']) for p in d if p['core_id'] == $1 for q in p['rxqs'] if q['port'] == '$N'))"
}
rxqs_are() { [ "$(rxqs_of "$1")" = "$2" ]; }
check_output "pmd-rxq-show --format json: queues 0 and 1 on core 1" "0 1" rxqs_of 1
check_grep "pmd-rxq-show: queue 1 of the port" "port: $N +queue-id: +1 \(enabled\)" \
    uvs-appctl dpif-netdev/pmd-rxq-show
check_grep "coverage/show counts the reconfiguration" "^port_reconfigure .*total: [1-9]" \
    uvs-appctl coverage/show

# ---- pmd-rxq-affinity.
check "pin both queues to core 1" uvs-vsctl --timeout=30 set Interface "$N" 'other_config:pmd-rxq-affinity="0:1,1:1"'
check_grep "the PMD on core 1 is isolated" "isolated : true" uvs-appctl dpif-netdev/pmd-rxq-show
check_output "both queues still on core 1" "0 1" rxqs_of 1
check "the unpinned bridge queue is logged as not polled" wait_until 5 \
    grep -q "every PMD thread is isolated by a pinned queue: they are not polled" "$LOG"
check "pin queue 0 to core 0 (no PMD there)" uvs-vsctl --timeout=30 set Interface "$N" 'other_config:pmd-rxq-affinity="0:0"'
check "the log says core 0 runs no PMD" wait_until 5 \
    grep -q "interface $N: other_config:pmd-rxq-affinity pins rx queue 0 to core 0, which runs no PMD thread" "$LOG"
check_output "queue 0 is polled by core 1 anyway" "0 1" rxqs_of 1
check_grep "core 1 is no longer isolated" "isolated : false" uvs-appctl dpif-netdev/pmd-rxq-show
check "a bad affinity" uvs-vsctl --timeout=30 set Interface "$N" 'other_config:pmd-rxq-affinity="zero:1"'
check "the log names the key" wait_until 5 \
    grep -q "interface $N: other_config:pmd-rxq-affinity=\"zero:1\"" "$LOG"
check "remove the affinity" uvs-vsctl --timeout=30 remove Interface "$N" other_config pmd-rxq-affinity

# ---- pmd-rxq-assign.
for mode in roundrobin group cycles; do
    check "pmd-rxq-assign=$mode" uvs-vsctl --timeout=30 set Open_vSwitch . other_config:pmd-rxq-assign=$mode
    check "the log confirms $mode" wait_until 5 grep -q "rx queue assignment: $mode" "$LOG"
    check_output "both queues polled with $mode" "0 1" rxqs_of 1
done
check "pmd-rxq-assign=fastest" uvs-vsctl --timeout=30 set Open_vSwitch . other_config:pmd-rxq-assign=fastest
check "the log names the key and the value" wait_until 5 \
    grep -q 'other_config:pmd-rxq-assign="fastest" is not one of cycles, roundrobin, group' "$LOG"

# ---- Two PMD threads: the modes place the queues differently (no traffic: every queue measures
# 0 busy cycles, so cycles and group fall back to port/queue order). Queues in order: the bridge's
# own port (queue 0), then $N queues 0 and 1.
check "two PMD threads (cores 0 and 1)" uvs-vsctl --timeout=30 set Open_vSwitch . other_config:pmd-cpu-mask=0x3
check "pmd-rxq-show shows two PMD threads" wait_until 10 bash -c \
    "[ \"\$(uvs-appctl dpif-netdev/pmd-rxq-show | grep -c '^pmd thread')\" = 2 ]"
check_output "cycles (zig-zag): both queues of $N on core 1" "0 1" rxqs_of 1
check "pmd-rxq-assign=roundrobin" uvs-vsctl --timeout=30 set Open_vSwitch . other_config:pmd-rxq-assign=roundrobin
check_output "roundrobin: queue 0 on core 1" "0" rxqs_of 1
check_output "roundrobin: queue 1 on core 0" "1" rxqs_of 0
check "pin queue 1 to core 1" uvs-vsctl --timeout=30 set Interface "$N" 'other_config:pmd-rxq-affinity="1:1"'
check_output "core 1 polls only the pinned queue" "1" rxqs_of 1
check_output "core 0 polls queue 0" "0" rxqs_of 0
check "remove the affinity" uvs-vsctl --timeout=30 remove Interface "$N" other_config pmd-rxq-affinity
check "back to one PMD thread (core 1)" uvs-vsctl --timeout=30 set Open_vSwitch . other_config:pmd-cpu-mask=0x2
check "one PMD thread polls both queues again" wait_until 10 rxqs_are 1 "0 1"

# ---- bad and restored n_rxq.
check "n_rxq=abc" uvs-vsctl --timeout=30 set Interface "$N" options:n_rxq=abc
check "the log names the key" wait_until 5 grep -q "interface $N: options:n_rxq=\"abc\" is not a number" "$LOG"
check_output "the port keeps its two queues" "0 1" rxqs_of 1
check "n_rxq=1" uvs-vsctl --timeout=30 set Interface "$N" options:n_rxq=1
check_output "one queue left" "0" rxqs_of 1

uvs_test_finish
