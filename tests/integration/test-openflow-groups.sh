#!/bin/bash
# OpenFlow groups (OpenFlow 1.3.5 §5.6): all, select, indirect and fast-failover groups added with
# uvs-ofctl, used by flows, shown by dump-groups and ofproto/trace; traffic through an indirect
# group; fast-failover follows port-mod down; deleting a group deletes the flows using it.
. "$(dirname "$0")/common.sh"
uvs_require_root
uvs_test_init of-groups

BR=br$UVS_SFX
check "uvsdb-server starts" uvs_start_db || uvs_test_finish
check "uvs-vswitchd starts" uvs_start_vswitchd || uvs_test_finish
check "namespace a" uvs_add_ns a 10.18.0.1 || uvs_test_finish
check "namespace b" uvs_add_ns b 10.18.0.2 || uvs_test_finish
check "namespace c" uvs_add_ns c 10.18.0.3 || uvs_test_finish
check "add-br" uvs-vsctl --timeout=30 add-br "$BR"
for n in a b c; do
    i=$(( $(printf '%d' "'$n") - 96 ))
    check "add-port $n" uvs-vsctl --timeout=30 add-port "$BR" "$(uvs_veth $n)" -- \
        set Interface "$(uvs_veth $n)" ofport_request=$i
done
check "del-flows" uvs-ofctl del-flows "$BR"

check "add-group all" uvs-ofctl add-group "$BR" \
    "group_id=1,type=all,bucket=output:2,bucket=set_field:00:00:00:00:00:09->eth_dst,output:3"
check "add-group select" uvs-ofctl add-group "$BR" \
    "group_id=2,type=select,bucket=weight:10,actions=output:2,bucket=weight:20,actions=output:3"
check "add-group ff" uvs-ofctl add-group "$BR" \
    "group_id=3,type=ff,bucket=watch_port:2,actions=output:2,bucket=watch_port:3,actions=output:3"
check "add-group indirect" uvs-ofctl add-group "$BR" "group_id=4,type=indirect,bucket=actions=output:1"
check_grep "a second group 1 is refused" "OFPGMFC_GROUP_EXISTS" \
    bash -c "uvs-ofctl add-group $BR 'group_id=1,type=all,bucket=output:1' 2>&1; true"
check_grep "an indirect group needs one bucket" "needs exactly one bucket" \
    bash -c "uvs-ofctl add-group $BR 'group_id=9,type=indirect,bucket=output:1,bucket=output:2' 2>&1; true"
check_grep "a flow using a missing group is refused" "OFPBAC_BAD_OUT_GROUP" \
    bash -c "uvs-ofctl add-flow $BR 'actions=group:99' 2>&1; true"
DUMP=$(uvs-ofctl dump-groups "$BR")
echo "$DUMP"
check_grep "dump-groups: all" '^ group_id=1,type=all,bucket=actions=output:2,bucket=actions=set_field:00:00:00:00:00:09->eth_dst,output:3$' echo "$DUMP"
check_grep "dump-groups: select with weights" '^ group_id=2,type=select,bucket=weight:10,actions=output:2,bucket=weight:20,actions=output:3$' echo "$DUMP"
check_grep "dump-groups: ff with watch ports" '^ group_id=3,type=ff,bucket=watch_port:2,actions=output:2,bucket=watch_port:3,actions=output:3$' echo "$DUMP"

check "flows: udp -> all, tcp -> select, icmp -> ff" bash -c "
    uvs-ofctl add-flow $BR 'priority=10,in_port=1,udp,actions=group:1' &&
    uvs-ofctl add-flow $BR 'priority=10,in_port=1,tcp,actions=group:2' &&
    uvs-ofctl add-flow $BR 'priority=10,in_port=1,icmp,actions=group:3'"
check_grep "trace: an all group copies to every bucket, restoring the packet between them" \
    '^Datapath actions: [0-9]+,set\(eth\(dst=00:00:00:00:00:09\)\),[0-9]+$' \
    uvs-appctl ofproto/trace "$BR" in_port=1,udp,dl_dst=00:00:00:00:00:02
TRACE=$(uvs-appctl ofproto/trace "$BR" in_port=1,tcp,nw_src=10.0.0.1,tp_src=1234,tp_dst=80)
check_grep "trace: a select group picks one bucket by the 5-tuple" "select group 2: bucket [01]" echo "$TRACE"
check_grep "trace: ... and the megaflow matches the 5-tuple" \
    '^Megaflow: .*nw_src=10.0.0.1.*tp_src=1234,tp_dst=80' echo "$TRACE"
check_grep "trace: fast-failover uses the first live bucket" "fast-failover group 3: bucket 0 is live" \
    uvs-appctl ofproto/trace "$BR" in_port=1,icmp
check "port 2 down (port-mod)" uvs-ofctl mod-port "$BR" 2 down
check_grep "trace: fast-failover moves to the next live bucket" "fast-failover group 3: bucket 1 is live" \
    uvs-appctl ofproto/trace "$BR" in_port=1,icmp
check "port 2 up" uvs-ofctl mod-port "$BR" 2 up

# Traffic through an indirect group: b and a talk (b -> group 4 -> port 1; a -> port 2).
check "flows through the indirect group" bash -c "
    uvs-ofctl add-flow $BR 'priority=20,in_port=2,actions=group:4' &&
    uvs-ofctl add-flow $BR 'priority=20,in_port=1,actions=output:2'"
check "b pings a through group 4" wait_until 10 uvs_ns_exec b ping -c 1 -W 1 10.18.0.1

# Deleting a group deletes the flows that use it.
check "del-groups group_id=4" uvs-ofctl del-groups "$BR" group_id=4
check_fails "the flow using group 4 is gone" bash -c "uvs-ofctl dump-flows $BR | grep -q 'group:4'"
check_fails "b cannot reach a any more" uvs_ns_exec b ping -c 2 -i 0.2 -W 1 10.18.0.1
check "del-groups (all)" uvs-ofctl del-groups "$BR"
check_output "no groups left" "" bash -c "uvs-ofctl dump-groups $BR | grep -v '^OFPST' || true"
check_output "no flows use groups" "" bash -c "uvs-ofctl dump-flows $BR | grep group || true"

uvs_test_finish
