#!/bin/bash
# test-vsctl.sh — uvs-vsctl against a real uvsdb-server, without uvs-vswitchd: bridge and port
# commands, `show` text, get/set/add/remove/clear/list/find, errors and exit statuses, one
# transaction per invocation, concurrent writers, and --timeout while waiting for cur_cfg.
#
# Everything runs in the temp dir of uvs_test_init (common.sh); the EXIT trap stops the database
# server by pid and removes the dir, also on failure. Needs no root.

HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/integration/common.sh
. "$HERE/common.sh"
uvs_test_init vsctl

vs() {
    uvs-vsctl --no-wait "$@"
}

# check_error DESC STATUS MESSAGE CMD... — CMD exits with STATUS, prints nothing on stdout and
# exactly MESSAGE on stderr.
check_error() {
    local desc=$1 status=$2 message=$3 out err rc=0
    shift 3
    out=$(_uvs_scratch)
    err=$(_uvs_scratch)
    "$@" >"$out" 2>"$err" || rc=$?
    if [ "$rc" -eq "$status" ] && [ ! -s "$out" ] && [ "$(cat "$err")" = "$message" ]; then
        _uvs_pass "$desc"
    else
        {
            printf '$ %s\n(exit status %d, expected %d)\n' "$*" "$rc" "$status"
            echo "expected stderr: $message"
            echo "actual stderr:   $(cat "$err")"
            [ -s "$out" ] && { echo "stdout:"; cat "$out"; }
        } >"$out.cmd"
        _uvs_fail "$desc" "$out.cmd"
    fi
    rm -f "$out" "$err" "$out.cmd"
}

check "uvs-vsctl --version names the program" sh -c 'uvs-vsctl --version | grep -q "^uvs-vsctl "'
check_grep "--help lists add-port" '^  add-port BRIDGE PORT' uvs-vsctl --help

# --- No database yet.
check_error "unreachable database: cause and fix" 1 \
    "uvs-vsctl: unix:$UVS_RUNDIR/db.sock: database connection failed (No such file or directory): is uvsdb-server running? (start it with uvs-ctl start)" \
    uvs-vsctl show
check_error "unknown command" 1 "uvs-vsctl: unknown command 'add-bridge'; use --help for help" \
    uvs-vsctl add-bridge br0
check_error "missing argument" 1 \
    "uvs-vsctl: 'add-port' command requires at least 2 arguments (usage: add-port BRIDGE PORT [COLUMN[:KEY]=VALUE]...)" \
    uvs-vsctl add-port br0

check "database starts (and init creates the Open_vSwitch row)" uvs_start_db || uvs_test_finish

ovs_uuid=$(uvs-vsctl get Open_vSwitch . _uuid)
check_grep "Open_vSwitch . has a UUID" '^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$' echo "$ovs_uuid"
check "init again" vs init
check_output "keeps the one Open_vSwitch row (\".\" needs exactly one)" "$ovs_uuid" \
    uvs-vsctl get Open_vSwitch . _uuid
check_output "list-br on an empty switch" "" uvs-vsctl list-br
check_output "show on an empty switch is just the UUID" "$ovs_uuid" uvs-vsctl show

# --- Bridges.
check "add-br br0" vs add-br br0
check_output "list-br" "br0" uvs-vsctl list-br
check_output "the bridge's local port is not listed" "" uvs-vsctl list-ports br0
check_output "local interface is internal" "internal" uvs-vsctl get Interface br0 type
check_error "add-br of an existing bridge" 1 \
    "uvs-vsctl: cannot create a bridge named br0 because a bridge named br0 already exists" \
    vs add-br br0
check "--may-exist add-br of an existing bridge" vs --may-exist add-br br0
check "br-exists br0" uvs-vsctl br-exists br0
check_error "br-exists of a missing bridge exits 2" 2 "" uvs-vsctl br-exists br9
check "add-br br1 with settings in the same transaction" \
    vs add-br br1 -- set Bridge br1 datapath_type=netdev fail_mode=secure \
    -- set-controller br1 tcp:127.0.0.1:6653
check_output "list-br is sorted" "br0
br1" uvs-vsctl list-br

# --- Ports.
check "add-port with a chained set Interface (DPDK pcap devargs with , and =)" \
    vs add-port br0 p0 -- set Interface p0 type=dpdk \
    "options:dpdk-devargs=net_pcap0,rx_pcap=/tmp/in.pcap,tx_pcap=/tmp/out.pcap"
