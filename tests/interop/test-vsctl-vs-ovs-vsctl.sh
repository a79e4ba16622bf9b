#!/bin/bash
# Interop: Debian's ovs-vsctl (openvswitch-switch, OVS 3.1) and uvs-vsctl against one uvsdb-server.
#
#  1. The same command sequence (bridges, fake bridges, bonds, ports with settings, controllers,
#     managers, SSL, database commands, --id=@name chains, failing commands) runs once with each
#     tool, from the same empty configuration. Each command's exit status and stdout must be the
#     same, and so must the resulting database (every table listed, records in name order, UUIDs
#     masked since each run creates its own). Error wording (stderr) is not compared: uvs-vsctl's
#     messages say more.
#  2. On the configuration either tool built, every read command (show, list/find/get in every
#     --format and --data, list-br/list-ports/...) prints the same text with both tools. `show` is
#     compared as printed; list/find records are sorted first, because ovs-vsctl prints rows in
#     its hash-table order and uvs-vsctl in UUID order.
#  3. wait-until in each tool sees a change the other one makes.
#
# Both run with --no-wait: there is no uvs-vswitchd here. Needs no root.
# shellcheck disable=SC2086  # $OVS and $UVS are command lines, split on purpose
. "$(dirname "$0")/../integration/common.sh"
command -v ovs-vsctl >/dev/null ||
    uvs_test_skip "ovs-vsctl not installed (scripts/setup installs openvswitch-switch)"
uvs_test_init vsctl-vs-ovs

check "uvsdb-server starts" uvs_start_db || uvs_test_finish
DB=unix:$UVS_RUNDIR/db.sock
OVS="ovs-vsctl --db=$DB --no-wait --timeout=10"
UVS="uvs-vsctl --db=$DB --no-wait --timeout=10"
check "ovs-vsctl can talk to uvsdb-server" $OVS show || uvs_test_finish

# Masks UUIDs.
mask() {
    sed -E 's/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/<uuid>/g'
}

# Sorts blank-line separated records (list format), or the lines after the two heading lines
# (table format) — so that row order does not matter.
SORT_RECORDS_PY='
import sys
text = sys.stdin.read()
mode = sys.argv[1]
if mode == "records":
    recs = [r for r in text.strip("\n").split("\n\n") if r]
    print("\n\n".join(sorted(recs)))
elif mode in ("table", "csv"):
    lines = text.splitlines()
    n = 2 if mode == "table" else 1
    print("\n".join(lines[:n] + sorted(lines[n:])))
elif mode == "lines":
    print("\n".join(sorted(text.splitlines())))
elif mode == "json":
    import json
    j = json.loads(text)
    j["data"].sort(key=lambda r: json.dumps(r))
    print(json.dumps(j, sort_keys=True))
'

# The whole configuration, tool-independent: every table, records sorted, UUIDs masked.
TABLES="Open_vSwitch Bridge Port Interface Controller Manager SSL Mirror QoS Queue Flow_Table"
# shellcheck disable=SC2317  # called through check_output
dump_config() {
    local t
    for t in $TABLES; do
        echo "== $t"
        $UVS --columns="$(columns_of "$t")" list "$t" | mask | python3 -c "$SORT_RECORDS_PY" records
    done
}
# All columns but _uuid and the ones the runs set differently (next_cfg counts transactions).
columns_of() {
    $UVS --format=table list "$1" | head -n 1 | tr ' ' '\n' | grep . |
        grep -v -e '^_uuid$' -e '^next_cfg$' | paste -sd, -
}

# Removes everything the sequence creates, back to an empty Open_vSwitch row.
reset_config() {
    local br
    for br in $($UVS --real list-br); do
        $UVS del-br "$br"
    done
    # QoS and Queue are root tables: they stay when no port refers to them.
    $UVS del-manager -- del-ssl -- clear Open_vSwitch . external_ids other_config \
        -- --all destroy QoS -- --all destroy Queue
}

