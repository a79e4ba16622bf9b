#!/bin/bash
# Port-mod and CONTROLLER output as users see them.
#   - A flow "actions=CONTROLLER:200,output:2" both sends a packet-in (with the packet, cut to
#     200 bytes) and forwards the packet to port 2: for the first packet (upcall) and for cached
#     ones (megaflow), with flows added in OpenFlow 1.5 (uvs-ofctl), 1.3 and 1.0 (ovs-ofctl), while
#     uvs-ofctl monitor and ovs-ofctl monitor see the packet-ins.
#   - mod-port down / no-receive / no-forward / no-flood / no-packet-in show in the port
#     descriptions of every version (uvs-ofctl show and dump-ports-desc, ovs-ofctl show 1.0 and
#     1.3; NO_FLOOD in 1.0 where ovs-ofctl knows the bit), a port-status goes to monitors, and the
#     change is undone by the opposite command.
#   - The local port: uvs-ofctl accepts LOCAL (and the bridge name); ovs-ofctl, which resolves a
#     port only by number or by name, accepts 65534 and the bridge name, as with Open vSwitch.
. "$(dirname "$0")/common.sh"
uvs_require_root
uvs_test_init of-port-mod

BR=br$UVS_SFX
check "uvsdb-server starts" uvs_start_db || uvs_test_finish
check "uvs-vswitchd starts" uvs_start_vswitchd || uvs_test_finish
check "namespace a" uvs_add_ns a 10.19.0.1 || uvs_test_finish
check "namespace b" uvs_add_ns b 10.19.0.2 || uvs_test_finish
VA=$(uvs_veth a)
VB=$(uvs_veth b)
check "add-br" uvs-vsctl --timeout=30 add-br "$BR"
check "add-port a" uvs-vsctl --timeout=30 add-port "$BR" "$VA" -- set Interface "$VA" ofport_request=1
check "add-port b" uvs-vsctl --timeout=30 add-port "$BR" "$VB" -- set Interface "$VB" ofport_request=2
MGMT=unix:$UVS_RUNDIR/$BR.mgmt
HAVE_OVS=0
command -v ovs-ofctl >/dev/null && HAVE_OVS=1
[ "$HAVE_OVS" = 1 ] || echo "NOTE: ovs-ofctl not installed: its checks are left out (scripts/setup installs openvswitch-common)"

# monitor_start NAME CMD... — runs a monitor in the background, output in T/NAME.txt.
MONITORS=()
monitor_start() {
    local name=$1
    shift
    "$@" >"$UVS_TEST_DIR/$name.txt" 2>&1 &
    MONITORS+=("$!")
}
monitors_stop() {
    local pid
    for pid in "${MONITORS[@]}"; do
        kill "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    done
    MONITORS=()
}
count_in() { grep -c "$2" "$UVS_TEST_DIR/$1.txt" 2>/dev/null || true; }
at_least() { [ "$(count_in "$1" "$2")" -ge "$3" ]; }

# --- CONTROLLER:200 then output:2 -------------------------------------------------------------
# controller_case VERSION OFCTL... — installs the flows with OFCTL, checks the trace, then pings
# (first packet: upcall; the rest: megaflow) and checks the packet-ins the monitors saw.
controller_case() {
    local v=$1 before
    shift
    check "$v: del-flows" "$@" del-flows "$MGMT"
    check "$v: add CONTROLLER:200,output:2 for port 1" "$@" add-flow "$MGMT" \
        "priority=10,in_port=1,actions=CONTROLLER:200,output:2"
    check "$v: add output:1 for port 2" "$@" add-flow "$MGMT" "priority=10,in_port=2,actions=output:1"
    check_grep "$v: trace: a packet-in and an output to port 2" \
        '^Datapath actions: userspace\(controller\(reason=action,table=0,max_len=200,cookie=0\)\),[0-9]+$' \
        uvs-appctl ofproto/trace "$BR" in_port=1,icmp
    before=$(count_in uvs-mon "(via action) data_len=98")
    check "$v: first ping a -> b (upcall path) forwards" \
        wait_until 10 uvs_ns_exec a ping -c 1 -W 1 10.19.0.2
    check "$v: 20 more pings (megaflow path) all forwarded" \
        uvs_ns_exec a ping -c 20 -i 0.05 -W 2 10.19.0.2
    check_grep "$v: the megaflow carries the packet-in and the output, and was hit" \
        'packets:([2-9]|[1-9][0-9]+), .*actions:userspace\(reason=1,table=0,max_len=200\),[0-9]+$' \
        uvs-appctl dpctl/dump-flows
    check "$v: uvs-ofctl monitor saw the 21 echo requests, each with its 98 bytes" \
        wait_until 10 at_least uvs-mon "(via action) data_len=98" $((before + 21))
    check_grep "$v: the packet-in carries the ICMP echo request" \
        "nw_src=10.19.0.1,nw_dst=10.19.0.2,nw_proto=1,.*icmp_type=8,icmp_code=0" cat "$UVS_TEST_DIR/uvs-mon.txt"
}

