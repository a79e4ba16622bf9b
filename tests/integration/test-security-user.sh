#!/bin/bash
# Security defaults. uvsdb-server and uvs-vswitchd started with --user=nobody:nogroup run as that
# user with no capabilities left, except the three uvs-vswitchd keeps for DPDK's kernel-facing
# ports (CAP_NET_ADMIN, CAP_NET_RAW, CAP_IPC_LOCK; the bounding set is empty); every unix socket
# they create (db.sock, the unixctl control sockets, BRIDGE.mgmt) is mode 0750 and owned by
# nobody:nogroup; root's tools still work; another unprivileged user can connect to none of them;
# the switch forwards through af_packet and tap ports as that user. Then uvs-ctl --user does the
# same from scratch (directories handed over), and a --user naming no user fails with one line.
. "$(dirname "$0")/common.sh"
uvs_require_root
uvs_test_init security-user
id nobody >/dev/null 2>&1 && getent group nogroup >/dev/null ||
    uvs_test_skip "needs the user nobody and the group nogroup"
id daemon >/dev/null 2>&1 || uvs_test_skip "needs the user daemon (another unprivileged user)"
SVC=nobody:nogroup
BR=br$UVS_SFX

# The daemons' directories belong to the service user; T itself must be traversable.
chmod 0755 "$UVS_TEST_DIR"
check "database created by root" uvsdb-tool create "$UVS_DBDIR/conf.db" \
    "$UVS_PKGDATADIR/vswitch.ovsschema"
check "directories given to $SVC" chown -R "$SVC" "$UVS_RUNDIR" "$UVS_DBDIR" "$UVS_LOGDIR"
check "run directory mode 0750" chmod 0750 "$UVS_RUNDIR"

check_fails "--user naming no user is refused" uvsdb-server "$UVS_DBDIR/conf.db" \
    --user=nosuchuser$UVS_SFX --remote="punix:$UVS_TEST_DIR/x.sock"
check_grep "... with one line naming the user" "^uvsdb-server: --user=nosuchuser$UVS_SFX: no such user" \
    bash -c "uvsdb-server $UVS_DBDIR/conf.db --user=nosuchuser$UVS_SFX 2>&1 | head -n 1"
check_grep "--user naming no group is refused" "no such group \"nogroup$UVS_SFX\"" \
    bash -c "uvs-vswitchd --user=nobody:nogroup$UVS_SFX 2>&1; true"

check "uvsdb-server starts with --user=$SVC" uvs_start_db --user="$SVC" || uvs_test_finish
check "uvs-vswitchd starts with --user=$SVC" uvs_start_vswitchd --user="$SVC" || uvs_test_finish
DB_PID=$(cat "$UVS_RUNDIR/uvsdb-server.pid")
VS_PID=$(cat "$UVS_RUNDIR/uvs-vswitchd.pid")
NOBODY=$(id -u nobody)
NOGROUP=$(getent group nogroup | cut -d: -f3)

# status_field PID FIELD — a field of /proc/PID/status, tabs as spaces.
status_field() {
    awk -v f="$2:" '$1 == f { $1 = ""; sub(/^ /, ""); print }' "/proc/$1/status"
}
for d in "uvsdb-server $DB_PID" "uvs-vswitchd $VS_PID"; do
    set -- $d
    check_output "$1: real, effective, saved and fs uid are nobody" \
        "$NOBODY $NOBODY $NOBODY $NOBODY" status_field "$2" Uid
    check_output "$1: every gid is nogroup" "$NOGROUP $NOGROUP $NOGROUP $NOGROUP" \
        status_field "$2" Gid
done
check_output "uvsdb-server: no capabilities" 0000000000000000 status_field "$DB_PID" CapEff
check_output "uvsdb-server: empty bounding set" 0000000000000000 status_field "$DB_PID" CapBnd
# CAP_NET_ADMIN (12), CAP_NET_RAW (13), CAP_IPC_LOCK (14).
check_output "uvs-vswitchd: only net_admin, net_raw, ipc_lock effective" 0000000000007000 \
    status_field "$VS_PID" CapEff
check_output "uvs-vswitchd: empty bounding set (nothing regained through exec)" 0000000000000000 \
    status_field "$VS_PID" CapBnd
check_output "uvs-vswitchd's PMD thread has the same uid" "$NOBODY $NOBODY $NOBODY $NOBODY" \
    bash -c "for t in /proc/$VS_PID/task/*; do awk '\$1 == \"Uid:\" { print \$2, \$3, \$4, \$5 }' \$t/status; done | sort -u"