check "add-port with a Port setting" vs add-port br0 eth1 tag=5
check "add-port with an Interface-only setting" vs add-port br1 vhu0 type=dpdkvhostuser
check_output "list-ports br0" "eth1
p0" uvs-vsctl list-ports br0
check_output "port-to-br" "br1" uvs-vsctl port-to-br vhu0
check_output "get string, map key (quoted: has , and =) and integer" 'dpdk
"net_pcap0,rx_pcap=/tmp/in.pcap,tx_pcap=/tmp/out.pcap"
5' uvs-vsctl get Interface p0 type options:dpdk-devargs -- get Port eth1 tag
check_error "add-port of an existing port" 1 \
    "uvs-vsctl: cannot create a port named p0 because a port named p0 already exists on bridge br0" \
    vs add-port br1 p0
check_error "--may-exist add-port on the wrong bridge" 1 \
    "uvs-vsctl: \"--may-exist add-port br1 p0\" but p0 is actually attached to bridge br0" \
    vs --may-exist add-port br1 p0
check "--may-exist add-port on the right bridge" vs --may-exist add-port br0 p0
check_error "add-port to a missing bridge" 1 "uvs-vsctl: no bridge named br9" vs add-port br9 p9
check "set Interface error (as uvs-vswitchd reports one)" \
    vs set Interface p0 'error="could not open net_pcap0"'

