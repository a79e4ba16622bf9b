#!/bin/bash
# A net_pcap port fed from a capture file; the packets a second net_pcap port transmits (tx_pcap)
# are compared packet by packet with what an independent model of the rules expects.
. "$(dirname "$0")/common.sh"
uvs_require_root
uvs_test_init pcap

BR=br$UVS_SFX
TOOL="python3 $(dirname "$0")/pcap-tool.py"
P=$UVS_TEST_DIR
check "generate the input capture and the expected output" $TOOL gen "$P/in.pcap" "$P/expected.pcap"
check "empty capture for the sink's rx" $TOOL empty "$P/empty.pcap"
N_EXP=$($TOOL count "$P/expected.pcap")

check "uvsdb-server starts" uvs_start_db || uvs_test_finish
check "uvs-vswitchd starts" uvs_start_vswitchd || uvs_test_finish
check "add-br" uvs-vsctl --timeout=30 add-br "$BR"
check "del-flows" uvs-ofctl del-flows "$BR"
check "udp dns rule" uvs-ofctl add-flow "$BR" "priority=100,in_port=1,udp,tp_dst=53,actions=output:2"
check "prefix rule" uvs-ofctl add-flow "$BR" "priority=90,in_port=1,ip,nw_src=10.1.0.0/16,actions=output:2"
check "tcp drop rule" uvs-ofctl add-flow "$BR" "priority=95,in_port=1,tcp,actions=drop"
# The sink is added after del-flows: until then the bridge's default NORMAL rule would flood the
# host's own packets from the bridge's tap (IPv6 MLD, router solicitations) to it.
check "sink port p2 (tx_pcap)" uvs-vsctl --timeout=30 add-port "$BR" p2$UVS_SFX -- \
    set Interface p2$UVS_SFX type=dpdk ofport_request=2 \
    "options:dpdk-devargs=net_pcap_o$UVS_SFX,rx_pcap=$P/empty.pcap,tx_pcap=$P/out.pcap"
check_output "sink is port 2" 2 uvs-vsctl get Interface p2$UVS_SFX ofport
# The source starts replaying as soon as it is added, so it comes last.
check "source port p1 (rx_pcap)" uvs-vsctl --timeout=30 add-port "$BR" p1$UVS_SFX -- \
    set Interface p1$UVS_SFX type=dpdk ofport_request=1 \
    "options:dpdk-devargs=net_pcap_i$UVS_SFX,rx_pcap=$P/in.pcap,tx_pcap=$P/p1-out.pcap"
check_output "source is port 1" 1 uvs-vsctl get Interface p1$UVS_SFX ofport
check "port 2 transmitted $N_EXP packets" wait_until 10 \
    bash -c "uvs-ofctl dump-ports $BR 2 | grep -q 'tx pkts=$N_EXP,'"
check "tcp drop rule counted 4 packets" wait_until 5 \
    bash -c "uvs-ofctl dump-flows $BR | grep 'tcp' | grep -q 'n_packets=4,'"
check_grep "drops are visible per reason" "flow actions were drop: [1-9]" \
    uvs-appctl dpif-netdev/drop-show
# Closing the sink flushes its capture file.
check "del-port p2" uvs-vsctl --timeout=30 del-port "$BR" p2$UVS_SFX
check "output equals the expected packets, in order" $TOOL cmp "$P/expected.pcap" "$P/out.pcap"

uvs_test_finish