check "namespace a" uvs_add_ns a 10.64.0.1 || uvs_test_finish
check "namespace b" uvs_add_ns b 10.64.0.2 || uvs_test_finish
check "add-br (tap device as nobody)" uvs-vsctl --timeout=30 add-br "$BR"
check "add-port a (af_packet as nobody)" uvs-vsctl --timeout=30 add-port "$BR" "$(uvs_veth a)"
check "add-port b" uvs-vsctl --timeout=30 add-port "$BR" "$(uvs_veth b)"
check_output "no interface error" "$(printf '[]\n[]\n[]')" bash -c "for i in $BR $(uvs_veth a) $(uvs_veth b); do uvs-vsctl get Interface \$i error; done"
check "a pings b through the switch running as nobody" wait_until 15 uvs_ns_exec a ping -c 1 -W 1 10.64.0.2
check "mtu_request works without root (CAP_NET_ADMIN)" \
    uvs-vsctl --timeout=30 set Interface "$(uvs_veth a)" mtu_request=1400
check "... and the MTU changed" wait_until 10 \
    bash -c "[ \$(uvs-vsctl get Interface $(uvs_veth a) mtu) = 1400 ]"
check "the bridge's tap can be brought up" ip link set "$BR" up
check_grep "the log says who it runs as" "running as user nobody:nogroup .*capabilities kept: net_admin, net_raw, ipc_lock" \
    cat "$UVS_LOGDIR/uvs-vswitchd.log"

# Every unix socket: 0750, nobody:nogroup.
SOCKS=("$UVS_RUNDIR/db.sock" "$UVS_RUNDIR/uvsdb-server.$DB_PID.ctl"
       "$UVS_RUNDIR/uvs-vswitchd.$VS_PID.ctl" "$UVS_RUNDIR/$BR.mgmt")
for s in "${SOCKS[@]}"; do
    check_output "$(basename "$s"): socket, mode 750, nobody:nogroup" "socket 750 nobody nogroup" \
        stat -c '%F %a %U %G' "$s"
done
# Any other socket there (BRIDGE.snoop, ...) too; the daemons listen nowhere else (no TCP).
check_output "every socket in the run directory is 750 nobody:nogroup" "" \
    bash -c "find '$UVS_RUNDIR' -type s ! -perm 0750 -o -type s ! -user nobody -o -type s ! -group nogroup"
check_output "no TCP listener in either daemon" "" \
    bash -c "ss -ltnp | grep -E 'pid=($DB_PID|$VS_PID),' || true"
check_output "pidfiles belong to nobody" "nobody nobody" \
    bash -c "stat -c %U $UVS_RUNDIR/uvsdb-server.pid $UVS_RUNDIR/uvs-vswitchd.pid | xargs"

# Root's tools still work; the user 'daemon' (neither nobody nor in nogroup) reaches nothing.
check "root: uvs-vsctl show" uvs-vsctl show
check "root: uvs-appctl to both daemons" bash -c "uvs-appctl -t uvsdb-server version && uvs-appctl version"
check "root: uvs-ofctl dump-flows" uvs-ofctl dump-flows "$BR"
as_daemon() {
    setpriv --reuid=daemon --regid=daemon --clear-groups --inh-caps=-all "$@"
}
check_fails "user daemon: cannot use db.sock" as_daemon uvs-vsctl --no-wait --timeout=5 show
check_fails "user daemon: cannot use the control socket" as_daemon uvs-appctl -T 5 version
check_fails "user daemon: cannot use BRIDGE.mgmt" as_daemon uvs-ofctl dump-flows "$BR"

# --- uvs-ctl --user from scratch, in fresh directories.
check "stop both daemons" uvs-ctl stop
export UVS_RUNDIR=$UVS_TEST_DIR/run2 UVS_DBDIR=$UVS_TEST_DIR/db2 UVS_LOGDIR=$UVS_TEST_DIR/log2
check "uvs-ctl start --user=$SVC" uvs-ctl start --user="$SVC"
for f in uvsdb-server uvs-vswitchd; do
    if [ -s "$UVS_RUNDIR/$f.pid" ]; then
        _uvs_record_daemon "$UVS_RUNDIR/$f.pid"
        check_output "uvs-ctl: $f runs as nobody" nobody ps -o user= -p "$(cat "$UVS_RUNDIR/$f.pid")"
    fi
done
check_output "uvs-ctl: directories belong to nobody:nogroup, run dir 750" \
    "$(printf '750 nobody nogroup\n755 nobody nogroup\n755 nobody nogroup')" \
    stat -c '%a %U %G' "$UVS_RUNDIR" "$UVS_DBDIR" "$UVS_LOGDIR"
check_output "uvs-ctl: db.sock 750 nobody:nogroup" "750 nobody nogroup" \
    stat -c '%a %U %G' "$UVS_RUNDIR/db.sock"
check_output "uvs-ctl: log files belong to nobody (vlog/reopen works)" "nobody nobody" \
    bash -c "stat -c %U $UVS_LOGDIR/uvsdb-server.log $UVS_LOGDIR/uvs-vswitchd.log | xargs"
check "uvs-ctl: vlog/reopen as nobody" uvs-appctl vlog/reopen
check "uvs-ctl: root's uvs-vsctl works (add-br waits for the switch)" \
    uvs-vsctl --timeout=30 add-br "b2$UVS_SFX"
check "uvs-ctl stop" uvs-ctl stop

uvs_test_finish
