#!/bin/bash
# NORMAL with VLANs: access ports (Port tag) in two VLANs and a trunk port (Port trunks). The
# trunk is a net_pcap port (the kernel here has no 802.1Q subinterfaces): it replays a tagged ARP
# request and its transmit capture is checked for the tags. Same-VLAN hosts reach each other,
# hosts in different VLANs do not; MAC learning is per VLAN; retagging a port moves it;
# vlan_mode errors are reported; ofproto/trace shows the tag pushed for the trunk.
. "$(dirname "$0")/common.sh"
uvs_require_root
uvs_test_init of-vlan

BR=br$UVS_SFX
P=$UVS_TEST_DIR
check "uvsdb-server starts" uvs_start_db || uvs_test_finish
check "uvs-vswitchd starts" uvs_start_vswitchd || uvs_test_finish
check "namespace a (VLAN 10)" uvs_add_ns a 10.14.0.1 || uvs_test_finish
check "namespace b (VLAN 10)" uvs_add_ns b 10.14.0.2 || uvs_test_finish
check "namespace c (VLAN 20)" uvs_add_ns c 10.14.0.3 || uvs_test_finish
VA=$(uvs_veth a); VB=$(uvs_veth b); VC=$(uvs_veth c)
MAC_A=$(uvs_ns_exec a cat /sys/class/net/eth0/address)

# The trunk's input: an ARP request for a (10.14.0.1) from 02:00:00:00:0a:99 in VLAN 10, and one
# in VLAN 30 (not carried by the trunk).
check "trunk input capture" python3 - "$P/trunk-in.pcap" <<'PY'
import struct, sys
def arp(vid, spa, tpa):
    src = bytes.fromhex("02000000" "0a99")
    eth = b"\xff" * 6 + src + struct.pack("!HH", 0x8100, vid) + struct.pack("!H", 0x0806)
    body = struct.pack("!HHBBH", 1, 0x0800, 6, 4, 1) + src + bytes(spa) + b"\0" * 6 + bytes(tpa)
    return eth + body + b"\0" * 14
pkts = [arp(30, [10, 14, 0, 99], [10, 14, 0, 1]), arp(10, [10, 14, 0, 99], [10, 14, 0, 1])]
with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
    for i, p in enumerate(pkts):
        f.write(struct.pack("<IIII", 1700000000 + i, 0, len(p), len(p)) + p)
PY

check "add-br" uvs-vsctl --timeout=30 add-br "$BR"
check "access port a tag=10" uvs-vsctl --timeout=30 add-port "$BR" "$VA" tag=10 \
    -- set Interface "$VA" ofport_request=1
check "access port b tag=10" uvs-vsctl --timeout=30 add-port "$BR" "$VB" tag=10 \
    -- set Interface "$VB" ofport_request=2
check "access port c tag=20" uvs-vsctl --timeout=30 add-port "$BR" "$VC" tag=20 \
    -- set Interface "$VC" ofport_request=3
check_grep "default NORMAL flow" "priority=0 actions=NORMAL" uvs-ofctl dump-flows "$BR"

check "same VLAN: a pings b" wait_until 10 uvs_ns_exec a ping -c 1 -W 1 10.14.0.2
check_fails "different VLANs: a cannot reach c" uvs_ns_exec a ping -c 2 -i 0.2 -W 1 10.14.0.3
check_grep "fdb: a learned in VLAN 10 on port 1" "^ *1 +10 +$MAC_A" uvs-appctl fdb/show "$BR"

# The trunk (VLAN 10 only) starts replaying its capture when added.
check "trunk port t trunks=10 (net_pcap)" uvs-vsctl --timeout=30 add-port "$BR" t$UVS_SFX \
    trunks=10 -- set Interface t$UVS_SFX type=dpdk ofport_request=4 \
    "options:dpdk-devargs=net_pcap_t$UVS_SFX,rx_pcap=$P/trunk-in.pcap,tx_pcap=$P/trunk-out.pcap"
check "fdb: the trunk host was learned in VLAN 10 on port 4" wait_until 10 \
    bash -c "uvs-appctl fdb/show $BR | grep -Eq '^ *4 +10 +02:00:00:00:0a:99'"
# a sends to the trunk host (a static neighbour entry: the trunk's replay is over before a could
# answer its ARP request).
check "a knows the trunk host's MAC" uvs_ns_exec a ip neigh replace 10.14.0.99 \
    lladdr 02:00:00:00:0a:99 dev eth0
check_fails "a sends two echo requests to the trunk host (no one answers)" \
    uvs_ns_exec a ping -c 2 -i 0.2 -W 1 10.14.0.99
check_fails "fdb: nothing learned in VLAN 30" bash -c "uvs-appctl fdb/show $BR | grep -Eq ' 30 '"
check "c sends a broadcast in VLAN 20" bash -c "uvs_ns_exec() { ip netns exec $(uvs_ns c) \"\$@\"; }; uvs_ns_exec arping -c 1 -w 1 10.14.0.77 >/dev/null 2>&1; ip netns exec $(uvs_ns c) ping -c 1 -W 1 10.14.0.77 >/dev/null 2>&1; true"
check "b sends a broadcast in VLAN 10" bash -c "ip netns exec $(uvs_ns b) ping -c 1 -W 1 10.14.0.78 >/dev/null 2>&1; true"