SEQUENCE=(
    "add-br br0"
    "add-br br0"
    "--may-exist add-br br0"
    "add-br fb1 br0 10"
    "add-br fb2 fb1 5"
    "add-br fb2 br0 5000"
    "--may-exist add-br fb1 br0 10"
    "--may-exist add-br fb1 br0 11"
    "add-port br0 p1 tag=10"
    "add-port fb1 p2"
    "add-port br0 p3 -- set Interface p3 type=patch options:peer=p1"
    "add-port br0 p4 vlan_mode=trunk trunks=1,2,3"
    "add-port br0 p4"
    "--may-exist add-port br0 p4"
    "add-bond br0 bond0 a b"
    "add-bond br0 b2 x tag=1"
    "--may-exist add-bond br0 bond0 b a"
    "--fake-iface add-bond fb1 bond1 c d lacp=active"
    "add-br br1 -- set Bridge br1 datapath_type=netdev fail_mode=secure protocols=OpenFlow13"
    "set-controller br1 tcp:127.0.0.1:6653"
    "set Controller br1 is_connected=true"
    "get-controller br1"
    "add-br br2 -- set-controller br2 tcp:127.0.0.1:6653 ptcp:6654"
    "set-controller fb1 tcp:127.0.0.1:6653"
    "get-controller br1"
    "set-fail-mode br0 standalone"
    "set-fail-mode br0 bogus"
    "get-fail-mode br0"
    "del-fail-mode br0"
    "set-manager ptcp:6640 punix:/tmp/x.sock"
    "get-manager"
    "set-ssl /k /c /ca"
    "get-ssl"
    "br-set-external-id br0 k v"
    "br-set-external-id fb1 a b"
    "br-get-external-id br0"
    "br-get-external-id fb1"
    "br-get-external-id fb1 a"
    "list-br"
    "--real list-br"
    "--fake list-br"
    "list-ports br0"
    "list-ports fb1"
    "list-ifaces br0"
    "port-to-br p2"
    "port-to-br p9"
    "iface-to-br c"
    "br-to-vlan fb1"
    "br-to-parent fb1"
    "br-exists br9"
    "set Port p1 tag=5000"
    "set Port p4 other_config:x=1 'external_ids:note=\"a, b\"'"
    "add Bridge br0 protocols OpenFlow10 OpenFlow13"
    "remove Bridge br0 protocols OpenFlow10"
    "set Interface a 'error=\"could not open a\"'"
    "set Controller br2 is_connected=true"
    "-- --id=@q create QoS type=linux-htb queues:0=@queue -- --id=@queue create Queue other_config:max-rate=100 -- set Port p4 qos=@q"
    "-- --id=@p get Port p1 -- --id=@m create Mirror name=m0 select_src_port=@p -- add Bridge br0 mirrors @m"
    "clear Port p4 trunks"
    "get Port p4 trunks vlan_mode other_config:x"
    "--if-exists get Port p4 other_config:nokey"
    "get Port p4 other_config:nokey"
    "find Port name=zz"
    "add-port br0 p5 -- del-br br9"
    "show"
    "del-port br0 p2"
    "del-port fb1 p2"
    "--if-exists del-port p9"
    "--with-iface del-port a"
    "del-br fb1"
    "list-br"
)

# run_sequence TOOL OUTFILE — runs SEQUENCE with TOOL, appending "$ cmd", its stdout (UUIDs
# masked; show's blocks sorted) and "rc=N" to OUTFILE.
run_sequence() {
    local tool=$1 out=$2 cmd rc
    : >"$out"
    for cmd in "${SEQUENCE[@]}"; do
        echo "\$ $cmd" >>"$out"
        rc=0
        eval "$tool $cmd" >"$out.cmd" 2>/dev/null || rc=$?
        if [ "${cmd}" = "show" ]; then
            python3 -c "$SORT_SHOW_PY" <"$out.cmd" | mask >>"$out"
        else
            mask <"$out.cmd" >>"$out"
        fi
        echo "rc=$rc" >>"$out"
    done
    rm -f "$out.cmd"
}

# show lists rows in UUID order, and each run has its own UUIDs: sort sibling blocks by name.
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
    named = [g for g in groups if g[0].split()[0] in ("Manager", "Bridge", "Port", "Interface", "Controller")]
    other = [g for g in groups if g not in named]
    return [line for head, body in other + sorted(named) for line in [head] + body]
print("\n".join(render(0, len(lines))))
'

# compare DESC FILE1 FILE2 — passes if the files are equal; shows the diff otherwise.
compare() {
    local desc=$1 a=$2 b=$3 diffout
    diffout=$(_uvs_scratch)
    if diff -u --label ovs-vsctl --label uvs-vsctl "$a" "$b" >"$diffout"; then
        _uvs_pass "$desc"
    else
        _uvs_fail "$desc" "$diffout"
    fi
    rm -f "$diffout"
}

