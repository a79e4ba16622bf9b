#!/bin/bash
# Userspace tunnels (VXLAN, then GRE, then Geneve) between two "hosts" in one uvs instance that
# are joined only through an underlay: each host has an underlay bridge (brphy1, brphy2) whose
# internal port holds the host's underlay address, and the two underlay bridges are joined by
# a veth pair. Overlay bridges (two tenants on each host, overlapping addresses) are joined by
# tunnel ports whose keys keep the tenants apart. Checks: pings through the overlay, real
# encapsulated packets on the underlay veth (tcpdump), the route and neighbour tables, tunnel
# metadata in the megaflows and in packet-ins, a meter on decapsulated packets, key separation,
# and OpenFlow matching/setting of tun_id.
. "$(dirname "$0")/common.sh"
uvs_require_root
uvs_test_init tunnel
command -v tcpdump >/dev/null || uvs_test_skip "needs tcpdump (apt-get install tcpdump)"

NET=172.31.$((0x${UVS_SFX:0:2} % 200 + 20))
P1=bp1$UVS_SFX
P2=bp2$UVS_SFX
A1=ba1$UVS_SFX       # tenant A, host 1
A2=ba2$UVS_SFX
C1=bc1$UVS_SFX       # tenant C, host 1
C2=bc2$UVS_SFX
U1=u${UVS_SFX}x1     # underlay veth ends
U2=u${UVS_SFX}x2

check "uvsdb-server starts" uvs_start_db || uvs_test_finish
check "uvs-vswitchd starts" uvs_start_vswitchd || uvs_test_finish
check "namespace a (tenant A, host 1)" uvs_add_ns a 10.20.0.1 || uvs_test_finish
check "namespace b (tenant A, host 2)" uvs_add_ns b 10.20.0.2 || uvs_test_finish
check "namespace c (tenant C, host 1, same address as a)" uvs_add_ns c 10.20.0.1 ||
    uvs_test_finish
check "namespace d (tenant C, host 2, same address as b)" uvs_add_ns d 10.20.0.2 ||
    uvs_test_finish

# The underlay: a veth pair between the two underlay bridges.
check "underlay veth pair" ip link add "$U1" type veth peer name "$U2" || uvs_test_finish
UVS_TEST_VETHS+=("$U1")
for v in "$U1" "$U2"; do
    sysctl -qw "net.ipv6.conf.$v.disable_ipv6=1"
    ip link set "$v" up
done

for br in "$P1" "$P2" "$A1" "$A2" "$C1" "$C2"; do
    check "add-br $br" uvs-vsctl --timeout=30 add-br "$br"
done
check "underlay port on $P1" uvs-vsctl --timeout=30 add-port "$P1" "$U1"
check "underlay port on $P2" uvs-vsctl --timeout=30 add-port "$P2" "$U2"
# Each host's underlay address is on its underlay bridge's internal port. Both taps live in this
# namespace, so each must answer ARP only for its own address.
i=1
for br in "$P1" "$P2"; do
    sysctl -qw "net.ipv6.conf.$br.disable_ipv6=1"
    sysctl -qw "net.ipv4.conf.$br.arp_ignore=1"
    check "address $NET.$i on $br" ip addr add "$NET.$i/24" dev "$br"
    ip link set "$br" up
    i=$((i + 1))
done
check "a on $A1" uvs-vsctl --timeout=30 add-port "$A1" "$(uvs_veth a)"
check "b on $A2" uvs-vsctl --timeout=30 add-port "$A2" "$(uvs_veth b)"
check "c on $C1" uvs-vsctl --timeout=30 add-port "$C1" "$(uvs_veth c)"
check "d on $C2" uvs-vsctl --timeout=30 add-port "$C2" "$(uvs_veth d)"

