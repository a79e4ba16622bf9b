#!/bin/bash
# Interop: Debian's real ovsdb-client (openvswitch-common, OVS 3.1) against uvsdb-server:
# list-dbs, get-schema, transact, dump, monitor (update), monitor-cond (monitor_cond + update2, with
# a condition and set/map diffs), lock/steal, and backup (its file read back by uvsdb-tool).
. "$(dirname "$0")/../integration/common.sh"
command -v ovsdb-client >/dev/null \
    || uvs_test_skip "ovsdb-client not installed (scripts/setup installs openvswitch-common)"
uvs_test_init ovsdb-client

check "uvsdb-server starts" uvs_start_db || uvs_test_finish
DB=unix:$UVS_RUNDIR/db.sock
oc() { timeout 10 ovsdb-client --timeout=5 "$@"; }
T=$UVS_TEST_DIR

check_output "list-dbs lists Open_vSwitch and _Server" "Open_vSwitch
_Server" oc list-dbs "$DB"
check "get-schema is our schema" bash -c "
    ovsdb-client --timeout=5 get-schema $DB Open_vSwitch > $T/schema.json &&
    python3 -c 'import json,sys; a=json.load(open(sys.argv[1])); b=json.load(open(sys.argv[2]));
sys.exit(0 if a[\"version\"] == b[\"version\"] and sorted(a[\"tables\"]) == sorted(b[\"tables\"]) else 1)' \
        $T/schema.json $UVS_PKGDATADIR/vswitch.ovsschema"
check_grep "get-schema _Server has the Database table" '"Database"' oc get-schema "$DB" _Server
check_grep "dump _Server shows our database as standalone" 'Open_vSwitch.*standalone|standalone.*Open_vSwitch' \
    oc dump "$DB" _Server Database name model

# Start the monitors before the changes.
timeout 20 ovsdb-client monitor "$DB" Open_vSwitch Bridge name,other_config >"$T/mon1" 2>&1 &
M1=$!
timeout 20 ovsdb-client monitor-cond "$DB" Open_vSwitch '[["name","==","brc"]]' \
    Bridge name,other_config,flood_vlans >"$T/mon2" 2>&1 &
M2=$!
UVS_TEST_PIDS+=("$M1" "$M2")
check "both monitors registered (uvs-appctl memory/show)" wait_until 5 \
    bash -c "uvs-appctl -t uvsdb-server memory/show | grep -q ' monitors:2 '"

check_grep "transact inserts (uuid-name, refs)" '"uuid"' oc transact "$DB" '["Open_vSwitch",
  {"op":"update","table":"Open_vSwitch","where":[],"row":{"bridges":["set",[["named-uuid","a"],["named-uuid","c"]]]}},
  {"op":"insert","table":"Bridge","uuid-name":"a","row":{"name":"bra"}},
  {"op":"insert","table":"Bridge","uuid-name":"c","row":{"name":"brc","other_config":["map",[["k","1"],["j","2"]]],"flood_vlans":["set",[1,2]]}}]'
check_grep "transact: error objects as RFC 7047 names them" '"error":"constraint violation"' \
    oc transact "$DB" '["Open_vSwitch",{"op":"update","table":"Bridge","where":[],"row":{"flood_vlans":5000}}]'
check_grep "transact: unknown database" 'unknown database' \
    bash -c "ovsdb-client --timeout=5 transact $DB '[\"Nope\",{\"op\":\"comment\",\"comment\":\"x\"}]' 2>&1; true"
check "transact modifies the watched bridge" oc transact "$DB" '["Open_vSwitch",
  {"op":"mutate","table":"Bridge","where":[["name","==","brc"]],"mutations":[["other_config","insert",["map",[["m","3"]]]],["other_config","delete",["set",["j"]]],["flood_vlans","insert",["set",[3]]]]},
  {"op":"update","table":"Bridge","where":[["name","==","bra"]],"row":{"other_config":["map",[["z","9"]]]}}]'

check "monitor sees both inserts" wait_until 5 bash -c "grep -q 'insert.*bra' $T/mon1 && grep -q 'insert.*brc' $T/mon1"
check "monitor sees the modify (old and new)" wait_until 5 grep -q 'new .*brc.*m="3"' "$T/mon1"
check "monitor-cond sees brc's insert" wait_until 5 grep -q 'insert.*brc' "$T/mon2"
check_fails "monitor-cond does not report bra (outside the condition)" grep -q 'bra' "$T/mon2"
# update2 sends a diff: the map keys added/removed and the set element toggled.
check "monitor-cond sees the diff" wait_until 5 grep -Eq 'modify.*\{j="2", m="3"\}.*3' "$T/mon2"