T=$UVS_TEST_DIR
# --- 1. The same sequence with each tool.
run_sequence "$OVS" "$T/seq.ovs"
dump_config >"$T/config.ovs"
# --- 2. Reads on ovs-vsctl's configuration.
READS=(
    "show|plain"
    "list-br|plain"
    "list-ports br0|plain"
    "list-ifaces br0|plain"
    "list Open_vSwitch|records"
    "list Bridge|records"
    "list Port|records"
    "list Interface|records"
    "list Controller|records"
    "list Manager|records"
    "list SSL|records"
    "list QoS|records"
    "list Queue|records"
    "list Mirror|records"
    "--columns=name,tag,trunks,external_ids find Port tag=10|records"
    "--columns=name,tag find Port tag!=10|records"
    "--columns=name,trunks find Port 'trunks{>=}1'|records"
    "--columns=name,trunks find Port 'trunks{not-in}[2,5]'|records"
    "--columns=name,tag find Port 'tag<=10'|records"
    "--columns=name find Port other_config:x=1|records"
    "--columns=name,type,options find Interface type=patch|records"
    "--format=table --columns=name,tag,trunks,interfaces list Port|table"
    "--format=table --no-headings --columns=name,ofport list Interface|lines"
    "--format=csv --columns=name,other_config,external_ids list Port|csv"
    "--format=json --columns=name,tag,trunks,other_config,interfaces list Port|json"
    "--format=html --columns=name list Bridge br0|plain"
    "--format=html --columns=_uuid,name,ports list Bridge br0|plain"
    "--format=html --data=json --columns=_uuid,ports list Bridge br0|plain"
    "--data=json --columns=name,external_ids,protocols list Bridge br0|plain"
    "--bare --columns=name,trunks,interfaces list Port p4|plain"
    "--pretty --format=json --columns=name,protocols list Bridge br0|plain"
    "get Bridge br0 name protocols external_ids:k fail_mode|plain"
    "get Open_vSwitch . bridges|plain"
    "get-manager|plain"
    "get-ssl|plain"
    "br-get-external-id br0|plain"
    "get-controller br1|plain"
    "get-controller br2|plain"
)
# reads TOOL OUTFILE
reads() {
    local tool=$1 out=$2 entry cmd how rc
    : >"$out"
    for entry in "${READS[@]}"; do
        cmd=${entry%|*}
        how=${entry##*|}
        echo "\$ $cmd" >>"$out"
        rc=0
        eval "$tool $cmd" >"$out.cmd" 2>&1 || rc=$?
        if [ "$how" = plain ]; then
            cat "$out.cmd" >>"$out"
        else
            python3 -c "$SORT_RECORDS_PY" "$how" <"$out.cmd" >>"$out"
        fi
        echo "rc=$rc" >>"$out"
    done
    rm -f "$out.cmd"
}
reads "$OVS" "$T/reads1.ovs"
reads "$UVS" "$T/reads1.uvs"
compare "on ovs-vsctl's configuration, both tools read the same (show, list, find, get, formats)" \
    "$T/reads1.ovs" "$T/reads1.uvs"

reset_config
check_output "reset to an empty configuration" "" $UVS list-br
run_sequence "$UVS" "$T/seq.uvs"
dump_config >"$T/config.uvs"
compare "the command sequence: same exit statuses and stdout" "$T/seq.ovs" "$T/seq.uvs"
compare "the command sequence: same resulting database" "$T/config.ovs" "$T/config.uvs"

reads "$OVS" "$T/reads2.ovs"
reads "$UVS" "$T/reads2.uvs"
compare "on uvs-vsctl's configuration, both tools read the same" "$T/reads2.ovs" "$T/reads2.uvs"

# --- 3. wait-until across the tools: each one sees the other's change arrive.
( sleep 0.5; $UVS set Bridge br1 other_config:ready=uvs ) &
setter=$!
check "ovs-vsctl wait-until sees uvs-vsctl's change" \
    $OVS wait-until Bridge br1 other_config:ready=uvs
wait "$setter"
( sleep 0.5; $OVS set Bridge br1 other_config:ready=ovs ) &
setter=$!
check "uvs-vsctl wait-until sees ovs-vsctl's change" \
    $UVS wait-until Bridge br1 other_config:ready=ovs
wait "$setter"

uvs_test_finish
