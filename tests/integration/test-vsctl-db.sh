#!/bin/bash
# test-vsctl-db.sh — uvs-vsctl's database commands and output options against a real uvsdb-server:
# every --format and --data layout, --bare/--no-headings/--pretty/--columns, find's relational and
# set operators, create/get --id=@name chains, destroy --all, wait-until, --retry, --dry-run,
# --oneline, and errors that leave nothing half-applied. Expected texts are what ovs-vsctl 3.1
# prints for the same commands (tests/interop/test-vsctl-vs-ovs-vsctl.sh compares live).
#
# Everything runs in the temp dir of uvs_test_init (common.sh); the EXIT trap stops the server and
# removes the dir, also on failure. Needs no root.

HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/integration/common.sh
. "$HERE/common.sh"
uvs_test_init vsctl-db

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

# --retry: started before the server exists, connects once it is up.
# shellcheck disable=SC2119  # uvs_start_db takes no arguments here
( sleep 0.5; uvs_start_db >/dev/null 2>&1 ) &
starter=$!
check "--retry waits for the server to come up" uvs-vsctl --retry --timeout=20 --no-wait init
wait "$starter"
# The server was started in a subshell: record it here too, for the cleanup.
_uvs_record_daemon "$UVS_RUNDIR/uvsdb-server.pid"
check_error "without --retry, a missing server is an error at once" \
    "uvs-vsctl: unix:/nonexistent/db.sock: database connection failed (No such file or directory): is uvsdb-server running? (start it with uvs-ctl start)" \
    uvs-vsctl --db=unix:/nonexistent/db.sock show

check "three ports" vs add-br br0 -- add-port br0 p1 tag=10 trunks=1,2,3 \
    -- add-port br0 p2 tag=10 trunks=2 other_config:x=1 -- add-port br0 p3 \
    -- set Port p1 'external_ids:note="a, b"'

# --- Output formats of list/find (one record, so the row order does not matter).
check_output "--format=list (default)" 'name                : p1
tag                 : 10
trunks              : [1, 2, 3]
external_ids        : {note="a, b"}' uvs-vsctl --columns=name,tag,trunks,external_ids list Port p1
check_output "--format=table" 'name tag trunks    external_ids
---- --- --------- -------------
p1   10  [1, 2, 3] {note="a, b"}' \
    uvs-vsctl -f table --columns=name,tag,trunks,external_ids list Port p1
check_output "--format=table --no-headings" "p1 10 [1, 2, 3]" \
    uvs-vsctl --format=table --no-headings --columns=name,tag,trunks list Port p1
check_output "--format=csv (cells with , or \" are quoted)" 'name,tag,trunks,external_ids
p1,10,"[1, 2, 3]","{note=""a, b""}"' \
    uvs-vsctl --format=csv --columns=name,tag,trunks,external_ids list Port p1
check_output "--format=json: RFC 7047 cells" \
    '{"data":[["p1",10,["set",[1,2,3]],["map",[["note","a, b"]]]]],"headings":["name","tag","trunks","external_ids"]}' \
    uvs-vsctl --format=json --columns=name,tag,trunks,external_ids list Port p1
check_output "--format=json ignores --data" \
    '{"data":[["p1",["set",[1,2,3]]]],"headings":["name","trunks"]}' \
    uvs-vsctl --format=json --data=bare --columns=name,trunks list Port p1
check_output "--format=json --pretty" '{
  "data": [
    [
      "p1",
      [
        "set",
        [
          1,
          2,
          3]]]],
  "headings": [
    "name",
    "trunks"]}' uvs-vsctl --format=json --pretty --columns=name,trunks list Port p1
check_output "--format=html" '<table border=1>
  <tr>
    <th>name</th>
    <th>external_ids</th>
  </tr>
  <tr>
    <td>p1</td>
    <td>{note=&quot;a, b&quot;}</td>
  </tr>
