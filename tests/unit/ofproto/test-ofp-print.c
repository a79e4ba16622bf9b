/*
 * test-ofp-print — the text layouts users see from uvs-ofctl. The expected strings are what
 * Debian's ovs-ofctl 3.1 prints for the same messages (`ovs-ofctl ofp-print HEX` on our encoding,
 * and dump-flows/show/dump-ports against a switch).
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/util.h"
#include "ofproto/ofp-parse.h"
#include "ofproto/ofp-print.h"

static struct ofp_flow_stats
stats_from(const char *flow)
{
    struct ofp_flow_mod fm;
    char *error = ofp_parse_flow_mod(flow, OFPFC_ADD, NULL, NULL, &fm);
    if (error) {
        fail_msg("%s: %s", flow, error);
    }
    struct ofp_flow_stats fs = {
        .table_id = fm.table_id, .duration_sec = 12, .duration_nsec = 345000000,
        .priority = fm.priority, .idle_timeout = fm.idle_timeout,
        .hard_timeout = fm.hard_timeout, .flags = fm.flags, .cookie = fm.cookie,
        .packet_count = 10, .byte_count = 980, .idle_age = UINT32_MAX,
        .match = fm.match, .ofpacts = fm.ofpacts,
    };
    return fs;
}

static void
check_flow_stats(const char *flow, uint32_t idle_age, const struct ofp_port_map *map,
                 const char *expect)
{
    struct ofp_flow_stats fs = stats_from(flow);
    struct ds s = DS_EMPTY_INITIALIZER;

    fs.idle_age = idle_age;
    ofp_format_flow_stats(&s, &fs, map);
    if (strcmp(ds_cstr(&s), expect)) {
        fail_msg("%s\n  printed:  %s\n  expected: %s", flow, ds_cstr(&s), expect);
    }
    ds_destroy(&s);
    ofpacts_destroy(&fs.ofpacts);
}

static void
test_dump_flows_lines(void **state)
{
    check_flow_stats("priority=100,in_port=1,ip,nw_dst=10.0.0.0/8,actions=output:2", UINT32_MAX,
                     NULL, " cookie=0x0, duration=12.345s, table=0, n_packets=10, n_bytes=980, "
                     "priority=100,ip,in_port=1,nw_dst=10.0.0.0/8 actions=output:2");
    /* Default priority is omitted; an empty match leaves just the actions. */
    check_flow_stats("actions=NORMAL", UINT32_MAX, NULL,
                     " cookie=0x0, duration=12.345s, table=0, n_packets=10, n_bytes=980, "
                     "actions=NORMAL");
    check_flow_stats("in_port=3,actions=", UINT32_MAX, NULL,
                     " cookie=0x0, duration=12.345s, table=0, n_packets=10, n_bytes=980, "
                     "in_port=3 actions=drop");
    check_flow_stats("table=5,idle_timeout=10,hard_timeout=20,send_flow_rem,check_overlap,"
                     "cookie=0x55,priority=0,actions=drop", UINT32_MAX, NULL,
                     " cookie=0x55, duration=12.345s, table=5, n_packets=10, n_bytes=980, "
                     "idle_timeout=10, hard_timeout=20, send_flow_rem check_overlap priority=0 "
                     "actions=drop");
    check_flow_stats("priority=65535,tcp,tp_dst=80,actions=controller:10,LOCAL", UINT32_MAX, NULL,
                     " cookie=0x0, duration=12.345s, table=0, n_packets=10, n_bytes=980, "
                     "priority=65535,tcp,tp_dst=80 actions=CONTROLLER:10,LOCAL");
    /* idle_age only when the switch reported it (never over OpenFlow 1.3). */
    check_flow_stats("priority=100,ip,actions=output:2", 3, NULL,
                     " cookie=0x0, duration=12.345s, table=0, n_packets=10, n_bytes=980, "
                     "idle_age=3, priority=100,ip actions=output:2");
}