# tunnel_ports TYPE: tenant A uses key 100, tenant C key 200, on both hosts.
tunnel_ports() {
    local type=$1
    uvs-vsctl --timeout=30 \
        -- --if-exists del-port "$A1" ta1 -- --if-exists del-port "$A2" ta2 \
        -- --if-exists del-port "$C1" tc1 -- --if-exists del-port "$C2" tc2 \
        -- add-port "$A1" ta1 -- set Interface ta1 type="$type" \
           "options:remote_ip=$NET.2" "options:local_ip=$NET.1" options:key=100 \
        -- add-port "$A2" ta2 -- set Interface ta2 type="$type" \
           "options:remote_ip=$NET.1" "options:local_ip=$NET.2" options:key=100 \
        -- add-port "$C1" tc1 -- set Interface tc1 type="$type" \
           "options:remote_ip=$NET.2" "options:local_ip=$NET.1" options:key=200 \
        -- add-port "$C2" tc2 -- set Interface tc2 type="$type" \
           "options:remote_ip=$NET.1" "options:local_ip=$NET.2" options:key=200
}

# What each end of the underlay veth receives (DPDK's af_packet transmit bypasses the capture
# on the sending end, so each direction is captured where it arrives).
CAP=$UVS_TEST_DIR/underlay.txt
capture_start() {
    tcpdump -l -nn -i "$U1" -c 200 "$1" >"$CAP.1" 2>/dev/null &
    TCPDUMP_PIDS=($!)
    tcpdump -l -nn -i "$U2" -c 200 "$1" >"$CAP.2" 2>/dev/null &
    TCPDUMP_PIDS+=($!)
    sleep 1
}
capture_stop() {
    sleep 0.5
    kill "${TCPDUMP_PIDS[@]}" 2>/dev/null
    wait "${TCPDUMP_PIDS[@]}" 2>/dev/null
    cat "$CAP.1" "$CAP.2" >"$CAP"
}

# overlay_checks TYPE CAPTURE-FILTER ENCAP-REGEX-A ENCAP-REGEX-C
overlay_checks() {
    local type=$1 filter=$2 re_a=$3 re_c=$4
    check "$type: tunnel ports" tunnel_ports "$type"
    check_output "$type: ta1 has no error" "[]" uvs-vsctl get Interface ta1 error
    check "$type: ta1 link is up" wait_until 10 \
        bash -c "[ \"\$(uvs-vsctl get Interface ta1 link_state)\" = up ]"
    capture_start "$filter"
    check "$type: a pings b through the overlay" wait_until 20 \
        uvs_ns_exec a ping -c 1 -W 1 10.20.0.2
    check "$type: b pings a" uvs_ns_exec b ping -c 3 -i 0.2 -W 1 10.20.0.1
    check "$type: c pings d (same addresses, other key)" wait_until 20 \
        uvs_ns_exec c ping -c 1 -W 1 10.20.0.2
    check "$type: d pings c" uvs_ns_exec d ping -c 3 -i 0.2 -W 1 10.20.0.1
    capture_stop
    check_grep "$type: tenant A's packets on the underlay are encapsulated" "$re_a" cat "$CAP"
    check_grep "$type: tenant C's packets on the underlay are encapsulated" "$re_c" cat "$CAP"
    check_grep "$type: encapsulated ICMP inside" "10.20.0.1 > 10.20.0.2: ICMP echo request" \
        cat "$CAP"
}

# --- VXLAN.
overlay_checks vxlan "udp port 4789" \
    "$NET.1.[0-9]+ > $NET.2.4789: VXLAN, flags \[I\] \(0x08\), vni 100" \
    "$NET.1.[0-9]+ > $NET.2.4789: VXLAN, flags \[I\] \(0x08\), vni 200"
check_grep "iface_types lists vxlan" vxlan uvs-vsctl get Open_vSwitch . iface_types
check_grep "dpctl/show lists the datapath's VXLAN vport" "port 1024: vxlan_sys_4789 \(tunnel\)" \
    uvs-appctl dpctl/show
check "Interface.status names the tunnel's egress interface, up" wait_until 15 \
    bash -c "uvs-vsctl get Interface ta1 status | grep -q 'tunnel_egress_iface=\"\\?$P1\"\\?, tunnel_egress_iface_carrier=up'"
