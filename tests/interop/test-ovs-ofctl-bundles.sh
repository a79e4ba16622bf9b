#!/bin/bash
# Interop: Debian's ovs-ofctl drives the OpenFlow 1.4 features of issue 6 on uvs: `--bundle
# add-flows` (OpenFlow 1.4 bundles: all or none, the failing flow-mod's error reported),
# dump-group-stats counting packets, dump-group-features, dump-table-features, queue stats (no
# queues: an empty reply), and ovs-ofctl snoop on the bridge's snoop socket.
. "$(dirname "$0")/../integration/common.sh"
uvs_require_root
command -v ovs-ofctl >/dev/null || uvs_test_skip "ovs-ofctl not installed (scripts/setup installs openvswitch-common)"
uvs_test_init ovs-ofctl-bundle
SNOOP=
trap 'rc=$?; [ -n "$SNOOP" ] && kill "$SNOOP" 2>/dev/null; (exit $rc); uvs_test_cleanup' EXIT

BR=br$UVS_SFX
P=$UVS_TEST_DIR
check "uvsdb-server starts" uvs_start_db || uvs_test_finish
check "uvs-vswitchd starts" uvs_start_vswitchd || uvs_test_finish
check "namespace a" uvs_add_ns a 10.21.0.1 || uvs_test_finish
check "namespace b" uvs_add_ns b 10.21.0.2 || uvs_test_finish
check "add-br" uvs-vsctl --timeout=30 add-br "$BR"
check "add-port a" uvs-vsctl --timeout=30 add-port "$BR" "$(uvs_veth a)" -- \
    set Interface "$(uvs_veth a)" ofport_request=1
check "add-port b" uvs-vsctl --timeout=30 add-port "$BR" "$(uvs_veth b)" -- \
    set Interface "$(uvs_veth b)" ofport_request=2
MGMT=unix:$UVS_RUNDIR/$BR.mgmt
OF14="ovs-ofctl -O OpenFlow14"
check "ovs-ofctl del-flows" $OF14 del-flows "$MGMT"

# Bundles.
printf '%s\n' "priority=10,in_port=1,actions=output:2" "priority=10,in_port=2,actions=output:1" \
    >"$P/good.flows"
check "ovs-ofctl -O OpenFlow14 --bundle add-flows" $OF14 --bundle add-flows "$MGMT" "$P/good.flows"
check_output "both flows are installed" "2" \
    bash -c "$OF14 dump-flows $MGMT | grep -c priority=10"
check "a pings b through them" wait_until 10 uvs_ns_exec a ping -c 1 -W 1 10.21.0.2
printf '%s\n' "priority=20,udp,actions=drop" "priority=20,tcp,actions=group:99" \
    "priority=20,icmp,actions=drop" >"$P/bad.flows"
check_fails "a bundle with a flow-mod naming a missing group fails" \
    $OF14 --bundle add-flows "$MGMT" "$P/bad.flows"
check_grep "ovs-ofctl reports the failing flow-mod's error" "OFPBAC_BAD_OUT_GROUP" \
    bash -c "$OF14 --bundle add-flows $MGMT $P/bad.flows 2>&1; true"
check_output "none of the bundle's flows was added" "0" \
    bash -c "$OF14 dump-flows $MGMT | grep -c priority=20 || true"
check "--bundle replace-flows" $OF14 --bundle replace-flows "$MGMT" "$P/good.flows"
check_output "uvs-ofctl sees the same two flows" "2" \
    bash -c "uvs-ofctl dump-flows $BR | grep -c priority=10"

# ovs-ofctl bundle: a group and a flow using it, atomically; then a failing one changes nothing.
printf '%s\n' "group add group_id=6,type=indirect,bucket=output:1" \
    "flow add priority=35,in_port=2,icmp,actions=group:6" >"$P/good.bundle"
