#!/bin/bash
# Interop: Debian's ovs-ofctl drives uvs with OpenFlow 1.0 and 1.5 (-O OpenFlow10, -O OpenFlow15):
# flows added with 1.0 forward a ping and read back with their counters in 1.0's own forms
# (ofp10_match, 1.0 actions, Nicira vendor actions); groups and meters work over 1.5 (bucket ids,
# the meter action, copy_field, OXS statistics); Bridge.protocols limits which version a
# connection may negotiate; uvs-ofctl speaks both versions too.
. "$(dirname "$0")/../integration/common.sh"
uvs_require_root
command -v ovs-ofctl >/dev/null || uvs_test_skip "ovs-ofctl not installed (scripts/setup installs openvswitch-common)"
uvs_test_init ovs-ofctl-vers

BR=br$UVS_SFX
check "uvsdb-server starts" uvs_start_db || uvs_test_finish
check "uvs-vswitchd starts" uvs_start_vswitchd || uvs_test_finish
check "namespace a" uvs_add_ns a 10.17.0.1 || uvs_test_finish
check "namespace b" uvs_add_ns b 10.17.0.2 || uvs_test_finish
check "add-br" uvs-vsctl --timeout=30 add-br "$BR"
check "add-port a" uvs-vsctl --timeout=30 add-port "$BR" "$(uvs_veth a)" -- set Interface "$(uvs_veth a)" ofport_request=1
check "add-port b" uvs-vsctl --timeout=30 add-port "$BR" "$(uvs_veth b)" -- set Interface "$(uvs_veth b)" ofport_request=2

MGMT=unix:$UVS_RUNDIR/$BR.mgmt
OF10="ovs-ofctl -O OpenFlow10 --no-names"
OF15="ovs-ofctl -O OpenFlow15 --no-names"
# dump_flows OFCTL...: the flows without the fields that change (cookie, duration, counters).
dump_flows() {
    "$@" dump-flows "$MGMT" | sed -e 's/ cookie=[^,]*, duration=[^,]*, //' \
                                  -e 's/n_packets=[0-9]*, n_bytes=[0-9]*, //'
}

# --- OpenFlow 1.0 ------------------------------------------------------------------------------
check "1.0: del-flows" $OF10 del-flows "$MGMT"
check_output "1.0: dump-flows of an empty bridge (1.0 prints no version)" "OFPST_FLOW reply (xid=0x4):" \
    $OF10 dump-flows "$MGMT"
check_grep "1.0: show lists port 1 from the features reply" "^ 1\\($(uvs_veth a)\\): addr:" \
    $OF10 --names show "$MGMT"
check_grep "1.0: show lists the 1.0 actions" "^actions: output set_vlan_vid" $OF10 show "$MGMT"
check "1.0: add-flow in_port=1" $OF10 add-flow "$MGMT" "priority=100,in_port=1,actions=output:2"
check "1.0: add-flow in_port=2" $OF10 add-flow "$MGMT" "priority=100,in_port=2,actions=output:1"
check "1.0: add-flow with a masked nw_dst" $OF10 add-flow "$MGMT" \
    "priority=200,ip,in_port=1,nw_dst=10.17.0.0/24,actions=output:2"
check "1.0: add-flow in table 3 with Nicira actions" $OF10 add-flow "$MGMT" \
    "table=3,priority=7,tcp,tp_dst=80,actions=mod_tp_dst:8080,dec_ttl,load:0x5->NXM_NX_REG2[0..7],move:NXM_NX_REG2[0..3]->NXM_NX_REG3[4..7],note:61.62.00.00.00.00,resubmit(,4),output:1"
check "1.0: add-flow with the other 1.0 actions" $OF10 add-flow "$MGMT" \
    "table=5,priority=5,udp,actions=mod_dl_src:00:00:00:00:00:07,mod_nw_src:10.0.0.9,mod_nw_tos:8,strip_vlan,mod_vlan_vid:10,output:2,CONTROLLER:100"
check "flows added with 1.0 forward: a pings b" wait_until 10 \
    uvs_ns_exec a ping -c 1 -W 1 10.17.0.2
check "flows added with 1.0 forward: b pings a" uvs_ns_exec b ping -c 2 -i 0.2 -W 1 10.17.0.1
check "1.0: dump-flows counts the ip rule's packets" wait_until 5 \
    bash -c "$OF10 dump-flows $MGMT | grep nw_dst | grep -q 'n_packets=[1-9]'"