check_grep "ovs/route/show: cached route via $P1" "Cached: $NET.0/24 dev $P1 SRC $NET.1" \
    uvs-appctl ovs/route/show
check_grep "tnl/arp/show: $NET.2 was learned from ARP" "^$NET.2 " uvs-appctl tnl/arp/show
uvs_ns_exec a ping -c 2 -i 0.2 -W 1 10.20.0.2 >/dev/null
check_grep "megaflow pushes a VXLAN header" "tnl_push\(vxlan\(src=$NET.1,dst=$NET.2.*vni=100" \
    uvs-appctl dpctl/dump-flows
check_grep "megaflow pops tunnel packets on the underlay's LOCAL port" "tnl_pop\(" \
    uvs-appctl dpctl/dump-flows
check_grep "decapsulated megaflow matches the tunnel metadata" \
    "tun_id=0x64,tun_src=$NET.1,tun_dst=$NET.2,in_port=" uvs-appctl dpctl/dump-flows
check "dump-ports counts tx on ta1" wait_until 10 \
    bash -c "uvs-ofctl dump-ports $A1 | grep -A1 'port  *2:' | grep -q 'tx pkts=[1-9]'"
TRACE=$UVS_TEST_DIR/trace.txt
uvs-appctl ofproto/trace "$A1" "in_port=1,dl_dst=ff:ff:ff:ff:ff:ff,dl_type=0x0806" >"$TRACE" 2>&1
check_grep "trace: output to the tunnel port" "output to tunnel port ta1: tnl_push\(vxlan" \
    cat "$TRACE"
check_grep "trace: continues in the underlay bridge" "^ *bridge\(\"$P1\"\)" cat "$TRACE"

# Options: another UDP port (a second vport), UDP checksums, outer TOS and TTL.
check "ta1/ta2: dst_port=4790 csum=true tos=0x20 ttl=17" uvs-vsctl --timeout=30 \
    set Interface ta1 options:dst_port=4790 options:csum=true options:tos=0x20 options:ttl=17 \
    -- set Interface ta2 options:dst_port=4790 options:csum=true
tcpdump -l -nn -vv -i "$U2" -c 20 udp port 4790 >"$CAP.opt" 2>/dev/null &
TCPDUMP_OPT=$!
sleep 1
check "options: a pings b" wait_until 20 uvs_ns_exec a ping -c 2 -i 0.2 -W 1 10.20.0.2
sleep 0.5
kill "$TCPDUMP_OPT" 2>/dev/null
wait "$TCPDUMP_OPT" 2>/dev/null
check_grep "options: outer TOS 0x20, TTL 17, DF" "tos 0x20, ttl 17, .*flags \[DF\], proto UDP" \
    cat "$CAP.opt"
check_grep "options: to UDP port 4790 with a valid checksum" \
    "$NET.1.[0-9]+ > $NET.2.4790: \[udp sum ok\]" cat "$CAP.opt"
check_grep "dpctl/show lists a second vport for port 4790" "vxlan_sys_4790 \(tunnel\)" \
    uvs-appctl dpctl/show
check "back to the defaults" tunnel_ports vxlan

# A controller action on a decapsulated packet: the packet-in comes from the tunnel port and
# its match carries the tunnel metadata (tun_id as OXM tunnel_id, tun_src/tun_dst as Nicira
# fields), so a controller sees the tenant.
TA2=$(uvs-vsctl get Interface ta2 ofport)
TA1=$(uvs-vsctl get Interface ta1 ofport)
uvs-ofctl monitor "$A2" >"$UVS_TEST_DIR/monitor.txt" 2>&1 &
MON=$!
if command -v ovs-ofctl >/dev/null; then
    OVS_RUNDIR=$UVS_TEST_DIR ovs-ofctl -O OpenFlow13 monitor "unix:$UVS_RUNDIR/$A2.mgmt" 65535 \
        >"$UVS_TEST_DIR/ovs-monitor.txt" 2>&1 &
    MON="$MON $!"
fi
check "controller rule on $A2 for EtherType 0x88b5 from the tunnel" \
    uvs-ofctl add-flow "$A2" "priority=100,in_port=$TA2,dl_type=0x88b5,actions=CONTROLLER"
