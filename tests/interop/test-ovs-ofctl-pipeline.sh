#!/bin/bash
# Interop: Debian's ovs-ofctl (OpenFlow 1.3) installs a multi-table pipeline on uvs with the
# instructions and Nicira actions it encodes its own way (goto_table, write_metadata,
# write_actions, clear_actions, set_field, reg_load, reg_move, resubmit, push/pop_vlan, dec_ttl,
# note) and reads it back: what ovs-ofctl prints must be what it was given. Traffic follows the
# pipeline, and uvs-ofctl prints the same flows.
. "$(dirname "$0")/../integration/common.sh"
uvs_require_root
command -v ovs-ofctl >/dev/null || uvs_test_skip "ovs-ofctl not installed (scripts/setup installs openvswitch-common)"
uvs_test_init ovs-ofctl-pl

BR=br$UVS_SFX
check "uvsdb-server starts" uvs_start_db || uvs_test_finish
check "uvs-vswitchd starts" uvs_start_vswitchd || uvs_test_finish
check "namespace a" uvs_add_ns a 10.16.0.1 || uvs_test_finish
check "namespace b" uvs_add_ns b 10.16.0.2 || uvs_test_finish
check "add-br" uvs-vsctl --timeout=30 add-br "$BR"
check "add-port a" uvs-vsctl --timeout=30 add-port "$BR" "$(uvs_veth a)" -- set Interface "$(uvs_veth a)" ofport_request=1
check "add-port b" uvs-vsctl --timeout=30 add-port "$BR" "$(uvs_veth b)" -- set Interface "$(uvs_veth b)" ofport_request=2

MGMT=unix:$UVS_RUNDIR/$BR.mgmt
OFCTL="ovs-ofctl -O OpenFlow13 --no-names"
check "ovs-ofctl del-flows" $OFCTL del-flows "$MGMT"

# Each flow as ovs-ofctl reads it; ovs-ofctl must print back the same text. (A set_field on a
# register is sent by ovs-ofctl as a Nicira reg_load, so it is written here as load.)
FLOWS=(
    "table=0,priority=100,in_port=1 actions=load:0x1->NXM_NX_REG0[],write_metadata:0x5/0xff,goto_table:1"
    "table=0,priority=100,in_port=2 actions=load:0x2->NXM_NX_REG1[],move:NXM_NX_REG1[0..15]->NXM_NX_REG2[16..31],goto_table:1"
    "table=1,priority=10,reg0=0x1,metadata=0x5/0xff actions=output:2"
    "table=1,priority=10,reg1=0x2 actions=resubmit(,2)"
    "table=2,priority=0 actions=output:1"
    "table=3,priority=5,ip actions=dec_ttl,set_field:10.0.0.9->ip_dst,push_vlan:0x8100,set_field:4106->vlan_vid,write_actions(pop_vlan,output:2),goto_table:4"
    "table=4,priority=5 actions=note:61.62.00.00.00.00,clear_actions"
    "table=5,priority=5,udp actions=set_field:53->udp_dst,set_field:00:00:00:00:00:07->eth_src,mod_nw_ttl:3,output:2"
)
for f in "${FLOWS[@]}"; do
    check "ovs-ofctl add-flow: ${f:0:60}..." $OFCTL add-flow "$MGMT" "$f"
