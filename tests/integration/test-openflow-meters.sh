#!/bin/bash
# OpenFlow meters (OpenFlow 1.3.5 §5.7, §7.3.4.4): meters added with uvs-ofctl and with Debian's
# ovs-ofctl, meter-mod errors, flows with meter:N, a ping flood through a pktps drop meter (the
# band counts the drops; what passes stays within rate x time + burst), dump-meters and
# meter-stats output, and deleting a meter deletes the flows that use it.
. "$(dirname "$0")/common.sh"
uvs_require_root
uvs_test_init of-meters

BR=br$UVS_SFX
check "uvsdb-server starts" uvs_start_db || uvs_test_finish
check "uvs-vswitchd starts" uvs_start_vswitchd || uvs_test_finish
check "namespace a" uvs_add_ns a 10.19.0.1 || uvs_test_finish
check "namespace b" uvs_add_ns b 10.19.0.2 || uvs_test_finish
check "add-br" uvs-vsctl --timeout=30 add-br "$BR"
check "add-port a" uvs-vsctl --timeout=30 add-port "$BR" "$(uvs_veth a)" -- \
    set Interface "$(uvs_veth a)" ofport_request=1
check "add-port b" uvs-vsctl --timeout=30 add-port "$BR" "$(uvs_veth b)" -- \
    set Interface "$(uvs_veth b)" ofport_request=2

# Meter-mod and its errors.
check "add-meter 1 (pktps, burst)" uvs-ofctl add-meter "$BR" \
    "meter=1,pktps,burst,stats,band=type=drop,rate=10,burst_size=10"
check_grep "a second meter 1 is refused" "OFPMMFC_METER_EXISTS" \
    bash -c "uvs-ofctl add-meter $BR 'meter=1,pktps,band=type=drop,rate=5' 2>&1; true"
check_grep "mod-meter of a missing meter" "OFPMMFC_UNKNOWN_METER" \
    bash -c "uvs-ofctl mod-meter $BR 'meter=7,pktps,band=type=drop,rate=5' 2>&1; true"
check_grep "rate 0 is refused" "OFPMMFC_BAD_RATE" \
    bash -c "uvs-ofctl add-meter $BR 'meter=7,pktps,band=type=drop,rate=0' 2>&1; true"
check_grep "burst_size without the burst flag is refused" "OFPMMFC_BAD_BURST" \
    bash -c "uvs-ofctl add-meter $BR 'meter=7,pktps,band=type=drop,rate=5,burst_size=3' 2>&1; true"
check_grep "meter id past max_meter is refused" "OFPMMFC_INVALID_METER" \
    bash -c "uvs-ofctl add-meter $BR 'meter=70000,pktps,band=type=drop,rate=5' 2>&1; true"
check_grep "a flow using a missing meter is refused" "OFPMMFC_UNKNOWN_METER" \
    bash -c "uvs-ofctl add-flow $BR 'actions=meter:9,output:2' 2>&1; true"

# Debian's ovs-ofctl drives the same switch.
if command -v ovs-ofctl >/dev/null; then
    MGMT=unix:$UVS_RUNDIR/$BR.mgmt
    check "ovs-ofctl add-meter 2 (kbps)" ovs-ofctl -O OpenFlow13 add-meter "$MGMT" \
        meter=2,kbps,band=type=drop,rate=1000
    check_grep "ovs-ofctl: a dscp_remark band is refused" "OFPMMFC_BAD_BAND" \
        bash -c "ovs-ofctl -O OpenFlow13 add-meter $MGMT meter=3,kbps,band=type=dscp_remark,rate=1000,prec_level=1 2>&1; true"
    OVS=$(ovs-ofctl -O OpenFlow13 dump-meters "$MGMT")
    echo "$OVS"
    check_grep "ovs-ofctl dump-meters: meter 1" '^type=drop rate=10 burst_size=10$' echo "$OVS"
    check_grep "ovs-ofctl dump-meters: meter 2" '^meter=2 kbps bands=$' echo "$OVS"
    # uvs-ofctl negotiates the highest version by default: -O OpenFlow13 to compare with 1.3.
    check_output "uvs-ofctl dump-meters prints what ovs-ofctl prints" "$OVS" \
        uvs-ofctl -O OpenFlow13 dump-meters "$BR"
    check_output "meter-features as ovs-ofctl" "$(ovs-ofctl -O OpenFlow13 meter-features "$MGMT")" \
        uvs-ofctl -O OpenFlow13 meter-features "$BR"
    check "ovs-ofctl del-meters meter=2" ovs-ofctl -O OpenFlow13 del-meters "$MGMT" meter=2
