#!/bin/bash
# Bad packets from the wire. A host in namespace a sends crafted frames through its veth into a
# running uvs-vswitchd (raw AF_PACKET socket, tests/integration/bad-frames.py): bad IPv4 IHL and
# total length, IPv6 extension header chains that run past the payload or the frame, a TCP data
# offset below 5, frames beyond the port's MTU of 1500 (the veths themselves allow 9000). A net_pcap
# port replays what a veth cannot carry: runts shorter than an Ethernet header, and a 4000-byte
# frame arriving in a chained mbuf. Each bad frame must be dropped and counted on its ingress port
# with its reason (uvs-appctl dpif-netdev/drop-show), never reach namespace b, and never crash the
# switch; frames that are odd but legal for a switch to carry (a long valid IPv6 extension chain
# ending in No Next Header, a TCP option of length 0, a 1500-byte frame) are forwarded. Meanwhile b
# and c ping each other through the same bridge without losing a packet.
. "$(dirname "$0")/common.sh"
uvs_require_root
uvs_test_init bad-input-packets

FRAMES="python3 $(dirname "$0")/bad-frames.py"
N=5                                 # copies of each case
BR=br$UVS_SFX
check "uvsdb-server starts" uvs_start_db || uvs_test_finish
check "uvs-vswitchd starts" uvs_start_vswitchd || uvs_test_finish
check "namespace a" uvs_add_ns a 10.61.0.1 || uvs_test_finish
check "namespace b" uvs_add_ns b 10.61.0.2 || uvs_test_finish
check "namespace c" uvs_add_ns c 10.61.0.3 || uvs_test_finish
VA=$(uvs_veth a)
VB=$(uvs_veth b)
VC=$(uvs_veth c)
# Jumbo frames must reach the switch: both ends of a's veth allow 9000 bytes; the switch port keeps
# its MTU of 1500.
check "veth a allows jumbo frames" bash -c "ip link set $VA mtu 9000 &&
    ip netns exec $(uvs_ns a) ip link set eth0 mtu 9000"
check "add-br" uvs-vsctl --timeout=30 add-br "$BR" || uvs_test_finish
check "add-port a" uvs-vsctl --timeout=30 add-port "$BR" "$VA"
check "add-port b" uvs-vsctl --timeout=30 add-port "$BR" "$VB"
check "add-port c" uvs-vsctl --timeout=30 add-port "$BR" "$VC"
check_output "port a's MTU is 1500" 1500 uvs-vsctl get Interface "$VA" mtu
check "a pings b" wait_until 15 uvs_ns_exec a ping -c 1 -W 1 10.61.0.2
check "c pings b" wait_until 15 uvs_ns_exec c ping -c 1 -W 1 10.61.0.2
MAC_B=$(uvs_ns_exec b cat /sys/class/net/eth0/address)

# drops PORT REASON — PORT's drop counter whose description starts with REASON.
drops() {
    uvs-appctl dpif-netdev/drop-show | awk -v p="$1 (bridge" -v r="  $2" '
        index($0, p) == 1 { f = 1; next }
        /^[^ ]/ { f = 0 }
        f && index($0, r) == 1 { sub(/.*: /, ""); print; exit }'
}
# drops_are PORT REASON N — the counter is N.
drops_are() {
    [ "$(drops "$1" "$2")" = "$3" ]
}

# Traffic between the other two ports for the whole test: it must not lose a packet.
uvs_ns_exec b ping -q -i 0.05 -c 400 -W 2 10.61.0.3 >"$UVS_TEST_DIR/ping-bc.out" 2>&1 &
PING_BC=$!

# What b receives of a's frames, for the whole sequence (ends at the "end" frame).
uvs_ns_exec b $FRAMES recv eth0 120 >"$UVS_TEST_DIR/recv.out" 2>&1 &
RECV=$!
check "receiver in b is listening" wait_until 10 grep -q ready "$UVS_TEST_DIR/recv.out"