static void
test_match_order_and_names(void **state)
{
    struct ofp_port_map map;

    ofp_port_map_init(&map);
    ofp_port_map_add(&map, 1, "p0");
    ofp_port_map_add(&map, 2, "p1");
    ofp_port_map_add(&map, 3, "my port");
    ofp_port_map_add(&map, OFPP_LOCAL, "br0");
    check_flow_stats("in_port=1,actions=output:2,output:3,LOCAL", UINT32_MAX, &map,
                     " cookie=0x0, duration=12.345s, table=0, n_packets=10, n_bytes=980, "
                     "in_port=p0 actions=output:p1,output:\"my port\",LOCAL");
    /* Fields in ovs-ofctl's order whatever the input order. */
    check_flow_stats("tp_dst=22,ipv6_src=::1,dl_vlan=7,in_port=2,metadata=0x1,"
                     "dl_dst=00:00:00:00:00:01,tcp6,actions=drop", UINT32_MAX, NULL,
                     " cookie=0x0, duration=12.345s, table=0, n_packets=10, n_bytes=980, "
                     "tcp6,metadata=0x1,in_port=2,dl_vlan=7,dl_dst=00:00:00:00:00:01,ipv6_src=::1,tp_dst=22 "
                     "actions=drop");
    ofp_port_map_destroy(&map);
}

static void
test_port_map(void **state)
{
    struct ofp_port_map map;
    uint32_t port;

    ofp_port_map_init(&map);
    ofp_port_map_add(&map, 1, "p0");
    ofp_port_map_add(&map, 2, "dup");
    ofp_port_map_add(&map, 3, "dup");
    assert_string_equal(ofp_port_map_get_name(&map, 1), "p0");
    assert_null(ofp_port_map_get_name(&map, 2));       /* ambiguous name */
    assert_null(ofp_port_map_get_name(&map, 9));
    assert_true(ofp_port_map_get_number(&map, "p0", &port));
    assert_int_equal(port, 1);
    assert_false(ofp_port_map_get_number(&map, "dup", &port));
    assert_false(ofp_port_map_lookup_cb(&map, "nope", &port));

    struct ds s = DS_EMPTY_INITIALIZER;
    ofp_format_port(&s, 2, &map);
    ds_put_char(&s, ' ');
    ofp_format_port(&s, OFPP_CONTROLLER, &map);
    ds_put_char(&s, ' ');
    ofp_format_port(&s, 1, NULL);
    assert_string_equal(ds_cstr(&s), "2 CONTROLLER 1");
    ds_destroy(&s);
    ofp_port_map_destroy(&map);
}

static void
test_duration(void **state)
{
    const struct { uint32_t sec, nsec; const char *expect; } cases[] = {
        { 12, 345000000, "12.345s" }, { 3, 100000000, "3.100s" }, { 3, 1500000, "3.0015s" },
        { 3, 999999999, "3.999999999s" }, { 5, 0, "5s" }, { 0, 1000000, "0.001s" },
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        struct ds s = DS_EMPTY_INITIALIZER;
        ofp_format_duration(&s, cases[i].sec, cases[i].nsec);
        assert_string_equal(ds_cstr(&s), cases[i].expect);
        ds_destroy(&s);
    }
}

static void
test_show(void **state)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    struct ofp_switch_features f = {
        0x1234, 0, 254, 0, OFPC_FLOW_STATS | OFPC_TABLE_STATS | OFPC_PORT_STATS,
    };
    ofp_format_features_reply(&s, OFP13_VERSION, 2, &f);
    assert_string_equal(ds_cstr(&s),
                        "OFPT_FEATURES_REPLY (OF1.3) (xid=0x2): dpid:0000000000001234\n"
                        "n_tables:254, n_buffers:0\n"
                        "capabilities: FLOW_STATS TABLE_STATS PORT_STATS\n");
    ds_clear(&s);

    struct ofp_phy_port ports[3] = {
        { .port_no = OFPP_LOCAL, .hw_addr = { { 0xaa, 0, 0, 0, 0, 1 } }, .name = "br0",
          .config = OFPPC_PORT_DOWN, .state = OFPPS_LINK_DOWN },
        { .port_no = 2, .hw_addr = { { 0xaa, 0, 0, 0, 0, 2 } }, .name = "p1", .curr = 64 | 2048,
          .advertised = 0x2fff, .supported = 0xffff, .peer = 32, .curr_speed = 10000000,
          .state = OFPPS_LIVE, .config = 0x65 },
        { .port_no = 1, .hw_addr = { { 0xaa, 0, 0, 0, 0, 3 } }, .name = "p0" },
    };
    ofp_format_port_desc_reply(&s, OFP13_VERSION, 3, 0, ports, 3);
    assert_string_equal(ds_cstr(&s),
        "OFPST_PORT_DESC reply (OF1.3) (xid=0x3):\n"
        " 1(p0): addr:aa:00:00:00:00:03\n"
        "     config:     0\n"
        "     state:      0\n"
        "     speed: 0 Mbps now, 0 Mbps max\n"
        " 2(p1): addr:aa:00:00:00:00:02\n"
        "     config:     PORT_DOWN NO_RECV NO_FWD NO_PACKET_IN\n"
        "     state:      LIVE\n"
        "     current:    10GB-FD COPPER\n"
        "     advertised: 10MB-HD 10MB-FD 100MB-HD 100MB-FD 1GB-HD 1GB-FD 10GB-FD 40GB-FD "
        "100GB-FD 1TB-FD OTHER COPPER AUTO_NEG\n"
        "     supported:  10MB-HD 10MB-FD 100MB-HD 100MB-FD 1GB-HD 1GB-FD 10GB-FD 40GB-FD "
        "100GB-FD 1TB-FD OTHER COPPER FIBER AUTO_NEG AUTO_PAUSE AUTO_PAUSE_ASYM\n"
        "     peer:       1GB-FD\n"
        "     speed: 10000 Mbps now, 0 Mbps max\n"
        " LOCAL(br0): addr:aa:00:00:00:00:01\n"
        "     config:     PORT_DOWN\n"
        "     state:      LINK_DOWN\n"
        "     speed: 0 Mbps now, 0 Mbps max\n");
    ds_clear(&s);

    struct ofp_switch_config c = { 0, 128 };
    ofp_format_switch_config(&s, OFP13_VERSION, OFPT_GET_CONFIG_REPLY, 5, &c);
    assert_string_equal(ds_cstr(&s),
                        "OFPT_GET_CONFIG_REPLY (OF1.3) (xid=0x5): frags=normal miss_send_len=128\n");
    ds_destroy(&s);
}

