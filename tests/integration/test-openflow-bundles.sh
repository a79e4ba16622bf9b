#!/bin/bash
# OpenFlow 1.4 bundles and the uvs-ofctl features of issue 6 beyond flows: `--bundle` applies a
# file of flows all or none (one bad flow-mod changes nothing and names the error); group
# statistics count packets; group and table features; version negotiation picks the highest
# common version; uvs-ofctl over tcp: and ssl: targets (ptcp:/pssl: controller listeners); snoop
# shows a controller's flow-mod; fast-failover follows a port going down.
. "$(dirname "$0")/common.sh"
uvs_require_root
uvs_test_init of-bundles

BR=br$UVS_SFX
P=$UVS_TEST_DIR
SNOOP_PID=
trap 'rc=$?; [ -n "$SNOOP_PID" ] && kill "$SNOOP_PID" 2>/dev/null; (exit $rc); uvs_test_cleanup' \
    EXIT

check "uvsdb-server starts" uvs_start_db || uvs_test_finish
check "uvs-vswitchd starts" uvs_start_vswitchd || uvs_test_finish
check "namespace a" uvs_add_ns a 10.19.0.1 || uvs_test_finish
check "namespace b" uvs_add_ns b 10.19.0.2 || uvs_test_finish
check "add-br" uvs-vsctl --timeout=30 add-br "$BR"
check "add-port a" uvs-vsctl --timeout=30 add-port "$BR" "$(uvs_veth a)" -- \
    set Interface "$(uvs_veth a)" ofport_request=1
check "add-port b" uvs-vsctl --timeout=30 add-port "$BR" "$(uvs_veth b)" -- \
    set Interface "$(uvs_veth b)" ofport_request=2
check "del-flows" uvs-ofctl del-flows "$BR"

# --- Version negotiation: the highest version both sides speak, unless -O restricts it.
check_grep "uvs-ofctl negotiates the highest common version" '^OFPST_FLOW reply \(OF1\.[45]\)' \
    uvs-ofctl dump-flows "$BR"
check_grep "-O OpenFlow13 restricts it" '^OFPST_FLOW reply \(OF1\.3\)' \
    uvs-ofctl -O OpenFlow13 dump-flows "$BR"

# --- Bundles: all or none.
cat >"$P/good.flows" <<'FLOWS'
priority=10,in_port=1,actions=output:2
priority=10,in_port=2,actions=output:1
table=1,priority=5,ip,actions=drop
FLOWS
check "--bundle add-flows applies the file" uvs-ofctl --bundle add-flows "$BR" "$P/good.flows"
check_output "all three flows are there" "3" bash -c "uvs-ofctl dump-flows $BR | grep -c priority="
check "a pings b through the bundled flows" wait_until 10 uvs_ns_exec a ping -c 1 -W 1 10.19.0.2

cat >"$P/bad.flows" <<'FLOWS'
priority=20,in_port=1,udp,actions=drop
priority=20,in_port=1,tcp,actions=group:99
priority=20,in_port=1,icmp,actions=drop
FLOWS
check_grep "a bundle with a flow-mod naming a missing group fails with its error" \
    "OFPBAC_BAD_OUT_GROUP \(flow-mod at $P/bad.flows:2" \
    bash -c "uvs-ofctl --bundle add-flows $BR $P/bad.flows 2>&1; true"
check_fails "... and exits non-zero" uvs-ofctl --bundle add-flows "$BR" "$P/bad.flows"
check_output "... and none of its flows was added" "0" \
    bash -c "uvs-ofctl dump-flows $BR | grep -c priority=20 || true"
check "a still pings b (nothing changed)" uvs_ns_exec a ping -c 1 -W 1 10.19.0.2

# check_overlap against a flow added earlier in the same bundle.
printf '%s\n' "priority=30,ip,actions=drop" \
    "check_overlap,priority=30,ip,nw_dst=10.0.0.1,actions=drop" \
    >"$P/overlap.flows"