else
    echo "SKIP: ovs-ofctl not installed (apt-get install openvswitch-common): interop checks"
fi
DUMP=$(uvs-ofctl dump-meters "$BR")
echo "$DUMP"
check_grep "dump-meters: meter 1 flags" '^meter=1 pktps burst stats bands=$' echo "$DUMP"
check_fails "dump-meters: meter 2 is gone" grep -q '^meter=2' <<<"$DUMP"
check_grep "meter-features" '^band_types: drop$' uvs-ofctl meter-features "$BR"

# Flows: ICMP from a goes through meter 1; everything else is switched normally.
check "flows" bash -c "
    uvs-ofctl add-flow $BR 'priority=10,in_port=1,icmp,actions=meter:1,output:2' &&
    uvs-ofctl add-flow $BR 'priority=0,actions=NORMAL'"
check_grep "dump-flows shows meter:1 first" 'icmp,in_port=1 actions=meter:1,output:2$' \
    uvs-ofctl dump-flows "$BR"
check_grep "trace: the datapath actions start with the meter" '^Datapath actions: meter\(1\),' \
    uvs-appctl ofproto/trace "$BR" in_port=1,icmp,nw_src=10.19.0.1,nw_dst=10.19.0.2
check "b is reachable (ARP through NORMAL)" wait_until 10 uvs_ns_exec b ping -c 1 -W 1 10.19.0.1
# The meter has been running since it was added: the bucket (10 packets) is full again.
check "mod-meter 1 restarts the bucket full" uvs-ofctl mod-meter "$BR" \
    "meter=1,pktps,burst,stats,band=type=drop,rate=10,burst_size=10"
START=$(date +%s.%N)
uvs_ns_exec a ping -f -c 600 -w 4 -q 10.19.0.2 >"$UVS_TEST_DIR/flood.txt" 2>&1
STATS=$(uvs-ofctl meter-stats "$BR" meter=1)
END=$(date +%s.%N)
cat "$UVS_TEST_DIR/flood.txt"
echo "$STATS"
IN=$(sed -n 's/.*packet_in_count:\([0-9]*\).*/\1/p' <<<"$STATS")
DROPPED=$(sed -n 's/^0: packet_count:\([0-9]*\).*/\1/p' <<<"$STATS")
check_grep "meter-stats: flow_count 1" 'flow_count:1 ' echo "$STATS"
check "the flood reached the meter (>= 100 packets in)" test "${IN:-0}" -ge 100
check "the drop band counted drops (>= 50)" test "${DROPPED:-0}" -ge 50
# Forwarded = in - dropped <= rate x elapsed + burst; generous: +1 s and +5 packets of slack.
LIMIT=$(awk -v s="$START" -v e="$END" 'BEGIN { printf "%d", 10 * (e - s + 1) + 10 + 5 }')
echo "in=$IN dropped=$DROPPED forwarded=$(( ${IN:-0} - ${DROPPED:-0} )) limit=$LIMIT"
check "forwarded within rate x time + burst" test $(( ${IN:-0} - ${DROPPED:-0} )) -le "$LIMIT"
check "... and the meter let the burst through (>= 10)" test $(( ${IN:-0} - ${DROPPED:-0} )) -ge 10
RECEIVED=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$UVS_TEST_DIR/flood.txt")
check "ping replies <= forwarded requests" test "${RECEIVED:-0}" -le $(( ${IN:-0} - ${DROPPED:-0} ))

# Deleting a meter deletes the flows that use it (OpenFlow 1.3.5 §6.6).
check "del-meters meter=1" uvs-ofctl del-meters "$BR" meter=1
check_output "the flow using meter 1 is gone" "" \
    bash -c "uvs-ofctl dump-flows $BR | grep meter || true"
check_output "no meters left" "" bash -c "uvs-ofctl dump-meters $BR | grep -v '^OFPST' || true"
check "ping works again without the meter flow" wait_until 10 uvs_ns_exec a ping -c 1 -W 1 10.19.0.2

uvs_test_finish
