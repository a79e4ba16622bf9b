#!/bin/bash
# vhost-user ports with dpdk-testpmd (net_virtio_user) as the guests, packets counted on both
# sides. vhu0 is a dpdkvhostuserclient port (testpmd A listens, uvs connects), vhu1 a
# dpdkvhostuser port (uvs listens in other_config:vhost-sock-dir with the configured group and
# mode; testpmd B connects). Flows: 1 -> 2 and 2 -> 1.
#   1. A txonly -> uvs -> B rxonly: every packet A sent was received by uvs; every packet uvs
#      received was sent to B or counted as a drop; B received exactly what uvs sent it.
#   2. B macswap / io: packets go back into uvs; uvs counts exactly what B sent.
#   3. Disconnect and reconnect while traffic runs: B killed (SIGKILL) and restarted, A killed
#      and restarted with 2 queue pairs (uvs reconnects by itself; queues follow the guest).
#   4. A hostile front end on vhu1's socket: malformed vhost-user messages; uvs stays up and
#      forwards to a well-behaved guest afterwards. A guest sending frames beyond the MTU: each
#      is dropped and counted as oversize.
. "$(dirname "$0")/common.sh"
uvs_require_root
command -v dpdk-testpmd >/dev/null || uvs_test_skip "dpdk-testpmd not installed (Debian dpdk-dev)"
uvs_test_init vhost-testpmd
. "$UVS_SRCDIR/tests/vm/testpmd-guest.sh"

BR=br$UVS_SFX
SOCK_A=$UVS_TEST_DIR/a.sock
SOCK_B=$UVS_RUNDIR/vhost/vhu1

