#!/bin/bash
# internal and system ports. A bridge gets two extra internal ports besides its own: each is a
# kernel interface (tap) the host addresses and reaches hosts behind the bridge through; its MAC
# (Interface mac) and MTU (mtu_request) are set from the database and show in the kernel and in
# Interface mac_in_use/mtu; 'ip link set up/down' on the host shows in Interface
# admin_state/link_state; deleting one leaves the other working. System ports (type "" and
# "system") go through af_packet and say so in Interface status (system_backend=af_packet); where
# DPDK's AF_XDP driver is installed, a type=afxdp port forwards too and says system_backend=af_xdp.
. "$(dirname "$0")/common.sh"
uvs_require_root
uvs_test_init ports-internal

BR=br$UVS_SFX
I1=i1$UVS_SFX
I2=i2$UVS_SFX
check "uvsdb-server starts" uvs_start_db || uvs_test_finish
check "uvs-vswitchd starts" uvs_start_vswitchd || uvs_test_finish
check "namespace a (subnet of i1)" uvs_add_ns a 10.72.0.1 || uvs_test_finish
check "namespace b (subnet of i2)" uvs_add_ns b 10.73.0.1 || uvs_test_finish
VA=$(uvs_veth a)
VB=$(uvs_veth b)
check "add-br" uvs-vsctl --timeout=30 add-br "$BR" || uvs_test_finish
check "add-port a (type \"\")" uvs-vsctl --timeout=30 add-port "$BR" "$VA"
check "add-port b (type system)" uvs-vsctl --timeout=30 add-port "$BR" "$VB" -- \
    set Interface "$VB" type=system
check "two extra internal ports" uvs-vsctl --timeout=30 \
    add-port "$BR" "$I1" -- set Interface "$I1" type=internal -- \
    add-port "$BR" "$I2" -- set Interface "$I2" type=internal
for i in "$I1" "$I2"; do
    check_output "$i: opened without error" "[]" uvs-vsctl get Interface "$i" error
    check_grep "$i: an OpenFlow port of its own (not LOCAL)" '^[1-9][0-9]?$' \
        uvs-vsctl get Interface "$i" ofport
    check "$i: a kernel interface" ip link show "$i"
    check_grep "$i: status says tap" 'driver_name=net_tap' uvs-vsctl get Interface "$i" status
done
check_output "the bridge's own port is still LOCAL" 65534 uvs-vsctl get Interface "$BR" ofport
check_grep "a: status says af_packet" 'system_backend=af_packet' \
    uvs-vsctl get Interface "$VA" status
check_grep "b (type system): status says af_packet" 'system_backend=af_packet' \
    uvs-vsctl get Interface "$VB" status

# --- Admin state mirrored: internal ports start down, as in OVS.
# column_is IFACE COLUMN VALUE — Interface IFACE's COLUMN is VALUE (as uvs-vsctl get prints it).
column_is() {
    [ "$(uvs-vsctl get Interface "$1" "$2")" = "$3" ]
}
states_are() {      # states_are IFACE ADMIN LINK
    column_is "$1" admin_state "$2" && column_is "$1" link_state "$3"
}
check "$I1 starts down (admin and link)" wait_until 10 states_are "$I1" down down
check "host: ip link set $I1 up" ip link set "$I1" up
check "admin_state and link_state follow: up" wait_until 15 states_are "$I1" up up
check "host: ip link set $I1 down" ip link set "$I1" down
check "admin_state and link_state follow: down" wait_until 15 states_are "$I1" down down

# --- MAC and MTU from the database.
check "set Interface $I1 mac and mtu_request" uvs-vsctl --timeout=30 set Interface "$I1" \
    'mac="02:72:00:00:00:11"' mtu_request=1400
check_output "kernel: $I1 has that MAC" 02:72:00:00:00:11 cat "/sys/class/net/$I1/address"
check "kernel: $I1 has MTU 1400" wait_until 10 bash -c "[ \$(cat /sys/class/net/$I1/mtu) = 1400 ]"
check "Interface mac_in_use says so" wait_until 15 column_is "$I1" mac_in_use '"02:72:00:00:00:11"'
check "Interface mtu says so" wait_until 15 column_is "$I1" mtu 1400
check "mtu_request on a system port (a: 1400)" \
    uvs-vsctl --timeout=30 set Interface "$VA" mtu_request=1400
check "Interface mtu of a says 1400" wait_until 15 column_is "$VA" mtu 1400
check "remove mtu_request of a: back to 1500" \
    uvs-vsctl --timeout=30 remove Interface "$VA" mtu_request 1400
check "Interface mtu of a says 1500" wait_until 15 column_is "$VA" mtu 1500
check_fails "an impossible mtu_request is refused by the schema" \
    uvs-vsctl --timeout=30 set Interface "$I2" mtu_request=0
check "an mtu_request the device refuses (65000) is logged" bash -c "
    uvs-vsctl --timeout=30 set Interface $I2 mtu_request=65000 &&
    grep -q 'mtu_request=65000 is out of range\|cannot set MTU 65000' $UVS_LOGDIR/uvs-vswitchd.log"
check "clear it" uvs-vsctl --timeout=30 clear Interface "$I2" mtu_request

# --- The host addresses the internal ports and reaches a and b through them.
check "host: address on $I1 (10.72.0.100/24), up" bash -c \
    "ip addr add 10.72.0.100/24 dev $I1 && ip link set $I1 up"
check "host: address on $I2 (10.73.0.100/24), up" bash -c \
    "ip addr add 10.73.0.100/24 dev $I2 && ip link set $I2 up"
check "a pings the host on $I1" wait_until 15 uvs_ns_exec a ping -c 1 -W 1 10.72.0.100
check "b pings the host on $I2" wait_until 15 uvs_ns_exec b ping -c 1 -W 1 10.73.0.100
check "the host pings a over $I1" ping -c 2 -i 0.2 -W 1 -I "$I1" 10.72.0.1
check_grep "fdb: $I1's MAC learned on its port" \
    "$(uvs-vsctl get Interface "$I1" ofport) .*02:72:00:00:00:11" uvs-appctl fdb/show "$BR"

# --- Deleting one internal port leaves the other.
check "del-port $I2" uvs-vsctl --timeout=30 del-port "$BR" "$I2"
check_fails "$I2 is gone from the kernel" ip link show "$I2"
check "a still pings the host on $I1" uvs_ns_exec a ping -c 2 -i 0.2 -W 1 10.72.0.100

# --- AF_XDP where DPDK's driver is installed.
uvs_add_ns c 10.72.0.3 >/dev/null || true
VC=$(uvs_veth c)
if uvs-vsctl --timeout=30 add-port "$BR" "$VC" -- set Interface "$VC" type=afxdp &&
        [ "$(uvs-vsctl get Interface "$VC" error)" = "[]" ]; then
    check_grep "c (type afxdp): status says af_xdp" 'system_backend=af_xdp' \
        uvs-vsctl get Interface "$VC" status
    check "c pings a through the AF_XDP port" wait_until 15 uvs_ns_exec c ping -c 1 -W 1 10.72.0.1
else
    echo "NOTE: type=afxdp unavailable here: $(uvs-vsctl get Interface "$VC" error)"
    check_grep "afxdp: the error says why" "afxdp|AF_XDP|af_xdp" uvs-vsctl get Interface "$VC" error
fi
check "uvs-vswitchd still answers" uvs-appctl version

uvs_test_finish
