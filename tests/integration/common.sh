# shellcheck shell=bash
# tests/integration/common.sh — helpers for the integration tests (bash scripts with real daemons).
#
# A test script sources this file, then:
#
#   . "$(dirname "$0")/common.sh"
#   uvs_require_root                       # namespaces and DPDK need root (skips otherwise)
#   uvs_test_init bridge-basic             # temp dir, env, unique names, cleanup trap
#   check "db starts" uvs_start_db
#   check "vswitchd starts" uvs_start_vswitchd
#   uvs_add_ns a 10.0.0.1                  # netns + veth; host end is $(uvs_veth a)
#   check "add-br" uvs-vsctl add-br br0
#   check "add-port" uvs-vsctl add-port br0 "$(uvs_veth a)"
#   check_output "port list" "$(uvs_veth a)" uvs-vsctl list-ports br0
#   wait_until 5 uvs_ns_exec a ping -c 1 -W 1 10.0.0.2
#   uvs_test_finish                        # "N passed, M failed"; exit 1 on any failure
#
# Everything a test creates lives under one temp dir T (UVS_RUNDIR=T/run, UVS_DBDIR=T/db,
# UVS_LOGDIR=T/log), so tests never touch an installed uvs. Binaries come from the build tree
# (UVS_BUILDDIR, which meson sets; default <repo>/build): its src/cli, src/ovsdb and src/vswitchd
# come first in PATH and in UVS_BINDIR (for uvs-ctl).
#
# Cleanup runs on any exit, including failures, 'exit' from the test, and SIGTERM from meson's
# timeout: it stops the daemons (uvs-ctl stop, then SIGKILL for any pid still alive whose command
# line names T), deletes the namespaces and veths, the DPDK runtime directories the daemon used
# (/var/run/dpdk/PREFIX, found from its open files) and its hugepage files, and T itself
# (UVS_TEST_KEEP=1 keeps T for a post-mortem).
#
# check* return the command's success (0/1) so a test may stop early ('check ... || uvs_test_finish');
# counts are kept either way. Tests need not use 'set -e'; if they do, an early exit still prints
# the summary and cleans up. Exit status 77 means "skipped" to meson (uvs_test_skip).

