#!/bin/bash
# Patch ports (Interface type "patch", options:peer): two bridges joined only by a patch pair, a
# namespace on each, ping through it with NORMAL on both bridges (the Neutron br-int/br-tun
# shape); ofproto/trace shows the crossing; the megaflow's datapath actions go straight to the
# far port (no device in between); dump-ports counts what crossed; a meter in the far bridge
# limits what crosses; a patch port whose peer does not exist is down with Interface.error saying
# so; deleting a peer takes the link down.
. "$(dirname "$0")/common.sh"
uvs_require_root
uvs_test_init patch

B1=bi$UVS_SFX
B2=bt$UVS_SFX
P1=pi$UVS_SFX
P2=pt$UVS_SFX
check "uvsdb-server starts" uvs_start_db || uvs_test_finish
check "uvs-vswitchd starts" uvs_start_vswitchd || uvs_test_finish
check "namespace a" uvs_add_ns a 10.12.0.1 || uvs_test_finish
check "namespace b" uvs_add_ns b 10.12.0.2 || uvs_test_finish
VA=$(uvs_veth a)
VB=$(uvs_veth b)

check "add-br $B1" uvs-vsctl --timeout=30 add-br "$B1"
check "add-br $B2" uvs-vsctl --timeout=30 add-br "$B2"
check "add-port a to $B1" uvs-vsctl --timeout=30 add-port "$B1" "$VA"
check "add-port b to $B2" uvs-vsctl --timeout=30 add-port "$B2" "$VB"
check "patch pair in one transaction" uvs-vsctl --timeout=30 \
    -- add-port "$B1" "$P1" -- set Interface "$P1" type=patch "options:peer=$P2" \
    -- add-port "$B2" "$P2" -- set Interface "$P2" type=patch "options:peer=$P1"
check_output "patch port $P1 has OpenFlow port 2" 2 uvs-vsctl get Interface "$P1" ofport
check_output "patch port $P2 has OpenFlow port 2" 2 uvs-vsctl get Interface "$P2" ofport
check "patch port $P1 link is up" wait_until 10 \
    bash -c "[ \"\$(uvs-vsctl get Interface $P1 link_state)\" = up ]"
check_output "no error on $P1" "[]" uvs-vsctl get Interface "$P1" error
check_grep "iface_types lists patch" patch uvs-vsctl get Open_vSwitch . iface_types
check_grep "ofctl show lists the patch port as port 2, LIVE" "state: *LIVE" \
    bash -c "uvs-ofctl show $B1 | grep -A2 '^ *2($P1)'"
check_fails "no datapath port for a patch port" \
    bash -c "uvs-appctl dpctl/show | grep -q '$P1'"

# --- NORMAL on both bridges (the default flow of a new bridge).
check "a pings b across the patch pair" wait_until 15 uvs_ns_exec a ping -c 1 -W 1 10.12.0.2
check "b pings a" uvs_ns_exec b ping -c 3 -i 0.2 -W 1 10.12.0.1
MAC_A=$(uvs_ns_exec a cat /sys/class/net/eth0/address)
MAC_B=$(uvs_ns_exec b cat /sys/class/net/eth0/address)
check_grep "$B2 learned a's MAC on its patch port" "^ *2 .*$MAC_A" uvs-appctl fdb/show "$B2"
check_grep "$B1 learned b's MAC on its patch port" "^ *2 .*$MAC_B" uvs-appctl fdb/show "$B1"
# The megaflow for packets from a goes straight to b's veth: the datapath never sees the patch.
DPA=$(uvs-appctl dpctl/show | sed -n "s/^ *port \([0-9]*\): $VA.*/\1/p")
DPB=$(uvs-appctl dpctl/show | sed -n "s/^ *port \([0-9]*\): $VB.*/\1/p")
check "datapath port numbers of a and b are known ($DPA, $DPB)" test -n "$DPA" -a -n "$DPB"
check_grep "megaflow from a outputs to b's datapath port" \
    "in_port=$DPA.*dl_dst=$MAC_B.*actions:$DPB\$" uvs-appctl dpctl/dump-flows

