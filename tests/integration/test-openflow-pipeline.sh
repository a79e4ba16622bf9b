#!/bin/bash
# The OpenFlow pipeline: several tables chained with goto_table, registers and metadata written by
# load/set_field/write_metadata and matched in later tables, Nicira resubmit, the action set
# (write_actions/clear_actions), table-miss, and the flow-mod checks a switch must make. Two
# namespaces ping through the pipeline; ofproto/trace shows each table visited, the rule matched,
# the megaflow and the datapath actions.
. "$(dirname "$0")/common.sh"
uvs_require_root
uvs_test_init of-pipeline

BR=br$UVS_SFX
check "uvsdb-server starts" uvs_start_db || uvs_test_finish
check "uvs-vswitchd starts" uvs_start_vswitchd || uvs_test_finish
check "namespace a" uvs_add_ns a 10.13.0.1 || uvs_test_finish
check "namespace b" uvs_add_ns b 10.13.0.2 || uvs_test_finish
VA=$(uvs_veth a)
VB=$(uvs_veth b)
check "add-br" uvs-vsctl --timeout=30 add-br "$BR"
check "add-port a" uvs-vsctl --timeout=30 add-port "$BR" "$VA" -- set Interface "$VA" ofport_request=1
check "add-port b" uvs-vsctl --timeout=30 add-port "$BR" "$VB" -- set Interface "$VB" ofport_request=2

# --- A three-table pipeline: table 0 classifies by port into reg0 (and metadata), table 1 forwards
# by reg0, table 2 is reached by resubmit.
check "del-flows" uvs-ofctl del-flows "$BR"
check "reconfigure the bridge" uvs-vsctl --timeout=30 set Bridge "$BR" other_config:mac-aging-time=300
check_output "a reconfiguration does not bring back the default NORMAL flow" "" \
    bash -c "uvs-ofctl dump-flows $BR | grep -v '^OFPST' || true"
check "add table 0 rule (load, write_metadata, goto_table)" uvs-ofctl add-flow "$BR" \
    "table=0,priority=100,in_port=1,actions=load:0x1->NXM_NX_REG0[],write_metadata:0x5/0xff,goto_table:1"
check "add table 0 rule (set_field on a register)" uvs-ofctl add-flow "$BR" \
    "table=0,priority=100,in_port=2,actions=set_field:0x2->reg0,goto_table:1"
check "add table 1 rule matching reg0 and metadata" uvs-ofctl add-flow "$BR" \
    "table=1,priority=10,reg0=1,metadata=0x5/0xff,actions=output:2"
check "add table 1 rule with resubmit" uvs-ofctl add-flow "$BR" \
    "table=1,priority=10,reg0=2,actions=resubmit(,2)"
check "add table 2 rule" uvs-ofctl add-flow "$BR" "table=2,priority=0,actions=output:1"

DUMP=$(uvs-ofctl dump-flows "$BR")
check_grep "dump-flows prints instructions as ovs-ofctl does" \
    'table=0, n_packets=0, n_bytes=0, priority=100,in_port=1 actions=load:0x1->NXM_NX_REG0\[\],write_metadata:0x5/0xff,goto_table:1' \
    echo "$DUMP"
check_grep "set_field on a register prints as load (ovs-ofctl's reg_load)" \
    'priority=100,in_port=2 actions=load:0x2->NXM_NX_REG0\[\],goto_table:1' echo "$DUMP"
check_grep "register and metadata match printed" \
    'table=1, .*priority=10,reg0=0x1,metadata=0x5/0xff actions=output:2' echo "$DUMP"
check_grep "resubmit printed" 'table=1, .*priority=10,reg0=0x2 actions=resubmit\(,2\)' echo "$DUMP"
check_output "dump-flows --sort orders by priority (ascending), without a header" \
    "priority=0 actions=output:1" bash -c "uvs-ofctl --sort dump-flows $BR | head -1 | sed 's/.* priority/priority/'"
check_output "dump-flows --rsort puts priority 100 first" "100" \
    bash -c "uvs-ofctl --rsort dump-flows $BR | head -1 | sed 's/.*priority=\([0-9]*\).*/\1/'"

check "dump-flows --format json: one object per flow with its fields" bash -c \
    "uvs-ofctl --format json dump-flows $BR table=1 | python3 -c 'import json, sys; d = json.load(sys.stdin); sys.exit(0 if len(d) == 2 and {f[\"match\"] for f in d} == {\"reg0=0x1,metadata=0x5/0xff\", \"reg0=0x2\"} and all(f[\"table\"] == 1 and f[\"priority\"] == 10 for f in d) else 1)'"
