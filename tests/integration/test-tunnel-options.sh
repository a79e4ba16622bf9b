#!/bin/bash
# Tunnel options and underlays that test-tunnel.sh does not cover, with the same shape (one uvs
# instance, two "hosts" joined only through an underlay veth pair between their underlay bridges,
# one tenant): separate in_key/out_key (each direction carries the other's key, seen on the wire),
# df_default=false (the outer IPv4 header has DF clear, tcpdump -v), a user route with a gateway
# (ovs/route/add: the tunnel's remote address is in no connected subnet, the outer Ethernet
# destination is the gateway's MAC learned by ARP, and no neighbour entry exists for the remote
# address itself), and GRE and Geneve over an IPv6 underlay.
. "$(dirname "$0")/common.sh"
uvs_require_root
uvs_test_init tunnel-options
command -v tcpdump >/dev/null || uvs_test_skip "needs tcpdump (apt-get install tcpdump)"

NET=172.30.$((0x${UVS_SFX:0:2} % 200 + 20))
FAR=10.99.$((0x${UVS_SFX:2:2} % 200 + 20)).2     # host 2's address behind the gateway
NET6=fd01:1${UVS_SFX:0:3}::        # no leading zero: the outputs print addresses compressed
P1=op1$UVS_SFX
P2=op2$UVS_SFX
A1=oa1$UVS_SFX
A2=oa2$UVS_SFX
U1=o${UVS_SFX}x1
U2=o${UVS_SFX}x2

check "uvsdb-server starts" uvs_start_db || uvs_test_finish
check "uvs-vswitchd starts" uvs_start_vswitchd || uvs_test_finish
check "namespace a (host 1)" uvs_add_ns a 10.21.0.1 || uvs_test_finish
check "namespace b (host 2)" uvs_add_ns b 10.21.0.2 || uvs_test_finish
check "underlay veth pair" ip link add "$U1" type veth peer name "$U2" || uvs_test_finish
UVS_TEST_VETHS+=("$U1")
for v in "$U1" "$U2"; do
    sysctl -qw "net.ipv6.conf.$v.disable_ipv6=1"
    ip link set "$v" up
done
for br in "$P1" "$P2" "$A1" "$A2"; do
    check "add-br $br" uvs-vsctl --timeout=30 add-br "$br"
done
check "underlay port on $P1" uvs-vsctl --timeout=30 add-port "$P1" "$U1"
check "underlay port on $P2" uvs-vsctl --timeout=30 add-port "$P2" "$U2"
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

# tunnel_ports TYPE "HOST1 OPTIONS" "HOST2 OPTIONS": replaces the tunnel ports t1 and t2.
tunnel_ports() {
    local type=$1 o1 o2
    read -r -a o1 <<<"$2"
    read -r -a o2 <<<"$3"
    uvs-vsctl --timeout=30 \
        -- --if-exists del-port "$A1" t1 -- --if-exists del-port "$A2" t2 \
        -- add-port "$A1" t1 -- set Interface t1 type="$type" "${o1[@]}" \
        -- add-port "$A2" t2 -- set Interface t2 type="$type" "${o2[@]}"
}

# capture FILTER [TCPDUMP-OPTIONS...] -- CMD...: runs CMD while tcpdump records what each end of
# the underlay veth receives (af_packet transmit bypasses capture on the sending end) into $CAP.
CAP=$UVS_TEST_DIR/underlay.txt
capture() {
    local filter=$1 opts=() pids=() rc
    shift
    while [ "$1" != -- ]; do
        opts+=("$1")
        shift
    done
    shift
    tcpdump -l -nn "${opts[@]}" -i "$U1" -c 200 "$filter" >"$CAP.1" 2>/dev/null &
    pids+=($!)
    tcpdump -l -nn "${opts[@]}" -i "$U2" -c 200 "$filter" >"$CAP.2" 2>/dev/null &
    pids+=($!)
    sleep 1
    "$@"
    rc=$?
    sleep 0.5
    kill "${pids[@]}" 2>/dev/null
    wait "${pids[@]}" 2>/dev/null
    cat "$CAP.1" "$CAP.2" >"$CAP"
    return $rc
}
pings() {
    wait_until 20 uvs_ns_exec a ping -c 1 -W 1 10.21.0.2 &&
        uvs_ns_exec b ping -c 3 -i 0.2 -W 1 10.21.0.1
}

