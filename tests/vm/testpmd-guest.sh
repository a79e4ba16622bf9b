# shellcheck shell=bash
# tests/vm/testpmd-guest.sh — dpdk-testpmd as a vhost-user guest (net_virtio_user), for the vhost
# tests. Source it after tests/integration/common.sh and uvs_test_init.
#
#   guest_start NAME MODE SOCKET [VIRTIO_USER_ARGS [TESTPMD_ARGS...]]
#       starts testpmd in forward mode MODE (txonly, rxonly, io, macswap) on one virtio-user
#       port attached to SOCKET; VIRTIO_USER_ARGS are extra devargs such as "server=1,queues=2"
#       (server=1: testpmd listens and uvs connects, for dpdkvhostuserclient ports).
#   guest_stop NAME        SIGINT: testpmd stops forwarding, prints its totals and exits.
#   guest_kill NAME        SIGKILL: the guest vanishes without a word (a crashed VM).
#   guest_stat NAME KEY    after guest_stop: the accumulated RX-packets, TX-packets, ... count.
#   guest_live_stat NAME KEY   while it runs: the count in its last once-a-second statistics.
#   guest_pid NAME
#
# Each testpmd is its own DPDK primary process: its own --file-prefix (recorded for the common
# cleanup), --no-pci, --no-shconf, and 128 MB of ordinary memory (--no-huge: DPDK then backs it
# with a memfd, which virtio-user can share with the vhost backend), so the guests take none of
# the hugepages the machine's other DPDK processes need. Its two lcores (main and forwarding)
# share CPU 0, leaving CPU 1 to the uvs PMD thread. Output goes to T/guest-NAME.log (earlier runs
# of the same NAME are kept as T/guest-NAME.N.log).

declare -A GUEST_PIDS=() GUEST_RUNS=()

guest_start() {
    local name=$1 mode=$2 sock=$3 vargs=${4:-} prefix
    shift 3
    [ $# -gt 0 ] && shift
    prefix=uvsg$UVS_SFX$name
    # Like QEMU's server=on, replace a socket a killed predecessor left behind.
    case ",$vargs," in *,server=1,*) rm -f "$sock" ;; esac
    UVS_TEST_DPDK_PREFIXES+=("$prefix")
    [ -f "$UVS_TEST_DIR/guest-$name.log" ] &&
        mv "$UVS_TEST_DIR/guest-$name.log" "$UVS_TEST_DIR/guest-$name.${GUEST_RUNS[$name]}.log"
    # Started from a subshell so that it is no job of the test's shell (no "Killed" notices).
    GUEST_PIDS[$name]=$(
        dpdk-testpmd --lcores=0@0,1@0 --no-pci --no-huge --no-shconf -m 128 \
            --file-prefix="$prefix" --log-level=pmd.net.virtio.*:error \
            --vdev "net_virtio_user_$name,path=$sock${vargs:+,$vargs}" -- \
            --forward-mode="$mode" --stats-period=1 --total-num-mbufs=4096 --txd=512 --rxd=512 \
            "$@" >"$UVS_TEST_DIR/guest-$name.log" 2>&1 </dev/null &
        echo $!)
    GUEST_RUNS[$name]=$(( ${GUEST_RUNS[$name]:-0} + 1 ))
    UVS_TEST_PIDS+=("${GUEST_PIDS[$name]}")
}

guest_pid() {
    echo "${GUEST_PIDS[$1]:-}"
}

# guest_running NAME — testpmd is forwarding (it printed its first statistics).
guest_running() {
    local pid=${GUEST_PIDS[$1]:-}
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null &&
        grep -q "nb forwarding ports=[1-9]" "$UVS_TEST_DIR/guest-$1.log" &&
        grep -q "Port statistics" "$UVS_TEST_DIR/guest-$1.log"
}

_guest_wait_exit() {
    local pid=$1 i
    for i in $(seq 1 100); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null
    return 1
}

guest_stop() {
    local pid=${GUEST_PIDS[$1]:-}
    [ -n "$pid" ] || return 1
    kill -INT "$pid" 2>/dev/null
    _guest_wait_exit "$pid"
    unset "GUEST_PIDS[$1]"
    grep -q "Accumulated forward statistics" "$UVS_TEST_DIR/guest-$1.log"
}

guest_kill() {
    local pid=${GUEST_PIDS[$1]:-}
    [ -n "$pid" ] || return 1
    kill -KILL "$pid" 2>/dev/null
    _guest_wait_exit "$pid"
    unset "GUEST_PIDS[$1]"
    # A killed primary leaves its runtime directory behind; remove it now, not at the end.
    rm -rf "/var/run/dpdk/uvsg$UVS_SFX$1"
}

# guest_live_stat NAME KEY — while testpmd runs: KEY (RX-packets, TX-packets) of its port as of
# its last once-a-second statistics.
guest_live_stat() {
    grep -aoE "$2: *[0-9]+" "$UVS_TEST_DIR/guest-$1.log" | tail -1 | grep -oE '[0-9]+$'
}

# guest_stat NAME KEY — KEY is RX-packets, RX-dropped, TX-packets or TX-dropped.
guest_stat() {
    sed -n '/Accumulated forward statistics/,/+++++*$/p' "$UVS_TEST_DIR/guest-$1.log" |
        grep -oE "$2: *[0-9]+" | head -1 | grep -oE '[0-9]+$'
}
