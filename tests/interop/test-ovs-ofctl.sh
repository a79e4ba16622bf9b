#!/bin/bash
# Interop: Debian's real ovs-ofctl (openvswitch-common) drives the bridge's management socket with
# OpenFlow 1.3: the flows it installs forward traffic and it reads them back with their counters.
. "$(dirname "$0")/../integration/common.sh"
uvs_require_root
command -v ovs-ofctl >/dev/null || uvs_test_skip "ovs-ofctl not installed (scripts/setup installs openvswitch-common)"
uvs_test_init ovs-ofctl

BR=br$UVS_SFX
check "uvsdb-server starts" uvs_start_db || uvs_test_finish
check "uvs-vswitchd starts" uvs_start_vswitchd || uvs_test_finish
check "namespace a" uvs_add_ns a 10.13.0.1 || uvs_test_finish
check "namespace b" uvs_add_ns b 10.13.0.2 || uvs_test_finish
check "add-br" uvs-vsctl --timeout=30 add-br "$BR"
check "add-port a" uvs-vsctl --timeout=30 add-port "$BR" "$(uvs_veth a)"
check "add-port b" uvs-vsctl --timeout=30 add-port "$BR" "$(uvs_veth b)"

MGMT=unix:$UVS_RUNDIR/$BR.mgmt
OFCTL="ovs-ofctl -O OpenFlow13"
check "ovs-ofctl del-flows" $OFCTL del-flows "$MGMT"
check_output "ovs-ofctl dump-flows: empty table" "OFPST_FLOW reply (OF1.3) (xid=0x2):" \
    $OFCTL --no-names dump-flows "$MGMT"
check "ovs-ofctl add-flow in_port=1" $OFCTL add-flow "$MGMT" "priority=100,in_port=1,actions=output:2"
check "ovs-ofctl add-flow in_port=2" $OFCTL add-flow "$MGMT" "priority=100,in_port=2,actions=output:1"
check "ovs-ofctl add-flow ip match" $OFCTL add-flow "$MGMT" \
    "priority=200,ip,in_port=1,nw_dst=10.13.0.0/24,actions=output:2"
check "flows from ovs-ofctl forward: a pings b" wait_until 10 \
    uvs_ns_exec a ping -c 1 -W 1 10.13.0.2
check "flows from ovs-ofctl forward: b pings a" uvs_ns_exec b ping -c 2 -i 0.2 -W 1 10.13.0.1
check_grep "ovs-ofctl dump-flows lists the ip rule" \
    "priority=200,ip,in_port=1,nw_dst=10.13.0.0/24 actions=output:2" \
    $OFCTL --no-names dump-flows "$MGMT"
check "ovs-ofctl sees the ip rule's packets" wait_until 5 \
    bash -c "$OFCTL --no-names dump-flows $MGMT | grep nw_dst | grep -q 'n_packets=[1-9]'"
check_grep "ovs-ofctl dump-flows with a match filter" "in_port=2 actions=output:1" \
    $OFCTL --no-names dump-flows "$MGMT" in_port=2
check_grep "ovs-ofctl show lists port 1" " 1\\($(uvs_veth a)\\): addr:" $OFCTL show "$MGMT"
check_grep "ovs-ofctl show lists LOCAL" " LOCAL\\($BR\\): addr:" $OFCTL show "$MGMT"
check_grep "ovs-ofctl dump-ports" "port  *2: rx pkts=[1-9]" $OFCTL dump-ports "$MGMT"
check "ovs-ofctl del-flows with a match" $OFCTL del-flows "$MGMT" in_port=2
check_fails "rule gone: in_port=2 no longer listed" \
    bash -c "$OFCTL --no-names dump-flows $MGMT | grep -q 'in_port=2 '"
check "switch still answers uvs-ofctl" uvs-ofctl dump-flows "$BR"

uvs_test_finish