# --- ofproto/trace shows both bridges.
TRACE=$UVS_TEST_DIR/trace.txt
uvs-appctl ofproto/trace "$B1" "in_port=1,dl_src=$MAC_A,dl_dst=$MAC_B" >"$TRACE" 2>&1
check_grep "trace: output to the patch port" "output to patch port $P1" cat "$TRACE"
check_grep "trace: continues in bridge $B2" "^ *bridge\\(\"$B2\"\\)" cat "$TRACE"
check_grep "trace: NORMAL in $B2 forwards to b" "forwarding to learned port $VB" cat "$TRACE"
check_grep "trace: datapath actions are b's port" "Datapath actions: $DPB\$" cat "$TRACE"

# --- Statistics: what crossed is counted on both patch ports.
check "dump-ports counts tx on $P1" wait_until 10 \
    bash -c "uvs-ofctl dump-ports $B1 2 | grep -q 'tx pkts=[1-9]'"
check "dump-ports counts rx on $P2" wait_until 10 \
    bash -c "uvs-ofctl dump-ports $B2 2 | grep -q 'rx pkts=[1-9]'"

# --- Explicit rules across the patch (output:PORT, not NORMAL).
check "del-flows $B1" uvs-ofctl del-flows "$B1"
check "add in_port=1 -> patch" uvs-ofctl add-flow "$B1" "in_port=1,actions=output:2"
check "add in_port=patch -> 1" uvs-ofctl add-flow "$B1" "in_port=2,actions=output:1"
check "explicit rules: a pings b" wait_until 10 uvs_ns_exec a ping -c 1 -W 1 10.12.0.2

# --- A meter in the far bridge limits what crosses the patch pair: the meter action names the
# meter table of the bridge whose rule used it. $B1 has a meter 1 too (a high rate) that must
# see none of these packets.
check "add-meter 1 on $B2 (10 packets/s, burst 10)" uvs-ofctl add-meter "$B2" \
    "meter=1,pktps,burst,stats,band=type=drop,rate=10,burst_size=10"
check "add-meter 1 on $B1 (100000 packets/s)" uvs-ofctl add-meter "$B1" \
    "meter=1,pktps,stats,band=type=drop,rate=100000"
check "ICMP from the patch port through meter 1 on $B2" uvs-ofctl add-flow "$B2" \
    "priority=10,in_port=2,icmp,actions=meter:1,output:1"
check "a pings b through the metered flow" wait_until 10 uvs_ns_exec a ping -c 1 -W 1 10.12.0.2
check "mod-meter 1 on $B2 restarts the bucket full" uvs-ofctl mod-meter "$B2" \
    "meter=1,pktps,burst,stats,band=type=drop,rate=10,burst_size=10"
START=$(date +%s.%N)
uvs_ns_exec a ping -f -c 600 -w 4 -q 10.12.0.2 >"$UVS_TEST_DIR/flood.txt" 2>&1
STATS=$(uvs-ofctl meter-stats "$B2" meter=1)
END=$(date +%s.%N)
cat "$UVS_TEST_DIR/flood.txt"
echo "$STATS"
IN=$(sed -n 's/.*packet_in_count:\([0-9]*\).*/\1/p' <<<"$STATS")
DROPPED=$(sed -n 's/^0: packet_count:\([0-9]*\).*/\1/p' <<<"$STATS")
LIMIT=$(awk -v s="$START" -v e="$END" 'BEGIN { printf "%d", 10 * (e - s + 1) + 10 + 5 }')
echo "in=$IN dropped=$DROPPED forwarded=$(( ${IN:-0} - ${DROPPED:-0} )) limit=$LIMIT"
check "the flood reached $B2's meter (>= 100 packets in)" test "${IN:-0}" -ge 100
check "$B2's drop band counted drops (>= 50)" test "${DROPPED:-0}" -ge 50
check "forwarded across the patch within rate x time + burst" \
    test $(( ${IN:-0} - ${DROPPED:-0} )) -le "$LIMIT"
check_grep "$B1's meter 1 saw none of them" "packet_in_count:0 " \
    uvs-ofctl meter-stats "$B1" meter=1
check "del-meters on $B2 (and its flow)" uvs-ofctl del-meters "$B2" meter=1
check "del-meters on $B1" uvs-ofctl del-meters "$B1" meter=1
check "ping works again without the meter" wait_until 10 uvs_ns_exec a ping -c 1 -W 1 10.12.0.2