UVS_SRCDIR=${UVS_SRCDIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
UVS_BUILDDIR=${UVS_BUILDDIR:-$UVS_SRCDIR/build}

UVS_TEST_NAME=
UVS_TEST_DIR=
UVS_TEST_PASSED=0
UVS_TEST_FAILED=0
UVS_TEST_FINISHED=0
UVS_TEST_FAILURES=()
UVS_TEST_NETNS=()        # namespaces created, for cleanup
UVS_TEST_VETHS=()        # host ends of veth pairs created, for cleanup
UVS_TEST_PIDS=()         # daemon pids started, for cleanup
UVS_TEST_DPDK_PREFIXES=()
declare -gA UVS_NS=()    # test name -> netns name
declare -gA UVS_VETH=()  # test name -> host veth name

# ---------------------------------------------------------------------------------------------
# Set-up and teardown.

# uvs_test_init NAME — creates T, exports UVS_RUNDIR/UVS_DBDIR/UVS_LOGDIR under it, puts the build
# tree first in PATH, picks UVS_SFX (6 hex digits, unique per run, used in netns/veth names) and
# installs the cleanup trap.
uvs_test_init() {
    local name=${1:?uvs_test_init needs a test name} bindirs
    UVS_TEST_NAME=$name
    # Short path: unix socket paths (T/run/uvs-vswitchd.PID.ctl) must stay under 108 bytes.
    UVS_TEST_DIR=$(mktemp -d "/tmp/uvs-${name:0:20}.XXXXXX") || {
        echo "uvs_test_init: cannot create a temp dir in /tmp" >&2
        exit 99
    }
    export UVS_TEST_DIR
    export UVS_RUNDIR=$UVS_TEST_DIR/run UVS_DBDIR=$UVS_TEST_DIR/db UVS_LOGDIR=$UVS_TEST_DIR/log
    mkdir -p "$UVS_RUNDIR" "$UVS_DBDIR" "$UVS_LOGDIR"
    bindirs=$UVS_BUILDDIR/src/cli:$UVS_BUILDDIR/src/ovsdb:$UVS_BUILDDIR/src/vswitchd
    export UVS_BINDIR=$bindirs
    export PATH=$bindirs:$PATH
    export UVS_PKGDATADIR=${UVS_PKGDATADIR:-$UVS_SRCDIR/src/ovsdb}
    UVS_SFX=$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
    trap uvs_test_cleanup EXIT
    trap 'exit 129' HUP
    trap 'exit 130' INT
    trap 'exit 143' TERM
    echo "== $name: T=$UVS_TEST_DIR suffix=$UVS_SFX build=$UVS_BUILDDIR"
}

# uvs_test_skip REASON — the test cannot run here: say why and exit 77 (meson: SKIP).
uvs_test_skip() {
    echo "SKIP: ${UVS_TEST_NAME:-$0}: $*"
    UVS_TEST_FINISHED=1
    exit 77
}

# uvs_require_root — skips the test unless it runs as root.
uvs_require_root() {
    [ "$(id -u)" -eq 0 ] || uvs_test_skip "needs root (network namespaces, veths, DPDK)"
}

# uvs_test_finish — prints "N passed, M failed" and exits: 1 if any check failed or none ran.
# On failure it prints the failed checks and the tail of every daemon log.
uvs_test_finish() {
    local rc=0 f
    UVS_TEST_FINISHED=1
    if [ "$UVS_TEST_FAILED" -gt 0 ]; then
        echo
        echo "Failed checks in ${UVS_TEST_NAME}:"
        for f in "${UVS_TEST_FAILURES[@]}"; do
            echo "  - $f"
        done
        uvs_dump_logs
        rc=1
    elif [ "$UVS_TEST_PASSED" -eq 0 ]; then
        echo "${UVS_TEST_NAME}: no check ran"
        rc=1
    fi
    echo "$UVS_TEST_PASSED passed, $UVS_TEST_FAILED failed"
    exit "$rc"
}

# uvs_dump_logs — the last 30 lines of each log in UVS_LOGDIR.
uvs_dump_logs() {
    local log
    [ -n "${UVS_LOGDIR:-}" ] || return 0
    for log in "$UVS_LOGDIR"/*.log; do
        [ -e "$log" ] || continue
        echo "--- last 30 lines of $log"
        tail -n 30 "$log"
    done
}

# The EXIT trap. Keeps the script's exit status, except that an early exit (the test never
# reached uvs_test_finish) with status 0 is judged like uvs_test_finish would.
uvs_test_cleanup() {
    local rc=$? ns veth prefix mnt
    trap - EXIT HUP INT TERM
    if [ "$UVS_TEST_FINISHED" = 0 ] && [ -n "$UVS_TEST_DIR" ]; then
        echo
        echo "${UVS_TEST_NAME}: ended before uvs_test_finish (exit status $rc)"
        if [ "$rc" -ne 0 ] || [ "$UVS_TEST_FAILED" -gt 0 ]; then
            uvs_dump_logs
        fi
        echo "$UVS_TEST_PASSED passed, $UVS_TEST_FAILED failed"
        if [ "$rc" -eq 0 ] && { [ "$UVS_TEST_FAILED" -gt 0 ] || [ "$UVS_TEST_PASSED" -eq 0 ]; }; then
            rc=1
        fi
    fi
    uvs_stop_all >/dev/null
    for ns in "${UVS_TEST_NETNS[@]}"; do
        ip netns del "$ns" 2>/dev/null
    done
    for veth in "${UVS_TEST_VETHS[@]}"; do
        ip link del "$veth" 2>/dev/null
    done
    for prefix in "${UVS_TEST_DPDK_PREFIXES[@]}"; do
        if [ "$prefix" = rte ]; then
            echo "cleanup: a daemon used DPDK's default file prefix 'rte'; /var/run/dpdk/rte left alone" >&2
            continue
        fi
        rm -rf "/var/run/dpdk/$prefix"
        while read -r mnt; do
            rm -f "$mnt/${prefix}map_"*
        done < <(awk '$3 == "hugetlbfs" { print $2 }' /proc/mounts 2>/dev/null)
    done
    if [ -n "$UVS_TEST_DIR" ] && [ -d "$UVS_TEST_DIR" ]; then
        if [ "${UVS_TEST_KEEP:-0}" = 1 ]; then
            echo "cleanup: keeping $UVS_TEST_DIR (UVS_TEST_KEEP=1)"
        else
            rm -rf "$UVS_TEST_DIR"
        fi
    fi
    exit "$rc"
}

# ---------------------------------------------------------------------------------------------
# Daemons.

# _uvs_record_daemon PIDFILE — remembers the daemon's pid and the DPDK file prefixes it has open.
_uvs_record_daemon() {
    local pid
    pid=$( { tr -dc '0-9' <"$1"; } 2>/dev/null)
    [ -n "$pid" ] || return 0
    UVS_TEST_PIDS+=("$pid")
    _uvs_record_dpdk_prefixes "$pid"
}

# DPDK keeps RUNTIME_DIR/PREFIX/config open and mapped for the process's life: read the prefix
# from there, whatever naming the daemon chose.
_uvs_record_dpdk_prefixes() {
    local pid=$1 prefix p known
    for prefix in $( { ls -l "/proc/$pid/fd" 2>/dev/null; cat "/proc/$pid/maps" 2>/dev/null; } |
                     grep -oE '/run/dpdk/[^/ ]+' | sed 's|.*/run/dpdk/||' | sort -u); do
        known=0
        for p in "${UVS_TEST_DPDK_PREFIXES[@]}"; do
            [ "$p" = "$prefix" ] && known=1
        done
        [ "$known" = 1 ] || UVS_TEST_DPDK_PREFIXES+=("$prefix")
    done
}

# uvs_start_db [UVSDB-SERVER OPTIONS...] — creates T/db/conf.db from the schema (once), starts
# uvsdb-server on punix:T/run/db.sock and runs 'uvs-vsctl --no-wait init'. Returns 0 or 1.
uvs_start_db() {
    local db=$UVS_DBDIR/conf.db
    if [ ! -e "$db" ] && ! uvsdb-tool create "$db" "$UVS_PKGDATADIR/vswitch.ovsschema"; then
        echo "uvs_start_db: uvsdb-tool create $db $UVS_PKGDATADIR/vswitch.ovsschema failed" >&2
        return 1
    fi
    if ! uvsdb-server "$db" --remote="punix:$UVS_RUNDIR/db.sock" \
            --pidfile="$UVS_RUNDIR/uvsdb-server.pid" --detach \
            --log-file="$UVS_LOGDIR/uvsdb-server.log" "$@"; then
        echo "uvs_start_db: uvsdb-server failed to start; log $UVS_LOGDIR/uvsdb-server.log" >&2
        return 1
    fi
    _uvs_record_daemon "$UVS_RUNDIR/uvsdb-server.pid"
    if ! uvs-vsctl --no-wait init; then
        echo "uvs_start_db: 'uvs-vsctl --no-wait init' failed" >&2
        return 1
    fi
}

# uvs_start_vswitchd [UVS-VSWITCHD OPTIONS...] — starts uvs-vswitchd on the test's database with
# its pidfile and log in T. Returns 0 or 1.
uvs_start_vswitchd() {
    if ! uvs-vswitchd "unix:$UVS_RUNDIR/db.sock" --pidfile="$UVS_RUNDIR/uvs-vswitchd.pid" \
            --detach --log-file="$UVS_LOGDIR/uvs-vswitchd.log" "$@"; then
        echo "uvs_start_vswitchd: uvs-vswitchd failed to start; log $UVS_LOGDIR/uvs-vswitchd.log" >&2
        return 1
    fi
    _uvs_record_daemon "$UVS_RUNDIR/uvs-vswitchd.pid"
}

# uvs_stop_all — stops the test's daemons: 'uvs-appctl exit', then SIGTERM, then SIGKILL (uvs-ctl
# stop does that by pidfile), then SIGKILL for any recorded pid still running under T.
uvs_stop_all() {
    local pid rc=0
    for pid in "${UVS_TEST_PIDS[@]}"; do
        _uvs_record_dpdk_prefixes "$pid"   # late DPDK init: look again before it exits
    done
    if command -v uvs-ctl >/dev/null 2>&1; then
        uvs-ctl stop || rc=1
    fi
    for pid in "${UVS_TEST_PIDS[@]}"; do
        if kill -0 "$pid" 2>/dev/null &&
                tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$UVS_TEST_DIR"; then
            echo "uvs_stop_all: pid $pid still running; SIGKILL" >&2
            kill -KILL "$pid" 2>/dev/null
            rc=1
        fi
    done
    return "$rc"
}

# ---------------------------------------------------------------------------------------------
# Network namespaces.

# uvs_add_ns NAME IP[/LEN] — creates netns "uvs<SFX>-NAME" holding eth0 with IP (default /24),
# the peer of host veth "u<SFX>h<N>" (up, no IP: add it to a bridge). Both are deleted at cleanup.
# Look the names up with uvs_ns NAME and uvs_veth NAME. Returns 0 or 1.
uvs_add_ns() {
    local name=${1:?uvs_add_ns NAME IP} ip=${2:?uvs_add_ns NAME IP} ns veth peer idx
    idx=${#UVS_TEST_VETHS[@]}
    ns=uvs$UVS_SFX-$name
    veth=u${UVS_SFX}h$idx
    peer=u${UVS_SFX}p$idx
    case $ip in */*) ;; *) ip=$ip/24 ;; esac
    if [ ${#veth} -gt 15 ] || [ ${#peer} -gt 15 ]; then
        echo "uvs_add_ns: interface name $veth is longer than 15 characters" >&2
        return 1
    fi
    ip netns add "$ns" || { echo "uvs_add_ns: cannot create netns $ns" >&2; return 1; }
    UVS_TEST_NETNS+=("$ns")
    UVS_NS[$name]=$ns
    ip link add "$veth" type veth peer name "$peer" ||
        { echo "uvs_add_ns: cannot create veth $veth" >&2; return 1; }
    UVS_TEST_VETHS+=("$veth")
    UVS_VETH[$name]=$veth
    if ! { ip link set "$peer" netns "$ns" &&
           ip -n "$ns" link set "$peer" name eth0 &&
           ip -n "$ns" addr add "$ip" dev eth0 &&
           ip -n "$ns" link set lo up &&
           ip -n "$ns" link set eth0 up &&
           ip link set "$veth" up; }; then
        echo "uvs_add_ns: cannot set up $ns (eth0 $ip) <-> $veth" >&2
        return 1
    fi
    # No IPv6 autoconfiguration chatter; full checksums (veth offload leaves them partial).
    sysctl -qw "net.ipv6.conf.$veth.disable_ipv6=1" 2>/dev/null
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 2>/dev/null
    ip netns exec "$ns" ethtool -K eth0 tx off >/dev/null 2>&1
    echo "uvs_add_ns: $name = netns $ns, eth0 $ip <-> $veth"
}

# uvs_ns NAME / uvs_veth NAME — the netns name and the host veth name made by uvs_add_ns NAME.
uvs_ns() {
    if [ -z "${UVS_NS[$1]:-}" ]; then
        echo "uvs_ns: no namespace named '$1' (call uvs_add_ns $1 IP first)" >&2
        return 1
    fi
    echo "${UVS_NS[$1]}"
}
uvs_veth() {
    if [ -z "${UVS_VETH[$1]:-}" ]; then
        echo "uvs_veth: no namespace named '$1' (call uvs_add_ns $1 IP first)" >&2
        return 1
    fi
    echo "${UVS_VETH[$1]}"
}

# uvs_ns_exec NAME CMD... — runs CMD inside the namespace made by uvs_add_ns NAME.
uvs_ns_exec() {
    local ns
    ns=$(uvs_ns "$1") || return 1
    shift
    ip netns exec "$ns" "$@"
}

# ---------------------------------------------------------------------------------------------
# Checks. Each prints "PASS: DESC" or "FAIL: DESC" with the command and its output.

_uvs_pass() {
    UVS_TEST_PASSED=$((UVS_TEST_PASSED + 1))
    echo "PASS: $1"
}

# _uvs_fail DESC DETAIL-FILE... — records a failure and shows the details.
_uvs_fail() {
    local desc=$1 f
    shift
    UVS_TEST_FAILED=$((UVS_TEST_FAILED + 1))
    UVS_TEST_FAILURES+=("$desc")
    echo "FAIL: $desc"
    for f in "$@"; do
        sed 's/^/    /' "$f"
    done
}

# Scratch files for command output (in T when there is one).
_uvs_scratch() {
    local dir=${UVS_TEST_DIR:-${TMPDIR:-/tmp}}
    mktemp "$dir/check.XXXXXX"
}

# check DESC CMD... — passes if CMD exits 0. CMD runs in this shell (a function's side effects
# stay). Returns CMD's success.
check() {
    local desc=$1 out rc=0
    shift
    out=$(_uvs_scratch)
    "$@" >"$out" 2>&1 || rc=$?
    if [ "$rc" -eq 0 ]; then
        _uvs_pass "$desc"
    else
        printf '$ %s\n(exit status %d)\n' "$*" "$rc" >"$out.cmd"
        _uvs_fail "$desc" "$out.cmd" "$out"
    fi
    rm -f "$out" "$out.cmd"
    return $((rc != 0))
}

# check_fails DESC CMD... — passes if CMD exits non-zero (for error paths).
check_fails() {
    local desc=$1 out rc=0
    shift
    out=$(_uvs_scratch)
    "$@" >"$out" 2>&1 || rc=$?
    if [ "$rc" -ne 0 ]; then
        _uvs_pass "$desc"
    else
        printf '$ %s\n(exit status 0, expected a failure)\n' "$*" >"$out.cmd"
        _uvs_fail "$desc" "$out.cmd" "$out"
    fi
    rm -f "$out" "$out.cmd"
    return $((rc == 0))
}

# check_output DESC EXPECTED CMD... — passes if CMD exits 0 and its stdout equals EXPECTED
# (trailing newlines ignored, as with "$(CMD)"). Shows a diff otherwise.
check_output() {
    local desc=$1 expected=$2 out rc=0 actual
    shift 2
    out=$(_uvs_scratch)
    "$@" >"$out" 2>"$out.err" || rc=$?
    actual=$(cat "$out")
    if [ "$rc" -eq 0 ] && [ "$actual" = "$expected" ]; then
        _uvs_pass "$desc"
    else
        {
            printf '$ %s\n(exit status %d)\n' "$*" "$rc"
            [ -s "$out.err" ] && { echo "stderr:"; cat "$out.err"; }
            echo "diff expected actual:"
            diff -u <(printf '%s\n' "$expected") <(printf '%s\n' "$actual") | tail -n +3
        } >"$out.cmd"
        _uvs_fail "$desc" "$out.cmd"
    fi
    rm -f "$out" "$out.err" "$out.cmd"
    [ "$rc" -eq 0 ] && [ "$actual" = "$expected" ]
}

# check_grep DESC REGEX CMD... — passes if CMD exits 0 and its output (stdout and stderr) has a
# line matching the extended regular expression REGEX.
check_grep() {
    local desc=$1 regex=$2 out rc=0
    shift 2
    out=$(_uvs_scratch)
    "$@" >"$out" 2>&1 || rc=$?
    if [ "$rc" -eq 0 ] && grep -qE -- "$regex" "$out"; then
        _uvs_pass "$desc"
        rm -f "$out"
        return 0
    fi
    printf '$ %s\n(exit status %d; expected a line matching /%s/)\n' "$*" "$rc" "$regex" >"$out.cmd"
    _uvs_fail "$desc" "$out.cmd" "$out"
    rm -f "$out" "$out.cmd"
    return 1
}

# wait_until TIMEOUT_S CMD... — runs CMD every 0.1 s until it succeeds (returns 0) or TIMEOUT_S
# seconds (may be fractional) pass (returns 1, after one last run showing CMD's output).
wait_until() {
    local timeout=$1 now deadline
    shift
    now=${EPOCHREALTIME/./}
    deadline=$((now + $(awk -v t="$timeout" 'BEGIN { printf "%d", t * 1000000 }')))
    while :; do
        "$@" >/dev/null 2>&1 && return 0
        now=${EPOCHREALTIME/./}
        [ "$now" -lt "$deadline" ] || break
        sleep 0.1
    done
    echo "wait_until: '$*' still failing after ${timeout}s:" >&2
    "$@" 2>&1 | sed 's/^/    /' >&2
    return 1
}