check_output "1.0: dump-flows prints back what was added" \
"$(printf '%s\n' \
 "OFPST_FLOW reply (xid=0x4):" \
 "table=0, priority=200,ip,in_port=1,nw_dst=10.17.0.0/24 actions=output:2" \
 "table=0, priority=100,in_port=1 actions=output:2" \
 "table=0, priority=100,in_port=2 actions=output:1" \
 "table=3, priority=7,tcp,tp_dst=80 actions=mod_tp_dst:8080,dec_ttl,load:0x5->NXM_NX_REG2[0..7],move:NXM_NX_REG2[0..3]->NXM_NX_REG3[4..7],note:61.62.00.00.00.00,resubmit(,4),output:1" \
 "table=5, priority=5,udp actions=mod_dl_src:00:00:00:00:00:07,mod_nw_src:10.0.0.9,mod_nw_tos:8,strip_vlan,mod_vlan_vid:10,output:2,CONTROLLER:100")" \
    dump_flows $OF10
check_grep "1.0: dump-flows with a filter" "in_port=2 actions=output:1" $OF10 dump-flows "$MGMT" in_port=2
check_grep "1.0: dump-aggregate" "flow_count=5" $OF10 dump-aggregate "$MGMT"
check_grep "1.0: dump-ports (16-bit port numbers)" "port  *2: rx pkts=[1-9]" $OF10 dump-ports "$MGMT"
check_grep "1.0: dump-ports of one port" "^OFPST_PORT reply \\(xid=0x[0-9a-f]*\\): 1 ports" \
    $OF10 dump-ports "$MGMT" 1
check_grep "1.0: dump-tables (64-byte 1.0 table stats)" "active=3, lookup=[1-9]" \
    $OF10 dump-tables "$MGMT"
check_grep "1.0: queue-stats (1.0's OFPP_ALL for all ports)" "^OFPST_QUEUE reply \\(xid=0x[0-9a-f]*\\): 0 queues" \
    $OF10 queue-stats "$MGMT"
check_grep "1.0: dump-desc" "^DP Description: bridge $BR" $OF10 dump-desc "$MGMT"
check "1.0: mod-flows" $OF10 mod-flows "$MGMT" "in_port=2,actions=output:1,output:LOCAL"
check_grep "1.0: the modified flow" "priority=100,in_port=2 actions=output:1,LOCAL" \
    $OF10 dump-flows "$MGMT" in_port=2
check "1.0: packet-out of an ARP request to port 2" $OF10 packet-out "$MGMT" \
    "in_port=none packet=ffffffffffff000000000001080600010800060400010000000000010a1100010000000000000a110002 actions=output:2"
check "1.0: mod-port no-flood" $OF10 mod-port "$MGMT" "$(uvs_veth b)" no-flood
check_grep "the port-mod from 1.0 reached the port" "port $(uvs_veth b): config 0x0 -> 0x10" \
    cat "$UVS_LOGDIR/uvs-vswitchd.log"
check "1.0: mod-port flood" $OF10 mod-port "$MGMT" "$(uvs_veth b)" flood
check_grep "1.0: a flow the switch rejects gets a 1.0 error (table 254 does not exist)" \
    "OFPT_ERROR \\(xid=0x[0-9a-f]*\\): OFPFMFC_UNSUPPORTED" \
    bash -c "$OF10 add-flow $MGMT 'table=254,actions=drop' 2>&1; true"
check "1.0: del-flows --strict" $OF10 del-flows --strict "$MGMT" "priority=200,ip,in_port=1,nw_dst=10.17.0.0/24"
check_fails "1.0: the strict delete removed the ip rule" \
    bash -c "$OF10 dump-flows $MGMT | grep -q nw_dst"
check "1.0: del-flows with a match (every table)" $OF10 del-flows "$MGMT" "udp"
check_fails "1.0: the udp rule in table 5 is gone" bash -c "$OF10 dump-flows $MGMT | grep -q udp"

# Packet-ins in 1.0 (16-bit in_port, no match), to ovs-ofctl monitor (its control socket goes to T).
check "1.0: add-flow icmp to CONTROLLER and port 2" $OF10 add-flow "$MGMT" \
    "priority=300,icmp,in_port=1,actions=CONTROLLER:200,output:2"
OVS_RUNDIR=$UVS_TEST_DIR timeout 20 $OF10 monitor "$MGMT" 65535 >"$UVS_TEST_DIR/mon10.txt" 2>&1 &
MON=$!
# (Ping until the monitor, which connects in the background, has printed one.)
ping_seen_by_monitor() {
    uvs_ns_exec a ping -c 1 -W 1 10.17.0.2 >/dev/null 2>&1
    grep -q "OFPT_PACKET_IN (xid=0x0): total_len=98 in_port=1 (via action) data_len=98 (unbuffered)" \
        "$UVS_TEST_DIR/mon10.txt"
}
check "1.0: monitor prints the packet-in of a ping through the CONTROLLER flow" \
    wait_until 15 ping_seen_by_monitor