# --- A packet-in after a patch port belongs to the peer's bridge and its patch port.
uvs-ofctl monitor "$B2" >"$UVS_TEST_DIR/monitor.txt" 2>&1 &
MON=$!
check "controller rule on $B2 for EtherType 0x88b5" \
    uvs-ofctl add-flow "$B2" "priority=100,dl_type=0x88b5,actions=CONTROLLER"
PKT=02000000009902000000009888b5$(printf '00%.0s' $(seq 46))
check "packet-out into $B1 towards the patch port" \
    uvs-ofctl packet-out "$B1" "in_port=1 packet=$PKT actions=output:2"
# Sent again until the monitor (which may connect after the first one) has shown it.
check "$B2's controller gets it, from $B2's patch port" wait_until 10 \
    bash -c "uvs-ofctl packet-out $B1 'in_port=1 packet=$PKT actions=output:2' &&
             grep -Eq 'OFPT_PACKET_IN.*in_port=(2|$P2) ' $UVS_TEST_DIR/monitor.txt"
kill "$MON" 2>/dev/null
wait "$MON" 2>/dev/null
check "remove the controller rule" uvs-ofctl del-flows "$B2" dl_type=0x88b5

# --- A missing peer: the port is down and says why; traffic stops.
check "del-port $P2" uvs-vsctl --timeout=30 del-port "$B2" "$P2"
check "$P1 goes down without its peer" wait_until 10 \
    bash -c "[ \"\$(uvs-vsctl get Interface $P1 link_state)\" = down ]"
check_grep "Interface.error names the missing peer" "peer '$P2' does not exist" \
    uvs-vsctl get Interface "$P1" error
check_grep "ofctl show: $P1 is LINK_DOWN" "state: *LINK_DOWN" \
    bash -c "uvs-ofctl show $B1 | grep -A2 '^ *2($P1)'"
check_fails "no ping without the peer" uvs_ns_exec a ping -c 2 -i 0.2 -W 1 10.12.0.2
check "a port whose peer never existed" uvs-vsctl --timeout=30 \
    -- add-port "$B2" "x$P2" -- set Interface "x$P2" type=patch "options:peer=nope$UVS_SFX"
check_grep "its error names the peer" "peer 'nope$UVS_SFX' does not exist" \
    uvs-vsctl get Interface "x$P2" error
check_output "its link is down" down uvs-vsctl get Interface "x$P2" link_state

# --- Re-adding the peer brings the link back.
check "re-add $P2" uvs-vsctl --timeout=30 \
    -- add-port "$B2" "$P2" -- set Interface "$P2" type=patch "options:peer=$P1"
check "$P1 is up again" wait_until 10 \
    bash -c "[ \"\$(uvs-vsctl get Interface $P1 link_state)\" = up ]"
check_output "its error is cleared" "[]" uvs-vsctl get Interface "$P1" error
check "ping works again" wait_until 10 uvs_ns_exec a ping -c 1 -W 1 10.12.0.2

# --- A patch loop (each bridge floods back into the other) is bounded, not a hang.
check "a second patch pair makes a loop" uvs-vsctl --timeout=30 \
    -- add-port "$B1" "l$P1" -- set Interface "l$P1" type=patch "options:peer=l$P2" \
    -- add-port "$B2" "l$P2" -- set Interface "l$P2" type=patch "options:peer=l$P1"
check_grep "trace of a broadcast around the loop ends" "Datapath actions:" \
    uvs-appctl ofproto/trace "$B1" "in_port=1,dl_src=$MAC_A,dl_dst=ff:ff:ff:ff:ff:ff"
# An ARP broadcast for an absent host goes around the loop in the datapath too.
uvs_ns_exec a ping -c 2 -i 0.2 -W 1 10.12.0.9 >/dev/null 2>&1
check "daemon answers after the loop" uvs-appctl -t uvs-vswitchd version
check "del-br $B2" uvs-vsctl --timeout=30 del-br "$B2"
check "$P1 is down after its peer's bridge is gone" wait_until 10 \
    bash -c "[ \"\$(uvs-vsctl get Interface $P1 link_state)\" = down ]"
check "daemon still answers" uvs-appctl -t uvs-vswitchd version
check "del-br $B1" uvs-vsctl --timeout=30 del-br "$B1"

uvs_test_finish
