#!/bin/bash
# test-common-selftest.sh — checks the integration-test helpers (common.sh) themselves, without
# the uvs daemons: environment, check/check_output/check_fails/check_grep, wait_until, summary and
# exit status, and that cleanup removes namespaces, veths, processes, DPDK runtime files and the
# temp dir — after uvs_test_finish, after an early 'set -e' exit, and after SIGTERM.
#
# The scenarios run as separate bash processes ("inner" tests) so their deliberate failures do not
# count here; this test then checks what they printed and what they left behind.

HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/integration/common.sh
. "$HERE/common.sh"
uvs_require_root
uvs_test_init common-selftest

# --- The environment uvs_test_init sets up.
check "T exists" test -d "$UVS_TEST_DIR"
check "UVS_RUNDIR, UVS_DBDIR, UVS_LOGDIR exist under T" \
    test -d "$UVS_TEST_DIR/run" -a -d "$UVS_TEST_DIR/db" -a -d "$UVS_TEST_DIR/log" \
         -a "$UVS_RUNDIR" = "$UVS_TEST_DIR/run" -a "$UVS_DBDIR" = "$UVS_TEST_DIR/db" \
         -a "$UVS_LOGDIR" = "$UVS_TEST_DIR/log"
check_fails "uvs_ns of an unknown name fails" uvs_ns nosuch
check_output "PATH starts with the build tree's src/cli" "$UVS_BUILDDIR/src/cli" \
    awk -v p="$PATH" 'BEGIN { split(p, a, ":"); print a[1] }'
check_grep "suffix is 6 hex digits" '^[0-9a-f]{6}$' echo "$UVS_SFX"

# --- The checks on their own (passing cases; the failing ones run in the inner test below).
check_output "check_output compares stdout" "a b" echo "a b"
check_fails "check_fails passes when the command fails" false
check_grep "check_grep matches a line" '^two$' printf 'one\ntwo\nthree\n'
counter=0
# shellcheck disable=SC2317  # called through check
bump() { counter=$((counter + 1)); }
check "check runs functions in this shell" bump
check_output "so their side effects stay" 1 echo "$counter"

# --- wait_until: succeeds once the condition holds, gives up after its timeout.
flag=$UVS_TEST_DIR/flag
( sleep 0.3; touch "$flag" ) &
check "wait_until sees a condition that becomes true" wait_until 5 test -e "$flag"
start=${EPOCHREALTIME/./}
wait_until 0.5 false 2>/dev/null
rc=$?
elapsed_ms=$(( (${EPOCHREALTIME/./} - start) / 1000 ))
check_output "wait_until returns 1 on timeout" 1 echo "$rc"
check "wait_until gives up after about its timeout (took ${elapsed_ms} ms)" \
    test "$elapsed_ms" -ge 450 -a "$elapsed_ms" -lt 3000