kill "$MON" 2>/dev/null
wait "$MON" 2>/dev/null
check "1.0: del-flows --strict of the CONTROLLER flow" $OF10 del-flows --strict "$MGMT" \
    "priority=300,icmp,in_port=1"

# add-flows with a table=N line: ovs-ofctl enables NXT_FLOW_MOD_TABLE_ID and then sends table 255
# ("default") for the lines without a table, which go to table 0.
printf '%s\n' "priority=11,arp,actions=NORMAL" "table=1,priority=12,ip,actions=drop" \
    >"$UVS_TEST_DIR/flows.txt"
check "1.0: add-flows FILE" $OF10 add-flows "$MGMT" "$UVS_TEST_DIR/flows.txt"
check_grep "1.0: the line without a table is in table 0" "table=0, .*priority=11,arp actions=NORMAL" \
    $OF10 dump-flows "$MGMT"
check_grep "1.0: the table=1 line is in table 1" "table=1, .*priority=12,ip actions=drop" \
    $OF10 dump-flows "$MGMT"

# An explicit table=0 with NXT_FLOW_MOD_TABLE_ID is table 0 only, not every table.
check "1.0: del-flows table=0,ip" $OF10 del-flows "$MGMT" "table=0,ip"
check_grep "1.0: ... left the ip flow in table 1" "table=1, .*priority=12,ip actions=drop" \
    $OF10 dump-flows "$MGMT"

# --- OpenFlow 1.5 ------------------------------------------------------------------------------
check "1.5: del-flows" $OF15 del-flows "$MGMT"
check "1.5: add-meter" $OF15 add-meter "$MGMT" "meter=3,pktps,burst,band=type=drop,rate=1000,burst_size=100"
check "1.5: add-group select" $OF15 add-group "$MGMT" \
    "group_id=5,type=select,bucket=weight:3,actions=output:2,bucket=weight:5,actions=output:2"
check "1.5: add-group fast-failover" $OF15 add-group "$MGMT" \
    "group_id=6,type=ff,bucket=watch_port:1,actions=output:1"
check "1.5: add-flow with meter, copy_field, set_field and group" $OF15 add-flow "$MGMT" \
    "priority=100,ip,in_port=1,actions=meter:3,move:NXM_NX_REG0[0..3]->NXM_NX_REG1[4..7],load:5->NXM_NX_REG2[0..7],group:5"
check "1.5: add-flow arp in_port=1" $OF15 add-flow "$MGMT" "priority=100,arp,in_port=1,actions=output:2"
check "1.5: add-flow in_port=2" $OF15 add-flow "$MGMT" "priority=100,in_port=2,actions=group:6"
check "flows, group and meter from 1.5 forward: a pings b" wait_until 10 \
    uvs_ns_exec a ping -c 1 -W 1 10.17.0.2
check_output "1.5: dump-flows prints back what was added (OXS stats, meter action)" \
"$(printf '%s\n' \
 "OFPST_FLOW reply (OF1.5) (xid=0x2):" \
 "table=0, priority=100,ip,in_port=1 actions=meter:3,move:NXM_NX_REG0[0..3]->NXM_NX_REG1[4..7],set_field:0x5/0xff->reg2,group:5" \
 "table=0, priority=100,arp,in_port=1 actions=output:2" \
 "table=0, priority=100,in_port=2 actions=group:6")" \
    dump_flows $OF15
check "1.5: dump-flows counts the metered rule's packets" wait_until 5 \
    bash -c "$OF15 dump-flows $MGMT | grep meter | grep -q 'n_packets=[1-9]'"
check_output "1.5: dump-groups shows bucket ids and properties" \
"$(printf '%s\n' \
 "OFPST_GROUP_DESC reply (OF1.5) (xid=0x2):" \
 " group_id=5,type=select,bucket=bucket_id:0,weight:3,actions=output:2,bucket=bucket_id:1,weight:5,actions=output:2" \
 " group_id=6,type=ff,bucket=bucket_id:0,watch_port:1,actions=output:1")" \
    $OF15 dump-groups "$MGMT"
check_grep "1.5: dump-meters" "^meter=3 pktps burst" $OF15 dump-meters "$MGMT"
check_grep "1.5: meter-stats counts packets" "meter:3 flow_count:1 packet_in_count:[1-9]" \
    $OF15 meter-stats "$MGMT"
check_grep "1.5: dump-aggregate (OXS statistics)" "packet_count=[1-9][0-9]* byte_count=[1-9][0-9]* flow_count=3" \
    $OF15 dump-aggregate "$MGMT"
check_grep "1.5: show (port descriptions with a port_no in the request)" "^ 2\\(" \
    ovs-ofctl -O OpenFlow15 show "$MGMT"
