#!/bin/bash
# uvs-vswitchd keeps the status columns true (issue 4, "the daemon's side of the schema"):
# Interface ofport/ofport_request, mac_in_use, mtu, link/admin state, status, statistics;
# Bridge datapath_id (derived from the bridge MAC, or other_config:datapath-id); Open_vSwitch
# version columns; other_config:flow-restore-wait holds forwarding until cleared.
. "$(dirname "$0")/common.sh"
uvs_require_root
uvs_test_init vswitchd-status

BR=br$UVS_SFX
BR2=bq$UVS_SFX
check "uvsdb-server starts" uvs_start_db || uvs_test_finish
check "faster statistics for the test" uvs-vsctl --no-wait set Open_vSwitch . \
    other_config:stats-update-interval=1000
check "uvs-vswitchd starts" uvs_start_vswitchd || uvs_test_finish
check "namespace a" uvs_add_ns a 10.15.0.1 || uvs_test_finish
check "namespace b" uvs_add_ns b 10.15.0.2 || uvs_test_finish
VA=$(uvs_veth a)
VB=$(uvs_veth b)
check "add-br" uvs-vsctl --timeout=30 add-br "$BR"
check "add-port a with ofport_request=7" uvs-vsctl --timeout=30 add-port "$BR" "$VA" \
    -- set Interface "$VA" ofport_request=7
check "add-port b" uvs-vsctl --timeout=30 add-port "$BR" "$VB"
check_output "ofport_request honoured" 7 uvs-vsctl get Interface "$VA" ofport
check_output "next free number for b" 1 uvs-vsctl get Interface "$VB" ofport

# Open_vSwitch columns.
check_output "dpdk_initialized" true uvs-vsctl get Open_vSwitch . dpdk_initialized
check_grep "dpdk_version" '"DPDK 22\.11' uvs-vsctl get Open_vSwitch . dpdk_version
check_grep "ovs_version" '"[0-9]+\.[0-9]+\.[0-9]+"' uvs-vsctl get Open_vSwitch . ovs_version
check_grep "iface_types" 'dpdk.*internal' uvs-vsctl get Open_vSwitch . iface_types

# Bridge datapath_id: 0000 + the MAC of the bridge's internal interface.
MAC=$(cat /sys/class/net/"$BR"/address 2>/dev/null)
check_output "datapath_id derives from the bridge MAC ($MAC)" "\"0000${MAC//:/}\"" \
    uvs-vsctl get Bridge "$BR" datapath_id
check_grep "OpenFlow sees the same dpid" "dpid:0000${MAC//:/}" uvs-ofctl show "$BR"
check "add-br with other_config:datapath-id" uvs-vsctl --timeout=30 add-br "$BR2" \
    -- set Bridge "$BR2" other_config:datapath-id=0000000000000abc
check_output "datapath-id honoured" '"0000000000000abc"' uvs-vsctl get Bridge "$BR2" datapath_id
check_grep "OpenFlow dpid honoured" "dpid:0000000000000abc" uvs-ofctl show "$BR2"

# Interface status columns.
MAC_A=$(cat /sys/class/net/"$VA"/address)
check_output "mac_in_use of a kernel port" "\"$MAC_A\"" uvs-vsctl get Interface "$VA" mac_in_use
check_output "mac_in_use of the internal port" "\"$MAC\"" uvs-vsctl get Interface "$BR" mac_in_use
check_grep "status names the af_packet driver" 'driver_name=net_af_packet' \
    uvs-vsctl get Interface "$VA" status
check_grep "status names the tap driver" 'driver_name=net_tap' uvs-vsctl get Interface "$BR" status
check_output "link_state up" up uvs-vsctl get Interface "$VA" link_state
check_output "internal port starts admin down, as in OVS" down \
    uvs-vsctl get Interface "$BR" admin_state
check "host brings the internal port up" ip link set "$BR" up
check "admin_state follows" wait_until 5 \
    bash -c "test \"\$(uvs-vsctl get Interface $BR admin_state)\" = up"
check_grep "mtu" '^[0-9]+$' uvs-vsctl get Interface "$VA" mtu

# Statistics after traffic.
check "a pings b" wait_until 10 uvs_ns_exec a ping -c 2 -i 0.2 -W 1 10.15.0.2
check "statistics count a's received packets" wait_until 5 \
    bash -c "uvs-vsctl get Interface $VA statistics:rx_packets | grep -qE '^[1-9]'"

# flow-restore-wait.
check "set flow-restore-wait" uvs-vsctl --timeout=30 set Open_vSwitch . \
    other_config:flow-restore-wait=true
check_fails "nothing is forwarded while held" uvs_ns_exec a ping -c 2 -i 0.2 -W 1 10.15.0.2
check_grep "held packets are counted with their reason" \
    "held by other_config:flow-restore-wait: [1-9]" uvs-appctl dpif-netdev/drop-show
check "flows can be restored while held" uvs-ofctl add-flow "$BR" "priority=10,actions=NORMAL"
check "clear flow-restore-wait" uvs-vsctl --timeout=30 remove Open_vSwitch . \
    other_config flow-restore-wait
check "forwarding resumes" wait_until 10 uvs_ns_exec a ping -c 1 -W 1 10.15.0.2

uvs_test_finish
