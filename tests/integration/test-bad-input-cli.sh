#!/bin/bash
# Every tool given wrong arguments prints one line on stderr that names the problem, and exits
# non-zero (issue 8, "Bad input: CLI").
. "$(dirname "$0")/common.sh"
uvs_test_init bad-input-cli

# one_line_error DESC PATTERN CMD... — CMD fails, stderr is exactly one line matching PATTERN.
one_line_error() {
    local desc=$1 pattern=$2 err rc
    shift 2
    err=$("$@" 2>&1 >/dev/null </dev/null)
    rc=$?
    if [ "$rc" -ne 0 ] && [ "$(printf '%s\n' "$err" | grep -c '')" -eq 1 ] &&
            printf '%s\n' "$err" | grep -qE -- "$pattern"; then
        _uvs_pass "$desc"
    else
        _uvs_fail "$desc"
        printf '    exit status %s, stderr:\n%s\n' "$rc" "$err" | sed '2,$s/^/    /'

    fi
}

for tool in uvs-vsctl uvs-ofctl uvs-appctl uvs-dpctl uvsdb-client uvsdb-tool uvsdb-server \
            uvs-vswitchd; do
    one_line_error "$tool: unknown long option" "^$tool: .*'--frobnicate'" timeout 10 "$tool" --frobnicate
    one_line_error "$tool: unknown short option" "^$tool: .*'-Z'" timeout 10 "$tool" -Z
done
CTL=$UVS_BUILDDIR/src/cli/uvs-ctl
one_line_error "uvs-ctl: unknown option" "^uvs-ctl: .*'--frobnicate'" "$CTL" --frobnicate
one_line_error "uvs-ctl: unknown command" "^uvs-ctl: .*'frobnicate'" "$CTL" frobnicate
for tool in uvs-vsctl uvs-ofctl uvs-dpctl uvsdb-client uvsdb-tool; do
    one_line_error "$tool: unknown command" "^$tool: .*frobnicate" timeout 10 "$tool" frobnicate
done
one_line_error "uvs-appctl: option without its argument" "^uvs-appctl: option '-t' requires an argument" \
    uvs-appctl -t
one_line_error "uvs-vswitchd: bad database remote" '^uvs-vswitchd: "frob:x": unknown connection method' \
    timeout 10 uvs-vswitchd frob:x
one_line_error "uvsdb-server: missing database file" "^uvsdb-server: .*does-not-exist.db.*uvsdb-tool create" \
    timeout 10 uvsdb-server "$UVS_TEST_DIR/does-not-exist.db"
one_line_error "uvs-ofctl: bad flow syntax names the field" 'nw_dts' \
    uvs-ofctl add-flow "unix:$UVS_TEST_DIR/none.mgmt" "ip,nw_dts=10.0.0.1,actions=drop"
one_line_error "uvs-vsctl: database unreachable says why" "uvs-vsctl: .*db.sock.*(No such file|uvsdb-server)" \
    uvs-vsctl --timeout=5 list-br

uvs_test_finish