check_grep "1.5: dump-ports" "port  *1: rx pkts=[1-9]" $OF15 dump-ports "$MGMT"
check "1.5: packet-out (in_port in the match)" $OF15 packet-out "$MGMT" \
    "in_port=1 packet=ffffffffffff000000000001080600010800060400010000000000010a1100010000000000000a110002 actions=output:2"
check "1.5: mod-group" $OF15 mod-group "$MGMT" "group_id=5,type=select,bucket=weight:7,actions=output:2"
check_grep "1.5: the modified group" "group_id=5,type=select,bucket=bucket_id:0,weight:7,actions=output:2" \
    $OF15 dump-groups "$MGMT"
check "1.5: del-flows" $OF15 del-flows "$MGMT"
check "1.5: del-groups" $OF15 del-groups "$MGMT"
check "1.5: del-meters" $OF15 del-meters "$MGMT"
check_output "1.5: no group left" "OFPST_GROUP_DESC reply (OF1.5) (xid=0x2):" $OF15 dump-groups "$MGMT"

# --- uvs-ofctl in both versions ----------------------------------------------------------------
check "uvs-ofctl -O OpenFlow10 add-flow" uvs-ofctl -O OpenFlow10 add-flow "$BR" "priority=9,in_port=1,actions=output:2"
check "uvs-ofctl -O OpenFlow15 add-flow" uvs-ofctl -O OpenFlow15 add-flow "$BR" "table=2,priority=8,ip,actions=resubmit(,3)"
check_grep "uvs-ofctl -O OpenFlow10 refuses a flow 1.0 would install wider (a register match)" \
    "cannot be sent in OF1.0: its match uses fields" \
    bash -c "! uvs-ofctl -O OpenFlow10 add-flow $BR 'priority=9,reg0=5,actions=drop' 2>&1"
check_grep "uvs-ofctl -O OpenFlow10 dump-flows (no version named, as ovs-ofctl)" \
    "^OFPST_FLOW reply \\(xid=0x[0-9a-f]*\\):$" uvs-ofctl -O OpenFlow10 dump-flows "$BR"
check_grep "uvs-ofctl -O OpenFlow15 dump-flows sees the 1.0 flow" "priority=9,in_port=1 actions=output:2" \
    uvs-ofctl -O OpenFlow15 --no-names dump-flows "$BR"
check_grep "uvs-ofctl -O OpenFlow10 show" "^ 1\\($(uvs_veth a)\\): addr:" \
    uvs-ofctl -O OpenFlow10 show "$BR"
check_grep "uvs-ofctl -O OpenFlow15 dump-ports" "^OFPST_PORT reply \\(OF1.5\\)" uvs-ofctl -O OpenFlow15 dump-ports "$BR"

# --- Bridge.protocols ---------------------------------------------------------------------------
check "protocols=OpenFlow13" uvs-vsctl --timeout=30 set Bridge "$BR" protocols=OpenFlow13
check "ovs-ofctl -O OpenFlow10 is refused" wait_until 10 \
    bash -c "! ovs-ofctl -O OpenFlow10 dump-flows $MGMT >/dev/null 2>&1"
check_grep "... with a version negotiation error" "version negotiation failed" \
    bash -c "ovs-ofctl -O OpenFlow10 dump-flows $MGMT 2>&1; true"
check_fails "ovs-ofctl -O OpenFlow15 is refused" ovs-ofctl -O OpenFlow15 dump-flows "$MGMT"
check "ovs-ofctl -O OpenFlow13 still works" ovs-ofctl -O OpenFlow13 dump-flows "$MGMT"
check "protocols=OpenFlow10,OpenFlow15" uvs-vsctl --timeout=30 set Bridge "$BR" protocols=OpenFlow10,OpenFlow15
check "ovs-ofctl -O OpenFlow10 works again" wait_until 10 ovs-ofctl -O OpenFlow10 dump-flows "$MGMT"
check_grep "plain ovs-ofctl (which offers 1.0 only) works" "^OFPST_FLOW reply \\(xid=" \
    ovs-ofctl dump-flows "$MGMT"
check_grep "ovs-ofctl offering 1.3 to 1.5 gets 1.5" "^OFPST_FLOW reply \\(OF1.5\\)" \
    ovs-ofctl -O OpenFlow13,OpenFlow14,OpenFlow15 dump-flows "$MGMT"
check_fails "ovs-ofctl -O OpenFlow13 is refused" ovs-ofctl -O OpenFlow13 dump-flows "$MGMT"
check "protocols cleared" uvs-vsctl --timeout=30 clear Bridge "$BR" protocols
check "switch still answers uvs-ofctl" wait_until 10 uvs-ofctl dump-flows "$BR"

uvs_test_finish