done
DUMP=$($OFCTL dump-flows "$MGMT" | sed -e 's/ cookie=[^,]*, duration=[^,]*, //' -e 's/n_packets=[0-9]*, n_bytes=[0-9]*, //' -e 's/reset_counts //')
echo "$DUMP"
for f in "${FLOWS[@]}"; do
    t=${f%%,*}
    rest=${f#*,}
    check_grep "ovs-ofctl reads back: ${f:0:60}..." "^$(printf '%s' "$t, $rest" | sed 's/[][\.*^$()|+?{}]/\\&/g')\$" echo "$DUMP"
done

check "traffic follows the pipeline: a pings b" wait_until 10 uvs_ns_exec a ping -c 1 -W 1 10.16.0.2
check "b pings a" uvs_ns_exec b ping -c 2 -i 0.2 -W 1 10.16.0.1
check "ovs-ofctl sees table 2's counters (reached by resubmit)" wait_until 5 \
    bash -c "$OFCTL dump-flows $MGMT table=2 | grep -q 'n_packets=[1-9]'"
check_grep "ovs-ofctl dump-tables shows table 1 active" "active=2" $OFCTL dump-tables "$MGMT"
check_grep "uvs-ofctl prints what ovs-ofctl printed" \
    'table=3, .*priority=5,ip actions=dec_ttl,set_field:10.0.0.9->ip_dst,push_vlan:0x8100,set_field:4106->vlan_vid,write_actions\(pop_vlan,output:2\),goto_table:4' \
    uvs-ofctl dump-flows "$BR"

# Errors ovs-ofctl reports from the switch.
check_grep "goto_table backwards: OFPBIC_BAD_TABLE_ID" "OFPBIC_BAD_TABLE_ID" \
    bash -c "$OFCTL add-flow $MGMT 'table=2,actions=goto_table:1' 2>&1; true"
check "del-flows table=1 --strict" $OFCTL --strict del-flows "$MGMT" "table=1,priority=10,reg0=0x1,metadata=0x5/0xff"
check_fails "the strict delete removed that flow" bash -c "$OFCTL dump-flows $MGMT | grep -q 'reg0=0x1,metadata'"
check "mod-flows on table 5" $OFCTL mod-flows "$MGMT" "table=5,udp,actions=output:1"
check_grep "mod-flows changed table 5" "table=5, .*udp actions=output:1" $OFCTL dump-flows "$MGMT"

# Groups from ovs-ofctl, read back by ovs-ofctl.
GRPS=(
    "group_id=1,type=all,bucket=actions=output:1,bucket=actions=set_field:00:00:00:00:00:09->eth_dst,output:2"
    "group_id=2,type=select,bucket=weight:10,actions=output:1,bucket=weight:20,actions=output:2"
    "group_id=3,type=ff,bucket=watch_port:2,actions=output:2,bucket=watch_port:1,actions=output:1"
    "group_id=4,type=indirect,bucket=actions=output:2"
)
for g in "${GRPS[@]}"; do
    check "ovs-ofctl add-group ${g:0:40}..." $OFCTL add-group "$MGMT" "$g"
done
GDUMP=$($OFCTL dump-groups "$MGMT")
echo "$GDUMP"
for g in "${GRPS[@]}"; do
    check_grep "ovs-ofctl reads back ${g:0:40}..." "^ $(printf '%s' "$g" | sed 's/[][\.*^$()|+?{}]/\\&/g')\$" echo "$GDUMP"
done
check "ovs-ofctl add-flow using group 4" $OFCTL add-flow "$MGMT" "table=9,priority=1,actions=group:4"
check "ovs-ofctl del-groups group_id=4" $OFCTL del-groups "$MGMT" group_id=4
check_fails "the flow using group 4 went with it" bash -c "$OFCTL dump-flows $MGMT | grep -q group:4"

# OpenFlow 1.4: the same switch, negotiated by ovs-ofctl -O OpenFlow14 (ports in the 1.4 form).
OF14="ovs-ofctl -O OpenFlow14 --no-names"
check_grep "OpenFlow 1.4: dump-flows" "^OFPST_FLOW reply \(OF1.4\)" $OF14 dump-flows "$MGMT"
check "OpenFlow 1.4: add-flow with goto_table" $OF14 add-flow "$MGMT" \
    "table=6,priority=3,tcp,actions=goto_table:7"
check_grep "OpenFlow 1.4: the flow reads back" "table=6, .*priority=3,tcp actions=goto_table:7" \
    $OF14 dump-flows "$MGMT"
check_grep "OpenFlow 1.4: show lists port 1 (1.4 port description)" \
    " 1\($(uvs_veth a)\): addr:" $OF14 show "$MGMT"
check_grep "OpenFlow 1.4: dump-ports (1.4 port statistics)" "port  *1: rx pkts=[1-9]" \
    $OF14 dump-ports "$MGMT" 1
check "OpenFlow 1.4: mod-port 2 no-packet-in" $OF14 mod-port "$MGMT" 2 no-packet-in
check_grep "OpenFlow 1.4: the port shows NO_PACKET_IN" "config: +NO_PACKET_IN" \
    $OF14 dump-ports-desc "$MGMT"
check_grep "OpenFlow 1.1 (not supported) is refused with a reason" \
    "no common version|version negotiation failed" \
    bash -c "ovs-ofctl -O OpenFlow11 dump-flows $MGMT 2>&1; true"

uvs_test_finish
