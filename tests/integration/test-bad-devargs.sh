#!/bin/bash
# A port whose DPDK device cannot be opened gets Interface.error with the reason and ofport -1,
# while the other ports of the bridge keep forwarding and the daemon stays up.
. "$(dirname "$0")/common.sh"
uvs_require_root
uvs_test_init bad-devargs

BR=br$UVS_SFX
check "uvsdb-server starts" uvs_start_db || uvs_test_finish
check "uvs-vswitchd starts" uvs_start_vswitchd || uvs_test_finish
check "namespace a" uvs_add_ns a 10.12.0.1 || uvs_test_finish
check "namespace b" uvs_add_ns b 10.12.0.2 || uvs_test_finish
VA=$(uvs_veth a)
VB=$(uvs_veth b)
check "add-br" uvs-vsctl --timeout=30 add-br "$BR"
check "add-port a" uvs-vsctl --timeout=30 add-port "$BR" "$VA"
check "add-port b" uvs-vsctl --timeout=30 add-port "$BR" "$VB"
check "a pings b" wait_until 10 uvs_ns_exec a ping -c 1 -W 1 10.12.0.2

MISSING=$UVS_TEST_DIR/does-not-exist.pcap
check "add a port with bad devargs (the command itself succeeds, as in OVS)" \
    uvs-vsctl --timeout=30 add-port "$BR" bad0 -- set Interface bad0 type=dpdk \
    "options:dpdk-devargs=net_pcap_bad$UVS_SFX,rx_pcap=$MISSING"
check_output "its ofport is -1" -1 uvs-vsctl get Interface bad0 ofport
check_grep "its error names the device" "cannot open DPDK device 'net_pcap_bad$UVS_SFX" \
    uvs-vsctl get Interface bad0 error
check_grep "show displays the error" "error: \"cannot open DPDK device" uvs-vsctl show

check "add a dpdk port without devargs" uvs-vsctl --timeout=30 add-port "$BR" bad1 \
    -- set Interface bad1 type=dpdk
check_grep "error says devargs are needed" "needs options:dpdk-devargs" \
    uvs-vsctl get Interface bad1 error
check "add a port of an unknown type" uvs-vsctl --timeout=30 add-port "$BR" bad2 \
    -- set Interface bad2 type=frobnicator
check_grep "error names the type" 'unsupported interface type \\"frobnicator\\"' \
    uvs-vsctl get Interface bad2 error
check "add a kernel interface that does not exist" uvs-vsctl --timeout=30 add-port "$BR" nx$UVS_SFX
check_grep "error for a missing kernel interface" "cannot open DPDK device 'net_af_packet_nx$UVS_SFX" \
    uvs-vsctl get Interface nx$UVS_SFX error

check "other ports keep forwarding: a pings b" uvs_ns_exec a ping -c 3 -i 0.2 -W 1 10.12.0.2
check "other ports keep forwarding: b pings a" uvs_ns_exec b ping -c 3 -i 0.2 -W 1 10.12.0.1
check "daemon still answers" uvs-appctl -t uvs-vswitchd version
check "del-port of the failed port" uvs-vsctl --timeout=30 del-port "$BR" bad0
check "a still pings b" uvs_ns_exec a ping -c 1 -W 1 10.12.0.2

uvs_test_finish
