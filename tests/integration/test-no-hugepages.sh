#!/bin/bash
# Without hugepages uvs-vswitchd runs DPDK with --no-huge, says so in its log, and still forwards.
# The test takes the machine's hugepages away for the moment the daemon starts, then gives them back.
. "$(dirname "$0")/common.sh"
uvs_require_root
uvs_test_init no-hugepages

BR=br$UVS_SFX
check "uvsdb-server starts" uvs_start_db || uvs_test_finish
SAVED=$(cat /proc/sys/vm/nr_hugepages)
echo 0 > /proc/sys/vm/nr_hugepages
FREE=$(awk '/HugePages_Free/ { print $2 }' /proc/meminfo)
uvs_start_vswitchd
RC=$?
echo "$SAVED" > /proc/sys/vm/nr_hugepages
check "no free hugepages while the daemon started (HugePages_Free=$FREE)" test "$FREE" = 0
check "uvs-vswitchd starts without hugepages" test "$RC" = 0 || uvs_test_finish
check_output "hugepages given back" "$SAVED" cat /proc/sys/vm/nr_hugepages
check_grep "its log says it runs with --no-huge and why" \
    "hugepages unavailable \(.*\): running DPDK with --no-huge" cat "$UVS_LOGDIR/uvs-vswitchd.log"
check_grep "EAL got --no-huge" "EAL ARGS: .*--no-huge" cat "$UVS_LOGDIR/uvs-vswitchd.log"
check "namespace a" uvs_add_ns a 10.14.0.1 || uvs_test_finish
check "namespace b" uvs_add_ns b 10.14.0.2 || uvs_test_finish
check "add-br" uvs-vsctl --timeout=30 add-br "$BR"
check "add-port a" uvs-vsctl --timeout=30 add-port "$BR" "$(uvs_veth a)"
check "add-port b" uvs-vsctl --timeout=30 add-port "$BR" "$(uvs_veth b)"
check "forwarding works without hugepages" wait_until 10 uvs_ns_exec a ping -c 1 -W 1 10.14.0.2

uvs_test_finish
