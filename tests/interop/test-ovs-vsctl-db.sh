#!/bin/bash
# Interop: Debian's real ovs-vsctl (openvswitch-switch, OVS 3.1) against uvsdb-server. ovs-vsctl
# talks to the database through OVS's client library: it reads the _Server database, monitors with
# monitor_cond_since (update3) and commits with "wait"-guarded transactions. With --no-wait it does
# not wait for a switch daemon, so no uvs-vswitchd runs here.
. "$(dirname "$0")/../integration/common.sh"
command -v ovs-vsctl >/dev/null \
    || uvs_test_skip "ovs-vsctl not installed (scripts/setup installs openvswitch-switch)"
uvs_test_init ovs-vsctl-db

check "uvsdb-server starts" uvs_start_db || uvs_test_finish
DB=unix:$UVS_RUNDIR/db.sock
vs() { timeout 10 ovs-vsctl --db="$DB" --no-wait --timeout=5 "$@"; }

check "ovs-vsctl init" vs init
check "ovs-vsctl add-br br0" vs add-br br0
check "ovs-vsctl add-port br0 p1" vs add-port br0 p1
check "ovs-vsctl add-port with options in one transaction" \
    vs add-port br0 p2 -- set interface p2 type=internal -- set port p2 tag=10
check_output "ovs-vsctl list-br" "br0" vs list-br
check_output "ovs-vsctl list-ports br0" "p1
p2" vs list-ports br0
check_output "ovs-vsctl port-to-br" "br0" vs port-to-br p1
check "ovs-vsctl set bridge (map key and enum)" vs set bridge br0 other_config:hwaddr=00:11:22:33:44:55 fail_mode=secure
check_output "ovs-vsctl get map key" '"00:11:22:33:44:55"' vs get bridge br0 other_config:hwaddr
check_output "ovs-vsctl get fail_mode" "secure" vs get bridge br0 fail_mode
check_output "ovs-vsctl get port tag" "10" vs get port p2 tag
check_grep "ovs-vsctl list bridge shows the name" '^name +: br0$' vs list bridge br0
check_grep "ovs-vsctl list interface shows the type" '^type +: internal$' vs list interface p2
check_output "ovs-vsctl --columns list" "name                : p2
tag                 : 10" vs --columns=name,tag list port p2
check_grep "ovs-vsctl show: bridge" '^    Bridge br0$' vs show
check_grep "ovs-vsctl show: port with tag" '^            tag: 10$' vs show
check_grep "ovs-vsctl show: fail_mode" '^        fail_mode: secure$' vs show
check_grep "ovs-vsctl find" '^name +: p1$' vs find interface name=p1
check_fails "ovs-vsctl refuses a duplicate bridge" vs add-br br0
check_grep "constraint violations reach ovs-vsctl" 'constraint violation|4096|range' \
    bash -c "timeout 10 ovs-vsctl --db=$DB --no-wait --timeout=5 set port p1 tag=5000 2>&1; true"
check "ovs-vsctl remove map key" vs remove bridge br0 other_config hwaddr
check_output "map key gone" "{}" vs get bridge br0 other_config
check "ovs-vsctl del-port p1" vs del-port br0 p1
check_output "p1 gone, p2 stays" "p2" vs list-ports br0
# Garbage collection: the Interface row of p1 went with its Port.
check_output "p1's Interface row collected (br0 and p2 remain)" 'br0
p2' bash -o pipefail -c "uvsdb-client --timeout=5 dump $DB Interface name | awk 'NR > 3 { print \$1 }'"
check "ovs-vsctl set-manager" vs set-manager ptcp:0:127.0.0.1
check_output "ovs-vsctl get-manager" "ptcp:0:127.0.0.1" vs get-manager
check "ovs-vsctl del-br br0" vs del-br br0
check_output "no bridges left" "" vs list-br
# Two ovs-vsctl processes racing: the "wait" preconditions make one retry, both succeed.
check "concurrent ovs-vsctl add-br" bash -c "
    ( timeout 20 ovs-vsctl --db=$DB --no-wait add-br ra ) & a=\$!
    ( timeout 20 ovs-vsctl --db=$DB --no-wait add-br rb ) & b=\$!
    wait \$a && wait \$b"
check_output "both racing bridges exist" "ra
rb" vs list-br
uvs_test_finish
