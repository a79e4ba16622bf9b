#!/bin/bash
# Interop: Debian's ovs-vsctl (OVS 3.1) and uvs-vsctl, *without* --no-wait, against uvsdb-server
# and a running uvs-vswitchd. Both wait until the daemon has applied each change (cur_cfg reaches
# next_cfg), and both warn in the same words about a port the daemon could not set up, with exit
# status 0 — only the program names and the log directory differ.
. "$(dirname "$0")/../integration/common.sh"
uvs_require_root
command -v ovs-vsctl >/dev/null ||
    uvs_test_skip "ovs-vsctl not installed (scripts/setup installs openvswitch-switch)"
uvs_test_init vsctl-ovs-wait

BR=br$UVS_SFX
check "uvsdb-server starts" uvs_start_db || uvs_test_finish
check "uvs-vswitchd starts" uvs_start_vswitchd || uvs_test_finish
OVS=(ovs-vsctl "--db=unix:$UVS_RUNDIR/db.sock" --timeout=30)
UVS=(uvs-vsctl --timeout=30)

# shellcheck disable=SC2317  # called through check_output
cfg_applied() {
    local cur next
    cur=$(uvs-vsctl get Open_vSwitch . cur_cfg)
    next=$(uvs-vsctl get Open_vSwitch . next_cfg)
    [ "$cur" = "$next" ] && echo applied || echo "cur_cfg=$cur next_cfg=$next"
}

check "ovs-vsctl add-br waits for uvs-vswitchd" "${OVS[@]}" add-br "$BR"
check_output "when it returns, cur_cfg equals next_cfg" applied cfg_applied
check "uvs-vsctl add-port waits too" "${UVS[@]}" add-port "$BR" "i$UVS_SFX" \
    -- set Interface "i$UVS_SFX" type=internal
check_output "cur_cfg equals next_cfg again" applied cfg_applied

# The same failing port, once per tool; compare their warnings with the names normalized.
# run_bad TOOL... NAME — prints "rc=N" and the tool's stderr (program and daemon names, log
# directory and the port name masked).
run_bad() {
    local name=${*: -1} rc=0 err
    local tool=("${@:1:$#-1}")
    err=$("${tool[@]}" add-port "$BR" "$name" -- set Interface "$name" type=frobnicator 2>&1 \
          >/dev/null) || rc=$?
    echo "rc=$rc"
    printf '%s\n' "$err" | sed -E -e 's/^(ovs|uvs)-vsctl:/VSCTL:/' \
        -e 's/See (ovs|uvs)-vswitchd log/See VSWITCHD log/' \
        -e 's/log directory is ".*"/log directory is LOGDIR/' -e "s/'$name'/'PORT'/"
}
ovs_out=$(run_bad "${OVS[@]}" "xo$UVS_SFX")
uvs_out=$(run_bad "${UVS[@]}" "xu$UVS_SFX")
check_grep "ovs-vsctl warns about the port uvs-vswitchd could not set up, exit 0" \
    "^VSCTL: Error detected while setting up 'PORT': unsupported interface type" \
    echo "$ovs_out"
check_grep "(exit status 0)" "^rc=0$" echo "$ovs_out"
check_output "uvs-vsctl prints the same warning and exit status" "$ovs_out" echo "$uvs_out"

uvs_test_finish
