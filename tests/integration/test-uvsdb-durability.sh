#!/bin/bash
# uvsdb durability: (1) SIGKILL during a stream of durable commits loses no acknowledged
# transaction; (2) a last record cut at every byte offset is recovered by truncating to the last
# good record; (3) a flipped byte in the middle of the file makes the server refuse to start,
# naming the offset, with the file untouched; (4) a full disk (small tmpfs) gives the client the
# write error and leaves the file usable.
. "$(dirname "$0")/common.sh"
uvs_test_init uvsdb-durability
T=$UVS_TEST_DIR
SCHEMA=$UVS_PKGDATADIR/vswitch.ovsschema
DBF=$UVS_DBDIR/conf.db
SOCK=unix:$UVS_RUNDIR/db.sock

start_server() {   # start_server FILE [OPTIONS...]
    local f=$1
    shift
    uvsdb-server "$f" --remote="punix:$UVS_RUNDIR/db.sock" --pidfile="$UVS_RUNDIR/uvsdb-server.pid" \
        --detach --no-chdir --log-file="$UVS_LOGDIR/uvsdb-server.log" "$@" || return 1
    _uvs_record_daemon "$UVS_RUNDIR/uvsdb-server.pid"
}
insert_queue() {   # insert_queue KEY VALUE [durable] — one Queue row (a root table)
    local commit=""
    [ "${3:-}" = durable ] && commit=',{"op":"commit","durable":true}'
    uvsdb-client --timeout=5 transact "$SOCK" "[\"Open_vSwitch\",{\"op\":\"insert\",\"table\":\"Queue\",\"row\":{\"external_ids\":[\"map\",[[\"$1\",\"$2\"]]]}}$commit]"
}
count_rows() {     # count_rows FILE — Queue rows in a database file (read-only)
    uvsdb-tool query "$1" '["Open_vSwitch",{"op":"select","table":"Queue","where":[],"columns":["external_ids"]}]' 2>/dev/null \
        | grep -o '\["map",\[\["[a-z]*","[0-9a-z]*"\]\]\]' | wc -l
}

# ---- (1) SIGKILL during durable commits ----
uvsdb-tool create "$DBF" "$SCHEMA"
check "server starts" start_server "$DBF" || uvs_test_finish
(
    i=0
    while :; do
        i=$((i + 1))
        out=$(insert_queue n "$i" durable 2>/dev/null) || break
        # Acknowledged: the reply lists the uuid and no error.
        if grep -q '"uuid"' <<<"$out" && ! grep -q '"error"' <<<"$out"; then echo "$i"; fi
    done
) >"$T/acked" &
WRITER=$!
sleep 1.5
kill -9 "$(cat "$UVS_RUNDIR/uvsdb-server.pid")"
wait "$WRITER" 2>/dev/null
n_acked=$(wc -l <"$T/acked")
check "some durable commits were acknowledged before the kill ($n_acked)" [ "$n_acked" -gt 0 ]
rm -f "$UVS_RUNDIR/uvsdb-server.pid"
check "server restarts on the killed server's file" start_server "$DBF" || uvs_test_finish
present=$(uvsdb-client --timeout=5 transact "$SOCK" '["Open_vSwitch",{"op":"select","table":"Queue","where":[],"columns":["external_ids"]}]' \
          | grep -o '\["n","[0-9]*"\]' | grep -o '[0-9]*' | sort -n)
missing=$(comm -23 <(sort "$T/acked") <(sort <<<"$present"))
check_output "every acknowledged transaction is present after restart" "" echo "$missing"
uvs-appctl -t uvsdb-server exit >/dev/null 2>&1
wait_until 5 bash -c "! [ -e $UVS_RUNDIR/db.sock ]"

# ---- (2) truncation of the last record at every byte offset ----
F=$T/trunc.db
uvsdb-tool create "$F" "$SCHEMA"
for i in 1 2 3; do
    uvsdb-tool transact "$F" "[\"Open_vSwitch\",{\"op\":\"insert\",\"table\":\"Queue\",\"row\":{\"external_ids\":[\"map\",[[\"t\",\"v$i\"]]]}}]" >/dev/null