TRACE=$(uvs-appctl ofproto/trace "$BR" in_port=1,dl_dst=00:00:00:00:00:02)
echo "$TRACE"
check_grep "trace: table 0 rule" '^ 0\. in_port=1, priority 100$' echo "$TRACE"
# (uvs-ofctl speaks OpenFlow 1.5 by default, which carries a whole-register load as set_field.)
check_grep "trace: table 0 actions" '^    (load:0x1->NXM_NX_REG0\[\]|set_field:0x1->reg0)$' echo "$TRACE"
check_grep "trace: goto_table" '^    goto_table:1$' echo "$TRACE"
check_grep "trace: table 1 rule matched on reg0 and metadata" \
    '^ 1\. reg0=0x1,metadata=0x5/0xff, priority 10$' echo "$TRACE"
check_grep "trace: output" '^    output:2$' echo "$TRACE"
check_grep "trace: megaflow matches the ingress port" '^Megaflow: in_port=[0-9]*' echo "$TRACE"
check_fails "trace: megaflow does not mention pipeline registers" grep -q 'Megaflow:.*reg0' <<<"$TRACE"
check_grep "trace: one datapath output" '^Datapath actions: [0-9]*$' echo "$TRACE"

TRACE=$(uvs-appctl ofproto/trace "$BR" in_port=2)
check_grep "trace: resubmit nests table 2" '^     2\. priority 0$' echo "$TRACE"
check_grep "trace: nested action" '^        output:1$' echo "$TRACE"

ARPREQ=ffffffffffff020000000001080600010800060400010200000000010a0d00630000000000000a0d0001
TRACE=$(uvs-appctl ofproto/trace "$BR" in_port=1 "$ARPREQ")
check_grep "trace with a packet: the flow comes from its headers" \
    "^Flow: in_port=1,.*dl_src=02:00:00:00:00:01,dl_dst=ff:ff:ff:ff:ff:ff,dl_type=0x0806" echo "$TRACE"
check_grep "trace with a packet: same pipeline" '^ 1\. reg0=0x1,metadata=0x5/0xff, priority 10$' \
    echo "$TRACE"
check_grep "trace: a bad packet is refused with a reason" "PACKET: expected hex bytes" \
    bash -c "uvs-appctl ofproto/trace $BR in_port=1 zz 2>&1; true"

check "pipeline: a pings b" wait_until 10 uvs_ns_exec a ping -c 1 -W 1 10.13.0.2
check "pipeline: b pings a" uvs_ns_exec b ping -c 3 -i 0.2 -W 1 10.13.0.1
# Every rule on a packet's path is credited, not just the first one.
check "table 1 rule counted packets" wait_until 5 \
    bash -c "uvs-ofctl dump-flows $BR table=1 | grep 'reg0=0x1' | grep -q 'n_packets=[1-9]'"
check "table 2 rule (reached by resubmit) counted packets" wait_until 5 \
    bash -c "uvs-ofctl dump-flows $BR table=2 | grep -q 'n_packets=[1-9]'"
check_grep "dump-tables shows lookups in table 2" 'table 2:' uvs-ofctl dump-tables "$BR"

# --- Packet-out (OpenFlow 1.3.5 §7.3.7): direct output, and output:TABLE through the pipeline.
ARP=ffffffffffff020000000001080600010800060400010200000000010a0d00630000000000000a0d0001
tx_b() { uvs-ofctl dump-ports "$BR" 2 | sed -n 's/.*tx pkts=\([0-9]*\),.*/\1/p'; }
tx_b_is() { [ "$(tx_b)" = "$1" ]; }
TX0=$(tx_b)
check "packet-out output:2 (ovs-ofctl 3.x syntax)" uvs-ofctl packet-out "$BR" \
    "in_port=none packet=$ARP actions=output:2"
check "port 2 transmitted exactly the packet-out" wait_until 5 tx_b_is $((TX0 + 1))
check "packet-out in_port=1 actions=TABLE (old syntax) runs the pipeline" \
    uvs-ofctl packet-out "$BR" 1 TABLE "$ARP"
check "the pipeline (in_port=1 -> reg0=1 -> output:2) sent it to port 2" \
    wait_until 5 tx_b_is $((TX0 + 2))
check_grep "packet-out from an unknown port is refused" "OFPBRC_BAD_PORT" \
    bash -c "uvs-ofctl packet-out $BR 'in_port=77 packet=$ARP actions=output:2' 2>&1; true"

