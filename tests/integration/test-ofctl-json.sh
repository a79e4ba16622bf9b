#!/bin/bash
# uvs-ofctl --format json: every dump (show, dump-desc, dump-tables, dump-table-features,
# dump-ports, dump-ports-desc, dump-flows, dump-aggregate, dump-groups, dump-group-stats,
# dump-group-features, dump-meters, meter-stats, meter-features) prints JSON with the keys
# docs/user-guide/uvs-ofctl.md lists, and the values are the switch's: after pings through a
# group and a meter, the packet counters of the flows, ports, group and meter are all non-zero.
. "$(dirname "$0")/common.sh"
uvs_require_root
uvs_test_init ofctl-json

BR=br$UVS_SFX
check "uvsdb-server starts" uvs_start_db || uvs_test_finish
check "uvs-vswitchd starts" uvs_start_vswitchd || uvs_test_finish
check "namespace a" uvs_add_ns a 10.23.0.1 || uvs_test_finish
check "namespace b" uvs_add_ns b 10.23.0.2 || uvs_test_finish
VA=$(uvs_veth a)
VB=$(uvs_veth b)
check "add-br" uvs-vsctl --timeout=30 add-br "$BR"
check "add-port a" uvs-vsctl --timeout=30 add-port "$BR" "$VA" \
    -- set Interface "$VA" ofport_request=1
check "add-port b" uvs-vsctl --timeout=30 add-port "$BR" "$VB" \
    -- set Interface "$VB" ofport_request=2

# a -> b through group 5 (indirect) and meter 3; b -> a directly.
check "del-flows" uvs-ofctl del-flows "$BR"
check "add-group 5" uvs-ofctl add-group "$BR" "group_id=5,type=indirect,bucket=actions=output:2"
check "add-meter 3" uvs-ofctl add-meter "$BR" \
    "meter=3,pktps,burst,stats,band=type=drop,rate=1000,burst_size=100"
check "add-flow a -> group 5 via meter 3" uvs-ofctl -O OpenFlow13 add-flow "$BR" \
    "priority=100,in_port=1,actions=meter:3,group:5"
check "add-flow b -> a" uvs-ofctl add-flow "$BR" "priority=100,in_port=2,actions=output:1"
check "a pings b" wait_until 10 uvs_ns_exec a ping -c 1 -W 1 10.23.0.2
check "5 more pings" uvs_ns_exec a ping -c 5 -i 0.2 -W 1 10.23.0.2
# Rule, group and meter counters come from the datapath's megaflows (pushed every 250 ms).
check "dump-flows counts the a -> b rule" wait_until 10 \
    bash -c "uvs-ofctl dump-flows $BR in_port=1 | grep -q 'n_packets=[6-9]'"

# json_check NAME PYTHON-EXPRESSION CMD...: CMD's output parsed as JSON is bound to j, and the
# expression must be true; on failure the output is shown.
json_check() {
    local name=$1 expr=$2
    shift 2
    check "$name" bash -c '"${@:2}" >"$UVS_TEST_DIR/json.out" && python3 -c "
import json, sys
j = json.load(open(sys.argv[1]))
ok = ($1)
if not ok:
    print(json.dumps(j, indent=1)[:3000])
sys.exit(0 if ok else 1)" "$UVS_TEST_DIR/json.out"' _ "$expr" "$@"
}
J="uvs-ofctl --format json"

json_check "show: datapath_id, tables, the three ports by name" \
    "len(j['datapath_id']) == 16 and j['n_tables'] == 254 and
     sorted(p['name'] for p in j['ports']) == sorted(['$BR', '$VA', '$VB']) and
     [p['port'] for p in j['ports'] if p['name'] == '$VA'] == [1] and
     'flow_stats' in j['capabilities'] and j['frag'] == 'normal'" $J show "$BR"
json_check "show over OpenFlow 1.0 (ports in the features reply) lists them too" \
    "j['version'] == 1 and len(j['ports']) == 3" uvs-ofctl -O OpenFlow10 --format json show "$BR"
json_check "dump-desc: dp_desc names the bridge" \
    "j['mfr_desc'] == 'uvs' and '$BR' in j['dp_desc'] and set(j) ==
     {'mfr_desc', 'hw_desc', 'sw_desc', 'serial_num', 'dp_desc'}" $J dump-desc "$BR"