monitor_start uvs-mon uvs-ofctl monitor "$BR" 65535
if [ "$HAVE_OVS" = 1 ]; then
    monitor_start ovs-mon ovs-ofctl -O OpenFlow13 --unixctl="$UVS_TEST_DIR/ovs-ofctl.ctl" \
        monitor "$MGMT" 65535
fi
check "the switch answers" uvs-appctl -t uvs-vswitchd version
sleep 1     # The monitors print nothing until an event: give them time to connect.
controller_case "OF1.5" uvs-ofctl
if [ "$HAVE_OVS" = 1 ]; then
    controller_case "OF1.3" ovs-ofctl -O OpenFlow13
    controller_case "OF1.0" ovs-ofctl -O OpenFlow10
    check "ovs-ofctl monitor (OpenFlow 1.3) saw the packet-ins with the whole packet" \
        wait_until 10 at_least ovs-mon "(via action) data_len=98" 63
fi
# A cached output-only megaflow whose rule gains CONTROLLER (mod-flows: the revalidator rewrites
# the megaflow's actions in place) both forwards and sends packet-ins.
check "plain output flows" bash -c "uvs-ofctl del-flows $BR && uvs-ofctl add-flow $BR \
    in_port=1,actions=output:2 && uvs-ofctl add-flow $BR in_port=2,actions=output:1"
check "pings cache an output-only megaflow" wait_until 10 uvs_ns_exec a ping -c 2 -i 0.2 -W 1 10.19.0.2
check_grep "the megaflow outputs only" '^in_port=[0-9]+, packets:[1-9][0-9]*, .*actions:[0-9]+$' \
    uvs-appctl dpctl/dump-flows
BEFORE=$(count_in uvs-mon "(via action) data_len=98")
check "mod-flows in_port=1 to CONTROLLER:200,output:2" uvs-ofctl mod-flows "$BR" \
    "in_port=1,actions=CONTROLLER:200,output:2"
check "after mod-flows: 10 pings all forwarded" uvs_ns_exec a ping -c 10 -i 0.05 -W 2 10.19.0.2
check "after mod-flows: 10 more packet-ins" \
    wait_until 10 at_least uvs-mon "(via action) data_len=98" $((BEFORE + 10))
check "a ping of 300 bytes: the packet-in is cut to max_len 200" \
    uvs_ns_exec a ping -c 1 -s 300 -W 2 10.19.0.2
check "uvs-ofctl monitor: total_len 342, data_len 200" \
    wait_until 10 at_least uvs-mon "total_len=342 in_port=1 (via action) data_len=200" 1

# --- Port-mod: every flag, shown in every version -----------------------------------------------
check "back to plain forwarding" bash -c "uvs-ofctl del-flows $BR && uvs-ofctl add-flow $BR \
    in_port=1,actions=output:2 && uvs-ofctl add-flow $BR in_port=2,actions=output:1"