declare -A REASON=([runt]="runt:" [truncated]="truncated:" [oversize]="oversize:"
                   [malformed]="malformed packet:")
declare -A EXPECT=()                # reason -> drops expected on a's port so far
for r in "${!REASON[@]}"; do
    EXPECT[$r]=0
done
FORWARD_CASES=()
while read -r case verdict; do
    [ "$case" = runt ] && continue          # a veth cannot carry it: the pcap port below does
    [ "$case" = end ] && continue
    check "send $N '$case' frames from a" uvs_ns_exec a $FRAMES send eth0 "$MAC_B" "$case" "$N"
    if [ "$verdict" = forward ]; then
        FORWARD_CASES+=("$case")
        continue
    fi
    EXPECT[$verdict]=$((EXPECT[$verdict] + N))
    check "'$case': counted as $verdict on port a (${EXPECT[$verdict]} so far)" \
        wait_until 10 drops_are "$VA" "${REASON[$verdict]}" "${EXPECT[$verdict]}"
done < <($FRAMES list)
check "send the end marker" uvs_ns_exec a $FRAMES send eth0 "$MAC_B" end 1
check "receiver saw the end marker" wait_until 20 bash -c "! kill -0 $RECV 2>/dev/null"
wait "$RECV" 2>/dev/null
for case in "${FORWARD_CASES[@]}"; do
    check_grep "'$case': forwarded to b ($N of $N)" "^$case $N\$" cat "$UVS_TEST_DIR/recv.out"
done
FWD_RE=$(IFS='|'; echo "${FORWARD_CASES[*]}")
check_output "no dropped case reached b" "" \
    bash -c "grep -vE '^(ready|end 1|($FWD_RE) [0-9]+)\$' '$UVS_TEST_DIR/recv.out' || true"
for r in "${!REASON[@]}"; do
    check_output "port a: $r drops are exactly ${EXPECT[$r]}" "${EXPECT[$r]}" drops "$VA" "${REASON[$r]}"
done
check_output "port b dropped nothing as malformed" 0 drops "$VB" "malformed packet:"

# --- Runts and a chained jumbo frame through a net_pcap port (replayed once, when added).
P=p$UVS_SFX
check "capture with 3 runts, 2 jumbo-4000, 2 bad IHL, 1 good frame" \
    $FRAMES pcap "$UVS_TEST_DIR/in.pcap" runt 3 jumbo-4000 2 ihl-short 2 udp-ok 1
check "pcap port replays it" uvs-vsctl --timeout=30 add-port "$BR" "$P" -- \
    set Interface "$P" type=dpdk \
    "options:dpdk-devargs=net_pcap_$P,rx_pcap=$UVS_TEST_DIR/in.pcap,tx_pcap=$UVS_TEST_DIR/out.pcap"
check "pcap port: 3 runts counted" wait_until 10 drops_are "$P" "runt:" 3
check "pcap port: 2 oversize (chained mbufs) counted" wait_until 10 drops_are "$P" "oversize:" 2
check "pcap port: 2 malformed counted" wait_until 10 drops_are "$P" "malformed packet:" 2
check_output "pcap port: nothing counted as truncated" 0 drops "$P" "truncated:"

# --- Afterwards: the switch is up and every port still forwards.
check "uvs-vswitchd still answers" uvs-appctl -t uvs-vswitchd version
wait "$PING_BC"
check_grep "b and c lost no packet meanwhile" " 0% packet loss" cat "$UVS_TEST_DIR/ping-bc.out"
check "a still pings b" uvs_ns_exec a ping -c 2 -i 0.2 -W 1 10.61.0.2
check "a pings b with a full 1500-byte packet" uvs_ns_exec a ping -c 1 -W 1 -M "do" -s 1472 10.61.0.2
check "port c counted nothing as malformed" drops_are "$VC" "malformed packet:" 0

uvs_test_finish