PKT=02000000009902000000009888b5$(printf '00%.0s' $(seq 46))
check "packet-in from the tunnel port ta2" wait_until 10 \
    bash -c "uvs-ofctl packet-out $A1 'in_port=1 packet=$PKT actions=output:$TA1' &&
             grep -Eq 'OFPT_PACKET_IN.*in_port=($TA2|ta2) ' $UVS_TEST_DIR/monitor.txt"
TNL_MD="tun_id=0x64,tun_src=$NET.1,tun_dst=$NET.2"
check_grep "the packet-in's match carries tun_id, tun_src and tun_dst" \
    "OFPT_PACKET_IN.* total_len=[0-9]+ $TNL_MD,in_port=($TA2|ta2) " cat "$UVS_TEST_DIR/monitor.txt"
if command -v ovs-ofctl >/dev/null; then
    check "Debian's ovs-ofctl monitor decodes the same tunnel metadata" wait_until 10 \
        bash -c "uvs-ofctl packet-out $A1 'in_port=1 packet=$PKT actions=output:$TA1' &&
                 grep -Eq '$TNL_MD,in_port=$TA2 ' \
                     $UVS_TEST_DIR/ovs-monitor.txt"
fi
kill $MON 2>/dev/null
wait $MON 2>/dev/null
check "remove the controller rule" uvs-ofctl del-flows "$A2" dl_type=0x88b5

# A meter in the overlay bridge applies to decapsulated packets (their datapath ingress is the
# tunnel vport, which belongs to no bridge: the meter action names $A2's meter table).
check "add-meter 1 on $A2 (10 packets/s, burst 10)" uvs-ofctl add-meter "$A2" \
    "meter=1,pktps,burst,stats,band=type=drop,rate=10,burst_size=10"
check "ICMP from the tunnel through meter 1" uvs-ofctl add-flow "$A2" \
    "priority=50,in_port=$TA2,icmp,actions=meter:1,output:1"
check "a pings b through the metered flow" wait_until 10 uvs_ns_exec a ping -c 1 -W 1 10.20.0.2
check "mod-meter 1 restarts the bucket full" uvs-ofctl mod-meter "$A2" \
    "meter=1,pktps,burst,stats,band=type=drop,rate=10,burst_size=10"
START=$(date +%s.%N)
uvs_ns_exec a ping -f -c 600 -w 4 -q 10.20.0.2 >"$UVS_TEST_DIR/flood.txt" 2>&1
STATS=$(uvs-ofctl meter-stats "$A2" meter=1)
END=$(date +%s.%N)
cat "$UVS_TEST_DIR/flood.txt"
echo "$STATS"
IN=$(sed -n 's/.*packet_in_count:\([0-9]*\).*/\1/p' <<<"$STATS")
DROPPED=$(sed -n 's/^0: packet_count:\([0-9]*\).*/\1/p' <<<"$STATS")
LIMIT=$(awk -v s="$START" -v e="$END" 'BEGIN { printf "%d", 10 * (e - s + 1) + 10 + 5 }')
echo "in=$IN dropped=$DROPPED forwarded=$(( ${IN:-0} - ${DROPPED:-0} )) limit=$LIMIT"
check "decapsulated packets reached the meter (>= 100)" test "${IN:-0}" -ge 100
check "the meter dropped decapsulated packets (>= 50)" test "${DROPPED:-0}" -ge 50
check "forwarded within rate x time + burst" test $(( ${IN:-0} - ${DROPPED:-0} )) -le "$LIMIT"
check "del-meters (and its flow)" uvs-ofctl del-meters "$A2" meter=1

# Keys keep tenants apart: tenant C's host-2 port now expects key 201.
check "tc2 key 201" uvs-vsctl --timeout=30 set Interface tc2 options:key=201
check_fails "key mismatch: c cannot reach d" uvs_ns_exec c ping -c 2 -i 0.2 -W 1 10.20.0.2
check "tenant A unaffected" uvs_ns_exec a ping -c 1 -W 2 10.20.0.2

