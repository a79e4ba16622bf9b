#!/bin/bash
# An os-ken controller over ssl: (the SSL table gives the switch its key, certificate and CA; both
# sides verify the other's certificate): the connection comes up and the learning switch works
# through it; a controller whose certificate is not signed by the CA is refused.
. "$(dirname "$0")/../integration/common.sh"
uvs_require_root
OSKEN_PY=/usr/bin/python3
$OSKEN_PY -c "import os_ken" 2>/dev/null ||
    uvs_test_skip "python3-os-ken is not installed (scripts/setup installs it)"
command -v openssl >/dev/null || uvs_test_skip "openssl is not installed"
uvs_test_init os-ken-ssl

BR=br$UVS_SFX
P=$UVS_TEST_DIR
export OSKEN_LOG=$P/osken.log
APP=$(cd "$(dirname "$0")" && pwd)/os-ken-learning-switch.py
PORT=$((20000 + RANDOM % 20000))
OSKEN_PID=

# A CA, and certificates it signs for the switch and the controller; a rogue self-signed one.
mkcert() {   # NAME CA_KEY CA_CERT
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$P/$1.key" \
        -subj "/CN=$1" -out "$P/$1.csr" 2>/dev/null &&
    openssl x509 -req -in "$P/$1.csr" -CA "$2" -CAkey "$3" -CAcreateserial -days 2 \
        -out "$P/$1.crt" 2>/dev/null
}
check "CA certificate" openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$P/ca.key" -subj "/CN=uvs-test-ca" -days 2 -out "$P/ca.crt"
check "switch certificate" mkcert switch "$P/ca.crt" "$P/ca.key"
check "controller certificate" mkcert ctl "$P/ca.crt" "$P/ca.key"
check "rogue certificate (self-signed)" openssl req -x509 -newkey ec \
    -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$P/rogue.key" -subj "/CN=rogue" \
    -days 2 -out "$P/rogue.crt"

start_osken() {   # KEY CERT
    $OSKEN_PY -m os_ken.cmd.manager --ofp-listen-host 127.0.0.1 --ofp-tcp-listen-port 0 \
        --ofp-ssl-listen-port "$PORT" --ctl-privkey "$1" --ctl-cert "$2" \
        --ca-certs "$P/ca.crt" "$APP" >"$P/osken.out" 2>&1 &
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
check "namespace a" uvs_add_ns a 10.17.0.1 || uvs_test_finish
check "namespace b" uvs_add_ns b 10.17.0.2 || uvs_test_finish
check "set-ssl" uvs-vsctl set-ssl "$P/switch.key" "$P/switch.crt" "$P/ca.crt"
check "add-br (fail_mode=secure)" uvs-vsctl --timeout=30 add-br "$BR" -- set Bridge "$BR" fail_mode=secure
check "add-port a" uvs-vsctl --timeout=30 add-port "$BR" "$(uvs_veth a)"
check "add-port b" uvs-vsctl --timeout=30 add-port "$BR" "$(uvs_veth b)"

# A controller presenting a certificate the CA did not sign is refused by the switch.
start_osken "$P/rogue.key" "$P/rogue.crt"
check "os-ken (rogue) listens" wait_until 15 bash -c "ss -ltn | grep -q 127.0.0.1:$PORT"
check "set-controller ssl:" uvs-vsctl --timeout=30 set-controller "$BR" "ssl:127.0.0.1:$PORT" -- \
    set Controller "$BR" max_backoff=1000
sleep 3
check_fails "the rogue controller never connects" bash -c \
    "uvs-vsctl get Controller $BR is_connected | grep -q true"
check_grep "Controller.status records the failure" "last_error" \
    uvs-vsctl get Controller "$BR" status
stop_osken

start_osken "$P/ctl.key" "$P/ctl.crt"
check "controller connects over ssl" wait_until 20 \
    bash -c "uvs-vsctl get Controller $BR is_connected | grep -q true"
check "os-ken sees the switch" wait_until 10 grep -q "connected dpid=" "$OSKEN_LOG"
check "a pings b through the ssl controller" wait_until 15 uvs_ns_exec a ping -c 1 -W 1 10.17.0.2
check_grep "packet-ins reached the controller" "packet_in reason=0" cat "$OSKEN_LOG"

stop_osken
uvs_test_finish
