#!/bin/bash
# Interoperability of uvs's userspace VXLAN with the Linux kernel's: a namespace "r" plays a remote
# host whose kernel VXLAN devices (one over IPv4, one over IPv6) terminate the tunnels; uvs's
# underlay bridge reaches r over a veth pair. Hosts on uvs's overlay bridges ping the addresses
# on the kernel's VXLAN devices, so each side must accept the other's encapsulation (headers,
# checksums, VNI), and uvs must learn r's MAC from ARP and from IPv6 neighbour discovery.
# (Geneve and GRE are covered uvs-to-uvs by test-tunnel.sh; this kernel may lack their modules.)
. "$(dirname "$0")/common.sh"
uvs_require_root
uvs_test_init tunnel-kernel

ip netns add "vxchk$UVS_SFX" 2>/dev/null &&
    ip -n "vxchk$UVS_SFX" link add vx0 type vxlan id 1 dstport 4789 2>/dev/null
HAVE_VXLAN=$?
ip netns del "vxchk$UVS_SFX" 2>/dev/null
[ "$HAVE_VXLAN" = 0 ] || uvs_test_skip "the kernel has no VXLAN support (ip link add type vxlan)"

NET=172.30.$((0x${UVS_SFX:0:2} % 200 + 20))
NET6=fd01:${UVS_SFX:0:4}::
PHY=bp$UVS_SFX
INT4=b4$UVS_SFX
INT6=b6$UVS_SFX

check "uvsdb-server starts" uvs_start_db || uvs_test_finish
check "uvs-vswitchd starts" uvs_start_vswitchd || uvs_test_finish
check "namespace r (the remote host, underlay $NET.2)" uvs_add_ns r "$NET.2/24" || uvs_test_finish
check "namespace a (overlay over IPv4)" uvs_add_ns a 10.21.0.1 || uvs_test_finish
check "namespace b (overlay over IPv6)" uvs_add_ns b 10.22.0.1 || uvs_test_finish

# The remote host's kernel tunnels.
uvs_ns_exec r sysctl -qw net.ipv6.conf.all.disable_ipv6=0
uvs_ns_exec r sysctl -qw net.ipv6.conf.default.disable_ipv6=0
uvs_ns_exec r sysctl -qw net.ipv6.conf.eth0.disable_ipv6=0
check "r: IPv6 underlay address" uvs_ns_exec r ip addr add "${NET6}2/64" dev eth0 nodad
check "r: kernel VXLAN over IPv4 (VNI 100)" uvs_ns_exec r ip link add vx4 type vxlan id 100 \
    remote "$NET.1" local "$NET.2" dstport 4789
check "r: kernel VXLAN over IPv6 (VNI 101)" uvs_ns_exec r ip link add vx6 type vxlan id 101 \
    remote "${NET6}1" local "${NET6}2" dstport 4789
check "r: overlay addresses" \
    bash -c "ip -n $(uvs_ns r) addr add 10.21.0.2/24 dev vx4 &&
             ip -n $(uvs_ns r) addr add 10.22.0.2/24 dev vx6 &&
             ip -n $(uvs_ns r) link set vx4 up && ip -n $(uvs_ns r) link set vx6 up"

# uvs: the underlay bridge holds the local addresses; two overlay bridges with one VXLAN port each.
check "add-br $PHY" uvs-vsctl --timeout=30 add-br "$PHY"
check "underlay port to r" uvs-vsctl --timeout=30 add-port "$PHY" "$(uvs_veth r)"
sysctl -qw "net.ipv6.conf.$PHY.disable_ipv6=0"
check "address $NET.1 on $PHY" ip addr add "$NET.1/24" dev "$PHY"
check "address ${NET6}1 on $PHY" ip addr add "${NET6}1/64" dev "$PHY" nodad
ip link set "$PHY" up
sysctl -qw "net.ipv6.conf.$(uvs_veth r).disable_ipv6=1"
check "add-br $INT4" uvs-vsctl --timeout=30 add-br "$INT4"
check "add-br $INT6" uvs-vsctl --timeout=30 add-br "$INT6"
check "a on $INT4" uvs-vsctl --timeout=30 add-port "$INT4" "$(uvs_veth a)"
check "b on $INT6" uvs-vsctl --timeout=30 add-port "$INT6" "$(uvs_veth b)"
check "VXLAN ports" uvs-vsctl --timeout=30 \
    -- add-port "$INT4" vx4 -- set Interface vx4 type=vxlan \
       "options:remote_ip=$NET.2" "options:local_ip=$NET.1" options:key=100 \
    -- add-port "$INT6" vx6 -- set Interface vx6 type=vxlan \
       "options:remote_ip=${NET6}2" "options:local_ip=${NET6}1" options:key=101

check "IPv4 underlay: a pings the kernel's VXLAN device" wait_until 20 \
    uvs_ns_exec a ping -c 1 -W 1 10.21.0.2
check "IPv4 underlay: and again (learned path)" uvs_ns_exec a ping -c 3 -i 0.2 -W 1 10.21.0.2
check "r's kernel pings a through its VXLAN device" uvs_ns_exec r ping -c 2 -i 0.2 -W 1 10.21.0.1
check_grep "uvs learned r's MAC from ARP" "^$NET.2 " uvs-appctl tnl/arp/show
check_fails "overlay addresses are not learned as tunnel next hops" \
    bash -c "uvs-appctl tnl/arp/show | grep -q '^10.21.0'"
check "IPv6 underlay: b pings the kernel's VXLAN device" wait_until 20 \
    uvs_ns_exec b ping -c 1 -W 1 10.22.0.2
check "IPv6 underlay: and again" uvs_ns_exec b ping -c 3 -i 0.2 -W 1 10.22.0.2
check_grep "uvs learned r's MAC from neighbour discovery" "^${NET6}2 " uvs-appctl tnl/arp/show
check "the kernel counted packets received on its VXLAN device vx4" \
    bash -c "ip -n $(uvs_ns r) -s link show vx4 | grep -A1 'RX:' | tail -1 |
             awk '\$2 > 0 { ok = 1 } END { exit !ok }'"
check "daemon still answers" uvs-appctl -t uvs-vswitchd version
for br in "$INT4" "$INT6" "$PHY"; do
    check "del-br $br" uvs-vsctl --timeout=30 del-br "$br"
done

uvs_test_finish