</table>' uvs-vsctl --format=html --columns=name,external_ids list Port p1
p1_uuid=$(uvs-vsctl get Port p1 _uuid)
i1_uuid=$(uvs-vsctl get Port p1 interfaces | tr -d '[]')
check_output "--format=html: the _uuid cell is an anchor, other UUIDs link to it" \
    "<table border=1>
  <tr>
    <td><a name=\"$p1_uuid\">${p1_uuid:0:8}</a></td>
    <td>[<a href=\"#$i1_uuid\">${i1_uuid:0:8}</a>]</td>
  </tr>
</table>" uvs-vsctl --format=html --no-headings --columns=_uuid,interfaces list Port p1
check_output "--data=json" 'name                : "p1"
trunks              : ["set",[1,2,3]]
external_ids        : ["map",[["note","a, b"]]]' \
    uvs-vsctl --data=json --columns=name,trunks,external_ids list Port p1
check_output "--data=bare" 'name                : p1
trunks              : 1 2 3
external_ids        : note=a, b' uvs-vsctl --data=bare --columns=name,trunks,external_ids list Port p1
check_output "--bare: values only, one per line" "p1
1 2 3" uvs-vsctl --bare --columns=name,trunks list Port p1
check_output "--bare then --format=table" "p1 1 2 3" \
    uvs-vsctl --bare --format=table --columns=name,trunks list Port p1
check_output "_uuid column" "$(uvs-vsctl get Port p1 _uuid),p1" \
    uvs-vsctl -f csv --no-headings --columns=_uuid,name list Port p1
check_output "an empty find in table format still has its headings" "name
----" uvs-vsctl -f table --columns=name find Port name=nobody
check_output "consecutive outputs are separated by one blank line" "name                : p1

name                : p2" uvs-vsctl --columns=name list Port p1 -- --columns=name list Port p2
check_output "--oneline: one line per command, newlines as \\n" \
    'name                : p1\ntag                 : 10
br0' uvs-vsctl --oneline --columns=name,tag list Port p1 -- list-br
check_error "unknown --format" \
    'uvs-vsctl: unknown output format "yaml" (expected list, table, html, csv or json)' \
    uvs-vsctl --format=yaml list Port
check_error "--columns= without a column" \
    "uvs-vsctl: --columns=: must specify at least one column name (e.g. --columns=name,_uuid)" \
    uvs-vsctl --columns= list Port
check_error "unknown --data" \
    'uvs-vsctl: unknown data format "xml" (expected string, bare or json)' \
    uvs-vsctl --data=xml list Port

# --- find: relational operators compare whole values (a set first by size), braced ones are
# set relations; a missing map key matches only set operators.
# shellcheck disable=SC2317  # called through check_output
found() {
    uvs-vsctl --bare --columns=name find Port "$@" | grep . | sort | tr '\n' ' '
}
check_output "find tag=10" "p1 p2 " found tag=10
check_output "find tag!=10 (an empty tag is not 10)" "br0 p3 " found 'tag!=10'
check_output "find tag<11 (the empty set sorts first)" "br0 p1 p2 p3 " found 'tag<11'
check_output "find tag>9" "p1 p2 " found 'tag>9'
check_output "find tag<=10, tag>=11" "br0 p1 p2 p3 |" \
    sh -c "$(declare -f found); echo \"\$(found 'tag<=10')|\$(found 'tag>=11')\""
check_output "find trunks<3 (size first: [1,2,3] > [3])" "br0 p2 p3 " found 'trunks<3'
check_output "find name<p (strings)" "br0 " found 'name<p'
check_output "find trunks{=}2 and trunks{!=}2" "p2 |br0 p1 p3 " \
    sh -c "$(declare -f found); echo \"\$(found 'trunks{=}2')|\$(found 'trunks{!=}2')\""
check_output "find trunks{<}[1,2,3] (strict subsets)" "br0 p2 p3 " found 'trunks{<}[1,2,3]'
check_output "find trunks{<=}[1,2,3] (subsets)" "br0 p1 p2 p3 " found 'trunks{<=}[1,2,3]'
check_output "find trunks{>}2 (strict supersets)" "p1 " found 'trunks{>}2'
check_output "find trunks{>=}2 (supersets)" "p1 p2 " found 'trunks{>=}2'
check_output "find other_config:x=1" "p2 " found other_config:x=1
check_output "find other_config:x!=1 (a missing key never matches =, !=, <...)" "" \
    found 'other_config:x!=1'
check_output "find other_config:x{=}[] (but does match set operators)" "br0 p1 p3 " \
    found 'other_config:x{=}[]'
check_output "find other_config{>=}{x=1} (map superset)" "p2 " found 'other_config{>=}{x=1}'
check_output "find with two conditions (and)" "p2 " found tag=10 'trunks{<=}[2]'
check_output "find trunks{in}[1,2,3,4] (same as {<=})" "br0 p1 p2 p3 " found 'trunks{in}[1,2,3,4]'
check_output "find trunks{not-in}[3,4] (no element in common)" "br0 p2 p3 " \
    found 'trunks{not-in}[3,4]'
check_error "find without an operator says which ones exist" \
    "uvs-vsctl: tag: missing operator and value (expected COLUMN[:KEY]OP VALUE with OP one of = != < > <= >= {=} {!=} {<} {>} {<=} {>=} {in} {not-in})" \
    uvs-vsctl find Port tag

# --- Integer ranges in set values, as ovs-vsctl accepts them.
check "set trunks=1-3,7,9-10" vs set Port p3 trunks=1-3,7,9-10
check_output "expands the ranges" "[1, 2, 3, 7, 9, 10]" uvs-vsctl get Port p3 trunks
check "add and remove ranges" vs add Port p3 trunks 20-22 -- remove Port p3 trunks 2-9
check_output "their result" "[1, 10, 20, 21, 22]" uvs-vsctl get Port p3 trunks
check_error "a backwards range" \
    'uvs-vsctl: Port p3 column trunks: "5-1" is not a valid range: the end comes before the start' \
    vs set Port p3 trunks=5-1
check_error "a range beyond the column's constraint" \
    "uvs-vsctl: Port p3 column trunks: constraint violation: 5000 is not in the valid range 0 to 4095 (inclusive)" \
    vs set Port p3 trunks=1-5000
check_error "a range in a column of at most one value" \
    "uvs-vsctl: Port p3 column tag: 3-4: 2 values specified but the maximum number is 1" \
    vs set Port p3 tag=3-4
check "back to no trunks" vs clear Port p3 trunks

# --- create/get --id=@name chains, destroy.
check "--id=@name create referenced by an earlier command; get --id=@name" \
    vs -- set Port p1 qos=@q -- --id=@p3 get Port p3 \
    -- --id=@q create QoS type=linux-htb queues:0=@queue \
    -- --id=@queue create Queue other_config:max-rate=1000000 \
    -- --id=@m create Mirror name=m1 select_src_port=@p3 -- add Bridge br0 mirrors @m
# shellcheck disable=SC2016  # expanded by the inner shell
check_output "the QoS row hangs off p1 and references the new queue" 'linux-htb
{max-rate="1000000"}' sh -c 'uvs-vsctl get QoS "$(uvs-vsctl get Port p1 qos)" type &&
    uvs-vsctl get Queue "$(uvs-vsctl get QoS "$(uvs-vsctl get Port p1 qos)" queues:0)" other_config'
check_output "get --id=@name referred to the existing row" "[$(uvs-vsctl get Port p3 _uuid)]" \
    uvs-vsctl get Mirror m1 select_src_port
check_error "--id=@name twice" 'uvs-vsctl: row id "@a" may only be specified on one --id option' \
    vs -- --id=@a create Queue -- --id=@a create Queue
check "a second mirror" vs -- --id=@m create Mirror name=m2 select_all=true \
    -- add Bridge br0 mirrors @m
# shellcheck disable=SC2317  # called through check_output
count_mirrors() {
    uvs-vsctl --bare --columns=name list Mirror | grep -c . || true
}
check_output "two Mirror rows" "2" count_mirrors
# shellcheck disable=SC2317  # called through check_grep
fails_with_stderr() {
    # shellcheck disable=SC2069  # stderr to the pipe, stdout dropped: intended
    ! "$@" 2>&1 >/dev/null
}
check_grep "--all destroy of rows still referenced: the server says why" \
    "^uvs-vsctl: transaction error: referential integrity violation: .*$(uvs-vsctl get Mirror m1 _uuid)" \
    fails_with_stderr uvs-vsctl --no-wait --all destroy Mirror \
    -- remove Bridge br0 mirrors "$(uvs-vsctl get Mirror m2 _uuid)"
check_output "still two Mirror rows" "2" count_mirrors
check "--all destroy after clearing the references, in the same transaction" \
    vs clear Bridge br0 mirrors -- --all destroy Mirror
check_output "no Mirror rows left" "0" count_mirrors
check "destroy --if-exists of a missing record" vs --if-exists destroy Flow_Table t9
check_error "destroy of a missing record" 'uvs-vsctl: no row "t9" in table Flow_Table' \
    vs destroy Flow_Table t9

# --- get.
check_output "get --if-exists of a missing record prints nothing" "" \
    uvs-vsctl --if-exists get Port nosuch tag
check_output "get map key and whole columns" '"1"
[2]' uvs-vsctl get Port p2 other_config:x trunks

# --- Errors name the record, the column and the reason; nothing is half-applied.
check_error "bad integer" \
    'uvs-vsctl: Port p3 column tag: "ten" is not a valid integer' vs set Port p3 tag=ten
check_error "bad enum value in add-port setting" \
    "uvs-vsctl: Port p9 column vlan_mode: constraint violation: bogus is not one of the allowed values ([access, dot1q-tunnel, native-tagged, native-untagged, trunk])" \
    vs add-port br0 p9 vlan_mode=bogus
check_output "the failed add-port left no port behind" "p1
p2
p3" uvs-vsctl list-ports br0
check_fails "a chain whose last command fails" vs add-port br0 p4 -- set Port p1 tag=4096
check_output "commits none of its commands" "p1
p2
p3
10" sh -c 'uvs-vsctl list-ports br0 && uvs-vsctl get Port p1 tag'

# --- --dry-run computes but commits nothing.
check "--dry-run add-port" uvs-vsctl --dry-run add-port br0 p5
check_output "nothing committed" "p1
p2
p3" uvs-vsctl list-ports br0

# --- wait-until.
( sleep 0.5; uvs-vsctl --no-wait set Bridge br0 other_config:ready=yes ) &
setter=$!
start=${EPOCHREALTIME/./}
check_output "wait-until blocks until the condition holds, then runs the rest" "yes" \
    uvs-vsctl --timeout=10 wait-until Bridge br0 other_config:ready=yes \
    -- get Bridge br0 other_config:ready
elapsed_ms=$(( (${EPOCHREALTIME/./} - start) / 1000 ))
check "it did wait (${elapsed_ms} ms)" test "$elapsed_ms" -ge 400
wait "$setter"
( sleep 0.3; uvs-vsctl --no-wait add-br br7 ) &
setter=$!
check "wait-until a record that does not exist yet" \
    uvs-vsctl --timeout=10 wait-until Bridge br7
wait "$setter"
check "wait-until with an operator, already true" \
    uvs-vsctl --timeout=5 wait-until Port p1 'trunks{>=}[1,2]' 'tag<11'
rc=0
err=$(uvs-vsctl --timeout=1 wait-until Bridge br0 other_config:ready=no 2>&1) || rc=$?
check_output "wait-until gives up at --timeout: exit 142 and says why" \
    "142 uvs-vsctl: timeout after 1 seconds: the wait-until condition did not become true" \
    echo "$rc $err"

uvs_test_finish