# (uvs does not count table lookups yet: lookup_count and matched_count are only type-checked.)
json_check "dump-tables: 254 tables, table 0 holds the 2 flows" \
    "len(j) == 254 and j[0]['table'] == 0 and j[0]['active_count'] == 2 and
     j[1]['active_count'] == 0 and isinstance(j[0]['lookup_count'], int) and
     isinstance(j[0]['matched_count'], int)" \
    $J dump-tables "$BR"
json_check "dump-table-features: 254 tables, next tables and match fields" \
    "len(j) == 254 and j[0]['next_tables'] == list(range(1, 254)) and
     j[253]['next_tables'] == [] and 'goto_table' in j[0]['instructions'] and
     'goto_table' not in j[253]['instructions'] and 'output' in j[0]['apply_actions'] and
     'ip_dst' in j[0]['match'] and j[0]['max_entries'] > 0" $J dump-table-features "$BR"
json_check "dump-ports: port 1 received and port 2 sent the pings" \
    "{p['port']: p for p in j}[1]['rx_packets'] >= 6 and
     {p['port']: p for p in j}[2]['tx_packets'] >= 6 and
     {p['port']: p for p in j}[1]['name'] == '$VA' and
     {p['port']: p for p in j}[1]['rx_bytes'] >= 6 * 98" $J dump-ports "$BR"
json_check "dump-ports PORT: one port" \
    "len(j) == 1 and j[0]['port'] == 2 and j[0]['tx_packets'] >= 6" $J dump-ports "$BR" 2
json_check "dump-ports-desc: three ports with MACs, port 1 is up" \
    "len(j) == 3 and all(len(p['hw_addr']) == 17 for p in j) and
     'port_down' not in {p['port']: p for p in j}[1]['config'] and
     'link_down' not in {p['port']: p for p in j}[1]['state']" $J dump-ports-desc "$BR"
json_check "dump-flows: both rules with their counters and actions" \
    "len(j) == 2 and {f['match']: f for f in j}['in_port=1']['n_packets'] >= 6 and
     {f['match']: f for f in j}['in_port=1']['actions'] == 'meter:3,group:5' and
     {f['match']: f for f in j}['in_port=2']['actions'] == 'output:1' and
     j[0]['priority'] == 100 and j[0]['table'] == 0" \
    $J dump-flows "$BR"
json_check "dump-aggregate: flow_count 2, packets of both directions" \
    "j['flow_count'] == 2 and j['packet_count'] >= 12 and j['byte_count'] >= 12 * 98" \
    $J dump-aggregate "$BR"
json_check "dump-groups: group 5, indirect, one bucket" \
    "j == [{'group_id': 5, 'type': 'indirect', 'buckets': [{'bucket_id': 0, 'weight': 0,
     'watch_port': None, 'watch_group': None, 'actions': 'output:2'}]}]" $J dump-groups "$BR"
json_check "dump-group-stats: group 5 counted the pings" \
    "len(j) == 1 and j[0]['group_id'] == 5 and j[0]['ref_count'] == 1 and
     j[0]['packet_count'] >= 6 and j[0]['buckets'][0]['packet_count'] >= 6" \
    $J dump-group-stats "$BR"
json_check "dump-group-features: the four types" \
    "j['types'] == ['all', 'select', 'indirect', 'ff'] and j['max_groups']['select'] > 0 and
     'output' in j['actions']['all']" $J dump-group-features "$BR"
json_check "dump-meters: meter 3 with its band" \
    "j == [{'meter_id': 3, 'flags': ['pktps', 'burst', 'stats'],
     'bands': [{'type': 'drop', 'rate': 1000, 'burst_size': 100}]}]" $J dump-meters "$BR"
json_check "meter-stats: meter 3 saw the pings, the band dropped none" \
    "len(j) == 1 and j[0]['meter_id'] == 3 and j[0]['flow_count'] == 1 and
     j[0]['packet_in_count'] >= 6 and j[0]['bands'][0]['packet_count'] == 0" \
    $J meter-stats "$BR"
json_check "meter-features: drop bands, pktps and kbps" \
    "j['max_meter'] > 0 and 'drop' in j['band_types'] and
     {'kbps', 'pktps'} <= set(j['capabilities'])" $J meter-features "$BR"
check_grep "--format rejects an unknown format" "unknown format" \
    bash -c "uvs-ofctl --format xml dump-desc $BR 2>&1; true"

uvs_test_finish