# tun_id from OpenFlow: one port with key=flow on host 2 of tenant C; flows set and match it.
check "tc2 key=flow" uvs-vsctl --timeout=30 set Interface tc2 options:key=flow
TC2=$(uvs-vsctl get Interface tc2 ofport)
check "flows on $C2 use tun_id" uvs-ofctl add-flows "$C2" - <<EOF
priority=10,in_port=$TC2,tun_id=200,actions=output:1
priority=10,in_port=1,actions=set_field:200->tun_id,output:$TC2
priority=5,in_port=$TC2,actions=drop
EOF
check "key=flow with tun_id rules: c pings d" wait_until 10 \
    uvs_ns_exec c ping -c 1 -W 1 10.20.0.2
check "the tun_id=200 rule matched" wait_until 10 \
    bash -c "uvs-ofctl dump-flows $C2 | grep 'tun_id=0xc8' | grep -q 'n_packets=[1-9]'"
# remote_ip=flow: the destination comes from tun_dst, set by a rule.
check "ta1 remote_ip=flow" uvs-vsctl --timeout=30 set Interface ta1 options:remote_ip=flow
TA1=$(uvs-vsctl get Interface ta1 ofport)
check "flows on $A1 set tun_dst" uvs-ofctl add-flows "$A1" - <<EOF
priority=10,in_port=1,actions=set_field:$NET.2->tun_dst,output:$TA1
priority=10,in_port=$TA1,tun_src=$NET.2,actions=output:1
EOF
check_grep "dump-flows shows the tun_src match" "tun_src=$NET.2" uvs-ofctl dump-flows "$A1"
check "remote_ip=flow: a pings b" wait_until 10 uvs_ns_exec a ping -c 1 -W 1 10.20.0.2
check "restore ta1" uvs-vsctl --timeout=30 set Interface ta1 "options:remote_ip=$NET.2"
check "restore $A1 flows" uvs-ofctl del-flows "$A1"
check "NORMAL on $A1 again" uvs-ofctl add-flow "$A1" actions=NORMAL
check "restore tc2" uvs-vsctl --timeout=30 set Interface tc2 options:key=200
check "restore $C2 flows" uvs-ofctl del-flows "$C2"
check "NORMAL on $C2 again" uvs-ofctl add-flow "$C2" actions=NORMAL

# --- GRE (IP protocol 47, key).
overlay_checks gre "ip proto 47" \
    "$NET.1 > $NET.2: GREv0, key=0x64" \
    "$NET.1 > $NET.2: GREv0, key=0xc8"

# --- Geneve.
overlay_checks geneve "udp port 6081" \
    "$NET.1.[0-9]+ > $NET.2.6081: Geneve, .*vni 0x64" \
    "$NET.1.[0-9]+ > $NET.2.6081: Geneve, .*vni 0xc8"

# --- IPv6 underlay (VXLAN, tenant A): addresses from the internal ports, next hop from ND.
NET6=fd00:1${UVS_SFX:0:3}::      # no leading zero: the outputs print addresses compressed
i=1
for br in "$P1" "$P2"; do
    sysctl -qw "net.ipv6.conf.$br.disable_ipv6=0"
    check "address $NET6$i on $br" ip addr add "$NET6$i/64" dev "$br" nodad
    i=$((i + 1))
done
check "IPv6 tunnel ports" uvs-vsctl --timeout=30 \
    -- del-port "$A1" ta1 -- del-port "$A2" ta2 \
    -- add-port "$A1" ta1 -- set Interface ta1 type=vxlan \
       "options:remote_ip=${NET6}2" "options:local_ip=${NET6}1" options:key=100 \
    -- add-port "$A2" ta2 -- set Interface ta2 type=vxlan \
       "options:remote_ip=${NET6}1" "options:local_ip=${NET6}2" options:key=100
check_output "IPv6: ta1 has no error" "[]" uvs-vsctl get Interface ta1 error
check "IPv6: cached route to ${NET6}/64" wait_until 5 \
    bash -c "uvs-appctl ovs/route/show | grep -q 'Cached: ${NET6}/64 dev $P1 SRC ${NET6}1'"
