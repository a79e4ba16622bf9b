#!/bin/bash
# Datapath housekeeping seen by a user: frames sent into the bridge's internal port make a megaflow,
# shown with its match and packet count by dpctl/dump-flows; it is aged out after
# other_config:max-idle; pmd-stats-show reports the subtable lookups per megaflow hit and the
# megaflows aged out; the OpenFlow rule keeps the counts; uvs-dpctl show/dump-flows/del-flows;
# pmd-rxq-show and pmd-stats-show in text and JSON.
. "$(dirname "$0")/common.sh"
uvs_require_root
uvs_test_init dp-aging

BR=br$UVS_SFX
P=$UVS_TEST_DIR
TOOL="python3 $(dirname "$0")/pcap-tool.py"
check "empty capture for the sink's rx" $TOOL empty "$P/empty.pcap"

check "uvsdb-server starts" uvs_start_db || uvs_test_finish
check "max-idle 3000 ms" uvs-vsctl --no-wait set Open_vSwitch . other_config:max-idle=3000
check "uvs-vswitchd starts" uvs_start_vswitchd || uvs_test_finish
check "add-br" uvs-vsctl --timeout=30 add-br "$BR"
check "del-flows" uvs-ofctl del-flows "$BR"
check "forwarding rule" uvs-ofctl add-flow "$BR" "in_port=LOCAL,actions=output:2"
check "sink port p2" uvs-vsctl --timeout=30 add-port "$BR" p2$UVS_SFX -- \
    set Interface p2$UVS_SFX type=dpdk ofport_request=2 \
    "options:dpdk-devargs=net_pcap_o$UVS_SFX,rx_pcap=$P/empty.pcap,tx_pcap=$P/out.pcap"
# Traffic comes from the kernel side of the bridge's internal port, sent only once the switch has
# settled (configuration changes invalidate the caches, which would hide the aging).
check "no IPv6 chatter from the kernel" sysctl -q -w "net.ipv6.conf.$BR.disable_ipv6=1"
check "internal interface up" ip link set "$BR" up
flushes() { uvs-appctl dpif-netdev/pmd-stats-show | sed -n 's/.*cache flushes: \([0-9]*\).*/\1/p'; }
settled() { local a b; a=$(flushes); sleep 1; b=$(flushes); [ -n "$a" ] && [ "$a" = "$b" ]; }
check "the caches are settled" wait_until 20 settled
send_frames() {
    python3 - "$BR" <<'PY'
import socket, struct, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((sys.argv[1], 0))
for i in range(10):
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 28, i, 0, 64, 17, 0, bytes([10, 9, 0, 1]),
                     bytes([10, 9, 1, i + 1]))
    udp = struct.pack("!HHHH", 1000 + i, 53, 8, 0)
    s.send(bytes.fromhex("020000000002020000000001") + b"\x08\x00" + ip + udp + bytes(18))
PY
}
check "send 10 frames into the internal port" send_frames
check "port 2 transmitted the 10 frames" wait_until 10 \
    bash -c "uvs-ofctl dump-ports $BR 2 | grep -q 'tx pkts=10,'"

# The rule matches in_port only, so one megaflow (mask: in_port) serves all 10 flows.
fwd_megaflows() {
    uvs-appctl dpctl/dump-flows | grep -c 'in_port=.*, actions:[0-9]' || true
}
check_output "one forwarding megaflow right after the traffic" 1 fwd_megaflows
check_grep "its packet count" "packets:10, bytes:" uvs-appctl dpctl/dump-flows
check_grep "uvs-dpctl dump-flows shows it" "packets:10, bytes:" uvs-dpctl dump-flows
check_grep "uvs-dpctl show lists the sink port" "port [0-9]+: p2$UVS_SFX \\(net_pcap\\)" uvs-dpctl show
check "uvs-dpctl del-flows" uvs-dpctl del-flows
check_output "no forwarding megaflow after del-flows" 0 fwd_megaflows
check "send 10 more frames" send_frames
check "port 2 transmitted 20 frames" wait_until 10 \
    bash -c "uvs-ofctl dump-ports $BR 2 | grep -q 'tx pkts=20,'"
check_output "the megaflow is back" 1 fwd_megaflows
check_grep "pmd-stats-show: subtable lookups per hit" \
    "avg. subtable lookups per megaflow hit: 1.00" uvs-appctl dpif-netdev/pmd-stats-show
check_grep "pmd-rxq-show lists the internal port's queue" "port: $BR +queue-id:  0 \\(enabled\\)   pmd usage: +[0-9]+ %" \
    uvs-appctl dpif-netdev/pmd-rxq-show
check "pmd-rxq-show --format json names every polled port" bash -c \
    "uvs-appctl dpif-netdev/pmd-rxq-show --format json | python3 -c 'import json, sys; d = json.load(sys.stdin); names = {q[\"port\"] for p in d for q in p[\"rxqs\"]}; sys.exit(0 if names == {\"$BR\", \"p2$UVS_SFX\"} else 1)'"
check "the megaflow is aged out after max-idle" wait_until 10 \
    bash -c "[ \"\$(uvs-appctl dpctl/dump-flows | grep -c 'in_port=.*, actions:[0-9]')\" = 0 ]"
check_grep "pmd-stats-show counts the aged megaflow" "megaflows aged out: [1-9]" \
    uvs-appctl dpif-netdev/pmd-stats-show
check "pmd-stats-show --format json: aged-out count and received packets" bash -c \
    "uvs-appctl dpif-netdev/pmd-stats-show --format json | python3 -c 'import json, sys; d = json.load(sys.stdin)[0]; sys.exit(0 if d[\"megaflows_aged_out\"] >= 1 and d[\"packets_received\"] >= 20 else 1)'"
check "the rule kept its counters" wait_until 5 \
    bash -c "uvs-ofctl dump-flows $BR | grep 'in_port=LOCAL' | grep -q 'n_packets=20,'"

uvs_test_finish
