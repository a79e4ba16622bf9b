#!/bin/bash
# An os-ken application (python3-os-ken) as the controller of a fail_mode=secure bridge over
# tcp:127.0.0.1: it installs a table-miss flow to the controller, learns MACs from packet-ins and
# forwards with packet-outs and flows. Two namespaces ping through it. The Controller row shows
# the connection; when the controller goes away a secure bridge keeps its flows (no NORMAL
# fallback), and a standalone one falls back to NORMAL switching (fail-open) and returns to the
# controller's flows when it reconnects.
. "$(dirname "$0")/../integration/common.sh"
uvs_require_root
OSKEN_PY=/usr/bin/python3
if ! $OSKEN_PY -c "import os_ken" 2>/dev/null; then
    uvs_test_skip "python3-os-ken is not installed (scripts/setup installs it)"
fi
uvs_test_init os-ken

BR=br$UVS_SFX
export OSKEN_LOG=$UVS_TEST_DIR/osken.log
APP=$(cd "$(dirname "$0")" && pwd)/os-ken-learning-switch.py
PORT=$((20000 + RANDOM % 20000))
OSKEN_PID=

start_osken() {
    $OSKEN_PY -m os_ken.cmd.manager --ofp-listen-host 127.0.0.1 --ofp-tcp-listen-port "$PORT" \
        "$APP" >"$UVS_TEST_DIR/osken.out" 2>&1 &
    OSKEN_PID=$!
}
stop_osken() {
    if [ -n "$OSKEN_PID" ]; then
        kill "$OSKEN_PID" 2>/dev/null
        wait "$OSKEN_PID" 2>/dev/null
        OSKEN_PID=
    fi
}
# Stop os-ken first, keeping the exit status for the cleanup's verdict.
trap 'rc=$?; stop_osken; (exit $rc); uvs_test_cleanup' EXIT

check "uvsdb-server starts" uvs_start_db || uvs_test_finish
check "uvs-vswitchd starts" uvs_start_vswitchd || uvs_test_finish
check "namespace a" uvs_add_ns a 10.15.0.1 || uvs_test_finish
check "namespace b" uvs_add_ns b 10.15.0.2 || uvs_test_finish
check "add-br (fail_mode=secure)" uvs-vsctl --timeout=30 add-br "$BR" -- set Bridge "$BR" fail_mode=secure
check_output "secure bridge without controller has no flows" "" \
    bash -c "uvs-ofctl dump-flows $BR | grep -v '^OFPST' || true"
check "add-port a" uvs-vsctl --timeout=30 add-port "$BR" "$(uvs_veth a)"
check "add-port b" uvs-vsctl --timeout=30 add-port "$BR" "$(uvs_veth b)"
check_fails "no controller: a cannot reach b" uvs_ns_exec a ping -c 1 -W 1 10.15.0.2

start_osken
check "os-ken listens" wait_until 15 bash -c "ss -ltn | grep -q 127.0.0.1:$PORT"
check "set-controller" uvs-vsctl --timeout=30 set-controller "$BR" "tcp:127.0.0.1:$PORT" -- \
    set Controller "$BR" max_backoff=1000 inactivity_probe=1000
check "controller connects (os-ken sees the switch)" wait_until 15 grep -q "connected dpid=" "$OSKEN_LOG"
check "Controller.is_connected is true" wait_until 10 \
    bash -c "uvs-vsctl get Controller $BR is_connected | grep -q true"
check_grep "table-miss flow from the controller" "priority=0 actions=CONTROLLER:65535" \
    uvs-ofctl dump-flows "$BR"
check "a pings b through the controller" wait_until 15 uvs_ns_exec a ping -c 1 -W 1 10.15.0.2
check "b pings a" uvs_ns_exec b ping -c 3 -i 0.2 -W 1 10.15.0.1
check_grep "packet-in: reason no_match (0) from table 0" "packet_in reason=0 table=0 in_port=1" \
    cat "$OSKEN_LOG"
check "the controller installed learned flows" wait_until 5 \
    bash -c "uvs-ofctl dump-flows $BR | grep -q 'priority=1,in_port=.*dl_dst='"
check_grep "trace shows the controller action for an unknown destination" \
    'userspace\(controller\(reason=no_match,table=0' \
    uvs-appctl ofproto/trace "$BR" in_port=1,dl_dst=00:00:00:00:00:99

# Secure: the controller goes away; its flows stay, nothing new is learned.
stop_osken
check "Controller.is_connected becomes false" wait_until 15 \
    bash -c "uvs-vsctl get Controller $BR is_connected | grep -q false"
check_grep "secure bridge keeps the controller's flows" "actions=CONTROLLER:65535" \
    uvs-ofctl dump-flows "$BR"
check_fails "secure: no NORMAL fallback" bash -c \
    "uvs-appctl ofproto/trace $BR in_port=1,dl_dst=00:00:00:00:00:99 | grep -q fail-open"

# Standalone: after the probe interval without a controller, NORMAL switching.
check "fail_mode=standalone" uvs-vsctl --timeout=30 set Bridge "$BR" fail_mode=standalone
check "standalone falls back to NORMAL (fail-open)" wait_until 10 bash -c \
    "uvs-appctl ofproto/trace $BR in_port=1,dl_dst=00:00:00:00:00:99 | grep -q fail-open"
check "fail-open: a pings b without a controller" wait_until 10 \
    uvs_ns_exec a ping -c 1 -W 1 10.15.0.2
start_osken
check "controller reconnects (backoff up to max_backoff)" wait_until 20 \
    bash -c "uvs-vsctl get Controller $BR is_connected | grep -q true"
check "back to the controller's flows" wait_until 10 bash -c \
    "! uvs-appctl ofproto/trace $BR in_port=1,dl_dst=00:00:00:00:00:99 | grep -q fail-open"
check "a pings b through the controller again" wait_until 15 uvs_ns_exec a ping -c 1 -W 1 10.15.0.2

check "del-controller" uvs-vsctl --timeout=30 del-controller "$BR"
stop_osken
uvs_test_finish
