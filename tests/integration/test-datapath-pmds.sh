#!/bin/bash
# PMD threads reconfigured at run time: forwarding works with two PMD threads (each port then has a
# tx queue per PMD plus one for the main thread), keeps working after pmd-cpu-mask goes back to one
# core, and pmd-stats-show / pmd-rxq-show / pmd-perf-show follow the change.
. "$(dirname "$0")/common.sh"
uvs_require_root
uvs_test_init dp-pmds

[ "$(nproc)" -ge 2 ] || uvs_test_skip "needs 2 CPUs for two PMD threads"
BR=br$UVS_SFX
P=$UVS_TEST_DIR
TOOL="python3 $(dirname "$0")/pcap-tool.py"
check "empty capture for the sink's rx" $TOOL empty "$P/empty.pcap"

check "uvsdb-server starts" uvs_start_db || uvs_test_finish
check "two PMD threads (cores 0 and 1)" uvs-vsctl --no-wait set Open_vSwitch . other_config:pmd-cpu-mask=0x3
check "uvs-vswitchd starts" uvs_start_vswitchd || uvs_test_finish
check "add-br" uvs-vsctl --timeout=30 add-br "$BR"
check "del-flows" uvs-ofctl del-flows "$BR"
check "forwarding rule" uvs-ofctl add-flow "$BR" "in_port=LOCAL,actions=output:2"
check "sink port p2" uvs-vsctl --timeout=30 add-port "$BR" p2$UVS_SFX -- \
    set Interface p2$UVS_SFX type=dpdk ofport_request=2 \
    "options:dpdk-devargs=net_pcap_o$UVS_SFX,rx_pcap=$P/empty.pcap,tx_pcap=$P/out.pcap"
check "no IPv6 chatter from the kernel" sysctl -q -w "net.ipv6.conf.$BR.disable_ipv6=1"
check "internal interface up" ip link set "$BR" up
n_pmds() { uvs-appctl dpif-netdev/pmd-stats-show | grep -c '^pmd thread'; }
check_output "pmd-stats-show shows two PMD threads" 2 n_pmds
check_grep "pmd-rxq-show shows core 0" "core_id 0:" uvs-appctl dpif-netdev/pmd-rxq-show
check_grep "pmd-rxq-show shows core 1" "core_id 1:" uvs-appctl dpif-netdev/pmd-rxq-show

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
check "send 10 frames" send_frames
check "port 2 transmitted 10 frames with two PMDs" wait_until 10 \
    bash -c "uvs-ofctl dump-ports $BR 2 | grep -q 'tx pkts=10,'"

check "back to one PMD thread (core 1)" uvs-vsctl --timeout=30 set Open_vSwitch . other_config:pmd-cpu-mask=0x2
check "pmd-stats-show shows one PMD thread" wait_until 10 bash -c \
    "[ \"\$(uvs-appctl dpif-netdev/pmd-stats-show | grep -c '^pmd thread')\" = 1 ]"
check_grep "the PMD is on core 1" "core_id 1:" uvs-appctl dpif-netdev/pmd-rxq-show
check "send 10 more frames" send_frames
check "port 2 transmitted 20 frames with one PMD" wait_until 10 \
    bash -c "uvs-ofctl dump-ports $BR 2 | grep -q 'tx pkts=20,'"
check_grep "pmd-perf-show counts the new PMD's packets" "Rx packets: [1-9][0-9]* " \
    uvs-appctl dpif-netdev/pmd-perf-show
check "pmd-perf-show --format json: one PMD, iterating" bash -c \
    "uvs-appctl dpif-netdev/pmd-perf-show --format json | python3 -c 'import json, sys; d = json.load(sys.stdin); sys.exit(0 if len(d) == 1 and d[0][\"core_id\"] == 1 and d[0][\"iterations\"] > 0 and d[0][\"packets\"] >= 10 else 1)'"
check "a bad mask is refused and logged" uvs-vsctl --timeout=30 set Open_vSwitch . other_config:pmd-cpu-mask=zz
check_grep "the log says why" "pmd-cpu-mask=\"zz\" is neither a hex CPU mask" cat "$UVS_LOGDIR/uvs-vswitchd.log"
check "send 10 more frames" send_frames
check "still forwarding on the previous PMD" wait_until 10 \
    bash -c "uvs-ofctl dump-ports $BR 2 | grep -q 'tx pkts=30,'"

uvs_test_finish