check_grep "overlapping adds in one bundle fail" "OFPFMFC_OVERLAP" \
    bash -c "uvs-ofctl --bundle add-flows $BR $P/overlap.flows 2>&1; true"
check_output "... and leave no flow of priority 30" "0" \
    bash -c "uvs-ofctl dump-flows $BR | grep -c priority=30 || true"

check "--bundle del-flows" uvs-ofctl --bundle del-flows "$BR" "table=1"
check_output "the table 1 flow is gone" "2" bash -c "uvs-ofctl dump-flows $BR | grep -c priority="
check "--bundle replace-flows" uvs-ofctl --bundle replace-flows "$BR" "$P/good.flows"
check_output "replace-flows restored three flows" "3" \
    bash -c "uvs-ofctl dump-flows $BR | grep -c priority="
check "--bundle mod-flows" uvs-ofctl --bundle mod-flows "$BR" "table=1,ip,actions=output:1"
check_grep "mod-flows changed the actions" "table=1, .*priority=5,ip actions=output:1" \
    uvs-ofctl dump-flows "$BR"
# add-flows lines may start with a flow-mod command (ovs-ofctl's syntax).
printf '%s\n' "delete table=1" "add priority=11,in_port=1,udp,actions=drop" >"$P/mixed.flows"
check "--bundle add-flows with delete and add lines" \
    uvs-ofctl --bundle add-flows "$BR" "$P/mixed.flows"
check_output "the delete ran" "0" bash -c "uvs-ofctl dump-flows $BR table=1 | grep -c priority=; true"
check_output "the add ran" "1" bash -c "uvs-ofctl dump-flows $BR | grep -c priority=11"
check "del-flows priority=11" uvs-ofctl --strict del-flows "$BR" "priority=11,in_port=1,udp"
check "restore table 1" uvs-ofctl add-flow "$BR" "table=1,priority=5,ip,actions=output:1"

# bundle: groups and flows together, a flow using a group added earlier in the same bundle.
cat >"$P/mixed.bundle" <<'BUNDLE'
group add group_id=30,type=indirect,bucket=output:2
flow add priority=60,in_port=1,icmp,actions=group:30
BUNDLE
check "bundle: a group and a flow using it" uvs-ofctl bundle "$BR" "$P/mixed.bundle"
check_grep "the group exists" "^ group_id=30,type=indirect" uvs-ofctl dump-groups "$BR"
check_grep "the flow uses it" "priority=60,icmp,in_port=1 actions=group:30" \
    uvs-ofctl dump-flows "$BR"
cat >"$P/bad.bundle" <<'BUNDLE'
group add group_id=31,type=indirect,bucket=output:2
group delete group_id=30
flow add priority=61,in_port=1,icmp,actions=group:30
BUNDLE
check_grep "bundle: a flow using a group deleted earlier in the bundle fails" \
    "OFPBAC_BAD_OUT_GROUP \(flow-mod at $P/bad.bundle:3" \
    bash -c "uvs-ofctl bundle $BR $P/bad.bundle 2>&1; true"
check_fails "... group 31 was not added" bash -c "uvs-ofctl dump-groups $BR | grep -q group_id=31"
check "... group 30 and its flow are still there" bash -c \
    "uvs-ofctl dump-groups $BR | grep -q group_id=30 && uvs-ofctl dump-flows $BR | grep -q group:30"
check_grep "bundle: an existing group cannot be added again" "OFPGMFC_GROUP_EXISTS" \
    bash -c "uvs-ofctl --bundle add-group $BR group_id=30,type=all,bucket=output:1 2>&1; true"
check "--bundle del-groups" uvs-ofctl --bundle del-groups "$BR" group_id=30
check_fails "group 30 and its flow are gone" bash -c \
    "uvs-ofctl dump-groups $BR | grep -q group_id=30 || uvs-ofctl dump-flows $BR | grep -q group:30"

check_grep "--bundle with -O OpenFlow13 is refused" "needs OpenFlow 1.4" \
    bash -c "uvs-ofctl -O OpenFlow13 --bundle add-flow $BR actions=drop 2>&1; true"

