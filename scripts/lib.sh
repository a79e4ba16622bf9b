# shellcheck shell=bash disable=SC2034  # variables are used by the sourcing scripts
# scripts/lib.sh — shell helpers shared by scripts/setup, scripts/test and scripts/demo.
#
# Sourced, never run. Each script sets UVS_SCRIPT (its short name, used as the message prefix) before
# sourcing. Nothing here changes the system by itself.

UVS_SCRIPT=${UVS_SCRIPT:-uvs}
UVS_QUIET=${UVS_QUIET:-0}
# The repository root: the parent of the directory holding this file.
UVS_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# say MSG... — one short progress line on stdout (silent with --quiet).
say() {
    [ "$UVS_QUIET" = 1 ] || printf '%s: %s\n' "$UVS_SCRIPT" "$*"
}

# warn MSG... — a line on stderr, always shown.
warn() {
    printf '%s: %s\n' "$UVS_SCRIPT" "$*" >&2
}

# die MSG... — warn and exit 1.
die() {
    warn "$@"
    exit 1
}

is_root() {
    [ "$(id -u)" -eq 0 ]
}

# need_root WHAT — exit with a clear message when not root.
need_root() {
    is_root || die "$1 needs root (try: sudo $0 ...)"
}

# pkg_installed PKG — true when dpkg says PKG is installed.
pkg_installed() {
    local status
    status=$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null) || return 1
    [ "$status" = "install ok installed" ]
}

# run_logged LOG CMD... — runs CMD; with --quiet its output goes to LOG, and on failure the last lines
# of LOG are shown. Returns CMD's status.
run_logged() {
    local log=$1 rc=0
    shift
    if [ "$UVS_QUIET" = 1 ]; then
        "$@" >"$log" 2>&1 || rc=$?
        if [ "$rc" -ne 0 ]; then
            warn "'$*' failed (exit $rc); last lines of $log:"
            tail -n 40 "$log" >&2
        fi
    else
        "$@" || rc=$?
    fi
    return "$rc"
}