done
size=$(stat -c %s "$F")
last=$(grep -b -a '^OVSDB JSON' "$F" | tail -1 | cut -d: -f1)
bad=0 tried=0
for ((off = last; off < size; off++)); do
    cp "$F" "$T/cut.db"
    truncate -s "$off" "$T/cut.db"
    tried=$((tried + 1))
    # Read-only: the first two transactions are there, the torn third is not.
    [ "$(count_rows "$T/cut.db")" = 2 ] || { bad=$((bad + 1)); echo "offset $off: read-only load wrong"; continue; }
    # Read-write: the torn tail is cut and new commits append cleanly after the good records.
    uvsdb-tool transact "$T/cut.db" '["Open_vSwitch",{"op":"insert","table":"Queue","row":{"external_ids":["map",[["t","new"]]]}}]' >/dev/null 2>&1 \
        || { bad=$((bad + 1)); echo "offset $off: cannot append after recovery"; continue; }
    [ "$(count_rows "$T/cut.db")" = 3 ] && [ "$(stat -c %s "$T/cut.db")" -gt "$last" ] \
        || { bad=$((bad + 1)); echo "offset $off: after recovery and a commit: wrong contents"; }
    uvsdb-tool show-log "$T/cut.db" 2>&1 | grep -q 'not usable' && { bad=$((bad + 1)); echo "offset $off: damage left in the file"; }
done
check "torn last record recovered at each of $tried offsets" [ "$bad" -eq 0 ] && [ "$tried" -gt 50 ]
check_grep "server warns about a torn tail and starts" 'truncating the file' bash -c "
    cp $F $T/torn.db && truncate -s $((size - 5)) $T/torn.db &&
    uvsdb-server $T/torn.db --remote=punix:$T/torn.sock --unixctl=$T/torn.ctl --pidfile=$T/torn.pid \
        --detach --no-chdir --log-file=$T/torn.log && uvs-appctl --target=$T/torn.ctl exit; cat $T/torn.log"

# ---- (3) a flipped byte in the middle of the file ----
cp "$F" "$T/flip.db"
mid=$(grep -b -a -o '"v2"' "$T/flip.db" | head -1 | cut -d: -f1)
printf 'X' | dd of="$T/flip.db" bs=1 seek=$((mid + 1)) conv=notrunc status=none
sum_before=$(md5sum <"$T/flip.db")
rec=$(grep -b -a '^OVSDB JSON' "$T/flip.db" | awk -F: -v m="$mid" '$1 < m { o = $1 } END { print o }')
check_fails "server refuses a file corrupted mid-file" \
    uvsdb-server "$T/flip.db" --remote=punix:"$T/flip.sock" --unixctl="$T/flip.ctl" --no-chdir
check_grep "the refusal names the damaged record's offset ($rec)" "record at offset $rec .*corruption in the middle" \
    bash -c "uvsdb-server $T/flip.db --remote=punix:$T/flip.sock --unixctl=$T/flip.ctl --no-chdir 2>&1; true"
check_output "the corrupted file is untouched" "$sum_before" md5sum <"$T/flip.db"
check_fails "uvsdb-tool transact refuses it too" uvsdb-tool transact "$T/flip.db" '["Open_vSwitch"]'
check_output "still untouched" "$sum_before" md5sum <"$T/flip.db"

# ---- (4) full disk ----
if [ "$(id -u)" -eq 0 ] && mkdir -p "$T/small" && mount -t tmpfs -o size=64k tmpfs "$T/small"; then
    # Unmount on any exit, keeping the exit status for uvs_test_cleanup.
    trap 'rc=$?; umount "$T/small" 2>/dev/null; (exit $rc); uvs_test_cleanup' EXIT
    uvsdb-tool create "$T/small/conf.db" "$SCHEMA"
    check "server starts on a 64 KiB tmpfs" start_server "$T/small/conf.db" || uvs_test_finish
    big=$(head -c 3000 /dev/zero | tr '\0' x)
    acked=0 err=""
    for i in $(seq 60); do
        out=$(insert_queue "f" "$i$big" durable 2>&1)
        if grep -q '"error"' <<<"$out"; then err=$out; break; fi
        acked=$((acked + 1))
    done
    check_grep "the client gets the write error (ENOSPC)" 'I/O error.*No space left on device|No space left' echo "$err"
    check "the server still answers" uvsdb-client --timeout=5 list-dbs "$SOCK"
    check_output "reads still see every acknowledged row ($acked)" "$acked" \
        bash -c "uvsdb-client --timeout=5 transact $SOCK '[\"Open_vSwitch\",{\"op\":\"select\",\"table\":\"Queue\",\"where\":[],\"columns\":[\"_uuid\"]}]' | grep -o '\"_uuid\"' | wc -l"
    uvs-appctl -t uvsdb-server exit >/dev/null 2>&1
    wait_until 5 bash -c "! [ -e $UVS_RUNDIR/db.sock ]"
    check_output "the file stays usable: it loads with every acknowledged row" "$acked" count_rows "$T/small/conf.db"
    check_fails "and has no damaged tail" bash -c "uvsdb-tool show-log $T/small/conf.db 2>&1 | grep -q 'not usable'"
    umount "$T/small"
    trap uvs_test_cleanup EXIT
else
    echo "note: full-disk check skipped (needs root to mount a tmpfs)"
fi
uvs_test_finish