TRACE=$(uvs-appctl ofproto/trace "$BR" in_port=1,dl_src=00:00:00:00:0a:01,dl_dst=ff:ff:ff:ff:ff:ff)
echo "$TRACE"
check_grep "trace: NORMAL floods in VLAN 10" 'flooding in VLAN 10' echo "$TRACE"
# Ports in order: LOCAL (a trunk, tagged), b (access: untagged), c (VLAN 20: skipped), t (tagged).
check_grep "trace: tagged to LOCAL and the trunk, untagged to b, nothing to c" \
    '^Datapath actions: push_vlan\(vid=10,pcp=0\),[0-9]+,pop_vlan,[0-9]+,push_vlan\(vid=10,pcp=0\),[0-9]+$' \
    echo "$TRACE"
TRACE=$(uvs-appctl ofproto/trace "$BR" in_port=4,dl_vlan=30,dl_dst=ff:ff:ff:ff:ff:ff)
check_grep "trace: VLAN 30 on a trunk without it is dropped" 'not configured for it' echo "$TRACE"
check_grep "trace: ... with no datapath actions" '^Datapath actions: drop$' echo "$TRACE"

# Closing the trunk flushes its transmit capture.
check "del-port t" uvs-vsctl --timeout=30 del-port "$BR" t$UVS_SFX
check "trunk output: a's unicast frames tagged VLAN 10, broadcasts of VLAN 10 only" \
    python3 - "$P/trunk-out.pcap" "$MAC_A" <<'PY'
import struct, sys
data = open(sys.argv[1], "rb").read()
mac_a = bytes.fromhex(sys.argv[2].replace(":", ""))
off, vids, reply = 24, [], False
while off + 16 <= len(data):
    caplen = struct.unpack("<IIII", data[off:off + 16])[2]
    p = data[off + 16:off + 16 + caplen]
    off += 16 + caplen
    if struct.unpack("!H", p[12:14])[0] != 0x8100:
        sys.exit("untagged frame on the trunk: " + p[:20].hex())
    vid = struct.unpack("!H", p[14:16])[0] & 0xfff
    vids.append(vid)
    if p[6:12] == mac_a and p[:6] == bytes.fromhex("020000000a99") and vid == 10:
        reply = True
print("VLANs seen on the trunk:", sorted(set(vids)))
if not reply:
    sys.exit("no tagged frame from a to 02:00:00:00:0a:99")
if set(vids) != {10}:
    sys.exit("trunk carried VLANs other than 10: %s" % sorted(set(vids)))
PY

# Moving b to VLAN 20 cuts it off from a and joins it to c.
check "b to VLAN 20" uvs-vsctl --timeout=30 set Port "$VB" tag=20
check_fails "after retagging: a cannot reach b" uvs_ns_exec a ping -c 2 -i 0.2 -W 1 10.14.0.2
check "after retagging: c pings b" wait_until 10 uvs_ns_exec c ping -c 1 -W 1 10.14.0.2

# Bridge.flood_vlans: NORMAL floods in VLAN 20 without learning.
check "flood_vlans=20" uvs-vsctl --timeout=30 set Bridge "$BR" flood_vlans=20
check "fdb/flush" uvs-appctl fdb/flush "$BR"
check "flood VLAN still forwards: c pings b" wait_until 10 uvs_ns_exec c ping -c 1 -W 1 10.14.0.2
check_fails "flood VLAN learns nothing" bash -c "uvs-appctl fdb/show $BR | grep -Eq ' 20 '"

# fdb/stats-show and other_config:mac-table-size.
check_grep "fdb/stats-show counts learned entries" \
    "Total number of learned MAC entries +: [1-9]" uvs-appctl fdb/stats-show "$BR"
check "mac-table-size=1" uvs-vsctl --timeout=30 set Bridge "$BR" other_config:mac-table-size=1
check "a and c ping b (VLAN 20 is a flood VLAN; a learns in 10)" bash -c \
    "ip netns exec $(uvs_ns c) ping -c 1 -W 1 10.14.0.2 >/dev/null; ip netns exec $(uvs_ns a) ping -c 1 -W 1 10.14.0.9 >/dev/null; true"
check_grep "the table holds at most one entry" "Current/maximum MAC entries in the table: [01]/1" \
    uvs-appctl fdb/stats-show "$BR"

# A native mode without a tag is refused (logged) and the port forwards nothing.
check "vlan_mode=native-untagged without a tag" uvs-vsctl --timeout=30 \
    set Port "$VA" vlan_mode=native-untagged -- clear Port "$VA" tag
check "the error is logged" wait_until 5 \
    grep -q "vlan_mode native-untagged needs a tag" "$UVS_LOGDIR/uvs-vswitchd.log"

uvs_test_finish