# --- Action set and table-miss.
check "add write_actions/goto rule" uvs-ofctl add-flow "$BR" \
    "table=0,priority=200,in_port=1,udp,tp_dst=99,actions=push_vlan:0x8100,set_field:10->vlan_vid,dec_ttl,write_actions(set_field:00:11:22:33:44:55->eth_src,output:2),goto_table:5"
TRACE=$(uvs-appctl ofproto/trace "$BR" in_port=1,udp,tp_dst=99,nw_ttl=64)
echo "$TRACE"
check_grep "trace: table-miss in an empty table" '^ 5\. No match\.$' echo "$TRACE"
check_grep "trace: the action set runs at the end" \
    'executing the action set: write_actions\(set_field:00:11:22:33:44:55->eth_src,output:2\)' \
    echo "$TRACE"
check_grep "trace: datapath actions in order" \
    '^Datapath actions: push_vlan\(vid=0,pcp=0\),set\(vlan\(vid=10,pcp=0\)\),dec_ttl,set\(eth\(src=00:11:22:33:44:55\)\),[0-9]*$' \
    echo "$TRACE"
check_grep "trace: megaflow matches what the pipeline consulted" \
    '^Megaflow: in_port=[0-9]*,.*dl_type=0x0800.*nw_proto=17.*tp_dst=99' echo "$TRACE"
check "add clear_actions rule" uvs-ofctl add-flow "$BR" \
    "table=0,priority=200,in_port=1,udp,tp_dst=98,actions=write_actions(output:2),goto_table:3"
check "add table 3 clear_actions" uvs-ofctl add-flow "$BR" "table=3,actions=clear_actions"
check_grep "trace: clear_actions empties the action set" '^Datapath actions: drop$' \
    uvs-appctl ofproto/trace "$BR" in_port=1,udp,tp_dst=98

# --- Flow removal messages (send_flow_rem) to a monitoring connection.
uvs-ofctl monitor "$BR" >"$UVS_TEST_DIR/monitor.txt" 2>&1 &
MON=$!
check "the switch answers" uvs-appctl -t uvs-vswitchd version
sleep 0.5
check "add a flow with send_flow_rem and hard_timeout=1" uvs-ofctl add-flow "$BR" \
    "table=8,priority=7,send_flow_rem,hard_timeout=1,actions=drop"
check "add a flow with send_flow_rem" uvs-ofctl add-flow "$BR" \
    "table=8,priority=9,cookie=0x77,send_flow_rem,actions=drop"
check "del-flows table=8,cookie=0x77/-1" uvs-ofctl del-flows "$BR" "table=8,cookie=0x77/-1"
check "monitor shows the deleted flow's removal" wait_until 5 grep -q \
    "OFPT_FLOW_REMOVED (OF1.3) (xid=0x0): priority=9 reason=delete table_id=8 cookie:0x77" \
    "$UVS_TEST_DIR/monitor.txt"
check "monitor shows the hard timeout's removal" wait_until 5 grep -q \
    "priority=7 reason=hard table_id=8 duration[0-9.]*s hard1 pkts0 bytes0" \
    "$UVS_TEST_DIR/monitor.txt"
kill "$MON" 2>/dev/null
wait "$MON" 2>/dev/null

# --- Port-mod: a no-forward port gets nothing; the flag shows in the port description.
check "mod-port 2 no-forward" uvs-ofctl mod-port "$BR" 2 no-forward
check_grep "port description shows NO_FWD" "config: +NO_FWD" uvs-ofctl dump-ports-desc "$BR"
check_grep "trace: output to a no-forward port is skipped" "is no-forward: skipped" \
    uvs-appctl ofproto/trace "$BR" in_port=1
check_fails "no-forward: a cannot reach b" uvs_ns_exec a ping -c 2 -i 0.2 -W 1 10.13.0.2
check "mod-port 2 forward" uvs-ofctl mod-port "$BR" 2 forward
check "forward again: a pings b" wait_until 10 uvs_ns_exec a ping -c 1 -W 1 10.13.0.2
check_grep "mod-port on a missing port" "OFPPMFC_BAD_PORT" \
    bash -c "uvs-ofctl mod-port $BR 99 down 2>&1; true"

# --- Flow-mod checks.
check_grep "goto_table must go forward" "OFPBIC_BAD_TABLE_ID" \
    bash -c "uvs-ofctl add-flow $BR 'table=3,actions=goto_table:1' 2>&1; true"
check_grep "set_field needs its prerequisite in the match" "OFPBAC_MATCH_INCONSISTENT" \
    bash -c "uvs-ofctl add-flow $BR 'actions=set_field:10.0.0.1->ip_dst' 2>&1; true"