# port_stat PORTNO rx|tx — uvs's live packet counter for an OpenFlow port.
port_stat() {
    uvs-ofctl dump-ports "$BR" | awk -v p="$1" -v d="$2" '
        $1 == "port" && $2 == p ":" { want = 1 }
        want && $0 ~ d " pkts=" { sub(".*" d " pkts=", ""); sub(",.*", ""); print; exit }'
}
# drops — packets uvs dropped on vhu0 and vhu1, all reasons (a full guest ring, a guest not yet
# there); the bridge's own port may drop what the host sends on it.
drops() {
    uvs-appctl dpif-netdev/drop-show | awk '
        /^[^ ]/ { want = ($1 == "vhu0" || $1 == "vhu1") }
        want && /^ / && !/rx missed by the device/ { n += $NF } END { print n + 0 }'
}
oversize() {        # oversize PORT — frames PORT received that were longer than its MTU
    uvs-appctl dpif-netdev/drop-show | awk -v p="$1" '
        /^[^ ]/ { want = ($1 == p) } want && /oversize/ { print $NF; exit }'
}
status_is() {       # status_is IFACE KEY VALUE
    [ "$(uvs-vsctl get Interface "$1" "status:$2" 2>/dev/null | tr -d '"')" = "$3" ]
}
counter_equals() {  # counter_equals EXPECTED CMD... — CMD prints the same number twice in a row
    local a
    a=$("${@:2}")
    [ "$a" = "$1" ]
}
rx1_near() {        # rx1_near N — port 1 received N packets, or up to 512 fewer
    local n
    n=$(port_stat 1 rx)
    [ -n "$n" ] && [ $(($1 - n)) -ge 0 ] && [ $(($1 - n)) -le 512 ]
}
stable() {          # stable CMD... — the number CMD prints stays the same for 0.3 s
    local a b
    a=$("$@")
    sleep 0.3
    b=$("$@")
    [ -n "$a" ] && [ "$a" = "$b" ]
}
increases() {       # increases CMD... — the number CMD prints grows within a second
    local a b
    a=$("$@")
    sleep 0.5
    b=$("$@")
    [ -n "$a" ] && [ -n "$b" ] && [ "$b" -gt "$a" ]
}

check "uvsdb-server starts" uvs_start_db || uvs_test_finish
check "uvs-vswitchd starts" uvs_start_vswitchd || uvs_test_finish
check "vhost-sock-dir, group and mode" uvs-vsctl set Open_vSwitch . \
    other_config:vhost-sock-dir=vhost other_config:vhost-sock-group=nogroup \
    other_config:vhost-sock-mode=0660
check "add-br" uvs-vsctl --timeout=30 add-br "$BR"
check "add dpdkvhostuserclient port" uvs-vsctl --timeout=30 add-port "$BR" vhu0 -- \
    set Interface vhu0 type=dpdkvhostuserclient "options:vhost-server-path=$SOCK_A" \
    ofport_request=1
check "add dpdkvhostuser port" uvs-vsctl --timeout=30 add-port "$BR" vhu1 -- \
    set Interface vhu1 type=dpdkvhostuser ofport_request=2
check_grep "iface_types lists both vhost-user types" "dpdkvhostuser.*dpdkvhostuserclient" \
    uvs-vsctl get Open_vSwitch . iface_types
check "flow 1->2" uvs-ofctl add-flow "$BR" priority=10,in_port=1,actions=output:2
check "flow 2->1" uvs-ofctl add-flow "$BR" priority=10,in_port=2,actions=output:1
check_output "server socket in vhost-sock-dir with group and mode" "660 nogroup socket" \
    stat -c '%a %G %F' "$SOCK_B"
check "vhu0 status: client, disconnected" wait_until 10 status_is vhu0 status disconnected
check_output "vhu0 mode" client uvs-vsctl get Interface vhu0 status:mode
check_output "vhu1 mode" server uvs-vsctl get Interface vhu1 status:mode
check_output "link down without a guest" down uvs-vsctl get Interface vhu0 link_state
check "add a client port on vhu1's own socket" uvs-vsctl --timeout=30 add-port "$BR" dup -- \
    set Interface dup type=dpdkvhostuserclient "options:vhost-server-path=$SOCK_B"
check "it is refused with an error naming the socket" wait_until 10 \
    bash -c "uvs-vsctl get Interface dup error | grep -q '$SOCK_B'"
check "del-port dup" uvs-vsctl --timeout=30 del-port "$BR" dup

# --- 1. txonly into uvs, rxonly out of it.
guest_start B rxonly "$SOCK_B"
guest_start A txonly "$SOCK_A" server=1
check "testpmd B forwarding" wait_until 20 guest_running B
check "testpmd A forwarding" wait_until 20 guest_running A
check "vhu0 connected (uvs connected to A)" wait_until 10 status_is vhu0 status connected
check "vhu1 connected (B connected to uvs)" wait_until 10 status_is vhu1 status connected
check_output "vhu0 link up" up uvs-vsctl get Interface vhu0 link_state
check_grep "negotiated features shown" '^"?0x[0-9a-f]{16}"?$' \
    uvs-vsctl get Interface vhu0 status:features
check_output "one queue pair" 1 bash -c "uvs-vsctl get Interface vhu0 status:n_queue_pairs | tr -d '\"'"
check "packets reach B" wait_until 10 bash -c "[ \"\$(uvs-ofctl dump-ports $BR | grep -c 'tx pkts=[1-9]')\" -ge 1 ]"
sleep 1
check "stop A" guest_stop A
A_TX=$(guest_stat A TX-packets)
check "A sent packets" test "${A_TX:-0}" -gt 0
# A's last burst may still sit in its ring when it closes the device (vhost-user stops the ring
# then): at most one ring (512 descriptors) can be lost that way.
check "uvs received what A sent ($A_TX, at most one ring short)" wait_until 5 rx1_near "$A_TX"
RX1=$(port_stat 1 rx)
TX2=$(port_stat 2 tx)
DROPS=$(drops)
check "every packet received was sent or counted as dropped ($RX1 = $TX2 + $DROPS)" \
    test "$RX1" -eq $((TX2 + DROPS))
# B may lag behind on the shared CPU: let it read its ring before stopping it.
check "B read everything uvs sent it" wait_until 10 counter_equals "$TX2" guest_live_stat B RX-packets
check "stop B" guest_stop B
B_RX=$(guest_stat B RX-packets)
check "B received exactly what uvs sent it ($B_RX = $TX2)" test "${B_RX:-x}" = "$TX2"

# --- 2. macswap and io: packets go back through uvs. A restarts: uvs reconnects by itself.
guest_start B macswap "$SOCK_B"
check "testpmd B (macswap) forwarding" wait_until 20 guest_running B
RX2_BEFORE=$(port_stat 2 rx)
guest_start A txonly "$SOCK_A" server=1
check "uvs reconnected to the restarted A" wait_until 20 status_is vhu0 status connected
check_output "vhu0 counted two connects" 2 bash -c "uvs-vsctl get Interface vhu0 status:connects | tr -d '\"'"
check "macswap traffic comes back into uvs" wait_until 10 increases port_stat 2 rx
check "stop A" guest_stop A
check "B has nothing more to send back" wait_until 10 stable port_stat 2 rx
check "stop B (macswap)" guest_stop B
B_TX=$(guest_stat B TX-packets)
check "uvs received exactly what B sent back ($B_TX)" \
    wait_until 5 counter_equals "$((RX2_BEFORE + B_TX))" port_stat 2 rx

# --- 3. Disconnect and reconnect while traffic runs (A keeps sending).
guest_start A txonly "$SOCK_A" server=1
guest_start B io "$SOCK_B"
check "testpmd B (io) forwarding" wait_until 20 guest_running B
check "vhu1 connected again" wait_until 10 status_is vhu1 status connected
check "io traffic flows" wait_until 10 increases port_stat 2 tx
check "kill B (SIGKILL)" guest_kill B
check "vhu1 disconnected after B died" wait_until 10 status_is vhu1 status disconnected
check "vhu1 link down" wait_until 10 bash -c "[ \"\$(uvs-vsctl get Interface vhu1 link_state)\" = down ]"
check "uvs keeps receiving from A" wait_until 5 increases port_stat 1 rx
check "uvs-vswitchd still answers" uvs-appctl version
guest_start B io "$SOCK_B"
check "B reconnects" wait_until 20 status_is vhu1 status connected
check "traffic to B resumes" wait_until 10 increases port_stat 2 tx
check "mtu_request on a vhost-user port" uvs-vsctl set Interface vhu1 mtu_request=2000
check "uvs applies it" wait_until 10 bash -c "[ \"\$(uvs-vsctl get Interface vhu1 mtu)\" = 2000 ]"
check "status says the guest was not given it" wait_until 10 \
    bash -c "uvs-vsctl get Interface vhu1 status:last_error | grep -q 'mtu_request=2000.*host_mtu'"
check "mtu_request removed" uvs-vsctl remove Interface vhu1 mtu_request 2000
check "MTU back to 1500" wait_until 10 bash -c "[ \"\$(uvs-vsctl get Interface vhu1 mtu)\" = 1500 ]"
check "kill A (SIGKILL)" guest_kill A
check "vhu0 disconnected after A died" wait_until 10 status_is vhu0 status disconnected
guest_start A txonly "$SOCK_A" server=1,queues=2 --rxq=2 --txq=2
check "uvs reconnects to A (2 queue pairs)" wait_until 20 status_is vhu0 status connected
check "queues follow the guest: 2 queue pairs" wait_until 10 status_is vhu0 n_queue_pairs 2
check "datapath polls 2 rx queues of vhu0" wait_until 10 status_is vhu0 n_rxq 2
check_grep "pmd-rxq-show lists vhu0 queue 1" "vhu0 +queue-id: +1" \
    uvs-appctl dpif-netdev/pmd-rxq-show
check "traffic from both queues flows" wait_until 10 increases port_stat 2 tx
check "stop A" guest_stop A
check "stop B" guest_stop B
check "vhu0 back to 1 queue pair after A left" wait_until 10 status_is vhu0 n_rxq 1

# --- 4. A hostile front end on vhu1's socket.
check "hostile vhost-user messages delivered" python3 "$UVS_SRCDIR/tests/vm/vhost-hostile.py" \
    "$SOCK_B" 3
check "uvs-vswitchd survived the hostile front end" uvs-appctl version
check "vhu1 not connected after the hostile front end" \
    wait_until 10 status_is vhu1 status disconnected
guest_start B rxonly "$SOCK_B"
guest_start A txonly "$SOCK_A" server=1
check "a well-behaved guest connects after it" wait_until 20 status_is vhu1 status connected
check "and gets traffic" wait_until 10 increases port_stat 2 tx
check "stop A" guest_stop A
# A guest sending frames longer than the port's MTU (2000 bytes, MTU 1500): dropped and counted.
guest_start A txonly "$SOCK_A" server=1 --txpkts=2000
check "uvs reconnects to A (2000-byte frames)" wait_until 20 status_is vhu0 status connected
check "frames beyond the MTU are counted as oversize" wait_until 10 increases oversize vhu0
check "and none of them is forwarded" wait_until 10 stable port_stat 2 tx
check "stop A" guest_stop A
check "stop B" guest_stop B

check "del-port vhu1 removes its socket" uvs-vsctl --timeout=30 del-port "$BR" vhu1
check_fails "socket gone" test -e "$SOCK_B"
check "del-br" uvs-vsctl --timeout=30 del-br "$BR"
uvs_test_finish
