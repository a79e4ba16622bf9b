#!/bin/bash
# uvs-ctl starts both daemons on a database it creates on first use, reports their status, and
# stops them (uvs-appctl exit), leaving no process behind; the database survives a restart.
. "$(dirname "$0")/common.sh"
uvs_require_root
uvs_test_init uvs-ctl

CTL=$UVS_BUILDDIR/src/cli/uvs-ctl
# A daemon is gone when its pid no longer exists or is a zombie waiting to be reaped (the sandbox's
# init may not reap detached daemons promptly).
process_gone() {
    ! kill -0 "$1" 2>/dev/null || grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null
}
BR=br$UVS_SFX
check_fails "status before start: not running (exit non-zero)" "$CTL" status
check "start creates the database and starts both daemons" "$CTL" start
_uvs_record_daemon "$UVS_RUNDIR/uvsdb-server.pid"
_uvs_record_daemon "$UVS_RUNDIR/uvs-vswitchd.pid"
check "database file created" test -s "$UVS_DBDIR/conf.db"
check_grep "status: uvsdb-server running" "uvsdb-server is running with pid [0-9]+" "$CTL" status
check_grep "status: uvs-vswitchd running" "uvs-vswitchd is running with pid [0-9]+" "$CTL" status
check "start again is a no-op" "$CTL" start
check_grep "uvs-appctl version" "uvs-vswitchd \(uvs\)" uvs-appctl -t uvs-vswitchd version
check "add-br through the started daemons" uvs-vsctl --timeout=30 add-br "$BR"
# uvs-ctl starts the server with --remote=db:Open_vSwitch,Open_vSwitch,manager_options (seed 002).
PORT=$((20000 + RANDOM % 20000))
check "set-manager ptcp" uvs-vsctl --no-wait set-manager "ptcp:$PORT:127.0.0.1"
check "the manager's listener opens" wait_until 5 uvsdb-client list-dbs "tcp:127.0.0.1:$PORT"
check_grep "and serves the database" '^Open_vSwitch$' uvsdb-client list-dbs "tcp:127.0.0.1:$PORT"
check "del-manager" uvs-vsctl --no-wait del-manager
VSWITCHD_PID=$(cat "$UVS_RUNDIR/uvs-vswitchd.pid")
DB_PID=$(cat "$UVS_RUNDIR/uvsdb-server.pid")
check "stop" "$CTL" stop
check "uvs-vswitchd process is gone" process_gone "$VSWITCHD_PID"
check "uvsdb-server process is gone" process_gone "$DB_PID"
check_fails "pidfiles removed" test -e "$UVS_RUNDIR/uvs-vswitchd.pid"
check_fails "the bridge's tap is gone with the daemon" ip link show "$BR"
check_grep "status after stop says not running" "uvs-vswitchd is not running" \
    bash -c "$CTL status; test \$? -ne 0"
check "restart on the same database" "$CTL" start
_uvs_record_daemon "$UVS_RUNDIR/uvsdb-server.pid"
_uvs_record_daemon "$UVS_RUNDIR/uvs-vswitchd.pid"
check_output "the bridge survived in the database" "$BR" uvs-vsctl list-br
check "the switch recreates it" wait_until 10 ip link show "$BR"
check "stop again" "$CTL" stop

uvs_test_finish