# --- Group statistics count packets; group and table features.
check "add-group indirect" uvs-ofctl add-group "$BR" "group_id=7,type=indirect,bucket=output:2"
check "a's traffic goes through group 7" \
    uvs-ofctl add-flow "$BR" "priority=15,in_port=1,actions=group:7"
check "a pings b through the group" wait_until 10 uvs_ns_exec a ping -c 3 -i 0.2 -W 1 10.19.0.2
check "the group's counters reach ofproto" wait_until 5 \
    bash -c "uvs-ofctl dump-group-stats $BR | grep -qE 'group_id=7,.*,packet_count=[1-9]'"
check_grep "dump-group-stats counts the group's and the bucket's packets" \
    '^ group_id=7,duration=[0-9.]+s,ref_count=1,packet_count=[1-9][0-9]*,byte_count=[1-9][0-9]*,'\
'bucket0:packet_count=[1-9][0-9]*,byte_count=[1-9]' \
    uvs-ofctl dump-group-stats "$BR"
check_grep "dump-group-stats group_id=7" "^ group_id=7," uvs-ofctl dump-group-stats "$BR" group_id=7
check_output "dump-group-stats of an unknown group lists none" "" \
    bash -c "uvs-ofctl dump-group-stats $BR group_id=8 | grep group_id || true"
check_grep "dump-group-features lists the four types" "Types:  all select indirect ff" \
    uvs-ofctl dump-group-features "$BR"
TF=$(uvs-ofctl dump-table-features "$BR")
check_grep "dump-table-features: table 0" "^  table 0:" echo "$TF"
check_grep "dump-table-features: table 253" "^  table 253:" echo "$TF"
check_grep "dump-table-features: next tables" "next tables: 1-253" echo "$TF"
check_grep "dump-table-features: instructions" \
    "instructions: apply_actions clear_actions write_actions write_metadata goto_table" echo "$TF"

# --- tcp: and ssl: targets: ptcp:/pssl: controller listeners on the bridge.
PORT=$((20000 + RANDOM % 20000))
command -v openssl >/dev/null || uvs_test_skip "openssl is not installed"
check "CA certificate" openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$P/ca.key" -subj "/CN=uvs-test-ca" -days 2 -out "$P/ca.crt"
for n in switch ctl; do
    check "$n certificate" bash -c "openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
        -nodes -keyout $P/$n.key -subj /CN=$n -out $P/$n.csr 2>/dev/null &&
        openssl x509 -req -in $P/$n.csr -CA $P/ca.crt -CAkey $P/ca.key -CAcreateserial -days 2 \
        -out $P/$n.crt 2>/dev/null"
done
check "set-ssl" uvs-vsctl set-ssl "$P/switch.key" "$P/switch.crt" "$P/ca.crt"
check "controllers ptcp: and pssl:" uvs-vsctl set-controller "$BR" \
    "ptcp:$PORT:127.0.0.1" "pssl:$((PORT + 1)):127.0.0.1"
check "the ptcp: listener is up" wait_until 10 uvs-ofctl -t 2 dump-desc "tcp:127.0.0.1:$PORT"
check "tcp: target: add-flow (a controller connection)" \
    uvs-ofctl add-flow "tcp:127.0.0.1:$PORT" "priority=40,in_port=2,actions=output:1"
check_grep "tcp: target: dump-flows" "priority=40,in_port=2 actions=output:1" \
    uvs-ofctl dump-flows "tcp:127.0.0.1:$PORT"
SSLOPTS="--private-key=$P/ctl.key --certificate=$P/ctl.crt --ca-cert=$P/ca.crt"
check "the pssl: listener is up" wait_until 10 \
    uvs-ofctl -t 5 $SSLOPTS dump-desc "ssl:127.0.0.1:$((PORT + 1))"
check_grep "ssl: target: dump-flows" "priority=40,in_port=2 actions=output:1" \
    uvs-ofctl -t 5 $SSLOPTS dump-flows "ssl:127.0.0.1:$((PORT + 1))"
