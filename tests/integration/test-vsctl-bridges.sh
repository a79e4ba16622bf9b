#!/bin/bash
# test-vsctl-bridges.sh — uvs-vsctl's fake (VLAN) bridges, bonds, bridge external IDs, SSL and
# emer-reset against a real uvsdb-server (no uvs-vswitchd: every command runs with --no-wait).
# Expected texts and error wordings are those ovs-vsctl 3.1 prints for the same commands (checked
# side by side with Debian's ovs-vsctl; tests/interop/test-vsctl-vs-ovs-vsctl.sh does it live).
#
# Everything runs in the temp dir of uvs_test_init (common.sh); the EXIT trap stops the server and
# removes the dir, also on failure. Needs no root.

HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/integration/common.sh
. "$HERE/common.sh"
uvs_test_init vsctl-bridges

# shellcheck disable=SC2317  # called through check*
vs() {
    uvs-vsctl --no-wait "$@"
}

# check_error DESC MESSAGE CMD... — CMD exits 1, prints nothing on stdout and exactly MESSAGE on
# stderr.
check_error() {
    local desc=$1 message=$2 out err rc=0
    shift 2
    out=$(_uvs_scratch)
    err=$(_uvs_scratch)
    "$@" >"$out" 2>"$err" || rc=$?
    if [ "$rc" -eq 1 ] && [ ! -s "$out" ] && [ "$(cat "$err")" = "$message" ]; then
        _uvs_pass "$desc"
    else
        {
            printf '$ %s\n(exit status %d, expected 1)\n' "$*" "$rc"
            echo "expected stderr: $message"
            echo "actual stderr:   $(cat "$err")"
            [ -s "$out" ] && { echo "stdout:"; cat "$out"; }
        } >"$out.cmd"
        _uvs_fail "$desc" "$out.cmd"
    fi
    rm -f "$out" "$err" "$out.cmd"
}

check "database starts" uvs_start_db || uvs_test_finish
ovs_uuid=$(uvs-vsctl get Open_vSwitch . _uuid)

# --- Fake bridges.
check "add-br br0" vs add-br br0
check "add-br fb1 br0 10 (a fake bridge for VLAN 10)" vs add-br fb1 br0 10
check_output "the fake bridge is a Port of br0 with fake_bridge=true and tag 10" \
    "true
10
internal" uvs-vsctl get Port fb1 fake_bridge tag -- get Interface fb1 type
check_error "a fake bridge cannot be a parent" \
    "uvs-vsctl: cannot create bridge with fake bridge as parent" vs add-br fb2 fb1 5
check_error "VLAN out of range" \
    'uvs-vsctl: add-br: vlan must be between 0 and 4095 (got "5000")' vs add-br fb2 br0 5000
check_error "missing parent" "uvs-vsctl: parent bridge br9 does not exist" vs add-br fb2 br9 5
check_error "two fake bridges on one VLAN" \
    "uvs-vsctl: bridge br0 already has a child VLAN bridge fb1 on VLAN 10" vs add-br fb3 br0 10
check_error "--may-exist with another VLAN" \
    'uvs-vsctl: "--may-exist add-br fb1 br0 11" but fb1 is a VLAN bridge for the wrong VLAN 10' \
    vs --may-exist add-br fb1 br0 11
check_error "--may-exist of a fake bridge as a real one" \
    'uvs-vsctl: "--may-exist add-br fb1" but fb1 is a VLAN bridge for VLAN 10' \
    vs --may-exist add-br fb1
check_error "--may-exist of a real bridge as a fake one" \
    'uvs-vsctl: "--may-exist add-br br0 br0 3" but br0 is not a VLAN bridge' \
    vs --may-exist add-br br0 br0 3
check "--may-exist add-br fb1 br0 10 (same parent and VLAN)" vs --may-exist add-br fb1 br0 10
check "add-port to the real bridge with the fake bridge's tag" vs add-port br0 p1 tag=10
check "add-port to the fake bridge" vs add-port fb1 p2
check_output "a port added to a fake bridge gets its VLAN as tag" "10" uvs-vsctl get Port p2 tag
check_output "list-br lists real and fake bridges" "br0
fb1" uvs-vsctl list-br
check_output "list-br --real" "br0" uvs-vsctl --real list-br
check_output "list-br --fake" "fb1" uvs-vsctl --fake list-br
check_output "br-to-vlan and br-to-parent" "10
br0
0
br0" uvs-vsctl br-to-vlan fb1 -- br-to-parent fb1 -- br-to-vlan br0 -- br-to-parent br0
check "br-exists of a fake bridge" uvs-vsctl br-exists fb1

# --- Bonds.
check "add-bond br0 bond0 a b" vs add-bond br0 bond0 a b
check_error "add-bond with one interface" \
    "uvs-vsctl: add-bond requires at least 2 interfaces, but only 1 were specified" \
    vs add-bond br0 b2 x tag=1
