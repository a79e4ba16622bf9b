#!/bin/bash
# fail_mode across a controller restart, as docs/user-guide/uvs-ofctl.md "Controllers" says.
# standalone: a controller (tests/integration/ofp-mini-controller.py) installs one rule that drops
#   everything, so namespaces cannot ping; killed, the bridge falls back to NORMAL switching once
#   the controller has been unreachable for the probe interval, and they ping; restarted, its
#   flows rule again and the pings stop.
# secure: the controller installs in_port=1<->2 forwarding only; killed, its flows stay and keep
#   forwarding a<->b, and there is no NORMAL fallback: c (port 3, no rule) still reaches nobody,
#   also well after the probe interval.
. "$(dirname "$0")/common.sh"
uvs_require_root
uvs_test_init ctrl-fail-mode

BR=br$UVS_SFX
CTRL=$(cd "$(dirname "$0")" && pwd)/ofp-mini-controller.py
PORT=$((20000 + RANDOM % 20000))
CTRL_PID=
start_ctrl() {                      # start_ctrl MODE
    python3 "$CTRL" "$PORT" "$1" >>"$UVS_TEST_DIR/ctrl.out" 2>&1 &
    CTRL_PID=$!
    wait_until 20 bash -c "ss -ltn | grep -q 127.0.0.1:$PORT"
}
stop_ctrl() {
    if [ -n "$CTRL_PID" ]; then
        kill "$CTRL_PID" 2>/dev/null
        wait "$CTRL_PID" 2>/dev/null
        CTRL_PID=
    fi
    return 0
}
trap 'rc=$?; stop_ctrl; (exit $rc); uvs_test_cleanup' EXIT
connected() { uvs-vsctl get Controller "$BR" is_connected | grep -q "$1"; }
ping_ok() { uvs_ns_exec "$1" ping -c 1 -W 1 "$2"; }
no_ping() { ! uvs_ns_exec "$1" ping -c 2 -i 0.3 -W 1 "$2"; }

check "uvsdb-server starts" uvs_start_db || uvs_test_finish
check "uvs-vswitchd starts" uvs_start_vswitchd || uvs_test_finish
check "namespace a" uvs_add_ns a 10.25.0.1 || uvs_test_finish
check "namespace b" uvs_add_ns b 10.25.0.2 || uvs_test_finish
check "namespace c" uvs_add_ns c 10.25.0.3 || uvs_test_finish
check "add-br (fail_mode=standalone)" uvs-vsctl --timeout=30 add-br "$BR" \
    -- set Bridge "$BR" fail_mode=standalone
i=1
for n in a b c; do
    check "add-port $n as $i" uvs-vsctl --timeout=30 add-port "$BR" "$(uvs_veth $n)" \
        -- set Interface "$(uvs_veth $n)" ofport_request=$i
    i=$((i + 1))
done
check "without a controller, standalone is a learning switch" wait_until 10 ping_ok a 10.25.0.2

# --- standalone ---------------------------------------------------------------------------------
check "controller (drop) starts" start_ctrl drop
check "set-controller, probe 1 s" uvs-vsctl --timeout=30 set-controller "$BR" \
    "tcp:127.0.0.1:$PORT" -- set Controller "$BR" max_backoff=1000 inactivity_probe=1000
check "the controller connects" wait_until 20 connected true
check "its drop rule is installed" wait_until 10 \
    bash -c "uvs-ofctl dump-flows $BR | grep -q 'priority=100 actions=drop'"
check_fails "standalone, controller up: its drop rule rules (a cannot ping b)" \
    uvs_ns_exec a ping -c 2 -i 0.3 -W 1 10.25.0.2

check "kill the controller" stop_ctrl
check "the switch notices" wait_until 20 connected false
check "standalone, controller gone past the probe interval: NORMAL (a pings b)" \
    wait_until 20 ping_ok a 10.25.0.2
check "... and c pings a" wait_until 10 ping_ok c 10.25.0.1
check_grep "the log says fail-open" "entering fail-open" cat "$UVS_LOGDIR/uvs-vswitchd.log"
check_grep "fail-open keeps the controller's rule in the table" "priority=100 actions=drop" \
    uvs-ofctl dump-flows "$BR"
check_grep "ofproto/trace shows the fail-open NORMAL switching" "fail-open" \
    uvs-appctl ofproto/trace "$BR" in_port=1

check "restart the controller (drop)" start_ctrl drop
check "the switch reconnects" wait_until 20 connected true
check "standalone, controller back: its rule rules again (a cannot ping b)" \
    wait_until 20 no_ping a 10.25.0.2
check_fails "... still, a second later" uvs_ns_exec a ping -c 2 -i 0.3 -W 1 10.25.0.2
check_grep "the log says fail-open ended" "leaving fail-open" cat "$UVS_LOGDIR/uvs-vswitchd.log"

# --- secure ---------------------------------------------------------------------------------------
check "stop the drop controller" stop_ctrl
check "fail_mode=secure" uvs-vsctl --timeout=30 set-fail-mode "$BR" secure
check "controller (forward) starts" start_ctrl forward
check "the switch connects to it" wait_until 20 connected true
check "secure, controller up: its flows forward a -> b" wait_until 20 ping_ok a 10.25.0.2
check_fails "secure, controller up: c (no rule) cannot ping a" \
    uvs_ns_exec c ping -c 2 -i 0.3 -W 1 10.25.0.1

check "kill the controller" stop_ctrl
check "the switch notices" wait_until 20 connected false
check_fails "secure, controller gone: c still cannot ping a, 3 s on (no NORMAL fallback)" \
    uvs_ns_exec c ping -c 3 -i 1 -W 1 10.25.0.1
check "secure, controller gone: its flows keep forwarding a -> b" ping_ok a 10.25.0.2
check_output "secure, controller gone: exactly its two flows remain" 2 \
    bash -c "uvs-ofctl dump-flows $BR | grep -c 'priority=100,in_port=[12] actions=output:[12]'"
check_output "secure never entered fail-open" 1 \
    bash -c "grep -c 'entering fail-open' $UVS_LOGDIR/uvs-vswitchd.log"

uvs_test_finish