static void
test_dump_ports(void **state)
{
    struct ofp_port_map map;
    struct ds s = DS_EMPTY_INITIALIZER;
    struct ofp_port_stats ps[3] = {
        { .port_no = OFPP_LOCAL, .rx_packets = 5, .tx_packets = 6, .rx_bytes = 700,
          .tx_bytes = 800, .rx_dropped = UINT64_MAX, .tx_dropped = 1, .rx_errors = 2,
          .tx_errors = 3, .rx_frame_err = UINT64_MAX, .rx_over_err = 4, .rx_crc_err = 5,
          .collisions = UINT64_MAX, .duration_sec = 12, .duration_nsec = 345000000 },
        { .port_no = 1, .duration_sec = 3 },
        { .port_no = 12, .duration_sec = 3, .duration_nsec = 1500000 },
    };

    ofp_format_port_stats_reply(&s, OFP13_VERSION, 2, 0, ps, 3, NULL);
    assert_string_equal(ds_cstr(&s),
        "OFPST_PORT reply (OF1.3) (xid=0x2): 3 ports\n"
        "  port LOCAL: rx pkts=5, bytes=700, drop=?, errs=2, frame=?, over=4, crc=5\n"
        "           tx pkts=6, bytes=800, drop=1, errs=3, coll=?\n"
        "           duration=12.345s\n"
        "  port  1: rx pkts=0, bytes=0, drop=0, errs=0, frame=0, over=0, crc=0\n"
        "           tx pkts=0, bytes=0, drop=0, errs=0, coll=0\n"
        "           duration=3s\n"
        "  port 12: rx pkts=0, bytes=0, drop=0, errs=0, frame=0, over=0, crc=0\n"
        "           tx pkts=0, bytes=0, drop=0, errs=0, coll=0\n"
        "           duration=3.0015s\n");
    ds_clear(&s);

    ofp_port_map_init(&map);
    ofp_port_map_add(&map, 1, "p0");
    ofp_format_port_stats_reply(&s, OFP13_VERSION, 4, OFPMPF_REPLY_MORE, &ps[1], 1, &map);
    assert_string_equal(ds_cstr(&s),
        "OFPST_PORT reply (OF1.3) (xid=0x4): flags=[more] 1 ports\n"
        "  port  p0: rx pkts=0, bytes=0, drop=0, errs=0, frame=0, over=0, crc=0\n"
        "           tx pkts=0, bytes=0, drop=0, errs=0, coll=0\n"
        "           duration=3s\n");
    ofp_port_map_destroy(&map);
    ds_destroy(&s);
}