check_error "--may-exist add-bond with other interfaces" \
    'uvs-vsctl: "--may-exist add-bond br0 bond0 a c" but bond0 actually has interface(s) a, b' \
    vs --may-exist add-bond br0 bond0 a c
check "--may-exist add-bond with the same interfaces in another order" \
    vs --may-exist add-bond br0 bond0 b a
check "--fake-iface add-bond on a fake bridge, with a setting" \
    vs --fake-iface add-bond fb1 bond1 c d lacp=active
check_output "the bond's columns" "true
active
10" uvs-vsctl get Port bond1 bond_fake_iface lacp tag
check_error "add-bond interface name taken by a port" \
    "uvs-vsctl: cannot create an interface named p1 because a port named p1 already exists on bridge fb1" \
    vs add-bond br0 b3 p1 y

# --- Membership of ports in real and fake bridges, as ovs-vsctl assigns it.
check_output "list-ports br0: neither fake bridges nor their VLAN's ports" "bond0" \
    uvs-vsctl list-ports br0
check_output "list-ports fb1: the ports tagged with its VLAN" "bond1
p1
p2" uvs-vsctl list-ports fb1
check_output "list-ifaces" "a
b
c
d
p1
p2" uvs-vsctl list-ifaces br0 -- list-ifaces fb1
check_output "port-to-br and iface-to-br" "fb1
fb1
br0
fb1" uvs-vsctl port-to-br p1 -- port-to-br bond1 -- iface-to-br a -- iface-to-br c
check_error "del-port through the parent of a fake bridge" \
    "uvs-vsctl: bridge br0 does not have a port p2 (although its child bridge fb1 does)" \
    vs del-port br0 p2
check_error "set-controller on a fake bridge says which bridge to configure" \
    "uvs-vsctl: fb1 is a fake bridge (VLAN 10 of bridge br0): configure br0 instead" \
    vs set-controller fb1 tcp:127.0.0.1:6653
check_output "get-controller on a fake bridge reads its parent's" "tcp:127.0.0.1:6653" \
    sh -c 'uvs-vsctl --no-wait set-controller br0 tcp:127.0.0.1:6653 &&
           uvs-vsctl get-controller fb1'

# --- Bridge external IDs: Bridge.external_ids, or the fake bridge Port's with a prefix.
check "br-set-external-id on real and fake bridges" \
    vs br-set-external-id br0 k v -- br-set-external-id fb1 a b -- br-set-external-id fb1 c d
check_output "br-get-external-id lists KEY=VALUE" "k=v
a=b
c=d" uvs-vsctl br-get-external-id br0 -- br-get-external-id fb1
check_output "a fake bridge's IDs live on its Port as fake-bridge-KEY" \
    "{fake-bridge-a=b, fake-bridge-c=d}" uvs-vsctl get Port fb1 external_ids
check_output "br-get-external-id KEY, and of a missing key (nothing)" "b" \
    uvs-vsctl br-get-external-id fb1 a -- br-get-external-id fb1 nokey
check "br-set-external-id without VALUE removes the key" vs br-set-external-id fb1 a
check_output "so only c is left" "c=d" uvs-vsctl br-get-external-id fb1

# --- show with fake bridges, bonds, a controller and an interface error.
check "set Interface a error, Controller is_connected (as uvs-vswitchd reports them)" \
    vs set Interface a 'error="could not open network device a (No such device)"' \
    -- set Controller br0 is_connected=true
# show prints rows in UUID order (as ovs-vsctl does); sort sibling blocks by name to compare.
SORT_SHOW_PY='
import sys
lines = sys.stdin.read().splitlines()
def indent(i):
    return len(lines[i]) - len(lines[i].lstrip(" "))
def render(start, end):
    groups, i = [], start
    while i < end:
        j = i + 1
        while j < end and indent(j) > indent(i):
            j += 1
        groups.append((lines[i], render(i + 1, j)))
        i = j
    named = [g for g in groups if g[0].split()[0] in ("Bridge", "Port", "Interface")]
    other = [g for g in groups if g not in named]
    return [line for head, body in other + sorted(named) for line in [head] + body]
print("\n".join(render(0, len(lines))))
'
# shellcheck disable=SC2317  # called through check_output
sorted_show() {
    uvs-vsctl show | python3 -c "$SORT_SHOW_PY"
}
check_output "show" "$ovs_uuid
    Bridge br0
        Controller \"tcp:127.0.0.1:6653\"
            is_connected: true
        Port bond0
            Interface a
                error: \"could not open network device a (No such device)\"
            Interface b
        Port bond1
            tag: 10
            Interface c
            Interface d
        Port br0
            Interface br0
                type: internal
        Port fb1
            tag: 10
            Interface fb1
                type: internal
        Port p1
            tag: 10
            Interface p1
        Port p2
            tag: 10
            Interface p2" sorted_show