check_grep "ssl: target without certificates is refused with a hint" "needs --private-key" \
    bash -c "uvs-ofctl dump-flows ssl:127.0.0.1:$((PORT + 1)) 2>&1; true"

# --- snoop: a flow-mod sent by a controller shows up.
uvs-ofctl snoop "$BR" >"$P/snoop.txt" 2>&1 &
SNOOP_PID=$!
check "snoop connects" wait_until 10 test -S "$UVS_RUNDIR/$BR.snoop"
sleep 0.5
check "a controller (tcp:) adds a flow" \
    uvs-ofctl add-flow "tcp:127.0.0.1:$PORT" "priority=41,in_port=2,udp,actions=drop"
check "snoop prints the controller's flow-mod" wait_until 10 grep -q \
    "OFPT_FLOW_MOD .*priority=41,udp,in_port=2 actions=drop" "$P/snoop.txt"
check_grep "snoop prints the switch's replies too" "OFPT_BARRIER_REPLY" cat "$P/snoop.txt"
check "a controller commits a bundle" \
    uvs-ofctl --bundle add-flow "tcp:127.0.0.1:$PORT" "priority=42,in_port=2,tcp,actions=drop"
check "snoop prints the bundled flow-mod" wait_until 10 grep -q \
    "OFPT_BUNDLE_ADD_MESSAGE .*bundle_id=0 OFPT_FLOW_MOD" "$P/snoop.txt"
check "snoop prints the commit reply" wait_until 10 grep -q \
    "OFPT_BUNDLE_CONTROL .*type=COMMIT_REPLY" "$P/snoop.txt"
kill "$SNOOP_PID" 2>/dev/null
wait "$SNOOP_PID" 2>/dev/null
SNOOP_PID=

# --- Fast-failover follows a watched port going down.
check "add-group ff" uvs-ofctl add-group "$BR" \
    "group_id=8,type=ff,bucket=watch_port:2,actions=output:2,bucket=watch_port:1,actions=output:1"
check "icmp from LOCAL uses group 8" uvs-ofctl add-flow "$BR" "priority=50,icmp,actions=group:8"
check_grep "trace: the first bucket is live" "fast-failover group 8: bucket 0 is live" \
    uvs-appctl ofproto/trace "$BR" in_port=LOCAL,icmp
check "port 2 down" uvs-ofctl mod-port "$BR" 2 down
check_grep "trace: port 2 down, the second bucket takes over" \
    "fast-failover group 8: bucket 1 is live" uvs-appctl ofproto/trace "$BR" in_port=LOCAL,icmp
check "port 2 up" uvs-ofctl mod-port "$BR" 2 up
check_grep "trace: back to the first bucket" "fast-failover group 8: bucket 0 is live" \
    uvs-appctl ofproto/trace "$BR" in_port=LOCAL,icmp
# ... and its link: the bridge's LOCAL port is a tap device whose link follows `ip link`.
check "add-group ff watching LOCAL" uvs-ofctl add-group "$BR" \
    "group_id=9,type=ff,bucket=watch_port:LOCAL,actions=output:LOCAL,bucket=watch_port:2,actions=output:2"
check "udp from a uses group 9" uvs-ofctl add-flow "$BR" "priority=50,in_port=1,udp,actions=group:9"
check "LOCAL's link up" ip link set "$BR" up
check "trace: LOCAL's link is up, the first bucket is live" wait_until 10 bash -c \
    "uvs-appctl ofproto/trace $BR in_port=1,udp | grep -q 'fast-failover group 9: bucket 0 is live'"
check "LOCAL's link down" ip link set "$BR" down
check "trace: LOCAL's link is down, the second bucket takes over" wait_until 10 bash -c \
    "uvs-appctl ofproto/trace $BR in_port=1,udp | grep -q 'fast-failover group 9: bucket 1 is live'"
check_grep "the link change was noticed and logged" "port $BR: link is down" \
    cat "$UVS_LOGDIR/uvs-vswitchd.log"

uvs_test_finish