expected_show="$ovs_uuid
    Bridge br0
        Port br0
            Interface br0
                type: internal
        Port eth1
            tag: 5
            Interface eth1
        Port p0
            Interface p0
                type: dpdk
                options: {dpdk-devargs=\"net_pcap0,rx_pcap=/tmp/in.pcap,tx_pcap=/tmp/out.pcap\"}
                error: \"could not open net_pcap0\"
    Bridge br1
        Controller \"tcp:127.0.0.1:6653\"
        fail_mode: secure
        datapath_type: netdev
        Port br1
            Interface br1
                type: internal
        Port vhu0
            Interface vhu0
                type: dpdkvhostuser"
# show lists rows in UUID order, as ovs-vsctl does: sort sibling Bridge/Port/Interface blocks by
# name (keeping other lines first, in order) to compare with a fixed text.
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
check_output "show (layout of ovs-vsctl 3.x)" "$expected_show" sorted_show

# --- Database commands.
check "set a Port column and an Open_vSwitch map key" \
    vs set Port eth1 tag=7 -- set Open_vSwitch . other_config:pmd-cpu-mask=0x6
check_output "get them back" '7
"0x6"' uvs-vsctl get Port eth1 tag -- get Open_vSwitch . other_config:pmd-cpu-mask
check_output "abbreviated table and column names" "7" uvs-vsctl get port eth1 ta
check "add and remove set/map elements, clear" \
    vs add Bridge br0 protocols OpenFlow13 OpenFlow10 -- add Port eth1 trunks 10,20 \
    -- set Bridge br0 external_ids:a=1 external_ids:b=two \
    -- remove Bridge br0 external_ids a -- clear Port eth1 trunks
check_output "their results" '[OpenFlow10, OpenFlow13]
{b=two}
[]' uvs-vsctl get Bridge br0 protocols external_ids -- get Port eth1 trunks
check_output "list with --columns" "name                : p0
type                : dpdk" uvs-vsctl --columns=name,type list Interface p0
check_output "find by column value" "eth1" \
    sh -c 'uvs-vsctl --columns=name find Port tag=7 | sed "s/^name *: //"'
check_output "get --if-exists of a missing map key prints nothing" "" \
    uvs-vsctl --if-exists get Interface p0 options:nokey
check_error "get of a missing map key" 1 \
    'uvs-vsctl: no key "nokey" in Interface record "p0" column options' \
    uvs-vsctl get Interface p0 options:nokey
check_error "misspelt column" 1 \
    'uvs-vsctl: Interface does not contain a column whose name matches "tyep"' \
    vs set Interface p0 tyep=dpdk
check_error "unknown table" 1 'uvs-vsctl: unknown table "Brigde"' uvs-vsctl get Brigde br0 name
check_error "missing record" 1 'uvs-vsctl: no row "br9" in table Bridge' \
    uvs-vsctl get Bridge br9 name
check_error "value out of range" 1 \
    "uvs-vsctl: Port eth1 column tag: constraint violation: 5000 is not in the valid range 0 to 4095 (inclusive)" \
    vs set Port eth1 tag=5000
check_error "value not in the enum" 1 \
    "uvs-vsctl: Bridge br0 column fail_mode: constraint violation: bogus is not one of the allowed values ([secure, standalone])" \
    vs set Bridge br0 fail_mode=bogus
check_error "read-only column" 1 "uvs-vsctl: cannot modify read-only column name in table Bridge" \
    vs set Bridge br0 name=br5

check_grep "create prints the new row's UUID" '^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$' \
    vs create Flow_Table name=t0
check "--id=@name: a mirror referring to existing ports, used before it is created" \
    vs -- set Bridge br0 mirrors=@m -- --id=@e get Port eth1 -- --id=@p get Port p0 \
       -- --id=@m create Mirror name=m0 select-src-port=@e select-dst-port=@e output-port=@p
check_output "the mirror is attached and points at the ports" "m0
$(uvs-vsctl get Port p0 _uuid)" uvs-vsctl get Mirror m0 name output_port
check_error "a referenced but never created row id" 1 \
    'uvs-vsctl: row id "@q" is referenced but never created (e.g. with "-- --id=@q create ...")' \
    vs set Port eth1 qos=@q
check_output "set-fail-mode, set-manager and their getters" "standalone
ptcp:6640" sh -c 'uvs-vsctl --no-wait set-fail-mode br0 standalone -- set-manager ptcp:6640 &&
                  uvs-vsctl get-fail-mode br0 -- get-manager'

# --- One transaction per invocation.
check_fails "a failing command aborts the whole invocation" \
    vs add-br br2 -- add-port br2 x0 -- del-br br9
check_output "so nothing of it was committed" "br0
br1" uvs-vsctl list-br

# --- Deleting.
check "del-port BRIDGE PORT" vs del-port br0 eth1
check_output "list-ports after del-port" "p0" uvs-vsctl list-ports br0
check_output "its Port and Interface rows are gone" "" \
    uvs-vsctl --columns=name find Interface name=eth1
check_error "del-port on the wrong bridge" 1 \
    "uvs-vsctl: bridge br1 does not have a port p0 (it is attached to bridge br0)" \
    vs del-port br1 p0
check_error "del-port of a missing port" 1 "uvs-vsctl: no port named p9" vs del-port p9
check "--if-exists del-port of a missing port" vs --if-exists del-port p9
check "del-br br1" vs del-br br1
check_error "del-br of a missing bridge" 1 "uvs-vsctl: no bridge named br1" vs del-br br1
check "--if-exists del-br of a missing bridge" vs --if-exists del-br br1
# shellcheck disable=SC2317  # called through check_output
interface_names() {
    uvs-vsctl --columns=name list Interface | sed -n 's/^name *: //p' | sort | tr '\n' ' '
}
check_output "br1's ports and interfaces went with it" "br0 p0 " interface_names
check_output "and so did its Controller" "" uvs-vsctl list Controller

# --- Concurrent writers: each retries until its transaction applies on top of the others'.
pids=()
for i in $(seq 1 8); do
    vs add-port br0 "c$i" &
    pids+=($!)
done
ok=0
for pid in "${pids[@]}"; do
    wait "$pid" && ok=$((ok + 1))
done
check_output "8 concurrent add-port all succeed" 8 echo "$ok"
check_output "and all 8 ports are there" 9 sh -c 'uvs-vsctl list-ports br0 | wc -l'

# --- Waiting for uvs-vswitchd (cur_cfg), which does not run here.
next=$(uvs-vsctl get Open_vSwitch . next_cfg)
check_error "--timeout expires while waiting for cur_cfg: exit 142" 142 \
    "uvs-vsctl: timeout waiting for uvs-vswitchd to apply the change (cur_cfg=0, next_cfg=$((next + 1))): is uvs-vswitchd running?" \
    uvs-vsctl --timeout=1 add-br br3
check_output "the change itself was committed" "br0
br3" uvs-vsctl list-br
# Play uvs-vswitchd: report the configuration applied a moment after uvs-vsctl bumps next_cfg.
( sleep 0.5; uvs-vsctl --no-wait set Open_vSwitch . cur_cfg=$((next + 2)) ) &
start=${EPOCHREALTIME/./}
check "waits until cur_cfg reaches next_cfg, then succeeds" uvs-vsctl --timeout=10 add-br br4
elapsed_ms=$(( (${EPOCHREALTIME/./} - start) / 1000 ))
check "it did wait (${elapsed_ms} ms)" test "$elapsed_ms" -ge 400
wait
check_output "read-only commands do not wait" "br0
br3
br4" uvs-vsctl --timeout=2 list-br

uvs_test_finish