check_grep "dump shows the bridges" ' brc +\[\] +\{k="1", m="3"\}' oc dump "$DB" Open_vSwitch Bridge
check "dump of every table" bash -c "ovsdb-client --timeout=5 dump $DB > $T/dump && grep -q '^Bridge table' $T/dump && grep -q '^Interface table' $T/dump"

check_grep "ovsdb-client lock gets the lock" 'locked' bash -c "timeout 2 ovsdb-client lock $DB L1; true"
check "backup" bash -c "ovsdb-client --timeout=5 backup $DB Open_vSwitch > $T/backup.db"
check_grep "uvsdb-tool reads ovsdb-client's backup" '"brc"' \
    uvsdb-tool query "$T/backup.db" '["Open_vSwitch",{"op":"select","table":"Bridge","where":[],"columns":["name"]}]'
# uvsdb-client prints what ovsdb-client prints, byte for byte, for the same server and contents.
uvs-vsctl --no-wait add-br br-ex -- add-port br-ex eth10 -- set port eth10 tag=7 trunks=1,2,10 >/dev/null
for args in "" "Open_vSwitch Bridge name" "Open_vSwitch Interface type name" "Open_vSwitch Port name tag trunks"; do
    for fmt in table csv json; do
        # shellcheck disable=SC2086
        check_output "uvsdb-client dump --format=$fmt ${args:-(all tables)} = ovsdb-client's" \
            "$(ovsdb-client --timeout=5 dump --format=$fmt "$DB" $args)" \
            uvsdb-client --timeout=5 dump --format=$fmt "$DB" $args
    done
done
check "uvsdb-client backup" bash -c "uvsdb-client --timeout=5 backup $DB > $T/ubackup.db"
check_output "OVS's ovsdb-tool reads uvsdb-client's backup" \
    "$(uvsdb-tool schema-version "$UVS_PKGDATADIR/vswitch.ovsschema")" ovsdb-tool db-version "$T/ubackup.db"
check_output "a server on the backup holds the same Bridge rows" \
    "$(ovsdb-client --timeout=5 dump --format=csv "$DB" Open_vSwitch Bridge _uuid name ports | tail -n +3)" \
    bash -c "uvsdb-server $T/ubackup.db --remote=punix:$T/b.sock --unixctl=$T/b.ctl --pidfile=$T/b.pid --detach --no-chdir --log-file=$T/b.log &&
             uvsdb-client --timeout=5 dump --format=csv unix:$T/b.sock Bridge _uuid name ports | tail -n +3; uvs-appctl --target=$T/b.ctl exit >/dev/null"
# uvsdb-client monitor prints what ovsdb-client monitor prints (one row per update, so the order
# within an update cannot differ).
timeout 20 ovsdb-client monitor "$DB" Open_vSwitch Queue dscp,external_ids >"$T/qmon-ovs" 2>/dev/null &
UVS_TEST_PIDS+=($!)
timeout 20 uvsdb-client monitor "$DB" Open_vSwitch Queue dscp,external_ids >"$T/qmon-uvs" 2>/dev/null &
UVS_TEST_PIDS+=($!)
wait_until 5 bash -c "uvs-appctl -t uvsdb-server memory/show | grep -q ' monitors:4 '"
qid=$(oc transact "$DB" '["Open_vSwitch",{"op":"insert","table":"Queue","row":{"dscp":5,"external_ids":["map",[["a","1"]]]}}]' \
      | grep -o '[0-9a-f]\{8\}-[0-9a-f-]\{27\}')
oc transact "$DB" "[\"Open_vSwitch\",{\"op\":\"update\",\"table\":\"Queue\",\"where\":[[\"_uuid\",\"==\",[\"uuid\",\"$qid\"]]],\"row\":{\"dscp\":7,\"external_ids\":[\"map\",[[\"a\",\"2\"],[\"b\",\"x y\"]]]}}]" >/dev/null
oc transact "$DB" "[\"Open_vSwitch\",{\"op\":\"delete\",\"table\":\"Queue\",\"where\":[[\"_uuid\",\"==\",[\"uuid\",\"$qid\"]]]}]" >/dev/null
check "both monitors saw the delete" wait_until 5 bash -c "grep -q delete $T/qmon-ovs && grep -q delete $T/qmon-uvs"
check_output "uvsdb-client monitor output = ovsdb-client monitor output" "$(cat "$T/qmon-ovs")" cat "$T/qmon-uvs"
uvs_test_finish