# --- Inner test 1: failures, summary, exit status, namespaces, and a fake DPDK daemon.
common=$HERE/common.sh
out=$UVS_TEST_DIR/inner1.out
cat >"$UVS_TEST_DIR/inner1.sh" <<EOF
. "$common"
uvs_test_init selftest-inner1
echo "\$UVS_TEST_DIR" >"$UVS_TEST_DIR/inner1.dir"
uvs_add_ns a 10.250.0.1
uvs_add_ns b 10.250.1.1/30
echo "\$(uvs_ns a) \$(uvs_veth a) \$(uvs_ns b) \$(uvs_veth b)" >"$UVS_TEST_DIR/inner1.names"
check "inner: eth0 in a has its address" uvs_ns_exec a ip -4 -o addr show dev eth0 to 10.250.0.1/32
# The host end takes an address so the host can reach the test host in a through the veth.
ip addr add 10.250.0.254/24 dev "\$(uvs_veth a)"
check "inner: the veth pair carries traffic" ping -c 1 -W 2 10.250.0.1
check "inner: deliberate failure" false
check_output "inner: deliberate mismatch" expected echo actual
# A fake daemon holding a DPDK runtime file open, as DPDK's primary process does.
prefix=uvsselftest\$UVS_SFX
mkdir -p "/var/run/dpdk/\$prefix"
: >"/var/run/dpdk/\$prefix/config"
mnt=\$(awk '\$3 == "hugetlbfs" { print \$2; exit }' /proc/mounts)
[ -n "\$mnt" ] && : >"\$mnt/\${prefix}map_0"
echo "\$prefix \$mnt" >"$UVS_TEST_DIR/inner1.dpdk"
bash -c 'exec 3<"\$1"; exec -a "fake-daemon \$2" sleep 60' _ "/var/run/dpdk/\$prefix/config" "\$UVS_TEST_DIR" &
echo \$! >"\$UVS_RUNDIR/fake.pid"
echo \$! >"$UVS_TEST_DIR/inner1.pid"
wait_until 5 test -e "/proc/\$!/fd/3"
_uvs_record_daemon "\$UVS_RUNDIR/fake.pid"
echo "echo-log-line" >"\$UVS_LOGDIR/fake.log"
uvs_test_finish
EOF
bash "$UVS_TEST_DIR/inner1.sh" >"$out" 2>&1
rc=$?
sed 's/^/    inner1| /' "$out"
check_output "a test with failed checks exits 1" 1 echo "$rc"
check_grep "it prints the summary line" '^2 passed, 2 failed$' cat "$out"
check_grep "it names each failed check" '^  - inner: deliberate failure$' cat "$out"
check_grep "it shows the failing command" '^    \$ false$' cat "$out"
check_grep "it shows the expected/actual diff" '^    \+actual$' cat "$out"
check_grep "it dumps the daemon log tails" 'echo-log-line' cat "$out"
read -r ns_a veth_a ns_b veth_b <"$UVS_TEST_DIR/inner1.names"
check "veth names fit in 15 characters" test ${#veth_a} -le 15 -a ${#veth_b} -le 15
check "namespace names carry the suffix" test -n "$ns_a" -a "$ns_a" != "$ns_b"
check_fails "its namespace a is gone" ip netns exec "$ns_a" true
check_fails "its namespace b is gone" ip netns exec "$ns_b" true
check_fails "its veth a is gone" ip link show "$veth_a"
check_fails "its veth b is gone" ip link show "$veth_b"
check_fails "its temp dir is gone" test -e "$(cat "$UVS_TEST_DIR/inner1.dir")"
read -r prefix mnt <"$UVS_TEST_DIR/inner1.dpdk"
check_fails "its DPDK runtime dir is gone" test -e "/var/run/dpdk/$prefix"
if [ -n "$mnt" ]; then
    check_fails "its hugepage file is gone" test -e "$mnt/${prefix}map_0"
fi
check_fails "its daemon process is gone" kill -0 "$(cat "$UVS_TEST_DIR/inner1.pid")"

# --- Inner test 2: 'set -e' ends the test early; the summary still prints and cleanup runs.
out=$UVS_TEST_DIR/inner2.out
cat >"$UVS_TEST_DIR/inner2.sh" <<EOF
set -e
. "$common"
uvs_test_init selftest-inner2
echo "\$UVS_TEST_DIR" >"$UVS_TEST_DIR/inner2.dir"
check "inner2: passes" true
false
check "inner2: never reached" true
EOF
bash "$UVS_TEST_DIR/inner2.sh" >"$out" 2>&1
rc=$?
sed 's/^/    inner2| /' "$out"
check_output "an early exit keeps its failing status" 1 echo "$rc"
check_grep "it says the test ended early" 'ended before uvs_test_finish' cat "$out"
check_grep "it prints the summary so far" '^1 passed, 0 failed$' cat "$out"
check_fails "its temp dir is gone" test -e "$(cat "$UVS_TEST_DIR/inner2.dir")"

# --- Inner test 3: SIGTERM (meson's timeout) still cleans up.
cat >"$UVS_TEST_DIR/inner3.sh" <<EOF
. "$common"
uvs_test_init selftest-inner3
echo "\$UVS_TEST_DIR" >"$UVS_TEST_DIR/inner3.dir"
uvs_add_ns c 10.250.2.1
echo "\$(uvs_ns c) \$(uvs_veth c)" >"$UVS_TEST_DIR/inner3.names"
sleep 20 &
wait \$!
EOF
bash "$UVS_TEST_DIR/inner3.sh" >"$UVS_TEST_DIR/inner3.out" 2>&1 &
inner3=$!
check "the third inner test set up its namespace" wait_until 10 test -s "$UVS_TEST_DIR/inner3.names"
kill -TERM "$inner3"
wait "$inner3"
rc=$?
check_output "SIGTERM ends it with status 143" 143 echo "$rc"
read -r ns_c veth_c <"$UVS_TEST_DIR/inner3.names"
check_fails "its namespace is gone" ip netns exec "$ns_c" true
check_fails "its veth is gone" ip link show "$veth_c"
check_fails "its temp dir is gone" test -e "$(cat "$UVS_TEST_DIR/inner3.dir")"

uvs_test_finish