static void
test_tables_desc_aggregate(void **state)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    struct ofp_table_stats ts[6] = {
        { 0, 5, 1000, 900 }, { 1, 0, 0, 0 }, { 2, 0, 0, 0 }, { 3, 1, 0, 0 }, { 4, 0, 0, 0 },
        { 5, 0, 0, 0 },
    };

    ofp_format_table_stats_reply(&s, OFP13_VERSION, 2, 0, ts, 6);
    assert_string_equal(ds_cstr(&s),
                        "OFPST_TABLE reply (OF1.3) (xid=0x2):\n"
                        "  table 0:\n"
                        "    active=5, lookup=1000, matched=900\n"
                        "\n"
                        "  table 1:\n"
                        "    active=0, lookup=0, matched=0\n"
                        "\n"
                        "  table 2: ditto\n"
                        "\n"
                        "  table 3:\n"
                        "    active=1, lookup=0, matched=0\n"
                        "\n"
                        "  table 4:\n"
                        "    active=0, lookup=0, matched=0\n"
                        "\n"
                        "  table 5: ditto\n");
    ds_clear(&s);

    struct ofp_table_stats many[254];
    memset(many, 0, sizeof many);
    for (int i = 0; i < 254; i++) {
        many[i].table_id = i;
    }
    ofp_format_table_stats_reply(&s, OFP13_VERSION, 2, 0, many, 254);
    assert_string_equal(ds_cstr(&s),
                        "OFPST_TABLE reply (OF1.3) (xid=0x2):\n"
                        "  table 0:\n"
                        "    active=0, lookup=0, matched=0\n"
                        "\n"
                        "  tables 1...253: ditto\n");
    ds_clear(&s);

    struct ofp_desc d = { "uvs", "uvs userspace switch", "0.1.0", "None", "bridge br0" };
    ofp_format_desc_reply(&s, OFP13_VERSION, 2, OFPMPF_REPLY_MORE, &d);
    assert_string_equal(ds_cstr(&s),
                        "OFPST_DESC reply (OF1.3) (xid=0x2): flags=[more]\n"
                        "Manufacturer: uvs\n"
                        "Hardware: uvs userspace switch\n"
                        "Software: 0.1.0\n"
                        "Serial Num: None\n"
                        "DP Description: bridge br0\n");
    ds_clear(&s);

    struct ofp_aggregate_stats a = { 10, 1000, 3 };
    ofp_format_aggregate_reply(&s, OFP13_VERSION, 2, 0, &a);
    assert_string_equal(ds_cstr(&s), "OFPST_AGGREGATE reply (OF1.3) (xid=0x2): packet_count=10 "
                        "byte_count=1000 flow_count=3\n");
    ds_destroy(&s);
}

static void
test_names(void **state)
{
    assert_string_equal(ofp_type_name(OFPT_FLOW_MOD), "OFPT_FLOW_MOD");
    assert_string_equal(ofp_type_name(OFPT_METER_MOD), "OFPT_METER_MOD");
    assert_string_equal(ofp_type_name(200), "OFPT_UNKNOWN_TYPE_200");
    assert_string_equal(ofperr_type_name(OFPET_BAD_MATCH), "OFPET_BAD_MATCH");
    assert_string_equal(ofperr_type_name(0xffff), "OFPET_EXPERIMENTER");
    assert_string_equal(ofperr_type_name(77), "OFPET_UNKNOWN_77");
    assert_string_equal(ofperr_code_name((struct ofperr) { OFPET_BAD_MATCH, 9 }),
                        "OFPBMC_BAD_PREREQ");
    assert_string_equal(ofperr_code_name((struct ofperr) { OFPET_BAD_REQUEST, 1 }),
                        "OFPBRC_BAD_TYPE");
    assert_string_equal(ofperr_code_name((struct ofperr) { OFPET_FLOW_MOD_FAILED, 2 }),
                        "OFPFMFC_BAD_TABLE_ID");
    assert_string_equal(ofperr_code_name((struct ofperr) { OFPET_BAD_INSTRUCTION, 1 }),
                        "OFPBIC_UNSUP_INST");
    assert_string_equal(ofperr_code_name((struct ofperr) { 13, 5 }), "OFPTFFC_EPERM");
    assert_string_equal(ofperr_code_name((struct ofperr) { OFPET_BAD_MATCH, 99 }), "code 99");
    assert_string_equal(ofperr_description((struct ofperr) { OFPET_BAD_MATCH, 9 }),
                        "a match field's prerequisite is missing (e.g. nw_dst needs ip)");
    assert_string_equal(ofperr_description((struct ofperr) { 12, 3 }),
                        "no such meter (add it first with add-meter)");
    assert_string_equal(ofperr_description((struct ofperr) { 12, 99 }), "request rejected");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dump_flows_lines),
        cmocka_unit_test(test_match_order_and_names),
        cmocka_unit_test(test_port_map),
        cmocka_unit_test(test_duration),
        cmocka_unit_test(test_show),
        cmocka_unit_test(test_dump_ports),
        cmocka_unit_test(test_tables_desc_aggregate),
        cmocka_unit_test(test_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