# --- Separate keys per direction: host 1 sends 400 and accepts 300, host 2 the reverse.
check "vxlan in_key/out_key" tunnel_ports vxlan \
    "options:remote_ip=$NET.2 options:local_ip=$NET.1 options:in_key=300 options:out_key=400" \
    "options:remote_ip=$NET.1 options:local_ip=$NET.2 options:in_key=400 options:out_key=300"
check "in_key/out_key: a and b ping each other" capture "udp port 4789" -- pings
check_grep "host 1 sends out_key 400" "$NET.1.[0-9]+ > $NET.2.4789: VXLAN, .*vni 400" cat "$CAP"
check_grep "host 2 sends out_key 300" "$NET.2.[0-9]+ > $NET.1.4789: VXLAN, .*vni 300" cat "$CAP"
check_fails "no packet carries a key its receiver does not accept" \
    grep -Eq "$NET.1.[0-9]+ > $NET.2.4789: VXLAN, .*vni 300" "$CAP"
check "host 2 accepts 401 only: the pings stop" uvs-vsctl --timeout=30 \
    set Interface t2 options:in_key=401
check_fails "key mismatch: a cannot reach b" uvs_ns_exec a ping -c 2 -i 0.2 -W 1 10.21.0.2

# --- df_default=false: the outer IPv4 header has DF clear (the default sets it).
check "vxlan df_default=false on both" tunnel_ports vxlan \
    "options:remote_ip=$NET.2 options:local_ip=$NET.1 options:key=100 options:df_default=false" \
    "options:remote_ip=$NET.1 options:local_ip=$NET.2 options:key=100 options:df_default=false"
check "df_default=false: a and b ping each other" capture "udp port 4789" -v -- pings
check_grep "the outer header's flags are [none]" \
    "flags \[none\], proto UDP \(17\)" cat "$CAP"
check_fails "no encapsulated packet has DF set" grep -q "flags \[DF\], proto UDP (17)" "$CAP"
check "df_default back to true on host 1" uvs-vsctl --timeout=30 \
    remove Interface t1 options df_default
check "df_default=true: a pings b" \
    capture "udp port 4789" -v -- wait_until 20 uvs_ns_exec a ping -c 2 -i 0.2 -W 1 10.21.0.2
check_grep "host 1's packets have DF again" "flags \[DF\], proto UDP \(17\)" cat "$CAP.2"

# --- A user route with a gateway. $FAR (host 2's tunnel address) is a /32 on $P2, in no subnet
# host 1 is connected to; host 1 reaches it through the gateway $NET.2 (host 2's underlay
# address, which answers ARP), host 2 answers through a user route back to $NET.1.
check "address $FAR/32 on $P2" ip addr add "$FAR/32" dev "$P2"
# Host 2 resolves host 1 with ARP requests from $FAR, which is also a local address of this
# namespace (both hosts live here): let $P1's kernel side answer them anyway.
sysctl -qw "net.ipv4.conf.$P1.accept_local=1"
check "tunnel ports to $FAR" tunnel_ports vxlan \
    "options:remote_ip=$FAR options:local_ip=$NET.1 options:key=100" \
    "options:remote_ip=$NET.1 options:local_ip=$FAR options:key=100"
check "route back from $FAR to host 1" uvs-appctl ovs/route/add "$NET.1/32" "$P2"
check_fails "no route to $FAR yet: a cannot reach b" \
    uvs_ns_exec a ping -c 2 -i 0.2 -W 1 10.21.0.2
check "ovs/route/add $FAR/32 via gateway $NET.2" \
    uvs-appctl ovs/route/add "$FAR/32" "$P1" "$NET.2"