# --- Deleting a fake bridge deletes its VLAN's ports, not the parent's others.
check "del-br fb1" vs del-br fb1
check_output "br0 keeps bond0 only" "br0
bond0" uvs-vsctl list-br -- list-ports br0
# shellcheck disable=SC2317  # called through check_output
port_names() {
    uvs-vsctl --bare --columns=name list Port | grep . | sort | tr '\n' ' '
}
check_output "the fake bridge's Port rows are gone" "bond0 br0 " port_names
check "add-br fb1 br0 10 -- add-port fb1 q1" vs add-br fb1 br0 10 -- add-port fb1 q1
check "del-br of the parent" vs del-br br0
check_output "takes its fake bridges with it" "" uvs-vsctl list-br
check_output "and every port" "" port_names

# --- SSL.
check_output "get-ssl without SSL prints nothing" "" uvs-vsctl get-ssl
check "set-ssl" vs set-ssl /etc/uvs/key.pem /etc/uvs/cert.pem /etc/uvs/ca.pem
check_output "get-ssl" "Private key: /etc/uvs/key.pem
Certificate: /etc/uvs/cert.pem
CA Certificate: /etc/uvs/ca.pem
Bootstrap: false" uvs-vsctl get-ssl
check "--bootstrap set-ssl replaces the SSL row" vs -- --bootstrap set-ssl /k2 /c2 /ca2
check_output "one SSL row, bootstrapping" 'true
"/ca2"' uvs-vsctl get SSL . bootstrap_ca_cert ca_cert
check "del-ssl" vs del-ssl
check_output "no SSL row left" "" uvs-vsctl list SSL -- get-ssl

# --- emer-reset.
check "a configured switch" \
    vs add-br br1 -- set-manager ptcp:6640 -- set-controller br1 tcp:127.0.0.1:6653 \
    -- set-fail-mode br1 secure \
    -- set Bridge br1 other_config:hwaddr=00:11:22:33:44:55 other_config:x=y flood_vlans=1,2 \
    -- set-ssl a b c -- set Port br1 other_config:q=r \
    -- --id=@m create Mirror name=m0 select_all=true -- set Bridge br1 mirrors=@m
check "emer-reset" vs emer-reset
check_output "bridge keeps only other_config:hwaddr; no fail_mode, controller, mirrors" \
    '{hwaddr="00:11:22:33:44:55"}
[]
[]
[]
[]' uvs-vsctl get Bridge br1 other_config flood_vlans fail_mode controller mirrors
# shellcheck disable=SC2317  # called through check_output
count_rows() {
    local table
    for table in "$@"; do
        printf '%s=%s ' "$table" "$(uvs-vsctl --bare --columns=_uuid list "$table" | grep -c .)"
    done
}
check_output "no Manager, Controller, Mirror or SSL rows left" \
    "Manager=0 Controller=0 Mirror=0 SSL=0 " count_rows Manager Controller Mirror SSL
check_output "Port other_config cleared" "{}" uvs-vsctl get Port br1 other_config
check_output "the bridge and its port are still there" "br1" uvs-vsctl list-br

# --- Controllers, fail mode and managers: set, get, delete.
check "set-controller with two targets, set-fail-mode, set-manager with two targets" \
    vs set-controller br1 tcp:127.0.0.1:6653 ptcp:6654 -- set-fail-mode br1 secure \
    -- set-manager ptcp:6640 punix:/tmp/m.sock
check_output "their getters (targets sorted)" "ptcp:6654
tcp:127.0.0.1:6653
secure
ptcp:6640
punix:/tmp/m.sock" uvs-vsctl get-controller br1 -- get-fail-mode br1 -- get-manager
check "set-controller replaces the list" vs set-controller br1 tcp:127.0.0.2:6653
check_output "one Controller row left" "tcp:127.0.0.2:6653" \
    sh -c 'uvs-vsctl get-controller br1 && uvs-vsctl --bare --columns=target list Controller | grep -c . | grep -qx 1'
check_error "set-fail-mode with a bad mode" \
    'uvs-vsctl: fail-mode must be "standalone" or "secure" (got "open")' vs set-fail-mode br1 open
check "del-controller, del-fail-mode, del-manager" \
    vs del-controller br1 -- del-fail-mode br1 -- del-manager
check_output "all gone, with their rows" "Controller=0 Manager=0 " count_rows Controller Manager
check_output "getters print nothing" "" uvs-vsctl get-controller br1 -- get-fail-mode br1 \
    -- get-manager

# --- del-port --with-iface: the port named by one of its interfaces.
check "a bond to delete by an interface name" vs add-bond br1 bond9 e1 e2
check_error "without --with-iface an interface name is not a port" \
    "uvs-vsctl: no port named e2" vs del-port e2
check "--with-iface del-port e2" vs --with-iface del-port e2
check_output "the whole bond went" "" uvs-vsctl list-ports br1
check_error "--with-iface of a name that is neither" \
    "uvs-vsctl: no port or interface named e9" vs --with-iface del-port e9

# --- Short options: -t, -f, -d.
check_output "-t 5 -f csv -d json (a JSON string cell, CSV-quoted)" 'name
"""br1"""' uvs-vsctl -t 5 -f csv -d json --columns=name list Bridge br1

uvs_test_finish