check_grep "parser checks match prerequisites" 'nw_dst requires ip or arp' \
    bash -c "uvs-ofctl add-flow $BR 'nw_dst=10.0.0.1,actions=drop' 2>&1; true"
check_grep "instructions must be in order" 'instruction write_actions may not follow instruction goto_table' \
    bash -c "uvs-ofctl add-flow $BR 'actions=goto_table:1,write_actions(output:1)' 2>&1; true"
check_fails "table 254 does not exist" uvs-ofctl add-flow "$BR" "table=254,actions=drop"
check "check_overlap accepts a different priority" uvs-ofctl add-flow "$BR" \
    "table=7,priority=5,check_overlap,ip,actions=drop"
check_grep "check_overlap rejects an overlapping flow" "OFPFMFC_OVERLAP" \
    bash -c "uvs-ofctl add-flow $BR 'table=7,priority=5,check_overlap,ip,nw_src=1.2.3.4,actions=drop' 2>&1; true"

# Modify: only the matching table's rules change; counters survive unless reset_counts.
check "mod-flows table 1" uvs-ofctl mod-flows "$BR" "table=1,reg0=1,actions=output:2,note:01.02"
check_grep "mod-flows changed the actions" 'reg0=0x1,metadata=0x5/0xff actions=output:2,note:01.02.00.00.00.00' \
    uvs-ofctl dump-flows "$BR" table=1
check_grep "mod-flows kept the counters" 'n_packets=[1-9].*reg0=0x1' uvs-ofctl dump-flows "$BR" table=1
check "del-flows --strict in table 2" uvs-ofctl --strict del-flows "$BR" "table=2,priority=0"
check_output "table 2 is empty" "" bash -c "uvs-ofctl dump-flows $BR table=2 | grep -v '^OFPST' || true"
check "del-flows with cookie mask" uvs-ofctl add-flow "$BR" "table=9,cookie=0x12,actions=drop"
check "del-flows cookie=0x12/-1" uvs-ofctl del-flows "$BR" "cookie=0x12/-1"
check_output "cookie filter deleted only that flow" "" \
    bash -c "uvs-ofctl dump-flows $BR table=9 | grep -v '^OFPST' || true"
check_grep "other flows survive the cookie delete" 'table=1' uvs-ofctl dump-flows "$BR"

# --- A resubmit loop is cut off, not followed forever.
check "add a rule resubmitting to its own table twice" uvs-ofctl add-flow "$BR" \
    "table=11,priority=1,actions=resubmit(,11),resubmit(,11)"
check "add a rule entering it" uvs-ofctl add-flow "$BR" \
    "table=0,priority=500,in_port=1,udp,tp_dst=7777,actions=goto_table:11"
check_grep "trace: the loop is dropped" "over 64 nested resubmits or 4096 lookups: dropping" \
    bash -c "uvs-appctl ofproto/trace $BR in_port=1,udp,tp_dst=7777 | head -400"
check "the switch still answers" uvs-appctl -t uvs-vswitchd version
check "delete the loop" bash -c "uvs-ofctl del-flows $BR table=11 && uvs-ofctl --strict del-flows $BR 'table=0,priority=500,in_port=1,udp,tp_dst=7777'"

# --- replace-flows / diff-flows against a file.
cat >"$UVS_TEST_DIR/flows.txt" <<'FLOWS'
# the pipeline, with table 2 changed and the rest gone
table=0,priority=100,in_port=1,actions=load:0x1->NXM_NX_REG0[],write_metadata:0x5/0xff,goto_table:1
table=0,priority=100,in_port=2,actions=set_field:0x2->reg0,goto_table:1
table=1,priority=10,reg0=2,actions=resubmit(,2)
table=2,priority=0,actions=output:1
table=1,priority=10,reg0=1,metadata=0x5/0xff,actions=output:2
FLOWS
check "replace-flows" uvs-ofctl replace-flows "$BR" "$UVS_TEST_DIR/flows.txt"
check_output "after replace-flows, diff-flows finds nothing" "" \
    uvs-ofctl diff-flows "$BR" "$UVS_TEST_DIR/flows.txt"
check "add one more flow" uvs-ofctl add-flow "$BR" "table=4,priority=1,actions=drop"
check_output "diff-flows shows the extra flow with -" "-table=4 priority=1 actions=drop" \
    bash -c "uvs-ofctl diff-flows $BR $UVS_TEST_DIR/flows.txt; [ \$? = 2 ]"
check "a still pings b after replace-flows" wait_until 10 uvs_ns_exec a ping -c 1 -W 1 10.13.0.2

uvs_test_finish