check "ovs-ofctl bundle (group + flow)" $OF14 bundle "$MGMT" "$P/good.bundle"
check_grep "the flow using group 6 is there" "priority=35,icmp,in_port=2 actions=group:6" \
    $OF14 dump-flows "$MGMT"
printf '%s\n' "group add group_id=7,type=indirect,bucket=output:1" \
    "flow add priority=36,in_port=2,udp,actions=group:8" >"$P/bad.bundle"
check_grep "a failing ovs-ofctl bundle reports the flow-mod's error" "OFPBAC_BAD_OUT_GROUP" \
    bash -c "$OF14 bundle $MGMT $P/bad.bundle 2>&1; true"
check_fails "... and did not add group 7" bash -c "$OF14 dump-groups $MGMT | grep -q group_id=7"
check "ovs-ofctl --bundle del-groups" $OF14 --bundle del-groups "$MGMT" group_id=6

# Group statistics and features, table features, queue statistics.
check "ovs-ofctl add-group" $OF14 add-group "$MGMT" "group_id=5,type=all,bucket=output:2"
check "ovs-ofctl add-flow using it" $OF14 add-flow "$MGMT" "priority=30,in_port=1,actions=group:5"
check "a pings b through group 5" wait_until 10 uvs_ns_exec a ping -c 2 -i 0.2 -W 1 10.21.0.2
check "ovs-ofctl dump-group-stats counts packets" wait_until 5 \
    bash -c "$OF14 dump-group-stats $MGMT | grep -qE 'group_id=5,.*packet_count=[1-9].*bucket0:packet_count=[1-9]'"
check_grep "ovs-ofctl dump-group-stats: ref_count" "group_id=5,duration=.*,ref_count=1," \
    $OF14 dump-group-stats "$MGMT"
check_grep "ovs-ofctl dump-group-features" "all group" $OF14 dump-group-features "$MGMT"
TF=$($OF14 dump-table-features "$MGMT" 2>&1)
check_grep "ovs-ofctl dump-table-features: table 0" "table 0" echo "$TF"
check_grep "ovs-ofctl dump-table-features: table 253" "table 253" echo "$TF"
check_grep "ovs-ofctl -O OpenFlow13 dump-table-features" "table 0" \
    ovs-ofctl -O OpenFlow13 dump-table-features "$MGMT"
check_grep "uvs-ofctl dump-table-features" "^  table 253:" uvs-ofctl dump-table-features "$BR"
check_grep "ovs-ofctl queue-stats: no queues" "OFPST_QUEUE reply \(OF1\.4\)" \
    $OF14 queue-stats "$MGMT"
check_grep "ovs-ofctl queue-stats for a queue id: an error" "OFPQOFC_BAD_QUEUE" \
    bash -c "$OF14 queue-stats $MGMT 1 5 2>&1; true"
check "the switch still answers" $OF14 dump-desc "$MGMT"

# ovs-ofctl snoop on the bridge's snoop socket (OVS_RUNDIR points ovs-ofctl at uvs's run
# directory) shows what a controller (here ovs-ofctl on a ptcp: target) sends.
PORT=$((20000 + RANDOM % 20000))
check "a ptcp: controller target" uvs-vsctl set-controller "$BR" "ptcp:$PORT:127.0.0.1"
check "the ptcp: listener is up" wait_until 10 $OF14 dump-desc "tcp:127.0.0.1:$PORT"
OVS_RUNDIR=$UVS_RUNDIR ovs-ofctl snoop "$BR" >"$P/snoop.txt" 2>&1 &
SNOOP=$!
sleep 1
check "ovs-ofctl adds a flow as a controller" \
    $OF14 add-flow "tcp:127.0.0.1:$PORT" "priority=44,in_port=2,udp,actions=drop"
check "ovs-ofctl snoop prints the flow-mod" wait_until 10 grep -q "priority=44" "$P/snoop.txt"
kill "$SNOOP" 2>/dev/null
wait "$SNOOP" 2>/dev/null
SNOOP=
grep -m1 "priority=44" "$P/snoop.txt"

uvs_test_finish
