#!/bin/bash
# Interop check: Debian's ovsdb-client and ovsdb-tool (OVS 3.1) against uvsdb-server / uvsdb-tool.
# usage: test-interop.sh UVSDB-SERVER UVSDB-TOOL SCHEMA
# Exits 77 (meson: skipped) saying why when the OVS tools are not installed.
set -u
SERVER=$1
TOOL=$2
SCHEMA=$3
for prog in ovsdb-client ovsdb-tool; do
    if ! command -v "$prog" >/dev/null; then
        echo "SKIP: $prog not found (install Debian's openvswitch-common to run this interop test)"
        exit 77
    fi
done
T=$(mktemp -d /tmp/uvs-test-ovsdb-interop-XXXXXX)
export UVS_RUNDIR=$T UVS_LOGDIR=$T UVS_DBDIR=$T
SOCK=unix:$T/db.sock
fails=0
cleanup() {
    if [ -f "$T/uvsdb-server.pid" ]; then kill "$(cat "$T/uvsdb-server.pid")" 2>/dev/null; fi
    rm -rf "$T"
}
trap cleanup EXIT
check() {   # check DESCRIPTION COMMAND...
    local what=$1; shift
    if "$@"; then echo "ok - $what"; else echo "FAIL - $what"; fails=$((fails + 1)); fi
}
client() { timeout 5 ovsdb-client --timeout=4 "$@"; }

"$TOOL" create "$T/conf.db" "$SCHEMA" || { echo "FAIL - uvsdb-tool create"; exit 1; }
check "ovsdb-tool reads a uvsdb-tool file" [ "$(ovsdb-tool db-version "$T/conf.db")" = "$("$TOOL" schema-version "$SCHEMA")" ]
"$SERVER" "$T/conf.db" --remote=punix:"$T/db.sock" --pidfile --detach --log-file --no-chdir
check "uvsdb-server --detach exits 0" [ $? -eq 0 ]

check "list-dbs (with _Server, as OVS)" [ "$(client list-dbs "$SOCK" | tr "\n" " ")" = "Open_vSwitch _Server " ]
client get-schema "$SOCK" > "$T/schema.json"
check "get-schema returns every table and column of the schema" python3 -c '
import json, sys
a = json.load(open(sys.argv[1])); b = json.load(open(sys.argv[2]))
cols = lambda s: {t: sorted(v["columns"]) for t, v in s["tables"].items()}
sys.exit(0 if a["name"] == b["name"] and cols(a) == cols(b) else 1)' "$T/schema.json" "$SCHEMA"
check "get-schema-version" [ "$(client get-schema-version "$SOCK" Open_vSwitch)" = "$("$TOOL" schema-version "$SCHEMA")" ]

# A monitor started before the change must report it as an insert.
client monitor "$SOCK" Open_vSwitch Bridge name,fail_mode --format=csv > "$T/monitor.out" 2>&1 &
MON=$!
for _ in $(seq 50); do grep -q row "$T/monitor.out" 2>/dev/null && break; sleep 0.05; done

out=$(client transact "$SOCK" '["Open_vSwitch",
  {"op":"insert","table":"Open_vSwitch","row":{"bridges":["named-uuid","b"]}},
  {"op":"insert","table":"Bridge","uuid-name":"b","row":{"name":"br0","fail_mode":"secure","ports":["named-uuid","p"]}},
  {"op":"insert","table":"Port","uuid-name":"p","row":{"name":"p0","interfaces":["named-uuid","i"]}},
  {"op":"insert","table":"Interface","uuid-name":"i","row":{"name":"p0"}}]')
check "transact insert returns 4 uuids" [ "$(grep -o '{"uuid":\["uuid","[0-9a-f-]*"\]}' <<<"$out" | wc -l)" -eq 4 ]
out=$(client transact "$SOCK" '["Open_vSwitch",{"op":"insert","table":"Port","row":{"name":"x","tag":5000}}]')
check "transact reports constraint violations" grep -q '5000 is not in the valid range 0 to 4095' <<<"$out"

for _ in $(seq 50); do grep -q insert "$T/monitor.out" && break; sleep 0.05; done
kill "$MON" 2>/dev/null; wait "$MON" 2>/dev/null
check "monitor reports the inserted bridge" grep -q 'insert.*br0.*secure' "$T/monitor.out"

dump=$(client dump "$SOCK")
check "dump shows the bridge" grep -Eq '^[0-9a-f-]{36} .*br0' <<<"$dump"
check "dump shows the interface table" grep -q '^Interface table' <<<"$dump"
check "dump Port columns" grep -q '^Port table' <<<"$dump"

# Dropping the port from the bridge garbage-collects the Port and Interface rows.
client transact "$SOCK" '["Open_vSwitch",{"op":"update","table":"Bridge","where":[],"row":{"ports":["set",[]]}}]' >/dev/null
out=$(client transact "$SOCK" '["Open_vSwitch",{"op":"select","table":"Interface","where":[]}]')
check "orphaned interface collected" [ "$out" = '[{"rows":[]}]' ]

# The file stays readable by OVS's ovsdb-tool while the server runs.
check "ovsdb-tool show-log reads our log" grep -q 'table Bridge insert row "br0"' <<<"$(ovsdb-tool show-log -m "$T/conf.db")"

kill "$(cat "$T/uvsdb-server.pid")"
# The pidfile and the socket go at exit, one after the other: wait for both (slow under ASan).
for _ in $(seq 100); do [ -f "$T/uvsdb-server.pid" ] || [ -e "$T/db.sock" ] || break; sleep 0.05; done
check "server removes its pidfile on SIGTERM" [ ! -f "$T/uvsdb-server.pid" ]
check "server removes its socket on SIGTERM" [ ! -e "$T/db.sock" ]

echo "$fails failure(s)"
[ "$fails" -eq 0 ]