capture_start "udp port 4789"
check "IPv6 underlay: a pings b" wait_until 20 uvs_ns_exec a ping -c 1 -W 1 10.20.0.2
check "IPv6 underlay: b pings a" uvs_ns_exec b ping -c 3 -i 0.2 -W 1 10.20.0.1
capture_stop
check_grep "IPv6 underlay: VXLAN over IPv6 on the underlay" \
    "IP6 ${NET6}1.[0-9]+ > ${NET6}2.4789: VXLAN, flags \[I\] \(0x08\), vni 100" cat "$CAP"
check_grep "IPv6 underlay: the next hop was learned from neighbour discovery" "^${NET6}2 " \
    uvs-appctl tnl/arp/show
uvs_ns_exec a ping -c 2 -i 0.2 -W 1 10.20.0.2 >/dev/null
check_grep "IPv6 underlay: decapsulated megaflow matches tun_ipv6_src" \
    "tun_ipv6_src=${NET6}1,tun_ipv6_dst=${NET6}2,in_port=" uvs-appctl dpctl/dump-flows
TA1=$(uvs-vsctl get Interface ta1 ofport)
TA2=$(uvs-vsctl get Interface ta2 ofport)
uvs-ofctl monitor "$A2" >"$UVS_TEST_DIR/monitor6.txt" 2>&1 &
MON=$!
check "IPv6 underlay: controller rule on $A2" uvs-ofctl add-flow "$A2" \
    "priority=100,in_port=$TA2,dl_type=0x88b5,actions=CONTROLLER"
check "IPv6 underlay: the packet-in carries tun_id, tun_ipv6_src and tun_ipv6_dst" \
    wait_until 10 bash -c "uvs-ofctl packet-out $A1 'in_port=1 packet=$PKT actions=output:$TA1' &&
        grep -Eq 'tun_id=0x64,tun_ipv6_src=${NET6}1,tun_ipv6_dst=${NET6}2,in_port=($TA2|ta2) ' \
            $UVS_TEST_DIR/monitor6.txt"
kill "$MON" 2>/dev/null
wait "$MON" 2>/dev/null
check "IPv6 underlay: remove the controller rule" uvs-ofctl del-flows "$A2" dl_type=0x88b5
check "IPv6 underlay: tenant C still on IPv4" uvs_ns_exec c ping -c 1 -W 2 10.20.0.2

# --- Errors.
check "a tunnel without remote_ip" uvs-vsctl --timeout=30 \
    -- add-port "$A1" tbad -- set Interface tbad type=vxlan options:key=5
check_grep "its error names the missing option" "remote_ip is required" \
    uvs-vsctl get Interface tbad error
check "tnl/arp/flush" uvs-appctl tnl/arp/flush
check "after a flush the neighbour is learned again" wait_until 20 \
    uvs_ns_exec a ping -c 1 -W 1 10.20.0.2
check "tnl/arp/set" uvs-appctl tnl/arp/set "$P1" 192.0.2.9 aa:bb:cc:dd:ee:09
check_grep "tnl/arp/show lists the static entry" "^192.0.2.9 .*aa:bb:cc:dd:ee:09 .*(static)" \
    uvs-appctl tnl/arp/show
check_fails "tnl/arp/set refuses a bad MAC" uvs-appctl tnl/arp/set "$P1" 192.0.2.9 zz
check "ovs/route/add" uvs-appctl ovs/route/add 192.0.2.0/24 "$P1" "$NET.2"
check_grep "ovs/route/show lists the user route" "User: 192.0.2.0/24 dev $P1 GW $NET.2" \
    uvs-appctl ovs/route/show
check "ovs/route/del" uvs-appctl ovs/route/del 192.0.2.0/24
check "daemon still answers" uvs-appctl -t uvs-vswitchd version
for br in "$A1" "$A2" "$C1" "$C2" "$P1" "$P2"; do
    check "del-br $br" uvs-vsctl --timeout=30 del-br "$br"
done

uvs_test_finish
