#!/bin/bash
# Two namespaces ping each other through uvs: first with actions=NORMAL (MAC learning), then with
# explicit in_port rules, then a rule is removed and forwarding in that direction must stop (the
# datapath's caches must not keep forwarding on a deleted rule).
. "$(dirname "$0")/common.sh"
uvs_require_root
uvs_test_init ping

BR=br$UVS_SFX
check "uvsdb-server starts" uvs_start_db || uvs_test_finish
check "uvs-vswitchd starts" uvs_start_vswitchd || uvs_test_finish
check "namespace a" uvs_add_ns a 10.11.0.1 || uvs_test_finish
check "namespace b" uvs_add_ns b 10.11.0.2 || uvs_test_finish
VA=$(uvs_veth a)
VB=$(uvs_veth b)

check "add-br waits for the switch" uvs-vsctl --timeout=30 add-br "$BR"
check "add-port a" uvs-vsctl --timeout=30 add-port "$BR" "$VA"
check "add-port b" uvs-vsctl --timeout=30 add-port "$BR" "$VB"
check_output "ofport of a is 1" 1 uvs-vsctl get Interface "$VA" ofport
check_output "ofport of b is 2" 2 uvs-vsctl get Interface "$VB" ofport
check_output "internal port is LOCAL" 65534 uvs-vsctl get Interface "$BR" ofport
check_grep "bridge's tap is visible to the host" "$BR" ip link show "$BR"
check_output "cur_cfg caught up with next_cfg" "$(uvs-vsctl get Open_vSwitch . next_cfg)" \
    uvs-vsctl get Open_vSwitch . cur_cfg

# A new bridge is a learning switch (priority=0 actions=NORMAL), as in OVS.
check_grep "default NORMAL flow" "priority=0 actions=NORMAL" uvs-ofctl dump-flows "$BR"

# --- NORMAL.
check "del-flows" uvs-ofctl del-flows "$BR"
check "add-flow actions=NORMAL" uvs-ofctl add-flow "$BR" actions=NORMAL
check "NORMAL: a pings b" wait_until 10 uvs_ns_exec a ping -c 1 -W 1 10.11.0.2
check "NORMAL: b pings a" uvs_ns_exec b ping -c 3 -i 0.2 -W 1 10.11.0.1
MAC_A=$(uvs_ns_exec a cat /sys/class/net/eth0/address)
MAC_B=$(uvs_ns_exec b cat /sys/class/net/eth0/address)
check_grep "fdb learned a's MAC on port 1" "^ *1 .*$MAC_A" uvs-appctl fdb/show "$BR"
check_grep "fdb learned b's MAC on port 2" "^ *2 .*$MAC_B" uvs-appctl fdb/show "$BR"
# Rule counters come from the datapath's megaflows (pushed every 250 ms).
check "NORMAL rule counted packets" wait_until 5 \
    bash -c "uvs-ofctl dump-flows $BR | grep -q 'n_packets=[1-9]'"
check_grep "pmd stats count received packets" "packets received: [1-9]" \
    uvs-appctl dpif-netdev/pmd-stats-show
check_grep "megaflows were installed by upcalls" "miss with success upcall: [1-9]" \
    uvs-appctl dpif-netdev/pmd-stats-show
check_grep "dump-ports shows a's rx" "port  *1: rx pkts=[1-9]" uvs-ofctl dump-ports "$BR"

# --- Explicit in_port rules.
check "del-flows again" uvs-ofctl del-flows "$BR"
check_output "no flows left" "" bash -c "uvs-ofctl dump-flows $BR | grep -v '^NXST\|^OFPST' || true"
check "add in_port=1 -> 2" uvs-ofctl add-flow "$BR" "priority=100,in_port=1,actions=output:2"
check "add in_port=2 -> 1" uvs-ofctl add-flow "$BR" "priority=100,in_port=2,actions=output:1"
check "in_port rules: a pings b" wait_until 10 uvs_ns_exec a ping -c 1 -W 1 10.11.0.2
check "in_port rules: b pings a" uvs_ns_exec b ping -c 3 -i 0.2 -W 1 10.11.0.1
check "in_port=1 rule counted packets" wait_until 5 \
    bash -c "uvs-ofctl dump-flows $BR | grep 'in_port=1' | grep -q 'n_packets=[1-9]'"

# Deleting b->a must stop forwarding at once, although a megaflow for it is cached.
check "del-flows in_port=2" uvs-ofctl del-flows "$BR" in_port=2
check_fails "after delete: b cannot reach a" uvs_ns_exec b ping -c 2 -i 0.2 -W 1 10.11.0.1
check "re-add in_port=2 -> 1" uvs-ofctl add-flow "$BR" "priority=100,in_port=2,actions=output:1"
check "after re-add: b pings a" wait_until 10 uvs_ns_exec b ping -c 1 -W 1 10.11.0.1

# --- Removing a port stops traffic through it; the daemon stays up.
check "del-port b" uvs-vsctl --timeout=30 del-port "$BR" "$VB"
check_fails "after del-port: a cannot reach b" uvs_ns_exec a ping -c 2 -i 0.2 -W 1 10.11.0.2
check "daemon still answers" uvs-appctl -t uvs-vswitchd version
check "del-br" uvs-vsctl --timeout=30 del-br "$BR"
check_fails "bridge tap is gone" ip link show "$BR"

uvs_test_finish
