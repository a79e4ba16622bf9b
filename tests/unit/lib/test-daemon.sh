#!/bin/bash
# End-to-end test of lib/daemon, lib/unixctl and uvs-appctl with a detaching test daemon.
# usage: test-daemon.sh HELPER APPCTL
set -u
HELPER=$1
APPCTL=$2
T=$(mktemp -d /tmp/uvs-test-daemon-XXXXXX)
export UVS_RUNDIR=$T/run UVS_LOGDIR=$T/log
NAME=$(basename "$HELPER")
fails=0
cleanup() {
    if [ -f "$UVS_RUNDIR/$NAME.pid" ]; then kill "$(cat "$UVS_RUNDIR/$NAME.pid")" 2>/dev/null; fi
    rm -rf "$T"
}
trap cleanup EXIT
check() {   # check DESCRIPTION COMMAND...
    local what=$1; shift
    if "$@"; then echo "ok - $what"; else echo "FAIL - $what"; fails=$((fails + 1)); fi
}
wait_gone() {   # wait_gone PID — gone, or a zombie (exited; its new parent has not reaped it yet)
    for _ in $(seq 400); do
        kill -0 "$1" 2>/dev/null || return 0
        [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" = Z ] && return 0
        sleep 0.05
    done
    return 1
}

# 1. --detach returns 0 only once the daemon is ready; pidfile and socket exist.
"$HELPER" --detach --pidfile --log-file --no-chdir
check "detach exits 0" [ $? -eq 0 ]
PID=$(cat "$UVS_RUNDIR/$NAME.pid" 2>/dev/null)
check "pidfile names a live process" kill -0 "${PID:-0}"
check "control socket exists right after detach" [ -S "$UVS_RUNDIR/$NAME.$PID.ctl" ]

# 2. The log file is in the OVS format.
check "log file line format" grep -Eq \
    '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z\|[0-9]{5}\|test_daemon\|INFO\|test daemon started$' \
    "$UVS_LOGDIR/$NAME.log"

# 3. uvs-appctl: version, error (exit 2), unknown target (exit 1).
out=$("$APPCTL" -t "$NAME" version)
check "appctl version prints PROGRAM (uvs) VERSION" [ "$out" = "$NAME (uvs) $("$APPCTL" --version | awk '{print $3}')" ]
err=$("$APPCTL" -t "$NAME" no/such 2>&1 >/dev/null); rc=$?
check "appctl command error exits 2" [ $rc -eq 2 ]
check "appctl command error text on stderr" grep -q '"no/such" is not a valid command' <<<"$err"
err=$("$APPCTL" -t uvs-nothing version 2>&1); rc=$?
check "appctl unreachable target exits 1" [ $rc -eq 1 ]
check "appctl unreachable target explains" grep -q "cannot read pidfile $UVS_RUNDIR/uvs-nothing.pid: No such file or directory (is uvs-nothing running?" <<<"$err"
out=$("$APPCTL" -t "$UVS_RUNDIR/$NAME.$PID.ctl" version)
check "appctl accepts a socket path" [ -n "$out" ]

out=$("$APPCTL" -t "$NAME" --timeout=1 test/hang 2>&1); rc=$?
check "appctl --timeout gives up with exit 1" [ $rc -eq 1 ]
check "appctl --timeout says so" grep -q "timed out after 1 seconds" <<<"$out"
check "daemon still answers after a timed-out client" [ -n "$("$APPCTL" -t "$NAME" version)" ]

# 4. vlog/set via appctl changes file logging; vlog/reopen works after the file is moved.
"$APPCTL" -t "$NAME" vlog/set test_daemon:file:dbg >/dev/null
check "vlog/list shows the new level" grep -Eq '^test_daemon +INFO +DBG' <("$APPCTL" -t "$NAME" vlog/list)
mv "$UVS_LOGDIR/$NAME.log" "$UVS_LOGDIR/$NAME.log.1"
"$APPCTL" -t "$NAME" vlog/reopen
check "vlog/reopen creates a new log file" [ -f "$UVS_LOGDIR/$NAME.log" ]

# 5. A second instance refuses to start.
err=$("$HELPER" --pidfile 2>&1); rc=$?
check "second instance fails" [ $rc -ne 0 ]
check "second instance says already running" grep -q "already running as pid $PID" <<<"$err"

# 6. exit via appctl removes pidfile and socket.
"$APPCTL" -t "$NAME" exit
check "daemon exits after appctl exit" wait_gone "$PID"
check "pidfile removed" [ ! -e "$UVS_RUNDIR/$NAME.pid" ]
check "control socket removed" [ ! -e "$UVS_RUNDIR/$NAME.$PID.ctl" ]

# 7. SIGTERM also cleans up.
"$HELPER" --detach --pidfile --no-chdir
PID=$(cat "$UVS_RUNDIR/$NAME.pid")
kill -TERM "$PID"
check "daemon exits on SIGTERM" wait_gone "$PID"
check "pidfile removed after SIGTERM" [ ! -e "$UVS_RUNDIR/$NAME.pid" ]
check "socket removed after SIGTERM" [ ! -e "$UVS_RUNDIR/$NAME.$PID.ctl" ]

# 8. A child that dies before it is ready makes --detach fail, with the reason on stderr.
err=$("$HELPER" --detach --pidfile --no-chdir --fail-before-ready 2>&1); rc=$?
check "detach fails when the child dies first" [ $rc -eq 1 ]
check "child's error reaches the terminal" grep -q "failing before ready" <<<"$err"

# 9. --user: as root, the daemon runs as nobody:nogroup with no capabilities, and its pidfile and
# control socket (mode 0750) belong to it; an unknown user fails before detaching.
err=$("$HELPER" --detach --pidfile --no-chdir --user=nosuchuser$$ 2>&1); rc=$?
check "--user with an unknown user fails" [ $rc -ne 0 ]
check "... naming it" grep -q "no such user \"nosuchuser$$\"" <<<"$err"
if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1 && getent group nogroup >/dev/null; then
    chmod 0755 "$T" && chown nobody:nogroup "$UVS_RUNDIR"
    "$HELPER" --detach --pidfile --no-chdir --user=nobody:nogroup
    check "--user: detach exits 0" [ $? -eq 0 ]
    PID=$(cat "$UVS_RUNDIR/$NAME.pid" 2>/dev/null)
    check "--user: runs as nobody" [ "$(ps -o user= -p "${PID:-0}")" = nobody ]
    check "--user: no capabilities" grep -q '^CapEff:.0000000000000000$' "/proc/${PID:-0}/status"
    check "--user: pidfile belongs to nobody" [ "$(stat -c %U "$UVS_RUNDIR/$NAME.pid")" = nobody ]
    check "--user: socket 0750 nobody:nogroup" \
        [ "$(stat -c '%a %U %G' "$UVS_RUNDIR/$NAME.${PID:-0}.ctl")" = "750 nobody nogroup" ]
    check "--user: root's appctl still works" [ -n "$("$APPCTL" -t "$NAME" version)" ]
    "$APPCTL" -t "$NAME" exit
    check "--user: exits and removes its pidfile" wait_gone "${PID:-0}"
else
    echo "skip - --user as root (not root, or no nobody:nogroup)"
fi

[ $fails -eq 0 ] && echo "all passed" || echo "$fails failed"
exit $((fails != 0))
