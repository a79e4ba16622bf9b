#!/bin/bash
# Interop: uvs-ofctl dump-table-features prints what Debian's ovs-ofctl 3.1 prints for the same
# bridge, byte for byte (its layout: instructions, Write-/Apply-Actions features, matching by
# mask kind, equal tables folded into "tables 1...252: ditto"), in each of OpenFlow 1.3, 1.4 and
# 1.5; and again after a table-mod changes nothing (the folding does not depend on the reply
# being split into several multipart messages).
. "$(dirname "$0")/../integration/common.sh"
uvs_require_root
command -v ovs-ofctl >/dev/null \
    || uvs_test_skip "ovs-ofctl not installed (scripts/setup installs openvswitch-common)"
uvs_test_init ovs-ofctl-tf

BR=br$UVS_SFX
check "uvsdb-server starts" uvs_start_db || uvs_test_finish
check "uvs-vswitchd starts" uvs_start_vswitchd || uvs_test_finish
check "add-br" uvs-vsctl --timeout=30 add-br "$BR"
MGMT=unix:$UVS_RUNDIR/$BR.mgmt

for v in 13 14 15; do
    ovs-ofctl -O OpenFlow$v dump-table-features "$MGMT" >"$UVS_TEST_DIR/ovs$v.txt" 2>&1
    uvs-ofctl -O OpenFlow$v dump-table-features "$BR" >"$UVS_TEST_DIR/uvs$v.txt" 2>&1
    check_grep "OpenFlow$v: ovs-ofctl folds tables 1-252" "^  tables 1...252: ditto$" \
        cat "$UVS_TEST_DIR/ovs$v.txt"
    check "OpenFlow$v: uvs-ofctl prints what ovs-ofctl prints" \
        diff -u "$UVS_TEST_DIR/ovs$v.txt" "$UVS_TEST_DIR/uvs$v.txt"
done
check_grep "table 0 lists its matching fields" "^      arbitrary mask: .*eth_{src,dst}" \
    cat "$UVS_TEST_DIR/uvs13.txt"
check_grep "table 253 has no goto_table" \
    "^      instructions: apply_actions clear_actions write_actions write_metadata$" \
    bash -c "sed -n '/^  table 253:/,\$p' $UVS_TEST_DIR/uvs13.txt"

uvs_test_finish