# port_config OFCTL_ARGS... PORT — the "config:" value of PORT in OFCTL's show output.
port_config() {
    local port=${*: -1}
    "${@:1:$#-1}" | awk -v p=" $port(" 'index($0, p) == 1 { f = 1; next }
        f && /config:/ { sub(/^ *config: */, ""); print; exit }'
}
for flag in down:PORT_DOWN no-receive:NO_RECV no-forward:NO_FWD no-packet-in:NO_PACKET_IN \
            no-flood:NO_FLOOD; do
    cmd=${flag%%:*}
    bit=${flag#*:}
    check "mod-port 2 $cmd" uvs-ofctl mod-port "$BR" 2 "$cmd"
    check_output "uvs-ofctl show (OF1.5): port 2 config $bit" "$bit" \
        port_config uvs-ofctl show "$BR" 2
    check_output "uvs-ofctl -O OpenFlow13 dump-ports-desc: port 2 config $bit" "$bit" \
        port_config uvs-ofctl -O OpenFlow13 dump-ports-desc "$BR" 2
    check_output "uvs-ofctl -O OpenFlow10 show: port 2 config $bit" "$bit" \
        port_config uvs-ofctl -O OpenFlow10 show "$BR" 2
    if [ "$HAVE_OVS" = 1 ]; then
        check_output "ovs-ofctl -O OpenFlow10 show: port 2 config $bit" "$bit" \
            port_config ovs-ofctl -O OpenFlow10 --no-names show "$MGMT" 2
        # OpenFlow 1.1+ has no NO_FLOOD bit: ovs-ofctl shows the others.
        [ "$bit" = NO_FLOOD ] && expect=0 || expect=$bit
        check_output "ovs-ofctl -O OpenFlow13 show: port 2 config $expect" "$expect" \
            port_config ovs-ofctl -O OpenFlow13 --no-names show "$MGMT" 2
    fi
    undo=${cmd#no-}
    [ "$cmd" = down ] && undo=up
    check "mod-port 2 $undo undoes it" uvs-ofctl mod-port "$BR" 2 "$undo"
    check_output "config back to 0" "0" port_config uvs-ofctl show "$BR" 2
done
check_grep "a down port is not live" "state: *LINK_DOWN" bash -c \
    "uvs-ofctl mod-port $BR 1 down && uvs-ofctl dump-ports-desc $BR | grep -A2 '^ 1('"
check_fails "a down port forwards nothing" uvs_ns_exec a ping -c 2 -i 0.2 -W 1 10.19.0.2
check "Interface.admin_state says down, as in OVS" wait_until 10 bash -c \
    "[ \"\$(uvs-vsctl get Interface $VA admin_state)\" = down ]"
check "up again" uvs-ofctl mod-port "$BR" 1 up
check "Interface.admin_state says up again" wait_until 10 bash -c \
    "[ \"\$(uvs-vsctl get Interface $VA admin_state)\" = up ]"
check_grep "an up port is live again" "state: *LIVE" bash -c \
    "uvs-ofctl dump-ports-desc $BR | grep -A2 '^ 1('"
check "and forwards again" wait_until 10 uvs_ns_exec a ping -c 1 -W 1 10.19.0.2
check "the log names the no-flood change" grep -q "port $VB: config 0x0 -> 0x10" "$UVS_LOGDIR/uvs-vswitchd.log"

# Port-status messages for the changes went to both monitors.
check "uvs-ofctl monitor: a port-status shows port 2 NO_FLOOD" wait_until 10 bash -c \
    "grep -A1 'OFPT_PORT_STATUS.*MOD: 2($VB)' $UVS_TEST_DIR/uvs-mon.txt | grep -q 'config: *NO_FLOOD'"
if [ "$HAVE_OVS" = 1 ]; then
    check "ovs-ofctl monitor (1.3): a port-status shows port 1 PORT_DOWN" wait_until 10 bash -c \
        "grep -A1 'OFPT_PORT_STATUS (OF1.3) (xid=0x0): MOD: 1($VA)' $UVS_TEST_DIR/ovs-mon.txt |
         grep -q 'config: *PORT_DOWN'"
fi
monitors_stop

# --- The local port --------------------------------------------------------------------------
check "uvs-ofctl mod-port BR LOCAL no-packet-in" uvs-ofctl mod-port "$BR" LOCAL no-packet-in
check_output "LOCAL shows NO_PACKET_IN" "NO_PACKET_IN" port_config uvs-ofctl show "$BR" LOCAL
check "uvs-ofctl mod-port BR BR (the local port's name) packet-in" \
    uvs-ofctl mod-port "$BR" "$BR" packet-in
check_output "LOCAL config back to 0" "0" port_config uvs-ofctl show "$BR" LOCAL
check_grep "uvs-ofctl mod-port on a missing port names it" "nosuch: invalid or unknown port" \
    bash -c "uvs-ofctl mod-port $BR nosuch up 2>&1; true"
if [ "$HAVE_OVS" = 1 ]; then
    check_grep "ovs-ofctl 1.3 port-desc lists the local port as LOCAL with the bridge's name" \
        "^ LOCAL\\($BR\\): addr:" ovs-ofctl -O OpenFlow13 --names show "$MGMT"
    check_grep "ovs-ofctl 1.0 features list the local port as LOCAL too" \
        "^ LOCAL\\($BR\\): addr:" ovs-ofctl -O OpenFlow10 --names show "$MGMT"
    check "ovs-ofctl 1.3 mod-port BR 65534 no-packet-in" \
        ovs-ofctl -O OpenFlow13 mod-port "$MGMT" 65534 no-packet-in
    check_output "ovs-ofctl 1.3: LOCAL shows NO_PACKET_IN" "NO_PACKET_IN" \
        port_config ovs-ofctl -O OpenFlow13 show "$MGMT" LOCAL
    check "ovs-ofctl 1.0 mod-port BR <bridge name> packet-in" \
        ovs-ofctl -O OpenFlow10 mod-port "$MGMT" "$BR" packet-in
    check_output "ovs-ofctl 1.0: LOCAL config back to 0" "0" \
        port_config ovs-ofctl -O OpenFlow10 show "$MGMT" LOCAL
    check "ovs-ofctl 1.3 dump-ports LOCAL (names resolved by ovs-ofctl itself)" \
        ovs-ofctl -O OpenFlow13 dump-ports "$MGMT" LOCAL
fi

uvs_test_finish
