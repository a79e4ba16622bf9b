#!/bin/bash
# test-vsctl-wait.sh — uvs-vsctl waits for a running uvs-vswitchd to apply each change (cur_cfg
# reaches next_cfg) and then reports, as ovs-vsctl 3.x does, the interfaces of the change that the
# daemon could not set up (new ones, and — beyond ovs-vsctl — changed ones with a new error): a warning on stderr naming the interface and its Interface.error, exit
# status 0 (the configuration was applied; the device is what failed). With the daemon stopped,
# --timeout gives up with a message saying what it waited for.
. "$(dirname "$0")/common.sh"
uvs_require_root
uvs_test_init vsctl-wait

BR=br$UVS_SFX
check "uvsdb-server starts" uvs_start_db || uvs_test_finish
check "uvs-vswitchd starts" uvs_start_vswitchd || uvs_test_finish

check "add-br waits for uvs-vswitchd and succeeds" uvs-vsctl --timeout=30 add-br "$BR"
check_output "after it returned, cur_cfg equals next_cfg" "$(uvs-vsctl get Open_vSwitch . next_cfg)" \
    uvs-vsctl get Open_vSwitch . cur_cfg
check_output "the bridge's port has its ofport already (the daemon applied the change)" "65534" \
    uvs-vsctl get Interface "$BR" ofport

# A port that cannot be set up: the command succeeds (exit 0) and warns on stderr.
BAD=x$UVS_SFX
out=$(_uvs_scratch)
rc=0
uvs-vsctl --timeout=30 add-port "$BR" "$BAD" -- set Interface "$BAD" type=frobnicator \
    >"$out" 2>"$out.err" || rc=$?
check_output "add-port of a port the daemon cannot open exits 0, prints nothing on stdout" \
    "0 " echo "$rc $(cat "$out")"
check_grep "and warns on stderr with the Interface.error" \
    "^uvs-vsctl: Error detected while setting up '$BAD': unsupported interface type \"frobnicator\".*  See uvs-vswitchd log for details\\.$" \
    cat "$out.err"
check_grep "and says where the log is" \
    "^uvs-vsctl: The default log directory is \"$UVS_LOGDIR\"\\.$" cat "$out.err"
rm -f "$out" "$out.err"

# Only interfaces this invocation created are reported.
check_output "a later change does not report the old failed port again" "" \
    sh -c "uvs-vsctl --timeout=30 set Bridge $BR other_config:a=b 2>&1"
check_output "a port that works: no warning" "" \
    sh -c "uvs-vsctl --timeout=30 add-port $BR i$UVS_SFX -- set Interface i$UVS_SFX type=internal 2>&1"
# Beyond ovs-vsctl: a change to an existing interface that makes it fail is reported too ...
check_grep "changing a working interface to an unusable type warns" \
    "^uvs-vsctl: Error detected while setting up 'i$UVS_SFX': unsupported interface type" \
    sh -c "uvs-vsctl --timeout=30 set Interface i$UVS_SFX type=frobnicator 2>&1"
# ... but an error it already had is not reported again.
check_output "another change to the failed interface does not repeat its error" "" \
    sh -c "uvs-vsctl --timeout=30 set Interface i$UVS_SFX external_ids:k=v 2>&1"
check_output "--no-wait does not wait and so reports nothing" "" \
    sh -c "uvs-vsctl --no-wait add-port $BR y$UVS_SFX -- set Interface y$UVS_SFX type=frobnicator 2>&1"

# Daemon down: --timeout gives up with a clear message and exit 142.
check "uvs-vswitchd stops" uvs-appctl -t uvs-vswitchd exit
wait_until 10 sh -c "! kill -0 $(cat "$UVS_RUNDIR/uvs-vswitchd.pid" 2>/dev/null || echo 0) 2>/dev/null"
next=$(uvs-vsctl get Open_vSwitch . next_cfg)
cur=$(uvs-vsctl get Open_vSwitch . cur_cfg)
rc=0
err=$(uvs-vsctl --timeout=2 set Bridge "$BR" other_config:c=d 2>&1) || rc=$?
check_output "with uvs-vswitchd down, --timeout expires: exit 142 and what it waited for" \
    "142 uvs-vsctl: timeout waiting for uvs-vswitchd to apply the change (cur_cfg=$cur, next_cfg=$((next + 1))): is uvs-vswitchd running?" \
    echo "$rc $err"
check_output "the change itself was committed" "d" uvs-vsctl get Bridge "$BR" other_config:c

uvs_test_finish
