#!/bin/bash
# Revalidation seen by a user: after a flow-mod, once uvs-ofctl returns (it waits for the barrier
# reply), a megaflow the change does not affect is still installed with its counters (not
# flushed), one the change affects is gone or carries the new actions, and pmd-stats-show counts
# the megaflows checked; traffic then follows the new rules.
. "$(dirname "$0")/common.sh"
uvs_require_root
uvs_test_init dp-reval

BR=br$UVS_SFX
P=$UVS_TEST_DIR
TOOL="python3 $(dirname "$0")/pcap-tool.py"
check "empty capture for the sink's rx" $TOOL empty "$P/empty.pcap"

check "uvsdb-server starts" uvs_start_db || uvs_test_finish
check "uvs-vswitchd starts" uvs_start_vswitchd || uvs_test_finish
check "add-br" uvs-vsctl --timeout=30 add-br "$BR"
check "del-flows" uvs-ofctl del-flows "$BR"
check "udp rule" uvs-ofctl add-flow "$BR" "priority=10,udp,actions=output:2"
check "tcp rule" uvs-ofctl add-flow "$BR" "priority=10,tcp,actions=output:2"
check "sink port p2" uvs-vsctl --timeout=30 add-port "$BR" p2$UVS_SFX -- \
    set Interface p2$UVS_SFX type=dpdk ofport_request=2 \
    "options:dpdk-devargs=net_pcap_r$UVS_SFX,rx_pcap=$P/empty.pcap,tx_pcap=$P/out.pcap"
check "no IPv6 chatter from the kernel" sysctl -q -w "net.ipv6.conf.$BR.disable_ipv6=1"
check "internal interface up" ip link set "$BR" up
flushes() { uvs-appctl dpif-netdev/pmd-stats-show | sed -n 's/.*cache flushes: \([0-9]*\).*/\1/p'; }
settled() { local a b; a=$(flushes); sleep 1; b=$(flushes); [ -n "$a" ] && [ "$a" = "$b" ]; }
check "the caches are settled" wait_until 20 settled

# send_frames PROTO DPORT — 10 IPv4 frames (UDP or TCP) into the internal port.
send_frames() {
    python3 - "$BR" "$1" "$2" <<'PY'
import socket, struct, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((sys.argv[1], 0))
proto, dport = int(sys.argv[2]), int(sys.argv[3])
for i in range(10):
    if proto == 17:
        l4 = struct.pack("!HHHH", 1000 + i, dport, 8, 0)
    else:
        l4 = struct.pack("!HHIIBBHHH", 1000 + i, dport, 1, 0, 0x50, 0x10, 1024, 0, 0)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), i, 0, 64, proto, 0,
                     bytes([10, 9, 0, 1]), bytes([10, 9, 1, i + 1]))
    s.send(bytes.fromhex("020000000002020000000001") + b"\x08\x00" + ip + l4 + bytes(18))
PY
}
tx_is() { uvs-ofctl dump-ports "$BR" 2 | grep -q "tx pkts=$1,"; }
megaflow() {    # PROTO — the forwarding megaflow's line for that IP protocol
    uvs-appctl dpctl/dump-flows | grep "nw_proto=$1," || true
}
checked() { uvs-appctl dpif-netdev/pmd-stats-show | sed -n 's/.*passes, \([0-9]*\) megaflows checked.*/\1/p'; }

check "10 UDP frames" send_frames 17 53
check "10 TCP frames" send_frames 6 80
check "port 2 transmitted the 20 frames" wait_until 10 tx_is 20
check_grep "a UDP megaflow with its 10 packets" "packets:10, .*actions:[0-9]" megaflow 17
check_grep "a TCP megaflow with its 10 packets" "packets:10, .*actions:[0-9]" megaflow 6
f0=$(flushes)
c0=$(checked)

# A rule no cached flow can match: both megaflows survive, re-checked, not flushed.
check "unrelated rule (arp)" uvs-ofctl add-flow "$BR" "priority=50,arp,actions=drop"
check_grep "the UDP megaflow survived with its counters" "packets:10, .*actions:[0-9]" megaflow 17
check_grep "the TCP megaflow survived with its counters" "packets:10, .*actions:[0-9]" megaflow 6
check_output "no cache flush" "$f0" flushes
check "pmd-stats-show counts the revalidated megaflows" \
    bash -c "[ \"\$(uvs-appctl dpif-netdev/pmd-stats-show | sed -n 's/.*passes, \\([0-9]*\\) megaflows checked.*/\\1/p')\" -ge $((c0 + 2)) ]"

# A higher-priority UDP rule on tp_dst: the UDP megaflow (which does not match on tp_dst) is gone
# by the time the barrier reply came back; the TCP one stays.
check "udp,tp_dst=53 drop rule" uvs-ofctl add-flow "$BR" "priority=30,udp,tp_dst=53,actions=drop"
check_output "the UDP megaflow is gone" "" megaflow 17
check_grep "the TCP megaflow is still there" "packets:10, .*actions:[0-9]" megaflow 6
check "10 more UDP frames" send_frames 17 53
check "they were dropped by the new rule (counted)" wait_until 10 \
    bash -c "uvs-appctl dpif-netdev/drop-show | grep -Eq 'flow actions were drop: (1[0-9]|[2-9][0-9])'"
check "10 more TCP frames" send_frames 6 80
check "port 2 transmitted only the TCP ones" wait_until 10 tx_is 30

# Modify the TCP rule's actions: the megaflow is updated in place (same match, its counters kept).
check "mod-flows tcp -> drop" uvs-ofctl mod-flows "$BR" "tcp,actions=drop"
check_grep "the TCP megaflow now drops, counters kept" "packets:20, .*actions:drop" megaflow 6
check_grep "pmd-stats-show: one megaflow updated" "revalidation: .* [1-9][0-9]* updated" \
    uvs-appctl dpif-netdev/pmd-stats-show
check_output "still no cache flush" "$f0" flushes

uvs_test_finish