check_grep "ovs/route/show lists it" "User: $FAR/32 dev $P1 GW $NET.2" uvs-appctl ovs/route/show
check "tnl/arp/flush" uvs-appctl tnl/arp/flush
check "via the gateway: a and b ping each other" capture "udp port 4789" -e -- pings
MAC_P2=$(cat "/sys/class/net/$P2/address")
check_grep "host 1's packets go to $FAR at the gateway's MAC ($MAC_P2)" \
    "> $MAC_P2, .*$NET.1.[0-9]+ > $FAR.4789: VXLAN" cat "$CAP.2"
check_grep "the gateway's MAC was learned by ARP" "^$NET.2 .*$MAC_P2" uvs-appctl tnl/arp/show
check_fails "no neighbour entry for $FAR itself" \
    bash -c "uvs-appctl tnl/arp/show | grep -q '^$FAR '"
uvs_ns_exec a ping -c 2 -i 0.2 -W 1 10.21.0.2 >/dev/null
check_grep "the megaflow pushes a header to $FAR with the gateway's MAC" \
    "tnl_push\(vxlan\(src=$NET.1,dst=$FAR,.*eth\(src=[0-9a-f:]+,dst=$MAC_P2\)" \
    uvs-appctl dpctl/dump-flows
check "ovs/route/del the gateway route" uvs-appctl ovs/route/del "$FAR/32"
check "ovs/route/del the route back" uvs-appctl ovs/route/del "$NET.1/32"

# --- GRE and Geneve over an IPv6 underlay.
i=1
for br in "$P1" "$P2"; do
    sysctl -qw "net.ipv6.conf.$br.disable_ipv6=0"
    check "address $NET6$i on $br" ip addr add "$NET6$i/64" dev "$br" nodad
    i=$((i + 1))
done
check "IPv6: cached route to $NET6/64" wait_until 5 \
    bash -c "uvs-appctl ovs/route/show | grep -q 'Cached: $NET6/64 dev $P1 SRC ${NET6}1'"
v6_ports() {
    tunnel_ports "$1" \
        "options:remote_ip=${NET6}2 options:local_ip=${NET6}1 options:key=100" \
        "options:remote_ip=${NET6}1 options:local_ip=${NET6}2 options:key=100"
}
check "GRE over IPv6" v6_ports gre
check_output "GRE over IPv6: t1 has no error" "[]" uvs-vsctl get Interface t1 error
check "GRE over IPv6: a and b ping each other" capture "ip6 proto 47" -- pings
check_grep "GRE over IPv6: on the wire, with key 100" \
    "IP6 ${NET6}1 > ${NET6}2: GREv0, key=0x64.*10.21.0.1 > 10.21.0.2: ICMP echo request" \
    cat "$CAP"
check_grep "GRE over IPv6: and back" \
    "IP6 ${NET6}2 > ${NET6}1: GREv0, key=0x64.*10.21.0.2 > 10.21.0.1: ICMP" cat "$CAP"
uvs_ns_exec a ping -c 2 -i 0.2 -W 1 10.21.0.2 >/dev/null
check_grep "GRE over IPv6: the decapsulated megaflow matches the outer IPv6 addresses" \
    "tun_id=0x64,.*tun_ipv6_src=${NET6}2,tun_ipv6_dst=${NET6}1,in_port=" \
    uvs-appctl dpctl/dump-flows
check "Geneve over IPv6" v6_ports geneve
check "Geneve over IPv6: a and b ping each other" capture "udp port 6081" -- pings
check_grep "Geneve over IPv6: on the wire, with VNI 100" \
    "IP6 ${NET6}1.[0-9]+ > ${NET6}2.6081: Geneve, .*vni 0x64.*10.21.0.1 > 10.21.0.2: ICMP" \
    cat "$CAP"
check_grep "Geneve over IPv6: the next hop was learned from neighbour discovery" \
    "^${NET6}2 " uvs-appctl tnl/arp/show

check "daemon still answers" uvs-appctl -t uvs-vswitchd version
for br in "$A1" "$A2" "$P1" "$P2"; do
    check "del-br $br" uvs-vsctl --timeout=30 del-br "$br"
done
uvs_test_finish
